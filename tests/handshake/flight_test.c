/* Outgoing flights (src/handshake/flight.h): fragmentation to the MTU,
 * several records per datagram, ChangeCipherSpec in its epoch,
 * retransmission with fresh record numbers (RFC 6347 section 4.2.4), the
 * message building calls, and the final flight of a server. Epoch-0
 * datagrams are compared with bytes laid out here by hand from RFC 6347
 * sections 4.1 and 4.2.2; protected records are opened by a second record
 * layer that holds the same keys. */
#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "crypto/aead.h"
#include "handshake/flight.h"
#include "dtls12/final12.h"
#include "handshake/header.h"
#include "record/rec12.h"
#include "test.h"

#define CAP   (64 * 1024)
#define DGRAM 2048

static const uint8_t g_key[16] = {0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
                                  0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f};
/* RFC 5288 section 3: GCM's implicit salt is 4 bytes. */
static const uint8_t g_salt[4] = {0xa0, 0xa1, 0xa2, 0xa3};

/* A sender and a receiver; keyed() gives both epoch-1 keys. */
struct link {
    struct tern_rec12 tx;
    struct tern_rec12 rx;
    struct tern_rec_sink sink; /* flights write through it into tx */
};

static void link_init(struct link *l, int keyed)
{
    tern_rec12_init(&l->tx, TERN_DTLS12_VERSION);
    tern_rec12_init(&l->rx, TERN_DTLS12_VERSION);
    l->sink = tern_rec12_sink(&l->tx);
    if (keyed) {
        CHECK_INT(tern_rec12_set_tx_keys(&l->tx, TERN_AEAD_AES_128_GCM, g_key, sizeof(g_key),
                                         g_salt, sizeof(g_salt)),
                  TERN_OK);
        CHECK_INT(tern_rec12_set_rx_keys(&l->rx, TERN_AEAD_AES_128_GCM, g_key, sizeof(g_key),
                                         g_salt, sizeof(g_salt)),
                  TERN_OK);
    }
}

/* The next record number the sender would use in epoch. */
static uint64_t next_seq(struct link *l, uint64_t epoch)
{
    const struct tern_rec_epoch *e = tern_rec_epochs_find(&l->tx.tx, epoch);
    return e != NULL ? e->next_seq : UINT64_MAX;
}

static void link_clear(struct link *l)
{
    tern_rec12_clear(&l->tx);
    tern_rec12_clear(&l->rx);
}

/* A recognisable body. */
static void fill(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(i * 11u + seed);
    }
}

static void add_msg(struct tern_flight *f, uint8_t type, uint16_t epoch, uint16_t seq,
                    const uint8_t *body, size_t len)
{
    struct tern_writer *w = tern_flight_open(f, type, epoch, seq);
    CHECK(w != NULL);
    if (w == NULL) {
        return;
    }
    tern_w_bytes(w, body, len);
    CHECK_INT(tern_flight_close(f), TERN_OK);
}

/* What the receiver saw of one record. */
struct seen {
    uint8_t type;
    uint16_t epoch;
    uint64_t seq;
    struct tern_hs_header h; /* handshake records */
    uint8_t data[DGRAM];
    size_t len; /* handshake: the fragment; otherwise the record's plaintext */
};

/* Opens every record of a datagram; all must be delivered. Returns how
 * many were appended to out. */
static size_t receive(struct link *l, const uint8_t *dgram, size_t len, struct seen *out,
                      size_t max)
{
    uint8_t copy[DGRAM];
    CHECK(len <= sizeof(copy));
    if (len > sizeof(copy)) {
        return 0;
    }
    memcpy(copy, dgram, len);
    uint32_t drops_before = 0;
    for (size_t i = 0; i < TERN_DROP_REASONS; i++) {
        drops_before += l->rx.drops[i];
    }
    struct tern_rec_cursor it;
    struct tern_rec12_record r;
    tern_rec12_iter_init(&it, copy, len);
    size_t n = 0;
    int got;
    while ((got = tern_rec12_next(&l->rx, &it, &r)) != TERN_REC_END) {
        CHECK_INT(got, TERN_REC_PLAINTEXT);
        CHECK(n < max);
        if (got != TERN_REC_PLAINTEXT || n >= max) {
            continue;
        }
        struct seen *s = &out[n++];
        memset(s, 0, sizeof(*s));
        s->type = r.type;
        s->epoch = r.epoch;
        s->seq = r.seq;
        if (r.type == TERN_CT_HANDSHAKE) {
            struct tern_reader rd;
            struct tern_reader frag;
            tern_r_init(&rd, r.data, r.len);
            CHECK_INT(tern_hs_header_parse(&rd, &s->h, &frag), TERN_OK);
            CHECK_INT(tern_r_left(&rd), 0); /* one fragment per record */
            memcpy(s->data, frag.p, frag.len);
            s->len = frag.len;
        } else {
            memcpy(s->data, r.data, r.len);
            s->len = r.len;
        }
    }
    uint32_t drops_after = 0;
    for (size_t i = 0; i < TERN_DROP_REASONS; i++) {
        drops_after += l->rx.drops[i];
    }
    CHECK_INT(drops_after, drops_before);
    return n;
}

