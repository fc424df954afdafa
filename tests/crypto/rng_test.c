/* Tests for the randomness interface and the seeded test generator
 * (src/crypto/rng.h). There is no published vector for the seeded generator;
 * its stream is pinned against its construction (SHA-256 in counter mode over
 * SHA-256(seed), see rng.c) computed with the SHA-256 that hash_test.c checks
 * against FIPS 180-2, so that recorded transcripts stay reproducible. */
#include <string.h>

#include <tern/err.h>

#include "crypto/hash.h"
#include "crypto/rng.h"
#include "test.h"

static int all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

/* libcrypto's generator (rng NULL, or a struct without fn) fills the buffer,
 * and two draws differ. */
static void null_rng_fills(void)
{
    uint8_t a[64];
    uint8_t b[64];
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    CHECK_INT(tern_rng_bytes(NULL, a, sizeof(a)), TERN_OK);
    CHECK_INT(tern_rng_bytes(NULL, b, sizeof(b)), TERN_OK);
    CHECK(!all_zero(a, sizeof(a)));
    CHECK(!all_zero(b, sizeof(b)));
    CHECK(memcmp(a, b, sizeof(a)) != 0);

    struct tern_rng no_fn = {NULL, NULL};
    memset(b, 0, sizeof(b));
    CHECK_INT(tern_rng_bytes(&no_fn, b, sizeof(b)), TERN_OK);
    CHECK(!all_zero(b, sizeof(b)));
    CHECK(memcmp(a, b, sizeof(a)) != 0);

    /* Zero bytes asked: nothing to do, even with no buffer. */
    CHECK_INT(tern_rng_bytes(NULL, NULL, 0), TERN_OK);
}

static void seeded_draw(const char *seed, uint8_t *out, size_t len)
{
    struct tern_seeded_rng s;
    CHECK_INT(tern_seeded_rng_init(&s, seed, strlen(seed)), TERN_OK);
    struct tern_rng rng = {tern_seeded_rng_fill, &s};
    CHECK_INT(tern_rng_bytes(&rng, out, len), TERN_OK);
}

/* Two generators with the same seed give the same stream. */
static void seeded_deterministic(void)
{
    uint8_t a[200];
    uint8_t b[200];
    seeded_draw("tern rng test", a, sizeof(a));
    seeded_draw("tern rng test", b, sizeof(b));
    CHECK_MEM(a, b, sizeof(a));
    CHECK(!all_zero(a, sizeof(a)));
}

/* Another seed, even one byte different or a prefix, gives another stream. */
static void seeded_differs_by_seed(void)
{
    uint8_t a[64];
    uint8_t b[64];
    uint8_t c[64];
    seeded_draw("tern rng test", a, sizeof(a));
    seeded_draw("tern rng tesT", b, sizeof(b));
    seeded_draw("tern rng tes", c, sizeof(c));
    CHECK(memcmp(a, b, sizeof(a)) != 0);
    CHECK(memcmp(a, c, sizeof(a)) != 0);
    CHECK(memcmp(b, c, sizeof(b)) != 0);
}

/* The stream does not depend on how it is read: one call of 300 bytes equals
 * calls of 1, 2, 3, ... bytes (crossing the 32-byte block boundaries at every
 * offset), and equals reads through tern_seeded_rng_fill() directly. */
static void seeded_same_stream_in_pieces(void)
{
    uint8_t whole[300];
    uint8_t pieces[300];
    uint8_t direct[300];
    seeded_draw("pieces", whole, sizeof(whole));

    struct tern_seeded_rng s;
    CHECK_INT(tern_seeded_rng_init(&s, "pieces", 6), TERN_OK);
    struct tern_rng rng = {tern_seeded_rng_fill, &s};
    size_t off = 0;
    size_t step = 1;
    while (off < sizeof(pieces)) {
        size_t n = step < sizeof(pieces) - off ? step : sizeof(pieces) - off;
        CHECK_INT(tern_rng_bytes(&rng, pieces + off, n), TERN_OK);
        off += n;
        step++;
    }
    CHECK_MEM(pieces, whole, sizeof(whole));

    CHECK_INT(tern_seeded_rng_init(&s, "pieces", 6), TERN_OK);
    CHECK_INT(tern_seeded_rng_fill(&s, direct, 31), TERN_OK);
    CHECK_INT(tern_seeded_rng_fill(&s, direct + 31, 2), TERN_OK);
    CHECK_INT(tern_seeded_rng_fill(&s, direct + 33, 0), TERN_OK);
    CHECK_INT(tern_seeded_rng_fill(&s, direct + 33, sizeof(direct) - 33), TERN_OK);
    CHECK_MEM(direct, whole, sizeof(whole));
}

