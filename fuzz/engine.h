/* Shared by the whole-engine fuzz targets (fuzz/server.c, fuzz/client.c) and
 * their seed generator (fuzz/gen_engine_corpus.c): everything that decides
 * which bytes a connection sends. A handshake recorded by the generator
 * replays exactly in a target only because both use this one copy of the
 * credentials, cookie secret, peer address, random generators, framing and
 * clock schedule; change any of it and the seed corpus must be regenerated.
 *
 * Input framing: a sequence of frames, each a 2-byte big-endian header and
 * then the datagram:
 *   bits 0..13  datagram length; a length beyond the end of the input takes
 *               the bytes that remain, so every input means something
 *   bit 14      after the datagram, write a short application message
 *               (tern_conn_write) and check what comes back
 *   bit 15      before the datagram, move the clock to the connection's
 *               deadline and call tern_conn_timeout()
 * The clock starts at ENGINE_T0_NS and advances ENGINE_STEP_NS after each
 * frame. After every call everything the connection wants sent is pulled.
 * When the input ends, the timer is run out (tern_conn_timeout at each
 * deadline until none is left), which reaches retransmission, the
 * handshake timeout and the end of the server's linger.
 *
 * Every call is checked against the engine's contract (conn.h, STYLE.md
 * convention 3) and a violation aborts, so the fuzzer reports it:
 *  - pull returns a datagram of 1..MTU bytes or TERN_ERR_NOTHING_TO_SEND, never
 *    more than a bounded number per round, and after a fatal error at most
 *    the one final alert;
 *  - receive returns TERN_OK, or the connection's sticky error, or
 *    TERN_ERR_CLOSED once closed; TERN_OK never leaves it failed;
 *  - once FAILED, receive, timeout and write return the same error and the
 *    state and error never change; CLOSED never changes either; the state
 *    never goes back (IDLE, HANDSHAKING, ESTABLISHED, then CLOSED/FAILED);
 *  - ESTABLISHED means DTLS 1.2, one of the suites of the mode, and the
 *    peer authenticated as the mode requires: the PSK identity "client1"
 *    (the only one either side knows), or a certificate chain;
 *  - application data handed out lies inside the received datagram.
 *
 * Two modes: ENGINE_PSK (fuzz/server.c, fuzz/client.c: the PSK and
 * ECDHE_PSK suites) and ENGINE_CERT (fuzz/server_cert.c,
 * fuzz/client_cert.c: the ECDHE_ECDSA suites with the Ed25519 credentials
 * of engine_pki.h, the client verifying the server's chain and name, the
 * server requiring a client certificate). */
#ifndef TERN_FUZZ_ENGINE_H
#define TERN_FUZZ_ENGINE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tern/tern.h>

#include "engine_pki.h"
#include "util/reader.h"

#define ENGINE_T0_NS   UINT64_C(1000000000)
#define ENGINE_STEP_NS UINT64_C(1000000) /* 1 ms per datagram */

#define ENGINE_FLAG_WRITE   0x4000u
#define ENGINE_FLAG_TIMEOUT 0x8000u
#define ENGINE_LEN_MASK     0x3fffu

/* Each role draws from its own generator, seeded alike in the generator
 * and the target, so each side's randoms and ECDHE keys repeat. */
#define ENGINE_SEED_CLIENT UINT64_C(0x636c69656e742d31) /* "client-1" */
#define ENGINE_SEED_SERVER UINT64_C(0x7365727665722d31) /* "server-1" */

/* Room for a datagram at the largest MTU tern accepts, so that the MTU
 * check below sees a datagram that is too large instead of a short buffer. */
#define ENGINE_OUT_CAP (16384 + 512)
/* A flight is at most a few kilobytes: more datagrams than this from one
 * round of pulls means the connection never stops sending. */
#define ENGINE_MAX_PULLS 256
/* Timeouts run at the end: more than the retransmission limit plus the
 * linger, fewer than would hide a timer that never stops. */
#define ENGINE_MAX_TIMEOUTS 64

static const uint8_t engine_psk_identity[] = {'c', 'l', 'i', 'e', 'n', 't', '1'};
static const uint8_t engine_psk_key[16] = {0x7e, 0x72, 0x6e, 0x2d, 0x66, 0x75, 0x7a, 0x7a,
                                           0x2d, 0x70, 0x73, 0x6b, 0x2d, 0x6b, 0x65, 0x79};
