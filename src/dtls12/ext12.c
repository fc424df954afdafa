/* The DTLS 1.2 extension table (dtls12/ext12.h): one row per extension,
 * and the two walkers that build a hello's block and take the peer's. */
#include "dtls12/ext12.h"

#include <string.h>

#include <tern/err.h>

#include "dtls12/offer12.h"
#include "record/header12.h"
#include "util/guard.h"

#define CH TERN_EXT_IN_CLIENT_HELLO
#define SH TERN_EXT_IN_SERVER_HELLO

#define BIT(index) (1u << (index))

/* ---- shared by both roles ------------------------------------------------ */

static int always(const struct tern_hs12 *hs, unsigned msg)
{
    (void)hs;
    (void)msg;
    return 1;
}

/* RFC 8449 section 4: the largest plaintext tern accepts. */
static int build_record_size_limit(const struct tern_hs12 *hs, unsigned msg, struct tern_writer *w)
{
    (void)hs;
    (void)msg;
    tern_ext_record_size_limit_write(w, (uint16_t)TERN_REC_MAX_PLAINTEXT);
    return TERN_OK;
}

/* RFC 8449 section 4: the peer's limit, or the protocol's without one. */
static int take_record_size_limit(struct tern_hs12 *hs, const struct tern_reader *body)
{
    hs->sess->peer_record_limit = (uint16_t)TERN_REC_MAX_PLAINTEXT;
    if (body != NULL) {
        uint16_t limit;
        TERN_TRY(tern_ext_record_size_limit_parse(*body, &limit));
        if (limit < hs->sess->peer_record_limit) {
            hs->sess->peer_record_limit = limit;
        }
    }
    return TERN_OK;
}

/* RFC 8422 section 5.1.2: only the uncompressed format. */
static int build_point_formats(const struct tern_hs12 *hs, unsigned msg, struct tern_writer *w)
{
    (void)hs;
    (void)msg;
    tern_ext_point_formats_write(w);
    return TERN_OK;
}

/* RFC 8422 section 5.1.2: the peer must list uncompressed, the one format
 * tern speaks. */
static int take_point_formats(const struct tern_reader *body)
{
    int uncompressed = 0;
    TERN_TRY(tern_ext_point_formats_parse(*body, &uncompressed));
    TERN_ENSURE(uncompressed, TERN_ERR_ILLEGAL_PARAMETER);
    return TERN_OK;
}

/* RFC 5746 section 3.4: an empty renegotiation_info on the initial
 * handshake (tern never renegotiates). */
static int build_renegotiation_info(const struct tern_hs12 *hs, unsigned msg, struct tern_writer *w)
{
    (void)hs;
    (void)msg;
    tern_ext_renegotiation_info_write(w, NULL, 0);
    return TERN_OK;
}

/* RFC 5746 sections 3.4 (client) and 3.6 (server): on an initial
 * handshake a renegotiated_connection that is not empty is fatal. */
static int take_renegotiation_info(const struct tern_reader *body)
{
    struct tern_reader rc;
    TERN_TRY(tern_ext_renegotiation_info_parse(*body, &rc));
    TERN_ENSURE(rc.len == 0, TERN_ERR_HANDSHAKE_FAILURE);
    return TERN_OK;
}

/* ---- the client: its ClientHello, and the server's answers ----------------- */

/* RFC 6066 section 3: "Literal IPv4 and IPv6 addresses are not permitted
 * in HostName": a client given an address sends no name (and still checks
 * the address against the certificate). */
static int client_needs_server_name(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return hs->server_name[0] != '\0' && tern_x509_name_kind(hs->server_name) == TERN_X509_NAME_DNS;
}

static int client_build_server_name(const struct tern_hs12 *hs, unsigned msg, struct tern_writer *w)
{
    (void)msg;
    tern_ext_server_name_write(w, hs->server_name, strlen(hs->server_name));
    return TERN_OK;
}

static int client_offers_certs(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return tern_offer12_any(hs, 1);
}

static int client_offers_ecdhe(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return tern_offer12_any(hs, 0);
}

/* RFC 5246 section 7.4.1.4.1: the schemes tern verifies. */
static int client_build_signature_algorithms(const struct tern_hs12 *hs, unsigned msg,
                                             struct tern_writer *w)
{
    (void)hs;
    (void)msg;
    tern_hs12_write_schemes(w);
    return TERN_OK;
}

