/* Known-answer and negative tests for the AEAD ciphers (src/crypto/aead.h).
 *
 * Every vector below is copied from the document named in the comment above
 * it; none was produced by tern. Each known-answer case seals the plaintext
 * and expects the published ciphertext and tag, then opens the published
 * ciphertext and expects the plaintext, and does both twice with the same
 * context to show that a context is reusable record after record. */
#include <string.h>

#include <tern/err.h>

#include "crypto/aead.h"
#include "test.h"

struct aead_vec {
    int alg;
    const char *key;
    const char *nonce;
    const char *aad;
    const char *pt;
    const char *ct;
    const char *tag;
};

#define MAX_MSG 512

static int all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

static void check_vec(const struct aead_vec *v)
{
    uint8_t key[TERN_AEAD_MAX_KEY_LEN];
    uint8_t nonce[TERN_AEAD_NONCE_LEN];
    uint8_t aad[128];
    uint8_t pt[MAX_MSG];
    uint8_t ct[MAX_MSG];
    uint8_t tag[TERN_AEAD_MAX_TAG_LEN];
    uint8_t buf[MAX_MSG];
    uint8_t got_tag[TERN_AEAD_MAX_TAG_LEN];
    size_t key_len = test_unhex(v->key, key, sizeof(key));
    size_t nonce_len = test_unhex(v->nonce, nonce, sizeof(nonce));
    size_t aad_len = test_unhex(v->aad, aad, sizeof(aad));
    size_t pt_len = test_unhex(v->pt, pt, sizeof(pt));
    size_t ct_len = test_unhex(v->ct, ct, sizeof(ct));
    size_t tag_len = test_unhex(v->tag, tag, sizeof(tag));
    CHECK_INT(key_len, tern_aead_key_len(v->alg));
    CHECK_INT(nonce_len, TERN_AEAD_NONCE_LEN);
    CHECK_INT(ct_len, pt_len);
    CHECK_INT(tag_len, tern_aead_tag_len(v->alg));

    struct tern_aead a;
    CHECK_INT(tern_aead_init(&a, v->alg, 1, key, key_len), TERN_OK);
    for (int round = 0; round < 2; round++) {
        memcpy(buf, pt, pt_len);
        memset(got_tag, 0, sizeof(got_tag));
        CHECK_INT(tern_aead_seal(&a, nonce, aad, aad_len, buf, pt_len, got_tag), TERN_OK);
        CHECK_MEM(buf, ct, ct_len);
        CHECK_MEM(got_tag, tag, tag_len);
    }
    tern_aead_clear(&a);
    CHECK(a.ctx == NULL);

    CHECK_INT(tern_aead_init(&a, v->alg, 0, key, key_len), TERN_OK);
    for (int round = 0; round < 2; round++) {
        memcpy(buf, ct, ct_len);
        CHECK_INT(tern_aead_open(&a, nonce, aad, aad_len, buf, ct_len, tag), TERN_OK);
        CHECK_MEM(buf, pt, pt_len);
    }
    tern_aead_clear(&a);
}

/* McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)" (revised, 2005),
 * Appendix B "AES Test Vectors", Test Case 1. */
static const struct aead_vec gcm_spec_tc1 = {
    .alg = TERN_AEAD_AES_128_GCM,
    .key = "00000000000000000000000000000000",
    .nonce = "000000000000000000000000",
    .aad = "",
    .pt = "",
    .ct = "",
    .tag = "58e2fccefa7e3061367f1d57a4e7455a",
};

/* McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)" (revised, 2005),
 * Appendix B "AES Test Vectors", Test Case 2. */
static const struct aead_vec gcm_spec_tc2 = {
    .alg = TERN_AEAD_AES_128_GCM,
    .key = "00000000000000000000000000000000",
    .nonce = "000000000000000000000000",
    .aad = "",
    .pt = "00000000000000000000000000000000",
    .ct = "0388dace60b6a392f328c2b971b2fe78",
    .tag = "ab6e47d42cec13bdf53a67b21257bddf",
};

/* McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)" (revised, 2005),
 * Appendix B "AES Test Vectors", Test Case 3. */
