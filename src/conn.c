/* The sans-I/O connection (include/tern/conn.h): glue between the record
 * layer, the DTLS 1.2 handshake, alerts, timers and application data. */
#include <tern/conn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "crypto/errors.h"
#include "handshake/cookie_mac.h"
#include "handshake/header.h"
#include "handshake/hs12.h"
#include "util/alert.h"
#include "util/ct.h"
#include "util/guard.h"

#define ALERT_WARNING 1
#define ALERT_FATAL   2
#define NS_PER_MS     UINT64_C(1000000)
/* Largest single datagram kept for sending once (an alert under any suite). */
#define FINAL_MAX 48
/* Warning alerts (other than close_notify) accepted in a row, with no
 * other record between them. A correct peer sends one now and then; an
 * endless run of them is the "SSL Death Alert" flood (CVE-2016-8610) that
 * kept servers busy, so the run has a ceiling (DESIGN.md: every counter
 * has one). */
#define MAX_WARNINGS_IN_ROW 8
/* A ClientHello's record number the server continues from, at most: a
 * client that has sent this many records before its handshake is not
 * plausible, and 2^48 numbers leave ample room above it. */
#define MAX_FOLLOWED_SEQ (UINT64_C(1) << 32)

struct tern_conn {
    struct tern_config *cfg;
    uint8_t state; /* enum tern_state */
    int error;
    int alert_sent;
    int alert_received;
    unsigned warnings_in_row;
    size_t mtu;
    struct tern_rec12 rl;
    struct tern_session12 sess;
    struct tern_hs12 *hs; /* handshake-only state, NULL once it is over */
    /* retransmission timer (RFC 6347 section 4.2.4) */
    uint64_t deadline;
    uint32_t timeout_ms;
    unsigned retransmits;
    uint64_t linger_until; /* server: keep the last flight until then */
    uint64_t auth_drops_before;
    /* a datagram to send once: final alert, close_notify, no_renegotiation */
    uint8_t once[FINAL_MAX];
    size_t once_len;
    struct tern_x509_chain *peer_chain; /* kept after the handshake on request */
    uint8_t *ca_names;                  /* likewise, a CertificateRequest's authorities */
    size_t ca_names_len;
};

static void wipe_keys(struct tern_conn *c)
{
    tern_x509_chain_free(c->peer_chain);
    c->peer_chain = NULL;
    free(c->ca_names);
    c->ca_names = NULL;
    if (c->hs != NULL) {
        tern_hs12_clear(c->hs);
        free(c->hs);
        c->hs = NULL;
    }
    tern_rec12_clear(&c->rl);
    tern_zeroize(c->sess.master, sizeof(c->sess.master));
}

/* Queues one alert record in the current write epoch. */
static void queue_alert(struct tern_conn *c, uint8_t level, uint8_t desc)
{
    uint8_t body[2] = {level, desc};
    ptrdiff_t n = tern_rec12_write_copy(&c->rl, tern_rec12_tx_epoch(&c->rl), TERN_CT_ALERT, body, 2,
                                        c->once, sizeof(c->once));
    if (n > 0) {
        c->once_len = (size_t)n;
        c->alert_sent = desc;
    }
}

/* The first fatal error sticks: the alert it calls for is queued, then
 * every key is wiped (STYLE.md convention 3). */
static int fail(struct tern_conn *c, int err)
{
    if (c->state == TERN_STATE_FAILED) {
        return c->error;
    }
    int alert = tern_err_alert(err);
    if (alert >= 0 && err != TERN_ERR_PEER_ALERT) {
        queue_alert(c, ALERT_FATAL, (uint8_t)alert);
    }
    c->error = err;
    c->state = TERN_STATE_FAILED;
    wipe_keys(c);
    return err;
}

