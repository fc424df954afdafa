#include "crypto/aead.h"

#include <limits.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <tern/err.h>

#include "crypto/algs.h"
#include "crypto/errors.h"
#include "util/ct.h"

/* A non-NULL pointer for zero-length updates: some modes treat a NULL input
 * as "finish" rather than "no data". */
static uint8_t g_empty[1] = {0};

size_t tern_aead_key_len(int alg)
{
    switch (alg) {
    case TERN_AEAD_AES_128_GCM:
    case TERN_AEAD_AES_128_CCM:
    case TERN_AEAD_AES_128_CCM_8:
        return 16;
    case TERN_AEAD_AES_256_GCM:
    case TERN_AEAD_CHACHA20_POLY1305:
        return 32;
    default:
        return 0;
    }
}

size_t tern_aead_tag_len(int alg)
{
    switch (alg) {
    case TERN_AEAD_AES_128_CCM_8:
        return 8;
    case TERN_AEAD_AES_128_GCM:
    case TERN_AEAD_AES_256_GCM:
    case TERN_AEAD_AES_128_CCM:
    case TERN_AEAD_CHACHA20_POLY1305:
        return 16;
    default:
        return 0;
    }
}

static const EVP_CIPHER *cipher_for(const struct tern_algs *algs, int alg)
{
    switch (alg) {
    case TERN_AEAD_AES_128_GCM:
        return algs->aes_128_gcm;
    case TERN_AEAD_AES_256_GCM:
        return algs->aes_256_gcm;
    case TERN_AEAD_AES_128_CCM:
    case TERN_AEAD_AES_128_CCM_8:
        return algs->aes_128_ccm;
    case TERN_AEAD_CHACHA20_POLY1305:
        return algs->chacha20_poly1305;
    default:
        return NULL;
    }
}

static int is_ccm(int alg)
{
    return alg == TERN_AEAD_AES_128_CCM || alg == TERN_AEAD_AES_128_CCM_8;
}

int tern_aead_init(struct tern_aead *a, int alg, int encrypt, const uint8_t *key, size_t key_len)
{
    if (a == NULL) {
        return TERN_ERR_ARG;
    }
    memset(a, 0, sizeof(*a));
    const struct tern_algs *algs = tern_algs();
    if (algs == NULL) {
        return TERN_ERR_CRYPTO;
    }
    const EVP_CIPHER *cipher = cipher_for(algs, alg);
    if (cipher == NULL || key == NULL || key_len != tern_aead_key_len(alg)) {
        return TERN_ERR_ARG;
    }
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        return TERN_ERR_NOMEM;
    }
    int enc = encrypt ? 1 : 0;
    int tag_len = (int)tern_aead_tag_len(alg);
    /* The nonce and (for CCM) tag length are fixed before the key goes in;
     * later records only change the nonce. */
    int ok = EVP_CipherInit_ex(ctx, cipher, NULL, NULL, NULL, enc) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, TERN_AEAD_NONCE_LEN, NULL) == 1;
    if (ok && is_ccm(alg)) {
        ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, tag_len, NULL) == 1;
    }
    ok = ok && EVP_CipherInit_ex(ctx, NULL, NULL, key, NULL, enc) == 1;
    if (!ok) {
        EVP_CIPHER_CTX_free(ctx);
        return TERN_ERR_CRYPTO;
    }
    a->ctx = ctx;
    a->alg = (uint8_t)alg;
    a->tag_len = (uint8_t)tag_len;
    a->encrypt = (uint8_t)enc;
    return TERN_OK;
}

void tern_aead_clear(struct tern_aead *a)
{
    if (a == NULL) {
        return;
    }
    /* EVP_CIPHER_CTX_free cleanses the provider context, key schedule included. */
    EVP_CIPHER_CTX_free(a->ctx);
    memset(a, 0, sizeof(*a));
}

static int feed_aad(EVP_CIPHER_CTX *ctx, int alg, const uint8_t *aad, size_t aad_len, size_t len)
{
    int outl;
    /* CCM needs the message length before the additional data (RFC 3610 B_0 block). */
    if (is_ccm(alg) && EVP_CipherUpdate(ctx, NULL, &outl, NULL, (int)len) != 1) {
        return TERN_ERR_CRYPTO;
    }
    if (aad_len > 0 && EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)aad_len) != 1) {
        return TERN_ERR_CRYPTO;
    }
    return TERN_OK;
}

int tern_aead_seal(struct tern_aead *a, const uint8_t nonce[TERN_AEAD_NONCE_LEN],
                   const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len, uint8_t *tag)
{
    if (a == NULL || a->ctx == NULL || !a->encrypt) {
        return TERN_ERR_STATE;
    }
    if (len > INT_MAX / 2 || aad_len > INT_MAX / 2) {
        return TERN_ERR_RECORD_OVERFLOW;
    }
    EVP_CIPHER_CTX *ctx = a->ctx;
    int outl;
    uint8_t *data = len > 0 ? buf : g_empty;
    if (EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, nonce) != 1 ||
        feed_aad(ctx, a->alg, aad, aad_len, len) != TERN_OK ||
        EVP_EncryptUpdate(ctx, data, &outl, data, (int)len) != 1 ||
        EVP_EncryptFinal_ex(ctx, data + outl, &outl) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, a->tag_len, tag) != 1) {
        return TERN_ERR_CRYPTO;
    }
    return TERN_OK;
}

int tern_aead_open(struct tern_aead *a, const uint8_t nonce[TERN_AEAD_NONCE_LEN],
                   const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len, const uint8_t *tag)
{
    if (a == NULL || a->ctx == NULL || a->encrypt) {
        return TERN_ERR_STATE;
    }
    if (len > INT_MAX / 2 || aad_len > INT_MAX / 2) {
        return TERN_ERR_RECORD_OVERFLOW;
    }
    EVP_CIPHER_CTX *ctx = a->ctx;
    int outl;
    uint8_t *data = len > 0 ? buf : g_empty;
    /* libcrypto's ctrl takes a writable tag pointer; hand it a copy. */
    uint8_t expected[TERN_AEAD_MAX_TAG_LEN];
    memcpy(expected, tag, a->tag_len);
    if (EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, nonce) != 1) {
        return TERN_ERR_CRYPTO;
    }
    int ok;
    if (is_ccm(a->alg)) {
        /* CCM verifies inside the data update, so the tag goes in first;
         * libcrypto 3.0 queues its tag mismatch as an error, which must
         * not reach the application's queue. The mark (a few tens of
         * nanoseconds) is paid by CCM alone: the GCM and ChaCha20-Poly1305
         * failures queue nothing (the adversarial case
         * record_bad_mac_keeps_application_errors checks both). */
        (void)ERR_set_mark();
        ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, a->tag_len, expected) == 1 &&
             feed_aad(ctx, a->alg, aad, aad_len, len) == TERN_OK &&
             EVP_DecryptUpdate(ctx, data, &outl, data, (int)len) == 1;
        if (ok) {
            (void)ERR_clear_last_mark();
        } else {
            (void)ERR_pop_to_mark();
        }
    } else {
        ok = feed_aad(ctx, a->alg, aad, aad_len, len) == TERN_OK &&
             EVP_DecryptUpdate(ctx, data, &outl, data, (int)len) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, a->tag_len, expected) == 1 &&
             EVP_DecryptFinal_ex(ctx, data + outl, &outl) == 1;
    }
    if (!ok) {
        tern_zeroize(buf, len);
        return TERN_ERR_BAD_RECORD_MAC;
    }
    return TERN_OK;
}