static const struct aead_vec gcm_spec_tc3 = {
    .alg = TERN_AEAD_AES_128_GCM,
    .key = "feffe9928665731c6d6a8f9467308308",
    .nonce = "cafebabefacedbaddecaf888",
    .aad = "",
    .pt = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
    .ct = "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
          "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
    .tag = "4d5c2af327cd64a62cf35abd2ba6fab4",
};

/* McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)" (revised, 2005),
 * Appendix B "AES Test Vectors", Test Case 4. */
static const struct aead_vec gcm_spec_tc4 = {
    .alg = TERN_AEAD_AES_128_GCM,
    .key = "feffe9928665731c6d6a8f9467308308",
    .nonce = "cafebabefacedbaddecaf888",
    .aad = "feedfacedeadbeeffeedfacedeadbeefabaddad2",
    .pt = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
    .ct = "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
          "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
    .tag = "5bc94fbc3221a5db94fae95ae7121a47",
};

/* McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)" (revised, 2005),
 * Appendix B "AES Test Vectors", Test Case 13. */
static const struct aead_vec gcm_spec_tc13 = {
    .alg = TERN_AEAD_AES_256_GCM,
    .key = "0000000000000000000000000000000000000000000000000000000000000000",
    .nonce = "000000000000000000000000",
    .aad = "",
    .pt = "",
    .ct = "",
    .tag = "530f8afbc74536b9a963b4f1c4cb738b",
};

/* McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)" (revised, 2005),
 * Appendix B "AES Test Vectors", Test Case 14. */
static const struct aead_vec gcm_spec_tc14 = {
    .alg = TERN_AEAD_AES_256_GCM,
    .key = "0000000000000000000000000000000000000000000000000000000000000000",
    .nonce = "000000000000000000000000",
    .aad = "",
    .pt = "00000000000000000000000000000000",
    .ct = "cea7403d4d606b6e074ec5d3baf39d18",
    .tag = "d0d1c8a799996bf0265b98b5d48ab919",
};

/* McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)" (revised, 2005),
 * Appendix B "AES Test Vectors", Test Case 15. */
static const struct aead_vec gcm_spec_tc15 = {
    .alg = TERN_AEAD_AES_256_GCM,
    .key = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
    .nonce = "cafebabefacedbaddecaf888",
    .aad = "",
    .pt = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
    .ct = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
          "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
    .tag = "b094dac5d93471bdec1a502270e3cc6c",
};

/* McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)" (revised, 2005),
 * Appendix B "AES Test Vectors", Test Case 16. */
static const struct aead_vec gcm_spec_tc16 = {
    .alg = TERN_AEAD_AES_256_GCM,
    .key = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
    .nonce = "cafebabefacedbaddecaf888",
    .aad = "feedfacedeadbeeffeedfacedeadbeefabaddad2",
    .pt = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
    .ct = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
          "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
    .tag = "76fc6ece0f4e1768cddf8853bb2d551b",
};

/* NIST CAVP GCM test vectors (gcmtestvectors.zip), gcmEncryptExtIV128.rsp,
 * [Keylen = 128] [IVlen = 96] [PTlen = 104] [AADlen = 160] [Taglen = 128], Count = 0. */
static const struct aead_vec gcm_cavp_pt104_aad160 = {
    .alg = TERN_AEAD_AES_128_GCM,
    .key = "fe0121f42e599f88ff02a985403e19bb",
    .nonce = "3bb9eb7724cbe1943d43de21",
    .aad = "2662d895035b6519f3510eae0faa3900ad23cfdf",
    .pt = "fd331ca8646091c29f21e5f0a1",
    .ct = "59fe29b07b0de8d869efbbd9b4",
    .tag = "d24c3e9c1c73c0af1097e26061c857de",
};

/* NIST CAVP GCM test vectors (gcmtestvectors.zip), gcmEncryptExtIV128.rsp,
 * [Keylen = 128] [IVlen = 96] [PTlen = 408] [AADlen = 720] [Taglen = 128], Count = 0. */
