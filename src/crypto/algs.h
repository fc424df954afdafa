/* Process-wide algorithm handles, fetched once (DESIGN.md "Speed comes from
 * not redoing work"). Private to src/crypto/: the only header besides the
 * crypto sources that names OpenSSL types. */
#ifndef TERN_CRYPTO_ALGS_H
#define TERN_CRYPTO_ALGS_H

#include <openssl/ec.h>
#include <openssl/evp.h>

struct tern_algs {
    EVP_CIPHER *aes_128_gcm;
    EVP_CIPHER *aes_256_gcm;
    EVP_CIPHER *aes_128_ccm;
    EVP_CIPHER *chacha20_poly1305;
    EVP_MD *sha256;
    EVP_MD *sha384;
    EVP_MAC *hmac;
    EVP_MAC *cmac;
    EVP_KDF *hkdf;
    EC_GROUP *p256;
    EC_GROUP *p384;
    /* X25519 keys from raw bytes without a look-up by name per key: a
     * context prepared with EVP_PKEY_fromdata_init(), only ever passed to
     * EVP_PKEY_fromdata(), which reads it and nothing else (so threads may
     * share it). */
    EVP_PKEY_CTX *x25519_fromdata;
    /* The X25519 base point (u = 9) as a public key: X25519(k, 9) is the
     * public value of k (RFC 7748 section 6.1). Read-only. */
    EVP_PKEY *x25519_base;
};

/* The fetched handles, or NULL when libcrypto lacks one of them (then every
 * crypto call fails with TERN_ERR_CRYPTO). Thread-safe; fetches on first use
 * and keeps the handles for the life of the process. */
const struct tern_algs *tern_algs(void);

struct tern_span;

/* Restarts a keyed EVP_MAC context under the key it holds (HMAC and CMAC
 * both restart in place, without allocating) and writes the MAC of the
 * concatenated parts, which must be exactly want bytes, to out. Shared by
 * tern_hmac_compute() and tern_cmac_compute(); defined in hash.c.
 * Errors: TERN_ERR_CRYPTO. */
int tern_evp_mac_parts(EVP_MAC_CTX *ctx, const struct tern_span *parts, size_t n, uint8_t *out,
                       size_t want);

#endif
