/* The sans-I/O connection (include/tern/conn.h), the same for every
 * version: its sticky state, alerts, timers, the receive and pull loops,
 * counters and application data. The version's record layer and handshake
 * sit behind its operations table (handshake/version_ops.h). */
#include <tern/conn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "config_impl.h"
#include "conn_impl.h"
#include "conn_log.h"
#include "cookie_gate.h"
#include "crypto/errors.h"
#include "handshake/suites.h"
#include "util/alert.h"
#include "util/ct.h"
#include "util/guard.h"
#include "util/alloc.h"

#define ALERT_WARNING 1
#define ALERT_FATAL   2
#define NS_PER_MS     UINT64_C(1000000)
/* Warning alerts (other than close_notify) accepted in a row, with no
 * other record between them. A correct peer sends one now and then; an
 * endless run of them is the "SSL Death Alert" flood (CVE-2016-8610) that
 * kept servers busy, so the run has a ceiling (DESIGN.md: every counter
 * has one). */
#define MAX_WARNINGS_IN_ROW 8
/* Held records replayed after one datagram, at most: a version holds only
 * a few, and the bound keeps a record held again from looping. */
#define MAX_HELD_REPLAYS 4

/* Enters state; the change is announced when the call returns. */
static void set_state(struct tern_conn *c, enum tern_state state)
{
    if (c->state == (uint8_t)state) {
        return;
    }
    c->state = (uint8_t)state;
    if (c->n_untold == TERN_CONN_UNTOLD_MAX) {
        c->n_untold--; /* cannot happen (see TERN_CONN_UNTOLD_MAX); keep the newest */
    }
    c->untold[c->n_untold++] = (uint8_t)state;
}

/* Wipes every key and the handshake state: when the connection fails or
 * closes, not only when it is freed. */
static void wipe_keys(struct tern_conn *c)
{
    c->ops->wipe(&c->v);
    tern_zeroize(c->sess.master, sizeof(c->sess.master));
}

static uint32_t *drops(struct tern_conn *c)
{
    return c->ops->drops(&c->v);
}

/* Queues one alert record in the current write epoch. */
static void queue_alert(struct tern_conn *c, uint8_t level, uint8_t desc)
{
    uint8_t body[2] = {level, desc};
    ptrdiff_t n =
        c->ops->seal(&c->v, TERN_CT_ALERT, body, 2, c->once, sizeof(c->once), sizeof(c->once));
    if (n > 0) {
        c->once_len = (size_t)n;
        c->alert_sent = desc;
    }
}

/* The first fatal error sticks: the alert that alert_err calls for
 * (normally err's own) is queued, then every key is wiped (STYLE.md
 * convention 3). */
static int fail_as(struct tern_conn *c, int err, int alert_err)
{
    if (c->state == TERN_STATE_FAILED) {
        return c->error;
    }
    int alert = tern_err_alert(alert_err);
    if (alert >= 0 && err != TERN_ERR_PEER_ALERT) {
        queue_alert(c, ALERT_FATAL, (uint8_t)alert);
    }
    c->error = err;
    set_state(c, TERN_STATE_FAILED);
    wipe_keys(c);
    return err;
}

static int fail(struct tern_conn *c, int err)
{
    return fail_as(c, err, err);
}

/* Sends close_notify (RFC 5246 section 7.2.1: after it nothing else is
 * sent) and wipes the keys. */
static void close_now(struct tern_conn *c)
{
    if (c->once_len == 0) {
        queue_alert(c, ALERT_WARNING, TERN_ALERT_CLOSE_NOTIFY);
    }
    set_state(c, TERN_STATE_CLOSED);
    c->deadline = UINT64_MAX;
    wipe_keys(c);
}

