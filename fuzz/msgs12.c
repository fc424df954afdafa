/* Fuzz target: the DTLS 1.2 messages after ClientHello that the PSK key
 * exchanges use, and the extensions of a ServerHello (ALPN among them).
 * Byte 0 picks the parser (ServerHello with every extension body decoded,
 * ServerKeyExchange for PSK and ECDHE_PSK, ClientKeyExchange for both,
 * ServerHelloDone, Finished); the rest is the message body. What a parser accepts must lie
 * inside the input and within the limits it promises. */
#include <stdint.h>
#include <stdlib.h>

#include "handshake/ext.h"
#include "dtls12/msgs12.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *g_begin;
static const uint8_t *g_end;

/* A reader handed out by a parser must lie inside the input. */
static void inside(struct tern_reader r)
{
    if (r.len > 0 && (r.p < g_begin || r.p + r.len > g_end)) {
        abort();
    }
}

static void server_extensions(const struct tern_exts *e)
{
    struct tern_reader out;
    uint16_t limit;
    uint8_t type;
    int flag;
    for (unsigned i = 0; i < TERN_EXTI_COUNT; i++) {
        if (tern_exts_has(e, i)) {
            inside(e->body[i]);
        }
    }
    if (tern_exts_has(e, TERN_EXTI_SERVER_NAME)) {
        (void)tern_ext_empty_parse(e->body[TERN_EXTI_SERVER_NAME]);
    }
    if (tern_exts_has(e, TERN_EXTI_EC_POINT_FORMATS)) {
        (void)tern_ext_point_formats_parse(e->body[TERN_EXTI_EC_POINT_FORMATS], &flag);
    }
    if (tern_exts_has(e, TERN_EXTI_RENEGOTIATION_INFO) &&
        tern_ext_renegotiation_info_parse(e->body[TERN_EXTI_RENEGOTIATION_INFO], &out) == 0) {
        inside(out);
    }
    if (tern_exts_has(e, TERN_EXTI_RECORD_SIZE_LIMIT) &&
        tern_ext_record_size_limit_parse(e->body[TERN_EXTI_RECORD_SIZE_LIMIT], &limit) == 0 &&
        limit < 64) {
        abort();
    }
    if (tern_exts_has(e, TERN_EXTI_SERVER_CERT_TYPE)) {
        (void)tern_ext_cert_type_parse(e->body[TERN_EXTI_SERVER_CERT_TYPE], &type);
    }
    if (tern_exts_has(e, TERN_EXTI_CLIENT_CERT_TYPE) &&
        tern_ext_cert_types_parse(e->body[TERN_EXTI_CLIENT_CERT_TYPE], &out) == 0) {
        inside(out);
        if (out.len == 0) {
            abort();
        }
    }
    if (tern_exts_has(e, TERN_EXTI_EXTENDED_MASTER_SECRET)) {
        (void)tern_ext_empty_parse(e->body[TERN_EXTI_EXTENDED_MASTER_SECRET]);
    }
    if (tern_exts_has(e, TERN_EXTI_ALPN) &&
        tern_ext_alpn_selected_parse(e->body[TERN_EXTI_ALPN], &out) == 0) {
        /* The one protocol a ServerHello names: 1..255 bytes. */
        inside(out);
        if (out.len < 1 || out.len > 255) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    g_begin = data + 1;
    g_end = data + size;
    struct tern_reader body;
    tern_r_init(&body, data + 1, size - 1);
    switch (data[0] % 7) {
    case 0: {
        struct tern_server_hello12 sh;
        if (tern_server_hello12_parse(body, &sh) == 0) {
            inside(sh.session_id);
            if (sh.session_id.len > 32 || sh.compression != 0 || sh.random < g_begin ||
                sh.random + 32 > g_end) {
                abort();
            }
            server_extensions(&sh.exts);
        }
        break;
    }
    case 1:
    case 2: {
        struct tern_ske_psk s;
        int ecdhe = data[0] % 7 == 2;
        if (tern_ske_psk_parse(body, ecdhe, &s) == 0) {
            inside(s.hint);
            inside(s.point);
            if (s.hint.len > TERN_PSK_IDENTITY_MAX || (ecdhe && s.point.len == 0)) {
                abort();
            }
        }
        break;
    }
    case 3:
    case 4: {
        struct tern_cke_psk c;
        int ecdhe = data[0] % 7 == 4;
        if (tern_cke_psk_parse(body, ecdhe, &c) == 0) {
            inside(c.identity);
            inside(c.point);
            if (c.identity.len > TERN_PSK_IDENTITY_MAX || (ecdhe && c.point.len == 0)) {
                abort();
            }
        }
        break;
    }
    case 5:
        if (tern_server_hello_done12_parse(body) == 0 && size != 1) {
            abort();
        }
        break;
    default: {
        uint8_t vd[12];
        if (tern_finished12_parse(body, vd) == 0 && size != 13) {
            abort();
        }
        break;
    }
    }
    return 0;
}
