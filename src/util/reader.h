/* The bounds-checked reader: the only way tern parses untrusted bytes.
 *
 * A reader borrows a span of memory it never writes or frees. Every get
 * checks what remains first; a get that fails returns TERN_ERR_DECODE and
 * leaves the reader exactly as it was. Length-prefixed vectors become
 * sub-readers that cannot reach past their parent (OpenBSD CBS style), and
 * tern_r_end() rejects leftover bytes once, where a message ends. */
#ifndef TERN_UTIL_READER_H
#define TERN_UTIL_READER_H

#include <stddef.h>
#include <stdint.h>

#include <tern/err.h>

struct tern_reader {
    const uint8_t *p; /* next unread byte (borrowed) */
    size_t len;       /* bytes remaining */
};

static inline void tern_r_init(struct tern_reader *r, const void *p, size_t len)
{
    r->p = p;
    r->len = p == NULL ? 0 : len;
}

static inline size_t tern_r_left(const struct tern_reader *r)
{
    return r->len;
}

/* Fixed-width big-endian integers (network order). Errors: TERN_ERR_DECODE. */
int tern_r_u8(struct tern_reader *r, uint8_t *out);
int tern_r_u16(struct tern_reader *r, uint16_t *out);
int tern_r_u24(struct tern_reader *r, uint32_t *out);
int tern_r_u32(struct tern_reader *r, uint32_t *out);
int tern_r_u48(struct tern_reader *r, uint64_t *out);
int tern_r_u64(struct tern_reader *r, uint64_t *out);

/* Borrows the next n bytes: *out points into the reader's memory.
 * Errors: TERN_ERR_DECODE when fewer than n bytes remain. Inline: the
 * record path calls it once per record. */
static inline int tern_r_bytes(struct tern_reader *r, size_t n, const uint8_t **out)
{
    if (r->len < n) {
        return TERN_ERR_DECODE;
    }
    *out = r->p;
    r->p += n;
    r->len -= n;
    return TERN_OK;
}

/* Copies the next n bytes into out (which must hold n bytes).
 * Errors: TERN_ERR_DECODE. */
int tern_r_copy(struct tern_reader *r, void *out, size_t n);

/* Skips n bytes. Errors: TERN_ERR_DECODE. */
int tern_r_skip(struct tern_reader *r, size_t n);

/* Splits the next n bytes off into sub. Errors: TERN_ERR_DECODE. */
static inline int tern_r_sub(struct tern_reader *r, size_t n, struct tern_reader *sub)
{
    const uint8_t *src;
    int rc = tern_r_bytes(r, n, &src);
    if (rc == TERN_OK) {
        sub->p = src;
        sub->len = n;
    }
    return rc;
}

/* Reads an 8/16/24-bit length and splits that many bytes off into sub
 * (TLS opaque vectors, RFC 5246 section 4.3). On failure nothing is consumed,
 * not even the length. Errors: TERN_ERR_DECODE. */
int tern_r_vec8(struct tern_reader *r, struct tern_reader *sub);
int tern_r_vec16(struct tern_reader *r, struct tern_reader *sub);
int tern_r_vec24(struct tern_reader *r, struct tern_reader *sub);

/* TERN_OK when the reader is exhausted, TERN_ERR_DECODE when bytes remain. */
int tern_r_end(const struct tern_reader *r);

#endif
