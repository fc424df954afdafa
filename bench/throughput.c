/* Record benchmark through the whole engine: application records per
 * second by payload size, each protected by an established client and
 * opened by its server, for tern (tern_conn_write, tern_conn_receive),
 * OpenSSL's libssl (SSL_write, SSL_read over memory BIOs) and GnuTLS
 * (gnutls_record_send, gnutls_record_recv over datagram queues), measured
 * in the same run with the same suite, key and payload.
 *
 * What a record costs here is everything an application pays per record
 * beyond its socket: building the header, the nonce and the additional
 * data, the AEAD in both directions, parsing the datagram, the replay
 * window, and moving the bytes in and out of the library (tern writes
 * into the caller's buffer and decrypts in place; libssl copies through
 * its BIOs and into the caller's buffer; GnuTLS through its push and pull
 * functions). bench-record measures tern's record layer alone against raw
 * EVP calls.
 *
 * Pairs come from full handshakes (handshake_*.c) with the MTU raised to
 * 1500, so that a 1400-byte payload is one record in one datagram. Before
 * timing, every pair carries a record of each size that is compared byte
 * for byte; during timing, every record must arrive whole (its length is
 * checked).
 *
 * Measuring discipline as in the other benchmarks: rounds of short turns,
 * all implementations in each round in a rotating order; the best round
 * of each is compared and the median of the per-round ratios is printed
 * beside it as a noise check. Only ratios mean anything.
 *
 *   bench-throughput                full run (about 70 s)
 *   bench-throughput --quick        a second: builds, runs, checks correctness
 *   bench-throughput --suite gcm|chacha|ccm8 --size N --only tern|openssl|gnutls
 *   bench-throughput --csv FILE     also writes the figures as CSV rows
 *
 * Exits non-zero only when a record fails to arrive, never because of a
 * ratio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handshake.h"

#define N_IMPLS    3
#define MAX_ROUNDS 15
/* Records per clock read. */
#define BATCH 16

static const struct hs_impl *const g_impls[N_IMPLS] = {&hs_tern_impl, &hs_openssl_impl,
                                                       &hs_gnutls_impl};

/* The suites, by the AEAD they put to work: AES-GCM and ChaCha20-Poly1305
 * (the most common), and CCM_8 (CoAP's). The ChaCha20 suite is the ECDHE
 * one; its records are the same as a plain PSK suite's would be. */
static const struct {
    const char *arg;
    const char *suite;
} g_suites[] = {
    {"gcm", "psk-gcm"},
    {"chacha", "ecdhe"},
    {"ccm8", "psk"},
};
#define N_SUITES (sizeof(g_suites) / sizeof(g_suites[0]))

static const size_t g_sizes[] = {64, 128, 256, 512, 1024, 1200, 1400};
#define N_SIZES  (sizeof(g_sizes) / sizeof(g_sizes[0]))
#define MAX_SIZE 1400

struct opts {
    const char *suite; /* NULL: all */
    size_t size;       /* 0: all */
    int impls;         /* bit k: g_impls[k] runs */
    int rounds;
    int slices;     /* turns per implementation per round */
    double round_s; /* seconds per implementation per round */
    const char *csv;
};

static uint8_t g_payload[MAX_SIZE];

/* Sends records of len bytes through one pair for at least secs; adds the
 * count and the time. Returns 0 when one does not arrive. */
static int run(const struct hs_impl *impl, void *pair, size_t len, double secs, uint64_t *n,
               double *t)
{
    double t0 = bench_now();
    double t1;
    uint64_t k = 0;
    do {
        for (int i = 0; i < BATCH; i++) {
            if (!impl->pair_send(pair, g_payload, len, 0)) {
                fprintf(stderr, "bench-throughput: %s: record %llu of %zu bytes lost\n", impl->name,
                        (unsigned long long)(*n + k), len);
                return 0;
            }
            k++;
        }
        t1 = bench_now();
    } while (t1 - t0 < secs);
    *n += k;
    *t += t1 - t0;
    return 1;
}

/* Measures one payload size on the open pairs and prints its row. */
static int bench_size(const struct hs_suite *s, void *const *pairs, size_t len,
                      const struct opts *o)
{
    double rate[MAX_ROUNDS][N_IMPLS] = {{0}};
    double turn = o->round_s / o->slices;
    int ok = 1;
    for (int k = 0; ok && k < N_IMPLS; k++) {
        uint64_t n = 0;
        double t = 0;
        /* Checked records first, then a warming turn. */
        ok = !(o->impls >> k & 1) || (g_impls[k]->pair_send(pairs[k], g_payload, len, 1) &&
                                      g_impls[k]->pair_send(pairs[k], g_payload + 1, len - 1, 1) &&
                                      run(g_impls[k], pairs[k], len, turn, &n, &t));
        if (!ok) {
            fprintf(stderr, "bench-throughput: %s: %zu-byte records do not arrive intact\n",
                    g_impls[k]->name, len);
        }
    }
    for (int i = 0; ok && i < o->rounds; i++) {
        uint64_t n[N_IMPLS] = {0};
        double t[N_IMPLS] = {0};
        for (int j = 0; ok && j < o->slices; j++) {
            for (int m = 0; ok && m < N_IMPLS; m++) {
                int k = (i + j + m) % N_IMPLS;
                ok = !(o->impls >> k & 1) || run(g_impls[k], pairs[k], len, turn, &n[k], &t[k]);
            }
        }
        for (int k = 0; k < N_IMPLS; k++) {
            rate[i][k] = t[k] > 0 ? (double)n[k] / t[k] : 0;
        }
    }
    if (!ok) {
        return 0;
    }
    double top[N_IMPLS];
    double med[N_IMPLS] = {0};
    for (int k = 0; k < N_IMPLS; k++) {
        double v[MAX_ROUNDS];
        double r[MAX_ROUNDS];
        for (int i = 0; i < o->rounds; i++) {
            v[i] = rate[i][k];
            r[i] = rate[i][k] > 0 ? rate[i][0] / rate[i][k] : 0;
        }
        top[k] = bench_best(v, o->rounds);
        med[k] = bench_median(r, o->rounds);
    }
    char cell[N_IMPLS][16];
    char ratio[N_IMPLS][16];
    for (int k = 0; k < N_IMPLS; k++) {
        snprintf(cell[k], sizeof(cell[k]), top[k] > 0 ? "%.0f" : "-", top[k]);
        snprintf(ratio[k], sizeof(ratio[k]), top[k] > 0 && top[0] > 0 ? "%.2f (%.2f)" : "-",
                 top[0] / top[k], med[k]);
        if (top[k] > 0) {
            bench_csv("rate", s->name, g_impls[k]->name, (double)len, top[k],
                      "records/s, best round");
        }
        if (k > 0 && top[k] > 0 && top[0] > 0) {
            char who[32];
            snprintf(who, sizeof(who), "tern/%s", g_impls[k]->name);
            bench_csv("ratio", s->name, who, (double)len, top[0] / top[k], "best rounds");
            bench_csv("ratio_median", s->name, who, (double)len, med[k],
                      "median of per-round ratios");
        }
    }
    printf("%-44s %5zu %10s %10s %10s %13s %13s %8.0f\n", s->name, len, cell[0], cell[1], cell[2],
           ratio[1], ratio[2], top[0] * (double)len * 8e-6);
    fflush(stdout);
    return 1;
}

