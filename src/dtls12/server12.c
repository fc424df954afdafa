/* The DTLS 1.2 server: its table and handlers (PSK and ECDHE_PSK). */
#include <string.h>

#include <tern/err.h>

#include "dtls12/ext12.h"
#include "handshake/ext.h"
#include "handshake/header.h"
#include "handshake/hello.h"
#include "dtls12/hs12.h"
#include "dtls12/msgs12.h"
#include "dtls12/msgs12_cert.h"
#include "util/ct.h"
#include "util/guard.h"

/* Whether the server can serve suite s: a PSK, or a certificate whose key
 * fits the suite and signs with a scheme the client accepts. */
static int usable(struct tern_hs12 *hs, const struct tern_suite *s)
{
    if (!tern_suite_in(s, TERN_SUITE_V12)) {
        return 0;
    }
    if (tern_kx_uses_psk(s->kx)) {
        return tern_params_has_psk(hs->params);
    }
    return tern_hs12_cert_usable(hs, s) && tern_hs12_pick_cred(hs, s);
}

/* The first of our groups (in our order) that the client lists. */
static uint16_t pick_group(const struct tern_hs12 *hs, const struct tern_client_hello *ch)
{
    if (!tern_exts_has(&ch->exts, TERN_EXTI_SUPPORTED_GROUPS)) {
        return 0;
    }
    struct tern_reader list;
    if (tern_ext_u16_list_parse(ch->exts.body[TERN_EXTI_SUPPORTED_GROUPS], &list) != TERN_OK) {
        return 0;
    }
    for (size_t i = 0; i < hs->params->n_groups; i++) {
        if (tern_u16_list_contains(list, hs->params->groups[i])) {
            return hs->params->groups[i];
        }
    }
    return 0;
}

/* Server preference order among the suites the client offers and the
 * server can serve. */
static const struct tern_suite *pick_suite(struct tern_hs12 *hs, const struct tern_client_hello *ch)
{
    const struct tern_hs_params *cfg = hs->params;
    uint16_t group = pick_group(hs, ch);
    for (size_t i = 0;; i++) {
        const struct tern_suite *s =
            cfg->n_suites > 0 ? (i < cfg->n_suites ? tern_suite_by_id(cfg->suites[i]) : NULL)
                              : tern_suite_at(i);
        if (s == NULL) {
            return NULL;
        }
        if (!usable(hs, s) || !tern_client_hello_offers(ch, s->id)) {
            continue;
        }
        if (tern_kx_uses_ecdhe(s->kx)) {
            if (group == 0) {
                continue;
            }
            hs->group = group;
        }
        return s;
    }
}

static int process_client_hello(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    struct tern_client_hello ch;
    TERN_TRY(tern_client_hello_parse(body, &ch));
    TERN_TRY(tern_exts_check_bodies(&ch.exts, TERN_EXT_IN_CLIENT_HELLO));
    /* The cookie (RFC 6347 section 4.2.1) was checked before this
     * connection existed: by the stateless gate in tern_conn_accept(), or
     * not at all when the configuration turned cookies off by name. */
    /* DTLS versions count down: 0xfefd (1.2) is above 0xfeff (1.0). A
     * client that offers nothing as new as 1.2 gets protocol_version (RFC
     * 5246 appendix E.1). */
    TERN_ENSURE(ch.version <= TERN_DTLS12_VERSION, TERN_ERR_PROTOCOL_VERSION);
    hs->sv.echo_exts = 0;
    TERN_TRY(tern_hs12_exts_process(hs, TERN_EXT_IN_CLIENT_HELLO, &ch.exts));
    /* RFC 5746 section 3.6: the signalling suite asks for the same answer
     * as an empty renegotiation_info. */
    if (tern_client_hello_offers(&ch, TERN_SCSV_RENEGOTIATION)) {
        hs->sv.echo_exts |= 1u << TERN_EXTI_RENEGOTIATION_INFO;
    }
    hs->suite = pick_suite(hs, &ch);
    TERN_ENSURE(hs->suite != NULL, TERN_ERR_HANDSHAKE_FAILURE);
    if (!tern_kx_uses_psk(hs->suite->kx)) {
        tern_hs12_pick_cred(hs, hs->suite); /* the choice usable() made */
        if (hs->params->client_auth != TERN_CLIENT_AUTH_NONE) {
            /* The client's CertificateVerify will sign every message,
             * starting with this ClientHello. */
            TERN_TRY(tern_transcript_keep(&hs->transcript));
        }
    }
    struct tern_session *s = hs->sess;
    s->version = TERN_DTLS12_VERSION;
    s->suite = hs->suite->id;
    memcpy(s->client_random, ch.random, 32);
    /* RFC 6347 section 4.2.2 (with erratum 5186): the ServerHello takes the
     * ClientHello's message_seq. */
    hs->send_seq = seq;
    return tern_transcript_choose(&hs->transcript, hs->suite->prf_hash);
}

