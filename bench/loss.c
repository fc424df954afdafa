/* Loss benchmark: how long a full DTLS 1.2 handshake takes to complete
 * when datagrams are lost, for tern, OpenSSL's libssl and GnuTLS, against
 * the loss rate (0% to 40%), many handshakes per point, median and 90th
 * percentile.
 *
 * The link: every datagram either way is lost with the point's
 * probability, independently, drawn from a generator seeded per handshake
 * (the j-th handshake of every implementation gets the same seed), and
 * arrives after a fixed one-way delay (half the RTT, 100 ms by default)
 * otherwise. Cookies are off, as in the handshake benchmark, so a
 * handshake is four flights (two round trips) when nothing is lost. A
 * handshake is complete when both sides are (the client, which receives
 * the last flight, finishes last); one not complete after 120 s of RFC time
 * has failed and counts as slower than any that completed.
 *
 * Time. Each implementation runs with RFC 6347's retransmission timer (1 s
 * at first, doubling, at most 60 s) and the link's delay divided by the
 * same scale (10 by default), on the real monotonic clock, and the times
 * it takes are multiplied back by the scale: libssl's and GnuTLS's DTLS
 * timers read the real clock and cannot be driven otherwise, and scaling
 * makes many handshakes per point affordable. The three run their
 * handshakes concurrently in one event loop (a few at a time each), so
 * that the machine's noise falls on all alike. What the method costs: the
 * CPU time of a handshake, and how late a sleep wakes up, count scale
 * times over. tern takes the time as an argument of every call, so it
 * also runs on a virtual clock with the timers at RFC values, where
 * nothing but the protocol counts: the row "tern (virtual)" is the
 * reference that shows how far the scaled real-time rows are off.
 *
 *   bench-loss                     full run (about two and a half minutes)
 *   bench-loss --quick             two points, a few handshakes: builds, runs, checks
 *   bench-loss --loss 0,10,20 --count N --parallel K --scale S --rtt-ms R --seed X
 *              --suite psk|psk-gcm|ecdhe
 *   bench-loss --csv FILE          also writes the figures as CSV rows
 *
 * Exits non-zero when a pair cannot be set up or a handshake fails
 * without loss, never because of a time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loss.h"

#define N_IMPLS    3
#define MAX_POINTS 16
#define MAX_SLOTS  64
#define LIMIT_S    120
#define STAGGER_NS UINT64_C(1000000) /* between the first handshakes of the slots */
#define SPIN_NS    UINT64_C(50000)   /* the end of a wait is spent spinning */
#define NS_PER_MS  1e6

static const struct ls_impl *const g_impls[N_IMPLS] = {&ls_tern_impl, &ls_openssl_impl,
                                                       &ls_gnutls_impl};

struct opts {
    const char *suite;
    int count;    /* handshakes per implementation and point */
    int parallel; /* handshakes at a time per implementation */
    unsigned scale;
    unsigned rtt_ms;
    uint64_t seed;
    double loss[MAX_POINTS];
    int points;
    const char *csv;
};

/* ---- the link ------------------------------------------------------------ */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void ls_link_send(struct ls_link *l, int from, const uint8_t *data, size_t len)
{
    l->sent++;
    /* A uniform draw in [0, 1) with 53 bits. */
    double u = (double)(splitmix(&l->rng) >> 11) * 0x1.0p-53;
    if (u < l->loss || l->n[from] == LS_LINK_CAP || len > HS_DGRAM) {
        l->lost++;
        return;
    }
    struct ls_dgram *d = &l->q[from][(l->head[from] + l->n[from]) % LS_LINK_CAP];
    d->arrive_ns = l->now_ns + l->delay_ns;
    d->len = len;
    memcpy(d->data, data, len);
    l->n[from]++;
}

static void link_init(struct ls_link *l, uint64_t seed, double loss, uint64_t delay_ns)
{
    l->head[0] = l->head[1] = 0;
    l->n[0] = l->n[1] = 0;
    l->rng = seed;
    l->loss = loss;
    l->delay_ns = delay_ns;
    l->sent = 0;
    l->lost = 0;
}

