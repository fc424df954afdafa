#include "handshake/ext.h"

#include <string.h>

#include <tern/err.h>

#include "util/guard.h"

/* Which known extension may appear in which hello. An extension a server
 * may only echo is listed for both; whether the client offered it is the
 * state machine's check. */
static const struct {
    uint16_t type;
    uint8_t index;
    uint8_t allowed;
} g_ext_table[] = {
    {TERN_EXT_SERVER_NAME, TERN_EXTI_SERVER_NAME,
     TERN_EXT_IN_CLIENT_HELLO | TERN_EXT_IN_SERVER_HELLO},
    {TERN_EXT_SUPPORTED_GROUPS, TERN_EXTI_SUPPORTED_GROUPS, TERN_EXT_IN_CLIENT_HELLO},
    {TERN_EXT_EC_POINT_FORMATS, TERN_EXTI_EC_POINT_FORMATS,
     TERN_EXT_IN_CLIENT_HELLO | TERN_EXT_IN_SERVER_HELLO},
    {TERN_EXT_SIGNATURE_ALGORITHMS, TERN_EXTI_SIGNATURE_ALGORITHMS, TERN_EXT_IN_CLIENT_HELLO},
    {TERN_EXT_USE_SRTP, TERN_EXTI_USE_SRTP, TERN_EXT_IN_CLIENT_HELLO | TERN_EXT_IN_SERVER_HELLO},
    {TERN_EXT_ALPN, TERN_EXTI_ALPN, TERN_EXT_IN_CLIENT_HELLO | TERN_EXT_IN_SERVER_HELLO},
    {TERN_EXT_CLIENT_CERT_TYPE, TERN_EXTI_CLIENT_CERT_TYPE,
     TERN_EXT_IN_CLIENT_HELLO | TERN_EXT_IN_SERVER_HELLO},
    {TERN_EXT_SERVER_CERT_TYPE, TERN_EXTI_SERVER_CERT_TYPE,
     TERN_EXT_IN_CLIENT_HELLO | TERN_EXT_IN_SERVER_HELLO},
    {TERN_EXT_ENCRYPT_THEN_MAC, TERN_EXTI_ENCRYPT_THEN_MAC,
     TERN_EXT_IN_CLIENT_HELLO | TERN_EXT_IN_SERVER_HELLO},
    {TERN_EXT_EXTENDED_MASTER_SECRET, TERN_EXTI_EXTENDED_MASTER_SECRET,
     TERN_EXT_IN_CLIENT_HELLO | TERN_EXT_IN_SERVER_HELLO},
    {TERN_EXT_RECORD_SIZE_LIMIT, TERN_EXTI_RECORD_SIZE_LIMIT,
     TERN_EXT_IN_CLIENT_HELLO | TERN_EXT_IN_SERVER_HELLO},
    {TERN_EXT_SESSION_TICKET, TERN_EXTI_SESSION_TICKET,
     TERN_EXT_IN_CLIENT_HELLO | TERN_EXT_IN_SERVER_HELLO},
    {TERN_EXT_CONNECTION_ID, TERN_EXTI_CONNECTION_ID,
     TERN_EXT_IN_CLIENT_HELLO | TERN_EXT_IN_SERVER_HELLO},
    {TERN_EXT_RENEGOTIATION_INFO, TERN_EXTI_RENEGOTIATION_INFO,
     TERN_EXT_IN_CLIENT_HELLO | TERN_EXT_IN_SERVER_HELLO},
};

#define N_EXTS (sizeof(g_ext_table) / sizeof(g_ext_table[0]))

/* Where index i sits in the table, or -1. */
static int row_of(enum tern_ext_index i)
{
    for (size_t k = 0; k < N_EXTS; k++) {
        if (g_ext_table[k].index == (uint8_t)i) {
            return (int)k;
        }
    }
    return -1;
}

unsigned tern_ext_allowed(enum tern_ext_index i)
{
    int k = row_of(i);
    return k < 0 ? 0 : g_ext_table[k].allowed;
}

