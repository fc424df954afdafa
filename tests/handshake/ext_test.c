/* Hello extensions (src/handshake/ext.h): the parse table, duplicates,
 * extensions in the wrong message, every body decoder's accepted and
 * refused inputs, the body writers (each read back by its decoder), and
 * tern_exts_check_bodies(). Wire bytes are written out by hand from the
 * RFC named beside each case. */
#include <string.h>

#include <tern/err.h>

#include "handshake/ext.h"
#include "test.h"

#define CH TERN_EXT_IN_CLIENT_HELLO
#define SH TERN_EXT_IN_SERVER_HELLO

static uint8_t g_buf[4096];

/* Parses the extension block in hex; on failure checks that the block
 * reader did not move. */
static int parse(const char *hex, unsigned msg, struct tern_exts *e)
{
    size_t n = test_unhex(hex, g_buf, sizeof(g_buf));
    struct tern_reader r;
    tern_r_init(&r, g_buf, n);
    int rc = tern_exts_parse(&r, msg, e);
    if (rc == TERN_OK) {
        CHECK_INT(tern_r_left(&r), 0);
    } else {
        CHECK(r.p == g_buf);
        CHECK_INT(r.len, n);
    }
    return rc;
}

static struct tern_reader body_of(const char *hex, uint8_t *buf, size_t cap)
{
    struct tern_reader r;
    size_t n = test_unhex(hex, buf, cap);
    tern_r_init(&r, buf, n);
    return r;
}

/* ---- tern_exts_parse ---------------------------------------------------- */

static void empty_block(void)
{
    struct tern_exts e;
    CHECK_INT(parse("", CH, &e), TERN_OK);
    CHECK_INT(e.present, 0);
    CHECK_INT(e.unknown, 0);
    CHECK_INT(parse("", SH, &e), TERN_OK);
}

/* Which hello may carry which known extension, from the RFCs (not from
 * tern's table): supported_groups is a client's list (RFC 8422 section 5.1,
 * a TLS 1.2 server sends none) and "Servers MUST NOT send" signature_algorithms
 * (RFC 5246 section 7.4.1.4.1); every other one tern knows is answered in
 * the ServerHello (RFC 6066 section 3, RFC 8422 section 5.2, RFC 5764
 * section 4.1.1, RFC 7301 section 3.1, RFC 7250 section 4, RFC 7366
 * section 2, RFC 7627 section 5.1, RFC 8449 section 4, RFC 5077 section
 * 3.2, RFC 9146 section 3, RFC 5746 section 3.6). */
static const struct {
    uint16_t type;
    enum tern_ext_index index;
    int in_sh;
} g_known[] = {
    {0, TERN_EXTI_SERVER_NAME, 1},        {10, TERN_EXTI_SUPPORTED_GROUPS, 0},
    {11, TERN_EXTI_EC_POINT_FORMATS, 1},  {13, TERN_EXTI_SIGNATURE_ALGORITHMS, 0},
    {14, TERN_EXTI_USE_SRTP, 1},          {16, TERN_EXTI_ALPN, 1},
    {19, TERN_EXTI_CLIENT_CERT_TYPE, 1},  {20, TERN_EXTI_SERVER_CERT_TYPE, 1},
    {22, TERN_EXTI_ENCRYPT_THEN_MAC, 1},  {23, TERN_EXTI_EXTENDED_MASTER_SECRET, 1},
    {28, TERN_EXTI_RECORD_SIZE_LIMIT, 1}, {35, TERN_EXTI_SESSION_TICKET, 1},
    {54, TERN_EXTI_CONNECTION_ID, 1},     {0xff01, TERN_EXTI_RENEGOTIATION_INFO, 1},
};
#define N_KNOWN (sizeof(g_known) / sizeof(g_known[0]))

/* Each known extension alone, with a 2-byte body, in each hello. */
static void each_known_extension_in_each_hello(void)
{
    CHECK_INT(N_KNOWN, TERN_EXTI_COUNT);
    for (size_t i = 0; i < N_KNOWN; i++) {
        uint8_t blk[6] = {
            (uint8_t)(g_known[i].type >> 8), (uint8_t)g_known[i].type, 0, 2, 0xab, (uint8_t)i};
        for (int m = 0; m < 2; m++) {
            unsigned msg = m == 0 ? CH : SH;
            struct tern_exts e;
            struct tern_reader r;
            tern_r_init(&r, blk, sizeof(blk));
            int want = msg == SH && !g_known[i].in_sh ? TERN_ERR_UNSUPPORTED_EXTENSION : TERN_OK;
            CHECK_INT(tern_exts_parse(&r, msg, &e), want);
            if (want != TERN_OK) {
                CHECK_INT(tern_r_left(&r), sizeof(blk));
                continue;
            }
            CHECK_INT(tern_r_left(&r), 0);
            CHECK_INT(e.present, 1u << g_known[i].index);
            CHECK(tern_exts_has(&e, g_known[i].index));
            CHECK_INT(e.unknown, 0);
            /* The body is borrowed from the block. */
            CHECK(e.body[g_known[i].index].p == blk + 4);
            CHECK_INT(e.body[g_known[i].index].len, 2);
        }
    }
}

/* All of them in one ClientHello, in reverse order. */
static void all_known_in_one_client_hello(void)
{
    uint8_t blk[N_KNOWN * 5];
    size_t n = 0;
    for (size_t k = N_KNOWN; k-- > 0;) {
        blk[n++] = (uint8_t)(g_known[k].type >> 8);
        blk[n++] = (uint8_t)g_known[k].type;
        blk[n++] = 0;
        blk[n++] = 1;
        blk[n++] = (uint8_t)k;
    }
    struct tern_exts e;
    struct tern_reader r;
    tern_r_init(&r, blk, n);
    CHECK_INT(tern_exts_parse(&r, CH, &e), TERN_OK);
    CHECK_INT(e.present, (1u << TERN_EXTI_COUNT) - 1);
    for (size_t k = 0; k < N_KNOWN; k++) {
        CHECK_INT(e.body[g_known[k].index].len, 1);
        CHECK_INT(e.body[g_known[k].index].p[0], k);
    }
}

/* RFC 5246 section 7.4.1.4: unknown extensions are ignored, in either
 * hello, and counted. */
static void unknown_extensions_ignored(void)
{
    static const char blk[] = "1234 0000"
                              "0017 0000"        /* extended_master_secret */
                              "fe00 0003 010203" /* unknown */
                              "0a0a 0001 00";    /* unknown (a GREASE value, RFC 8701) */
    struct tern_exts e;
    CHECK_INT(parse(blk, CH, &e), TERN_OK);
    CHECK_INT(e.unknown, 3);
    CHECK_INT(e.present, 1u << TERN_EXTI_EXTENDED_MASTER_SECRET);
    CHECK_INT(parse(blk, SH, &e), TERN_OK);
    CHECK_INT(e.unknown, 3);
}

/* "There MUST NOT be more than one extension of the same type" (RFC 5246
 * section 7.4.1.4), known or not. */
static void duplicates_refused(void)
{
    struct tern_exts e;
    CHECK_INT(parse("0017 0000 0017 0000", CH, &e), TERN_ERR_DECODE);
    CHECK_INT(parse("0017 0000 000b 0002 0100 0017 0000", SH, &e), TERN_ERR_DECODE);
    CHECK_INT(parse("ff01 0001 00 0000 0000 ff01 0001 00", CH, &e), TERN_ERR_DECODE);
    CHECK_INT(parse("4242 0000 0017 0000 4242 0001 07", CH, &e), TERN_ERR_DECODE);
    CHECK_INT(parse("4242 0000 0017 0000 4242 0001 07", SH, &e), TERN_ERR_DECODE);
    /* The same type with different bodies is still a duplicate. */
    CHECK_INT(parse("000a 0004 00020017 000a 0004 00020018", CH, &e), TERN_ERR_DECODE);
}

/* Unknown types are remembered up to TERN_EXT_MAX_COUNT for the duplicate
 * check (ext.h): a repeat of one of those is refused wherever it comes;
 * past them, repeats are ignored as the extensions themselves are. */
static void duplicate_unknown_past_the_bound(void)
{
    uint8_t blk[(TERN_EXT_MAX_COUNT + 2) * 4];
    size_t n = 0;
    for (unsigned k = 0; k <= TERN_EXT_MAX_COUNT; k++) {
        uint16_t type = (uint16_t)(0x8000 + k);
        blk[n++] = (uint8_t)(type >> 8);
        blk[n++] = (uint8_t)type;
        blk[n++] = 0;
        blk[n++] = 0;
    }
    struct tern_exts e;
    struct tern_reader r;
    /* The (TERN_EXT_MAX_COUNT + 1)th type again: not remembered. */
    blk[n] = 0x80;
    blk[n + 1] = (uint8_t)TERN_EXT_MAX_COUNT;
    blk[n + 2] = 0;
    blk[n + 3] = 0;
    tern_r_init(&r, blk, n + 4);
    CHECK_INT(tern_exts_parse(&r, CH, &e), TERN_OK);
    CHECK_INT(e.unknown, TERN_EXT_MAX_COUNT + 2);
    /* The first one again: remembered, refused. */
    blk[n + 1] = 0;
    tern_r_init(&r, blk, n + 4);
    CHECK_INT(tern_exts_parse(&r, CH, &e), TERN_ERR_DECODE);
    CHECK_INT(tern_r_left(&r), n + 4);
}

