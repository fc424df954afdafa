/* The stateless datagram peek (include/tern/peek.h) on captured
 * ClientHellos, a HelloVerifyRequest from the cookie gate, the datagrams of
 * a tern handshake, RFC 9146 CID records and broken headers. */
#include <tern/tern.h>

#include "conn/pair.h"
#include "data/client_hellos.h"
#include "test.h"

static const uint8_t g_secret[32] = "0123456789abcdef0123456789abcde";
static const uint8_t g_peer[] = {127, 0, 0, 1, 0x12, 0x34};

/* Whether every byte of *info is zero (what an error leaves). */
static int all_zero(const struct tern_dgram_info *info)
{
    static const struct tern_dgram_info zero;
    return memcmp(info, &zero, sizeof(zero)) == 0;
}

/* Peeks with out filled with garbage first, so that a field left unset
 * shows. */
static int peek(const uint8_t *dgram, size_t len, size_t cid_len, struct tern_dgram_info *out)
{
    memset(out, 0xa5, sizeof(*out));
    int rc = tern_dgram_peek(dgram, len, cid_len, out);
    if (rc != TERN_OK) {
        CHECK(all_zero(out));
    }
    return rc;
}

/* A DTLS 1.2 header's fields, the same for every caller's CID length. */
static void check_plain(const uint8_t *dgram, size_t len, uint8_t type, uint16_t version,
                        uint64_t epoch, uint64_t seq, size_t record_len, int client_hello)
{
    static const size_t cid_lens[] = {0, 1, 8, TERN_DGRAM_CID_MAX};
    for (size_t i = 0; i < sizeof(cid_lens) / sizeof(cid_lens[0]); i++) {
        struct tern_dgram_info info;
        CHECK_INT(peek(dgram, len, cid_lens[i], &info), TERN_OK);
        CHECK_INT(info.format, TERN_DGRAM_DTLS12);
        CHECK_INT(info.content_type, type);
        CHECK_INT(info.version, version);
        CHECK(info.epoch == epoch);
        CHECK(info.seq == seq);
        CHECK_INT(info.epoch_bits, 16);
        CHECK_INT(info.seq_bits, 48);
        CHECK_INT(info.header_len, 13);
        CHECK_INT(info.record_len, record_len);
        CHECK(info.cid == NULL);
        CHECK_INT(info.cid_len, 0);
        CHECK_INT(info.client_hello, client_hello);
    }
}

static void openssl_client_hello(void)
{
    /* Record version DTLS 1.0 (RFC 6347 section 4.1 allows it in the
     * first ClientHello), epoch 0, sequence number 0, 0x74 bytes. */
    check_plain(g_openssl_ch, sizeof(g_openssl_ch), 22, 0xfeff, 0, 0, 0x74, 1);
    CHECK_INT(sizeof(g_openssl_ch), 13 + 0x74);
}

static void gnutls_client_hello(void)
{
    check_plain(g_gnutls_ch, sizeof(g_gnutls_ch), 22, 0xfefd, 0, 0, 0xe2, 1);
}

/* The gate answers with the ClientHello's record sequence number (RFC 6347
 * section 4.2.1); a HelloVerifyRequest is a handshake record in epoch 0
 * but no ClientHello. */
static void hello_verify_request(void)
{
    uint8_t ch[sizeof(g_openssl_ch)];
    memcpy(ch, g_openssl_ch, sizeof(ch));
    ch[10] = 7; /* record sequence number 7 */
    struct tern_cookie *gate;
    CHECK_INT(tern_cookie_new(&gate, g_secret, sizeof(g_secret)), TERN_OK);
    uint8_t hvr[64];
    size_t hvr_len = 0;
    CHECK_INT(
        tern_cookie_check(gate, ch, sizeof(ch), g_peer, sizeof(g_peer), hvr, sizeof(hvr), &hvr_len),
        TERN_COOKIE_SEND);
    tern_cookie_free(gate);
    CHECK_INT(hvr[13], 3); /* hello_verify_request */
    check_plain(hvr, hvr_len, 22, 0xfeff, 0, 7, hvr_len - 13, 0);
}

/* What the tap saw of a handshake between two tern connections. */
struct seen {
    unsigned client;          /* datagrams from the client */
    unsigned server;          /* datagrams from the server */
    unsigned client_hellos;   /* client datagrams peeked as a ClientHello */
    unsigned server_hellos;   /* server datagrams peeked as one (never) */
    unsigned failed;          /* datagrams the peek refused (never) */
    unsigned protected_first; /* datagrams whose first record is in epoch 1 */
    uint8_t app[PAIR_DGRAM];  /* the last datagram whose first record is application data */
    size_t app_len;
};

