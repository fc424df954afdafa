/* Adversarial cases: the contents of hello, key exchange and certificate
 * messages. Unprotected (every message here comes in epoch 0), malformed
 * structure is dropped and counted: anyone could have sent it, and the
 * real message may still come. A well-formed but forbidden value is
 * illegal_parameter, an extension where it may not be is
 * unsupported_extension: each is fatal, with that alert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adv.h"
#include "handshake/ext.h"

static const uint16_t g_psk_suite[] = {0xc0a8};
static const uint8_t g_empty[1];

/* Sends a ClientHello offering TLS_PSK_WITH_AES_128_CCM_8 with the given
 * extensions block to a fresh server; returns what receive returned. */
static int hello_to_server(struct tern_conn **s, const uint8_t *exts, size_t ext_len)
{
    *s = adv_server(adv_psk_config(TERN_ROLE_SERVER, NULL, 0));
    uint8_t body[ADV_DGRAM];
    size_t n = adv_client_hello_body(body, sizeof(body), g_psk_suite, 1, exts, ext_len, NULL, 0);
    uint8_t d[ADV_DGRAM * 2];
    size_t len = adv_message(d, sizeof(d), TERN_HS_CLIENT_HELLO, 0, 0, body, (uint32_t)n);
    return adv_feed(*s, d, len);
}

/* The extensions block with EMS, then the extra entries. */
static size_t with_ems(uint8_t *exts, size_t cap, const uint8_t *extra, size_t extra_len)
{
    size_t n = adv_ext(exts, cap, 0, TERN_EXT_EXTENDED_MASTER_SECRET, g_empty, 0);
    if (extra_len > 0) {
        memcpy(exts + n, extra, extra_len);
    }
    return n + extra_len;
}

/* The ClientHello with extra after EMS does not decode: dropped as
 * malformed, nothing sent, and the real ClientHello is answered after it. */
static void server_drops(const uint8_t *extra, size_t extra_len)
{
    uint8_t exts[ADV_DGRAM];
    size_t n = with_ems(exts, sizeof(exts), extra, extra_len);
    struct tern_conn *s = NULL;
    CHECK_INT(hello_to_server(&s, exts, n), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_MALFORMED), 1);
    CHECK_INT(tern_conn_state(s), TERN_STATE_HANDSHAKING);
    adv_expect_silent(s);
    n = with_ems(exts, sizeof(exts), NULL, 0);
    uint8_t body[ADV_DGRAM];
    size_t bl = adv_client_hello_body(body, sizeof(body), g_psk_suite, 1, exts, n, NULL, 0);
    uint8_t d[ADV_DGRAM * 2];
    size_t len = adv_message(d, sizeof(d), TERN_HS_CLIENT_HELLO, 0, 1, body, (uint32_t)bl);
    CHECK_INT(adv_feed(s, d, len), TERN_OK);
    uint8_t out[ADV_DGRAM];
    CHECK(tern_conn_pull(s, 0, out, sizeof(out)) > 0);
    tern_conn_free(s);
}

static void server_refuses(const uint8_t *extra, size_t extra_len, int err, int alert)
{
    uint8_t exts[ADV_DGRAM];
    size_t n = with_ems(exts, sizeof(exts), extra, extra_len);
    struct tern_conn *s = NULL;
    CHECK_INT(hello_to_server(&s, exts, n), err);
    adv_expect_failed(s, err, alert);
    tern_conn_free(s);
}

void adv_ext_duplicate(void);
void adv_ext_duplicate(void)
{
    /* RFC 5246 section 7.4.1.4: "There MUST NOT be more than one extension
     * of the same type." Known or not. */
    uint8_t extra[64];
    size_t n = adv_ext(extra, sizeof(extra), 0, TERN_EXT_EXTENDED_MASTER_SECRET, g_empty, 0);
    server_drops(extra, n);
    n = adv_ext(extra, sizeof(extra), 0, 0x7a7a, g_empty, 0);
    n = adv_ext(extra, sizeof(extra), n, 0x7a7a, g_empty, 0);
    server_drops(extra, n);
}

