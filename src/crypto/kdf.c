#include "crypto/kdf.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <tern/err.h>

#include "crypto/algs.h"
#include "crypto/md.h"
#include "util/ct.h"
#include "util/writer.h"

/* The most seed pieces the PRF takes in one call (label plus randoms, with room). */
#define PRF_MAX_SEEDS 6

static int run_kdf(EVP_KDF *kdf, const OSSL_PARAM *params, uint8_t *out, size_t out_len)
{
    EVP_KDF_CTX *kctx = EVP_KDF_CTX_new(kdf);
    if (kctx == NULL) {
        return TERN_ERR_NOMEM;
    }
    int rc = EVP_KDF_derive(kctx, out, out_len, params) == 1 ? TERN_OK : TERN_ERR_CRYPTO;
    EVP_KDF_CTX_free(kctx);
    return rc;
}

int tern_tls12_prf(int alg, const uint8_t *secret, size_t secret_len, const char *label,
                   const struct tern_span *seed, size_t n_seed, uint8_t *out, size_t out_len)
{
    const struct tern_algs *algs = tern_algs();
    const char *md = tern_md_name(alg);
    if (algs == NULL) {
        return TERN_ERR_CRYPTO;
    }
    if (md == NULL || secret == NULL || label == NULL || out == NULL || out_len == 0 ||
        n_seed > PRF_MAX_SEEDS - 1) {
        return TERN_ERR_ARG;
    }
    /* libcrypto's TLS1-PRF concatenates repeated seed parameters in order:
     * label first, then the caller's seed pieces (RFC 5246 section 5). */
    OSSL_PARAM params[PRF_MAX_SEEDS + 3];
    size_t np = 0;
    params[np++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md, 0);
    params[np++] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, secret_len);
    params[np++] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)label, strlen(label));
    for (size_t i = 0; i < n_seed; i++) {
        params[np++] =
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed[i].p, seed[i].len);
    }
    params[np] = OSSL_PARAM_construct_end();
    return run_kdf(algs->tls1_prf, params, out, out_len);
}

int tern_hkdf_extract(int alg, const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                      size_t ikm_len, uint8_t *prk)
{
    const struct tern_algs *algs = tern_algs();
    const char *md = tern_md_name(alg);
    if (algs == NULL) {
        return TERN_ERR_CRYPTO;
    }
    if (md == NULL || prk == NULL || (ikm == NULL && ikm_len > 0)) {
        return TERN_ERR_ARG;
    }
    uint8_t zeros[TERN_HASH_MAX_LEN] = {0};
    size_t hlen = tern_hash_len(alg);
    if (salt == NULL || salt_len == 0) {
        salt = zeros;
        salt_len = hlen;
    }
    int mode = EVP_KDF_HKDF_MODE_EXTRACT_ONLY;
    OSSL_PARAM params[5];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md, 0);
    params[1] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                                  ikm_len > 0 ? (void *)ikm : zeros, ikm_len);
    params[4] = OSSL_PARAM_construct_end();
    return run_kdf(algs->hkdf, params, prk, hlen);
}

int tern_hkdf_expand(int alg, const uint8_t *prk, size_t prk_len, const uint8_t *info,
                     size_t info_len, uint8_t *out, size_t out_len)
{
    const struct tern_algs *algs = tern_algs();
    const char *md = tern_md_name(alg);
    if (algs == NULL) {
        return TERN_ERR_CRYPTO;
    }
    if (md == NULL || prk == NULL || out == NULL || out_len == 0 ||
        out_len > 255 * tern_hash_len(alg) || (info == NULL && info_len > 0)) {
        return TERN_ERR_ARG;
    }
    static const uint8_t empty[1] = {0};
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[5];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md, 0);
    params[1] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)prk, prk_len);
    params[3] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_INFO, info_len > 0 ? (void *)info : (void *)empty, info_len);
    params[4] = OSSL_PARAM_construct_end();
    return run_kdf(algs->hkdf, params, out, out_len);
}

int tern_hkdf_expand_label(int alg, const char *prefix, const uint8_t *secret, size_t secret_len,
                           const char *label, const uint8_t *context, size_t context_len,
                           uint8_t *out, size_t out_len)
{
    /* RFC 8446 section 7.1: opaque label<7..255>, i.e. prefix plus at least one byte. */
    if (prefix == NULL || strlen(prefix) != 6 || label == NULL || label[0] == '\0' ||
        strlen(label) > 255 - 6 || out_len > 0xffff || (context == NULL && context_len > 0)) {
        return TERN_ERR_ARG;
    }
    /* struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel;
     * with label = prefix + Label (RFC 8446 section 7.1). */
    uint8_t info[2 + 1 + 255 + 1 + 255];
    struct tern_writer w;
    tern_w_init(&w, info, sizeof(info));
    tern_w_u16(&w, (uint16_t)out_len);
    struct tern_w_mark m = tern_w_open8(&w);
    tern_w_bytes(&w, prefix, 6);
    tern_w_bytes(&w, label, strlen(label));
    tern_w_close(&w, m);
    m = tern_w_open8(&w);
    tern_w_bytes(&w, context, context_len);
    tern_w_close(&w, m);
    if (tern_w_finish(&w) != TERN_OK) {
        return TERN_ERR_ARG;
    }
    int rc = tern_hkdf_expand(alg, secret, secret_len, info, w.len, out, out_len);
    tern_zeroize(info, sizeof(info));
    return rc;
}
