/* Certificate handshakes between two tern connections, with the test PKI
 * of tests/pki/make_pki.sh (TERN_PKI_DIR): every ECDHE_ECDSA and ECDHE_RSA
 * suite, each bad certificate failing with its own reason and alert, the
 * callback and pause/ignore/resume decisions, and client certificates. */
#include <stdlib.h>

#include <tern/tern.h>

#include "crypto/x509.h"
#include "handshake/header.h"
#include "handshake/hello.h"
#include "pair.h"
#include "record/header12.h"
#include "test.h"
#include "wire.h"

static struct tern_config *server_cfg(const char *cert, uint16_t suite)
{
    struct tern_config *cfg = NULL;
    char c[64];
    char k[64];
    snprintf(c, sizeof(c), "%s.pem", cert);
    snprintf(k, sizeof(k), "%s.key", cert);
    CHECK_INT(tern_config_new(&cfg, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_add_certificate_files(cfg, test_pki_path(c), test_pki_path(k)), TERN_OK);
    if (suite != 0) {
        CHECK_INT(tern_config_set_suites(cfg, &suite, 1), TERN_OK);
    }
    return cfg;
}

static struct tern_config *client_cfg(void)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_trust_file(cfg, test_pki_path("ca.pem")), TERN_OK);
    return cfg;
}

/* Runs a handshake; frees both configurations. */
static int run(struct pair *p, struct tern_config *cc, struct tern_config *sc, const char *name)
{
    CHECK_INT(pair_init_named(p, cc, sc, 21, name), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    return pair_handshake(p, 200);
}

static void suite_with(const char *cert, uint16_t suite)
{
    struct pair p;
    int ok = run(&p, client_cfg(), server_cfg(cert, suite), "localhost");
    if (!ok) {
        fprintf(stderr, "  %s %04x: client %s, server %s\n", cert, suite,
                tern_strerror(tern_conn_error(p.client)), tern_strerror(tern_conn_error(p.server)));
    }
    CHECK(ok);
    CHECK_INT(tern_conn_suite(p.client), suite);
    CHECK_INT(tern_conn_verify_errors(p.client, NULL, 0), 0);
    /* x25519 is both sides' first group (IANA TLS Supported Groups: 29);
     * the server signed with the scheme of its key (IANA SignatureScheme:
     * 0x0403 ecdsa_secp256r1_sha256, 0x0807 ed25519, an RSA scheme for
     * RSA); the client signed nothing. */
    CHECK_INT(tern_conn_group(p.client), 29);
    CHECK_INT(tern_conn_group(p.server), 29);
    uint16_t scheme = tern_conn_peer_signature_scheme(p.client);
    if (strcmp(cert, "server-ec") == 0) {
        CHECK_INT(scheme, 0x0403);
    } else if (strcmp(cert, "ed25519") == 0) {
        CHECK_INT(scheme, 0x0807);
    } else {
        CHECK(scheme == 0x0804 || scheme == 0x0805 || scheme == 0x0806 || scheme == 0x0401 ||
              scheme == 0x0501 || scheme == 0x0601);
    }
    CHECK_INT(tern_conn_peer_signature_scheme(p.server), 0);
    CHECK_INT(pair_send(&p, 1, "signed", 6), TERN_OK);
    CHECK_INT(p.server_got_len, 6);
    pair_free(&p);
}

static void ecdsa_suites(void)
{
    static const uint16_t suites[] = {0xc02b, 0xc02c, 0xcca9, 0xc0ae, 0xc0ac};
    for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
        suite_with("server-ec", suites[i]);
    }
    suite_with("ed25519", 0xc02b);
}

static void rsa_suites(void)
{
    static const uint16_t suites[] = {0xc02f, 0xc030, 0xcca8};
    for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
        suite_with("server-rsa", suites[i]);
    }
}

/* A server with an ECDSA and an RSA chain picks the one the suite needs. */
static void two_chains(void)
{
    struct tern_config *sc = server_cfg("server-rsa", 0);
    CHECK_INT(tern_config_add_certificate_files(sc, test_pki_path("server-ec.pem"),
                                                test_pki_path("server-ec.key")),
              TERN_OK);
    struct tern_config *cc = client_cfg();
    static const uint16_t ecdsa = 0xc02b;
    CHECK_INT(tern_config_set_suites(cc, &ecdsa, 1), TERN_OK);
    struct pair p;
    CHECK(run(&p, cc, sc, "localhost"));
    CHECK_INT(tern_conn_suite(p.client), 0xc02b);
    pair_free(&p);
}

/* Each bad certificate fails with its reason, its error, and its alert. */
static void bad_with(const char *cert, uint16_t suite, const char *name,
                     enum tern_verify_reason reason, int err, int alert)
{
    struct pair p;
    CHECK_INT(run(&p, client_cfg(), server_cfg(cert, suite), name), 0);
    struct tern_verify_error e[4];
    size_t n = tern_conn_verify_errors(p.client, e, 4);
    CHECK(n >= 1);
    int found = 0;
    for (size_t i = 0; i < n && i < 4; i++) {
        found |= e[i].reason == reason;
    }
    if (!found) {
        fprintf(stderr, "  %s: reason %d not among %zu (first %d)\n", cert, reason, n, e[0].reason);
    }
    CHECK(found);
    CHECK_INT(tern_conn_error(p.client), err);
    CHECK_INT(tern_conn_alert_sent(p.client), alert);
    CHECK_INT(tern_conn_error(p.server), TERN_ERR_PEER_ALERT);
    CHECK_INT(tern_conn_alert_received(p.server), alert);
    pair_free(&p);
}