/* The stream is SHA-256(SHA-256(seed) || counter), counter a big-endian
 * uint64 from 0: the first three blocks, computed independently here. */
static void seeded_construction(void)
{
    static const char seed[] = "tern";
    uint8_t stream[96];
    uint8_t want[96];
    uint8_t in[40];
    seeded_draw(seed, stream, sizeof(stream));
    CHECK_INT(tern_hash_oneshot(TERN_HASH_SHA256, seed, 4, in), TERN_OK);
    for (uint8_t i = 0; i < 3; i++) {
        memset(in + 32, 0, 8);
        in[39] = i;
        CHECK_INT(tern_hash_oneshot(TERN_HASH_SHA256, in, sizeof(in), want + 32 * i), TERN_OK);
    }
    CHECK_MEM(stream, want, sizeof(want));
}

/* An empty seed is a seed (SHA-256 of nothing), and init checks its input. */
static void seeded_init_errors(void)
{
    struct tern_seeded_rng s;
    uint8_t a[32];
    uint8_t b[32];
    CHECK_INT(tern_seeded_rng_init(&s, NULL, 0), TERN_OK);
    CHECK_INT(tern_seeded_rng_fill(&s, a, sizeof(a)), TERN_OK);
    CHECK_INT(tern_seeded_rng_init(&s, "", 0), TERN_OK);
    CHECK_INT(tern_seeded_rng_fill(&s, b, sizeof(b)), TERN_OK);
    CHECK_MEM(a, b, sizeof(a));
    CHECK_INT(tern_seeded_rng_init(&s, NULL, 1), TERN_ERR_ARG);
    CHECK_INT(tern_seeded_rng_init(NULL, "x", 1), TERN_ERR_ARG);
}

struct counting_rng {
    int calls;
    size_t last_len;
    int fail;
};

static int counting_fill(void *arg, uint8_t *out, size_t len)
{
    struct counting_rng *c = arg;
    c->calls++;
    c->last_len = len;
    if (c->fail) {
        return -1;
    }
    memset(out, 0x42, len);
    return 0;
}

/* A custom generator gets its own argument and the requested length; its
 * failure is reported as TERN_ERR_CRYPTO. */
static void custom_rng(void)
{
    struct counting_rng c = {0, 0, 0};
    struct tern_rng rng = {counting_fill, &c};
    uint8_t buf[17] = {0};
    CHECK_INT(tern_rng_bytes(&rng, buf, sizeof(buf)), TERN_OK);
    CHECK_INT(c.calls, 1);
    CHECK_INT(c.last_len, sizeof(buf));
    CHECK_INT(buf[0], 0x42);
    CHECK_INT(buf[16], 0x42);
    /* Nothing asked: the generator is not called. */
    CHECK_INT(tern_rng_bytes(&rng, buf, 0), TERN_OK);
    CHECK_INT(c.calls, 1);

    c.fail = 1;
    CHECK_INT(tern_rng_bytes(&rng, buf, sizeof(buf)), TERN_ERR_CRYPTO);
    CHECK_INT(c.calls, 2);
}

TEST_MAIN(T(null_rng_fills), T(seeded_deterministic), T(seeded_differs_by_seed),
          T(seeded_same_stream_in_pieces), T(seeded_construction), T(seeded_init_errors),
          T(custom_rng))
