/* DTLS 1.2 behind the version-neutral connection (handshake/version_ops.h):
 * the 1.2 record layer, the handshake while it runs, and what a 1.2
 * connection does that no other version does: ChangeCipherSpec routing,
 * following the record number of a HelloVerifyRequest, refusing
 * renegotiation, holding records of the next epoch, the server's last
 * flight kept for the client's repeats, the CLIENT_RANDOM key log line and
 * the PRF exporter. */
#ifndef TERN_DTLS12_CONN12_H
#define TERN_DTLS12_CONN12_H

#include <stdint.h>

#include "dtls12/final12.h"
#include "dtls12/hs12.h"
#include "handshake/version_ops.h"
#include "record/rec12.h"

struct tern_dtls12 {
    struct tern_rec12 rl;
    struct tern_hs12 *hs;           /* handshake-only state, NULL once it is over */
    struct tern_flight_final final; /* server, established: its last flight */
    uint16_t final_peer_seq;        /* message_seq of the client's Finished */
    uint8_t final_active;           /* still answering the client's repeats */
    uint8_t final_pending;          /* to be sent (first time or again) */
    uint8_t is_server;
    uint8_t final_repeats; /* repeats of the client's Finished since the last poll (saturating) */
};

extern const struct tern_version_ops tern_dtls12_ops;

#endif
