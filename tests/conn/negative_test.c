/* What a connection does with input that breaks the protocol: each case
 * states the expected outcome (which error, which alert, or a silent
 * drop) and checks it. */
#include <string.h>

#include <tern/tern.h>

#include "handshake/ext.h"
#include "handshake/header.h"
#include "pair.h"
#include "record/header12.h"
#include "test.h"
#include "util/writer.h"

static const uint8_t g_id[] = "neg";
static const uint8_t g_key[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1};

static struct tern_config *make_cfg(enum tern_role role, uint32_t flags)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, role), TERN_OK);
    CHECK_INT(tern_config_set_psk(cfg, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    CHECK_INT(tern_config_set_flags(cfg, flags), TERN_OK);
    if (role == TERN_ROLE_SERVER) {
        CHECK_INT(tern_config_set_cookie_mode(cfg, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    }
    return cfg;
}

static struct tern_conn *make_conn(enum tern_role role, uint32_t flags)
{
    struct tern_config *cfg = make_cfg(role, flags);
    struct tern_conn *c = NULL;
    CHECK_INT(tern_conn_new(&c, cfg), TERN_OK);
    tern_config_free(cfg);
    if (role == TERN_ROLE_CLIENT) {
        CHECK_INT(tern_conn_start(c, 0), TERN_OK);
        uint8_t sink[2048];
        while (tern_conn_pull(c, 0, sink, sizeof(sink)) > 0) {
        }
    }
    return c;
}

/* Wraps one handshake message (whole, or a fragment) in an epoch-0 record. */
static size_t record(uint8_t *out, size_t cap, uint8_t type, uint16_t seq, uint32_t length,
                     uint32_t off, const uint8_t *frag, uint32_t frag_len)
{
    struct tern_writer w;
    tern_w_init(&w, out, cap);
    struct tern_rec12_header rh = {TERN_CT_HANDSHAKE, TERN_DTLS12_VERSION, 0, seq,
                                   (uint16_t)(TERN_HS_HEADER_LEN + frag_len)};
    struct tern_hs_header hh = {type, length, seq, off, frag_len};
    tern_rec12_header_write(&w, &rh);
    tern_hs_header_write(&w, &hh);
    tern_w_bytes(&w, frag, frag_len);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    return w.len;
}

/* A ClientHello offering TLS_PSK_WITH_AES_128_CCM_8, with or without
 * extended_master_secret. */
static size_t client_hello(uint8_t *out, size_t cap, int with_ems)
{
    uint8_t body[128];
    struct tern_writer w;
    tern_w_init(&w, body, sizeof(body));
    tern_w_u16(&w, TERN_DTLS12_VERSION);
    uint8_t random[32] = {1, 2, 3};
    tern_w_bytes(&w, random, sizeof(random));
    tern_w_u8(&w, 0);
    tern_w_u8(&w, 0);
    tern_w_u16(&w, 2);
    tern_w_u16(&w, 0xc0a8);
    tern_w_u8(&w, 1);
    tern_w_u8(&w, 0);
    struct tern_w_mark m = tern_w_open16(&w);
    if (with_ems) {
        tern_w_u16(&w, TERN_EXT_EXTENDED_MASTER_SECRET);
        tern_w_u16(&w, 0);
    }
    tern_w_close(&w, m);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    return record(out, cap, TERN_HS_CLIENT_HELLO, 0, (uint32_t)w.len, 0, body, (uint32_t)w.len);
}

/* Pulls the final alert a failed connection queued: level 2, desc. */
static void expect_alert(struct tern_conn *c, uint8_t desc)
{
    uint8_t out[128];
    ptrdiff_t n = tern_conn_pull(c, 0, out, sizeof(out));
    CHECK_INT(n, TERN_REC12_HEADER_LEN + 2);
    if (n == TERN_REC12_HEADER_LEN + 2) {
        CHECK_INT(out[0], TERN_CT_ALERT);
        CHECK_INT(out[13], 2);
        CHECK_INT(out[14], desc);
    }
    CHECK_INT(tern_conn_alert_sent(c), desc);
}

/* RFC 7627 section 5.3: a server that requires the extended master secret
 * aborts with handshake_failure when the client does not offer it. */
static void server_requires_ems(void)
{
    struct tern_conn *s = make_conn(TERN_ROLE_SERVER, 0);
    uint8_t d[256];
    size_t n = client_hello(d, sizeof(d), 0);
    CHECK_INT(tern_conn_receive(s, 0, d, n, NULL, NULL), TERN_ERR_NO_EXTENDED_MASTER_SECRET);
    CHECK_INT(tern_conn_state(s), TERN_STATE_FAILED);
    expect_alert(s, 40);
    /* Sticky: every later call reports the same error. */
    n = client_hello(d, sizeof(d), 1);
    CHECK_INT(tern_conn_receive(s, 0, d, n, NULL, NULL), TERN_ERR_NO_EXTENDED_MASTER_SECRET);
    CHECK_INT(tern_conn_write(s, "x", 1, d, sizeof(d)), TERN_ERR_NO_EXTENDED_MASTER_SECRET);
    tern_conn_free(s);

    /* Allowed by name, the same ClientHello is answered. */
    s = make_conn(TERN_ROLE_SERVER, TERN_FLAG_ALLOW_NO_EMS);
    n = client_hello(d, sizeof(d), 0);
    CHECK_INT(tern_conn_receive(s, 0, d, n, NULL, NULL), TERN_OK);
    uint8_t big[2048];
    CHECK(tern_conn_pull(s, 0, big, sizeof(big)) > 0);
    tern_conn_free(s);
}

/* The client side of the same rule: a ServerHello without the extension. */
static void client_requires_ems(void)
{
    struct tern_conn *c = make_conn(TERN_ROLE_CLIENT, 0);
    uint8_t body[64];
    struct tern_writer w;
    tern_w_init(&w, body, sizeof(body));
    tern_w_u16(&w, TERN_DTLS12_VERSION);
    uint8_t random[32] = {7};
    tern_w_bytes(&w, random, sizeof(random));
    tern_w_u8(&w, 0);
    tern_w_u16(&w, 0xc0a8);
    tern_w_u8(&w, 0);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    uint8_t d[256];
    size_t n =
        record(d, sizeof(d), TERN_HS_SERVER_HELLO, 0, (uint32_t)w.len, 0, body, (uint32_t)w.len);
    CHECK_INT(tern_conn_receive(c, 0, d, n, NULL, NULL), TERN_ERR_NO_EXTENDED_MASTER_SECRET);
    expect_alert(c, 40);
    tern_conn_free(c);
}

/* A server's first message must be a ClientHello; a client's first answer
 * must be a ServerHello or HelloVerifyRequest. Anything else in epoch 0 is
 * unauthenticated, so it is dropped and counted, never fatal (RFC 6347
 * section 4.1.2.7): the real message still gets through. */
static void messages_out_of_order(void)
{
    static const uint8_t empty[1] = {0};
    uint8_t d[256];
    struct tern_conn *s = make_conn(TERN_ROLE_SERVER, 0);
    size_t n = record(d, sizeof(d), TERN_HS_CLIENT_KEY_EXCHANGE, 0, 0, 0, empty, 0);
    CHECK_INT(tern_conn_receive(s, 0, d, n, NULL, NULL), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_UNEXPECTED), 1);
    CHECK_INT(tern_conn_pull(s, 0, d, sizeof(d)), TERN_ERR_NOTHING_TO_SEND);
    n = client_hello(d, sizeof(d), 1);
    CHECK_INT(tern_conn_receive(s, 0, d, n, NULL, NULL), TERN_OK);
    uint8_t big[2048];
    CHECK(tern_conn_pull(s, 0, big, sizeof(big)) > 0);
    tern_conn_free(s);

    struct tern_conn *c = make_conn(TERN_ROLE_CLIENT, 0);
    n = record(d, sizeof(d), TERN_HS_SERVER_HELLO_DONE, 0, 0, 0, empty, 0);
    CHECK_INT(tern_conn_receive(c, 0, d, n, NULL, NULL), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(c, TERN_DROP_UNEXPECTED), 1);
    CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);

    /* A ChangeCipherSpec before any key exchange. */
    uint8_t ccs[] = {TERN_CT_CHANGE_CIPHER_SPEC, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 5, 0, 1, 1};
    CHECK_INT(tern_conn_receive(c, 0, ccs, sizeof(ccs), NULL, NULL), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(c, TERN_DROP_UNEXPECTED), 2);
    CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
    tern_conn_free(c);
}

/* A fragment whose offset and length run past the message: dropped as
 * malformed with the rest of its record, and the handshake goes on. */
static void fragment_overruns_message(void)
{
    struct tern_conn *s = make_conn(TERN_ROLE_SERVER, 0);
    uint8_t frag[16] = {0};
    uint8_t d[256];
    size_t n = record(d, sizeof(d), TERN_HS_CLIENT_HELLO, 0, 20, 10, frag, sizeof(frag));
    CHECK_INT(tern_conn_receive(s, 0, d, n, NULL, NULL), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_MALFORMED), 1);
    CHECK_INT(tern_conn_pull(s, 0, d, sizeof(d)), TERN_ERR_NOTHING_TO_SEND);
    n = client_hello(d, sizeof(d), 1);
    CHECK_INT(tern_conn_receive(s, 0, d, n, NULL, NULL), TERN_OK);
    uint8_t big[2048];
    CHECK(tern_conn_pull(s, 0, big, sizeof(big)) > 0);
    tern_conn_free(s);
}

