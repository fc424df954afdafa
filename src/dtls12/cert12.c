/* Certificate authentication for the DTLS 1.2 handshake: choosing our
 * credential and signature scheme, verifying the peer's chain and deciding
 * on its problems, signing and checking signatures. */
#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "dtls12/hs12.h"
#include "dtls12/msgs12_cert.h"
#include "util/ct.h"
#include "util/guard.h"
#include "util/alloc.h"

/* The schemes tern signs and verifies with, in preference order. */
static const uint16_t g_schemes[] = {
    TERN_SIG_ECDSA_SECP256R1_SHA256, TERN_SIG_ECDSA_SECP384R1_SHA384, TERN_SIG_ED25519,
    TERN_SIG_RSA_PSS_RSAE_SHA256,    TERN_SIG_RSA_PSS_RSAE_SHA384,    TERN_SIG_RSA_PKCS1_SHA256,
    TERN_SIG_RSA_PKCS1_SHA384,
};

void tern_hs12_write_schemes(struct tern_writer *w)
{
    struct tern_w_mark m = tern_w_open16(w);
    for (size_t i = 0; i < sizeof(g_schemes) / sizeof(g_schemes[0]); i++) {
        tern_w_u16(w, g_schemes[i]);
    }
    tern_w_close(w, m);
}

void tern_hs12_set_peer_schemes(struct tern_hs12 *hs, struct tern_reader list)
{
    uint16_t v;
    hs->n_peer_schemes = 0;
    while (hs->n_peer_schemes < TERN_HS12_MAX_SCHEMES && tern_r_u16(&list, &v) == TERN_OK) {
        hs->peer_schemes[hs->n_peer_schemes++] = v;
    }
}

static int peer_accepts(const struct tern_hs12 *hs, uint16_t scheme)
{
    for (size_t i = 0; i < hs->n_peer_schemes; i++) {
        if (hs->peer_schemes[i] == scheme) {
            return 1;
        }
    }
    return 0;
}

static int we_accept(uint16_t scheme)
{
    for (size_t i = 0; i < sizeof(g_schemes) / sizeof(g_schemes[0]); i++) {
        if (g_schemes[i] == scheme) {
            return 1;
        }
    }
    return 0;
}

/* Whether a key of this type can authenticate the key exchange kx
 * (RFC 8422 section 2: ECDHE_ECDSA takes ECDSA and EdDSA keys). */
static int key_fits_kx(int key_type, int kx)
{
    if (kx == TERN_KX_ECDHE_RSA) {
        return key_type == TERN_PKEY_RSA;
    }
    if (kx == TERN_KX_ECDHE_ECDSA) {
        return key_type == TERN_PKEY_EC_P256 || key_type == TERN_PKEY_EC_P384 ||
               key_type == TERN_PKEY_ED25519;
    }
    return 0;
}

int tern_hs12_cert_usable(const struct tern_hs12 *hs, const struct tern_suite *s)
{
    const struct tern_hs_params *cfg = hs->params;
    if (s->kx != TERN_KX_ECDHE_ECDSA && s->kx != TERN_KX_ECDHE_RSA) {
        return 0;
    }
    if (hs->is_client) {
        /* A client offers certificate suites only when it can judge a
         * server's certificate. */
        return cfg->creds.trust != NULL || cfg->creds.n_peer_keys > 0 || cfg->verify_cb != NULL ||
               cfg->verify_pause || (cfg->flags & TERN_FLAG_INSECURE_NO_VERIFY) != 0;
    }
    for (size_t i = 0; i < cfg->creds.n_certs; i++) {
        if (key_fits_kx(tern_pkey_type(cfg->creds.certs[i].key), s->kx)) {
            return 1;
        }
    }
    return 0;
}

/* Whether the peer asked, by name, for a chain like this one: the server
 * name a client sent (RFC 6066 section 3), or the authorities a server
 * listed in its CertificateRequest (RFC 5246 section 7.4.4). */
