/* One direction's record key (record/cipher.h): the two nonce forms, and
 * sealing and opening under a caller's nonce and additional data. The
 * AEADs themselves have their known-answer tests in crypto/aead_test.c;
 * here the nonces are checked against the rules of the RFCs, computed by
 * hand: salt || explicit (RFC 5288 section 3, RFC 6655 section 3) and IV
 * XOR the left-padded record number (RFC 7905 section 2, RFC 8446 section
 * 5.3). */
#include <string.h>

#include <tern/err.h>

#include "record/cipher.h"
#include "test.h"

static const uint8_t g_key[32] = {0x2b, 0x7e, 0x15, 0x16};
static const uint8_t g_iv12[12] = {0x5d, 0x31, 0x3e, 0xb2, 0x67, 0x12,
                                   0x76, 0xee, 0x13, 0x00, 0x0b, 0x30};
static const uint8_t g_salt[4] = {0xca, 0xfe, 0xba, 0xbe};

static void explicit_nonce_form(void)
{
    /* GCM with a DTLS 1.2 key block: the 4-byte salt, then the 8 bytes the
     * record carries, which tern makes the record's own number. */
    struct tern_rec_cipher c;
    CHECK_INT(tern_rec_cipher_init(&c, TERN_AEAD_AES_128_GCM, 1, g_key, 16, g_salt, 4), TERN_OK);
    CHECK_INT(c.explicit_len, 8);
    uint8_t explicit[8];
    tern_rec_cipher_put_explicit(explicit, UINT64_C(0x0001000000000007));
    static const uint8_t want_explicit[8] = {0x00, 0x01, 0, 0, 0, 0, 0, 0x07};
    CHECK_MEM(explicit, want_explicit, 8);
    uint8_t nonce[12];
    tern_rec_cipher_nonce(&c, UINT64_C(0x0001000000000007), explicit, nonce);
    static const uint8_t want[12] = {0xca, 0xfe, 0xba, 0xbe, 0x00, 0x01, 0, 0, 0, 0, 0, 0x07};
    CHECK_MEM(nonce, want, 12);
    tern_rec_cipher_clear(&c);
}

static void xor_nonce_form(void)
{
    /* A 12-byte IV XOR the record number, left-padded to 12 bytes. */
    struct tern_rec_cipher c;
    CHECK_INT(tern_rec_cipher_init(&c, TERN_AEAD_CHACHA20_POLY1305, 1, g_key, 32, g_iv12, 12),
              TERN_OK);
    CHECK_INT(c.explicit_len, 0);
    uint8_t nonce[12];
    tern_rec_cipher_nonce(&c, 0, NULL, nonce);
    CHECK_MEM(nonce, g_iv12, 12); /* number 0 leaves the IV as it is */
    tern_rec_cipher_nonce(&c, UINT64_C(0x0001000000000001), NULL, nonce);
    static const uint8_t want[12] = {0x5d, 0x31, 0x3e, 0xb2, 0x67, 0x13,
                                     0x76, 0xee, 0x13, 0x00, 0x0b, 0x31};
    CHECK_MEM(nonce, want, 12);
    tern_rec_cipher_clear(&c);
    /* The same form serves AES-GCM with a 12-byte IV (DTLS 1.3). */
    CHECK_INT(tern_rec_cipher_init(&c, TERN_AEAD_AES_128_GCM, 1, g_key, 16, g_iv12, 12), TERN_OK);
    CHECK_INT(c.explicit_len, 0);
    tern_rec_cipher_clear(&c);
}

