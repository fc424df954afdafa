/* One direction's record state by epoch: the keys, the next record number
 * to write, and the replay window of what was read. Version-neutral and
 * 64 bits wide (DTLS 1.3 epochs are 64-bit, RFC 9147 section 4.2.1; a
 * DTLS 1.2 record carries 16 of them, and its record code refuses more).
 *
 * Two epochs are kept: the current one and the one before it. A writer
 * needs the previous epoch to retransmit a flight that began before its
 * switch to new keys; a reader needs it for the peer's retransmissions of
 * such a flight (RFC 6347 section 4.1, RFC 9147 section 4.2.1). Anything
 * older is wiped as soon as a new epoch is installed. */
#ifndef TERN_RECORD_EPOCH_H
#define TERN_RECORD_EPOCH_H

#include <stddef.h>
#include <stdint.h>

#include "record/cipher.h"
#include "record/replay.h"

struct tern_rec_epoch {
    uint64_t epoch;
    uint64_t next_seq;         /* write side: the next record number to use */
    struct tern_replay replay; /* read side, protected epochs only */
    struct tern_rec_cipher cipher;
    uint8_t in_use;
    uint8_t protected_; /* 0: epoch 0, plaintext; 1: cipher is keyed */
};

struct tern_rec_epochs {
    struct tern_rec_epoch slot[2]; /* [0] current, [1] previous */
};

/* Starts in epoch 0, plaintext. */
void tern_rec_epochs_init(struct tern_rec_epochs *t);

/* Wipes every key and frees the AEAD contexts. Safe on a zeroed struct. */
void tern_rec_epochs_clear(struct tern_rec_epochs *t);

/* Installs keys for the epoch after the current one, which becomes the
 * previous (the one before it is wiped); the new epoch starts at record
 * number 0 with an empty replay window. max_epoch is the largest epoch the
 * version can carry. Errors: TERN_ERR_SEQ_EXHAUSTED (the next epoch would
 * pass max_epoch: RFC 6347 section 4.1 "MUST NOT wrap"), and those of
 * tern_rec_cipher_init(); on failure nothing changes. */
int tern_rec_epochs_install(struct tern_rec_epochs *t, uint64_t max_epoch, int alg, int encrypt,
                            const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len);

/* The state of epoch (current or previous), or NULL. */
struct tern_rec_epoch *tern_rec_epochs_find(struct tern_rec_epochs *t, uint64_t epoch);

/* The current epoch. */
static inline uint64_t tern_rec_epochs_current(const struct tern_rec_epochs *t)
{
    return t->slot[0].epoch;
}

/* Forgets the previous epoch (its keys wiped). */
void tern_rec_epochs_forget_previous(struct tern_rec_epochs *t);

#endif
