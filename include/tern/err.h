/* tern: the one error type.
 *
 * Every tern function that can fail returns either 0 (TERN_OK) or a negative
 * value of enum tern_err; functions that return a byte count return it as a
 * non-negative ptrdiff_t and an error as a negative one. The numeric values
 * are stable across releases: new codes are only ever appended. */
#ifndef TERN_ERR_H
#define TERN_ERR_H

#include <tern/defs.h>

#ifdef __cplusplus
extern "C" {
#endif

enum tern_err {
    TERN_OK = 0,
    /* Misuse: a NULL pointer, an out-of-range value, a call in the wrong order. */
    TERN_ERR_ARG = -1,
    /* An allocation failed. */
    TERN_ERR_NOMEM = -2,
    /* The caller's output buffer is too small for the result. */
    TERN_ERR_BUFFER = -3,
    /* Input is truncated, has trailing bytes, or a length field is inconsistent. */
    TERN_ERR_DECODE = -4,
    /* libcrypto reported an internal failure. */
    TERN_ERR_CRYPTO = -5,
    /* An algorithm, version or feature that this build does not offer. */
    TERN_ERR_UNSUPPORTED = -6,
    /* A record or message failed authentication (AEAD tag, MAC, Finished). */
    TERN_ERR_BAD_RECORD_MAC = -7,
    /* A record's sequence number was already seen or is older than the window. */
    TERN_ERR_REPLAY = -8,
    /* A record belongs to an epoch this connection cannot read. */
    TERN_ERR_EPOCH = -9,
    /* Sending would wrap a sequence number or an epoch: the keys must not be used again. */
    TERN_ERR_SEQ_EXHAUSTED = -10,
    /* A public key or point from the peer is not valid for its group. */
    TERN_ERR_BAD_KEY_SHARE = -11,
    /* A signature did not verify. */
    TERN_ERR_BAD_SIGNATURE = -12,
    /* A record or plaintext is larger than the protocol allows. */
    TERN_ERR_RECORD_OVERFLOW = -13,
    /* The object is in a state where this call is not allowed (for example after a fatal error). */
    TERN_ERR_STATE = -14,
    /* A key, certificate or other credential could not be parsed or does not fit. */
    TERN_ERR_BAD_CREDENTIAL = -15,
    /* The peer sent an extension where it is not allowed. */
    TERN_ERR_UNSUPPORTED_EXTENSION = -16,
    /* A field from the peer is well formed but has a value that is not allowed. */
    TERN_ERR_ILLEGAL_PARAMETER = -17,
    /* The two sides share no acceptable set of parameters (suite, group, ...). */
    TERN_ERR_HANDSHAKE_FAILURE = -18,
    /* A message arrived that is not allowed in the current state. */
    TERN_ERR_UNEXPECTED_MESSAGE = -19,
    /* The handshake did not complete within the retransmission limit. */
    TERN_ERR_TIMEOUT = -20,
    /* The peer sent a fatal alert (tern_conn_alert_received() says which). */
    TERN_ERR_PEER_ALERT = -21,
    /* The connection was closed (close_notify sent or received). */
    TERN_ERR_CLOSED = -22,
    /* No pre-shared key is known for the peer's identity. */
    TERN_ERR_UNKNOWN_PSK_IDENTITY = -23,
    /* The peer's Finished did not verify, or its records never authenticated
     * (most often: the two sides hold different pre-shared keys). */
    TERN_ERR_BAD_FINISHED = -24,
    /* The peer did not offer the extended master secret (RFC 7627), which
     * tern requires unless explicitly allowed. */
    TERN_ERR_NO_EXTENDED_MASTER_SECRET = -25,
    /* The peer tried to renegotiate; tern refuses renegotiation. */
    TERN_ERR_RENEGOTIATION = -26,
    /* Not an error: tern_conn_pull() has no datagram to send now (the
     * next one comes with more input or when the timer fires). */
    TERN_ERR_NOTHING_TO_SEND = -27,
    /* The handshake was aborted by the application. */
    TERN_ERR_ABORTED = -28,
    /* The peer's certificate failed verification (tern_conn_verify_errors()
     * lists why): expired or not yet valid. */
    TERN_ERR_CERT_EXPIRED = -29,
    /* ... issued by no trusted authority. */
    TERN_ERR_UNKNOWN_CA = -30,
    /* ... malformed, or with a bad signature. */
    TERN_ERR_BAD_CERTIFICATE = -31,
    /* ... of a type or key the suite cannot use. */
    TERN_ERR_UNSUPPORTED_CERTIFICATE = -32,
    /* ... unacceptable for another reason (wrong name, purpose, refused by
     * the application). */
    TERN_ERR_CERT_UNKNOWN = -33,
    /* A certificate was required and the peer sent none. */
    TERN_ERR_NO_CERTIFICATE = -34,
    /* The peer sent more warning alerts in a row than a correct peer ever
     * needs to (an alert flood). */
    TERN_ERR_ALERT_FLOOD = -35,
    /* The peer chose or offered only a protocol version tern does not
     * speak (RFC 5246 appendix E.1: protocol_version). */
    TERN_ERR_PROTOCOL_VERSION = -36,
    /* A client that verifies the server's certificate was started without
     * the server's name: set it with tern_conn_set_server_name(), or opt
     * out of the name check by name with TERN_FLAG_NO_NAME_CHECK. */
    TERN_ERR_NO_SERVER_NAME = -37,
    /* A server connection starts only from a ClientHello whose cookie a
     * struct tern_cookie gate verifies for that peer (tern_conn_accept()),
     * unless the configuration turns cookies off by name. */
    TERN_ERR_COOKIE = -38,
    /* Called from inside one of the connection's own callbacks, where this
     * call is not allowed (each callback's documentation lists what is). */
    TERN_ERR_REENTRANT = -39,
    /* A record's content type is not one DTLS defines, or is tls12_cid
     * (RFC 9146) where no Connection ID length was given to read it with. */
    TERN_ERR_CONTENT_TYPE = -40,
    /* Both sides named application protocols (ALPN, RFC 7301) and none is
     * on both lists: the server refuses the handshake with the fatal
     * no_application_protocol alert (section 3.2), which its client then
     * reports as TERN_ERR_PEER_ALERT with tern_conn_alert_received() 120. */
    TERN_ERR_NO_APPLICATION_PROTOCOL = -41,
};

/* A short, static, human-readable description of an error code (never NULL;
 * unknown codes give "unknown error"). */
TERN_API const char *tern_strerror(int err);

/* The TLS alert description (RFC 5246 section 7.2) that a handshake failing
 * with this error sends to the peer, or -1 when the error sends no alert
 * (success, local misuse, or a record-layer drop, which RFC 6347 section
 * 4.1.2.7 says to discard silently). */
TERN_API int tern_err_alert(int err);

/* Whether an error ends a connection for good (1) or the call may be retried
 * or the input simply ignored (0). */
TERN_API int tern_err_is_fatal(int err);

#ifdef __cplusplus
}
#endif

#endif
