/* ClientHello and HelloVerifyRequest of DTLS 1.2 (RFC 6347 section 4.2.1 on
 * RFC 5246 section 7.4.1.2):
 *
 *   struct {
 *       ProtocolVersion client_version;
 *       Random random;                                   32 bytes
 *       SessionID session_id<0..32>;
 *       opaque cookie<0..2^8-1>;
 *       CipherSuite cipher_suites<2..2^16-2>;
 *       CompressionMethod compression_methods<1..2^8-1>;
 *       Extension extensions<0..2^16-1>;                 optional
 *   } ClientHello;
 *
 *   struct {
 *       ProtocolVersion server_version;
 *       opaque cookie<0..2^8-1>;
 *   } HelloVerifyRequest;
 */
#ifndef TERN_HANDSHAKE_HELLO_H
#define TERN_HANDSHAKE_HELLO_H

#include <stdint.h>

#include "handshake/ext.h"
#include "util/reader.h"
#include "util/writer.h"

#define TERN_RANDOM_LEN     32
#define TERN_SESSION_ID_MAX 32
#define TERN_COOKIE_MAX     255

/* A parsed ClientHello. Every field borrows from the message body. */
struct tern_client_hello {
    uint16_t version;
    const uint8_t *random;          /* TERN_RANDOM_LEN bytes */
    struct tern_reader session_id;  /* 0..32 bytes */
    struct tern_reader cookie;      /* 0..255 bytes */
    struct tern_reader suites;      /* even, 2..65534 bytes */
    struct tern_reader compression; /* 1..255 bytes, includes null (0) */
    struct tern_exts exts;
};

/* Parses a whole ClientHello body; trailing bytes are refused.
 * Errors: TERN_ERR_DECODE (malformed, lengths out of range, duplicate
 * extension), TERN_ERR_ILLEGAL_PARAMETER (no null compression, RFC 5246
 * section 7.4.1.2), TERN_ERR_UNSUPPORTED_EXTENSION. */
int tern_client_hello_parse(struct tern_reader body, struct tern_client_hello *ch);

/* Whether the ClientHello offers a cipher suite. */
int tern_client_hello_offers(const struct tern_client_hello *ch, uint16_t suite);

struct tern_hello_verify {
    uint16_t version;
    struct tern_reader cookie; /* 0..255 bytes */
};

/* Parses a whole HelloVerifyRequest body. Errors: TERN_ERR_DECODE. */
int tern_hello_verify_parse(struct tern_reader body, struct tern_hello_verify *hv);

/* Writes a HelloVerifyRequest body. RFC 6347 section 4.2.1: the
 * server_version is DTLS 1.0 whatever will be negotiated.
 * Flags TERN_ERR_DECODE when the cookie is longer than 255 bytes. */
void tern_hello_verify_write(struct tern_writer *w, const uint8_t *cookie, size_t cookie_len);

#endif
