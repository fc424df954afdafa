/* The cipher-suite table: every suite tern speaks, with what it needs.
 * Only AEAD suites, ever (DESIGN.md principle 4). */
#ifndef TERN_HANDSHAKE_SUITES_H
#define TERN_HANDSHAKE_SUITES_H

#include <stddef.h>
#include <stdint.h>

/* How a suite agrees on keys and authenticates. */
enum tern_kx {
    TERN_KX_PSK = 1,     /* RFC 4279 */
    TERN_KX_ECDHE_PSK,   /* RFC 5489 */
    TERN_KX_ECDHE_ECDSA, /* RFC 8422 */
    TERN_KX_ECDHE_RSA,   /* RFC 8422 */
};

struct tern_suite {
    const char *name; /* IANA name */
    uint16_t id;      /* IANA code point */
    uint8_t kx;       /* enum tern_kx */
    uint8_t aead;     /* enum tern_aead_alg */
    uint8_t prf_hash; /* enum tern_hash_alg: PRF and Finished hash */
    uint8_t key_len;
    uint8_t iv_len; /* fixed IV from the key block */
};

/* The suite with code point id, or NULL when tern does not speak it. */
const struct tern_suite *tern_suite_by_id(uint16_t id);

/* The suite with IANA name (exact match), or NULL. */
const struct tern_suite *tern_suite_by_name(const char *name);

/* The i-th suite of the table (tern's default preference order), NULL past
 * the end. */
const struct tern_suite *tern_suite_at(size_t i);

/* Whether a suite's key exchange uses a pre-shared key / an ECDHE share. */
int tern_kx_uses_psk(int kx);
int tern_kx_uses_ecdhe(int kx);

/* TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 section 3.3). */
#define TERN_SCSV_RENEGOTIATION 0x00ff

#endif
