/* Known-answer tests for AES-128-CMAC (src/crypto/cmac.h): the four
 * examples of RFC 4493 section 4, each computed in one piece and split in
 * two at every position, on a context reused across messages. */
#include <string.h>

#include <tern/err.h>

#include "crypto/cmac.h"
#include "test.h"

/* RFC 4493 section 4: K and the message M of which each example takes the
 * first Mlen bytes. */
#define RFC4493_KEY "2b7e1516 28aed2a6 abf71588 09cf4f3c"
#define RFC4493_MSG                                                                                \
    "6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51"                      \
    "30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710"

static struct tern_cmac g_mac;

static void check(size_t mlen, const char *tag_hex)
{
    uint8_t key[16];
    uint8_t msg[64];
    uint8_t want[16];
    CHECK_INT(test_unhex(RFC4493_KEY, key, sizeof(key)), 16);
    CHECK_INT(test_unhex(RFC4493_MSG, msg, sizeof(msg)), 64);
    CHECK_INT(test_unhex(tag_hex, want, sizeof(want)), 16);
    if (g_mac.ctx == NULL) {
        CHECK_INT(tern_cmac_init(&g_mac, key), TERN_OK);
    }
    uint8_t got[16];
    struct tern_span one = {msg, mlen};
    CHECK_INT(tern_cmac_compute(&g_mac, &one, 1, got), TERN_OK);
    CHECK_MEM(got, want, 16);
    for (size_t cut = 0; cut <= mlen; cut++) {
        struct tern_span two[2] = {{msg, cut}, {msg + cut, mlen - cut}};
        memset(got, 0, sizeof(got));
        CHECK_INT(tern_cmac_compute(&g_mac, two, 2, got), TERN_OK);
        CHECK_MEM(got, want, 16);
    }
}

static void example1_empty(void)
{
    check(0, "bb1d6929 e9593728 7fa37d12 9b756746");
}

static void example2_16_bytes(void)
{
    check(16, "070a16b4 6b4d4144 f79bdd9d d04a287c");
}

static void example3_40_bytes(void)
{
    check(40, "dfa66747 de9ae630 30ca3261 1497c827");
}

static void example4_64_bytes(void)
{
    check(64, "51f0bebf 7e3b9d92 fc497417 79363cfe");
}

static void misuse(void)
{
    struct tern_cmac m;
    memset(&m, 0, sizeof(m));
    uint8_t out[16];
    CHECK_INT(tern_cmac_compute(&m, NULL, 0, out), TERN_ERR_STATE);
    CHECK_INT(tern_cmac_compute(NULL, NULL, 0, out), TERN_ERR_STATE);
    CHECK_INT(tern_cmac_init(NULL, out), TERN_ERR_ARG);
    CHECK_INT(tern_cmac_init(&m, NULL), TERN_ERR_ARG);
    tern_cmac_clear(&m);
    tern_cmac_clear(NULL);
    tern_cmac_clear(&g_mac);
}

TEST_MAIN(T(example1_empty), T(example2_16_bytes), T(example3_40_bytes), T(example4_64_bytes),
          T(misuse))
