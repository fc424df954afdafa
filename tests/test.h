/* A minimal test harness: each test binary lists its cases with
 * TEST_MAIN(T(case_a), T(case_b), ...); every case prints PASS or FAIL with
 * the first failed check, and the binary exits non-zero when any failed.
 * `binary NAME` runs only the case called NAME. */
#ifndef TERN_TEST_H
#define TERN_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct test_case {
    const char *name;
    void (*fn)(void);
};

/* Records a failure of the running case (used through the CHECK macros). */
void test_fail(const char *file, int line, const char *what);
void test_fail_int(const char *file, int line, const char *what, long long got, long long want);
void test_fail_mem(const char *file, int line, const char *what, const uint8_t *got,
                   const uint8_t *want, size_t len);

/* Runs the cases (all, or the one named in argv[1]); returns the exit status. */
int test_run(const struct test_case *cases, size_t n, int argc, char **argv);

/* Decodes a hex string (whitespace ignored) into out; returns the byte count.
 * Aborts the test binary on malformed hex or when out is too small: vectors
 * are written by hand and a typo must not pass silently. */
size_t test_unhex(const char *hex, uint8_t *out, size_t cap);

/* The path of a file of the test PKI (tests/pki/make_pki.sh writes it to
 * $TERN_PKI_DIR, "pki" when unset), in one of four static buffers: valid
 * until the fourth call after it. Not for several threads at once. */
const char *test_pki_path(const char *name);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            test_fail(__FILE__, __LINE__, #cond);                                                  \
        }                                                                                          \
    } while (0)

#define CHECK_INT(got, want)                                                                       \
    do {                                                                                           \
        long long got_ = (long long)(got);                                                         \
        long long want_ = (long long)(want);                                                       \
        if (got_ != want_) {                                                                       \
            test_fail_int(__FILE__, __LINE__, #got " == " #want, got_, want_);                     \
        }                                                                                          \
    } while (0)

#define CHECK_MEM(got, want, len)                                                                  \
    do {                                                                                           \
        if (memcmp((got), (want), (len)) != 0) {                                                   \
            test_fail_mem(__FILE__, __LINE__, #got " == " #want, (const uint8_t *)(got),           \
                          (const uint8_t *)(want), (len));                                         \
        }                                                                                          \
    } while (0)

#define T(fn)                                                                                      \
    {                                                                                              \
#fn, fn                                                                                    \
    }

#define TEST_MAIN(...)                                                                             \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        static const struct test_case cases_[] = {__VA_ARGS__};                                    \
        return test_run(cases_, sizeof(cases_) / sizeof(cases_[0]), argc, argv);                   \
    }

#endif