static const struct aead_vec gcm_cavp_pt408_aad720 = {
    .alg = TERN_AEAD_AES_128_GCM,
    .key = "2c1f21cf0f6fb3661943155c3e3d8492",
    .nonce = "23cb5ff362e22426984d1907",
    .aad = "5d3624879d35e46849953e45a32a624d6a6c536ed9857c613b572b0333e70155"
           "7a713e3f010ecdf9a6bd6c9e3e44b065208645aff4aabee611b3915285141700"
           "84ccf587177f4488f33cfb5e979e42b6e1cfc0a60238982a7aec",
    .pt = "42f758836986954db44bf37c6ef5e4ac0adaf38f27252a1b82d02ea949c8a1a2"
          "dbc0d68b5615ba7c1220ff6510e259f06655d8",
    .ct = "81824f0e0d523db30d3da369fdc0d60894c7a0a20646dd015073ad2732bd989b"
          "14a222b6ad57af43e1895df9dca2a5344a62cc",
    .tag = "57a3ee28136e94c74838997ae9823f3a",
};

/* NIST CAVP CCM test vectors (ccmtestvectors.zip), VNT128.rsp, [Nlen = 12]
 * (Alen = 32, Plen = 24, Tlen = 16), Count = 50. */
static const struct aead_vec ccm_vnt128_count50 = {
    .alg = TERN_AEAD_AES_128_CCM,
    .key = "005e8f4d8e0cbf4e1ceeb5d87a275848",
    .nonce = "0ec3ac452b547b9062aac8fa",
    .aad = "2f1821aa57e5278ffd33c17d46615b77363149dbc98470413f6543a6b749f2ca",
    .pt = "b6f345204526439daf84998f380dcfb4b4167c959c04ff65",
    .ct = "9575e16f35da3c88a19c26a7b762044f4d7bbbafeff05d75",
    .tag = "4829e2a7752fa3a14890972884b511d8",
};

/* RFC 8439 section 2.8.2, "Example and Test Vector for AEAD_CHACHA20_POLY1305"
 * (nonce = the 32-bit fixed-common part 07000000 || IV 4041424344454647). */
static const struct aead_vec chacha_rfc8439_2_8_2 = {
    .alg = TERN_AEAD_CHACHA20_POLY1305,
    .key = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
    .nonce = "070000004041424344454647",
    .aad = "50515253c0c1c2c3c4c5c6c7",
    .pt = "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
          "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
          "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
          "637265656e20776f756c642062652069742e",
    .ct = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
          "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
          "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
          "3ff4def08e4b7a9de576d26586cec64b6116",
    .tag = "1ae10b594f09e26a7e902ecbd0600691",
};

/* RFC 8439 appendix A.5, "ChaCha20-Poly1305 AEAD Decryption". */
static const struct aead_vec chacha_rfc8439_a5 = {
    .alg = TERN_AEAD_CHACHA20_POLY1305,
    .key = "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
    .nonce = "000000000102030405060708",
    .aad = "f33388860000000000004e91",
    .pt = "496e7465726e65742d4472616674732061726520647261667420646f63756d65"
          "6e74732076616c696420666f722061206d6178696d756d206f6620736978206d"
          "6f6e74687320616e64206d617920626520757064617465642c207265706c6163"
          "65642c206f72206f62736f6c65746564206279206f7468657220646f63756d65"
          "6e747320617420616e792074696d652e20497420697320696e617070726f7072"
          "6961746520746f2075736520496e7465726e65742d4472616674732061732072"
          "65666572656e6365206d6174657269616c206f7220746f206369746520746865"
          "6d206f74686572207468616e206173202fe2809c776f726b20696e2070726f67"
          "726573732e2fe2809d",
    .ct = "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
          "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
          "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
          "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
          "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
          "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
          "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
          "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
          "a6ad5cb4022b02709b",
    .tag = "eead9d67890cbb22392336fea1851f38",
};

/* NIST CAVP CCM test vectors (ccmtestvectors.zip), VNT128.rsp, [Nlen = 12]
 * (Alen = 32, Plen = 24, Tlen = 16), Count = 51. */
