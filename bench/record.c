/* Record-layer benchmark: one full DTLS 1.2 record seal + open through tern's
 * record layer (header build and parse, nonce and additional data, AEAD,
 * replay window) against the least raw libcrypto EVP code that does the same
 * AEAD work, measured in the same run.
 *
 * Only the ratio tern/raw means anything: absolute rates depend on the
 * machine. Each round alternates the two sides in short turns (and who goes
 * first), so frequency drift and noise from other processes hit both alike.
 * The best round of each side is compared; the median of the per-round
 * ratios is printed beside it as a check on noise. On a busy machine the
 * ratio still moves by a few per cent from run to run.
 *
 *   bench-record              full run (about 25 s)
 *   bench-record --quick      a fraction of a second: proves it builds and is correct
 *   bench-record --alg NAME --size N --only tern|raw
 *                             one cell, or one side only (for perf record)
 *   bench-record --csv FILE   also writes the figures as CSV rows
 *
 * Exits non-zero only when a record fails to open or the two sides disagree,
 * never because of a ratio. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/crypto.h>

#include <tern/err.h>

#include "common.h"

#include "crypto/aead.h"
#include "record/header12.h"
#include "record/rec12.h"

#define MAX_PT     1400
#define BUF_LEN    (TERN_REC12_HEADER_LEN + 8 + MAX_PT + TERN_AEAD_MAX_TAG_LEN + 64)
#define MAX_ROUNDS 15
/* Records per clock read: clock_gettime() is ~20 ns, a record ~1 us. */
#define BATCH 32
/* Turns per side in one round. */
#define SLICES 10

struct alg_desc {
    const char *name;     /* as printed, and for --alg */
    const char *evp_name; /* for EVP_CIPHER_fetch */
    int alg;              /* enum tern_aead_alg */
    int ccm;
};

static const struct alg_desc g_algs[] = {
    {"AES-128-GCM", "AES-128-GCM", TERN_AEAD_AES_128_GCM, 0},
    {"AES-256-GCM", "AES-256-GCM", TERN_AEAD_AES_256_GCM, 0},
    {"CHACHA20-POLY1305", "ChaCha20-Poly1305", TERN_AEAD_CHACHA20_POLY1305, 0},
    {"AES-128-CCM", "AES-128-CCM", TERN_AEAD_AES_128_CCM, 1},
    {"AES-128-CCM-8", "AES-128-CCM", TERN_AEAD_AES_128_CCM_8, 1},
};

static const size_t g_sizes[] = {64, 256, 1200, 1400};

/* The headline size gets longer rounds; the others are there for shape. */
#define MAIN_SIZE 1200

struct opts {
    int quick;
    const char *alg;  /* NULL: all */
    size_t size;      /* 0: all */
    int sides;        /* bit 0: tern, bit 1: raw */
    double round_s;   /* seconds per round at MAIN_SIZE */
    double round_s_o; /* seconds per round at other sizes */
    int rounds;
    const char *csv; /* machine-readable results (NULL: none) */
};

/* Everything one (algorithm, size) cell needs. Both sides use the same key,
 * fixed IV, plaintext and buffer offset. */
struct cell {
    const struct alg_desc *a;
    size_t size;
    size_t key_len;
    size_t iv_len;
    size_t tag_len;
    uint8_t key[TERN_AEAD_MAX_KEY_LEN];
    uint8_t iv[12];
    uint8_t pt[MAX_PT];

    /* tern */
    struct tern_rec12 tx;
    struct tern_rec12 rx;
    uint16_t epoch;
    size_t prefix;

    /* raw EVP: one context per direction, keyed once */
    EVP_CIPHER *cipher;
    EVP_CIPHER_CTX *enc;
    EVP_CIPHER_CTX *dec;
    uint64_t raw_seq;

    _Alignas(64) uint8_t buf[BUF_LEN];
    uint64_t failures;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (size_t i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (56 - 8 * i));
    }
}

/* The same nonce and additional data a DTLS 1.2 peer must build (RFC 5288
 * section 3, RFC 6655 section 3, RFC 7905 section 2; RFC 5246 section
 * 6.2.3.3): the raw side pays for them too, as any real user would. */
