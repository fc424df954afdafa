/* The bounded writer: builds wire bytes into a caller-owned buffer.
 *
 * Puts never fail individually: a put that does not fit sets a sticky
 * overflow flag and writes nothing more, so an encoder makes all its puts and
 * checks tern_w_finish() once at the end (CBB style). Length prefixes are
 * opened before a vector's body and closed after it; closing fills in the
 * length and flags a body too long for its prefix. */
#ifndef TERN_UTIL_WRITER_H
#define TERN_UTIL_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <tern/err.h>

struct tern_writer {
    uint8_t *buf; /* caller-owned output */
    size_t cap;   /* bytes available at buf */
    size_t len;   /* bytes written so far */
    int err;      /* first error (TERN_ERR_BUFFER or TERN_ERR_DECODE), sticky */
};

/* A position returned by tern_w_open*() and consumed by tern_w_close(). */
struct tern_w_mark {
    size_t at;    /* offset of the length prefix */
    size_t width; /* prefix width in bytes: 1, 2 or 3 */
};

static inline void tern_w_init(struct tern_writer *w, void *buf, size_t cap)
{
    w->buf = buf;
    w->cap = buf == NULL ? 0 : cap;
    w->len = 0;
    w->err = 0;
}

void tern_w_u8(struct tern_writer *w, uint8_t v);
void tern_w_u16(struct tern_writer *w, uint16_t v);
void tern_w_u24(struct tern_writer *w, uint32_t v);
void tern_w_u32(struct tern_writer *w, uint32_t v);
void tern_w_u48(struct tern_writer *w, uint64_t v);
void tern_w_u64(struct tern_writer *w, uint64_t v);
void tern_w_bytes(struct tern_writer *w, const void *p, size_t n);

/* Returns a pointer to the next n bytes of the buffer for the caller to fill
 * (for example in-place encryption), or NULL after flagging overflow. */
static inline uint8_t *tern_w_reserve(struct tern_writer *w, size_t n)
{
    if (w->err != 0) {
        return NULL;
    }
    if (w->cap - w->len < n) {
        w->err = TERN_ERR_BUFFER;
        return NULL;
    }
    uint8_t *dst = w->buf + w->len;
    w->len += n;
    return dst;
}

/* Opens a vector with an 8/16/24-bit length prefix (written as zero for now). */
struct tern_w_mark tern_w_open8(struct tern_writer *w);
struct tern_w_mark tern_w_open16(struct tern_writer *w);
struct tern_w_mark tern_w_open24(struct tern_writer *w);

/* Fills in the length of everything written since mark was opened. Vectors
 * nest: close the inner one first. A body too long for the prefix flags
 * TERN_ERR_DECODE. */
void tern_w_close(struct tern_writer *w, struct tern_w_mark mark);

/* TERN_OK when every put fitted, else the first error (TERN_ERR_BUFFER when the
 * buffer was too small, TERN_ERR_DECODE when a vector was too long). */
static inline int tern_w_finish(const struct tern_writer *w)
{
    return w->err;
}

#endif
