/* ClientHello and HelloVerifyRequest codecs, and the extension table. */
#include <tern/err.h>

#include "data/client_hellos.h"
#include "handshake/header.h"
#include "handshake/hello.h"
#include "record/header12.h"
#include "test.h"

/* The ClientHello body inside one of the captured datagrams. */
static struct tern_reader ch_body(const uint8_t *dgram, size_t len)
{
    struct tern_reader r;
    struct tern_reader rec;
    struct tern_reader frag;
    struct tern_rec12_header h;
    struct tern_hs_header hs;
    tern_r_init(&r, dgram, len);
    CHECK_INT(tern_rec12_header_parse(&r, &h, &rec), TERN_OK);
    CHECK_INT(tern_hs_header_parse(&rec, &hs, &frag), TERN_OK);
    CHECK_INT(hs.type, TERN_HS_CLIENT_HELLO);
    return frag;
}

static void openssl_client_hello(void)
{
    struct tern_client_hello ch;
    CHECK_INT(tern_client_hello_parse(ch_body(g_openssl_ch, sizeof(g_openssl_ch)), &ch), TERN_OK);
    CHECK_INT(ch.version, 0xfefd);
    CHECK_INT(ch.session_id.len, 0);
    CHECK_INT(ch.cookie.len, 0);
    CHECK_INT(tern_client_hello_offers(&ch, 0xc0a8), 1); /* TLS_PSK_WITH_AES_128_CCM_8 */
    CHECK_INT(tern_client_hello_offers(&ch, 0x00ff), 1); /* the SCSV of RFC 5746 */
    CHECK_INT(tern_client_hello_offers(&ch, 0xc0a4), 0);
    CHECK(tern_exts_has(&ch.exts, TERN_EXTI_EXTENDED_MASTER_SECRET));
    CHECK(tern_exts_has(&ch.exts, TERN_EXTI_SIGNATURE_ALGORITHMS));
    CHECK(tern_exts_has(&ch.exts, TERN_EXTI_SESSION_TICKET));
    CHECK(tern_exts_has(&ch.exts, TERN_EXTI_ENCRYPT_THEN_MAC));
    CHECK(!tern_exts_has(&ch.exts, TERN_EXTI_SERVER_NAME));
    CHECK_INT(tern_ext_empty_parse(ch.exts.body[TERN_EXTI_EXTENDED_MASTER_SECRET]), TERN_OK);
    struct tern_reader sigs;
    CHECK_INT(tern_ext_u16_list_parse(ch.exts.body[TERN_EXTI_SIGNATURE_ALGORITHMS], &sigs),
              TERN_OK);
    CHECK_INT(tern_u16_list_contains(sigs, 0x0403), 1);
    CHECK_INT(tern_u16_list_contains(sigs, 0x0807), 1);
}

static void gnutls_client_hello(void)
{
    struct tern_client_hello ch;
    CHECK_INT(tern_client_hello_parse(ch_body(g_gnutls_ch, sizeof(g_gnutls_ch)), &ch), TERN_OK);
    CHECK_INT(ch.version, 0xfefd);
    CHECK_INT(tern_client_hello_offers(&ch, 0xccac), 1); /* ECDHE-PSK-CHACHA20-POLY1305 */
    struct tern_reader groups;
    CHECK_INT(tern_ext_u16_list_parse(ch.exts.body[TERN_EXTI_SUPPORTED_GROUPS], &groups), TERN_OK);
    CHECK_INT(tern_u16_list_contains(groups, 29), 1);
    CHECK_INT(tern_u16_list_contains(groups, 23), 1);
    int uncompressed = 0;
    CHECK_INT(tern_ext_point_formats_parse(ch.exts.body[TERN_EXTI_EC_POINT_FORMATS], &uncompressed),
              TERN_OK);
    CHECK_INT(uncompressed, 1);
    struct tern_reader reneg;
    CHECK_INT(tern_ext_renegotiation_info_parse(ch.exts.body[TERN_EXTI_RENEGOTIATION_INFO], &reneg),
              TERN_OK);
    CHECK_INT(reneg.len, 0);
    uint16_t limit = 0;
    CHECK_INT(tern_ext_record_size_limit_parse(ch.exts.body[TERN_EXTI_RECORD_SIZE_LIMIT], &limit),
              TERN_OK);
    CHECK_INT(limit, 0x4000);
    /* GnuTLS sends a status_request (5), which tern does not know: skipped. */
}