/* RFC 7250 section 4.1: announce raw public keys only when they are on the
 * table; X.509 alone is the default and goes unsaid. own: the types we
 * send (client_certificate_type), else those we take (server_...). */
static int client_needs_cert_types(const struct tern_hs12 *hs, int own)
{
    uint8_t types[2];
    size_t n = tern_hs12_cert_types(hs, own, types);
    return tern_offer12_any(hs, 1) && n > 0 && types[0] == TERN_CERT_TYPE_RAW_PUBLIC_KEY;
}

static int client_needs_client_cert_type(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return client_needs_cert_types(hs, 1);
}

static int client_needs_server_cert_type(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return client_needs_cert_types(hs, 0);
}

static int client_build_client_cert_type(const struct tern_hs12 *hs, unsigned msg,
                                         struct tern_writer *w)
{
    (void)msg;
    uint8_t types[2];
    tern_ext_cert_types_write(w, types, tern_hs12_cert_types(hs, 1, types));
    return TERN_OK;
}

static int client_build_server_cert_type(const struct tern_hs12 *hs, unsigned msg,
                                         struct tern_writer *w)
{
    (void)msg;
    uint8_t types[2];
    tern_ext_cert_types_write(w, types, tern_hs12_cert_types(hs, 0, types));
    return TERN_OK;
}

/* RFC 7250 section 4.2: the server picks one of the types offered. own:
 * the type we send (client_certificate_type), else the one it sends. */
static int client_take_cert_type(struct tern_hs12 *hs, const struct tern_reader *body, int own)
{
    if (body == NULL) {
        return TERN_OK;
    }
    uint8_t t;
    uint8_t types[2];
    TERN_TRY(tern_ext_cert_type_parse(*body, &t));
    size_t n = tern_hs12_cert_types(hs, own, types);
    TERN_ENSURE(memchr(types, t, n) != NULL, TERN_ERR_ILLEGAL_PARAMETER);
    if (own) {
        hs->own_cert_type = t;
    } else {
        hs->peer_cert_type = t;
    }
    return TERN_OK;
}

static int client_process_client_cert_type(struct tern_hs12 *hs, unsigned msg,
                                           const struct tern_reader *body)
{
    (void)msg;
    return client_take_cert_type(hs, body, 1);
}

static int client_process_server_cert_type(struct tern_hs12 *hs, unsigned msg,
                                           const struct tern_reader *body)
{
    (void)msg;
    return client_take_cert_type(hs, body, 0);
}

static int client_build_supported_groups(const struct tern_hs12 *hs, unsigned msg,
                                         struct tern_writer *w)
{
    (void)msg;
    tern_ext_u16_list_write(w, hs->params->groups, hs->params->n_groups);
    return TERN_OK;
}

static int client_process_point_formats(struct tern_hs12 *hs, unsigned msg,
                                        const struct tern_reader *body)
{
    (void)hs;
    (void)msg;
    return body == NULL ? TERN_OK : take_point_formats(body);
}

static int client_process_ems(struct tern_hs12 *hs, unsigned msg, const struct tern_reader *body)
{
    (void)msg;
    hs->sess->ems = (uint8_t)(body != NULL);
    if (body != NULL) {
        return tern_ext_empty_parse(*body);
    }
    /* RFC 7627 section 5.3: a client that requires it aborts. */
    TERN_ENSURE((hs->params->flags & TERN_FLAG_ALLOW_NO_EMS) != 0,
                TERN_ERR_NO_EXTENDED_MASTER_SECRET);
    return TERN_OK;
}

static int client_process_renegotiation_info(struct tern_hs12 *hs, unsigned msg,
                                             const struct tern_reader *body)
{
    (void)hs;
    (void)msg;
    return body == NULL ? TERN_OK : take_renegotiation_info(body);
}

static int client_process_record_size_limit(struct tern_hs12 *hs, unsigned msg,
                                            const struct tern_reader *body)
{
    (void)msg;
    return take_record_size_limit(hs, body);
}

/* ---- the server: what the ClientHello offers, and its answers --------------- */

static int answered(const struct tern_hs12 *hs, enum tern_ext_index i)
{
    return (hs->sv.echo_exts & BIT(i)) != 0;
}

static int server_needs_ems(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return answered(hs, TERN_EXTI_EXTENDED_MASTER_SECRET);
}