static int asked_for(const struct tern_hs12 *hs, const struct tern_x509_chain *chain)
{
    if (chain == NULL) {
        return 0;
    }
    if (!hs->is_client) {
        return hs->server_name[0] != '\0' && tern_x509_chain_matches_host(chain, hs->server_name);
    }
    return hs->cl.ca_names_len > 0 &&
           tern_x509_chain_issued_by_any(chain, hs->cl.ca_names, hs->cl.ca_names_len);
}

/* The first credential that fits the suite, the certificate type and a
 * scheme the peer accepts; with prefer set, only ones the peer asked for. */
static int pick(struct tern_hs12 *hs, const struct tern_suite *s, int prefer)
{
    const struct tern_hs_params *cfg = hs->params;
    int want_rpk = hs->own_cert_type == TERN_CERT_TYPE_RAW_PUBLIC_KEY;
    for (size_t i = 0; i < cfg->creds.n_certs; i++) {
        const struct tern_pkey *key = cfg->creds.certs[i].key;
        if (s != NULL && !key_fits_kx(tern_pkey_type(key), s->kx)) {
            continue;
        }
        if ((cfg->creds.certs[i].chain == NULL) != want_rpk) {
            continue; /* a raw key where a certificate is wanted, or the reverse */
        }
        if (prefer && !asked_for(hs, cfg->creds.certs[i].chain)) {
            continue;
        }
        for (size_t j = 0; j < sizeof(g_schemes) / sizeof(g_schemes[0]); j++) {
            if (tern_sig_scheme_fits(key, g_schemes[j]) && peer_accepts(hs, g_schemes[j])) {
                hs->cred = (int)i;
                hs->scheme = g_schemes[j];
                return 1;
            }
        }
    }
    return 0;
}

int tern_hs12_pick_cred(struct tern_hs12 *hs, const struct tern_suite *s)
{
    if (pick(hs, s, 1) || pick(hs, s, 0)) {
        return 1;
    }
    hs->cred = -1;
    return 0;
}

/* Our chain's DER entries (none without a credential, e.g. an empty client
 * Certificate). */
static size_t chain_entries(const struct tern_hs12 *hs, const uint8_t **der, size_t *len)
{
    if (hs->cred < 0) {
        return 0;
    }
    const struct tern_x509_chain *chain = hs->params->creds.certs[hs->cred].chain;
    size_t n = tern_x509_chain_count(chain);
    n = n > TERN_CERT_MAX_CHAIN ? TERN_CERT_MAX_CHAIN : n;
    /* cppcheck cannot see the chain's count; it is 1..10 here. */
    // cppcheck-suppress knownConditionTrueFalse
    for (size_t i = 0; i < n; i++) {
        der[i] = tern_x509_chain_der(chain, i, &len[i]);
    }
    return n;
}

size_t tern_hs12_cert_types(const struct tern_hs12 *hs, int own, uint8_t types[2])
{
    const struct tern_hs_params *cfg = hs->params;
    int rpk = 0;
    int x509 = 0;
    if (own) {
        for (size_t i = 0; i < cfg->creds.n_certs; i++) {
            rpk |= cfg->creds.certs[i].chain == NULL;
            x509 |= cfg->creds.certs[i].chain != NULL;
        }
    } else {
        rpk = cfg->creds.n_peer_keys > 0;
        x509 = cfg->creds.trust != NULL || cfg->verify_cb != NULL || cfg->verify_pause ||
               (cfg->flags & TERN_FLAG_INSECURE_NO_VERIFY) != 0 || !rpk;
    }
    size_t n = 0;
    if (rpk) {
        types[n++] = TERN_CERT_TYPE_RAW_PUBLIC_KEY;
    }
    if (x509) {
        types[n++] = TERN_CERT_TYPE_X509;
    }
    return n;
}

