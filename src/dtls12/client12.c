/* The DTLS 1.2 client: its table and handlers (PSK and ECDHE_PSK). */
#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "dtls12/ext12.h"
#include "handshake/ext.h"
#include "handshake/header.h"
#include "handshake/hello.h"
#include "dtls12/hs12.h"
#include "dtls12/msgs12.h"
#include "dtls12/msgs12_cert.h"
#include "dtls12/offer12.h"
#include "util/ct.h"
#include "util/guard.h"
#include "util/alloc.h"

/* RFC 6347 section 4.2.1 lets a server send HelloVerifyRequest again; a
 * client that followed forever could be kept busy, so tern stops here. */
#define MAX_HELLO_VERIFY 4

static int build_client_hello(struct tern_hs12 *hs, struct tern_writer *w)
{
    struct tern_session *s = hs->sess;
    tern_w_u16(w, TERN_DTLS12_VERSION);
    tern_w_bytes(w, s->client_random, sizeof(s->client_random));
    tern_w_u8(w, 0); /* session_id: no resumption yet */
    struct tern_w_mark m = tern_w_open8(w);
    tern_w_bytes(w, hs->cl.cookie, hs->cl.cookie_len);
    tern_w_close(w, m);
    m = tern_w_open16(w);
    size_t n = tern_offer12_write(hs, w);
    tern_w_close(w, m);
    TERN_ENSURE(n > 0, TERN_ERR_HANDSHAKE_FAILURE); /* no credentials for any suite */
    tern_w_u8(w, 1);
    tern_w_u8(w, 0); /* compression: null only */
    return tern_hs12_exts_build(hs, TERN_EXT_IN_CLIENT_HELLO, w);
}

/* A client that may be asked for its certificate keeps the handshake
 * messages for its CertificateVerify. */
static int keep_transcript(struct tern_hs12 *hs)
{
    if (hs->params->creds.n_certs > 0 && tern_offer12_any(hs, 1)) {
        return tern_transcript_keep(&hs->transcript);
    }
    return TERN_OK;
}

int tern_hs12_client_may_start(const struct tern_hs12 *hs)
{
    const struct tern_hs_params *cfg = hs->params;
    if (hs->server_name[0] != '\0' ||
        (cfg->flags & (TERN_FLAG_NO_NAME_CHECK | TERN_FLAG_INSECURE_NO_VERIFY)) != 0) {
        return TERN_OK;
    }
    /* A chain verified without a name to look for in it proves only that
     * one of the trust anchors issued it, to anyone: the server must be
     * named, or the check waived by name (DESIGN.md principle 4). These
     * are what make a client take X.509 certificates from a server. */
    int judges_x509 = cfg->creds.trust != NULL || cfg->verify_cb != NULL || cfg->verify_pause;
    return judges_x509 && tern_offer12_any(hs, 1) ? TERN_ERR_NO_SERVER_NAME : TERN_OK;
}

static int client_start(struct tern_hs12 *hs)
{
    TERN_TRY(keep_transcript(hs));
    TERN_TRY(tern_hs12_random(hs, hs->sess->client_random, sizeof(hs->sess->client_random)));
    return tern_hs12_send_msg(hs, TERN_HS_CLIENT_HELLO, build_client_hello);
}

static int process_hello_verify(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)seq;
    struct tern_hello_verify hv;
    TERN_TRY(tern_hello_verify_parse(body, &hv));
    /* RFC 6347 section 4.2.1: the HelloVerifyRequest's version may be DTLS
     * 1.0 whatever is negotiated; only a non-DTLS version is wrong. */
    TERN_ENSURE((hv.version >> 8) == 0xfe, TERN_ERR_ILLEGAL_PARAMETER);
    TERN_ENSURE(++hs->cl.hvr_count <= MAX_HELLO_VERIFY, TERN_ERR_UNEXPECTED_MESSAGE);
    memcpy(hs->cl.cookie, hv.cookie.p, hv.cookie.len);
    hs->cl.cookie_len = hv.cookie.len;
    /* RFC 6347 section 4.2.6: the first ClientHello leaves the transcript. */
    tern_transcript_clear(&hs->transcript);
    TERN_TRY(tern_transcript_init(&hs->transcript));
    TERN_TRY(keep_transcript(hs));
    tern_flight_reset(&hs->flight);
    return TERN_OK;
}

static int send_client_hello_again(struct tern_hs12 *hs)
{
    return tern_hs12_send_msg(hs, TERN_HS_CLIENT_HELLO, build_client_hello);
}