static int build_server_hello(struct tern_hs12 *hs, struct tern_writer *w)
{
    tern_server_hello12_write(w, TERN_DTLS12_VERSION, hs->sess->server_random, NULL, 0,
                              hs->suite->id);
    return tern_hs12_exts_build(hs, TERN_EXT_IN_SERVER_HELLO, w);
}

static int build_key_exchange(struct tern_hs12 *hs, struct tern_writer *w)
{
    int ecdhe = hs->suite->kx == TERN_KX_ECDHE_PSK;
    const struct tern_hs_params *cfg = hs->params;
    tern_ske_psk_write(w, cfg->psk_hint, cfg->psk_hint_len, ecdhe, hs->group, hs->kex.pub,
                       hs->kex.pub_len);
    return TERN_OK;
}

static int build_hello_done(struct tern_hs12 *hs, struct tern_writer *w)
{
    (void)hs;
    (void)w;
    return TERN_OK;
}

static int build_certificate(struct tern_hs12 *hs, struct tern_writer *w)
{
    return tern_hs12_build_certificate(hs, w);
}

static int build_signed_key_exchange(struct tern_hs12 *hs, struct tern_writer *w)
{
    uint8_t *params = tern_w_reserve(w, 0);
    size_t start = w->len;
    tern_ecdhe_params_write(w, hs->group, hs->kex.pub, hs->kex.pub_len);
    TERN_TRY(tern_w_finish(w));
    /* RFC 8422 section 5.4: signed over ClientHello.random +
     * ServerHello.random + ServerKeyExchange.params. */
    const uint8_t *parts[3] = {hs->sess->client_random, hs->sess->server_random, params};
    size_t lens[3] = {32, 32, w->len - start};
    return tern_hs12_sign(hs, parts, lens, 3, w);
}

static int build_cert_request(struct tern_hs12 *hs, struct tern_writer *w)
{
    /* RFC 5246 section 7.4.4, RFC 8422 section 5.5. */
    struct tern_w_mark m = tern_w_open8(w);
    tern_w_u8(w, TERN_CERT_TYPE_ECDSA_SIGN);
    tern_w_u8(w, TERN_CERT_TYPE_RSA_SIGN);
    tern_w_close(w, m);
    tern_hs12_write_schemes(w);
    m = tern_w_open16(w);
    if (hs->params->creds.trust != NULL) {
        uint8_t *names = tern_w_reserve(w, 0);
        size_t room = w->cap - w->len;
        size_t len = 0;
        TERN_TRY(tern_trust_ca_names(hs->params->creds.trust, names, room, &len));
        (void)tern_w_reserve(w, len);
    }
    tern_w_close(w, m);
    return TERN_OK;
}

static int send_hello_flight(struct tern_hs12 *hs)
{
    TERN_TRY(tern_hs12_random(hs, hs->sess->server_random, 32));
    TERN_TRY(tern_hs12_send_msg(hs, TERN_HS_SERVER_HELLO, build_server_hello));
    if (tern_kx_uses_ecdhe(hs->suite->kx)) {
        TERN_TRY(tern_kex_generate(&hs->kex, hs->group, &hs->params->rng));
    }
    if (!tern_kx_uses_psk(hs->suite->kx)) {
        TERN_TRY(tern_hs12_send_msg(hs, TERN_HS_CERTIFICATE, build_certificate));
        TERN_TRY(tern_hs12_send_msg(hs, TERN_HS_SERVER_KEY_EXCHANGE, build_signed_key_exchange));
        if (hs->params->client_auth != TERN_CLIENT_AUTH_NONE) {
            TERN_TRY(tern_hs12_send_msg(hs, TERN_HS_CERTIFICATE_REQUEST, build_cert_request));
            hs->shape |= TERN_SHAPE_CLIENT_AUTH;
        }
        return tern_hs12_send_msg(hs, TERN_HS_SERVER_HELLO_DONE, build_hello_done);
    }
    /* RFC 4279 section 2: without a hint a PSK server may omit it. */
    if (hs->suite->kx == TERN_KX_ECDHE_PSK || hs->params->psk_hint_len > 0) {
        TERN_TRY(tern_hs12_send_msg(hs, TERN_HS_SERVER_KEY_EXCHANGE, build_key_exchange));
    }
    return tern_hs12_send_msg(hs, TERN_HS_SERVER_HELLO_DONE, build_hello_done);
}

