/* The bounded writer: sticky overflow, nested length prefixes. */
#include <tern/err.h>

#include "test.h"
#include "util/writer.h"

static void integers_and_bytes(void)
{
    uint8_t buf[32];
    struct tern_writer w;
    tern_w_init(&w, buf, sizeof(buf));
    tern_w_u8(&w, 0x01);
    tern_w_u16(&w, 0x0203);
    tern_w_u24(&w, 0x040506);
    tern_w_u32(&w, 0x0708090a);
    tern_w_u48(&w, UINT64_C(0x0b0c0d0e0f10));
    tern_w_u64(&w, UINT64_C(0x1112131415161718));
    tern_w_bytes(&w, "\x19\x1a", 2);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    CHECK_INT(w.len, 26);
    for (size_t i = 0; i < w.len; i++) {
        CHECK_INT(buf[i], i + 1);
    }
}

static void overflow_is_sticky(void)
{
    uint8_t buf[4] = {0};
    struct tern_writer w;
    tern_w_init(&w, buf, 3);
    tern_w_u16(&w, 0xaaaa);
    tern_w_u16(&w, 0xbbbb); /* does not fit */
    tern_w_u8(&w, 0xcc);    /* would fit, but the writer has failed */
    CHECK_INT(tern_w_finish(&w), TERN_ERR_BUFFER);
    CHECK_INT(w.len, 2);
    CHECK_INT(buf[2], 0);
    CHECK(tern_w_reserve(&w, 0) == NULL);
}

static void out_of_range_values(void)
{
    uint8_t buf[16];
    struct tern_writer w;
    tern_w_init(&w, buf, sizeof(buf));
    tern_w_u24(&w, 0x1000000);
    CHECK_INT(tern_w_finish(&w), TERN_ERR_DECODE);
    CHECK_INT(w.len, 0);
    tern_w_init(&w, buf, sizeof(buf));
    tern_w_u48(&w, UINT64_C(1) << 48);
    CHECK_INT(tern_w_finish(&w), TERN_ERR_DECODE);
}

static void nested_vectors(void)
{
    uint8_t buf[32];
    struct tern_writer w;
    tern_w_init(&w, buf, sizeof(buf));
    struct tern_w_mark outer = tern_w_open16(&w);
    struct tern_w_mark inner = tern_w_open8(&w);
    tern_w_bytes(&w, "abc", 3);
    tern_w_close(&w, inner);
    struct tern_w_mark v24 = tern_w_open24(&w);
    tern_w_u8(&w, 0xff);
    tern_w_close(&w, v24);
    tern_w_close(&w, outer);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    static const uint8_t want[] = {0x00, 0x08, 0x03, 'a', 'b', 'c', 0x00, 0x00, 0x01, 0xff};
    CHECK_INT(w.len, sizeof(want));
    CHECK_MEM(buf, want, sizeof(want));
}

static void vector_too_long_for_prefix(void)
{
    uint8_t buf[300];
    struct tern_writer w;
    tern_w_init(&w, buf, sizeof(buf));
    struct tern_w_mark m = tern_w_open8(&w);
    uint8_t fill[256] = {0};
    tern_w_bytes(&w, fill, sizeof(fill));
    tern_w_close(&w, m);
    CHECK_INT(tern_w_finish(&w), TERN_ERR_DECODE);
}

static void reserve_for_in_place_work(void)
{
    uint8_t buf[8];
    struct tern_writer w;
    tern_w_init(&w, buf, sizeof(buf));
    uint8_t *p = tern_w_reserve(&w, 5);
    CHECK(p == buf);
    CHECK(tern_w_reserve(&w, 4) == NULL);
    CHECK_INT(tern_w_finish(&w), TERN_ERR_BUFFER);
}

TEST_MAIN(T(integers_and_bytes), T(overflow_is_sticky), T(out_of_range_values), T(nested_vectors),
          T(vector_too_long_for_prefix), T(reserve_for_in_place_work))