static int process_server_hello(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)seq;
    struct tern_server_hello12 sh;
    TERN_TRY(tern_server_hello12_parse(body, &sh));
    TERN_TRY(tern_exts_check_bodies(&sh.exts, TERN_EXT_IN_SERVER_HELLO));
    /* tern offers DTLS 1.2 only (RFC 6347 section 4.2.1). */
    /* RFC 5246 appendix E.1: a version the client does not support is
     * answered with protocol_version. */
    TERN_ENSURE(sh.version == TERN_DTLS12_VERSION, TERN_ERR_PROTOCOL_VERSION);
    TERN_ENSURE(tern_offer12_contains(hs, sh.suite), TERN_ERR_ILLEGAL_PARAMETER);
    hs->suite = tern_suite_by_id(sh.suite);
    TERN_TRY(tern_hs12_exts_process(hs, TERN_EXT_IN_SERVER_HELLO, &sh.exts));
    memcpy(hs->sess->server_random, sh.random, 32);
    hs->sess->version = sh.version;
    hs->sess->suite = sh.suite;
    TERN_TRY(tern_transcript_choose(&hs->transcript, hs->suite->prf_hash));
    /* The ClientHello is answered: it is never sent again. */
    tern_flight_reset(&hs->flight);
    return TERN_OK;
}

static int process_key_exchange(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)seq;
    int ecdhe = hs->suite->kx == TERN_KX_ECDHE_PSK;
    struct tern_ske_psk ske;
    TERN_TRY(tern_ske_psk_parse(body, ecdhe, &ske));
    memcpy(hs->cl.hint, ske.hint.p, ske.hint.len);
    hs->cl.hint_len = ske.hint.len;
    if (ecdhe) {
        int ours = 0;
        for (size_t i = 0; i < hs->params->n_groups; i++) {
            ours |= hs->params->groups[i] == ske.group;
        }
        /* RFC 8422 section 5.4: a group the client did not offer. */
        TERN_ENSURE(ours, TERN_ERR_ILLEGAL_PARAMETER);
        TERN_ENSURE(ske.point.len <= sizeof(hs->peer_point), TERN_ERR_BAD_KEY_SHARE);
        memcpy(hs->peer_point, ske.point.p, ske.point.len);
        hs->peer_point_len = ske.point.len;
        hs->group = ske.group;
    }
    return TERN_OK;
}

static int process_hello_done(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)hs;
    (void)seq;
    TERN_TRY(tern_server_hello_done12_parse(body));
    /* ECDHE_PSK needs the server's share (the table only reaches here
     * after a ServerKeyExchange for that key exchange). */
    return TERN_OK;
}

/* Asks the application (or the configuration) for identity and key. */
static int choose_psk(struct tern_hs12 *hs, uint8_t identity[TERN_PSK_IDENTITY_MAX_LEN],
                      size_t *identity_len)
{
    const struct tern_hs_params *cfg = hs->params;
    if (cfg->psk_client != NULL) {
        size_t id_len = TERN_PSK_IDENTITY_MAX_LEN;
        size_t key_len = TERN_PSK_KEY_MAX_LEN;
        int rc = cfg->psk_client(cfg->psk_client_arg, hs->cl.hint, hs->cl.hint_len, identity,
                                 &id_len, hs->psk_key, &key_len);
        TERN_ENSURE(rc >= 0, TERN_ERR_UNKNOWN_PSK_IDENTITY);
        TERN_ENSURE(id_len <= TERN_PSK_IDENTITY_MAX_LEN && key_len > 0 &&
                        key_len <= TERN_PSK_KEY_MAX_LEN,
                    TERN_ERR_UNKNOWN_PSK_IDENTITY);
        *identity_len = id_len;
        hs->psk_key_len = key_len;
        return TERN_OK;
    }
    TERN_ENSURE(cfg->psk_key_len > 0, TERN_ERR_UNKNOWN_PSK_IDENTITY);
    memcpy(identity, cfg->psk_identity, cfg->psk_identity_len);
    *identity_len = cfg->psk_identity_len;
    memcpy(hs->psk_key, cfg->psk_key, cfg->psk_key_len);
    hs->psk_key_len = cfg->psk_key_len;
    return TERN_OK;
}

static int build_certificate(struct tern_hs12 *hs, struct tern_writer *w)
{
    return tern_hs12_build_certificate(hs, w);
}

static int build_cert_verify(struct tern_hs12 *hs, struct tern_writer *w)
{
    /* RFC 5246 section 7.4.8: the signature covers every handshake message
     * so far, as they entered the transcript. */
    const uint8_t *parts[1] = {hs->transcript.bytes};
    size_t lens[1] = {hs->transcript.len};
    return tern_hs12_sign(hs, parts, lens, 1, w);
}

