/* Adversarial cases: alerts, closure and renegotiation. Some need records
 * that only the peer could protect; the forger (adv.h) derives the
 * peer's keys from its key log and speaks for it. */
#include <string.h>

#include "adv.h"

struct got {
    unsigned records;
};

static void on_data(void *arg, const uint8_t *data, size_t len)
{
    (void)data;
    (void)len;
    ((struct got *)arg)->records++;
}

static int deliver(struct tern_conn *to, const uint8_t *d, size_t len, struct got *g)
{
    static uint8_t copy[ADV_DGRAM];
    memcpy(copy, d, len);
    return tern_conn_receive(to, 0, copy, len, on_data, g);
}

void adv_alert_flood_handshake(void);
void adv_alert_flood_handshake(void)
{
    /* Warning alerts before keys exist prove nothing about their sender:
     * each is dropped and counted, so a hundred of them neither end the
     * handshake nor count towards the flood limit (which is for the peer's
     * own alerts, under its keys: alert_flood_established). */
    struct adv_rng rng = {71};
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), NULL, NULL);
    static const uint8_t warning[2] = {1, 90}; /* user_canceled as a warning */
    uint8_t d[ADV_DGRAM];
    for (uint64_t seq = 0; seq < 100; seq++) {
        size_t n = adv_record(d, sizeof(d), TERN_CT_ALERT, 0, seq, warning, 2);
        CHECK_INT(adv_feed(c, d, n), TERN_OK);
    }
    CHECK_INT(tern_conn_dropped_by(c, TERN_DROP_UNEXPECTED), 100);
    CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
    CHECK_INT(tern_conn_alert_received(c), -1);
    adv_expect_silent(c);
    tern_conn_free(c);
}

void adv_alert_flood_established(void);
void adv_alert_flood_established(void)
{
    /* The same flood from an authenticated peer, and warnings mixed with
     * data, which never add up. */
    struct pair p;
    struct adv_forger f;
    adv_established(&p, &f, 72);
    static const uint8_t warning[2] = {1, 90};
    uint8_t d[ADV_DGRAM];
    struct got g = {0};
    for (int round = 0; round < 20; round++) {
        size_t n = adv_forge(&f, 1, TERN_CT_ALERT, warning, 2, d, sizeof(d));
        CHECK_INT(deliver(p.server, d, n, &g), TERN_OK);
        n = adv_forge(&f, 1, TERN_CT_APPLICATION_DATA, (const uint8_t *)"d", 1, d, sizeof(d));
        CHECK_INT(deliver(p.server, d, n, &g), TERN_OK);
    }
    CHECK_INT(g.records, 20);
    CHECK_INT(tern_conn_state(p.server), TERN_STATE_ESTABLISHED);
    int rc = TERN_OK;
    unsigned taken = 0;
    for (int i = 0; i < 50 && rc == TERN_OK; i++) {
        size_t n = adv_forge(&f, 1, TERN_CT_ALERT, warning, 2, d, sizeof(d));
        rc = deliver(p.server, d, n, &g);
        taken += rc == TERN_OK;
    }
    CHECK_INT(taken, 8);
    CHECK_INT(rc, TERN_ERR_ALERT_FLOOD);
    adv_expect_failed(p.server, TERN_ERR_ALERT_FLOOD, 10);
    adv_forger_clear(&f);
    pair_free(&p);
}

void adv_alert_malformed(void);
void adv_alert_malformed(void)
{
    /* An alert record that is not two bytes is dropped (malformed). */
    struct adv_rng rng = {73};
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), NULL, NULL);
    static const uint8_t three[3] = {2, 40, 0};
    static const uint8_t one[1] = {2};
    uint8_t d[ADV_DGRAM];
    size_t n = adv_record(d, sizeof(d), TERN_CT_ALERT, 0, 1, three, 3);
    CHECK_INT(adv_feed(c, d, n), TERN_OK);
    n = adv_record(d, sizeof(d), TERN_CT_ALERT, 0, 2, one, 1);
    CHECK_INT(adv_feed(c, d, n), TERN_OK);
    n = adv_record(d, sizeof(d), TERN_CT_ALERT, 0, 3, NULL, 0);
    CHECK_INT(adv_feed(c, d, n), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(c, TERN_DROP_MALFORMED), 3);
    CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
    CHECK_INT(tern_conn_alert_received(c), -1);
    tern_conn_free(c);
}