static void raw_nonce_aad(const struct cell *c, uint64_t seq_num, size_t len, uint8_t nonce[12],
                          uint8_t aad[13])
{
    if (c->iv_len == 4) {
        memcpy(nonce, c->iv, 4);
        put_u64(nonce + 4, seq_num);
    } else {
        memcpy(nonce, c->iv, 12);
        for (size_t i = 0; i < 8; i++) {
            nonce[4 + i] ^= (uint8_t)(seq_num >> (56 - 8 * i));
        }
    }
    put_u64(aad, seq_num);
    aad[8] = TERN_CT_APPLICATION_DATA;
    aad[9] = (uint8_t)(TERN_DTLS12_VERSION >> 8);
    aad[10] = (uint8_t)TERN_DTLS12_VERSION;
    aad[11] = (uint8_t)(len >> 8);
    aad[12] = (uint8_t)len;
}

/* Raw seal: data (len bytes) encrypted in place, tag written after it. */
static int raw_seal(struct cell *c, const uint8_t nonce[12], const uint8_t aad[13], uint8_t *data,
                    int len)
{
    int outl;
    int fin;
    if (EVP_EncryptInit_ex(c->enc, NULL, NULL, NULL, nonce) != 1) {
        return 0;
    }
    /* CCM needs the message length before the additional data. */
    if (c->a->ccm && EVP_EncryptUpdate(c->enc, NULL, &outl, NULL, len) != 1) {
        return 0;
    }
    return EVP_EncryptUpdate(c->enc, NULL, &outl, aad, 13) == 1 &&
           EVP_EncryptUpdate(c->enc, data, &outl, data, len) == 1 &&
           EVP_EncryptFinal_ex(c->enc, data + outl, &fin) == 1 &&
           EVP_CIPHER_CTX_ctrl(c->enc, EVP_CTRL_AEAD_GET_TAG, (int)c->tag_len, data + len) == 1;
}

/* Raw open: checks the tag after data and decrypts in place. */
static int raw_open(struct cell *c, const uint8_t nonce[12], const uint8_t aad[13], uint8_t *data,
                    int len)
{
    int outl;
    int fin;
    if (EVP_DecryptInit_ex(c->dec, NULL, NULL, NULL, nonce) != 1) {
        return 0;
    }
    if (c->a->ccm) {
        /* CCM verifies inside the data update, so the tag goes in first. */
        return EVP_CIPHER_CTX_ctrl(c->dec, EVP_CTRL_AEAD_SET_TAG, (int)c->tag_len, data + len) ==
                   1 &&
               EVP_DecryptUpdate(c->dec, NULL, &outl, NULL, len) == 1 &&
               EVP_DecryptUpdate(c->dec, NULL, &outl, aad, 13) == 1 &&
               EVP_DecryptUpdate(c->dec, data, &outl, data, len) == 1;
    }
    return EVP_DecryptUpdate(c->dec, NULL, &outl, aad, 13) == 1 &&
           EVP_DecryptUpdate(c->dec, data, &outl, data, len) == 1 &&
           EVP_CIPHER_CTX_ctrl(c->dec, EVP_CTRL_AEAD_SET_TAG, (int)c->tag_len, data + len) == 1 &&
           EVP_DecryptFinal_ex(c->dec, data + outl, &fin) == 1;
}