/* Builds a minimal ClientHello body with the given extension block. */
static size_t build_ch(uint8_t *buf, size_t cap, const uint8_t *exts, size_t exts_len,
                       int with_block)
{
    struct tern_writer w;
    tern_w_init(&w, buf, cap);
    tern_w_u16(&w, 0xfefd);
    uint8_t random[32] = {0};
    tern_w_bytes(&w, random, sizeof(random));
    tern_w_u8(&w, 0); /* session_id */
    tern_w_u8(&w, 0); /* cookie */
    tern_w_u16(&w, 2);
    tern_w_u16(&w, 0xc0a8);
    tern_w_u8(&w, 1);
    tern_w_u8(&w, 0);
    if (with_block) {
        struct tern_w_mark m = tern_w_open16(&w);
        tern_w_bytes(&w, exts, exts_len);
        tern_w_close(&w, m);
    }
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    return w.len;
}

static int parse_built(const uint8_t *exts, size_t exts_len, struct tern_client_hello *ch)
{
    static uint8_t buf[2048];
    size_t n = build_ch(buf, sizeof(buf), exts, exts_len, 1);
    struct tern_reader r;
    tern_r_init(&r, buf, n);
    return tern_client_hello_parse(r, ch);
}

static void no_extension_block(void)
{
    uint8_t buf[128];
    size_t n = build_ch(buf, sizeof(buf), NULL, 0, 0);
    struct tern_reader r;
    struct tern_client_hello ch;
    tern_r_init(&r, buf, n);
    CHECK_INT(tern_client_hello_parse(r, &ch), TERN_OK);
    CHECK_INT(ch.exts.present, 0);
    /* Every truncation fails cleanly. */
    for (size_t cut = 0; cut < n; cut++) {
        tern_r_init(&r, buf, cut);
        CHECK_INT(tern_client_hello_parse(r, &ch), TERN_ERR_DECODE);
    }
    /* A trailing byte after the compression methods is not a valid block. */
    buf[n] = 0;
    tern_r_init(&r, buf, n + 1);
    CHECK_INT(tern_client_hello_parse(r, &ch), TERN_ERR_DECODE);
}

/* RFC 5246 section 7.4.1.4: a duplicated extension is a decode_error, for
 * known and unknown types alike. */
static void duplicate_extensions(void)
{
    static const uint8_t ems_twice[] = {0x00, 0x17, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00};
    static const uint8_t unknown_twice[] = {0x12, 0x34, 0x00, 0x01, 0xaa, 0x12, 0x34, 0x00, 0x00};
    static const uint8_t distinct[] = {0x12, 0x34, 0x00, 0x01, 0xaa, 0x12, 0x35, 0x00, 0x00};
    struct tern_client_hello ch;
    CHECK_INT(parse_built(ems_twice, sizeof(ems_twice), &ch), TERN_ERR_DECODE);
    CHECK_INT(parse_built(unknown_twice, sizeof(unknown_twice), &ch), TERN_ERR_DECODE);
    CHECK_INT(parse_built(distinct, sizeof(distinct), &ch), TERN_OK);
}

