#include "util/ct.h"

#include <string.h>

int tern_ct_equal(const void *a, const void *b, size_t len)
{
    const volatile uint8_t *pa = a;
    const volatile uint8_t *pb = b;
    uint8_t diff = 0;
    for (size_t i = 0; i < len; i++) {
        diff |= (uint8_t)(pa[i] ^ pb[i]);
    }
    /* Map 0 -> 1 and 1..255 -> 0 without a data-dependent branch. */
    return (int)(1 & (((unsigned)diff - 1) >> 8));
}

/* A volatile function pointer keeps the optimiser from proving the memset
 * dead, the portable form of explicit_bzero. */
static void *(*const volatile tern_memset_)(void *, int, size_t) = memset;

void tern_zeroize(void *p, size_t len)
{
    if (p != NULL && len > 0) {
        tern_memset_(p, 0, len);
    }
}
