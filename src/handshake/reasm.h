/* Handshake message reassembly (RFC 6347 section 4.2.3; RFC 9147 section 5.5
 * is the same for DTLS 1.3).
 *
 * A handshake message may arrive in fragments, out of order, duplicated and
 * overlapping, and the peer's next messages may arrive before the one we
 * expect. A tern_reasm keeps one slot per message_seq for the expected
 * message (next_seq) and the TERN_REASM_SLOTS - 1 after it; anything further
 * ahead is dropped and left to the peer's retransmission.
 *
 * Memory: a slot allocates, on its first fragment, exactly one buffer: the
 * message body (length bytes) followed by an arrival bitmap (one bit per body
 * byte). Nothing else is ever allocated. `buffered` counts the bytes of every
 * live buffer and never exceeds max_buffered; max_msg caps one message. The
 * bodies handed out by tern_reasm_ready() are borrowed from the slot until
 * tern_reasm_advance() or tern_reasm_clear().
 *
 * Fragments whose bytes overlap bytes already received must agree with them:
 * the first copy of a byte is kept and a different later copy is a fatal
 * TERN_ERR_ILLEGAL_PARAMETER. RFC 6347 does not require this check; we make
 * it because a correct peer retransmits identical bytes (RFC 6347 section
 * 4.2.4), so a mismatch is either a broken peer or an injected fragment, and
 * failing there is clearer than a transcript that fails at Finished. */
#ifndef TERN_HANDSHAKE_REASM_H
#define TERN_HANDSHAKE_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "handshake/header.h"

/* Messages buffered: the expected one and up to 3 ahead. */
#define TERN_REASM_SLOTS 4

/* Non-negative results of tern_reasm_add() (none of them is an error). */
enum {
    /* message_seq < next_seq: a retransmission of a message we already
     * processed, so the peer probably lost our last flight (RFC 6347 section
     * 4.2.4). Nothing stored. */
    TERN_REASM_OLD = 1,
    /* The fragment brought at least one new byte (or began a zero-length
     * message). */
    TERN_REASM_STORED = 2,
    /* Every byte of the fragment had already arrived (or it was empty). */
    TERN_REASM_DUPLICATE = 3,
    /* Not stored: too far ahead, or its buffer would exceed max_buffered.
     * The peer will retransmit it. */
    TERN_REASM_DROPPED = 4,
};

/* One message being reassembled. A slot is in use when `used` is 1; a used
 * slot of a non-empty message owns `buf`. */
struct tern_reasm_slot {
    uint8_t *buf;      /* length body bytes, then tern_reasm_map_len(length) bitmap bytes */
    uint32_t length;   /* the message's total body length (24 bits) */
    uint32_t received; /* distinct body bytes received, <= length */
    uint8_t type;
    uint8_t used;
};

struct tern_reasm {
    /* The message_seq of slot 0. 32 bits so that advancing past 65535 does
     * not wrap: DTLS message_seq never wraps within a handshake, and after
     * message 65535 every fragment is simply OLD. */
    uint32_t next_seq;
    size_t max_msg;                                /* largest accepted message body */
    size_t max_buffered;                           /* cap on the sum of all slot buffers */
    size_t buffered;                               /* current sum of all slot buffers */
    struct tern_reasm_slot slot[TERN_REASM_SLOTS]; /* slot[i] is message next_seq + i */
};

/* The bitmap bytes that go with a body of `length` bytes: ceil(length / 8). */
static inline size_t tern_reasm_map_len(uint32_t length)
{
    return (size_t)(length / 8u) + (length % 8u != 0 ? 1u : 0u);
}

/* What a message of `length` bytes adds to `buffered`: its body and bitmap.
 * Cannot overflow: length < 2^24. */
static inline size_t tern_reasm_cost(uint32_t length)
{
    return (size_t)length + tern_reasm_map_len(length);
}

/* Initialises r with no slots in use, expecting message_seq next_seq.
 * max_msg caps one message's body length; max_buffered caps the memory of all
 * slots together and should be at least tern_reasm_cost(max_msg), or a
 * message of max_msg bytes can never be reassembled. Does not free anything:
 * call tern_reasm_clear() first on an r that holds buffers. */
