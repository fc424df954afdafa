/* tern: the sans-I/O DTLS connection (Qt's QDtls as a C engine).
 *
 * The caller owns the socket and the clock. It feeds each datagram received
 * from the peer into tern_conn_receive(), takes the datagrams the
 * connection wants sent with tern_conn_pull() (call it until it returns
 * TERN_ERR_NOTHING_TO_SEND after every other call), asks tern_conn_deadline() when
 * to wake up and calls tern_conn_timeout() then. Time is a monotonic clock
 * in nanoseconds, passed into every call; tern never reads a clock, opens a
 * socket or starts a thread.
 *
 * Memory: a connection allocates its handshake state while the handshake
 * runs and frees it when the handshake ends; after that it allocates
 * nothing. Received application data is decrypted in place in the caller's
 * datagram buffer and handed out as pointers into it. The first fatal error
 * is sticky: every later call returns it, and key material is wiped.
 *
 * Calls from callbacks: the callbacks a connection runs (the certificate
 * decision, the PSK callbacks, the key log, the random generator, the log
 * and state callbacks, and the data callback of tern_conn_receive()) may
 * call on that connection every
 * getter (state, error, alerts, version, suite, PSK identity, ALPN
 * protocol, exporter, verification errors, peer certificate, accepted CAs,
 * drop counters, deadline), tern_conn_write() and tern_conn_set_mtu(). tern_conn_abort(),
 * tern_conn_shutdown() and tern_conn_free() are recorded and carried out
 * when the call that ran the callback returns: the handshake stops at its
 * next step and no later record of the datagram is handed out; after a
 * free, the caller must not touch the connection once that call returned.
 * tern_conn_receive(), tern_conn_pull(), tern_conn_timeout(),
 * tern_conn_start() and tern_conn_resume() return TERN_ERR_REENTRANT. */
#ifndef TERN_CONN_H
#define TERN_CONN_H

#include <tern/config.h>
#include <tern/cookie.h>
#include <tern/defs.h>
#include <tern/state.h>
#include <tern/stats.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_conn;

/* Receives each application-data record of a datagram, in order. data
 * points into the datagram buffer given to tern_conn_receive() and is valid
 * until that buffer is reused. */
typedef void (*tern_data_fn)(void *arg, const uint8_t *data, size_t len);

/* Creates a client connection with cfg (which gains a reference); or a
 * server connection, but only when cfg turned cookies off by name
 * (TERN_COOKIES_INSECURE_OFF): a server normally starts its connections
 * with tern_conn_accept(). Errors: TERN_ERR_ARG, TERN_ERR_COOKIE (a server
 * configuration with the cookie gate on), TERN_ERR_NOMEM. */
TERN_API int tern_conn_new(struct tern_conn **out, struct tern_config *cfg);

/* Server: creates the connection for a new peer from the datagram whose
 * ClientHello the stateless gate verified (tern_cookie_check() returned
 * TERN_COOKIE_VERIFIED for the same dgram and peer), and processes that
 * datagram, as Qt's QDtls::doHandshake() does after QDtlsClientVerifier.
 * The cookie is checked again, so no connection is ever created for an
 * address that has not proved it receives (RFC 6347 section 4.2.1).
 * peer/peer_len identify the peer's address exactly as given to the gate
 * (padding zeroed; at most 128 bytes); dgram is decrypted in place as by
 * tern_conn_receive(). The gate is used, not kept: call this on the thread
 * that owns the gate. Then pull what the server sends.
 * Returns TERN_OK with *out set; TERN_ERR_COOKIE when dgram does not start
 * with a ClientHello whose cookie the gate verifies for peer (nothing is
 * allocated: answer such datagrams with tern_cookie_check()); TERN_ERR_ARG;
 * TERN_ERR_STATE (not a server configuration); TERN_ERR_NOMEM,
 * TERN_ERR_CRYPTO; or the error the ClientHello failed the handshake with
 * (no common suite, ...), in which case *out is set too, in state
 * TERN_STATE_FAILED with its final alert to pull, and must be freed. */
TERN_API int tern_conn_accept(struct tern_conn **out, struct tern_config *cfg,
                              struct tern_cookie *gate, uint64_t now_ns, uint8_t *dgram, size_t len,
                              const void *peer, size_t peer_len);

/* Frees the connection (NULL is fine), wiping every key. Sends nothing:
 * call tern_conn_shutdown() first for an orderly close. */
TERN_API void tern_conn_free(struct tern_conn *c);

/* Client: sets the server's name, before tern_conn_start(). A DNS name is
 * sent in the server_name extension (RFC 6066) and the server's
 * certificate must hold it among its subjectAltName DNS names as RFC 9525
 * says (never in the subject's common name; a wildcard only as the whole
 * left-most label, for one label). An IPv4 or IPv6 address
 * literal is not sent (RFC 6066 section 3) and must be among the
 * certificate's IP addresses; text that looks like an address but is none
 * (only digits and dots, or a colon) matches no certificate.
 * Errors: TERN_ERR_ARG, TERN_ERR_STATE. */
