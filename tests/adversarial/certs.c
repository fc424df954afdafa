/* Adversarial cases: certificate chains whose problems an application
 * might be talked into accepting; and the certificate helpers the cases
 * share (adv.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adv.h"
#include "crypto/x509.h"
#include "handshake/ext.h"
#include "util/writer.h"

struct tern_config *adv_cert_client_config(void)
{
    /* Static: the configuration keeps a pointer to it. */
    static struct adv_rng rng;
    rng.state = 61;
    struct tern_config *cc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    if (cc == NULL) {
        abort();
    }
    CHECK_INT(tern_config_add_trust_file(cc, adv_pki("ca.pem")), TERN_OK);
    CHECK_INT(tern_config_set_random_callback(cc, adv_rng_fill, &rng), TERN_OK);
    return cc;
}

struct tern_conn *adv_cert_client(struct tern_config *cc)
{
    struct tern_conn *c = NULL;
    CHECK_INT(tern_conn_new(&c, cc), TERN_OK);
    tern_config_free(cc);
    if (c == NULL) {
        abort();
    }
    CHECK_INT(tern_conn_set_server_name(c, "localhost"), TERN_OK);
    CHECK_INT(tern_conn_start(c, 0), TERN_OK);
    uint8_t hello[ADV_DGRAM];
    CHECK(tern_conn_pull(c, 0, hello, sizeof(hello)) > 0);
    static const uint8_t empty[1];
    uint8_t exts[16];
    size_t n = adv_ext(exts, sizeof(exts), 0, TERN_EXT_EXTENDED_MASTER_SECRET, empty, 0);
    uint8_t body[128];
    struct tern_writer w;
    tern_w_init(&w, body, sizeof(body));
    tern_w_u16(&w, 0xfefd);
    static const uint8_t random[32] = {0xce};
    tern_w_bytes(&w, random, 32);
    tern_w_u8(&w, 0);
    tern_w_u16(&w, 0xc02b); /* TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
    tern_w_u8(&w, 0);
    struct tern_w_mark m = tern_w_open16(&w);
    tern_w_bytes(&w, exts, n);
    tern_w_close(&w, m);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    uint8_t d[ADV_DGRAM];
    size_t len = adv_message(d, sizeof(d), TERN_HS_SERVER_HELLO, 0, 0, body, (uint32_t)w.len);
    CHECK_INT(adv_feed(c, d, len), TERN_OK);
    return c;
}

int adv_send_certificate(struct tern_conn *c, const uint8_t *const *der, const size_t *len,
                         size_t n)
{
    size_t list = 0;
    for (size_t i = 0; i < n; i++) {
        list += 3 + len[i];
    }
    size_t body_len = 3 + list;
    uint8_t *body = malloc(body_len);
    CHECK(body != NULL);
    if (body == NULL) {
        return TERN_ERR_NOMEM;
    }
    body[0] = (uint8_t)(list >> 16);
    body[1] = (uint8_t)(list >> 8);
    body[2] = (uint8_t)list;
    size_t at = 3;
    for (size_t i = 0; i < n; i++) {
        body[at] = (uint8_t)(len[i] >> 16);
        body[at + 1] = (uint8_t)(len[i] >> 8);
        body[at + 2] = (uint8_t)len[i];
        memcpy(body + at + 3, der[i], len[i]);
        at += 3 + len[i];
    }
    int rc = TERN_OK;
    for (size_t off = 0; off < body_len && rc == TERN_OK; off += 1000) {
        size_t part = body_len - off < 1000 ? body_len - off : 1000;
        uint8_t f[1100];
        size_t fl = adv_fragment(f, sizeof(f), TERN_HS_CERTIFICATE, (uint32_t)body_len, 1,
                                 (uint32_t)off, body + off, (uint32_t)part);
        uint8_t d[1200];
        size_t dl = adv_record(d, sizeof(d), TERN_CT_HANDSHAKE, 0, 1 + off / 1000, f, fl);
        rc = adv_feed(c, d, dl);
    }
    free(body);
    return rc;
}

size_t adv_pki_der(const char *name, uint8_t *buf, size_t cap, const uint8_t **der, size_t *len,
                   size_t max)
{
    static uint8_t pem[32768];
    FILE *f = fopen(adv_pki(name), "rb");
    CHECK(f != NULL);
    if (f == NULL) {
        return 0;
    }
    size_t pem_len = fread(pem, 1, sizeof(pem), f);
    fclose(f);
    struct tern_x509_chain *chain = NULL;
    CHECK_INT(tern_x509_chain_parse(pem, pem_len, &chain), TERN_OK);
    size_t n = tern_x509_chain_count(chain);
    size_t used = 0;
    for (size_t i = 0; i < n && i < max; i++) {
        size_t l = 0;
        const uint8_t *p = tern_x509_chain_der(chain, i, &l);
        CHECK(l <= cap - used);
        if (l > cap - used) {
            n = i;
            break;
        }
        memcpy(buf + used, p, l);
        der[i] = buf + used;
        len[i] = l;
        used += l;
    }
    tern_x509_chain_free(chain);
    return n < max ? n : max;
}

/* ---- more problems than the list holds ---------------------------------------------- */

static int accept_expired_only(void *arg, struct tern_conn *conn,
                               const struct tern_verify_error *errs, size_t n)
{
    (void)conn;
    int *calls = arg;
    (*calls)++;
    for (size_t i = 0; i < n; i++) {
        if (errs[i].reason != TERN_VERIFY_EXPIRED) {
            return 0;
        }
    }
    return 1;
}

static int accept_all(void *arg, struct tern_conn *conn, const struct tern_verify_error *errs,
                      size_t n)
{
    (void)conn;
    (void)errs;
    (void)n;
    int *calls = arg;
    (*calls)++;
    return 1;
}

/* The server's chain from the PKI file name fed to a client whose
 * callback is fn: refused with certificate_expired whatever fn says. */
static void refused_past_list(const char *name, tern_verify_fn fn)
{
    static uint8_t buf[16384];
    const uint8_t *der[10];
    size_t len[10];
    size_t n = adv_pki_der(name, buf, sizeof(buf), der, len, 10);
    CHECK(n >= 9);
    int calls = 0;
    struct tern_config *cc = adv_cert_client_config();
    CHECK_INT(tern_config_set_verify_callback(cc, fn, &calls), TERN_OK);
    struct tern_conn *c = adv_cert_client(cc);
    CHECK_INT(adv_send_certificate(c, der, len, n), TERN_ERR_CERT_EXPIRED);
    CHECK_INT(calls, 1);
    struct tern_verify_error e[8];
    CHECK_INT(tern_conn_verify_errors(c, e, 8), 8);
    CHECK_INT(e[7].reason, TERN_VERIFY_TOO_MANY_PROBLEMS);
    CHECK_INT(e[7].depth, -1);
    adv_expect_failed(c, TERN_ERR_CERT_EXPIRED, 45);
    tern_conn_free(c);
}

/* The same in pause mode: every listed problem ignored, resume fails. */
static void resume_refused_past_list(const char *name)
{
    static uint8_t buf[16384];
    const uint8_t *der[10];
    size_t len[10];
    size_t n = adv_pki_der(name, buf, sizeof(buf), der, len, 10);
    struct tern_config *cc = adv_cert_client_config();
    CHECK_INT(tern_config_set_verify_pause(cc, 1), TERN_OK);
    struct tern_conn *c = adv_cert_client(cc);
    CHECK_INT(adv_send_certificate(c, der, len, n), TERN_OK);
    CHECK_INT(tern_conn_state(c), TERN_STATE_PEER_VERIFY_ERROR);
    struct tern_verify_error e[8];
    size_t shown = tern_conn_verify_errors(c, e, 8);
    CHECK_INT(shown, 8);
    CHECK_INT(tern_conn_ignore_verify_errors(c, e, shown), TERN_OK);
    CHECK_INT(tern_conn_resume(c, 0), TERN_ERR_CERT_EXPIRED);
    adv_expect_failed(c, TERN_ERR_CERT_EXPIRED, 45);
    tern_conn_free(c);
}

void adv_certificate_problems_past_list(void);
void adv_certificate_problems_past_list(void)
{
    /* 8 expired intermediates fill the list before the leaf's corrupt
     * signature is found (libcrypto checks dates first). */
    refused_past_list("badsig-chain.pem", accept_expired_only);
    refused_past_list("badsig-chain.pem", accept_all);
    resume_refused_past_list("badsig-chain.pem");
}

void adv_certificate_name_constraints_past_list(void);
void adv_certificate_name_constraints_past_list(void)
{
    /* 8 expired intermediates fill the list before the leaf is found
     * outside its issuer's name constraints. */
    refused_past_list("nc-chain.pem", accept_expired_only);
    refused_past_list("nc-chain.pem", accept_all);
    resume_refused_past_list("nc-chain.pem");
}

/* ---- a leaf that may not sign ------------------------------------------------------- */

void adv_certificate_key_usage_no_signature(void);
void adv_certificate_key_usage_no_signature(void)
{
    /* keyUsage keyAgreement only: the key may not sign the
     * ServerKeyExchange that is to follow (RFC 8422 section 5.3). */
    static uint8_t buf[4096];
    const uint8_t *der[1];
    size_t len[1];
    CHECK_INT(adv_pki_der("ku-agree-ec.pem", buf, sizeof(buf), der, len, 1), 1);
    struct tern_conn *c = adv_cert_client(adv_cert_client_config());
    CHECK_INT(adv_send_certificate(c, der, len, 1), TERN_ERR_CERT_UNKNOWN);
    struct tern_verify_error e[8];
    CHECK_INT(tern_conn_verify_errors(c, e, 8), 1);
    CHECK_INT(e[0].reason, TERN_VERIFY_INVALID_PURPOSE);
    CHECK_INT(e[0].depth, 0);
    adv_expect_failed(c, TERN_ERR_CERT_UNKNOWN, 46);
    tern_conn_free(c);
}

/* ---- weak keys and digests ---------------------------------------------------------- */

void adv_certificate_sha1_signature(void);
void adv_certificate_sha1_signature(void)
{
    /* A leaf signed with SHA-1 (63 bits of security in libcrypto 3.0),
     * under the default security level's 112. */
    static uint8_t buf[4096];
    const uint8_t *der[1];
    size_t len[1];
    CHECK_INT(adv_pki_der("sha1.pem", buf, sizeof(buf), der, len, 1), 1);
    struct tern_conn *c = adv_cert_client(adv_cert_client_config());
    CHECK_INT(adv_send_certificate(c, der, len, 1), TERN_ERR_CERT_UNKNOWN);
    struct tern_verify_error e[8];
    CHECK_INT(tern_conn_verify_errors(c, e, 8), 1);
    CHECK_INT(e[0].reason, TERN_VERIFY_WEAK_KEY);
    CHECK_INT(e[0].depth, 0);
    adv_expect_failed(c, TERN_ERR_CERT_UNKNOWN, 46);
    tern_conn_free(c);
}

/* ---- server_name holding an address ------------------------------------------------- */

/* A ClientHello for TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 naming name in
 * server_name, to a server holding a chain for wrong.example (first) and
 * one for localhost and 127.0.0.1; returns whether the server's answer
 * carries the leaf of the PKI file leaf. */
static int server_answers_with(const char *name, const char *leaf)
{
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(
        tern_config_add_certificate_files(sc, adv_pki("wronghost.pem"), adv_pki("wronghost.key")),
        TERN_OK);
    CHECK_INT(
        tern_config_add_certificate_files(sc, adv_pki("server-ec.pem"), adv_pki("server-ec.key")),
        TERN_OK);
    CHECK_INT(tern_config_set_cookie_mode(sc, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    struct tern_conn *s = adv_server(sc);
    static const uint8_t empty[1];
    static const uint8_t groups[4] = {0, 2, 0, 29};
    static const uint8_t schemes[4] = {0, 2, 4, 3};
    uint8_t sni[64];
    size_t name_len = strlen(name);
    sni[0] = 0;
    sni[1] = (uint8_t)(3 + name_len);
    sni[2] = 0; /* host_name */
    sni[3] = 0;
    sni[4] = (uint8_t)name_len;
    memcpy(sni + 5, name, name_len);
    uint8_t exts[128];
    size_t n = adv_ext(exts, sizeof(exts), 0, TERN_EXT_EXTENDED_MASTER_SECRET, empty, 0);
    n = adv_ext(exts, sizeof(exts), n, TERN_EXT_SUPPORTED_GROUPS, groups, sizeof(groups));
    n = adv_ext(exts, sizeof(exts), n, TERN_EXT_SIGNATURE_ALGORITHMS, schemes, sizeof(schemes));
    n = adv_ext(exts, sizeof(exts), n, TERN_EXT_SERVER_NAME, sni, 5 + name_len);
    static const uint16_t suite = 0xc02b;
    uint8_t body[ADV_DGRAM];
    size_t len = adv_client_hello_body(body, sizeof(body), &suite, 1, exts, n, NULL, 0);
    uint8_t d[ADV_DGRAM];
    len = adv_message(d, sizeof(d), TERN_HS_CLIENT_HELLO, 0, 0, body, (uint32_t)len);
    CHECK_INT(adv_feed(s, d, len), TERN_OK);
    /* The server's flight; the leaf is one record's worth, in one piece. */
    static uint8_t flight[8 * ADV_DGRAM];
    size_t used = 0;
    ptrdiff_t got;
    while (used + ADV_DGRAM <= sizeof(flight) &&
           (got = tern_conn_pull(s, 0, flight + used, ADV_DGRAM)) > 0) {
        used += (size_t)got;
    }
    tern_conn_free(s);
    static uint8_t buf[4096];
    const uint8_t *der[1];
    size_t der_len[1];
    CHECK_INT(adv_pki_der(leaf, buf, sizeof(buf), der, der_len, 1), 1);
    for (size_t i = 0; i + der_len[0] <= used; i++) {
        if (memcmp(flight + i, der[0], der_len[0]) == 0) {
            return 1;
        }
    }
    return 0;
}

void adv_server_name_address_ignored(void);
void adv_server_name_address_ignored(void)
{
    /* RFC 6066 section 3: HostName never holds an address, so one does
     * not choose the chain: the server sends its first. */
    CHECK(server_answers_with("127.0.0.1", "wronghost.pem"));
    CHECK(server_answers_with("::1", "wronghost.pem"));
    /* A name does. */
    CHECK(server_answers_with("localhost", "server-ec.pem"));
}
