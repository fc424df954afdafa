/* bench-loss: OpenSSL's libssl over the lossy link, in real time.
 *
 * libssl's DTLS timers read the real clock, so this side cannot run on a
 * virtual one; instead its timer is divided by the same scale as every
 * other implementation's through DTLS_set_timer_cb() (1 s / scale at
 * first, doubling, at most 60 s / scale: what libssl does by default,
 * scaled), and the driver runs in real time.
 *
 * Two details keep the timer exact. DTLSv1_get_timeout() reports a timer
 * with less than 15 ms left as expired, and DTLSv1_handle_timeout() acts
 * on that; at a scale of 10 those 15 ms would be 150 ms of RFC time. So
 * the deadline is read right after each call into libssl, while the full
 * timeout is left, and the timeout is handled only once that deadline has
 * passed. And each side has its own BIO that hands over exactly one
 * datagram per read and sends one per write, as a UDP socket does (a
 * memory BIO would join datagrams, and then lose them together).
 *
 * Contexts are the handshake benchmark's (hs_openssl_ctx_new). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "loss.h"

struct lo_state {
    SSL_CTX *ctx[2];
    BIO_METHOD *method;
};

struct lo_pair;

/* What each side's BIO reaches: its pair, and which side it is. */
struct lo_end {
    struct lo_pair *p;
    int side;
};

struct lo_pair {
    struct ls_link *link;
    SSL *ssl[2];
    struct lo_end end[2];
    const uint8_t *pending[2]; /* the datagram being handed to a side */
    size_t pending_len[2];
    uint64_t deadline[2];
    int done[2];
    uint8_t buf[HS_DGRAM];
};

/* The timers, in microseconds (one scale per process run at a time). */
static unsigned int g_initial_us;
static unsigned int g_max_us;

static unsigned int timer_cb(SSL *ssl, unsigned int timer_us)
{
    (void)ssl;
    if (timer_us == 0) {
        return g_initial_us;
    }
    return timer_us >= g_max_us / 2 ? g_max_us : timer_us * 2;
}

static int bio_write(BIO *b, const char *data, int len)
{
    const struct lo_end *e = BIO_get_data(b);
    ls_link_send(e->p->link, e->side, (const uint8_t *)data, (size_t)len);
    return len;
}

static int bio_read(BIO *b, char *out, int cap)
{
    const struct lo_end *e = BIO_get_data(b);
    struct lo_pair *p = e->p;
    BIO_clear_retry_flags(b);
    if (p->pending[e->side] == NULL) {
        BIO_set_retry_read(b);
        return -1;
    }
    /* A datagram larger than the buffer is truncated, as recv() would. */
    size_t len = p->pending_len[e->side] < (size_t)cap ? p->pending_len[e->side] : (size_t)cap;
    memcpy(out, p->pending[e->side], len);
    p->pending[e->side] = NULL;
    return (int)len;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)b;
    (void)num;
    (void)ptr;
    /* Nothing is buffered; everything else (MTU queries, peer addresses,
     * timeouts) a socket BIO would answer is not asked for, or ignored. */
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int bio_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

static void lo_teardown(void *arg)
{
    struct lo_state *st = arg;
    if (st != NULL) {
        SSL_CTX_free(st->ctx[LS_CLIENT]);
        SSL_CTX_free(st->ctx[LS_SERVER]);
        BIO_meth_free(st->method);
        free(st);
    }
}

static void *lo_setup(const struct hs_suite *s, const struct ls_params *p)
{
    if (p->virtual_clock) {
        return NULL;
    }
    struct lo_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return NULL;
    }
    g_initial_us = LS_RFC_INITIAL_MS * 1000u / p->scale;
    g_max_us = LS_RFC_MAX_MS * 1000u / p->scale;
    st->ctx[LS_CLIENT] = hs_openssl_ctx_new(s, 0);
    st->ctx[LS_SERVER] = hs_openssl_ctx_new(s, 1);
    st->method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "bench-loss link");
    if (st->ctx[LS_CLIENT] == NULL || st->ctx[LS_SERVER] == NULL || st->method == NULL ||
        BIO_meth_set_write(st->method, bio_write) != 1 ||
        BIO_meth_set_read(st->method, bio_read) != 1 ||
        BIO_meth_set_ctrl(st->method, bio_ctrl) != 1 ||
        BIO_meth_set_create(st->method, bio_create) != 1) {
        fprintf(stderr, "bench-loss: OpenSSL: setup failed\n");
        ERR_print_errors_fp(stderr);
        lo_teardown(st);
        return NULL;
    }
    return st;
}