int tern_hs12_build_certificate(struct tern_hs12 *hs, struct tern_writer *w)
{
    if (hs->own_cert_type == TERN_CERT_TYPE_RAW_PUBLIC_KEY) {
        /* RFC 7250 section 3: the SubjectPublicKeyInfo alone. */
        const struct tern_cert_cred *cred =
            hs->cred >= 0 ? &hs->params->creds.certs[hs->cred] : NULL;
        struct tern_w_mark m = tern_w_open24(w);
        if (cred != NULL && cred->spki != NULL) {
            tern_w_bytes(w, cred->spki, cred->spki_len);
        }
        tern_w_close(w, m);
        return TERN_OK;
    }
    const uint8_t *der[TERN_CERT_MAX_CHAIN];
    size_t len[TERN_CERT_MAX_CHAIN];
    size_t n = chain_entries(hs, der, len);
    tern_certificate12_write(w, der, len, n);
    return TERN_OK;
}

/* Joins parts into one buffer (signatures take one message). */
static int join(const uint8_t *const *parts, const size_t *lens, size_t n, uint8_t **out,
                size_t *len)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += lens[i];
    }
    uint8_t *buf = tern_alloc(total > 0 ? total : 1);
    TERN_ENSURE(buf != NULL, TERN_ERR_NOMEM);
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        if (lens[i] > 0) {
            memcpy(buf + off, parts[i], lens[i]);
            off += lens[i];
        }
    }
    *out = buf;
    *len = total;
    return TERN_OK;
}

int tern_hs12_sign(struct tern_hs12 *hs, const uint8_t *const *parts, const size_t *lens, size_t n,
                   struct tern_writer *w)
{
    TERN_ENSURE(hs->cred >= 0, TERN_ERR_STATE);
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    TERN_TRY(join(parts, lens, n, &msg, &msg_len));
    uint8_t sig[TERN_SIG_MAX_LEN];
    size_t sig_len = sizeof(sig);
    int rc = tern_sig_sign(hs->params->creds.certs[hs->cred].key, hs->scheme, msg, msg_len, sig,
                           &sig_len);
    tern_free(msg);
    TERN_TRY(rc);
    tern_digitally_signed_write(w, hs->scheme, sig, sig_len);
    return TERN_OK;
}

int tern_hs12_verify_signature(struct tern_hs12 *hs, uint16_t scheme, struct tern_reader signature,
                               const uint8_t *const *parts, const size_t *lens, size_t n)
{
    /* RFC 5246 section 7.4.1.4.1: the scheme must be one we offered, and
     * it must fit the key in the peer's certificate. */
    TERN_ENSURE(hs->peer_key != NULL, TERN_ERR_UNEXPECTED_MESSAGE);
    TERN_ENSURE(we_accept(scheme), TERN_ERR_ILLEGAL_PARAMETER);
    TERN_ENSURE(tern_sig_scheme_fits(hs->peer_key, scheme), TERN_ERR_ILLEGAL_PARAMETER);
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    TERN_TRY(join(parts, lens, n, &msg, &msg_len));
    int rc = tern_sig_verify(hs->peer_key, scheme, msg, msg_len, signature.p, signature.len);
    tern_free(msg);
    if (rc == TERN_OK) {
        hs->peer_scheme = scheme;
    }
    return rc;
}

/* The error, and so the alert, that the first problem calls for (RFC 5246
 * section 7.2.2). */
static int error_for(enum tern_verify_reason r)
{
    switch (r) {
    case TERN_VERIFY_EXPIRED:
    case TERN_VERIFY_NOT_YET_VALID:
        return TERN_ERR_CERT_EXPIRED;
    case TERN_VERIFY_UNKNOWN_ISSUER:
    case TERN_VERIFY_UNTRUSTED_ROOT:
    case TERN_VERIFY_SELF_SIGNED:
        return TERN_ERR_UNKNOWN_CA;
    case TERN_VERIFY_BAD_SIGNATURE:
    case TERN_VERIFY_MALFORMED:
        return TERN_ERR_BAD_CERTIFICATE;
    case TERN_VERIFY_NO_CERTIFICATE:
        return TERN_ERR_NO_CERTIFICATE;
    default:
        return TERN_ERR_CERT_UNKNOWN;
    }
}

