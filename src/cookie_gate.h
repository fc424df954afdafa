/* What the connection asks of the stateless cookie gate (src/cookie.c):
 * tern_conn_accept() creates a server connection only for a datagram the
 * gate verifies, and checks it again itself so that no connection can be
 * created for an address that has not proved it receives. */
#ifndef TERN_COOKIE_GATE_H
#define TERN_COOKIE_GATE_H

#include <stddef.h>
#include <stdint.h>

#include <tern/cookie.h>

/* Whether dgram's first record is an unfragmented epoch-0 ClientHello
 * carrying the cookie the gate makes for peer (under its current or
 * previous secret). Reads dgram only; allocates nothing. Returns 1 or 0.
 * Errors: TERN_ERR_ARG (NULL gate, dgram or peer; peer_len 0 or above
 * 128), TERN_ERR_CRYPTO. */
int tern_cookie_gate_verify(struct tern_cookie *gate, const uint8_t *dgram, size_t len,
                            const void *peer, size_t peer_len);

#endif
