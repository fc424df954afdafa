/* The stateless cookie gate (RFC 6347 section 4.2.1), driven by real
 * ClientHellos captured from OpenSSL and GnuTLS. */
#include <tern/cookie.h>
#include <tern/err.h>

#include "data/client_hellos.h"
#include "handshake/header.h"
#include "handshake/hello.h"
#include "record/header12.h"
#include "test.h"

static const uint8_t g_secret[32] = "0123456789abcdef0123456789abcde";
static const uint8_t g_peer[] = {127, 0, 0, 1, 0x12, 0x34};

/* Rebuilds a captured ClientHello datagram with a cookie inserted (as the
 * client does after a HelloVerifyRequest), message_seq 1, record seq 1. */
static size_t with_cookie(const uint8_t *dgram, size_t len, const uint8_t *cookie,
                          size_t cookie_len, uint8_t *out, size_t cap)
{
    /* Offsets in a record holding one unfragmented ClientHello. */
    const size_t body = TERN_REC12_HEADER_LEN + TERN_HS_HEADER_LEN;
    size_t sid_len = dgram[body + 2 + 32];
    size_t cookie_at = body + 2 + 32 + 1 + sid_len;
    CHECK(dgram[cookie_at] == 0);
    size_t n = len + cookie_len;
    CHECK(n <= cap);
    memcpy(out, dgram, cookie_at);
    out[cookie_at] = (uint8_t)cookie_len;
    memcpy(out + cookie_at + 1, cookie, cookie_len);
    memcpy(out + cookie_at + 1 + cookie_len, dgram + cookie_at + 1, len - cookie_at - 1);
    size_t msg_len = n - body;
    out[10] = 1;                        /* record sequence number */
    out[11] = (uint8_t)((n - 13) >> 8); /* record length */
    out[12] = (uint8_t)(n - 13);
    for (size_t i = 0; i < 3; i++) { /* length and fragment_length */
        out[14 + i] = (uint8_t)(msg_len >> (16 - 8 * i));
        out[22 + i] = (uint8_t)(msg_len >> (16 - 8 * i));
    }
    out[18] = 1; /* message_seq */
    return n;
}

/* Takes the cookie out of a HelloVerifyRequest datagram. */
static size_t hvr_cookie(const uint8_t *hvr, size_t len, uint8_t *cookie)
{
    struct tern_reader r;
    struct tern_reader rec;
    struct tern_reader frag;
    struct tern_rec12_header h;
    struct tern_hs_header hs;
    struct tern_hello_verify hv;
    tern_r_init(&r, hvr, len);
    CHECK_INT(tern_rec12_header_parse(&r, &h, &rec), TERN_OK);
    CHECK_INT(tern_r_end(&r), TERN_OK);
    CHECK_INT(h.type, TERN_CT_HANDSHAKE);
    CHECK_INT(h.epoch, 0);
    CHECK_INT(tern_hs_header_parse(&rec, &hs, &frag), TERN_OK);
    CHECK_INT(hs.type, TERN_HS_HELLO_VERIFY_REQUEST);
    CHECK_INT(tern_hs_header_unfragmented(&hs), 1);
    CHECK_INT(tern_hello_verify_parse(frag, &hv), TERN_OK);
    CHECK_INT(hv.version, TERN_DTLS10_VERSION);
    memcpy(cookie, hv.cookie.p, hv.cookie.len);
    return hv.cookie.len;
}

