/* Certificate credentials and trust anchors of a configuration
 * (include/tern/config.h). Files are read here, at set-up time, never on
 * the data path. */
#include <tern/config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "crypto/errors.h"
#include "config_impl.h"
#include "util/ct.h"
#include "util/guard.h"
#include "util/alloc.h"

/* Largest credential file tern reads. */
#define MAX_FILE ((size_t)1 << 20)

#define MUTABLE(cfg)                                                                               \
    do {                                                                                           \
        TERN_ENSURE((cfg) != NULL, TERN_ERR_ARG);                                                  \
        TERN_ENSURE(!tern_config_frozen(cfg), TERN_ERR_STATE);                                     \
    } while (0)

/* Reads a whole file into a new buffer (wiped and freed by the caller). */
static int read_file(const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    TERN_ENSURE(f != NULL, TERN_ERR_BAD_CREDENTIAL);
    uint8_t *buf = tern_alloc(MAX_FILE);
    if (buf == NULL) {
        (void)fclose(f);
        return TERN_ERR_NOMEM;
    }
    size_t n = fread(buf, 1, MAX_FILE, f);
    int bad = ferror(f) || (n == MAX_FILE && fgetc(f) != EOF);
    (void)fclose(f); /* read-only: nothing to lose */
    if (bad || n == 0) {
        tern_free(buf);
        return TERN_ERR_BAD_CREDENTIAL;
    }
    *out = buf;
    *len = n;
    return TERN_OK;
}

static int config_add_certificate(struct tern_config *cfg, const uint8_t *chain, size_t chain_len,
                                  const uint8_t *key, size_t key_len)
{
    MUTABLE(cfg);
    TERN_ENSURE(chain != NULL && chain_len > 0 && key != NULL && key_len > 0, TERN_ERR_ARG);
    TERN_ENSURE(cfg->hs.creds.n_certs < TERN_CONFIG_MAX_CERTS, TERN_ERR_BUFFER);
    struct tern_cert_cred cred = {NULL, NULL, NULL, 0};
    int rc = tern_x509_chain_parse(chain, chain_len, &cred.chain);
    if (rc == TERN_OK) {
        rc = tern_pkey_parse_private(&cred.key, key, key_len);
    }
    if (rc == TERN_OK && !tern_x509_chain_matches_key(cred.chain, cred.key)) {
        rc = TERN_ERR_BAD_CREDENTIAL;
    }
    if (rc != TERN_OK) {
        tern_x509_chain_free(cred.chain);
        tern_pkey_free(cred.key);
        return rc;
    }
    cfg->hs.creds.certs[cfg->hs.creds.n_certs++] = cred;
    return TERN_OK;
}

int tern_config_add_certificate(struct tern_config *cfg, const uint8_t *chain, size_t chain_len,
                                const uint8_t *key, size_t key_len)
{
    tern_crypto_quiet_begin();
    int rc = config_add_certificate(cfg, chain, chain_len, key, key_len);
    tern_crypto_quiet_end();
    return rc;
}

int tern_config_add_certificate_files(struct tern_config *cfg, const char *chain_path,
                                      const char *key_path)
{
    MUTABLE(cfg);
    TERN_ENSURE(chain_path != NULL && key_path != NULL, TERN_ERR_ARG);
    uint8_t *chain = NULL;
    uint8_t *key = NULL;
    size_t chain_len = 0;
    size_t key_len = 0;
    int rc = read_file(chain_path, &chain, &chain_len);
    if (rc == TERN_OK) {
        rc = read_file(key_path, &key, &key_len);
    }
    if (rc == TERN_OK) {
        rc = tern_config_add_certificate(cfg, chain, chain_len, key, key_len);
    }
    if (key != NULL) {
        tern_zeroize(key, key_len);
    }
    tern_free(chain);
    tern_free(key);
    return rc;
}

