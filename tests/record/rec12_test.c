/* The DTLS 1.2 record layer: protection for every AEAD, the datagram walk,
 * epochs, sequence numbers, replay and the drop counters. */
#include <stdlib.h>

#include <tern/err.h>

#include "crypto/aead.h"
#include "record/rec12.h"
#include "test.h"

static const int g_algs[] = {
    TERN_AEAD_AES_128_GCM,   TERN_AEAD_AES_256_GCM,       TERN_AEAD_AES_128_CCM,
    TERN_AEAD_AES_128_CCM_8, TERN_AEAD_CHACHA20_POLY1305,
};

static const uint8_t g_key[32] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
                                  0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25,
                                  0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f};
static const uint8_t g_iv[12] = {0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5,
                                 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb};

/* A sender and a receiver that share epoch-1 keys for alg. */
struct pair {
    struct tern_rec12 tx;
    struct tern_rec12 rx;
};

static void pair_init(struct pair *p, int alg)
{
    size_t kl = tern_aead_key_len(alg);
    size_t il = tern_rec_cipher_iv_len(alg);
    tern_rec12_init(&p->tx, TERN_DTLS12_VERSION);
    tern_rec12_init(&p->rx, TERN_DTLS12_VERSION);
    CHECK_INT(tern_rec12_set_tx_keys(&p->tx, alg, g_key, kl, g_iv, il), TERN_OK);
    CHECK_INT(tern_rec12_set_rx_keys(&p->rx, alg, g_key, kl, g_iv, il), TERN_OK);
}

static void pair_clear(struct pair *p)
{
    tern_rec12_clear(&p->tx);
    tern_rec12_clear(&p->rx);
}

static size_t seal(struct pair *p, uint16_t epoch, uint8_t type, const void *pt, size_t len,
                   uint8_t *out, size_t cap)
{
    ptrdiff_t n = tern_rec12_write_copy(&p->tx, epoch, type, pt, len, out, cap);
    CHECK(n > 0);
    return n > 0 ? (size_t)n : 0;
}

/* Walks dgram and returns how many records were delivered as plaintext; the
 * last one is left in *last. */
static int deliver(struct tern_rec12 *rx, uint8_t *dgram, size_t len,
                   struct tern_rec12_record *last)
{
    struct tern_rec_cursor it;
    struct tern_rec12_record r = {0};
    int n = 0;
    tern_rec12_iter_init(&it, dgram, len);
    int got;
    while ((got = tern_rec12_next(rx, &it, &r)) != TERN_REC_END) {
        if (got == TERN_REC_PLAINTEXT) {
            n++;
            *last = r;
        }
    }
    return n;
}

static uint64_t total_drops(const struct tern_rec12 *rl)
{
    uint64_t t = 0;
    for (size_t i = 0; i < TERN_DROP_REASONS; i++) {
        t += rl->drops[i];
    }
    return t;
}

static void round_trip_every_aead(void)
{
    static const size_t sizes[] = {0, 1, 15, 16, 17, 1200, TERN_REC_MAX_PLAINTEXT};
    static uint8_t pt[TERN_REC_MAX_PLAINTEXT];
    static uint8_t buf[TERN_REC_MAX_PLAINTEXT + 64];
    for (size_t i = 0; i < sizeof(pt); i++) {
        pt[i] = (uint8_t)(i * 31 + 7);
    }
    for (size_t a = 0; a < sizeof(g_algs) / sizeof(g_algs[0]); a++) {
        struct pair p;
        pair_init(&p, g_algs[a]);
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            size_t n = seal(&p, 1, TERN_CT_APPLICATION_DATA, pt, sizes[s], buf, sizeof(buf));
            size_t prefix;
            size_t suffix;
            CHECK_INT(tern_rec12_layout(&p.tx, 1, &prefix, &suffix), TERN_OK);
            CHECK_INT(n, prefix + sizes[s] + suffix);
            struct tern_rec12_record r = {0};
            CHECK_INT(deliver(&p.rx, buf, n, &r), 1);
            CHECK_INT(r.len, sizes[s]);
            CHECK_INT(r.epoch, 1);
            CHECK(r.seq == s);
            CHECK_INT(r.type, TERN_CT_APPLICATION_DATA);
            CHECK(sizes[s] == 0 || memcmp(r.data, pt, sizes[s]) == 0);
        }
        CHECK(total_drops(&p.rx) == 0);
        pair_clear(&p);
    }
}

