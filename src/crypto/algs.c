#include "crypto/algs.h"

#include <pthread.h>
#include <stddef.h>

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>

static struct tern_algs g_algs;
static int g_ok;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void x25519_prepare(struct tern_algs *a)
{
    static const unsigned char base_u[32] = {9};
    a->x25519_fromdata = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
    if (a->x25519_fromdata == NULL || EVP_PKEY_fromdata_init(a->x25519_fromdata) != 1) {
        EVP_PKEY_CTX_free(a->x25519_fromdata);
        a->x25519_fromdata = NULL;
        return;
    }
    OSSL_PARAM params[2];
    params[0] =
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)base_u, sizeof(base_u));
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_PKEY_fromdata(a->x25519_fromdata, &a->x25519_base, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        a->x25519_base = NULL;
    }
}

static void fetch_all(void)
{
    struct tern_algs *a = &g_algs;
    a->aes_128_gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
    a->aes_256_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    a->aes_128_ccm = EVP_CIPHER_fetch(NULL, "AES-128-CCM", NULL);
    a->chacha20_poly1305 = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
    a->sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
    a->sha384 = EVP_MD_fetch(NULL, "SHA2-384", NULL);
    a->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    a->cmac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    a->hkdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    a->p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    a->p384 = EC_GROUP_new_by_curve_name(NID_secp384r1);
    x25519_prepare(a);
    g_ok = a->aes_128_gcm != NULL && a->aes_256_gcm != NULL && a->aes_128_ccm != NULL &&
           a->chacha20_poly1305 != NULL && a->sha256 != NULL && a->sha384 != NULL &&
           a->hmac != NULL && a->cmac != NULL && a->hkdf != NULL && a->p256 != NULL &&
           a->p384 != NULL && a->x25519_fromdata != NULL && a->x25519_base != NULL;
}

const struct tern_algs *tern_algs(void)
{
    if (pthread_once(&g_once, fetch_all) != 0) {
        return NULL;
    }
    return g_ok ? &g_algs : NULL;
}
