/* Key derivation: the TLS 1.2 PRF and HKDF (with TLS 1.3's HKDF-Expand-Label). */
#ifndef TERN_CRYPTO_KDF_H
#define TERN_CRYPTO_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/hash.h"

/* HKDF-Expand-Label prefixes: "tls13 " for TLS 1.3 (RFC 8446 section 7.1),
 * "dtls13" for DTLS 1.3 (RFC 9147 section 5.9). Both are six bytes. */
#define TERN_HKDF_PREFIX_TLS13  "tls13 "
#define TERN_HKDF_PREFIX_DTLS13 "dtls13"

/* PRF(secret, label, seed) of RFC 5246 section 5 with P_<alg>, where seed is
 * the concatenation of n_seed spans (for example client_random and
 * server_random). Writes out_len bytes.
 * Errors: TERN_ERR_ARG, TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_tls12_prf(int alg, const uint8_t *secret, size_t secret_len, const char *label,
                   const struct tern_span *seed, size_t n_seed, uint8_t *out, size_t out_len);

/* HKDF-Extract (RFC 5869 section 2.2): writes tern_hash_len(alg) bytes of PRK.
 * A NULL or empty salt means a string of HashLen zeros, as RFC 5869 says.
 * Errors: TERN_ERR_ARG, TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_hkdf_extract(int alg, const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                      size_t ikm_len, uint8_t *prk);

/* HKDF-Expand (RFC 5869 section 2.3): writes out_len (at most 255 * HashLen)
 * bytes. Errors: TERN_ERR_ARG, TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_hkdf_expand(int alg, const uint8_t *prk, size_t prk_len, const uint8_t *info,
                     size_t info_len, uint8_t *out, size_t out_len);

/* HKDF-Expand-Label (RFC 8446 section 7.1) with a six-byte prefix (one of the
 * TERN_HKDF_PREFIX_ macros): the HkdfLabel struct is built here.
 * Errors: TERN_ERR_ARG (label empty or too long, context too long, bad
 * prefix), and those of
 * tern_hkdf_expand(). */
int tern_hkdf_expand_label(int alg, const char *prefix, const uint8_t *secret, size_t secret_len,
                           const char *label, const uint8_t *context, size_t context_len,
                           uint8_t *out, size_t out_len);

#endif