/* Truncated blocks: a type cut short, a length cut short, a body longer
 * than what is left. */
static void malformed_blocks(void)
{
    struct tern_exts e;
    CHECK_INT(parse("00", CH, &e), TERN_ERR_DECODE);
    CHECK_INT(parse("0017", CH, &e), TERN_ERR_DECODE);
    CHECK_INT(parse("0017 00", CH, &e), TERN_ERR_DECODE);
    CHECK_INT(parse("0017 0001", CH, &e), TERN_ERR_DECODE);
    CHECK_INT(parse("000b 0003 0200", SH, &e), TERN_ERR_DECODE);
    CHECK_INT(parse("0017 0000 99", CH, &e), TERN_ERR_DECODE);
    CHECK_INT(parse("1234 ffff 00", CH, &e), TERN_ERR_DECODE);
}

/* A known extension the message may not carry is unsupported_extension
 * (RFC 5246 section 7.4.1.4: a server MUST NOT send, a client MUST
 * abort), even after acceptable ones and before anything malformed. */
static void wrong_message(void)
{
    struct tern_exts e;
    CHECK_INT(parse("0017 0000 000d 0004 00020403", SH, &e), TERN_ERR_UNSUPPORTED_EXTENSION);
    CHECK_INT(parse("000a 0004 00020017 0017 00", SH, &e), TERN_ERR_UNSUPPORTED_EXTENSION);
    /* In neither hello: every known extension is refused. */
    CHECK_INT(parse("0017 0000", 0, &e), TERN_ERR_UNSUPPORTED_EXTENSION);
    CHECK_INT(parse("1234 0000", 0, &e), TERN_OK);
}

/* ---- The body decoders -------------------------------------------------- */

/* RFC 6066 section 3: ServerNameList<1..2^16-1> of {NameType, HostName<1..2^16-1>}. */
static void server_name_bodies(void)
{
    uint8_t b[600];
    struct tern_reader host;
    CHECK_INT(tern_ext_server_name_parse(body_of("0007 00 0004 612e6263", b, sizeof(b)), &host),
              TERN_OK);
    CHECK_INT(host.len, 4);
    CHECK_MEM(host.p, "a.bc", 4);
    /* Other name types are skipped. */
    CHECK_INT(tern_ext_server_name_parse(body_of("000b 07 0002 ffff 00 0003 78797a", b, sizeof(b)),
                                         &host),
              TERN_OK);
    CHECK_INT(host.len, 3);
    CHECK_MEM(host.p, "xyz", 3);
    CHECK_INT(tern_ext_server_name_parse(body_of("0005 01 0002 6162", b, sizeof(b)), &host),
              TERN_OK);
    CHECK_INT(host.len, 0);
    /* 255 bytes is the longest DNS name. */
    b[0] = 0x01;
    b[1] = 0x02;
    b[2] = 0x00;
    b[3] = 0x00;
    b[4] = 0xff;
    memset(b + 5, 'a', 255);
    struct tern_reader r;
    tern_r_init(&r, b, 5 + 255);
    CHECK_INT(tern_ext_server_name_parse(r, &host), TERN_OK);
    CHECK_INT(host.len, 255);
    /* 256 bytes is one too many. */
    b[0] = 0x01;
    b[1] = 0x03;
    b[2] = 0x00;
    b[3] = 0x01;
    b[4] = 0x00;
    memset(b + 5, 'a', 256);
    tern_r_init(&r, b, 5 + 256);
    CHECK_INT(tern_ext_server_name_parse(r, &host), TERN_ERR_DECODE);

    static const char *const refused[] = {
        "",                                 /* no list */
        "0000",                             /* empty list */
        "0003 00 0000",                     /* empty host_name */
        "000b 00 0002 6162 00 0003 636465", /* two host_names */
        "0005 00 0002 6162 ff",             /* trailing byte */
        "0007 00 0004 6162",                /* list longer than the body */
        "0003 00 0004",                     /* name longer than the list */
        "0001 00",                          /* entry cut short */
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        CHECK_INT(tern_ext_server_name_parse(body_of(refused[i], b, sizeof(b)), &host),
                  TERN_ERR_DECODE);
    }
}

/* supported_groups (RFC 8422 section 5.1.1: NamedGroupList<2..2^16-1>) and
 * signature_algorithms (RFC 5246 section 7.4.1.4.1: <2..2^16-2>). */