static const struct aead_vec ccm_vnt128_count51 = {
    .alg = TERN_AEAD_AES_128_CCM,
    .key = "005e8f4d8e0cbf4e1ceeb5d87a275848",
    .nonce = "472711261a9262bef077c0b7",
    .aad = "17c87889a2652636bcf712d111c86b9d68d64d18d531928030a5ec97c59931a4",
    .pt = "9d63df773b3799e361c5328d44bbb12f4154747ecf7cc667",
    .ct = "53323b82d7a754d82cebf0d4bc930ef06d11e162c5c027c4",
    .tag = "715a641834bbb75bb6572ca5a45c3183",
};

/* NIST CAVP CCM test vectors (ccmtestvectors.zip), VNT128.rsp, [Nlen = 12]
 * (Alen = 32, Plen = 24, Tlen = 16), Count = 52. */
static const struct aead_vec ccm_vnt128_count52 = {
    .alg = TERN_AEAD_AES_128_CCM,
    .key = "005e8f4d8e0cbf4e1ceeb5d87a275848",
    .nonce = "6a7b80b6738ff0a23ad58fb2",
    .aad = "26c12e5cdfe225a5be56d7a8aaf9fd4eb327d2f29c2ebc7396022f884f33ce54",
    .pt = "ba1978d58492c7f827cafef87d00f1a137f3f05a2dedb14d",
    .ct = "aa1d9eacabdcdd0f54681653ac44042a3dd47e338d15604e",
    .tag = "86a0e926daf21d17b359253d0d5d5d00",
};

/* NIST SP 800-38C, Appendix C.3 "Example 3" (Klen = 128, Tlen = 64, Nlen = 96,
 * Alen = 160, Plen = 192): C is the 24-byte ciphertext followed by the 8-byte
 * encrypted tag. */
static const struct aead_vec ccm8_sp800_38c_ex3 = {
    .alg = TERN_AEAD_AES_128_CCM_8,
    .key = "404142434445464748494a4b4c4d4e4f",
    .nonce = "101112131415161718191a1b",
    .aad = "000102030405060708090a0b0c0d0e0f10111213",
    .pt = "202122232425262728292a2b2c2d2e2f3031323334353637",
    .ct = "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5",
    .tag = "484392fbc1b09951",
};

static void kat_aes128gcm_spec_tc1(void)
{
    check_vec(&gcm_spec_tc1);
}

static void kat_aes128gcm_spec_tc2(void)
{
    check_vec(&gcm_spec_tc2);
}

static void kat_aes128gcm_spec_tc3(void)
{
    check_vec(&gcm_spec_tc3);
}

static void kat_aes128gcm_spec_tc4(void)
{
    check_vec(&gcm_spec_tc4);
}

static void kat_aes128gcm_cavp_pt104_aad160(void)
{
    check_vec(&gcm_cavp_pt104_aad160);
}

static void kat_aes128gcm_cavp_pt408_aad720(void)
{
    check_vec(&gcm_cavp_pt408_aad720);
}

static void kat_aes256gcm_spec_tc13(void)
{
    check_vec(&gcm_spec_tc13);
}

static void kat_aes256gcm_spec_tc14(void)
{
    check_vec(&gcm_spec_tc14);
}

static void kat_aes256gcm_spec_tc15(void)
{
    check_vec(&gcm_spec_tc15);
}

static void kat_aes256gcm_spec_tc16(void)
{
    check_vec(&gcm_spec_tc16);
}

static void kat_aes128ccm_vnt128_count50(void)
{
    check_vec(&ccm_vnt128_count50);
}

static void kat_aes128ccm_vnt128_count51(void)
{
    check_vec(&ccm_vnt128_count51);
}

static void kat_aes128ccm_vnt128_count52(void)
{
    check_vec(&ccm_vnt128_count52);
}

static void kat_aes128ccm8_sp800_38c_ex3(void)
{
    check_vec(&ccm8_sp800_38c_ex3);
}

static void kat_chacha20poly1305_rfc8439_2_8_2(void)
{
    check_vec(&chacha_rfc8439_2_8_2);
}

static void kat_chacha20poly1305_rfc8439_a5(void)
{
    check_vec(&chacha_rfc8439_a5);
}

