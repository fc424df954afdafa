/* Handshake benchmark: full DTLS 1.2 handshakes per second, client and
 * server in one process over an in-memory link, for tern, OpenSSL's libssl
 * and GnuTLS, measured in the same run; for the certificate suite also the
 * server's own time per handshake against its crypto floor; then the heap
 * one server connection holds in mid-handshake, just after the handshake
 * and once established (PSK suites).
 *
 * Every implementation works under the same conditions: a fresh client and
 * server per handshake, pre-shared key from a callback or credentials made
 * once, no cookie exchange, no session resumption, extended master secret,
 * an MTU that fragments nothing, one ECDHE group (HS_GROUP_NAME). In the
 * certificate suite (ECDHE_ECDSA) the server sends the test PKI's ECDSA
 * P-256 leaf and signs with SHA-256, and the client verifies the chain
 * against the test root and the name HS_HOST, fatally. The PKI is made at
 * start by tests/pki/make_pki.sh in a temporary directory
 * (handshake_pki.c). Each handshake is checked to have completed on both
 * sides; once per suite and implementation the version, suite, extended
 * master secret and group are checked, application data crosses both
 * ways, and (certificates) the client is seen to have verified the chain
 * and to refuse the same server under another name.
 *
 * The server's CPU time is what its own calls take (creating it, reading
 * datagrams, writing them, advancing its handshake, freeing it), measured
 * during the timed rounds on the thread CPU clock, so that time lost to
 * other processes on a busy machine is not counted; what the clock reads
 * themselves cost is measured at start and subtracted. Its floor is
 * libcrypto's CPU time for the server's share of the cryptography, one
 * ECDSA signature, one key generation and one shared secret, measured
 * directly (handshake_floor.c) in turns among the handshakes' turns, so
 * that a neighbour on the same core, which slows CPU time too, weighs on
 * both alike.
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
 *   bench-handshake            full run (about 40 s)
 *   bench-handshake --quick    a second or two: builds, runs, checks correctness
 *   bench-handshake --suite psk|ecdhe|ecdsa --only tern|openssl|gnutls [--no-heap]
 *                              one suite or one implementation (for perf record)
 *   bench-handshake --count N  N handshakes each, untimed (for valgrind --tool=callgrind)
 *   bench-handshake --csv FILE also writes the figures as CSV rows (scripts/bench.sh)
 *
 * Exits non-zero only when a handshake fails or a check does not hold,
 * never because of a ratio or a heap figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "handshake.h"

/* Targets from the issues, printed beside the figures (never asserted). */
#define TARGET_RATIO       1.5
#define TARGET_SERVER_COST 1.25 /* server time over its crypto floor */

#define MAX_ROUNDS 15
#define N_IMPLS    3

/* The suites measured, as bench_suites names them (common.c). */
static const char *const g_suite_args[] = {"psk", "ecdhe", "ecdsa"};
#define N_SUITES (sizeof(g_suite_args) / sizeof(g_suite_args[0]))
static const struct hs_suite *g_suites[N_SUITES];

static const struct hs_impl *const g_impls[N_IMPLS] = {&hs_tern_impl, &hs_openssl_impl,
                                                       &hs_gnutls_impl};

struct opts {
    const char *suite; /* NULL: all */
    int impls;         /* bit i: g_impls[i] runs */
    int heap;
    int rounds;
    int slices;      /* turns per implementation per round */
    double round_s;  /* seconds per implementation per round */
    size_t heap_n;   /* connections held per heap measurement */
    long count;      /* > 0: only this many handshakes each, untimed (for callgrind) */
    const char *csv; /* machine-readable results (NULL: none) */
};

/* The server's CPU time per handshake in a certificate suite against its
 * floor measured in the same rounds, microseconds: the best round of each
 * implementation (0: not run), the floor's operations in its best round,
 * and the median over rounds of tern's time over that round's floor. */