static void abort_now(struct tern_conn *c)
{
    if (c->state == TERN_STATE_FAILED) {
        return;
    }
    if (c->state == TERN_STATE_ESTABLISHED || c->state == TERN_STATE_CLOSED) {
        if (c->state == TERN_STATE_ESTABLISHED) {
            queue_alert(c, ALERT_WARNING, TERN_ALERT_CLOSE_NOTIFY);
        }
        c->error = TERN_ERR_ABORTED;
        set_state(c, TERN_STATE_FAILED);
        wipe_keys(c);
        return;
    }
    fail(c, TERN_ERR_ABORTED);
}

static void free_now(struct tern_conn *c)
{
    wipe_keys(c);
    tern_x509_chain_free(c->peer_chain);
    tern_free(c->ca_names);
    struct tern_config *cfg = c->cfg;
    tern_zeroize(c, sizeof(*c));
    tern_free(c);
    tern_config_free(cfg);
}

/* A call that may run the application's callbacks begins: one at a time
 * (a callback calling back into the same kind of call is refused). While a
 * handshake runs, libcrypto may fail on the peer's input (signatures, key
 * shares, certificates), so its error queue is silenced for the call
 * (crypto/errors.h); established, only a record's authentication can fail,
 * and crypto/aead.c cleans up after that itself, sparing the data path. */
static int enter(struct tern_conn *c)
{
    TERN_ENSURE(!c->busy, TERN_ERR_REENTRANT);
    c->busy = 1;
    c->quiet = (uint8_t)c->ops->handshaking(&c->v);
    if (c->quiet) {
        tern_crypto_quiet_begin();
    }
    return TERN_OK;
}

/* Carries out what a callback asked for (conn.h): abort, or shutdown. */
static int run_deferred(struct tern_conn *c, int rc)
{
    unsigned deferred = c->deferred;
    c->deferred &= TERN_CONN_DEFER_FREE;
    if ((deferred & TERN_CONN_DEFER_ABORT) != 0) {
        abort_now(c);
        return c->error;
    }
    if ((deferred & TERN_CONN_DEFER_SHUTDOWN) != 0 &&
        (c->state == TERN_STATE_ESTABLISHED || c->state == TERN_STATE_HANDSHAKING ||
         c->state == TERN_STATE_PEER_VERIFY_ERROR)) {
        close_now(c);
    }
    return rc;
}

/* The log line for a connection that just entered its current state. */
static void log_state(const struct tern_conn *c)
{
    const struct tern_config *cfg = c->cfg;
    switch ((enum tern_state)c->state) {
    case TERN_STATE_HANDSHAKING:
        tern_log(cfg, c, TERN_LOG_INFO, "handshake running");
        break;
    case TERN_STATE_ESTABLISHED: {
        const struct tern_suite *s = tern_suite_by_id(c->sess.suite);
        tern_log(cfg, c, TERN_LOG_INFO, "established: %s, %s",
                 c->sess.version == TERN_DTLS_1_2 ? "DTLS 1.2" : "DTLS",
                 s != NULL ? s->name : "unknown suite");
        break;
    }
    case TERN_STATE_PEER_VERIFY_ERROR:
        tern_log(cfg, c, TERN_LOG_WARNING, "handshake paused on the peer's certificate");
        break;
    case TERN_STATE_CLOSED:
        tern_log(cfg, c, TERN_LOG_INFO, "closed");
        break;
    case TERN_STATE_FAILED:
        if (c->alert_sent >= 0) {
            tern_log(cfg, c, TERN_LOG_ERROR, "failed: %s (alert %d sent)", tern_strerror(c->error),
                     c->alert_sent);
        } else if (c->alert_received >= 0) {
            tern_log(cfg, c, TERN_LOG_ERROR, "failed: %s (alert %d received)",
                     tern_strerror(c->error), c->alert_received);
        } else {
            tern_log(cfg, c, TERN_LOG_ERROR, "failed: %s", tern_strerror(c->error));
        }
        break;
    default:
        break;
    }
}

