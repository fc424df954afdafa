/* tern: power-on self test.
 *
 * Runs one known-answer test for each cryptographic primitive tern uses
 * (AEADs, hashes, HMAC, the TLS 1.2 PRF, HKDF, key exchange, signatures) and
 * a protected-record round trip, using vectors from the standards that
 * define them. Useful at start-up on a new platform or libcrypto build. */
#ifndef TERN_SELFTEST_H
#define TERN_SELFTEST_H

#include <tern/defs.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called once per test, in order, with a static name ("AES-128-GCM (NIST
 * GCM test case 4)") and the result: TERN_OK or a negative enum tern_err. */
typedef void (*tern_self_test_report_fn)(void *arg, const char *name, int result);

/* Runs every self test. report may be NULL. Returns TERN_OK when all pass,
 * otherwise the error of the first test that failed (all tests still run). */
TERN_API int tern_self_test(tern_self_test_report_fn report, void *arg);

#ifdef __cplusplus
}
#endif

#endif
