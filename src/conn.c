/* The sans-I/O connection (include/tern/conn.h): glue between the record
 * layer, the DTLS 1.2 handshake, alerts, timers and application data. */
#include <tern/conn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "config_impl.h"
#include "conn_impl.h"
#include "cookie_gate.h"
#include "crypto/errors.h"
#include "handshake/header.h"
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
/* A ClientHello's record number the server continues from, at most: a
 * client that has sent this many records before its handshake is not
 * plausible, and 2^48 numbers leave ample room above it. */
#define MAX_FOLLOWED_SEQ (UINT64_C(1) << 32)

static void free_handshake(struct tern_conn *c)
{
    if (c->hs != NULL) {
        tern_hs12_clear(c->hs);
        tern_free(c->hs);
        c->hs = NULL;
    }
}

/* Wipes every key and the handshake state: when the connection fails or
 * closes, not only when it is freed. */
static void wipe_keys(struct tern_conn *c)
{
    free_handshake(c);
    tern_rec12_clear(&c->rl);
    tern_zeroize(c->sess.master, sizeof(c->sess.master));
    tern_zeroize(&c->final, sizeof(c->final));
    c->final_active = 0;
    c->final_pending = 0;
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
    c->state = TERN_STATE_FAILED;
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
    c->state = TERN_STATE_CLOSED;
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
        c->state = TERN_STATE_FAILED;
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
    c->quiet = c->hs != NULL;
    if (c->quiet) {
        tern_crypto_quiet_begin();
    }
    return TERN_OK;
}

/* The call ends: what its callbacks asked for happens now. Returns rc, or
 * the connection's error when a callback aborted it. After a deferred
 * free the connection is gone. */
static int leave(struct tern_conn *c, int rc)
{
    if (c->quiet) {
        tern_crypto_quiet_end();
    }
    c->busy = 0;
    unsigned deferred = c->deferred;
    c->deferred = 0;
    if ((deferred & TERN_CONN_DEFER_ABORT) != 0) {
        abort_now(c);
        rc = c->error;
    } else if ((deferred & TERN_CONN_DEFER_SHUTDOWN) != 0 &&
               (c->state == TERN_STATE_ESTABLISHED || c->state == TERN_STATE_HANDSHAKING ||
                c->state == TERN_STATE_PEER_VERIFY_ERROR)) {
        close_now(c);
    }
    if ((deferred & TERN_CONN_DEFER_FREE) != 0) {
        free_now(c);
    }
    return rc;
}