/* ---- negative cases, run for every algorithm ---------------------------- */

static const int g_algs[] = {
    TERN_AEAD_AES_128_GCM,   TERN_AEAD_AES_256_GCM,       TERN_AEAD_AES_128_CCM,
    TERN_AEAD_AES_128_CCM_8, TERN_AEAD_CHACHA20_POLY1305,
};
#define N_ALGS (sizeof(g_algs) / sizeof(g_algs[0]))

static const uint8_t g_key[32] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};
static const uint8_t g_nonce[TERN_AEAD_NONCE_LEN] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
                                                     0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};
static const uint8_t g_aad[13] = {0, 0, 0, 0, 0, 0, 0, 1, 0x17, 0xfe, 0xfd, 0x00, 0x25};
static const char g_msg[] = "a record that nobody may forge, 37 B";

/* Seals g_msg under alg into ct (sizeof(g_msg) bytes) and tag. */
static void seal_sample(int alg, uint8_t *ct, uint8_t *tag)
{
    struct tern_aead a;
    CHECK_INT(tern_aead_init(&a, alg, 1, g_key, tern_aead_key_len(alg)), TERN_OK);
    memcpy(ct, g_msg, sizeof(g_msg));
    CHECK_INT(tern_aead_seal(&a, g_nonce, g_aad, sizeof(g_aad), ct, sizeof(g_msg), tag), TERN_OK);
    tern_aead_clear(&a);
}

/* Opens a tampered copy and expects TERN_ERR_BAD_RECORD_MAC and a wiped buffer. */
static void expect_forgery(struct tern_aead *a, const uint8_t *nonce, const uint8_t *aad,
                           const uint8_t *ct, const uint8_t *tag)
{
    uint8_t buf[sizeof(g_msg)];
    memcpy(buf, ct, sizeof(buf));
    CHECK_INT(tern_aead_open(a, nonce, aad, sizeof(g_aad), buf, sizeof(buf), tag),
              TERN_ERR_BAD_RECORD_MAC);
    CHECK(all_zero(buf, sizeof(buf)));
}

static void check_forgeries(int alg)
{
    uint8_t ct[sizeof(g_msg)];
    uint8_t tag[TERN_AEAD_MAX_TAG_LEN];
    uint8_t bad_ct[sizeof(g_msg)];
    uint8_t bad_tag[TERN_AEAD_MAX_TAG_LEN];
    uint8_t bad_aad[sizeof(g_aad)];
    uint8_t bad_nonce[TERN_AEAD_NONCE_LEN];
    size_t tag_len = tern_aead_tag_len(alg);
    seal_sample(alg, ct, tag);

    struct tern_aead a;
    CHECK_INT(tern_aead_init(&a, alg, 0, g_key, tern_aead_key_len(alg)), TERN_OK);
    /* A flipped bit in the first and in the last byte of the tag. */
    memcpy(bad_tag, tag, tag_len);
    bad_tag[0] ^= 0x01;
    expect_forgery(&a, g_nonce, g_aad, ct, bad_tag);
    memcpy(bad_tag, tag, tag_len);
    bad_tag[tag_len - 1] ^= 0x80;
    expect_forgery(&a, g_nonce, g_aad, ct, bad_tag);
    /* A flipped bit in the ciphertext, first and last byte. */
    memcpy(bad_ct, ct, sizeof(ct));
    bad_ct[0] ^= 0x01;
    expect_forgery(&a, g_nonce, g_aad, bad_ct, tag);
    memcpy(bad_ct, ct, sizeof(ct));
    bad_ct[sizeof(ct) - 1] ^= 0x40;
    expect_forgery(&a, g_nonce, g_aad, bad_ct, tag);
    /* A flipped bit in the additional data (the record header). */
    memcpy(bad_aad, g_aad, sizeof(g_aad));
    bad_aad[7] ^= 0x01;
    expect_forgery(&a, g_nonce, bad_aad, ct, tag);
    /* Another nonce (the next sequence number). */
    memcpy(bad_nonce, g_nonce, sizeof(bad_nonce));
    bad_nonce[TERN_AEAD_NONCE_LEN - 1] ^= 0x01;
    expect_forgery(&a, bad_nonce, g_aad, ct, tag);

    /* The failures left the context usable: the genuine record still opens. */
    uint8_t buf[sizeof(g_msg)];
    memcpy(buf, ct, sizeof(buf));
    CHECK_INT(tern_aead_open(&a, g_nonce, g_aad, sizeof(g_aad), buf, sizeof(buf), tag), TERN_OK);
    CHECK_MEM(buf, g_msg, sizeof(g_msg));
    tern_aead_clear(&a);
}

