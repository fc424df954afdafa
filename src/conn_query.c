/* What a connection reports (include/tern/conn.h): its state, what the
 * handshake negotiated, the peer's credentials, exported keying material
 * and the drop counters. Nothing here changes the connection. */
#include <string.h>

#include <tern/conn.h>
#include <tern/err.h>

#include "config_impl.h"
#include "conn_impl.h"
#include "crypto/errors.h"
#include "util/guard.h"

enum tern_state tern_conn_state(const struct tern_conn *c)
{
    return c == NULL ? TERN_STATE_FAILED : (enum tern_state)c->state;
}

int tern_conn_error(const struct tern_conn *c)
{
    return c == NULL ? TERN_ERR_ARG : c->error;
}

int tern_conn_alert_sent(const struct tern_conn *c)
{
    return c == NULL ? -1 : c->alert_sent;
}

int tern_conn_alert_received(const struct tern_conn *c)
{
    return c == NULL ? -1 : c->alert_received;
}

/* Only a handshake that completed negotiated anything: a connection closed
 * or failed before that (a forged close_notify, an impostor that never
 * proved its key) reports nothing. */
static int negotiated(const struct tern_conn *c)
{
    return c != NULL && c->completed && c->sess.suite != 0;
}

uint16_t tern_conn_version(const struct tern_conn *c)
{
    return negotiated(c) ? c->sess.version : 0;
}

uint16_t tern_conn_suite(const struct tern_conn *c)
{
    return negotiated(c) ? c->sess.suite : 0;
}

const char *tern_conn_suite_name(const struct tern_conn *c)
{
    const struct tern_suite *s = negotiated(c) ? tern_suite_by_id(c->sess.suite) : NULL;
    return s == NULL ? NULL : s->name;
}

const uint8_t *tern_conn_psk_identity(const struct tern_conn *c, size_t *len)
{
    if (!negotiated(c) || c->sess.psk_identity_len == 0) {
        if (len != NULL) {
            *len = 0;
        }
        return NULL;
    }
    if (len != NULL) {
        *len = c->sess.psk_identity_len;
    }
    return c->sess.psk_identity;
}

const char *tern_conn_alpn(const struct tern_conn *c, size_t *len)
{
    int none = !negotiated(c) || c->sess.alpn_len == 0;
    if (len != NULL) {
        *len = none ? 0 : c->sess.alpn_len;
    }
    /* The chosen name is one of ours: the configuration keeps its string. */
    return none ? NULL : c->cfg->hs.alpn_names + c->sess.alpn_at - 1;
}

/* RFC 5705 section 4: labels the TLS PRF already uses "MUST NOT" be given
 * to the exporter, or its output could equal a key or a Finished. */
static int label_reserved(const char *label)
{
    static const char *const reserved[] = {
        "client finished", "server finished",        "master secret",
        "key expansion",   "extended master secret",
    };
    if (label[0] == '\0') {
        return 1;
    }
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        if (strcmp(label, reserved[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static int conn_export(const struct tern_conn *c, const char *label, const uint8_t *context,
                       size_t context_len, uint8_t *out, size_t out_len)
{
    TERN_ENSURE(c != NULL && label != NULL && out != NULL && out_len > 0, TERN_ERR_ARG);
    TERN_ENSURE(context != NULL || context_len == 0, TERN_ERR_ARG);
    TERN_ENSURE(!label_reserved(label), TERN_ERR_ARG);
    TERN_ENSURE(c->state == TERN_STATE_ESTABLISHED, TERN_ERR_STATE);
    return c->ops->export(&c->sess, label, context, context_len, out, out_len);
}

int tern_conn_export(const struct tern_conn *c, const char *label, const uint8_t *context,
                     size_t context_len, uint8_t *out, size_t out_len)
{
    tern_crypto_quiet_begin();
    int rc = conn_export(c, label, context, context_len, out, out_len);
    tern_crypto_quiet_end();
    return rc;
}

size_t tern_conn_verify_errors(const struct tern_conn *c, struct tern_verify_error *errs,
                               size_t max)
{
    if (c == NULL) {
        return 0;
    }
    size_t n = c->sess.n_verify_errs;
    for (size_t i = 0; i < n && i < max && errs != NULL; i++) {
        errs[i] = c->sess.verify_errs[i];
    }
    return n;
}

const uint8_t *tern_conn_peer_certificate(const struct tern_conn *c, size_t i, size_t *len)
{
    size_t unused = 0;
    size_t *out = len != NULL ? len : &unused;
    *out = 0;
    if (c == NULL) {
        return NULL;
    }
    const struct tern_x509_chain *chain = c->ops->peer_chain(&c->v);
    if (chain == NULL) {
        chain = c->peer_chain;
    }
    return chain == NULL ? NULL : tern_x509_chain_der(chain, i, out);
}

const uint8_t *tern_conn_accepted_ca(const struct tern_conn *c, size_t i, size_t *len)
{
    size_t unused = 0;
    size_t *out = len != NULL ? len : &unused;
    *out = 0;
    if (c == NULL) {
        return NULL;
    }
    size_t names_len = 0;
    const uint8_t *names = c->ops->ca_names(&c->v, &names_len);
    if (names == NULL) {
        names = c->ca_names;
        names_len = c->ca_names_len;
    }
    if (names == NULL) {
        return NULL;
    }
    /* The names were checked when the CertificateRequest was parsed. */
    struct tern_reader r;
    struct tern_reader name;
    tern_r_init(&r, names, names_len);
    for (size_t k = 0; tern_r_vec16(&r, &name) == TERN_OK; k++) {
        if (k == i) {
            *out = name.len;
            return name.p;
        }
    }
    return NULL;
}

uint16_t tern_conn_group(const struct tern_conn *c)
{
    return negotiated(c) ? c->sess.group : 0;
}

uint16_t tern_conn_peer_signature_scheme(const struct tern_conn *c)
{
    return negotiated(c) ? c->sess.scheme : 0;
}

void *tern_conn_user_data(const struct tern_conn *c)
{
    return c != NULL ? c->user_data : NULL;
}

uint64_t tern_conn_dropped(const struct tern_conn *c)
{
    if (c == NULL) {
        return 0;
    }
    uint64_t t = 0;
    for (size_t i = 0; i < TERN_DROP_REASONS; i++) {
        t += c->ops->drop_counts(&c->v)[i];
    }
    return t;
}

uint64_t tern_conn_dropped_by(const struct tern_conn *c, enum tern_drop_reason why)
{
    if (c == NULL || (unsigned)why >= TERN_DROP_REASONS) {
        return 0;
    }
    return c->ops->drop_counts(&c->v)[why];
}
