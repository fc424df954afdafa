/* tern's own allocations, through the allocator the application set
 * (include/tern/alloc.h). Nothing in tern calls malloc, calloc, realloc or
 * free directly. */
#ifndef TERN_UTIL_ALLOC_H
#define TERN_UTIL_ALLOC_H

#include <stddef.h>

/* size bytes (uninitialised), or NULL. A size of 0 asks for 1 byte. */
void *tern_alloc(size_t size);

/* n * size bytes set to zero, or NULL (also when n * size overflows). */
void *tern_calloc(size_t n, size_t size);

/* A block of size bytes holding the first old_size bytes of p (which it
 * frees); NULL when that fails, and then p is untouched. p may be NULL. */
void *tern_realloc(void *p, size_t old_size, size_t size);

/* Gives p back (NULL is fine). */
void tern_free(void *p);

#endif
