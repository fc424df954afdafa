/* Handshake message reassembly (RFC 6347 section 4.2.3, RFC 9147 section 5.5).
 *
 * Positions inside a message are size_t offsets into the slot buffer, never
 * pointer differences; a fragment is copied only after its range has been
 * checked against the slot's length right before the copy. */
#include "handshake/reasm.h"

#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "util/guard.h"
#include "util/alloc.h"

/* The largest value of a 24-bit length field (RFC 6347 section 4.2.2). */
#define REASM_U24_MAX 0xffffffu

/* ---- arrival bitmap: bit i of the map is set when body byte i has arrived -- */

static int bit_get(const uint8_t *map, size_t i)
{
    return (map[i / 8] >> (i % 8)) & 1;
}

/* Sets bits [i, end), whole bytes at a time where it can. */
static void bits_set(uint8_t *map, size_t i, size_t end)
{
    while (i < end) {
        if (i % 8 == 0 && end - i >= 8) {
            map[i / 8] = 0xff;
            i += 8;
        } else {
            map[i / 8] = (uint8_t)(map[i / 8] | (1u << (i % 8)));
            i++;
        }
    }
}

/* The end of the run of equal bits that starts at i (< end), at most end.
 * Skips whole map bytes that are all 0 or all 1, so a large fragment over a
 * plain region costs a byte per 8 positions. */
static size_t run_end(const uint8_t *map, size_t i, size_t end)
{
    int state = bit_get(map, i);
    uint8_t full = state ? 0xff : 0x00;
    size_t j = i + 1;
    while (j < end) {
        if (j % 8 == 0 && end - j >= 8 && map[j / 8] == full) {
            j += 8;
        } else if (bit_get(map, j) == state) {
            j++;
        } else {
            break;
        }
    }
    return j;
}

/* ---- slots ------------------------------------------------------------------ */

static void slot_release(struct tern_reasm *r, struct tern_reasm_slot *s)
{
    if (s->buf != NULL) {
        size_t cost = tern_reasm_cost(s->length);
        /* buffered counts every live buffer, so it holds at least this one. */
        r->buffered = cost <= r->buffered ? r->buffered - cost : 0;
        tern_free(s->buf);
    }
    memset(s, 0, sizeof(*s));
}

/* Bytes that slot 0 may reclaim by evicting the later slots. */
static size_t evictable(const struct tern_reasm *r)
{
    size_t sum = 0;
    for (size_t i = 1; i < TERN_REASM_SLOTS; i++) {
        if (r->slot[i].buf != NULL) {
            sum += tern_reasm_cost(r->slot[i].length);
        }
    }
    return sum;
}

/* Room left under the cap (buffered never exceeds it; 0 if it somehow did). */
static size_t room_left(const struct tern_reasm *r)
{
    return r->buffered <= r->max_buffered ? r->max_buffered - r->buffered : 0;
}

/* Evicts later slots, last first, until cost more bytes fit under the cap.
 * The caller has checked with evictable() that they will. */
static void evict_for(struct tern_reasm *r, size_t cost)
{
    for (size_t i = TERN_REASM_SLOTS - 1; i >= 1 && cost > room_left(r); i--) {
        slot_release(r, &r->slot[i]);
    }
}

/* Creates slot idx for h's message and its buffer (none for a zero-length
 * message). Returns TERN_OK, TERN_REASM_DROPPED when the buffer does not fit
 * under max_buffered, or TERN_ERR_NOMEM; r is unchanged unless TERN_OK. */
