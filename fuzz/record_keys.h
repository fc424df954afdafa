/* The fixed keys of the record fuzz target, shared with its corpus generator
 * so that the seeds are records the target can authenticate. */
#ifndef TERN_FUZZ_RECORD_KEYS_H
#define TERN_FUZZ_RECORD_KEYS_H

#include <stdint.h>

#include "crypto/aead.h"

static const int g_fuzz_algs[] = {
    TERN_AEAD_AES_128_GCM,   TERN_AEAD_AES_256_GCM,       TERN_AEAD_AES_128_CCM,
    TERN_AEAD_AES_128_CCM_8, TERN_AEAD_CHACHA20_POLY1305,
};
#define FUZZ_N_ALGS (sizeof(g_fuzz_algs) / sizeof(g_fuzz_algs[0]))

static const uint8_t g_fuzz_key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                       12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                       23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t g_fuzz_iv[12] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
                                      0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};

#endif
