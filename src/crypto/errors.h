/* libcrypto records every failure on an error queue per thread, which the
 * application shares (libssl's SSL_get_error(), for one, expects it empty
 * before each call). tern reports failures through its own error codes,
 * and many are expected on untrusted input (a forged record, a bad
 * signature, a file tried as PEM before DER), so whatever libcrypto queues
 * during a tern call is taken off again: tern_crypto_quiet_begin() before
 * the work, tern_crypto_quiet_end() after it. Pairs may nest. The cost is
 * a few tens of nanoseconds a pair, so the record path uses
 * tern_crypto_forget_failure() instead. */
#ifndef TERN_CRYPTO_ERRORS_H
#define TERN_CRYPTO_ERRORS_H

void tern_crypto_quiet_begin(void);
void tern_crypto_quiet_end(void);

/* After a libcrypto call failed: when the failure is the only entry on the
 * queue (the application had left it empty), takes it off; otherwise
 * leaves the queue alone rather than take the application's entries. */
void tern_crypto_forget_failure(void);

#endif
