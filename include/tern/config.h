/* tern: connection configuration.
 *
 * A struct tern_config holds everything a connection needs that is not
 * about one peer: role, versions, cipher suites, credentials, timers, MTU,
 * cookie policy and callbacks. One configuration is shared by any number of
 * connections: each connection takes a reference when created, so the
 * application may release its own reference (tern_config_free) at any time.
 * A configuration must not be changed once a connection uses it (setters
 * then fail with TERN_ERR_STATE). Not thread-safe while being set up;
 * read-only and shareable across threads afterwards. */
#ifndef TERN_CONFIG_H
#define TERN_CONFIG_H

#include <tern/defs.h>
#include <tern/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_config;
struct tern_conn;

enum tern_role {
    TERN_ROLE_CLIENT = 1,
    TERN_ROLE_SERVER = 2,
};

/* Protocol versions, as on the wire. tern speaks DTLS 1.2; DTLS 1.0 is
 * deprecated (RFC 8996) and never spoken; DTLS 1.3 is named for
 * tern_config_set_versions() and not spoken yet. */
#define TERN_DTLS_1_0 0xfeff
#define TERN_DTLS_1_2 0xfefd
#define TERN_DTLS_1_3 0xfefc

/* Limits on pre-shared keys. */
#define TERN_PSK_IDENTITY_MAX_LEN 128
#define TERN_PSK_KEY_MAX_LEN      64

/* Limits on ALPN protocol names (tern_config_set_alpn()). */
#define TERN_ALPN_NAME_MAX_LEN  255
#define TERN_ALPN_MAX_PROTOCOLS 16

/* Default handshake timers (RFC 6347 section 4.2.4.1). */
#define TERN_DEFAULT_TIMER_INITIAL_MS 1000
#define TERN_DEFAULT_TIMER_MAX_MS     60000
#define TERN_DEFAULT_MAX_RETRANSMITS  6
/* Default largest UDP payload tern sends (IPv6 minimum MTU minus headers, rounded down). */
#define TERN_DEFAULT_MTU 1200
/* Default security level of certificate verification (112-bit keys and
 * digests: tern_config_set_security_level()). */
#define TERN_DEFAULT_SECURITY_LEVEL 2

/* Relaxations of tern's defaults. Each one weakens security: they exist for
 * interoperating with old peers and for tests, and must be asked for by
 * name. */
enum tern_config_flag {
    /* Accept a peer that does not support the extended master secret
     * (RFC 7627). Without it tern refuses such peers. */
    TERN_FLAG_ALLOW_NO_EMS = 1u << 0,
    /* INSECURE, for tests only: accept the peer's certificate whatever
     * verification finds (the reasons are still recorded and readable),
     * even more problems than the list holds. */
    TERN_FLAG_INSECURE_NO_VERIFY = 1u << 1,
    /* Keep the peer's certificate chain (and a server's accepted CA names)
     * after the handshake, for tern_conn_peer_certificate() and
     * tern_conn_accepted_ca(); otherwise they are freed with the rest of
     * the handshake state. */
    TERN_FLAG_KEEP_PEER_CHAIN = 1u << 2,
    /* Clients: verify the server's certificate without checking that it
     * names the server (for peers known only by their CA, e.g. a private
     * PKI that issues nameless device certificates); a name set with
     * tern_conn_set_server_name() is still sent, not checked. Without it a
     * client that verifies certificates must be given the server's name,
     * or tern_conn_start() fails with TERN_ERR_NO_SERVER_NAME. */
    TERN_FLAG_NO_NAME_CHECK = 1u << 3,
};

/* Whether a server asks clients for certificates. */
enum tern_client_auth {
    TERN_CLIENT_AUTH_NONE = 0,     /* never asks (default) */
    TERN_CLIENT_AUTH_OPTIONAL = 1, /* asks; a client without one is accepted */
    TERN_CLIENT_AUTH_REQUIRE = 2,  /* asks; a client without one is refused */
};

struct tern_conn;

