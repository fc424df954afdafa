/* Writes the seed corpora of the whole-engine targets fuzz/server.c and
 * fuzz/client.c: complete handshakes between a tern client and a tern
 * server in memory, for each PSK suite, recorded as the datagrams each side
 * received, in the targets' framing (fuzz/engine.h).
 *
 * Both sides run through engine.h, the code the targets use, with the
 * same credentials, cookie secret, peer address, per-role seeded random
 * generators and clock schedule, so each recorded input replays in its
 * target exactly: the server target sees the same ClientHellos and
 * computes the same cookie; the client target draws the same randoms and
 * ECDHE keys as the recorded client, so the recorded server Finished
 * verifies. The targets use the default suite list, so each suite is
 * reached by restricting the other side: for corpus/server/<suite> the
 * client offers only <suite>; for corpus/client/<suite> the server accepts
 * only <suite>. After the handshake the client sends "ping" and the server
 * answers "pong!"; <suite>-close adds the peer's close_notify, and the
 * ECDHE suites also get <suite>-secp256r1 and <suite>-secp384r1 (the
 * default group is X25519). all-defaults is both sides unrestricted: the
 * server then picks its preferred suite from the client's full list. The
 * certificate mode (engine.h) gets the same for each ECDHE_ECDSA suite in
 * corpus/server_cert and corpus/client_cert.
 * usage: gen-engine-corpus CORPUS_DIR
 *        (writes CORPUS_DIR/{server,client,server_cert,client_cert}/) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define QUEUE_LEN  64
#define DGRAM_MAX  2048
#define RECORD_MAX (64 * 1024)
#define MAX_ROUNDS 64

struct queue {
    uint8_t data[QUEUE_LEN][DGRAM_MAX];
    size_t len[QUEUE_LEN];
    size_t n;
};

/* One side: its engine, the datagrams waiting for it, and what it has
 * received so far, already framed. */
struct side {
    struct engine e;
    struct queue in;
    uint8_t record[RECORD_MAX];
    size_t record_len;
    int overflow;
};

static void enqueue(void *arg, const uint8_t *dgram, size_t len)
{
    struct side *to = arg;
    if (to->in.n >= QUEUE_LEN || len > DGRAM_MAX) {
        fprintf(stderr, "generator queue overflow\n");
        abort();
    }
    memcpy(to->in.data[to->in.n], dgram, len);
    to->in.len[to->in.n++] = len;
}

static void record(struct side *s, const uint8_t *dgram, size_t len)
{
    if (engine_frame_put(s->record, sizeof(s->record), &s->record_len, dgram, len) != 0) {
        s->overflow = 1;
    }
}

/* Hands s every datagram waiting for it, in order; returns how many. */
static size_t deliver(struct side *s)
{
    static uint8_t batch[QUEUE_LEN][DGRAM_MAX];
    static size_t lens[QUEUE_LEN];
    size_t n = s->in.n;
    memcpy(batch, s->in.data, sizeof(batch));
    memcpy(lens, s->in.len, sizeof(lens));
    s->in.n = 0;
    for (size_t i = 0; i < n; i++) {
        record(s, batch[i], lens[i]);
        /* Exactly what the target does with the recorded frame. */
        engine_receive(&s->e, 0, batch[i], lens[i]);
    }
    return n;
}

static void exchange(struct side *a, struct side *b)
{
    for (int round = 0; round < MAX_ROUNDS; round++) {
        /* Two statements: the order of a + b's operands is unspecified,
         * and the order of delivery must not depend on the compiler. */
        size_t moved = deliver(a);
        moved += deliver(b);
        if (moved == 0) {
            return;
        }
    }
}

static int write_file(const char *dir, const char *role, const char *name, const uint8_t *data,
                      size_t len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s/%s", dir, role, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    int ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : 1;
}

/* One recorded handshake: the side under test ("target", whose received
 * datagrams become the seed) runs the default configuration exactly as its
 * fuzz target does; the other side offers or accepts only suite (and only
 * group, when not 0), or runs the defaults too when suite is NULL. Writes <name> and, when
 * with_close, <name>-close. */
