/* Session benchmark: the memory an established DTLS 1.2 server session
 * holds as the number of sessions grows (1, 10, ... 100,000), for tern,
 * OpenSSL's libssl and GnuTLS in the same run.
 *
 * Each session is a full handshake (handshake_*.c, hold() at
 * HS_ESTABLISHED): the server has received the client's first
 * application record, the client is freed, and what a server reading a
 * socket would not keep (libssl's memory BIOs, GnuTLS's link) is gone.
 * Sessions are added to the ones already held, and at each count two
 * figures are read:
 *
 *   heap  the bytes the sessions hold in malloc chunks (usable size plus
 *         glibc's header), counted by replacing malloc and friends in this
 *         executable (handshake_heap.c), libcrypto's, libssl's and
 *         GnuTLS's allocations included, divided by the count;
 *   RSS   the growth of the process's resident memory (/proc/self/statm)
 *         since the first session, divided by the count: what the
 *         allocator's own overhead and fragmentation add on top; shown
 *         from 1,000 sessions on, where pages stop dominating.
 *
 * The machine must hold them: before each count the memory it will need
 * is projected from the sessions already held and compared with what the
 * system reports available (less a reserve); a count that would not fit
 * is skipped with its reason printed.
 *
 * Before that, for each implementation, 100 sessions are held right after
 * their handshake (the server's last flight sent, no application data yet)
 * and 100 after the client's first data, and the heap per session of both
 * is printed: a server that frees its handshake state when the handshake
 * completes holds the same in both.
 *
 *   bench-sessions                 1 to 100,000 sessions (about a minute)
 *   bench-sessions --quick         1 to 100: builds, runs, checks
 *   bench-sessions --max N --suite psk|ecdhe --only tern|openssl|gnutls
 *   bench-sessions --csv FILE      also writes the figures as CSV rows
 *
 * Exits non-zero only when a session cannot be established. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "handshake.h"

#define N_IMPLS 3
#define GIB     (1024.0 * 1024.0 * 1024.0)
/* Memory left to everything else on the machine, whatever is measured. */
#define RESERVE_GIB 2.0

static const struct hs_impl *const g_impls[N_IMPLS] = {&hs_tern_impl, &hs_openssl_impl,
                                                       &hs_gnutls_impl};

static const size_t g_counts[] = {1, 10, 100, 1000, 10000, 100000};
#define N_COUNTS (sizeof(g_counts) / sizeof(g_counts[0]))

struct opts {
    const char *suite;
    int impls;
    size_t max; /* the largest count measured */
    const char *csv;
};

/* One figure per implementation and count (0: not measured). */
struct figures {
    double heap[N_IMPLS][N_COUNTS];
    double blocks[N_IMPLS][N_COUNTS];
    double rss[N_IMPLS][N_COUNTS];
    double secs[N_IMPLS][N_COUNTS];
    const char *skipped[N_IMPLS]; /* why the larger counts were not run */
};

/* Resident memory of this process, bytes. */
static double rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0;
    unsigned long resident = 0;
    if (f != NULL) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2) {
            resident = 0;
        }
        fclose(f);
    }
    return (double)resident * (double)sysconf(_SC_PAGESIZE);
}

/* MemAvailable from /proc/meminfo, bytes (0 when unknown). */
static double mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    double kib = 0;
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1) {
            break;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    return kib * 1024.0;
}

/* Whether `more` sessions at `per` bytes each fit in what the machine has
 * available; otherwise writes why into reason. */
static int fits(size_t more, double per, char *reason, size_t cap)
{
    double need = (double)more * per * 1.25;
    double avail = mem_available() - RESERVE_GIB * GIB;
    if (avail > 0 && need <= avail) {
        return 1;
    }
    snprintf(reason, cap,
             "would need about %.1f GiB more (%.0f bytes per session measured), "
             "%.1f GiB available beyond a %.0f GiB reserve",
             need / GIB, per, avail > 0 ? avail / GIB : 0, RESERVE_GIB);
    return 0;
}

/* Holds sessions of implementation k up to each count in turn. Returns 0
 * when a session could not be established. */