static int conn_new(struct tern_conn **out, struct tern_config *cfg, const void *peer,
                    size_t peer_len)
{
    TERN_ENSURE(out != NULL, TERN_ERR_ARG);
    *out = NULL;
    TERN_ENSURE(cfg != NULL && peer_len <= TERN_COOKIE_PEER_MAX, TERN_ERR_ARG);
    TERN_ENSURE(peer != NULL || peer_len == 0, TERN_ERR_ARG);
    struct tern_conn *c = calloc(1, sizeof(*c));
    TERN_ENSURE(c != NULL, TERN_ERR_NOMEM);
    c->hs = calloc(1, sizeof(*c->hs));
    if (c->hs == NULL) {
        free(c);
        return TERN_ERR_NOMEM;
    }
    tern_rec12_init(&c->rl, TERN_DTLS12_VERSION);
    int rc = tern_hs12_init(c->hs, cfg, &c->rl, &c->sess, peer, peer_len);
    if (rc != TERN_OK) {
        free(c->hs);
        free(c);
        return rc;
    }
    c->hs->owner = c;
    tern_config_ref(cfg);
    c->cfg = cfg;
    c->mtu = cfg->mtu;
    c->alert_sent = -1;
    c->alert_received = -1;
    c->deadline = UINT64_MAX;
    *out = c;
    return TERN_OK;
}

int tern_conn_new(struct tern_conn **out, struct tern_config *cfg, const void *peer,
                  size_t peer_len)
{
    tern_crypto_quiet_begin();
    int rc = conn_new(out, cfg, peer, peer_len);
    tern_crypto_quiet_end();
    return rc;
}

void tern_conn_free(struct tern_conn *c)
{
    if (c == NULL) {
        return;
    }
    wipe_keys(c);
    struct tern_config *cfg = c->cfg;
    tern_zeroize(c, sizeof(*c));
    free(c);
    tern_config_free(cfg);
}

int tern_conn_set_server_name(struct tern_conn *c, const char *name)
{
    TERN_ENSURE(c != NULL && name != NULL, TERN_ERR_ARG);
    size_t len = strlen(name);
    TERN_ENSURE(len > 0 && len < sizeof(c->hs->server_name), TERN_ERR_ARG);
    TERN_ENSURE(c->state == TERN_STATE_IDLE && c->hs != NULL && c->hs->is_client, TERN_ERR_STATE);
    memcpy(c->hs->server_name, name, len + 1);
    return TERN_OK;
}

int tern_conn_set_mtu(struct tern_conn *c, size_t mtu)
{
    TERN_ENSURE(c != NULL && mtu >= 256 && mtu <= 16384, TERN_ERR_ARG);
    c->mtu = mtu;
    return TERN_OK;
}

/* Acts on what the handshake asked for: a new flight starts the timer at
 * its initial value; a repeated peer flight resends ours (once per repeat,
 * however many datagrams it spans); completion establishes the connection. */
static void after_handshake_step(struct tern_conn *c, uint64_t now)
{
    struct tern_hs12 *hs = c->hs;
    if (hs == NULL) {
        return;
    }
    const struct tern_config *cfg = c->cfg;
    if (hs->flight_ready) {
        hs->flight_ready = 0;
        hs->retransmit = 0;
        hs->peer_flight_seq = hs->reasm.next_seq;
        tern_flight_schedule(&hs->flight);
        c->timeout_ms = cfg->timer_initial_ms;
        c->retransmits = 0;
        c->deadline = now + c->timeout_ms * NS_PER_MS;
    }
    if (hs->retransmit) {
        hs->retransmit = 0;
        if (hs->flight.n > 0 && !tern_flight_pending(&hs->flight)) {
            tern_flight_schedule(&hs->flight);
        }
    }
}

static void keylog(struct tern_conn *c)
{
    const struct tern_config *cfg = c->cfg;
    if (cfg->keylog == NULL) {
        return;
    }
    /* NSS key log format: CLIENT_RANDOM <client_random> <master_secret>. */
    char line[14 + 64 + 1 + 96 + 1];
    size_t off = (size_t)snprintf(line, sizeof(line), "CLIENT_RANDOM ");
    for (size_t i = 0; i < 32; i++) {
        off += (size_t)snprintf(line + off, sizeof(line) - off, "%02x", c->sess.client_random[i]);
    }
    line[off++] = ' ';
    for (size_t i = 0; i < TERN_MASTER_SECRET_LEN; i++) {
        off += (size_t)snprintf(line + off, sizeof(line) - off, "%02x", c->sess.master[i]);
    }
    cfg->keylog(cfg->keylog_arg, line);
    tern_zeroize(line, sizeof(line));
}

