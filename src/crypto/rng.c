#include "crypto/rng.h"

#include <limits.h>
#include <string.h>

#include <openssl/rand.h>

#include <tern/err.h>

#include "crypto/hash.h"
#include "util/ct.h"

int tern_rng_bytes(const struct tern_rng *rng, uint8_t *out, size_t len)
{
    if (len == 0) {
        return TERN_OK;
    }
    if (rng != NULL && rng->fn != NULL) {
        return rng->fn(rng->arg, out, len) < 0 ? TERN_ERR_CRYPTO : TERN_OK;
    }
    while (len > 0) {
        int chunk = len > INT_MAX ? INT_MAX : (int)len;
        if (RAND_bytes(out, chunk) != 1) {
            return TERN_ERR_CRYPTO;
        }
        out += chunk;
        len -= (size_t)chunk;
    }
    return TERN_OK;
}

int tern_seeded_rng_init(struct tern_seeded_rng *s, const void *seed, size_t seed_len)
{
    if (s == NULL || (seed == NULL && seed_len > 0)) {
        return TERN_ERR_ARG;
    }
    memset(s, 0, sizeof(*s));
    s->used = sizeof(s->block);
    return tern_hash_oneshot(TERN_HASH_SHA256, seed, seed_len, s->seed);
}

int tern_seeded_rng_fill(void *arg, uint8_t *out, size_t len)
{
    struct tern_seeded_rng *s = arg;
    while (len > 0) {
        if (s->used == sizeof(s->block)) {
            /* block = SHA-256(seed || counter), counter big-endian. */
            uint8_t in[sizeof(s->seed) + 8];
            memcpy(in, s->seed, sizeof(s->seed));
            for (size_t i = 0; i < 8; i++) {
                in[sizeof(s->seed) + i] = (uint8_t)(s->counter >> (56 - 8 * i));
            }
            s->counter++;
            int rc = tern_hash_oneshot(TERN_HASH_SHA256, in, sizeof(in), s->block);
            tern_zeroize(in, sizeof(in));
            if (rc != TERN_OK) {
                return rc;
            }
            s->used = 0;
        }
        size_t n = sizeof(s->block) - s->used;
        n = n < len ? n : len;
        memcpy(out, s->block + s->used, n);
        s->used += n;
        out += n;
        len -= n;
    }
    return TERN_OK;
}