static void bad(const char *cert, const char *name, enum tern_verify_reason reason, int err,
                int alert)
{
    bad_with(cert, 0xc02b, name, reason, err, alert);
}

static void bad_certificates(void)
{
    bad("expired", "localhost", TERN_VERIFY_EXPIRED, TERN_ERR_CERT_EXPIRED, 45);
    bad("future", "localhost", TERN_VERIFY_NOT_YET_VALID, TERN_ERR_CERT_EXPIRED, 45);
    bad("wronghost", "localhost", TERN_VERIFY_HOSTNAME_MISMATCH, TERN_ERR_CERT_UNKNOWN, 46);
    bad("server-ec", "127.0.0.2", TERN_VERIFY_HOSTNAME_MISMATCH, TERN_ERR_CERT_UNKNOWN, 46);
    bad("untrusted", "localhost", TERN_VERIFY_UNKNOWN_ISSUER, TERN_ERR_UNKNOWN_CA, 48);
    bad("selfsigned", "localhost", TERN_VERIFY_SELF_SIGNED, TERN_ERR_UNKNOWN_CA, 48);
    bad("clientonly", "localhost", TERN_VERIFY_INVALID_PURPOSE, TERN_ERR_CERT_UNKNOWN, 46);
}

static int g_callback_calls;

static int accept_expired_only(void *arg, struct tern_conn *conn,
                               const struct tern_verify_error *errs, size_t n)
{
    (void)arg;
    g_callback_calls++;
    size_t len = 0;
    CHECK(tern_conn_peer_certificate(conn, 0, &len) != NULL && len > 0);
    for (size_t i = 0; i < n; i++) {
        if (errs[i].reason != TERN_VERIFY_EXPIRED) {
            return 0;
        }
    }
    return 1;
}

/* GLib's accept-certificate: the callback sees the reasons and decides. */
static void callback_decides(void)
{
    struct tern_config *cc = client_cfg();
    CHECK_INT(tern_config_set_verify_callback(cc, accept_expired_only, NULL), TERN_OK);
    struct pair p;
    g_callback_calls = 0;
    CHECK(run(&p, cc, server_cfg("expired", 0xc02b), "localhost"));
    CHECK_INT(g_callback_calls, 1);
    CHECK_INT(tern_conn_verify_errors(p.client, NULL, 0), 1);
    pair_free(&p);
    /* The same callback refuses a wrong host. */
    cc = client_cfg();
    CHECK_INT(tern_config_set_verify_callback(cc, accept_expired_only, NULL), TERN_OK);
    CHECK_INT(run(&p, cc, server_cfg("wronghost", 0xc02b), "localhost"), 0);
    CHECK_INT(tern_conn_error(p.client), TERN_ERR_CERT_UNKNOWN);
    pair_free(&p);
}

/* Qt's QDtls: pause on the problems, ignore exactly them, resume. */
static void pause_ignore_resume(void)
{
    struct tern_config *cc = client_cfg();
    CHECK_INT(tern_config_set_verify_pause(cc, 1), TERN_OK);
    struct pair p;
    CHECK_INT(run(&p, cc, server_cfg("expired", 0xc02b), "localhost"), 0);
    CHECK_INT(tern_conn_state(p.client), TERN_STATE_PEER_VERIFY_ERROR);
    struct tern_verify_error e[4];
    CHECK_INT(tern_conn_verify_errors(p.client, e, 4), 1);
    CHECK_INT(e[0].reason, TERN_VERIFY_EXPIRED);
    CHECK_INT(e[0].depth, 0);
    CHECK_INT(tern_conn_ignore_verify_errors(p.client, e, 1), TERN_OK);
    CHECK_INT(tern_conn_resume(p.client, p.now), TERN_OK);
    CHECK(pair_handshake(&p, 200));
    pair_free(&p);

    /* Ignoring one reason never ignores another: expired and wrong host,
     * only the expiry ignored. */
    cc = client_cfg();
    CHECK_INT(tern_config_set_verify_pause(cc, 1), TERN_OK);
    CHECK_INT(run(&p, cc, server_cfg("expired", 0xc02b), "example.org"), 0);
    CHECK_INT(tern_conn_state(p.client), TERN_STATE_PEER_VERIFY_ERROR);
    CHECK_INT(tern_conn_verify_errors(p.client, e, 4), 2);
    struct tern_verify_error only = {TERN_VERIFY_EXPIRED, 0};
    CHECK_INT(tern_conn_ignore_verify_errors(p.client, &only, 1), TERN_OK);
    CHECK_INT(tern_conn_resume(p.client, p.now), TERN_ERR_CERT_UNKNOWN);
    CHECK_INT(tern_conn_state(p.client), TERN_STATE_FAILED);
    pair_free(&p);

    /* Abort while paused. */
    cc = client_cfg();
    CHECK_INT(tern_config_set_verify_pause(cc, 1), TERN_OK);
    CHECK_INT(run(&p, cc, server_cfg("untrusted", 0xc02b), "localhost"), 0);
    CHECK_INT(tern_conn_state(p.client), TERN_STATE_PEER_VERIFY_ERROR);
    tern_conn_abort(p.client);
    CHECK_INT(tern_conn_error(p.client), TERN_ERR_ABORTED);
    CHECK_INT(tern_conn_resume(p.client, p.now), TERN_ERR_ABORTED);
    pair_free(&p);
}

