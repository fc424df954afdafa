/* The last flight of a DTLS 1.2 server, kept after its handshake. */
#ifndef TERN_DTLS12_FINAL12_H
#define TERN_DTLS12_FINAL12_H

#include <stddef.h>
#include <stdint.h>

#include "dtls12/keys12.h"
#include "record/sink.h"

/* The last flight of a DTLS 1.2 server (ChangeCipherSpec, Finished), all a
 * server keeps of its handshake once it completes: a client that lost it
 * repeats its own Finished, and the server must answer (RFC 6347 section
 * 4.2.4). Kept inside the connection, so that an established session holds
 * no handshake memory. */
struct tern_flight_final {
    uint8_t verify_data[TERN_VERIFY_DATA_LEN];
    uint16_t seq;   /* message_seq of our Finished */
    uint16_t epoch; /* epoch of our Finished; the ChangeCipherSpec goes in the one before */
};

/* Writes the whole final flight as one datagram (it always fits the
 * smallest MTU tern allows), with fresh record numbers. Returns its length
 * or an error as tern_flight_emit(). Allocates nothing. */
ptrdiff_t tern_flight_final_emit(const struct tern_flight_final *f, const struct tern_rec_sink *rl,
                                 uint8_t *out, size_t cap, size_t mtu);

#endif
