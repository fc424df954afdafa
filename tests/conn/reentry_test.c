/* Calls into a connection from its own callbacks (conn.h): abort, shutdown
 * and free are carried out when the call that ran the callback returns, so
 * nothing is freed under the handshake's feet (before, tern_conn_abort()
 * or tern_conn_shutdown() from the certificate decision freed the
 * handshake while the dispatcher was still in it: a use after free that
 * ASan reported); the calls that would run the engine again are refused
 * with TERN_ERR_REENTRANT; getters and tern_conn_write() work. */
#include <stdlib.h>
#include <string.h>

#include <tern/tern.h>

#include "pair.h"
#include "test.h"

static const uint8_t g_id[] = "reentry";
static const uint8_t g_key[16] = {0x4e, 0x7e, 0x12};

enum action { DO_NOTHING, DO_ABORT, DO_SHUTDOWN, DO_FREE, DO_REENTER };

struct probe {
    enum action action;
    unsigned calls;
    int reentered; /* every refused call gave TERN_ERR_REENTRANT */
    int chain_seen;
    struct tern_conn *conn; /* for callbacks that are not given it */
};

static void act(struct probe *pr, struct tern_conn *c)
{
    pr->calls++;
    uint8_t buf[2048];
    switch (pr->action) {
    case DO_ABORT:
        tern_conn_abort(c);
        break;
    case DO_SHUTDOWN:
        CHECK_INT(tern_conn_shutdown(c), TERN_OK);
        break;
    case DO_FREE:
        tern_conn_free(c);
        break;
    case DO_REENTER:
        pr->reentered = tern_conn_receive(c, 0, buf, 0, NULL, NULL) == TERN_ERR_REENTRANT &&
                        tern_conn_pull(c, 0, buf, sizeof(buf)) == TERN_ERR_REENTRANT &&
                        tern_conn_timeout(c, 0) == TERN_ERR_REENTRANT &&
                        tern_conn_resume(c, 0) == TERN_ERR_REENTRANT &&
                        tern_conn_start(c, 0) == TERN_ERR_REENTRANT;
        break;
    default:
        break;
    }
}

static int on_verify(void *arg, struct tern_conn *conn, const struct tern_verify_error *errs,
                     size_t n)
{
    (void)errs;
    (void)n;
    struct probe *pr = arg;
    size_t len = 0;
    pr->chain_seen = tern_conn_peer_certificate(conn, 0, &len) != NULL && len > 0;
    act(pr, conn);
    return 1; /* accept: only the action decides the outcome */
}

/* A client that verifies a server certificate with a problem (issued for
 * another name), so that the decision callback runs; cookies off, so the
 * pair's server exists from the start. */
