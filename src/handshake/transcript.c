#include "handshake/transcript.h"

#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "handshake/header.h"
#include "util/guard.h"
#include "util/writer.h"
#include "util/alloc.h"

int tern_transcript_init(struct tern_transcript *t)
{
    memset(t, 0, sizeof(*t));
    int rc = tern_hash_init(&t->sha256, TERN_HASH_SHA256);
    if (rc == TERN_OK) {
        rc = tern_hash_init(&t->sha384, TERN_HASH_SHA384);
    }
    if (rc != TERN_OK) {
        tern_transcript_clear(t);
    }
    return rc;
}

/* Upper bound of the kept bytes: a handshake with certificates is a few
 * kilobytes; anything past this is refused rather than grown without end. */
#define KEEP_MAX ((size_t)128 << 10)

void tern_transcript_clear(struct tern_transcript *t)
{
    if (t == NULL) {
        return;
    }
    tern_hash_clear(&t->sha256);
    tern_hash_clear(&t->sha384);
    tern_free(t->bytes);
    t->bytes = NULL;
    t->len = 0;
    t->cap = 0;
    t->alg = 0;
}

int tern_transcript_keep(struct tern_transcript *t)
{
    if (t->bytes != NULL) {
        return TERN_OK;
    }
    t->bytes = tern_alloc(4096);
    TERN_ENSURE(t->bytes != NULL, TERN_ERR_NOMEM);
    t->cap = 4096;
    t->len = 0;
    return TERN_OK;
}

/* Makes room for n more kept bytes (nothing when not keeping). */
static int make_room(struct tern_transcript *t, size_t n)
{
    if (t->bytes == NULL) {
        return TERN_OK;
    }
    TERN_ENSURE(n <= KEEP_MAX - t->len, TERN_ERR_HANDSHAKE_FAILURE);
    if (t->cap - t->len < n) {
        size_t cap = t->cap;
        while (cap - t->len < n) {
            cap *= 2;
        }
        uint8_t *grown = tern_realloc(t->bytes, t->len, cap);
        TERN_ENSURE(grown != NULL, TERN_ERR_NOMEM);
        t->bytes = grown;
        t->cap = cap;
    }
    return TERN_OK;
}

static void keep(struct tern_transcript *t, const uint8_t *p, size_t n)
{
    if (t->bytes != NULL && n > 0) {
        memcpy(t->bytes + t->len, p, n);
        t->len += n;
    }
}

int tern_transcript_add(struct tern_transcript *t, uint8_t type, uint16_t seq, const uint8_t *body,
                        size_t len)
{
    TERN_ENSURE(body != NULL || len == 0, TERN_ERR_ARG);
    /* The header's length field has 24 bits (RFC 6347 section 4.2.2). */
    TERN_ENSURE(len < ((size_t)1 << 24), TERN_ERR_DECODE);
    uint8_t hdr[TERN_HS_HEADER_LEN];
    struct tern_writer w;
    tern_w_init(&w, hdr, sizeof(hdr));
    struct tern_hs_header h = {type, (uint32_t)len, seq, 0, (uint32_t)len};
    tern_hs_header_write(&w, &h);
    TERN_TRY(tern_w_finish(&w));
    /* All room first, so that a refusal changes nothing. */
    TERN_TRY(make_room(t, sizeof(hdr) + len));
    struct tern_hash *hs[2] = {&t->sha256, &t->sha384};
    for (size_t i = 0; i < 2; i++) {
        if (hs[i]->ctx == NULL) {
            continue;
        }
        TERN_TRY(tern_hash_update(hs[i], hdr, sizeof(hdr)));
        TERN_TRY(tern_hash_update(hs[i], body, len));
    }
    keep(t, hdr, sizeof(hdr));
    keep(t, body, len);
    return TERN_OK;
}

int tern_transcript_choose(struct tern_transcript *t, int alg)
{
    TERN_ENSURE(alg == TERN_HASH_SHA256 || alg == TERN_HASH_SHA384, TERN_ERR_ARG);
    if (t->alg != 0) {
        return t->alg == alg ? TERN_OK : TERN_ERR_STATE;
    }
    tern_hash_clear(alg == TERN_HASH_SHA256 ? &t->sha384 : &t->sha256);
    t->alg = (uint8_t)alg;
    return TERN_OK;
}

int tern_transcript_hash(const struct tern_transcript *t, uint8_t *out, size_t *len)
{
    TERN_ENSURE(t->alg != 0, TERN_ERR_STATE);
    const struct tern_hash *h = t->alg == TERN_HASH_SHA256 ? &t->sha256 : &t->sha384;
    TERN_TRY(tern_hash_peek(h, out));
    *len = tern_hash_len(t->alg);
    return TERN_OK;
}
