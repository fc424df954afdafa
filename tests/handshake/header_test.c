/* DTLS handshake header codec (RFC 6347 section 4.2.2). */
#include <tern/err.h>

#include "handshake/header.h"
#include "test.h"

static void parse_fragment(void)
{
    /* ClientHello, length 0x20, message_seq 1, offset 0x10, fragment 4 bytes */
    static const uint8_t in[] = {0x01, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x10,
                                 0x00, 0x00, 0x04, 0xa0, 0xa1, 0xa2, 0xa3, 0xff};
    struct tern_reader r;
    struct tern_reader frag;
    struct tern_hs_header h;
    tern_r_init(&r, in, sizeof(in));
    CHECK_INT(tern_hs_header_parse(&r, &h, &frag), TERN_OK);
    CHECK_INT(h.type, TERN_HS_CLIENT_HELLO);
    CHECK_INT(h.length, 0x20);
    CHECK_INT(h.message_seq, 1);
    CHECK_INT(h.frag_offset, 0x10);
    CHECK_INT(h.frag_length, 4);
    CHECK_INT(frag.len, 4);
    CHECK_INT(frag.p[3], 0xa3);
    CHECK_INT(tern_r_left(&r), 1); /* the next message starts here */
    CHECK_INT(tern_hs_header_unfragmented(&h), 0);
}

/* frag_offset + frag_length must not exceed length, checked in sizes. */
static void fragment_past_message_end(void)
{
    uint8_t in[12 + 8] = {0x02, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x05};
    struct tern_reader r;
    struct tern_reader frag;
    struct tern_hs_header h;
    tern_r_init(&r, in, sizeof(in));
    CHECK_INT(tern_hs_header_parse(&r, &h, &frag), TERN_ERR_DECODE);
    CHECK_INT(tern_r_left(&r), sizeof(in));
    in[11] = 0x04; /* 12 + 4 == 16: exactly at the end is fine */
    CHECK_INT(tern_hs_header_parse(&r, &h, &frag), TERN_OK);
    /* Offsets near 2^24 cannot wrap the check. */
    static const uint8_t wrap[] = {0x02, 0x00, 0x00, 0x10, 0x00, 0x00, 0xff,
                                   0xff, 0xff, 0x00, 0x00, 0x02, 1,    2};
    tern_r_init(&r, wrap, sizeof(wrap));
    CHECK_INT(tern_hs_header_parse(&r, &h, &frag), TERN_ERR_DECODE);
}

/* frag_length must be present in the record. */
static void fragment_past_record_end(void)
{
    static const uint8_t in[] = {0x02, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 0x00, 0x10, 1,    2,    3};
    struct tern_reader r;
    struct tern_reader frag;
    struct tern_hs_header h;
    tern_r_init(&r, in, sizeof(in));
    CHECK_INT(tern_hs_header_parse(&r, &h, &frag), TERN_ERR_DECODE);
    CHECK_INT(tern_r_left(&r), sizeof(in));
    for (size_t n = 0; n < TERN_HS_HEADER_LEN; n++) {
        tern_r_init(&r, in, n);
        CHECK_INT(tern_hs_header_parse(&r, &h, &frag), TERN_ERR_DECODE);
    }
}

static void write_round_trip(void)
{
    uint8_t buf[TERN_HS_HEADER_LEN];
    struct tern_hs_header in = {TERN_HS_FINISHED, 12, 5, 0, 12};
    struct tern_writer w;
    tern_w_init(&w, buf, sizeof(buf));
    tern_hs_header_write(&w, &in);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    static const uint8_t want[] = {0x14, 0, 0, 12, 0, 5, 0, 0, 0, 0, 0, 12};
    CHECK_MEM(buf, want, sizeof(want));
    CHECK_INT(tern_hs_header_unfragmented(&in), 1);
    in.length = 1u << 24;
    tern_w_init(&w, buf, sizeof(buf));
    tern_hs_header_write(&w, &in);
    CHECK_INT(tern_w_finish(&w), TERN_ERR_DECODE);
}

TEST_MAIN(T(parse_fragment), T(fragment_past_message_end), T(fragment_past_record_end),
          T(write_round_trip))
