/* A structure-aware mutator for the whole-engine fuzz targets (libFuzzer's
 * LLVMFuzzerCustomMutator). Byte-level mutation of a recorded handshake
 * mostly breaks a length field and dies at the first check of the record
 * layer; this mutator understands the input as frames (fuzz/engine.h) of
 * DTLS datagrams (tests/wire.h) and changes one thing a peer could send:
 *
 *  - a field of a record header, a handshake fragment header or a message
 *    body, set to a value from wire_values() or to random bits;
 *  - the body of one whole handshake message, mutated by libFuzzer and
 *    written back with its handshake and record lengths made consistent,
 *    so the change reaches the message parser and the state machine;
 *  - a message split into two fragments, or its fragment repeated;
 *  - a whole frame repeated, dropped, swapped with the next, or its
 *    timer and write flags changed (retransmission and ordering paths);
 *  - and, now and then, libFuzzer's own byte-level mutation.
 *
 * Because the seeds are complete recorded handshakes and the targets' peers
 * draw the same randomness as the recording, a change to the third flight
 * still meets a server that accepted the first two: mutations start deep
 * in the handshake. Include this in a target built with libFuzzer only
 * (TERN_FUZZ_MUTATOR). */
#ifndef TERN_FUZZ_MUTATOR_H
#define TERN_FUZZ_MUTATOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "engine.h"
#include "handshake/header.h"
#include "record/header12.h"
#include "wire.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

#define MUT_MAX_FRAMES 64
#define MUT_MAX_DGRAM  ENGINE_LEN_MASK

struct mut_frame {
    uint16_t flags;
    size_t len;
    uint8_t *dgram; /* points into the scratch copy */
};

struct mut_input {
    struct mut_frame f[MUT_MAX_FRAMES];
    size_t n;
};

static inline uint32_t mut_rand(uint64_t *s)
{
    *s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return (uint32_t)(*s >> 33);
}

/* Splits data into frames, as engine_feed() reads them. */
static inline void mut_parse(uint8_t *data, size_t size, struct mut_input *in)
{
    size_t off = 0;
    in->n = 0;
    while (size - off >= 2 && in->n < MUT_MAX_FRAMES) {
        uint16_t hdr = (uint16_t)(data[off] << 8 | data[off + 1]);
        off += 2;
        size_t len = hdr & ENGINE_LEN_MASK;
        if (len > size - off) {
            len = size - off;
        }
        in->f[in->n].flags = (uint16_t)(hdr & ~ENGINE_LEN_MASK);
        in->f[in->n].len = len;
        in->f[in->n].dgram = data + off;
        in->n++;
        off += len;
    }
}

/* Writes the frames to out; returns the length, or 0 when above cap. */
static inline size_t mut_write(const struct mut_input *in, uint8_t *out, size_t cap)
{
    size_t off = 0;
    for (size_t i = 0; i < in->n; i++) {
        size_t len = in->f[i].len;
        if (len > ENGINE_LEN_MASK || cap - off < 2 + len) {
            return 0;
        }
        uint16_t hdr = (uint16_t)(in->f[i].flags | len);
        out[off++] = (uint8_t)(hdr >> 8);
        out[off++] = (uint8_t)hdr;
        memmove(out + off, in->f[i].dgram, len);
        off += len;
    }
    return off;
}

