/* The allocator hook (include/tern/alloc.h): once set, every allocation
 * tern makes goes through it and is given back to it, and tern calls
 * malloc itself no more (counted by wrapping malloc at link time, as
 * tests/alloc_count.h does); the hook cannot change once tern has
 * allocated. The hook here is a bump allocator over a static arena, so
 * that it calls no malloc of its own. */
#include <stdalign.h>
#include <string.h>

#include <tern/tern.h>

#include "alloc_count.h"
#include "pair.h"
#include "test.h"

#define ARENA (8u << 20)

struct arena {
    size_t used;
    unsigned long allocs;
    unsigned long frees;
    size_t live; /* bytes handed out and not given back */
};

static alignas(max_align_t) unsigned char g_space[ARENA];
static struct arena g_arena;

/* Each block is preceded by its size, padded to max_align_t. */
#define HEADER                                                                                     \
    ((sizeof(size_t) + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t))

static void *arena_alloc(void *arg, size_t size)
{
    struct arena *a = arg;
    size_t need =
        HEADER + (size + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t);
    if (size == 0 || need > ARENA - a->used) {
        return NULL;
    }
    unsigned char *p = g_space + a->used;
    a->used += need;
    memcpy(p, &size, sizeof(size));
    a->allocs++;
    a->live += size;
    return p + HEADER;
}

static void arena_release(void *arg, void *ptr)
{
    struct arena *a = arg;
    size_t size;
    memcpy(&size, (unsigned char *)ptr - HEADER, sizeof(size));
    a->frees++;
    a->live -= size;
}

static const uint8_t g_id[] = "hook";
static const uint8_t g_key[16] = {0x40, 0x0c};

static void every_allocation_through_the_hook(void)
{
    struct tern_allocator a = {arena_alloc, arena_release, &g_arena};
    struct tern_allocator half = {arena_alloc, NULL, &g_arena};
    CHECK_INT(tern_set_allocator(&half), TERN_ERR_ARG);
    CHECK_INT(tern_set_allocator(&a), TERN_OK);
    alloc_count_reset();
    struct tern_config *cc = NULL;
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_set_psk(cc, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    CHECK_INT(tern_config_set_psk(sc, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    static struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 1), TERN_OK); /* the server behind a cookie gate */
    tern_config_free(cc);
    tern_config_free(sc);
    CHECK(pair_handshake(&p, 100));
    CHECK_INT(pair_send(&p, 1, "ping", 4), 0);
    CHECK_INT(p.server_got_len, 4);
    /* tern called malloc, calloc or realloc itself not once. */
    CHECK_INT(alloc_count_get().tern, 0);
    CHECK(g_arena.allocs > 0);
    printf("  a PSK handshake through the gate: %lu allocations by tern, %lu freed so far\n",
           g_arena.allocs, g_arena.frees);
    /* Changing the allocator now would free blocks with the wrong one. */
    CHECK_INT(tern_set_allocator(NULL), TERN_ERR_STATE);
    CHECK_INT(tern_set_allocator(&a), TERN_ERR_STATE);
    pair_free(&p);
    /* Everything went back to the hook that gave it. */
    CHECK_INT(g_arena.frees, g_arena.allocs);
    CHECK_INT(g_arena.live, 0);
}

int main(int argc, char **argv)
{
    /* Before anything touches libcrypto (its allocations are counted
     * apart). */
    if (alloc_count_init() != 0) {
        return 1;
    }
    static const struct test_case cases[] = {T(every_allocation_through_the_hook)};
    return test_run(cases, 1, argc, argv);
}
