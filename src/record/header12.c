#include "record/header12.h"

#include <tern/err.h>

#include "util/guard.h"

int tern_rec12_type_known(uint8_t type)
{
    switch (type) {
    case TERN_CT_CHANGE_CIPHER_SPEC:
    case TERN_CT_ALERT:
    case TERN_CT_HANDSHAKE:
    case TERN_CT_APPLICATION_DATA:
        return 1;
    default:
        return 0;
    }
}

/* type, version, epoch and sequence_number: the bytes that the RFC 6347
 * header and the RFC 9146 header with a Connection ID begin with alike. */
#define PREFIX_LEN 11

/* Decodes the PREFIX_LEN bytes at b (already bounds-checked) into h. */
static inline void decode_prefix(const uint8_t *b, struct tern_rec12_header *h)
{
    h->type = b[0];
    h->version = (uint16_t)(b[1] << 8 | b[2]);
    h->epoch = (uint16_t)(b[3] << 8 | b[4]);
    h->seq = 0;
    for (size_t i = 5; i < PREFIX_LEN; i++) {
        h->seq = h->seq << 8 | b[i];
    }
}

/* The 13 header bytes are taken from the reader in one bounds-checked read
 * and decoded at fixed offsets: the record path runs once per datagram and
 * this is its hottest parse. */
int tern_rec12_header_parse(struct tern_reader *dgram, struct tern_rec12_header *h,
                            struct tern_reader *body)
{
    struct tern_reader r = *dgram;
    const uint8_t *b;
    TERN_TRY(tern_r_bytes(&r, TERN_REC12_HEADER_LEN, &b));
    uint16_t length = (uint16_t)(b[11] << 8 | b[12]);
    /* RFC 5246 section 6.2.3: "The length MUST NOT exceed 2^14 + 2048." */
    TERN_ENSURE(length <= TERN_REC12_MAX_CIPHERTEXT, TERN_ERR_RECORD_OVERFLOW);
    TERN_TRY(tern_r_sub(&r, length, body));
    decode_prefix(b, h);
    h->length = length;
    *dgram = r;
    return TERN_OK;
}

int tern_rec12_cid_header_parse(struct tern_reader *dgram, size_t cid_len,
                                struct tern_rec12_header *h, struct tern_reader *cid,
                                struct tern_reader *body)
{
    TERN_ENSURE(cid_len <= TERN_REC12_CID_MAX, TERN_ERR_ARG);
    struct tern_reader r = *dgram;
    const uint8_t *b;
    struct tern_reader c;
    uint16_t length;
    TERN_TRY(tern_r_bytes(&r, PREFIX_LEN, &b));
    TERN_TRY(tern_r_sub(&r, cid_len, &c));
    TERN_TRY(tern_r_u16(&r, &length));
    /* RFC 9146 section 4 keeps the other fields "as defined in RFC 6347",
     * so the ciphertext limit of RFC 5246 section 6.2.3 holds. */
    TERN_ENSURE(length <= TERN_REC12_MAX_CIPHERTEXT, TERN_ERR_RECORD_OVERFLOW);
    TERN_TRY(tern_r_sub(&r, length, body));
    decode_prefix(b, h);
    h->length = length;
    *cid = c;
    *dgram = r;
    return TERN_OK;
}

void tern_rec12_header_write(struct tern_writer *w, const struct tern_rec12_header *h)
{
    if (h->seq > TERN_REC_MAX_SEQ) {
        w->err = w->err != 0 ? w->err : TERN_ERR_DECODE;
        return;
    }
    uint8_t *b = tern_w_reserve(w, TERN_REC12_HEADER_LEN);
    if (b == NULL) {
        return;
    }
    b[0] = h->type;
    b[1] = (uint8_t)(h->version >> 8);
    b[2] = (uint8_t)h->version;
    b[3] = (uint8_t)(h->epoch >> 8);
    b[4] = (uint8_t)h->epoch;
    for (size_t i = 0; i < 6; i++) {
        b[5 + i] = (uint8_t)(h->seq >> (40 - 8 * i));
    }
    b[11] = (uint8_t)(h->length >> 8);
    b[12] = (uint8_t)h->length;
}

void tern_rec12_aad(uint8_t aad[TERN_REC12_AAD_LEN], uint64_t seq_num, uint8_t type,
                    uint16_t version, size_t pt_len)
{
    for (size_t i = 0; i < 8; i++) {
        aad[i] = (uint8_t)(seq_num >> (56 - 8 * i));
    }
    aad[8] = type;
    aad[9] = (uint8_t)(version >> 8);
    aad[10] = (uint8_t)version;
    aad[11] = (uint8_t)(pt_len >> 8);
    aad[12] = (uint8_t)pt_len;
}