/* Total time a peer may spend retransmitting one flight: how long a server
 * keeps its last flight to answer a lost-Finished retransmission. */
static uint64_t retransmit_span_ns(const struct tern_config *cfg)
{
    uint64_t span = 0;
    uint64_t t = cfg->timer_initial_ms;
    for (unsigned i = 0; i <= cfg->max_retransmits; i++) {
        span += t;
        t = t * 2 > cfg->timer_max_ms ? cfg->timer_max_ms : t * 2;
    }
    return span * NS_PER_MS;
}

static void complete(struct tern_conn *c, uint64_t now)
{
    c->state = TERN_STATE_ESTABLISHED;
    c->deadline = UINT64_MAX;
    keylog(c);
    /* RFC 6347 section 4.1: epoch 0 is no longer needed for reading. */
    tern_rec12_drop_previous_rx(&c->rl);
    if ((c->cfg->flags & TERN_FLAG_KEEP_PEER_CHAIN) != 0) {
        c->peer_chain = c->hs->peer_chain;
        c->hs->peer_chain = NULL;
        c->ca_names = c->hs->ca_names;
        c->ca_names_len = c->hs->ca_names_len;
        c->hs->ca_names = NULL;
    }
    if (c->hs->is_client) {
        tern_hs12_clear(c->hs);
        free(c->hs);
        c->hs = NULL;
        return;
    }
    /* The server sent the last flight; if it is lost the client repeats
     * its Finished, and the server must answer (RFC 6347 section 4.2.4). */
    c->linger_until = now + retransmit_span_ns(c->cfg);
}

static void end_linger(struct tern_conn *c)
{
    if (c->hs != NULL && c->state == TERN_STATE_ESTABLISHED) {
        tern_hs12_clear(c->hs);
        free(c->hs);
        c->hs = NULL;
        c->linger_until = 0;
    }
}

static int conn_start(struct tern_conn *c, uint64_t now_ns)
{
    TERN_ENSURE(c != NULL, TERN_ERR_ARG);
    TERN_ENSURE(c->state == TERN_STATE_IDLE && c->hs != NULL && c->hs->is_client, TERN_ERR_STATE);
    /* Before anything changes: the caller may set a name and start again. */
    TERN_TRY(tern_hs12_client_may_start(c->hs));
    c->state = TERN_STATE_HANDSHAKING;
    c->auth_drops_before = c->rl.drops[TERN_DROP_AUTH];
    int rc = tern_hs12_start(c->hs);
    if (rc != TERN_OK) {
        return fail(c, rc);
    }
    after_handshake_step(c, now_ns);
    return TERN_OK;
}

int tern_conn_start(struct tern_conn *c, uint64_t now_ns)
{
    tern_crypto_quiet_begin();
    int rc = conn_start(c, now_ns);
    tern_crypto_quiet_end();
    return rc;
}

/* After the handshake: a ClientHello (server) or HelloRequest (client) asks
 * for renegotiation, which tern refuses with a warning (RFC 5746 section
 * 4.5, DESIGN.md principle 4). */
static void refuse_renegotiation(struct tern_conn *c, const uint8_t *body, size_t len)
{
    struct tern_reader r;
    struct tern_reader frag;
    struct tern_hs_header h;
    tern_r_init(&r, body, len);
    if (tern_hs_header_parse(&r, &h, &frag) != TERN_OK) {
        return;
    }
    int ask = c->cfg->role == TERN_ROLE_SERVER ? h.type == TERN_HS_CLIENT_HELLO
                                               : h.type == TERN_HS_HELLO_REQUEST;
    if (ask && c->once_len == 0) {
        queue_alert(c, ALERT_WARNING, TERN_ALERT_NO_RENEGOTIATION);
    }
}