/* Two fragments of one message that disagree on its length: the partial
 * message is discarded and rebuilt from the newer fragment, counted as a
 * conflict, and the real ClientHello still completes. */
static void inconsistent_fragments(void)
{
    struct tern_conn *s = make_conn(TERN_ROLE_SERVER, 0);
    uint8_t frag[8] = {0xfe, 0xfd};
    uint8_t d[256];
    size_t n = record(d, sizeof(d), TERN_HS_CLIENT_HELLO, 0, 60, 0, frag, sizeof(frag));
    CHECK_INT(tern_conn_receive(s, 0, d, n, NULL, NULL), TERN_OK);
    n = record(d, sizeof(d), TERN_HS_CLIENT_HELLO, 0, 61, 8, frag, sizeof(frag));
    CHECK_INT(tern_conn_receive(s, 0, d, n, NULL, NULL), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_CONFLICT), 1);
    CHECK_INT(tern_conn_state(s), TERN_STATE_HANDSHAKING);
    n = client_hello(d, sizeof(d), 1);
    CHECK_INT(tern_conn_receive(s, 0, d, n, NULL, NULL), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_CONFLICT), 2);
    uint8_t big[2048];
    CHECK(tern_conn_pull(s, 0, big, sizeof(big)) > 0);
    tern_conn_free(s);
}