/* ---- one run: every implementation's handshakes at one loss rate --------- */

/* One implementation in a run. */
struct runner {
    const struct ls_impl *impl;
    const char *label;
    void *st;
    int next;      /* the next handshake to start */
    int finished;  /* handshakes completed or failed */
    double *ms;    /* completion times in RFC milliseconds (INFINITY: failed) */
    int errors;    /* handshakes that ended in an error (not a time-out) */
    uint64_t sent; /* datagrams offered to the links, and lost */
    uint64_t lost;
};

/* A place for one handshake at a time. */
struct slot {
    struct runner *r;
    void *pair;
    uint64_t start_ns;
    uint64_t begin_at; /* when the slot's next handshake may start */
    struct ls_link link;
    uint8_t buf[HS_DGRAM];
};

struct run {
    const struct opts *o;
    struct runner *runners;
    int n_runners;
    struct slot *slots;
    int n_slots;
    double loss;
    int point;
    int virtual_clock;
    uint64_t scale;
    uint64_t delay_ns;
    uint64_t limit_ns;
    uint64_t vnow; /* the virtual clock */
    int count;     /* handshakes per runner */
};

static uint64_t run_now(const struct run *rn)
{
    return rn->virtual_clock ? rn->vnow : hs_now_ns();
}

/* Waits until t (real time): a sleep, then a short spin for the rest. */
static void wait_until(uint64_t t)
{
    uint64_t now = hs_now_ns();
    if (t > now + SPIN_NS) {
        uint64_t wake = t - SPIN_NS;
        struct timespec ts = {(time_t)(wake / UINT64_C(1000000000)),
                              (long)(wake % UINT64_C(1000000000))};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    }
    while (hs_now_ns() < t) {
    }
}

/* Records the handshake's time (INFINITY: failed) and frees its pair. */
static void slot_end(struct slot *sl, uint64_t now, double ms)
{
    struct runner *r = sl->r;
    r->ms[r->finished++] = ms;
    r->sent += sl->link.sent;
    r->lost += sl->link.lost;
    r->impl->pair_free(sl->pair);
    sl->pair = NULL;
    sl->begin_at = now;
}

/* Starts the slot's next handshake. Returns 0 when the pair cannot be made. */
static int slot_start(struct run *rn, struct slot *sl, uint64_t now)
{
    struct runner *r = sl->r;
    int j = r->next++;
    uint64_t seed = rn->o->seed ^ ((uint64_t)rn->point << 40) ^ (uint64_t)j;
    link_init(&sl->link, splitmix(&seed), rn->loss, rn->delay_ns);
    sl->link.now_ns = now;
    sl->start_ns = now;
    sl->pair = r->impl->pair_new(r->st, &sl->link, now);
    return sl->pair != NULL;
}

/* Delivers what has arrived, fires what is due, and ends the handshake
 * when it completed, failed or ran out of time. */
static void slot_drive(struct run *rn, struct slot *sl, uint64_t now)
{
    const struct ls_impl *impl = sl->r->impl;
    struct ls_link *l = &sl->link;
    int ok = 1;
    l->now_ns = now;
    for (int from = 0; ok && from < 2; from++) {
        while (ok && l->n[from] > 0 && l->q[from][l->head[from]].arrive_ns <= now) {
            const struct ls_dgram *d = &l->q[from][l->head[from]];
            size_t len = d->len;
            memcpy(sl->buf, d->data, len);
            l->head[from] = (l->head[from] + 1) % LS_LINK_CAP;
            l->n[from]--;
            ok = impl->input(sl->pair, 1 - from, now, sl->buf, len);
        }
    }
    for (int side = 0; ok && side < 2; side++) {
        if (impl->deadline(sl->pair, side) <= now) {
            ok = impl->timer(sl->pair, side, now);
        }
    }
    if (!ok) {
        sl->r->errors++;
        slot_end(sl, now, INFINITY);
    } else if (impl->done(sl->pair, LS_CLIENT) && impl->done(sl->pair, LS_SERVER)) {
        slot_end(sl, now, (double)(now - sl->start_ns) * (double)rn->scale / NS_PER_MS);
    } else if (now - sl->start_ns > rn->limit_ns) {
        slot_end(sl, now, INFINITY);
    }
}

