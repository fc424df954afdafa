/* The DTLS 1.2 key schedule (RFC 5246 sections 6.3, 7.4.9, 8.1 with RFC 7627
 * for the extended master secret, RFC 4279 and RFC 5489 for the PSK
 * premaster secrets, RFC 5705 for exporters). Pure functions over bytes. */
#ifndef TERN_HANDSHAKE_KEYS12_H
#define TERN_HANDSHAKE_KEYS12_H

#include <stddef.h>
#include <stdint.h>

#define TERN_MASTER_SECRET_LEN 48
#define TERN_VERIFY_DATA_LEN   12
#define TERN_PSK_MAX           64
/* other_secret + PSK + two length fields (RFC 4279 section 2). The longest
 * other_secret is plain PSK's N zeros, as long as the key (up to 64 bytes);
 * an ECDHE shared secret is at most 48 (P-384). */
#define TERN_OTHER_SECRET_MAX (TERN_PSK_MAX > 48 ? TERN_PSK_MAX : 48)
#define TERN_PREMASTER_MAX    (2 + TERN_OTHER_SECRET_MAX + 2 + TERN_PSK_MAX)

/* Builds the premaster secret of a PSK suite:
 *   struct { opaque other_secret<0..2^16-1>; opaque psk<0..2^16-1>; }
 * where other_secret is N zero bytes for plain PSK (RFC 4279 section 2,
 * N = the PSK length) and the ECDH shared secret for ECDHE_PSK (RFC 5489
 * section 2): pass other = NULL for plain PSK.
 * Errors: TERN_ERR_ARG (PSK empty or over TERN_PSK_MAX, other too long). */
int tern_psk_premaster(const uint8_t *other, size_t other_len, const uint8_t *psk, size_t psk_len,
                       uint8_t out[TERN_PREMASTER_MAX], size_t *out_len);

/* master_secret = PRF(pre_master_secret, "extended master secret",
 * session_hash)[0..47] (RFC 7627 section 4), where session_hash is the
 * handshake hash through ClientKeyExchange. Errors: as tern_tls12_prf(). */
int tern_master_secret_ems(int hash, const uint8_t *premaster, size_t premaster_len,
                           const uint8_t *session_hash, size_t session_hash_len,
                           uint8_t out[TERN_MASTER_SECRET_LEN]);

/* master_secret = PRF(pre_master_secret, "master secret", ClientHello.random
 * + ServerHello.random)[0..47] (RFC 5246 section 8.1): only when a peer
 * without extended_master_secret is explicitly allowed. */
int tern_master_secret_legacy(int hash, const uint8_t *premaster, size_t premaster_len,
                              const uint8_t client_random[32], const uint8_t server_random[32],
                              uint8_t out[TERN_MASTER_SECRET_LEN]);

/* The traffic keys of one connection, split from the key block (RFC 5246
 * section 6.3; AEAD suites have no MAC keys). */
struct tern_keys12 {
    uint8_t client_key[32];
    uint8_t server_key[32];
    uint8_t client_iv[12];
    uint8_t server_iv[12];
    uint8_t key_len;
    uint8_t iv_len;
};

/* key_block = PRF(master_secret, "key expansion", server_random +
 * client_random). Errors: TERN_ERR_ARG (lengths), and those of the PRF. */
int tern_keys12_derive(int hash, const uint8_t master[TERN_MASTER_SECRET_LEN],
                       const uint8_t client_random[32], const uint8_t server_random[32],
                       size_t key_len, size_t iv_len, struct tern_keys12 *out);

/* verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))
 * [0..11] (RFC 5246 section 7.4.9), for the client (is_client = 1,
 * "client finished") or the server. */
int tern_finished12(int hash, const uint8_t master[TERN_MASTER_SECRET_LEN], int is_client,
                    const uint8_t *transcript_hash, size_t transcript_hash_len,
                    uint8_t out[TERN_VERIFY_DATA_LEN]);

/* Keying material exporter (RFC 5705 section 4): PRF(master_secret, label,
 * client_random + server_random [+ context_length + context]). A context
 * longer than 65535 bytes is refused; use_context distinguishes "no
 * context" from an empty one. Errors: TERN_ERR_ARG, and those of the PRF. */
int tern_export12(int hash, const uint8_t master[TERN_MASTER_SECRET_LEN],
                  const uint8_t client_random[32], const uint8_t server_random[32],
                  const char *label, const uint8_t *context, size_t context_len, int use_context,
                  uint8_t *out, size_t out_len);

#endif
