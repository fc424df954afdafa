/* Adversarial cases: HelloVerifyRequest and the cookie gate (RFC 6347
 * section 4.2.1): no amplification, no state before the cookie verifies,
 * and a bound on how often a server can send a client back. */
#include <string.h>

#include "adv.h"

static const uint8_t g_secret[32] = {0xc0, 0x0c, 0x1e};

/* A HelloVerifyRequest with cookie (raw cookie_len byte, then have bytes
 * of cookie), as message_seq msg_seq. */
static size_t hvr(uint8_t *out, size_t cap, uint16_t msg_seq, uint8_t cookie_len,
                  const uint8_t *cookie, size_t have)
{
    uint8_t body[300];
    body[0] = 0xfe;
    body[1] = 0xff; /* RFC 6347 section 4.2.1: DTLS 1.0 in the HelloVerifyRequest */
    body[2] = cookie_len;
    memcpy(body + 3, cookie, have);
    return adv_message(out, cap, TERN_HS_HELLO_VERIFY_REQUEST, msg_seq, msg_seq, body,
                       (uint32_t)(3 + have));
}

/* The cookie of the ClientHello in datagram d. */
static size_t cookie_of(const uint8_t *d, size_t len, uint8_t *cookie)
{
    struct wire_msg m[WIRE_MAX_MSGS];
    if (wire_messages(d, len, m) != 1 || m[0].type != TERN_HS_CLIENT_HELLO) {
        return (size_t)-1;
    }
    const uint8_t *b = d + m[0].body_off;
    size_t sid = b[34];
    size_t n = b[35 + sid];
    memcpy(cookie, b + 36 + sid, n);
    return n;
}

void adv_hvr_repeated(void);
void adv_hvr_repeated(void)
{
    /* A server (or an attacker) that answers every ClientHello with a new
     * HelloVerifyRequest would keep a client busy for ever; tern follows a
     * few and then ignores more (an unprotected message it does not
     * accept: dropped and counted), until its timer gives up. */
    struct adv_rng rng = {31};
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), NULL, NULL);
    for (uint16_t i = 0; i < 4; i++) {
        uint8_t cookie[32];
        memset(cookie, 0x40 + i, sizeof(cookie));
        uint8_t d[ADV_DGRAM];
        size_t n = hvr(d, sizeof(d), i, sizeof(cookie), cookie, sizeof(cookie));
        CHECK_INT(adv_feed(c, d, n), TERN_OK);
        uint8_t out[ADV_DGRAM];
        ptrdiff_t m = tern_conn_pull(c, 0, out, sizeof(out));
        CHECK(m > 0);
        uint8_t echoed[255];
        CHECK_INT(cookie_of(out, m > 0 ? (size_t)m : 0, echoed), sizeof(cookie));
        CHECK_MEM(echoed, cookie, sizeof(cookie));
    }
    uint8_t d[ADV_DGRAM];
    uint8_t cookie[8] = {1};
    size_t n = hvr(d, sizeof(d), 4, sizeof(cookie), cookie, sizeof(cookie));
    CHECK_INT(adv_feed(c, d, n), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(c, TERN_DROP_UNEXPECTED), 1);
    CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
    adv_expect_silent(c);
    tern_conn_free(c);
}

void adv_hvr_largest_cookie(void);
void adv_hvr_largest_cookie(void)
{
    /* The largest cookie DTLS 1.2 allows (255 bytes) is echoed exactly,
     * and the ClientHello grows by exactly that much. */
    struct adv_rng rng = {32};
    uint8_t ch[ADV_DGRAM];
    size_t ch_len = 0;
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), ch, &ch_len);
    uint8_t cookie[255];
    for (size_t i = 0; i < sizeof(cookie); i++) {
        cookie[i] = (uint8_t)(i * 7);
    }
    uint8_t d[ADV_DGRAM];
    size_t n = hvr(d, sizeof(d), 0, 255, cookie, sizeof(cookie));
    CHECK_INT(adv_feed(c, d, n), TERN_OK);
    uint8_t out[ADV_DGRAM];
    ptrdiff_t m = tern_conn_pull(c, 0, out, sizeof(out));
    CHECK_INT(m, (ptrdiff_t)ch_len + 255);
    uint8_t echoed[255];
    CHECK_INT(cookie_of(out, m > 0 ? (size_t)m : 0, echoed), 255);
    CHECK_MEM(echoed, cookie, sizeof(cookie));
    tern_conn_free(c);
}