static const uint8_t engine_cookie_secret[32] = {
    0x63, 0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x2d, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0x2d, 0x66, 0x6f,
    0x72, 0x2d, 0x74, 0x68, 0x65, 0x2d, 0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x74, 0x61, 0x72, 0x67, 0x65};
/* The server's view of the client's address (IPv4 127.0.0.1 port 12345,
 * as address bytes then port): the cookie in a recorded second
 * ClientHello is bound to exactly these bytes. */
static const uint8_t engine_peer[] = {127, 0, 0, 1, 0x30, 0x39};

/* The suites the seed corpus covers: every suite a PSK-only configuration
 * offers, so also every suite an ESTABLISHED connection may have. */
struct engine_suite {
    uint16_t id;
    const char *name;
};
static const struct engine_suite engine_suites[] = {
    {0xc0a8, "TLS_PSK_WITH_AES_128_CCM_8"},
    {0xc0a4, "TLS_PSK_WITH_AES_128_CCM"},
    {0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256"},
    {0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384"},
    {0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256"},
    {0xd001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256"},
};
#define ENGINE_N_SUITES (sizeof(engine_suites) / sizeof(engine_suites[0]))

/* The suites a certificate-only configuration with an Ed25519 key offers
 * (RFC 8422: EdDSA certificates go with the ECDHE_ECDSA suites). */
static const struct engine_suite engine_cert_suites[] = {
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"},
    {0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"},
};

enum engine_kind {
    ENGINE_PSK = 0,
    ENGINE_CERT = 1,
};

static inline const struct engine_suite *engine_suites_of(int kind, size_t *n)
{
    if (kind == ENGINE_CERT) {
        *n = sizeof(engine_cert_suites) / sizeof(engine_cert_suites[0]);
        return engine_cert_suites;
    }
    *n = ENGINE_N_SUITES;
    return engine_suites;
}

/* splitmix64: tiny, seedable, and free of libcrypto, so the fuzzer's
 * randomness costs nothing and depends on nothing but the seed. */
struct engine_rng {
    uint64_t state;
};

static inline uint64_t engine_rng_next(struct engine_rng *r)
{
    r->state += UINT64_C(0x9e3779b97f4a7c15);
    uint64_t z = r->state;
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* The tern_random_fn: each call starts on a fresh 64-bit word. */
static inline int engine_rng_fill(void *arg, uint8_t *out, size_t len)
{
    struct engine_rng *r = arg;
    uint64_t word = 0;
    for (size_t i = 0; i < len; i++) {
        if (i % 8 == 0) {
            word = engine_rng_next(r);
        }
        out[i] = (uint8_t)(word >> (8 * (i % 8)));
    }
    return 0;
}

/* Where a connection's datagrams go (the generator hands them to the other
 * side; the targets drop them). */
typedef void (*engine_sink_fn)(void *arg, const uint8_t *dgram, size_t len);

struct engine {
    struct tern_conn *conn; /* a server's is NULL until its gate verifies a ClientHello */
    /* Server: the stateless cookie gate before the connection, as a real
     * server runs it (tern_cookie_check, then tern_conn_accept), and the
     * configuration held for the connection it may create. */
    struct tern_cookie *gate;
    struct tern_config *cfg;
    enum tern_role role;
    int kind;              /* enum engine_kind */
    struct engine_rng rng; /* the configuration's random generator */
    uint64_t now;
    int state; /* state after the last call */
    int error; /* the sticky error, once FAILED */
    unsigned pulled_after_fail;
    int established; /* ESTABLISHED was reached */
    const char *suite_name;
    size_t app_bytes;  /* application data delivered */
    size_t sent;       /* datagrams pulled */
    int sent_epoch1;   /* one of them held a record of epoch 1 or later */
    const uint8_t *rx; /* the datagram being received */
    size_t rx_len;
    engine_sink_fn sink;
    void *sink_arg;
    uint8_t out[ENGINE_OUT_CAP];
};

static inline _Noreturn void engine_violation(const struct engine *e, const char *what, int line)
{
    fprintf(stderr,
            "engine invariant violated (%s, fuzz/engine.h:%d): %s [state %d, error %d %s]\n",
            e->role == TERN_ROLE_SERVER ? "server" : "client", line, what,
            (int)tern_conn_state(e->conn), tern_conn_error(e->conn),
            tern_strerror(tern_conn_error(e->conn)));
    abort();
}

#define ENGINE_REQUIRE(e, cond)                                                                    \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            engine_violation((e), #cond, __LINE__);                                                \
        }                                                                                          \
    } while (0)

static inline int engine_suite_known(int kind, uint16_t id)
{
    size_t n = 0;
    const struct engine_suite *suites = engine_suites_of(kind, &n);
    for (size_t i = 0; i < n; i++) {
        if (suites[i].id == id) {
            return 1;
        }
    }
    return 0;
}

/* Checks the state and error after any call against the state before it. */
static inline void engine_check(struct engine *e)
{
    const struct tern_conn *c = e->conn;
    if (c == NULL) {
        return; /* a server still at its gate: nothing exists to check */
    }
    int s = (int)tern_conn_state(c);
    int err = tern_conn_error(c);
    switch (e->state) {
    case TERN_STATE_FAILED:
        ENGINE_REQUIRE(e, s == TERN_STATE_FAILED && err == e->error);
        break;
    case TERN_STATE_CLOSED:
        ENGINE_REQUIRE(e, s == TERN_STATE_CLOSED);
        break;
    case TERN_STATE_ESTABLISHED:
        ENGINE_REQUIRE(e, s != TERN_STATE_IDLE && s != TERN_STATE_HANDSHAKING);
        break;
    case TERN_STATE_HANDSHAKING:
        ENGINE_REQUIRE(e, s != TERN_STATE_IDLE);
        break;
    default:
        break;
    }
    if (s == TERN_STATE_FAILED) {
        ENGINE_REQUIRE(e, err < 0 && err != TERN_ERR_NOTHING_TO_SEND);
        e->error = err;
    } else {
        ENGINE_REQUIRE(e, err == TERN_OK);
    }
    if (s == TERN_STATE_ESTABLISHED) {
        ENGINE_REQUIRE(e, tern_conn_version(c) == TERN_DTLS_1_2);
        ENGINE_REQUIRE(e, engine_suite_known(e->kind, tern_conn_suite(c)));
        size_t id_len = 0;
        const uint8_t *id = tern_conn_psk_identity(c, &id_len);
        if (e->kind == ENGINE_CERT) {
            /* Both sides verified a chain; no PSK was involved. */
            size_t cert_len = 0;
            ENGINE_REQUIRE(e, id == NULL && tern_conn_verify_errors(c, NULL, 0) == 0);
            ENGINE_REQUIRE(e, tern_conn_peer_certificate(c, 0, &cert_len) != NULL && cert_len > 0);
        } else {
            ENGINE_REQUIRE(e, id != NULL && id_len == sizeof(engine_psk_identity) &&
                                  memcmp(id, engine_psk_identity, id_len) == 0);
        }
        e->established = 1;
        e->suite_name = tern_conn_suite_name(c);
    }
    e->state = s;
}

/* Pulls everything the connection wants sent. */
static inline void engine_pull_all(struct engine *e)
{
    for (unsigned i = 0; e->conn != NULL; i++) {
        ENGINE_REQUIRE(e, i < ENGINE_MAX_PULLS);
        int failed_before = e->state == TERN_STATE_FAILED;
        ptrdiff_t n = tern_conn_pull(e->conn, e->now, e->out, sizeof(e->out));
        if (n == TERN_ERR_NOTHING_TO_SEND) {
            engine_check(e);
            return;
        }
        if (n < 0) {
            /* pull fails only by failing the connection (a sequence number
             * ran out), and then returns that error. */
            engine_check(e);
            ENGINE_REQUIRE(e, e->state == TERN_STATE_FAILED && n == e->error);
            continue;
        }
        ENGINE_REQUIRE(e, n > 0 && (size_t)n <= TERN_DEFAULT_MTU);
        if (failed_before) {
            /* After a fatal error only the final alert may leave. */
            ENGINE_REQUIRE(e, ++e->pulled_after_fail <= 1);
        }
        engine_check(e);
        e->sent++;
        for (ptrdiff_t at = 0; at + 13 <= n;
             at += 13 + ((e->out[at + 11] << 8) | e->out[at + 12])) {
            if (e->out[at + 3] != 0 || e->out[at + 4] != 0) {
                e->sent_epoch1 = 1; /* a record of epoch 1 or later */
            }
        }
        if (e->sink != NULL) {
            e->sink(e->sink_arg, e->out, (size_t)n);
        }
    }
}

/* What the generator restricts on the side that is not under test; the
 * targets use tern's defaults (NULL). */
struct engine_prefs {
    const uint16_t *suites;
    size_t n_suites;
    const uint16_t *groups;
    size_t n_groups;
};

/* The certificate mode's credentials: the role's chain and key, the CA as
 * the only anchor, and the server requiring a client certificate. The
 * peer's chain is kept so that engine_check() can see it. */
static inline int engine_cert_config(struct tern_config *cfg, enum tern_role role)
{
    int server = role == TERN_ROLE_SERVER;
    const char *chain = server ? engine_server_pem : engine_client_pem;
    const char *key = server ? engine_server_key : engine_client_key;
    int rc = tern_config_add_certificate(cfg, (const uint8_t *)chain, strlen(chain),
                                         (const uint8_t *)key, strlen(key));
    if (rc == TERN_OK) {
        rc = tern_config_add_trust(cfg, (const uint8_t *)engine_ca_pem, strlen(engine_ca_pem));
    }
    if (rc == TERN_OK && server) {
        rc = tern_config_set_client_auth(cfg, TERN_CLIENT_AUTH_REQUIRE);
    }
    if (rc == TERN_OK) {
        rc = tern_config_set_flags(cfg, TERN_FLAG_KEEP_PEER_CHAIN);
    }
    return rc;
}

static inline int engine_config(struct tern_config **out, enum tern_role role, int kind,
                                struct engine_rng *rng, const struct engine_prefs *prefs)
{
    struct tern_config *cfg = NULL;
    int rc = tern_config_new(&cfg, role);
    if (rc == TERN_OK && kind == ENGINE_CERT) {
        rc = engine_cert_config(cfg, role);
    } else if (rc == TERN_OK) {
        rc = tern_config_set_psk(cfg, engine_psk_identity, sizeof(engine_psk_identity),
                                 engine_psk_key, sizeof(engine_psk_key));
    }
    if (rc == TERN_OK && prefs != NULL && prefs->n_suites > 0) {
        rc = tern_config_set_suites(cfg, prefs->suites, prefs->n_suites);
    }
    if (rc == TERN_OK && prefs != NULL && prefs->n_groups > 0) {
        rc = tern_config_set_groups(cfg, prefs->groups, prefs->n_groups);
    }
    if (rc == TERN_OK) {
        rc = tern_config_set_random_callback(cfg, engine_rng_fill, rng);
    }
    if (rc != TERN_OK) {
        tern_config_free(cfg);
        return rc;
    }
    *out = cfg;
    return TERN_OK;
}

/* Creates the connection of role with its generator freshly seeded and
 * tern's defaults, or prefs where given; a client starts its handshake and
 * its ClientHello goes to the sink. Aborts when setting up fails: that is
 * never the input's doing. */
static inline void engine_open(struct engine *e, enum tern_role role, int kind,
                               const struct engine_prefs *prefs, engine_sink_fn sink,
                               void *sink_arg)
{
    memset(e, 0, sizeof(*e));
    e->role = role;
    e->kind = kind;
    e->sink = sink;
    e->sink_arg = sink_arg;
    e->now = ENGINE_T0_NS;
    e->rng.state = role == TERN_ROLE_SERVER ? ENGINE_SEED_SERVER : ENGINE_SEED_CLIENT;
    struct tern_config *cfg = NULL;
    int rc = engine_config(&cfg, role, kind, &e->rng, prefs);
    if (rc == TERN_OK && role == TERN_ROLE_SERVER) {
        /* The connection comes later, from the gate's verified ClientHello. */
        rc = tern_cookie_new(&e->gate, engine_cookie_secret, sizeof(engine_cookie_secret));
        e->cfg = cfg;
        cfg = NULL;
    } else if (rc == TERN_OK) {
        rc = tern_conn_new(&e->conn, cfg);
    }
    if (rc == TERN_OK && role == TERN_ROLE_CLIENT && kind == ENGINE_CERT) {
        rc = tern_conn_set_server_name(e->conn, ENGINE_SERVER_NAME);
    }
    tern_config_free(cfg); /* the connection holds its own reference */
    if (rc != TERN_OK) {
        fprintf(stderr, "engine setup failed: %s\n", tern_strerror(rc));
        abort();
    }
    e->state = TERN_STATE_IDLE;
    if (role == TERN_ROLE_CLIENT) {
        ENGINE_REQUIRE(e, tern_conn_start(e->conn, e->now) == TERN_OK);
        engine_check(e);
        ENGINE_REQUIRE(e, e->state == TERN_STATE_HANDSHAKING);
        engine_pull_all(e);
    }
}

static inline void engine_on_data(void *arg, const uint8_t *data, size_t len)
{
    struct engine *e = arg;
    /* conn.h: data points into the datagram given to tern_conn_receive(). */
    ENGINE_REQUIRE(e,
                   data >= e->rx && len <= e->rx_len && (size_t)(data - e->rx) <= e->rx_len - len);
    e->app_bytes += len;
}

/* Moves the clock to the deadline (if a timer runs) and calls timeout. */
static inline void engine_timeout(struct engine *e)
{
    if (e->conn == NULL) {
        return;
    }
    uint64_t d = tern_conn_deadline(e->conn);
    if (d != UINT64_MAX && d > e->now) {
        e->now = d;
    }
    int before = e->state;
    int rc = tern_conn_timeout(e->conn, e->now);
    engine_check(e);
    if (before == TERN_STATE_FAILED || rc != TERN_OK) {
        ENGINE_REQUIRE(e, e->state == TERN_STATE_FAILED && rc == e->error);
    }
    engine_pull_all(e);
}

/* Protects msg as application data; the datagram goes to the sink. */
static inline void engine_write(struct engine *e, const void *msg, size_t len)
{
    if (e->conn == NULL) {
        return;
    }
    int before = e->state;
    ptrdiff_t n = tern_conn_write(e->conn, msg, len, e->out, sizeof(e->out));
    engine_check(e);
    switch (before) {
    case TERN_STATE_FAILED:
        ENGINE_REQUIRE(e, n == e->error);
        break;
    case TERN_STATE_CLOSED:
        ENGINE_REQUIRE(e, n == TERN_ERR_CLOSED);
        break;
    case TERN_STATE_ESTABLISHED:
        ENGINE_REQUIRE(e, (n > 0 && (size_t)n <= TERN_DEFAULT_MTU) ||
                              (e->state == TERN_STATE_FAILED && n == e->error));
        break;
    default:
        ENGINE_REQUIRE(e, n == TERN_ERR_STATE);
        break;
    }
    if (n > 0 && e->sink != NULL) {
        e->sink(e->sink_arg, e->out, (size_t)n);
    }
    engine_pull_all(e);
}

/* A server's datagram before its connection exists: the gate answers it
 * (the HelloVerifyRequest goes to the sink), drops it, or, for a
 * ClientHello with the right cookie, tern_conn_accept() creates the
 * connection from it. The gate's answer is never larger than the request
 * (RFC 6347 section 4.2.1). Returns what the connection's first receive
 * returned, or TERN_OK. */
static inline int engine_gate(struct engine *e, uint8_t *dgram, size_t len)
{
    uint8_t hvr[128];
    size_t hvr_len = 0;
    int v = tern_cookie_check(e->gate, dgram, len, engine_peer, sizeof(engine_peer), hvr,
                              sizeof(hvr), &hvr_len);
    ENGINE_REQUIRE(e, v == TERN_COOKIE_SEND || v == TERN_COOKIE_DROP || v == TERN_COOKIE_VERIFIED);
    if (v == TERN_COOKIE_SEND) {
        ENGINE_REQUIRE(e, hvr_len > 0 && hvr_len <= len);
        e->sent++;
        if (e->sink != NULL) {
            e->sink(e->sink_arg, hvr, hvr_len);
        }
        return TERN_OK;
    }
    if (v == TERN_COOKIE_DROP) {
        return TERN_OK;
    }
    int rc = tern_conn_accept(&e->conn, e->cfg, e->gate, e->now, dgram, len, engine_peer,
                              sizeof(engine_peer));
    ENGINE_REQUIRE(e, e->conn != NULL || rc == TERN_ERR_NOMEM);
    e->state = TERN_STATE_IDLE;
    return rc;
}

/* Feeds one frame: the optional timeout, the datagram (copied into a
 * buffer of its exact size, since tern decrypts in place and ASan should
 * see any over-read), the optional write, the pulls, then a clock step. */
static inline void engine_receive(struct engine *e, unsigned flags, const uint8_t *dgram,
                                  size_t len)
{
    if (flags & ENGINE_FLAG_TIMEOUT) {
        engine_timeout(e);
    }
    uint8_t *buf = malloc(len > 0 ? len : 1);
    if (buf == NULL) {
        abort();
    }
    if (len > 0) {
        memcpy(buf, dgram, len);
    }
    e->rx = buf;
    e->rx_len = len;
    int before = e->state;
    int rc;
    if (e->conn == NULL) {
        rc = engine_gate(e, buf, len);
    } else {
        rc = tern_conn_receive(e->conn, e->now, buf, len, engine_on_data, e);
    }
    e->rx = NULL;
    e->rx_len = 0;
    free(buf);
    engine_check(e);
    if (before == TERN_STATE_FAILED) {
        ENGINE_REQUIRE(e, rc == e->error);
    } else if (before == TERN_STATE_CLOSED) {
        ENGINE_REQUIRE(e, rc == TERN_ERR_CLOSED);
    } else if (rc != TERN_OK) {
        ENGINE_REQUIRE(e, e->state == TERN_STATE_FAILED && rc == e->error);
    } else {
        ENGINE_REQUIRE(e, e->state != TERN_STATE_FAILED);
    }
    engine_pull_all(e);
    if (flags & ENGINE_FLAG_WRITE) {
        static const char msg[] = "fuzz";
        engine_write(e, msg, sizeof(msg) - 1);
    }
    e->now += ENGINE_STEP_NS;
}

/* Feeds every frame of an input (see the framing above). */
static inline void engine_feed(struct engine *e, const uint8_t *data, size_t size)
{
    struct tern_reader r;
    tern_r_init(&r, data, size);
    uint16_t hdr;
    while (tern_r_u16(&r, &hdr) == TERN_OK) {
        size_t len = hdr & ENGINE_LEN_MASK;
        if (len > tern_r_left(&r)) {
            len = tern_r_left(&r);
        }
        const uint8_t *dgram = NULL;
        if (tern_r_bytes(&r, len, &dgram) != TERN_OK) {
            abort(); /* len was clamped to what remains */
        }
        engine_receive(e, hdr & ~ENGINE_LEN_MASK, dgram, len);
    }
}

/* Runs the timer out, then frees the connection. */
static inline void engine_close(struct engine *e)
{
    for (unsigned i = 0; e->conn != NULL && tern_conn_deadline(e->conn) != UINT64_MAX; i++) {
        ENGINE_REQUIRE(e, i < ENGINE_MAX_TIMEOUTS);
        engine_timeout(e);
    }
    tern_conn_free(e->conn);
    tern_cookie_free(e->gate);
    tern_config_free(e->cfg);
    e->conn = NULL;
    e->gate = NULL;
    e->cfg = NULL;
}

/* Appends one frame of the framing above (no flags) to buf[*off..cap);
 * returns 0, or -1 when it does not fit. */
static inline int engine_frame_put(uint8_t *buf, size_t cap, size_t *off, const uint8_t *dgram,
                                   size_t len)
{
    if (len > ENGINE_LEN_MASK || cap - *off < 2 || cap - *off - 2 < len) {
        return -1;
    }
    buf[(*off)++] = (uint8_t)(len >> 8);
    buf[(*off)++] = (uint8_t)len;
    memcpy(buf + *off, dgram, len);
    *off += len;
    return 0;
}

/* Seed verification (built as fuzz-verify-<role> with
 * TERN_FUZZ_VERIFY_SEEDS): every committed seed is a recorded handshake
 * plus application data, so its replay must reach ESTABLISHED and deliver
 * data; and across the whole corpus every suite must be reached.
 *
 * Seeds named interop-* are a foreign peer's side of a handshake with
 * another tern (fuzz/gen_interop_seeds.c): its keys cannot agree with the
 * target's, whose randoms differ. Their replay must instead take the
 * target as far as those randoms allow. With PSK, the target answers every
 * flight (a client sends its Finished under epoch 1, a server its flight
 * after the HelloVerifyRequest) and then drops the peer's Finished as
 * undecryptable, still handshaking. With certificates, the target accepts
 * the peer's chain and fails on the signature over the randoms (the
 * client on the ServerKeyExchange, the server on the CertificateVerify),
 * with decrypt_error. */
#ifdef TERN_FUZZ_VERIFY_SEEDS
extern const char *replay_current_path; /* fuzz/replay_main.c */
static unsigned engine_verified_suites;
static int engine_verified_kind;

static void engine_verify_all_suites(void)
{
    size_t n = 0;
    const struct engine_suite *suites = engine_suites_of(engine_verified_kind, &n);
    for (size_t i = 0; i < n; i++) {
        if (!(engine_verified_suites & (1u << i))) {
            fprintf(stderr, "seed verification: no seed reached %s\n", suites[i].name);
            _Exit(1);
        }
    }
    fprintf(stderr, "seed verification: all %zu suites reached ESTABLISHED\n", n);
}

static inline void engine_verify(const struct engine *e)
{
    static int registered;
    if (!registered) {
        registered = 1;
        engine_verified_kind = e->kind;
        atexit(engine_verify_all_suites);
    }
    const char *role = e->role == TERN_ROLE_SERVER ? "server" : "client";
    const char *base = replay_current_path != NULL ? strrchr(replay_current_path, '/') : NULL;
    base = base != NULL ? base + 1 : replay_current_path;
    if (base != NULL && strncmp(base, "interop-", 8) == 0) {
        uint64_t undecryptable = tern_conn_dropped_by(e->conn, TERN_DROP_AUTH);
        fprintf(stderr,
                "seed verification: %s (%s) sent %zu datagrams%s, dropped %llu undecryptable "
                "records, %s\n",
                role, base, e->sent, e->sent_epoch1 ? " (epoch 1 among them)" : "",
                (unsigned long long)undecryptable,
                e->state == TERN_STATE_FAILED ? tern_strerror(e->error) : "still handshaking");
        int ok;
        if (e->kind == ENGINE_CERT) {
            ok = e->state == TERN_STATE_FAILED && e->error == TERN_ERR_BAD_SIGNATURE;
        } else {
            int answered = e->role == TERN_ROLE_SERVER ? e->sent > 1 : e->sent_epoch1;
            ok = e->state == TERN_STATE_HANDSHAKING && answered && undecryptable > 0;
        }
        if (!ok) {
            abort();
        }
        return;
    }
    int end_ok = e->state == TERN_STATE_ESTABLISHED ||
                 (e->state == TERN_STATE_CLOSED && tern_conn_alert_received(e->conn) == 0);
    static const char *const names[] = {"IDLE", "HANDSHAKING", "ESTABLISHED", "CLOSED", "FAILED"};
    fprintf(stderr,
            "seed verification: %s reached %s, %s, %zu bytes of application data, ended %s%s%s\n",
            role, e->established ? "ESTABLISHED" : "(not established)",
            e->suite_name != NULL ? e->suite_name : "-", e->app_bytes, names[e->state],
            e->state == TERN_STATE_FAILED ? ": " : "",
            e->state == TERN_STATE_FAILED ? tern_strerror(e->error) : "");
    if (!e->established || e->app_bytes == 0 || !end_ok) {
        abort();
    }
    size_t n = 0;
    const struct engine_suite *suites = engine_suites_of(e->kind, &n);
    for (size_t i = 0; i < n && e->suite_name != NULL; i++) {
        if (strcmp(suites[i].name, e->suite_name) == 0) {
            engine_verified_suites |= 1u << i;
        }
    }
}
#else
static inline void engine_verify(const struct engine *e)
{
    (void)e;
}
#endif

#endif
