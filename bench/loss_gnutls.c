/* bench-loss: GnuTLS over the lossy link, in real time.
 *
 * GnuTLS's DTLS timers read the real clock too, so it runs as libssl
 * does: its retransmission timeout divided by the scale
 * (gnutls_dtls_set_timeouts), the driver in real time. Two differences
 * from RFC 6347's timer are GnuTLS's own and are not corrected: its
 * timeout doubles without the 60 s ceiling being scaled (it takes the
 * doubled value modulo 60,000 ms), which only matters from the seventh
 * retransmission of one flight, and it counts in whole milliseconds.
 * Its overall handshake timeout is set beyond the driver's limit, which
 * decides failures alike for all. Sessions are the handshake benchmark's
 * (hs_gnutls_session); push and pull move one datagram each. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/dtls.h>
#include <gnutls/gnutls.h>

#include "loss.h"

struct lg_state {
    void *hs; /* the handshake benchmark's GnuTLS state */
    unsigned retrans_ms;
    unsigned total_ms;
};

struct lg_pair;

struct lg_end {
    struct lg_pair *p;
    int side;
};

struct lg_pair {
    struct ls_link *link;
    gnutls_session_t session[2];
    struct lg_end end[2];
    const uint8_t *pending[2];
    size_t pending_len[2];
    uint64_t deadline[2];
    int done[2];
    uint8_t buf[HS_DGRAM];
};

static ssize_t push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
    const struct lg_end *e = ptr;
    ls_link_send(e->p->link, e->side, data, len);
    return (ssize_t)len;
}

static ssize_t pull(gnutls_transport_ptr_t ptr, void *out, size_t cap)
{
    const struct lg_end *e = ptr;
    struct lg_pair *p = e->p;
    if (p->pending[e->side] == NULL) {
        gnutls_transport_set_errno(p->session[e->side], EAGAIN);
        return -1;
    }
    size_t len = p->pending_len[e->side] < cap ? p->pending_len[e->side] : cap;
    memcpy(out, p->pending[e->side], len);
    p->pending[e->side] = NULL;
    return (ssize_t)len;
}

static int pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
    (void)ms;
    const struct lg_end *e = ptr;
    return e->p->pending[e->side] != NULL ? 1 : 0;
}

static void lg_teardown(void *arg)
{
    struct lg_state *st = arg;
    if (st != NULL) {
        if (st->hs != NULL) {
            hs_gnutls_impl.teardown(st->hs);
        }
        free(st);
    }
}

static void *lg_setup(const struct hs_suite *s, const struct ls_params *p)
{
    if (p->virtual_clock) {
        return NULL;
    }
    struct lg_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return NULL;
    }
    st->retrans_ms = LS_RFC_INITIAL_MS / p->scale;
    st->total_ms = 2 * p->limit_ms;
    st->hs = hs_gnutls_impl.setup(s);
    if (st->hs == NULL) {
        lg_teardown(st);
        return NULL;
    }
    return st;
}

/* When side's timer expires: GnuTLS tells how long until it would
 * retransmit, while its handshake runs. */
static void read_deadline(struct lg_pair *p, int side)
{
    p->deadline[side] =
        p->done[side]
            ? UINT64_MAX
            : hs_now_ns() + (uint64_t)gnutls_dtls_get_timeout(p->session[side]) * 1000000u;
}

/* Moves side on: its handshake, or once done, reading whatever arrives
 * (GnuTLS answers a retransmitted flight there). */
static int step(struct lg_pair *p, int side)
{
    gnutls_session_t s = p->session[side];
    int rc;
    if (!p->done[side]) {
        rc = gnutls_handshake(s);
        if (rc == GNUTLS_E_SUCCESS) {
            p->done[side] = 1;
        }
    } else {
        do {
            rc = (int)gnutls_record_recv(s, p->buf, sizeof(p->buf));
        } while (rc > 0);
    }
    if (rc == GNUTLS_E_SUCCESS || rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
        read_deadline(p, side);
        return 1;
    }
    fprintf(stderr, "bench-loss: GnuTLS: %s: %s\n", side == LS_CLIENT ? "client" : "server",
            gnutls_strerror(rc));
    return 0;
}

static void lg_pair_free(void *arg)
{
    struct lg_pair *p = arg;
    if (p != NULL) {
        for (int side = 0; side < 2; side++) {
            if (p->session[side] != NULL) {
                gnutls_deinit(p->session[side]);
            }
        }
        free(p);
    }
}

static void *lg_pair_new(void *arg, struct ls_link *link, uint64_t now)
{
    (void)now;
    struct lg_state *st = arg;
    struct lg_pair *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return NULL;
    }
    p->link = link;
    int ok = 1;
    for (int side = 0; ok && side < 2; side++) {
        p->end[side] = (struct lg_end){p, side};
        p->deadline[side] = UINT64_MAX;
        ok = hs_gnutls_session(st->hs, &p->session[side], side == LS_SERVER);
        if (ok) {
            gnutls_session_t s = p->session[side];
            gnutls_dtls_set_timeouts(s, st->retrans_ms, st->total_ms);
            gnutls_transport_set_ptr(s, &p->end[side]);
            gnutls_transport_set_push_function(s, push);
            gnutls_transport_set_pull_function(s, pull);
            gnutls_transport_set_pull_timeout_function(s, pull_timeout);
        }
    }
    if (!ok || !step(p, LS_CLIENT)) {
        fprintf(stderr, "bench-loss: GnuTLS: pair setup failed\n");
        lg_pair_free(p);
        return NULL;
    }
    return p;
}

static int lg_input(void *arg, int side, uint64_t now, uint8_t *data, size_t len)
{
    (void)now;
    struct lg_pair *p = arg;
    p->pending[side] = data;
    p->pending_len[side] = len;
    int ok = step(p, side);
    p->pending[side] = NULL;
    return ok;
}

static int lg_timer(void *arg, int side, uint64_t now)
{
    (void)now;
    return step(arg, side);
}

static uint64_t lg_deadline(void *arg, int side)
{
    const struct lg_pair *p = arg;
    return p->deadline[side];
}

static int lg_done(void *arg, int side)
{
    const struct lg_pair *p = arg;
    return p->done[side];
}

const struct ls_impl ls_gnutls_impl = {
    "GnuTLS", lg_setup, lg_teardown, lg_pair_new, lg_pair_free,
    lg_input, lg_timer, lg_deadline, lg_done,
};
