/* bench-handshake: OpenSSL's DTLS 1.2 (libssl) as the reference peer.
 *
 * Client and server talk through two memory BIOs, one per direction; a
 * DTLS read takes everything queued as one datagram, which DTLS allows (a
 * datagram may carry several records). Same conditions as tern: no cookie
 * exchange (SSL_OP_COOKIE_EXCHANGE is off by default), no tickets, no
 * session cache, the MTU fixed so nothing is fragmented, extended master
 * secret (libssl negotiates it by default; checked). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/ssl.h>

#include "handshake.h"

struct ossl_state {
    const struct hs_suite *s;
    SSL_CTX *cctx;
    SSL_CTX *sctx;
};

struct ossl_pair {
    SSL *c;
    SSL *s;
};

static unsigned int psk_client_cb(SSL *ssl, const char *hint, char *identity,
                                  unsigned int max_identity_len, unsigned char *psk,
                                  unsigned int max_psk_len)
{
    (void)ssl;
    (void)hint;
    if (sizeof(HS_PSK_IDENTITY) > max_identity_len || HS_PSK_KEY_LEN > max_psk_len) {
        return 0;
    }
    memcpy(identity, HS_PSK_IDENTITY, sizeof(HS_PSK_IDENTITY));
    memcpy(psk, hs_psk_key, HS_PSK_KEY_LEN);
    return HS_PSK_KEY_LEN;
}

static unsigned int psk_server_cb(SSL *ssl, const char *identity, unsigned char *psk,
                                  unsigned int max_psk_len)
{
    (void)ssl;
    if (strcmp(identity, HS_PSK_IDENTITY) != 0 || HS_PSK_KEY_LEN > max_psk_len) {
        return 0;
    }
    memcpy(psk, hs_psk_key, HS_PSK_KEY_LEN);
    return HS_PSK_KEY_LEN;
}

static int ossl_fail(const char *what)
{
    fprintf(stderr, "bench-handshake: OpenSSL: %s\n", what);
    ERR_print_errors_fp(stderr);
    return 0;
}

static SSL_CTX *ctx_new(const struct hs_suite *s, int server)
{
    SSL_CTX *ctx = SSL_CTX_new(DTLS_method());
    if (ctx == NULL) {
        return NULL;
    }
    /* SSL_OP_NO_QUERY_MTU: a memory BIO knows no path MTU; the MTU is set
     * per connection instead, as for the other two. */
    SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    if (server) {
        SSL_CTX_set_psk_server_callback(ctx, psk_server_cb);
    } else {
        SSL_CTX_set_psk_client_callback(ctx, psk_client_cb);
    }
    if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(ctx, s->openssl) != 1 ||
        SSL_CTX_set1_groups_list(ctx, "X25519") != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static void ossl_teardown(void *arg)
{
    struct ossl_state *st = arg;
    if (st != NULL) {
        SSL_CTX_free(st->cctx);
        SSL_CTX_free(st->sctx);
        free(st);
    }
}

static void *ossl_setup(const struct hs_suite *s)
{
    struct ossl_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return NULL;
    }
    st->s = s;
    st->cctx = ctx_new(s, 0);
    st->sctx = ctx_new(s, 1);
    if (st->cctx == NULL || st->sctx == NULL) {
        ossl_fail("context setup failed");
        ossl_teardown(st);
        return NULL;
    }
    return st;
}

static void pair_free(struct ossl_pair *p)
{
    SSL_free(p->c);
    SSL_free(p->s);
    p->c = NULL;
    p->s = NULL;
}

/* A client and a server joined by two memory BIOs: each BIO is one SSL's
 * write side and the other's read side, so each carries two references. */
static int pair_new(struct ossl_state *st, struct ossl_pair *p)
{
    p->c = SSL_new(st->cctx);
    p->s = SSL_new(st->sctx);
    BIO *c2s = BIO_new(BIO_s_mem());
    BIO *s2c = BIO_new(BIO_s_mem());
    if (p->c == NULL || p->s == NULL || c2s == NULL || s2c == NULL || BIO_up_ref(c2s) != 1 ||
        BIO_up_ref(s2c) != 1) {
        BIO_free(c2s);
        BIO_free(s2c);
        pair_free(p);
        return ossl_fail("SSL_new or BIO_new failed");
    }
    SSL_set_bio(p->c, s2c, c2s);
    SSL_set_bio(p->s, c2s, s2c);
    SSL_set_connect_state(p->c);
    SSL_set_accept_state(p->s);
    if (SSL_set_mtu(p->c, HS_MTU) <= 0 || SSL_set_mtu(p->s, HS_MTU) <= 0) {
        pair_free(p);
        return ossl_fail("SSL_set_mtu failed");
    }
    return 1;
}

