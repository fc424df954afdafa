/* The DTLS 1.2 record layer of one connection: the 1.2 record layout and
 * additional data over the version-neutral epoch tables (record/epoch.h),
 * and the walk over the records of a received datagram.
 *
 * Two epochs are kept per direction: the current one and the one before it
 * (record/epoch.h says why). Records of any other epoch are dropped,
 * except that a record of the next epoch is handed back unopened so that
 * the handshake can hold it until the keys exist.
 *
 * Invalid records are dropped silently and counted by reason (RFC 6347
 * section 4.1.2.7); a bad record never harms the other records of its
 * datagram. Nothing here allocates after the keys are installed. */
#ifndef TERN_RECORD_REC12_H
#define TERN_RECORD_REC12_H

#include <stddef.h>
#include <stdint.h>

#include <tern/stats.h>

#include "record/cursor.h"
#include "record/epoch.h"
#include "record/header12.h"
#include "record/sink.h"
#include "util/reader.h"

/* Why a record was dropped: enum tern_drop_reason of the public API
 * (include/tern/stats.h), one counter per reason. */

struct tern_rec12 {
    uint16_t version; /* record version written, and required on protected records */
    struct tern_rec_epochs rx;
    struct tern_rec_epochs tx;
    uint32_t drops[TERN_DROP_REASONS]; /* wrap after 2^32 drops of one reason */
};

/* A record handed out by tern_rec12_next(). data points into the datagram
 * buffer passed to tern_rec12_iter_init() (decrypted in place). */
struct tern_rec12_record {
    uint8_t type;
    uint16_t version;
    uint16_t epoch;
    uint64_t seq;
    const uint8_t *data; /* plaintext, or for TERN_REC_NEXT_EPOCH the whole record */
    size_t len;
};

/* What tern_rec12_next() found. */
enum tern_rec_next {
    TERN_REC_END = 0,        /* no more records in the datagram */
    TERN_REC_PLAINTEXT = 1,  /* an authenticated (or epoch 0) record */
    TERN_REC_NEXT_EPOCH = 2, /* a record of current epoch + 1, unopened (header included) */
};

/* Starts a record layer in epoch 0 (plaintext both ways) writing version. */
void tern_rec12_init(struct tern_rec12 *rl, uint16_t version);

/* Wipes every key and frees the AEAD contexts. Safe on a zeroed struct. */
void tern_rec12_clear(struct tern_rec12 *rl);

/* Installs keys for the next read (encrypt = 0) or write epoch: the current
 * epoch becomes the previous one (the one before it is wiped), and the new
 * epoch starts with sequence number 0 and an empty replay window.
 * Errors: TERN_ERR_SEQ_EXHAUSTED (the epoch counter would wrap), and those of
 * tern_rec_cipher_init(); on failure nothing changes. */
int tern_rec12_set_rx_keys(struct tern_rec12 *rl, int alg, const uint8_t *key, size_t key_len,
                           const uint8_t *iv, size_t iv_len);
int tern_rec12_set_tx_keys(struct tern_rec12 *rl, int alg, const uint8_t *key, size_t key_len,
                           const uint8_t *iv, size_t iv_len);

/* Forgets the previous read epoch (once the handshake is over and the timer
 * for the peer's retransmissions has run out). */
void tern_rec12_drop_previous_rx(struct tern_rec12 *rl);

/* Raises the next write sequence number of the current write epoch to at
 * least seq. A server that answered a ClientHello statelessly sent its
 * HelloVerifyRequest with the ClientHello's record number (RFC 6347 section
 * 4.2.1); continuing from the next ClientHello's number keeps every record
 * number it sends unique. */
void tern_rec12_tx_seq_at_least(struct tern_rec12 *rl, uint64_t seq);

/* The current write and read epochs. */
uint16_t tern_rec12_tx_epoch(const struct tern_rec12 *rl);
uint16_t tern_rec12_rx_epoch(const struct tern_rec12 *rl);

/* Where the plaintext of a record written in epoch goes, counted from the
 * start of the record (header and explicit nonce), and how many bytes the
 * record adds after it (the tag). Errors: TERN_ERR_EPOCH. */
int tern_rec12_layout(const struct tern_rec12 *rl, uint16_t epoch, size_t *prefix, size_t *suffix);

/* Writes one record of type in epoch (current or previous write epoch) into
 * rec. The pt_len plaintext bytes must already be at rec + prefix (see
 * tern_rec12_layout()); the record is built around them in place. Returns the
 * record length, or TERN_ERR_EPOCH (epoch not writable), TERN_ERR_SEQ_EXHAUSTED
 * (the epoch's sequence numbers are used up: the keys must not be used
 * again), TERN_ERR_BUFFER, TERN_ERR_RECORD_OVERFLOW, TERN_ERR_CRYPTO. */
ptrdiff_t tern_rec12_write(struct tern_rec12 *rl, uint16_t epoch, uint8_t type, uint8_t *rec,
                           size_t cap, size_t pt_len);

/* As tern_rec12_write(), copying the plaintext from pt (which must not
 * overlap rec) first. */
ptrdiff_t tern_rec12_write_copy(struct tern_rec12 *rl, uint16_t epoch, uint8_t type, const void *pt,
                                size_t pt_len, uint8_t *rec, size_t cap);

/* This record layer as the handshake's flights write through it
 * (record/sink.h); valid while rl lives. */
struct tern_rec_sink tern_rec12_sink(struct tern_rec12 *rl);

/* Starts walking a received datagram. The buffer is modified in place
 * (records are decrypted where they lie) and must outlive the walk. */
void tern_rec12_iter_init(struct tern_rec_cursor *it, uint8_t *dgram, size_t len);

/* Returns the next usable record of the datagram in *out, dropping and
 * counting invalid ones on the way (RFC 6347 section 4.1.2.7). Authenticated
 * records update the replay window of their epoch. Never fails: the result
 * is one of enum tern_rec_next. */
int tern_rec12_next(struct tern_rec12 *rl, struct tern_rec_cursor *it,
                    struct tern_rec12_record *out);

#endif