/* Looks the identity up; the key goes to hs->psk_key. An unknown identity
 * is not revealed (RFC 4279 section 2 allows it): the handshake goes on
 * with a random key, so that it fails exactly as a known identity with the
 * wrong key does, at the client's Finished. hs->sv.psk_unknown remembers why,
 * for this side's own error. */
static int find_psk(struct tern_hs12 *hs, struct tern_reader identity)
{
    const struct tern_hs_params *cfg = hs->params;
    int known;
    if (cfg->psk_server != NULL) {
        size_t key_len = TERN_PSK_KEY_MAX_LEN;
        int rc =
            cfg->psk_server(cfg->psk_server_arg, identity.p, identity.len, hs->psk_key, &key_len);
        known = rc >= 0 && key_len > 0 && key_len <= TERN_PSK_KEY_MAX_LEN;
        hs->psk_key_len = known ? key_len : 0;
    } else {
        known = cfg->psk_key_len > 0 && identity.len == cfg->psk_identity_len &&
                tern_ct_equal(identity.p, cfg->psk_identity, identity.len);
        if (known) {
            memcpy(hs->psk_key, cfg->psk_key, cfg->psk_key_len);
            hs->psk_key_len = cfg->psk_key_len;
        }
    }
    if (!known) {
        hs->sv.psk_unknown = 1;
        hs->psk_key_len = 32;
        return tern_hs12_random(hs, hs->psk_key, hs->psk_key_len);
    }
    return TERN_OK;
}

static int process_key_exchange(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)seq;
    struct tern_cke_psk cke;
    TERN_TRY(tern_cke_psk_parse(body, hs->suite->kx == TERN_KX_ECDHE_PSK, &cke));
    TERN_TRY(find_psk(hs, cke.identity));
    struct tern_session *s = hs->sess;
    memcpy(s->psk_identity, cke.identity.p, cke.identity.len);
    s->psk_identity_len = (uint16_t)cke.identity.len;
    if (hs->suite->kx == TERN_KX_ECDHE_PSK) {
        TERN_ENSURE(cke.point.len <= sizeof(hs->peer_point), TERN_ERR_BAD_KEY_SHARE);
        memcpy(hs->peer_point, cke.point.p, cke.point.len);
        hs->peer_point_len = cke.point.len;
    }
    return TERN_OK;
}

static int process_client_certificate(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)seq;
    return tern_hs12_take_peer_certificate(hs, body);
}

static int process_key_exchange_ecdhe(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)seq;
    struct tern_reader point;
    TERN_TRY(tern_cke_ecdhe_parse(body, &point));
    TERN_ENSURE(point.len <= sizeof(hs->peer_point), TERN_ERR_BAD_KEY_SHARE);
    memcpy(hs->peer_point, point.p, point.len);
    hs->peer_point_len = point.len;
    return TERN_OK;
}

static int process_cert_verify(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)seq;
    struct tern_cert_verify12 cv;
    TERN_TRY(tern_cert_verify12_parse(body, &cv));
    /* RFC 5246 section 7.4.8: over every handshake message before this one. */
    const uint8_t *parts[1] = {hs->transcript.bytes};
    size_t lens[1] = {hs->transcript.len};
    TERN_ENSURE(parts[0] != NULL, TERN_ERR_STATE);
    int rc = tern_hs12_verify_signature(hs, cv.scheme, cv.signature, parts, lens, 1);
    return rc == TERN_ERR_BAD_SIGNATURE ? TERN_ERR_BAD_SIGNATURE : rc;
}

/* After the ClientKeyExchange is in the transcript (RFC 7627 session hash). */
static int derive_keys(struct tern_hs12 *hs)
{
    uint8_t premaster[TERN_PREMASTER_MAX];
    size_t pm_len = 0;
    int rc = tern_hs12_premaster(hs, premaster, &pm_len);
    if (rc == TERN_OK) {
        rc = tern_hs12_derive(hs, premaster, pm_len);
    }
    tern_zeroize(premaster, sizeof(premaster));
    return rc;
}

/* A ChangeCipherSpec that overtook a lost message of the client's flight
 * (Certificate, ClientKeyExchange, CertificateVerify): the client will
 * repeat the flight. */