static int conn_new(struct tern_conn **out, struct tern_config *cfg)
{
    struct tern_conn *c = tern_calloc(1, sizeof(*c));
    TERN_ENSURE(c != NULL, TERN_ERR_NOMEM);
    c->hs = tern_calloc(1, sizeof(*c->hs));
    if (c->hs == NULL) {
        tern_free(c);
        return TERN_ERR_NOMEM;
    }
    tern_rec12_init(&c->rl, TERN_DTLS12_VERSION);
    const struct tern_hs12_machine *machine =
        cfg->hs.role == TERN_ROLE_CLIENT ? &tern_hs12_client : &tern_hs12_server;
    int rc = tern_hs12_init(c->hs, machine, &cfg->hs, &c->rl, &c->sess);
    if (rc != TERN_OK) {
        tern_free(c->hs);
        tern_free(c);
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
    c->rl.drops[TERN_DROP_REPEAT_UNANSWERED] += repeats;
    return answer;
}

/* Acts on what the handshake asked for: a new flight starts the timer at
 * its initial value; a repeated peer flight may resend ours. */
static void after_handshake_step(struct tern_conn *c, uint64_t now)
{
    struct tern_hs12 *hs = c->hs;
    if (hs == NULL) {
        return;
    }
    const struct tern_config *cfg = c->cfg;
    if (hs->flight_ready) {
        hs->flight_ready = 0;
        hs->repeats = 0;
        /* What a repeat of the peer's flight that this one answers looks
         * like: its last message, just taken. */
        hs->peer_flight_seq = hs->reasm.next_seq;
        hs->repeat_type = hs->last_type;
        hs->repeat_len = hs->last_len;
        tern_flight_schedule(&hs->flight);
        c->last_flight_ns = now;
        c->timeout_ms = cfg->timer_initial_ms;
        c->retransmits = 0;
        c->deadline = now + c->timeout_ms * NS_PER_MS;
    }
    if (hs->repeats > 0) {
        unsigned repeats = hs->repeats;
        hs->repeats = 0;
        if (hs->flight.n == 0 || tern_flight_pending(&hs->flight)) {
            return; /* nothing to resend, or it is being sent already */
        }
        if (answer_repeats(c, now, repeats)) {
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

/* The handshake is over: the connection keeps its established state and
 * nothing else. A server keeps its last flight inside the connection,
 * since a client that lost it repeats its Finished and the server must
 * answer (RFC 6347 section 4.2.4); every other byte of handshake state is
 * freed now, so a session holds the same memory before and after its
 * first data. */
static int complete(struct tern_conn *c)
{
    struct tern_hs12 *hs = c->hs;
    if (!hs->is_client) {
        TERN_TRY(tern_hs12_final_flight(hs, &c->final, &c->final_peer_seq));
        /* The first transmission: whatever of the flight was scheduled is
         * sent from the kept copy instead. */
        c->final_active = 1;
        c->final_pending = 1;
    }
    c->state = TERN_STATE_ESTABLISHED;
    c->completed = 1;
    c->deadline = UINT64_MAX;
    /* RFC 6347 section 4.1: epoch 0 is no longer needed for reading. */
    tern_rec12_drop_previous_rx(&c->rl);
    if ((c->cfg->hs.flags & TERN_FLAG_KEEP_PEER_CHAIN) != 0) {
        c->peer_chain = hs->peer_chain;
        hs->peer_chain = NULL;
        if (hs->is_client) {
            c->ca_names = hs->cl.ca_names;
            c->ca_names_len = hs->cl.ca_names_len;
            hs->cl.ca_names = NULL;
        }
    }
    free_handshake(c);
    keylog(c);
    return TERN_OK;
}

static int conn_start(struct tern_conn *c, uint64_t now_ns)
{
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
    TERN_ENSURE(c != NULL, TERN_ERR_ARG);
    TERN_TRY(enter(c));
    return leave(c, conn_start(c, now_ns));
}

/* A handshake record once the handshake is over (hs is NULL): a
 * ClientHello (server) or HelloRequest (client) asks for renegotiation,
 * which tern refuses with a warning (RFC 5746 section 4.5, DESIGN.md
 * principle 4); a server still answering repeats notes the client's
 * Finished repeated (the record is authenticated: the client lost our last
 * flight). */
static void after_handshake_record(struct tern_conn *c, const uint8_t *body, size_t len,
                                   unsigned *repeats)
{
    struct tern_reader r;
    tern_r_init(&r, body, len);
    struct tern_reader frag;
    struct tern_hs_header h;
    while (tern_hs_header_parse(&r, &h, &frag) == TERN_OK) {
        int ask = c->cfg->hs.role == TERN_ROLE_SERVER ? h.type == TERN_HS_CLIENT_HELLO
                                                      : h.type == TERN_HS_HELLO_REQUEST;
        if (ask && c->once_len == 0) {
            queue_alert(c, ALERT_WARNING, TERN_ALERT_NO_RENEGOTIATION);
        }
        if (c->final_active && h.type == TERN_HS_FINISHED && h.message_seq == c->final_peer_seq &&
            h.frag_offset == 0 && h.length == TERN_VERIFY_DATA_LEN) {
            (*repeats)++;
        }
    }
}

/* Alerts (RFC 5246 section 7.2). Under the peer's keys an alert is the
 * peer's word: close_notify closes, a fatal alert fails, warnings are
 * counted against a flood, and a malformed one is fatal. Unprotected, only
 * a well-formed fatal alert before the peer's keys exist may end the
 * handshake (DTLS 1.2 cannot authenticate it); everything else unprotected
 * is dropped, so a forged close_notify or warning changes nothing. */
static int on_alert(struct tern_conn *c, const struct tern_rec12_record *rec)
{
    int authenticated = rec->epoch != 0;
    uint8_t level = rec->len == 2 ? rec->data[0] : 0;
    if (rec->len != 2 || (level != ALERT_WARNING && level != ALERT_FATAL)) {
        if (!authenticated) {
            c->rl.drops[TERN_DROP_MALFORMED]++;
            return TERN_OK;
        }
        /* RFC 5246 section 7.2: an alert has a level of 1 or 2. */
        return rec->len != 2 ? TERN_ERR_DECODE : TERN_ERR_ILLEGAL_PARAMETER;
    }
    uint8_t desc = rec->data[1];
    if (!authenticated &&
        (level != ALERT_FATAL || tern_rec12_rx_epoch(&c->rl) != 0 || c->completed)) {
        c->rl.drops[TERN_DROP_UNEXPECTED]++;
        return TERN_OK;
    }
    c->alert_received = desc;
    if (level == ALERT_FATAL) {
        return TERN_ERR_PEER_ALERT;
    }
    if (desc == TERN_ALERT_CLOSE_NOTIFY) {
        /* RFC 5246 section 7.2.1: "The other party MUST respond with a
         * close_notify alert of its own"; conn_receive() closes once the
         * datagram is done. */
        c->state = TERN_STATE_CLOSED;
        c->deadline = UINT64_MAX;
        return TERN_OK;
    }
    /* Other warnings change nothing, up to a point. */
    TERN_ENSURE(++c->warnings_in_row <= MAX_WARNINGS_IN_ROW, TERN_ERR_ALERT_FLOOD);
    return TERN_OK;
}

static int on_handshake_record(struct tern_conn *c, const struct tern_rec12_record *rec,
                               unsigned *repeats)
{
    if (c->hs != NULL && !c->hs->is_client && rec->epoch == 0 && tern_rec12_tx_epoch(&c->rl) == 0) {
        /* RFC 6347 section 4.2.1 (and erratum 5186): the server's records
         * answering a ClientHello take its record number, so they never
         * repeat one a stateless HelloVerifyRequest used. Epoch 0 is not
         * authenticated, so only plausible numbers are followed: a forged
         * record numbered near 2^48 must not use up the server's own
         * numbers. */
        if (rec->seq < MAX_FOLLOWED_SEQ) {
            tern_rec12_tx_seq_at_least(&c->rl, rec->seq);
        }
    }
    if (c->hs != NULL) {
        return tern_hs12_on_record(c->hs, rec->type, rec->epoch, rec->data, rec->len);
    }
    after_handshake_record(c, rec->data, rec->len, repeats);
    return TERN_OK;
}

static int on_record(struct tern_conn *c, const struct tern_rec12_record *rec, tern_data_fn on_data,
                     void *arg, unsigned *repeats)
{
    if (rec->type != TERN_CT_ALERT) {
        c->warnings_in_row = 0;
    }
    switch (rec->type) {
    case TERN_CT_HANDSHAKE:
        return on_handshake_record(c, rec, repeats);
    case TERN_CT_CHANGE_CIPHER_SPEC:
        if (c->hs != NULL) {
            return tern_hs12_on_record(c->hs, rec->type, rec->epoch, rec->data, rec->len);
        }
        return TERN_OK;
    case TERN_CT_ALERT:
        return on_alert(c, rec);
    case TERN_CT_APPLICATION_DATA:
        if (c->state != TERN_STATE_ESTABLISHED || rec->epoch != tern_rec12_rx_epoch(&c->rl)) {
            c->rl.drops[TERN_DROP_EPOCH]++;
            return TERN_OK;
        }
        /* Data from the client proves it has our Finished. */
        c->final_active = 0;
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
        hs->held = tern_alloc(TERN_HS12_HELD_RECORDS * sizeof(hs->held[0]));
        if (hs->held == NULL) {
            c->rl.drops[TERN_DROP_EPOCH]++; /* the peer's retransmission brings it */
            return;
        }
    }
    memcpy(hs->held[hs->n_held], rec->data, rec->len);
    hs->held_len[hs->n_held++] = rec->len;
}

/* Walks the records of one datagram; stops at close_notify, or when a
 * callback asked for the connection to end. */
static int walk(struct tern_conn *c, uint8_t *dgram, size_t len, tern_data_fn on_data, void *arg,
                unsigned *repeats)
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
        TERN_TRY(on_record(c, &rec, on_data, arg, repeats));
        if (c->state == TERN_STATE_CLOSED || c->deferred != 0) {
            break;
        }
    }
    return TERN_OK;
}

/* Replays held records once their epoch has become readable. */
static int replay_held(struct tern_conn *c, tern_data_fn on_data, void *arg, unsigned *repeats)
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
        TERN_TRY(walk(c, buf, len, on_data, arg, repeats));
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
        c->last_flight_ns = now_ns; /* a server's final flight goes out now */
        return complete(c);
    }
    return TERN_OK;
}

