/* bench-handshake: heap accounting. malloc, calloc, realloc, free and the
 * aligned allocators are replaced in the executable, so libcrypto, libssl
 * and GnuTLS allocate through them as well as tern; each block is counted
 * at its malloc chunk size (usable size plus glibc's 8-byte header).
 *
 * AddressSanitizer owns malloc itself; replacing it there would take every
 * allocation away from ASan, so under ASan nothing is replaced and the heap
 * is not measured (HS_HEAP_COUNTED is 0). */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

#include "handshake.h"

/* glibc's chunk header: a chunk costs its usable size plus this. */
#define CHUNK_OVERHEAD sizeof(size_t)

#if HS_HEAP_COUNTED
/* glibc's own entry points (what its malloc, free ... are aliases of); the
 * documented way to wrap malloc in the program that replaces it. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t size);

/* Counting runs only inside a measurement, so the timed handshakes pay one
 * predictable branch per call. Single-threaded: nothing here spawns threads. */
static int g_counting;
static struct hs_heap_count g_heap;

static void note_alloc(void *p)
{
    if (g_counting && p != NULL) {
        g_heap.bytes += (long long)(malloc_usable_size(p) + CHUNK_OVERHEAD);
        g_heap.blocks++;
    }
}

static void note_free(void *p)
{
    if (g_counting && p != NULL) {
        g_heap.bytes -= (long long)(malloc_usable_size(p) + CHUNK_OVERHEAD);
        g_heap.blocks--;
    }
}

void *malloc(size_t size)
{
    void *p = __libc_malloc(size);
    note_alloc(p);
    return p;
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    note_alloc(p);
    return p;
}

void free(void *p)
{
    note_free(p);
    __libc_free(p);
}

void *realloc(void *p, size_t size)
{
    /* Counted as a free of the old block and an allocation of the new one;
     * glibc's realloc(p, 0) frees p and returns NULL, and a failed realloc
     * leaves p alone. */
    long long old = p != NULL ? (long long)(malloc_usable_size(p) + CHUNK_OVERHEAD) : 0;
    void *q = __libc_realloc(p, size);
    if (g_counting && (q != NULL || size == 0)) {
        g_heap.bytes -= old;
        g_heap.blocks -= p != NULL;
        note_alloc(q);
    }
    return q;
}

void *memalign(size_t align, size_t size)
{
    void *p = __libc_memalign(align, size);
    note_alloc(p);
    return p;
}

void *aligned_alloc(size_t align, size_t size)
{
    return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0) {
        return EINVAL;
    }
    void *p = memalign(align, size);
    if (p == NULL) {
        return ENOMEM;
    }
    *out = p;
    return 0;
}

void hs_heap_start(void)
{
    g_heap = (struct hs_heap_count){0, 0};
    g_counting = 1;
}

struct hs_heap_count hs_heap_stop(void)
{
    g_counting = 0;
    return g_heap;
}

struct hs_heap_count hs_heap_peek(void)
{
    return g_heap;
}
#else
void hs_heap_start(void)
{
}

struct hs_heap_count hs_heap_stop(void)
{
    return (struct hs_heap_count){0, 0};
}

struct hs_heap_count hs_heap_peek(void)
{
    return (struct hs_heap_count){0, 0};
}
#endif
