/* The anti-replay window of RFC 6347 section 4.1.2.6: a sliding bitmap whose
 * right edge is the highest sequence number that has authenticated. A record
 * is checked before decryption and recorded only after it authenticates, so a
 * forged record can never move the window. */
#ifndef TERN_RECORD_REPLAY_H
#define TERN_RECORD_REPLAY_H

#include <stdint.h>

/* Records tracked behind the right edge, the edge included. */
#define TERN_REPLAY_WINDOW 64

struct tern_replay {
    uint64_t top;    /* highest authenticated sequence number */
    uint64_t bitmap; /* bit i set: top - i was received; 0 until the first record
                      * (after it, bit 0 -- top itself -- is always set) */
};

/* Resets w to "nothing received yet". */
void tern_replay_init(struct tern_replay *w);

/* TERN_OK when seq is new and inside or ahead of the window, TERN_ERR_REPLAY
 * when it was already received or lies left of the window. */
int tern_replay_check(const struct tern_replay *w, uint64_t seq);

/* Records seq as received, sliding the window when seq is ahead of it. Call
 * only after the record authenticated and tern_replay_check() passed. */
void tern_replay_update(struct tern_replay *w, uint64_t seq);

#endif
