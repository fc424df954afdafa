/* DTLS 1.2 behind the version-neutral connection (dtls12/conn12.h). */
#include "dtls12/conn12.h"

#include <stdio.h>
#include <string.h>

#include <tern/err.h>

#include "handshake/header.h"
#include "util/alloc.h"
#include "util/ct.h"
#include "util/guard.h"

/* A ClientHello's record number the server continues from, at most: a
 * client that has sent this many records before its handshake is not
 * plausible, and 2^48 numbers leave ample room above it. */
#define MAX_FOLLOWED_SEQ (UINT64_C(1) << 32)

static void free_handshake(struct tern_dtls12 *d)
{
    if (d->hs != NULL) {
        tern_hs12_clear(d->hs);
        tern_free(d->hs);
        d->hs = NULL;
    }
}

static int init(void *v, const struct tern_hs_params *params, struct tern_session *sess,
                void *owner)
{
    struct tern_dtls12 *d = v;
    memset(d, 0, sizeof(*d));
    tern_rec12_init(&d->rl, TERN_DTLS12_VERSION);
    d->hs = tern_calloc(1, sizeof(*d->hs));
    TERN_ENSURE(d->hs != NULL, TERN_ERR_NOMEM);
    const struct tern_hs12_machine *machine =
        params->role == TERN_ROLE_CLIENT ? &tern_hs12_client : &tern_hs12_server;
    int rc = tern_hs12_init(d->hs, machine, params, &d->rl, sess);
    if (rc != TERN_OK) {
        tern_free(d->hs);
        d->hs = NULL;
        return rc;
    }
    d->hs->owner = owner;
    d->is_server = params->role == TERN_ROLE_SERVER;
    return TERN_OK;
}

static void wipe(void *v)
{
    struct tern_dtls12 *d = v;
    free_handshake(d);
    tern_rec12_clear(&d->rl);
    tern_zeroize(&d->final, sizeof(d->final));
    d->final_active = 0;
    d->final_pending = 0;
}

static uint32_t *drops(void *v)
{
    struct tern_dtls12 *d = v;
    return d->rl.drops;
}

static const uint32_t *drop_counts(const void *v)
{
    const struct tern_dtls12 *d = v;
    return d->rl.drops;
}

static int handshaking(const void *v)
{
    const struct tern_dtls12 *d = v;
    return d->hs != NULL;
}

static int set_server_name(void *v, const char *name, size_t len)
{
    struct tern_dtls12 *d = v;
    TERN_ENSURE(d->hs != NULL && d->hs->is_client, TERN_ERR_STATE);
    TERN_ENSURE(len < sizeof(d->hs->server_name), TERN_ERR_ARG);
    memcpy(d->hs->server_name, name, len);
    d->hs->server_name[len] = '\0';
    return TERN_OK;
}

static int may_start(const void *v)
{
    const struct tern_dtls12 *d = v;
    TERN_ENSURE(d->hs != NULL && d->hs->is_client, TERN_ERR_STATE);
    return tern_hs12_client_may_start(d->hs);
}

static int start(void *v)
{
    struct tern_dtls12 *d = v;
    TERN_ENSURE(d->hs != NULL, TERN_ERR_STATE);
    return tern_hs12_start(d->hs);
}

static void open_dgram(struct tern_rec_cursor *cur, uint8_t *dgram, size_t len)
{
    tern_rec12_iter_init(cur, dgram, len);
}

/* Holds a record of the next epoch until the ChangeCipherSpec installs its
 * keys; beyond the hold's capacity the peer's retransmission brings it. */
static void hold(struct tern_dtls12 *d, const struct tern_rec12_record *rec)
{
    struct tern_hs12 *hs = d->hs;
    if (hs == NULL || hs->n_held >= TERN_HS12_HELD_RECORDS || rec->len > TERN_HS12_HELD_MAX) {
        d->rl.drops[TERN_DROP_EPOCH]++;
        return;
    }
    if (hs->held == NULL) {
        hs->held = tern_alloc(TERN_HS12_HELD_RECORDS * sizeof(hs->held[0]));
        if (hs->held == NULL) {
            d->rl.drops[TERN_DROP_EPOCH]++; /* the peer's retransmission brings it */
            return;
        }
    }
    memcpy(hs->held[hs->n_held], rec->data, rec->len);
    hs->held_len[hs->n_held++] = rec->len;
}