static int trust(struct tern_config *cfg)
{
    if (cfg->hs.creds.trust == NULL) {
        return tern_trust_new(&cfg->hs.creds.trust);
    }
    return TERN_OK;
}

static int config_add_trust(struct tern_config *cfg, const uint8_t *pem, size_t len)
{
    MUTABLE(cfg);
    TERN_TRY(trust(cfg));
    return tern_trust_add(cfg->hs.creds.trust, pem, len);
}

int tern_config_add_trust(struct tern_config *cfg, const uint8_t *pem, size_t len)
{
    tern_crypto_quiet_begin();
    int rc = config_add_trust(cfg, pem, len);
    tern_crypto_quiet_end();
    return rc;
}

int tern_config_add_trust_file(struct tern_config *cfg, const char *path)
{
    MUTABLE(cfg);
    TERN_ENSURE(path != NULL, TERN_ERR_ARG);
    uint8_t *buf = NULL;
    size_t len = 0;
    TERN_TRY(read_file(path, &buf, &len));
    int rc = tern_config_add_trust(cfg, buf, len);
    tern_free(buf);
    return rc;
}

static int config_add_trust_dir(struct tern_config *cfg, const char *dir)
{
    MUTABLE(cfg);
    TERN_TRY(trust(cfg));
    return tern_trust_add_dir(cfg->hs.creds.trust, dir);
}

int tern_config_add_trust_dir(struct tern_config *cfg, const char *dir)
{
    tern_crypto_quiet_begin();
    int rc = config_add_trust_dir(cfg, dir);
    tern_crypto_quiet_end();
    return rc;
}

static int config_add_trust_system(struct tern_config *cfg)
{
    MUTABLE(cfg);
    TERN_TRY(trust(cfg));
    return tern_trust_add_system(cfg->hs.creds.trust);
}

int tern_config_add_trust_system(struct tern_config *cfg)
{
    tern_crypto_quiet_begin();
    int rc = config_add_trust_system(cfg);
    tern_crypto_quiet_end();
    return rc;
}

int tern_config_set_client_auth(struct tern_config *cfg, enum tern_client_auth mode)
{
    MUTABLE(cfg);
    TERN_ENSURE(cfg->hs.role == TERN_ROLE_SERVER, TERN_ERR_ARG);
    TERN_ENSURE(mode == TERN_CLIENT_AUTH_NONE || mode == TERN_CLIENT_AUTH_OPTIONAL ||
                    mode == TERN_CLIENT_AUTH_REQUIRE,
                TERN_ERR_ARG);
    cfg->hs.client_auth = (uint8_t)mode;
    return TERN_OK;
}

int tern_config_set_verify_callback(struct tern_config *cfg, tern_verify_fn fn, void *arg)
{
    MUTABLE(cfg);
    cfg->hs.verify_cb = fn;
    cfg->hs.verify_arg = arg;
    return TERN_OK;
}

int tern_config_set_verify_pause(struct tern_config *cfg, int on)
{
    MUTABLE(cfg);
    cfg->hs.verify_pause = on ? 1 : 0;
    return TERN_OK;
}

int tern_config_set_security_level(struct tern_config *cfg, int level)
{
    MUTABLE(cfg);
    TERN_ENSURE(level >= 0 && level <= 5, TERN_ERR_ARG);
    cfg->hs.security_level = (uint8_t)level;
    return TERN_OK;
}