/* Certificate decision hook (GLib's accept-certificate): called during the
 * handshake when the peer's chain has problems, with every reason found.
 * The chain can be read with tern_conn_peer_certificate(). Returns 1 to
 * accept the certificate anyway, 0 to refuse it (the handshake then fails
 * with the alert that fits the first reason). When more problems were
 * found than the list holds, its last entry is TERN_VERIFY_TOO_MANY_PROBLEMS
 * and the chain is refused whatever the callback returns (verify.h). It
 * may abort or shut down the connection; conn.h says which calls a
 * callback may make. */
typedef int (*tern_verify_fn)(void *arg, struct tern_conn *conn,
                              const struct tern_verify_error *errs, size_t n);

/* Client PSK callback (Qt QDtls::pskRequired, RIOT's client PSK callback):
 * given the server's identity hint (may be empty), fills identity (up to
 * TERN_PSK_IDENTITY_MAX_LEN bytes) and key (up to TERN_PSK_KEY_MAX_LEN
 * bytes) and their lengths. Returns 0, or a negative value to abort the
 * handshake (TERN_ERR_UNKNOWN_PSK_IDENTITY is reported). */
typedef int (*tern_psk_client_fn)(void *arg, const uint8_t *hint, size_t hint_len,
                                  uint8_t *identity, size_t *identity_len, uint8_t *key,
                                  size_t *key_len);

/* Server PSK callback: given the client's identity, fills key (up to
 * TERN_PSK_KEY_MAX_LEN bytes) and its length. Returns 0, or a negative
 * value when the identity is unknown. */
typedef int (*tern_psk_server_fn)(void *arg, const uint8_t *identity, size_t identity_len,
                                  uint8_t *key, size_t *key_len);

/* Receives one line of the NSS key log format ("CLIENT_RANDOM <hex> <hex>",
 * no newline) per completed handshake, for Wireshark. */
typedef void (*tern_keylog_fn)(void *arg, const char *line);

/* Fills out with len random bytes; returns 0 or a negative value. */
typedef int (*tern_random_fn)(void *arg, uint8_t *out, size_t len);

/* Creates a configuration for role with tern's defaults: DTLS 1.2, every
 * suite tern supports that the credentials allow, groups X25519, P-256,
 * P-384, MTU 1200, timers 1 s doubling to 60 s with 6 retransmissions,
 * server connections only behind a cookie gate (TERN_COOKIES_GATE),
 * extended master secret required.
 * Errors: TERN_ERR_ARG, TERN_ERR_NOMEM. */
TERN_API int tern_config_new(struct tern_config **out, enum tern_role role);

/* Releases the caller's reference; the configuration is freed (and its
 * secrets wiped) when the last connection using it is freed. NULL is fine. */
TERN_API void tern_config_free(struct tern_config *cfg);

/* Cipher suites in preference order, as IANA code points, or as a
 * colon-separated list of IANA names ("TLS_PSK_WITH_AES_128_CCM_8:..."). A
 * name or code point tern does not support fails the call.
 * Errors: TERN_ERR_ARG (empty list, unknown suite), TERN_ERR_STATE. */
TERN_API int tern_config_set_suites(struct tern_config *cfg, const uint16_t *suites, size_t n);
TERN_API int tern_config_set_suite_names(struct tern_config *cfg, const char *names);

/* ECDHE groups in preference order (23 P-256, 24 P-384, 29 X25519).
 * Errors: TERN_ERR_ARG, TERN_ERR_STATE. */
TERN_API int tern_config_set_groups(struct tern_config *cfg, const uint16_t *groups, size_t n);

/* A fixed PSK: the client sends identity and uses key; a server accepts
 * this one identity (use the server callback for many). Copied; wiped when
 * the configuration is freed. Errors: TERN_ERR_ARG (empty or too long),
 * TERN_ERR_STATE. */
TERN_API int tern_config_set_psk(struct tern_config *cfg, const uint8_t *identity,
                                 size_t identity_len, const uint8_t *key, size_t key_len);

/* The server's PSK identity hint (RFC 4279 section 2), sent in its
 * ServerKeyExchange. Errors: TERN_ERR_ARG, TERN_ERR_STATE. */
