/* Full DTLS 1.2 handshakes between two tern connections in memory. */
#include <tern/tern.h>

#include "pair.h"
#include "test.h"

static const uint8_t g_id[] = "client1";
static const uint8_t g_key[16] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};

static struct tern_config *make_cfg(enum tern_role role, uint16_t suite, int cookies)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, role), TERN_OK);
    CHECK_INT(tern_config_set_psk(cfg, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    CHECK_INT(tern_config_set_suites(cfg, &suite, 1), TERN_OK);
    if (role == TERN_ROLE_SERVER) {
        CHECK_INT(tern_config_set_cookie_mode(cfg, cookies ? TERN_COOKIES_GATE
                                                           : TERN_COOKIES_INSECURE_OFF),
                  TERN_OK);
    }
    return cfg;
}

static void handshake_with(uint16_t suite, int cookies)
{
    struct tern_config *cc = make_cfg(TERN_ROLE_CLIENT, suite, 0);
    struct tern_config *sc = make_cfg(TERN_ROLE_SERVER, suite, cookies);
    struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 1), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    int ok = pair_handshake(&p, 100);
    if (!ok) {
        fprintf(stderr, "  suite %04x: client %d (%s), server %d (%s)\n", suite,
                tern_conn_state(p.client), tern_strerror(tern_conn_error(p.client)),
                tern_conn_state(p.server), tern_strerror(tern_conn_error(p.server)));
    }
    CHECK(ok);
    CHECK_INT(tern_conn_suite(p.client), suite);
    CHECK_INT(tern_conn_suite(p.server), suite);
    CHECK_INT(tern_conn_version(p.client), TERN_DTLS_1_2);
    /* ECDHE_PSK uses the first group of both (x25519, IANA 29); plain PSK
     * none; nobody signs (RFC 4279, RFC 5489). */
    uint16_t group = suite == 0xccac || suite == 0xc037 || suite == 0xd001 ? 29 : 0;
    CHECK_INT(tern_conn_group(p.client), group);
    CHECK_INT(tern_conn_group(p.server), group);
    CHECK_INT(tern_conn_peer_signature_scheme(p.client), 0);
    CHECK_INT(tern_conn_peer_signature_scheme(p.server), 0);
    size_t id_len = 0;
    const uint8_t *id = tern_conn_psk_identity(p.server, &id_len);
    CHECK_INT(id_len, sizeof(g_id) - 1);
    CHECK(id != NULL && memcmp(id, g_id, id_len) == 0);
    CHECK_INT(pair_send(&p, 1, "ping", 4), TERN_OK);
    CHECK_INT(p.server_got_len, 4);
    CHECK_MEM(p.server_got, "ping", 4);
    CHECK_INT(pair_send(&p, 0, "pong!", 5), TERN_OK);
    CHECK_INT(p.client_got_len, 5);
    CHECK_MEM(p.client_got, "pong!", 5);
    uint8_t e1[32];
    uint8_t e2[32];
    CHECK_INT(tern_conn_export(p.client, "EXPERIMENTAL test", NULL, 0, e1, sizeof(e1)), TERN_OK);
    CHECK_INT(tern_conn_export(p.server, "EXPERIMENTAL test", NULL, 0, e2, sizeof(e2)), TERN_OK);
    CHECK_MEM(e1, e2, sizeof(e1));
    pair_free(&p);
}

static void psk_aes128_ccm8(void)
{
    handshake_with(0xc0a8, 1);
}

static void psk_aes128_ccm(void)
{
    handshake_with(0xc0a4, 1);
}

static void psk_aes128_gcm(void)
{
    handshake_with(0x00a8, 0);
}

static void psk_aes256_gcm(void)
{
    handshake_with(0x00a9, 1);
}

static void ecdhe_psk_chacha20(void)
{
    handshake_with(0xccac, 1);
}

static void ecdhe_psk_aes128_gcm(void)
{
    handshake_with(0xd001, 0);
}

