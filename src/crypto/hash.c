#include "crypto/hash.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <tern/err.h>

#include "crypto/algs.h"
#include "crypto/md.h"

size_t tern_hash_len(int alg)
{
    switch (alg) {
    case TERN_HASH_SHA256:
        return 32;
    case TERN_HASH_SHA384:
        return 48;
    default:
        return 0;
    }
}

const EVP_MD *tern_md_for(int alg)
{
    const struct tern_algs *algs = tern_algs();
    if (algs == NULL) {
        return NULL;
    }
    switch (alg) {
    case TERN_HASH_SHA256:
        return algs->sha256;
    case TERN_HASH_SHA384:
        return algs->sha384;
    default:
        return NULL;
    }
}

const char *tern_md_name(int alg)
{
    switch (alg) {
    case TERN_HASH_SHA256:
        return "SHA2-256";
    case TERN_HASH_SHA384:
        return "SHA2-384";
    default:
        return NULL;
    }
}

int tern_hash_oneshot(int alg, const void *data, size_t len, uint8_t *out)
{
    const EVP_MD *md = tern_md_for(alg);
    if (md == NULL || out == NULL || (data == NULL && len > 0)) {
        return TERN_ERR_ARG;
    }
    return EVP_Digest(data, len, out, NULL, md, NULL) == 1 ? TERN_OK : TERN_ERR_CRYPTO;
}

int tern_hash_init(struct tern_hash *h, int alg)
{
    if (h == NULL) {
        return TERN_ERR_ARG;
    }
    memset(h, 0, sizeof(*h));
    const EVP_MD *md = tern_md_for(alg);
    if (md == NULL) {
        return TERN_ERR_ARG;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return TERN_ERR_NOMEM;
    }
    if (EVP_DigestInit_ex(ctx, md, NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return TERN_ERR_CRYPTO;
    }
    h->ctx = ctx;
    h->alg = (uint8_t)alg;
    return TERN_OK;
}

int tern_hash_update(struct tern_hash *h, const void *data, size_t len)
{
    if (h == NULL || h->ctx == NULL) {
        return TERN_ERR_STATE;
    }
    if (len == 0) {
        return TERN_OK;
    }
    return EVP_DigestUpdate(h->ctx, data, len) == 1 ? TERN_OK : TERN_ERR_CRYPTO;
}

int tern_hash_copy(struct tern_hash *dst, const struct tern_hash *src)
{
    if (dst == NULL || src == NULL || src->ctx == NULL) {
        return TERN_ERR_STATE;
    }
    memset(dst, 0, sizeof(*dst));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return TERN_ERR_NOMEM;
    }
    if (EVP_MD_CTX_copy_ex(ctx, src->ctx) != 1) {
        EVP_MD_CTX_free(ctx);
        return TERN_ERR_CRYPTO;
    }
    dst->ctx = ctx;
    dst->alg = src->alg;
    return TERN_OK;
}

int tern_hash_peek(const struct tern_hash *h, uint8_t *out)
{
    struct tern_hash tmp;
    int rc = tern_hash_copy(&tmp, h);
    if (rc != TERN_OK) {
        return rc;
    }
    rc = EVP_DigestFinal_ex(tmp.ctx, out, NULL) == 1 ? TERN_OK : TERN_ERR_CRYPTO;
    tern_hash_clear(&tmp);
    return rc;
}

void tern_hash_clear(struct tern_hash *h)
{
    if (h == NULL) {
        return;
    }
    EVP_MD_CTX_free(h->ctx);
    memset(h, 0, sizeof(*h));
}

int tern_hmac_init(struct tern_hmac *m, int alg, const uint8_t *key, size_t key_len)
{
    if (m == NULL) {
        return TERN_ERR_ARG;
    }
    memset(m, 0, sizeof(*m));
    const struct tern_algs *algs = tern_algs();
    const char *name = tern_md_name(alg);
    if (algs == NULL) {
        return TERN_ERR_CRYPTO;
    }
    if (name == NULL || (key == NULL && key_len > 0)) {
        return TERN_ERR_ARG;
    }
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(algs->hmac);
    if (ctx == NULL) {
        return TERN_ERR_NOMEM;
    }
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)name, 0);
    params[1] = OSSL_PARAM_construct_end();
    /* A zero-length key still needs a non-NULL pointer: NULL means "keep the old key". */
    static const uint8_t empty_key[1] = {0};
    if (EVP_MAC_init(ctx, key_len > 0 ? key : empty_key, key_len, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return TERN_ERR_CRYPTO;
    }
    m->ctx = ctx;
    m->alg = (uint8_t)alg;
    return TERN_OK;
}

int tern_hmac_compute(struct tern_hmac *m, const struct tern_span *parts, size_t n, uint8_t *out)
{
    if (m == NULL || m->ctx == NULL) {
        return TERN_ERR_STATE;
    }
    return tern_evp_mac_parts(m->ctx, parts, n, out, tern_hash_len(m->alg));
}

int tern_evp_mac_parts(EVP_MAC_CTX *ctx, const struct tern_span *parts, size_t n, uint8_t *out,
                       size_t want)
{
    /* EVP_MAC_init with a NULL key restarts from the stored key state. */
    if (EVP_MAC_init(ctx, NULL, 0, NULL) != 1) {
        return TERN_ERR_CRYPTO;
    }
    for (size_t i = 0; i < n; i++) {
        if (parts[i].len > 0 && EVP_MAC_update(ctx, parts[i].p, parts[i].len) != 1) {
            return TERN_ERR_CRYPTO;
        }
    }
    size_t outl = 0;
    if (EVP_MAC_final(ctx, out, &outl, want) != 1 || outl != want) {
        return TERN_ERR_CRYPTO;
    }
    return TERN_OK;
}

void tern_hmac_clear(struct tern_hmac *m)
{
    if (m == NULL) {
        return;
    }
    EVP_MAC_CTX_free(m->ctx);
    memset(m, 0, sizeof(*m));
}

int tern_hmac_oneshot(int alg, const uint8_t *key, size_t key_len, const void *data, size_t len,
                      uint8_t *out)
{
    struct tern_hmac m;
    int rc = tern_hmac_init(&m, alg, key, key_len);
    if (rc != TERN_OK) {
        return rc;
    }
    struct tern_span part = {data, len};
    rc = tern_hmac_compute(&m, &part, 1, out);
    tern_hmac_clear(&m);
    return rc;
}