/* ---- Several records in one datagram ------------------------------------ */

/* Three epoch-0 messages that fit one datagram: one record each, record
 * numbers 0, 1, 2, bytes exactly as RFC 6347 lays them out. */
static void several_records_one_datagram(void)
{
    struct link l;
    link_init(&l, 0);
    struct tern_flight f;
    CHECK_INT(tern_flight_init(&f, CAP), TERN_OK);
    uint8_t sh[40];
    uint8_t ske[20];
    fill(sh, sizeof(sh), 1);
    fill(ske, sizeof(ske), 2);
    add_msg(&f, TERN_HS_SERVER_HELLO, 0, 1, sh, sizeof(sh));
    add_msg(&f, TERN_HS_SERVER_KEY_EXCHANGE, 0, 2, ske, sizeof(ske));
    add_msg(&f, TERN_HS_SERVER_HELLO_DONE, 0, 3, sh, 0);
    CHECK_INT(tern_flight_pending(&f), 0);
    tern_flight_schedule(&f);
    CHECK_INT(tern_flight_pending(&f), 1);

    uint8_t want[256];
    size_t n = 0;
    const struct {
        uint8_t type;
        uint16_t seq;
        const uint8_t *body;
        size_t len;
    } m[3] = {{2, 1, sh, sizeof(sh)}, {12, 2, ske, sizeof(ske)}, {14, 3, sh, 0}};
    for (uint8_t i = 0; i < 3; i++) {
        /* DTLSPlaintext: type, version {254, 253}, epoch, sequence_number
         * (48 bits), length; then the handshake header. */
        size_t rec_len = 12 + m[i].len;
        const uint8_t hdr[25] = {22,
                                 0xfe,
                                 0xfd,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0,
                                 i,
                                 (uint8_t)(rec_len >> 8),
                                 (uint8_t)rec_len,
                                 m[i].type,
                                 0,
                                 0,
                                 (uint8_t)m[i].len,
                                 0,
                                 (uint8_t)m[i].seq,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0,
                                 (uint8_t)m[i].len};
        memcpy(want + n, hdr, sizeof(hdr));
        memcpy(want + n + sizeof(hdr), m[i].body, m[i].len);
        n += sizeof(hdr) + m[i].len;
    }
    uint8_t out[DGRAM];
    CHECK_INT(tern_flight_emit(&f, &l.sink, out, sizeof(out), 1400), n);
    CHECK_MEM(out, want, n);
    CHECK_INT(tern_flight_pending(&f), 0);
    CHECK_INT(tern_flight_emit(&f, &l.sink, out, sizeof(out), 1400), 0);
    tern_flight_clear(&f);
    link_clear(&l);
}

/* ---- Fragmentation ------------------------------------------------------- */

/* Emits the whole scheduled flight; checks every datagram against the MTU
 * and returns the records seen. */
static size_t emit_all(struct tern_flight *f, struct link *l, size_t mtu, struct seen *seen,
                       size_t max, size_t *datagrams)
{
    uint8_t out[DGRAM];
    size_t n = 0;
    *datagrams = 0;
    for (int guard = 0; guard < 100; guard++) {
        ptrdiff_t len = tern_flight_emit(f, &l->sink, out, sizeof(out), mtu);
        CHECK(len >= 0);
        if (len <= 0) {
            break;
        }
        CHECK((size_t)len <= mtu);
        (*datagrams)++;
        n += receive(l, out, (size_t)len, seen + n, max - n);
    }
    CHECK_INT(tern_flight_pending(f), 0);
    return n;
}