static int accept_everything(void *arg, struct tern_conn *conn,
                             const struct tern_verify_error *errs, size_t n)
{
    (void)arg;
    (void)conn;
    (void)errs;
    (void)n;
    g_callback_calls++;
    return 1;
}

/* Runs a handshake against the server chain cert whose problems do not all
 * fit in the list, with the client's decision made by fn; the handshake
 * must fail with certificate_expired (45, the first reason), the callback
 * having seen the marker in the last place. */
static void callback_refused_past_list(const char *cert, tern_verify_fn fn)
{
    struct tern_config *cc = client_cfg();
    CHECK_INT(tern_config_set_verify_callback(cc, fn, NULL), TERN_OK);
    struct pair p;
    g_callback_calls = 0;
    CHECK_INT(run(&p, cc, server_cfg(cert, 0xc02b), "localhost"), 0);
    CHECK_INT(g_callback_calls, 1);
    struct tern_verify_error e[8];
    CHECK_INT(tern_conn_verify_errors(p.client, e, 8), 8);
    CHECK_INT(e[0].reason, TERN_VERIFY_EXPIRED);
    CHECK_INT(e[7].reason, TERN_VERIFY_TOO_MANY_PROBLEMS);
    CHECK_INT(tern_conn_error(p.client), TERN_ERR_CERT_EXPIRED);
    CHECK_INT(tern_conn_alert_sent(p.client), 45);
    pair_free(&p);
}

/* libcrypto lists the dates of every certificate first: 8 expired
 * intermediates fill the list before a corrupt leaf signature, or before a
 * leaf outside its issuer's name constraints. A callback that accepts
 * expiry only, or even one that accepts everything it is shown, must not
 * let through what it was never shown. */
static void callback_cannot_accept_unlisted_problems(void)
{
    callback_refused_past_list("badsig-chain", accept_expired_only);
    callback_refused_past_list("badsig-chain", accept_everything);
    callback_refused_past_list("nc-chain", accept_expired_only);
    callback_refused_past_list("nc-chain", accept_everything);
}

/* The same in pause mode: ignoring every listed problem (the marker too)
 * and resuming still fails. */
static void resume_cannot_ignore_unlisted_problems(void)
{
    const char *certs[2] = {"badsig-chain", "nc-chain"};
    for (size_t i = 0; i < 2; i++) {
        struct tern_config *cc = client_cfg();
        CHECK_INT(tern_config_set_verify_pause(cc, 1), TERN_OK);
        struct pair p;
        CHECK_INT(run(&p, cc, server_cfg(certs[i], 0xc02b), "localhost"), 0);
        CHECK_INT(tern_conn_state(p.client), TERN_STATE_PEER_VERIFY_ERROR);
        struct tern_verify_error e[8];
        size_t n = tern_conn_verify_errors(p.client, e, 8);
        CHECK_INT(n, 8);
        CHECK_INT(e[7].reason, TERN_VERIFY_TOO_MANY_PROBLEMS);
        CHECK_INT(tern_conn_ignore_verify_errors(p.client, e, n), TERN_OK);
        CHECK_INT(tern_conn_resume(p.client, p.now), TERN_ERR_CERT_EXPIRED);
        CHECK_INT(tern_conn_state(p.client), TERN_STATE_FAILED);
        CHECK_INT(tern_conn_alert_sent(p.client), 45);
        pair_free(&p);
    }
}

/* The named insecure option still accepts such a chain (it is for tests),
 * with the marker recorded. */
static void insecure_accepts_past_list(void)
{
    struct tern_config *cc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_trust_file(cc, test_pki_path("ca.pem")), TERN_OK);
    CHECK_INT(tern_config_set_flags(cc, TERN_FLAG_INSECURE_NO_VERIFY), TERN_OK);
    struct pair p;
    CHECK(run(&p, cc, server_cfg("badsig-chain", 0xc02b), "localhost"));
    struct tern_verify_error e[8];
    CHECK_INT(tern_conn_verify_errors(p.client, e, 8), 8);
    CHECK_INT(e[7].reason, TERN_VERIFY_TOO_MANY_PROBLEMS);
    pair_free(&p);
}

/* The named insecure option accepts anything and still records why. */
static void insecure_records_reasons(void)
{
    struct tern_config *cc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_set_flags(cc, TERN_FLAG_INSECURE_NO_VERIFY | TERN_FLAG_KEEP_PEER_CHAIN),
              TERN_OK);
    struct pair p;
    CHECK(run(&p, cc, server_cfg("selfsigned", 0xc02b), "localhost"));
    CHECK(tern_conn_verify_errors(p.client, NULL, 0) >= 1);
    size_t len = 0;
    CHECK(tern_conn_peer_certificate(p.client, 0, &len) != NULL && len > 0);
    CHECK(tern_conn_peer_certificate(p.client, 1, &len) == NULL);
    pair_free(&p);
}

static struct tern_config *auth_server(enum tern_client_auth mode)
{
    struct tern_config *sc = server_cfg("server-ec", 0xc02b);
    CHECK_INT(tern_config_add_trust_file(sc, test_pki_path("ca.pem")), TERN_OK);
    CHECK_INT(tern_config_set_client_auth(sc, mode), TERN_OK);
    CHECK_INT(tern_config_set_flags(sc, TERN_FLAG_KEEP_PEER_CHAIN), TERN_OK);
    return sc;
}

