/* Connection configuration (include/tern/config.h). */
#include <tern/config.h>

#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "crypto/errors.h"
#include "crypto/kex.h"
#include "config_impl.h"
#include "handshake/suites.h"
#include "util/ct.h"
#include "util/guard.h"
#include "util/alloc.h"

static int config_new(struct tern_config **out, enum tern_role role)
{
    TERN_ENSURE(out != NULL, TERN_ERR_ARG);
    *out = NULL;
    TERN_ENSURE(role == TERN_ROLE_CLIENT || role == TERN_ROLE_SERVER, TERN_ERR_ARG);
    struct tern_config *cfg = tern_calloc(1, sizeof(*cfg));
    TERN_ENSURE(cfg != NULL, TERN_ERR_NOMEM);
    cfg->refs = 1;
    cfg->hs.role = (uint8_t)role;
    static const uint16_t groups[] = {TERN_GROUP_X25519, TERN_GROUP_SECP256R1,
                                      TERN_GROUP_SECP384R1};
    memcpy(cfg->hs.groups, groups, sizeof(groups));
    cfg->hs.n_groups = sizeof(groups) / sizeof(groups[0]);
    cfg->mtu = TERN_DEFAULT_MTU;
    cfg->timer_initial_ms = TERN_DEFAULT_TIMER_INITIAL_MS;
    cfg->timer_max_ms = TERN_DEFAULT_TIMER_MAX_MS;
    cfg->max_retransmits = TERN_DEFAULT_MAX_RETRANSMITS;
    cfg->cookie_mode = TERN_COOKIES_GATE;
    cfg->min_version = TERN_DTLS_1_2;
    cfg->max_version = TERN_DTLS_1_2;
    cfg->hs.security_level = TERN_DEFAULT_SECURITY_LEVEL;
    /* The peers' certificates this configuration's connections decode. */
    int rc = tern_x509_cache_new(&cfg->hs.creds.cache);
    if (rc != TERN_OK) {
        tern_free(cfg);
        return rc;
    }
    *out = cfg;
    return TERN_OK;
}

int tern_config_new(struct tern_config **out, enum tern_role role)
{
    tern_crypto_quiet_begin();
    int rc = config_new(out, role);
    tern_crypto_quiet_end();
    return rc;
}

/* Frees the credentials, wiping what they held. */
static void free_credentials(struct tern_config *cfg)
{
    for (size_t i = 0; i < cfg->hs.creds.n_certs; i++) {
        tern_x509_chain_free(cfg->hs.creds.certs[i].chain);
        tern_pkey_free(cfg->hs.creds.certs[i].key);
        tern_free(cfg->hs.creds.certs[i].spki);
    }
    cfg->hs.creds.n_certs = 0;
    tern_trust_free(cfg->hs.creds.trust);
    cfg->hs.creds.trust = NULL;
    for (size_t i = 0; i < cfg->hs.creds.n_peer_keys; i++) {
        tern_pkey_free(cfg->hs.creds.peer_keys[i].key);
    }
    tern_free(cfg->hs.creds.peer_keys);
    cfg->hs.creds.peer_keys = NULL;
    cfg->hs.creds.n_peer_keys = 0;
    tern_x509_cache_free(cfg->hs.creds.cache);
    cfg->hs.creds.cache = NULL;
}

