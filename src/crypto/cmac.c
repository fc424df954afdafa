#include "crypto/cmac.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <tern/err.h>

#include "crypto/algs.h"

int tern_cmac_init(struct tern_cmac *m, const uint8_t key[TERN_CMAC_KEY_LEN])
{
    if (m == NULL || key == NULL) {
        return TERN_ERR_ARG;
    }
    memset(m, 0, sizeof(*m));
    const struct tern_algs *algs = tern_algs();
    if (algs == NULL) {
        return TERN_ERR_CRYPTO;
    }
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(algs->cmac);
    if (ctx == NULL) {
        return TERN_ERR_NOMEM;
    }
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, "AES-128-CBC", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_MAC_init(ctx, key, TERN_CMAC_KEY_LEN, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return TERN_ERR_CRYPTO;
    }
    m->ctx = ctx;
    return TERN_OK;
}

int tern_cmac_compute(struct tern_cmac *m, const struct tern_span *parts, size_t n,
                      uint8_t out[TERN_CMAC_LEN])
{
    if (m == NULL || m->ctx == NULL) {
        return TERN_ERR_STATE;
    }
    return tern_evp_mac_parts(m->ctx, parts, n, out, TERN_CMAC_LEN);
}

void tern_cmac_clear(struct tern_cmac *m)
{
    if (m == NULL) {
        return;
    }
    EVP_MAC_CTX_free(m->ctx);
    memset(m, 0, sizeof(*m));
}
