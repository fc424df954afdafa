/* Randomness: libcrypto's CSPRNG by default, or a generator the caller
 * installs. Tests install the deterministic generator below so that a whole
 * handshake is reproducible byte for byte. */
#ifndef TERN_CRYPTO_RNG_H
#define TERN_CRYPTO_RNG_H

#include <stddef.h>
#include <stdint.h>

/* Fills out with len random bytes; returns 0 on success, negative on failure. */
typedef int (*tern_rng_fn)(void *arg, uint8_t *out, size_t len);

struct tern_rng {
    tern_rng_fn fn; /* NULL: libcrypto's CSPRNG (RAND_bytes) */
    void *arg;
};

/* Fills out with len bytes from rng, or from libcrypto's CSPRNG when rng is
 * NULL or has no fn. Errors: TERN_ERR_CRYPTO (the generator failed). */
int tern_rng_bytes(const struct tern_rng *rng, uint8_t *out, size_t len);

/* A deterministic generator for tests: SHA-256 in counter mode over a seed.
 * Not a CSPRNG for production keys; it exists so that transcripts repeat. */
struct tern_seeded_rng {
    uint8_t seed[32];
    uint64_t counter;
    uint8_t block[32];
    size_t used; /* bytes of block already handed out */
};

/* Seeds s from seed_len bytes (hashed to 32). Errors: TERN_ERR_ARG, TERN_ERR_CRYPTO. */
int tern_seeded_rng_init(struct tern_seeded_rng *s, const void *seed, size_t seed_len);

/* The tern_rng_fn for a struct tern_seeded_rng passed as arg. */
int tern_seeded_rng_fill(void *arg, uint8_t *out, size_t len);

#endif