static int next(void *v, struct tern_rec_cursor *cur, struct tern_record *rec)
{
    struct tern_dtls12 *d = v;
    struct tern_rec12_record r;
    int got = tern_rec12_next(&d->rl, cur, &r);
    if (got == TERN_REC_END) {
        return TERN_V_END;
    }
    if (got == TERN_REC_NEXT_EPOCH) {
        hold(d, &r);
        return TERN_V_HELD;
    }
    rec->type = r.type;
    rec->authenticated = r.epoch != 0;
    rec->current = r.epoch == tern_rec12_rx_epoch(&d->rl);
    rec->epoch = r.epoch;
    rec->seq = r.seq;
    rec->data = r.data;
    rec->len = r.len;
    if (r.type == TERN_CT_APPLICATION_DATA && rec->current) {
        /* Data from the client proves it has our last flight. */
        d->final_active = 0;
    }
    return TERN_V_RECORD;
}

static int take_held(void *v, uint8_t *buf, size_t cap, size_t *len)
{
    struct tern_dtls12 *d = v;
    struct tern_hs12 *hs = d->hs;
    if (hs == NULL || hs->n_held == 0 || tern_rec12_rx_epoch(&d->rl) == 0 ||
        hs->held_len[0] > cap) {
        return 0;
    }
    *len = hs->held_len[0];
    memcpy(buf, hs->held[0], *len);
    hs->n_held--;
    for (size_t i = 0; i < hs->n_held; i++) {
        memcpy(hs->held[i], hs->held[i + 1], hs->held_len[i + 1]);
        hs->held_len[i] = hs->held_len[i + 1];
    }
    return 1;
}

static int peer_keyed(const void *v)
{
    const struct tern_dtls12 *d = v;
    return tern_rec12_rx_epoch(&d->rl) != 0;
}

/* A handshake record once the handshake is over: a ClientHello (server)
 * or HelloRequest (client) asks for renegotiation, which tern refuses with
 * a warning (RFC 5746 section 4.5, DESIGN.md principle 4); a server still
 * answering repeats notes the client's Finished repeated (the record is
 * authenticated: the client lost our last flight). */
static int after_handshake(struct tern_dtls12 *d, const struct tern_record *rec)
{
    struct tern_reader r;
    tern_r_init(&r, rec->data, rec->len);
    struct tern_reader frag;
    struct tern_hs_header h;
    int refuse = 0;
    while (tern_hs_header_parse(&r, &h, &frag) == TERN_OK) {
        refuse |= d->is_server ? h.type == TERN_HS_CLIENT_HELLO : h.type == TERN_HS_HELLO_REQUEST;
        if (d->final_active && h.type == TERN_HS_FINISHED && h.message_seq == d->final_peer_seq &&
            h.frag_offset == 0 && h.length == TERN_VERIFY_DATA_LEN) {
            if (d->final_repeats < UINT8_MAX) {
                d->final_repeats++;
            }
        }
    }
    return refuse ? TERN_V_REFUSE_RENEGOTIATION : TERN_OK;
}

static int on_record(void *v, const struct tern_record *rec)
{
    struct tern_dtls12 *d = v;
    struct tern_hs12 *hs = d->hs;
    if (rec->type == TERN_CT_HANDSHAKE) {
        if (hs != NULL && d->is_server && rec->epoch == 0 && tern_rec12_tx_epoch(&d->rl) == 0 &&
            rec->seq < MAX_FOLLOWED_SEQ) {
            /* RFC 6347 section 4.2.1 (and erratum 5186): the server's
             * records answering a ClientHello take its record number, so
             * they never repeat one a stateless HelloVerifyRequest used.
             * Epoch 0 is not authenticated, so only plausible numbers are
             * followed: a forged record numbered near 2^48 must not use
             * up the server's own numbers. */
            tern_rec12_tx_seq_at_least(&d->rl, rec->seq);
        }
        if (hs == NULL) {
            return after_handshake(d, rec);
        }
        return tern_hs12_on_record(hs, rec->type, (uint16_t)rec->epoch, rec->data, rec->len);
    }
    if (rec->type == TERN_CT_CHANGE_CIPHER_SPEC && hs != NULL) {
        return tern_hs12_on_record(hs, rec->type, (uint16_t)rec->epoch, rec->data, rec->len);
    }
    return TERN_OK; /* a ChangeCipherSpec after the handshake, or a type 1.2 does not know */
}

