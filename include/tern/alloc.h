/* tern: where tern's own memory comes from.
 *
 * Every allocation tern makes itself (connections, handshake state,
 * configurations, credentials, gates) goes through one process-wide
 * allocator: malloc and free by default, or the functions the application
 * sets here, for an embedded heap, a pool, or counting. libcrypto allocates
 * through its own functions, which the application sets with libcrypto's
 * CRYPTO_set_mem_functions() if it wants them counted too. */
#ifndef TERN_ALLOC_H
#define TERN_ALLOC_H

#include <tern/defs.h>

#ifdef __cplusplus
extern "C" {
#endif

/* alloc returns size bytes suitably aligned for any object, or NULL;
 * release frees what alloc returned (never given NULL). arg is passed to
 * both. size is never 0. */
struct tern_allocator {
    void *(*alloc)(void *arg, size_t size);
    void (*release)(void *arg, void *ptr);
    void *arg;
};

/* Replaces the allocator for the whole process (a copy is kept); NULL
 * restores malloc and free. Set it once, before any other tern call:
 * memory from one allocator must go back to the same one, so once tern has
 * allocated anything the call is refused. Not thread-safe: call it before
 * threads use tern. Errors: TERN_ERR_ARG (alloc or release NULL),
 * TERN_ERR_STATE (tern has already allocated). */
TERN_API int tern_set_allocator(const struct tern_allocator *a);

#ifdef __cplusplus
}
#endif

#endif