static void client_certificates(void)
{
    /* Required, and presented. */
    struct tern_config *cc = client_cfg();
    CHECK_INT(tern_config_add_certificate_files(cc, test_pki_path("client.pem"),
                                                test_pki_path("client.key")),
              TERN_OK);
    struct pair p;
    int ok = run(&p, cc, auth_server(TERN_CLIENT_AUTH_REQUIRE), "localhost");
    if (!ok) {
        fprintf(stderr, "  client auth: client %s, server %s\n",
                tern_strerror(tern_conn_error(p.client)), tern_strerror(tern_conn_error(p.server)));
    }
    CHECK(ok);
    size_t len = 0;
    CHECK(tern_conn_peer_certificate(p.server, 0, &len) != NULL && len > 0);
    CHECK_INT(tern_conn_verify_errors(p.server, NULL, 0), 0);
    /* The client's CertificateVerify was signed with its P-256 key. */
    CHECK_INT(tern_conn_peer_signature_scheme(p.server), 0x0403);
    pair_free(&p);

    /* Required, and the client has none. */
    CHECK_INT(run(&p, client_cfg(), auth_server(TERN_CLIENT_AUTH_REQUIRE), "localhost"), 0);
    CHECK_INT(tern_conn_error(p.server), TERN_ERR_NO_CERTIFICATE);
    CHECK_INT(tern_conn_alert_sent(p.server), 40);
    pair_free(&p);

    /* Optional, and the client has none. */
    CHECK(run(&p, client_cfg(), auth_server(TERN_CLIENT_AUTH_OPTIONAL), "localhost"));
    CHECK(tern_conn_peer_certificate(p.server, 0, &len) == NULL);
    pair_free(&p);

    /* A client certificate the server does not trust. */
    cc = client_cfg();
    CHECK_INT(tern_config_add_certificate_files(cc, test_pki_path("untrusted.pem"),
                                                test_pki_path("untrusted.key")),
              TERN_OK);
    CHECK_INT(run(&p, cc, auth_server(TERN_CLIENT_AUTH_OPTIONAL), "localhost"), 0);
    CHECK_INT(tern_conn_error(p.server), TERN_ERR_UNKNOWN_CA);
    pair_free(&p);
}

/* A leaf whose keyUsage does not allow signing cannot sign the
 * ServerKeyExchange (RFC 5246 section 7.4.2, RFC 8422 section 5.3) or a
 * CertificateVerify (RFC 5246 section 7.4.6): refused in both roles. */
static void key_usage_without_signing_refused(void)
{
    bad_with("ku-agree-ec", 0xc02b, "localhost", TERN_VERIFY_INVALID_PURPOSE, TERN_ERR_CERT_UNKNOWN,
             46);
    bad_with("ku-encipher-rsa", 0xc02f, "localhost", TERN_VERIFY_INVALID_PURPOSE,
             TERN_ERR_CERT_UNKNOWN, 46);
    struct tern_config *cc = client_cfg();
    CHECK_INT(tern_config_add_certificate_files(cc, test_pki_path("client-ku-agree.pem"),
                                                test_pki_path("client-ku-agree.key")),
              TERN_OK);
    struct pair p;
    CHECK_INT(run(&p, cc, auth_server(TERN_CLIENT_AUTH_REQUIRE), "localhost"), 0);
    struct tern_verify_error e[4];
    CHECK_INT(tern_conn_verify_errors(p.server, e, 4), 1);
    CHECK_INT(e[0].reason, TERN_VERIFY_INVALID_PURPOSE);
    CHECK_INT(e[0].depth, 0);
    CHECK_INT(tern_conn_error(p.server), TERN_ERR_CERT_UNKNOWN);
    CHECK_INT(tern_conn_alert_sent(p.server), 46);
    pair_free(&p);
}

/* At the default security level (2: 112 bits) an RSA-1024 server key and
 * a SHA-1 certificate signature are weak keys; level 1 (80 bits) takes
 * RSA-1024 but not SHA-1 (63 bits in libcrypto 3.0); level 0 takes both. */
static void weak_keys_refused_by_default(void)
{
    bad_with("rsa1024", 0xc02f, "localhost", TERN_VERIFY_WEAK_KEY, TERN_ERR_CERT_UNKNOWN, 46);
    bad_with("sha1", 0xc02b, "localhost", TERN_VERIFY_WEAK_KEY, TERN_ERR_CERT_UNKNOWN, 46);
    struct tern_config *cc = client_cfg();
    CHECK_INT(tern_config_set_security_level(cc, 1), TERN_OK);
    struct pair p;
    CHECK(run(&p, cc, server_cfg("rsa1024", 0xc02f), "localhost"));
    CHECK_INT(tern_conn_verify_errors(p.client, NULL, 0), 0);
    pair_free(&p);
    cc = client_cfg();
    CHECK_INT(tern_config_set_security_level(cc, 1), TERN_OK);
    CHECK_INT(run(&p, cc, server_cfg("sha1", 0xc02b), "localhost"), 0);
    CHECK_INT(tern_conn_error(p.client), TERN_ERR_CERT_UNKNOWN);
    pair_free(&p);
    cc = client_cfg();
    CHECK_INT(tern_config_set_security_level(cc, 0), TERN_OK);
    CHECK(run(&p, cc, server_cfg("sha1", 0xc02b), "localhost"));
    CHECK_INT(tern_conn_verify_errors(p.client, NULL, 0), 0);
    pair_free(&p);
}

/* Host names as RFC 9525 has them: never the subject's CN, a
 * wildcard only as the whole left-most label, for one label. */