static int config_set_raw_public_key(struct tern_config *cfg, const uint8_t *key, size_t key_len)
{
    MUTABLE(cfg);
    TERN_ENSURE(key != NULL && key_len > 0, TERN_ERR_ARG);
    TERN_ENSURE(cfg->hs.creds.n_certs < TERN_CONFIG_MAX_CERTS, TERN_ERR_BUFFER);
    struct tern_cert_cred cred = {NULL, NULL, NULL, 0};
    TERN_TRY(tern_pkey_parse_private(&cred.key, key, key_len));
    int type = tern_pkey_type(cred.key);
    /* RFC 7250 is used with ECDSA and EdDSA keys here (CoAP's RPK mode). */
    int rc = type == TERN_PKEY_EC_P256 || type == TERN_PKEY_EC_P384 || type == TERN_PKEY_ED25519
                 ? TERN_OK
                 : TERN_ERR_BAD_CREDENTIAL;
    uint8_t spki[TERN_SPKI_MAX];
    if (rc == TERN_OK) {
        rc = tern_pkey_spki(cred.key, spki, sizeof(spki), &cred.spki_len);
    }
    if (rc == TERN_OK) {
        cred.spki = tern_alloc(cred.spki_len);
        rc = cred.spki != NULL ? TERN_OK : TERN_ERR_NOMEM;
    }
    if (rc != TERN_OK) {
        tern_pkey_free(cred.key);
        return rc;
    }
    memcpy(cred.spki, spki, cred.spki_len);
    cfg->hs.creds.certs[cfg->hs.creds.n_certs++] = cred;
    return TERN_OK;
}

int tern_config_set_raw_public_key(struct tern_config *cfg, const uint8_t *key, size_t key_len)
{
    tern_crypto_quiet_begin();
    int rc = config_set_raw_public_key(cfg, key, key_len);
    tern_crypto_quiet_end();
    return rc;
}

static int config_add_peer_key(struct tern_config *cfg, const uint8_t *spki, size_t len)
{
    MUTABLE(cfg);
    TERN_ENSURE(spki != NULL && len > 0, TERN_ERR_ARG);
    TERN_ENSURE(cfg->hs.creds.n_peer_keys < TERN_CONFIG_MAX_PEER_KEYS, TERN_ERR_BUFFER);
    struct tern_pkey *k = NULL;
    TERN_TRY(tern_pkey_parse_public(&k, spki, len));
    if (cfg->hs.creds.peer_keys == NULL) {
        cfg->hs.creds.peer_keys =
            tern_calloc(TERN_CONFIG_MAX_PEER_KEYS, sizeof(cfg->hs.creds.peer_keys[0]));
        if (cfg->hs.creds.peer_keys == NULL) {
            tern_pkey_free(k);
            return TERN_ERR_NOMEM;
        }
    }
    struct tern_peer_key *slot = &cfg->hs.creds.peer_keys[cfg->hs.creds.n_peer_keys];
    /* Stored in canonical DER, whatever form it came in. */
    int rc = tern_pkey_spki(k, slot->spki, sizeof(slot->spki), &slot->len);
    if (rc != TERN_OK) {
        tern_pkey_free(k);
        return rc;
    }
    slot->key = k;
    cfg->hs.creds.n_peer_keys++;
    return TERN_OK;
}

int tern_config_add_peer_key(struct tern_config *cfg, const uint8_t *spki, size_t len)
{
    tern_crypto_quiet_begin();
    int rc = config_add_peer_key(cfg, spki, len);
    tern_crypto_quiet_end();
    return rc;
}

int tern_config_set_raw_public_key_file(struct tern_config *cfg, const char *path)
{
    MUTABLE(cfg);
    TERN_ENSURE(path != NULL, TERN_ERR_ARG);
    uint8_t *buf = NULL;
    size_t len = 0;
    TERN_TRY(read_file(path, &buf, &len));
    int rc = tern_config_set_raw_public_key(cfg, buf, len);
    tern_zeroize(buf, len);
    tern_free(buf);
    return rc;
}

int tern_config_add_peer_key_file(struct tern_config *cfg, const char *path)
{
    MUTABLE(cfg);
    TERN_ENSURE(path != NULL, TERN_ERR_ARG);
    uint8_t *buf = NULL;
    size_t len = 0;
    TERN_TRY(read_file(path, &buf, &len));
    int rc = tern_config_add_peer_key(cfg, buf, len);
    tern_free(buf);
    return rc;
}
