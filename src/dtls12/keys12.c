#include "dtls12/keys12.h"

#include <string.h>

#include <tern/err.h>

#include "crypto/kdf.h"
#include "util/ct.h"
#include "util/guard.h"
#include "util/writer.h"

int tern_psk_premaster(const uint8_t *other, size_t other_len, const uint8_t *psk, size_t psk_len,
                       uint8_t out[TERN_PREMASTER_MAX], size_t *out_len)
{
    TERN_ENSURE(psk != NULL && psk_len > 0 && psk_len <= TERN_PSK_MAX, TERN_ERR_ARG);
    TERN_ENSURE(other != NULL ? other_len <= 48 : 1, TERN_ERR_ARG);
    struct tern_writer w;
    tern_w_init(&w, out, TERN_PREMASTER_MAX);
    struct tern_w_mark m = tern_w_open16(&w);
    if (other != NULL) {
        tern_w_bytes(&w, other, other_len);
    } else {
        /* RFC 4279 section 2: "N octets of zeros" for plain PSK. */
        uint8_t *zeros = tern_w_reserve(&w, psk_len);
        if (zeros != NULL) {
            memset(zeros, 0, psk_len);
        }
    }
    tern_w_close(&w, m);
    m = tern_w_open16(&w);
    tern_w_bytes(&w, psk, psk_len);
    tern_w_close(&w, m);
    if (tern_w_finish(&w) != TERN_OK) {
        tern_zeroize(out, TERN_PREMASTER_MAX);
        return TERN_ERR_ARG;
    }
    *out_len = w.len;
    return TERN_OK;
}

int tern_master_secret_ems(int hash, const uint8_t *premaster, size_t premaster_len,
                           const uint8_t *session_hash, size_t session_hash_len,
                           uint8_t out[TERN_MASTER_SECRET_LEN])
{
    struct tern_span seed = {session_hash, session_hash_len};
    return tern_tls12_prf(hash, premaster, premaster_len, "extended master secret", &seed, 1, out,
                          TERN_MASTER_SECRET_LEN);
}

int tern_master_secret_legacy(int hash, const uint8_t *premaster, size_t premaster_len,
                              const uint8_t client_random[32], const uint8_t server_random[32],
                              uint8_t out[TERN_MASTER_SECRET_LEN])
{
    struct tern_span seed[2] = {{client_random, 32}, {server_random, 32}};
    return tern_tls12_prf(hash, premaster, premaster_len, "master secret", seed, 2, out,
                          TERN_MASTER_SECRET_LEN);
}

int tern_keys12_derive(int hash, const uint8_t master[TERN_MASTER_SECRET_LEN],
                       const uint8_t client_random[32], const uint8_t server_random[32],
                       size_t key_len, size_t iv_len, struct tern_keys12 *out)
{
    TERN_ENSURE(key_len <= sizeof(out->client_key) && iv_len <= sizeof(out->client_iv),
                TERN_ERR_ARG);
    uint8_t block[2 * 32 + 2 * 12];
    size_t need = 2 * key_len + 2 * iv_len;
    struct tern_span seed[2] = {{server_random, 32}, {client_random, 32}};
    int rc =
        tern_tls12_prf(hash, master, TERN_MASTER_SECRET_LEN, "key expansion", seed, 2, block, need);
    if (rc == TERN_OK) {
        /* client_write_key, server_write_key, client_write_IV, server_write_IV */
        memset(out, 0, sizeof(*out));
        memcpy(out->client_key, block, key_len);
        memcpy(out->server_key, block + key_len, key_len);
        memcpy(out->client_iv, block + 2 * key_len, iv_len);
        memcpy(out->server_iv, block + 2 * key_len + iv_len, iv_len);
        out->key_len = (uint8_t)key_len;
        out->iv_len = (uint8_t)iv_len;
    }
    tern_zeroize(block, sizeof(block));
    return rc;
}

int tern_finished12(int hash, const uint8_t master[TERN_MASTER_SECRET_LEN], int is_client,
                    const uint8_t *transcript_hash, size_t transcript_hash_len,
                    uint8_t out[TERN_VERIFY_DATA_LEN])
{
    struct tern_span seed = {transcript_hash, transcript_hash_len};
    return tern_tls12_prf(hash, master, TERN_MASTER_SECRET_LEN,
                          is_client ? "client finished" : "server finished", &seed, 1, out,
                          TERN_VERIFY_DATA_LEN);
}

int tern_export12(int hash, const uint8_t master[TERN_MASTER_SECRET_LEN],
                  const uint8_t client_random[32], const uint8_t server_random[32],
                  const char *label, const uint8_t *context, size_t context_len, int use_context,
                  uint8_t *out, size_t out_len)
{
    TERN_ENSURE(label != NULL && out != NULL && out_len > 0, TERN_ERR_ARG);
    TERN_ENSURE(!use_context || context_len <= 0xffff, TERN_ERR_ARG);
    TERN_ENSURE(context != NULL || context_len == 0, TERN_ERR_ARG);
    uint8_t ctx_len[2] = {(uint8_t)(context_len >> 8), (uint8_t)context_len};
    struct tern_span seed[4] = {
        {client_random, 32}, {server_random, 32}, {ctx_len, 2}, {context, context_len}};
    return tern_tls12_prf(hash, master, TERN_MASTER_SECRET_LEN, label, seed, use_context ? 4 : 2,
                          out, out_len);
}
