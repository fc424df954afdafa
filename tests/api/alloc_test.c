/* Allocation failures in everything outside the handshake (the
 * adversarial suite covers handshakes): creating configurations and
 * loading every kind of credential, the cookie gate, connections, and the
 * self test. For each, the n-th allocation (tern's or libcrypto's) fails,
 * for n spread over the number a clean run makes: the call must then fail
 * with a documented error or succeed, leak nothing (LeakSanitizer checks
 * at exit) and leave nothing on libcrypto's error queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include <tern/tern.h>

#include "alloc_count.h"
#include "test.h"

/* One operation under test: returns its result; cleans up after itself. */
typedef int (*op_fn)(void);

/* At most this many failure points per operation: every allocation when
 * there are fewer, else an even spread over all of them. */
#define MAX_POINTS 250

static unsigned long stride_for(unsigned long total)
{
    return total > MAX_POINTS ? (total + MAX_POINTS - 1) / MAX_POINTS : 1;
}

/* Runs op with each of its allocations failing in turn. allowed lists the
 * errors it may then return (0-terminated; TERN_OK is always allowed). */
static void each_allocation(const char *what, op_fn op, const int *allowed)
{
    alloc_fail_nth(0);
    (void)op(); /* first use: libcrypto's one-time set-up */
    alloc_count_reset();
    CHECK_INT(op(), TERN_OK);
    struct alloc_counts ac = alloc_count_get();
    unsigned long total = ac.tern + ac.crypto;
    unsigned failed = 0;
    for (unsigned long n = 1; n <= total; n += stride_for(total)) {
        alloc_fail_nth(n);
        int rc = op();
        alloc_fail_nth(0);
        int ok = rc == TERN_OK;
        for (const int *a = allowed; *a != 0 && !ok; a++) {
            ok = rc == *a;
        }
        if (!ok) {
            fprintf(stderr, "  %s: allocation %lu failing gave %d (%s)\n", what, n, rc,
                    tern_strerror(rc));
        }
        CHECK(ok);
        failed += rc != TERN_OK;
        unsigned long left = ERR_peek_error();
        if (left != 0) {
            char text[256];
            ERR_error_string_n(left, text, sizeof(text));
            fprintf(stderr, "  %s: allocation %lu failing left %s queued\n", what, n, text);
            ERR_clear_error();
        }
        CHECK(left == 0);
    }
    printf("  %s: %lu allocations, every %lu-th failed in turn: %u calls failed cleanly\n", what,
           total, stride_for(total), failed);
    CHECK(total > 0);
}

static const int g_nomem[] = {TERN_ERR_NOMEM, TERN_ERR_CRYPTO, 0};
static const int g_credential[] = {TERN_ERR_NOMEM, TERN_ERR_CRYPTO, TERN_ERR_BAD_CREDENTIAL, 0};

static int op_config(void)
{
    struct tern_config *cfg = NULL;
    int rc = tern_config_new(&cfg, TERN_ROLE_SERVER);
    if (rc == TERN_OK) {
        rc = tern_config_set_cookie_mode(cfg, TERN_COOKIES_GATE);
    }
    tern_config_free(cfg);
    return rc;
}

static int load_chain(struct tern_config *cfg)
{
    return tern_config_add_certificate_files(cfg, test_pki_path("server-ec.pem"),
                                             test_pki_path("server-ec.key"));
}

static int load_rsa(struct tern_config *cfg)
{
    return tern_config_add_certificate_files(cfg, test_pki_path("server-rsa.pem"),
                                             test_pki_path("server-rsa.key"));
}

static int load_trust(struct tern_config *cfg)
{
    return tern_config_add_trust_file(cfg, test_pki_path("ca.pem"));
}

static int load_rpk(struct tern_config *cfg)
{
    int rc = tern_config_set_raw_public_key_file(cfg, test_pki_path("rpk-ec.key"));
    if (rc == TERN_OK) {
        rc = tern_config_add_peer_key_file(cfg, test_pki_path("rpk-ed25519.pub"));
    }
    return rc;
}

/* The loaders fail their allocation inside with_config's operation, so
 * the failure is armed again after the configuration exists. */
static unsigned long g_arm;

static int op_loader(int (*load)(struct tern_config *cfg))
{
    unsigned long arm = g_arm;
    alloc_fail_nth(0);
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, TERN_ROLE_SERVER), TERN_OK);
    alloc_fail_nth(arm);
    int rc = load(cfg);
    alloc_fail_nth(0);
    tern_config_free(cfg);
    return rc;
}

/* Like each_allocation(), for operations that need a configuration made
 * without failures first. */
