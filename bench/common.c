/* What every benchmark shares (common.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "common.h"

const uint8_t hs_psk_key[HS_PSK_KEY_LEN] = {0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
                                            0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0};

/* The GnuTLS priority strings start from NONE and name every part, so
 * nothing else is offered; CCM_8 is not in GnuTLS's NORMAL set. OpenSSL's
 * cipher lists name one suite each. */
const struct hs_suite bench_suites[] = {
    {"TLS_PSK_WITH_AES_128_CCM_8", "psk", 0xc0a8, 0, 0, "PSK-AES128-CCM8",
     "NONE:+VERS-DTLS1.2:+PSK:+AES-128-CCM-8:+AEAD:+COMP-NULL:+SIGN-ALL"},
    {"TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "ecdhe", 0xccac, 1, 0,
     "ECDHE-PSK-CHACHA20-POLY1305",
     "NONE:+VERS-DTLS1.2:+ECDHE-PSK:+CHACHA20-POLY1305:+AEAD:+COMP-NULL:+GROUP-" HS_GROUP_NAME
     ":+SIGN-ALL"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ecdsa", 0xc02b, 1, 1,
     "ECDHE-ECDSA-AES128-GCM-SHA256",
     "NONE:+VERS-DTLS1.2:+ECDHE-ECDSA:+AES-128-GCM:+AEAD:+COMP-NULL:+GROUP-" HS_GROUP_NAME
     ":+GROUP-SECP256R1:+SIGN-ECDSA-SHA256:+CTYPE-X509"},
    {"TLS_PSK_WITH_AES_128_GCM_SHA256", "psk-gcm", 0x00a8, 0, 0, "PSK-AES128-GCM-SHA256",
     "NONE:+VERS-DTLS1.2:+PSK:+AES-128-GCM:+AEAD:+COMP-NULL:+SIGN-ALL"},
};
const size_t bench_n_suites = sizeof(bench_suites) / sizeof(bench_suites[0]);

const struct hs_suite *bench_find_suite(const char *arg)
{
    for (size_t i = 0; i < bench_n_suites; i++) {
        if (strcmp(bench_suites[i].arg, arg) == 0) {
            return &bench_suites[i];
        }
    }
    return NULL;
}

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

uint64_t hs_now_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

uint64_t hs_cpu_ns(void)
{
    return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

double bench_now(void)
{
    return (double)hs_now_ns() * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_best(const double *v, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++) {
        m = v[i] > m ? v[i] : m;
    }
    return m;
}

double bench_median(double *v, int n)
{
    if (n <= 0) {
        return 0;
    }
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double bench_quantile(const double *sorted, int n, double q)
{
    if (n <= 0) {
        return 0;
    }
    /* Nearest rank: the smallest value with at least q * n values at or
     * below it. */
    int k = (int)(q * n + 0.999999);
    k = k < 1 ? 1 : k > n ? n : k;
    return sorted[k - 1];
}

static FILE *g_csv;
static const char *g_bench;

/* Free text in double quotes, with quotes doubled (RFC 4180). */
static void csv_text(const char *s)
{
    fputc('"', g_csv);
    for (; s != NULL && *s != '\0'; s++) {
        if (*s == '"') {
            fputc('"', g_csv);
        }
        fputc(*s == '\n' ? ' ' : *s, g_csv);
    }
    fputc('"', g_csv);
}

int bench_csv_open(const char *path, const char *bench)
{
    g_bench = bench;
    if (path == NULL) {
        return 1;
    }
    g_csv = fopen(path, "w");
    if (g_csv == NULL) {
        perror(path);
        return 0;
    }
    fprintf(g_csv, "bench,metric,suite,impl,x,value,note\n");
    bench_csv_meta("version", "OpenSSL", OpenSSL_version(OPENSSL_VERSION));
    return 1;
}

void bench_csv(const char *metric, const char *suite, const char *impl, double x, double value,
               const char *note)
{
    if (g_csv == NULL) {
        return;
    }
    fprintf(g_csv, "%s,%s,%s,%s,%.10g,%.10g,", g_bench, metric, suite != NULL ? suite : "",
            impl != NULL ? impl : "", x, value);
    csv_text(note);
    fputc('\n', g_csv);
    fflush(g_csv);
}

void bench_csv_meta(const char *metric, const char *impl, const char *note)
{
    bench_csv(metric, NULL, impl, 0, 0, note);
}

void bench_csv_close(void)
{
    if (g_csv != NULL) {
        fclose(g_csv);
        g_csv = NULL;
    }
}