static int ignored(const struct tern_hs12 *hs, const struct tern_verify_error *e)
{
    for (size_t i = 0; i < hs->n_ignored; i++) {
        if (hs->ignored[i].reason == e->reason && hs->ignored[i].depth == e->depth) {
            return 1;
        }
    }
    return 0;
}

/* The first problem not ignored by the application, or NULL. */
static const struct tern_verify_error *first_open(const struct tern_hs12 *hs)
{
    const struct tern_session *s = hs->sess;
    for (size_t i = 0; i < s->n_verify_errs; i++) {
        if (!ignored(hs, &s->verify_errs[i])) {
            return &s->verify_errs[i];
        }
    }
    return NULL;
}

/* Whether verification found more problems than the list holds: then the
 * last place says so, and no decision of the application accepts the chain
 * (include/tern/verify.h), since what was left out was never shown. */
static int past_list(const struct tern_session *s)
{
    return s->n_verify_errs > 0 &&
           s->verify_errs[s->n_verify_errs - 1].reason == TERN_VERIFY_TOO_MANY_PROBLEMS;
}

int tern_hs12_verify_decided(struct tern_hs12 *hs)
{
    const struct tern_verify_error *open = first_open(hs);
    if (open != NULL) {
        return error_for(open->reason);
    }
    /* Every listed problem ignored, the marker too: still not enough. */
    return past_list(hs->sess) ? error_for(hs->sess->verify_errs[0].reason) : TERN_OK;
}

/* Applies the configured decision to the problems found. */
static int decide(struct tern_hs12 *hs)
{
    const struct tern_hs_params *cfg = hs->params;
    struct tern_session *s = hs->sess;
    if (s->n_verify_errs == 0 || (cfg->flags & TERN_FLAG_INSECURE_NO_VERIFY) != 0) {
        return TERN_OK;
    }
    if (cfg->verify_cb != NULL) {
        int accept = cfg->verify_cb(cfg->verify_arg, hs->owner, s->verify_errs, s->n_verify_errs);
        /* The callback may only accept what it was shown. */
        if (accept == 1 && !past_list(s)) {
            return TERN_OK;
        }
        return error_for(s->verify_errs[0].reason);
    }
    if (cfg->verify_pause) {
        return TERN_HS12_PAUSE;
    }
    return error_for(s->verify_errs[0].reason);
}

static int verify_chain(struct tern_hs12 *hs)
{
    const struct tern_hs_params *cfg = hs->params;
    struct tern_trust *empty = NULL;
    const struct tern_trust *trust = cfg->creds.trust;
    if (trust == NULL) {
        TERN_TRY(tern_trust_new(&empty)); /* no anchors: nothing verifies */
        trust = empty;
    }
    struct tern_x509_check check = {.purpose = hs->is_client ? TERN_X509_SERVER : TERN_X509_CLIENT,
                                    .max_depth = TERN_CERT_MAX_CHAIN,
                                    .security_level = cfg->security_level};
    if (hs->is_client && hs->server_name[0] != '\0' &&
        (cfg->flags & TERN_FLAG_NO_NAME_CHECK) == 0) {
        /* An address is checked against the certificate's IP addresses,
         * a DNS name against its DNS names; text that looks like an
         * address but is none goes the way of addresses, and matches
         * nothing. */
        if (tern_x509_name_kind(hs->server_name) == TERN_X509_NAME_DNS) {
            check.host = hs->server_name;
        } else {
            check.ip = hs->server_name;
        }
    }
    size_t n = 0;
    struct tern_session *s = hs->sess;
    int rc = tern_x509_verify(trust, hs->peer_chain, &check, s->verify_errs,
                              TERN_HS12_MAX_VERIFY_ERRORS, &n);
    tern_trust_free(empty);
    TERN_TRY(rc);
    s->n_verify_errs = (uint8_t)n; /* at most TERN_HS12_MAX_VERIFY_ERRORS */
    return TERN_OK;
}