static void host_names_as_rfc9525(void)
{
    bad("cn-only", "localhost", TERN_VERIFY_HOSTNAME_MISMATCH, TERN_ERR_CERT_UNKNOWN, 46);
    bad("partial-wildcard", "foo.example.com", TERN_VERIFY_HOSTNAME_MISMATCH, TERN_ERR_CERT_UNKNOWN,
        46);
    bad("wildcard", "a.b.example.com", TERN_VERIFY_HOSTNAME_MISMATCH, TERN_ERR_CERT_UNKNOWN, 46);
    struct pair p;
    CHECK(run(&p, client_cfg(), server_cfg("wildcard", 0xc02b), "foo.example.com"));
    CHECK_INT(tern_conn_verify_errors(p.client, NULL, 0), 0);
    pair_free(&p);
}

/* What the tap saw of the client's ClientHellos. */
struct hello_watch {
    int hellos;
    int with_server_name;
    const char *replace; /* the name to put in place of the client's, same length */
    const char *name;    /* the client's */
};

static int watch_hello(void *arg, int from_client, uint8_t *dgram, size_t *len)
{
    struct hello_watch *w = arg;
    if (!from_client) {
        return 1;
    }
    if (w->replace != NULL) {
        size_t n = strlen(w->name);
        for (size_t i = 0; i + n <= *len; i++) {
            if (memcmp(dgram + i, w->name, n) == 0) {
                memcpy(dgram + i, w->replace, n);
            }
        }
    }
    struct wire_msg m[WIRE_MAX_MSGS];
    size_t n = wire_messages(dgram, *len, m);
    for (size_t i = 0; i < n; i++) {
        struct tern_reader body;
        struct tern_client_hello ch;
        tern_r_init(&body, dgram + m[i].body_off, m[i].body_len);
        if (m[i].type == TERN_HS_CLIENT_HELLO && tern_client_hello_parse(body, &ch) == TERN_OK) {
            w->hellos++;
            w->with_server_name += tern_exts_has(&ch.exts, TERN_EXTI_SERVER_NAME);
        }
    }
    return 1;
}

