/* Names of the drop reasons (include/tern/stats.h). */
#include <tern/stats.h>

#include <stddef.h>

const char *tern_drop_reason_name(enum tern_drop_reason why)
{
    static const char *const names[TERN_DROP_REASONS] = {
        [TERN_DROP_MALFORMED] = "malformed",
        [TERN_DROP_TOO_LONG] = "too long",
        [TERN_DROP_BAD_TYPE] = "unknown content type",
        [TERN_DROP_BAD_VERSION] = "wrong version",
        [TERN_DROP_EPOCH] = "epoch not read now",
        [TERN_DROP_REPLAY] = "replayed",
        [TERN_DROP_AUTH] = "failed authentication",
        [TERN_DROP_UNPROTECTED] = "data without keys",
        [TERN_DROP_CONFLICT] = "conflicting fragment",
        [TERN_DROP_UNEXPECTED] = "unexpected",
        [TERN_DROP_REPEAT_UNANSWERED] = "repeat not answered",
    };
    if ((unsigned)why >= TERN_DROP_REASONS || names[why] == NULL) {
        return "unknown reason";
    }
    return names[why];
}