static EVP_CIPHER_CTX *raw_ctx(const struct cell *c, int enc)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        return NULL;
    }
    /* Nonce length and (CCM) tag length are fixed before the key, once. */
    int ok = EVP_CipherInit_ex(ctx, c->cipher, NULL, NULL, NULL, enc) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) == 1;
    if (ok && c->a->ccm) {
        ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)c->tag_len, NULL) == 1;
    }
    ok = ok && EVP_CipherInit_ex(ctx, NULL, NULL, c->key, NULL, enc) == 1;
    if (!ok) {
        EVP_CIPHER_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* One tern record: plaintext into place, seal, then walk the datagram and
 * open it. Returns 1 when the record came back whole. */
static int tern_one(struct cell *c)
{
    memcpy(c->buf + c->prefix, c->pt, c->size);
    ptrdiff_t n = tern_rec12_write(&c->tx, c->epoch, TERN_CT_APPLICATION_DATA, c->buf,
                                   sizeof(c->buf), c->size);
    if (n < 0) {
        return 0;
    }
    struct tern_rec_cursor it;
    struct tern_rec12_record rec;
    tern_rec12_iter_init(&it, c->buf, (size_t)n);
    return tern_rec12_next(&c->rx, &it, &rec) == TERN_REC_PLAINTEXT && rec.len == c->size;
}

/* One raw record, with the plaintext at the same buffer offset as tern's so
 * that alignment favours neither side. */
static int raw_one(struct cell *c)
{
    uint8_t nonce[12];
    uint8_t aad[13];
    uint8_t *data = c->buf + c->prefix;
    uint64_t seq_num = ((uint64_t)c->epoch << 48) | c->raw_seq++;
    memcpy(data, c->pt, c->size);
    raw_nonce_aad(c, seq_num, c->size, nonce, aad);
    return raw_seal(c, nonce, aad, data, (int)c->size) &&
           raw_open(c, nonce, aad, data, (int)c->size);
}

/* Records and seconds one side has run so far in a round. */
struct tally {
    uint64_t n;
    double t;
};

/* Runs one side for at least secs and adds to *tl. Failures are counted,
 * and the last plaintext is compared so that a side that "opens" to the
 * wrong bytes cannot go unnoticed. */
static void run(struct cell *c, int tern, double secs, struct tally *tl)
{
    uint64_t n = 0;
    uint64_t bad = 0;
    double t0 = now();
    double t;
    do {
        for (int k = 0; k < BATCH; k++) {
            bad += (uint64_t) !(tern ? tern_one(c) : raw_one(c));
        }
        n += BATCH;
        t = now();
    } while (t - t0 < secs);
    if (memcmp(c->buf + c->prefix, c->pt, c->size) != 0) {
        bad++;
    }
    c->failures += bad;
    tl->n += n;
    tl->t += t - t0;
}

static int fail(const struct cell *c, const char *what)
{
    fprintf(stderr, "bench-record: %s %zu: %s\n", c->a->name, c->size, what);
    return 0;
}

/* Before timing: tern's first record must be byte for byte what the raw code
 * produces for the same nonce and additional data (so both sides do the same
 * work), it must open, a tampered record must be dropped as a forgery, and a
 * replayed one as a replay. Sequence numbers 0 and 1 are used up here. */
static int cross_check(struct cell *c)
{
    uint8_t ref[BUF_LEN];
    uint8_t copy[BUF_LEN];
    memcpy(c->buf + c->prefix, c->pt, c->size);
    ptrdiff_t n = tern_rec12_write(&c->tx, c->epoch, TERN_CT_APPLICATION_DATA, c->buf,
                                   sizeof(c->buf), c->size);
    if (n != (ptrdiff_t)(c->prefix + c->size + c->tag_len)) {
        return fail(c, "tern_rec12_write failed or has an unexpected length");
    }
    memcpy(copy, c->buf, (size_t)n);

    uint8_t nonce[12];
    uint8_t aad[13];
    uint64_t seq_num = (uint64_t)c->epoch << 48;
    memcpy(ref, c->pt, c->size);
    raw_nonce_aad(c, seq_num, c->size, nonce, aad);
    if (!raw_seal(c, nonce, aad, ref, (int)c->size)) {
        return fail(c, "raw seal failed");
    }
    if (memcmp(ref, c->buf + c->prefix, c->size + c->tag_len) != 0) {
        return fail(c, "tern and raw ciphertexts differ");
    }
    if (!raw_open(c, nonce, aad, ref, (int)c->size) || memcmp(ref, c->pt, c->size) != 0) {
        return fail(c, "raw open failed");
    }

    struct tern_rec_cursor it;
    struct tern_rec12_record rec;
    tern_rec12_iter_init(&it, c->buf, (size_t)n);
    if (tern_rec12_next(&c->rx, &it, &rec) != TERN_REC_PLAINTEXT || rec.len != c->size ||
        memcmp(rec.data, c->pt, c->size) != 0) {
        return fail(c, "tern open failed");
    }

    tern_rec12_iter_init(&it, copy, (size_t)n);
    if (tern_rec12_next(&c->rx, &it, &rec) != TERN_REC_END || c->rx.drops[TERN_DROP_REPLAY] != 1) {
        return fail(c, "a replayed record was not dropped");
    }

    memcpy(c->buf + c->prefix, c->pt, c->size);
    n = tern_rec12_write(&c->tx, c->epoch, TERN_CT_APPLICATION_DATA, c->buf, sizeof(c->buf),
                         c->size);
    if (n < 0) {
        return fail(c, "tern_rec12_write failed");
    }
    c->buf[c->prefix] ^= 1;
    tern_rec12_iter_init(&it, c->buf, (size_t)n);
    if (tern_rec12_next(&c->rx, &it, &rec) != TERN_REC_END || c->rx.drops[TERN_DROP_AUTH] != 1) {
        return fail(c, "a forged record was not dropped");
    }
    return 1;
}

static int cell_init(struct cell *c, const struct alg_desc *a, size_t size)
{
    memset(c, 0, sizeof(*c));
    c->a = a;
    c->size = size;
    c->key_len = tern_aead_key_len(a->alg);
    c->tag_len = tern_aead_tag_len(a->alg);
    c->iv_len = tern_rec_cipher_iv_len(a->alg);
    /* Fixed, arbitrary bytes: the rate does not depend on them. */
    for (size_t i = 0; i < sizeof(c->key); i++) {
        c->key[i] = (uint8_t)(0x11 * i + 3);
    }
    for (size_t i = 0; i < sizeof(c->iv); i++) {
        c->iv[i] = (uint8_t)(0xa5 ^ i);
    }
    for (size_t i = 0; i < sizeof(c->pt); i++) {
        c->pt[i] = (uint8_t)(i * 7);
    }

    tern_rec12_init(&c->tx, TERN_DTLS12_VERSION);
    tern_rec12_init(&c->rx, TERN_DTLS12_VERSION);
    size_t suffix;
    if (tern_rec12_set_tx_keys(&c->tx, a->alg, c->key, c->key_len, c->iv, c->iv_len) != TERN_OK ||
        tern_rec12_set_rx_keys(&c->rx, a->alg, c->key, c->key_len, c->iv, c->iv_len) != TERN_OK) {
        return fail(c, "tern key setup failed");
    }
    c->epoch = tern_rec12_tx_epoch(&c->tx);
    if (tern_rec12_layout(&c->tx, c->epoch, &c->prefix, &suffix) != TERN_OK ||
        suffix != c->tag_len) {
        return fail(c, "tern_rec12_layout failed");
    }

    c->cipher = EVP_CIPHER_fetch(NULL, a->evp_name, NULL);
    if (c->cipher == NULL) {
        return fail(c, "EVP_CIPHER_fetch failed");
    }
    c->enc = raw_ctx(c, 1);
    c->dec = raw_ctx(c, 0);
    if (c->enc == NULL || c->dec == NULL) {
        return fail(c, "raw EVP key setup failed");
    }
    /* Sequence numbers 0 and 1 are taken by cross_check(); the raw side
     * starts past them as the tern sender does, though only tern cares. */
    c->raw_seq = 2;
    return cross_check(c);
}

static void cell_clear(struct cell *c)
{
    tern_rec12_clear(&c->tx);
    tern_rec12_clear(&c->rx);
    EVP_CIPHER_CTX_free(c->enc);
    EVP_CIPHER_CTX_free(c->dec);
    EVP_CIPHER_free(c->cipher);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

static double best(const double *v, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++) {
        m = v[i] > m ? v[i] : m;
    }
    return m;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Measures one cell and prints its row. Returns 0 on a correctness failure. */
static int bench_cell(struct cell *c, const struct opts *o)
{
    double secs = c->size == MAIN_SIZE ? o->round_s : o->round_s_o;
    double tern_r[MAX_ROUNDS];
    double raw_r[MAX_ROUNDS];
    int do_tern = o->sides & 1;
    int do_raw = o->sides & 2;

    /* Warm caches, branch predictors and the CPU clock for both sides. */
    struct tally warm = {0, 0};
    for (int side = 1; side >= 0; side--) {
        if (o->sides & (side ? 1 : 2)) {
            run(c, side, secs / 4, &warm);
        }
    }
    for (int i = 0; i < o->rounds; i++) {
        /* A round is SLICES short turns per side, alternating (and
         * alternating who goes first), so that both sides of one round see
         * the same clock speed and the same neighbours on the machine. */
        struct tally tt = {0, 0};
        struct tally rt = {0, 0};
        for (int k = 0; k < SLICES; k++) {
            int tern_first = (i + k) % 2 == 0;
            if (do_tern && tern_first) {
                run(c, 1, secs / SLICES, &tt);
            }
            if (do_raw) {
                run(c, 0, secs / SLICES, &rt);
            }
            if (do_tern && !tern_first) {
                run(c, 1, secs / SLICES, &tt);
            }
        }
        tern_r[i] = tt.t > 0 ? (double)tt.n / tt.t : 0;
        raw_r[i] = rt.t > 0 ? (double)rt.n / rt.t : 0;
    }
    uint64_t drops = 0;
    for (size_t i = 0; i < TERN_DROP_REASONS; i++) {
        drops += c->rx.drops[i];
    }
    /* cross_check() caused exactly one replay and one auth drop; any other
     * drop is a record the timed loop failed to open. */
    if (c->failures != 0 || drops != 2) {
        fprintf(stderr, "bench-record: %s %zu: %llu failed records, %llu drops (2 expected)\n",
                c->a->name, c->size, (unsigned long long)c->failures, (unsigned long long)drops);
        return 0;
    }

    double ratios[MAX_ROUNDS];
    for (int i = 0; i < o->rounds; i++) {
        ratios[i] = raw_r[i] > 0 ? tern_r[i] / raw_r[i] : 0;
    }
    double tb = best(tern_r, o->rounds);
    double rb = best(raw_r, o->rounds);
    double mb = (double)c->size / 1e6;
    double med = median(ratios, o->rounds);
    printf("%-18s %5zu %12.0f %12.0f %7.3f %7.3f %9.1f %9.1f\n", c->a->name, c->size, tb, rb,
           rb > 0 ? tb / rb : 0, med, tb * mb, rb * mb);
    if (do_tern) {
        bench_csv("rate", c->a->name, "tern", (double)c->size, tb, "records sealed+opened/s");
    }
    if (do_raw) {
        bench_csv("rate", c->a->name, "raw EVP", (double)c->size, rb, "records sealed+opened/s");
    }
    if (do_tern && do_raw && rb > 0) {
        bench_csv("ratio", c->a->name, "tern/raw EVP", (double)c->size, tb / rb, "best rounds");
        bench_csv("ratio_median", c->a->name, "tern/raw EVP", (double)c->size, med,
                  "median of per-round ratios");
    }
    fflush(stdout);
    return 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench-record [--quick] [--alg NAME] [--size N] [--only tern|raw] "
                    "[--csv FILE]\n");
    return 2;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){0, NULL, 0, 3, 0.1, 0.03, 11, NULL};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--quick") == 0) {
            o->quick = 1;
            o->round_s = 0.01;
            o->round_s_o = 0.005;
            o->rounds = 2;
        } else if (strcmp(arg, "--csv") == 0 && val != NULL) {
            o->csv = val;
            i++;
        } else if (strcmp(arg, "--alg") == 0 && val != NULL) {
            o->alg = val;
            i++;
        } else if (strcmp(arg, "--size") == 0 && val != NULL) {
            char *end;
            unsigned long v = strtoul(val, &end, 10);
            if (*end != '\0' || v == 0 || v > MAX_PT) {
                return 0;
            }
            o->size = (size_t)v;
            i++;
        } else if (strcmp(arg, "--only") == 0 && val != NULL) {
            if (strcmp(val, "tern") == 0) {
                o->sides = 1;
            } else if (strcmp(val, "raw") == 0) {
                o->sides = 2;
            } else {
                return 0;
            }
            i++;
        } else {
            return 0;
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    struct opts o;
    if (!parse_args(argc, argv, &o)) {
        return usage();
    }
    /* One (explicit) size runs at the headline round length. */
    const size_t *sizes = g_sizes;
    size_t n_sizes = sizeof(g_sizes) / sizeof(g_sizes[0]);
    if (o.size != 0) {
        sizes = &o.size;
        n_sizes = 1;
        o.round_s_o = o.round_s;
    }

    if (!bench_csv_open(o.csv, "record")) {
        return 1;
    }
    printf("DTLS 1.2 record seal+open: tern vs raw libcrypto EVP (%s)\n",
           OpenSSL_version(OPENSSL_VERSION));
    printf("%d rounds of %d alternating turns per side. rec/s: records sealed and opened per "
           "second, best round;\nratio: tern/raw of the best rounds; med: median of the "
           "per-round ratios; MB/s: plaintext through seal+open%s\n\n",
           o.rounds, SLICES, o.quick ? " (--quick: numbers are meaningless)" : "");
    printf("%-18s %5s %12s %12s %7s %7s %9s %9s\n", "algorithm", "size", "tern rec/s", "raw rec/s",
           "ratio", "med", "tern MB/s", "raw MB/s");

    int ok = 1;
    int matched = 0;
    static struct cell c;
    for (size_t i = 0; i < sizeof(g_algs) / sizeof(g_algs[0]); i++) {
        if (o.alg != NULL && strcmp(o.alg, g_algs[i].name) != 0) {
            continue;
        }
        matched = 1;
        for (size_t j = 0; j < n_sizes; j++) {
            int cell_ok = cell_init(&c, &g_algs[i], sizes[j]) && bench_cell(&c, &o);
            cell_clear(&c);
            ok = ok && cell_ok;
        }
    }
    if (!matched) {
        fprintf(stderr, "bench-record: unknown algorithm %s\n", o.alg);
        return usage();
    }
    bench_csv_close();
    if (!ok) {
        fprintf(stderr, "bench-record: CORRECTNESS FAILURE\n");
        return 1;
    }
    return 0;
}