/* The earliest time anything happens in the slot (UINT64_MAX: nothing). */
static uint64_t slot_next(const struct run *rn, const struct slot *sl)
{
    if (sl->pair == NULL) {
        return sl->r->next < rn->count ? sl->begin_at : UINT64_MAX;
    }
    uint64_t t = sl->start_ns + rn->limit_ns + 1;
    for (int k = 0; k < 2; k++) {
        uint64_t d = sl->r->impl->deadline(sl->pair, k);
        t = d < t ? d : t;
        if (sl->link.n[k] > 0) {
            uint64_t a = sl->link.q[k][sl->link.head[k]].arrive_ns;
            t = a < t ? a : t;
        }
    }
    return t;
}

/* Runs every runner's handshakes to the end. Returns 0 when a pair cannot
 * be made. */
static int run_point(struct run *rn)
{
    uint64_t t0 = run_now(rn);
    for (int i = 0; i < rn->n_slots; i++) {
        rn->slots[i].begin_at = t0 + (uint64_t)i * (rn->virtual_clock ? 0 : STAGGER_NS);
        rn->slots[i].pair = NULL;
    }
    for (;;) {
        uint64_t now = run_now(rn);
        uint64_t next = UINT64_MAX;
        for (int i = 0; i < rn->n_slots; i++) {
            struct slot *sl = &rn->slots[i];
            if (sl->pair != NULL) {
                slot_drive(rn, sl, now);
            }
            if (sl->pair == NULL && sl->r->next < rn->count && sl->begin_at <= now &&
                !slot_start(rn, sl, now)) {
                return 0;
            }
            uint64_t t = slot_next(rn, sl);
            next = t < next ? t : next;
        }
        if (next == UINT64_MAX) {
            return 1;
        }
        if (rn->virtual_clock) {
            rn->vnow = next > now ? next : now;
        } else {
            wait_until(next);
        }
    }
}

/* ---- results ------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

struct point_result {
    double p50, p90, mean;
    int failed;
    double lost_share; /* of the datagrams offered, lost */
};

static struct point_result summarise(struct runner *r, int count)
{
    struct point_result pr = {0, 0, 0, 0, 0};
    qsort(r->ms, (size_t)count, sizeof(double), cmp_double);
    pr.p50 = bench_quantile(r->ms, count, 0.5);
    pr.p90 = bench_quantile(r->ms, count, 0.9);
    int done = 0;
    for (int i = 0; i < count; i++) {
        if (isinf(r->ms[i])) {
            pr.failed++;
        } else {
            pr.mean += r->ms[i];
            done++;
        }
    }
    pr.mean = done > 0 ? pr.mean / done : 0;
    pr.lost_share = r->sent > 0 ? (double)r->lost / (double)r->sent : 0;
    return pr;
}

static void cell(char *out, size_t cap, double v)
{
    if (isinf(v)) {
        snprintf(out, cap, ">%ds", LIMIT_S);
    } else {
        snprintf(out, cap, "%.0f", v);
    }
}