/* One field of one datagram set to an interesting or random value. */
static inline int mut_field(struct mut_frame *fr, uint64_t *rng)
{
    static struct wire_fields fields;
    wire_fields(fr->dgram, fr->len, &fields);
    if (fields.n == 0) {
        return 0;
    }
    const struct wire_field *f = &fields.f[mut_rand(rng) % fields.n];
    if (f->kind == WIRE_BYTES) {
        /* Opaque bytes: libFuzzer mutates them in place, size kept. */
        uint8_t tmp[4096];
        size_t w = f->width < sizeof(tmp) ? f->width : sizeof(tmp);
        memcpy(tmp, fr->dgram + f->off, w);
        size_t got = LLVMFuzzerMutate(tmp, w, w);
        memcpy(fr->dgram + f->off, tmp, got < w ? got : w);
        return 1;
    }
    uint64_t values[WIRE_MAX_VALUES];
    size_t nv = wire_values(f, wire_get(fr->dgram, f), values);
    uint64_t v;
    if (nv > 0 && mut_rand(rng) % 4 != 0) {
        v = values[mut_rand(rng) % nv];
    } else {
        v = ((uint64_t)mut_rand(rng) << 32) | mut_rand(rng);
    }
    wire_set(fr->dgram, f, v);
    return 1;
}

/* The body of one whole message mutated by libFuzzer, lengths rewritten.
 * out receives the new datagram (cap bytes). */
static inline int mut_body(struct mut_frame *fr, uint8_t *out, size_t cap, uint64_t *rng)
{
    struct wire_msg m[WIRE_MAX_MSGS];
    size_t n = wire_messages(fr->dgram, fr->len, m);
    if (n == 0) {
        return 0;
    }
    const struct wire_msg *msg = &m[mut_rand(rng) % n];
    static uint8_t body[8192];
    size_t len = msg->body_len < sizeof(body) ? msg->body_len : sizeof(body);
    memcpy(body, fr->dgram + msg->body_off, len);
    size_t room = sizeof(body) < len + 512 ? sizeof(body) : len + 512;
    size_t got = LLVMFuzzerMutate(body, len, room);
    size_t total = wire_splice(fr->dgram, fr->len, msg, 0, msg->body_len, body, got, out, cap);
    if (total == 0) {
        return 0;
    }
    fr->dgram = out;
    fr->len = total;
    return 1;
}

/* Writes one record holding the fragment [off, off + len) of a message:
 * the record header and handshake header are copied from the message's
 * own (rec and hs) with their lengths and offsets rewritten. Returns the
 * bytes written. */
static inline size_t mut_put_fragment(uint8_t *out, const uint8_t *rec, const uint8_t *hs,
                                      const uint8_t *body, uint32_t off, uint32_t len)
{
    memcpy(out, rec, TERN_REC12_HEADER_LEN);
    size_t rec_len = TERN_HS_HEADER_LEN + (size_t)len;
    out[11] = (uint8_t)(rec_len >> 8);
    out[12] = (uint8_t)rec_len;
    uint8_t *h = out + TERN_REC12_HEADER_LEN;
    memcpy(h, hs, TERN_HS_HEADER_LEN);
    h[6] = (uint8_t)(off >> 16);
    h[7] = (uint8_t)(off >> 8);
    h[8] = (uint8_t)off;
    h[9] = (uint8_t)(len >> 16);
    h[10] = (uint8_t)(len >> 8);
    h[11] = (uint8_t)len;
    memcpy(h + TERN_HS_HEADER_LEN, body + off, len);
    return TERN_REC12_HEADER_LEN + rec_len;
}

/* A whole message sent as two fragments (in either order), or its only
 * fragment sent twice: the reassembly and duplicate paths. */