void adv_ext_unknown_many(void);
void adv_ext_unknown_many(void)
{
    /* RFC 5246 section 7.4.1.4: extensions the receiver does not know are
     * ignored, however many: 200 zero-length ones do not fail the hello,
     * and only the block's length bounds the work. */
    uint8_t extra[4 * 200];
    size_t n = 0;
    for (uint16_t i = 0; i < 200; i++) {
        n = adv_ext(extra, sizeof(extra), n, (uint16_t)(0x4a00 + i), g_empty, 0);
    }
    uint8_t exts[ADV_DGRAM];
    size_t len = with_ems(exts, sizeof(exts), extra, n);
    struct tern_conn *s = NULL;
    CHECK_INT(hello_to_server(&s, exts, len), TERN_OK);
    uint8_t out[ADV_DGRAM];
    CHECK(tern_conn_pull(s, 0, out, sizeof(out)) > 0);
    CHECK_INT(tern_conn_dropped(s), 0);
    tern_conn_free(s);
}

void adv_ext_length_past_block(void);
void adv_ext_length_past_block(void)
{
    /* An extension whose length runs past the block. */
    static const uint8_t extra[] = {0x00, 0x1c, 0x00, 0x10, 0x40, 0x00};
    server_drops(extra, sizeof(extra));
    /* A block that ends inside an extension header. */
    static const uint8_t half[] = {0x00, 0x1c, 0x00};
    server_drops(half, sizeof(half));
}

void adv_ext_record_size_limit_too_small(void);
void adv_ext_record_size_limit_too_small(void)
{
    /* RFC 8449 section 4: below 64 is illegal_parameter. */
    static const uint8_t limit[2] = {0x00, 63};
    uint8_t extra[16];
    size_t n = adv_ext(extra, sizeof(extra), 0, TERN_EXT_RECORD_SIZE_LIMIT, limit, 2);
    server_refuses(extra, n, TERN_ERR_ILLEGAL_PARAMETER, 47);
}

void adv_ext_point_formats_without_uncompressed(void);
void adv_ext_point_formats_without_uncompressed(void)
{
    /* RFC 8422 section 5.1.2: the list must contain uncompressed (0). */
    static const uint8_t formats[3] = {2, 1, 2};
    uint8_t extra[16];
    size_t n = adv_ext(extra, sizeof(extra), 0, TERN_EXT_EC_POINT_FORMATS, formats, 3);
    server_refuses(extra, n, TERN_ERR_ILLEGAL_PARAMETER, 47);
    static const uint8_t empty_list[1] = {0};
    n = adv_ext(extra, sizeof(extra), 0, TERN_EXT_EC_POINT_FORMATS, empty_list, 1);
    server_drops(extra, n);
}

void adv_ext_server_name_malformed(void);
void adv_ext_server_name_malformed(void)
{
    /* An empty name list, and a host name of length 0 (RFC 6066 section 3). */
    static const uint8_t empty_list[2] = {0, 0};
    uint8_t extra[32];
    size_t n = adv_ext(extra, sizeof(extra), 0, TERN_EXT_SERVER_NAME, empty_list, 2);
    server_drops(extra, n);
    static const uint8_t empty_name[5] = {0, 3, 0, 0, 0};
    n = adv_ext(extra, sizeof(extra), 0, TERN_EXT_SERVER_NAME, empty_name, 5);
    server_drops(extra, n);
}

void adv_ext_renegotiation_info_not_empty(void);
void adv_ext_renegotiation_info_not_empty(void)
{
    /* RFC 5746 section 3.6: on an initial handshake the
     * renegotiated_connection field must be empty, else handshake_failure. */
    static const uint8_t info[13] = {12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    uint8_t extra[32];
    size_t n = adv_ext(extra, sizeof(extra), 0, TERN_EXT_RENEGOTIATION_INFO, info, sizeof(info));
    server_refuses(extra, n, TERN_ERR_HANDSHAKE_FAILURE, 40);
}

/* A client waiting for the ServerHello, fed one built from parts. */
static struct tern_conn *client_gets_server_hello(uint16_t version, uint16_t suite,
                                                  const uint8_t *exts, size_t ext_len, int *rc)
{
    struct adv_rng rng = {41};
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), NULL, NULL);
    uint8_t body[ADV_DGRAM];
    struct tern_writer w;
    tern_w_init(&w, body, sizeof(body));
    tern_w_u16(&w, version);
    static const uint8_t random[32] = {0x5e, 0x7e};
    tern_w_bytes(&w, random, sizeof(random));
    tern_w_u8(&w, 0);
    tern_w_u16(&w, suite);
    tern_w_u8(&w, 0);
    struct tern_w_mark m = tern_w_open16(&w);
    tern_w_bytes(&w, exts, ext_len);
    tern_w_close(&w, m);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    uint8_t d[ADV_DGRAM];
    size_t n = adv_message(d, sizeof(d), TERN_HS_SERVER_HELLO, 0, 0, body, (uint32_t)w.len);
    *rc = adv_feed(c, d, n);
    return c;
}

