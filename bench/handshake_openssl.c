/* bench-handshake: OpenSSL's DTLS 1.2 (libssl) as the reference peer.
 *
 * Client and server talk through two memory BIOs, one per direction; a
 * DTLS read takes everything queued as one datagram, which DTLS allows (a
 * datagram may carry several records). Same conditions as tern: no cookie
 * exchange (SSL_OP_COOKIE_EXCHANGE is off by default), no tickets, no
 * session cache, the MTU fixed so nothing is fragmented, extended master
 * secret (libssl negotiates it by default; checked). For the certificate
 * suite the server context holds the ECDSA chain and key, and the client
 * verifies the chain against the test root (SSL_VERIFY_PEER) and the
 * server's name (SSL_set1_host), both fatal on failure; both sides allow
 * only ECDSA with SHA-256 signatures, as tern uses with a P-256 key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "handshake.h"

struct ossl_state {
    const struct hs_suite *s;
    SSL_CTX *cctx;
    SSL_CTX *sctx;
    const char *host;         /* the name the client asks for (certificate suites) */
    struct hs_srv_clock *srv; /* where the server's time goes (NULL: not timed) */
};

/* Set while a handshake is expected to fail: nothing is printed. */
static int g_quiet;

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
    if (g_quiet) {
        ERR_clear_error();
        return 0;
    }
    fprintf(stderr, "bench-handshake: OpenSSL: %s\n", what);
    ERR_print_errors_fp(stderr);
    return 0;
}

/* Brackets a server call (nothing when the server is not timed). */
static uint64_t srv_begin(const struct ossl_state *st)
{
    return hs_srv_begin(st->srv);
}

static void srv_end(const struct ossl_state *st, uint64_t t0)
{
    hs_srv_end(st->srv, t0);
}

/* The credentials of a certificate suite: the server's chain and key, or
 * the client's trust anchor and peer verification. */
