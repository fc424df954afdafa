/* The handshake's read-only view of its configuration (struct
 * tern_hs_params), and the credentials in it. The configuration's own
 * layout, which embeds this view, is in src/config.h beside the functions
 * that fill it. */
#ifndef TERN_HANDSHAKE_PARAMS_H
#define TERN_HANDSHAKE_PARAMS_H

#include <tern/config.h>

#include "crypto/rng.h"
#include "crypto/sig.h"
#include "crypto/x509.h"

#define TERN_CONFIG_MAX_SUITES    32
#define TERN_CONFIG_MAX_GROUPS    8
#define TERN_CONFIG_MAX_CERTS     4
#define TERN_CONFIG_MAX_PEER_KEYS 16
#define TERN_SPKI_MAX             1024

/* Certificate types of RFC 7250 section 3. */
#define TERN_CERT_TYPE_X509           0
#define TERN_CERT_TYPE_RAW_PUBLIC_KEY 2

/* One certificate chain with its private key, or (chain NULL) a raw public
 * key pair (RFC 7250), whose SubjectPublicKeyInfo is encoded once here:
 * libcrypto's encoder costs thousands of allocations per call. */
struct tern_cert_cred {
    struct tern_x509_chain *chain;
    struct tern_pkey *key;
    uint8_t *spki; /* raw public keys only */
    size_t spki_len;
};

/* A raw public key the peer may present: its DER SubjectPublicKeyInfo,
 * which a peer's is compared with byte for byte, and the key decoded once
 * (libcrypto's decoder is as costly as its encoder). */
struct tern_peer_key {
    uint8_t spki[TERN_SPKI_MAX];
    size_t len;
    struct tern_pkey *key;
};

/* The credentials a configuration holds: its own certificate chains or raw
 * key pairs, the trust anchors and the raw public keys it accepts, and a
 * cache of the certificates its peers send, decoded (crypto/x509.h). The
 * cache belongs to these credentials alone: two configurations share no
 * hidden state. */
struct tern_credentials {
    struct tern_cert_cred certs[TERN_CONFIG_MAX_CERTS];
    size_t n_certs;
    struct tern_trust *trust;        /* NULL until an anchor is added */
    struct tern_peer_key *peer_keys; /* allowed raw public keys, NULL until one is added */
    size_t n_peer_keys;
    struct tern_x509_cache *cache; /* peers' certificates, decoded */
};

/* What a handshake reads of its configuration: everything about the
 * protocol that is not about one peer. src/config.c fills it in through
 * the public setters (include/tern/config.h) and freezes it before the
 * first connection uses it; the handshake only reads it, and may do so
 * from several threads at once. */
struct tern_hs_params {
    uint8_t role;
    uint8_t client_auth; /* enum tern_client_auth */
    uint8_t verify_pause;
    uint8_t security_level; /* of certificate verification, 0..5 */
    uint32_t flags;
    uint16_t suites[TERN_CONFIG_MAX_SUITES]; /* 0 entries: tern's default order */
    size_t n_suites;
    uint16_t groups[TERN_CONFIG_MAX_GROUPS];
    size_t n_groups;
    uint8_t psk_identity[TERN_PSK_IDENTITY_MAX_LEN];
    size_t psk_identity_len;
    uint8_t psk_key[TERN_PSK_KEY_MAX_LEN];
    size_t psk_key_len;
    uint8_t psk_hint[TERN_PSK_IDENTITY_MAX_LEN];
    size_t psk_hint_len;
    tern_psk_client_fn psk_client;
    void *psk_client_arg;
    tern_psk_server_fn psk_server;
    void *psk_server_arg;
    tern_verify_fn verify_cb;
    void *verify_arg;
    tern_keylog_fn keylog; /* the handshake writes its secrets' lines */
    void *keylog_arg;
    /* ALPN protocols in preference order, as the entries of a
     * ProtocolNameList (each name after its length byte); NULL: none. */
    uint8_t *alpn;
    size_t alpn_len;
    /* The same names, each followed by a NUL in place of the next length
     * byte: the name at offset k of alpn is the string at alpn_names + k - 1
     * (what tern_conn_alpn() hands out, so a session keeps only the offset). */
    char *alpn_names;
    struct tern_rng rng;
    struct tern_credentials creds;
};

/* Whether the parameters hold any PSK (fixed or callback) for their role. */
int tern_params_has_psk(const struct tern_hs_params *p);

#endif
