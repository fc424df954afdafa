/* Where the walk over the records of one received datagram stands, for
 * every version's record layer. It lives on the stack of the call that
 * reads the datagram, never in a connection. */
#ifndef TERN_RECORD_CURSOR_H
#define TERN_RECORD_CURSOR_H

#include <stdint.h>

#include "util/reader.h"

struct tern_rec_cursor {
    uint8_t *base;        /* the caller's datagram, decrypted in place */
    struct tern_reader r; /* what remains of it */
};

#endif