/* Runs a handshake with the client asking for name, watched by w. */
static int run_watched(struct pair *p, struct tern_config *cc, struct tern_config *sc,
                       const char *name, struct hello_watch *w)
{
    CHECK_INT(pair_init_named(p, cc, sc, 23, name), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    p->tap = watch_hello;
    p->tap_arg = w;
    return pair_handshake(p, 200);
}

/* RFC 6066 section 3: "Literal IPv4 and IPv6 addresses are not permitted
 * in HostName". A client given an address sends no server_name, and still
 * checks the address against the certificate's IP addresses. */
static void address_not_sent_as_server_name(void)
{
    static const char *const addresses[] = {"127.0.0.1", "::1"};
    for (size_t i = 0; i < 2; i++) {
        struct hello_watch w = {0, 0, NULL, NULL};
        struct pair p;
        CHECK(run_watched(&p, client_cfg(), server_cfg("server-ec", 0xc02b), addresses[i], &w));
        CHECK(w.hellos >= 1);
        CHECK_INT(w.with_server_name, 0);
        CHECK_INT(tern_conn_verify_errors(p.client, NULL, 0), 0);
        pair_free(&p);
    }
    bad("server-ec", "::2", TERN_VERIFY_HOSTNAME_MISMATCH, TERN_ERR_CERT_UNKNOWN, 46);
    /* Text that looks like an address but is none is a host mismatch. */
    bad("server-ec", "999.0.0.1", TERN_VERIFY_HOSTNAME_MISMATCH, TERN_ERR_CERT_UNKNOWN, 46);
    /* A name is sent. */
    struct hello_watch w = {0, 0, NULL, NULL};
    struct pair p;
    CHECK(run_watched(&p, client_cfg(), server_cfg("server-ec", 0xc02b), "localhost", &w));
    CHECK(w.hellos >= 1);
    CHECK_INT(w.with_server_name, w.hellos);
    pair_free(&p);
}

/* The leaf the server sent, as the client's verify callback saw it. */
static uint8_t g_leaf[4096];
static size_t g_leaf_len;

static int keep_leaf(void *arg, struct tern_conn *conn, const struct tern_verify_error *errs,
                     size_t n)
{
    (void)arg;
    (void)errs;
    (void)n;
    size_t len = 0;
    const uint8_t *der = tern_conn_peer_certificate(conn, 0, &len);
    g_leaf_len = der != NULL && len <= sizeof(g_leaf) ? len : 0;
    if (g_leaf_len > 0) {
        memcpy(g_leaf, der, len);
    }
    return 0;
}

/* Whether the leaf kept is the one of the PKI file name. */
static int leaf_is(const char *name)
{
    FILE *f = fopen(test_pki_path(name), "rb");
    static uint8_t pem[8192];
    size_t n = f != NULL ? fread(pem, 1, sizeof(pem), f) : 0;
    if (f != NULL) {
        fclose(f);
    }
    struct tern_x509_chain *chain = NULL;
    CHECK_INT(tern_x509_chain_parse(pem, n, &chain), TERN_OK);
    size_t want_len = 0;
    const uint8_t *want = tern_x509_chain_der(chain, 0, &want_len);
    int same = want != NULL && g_leaf_len == want_len && memcmp(g_leaf, want, want_len) == 0;
    tern_x509_chain_free(chain);
    return same;
}

/* A server does not choose its chain by an address in server_name (a
 * client that sends one breaks RFC 6066 section 3). The client's name is
 * replaced on the wire by one of the same length; its callback (called for
 * the host mismatch) sees which leaf came, and ends the handshake, whose
 * transcripts now differ anyway. */
static void server_ignores_address_in_server_name(void)
{
    static const char *const sent[] = {"127.0.0.1", "localhost"};
    static const char *const leaf[] = {"wronghost.pem", "server-ec.pem"};
    for (size_t i = 0; i < 2; i++) {
        struct tern_config *sc = server_cfg("wronghost", 0xc02b);
        CHECK_INT(tern_config_add_certificate_files(sc, test_pki_path("server-ec.pem"),
                                                    test_pki_path("server-ec.key")),
                  TERN_OK);
        struct tern_config *cc = client_cfg();
        CHECK_INT(tern_config_set_verify_callback(cc, keep_leaf, NULL), TERN_OK);
        struct hello_watch w = {0, 0, sent[i], "abcdefghi"};
        struct pair p;
        g_leaf_len = 0;
        CHECK_INT(run_watched(&p, cc, sc, w.name, &w), 0);
        CHECK(w.hellos >= 1);
        CHECK(leaf_is(leaf[i]));
        pair_free(&p);
    }
}

/* A client started with no server name: refused before anything is sent
 * when it would verify an X.509 certificate; the connection stays as it
 * was, so a name can be set and the client started again. */
static void start_refused_without_name(struct tern_config *cc)
{
    struct pair p;
    struct tern_config *sc = server_cfg("server-ec", 0xc02b);
    CHECK_INT(pair_init_named(&p, cc, sc, 24, NULL), TERN_ERR_NO_SERVER_NAME);
    tern_config_free(cc);
    tern_config_free(sc);
    CHECK_INT(tern_conn_state(p.client), TERN_STATE_IDLE);
    CHECK_INT(tern_conn_error(p.client), TERN_OK);
    uint8_t out[PAIR_DGRAM];
    CHECK_INT(tern_conn_pull(p.client, p.now, out, sizeof(out)), TERN_ERR_NOTHING_TO_SEND);
    CHECK(tern_conn_deadline(p.client) == UINT64_MAX);
    CHECK_INT(tern_conn_start(p.client, p.now), TERN_ERR_NO_SERVER_NAME);
    CHECK_INT(tern_conn_set_server_name(p.client, "localhost"), TERN_OK);
    CHECK_INT(tern_conn_start(p.client, p.now), TERN_OK);
    CHECK(pair_handshake(&p, 200));
    pair_free(&p);
}

static int accept_nothing(void *arg, struct tern_conn *conn, const struct tern_verify_error *errs,
                          size_t n)
{
    (void)arg;
    (void)conn;
    (void)errs;
    (void)n;
    return 0;
}

/* Verifying a certificate without knowing whom it should name accepts any
 * certificate the trust anchors ever issued: a client that would verify
 * one (trust anchors, a verify callback or pause mode) must be given the
 * server's name, or opt out of the name check by name. */
static void no_server_name_refused(void)
{
    start_refused_without_name(client_cfg());
    struct tern_config *cc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_set_verify_callback(cc, accept_nothing, NULL), TERN_OK);
    CHECK_INT(tern_config_add_trust_file(cc, test_pki_path("ca.pem")), TERN_OK);
    start_refused_without_name(cc);
    cc = client_cfg();
    CHECK_INT(tern_config_set_verify_pause(cc, 1), TERN_OK);
    start_refused_without_name(cc);
    /* Raw public keys allowed as well as certificates. */
    cc = client_cfg();
    CHECK_INT(tern_config_add_peer_key_file(cc, test_pki_path("rpk-ec.pub")), TERN_OK);
    start_refused_without_name(cc);
    /* A callback alone judges certificates too. */
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_set_verify_callback(cc, accept_nothing, NULL), TERN_OK);
    struct pair p;
    struct tern_config *sc = server_cfg("server-ec", 0xc02b);
    CHECK_INT(pair_init_named(&p, cc, sc, 24, NULL), TERN_ERR_NO_SERVER_NAME);
    tern_config_free(cc);
    tern_config_free(sc);
    pair_free(&p);
}

/* TERN_FLAG_NO_NAME_CHECK: the chain is verified, the name is not. */
static void no_name_check_flag(void)
{
    struct tern_config *cc = client_cfg();
    CHECK_INT(tern_config_set_flags(cc, TERN_FLAG_NO_NAME_CHECK), TERN_OK);
    struct pair p;
    CHECK(run(&p, cc, server_cfg("wronghost", 0xc02b), NULL));
    CHECK_INT(tern_conn_verify_errors(p.client, NULL, 0), 0);
    pair_free(&p);
    /* With a name as well: it is sent, and not checked. */
    cc = client_cfg();
    CHECK_INT(tern_config_set_flags(cc, TERN_FLAG_NO_NAME_CHECK), TERN_OK);
    struct hello_watch w = {0, 0, NULL, NULL};
    CHECK(run_watched(&p, cc, server_cfg("server-ec", 0xc02b), "example.org", &w));
    CHECK_INT(w.with_server_name, w.hellos);
    CHECK_INT(tern_conn_verify_errors(p.client, NULL, 0), 0);
    pair_free(&p);
    /* Everything else is still verified. */
    cc = client_cfg();
    CHECK_INT(tern_config_set_flags(cc, TERN_FLAG_NO_NAME_CHECK), TERN_OK);
    CHECK_INT(run(&p, cc, server_cfg("expired", 0xc02b), NULL), 0);
    CHECK_INT(tern_conn_error(p.client), TERN_ERR_CERT_EXPIRED);
    pair_free(&p);
}