static int bench_one_suite(const struct hs_suite *s, const struct opts *o)
{
    void *st[N_IMPLS] = {NULL, NULL, NULL};
    void *pairs[N_IMPLS] = {NULL, NULL, NULL};
    int ok = 1;
    for (int k = 0; ok && k < N_IMPLS; k++) {
        if (o->impls >> k & 1) {
            st[k] = g_impls[k]->setup(s);
            pairs[k] = st[k] != NULL ? g_impls[k]->pair_open(st[k]) : NULL;
            ok = pairs[k] != NULL;
        }
    }
    int listed = 0;
    for (size_t i = 0; ok && i < N_SIZES; i++) {
        if (o->size == 0 || o->size == g_sizes[i]) {
            ok = bench_size(s, pairs, g_sizes[i], o);
            listed = 1;
        }
    }
    if (ok && !listed) {
        ok = bench_size(s, pairs, o->size, o);
    }
    for (int k = 0; k < N_IMPLS; k++) {
        if (pairs[k] != NULL) {
            g_impls[k]->pair_close(pairs[k]);
        }
        if (st[k] != NULL) {
            g_impls[k]->teardown(st[k]);
        }
    }
    return ok;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench-throughput [--quick] [--suite gcm|chacha|ccm8] [--size N] "
                    "[--only tern|openssl|gnutls] [--csv FILE]\n");
    return 2;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){NULL, 0, 7, 7, 5, 0.3, NULL};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--quick") == 0) {
            o->rounds = 2;
            o->slices = 2;
            o->round_s = 0.01;
        } else if (strcmp(arg, "--suite") == 0 && val != NULL) {
            o->suite = val;
            i++;
        } else if (strcmp(arg, "--size") == 0 && val != NULL) {
            char *end;
            unsigned long v = strtoul(val, &end, 10);
            if (*end != '\0' || v < 2 || v > MAX_SIZE) {
                return 0;
            }
            o->size = (size_t)v;
            i++;
        } else if (strcmp(arg, "--only") == 0 && val != NULL) {
            int found = 0;
            for (int k = 0; k < N_IMPLS; k++) {
                if (strcasecmp(val, g_impls[k]->name) == 0) {
                    o->impls = 1 << k;
                    found = 1;
                }
            }
            if (!found) {
                return 0;
            }
            i++;
        } else if (strcmp(arg, "--csv") == 0 && val != NULL) {
            o->csv = val;
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
    int matched = 0;
    for (size_t i = 0; i < N_SUITES; i++) {
        matched |= o.suite == NULL || strcmp(o.suite, g_suites[i].arg) == 0;
    }
    if (!matched) {
        return usage();
    }
    for (size_t i = 0; i < sizeof(g_payload); i++) {
        g_payload[i] = (uint8_t)(i * 13 + 7);
    }
    if (!bench_csv_open(o.csv, "throughput")) {
        return 1;
    }
    bench_csv_meta("version", "GnuTLS", hs_gnutls_version());
    printf("application records per second through the whole engine: one record from an\n"
           "established client to its server per step (protect, datagram, parse, open),\n"
           "in memory, MTU %d; best of %d rounds\n",
           HS_TPUT_MTU, o.rounds);
    printf("%-44s %5s %10s %10s %10s %13s %13s %8s\n", "suite", "bytes", "tern", "OpenSSL",
           "GnuTLS", "tern/OpenSSL", "tern/GnuTLS", "tern Mb/s");
    int ok = 1;
    for (size_t i = 0; ok && i < N_SUITES; i++) {
        if (o.suite == NULL || strcmp(o.suite, g_suites[i].arg) == 0) {
            ok = bench_one_suite(bench_find_suite(g_suites[i].suite), &o);
        }
    }
    if (ok) {
        printf("ratios: best rounds (median of per-round ratios); tern Mb/s: payload bits\n");
    }
    bench_csv_close();
    if (!ok) {
        fprintf(stderr, "bench-throughput: CORRECTNESS FAILURE\n");
        return 1;
    }
    return 0;
}
