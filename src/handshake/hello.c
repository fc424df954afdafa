#include "handshake/hello.h"

#include <tern/err.h>

#include "record/header12.h"
#include "util/guard.h"

int tern_client_hello_parse(struct tern_reader body, struct tern_client_hello *ch)
{
    struct tern_client_hello tmp;
    TERN_TRY(tern_r_u16(&body, &tmp.version));
    TERN_TRY(tern_r_bytes(&body, TERN_RANDOM_LEN, &tmp.random));
    TERN_TRY(tern_r_vec8(&body, &tmp.session_id));
    TERN_ENSURE(tmp.session_id.len <= TERN_SESSION_ID_MAX, TERN_ERR_DECODE);
    TERN_TRY(tern_r_vec8(&body, &tmp.cookie));
    TERN_TRY(tern_r_vec16(&body, &tmp.suites));
    TERN_ENSURE(tmp.suites.len >= 2 && tmp.suites.len % 2 == 0, TERN_ERR_DECODE);
    TERN_TRY(tern_r_vec8(&body, &tmp.compression));
    TERN_ENSURE(tmp.compression.len >= 1, TERN_ERR_DECODE);
    int has_null = 0;
    for (size_t i = 0; i < tmp.compression.len; i++) {
        has_null |= tmp.compression.p[i] == 0;
    }
    /* RFC 5246 section 7.4.1.2: the list "MUST contain [...] CompressionMethod.null". */
    TERN_ENSURE(has_null, TERN_ERR_ILLEGAL_PARAMETER);
    struct tern_reader block;
    tern_r_init(&block, NULL, 0);
    if (tern_r_left(&body) > 0) {
        TERN_TRY(tern_r_vec16(&body, &block));
    }
    TERN_TRY(tern_r_end(&body));
    TERN_TRY(tern_exts_parse(&block, TERN_EXT_IN_CLIENT_HELLO, &tmp.exts));
    *ch = tmp;
    return TERN_OK;
}

int tern_client_hello_offers(const struct tern_client_hello *ch, uint16_t suite)
{
    return tern_u16_list_contains(ch->suites, suite);
}

int tern_hello_verify_parse(struct tern_reader body, struct tern_hello_verify *hv)
{
    struct tern_hello_verify tmp;
    TERN_TRY(tern_r_u16(&body, &tmp.version));
    TERN_TRY(tern_r_vec8(&body, &tmp.cookie));
    TERN_TRY(tern_r_end(&body));
    *hv = tmp;
    return TERN_OK;
}

void tern_hello_verify_write(struct tern_writer *w, const uint8_t *cookie, size_t cookie_len)
{
    tern_w_u16(w, TERN_DTLS10_VERSION);
    struct tern_w_mark m = tern_w_open8(w);
    tern_w_bytes(w, cookie, cookie_len);
    tern_w_close(w, m);
}
