/* The DTLS 1.2 handshake messages after ClientHello, for the PSK and
 * ECDHE-PSK key exchanges (certificate messages live in their own module):
 *
 *   ServerHello (RFC 5246 section 7.4.1.3)
 *     ProtocolVersion server_version; Random random; SessionID session_id<0..32>;
 *     CipherSuite cipher_suite; CompressionMethod compression_method;
 *     Extension extensions<0..2^16-1>;              optional
 *   ServerKeyExchange, PSK (RFC 4279 section 2)
 *     opaque psk_identity_hint<0..2^16-1>;
 *   ServerKeyExchange, ECDHE_PSK (RFC 5489 section 2)
 *     opaque psk_identity_hint<0..2^16-1>;
 *     ECCurveType curve_type (named_curve = 3); NamedCurve namedcurve;
 *     opaque point<1..2^8-1>;
 *   ClientKeyExchange, PSK: opaque psk_identity<0..2^16-1>;
 *   ClientKeyExchange, ECDHE_PSK: opaque psk_identity<0..2^16-1>;
 *     opaque ecdh_Yc<1..2^8-1>;
 *   ServerHelloDone: empty
 *   Finished: opaque verify_data[12];
 */
#ifndef TERN_HANDSHAKE_MSGS12_H
#define TERN_HANDSHAKE_MSGS12_H

#include <stdint.h>

#include "handshake/ext.h"
#include "util/reader.h"
#include "util/writer.h"

/* RFC 4279 section 5.3: identities and hints up to 128 bytes must be
 * supported; tern accepts no more. */
#define TERN_PSK_IDENTITY_MAX 128

struct tern_server_hello12 {
    uint16_t version;
    const uint8_t *random; /* 32 bytes */
    struct tern_reader session_id;
    uint16_t suite;
    uint8_t compression;
    struct tern_exts exts;
};

/* Parses a whole ServerHello body. Errors: TERN_ERR_DECODE,
 * TERN_ERR_UNSUPPORTED_EXTENSION (a client-only extension),
 * TERN_ERR_ILLEGAL_PARAMETER (compression other than null). */
int tern_server_hello12_parse(struct tern_reader body, struct tern_server_hello12 *sh);

/* Writes a ServerHello body without its extension block; the caller opens
 * a 16-bit vector for the extensions after it (tern_w_open16) when it has
 * any. */
void tern_server_hello12_write(struct tern_writer *w, uint16_t version, const uint8_t random[32],
                               const uint8_t *session_id, size_t session_id_len, uint16_t suite);

struct tern_ske_psk {
    struct tern_reader hint;  /* 0..128 bytes */
    uint16_t group;           /* ECDHE_PSK only */
    struct tern_reader point; /* ECDHE_PSK only */
};

/* Parses a ServerKeyExchange body for PSK (ecdhe = 0) or ECDHE_PSK.
 * Errors: TERN_ERR_DECODE (malformed, empty point), TERN_ERR_ILLEGAL_PARAMETER
 * (hint over 128 bytes, curve type other than named_curve). */
int tern_ske_psk_parse(struct tern_reader body, int ecdhe, struct tern_ske_psk *out);

/* Writes a ServerKeyExchange body; point may be NULL for plain PSK. */
void tern_ske_psk_write(struct tern_writer *w, const uint8_t *hint, size_t hint_len, int ecdhe,
                        uint16_t group, const uint8_t *point, size_t point_len);

struct tern_cke_psk {
    struct tern_reader identity; /* 0..128 bytes */
    struct tern_reader point;    /* ECDHE_PSK only, 1..255 bytes */
};

/* Parses a ClientKeyExchange body for PSK (ecdhe = 0) or ECDHE_PSK.
 * Errors: TERN_ERR_DECODE (malformed, empty point), TERN_ERR_ILLEGAL_PARAMETER
 * (identity over 128 bytes). */
int tern_cke_psk_parse(struct tern_reader body, int ecdhe, struct tern_cke_psk *out);

/* Writes a ClientKeyExchange body; point is NULL for plain PSK. */
void tern_cke_psk_write(struct tern_writer *w, const uint8_t *identity, size_t identity_len,
                        const uint8_t *point, size_t point_len);

/* A ServerHelloDone body must be empty. Errors: TERN_ERR_DECODE. */
int tern_server_hello_done12_parse(struct tern_reader body);

/* Copies the 12-byte verify_data of a Finished body. Errors: TERN_ERR_DECODE. */
int tern_finished12_parse(struct tern_reader body, uint8_t verify_data[12]);

#endif