/* Tells the log and the state callback of each state entered, in order.
 * The callback runs as any other (busy is set: what it asks for is
 * deferred), so each round carries out its requests, which may enter a
 * last state (closed, failed) to tell in the next; three rounds suffice. */
static int announce(struct tern_conn *c, int rc)
{
    const struct tern_config *cfg = c->cfg;
    for (int round = 0; round < 3 && c->n_untold > 0; round++) {
        uint8_t told[TERN_CONN_UNTOLD_MAX];
        size_t n = c->n_untold;
        memcpy(told, c->untold, n);
        c->n_untold = 0;
        for (size_t i = 0; i < n && (c->deferred & TERN_CONN_DEFER_FREE) == 0; i++) {
            uint8_t now = c->state;
            c->state = told[i]; /* the log line and the callback see the state entered */
            log_state(c);
            c->state = now;
            if (cfg->state_cb != NULL) {
                cfg->state_cb(cfg->state_arg, c, (enum tern_state)told[i]);
            }
        }
        rc = run_deferred(c, rc);
    }
    return rc;
}

/* The call ends: what its callbacks asked for happens now, then the state
 * changes are told. Returns rc, or the connection's error when a callback
 * aborted it. After a deferred free the connection is gone. */
static int finish(struct tern_conn *c, int rc)
{
    c->busy = 1;
    rc = announce(c, run_deferred(c, rc));
    c->busy = 0;
    if ((c->deferred & TERN_CONN_DEFER_FREE) != 0) {
        free_now(c);
    }
    return rc;
}

static int leave(struct tern_conn *c, int rc)
{
    if (c->quiet) {
        tern_crypto_quiet_end();
    }
    return finish(c, rc);
}

/* The end of a call that does not enter(): one made from a callback leaves
 * the telling to the call that ran the callback. */
static int done(struct tern_conn *c, int rc)
{
    return c->busy || c->n_untold == 0 ? rc : finish(c, rc);
}

static int conn_new(struct tern_conn **out, struct tern_config *cfg)
{
    struct tern_conn *c = tern_calloc(1, sizeof(*c));
    TERN_ENSURE(c != NULL, TERN_ERR_NOMEM);
    /* DTLS 1.2 is the only version so far; with 1.3 a server learns the
     * version from the ClientHello and a client from the ServerHello. */
    c->ops = &tern_dtls12_ops;
    int rc = c->ops->init(&c->v, &cfg->hs, &c->sess, c);
    if (rc != TERN_OK) {
        c->ops->wipe(&c->v);
        tern_free(c);
        return rc;
    }
    tern_config_ref(cfg);
    c->cfg = cfg;
    c->mtu = cfg->mtu;
    c->alert_sent = -1;
    c->alert_received = -1;
    c->deadline = UINT64_MAX;
    *out = c;
    return TERN_OK;
}

int tern_conn_new(struct tern_conn **out, struct tern_config *cfg)
{
    TERN_ENSURE(out != NULL, TERN_ERR_ARG);
    *out = NULL;
    TERN_ENSURE(cfg != NULL, TERN_ERR_ARG);
    /* DESIGN.md: a server allocates nothing for a peer before its cookie
     * verifies; with the gate on, tern_conn_accept() is the way in. */
    TERN_ENSURE(cfg->hs.role == TERN_ROLE_CLIENT || cfg->cookie_mode == TERN_COOKIES_INSECURE_OFF,
                TERN_ERR_COOKIE);
    tern_crypto_quiet_begin();
    int rc = conn_new(out, cfg);
    tern_crypto_quiet_end();
    return rc;
}

static int conn_receive(struct tern_conn *c, uint64_t now_ns, uint8_t *dgram, size_t len,
                        tern_data_fn on_data, void *arg);

