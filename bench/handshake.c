/* Handshake benchmark: full DTLS 1.2 handshakes per second, client and
 * server in one process over an in-memory link, for tern, OpenSSL's libssl
 * and GnuTLS, measured in the same run; then the heap one server connection
 * holds in mid-handshake, just after the handshake and once established.
 *
 * Every implementation works under the same conditions: a fresh client and
 * server per handshake, pre-shared key from a callback or credentials made
 * once, no cookie exchange, no session resumption, extended master secret,
 * an MTU that fragments nothing. Each handshake is checked to have
 * completed on both sides; once per suite and implementation the version,
 * suite, extended master secret and group are checked and application data
 * crosses both ways.
 *
 * Only ratios mean anything: absolute rates depend on the machine. Each
 * round gives every implementation the same number of short turns, in an
 * order that rotates, so that frequency drift and neighbours on the machine
 * hit all alike; the best round of each is compared, and the median of the
 * per-round ratios is printed beside it as a check on noise.
 *
 * Heap is measured by replacing malloc and friends in this executable
 * (handshake_heap.c; libcrypto, libssl and GnuTLS allocate through them
 * too) while N server connections are brought to a stage and their clients
 * freed. Each implementation lives in its own file (handshake_tern.c,
 * handshake_openssl.c, handshake_gnutls.c) behind struct hs_impl.
 *
 *   bench-handshake            full run (about 30 s)
 *   bench-handshake --quick    a second or two: builds, runs, checks correctness
 *   bench-handshake --suite psk|ecdhe --only tern|openssl|gnutls [--no-heap]
 *                              one suite or one implementation (for perf record)
 *   bench-handshake --count N  N handshakes each, untimed (for valgrind --tool=callgrind)
 *
 * Exits non-zero only when a handshake fails or a check does not hold,
 * never because of a ratio or a heap figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "handshake.h"

/* Targets from the issue, printed beside the figures (never asserted). */
#define TARGET_RATIO 1.5

#define MAX_ROUNDS 15
#define N_IMPLS    3

const uint8_t hs_psk_key[HS_PSK_KEY_LEN] = {0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
                                            0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0};

/* The GnuTLS priority strings start from NONE and name every part, so
 * nothing else is offered; CCM_8 is not in GnuTLS's NORMAL set. OpenSSL's
 * cipher lists name one suite each. */
static const struct hs_suite g_suites[] = {
    {"TLS_PSK_WITH_AES_128_CCM_8", "psk", 0xc0a8, 0, "PSK-AES128-CCM8",
     "NONE:+VERS-DTLS1.2:+PSK:+AES-128-CCM-8:+AEAD:+COMP-NULL:+SIGN-ALL"},
    {"TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "ecdhe", 0xccac, 1,
     "ECDHE-PSK-CHACHA20-POLY1305",
     "NONE:+VERS-DTLS1.2:+ECDHE-PSK:+CHACHA20-POLY1305:+AEAD:+COMP-NULL:+GROUP-X25519:+SIGN-ALL"},
};

static const struct hs_impl *const g_impls[N_IMPLS] = {&hs_tern_impl, &hs_openssl_impl,
                                                       &hs_gnutls_impl};