static void u16_list_bodies(void)
{
    uint8_t b[64];
    struct tern_reader list;
    CHECK_INT(tern_ext_u16_list_parse(body_of("0002 0017", b, sizeof(b)), &list), TERN_OK);
    CHECK_INT(list.len, 2);
    CHECK_INT(tern_ext_u16_list_parse(body_of("0006 001d 0017 0018", b, sizeof(b)), &list),
              TERN_OK);
    CHECK_INT(list.len, 6);
    CHECK(tern_u16_list_contains(list, 0x0017));
    CHECK(tern_u16_list_contains(list, 0x001d));
    CHECK(tern_u16_list_contains(list, 0x0018));
    CHECK(!tern_u16_list_contains(list, 0x0019));
    CHECK(!tern_u16_list_contains(list, 0x1700));
    static const char *const refused[] = {
        "", "00", "0000", "0001 00", "0003 001700", "0004 0017", "0002 0017 00",
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        CHECK_INT(tern_ext_u16_list_parse(body_of(refused[i], b, sizeof(b)), &list),
                  TERN_ERR_DECODE);
    }
}

/* RFC 8422 section 5.1.2: ECPointFormat ec_point_format_list<1..2^8-1>. */
static void point_formats_bodies(void)
{
    uint8_t b[16];
    int unc = 7;
    CHECK_INT(tern_ext_point_formats_parse(body_of("01 00", b, sizeof(b)), &unc), TERN_OK);
    CHECK_INT(unc, 1);
    CHECK_INT(tern_ext_point_formats_parse(body_of("02 01 02", b, sizeof(b)), &unc), TERN_OK);
    CHECK_INT(unc, 0);
    CHECK_INT(tern_ext_point_formats_parse(body_of("03 01 02 00", b, sizeof(b)), &unc), TERN_OK);
    CHECK_INT(unc, 1);
    static const char *const refused[] = {"", "00", "02 00", "01 00 00"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        CHECK_INT(tern_ext_point_formats_parse(body_of(refused[i], b, sizeof(b)), &unc),
                  TERN_ERR_DECODE);
    }
}

/* extended_master_secret: "extension_data field of this extension SHALL be
 * empty" (RFC 7627 section 5.1). */
static void empty_bodies(void)
{
    uint8_t b[4];
    CHECK_INT(tern_ext_empty_parse(body_of("", b, sizeof(b))), TERN_OK);
    CHECK_INT(tern_ext_empty_parse(body_of("00", b, sizeof(b))), TERN_ERR_DECODE);
    CHECK_INT(tern_ext_empty_parse(body_of("0000", b, sizeof(b))), TERN_ERR_DECODE);
}

/* RFC 5746 section 3.2: opaque renegotiated_connection<0..255>. */
static void renegotiation_info_bodies(void)
{
    uint8_t b[300];
    struct tern_reader vd;
    CHECK_INT(tern_ext_renegotiation_info_parse(body_of("00", b, sizeof(b)), &vd), TERN_OK);
    CHECK_INT(vd.len, 0);
    CHECK_INT(tern_ext_renegotiation_info_parse(
                  body_of("0c 000102030405060708090a0b", b, sizeof(b)), &vd),
              TERN_OK);
    CHECK_INT(vd.len, 12);
    CHECK_INT(vd.p[11], 0x0b);
    static const char *const refused[] = {"", "01", "05 01020304", "00 00", "01 aa bb"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        CHECK_INT(tern_ext_renegotiation_info_parse(body_of(refused[i], b, sizeof(b)), &vd),
                  TERN_ERR_DECODE);
    }
}