int tern_conn_accept(struct tern_conn **out, struct tern_config *cfg, struct tern_cookie *gate,
                     uint64_t now_ns, uint8_t *dgram, size_t len, const void *peer, size_t peer_len)
{
    TERN_ENSURE(out != NULL, TERN_ERR_ARG);
    *out = NULL;
    TERN_ENSURE(cfg != NULL && gate != NULL && dgram != NULL && peer != NULL, TERN_ERR_ARG);
    TERN_ENSURE(cfg->hs.role == TERN_ROLE_SERVER, TERN_ERR_STATE);
    tern_crypto_quiet_begin();
    int ok = tern_cookie_gate_verify(gate, dgram, len, peer, peer_len);
    struct tern_conn *c = NULL;
    int rc = ok < 0 ? ok : ok == 0 ? TERN_ERR_COOKIE : conn_new(&c, cfg);
    tern_crypto_quiet_end();
    TERN_TRY(rc);
    TERN_ENSURE(c != NULL, TERN_ERR_NOMEM);
    *out = c;
    /* The verified ClientHello starts the handshake, as any datagram
     * would a new server connection (a new connection is not busy). */
    TERN_TRY(enter(c));
    return leave(c, conn_receive(c, now_ns, dgram, len, NULL, NULL));
}

void tern_conn_free(struct tern_conn *c)
{
    if (c == NULL) {
        return;
    }
    if (c->busy) {
        /* From a callback: the call that ran it still uses the connection. */
        c->deferred |= TERN_CONN_DEFER_FREE;
        return;
    }
    free_now(c);
}

int tern_conn_set_server_name(struct tern_conn *c, const char *name)
{
    TERN_ENSURE(c != NULL && name != NULL, TERN_ERR_ARG);
    size_t len = strlen(name);
    TERN_ENSURE(len > 0, TERN_ERR_ARG);
    TERN_ENSURE(c->state == TERN_STATE_IDLE && c->cfg->hs.role == TERN_ROLE_CLIENT, TERN_ERR_STATE);
    return c->ops->set_server_name(&c->v, name, len);
}

void tern_conn_set_user_data(struct tern_conn *c, void *data)
{
    if (c != NULL) {
        c->user_data = data;
    }
}

int tern_conn_set_mtu(struct tern_conn *c, size_t mtu)
{
    TERN_ENSURE(c != NULL && mtu >= 256 && mtu <= 16384, TERN_ERR_ARG);
    c->mtu = mtu;
    return TERN_OK;
}

/* Whether repeats of the peer's previous flight may be answered with ours
 * now. Each costs the peer a small datagram and us a whole flight, and an
 * unprotected repeat can be forged, so at most one is answered per half
 * the initial retransmission timeout since the flight was first sent or
 * last sent to answer one (RFC 6347 section 4.2.4 has a peer repeat only
 * on its timer, a full interval apart; half leaves room for jitter between
 * the two paths). A retransmission on our own timer does not count: when
 * both timers fire together, the answer and the retransmission are two
 * chances on a lossy path, and the timer bounds them anyway. The rest are
 * counted as unanswered. */
static int answer_repeats(struct tern_conn *c, uint64_t now, unsigned repeats)
{
    uint64_t gap = (uint64_t)c->cfg->timer_initial_ms * NS_PER_MS / 2;
    int answer = now >= c->last_flight_ns && now - c->last_flight_ns >= gap;
    if (answer) {
        c->last_flight_ns = now;
        repeats--;
    }
    drops(c)[TERN_DROP_REPEAT_UNANSWERED] += repeats;
    return answer;
}

/* Acts on what the handshake did: a new flight starts the timer at its
 * initial value; a repeated peer flight may resend ours (during the
 * handshake, and after it while a server still answers repeats). */
static void after_handshake_step(struct tern_conn *c, uint64_t now, struct tern_v_events *ev)
{
    c->ops->poll(&c->v, ev);
    if (ev->new_flight) {
        c->last_flight_ns = now;
        c->timeout_ms = c->cfg->timer_initial_ms;
        c->retransmits = 0;
        c->deadline = now + c->timeout_ms * NS_PER_MS;
    }
    if (ev->repeats > 0 && ev->can_resend && answer_repeats(c, now, ev->repeats)) {
        c->ops->resend(&c->v);
        tern_log(c->cfg, c, TERN_LOG_DEBUG, "the peer repeated its flight: ours sent again");
    }
}