TERN_API int tern_config_set_psk_hint(struct tern_config *cfg, const uint8_t *hint, size_t len);

/* PSK callbacks; they take precedence over a fixed PSK. Errors:
 * TERN_ERR_ARG (wrong role), TERN_ERR_STATE. */
TERN_API int tern_config_set_psk_client_callback(struct tern_config *cfg, tern_psk_client_fn fn,
                                                 void *arg);
TERN_API int tern_config_set_psk_server_callback(struct tern_config *cfg, tern_psk_server_fn fn,
                                                 void *arg);

/* Largest UDP payload to send, 256..16384 (default 1200); handshake
 * messages are fragmented to fit. Errors: TERN_ERR_ARG, TERN_ERR_STATE. */
TERN_API int tern_config_set_mtu(struct tern_config *cfg, size_t mtu);

/* Retransmission timer: initial and maximum timeout in milliseconds and the
 * number of retransmissions of one flight before the handshake fails
 * (RFC 6347 section 4.2.4.1). Errors: TERN_ERR_ARG (initial 0 or above max,
 * max above 600000, more than 32 retransmissions), TERN_ERR_STATE. */
TERN_API int tern_config_set_timers(struct tern_config *cfg, uint32_t initial_ms, uint32_t max_ms,
                                    unsigned max_retransmits);

/* How a server proves a client's address before it keeps any state for
 * it (RFC 6347 section 4.2.1). */
enum tern_cookie_mode {
    /* The default. A stateless struct tern_cookie gate (include/tern/cookie.h)
     * answers new peers, and a server connection is created only by
     * tern_conn_accept(), for a ClientHello whose cookie that gate verifies;
     * tern_conn_new() refuses a server configuration in this mode with
     * TERN_ERR_COOKIE. Nothing is allocated for an address that has not
     * proved it receives. */
    TERN_COOKIES_GATE = 0,
    /* INSECURE outside tests, benchmarks and networks where a source address
     * cannot be forged: no cookie exchange at all. tern_conn_new() makes a
     * server connection that takes the first ClientHello it is given, so a
     * forged datagram costs the server a connection and draws its flight
     * (several times larger) to the forged address. */
    TERN_COOKIES_INSECURE_OFF = 1,
};

/* Servers: sets the cookie mode. Errors: TERN_ERR_ARG (unknown mode),
 * TERN_ERR_STATE. */
TERN_API int tern_config_set_cookie_mode(struct tern_config *cfg, enum tern_cookie_mode mode);

/* Sets relaxation flags (enum tern_config_flag, OR-ed); replaces the
 * previous set. Errors: TERN_ERR_ARG (unknown flag), TERN_ERR_STATE. */
TERN_API int tern_config_set_flags(struct tern_config *cfg, uint32_t flags);

/* The versions a connection may negotiate, lowest and highest (protocol
 * order, not numeric: TERN_DTLS_1_2 is below TERN_DTLS_1_3). The default
 * and, for now, the only choice is DTLS 1.2 alone. Errors: TERN_ERR_ARG
 * (an unknown version, DTLS 1.0, DTLS 1.3 which tern does not speak yet,
 * or min above max), TERN_ERR_STATE. */
TERN_API int tern_config_set_versions(struct tern_config *cfg, uint16_t min, uint16_t max);

/* How much a log callback hears: each level includes those above it. */
enum tern_log_level {
    TERN_LOG_ERROR = 1, /* a connection failed: the error and the alert */
    TERN_LOG_WARNING,   /* warning alerts received; renegotiation refused; a paused handshake */
    TERN_LOG_INFO,      /* state changes: handshake started, completed (version, suite),
                           close_notify received, closed */
    TERN_LOG_DEBUG,     /* flights sent again, repeats answered, records dropped and why */
};

/* Receives one line about connection c (never NULL; the callback may call
 * its getters). msg is valid during the call only and holds no secret. */
typedef void (*tern_log_fn)(void *arg, const struct tern_conn *c, enum tern_log_level level,
                            const char *msg);

