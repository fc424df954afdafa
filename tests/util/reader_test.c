/* The bounds-checked reader: every get checks what remains, and a failed get
 * moves nothing. */
#include <tern/err.h>

#include "test.h"
#include "util/reader.h"

static const uint8_t g_bytes[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};

static void integers_big_endian(void)
{
    struct tern_reader r;
    tern_r_init(&r, g_bytes, sizeof(g_bytes));
    uint8_t u8;
    uint16_t u16;
    uint32_t u24;
    CHECK_INT(tern_r_u8(&r, &u8), TERN_OK);
    CHECK_INT(u8, 0x01);
    CHECK_INT(tern_r_u16(&r, &u16), TERN_OK);
    CHECK_INT(u16, 0x0203);
    CHECK_INT(tern_r_u24(&r, &u24), TERN_OK);
    CHECK_INT(u24, 0x040506);
    CHECK_INT(tern_r_left(&r), 3);

    uint64_t u48;
    tern_r_init(&r, g_bytes, sizeof(g_bytes));
    CHECK_INT(tern_r_u48(&r, &u48), TERN_OK);
    CHECK(u48 == UINT64_C(0x010203040506));
    uint32_t u32;
    tern_r_init(&r, g_bytes, sizeof(g_bytes));
    CHECK_INT(tern_r_u32(&r, &u32), TERN_OK);
    CHECK(u32 == 0x01020304u);
    uint64_t u64;
    tern_r_init(&r, g_bytes, sizeof(g_bytes));
    CHECK_INT(tern_r_u64(&r, &u64), TERN_OK);
    CHECK(u64 == UINT64_C(0x0102030405060708));
    CHECK_INT(tern_r_left(&r), 1);
}

/* Each width fails on one byte too few and leaves the reader where it was. */
static void short_reads_move_nothing(void)
{
    struct tern_reader r;
    uint8_t u8 = 0xaa;
    uint16_t u16 = 0xaaaa;
    uint32_t u32 = 0xaaaaaaaa;
    uint64_t u64 = 7;

    tern_r_init(&r, g_bytes, 0);
    CHECK_INT(tern_r_u8(&r, &u8), TERN_ERR_DECODE);
    CHECK_INT(u8, 0xaa);
    tern_r_init(&r, g_bytes, 1);
    CHECK_INT(tern_r_u16(&r, &u16), TERN_ERR_DECODE);
    CHECK_INT(tern_r_left(&r), 1);
    CHECK(r.p == g_bytes);
    CHECK_INT(u16, 0xaaaa);
    tern_r_init(&r, g_bytes, 2);
    CHECK_INT(tern_r_u24(&r, &u32), TERN_ERR_DECODE);
    CHECK_INT(tern_r_left(&r), 2);
    tern_r_init(&r, g_bytes, 3);
    CHECK_INT(tern_r_u32(&r, &u32), TERN_ERR_DECODE);
    CHECK(u32 == 0xaaaaaaaa);
    tern_r_init(&r, g_bytes, 5);
    CHECK_INT(tern_r_u48(&r, &u64), TERN_ERR_DECODE);
    CHECK_INT(tern_r_left(&r), 5);
    tern_r_init(&r, g_bytes, 7);
    CHECK_INT(tern_r_u64(&r, &u64), TERN_ERR_DECODE);
    CHECK(u64 == 7);
    CHECK(r.p == g_bytes);
}

static void bytes_copy_skip(void)
{
    struct tern_reader r;
    tern_r_init(&r, g_bytes, sizeof(g_bytes));
    const uint8_t *p = NULL;
    CHECK_INT(tern_r_bytes(&r, 3, &p), TERN_OK);
    CHECK(p == g_bytes);
    uint8_t out[4] = {0};
    CHECK_INT(tern_r_copy(&r, out, 2), TERN_OK);
    CHECK_INT(out[0], 0x04);
    CHECK_INT(out[1], 0x05);
    CHECK_INT(tern_r_skip(&r, 5), TERN_ERR_DECODE);
    CHECK_INT(tern_r_left(&r), 4);
    CHECK_INT(tern_r_copy(&r, out, 5), TERN_ERR_DECODE);
    CHECK_INT(out[0], 0x04);
    CHECK_INT(tern_r_skip(&r, 4), TERN_OK);
    CHECK_INT(tern_r_end(&r), TERN_OK);
    CHECK_INT(tern_r_bytes(&r, 0, &p), TERN_OK);
}