uint16_t tern_ext_type(enum tern_ext_index i)
{
    int k = row_of(i);
    return k < 0 ? 0 : g_ext_table[k].type;
}

int tern_exts_parse(struct tern_reader *block, unsigned msg, struct tern_exts *out)
{
    struct tern_reader r = *block;
    /* Unknown types seen, for the duplicate check; past the first
     * TERN_EXT_MAX_COUNT of them duplicates go unnoticed, which is
     * harmless: an unknown extension is ignored however often it comes. */
    uint16_t unknown[TERN_EXT_MAX_COUNT];
    size_t n_unknown = 0;
    memset(out, 0, sizeof(*out));
    while (tern_r_left(&r) > 0) {
        uint16_t type;
        struct tern_reader body;
        TERN_TRY(tern_r_u16(&r, &type));
        TERN_TRY(tern_r_vec16(&r, &body));
        size_t i = 0;
        while (i < N_EXTS && g_ext_table[i].type != type) {
            i++;
        }
        if (i == N_EXTS) {
            /* RFC 5246 section 7.4.1.4: "There MUST NOT be more than one
             * extension of the same type." Unknown ones are otherwise
             * ignored, whatever their number: the block's length bounds
             * the work. */
            for (size_t k = 0; k < n_unknown; k++) {
                TERN_ENSURE(unknown[k] != type, TERN_ERR_DECODE);
            }
            if (n_unknown < TERN_EXT_MAX_COUNT) {
                unknown[n_unknown++] = type;
            }
            out->unknown++;
            continue;
        }
        unsigned index = g_ext_table[i].index;
        TERN_ENSURE(!tern_exts_has(out, (enum tern_ext_index)index), TERN_ERR_DECODE);
        TERN_ENSURE((g_ext_table[i].allowed & msg) != 0, TERN_ERR_UNSUPPORTED_EXTENSION);
        out->present |= 1u << index;
        out->body[index] = body;
    }
    *block = r;
    return TERN_OK;
}

int tern_exts_check_bodies(const struct tern_exts *e, unsigned msg)
{
    int in_ch = msg == TERN_EXT_IN_CLIENT_HELLO;
    struct tern_reader list;
    uint16_t u16;
    uint8_t u8;
    int flag;
    for (unsigned i = 0; i < TERN_EXTI_COUNT; i++) {
        if (!tern_exts_has(e, (enum tern_ext_index)i)) {
            continue;
        }
        struct tern_reader b = e->body[i];
        switch (i) {
        case TERN_EXTI_SERVER_NAME:
            /* RFC 6066 section 3: the server's answer is empty. */
            TERN_TRY(in_ch ? tern_ext_server_name_parse(b, &list) : tern_ext_empty_parse(b));
            break;
        case TERN_EXTI_SUPPORTED_GROUPS:
        case TERN_EXTI_SIGNATURE_ALGORITHMS:
            TERN_TRY(tern_ext_u16_list_parse(b, &list));
            break;
        case TERN_EXTI_EC_POINT_FORMATS:
            TERN_TRY(tern_ext_point_formats_parse(b, &flag));
            break;
        case TERN_EXTI_CLIENT_CERT_TYPE:
        case TERN_EXTI_SERVER_CERT_TYPE:
            TERN_TRY(in_ch ? tern_ext_cert_types_parse(b, &list)
                           : tern_ext_cert_type_parse(b, &u8));
            break;
        case TERN_EXTI_EXTENDED_MASTER_SECRET:
            TERN_TRY(tern_ext_empty_parse(b));
            break;
        case TERN_EXTI_RECORD_SIZE_LIMIT:
            TERN_TRY(tern_ext_record_size_limit_parse(b, &u16));
            break;
        case TERN_EXTI_RENEGOTIATION_INFO:
            TERN_TRY(tern_ext_renegotiation_info_parse(b, &list));
            break;
        case TERN_EXTI_ALPN:
            TERN_TRY(in_ch ? tern_ext_alpn_parse(b, &list)
                           : tern_ext_alpn_selected_parse(b, &list));
            break;
        default:
            break; /* not read by tern (never offered, so never in a ServerHello) */
        }
    }
    return TERN_OK;
}