static int grow(int k, const struct hs_suite *s, const struct opts *o, struct figures *fg,
                void **held)
{
    static char reason[N_IMPLS][160];
    const struct hs_impl *impl = g_impls[k];
    void *st = impl->setup(s);
    if (st == NULL) {
        return 0;
    }
    int ok = 1;
    /* A few first: one-time library state is then in place and not
     * charged to the sessions. */
    for (int i = 0; ok && i < 4; i++) {
        void *srv = impl->hold(st, HS_ESTABLISHED);
        ok = srv != NULL;
        if (ok) {
            impl->release(st, srv);
        }
    }
    malloc_trim(0);
    double rss0 = rss_bytes();
    double t0 = bench_now();
    size_t made = 0;
    double per = 0; /* the measured cost of a session, for the projection */
    hs_heap_start();
    for (size_t c = 0; ok && c < N_COUNTS && g_counts[c] <= o->max; c++) {
        size_t n = g_counts[c];
        if (per > 0 && !fits(n - made, per, reason[k], sizeof(reason[k]))) {
            fg->skipped[k] = reason[k];
            printf("  %s: %zu sessions skipped: %s\n", impl->name, n, reason[k]);
            char note[200];
            snprintf(note, sizeof(note), "skipped: %s", reason[k]);
            bench_csv("skipped", s->name, impl->name, (double)n, 0, note);
            break;
        }
        while (made < n && (held[made] = impl->hold(st, HS_ESTABLISHED)) != NULL) {
            made++;
        }
        ok = made == n;
        if (!ok) {
            fprintf(stderr, "bench-sessions: %s: session %zu could not be established\n",
                    impl->name, made + 1);
            break;
        }
        struct hs_heap_count h = hs_heap_peek();
        double rss = rss_bytes() - rss0;
        double nn = (double)n;
        fg->heap[k][c] = (double)h.bytes / nn;
        fg->blocks[k][c] = (double)h.blocks / nn;
        fg->rss[k][c] = rss / nn;
        fg->secs[k][c] = bench_now() - t0;
        per = fg->heap[k][c] > fg->rss[k][c] || n < 1000 ? fg->heap[k][c] : fg->rss[k][c];
        printf("  %-8s %7zu sessions held after %6.1f s: heap %7.0f B/session, RSS %7.0f "
               "B/session\n",
               impl->name, n, fg->secs[k][c], fg->heap[k][c], fg->rss[k][c]);
        fflush(stdout);
        bench_csv("heap_per_session", s->name, impl->name, nn, fg->heap[k][c],
                  "malloc chunk bytes per established server session");
        bench_csv("blocks_per_session", s->name, impl->name, nn, fg->blocks[k][c],
                  "malloc blocks per session");
        bench_csv("rss_per_session", s->name, impl->name, nn, fg->rss[k][c],
                  "resident memory growth per session");
        bench_csv("setup_seconds", s->name, impl->name, nn, fg->secs[k][c],
                  "wall time to establish this many sessions");
    }
    hs_heap_stop();
    for (size_t i = 0; i < made; i++) {
        impl->release(st, held[i]);
    }
    impl->teardown(st);
    malloc_trim(0);
    return ok;
}

static void print_table(const struct opts *o, const struct figures *fg)
{
    printf("\nheap per established server session, bytes (malloc chunks incl. libcrypto);\n"
           "RSS growth per session in brackets from 1000 sessions on\n");
    printf("%8s", "sessions");
    for (int k = 0; k < N_IMPLS; k++) {
        if (o->impls >> k & 1) {
            printf(" %20s", g_impls[k]->name);
        }
    }
    printf("\n");
    for (size_t c = 0; c < N_COUNTS && g_counts[c] <= o->max; c++) {
        printf("%8zu", g_counts[c]);
        for (int k = 0; k < N_IMPLS; k++) {
            if (!(o->impls >> k & 1)) {
                continue;
            }
            char cell[40];
            if (fg->heap[k][c] <= 0) {
                snprintf(cell, sizeof(cell), "skipped");
            } else if (g_counts[c] >= 1000) {
                snprintf(cell, sizeof(cell), "%.0f (%.0f)", fg->heap[k][c], fg->rss[k][c]);
            } else {
                snprintf(cell, sizeof(cell), "%.0f", fg->heap[k][c]);
            }
            printf(" %20s", cell);
        }
        printf("\n");
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: bench-sessions [--quick] [--max N] [--suite psk|ecdhe] "
                    "[--only tern|openssl|gnutls] [--csv FILE]\n");
    return 2;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){"psk", 7, 100000, NULL};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--quick") == 0) {
            o->max = 100;
        } else if (strcmp(arg, "--max") == 0 && val != NULL) {
            char *end;
            o->max = strtoul(val, &end, 10);
            if (*end != '\0' || o->max == 0) {
                return 0;
            }
            i++;
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
        } else if (strcmp(arg, "--csv") == 0 && val != NULL) {
            o->csv = val;
            i++;
        } else {
            return 0;
        }
    }
    return 1;
}

