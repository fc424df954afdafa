/* libcrypto records every failure on an error queue per thread, which the
 * application shares (libssl's SSL_get_error(), for one, expects it empty
 * before each call). tern reports failures through its own error codes,
 * and many are expected on untrusted input (a forged record, a bad
 * signature, a file tried as PEM before DER), so whatever libcrypto queues
 * during a tern call is taken off again, and nothing else:
 * tern_crypto_quiet_begin() before the work (ERR_set_mark), then
 * tern_crypto_quiet_end() after it (ERR_pop_to_mark). Pairs may nest. The
 * cost is a few tens of nanoseconds a pair, so an established
 * connection's record path brackets only what can queue (crypto/aead.c). */
#ifndef TERN_CRYPTO_ERRORS_H
#define TERN_CRYPTO_ERRORS_H

void tern_crypto_quiet_begin(void);
void tern_crypto_quiet_end(void);

#endif