static int server_needs_renegotiation_info(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return answered(hs, TERN_EXTI_RENEGOTIATION_INFO);
}

static int server_needs_record_size_limit(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return answered(hs, TERN_EXTI_RECORD_SIZE_LIMIT);
}

/* RFC 7250 section 4.2: echoed only for a certificate suite, and the
 * client's type only when a CertificateRequest follows (the type was
 * chosen only then). */
static int server_needs_server_cert_type(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return answered(hs, TERN_EXTI_SERVER_CERT_TYPE) && !tern_kx_uses_psk(hs->suite->kx);
}

static int server_needs_client_cert_type(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return answered(hs, TERN_EXTI_CLIENT_CERT_TYPE) && !tern_kx_uses_psk(hs->suite->kx);
}

/* RFC 8422 section 5.2: only when an ECC suite was chosen. */
static int server_needs_point_formats(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return answered(hs, TERN_EXTI_EC_POINT_FORMATS) && tern_kx_uses_ecdhe(hs->suite->kx);
}

static int server_build_server_cert_type(const struct tern_hs12 *hs, unsigned msg,
                                         struct tern_writer *w)
{
    (void)msg;
    tern_ext_cert_type_write(w, hs->own_cert_type);
    return TERN_OK;
}

static int server_build_client_cert_type(const struct tern_hs12 *hs, unsigned msg,
                                         struct tern_writer *w)
{
    (void)msg;
    tern_ext_cert_type_write(w, hs->peer_cert_type);
    return TERN_OK;
}

static int server_process_ems(struct tern_hs12 *hs, unsigned msg, const struct tern_reader *body)
{
    (void)msg;
    if (body != NULL) {
        TERN_TRY(tern_ext_empty_parse(*body));
        hs->sess->ems = 1;
        hs->sv.echo_exts |= BIT(TERN_EXTI_EXTENDED_MASTER_SECRET);
        return TERN_OK;
    }
    /* RFC 7627 section 5.3: a server that requires it aborts. */
    TERN_ENSURE((hs->params->flags & TERN_FLAG_ALLOW_NO_EMS) != 0,
                TERN_ERR_NO_EXTENDED_MASTER_SECRET);
    return TERN_OK;
}

/* (The signalling suite of RFC 5746 section 3.3 asks for the answer too:
 * server12.c sees the suites.) */
static int server_process_renegotiation_info(struct tern_hs12 *hs, unsigned msg,
                                             const struct tern_reader *body)
{
    (void)msg;
    if (body != NULL) {
        TERN_TRY(take_renegotiation_info(body));
        hs->sv.echo_exts |= BIT(TERN_EXTI_RENEGOTIATION_INFO);
    }
    return TERN_OK;
}

static int server_process_record_size_limit(struct tern_hs12 *hs, unsigned msg,
                                            const struct tern_reader *body)
{
    (void)msg;
    TERN_TRY(take_record_size_limit(hs, body));
    if (body != NULL) {
        hs->sv.echo_exts |= BIT(TERN_EXTI_RECORD_SIZE_LIMIT);
    }
    return TERN_OK;
}

/* The first of the peer's types (its preference order) that we have. */
static int first_common(struct tern_reader offered, const uint8_t *ours, size_t n, uint8_t *out)
{
    uint8_t t;
    while (tern_r_u8(&offered, &t) == TERN_OK) {
        if (memchr(ours, t, n) != NULL) {
            *out = t;
            return 1;
        }
    }
    return 0;
}

/* RFC 7250 section 4.2: which certificate type each side sends. Without
 * the extensions both are X.509. */
static int server_process_server_cert_type(struct tern_hs12 *hs, unsigned msg,
                                           const struct tern_reader *body)
{
    (void)msg;
    if (body == NULL) {
        return TERN_OK;
    }
    uint8_t ours[2];
    struct tern_reader offered;
    TERN_TRY(tern_ext_cert_types_parse(*body, &offered));
    size_t n = tern_hs12_cert_types(hs, 1, ours);
    if (first_common(offered, ours, n, &hs->own_cert_type)) {
        hs->sv.echo_exts |= BIT(TERN_EXTI_SERVER_CERT_TYPE);
    } else if (!tern_params_has_psk(hs->params)) {
        /* No type in common: no certificate suite can be served. */
        return TERN_ERR_UNSUPPORTED_CERTIFICATE;
    }
    return TERN_OK;
}

