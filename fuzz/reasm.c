/* Fuzz target: handshake message reassembly. The input is a sequence of raw
 * DTLS handshake fragments (12-byte header, then the fragment), parsed with
 * tern_hs_header_parse() until the first one that does not parse. Each is
 * offered to a reassembler with small caps; complete messages are taken out
 * as they become ready. After every step the target checks what the
 * reassembler promises and aborts when a promise is broken. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "handshake/header.h"
#include "handshake/reasm.h"

#define MAX_MSG      4096
#define MAX_BUFFERED 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t popcount8(uint8_t b)
{
    size_t n = 0;
    for (; b != 0; b = (uint8_t)(b & (b - 1))) {
        n++;
    }
    return n;
}

/* One slot's bookkeeping agrees with its buffer. */
static void check_slot(const struct tern_reasm_slot *s)
{
    if (!s->used) {
        if (s->buf != NULL || s->received != 0 || s->length != 0) {
            abort();
        }
        return;
    }
    if (s->length > MAX_MSG || s->received > s->length || (s->buf != NULL) != (s->length > 0)) {
        abort();
    }
    size_t bits = 0;
    size_t map_len = tern_reasm_map_len(s->length);
    for (size_t i = 0; i < map_len; i++) {
        bits += popcount8(s->buf[s->length + i]);
    }
    /* received counts the set bits, and no bit past the body is ever set. */
    if (bits != s->received) {
        abort();
    }
    if (s->length % 8 != 0 && (s->buf[s->length + map_len - 1] >> (s->length % 8)) != 0) {
        abort();
    }
}

static void check_all(const struct tern_reasm *r, uint32_t next_seq)
{
    size_t sum = 0;
    for (size_t i = 0; i < TERN_REASM_SLOTS; i++) {
        check_slot(&r->slot[i]);
        if (r->slot[i].buf != NULL) {
            sum += tern_reasm_cost(r->slot[i].length);
        }
    }
    if (r->next_seq != next_seq || sum != r->buffered || r->buffered > MAX_BUFFERED) {
        abort();
    }
}

/* Whether two states have the same bookkeeping (an error or a drop must
 * change nothing). */
static int same_state(const struct tern_reasm *a, const struct tern_reasm *b)
{
    if (a->next_seq != b->next_seq || a->buffered != b->buffered) {
        return 0;
    }
    for (size_t i = 0; i < TERN_REASM_SLOTS; i++) {
        const struct tern_reasm_slot *x = &a->slot[i];
        const struct tern_reasm_slot *y = &b->slot[i];
        if (x->buf != y->buf || x->length != y->length || x->received != y->received ||
            x->type != y->type || x->used != y->used) {
            return 0;
        }
    }
    return 1;
}

/* Whether a new slot idx for a message of this length may be refused for
 * lack of room: slot 0 may reclaim what the later slots hold. */
static int may_drop_for_room(const struct tern_reasm *r, size_t idx, uint32_t length)
{
    size_t room = MAX_BUFFERED - r->buffered;
    if (idx == 0) {
        for (size_t i = 1; i < TERN_REASM_SLOTS; i++) {
            room += r->slot[i].buf != NULL ? tern_reasm_cost(r->slot[i].length) : 0;
        }
    }
    return tern_reasm_cost(length) > room;
}

/* The result of one add, judged against the state before it. */
static void check_result(const struct tern_reasm *before, const struct tern_reasm *after,
                         const struct tern_hs_header *h, const uint8_t *frag, int rc)
{
    if (h->message_seq < before->next_seq) {
        if (rc != TERN_REASM_OLD || !same_state(before, after)) {
            abort();
        }
        return;
    }
    size_t idx = (size_t)(h->message_seq - before->next_seq);
    const struct tern_reasm_slot *was = &before->slot[idx < TERN_REASM_SLOTS ? idx : 0];
    int expect_fatal =
        idx < TERN_REASM_SLOTS &&
        (h->length > MAX_MSG || (was->used && (was->type != h->type || was->length != h->length)));
    if (idx >= TERN_REASM_SLOTS) {
        if (rc != TERN_REASM_DROPPED) {
            abort();
        }
    } else if (expect_fatal) {
        if (rc != TERN_ERR_ILLEGAL_PARAMETER) {
            abort();
        }
    } else if (rc == TERN_REASM_DROPPED) {
        if (was->used || h->frag_length == 0 || !may_drop_for_room(before, idx, h->length)) {
            abort();
        }
    } else if (rc == TERN_ERR_ILLEGAL_PARAMETER) {
        if (!was->used) { /* a byte mismatch needs bytes already there */
            abort();
        }
    } else if (rc == TERN_REASM_STORED || rc == TERN_REASM_DUPLICATE) {
        const struct tern_reasm_slot *s = &after->slot[idx];
        int grew = s->used && (!was->used || s->received > was->received);
        if ((rc == TERN_REASM_STORED) != grew) {
            abort();
        }
        /* Every byte of an accepted fragment is now in the slot, either
         * copied or compared equal. */
        if (s->used && h->frag_length > 0 &&
            memcmp(s->buf + h->frag_offset, frag, h->frag_length) != 0) {
            abort();
        }
        return;
    } else {
        abort();
    }
    if (rc < 0 || rc == TERN_REASM_DROPPED) {
        if (!same_state(before, after)) {
            abort();
        }
    }
}

/* Takes out every message that is ready, checking it against its slot. */
static void drain(struct tern_reasm *r, uint32_t *next_seq)
{
    uint8_t type;
    const uint8_t *body;
    size_t len;
    while (tern_reasm_ready(r, &type, &body, &len)) {
        const struct tern_reasm_slot *s = &r->slot[0];
        if (body == NULL || len != s->length || type != s->type || s->received != s->length) {
            abort();
        }
        if (tern_reasm_advance(r) != TERN_OK) {
            abort();
        }
        (*next_seq)++;
        check_all(r, *next_seq);
    }
    struct tern_reasm before = *r;
    if (tern_reasm_advance(r) != TERN_ERR_STATE || !same_state(&before, r)) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tern_reasm r;
    struct tern_reader in;
    struct tern_reader frag;
    struct tern_hs_header h;
    uint32_t next_seq = 0;
    tern_reasm_init(&r, 0, MAX_MSG, MAX_BUFFERED);
    tern_r_init(&in, data, size);
    while (tern_hs_header_parse(&in, &h, &frag) == TERN_OK) {
        struct tern_reasm before = r;
        int rc = tern_reasm_add(&r, &h, frag.p);
        check_all(&r, next_seq);
        check_result(&before, &r, &h, frag.p, rc);
        /* A whole expected message that fits the caps is never lost. */
        if (h.message_seq == next_seq && tern_hs_header_unfragmented(&h) && h.length <= MAX_MSG &&
            tern_reasm_cost(h.length) <= MAX_BUFFERED && !before.slot[0].used) {
            uint8_t type;
            const uint8_t *body;
            size_t len;
            if (rc != TERN_REASM_STORED || !tern_reasm_ready(&r, &type, &body, &len) ||
                type != h.type || len != h.length || (len > 0 && memcmp(body, frag.p, len) != 0)) {
                abort();
            }
        }
        drain(&r, &next_seq);
    }
    tern_reasm_clear(&r);
    if (r.buffered != 0 || r.slot[0].used) {
        abort();
    }
    return 0;
}