/* Logs connections' events up to level max to fn (NULL: silent, the
 * default). Lines are built only when a callback listens at their level.
 * Errors: TERN_ERR_ARG (unknown level), TERN_ERR_STATE. */
TERN_API int tern_config_set_log_callback(struct tern_config *cfg, enum tern_log_level max,
                                          tern_log_fn fn, void *arg);

/* Key log callback (NULL to turn off). Errors: TERN_ERR_STATE. */
TERN_API int tern_config_set_keylog_callback(struct tern_config *cfg, tern_keylog_fn fn, void *arg);

/* Replaces the random generator (randomness for hellos and keys) with fn;
 * for tests that need byte-identical transcripts. NULL restores libcrypto's
 * CSPRNG. Errors: TERN_ERR_STATE. */
TERN_API int tern_config_set_random_callback(struct tern_config *cfg, tern_random_fn fn, void *arg);

/* Adds a certificate chain (leaf first) with its private key, PEM or DER,
 * from memory. A server may hold several (an ECDSA and an RSA one) and
 * picks by the suite and the client's signature_algorithms; a client sends
 * one when a server asks. The key must match the leaf. Copied.
 * Errors: TERN_ERR_ARG, TERN_ERR_BAD_CREDENTIAL (unparsable, key does not
 * match, unsupported key type), TERN_ERR_BUFFER (more than 4 chains),
 * TERN_ERR_STATE, TERN_ERR_NOMEM. */
TERN_API int tern_config_add_certificate(struct tern_config *cfg, const uint8_t *chain,
                                         size_t chain_len, const uint8_t *key, size_t key_len);

/* The same from files. Errors: as above, and TERN_ERR_BAD_CREDENTIAL when
 * a file cannot be read. */
TERN_API int tern_config_add_certificate_files(struct tern_config *cfg, const char *chain_path,
                                               const char *key_path);

/* Trust anchors for verifying the peer: PEM or DER certificates from
 * memory or a file, a hashed CA directory, or the system's store.
 * Errors: TERN_ERR_ARG, TERN_ERR_BAD_CREDENTIAL, TERN_ERR_STATE,
 * TERN_ERR_NOMEM. */
TERN_API int tern_config_add_trust(struct tern_config *cfg, const uint8_t *pem, size_t len);
TERN_API int tern_config_add_trust_file(struct tern_config *cfg, const char *path);
TERN_API int tern_config_add_trust_dir(struct tern_config *cfg, const char *dir);
TERN_API int tern_config_add_trust_system(struct tern_config *cfg);

/* Servers: whether to ask clients for certificates (see enum
 * tern_client_auth). Errors: TERN_ERR_ARG (not a server), TERN_ERR_STATE. */
TERN_API int tern_config_set_client_auth(struct tern_config *cfg, enum tern_client_auth mode);

/* How a verification failure is decided (the default is to fail):
 * - a callback decides during the handshake (tern_verify_fn), or
 * - with pause on, the handshake stops in TERN_STATE_PEER_VERIFY_ERROR; the
 *   application reads tern_conn_verify_errors(), then calls
 *   tern_conn_ignore_verify_errors() and tern_conn_resume(), or
 *   tern_conn_abort() (Qt's QDtls model).
 * Neither can accept a chain with more problems than the list holds (its
 * last entry is then TERN_VERIFY_TOO_MANY_PROBLEMS): the callback's 1 is
 * overridden and resuming fails, with the alert of the first reason.
 * Errors: TERN_ERR_STATE. */
TERN_API int tern_config_set_verify_callback(struct tern_config *cfg, tern_verify_fn fn, void *arg);
TERN_API int tern_config_set_verify_pause(struct tern_config *cfg, int on);

