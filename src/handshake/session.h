/* What a handshake established, whatever the version: read by the
 * connection's queries (conn_query.c) and kept for the life of the
 * connection. One plain struct, so that it can later be exported and
 * imported for resumption. */
#ifndef TERN_HANDSHAKE_SESSION_H
#define TERN_HANDSHAKE_SESSION_H

#include <stdint.h>

#include <tern/config.h>
#include <tern/verify.h>

#define TERN_SESSION_MAX_VERIFY_ERRORS 8
#define TERN_SESSION_SECRET_MAX        48

struct tern_session {
    uint16_t version; /* wire value, TERN_DTLS12_VERSION */
    uint16_t suite;
    uint16_t group;  /* the key exchange's group, 0 for plain PSK */
    uint16_t scheme; /* the peer's signature scheme, 0 when it signed nothing */
    uint8_t ems;     /* DTLS 1.2: extended master secret used */
    /* DTLS 1.2's master secret and the hello randoms (the exporter and the
     * key log need them); DTLS 1.3 keeps its exporter secret here. */
    uint8_t master[TERN_SESSION_SECRET_MAX];
    uint8_t client_random[32];
    uint8_t server_random[32];
    uint8_t psk_identity[TERN_PSK_IDENTITY_MAX_LEN];
    uint16_t psk_identity_len;
    uint16_t peer_record_limit; /* largest plaintext the peer accepts */
    /* the application protocol ALPN chose (RFC 7301): always one of this
     * side's configured names, so kept as its offset in that list
     * (struct tern_hs_params alpn); alpn_len 0 when none */
    uint16_t alpn_at;
    uint8_t alpn_len;
    /* what verifying the peer's certificate found (readable afterwards) */
    struct tern_verify_error verify_errs[TERN_SESSION_MAX_VERIFY_ERRORS];
    uint8_t n_verify_errs;
};

#endif
