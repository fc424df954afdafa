/* The stateless datagram peek (include/tern/peek.h): the record header
 * codecs of record/header12.h applied to the first record of a datagram,
 * with nothing kept and nothing authenticated. */
#include <tern/peek.h>

#include <string.h>

#include <tern/err.h>

#include "handshake/header.h"
#include "record/header12.h"
#include "util/guard.h"
#include "util/reader.h"

_Static_assert(TERN_DGRAM_CID_MAX == TERN_REC12_CID_MAX, "one CID limit");

/* RFC 9147 section 4: a DTLSCiphertext with the unified header begins with
 * the bits 0 0 1 C S L E E. Section 4.1 tells it from the other records by
 * these three bits; no content type lies in 32..63. */
static int unified_header(uint8_t first)
{
    return (first & 0xe0) == 0x20;
}

/* Which header the first byte announces: TERN_OK with *format set, or the
 * error tern_dgram_peek() documents for it. */
static int classify(uint8_t first, size_t cid_len, int *format)
{
    TERN_ENSURE(!unified_header(first), TERN_ERR_UNSUPPORTED);
    if (first == TERN_CT_TLS12_CID) {
        /* Without its length the CID cannot be skipped to find the length
         * field behind it (RFC 9146 section 4: "cid_length bytes long, as
         * agreed at the time the extension has been negotiated"). */
        TERN_ENSURE(cid_len > 0, TERN_ERR_CONTENT_TYPE);
        *format = TERN_DGRAM_DTLS12_CID;
        return TERN_OK;
    }
    TERN_ENSURE(tern_rec12_type_known(first), TERN_ERR_CONTENT_TYPE);
    *format = TERN_DGRAM_DTLS12;
    return TERN_OK;
}

/* Reads the header of the given format from r into info and the fragment
 * into body. Errors: those of the header codecs. */
static int read_header(struct tern_reader *r, int format, size_t cid_len,
                       struct tern_dgram_info *info, struct tern_reader *body)
{
    struct tern_rec12_header h;
    if (format == TERN_DGRAM_DTLS12_CID) {
        struct tern_reader cid;
        TERN_TRY(tern_rec12_cid_header_parse(r, cid_len, &h, &cid, body));
        info->cid = cid.p;
        info->cid_len = cid.len;
        info->header_len = TERN_REC12_HEADER_LEN + cid.len;
    } else {
        TERN_TRY(tern_rec12_header_parse(r, &h, body));
        info->header_len = TERN_REC12_HEADER_LEN;
    }
    info->format = format;
    info->content_type = h.type;
    info->version = h.version;
    info->epoch = h.epoch;
    info->seq = h.seq;
    info->epoch_bits = 16;
    info->seq_bits = 48;
    info->record_len = body->len;
    return TERN_OK;
}

/* Whether the record is the first flight of a new client: a handshake
 * record in epoch 0 whose message type byte is client_hello. */
static int looks_like_client_hello(const struct tern_dgram_info *info, struct tern_reader body)
{
    uint8_t msg_type;
    return info->content_type == TERN_CT_HANDSHAKE && info->epoch == 0 &&
           tern_r_u8(&body, &msg_type) == TERN_OK && msg_type == TERN_HS_CLIENT_HELLO;
}

static int peek(const uint8_t *dgram, size_t len, size_t cid_len, struct tern_dgram_info *info)
{
    struct tern_reader r;
    tern_r_init(&r, dgram, len);
    uint8_t first;
    struct tern_reader head = r;
    TERN_TRY(tern_r_u8(&head, &first));
    int format;
    TERN_TRY(classify(first, cid_len, &format));
    struct tern_reader body;
    TERN_TRY(read_header(&r, format, cid_len, info, &body));
    /* RFC 6347 section 4.1: a DTLS version is the 1's complement of its
     * number (1.2 is 254.253), "maximal spacing between TLS and DTLS
     * version numbers"; every one has major byte 0xfe. */
    TERN_ENSURE((info->version >> 8) == 0xfe, TERN_ERR_PROTOCOL_VERSION);
    info->client_hello = looks_like_client_hello(info, body);
    return TERN_OK;
}

int tern_dgram_peek(const uint8_t *dgram, size_t len, size_t cid_len, struct tern_dgram_info *out)
{
    if (out != NULL) {
        memset(out, 0, sizeof(*out));
    }
    TERN_ENSURE(dgram != NULL && out != NULL && cid_len <= TERN_DGRAM_CID_MAX, TERN_ERR_ARG);
    struct tern_dgram_info info;
    memset(&info, 0, sizeof(info));
    TERN_TRY(peek(dgram, len, cid_len, &info));
    *out = info;
    return TERN_OK;
}
