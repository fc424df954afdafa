/* The connection's log lines (conn_log.h). Nothing here is built unless a
 * callback listens at the line's level, and no line holds a secret. */
#include "conn_log.h"

#include <stdarg.h>
#include <stdio.h>

#define LINE_MAX_LEN 200

void tern_log(const struct tern_config *cfg, const struct tern_conn *c, enum tern_log_level level,
              const char *fmt, ...)
{
    if (!tern_log_on(cfg, level)) {
        return;
    }
    char line[LINE_MAX_LEN];
    va_list ap;
    va_start(ap, fmt);
    /* clang-analyzer reports ap as uninitialised although va_start set it
     * on the line above: a false positive. */
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    (void)vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    cfg->log_cb(cfg->log_arg, c, level, line);
}

void tern_log_drops(const struct tern_config *cfg, const struct tern_conn *c,
                    const uint32_t before[TERN_DROP_REASONS], const uint32_t now[TERN_DROP_REASONS])
{
    if (!tern_log_on(cfg, TERN_LOG_DEBUG)) {
        return;
    }
    for (size_t i = 0; i < TERN_DROP_REASONS; i++) {
        if (now[i] > before[i]) {
            tern_log(cfg, c, TERN_LOG_DEBUG, "dropped %u: %s", (unsigned)(now[i] - before[i]),
                     tern_drop_reason_name((enum tern_drop_reason)i));
        }
    }
}
