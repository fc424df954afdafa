#include "dtls12/msgs12_cert.h"

#include <tern/err.h>

#include "util/guard.h"

#define CURVE_TYPE_NAMED 3 /* RFC 8422 section 5.4 */

int tern_certificate12_parse(struct tern_reader body, struct tern_certificate12_msg *out)
{
    struct tern_reader list;
    TERN_TRY(tern_r_vec24(&body, &list));
    TERN_TRY(tern_r_end(&body));
    out->n = 0;
    while (tern_r_left(&list) > 0) {
        struct tern_reader cert;
        TERN_TRY(tern_r_vec24(&list, &cert));
        /* RFC 5246 section 7.4.2: opaque ASN.1Cert<1..2^24-1>. */
        TERN_ENSURE(cert.len > 0, TERN_ERR_DECODE);
        TERN_ENSURE(out->n < TERN_CERT_MAX_CHAIN, TERN_ERR_BAD_CERTIFICATE);
        out->der[out->n] = cert.p;
        out->len[out->n] = cert.len;
        out->n++;
    }
    return TERN_OK;
}

void tern_certificate12_write(struct tern_writer *w, const uint8_t *const *der, const size_t *len,
                              size_t n)
{
    struct tern_w_mark list = tern_w_open24(w);
    for (size_t i = 0; i < n; i++) {
        struct tern_w_mark cert = tern_w_open24(w);
        tern_w_bytes(w, der[i], len[i]);
        tern_w_close(w, cert);
    }
    tern_w_close(w, list);
}

int tern_ske_ecdhe_parse(struct tern_reader body, struct tern_ske_ecdhe *out)
{
    struct tern_reader start = body;
    uint8_t curve_type;
    TERN_TRY(tern_r_u8(&body, &curve_type));
    TERN_ENSURE(curve_type == CURVE_TYPE_NAMED, TERN_ERR_ILLEGAL_PARAMETER);
    TERN_TRY(tern_r_u16(&body, &out->group));
    TERN_TRY(tern_r_vec8(&body, &out->point));
    TERN_ENSURE(out->point.len >= 1, TERN_ERR_DECODE);
    /* The parameters are everything read so far. */
    TERN_TRY(tern_r_sub(&start, start.len - body.len, &out->params));
    TERN_TRY(tern_r_u16(&body, &out->scheme));
    TERN_TRY(tern_r_vec16(&body, &out->signature));
    return tern_r_end(&body);
}

void tern_ecdhe_params_write(struct tern_writer *w, uint16_t group, const uint8_t *point,
                             size_t point_len)
{
    tern_w_u8(w, CURVE_TYPE_NAMED);
    tern_w_u16(w, group);
    struct tern_w_mark m = tern_w_open8(w);
    tern_w_bytes(w, point, point_len);
    tern_w_close(w, m);
}

void tern_digitally_signed_write(struct tern_writer *w, uint16_t scheme, const uint8_t *sig,
                                 size_t sig_len)
{
    tern_w_u16(w, scheme);
    struct tern_w_mark m = tern_w_open16(w);
    tern_w_bytes(w, sig, sig_len);
    tern_w_close(w, m);
}

int tern_cert_request12_parse(struct tern_reader body, struct tern_cert_request12 *out)
{
    TERN_TRY(tern_r_vec8(&body, &out->types));
    TERN_ENSURE(out->types.len >= 1, TERN_ERR_DECODE);
    TERN_TRY(tern_r_vec16(&body, &out->schemes));
    TERN_ENSURE(out->schemes.len >= 2 && out->schemes.len % 2 == 0, TERN_ERR_DECODE);
    TERN_TRY(tern_r_vec16(&body, &out->authorities));
    TERN_TRY(tern_r_end(&body));
    /* Each DistinguishedName<1..2^16-1> must be well formed. */
    struct tern_reader names = out->authorities;
    while (tern_r_left(&names) > 0) {
        struct tern_reader name;
        TERN_TRY(tern_r_vec16(&names, &name));
        TERN_ENSURE(name.len >= 1, TERN_ERR_DECODE);
    }
    return TERN_OK;
}

int tern_cert_verify12_parse(struct tern_reader body, struct tern_cert_verify12 *out)
{
    TERN_TRY(tern_r_u16(&body, &out->scheme));
    TERN_TRY(tern_r_vec16(&body, &out->signature));
    return tern_r_end(&body);
}

int tern_cke_ecdhe_parse(struct tern_reader body, struct tern_reader *point)
{
    TERN_TRY(tern_r_vec8(&body, point));
    TERN_ENSURE(point->len >= 1, TERN_ERR_DECODE);
    return tern_r_end(&body);
}