static void poll_events(void *v, struct tern_v_events *ev)
{
    struct tern_dtls12 *d = v;
    struct tern_hs12 *hs = d->hs;
    memset(ev, 0, sizeof(*ev));
    if (hs == NULL) {
        ev->repeats = d->final_repeats;
        d->final_repeats = 0;
        ev->can_resend = d->final_active && !d->final_pending;
        return;
    }
    if (hs->flight_ready) {
        hs->flight_ready = 0;
        hs->repeats = 0;
        /* What a repeat of the peer's flight that this one answers looks
         * like: its last message, just taken. */
        hs->peer_flight_seq = hs->reasm.next_seq;
        hs->repeat_type = hs->last_type;
        hs->repeat_len = hs->last_len;
        tern_flight_schedule(&hs->flight);
        ev->new_flight = 1;
    }
    if (hs->repeats > 0) {
        ev->repeats = hs->repeats;
        hs->repeats = 0;
        /* Nothing to resend, or it is being sent already. */
        ev->can_resend = hs->flight.n > 0 && !tern_flight_pending(&hs->flight);
    }
    ev->paused = hs->paused;
    ev->done = (uint8_t)tern_hs12_done(hs);
}

static void resend(void *v)
{
    struct tern_dtls12 *d = v;
    if (d->hs != NULL) {
        tern_flight_schedule(&d->hs->flight);
    } else if (d->final_active) {
        d->final_pending = 1;
    }
}

/* NSS key log format: CLIENT_RANDOM <client_random> <master_secret>. */
static void keylog(const struct tern_hs12 *hs)
{
    const struct tern_hs_params *p = hs->params;
    if (p->keylog == NULL) {
        return;
    }
    char line[14 + 64 + 1 + 96 + 1];
    size_t off = (size_t)snprintf(line, sizeof(line), "CLIENT_RANDOM ");
    for (size_t i = 0; i < 32; i++) {
        off += (size_t)snprintf(line + off, sizeof(line) - off, "%02x", hs->sess->client_random[i]);
    }
    line[off++] = ' ';
    for (size_t i = 0; i < TERN_MASTER_SECRET_LEN; i++) {
        off += (size_t)snprintf(line + off, sizeof(line) - off, "%02x", hs->sess->master[i]);
    }
    p->keylog(p->keylog_arg, line);
    tern_zeroize(line, sizeof(line));
}

/* A server keeps its last flight, since a client that lost it repeats its
 * Finished and the server must answer (RFC 6347 section 4.2.4); every
 * other byte of handshake state is freed now, so a session holds the same
 * memory before and after its first data. */
static int complete(void *v, struct tern_v_kept *kept)
{
    struct tern_dtls12 *d = v;
    struct tern_hs12 *hs = d->hs;
    TERN_ENSURE(hs != NULL && tern_hs12_done(hs), TERN_ERR_STATE);
    if (!hs->is_client) {
        TERN_TRY(tern_hs12_final_flight(hs, &d->final, &d->final_peer_seq));
        /* The first transmission: whatever of the flight was scheduled is
         * sent from the kept copy instead. */
        d->final_active = 1;
        d->final_pending = 1;
    }
    /* RFC 6347 section 4.1: epoch 0 is no longer needed for reading. */
    tern_rec12_drop_previous_rx(&d->rl);
    hs->sess->group = tern_kx_uses_ecdhe(hs->suite->kx) ? hs->group : 0;
    hs->sess->scheme = hs->peer_scheme;
    memset(kept, 0, sizeof(*kept));
    if ((hs->params->flags & TERN_FLAG_KEEP_PEER_CHAIN) != 0) {
        kept->peer_chain = hs->peer_chain;
        hs->peer_chain = NULL;
        if (hs->is_client) {
            kept->ca_names = hs->cl.ca_names;
            kept->ca_names_len = hs->cl.ca_names_len;
            hs->cl.ca_names = NULL;
        }
    }
    keylog(hs);
    free_handshake(d);
    return TERN_OK;
}

static int explain_timeout(const void *v, int err)
{
    const struct tern_dtls12 *d = v;
    const struct tern_hs12 *hs = d->hs;
    /* An unknown PSK identity ends like a wrong key on the wire (the same
     * alert), and says what it was here. */
    if (err == TERN_ERR_BAD_FINISHED && hs != NULL && !hs->is_client && hs->sv.psk_unknown) {
        return TERN_ERR_UNKNOWN_PSK_IDENTITY;
    }
    return err;
}

