#include "pair.h"

#include <stdlib.h>
#include <string.h>

#include "config_impl.h"

const uint8_t pair_peer[6] = {127, 0, 0, 1, 0x30, 0x39};
static const uint8_t g_gate_secret[32] = {'p', 'a', 'i', 'r', '-', 'g', 'a', 't', 'e'};

static uint64_t next_rand(struct pair *p)
{
    /* xorshift64*: a small deterministic generator for the link only */
    p->rng ^= p->rng >> 12;
    p->rng ^= p->rng << 25;
    p->rng ^= p->rng >> 27;
    return p->rng * UINT64_C(2685821657736338717);
}

static int chance(struct pair *p, unsigned pct)
{
    return pct > 0 && next_rand(p) % 100 < pct;
}

static void on_client_data(void *arg, const uint8_t *data, size_t len)
{
    struct pair *p = arg;
    if (p->client_got_len + len <= sizeof(p->client_got)) {
        memcpy(p->client_got + p->client_got_len, data, len);
        p->client_got_len += len;
    }
}

static void on_server_data(void *arg, const uint8_t *data, size_t len)
{
    struct pair *p = arg;
    if (p->server_got_len + len <= sizeof(p->server_got)) {
        memcpy(p->server_got + p->server_got_len, data, len);
        p->server_got_len += len;
    }
}

int pair_init(struct pair *p, struct tern_config *client_cfg, struct tern_config *server_cfg,
              uint64_t seed)
{
    return pair_init_named(p, client_cfg, server_cfg, seed, NULL);
}

int pair_init_named(struct pair *p, struct tern_config *client_cfg, struct tern_config *server_cfg,
                    uint64_t seed, const char *server_name)
{
    memset(p, 0, sizeof(*p));
    p->rng = seed * 2 + 1;
    p->now = UINT64_C(1000000000);
    int rc = tern_conn_new(&p->client, client_cfg);
    if (rc == 0) {
        rc = tern_conn_new(&p->server, server_cfg);
    }
    if (rc == TERN_ERR_COOKIE) {
        rc = tern_cookie_new(&p->gate, g_gate_secret, sizeof(g_gate_secret));
        if (rc == 0) {
            tern_config_ref(server_cfg);
            p->server_cfg = server_cfg;
        }
    }
    if (rc == 0 && server_name != NULL) {
        rc = tern_conn_set_server_name(p->client, server_name);
    }
    if (rc == 0) {
        rc = tern_conn_start(p->client, p->now);
    }
    return rc;
}

void pair_free(struct pair *p)
{
    tern_conn_free(p->client);
    tern_conn_free(p->server);
    tern_cookie_free(p->gate);
    tern_config_free(p->server_cfg);
    p->client = NULL;
    p->server = NULL;
    p->gate = NULL;
    p->server_cfg = NULL;
}

