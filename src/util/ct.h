/* Constant-time comparison and zeroization of secrets. */
#ifndef TERN_UTIL_CT_H
#define TERN_UTIL_CT_H

#include <stddef.h>
#include <stdint.h>

/* Returns 1 when a and b hold the same len bytes, else 0. The time taken
 * depends only on len, never on where the buffers differ. */
int tern_ct_equal(const void *a, const void *b, size_t len);

/* Overwrites len bytes at p with zeros in a way the compiler may not remove.
 * p may be NULL when len is 0. */
void tern_zeroize(void *p, size_t len);

#endif
