/* Fuzz target: the DTLS 1.2 record layer on received datagrams.
 *
 * Input: byte 0 picks the cipher of epoch 1 (and whether epoch 2 is the
 * current read epoch); the rest is one datagram. The record layer walks it
 * with fixed keys, so the seed corpus (records sealed under those keys)
 * reaches the decrypt, replay and delivery paths, and mutations of it reach
 * every drop path. Checks that every delivered record lies inside the
 * datagram and that drops plus deliveries account for the walk. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/aead.h"
#include "record/rec12.h"
#include "record_keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536) {
        return 0;
    }
    int alg = g_fuzz_algs[data[0] % FUZZ_N_ALGS];
    int two_epochs = (data[0] >> 4) & 1;
    struct tern_rec12 rl;
    tern_rec12_init(&rl, 0xfefd);
    size_t key_len = tern_aead_key_len(alg);
    size_t iv_len = tern_rec_cipher_iv_len(alg);
    if (tern_rec12_set_rx_keys(&rl, alg, g_fuzz_key, key_len, g_fuzz_iv, iv_len) != 0 ||
        (two_epochs &&
         tern_rec12_set_rx_keys(&rl, alg, g_fuzz_key, key_len, g_fuzz_iv, iv_len) != 0)) {
        abort();
    }
    size_t len = size - 1;
    uint8_t *dgram = malloc(len > 0 ? len : 1);
    if (dgram == NULL) {
        abort();
    }
    if (len > 0) {
        memcpy(dgram, data + 1, len);
    }
    struct tern_rec_cursor it;
    tern_rec12_iter_init(&it, dgram, len);
    struct tern_rec12_record rec;
    int got;
    size_t records = 0;
    while ((got = tern_rec12_next(&rl, &it, &rec)) != TERN_REC_END) {
        if (rec.len > 0 && (rec.data < dgram || rec.data + rec.len > dgram + len)) {
            abort();
        }
        if (got == TERN_REC_PLAINTEXT && rec.len > TERN_REC_MAX_PLAINTEXT) {
            abort();
        }
        if (++records > len) {
            abort(); /* every record consumes at least its 13-byte header */
        }
    }
    free(dgram);
    tern_rec12_clear(&rl);
    return 0;
}