/* The handshake is over: the connection keeps its established state and
 * what the application asked to keep; the version frees the rest. */
static int complete(struct tern_conn *c)
{
    struct tern_v_kept kept;
    TERN_TRY(c->ops->complete(&c->v, &kept));
    c->peer_chain = kept.peer_chain;
    c->ca_names = kept.ca_names;
    c->ca_names_len = kept.ca_names_len;
    set_state(c, TERN_STATE_ESTABLISHED);
    c->completed = 1;
    c->deadline = UINT64_MAX;
    return TERN_OK;
}

static int conn_start(struct tern_conn *c, uint64_t now_ns)
{
    TERN_ENSURE(c->state == TERN_STATE_IDLE && c->cfg->hs.role == TERN_ROLE_CLIENT, TERN_ERR_STATE);
    /* Before anything changes: the caller may set a name and start again. */
    TERN_TRY(c->ops->may_start(&c->v));
    set_state(c, TERN_STATE_HANDSHAKING);
    c->auth_drops_before = drops(c)[TERN_DROP_AUTH];
    int rc = c->ops->start(&c->v);
    if (rc != TERN_OK) {
        return fail(c, rc);
    }
    struct tern_v_events ev;
    after_handshake_step(c, now_ns, &ev);
    return TERN_OK;
}

int tern_conn_start(struct tern_conn *c, uint64_t now_ns)
{
    TERN_ENSURE(c != NULL, TERN_ERR_ARG);
    TERN_TRY(enter(c));
    return leave(c, conn_start(c, now_ns));
}

/* Alerts (RFC 5246 section 7.2). Under the peer's keys an alert is the
 * peer's word: close_notify closes, a fatal alert fails, warnings are
 * counted against a flood, and a malformed one is fatal. Unprotected, only
 * a well-formed fatal alert before the peer's keys exist may end the
 * handshake (DTLS 1.2 cannot authenticate it); everything else unprotected
 * is dropped, so a forged close_notify or warning changes nothing. */
static int on_alert(struct tern_conn *c, const struct tern_record *rec)
{
    int authenticated = rec->authenticated;
    uint8_t level = rec->len == 2 ? rec->data[0] : 0;
    if (rec->len != 2 || (level != ALERT_WARNING && level != ALERT_FATAL)) {
        if (!authenticated) {
            drops(c)[TERN_DROP_MALFORMED]++;
            return TERN_OK;
        }
        /* RFC 5246 section 7.2: an alert has a level of 1 or 2. */
        return rec->len != 2 ? TERN_ERR_DECODE : TERN_ERR_ILLEGAL_PARAMETER;
    }
    uint8_t desc = rec->data[1];
    if (!authenticated && (level != ALERT_FATAL || c->ops->peer_keyed(&c->v) || c->completed)) {
        drops(c)[TERN_DROP_UNEXPECTED]++;
        return TERN_OK;
    }
    c->alert_received = desc;
    if (level == ALERT_WARNING && desc == TERN_ALERT_CLOSE_NOTIFY) {
        tern_log(c->cfg, c, TERN_LOG_INFO, "close_notify received");
    } else {
        tern_log(c->cfg, c, level == ALERT_FATAL ? TERN_LOG_ERROR : TERN_LOG_WARNING,
                 "%s alert %u received", level == ALERT_FATAL ? "fatal" : "warning",
                 (unsigned)desc);
    }
    if (level == ALERT_FATAL) {
        return TERN_ERR_PEER_ALERT;
    }
    if (desc == TERN_ALERT_CLOSE_NOTIFY) {
        /* RFC 5246 section 7.2.1: "The other party MUST respond with a
         * close_notify alert of its own"; conn_receive() closes once the
         * datagram is done. */
        set_state(c, TERN_STATE_CLOSED);
        c->deadline = UINT64_MAX;
        return TERN_OK;
    }
    /* Other warnings change nothing, up to a point. */
    TERN_ENSURE(++c->warnings_in_row <= MAX_WARNINGS_IN_ROW, TERN_ERR_ALERT_FLOOD);
    return TERN_OK;
}

