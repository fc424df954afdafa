/* bench-handshake: GnuTLS's DTLS 1.2 as the second reference peer.
 *
 * Client and server are non-blocking datagram sessions whose push and pull
 * functions move whole datagrams through two in-memory queues. Same
 * conditions as tern: no cookie exchange (no gnutls_dtls_cookie_* calls),
 * no tickets (GNUTLS_NO_TICKETS) and no session database (so no
 * resumption), the MTU fixed so nothing is fragmented, extended master
 * secret (on by default in GnuTLS; checked). The priority string and the
 * credentials are prepared once per suite, as a server would. For the
 * certificate suite the server's credentials hold the ECDSA chain and key,
 * and the client trusts the test root and verifies the chain and the
 * server's name during the handshake (gnutls_session_set_verify_cert),
 * fatal on failure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/dtls.h>
#include <gnutls/gnutls.h>

#include "handshake.h"

#define QUEUE_LEN 8

/* One direction of the link: a FIFO of datagrams. */
struct dgram_queue {
    uint8_t data[QUEUE_LEN][HS_DGRAM];
    size_t len[QUEUE_LEN];
    size_t head;
    size_t n;
};

/* What one session's transport pointer sees. */
struct end {
    gnutls_session_t session;
    struct dgram_queue *in;
    struct dgram_queue *out;
};

struct gt_link {
    struct dgram_queue c2s;
    struct dgram_queue s2c;
    struct end c;
    struct end s;
};

struct gt_state {
    const struct hs_suite *s;
    gnutls_priority_t prio;
    gnutls_psk_client_credentials_t ccred;
    gnutls_psk_server_credentials_t scred;
    gnutls_certificate_credentials_t ccert; /* certificate suites */
    gnutls_certificate_credentials_t scert;
    const char *host;         /* the name the client asks for (certificate suites) */
    struct hs_srv_clock *srv; /* where the server's time goes (NULL: not timed) */
    /* The link of the pair being driven (one at a time). */
    struct gt_link link;
};

/* Set while a handshake is expected to fail: nothing is printed. */
static int g_quiet;

static int gt_fail(const char *what, int rc)
{
    if (!g_quiet) {
        fprintf(stderr, "bench-handshake: GnuTLS: %s: %s\n", what, gnutls_strerror(rc));
    }
    return 0;
}

/* Brackets a server call (nothing when the server is not timed). */
static uint64_t srv_begin(const struct gt_state *st)
{
    return hs_srv_begin(st->srv);
}

static void srv_end(const struct gt_state *st, uint64_t t0)
{
    hs_srv_end(st->srv, t0);
}

static ssize_t push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
    struct end *e = ptr;
    struct dgram_queue *q = e->out;
    if (q->n == QUEUE_LEN || len > HS_DGRAM) {
        /* A full queue is a lost datagram, as on a real link. */
        return (ssize_t)len;
    }
    size_t slot = (q->head + q->n) % QUEUE_LEN;
    memcpy(q->data[slot], data, len);
    q->len[slot] = len;
    q->n++;
    return (ssize_t)len;
}

static ssize_t pull(gnutls_transport_ptr_t ptr, void *buf, size_t cap)
{
    struct end *e = ptr;
    struct dgram_queue *q = e->in;
    if (q->n == 0) {
        gnutls_transport_set_errno(e->session, EAGAIN);
        return -1;
    }
    size_t len = q->len[q->head];
    /* A datagram larger than the buffer is truncated, as recv() would. */
    len = len < cap ? len : cap;
    memcpy(buf, q->data[q->head], len);
    q->head = (q->head + 1) % QUEUE_LEN;
    q->n--;
    return (ssize_t)len;
}

/* DTLS sessions ask whether a datagram is waiting before they pull; never
 * waiting is what makes the handshake return GNUTLS_E_AGAIN. */
static int pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
    (void)ms;
    const struct end *e = ptr;
    return e->in->n > 0 ? 1 : 0;
}

static int psk_server_cb(gnutls_session_t session, const char *username, gnutls_datum_t *key)
{
    (void)session;
    if (strcmp(username, HS_PSK_IDENTITY) != 0) {
        return -1;
    }
    key->data = gnutls_malloc(HS_PSK_KEY_LEN);
    if (key->data == NULL) {
        return -1;
    }
    memcpy(key->data, hs_psk_key, HS_PSK_KEY_LEN);
    key->size = HS_PSK_KEY_LEN;
    return 0;
}

