/* The layout of struct tern_conn, shared by the files that implement the
 * public connection API: conn.c (life cycle, receive and pull loop, timers,
 * closing) and conn_query.c (what a connection reports). Nothing here is
 * of one version but the union that holds each version's state. */
#ifndef TERN_CONN_IMPL_H
#define TERN_CONN_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <tern/conn.h>

#include "dtls12/conn12.h"
#include "handshake/session.h"
#include "handshake/version_ops.h"

/* Largest single datagram kept for sending once (an alert under any suite). */
#define TERN_CONN_ONCE_MAX 48
/* State changes one call can make (idle, handshaking, established, closed
 * or failed), with room to spare. */
#define TERN_CONN_UNTOLD_MAX 6

/* Fields are grouped by size (pointers and 64-bit values, then the
 * session, 32-bit values, bytes) to keep the struct free of padding. */
struct tern_conn {
    struct tern_config *cfg;
    const struct tern_version_ops *ops; /* the version's record layer and handshake */
    struct tern_x509_chain *peer_chain; /* kept after the handshake on request */
    uint8_t *ca_names;                  /* likewise, a CertificateRequest's authorities */
    size_t ca_names_len;
    void *user_data; /* the application's (tern_conn_set_user_data()) */
    size_t mtu;
    size_t once_len;
    /* retransmission timer (RFC 6347 section 4.2.4) */
    uint64_t deadline;
    uint64_t last_flight_ns; /* when our flight was first sent, or sent to answer a repeat */
    uint64_t auth_drops_before;
    struct tern_session sess; /* what the handshake established */
    int error;
    int alert_sent;
    int alert_received;
    unsigned warnings_in_row;
    uint32_t timeout_ms;
    unsigned retransmits;
    uint8_t state;     /* enum tern_state */
    uint8_t completed; /* the handshake completed: what it negotiated is reportable */
    /* Calls from the connection's own callbacks (conn.h): busy while a
     * call that may run one is under way; what a callback asked for that
     * cannot happen under its feet is deferred until that call returns. */
    uint8_t busy;
    uint8_t quiet;    /* this call silences libcrypto's error queue (conn.c enter()) */
    uint8_t deferred; /* TERN_CONN_DEFER_* */
    /* States entered and not yet announced (conn.c announce()), oldest first. */
    uint8_t untold[TERN_CONN_UNTOLD_MAX];
    uint8_t n_untold;
    /* a datagram to send once: final alert, close_notify, no_renegotiation */
    uint8_t once[TERN_CONN_ONCE_MAX];
    /* The version's own state, used through ops (no allocation of its own). */
    union {
        struct tern_dtls12 d12;
    } v;
};

/* What a callback asked for, carried out when the call that ran it returns. */
#define TERN_CONN_DEFER_ABORT    1u
#define TERN_CONN_DEFER_SHUTDOWN 2u
#define TERN_CONN_DEFER_FREE     4u

#endif