static int on_record(struct tern_conn *c, const struct tern_record *rec, tern_data_fn on_data,
                     void *arg)
{
    if (rec->type != TERN_CT_ALERT) {
        c->warnings_in_row = 0;
    }
    if (rec->type == TERN_CT_ALERT) {
        return on_alert(c, rec);
    }
    if (rec->type != TERN_CT_APPLICATION_DATA) {
        int rc = c->ops->on_record(&c->v, rec);
        if (rc == TERN_V_REFUSE_RENEGOTIATION) {
            tern_log(c->cfg, c, TERN_LOG_WARNING, "renegotiation refused");
            if (c->once_len == 0) {
                queue_alert(c, ALERT_WARNING, TERN_ALERT_NO_RENEGOTIATION);
            }
            return TERN_OK;
        }
        return rc;
    }
    if (c->state != TERN_STATE_ESTABLISHED || !rec->current) {
        drops(c)[TERN_DROP_EPOCH]++;
        return TERN_OK;
    }
    if (on_data != NULL) {
        on_data(arg, rec->data, rec->len);
    }
    return TERN_OK;
}

/* Walks the records of one datagram; stops at close_notify, or when a
 * callback asked for the connection to end. */
static int walk(struct tern_conn *c, uint8_t *dgram, size_t len, tern_data_fn on_data, void *arg)
{
    struct tern_rec_cursor cur;
    struct tern_record rec;
    c->ops->open(&cur, dgram, len);
    int got;
    while ((got = c->ops->next(&c->v, &cur, &rec)) != TERN_V_END) {
        if (got == TERN_V_HELD) {
            continue;
        }
        TERN_TRY(on_record(c, &rec, on_data, arg));
        if (c->state == TERN_STATE_CLOSED || c->deferred != 0) {
            break;
        }
    }
    return TERN_OK;
}

/* Replays held records once their epoch has become readable. */
static int replay_held(struct tern_conn *c, tern_data_fn on_data, void *arg)
{
    uint8_t buf[TERN_V_HELD_RECORD_MAX];
    size_t len = 0;
    for (unsigned i = 0; i < MAX_HELD_REPLAYS && c->state != TERN_STATE_CLOSED &&
                         c->deferred == 0 && c->ops->take_held(&c->v, buf, sizeof(buf), &len);
         i++) {
        TERN_TRY(walk(c, buf, len, on_data, arg));
    }
    return TERN_OK;
}

/* After the handshake moved: schedule what it built, note a pause for a
 * verification decision, and establish the connection when it is done. */
static int settle(struct tern_conn *c, uint64_t now_ns)
{
    struct tern_v_events ev;
    after_handshake_step(c, now_ns, &ev);
    if (ev.paused && c->state == TERN_STATE_HANDSHAKING) {
        set_state(c, TERN_STATE_PEER_VERIFY_ERROR);
    }
    if (ev.done && c->state == TERN_STATE_HANDSHAKING) {
        c->last_flight_ns = now_ns; /* a server's final flight goes out now */
        return complete(c);
    }
    return TERN_OK;
}