static void gt_teardown(void *arg)
{
    struct gt_state *st = arg;
    if (st == NULL) {
        return;
    }
    if (st->prio != NULL) {
        gnutls_priority_deinit(st->prio);
    }
    if (st->ccred != NULL) {
        gnutls_psk_free_client_credentials(st->ccred);
    }
    if (st->scred != NULL) {
        gnutls_psk_free_server_credentials(st->scred);
    }
    if (st->ccert != NULL) {
        gnutls_certificate_free_credentials(st->ccert);
    }
    if (st->scert != NULL) {
        gnutls_certificate_free_credentials(st->scert);
    }
    free(st);
}

/* The credentials of a certificate suite: the server's chain and key, and
 * the client's trust anchor. */
static int gt_certs(struct gt_state *st)
{
    int rc = gnutls_certificate_allocate_credentials(&st->scert);
    if (rc == GNUTLS_E_SUCCESS) {
        rc = gnutls_certificate_set_x509_key_file(st->scert, hs_pki.cert, hs_pki.key,
                                                  GNUTLS_X509_FMT_PEM);
    }
    if (rc == GNUTLS_E_SUCCESS) {
        rc = gnutls_certificate_allocate_credentials(&st->ccert);
    }
    if (rc == GNUTLS_E_SUCCESS) {
        /* The number of anchors loaded: exactly the test root. */
        rc = gnutls_certificate_set_x509_trust_file(st->ccert, hs_pki.ca, GNUTLS_X509_FMT_PEM);
        rc = rc == 1 ? GNUTLS_E_SUCCESS : rc < 0 ? rc : GNUTLS_E_CERTIFICATE_ERROR;
    }
    return rc;
}

/* The credentials of a PSK suite. */
static int gt_psk(struct gt_state *st)
{
    const gnutls_datum_t key = {(unsigned char *)hs_psk_key, HS_PSK_KEY_LEN};
    int rc = gnutls_psk_allocate_client_credentials(&st->ccred);
    if (rc == GNUTLS_E_SUCCESS) {
        rc =
            gnutls_psk_set_client_credentials(st->ccred, HS_PSK_IDENTITY, &key, GNUTLS_PSK_KEY_RAW);
    }
    if (rc == GNUTLS_E_SUCCESS) {
        rc = gnutls_psk_allocate_server_credentials(&st->scred);
    }
    if (rc == GNUTLS_E_SUCCESS) {
        gnutls_psk_set_server_credentials_function(st->scred, psk_server_cb);
    }
    return rc;
}

static void *gt_setup(const struct hs_suite *s)
{
    struct gt_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return NULL;
    }
    st->s = s;
    st->host = HS_HOST;
    int rc = gnutls_priority_init(&st->prio, s->gnutls_prio, NULL);
    if (rc == GNUTLS_E_SUCCESS) {
        rc = s->cert ? gt_certs(st) : gt_psk(st);
    }
    if (rc != GNUTLS_E_SUCCESS) {
        gt_fail("setup failed", rc);
        gt_teardown(st);
        return NULL;
    }
    return st;
}

int hs_gnutls_session(void *arg, gnutls_session_t *out, int server)
{
    struct gt_state *st = arg;
    unsigned flags = (server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_DATAGRAM | GNUTLS_NONBLOCK |
                     GNUTLS_NO_TICKETS;
    gnutls_session_t session;
    int rc = gnutls_init(&session, flags);
    if (rc != GNUTLS_E_SUCCESS) {
        return gt_fail("gnutls_init failed", rc);
    }
    rc = gnutls_priority_set(session, st->prio);
    if (rc == GNUTLS_E_SUCCESS && st->s->cert) {
        rc =
            gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, server ? st->scert : st->ccert);
        if (rc == GNUTLS_E_SUCCESS && !server) {
            rc = gnutls_server_name_set(session, GNUTLS_NAME_DNS, st->host, strlen(st->host));
        }
        if (rc == GNUTLS_E_SUCCESS && !server) {
            gnutls_session_set_verify_cert(session, st->host, 0);
        }
    } else if (rc == GNUTLS_E_SUCCESS) {
        rc = server ? gnutls_credentials_set(session, GNUTLS_CRD_PSK, st->scred)
                    : gnutls_credentials_set(session, GNUTLS_CRD_PSK, st->ccred);
    }
    if (rc != GNUTLS_E_SUCCESS) {
        gnutls_deinit(session);
        return gt_fail("session setup failed", rc);
    }
    gnutls_dtls_set_mtu(session, HS_MTU);
    *out = session;
    return 1;
}

static int session_new(struct gt_state *st, gnutls_session_t *out, int server, struct end *e)
{
    gnutls_session_t session;
    if (!hs_gnutls_session(st, &session, server)) {
        return 0;
    }
    e->session = session;
    gnutls_transport_set_ptr(session, e);
    gnutls_transport_set_push_function(session, push);
    gnutls_transport_set_pull_function(session, pull);
    gnutls_transport_set_pull_timeout_function(session, pull_timeout);
    *out = session;
    return 1;
}

