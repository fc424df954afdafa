#include "crypto/sig.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <tern/err.h>

#include "crypto/hash.h"
#include "crypto/md.h"
#include "crypto/pkey_impl.h"

/* How a scheme is computed: which key type, which hash, which padding. */
struct scheme_info {
    int key_type;
    int hash;    /* enum tern_hash_alg, 0 for Ed25519 (pure) */
    int padding; /* RSA_PKCS1_PADDING, RSA_PKCS1_PSS_PADDING, or 0 */
};

static int scheme_lookup(int scheme, struct scheme_info *info)
{
    switch (scheme) {
    case TERN_SIG_RSA_PKCS1_SHA256:
        *info = (struct scheme_info){TERN_PKEY_RSA, TERN_HASH_SHA256, RSA_PKCS1_PADDING};
        return 1;
    case TERN_SIG_RSA_PKCS1_SHA384:
        *info = (struct scheme_info){TERN_PKEY_RSA, TERN_HASH_SHA384, RSA_PKCS1_PADDING};
        return 1;
    case TERN_SIG_RSA_PSS_RSAE_SHA256:
        *info = (struct scheme_info){TERN_PKEY_RSA, TERN_HASH_SHA256, RSA_PKCS1_PSS_PADDING};
        return 1;
    case TERN_SIG_RSA_PSS_RSAE_SHA384:
        *info = (struct scheme_info){TERN_PKEY_RSA, TERN_HASH_SHA384, RSA_PKCS1_PSS_PADDING};
        return 1;
    case TERN_SIG_ECDSA_SECP256R1_SHA256:
        *info = (struct scheme_info){TERN_PKEY_EC_P256, TERN_HASH_SHA256, 0};
        return 1;
    case TERN_SIG_ECDSA_SECP384R1_SHA384:
        *info = (struct scheme_info){TERN_PKEY_EC_P384, TERN_HASH_SHA384, 0};
        return 1;
    case TERN_SIG_ED25519:
        *info = (struct scheme_info){TERN_PKEY_ED25519, 0, 0};
        return 1;
    default:
        return 0;
    }
}

int tern_sig_scheme_fits(const struct tern_pkey *k, int scheme)
{
    struct scheme_info info;
    return k != NULL && scheme_lookup(scheme, &info) && info.key_type == k->type;
}

/* Sets up ctx for signing or verifying with scheme; returns TERN_OK or an error. */
static int begin(EVP_MD_CTX *ctx, const struct tern_pkey *k, const struct scheme_info *info,
                 int sign)
{
    EVP_PKEY_CTX *pctx = NULL;
    const char *md = info->hash != 0 ? tern_md_name(info->hash) : NULL;
    int ok = sign ? EVP_DigestSignInit_ex(ctx, &pctx, md, NULL, NULL, k->pk, NULL)
                  : EVP_DigestVerifyInit_ex(ctx, &pctx, md, NULL, NULL, k->pk, NULL);
    if (ok != 1) {
        return TERN_ERR_CRYPTO;
    }
    if (info->padding != 0 && EVP_PKEY_CTX_set_rsa_padding(pctx, info->padding) != 1) {
        return TERN_ERR_CRYPTO;
    }
    if (info->padding == RSA_PKCS1_PSS_PADDING &&
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) {
        return TERN_ERR_CRYPTO;
    }
    return TERN_OK;
}

/* ECDSA (hashed first: the signature covers the digest alone) on the
 * key's prepared context: a duplicate costs no look-up by name, where
 * EVP_DigestSignInit_ex() fetches the digest, the signature algorithm and
 * the key management each time. The signature is the same DER
 * ECDSA-Sig-Value. */
static int ecdsa_sign_prepared(const struct tern_pkey *k, const struct scheme_info *info,
                               const uint8_t *msg, size_t msg_len, uint8_t *sig, size_t *sig_len)
{
    uint8_t digest[TERN_HASH_MAX_LEN];
    unsigned int digest_len = 0;
    const EVP_MD *md = tern_md_for(info->hash);
    if (md == NULL || EVP_Digest(msg, msg_len, digest, &digest_len, md, NULL) != 1) {
        return TERN_ERR_CRYPTO;
    }
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_dup(k->sign_ctx);
    if (ctx == NULL) {
        return TERN_ERR_NOMEM;
    }
    int rc = TERN_OK;
    size_t need = 0;
    if (EVP_PKEY_sign(ctx, NULL, &need, digest, digest_len) != 1) {
        rc = TERN_ERR_CRYPTO;
    } else if (need > *sig_len) {
        rc = TERN_ERR_BUFFER;
    } else {
        size_t len = *sig_len;
        if (EVP_PKEY_sign(ctx, sig, &len, digest, digest_len) != 1) {
            rc = TERN_ERR_CRYPTO;
        } else {
            *sig_len = len;
        }
    }
    EVP_PKEY_CTX_free(ctx);
    return rc;
}