/* Clients that verify no X.509 certificate need no name: raw public keys
 * only, PSK only (with trust anchors but PSK suites only), and the test-only
 * insecure mode. */
static void no_name_needed_without_x509(void)
{
    struct tern_config *cc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_trust_file(cc, test_pki_path("ca.pem")), TERN_OK);
    static const uint8_t id[3] = {'p', 's', 'k'};
    static const uint8_t key[16] = {1, 2, 3};
    static const uint16_t psk_suite = 0xc0a8;
    CHECK_INT(tern_config_set_psk(cc, id, sizeof(id), key, sizeof(key)), TERN_OK);
    CHECK_INT(tern_config_set_suites(cc, &psk_suite, 1), TERN_OK);
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_set_psk(sc, id, sizeof(id), key, sizeof(key)), TERN_OK);
    struct pair p;
    CHECK(run(&p, cc, sc, NULL));
    pair_free(&p);
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_set_flags(cc, TERN_FLAG_INSECURE_NO_VERIFY), TERN_OK);
    CHECK(run(&p, cc, server_cfg("server-ec", 0xc02b), NULL));
    pair_free(&p);
}

/* A key that does not match its certificate is refused when configured. */
static void mismatched_key(void)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_add_certificate_files(cfg, test_pki_path("server-ec.pem"),
                                                test_pki_path("client.key")),
              TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_config_add_certificate_files(cfg, test_pki_path("missing.pem"),
                                                test_pki_path("client.key")),
              TERN_ERR_BAD_CREDENTIAL);
    tern_config_free(cfg);
}

/* RFC 7250 raw public keys, both ways, and a key not in the allowed list. */
static void raw_public_keys(void)
{
    struct tern_config *sc = NULL;
    struct tern_config *cc = NULL;
    static const uint16_t suite = 0xc0ae; /* CoAP's TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 */
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_set_raw_public_key_file(sc, test_pki_path("rpk-ec.key")), TERN_OK);
    CHECK_INT(tern_config_add_peer_key_file(sc, test_pki_path("rpk-ed25519.pub")), TERN_OK);
    CHECK_INT(tern_config_set_client_auth(sc, TERN_CLIENT_AUTH_REQUIRE), TERN_OK);
    CHECK_INT(tern_config_set_suites(sc, &suite, 1), TERN_OK);
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_peer_key_file(cc, test_pki_path("rpk-ec.pub")), TERN_OK);
    CHECK_INT(tern_config_set_raw_public_key_file(cc, test_pki_path("rpk-ed25519.key")), TERN_OK);
    struct pair p;
    int ok = run(&p, cc, sc, NULL);
    if (!ok) {
        fprintf(stderr, "  rpk: client %s, server %s\n", tern_strerror(tern_conn_error(p.client)),
                tern_strerror(tern_conn_error(p.server)));
    }
    CHECK(ok);
    CHECK_INT(tern_conn_suite(p.client), suite);
    CHECK_INT(pair_send(&p, 0, "rpk", 3), TERN_OK);
    CHECK_INT(p.client_got_len, 3);
    pair_free(&p);

    /* The client expects another key. */
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_set_raw_public_key_file(sc, test_pki_path("rpk-ec.key")), TERN_OK);
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_peer_key_file(cc, test_pki_path("rpk-ed25519.pub")), TERN_OK);
    CHECK_INT(run(&p, cc, sc, NULL), 0);
    struct tern_verify_error e[2];
    CHECK_INT(tern_conn_verify_errors(p.client, e, 2), 1);
    CHECK_INT(e[0].reason, TERN_VERIFY_KEY_NOT_ALLOWED);
    CHECK_INT(tern_conn_error(p.client), TERN_ERR_CERT_UNKNOWN);
    pair_free(&p);
}

/* A server with chains for two names picks by the client's server_name. */
static void chain_by_server_name(void)
{
    const char *names[2] = {"localhost", "wrong.example"};
    for (size_t i = 0; i < 2; i++) {
        struct tern_config *sc = server_cfg("wronghost", 0xc02b);
        CHECK_INT(tern_config_add_certificate_files(sc, test_pki_path("server-ec.pem"),
                                                    test_pki_path("server-ec.key")),
                  TERN_OK);
        struct pair p;
        int ok = run(&p, client_cfg(), sc, names[i]);
        CHECK(ok);
        CHECK_INT(tern_conn_verify_errors(p.client, NULL, 0), 0);
        pair_free(&p);
    }
}

/* A client with two chains sends the one issued by an authority the
 * server names in its CertificateRequest, and can read those names. */
static void chain_by_accepted_ca(void)
{
    struct tern_config *cc = client_cfg();
    CHECK_INT(tern_config_add_certificate_files(cc, test_pki_path("untrusted.pem"),
                                                test_pki_path("untrusted.key")),
              TERN_OK);
    CHECK_INT(tern_config_add_certificate_files(cc, test_pki_path("client.pem"),
                                                test_pki_path("client.key")),
              TERN_OK);
    CHECK_INT(tern_config_set_flags(cc, TERN_FLAG_KEEP_PEER_CHAIN), TERN_OK);
    struct pair p;
    CHECK(run(&p, cc, auth_server(TERN_CLIENT_AUTH_REQUIRE), "localhost"));
    size_t len = 0;
    const uint8_t *name = tern_conn_accepted_ca(p.client, 0, &len);
    CHECK(name != NULL && len > 10);
    CHECK(name != NULL && name[0] == 0x30); /* a DER SEQUENCE */
    CHECK(tern_conn_accepted_ca(p.client, 1, &len) == NULL);
    pair_free(&p);
}