static void extension_block_malformed(void)
{
    static const uint8_t body_overruns[] = {0x00, 0x17, 0x00, 0x05, 0x00};
    static const uint8_t half_header[] = {0x00, 0x17, 0x00};
    struct tern_client_hello ch;
    CHECK_INT(parse_built(body_overruns, sizeof(body_overruns), &ch), TERN_ERR_DECODE);
    CHECK_INT(parse_built(half_header, sizeof(half_header), &ch), TERN_ERR_DECODE);
    /* RFC 5246 section 7.4.1.4: unknown extensions are ignored, however
     * many: 200 distinct zero-length ones do not fail the hello. */
    uint8_t many[4 * 200];
    for (size_t i = 0; i < 200; i++) {
        many[4 * i] = 0x40;
        many[4 * i + 1] = (uint8_t)i;
        many[4 * i + 2] = 0;
        many[4 * i + 3] = 0;
    }
    CHECK_INT(parse_built(many, sizeof(many), &ch), TERN_OK);
    CHECK_INT(ch.exts.present, 0);
    /* A duplicate among the first unknown types is still refused. */
    many[4 * 199 + 1] = 3;
    CHECK_INT(parse_built(many, sizeof(many), &ch), TERN_ERR_DECODE);
}

static void field_limits(void)
{
    uint8_t buf[512];
    size_t n = build_ch(buf, sizeof(buf), NULL, 0, 0);
    struct tern_reader r;
    struct tern_client_hello ch;
    /* No null compression method (RFC 5246 section 7.4.1.2). */
    buf[n - 1] = 1;
    tern_r_init(&r, buf, n);
    CHECK_INT(tern_client_hello_parse(r, &ch), TERN_ERR_ILLEGAL_PARAMETER);
    buf[n - 1] = 0;
    /* An odd cipher_suites length. */
    buf[2 + 32 + 2 + 1] = 3;
    tern_r_init(&r, buf, n);
    CHECK_INT(tern_client_hello_parse(r, &ch), TERN_ERR_DECODE);
    /* A session_id longer than 32 bytes. */
    uint8_t big[128] = {0xfe, 0xfd};
    big[34] = 33;
    big[34 + 1 + 33] = 0;             /* cookie */
    big[34 + 1 + 33 + 1 + 1] = 2;     /* suites length */
    big[34 + 1 + 33 + 1 + 2 + 2] = 1; /* compression length */
    tern_r_init(&r, big, 34 + 1 + 33 + 1 + 2 + 2 + 2);
    CHECK_INT(tern_client_hello_parse(r, &ch), TERN_ERR_DECODE);
}

static void extension_bodies(void)
{
    struct tern_reader r;
    struct tern_reader out;
    /* server_name: one host_name "a.b" */
    static const uint8_t sni[] = {0x00, 0x06, 0x00, 0x00, 0x03, 'a', '.', 'b'};
    tern_r_init(&r, sni, sizeof(sni));
    CHECK_INT(tern_ext_server_name_parse(r, &out), TERN_OK);
    CHECK_INT(out.len, 3);
    static const uint8_t sni_twice[] = {0x00, 0x0a, 0x00, 0x00, 0x02, 'a',
                                        'b',  0x00, 0x00, 0x02, 'c',  'd'};
    tern_r_init(&r, sni_twice, sizeof(sni_twice));
    CHECK_INT(tern_ext_server_name_parse(r, &out), TERN_ERR_DECODE);
    static const uint8_t sni_empty_name[] = {0x00, 0x03, 0x00, 0x00, 0x00};
    tern_r_init(&r, sni_empty_name, sizeof(sni_empty_name));
    CHECK_INT(tern_ext_server_name_parse(r, &out), TERN_ERR_DECODE);
    /* u16 lists: empty and odd are refused */
    static const uint8_t empty_list[] = {0x00, 0x00};
    static const uint8_t odd_list[] = {0x00, 0x01, 0x17};
    tern_r_init(&r, empty_list, sizeof(empty_list));
    CHECK_INT(tern_ext_u16_list_parse(r, &out), TERN_ERR_DECODE);
    tern_r_init(&r, odd_list, sizeof(odd_list));
    CHECK_INT(tern_ext_u16_list_parse(r, &out), TERN_ERR_DECODE);
    /* extended_master_secret must be empty */
    static const uint8_t one[] = {0x00};
    tern_r_init(&r, one, sizeof(one));
    CHECK_INT(tern_ext_empty_parse(r), TERN_ERR_DECODE);
    /* record_size_limit below 64 is illegal_parameter (RFC 8449 section 4) */
    static const uint8_t small_limit[] = {0x00, 0x3f};
    static const uint8_t ok_limit[] = {0x00, 0x40};
    uint16_t limit;
    tern_r_init(&r, small_limit, sizeof(small_limit));
    CHECK_INT(tern_ext_record_size_limit_parse(r, &limit), TERN_ERR_ILLEGAL_PARAMETER);
    tern_r_init(&r, ok_limit, sizeof(ok_limit));
    CHECK_INT(tern_ext_record_size_limit_parse(r, &limit), TERN_OK);
    CHECK_INT(limit, 64);
    /* ec_point_formats without uncompressed */
    static const uint8_t compressed_only[] = {0x01, 0x01};
    int has = 1;
    tern_r_init(&r, compressed_only, sizeof(compressed_only));
    CHECK_INT(tern_ext_point_formats_parse(r, &has), TERN_OK);
    CHECK_INT(has, 0);
}