/* The deadline of side's timer, read right after a call into libssl
 * (see the top of this file). */
static void read_deadline(struct lo_pair *p, int side)
{
    struct timeval tv;
    if (DTLSv1_get_timeout(p->ssl[side], &tv) != 1) {
        p->deadline[side] = UINT64_MAX;
        return;
    }
    uint64_t left = (uint64_t)tv.tv_sec * UINT64_C(1000000000) + (uint64_t)tv.tv_usec * 1000u;
    if (left > 0 || p->deadline[side] == UINT64_MAX) {
        p->deadline[side] = hs_now_ns() + left;
    }
}

/* Moves side on: its handshake, or once done, reading whatever arrives
 * (a retransmitted flight, which libssl answers). */
static int step(struct lo_pair *p, int side)
{
    SSL *ssl = p->ssl[side];
    int rc;
    if (!p->done[side]) {
        rc = SSL_do_handshake(ssl);
        if (rc == 1) {
            p->done[side] = 1;
            return 1;
        }
    } else {
        rc = SSL_read(ssl, p->buf, sizeof(p->buf));
        if (rc > 0) {
            return 1;
        }
    }
    if (SSL_get_error(ssl, rc) == SSL_ERROR_WANT_READ) {
        return 1;
    }
    fprintf(stderr, "bench-loss: OpenSSL: %s failed\n", side == LS_CLIENT ? "client" : "server");
    ERR_print_errors_fp(stderr);
    return 0;
}

static void lo_pair_free(void *arg)
{
    struct lo_pair *p = arg;
    if (p != NULL) {
        SSL_free(p->ssl[LS_CLIENT]);
        SSL_free(p->ssl[LS_SERVER]);
        free(p);
    }
}

static void *lo_pair_new(void *arg, struct ls_link *link, uint64_t now)
{
    (void)now;
    struct lo_state *st = arg;
    struct lo_pair *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return NULL;
    }
    p->link = link;
    int ok = 1;
    for (int side = 0; ok && side < 2; side++) {
        p->end[side] = (struct lo_end){p, side};
        p->deadline[side] = UINT64_MAX;
        p->ssl[side] = SSL_new(st->ctx[side]);
        BIO *bio = BIO_new(st->method);
        ok = p->ssl[side] != NULL && bio != NULL;
        if (!ok) {
            BIO_free(bio);
            break;
        }
        BIO_set_data(bio, &p->end[side]);
        SSL_set_bio(p->ssl[side], bio, bio);
        DTLS_set_timer_cb(p->ssl[side], timer_cb);
        ok = SSL_set_mtu(p->ssl[side], HS_MTU) > 0;
        if (side == LS_CLIENT) {
            SSL_set_connect_state(p->ssl[side]);
        } else {
            SSL_set_accept_state(p->ssl[side]);
        }
    }
    ok = ok && step(p, LS_CLIENT);
    if (!ok) {
        fprintf(stderr, "bench-loss: OpenSSL: pair setup failed\n");
        lo_pair_free(p);
        return NULL;
    }
    read_deadline(p, LS_CLIENT);
    return p;
}

static int lo_input(void *arg, int side, uint64_t now, uint8_t *data, size_t len)
{
    (void)now;
    struct lo_pair *p = arg;
    p->pending[side] = data;
    p->pending_len[side] = len;
    int ok = step(p, side);
    /* A datagram libssl did not read is lost, as in a socket nobody reads. */
    p->pending[side] = NULL;
    read_deadline(p, side);
    return ok;
}

static int lo_timer(void *arg, int side, uint64_t now)
{
    (void)now;
    struct lo_pair *p = arg;
    if (DTLSv1_handle_timeout(p->ssl[side]) < 0) {
        fprintf(stderr, "bench-loss: OpenSSL: the handshake timed out\n");
        ERR_print_errors_fp(stderr);
        return 0;
    }
    /* A new deadline from the restarted timer. */
    p->deadline[side] = UINT64_MAX;
    read_deadline(p, side);
    return 1;
}

static uint64_t lo_deadline(void *arg, int side)
{
    const struct lo_pair *p = arg;
    return p->deadline[side];
}

static int lo_done(void *arg, int side)
{
    const struct lo_pair *p = arg;
    return p->done[side];
}

const struct ls_impl ls_openssl_impl = {
    "OpenSSL", lo_setup, lo_teardown, lo_pair_new, lo_pair_free,
    lo_input,  lo_timer, lo_deadline, lo_done,
};