void adv_hvr_cookie_length_past_message(void);
void adv_hvr_cookie_length_past_message(void)
{
    struct adv_rng rng = {33};
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), NULL, NULL);
    uint8_t cookie[10] = {0};
    uint8_t d[ADV_DGRAM];
    size_t n = hvr(d, sizeof(d), 0, 200, cookie, sizeof(cookie));
    CHECK_INT(adv_feed(c, d, n), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(c, TERN_DROP_MALFORMED), 1);
    CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
    adv_expect_silent(c);
    tern_conn_free(c);
}

/* The smallest ClientHello the gate looks at: no extensions, one suite. */
static size_t smallest_client_hello(uint8_t *out, size_t cap, const uint8_t *cookie, size_t n)
{
    static const uint16_t suites[] = {0xc0a8};
    uint8_t body[512];
    size_t len = adv_client_hello_body(body, sizeof(body), suites, 1, NULL, 0, cookie, n);
    return adv_message(out, cap, TERN_HS_CLIENT_HELLO, 0, 0, body, (uint32_t)len);
}

void adv_cookie_no_amplification(void);
void adv_cookie_no_amplification(void)
{
    /* RFC 6347 section 4.2.1: the HelloVerifyRequest exists to stop a
     * server from amplifying; tern's is never larger than the ClientHello
     * that drew it, even the smallest one. */
    struct tern_cookie *gate = NULL;
    CHECK_INT(tern_cookie_new(&gate, g_secret, sizeof(g_secret)), TERN_OK);
    uint8_t ch[ADV_DGRAM];
    size_t ch_len = smallest_client_hello(ch, sizeof(ch), NULL, 0);
    uint8_t out[ADV_DGRAM];
    size_t out_len = 0;
    CHECK_INT(
        tern_cookie_check(gate, ch, ch_len, adv_peer, sizeof(adv_peer), out, sizeof(out), &out_len),
        TERN_COOKIE_SEND);
    CHECK(out_len > 0 && out_len <= ch_len);
    /* A real client's ClientHello too. */
    struct adv_rng rng = {34};
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), ch, &ch_len);
    CHECK_INT(
        tern_cookie_check(gate, ch, ch_len, adv_peer, sizeof(adv_peer), out, sizeof(out), &out_len),
        TERN_COOKIE_SEND);
    CHECK(out_len <= ch_len);
    tern_conn_free(c);
    tern_cookie_free(gate);
}

void adv_cookie_flood_allocates_nothing(void);
void adv_cookie_flood_allocates_nothing(void)
{
    /* ClientHellos from ten thousand addresses, without cookies, with
     * wrong cookies, and with the largest cookie: each is answered or
     * dropped, and the gate allocates nothing at all. */
    struct tern_cookie *gate = NULL;
    CHECK_INT(tern_cookie_new(&gate, g_secret, sizeof(g_secret)), TERN_OK);
    uint8_t wrong[32];
    memset(wrong, 0x99, sizeof(wrong));
    uint8_t big[255];
    memset(big, 0x42, sizeof(big));
    uint8_t plain[ADV_DGRAM];
    uint8_t forged[ADV_DGRAM];
    uint8_t bomb[ADV_DGRAM];
    size_t plain_len = smallest_client_hello(plain, sizeof(plain), NULL, 0);
    size_t forged_len = smallest_client_hello(forged, sizeof(forged), wrong, sizeof(wrong));
    size_t bomb_len = smallest_client_hello(bomb, sizeof(bomb), big, sizeof(big));
    unsigned sent = 0;
    alloc_count_reset();
    for (uint32_t i = 0; i < 10000; i++) {
        uint8_t peer[6] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i, 0x10, 0x01};
        const uint8_t *d = i % 3 == 0 ? plain : i % 3 == 1 ? forged : bomb;
        size_t len = i % 3 == 0 ? plain_len : i % 3 == 1 ? forged_len : bomb_len;
        uint8_t out[ADV_DGRAM];
        size_t out_len = 0;
        int v = tern_cookie_check(gate, d, len, peer, sizeof(peer), out, sizeof(out), &out_len);
        CHECK(v == TERN_COOKIE_SEND || v == TERN_COOKIE_DROP);
        sent += v == TERN_COOKIE_SEND;
        CHECK(out_len <= len);
    }
    CHECK_NO_ALLOCATION();
    CHECK_INT(sent, 10000);
    tern_cookie_free(gate);
}