static void forgery_aes128gcm(void)
{
    check_forgeries(TERN_AEAD_AES_128_GCM);
}

static void forgery_aes256gcm(void)
{
    check_forgeries(TERN_AEAD_AES_256_GCM);
}

static void forgery_aes128ccm(void)
{
    check_forgeries(TERN_AEAD_AES_128_CCM);
}

static void forgery_aes128ccm8(void)
{
    check_forgeries(TERN_AEAD_AES_128_CCM_8);
}

static void forgery_chacha20poly1305(void)
{
    check_forgeries(TERN_AEAD_CHACHA20_POLY1305);
}

/* A context keyed for one direction refuses the other; so does a cleared one. */
static void wrong_direction_is_state(void)
{
    for (size_t i = 0; i < N_ALGS; i++) {
        int alg = g_algs[i];
        size_t key_len = tern_aead_key_len(alg);
        uint8_t ct[sizeof(g_msg)];
        uint8_t tag[TERN_AEAD_MAX_TAG_LEN];
        uint8_t buf[sizeof(g_msg)];
        seal_sample(alg, ct, tag);

        struct tern_aead a;
        CHECK_INT(tern_aead_init(&a, alg, 1, g_key, key_len), TERN_OK);
        memcpy(buf, ct, sizeof(buf));
        CHECK_INT(tern_aead_open(&a, g_nonce, g_aad, sizeof(g_aad), buf, sizeof(buf), tag),
                  TERN_ERR_STATE);
        CHECK_MEM(buf, ct, sizeof(ct)); /* refused before touching the buffer */
        tern_aead_clear(&a);

        CHECK_INT(tern_aead_init(&a, alg, 0, g_key, key_len), TERN_OK);
        memcpy(buf, g_msg, sizeof(buf));
        CHECK_INT(tern_aead_seal(&a, g_nonce, g_aad, sizeof(g_aad), buf, sizeof(buf), tag),
                  TERN_ERR_STATE);
        CHECK_MEM(buf, g_msg, sizeof(g_msg));
        tern_aead_clear(&a);

        /* Cleared, and never initialised (zeroed). */
        CHECK_INT(tern_aead_seal(&a, g_nonce, g_aad, sizeof(g_aad), buf, sizeof(buf), tag),
                  TERN_ERR_STATE);
        struct tern_aead zero;
        memset(&zero, 0, sizeof(zero));
        CHECK_INT(tern_aead_open(&zero, g_nonce, g_aad, sizeof(g_aad), buf, sizeof(buf), tag),
                  TERN_ERR_STATE);
    }
    CHECK_INT(tern_aead_seal(NULL, g_nonce, NULL, 0, NULL, 0, NULL), TERN_ERR_STATE);
}