static int on_alert(struct tern_conn *c, const uint8_t *body, size_t len)
{
    if (len != 2) {
        c->rl.drops[TERN_DROP_MALFORMED]++;
        return TERN_OK;
    }
    c->alert_received = body[1];
    if (body[1] == TERN_ALERT_CLOSE_NOTIFY) {
        /* RFC 5246 section 7.2.1: "The other party MUST respond with a
         * close_notify alert of its own". */
        if (c->state != TERN_STATE_CLOSED && c->once_len == 0) {
            queue_alert(c, ALERT_WARNING, TERN_ALERT_CLOSE_NOTIFY);
        }
        c->state = TERN_STATE_CLOSED;
        c->deadline = UINT64_MAX;
        return TERN_OK;
    }
    if (body[0] == ALERT_FATAL) {
        return TERN_ERR_PEER_ALERT;
    }
    /* Other warnings change nothing, up to a point. */
    TERN_ENSURE(++c->warnings_in_row <= MAX_WARNINGS_IN_ROW, TERN_ERR_ALERT_FLOOD);
    return TERN_OK;
}

static int on_record(struct tern_conn *c, const struct tern_rec12_record *rec, tern_data_fn on_data,
                     void *arg)
{
    if (rec->type != TERN_CT_ALERT) {
        c->warnings_in_row = 0;
    }
    switch (rec->type) {
    case TERN_CT_HANDSHAKE:
        if (c->hs != NULL && !c->hs->is_client && rec->epoch == 0 &&
            tern_rec12_tx_epoch(&c->rl) == 0) {
            /* RFC 6347 section 4.2.1 (and erratum 5186): the server's
             * records answering a ClientHello take its record number, so
             * they never repeat one a stateless HelloVerifyRequest used.
             * Epoch 0 is not authenticated, so only plausible numbers are
             * followed: a forged record numbered near 2^48 must not use up
             * the server's own numbers. */
            if (rec->seq < MAX_FOLLOWED_SEQ) {
                tern_rec12_tx_seq_at_least(&c->rl, rec->seq);
            }
        }
        if (c->hs != NULL && !(c->state == TERN_STATE_ESTABLISHED && rec->epoch == 0)) {
            if (tern_hs12_done(c->hs)) {
                /* Lingering server: only retransmission requests count; a
                 * ClientHello in the new epoch is renegotiation. */
                refuse_renegotiation(c, rec->data, rec->len);
            }
            return tern_hs12_on_record(c->hs, rec->type, rec->epoch, rec->data, rec->len);
        }
        if (c->state == TERN_STATE_ESTABLISHED) {
            refuse_renegotiation(c, rec->data, rec->len);
        }
        return TERN_OK;
    case TERN_CT_CHANGE_CIPHER_SPEC:
        if (c->hs != NULL && !tern_hs12_done(c->hs)) {
            return tern_hs12_on_record(c->hs, rec->type, rec->epoch, rec->data, rec->len);
        }
        return TERN_OK;
    case TERN_CT_ALERT:
        return on_alert(c, rec->data, rec->len);
    case TERN_CT_APPLICATION_DATA:
        if (c->state != TERN_STATE_ESTABLISHED || rec->epoch != tern_rec12_rx_epoch(&c->rl)) {
            c->rl.drops[TERN_DROP_EPOCH]++;
            return TERN_OK;
        }
        /* Data from the client proves it has our Finished. */
        end_linger(c);
        if (on_data != NULL) {
            on_data(arg, rec->data, rec->len);
        }
        return TERN_OK;
    default:
        return TERN_OK;
    }
}

/* Holds a record of the next epoch until the ChangeCipherSpec installs its
 * keys; beyond the hold's capacity the peer's retransmission brings it. */
static void hold(struct tern_conn *c, const struct tern_rec12_record *rec)
{
    struct tern_hs12 *hs = c->hs;
    if (hs == NULL || hs->n_held >= TERN_HS12_HELD_RECORDS || rec->len > TERN_HS12_HELD_MAX) {
        c->rl.drops[TERN_DROP_EPOCH]++;
        return;
    }
    if (hs->held == NULL) {
        hs->held = malloc(TERN_HS12_HELD_RECORDS * sizeof(hs->held[0]));
        if (hs->held == NULL) {
            c->rl.drops[TERN_DROP_EPOCH]++; /* the peer's retransmission brings it */
            return;
        }
    }
    memcpy(hs->held[hs->n_held], rec->data, rec->len);
    hs->held_len[hs->n_held++] = rec->len;
}