static int server_process_client_cert_type(struct tern_hs12 *hs, unsigned msg,
                                           const struct tern_reader *body)
{
    (void)msg;
    if (body == NULL || hs->params->client_auth == TERN_CLIENT_AUTH_NONE) {
        return TERN_OK;
    }
    uint8_t ours[2];
    struct tern_reader offered;
    TERN_TRY(tern_ext_cert_types_parse(*body, &offered));
    size_t n = tern_hs12_cert_types(hs, 0, ours);
    if (first_common(offered, ours, n, &hs->peer_cert_type)) {
        hs->sv.echo_exts |= BIT(TERN_EXTI_CLIENT_CERT_TYPE);
    }
    return TERN_OK;
}

static int server_process_point_formats(struct tern_hs12 *hs, unsigned msg,
                                        const struct tern_reader *body)
{
    (void)msg;
    if (body != NULL) {
        TERN_TRY(take_point_formats(body));
        hs->sv.echo_exts |= BIT(TERN_EXTI_EC_POINT_FORMATS);
    }
    return TERN_OK;
}

/* RFC 6066 section 3: the name picks among our chains. A list without a
 * host_name entry names nothing; nor does an address, which HostName may
 * not hold. */
static int server_process_server_name(struct tern_hs12 *hs, unsigned msg,
                                      const struct tern_reader *body)
{
    (void)msg;
    if (body == NULL) {
        return TERN_OK;
    }
    struct tern_reader host;
    TERN_TRY(tern_ext_server_name_parse(*body, &host));
    if (host.len > 0 && host.len < sizeof(hs->server_name) && memchr(host.p, 0, host.len) == NULL) {
        memcpy(hs->server_name, host.p, host.len);
        hs->server_name[host.len] = '\0';
        if (tern_x509_name_kind(hs->server_name) != TERN_X509_NAME_DNS) {
            hs->server_name[0] = '\0';
        }
    }
    return TERN_OK;
}

static int server_process_signature_algorithms(struct tern_hs12 *hs, unsigned msg,
                                               const struct tern_reader *body)
{
    (void)msg;
    if (body != NULL) {
        struct tern_reader schemes;
        TERN_TRY(tern_ext_u16_list_parse(*body, &schemes));
        tern_hs12_set_peer_schemes(hs, schemes);
    }
    return TERN_OK;
}

/* ---- ALPN (RFC 7301) ---------------------------------------------------------- */

/* The protocols this side configured (tern_config_set_alpn()), as the
 * entries of a ProtocolNameList. */
static struct tern_reader our_protocols(const struct tern_hs12 *hs)
{
    struct tern_reader r;
    tern_r_init(&r, hs->params->alpn, hs->params->alpn_len);
    return r;
}

/* Keeps ours, an entry of our own list, by its place in that list. */
static void keep_protocol(struct tern_hs12 *hs, struct tern_reader ours)
{
    hs->sess->alpn_at = (uint16_t)(ours.p - hs->params->alpn);
    hs->sess->alpn_len = (uint8_t)ours.len;
}

static void forget_protocol(struct tern_hs12 *hs)
{
    hs->sess->alpn_at = 0;
    hs->sess->alpn_len = 0;
}

/* Our entry equal to name (1 when found). */
static int find_ours(const struct tern_hs12 *hs, struct tern_reader name, struct tern_reader *ours)
{
    struct tern_reader list = our_protocols(hs);
    while (tern_ext_alpn_next(&list, ours)) {
        if (ours->len == name.len && memcmp(ours->p, name.p, name.len) == 0) {
            return 1;
        }
    }
    return 0;
}

static int client_needs_alpn(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return hs->params->alpn_len > 0;
}

/* RFC 7301 section 3.1: the client's protocols "in descending order of
 * preference". */
static int client_build_alpn(const struct tern_hs12 *hs, unsigned msg, struct tern_writer *w)
{
    (void)msg;
    tern_ext_alpn_write(w, hs->params->alpn, hs->params->alpn_len);
    return TERN_OK;
}

/* No answer from the server: no protocol, and the handshake goes on (the
 * application reads tern_conn_alpn() and decides). An answer is one name
 * (tern_exts_check_bodies() refused any other count), and must be one we
 * offered (RFC 7301 section 3.2: the server "will only select a protocol
 * if the client supports it"); an answer to a client that offered none was
 * refused as unsupported_extension before this. */