int tern_sig_sign(const struct tern_pkey *k, int scheme, const uint8_t *msg, size_t msg_len,
                  uint8_t *sig, size_t *sig_len)
{
    struct scheme_info info;
    if (k == NULL || sig == NULL || sig_len == NULL || (msg == NULL && msg_len > 0) ||
        !k->is_private || !scheme_lookup(scheme, &info) || info.key_type != k->type) {
        return TERN_ERR_ARG;
    }
    if (k->sign_ctx != NULL) {
        return ecdsa_sign_prepared(k, &info, msg, msg_len, sig, sig_len);
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return TERN_ERR_NOMEM;
    }
    int rc = begin(ctx, k, &info, 1);
    size_t need = 0;
    if (rc == TERN_OK && EVP_DigestSign(ctx, NULL, &need, msg, msg_len) != 1) {
        rc = TERN_ERR_CRYPTO;
    }
    if (rc == TERN_OK && need > *sig_len) {
        rc = TERN_ERR_BUFFER;
    }
    if (rc == TERN_OK) {
        size_t len = *sig_len;
        if (EVP_DigestSign(ctx, sig, &len, msg, msg_len) != 1) {
            rc = TERN_ERR_CRYPTO;
        } else {
            *sig_len = len;
        }
    }
    EVP_MD_CTX_free(ctx);
    return rc;
}

/* ECDSA verification of the digest, hashed on the digest fetched once
 * (EVP_DigestVerifyInit_ex() would fetch it by name); the same check as
 * EVP_DigestVerify() makes. */
static int ecdsa_verify_hashed(const struct tern_pkey *k, const struct scheme_info *info,
                               const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                               size_t sig_len)
{
    uint8_t digest[TERN_HASH_MAX_LEN];
    unsigned int digest_len = 0;
    const EVP_MD *md = tern_md_for(info->hash);
    if (md == NULL || EVP_Digest(msg, msg_len, digest, &digest_len, md, NULL) != 1) {
        return TERN_ERR_CRYPTO;
    }
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pk, NULL);
    if (ctx == NULL) {
        return TERN_ERR_NOMEM;
    }
    int rc = TERN_ERR_CRYPTO;
    if (EVP_PKEY_verify_init(ctx) == 1) {
        rc = EVP_PKEY_verify(ctx, sig, sig_len, digest, digest_len) == 1 ? TERN_OK
                                                                         : TERN_ERR_BAD_SIGNATURE;
    }
    EVP_PKEY_CTX_free(ctx);
    return rc;
}

int tern_sig_verify(const struct tern_pkey *k, int scheme, const uint8_t *msg, size_t msg_len,
                    const uint8_t *sig, size_t sig_len)
{
    struct scheme_info info;
    if (k == NULL || (msg == NULL && msg_len > 0) || (sig == NULL && sig_len > 0) ||
        !scheme_lookup(scheme, &info) || info.key_type != k->type) {
        return TERN_ERR_ARG;
    }
    if (sig_len == 0 || sig_len > TERN_SIG_MAX_LEN) {
        return TERN_ERR_BAD_SIGNATURE;
    }
    if (k->type == TERN_PKEY_EC_P256 || k->type == TERN_PKEY_EC_P384) {
        return ecdsa_verify_hashed(k, &info, msg, msg_len, sig, sig_len);
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return TERN_ERR_NOMEM;
    }
    int rc = begin(ctx, k, &info, 0);
    if (rc == TERN_OK && EVP_DigestVerify(ctx, sig, sig_len, msg, msg_len) != 1) {
        rc = TERN_ERR_BAD_SIGNATURE;
    }
    EVP_MD_CTX_free(ctx);
    return rc;
}
