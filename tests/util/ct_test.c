/* Constant-time compare and zeroize. */
#include "test.h"
#include "util/ct.h"

static void equal_and_unequal(void)
{
    uint8_t a[64];
    uint8_t b[64];
    for (size_t i = 0; i < sizeof(a); i++) {
        a[i] = b[i] = (uint8_t)(i * 7);
    }
    CHECK_INT(tern_ct_equal(a, b, sizeof(a)), 1);
    CHECK_INT(tern_ct_equal(a, b, 0), 1);
    /* A difference in any byte and any bit is seen. */
    for (size_t i = 0; i < sizeof(a); i++) {
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1u << bit);
            CHECK_INT(tern_ct_equal(a, b, sizeof(a)), 0);
            b[i] ^= (uint8_t)(1u << bit);
        }
    }
    b[63] = (uint8_t)~a[63];
    CHECK_INT(tern_ct_equal(a, b, 63), 1);
}

static void zeroize_clears(void)
{
    uint8_t secret[33];
    memset(secret, 0x5a, sizeof(secret));
    tern_zeroize(secret, sizeof(secret));
    for (size_t i = 0; i < sizeof(secret); i++) {
        CHECK_INT(secret[i], 0);
    }
    tern_zeroize(NULL, 0); /* allowed */
}

TEST_MAIN(T(equal_and_unequal), T(zeroize_clears))