static void exchange(const uint8_t *ch, size_t ch_len)
{
    struct tern_cookie *gate;
    CHECK_INT(tern_cookie_new(&gate, g_secret, sizeof(g_secret)), TERN_OK);
    uint8_t hvr[128];
    size_t hvr_len = 0;
    CHECK_INT(
        tern_cookie_check(gate, ch, ch_len, g_peer, sizeof(g_peer), hvr, sizeof(hvr), &hvr_len),
        TERN_COOKIE_SEND);
    CHECK(hvr_len > 0 && hvr_len <= ch_len); /* never an amplifier */
    /* RFC 6347 section 4.2.1: the record sequence number is the ClientHello's. */
    CHECK_MEM(hvr + 3, ch + 3, 8);
    uint8_t cookie[255];
    size_t cookie_len = hvr_cookie(hvr, hvr_len, cookie);
    CHECK_INT(cookie_len, 16); /* AES-128-CMAC */

    uint8_t second[512];
    size_t n = with_cookie(ch, ch_len, cookie, cookie_len, second, sizeof(second));
    size_t out_len = 99;
    CHECK_INT(
        tern_cookie_check(gate, second, n, g_peer, sizeof(g_peer), hvr, sizeof(hvr), &out_len),
        TERN_COOKIE_VERIFIED);
    CHECK_INT(out_len, 0);

    /* The same cookie from another address is answered with a new cookie. */
    uint8_t other[] = {127, 0, 0, 2, 0x12, 0x34};
    CHECK_INT(tern_cookie_check(gate, second, n, other, sizeof(other), hvr, sizeof(hvr), &out_len),
              TERN_COOKIE_SEND);
    /* A different random (another ClientHello) does not verify either. */
    second[TERN_REC12_HEADER_LEN + TERN_HS_HEADER_LEN + 2] ^= 1;
    CHECK_INT(
        tern_cookie_check(gate, second, n, g_peer, sizeof(g_peer), hvr, sizeof(hvr), &out_len),
        TERN_COOKIE_SEND);
    second[TERN_REC12_HEADER_LEN + TERN_HS_HEADER_LEN + 2] ^= 1;
    /* A flipped cookie bit does not verify. */
    size_t sid_len = second[TERN_REC12_HEADER_LEN + TERN_HS_HEADER_LEN + 2 + 32];
    size_t cookie_at = TERN_REC12_HEADER_LEN + TERN_HS_HEADER_LEN + 2 + 32 + 1 + sid_len + 1;
    second[cookie_at + 15] ^= 0x80; /* the last byte of the 16-byte cookie */
    CHECK_INT(
        tern_cookie_check(gate, second, n, g_peer, sizeof(g_peer), hvr, sizeof(hvr), &out_len),
        TERN_COOKIE_SEND);
    second[cookie_at + 15] ^= 0x80; /* the last byte of the 16-byte cookie */

    /* After one rotation the cookie still verifies; after two it does not. */
    CHECK_INT(tern_cookie_rotate(gate, NULL, 0), TERN_OK);
    CHECK_INT(
        tern_cookie_check(gate, second, n, g_peer, sizeof(g_peer), hvr, sizeof(hvr), &out_len),
        TERN_COOKIE_VERIFIED);
    CHECK_INT(tern_cookie_rotate(gate, NULL, 0), TERN_OK);
    CHECK_INT(
        tern_cookie_check(gate, second, n, g_peer, sizeof(g_peer), hvr, sizeof(hvr), &out_len),
        TERN_COOKIE_SEND);
    tern_cookie_free(gate);
}

static void openssl_exchange(void)
{
    exchange(g_openssl_ch, sizeof(g_openssl_ch));
}

static void gnutls_exchange(void)
{
    exchange(g_gnutls_ch, sizeof(g_gnutls_ch));
}

/* Two gates with the same secret accept each other's cookies (one secret
 * shared by every process or node of a server). */
static void shared_secret(void)
{
    struct tern_cookie *a;
    struct tern_cookie *b;
    struct tern_cookie *c;
    CHECK_INT(tern_cookie_new(&a, g_secret, sizeof(g_secret)), TERN_OK);
    CHECK_INT(tern_cookie_new(&b, g_secret, sizeof(g_secret)), TERN_OK);
    CHECK_INT(tern_cookie_new(&c, NULL, 0), TERN_OK);
    uint8_t hvr[128];
    size_t hvr_len;
    CHECK_INT(tern_cookie_check(a, g_openssl_ch, sizeof(g_openssl_ch), g_peer, sizeof(g_peer), hvr,
                                sizeof(hvr), &hvr_len),
              TERN_COOKIE_SEND);
    uint8_t cookie[255];
    size_t cookie_len = hvr_cookie(hvr, hvr_len, cookie);
    uint8_t second[512];
    size_t n =
        with_cookie(g_openssl_ch, sizeof(g_openssl_ch), cookie, cookie_len, second, sizeof(second));
    CHECK_INT(tern_cookie_check(b, second, n, g_peer, sizeof(g_peer), hvr, sizeof(hvr), &hvr_len),
              TERN_COOKIE_VERIFIED);
    CHECK_INT(tern_cookie_check(c, second, n, g_peer, sizeof(g_peer), hvr, sizeof(hvr), &hvr_len),
              TERN_COOKIE_SEND);
    tern_cookie_free(a);
    tern_cookie_free(b);
    tern_cookie_free(c);
}