void tern_reasm_init(struct tern_reasm *r, uint16_t next_seq, size_t max_msg, size_t max_buffered);

/* Frees every slot buffer and zeroes r. Safe on a zeroed or already cleared
 * struct; r can be used again after tern_reasm_init(). */
void tern_reasm_clear(struct tern_reasm *r);

/* Offers one fragment: h as parsed by tern_hs_header_parse(), and frag
 * pointing to h->frag_length bytes (may be NULL when that is 0). frag is
 * copied, not kept. The checks, in this order:
 *
 *   1. message_seq < next_seq: TERN_REASM_OLD.
 *   2. message_seq >= next_seq + TERN_REASM_SLOTS: TERN_REASM_DROPPED.
 *   3. length > max_msg: TERN_ERR_ILLEGAL_PARAMETER.
 *   4. The slot exists and its type or length differs from h's:
 *      TERN_ERR_ILLEGAL_PARAMETER (DESIGN.md: a fragment whose type or total
 *      length differs from its slot is fatal).
 *   5. frag_length 0 of a non-empty message: TERN_REASM_DUPLICATE; it adds
 *      nothing and creates no slot.
 *   6. The slot does not exist and its buffer would push buffered above
 *      max_buffered: TERN_REASM_DROPPED. Exception: the expected message
 *      (slot 0) first evicts buffered later messages, last first, because
 *      they cannot be delivered before it and would otherwise starve it.
 *   7. A byte of the fragment that already arrived with a different value:
 *      TERN_ERR_ILLEGAL_PARAMETER (see the top of this file).
 *
 * Then it returns TERN_REASM_STORED when the fragment brought a new byte or
 * began a zero-length message (which is then complete), and
 * TERN_REASM_DUPLICATE when it brought nothing new.
 *
 * Errors: TERN_ERR_ILLEGAL_PARAMETER (3, 4, 7 above; fatal, sends
 * illegal_parameter), TERN_ERR_DECODE (frag_offset + frag_length > length:
 * h did not come from tern_hs_header_parse), TERN_ERR_ARG (r or h NULL, or
 * frag NULL with frag_length > 0), TERN_ERR_NOMEM (the slot buffer could not
 * be allocated). On any error r is unchanged. */
int tern_reasm_add(struct tern_reasm *r, const struct tern_hs_header *h, const uint8_t *frag);

/* Whether message next_seq has arrived whole: 1 with its type, body and
 * length set (body borrowed until tern_reasm_advance() or tern_reasm_clear();
 * a zero-length message gets a valid non-NULL pointer), 0 otherwise with the
 * outputs untouched. Only slot 0 is ever reported, so messages come out in
 * message_seq order. */
int tern_reasm_ready(const struct tern_reasm *r, uint8_t *type, const uint8_t **body, size_t *len);

/* Frees the completed message next_seq, moves the later slots down one and
 * expects next_seq + 1. Calling it on an incomplete message is misuse that
 * changes nothing. Errors: TERN_ERR_STATE when message next_seq is not
 * complete (tern_reasm_ready() would return 0), TERN_ERR_ARG when r is NULL;
 * r is then unchanged. */
int tern_reasm_advance(struct tern_reasm *r);

/* Forgets message message_seq if it is being reassembled (its buffer
 * freed, its bytes uncounted), so that its next fragment starts it afresh.
 * The handshake does this when an unauthenticated fragment conflicts with
 * what is buffered (RFC 6347 section 4.1.2.7: such input is dropped, never
 * fatal), and when a complete message turns out to be one the current
 * state does not accept. Does nothing for a message_seq outside the
 * window or not in progress. */
void tern_reasm_discard(struct tern_reasm *r, uint32_t message_seq);

/* Forgets every message in progress, keeping next_seq: when the peer's
 * next epoch becomes readable, what was buffered from the old epoch cannot
 * belong to the messages that must now come under the new keys. */
void tern_reasm_discard_all(struct tern_reasm *r);

#endif