/* The server's identity hint reaches the client's callback, which picks
 * identity and key; the server's callback looks the identity up. */
struct psk_book {
    char hint_seen[64];
    int client_calls;
    int server_calls;
};

static int client_psk(void *arg, const uint8_t *hint, size_t hint_len, uint8_t *identity,
                      size_t *identity_len, uint8_t *key, size_t *key_len)
{
    struct psk_book *b = arg;
    b->client_calls++;
    snprintf(b->hint_seen, sizeof(b->hint_seen), "%.*s", (int)hint_len, (const char *)hint);
    memcpy(identity, "device-42", 9);
    *identity_len = 9;
    memset(key, 0x42, 20);
    *key_len = 20;
    return 0;
}

static int server_psk(void *arg, const uint8_t *identity, size_t identity_len, uint8_t *key,
                      size_t *key_len)
{
    struct psk_book *b = arg;
    b->server_calls++;
    if (identity_len != 9 || memcmp(identity, "device-42", 9) != 0) {
        return -1;
    }
    memset(key, 0x42, 20);
    *key_len = 20;
    return 0;
}

static void psk_callbacks_and_hint(void)
{
    static const uint16_t suites[] = {0xccac, 0xc0a8};
    for (size_t i = 0; i < 2; i++) {
        struct psk_book book;
        memset(&book, 0, sizeof(book));
        struct tern_config *cc = NULL;
        struct tern_config *sc = NULL;
        CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
        CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
        CHECK_INT(tern_config_set_psk_client_callback(cc, client_psk, &book), TERN_OK);
        CHECK_INT(tern_config_set_psk_server_callback(sc, server_psk, &book), TERN_OK);
        CHECK_INT(tern_config_set_psk_hint(sc, (const uint8_t *)"coap-gateway", 12), TERN_OK);
        CHECK_INT(tern_config_set_suites(sc, &suites[i], 1), TERN_OK);
        /* Callbacks belong to one role each. */
        CHECK_INT(tern_config_set_psk_server_callback(cc, server_psk, &book), TERN_ERR_ARG);
        struct pair p;
        CHECK_INT(pair_init(&p, cc, sc, 9), TERN_OK);
        /* A configuration in use cannot change. */
        CHECK_INT(tern_config_set_mtu(cc, 500), TERN_ERR_STATE);
        tern_config_free(cc);
        tern_config_free(sc);
        CHECK(pair_handshake(&p, 100));
        CHECK_INT(book.client_calls, 1);
        CHECK_INT(book.server_calls, 1);
        CHECK(strcmp(book.hint_seen, "coap-gateway") == 0);
        size_t len = 0;
        const uint8_t *id = tern_conn_psk_identity(p.server, &len);
        CHECK(len == 9 && id != NULL && memcmp(id, "device-42", 9) == 0);
        CHECK_INT(tern_conn_suite(p.client), suites[i]);
        pair_free(&p);
    }
}

/* Handshake messages larger than the MTU are fragmented and reassembled:
 * a 128-byte hint and a P-384 share do not fit in 256 bytes. */
static void small_mtu_fragments(void)
{
    uint8_t hint[128];
    memset(hint, 'h', sizeof(hint));
    uint8_t id[128];
    memset(id, 'i', sizeof(id));
    static const uint16_t p384 = 24;
    static const uint16_t suite = 0xd001;
    struct tern_config *cc = NULL;
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_set_psk(cc, id, sizeof(id), g_key, sizeof(g_key)), TERN_OK);
    CHECK_INT(tern_config_set_psk(sc, id, sizeof(id), g_key, sizeof(g_key)), TERN_OK);
    CHECK_INT(tern_config_set_psk_hint(sc, hint, sizeof(hint)), TERN_OK);
    CHECK_INT(tern_config_set_groups(cc, &p384, 1), TERN_OK);
    CHECK_INT(tern_config_set_suites(cc, &suite, 1), TERN_OK);
    CHECK_INT(tern_config_set_mtu(cc, 256), TERN_OK);
    CHECK_INT(tern_config_set_mtu(sc, 256), TERN_OK);
    struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 11), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    CHECK(pair_handshake(&p, 100));
    CHECK(p.datagrams > 6); /* more datagrams than messages: fragments */
    CHECK_INT(pair_send(&p, 1, "after fragments", 15), TERN_OK);
    CHECK_INT(p.server_got_len, 15);
    pair_free(&p);
}

