#include "handshake/header.h"

#include <tern/err.h>

#include "util/guard.h"

int tern_hs_header_parse(struct tern_reader *rec, struct tern_hs_header *h,
                         struct tern_reader *frag)
{
    struct tern_reader r = *rec;
    struct tern_hs_header tmp;
    TERN_TRY(tern_r_u8(&r, &tmp.type));
    TERN_TRY(tern_r_u24(&r, &tmp.length));
    TERN_TRY(tern_r_u16(&r, &tmp.message_seq));
    TERN_TRY(tern_r_u24(&r, &tmp.frag_offset));
    TERN_TRY(tern_r_u24(&r, &tmp.frag_length));
    /* All three are at most 2^24 - 1, so the sum cannot overflow. */
    TERN_ENSURE((uint64_t)tmp.frag_offset + tmp.frag_length <= tmp.length, TERN_ERR_DECODE);
    TERN_TRY(tern_r_sub(&r, tmp.frag_length, frag));
    *h = tmp;
    *rec = r;
    return TERN_OK;
}

void tern_hs_header_write(struct tern_writer *w, const struct tern_hs_header *h)
{
    tern_w_u8(w, h->type);
    tern_w_u24(w, h->length);
    tern_w_u16(w, h->message_seq);
    tern_w_u24(w, h->frag_offset);
    tern_w_u24(w, h->frag_length);
}