/* The record bytes follow RFC 5246 section 6.2.3.3 and the nonce rules of
 * RFC 5288 (GCM) and RFC 7905 (ChaCha20): rebuilt here from the AEAD
 * primitive, whose own known-answer tests are in tests/crypto. */
static void layout_matches_the_rfcs(void)
{
    static const char msg[] = "layout";
    const size_t len = sizeof(msg);
    for (int which = 0; which < 2; which++) {
        int alg = which == 0 ? TERN_AEAD_AES_128_GCM : TERN_AEAD_CHACHA20_POLY1305;
        struct pair p;
        pair_init(&p, alg);
        uint8_t rec[128];
        /* Burn two sequence numbers so seq_num is not zero. */
        seal(&p, 1, TERN_CT_APPLICATION_DATA, msg, len, rec, sizeof(rec));
        seal(&p, 1, TERN_CT_APPLICATION_DATA, msg, len, rec, sizeof(rec));
        size_t n = seal(&p, 1, TERN_CT_APPLICATION_DATA, msg, len, rec, sizeof(rec));

        uint8_t want[128];
        static const uint8_t seq_num[8] = {0, 1, 0, 0, 0, 0, 0, 2};
        size_t explicit_len = alg == TERN_AEAD_AES_128_GCM ? 8 : 0;
        size_t body = explicit_len + len + 16;
        uint8_t hdr[13] = {23, 0xfe, 0xfd};
        memcpy(hdr + 3, seq_num, 8);
        hdr[11] = (uint8_t)(body >> 8);
        hdr[12] = (uint8_t)body;
        memcpy(want, hdr, 13);
        uint8_t nonce[12];
        if (explicit_len == 8) {
            memcpy(nonce, g_iv, 4);
            memcpy(nonce + 4, seq_num, 8);
            memcpy(want + 13, seq_num, 8);
        } else {
            memcpy(nonce, g_iv, 12);
            for (size_t i = 0; i < 8; i++) {
                nonce[4 + i] ^= seq_num[i];
            }
        }
        uint8_t aad[13];
        memcpy(aad, seq_num, 8);
        aad[8] = 23;
        aad[9] = 0xfe;
        aad[10] = 0xfd;
        aad[11] = 0;
        aad[12] = (uint8_t)len;
        uint8_t *ct = want + 13 + explicit_len;
        memcpy(ct, msg, len);
        struct tern_aead a;
        CHECK_INT(tern_aead_init(&a, alg, 1, g_key, tern_aead_key_len(alg)), TERN_OK);
        CHECK_INT(tern_aead_seal(&a, nonce, aad, sizeof(aad), ct, len, ct + len), TERN_OK);
        tern_aead_clear(&a);
        CHECK_INT(n, 13 + body);
        CHECK_MEM(rec, want, 13 + body);
        pair_clear(&p);
    }
}

/* Every single-bit change to a protected record makes it drop, and the
 * counters say why; the genuine record still opens afterwards. */