void adv_server_hello_unsolicited_extension(void);
void adv_server_hello_unsolicited_extension(void)
{
    /* RFC 5246 section 7.4.1.4: a server may only answer extensions the
     * client offered; a PSK client offers no certificate types. */
    uint8_t exts[64];
    size_t n = adv_ext(exts, sizeof(exts), 0, TERN_EXT_EXTENDED_MASTER_SECRET, g_empty, 0);
    static const uint8_t type[1] = {2};
    n = adv_ext(exts, sizeof(exts), n, TERN_EXT_SERVER_CERT_TYPE, type, 1);
    int rc = 0;
    struct tern_conn *c = client_gets_server_hello(0xfefd, 0xc0a8, exts, n, &rc);
    CHECK_INT(rc, TERN_ERR_UNSUPPORTED_EXTENSION);
    adv_expect_failed(c, TERN_ERR_UNSUPPORTED_EXTENSION, 110);
    tern_conn_free(c);
    /* supported_groups never appears in a ServerHello (RFC 8422 section 5.2). */
    static const uint8_t groups[4] = {0, 2, 0, 29};
    n = adv_ext(exts, sizeof(exts), 0, TERN_EXT_EXTENDED_MASTER_SECRET, g_empty, 0);
    n = adv_ext(exts, sizeof(exts), n, TERN_EXT_SUPPORTED_GROUPS, groups, 4);
    c = client_gets_server_hello(0xfefd, 0xc0a8, exts, n, &rc);
    CHECK_INT(rc, TERN_ERR_UNSUPPORTED_EXTENSION);
    adv_expect_failed(c, TERN_ERR_UNSUPPORTED_EXTENSION, 110);
    tern_conn_free(c);
    /* A type tern does not know cannot have been offered either (it was
     * accepted before). */
    n = adv_ext(exts, sizeof(exts), 0, TERN_EXT_EXTENDED_MASTER_SECRET, g_empty, 0);
    n = adv_ext(exts, sizeof(exts), n, 0x7a7a, g_empty, 0);
    c = client_gets_server_hello(0xfefd, 0xc0a8, exts, n, &rc);
    CHECK_INT(rc, TERN_ERR_UNSUPPORTED_EXTENSION);
    adv_expect_failed(c, TERN_ERR_UNSUPPORTED_EXTENSION, 110);
    tern_conn_free(c);
}

void adv_server_hello_suite_not_offered(void);
void adv_server_hello_suite_not_offered(void)
{
    /* A suite the client did not offer (here a CBC suite tern never
     * speaks): illegal_parameter (RFC 5246 section 7.4.1.3). */
    uint8_t exts[16];
    size_t n = adv_ext(exts, sizeof(exts), 0, TERN_EXT_EXTENDED_MASTER_SECRET, g_empty, 0);
    int rc = 0;
    struct tern_conn *c = client_gets_server_hello(0xfefd, 0x00ae, exts, n, &rc);
    CHECK_INT(rc, TERN_ERR_ILLEGAL_PARAMETER);
    adv_expect_failed(c, TERN_ERR_ILLEGAL_PARAMETER, 47);
    tern_conn_free(c);
}

void adv_server_hello_wrong_version(void);
void adv_server_hello_wrong_version(void)
{
    /* RFC 5246 appendix E.1: a version the client does not support is
     * answered with protocol_version: DTLS 1.0, TLS 1.2's code point, and
     * one newer than anything offered. */
    uint8_t exts[16];
    size_t n = adv_ext(exts, sizeof(exts), 0, TERN_EXT_EXTENDED_MASTER_SECRET, g_empty, 0);
    static const uint16_t versions[] = {0xfeff, 0x0303, 0xfefc};
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        int rc = 0;
        struct tern_conn *c = client_gets_server_hello(versions[i], 0xc0a8, exts, n, &rc);
        CHECK_INT(rc, TERN_ERR_PROTOCOL_VERSION);
        adv_expect_failed(c, TERN_ERR_PROTOCOL_VERSION, 70);
        tern_conn_free(c);
    }
}