/* One handshake step of one side: 1 done, 0 waiting for the peer, -1 failed. */
static int step(SSL *ssl)
{
    int rc = SSL_do_handshake(ssl);
    if (rc == 1) {
        return 1;
    }
    return SSL_get_error(ssl, rc) == SSL_ERROR_WANT_READ ? 0 : -1;
}

/* Runs both sides until both completed (each call reads everything the peer
 * queued). With mid, stops once the server has sent its first flight. */
static int drive(struct ossl_pair *p, int mid)
{
    for (int i = 0; i < 8; i++) {
        int c = step(p->c);
        int s = step(p->s);
        if (c < 0 || s < 0) {
            return ossl_fail("handshake failed");
        }
        if (mid || (c == 1 && s == 1)) {
            return 1;
        }
    }
    return ossl_fail("handshake did not complete");
}

static int check_side(const struct ossl_state *st, SSL *ssl)
{
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
    if (SSL_version(ssl) != DTLS1_2_VERSION || cipher == NULL ||
        SSL_CIPHER_get_protocol_id(cipher) != st->s->id) {
        return ossl_fail("wrong version or suite negotiated");
    }
    if (SSL_get_extms_support(ssl) != 1) {
        return ossl_fail("extended master secret not used");
    }
    if (st->s->ecdhe && SSL_get_negotiated_group(ssl) != NID_X25519) {
        return ossl_fail("X25519 not used");
    }
    return 1;
}

/* Application data both ways through the new keys. */
static int exchange(SSL *from, SSL *to, const char *msg)
{
    char buf[64];
    int len = (int)strlen(msg);
    if (SSL_write(from, msg, len) != len || SSL_read(to, buf, sizeof(buf)) != len ||
        memcmp(buf, msg, (size_t)len) != 0) {
        return ossl_fail("application data did not cross");
    }
    return 1;
}

static int ossl_handshake(void *arg, int check)
{
    struct ossl_state *st = arg;
    struct ossl_pair p;
    if (!pair_new(st, &p)) {
        return 0;
    }
    int ok = drive(&p, 0) && SSL_is_init_finished(p.c) && SSL_is_init_finished(p.s);
    if (ok && check) {
        ok = check_side(st, p.c) && check_side(st, p.s) && exchange(p.c, p.s, "ping") &&
             exchange(p.s, p.c, "pong");
    }
    pair_free(&p);
    return ok;
}

static void *ossl_hold(void *arg, enum hs_stage stage)
{
    struct ossl_state *st = arg;
    struct ossl_pair p;
    if (!pair_new(st, &p)) {
        return NULL;
    }
    int ok = drive(&p, stage == HS_MID);
    if (ok && stage != HS_MID) {
        ok = SSL_is_init_finished(p.s);
    }
    if (ok && stage == HS_ESTABLISHED) {
        ok = exchange(p.c, p.s, "ping");
    }
    if (!ok) {
        pair_free(&p);
        return NULL;
    }
    SSL *s = p.s;
    SSL_free(p.c);
    /* The memory BIOs keep buffers a server reading a socket would not
     * have: swap them for one null BIO (which frees them), about the size
     * of the socket BIO such a server holds. */
    BIO *null = BIO_new(BIO_s_null());
    if (null == NULL) {
        SSL_free(s);
        return NULL;
    }
    SSL_set_bio(s, null, null);
    return s;
}

static void ossl_release(void *arg, void *server)
{
    (void)arg;
    SSL_free(server);
}

const struct hs_impl hs_openssl_impl = {
    "OpenSSL", ossl_setup, ossl_teardown, ossl_handshake, ossl_hold, ossl_release,
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double hs_x25519_us(int rounds, double secs)
{
    EVP_PKEY_CTX *gen = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
    EVP_PKEY *a = NULL;
    EVP_PKEY *b = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    double best = 0;
    if (gen == NULL || EVP_PKEY_keygen_init(gen) != 1 || EVP_PKEY_keygen(gen, &a) != 1 ||
        EVP_PKEY_keygen(gen, &b) != 1 ||
        (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, a, NULL)) == NULL ||
        EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer(ctx, b) != 1) {
        ossl_fail("X25519 setup failed");
        goto out;
    }
    for (int r = 0; r < rounds; r++) {
        long n = 0;
        double t0 = now_s();
        double t;
        do {
            uint8_t secret[32];
            size_t len = sizeof(secret);
            if (EVP_PKEY_derive(ctx, secret, &len) != 1) {
                ossl_fail("X25519 failed");
                best = 0;
                goto out;
            }
            n++;
            t = now_s();
        } while (t - t0 < secs);
        double us = (t - t0) * 1e6 / (double)n;
        best = best == 0 || us < best ? us : best;
    }
out:
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(a);
    EVP_PKEY_free(b);
    EVP_PKEY_CTX_free(gen);
    return best;
}
