/* AEAD ciphers for record protection.
 *
 * One struct tern_aead holds one key in one direction; its libcrypto context
 * (with the expanded key schedule) is created once by tern_aead_init() and
 * reused for every record, so sealing and opening allocate nothing and never
 * redo the key schedule. Every algorithm here takes a 12-byte nonce: TLS 1.2
 * builds it from a 4-byte salt and an 8-byte explicit part for GCM (RFC 5288
 * section 3) and CCM (RFC 6655 section 3), and from a 12-byte IV XORed with
 * the sequence number for ChaCha20-Poly1305 (RFC 7905 section 2). */
#ifndef TERN_CRYPTO_AEAD_H
#define TERN_CRYPTO_AEAD_H

#include <stddef.h>
#include <stdint.h>

enum tern_aead_alg {
    TERN_AEAD_AES_128_GCM = 1,
    TERN_AEAD_AES_256_GCM,
    TERN_AEAD_AES_128_CCM,
    TERN_AEAD_AES_128_CCM_8,
    TERN_AEAD_CHACHA20_POLY1305,
};

#define TERN_AEAD_NONCE_LEN   12
#define TERN_AEAD_MAX_KEY_LEN 32
#define TERN_AEAD_MAX_TAG_LEN 16

struct tern_aead {
    void *ctx;       /* libcrypto cipher context, owned; NULL when not initialised */
    uint8_t alg;     /* enum tern_aead_alg */
    uint8_t tag_len; /* 16, or 8 for AES-128-CCM-8 */
    uint8_t encrypt; /* 1 = seal, 0 = open */
};

/* Key length in bytes for alg, or 0 for an unknown alg. */
size_t tern_aead_key_len(int alg);

/* Tag length in bytes for alg, or 0 for an unknown alg. */
size_t tern_aead_tag_len(int alg);

/* Prepares a to seal (encrypt = 1) or open (encrypt = 0) with key. Allocates
 * the one libcrypto context the key needs. On failure a is left cleared.
 * Errors: TERN_ERR_ARG (unknown alg, wrong key length), TERN_ERR_NOMEM,
 * TERN_ERR_CRYPTO. */
int tern_aead_init(struct tern_aead *a, int alg, int encrypt, const uint8_t *key, size_t key_len);

/* Frees the context and wipes the key schedule. Safe on a cleared or zeroed
 * struct; leaves a cleared. */
void tern_aead_clear(struct tern_aead *a);

/* Encrypts len bytes at buf in place and writes tag_len bytes of tag to tag
 * (which may directly follow buf). Allocates nothing.
 * Errors: TERN_ERR_STATE (not a sealing context), TERN_ERR_RECORD_OVERFLOW
 * (len or aad_len beyond what libcrypto takes), TERN_ERR_CRYPTO. */
int tern_aead_seal(struct tern_aead *a, const uint8_t nonce[TERN_AEAD_NONCE_LEN],
                   const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len, uint8_t *tag);

/* Decrypts len bytes at buf in place after checking tag. On failure the
 * bytes at buf are wiped, so unauthenticated plaintext never escapes.
 * Errors: TERN_ERR_BAD_RECORD_MAC (authentication failed), TERN_ERR_STATE,
 * TERN_ERR_RECORD_OVERFLOW, TERN_ERR_CRYPTO. */
int tern_aead_open(struct tern_aead *a, const uint8_t nonce[TERN_AEAD_NONCE_LEN],
                   const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
                   const uint8_t *tag);

#endif