static int watch(void *arg, int from_client, uint8_t *dgram, size_t *len)
{
    struct seen *s = arg;
    struct tern_dgram_info info;
    if (peek(dgram, *len, 0, &info) != TERN_OK) {
        s->failed++;
        return 1;
    }
    CHECK(info.header_len + info.record_len <= *len);
    if (from_client) {
        s->client++;
        s->client_hellos += (unsigned)info.client_hello;
    } else {
        s->server++;
        s->server_hellos += (unsigned)info.client_hello;
    }
    s->protected_first += info.epoch == 1;
    if (info.content_type == 23) {
        memcpy(s->app, dgram, *len);
        s->app_len = *len;
    }
    return 1;
}

static struct tern_config *psk_config(enum tern_role role)
{
    static const uint8_t id[] = "client1";
    static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static const uint16_t suite = 0xc0a8; /* TLS_PSK_WITH_AES_128_CCM_8 */
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, role), TERN_OK);
    CHECK_INT(tern_config_set_psk(cfg, id, sizeof(id) - 1, key, sizeof(key)), TERN_OK);
    CHECK_INT(tern_config_set_suites(cfg, &suite, 1), TERN_OK);
    return cfg;
}

/* Every datagram of a handshake behind the cookie gate peeks cleanly; only
 * the client's two ClientHellos (without and with the cookie) look like
 * one; application data is a protected record of epoch 1. */
static void tern_handshake(void)
{
    struct tern_config *cc = psk_config(TERN_ROLE_CLIENT);
    struct tern_config *sc = psk_config(TERN_ROLE_SERVER);
    struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 1), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    struct seen s;
    memset(&s, 0, sizeof(s));
    p.tap = watch;
    p.tap_arg = &s;
    CHECK(pair_handshake(&p, 100));
    CHECK_INT(pair_send(&p, 1, "ping", 4), TERN_OK);
    CHECK_INT(p.server_got_len, 4);
    CHECK_INT(s.failed, 0);
    CHECK(s.client >= 3 && s.server >= 2);
    CHECK_INT(s.client_hellos, 2);
    CHECK_INT(s.server_hellos, 0);
    CHECK(s.protected_first >= 1);
    /* CCM_8: an 8-byte explicit nonce, 4 bytes of data, an 8-byte tag; the
     * client's Finished took sequence number 0 of epoch 1. */
    CHECK_INT(s.app_len, 13 + 8 + 4 + 8);
    check_plain(s.app, s.app_len, 23, 0xfefd, 1, 1, 8 + 4 + 8, 0);
    pair_free(&p);
}

/* Only the first record is read; what follows it may be anything. */
static void first_record_only(void)
{
    static const uint8_t dgram[] = {
        0x15, 0xfe, 0xfd, 0x00, 0x02, 0x00, 0x00, 0x01, 0x00,
        0x00, 0x05, 0x00, 0x02, 0x01, 0x00, 0xff, 0xff, 0xff, /* not a record */
    };
    check_plain(dgram, sizeof(dgram), 21, 0xfefd, 2, UINT64_C(0x0001000005), 2, 0);
}

static void largest_fields(void)
{
    static uint8_t dgram[13 + 16384 + 2048];
    static const uint8_t head[] = {0x17, 0xfe, 0xfd, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0x48, 0x00};
    memcpy(dgram, head, sizeof(head));
    check_plain(dgram, sizeof(dgram), 23, 0xfefd, 0xffff, (UINT64_C(1) << 48) - 1, 16384 + 2048, 0);
    /* RFC 5246 section 6.2.3: "The length MUST NOT exceed 2^14 + 2048." */
    dgram[12] = 0x01;
    struct tern_dgram_info info;
    CHECK_INT(peek(dgram, sizeof(dgram), 0, &info), TERN_ERR_RECORD_OVERFLOW);
}

static void truncated_header(void)
{
    struct tern_dgram_info info;
    for (size_t n = 0; n < 13; n++) {
        CHECK_INT(peek(g_openssl_ch, n, 0, &info), TERN_ERR_DECODE);
        CHECK_INT(peek(g_openssl_ch, n, 4, &info), TERN_ERR_DECODE);
    }
}

