#include "test.h"

#include <ctype.h>
#include <stdlib.h>

static int g_case_failed;
static int g_failures;

void test_fail(const char *file, int line, const char *what)
{
    if (!g_case_failed) {
        fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
    }
    g_case_failed = 1;
}

void test_fail_int(const char *file, int line, const char *what, long long got, long long want)
{
    if (!g_case_failed) {
        fprintf(stderr, "  %s:%d: check failed: %s (got %lld, want %lld)\n", file, line, what, got,
                want);
    }
    g_case_failed = 1;
}

static void dump(const char *label, const uint8_t *p, size_t len)
{
    fprintf(stderr, "    %s ", label);
    for (size_t i = 0; i < len; i++) {
        fprintf(stderr, "%02x", p[i]);
    }
    fprintf(stderr, "\n");
}

void test_fail_mem(const char *file, int line, const char *what, const uint8_t *got,
                   const uint8_t *want, size_t len)
{
    if (!g_case_failed) {
        fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
        dump("got: ", got, len);
        dump("want:", want, len);
    }
    g_case_failed = 1;
}

int test_run(const struct test_case *cases, size_t n, int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    size_t ran = 0;
    for (size_t i = 0; i < n; i++) {
        if (only != NULL && strcmp(only, cases[i].name) != 0) {
            continue;
        }
        g_case_failed = 0;
        cases[i].fn();
        ran++;
        printf("%s %s\n", g_case_failed ? "FAIL" : "PASS", cases[i].name);
        g_failures += g_case_failed;
    }
    if (ran == 0) {
        fprintf(stderr, "no test case matched\n");
        return 1;
    }
    printf("%zu passed, %d failed\n", ran - (size_t)g_failures, g_failures);
    return g_failures == 0 ? 0 : 1;
}

static int nibble(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = tolower(c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

size_t test_unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p != '\0'; p++) {
        if (isspace((unsigned char)*p)) {
            continue;
        }
        int v = nibble((unsigned char)*p);
        if (v < 0) {
            fprintf(stderr, "test_unhex: bad hex character '%c'\n", *p);
            abort();
        }
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (n >= cap) {
            fprintf(stderr, "test_unhex: output buffer too small\n");
            abort();
        }
        out[n++] = (uint8_t)(hi << 4 | v);
        hi = -1;
    }
    if (hi >= 0) {
        fprintf(stderr, "test_unhex: odd number of hex digits\n");
        abort();
    }
    return n;
}

const char *test_pki_path(const char *name)
{
    static char buf[4][1024];
    static int next;
    const char *dir = getenv("TERN_PKI_DIR");
    char *p = buf[next++ % 4];
    snprintf(p, sizeof(buf[0]), "%s/%s", dir != NULL ? dir : "pki", name);
    return p;
}
