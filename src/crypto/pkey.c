#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <tern/err.h>

#include "crypto/errors.h"
#include "crypto/pkey_impl.h"
#include "crypto/sig.h"
#include "util/alloc.h"

static int classify(EVP_PKEY *pk)
{
    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_RSA:
        return TERN_PKEY_RSA;
    case EVP_PKEY_ED25519:
        return TERN_PKEY_ED25519;
    case EVP_PKEY_EC: {
        char name[64];
        size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name),
                                           &len) != 1) {
            return TERN_PKEY_NONE;
        }
        if (strcmp(name, "prime256v1") == 0 || strcmp(name, "P-256") == 0) {
            return TERN_PKEY_EC_P256;
        }
        if (strcmp(name, "secp384r1") == 0 || strcmp(name, "P-384") == 0) {
            return TERN_PKEY_EC_P384;
        }
        return TERN_PKEY_NONE;
    }
    default:
        return TERN_PKEY_NONE;
    }
}

int tern_pkey_wrap(struct tern_pkey **out, EVP_PKEY *pk, int is_private)
{
    if (pk == NULL) {
        return TERN_ERR_BAD_CREDENTIAL;
    }
    int type = classify(pk);
    if (type == TERN_PKEY_NONE) {
        EVP_PKEY_free(pk);
        return TERN_ERR_BAD_CREDENTIAL;
    }
    struct tern_pkey *k = tern_calloc(1, sizeof(*k));
    if (k == NULL) {
        EVP_PKEY_free(pk);
        return TERN_ERR_NOMEM;
    }
    k->pk = pk;
    k->type = type;
    k->is_private = is_private;
    if (is_private && (type == TERN_PKEY_EC_P256 || type == TERN_PKEY_EC_P384)) {
        k->sign_ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
        if (k->sign_ctx != NULL && EVP_PKEY_sign_init(k->sign_ctx) != 1) {
            EVP_PKEY_CTX_free(k->sign_ctx);
            k->sign_ctx = NULL;
        }
    }
    *out = k;
    return TERN_OK;
}

static int looks_like_pem(const uint8_t *data, size_t len)
{
    static const char marker[] = "-----BEGIN ";
    size_t n = sizeof(marker) - 1;
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(data + i, marker, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* A PEM password callback that refuses: tern never prompts. */
/* The signature is libcrypto's pem_password_cb. */
// NOLINTNEXTLINE(readability-non-const-parameter)
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

static int parse_private_loud(struct tern_pkey **out, const uint8_t *data, size_t len)
{
    if (out == NULL || data == NULL || len == 0 || len > (size_t)INT32_MAX) {
        return TERN_ERR_ARG;
    }
    *out = NULL;
    EVP_PKEY *pk = NULL;
    if (looks_like_pem(data, len)) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        if (bio == NULL) {
            return TERN_ERR_NOMEM;
        }
        pk = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
        BIO_free(bio);
    } else {
        const unsigned char *p = data;
        pk = d2i_AutoPrivateKey(NULL, &p, (long)len);
        if (pk != NULL && p != data + len) {
            EVP_PKEY_free(pk); /* trailing bytes after the key */
            pk = NULL;
        }
    }
    return tern_pkey_wrap(out, pk, 1);
}

int tern_pkey_parse_private(struct tern_pkey **out, const uint8_t *data, size_t len)
{
    /* A key that does not parse leaves libcrypto's errors behind. */
    tern_crypto_quiet_begin();
    int rc = parse_private_loud(out, data, len);
    tern_crypto_quiet_end();
    return rc;
}

static int parse_public_loud(struct tern_pkey **out, const uint8_t *data, size_t len)
{
    if (out == NULL || data == NULL || len == 0 || len > (size_t)INT32_MAX) {
        return TERN_ERR_ARG;
    }
    *out = NULL;
    EVP_PKEY *pk = NULL;
    if (looks_like_pem(data, len)) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        if (bio == NULL) {
            return TERN_ERR_NOMEM;
        }
        pk = PEM_read_bio_PUBKEY(bio, NULL, no_password, NULL);
        BIO_free(bio);
    } else {
        const unsigned char *p = data;
        pk = d2i_PUBKEY(NULL, &p, (long)len);
        if (pk != NULL && p != data + len) {
            EVP_PKEY_free(pk);
            pk = NULL;
        }
    }
    return tern_pkey_wrap(out, pk, 0);
}

int tern_pkey_parse_public(struct tern_pkey **out, const uint8_t *data, size_t len)
{
    /* A key that does not parse leaves libcrypto's errors behind. */
    tern_crypto_quiet_begin();
    int rc = parse_public_loud(out, data, len);
    tern_crypto_quiet_end();
    return rc;
}

int tern_pkey_ed25519_raw(struct tern_pkey **out, const uint8_t raw[32], int is_private)
{
    if (out == NULL || raw == NULL) {
        return TERN_ERR_ARG;
    }
    *out = NULL;
    EVP_PKEY *pk = is_private ? EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, raw, 32)
                              : EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, 32);
    return tern_pkey_wrap(out, pk, is_private ? 1 : 0);
}

int tern_pkey_type(const struct tern_pkey *k)
{
    return k == NULL ? TERN_PKEY_NONE : k->type;
}

int tern_pkey_is_private(const struct tern_pkey *k)
{
    return k != NULL && k->is_private;
}

int tern_pkey_spki(const struct tern_pkey *k, uint8_t *out, size_t cap, size_t *out_len)
{
    if (k == NULL || out_len == NULL) {
        return TERN_ERR_ARG;
    }
    int need = i2d_PUBKEY(k->pk, NULL);
    if (need <= 0) {
        return TERN_ERR_CRYPTO;
    }
    if (out == NULL || cap < (size_t)need) {
        *out_len = (size_t)need;
        return TERN_ERR_BUFFER;
    }
    unsigned char *p = out;
    if (i2d_PUBKEY(k->pk, &p) != need) {
        return TERN_ERR_CRYPTO;
    }
    *out_len = (size_t)need;
    return TERN_OK;
}

int tern_pkey_share_public(const struct tern_pkey *k, struct tern_pkey **out)
{
    if (k == NULL || out == NULL || k->is_private) {
        return TERN_ERR_ARG;
    }
    *out = NULL;
    struct tern_pkey *copy = tern_calloc(1, sizeof(*copy));
    if (copy == NULL) {
        return TERN_ERR_NOMEM;
    }
    if (EVP_PKEY_up_ref(k->pk) != 1) {
        tern_free(copy);
        return TERN_ERR_CRYPTO;
    }
    copy->pk = k->pk;
    copy->type = k->type;
    *out = copy;
    return TERN_OK;
}

void tern_pkey_free(struct tern_pkey *k)
{
    if (k == NULL) {
        return;
    }
    EVP_PKEY_CTX_free(k->sign_ctx);
    EVP_PKEY_free(k->pk);
    tern_free(k);
}
