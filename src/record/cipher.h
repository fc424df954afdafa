/* AEAD record protection for DTLS 1.2 (RFC 5246 section 6.2.3.3 with the
 * DTLS sequence number of RFC 6347 section 4.1.2.1).
 *
 * One struct tern_rec_cipher is one epoch's key in one direction. Records are
 * sealed and opened in place in the caller's buffer; nothing is allocated per
 * record. A protected record is laid out as
 *
 *   header (13) | explicit nonce (8 for GCM/CCM, 0 for ChaCha20) | ciphertext | tag
 *
 * and the additional data is seq_num (epoch and sequence number, 8 bytes) +
 * type + version + plaintext length. */
#ifndef TERN_RECORD_CIPHER_H
#define TERN_RECORD_CIPHER_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/aead.h"

#define TERN_REC_MAX_IV_LEN 12

struct tern_rec_cipher {
    struct tern_aead aead;
    uint8_t iv[TERN_REC_MAX_IV_LEN]; /* 4-byte salt (GCM, CCM) or 12-byte IV (ChaCha20) */
    uint8_t iv_len;
    uint8_t explicit_len; /* bytes of nonce carried in each record */
};

/* Fixed IV length from the key block for alg (RFC 5288 section 3: 4 bytes
 * for GCM; RFC 6655 section 3: 4 for CCM; RFC 7905 section 2: 12 for
 * ChaCha20-Poly1305), or 0 for an unknown alg. */
size_t tern_rec_cipher_iv_len(int alg);

/* Installs a key and fixed IV for one direction. On failure c is cleared.
 * Errors: TERN_ERR_ARG (unknown alg, wrong key or IV length), and those of
 * tern_aead_init(). */
int tern_rec_cipher_init(struct tern_rec_cipher *c, int alg, int encrypt, const uint8_t *key,
                         size_t key_len, const uint8_t *iv, size_t iv_len);

/* Wipes key material and frees the AEAD context. Safe on a zeroed struct. */
void tern_rec_cipher_clear(struct tern_rec_cipher *c);

/* Bytes a protected record adds after the header: explicit nonce plus tag. */
size_t tern_rec_cipher_overhead(const struct tern_rec_cipher *c);

/* Seals a record in place. rec[0..13) receives the header; the plaintext,
 * pt_len bytes, must already sit at rec + 13 + c->explicit_len; the explicit
 * nonce and tag are written around it. cap is the room at rec. seq_num is
 * the 64-bit epoch || sequence number. Returns the record length, or
 * TERN_ERR_BUFFER (cap too small), TERN_ERR_RECORD_OVERFLOW (pt_len above
 * 2^14), TERN_ERR_STATE, TERN_ERR_CRYPTO. */
ptrdiff_t tern_rec_cipher_seal(struct tern_rec_cipher *c, uint8_t type, uint16_t version,
                               uint64_t seq_num, uint8_t *rec, size_t cap, size_t pt_len);

/* Opens the fragment of a record in place. body/body_len is the fragment
 * (after the 13-byte header); on success the plaintext is at
 * body + *pt_off, *pt_len bytes. On failure the fragment is wiped.
 * Errors: TERN_ERR_BAD_RECORD_MAC (too short for nonce and tag, or
 * authentication failed), TERN_ERR_STATE, TERN_ERR_CRYPTO. */
int tern_rec_cipher_open(struct tern_rec_cipher *c, uint8_t type, uint16_t version,
                         uint64_t seq_num, uint8_t *body, size_t body_len, size_t *pt_off,
                         size_t *pt_len);

#endif
