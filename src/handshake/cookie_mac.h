/* The cookie of RFC 6347 section 4.2.1, made and checked by the stateless
 * gate (src/cookie.c). */
#ifndef TERN_HANDSHAKE_COOKIE_MAC_H
#define TERN_HANDSHAKE_COOKIE_MAC_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/cmac.h"
#include "handshake/hello.h"

#define TERN_COOKIE_LEN      TERN_CMAC_LEN /* 16 bytes */
#define TERN_COOKIE_PEER_MAX 128

/* A cookie key: AES-128-CMAC (RFC 4493) under a key derived from the
 * secret with HKDF-SHA-256 (RFC 5869), so that secrets of any length
 * 16..64 bytes key it, and servers given the same secret make the same
 * cookies. */
struct tern_cookie_key {
    struct tern_cmac mac;
};

/* Errors: TERN_ERR_ARG, TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_cookie_key_init(struct tern_cookie_key *k, const uint8_t *secret, size_t secret_len);

/* Frees and wipes. Safe on a cleared or zeroed key. */
void tern_cookie_key_clear(struct tern_cookie_key *k);

/* Cookie = MAC(key, peer || client_version || random || session_id ||
 * cipher_suites || compression_methods), each variable field with its length
 * prefix so that fields cannot slide into each other. RFC 6347 section 4.2.1
 * suggests HMAC(Secret, Client-IP, Client-Parameters), and these are the
 * parameters a client "MUST use the same [...] as it did in the original
 * ClientHello". Allocates nothing. Errors: TERN_ERR_STATE, TERN_ERR_CRYPTO. */
int tern_cookie_mac(struct tern_cookie_key *key, const void *peer, size_t peer_len,
                    const struct tern_client_hello *ch, uint8_t out[TERN_COOKIE_LEN]);

#endif