void adv_alert_unknown_level(void);
void adv_alert_unknown_level(void)
{
    /* RFC 5246 section 7.2: an alert's level is warning (1) or fatal (2).
     * Unprotected, another level is a malformed forgery, dropped; under
     * the peer's keys it is the peer's error: fatal illegal_parameter. */
    struct adv_rng rng = {75};
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), NULL, NULL);
    static const uint8_t odd[2] = {3, 0};
    uint8_t d[ADV_DGRAM];
    size_t n = adv_record(d, sizeof(d), TERN_CT_ALERT, 0, 1, odd, 2);
    CHECK_INT(adv_feed(c, d, n), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(c, TERN_DROP_MALFORMED), 1);
    CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
    tern_conn_free(c);

    struct pair p;
    struct adv_forger f;
    adv_established(&p, &f, 76);
    n = adv_forge(&f, 1, TERN_CT_ALERT, odd, 2, d, sizeof(d));
    struct got g = {0};
    CHECK_INT(deliver(p.server, d, n, &g), TERN_ERR_ILLEGAL_PARAMETER);
    adv_expect_failed(p.server, TERN_ERR_ILLEGAL_PARAMETER, 47);
    adv_forger_clear(&f);
    pair_free(&p);
}

void adv_close_notify_then_data(void);
void adv_close_notify_then_data(void)
{
    /* RFC 5246 section 7.2.1: after close_notify the connection is over:
     * data that follows in the same datagram or later is not delivered,
     * the closed side answers with one close_notify and then sends and
     * writes nothing. */
    struct pair p;
    struct adv_forger f;
    adv_established(&p, &f, 74);
    static const uint8_t close_notify[2] = {1, 0};
    uint8_t d[ADV_DGRAM];
    size_t n = adv_forge(&f, 1, TERN_CT_ALERT, close_notify, 2, d, sizeof(d));
    n += adv_forge(&f, 1, TERN_CT_APPLICATION_DATA, (const uint8_t *)"after", 5, d + n,
                   sizeof(d) - n);
    struct got g = {0};
    CHECK_INT(deliver(p.server, d, n, &g), TERN_OK);
    CHECK_INT(g.records, 0);
    CHECK_INT(tern_conn_state(p.server), TERN_STATE_CLOSED);
    adv_expect_alert(p.server, 1, 0);
    adv_expect_silent(p.server);
    n = adv_forge(&f, 1, TERN_CT_APPLICATION_DATA, (const uint8_t *)"later", 5, d, sizeof(d));
    CHECK_INT(deliver(p.server, d, n, &g), TERN_ERR_CLOSED);
    CHECK_INT(g.records, 0);
    uint8_t out[ADV_DGRAM];
    CHECK_INT(tern_conn_write(p.server, "x", 1, out, sizeof(out)), TERN_ERR_CLOSED);
    adv_expect_silent(p.server);
    adv_forger_clear(&f);
    pair_free(&p);
}

void adv_renegotiation_client_hello(void);
void adv_renegotiation_client_hello(void)
{
    /* A ClientHello under the established keys asks for renegotiation,
     * which tern refuses (DESIGN.md principle 4) with a warning
     * no_renegotiation (RFC 5746 section 4.5), and goes on. */
    struct pair p;
    struct adv_forger f;
    adv_established(&p, &f, 75);
    static const uint16_t suites[] = {0xc0a8};
    uint8_t body[256];
    size_t blen = adv_client_hello_body(body, sizeof(body), suites, 1, NULL, 0, NULL, 0);
    uint8_t msg[512];
    size_t mlen = adv_fragment(msg, sizeof(msg), TERN_HS_CLIENT_HELLO, (uint32_t)blen, 5, 0, body,
                               (uint32_t)blen);
    for (int i = 0; i < 3; i++) {
        uint8_t d[ADV_DGRAM];
        size_t n = adv_forge(&f, 1, TERN_CT_HANDSHAKE, msg, mlen, d, sizeof(d));
        struct got g = {0};
        CHECK_INT(deliver(p.server, d, n, &g), TERN_OK);
        CHECK_INT(tern_conn_state(p.server), TERN_STATE_ESTABLISHED);
        adv_expect_alert(p.server, 1, 100);
        adv_expect_silent(p.server);
    }
    CHECK_INT(pair_send(&p, 1, "on", 2), 0);
    CHECK_INT(p.server_got_len, 2);
    adv_forger_clear(&f);
    pair_free(&p);
}

void adv_renegotiation_hello_request(void);
void adv_renegotiation_hello_request(void)
{
    /* The server's side of it: a HelloRequest to an established client. */
    struct pair p;
    struct adv_forger f;
    adv_established(&p, &f, 76);
    uint8_t msg[32];
    size_t mlen = adv_fragment(msg, sizeof(msg), TERN_HS_HELLO_REQUEST, 0, 3, 0, NULL, 0);
    uint8_t d[ADV_DGRAM];
    size_t n = adv_forge(&f, 0, TERN_CT_HANDSHAKE, msg, mlen, d, sizeof(d));
    struct got g = {0};
    CHECK_INT(deliver(p.client, d, n, &g), TERN_OK);
    CHECK_INT(tern_conn_state(p.client), TERN_STATE_ESTABLISHED);
    adv_expect_alert(p.client, 1, 100);
    CHECK_INT(pair_send(&p, 0, "on", 2), 0);
    CHECK_INT(p.client_got_len, 2);
    adv_forger_clear(&f);
    pair_free(&p);
}