static int client_process_alpn(struct tern_hs12 *hs, unsigned msg, const struct tern_reader *body)
{
    (void)msg;
    forget_protocol(hs);
    if (body == NULL) {
        return TERN_OK;
    }
    struct tern_reader name;
    TERN_TRY(tern_ext_alpn_selected_parse(*body, &name));
    struct tern_reader ours;
    TERN_ENSURE(find_ours(hs, name, &ours), TERN_ERR_ILLEGAL_PARAMETER);
    keep_protocol(hs, ours);
    return TERN_OK;
}

static int server_needs_alpn(const struct tern_hs12 *hs, unsigned msg)
{
    (void)msg;
    return answered(hs, TERN_EXTI_ALPN);
}

/* RFC 7301 section 3.1: the ServerHello's list holds exactly one name. */
static int server_build_alpn(const struct tern_hs12 *hs, unsigned msg, struct tern_writer *w)
{
    (void)msg;
    tern_ext_alpn_selected_write(w, hs->params->alpn + hs->sess->alpn_at, hs->sess->alpn_len);
    return TERN_OK;
}

/* RFC 7301 section 3.2: "the server SHOULD select the most highly
 * preferred protocol that it supports and that is also advertised by the
 * client": the server's order decides. A server without a list ignores
 * the client's, as it would any name it does not recognize (section 3.1).
 * The work is bounded: at most TERN_ALPN_MAX_PROTOCOLS passes over the
 * client's list. */
static int server_process_alpn(struct tern_hs12 *hs, unsigned msg, const struct tern_reader *body)
{
    (void)msg;
    forget_protocol(hs);
    if (body == NULL || hs->params->alpn_len == 0) {
        return TERN_OK;
    }
    struct tern_reader offered;
    TERN_TRY(tern_ext_alpn_parse(*body, &offered));
    struct tern_reader ours = our_protocols(hs);
    struct tern_reader name;
    while (tern_ext_alpn_next(&ours, &name)) {
        if (tern_ext_alpn_contains(offered, name.p, name.len)) {
            keep_protocol(hs, name);
            hs->sv.echo_exts |= BIT(TERN_EXTI_ALPN);
            return TERN_OK;
        }
    }
    /* RFC 7301 section 3.2: "In the event that the server supports no
     * protocols that the client advertises, then the server SHALL respond
     * with a fatal "no_application_protocol" alert." */
    return TERN_ERR_NO_APPLICATION_PROTOCOL;
}

/* ---- the table --------------------------------------------------------------- */

/* In the order both roles process the peer's extensions (what every
 * handshake requires first), which is also the order of a ServerHello's. A
 * server never answers server_name (RFC 6066 section 3 allows an empty one;
 * tern has no use for it); supported_groups is read where the suite is
 * chosen (server12.c), since the groups decide which suites can be served. */
static const struct tern_ext12 g_rows[] = {
    {TERN_EXTI_EXTENDED_MASTER_SECRET,
     {always, NULL, client_process_ems},
     {server_needs_ems, NULL, server_process_ems}},
    {TERN_EXTI_RENEGOTIATION_INFO,
     {always, build_renegotiation_info, client_process_renegotiation_info},
     {server_needs_renegotiation_info, build_renegotiation_info,
      server_process_renegotiation_info}},
    {TERN_EXTI_RECORD_SIZE_LIMIT,
     {always, build_record_size_limit, client_process_record_size_limit},
     {server_needs_record_size_limit, build_record_size_limit, server_process_record_size_limit}},
    {TERN_EXTI_SERVER_CERT_TYPE,
     {client_needs_server_cert_type, client_build_server_cert_type,
      client_process_server_cert_type},
     {server_needs_server_cert_type, server_build_server_cert_type,
      server_process_server_cert_type}},
    {TERN_EXTI_CLIENT_CERT_TYPE,
     {client_needs_client_cert_type, client_build_client_cert_type,
      client_process_client_cert_type},
     {server_needs_client_cert_type, server_build_client_cert_type,
      server_process_client_cert_type}},
    {TERN_EXTI_EC_POINT_FORMATS,
     {client_offers_ecdhe, build_point_formats, client_process_point_formats},
     {server_needs_point_formats, build_point_formats, server_process_point_formats}},
    {TERN_EXTI_SERVER_NAME,
     {client_needs_server_name, client_build_server_name, NULL},
     {NULL, NULL, server_process_server_name}},
    {TERN_EXTI_SIGNATURE_ALGORITHMS,
     {client_offers_certs, client_build_signature_algorithms, NULL},
     {NULL, NULL, server_process_signature_algorithms}},
    {TERN_EXTI_SUPPORTED_GROUPS,
     {client_offers_ecdhe, client_build_supported_groups, NULL},
     {NULL, NULL, NULL}},
    {TERN_EXTI_ALPN,
     {client_needs_alpn, client_build_alpn, client_process_alpn},
     {server_needs_alpn, server_build_alpn, server_process_alpn}},
};

