/* The anti-replay window (RFC 6347 section 4.1.2.6). */
#include <tern/err.h>

#include "record/replay.h"
#include "test.h"

static void accept(struct tern_replay *w, uint64_t seq)
{
    CHECK_INT(tern_replay_check(w, seq), TERN_OK);
    tern_replay_update(w, seq);
}

static void first_record_any_number(void)
{
    struct tern_replay w;
    tern_replay_init(&w);
    CHECK_INT(tern_replay_check(&w, 0), TERN_OK);
    CHECK_INT(tern_replay_check(&w, UINT64_C(0xffffffffffff)), TERN_OK);
    accept(&w, 1000);
    CHECK_INT(tern_replay_check(&w, 1000), TERN_ERR_REPLAY);
}

static void duplicate(void)
{
    struct tern_replay w;
    tern_replay_init(&w);
    accept(&w, 0);
    accept(&w, 1);
    accept(&w, 2);
    CHECK_INT(tern_replay_check(&w, 0), TERN_ERR_REPLAY);
    CHECK_INT(tern_replay_check(&w, 1), TERN_ERR_REPLAY);
    CHECK_INT(tern_replay_check(&w, 2), TERN_ERR_REPLAY);
    CHECK_INT(tern_replay_check(&w, 3), TERN_OK);
}

static void out_of_order_inside_window(void)
{
    struct tern_replay w;
    tern_replay_init(&w);
    accept(&w, 100);
    accept(&w, 90); /* late but inside: accepted once */
    CHECK_INT(tern_replay_check(&w, 90), TERN_ERR_REPLAY);
    accept(&w, 95);
    accept(&w, 101);
    CHECK_INT(tern_replay_check(&w, 95), TERN_ERR_REPLAY);
    CHECK_INT(tern_replay_check(&w, 99), TERN_OK); /* never seen */
    /* The left edge: top - 63 is inside, top - 64 is too old. */
    CHECK_INT(tern_replay_check(&w, 101 - (TERN_REPLAY_WINDOW - 1)), TERN_OK);
    CHECK_INT(tern_replay_check(&w, 101 - TERN_REPLAY_WINDOW), TERN_ERR_REPLAY);
}

static void too_old(void)
{
    struct tern_replay w;
    tern_replay_init(&w);
    accept(&w, 500);
    CHECK_INT(tern_replay_check(&w, 0), TERN_ERR_REPLAY);
    CHECK_INT(tern_replay_check(&w, 500 - TERN_REPLAY_WINDOW), TERN_ERR_REPLAY);
}

/* A jump far ahead clears the window; what was inside is now too old, and
 * numbers between the old and new top that were never seen stay acceptable
 * while they are inside the new window. */
static void far_ahead(void)
{
    struct tern_replay w;
    tern_replay_init(&w);
    accept(&w, 10);
    accept(&w, 11);
    accept(&w, 10 + 1000);
    CHECK_INT(tern_replay_check(&w, 11), TERN_ERR_REPLAY);
    CHECK_INT(tern_replay_check(&w, 1009), TERN_OK);
    CHECK_INT(tern_replay_check(&w, 1010), TERN_ERR_REPLAY);
    /* A shift of exactly the window width keeps nothing of the old bitmap. */
    accept(&w, 1010 + TERN_REPLAY_WINDOW);
    CHECK_INT(tern_replay_check(&w, 1010), TERN_ERR_REPLAY);
    CHECK_INT(tern_replay_check(&w, 1011), TERN_OK);
    /* The 48-bit maximum works as a right edge. */
    accept(&w, UINT64_C(0xffffffffffff));
    CHECK_INT(tern_replay_check(&w, UINT64_C(0xfffffffffffe)), TERN_OK);
}

/* Checking alone never changes the window: it is updated only after a
 * record authenticates. */
static void check_does_not_update(void)
{
    struct tern_replay w;
    tern_replay_init(&w);
    accept(&w, 5);
    CHECK_INT(tern_replay_check(&w, 1000), TERN_OK);
    CHECK_INT(tern_replay_check(&w, 1000), TERN_OK);
    CHECK_INT(tern_replay_check(&w, 4), TERN_OK);
    CHECK(w.top == 5);
}

static void every_slot_of_the_window(void)
{
    struct tern_replay w;
    tern_replay_init(&w);
    for (uint64_t s = 0; s < 200; s += 2) {
        accept(&w, s);
    }
    for (uint64_t s = 198 - (TERN_REPLAY_WINDOW - 1); s <= 198; s++) {
        CHECK_INT(tern_replay_check(&w, s), s % 2 == 0 ? TERN_ERR_REPLAY : TERN_OK);
    }
}

TEST_MAIN(T(first_record_any_number), T(duplicate), T(out_of_order_inside_window), T(too_old),
          T(far_ahead), T(check_does_not_update), T(every_slot_of_the_window))
