#include "handshake/flight.h"

#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "handshake/header.h"
#include "util/ct.h"
#include "util/guard.h"
#include "util/alloc.h"

/* A fragment smaller than this starts a new datagram instead, unless it
 * finishes its message: tiny fragments waste a record header each. */
#define MIN_FRAGMENT 64

int tern_flight_init(struct tern_flight *f, size_t cap)
{
    memset(f, 0, sizeof(*f));
    f->buf = tern_alloc(cap);
    if (f->buf == NULL) {
        return TERN_ERR_NOMEM;
    }
    f->cap = cap;
    return TERN_OK;
}

int tern_flight_grow(struct tern_flight *f, size_t cap)
{
    if (cap <= f->cap) {
        return TERN_OK;
    }
    uint8_t *bigger = tern_alloc(cap);
    TERN_ENSURE(bigger != NULL, TERN_ERR_NOMEM);
    if (f->used > 0) {
        memcpy(bigger, f->buf, f->used);
    }
    tern_zeroize(f->buf, f->used);
    tern_free(f->buf);
    f->buf = bigger;
    f->cap = cap;
    f->open = 0;
    return TERN_OK;
}

void tern_flight_clear(struct tern_flight *f)
{
    if (f == NULL) {
        return;
    }
    if (f->buf != NULL) {
        tern_zeroize(f->buf, f->used); /* only what was written */
        tern_free(f->buf);
    }
    memset(f, 0, sizeof(*f));
}

void tern_flight_reset(struct tern_flight *f)
{
    f->used = 0;
    f->n = 0;
    f->cur = 0;
    f->cur_off = 0;
    f->sending = 0;
    f->open = 0;
}

struct tern_writer *tern_flight_open(struct tern_flight *f, uint8_t type, uint16_t epoch,
                                     uint16_t seq)
{
    if (f->open || f->n >= TERN_FLIGHT_MAX_MSGS || f->buf == NULL) {
        return NULL;
    }
    f->msgs[f->n] = (struct tern_flight_msg){type, epoch, seq, (uint32_t)f->used, 0};
    tern_w_init(&f->w, f->buf + f->used, f->cap - f->used);
    f->open = 1;
    return &f->w;
}

int tern_flight_close(struct tern_flight *f)
{
    TERN_ENSURE(f->open, TERN_ERR_STATE);
    f->open = 0;
    TERN_TRY(tern_w_finish(&f->w));
    f->msgs[f->n].len = (uint32_t)f->w.len;
    f->used += f->w.len;
    f->n++;
    return TERN_OK;
}

const uint8_t *tern_flight_last_body(const struct tern_flight *f, size_t *len)
{
    if (f->n == 0) {
        return NULL;
    }
    const struct tern_flight_msg *m = &f->msgs[f->n - 1];
    *len = m->len;
    return f->buf + m->off;
}

int tern_flight_add_ccs(struct tern_flight *f, uint16_t epoch)
{
    TERN_ENSURE(!f->open && f->n < TERN_FLIGHT_MAX_MSGS, TERN_ERR_BUFFER);
    f->msgs[f->n++] = (struct tern_flight_msg){TERN_FLIGHT_CCS, epoch, 0, (uint32_t)f->used, 0};
    return TERN_OK;
}

void tern_flight_schedule(struct tern_flight *f)
{
    f->cur = 0;
    f->cur_off = 0;
    f->sending = f->n > 0;
}

/* Appends one record holding the next piece of message m to out at *used.
 * Returns 1 when a record was added, 0 when it does not fit this datagram. */
static int add_record(struct tern_flight *f, const struct tern_flight_msg *m,
                      const struct tern_rec_sink *rl, uint8_t *out, size_t mtu, size_t *used)
{
    size_t prefix;
    size_t suffix;
    TERN_TRY(rl->layout(rl->rl, m->epoch, &prefix, &suffix));
    size_t room = mtu - *used;
    if (m->type == TERN_FLIGHT_CCS) {
        if (room < prefix + 1 + suffix) {
            return 0;
        }
        out[*used + prefix] = 1;
        ptrdiff_t n =
            rl->write(rl->rl, m->epoch, 20 /* change_cipher_spec */, out + *used, room, 1);
        if (n < 0) {
            return (int)n;
        }
        *used += (size_t)n;
        f->cur++;
        return 1;
    }
    size_t overhead = prefix + TERN_HS_HEADER_LEN + suffix;
    size_t left = m->len - f->cur_off;
    /* An empty message (ServerHelloDone) needs only the overhead; any other
     * at least one byte of its body. */
    if (room < overhead || (room == overhead && left > 0)) {
        return 0;
    }
    size_t frag = room - overhead < left ? room - overhead : left;
    /* Start a new datagram rather than send a sliver, unless the sliver
     * ends the message (or the datagram is empty and a sliver is all that
     * fits). */
    int sliver = frag < left && frag < MIN_FRAGMENT;
    if (sliver && *used > 0) {
        return 0;
    }
    struct tern_writer w;
    tern_w_init(&w, out + *used + prefix, room - prefix);
    struct tern_hs_header h = {(uint8_t)m->type, m->len, m->seq, f->cur_off, (uint32_t)frag};
    tern_hs_header_write(&w, &h);
    tern_w_bytes(&w, f->buf + m->off + f->cur_off, frag);
    TERN_TRY(tern_w_finish(&w));
    ptrdiff_t n = rl->write(rl->rl, m->epoch, 22 /* handshake */, out + *used, room, w.len);
    if (n < 0) {
        return (int)n;
    }
    *used += (size_t)n;
    f->cur_off += (uint32_t)frag;
    if (f->cur_off == m->len) {
        f->cur++;
        f->cur_off = 0;
    }
    return 1;
}

ptrdiff_t tern_flight_emit(struct tern_flight *f, const struct tern_rec_sink *rl, uint8_t *out,
                           size_t cap, size_t mtu)
{
    if (!f->sending) {
        return 0;
    }
    TERN_ENSURE(cap >= mtu, TERN_ERR_BUFFER);
    size_t used = 0;
    while (f->cur < f->n) {
        int added = add_record(f, &f->msgs[f->cur], rl, out, mtu, &used);
        if (added < 0) {
            return added;
        }
        if (added == 0) {
            break;
        }
    }
    if (f->cur >= f->n) {
        f->sending = 0;
    }
    /* Nothing fitted into an empty datagram: the MTU is too small. */
    TERN_ENSURE(used > 0, TERN_ERR_BUFFER);
    return (ptrdiff_t)used;
}