static void seal_open_round_trip(void)
{
    static const int algs[] = {TERN_AEAD_AES_128_GCM, TERN_AEAD_AES_256_GCM, TERN_AEAD_AES_128_CCM,
                               TERN_AEAD_AES_128_CCM_8, TERN_AEAD_CHACHA20_POLY1305};
    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        size_t kl = tern_aead_key_len(algs[i]);
        size_t il = tern_rec_cipher_iv_len(algs[i]);
        const uint8_t *iv = il == 4 ? g_salt : g_iv12;
        struct tern_rec_cipher tx;
        struct tern_rec_cipher rx;
        CHECK_INT(tern_rec_cipher_init(&tx, algs[i], 1, g_key, kl, iv, il), TERN_OK);
        CHECK_INT(tern_rec_cipher_init(&rx, algs[i], 0, g_key, kl, iv, il), TERN_OK);
        uint8_t explicit[8];
        tern_rec_cipher_put_explicit(explicit, 42);
        uint8_t nonce[12];
        tern_rec_cipher_nonce(&tx, 42, explicit, nonce);
        static const uint8_t aad[5] = {0x17, 0xfe, 0xfd, 0, 9};
        uint8_t buf[32] = "a record";
        uint8_t tag[16];
        CHECK_INT(tern_rec_cipher_seal(&tx, nonce, aad, sizeof(aad), buf, 9, tag), TERN_OK);
        CHECK(memcmp(buf, "a record", 9) != 0);
        uint8_t copy[32];
        memcpy(copy, buf, sizeof(buf));
        CHECK_INT(tern_rec_cipher_open(&rx, nonce, aad, sizeof(aad), buf, 9, tag), TERN_OK);
        CHECK_MEM(buf, "a record", 9);
        /* Other additional data, or another nonce: refused, and wiped. */
        static const uint8_t other[5] = {0x17, 0xfe, 0xfd, 0, 8};
        memcpy(buf, copy, sizeof(buf));
        CHECK_INT(tern_rec_cipher_open(&rx, nonce, other, sizeof(other), buf, 9, tag),
                  TERN_ERR_BAD_RECORD_MAC);
        static const uint8_t zeros[9];
        CHECK_MEM(buf, zeros, 9);
        nonce[11] ^= 1;
        memcpy(buf, copy, sizeof(buf));
        CHECK_INT(tern_rec_cipher_open(&rx, nonce, aad, sizeof(aad), buf, 9, tag),
                  TERN_ERR_BAD_RECORD_MAC);
        /* A sealing key does not open, nor an opening key seal. */
        CHECK_INT(tern_rec_cipher_open(&tx, nonce, aad, sizeof(aad), buf, 9, tag), TERN_ERR_STATE);
        CHECK_INT(tern_rec_cipher_seal(&rx, nonce, aad, sizeof(aad), buf, 9, tag), TERN_ERR_STATE);
        tern_rec_cipher_clear(&tx);
        tern_rec_cipher_clear(&rx);
    }
}

static void bad_keys_refused(void)
{
    struct tern_rec_cipher c;
    /* ChaCha20-Poly1305 has no explicit form; other IV lengths are none. */
    CHECK_INT(tern_rec_cipher_init(&c, TERN_AEAD_CHACHA20_POLY1305, 1, g_key, 32, g_salt, 4),
              TERN_ERR_ARG);
    CHECK_INT(tern_rec_cipher_init(&c, TERN_AEAD_AES_128_GCM, 1, g_key, 16, g_iv12, 8),
              TERN_ERR_ARG);
    CHECK_INT(tern_rec_cipher_init(&c, TERN_AEAD_AES_128_GCM, 1, g_key, 16, NULL, 4), TERN_ERR_ARG);
    CHECK_INT(tern_rec_cipher_init(&c, 99, 1, g_key, 16, g_salt, 4), TERN_ERR_ARG);
    CHECK_INT(tern_rec_cipher_init(&c, TERN_AEAD_AES_128_GCM, 1, g_key, 15, g_salt, 4),
              TERN_ERR_ARG);
    CHECK_INT(tern_rec_cipher_init(NULL, TERN_AEAD_AES_128_GCM, 1, g_key, 16, g_salt, 4),
              TERN_ERR_ARG);
    CHECK_INT((int)tern_rec_cipher_iv_len(99), 0);
    tern_rec_cipher_clear(NULL);
}

TEST_MAIN(T(explicit_nonce_form), T(xor_nonce_form), T(seal_open_round_trip), T(bad_keys_refused))