int tern_ext_server_name_parse(struct tern_reader body, struct tern_reader *host)
{
    struct tern_reader list;
    TERN_TRY(tern_r_vec16(&body, &list));
    TERN_TRY(tern_r_end(&body));
    TERN_ENSURE(tern_r_left(&list) > 0, TERN_ERR_DECODE);
    int found = 0;
    tern_r_init(host, NULL, 0);
    while (tern_r_left(&list) > 0) {
        uint8_t name_type;
        struct tern_reader name;
        TERN_TRY(tern_r_u8(&list, &name_type));
        TERN_TRY(tern_r_vec16(&list, &name));
        if (name_type != 0) {
            continue; /* no other name types are defined; ignore them */
        }
        /* RFC 6066 section 3: at most one name of each type; a DNS host
         * name is 1..255 bytes. */
        TERN_ENSURE(!found, TERN_ERR_DECODE);
        TERN_ENSURE(name.len >= 1 && name.len <= 255, TERN_ERR_DECODE);
        *host = name;
        found = 1;
    }
    return TERN_OK;
}

int tern_ext_u16_list_parse(struct tern_reader body, struct tern_reader *list)
{
    TERN_TRY(tern_r_vec16(&body, list));
    TERN_TRY(tern_r_end(&body));
    TERN_ENSURE(list->len >= 2 && list->len % 2 == 0, TERN_ERR_DECODE);
    return TERN_OK;
}

int tern_ext_point_formats_parse(struct tern_reader body, int *has_uncompressed)
{
    struct tern_reader list;
    TERN_TRY(tern_r_vec8(&body, &list));
    TERN_TRY(tern_r_end(&body));
    TERN_ENSURE(list.len >= 1, TERN_ERR_DECODE);
    *has_uncompressed = 0;
    while (tern_r_left(&list) > 0) {
        uint8_t f;
        TERN_TRY(tern_r_u8(&list, &f));
        if (f == 0) {
            *has_uncompressed = 1;
        }
    }
    return TERN_OK;
}

int tern_ext_empty_parse(struct tern_reader body)
{
    return tern_r_end(&body);
}

int tern_ext_renegotiation_info_parse(struct tern_reader body, struct tern_reader *verify_data)
{
    TERN_TRY(tern_r_vec8(&body, verify_data));
    return tern_r_end(&body);
}

int tern_ext_record_size_limit_parse(struct tern_reader body, uint16_t *limit)
{
    uint16_t v;
    TERN_TRY(tern_r_u16(&body, &v));
    TERN_TRY(tern_r_end(&body));
    /* RFC 8449 section 4: "Endpoints MUST NOT send a value smaller than 64
     * [...] MUST treat receipt of a smaller value as a fatal error" with an
     * illegal_parameter alert. */
    TERN_ENSURE(v >= 64, TERN_ERR_ILLEGAL_PARAMETER);
    *limit = v;
    return TERN_OK;
}

int tern_u16_list_contains(struct tern_reader list, uint16_t v)
{
    uint16_t x;
    while (tern_r_u16(&list, &x) == TERN_OK) {
        if (x == v) {
            return 1;
        }
    }
    return 0;
}

int tern_ext_cert_type_parse(struct tern_reader body, uint8_t *type)
{
    TERN_TRY(tern_r_u8(&body, type));
    return tern_r_end(&body);
}

int tern_ext_cert_types_parse(struct tern_reader body, struct tern_reader *types)
{
    TERN_TRY(tern_r_vec8(&body, types));
    TERN_ENSURE(types->len >= 1, TERN_ERR_DECODE);
    return tern_r_end(&body);
}

