/* DTLS 1.2 record header codec (RFC 6347 section 4.1):
 *
 *   struct {
 *       ContentType type;               uint8
 *       ProtocolVersion version;        uint16, 0xfefd for DTLS 1.2
 *       uint16 epoch;
 *       uint48 sequence_number;
 *       uint16 length;
 *       opaque fragment[DTLSCiphertext.length];
 *   } DTLSCiphertext;
 */
#ifndef TERN_RECORD_HEADER_H
#define TERN_RECORD_HEADER_H

#include <stdint.h>

#include "util/reader.h"
#include "util/writer.h"

enum tern_content_type {
    TERN_CT_CHANGE_CIPHER_SPEC = 20,
    TERN_CT_ALERT = 21,
    TERN_CT_HANDSHAKE = 22,
    TERN_CT_APPLICATION_DATA = 23,
    /* RFC 9146 section 4: the outer type of a record that carries a
     * Connection ID (its real type is inside the protection). */
    TERN_CT_TLS12_CID = 25,
};

#define TERN_DTLS10_VERSION 0xfeffu
#define TERN_DTLS12_VERSION 0xfefdu

#define TERN_REC12_HEADER_LEN 13
/* RFC 5246 section 6.2.1: plaintext fragments are at most 2^14 bytes. */
#define TERN_REC_MAX_PLAINTEXT 16384u
/* RFC 5246 section 6.2.3: ciphertext at most 2^14 + 2048 bytes. */
#define TERN_REC12_MAX_CIPHERTEXT (16384u + 2048u)
/* The largest sequence number of an epoch (48 bits, RFC 6347 section 4.1). */
#define TERN_REC_MAX_SEQ ((UINT64_C(1) << 48) - 1)

struct tern_rec12_header {
    uint8_t type;
    uint16_t version;
    uint16_t epoch;
    uint64_t seq; /* 48 bits */
    uint16_t length;
};

/* Whether type is a content type the DTLS 1.2 record layer handles (1) or
 * not (0); tls12_cid is not one of them yet. */
int tern_rec12_type_known(uint8_t type);

/* Reads one record header from dgram and splits its fragment off into body.
 * On failure dgram is unchanged.
 * Errors: TERN_ERR_DECODE (fewer than 13 bytes, or length past the end of
 * the datagram), TERN_ERR_RECORD_OVERFLOW (length above 2^14 + 2048). */
int tern_rec12_header_parse(struct tern_reader *dgram, struct tern_rec12_header *h,
                            struct tern_reader *body);

/* The DTLS 1.2 record header with a Connection ID (RFC 9146 section 4):
 *
 *   struct {
 *       ContentType outer_type = tls12_cid;
 *       ProtocolVersion version;
 *       uint16 epoch;
 *       uint48 sequence_number;
 *       opaque cid[cid_length];
 *       uint16 length;
 *       opaque enc_content[DTLSCiphertext.length];
 *   } DTLSCiphertext;
 *
 * cid_length is not on the wire: the receiver chose the CID it receives,
 * so only it knows how long the CID is. The extension carries it as
 * cid<0..2^8-1> (RFC 9146 section 3). */
#define TERN_REC12_CID_MAX 255

/* Reads one record header with a cid_len-byte Connection ID from dgram:
 * the fields as tern_rec12_header_parse() (the type is not checked), the
 * CID split off into cid and the fragment into body; the header is
 * TERN_REC12_HEADER_LEN + cid_len bytes. On failure dgram is unchanged.
 * Errors: TERN_ERR_ARG (cid_len above TERN_REC12_CID_MAX), TERN_ERR_DECODE
 * (header truncated, or length past the end of the datagram),
 * TERN_ERR_RECORD_OVERFLOW (length above 2^14 + 2048). */
int tern_rec12_cid_header_parse(struct tern_reader *dgram, size_t cid_len,
                                struct tern_rec12_header *h, struct tern_reader *cid,
                                struct tern_reader *body);

/* The additional data of a DTLS 1.2 AEAD record: seq_num (epoch ||
 * sequence_number, RFC 6347 section 4.1.2.1) + type + version + length of
 * the plaintext (RFC 5246 section 6.2.3.3). */
#define TERN_REC12_AAD_LEN 13
void tern_rec12_aad(uint8_t aad[TERN_REC12_AAD_LEN], uint64_t seq_num, uint8_t type,
                    uint16_t version, size_t pt_len);

/* Writes the 13-byte header h (h->seq must fit 48 bits, else the writer is
 * flagged TERN_ERR_DECODE). */
void tern_rec12_header_write(struct tern_writer *w, const struct tern_rec12_header *h);

#endif