static int receive_records(struct tern_conn *c, uint64_t now_ns, uint8_t *dgram, size_t len,
                           tern_data_fn on_data, void *arg)
{
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
        TERN_ENSURE(c->cfg->hs.role == TERN_ROLE_SERVER, TERN_ERR_STATE);
        set_state(c, TERN_STATE_HANDSHAKING);
        c->auth_drops_before = drops(c)[TERN_DROP_AUTH];
    }
    int rc = walk(c, dgram, len, on_data, arg);
    if (rc == TERN_OK && c->state != TERN_STATE_CLOSED) {
        rc = replay_held(c, on_data, arg);
    }
    if (rc != TERN_OK) {
        return fail(c, rc);
    }
    if (c->state == TERN_STATE_CLOSED) {
        /* The peer's close_notify, authenticated: ours goes back, then
         * the keys go. */
        close_now(c);
        return TERN_OK;
    }
    rc = settle(c, now_ns);
    return rc == TERN_OK ? TERN_OK : fail(c, rc);
}

static int conn_receive(struct tern_conn *c, uint64_t now_ns, uint8_t *dgram, size_t len,
                        tern_data_fn on_data, void *arg)
{
    if (!tern_log_on(c->cfg, TERN_LOG_DEBUG)) {
        return receive_records(c, now_ns, dgram, len, on_data, arg);
    }
    uint32_t before[TERN_DROP_REASONS];
    memcpy(before, c->ops->drop_counts(&c->v), sizeof(before));
    int rc = receive_records(c, now_ns, dgram, len, on_data, arg);
    tern_log_drops(c->cfg, c, before, c->ops->drop_counts(&c->v));
    return rc;
}

int tern_conn_receive(struct tern_conn *c, uint64_t now_ns, uint8_t *dgram, size_t len,
                      tern_data_fn on_data, void *arg)
{
    TERN_ENSURE(c != NULL && (dgram != NULL || len == 0), TERN_ERR_ARG);
    TERN_TRY(enter(c));
    return leave(c, conn_receive(c, now_ns, dgram, len, on_data, arg));
}

static ptrdiff_t conn_pull(struct tern_conn *c, uint8_t *out, size_t cap)
{
    if (c->once_len > 0) {
        TERN_ENSURE(cap >= c->once_len, TERN_ERR_BUFFER);
        size_t n = c->once_len;
        memcpy(out, c->once, n);
        c->once_len = 0;
        return (ptrdiff_t)n;
    }
    /* RFC 5246 section 7.2.1: after close_notify nothing else is sent. */
    if (c->state == TERN_STATE_FAILED || c->state == TERN_STATE_CLOSED) {
        return TERN_ERR_NOTHING_TO_SEND;
    }
    ptrdiff_t n = c->ops->emit(&c->v, out, cap, c->mtu);
    if (n == TERN_ERR_BUFFER) {
        return n; /* nothing changed: the caller may pull with more room */
    }
    if (n < 0) {
        return fail(c, (int)n);
    }
    return n > 0 ? n : TERN_ERR_NOTHING_TO_SEND;
}

ptrdiff_t tern_conn_pull(struct tern_conn *c, uint64_t now_ns, uint8_t *out, size_t cap)
{
    (void)now_ns;
    TERN_ENSURE(c != NULL && out != NULL, TERN_ERR_ARG);
    TERN_ENSURE(!c->busy, TERN_ERR_REENTRANT);
    ptrdiff_t n = conn_pull(c, out, cap);
    /* Only a failure changes the state here, and its code fits an int. */
    return c->n_untold > 0 ? done(c, (int)n) : n;
}

uint64_t tern_conn_deadline(const struct tern_conn *c)
{
    if (c == NULL || c->state != TERN_STATE_HANDSHAKING) {
        return UINT64_MAX;
    }
    return c->deadline;
}