int tern_ext_alpn_parse(struct tern_reader body, struct tern_reader *list)
{
    struct tern_reader names;
    TERN_TRY(tern_r_vec16(&body, &names));
    TERN_TRY(tern_r_end(&body));
    /* RFC 7301 section 3.1: protocol_name_list<2..2^16-1>, and "Empty
     * strings MUST NOT be included and byte strings MUST NOT be
     * truncated." */
    TERN_ENSURE(tern_r_left(&names) > 0, TERN_ERR_DECODE);
    struct tern_reader rest = names;
    while (tern_r_left(&rest) > 0) {
        struct tern_reader name;
        TERN_TRY(tern_r_vec8(&rest, &name));
        TERN_ENSURE(name.len >= 1, TERN_ERR_DECODE);
    }
    *list = names;
    return TERN_OK;
}

int tern_ext_alpn_selected_parse(struct tern_reader body, struct tern_reader *name)
{
    struct tern_reader list;
    TERN_TRY(tern_ext_alpn_parse(body, &list));
    struct tern_reader first;
    tern_r_init(&first, NULL, 0);
    (void)tern_ext_alpn_next(&list, &first); /* there is one: the list is not empty */
    /* RFC 7301 section 3.1: in the ServerHello "the ProtocolNameList MUST
     * contain exactly one ProtocolName". */
    TERN_ENSURE(tern_r_left(&list) == 0, TERN_ERR_ILLEGAL_PARAMETER);
    *name = first;
    return TERN_OK;
}

int tern_ext_alpn_next(struct tern_reader *list, struct tern_reader *name)
{
    return tern_r_vec8(list, name) == TERN_OK;
}

int tern_ext_alpn_contains(struct tern_reader list, const uint8_t *name, size_t len)
{
    struct tern_reader n;
    while (tern_ext_alpn_next(&list, &n)) {
        if (n.len == len && memcmp(n.p, name, len) == 0) {
            return 1;
        }
    }
    return 0;
}

void tern_ext_server_name_write(struct tern_writer *w, const char *host, size_t len)
{
    struct tern_w_mark list = tern_w_open16(w);
    tern_w_u8(w, 0); /* host_name */
    struct tern_w_mark name = tern_w_open16(w);
    tern_w_bytes(w, host, len);
    tern_w_close(w, name);
    tern_w_close(w, list);
}

void tern_ext_u16_list_write(struct tern_writer *w, const uint16_t *v, size_t n)
{
    struct tern_w_mark list = tern_w_open16(w);
    for (size_t i = 0; i < n; i++) {
        tern_w_u16(w, v[i]);
    }
    tern_w_close(w, list);
}

void tern_ext_point_formats_write(struct tern_writer *w)
{
    tern_w_u8(w, 1);
    tern_w_u8(w, 0); /* uncompressed */
}

void tern_ext_renegotiation_info_write(struct tern_writer *w, const uint8_t *verify_data,
                                       size_t len)
{
    struct tern_w_mark m = tern_w_open8(w);
    tern_w_bytes(w, verify_data, len);
    tern_w_close(w, m);
}

void tern_ext_record_size_limit_write(struct tern_writer *w, uint16_t limit)
{
    tern_w_u16(w, limit);
}

void tern_ext_cert_types_write(struct tern_writer *w, const uint8_t *types, size_t n)
{
    struct tern_w_mark m = tern_w_open8(w);
    tern_w_bytes(w, types, n);
    tern_w_close(w, m);
}

void tern_ext_cert_type_write(struct tern_writer *w, uint8_t type)
{
    tern_w_u8(w, type);
}

void tern_ext_alpn_write(struct tern_writer *w, const uint8_t *list, size_t len)
{
    struct tern_w_mark m = tern_w_open16(w);
    tern_w_bytes(w, list, len);
    tern_w_close(w, m);
}

void tern_ext_alpn_selected_write(struct tern_writer *w, const uint8_t *name, size_t len)
{
    struct tern_w_mark list = tern_w_open16(w);
    struct tern_w_mark m = tern_w_open8(w);
    tern_w_bytes(w, name, len);
    tern_w_close(w, m);
    tern_w_close(w, list);
}
