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
        CHECK_INT(tern_config_set_cookies(cfg, cookies, NULL, 0), TERN_OK);
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

TEST_MAIN(T(psk_aes128_ccm8), T(psk_aes128_ccm), T(psk_aes128_gcm), T(psk_aes256_gcm),
          T(ecdhe_psk_chacha20), T(ecdhe_psk_aes128_gcm))