TERN_API int tern_conn_set_server_name(struct tern_conn *c, const char *name);

/* Overrides the configuration's MTU for this connection (256..16384). */
TERN_API int tern_conn_set_mtu(struct tern_conn *c, size_t mtu);

/* The application's pointer for this connection (a session of its own, a
 * peer address), for callbacks that get the connection. tern never reads
 * it. NULL until set; setting on NULL does nothing. */
TERN_API void tern_conn_set_user_data(struct tern_conn *c, void *data);
TERN_API void *tern_conn_user_data(const struct tern_conn *c);

/* Client: starts the handshake (the ClientHello becomes ready to pull).
 * A client that may verify an X.509 certificate from the server (it offers
 * certificate suites and has trust anchors, a verify callback or verify
 * pause) needs the server's name (tern_conn_set_server_name()) unless its
 * configuration has TERN_FLAG_NO_NAME_CHECK (or the test-only
 * TERN_FLAG_INSECURE_NO_VERIFY); without it the call fails with
 * TERN_ERR_NO_SERVER_NAME and changes nothing: set a name and call again.
 * Raw-public-key-only and PSK-only clients need no name.
 * Errors: TERN_ERR_STATE (not a client, or already started),
 * TERN_ERR_NO_SERVER_NAME, TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
TERN_API int tern_conn_start(struct tern_conn *c, uint64_t now_ns);

/* Processes one datagram from the peer. Handshake records move the
 * handshake on; application-data records are decrypted in place and passed
 * to on_data (may be NULL to discard); invalid records are dropped and
 * counted, as DTLS requires. Then pull what the connection wants sent.
 * Returns TERN_OK; the connection's fatal error (after which a final alert
 * may be waiting to be pulled); TERN_ERR_CLOSED once the connection is
 * closed; TERN_ERR_STATE for a client that has not started. */
TERN_API int tern_conn_receive(struct tern_conn *c, uint64_t now_ns, uint8_t *dgram, size_t len,
                               tern_data_fn on_data, void *arg);

/* Writes the next datagram the connection wants sent (handshake flight,
 * retransmission, alert) into out and returns its length; returns
 * TERN_ERR_NOTHING_TO_SEND when there is nothing to send. Errors: TERN_ERR_BUFFER
 * (cap smaller than the MTU), TERN_ERR_SEQ_EXHAUSTED. */
TERN_API ptrdiff_t tern_conn_pull(struct tern_conn *c, uint64_t now_ns, uint8_t *out, size_t cap);

/* The monotonic time (ns) at which tern_conn_timeout() must be called, or
 * UINT64_MAX when no timer runs. */
TERN_API uint64_t tern_conn_deadline(const struct tern_conn *c);

/* Tells the connection its deadline passed: a flight is retransmitted (pull
 * it), or the handshake fails with TERN_ERR_TIMEOUT after the configured
 * number of retransmissions. Calling it early does nothing. Returns TERN_OK
 * or the fatal error. */
TERN_API int tern_conn_timeout(struct tern_conn *c, uint64_t now_ns);

/* Protects len bytes of application data as one record in one datagram
 * written to out (QDtls writeDatagramEncrypted). Returns the datagram
 * length. Errors: TERN_ERR_STATE (not established), TERN_ERR_BUFFER,
 * TERN_ERR_RECORD_OVERFLOW (len above 2^14, above the peer's
 * record_size_limit, or making a datagram larger than the MTU: RFC 6347
 * section 4.1.1.1), TERN_ERR_SEQ_EXHAUSTED, or the sticky fatal error. */
TERN_API ptrdiff_t tern_conn_write(struct tern_conn *c, const void *data, size_t len, uint8_t *out,
                                   size_t cap);

/* Starts an orderly close: a close_notify alert becomes ready to pull and
 * the connection sends nothing else. Errors: TERN_ERR_STATE (never
 * established nor handshaking). */
TERN_API int tern_conn_shutdown(struct tern_conn *c);

/* Abandons the handshake or connection: a fatal user_canceled alert (during
 * the handshake) or close_notify becomes ready to pull, every key is wiped,
 * and the connection fails with TERN_ERR_ABORTED. */
TERN_API void tern_conn_abort(struct tern_conn *c);

/* State, the sticky error (0 if none), and the last alert sent and
 * received (-1 if none). */
TERN_API enum tern_state tern_conn_state(const struct tern_conn *c);
TERN_API int tern_conn_error(const struct tern_conn *c);
TERN_API int tern_conn_alert_sent(const struct tern_conn *c);
TERN_API int tern_conn_alert_received(const struct tern_conn *c);