void adv_client_hello_old_version(void);
void adv_client_hello_old_version(void)
{
    /* A client that offers only DTLS 1.0: protocol_version. */
    uint8_t exts[16];
    size_t n = adv_ext(exts, sizeof(exts), 0, TERN_EXT_EXTENDED_MASTER_SECRET, g_empty, 0);
    uint8_t body[ADV_DGRAM];
    size_t len = adv_client_hello_body(body, sizeof(body), g_psk_suite, 1, exts, n, NULL, 0);
    body[0] = 0xfe;
    body[1] = 0xff;
    struct tern_conn *s = adv_server(adv_psk_config(TERN_ROLE_SERVER, NULL, 0));
    uint8_t d[ADV_DGRAM];
    size_t dl = adv_message(d, sizeof(d), TERN_HS_CLIENT_HELLO, 0, 0, body, (uint32_t)len);
    CHECK_INT(adv_feed(s, d, dl), TERN_ERR_PROTOCOL_VERSION);
    adv_expect_failed(s, TERN_ERR_PROTOCOL_VERSION, 70);
    tern_conn_free(s);
}

void adv_client_hello_record_number_near_limit(void);
void adv_client_hello_record_number_near_limit(void)
{
    /* A server continues from a ClientHello's record number (RFC 6347
     * section 4.2.1), but epoch 0 is not authenticated: a ClientHello
     * numbered 2^48 - 1 must not leave the server without numbers of its
     * own. It answers, and its records stay far below the limit. */
    struct adv_rng rng = {53};
    uint8_t ch[ADV_DGRAM];
    size_t ch_len = 0;
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), ch, &ch_len);
    tern_conn_free(c);
    for (int i = 5; i < 11; i++) {
        ch[i] = 0xff; /* sequence_number */
    }
    struct tern_conn *s = adv_server(adv_psk_config(TERN_ROLE_SERVER, NULL, 0));
    CHECK_INT(adv_feed(s, ch, ch_len), TERN_OK);
    uint8_t out[ADV_DGRAM];
    ptrdiff_t n = tern_conn_pull(s, 0, out, sizeof(out));
    CHECK(n > TERN_REC12_HEADER_LEN);
    CHECK_INT(out[5], 0);
    CHECK_INT(out[6], 0);
    CHECK_INT(tern_conn_state(s), TERN_STATE_HANDSHAKING);
    tern_conn_free(s);
}

/* ---- PSK --------------------------------------------------------------------------- */

/* A server that accepted a ClientHello and now waits for the key exchange. */
static struct tern_conn *server_after_hello(void)
{
    struct adv_rng rng = {51};
    uint8_t ch[ADV_DGRAM];
    size_t ch_len = 0;
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), ch, &ch_len);
    tern_conn_free(c);
    struct tern_conn *s = adv_server(adv_psk_config(TERN_ROLE_SERVER, NULL, 0));
    CHECK_INT(adv_feed(s, ch, ch_len), TERN_OK);
    uint8_t out[ADV_DGRAM];
    while (tern_conn_pull(s, 0, out, sizeof(out)) > 0) {
    }
    return s;
}

void adv_psk_identity_too_long(void);
void adv_psk_identity_too_long(void)
{
    /* RFC 4279 section 5.3: identities are at most 128 bytes. */
    struct tern_conn *s = server_after_hello();
    uint8_t body[2 + 129];
    body[0] = 0;
    body[1] = 129;
    memset(body + 2, 'i', 129);
    uint8_t d[ADV_DGRAM];
    size_t n = adv_message(d, sizeof(d), TERN_HS_CLIENT_KEY_EXCHANGE, 1, 1, body, sizeof(body));
    CHECK_INT(adv_feed(s, d, n), TERN_ERR_ILLEGAL_PARAMETER);
    adv_expect_failed(s, TERN_ERR_ILLEGAL_PARAMETER, 47);
    tern_conn_free(s);
}

