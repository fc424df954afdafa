#include "crypto/algs.h"

#include <pthread.h>
#include <stddef.h>

#include <openssl/kdf.h>
#include <openssl/obj_mac.h>

static struct tern_algs g_algs;
static int g_ok;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

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
    a->hkdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    a->p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    a->p384 = EC_GROUP_new_by_curve_name(NID_secp384r1);
    g_ok = a->aes_128_gcm != NULL && a->aes_256_gcm != NULL && a->aes_128_ccm != NULL &&
           a->chacha20_poly1305 != NULL && a->sha256 != NULL && a->sha384 != NULL &&
           a->hmac != NULL && a->hkdf != NULL && a->p256 != NULL && a->p384 != NULL;
}

const struct tern_algs *tern_algs(void)
{
    if (pthread_once(&g_once, fetch_all) != 0) {
        return NULL;
    }
    return g_ok ? &g_algs : NULL;
}
