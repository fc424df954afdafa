/* bench-handshake: tern's DTLS 1.2 engine, client and server configured
 * once per suite and driven through tern_conn_pull / tern_conn_receive
 * with a fixed clock. Cookies are off (tern_config_set_cookie_mode(cfg, TERN_COOKIES_INSECURE_OFF))
 * like the other two; the extended master secret is required by tern's
 * defaults. For the certificate suite the server holds the ECDSA chain and
 * key, and the client trusts the test root and checks the server's name
 * (tern_conn_set_server_name), which tern's defaults make fatal on any
 * problem. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tern/tern.h>

#include "handshake.h"

/* The clock does not matter: no timer expires within one handshake. */
#define NOW_NS     UINT64_C(1000000000)
#define TERN_QUEUE 8

struct tn_state {
    const struct hs_suite *s;
    struct tern_config *ccfg;
    struct tern_config *scfg;
    /* datagrams of one flight, pulled from one side before the other reads them */
    uint8_t q[TERN_QUEUE][HS_DGRAM];
    size_t q_len[TERN_QUEUE];
    /* application data received by the last check */
    uint8_t got[64];
    size_t got_len;
    /* the name the client asks for (certificate suites) */
    const char *host;
    struct hs_srv_clock *srv; /* where the server's time goes (NULL: not timed) */
};

/* Set while a handshake is expected to fail: nothing is printed. */
static int g_quiet;

static int tn_fail(const char *what, int rc)
{
    if (!g_quiet) {
        fprintf(stderr, "bench-handshake: tern: %s: %s\n", what, tern_strerror(rc));
    }
    return 0;
}

/* Brackets a server call (nothing when the server is not timed). */
static uint64_t srv_begin(const struct tn_state *st)
{
    return hs_srv_begin(st->srv);
}

static void srv_end(const struct tn_state *st, uint64_t t0)
{
    hs_srv_end(st->srv, t0);
}

/* The credentials of a certificate suite: the server's chain and key, or
 * the client's trust anchor. */
static int tn_certs(struct tern_config *cfg, enum tern_role role)
{
    return role == TERN_ROLE_SERVER
               ? tern_config_add_certificate_files(cfg, hs_pki.cert, hs_pki.key)
               : tern_config_add_trust_file(cfg, hs_pki.ca);
}

static struct tern_config *tn_cfg(const struct hs_suite *s, enum tern_role role)
{
    static const uint16_t groups[] = {HS_GROUP_ID, 23 /* P-256 */};
    struct tern_config *cfg;
    int rc = tern_config_new(&cfg, role);
    if (rc != TERN_OK) {
        tn_fail("tern_config_new", rc);
        return NULL;
    }
    rc = tern_config_set_suites(cfg, &s->id, 1);
    if (rc == TERN_OK) {
        /* A certificate suite's client adds P-256, the curve of the
         * server's certificate (handshake.h); the server keeps to
         * HS_GROUP_NAME, so that no other can be negotiated. */
        rc = tern_config_set_groups(cfg, groups, s->cert && role == TERN_ROLE_CLIENT ? 2 : 1);
    }
    if (rc == TERN_OK) {
        rc = s->cert ? tn_certs(cfg, role)
                     : tern_config_set_psk(cfg, (const uint8_t *)HS_PSK_IDENTITY,
                                           sizeof(HS_PSK_IDENTITY) - 1, hs_psk_key, HS_PSK_KEY_LEN);
    }
    if (rc == TERN_OK) {
        rc = tern_config_set_mtu(cfg, HS_MTU);
    }
    if (rc == TERN_OK && role == TERN_ROLE_SERVER) {
        rc = tern_config_set_cookie_mode(cfg, TERN_COOKIES_INSECURE_OFF);
    }
    if (rc != TERN_OK) {
        tern_config_free(cfg);
        tn_fail("configuration", rc);
        return NULL;
    }
    return cfg;
}

struct tern_config *hs_tern_config(const struct hs_suite *s, int server)
{
    return tn_cfg(s, server ? TERN_ROLE_SERVER : TERN_ROLE_CLIENT);
}

static void tn_teardown(void *arg)
{
    struct tn_state *st = arg;
    if (st != NULL) {
        tern_config_free(st->ccfg);
        tern_config_free(st->scfg);
        free(st);
    }
}

static void *tn_setup(const struct hs_suite *s)
{
    struct tn_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return NULL;
    }
    st->s = s;
    st->host = HS_HOST;
    st->ccfg = tn_cfg(s, TERN_ROLE_CLIENT);
    st->scfg = tn_cfg(s, TERN_ROLE_SERVER);
    if (st->ccfg == NULL || st->scfg == NULL) {
        tn_teardown(st);
        return NULL;
    }
    return st;
}

static void on_data(void *arg, const uint8_t *data, size_t len)
{
    struct tn_state *st = arg;
    if (st->got_len + len <= sizeof(st->got)) {
        memcpy(st->got + st->got_len, data, len);
        st->got_len += len;
    }
}

