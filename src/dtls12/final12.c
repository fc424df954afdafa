#include "dtls12/final12.h"

#include <string.h>

#include <tern/err.h>

#include "handshake/flight.h"
#include "util/ct.h"
#include "util/guard.h"

ptrdiff_t tern_flight_final_emit(const struct tern_flight_final *f, const struct tern_rec_sink *rl,
                                 uint8_t *out, size_t cap, size_t mtu)
{
    TERN_ENSURE(f->epoch > 0, TERN_ERR_STATE);
    /* A flight over the caller's bytes: emitting only reads the buffer. */
    uint8_t body[TERN_VERIFY_DATA_LEN];
    memcpy(body, f->verify_data, sizeof(body));
    struct tern_flight fl;
    memset(&fl, 0, sizeof(fl));
    fl.buf = body;
    fl.cap = sizeof(body);
    fl.used = sizeof(body);
    fl.msgs[0] = (struct tern_flight_msg){TERN_FLIGHT_CCS, (uint16_t)(f->epoch - 1), 0, 0, 0};
    fl.msgs[1] =
        (struct tern_flight_msg){20 /* finished */, f->epoch, f->seq, 0, (uint32_t)sizeof(body)};
    fl.n = 2;
    tern_flight_schedule(&fl);
    ptrdiff_t n = tern_flight_emit(&fl, rl, out, cap, mtu);
    tern_zeroize(body, sizeof(body));
    /* Both records fit the smallest MTU (256); anything else is a bug. */
    TERN_ENSURE(n < 0 || !fl.sending, TERN_ERR_BUFFER);
    return n;
}