/* After the handshake: the negotiated version (TERN_DTLS_1_2), cipher suite
 * (IANA code point and name), and the PSK identity used (borrowed, valid
 * while the connection lives; NULL and 0 if none). 0 or NULL before. */
TERN_API uint16_t tern_conn_version(const struct tern_conn *c);
TERN_API uint16_t tern_conn_suite(const struct tern_conn *c);
TERN_API const char *tern_conn_suite_name(const struct tern_conn *c);
TERN_API const uint8_t *tern_conn_psk_identity(const struct tern_conn *c, size_t *len);

/* After the handshake: the key exchange's group (IANA TLS Supported Groups
 * code point: 29 x25519, 23 secp256r1, 24 secp384r1; 0 for plain PSK), and
 * the signature scheme the peer signed with (IANA TLS SignatureScheme, such
 * as 0x0403 ecdsa_secp256r1_sha256; 0 when it signed nothing: PSK, or a
 * client that sent no certificate). 0 before, and on NULL. */
TERN_API uint16_t tern_conn_group(const struct tern_conn *c);
TERN_API uint16_t tern_conn_peer_signature_scheme(const struct tern_conn *c);

/* After the handshake: the application protocol ALPN negotiated (RFC
 * 7301, tern_config_set_alpn()), one of the names this side configured, as
 * a NUL-terminated string whose length *len gets (len may be NULL).
 * Borrowed: valid while the connection lives. NULL and 0 when none was
 * negotiated (this side or the peer configured no ALPN, or the server left
 * the client's offer unanswered) and before the handshake completes. */
TERN_API const char *tern_conn_alpn(const struct tern_conn *c, size_t *len);

/* Keying material exporter (RFC 5705), for SRTP (RFC 5764) and others.
 * context may be NULL (no context, context_len 0) or point to context_len
 * bytes. Errors: TERN_ERR_STATE (not established), TERN_ERR_ARG (NULL
 * label or out, out_len 0, NULL context with a length, or a label RFC 5705
 * section 4 reserves: empty, "client finished", "server finished", "master
 * secret", "key expansion", "extended master secret"). */
TERN_API int tern_conn_export(const struct tern_conn *c, const char *label, const uint8_t *context,
                              size_t context_len, uint8_t *out, size_t out_len);

/* The problems found verifying the peer's certificate: copies up to max
 * into errs and returns how many there are (0 when it verified, or has not
 * been seen yet; at most 8, the last of them TERN_VERIFY_TOO_MANY_PROBLEMS
 * when more were found). They stay readable after the handshake. */
TERN_API size_t tern_conn_verify_errors(const struct tern_conn *c, struct tern_verify_error *errs,
                                        size_t max);

/* Paused on certificate problems: declares errs acceptable. Only these
 * (reason, depth) pairs are ignored; any other problem still fails. Errors:
 * TERN_ERR_STATE (not paused), TERN_ERR_ARG (more than 8). */
TERN_API int tern_conn_ignore_verify_errors(struct tern_conn *c,
                                            const struct tern_verify_error *errs, size_t n);

/* Continues a paused handshake: if every problem found was ignored it goes
 * on (pull what it sends next), otherwise it fails with the alert of the
 * first remaining problem. A chain with more problems than the list holds
 * (TERN_VERIFY_TOO_MANY_PROBLEMS listed last) fails even when every listed
 * problem was ignored, with the alert of the first. Errors: TERN_ERR_STATE
 * (not paused), or the fatal error. */
TERN_API int tern_conn_resume(struct tern_conn *c, uint64_t now_ns);

/* Certificate i (0: the peer's own) of the chain the peer sent, as DER
 * (borrowed): during the handshake, and afterwards when the configuration
 * has TERN_FLAG_KEEP_PEER_CHAIN. NULL past the end. */
TERN_API const uint8_t *tern_conn_peer_certificate(const struct tern_conn *c, size_t i,
                                                   size_t *len);

/* Client: the i-th distinguished name (DER, borrowed) of the certificate
 * authorities the server's CertificateRequest accepts, as GLib's
 * accepted-cas; readable during the handshake, and afterwards when the
 * configuration has TERN_FLAG_KEEP_PEER_CHAIN. NULL past the end, or when
 * the server asked for none. */
TERN_API const uint8_t *tern_conn_accepted_ca(const struct tern_conn *c, size_t i, size_t *len);

/* Records dropped since the connection was created (all reasons). */
TERN_API uint64_t tern_conn_dropped(const struct tern_conn *c);

/* Records dropped for one reason (0 for NULL or an unknown reason). */
TERN_API uint64_t tern_conn_dropped_by(const struct tern_conn *c, enum tern_drop_reason why);

#ifdef __cplusplus
}
#endif

#endif