/* Records of an epoch not yet reached are never processed: an epoch two
 * ahead is dropped, the next epoch is held and then fails authentication;
 * the connection is unharmed either way. */
static void future_epochs_dropped(void)
{
    struct tern_conn *s = make_conn(TERN_ROLE_SERVER, 0);
    uint8_t d[256];
    size_t n = client_hello(d, sizeof(d), 1);
    CHECK_INT(tern_conn_receive(s, 0, d, n, NULL, NULL), TERN_OK);
    uint8_t rec[] = {TERN_CT_HANDSHAKE, 0xfe, 0xfd, 0, 2, 0, 0, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4};
    uint64_t before = tern_conn_dropped(s);
    CHECK_INT(tern_conn_receive(s, 0, rec, sizeof(rec), NULL, NULL), TERN_OK);
    CHECK(tern_conn_dropped(s) == before + 1);
    CHECK_INT(tern_conn_state(s), TERN_STATE_HANDSHAKING);
    /* Application data of any epoch before the handshake ends is dropped. */
    rec[0] = TERN_CT_APPLICATION_DATA;
    rec[4] = 1;
    CHECK_INT(tern_conn_receive(s, 0, rec, sizeof(rec), NULL, NULL), TERN_OK);
    CHECK_INT(tern_conn_state(s), TERN_STATE_HANDSHAKING);
    tern_conn_free(s);
}

/* An alert from the peer ends the handshake; a close_notify closes. */
static void peer_alerts(void)
{
    struct tern_conn *c = make_conn(TERN_ROLE_CLIENT, 0);
    uint8_t fatal[] = {TERN_CT_ALERT, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 40};
    CHECK_INT(tern_conn_receive(c, 0, fatal, sizeof(fatal), NULL, NULL), TERN_ERR_PEER_ALERT);
    CHECK_INT(tern_conn_alert_received(c), 40);
    CHECK_INT(tern_conn_state(c), TERN_STATE_FAILED);
    uint8_t out[64];
    CHECK_INT(tern_conn_pull(c, 0, out, sizeof(out)), TERN_ERR_NOTHING_TO_SEND); /* no alert back */
    tern_conn_free(c);
    /* A warning that is not close_notify changes nothing. */
    c = make_conn(TERN_ROLE_CLIENT, 0);
    uint8_t warning[] = {TERN_CT_ALERT, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 1, 100};
    CHECK_INT(tern_conn_receive(c, 0, warning, sizeof(warning), NULL, NULL), TERN_OK);
    CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
    /* A malformed alert is dropped. */
    uint8_t bad[] = {TERN_CT_ALERT, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 2, 0, 3, 2, 40, 0};
    CHECK_INT(tern_conn_receive(c, 0, bad, sizeof(bad), NULL, NULL), TERN_OK);
    CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
    tern_conn_free(c);
}

/* Wrong PSK on one side: the handshake fails on both, each with a reason,
 * within the retransmission limit. */
