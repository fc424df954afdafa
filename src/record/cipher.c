#include "record/cipher.h"

#include <string.h>

#include <tern/err.h>

#include "record/header.h"
#include "util/ct.h"
#include "util/writer.h"

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
    size_t want_iv = tern_rec_cipher_iv_len(alg);
    if (want_iv == 0 || iv == NULL || iv_len != want_iv) {
        return TERN_ERR_ARG;
    }
    int rc = tern_aead_init(&c->aead, alg, encrypt, key, key_len);
    if (rc != TERN_OK) {
        return rc;
    }
    memcpy(c->iv, iv, iv_len);
    c->iv_len = (uint8_t)iv_len;
    c->explicit_len = iv_len == 4 ? 8 : 0;
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

size_t tern_rec_cipher_overhead(const struct tern_rec_cipher *c)
{
    return (size_t)c->explicit_len + c->aead.tag_len;
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (size_t i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (56 - 8 * i));
    }
}

/* additional_data = seq_num + TLSCompressed.type + TLSCompressed.version +
 * TLSCompressed.length (RFC 5246 section 6.2.3.3); in DTLS seq_num is
 * epoch || sequence_number (RFC 6347 section 4.1.2.1). */
static void make_aad(uint8_t aad[13], uint64_t seq_num, uint8_t type, uint16_t version,
                     size_t pt_len)
{
    put_u64(aad, seq_num);
    aad[8] = type;
    aad[9] = (uint8_t)(version >> 8);
    aad[10] = (uint8_t)version;
    aad[11] = (uint8_t)(pt_len >> 8);
    aad[12] = (uint8_t)pt_len;
}

/* GCM and CCM: salt || explicit (RFC 5288 section 3, RFC 6655 section 3).
 * ChaCha20-Poly1305: IV XOR the left-padded 64-bit seq_num (RFC 7905 section 2). */
static void make_nonce(const struct tern_rec_cipher *c, const uint8_t *explicit_part,
                       uint64_t seq_num, uint8_t nonce[TERN_AEAD_NONCE_LEN])
{
    if (c->explicit_len == 8) {
        memcpy(nonce, c->iv, 4);
        memcpy(nonce + 4, explicit_part, 8);
        return;
    }
    uint8_t padded[TERN_AEAD_NONCE_LEN] = {0};
    put_u64(padded + 4, seq_num);
    for (size_t i = 0; i < TERN_AEAD_NONCE_LEN; i++) {
        nonce[i] = (uint8_t)(c->iv[i] ^ padded[i]);
    }
}

ptrdiff_t tern_rec_cipher_seal(struct tern_rec_cipher *c, uint8_t type, uint16_t version,
                               uint64_t seq_num, uint8_t *rec, size_t cap, size_t pt_len)
{
    if (c == NULL || c->aead.ctx == NULL || rec == NULL) {
        return TERN_ERR_STATE;
    }
    if (pt_len > TERN_REC_MAX_PLAINTEXT) {
        return TERN_ERR_RECORD_OVERFLOW;
    }
    size_t body = c->explicit_len + pt_len + c->aead.tag_len;
    if (cap < TERN_REC12_HEADER_LEN || cap - TERN_REC12_HEADER_LEN < body) {
        return TERN_ERR_BUFFER;
    }
    struct tern_rec12_header h = {type, version, (uint16_t)(seq_num >> 48),
                                  seq_num & TERN_REC_MAX_SEQ, (uint16_t)body};
    struct tern_writer w;
    tern_w_init(&w, rec, TERN_REC12_HEADER_LEN);
    tern_rec12_header_write(&w, &h);
    if (tern_w_finish(&w) != TERN_OK) {
        return TERN_ERR_ARG;
    }
    uint8_t *explicit_part = rec + TERN_REC12_HEADER_LEN;
    uint8_t *pt = explicit_part + c->explicit_len;
    if (c->explicit_len == 8) {
        /* The explicit nonce is the record's own seq_num, which never repeats
         * under one key (RFC 5288 section 3, RFC 6655 section 3). */
        put_u64(explicit_part, seq_num);
    }
    uint8_t nonce[TERN_AEAD_NONCE_LEN];
    uint8_t aad[13];
    make_nonce(c, explicit_part, seq_num, nonce);
    make_aad(aad, seq_num, type, version, pt_len);
    int rc = tern_aead_seal(&c->aead, nonce, aad, sizeof(aad), pt, pt_len, pt + pt_len);
    if (rc != TERN_OK) {
        return rc;
    }
    return (ptrdiff_t)(TERN_REC12_HEADER_LEN + body);
}

int tern_rec_cipher_open(struct tern_rec_cipher *c, uint8_t type, uint16_t version,
                         uint64_t seq_num, uint8_t *body, size_t body_len, size_t *pt_off,
                         size_t *pt_len)
{
    if (c == NULL || c->aead.ctx == NULL || body == NULL) {
        return TERN_ERR_STATE;
    }
    size_t overhead = tern_rec_cipher_overhead(c);
    if (body_len < overhead) {
        tern_zeroize(body, body_len);
        return TERN_ERR_BAD_RECORD_MAC;
    }
    size_t len = body_len - overhead;
    uint8_t *ct = body + c->explicit_len;
    uint8_t nonce[TERN_AEAD_NONCE_LEN];
    uint8_t aad[13];
    make_nonce(c, body, seq_num, nonce);
    make_aad(aad, seq_num, type, version, len);
    int rc = tern_aead_open(&c->aead, nonce, aad, sizeof(aad), ct, len, ct + len);
    if (rc != TERN_OK) {
        tern_zeroize(body, body_len);
        return rc;
    }
    *pt_off = c->explicit_len;
    *pt_len = len;
    return TERN_OK;
}