static int early_ccs(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)hs;
    (void)body;
    (void)seq;
    return TERN_HS12_STAY;
}

static int send_final_flight(struct tern_hs12 *hs)
{
    /* The client's flight is complete: ours replaces the hello flight. */
    tern_flight_reset(&hs->flight);
    return tern_hs12_send_ccs_finished(hs);
}

#define ANY     0
#define PSK_KX  (TERN_KX_BIT(TERN_KX_PSK) | TERN_KX_BIT(TERN_KX_ECDHE_PSK))
#define CERT_KX (TERN_KX_BIT(TERN_KX_ECDHE_ECDSA) | TERN_KX_BIT(TERN_KX_ECDHE_RSA))

#define ASKED  TERN_SHAPE_CLIENT_AUTH
#define SIGNED TERN_SHAPE_PEER_CERT

/* RFC 5246 section 7.3: the client's second flight is [Certificate]
 * ClientKeyExchange [CertificateVerify] ChangeCipherSpec Finished; the
 * Certificate comes exactly when the server asked for one (section 7.4.6,
 * perhaps empty), the CertificateVerify exactly when that Certificate was
 * not empty (section 7.4.8). */
static const struct tern_hs12_row rows[] = {
    {TERN_HS12_S_WAIT_CLIENT_HELLO, ANY, TERN_HS_CLIENT_HELLO, TERN_HS12_S_WAIT_CLIENT_FLIGHT, 0, 0,
     process_client_hello, send_hello_flight},
    {TERN_HS12_S_WAIT_CLIENT_FLIGHT, PSK_KX, TERN_HS_CLIENT_KEY_EXCHANGE, TERN_HS12_S_WAIT_CCS, 0,
     0, process_key_exchange, derive_keys},
    {TERN_HS12_S_WAIT_CLIENT_FLIGHT, CERT_KX, TERN_HS_CERTIFICATE, TERN_HS12_S_WAIT_KEY_EXCHANGE,
     ASKED, 0, process_client_certificate, NULL},
    {TERN_HS12_S_WAIT_CLIENT_FLIGHT, CERT_KX, TERN_HS_CLIENT_KEY_EXCHANGE, TERN_HS12_S_WAIT_CCS, 0,
     ASKED, process_key_exchange_ecdhe, derive_keys},
    {TERN_HS12_S_WAIT_KEY_EXCHANGE, CERT_KX, TERN_HS_CLIENT_KEY_EXCHANGE,
     TERN_HS12_S_WAIT_CERT_VERIFY, SIGNED, 0, process_key_exchange_ecdhe, derive_keys},
    {TERN_HS12_S_WAIT_KEY_EXCHANGE, CERT_KX, TERN_HS_CLIENT_KEY_EXCHANGE, TERN_HS12_S_WAIT_CCS, 0,
     SIGNED, process_key_exchange_ecdhe, derive_keys},
    {TERN_HS12_S_WAIT_CERT_VERIFY, CERT_KX, TERN_HS_CERTIFICATE_VERIFY, TERN_HS12_S_WAIT_CCS, 0, 0,
     process_cert_verify, NULL},
    {TERN_HS12_S_WAIT_CLIENT_FLIGHT, ANY, TERN_MSG_CCS, TERN_HS12_S_WAIT_CLIENT_FLIGHT, 0, 0,
     early_ccs, NULL},
    {TERN_HS12_S_WAIT_KEY_EXCHANGE, ANY, TERN_MSG_CCS, TERN_HS12_S_WAIT_KEY_EXCHANGE, 0, 0,
     early_ccs, NULL},
    {TERN_HS12_S_WAIT_CERT_VERIFY, ANY, TERN_MSG_CCS, TERN_HS12_S_WAIT_CERT_VERIFY, 0, 0, early_ccs,
     NULL},
    {TERN_HS12_S_WAIT_CCS, ANY, TERN_MSG_CCS, TERN_HS12_S_WAIT_FINISHED, 0, 0, tern_hs12_take_ccs,
     NULL},
    {TERN_HS12_S_WAIT_FINISHED, ANY, TERN_HS_FINISHED, TERN_HS12_DONE, 0, 0,
     tern_hs12_take_finished, send_final_flight},
};

const struct tern_hs12_machine tern_hs12_server = {
    rows, sizeof(rows) / sizeof(rows[0]), TERN_HS12_S_WAIT_CLIENT_HELLO, 0, NULL,
};