static int conn_timeout(struct tern_conn *c, uint64_t now_ns)
{
    if (c->state == TERN_STATE_FAILED) {
        return c->error;
    }
    if (c->state != TERN_STATE_HANDSHAKING || now_ns < c->deadline) {
        return TERN_OK;
    }
    const struct tern_config *cfg = c->cfg;
    if (c->retransmits >= cfg->max_retransmits) {
        /* Records of the new epoch that never authenticated mean the two
         * sides derived different keys: most often different PSKs. */
        int err = drops(c)[TERN_DROP_AUTH] > c->auth_drops_before ? TERN_ERR_BAD_FINISHED
                                                                  : TERN_ERR_TIMEOUT;
        /* The alert is err's; the version may know what it was. */
        return fail_as(c, c->ops->explain_timeout(&c->v, err), err);
    }
    c->retransmits++;
    /* RFC 6347 section 4.2.4.1: double the timer, up to the maximum. */
    uint64_t next = (uint64_t)c->timeout_ms * 2;
    c->timeout_ms = (uint32_t)(next > cfg->timer_max_ms ? cfg->timer_max_ms : next);
    c->deadline = now_ns + c->timeout_ms * NS_PER_MS;
    c->ops->resend(&c->v);
    tern_log(c->cfg, c, TERN_LOG_DEBUG, "flight sent again (%u of %u), next in %u ms",
             c->retransmits, cfg->max_retransmits, (unsigned)c->timeout_ms);
    return TERN_OK;
}

int tern_conn_timeout(struct tern_conn *c, uint64_t now_ns)
{
    TERN_ENSURE(c != NULL, TERN_ERR_ARG);
    TERN_ENSURE(!c->busy, TERN_ERR_REENTRANT);
    return done(c, conn_timeout(c, now_ns));
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
    ptrdiff_t n = c->ops->seal(&c->v, TERN_CT_APPLICATION_DATA, data, len, out, cap, c->mtu);
    if (n == TERN_ERR_SEQ_EXHAUSTED) {
        return done(c, fail(c, TERN_ERR_SEQ_EXHAUSTED));
    }
    return n;
}

int tern_conn_shutdown(struct tern_conn *c)
{
    TERN_ENSURE(c != NULL, TERN_ERR_ARG);
    TERN_ENSURE(c->state == TERN_STATE_ESTABLISHED || c->state == TERN_STATE_HANDSHAKING ||
                    c->state == TERN_STATE_PEER_VERIFY_ERROR,
                TERN_ERR_STATE);
    if (c->busy) {
        c->deferred |= TERN_CONN_DEFER_SHUTDOWN;
        return TERN_OK;
    }
    close_now(c);
    return done(c, TERN_OK);
}

void tern_conn_abort(struct tern_conn *c)
{
    if (c == NULL || c->state == TERN_STATE_FAILED) {
        return;
    }
    if (c->busy) {
        /* The handshake code on the stack stops at its next step. */
        c->deferred |= TERN_CONN_DEFER_ABORT;
        c->ops->abort(&c->v);
        return;
    }
    abort_now(c);
    (void)done(c, TERN_OK);
}

int tern_conn_ignore_verify_errors(struct tern_conn *c, const struct tern_verify_error *errs,
                                   size_t n)
{
    TERN_ENSURE(c != NULL && (errs != NULL || n == 0), TERN_ERR_ARG);
    TERN_ENSURE(c->state == TERN_STATE_PEER_VERIFY_ERROR, TERN_ERR_STATE);
    return c->ops->ignore_errors(&c->v, errs, n);
}

static int conn_resume(struct tern_conn *c, uint64_t now_ns)
{
    if (c->state == TERN_STATE_FAILED) {
        return c->error;
    }
    TERN_ENSURE(c->state == TERN_STATE_PEER_VERIFY_ERROR, TERN_ERR_STATE);
    set_state(c, TERN_STATE_HANDSHAKING);
    int rc = c->ops->resume(&c->v);
    if (rc == TERN_OK) {
        rc = replay_held(c, NULL, NULL);
    }
    if (rc == TERN_OK) {
        rc = settle(c, now_ns);
    }
    return rc == TERN_OK ? TERN_OK : fail(c, rc);
}

int tern_conn_resume(struct tern_conn *c, uint64_t now_ns)
{
    TERN_ENSURE(c != NULL, TERN_ERR_ARG);
    TERN_TRY(enter(c));
    return leave(c, conn_resume(c, now_ns));
}
