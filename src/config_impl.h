/* The layout of struct tern_config, beside the functions that set it up
 * (config.c, config_certs.c: include/tern/config.h is their API). The
 * handshake sees only the part it reads (struct tern_hs_params,
 * handshake/params.h); the connection reads the rest. */
#ifndef TERN_CONFIG_IMPL_H
#define TERN_CONFIG_IMPL_H

#include <tern/config.h>
#include <tern/state.h>

#include "handshake/params.h"

struct tern_config {
    int refs;   /* the application's reference plus one per connection */
    int frozen; /* set when the first connection takes a reference (atomic) */
    struct tern_hs_params hs;
    /* what the connection reads */
    size_t mtu;
    uint32_t timer_initial_ms;
    uint32_t timer_max_ms;
    unsigned max_retransmits;
    uint8_t cookie_mode; /* enum tern_cookie_mode */
    uint8_t log_max;     /* enum tern_log_level; 0 when silent */
    uint16_t min_version;
    uint16_t max_version;
    tern_state_fn state_cb;
    void *state_arg;
    tern_log_fn log_cb;
    void *log_arg;
};

/* Takes a reference for a connection and freezes the configuration; safe
 * from several threads at once. */
void tern_config_ref(struct tern_config *cfg);

/* Whether a connection has taken a reference (setters then refuse). */
int tern_config_frozen(const struct tern_config *cfg);

#endif
