/* The connection's log lines (conn_log.h). Nothing here is built unless a
 * callback listens at the line's level, and no line holds a secret. */
#include "conn_log.h"

#include <stdarg.h>
#include <stdio.h>

#include <tern/err.h>

#define LINE_MAX_LEN 200

void tern_conn_log(const struct tern_conn *c, enum tern_log_level level, const char *fmt, ...)
{
    if (!tern_conn_logs(c, level)) {
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
    c->cfg->log_cb(c->cfg->log_arg, c, level, line);
}

void tern_conn_log_state(const struct tern_conn *c)
{
    switch ((enum tern_state)c->state) {
    case TERN_STATE_HANDSHAKING:
        tern_conn_log(c, TERN_LOG_INFO, "handshake running");
        break;
    case TERN_STATE_ESTABLISHED:
        tern_conn_log(c, TERN_LOG_INFO, "established: %s, %s",
                      c->sess.version == TERN_DTLS_1_2 ? "DTLS 1.2" : "DTLS",
                      tern_conn_suite_name(c));
        break;
    case TERN_STATE_PEER_VERIFY_ERROR:
        tern_conn_log(c, TERN_LOG_WARNING, "handshake paused on the peer's certificate");
        break;
    case TERN_STATE_CLOSED:
        tern_conn_log(c, TERN_LOG_INFO, "closed");
        break;
    case TERN_STATE_FAILED:
        if (c->alert_sent >= 0) {
            tern_conn_log(c, TERN_LOG_ERROR, "failed: %s (alert %d sent)", tern_strerror(c->error),
                          c->alert_sent);
        } else if (c->alert_received >= 0) {
            tern_conn_log(c, TERN_LOG_ERROR, "failed: %s (alert %d received)",
                          tern_strerror(c->error), c->alert_received);
        } else {
            tern_conn_log(c, TERN_LOG_ERROR, "failed: %s", tern_strerror(c->error));
        }
        break;
    default:
        break;
    }
}

void tern_conn_log_drops(const struct tern_conn *c, const uint32_t before[TERN_DROP_REASONS])
{
    if (!tern_conn_logs(c, TERN_LOG_DEBUG)) {
        return;
    }
    const uint32_t *now = c->ops->drop_counts(&c->v);
    for (size_t i = 0; i < TERN_DROP_REASONS; i++) {
        if (now[i] > before[i]) {
            tern_conn_log(c, TERN_LOG_DEBUG, "dropped %u: %s", (unsigned)(now[i] - before[i]),
                          tern_drop_reason_name((enum tern_drop_reason)i));
        }
    }
}