static void report(const struct run *rn, const struct hs_suite *s, int check_all_done, int *ok)
{
    char line[256];
    int pos = snprintf(line, sizeof(line), "%5.0f%%", rn->loss * 100);
    for (int k = 0; k < rn->n_runners; k++) {
        struct runner *r = &rn->runners[k];
        struct point_result pr = summarise(r, rn->count);
        char a[16];
        char b[16];
        cell(a, sizeof(a), pr.p50);
        cell(b, sizeof(b), pr.p90);
        char c[40];
        snprintf(c, sizeof(c), "%s / %s%s", a, b, pr.failed ? "*" : "");
        pos += snprintf(line + pos, sizeof(line) - (size_t)pos, " %21s", c);
        double x = rn->loss * 100;
        bench_csv("p50_ms", s->name, r->label, x, isinf(pr.p50) ? -1 : pr.p50,
                  "median completion time, RFC ms (-1: beyond the limit)");
        bench_csv("p90_ms", s->name, r->label, x, isinf(pr.p90) ? -1 : pr.p90,
                  "90th percentile, RFC ms (-1: beyond the limit)");
        bench_csv("mean_ms", s->name, r->label, x, pr.mean, "mean of the completed, RFC ms");
        bench_csv("failed", s->name, r->label, x, pr.failed, "not complete within the limit");
        bench_csv("lost_share", s->name, r->label, x, pr.lost_share,
                  "datagrams lost over datagrams sent");
        bench_csv("datagrams", s->name, r->label, x, (double)r->sent / rn->count,
                  "datagrams sent per handshake, both sides");
        if (pr.failed > 0 && (check_all_done || r->errors > 0)) {
            fprintf(stderr,
                    "bench-loss: %s: %d handshakes failed (%d with an error) at %.0f%% loss\n",
                    r->label, pr.failed, r->errors, x);
            *ok = *ok && !check_all_done;
        }
    }
    printf("%s\n", line);
    fflush(stdout);
}

/* Runs every point for the given implementations, on the virtual clock or
 * in scaled real time. Returns 0 on a failure. */
static int run_all(const struct opts *o, const struct hs_suite *s, int virtual_clock)
{
    struct ls_params prm = {virtual_clock ? 1 : o->scale, virtual_clock, 0};
    prm.limit_ms = LIMIT_S * 1000u / prm.scale;
    struct runner runners[N_IMPLS];
    int n = 0;
    int ok = 1;
    for (int k = 0; ok && k < N_IMPLS; k++) {
        if (virtual_clock && g_impls[k] != &ls_tern_impl) {
            continue;
        }
        runners[n] = (struct runner){g_impls[k], g_impls[k]->name, NULL, 0, 0, NULL, 0, 0, 0};
        if (virtual_clock) {
            runners[n].label = "tern (virtual)";
        }
        runners[n].st = g_impls[k]->setup(s, &prm);
        runners[n].ms = calloc((size_t)o->count, sizeof(double));
        ok = runners[n].st != NULL && runners[n].ms != NULL;
        n++;
    }
    int n_slots = n * o->parallel;
    struct slot *slots = ok ? calloc((size_t)n_slots, sizeof(*slots)) : NULL;
    ok = ok && slots != NULL;
    for (int i = 0; ok && i < n_slots; i++) {
        /* Slots alternate between the implementations. */
        slots[i].r = &runners[i % n];
    }
    printf("\n%s\n%6s",
           virtual_clock ? "on a virtual clock, RFC timers:"
                         : "in real time, timers "
                           "and delay scaled:",
           "loss");
    for (int k = 0; k < n; k++) {
        printf(" %21s", runners[k].label);
    }
    printf("\n");
    /* A first handshake each, untimed: libraries set themselves up lazily
     * (algorithm fetches, tables), which no point should pay for. */
    for (int p = -1; ok && p < o->points; p++) {
        struct run rn = {o,
                         runners,
                         n,
                         slots,
                         n_slots,
                         p < 0 ? 0 : o->loss[p],
                         p < 0 ? 0 : p,
                         virtual_clock,
                         prm.scale,
                         0,
                         0,
                         0,
                         p < 0 ? 1 : o->count};
        rn.delay_ns = (uint64_t)o->rtt_ms * UINT64_C(500000) / prm.scale;
        rn.limit_ns = (uint64_t)prm.limit_ms * UINT64_C(1000000);
        for (int k = 0; k < n; k++) {
            runners[k].next = runners[k].finished = runners[k].errors = 0;
            runners[k].sent = runners[k].lost = 0;
        }
        ok = run_point(&rn);
        if (ok && p >= 0) {
            report(&rn, s, o->loss[p] == 0, &ok);
        }
    }
    free(slots);
    for (int k = 0; k < n; k++) {
        if (runners[k].st != NULL) {
            runners[k].impl->teardown(runners[k].st);
        }
        free(runners[k].ms);
    }
    return ok;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench-loss [--quick] [--count N] [--parallel K] [--scale S] "
                    "[--rtt-ms R] [--seed X] [--loss P,P,...] [--suite psk|psk-gcm|ecdhe] "
                    "[--csv FILE]\n");
    return 2;
}

