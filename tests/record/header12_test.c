/* DTLS 1.2 record header codec (RFC 6347 section 4.1). */
#include <tern/err.h>

#include "record/header12.h"
#include "test.h"

static void parse_two_records(void)
{
    static const uint8_t dgram[] = {
        0x16, 0xfe, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x02, 0xaa,
        0xbb, 0x17, 0xfe, 0xfd, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x00, 0x00,
    };
    struct tern_reader r;
    struct tern_reader body;
    struct tern_rec12_header h;
    tern_r_init(&r, dgram, sizeof(dgram));
    CHECK_INT(tern_rec12_header_parse(&r, &h, &body), TERN_OK);
    CHECK_INT(h.type, TERN_CT_HANDSHAKE);
    CHECK_INT(h.version, 0xfefd);
    CHECK_INT(h.epoch, 0);
    CHECK(h.seq == 5);
    CHECK_INT(h.length, 2);
    CHECK_INT(body.len, 2);
    CHECK_INT(body.p[1], 0xbb);
    CHECK_INT(tern_rec12_header_parse(&r, &h, &body), TERN_OK);
    CHECK_INT(h.type, TERN_CT_APPLICATION_DATA);
    CHECK_INT(h.epoch, 1);
    CHECK(h.seq == UINT64_C(0x000000010203));
    CHECK_INT(body.len, 0);
    CHECK_INT(tern_r_end(&r), TERN_OK);
}