/* RFC 8449 section 4: uint16 RecordSizeLimit; below 64 is illegal_parameter. */
static void record_size_limit_bodies(void)
{
    uint8_t b[8];
    uint16_t limit = 0;
    CHECK_INT(tern_ext_record_size_limit_parse(body_of("0040", b, sizeof(b)), &limit), TERN_OK);
    CHECK_INT(limit, 64);
    CHECK_INT(tern_ext_record_size_limit_parse(body_of("4001", b, sizeof(b)), &limit), TERN_OK);
    CHECK_INT(limit, 0x4001);
    CHECK_INT(tern_ext_record_size_limit_parse(body_of("ffff", b, sizeof(b)), &limit), TERN_OK);
    CHECK_INT(limit, 0xffff);
    limit = 1234;
    CHECK_INT(tern_ext_record_size_limit_parse(body_of("003f", b, sizeof(b)), &limit),
              TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(tern_ext_record_size_limit_parse(body_of("0000", b, sizeof(b)), &limit),
              TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(tern_ext_record_size_limit_parse(body_of("", b, sizeof(b)), &limit), TERN_ERR_DECODE);
    CHECK_INT(tern_ext_record_size_limit_parse(body_of("40", b, sizeof(b)), &limit),
              TERN_ERR_DECODE);
    CHECK_INT(tern_ext_record_size_limit_parse(body_of("400000", b, sizeof(b)), &limit),
              TERN_ERR_DECODE);
    /* A short value with trailing bytes is a decode error first. */
    CHECK_INT(tern_ext_record_size_limit_parse(body_of("003f00", b, sizeof(b)), &limit),
              TERN_ERR_DECODE);
    CHECK_INT(limit, 1234);
}

/* RFC 7250 section 3: the client lists CertificateType client_certificate_types<1..2^8-1>;
 * the server answers with one CertificateType. */
static void cert_type_bodies(void)
{
    uint8_t b[8];
    uint8_t type = 0;
    struct tern_reader types;
    CHECK_INT(tern_ext_cert_type_parse(body_of("02", b, sizeof(b)), &type), TERN_OK);
    CHECK_INT(type, 2);
    CHECK_INT(tern_ext_cert_type_parse(body_of("", b, sizeof(b)), &type), TERN_ERR_DECODE);
    CHECK_INT(tern_ext_cert_type_parse(body_of("0102", b, sizeof(b)), &type), TERN_ERR_DECODE);

    CHECK_INT(tern_ext_cert_types_parse(body_of("01 02", b, sizeof(b)), &types), TERN_OK);
    CHECK_INT(types.len, 1);
    CHECK_INT(types.p[0], 2);
    CHECK_INT(tern_ext_cert_types_parse(body_of("02 02 00", b, sizeof(b)), &types), TERN_OK);
    CHECK_INT(types.len, 2);
    static const char *const refused[] = {"", "00", "02 02", "01 02 00", "02"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        CHECK_INT(tern_ext_cert_types_parse(body_of(refused[i], b, sizeof(b)), &types),
                  TERN_ERR_DECODE);
    }
}

/* RFC 7301 section 3.1: ProtocolNameList protocol_name_list<2..2^16-1> of
 * ProtocolName<1..2^8-1>; "Empty strings MUST NOT be included and byte
 * strings MUST NOT be truncated." */
static void alpn_bodies(void)
{
    uint8_t b[600];
    struct tern_reader list;
    struct tern_reader name;
    CHECK_INT(tern_ext_alpn_parse(body_of("0003 02 6832", b, sizeof(b)), &list), TERN_OK);
    CHECK_INT(list.len, 3);
    CHECK_INT(tern_ext_alpn_parse(body_of("000c 02 6832 08 687474702f312e31", b, sizeof(b)), &list),
              TERN_OK);
    CHECK_INT(list.len, 12);
    CHECK(tern_ext_alpn_next(&list, &name));
    CHECK_INT(name.len, 2);
    CHECK_MEM(name.p, "h2", 2);
    CHECK(tern_ext_alpn_next(&list, &name));
    CHECK_INT(name.len, 8);
    CHECK_MEM(name.p, "http/1.1", 8);
    CHECK(!tern_ext_alpn_next(&list, &name));
    /* A 255-byte name, the longest. */
    b[0] = 0x01;
    b[1] = 0x00;
    b[2] = 0xff;
    memset(b + 3, 'p', 255);
    struct tern_reader r;
    tern_r_init(&r, b, 3 + 255);
    CHECK_INT(tern_ext_alpn_parse(r, &list), TERN_OK);
    CHECK_INT(list.len, 256);

    static const char *const refused[] = {
        "",                 /* no list */
        "00",               /* a length cut short */
        "0000",             /* empty list */
        "0001 00",          /* zero-length name */
        "0004 02 6832 00",  /* a zero-length name after a good one */
        "0003 03 6832",     /* a name past the list */
        "0004 02 6832",     /* the list past the body */
        "0002 02 68",       /* truncated name */
        "0003 02 6832 00",  /* a trailing byte after the list */
        "0003 02 6832 6833" /* trailing bytes */
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        list.len = 77;
        int got = tern_ext_alpn_parse(body_of(refused[i], b, sizeof(b)), &list);
        if (got != TERN_ERR_DECODE) {
            fprintf(stderr, "  case %zu: %s\n", i, refused[i]);
        }
        CHECK_INT(got, TERN_ERR_DECODE);
        CHECK_INT(list.len, 77); /* untouched on failure */
        CHECK_INT(tern_ext_alpn_selected_parse(body_of(refused[i], b, sizeof(b)), &name),
                  TERN_ERR_DECODE);
    }

    /* The ServerHello's answer: exactly one name. */
    CHECK_INT(tern_ext_alpn_selected_parse(body_of("0003 02 6832", b, sizeof(b)), &name), TERN_OK);
    CHECK_INT(name.len, 2);
    CHECK_MEM(name.p, "h2", 2);
    name.len = 77;
    CHECK_INT(tern_ext_alpn_selected_parse(body_of("0006 02 6832 02 6833", b, sizeof(b)), &name),
              TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(name.len, 77);
}

static void alpn_contains(void)
{
    uint8_t b[64];
    struct tern_reader list;
    CHECK_INT(
        tern_ext_alpn_parse(body_of("000e 02 6832 08 687474702f312e31 01 78", b, sizeof(b)), &list),
        TERN_OK);
    CHECK(tern_ext_alpn_contains(list, (const uint8_t *)"h2", 2));
    CHECK(tern_ext_alpn_contains(list, (const uint8_t *)"http/1.1", 8));
    CHECK(tern_ext_alpn_contains(list, (const uint8_t *)"x", 1));
    /* Whole names only: no prefix, no extension, no other case. */
    CHECK(!tern_ext_alpn_contains(list, (const uint8_t *)"h", 1));
    CHECK(!tern_ext_alpn_contains(list, (const uint8_t *)"h2c", 3));
    CHECK(!tern_ext_alpn_contains(list, (const uint8_t *)"H2", 2));
    CHECK(!tern_ext_alpn_contains(list, (const uint8_t *)"http/1.", 7));
}

/* ---- The body writers, read back by their decoders ---------------------- */

/* Writes with fn into a fresh writer and returns it as a reader. */
static uint8_t g_out[1024];

static struct tern_reader written(struct tern_writer *w)
{
    CHECK_INT(tern_w_finish(w), TERN_OK);
    struct tern_reader r;
    tern_r_init(&r, g_out, w->len);
    return r;
}

static void writers_round_trip(void)
{
    struct tern_writer w;
    struct tern_reader r;
    struct tern_reader out;

    tern_w_init(&w, g_out, sizeof(g_out));
    tern_ext_server_name_write(&w, "example.org", 11);
    r = written(&w);
    CHECK_INT(r.len, 2 + 1 + 2 + 11);
    CHECK_INT(tern_ext_server_name_parse(r, &out), TERN_OK);
    CHECK_INT(out.len, 11);
    CHECK_MEM(out.p, "example.org", 11);

    static const uint16_t groups[] = {0x001d, 0x0017, 0x0018};
    tern_w_init(&w, g_out, sizeof(g_out));
    tern_ext_u16_list_write(&w, groups, 3);
    r = written(&w);
    CHECK_MEM(r.p, "\x00\x06\x00\x1d\x00\x17\x00\x18", 8);
    CHECK_INT(tern_ext_u16_list_parse(r, &out), TERN_OK);
    CHECK_INT(out.len, 6);
    CHECK(tern_u16_list_contains(out, 0x0018));

    int unc = 0;
    tern_w_init(&w, g_out, sizeof(g_out));
    tern_ext_point_formats_write(&w);
    r = written(&w);
    CHECK_INT(r.len, 2);
    CHECK_INT(tern_ext_point_formats_parse(r, &unc), TERN_OK);
    CHECK_INT(unc, 1);

    tern_w_init(&w, g_out, sizeof(g_out));
    tern_ext_renegotiation_info_write(&w, NULL, 0);
    r = written(&w);
    CHECK_INT(r.len, 1);
    CHECK_INT(tern_ext_renegotiation_info_parse(r, &out), TERN_OK);
    CHECK_INT(out.len, 0);
    tern_w_init(&w, g_out, sizeof(g_out));
    tern_ext_renegotiation_info_write(&w, (const uint8_t *)"0123456789ab", 12);
    r = written(&w);
    CHECK_INT(tern_ext_renegotiation_info_parse(r, &out), TERN_OK);
    CHECK_INT(out.len, 12);
    CHECK_MEM(out.p, "0123456789ab", 12);

    uint16_t limit = 0;
    tern_w_init(&w, g_out, sizeof(g_out));
    tern_ext_record_size_limit_write(&w, 16384);
    r = written(&w);
    CHECK_INT(tern_ext_record_size_limit_parse(r, &limit), TERN_OK);
    CHECK_INT(limit, 16384);

    static const uint8_t types[] = {2, 0};
    uint8_t type = 7;
    tern_w_init(&w, g_out, sizeof(g_out));
    tern_ext_cert_types_write(&w, types, 2);
    r = written(&w);
    CHECK_INT(tern_ext_cert_types_parse(r, &out), TERN_OK);
    CHECK_INT(out.len, 2);
    CHECK_MEM(out.p, types, 2);
    tern_w_init(&w, g_out, sizeof(g_out));
    tern_ext_cert_type_write(&w, 2);
    r = written(&w);
    CHECK_INT(tern_ext_cert_type_parse(r, &type), TERN_OK);
    CHECK_INT(type, 2);

    static const uint8_t names[] = "\x02h2\x08http/1.1";
    tern_w_init(&w, g_out, sizeof(g_out));
    tern_ext_alpn_write(&w, names, sizeof(names) - 1);
    r = written(&w);
    CHECK_INT(r.len, 2 + sizeof(names) - 1);
    CHECK_INT(tern_ext_alpn_parse(r, &out), TERN_OK);
    CHECK_INT(out.len, sizeof(names) - 1);
    CHECK_MEM(out.p, names, sizeof(names) - 1);
    tern_w_init(&w, g_out, sizeof(g_out));
    tern_ext_alpn_selected_write(&w, (const uint8_t *)"http/1.1", 8);
    r = written(&w);
    CHECK_MEM(r.p, "\x00\x09\x08http/1.1", 11);
    CHECK_INT(tern_ext_alpn_selected_parse(r, &out), TERN_OK);
    CHECK_INT(out.len, 8);
    CHECK_MEM(out.p, "http/1.1", 8);
}

/* Too long for its prefix: the writer is flagged, not the output overrun. */
static void writers_refuse_overlong(void)
{
    static uint8_t big[300];
    memset(big, 'a', sizeof(big));
    struct tern_writer w;
    tern_w_init(&w, g_out, sizeof(g_out));
    tern_ext_alpn_selected_write(&w, big, 256); /* ProtocolName<1..2^8-1> */
    CHECK_INT(tern_w_finish(&w), TERN_ERR_DECODE);
    tern_w_init(&w, g_out, sizeof(g_out));
    tern_ext_renegotiation_info_write(&w, big, 256);
    CHECK_INT(tern_w_finish(&w), TERN_ERR_DECODE);
    tern_w_init(&w, g_out, 4);
    tern_ext_server_name_write(&w, "example.org", 11);
    CHECK_INT(tern_w_finish(&w), TERN_ERR_BUFFER);
}

/* The table's accessors agree with the RFC list above, and say nothing of
 * indexes outside it. */
static void table_accessors(void)
{
    for (size_t i = 0; i < N_KNOWN; i++) {
        CHECK_INT(tern_ext_type(g_known[i].index), g_known[i].type);
        CHECK_INT(tern_ext_allowed(g_known[i].index), g_known[i].in_sh ? (CH | SH) : CH);
    }
    CHECK_INT(tern_ext_allowed(TERN_EXTI_COUNT), 0);
    CHECK_INT(tern_ext_type(TERN_EXTI_COUNT), 0);
}

/* ---- tern_exts_check_bodies --------------------------------------------- */

/* A ClientHello block with every extension tern reads, well formed. */
static const char g_ch_good[] = "0000 0009 0007 00 0004 612e6263" /* server_name */
                                "000a 0004 0002 0017"             /* supported_groups */
                                "000b 0002 01 00"                 /* ec_point_formats */
                                "000d 0004 0002 0403"             /* signature_algorithms */
                                "0013 0002 01 02"                 /* client_certificate_type */
                                "0014 0003 02 02 00"              /* server_certificate_type */
                                "0017 0000"                       /* extended_master_secret */
                                "001c 0002 4000"                  /* record_size_limit */
                                "ff01 0001 00";                   /* renegotiation_info */

/* The same for a ServerHello (RFC 6066 section 3: an empty server_name). */
static const char g_sh_good[] = "0000 0000"
                                "000b 0002 01 00"
                                "0013 0001 02"
                                "0014 0001 02"
                                "0017 0000"
                                "001c 0002 0040"
                                "ff01 0001 00";

static void check_bodies_good(void)
{
    struct tern_exts e;
    CHECK_INT(parse(g_ch_good, CH, &e), TERN_OK);
    CHECK_INT(tern_exts_check_bodies(&e, CH), TERN_OK);
    CHECK_INT(parse(g_sh_good, SH, &e), TERN_OK);
    CHECK_INT(tern_exts_check_bodies(&e, SH), TERN_OK);
    CHECK_INT(parse("", SH, &e), TERN_OK);
    CHECK_INT(tern_exts_check_bodies(&e, SH), TERN_OK);
}

/* One bad body in an otherwise good hello: each is found, with its error. */
static void check_bodies_each_bad(void)
{
    static const struct {
        unsigned msg;
        const char *block;
        int want;
    } cases[] = {
        {CH, "0000 0002 0000", TERN_ERR_DECODE},
        {CH, "000a 0003 0001 00", TERN_ERR_DECODE},
        {CH, "000b 0001 00", TERN_ERR_DECODE},
        {CH, "000d 0002 0000", TERN_ERR_DECODE},
        {CH, "0013 0001 02", TERN_ERR_DECODE}, /* a ServerHello's form in a ClientHello */
        {CH, "0014 0001 00", TERN_ERR_DECODE},
        {CH, "0017 0001 00", TERN_ERR_DECODE},
        {CH, "001c 0002 003f", TERN_ERR_ILLEGAL_PARAMETER},
        {CH, "001c 0001 40", TERN_ERR_DECODE},
        {CH, "ff01 0000", TERN_ERR_DECODE},
        {SH, "0000 0009 0007 00 0004 612e6263", TERN_ERR_DECODE}, /* RFC 6066: empty */
        {SH, "000b 0001 00", TERN_ERR_DECODE},
        {SH, "0013 0002 01 02", TERN_ERR_DECODE}, /* a ClientHello's form in a ServerHello */
        {SH, "0014 0000", TERN_ERR_DECODE},
        {SH, "0017 0002 0000", TERN_ERR_DECODE},
        {SH, "001c 0002 0000", TERN_ERR_ILLEGAL_PARAMETER},
        {SH, "ff01 0002 0500", TERN_ERR_DECODE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct tern_exts e;
        int rc = parse(cases[i].block, cases[i].msg, &e);
        CHECK_INT(rc, TERN_OK);
        if (rc != TERN_OK) {
            continue;
        }
        int got = tern_exts_check_bodies(&e, cases[i].msg);
        if (got != cases[i].want) {
            fprintf(stderr, "  case %zu: %s\n", i, cases[i].block);
        }
        CHECK_INT(got, cases[i].want);
    }
}

/* Bodies of extensions tern never negotiates are not read (use_srtp,
 * encrypt_then_mac, session_ticket, connection_id): whatever they hold,
 * the hello is taken; the state machine refuses them in a ServerHello
 * because tern never offers them. (ALPN, negotiated since RFC 7301 came
 * in, is read: check_bodies_alpn.) */
static void check_bodies_unread(void)
{
    static const char blk[] = "000e 0001 ff"
                              "0016 0001 ff"
                              "0023 0001 ff"
                              "0036 0001 ff";
    struct tern_exts e;
    CHECK_INT(parse(blk, CH, &e), TERN_OK);
    CHECK_INT(tern_exts_check_bodies(&e, CH), TERN_OK);
    CHECK_INT(parse(blk, SH, &e), TERN_OK);
    CHECK_INT(tern_exts_check_bodies(&e, SH), TERN_OK);
}

/* ALPN bodies are checked in both hellos, whoever configured ALPN: a
 * ClientHello's list (RFC 7301 section 3.1), a ServerHello's one name. */
static void check_bodies_alpn(void)
{
    static const struct {
        unsigned msg;
        const char *block;
        int want;
    } cases[] = {
        {CH, "0010 0005 0003 02 6832", TERN_OK},
        {CH, "0010 000e 000c 02 6832 08 687474702f312e31", TERN_OK},
        {CH, "0010 0002 0000", TERN_ERR_DECODE},            /* empty list */
        {CH, "0010 0003 0001 00", TERN_ERR_DECODE},         /* empty name */
        {CH, "0010 0004 0003 02 68", TERN_ERR_DECODE},      /* truncated */
        {CH, "0010 0006 0003 02 6832 00", TERN_ERR_DECODE}, /* trailing byte */
        {CH, "0010 0001 ff", TERN_ERR_DECODE},
        {SH, "0010 0005 0003 02 6832", TERN_OK},
        {SH, "0010 0008 0006 02 6832 02 6833", TERN_ERR_ILLEGAL_PARAMETER},
        {SH, "0010 0002 0000", TERN_ERR_DECODE},
        {SH, "0010 0003 0001 00", TERN_ERR_DECODE},
        {SH, "0010 0006 0003 02 6832 00", TERN_ERR_DECODE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct tern_exts e;
        int rc = parse(cases[i].block, cases[i].msg, &e);
        CHECK_INT(rc, TERN_OK);
        if (rc != TERN_OK) {
            continue;
        }
        int got = tern_exts_check_bodies(&e, cases[i].msg);
        if (got != cases[i].want) {
            fprintf(stderr, "  case %zu: %s\n", i, cases[i].block);
        }
        CHECK_INT(got, cases[i].want);
    }
}

TEST_MAIN(T(empty_block), T(each_known_extension_in_each_hello), T(all_known_in_one_client_hello),
          T(unknown_extensions_ignored), T(duplicates_refused), T(duplicate_unknown_past_the_bound),
          T(malformed_blocks), T(wrong_message), T(server_name_bodies), T(u16_list_bodies),
          T(point_formats_bodies), T(empty_bodies), T(renegotiation_info_bodies),
          T(record_size_limit_bodies), T(cert_type_bodies), T(alpn_bodies), T(alpn_contains),
          T(writers_round_trip), T(writers_refuse_overlong), T(table_accessors),
          T(check_bodies_good), T(check_bodies_each_bad), T(check_bodies_unread),
          T(check_bodies_alpn))
