#include "util/reader.h"

#include <string.h>

#include <tern/err.h>

/* Reads an n-byte big-endian unsigned integer (n <= 8). */
static int read_be(struct tern_reader *r, size_t n, uint64_t *out)
{
    if (r->len < n) {
        return TERN_ERR_DECODE;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = (v << 8) | r->p[i];
    }
    r->p += n;
    r->len -= n;
    *out = v;
    return TERN_OK;
}

int tern_r_u8(struct tern_reader *r, uint8_t *out)
{
    uint64_t v;
    int rc = read_be(r, 1, &v);
    if (rc == TERN_OK) {
        *out = (uint8_t)v;
    }
    return rc;
}

int tern_r_u16(struct tern_reader *r, uint16_t *out)
{
    uint64_t v;
    int rc = read_be(r, 2, &v);
    if (rc == TERN_OK) {
        *out = (uint16_t)v;
    }
    return rc;
}

int tern_r_u24(struct tern_reader *r, uint32_t *out)
{
    uint64_t v;
    int rc = read_be(r, 3, &v);
    if (rc == TERN_OK) {
        *out = (uint32_t)v;
    }
    return rc;
}

int tern_r_u32(struct tern_reader *r, uint32_t *out)
{
    uint64_t v;
    int rc = read_be(r, 4, &v);
    if (rc == TERN_OK) {
        *out = (uint32_t)v;
    }
    return rc;
}

int tern_r_u48(struct tern_reader *r, uint64_t *out)
{
    return read_be(r, 6, out);
}

int tern_r_u64(struct tern_reader *r, uint64_t *out)
{
    return read_be(r, 8, out);
}

int tern_r_copy(struct tern_reader *r, void *out, size_t n)
{
    const uint8_t *src;
    int rc = tern_r_bytes(r, n, &src);
    if (rc == TERN_OK && n > 0) {
        memcpy(out, src, n);
    }
    return rc;
}

int tern_r_skip(struct tern_reader *r, size_t n)
{
    const uint8_t *unused;
    return tern_r_bytes(r, n, &unused);
}

static int read_vec(struct tern_reader *r, size_t width, struct tern_reader *sub)
{
    struct tern_reader saved = *r;
    uint64_t n;
    int rc = read_be(r, width, &n);
    if (rc == TERN_OK) {
        rc = tern_r_sub(r, (size_t)n, sub);
    }
    if (rc != TERN_OK) {
        *r = saved;
    }
    return rc;
}

int tern_r_vec8(struct tern_reader *r, struct tern_reader *sub)
{
    return read_vec(r, 1, sub);
}

int tern_r_vec16(struct tern_reader *r, struct tern_reader *sub)
{
    return read_vec(r, 2, sub);
}

int tern_r_vec24(struct tern_reader *r, struct tern_reader *sub)
{
    return read_vec(r, 3, sub);
}

int tern_r_end(const struct tern_reader *r)
{
    return r->len == 0 ? TERN_OK : TERN_ERR_DECODE;
}
