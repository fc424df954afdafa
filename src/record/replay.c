#include "record/replay.h"

#include <tern/err.h>

void tern_replay_init(struct tern_replay *w)
{
    w->top = 0;
    w->bitmap = 0;
}

int tern_replay_check(const struct tern_replay *w, uint64_t seq)
{
    if (w->bitmap == 0 || seq > w->top) {
        return TERN_OK;
    }
    uint64_t behind = w->top - seq;
    if (behind >= TERN_REPLAY_WINDOW) {
        return TERN_ERR_REPLAY; /* left of the window: too old to tell */
    }
    return (w->bitmap >> behind) & 1 ? TERN_ERR_REPLAY : TERN_OK;
}

void tern_replay_update(struct tern_replay *w, uint64_t seq)
{
    if (w->bitmap == 0) {
        w->top = seq;
        w->bitmap = 1;
        return;
    }
    if (seq > w->top) {
        uint64_t shift = seq - w->top;
        w->bitmap = shift >= TERN_REPLAY_WINDOW ? 0 : w->bitmap << shift;
        w->bitmap |= 1;
        w->top = seq;
        return;
    }
    uint64_t behind = w->top - seq;
    if (behind < TERN_REPLAY_WINDOW) {
        w->bitmap |= UINT64_C(1) << behind;
    }
}
