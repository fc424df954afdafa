/* Allocation counting and failure injection for tests (alloc_count.h). */
#include "alloc_count.h"

#include <stdlib.h>

#include <openssl/crypto.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);

static struct alloc_counts g_counts;
/* Allocations left until the one that fails (0: none will). */
static unsigned long g_until_fail;
static int g_failed;

/* Counts one allocation and decides whether it fails. */
static int take(void)
{
    if (g_until_fail == 0) {
        return 1;
    }
    if (--g_until_fail > 0) {
        return 1;
    }
    g_failed = 1;
    return 0;
}

void *__wrap_malloc(size_t size)
{
    g_counts.tern++;
    g_counts.tern_bytes += size;
    return take() ? __real_malloc(size) : NULL;
}

void *__wrap_calloc(size_t n, size_t size)
{
    g_counts.tern++;
    g_counts.tern_bytes += n * size;
    return take() ? __real_calloc(n, size) : NULL;
}

void *__wrap_realloc(void *p, size_t size)
{
    g_counts.tern++;
    g_counts.tern_bytes += size;
    return take() ? __real_realloc(p, size) : NULL;
}

void __wrap_free(void *p)
{
    __real_free(p);
}

static void *crypto_malloc(size_t size, const char *file, int line)
{
    (void)file;
    (void)line;
    g_counts.crypto++;
    g_counts.crypto_bytes += size;
    return take() ? __real_malloc(size) : NULL;
}

static void *crypto_realloc(void *p, size_t size, const char *file, int line)
{
    (void)file;
    (void)line;
    g_counts.crypto++;
    g_counts.crypto_bytes += size;
    return take() ? __real_realloc(p, size) : NULL;
}

static void crypto_free(void *p, const char *file, int line)
{
    (void)file;
    (void)line;
    __real_free(p);
}

int alloc_count_init(void)
{
    return CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc, crypto_free) == 1 ? 0 : -1;
}

void alloc_count_reset(void)
{
    g_counts = (struct alloc_counts){0, 0, 0, 0};
}

struct alloc_counts alloc_count_get(void)
{
    return g_counts;
}

void alloc_fail_nth(unsigned long n)
{
    g_until_fail = n;
    if (n != 0) {
        g_failed = 0;
    }
}

int alloc_fail_reached(void)
{
    return g_failed;
}