struct opts {
    const char *suite; /* NULL: all */
    int impls;         /* bit i: g_impls[i] runs */
    int heap;
    int rounds;
    int slices;     /* turns per implementation per round */
    double round_s; /* seconds per implementation per round */
    size_t heap_n;  /* connections held per heap measurement */
    long count;     /* > 0: only this many handshakes each, untimed (for callgrind) */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct tally {
    uint64_t n;
    double t;
};

/* Runs handshakes of one implementation for at least secs. Returns 0 as
 * soon as one fails. */
static int run(const struct hs_impl *impl, void *st, double secs, struct tally *tl)
{
    uint64_t n = 0;
    double t0 = now();
    double t;
    do {
        if (!impl->handshake(st, 0)) {
            fprintf(stderr, "bench-handshake: %s: handshake %llu failed\n", impl->name,
                    (unsigned long long)(tl->n + n));
            return 0;
        }
        n++;
        t = now();
    } while (t - t0 < secs);
    tl->n += n;
    tl->t += t - t0;
    return 1;
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

static double faster_peer(const double *v)
{
    return v[1] > v[2] ? v[1] : v[2];
}

/* Times every selected implementation on one suite and prints its row.
 * Returns 0 on a failed handshake. */
static int bench_rate(const struct hs_suite *s, void *const *st, const struct opts *o)
{
    double rate[MAX_ROUNDS][N_IMPLS] = {{0}};
    double turn = o->round_s / o->slices;
    /* Warm caches, lazy library initialisation and the CPU clock for all. */
    for (int k = 0; k < N_IMPLS; k++) {
        struct tally warm = {0, 0};
        if ((o->impls >> k & 1) && !run(g_impls[k], st[k], turn, &warm)) {
            return 0;
        }
    }
    for (int i = 0; i < o->rounds; i++) {
        struct tally tl[N_IMPLS] = {{0, 0}};
        for (int j = 0; j < o->slices; j++) {
            for (int m = 0; m < N_IMPLS; m++) {
                /* The order rotates every turn, so no one always goes first. */
                int k = (i + j + m) % N_IMPLS;
                if ((o->impls >> k & 1) && !run(g_impls[k], st[k], turn, &tl[k])) {
                    return 0;
                }
            }
        }
        for (int k = 0; k < N_IMPLS; k++) {
            rate[i][k] = tl[k].t > 0 ? (double)tl[k].n / tl[k].t : 0;
        }
    }
    double top[N_IMPLS];
    for (int k = 0; k < N_IMPLS; k++) {
        double v[MAX_ROUNDS];
        for (int i = 0; i < o->rounds; i++) {
            v[i] = rate[i][k];
        }
        top[k] = best(v, o->rounds);
    }
    double ratios[MAX_ROUNDS];
    for (int i = 0; i < o->rounds; i++) {
        double peer = faster_peer(rate[i]);
        ratios[i] = peer > 0 ? rate[i][0] / peer : 0;
    }
    double peer = faster_peer(top);
    char cell[N_IMPLS][16];
    for (int k = 0; k < N_IMPLS; k++) {
        snprintf(cell[k], sizeof(cell[k]), (o->impls >> k & 1) ? "%.0f" : "-", top[k]);
    }
    printf("%-44s %9s %9s %9s %7.2f %7.2f\n", s->name, cell[0], cell[1], cell[2],
           peer > 0 ? top[0] / peer : 0, median(ratios, o->rounds));
    fflush(stdout);
    return 1;
}

/* Runs o->count handshakes of each selected implementation, untimed: a
 * fixed amount of work for an instruction-count profile. */
static int bench_count(void *const *st, const struct opts *o)
{
    for (int k = 0; k < N_IMPLS; k++) {
        for (long i = 0; (o->impls >> k & 1) && i < o->count; i++) {
            if (!g_impls[k]->handshake(st[k], 0)) {
                return 0;
            }
        }
    }
    return 1;
}

/* Brings n server connections of one implementation to stage, counting the
 * heap they hold (clients freed). Returns 0 on a failure. */
static int heap_held(const struct hs_impl *impl, void *st, enum hs_stage stage, size_t n,
                     void **held, struct hs_heap_count *out)
{
    /* A few first: one-time library state (caches, per-thread pools) is
     * then in place and not charged to the connections. */
    for (int i = 0; i < 4; i++) {
        void *srv = impl->hold(st, stage);
        if (srv == NULL) {
            return 0;
        }
        impl->release(st, srv);
    }
    size_t made = 0;
    hs_heap_start();
    while (made < n && (held[made] = impl->hold(st, stage)) != NULL) {
        made++;
    }
    *out = hs_heap_stop();
    for (size_t i = 0; i < made; i++) {
        impl->release(st, held[i]);
    }
    if (made < n) {
        fprintf(stderr, "bench-handshake: %s: could not hold connection %zu\n", impl->name, made);
        return 0;
    }
    return 1;
}

/* Prints the heap rows of one suite: per server connection at each stage,
 * for every selected implementation. Returns 0 on a failure. */
static int bench_heap(const struct hs_suite *s, void *const *st, const struct opts *o)
{
    static const char *const stage_name[HS_STAGES] = {"mid-handshake", "just done", "established"};
    static const char *const target[HS_STAGES] = {"<= 8192", "-", "<= 2048"};
    void **held = calloc(o->heap_n, sizeof(*held));
    if (held == NULL) {
        return 0;
    }
    int ok = 1;
    for (int stage = 0; ok && stage < HS_STAGES; stage++) {
        char cell[N_IMPLS][32];
        for (int k = 0; k < N_IMPLS && ok; k++) {
            struct hs_heap_count h = {0, 0};
            strcpy(cell[k], "-");
            if (!(o->impls >> k & 1)) {
                continue;
            }
            ok = heap_held(g_impls[k], st[k], (enum hs_stage)stage, o->heap_n, held, &h);
            double nn = (double)o->heap_n;
            snprintf(cell[k], sizeof(cell[k]), "%.0f (%.1f)", (double)h.bytes / nn,
                     (double)h.blocks / nn);
        }
        if (ok) {
            printf("%-44s %-13s %15s %15s %15s  %s\n", stage == 0 ? s->name : "", stage_name[stage],
                   cell[0], cell[1], cell[2], target[stage]);
        }
    }
    fflush(stdout);
    free(held);
    return ok;
}

/* What the ECDHE_PSK row cannot beat: tern's four X25519 operations per
 * pair are libcrypto's, whatever tern does around them. */
static void print_x25519_floor(const struct opts *o)
{
    if (o->suite != NULL && strcmp(o->suite, "ecdhe") != 0) {
        return;
    }
    double us = hs_x25519_us(o->rounds, o->round_s / o->slices);
    if (us > 0) {
        printf("X25519 in libcrypto: %.1f us per scalar multiplication; the 4 of an ECDHE_PSK\n"
               "pair alone allow at most %.0f hs/s\n",
               us, 1e6 / (4 * us));
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: bench-handshake [--quick] [--suite psk|ecdhe] "
                    "[--only tern|openssl|gnutls] [--no-heap] [--count N]\n");
    return 2;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){NULL, 7, HS_HEAP_COUNTED, 7, 5, 0.5, 1000, 0};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--quick") == 0) {
            o->rounds = 2;
            o->slices = 2;
            o->round_s = 0.04;
            o->heap_n = 20;
        } else if (strcmp(arg, "--count") == 0 && val != NULL) {
            char *end;
            o->count = strtol(val, &end, 10);
            if (*end != '\0' || o->count <= 0) {
                return 0;
            }
            o->heap = 0;
            i++;
        } else if (strcmp(arg, "--no-heap") == 0) {
            o->heap = 0;
        } else if (strcmp(arg, "--suite") == 0 && val != NULL) {
            o->suite = val;
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
        } else {
            return 0;
        }
    }
    return 1;
}