void adv_cookie_other_address(void);
void adv_cookie_other_address(void)
{
    /* A cookie is bound to the address it was sent to: presented from
     * any other address it earns a new HelloVerifyRequest, not a
     * connection. */
    struct tern_cookie *gate = NULL;
    CHECK_INT(tern_cookie_new(&gate, g_secret, sizeof(g_secret)), TERN_OK);
    uint8_t ch[ADV_DGRAM];
    size_t ch_len = smallest_client_hello(ch, sizeof(ch), NULL, 0);
    uint8_t out[ADV_DGRAM];
    size_t out_len = 0;
    CHECK_INT(
        tern_cookie_check(gate, ch, ch_len, adv_peer, sizeof(adv_peer), out, sizeof(out), &out_len),
        TERN_COOKIE_SEND);
    uint8_t cookie[255];
    /* HelloVerifyRequest body: version, cookie length, cookie. */
    size_t n = out[TERN_REC12_HEADER_LEN + TERN_HS_HEADER_LEN + 2];
    memcpy(cookie, out + TERN_REC12_HEADER_LEN + TERN_HS_HEADER_LEN + 3, n);
    size_t again = smallest_client_hello(ch, sizeof(ch), cookie, n);
    CHECK_INT(
        tern_cookie_check(gate, ch, again, adv_peer, sizeof(adv_peer), out, sizeof(out), &out_len),
        TERN_COOKIE_VERIFIED);
    uint8_t other[6];
    memcpy(other, adv_peer, sizeof(other));
    other[5] ^= 1; /* another source port */
    CHECK_INT(tern_cookie_check(gate, ch, again, other, sizeof(other), out, sizeof(out), &out_len),
              TERN_COOKIE_SEND);
    tern_cookie_free(gate);
}

void adv_cookie_gate_garbage(void);
void adv_cookie_gate_garbage(void)
{
    /* Anything that is not an unfragmented epoch-0 ClientHello is dropped
     * without an answer: truncations of a real one at every length, other
     * content types and handshake types, a fragment, epoch 1. */
    struct tern_cookie *gate = NULL;
    CHECK_INT(tern_cookie_new(&gate, g_secret, sizeof(g_secret)), TERN_OK);
    struct adv_rng rng = {35};
    uint8_t ch[ADV_DGRAM];
    size_t ch_len = 0;
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), ch, &ch_len);
    uint8_t out[ADV_DGRAM];
    size_t out_len = 0;
    alloc_count_reset();
    for (size_t cut = 0; cut < ch_len; cut++) {
        CHECK_INT(tern_cookie_check(gate, ch, cut, adv_peer, sizeof(adv_peer), out, sizeof(out),
                                    &out_len),
                  TERN_COOKIE_DROP);
    }
    uint8_t d[ADV_DGRAM];
    memcpy(d, ch, ch_len);
    d[0] = TERN_CT_APPLICATION_DATA;
    CHECK_INT(
        tern_cookie_check(gate, d, ch_len, adv_peer, sizeof(adv_peer), out, sizeof(out), &out_len),
        TERN_COOKIE_DROP);
    memcpy(d, ch, ch_len);
    d[4] = 1; /* epoch 1 */
    CHECK_INT(
        tern_cookie_check(gate, d, ch_len, adv_peer, sizeof(adv_peer), out, sizeof(out), &out_len),
        TERN_COOKIE_DROP);
    memcpy(d, ch, ch_len);
    d[TERN_REC12_HEADER_LEN] = TERN_HS_CLIENT_KEY_EXCHANGE;
    CHECK_INT(
        tern_cookie_check(gate, d, ch_len, adv_peer, sizeof(adv_peer), out, sizeof(out), &out_len),
        TERN_COOKIE_DROP);
    memcpy(d, ch, ch_len);
    d[TERN_REC12_HEADER_LEN + 11] ^= 1; /* fragment_length no longer the whole message */
    CHECK_INT(
        tern_cookie_check(gate, d, ch_len, adv_peer, sizeof(adv_peer), out, sizeof(out), &out_len),
        TERN_COOKIE_DROP);
    CHECK_NO_ALLOCATION();
    tern_conn_free(c);
    tern_cookie_free(gate);
}

