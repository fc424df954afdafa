#include "handshake/cookie_mac.h"

#include <string.h>

#include <tern/err.h>

#include "crypto/kdf.h"
#include "util/ct.h"
#include "util/guard.h"

int tern_cookie_key_init(struct tern_cookie_key *k, const uint8_t *secret, size_t secret_len)
{
    TERN_ENSURE(k != NULL && secret != NULL && secret_len > 0, TERN_ERR_ARG);
    static const uint8_t salt[] = "tern DTLS cookie";
    static const uint8_t info[] = "AES-128-CMAC key";
    uint8_t prk[32];
    uint8_t key[TERN_CMAC_KEY_LEN];
    int rc = tern_hkdf_extract(TERN_HASH_SHA256, salt, sizeof(salt) - 1, secret, secret_len, prk);
    if (rc == TERN_OK) {
        rc = tern_hkdf_expand(TERN_HASH_SHA256, prk, sizeof(prk), info, sizeof(info) - 1, key,
                              sizeof(key));
    }
    if (rc == TERN_OK) {
        rc = tern_cmac_init(&k->mac, key);
    }
    tern_zeroize(prk, sizeof(prk));
    tern_zeroize(key, sizeof(key));
    return rc;
}

void tern_cookie_key_clear(struct tern_cookie_key *k)
{
    if (k != NULL) {
        tern_cmac_clear(&k->mac);
    }
}

int tern_cookie_mac(struct tern_cookie_key *key, const void *peer, size_t peer_len,
                    const struct tern_client_hello *ch, uint8_t out[TERN_COOKIE_LEN])
{
    uint8_t peer_len_byte = (uint8_t)peer_len;
    uint8_t version[2] = {(uint8_t)(ch->version >> 8), (uint8_t)ch->version};
    uint8_t sid_len = (uint8_t)ch->session_id.len;
    uint8_t suites_len[2] = {(uint8_t)(ch->suites.len >> 8), (uint8_t)ch->suites.len};
    uint8_t comp_len = (uint8_t)ch->compression.len;
    const struct tern_span parts[] = {
        {&peer_len_byte, 1}, {peer, peer_len},
        {version, 2},        {ch->random, TERN_RANDOM_LEN},
        {&sid_len, 1},       {ch->session_id.p, ch->session_id.len},
        {suites_len, 2},     {ch->suites.p, ch->suites.len},
        {&comp_len, 1},      {ch->compression.p, ch->compression.len},
    };
    return tern_cmac_compute(&key->mac, parts, sizeof(parts) / sizeof(parts[0]), out);
}