static void wrong_psk_fails_cleanly(void)
{
    struct tern_config *cc = make_cfg(TERN_ROLE_CLIENT, 0);
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    static const uint8_t other[16] = {1};
    CHECK_INT(tern_config_set_psk(sc, g_id, sizeof(g_id) - 1, other, sizeof(other)), TERN_OK);
    CHECK_INT(tern_config_set_timers(cc, 100, 400, 3), TERN_OK);
    CHECK_INT(tern_config_set_timers(sc, 100, 400, 3), TERN_OK);
    struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 3), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    CHECK_INT(pair_handshake(&p, 1000), 0);
    /* The server cannot authenticate the client's Finished; when its
     * retransmissions run out it says so with decrypt_error. */
    CHECK_INT(tern_conn_state(p.client), TERN_STATE_FAILED);
    CHECK_INT(tern_conn_error(p.client), TERN_ERR_PEER_ALERT);
    CHECK_INT(tern_conn_alert_received(p.client), 51);
    CHECK_INT(tern_conn_state(p.server), TERN_STATE_FAILED);
    CHECK_INT(tern_conn_error(p.server), TERN_ERR_BAD_FINISHED);
    /* No retransmission storm: each side sent at most one flight per timer
     * expiry, not one per datagram received. */
    CHECK(p.datagrams < 40);
    pair_free(&p);
}

/* A handshake whose client holds identity (and g_key, or another key);
 * the client's error and alert, and the datagrams sent, are returned. */
static void psk_mismatch(const char *identity, const uint8_t *key, int *client_err,
                         int *client_alert, int *server_err, unsigned long *datagrams)
{
    struct tern_config *cc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_set_psk(cc, (const uint8_t *)identity, strlen(identity), key, 16),
              TERN_OK);
    CHECK_INT(tern_config_set_timers(cc, 100, 400, 3), TERN_OK);
    struct tern_config *sc = make_cfg(TERN_ROLE_SERVER, 0);
    CHECK_INT(tern_config_set_timers(sc, 100, 400, 3), TERN_OK);
    struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 4), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    CHECK_INT(pair_handshake(&p, 1000), 0);
    *client_err = tern_conn_error(p.client);
    *client_alert = tern_conn_alert_received(p.client);
    *server_err = tern_conn_error(p.server);
    *datagrams = p.datagrams;
    pair_free(&p);
}

/* An unknown PSK identity is not revealed (RFC 4279 section 2 allows it):
 * the server goes on with a random key, so the client sees exactly what a
 * known identity with the wrong key sees (decrypt_error at the end, the
 * same datagrams); the server's own error says which it was. */
static void unknown_identity(void)
{
    static const uint8_t other[16] = {1};
    int ce_unknown, ca_unknown, se_unknown, ce_wrong, ca_wrong, se_wrong;
    unsigned long d_unknown, d_wrong;
    psk_mismatch("stranger", g_key, &ce_unknown, &ca_unknown, &se_unknown, &d_unknown);
    psk_mismatch("neg", other, &ce_wrong, &ca_wrong, &se_wrong, &d_wrong);
    CHECK_INT(ce_unknown, TERN_ERR_PEER_ALERT);
    CHECK_INT(ca_unknown, 51);
    CHECK_INT(ce_wrong, ce_unknown);
    CHECK_INT(ca_wrong, ca_unknown);
    CHECK(d_unknown == d_wrong);
    CHECK_INT(se_unknown, TERN_ERR_UNKNOWN_PSK_IDENTITY);
    CHECK_INT(se_wrong, TERN_ERR_BAD_FINISHED);
}

/* close_notify: the closing side sends it and stops; the other side sees
 * the connection closed; nothing is written after. */
static void close_notify_then_data(void)
{
    struct tern_config *cc = make_cfg(TERN_ROLE_CLIENT, 0);
    struct tern_config *sc = make_cfg(TERN_ROLE_SERVER, 0);
    struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 5), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    CHECK(pair_handshake(&p, 100));
    CHECK_INT(tern_conn_shutdown(p.client), TERN_OK);
    CHECK_INT(tern_conn_state(p.client), TERN_STATE_CLOSED);
    pair_flush(&p, p.client, &p.to_server);
    CHECK_INT(p.to_server.n, 1);
    pair_deliver(&p, &p.to_server, p.server, 0);
    CHECK_INT(tern_conn_state(p.server), TERN_STATE_CLOSED);
    CHECK_INT(tern_conn_alert_received(p.server), 0);
    uint8_t out[128];
    CHECK_INT(tern_conn_write(p.client, "late", 4, out, sizeof(out)), TERN_ERR_CLOSED);
    CHECK_INT(tern_conn_write(p.server, "late", 4, out, sizeof(out)), TERN_ERR_CLOSED);
    pair_free(&p);
}

TEST_MAIN(T(server_requires_ems), T(client_requires_ems), T(messages_out_of_order),
          T(fragment_overruns_message), T(inconsistent_fragments), T(future_epochs_dropped),
          T(peer_alerts), T(wrong_psk_fails_cleanly), T(unknown_identity),
          T(close_notify_then_data))