static int pair_new(struct gt_state *st)
{
    struct gt_link *l = &st->link;
    l->c2s.n = 0;
    l->c2s.head = 0;
    l->s2c.n = 0;
    l->s2c.head = 0;
    l->c = (struct end){NULL, &l->s2c, &l->c2s};
    l->s = (struct end){NULL, &l->c2s, &l->s2c};
    if (!session_new(st, &l->c.session, 0, &l->c)) {
        return 0;
    }
    uint64_t t0 = srv_begin(st);
    int ok = session_new(st, &l->s.session, 1, &l->s);
    srv_end(st, t0);
    if (!ok) {
        gnutls_deinit(l->c.session);
        return 0;
    }
    return 1;
}

static void pair_free(struct gt_state *st)
{
    gnutls_deinit(st->link.c.session);
    uint64_t t0 = srv_begin(st);
    gnutls_deinit(st->link.s.session);
    srv_end(st, t0);
}

/* One handshake step: 1 done (or already done), 0 waiting, -1 failed. */
static int step(gnutls_session_t session, int *done)
{
    if (*done) {
        return 1;
    }
    int rc = gnutls_handshake(session);
    if (rc == GNUTLS_E_SUCCESS) {
        *done = 1;
        return 1;
    }
    if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
        return 0;
    }
    return gt_fail("handshake failed", rc) - 1;
}

/* Runs both sides until both completed; with mid, stops once the server
 * has sent its first flight. */
static int drive(struct gt_state *st, int mid)
{
    int c_done = 0;
    int s_done = 0;
    for (int i = 0; i < 8; i++) {
        int c = step(st->link.c.session, &c_done);
        uint64_t t0 = srv_begin(st);
        int s = step(st->link.s.session, &s_done);
        srv_end(st, t0);
        if (c < 0 || s < 0) {
            return 0;
        }
        if (mid || (c == 1 && s == 1)) {
            return 1;
        }
    }
    if (!g_quiet) {
        fprintf(stderr, "bench-handshake: GnuTLS: handshake did not complete\n");
    }
    return 0;
}

/* The IANA code point of the negotiated suite, found in GnuTLS's suite
 * table by its (key exchange, cipher, MAC) triple; 0 when not found. */
static uint16_t suite_id(gnutls_session_t session)
{
    gnutls_kx_algorithm_t kx = gnutls_kx_get(session);
    gnutls_cipher_algorithm_t cipher = gnutls_cipher_get(session);
    gnutls_mac_algorithm_t mac = gnutls_mac_get(session);
    unsigned char cs[2];
    gnutls_kx_algorithm_t k;
    gnutls_cipher_algorithm_t c;
    gnutls_mac_algorithm_t m;
    gnutls_protocol_t v;
    for (size_t i = 0; gnutls_cipher_suite_info(i, cs, &k, &c, &m, &v) != NULL; i++) {
        if (k == kx && c == cipher && m == mac) {
            return (uint16_t)(cs[0] << 8 | cs[1]);
        }
    }
    return 0;
}

static int check_side(const struct gt_state *st, gnutls_session_t session)
{
    uint16_t id = suite_id(session);
    if (gnutls_protocol_get_version(session) != GNUTLS_DTLS1_2 || id != st->s->id) {
        fprintf(stderr, "bench-handshake: GnuTLS: wrong version or suite (0x%04x)\n", id);
        return 0;
    }
    if (gnutls_session_ext_master_secret_status(session) != 1) {
        fprintf(stderr, "bench-handshake: GnuTLS: extended master secret not used\n");
        return 0;
    }
    if (st->s->ecdhe && gnutls_group_get(session) != GNUTLS_GROUP_X25519) {
        fprintf(stderr, "bench-handshake: GnuTLS: " HS_GROUP_NAME " not used\n");
        return 0;
    }
    return 1;
}

/* The client verified the server's chain and name and took an ECDSA
 * signature with SHA-256. */
static int check_verified(gnutls_session_t client)
{
    unsigned int n = 0;
    gnutls_sign_algorithm_t sign = gnutls_sign_algorithm_get(client);
    if (gnutls_certificate_get_peers(client, &n) == NULL || n == 0 ||
        gnutls_session_get_verify_cert_status(client) != 0) {
        fprintf(stderr, "bench-handshake: GnuTLS: the server's certificate was not verified\n");
        return 0;
    }
    if (sign != GNUTLS_SIGN_ECDSA_SHA256 && sign != GNUTLS_SIGN_ECDSA_SECP256R1_SHA256) {
        fprintf(stderr, "bench-handshake: GnuTLS: not an ECDSA signature with SHA-256\n");
        return 0;
    }
    return 1;
}

