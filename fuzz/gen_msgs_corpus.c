/* Writes the seed corpus of fuzz/msgs12.c: every ServerHello,
 * ServerKeyExchange, ClientKeyExchange and ServerHelloDone of real
 * handshakes between two tern connections, one for each PSK suite, each
 * prefixed with the target's selector byte; the ServerHello of one more
 * handshake, where both sides speak ALPN (server-hello-alpn-<suite>); and
 * a Finished body.
 * usage: gen-msgs-corpus CORPUS_DIR   (writes CORPUS_DIR/msgs12/) */
#include <stdio.h>
#include <string.h>

#include <tern/tern.h>

#include "handshake/header.h"
#include "handshake/suites.h"
#include "pair.h"
#include "wire.h"

static const char *g_dir;
static const struct tern_suite *g_suite;
static int g_failed;
static int g_alpn; /* the ALPN handshake: only its ServerHello is kept */

static void write_seed(uint8_t selector, const char *what, const uint8_t *body, size_t len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/msgs12/%s%s-%s", g_dir, what, g_alpn ? "-alpn" : "",
             g_suite->name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(&selector, 1, 1, f) != 1 || fwrite(body, 1, len, f) != len) {
        perror(path);
        g_failed = 1;
    }
    if (f != NULL) {
        fclose(f);
    }
}

static int tap(void *arg, int from_client, uint8_t *d, size_t *len)
{
    (void)arg;
    (void)from_client;
    int ecdhe = g_suite->kx == TERN_KX_ECDHE_PSK;
    struct wire_msg m[WIRE_MAX_MSGS];
    size_t n = wire_messages(d, *len, m);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *b = d + m[i].body_off;
        if (g_alpn && m[i].type != TERN_HS_SERVER_HELLO) {
            continue;
        }
        switch (m[i].type) {
        case TERN_HS_SERVER_HELLO:
            write_seed(0, "server-hello", b, m[i].body_len);
            break;
        case TERN_HS_SERVER_KEY_EXCHANGE:
            write_seed(ecdhe ? 2 : 1, "server-key-exchange", b, m[i].body_len);
            break;
        case TERN_HS_CLIENT_KEY_EXCHANGE:
            write_seed(ecdhe ? 4 : 3, "client-key-exchange", b, m[i].body_len);
            break;
        case TERN_HS_SERVER_HELLO_DONE:
            write_seed(5, "server-hello-done", b, m[i].body_len);
            break;
        default:
            break;
        }
    }
    return 1;
}

static struct tern_config *config(enum tern_role role, uint16_t suite)
{
    static const uint8_t key[16] = {0x6d, 0x73, 0x67, 0x73};
    struct tern_config *cfg = NULL;
    if (tern_config_new(&cfg, role) != TERN_OK ||
        tern_config_set_psk(cfg, (const uint8_t *)"client1", 7, key, sizeof(key)) != TERN_OK ||
        tern_config_set_suites(cfg, &suite, 1) != TERN_OK) {
        g_failed = 1;
    }
    if (g_alpn) {
        static const char *const protocols[] = {"h2", "http/1.1", "coap"};
        if (tern_config_set_alpn(cfg, protocols, 3) != TERN_OK) {
            g_failed = 1;
        }
    }
    if (role == TERN_ROLE_SERVER) {
        /* A hint, so that PSK servers send a ServerKeyExchange too. */
        tern_config_set_psk_hint(cfg, (const uint8_t *)"tern hint", 9);
        tern_config_set_cookie_mode(cfg, TERN_COOKIES_INSECURE_OFF);
    }
    return cfg;
}

/* One handshake of g_suite, its messages written by tap(). */
static void record_handshake(void)
{
    struct tern_config *cc = config(TERN_ROLE_CLIENT, g_suite->id);
    struct tern_config *sc = config(TERN_ROLE_SERVER, g_suite->id);
    struct pair p;
    if (pair_init(&p, cc, sc, 1) != TERN_OK) {
        g_failed = 1;
    } else {
        p.tap = tap;
        if (!pair_handshake(&p, 200)) {
            fprintf(stderr, "%s: handshake failed\n", g_suite->name);
            g_failed = 1;
        }
        pair_free(&p);
    }
    tern_config_free(cc);
    tern_config_free(sc);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen-msgs-corpus CORPUS_DIR\n");
        return 2;
    }
    g_dir = argv[1];
    for (size_t i = 0; (g_suite = tern_suite_at(i)) != NULL; i++) {
        if (g_suite->kx == TERN_KX_PSK || g_suite->kx == TERN_KX_ECDHE_PSK) {
            record_handshake();
        }
    }
    g_alpn = 1;
    g_suite = tern_suite_by_id(0xc0a8); /* TLS_PSK_WITH_AES_128_CCM_8 */
    record_handshake();
    static const uint8_t finished[13] = {6,    0xf1, 0x2e, 0x3d, 0x4c, 0x5b, 0x6a,
                                         0x79, 0x88, 0x97, 0xa6, 0xb5, 0xc4};
    char path[1024];
    snprintf(path, sizeof(path), "%s/msgs12/finished", g_dir);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(finished, 1, sizeof(finished), f) != sizeof(finished)) {
        g_failed = 1;
    }
    if (f != NULL) {
        fclose(f);
    }
    return g_failed;
}