/* Established server: answers the client's repeated Finished with the kept
 * last flight, as often as answer_repeats() allows. */
static void answer_final_repeats(struct tern_conn *c, uint64_t now, unsigned repeats)
{
    if (repeats > 0 && c->final_active && !c->final_pending && answer_repeats(c, now, repeats)) {
        c->final_pending = 1;
    }
}

static int conn_receive(struct tern_conn *c, uint64_t now_ns, uint8_t *dgram, size_t len,
                        tern_data_fn on_data, void *arg)
{
    if (c->state == TERN_STATE_FAILED) {
        return c->error;
    }
    if (c->state == TERN_STATE_CLOSED) {
        return TERN_ERR_CLOSED;
    }
    unsigned repeats = 0;
    if (c->state == TERN_STATE_PEER_VERIFY_ERROR) {
        /* Still fed while paused: fragments are buffered, nothing moves on. */
        int rc = walk(c, dgram, len, on_data, arg, &repeats);
        return rc == TERN_OK ? TERN_OK : fail(c, rc);
    }
    if (c->state == TERN_STATE_IDLE) {
        TERN_ENSURE(c->cfg->hs.role == TERN_ROLE_SERVER, TERN_ERR_STATE);
        c->state = TERN_STATE_HANDSHAKING;
        c->auth_drops_before = c->rl.drops[TERN_DROP_AUTH];
    }
    int rc = walk(c, dgram, len, on_data, arg, &repeats);
    if (rc == TERN_OK && c->state != TERN_STATE_CLOSED) {
        rc = replay_held(c, on_data, arg, &repeats);
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
    if (c->hs == NULL) {
        answer_final_repeats(c, now_ns, repeats);
        return TERN_OK;
    }
    rc = settle(c, now_ns);
    return rc == TERN_OK ? TERN_OK : fail(c, rc);
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
        return TERN_ERR_WANT_MORE;
    }
    if (c->final_pending) {
        TERN_ENSURE(cap >= c->mtu, TERN_ERR_BUFFER);
        struct tern_rec_sink rl = tern_rec12_sink(&c->rl);
        ptrdiff_t n = tern_flight_final_emit(&c->final, &rl, out, cap, c->mtu);
        if (n < 0) {
            return fail(c, (int)n);
        }
        c->final_pending = 0;
        return n;
    }
    struct tern_hs12 *hs = c->hs;
    if (hs == NULL) {
        return TERN_ERR_WANT_MORE;
    }
    if (tern_flight_pending(&hs->flight)) {
        TERN_ENSURE(cap >= c->mtu, TERN_ERR_BUFFER);
        struct tern_rec_sink rl = tern_rec12_sink(&c->rl);
        ptrdiff_t n = tern_flight_emit(&hs->flight, &rl, out, cap, c->mtu);
        if (n < 0) {
            return fail(c, (int)n);
        }
        if (n > 0) {
            return n;
        }
    }
    return TERN_ERR_WANT_MORE;
}

