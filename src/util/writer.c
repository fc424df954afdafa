#include "util/writer.h"

#include <string.h>

#include <tern/err.h>

static void put_be(struct tern_writer *w, uint64_t v, size_t n)
{
    uint8_t *dst = tern_w_reserve(w, n);
    if (dst == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        dst[n - 1 - i] = (uint8_t)(v >> (8 * i));
    }
}

void tern_w_u8(struct tern_writer *w, uint8_t v)
{
    put_be(w, v, 1);
}

void tern_w_u16(struct tern_writer *w, uint16_t v)
{
    put_be(w, v, 2);
}

void tern_w_u24(struct tern_writer *w, uint32_t v)
{
    if (v > 0xffffffu) {
        w->err = w->err != 0 ? w->err : TERN_ERR_DECODE;
        return;
    }
    put_be(w, v, 3);
}

void tern_w_u32(struct tern_writer *w, uint32_t v)
{
    put_be(w, v, 4);
}

void tern_w_u48(struct tern_writer *w, uint64_t v)
{
    if (v >> 48 != 0) {
        w->err = w->err != 0 ? w->err : TERN_ERR_DECODE;
        return;
    }
    put_be(w, v, 6);
}

void tern_w_u64(struct tern_writer *w, uint64_t v)
{
    put_be(w, v, 8);
}

void tern_w_bytes(struct tern_writer *w, const void *p, size_t n)
{
    uint8_t *dst = tern_w_reserve(w, n);
    if (dst != NULL && n > 0) {
        memcpy(dst, p, n);
    }
}

static struct tern_w_mark open_vec(struct tern_writer *w, size_t width)
{
    struct tern_w_mark m = {w->len, width};
    put_be(w, 0, width);
    return m;
}

struct tern_w_mark tern_w_open8(struct tern_writer *w)
{
    return open_vec(w, 1);
}

struct tern_w_mark tern_w_open16(struct tern_writer *w)
{
    return open_vec(w, 2);
}

struct tern_w_mark tern_w_open24(struct tern_writer *w)
{
    return open_vec(w, 3);
}

void tern_w_close(struct tern_writer *w, struct tern_w_mark mark)
{
    if (w->err != 0) {
        return;
    }
    if (mark.width < 1 || mark.width > 3 || mark.at + mark.width > w->len) {
        w->err = TERN_ERR_ARG;
        return;
    }
    size_t body = w->len - mark.at - mark.width;
    if (body >> (8 * mark.width) != 0) {
        w->err = TERN_ERR_DECODE;
        return;
    }
    for (size_t i = 0; i < mark.width; i++) {
        w->buf[mark.at + mark.width - 1 - i] = (uint8_t)(body >> (8 * i));
    }
}