/* A message larger than the MTU is cut into fragments that fill each
 * datagram (RFC 6347 section 4.2.3), in order, the same header fields in
 * each, and put back together they are the body. Epoch 0 and epoch 1. */
static void fragments_fill_the_mtu(void)
{
    for (uint16_t epoch = 0; epoch < 2; epoch++) {
        struct link l;
        link_init(&l, 1);
        struct tern_flight f;
        CHECK_INT(tern_flight_init(&f, CAP), TERN_OK);
        static uint8_t body[1000];
        fill(body, sizeof(body), 7);
        add_msg(&f, TERN_HS_CERTIFICATE, epoch, 9, body, sizeof(body));
        tern_flight_schedule(&f);
        const size_t mtu = 256;
        /* Epoch 0: header 13 + handshake header 12; epoch 1 adds GCM's
         * 8-byte explicit nonce and 16-byte tag (RFC 5288 section 3). */
        const size_t per = mtu - 13 - 12 - (epoch == 0 ? 0 : 8 + 16);
        static struct seen seen[16];
        size_t datagrams = 0;
        size_t n = emit_all(&f, &l, mtu, seen, 16, &datagrams);
        CHECK_INT(n, (sizeof(body) + per - 1) / per);
        CHECK_INT(datagrams, n);
        uint8_t got[sizeof(body)];
        size_t off = 0;
        for (size_t i = 0; i < n; i++) {
            CHECK_INT(seen[i].type, TERN_CT_HANDSHAKE);
            CHECK_INT(seen[i].epoch, epoch);
            CHECK(seen[i].seq == i);
            CHECK_INT(seen[i].h.type, TERN_HS_CERTIFICATE);
            CHECK_INT(seen[i].h.length, sizeof(body));
            CHECK_INT(seen[i].h.message_seq, 9);
            CHECK_INT(seen[i].h.frag_offset, off);
            size_t want = sizeof(body) - off < per ? sizeof(body) - off : per;
            CHECK_INT(seen[i].h.frag_length, want);
            if (off + seen[i].len <= sizeof(got)) {
                memcpy(got + off, seen[i].data, seen[i].len);
            }
            off += seen[i].len;
        }
        CHECK_INT(off, sizeof(body));
        CHECK_MEM(got, body, sizeof(body));
        tern_flight_clear(&f);
        link_clear(&l);
    }
}

/* Where a message would start with a fragment of fewer than 64 bytes at the
 * end of a datagram, it starts the next datagram instead; a small message
 * that fits whole still shares the datagram. */
static void no_slivers(void)
{
    struct link l;
    link_init(&l, 0);
    struct tern_flight f;
    CHECK_INT(tern_flight_init(&f, CAP), TERN_OK);
    uint8_t a[200];
    uint8_t b[300];
    uint8_t c[5];
    fill(a, sizeof(a), 1);
    fill(b, sizeof(b), 2);
    fill(c, sizeof(c), 3);
    /* MTU 256: a takes 25 + 200 = 225, leaving 31; b would get 6 bytes. */
    add_msg(&f, TERN_HS_SERVER_HELLO, 0, 0, a, sizeof(a));
    add_msg(&f, TERN_HS_CERTIFICATE, 0, 1, b, sizeof(b));
    tern_flight_schedule(&f);
    uint8_t out[DGRAM];
    struct seen seen[4];
    ptrdiff_t len = tern_flight_emit(&f, &l.sink, out, sizeof(out), 256);
    CHECK_INT(len, 225);
    CHECK_INT(receive(&l, out, (size_t)(len > 0 ? len : 0), seen, 4), 1);
    len = tern_flight_emit(&f, &l.sink, out, sizeof(out), 256);
    CHECK_INT(receive(&l, out, (size_t)(len > 0 ? len : 0), seen, 4), 1);
    CHECK_INT(seen[0].h.type, TERN_HS_CERTIFICATE);
    CHECK_INT(seen[0].h.frag_offset, 0);
    CHECK_INT(seen[0].h.frag_length, 256 - 25);
    tern_flight_clear(&f);

    /* a then c: c (25 + 5 = 30) fits in the 31 bytes left. */
    CHECK_INT(tern_flight_init(&f, CAP), TERN_OK);
    add_msg(&f, TERN_HS_SERVER_HELLO, 0, 0, a, sizeof(a));
    add_msg(&f, TERN_HS_SERVER_HELLO_DONE, 0, 1, c, sizeof(c));
    tern_flight_schedule(&f);
    len = tern_flight_emit(&f, &l.sink, out, sizeof(out), 256);
    CHECK_INT(len, 255);
    CHECK_INT(receive(&l, out, (size_t)(len > 0 ? len : 0), seen, 4), 2);
    CHECK_INT(seen[1].h.type, TERN_HS_SERVER_HELLO_DONE);
    CHECK_INT(seen[1].len, 5);
    CHECK_INT(tern_flight_pending(&f), 0);
    tern_flight_clear(&f);
    link_clear(&l);
}

