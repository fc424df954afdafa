/* bench-loss: tern's engine over the lossy link. The configurations are
 * the handshake benchmark's (hs_tern_config) with the retransmission timer
 * divided by the scale (tern_config_set_timers). tern takes the time as an
 * argument of every call, so it runs on the driver's virtual clock as
 * well as on the monotonic one; on the virtual clock its random generator
 * is seeded too (tern_config_set_random_callback), which makes that run the same
 * on every machine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tern/tern.h>

#include "loss.h"

struct lt_state {
    struct tern_config *cfg[2]; /* [LS_CLIENT], [LS_SERVER] */
    uint64_t rng;
};

struct lt_pair {
    struct ls_link *link;
    struct tern_conn *conn[2];
    uint8_t buf[HS_DGRAM];
};

/* splitmix64: a seeded stream for the virtual-clock run. */
static int seeded_random(void *arg, uint8_t *out, size_t len)
{
    uint64_t *s = arg;
    uint64_t z = 0;
    for (size_t i = 0; i < len; i++) {
        if (i % 8 == 0) {
            z = (*s += UINT64_C(0x9e3779b97f4a7c15));
            z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
            z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
            z ^= z >> 31;
        }
        out[i] = (uint8_t)(z >> (8 * (i % 8)));
    }
    return 0;
}

static void lt_teardown(void *arg)
{
    struct lt_state *st = arg;
    if (st != NULL) {
        tern_config_free(st->cfg[LS_CLIENT]);
        tern_config_free(st->cfg[LS_SERVER]);
        free(st);
    }
}

static void *lt_setup(const struct hs_suite *s, const struct ls_params *p)
{
    struct lt_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return NULL;
    }
    st->rng = UINT64_C(0x7465726e);
    int ok = 1;
    for (int side = 0; ok && side < 2; side++) {
        st->cfg[side] = hs_tern_config(s, side == LS_SERVER);
        ok = st->cfg[side] != NULL &&
             tern_config_set_timers(st->cfg[side], LS_RFC_INITIAL_MS / p->scale,
                                    LS_RFC_MAX_MS / p->scale,
                                    TERN_DEFAULT_MAX_RETRANSMITS) == TERN_OK;
        if (ok && p->virtual_clock) {
            ok = tern_config_set_random_callback(st->cfg[side], seeded_random, &st->rng) == TERN_OK;
        }
    }
    if (!ok) {
        fprintf(stderr, "bench-loss: tern: setup failed\n");
        lt_teardown(st);
        return NULL;
    }
    return st;
}

/* Everything side wants sent goes to the link. */
static int flush(struct lt_pair *p, int side, uint64_t now)
{
    for (;;) {
        ptrdiff_t n = tern_conn_pull(p->conn[side], now, p->buf, sizeof(p->buf));
        if (n == TERN_ERR_NOTHING_TO_SEND) {
            return 1;
        }
        if (n < 0) {
            fprintf(stderr, "bench-loss: tern: tern_conn_pull: %s\n", tern_strerror((int)n));
            return 0;
        }
        ls_link_send(p->link, side, p->buf, (size_t)n);
    }
}

static void lt_pair_free(void *arg)
{
    struct lt_pair *p = arg;
    if (p != NULL) {
        tern_conn_free(p->conn[LS_CLIENT]);
        tern_conn_free(p->conn[LS_SERVER]);
        free(p);
    }
}

static void *lt_pair_new(void *arg, struct ls_link *link, uint64_t now)
{
    struct lt_state *st = arg;
    struct lt_pair *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return NULL;
    }
    p->link = link;
    int rc = tern_conn_new(&p->conn[LS_CLIENT], st->cfg[LS_CLIENT]);
    if (rc == TERN_OK) {
        rc = tern_conn_new(&p->conn[LS_SERVER], st->cfg[LS_SERVER]);
    }
    if (rc == TERN_OK) {
        rc = tern_conn_start(p->conn[LS_CLIENT], now);
    }
    if (rc != TERN_OK || !flush(p, LS_CLIENT, now)) {
        fprintf(stderr, "bench-loss: tern: pair setup: %s\n", tern_strerror(rc));
        lt_pair_free(p);
        return NULL;
    }
    return p;
}

static int lt_input(void *arg, int side, uint64_t now, uint8_t *data, size_t len)
{
    struct lt_pair *p = arg;
    int rc = tern_conn_receive(p->conn[side], now, data, len, NULL, NULL);
    if (rc != TERN_OK) {
        fprintf(stderr, "bench-loss: tern: tern_conn_receive: %s\n", tern_strerror(rc));
        return 0;
    }
    return flush(p, side, now);
}

static int lt_timer(void *arg, int side, uint64_t now)
{
    struct lt_pair *p = arg;
    int rc = tern_conn_timeout(p->conn[side], now);
    if (rc != TERN_OK) {
        fprintf(stderr, "bench-loss: tern: tern_conn_timeout: %s\n", tern_strerror(rc));
        return 0;
    }
    return flush(p, side, now);
}

static uint64_t lt_deadline(void *arg, int side)
{
    const struct lt_pair *p = arg;
    return tern_conn_deadline(p->conn[side]);
}

static int lt_done(void *arg, int side)
{
    const struct lt_pair *p = arg;
    return tern_conn_state(p->conn[side]) == TERN_STATE_ESTABLISHED;
}

const struct ls_impl ls_tern_impl = {
    "tern",   lt_setup, lt_teardown, lt_pair_new, lt_pair_free,
    lt_input, lt_timer, lt_deadline, lt_done,
};
