/* bench-loss: what the driver (loss.c) asks of each DTLS implementation
 * whose handshakes it runs over a lossy link (loss_tern.c,
 * loss_openssl.c, loss_gnutls.c), and the link they send into. */
#ifndef TERN_BENCH_LOSS_H
#define TERN_BENCH_LOSS_H

#include <stddef.h>
#include <stdint.h>

#include "handshake.h"

/* Which end of a pair. */
enum { LS_CLIENT = 0, LS_SERVER = 1 };

/* RFC 6347 section 4.2.4.1's timer: 1 s at first, doubling on each
 * retransmission, at most 60 s. Every implementation runs with it
 * divided by the same scale. */
#define LS_RFC_INITIAL_MS 1000
#define LS_RFC_MAX_MS     60000

/* Datagrams in flight per direction of one link; more are lost. */
#define LS_LINK_CAP 32

struct ls_dgram {
    uint64_t arrive_ns;
    size_t len;
    uint8_t data[HS_DGRAM];
};

/* One pair's link: a queue per direction, each datagram lost with the
 * link's probability (drawn from the pair's own seeded generator) or
 * delivered after the one-way delay. */
struct ls_link {
    struct ls_dgram q[2][LS_LINK_CAP]; /* [sender] */
    size_t head[2];
    size_t n[2];
    uint64_t rng;
    double loss;
    uint64_t delay_ns;
    uint64_t now_ns; /* the time of what the driver is doing */
    uint64_t sent;   /* datagrams offered to the link */
    uint64_t lost;   /* of them, dropped */
};

/* Called by an implementation for every datagram its side `from` sends. */
void ls_link_send(struct ls_link *l, int from, const uint8_t *data, size_t len);

/* How the implementations are set up: the timer divided by scale (1: RFC
 * time), and whether time is the driver's virtual clock (tern only) or
 * the monotonic clock. */
struct ls_params {
    unsigned scale;
    int virtual_clock;
    uint32_t limit_ms; /* a handshake not done by then (scaled) has failed */
};

/* One DTLS implementation. A pair's calls all take the time now (virtual
 * or monotonic, ns); what a side sends goes to ls_link_send() during the
 * call. Functions returning int return 0 on a fatal error (printed). */
struct ls_impl {
    const char *name;
    void *(*setup)(const struct hs_suite *s, const struct ls_params *p);
    void (*teardown)(void *st);
    /* A fresh client and server; the client starts its handshake. */
    void *(*pair_new)(void *st, struct ls_link *link, uint64_t now);
    void (*pair_free)(void *pair);
    /* A datagram arrives at side (the buffer may be changed). */
    int (*input)(void *pair, int side, uint64_t now, uint8_t *data, size_t len);
    /* side's deadline has passed. */
    int (*timer)(void *pair, int side, uint64_t now);
    /* When side's timer expires (UINT64_MAX: no timer). */
    uint64_t (*deadline)(void *pair, int side);
    /* Whether side has completed its handshake. */
    int (*done)(void *pair, int side);
};

extern const struct ls_impl ls_tern_impl;
extern const struct ls_impl ls_openssl_impl;
extern const struct ls_impl ls_gnutls_impl;

#endif
