/* tern: the stateless cookie gate (RFC 6347 section 4.2.1).
 *
 * A DTLS server must not commit memory to a peer whose address it has not
 * verified: a ClientHello can come from a forged address and be used for
 * amplification or memory exhaustion. The gate answers each first datagram
 * from an unknown peer without keeping anything about it: either the
 * ClientHello carries a valid cookie for that address (create the
 * connection from it with tern_conn_accept(), which checks the cookie again
 * with this gate), or the gate writes a HelloVerifyRequest carrying a fresh cookie (send it,
 * forget the peer), or the datagram is not a ClientHello worth answering
 * (drop it). This is Qt's QDtlsClientVerifier and OpenSSL's DTLSv1_listen,
 * as a function that allocates nothing.
 *
 * The cookie is a 16-byte AES-128-CMAC (RFC 4493), under a key derived
 * from a secret with HKDF-SHA-256, over the peer's address and the
 * ClientHello fields that a client must repeat unchanged (version, random,
 * session_id, cipher_suites, compression_methods); CMAC rather than HMAC
 * because libcrypto restarts it without allocating. Secrets rotate: a cookie
 * made under the previous secret still verifies, so a rotation never breaks
 * a handshake in progress; older ones do not. Several processes (or
 * machines) given the same secret verify each other's cookies.
 *
 * Thread safety: a gate may be used by one thread at a time (by
 * tern_cookie_check() and tern_conn_accept() alike); give each thread its
 * own gate with the same secret. */
#ifndef TERN_COOKIE_H
#define TERN_COOKIE_H

#include <tern/defs.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_cookie;

/* Secret lengths the gate accepts, in bytes. */
#define TERN_COOKIE_SECRET_MIN 16
#define TERN_COOKIE_SECRET_MAX 64

/* What tern_cookie_check() decided (positive values; errors are negative). */
enum tern_cookie_verdict {
    /* The ClientHello carries a valid cookie for this peer: create the
     * connection from this datagram with tern_conn_accept(). */
    TERN_COOKIE_VERIFIED = 1,
    /* A HelloVerifyRequest was written to out: send it to the peer. */
    TERN_COOKIE_SEND = 2,
    /* Not an unfragmented DTLS ClientHello in epoch 0, or malformed: ignore
     * the datagram (RFC 6347 section 4.1.2.7). */
    TERN_COOKIE_DROP = 3,
};

/* Creates a gate. secret is TERN_COOKIE_SECRET_MIN..MAX bytes, copied; NULL
 * draws a random 32-byte secret from libcrypto's CSPRNG.
 * Errors: TERN_ERR_ARG (out NULL, bad length), TERN_ERR_NOMEM,
 * TERN_ERR_CRYPTO. */
TERN_API int tern_cookie_new(struct tern_cookie **out, const uint8_t *secret, size_t secret_len);

/* Frees the gate and wipes its secrets. NULL is fine. */
TERN_API void tern_cookie_free(struct tern_cookie *gate);

/* Installs a new secret (or a random one when secret is NULL). Cookies made
 * under the secret it replaces keep verifying until the next rotation; the
 * one before that is wiped. Rotate every few minutes. On failure the gate
 * is unchanged.
 * Errors: TERN_ERR_ARG, TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
TERN_API int tern_cookie_rotate(struct tern_cookie *gate, const uint8_t *secret, size_t secret_len);

/* Examines the first datagram received from peer (peer/peer_len: the
 * address bytes as the caller identifies peers, for example a struct
 * sockaddr_in6; at most 128 bytes; the same peer must give the same bytes
 * each time, so zero any padding). Only the first record of the datagram
 * is considered. On TERN_COOKIE_SEND, writes the HelloVerifyRequest
 * datagram to out (cap bytes; 60 bytes always suffice) and its length to
 * *out_len; it is never larger than the ClientHello's record. Reads dgram
 * only; allocates nothing.
 * Returns an enum tern_cookie_verdict, or TERN_ERR_ARG (NULL gate, dgram,
 * peer or out_len, or peer_len 0 or above 128), TERN_ERR_BUFFER (out too
 * small for the HelloVerifyRequest), TERN_ERR_CRYPTO. */
TERN_API int tern_cookie_check(struct tern_cookie *gate, const uint8_t *dgram, size_t len,
                               const void *peer, size_t peer_len, uint8_t *out, size_t cap,
                               size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif
