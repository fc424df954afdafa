/* The handshake transcript hash of DTLS 1.2. RFC 6347 section 4.2.6: each
 * handshake message is hashed with its DTLS header as if it had been sent
 * in one fragment (fragment_offset 0, fragment_length = length), and the
 * first ClientHello and the HelloVerifyRequest are left out. The hash is the
 * suite's PRF hash, unknown to a client until the ServerHello, so both
 * SHA-256 and SHA-384 run until tern_transcript_choose(). */
#ifndef TERN_HANDSHAKE_TRANSCRIPT_H
#define TERN_HANDSHAKE_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/hash.h"

struct tern_transcript {
    struct tern_hash sha256;
    struct tern_hash sha384;
    uint8_t alg; /* enum tern_hash_alg once chosen, 0 while both run */
    /* The messages themselves, kept only when a CertificateVerify will sign
     * them (RFC 5246 section 7.4.8 signs handshake_messages, whose hash
     * may differ from the PRF's). */
    uint8_t *bytes;
    size_t len;
    size_t cap;
};

/* Starts keeping the bytes of every message added from now on (call before
 * the first message). Errors: TERN_ERR_NOMEM. */
int tern_transcript_keep(struct tern_transcript *t);

/* Starts both hashes. Errors: TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_transcript_init(struct tern_transcript *t);

/* Frees both hashes. Safe on a zeroed struct. */
void tern_transcript_clear(struct tern_transcript *t);

/* Hashes one whole handshake message (and keeps its bytes when keeping).
 * Errors: TERN_ERR_ARG (body NULL with a length), TERN_ERR_DECODE (body of
 * 2^24 bytes or more), TERN_ERR_HANDSHAKE_FAILURE (more than 128 KiB kept),
 * TERN_ERR_NOMEM; on these nothing changes. TERN_ERR_CRYPTO (a hash
 * failed) leaves the transcript unusable. */
int tern_transcript_add(struct tern_transcript *t, uint8_t type, uint16_t seq, const uint8_t *body,
                        size_t len);

/* Keeps only alg's hash. Errors: TERN_ERR_ARG (unknown alg), TERN_ERR_STATE
 * (already chosen differently). */
int tern_transcript_choose(struct tern_transcript *t, int alg);

/* The hash of everything added so far (the chosen algorithm's), into out
 * (TERN_HASH_MAX_LEN bytes); *len receives its length.
 * Errors: TERN_ERR_STATE (not chosen), TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_transcript_hash(const struct tern_transcript *t, uint8_t *out, size_t *len);

#endif