static void tampering_is_dropped(void)
{
    for (size_t a = 0; a < sizeof(g_algs) / sizeof(g_algs[0]); a++) {
        struct pair p;
        pair_init(&p, g_algs[a]);
        uint8_t rec[96];
        uint8_t bad[96];
        size_t n = seal(&p, 1, TERN_CT_APPLICATION_DATA, "tamper me", 9, rec, sizeof(rec));
        for (size_t byte = 0; byte < n; byte++) {
            if (byte == 11 || byte == 12) {
                continue; /* length bytes: separate case below */
            }
            memcpy(bad, rec, n);
            bad[byte] ^= 0x01;
            struct tern_rec12_record r = {0};
            uint64_t before = total_drops(&p.rx);
            CHECK_INT(deliver(&p.rx, bad, n, &r), 0);
            CHECK(total_drops(&p.rx) == before + 1);
        }
        /* Header fields land in their own counters. */
        CHECK(p.rx.drops[TERN_DROP_BAD_TYPE] + p.rx.drops[TERN_DROP_AUTH] > 0);
        CHECK(p.rx.drops[TERN_DROP_BAD_VERSION] >= 2);
        CHECK(p.rx.drops[TERN_DROP_EPOCH] >= 1);
        /* Epoch 1 -> 0 lands in the keyless epoch, where application data
         * is never accepted. */
        CHECK(p.rx.drops[TERN_DROP_UNPROTECTED] == 1);
        /* Length too large: runs past the datagram, the rest goes. */
        memcpy(bad, rec, n);
        bad[12] = (uint8_t)(bad[12] + 1);
        struct tern_rec12_record r = {0};
        CHECK_INT(deliver(&p.rx, bad, n, &r), 0);
        CHECK(p.rx.drops[TERN_DROP_MALFORMED] == 1);
        /* Length too small: the tag moves, authentication fails, and the
         * leftover byte is a truncated header. */
        memcpy(bad, rec, n);
        bad[12] = (uint8_t)(bad[12] - 1);
        uint64_t auth = p.rx.drops[TERN_DROP_AUTH];
        CHECK_INT(deliver(&p.rx, bad, n, &r), 0);
        CHECK(p.rx.drops[TERN_DROP_AUTH] == auth + 1);
        CHECK(p.rx.drops[TERN_DROP_MALFORMED] == 2);
        /* None of it moved the replay window. */
        CHECK_INT(deliver(&p.rx, rec, n, &r), 1);
        CHECK_INT(r.len, 9);
        CHECK_MEM(r.data, "tamper me", 9);
        pair_clear(&p);
    }
}

static void replayed_record_dropped(void)
{
    struct pair p;
    pair_init(&p, TERN_AEAD_AES_128_GCM);
    uint8_t rec[64];
    uint8_t copy[64];
    size_t n = seal(&p, 1, TERN_CT_APPLICATION_DATA, "once", 4, rec, sizeof(rec));
    memcpy(copy, rec, n);
    struct tern_rec12_record r = {0};
    CHECK_INT(deliver(&p.rx, rec, n, &r), 1);
    CHECK_INT(deliver(&p.rx, copy, n, &r), 0);
    CHECK(p.rx.drops[TERN_DROP_REPLAY] == 1);
    pair_clear(&p);
}

/* One datagram with a good record, a forged one, an unknown type, and
 * another good record: the bad ones go, the good ones arrive in order. */
static void bad_record_spares_its_neighbours(void)
{
    struct pair p;
    pair_init(&p, TERN_AEAD_CHACHA20_POLY1305);
    uint8_t dgram[256];
    size_t off = 0;
    off += seal(&p, 1, TERN_CT_APPLICATION_DATA, "first", 5, dgram + off, sizeof(dgram) - off);
    size_t forged = off;
    off += seal(&p, 1, TERN_CT_APPLICATION_DATA, "forged", 6, dgram + off, sizeof(dgram) - off);
    dgram[off - 1] ^= 0xff;
    size_t odd = off;
    off += seal(&p, 1, TERN_CT_APPLICATION_DATA, "oddtype", 7, dgram + off, sizeof(dgram) - off);
    dgram[odd] = 24; /* heartbeat: not a type tern reads */
    off += seal(&p, 1, TERN_CT_ALERT, "\x01\x00", 2, dgram + off, sizeof(dgram) - off);
    CHECK(forged > 0);

    struct tern_rec_cursor it;
    struct tern_rec12_record r = {0};
    tern_rec12_iter_init(&it, dgram, off);
    CHECK_INT(tern_rec12_next(&p.rx, &it, &r), TERN_REC_PLAINTEXT);
    CHECK_INT(r.len, 5);
    CHECK_MEM(r.data, "first", 5);
    CHECK_INT(tern_rec12_next(&p.rx, &it, &r), TERN_REC_PLAINTEXT);
    CHECK_INT(r.type, TERN_CT_ALERT);
    CHECK_INT(r.len, 2);
    CHECK_INT(tern_rec12_next(&p.rx, &it, &r), TERN_REC_END);
    CHECK(p.rx.drops[TERN_DROP_AUTH] == 1);
    CHECK(p.rx.drops[TERN_DROP_BAD_TYPE] == 1);
    pair_clear(&p);
}