static void vectors_become_subreaders(void)
{
    /* <02 aa bb> <00 01 cc> <00 00 01 dd> trailing ee */
    static const uint8_t in[] = {0x02, 0xaa, 0xbb, 0x00, 0x01, 0xcc, 0x00, 0x00, 0x01, 0xdd, 0xee};
    struct tern_reader r;
    struct tern_reader sub;
    tern_r_init(&r, in, sizeof(in));
    CHECK_INT(tern_r_vec8(&r, &sub), TERN_OK);
    CHECK_INT(sub.len, 2);
    CHECK_INT(sub.p[0], 0xaa);
    CHECK_INT(tern_r_vec16(&r, &sub), TERN_OK);
    CHECK_INT(sub.len, 1);
    CHECK_INT(sub.p[0], 0xcc);
    CHECK_INT(tern_r_vec24(&r, &sub), TERN_OK);
    CHECK_INT(sub.len, 1);
    CHECK_INT(sub.p[0], 0xdd);
    CHECK_INT(tern_r_end(&r), TERN_ERR_DECODE); /* ee is left over */
    CHECK_INT(tern_r_left(&r), 1);

    /* A sub-reader cannot reach past its parent. */
    uint16_t v;
    tern_r_init(&r, in, 3);
    CHECK_INT(tern_r_vec8(&r, &sub), TERN_OK);
    CHECK_INT(tern_r_u16(&sub, &v), TERN_OK);
    CHECK_INT(tern_r_u8(&sub, (uint8_t *)&v), TERN_ERR_DECODE);
}

/* A vector whose length runs past the input consumes nothing, not even its
 * length prefix. */
static void overlong_vectors_move_nothing(void)
{
    static const uint8_t v8[] = {0x03, 0xaa, 0xbb};
    static const uint8_t v16[] = {0x00, 0x03, 0xaa, 0xbb};
    static const uint8_t v24[] = {0x00, 0x00, 0x03, 0xaa, 0xbb};
    static const uint8_t huge[] = {0xff, 0xff, 0xff};
    struct tern_reader r;
    struct tern_reader sub = {NULL, 0};
    tern_r_init(&r, v8, sizeof(v8));
    CHECK_INT(tern_r_vec8(&r, &sub), TERN_ERR_DECODE);
    CHECK(r.p == v8 && r.len == sizeof(v8));
    tern_r_init(&r, v16, sizeof(v16));
    CHECK_INT(tern_r_vec16(&r, &sub), TERN_ERR_DECODE);
    CHECK(r.p == v16 && r.len == sizeof(v16));
    tern_r_init(&r, v24, sizeof(v24));
    CHECK_INT(tern_r_vec24(&r, &sub), TERN_ERR_DECODE);
    CHECK(r.p == v24 && r.len == sizeof(v24));
    tern_r_init(&r, huge, sizeof(huge));
    CHECK_INT(tern_r_vec24(&r, &sub), TERN_ERR_DECODE);
    CHECK(r.p == huge && r.len == sizeof(huge));
    tern_r_init(&r, v16, 1); /* the length prefix itself is cut */
    CHECK_INT(tern_r_vec16(&r, &sub), TERN_ERR_DECODE);
    CHECK(r.len == 1);
    CHECK(sub.p == NULL);
}

static void empty_and_null(void)
{
    struct tern_reader r;
    tern_r_init(&r, NULL, 10);
    CHECK_INT(tern_r_left(&r), 0);
    CHECK_INT(tern_r_end(&r), TERN_OK);
    uint8_t b;
    CHECK_INT(tern_r_u8(&r, &b), TERN_ERR_DECODE);
    static const uint8_t zero_vec[] = {0x00};
    struct tern_reader sub;
    tern_r_init(&r, zero_vec, 1);
    CHECK_INT(tern_r_vec8(&r, &sub), TERN_OK);
    CHECK_INT(sub.len, 0);
    CHECK_INT(tern_r_end(&sub), TERN_OK);
}

TEST_MAIN(T(integers_big_endian), T(short_reads_move_nothing), T(bytes_copy_skip),
          T(vectors_become_subreaders), T(overlong_vectors_move_nothing), T(empty_and_null))