static int walk(struct tern_conn *c, uint8_t *dgram, size_t len, tern_data_fn on_data, void *arg)
{
    struct tern_rec12_iter it;
    struct tern_rec12_record rec;
    tern_rec12_iter_init(&it, dgram, len);
    int got;
    while ((got = tern_rec12_next(&c->rl, &it, &rec)) != TERN_REC_END) {
        if (got == TERN_REC_NEXT_EPOCH) {
            hold(c, &rec);
            continue;
        }
        TERN_TRY(on_record(c, &rec, on_data, arg));
        if (c->state == TERN_STATE_CLOSED) {
            break;
        }
    }
    return TERN_OK;
}

/* Replays held records once their epoch has become readable. */
static int replay_held(struct tern_conn *c, tern_data_fn on_data, void *arg)
{
    struct tern_hs12 *hs = c->hs;
    if (hs == NULL || hs->n_held == 0 || tern_rec12_rx_epoch(&c->rl) == 0) {
        return TERN_OK;
    }
    size_t n = hs->n_held;
    uint8_t buf[TERN_HS12_HELD_MAX];
    for (size_t i = 0; i < n && c->hs != NULL; i++) {
        size_t len = c->hs->held_len[i];
        memcpy(buf, c->hs->held[i], len);
        if (i == n - 1) {
            c->hs->n_held = 0;
        }
        TERN_TRY(walk(c, buf, len, on_data, arg));
    }
    if (c->hs != NULL) {
        c->hs->n_held = 0;
    }
    return TERN_OK;
}

/* After the handshake moved: schedule what it built, note a pause for a
 * verification decision, and establish the connection when it is done. */
static int settle(struct tern_conn *c, uint64_t now_ns)
{
    after_handshake_step(c, now_ns);
    if (c->hs == NULL) {
        return TERN_OK;
    }
    if (c->hs->paused && c->state == TERN_STATE_HANDSHAKING) {
        c->state = TERN_STATE_PEER_VERIFY_ERROR;
    }
    if (tern_hs12_done(c->hs) && c->state == TERN_STATE_HANDSHAKING) {
        complete(c, now_ns);
    }
    return TERN_OK;
}

static int conn_receive(struct tern_conn *c, uint64_t now_ns, uint8_t *dgram, size_t len,
                        tern_data_fn on_data, void *arg)
{
    TERN_ENSURE(c != NULL && (dgram != NULL || len == 0), TERN_ERR_ARG);
    if (c->state == TERN_STATE_FAILED) {
        return c->error;
    }
    if (c->state == TERN_STATE_CLOSED) {
        return TERN_ERR_CLOSED;
    }
    if (c->state == TERN_STATE_PEER_VERIFY_ERROR) {
        /* Still fed while paused: fragments are buffered, nothing moves on. */
        int rc = walk(c, dgram, len, on_data, arg);
        return rc == TERN_OK ? TERN_OK : fail(c, rc);
    }
    if (c->state == TERN_STATE_IDLE) {
        TERN_ENSURE(c->cfg->role == TERN_ROLE_SERVER, TERN_ERR_STATE);
        c->state = TERN_STATE_HANDSHAKING;
        c->auth_drops_before = c->rl.drops[TERN_DROP_AUTH];
    }
    int rc = walk(c, dgram, len, on_data, arg);
    if (rc == TERN_OK) {
        rc = replay_held(c, on_data, arg);
    }
    if (rc != TERN_OK) {
        return fail(c, rc);
    }
    return settle(c, now_ns);
}

int tern_conn_receive(struct tern_conn *c, uint64_t now_ns, uint8_t *dgram, size_t len,
                      tern_data_fn on_data, void *arg)
{
    /* The handshake lets libcrypto fail on the peer's input (signatures,
     * key shares, certificates); established, only a record's
     * authentication can, and crypto/aead.c cleans up after that itself. */
    if (c == NULL || c->hs == NULL) {
        return conn_receive(c, now_ns, dgram, len, on_data, arg);
    }
    tern_crypto_quiet_begin();
    int rc = conn_receive(c, now_ns, dgram, len, on_data, arg);
    tern_crypto_quiet_end();
    return rc;
}

