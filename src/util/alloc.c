/* The process-wide allocator (include/tern/alloc.h). */
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include <tern/alloc.h>
#include <tern/err.h>

static void *std_alloc(void *arg, size_t size)
{
    (void)arg;
    return malloc(size);
}

static void std_release(void *arg, void *ptr)
{
    (void)arg;
    free(ptr);
}

static struct tern_allocator g_allocator = {std_alloc, std_release, NULL};
/* Set on the first allocation: from then on the allocator must not change,
 * or a block would be freed by a function that did not allocate it. */
static int g_used;

int tern_set_allocator(const struct tern_allocator *a)
{
    if (a != NULL && (a->alloc == NULL || a->release == NULL)) {
        return TERN_ERR_ARG;
    }
    if (__atomic_load_n(&g_used, __ATOMIC_ACQUIRE)) {
        return TERN_ERR_STATE;
    }
    if (a == NULL) {
        g_allocator = (struct tern_allocator){std_alloc, std_release, NULL};
    } else {
        g_allocator = *a;
    }
    return TERN_OK;
}

void *tern_alloc(size_t size)
{
    if (!__atomic_load_n(&g_used, __ATOMIC_RELAXED)) {
        __atomic_store_n(&g_used, 1, __ATOMIC_RELEASE);
    }
    return g_allocator.alloc(g_allocator.arg, size > 0 ? size : 1);
}

void *tern_calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        return NULL;
    }
    void *p = tern_alloc(n * size);
    if (p != NULL) {
        memset(p, 0, n * size > 0 ? n * size : 1);
    }
    return p;
}

void *tern_realloc(void *p, size_t old_size, size_t size)
{
    void *q = tern_alloc(size);
    if (q == NULL) {
        return NULL;
    }
    if (p != NULL) {
        memcpy(q, p, old_size < size ? old_size : size);
        tern_free(p);
    }
    return q;
}

void tern_free(void *p)
{
    if (p != NULL) {
        g_allocator.release(g_allocator.arg, p);
    }
}
