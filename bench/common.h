/* What every benchmark shares: clocks, the statistics of rounds, the
 * cipher suites as each implementation names them, the pre-shared key,
 * and the machine-readable results (--csv FILE) from which
 * scripts/bench_report.py assembles bench/results/REPORT.md and the plots. */
#ifndef TERN_BENCH_COMMON_H
#define TERN_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Every implementation gets the same identity and key. */
#define HS_PSK_IDENTITY "bench-client"
#define HS_PSK_KEY_LEN  16
extern const uint8_t hs_psk_key[HS_PSK_KEY_LEN];

/* The one ECDHE group of every ECDHE suite, for all three implementations.
 * In the certificate suite every client offers P-256 after it, as the curve
 * of the server's ECDSA certificate must be among the client's groups in
 * DTLS 1.2 (RFC 8422 section 5.1.1; libssl refuses the certificate
 * otherwise); every server still picks HS_GROUP_NAME, which is checked. */
#define HS_GROUP_NAME "X25519"
#define HS_GROUP_ID   29

/* One cipher suite as each implementation names it. */
struct hs_suite {
    const char *name;        /* IANA name, as printed and as tern takes it */
    const char *arg;         /* short name for --suite */
    uint16_t id;             /* IANA code point */
    int ecdhe;               /* ephemeral ECDH over HS_GROUP_NAME (0: plain PSK) */
    int cert;                /* ECDSA certificate, verified by the client (0: PSK) */
    const char *openssl;     /* OpenSSL cipher list */
    const char *gnutls_prio; /* GnuTLS priority string */
};

/* Every suite a benchmark may use; bench_find_suite() finds one by its arg. */
extern const struct hs_suite bench_suites[];
extern const size_t bench_n_suites;
const struct hs_suite *bench_find_suite(const char *arg);

/* Monotonic clock and this thread's CPU time, nanoseconds. */
uint64_t hs_now_ns(void);
uint64_t hs_cpu_ns(void);
/* The monotonic clock in seconds. */
double bench_now(void);

/* The largest of n values (0 when n is 0), and the median (sorts v). */
double bench_best(const double *v, int n);
double bench_median(double *v, int n);
/* The value below which a fraction q (0..1) of the n sorted values lie
 * (nearest rank). */
double bench_quantile(const double *sorted, int n, double q);

/* Machine-readable results: one CSV row per figure,
 *   bench,metric,suite,impl,x,value,note
 * (x: the abscissa of a plot, such as a payload size, a session count or a
 * loss rate; note: free text, quoted). bench_csv_open() with NULL writes
 * nothing; it also writes libcrypto's version (the GnuTLS benchmarks add
 * GnuTLS's with bench_csv_meta()). Returns 0
 * when the file cannot be opened. */
int bench_csv_open(const char *path, const char *bench);
void bench_csv(const char *metric, const char *suite, const char *impl, double x, double value,
               const char *note);
void bench_csv_close(void);

/* A row of metadata (metric "version" and the like), value 0. */
void bench_csv_meta(const char *metric, const char *impl, const char *note);

#endif