static void enqueue(struct pair *p, struct link_queue *q, const uint8_t *d, size_t len)
{
    p->datagrams++;
    uint8_t tapped[PAIR_DGRAM];
    if (p->tap != NULL) {
        memcpy(tapped, d, len);
        if (!p->tap(p->tap_arg, q == &p->to_server, tapped, &len) || len > sizeof(tapped)) {
            return;
        }
        d = tapped;
    }
    if (chance(p, p->faults.loss_pct) || q->n >= PAIR_QUEUE) {
        return;
    }
    int copies = chance(p, p->faults.dup_pct) ? 2 : 1;
    for (int i = 0; i < copies && q->n < PAIR_QUEUE; i++) {
        struct link_dgram *slot = &q->q[q->n++];
        memcpy(slot->data, d, len);
        slot->len = len;
        if (chance(p, p->faults.corrupt_pct) && len > 0) {
            size_t bit = (size_t)(next_rand(p) % (len * 8));
            slot->data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
    }
    /* Reorder: swap the new datagram with the one before it. */
    if (q->n >= 2 && chance(p, p->faults.reorder_pct)) {
        struct link_dgram tmp = q->q[q->n - 1];
        q->q[q->n - 1] = q->q[q->n - 2];
        q->q[q->n - 2] = tmp;
    }
}

void pair_flush(struct pair *p, struct tern_conn *from, struct link_queue *q)
{
    uint8_t buf[PAIR_DGRAM];
    for (int i = 0; i < 64; i++) {
        ptrdiff_t n = tern_conn_pull(from, p->now, buf, sizeof(buf));
        if (n <= 0) {
            return;
        }
        enqueue(p, q, buf, (size_t)n);
    }
}

/* Before the server connection exists: the gate answers, or the verified
 * ClientHello becomes the server connection. */
static void to_gate(struct pair *p, uint8_t *d, size_t len)
{
    uint8_t hvr[128];
    size_t hvr_len = 0;
    int v = tern_cookie_check(p->gate, d, len, pair_peer, sizeof(pair_peer), hvr, sizeof(hvr),
                              &hvr_len);
    if (v == TERN_COOKIE_SEND) {
        enqueue(p, &p->to_client, hvr, hvr_len);
    } else if (v == TERN_COOKIE_VERIFIED) {
        tern_conn_accept(&p->server, p->server_cfg, p->gate, p->now, d, len, pair_peer,
                         sizeof(pair_peer));
    } else {
        p->gate_dropped++;
    }
}

void pair_deliver(struct pair *p, struct link_queue *q, struct tern_conn *to, int to_client)
{
    size_t n = q->n;
    q->n = 0;
    static struct link_dgram batch[PAIR_QUEUE];
    memcpy(batch, q->q, n * sizeof(batch[0]));
    for (size_t i = 0; i < n; i++) {
        if (!to_client && p->server == NULL && p->gate != NULL) {
            to_gate(p, batch[i].data, batch[i].len);
            to = p->server;
            continue;
        }
        tern_conn_receive(to, p->now, batch[i].data, batch[i].len,
                          to_client ? on_client_data : on_server_data, p);
    }
}

static int settled(enum tern_state s)
{
    return s == TERN_STATE_ESTABLISHED || s == TERN_STATE_FAILED || s == TERN_STATE_CLOSED ||
           s == TERN_STATE_PEER_VERIFY_ERROR;
}

int pair_handshake(struct pair *p, unsigned max_steps)
{
    for (unsigned step = 0; step < max_steps; step++) {
        pair_flush(p, p->client, &p->to_server);
        if (p->server != NULL) {
            pair_flush(p, p->server, &p->to_client);
        }
        if (p->to_server.n == 0 && p->to_client.n == 0) {
            enum tern_state cs = tern_conn_state(p->client);
            /* No server connection yet: still at the gate. */
            enum tern_state ss =
                p->server != NULL ? tern_conn_state(p->server) : TERN_STATE_HANDSHAKING;
            if ((settled(cs) && settled(ss)) || cs == TERN_STATE_PEER_VERIFY_ERROR ||
                ss == TERN_STATE_PEER_VERIFY_ERROR) {
                break; /* a paused side waits for the test's decision */
            }
            /* Nothing in flight: advance the clock to the earliest deadline. */
            uint64_t dc = tern_conn_deadline(p->client);
            uint64_t ds = tern_conn_deadline(p->server);
            uint64_t d = dc < ds ? dc : ds;
            if (d == UINT64_MAX) {
                break;
            }
            if (d > p->now) {
                p->now = d;
            }
            tern_conn_timeout(p->client, p->now);
            if (p->server != NULL) {
                tern_conn_timeout(p->server, p->now);
            }
            continue;
        }
        pair_deliver(p, &p->to_server, p->server, 0);
        pair_deliver(p, &p->to_client, p->client, 1);
        p->now += UINT64_C(1000000); /* 1 ms per round trip of the simulated link */
    }
    return tern_conn_state(p->client) == TERN_STATE_ESTABLISHED &&
           tern_conn_state(p->server) == TERN_STATE_ESTABLISHED;
}

int pair_send(struct pair *p, int from_client, const void *data, size_t len)
{
    uint8_t buf[PAIR_DGRAM];
    ptrdiff_t n = tern_conn_write(from_client ? p->client : p->server, data, len, buf, sizeof(buf));
    if (n < 0) {
        return (int)n;
    }
    struct link_queue *q = from_client ? &p->to_server : &p->to_client;
    enqueue(p, q, buf, (size_t)n);
    pair_deliver(p, q, from_client ? p->server : p->client, !from_client);
    return 0;
}