static void each_loader_allocation(const char *what, int (*load)(struct tern_config *cfg))
{
    g_arm = 0;
    (void)op_loader(load);
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, TERN_ROLE_SERVER), TERN_OK);
    alloc_count_reset();
    CHECK_INT(load(cfg), TERN_OK);
    struct alloc_counts ac = alloc_count_get();
    tern_config_free(cfg);
    unsigned long total = ac.tern + ac.crypto;
    unsigned failed = 0;
    for (unsigned long n = 1; n <= total; n += stride_for(total)) {
        g_arm = n;
        int rc = op_loader(load);
        int ok = rc == TERN_OK;
        for (const int *a = g_credential; *a != 0 && !ok; a++) {
            ok = rc == *a;
        }
        if (!ok) {
            fprintf(stderr, "  %s: allocation %lu failing gave %d (%s)\n", what, n, rc,
                    tern_strerror(rc));
        }
        CHECK(ok);
        failed += rc != TERN_OK;
        CHECK_INT(ERR_peek_error(), 0);
        ERR_clear_error();
    }
    g_arm = 0;
    printf("  %s: %lu allocations, every %lu-th failed in turn: %u calls failed cleanly\n", what,
           total, stride_for(total), failed);
    CHECK(total > 0);
}

static int op_cookie(void)
{
    static const uint8_t secret[32] = {7};
    struct tern_cookie *gate = NULL;
    int rc = tern_cookie_new(&gate, secret, sizeof(secret));
    if (rc == TERN_OK) {
        rc = tern_cookie_rotate(gate, NULL, 0);
    }
    tern_cookie_free(gate);
    return rc;
}

static int op_conn(void)
{
    static const uint8_t id[2] = {'i', 'd'};
    static const uint8_t key[16] = {1};
    alloc_fail_nth(0);
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_set_psk(cfg, id, 2, key, 16), TERN_OK);
    alloc_fail_nth(g_arm);
    struct tern_conn *c = NULL;
    int rc = tern_conn_new(&c, cfg);
    if (rc == TERN_OK) {
        rc = tern_conn_start(c, 0);
    }
    alloc_fail_nth(0);
    tern_conn_free(c);
    tern_config_free(cfg);
    return rc;
}

static void record_result(void *arg, const char *name, int result)
{
    (void)name;
    int *failures = arg;
    *failures += result != TERN_OK;
}

static int op_selftest(void)
{
    int failures = 0;
    int rc = tern_self_test(record_result, &failures);
    /* The first failure is the result; a run with none passes. */
    CHECK((rc == TERN_OK) == (failures == 0));
    return rc;
}

static void config_creation(void)
{
    each_allocation("config", op_config, g_nomem);
}

static void certificate_chains(void)
{
    each_loader_allocation("ECDSA chain and key", load_chain);
    each_loader_allocation("RSA chain and key", load_rsa);
}

static void trust_anchors(void)
{
    each_loader_allocation("trust file", load_trust);
}

static void raw_public_keys(void)
{
    each_loader_allocation("raw public keys", load_rpk);
}

static void cookie_gate(void)
{
    each_allocation("cookie gate", op_cookie, g_nomem);
}

static void connection(void)
{
    /* op_conn arms g_arm itself after its configuration exists. */
    g_arm = 0;
    (void)op_conn();
    alloc_count_reset();
    CHECK_INT(op_conn(), TERN_OK);
    struct alloc_counts ac = alloc_count_get();
    unsigned long total = ac.tern + ac.crypto;
    for (unsigned long n = 1; n <= total; n += stride_for(total)) {
        g_arm = n;
        int rc = op_conn();
        CHECK(rc == TERN_OK || rc == TERN_ERR_NOMEM || rc == TERN_ERR_CRYPTO);
        CHECK_INT(ERR_peek_error(), 0);
        ERR_clear_error();
    }
    g_arm = 0;
}

static void self_test(void)
{
    /* A primitive that cannot run fails its known-answer test. */
    static const int any_failure[] = {TERN_ERR_NOMEM,
                                      TERN_ERR_CRYPTO,
                                      TERN_ERR_BAD_CREDENTIAL,
                                      TERN_ERR_BAD_RECORD_MAC,
                                      TERN_ERR_BAD_SIGNATURE,
                                      TERN_ERR_BAD_KEY_SHARE,
                                      0};
    each_allocation("self test", op_selftest, any_failure);
}

static void trust_directory_and_system(void)
{
    /* A hashed directory (the test PKI's directory has no hash links, so
     * it adds no anchors, but is accepted), a path that is no directory,
     * and the system store. */
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_trust_dir(cfg, test_pki_path("")), TERN_OK);
    CHECK_INT(tern_config_add_trust_system(cfg), TERN_OK);
    CHECK_INT(ERR_peek_error(), 0);
    tern_config_free(cfg);
}

int main(int argc, char **argv)
{
    if (alloc_count_init() != 0) {
        fprintf(stderr, "cannot count libcrypto's allocations\n");
        return 1;
    }
    static const struct test_case cases[] = {
        T(config_creation), T(certificate_chains), T(trust_anchors), T(raw_public_keys),
        T(cookie_gate),     T(connection),         T(self_test),     T(trust_directory_and_system),
    };
    return test_run(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