void adv_psk_identity_length_past_message(void);
void adv_psk_identity_length_past_message(void)
{
    struct tern_conn *s = server_after_hello();
    static const uint8_t body[5] = {0, 40, 'a', 'd', 'v'};
    uint8_t d[ADV_DGRAM];
    size_t n = adv_message(d, sizeof(d), TERN_HS_CLIENT_KEY_EXCHANGE, 1, 1, body, sizeof(body));
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_MALFORMED), 1);
    CHECK_INT(tern_conn_state(s), TERN_STATE_HANDSHAKING);
    adv_expect_silent(s);
    tern_conn_free(s);
}

void adv_psk_unknown_identity(void);
void adv_psk_unknown_identity(void)
{
    /* RFC 4279 section 2 lets a server hide whether an identity exists:
     * an unknown one is answered exactly as a known one (with the wrong
     * key, it fails later, at the client's Finished): no alert now, and
     * the handshake waits. */
    static const uint8_t who[6] = {0, 4, 'w', 'h', 'o', '?'};
    static const uint8_t adv[5] = {0, 3, 'a', 'd', 'v'};
    const uint8_t *bodies[2] = {who, adv};
    size_t lens[2] = {sizeof(who), sizeof(adv)};
    for (int i = 0; i < 2; i++) {
        struct tern_conn *s = server_after_hello();
        uint8_t d[ADV_DGRAM];
        size_t n = adv_message(d, sizeof(d), TERN_HS_CLIENT_KEY_EXCHANGE, 1, 1, bodies[i],
                               (uint32_t)lens[i]);
        CHECK_INT(adv_feed(s, d, n), TERN_OK);
        CHECK_INT(tern_conn_state(s), TERN_STATE_HANDSHAKING);
        adv_expect_silent(s);
        tern_conn_free(s);
    }
}

void adv_psk_identity_hint_too_long(void);
void adv_psk_identity_hint_too_long(void)
{
    /* The client's side: a ServerKeyExchange hint over 128 bytes. */
    uint8_t exts[16];
    size_t n = adv_ext(exts, sizeof(exts), 0, TERN_EXT_EXTENDED_MASTER_SECRET, g_empty, 0);
    int rc = 0;
    struct tern_conn *c = client_gets_server_hello(0xfefd, 0xc0a8, exts, n, &rc);
    CHECK_INT(rc, TERN_OK);
    uint8_t body[2 + 200];
    body[0] = 0;
    body[1] = 200;
    memset(body + 2, 'h', 200);
    uint8_t d[ADV_DGRAM];
    n = adv_message(d, sizeof(d), TERN_HS_SERVER_KEY_EXCHANGE, 1, 1, body, sizeof(body));
    CHECK_INT(adv_feed(c, d, n), TERN_ERR_ILLEGAL_PARAMETER);
    adv_expect_failed(c, TERN_ERR_ILLEGAL_PARAMETER, 47);
    tern_conn_free(c);
}