/* The largest key tern_config_set_psk() takes (TERN_PSK_KEY_MAX_LEN) works
 * with both PSK key exchanges: plain PSK's premaster secret is the longest
 * (RFC 4279 section 2: N zeros and the N-byte key, each with a length). */
static void largest_psk(void)
{
    static const uint16_t suites[] = {0xc0a8, 0xccac};
    uint8_t key[TERN_PSK_KEY_MAX_LEN];
    for (size_t i = 0; i < sizeof(key); i++) {
        key[i] = (uint8_t)(0x90 + i);
    }
    for (size_t k = 0; k < sizeof(suites) / sizeof(suites[0]); k++) {
        struct tern_config *cc = make_cfg(TERN_ROLE_CLIENT, suites[k], 0);
        struct tern_config *sc = make_cfg(TERN_ROLE_SERVER, suites[k], 0);
        CHECK_INT(tern_config_set_psk(cc, g_id, sizeof(g_id) - 1, key, sizeof(key)), TERN_OK);
        CHECK_INT(tern_config_set_psk(sc, g_id, sizeof(g_id) - 1, key, sizeof(key)), TERN_OK);
        struct pair p;
        CHECK_INT(pair_init(&p, cc, sc, 1), TERN_OK);
        tern_config_free(cc);
        tern_config_free(sc);
        int ok = pair_handshake(&p, 100);
        if (!ok) {
            fprintf(stderr, "  suite %04x: client %s, server %s\n", suites[k],
                    tern_strerror(tern_conn_error(p.client)),
                    tern_strerror(tern_conn_error(p.server)));
        }
        CHECK(ok);
        CHECK_INT(pair_send(&p, 1, "ping", 4), TERN_OK);
        CHECK_INT(p.server_got_len, 4);
        pair_free(&p);
    }
}

/* The server name is fixed once the handshake starts, and a write that
 * would exceed the MTU or 2^14 bytes is refused. */
static void limits_and_names(void)
{
    struct tern_config *cc = make_cfg(TERN_ROLE_CLIENT, 0xc0a8, 0);
    struct tern_config *sc = make_cfg(TERN_ROLE_SERVER, 0xc0a8, 1);
    struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 12), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    CHECK_INT(tern_conn_set_server_name(p.client, "late.example"), TERN_ERR_STATE);
    CHECK(pair_handshake(&p, 100));
    static uint8_t big[16385];
    static uint8_t out[16385 + 64];
    CHECK_INT(tern_conn_write(p.client, big, sizeof(big), out, sizeof(out)),
              TERN_ERR_RECORD_OVERFLOW);
    /* RFC 6347 section 4.1.1.1: no datagram above the MTU (1200 here; a
     * CCM_8 record adds 13 + 8 + 8 bytes). */
    CHECK_INT(tern_conn_write(p.client, big, 1200 - 29, out, sizeof(out)), 1200);
    CHECK_INT(tern_conn_write(p.client, big, 1200 - 28, out, sizeof(out)),
              TERN_ERR_RECORD_OVERFLOW);
    CHECK_INT(tern_conn_write(p.client, big, 100, out, 100), TERN_ERR_BUFFER);
    pair_free(&p);
}

TEST_MAIN(T(psk_callbacks_and_hint), T(largest_psk), T(small_mtu_fragments), T(limits_and_names),
          T(psk_aes128_ccm8), T(psk_aes128_ccm), T(psk_aes128_gcm), T(psk_aes256_gcm),
          T(ecdhe_psk_chacha20), T(ecdhe_psk_aes128_gcm))