/* ---- ChangeCipherSpec and epochs ----------------------------------------- */

/* A client's last flight: ClientKeyExchange in epoch 0, ChangeCipherSpec in
 * epoch 0 (RFC 6347 section 4.1: the epoch changes after it), Finished in
 * epoch 1, protected, in one datagram. */
static void ccs_in_its_epoch(void)
{
    struct link l;
    link_init(&l, 1);
    struct tern_flight f;
    CHECK_INT(tern_flight_init(&f, CAP), TERN_OK);
    uint8_t cke[9];
    uint8_t fin[12];
    fill(cke, sizeof(cke), 4);
    fill(fin, sizeof(fin), 5);
    add_msg(&f, TERN_HS_CLIENT_KEY_EXCHANGE, 0, 2, cke, sizeof(cke));
    CHECK_INT(tern_flight_add_ccs(&f, 0), TERN_OK);
    add_msg(&f, TERN_HS_FINISHED, 1, 3, fin, sizeof(fin));
    tern_flight_schedule(&f);
    uint8_t out[DGRAM];
    struct seen seen[4];
    ptrdiff_t len = tern_flight_emit(&f, &l.sink, out, sizeof(out), 1400);
    CHECK_INT(len, (13 + 12 + 9) + (13 + 1) + (13 + 8 + 12 + 12 + 16));
    CHECK_INT(receive(&l, out, (size_t)(len > 0 ? len : 0), seen, 4), 3);
    CHECK_INT(seen[0].type, TERN_CT_HANDSHAKE);
    CHECK_INT(seen[0].epoch, 0);
    CHECK_INT(seen[0].h.type, TERN_HS_CLIENT_KEY_EXCHANGE);
    CHECK_INT(seen[1].type, TERN_CT_CHANGE_CIPHER_SPEC);
    CHECK_INT(seen[1].epoch, 0);
    CHECK(seen[1].seq == seen[0].seq + 1);
    CHECK_INT(seen[1].len, 1);
    CHECK_INT(seen[1].data[0], 1); /* RFC 5246 section 7.1: change_cipher_spec(1) */
    CHECK_INT(seen[2].type, TERN_CT_HANDSHAKE);
    CHECK_INT(seen[2].epoch, 1);
    CHECK(seen[2].seq == 0);
    CHECK_INT(seen[2].h.type, TERN_HS_FINISHED);
    CHECK_INT(seen[2].h.message_seq, 3);
    CHECK_INT(seen[2].len, 12);
    CHECK_MEM(seen[2].data, fin, 12);
    /* The plaintext bytes of epoch 0 are on the wire as is. */
    CHECK_INT(out[0], 22);
    CHECK_INT(out[13 + 12 + 9], 20);
    CHECK_INT(out[13 + 12 + 9 + 13], 1);
    tern_flight_clear(&f);
    link_clear(&l);
}

/* A ChangeCipherSpec fits where a handshake fragment does not: at an MTU
 * of 14 the CCS alone goes out, then the MTU is too small for the rest. */
