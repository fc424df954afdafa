/* Configurations shared across threads (config.h: read-only and shareable
 * once a connection uses them): several threads make connections from the
 * same client and server configurations at once and run handshakes, PSK
 * and certificate ones, so that the configuration's reference count and
 * frozen flag, its credentials and trust store, and the process-wide
 * certificate cache are all used concurrently. Built like every test; in
 * the ThreadSanitizer build (make tsan) any data race fails it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tern/tern.h>

#include "test.h"

#define THREADS    4
#define HANDSHAKES 12
#define DGRAM      2048
#define QUEUE      32

static const uint8_t g_id[] = "shared";
static const uint8_t g_key[16] = {0x5a, 0x4e, 0xd0};
static const uint8_t g_secret[32] = {'s', 'h', 'a', 'r', 'e', 'd'};

struct queue {
    uint8_t d[QUEUE][DGRAM];
    size_t len[QUEUE];
    size_t n;
};

struct job {
    struct tern_config *cc;
    struct tern_config *sc;
    const char *server_name;
    int done; /* handshakes completed */
    /* per thread: the link */
    struct queue to_server;
    struct queue to_client;
};

static void push(struct queue *q, const uint8_t *d, size_t len)
{
    if (q->n < QUEUE && len <= DGRAM) {
        memcpy(q->d[q->n], d, len);
        q->len[q->n++] = len;
    }
}

static void pull_all(struct tern_conn *c, struct queue *q)
{
    uint8_t out[DGRAM];
    ptrdiff_t n;
    while (c != NULL && (n = tern_conn_pull(c, 0, out, sizeof(out))) > 0) {
        push(q, out, (size_t)n);
    }
}

/* One handshake over a lossless in-memory link, the server behind its own
 * gate (a gate is used by one thread at a time: one per thread). */
static int one_handshake(struct job *j, struct tern_cookie *gate)
{
    static const uint8_t peer[6] = {10, 0, 0, 1, 0x12, 0x34};
    struct tern_conn *c = NULL;
    struct tern_conn *s = NULL;
    if (tern_conn_new(&c, j->cc) != TERN_OK ||
        (j->server_name != NULL && tern_conn_set_server_name(c, j->server_name) != TERN_OK) ||
        tern_conn_start(c, 0) != TERN_OK) {
        tern_conn_free(c);
        return 0;
    }
    j->to_server.n = 0;
    j->to_client.n = 0;
    for (int round = 0; round < 20; round++) {
        pull_all(c, &j->to_server);
        pull_all(s, &j->to_client);
        if (j->to_server.n == 0 && j->to_client.n == 0) {
            break;
        }
        for (size_t i = 0; i < j->to_server.n; i++) {
            if (s != NULL) {
                tern_conn_receive(s, 0, j->to_server.d[i], j->to_server.len[i], NULL, NULL);
                continue;
            }
            uint8_t hvr[128];
            size_t hvr_len = 0;
            int v = tern_cookie_check(gate, j->to_server.d[i], j->to_server.len[i], peer,
                                      sizeof(peer), hvr, sizeof(hvr), &hvr_len);
            if (v == TERN_COOKIE_SEND) {
                push(&j->to_client, hvr, hvr_len);
            } else if (v == TERN_COOKIE_VERIFIED) {
                tern_conn_accept(&s, j->sc, gate, 0, j->to_server.d[i], j->to_server.len[i], peer,
                                 sizeof(peer));
            }
        }
        j->to_server.n = 0;
        for (size_t i = 0; i < j->to_client.n; i++) {
            tern_conn_receive(c, 0, j->to_client.d[i], j->to_client.len[i], NULL, NULL);
        }
        j->to_client.n = 0;
    }
    int ok = tern_conn_state(c) == TERN_STATE_ESTABLISHED && s != NULL &&
             tern_conn_state(s) == TERN_STATE_ESTABLISHED;
    tern_conn_free(c);
    tern_conn_free(s);
    return ok;
}

static void *worker(void *arg)
{
    struct job *j = arg;
    struct tern_cookie *gate = NULL;
    if (tern_cookie_new(&gate, g_secret, sizeof(g_secret)) != TERN_OK) {
        return NULL;
    }
    for (int i = 0; i < HANDSHAKES; i++) {
        j->done += one_handshake(j, gate);
    }
    tern_cookie_free(gate);
    return NULL;
}

/* THREADS threads, each with its own link and gate, all on cc and sc. */
static void run_threads(struct tern_config *cc, struct tern_config *sc, const char *server_name)
{
    static struct job jobs[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&jobs[i], 0, sizeof(jobs[i]));
        jobs[i].cc = cc;
        jobs[i].sc = sc;
        jobs[i].server_name = server_name;
        CHECK_INT(pthread_create(&t[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK_INT(pthread_join(t[i], NULL), 0);
        CHECK_INT(jobs[i].done, HANDSHAKES);
    }
}

static void shared_psk_configs(void)
{
    struct tern_config *cc = NULL;
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_set_psk(cc, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    CHECK_INT(tern_config_set_psk(sc, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    run_threads(cc, sc, NULL);
    tern_config_free(cc);
    tern_config_free(sc);
}

/* Every client thread verifies the same server chain: the certificate
 * cache (src/crypto/x509.c) hands the same decoded certificates to them
 * all, and the configurations' trust stores are read at once. */
static void shared_certificate_configs(void)
{
    struct tern_config *cc = NULL;
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_trust_file(cc, test_pki_path("ca.pem")), TERN_OK);
    CHECK_INT(tern_config_add_certificate_files(cc, test_pki_path("client.pem"),
                                                test_pki_path("client.key")),
              TERN_OK);
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_add_certificate_files(sc, test_pki_path("server-ec.pem"),
                                                test_pki_path("server-ec.key")),
              TERN_OK);
    CHECK_INT(tern_config_add_trust_file(sc, test_pki_path("ca.pem")), TERN_OK);
    CHECK_INT(tern_config_set_client_auth(sc, TERN_CLIENT_AUTH_REQUIRE), TERN_OK);
    run_threads(cc, sc, "localhost");
    tern_config_free(cc);
    tern_config_free(sc);
}

TEST_MAIN(T(shared_psk_configs), T(shared_certificate_configs))