/* Pulls every datagram `from` wants to send, then hands them to `to` (to
 * may be NULL: the datagrams are lost). All are pulled first because
 * tern_conn_receive decrypts in place and may queue an answer. The server
 * is the sender when to_client, the receiver otherwise; its calls are
 * timed. Returns the number of datagrams moved, or -1 on an error. */
static int tn_move(struct tn_state *st, struct tern_conn *from, struct tern_conn *to, int to_client)
{
    int n = 0;
    uint64_t t0 = to_client ? srv_begin(st) : 0;
    while (n < TERN_QUEUE) {
        ptrdiff_t len = tern_conn_pull(from, NOW_NS, st->q[n], HS_DGRAM);
        if (len == TERN_ERR_NOTHING_TO_SEND) {
            break;
        }
        if (len < 0) {
            return tn_fail("tern_conn_pull", (int)len) - 1;
        }
        st->q_len[n++] = (size_t)len;
    }
    if (to_client) {
        srv_end(st, t0);
    }
    for (int i = 0; i < n && to != NULL; i++) {
        t0 = to_client ? 0 : srv_begin(st);
        int rc = tern_conn_receive(to, NOW_NS, st->q[i], st->q_len[i], on_data, st);
        if (!to_client) {
            srv_end(st, t0);
        }
        if (rc != TERN_OK) {
            return tn_fail("tern_conn_receive", rc) - 1;
        }
    }
    return n;
}

static void tn_server_free(const struct tn_state *st, struct tern_conn *s)
{
    uint64_t t0 = srv_begin(st);
    tern_conn_free(s);
    srv_end(st, t0);
}

static int tn_pair_new(struct tn_state *st, struct tern_conn **c, struct tern_conn **s)
{
    *c = NULL;
    *s = NULL;
    int rc = tern_conn_new(c, st->ccfg);
    if (rc == TERN_OK) {
        uint64_t t0 = srv_begin(st);
        rc = tern_conn_new(s, st->scfg);
        srv_end(st, t0);
    }
    if (rc == TERN_OK && st->s->cert) {
        rc = tern_conn_set_server_name(*c, st->host);
    }
    if (rc == TERN_OK) {
        rc = tern_conn_start(*c, NOW_NS);
    }
    if (rc != TERN_OK) {
        tern_conn_free(*c);
        tern_conn_free(*s);
        return tn_fail("connection setup", rc);
    }
    return 1;
}

/* Moves flights both ways until neither side has anything to send. */
static int tn_drive(struct tn_state *st, struct tern_conn *c, struct tern_conn *s)
{
    for (int i = 0; i < 8; i++) {
        int a = tn_move(st, c, s, 0);
        int b = a < 0 ? -1 : tn_move(st, s, c, 1);
        if (b < 0) {
            return 0;
        }
        if (a == 0 && b == 0) {
            break;
        }
    }
    return tern_conn_state(c) == TERN_STATE_ESTABLISHED &&
           tern_conn_state(s) == TERN_STATE_ESTABLISHED;
}

static int tn_exchange(struct tn_state *st, struct tern_conn *from, struct tern_conn *to,
                       const char *msg)
{
    size_t len = strlen(msg);
    st->got_len = 0;
    ptrdiff_t n = tern_conn_write(from, msg, len, st->q[0], HS_DGRAM);
    if (n < 0) {
        return tn_fail("tern_conn_write", (int)n);
    }
    int rc = tern_conn_receive(to, NOW_NS, st->q[0], (size_t)n, on_data, st);
    if (rc != TERN_OK || st->got_len != len || memcmp(st->got, msg, len) != 0) {
        fprintf(stderr, "bench-handshake: tern: application data did not cross\n");
        return 0;
    }
    return 1;
}

/* The extended master secret needs no check of its own: without
 * TERN_FLAG_ALLOW_NO_EMS a tern peer refuses a handshake without it, so two
 * established tern connections used it. HS_GROUP_NAME is the only group
 * the server is configured with, and verification is on by default (no
 * flag relaxes it): a client that completed found no problem, which is
 * checked too. */
static int tn_check(const struct tn_state *st, const struct tern_conn *conn)
{
    if (tern_conn_version(conn) != TERN_DTLS_1_2 || tern_conn_suite(conn) != st->s->id) {
        fprintf(stderr, "bench-handshake: tern: wrong version or suite\n");
        return 0;
    }
    if (st->s->cert && tern_conn_verify_errors(conn, NULL, 0) != 0) {
        fprintf(stderr, "bench-handshake: tern: certificate problems accepted\n");
        return 0;
    }
    return 1;
}