static int build_key_exchange(struct tern_hs12 *hs, struct tern_writer *w)
{
    struct tern_session *s = hs->sess;
    if (!tern_kx_uses_psk(hs->suite->kx)) {
        /* RFC 8422 section 5.7: ClientECDiffieHellmanPublic. */
        struct tern_w_mark m = tern_w_open8(w);
        tern_w_bytes(w, hs->kex.pub, hs->kex.pub_len);
        tern_w_close(w, m);
        return TERN_OK;
    }
    const uint8_t *point = NULL;
    if (hs->suite->kx == TERN_KX_ECDHE_PSK) {
        point = hs->kex.pub;
    }
    tern_cke_psk_write(w, s->psk_identity, s->psk_identity_len, point, hs->kex.pub_len);
    return TERN_OK;
}

static int send_final_flight(struct tern_hs12 *hs)
{
    struct tern_session *s = hs->sess;
    if (tern_kx_uses_psk(hs->suite->kx)) {
        size_t id_len = 0;
        TERN_TRY(choose_psk(hs, s->psk_identity, &id_len));
        s->psk_identity_len = (uint16_t)id_len;
    }
    if (tern_kx_uses_ecdhe(hs->suite->kx)) {
        TERN_TRY(tern_kex_generate(&hs->kex, hs->group, &hs->params->rng));
    }
    if (hs->shape & TERN_SHAPE_CLIENT_AUTH) {
        /* RFC 5246 section 7.4.6: answer a CertificateRequest with our
         * chain, or an empty list when we hold none that fits. */
        TERN_TRY(tern_hs12_send_msg(hs, TERN_HS_CERTIFICATE, build_certificate));
    }
    uint8_t premaster[TERN_PREMASTER_MAX];
    size_t pm_len = 0;
    int rc = tern_hs12_send_msg(hs, TERN_HS_CLIENT_KEY_EXCHANGE, build_key_exchange);
    if (rc == TERN_OK) {
        rc = tern_hs12_premaster(hs, premaster, &pm_len);
    }
    if (rc == TERN_OK) {
        rc = tern_hs12_derive(hs, premaster, pm_len);
    }
    /* After the key derivation: RFC 7627's session hash ends with the
     * ClientKeyExchange, before CertificateVerify. */
    if (rc == TERN_OK && (hs->shape & TERN_SHAPE_CLIENT_AUTH) && hs->cred >= 0) {
        rc = tern_hs12_send_msg(hs, TERN_HS_CERTIFICATE_VERIFY, build_cert_verify);
    }
    tern_zeroize(premaster, sizeof(premaster));
    TERN_TRY(rc);
    return tern_hs12_send_ccs_finished(hs);
}

static int process_server_certificate(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)seq;
    return tern_hs12_take_peer_certificate(hs, body);
}

static int process_signed_key_exchange(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)seq;
    struct tern_ske_ecdhe ske;
    TERN_TRY(tern_ske_ecdhe_parse(body, &ske));
    int ours = 0;
    for (size_t i = 0; i < hs->params->n_groups; i++) {
        ours |= hs->params->groups[i] == ske.group;
    }
    TERN_ENSURE(ours, TERN_ERR_ILLEGAL_PARAMETER);
    TERN_ENSURE(ske.point.len <= sizeof(hs->peer_point), TERN_ERR_BAD_KEY_SHARE);
    /* RFC 8422 section 5.4: signed over ClientHello.random +
     * ServerHello.random + the parameters. */
    const uint8_t *parts[3] = {hs->sess->client_random, hs->sess->server_random, ske.params.p};
    size_t lens[3] = {32, 32, ske.params.len};
    TERN_TRY(tern_hs12_verify_signature(hs, ske.scheme, ske.signature, parts, lens, 3));
    memcpy(hs->peer_point, ske.point.p, ske.point.len);
    hs->peer_point_len = ske.point.len;
    hs->group = ske.group;
    return TERN_OK;
}

static int process_cert_request(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)seq;
    struct tern_cert_request12 cr;
    TERN_TRY(tern_cert_request12_parse(body, &cr));
    hs->shape |= TERN_SHAPE_CLIENT_AUTH;
    tern_hs12_set_peer_schemes(hs, cr.schemes);
    if (cr.authorities.len > 0) {
        /* Kept for choosing a chain and for the application to read
         * (tern_conn_accepted_cas) until the handshake ends. */
        hs->cl.ca_names = tern_alloc(cr.authorities.len);
        TERN_ENSURE(hs->cl.ca_names != NULL, TERN_ERR_NOMEM);
        memcpy(hs->cl.ca_names, cr.authorities.p, cr.authorities.len);
        hs->cl.ca_names_len = cr.authorities.len;
    }
    if (tern_hs12_pick_cred(hs, NULL)) {
        /* The certificate type must be one the server lists. */
        int rsa = tern_pkey_type(hs->params->creds.certs[hs->cred].key) == TERN_PKEY_RSA;
        uint8_t want = rsa ? TERN_CERT_TYPE_RSA_SIGN : TERN_CERT_TYPE_ECDSA_SIGN;
        if (memchr(cr.types.p, want, cr.types.len) == NULL) {
            hs->cred = -1;
        }
    }
    return TERN_OK;
}

static int finish(struct tern_hs12 *hs)
{
    /* The server's Finished acknowledges our last flight. */
    tern_flight_reset(&hs->flight);
    return TERN_OK;
}

#define ANY      0
#define PSK_ONLY TERN_KX_BIT(TERN_KX_PSK)
#define PSK_KX   (TERN_KX_BIT(TERN_KX_PSK) | TERN_KX_BIT(TERN_KX_ECDHE_PSK))
#define CERT_KX  (TERN_KX_BIT(TERN_KX_ECDHE_ECDSA) | TERN_KX_BIT(TERN_KX_ECDHE_RSA))

static const struct tern_hs12_row rows[] = {
    {TERN_HS12_C_WAIT_SERVER_HELLO, ANY, TERN_HS_HELLO_VERIFY_REQUEST,
     TERN_HS12_C_WAIT_SERVER_HELLO, 0, 0, process_hello_verify, send_client_hello_again},
    {TERN_HS12_C_WAIT_SERVER_HELLO, ANY, TERN_HS_SERVER_HELLO, TERN_HS12_C_WAIT_KEY_EXCHANGE, 0, 0,
     process_server_hello, NULL},
    /* RFC 4279 section 2: a PSK server without a hint may skip
     * ServerKeyExchange; ECDHE_PSK always sends it (RFC 5489 section 2). */
    {TERN_HS12_C_WAIT_KEY_EXCHANGE, PSK_KX, TERN_HS_SERVER_KEY_EXCHANGE,
     TERN_HS12_C_WAIT_HELLO_DONE, 0, 0, process_key_exchange, NULL},
    {TERN_HS12_C_WAIT_KEY_EXCHANGE, PSK_ONLY, TERN_HS_SERVER_HELLO_DONE, TERN_HS12_C_WAIT_CCS, 0, 0,
     process_hello_done, send_final_flight},
    {TERN_HS12_C_WAIT_HELLO_DONE, ANY, TERN_HS_SERVER_HELLO_DONE, TERN_HS12_C_WAIT_CCS, 0, 0,
     process_hello_done, send_final_flight},
    /* Certificate key exchanges (RFC 8422 section 2): Certificate, a signed
     * ServerKeyExchange, an optional CertificateRequest, ServerHelloDone. */
    {TERN_HS12_C_WAIT_KEY_EXCHANGE, CERT_KX, TERN_HS_CERTIFICATE,
     TERN_HS12_C_WAIT_SIGNED_KEY_EXCHANGE, 0, 0, process_server_certificate, NULL},
    {TERN_HS12_C_WAIT_SIGNED_KEY_EXCHANGE, CERT_KX, TERN_HS_SERVER_KEY_EXCHANGE,
     TERN_HS12_C_WAIT_REQUEST_OR_DONE, 0, 0, process_signed_key_exchange, NULL},
    {TERN_HS12_C_WAIT_REQUEST_OR_DONE, CERT_KX, TERN_HS_CERTIFICATE_REQUEST,
     TERN_HS12_C_WAIT_HELLO_DONE, 0, 0, process_cert_request, NULL},
    {TERN_HS12_C_WAIT_REQUEST_OR_DONE, CERT_KX, TERN_HS_SERVER_HELLO_DONE, TERN_HS12_C_WAIT_CCS, 0,
     0, process_hello_done, send_final_flight},
    {TERN_HS12_C_WAIT_CCS, ANY, TERN_MSG_CCS, TERN_HS12_C_WAIT_FINISHED, 0, 0, tern_hs12_take_ccs,
     NULL},
    {TERN_HS12_C_WAIT_FINISHED, ANY, TERN_HS_FINISHED, TERN_HS12_DONE, 0, 0,
     tern_hs12_take_finished, finish},
};

const struct tern_hs12_machine tern_hs12_client = {
    rows,         sizeof(rows) / sizeof(rows[0]), TERN_HS12_C_START, TERN_HS12_C_WAIT_SERVER_HELLO,
    client_start,
};