/* Sets up every selected implementation for s, proves each one right once,
 * and runs what is asked. */
static int bench_suite(const struct hs_suite *s, const struct opts *o, int heap)
{
    void *st[N_IMPLS] = {NULL, NULL, NULL};
    int ok = 1;
    for (int k = 0; k < N_IMPLS && ok; k++) {
        if (o->impls >> k & 1) {
            st[k] = g_impls[k]->setup(s);
            ok = st[k] != NULL && g_impls[k]->handshake(st[k], 1);
            if (!ok) {
                fprintf(stderr, "bench-handshake: %s: %s: check failed\n", g_impls[k]->name,
                        s->name);
            }
        }
    }
    if (ok) {
        ok = heap ? bench_heap(s, st, o) : o->count > 0 ? bench_count(st, o) : bench_rate(s, st, o);
    }
    for (int k = 0; k < N_IMPLS; k++) {
        if (st[k] != NULL) {
            g_impls[k]->teardown(st[k]);
        }
    }
    return ok;
}

int main(int argc, char **argv)
{
    struct opts o;
    if (!parse_args(argc, argv, &o)) {
        return usage();
    }
    size_t n_suites = sizeof(g_suites) / sizeof(g_suites[0]);
    int matched = 0;
    for (size_t i = 0; i < n_suites; i++) {
        matched |= o.suite == NULL || strcmp(o.suite, g_suites[i].arg) == 0;
    }
    if (!matched) {
        return usage();
    }
    printf("full DTLS 1.2 handshakes per second (client + server in one process, in memory;\n"
           "fresh pair each, no cookies, no resumption, EMS, MTU %d; best of %d rounds)\n",
           HS_MTU, o.rounds);
    printf("%-44s %9s %9s %9s %7s %7s\n", "suite", "tern", "OpenSSL", "GnuTLS", "tern/x", "median");
    int ok = 1;
    for (size_t i = 0; i < n_suites && ok; i++) {
        if (o.suite == NULL || strcmp(o.suite, g_suites[i].arg) == 0) {
            ok = bench_suite(&g_suites[i], &o, 0);
        }
    }
    if (ok && o.count == 0) {
        printf("tern/x: tern over the faster of OpenSSL and GnuTLS (target >= %.1f)\n",
               TARGET_RATIO);
        print_x25519_floor(&o);
        printf("\n");
    }
    if (ok && !HS_HEAP_COUNTED) {
        printf("heap: not measured under ASan\n");
    } else if (ok && o.heap) {
        printf("heap held per server connection, client freed: bytes (blocks), malloc chunks\n"
               "incl. libcrypto, mean of %zu connections\n",
               o.heap_n);
        printf("%-44s %-13s %15s %15s %15s  %s\n", "suite", "stage", "tern", "OpenSSL", "GnuTLS",
               "tern target");
        for (size_t i = 0; i < n_suites && ok; i++) {
            if (o.suite == NULL || strcmp(o.suite, g_suites[i].arg) == 0) {
                ok = bench_suite(&g_suites[i], &o, 1);
            }
        }
    }
    if (!ok) {
        fprintf(stderr, "bench-handshake: CORRECTNESS FAILURE\n");
        return 1;
    }
    return 0;
}