ptrdiff_t tern_conn_pull(struct tern_conn *c, uint64_t now_ns, uint8_t *out, size_t cap)
{
    (void)now_ns;
    TERN_ENSURE(c != NULL && out != NULL, TERN_ERR_ARG);
    if (c->once_len > 0) {
        TERN_ENSURE(cap >= c->once_len, TERN_ERR_BUFFER);
        size_t n = c->once_len;
        memcpy(out, c->once, n);
        c->once_len = 0;
        return (ptrdiff_t)n;
    }
    struct tern_hs12 *hs = c->hs;
    /* RFC 5246 section 7.2.1: after close_notify nothing else is sent. */
    if (c->state == TERN_STATE_FAILED || c->state == TERN_STATE_CLOSED || hs == NULL) {
        return TERN_ERR_WANT_MORE;
    }
    if (hs->oneshot_len > 0) {
        TERN_ENSURE(cap >= hs->oneshot_len, TERN_ERR_BUFFER);
        size_t n = hs->oneshot_len;
        memcpy(out, hs->oneshot, n);
        hs->oneshot_len = 0;
        return (ptrdiff_t)n;
    }
    if (tern_flight_pending(&hs->flight)) {
        TERN_ENSURE(cap >= c->mtu, TERN_ERR_BUFFER);
        ptrdiff_t n = tern_flight_emit(&hs->flight, &c->rl, out, cap, c->mtu);
        if (n < 0) {
            return fail(c, (int)n);
        }
        if (n > 0) {
            return n;
        }
    }
    return TERN_ERR_WANT_MORE;
}

uint64_t tern_conn_deadline(const struct tern_conn *c)
{
    if (c == NULL || c->hs == NULL) {
        return UINT64_MAX;
    }
    if (c->state == TERN_STATE_ESTABLISHED) {
        return c->linger_until;
    }
    return c->state == TERN_STATE_HANDSHAKING ? c->deadline : UINT64_MAX;
}

int tern_conn_timeout(struct tern_conn *c, uint64_t now_ns)
{
    TERN_ENSURE(c != NULL, TERN_ERR_ARG);
    if (c->state == TERN_STATE_FAILED) {
        return c->error;
    }
    if (c->hs == NULL || now_ns < tern_conn_deadline(c)) {
        return TERN_OK;
    }
    if (c->state == TERN_STATE_ESTABLISHED) {
        end_linger(c);
        return TERN_OK;
    }
    const struct tern_config *cfg = c->cfg;
    if (c->retransmits >= cfg->max_retransmits) {
        /* Records of the new epoch that never authenticated mean the two
         * sides derived different keys: most often different PSKs. */
        int err = c->rl.drops[TERN_DROP_AUTH] > c->auth_drops_before ? TERN_ERR_BAD_FINISHED
                                                                     : TERN_ERR_TIMEOUT;
        return fail(c, err);
    }
    c->retransmits++;
    /* RFC 6347 section 4.2.4.1: double the timer, up to the maximum. */
    uint64_t next = (uint64_t)c->timeout_ms * 2;
    c->timeout_ms = (uint32_t)(next > cfg->timer_max_ms ? cfg->timer_max_ms : next);
    c->deadline = now_ns + c->timeout_ms * NS_PER_MS;
    tern_flight_schedule(&c->hs->flight);
    return TERN_OK;
}

ptrdiff_t tern_conn_write(struct tern_conn *c, const void *data, size_t len, uint8_t *out,
                          size_t cap)
{
    TERN_ENSURE(c != NULL && out != NULL && (data != NULL || len == 0), TERN_ERR_ARG);
    if (c->state == TERN_STATE_FAILED) {
        return c->error;
    }
    if (c->state == TERN_STATE_CLOSED) {
        return TERN_ERR_CLOSED;
    }
    TERN_ENSURE(c->state == TERN_STATE_ESTABLISHED, TERN_ERR_STATE);
    TERN_ENSURE(len <= c->sess.peer_record_limit, TERN_ERR_RECORD_OVERFLOW);
    /* RFC 6347 section 4.1.1.1: a record larger than the MTU is an error,
     * not a datagram the network will fragment or drop. */
    size_t prefix = 0;
    size_t suffix = 0;
    TERN_TRY(tern_rec12_layout(&c->rl, tern_rec12_tx_epoch(&c->rl), &prefix, &suffix));
    TERN_ENSURE(prefix + len + suffix <= c->mtu, TERN_ERR_RECORD_OVERFLOW);
    ptrdiff_t n = tern_rec12_write_copy(&c->rl, tern_rec12_tx_epoch(&c->rl),
                                        TERN_CT_APPLICATION_DATA, data, len, out, cap);
    if (n == TERN_ERR_SEQ_EXHAUSTED) {
        return fail(c, TERN_ERR_SEQ_EXHAUSTED);
    }
    return n;
}

