#include "record/header.h"

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

int tern_rec12_header_parse(struct tern_reader *dgram, struct tern_rec12_header *h,
                            struct tern_reader *body)
{
    struct tern_reader r = *dgram;
    struct tern_rec12_header tmp;
    TERN_TRY(tern_r_u8(&r, &tmp.type));
    TERN_TRY(tern_r_u16(&r, &tmp.version));
    TERN_TRY(tern_r_u16(&r, &tmp.epoch));
    TERN_TRY(tern_r_u48(&r, &tmp.seq));
    TERN_TRY(tern_r_u16(&r, &tmp.length));
    /* RFC 5246 section 6.2.3: "The length MUST NOT exceed 2^14 + 2048." */
    TERN_ENSURE(tmp.length <= TERN_REC12_MAX_CIPHERTEXT, TERN_ERR_RECORD_OVERFLOW);
    TERN_TRY(tern_r_sub(&r, tmp.length, body));
    *h = tmp;
    *dgram = r;
    return TERN_OK;
}

void tern_rec12_header_write(struct tern_writer *w, const struct tern_rec12_header *h)
{
    tern_w_u8(w, h->type);
    tern_w_u16(w, h->version);
    tern_w_u16(w, h->epoch);
    tern_w_u48(w, h->seq);
    tern_w_u16(w, h->length);
}