/* The strength certificate verification asks of the peer's chain, as
 * libcrypto's security levels: 0 asks nothing; 1, 2 (the default), 3, 4
 * and 5 ask for 80, 112, 128, 192 and 256 bits of security. Every key in
 * the chain (an RSA key of fewer than 2048 bits gives less than 112; a
 * P-256 key gives 128) and every signature's digest but the trust anchor's
 * own (SHA-1 gives less than 80) must reach it, or verification reports
 * TERN_VERIFY_WEAK_KEY at that certificate's depth, decided on like any
 * other problem. Raw public keys are not judged by it.
 * Errors: TERN_ERR_ARG (NULL, or level outside 0..5), TERN_ERR_STATE. */
TERN_API int tern_config_set_security_level(struct tern_config *cfg, int level);

/* Application-Layer Protocol Negotiation (RFC 7301): the application
 * protocols this side speaks over the connection, most preferred first,
 * by the names IANA registers for them ("h2", "coap", "webrtc", ...).
 * protocols holds n NUL-terminated names of 1..TERN_ALPN_NAME_MAX_LEN
 * bytes each, at most TERN_ALPN_MAX_PROTOCOLS of them (a list that size
 * always fits the extension, whose list is at most 2^16-1 bytes). The
 * names are copied: the configuration owns its copy and frees it with
 * itself, and a second call replaces the list. Keep a client's list
 * short: a server behind a stateless cookie exchange (tern's gate,
 * OpenSSL's) answers only a ClientHello that fits in one datagram (the
 * MTU, 1200 bytes by default), and the list is part of it.
 *
 * A client offers the list in its ClientHello, and the server picks one:
 * - A server with a list chooses its own most preferred protocol among
 *   those the client offers: the server's preference wins (RFC 7301
 *   section 3.2). When none is on both lists the handshake fails with
 *   TERN_ERR_NO_APPLICATION_PROTOCOL and the server sends the fatal
 *   no_application_protocol alert (120). A client that offers no ALPN is
 *   served without a protocol.
 * - A server without a list ignores the client's offer.
 * - A client whose offer the server leaves unanswered (a server without
 *   ALPN) completes the handshake without a protocol, as OpenSSL and
 *   GnuTLS do: tern_conn_alpn() then returns NULL, and the application
 *   decides whether it can go on. A ServerHello that names a protocol the
 *   client did not offer, or more than one, fails the handshake with
 *   TERN_ERR_ILLEGAL_PARAMETER; one that answers a client that offered
 *   none, with TERN_ERR_UNSUPPORTED_EXTENSION.
 * tern_conn_alpn() reads the protocol chosen.
 * Errors: TERN_ERR_ARG (cfg or protocols NULL, n 0 or above
 * TERN_ALPN_MAX_PROTOCOLS, a name NULL, empty or longer than
 * TERN_ALPN_NAME_MAX_LEN), TERN_ERR_STATE (a connection uses the
 * configuration), TERN_ERR_NOMEM. On error the previous list stays. */
TERN_API int tern_config_set_alpn(struct tern_config *cfg, const char *const *protocols, size_t n);

/* Raw public keys (RFC 7250), as CoAP's RPK mode and RIOT's credman use
 * them: our own key pair (PEM or DER private key; P-256 ECDSA, P-384 or
 * Ed25519), sent as a SubjectPublicKeyInfo instead of a certificate, and
 * the peer keys we accept (PEM or DER SubjectPublicKeyInfo, up to 16). A
 * peer key not in the list is refused with TERN_VERIFY_KEY_NOT_ALLOWED,
 * subject to the same decisions as certificate problems.
 * Errors: TERN_ERR_ARG, TERN_ERR_BAD_CREDENTIAL, TERN_ERR_BUFFER (too
 * many), TERN_ERR_STATE, TERN_ERR_NOMEM. */
TERN_API int tern_config_set_raw_public_key(struct tern_config *cfg, const uint8_t *key,
                                            size_t key_len);
TERN_API int tern_config_set_raw_public_key_file(struct tern_config *cfg, const char *path);
TERN_API int tern_config_add_peer_key(struct tern_config *cfg, const uint8_t *spki, size_t len);
TERN_API int tern_config_add_peer_key_file(struct tern_config *cfg, const char *path);

#ifdef __cplusplus
}
#endif

#endif