ptrdiff_t tern_conn_pull(struct tern_conn *c, uint64_t now_ns, uint8_t *out, size_t cap)
{
    (void)now_ns;
    TERN_ENSURE(c != NULL && out != NULL, TERN_ERR_ARG);
    TERN_ENSURE(!c->busy, TERN_ERR_REENTRANT);
    return conn_pull(c, out, cap);
}

uint64_t tern_conn_deadline(const struct tern_conn *c)
{
    if (c == NULL || c->hs == NULL || c->state != TERN_STATE_HANDSHAKING) {
        return UINT64_MAX;
    }
    return c->deadline;
}

static int conn_timeout(struct tern_conn *c, uint64_t now_ns)
{
    if (c->state == TERN_STATE_FAILED) {
        return c->error;
    }
    if (c->hs == NULL || c->state != TERN_STATE_HANDSHAKING || now_ns < c->deadline) {
        return TERN_OK;
    }
    const struct tern_config *cfg = c->cfg;
    if (c->retransmits >= cfg->max_retransmits) {
        /* Records of the new epoch that never authenticated mean the two
         * sides derived different keys: most often different PSKs. */
        int err = c->rl.drops[TERN_DROP_AUTH] > c->auth_drops_before ? TERN_ERR_BAD_FINISHED
                                                                     : TERN_ERR_TIMEOUT;
        /* An unknown PSK identity ends like a wrong key on the wire (the
         * same alert), and says what it was here. */
        if (err == TERN_ERR_BAD_FINISHED && !c->hs->is_client && c->hs->sv.psk_unknown) {
            return fail_as(c, TERN_ERR_UNKNOWN_PSK_IDENTITY, err);
        }
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

int tern_conn_timeout(struct tern_conn *c, uint64_t now_ns)
{
    TERN_ENSURE(c != NULL, TERN_ERR_ARG);
    TERN_ENSURE(!c->busy, TERN_ERR_REENTRANT);
    return conn_timeout(c, now_ns);
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
    TERN_ENSURE(c->state == TERN_STATE_ESTABLISHED || c->state == TERN_STATE_HANDSHAKING ||
                    c->state == TERN_STATE_PEER_VERIFY_ERROR,
                TERN_ERR_STATE);
    if (c->busy) {
        c->deferred |= TERN_CONN_DEFER_SHUTDOWN;
        return TERN_OK;
    }
    close_now(c);
    return TERN_OK;
}

void tern_conn_abort(struct tern_conn *c)
{
    if (c == NULL || c->state == TERN_STATE_FAILED) {
        return;
    }
    if (c->busy) {
        /* The handshake code on the stack stops at its next step. */
        c->deferred |= TERN_CONN_DEFER_ABORT;
        if (c->hs != NULL) {
            c->hs->aborted = 1;
        }
        return;
    }
    abort_now(c);
}

int tern_conn_ignore_verify_errors(struct tern_conn *c, const struct tern_verify_error *errs,
                                   size_t n)
{
    TERN_ENSURE(c != NULL && (errs != NULL || n == 0), TERN_ERR_ARG);
    TERN_ENSURE(c->state == TERN_STATE_PEER_VERIFY_ERROR && c->hs != NULL, TERN_ERR_STATE);
    TERN_ENSURE(n <= TERN_HS12_MAX_VERIFY_ERRORS, TERN_ERR_ARG);
    if (n > 0) {
        memcpy(c->hs->ignored, errs, n * sizeof(errs[0]));
    }
    c->hs->n_ignored = n;
    return TERN_OK;
}

static int conn_resume(struct tern_conn *c, uint64_t now_ns)
{
    if (c->state == TERN_STATE_FAILED) {
        return c->error;
    }
    TERN_ENSURE(c->state == TERN_STATE_PEER_VERIFY_ERROR && c->hs != NULL, TERN_ERR_STATE);
    c->state = TERN_STATE_HANDSHAKING;
    unsigned repeats = 0;
    int rc = tern_hs12_resume(c->hs);
    if (rc == TERN_OK) {
        rc = replay_held(c, NULL, NULL, &repeats);
    }
    if (rc == TERN_OK && c->hs != NULL) {
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