struct server_cost {
    const struct hs_suite *s;
    double best[N_IMPLS];
    double floor_op[HS_FLOOR_OPS];
    double floor;
    double tern_ratio_median;
};

/* What one bracket of hs_srv_begin() / hs_srv_end() adds to the time it
 * measures: the thread CPU time between two reads in a row, the median of
 * many. */
static double g_clock_cost_ns;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void measure_clock_cost(void)
{
    enum { N = 2001 };
    static uint64_t d[N];
    for (int i = 0; i < N; i++) {
        uint64_t t0 = hs_cpu_ns();
        d[i] = hs_cpu_ns() - t0;
    }
    qsort(d, N, sizeof(d[0]), cmp_u64);
    g_clock_cost_ns = (double)d[N / 2];
}

struct tally {
    uint64_t n;
    double t;
    struct hs_srv_clock srv; /* the server's, when timed */
};

/* Runs handshakes of one implementation for at least secs, timing the
 * server when timed. Returns 0 as soon as one fails. */
static int run(const struct hs_impl *impl, void *st, double secs, int timed, struct tally *tl)
{
    uint64_t n = 0;
    double t0 = bench_now();
    double t;
    do {
        if (!impl->handshake(st, 0, timed ? &tl->srv : NULL)) {
            fprintf(stderr, "bench-handshake: %s: handshake %llu failed\n", impl->name,
                    (unsigned long long)(tl->n + n));
            return 0;
        }
        n++;
        t = bench_now();
    } while (t - t0 < secs);
    tl->n += n;
    tl->t += t - t0;
    return 1;
}

static double faster_peer(const double *v)
{
    return v[1] > v[2] ? v[1] : v[2];
}

/* The server's CPU time per handshake in a round, microseconds: what its
 * brackets measured less what the brackets themselves cost. */
static double server_us(const struct tally *tl)
{
    double ns = (double)tl->srv.ns - (double)tl->srv.calls * g_clock_cost_ns;
    return tl->n > 0 ? ns * 1e-3 / (double)tl->n : 0;
}

static double floor_sum(const struct hs_floor_tally *t)
{
    double us = 0;
    for (int op = 0; op < HS_FLOOR_OPS; op++) {
        us += hs_floor_us(t, op);
    }
    return us;
}

/* The best round of each implementation's server (least time) and of the
 * floor, and the median of tern's per-round ratio, into cost. */
static void server_summary(const struct opts *o, double (*srv)[N_IMPLS],
                           const struct hs_floor_tally *fl, struct server_cost *cost)
{
    for (int k = 0; k < N_IMPLS; k++) {
        double m = 0;
        for (int i = 0; i < o->rounds; i++) {
            m = m == 0 || srv[i][k] < m ? srv[i][k] : m;
        }
        cost->best[k] = m;
    }
    double ratios[MAX_ROUNDS];
    int best_floor = 0;
    for (int i = 0; i < o->rounds; i++) {
        best_floor = floor_sum(&fl[i]) < floor_sum(&fl[best_floor]) ? i : best_floor;
        ratios[i] = srv[i][0] / floor_sum(&fl[i]);
    }
    for (int op = 0; op < HS_FLOOR_OPS; op++) {
        cost->floor_op[op] = hs_floor_us(&fl[best_floor], op);
    }
    cost->floor = floor_sum(&fl[best_floor]);
    cost->tern_ratio_median = bench_median(ratios, o->rounds);
}

/* One turn of implementation k, or of the floor (k == N_IMPLS). */
static int turn_of(int k, void *const *st, struct hs_floor *fl, double turn, int timed,
                   struct tally *tl, struct hs_floor_tally *ft, const struct opts *o)
{
    if (k == N_IMPLS) {
        /* Half a turn: enough operations, and less time for the run. */
        return hs_floor_turn(fl, turn / 2, ft);
    }
    return !(o->impls >> k & 1) || run(g_impls[k], st[k], turn, timed, tl);
}

