/* AES-128-CMAC (RFC 4493) with a key set up once and reused for many
 * messages: the MAC of the stateless cookie gate, which runs for every
 * ClientHello from an unverified address and so must not allocate.
 * Restarting CMAC re-keys nothing and copies nothing; HMAC on libcrypto
 * 3.0 copies its keyed digest state for every message, which allocates. */
#ifndef TERN_CRYPTO_CMAC_H
#define TERN_CRYPTO_CMAC_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/hash.h"

#define TERN_CMAC_KEY_LEN 16
#define TERN_CMAC_LEN     16

struct tern_cmac {
    void *ctx;
};

/* Prepares a key (copied into libcrypto's context, wiped with it).
 * Errors: TERN_ERR_ARG, TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_cmac_init(struct tern_cmac *m, const uint8_t key[TERN_CMAC_KEY_LEN]);

/* Computes the MAC of the concatenation of n spans into out. Allocates
 * nothing; two threads must not share one struct tern_cmac.
 * Errors: TERN_ERR_STATE (not initialised), TERN_ERR_CRYPTO. */
int tern_cmac_compute(struct tern_cmac *m, const struct tern_span *parts, size_t n,
                      uint8_t out[TERN_CMAC_LEN]);

/* Frees and wipes. Safe on a cleared or zeroed struct. */
void tern_cmac_clear(struct tern_cmac *m);

#endif
