/* Ephemeral key exchange: X25519 (RFC 7748) and ECDH over P-256 and P-384
 * (RFC 8422), with the wire encodings TLS uses: 32 raw bytes for X25519, the
 * uncompressed point 0x04 || X || Y for the NIST curves. */
#ifndef TERN_CRYPTO_KEX_H
#define TERN_CRYPTO_KEX_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/rng.h"

/* NamedGroup code points (RFC 8422 section 5.1.1, RFC 8446 section 4.2.7). */
enum tern_group {
    TERN_GROUP_SECP256R1 = 23,
    TERN_GROUP_SECP384R1 = 24,
    TERN_GROUP_X25519 = 29,
};

#define TERN_KEX_MAX_PRIV_LEN   48
#define TERN_KEX_MAX_PUB_LEN    97 /* uncompressed P-384 point */
#define TERN_KEX_MAX_SECRET_LEN 48

/* One ephemeral key pair. Plain bytes, no libcrypto object: it can be
 * embedded, copied before use, and is wiped by tern_kex_clear(). */
struct tern_kex {
    uint16_t group;
    uint8_t priv_len;
    uint8_t pub_len;
    uint8_t priv[TERN_KEX_MAX_PRIV_LEN];
    uint8_t pub[TERN_KEX_MAX_PUB_LEN];
};

/* Whether tern supports a group (1) or not (0). */
int tern_kex_group_supported(int group);

/* Lengths of the wire public value and of the shared secret for group, or 0. */
size_t tern_kex_pub_len(int group);
size_t tern_kex_secret_len(int group);

/* Generates a key pair for group with randomness from rng (NULL: libcrypto's
 * CSPRNG). Errors: TERN_ERR_UNSUPPORTED (group), TERN_ERR_ARG,
 * TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_kex_generate(struct tern_kex *k, int group, const struct tern_rng *rng);

/* Builds the key pair for a given private value: a 32-byte X25519 scalar or a
 * big-endian NIST scalar of the field size in [1, n-1]. Used by known-answer
 * tests and by tern_kex_generate(). Errors: TERN_ERR_UNSUPPORTED, TERN_ERR_ARG
 * (wrong length or scalar out of range), TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_kex_from_private(struct tern_kex *k, int group, const uint8_t *priv, size_t priv_len);

/* Computes the shared secret with the peer's wire public value into secret
 * (tern_kex_secret_len() bytes; *secret_len receives it). The peer value is
 * validated first: a NIST point must be uncompressed, on the curve and not
 * the identity (RFC 8422 section 5.11); an X25519 result of all zeros is
 * refused (RFC 7748 section 6.1).
 * Errors: TERN_ERR_BAD_KEY_SHARE (invalid peer value), TERN_ERR_STATE (k not
 * generated), TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_kex_derive(const struct tern_kex *k, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                    size_t *secret_len);

/* Wipes the private value. Safe on a zeroed struct. */
void tern_kex_clear(struct tern_kex *k);

#endif