/* Epoch 0 is plaintext in both directions; epoch 1 keys make 0 the previous
 * epoch, still readable and writable for retransmitted flights; the next
 * epoch comes back unopened; anything else is dropped. */
static void epochs(void)
{
    struct tern_rec12 tx;
    struct tern_rec12 rx;
    tern_rec12_init(&tx, TERN_DTLS12_VERSION);
    tern_rec12_init(&rx, TERN_DTLS12_VERSION);
    uint8_t rec0[64];
    uint8_t rec1[64];
    uint8_t rec2[64];
    struct tern_rec12_record r = {0};
    ptrdiff_t n0 = tern_rec12_write_copy(&tx, 0, TERN_CT_HANDSHAKE, "hello", 5, rec0, 64);
    CHECK_INT(n0, 13 + 5);
    CHECK_INT(rec0[3], 0);
    CHECK_INT(rec0[4], 0);
    CHECK_INT(tern_rec12_write_copy(&tx, 1, TERN_CT_HANDSHAKE, "x", 1, rec1, 64), TERN_ERR_EPOCH);

    CHECK_INT(tern_rec12_set_tx_keys(&tx, TERN_AEAD_AES_128_CCM_8, g_key, 16, g_iv, 4), TERN_OK);
    CHECK_INT(tern_rec12_tx_epoch(&tx), 1);
    ptrdiff_t n1 = tern_rec12_write_copy(&tx, 1, TERN_CT_HANDSHAKE, "finished", 8, rec1, 64);
    CHECK_INT(n1, 13 + 8 + 8 + 8);
    CHECK_INT(rec1[10], 0); /* sequence numbers restart at 0 in a new epoch */
    /* The previous epoch continues its own sequence (retransmission). */
    ptrdiff_t again = tern_rec12_write_copy(&tx, 0, TERN_CT_HANDSHAKE, "hello", 5, rec2, 64);
    CHECK_INT(again, 13 + 5);
    CHECK_INT(rec2[10], 1);

    /* The receiver has no epoch-1 keys yet: the record comes back unopened. */
    struct tern_rec_cursor it;
    tern_rec12_iter_init(&it, rec1, (size_t)n1);
    CHECK_INT(tern_rec12_next(&rx, &it, &r), TERN_REC_NEXT_EPOCH);
    CHECK_INT(r.epoch, 1);
    CHECK(r.data == rec1);
    CHECK_INT(r.len, n1);
    CHECK_INT(deliver(&rx, rec0, (size_t)n0, &r), 1);
    CHECK_MEM(r.data, "hello", 5);

    CHECK_INT(tern_rec12_set_rx_keys(&rx, TERN_AEAD_AES_128_CCM_8, g_key, 16, g_iv, 4), TERN_OK);
    CHECK_INT(tern_rec12_rx_epoch(&rx), 1);
    CHECK_INT(deliver(&rx, rec1, (size_t)n1, &r), 1);
    CHECK_MEM(r.data, "finished", 8);
    CHECK_INT(deliver(&rx, rec2, (size_t)n0, &r), 1); /* previous epoch still read */

    /* Once the previous epoch is dropped, its records are too. */
    tern_rec12_drop_previous_rx(&rx);
    ptrdiff_t n3 = tern_rec12_write_copy(&tx, 0, TERN_CT_HANDSHAKE, "late", 4, rec2, 64);
    CHECK_INT(deliver(&rx, rec2, (size_t)n3, &r), 0);
    CHECK(rx.drops[TERN_DROP_EPOCH] == 1);

    /* An epoch two ahead is neither readable nor "next". */
    rec1[4] = 3;
    CHECK_INT(deliver(&rx, rec1, (size_t)n1, &r), 0);
    CHECK(rx.drops[TERN_DROP_EPOCH] == 2);

    /* Epoch 2 keys: epoch 0 is forgotten for writing. */
    CHECK_INT(tern_rec12_set_tx_keys(&tx, TERN_AEAD_AES_128_CCM_8, g_key, 16, g_iv, 4), TERN_OK);
    CHECK_INT(tern_rec12_write_copy(&tx, 0, TERN_CT_HANDSHAKE, "x", 1, rec2, 64), TERN_ERR_EPOCH);
    CHECK(tern_rec12_write_copy(&tx, 1, TERN_CT_HANDSHAKE, "x", 1, rec2, 64) > 0);
    tern_rec12_clear(&tx);
    tern_rec12_clear(&rx);
}

