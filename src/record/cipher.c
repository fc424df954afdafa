#include "record/cipher.h"

#include <string.h>

#include <tern/err.h>

#include "util/ct.h"

size_t tern_rec_cipher_iv_len(int alg)
{
    switch (alg) {
    case TERN_AEAD_AES_128_GCM:
    case TERN_AEAD_AES_256_GCM:
    case TERN_AEAD_AES_128_CCM:
    case TERN_AEAD_AES_128_CCM_8:
        return 4;
    case TERN_AEAD_CHACHA20_POLY1305:
        return 12;
    default:
        return 0;
    }
}

int tern_rec_cipher_init(struct tern_rec_cipher *c, int alg, int encrypt, const uint8_t *key,
                         size_t key_len, const uint8_t *iv, size_t iv_len)
{
    if (c == NULL) {
        return TERN_ERR_ARG;
    }
    memset(c, 0, sizeof(*c));
    /* ChaCha20-Poly1305 has no explicit nonce form (RFC 7905 section 2). */
    int ok_iv = iv_len == 12 || (iv_len == 4 && tern_rec_cipher_iv_len(alg) == 4);
    if (tern_rec_cipher_iv_len(alg) == 0 || iv == NULL || !ok_iv) {
        return TERN_ERR_ARG;
    }
    int rc = tern_aead_init(&c->aead, alg, encrypt, key, key_len);
    if (rc != TERN_OK) {
        return rc;
    }
    memcpy(c->iv, iv, iv_len);
    c->iv_len = (uint8_t)iv_len;
    c->explicit_len = iv_len == 4 ? TERN_REC_EXPLICIT_LEN : 0;
    return TERN_OK;
}

void tern_rec_cipher_clear(struct tern_rec_cipher *c)
{
    if (c == NULL) {
        return;
    }
    tern_aead_clear(&c->aead);
    tern_zeroize(c, sizeof(*c));
}

void tern_rec_cipher_put_explicit(uint8_t explicit[TERN_REC_EXPLICIT_LEN], uint64_t seq)
{
    for (size_t i = 0; i < 8; i++) {
        explicit[i] = (uint8_t)(seq >> (56 - 8 * i));
    }
}

void tern_rec_cipher_nonce(const struct tern_rec_cipher *c, uint64_t seq, const uint8_t *explicit,
                           uint8_t nonce[TERN_AEAD_NONCE_LEN])
{
    if (c->explicit_len == TERN_REC_EXPLICIT_LEN) {
        memcpy(nonce, c->iv, 4);
        memcpy(nonce + 4, explicit, TERN_REC_EXPLICIT_LEN);
        return;
    }
    uint8_t padded[TERN_AEAD_NONCE_LEN] = {0};
    tern_rec_cipher_put_explicit(padded + 4, seq);
    for (size_t i = 0; i < TERN_AEAD_NONCE_LEN; i++) {
        nonce[i] = (uint8_t)(c->iv[i] ^ padded[i]);
    }
}

int tern_rec_cipher_seal(struct tern_rec_cipher *c, const uint8_t nonce[TERN_AEAD_NONCE_LEN],
                         const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len, uint8_t *tag)
{
    if (c == NULL) {
        return TERN_ERR_STATE;
    }
    return tern_aead_seal(&c->aead, nonce, aad, aad_len, buf, len, tag);
}

int tern_rec_cipher_open(struct tern_rec_cipher *c, const uint8_t nonce[TERN_AEAD_NONCE_LEN],
                         const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
                         const uint8_t *tag)
{
    if (c == NULL) {
        return TERN_ERR_STATE;
    }
    return tern_aead_open(&c->aead, nonce, aad, aad_len, buf, len, tag);
}