#define DONE_SESSIONS 100

/* The heap per session of DONE_SESSIONS sessions held at stage, or a
 * negative value when one could not be made. */
static double heap_at(const struct hs_impl *impl, void *st, enum hs_stage stage, void **held)
{
    size_t made = 0;
    malloc_trim(0);
    hs_heap_start();
    while (made < DONE_SESSIONS && (held[made] = impl->hold(st, stage)) != NULL) {
        made++;
    }
    struct hs_heap_count h = hs_heap_stop();
    for (size_t i = 0; i < made; i++) {
        impl->release(st, held[i]);
    }
    return made == DONE_SESSIONS ? (double)h.bytes / DONE_SESSIONS : -1;
}

/* Heap right after the handshake against heap after the first data. */
static int done_vs_data(const struct hs_suite *s, const struct opts *o, void **held)
{
    printf("heap per server session right after the handshake and after the client's first "
           "data, %d sessions each:\n",
           DONE_SESSIONS);
    for (int k = 0; k < N_IMPLS; k++) {
        if (!(o->impls >> k & 1)) {
            continue;
        }
        const struct hs_impl *impl = g_impls[k];
        void *st = impl->setup(s);
        if (st == NULL) {
            return 0;
        }
        /* One-time library state first, not charged to the sessions. */
        double done = heap_at(impl, st, HS_DONE, held);
        done = heap_at(impl, st, HS_DONE, held);
        double data = heap_at(impl, st, HS_ESTABLISHED, held);
        impl->teardown(st);
        if (done < 0 || data < 0) {
            fprintf(stderr, "bench-sessions: %s: a session could not be made\n", impl->name);
            return 0;
        }
        printf("  %-8s after the handshake %7.0f B/session, after the first data %7.0f "
               "B/session (%+.0f)\n",
               impl->name, done, data, data - done);
        bench_csv("heap_after_handshake", s->name, impl->name, DONE_SESSIONS, done,
                  "malloc chunk bytes per server session, handshake done, no data yet");
        bench_csv("heap_after_first_data", s->name, impl->name, DONE_SESSIONS, data,
                  "malloc chunk bytes per server session after the client's first data");
    }
    printf("\n");
    return 1;
}

int main(int argc, char **argv)
{
    struct opts o;
    if (!parse_args(argc, argv, &o)) {
        return usage();
    }
    const struct hs_suite *s = bench_find_suite(o.suite);
    if (s == NULL || s->cert) {
        return usage();
    }
    if (!HS_HEAP_COUNTED) {
        printf("bench-sessions: heap not measured under AddressSanitizer\n");
        return 0;
    }
    if (!bench_csv_open(o.csv, "sessions")) {
        return 1;
    }
    bench_csv_meta("version", "GnuTLS", hs_gnutls_version());
    size_t max = 0;
    for (size_t c = 0; c < N_COUNTS && g_counts[c] <= o.max; c++) {
        max = g_counts[c];
    }
    if (max < DONE_SESSIONS) {
        max = DONE_SESSIONS;
    }
    void **held = calloc(max, sizeof(*held));
    static struct figures fg;
    if (held == NULL) {
        return 1;
    }
    printf("established DTLS 1.2 server sessions held at once, %s, client freed\n"
           "(%.1f GiB available at start)\n",
           s->name, mem_available() / GIB);
    int ok = done_vs_data(s, &o, held);
    for (int k = 0; ok && k < N_IMPLS; k++) {
        if (o.impls >> k & 1) {
            ok = grow(k, s, &o, &fg, held);
        }
    }
    free(held);
    if (ok) {
        print_table(&o, &fg);
    }
    bench_csv_close();
    if (!ok) {
        fprintf(stderr, "bench-sessions: CORRECTNESS FAILURE\n");
        return 1;
    }
    return 0;
}