/* Protected records must carry the negotiated version; epoch 0 takes any
 * DTLS version (RFC 6347 section 4.2.1 lets the first ClientHello and
 * HelloVerifyRequest use DTLS 1.0), but never a non-DTLS one. */
static void versions(void)
{
    struct tern_rec12 rx;
    tern_rec12_init(&rx, TERN_DTLS12_VERSION);
    uint8_t rec[] = {22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x01};
    struct tern_rec12_record r = {0};
    CHECK_INT(deliver(&rx, rec, sizeof(rec), &r), 1);
    CHECK_INT(r.version, 0xfeff);
    rec[1] = 0x03;
    rec[2] = 0x03; /* TLS 1.2 */
    CHECK_INT(deliver(&rx, rec, sizeof(rec), &r), 0);
    CHECK(rx.drops[TERN_DROP_BAD_VERSION] == 1);
    /* Application data without keys is always a forgery. */
    rec[0] = TERN_CT_APPLICATION_DATA;
    rec[1] = 0xfe;
    rec[2] = 0xfd;
    CHECK_INT(deliver(&rx, rec, sizeof(rec), &r), 0);
    CHECK(rx.drops[TERN_DROP_UNPROTECTED] == 1);
    tern_rec12_clear(&rx);
}

/* Plaintext larger than 2^14 is refused on write (RFC 5246 section 6.2.1). */
static void plaintext_limits(void)
{
    static uint8_t buf[TERN_REC_MAX_PLAINTEXT + 128];
    struct pair p;
    pair_init(&p, TERN_AEAD_AES_128_GCM);
    size_t prefix;
    size_t suffix;
    CHECK_INT(tern_rec12_layout(&p.tx, 1, &prefix, &suffix), TERN_OK);
    CHECK_INT(tern_rec12_write(&p.tx, 1, TERN_CT_APPLICATION_DATA, buf, sizeof(buf),
                               TERN_REC_MAX_PLAINTEXT + 1),
              TERN_ERR_RECORD_OVERFLOW);
    CHECK_INT(tern_rec12_write(&p.tx, 0, TERN_CT_APPLICATION_DATA, buf, sizeof(buf),
                               TERN_REC_MAX_PLAINTEXT + 1),
              TERN_ERR_RECORD_OVERFLOW);
    /* One byte short of room for the tag. */
    CHECK_INT(
        tern_rec12_write(&p.tx, 1, TERN_CT_APPLICATION_DATA, buf, prefix + 10 + suffix - 1, 10),
        TERN_ERR_BUFFER);
    CHECK_INT(tern_rec12_write(&p.tx, 1, TERN_CT_APPLICATION_DATA, buf, prefix + 10 + suffix, 10),
              prefix + 10 + suffix);
    /* A plaintext epoch-0 record over 2^14 on the wire is dropped. */
    struct tern_writer w;
    tern_w_init(&w, buf, sizeof(buf));
    struct tern_rec12_header h = {TERN_CT_HANDSHAKE, 0xfefd, 0, 0,
                                  (uint16_t)(TERN_REC_MAX_PLAINTEXT + 1)};
    tern_rec12_header_write(&w, &h);
    struct tern_rec12_record r = {0};
    CHECK_INT(deliver(&p.rx, buf, 13 + TERN_REC_MAX_PLAINTEXT + 1, &r), 0);
    CHECK(p.rx.drops[TERN_DROP_TOO_LONG] == 1);
    pair_clear(&p);
}