static void config_release(struct tern_config *cfg)
{
    if (__atomic_sub_fetch(&cfg->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        free_credentials(cfg);
        tern_free(cfg->hs.alpn);
        tern_free(cfg->hs.alpn_names);
        tern_zeroize(cfg, sizeof(*cfg));
        tern_free(cfg);
    }
}

void tern_config_free(struct tern_config *cfg)
{
    if (cfg != NULL) {
        config_release(cfg);
    }
}

void tern_config_ref(struct tern_config *cfg)
{
    __atomic_add_fetch(&cfg->refs, 1, __ATOMIC_ACQ_REL);
    /* Connections on several threads may take references at once. */
    __atomic_store_n(&cfg->frozen, 1, __ATOMIC_RELEASE);
}

int tern_config_frozen(const struct tern_config *cfg)
{
    return __atomic_load_n(&cfg->frozen, __ATOMIC_ACQUIRE);
}

#define MUTABLE(cfg)                                                                               \
    do {                                                                                           \
        TERN_ENSURE((cfg) != NULL, TERN_ERR_ARG);                                                  \
        TERN_ENSURE(!tern_config_frozen(cfg), TERN_ERR_STATE);                                     \
    } while (0)

int tern_config_set_suites(struct tern_config *cfg, const uint16_t *suites, size_t n)
{
    MUTABLE(cfg);
    TERN_ENSURE(suites != NULL && n > 0 && n <= TERN_CONFIG_MAX_SUITES, TERN_ERR_ARG);
    for (size_t i = 0; i < n; i++) {
        TERN_ENSURE(tern_suite_by_id(suites[i]) != NULL, TERN_ERR_ARG);
    }
    memcpy(cfg->hs.suites, suites, n * sizeof(suites[0]));
    cfg->hs.n_suites = n;
    return TERN_OK;
}

int tern_config_set_suite_names(struct tern_config *cfg, const char *names)
{
    MUTABLE(cfg);
    TERN_ENSURE(names != NULL, TERN_ERR_ARG);
    uint16_t ids[TERN_CONFIG_MAX_SUITES];
    size_t n = 0;
    const char *p = names;
    while (*p != '\0') {
        const char *end = strchr(p, ':');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        char name[64];
        TERN_ENSURE(len > 0 && len < sizeof(name) && n < TERN_CONFIG_MAX_SUITES, TERN_ERR_ARG);
        memcpy(name, p, len);
        name[len] = '\0';
        const struct tern_suite *s = tern_suite_by_name(name);
        TERN_ENSURE(s != NULL, TERN_ERR_ARG);
        ids[n++] = s->id;
        p += len;
        if (*p == ':') {
            p++;
            TERN_ENSURE(*p != '\0', TERN_ERR_ARG);
        }
    }
    return tern_config_set_suites(cfg, ids, n);
}

int tern_config_set_groups(struct tern_config *cfg, const uint16_t *groups, size_t n)
{
    MUTABLE(cfg);
    TERN_ENSURE(groups != NULL && n > 0 && n <= TERN_CONFIG_MAX_GROUPS, TERN_ERR_ARG);
    for (size_t i = 0; i < n; i++) {
        TERN_ENSURE(tern_kex_group_supported(groups[i]), TERN_ERR_ARG);
    }
    memcpy(cfg->hs.groups, groups, n * sizeof(groups[0]));
    cfg->hs.n_groups = n;
    return TERN_OK;
}

int tern_config_set_psk(struct tern_config *cfg, const uint8_t *identity, size_t identity_len,
                        const uint8_t *key, size_t key_len)
{
    MUTABLE(cfg);
    TERN_ENSURE(identity != NULL && identity_len > 0 && identity_len <= TERN_PSK_IDENTITY_MAX_LEN,
                TERN_ERR_ARG);
    TERN_ENSURE(key != NULL && key_len > 0 && key_len <= TERN_PSK_KEY_MAX_LEN, TERN_ERR_ARG);
    memcpy(cfg->hs.psk_identity, identity, identity_len);
    cfg->hs.psk_identity_len = identity_len;
    memcpy(cfg->hs.psk_key, key, key_len);
    cfg->hs.psk_key_len = key_len;
    return TERN_OK;
}

int tern_config_set_psk_hint(struct tern_config *cfg, const uint8_t *hint, size_t len)
{
    MUTABLE(cfg);
    TERN_ENSURE(hint != NULL || len == 0, TERN_ERR_ARG);
    TERN_ENSURE(len <= TERN_PSK_IDENTITY_MAX_LEN, TERN_ERR_ARG);
    if (len > 0) {
        memcpy(cfg->hs.psk_hint, hint, len);
    }
    cfg->hs.psk_hint_len = len;
    return TERN_OK;
}

int tern_config_set_psk_client_callback(struct tern_config *cfg, tern_psk_client_fn fn, void *arg)
{
    MUTABLE(cfg);
    TERN_ENSURE(cfg->hs.role == TERN_ROLE_CLIENT, TERN_ERR_ARG);
    cfg->hs.psk_client = fn;
    cfg->hs.psk_client_arg = arg;
    return TERN_OK;
}

int tern_config_set_psk_server_callback(struct tern_config *cfg, tern_psk_server_fn fn, void *arg)
{
    MUTABLE(cfg);
    TERN_ENSURE(cfg->hs.role == TERN_ROLE_SERVER, TERN_ERR_ARG);
    cfg->hs.psk_server = fn;
    cfg->hs.psk_server_arg = arg;
    return TERN_OK;
}

int tern_config_set_mtu(struct tern_config *cfg, size_t mtu)
{
    MUTABLE(cfg);
    TERN_ENSURE(mtu >= 256 && mtu <= 16384, TERN_ERR_ARG);
    cfg->mtu = mtu;
    return TERN_OK;
}

int tern_config_set_timers(struct tern_config *cfg, uint32_t initial_ms, uint32_t max_ms,
                           unsigned max_retransmits)
{
    MUTABLE(cfg);
    TERN_ENSURE(initial_ms > 0 && initial_ms <= max_ms && max_ms <= 600000, TERN_ERR_ARG);
    TERN_ENSURE(max_retransmits <= 32, TERN_ERR_ARG);
    cfg->timer_initial_ms = initial_ms;
    cfg->timer_max_ms = max_ms;
    cfg->max_retransmits = max_retransmits;
    return TERN_OK;
}

int tern_config_set_cookie_mode(struct tern_config *cfg, enum tern_cookie_mode mode)
{
    MUTABLE(cfg);
    TERN_ENSURE(mode == TERN_COOKIES_GATE || mode == TERN_COOKIES_INSECURE_OFF, TERN_ERR_ARG);
    cfg->cookie_mode = (uint8_t)mode;
    return TERN_OK;
}

int tern_config_set_flags(struct tern_config *cfg, uint32_t flags)
{
    MUTABLE(cfg);
    const uint32_t known = TERN_FLAG_ALLOW_NO_EMS | TERN_FLAG_INSECURE_NO_VERIFY |
                           TERN_FLAG_KEEP_PEER_CHAIN | TERN_FLAG_NO_NAME_CHECK;
    TERN_ENSURE((flags & ~known) == 0, TERN_ERR_ARG);
    cfg->hs.flags = flags;
    return TERN_OK;
}

int tern_config_set_versions(struct tern_config *cfg, uint16_t min, uint16_t max)
{
    MUTABLE(cfg);
    /* Only DTLS 1.2 is spoken; the pair is kept whole for when 1.3 is. */
    TERN_ENSURE(min == TERN_DTLS_1_2 && max == TERN_DTLS_1_2, TERN_ERR_ARG);
    cfg->min_version = min;
    cfg->max_version = max;
    return TERN_OK;
}

int tern_config_set_log_callback(struct tern_config *cfg, enum tern_log_level max, tern_log_fn fn,
                                 void *arg)
{
    MUTABLE(cfg);
    TERN_ENSURE(max >= TERN_LOG_ERROR && max <= TERN_LOG_DEBUG, TERN_ERR_ARG);
    cfg->log_cb = fn;
    cfg->log_arg = arg;
    cfg->log_max = fn != NULL ? (uint8_t)max : 0;
    return TERN_OK;
}

int tern_config_set_state_callback(struct tern_config *cfg, tern_state_fn fn, void *arg)
{
    MUTABLE(cfg);
    cfg->state_cb = fn;
    cfg->state_arg = arg;
    return TERN_OK;
}

int tern_config_set_keylog_callback(struct tern_config *cfg, tern_keylog_fn fn, void *arg)
{
    MUTABLE(cfg);
    cfg->hs.keylog = fn;
    cfg->hs.keylog_arg = arg;
    return TERN_OK;
}

int tern_config_set_random_callback(struct tern_config *cfg, tern_random_fn fn, void *arg)
{
    MUTABLE(cfg);
    cfg->hs.rng.fn = fn;
    cfg->hs.rng.arg = arg;
    return TERN_OK;
}

/* The largest ProtocolNameList tern_config_set_alpn() can make must fit
 * protocol_name_list<2..2^16-1> (RFC 7301 section 3.1) and its extension,
 * a 16-bit length of its own. */
_Static_assert((1 + TERN_ALPN_NAME_MAX_LEN) * TERN_ALPN_MAX_PROTOCOLS <= 65535 - 2,
               "the longest ALPN list fits its extension");

int tern_config_set_alpn(struct tern_config *cfg, const char *const *protocols, size_t n)
{
    MUTABLE(cfg);
    TERN_ENSURE(protocols != NULL && n > 0 && n <= TERN_ALPN_MAX_PROTOCOLS, TERN_ERR_ARG);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        TERN_ENSURE(protocols[i] != NULL, TERN_ERR_ARG);
        /* RFC 7301 section 3.1: ProtocolName<1..2^8-1>. Counted without
         * reading past the longest name allowed. */
        size_t len = 0;
        while (len <= TERN_ALPN_NAME_MAX_LEN && protocols[i][len] != '\0') {
            len++;
        }
        TERN_ENSURE(len >= 1 && len <= TERN_ALPN_NAME_MAX_LEN, TERN_ERR_ARG);
        total += 1 + len;
    }
    uint8_t *list = tern_alloc(total);
    char *names = tern_alloc(total);
    if (list == NULL || names == NULL) {
        tern_free(list);
        tern_free(names);
        return TERN_ERR_NOMEM;
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(protocols[i]);
        list[at++] = (uint8_t)len;
        memcpy(list + at, protocols[i], len);
        memcpy(names + at - 1, protocols[i], len);
        names[at - 1 + len] = '\0';
        at += len;
    }
    tern_free(cfg->hs.alpn);
    tern_free(cfg->hs.alpn_names);
    cfg->hs.alpn = list;
    cfg->hs.alpn_names = names;
    cfg->hs.alpn_len = total;
    return TERN_OK;
}