static int slot_create(struct tern_reasm *r, size_t idx, const struct tern_hs_header *h)
{
    size_t cost = tern_reasm_cost(h->length);
    size_t room = room_left(r);
    if (idx == 0) {
        /* Later messages cannot be delivered before this one; when they fill
         * the cap they would starve it forever, so it may push them out (the
         * peer retransmits them with the rest of its flight). */
        size_t extra = evictable(r);
        room = extra <= SIZE_MAX - room ? room + extra : SIZE_MAX;
    }
    if (cost > room) {
        return TERN_REASM_DROPPED;
    }
    uint8_t *buf = NULL; /* a zero-length message has no buffer: its cost is 0 */
    if (cost > 0) {
        buf = tern_alloc(cost);
        TERN_ENSURE(buf != NULL, TERN_ERR_NOMEM);
        memset(buf + h->length, 0, tern_reasm_map_len(h->length));
    }
    if (idx == 0) {
        evict_for(r, cost);
    }
    struct tern_reasm_slot *s = &r->slot[idx];
    s->buf = buf;
    s->length = h->length;
    s->received = 0;
    s->type = h->type;
    s->used = 1;
    r->buffered += cost;
    return TERN_OK;
}

/* ---- fragments ---------------------------------------------------------------- */

/* Compares the bytes of frag (n bytes at offset off) that already arrived
 * with what the slot holds. The caller checked off + n <= s->length.
 * Errors: TERN_ERR_ILLEGAL_PARAMETER on a difference. */
static int frag_check_overlap(const struct tern_reasm_slot *s, size_t off, const uint8_t *frag,
                              size_t n)
{
    if (s->buf == NULL || n == 0) {
        return TERN_OK; /* a zero-length message or fragment has no bytes to compare */
    }
    const uint8_t *map = s->buf + s->length;
    size_t end = off + n;
    for (size_t i = off; i < end;) {
        size_t j = run_end(map, i, end);
        if (bit_get(map, i)) {
            TERN_ENSURE(i >= off && j <= end && end <= s->length, TERN_ERR_ARG);
            TERN_ENSURE(memcmp(s->buf + i, frag + (i - off), j - i) == 0,
                        TERN_ERR_ILLEGAL_PARAMETER);
        }
        i = j;
    }
    return TERN_OK;
}

/* Copies the bytes of frag that have not arrived yet into the slot and marks
 * them. The caller checked off + n <= s->length. Returns the number of new
 * bytes, or TERN_ERR_ARG if the range check before the copy fails (it
 * cannot, given the caller's check). */
static ptrdiff_t frag_copy_new(struct tern_reasm_slot *s, size_t off, const uint8_t *frag, size_t n)
{
    if (s->buf == NULL || n == 0) {
        return 0;
    }
    uint8_t *map = s->buf + s->length;
    size_t end = off + n;
    size_t added = 0;
    for (size_t i = off; i < end;) {
        size_t j = run_end(map, i, end);
        if (!bit_get(map, i)) {
            TERN_ENSURE(i >= off && j <= end && end <= s->length, TERN_ERR_ARG);
            memcpy(s->buf + i, frag + (i - off), j - i);
            bits_set(map, i, j);
            added += j - i;
        }
        i = j;
    }
    s->received += (uint32_t)added; /* added <= n < 2^24 */
    return (ptrdiff_t)added;
}

/* Validates what tern_hs_header_parse() already guarantees, so that a header
 * built by hand cannot overrun a slot. Errors: TERN_ERR_ARG, TERN_ERR_DECODE. */
static int header_check(const struct tern_hs_header *h, const uint8_t *frag)
{
    TERN_ENSURE(frag != NULL || h->frag_length == 0, TERN_ERR_ARG);
    TERN_ENSURE(h->length <= REASM_U24_MAX, TERN_ERR_DECODE);
    TERN_ENSURE((uint64_t)h->frag_offset + h->frag_length <= h->length, TERN_ERR_DECODE);
    return TERN_OK;
}

/* ---- the interface ---------------------------------------------------------------- */

void tern_reasm_init(struct tern_reasm *r, uint16_t next_seq, size_t max_msg, size_t max_buffered)
{
    memset(r, 0, sizeof(*r));
    r->next_seq = next_seq;
    r->max_msg = max_msg;
    r->max_buffered = max_buffered;
}

