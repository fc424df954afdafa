/* Every public function, every kind of misuse: NULL pointers, values out of
 * range, calls in the wrong role or state. Each must return the error its
 * header documents (never crash, never succeed silently) and leave the
 * object usable. */
#include <stdlib.h>
#include <string.h>

#include <tern/tern.h>

#include "pair.h"
#include "test.h"

static const uint8_t g_id[] = {'i', 'd'};
static const uint8_t g_key[16] = {1, 2, 3};
static const uint8_t g_secret[32] = {5};

static struct tern_config *config(enum tern_role role)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, role), TERN_OK);
    if (cfg == NULL) {
        abort();
    }
    return cfg;
}

static void config_new_and_free(void)
{
    struct tern_config *cfg = (struct tern_config *)&cfg;
    CHECK_INT(tern_config_new(NULL, TERN_ROLE_CLIENT), TERN_ERR_ARG);
    CHECK_INT(tern_config_new(&cfg, (enum tern_role)0), TERN_ERR_ARG);
    CHECK(cfg == NULL);
    CHECK_INT(tern_config_new(&cfg, (enum tern_role)3), TERN_ERR_ARG);
    tern_config_free(NULL);
}

static void config_setters_refuse_null(void)
{
    uint16_t suite = 0xc0a8;
    uint16_t group = 29;
    CHECK_INT(tern_config_set_suites(NULL, &suite, 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_suite_names(NULL, "TLS_PSK_WITH_AES_128_CCM_8"), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_groups(NULL, &group, 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk(NULL, g_id, 2, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk_hint(NULL, g_id, 2), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk_client_callback(NULL, NULL, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk_server_callback(NULL, NULL, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_mtu(NULL, 1200), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_timers(NULL, 100, 200, 3), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_cookie_mode(NULL, TERN_COOKIES_GATE), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_flags(NULL, 0), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_keylog_callback(NULL, NULL, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_random_callback(NULL, NULL, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_certificate(NULL, g_key, 16, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_certificate_files(NULL, "a", "b"), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_trust(NULL, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_trust_file(NULL, "a"), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_trust_dir(NULL, "/"), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_trust_system(NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_client_auth(NULL, TERN_CLIENT_AUTH_NONE), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_verify_callback(NULL, NULL, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_verify_pause(NULL, 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_security_level(NULL, 2), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_raw_public_key(NULL, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_raw_public_key_file(NULL, "a"), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_peer_key(NULL, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_peer_key_file(NULL, "a"), TERN_ERR_ARG);
}

static void config_values_out_of_range(void)
{
    struct tern_config *cfg = config(TERN_ROLE_CLIENT);
    uint16_t suites[40];
    for (size_t i = 0; i < 40; i++) {
        suites[i] = 0xc0a8;
    }
    uint16_t unknown = 0x002f; /* TLS_RSA_WITH_AES_128_CBC_SHA: never */
    CHECK_INT(tern_config_set_suites(cfg, NULL, 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_suites(cfg, suites, 0), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_suites(cfg, suites, 40), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_suites(cfg, &unknown, 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_suite_names(cfg, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_suite_names(cfg, ""), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_suite_names(cfg, "TLS_RSA_WITH_AES_128_CBC_SHA"), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_suite_names(cfg, "TLS_PSK_WITH_AES_128_CCM_8:"), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_suite_names(cfg, ":TLS_PSK_WITH_AES_128_CCM_8"), TERN_ERR_ARG);
    char long_name[400];
    memset(long_name, 'A', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    CHECK_INT(tern_config_set_suite_names(cfg, long_name), TERN_ERR_ARG);
    CHECK_INT(
        tern_config_set_suite_names(cfg, "TLS_PSK_WITH_AES_128_CCM_8:TLS_PSK_WITH_AES_128_CCM"),
        TERN_OK);
    uint16_t groups[8] = {29, 23, 24, 29, 23, 24, 29, 23};
    uint16_t bad_group = 30; /* X448: not offered */
    CHECK_INT(tern_config_set_groups(cfg, NULL, 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_groups(cfg, groups, 0), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_groups(cfg, &bad_group, 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_groups(cfg, groups, 3), TERN_OK);
    uint8_t big[200] = {0};
    CHECK_INT(tern_config_set_psk(cfg, NULL, 2, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk(cfg, g_id, 0, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk(cfg, big, 129, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk(cfg, g_id, 2, NULL, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk(cfg, g_id, 2, g_key, 0), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk(cfg, g_id, 2, big, 65), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk(cfg, big, 128, big, 64), TERN_OK);
    CHECK_INT(tern_config_set_mtu(cfg, 255), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_mtu(cfg, 16385), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_mtu(cfg, 256), TERN_OK);
    CHECK_INT(tern_config_set_timers(cfg, 0, 100, 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_timers(cfg, 200, 100, 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_timers(cfg, 100, 600001, 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_timers(cfg, 100, 200, 33), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_timers(cfg, 100, 600000, 32), TERN_OK);
    CHECK_INT(tern_config_set_flags(cfg, 1u << 20), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_flags(cfg, TERN_FLAG_KEEP_PEER_CHAIN), TERN_OK);
    CHECK_INT(tern_config_set_keylog_callback(cfg, NULL, NULL), TERN_OK);
    CHECK_INT(tern_config_set_random_callback(cfg, NULL, NULL), TERN_OK);
    CHECK_INT(tern_config_set_verify_pause(cfg, 1), TERN_OK);
    CHECK_INT(tern_config_set_verify_callback(cfg, NULL, NULL), TERN_OK);
    CHECK_INT(tern_config_set_security_level(cfg, -1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_security_level(cfg, 6), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_security_level(cfg, 0), TERN_OK);
    CHECK_INT(tern_config_set_security_level(cfg, 5), TERN_OK);
    tern_config_free(cfg);
}

static int client_psk(void *arg, const uint8_t *hint, size_t hint_len, uint8_t *identity,
                      size_t *identity_len, uint8_t *key, size_t *key_len)
{
    (void)arg;
    (void)hint;
    (void)hint_len;
    (void)identity;
    (void)identity_len;
    (void)key;
    (void)key_len;
    return -1;
}

static int server_psk(void *arg, const uint8_t *identity, size_t identity_len, uint8_t *key,
                      size_t *key_len)
{
    (void)arg;
    (void)identity;
    (void)identity_len;
    (void)key;
    (void)key_len;
    return -1;
}

static void config_wrong_role(void)
{
    struct tern_config *client = config(TERN_ROLE_CLIENT);
    struct tern_config *server = config(TERN_ROLE_SERVER);
    /* What only one role can use is refused to the other. */
    CHECK_INT(tern_config_set_psk_client_callback(server, client_psk, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk_server_callback(client, server_psk, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk_client_callback(client, client_psk, NULL), TERN_OK);
    CHECK_INT(tern_config_set_psk_server_callback(server, server_psk, NULL), TERN_OK);
    CHECK_INT(tern_config_set_client_auth(client, TERN_CLIENT_AUTH_REQUIRE), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_client_auth(server, (enum tern_client_auth)7), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_client_auth(server, TERN_CLIENT_AUTH_OPTIONAL), TERN_OK);
    CHECK_INT(tern_config_set_psk_hint(server, NULL, 3), TERN_ERR_ARG);
    uint8_t long_hint[129] = {0};
    CHECK_INT(tern_config_set_psk_hint(server, long_hint, sizeof(long_hint)), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_psk_hint(server, NULL, 0), TERN_OK);
    CHECK_INT(tern_config_set_psk_hint(server, g_id, 2), TERN_OK);
    CHECK_INT(tern_config_set_cookie_mode(server, (enum tern_cookie_mode)2), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_cookie_mode(server, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    CHECK_INT(tern_config_set_cookie_mode(server, TERN_COOKIES_GATE), TERN_OK);
    tern_config_free(client);
    tern_config_free(server);
}

static void config_frozen_once_used(void)
{
    /* A configuration a connection uses cannot change under it. */
    struct tern_config *cfg = config(TERN_ROLE_CLIENT);
    CHECK_INT(tern_config_set_psk(cfg, g_id, 2, g_key, 16), TERN_OK);
    struct tern_conn *c = NULL;
    CHECK_INT(tern_conn_new(&c, cfg), TERN_OK);
    uint16_t suite = 0xc0a8;
    uint16_t group = 29;
    CHECK_INT(tern_config_set_suites(cfg, &suite, 1), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_suite_names(cfg, "TLS_PSK_WITH_AES_128_CCM_8"), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_groups(cfg, &group, 1), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_psk(cfg, g_id, 2, g_key, 16), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_psk_hint(cfg, g_id, 2), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_psk_client_callback(cfg, client_psk, NULL), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_mtu(cfg, 1200), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_timers(cfg, 100, 200, 3), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_flags(cfg, 0), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_keylog_callback(cfg, NULL, NULL), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_random_callback(cfg, NULL, NULL), TERN_ERR_STATE);
    CHECK_INT(tern_config_add_certificate(cfg, g_key, 16, g_key, 16), TERN_ERR_STATE);
    CHECK_INT(tern_config_add_certificate_files(cfg, "a", "b"), TERN_ERR_STATE);
    CHECK_INT(tern_config_add_trust(cfg, g_key, 16), TERN_ERR_STATE);
    CHECK_INT(tern_config_add_trust_file(cfg, "a"), TERN_ERR_STATE);
    CHECK_INT(tern_config_add_trust_dir(cfg, "/"), TERN_ERR_STATE);
    CHECK_INT(tern_config_add_trust_system(cfg), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_verify_callback(cfg, NULL, NULL), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_verify_pause(cfg, 1), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_security_level(cfg, 2), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_raw_public_key(cfg, g_key, 16), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_raw_public_key_file(cfg, "a"), TERN_ERR_STATE);
    CHECK_INT(tern_config_add_peer_key(cfg, g_key, 16), TERN_ERR_STATE);
    CHECK_INT(tern_config_add_peer_key_file(cfg, "a"), TERN_ERR_STATE);
    /* The application may drop its reference first; the connection keeps its own. */
    tern_config_free(cfg);
    CHECK_INT(tern_conn_start(c, 0), TERN_OK);
    tern_conn_free(c);

    struct tern_config *server = config(TERN_ROLE_SERVER);
    CHECK_INT(tern_config_set_cookie_mode(server, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    CHECK_INT(tern_conn_new(&c, server), TERN_OK);
    CHECK_INT(tern_config_set_cookie_mode(server, TERN_COOKIES_GATE), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_client_auth(server, TERN_CLIENT_AUTH_NONE), TERN_ERR_STATE);
    CHECK_INT(tern_config_set_psk_server_callback(server, server_psk, NULL), TERN_ERR_STATE);
    tern_conn_free(c);
    tern_config_free(server);
}

static void credentials_refused(void)
{
    struct tern_config *cfg = config(TERN_ROLE_SERVER);
    static const char junk[] =
        "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
    CHECK_INT(tern_config_add_certificate(cfg, NULL, 16, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_certificate(cfg, g_key, 0, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_certificate(cfg, g_key, 16, NULL, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_certificate(cfg, g_key, 16, g_key, 0), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_certificate(cfg, (const uint8_t *)junk, sizeof(junk) - 1, g_key, 16),
              TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_config_add_certificate_files(cfg, NULL, "b"), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_certificate_files(cfg, "a", NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_certificate_files(cfg, "/nonexistent/a", "/nonexistent/b"),
              TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_config_add_trust(cfg, NULL, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_trust(cfg, (const uint8_t *)junk, sizeof(junk) - 1),
              TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_config_add_trust(cfg, g_key, sizeof(g_key)), TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_config_add_trust_file(cfg, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_trust_file(cfg, "/nonexistent/ca.pem"), TERN_ERR_BAD_CREDENTIAL);
    /* A directory is not a file; an empty file is no certificate. */
    CHECK_INT(tern_config_add_trust_file(cfg, "/"), TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_config_add_trust_file(cfg, "/dev/null"), TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_config_add_trust_dir(cfg, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_raw_public_key(cfg, NULL, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_raw_public_key(cfg, g_key, 0), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_raw_public_key(cfg, g_key, 16), TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_config_set_raw_public_key_file(cfg, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_raw_public_key_file(cfg, "/nonexistent/k"), TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_config_add_peer_key(cfg, NULL, 16), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_peer_key(cfg, g_key, 0), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_peer_key(cfg, g_key, 16), TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_config_add_peer_key_file(cfg, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_config_add_peer_key_file(cfg, "/nonexistent/k"), TERN_ERR_BAD_CREDENTIAL);
    tern_config_free(cfg);
}

static struct tern_conn *psk_conn(enum tern_role role)
{
    struct tern_config *cfg = config(role);
    CHECK_INT(tern_config_set_psk(cfg, g_id, 2, g_key, 16), TERN_OK);
    if (role == TERN_ROLE_SERVER) {
        CHECK_INT(tern_config_set_cookie_mode(cfg, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    }
    struct tern_conn *c = NULL;
    CHECK_INT(tern_conn_new(&c, cfg), TERN_OK);
    tern_config_free(cfg);
    return c;
}

static void conn_refuses_null(void)
{
    struct tern_conn *c = (struct tern_conn *)&c;
    struct tern_config *cfg = config(TERN_ROLE_CLIENT);
    uint8_t buf[64];
    size_t len = 7;
    struct tern_verify_error e = {TERN_VERIFY_EXPIRED, 0};
    CHECK_INT(tern_conn_new(NULL, cfg), TERN_ERR_ARG);
    CHECK_INT(tern_conn_new(&c, NULL), TERN_ERR_ARG);
    CHECK(c == NULL);
    tern_config_free(cfg);
    /* A server configuration behind the gate (the default) makes no
     * connection without a verified cookie. */
    struct tern_config *server = config(TERN_ROLE_SERVER);
    c = (struct tern_conn *)&c;
    CHECK_INT(tern_conn_new(&c, server), TERN_ERR_COOKIE);
    CHECK(c == NULL);
    struct tern_cookie *gate = NULL;
    CHECK_INT(tern_cookie_new(&gate, g_secret, sizeof(g_secret)), TERN_OK);
    uint8_t d[64] = {22, 0xfe, 0xfd};
    CHECK_INT(tern_conn_accept(NULL, server, gate, 0, d, sizeof(d), g_id, 2), TERN_ERR_ARG);
    CHECK_INT(tern_conn_accept(&c, NULL, gate, 0, d, sizeof(d), g_id, 2), TERN_ERR_ARG);
    CHECK_INT(tern_conn_accept(&c, server, NULL, 0, d, sizeof(d), g_id, 2), TERN_ERR_ARG);
    CHECK_INT(tern_conn_accept(&c, server, gate, 0, NULL, 3, g_id, 2), TERN_ERR_ARG);
    CHECK_INT(tern_conn_accept(&c, server, gate, 0, d, sizeof(d), NULL, 2), TERN_ERR_ARG);
    CHECK_INT(tern_conn_accept(&c, server, gate, 0, d, sizeof(d), g_id, 0), TERN_ERR_ARG);
    CHECK_INT(tern_conn_accept(&c, server, gate, 0, d, sizeof(d), buf, 129), TERN_ERR_ARG);
    CHECK_INT(tern_conn_accept(&c, server, gate, 0, d, sizeof(d), g_id, 2), TERN_ERR_COOKIE);
    CHECK(c == NULL);
    cfg = config(TERN_ROLE_CLIENT);
    CHECK_INT(tern_conn_accept(&c, cfg, gate, 0, d, sizeof(d), g_id, 2), TERN_ERR_STATE);
    tern_config_free(cfg);
    tern_cookie_free(gate);
    tern_config_free(server);
    tern_conn_free(NULL);
    CHECK_INT(tern_conn_set_server_name(NULL, "x"), TERN_ERR_ARG);
    CHECK_INT(tern_conn_set_mtu(NULL, 1200), TERN_ERR_ARG);
    CHECK_INT(tern_conn_start(NULL, 0), TERN_ERR_ARG);
    CHECK_INT(tern_conn_receive(NULL, 0, buf, 1, NULL, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_conn_pull(NULL, 0, buf, sizeof(buf)), TERN_ERR_ARG);
    CHECK(tern_conn_deadline(NULL) == UINT64_MAX);
    CHECK_INT(tern_conn_timeout(NULL, 0), TERN_ERR_ARG);
    CHECK_INT(tern_conn_write(NULL, "x", 1, buf, sizeof(buf)), TERN_ERR_ARG);
    CHECK_INT(tern_conn_shutdown(NULL), TERN_ERR_ARG);
    tern_conn_abort(NULL);
    CHECK_INT(tern_conn_state(NULL), TERN_STATE_FAILED);
    CHECK_INT(tern_conn_error(NULL), TERN_ERR_ARG);
    CHECK_INT(tern_conn_alert_sent(NULL), -1);
    CHECK_INT(tern_conn_alert_received(NULL), -1);
    CHECK_INT(tern_conn_version(NULL), 0);
    CHECK_INT(tern_conn_suite(NULL), 0);
    CHECK(tern_conn_suite_name(NULL) == NULL);
    CHECK(tern_conn_psk_identity(NULL, &len) == NULL && len == 0);
    CHECK(tern_conn_psk_identity(NULL, NULL) == NULL);
    CHECK_INT(tern_conn_export(NULL, "l", NULL, 0, buf, 16), TERN_ERR_ARG);
    CHECK_INT(tern_conn_verify_errors(NULL, &e, 1), 0);
    CHECK_INT(tern_conn_ignore_verify_errors(NULL, &e, 1), TERN_ERR_ARG);
    CHECK_INT(tern_conn_resume(NULL, 0), TERN_ERR_ARG);
    len = 7;
    CHECK(tern_conn_peer_certificate(NULL, 0, &len) == NULL && len == 0);
    CHECK(tern_conn_peer_certificate(NULL, 0, NULL) == NULL);
    len = 7;
    CHECK(tern_conn_accepted_ca(NULL, 0, &len) == NULL && len == 0);
    CHECK(tern_conn_accepted_ca(NULL, 0, NULL) == NULL);
    CHECK(tern_conn_dropped(NULL) == 0);
    CHECK(tern_conn_dropped_by(NULL, TERN_DROP_AUTH) == 0);
}

static void conn_bad_arguments(void)
{
    struct tern_conn *c = psk_conn(TERN_ROLE_CLIENT);
    uint8_t buf[2048];
    char name[300];
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    CHECK_INT(tern_conn_set_server_name(c, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_conn_set_server_name(c, ""), TERN_ERR_ARG);
    CHECK_INT(tern_conn_set_server_name(c, name), TERN_ERR_ARG);
    CHECK_INT(tern_conn_set_mtu(c, 255), TERN_ERR_ARG);
    CHECK_INT(tern_conn_set_mtu(c, 16385), TERN_ERR_ARG);
    CHECK_INT(tern_conn_receive(c, 0, NULL, 5, NULL, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_conn_pull(c, 0, NULL, 10), TERN_ERR_ARG);
    CHECK_INT(tern_conn_write(c, NULL, 3, buf, sizeof(buf)), TERN_ERR_ARG);
    CHECK_INT(tern_conn_write(c, "x", 1, NULL, 10), TERN_ERR_ARG);
    CHECK_INT(tern_conn_export(c, NULL, NULL, 0, buf, 16), TERN_ERR_ARG);
    CHECK_INT(tern_conn_export(c, "l", NULL, 0, NULL, 16), TERN_ERR_ARG);
    CHECK_INT(tern_conn_export(c, "l", NULL, 0, buf, 0), TERN_ERR_ARG);
    CHECK_INT(tern_conn_ignore_verify_errors(c, NULL, 1), TERN_ERR_ARG);
    CHECK(tern_conn_dropped_by(c, (enum tern_drop_reason)99) == 0);
    /* A client's ClientHello needs room for a whole datagram. */
    CHECK_INT(tern_conn_start(c, 0), TERN_OK);
    CHECK_INT(tern_conn_pull(c, 0, buf, 100), TERN_ERR_BUFFER);
    CHECK(tern_conn_pull(c, 0, buf, sizeof(buf)) > 0);
    tern_conn_free(c);
}

static void conn_wrong_state(void)
{
    uint8_t buf[2048];
    struct tern_verify_error e = {TERN_VERIFY_EXPIRED, 0};
    /* A server does not start; a client must start before it receives. */
    struct tern_conn *s = psk_conn(TERN_ROLE_SERVER);
    CHECK_INT(tern_conn_start(s, 0), TERN_ERR_STATE);
    CHECK_INT(tern_conn_set_server_name(s, "example.org"), TERN_ERR_STATE);
    tern_conn_free(s);
    struct tern_conn *c = psk_conn(TERN_ROLE_CLIENT);
    buf[0] = 22;
    CHECK_INT(tern_conn_receive(c, 0, buf, 1, NULL, NULL), TERN_ERR_STATE);
    /* Nothing is established yet: no data, no exporter, no shutdown of nothing. */
    CHECK_INT(tern_conn_write(c, "x", 1, buf, sizeof(buf)), TERN_ERR_STATE);
    CHECK_INT(tern_conn_export(c, "l", NULL, 0, buf, 16), TERN_ERR_STATE);
    CHECK_INT(tern_conn_shutdown(c), TERN_ERR_STATE);
    CHECK_INT(tern_conn_ignore_verify_errors(c, &e, 1), TERN_ERR_STATE);
    CHECK_INT(tern_conn_resume(c, 0), TERN_ERR_STATE);
    CHECK_INT(tern_conn_pull(c, 0, buf, sizeof(buf)), TERN_ERR_NOTHING_TO_SEND);
    CHECK_INT(tern_conn_timeout(c, 0), TERN_OK);
    CHECK_INT(tern_conn_start(c, 0), TERN_OK);
    CHECK_INT(tern_conn_start(c, 0), TERN_ERR_STATE);
    CHECK_INT(tern_conn_set_server_name(c, "late.example"), TERN_ERR_STATE);
    CHECK_INT(tern_conn_version(c), 0);
    CHECK(tern_conn_suite_name(c) == NULL);
    /* An abandoned handshake says why, and stays failed. */
    tern_conn_abort(c);
    CHECK_INT(tern_conn_state(c), TERN_STATE_FAILED);
    CHECK_INT(tern_conn_error(c), TERN_ERR_ABORTED);
    CHECK_INT(tern_conn_alert_sent(c), 90);
    CHECK(tern_conn_pull(c, 0, buf, sizeof(buf)) > 0);
    CHECK_INT(tern_conn_pull(c, 0, buf, sizeof(buf)), TERN_ERR_NOTHING_TO_SEND);
    CHECK_INT(tern_conn_timeout(c, UINT64_MAX), TERN_ERR_ABORTED);
    CHECK_INT(tern_conn_resume(c, 0), TERN_ERR_ABORTED);
    CHECK_INT(tern_conn_write(c, "x", 1, buf, sizeof(buf)), TERN_ERR_ABORTED);
    tern_conn_abort(c); /* twice changes nothing */
    CHECK_INT(tern_conn_error(c), TERN_ERR_ABORTED);
    tern_conn_free(c);
}

static void conn_established_then_closed(void)
{
    struct tern_config *cc = config(TERN_ROLE_CLIENT);
    struct tern_config *sc = config(TERN_ROLE_SERVER);
    CHECK_INT(tern_config_set_psk(cc, g_id, 2, g_key, 16), TERN_OK);
    CHECK_INT(tern_config_set_psk(sc, g_id, 2, g_key, 16), TERN_OK);
    struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 9), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    CHECK(pair_handshake(&p, 100));
    uint8_t buf[2048];
    size_t len = 0;
    CHECK(tern_conn_psk_identity(p.server, &len) != NULL && len == 2);
    CHECK(tern_conn_psk_identity(p.server, NULL) != NULL);
    CHECK(tern_conn_peer_certificate(p.client, 0, &len) == NULL && len == 0);
    CHECK(tern_conn_accepted_ca(p.client, 0, &len) == NULL);
    /* Data above the largest record, or above the MTU, is refused. */
    static uint8_t huge[16385];
    CHECK_INT(tern_conn_write(p.client, huge, sizeof(huge), buf, sizeof(buf)),
              TERN_ERR_RECORD_OVERFLOW);
    CHECK_INT(tern_conn_write(p.client, huge, 1300, buf, sizeof(buf)), TERN_ERR_RECORD_OVERFLOW);
    CHECK_INT(tern_conn_write(p.client, huge, 100, buf, 50), TERN_ERR_BUFFER);
    CHECK_INT(tern_conn_ignore_verify_errors(p.client, NULL, 0), TERN_ERR_STATE);
    uint8_t ctx[4] = {1, 2, 3, 4};
    uint8_t a[32];
    uint8_t b[32];
    CHECK_INT(tern_conn_export(p.client, "EXPERIMENTAL misuse", ctx, 4, a, 32), TERN_OK);
    CHECK_INT(tern_conn_export(p.server, "EXPERIMENTAL misuse", ctx, 4, b, 32), TERN_OK);
    CHECK_MEM(a, b, 32);
    /* RFC 5705 section 4: labels the PRF itself uses, and the empty one,
     * are refused (the output could equal a key or a Finished). */
    static const char *const reserved[] = {"client finished",        "server finished",
                                           "master secret",          "key expansion",
                                           "extended master secret", ""};
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        CHECK_INT(tern_conn_export(p.client, reserved[i], NULL, 0, a, 32), TERN_ERR_ARG);
    }
    CHECK_INT(tern_conn_export(p.client, "EXPERIMENTAL misuse", NULL, 4, a, 32), TERN_ERR_ARG);
    /* Aborting an established connection closes it politely but for good. */
    tern_conn_abort(p.client);
    CHECK_INT(tern_conn_state(p.client), TERN_STATE_FAILED);
    CHECK_INT(tern_conn_alert_sent(p.client), 0);
    pair_flush(&p, p.client, &p.to_server);
    pair_deliver(&p, &p.to_server, p.server, 0);
    CHECK_INT(tern_conn_state(p.server), TERN_STATE_CLOSED);
    CHECK_INT(tern_conn_shutdown(p.server), TERN_ERR_STATE);
    CHECK_INT(tern_conn_timeout(p.server, UINT64_MAX), TERN_OK);
    CHECK_INT(tern_conn_receive(p.server, 0, buf, 10, NULL, NULL), TERN_ERR_CLOSED);
    /* Closed still tells what was negotiated. */
    CHECK(tern_conn_suite(p.server) != 0);
    pair_free(&p);
}

static void cookie_misuse(void)
{
    struct tern_cookie *gate = (struct tern_cookie *)&gate;
    uint8_t out[64];
    size_t out_len = 0;
    uint8_t d[32] = {22};
    CHECK_INT(tern_cookie_new(NULL, NULL, 0), TERN_ERR_ARG);
    CHECK_INT(tern_cookie_new(&gate, g_secret, 15), TERN_ERR_ARG);
    CHECK(gate == NULL);
    CHECK_INT(tern_cookie_new(&gate, g_secret, 65), TERN_ERR_ARG);
    CHECK_INT(tern_cookie_new(&gate, g_secret, sizeof(g_secret)), TERN_OK);
    CHECK_INT(tern_cookie_rotate(NULL, NULL, 0), TERN_ERR_ARG);
    CHECK_INT(tern_cookie_rotate(gate, g_secret, 3), TERN_ERR_ARG);
    CHECK_INT(tern_cookie_rotate(gate, g_secret, sizeof(g_secret)), TERN_OK);
    CHECK_INT(tern_cookie_check(gate, NULL, 3, g_id, 2, out, sizeof(out), &out_len), TERN_ERR_ARG);
    CHECK_INT(tern_cookie_check(gate, d, sizeof(d), NULL, 2, out, sizeof(out), &out_len),
              TERN_ERR_ARG);
    CHECK_INT(tern_cookie_check(gate, d, sizeof(d), g_id, 0, out, sizeof(out), &out_len),
              TERN_ERR_ARG);
    CHECK_INT(tern_cookie_check(gate, d, sizeof(d), g_id, 2, out, sizeof(out), NULL), TERN_ERR_ARG);
    CHECK_INT(tern_cookie_check(gate, d, sizeof(d), g_id, 2, out, sizeof(out), &out_len),
              TERN_COOKIE_DROP);
    tern_cookie_free(gate);
    tern_cookie_free(NULL);
}

static void errors_and_strings(void)
{
    /* Every code has its own text and a decision on alert and fatality;
     * unknown codes are said to be unknown. */
    for (int err = 0; err >= TERN_ERR_NO_APPLICATION_PROTOCOL; err--) {
        const char *text = tern_strerror(err);
        CHECK(text != NULL && strcmp(text, "unknown error") != 0);
        for (int other = err - 1; other >= TERN_ERR_NO_APPLICATION_PROTOCOL; other--) {
            CHECK(strcmp(text, tern_strerror(other)) != 0);
        }
        int alert = tern_err_alert(err);
        CHECK(alert >= -1 && alert <= 255);
        int fatal = tern_err_is_fatal(err);
        CHECK(fatal == 0 || fatal == 1);
    }
    CHECK(strcmp(tern_strerror(-1000), "unknown error") == 0);
    CHECK(strcmp(tern_strerror(5), "unknown error") == 0);
    CHECK_INT(tern_err_alert(-1000), 80);
    CHECK_INT(tern_err_is_fatal(-1000), 1);
    CHECK_INT(tern_err_is_fatal(5), 0);
    CHECK_INT(tern_err_alert(TERN_OK), -1);
    CHECK_INT(tern_err_is_fatal(TERN_ERR_NOTHING_TO_SEND), 0);
    for (int r = TERN_VERIFY_EXPIRED; r <= TERN_VERIFY_NAME_CONSTRAINTS; r++) {
        const char *text = tern_verify_reason_string((enum tern_verify_reason)r);
        CHECK(text != NULL && text[0] != '\0' && strcmp(text, "unknown verification reason") != 0);
        for (int other = r + 1; other <= TERN_VERIFY_NAME_CONSTRAINTS; other++) {
            CHECK(strcmp(text, tern_verify_reason_string((enum tern_verify_reason)other)) != 0);
        }
    }
    CHECK(tern_verify_reason_string((enum tern_verify_reason)0) != NULL);
    CHECK(tern_verify_reason_string((enum tern_verify_reason)999) != NULL);
    CHECK(tern_version() != NULL && tern_version()[0] != '\0');
}

TEST_MAIN(T(config_new_and_free), T(config_setters_refuse_null), T(config_values_out_of_range),
          T(config_wrong_role), T(config_frozen_once_used), T(credentials_refused),
          T(conn_refuses_null), T(conn_bad_arguments), T(conn_wrong_state),
          T(conn_established_then_closed), T(cookie_misuse), T(errors_and_strings))