static int parse_uint(const char *val, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    unsigned long v = val != NULL ? strtoul(val, &end, 10) : 0;
    if (val == NULL || *end != '\0' || v < lo || v > hi) {
        return 0;
    }
    *out = v;
    return 1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    static const double full[] = {0, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.40};
    *o = (struct opts){"psk", 200, 8, 10, 100, UINT64_C(0x6c6f7373), {0}, 0, NULL};
    memcpy(o->loss, full, sizeof(full));
    o->points = (int)(sizeof(full) / sizeof(full[0]));
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long v = 0;
        if (strcmp(arg, "--quick") == 0) {
            o->count = 6;
            o->parallel = 3;
            o->scale = 50;
            o->loss[0] = 0;
            o->loss[1] = 0.2;
            o->points = 2;
            continue;
        }
        if (strcmp(arg, "--suite") == 0 && val != NULL) {
            o->suite = val;
        } else if (strcmp(arg, "--loss") == 0 && val != NULL) {
            /* Percentages separated by commas. */
            char *end = (char *)val;
            o->points = 0;
            while (*end != '\0' && o->points < MAX_POINTS) {
                double pct = strtod(end, &end);
                if (pct < 0 || pct >= 100 || (*end != ',' && *end != '\0')) {
                    return 0;
                }
                o->loss[o->points++] = pct / 100;
                end += *end == ',';
            }
            if (o->points == 0) {
                return 0;
            }
        } else if (strcmp(arg, "--csv") == 0 && val != NULL) {
            o->csv = val;
        } else if (strcmp(arg, "--count") == 0 && parse_uint(val, 1, 100000, &v)) {
            o->count = (int)v;
        } else if (strcmp(arg, "--parallel") == 0 && parse_uint(val, 1, MAX_SLOTS / N_IMPLS, &v)) {
            o->parallel = (int)v;
        } else if (strcmp(arg, "--scale") == 0 && parse_uint(val, 1, 1000, &v) &&
                   LS_RFC_INITIAL_MS % v == 0) {
            /* The scaled timers stay whole milliseconds. */
            o->scale = (unsigned)v;
        } else if (strcmp(arg, "--rtt-ms") == 0 && parse_uint(val, 0, 10000, &v)) {
            o->rtt_ms = (unsigned)v;
        } else if (strcmp(arg, "--seed") == 0 && parse_uint(val, 0, (unsigned long)-1, &v)) {
            o->seed = v;
        } else {
            return 0;
        }
        i++;
    }
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
    if (!bench_csv_open(o.csv, "loss")) {
        return 1;
    }
    bench_csv_meta("version", "GnuTLS", hs_gnutls_version());
    char note[160];
    snprintf(note, sizeof(note), "scale %u, RTT %u ms, %d handshakes per point, limit %d s",
             o.scale, o.rtt_ms, o.count, LIMIT_S);
    bench_csv_meta("method", "", note);
    printf("full DTLS 1.2 handshakes (%s, no cookies) over a link losing each datagram\n"
           "with the given probability, RTT %u ms; %d handshakes per point and implementation;\n"
           "completion time in RFC milliseconds, median / 90th percentile (* some did not\n"
           "complete within %d s); timers and delay divided by %u in real time, times\n"
           "multiplied back; tern (virtual): tern on a virtual clock at RFC timers\n",
           s->name, o.rtt_ms, o.count, LIMIT_S, o.scale);
    int ok = run_all(&o, s, 1);
    if (ok) {
        ok = run_all(&o, s, 0);
    }
    bench_csv_close();
    if (!ok) {
        fprintf(stderr, "bench-loss: CORRECTNESS FAILURE\n");
        return 1;
    }
    return 0;
}