static void verify_pair(struct pair *p, struct probe *pr)
{
    struct tern_config *cc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_trust_file(cc, test_pki_path("ca.pem")), TERN_OK);
    CHECK_INT(tern_config_set_verify_callback(cc, on_verify, pr), TERN_OK);
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_add_certificate_files(sc, test_pki_path("wronghost.pem"),
                                                test_pki_path("wronghost.key")),
              TERN_OK);
    CHECK_INT(tern_config_set_cookie_mode(sc, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    CHECK_INT(pair_init_named(p, cc, sc, 31, "localhost"), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
}

/* Delivers the server's flight to the client, which runs its decision. */
static int server_flight_to_client(struct pair *p)
{
    pair_flush(p, p->client, &p->to_server);
    pair_deliver(p, &p->to_server, p->server, 0);
    pair_flush(p, p->server, &p->to_client);
    int rc = TERN_OK;
    for (size_t i = 0; i < p->to_client.n; i++) {
        int r = tern_conn_receive(p->client, p->now, p->to_client.q[i].data, p->to_client.q[i].len,
                                  NULL, NULL);
        rc = r != TERN_OK ? r : rc;
        if (r != TERN_OK) {
            break;
        }
    }
    p->to_client.n = 0;
    return rc;
}

static void verify_callback_aborts(void)
{
    static struct pair p;
    struct probe pr = {DO_ABORT, 0, 0, 0, NULL};
    verify_pair(&p, &pr);
    CHECK_INT(server_flight_to_client(&p), TERN_ERR_ABORTED);
    CHECK_INT(pr.calls, 1);
    CHECK(pr.chain_seen);
    CHECK_INT(tern_conn_state(p.client), TERN_STATE_FAILED);
    CHECK_INT(tern_conn_error(p.client), TERN_ERR_ABORTED);
    /* user_canceled, fatal, and nothing else. */
    uint8_t out[256];
    ptrdiff_t n = tern_conn_pull(p.client, 0, out, sizeof(out));
    CHECK_INT(n, 15);
    CHECK_INT(tern_conn_alert_sent(p.client), 90);
    CHECK_INT(tern_conn_pull(p.client, 0, out, sizeof(out)), TERN_ERR_NOTHING_TO_SEND);
    pair_free(&p);
}

static void verify_callback_shuts_down(void)
{
    static struct pair p;
    struct probe pr = {DO_SHUTDOWN, 0, 0, 0, NULL};
    verify_pair(&p, &pr);
    CHECK_INT(server_flight_to_client(&p), TERN_OK);
    CHECK_INT(pr.calls, 1);
    CHECK_INT(tern_conn_state(p.client), TERN_STATE_CLOSED);
    CHECK_INT(tern_conn_suite(p.client), 0); /* never completed */
    uint8_t out[256];
    CHECK(tern_conn_pull(p.client, 0, out, sizeof(out)) > 0); /* close_notify */
    CHECK_INT(tern_conn_alert_sent(p.client), 0);
    CHECK_INT(tern_conn_pull(p.client, 0, out, sizeof(out)), TERN_ERR_NOTHING_TO_SEND);
    pair_free(&p);
}

static void verify_callback_frees(void)
{
    static struct pair p;
    struct probe pr = {DO_FREE, 0, 0, 0, NULL};
    verify_pair(&p, &pr);
    server_flight_to_client(&p); /* the client is gone once this returns */
    CHECK_INT(pr.calls, 1);
    p.client = NULL;
    pair_free(&p);
}

static void verify_callback_reenters(void)
{
    static struct pair p;
    struct probe pr = {DO_REENTER, 0, 0, 0, NULL};
    verify_pair(&p, &pr);
    CHECK_INT(server_flight_to_client(&p), TERN_OK);
    CHECK(pr.reentered);
    CHECK(pair_handshake(&p, 200)); /* accepted by the callback */
    pair_free(&p);
}

static int on_server_psk(void *arg, const uint8_t *identity, size_t identity_len, uint8_t *key,
                         size_t *key_len)
{
    (void)identity;
    (void)identity_len;
    struct probe *pr = arg;
    act(pr, pr->conn);
    memcpy(key, g_key, sizeof(g_key));
    *key_len = sizeof(g_key);
    return 0;
}

static void psk_callback_aborts(void)
{
    static struct pair p;
    struct probe pr = {DO_ABORT, 0, 0, 0, NULL};
    struct tern_config *cc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_set_psk(cc, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_set_psk_server_callback(sc, on_server_psk, &pr), TERN_OK);
    CHECK_INT(tern_config_set_cookie_mode(sc, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    CHECK_INT(pair_init(&p, cc, sc, 32), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    pr.conn = p.server;
    CHECK_INT(pair_handshake(&p, 200), 0);
    CHECK_INT(pr.calls, 1);
    CHECK_INT(tern_conn_error(p.server), TERN_ERR_ABORTED);
    CHECK_INT(tern_conn_alert_received(p.client), 90);
    pair_free(&p);
}

static void on_data(void *arg, const uint8_t *data, size_t len)
{
    struct probe *pr = arg;
    if (pr->action == DO_REENTER) {
        /* The echo pattern: writing from the data callback works. */
        uint8_t out[256];
        pr->reentered = tern_conn_write(pr->conn, data, len, out, sizeof(out)) > 0;
        pr->calls++;
        return;
    }
    act(pr, pr->conn);
}

/* An established pair; the server receives two records in one datagram,
 * and its data callback acts on the first. */
static void data_callback(enum action action)
{
    static struct pair p;
    struct tern_config *cc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_set_psk(cc, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_set_psk(sc, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    CHECK_INT(pair_init(&p, cc, sc, 33), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    CHECK(pair_handshake(&p, 200));
    struct probe pr = {action, 0, 0, 0, p.server};
    uint8_t d[512];
    ptrdiff_t a = tern_conn_write(p.client, "one", 3, d, sizeof(d));
    ptrdiff_t b = tern_conn_write(p.client, "two", 3, d + a, sizeof(d) - (size_t)a);
    CHECK(a > 0 && b > 0);
    int rc = tern_conn_receive(p.server, p.now, d, (size_t)(a + b), on_data, &pr);
    switch (action) {
    case DO_ABORT:
        CHECK_INT(rc, TERN_ERR_ABORTED);
        CHECK_INT(pr.calls, 1); /* the second record was not handed out */
        CHECK_INT(tern_conn_state(p.server), TERN_STATE_FAILED);
        break;
    case DO_SHUTDOWN:
        CHECK_INT(rc, TERN_OK);
        CHECK_INT(pr.calls, 1);
        CHECK_INT(tern_conn_state(p.server), TERN_STATE_CLOSED);
        break;
    case DO_FREE:
        CHECK_INT(pr.calls, 1);
        p.server = NULL; /* freed when receive returned */
        break;
    default:
        CHECK_INT(rc, TERN_OK);
        CHECK_INT(pr.calls, 2);
        CHECK(pr.reentered);
        break;
    }
    pair_free(&p);
}

static void data_callback_aborts(void)
{
    data_callback(DO_ABORT);
}

static void data_callback_shuts_down(void)
{
    data_callback(DO_SHUTDOWN);
}

static void data_callback_frees(void)
{
    data_callback(DO_FREE);
}

static void data_callback_writes(void)
{
    data_callback(DO_REENTER);
}

TEST_MAIN(T(verify_callback_aborts), T(verify_callback_shuts_down), T(verify_callback_frees),
          T(verify_callback_reenters), T(psk_callback_aborts), T(data_callback_aborts),
          T(data_callback_shuts_down), T(data_callback_frees), T(data_callback_writes))
