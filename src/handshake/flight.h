/* An outgoing flight (RFC 6347 section 4.2.4): the messages one side sends
 * before it waits for the peer, kept until the peer's answer shows they
 * arrived, and turned into datagrams on demand.
 *
 * Messages are stored whole (header fields and body); each transmission
 * (the first and every retransmission) fragments them afresh to the MTU and
 * seals them with new record sequence numbers, as RFC 6347 section 4.2.4
 * requires. Several records share a datagram when they fit. A flight may
 * span two epochs (ClientKeyExchange in epoch 0, ChangeCipherSpec, then
 * Finished in epoch 1): each message remembers its epoch. */
#ifndef TERN_HANDSHAKE_FLIGHT_H
#define TERN_HANDSHAKE_FLIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "record/sink.h"
#include "util/writer.h"

/* Most messages in one flight (a server's certificate flight has six). */
#define TERN_FLIGHT_MAX_MSGS 8

/* A ChangeCipherSpec, stored among the handshake messages. */
#define TERN_FLIGHT_CCS 0x100

struct tern_flight_msg {
    uint16_t type;  /* enum tern_hs_type, or TERN_FLIGHT_CCS */
    uint16_t epoch; /* record epoch it is sent in */
    uint16_t seq;   /* message_seq */
    uint32_t off;   /* body offset in the flight buffer */
    uint32_t len;   /* body length */
};

struct tern_flight {
    uint8_t *buf; /* bodies, owned */
    size_t cap;
    size_t used;
    struct tern_flight_msg msgs[TERN_FLIGHT_MAX_MSGS];
    size_t n;
    /* Transmission cursor: next message and byte offset to send. */
    size_t cur;
    uint32_t cur_off;
    uint8_t sending; /* 1 while the flight has bytes left to emit */
    /* The message being written by tern_flight_open() .. tern_flight_close(). */
    struct tern_writer w;
    uint8_t open;
};

/* Allocates a flight buffer of cap bytes. Errors: TERN_ERR_NOMEM. */
int tern_flight_init(struct tern_flight *f, size_t cap);

/* Grows the buffer to cap bytes, keeping its messages (the open message, if
 * any, is dropped: build it again). Errors: TERN_ERR_NOMEM. */
int tern_flight_grow(struct tern_flight *f, size_t cap);

/* Frees the buffer (contents wiped). Safe on a zeroed struct. */
void tern_flight_clear(struct tern_flight *f);

/* Forgets the stored messages (the peer answered): the next add starts a
 * new flight. */
void tern_flight_reset(struct tern_flight *f);

/* Starts a handshake message and returns a writer for its body, which the
 * caller fills and then closes with tern_flight_close(). Returns NULL when
 * the flight already holds TERN_FLIGHT_MAX_MSGS messages or one is open. */
struct tern_writer *tern_flight_open(struct tern_flight *f, uint8_t type, uint16_t epoch,
                                     uint16_t seq);

/* Ends the open message. Errors: TERN_ERR_BUFFER (the body did not fit the
 * flight buffer), TERN_ERR_STATE (no message open), the writer's error. */
int tern_flight_close(struct tern_flight *f);

/* The last closed message's body (for the transcript), or NULL. */
const uint8_t *tern_flight_last_body(const struct tern_flight *f, size_t *len);

/* Appends a ChangeCipherSpec sent in epoch. Errors: TERN_ERR_BUFFER. */
int tern_flight_add_ccs(struct tern_flight *f, uint16_t epoch);

/* Marks the whole flight for (re)transmission from its first message. */
void tern_flight_schedule(struct tern_flight *f);

/* Whether any bytes of the scheduled flight are still to be emitted. */
static inline int tern_flight_pending(const struct tern_flight *f)
{
    return f->sending;
}

/* Writes the next datagram of the scheduled flight into out, at most mtu
 * bytes (cap must be at least mtu), protecting each record through the
 * version's record layer rl (record/sink.h). Returns
 * its length, 0 when the flight is fully emitted, or an error:
 * TERN_ERR_BUFFER (mtu too small for even one byte of a fragment),
 * TERN_ERR_EPOCH, TERN_ERR_SEQ_EXHAUSTED, TERN_ERR_CRYPTO. */
ptrdiff_t tern_flight_emit(struct tern_flight *f, const struct tern_rec_sink *rl, uint8_t *out,
                           size_t cap, size_t mtu);

#endif