static inline int mut_fragment(struct mut_frame *fr, uint8_t *out, size_t cap, uint64_t *rng)
{
    struct wire_msg m[WIRE_MAX_MSGS];
    size_t n = wire_messages(fr->dgram, fr->len, m);
    if (n == 0) {
        return 0;
    }
    const struct wire_msg *msg = &m[mut_rand(rng) % n];
    size_t end = (size_t)msg->body_off + msg->body_len; /* the record ends with the message */
    size_t extra = TERN_REC12_HEADER_LEN + TERN_HS_HEADER_LEN + (size_t)msg->body_len;
    if (fr->len + extra > cap || end > fr->len) {
        return 0;
    }
    const uint8_t *rec = fr->dgram + msg->rec_off;
    const uint8_t *hs = fr->dgram + msg->frag_off;
    const uint8_t *body = fr->dgram + msg->body_off;
    size_t off = msg->rec_off;
    memcpy(out, fr->dgram, off);
    uint32_t len = msg->body_len;
    if (len >= 2 && mut_rand(rng) % 2 == 0) {
        uint32_t cut = 1 + mut_rand(rng) % (len - 1);
        int reversed = mut_rand(rng) % 2;
        uint32_t a_off = reversed ? cut : 0;
        uint32_t a_len = reversed ? len - cut : cut;
        uint32_t b_off = reversed ? 0 : cut;
        uint32_t b_len = reversed ? cut : len - cut;
        off += mut_put_fragment(out + off, rec, hs, body, a_off, a_len);
        off += mut_put_fragment(out + off, rec, hs, body, b_off, b_len);
    } else {
        off += mut_put_fragment(out + off, rec, hs, body, 0, len);
        off += mut_put_fragment(out + off, rec, hs, body, 0, len);
    }
    memcpy(out + off, fr->dgram + end, fr->len - end);
    fr->dgram = out;
    fr->len = off + fr->len - end;
    return 1;
}

/* Frame-level changes: repeat, drop, swap with the next, flags. */
static inline int mut_frames(struct mut_input *in, uint64_t *rng)
{
    if (in->n == 0) {
        return 0;
    }
    size_t i = mut_rand(rng) % in->n;
    switch (mut_rand(rng) % 4) {
    case 0:
        if (in->n >= MUT_MAX_FRAMES) {
            return 0;
        }
        memmove(&in->f[i + 1], &in->f[i], (in->n - i) * sizeof(in->f[0]));
        in->n++;
        return 1;
    case 1:
        memmove(&in->f[i], &in->f[i + 1], (in->n - i - 1) * sizeof(in->f[0]));
        in->n--;
        return 1;
    case 2:
        if (i + 1 >= in->n) {
            return 0;
        }
        {
            struct mut_frame t = in->f[i];
            in->f[i] = in->f[i + 1];
            in->f[i + 1] = t;
        }
        return 1;
    default:
        in->f[i].flags ^= (uint16_t)(mut_rand(rng) % 2 ? ENGINE_FLAG_TIMEOUT : ENGINE_FLAG_WRITE);
        return 1;
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    uint64_t rng = seed ^ UINT64_C(0x6d75746174696f6e);
    unsigned pick = mut_rand(&rng) % 16;
    if (pick < 3 || size < 2) {
        return LLVMFuzzerMutate(data, size, max_size);
    }
    /* Work on a copy: frames point into it, and rewritten datagrams go to
     * their own buffer. */
    static uint8_t copy[1 << 16];
    static uint8_t rewritten[1 << 16];
    static uint8_t out[1 << 17];
    if (size > sizeof(copy)) {
        return LLVMFuzzerMutate(data, size, max_size);
    }
    memcpy(copy, data, size);
    struct mut_input in;
    mut_parse(copy, size, &in);
    if (in.n == 0) {
        return LLVMFuzzerMutate(data, size, max_size);
    }
    struct mut_frame *fr = &in.f[mut_rand(&rng) % in.n];
    int done;
    if (pick < 8) {
        done = mut_field(fr, &rng);
    } else if (pick < 12) {
        done = mut_body(fr, rewritten, sizeof(rewritten), &rng);
    } else if (pick < 14) {
        done = mut_fragment(fr, rewritten, sizeof(rewritten), &rng);
    } else {
        done = mut_frames(&in, &rng);
    }
    if (!done) {
        return LLVMFuzzerMutate(data, size, max_size);
    }
    size_t n = mut_write(&in, out, sizeof(out));
    if (n == 0 || n > max_size) {
        return LLVMFuzzerMutate(data, size, max_size);
    }
    memcpy(data, out, n);
    return n;
}

#endif