/* Wrong key lengths and unknown algorithms are refused and leave the struct cleared. */
static void bad_key_or_alg_is_arg(void)
{
    for (size_t i = 0; i < N_ALGS; i++) {
        int alg = g_algs[i];
        size_t key_len = tern_aead_key_len(alg);
        struct tern_aead a;
        CHECK_INT(tern_aead_init(&a, alg, 1, g_key, key_len - 1), TERN_ERR_ARG);
        CHECK(a.ctx == NULL);
        CHECK_INT(tern_aead_init(&a, alg, 0, g_key, key_len + 1), TERN_ERR_ARG);
        CHECK(a.ctx == NULL);
        CHECK_INT(tern_aead_init(&a, alg, 1, g_key, 0), TERN_ERR_ARG);
        CHECK(a.ctx == NULL);
        CHECK_INT(tern_aead_init(&a, alg, 1, NULL, key_len), TERN_ERR_ARG);
        CHECK(a.ctx == NULL);
    }
    /* AES-128 key for AES-256-GCM and ChaCha20-Poly1305, AES-256 key for AES-128. */
    struct tern_aead a;
    CHECK_INT(tern_aead_init(&a, TERN_AEAD_AES_256_GCM, 1, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_aead_init(&a, TERN_AEAD_CHACHA20_POLY1305, 1, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_aead_init(&a, TERN_AEAD_AES_128_GCM, 1, g_key, 32), TERN_ERR_ARG);
    CHECK_INT(tern_aead_init(&a, 0, 1, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_aead_init(&a, 99, 1, g_key, 32), TERN_ERR_ARG);
    CHECK(a.ctx == NULL);
    CHECK_INT(tern_aead_init(NULL, TERN_AEAD_AES_128_GCM, 1, g_key, 16), TERN_ERR_ARG);
    CHECK_INT(tern_aead_key_len(99), 0);
    CHECK_INT(tern_aead_tag_len(99), 0);
    tern_aead_clear(NULL);
}

/* An empty plaintext (with and without additional data) seals to a bare tag
 * that opens again, and a tampered bare tag is refused. */
static void empty_plaintext_round_trip(void)
{
    for (size_t i = 0; i < N_ALGS; i++) {
        int alg = g_algs[i];
        size_t key_len = tern_aead_key_len(alg);
        size_t tag_len = tern_aead_tag_len(alg);
        for (int with_aad = 0; with_aad < 2; with_aad++) {
            const uint8_t *aad = with_aad ? g_aad : NULL;
            size_t aad_len = with_aad ? sizeof(g_aad) : 0;
            uint8_t buf[1] = {0x5a};
            uint8_t tag[TERN_AEAD_MAX_TAG_LEN];
            struct tern_aead s;
            struct tern_aead o;
            CHECK_INT(tern_aead_init(&s, alg, 1, g_key, key_len), TERN_OK);
            CHECK_INT(tern_aead_init(&o, alg, 0, g_key, key_len), TERN_OK);
            CHECK_INT(tern_aead_seal(&s, g_nonce, aad, aad_len, buf, 0, tag), TERN_OK);
            CHECK_INT(buf[0], 0x5a); /* nothing beyond len is written */
            CHECK_INT(tern_aead_open(&o, g_nonce, aad, aad_len, buf, 0, tag), TERN_OK);
            tag[tag_len - 1] ^= 0x01;
            CHECK_INT(tern_aead_open(&o, g_nonce, aad, aad_len, buf, 0, tag),
                      TERN_ERR_BAD_RECORD_MAC);
            tag[tag_len - 1] ^= 0x01;
            CHECK_INT(tern_aead_open(&o, g_nonce, aad, aad_len, buf, 0, tag), TERN_OK);
            tern_aead_clear(&s);
            tern_aead_clear(&o);
        }
    }
}

TEST_MAIN(T(kat_aes128gcm_spec_tc1), T(kat_aes128gcm_spec_tc2), T(kat_aes128gcm_spec_tc3),
          T(kat_aes128gcm_spec_tc4), T(kat_aes128gcm_cavp_pt104_aad160),
          T(kat_aes128gcm_cavp_pt408_aad720), T(kat_aes256gcm_spec_tc13),
          T(kat_aes256gcm_spec_tc14), T(kat_aes256gcm_spec_tc15), T(kat_aes256gcm_spec_tc16),
          T(kat_aes128ccm_vnt128_count50), T(kat_aes128ccm_vnt128_count51),
          T(kat_aes128ccm_vnt128_count52), T(kat_aes128ccm8_sp800_38c_ex3),
          T(kat_chacha20poly1305_rfc8439_2_8_2), T(kat_chacha20poly1305_rfc8439_a5),
          T(forgery_aes128gcm), T(forgery_aes256gcm), T(forgery_aes128ccm), T(forgery_aes128ccm8),
          T(forgery_chacha20poly1305), T(wrong_direction_is_state), T(bad_key_or_alg_is_arg),
          T(empty_plaintext_round_trip))