/* An extension only a client may send is refused in a ServerHello. */
static void extension_in_wrong_message(void)
{
    static const uint8_t groups[] = {0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1d};
    struct tern_reader r;
    struct tern_exts e;
    tern_r_init(&r, groups, sizeof(groups));
    CHECK_INT(tern_exts_parse(&r, TERN_EXT_IN_SERVER_HELLO, &e), TERN_ERR_UNSUPPORTED_EXTENSION);
    tern_r_init(&r, groups, sizeof(groups));
    CHECK_INT(tern_exts_parse(&r, TERN_EXT_IN_CLIENT_HELLO, &e), TERN_OK);
    CHECK(tern_exts_has(&e, TERN_EXTI_SUPPORTED_GROUPS));
}

static void hello_verify_request(void)
{
    uint8_t buf[300];
    uint8_t cookie[255];
    memset(cookie, 0xc0, sizeof(cookie));
    struct tern_writer w;
    tern_w_init(&w, buf, sizeof(buf));
    tern_hello_verify_write(&w, cookie, 20);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    CHECK_INT(w.len, 2 + 1 + 20);
    CHECK_INT(buf[0], 0xfe);
    CHECK_INT(buf[1], 0xff); /* DTLS 1.0 whatever the version (RFC 6347 4.2.1) */
    struct tern_reader r;
    struct tern_hello_verify hv;
    tern_r_init(&r, buf, w.len);
    CHECK_INT(tern_hello_verify_parse(r, &hv), TERN_OK);
    CHECK_INT(hv.cookie.len, 20);
    tern_r_init(&r, buf, w.len - 1);
    CHECK_INT(tern_hello_verify_parse(r, &hv), TERN_ERR_DECODE);
    buf[w.len] = 0;
    tern_r_init(&r, buf, w.len + 1);
    CHECK_INT(tern_hello_verify_parse(r, &hv), TERN_ERR_DECODE);
    /* A cookie beyond 255 bytes cannot be written. */
    uint8_t big[256] = {0};
    tern_w_init(&w, buf, sizeof(buf));
    tern_hello_verify_write(&w, big, sizeof(big));
    CHECK_INT(tern_w_finish(&w), TERN_ERR_DECODE);
}

TEST_MAIN(T(openssl_client_hello), T(gnutls_client_hello), T(no_extension_block),
          T(duplicate_extensions), T(extension_block_malformed), T(field_limits),
          T(extension_bodies), T(extension_in_wrong_message), T(hello_verify_request))
