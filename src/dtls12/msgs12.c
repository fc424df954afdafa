#include "dtls12/msgs12.h"

#include <tern/err.h>

#include "handshake/hello.h"
#include "util/guard.h"

int tern_server_hello12_parse(struct tern_reader body, struct tern_server_hello12 *sh)
{
    struct tern_server_hello12 tmp;
    TERN_TRY(tern_r_u16(&body, &tmp.version));
    TERN_TRY(tern_r_bytes(&body, TERN_RANDOM_LEN, &tmp.random));
    TERN_TRY(tern_r_vec8(&body, &tmp.session_id));
    TERN_ENSURE(tmp.session_id.len <= TERN_SESSION_ID_MAX, TERN_ERR_DECODE);
    TERN_TRY(tern_r_u16(&body, &tmp.suite));
    TERN_TRY(tern_r_u8(&body, &tmp.compression));
    struct tern_reader block;
    tern_r_init(&block, NULL, 0);
    if (tern_r_left(&body) > 0) {
        TERN_TRY(tern_r_vec16(&body, &block));
    }
    TERN_TRY(tern_r_end(&body));
    /* tern offers only the null method, so the server may pick no other. */
    TERN_ENSURE(tmp.compression == 0, TERN_ERR_ILLEGAL_PARAMETER);
    TERN_TRY(tern_exts_parse(&block, TERN_EXT_IN_SERVER_HELLO, &tmp.exts));
    *sh = tmp;
    return TERN_OK;
}

void tern_server_hello12_write(struct tern_writer *w, uint16_t version, const uint8_t random[32],
                               const uint8_t *session_id, size_t session_id_len, uint16_t suite)
{
    tern_w_u16(w, version);
    tern_w_bytes(w, random, TERN_RANDOM_LEN);
    struct tern_w_mark m = tern_w_open8(w);
    tern_w_bytes(w, session_id, session_id_len);
    tern_w_close(w, m);
    tern_w_u16(w, suite);
    tern_w_u8(w, 0); /* compression_method null */
}

/* RFC 8422 section 5.4: ECCurveType named_curve. */
#define CURVE_TYPE_NAMED 3

int tern_ske_psk_parse(struct tern_reader body, int ecdhe, struct tern_ske_psk *out)
{
    struct tern_ske_psk tmp;
    TERN_TRY(tern_r_vec16(&body, &tmp.hint));
    /* RFC 4279 section 5.3 asks for 128 bytes; longer is well formed but
     * more than tern takes. */
    TERN_ENSURE(tmp.hint.len <= TERN_PSK_IDENTITY_MAX, TERN_ERR_ILLEGAL_PARAMETER);
    tmp.group = 0;
    tern_r_init(&tmp.point, NULL, 0);
    if (ecdhe) {
        uint8_t curve_type;
        TERN_TRY(tern_r_u8(&body, &curve_type));
        TERN_ENSURE(curve_type == CURVE_TYPE_NAMED, TERN_ERR_ILLEGAL_PARAMETER);
        TERN_TRY(tern_r_u16(&body, &tmp.group));
        TERN_TRY(tern_r_vec8(&body, &tmp.point));
        TERN_ENSURE(tmp.point.len >= 1, TERN_ERR_DECODE);
    }
    TERN_TRY(tern_r_end(&body));
    *out = tmp;
    return TERN_OK;
}

void tern_ske_psk_write(struct tern_writer *w, const uint8_t *hint, size_t hint_len, int ecdhe,
                        uint16_t group, const uint8_t *point, size_t point_len)
{
    struct tern_w_mark m = tern_w_open16(w);
    tern_w_bytes(w, hint, hint_len);
    tern_w_close(w, m);
    if (ecdhe) {
        tern_w_u8(w, CURVE_TYPE_NAMED);
        tern_w_u16(w, group);
        m = tern_w_open8(w);
        tern_w_bytes(w, point, point_len);
        tern_w_close(w, m);
    }
}

int tern_cke_psk_parse(struct tern_reader body, int ecdhe, struct tern_cke_psk *out)
{
    struct tern_cke_psk tmp;
    TERN_TRY(tern_r_vec16(&body, &tmp.identity));
    TERN_ENSURE(tmp.identity.len <= TERN_PSK_IDENTITY_MAX, TERN_ERR_ILLEGAL_PARAMETER);
    tern_r_init(&tmp.point, NULL, 0);
    if (ecdhe) {
        TERN_TRY(tern_r_vec8(&body, &tmp.point));
        TERN_ENSURE(tmp.point.len >= 1, TERN_ERR_DECODE);
    }
    TERN_TRY(tern_r_end(&body));
    *out = tmp;
    return TERN_OK;
}

void tern_cke_psk_write(struct tern_writer *w, const uint8_t *identity, size_t identity_len,
                        const uint8_t *point, size_t point_len)
{
    struct tern_w_mark m = tern_w_open16(w);
    tern_w_bytes(w, identity, identity_len);
    tern_w_close(w, m);
    if (point != NULL) {
        m = tern_w_open8(w);
        tern_w_bytes(w, point, point_len);
        tern_w_close(w, m);
    }
}

int tern_server_hello_done12_parse(struct tern_reader body)
{
    return tern_r_end(&body);
}

int tern_finished12_parse(struct tern_reader body, uint8_t verify_data[12])
{
    TERN_TRY(tern_r_copy(&body, verify_data, 12));
    return tern_r_end(&body);
}
