/* The connection's log lines and state announcements (conn_log.c): what
 * tern_config_set_log_callback() and tern_config_set_state_callback()
 * hear. */
#ifndef TERN_CONN_LOG_H
#define TERN_CONN_LOG_H

#include <tern/config.h>

#include "config_impl.h"
#include "conn_impl.h"

/* Whether a log callback listens at level: lines are built only then. */
static inline int tern_conn_logs(const struct tern_conn *c, enum tern_log_level level)
{
    return c->cfg->log_max >= (uint8_t)level;
}

/* One line to the log callback, if it listens at level. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
void tern_conn_log(const struct tern_conn *c, enum tern_log_level level, const char *fmt, ...);

/* The line for a connection that just entered its current state. */
void tern_conn_log_state(const struct tern_conn *c);

/* Debug lines for the records dropped since the counters read before. */
void tern_conn_log_drops(const struct tern_conn *c, const uint32_t before[TERN_DROP_REASONS]);

#endif