int tern_conn_shutdown(struct tern_conn *c)
{
    TERN_ENSURE(c != NULL, TERN_ERR_ARG);
    TERN_ENSURE(c->state == TERN_STATE_ESTABLISHED || c->state == TERN_STATE_HANDSHAKING,
                TERN_ERR_STATE);
    queue_alert(c, ALERT_WARNING, TERN_ALERT_CLOSE_NOTIFY);
    c->state = TERN_STATE_CLOSED;
    c->deadline = UINT64_MAX;
    wipe_keys(c);
    return TERN_OK;
}

void tern_conn_abort(struct tern_conn *c)
{
    if (c == NULL || c->state == TERN_STATE_FAILED) {
        return;
    }
    if (c->state == TERN_STATE_ESTABLISHED) {
        queue_alert(c, ALERT_WARNING, TERN_ALERT_CLOSE_NOTIFY);
        c->error = TERN_ERR_ABORTED;
        c->state = TERN_STATE_FAILED;
        wipe_keys(c);
        return;
    }
    fail(c, TERN_ERR_ABORTED);
}

enum tern_state tern_conn_state(const struct tern_conn *c)
{
    return c == NULL ? TERN_STATE_FAILED : (enum tern_state)c->state;
}

int tern_conn_error(const struct tern_conn *c)
{
    return c == NULL ? TERN_ERR_ARG : c->error;
}

int tern_conn_alert_sent(const struct tern_conn *c)
{
    return c == NULL ? -1 : c->alert_sent;
}

int tern_conn_alert_received(const struct tern_conn *c)
{
    return c == NULL ? -1 : c->alert_received;
}

static int established(const struct tern_conn *c)
{
    return c != NULL && (c->state == TERN_STATE_ESTABLISHED || c->state == TERN_STATE_CLOSED) &&
           c->sess.suite != 0;
}

uint16_t tern_conn_version(const struct tern_conn *c)
{
    return established(c) ? c->sess.version : 0;
}

uint16_t tern_conn_suite(const struct tern_conn *c)
{
    return established(c) ? c->sess.suite : 0;
}

const char *tern_conn_suite_name(const struct tern_conn *c)
{
    const struct tern_suite *s = established(c) ? tern_suite_by_id(c->sess.suite) : NULL;
    return s == NULL ? NULL : s->name;
}

const uint8_t *tern_conn_psk_identity(const struct tern_conn *c, size_t *len)
{
    if (!established(c) || c->sess.psk_identity_len == 0) {
        if (len != NULL) {
            *len = 0;
        }
        return NULL;
    }
    if (len != NULL) {
        *len = c->sess.psk_identity_len;
    }
    return c->sess.psk_identity;
}

static int conn_export(const struct tern_conn *c, const char *label, const uint8_t *context,
                       size_t context_len, uint8_t *out, size_t out_len)
{
    TERN_ENSURE(c != NULL && label != NULL && out != NULL && out_len > 0, TERN_ERR_ARG);
    TERN_ENSURE(c->state == TERN_STATE_ESTABLISHED, TERN_ERR_STATE);
    const struct tern_suite *s = tern_suite_by_id(c->sess.suite);
    TERN_ENSURE(s != NULL, TERN_ERR_STATE);
    return tern_export12(s->prf_hash, c->sess.master, c->sess.client_random, c->sess.server_random,
                         label, context, context_len, context != NULL, out, out_len);
}

int tern_conn_export(const struct tern_conn *c, const char *label, const uint8_t *context,
                     size_t context_len, uint8_t *out, size_t out_len)
{
    tern_crypto_quiet_begin();
    int rc = conn_export(c, label, context, context_len, out, out_len);
    tern_crypto_quiet_end();
    return rc;
}

