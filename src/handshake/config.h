/* The layout of struct tern_config: the parameters every handshake reads
 * (the public API in include/tern/config.h sets them). */
#ifndef TERN_HANDSHAKE_CONFIG_H
#define TERN_HANDSHAKE_CONFIG_H

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

struct tern_config {
    int refs;   /* the application's reference plus one per connection */
    int frozen; /* set when the first connection takes a reference (atomic) */
    uint8_t role;
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
    size_t mtu;
    uint32_t timer_initial_ms;
    uint32_t timer_max_ms;
    unsigned max_retransmits;
    uint8_t cookie_mode; /* enum tern_cookie_mode */
    uint32_t flags;
    tern_keylog_fn keylog;
    void *keylog_arg;
    struct tern_rng rng;
    struct tern_cert_cred certs[TERN_CONFIG_MAX_CERTS];
    size_t n_certs;
    struct tern_trust *trust; /* NULL until an anchor is added */
    uint8_t client_auth;      /* enum tern_client_auth */
    uint8_t verify_pause;
    uint8_t security_level; /* of certificate verification, 0..5 */
    tern_verify_fn verify_cb;
    void *verify_arg;
    struct tern_peer_key *peer_keys; /* allowed raw public keys, NULL until one is added */
    size_t n_peer_keys;
};

/* Frees the certificate credentials and trust store (config.c calls it
 * when the last reference goes). */
void tern_config_free_certs(struct tern_config *cfg);

/* Takes a reference for a connection and freezes the configuration; safe
 * from several threads at once. */
void tern_config_ref(struct tern_config *cfg);

/* Whether a connection has taken a reference (setters then refuse). */
int tern_config_frozen(const struct tern_config *cfg);

/* Whether the configuration holds any PSK (fixed or callback) for its role. */
int tern_config_has_psk(const struct tern_config *cfg);

#endif
