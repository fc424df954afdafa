/* SHA-256 and SHA-384: one-shot and incremental (for handshake transcripts),
 * plus HMAC with a key prepared once. */
#ifndef TERN_CRYPTO_HASH_H
#define TERN_CRYPTO_HASH_H

#include <stddef.h>
#include <stdint.h>

enum tern_hash_alg {
    TERN_HASH_SHA256 = 1,
    TERN_HASH_SHA384,
};

#define TERN_HASH_MAX_LEN 48

/* A borrowed span of bytes, for functions that take their input in pieces. */
struct tern_span {
    const uint8_t *p;
    size_t len;
};

/* Digest length in bytes for alg, or 0 for an unknown alg. */
size_t tern_hash_len(int alg);

/* Hashes len bytes at data into out (tern_hash_len(alg) bytes).
 * Errors: TERN_ERR_ARG, TERN_ERR_CRYPTO. */
int tern_hash_oneshot(int alg, const void *data, size_t len, uint8_t *out);

/* An incremental hash. Owns one libcrypto context. */
struct tern_hash {
    void *ctx;
    uint8_t alg;
};

/* Starts a hash. Errors: TERN_ERR_ARG, TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_hash_init(struct tern_hash *h, int alg);

/* Feeds len bytes. Errors: TERN_ERR_STATE (not initialised), TERN_ERR_CRYPTO. */
int tern_hash_update(struct tern_hash *h, const void *data, size_t len);

/* Writes the digest of everything fed so far to out, leaving h running (a
 * transcript hash is read at several points of a handshake).
 * Errors: TERN_ERR_STATE, TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_hash_peek(const struct tern_hash *h, uint8_t *out);

/* Makes dst an independent copy of src's running state (dst must be cleared
 * or zeroed; on failure it stays cleared). Errors: TERN_ERR_STATE,
 * TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_hash_copy(struct tern_hash *dst, const struct tern_hash *src);

/* Frees the context. Safe on a cleared or zeroed struct. */
void tern_hash_clear(struct tern_hash *h);

/* HMAC (RFC 2104) with a key set up once and reused for many messages. */
struct tern_hmac {
    void *ctx;
    uint8_t alg;
};

/* Prepares an HMAC key. The key bytes are copied into libcrypto's context
 * and wiped with it by tern_hmac_clear().
 * Errors: TERN_ERR_ARG, TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_hmac_init(struct tern_hmac *m, int alg, const uint8_t *key, size_t key_len);

/* Computes the MAC over the concatenation of n spans into out
 * (tern_hash_len(alg) bytes). Reuses m's key, though libcrypto 3.0 copies
 * the keyed digest state for each message (two small allocations; see
 * crypto/cmac.h for a MAC that allocates nothing). Two threads must not
 * share one struct tern_hmac.
 * Errors: TERN_ERR_STATE, TERN_ERR_CRYPTO. */
int tern_hmac_compute(struct tern_hmac *m, const struct tern_span *parts, size_t n, uint8_t *out);

/* Frees and wipes. Safe on a cleared or zeroed struct. */
void tern_hmac_clear(struct tern_hmac *m);

/* One-shot HMAC of one message. Errors: TERN_ERR_ARG, TERN_ERR_NOMEM,
 * TERN_ERR_CRYPTO. */
int tern_hmac_oneshot(int alg, const uint8_t *key, size_t key_len, const void *data, size_t len,
                      uint8_t *out);

#endif
