/* Hello extensions (RFC 5246 section 7.4.1.4): one table says which
 * extensions tern knows and in which messages each may appear (OpenBSD
 * ssl_tlsext.c style); parsing collects each known extension's body and
 * rejects duplicates centrally. The bodies are decoded, and written, by the
 * small functions below, one pair per extension. What each role of a
 * protocol version sends and does with what it receives is that version's
 * half of the table (dtls12/ext12.h), keyed by enum tern_ext_index. */
#ifndef TERN_HANDSHAKE_EXT_H
#define TERN_HANDSHAKE_EXT_H

#include <stdint.h>

#include "util/reader.h"
#include "util/writer.h"

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

/* The messages known extension i may appear in (TERN_EXT_IN_* bits; 0
 * for an index out of range). */
unsigned tern_ext_allowed(enum tern_ext_index i);

/* Its ExtensionType code point (0 for an index out of range). */
uint16_t tern_ext_type(enum tern_ext_index i);

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
 * TERN_ERR_ILLEGAL_PARAMETER (a record_size_limit below 64, a ServerHello
 * ALPN naming other than exactly one protocol). */
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

/* application_layer_protocol_negotiation (RFC 7301 section 3.1):
 *
 *   opaque ProtocolName<1..2^8-1>;
 *   struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
 *
 * A ClientHello's body: every name is checked; *list gets the names, each
 * with its length byte (walk it with tern_ext_alpn_next()). Errors:
 * TERN_ERR_DECODE (an empty list or name, a name past the list, trailing
 * bytes). */
int tern_ext_alpn_parse(struct tern_reader body, struct tern_reader *list);

/* A ServerHello's body: the same list with "exactly one ProtocolName" (RFC
 * 7301 section 3.1), which *name gets (1..255 bytes). Errors:
 * TERN_ERR_DECODE (malformed as above), TERN_ERR_ILLEGAL_PARAMETER (a
 * well-formed list of several names). */
int tern_ext_alpn_selected_parse(struct tern_reader body, struct tern_reader *name);

/* Takes the next name of a list that tern_ext_alpn_parse() accepted (or
 * that tern built) into *name. Returns 1, or 0 at the end of the list (or
 * on a malformed rest, which a checked list does not have). */
int tern_ext_alpn_next(struct tern_reader *list, struct tern_reader *name);

/* Whether a checked list holds the name of len bytes. */
int tern_ext_alpn_contains(struct tern_reader list, const uint8_t *name, size_t len);

/* The body writers, each the inverse of its parser above. They never fail
 * by themselves: a value that does not fit flags the writer (util/writer.h),
 * checked once when the message is finished. */

/* server_name in a ClientHello: a list with the one host_name. */
void tern_ext_server_name_write(struct tern_writer *w, const char *host, size_t len);

/* A list of 16-bit code points with a 16-bit length. */
void tern_ext_u16_list_write(struct tern_writer *w, const uint16_t *v, size_t n);

/* ec_point_formats listing only uncompressed (RFC 8422 section 5.1.2). */
void tern_ext_point_formats_write(struct tern_writer *w);

/* renegotiation_info with renegotiated_connection (empty on an initial
 * handshake, RFC 5746 section 3.4). */
void tern_ext_renegotiation_info_write(struct tern_writer *w, const uint8_t *verify_data,
                                       size_t len);

/* record_size_limit (RFC 8449 section 4). */
void tern_ext_record_size_limit_write(struct tern_writer *w, uint16_t limit);

/* A certificate type list (ClientHello) and one type (ServerHello), RFC
 * 7250 section 3. */
void tern_ext_cert_types_write(struct tern_writer *w, const uint8_t *types, size_t n);
void tern_ext_cert_type_write(struct tern_writer *w, uint8_t type);

/* ALPN: a ProtocolNameList from names already in wire form (each with its
 * length byte, as tern_ext_alpn_parse() hands them out), and the
 * ServerHello's list of the one name chosen. */
void tern_ext_alpn_write(struct tern_writer *w, const uint8_t *list, size_t len);
void tern_ext_alpn_selected_write(struct tern_writer *w, const uint8_t *name, size_t len);

#endif
