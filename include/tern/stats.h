/* tern: what a connection counts: why received records were dropped.
 *
 * Read with tern_conn_dropped_by() (include/tern/conn.h). Kept apart from
 * the connection's header so that every layer that counts can name the
 * reasons without depending on the connection. */
#ifndef TERN_STATS_H
#define TERN_STATS_H

#include <tern/defs.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Why a received record (or part of one) was dropped. DTLS discards
 * invalid records silently (RFC 6347 section 4.1.2.7) instead of failing
 * the connection, so these counters are how an application sees them.
 *
 * The rule: only authenticated input (a record that opened under the
 * peer's keys), or a well-formed plaintext fatal alert before the peer's
 * keys exist, can end a connection. Anything else that is malformed,
 * inconsistent with what is buffered, or not expected in the current state
 * arrives in an unprotected epoch, where anyone who can forge the peer's
 * address could have sent it: it is dropped and counted here, so an
 * off-path attacker cannot end a handshake or a session. The values are
 * stable; new reasons are only ever appended before TERN_DROP_REASONS. */
enum tern_drop_reason {
    TERN_DROP_MALFORMED = 0,     /* header truncated, or a length past the datagram (the rest of
                                    the datagram goes with it); or, unprotected, a malformed
                                    alert, ChangeCipherSpec or handshake fragment header (the
                                    rest of its record goes with it) */
    TERN_DROP_TOO_LONG,          /* length above the protocol limit; or, unprotected, a handshake
                                    message longer than tern reassembles */
    TERN_DROP_BAD_TYPE,          /* unknown content type */
    TERN_DROP_BAD_VERSION,       /* not a DTLS 1.x record, or not the negotiated version */
    TERN_DROP_EPOCH,             /* an epoch this connection does not read now, or data before
                                    the handshake completed */
    TERN_DROP_REPLAY,            /* record number seen before or left of the replay window */
    TERN_DROP_AUTH,              /* failed authentication */
    TERN_DROP_UNPROTECTED,       /* application data in an epoch without keys */
    TERN_DROP_CONFLICT,          /* unprotected handshake fragment that disagrees with the message
                                    buffered for its message_seq (type, length or bytes): the
                                    partial message is discarded and rebuilt from this fragment
                                    and the peer's retransmissions */
    TERN_DROP_UNEXPECTED,        /* unprotected message, ChangeCipherSpec or alert the current
                                    state does not accept: a HelloVerifyRequest after the
                                    ServerHello, a close_notify or warning alert before keys, any
                                    plaintext alert once the peer's keys are in use, a
                                    HelloRequest during the handshake (RFC 5246 section 7.4.1.1);
                                    the message is forgotten so the real one can still arrive */
    TERN_DROP_REPEAT_UNANSWERED, /* a repeat of the peer's previous flight that was not
                                    answered with ours: too soon after our last transmission
                                    (at most one resend per initial retransmission interval),
                                    or not the last message of that flight */
    TERN_DROP_REASONS
};

/* A short English name of the reason ("replayed", "failed
 * authentication"), static; "unknown reason" for a value out of range. */
TERN_API const char *tern_drop_reason_name(enum tern_drop_reason why);

#ifdef __cplusplus
}
#endif

#endif