static int run(const char *dir, int kind, enum tern_role target_role,
               const struct engine_suite *suite, uint16_t group, const char *name, int with_close)
{
    static struct side client;
    static struct side server;
    memset(&client, 0, sizeof(client));
    memset(&server, 0, sizeof(server));
    int target_is_server = target_role == TERN_ROLE_SERVER;
    struct engine_prefs restrict_peer = {suite != NULL ? &suite->id : NULL, suite != NULL ? 1 : 0,
                                         &group, group != 0 ? 1 : 0};
    const struct engine_prefs *client_prefs = target_is_server ? &restrict_peer : NULL;
    const struct engine_prefs *server_prefs = target_is_server ? NULL : &restrict_peer;
    engine_open(&server.e, TERN_ROLE_SERVER, kind, server_prefs, enqueue, &client);
    engine_open(&client.e, TERN_ROLE_CLIENT, kind, client_prefs, enqueue, &server);
    exchange(&server, &client);
    const char *role = kind == ENGINE_CERT ? (target_is_server ? "server_cert" : "client_cert")
                                           : (target_is_server ? "server" : "client");
    if (client.e.state != TERN_STATE_ESTABLISHED || server.e.state != TERN_STATE_ESTABLISHED ||
        (suite != NULL && tern_conn_suite(client.e.conn) != suite->id)) {
        fprintf(stderr, "%s/%s: handshake did not complete (client %s, server %s)\n", role, name,
                tern_strerror(client.e.error), tern_strerror(server.e.error));
        return 1;
    }
    static const char ping[] = "ping";
    static const char pong[] = "pong!";
    engine_write(&client.e, ping, sizeof(ping) - 1);
    exchange(&server, &client);
    engine_write(&server.e, pong, sizeof(pong) - 1);
    exchange(&server, &client);
    if (server.e.app_bytes != sizeof(ping) - 1 || client.e.app_bytes != sizeof(pong) - 1) {
        fprintf(stderr, "%s/%s: application data lost\n", role, name);
        return 1;
    }
    struct side *target = target_is_server ? &server : &client;
    struct side *peer = target_is_server ? &client : &server;
    int rc = write_file(dir, role, name, target->record, target->record_len);
    printf("%s/%s: %zu bytes\n", role, name, target->record_len);

    if (with_close) {
        /* The same, ended by the peer's close_notify. */
        if (tern_conn_shutdown(peer->e.conn) != TERN_OK) {
            return 1;
        }
        engine_check(&peer->e);
        engine_pull_all(&peer->e);
        exchange(&server, &client);
        if (target->e.state != TERN_STATE_CLOSED) {
            fprintf(stderr, "%s/%s: close_notify not received\n", role, name);
            return 1;
        }
        char close_name[160];
        snprintf(close_name, sizeof(close_name), "%s-close", name);
        rc |= write_file(dir, role, close_name, target->record, target->record_len);
        printf("%s/%s: %zu bytes\n", role, close_name, target->record_len);
    }
    rc |= target->overflow;
    engine_close(&client.e);
    engine_close(&server.e);
    return rc;
}

/* The ECDHE suites also get one seed per non-default group, so the targets
 * start from every curve's point parsing and key derivation. */
static const struct {
    uint16_t id;
    const char *name;
} g_groups[] = {{23, "secp256r1"}, {24, "secp384r1"}};

static int run_suite(const char *dir, int kind, enum tern_role target_role,
                     const struct engine_suite *suite)
{
    int rc = run(dir, kind, target_role, suite, 0, suite->name, 1);
    if (strstr(suite->name, "ECDHE") == NULL) {
        return rc;
    }
    for (size_t g = 0; g < sizeof(g_groups) / sizeof(g_groups[0]); g++) {
        char name[160];
        snprintf(name, sizeof(name), "%s-%s", suite->name, g_groups[g].name);
        rc |= run(dir, kind, target_role, suite, g_groups[g].id, name, 0);
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    int rc = 0;
    for (int kind = ENGINE_PSK; kind <= ENGINE_CERT; kind++) {
        size_t n = 0;
        const struct engine_suite *suites = engine_suites_of(kind, &n);
        for (size_t i = 0; i < n; i++) {
            rc |= run_suite(argv[1], kind, TERN_ROLE_SERVER, &suites[i]);
            rc |= run_suite(argv[1], kind, TERN_ROLE_CLIENT, &suites[i]);
        }
        rc |= run(argv[1], kind, TERN_ROLE_SERVER, NULL, 0, "all-defaults", 0);
        rc |= run(argv[1], kind, TERN_ROLE_CLIENT, NULL, 0, "all-defaults", 0);
    }
    if (rc != 0) {
        fprintf(stderr, "failed to write the corpus\n");
    }
    return rc;
}
