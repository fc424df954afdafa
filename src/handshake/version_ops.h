/* What a protocol version plugs into the version-neutral connection
 * (src/conn.c). The connection keeps the sticky state, alerts, timers, the
 * receive and pull loops, counters and application data; a version brings
 * its record layer and handshake behind this table. DTLS 1.2 is
 * tern_dtls12_ops (dtls12/conn12.c); DTLS 1.3 will be a second table, and
 * a server will choose between them when the ClientHello's versions say
 * which (RFC 9147 section 5.3), before the first row of either machine.
 *
 * Each operation takes the version's own state (v: the struct the version
 * defines, held inside the connection without an allocation of its own).
 * None of them sends anything: what goes out is pulled with emit() and
 * seal(), so the connection stays sans-I/O. */
#ifndef TERN_HANDSHAKE_VERSION_OPS_H
#define TERN_HANDSHAKE_VERSION_OPS_H

#include <stddef.h>
#include <stdint.h>

#include <tern/verify.h>

#include "handshake/params.h"
#include "handshake/session.h"
#include "record/cursor.h"

struct tern_x509_chain;

/* One record of a received datagram, opened, whatever its version's
 * header looked like. data points into the datagram (decrypted in place). */
struct tern_record {
    uint8_t type;          /* content type */
    uint8_t authenticated; /* opened under the peer's keys (not epoch 0) */
    uint8_t current;       /* of the current read epoch: the only one data may come in */
    uint64_t epoch;
    uint64_t seq;
    const uint8_t *data;
    size_t len;
};

/* What next() found. */
enum tern_v_next {
    TERN_V_END = 0,    /* no more records in the datagram */
    TERN_V_RECORD = 1, /* a record for the connection */
    TERN_V_HELD = 2,   /* kept by the version until it can be read (or dropped, counted) */
};

/* What the handshake did since the connection last asked (poll()). */
struct tern_v_events {
    unsigned repeats;   /* repeats of the peer's previous flight seen */
    uint8_t new_flight; /* a new flight of ours was built: the timer starts over */
    uint8_t can_resend; /* a flight of ours is there to answer repeats, not already going out */
    uint8_t paused;     /* stopped on certificate problems, for the application */
    uint8_t done;       /* the handshake has completed: call complete() */
};

/* What the connection keeps once the handshake is over (complete()). */
struct tern_v_kept {
    struct tern_x509_chain *peer_chain; /* with TERN_FLAG_KEEP_PEER_CHAIN */
    uint8_t *ca_names;                  /* a client's CertificateRequest authorities, likewise */
    size_t ca_names_len;
};

/* The largest record a version holds for later (take_held()). */
#define TERN_V_HELD_RECORD_MAX 1536

/* on_record(): the record asks for something tern refuses with a warning
 * (renegotiation, RFC 5746 section 4.5): the connection sends
 * no_renegotiation. */
#define TERN_V_REFUSE_RENEGOTIATION 1

struct tern_version_ops {
    uint16_t version; /* wire value */

    /* Sets up the record layer and the handshake of one role (params->role).
     * owner is the connection, handed to the application's callbacks;
     * sess receives what is established. Errors: TERN_ERR_NOMEM,
     * TERN_ERR_CRYPTO. */
    int (*init)(void *v, const struct tern_hs_params *params, struct tern_session *sess,
                void *owner);
    /* Wipes every key and frees the handshake. Safe twice. */
    void (*wipe)(void *v);
    /* The drop counters (enum tern_drop_reason), which the connection also
     * adds to. */
    uint32_t *(*drops)(void *v);
    const uint32_t *(*drop_counts)(const void *v);
    /* Whether the handshake state still exists (from init to complete()). */
    int (*handshaking)(const void *v);

    /* Client: the name to ask for and check (before start). Errors:
     * TERN_ERR_ARG (too long). */
    int (*set_server_name)(void *v, const char *name, size_t len);
    /* Client: whether start() can run as configured (nothing changes when
     * it cannot); then builds the first flight. */
    int (*may_start)(const void *v);
    int (*start)(void *v);

    /* Receiving: open() starts a cursor (the caller's, on its stack) on a
     * datagram, next() opens its records one by one. Records that cannot be
     * read yet are held by the version;
     * take_held() copies out the oldest one that can now be read (1) or
     * says there is none (0), for the connection to walk like a datagram. */
    void (*open)(struct tern_rec_cursor *cur, uint8_t *dgram, size_t len);
    int (*next)(void *v, struct tern_rec_cursor *cur, struct tern_record *rec);
    int (*take_held)(void *v, uint8_t *buf, size_t cap, size_t *len);
    /* Whether the peer's keys are in use: from then on an unprotected
     * record can be nothing but a forgery or a stale copy. */
    int (*peer_keyed)(const void *v);
    /* A record that is neither an alert nor application data (the
     * connection handles those): the handshake's, before and after it
     * completes. Returns TERN_OK, TERN_V_REFUSE_RENEGOTIATION, or a
     * fatal error. */
    int (*on_record)(void *v, const struct tern_record *rec);
    /* What happened since the last poll. */
    void (*poll)(void *v, struct tern_v_events *ev);
    /* Sends our last flight again: on the retransmission timer, or to
     * answer the peer's repeat. */
    void (*resend)(void *v);
    /* The handshake completed: keeps what answering the peer's repeats
     * needs, frees the rest, writes the key log line. */
    int (*complete)(void *v, struct tern_v_kept *kept);
    /* The connection gives up on the timer with err: the error to report
     * instead, when the version knows better (an unknown PSK identity). */
    int (*explain_timeout)(const void *v, int err);

    /* Sending: the next datagram of our flight (> 0), nothing (0), or an
     * error. */
    ptrdiff_t (*emit)(void *v, uint8_t *out, size_t cap, size_t mtu);
    /* One record of type protected under the current write keys. Errors:
     * TERN_ERR_RECORD_OVERFLOW (more than mtu), TERN_ERR_BUFFER,
     * TERN_ERR_SEQ_EXHAUSTED. */
    ptrdiff_t (*seal)(void *v, uint8_t type, const void *data, size_t len, uint8_t *out, size_t cap,
                      size_t mtu);

    /* Certificate decisions while paused (conn.h). */
    int (*ignore_errors)(void *v, const struct tern_verify_error *errs, size_t n);
    int (*resume)(void *v);
    /* The application aborted from a callback: the handshake stops at its
     * next step. */
    void (*abort)(void *v);

    /* Queries while the handshake runs (NULL when there is nothing). */
    const struct tern_x509_chain *(*peer_chain)(const void *v);
    const uint8_t *(*ca_names)(const void *v, size_t *len);
    /* Keying material exporter of the established session (RFC 5705 for
     * 1.2). Errors: TERN_ERR_ARG. */
    int (*export)(const struct tern_session *s, const char *label, const uint8_t *context,
                  size_t context_len, uint8_t *out, size_t out_len);
};

#endif