static void ccs_alone_in_a_small_mtu(void)
{
    struct link l;
    link_init(&l, 0);
    struct tern_flight f;
    CHECK_INT(tern_flight_init(&f, CAP), TERN_OK);
    uint8_t fin[12] = {0};
    CHECK_INT(tern_flight_add_ccs(&f, 0), TERN_OK);
    add_msg(&f, TERN_HS_FINISHED, 0, 3, fin, sizeof(fin));
    tern_flight_schedule(&f);
    uint8_t out[DGRAM];
    static const uint8_t ccs[14] = {20, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    CHECK_INT(tern_flight_emit(&f, &l.sink, out, sizeof(out), 14), 14);
    CHECK_MEM(out, ccs, sizeof(ccs));
    CHECK_INT(tern_flight_emit(&f, &l.sink, out, sizeof(out), 14), TERN_ERR_BUFFER);
    CHECK_INT(tern_flight_pending(&f), 1);
    CHECK_INT(tern_flight_emit(&f, &l.sink, out, sizeof(out), 13 + 12 + 12), 37);
    CHECK_INT(tern_flight_pending(&f), 0);
    tern_flight_clear(&f);
    link_clear(&l);
}

/* ---- Retransmission ------------------------------------------------------- */

/* RFC 6347 section 4.2.4: a retransmitted flight carries the same
 * messages (same message_seq, same fragments) in records with new
 * sequence numbers, in both epochs. */
static void retransmission_fresh_record_numbers(void)
{
    struct link l;
    link_init(&l, 1);
    struct tern_flight f;
    CHECK_INT(tern_flight_init(&f, CAP), TERN_OK);
    static uint8_t cke[600];
    uint8_t fin[12];
    fill(cke, sizeof(cke), 6);
    fill(fin, sizeof(fin), 7);
    add_msg(&f, TERN_HS_CLIENT_KEY_EXCHANGE, 0, 2, cke, sizeof(cke));
    CHECK_INT(tern_flight_add_ccs(&f, 0), TERN_OK);
    add_msg(&f, TERN_HS_FINISHED, 1, 3, fin, sizeof(fin));
    static struct seen first[16];
    static struct seen again[16];
    size_t d1 = 0;
    size_t d2 = 0;
    tern_flight_schedule(&f);
    size_t n1 = emit_all(&f, &l, 256, first, 16, &d1);
    tern_flight_schedule(&f);
    size_t n2 = emit_all(&f, &l, 256, again, 16, &d2);
    CHECK_INT(n2, n1);
    CHECK_INT(d2, d1);
    CHECK(n1 >= 5);
    size_t e0 = 0;
    for (size_t i = 0; i < n1; i++) {
        e0 += first[i].epoch == 0;
    }
    for (size_t i = 0; i < n1 && i < n2; i++) {
        CHECK_INT(again[i].type, first[i].type);
        CHECK_INT(again[i].epoch, first[i].epoch);
        CHECK_INT(again[i].len, first[i].len);
        CHECK_MEM(again[i].data, first[i].data, first[i].len);
        /* The same fragment: every field of its header (compared one by
         * one: the struct has padding). */
        CHECK_INT(again[i].h.type, first[i].h.type);
        CHECK_INT(again[i].h.length, first[i].h.length);
        CHECK_INT(again[i].h.message_seq, first[i].h.message_seq);
        CHECK_INT(again[i].h.frag_offset, first[i].h.frag_offset);
        CHECK_INT(again[i].h.frag_length, first[i].h.frag_length);
        /* Each epoch's record numbers go on from where they were. */
        uint64_t want = first[i].epoch == 0 ? first[i].seq + e0 : first[i].seq + (n1 - e0);
        CHECK(again[i].seq == want);
    }
    tern_flight_clear(&f);
    link_clear(&l);
}

/* A flight emitted halfway and rescheduled starts again from its first
 * message. */
static void reschedule_mid_flight(void)
{
    struct link l;
    link_init(&l, 0);
    struct tern_flight f;
    CHECK_INT(tern_flight_init(&f, CAP), TERN_OK);
    static uint8_t body[600];
    fill(body, sizeof(body), 8);
    add_msg(&f, TERN_HS_CERTIFICATE, 0, 1, body, sizeof(body));
    tern_flight_schedule(&f);
    uint8_t out[DGRAM];
    struct seen seen[2];
    CHECK(tern_flight_emit(&f, &l.sink, out, sizeof(out), 256) > 0);
    CHECK(tern_flight_emit(&f, &l.sink, out, sizeof(out), 256) > 0);
    CHECK_INT(tern_flight_pending(&f), 1);
    tern_flight_schedule(&f);
    ptrdiff_t len = tern_flight_emit(&f, &l.sink, out, sizeof(out), 256);
    CHECK_INT(receive(&l, out, (size_t)(len > 0 ? len : 0), seen, 2), 1);
    CHECK_INT(seen[0].h.frag_offset, 0);
    CHECK(seen[0].seq == 2);
    tern_flight_clear(&f);
    link_clear(&l);
}

/* ---- Refusals ------------------------------------------------------------ */

/* An MTU too small for one byte of a fragment, or an output buffer smaller
 * than the MTU, is TERN_ERR_BUFFER, and the flight and the record numbers
 * are as they were. */
static void mtu_too_small(void)
{
    struct link l;
    link_init(&l, 1);
    struct tern_flight f;
    CHECK_INT(tern_flight_init(&f, CAP), TERN_OK);
    uint8_t body[30];
    fill(body, sizeof(body), 9);
    add_msg(&f, TERN_HS_FINISHED, 1, 3, body, sizeof(body));
    tern_flight_schedule(&f);
    uint8_t out[DGRAM];
    /* Epoch 1: 13 + 8 + 12 + 16 = 49 bytes before the first byte. */
    CHECK_INT(tern_flight_emit(&f, &l.sink, out, sizeof(out), 49), TERN_ERR_BUFFER);
    CHECK_INT(tern_flight_emit(&f, &l.sink, out, 100, 101), TERN_ERR_BUFFER);
    CHECK_INT(tern_flight_pending(&f), 1);
    CHECK_INT(f.cur, 0);
    CHECK_INT(f.cur_off, 0);
    CHECK(next_seq(&l, 0) == 0);
    /* One byte per fragment is what 50 allows: the first datagram. */
    struct seen seen[2];
    ptrdiff_t len = tern_flight_emit(&f, &l.sink, out, sizeof(out), 50);
    CHECK_INT(len, 50);
    CHECK_INT(receive(&l, out, (size_t)(len > 0 ? len : 0), seen, 2), 1);
    CHECK_INT(seen[0].h.frag_length, 1);
    CHECK(seen[0].seq == 0);
    tern_flight_clear(&f);
    link_clear(&l);
}

/* An empty message needs only the record and handshake headers: in
 * epoch 0, 13 + 12 = 25 bytes are exactly enough for a ServerHelloDone. */
static void empty_message_exact_fit(void)
{
    struct link l;
    link_init(&l, 0);
    struct tern_flight f;
    CHECK_INT(tern_flight_init(&f, CAP), TERN_OK);
    add_msg(&f, TERN_HS_SERVER_HELLO_DONE, 0, 4, NULL, 0);
    tern_flight_schedule(&f);
    uint8_t out[DGRAM];
    CHECK_INT(tern_flight_emit(&f, &l.sink, out, sizeof(out), 24), TERN_ERR_BUFFER);
    ptrdiff_t len = tern_flight_emit(&f, &l.sink, out, sizeof(out), 25);
    CHECK_INT(len, 25);
    struct seen seen[2];
    CHECK_INT(receive(&l, out, (size_t)(len > 0 ? len : 0), seen, 2), 1);
    CHECK_INT(seen[0].h.type, TERN_HS_SERVER_HELLO_DONE);
    CHECK_INT(seen[0].h.length, 0);
    tern_flight_clear(&f);
    link_clear(&l);
}

/* Not scheduled, or nothing in it: nothing to emit. */
static void nothing_to_emit(void)
{
    struct link l;
    link_init(&l, 0);
    struct tern_flight f;
    CHECK_INT(tern_flight_init(&f, CAP), TERN_OK);
    uint8_t out[DGRAM];
    CHECK_INT(tern_flight_emit(&f, &l.sink, out, sizeof(out), 1400), 0);
    tern_flight_schedule(&f);
    CHECK_INT(tern_flight_pending(&f), 0);
    CHECK_INT(tern_flight_emit(&f, &l.sink, out, sizeof(out), 1400), 0);
    uint8_t body[4] = {1, 2, 3, 4};
    add_msg(&f, TERN_HS_SERVER_HELLO, 0, 0, body, sizeof(body));
    CHECK_INT(tern_flight_emit(&f, &l.sink, out, sizeof(out), 1400), 0);
    CHECK(next_seq(&l, 0) == 0);
    tern_flight_clear(&f);
    link_clear(&l);
}

/* ---- Building messages ---------------------------------------------------- */

static void open_close_rules(void)
{
    struct tern_flight f;
    CHECK_INT(tern_flight_init(&f, 64), TERN_OK);
    size_t len = 77;
    CHECK(tern_flight_last_body(&f, &len) == NULL);
    CHECK_INT(len, 77);
    CHECK_INT(tern_flight_close(&f), TERN_ERR_STATE);

    struct tern_writer *w = tern_flight_open(&f, TERN_HS_SERVER_HELLO, 0, 0);
    CHECK(w != NULL);
    /* One message at a time. */
    CHECK(tern_flight_open(&f, TERN_HS_CERTIFICATE, 0, 1) == NULL);
    CHECK_INT(tern_flight_add_ccs(&f, 0), TERN_ERR_BUFFER);
    tern_w_u16(w, 0x1234);
    CHECK_INT(tern_flight_close(&f), TERN_OK);
    CHECK_INT(tern_flight_close(&f), TERN_ERR_STATE);
    const uint8_t *b = tern_flight_last_body(&f, &len);
    CHECK(b != NULL);
    CHECK_INT(len, 2);
    CHECK(b != NULL && b[0] == 0x12 && b[1] == 0x34);

    /* A body larger than what is left of the buffer: the writer's
     * TERN_ERR_BUFFER, and the flight holds what it held. */
    w = tern_flight_open(&f, TERN_HS_CERTIFICATE, 0, 1);
    CHECK(w != NULL);
    uint8_t big[63] = {0};
    tern_w_bytes(w, big, sizeof(big));
    CHECK_INT(tern_flight_close(&f), TERN_ERR_BUFFER);
    CHECK_INT(f.n, 1);
    CHECK_INT(f.used, 2);
    b = tern_flight_last_body(&f, &len);
    CHECK_INT(len, 2);
    /* Exactly what is left fits. */
    w = tern_flight_open(&f, TERN_HS_CERTIFICATE, 0, 1);
    tern_w_bytes(w, big, 62);
    CHECK_INT(tern_flight_close(&f), TERN_OK);
    CHECK_INT(f.used, 64);
    tern_flight_clear(&f);
}

/* At most TERN_FLIGHT_MAX_MSGS messages, ChangeCipherSpec included. */
static void message_limit(void)
{
    struct tern_flight f;
    CHECK_INT(tern_flight_init(&f, 1024), TERN_OK);
    uint8_t body[3] = {1, 2, 3};
    for (uint16_t i = 0; i < TERN_FLIGHT_MAX_MSGS - 1; i++) {
        add_msg(&f, TERN_HS_CERTIFICATE, 0, i, body, sizeof(body));
    }
    CHECK_INT(tern_flight_add_ccs(&f, 0), TERN_OK);
    CHECK(tern_flight_open(&f, TERN_HS_FINISHED, 1, 9) == NULL);
    CHECK_INT(tern_flight_add_ccs(&f, 0), TERN_ERR_BUFFER);
    CHECK_INT(f.n, TERN_FLIGHT_MAX_MSGS);
    /* Reset: a new flight starts empty. */
    tern_flight_reset(&f);
    CHECK_INT(f.n, 0);
    CHECK_INT(f.used, 0);
    CHECK_INT(tern_flight_pending(&f), 0);
    size_t len = 0;
    CHECK(tern_flight_last_body(&f, &len) == NULL);
    CHECK(tern_flight_open(&f, TERN_HS_FINISHED, 1, 9) != NULL);
    tern_flight_clear(&f);
}

/* Growing keeps the closed messages and drops the open one. */
static void grow_keeps_messages(void)
{
    struct link l;
    link_init(&l, 0);
    struct tern_flight f;
    CHECK_INT(tern_flight_init(&f, 16), TERN_OK);
    uint8_t a[10];
    fill(a, sizeof(a), 1);
    add_msg(&f, TERN_HS_SERVER_HELLO, 0, 0, a, sizeof(a));
    CHECK(tern_flight_open(&f, TERN_HS_CERTIFICATE, 0, 1) != NULL);
    CHECK_INT(tern_flight_grow(&f, 8), TERN_OK); /* smaller: nothing to do */
    CHECK_INT(f.cap, 16);
    CHECK_INT(tern_flight_grow(&f, 4096), TERN_OK);
    CHECK_INT(f.cap, 4096);
    CHECK_INT(tern_flight_close(&f), TERN_ERR_STATE);
    uint8_t b[100];
    fill(b, sizeof(b), 2);
    add_msg(&f, TERN_HS_CERTIFICATE, 0, 1, b, sizeof(b));
    tern_flight_schedule(&f);
    uint8_t out[DGRAM];
    struct seen seen[3];
    ptrdiff_t len = tern_flight_emit(&f, &l.sink, out, sizeof(out), 1400);
    CHECK_INT(receive(&l, out, (size_t)(len > 0 ? len : 0), seen, 3), 2);
    CHECK_MEM(seen[0].data, a, sizeof(a));
    CHECK_MEM(seen[1].data, b, sizeof(b));
    tern_flight_clear(&f);
    tern_flight_clear(&f);
    tern_flight_clear(NULL);
    link_clear(&l);
}

/* ---- The final flight of a server ----------------------------------------- */

/* ChangeCipherSpec in the epoch before the Finished, the Finished
 * protected, in one datagram, and new record numbers each time. */
static void final_flight(void)
{
    struct link l;
    link_init(&l, 1);
    struct tern_flight_final ff;
    fill(ff.verify_data, sizeof(ff.verify_data), 0x40);
    ff.seq = 5;
    ff.epoch = 1;
    uint8_t out[DGRAM];
    uint8_t want_fin[12 + 12] = {20, 0, 0, 12, 0, 5, 0, 0, 0, 0, 0, 12};
    memcpy(want_fin + 12, ff.verify_data, 12);
    for (uint64_t round = 0; round < 3; round++) {
        ptrdiff_t len = tern_flight_final_emit(&ff, &l.sink, out, sizeof(out), 256);
        CHECK_INT(len, (13 + 1) + (13 + 8 + 24 + 16));
        struct seen seen[3];
        CHECK_INT(receive(&l, out, (size_t)(len > 0 ? len : 0), seen, 3), 2);
        CHECK_INT(seen[0].type, TERN_CT_CHANGE_CIPHER_SPEC);
        CHECK_INT(seen[0].epoch, 0);
        CHECK(seen[0].seq == round);
        CHECK_INT(seen[1].type, TERN_CT_HANDSHAKE);
        CHECK_INT(seen[1].epoch, 1);
        CHECK(seen[1].seq == round);
        CHECK_INT(seen[1].h.type, TERN_HS_FINISHED);
        CHECK_INT(seen[1].h.message_seq, 5);
        CHECK_INT(seen[1].len, 12);
        CHECK_MEM(seen[1].data, want_fin + 12, 12);
    }
    link_clear(&l);
}

static void final_flight_refused(void)
{
    struct link l;
    link_init(&l, 1);
    struct tern_flight_final ff;
    memset(&ff, 0, sizeof(ff));
    ff.seq = 5;
    uint8_t out[DGRAM];
    /* No epoch before epoch 0 for the ChangeCipherSpec. */
    CHECK_INT(tern_flight_final_emit(&ff, &l.sink, out, sizeof(out), 256), TERN_ERR_STATE);
    CHECK(next_seq(&l, 0) == 0 && next_seq(&l, 1) == 0);
    ff.epoch = 1;
    CHECK_INT(tern_flight_final_emit(&ff, &l.sink, out, 100, 256), TERN_ERR_BUFFER);
    CHECK(next_seq(&l, 0) == 0 && next_seq(&l, 1) == 0);
    /* Exactly enough for both records. */
    CHECK_INT(tern_flight_final_emit(&ff, &l.sink, out, sizeof(out), 14 + 61), 14 + 61);
    link_clear(&l);
}

TEST_MAIN(T(several_records_one_datagram), T(fragments_fill_the_mtu), T(no_slivers),
          T(ccs_in_its_epoch), T(ccs_alone_in_a_small_mtu), T(retransmission_fresh_record_numbers),
          T(reschedule_mid_flight), T(mtu_too_small), T(empty_message_exact_fit),
          T(nothing_to_emit), T(open_close_rules), T(message_limit), T(grow_keeps_messages),
          T(final_flight), T(final_flight_refused))