/* Times every selected implementation on one suite and prints its row. In
 * a certificate suite the server's time goes to cost, with the floor
 * measured in turns among theirs. Returns 0 on a failure. */
static int bench_rate(const struct hs_suite *s, void *const *st, const struct opts *o,
                      struct server_cost *cost)
{
    double rate[MAX_ROUNDS][N_IMPLS] = {{0}};
    double srv[MAX_ROUNDS][N_IMPLS] = {{0}};
    struct hs_floor_tally ft[MAX_ROUNDS + 1];
    memset(ft, 0, sizeof(ft));
    double turn = o->round_s / o->slices;
    int timed = s->cert;
    struct hs_floor *fl = timed ? hs_floor_new(hs_pki.key) : NULL;
    int turns = N_IMPLS + (fl != NULL);
    int ok = !timed || fl != NULL;
    /* Warm caches, lazy library initialisation and the CPU clock for all. */
    for (int k = 0; ok && k < turns; k++) {
        struct tally warm = {0, 0, {0, 0}};
        ok = turn_of(k, st, fl, turn, timed, &warm, &ft[MAX_ROUNDS], o);
    }
    for (int i = 0; ok && i < o->rounds; i++) {
        struct tally tl[N_IMPLS] = {{0, 0, {0, 0}}};
        for (int j = 0; ok && j < o->slices; j++) {
            for (int m = 0; ok && m < turns; m++) {
                /* The order rotates every turn, so no one always goes first. */
                int k = (i + j + m) % turns;
                ok = turn_of(k, st, fl, turn, timed, k < N_IMPLS ? &tl[k] : NULL, &ft[i], o);
            }
        }
        for (int k = 0; k < N_IMPLS; k++) {
            rate[i][k] = tl[k].t > 0 ? (double)tl[k].n / tl[k].t : 0;
            srv[i][k] = server_us(&tl[k]);
        }
    }
    hs_floor_free(fl);
    if (!ok) {
        return 0;
    }
    if (timed) {
        cost->s = s;
        server_summary(o, srv, ft, cost);
    }
    double top[N_IMPLS];
    for (int k = 0; k < N_IMPLS; k++) {
        double v[MAX_ROUNDS];
        for (int i = 0; i < o->rounds; i++) {
            v[i] = rate[i][k];
        }
        top[k] = bench_best(v, o->rounds);
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
    double med = bench_median(ratios, o->rounds);
    printf("%-44s %9s %9s %9s %7.2f %7.2f\n", s->name, cell[0], cell[1], cell[2],
           peer > 0 ? top[0] / peer : 0, med);
    fflush(stdout);
    for (int k = 0; k < N_IMPLS; k++) {
        if (o->impls >> k & 1) {
            bench_csv("rate", s->name, g_impls[k]->name, 0, top[k], "handshakes/s, best round");
        }
    }
    if (peer > 0) {
        bench_csv("ratio", s->name, "tern", 0, top[0] / peer,
                  "tern over the faster of OpenSSL and GnuTLS, best rounds");
        bench_csv("ratio_median", s->name, "tern", 0, med, "median of per-round ratios");
    }
    return 1;
}

/* Runs o->count handshakes of each selected implementation, untimed: a
 * fixed amount of work for an instruction-count profile. */
static int bench_count(void *const *st, const struct opts *o)
{
    for (int k = 0; k < N_IMPLS; k++) {
        for (long i = 0; (o->impls >> k & 1) && i < o->count; i++) {
            if (!g_impls[k]->handshake(st[k], 0, NULL)) {
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
            if (ok) {
                bench_csv("heap_bytes", s->name, g_impls[k]->name, stage, (double)h.bytes / nn,
                          stage_name[stage]);
            }
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

static int suite_selected(const struct opts *o, const struct hs_suite *s)
{
    return o->suite == NULL || strcmp(o->suite, s->arg) == 0;
}

/* The X25519 operations alone, when no certificate suite measured them:
 * the best of rounds of floor turns, into op. Returns 0 on a failure. */
static int x25519_floor(const struct opts *o, double *op)
{
    struct hs_floor *fl = hs_floor_new(NULL);
    int ok = fl != NULL;
    for (int i = 0; ok && i < o->rounds; i++) {
        struct hs_floor_tally t;
        memset(&t, 0, sizeof(t));
        ok = hs_floor_turn(fl, o->round_s / o->slices, &t);
        for (int k = 0; ok && k < HS_FLOOR_SIGN; k++) {
            op[k] = i == 0 || hs_floor_us(&t, k) < op[k] ? hs_floor_us(&t, k) : op[k];
        }
    }
    hs_floor_free(fl);
    return ok;
}

/* What the rows cannot beat: the cryptography is libcrypto's, whatever an
 * implementation does around it. For the ECDHE_PSK row, the pair's two key
 * generations and two shared secrets; for the certificate suite, the
 * server's time against its own share (one signature, one key generation,
 * one shared secret), measured in the same rounds. Returns 0 when the
 * floor could not be measured. */
static int print_floors(const struct opts *o, const struct server_cost *cost)
{
    int ecdhe_psk = 0;
    for (size_t i = 0; i < N_SUITES; i++) {
        ecdhe_psk |= suite_selected(o, g_suites[i]) && g_suites[i]->ecdhe && !g_suites[i]->cert;
    }
    double op[HS_FLOOR_OPS] = {0};
    if (cost->s != NULL) {
        memcpy(op, cost->floor_op, sizeof(op));
    } else if (!ecdhe_psk) {
        return 1;
    } else if (!x25519_floor(o, op)) {
        return 0;
    }
    printf(HS_GROUP_NAME " in libcrypto: key generation %.1f us, shared secret %.1f us (CPU)",
           op[HS_FLOOR_KEYGEN], op[HS_FLOOR_DERIVE]);
    if (ecdhe_psk) {
        double max_hs = 1e6 / (2 * op[HS_FLOOR_KEYGEN] + 2 * op[HS_FLOOR_DERIVE]);
        printf("; the 2 + 2\nof an ECDHE_PSK pair alone allow at most %.0f hs/s", max_hs);
        bench_csv("floor_rate", "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "floor", 0, max_hs,
                  "2 key generations + 2 shared secrets in libcrypto");
    }
    printf("\n");
    if (cost->s == NULL) {
        return 1;
    }
    printf("\n%s: the server's CPU time per handshake (inside its own\n"
           "calls, creating and freeing it included; best round)\n",
           cost->s->name);
    for (int k = 0; k < N_IMPLS; k++) {
        if (cost->best[k] > 0) {
            printf("  %-8s %7.1f us  %5.2f x floor\n", g_impls[k]->name, cost->best[k],
                   cost->best[k] / cost->floor);
            bench_csv("server_us", cost->s->name, g_impls[k]->name, 0, cost->best[k],
                      "server CPU per handshake, best round");
        }
    }
    bench_csv("server_us", cost->s->name, "floor", 0, cost->floor,
              "ECDSA P-256 sign + " HS_GROUP_NAME " key generation + shared secret");
    printf("  floor    %7.1f us  = ECDSA P-256 sign %.1f + " HS_GROUP_NAME
           " key generation %.1f + shared secret %.1f\n"
           "                       (libcrypto through EVP, fetched and prepared once, timed in\n"
           "                       turns among the handshakes)\n",
           cost->floor, op[HS_FLOOR_SIGN], op[HS_FLOOR_KEYGEN], op[HS_FLOOR_DERIVE]);
    if (cost->best[0] > 0) {
        printf("tern server / floor: %.2f (median of rounds %.2f; target <= %.2f), %.1f us above\n",
               cost->best[0] / cost->floor, cost->tern_ratio_median, TARGET_SERVER_COST,
               cost->best[0] - cost->floor);
    }
    return 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench-handshake [--quick] [--suite psk|ecdhe|ecdsa] "
                    "[--only tern|openssl|gnutls] [--no-heap] [--count N] [--csv FILE]\n");
    return 2;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){NULL, 7, HS_HEAP_COUNTED, 7, 5, 0.5, 1000, 0, NULL};
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
        } else if (strcmp(arg, "--csv") == 0 && val != NULL) {
            o->csv = val;
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
static int bench_suite(const struct hs_suite *s, const struct opts *o, int heap,
                       struct server_cost *cost)
{
    void *st[N_IMPLS] = {NULL, NULL, NULL};
    int ok = 1;
    for (int k = 0; k < N_IMPLS && ok; k++) {
        if (o->impls >> k & 1) {
            st[k] = g_impls[k]->setup(s);
            ok = st[k] != NULL && g_impls[k]->handshake(st[k], 1, NULL);
            if (!ok) {
                fprintf(stderr, "bench-handshake: %s: %s: check failed\n", g_impls[k]->name,
                        s->name);
            }
        }
    }
    if (ok) {
        ok = heap           ? bench_heap(s, st, o)
             : o->count > 0 ? bench_count(st, o)
                            : bench_rate(s, st, o, cost);
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
    for (size_t i = 0; i < N_SUITES; i++) {
        g_suites[i] = bench_find_suite(g_suite_args[i]);
    }
    if (!bench_csv_open(o.csv, "handshake")) {
        return 1;
    }
    bench_csv_meta("version", "GnuTLS", hs_gnutls_version());
    int matched = 0;
    int certs = 0;
    for (size_t i = 0; i < N_SUITES; i++) {
        matched |= suite_selected(&o, g_suites[i]);
        certs |= suite_selected(&o, g_suites[i]) && g_suites[i]->cert;
    }
    if (!matched) {
        return usage();
    }
    if (certs) {
        measure_clock_cost();
        atexit(hs_pki_remove);
        if (!hs_pki_make()) {
            return 1;
        }
    }
    printf("full DTLS 1.2 handshakes per second (client + server in one process, in memory;\n"
           "fresh pair each, no cookies, no resumption, EMS, MTU %d, ECDHE group %s;\n"
           "certificates: ECDSA P-256 leaf, chain and name \"%s\" verified by the client;\n"
           "best of %d rounds)\n",
           HS_MTU, HS_GROUP_NAME, HS_HOST, o.rounds);
    printf("%-44s %9s %9s %9s %7s %7s\n", "suite", "tern", "OpenSSL", "GnuTLS", "tern/x", "median");
    struct server_cost cost = {NULL, {0}, {0}, 0, 0};
    int ok = 1;
    for (size_t i = 0; i < N_SUITES && ok; i++) {
        if (suite_selected(&o, g_suites[i])) {
            ok = bench_suite(g_suites[i], &o, 0, &cost);
        }
    }
    if (ok && o.count == 0) {
        printf("tern/x: tern over the faster of OpenSSL and GnuTLS (target >= %.1f)\n",
               TARGET_RATIO);
        ok = print_floors(&o, &cost);
        printf("\n");
    }
    if (ok && !HS_HEAP_COUNTED) {
        printf("heap: not measured under ASan\n");
    } else if (ok && o.heap) {
        printf("heap held per server connection, client freed: bytes (blocks), malloc chunks\n"
               "incl. libcrypto, mean of %zu connections (PSK suites)\n",
               o.heap_n);
        printf("%-44s %-13s %15s %15s %15s  %s\n", "suite", "stage", "tern", "OpenSSL", "GnuTLS",
               "tern target");
        for (size_t i = 0; i < N_SUITES && ok; i++) {
            if (suite_selected(&o, g_suites[i]) && !g_suites[i]->cert) {
                ok = bench_suite(g_suites[i], &o, 1, NULL);
            }
        }
    }
    bench_csv_close();
    if (!ok) {
        fprintf(stderr, "bench-handshake: CORRECTNESS FAILURE\n");
        return 1;
    }
    return 0;
}