void adv_accept_needs_verified_cookie(void);
void adv_accept_needs_verified_cookie(void)
{
    /* A server connection exists only for a ClientHello whose cookie the
     * gate verifies for that address: without one, with a forged one, or
     * from another address, tern_conn_accept() allocates nothing and
     * answers nothing; a datagram too small to be a ClientHello (13
     * bytes: a record header alone) is not answered by the gate either. */
    struct tern_cookie *gate = NULL;
    CHECK_INT(tern_cookie_new(&gate, g_secret, sizeof(g_secret)), TERN_OK);
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(
        tern_config_set_psk(sc, adv_psk_id, sizeof(adv_psk_id), adv_psk_key, sizeof(adv_psk_key)),
        TERN_OK);
    uint8_t ch[ADV_DGRAM];
    size_t ch_len = smallest_client_hello(ch, sizeof(ch), NULL, 0);
    uint8_t out[ADV_DGRAM];
    size_t out_len = 0;
    struct tern_conn *s = NULL;
    alloc_count_reset();
    CHECK_INT(tern_conn_accept(&s, sc, gate, 0, ch, ch_len, adv_peer, sizeof(adv_peer)),
              TERN_ERR_COOKIE);
    CHECK(s == NULL);
    uint8_t forged[16];
    memset(forged, 0x77, sizeof(forged));
    size_t fl = smallest_client_hello(ch, sizeof(ch), forged, sizeof(forged));
    CHECK_INT(tern_conn_accept(&s, sc, gate, 0, ch, fl, adv_peer, sizeof(adv_peer)),
              TERN_ERR_COOKIE);
    static const uint8_t thirteen[13] = {TERN_CT_HANDSHAKE, 0xfe, 0xfd};
    CHECK_INT(tern_cookie_check(gate, thirteen, sizeof(thirteen), adv_peer, sizeof(adv_peer), out,
                                sizeof(out), &out_len),
              TERN_COOKIE_DROP);
    CHECK_INT(out_len, 0);
    CHECK_NO_ALLOCATION();
    /* The cookie the gate hands out for this address, echoed: taken, and
     * only from that address. */
    ch_len = smallest_client_hello(ch, sizeof(ch), NULL, 0);
    CHECK_INT(
        tern_cookie_check(gate, ch, ch_len, adv_peer, sizeof(adv_peer), out, sizeof(out), &out_len),
        TERN_COOKIE_SEND);
    uint8_t cookie[32];
    size_t cookie_len = out[TERN_REC12_HEADER_LEN + TERN_HS_HEADER_LEN + 2];
    memcpy(cookie, out + TERN_REC12_HEADER_LEN + TERN_HS_HEADER_LEN + 3, cookie_len);
    size_t again = smallest_client_hello(ch, sizeof(ch), cookie, cookie_len);
    static const uint8_t other[6] = {198, 51, 100, 9, 0x12, 0x34};
    CHECK_INT(tern_conn_accept(&s, sc, gate, 0, ch, again, other, sizeof(other)), TERN_ERR_COOKIE);
    CHECK(s == NULL);
    /* This smallest ClientHello offers no extended master secret: the
     * connection is made (the address is proved) and fails at once, its
     * alert ready for the peer. */
    CHECK_INT(tern_conn_accept(&s, sc, gate, 0, ch, again, adv_peer, sizeof(adv_peer)),
              TERN_ERR_NO_EXTENDED_MASTER_SECRET);
    CHECK(s != NULL);
    adv_expect_failed(s, TERN_ERR_NO_EXTENDED_MASTER_SECRET, 40);
    tern_conn_free(s);
    tern_config_free(sc);
    tern_cookie_free(gate);
}
