/* Fuzz target: a handshake message as the server first sees it. The input
 * is a handshake record body: the handshake header, then a ClientHello (or
 * anything else), whose extension bodies are all put through their
 * decoders (ALPN's list walked name by name). */
#include <stdint.h>
#include <stdlib.h>

#include "handshake/header.h"
#include "handshake/hello.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode_extensions(const struct tern_exts *e)
{
    struct tern_reader out;
    int flag;
    uint16_t limit;
    if (tern_exts_has(e, TERN_EXTI_SERVER_NAME) &&
        tern_ext_server_name_parse(e->body[TERN_EXTI_SERVER_NAME], &out) == 0 && out.len > 255) {
        abort();
    }
    if (tern_exts_has(e, TERN_EXTI_SUPPORTED_GROUPS) &&
        tern_ext_u16_list_parse(e->body[TERN_EXTI_SUPPORTED_GROUPS], &out) == 0) {
        if (out.len % 2 != 0) {
            abort();
        }
        (void)tern_u16_list_contains(out, 29);
    }
    if (tern_exts_has(e, TERN_EXTI_SIGNATURE_ALGORITHMS)) {
        (void)tern_ext_u16_list_parse(e->body[TERN_EXTI_SIGNATURE_ALGORITHMS], &out);
    }
    if (tern_exts_has(e, TERN_EXTI_EC_POINT_FORMATS)) {
        (void)tern_ext_point_formats_parse(e->body[TERN_EXTI_EC_POINT_FORMATS], &flag);
    }
    if (tern_exts_has(e, TERN_EXTI_EXTENDED_MASTER_SECRET)) {
        (void)tern_ext_empty_parse(e->body[TERN_EXTI_EXTENDED_MASTER_SECRET]);
    }
    if (tern_exts_has(e, TERN_EXTI_RENEGOTIATION_INFO)) {
        (void)tern_ext_renegotiation_info_parse(e->body[TERN_EXTI_RENEGOTIATION_INFO], &out);
    }
    if (tern_exts_has(e, TERN_EXTI_RECORD_SIZE_LIMIT) &&
        tern_ext_record_size_limit_parse(e->body[TERN_EXTI_RECORD_SIZE_LIMIT], &limit) == 0 &&
        limit < 64) {
        abort();
    }
    if (tern_exts_has(e, TERN_EXTI_ALPN) &&
        tern_ext_alpn_parse(e->body[TERN_EXTI_ALPN], &out) == 0) {
        /* An accepted list walks to its end in names of 1..255 bytes. */
        struct tern_reader name;
        size_t n = 0;
        while (tern_ext_alpn_next(&out, &name)) {
            if (name.len < 1 || name.len > 255) {
                abort();
            }
            (void)tern_ext_alpn_contains(e->body[TERN_EXTI_ALPN], name.p, name.len);
            n++;
        }
        if (n == 0 || tern_r_left(&out) != 0) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tern_reader rec;
    struct tern_reader frag;
    struct tern_hs_header h;
    tern_r_init(&rec, data, size);
    while (tern_hs_header_parse(&rec, &h, &frag) == 0) {
        if ((uint64_t)h.frag_offset + h.frag_length > h.length || frag.len != h.frag_length) {
            abort();
        }
        struct tern_client_hello ch;
        if (tern_client_hello_parse(frag, &ch) == 0) {
            if (ch.session_id.len > 32 || ch.suites.len < 2 || ch.suites.len % 2 != 0) {
                abort();
            }
            decode_extensions(&ch.exts);
        }
        struct tern_hello_verify hv;
        (void)tern_hello_verify_parse(frag, &hv);
    }
    return 0;
}