void tern_reasm_clear(struct tern_reasm *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < TERN_REASM_SLOTS; i++) {
        tern_free(r->slot[i].buf);
    }
    memset(r, 0, sizeof(*r));
}

int tern_reasm_add(struct tern_reasm *r, const struct tern_hs_header *h, const uint8_t *frag)
{
    TERN_ENSURE(r != NULL && h != NULL, TERN_ERR_ARG);
    TERN_TRY(header_check(h, frag));
    /* RFC 6347 section 4.2.4: a message we already processed means the peer
     * has not seen our reply; the caller may retransmit its last flight. */
    if (h->message_seq < r->next_seq) {
        return TERN_REASM_OLD;
    }
    size_t idx = (size_t)(h->message_seq - r->next_seq);
    if (idx >= TERN_REASM_SLOTS) {
        return TERN_REASM_DROPPED; /* RFC 6347 section 4.2.2: MAY discard or buffer */
    }
    TERN_ENSURE(h->length <= r->max_msg, TERN_ERR_ILLEGAL_PARAMETER);
    struct tern_reasm_slot *s = &r->slot[idx];
    if (s->used) {
        /* Every fragment of one message carries the same type and length. */
        TERN_ENSURE(s->type == h->type && s->length == h->length, TERN_ERR_ILLEGAL_PARAMETER);
    }
    if (h->frag_length == 0 && h->length > 0) {
        return TERN_REASM_DUPLICATE; /* adds no byte; no slot for it */
    }
    int fresh = !s->used;
    if (fresh) {
        int rc = slot_create(r, idx, h);
        if (rc != TERN_OK) {
            return rc;
        }
    }
    if (h->length == 0) {
        /* A zero-length message is complete with its first (empty) fragment. */
        return fresh ? TERN_REASM_STORED : TERN_REASM_DUPLICATE;
    }
    if (!fresh) {
        /* Before anything is written, so that a mismatch changes nothing. */
        TERN_TRY(frag_check_overlap(s, h->frag_offset, frag, h->frag_length));
    }
    ptrdiff_t added = frag_copy_new(s, h->frag_offset, frag, h->frag_length);
    if (added < 0) {
        return (int)added;
    }
    return added > 0 ? TERN_REASM_STORED : TERN_REASM_DUPLICATE;
}

int tern_reasm_ready(const struct tern_reasm *r, uint8_t *type, const uint8_t **body, size_t *len)
{
    /* Handed out for zero-length messages so that body is never NULL. */
    static const uint8_t empty[1] = {0};
    if (r == NULL) {
        return 0;
    }
    const struct tern_reasm_slot *s = &r->slot[0];
    if (!s->used || s->received != s->length) {
        return 0;
    }
    *type = s->type;
    *body = s->buf != NULL ? s->buf : empty;
    *len = s->length;
    return 1;
}

int tern_reasm_advance(struct tern_reasm *r)
{
    TERN_ENSURE(r != NULL, TERN_ERR_ARG);
    const struct tern_reasm_slot *s = &r->slot[0];
    TERN_ENSURE(s->used && s->received == s->length, TERN_ERR_STATE);
    slot_release(r, &r->slot[0]);
    for (size_t i = 0; i + 1 < TERN_REASM_SLOTS; i++) {
        r->slot[i] = r->slot[i + 1];
    }
    memset(&r->slot[TERN_REASM_SLOTS - 1], 0, sizeof(r->slot[0]));
    r->next_seq++;
    return TERN_OK;
}

void tern_reasm_discard(struct tern_reasm *r, uint32_t message_seq)
{
    if (r == NULL || message_seq < r->next_seq || message_seq - r->next_seq >= TERN_REASM_SLOTS) {
        return;
    }
    slot_release(r, &r->slot[message_seq - r->next_seq]);
}

void tern_reasm_discard_all(struct tern_reasm *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < TERN_REASM_SLOTS; i++) {
        slot_release(r, &r->slot[i]);
    }
}
