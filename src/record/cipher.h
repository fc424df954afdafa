/* One direction's record key: an AEAD key, its fixed IV, and how the nonce
 * of each record is formed from it. Version-neutral: the version's record
 * code lays the record out, builds the additional data and says which
 * record number to use; this module only forms the nonce and runs the
 * AEAD over the caller's buffer (the shape of picotls's
 * ptls_aead_encrypt). Nothing is allocated per record.
 *
 * Two nonce forms exist:
 *   - explicit: a 4-byte salt followed by 8 bytes that travel in each
 *     record (DTLS 1.2 with AES-GCM, RFC 5288 section 3, and AES-CCM, RFC
 *     6655 section 3); the sealer writes them, the opener reads them;
 *   - XOR: a 12-byte IV XOR the left-padded 64-bit record number
 *     (DTLS 1.2 with ChaCha20-Poly1305, RFC 7905 section 2; every DTLS 1.3
 *     AEAD, RFC 8446 section 5.3). */
#ifndef TERN_RECORD_CIPHER_H
#define TERN_RECORD_CIPHER_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/aead.h"

#define TERN_REC_MAX_IV_LEN   12
#define TERN_REC_EXPLICIT_LEN 8

struct tern_rec_cipher {
    struct tern_aead aead;
    uint8_t iv[TERN_REC_MAX_IV_LEN]; /* 4-byte salt (explicit form) or 12-byte IV (XOR form) */
    uint8_t iv_len;
    uint8_t explicit_len; /* nonce bytes carried in each record: 8 or 0 */
};

/* The fixed IV length a DTLS 1.2 key block gives alg (RFC 5288 section 3:
 * 4 bytes for GCM; RFC 6655 section 3: 4 for CCM; RFC 7905 section 2: 12
 * for ChaCha20-Poly1305), or 0 for an unknown alg. */
size_t tern_rec_cipher_iv_len(int alg);

/* Installs a key and fixed IV for one direction: a 4-byte IV selects the
 * explicit nonce form, a 12-byte IV the XOR form. On failure c is cleared.
 * Errors: TERN_ERR_ARG (unknown alg, wrong key length, IV neither 4 nor 12
 * bytes, or 4 bytes for ChaCha20-Poly1305), and those of tern_aead_init(). */
int tern_rec_cipher_init(struct tern_rec_cipher *c, int alg, int encrypt, const uint8_t *key,
                         size_t key_len, const uint8_t *iv, size_t iv_len);

/* Wipes key material and frees the AEAD context. Safe on a zeroed struct. */
void tern_rec_cipher_clear(struct tern_rec_cipher *c);

/* The nonce of the record numbered seq. In the explicit form the nonce's
 * last 8 bytes are explicit (those carried in the record: the sealer
 * chooses them, see tern_rec_cipher_put_explicit()); in the XOR form
 * explicit is not read and may be NULL. */
void tern_rec_cipher_nonce(const struct tern_rec_cipher *c, uint64_t seq, const uint8_t *explicit,
                           uint8_t nonce[TERN_AEAD_NONCE_LEN]);

/* Writes seq as the 8 explicit nonce bytes of a record (explicit form).
 * The record number never repeats under one key, so neither does the
 * nonce (RFC 5288 section 3, RFC 6655 section 3). */
void tern_rec_cipher_put_explicit(uint8_t explicit[TERN_REC_EXPLICIT_LEN], uint64_t seq);

/* Encrypts len bytes of buf in place under nonce with additional data aad
 * and writes the tag (c->aead.tag_len bytes) to tag. Errors:
 * TERN_ERR_STATE (no key, or a decryption key), TERN_ERR_RECORD_OVERFLOW,
 * TERN_ERR_CRYPTO. */
int tern_rec_cipher_seal(struct tern_rec_cipher *c, const uint8_t nonce[TERN_AEAD_NONCE_LEN],
                         const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
                         uint8_t *tag);

/* Decrypts len bytes of buf in place and checks tag; on failure buf is
 * wiped. Errors: TERN_ERR_BAD_RECORD_MAC, TERN_ERR_STATE,
 * TERN_ERR_RECORD_OVERFLOW, TERN_ERR_CRYPTO. */
int tern_rec_cipher_open(struct tern_rec_cipher *c, const uint8_t nonce[TERN_AEAD_NONCE_LEN],
                         const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
                         const uint8_t *tag);

#endif