/* A CertificateRequest larger than the flight buffer's first size (many
 * accepted CA names) makes the buffer grow, and the handshake completes. */
static void many_accepted_cas(void)
{
    struct tern_config *sc = auth_server(TERN_CLIENT_AUTH_REQUIRE);
    FILE *f = fopen(test_pki_path("ca.pem"), "rb");
    static uint8_t pem[4096];
    size_t n = f != NULL ? fread(pem, 1, sizeof(pem), f) : 0;
    if (f != NULL) {
        fclose(f);
    }
    CHECK(n > 0);
    for (int i = 0; i < 200; i++) {
        CHECK_INT(tern_config_add_trust(sc, pem, n), TERN_OK);
    }
    struct tern_config *cc = client_cfg();
    CHECK_INT(tern_config_add_certificate_files(cc, test_pki_path("client.pem"),
                                                test_pki_path("client.key")),
              TERN_OK);
    CHECK_INT(tern_config_set_flags(cc, TERN_FLAG_KEEP_PEER_CHAIN), TERN_OK);
    struct pair p;
    int ok = run(&p, cc, sc, "localhost");
    if (!ok) {
        fprintf(stderr, "  many CAs: server %s\n", tern_strerror(tern_conn_error(p.server)));
    }
    CHECK(ok);
    size_t len = 0;
    CHECK(tern_conn_accepted_ca(p.client, 150, &len) != NULL);
    pair_free(&p);
}

/* Flips the last byte of the first handshake message of type in the
 * queued datagrams (an unfragmented one); returns 1 when found. */
static int corrupt_message(struct link_queue *q, uint8_t type)
{
    for (size_t i = 0; i < q->n; i++) {
        struct tern_reader r;
        tern_r_init(&r, q->q[i].data, q->q[i].len);
        struct tern_rec12_header rh;
        struct tern_reader body;
        while (tern_rec12_header_parse(&r, &rh, &body) == TERN_OK) {
            struct tern_hs_header hh;
            struct tern_reader frag;
            if (rh.type == TERN_CT_HANDSHAKE && rh.epoch == 0 &&
                tern_hs_header_parse(&body, &hh, &frag) == TERN_OK && hh.type == type &&
                frag.len > 0) {
                size_t at = (size_t)(frag.p - q->q[i].data) + frag.len - 1;
                q->q[i].data[at] ^= 0x01;
                return 1;
            }
        }
    }
    return 0;
}

/* A ServerKeyExchange whose signature does not verify, and a client
 * CertificateVerify that does not: decrypt_error (RFC 5246 section 7.2.2). */
static void bad_signatures(void)
{
    struct pair p;
    struct tern_config *cc = client_cfg();
    struct tern_config *sc = server_cfg("server-ec", 0xc02b);
    CHECK_INT(tern_config_set_cookie_mode(sc, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    CHECK_INT(pair_init_named(&p, cc, sc, 31, "localhost"), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    pair_flush(&p, p.client, &p.to_server);
    pair_deliver(&p, &p.to_server, p.server, 0);
    pair_flush(&p, p.server, &p.to_client);
    CHECK(corrupt_message(&p.to_client, TERN_HS_SERVER_KEY_EXCHANGE));
    pair_deliver(&p, &p.to_client, p.client, 1);
    CHECK_INT(tern_conn_error(p.client), TERN_ERR_BAD_SIGNATURE);
    CHECK_INT(tern_conn_alert_sent(p.client), 51);
    pair_free(&p);

    cc = client_cfg();
    CHECK_INT(tern_config_add_certificate_files(cc, test_pki_path("client.pem"),
                                                test_pki_path("client.key")),
              TERN_OK);
    sc = auth_server(TERN_CLIENT_AUTH_REQUIRE);
    CHECK_INT(tern_config_set_cookie_mode(sc, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    CHECK_INT(pair_init_named(&p, cc, sc, 32, "localhost"), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    pair_flush(&p, p.client, &p.to_server);
    pair_deliver(&p, &p.to_server, p.server, 0);
    pair_flush(&p, p.server, &p.to_client);
    pair_deliver(&p, &p.to_client, p.client, 1);
    pair_flush(&p, p.client, &p.to_server);
    CHECK(corrupt_message(&p.to_server, TERN_HS_CERTIFICATE_VERIFY));
    pair_deliver(&p, &p.to_server, p.server, 0);
    CHECK_INT(tern_conn_error(p.server), TERN_ERR_BAD_SIGNATURE);
    CHECK_INT(tern_conn_alert_sent(p.server), 51);
    pair_free(&p);
}

TEST_MAIN(T(bad_signatures), T(many_accepted_cas), T(chain_by_server_name), T(chain_by_accepted_ca),
          T(raw_public_keys), T(ecdsa_suites), T(rsa_suites), T(two_chains), T(bad_certificates),
          T(callback_decides), T(pause_ignore_resume), T(insecure_records_reasons),
          T(client_certificates), T(mismatched_key), T(callback_cannot_accept_unlisted_problems),
          T(resume_cannot_ignore_unlisted_problems), T(insecure_accepts_past_list),
          T(key_usage_without_signing_refused), T(weak_keys_refused_by_default),
          T(host_names_as_rfc9525), T(address_not_sent_as_server_name),
          T(server_ignores_address_in_server_name), T(no_server_name_refused),
          T(no_name_check_flag), T(no_name_needed_without_x509))
