/* tern: the states of a connection, and the callback that hears each
 * change. Apart from the connection's header so that a configuration can
 * name the callback (tern_config_set_state_callback()) without it. */
#ifndef TERN_STATE_H
#define TERN_STATE_H

#include <tern/defs.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_config;
struct tern_conn;

enum tern_state {
    TERN_STATE_IDLE = 0,    /* created; a client has not started yet */
    TERN_STATE_HANDSHAKING, /* handshake in progress */
    TERN_STATE_ESTABLISHED, /* application data flows both ways */
    TERN_STATE_CLOSED,      /* close_notify sent or received */
    TERN_STATE_FAILED,      /* a fatal error: see tern_conn_error() */
    /* the handshake is paused on certificate problems (verify pause mode):
     * inspect tern_conn_verify_errors(), then ignore and resume, or abort */
    TERN_STATE_PEER_VERIFY_ERROR,
};

/* Runs after a connection's state changed (to state), once per change, as
 * the call that changed it returns; with several changes in one call
 * (handshaking, then established), once for each, in order. It is how an
 * application learns that the handshake completed or that the connection
 * closed or failed without comparing states around every call. c may be
 * used as from any callback (include/tern/conn.h); freeing it here is
 * allowed. */
typedef void (*tern_state_fn)(void *arg, struct tern_conn *c, enum tern_state state);

/* Sets the state callback of the configuration's connections (NULL: none).
 * Errors: TERN_ERR_ARG, TERN_ERR_STATE (frozen). */
TERN_API int tern_config_set_state_callback(struct tern_config *cfg, tern_state_fn fn, void *arg);

#ifdef __cplusplus
}
#endif

#endif
