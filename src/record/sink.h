/* How the handshake writes records without knowing the version's record
 * layout: a flight (handshake/flight.h) asks how many bytes a record of an
 * epoch puts before and after its plaintext, lays the plaintext out there,
 * and has the record protected in place. DTLS 1.2's record layer provides
 * one (tern_rec12_sink()); DTLS 1.3's unified header will provide another
 * behind the same three members. */
#ifndef TERN_RECORD_SINK_H
#define TERN_RECORD_SINK_H

#include <stddef.h>
#include <stdint.h>

struct tern_rec_sink {
    /* Where the plaintext of a record of epoch starts (prefix) and how many
     * bytes follow it (suffix). Errors: TERN_ERR_EPOCH. */
    int (*layout)(void *rl, uint64_t epoch, size_t *prefix, size_t *suffix);
    /* Protects the record whose pt_len plaintext bytes sit at rec + prefix,
     * in place; returns its length or an error (TERN_ERR_EPOCH,
     * TERN_ERR_SEQ_EXHAUSTED, TERN_ERR_BUFFER, TERN_ERR_RECORD_OVERFLOW,
     * TERN_ERR_CRYPTO). */
    ptrdiff_t (*write)(void *rl, uint64_t epoch, uint8_t type, uint8_t *rec, size_t cap,
                       size_t pt_len);
    void *rl;
};

#endif