static void length_past_end(void)
{
    struct tern_dgram_info info;
    /* One byte of the fragment missing. */
    CHECK_INT(peek(g_openssl_ch, sizeof(g_openssl_ch) - 1, 0, &info), TERN_ERR_DECODE);
    /* A header alone, announcing one byte. */
    static const uint8_t hdr[] = {0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    CHECK_INT(peek(hdr, sizeof(hdr), 0, &info), TERN_ERR_DECODE);
    /* Announcing nothing, it is a record (client_hello needs the type byte). */
    static const uint8_t empty[] = {0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    check_plain(empty, sizeof(empty), 22, 0xfefd, 0, 0, 0, 0);
}

/* RFC 6347 section 4.1: every DTLS version has major byte 0xfe. */
static void bad_version(void)
{
    uint8_t ch[sizeof(g_openssl_ch)];
    struct tern_dgram_info info;
    static const uint16_t bad[] = {0x0303, 0x0301, 0xfffd, 0x0000, 0xfdfd};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memcpy(ch, g_openssl_ch, sizeof(ch));
        ch[1] = (uint8_t)(bad[i] >> 8);
        ch[2] = (uint8_t)bad[i];
        CHECK_INT(peek(ch, sizeof(ch), 0, &info), TERN_ERR_PROTOCOL_VERSION);
    }
    /* Any minor byte is reported as sent (DTLS 1.3's DTLSPlaintext says
     * 0xfefd; 0xfefc would be DTLS 1.3's own number). */
    memcpy(ch, g_openssl_ch, sizeof(ch));
    ch[2] = 0xfc;
    check_plain(ch, sizeof(ch), 22, 0xfefc, 0, 0, 0x74, 1);
}

/* What every possible first byte of an otherwise valid header gives. */
static void every_first_byte(void)
{
    uint8_t ch[sizeof(g_openssl_ch)];
    memcpy(ch, g_openssl_ch, sizeof(ch));
    for (unsigned b = 0; b < 256; b++) {
        ch[0] = (uint8_t)b;
        struct tern_dgram_info info;
        int want;
        if (b >= 20 && b <= 23) {
            want = TERN_OK;
        } else if (b >= 0x20 && b <= 0x3f) {
            want = TERN_ERR_UNSUPPORTED; /* RFC 9147 section 4: 0 0 1 C S L E E */
        } else {
            want = TERN_ERR_CONTENT_TYPE; /* heartbeat (24), ack (26), STUN, RTP, ... */
        }
        /* tls12_cid (25) without a CID length cannot be read. */
        CHECK_INT(peek(ch, sizeof(ch), 0, &info), want);
        if (want == TERN_OK) {
            CHECK_INT(info.content_type, b);
            CHECK_INT(info.client_hello, b == 22);
        }
    }
}

/* RFC 9147 section 4: the unified header is recognised by its first byte
 * alone, however short the datagram. */
static void dtls13_unified_header(void)
{
    /* 0x2c: 0 0 1, C=0, S=1 (16-bit sequence number), L=1 (length
     * present), epoch 0 mod 4; then sequence number, length, ciphertext. */
    static const uint8_t rec[] = {0x2c, 0x12, 0x34, 0x00, 0x03, 0xaa, 0xbb, 0xcc};
    static const uint8_t firsts[] = {0x20, 0x2c, 0x2f, 0x30, 0x3f};
    uint8_t d[sizeof(rec)];
    for (size_t i = 0; i < sizeof(firsts); i++) {
        memcpy(d, rec, sizeof(rec));
        d[0] = firsts[i];
        for (size_t n = 1; n <= sizeof(d); n++) {
            struct tern_dgram_info info;
            CHECK_INT(peek(d, n, 0, &info), TERN_ERR_UNSUPPORTED);
            CHECK_INT(peek(d, n, 4, &info), TERN_ERR_UNSUPPORTED);
        }
    }
}

/* RFC 9146 section 4: tls12_cid, version, epoch, sequence number, the CID,
 * length, encrypted content. */
static const uint8_t g_cid_rec[] = {
    0x19, 0xfe, 0xfd, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a, /* up to the CID */
    0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6,                               /* 6-byte CID */
    0x00, 0x04, 0xe1, 0xe2, 0xe3, 0xe4,                               /* length, content */
};

static void tls12_cid_record(void)
{
    struct tern_dgram_info info;
    CHECK_INT(peek(g_cid_rec, sizeof(g_cid_rec), 6, &info), TERN_OK);
    CHECK_INT(info.format, TERN_DGRAM_DTLS12_CID);
    CHECK_INT(info.content_type, 25);
    CHECK_INT(info.version, 0xfefd);
    CHECK(info.epoch == 1);
    CHECK(info.seq == 42);
    CHECK_INT(info.epoch_bits, 16);
    CHECK_INT(info.seq_bits, 48);
    CHECK(info.cid == g_cid_rec + 11); /* points into the datagram */
    CHECK_INT(info.cid_len, 6);
    CHECK_INT(info.header_len, 13 + 6);
    CHECK_INT(info.record_len, 4);
    CHECK_INT(info.client_hello, 0);
    /* Read with the wrong CID length, the length field is taken from the
     * wrong bytes: here 0x04e1 announces more than there is, and 0xe1e2
     * is above the limit. */
    CHECK_INT(peek(g_cid_rec, sizeof(g_cid_rec), 7, &info), TERN_ERR_DECODE);
    CHECK_INT(peek(g_cid_rec, sizeof(g_cid_rec), 8, &info), TERN_ERR_RECORD_OVERFLOW);
    /* Without a CID length, the record cannot be read. */
    CHECK_INT(peek(g_cid_rec, sizeof(g_cid_rec), 0, &info), TERN_ERR_CONTENT_TYPE);
    /* Every cut of it is short. */
    for (size_t n = 1; n < sizeof(g_cid_rec); n++) {
        CHECK_INT(peek(g_cid_rec, n, 6, &info), TERN_ERR_DECODE);
    }
    /* Its version is checked as any other. */
    uint8_t d[sizeof(g_cid_rec)];
    memcpy(d, g_cid_rec, sizeof(d));
    d[1] = 0x03;
    CHECK_INT(peek(d, sizeof(d), 6, &info), TERN_ERR_PROTOCOL_VERSION);
}

/* The longest CID the connection_id extension can carry (RFC 9146
 * section 3: cid<0..2^8-1>), and one byte more is misuse. */
static void longest_cid(void)
{
    static uint8_t d[13 + TERN_DGRAM_CID_MAX + 1];
    static const uint8_t head[] = {0x19, 0xfe, 0xfd, 0, 2, 0, 0, 0, 0, 0, 1};
    memcpy(d, head, sizeof(head));
    d[11 + TERN_DGRAM_CID_MAX] = 0;
    d[12 + TERN_DGRAM_CID_MAX] = 1; /* length 1 */
    struct tern_dgram_info info;
    CHECK_INT(peek(d, sizeof(d), TERN_DGRAM_CID_MAX, &info), TERN_OK);
    CHECK_INT(info.cid_len, TERN_DGRAM_CID_MAX);
    CHECK_INT(info.header_len + info.record_len, sizeof(d));
    CHECK_INT(peek(d, sizeof(d), TERN_DGRAM_CID_MAX + 1, &info), TERN_ERR_ARG);
    CHECK_INT(peek(d, sizeof(d), SIZE_MAX, &info), TERN_ERR_ARG);
    /* Whatever the record. */
    CHECK_INT(peek(g_openssl_ch, sizeof(g_openssl_ch), TERN_DGRAM_CID_MAX + 1, &info),
              TERN_ERR_ARG);
}

/* client_hello needs all three: handshake, epoch 0, message type 1. */
static void client_hello_flag(void)
{
    uint8_t d[sizeof(g_openssl_ch)];
    struct tern_dgram_info info;
    memcpy(d, g_openssl_ch, sizeof(d));
    d[4] = 1; /* epoch 1 */
    CHECK_INT(peek(d, sizeof(d), 0, &info), TERN_OK);
    CHECK_INT(info.client_hello, 0);
    memcpy(d, g_openssl_ch, sizeof(d));
    d[3] = 1; /* epoch 256: the low byte alone is not what counts */
    CHECK_INT(peek(d, sizeof(d), 0, &info), TERN_OK);
    CHECK_INT(info.client_hello, 0);
    memcpy(d, g_openssl_ch, sizeof(d));
    d[13] = 2; /* server_hello */
    CHECK_INT(peek(d, sizeof(d), 0, &info), TERN_OK);
    CHECK_INT(info.client_hello, 0);
    memcpy(d, g_openssl_ch, sizeof(d));
    d[0] = 23; /* application data that starts with a 1 */
    CHECK_INT(peek(d, sizeof(d), 0, &info), TERN_OK);
    CHECK_INT(info.client_hello, 0);
    /* A single byte of handshake is enough to say so. */
    static const uint8_t one[] = {0x16, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    check_plain(one, sizeof(one), 22, 0xfeff, 0, 0, 1, 1);
}

static void null_arguments(void)
{
    struct tern_dgram_info info;
    CHECK_INT(peek(NULL, 0, 0, &info), TERN_ERR_ARG);
    CHECK_INT(peek(NULL, sizeof(g_openssl_ch), 0, &info), TERN_ERR_ARG);
    CHECK_INT(tern_dgram_peek(g_openssl_ch, sizeof(g_openssl_ch), 0, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_dgram_peek(NULL, 0, 0, NULL), TERN_ERR_ARG);
}

/* The new error reads as what happened, and is a silent drop. */
static void content_type_error(void)
{
    CHECK(strcmp(tern_strerror(TERN_ERR_CONTENT_TYPE), "unknown error") != 0);
    CHECK_INT(tern_err_alert(TERN_ERR_CONTENT_TYPE), -1);
    CHECK_INT(tern_err_is_fatal(TERN_ERR_CONTENT_TYPE), 0);
}

TEST_MAIN(T(openssl_client_hello), T(gnutls_client_hello), T(hello_verify_request),
          T(tern_handshake), T(first_record_only), T(largest_fields), T(truncated_header),
          T(length_past_end), T(bad_version), T(every_first_byte), T(dtls13_unified_header),
          T(tls12_cid_record), T(longest_cid), T(client_hello_flag), T(null_arguments),
          T(content_type_error))
