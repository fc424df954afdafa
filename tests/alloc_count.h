/* Counts, and on request fails, the heap allocations of tern and of
 * libcrypto in a test executable, so that a test can check that an attack
 * allocated nothing, and that every allocation failure ends in a clean
 * error instead of a crash or a leak.
 *
 * tern's own calls to malloc, calloc, realloc and free are redirected here
 * at link time (the test links with --wrap for each, see
 * tests/CMakeLists.txt); libcrypto's go through CRYPTO_set_mem_functions(),
 * which alloc_count_init() must install before anything else in the
 * process touches libcrypto. Both keep working under AddressSanitizer,
 * which still sees every block. Single-threaded. */
#ifndef TERN_TEST_ALLOC_COUNT_H
#define TERN_TEST_ALLOC_COUNT_H

#include <stddef.h>

/* Installs the libcrypto hooks. Returns 0, or -1 when libcrypto had
 * already allocated (call it first in main). */
int alloc_count_init(void);

/* Allocations (malloc, calloc, realloc) by tern and by libcrypto since the
 * last reset, and the bytes they asked for. */
struct alloc_counts {
    unsigned long tern;
    unsigned long crypto;
    size_t tern_bytes;
    size_t crypto_bytes;
};

void alloc_count_reset(void);
struct alloc_counts alloc_count_get(void);

/* Makes the n-th allocation from now (1: the next one), by tern or by
 * libcrypto, fail; the ones before and after it succeed. 0 turns failing
 * off. alloc_fail_reached() tells whether the allocation chosen last
 * happened (and failed), also after failing was turned off. */
void alloc_fail_nth(unsigned long n);
int alloc_fail_reached(void);

#endif