static int ctx_certs(SSL_CTX *ctx, int server)
{
    if (SSL_CTX_set1_sigalgs_list(ctx, "ECDSA+SHA256") != 1) {
        return 0;
    }
    if (server) {
        return SSL_CTX_use_certificate_chain_file(ctx, hs_pki.cert) == 1 &&
               SSL_CTX_use_PrivateKey_file(ctx, hs_pki.key, SSL_FILETYPE_PEM) == 1 &&
               SSL_CTX_check_private_key(ctx) == 1;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return SSL_CTX_load_verify_file(ctx, hs_pki.ca) == 1;
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
    if (s->cert) {
        if (!ctx_certs(ctx, server)) {
            SSL_CTX_free(ctx);
            return NULL;
        }
    } else if (server) {
        SSL_CTX_set_psk_server_callback(ctx, psk_server_cb);
    } else {
        SSL_CTX_set_psk_client_callback(ctx, psk_client_cb);
    }
    if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(ctx, s->openssl) != 1 ||
        SSL_CTX_set1_groups_list(ctx, s->cert ? HS_GROUP_NAME ":P-256" : HS_GROUP_NAME) != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

SSL_CTX *hs_openssl_ctx_new(const struct hs_suite *s, int server)
{
    return ctx_new(s, server);
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
    st->host = HS_HOST;
    st->cctx = ctx_new(s, 0);
    st->sctx = ctx_new(s, 1);
    if (st->cctx == NULL || st->sctx == NULL) {
        ossl_fail("context setup failed");
        ossl_teardown(st);
        return NULL;
    }
    return st;
}

static void pair_free(const struct ossl_state *st, struct ossl_pair *p)
{
    SSL_free(p->c);
    uint64_t t0 = srv_begin(st);
    SSL_free(p->s);
    srv_end(st, t0);
    p->c = NULL;
    p->s = NULL;
}

/* A client and a server joined by two memory BIOs: each BIO is one SSL's
 * write side and the other's read side, so each carries two references. */
static int pair_new(struct ossl_state *st, struct ossl_pair *p)
{
    p->c = SSL_new(st->cctx);
    uint64_t t0 = srv_begin(st);
    p->s = SSL_new(st->sctx);
    srv_end(st, t0);
    BIO *c2s = BIO_new(BIO_s_mem());
    BIO *s2c = BIO_new(BIO_s_mem());
    if (p->c == NULL || p->s == NULL || c2s == NULL || s2c == NULL || BIO_up_ref(c2s) != 1 ||
        BIO_up_ref(s2c) != 1) {
        BIO_free(c2s);
        BIO_free(s2c);
        pair_free(st, p);
        return ossl_fail("SSL_new or BIO_new failed");
    }
    SSL_set_bio(p->c, s2c, c2s);
    SSL_set_bio(p->s, c2s, s2c);
    SSL_set_connect_state(p->c);
    SSL_set_accept_state(p->s);
    if (SSL_set_mtu(p->c, HS_MTU) <= 0 || SSL_set_mtu(p->s, HS_MTU) <= 0) {
        pair_free(st, p);
        return ossl_fail("SSL_set_mtu failed");
    }
    if (st->s->cert &&
        (SSL_set_tlsext_host_name(p->c, st->host) != 1 || SSL_set1_host(p->c, st->host) != 1)) {
        pair_free(st, p);
        return ossl_fail("setting the server name failed");
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
static int drive(const struct ossl_state *st, struct ossl_pair *p, int mid)
{
    for (int i = 0; i < 8; i++) {
        int c = step(p->c);
        uint64_t t0 = srv_begin(st);
        int s = step(p->s);
        srv_end(st, t0);
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
        return ossl_fail(HS_GROUP_NAME " not used");
    }
    return 1;
}

/* The client verified the server's chain and name and took an ECDSA
 * signature with SHA-256. */
static int check_verified(SSL *client)
{
    int type = 0;
    int md = 0;
    if (SSL_get0_peer_certificate(client) == NULL || SSL_get_verify_result(client) != X509_V_OK) {
        return ossl_fail("the server's certificate was not verified");
    }
    if (SSL_get_peer_signature_type_nid(client, &type) != 1 || type != EVP_PKEY_EC ||
        SSL_get_peer_signature_nid(client, &md) != 1 || md != NID_sha256) {
        return ossl_fail("not an ECDSA signature with SHA-256");
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

/* A client asking for a name the certificate does not carry must fail. */
static int refuses_wrong_host(struct ossl_state *st)
{
    struct ossl_pair p;
    st->host = HS_WRONG_HOST;
    int ok = pair_new(st, &p);
    st->host = HS_HOST;
    if (!ok) {
        return 0;
    }
    g_quiet = 1;
    int done = drive(st, &p, 0) && SSL_is_init_finished(p.c);
    g_quiet = 0;
    long result = SSL_get_verify_result(p.c);
    pair_free(st, &p);
    if (done || result != X509_V_ERR_HOSTNAME_MISMATCH) {
        return ossl_fail("the wrong name was not refused as such");
    }
    return 1;
}

static int ossl_handshake(void *arg, int check, struct hs_srv_clock *srv)
{
    struct ossl_state *st = arg;
    struct ossl_pair p;
    st->srv = srv;
    int ok = pair_new(st, &p);
    if (ok) {
        ok = drive(st, &p, 0) && SSL_is_init_finished(p.c) && SSL_is_init_finished(p.s);
        if (ok && check) {
            ok = check_side(st, p.c) && check_side(st, p.s) &&
                 (!st->s->cert || check_verified(p.c)) && exchange(p.c, p.s, "ping") &&
                 exchange(p.s, p.c, "pong");
        }
        pair_free(st, &p);
    }
    st->srv = NULL;
    if (ok && check && st->s->cert) {
        ok = refuses_wrong_host(st);
    }
    return ok;
}

static void *ossl_hold(void *arg, enum hs_stage stage)
{
    struct ossl_state *st = arg;
    struct ossl_pair p;
    if (!pair_new(st, &p)) {
        return NULL;
    }
    int ok = drive(st, &p, stage == HS_MID);
    if (ok && stage != HS_MID) {
        ok = SSL_is_init_finished(p.s);
    }
    if (ok && stage == HS_ESTABLISHED) {
        ok = exchange(p.c, p.s, "ping");
    }
    if (!ok) {
        pair_free(st, &p);
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

/* An established pair for the record benchmark: the memory BIOs of the
 * handshake carry one record at a time (SSL_write queues it, SSL_read on
 * the other side takes it), the usual way to run libssl without a
 * socket. */
struct ossl_tput {
    struct ossl_pair p;
    uint8_t buf[HS_DGRAM];
};

static void ossl_pair_close(void *arg)
{
    struct ossl_tput *t = arg;
    if (t != NULL) {
        SSL_free(t->p.c);
        SSL_free(t->p.s);
        free(t);
    }
}

static void *ossl_pair_open(void *arg)
{
    struct ossl_state *st = arg;
    struct ossl_tput *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return NULL;
    }
    if (!pair_new(st, &t->p)) {
        free(t);
        return NULL;
    }
    if (!drive(st, &t->p, 0) || !SSL_is_init_finished(t->p.c) || !SSL_is_init_finished(t->p.s) ||
        SSL_set_mtu(t->p.c, HS_TPUT_MTU) <= 0 || SSL_set_mtu(t->p.s, HS_TPUT_MTU) <= 0) {
        ossl_fail("pair setup failed");
        ossl_pair_close(t);
        return NULL;
    }
    return t;
}

static int ossl_pair_send(void *arg, const uint8_t *data, size_t len, int check)
{
    struct ossl_tput *t = arg;
    if (SSL_write(t->p.c, data, (int)len) != (int)len) {
        return ossl_fail("SSL_write failed");
    }
    if (SSL_read(t->p.s, t->buf, sizeof(t->buf)) != (int)len) {
        return ossl_fail("SSL_read failed");
    }
    return !check || memcmp(t->buf, data, len) == 0;
}

const struct hs_impl hs_openssl_impl = {
    "OpenSSL",    ossl_setup,     ossl_teardown,  ossl_handshake,  ossl_hold,
    ossl_release, ossl_pair_open, ossl_pair_send, ossl_pair_close,
};
