/* Signature keys and the TLS signature schemes tern uses (RFC 8446 section
 * 4.2.3 code points, which TLS 1.2 shares through RFC 8422/RFC 8446). */
#ifndef TERN_CRYPTO_SIG_H
#define TERN_CRYPTO_SIG_H

#include <stddef.h>
#include <stdint.h>

enum tern_sig_scheme {
    TERN_SIG_RSA_PKCS1_SHA256 = 0x0401,
    TERN_SIG_RSA_PKCS1_SHA384 = 0x0501,
    TERN_SIG_ECDSA_SECP256R1_SHA256 = 0x0403,
    TERN_SIG_ECDSA_SECP384R1_SHA384 = 0x0503,
    TERN_SIG_RSA_PSS_RSAE_SHA256 = 0x0804,
    TERN_SIG_RSA_PSS_RSAE_SHA384 = 0x0805,
    TERN_SIG_ED25519 = 0x0807,
};

/* Largest signature tern produces or accepts (RSA-8192). */
#define TERN_SIG_MAX_LEN 1024

/* What kind of key a struct tern_pkey holds. */
enum tern_pkey_type {
    TERN_PKEY_NONE = 0,
    TERN_PKEY_RSA,
    TERN_PKEY_EC_P256,
    TERN_PKEY_EC_P384,
    TERN_PKEY_ED25519,
};

/* A public or private key (an EVP_PKEY inside). Opaque. */
struct tern_pkey;

/* Parses a private key: PEM (PKCS#8 or traditional) or DER (PKCS#8 or
 * traditional), detected from the bytes. Encrypted PEM is refused.
 * Errors: TERN_ERR_ARG, TERN_ERR_BAD_CREDENTIAL (not a key, or a type tern
 * does not use), TERN_ERR_NOMEM. */
int tern_pkey_parse_private(struct tern_pkey **out, const uint8_t *data, size_t len);

/* Parses a public key from a DER or PEM SubjectPublicKeyInfo.
 * Errors: as tern_pkey_parse_private(). */
int tern_pkey_parse_public(struct tern_pkey **out, const uint8_t *data, size_t len);

/* Builds an Ed25519 key from its 32-byte raw form (RFC 8032 section 5.1.5):
 * a private seed when is_private, else a public key.
 * Errors: TERN_ERR_ARG, TERN_ERR_BAD_CREDENTIAL. */
int tern_pkey_ed25519_raw(struct tern_pkey **out, const uint8_t raw[32], int is_private);

/* The key's type, or TERN_PKEY_NONE for NULL. */
int tern_pkey_type(const struct tern_pkey *k);

/* Whether the key holds private material (1) or is public only (0). */
int tern_pkey_is_private(const struct tern_pkey *k);

/* Writes the DER SubjectPublicKeyInfo of k (the raw public key of RFC 7250)
 * into out (cap bytes); *out_len receives its length.
 * Errors: TERN_ERR_ARG, TERN_ERR_BUFFER, TERN_ERR_CRYPTO. */
int tern_pkey_spki(const struct tern_pkey *k, uint8_t *out, size_t cap, size_t *out_len);

/* A new handle on the same public key (its libcrypto key shared, counted
 * by reference), for a connection to verify with a key the configuration
 * decoded once. Only public keys. Errors: TERN_ERR_ARG, TERN_ERR_NOMEM,
 * TERN_ERR_CRYPTO. */
int tern_pkey_share_public(const struct tern_pkey *k, struct tern_pkey **out);

/* Frees k (NULL is fine); libcrypto wipes private material. */
void tern_pkey_free(struct tern_pkey *k);

/* Whether scheme can be used with key k (1) or not (0): ECDSA schemes need
 * the matching curve, RSA schemes an RSA key, ed25519 an Ed25519 key. */
int tern_sig_scheme_fits(const struct tern_pkey *k, int scheme);

/* Signs msg (the whole message; the scheme's hash is applied here) with a
 * private key. sig has room for *sig_len bytes; on success *sig_len is the
 * signature length. RSA-PSS uses a salt as long as the hash (RFC 8446
 * section 4.2.3). ECDSA and RSA-PSS draw libcrypto's own randomness.
 * Errors: TERN_ERR_ARG (scheme does not fit the key, not a private key),
 * TERN_ERR_BUFFER, TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_sig_sign(const struct tern_pkey *k, int scheme, const uint8_t *msg, size_t msg_len,
                  uint8_t *sig, size_t *sig_len);

/* Verifies sig over msg with k (public or private).
 * Errors: TERN_ERR_BAD_SIGNATURE (does not verify, or malformed signature),
 * TERN_ERR_ARG (scheme does not fit the key), TERN_ERR_NOMEM. */
int tern_sig_verify(const struct tern_pkey *k, int scheme, const uint8_t *msg, size_t msg_len,
                    const uint8_t *sig, size_t sig_len);

#endif
