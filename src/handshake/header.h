/* DTLS handshake message header (RFC 6347 section 4.2.2):
 *
 *   struct {
 *       HandshakeType msg_type;    uint8
 *       uint24 length;             the whole message body
 *       uint16 message_seq;
 *       uint24 fragment_offset;
 *       uint24 fragment_length;
 *       opaque body[fragment_length];
 *   } Handshake;
 */
#ifndef TERN_HANDSHAKE_HEADER_H
#define TERN_HANDSHAKE_HEADER_H

#include <stdint.h>

#include "util/reader.h"
#include "util/writer.h"

enum tern_hs_type {
    TERN_HS_HELLO_REQUEST = 0,
    TERN_HS_CLIENT_HELLO = 1,
    TERN_HS_SERVER_HELLO = 2,
    TERN_HS_HELLO_VERIFY_REQUEST = 3,
    TERN_HS_NEW_SESSION_TICKET = 4,
    TERN_HS_CERTIFICATE = 11,
    TERN_HS_SERVER_KEY_EXCHANGE = 12,
    TERN_HS_CERTIFICATE_REQUEST = 13,
    TERN_HS_SERVER_HELLO_DONE = 14,
    TERN_HS_CERTIFICATE_VERIFY = 15,
    TERN_HS_CLIENT_KEY_EXCHANGE = 16,
    TERN_HS_FINISHED = 20,
};

#define TERN_HS_HEADER_LEN 12

struct tern_hs_header {
    uint8_t type;
    uint32_t length; /* 24 bits: length of the whole message body */
    uint16_t message_seq;
    uint32_t frag_offset; /* 24 bits */
    uint32_t frag_length; /* 24 bits */
};

/* Reads one handshake header from a handshake record and splits its
 * fragment off into frag. Checks, in sizes and never with pointers, that
 * frag_offset + frag_length <= length and that frag_length bytes are
 * present. On failure rec is unchanged. Errors: TERN_ERR_DECODE. */
int tern_hs_header_parse(struct tern_reader *rec, struct tern_hs_header *h,
                         struct tern_reader *frag);

/* Writes the 12-byte header (flags TERN_ERR_DECODE on fields wider than 24 bits). */
void tern_hs_header_write(struct tern_writer *w, const struct tern_hs_header *h);

/* Whether the header describes a whole message in one fragment. */
static inline int tern_hs_header_unfragmented(const struct tern_hs_header *h)
{
    return h->frag_offset == 0 && h->frag_length == h->length;
}

#endif