#define N_ROWS (sizeof(g_rows) / sizeof(g_rows[0]))

/* A ClientHello lists the extensions in this order, as tern's always has:
 * peers' fingerprints and the hellos recorded in the fuzz seeds depend on
 * these bytes. */
static const uint8_t g_client_hello_order[] = {
    TERN_EXTI_SERVER_NAME,
    TERN_EXTI_SIGNATURE_ALGORITHMS,
    TERN_EXTI_CLIENT_CERT_TYPE,
    TERN_EXTI_SERVER_CERT_TYPE,
    TERN_EXTI_SUPPORTED_GROUPS,
    TERN_EXTI_EC_POINT_FORMATS,
    TERN_EXTI_EXTENDED_MASTER_SECRET,
    TERN_EXTI_RENEGOTIATION_INFO,
    TERN_EXTI_RECORD_SIZE_LIMIT,
    TERN_EXTI_ALPN,
};

_Static_assert(sizeof(g_client_hello_order) == N_ROWS, "every row has a place in a ClientHello");

const struct tern_ext12 *tern_ext12_rows(size_t *n)
{
    *n = N_ROWS;
    return g_rows;
}

const uint8_t *tern_ext12_client_hello_order(size_t *n)
{
    *n = N_ROWS;
    return g_client_hello_order;
}

static const struct tern_ext12 *row_for(unsigned index)
{
    for (size_t i = 0; i < N_ROWS; i++) {
        if (g_rows[i].index == index) {
            return &g_rows[i];
        }
    }
    return NULL;
}

int tern_hs12_exts_build(struct tern_hs12 *hs, unsigned msg, struct tern_writer *w)
{
    if (hs->is_client) {
        hs->cl.offered_exts = 0;
    }
    struct tern_w_mark block = tern_w_open16(w);
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct tern_ext12 *row = msg == CH ? row_for(g_client_hello_order[i]) : &g_rows[i];
        if (row == NULL) {
            continue; /* none: ext12_test checks that the order names every row once */
        }
        const struct tern_ext12_role *role = hs->is_client ? &row->client : &row->server;
        enum tern_ext_index index = (enum tern_ext_index)row->index;
        if (role->needs == NULL || (tern_ext_allowed(index) & msg) == 0 || !role->needs(hs, msg)) {
            continue;
        }
        tern_w_u16(w, tern_ext_type(index));
        struct tern_w_mark body = tern_w_open16(w);
        if (role->build != NULL) {
            TERN_TRY(role->build(hs, msg, w));
        }
        tern_w_close(w, body);
        if (hs->is_client) {
            hs->cl.offered_exts |= BIT(index);
        }
    }
    tern_w_close(w, block);
    return TERN_OK;
}

int tern_hs12_exts_process(struct tern_hs12 *hs, unsigned msg, const struct tern_exts *e)
{
    if (hs->is_client) {
        /* RFC 5246 section 7.4.1.4: "If a client receives an extension
         * type in ServerHello that it did not request in the associated
         * ClientHello, it MUST abort the handshake with an
         * unsupported_extension fatal alert"; a type tern does not know
         * was never offered. */
        TERN_ENSURE((e->present & ~hs->cl.offered_exts) == 0 && e->unknown == 0,
                    TERN_ERR_UNSUPPORTED_EXTENSION);
    }
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct tern_ext12 *row = &g_rows[i];
        const struct tern_ext12_role *role = hs->is_client ? &row->client : &row->server;
        if (role->process == NULL) {
            continue;
        }
        enum tern_ext_index index = (enum tern_ext_index)row->index;
        const struct tern_reader *body = tern_exts_has(e, index) ? &e->body[index] : NULL;
        TERN_TRY(role->process(hs, msg, body));
    }
    return TERN_OK;
}
