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

/* The protocol versions a suite belongs to (bits of struct tern_suite's
 * versions). DTLS 1.3 suites name no key exchange (RFC 8446 section
 * B.4), so no suite belongs to both. */
#define TERN_SUITE_V12 (1u << 0)
#define TERN_SUITE_V13 (1u << 1)

struct tern_suite {
    const char *name; /* IANA name */
    uint16_t id;      /* IANA code point */
    uint8_t versions; /* TERN_SUITE_V12, TERN_SUITE_V13 */
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

/* Whether suite s belongs to the version with bit v (TERN_SUITE_V12, ...). */
static inline int tern_suite_in(const struct tern_suite *s, unsigned v)
{
    return (s->versions & v) != 0;
}

/* Whether a suite's key exchange uses a pre-shared key / an ECDHE share. */
int tern_kx_uses_psk(int kx);
int tern_kx_uses_ecdhe(int kx);

/* TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 section 3.3). */
#define TERN_SCSV_RENEGOTIATION 0x00ff

#endif
