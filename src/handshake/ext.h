/* Hello extensions (RFC 5246 section 7.4.1.4): one table says which
 * extensions tern knows and in which messages each may appear (OpenBSD
 * ssl_tlsext.c style); parsing collects each known extension's body and
 * rejects duplicates centrally. The bodies are decoded by the small
 * functions below, one per extension. */
#ifndef TERN_HANDSHAKE_EXT_H
#define TERN_HANDSHAKE_EXT_H

#include <stdint.h>

#include "util/reader.h"

/* ExtensionType code points (IANA TLS ExtensionType Values). */
enum tern_ext_type {
    TERN_EXT_SERVER_NAME = 0,             /* RFC 6066 */
    TERN_EXT_SUPPORTED_GROUPS = 10,       /* RFC 8422, RFC 7919 */
    TERN_EXT_EC_POINT_FORMATS = 11,       /* RFC 8422 */
    TERN_EXT_SIGNATURE_ALGORITHMS = 13,   /* RFC 5246, RFC 8446 */
    TERN_EXT_USE_SRTP = 14,               /* RFC 5764 */
    TERN_EXT_ALPN = 16,                   /* RFC 7301 */
    TERN_EXT_CLIENT_CERT_TYPE = 19,       /* RFC 7250 */
    TERN_EXT_SERVER_CERT_TYPE = 20,       /* RFC 7250 */
    TERN_EXT_ENCRYPT_THEN_MAC = 22,       /* RFC 7366 (CBC only: never negotiated) */
    TERN_EXT_EXTENDED_MASTER_SECRET = 23, /* RFC 7627 */
    TERN_EXT_RECORD_SIZE_LIMIT = 28,      /* RFC 8449 */
    TERN_EXT_SESSION_TICKET = 35,         /* RFC 5077 */
    TERN_EXT_CONNECTION_ID = 54,          /* RFC 9146 */
    TERN_EXT_RENEGOTIATION_INFO = 0xff01, /* RFC 5746 */
};

/* Index of each known extension in struct tern_exts. */
enum tern_ext_index {
    TERN_EXTI_SERVER_NAME,
    TERN_EXTI_SUPPORTED_GROUPS,
    TERN_EXTI_EC_POINT_FORMATS,
    TERN_EXTI_SIGNATURE_ALGORITHMS,
    TERN_EXTI_USE_SRTP,
    TERN_EXTI_ALPN,
    TERN_EXTI_CLIENT_CERT_TYPE,
    TERN_EXTI_SERVER_CERT_TYPE,
    TERN_EXTI_ENCRYPT_THEN_MAC,
    TERN_EXTI_EXTENDED_MASTER_SECRET,
    TERN_EXTI_RECORD_SIZE_LIMIT,
    TERN_EXTI_SESSION_TICKET,
    TERN_EXTI_CONNECTION_ID,
    TERN_EXTI_RENEGOTIATION_INFO,
    TERN_EXTI_COUNT
};

/* Which message an extension block belongs to. */
enum tern_ext_msg {
    TERN_EXT_IN_CLIENT_HELLO = 1u << 0,
    TERN_EXT_IN_SERVER_HELLO = 1u << 1,
};

/* Unknown extension types remembered from one block for the duplicate
 * check (known ones are always checked): real hellos carry a few dozen at
 * most, and the bound keeps the check cheap. */
#define TERN_EXT_MAX_COUNT 64

struct tern_exts {
    uint32_t present;                         /* bit i: known extension i seen */
    uint32_t unknown;                         /* extensions of types tern does not know */
    struct tern_reader body[TERN_EXTI_COUNT]; /* its body, borrowed */
};

/* Parses an extension block (the body of Extension extensions<0..2^16-1>)
 * sent in msg. Unknown extensions are skipped however many there are (RFC
 * 5246 section 7.4.1.4: ignored by the receiver); a known extension that
 * may not appear in msg is refused.
 * Errors: TERN_ERR_DECODE (malformed, a known type twice, an unknown type
 * twice among the first TERN_EXT_MAX_COUNT unknown ones),
 * TERN_ERR_UNSUPPORTED_EXTENSION. */
int tern_exts_parse(struct tern_reader *block, unsigned msg, struct tern_exts *out);

/* Decodes the body of every extension tern reads from a hello sent in msg
 * (TERN_EXT_IN_CLIENT_HELLO or TERN_EXT_IN_SERVER_HELLO), keeping nothing:
 * a hello is checked whole before any of it changes the handshake, so
 * that a malformed one can be dropped without a trace (STYLE.md
 * convention 7, parse then process). Errors: TERN_ERR_DECODE,
 * TERN_ERR_ILLEGAL_PARAMETER (a record_size_limit below 64). */
int tern_exts_check_bodies(const struct tern_exts *e, unsigned msg);

static inline int tern_exts_has(const struct tern_exts *e, enum tern_ext_index i)
{
    return (int)((e->present >> i) & 1u);
}

/* The body decoders. Each consumes the whole body and fails on leftovers.
 * Errors: TERN_ERR_DECODE unless stated otherwise. */

/* server_name (RFC 6066 section 3): the host_name entry, 1..255 bytes.
 * A list with no host_name yields an empty host. */
int tern_ext_server_name_parse(struct tern_reader body, struct tern_reader *host);

/* A list of 16-bit code points with a 16-bit length (supported_groups,
 * signature_algorithms): non-empty and even. */
int tern_ext_u16_list_parse(struct tern_reader body, struct tern_reader *list);

/* ec_point_formats (RFC 8422 section 5.1.2): non-empty; *has_uncompressed
 * tells whether the uncompressed format (0) is listed. */
int tern_ext_point_formats_parse(struct tern_reader body, int *has_uncompressed);

/* An extension whose body must be empty (extended_master_secret,
 * encrypt_then_mac, session_ticket in a ServerHello). */
int tern_ext_empty_parse(struct tern_reader body);

/* renegotiation_info (RFC 5746 section 3.2): renegotiated_connection<0..255>. */
int tern_ext_renegotiation_info_parse(struct tern_reader body, struct tern_reader *verify_data);

/* record_size_limit (RFC 8449 section 4): a uint16 of at least 64.
 * Errors: TERN_ERR_DECODE, TERN_ERR_ILLEGAL_PARAMETER (below 64). */
int tern_ext_record_size_limit_parse(struct tern_reader body, uint16_t *limit);

/* A certificate type extension in a ServerHello (RFC 7250 section 3): one
 * byte. */
int tern_ext_cert_type_parse(struct tern_reader body, uint8_t *type);

/* The same in a ClientHello: a list of types <1..2^8-1>. */
int tern_ext_cert_types_parse(struct tern_reader body, struct tern_reader *types);

/* Whether a 16-bit list from tern_ext_u16_list_parse() contains v. */
int tern_u16_list_contains(struct tern_reader list, uint16_t v);

#endif
