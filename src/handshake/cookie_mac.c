#include "handshake/cookie_mac.h"

#include <tern/err.h>

#include "util/ct.h"
#include "util/guard.h"

int tern_cookie_mac(struct tern_hmac *key, const void *peer, size_t peer_len,
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
    return tern_hmac_compute(key, parts, sizeof(parts) / sizeof(parts[0]), out);
}

int tern_cookie_mac_make(const uint8_t *secret, size_t secret_len, const void *peer,
                         size_t peer_len, const struct tern_client_hello *ch,
                         uint8_t out[TERN_COOKIE_LEN])
{
    TERN_ENSURE(peer_len <= TERN_COOKIE_PEER_MAX, TERN_ERR_ARG);
    struct tern_hmac key;
    TERN_TRY(tern_hmac_init(&key, TERN_HASH_SHA256, secret, secret_len));
    int rc = tern_cookie_mac(&key, peer, peer_len, ch, out);
    tern_hmac_clear(&key);
    return rc;
}

int tern_cookie_mac_verify(const uint8_t *secret, size_t secret_len, const void *peer,
                           size_t peer_len, const struct tern_client_hello *ch)
{
    if (ch->cookie.len != TERN_COOKIE_LEN) {
        return 0;
    }
    uint8_t want[TERN_COOKIE_LEN];
    TERN_TRY(tern_cookie_mac_make(secret, secret_len, peer, peer_len, ch, want));
    return tern_ct_equal(want, ch->cookie.p, TERN_COOKIE_LEN);
}