size_t tern_conn_verify_errors(const struct tern_conn *c, struct tern_verify_error *errs,
                               size_t max)
{
    if (c == NULL) {
        return 0;
    }
    size_t n = c->sess.n_verify_errs;
    for (size_t i = 0; i < n && i < max && errs != NULL; i++) {
        errs[i] = c->sess.verify_errs[i];
    }
    return n;
}

int tern_conn_ignore_verify_errors(struct tern_conn *c, const struct tern_verify_error *errs,
                                   size_t n)
{
    TERN_ENSURE(c != NULL && (errs != NULL || n == 0), TERN_ERR_ARG);
    TERN_ENSURE(c->state == TERN_STATE_PEER_VERIFY_ERROR && c->hs != NULL, TERN_ERR_STATE);
    TERN_ENSURE(n <= TERN_HS12_MAX_VERIFY_ERRORS, TERN_ERR_ARG);
    memcpy(c->hs->ignored, errs, n * sizeof(errs[0]));
    c->hs->n_ignored = n;
    return TERN_OK;
}

static int conn_resume(struct tern_conn *c, uint64_t now_ns)
{
    TERN_ENSURE(c != NULL, TERN_ERR_ARG);
    if (c->state == TERN_STATE_FAILED) {
        return c->error;
    }
    TERN_ENSURE(c->state == TERN_STATE_PEER_VERIFY_ERROR && c->hs != NULL, TERN_ERR_STATE);
    c->state = TERN_STATE_HANDSHAKING;
    int rc = tern_hs12_resume(c->hs);
    if (rc == TERN_OK) {
        rc = replay_held(c, NULL, NULL);
    }
    if (rc != TERN_OK) {
        return fail(c, rc);
    }
    return settle(c, now_ns);
}

int tern_conn_resume(struct tern_conn *c, uint64_t now_ns)
{
    tern_crypto_quiet_begin();
    int rc = conn_resume(c, now_ns);
    tern_crypto_quiet_end();
    return rc;
}

const uint8_t *tern_conn_peer_certificate(const struct tern_conn *c, size_t i, size_t *len)
{
    size_t unused = 0;
    size_t *out = len != NULL ? len : &unused;
    *out = 0;
    if (c == NULL) {
        return NULL;
    }
    const struct tern_x509_chain *chain = c->hs != NULL ? c->hs->peer_chain : c->peer_chain;
    if (chain == NULL && c->peer_chain != NULL) {
        chain = c->peer_chain;
    }
    return chain == NULL ? NULL : tern_x509_chain_der(chain, i, out);
}

const uint8_t *tern_conn_accepted_ca(const struct tern_conn *c, size_t i, size_t *len)
{
    size_t unused = 0;
    size_t *out = len != NULL ? len : &unused;
    *out = 0;
    const uint8_t *names = c != NULL && c->hs != NULL ? c->hs->ca_names : NULL;
    size_t names_len = names != NULL ? c->hs->ca_names_len : 0;
    if (names == NULL && c != NULL) {
        names = c->ca_names;
        names_len = c->ca_names_len;
    }
    if (names == NULL) {
        return NULL;
    }
    /* The names were checked when the CertificateRequest was parsed. */
    struct tern_reader r;
    struct tern_reader name;
    tern_r_init(&r, names, names_len);
    for (size_t k = 0; tern_r_vec16(&r, &name) == TERN_OK; k++) {
        if (k == i) {
            *out = name.len;
            return name.p;
        }
    }
    return NULL;
}

uint64_t tern_conn_dropped(const struct tern_conn *c)
{
    if (c == NULL) {
        return 0;
    }
    uint64_t t = 0;
    for (size_t i = 0; i < TERN_DROP_REASONS; i++) {
        t += c->rl.drops[i];
    }
    return t;
}

uint64_t tern_conn_dropped_by(const struct tern_conn *c, enum tern_drop_reason why)
{
    if (c == NULL || (unsigned)why >= TERN_DROP_REASONS) {
        return 0;
    }
    return c->rl.drops[why];
}