void adv_ecdhe_point_invalid(void);
void adv_ecdhe_point_invalid(void)
{
    /* An ECDHE_PSK key share that is not a point of the group (RFC 8422
     * section 5.11: validate the peer's point). The server offers the
     * default groups; X25519 takes any 32 bytes except the low-order
     * points, so use P-256 with an uncompressed point off the curve. */
    static const uint16_t suite = 0xd001;
    static const uint16_t group = 23; /* secp256r1 */
    struct adv_rng rng = {52};
    struct tern_config *cc = adv_psk_config(TERN_ROLE_CLIENT, &rng, 0);
    CHECK_INT(tern_config_set_suites(cc, &suite, 1), TERN_OK);
    CHECK_INT(tern_config_set_groups(cc, &group, 1), TERN_OK);
    uint8_t ch[ADV_DGRAM];
    size_t ch_len = 0;
    struct tern_conn *c = adv_client(cc, ch, &ch_len);
    tern_conn_free(c);
    struct tern_conn *s = adv_server(adv_psk_config(TERN_ROLE_SERVER, NULL, 0));
    CHECK_INT(adv_feed(s, ch, ch_len), TERN_OK);
    uint8_t out[ADV_DGRAM];
    while (tern_conn_pull(s, 0, out, sizeof(out)) > 0) {
    }
    uint8_t body[2 + 3 + 1 + 65];
    body[0] = 0;
    body[1] = 3;
    memcpy(body + 2, adv_psk_id, 3);
    body[5] = 65;
    body[6] = 4;
    memset(body + 7, 0x11, 64); /* (0x11..11, 0x11..11) is not on P-256 */
    uint8_t d[ADV_DGRAM];
    size_t n = adv_message(d, sizeof(d), TERN_HS_CLIENT_KEY_EXCHANGE, 1, 1, body, sizeof(body));
    int rc = adv_feed(s, d, n);
    CHECK(rc == TERN_ERR_BAD_KEY_SHARE || rc == TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(tern_conn_state(s), TERN_STATE_FAILED);
    CHECK_INT(tern_conn_alert_sent(s), 47);
    tern_conn_free(s);
}

/* ---- certificates ------------------------------------------------------------------- */

/* The DER of the test PKI's server certificate. */
static size_t server_der(uint8_t *out, size_t cap)
{
    const uint8_t *der[1];
    size_t len[1] = {0};
    CHECK_INT(adv_pki_der("server-ec.pem", out, cap, der, len, 1), 1);
    return len[0];
}

/* A Certificate message of n copies of der (n at most 20). */
static int send_copies(struct tern_conn *c, const uint8_t *der, size_t der_len, size_t n)
{
    const uint8_t *list[20];
    size_t lens[20];
    for (size_t i = 0; i < n && i < 20; i++) {
        list[i] = der;
        lens[i] = der_len;
    }
    return adv_send_certificate(c, list, lens, n < 20 ? n : 20);
}

void adv_certificate_chain_too_long(void);
void adv_certificate_chain_too_long(void)
{
    /* A chain longer than tern ever verifies is refused as a bad
     * certificate before any of it reaches the X.509 code. */
    struct tern_conn *c = adv_cert_client(adv_cert_client_config());
    uint8_t der[4096];
    size_t der_len = server_der(der, sizeof(der));
    CHECK(der_len > 0);
    CHECK_INT(send_copies(c, der, der_len, 20), TERN_ERR_BAD_CERTIFICATE);
    adv_expect_failed(c, TERN_ERR_BAD_CERTIFICATE, 42);
    tern_conn_free(c);
}

void adv_certificate_garbage(void);
void adv_certificate_garbage(void)
{
    /* Bytes that are not DER: bad_certificate. */
    struct tern_conn *c = adv_cert_client(adv_cert_client_config());
    uint8_t junk[300];
    for (size_t i = 0; i < sizeof(junk); i++) {
        junk[i] = (uint8_t)(i * 31 + 7);
    }
    CHECK_INT(send_copies(c, junk, sizeof(junk), 1), TERN_ERR_BAD_CERTIFICATE);
    adv_expect_failed(c, TERN_ERR_BAD_CERTIFICATE, 42);
    tern_conn_free(c);
    /* A DER certificate with bytes after it inside its entry. */
    c = adv_cert_client(adv_cert_client_config());
    uint8_t der[4096];
    size_t der_len = server_der(der, sizeof(der) - 8);
    memset(der + der_len, 0, 8);
    CHECK_INT(send_copies(c, der, der_len + 8, 1), TERN_ERR_BAD_CERTIFICATE);
    tern_conn_free(c);
}

void adv_certificate_list_length_mismatch(void);
void adv_certificate_list_length_mismatch(void)
{
    struct tern_conn *c = adv_cert_client(adv_cert_client_config());
    /* The list claims 100 bytes, one entry of 200 follows. */
    uint8_t body[3 + 3 + 200];
    memset(body, 0x30, sizeof(body));
    body[0] = 0;
    body[1] = 0;
    body[2] = 100;
    body[3] = 0;
    body[4] = 0;
    body[5] = 200;
    uint8_t d[ADV_DGRAM];
    size_t n = adv_message(d, sizeof(d), TERN_HS_CERTIFICATE, 1, 1, body, sizeof(body));
    CHECK_INT(adv_feed(c, d, n), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(c, TERN_DROP_MALFORMED), 1);
    CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
    adv_expect_silent(c);
    tern_conn_free(c);
}