/* RFC 6347 section 4.1: sequence numbers never wrap within an epoch. */
static void sequence_exhaustion(void)
{
    struct pair p;
    pair_init(&p, TERN_AEAD_AES_128_GCM);
    uint8_t rec[64];
    p.tx.tx.slot[0].next_seq = TERN_REC_MAX_SEQ;
    ptrdiff_t n = tern_rec12_write_copy(&p.tx, 1, TERN_CT_APPLICATION_DATA, "last", 4, rec, 64);
    CHECK(n > 0);
    struct tern_rec12_record r = {0};
    CHECK_INT(deliver(&p.rx, rec, (size_t)n, &r), 1);
    CHECK(r.seq == TERN_REC_MAX_SEQ);
    CHECK_INT(tern_rec12_write_copy(&p.tx, 1, TERN_CT_APPLICATION_DATA, "more", 4, rec, 64),
              TERN_ERR_SEQ_EXHAUSTED);
    CHECK_INT(tern_rec12_write_copy(&p.tx, 1, TERN_CT_APPLICATION_DATA, "more", 4, rec, 64),
              TERN_ERR_SEQ_EXHAUSTED);
    /* The epoch counter does not wrap either. */
    p.tx.tx.slot[0].epoch = UINT16_MAX;
    CHECK_INT(tern_rec12_set_tx_keys(&p.tx, TERN_AEAD_AES_128_GCM, g_key, 16, g_iv, 4),
              TERN_ERR_SEQ_EXHAUSTED);
    pair_clear(&p);
}

static void bad_keys_change_nothing(void)
{
    struct tern_rec12 rl;
    tern_rec12_init(&rl, TERN_DTLS12_VERSION);
    CHECK_INT(tern_rec12_set_tx_keys(&rl, TERN_AEAD_AES_128_GCM, g_key, 15, g_iv, 4), TERN_ERR_ARG);
    CHECK_INT(tern_rec12_set_tx_keys(&rl, TERN_AEAD_AES_128_GCM, g_key, 16, g_iv, 12),
              TERN_ERR_ARG);
    CHECK_INT(tern_rec12_set_rx_keys(&rl, 99, g_key, 16, g_iv, 4), TERN_ERR_ARG);
    CHECK_INT(tern_rec12_tx_epoch(&rl), 0);
    CHECK_INT(tern_rec12_rx_epoch(&rl), 0);
    uint8_t rec[32];
    CHECK(tern_rec12_write_copy(&rl, 0, TERN_CT_HANDSHAKE, "ok", 2, rec, sizeof(rec)) > 0);
    tern_rec12_clear(&rl);
}

/* An empty datagram, and bytes too short for a header. */
static void short_datagrams(void)
{
    struct tern_rec12 rx;
    tern_rec12_init(&rx, TERN_DTLS12_VERSION);
    uint8_t junk[12] = {22, 0xfe, 0xfd};
    struct tern_rec12_record r = {0};
    CHECK_INT(deliver(&rx, junk, 0, &r), 0);
    CHECK(total_drops(&rx) == 0);
    CHECK_INT(deliver(&rx, junk, sizeof(junk), &r), 0);
    CHECK(rx.drops[TERN_DROP_MALFORMED] == 1);
    tern_rec12_clear(&rx);
}

TEST_MAIN(T(round_trip_every_aead), T(layout_matches_the_rfcs), T(tampering_is_dropped),
          T(replayed_record_dropped), T(bad_record_spares_its_neighbours), T(epochs), T(versions),
          T(plaintext_limits), T(sequence_exhaustion), T(bad_keys_change_nothing),
          T(short_datagrams))