/* An empty Certificate (or raw key). RFC 5246 section 7.4.6: a client
 * without a suitable certificate sends an empty one, which a server may
 * accept unless it requires one; a server never may. */
static int no_certificate(struct tern_hs12 *hs)
{
    if (hs->is_client || hs->params->client_auth == TERN_CLIENT_AUTH_REQUIRE) {
        struct tern_session *s = hs->sess;
        s->verify_errs[0] = (struct tern_verify_error){TERN_VERIFY_NO_CERTIFICATE, -1};
        s->n_verify_errs = 1;
        return TERN_ERR_NO_CERTIFICATE;
    }
    return TERN_OK;
}

/* RFC 7250: the peer's key must be one the application allows. */
static int take_raw_public_key(struct tern_hs12 *hs, struct tern_reader body)
{
    struct tern_reader spki;
    TERN_TRY(tern_r_vec24(&body, &spki));
    TERN_TRY(tern_r_end(&body));
    struct tern_session *s = hs->sess;
    if (spki.len == 0) {
        return no_certificate(hs);
    }
    /* A key the application allows is the one it decoded already; any
     * other is decoded here, for the decision callback to judge. */
    const struct tern_hs_params *cfg = hs->params;
    const struct tern_pkey *known = NULL;
    for (size_t i = 0; i < cfg->creds.n_peer_keys && known == NULL; i++) {
        if (cfg->creds.peer_keys[i].len == spki.len &&
            memcmp(cfg->creds.peer_keys[i].spki, spki.p, spki.len) == 0) {
            known = cfg->creds.peer_keys[i].key;
        }
    }
    int allowed = known != NULL;
    if (known != NULL) {
        TERN_TRY(tern_pkey_share_public(known, &hs->peer_key));
    } else {
        TERN_ENSURE(tern_pkey_parse_public(&hs->peer_key, spki.p, spki.len) == TERN_OK,
                    TERN_ERR_BAD_CERTIFICATE);
    }
    if (hs->is_client) {
        TERN_ENSURE(key_fits_kx(tern_pkey_type(hs->peer_key), hs->suite->kx),
                    TERN_ERR_UNSUPPORTED_CERTIFICATE);
    }
    hs->shape |= TERN_SHAPE_PEER_CERT;
    s->n_verify_errs = 0;
    if (!allowed) {
        s->verify_errs[0] = (struct tern_verify_error){TERN_VERIFY_KEY_NOT_ALLOWED, 0};
        s->n_verify_errs = 1;
    }
    return decide(hs);
}

int tern_hs12_take_peer_certificate(struct tern_hs12 *hs, struct tern_reader body)
{
    if (hs->peer_cert_type == TERN_CERT_TYPE_RAW_PUBLIC_KEY) {
        return take_raw_public_key(hs, body);
    }
    struct tern_certificate12_msg msg;
    TERN_TRY(tern_certificate12_parse(body, &msg));
    if (msg.n == 0) {
        return no_certificate(hs);
    }
    TERN_ENSURE(tern_x509_chain_from_der(hs->params->creds.cache, msg.der, msg.len, msg.n,
                                         &hs->peer_chain) == TERN_OK,
                TERN_ERR_BAD_CERTIFICATE);
    TERN_ENSURE(tern_x509_chain_leaf_key(hs->peer_chain, &hs->peer_key) == TERN_OK,
                TERN_ERR_UNSUPPORTED_CERTIFICATE);
    if (hs->is_client) {
        TERN_ENSURE(key_fits_kx(tern_pkey_type(hs->peer_key), hs->suite->kx),
                    TERN_ERR_UNSUPPORTED_CERTIFICATE);
    }
    hs->shape |= TERN_SHAPE_PEER_CERT;
    TERN_TRY(verify_chain(hs));
    return decide(hs);
}
