#include "handshake/suites.h"

#include <string.h>

#include "crypto/aead.h"
#include "crypto/hash.h"

/* Default preference order: the PSK suites of CoAP (RFC 7252 section 9.1.3.1)
 * first, then the ECDHE-PSK and certificate suites, faster AEADs first. */
static const struct tern_suite g_suites[] = {
    /* RFC 6655 */
    {"TLS_PSK_WITH_AES_128_CCM_8", 0xc0a8, TERN_SUITE_V12, TERN_KX_PSK, TERN_AEAD_AES_128_CCM_8,
     TERN_HASH_SHA256, 16, 4},
    {"TLS_PSK_WITH_AES_128_CCM", 0xc0a4, TERN_SUITE_V12, TERN_KX_PSK, TERN_AEAD_AES_128_CCM,
     TERN_HASH_SHA256, 16, 4},
    /* RFC 5487 */
    {"TLS_PSK_WITH_AES_128_GCM_SHA256", 0x00a8, TERN_SUITE_V12, TERN_KX_PSK, TERN_AEAD_AES_128_GCM,
     TERN_HASH_SHA256, 16, 4},
    {"TLS_PSK_WITH_AES_256_GCM_SHA384", 0x00a9, TERN_SUITE_V12, TERN_KX_PSK, TERN_AEAD_AES_256_GCM,
     TERN_HASH_SHA384, 32, 4},
    /* RFC 8442 and RFC 7905 */
    {"TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256", 0xd001, TERN_SUITE_V12, TERN_KX_ECDHE_PSK,
     TERN_AEAD_AES_128_GCM, TERN_HASH_SHA256, 16, 4},
    {"TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", 0xccac, TERN_SUITE_V12, TERN_KX_ECDHE_PSK,
     TERN_AEAD_CHACHA20_POLY1305, TERN_HASH_SHA256, 32, 12},
    /* RFC 5289, RFC 7251, RFC 7905 */
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xc02b, TERN_SUITE_V12, TERN_KX_ECDHE_ECDSA,
     TERN_AEAD_AES_128_GCM, TERN_HASH_SHA256, 16, 4},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xc02c, TERN_SUITE_V12, TERN_KX_ECDHE_ECDSA,
     TERN_AEAD_AES_256_GCM, TERN_HASH_SHA384, 32, 4},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca9, TERN_SUITE_V12, TERN_KX_ECDHE_ECDSA,
     TERN_AEAD_CHACHA20_POLY1305, TERN_HASH_SHA256, 32, 12},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", 0xc0ae, TERN_SUITE_V12, TERN_KX_ECDHE_ECDSA,
     TERN_AEAD_AES_128_CCM_8, TERN_HASH_SHA256, 16, 4},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CCM", 0xc0ac, TERN_SUITE_V12, TERN_KX_ECDHE_ECDSA,
     TERN_AEAD_AES_128_CCM, TERN_HASH_SHA256, 16, 4},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xc02f, TERN_SUITE_V12, TERN_KX_ECDHE_RSA,
     TERN_AEAD_AES_128_GCM, TERN_HASH_SHA256, 16, 4},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xc030, TERN_SUITE_V12, TERN_KX_ECDHE_RSA,
     TERN_AEAD_AES_256_GCM, TERN_HASH_SHA384, 32, 4},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca8, TERN_SUITE_V12, TERN_KX_ECDHE_RSA,
     TERN_AEAD_CHACHA20_POLY1305, TERN_HASH_SHA256, 32, 12},
};

const struct tern_suite *tern_suite_by_id(uint16_t id)
{
    for (size_t i = 0; i < sizeof(g_suites) / sizeof(g_suites[0]); i++) {
        if (g_suites[i].id == id) {
            return &g_suites[i];
        }
    }
    return NULL;
}

const struct tern_suite *tern_suite_by_name(const char *name)
{
    if (name == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < sizeof(g_suites) / sizeof(g_suites[0]); i++) {
        if (strcmp(g_suites[i].name, name) == 0) {
            return &g_suites[i];
        }
    }
    return NULL;
}

const struct tern_suite *tern_suite_at(size_t i)
{
    return i < sizeof(g_suites) / sizeof(g_suites[0]) ? &g_suites[i] : NULL;
}

int tern_kx_uses_psk(int kx)
{
    return kx == TERN_KX_PSK || kx == TERN_KX_ECDHE_PSK;
}

int tern_kx_uses_ecdhe(int kx)
{
    return kx == TERN_KX_ECDHE_PSK || kx == TERN_KX_ECDHE_ECDSA || kx == TERN_KX_ECDHE_RSA;
}