static void truncated_header(void)
{
    static const uint8_t hdr[] = {0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    struct tern_reader r;
    struct tern_reader body;
    struct tern_rec12_header h;
    for (size_t n = 0; n <= sizeof(hdr); n++) {
        tern_r_init(&r, hdr, n);
        CHECK_INT(tern_rec12_header_parse(&r, &h, &body), TERN_ERR_DECODE);
        CHECK_INT(tern_r_left(&r), n); /* nothing consumed */
    }
}

static void length_past_datagram(void)
{
    static const uint8_t dgram[] = {0x17, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 1, 0x00, 0x04, 1, 2, 3};
    struct tern_reader r;
    struct tern_reader body;
    struct tern_rec12_header h;
    tern_r_init(&r, dgram, sizeof(dgram));
    CHECK_INT(tern_rec12_header_parse(&r, &h, &body), TERN_ERR_DECODE);
    CHECK_INT(tern_r_left(&r), sizeof(dgram));
}

/* RFC 5246 section 6.2.3: the length MUST NOT exceed 2^14 + 2048. */
static void length_over_limit(void)
{
    static uint8_t dgram[TERN_REC12_HEADER_LEN + TERN_REC12_MAX_CIPHERTEXT + 1];
    struct tern_writer w;
    struct tern_rec12_header out = {TERN_CT_APPLICATION_DATA, 0xfefd, 1, 0,
                                    (uint16_t)(TERN_REC12_MAX_CIPHERTEXT + 1)};
    tern_w_init(&w, dgram, sizeof(dgram));
    tern_rec12_header_write(&w, &out);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    struct tern_reader r;
    struct tern_reader body;
    struct tern_rec12_header h;
    tern_r_init(&r, dgram, sizeof(dgram));
    CHECK_INT(tern_rec12_header_parse(&r, &h, &body), TERN_ERR_RECORD_OVERFLOW);
    /* Exactly at the limit is fine. */
    dgram[12] = (uint8_t)(TERN_REC12_MAX_CIPHERTEXT & 0xff);
    tern_r_init(&r, dgram, sizeof(dgram));
    CHECK_INT(tern_rec12_header_parse(&r, &h, &body), TERN_OK);
    CHECK_INT(body.len, TERN_REC12_MAX_CIPHERTEXT);
}

static void write_then_parse(void)
{
    uint8_t buf[TERN_REC12_HEADER_LEN];
    struct tern_rec12_header in = {TERN_CT_ALERT, 0xfefd, 0xbeef, UINT64_C(0xfedcba987654), 77};
    struct tern_writer w;
    tern_w_init(&w, buf, sizeof(buf));
    tern_rec12_header_write(&w, &in);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    static const uint8_t want[] = {0x15, 0xfe, 0xfd, 0xbe, 0xef, 0xfe, 0xdc,
                                   0xba, 0x98, 0x76, 0x54, 0x00, 0x4d};
    CHECK_MEM(buf, want, sizeof(want));
    /* A sequence number wider than 48 bits cannot be written. */
    in.seq = UINT64_C(1) << 48;
    tern_w_init(&w, buf, sizeof(buf));
    tern_rec12_header_write(&w, &in);
    CHECK_INT(tern_w_finish(&w), TERN_ERR_DECODE);
}

static void content_types(void)
{
    CHECK_INT(tern_rec12_type_known(20), 1);
    CHECK_INT(tern_rec12_type_known(21), 1);
    CHECK_INT(tern_rec12_type_known(22), 1);
    CHECK_INT(tern_rec12_type_known(23), 1);
    CHECK_INT(tern_rec12_type_known(24), 0); /* heartbeat: never */
    CHECK_INT(tern_rec12_type_known(0), 0);
    CHECK_INT(tern_rec12_type_known(255), 0);
}

/* RFC 9146 section 4: type, version, epoch, sequence_number, cid, length. */
static const uint8_t g_cid_record[] = {
    0x19, 0xfe, 0xfd, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, /* header up to the CID */
    0xc1, 0xc2, 0xc3, 0xc4,                                           /* 4-byte CID */
    0x00, 0x03, 0xe1, 0xe2, 0xe3,                                     /* length, fragment */
    0x16, 0xfe, 0xfd,                                                 /* a next record */
};

static void cid_header(void)
{
    struct tern_reader r;
    struct tern_reader cid;
    struct tern_reader body;
    struct tern_rec12_header h;
    tern_r_init(&r, g_cid_record, sizeof(g_cid_record));
    CHECK_INT(tern_rec12_cid_header_parse(&r, 4, &h, &cid, &body), TERN_OK);
    CHECK_INT(h.type, TERN_CT_TLS12_CID);
    CHECK_INT(h.version, 0xfefd);
    CHECK_INT(h.epoch, 1);
    CHECK(h.seq == 0x0102);
    CHECK_INT(h.length, 3);
    CHECK(cid.p == g_cid_record + 11);
    CHECK_INT(cid.len, 4);
    CHECK(body.p == g_cid_record + TERN_REC12_HEADER_LEN + 4);
    CHECK_INT(body.len, 3);
    CHECK_INT(tern_r_left(&r), 3); /* the next record is left for the caller */
}

static void cid_header_truncated(void)
{
    struct tern_reader r;
    struct tern_reader cid;
    struct tern_reader body;
    struct tern_rec12_header h;
    /* Every prefix of the header (13 + 4 bytes) is short; so is a
     * fragment shorter than its length. */
    for (size_t n = 0; n < TERN_REC12_HEADER_LEN + 4 + 3; n++) {
        tern_r_init(&r, g_cid_record, n);
        CHECK_INT(tern_rec12_cid_header_parse(&r, 4, &h, &cid, &body), TERN_ERR_DECODE);
        CHECK_INT(tern_r_left(&r), n); /* nothing consumed */
    }
    /* Read with a longer CID, the length field is taken from the wrong
     * bytes: 0x03e1 bytes are not there. */
    tern_r_init(&r, g_cid_record, sizeof(g_cid_record));
    CHECK_INT(tern_rec12_cid_header_parse(&r, 5, &h, &cid, &body), TERN_ERR_DECODE);
    CHECK_INT(tern_r_left(&r), sizeof(g_cid_record));
    /* cid<0..2^8-1> (RFC 9146 section 3). */
    CHECK_INT(tern_rec12_cid_header_parse(&r, TERN_REC12_CID_MAX + 1, &h, &cid, &body),
              TERN_ERR_ARG);
    CHECK_INT(tern_r_left(&r), sizeof(g_cid_record));
}

static void cid_header_over_limit(void)
{
    static uint8_t rec[TERN_REC12_HEADER_LEN + 2 + TERN_REC12_MAX_CIPHERTEXT + 1];
    static const uint8_t head[] = {0x19, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 7, 0xaa, 0xbb};
    memcpy(rec, head, sizeof(head));
    rec[13] = (uint8_t)((TERN_REC12_MAX_CIPHERTEXT + 1) >> 8);
    rec[14] = (uint8_t)(TERN_REC12_MAX_CIPHERTEXT + 1);
    struct tern_reader r;
    struct tern_reader cid;
    struct tern_reader body;
    struct tern_rec12_header h;
    tern_r_init(&r, rec, sizeof(rec));
    CHECK_INT(tern_rec12_cid_header_parse(&r, 2, &h, &cid, &body), TERN_ERR_RECORD_OVERFLOW);
    CHECK_INT(tern_r_left(&r), sizeof(rec));
    rec[14] = (uint8_t)TERN_REC12_MAX_CIPHERTEXT; /* exactly at the limit */
    CHECK_INT(tern_rec12_cid_header_parse(&r, 2, &h, &cid, &body), TERN_OK);
    CHECK_INT(body.len, TERN_REC12_MAX_CIPHERTEXT);
    CHECK_INT(cid.p[1], 0xbb);
}

TEST_MAIN(T(parse_two_records), T(truncated_header), T(length_past_datagram), T(length_over_limit),
          T(write_then_parse), T(content_types), T(cid_header), T(cid_header_truncated),
          T(cid_header_over_limit))