static ptrdiff_t emit(void *v, uint8_t *out, size_t cap, size_t mtu)
{
    struct tern_dtls12 *d = v;
    struct tern_rec_sink sink = tern_rec12_sink(&d->rl);
    if (d->final_pending) {
        TERN_ENSURE(cap >= mtu, TERN_ERR_BUFFER);
        ptrdiff_t n = tern_flight_final_emit(&d->final, &sink, out, cap, mtu);
        if (n >= 0) {
            d->final_pending = 0;
        }
        return n;
    }
    if (d->hs == NULL || !tern_flight_pending(&d->hs->flight)) {
        return 0;
    }
    TERN_ENSURE(cap >= mtu, TERN_ERR_BUFFER);
    return tern_flight_emit(&d->hs->flight, &sink, out, cap, mtu);
}

static ptrdiff_t seal(void *v, uint8_t type, const void *data, size_t len, uint8_t *out, size_t cap,
                      size_t mtu)
{
    struct tern_dtls12 *d = v;
    uint16_t epoch = tern_rec12_tx_epoch(&d->rl);
    size_t prefix = 0;
    size_t suffix = 0;
    TERN_TRY(tern_rec12_layout(&d->rl, epoch, &prefix, &suffix));
    /* RFC 6347 section 4.1.1.1: a record larger than the MTU is an error,
     * not a datagram the network will fragment or drop. */
    TERN_ENSURE(len <= mtu && prefix + suffix <= mtu - len, TERN_ERR_RECORD_OVERFLOW);
    return tern_rec12_write_copy(&d->rl, epoch, type, data, len, out, cap);
}

static int ignore_errors(void *v, const struct tern_verify_error *errs, size_t n)
{
    struct tern_dtls12 *d = v;
    TERN_ENSURE(d->hs != NULL, TERN_ERR_STATE);
    TERN_ENSURE(n <= TERN_HS12_MAX_VERIFY_ERRORS, TERN_ERR_ARG);
    if (n > 0) {
        memcpy(d->hs->ignored, errs, n * sizeof(errs[0]));
    }
    d->hs->n_ignored = n;
    return TERN_OK;
}

static int resume(void *v)
{
    struct tern_dtls12 *d = v;
    TERN_ENSURE(d->hs != NULL, TERN_ERR_STATE);
    return tern_hs12_resume(d->hs);
}

static void abort_handshake(void *v)
{
    struct tern_dtls12 *d = v;
    if (d->hs != NULL) {
        d->hs->aborted = 1;
    }
}

static const struct tern_x509_chain *peer_chain(const void *v)
{
    const struct tern_dtls12 *d = v;
    return d->hs != NULL ? d->hs->peer_chain : NULL;
}

static const uint8_t *ca_names(const void *v, size_t *len)
{
    const struct tern_dtls12 *d = v;
    if (d->hs == NULL || !d->hs->is_client || d->hs->cl.ca_names == NULL) {
        *len = 0;
        return NULL;
    }
    *len = d->hs->cl.ca_names_len;
    return d->hs->cl.ca_names;
}

static int export_keys(const struct tern_session *s, const char *label, const uint8_t *context,
                       size_t context_len, uint8_t *out, size_t out_len)
{
    const struct tern_suite *suite = tern_suite_by_id(s->suite);
    TERN_ENSURE(suite != NULL, TERN_ERR_STATE);
    return tern_export12(suite->prf_hash, s->master, s->client_random, s->server_random, label,
                         context, context_len, context != NULL, out, out_len);
}

_Static_assert(TERN_HS12_HELD_MAX <= TERN_V_HELD_RECORD_MAX, "a held record must fit");
_Static_assert(TERN_SESSION_SECRET_MAX >= TERN_MASTER_SECRET_LEN, "the master secret must fit");

const struct tern_version_ops tern_dtls12_ops = {
    .version = TERN_DTLS12_VERSION,
    .init = init,
    .wipe = wipe,
    .drops = drops,
    .drop_counts = drop_counts,
    .handshaking = handshaking,
    .set_server_name = set_server_name,
    .may_start = may_start,
    .start = start,
    .open = open_dgram,
    .next = next,
    .take_held = take_held,
    .peer_keyed = peer_keyed,
    .on_record = on_record,
    .poll = poll_events,
    .resend = resend,
    .complete = complete,
    .explain_timeout = explain_timeout,
    .emit = emit,
    .seal = seal,
    .ignore_errors = ignore_errors,
    .resume = resume,
    .abort = abort_handshake,
    .peer_chain = peer_chain,
    .ca_names = ca_names,
    .export = export_keys,
};