static int exchange(gnutls_session_t from, gnutls_session_t to, const char *msg)
{
    char buf[64];
    size_t len = strlen(msg);
    if (gnutls_record_send(from, msg, len) != (ssize_t)len ||
        gnutls_record_recv(to, buf, sizeof(buf)) != (ssize_t)len || memcmp(buf, msg, len) != 0) {
        fprintf(stderr, "bench-handshake: GnuTLS: application data did not cross\n");
        return 0;
    }
    return 1;
}

/* A client asking for a name the certificate does not carry must fail. */
static int refuses_wrong_host(struct gt_state *st)
{
    st->host = HS_WRONG_HOST;
    int ok = pair_new(st);
    st->host = HS_HOST;
    if (!ok) {
        return 0;
    }
    g_quiet = 1;
    int done = drive(st, 0);
    g_quiet = 0;
    unsigned int status = gnutls_session_get_verify_cert_status(st->link.c.session);
    pair_free(st);
    if (done || (status & GNUTLS_CERT_UNEXPECTED_OWNER) == 0) {
        fprintf(stderr, "bench-handshake: GnuTLS: the wrong name was not refused as such\n");
        return 0;
    }
    return 1;
}

static int gt_handshake(void *arg, int check, struct hs_srv_clock *srv)
{
    struct gt_state *st = arg;
    st->srv = srv;
    int ok = pair_new(st);
    if (ok) {
        gnutls_session_t c = st->link.c.session;
        gnutls_session_t s = st->link.s.session;
        ok = drive(st, 0);
        if (ok && check) {
            ok = check_side(st, c) && check_side(st, s) && (!st->s->cert || check_verified(c)) &&
                 exchange(c, s, "ping") && exchange(s, c, "pong");
        }
        pair_free(st);
    }
    st->srv = NULL;
    if (ok && check && st->s->cert) {
        ok = refuses_wrong_host(st);
    }
    return ok;
}

static void *gt_hold(void *arg, enum hs_stage stage)
{
    struct gt_state *st = arg;
    if (!pair_new(st)) {
        return NULL;
    }
    int ok = drive(st, stage == HS_MID);
    if (ok && stage == HS_ESTABLISHED) {
        ok = exchange(st->link.c.session, st->link.s.session, "ping");
    }
    if (!ok) {
        pair_free(st);
        return NULL;
    }
    gnutls_deinit(st->link.c.session);
    /* The link is reused by the next pair; this server sends nothing more. */
    gnutls_transport_set_ptr(st->link.s.session, NULL);
    return st->link.s.session;
}

static void gt_release(void *arg, void *server)
{
    (void)arg;
    gnutls_deinit(server);
}

const char *hs_gnutls_version(void)
{
    static char v[48];
    snprintf(v, sizeof(v), "GnuTLS %s", gnutls_check_version(NULL));
    return v;
}

/* An established pair for the record benchmark: the pair of the state's
 * link (one at a time), which carries one datagram per record. */
struct gt_tput {
    struct gt_state *st;
    uint8_t buf[HS_DGRAM];
};

static void gt_pair_close(void *arg)
{
    struct gt_tput *t = arg;
    if (t != NULL) {
        pair_free(t->st);
        free(t);
    }
}

static void *gt_pair_open(void *arg)
{
    struct gt_tput *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return NULL;
    }
    t->st = arg;
    if (!pair_new(t->st)) {
        free(t);
        return NULL;
    }
    if (!drive(t->st, 0)) {
        gt_pair_close(t);
        return NULL;
    }
    gnutls_dtls_set_mtu(t->st->link.c.session, HS_TPUT_MTU);
    gnutls_dtls_set_mtu(t->st->link.s.session, HS_TPUT_MTU);
    return t;
}

static int gt_pair_send(void *arg, const uint8_t *data, size_t len, int check)
{
    struct gt_tput *t = arg;
    ssize_t n = gnutls_record_send(t->st->link.c.session, data, len);
    if (n != (ssize_t)len) {
        return gt_fail("gnutls_record_send", n < 0 ? (int)n : GNUTLS_E_INTERNAL_ERROR);
    }
    n = gnutls_record_recv(t->st->link.s.session, t->buf, sizeof(t->buf));
    if (n != (ssize_t)len) {
        return gt_fail("gnutls_record_recv", n < 0 ? (int)n : GNUTLS_E_INTERNAL_ERROR);
    }
    return !check || memcmp(t->buf, data, len) == 0;
}

const struct hs_impl hs_gnutls_impl = {
    "GnuTLS",   gt_setup,     gt_teardown,  gt_handshake,  gt_hold,
    gt_release, gt_pair_open, gt_pair_send, gt_pair_close,
};
