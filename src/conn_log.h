/* The connection's log lines (conn_log.c): what a callback set with
 * tern_config_set_log_callback() hears. Functions of the configuration and
 * the values they report, so that nothing here reads a connection. */
#ifndef TERN_CONN_LOG_H
#define TERN_CONN_LOG_H

#include <stdint.h>

#include <tern/config.h>
#include <tern/stats.h>

#include "config_impl.h"

/* Whether the callback listens at level: lines are built only then. */
static inline int tern_log_on(const struct tern_config *cfg, enum tern_log_level level)
{
    return cfg->log_max >= (uint8_t)level;
}

/* One line about connection c, if the callback listens at level. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 4, 5)))
#endif
void tern_log(const struct tern_config *cfg, const struct tern_conn *c, enum tern_log_level level,
              const char *fmt, ...);

/* Debug lines for the records dropped between two readings of the
 * counters (enum tern_drop_reason). */
void tern_log_drops(const struct tern_config *cfg, const struct tern_conn *c,
                    const uint32_t before[TERN_DROP_REASONS],
                    const uint32_t now[TERN_DROP_REASONS]);

#endif