/* A client asking for a name the certificate does not carry must fail. */
static int tn_refuses_wrong_host(struct tn_state *st)
{
    struct tern_conn *c;
    struct tern_conn *s;
    st->host = HS_WRONG_HOST;
    int ok = tn_pair_new(st, &c, &s);
    st->host = HS_HOST;
    if (!ok) {
        return 0;
    }
    g_quiet = 1;
    int done = tn_drive(st, c, s);
    g_quiet = 0;
    struct tern_verify_error errs[4];
    size_t n = tern_conn_verify_errors(c, errs, 4);
    int refused = !done && tern_conn_error(c) != TERN_OK && n == 1 &&
                  errs[0].reason == TERN_VERIFY_HOSTNAME_MISMATCH;
    tern_conn_free(c);
    tern_conn_free(s);
    if (!refused) {
        fprintf(stderr, "bench-handshake: tern: the wrong name was not refused as such\n");
        return 0;
    }
    return 1;
}

static int tn_handshake(void *arg, int check, struct hs_srv_clock *srv)
{
    struct tn_state *st = arg;
    struct tern_conn *c;
    struct tern_conn *s;
    st->srv = srv;
    if (!tn_pair_new(st, &c, &s)) {
        st->srv = NULL;
        return 0;
    }
    int ok = tn_drive(st, c, s);
    if (!ok) {
        fprintf(stderr, "bench-handshake: tern: handshake did not complete (%s / %s)\n",
                tern_strerror(tern_conn_error(c)), tern_strerror(tern_conn_error(s)));
    }
    if (ok && check) {
        ok = tn_check(st, c) && tn_check(st, s) && tn_exchange(st, c, s, "ping") &&
             tn_exchange(st, s, c, "pong");
    }
    tern_conn_free(c);
    tn_server_free(st, s);
    st->srv = NULL;
    if (ok && check && st->s->cert) {
        ok = tn_refuses_wrong_host(st);
    }
    return ok;
}

static void *tn_hold(void *arg, enum hs_stage stage)
{
    struct tn_state *st = arg;
    struct tern_conn *c;
    struct tern_conn *s;
    if (!tn_pair_new(st, &c, &s)) {
        return NULL;
    }
    int ok;
    if (stage == HS_MID) {
        /* ClientHello in, the server's first flight out (and lost). */
        ok = tn_move(st, c, s, 0) > 0 && tn_move(st, s, NULL, 1) > 0 &&
             tern_conn_state(s) == TERN_STATE_HANDSHAKING;
    } else {
        ok = tn_drive(st, c, s);
    }
    if (ok && stage == HS_ESTABLISHED) {
        ok = tn_exchange(st, c, s, "ping");
    }
    tern_conn_free(c);
    if (!ok) {
        tern_conn_free(s);
        return NULL;
    }
    return s;
}

static void tn_release(void *arg, void *server)
{
    (void)arg;
    tern_conn_free(server);
}

/* An established pair for the record benchmark, and where a record
 * travels between them. */
struct tn_pair {
    struct tn_state *st;
    struct tern_conn *c;
    struct tern_conn *s;
    const uint8_t *expect; /* the bytes a checked record must carry */
    size_t got;            /* bytes received by the last record */
    int same;              /* and whether they were expect's */
    uint8_t dgram[HS_DGRAM];
};

static void tn_pair_close(void *arg)
{
    struct tn_pair *p = arg;
    if (p != NULL) {
        tern_conn_free(p->c);
        tern_conn_free(p->s);
        free(p);
    }
}

static void *tn_pair_open(void *arg)
{
    struct tn_pair *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return NULL;
    }
    p->st = arg;
    if (!tn_pair_new(p->st, &p->c, &p->s)) {
        free(p);
        return NULL;
    }
    if (!tn_drive(p->st, p->c, p->s) || tern_conn_set_mtu(p->c, HS_TPUT_MTU) != TERN_OK ||
        tern_conn_set_mtu(p->s, HS_TPUT_MTU) != TERN_OK) {
        fprintf(stderr, "bench-throughput: tern: pair setup failed\n");
        tn_pair_close(p);
        return NULL;
    }
    return p;
}

/* Counts what arrives; compares it when a check is asked for. */
static void on_record(void *arg, const uint8_t *data, size_t len)
{
    struct tn_pair *p = arg;
    p->got += len;
    p->same = p->expect == NULL || memcmp(data, p->expect, len) == 0;
}

static int tn_pair_send(void *arg, const uint8_t *data, size_t len, int check)
{
    struct tn_pair *p = arg;
    ptrdiff_t n = tern_conn_write(p->c, data, len, p->dgram, sizeof(p->dgram));
    if (n < 0) {
        return tn_fail("tern_conn_write", (int)n);
    }
    p->got = 0;
    p->expect = check ? data : NULL;
    int rc = tern_conn_receive(p->s, NOW_NS, p->dgram, (size_t)n, on_record, p);
    if (rc != TERN_OK) {
        return tn_fail("tern_conn_receive", rc);
    }
    return p->got == len && p->same;
}

const struct hs_impl hs_tern_impl = {
    "tern",     tn_setup,     tn_teardown,  tn_handshake,  tn_hold,
    tn_release, tn_pair_open, tn_pair_send, tn_pair_close,
};