/* Anything but an unfragmented epoch-0 ClientHello in the first record is
 * dropped without an answer. */
static void drops(void)
{
    struct tern_cookie *gate;
    CHECK_INT(tern_cookie_new(&gate, g_secret, sizeof(g_secret)), TERN_OK);
    uint8_t d[sizeof(g_openssl_ch)];
    uint8_t out[128];
    size_t out_len;
    const size_t n = sizeof(d);
#define EXPECT_DROP()                                                                              \
    CHECK_INT(tern_cookie_check(gate, d, n, g_peer, sizeof(g_peer), out, sizeof(out), &out_len),   \
              TERN_COOKIE_DROP)

    memcpy(d, g_openssl_ch, n);
    d[0] = TERN_CT_APPLICATION_DATA;
    EXPECT_DROP();
    memcpy(d, g_openssl_ch, n);
    d[4] = 1; /* epoch 1 */
    EXPECT_DROP();
    memcpy(d, g_openssl_ch, n);
    d[1] = 0x03; /* TLS, not DTLS */
    EXPECT_DROP();
    memcpy(d, g_openssl_ch, n);
    d[13] = TERN_HS_SERVER_HELLO;
    EXPECT_DROP();
    memcpy(d, g_openssl_ch, n);
    d[24] = (uint8_t)(d[24] - 1); /* fragment_length one short: a fragment */
    EXPECT_DROP();
    memcpy(d, g_openssl_ch, n);
    d[12] = (uint8_t)(d[12] + 1); /* record length past the datagram */
    EXPECT_DROP();
    /* Every truncation is dropped. */
    for (size_t cut = 0; cut < n; cut++) {
        CHECK_INT(tern_cookie_check(gate, g_openssl_ch, cut, g_peer, sizeof(g_peer), out,
                                    sizeof(out), &out_len),
                  TERN_COOKIE_DROP);
    }
#undef EXPECT_DROP
    tern_cookie_free(gate);
}

static void misuse(void)
{
    struct tern_cookie *gate = NULL;
    uint8_t out[128];
    size_t out_len;
    CHECK_INT(tern_cookie_new(NULL, NULL, 0), TERN_ERR_ARG);
    CHECK_INT(tern_cookie_new(&gate, g_secret, TERN_COOKIE_SECRET_MIN - 1), TERN_ERR_ARG);
    CHECK(gate == NULL);
    CHECK_INT(tern_cookie_new(&gate, g_secret, sizeof(g_secret)), TERN_OK);
    CHECK_INT(tern_cookie_rotate(gate, g_secret, TERN_COOKIE_SECRET_MAX + 1), TERN_ERR_ARG);
    CHECK_INT(tern_cookie_rotate(NULL, NULL, 0), TERN_ERR_ARG);
    CHECK_INT(tern_cookie_check(gate, g_openssl_ch, sizeof(g_openssl_ch), g_peer, 0, out,
                                sizeof(out), &out_len),
              TERN_ERR_ARG);
    CHECK_INT(tern_cookie_check(gate, g_openssl_ch, sizeof(g_openssl_ch), g_peer, 129, out,
                                sizeof(out), &out_len),
              TERN_ERR_ARG);
    CHECK_INT(tern_cookie_check(NULL, g_openssl_ch, sizeof(g_openssl_ch), g_peer, 6, out,
                                sizeof(out), &out_len),
              TERN_ERR_ARG);
    CHECK_INT(
        tern_cookie_check(gate, g_openssl_ch, sizeof(g_openssl_ch), g_peer, 6, out, 43, &out_len),
        TERN_ERR_BUFFER);
    CHECK_INT(
        tern_cookie_check(gate, g_openssl_ch, sizeof(g_openssl_ch), g_peer, 6, out, 44, &out_len),
        TERN_COOKIE_SEND);
    CHECK_INT(out_len, 44); /* record and handshake headers, version, 16-byte cookie */
    tern_cookie_free(gate);
    tern_cookie_free(NULL);
}

TEST_MAIN(T(openssl_exchange), T(gnutls_exchange), T(shared_secret), T(drops), T(misuse))
