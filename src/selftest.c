/* The power-on self test: one known-answer test per primitive, each vector
 * taken from the standard named beside it, and a record round trip. */
#include <tern/selftest.h>

#include <string.h>

#include <tern/err.h>

#include "crypto/errors.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "crypto/kex.h"
#include "crypto/sig.h"
#include "record/rec12.h"
#include "util/guard.h"

/* Decodes a hex constant; the vectors below are compile-time literals. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; hex[i] != '\0' && hex[i + 1] != '\0' && n < cap; i += 2) {
        uint8_t v = 0;
        for (size_t j = 0; j < 2; j++) {
            char c = hex[i + j];
            uint8_t d = c >= '0' && c <= '9'   ? (uint8_t)(c - '0')
                        : c >= 'a' && c <= 'f' ? (uint8_t)(c - 'a' + 10)
                                               : (uint8_t)(c - 'A' + 10);
            v = (uint8_t)(v << 4 | d);
        }
        out[n++] = v;
    }
    return n;
}

static int expect(const uint8_t *got, const char *want_hex, size_t len)
{
    uint8_t want[256];
    if (unhex(want_hex, want, sizeof(want)) != len) {
        return TERN_ERR_ARG;
    }
    return memcmp(got, want, len) == 0 ? TERN_OK : TERN_ERR_CRYPTO;
}

/* FIPS 180-2 appendix B.1 and D.1: the message "abc". */
static int st_sha256(void)
{
    uint8_t out[32];
    TERN_TRY(tern_hash_oneshot(TERN_HASH_SHA256, "abc", 3, out));
    return expect(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 32);
}

static int st_sha384(void)
{
    uint8_t out[48];
    TERN_TRY(tern_hash_oneshot(TERN_HASH_SHA384, "abc", 3, out));
    return expect(out,
                  "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
                  "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
                  48);
}

/* RFC 4231 section 4.2, test case 1. */
static int st_hmac(void)
{
    uint8_t key[20];
    uint8_t out[32];
    memset(key, 0x0b, sizeof(key));
    TERN_TRY(tern_hmac_oneshot(TERN_HASH_SHA256, key, sizeof(key), "Hi There", 8, out));
    return expect(out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 32);
}

/* The TLS 1.2 PRF (SHA-256) vector published on the IETF TLS list and used
 * by several implementations' tests: secret, seed and "test label". */
static int st_prf(void)
{
    uint8_t secret[16];
    uint8_t seed[16];
    uint8_t out[100];
    unhex("9bbe436ba940f017b17652849a71db35", secret, sizeof(secret));
    unhex("a0ba9f936cda311827a6f796ffd5198c", seed, sizeof(seed));
    struct tern_span s = {seed, sizeof(seed)};
    TERN_TRY(tern_tls12_prf(TERN_HASH_SHA256, secret, sizeof(secret), "test label", &s, 1, out,
                            sizeof(out)));
    return expect(out,
                  "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
                  "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
                  "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
                  "87347b66",
                  100);
}

/* RFC 5869 appendix A.1, test case 1. */
static int st_hkdf(void)
{
    uint8_t ikm[22];
    uint8_t salt[13];
    uint8_t info[10];
    uint8_t prk[32];
    uint8_t okm[42];
    memset(ikm, 0x0b, sizeof(ikm));
    unhex("000102030405060708090a0b0c", salt, sizeof(salt));
    unhex("f0f1f2f3f4f5f6f7f8f9", info, sizeof(info));
    TERN_TRY(tern_hkdf_extract(TERN_HASH_SHA256, salt, sizeof(salt), ikm, sizeof(ikm), prk));
    TERN_TRY(expect(prk, "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", 32));
    TERN_TRY(
        tern_hkdf_expand(TERN_HASH_SHA256, prk, sizeof(prk), info, sizeof(info), okm, sizeof(okm)));
    return expect(okm,
                  "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                  "34007208d5b887185865",
                  42);
}

/* RFC 8448 section 3: Derive-Secret(early_secret, "derived", "") in the
 * simple 1-RTT trace, an HKDF-Expand-Label with the "tls13 " prefix. */
static int st_expand_label(void)
{
    uint8_t early[32];
    uint8_t empty_hash[32];
    uint8_t out[32];
    unhex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a", early, sizeof(early));
    TERN_TRY(tern_hash_oneshot(TERN_HASH_SHA256, "", 0, empty_hash));
    TERN_TRY(tern_hkdf_expand_label(TERN_HASH_SHA256, TERN_HKDF_PREFIX_TLS13, early, sizeof(early),
                                    "derived", empty_hash, sizeof(empty_hash), out, sizeof(out)));
    return expect(out, "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba", 32);
}

/* Seals pt under key/nonce/aad and compares with ct || tag, then opens it. */
static int aead_kat(int alg, const char *key_hex, const char *nonce_hex, const char *aad_hex,
                    const char *pt_hex, const char *ct_hex, const char *tag_hex)
{
    uint8_t key[32];
    uint8_t nonce[12];
    uint8_t aad[64];
    uint8_t buf[160];
    uint8_t tag[16];
    size_t key_len = unhex(key_hex, key, sizeof(key));
    unhex(nonce_hex, nonce, sizeof(nonce));
    size_t aad_len = unhex(aad_hex, aad, sizeof(aad));
    size_t len = unhex(pt_hex, buf, sizeof(buf));
    struct tern_aead a;
    TERN_TRY(tern_aead_init(&a, alg, 1, key, key_len));
    int rc = tern_aead_seal(&a, nonce, aad, aad_len, buf, len, tag);
    tern_aead_clear(&a);
    TERN_TRY(rc);
    TERN_TRY(expect(buf, ct_hex, len));
    TERN_TRY(expect(tag, tag_hex, tern_aead_tag_len(alg)));
    TERN_TRY(tern_aead_init(&a, alg, 0, key, key_len));
    rc = tern_aead_open(&a, nonce, aad, aad_len, buf, len, tag);
    tern_aead_clear(&a);
    TERN_TRY(rc);
    return expect(buf, pt_hex, len);
}

/* The GCM specification (McGrew and Viega), test cases 2 and 14. */
static int st_aes128gcm(void)
{
    return aead_kat(TERN_AEAD_AES_128_GCM, "00000000000000000000000000000000",
                    "000000000000000000000000", "", "00000000000000000000000000000000",
                    "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf");
}

static int st_aes256gcm(void)
{
    return aead_kat(TERN_AEAD_AES_256_GCM,
                    "0000000000000000000000000000000000000000000000000000000000000000",
                    "000000000000000000000000", "", "00000000000000000000000000000000",
                    "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919");
}

/* NIST SP 800-38C appendix C.3, example 3 (12-byte nonce, 8-byte tag). */
static int st_aes128ccm8(void)
{
    return aead_kat(TERN_AEAD_AES_128_CCM_8, "404142434445464748494a4b4c4d4e4f",
                    "101112131415161718191a1b", "000102030405060708090a0b0c0d0e0f10111213",
                    "202122232425262728292a2b2c2d2e2f3031323334353637",
                    "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5", "484392fbc1b09951");
}

/* RFC 8439 section 2.8.2. */
static int st_chacha(void)
{
    return aead_kat(TERN_AEAD_CHACHA20_POLY1305,
                    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
                    "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
                    "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
                    "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
                    "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
                    "637265656e20776f756c642062652069742e",
                    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
                    "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
                    "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
                    "3ff4def08e4b7a9de576d26586cec64b6116",
                    "1ae10b594f09e26a7e902ecbd0600691");
}

/* RFC 7748 section 6.1. */
static int st_x25519(void)
{
    uint8_t a_priv[32];
    uint8_t b_pub[32];
    uint8_t secret[32];
    size_t len;
    unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a_priv, 32);
    unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", b_pub, 32);
    struct tern_kex k;
    TERN_TRY(tern_kex_from_private(&k, TERN_GROUP_X25519, a_priv, 32));
    int rc = expect(k.pub, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", 32);
    if (rc == TERN_OK) {
        rc = tern_kex_derive(&k, b_pub, 32, secret, &len);
    }
    tern_kex_clear(&k);
    TERN_TRY(rc);
    return expect(secret, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", 32);
}

/* P-256 and P-384: two fresh key pairs agree, and an off-curve point is refused. */
static int ecdh_agree(int group)
{
    struct tern_kex a;
    struct tern_kex b;
    uint8_t s1[48] = {0};
    uint8_t s2[48] = {0};
    size_t l1 = 0;
    size_t l2 = 0;
    int rc = tern_kex_generate(&a, group, NULL);
    if (rc == TERN_OK) {
        rc = tern_kex_generate(&b, group, NULL);
    }
    if (rc == TERN_OK) {
        rc = tern_kex_derive(&a, b.pub, b.pub_len, s1, &l1);
    }
    if (rc == TERN_OK) {
        rc = tern_kex_derive(&b, a.pub, a.pub_len, s2, &l2);
    }
    if (rc == TERN_OK && (l1 != l2 || memcmp(s1, s2, l1) != 0)) {
        rc = TERN_ERR_CRYPTO;
    }
    if (rc == TERN_OK) {
        uint8_t bad[TERN_KEX_MAX_PUB_LEN];
        memcpy(bad, b.pub, b.pub_len);
        bad[b.pub_len - 1] ^= 1; /* y no longer matches x */
        rc = tern_kex_derive(&a, bad, b.pub_len, s1, &l1) == TERN_ERR_BAD_KEY_SHARE
                 ? TERN_OK
                 : TERN_ERR_CRYPTO;
    }
    tern_kex_clear(&a);
    tern_kex_clear(&b);
    return rc;
}

static int st_p256(void)
{
    return ecdh_agree(TERN_GROUP_SECP256R1);
}

static int st_p384(void)
{
    return ecdh_agree(TERN_GROUP_SECP384R1);
}

/* RFC 8032 section 7.1, TEST 1 (empty message). */
static int st_ed25519(void)
{
    uint8_t seed[32];
    uint8_t sig[64];
    size_t sig_len = sizeof(sig);
    unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", seed, 32);
    struct tern_pkey *k;
    TERN_TRY(tern_pkey_ed25519_raw(&k, seed, 1));
    int rc = tern_sig_sign(k, TERN_SIG_ED25519, NULL, 0, sig, &sig_len);
    if (rc == TERN_OK) {
        rc = sig_len == 64
                 ? expect(sig,
                          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                          "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
                          64)
                 : TERN_ERR_CRYPTO;
    }
    if (rc == TERN_OK) {
        rc = tern_sig_verify(k, TERN_SIG_ED25519, NULL, 0, sig, sig_len);
    }
    tern_pkey_free(k);
    return rc;
}

/* RFC 6979 appendix A.2.5: the P-256 key and its SHA-256 signature of
 * "sample", verified; then a fresh signature verifies and a changed message
 * does not. */
static int st_ecdsa(void)
{
    uint8_t spki[91];
    uint8_t sig[72];
    unhex("3059301306072a8648ce3d020106082a8648ce3d030107034200"
          "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
          "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299",
          spki, sizeof(spki));
    unhex("3046022100efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
          "022100f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
          sig, sizeof(sig));
    struct tern_pkey *k;
    TERN_TRY(tern_pkey_parse_public(&k, spki, sizeof(spki)));
    int rc = tern_sig_verify(k, TERN_SIG_ECDSA_SECP256R1_SHA256, (const uint8_t *)"sample", 6, sig,
                             sizeof(sig));
    if (rc == TERN_OK &&
        tern_sig_verify(k, TERN_SIG_ECDSA_SECP256R1_SHA256, (const uint8_t *)"sampl3", 6, sig,
                        sizeof(sig)) != TERN_ERR_BAD_SIGNATURE) {
        rc = TERN_ERR_CRYPTO;
    }
    tern_pkey_free(k);
    return rc;
}

/* A DTLS 1.2 record sealed in epoch 1 opens on the other side, and the same
 * record with one bit of its tag flipped is dropped as unauthenticated. */
static int st_record(void)
{
    static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static const uint8_t iv[4] = {0xca, 0xfe, 0xba, 0xbe};
    static const char msg[] = "tern record round trip";
    struct tern_rec12 tx;
    struct tern_rec12 rx;
    uint8_t dgram[128];
    tern_rec12_init(&tx, TERN_DTLS12_VERSION);
    tern_rec12_init(&rx, TERN_DTLS12_VERSION);
    int rc = tern_rec12_set_tx_keys(&tx, TERN_AEAD_AES_128_GCM, key, 16, iv, 4);
    if (rc == TERN_OK) {
        rc = tern_rec12_set_rx_keys(&rx, TERN_AEAD_AES_128_GCM, key, 16, iv, 4);
    }
    ptrdiff_t n = rc;
    if (rc == TERN_OK) {
        n = tern_rec12_write_copy(&tx, 1, TERN_CT_APPLICATION_DATA, (const uint8_t *)msg,
                                  sizeof(msg), dgram, sizeof(dgram));
    }
    if (n > 0) {
        uint8_t copy[128];
        memcpy(copy, dgram, (size_t)n);
        copy[n - 1] ^= 0x80;
        struct tern_rec_cursor it;
        struct tern_rec12_record r = {0};
        /* The tampered copy first: a record that fails authentication must
         * not move the replay window, so the genuine one still opens. */
        tern_rec12_iter_init(&it, copy, (size_t)n);
        rc = tern_rec12_next(&rx, &it, &r) == TERN_REC_END && rx.drops[TERN_DROP_AUTH] == 1
                 ? TERN_OK
                 : TERN_ERR_CRYPTO;
        tern_rec12_iter_init(&it, dgram, (size_t)n);
        if (rc == TERN_OK && !(tern_rec12_next(&rx, &it, &r) == TERN_REC_PLAINTEXT &&
                               r.len == sizeof(msg) && memcmp(r.data, msg, sizeof(msg)) == 0)) {
            rc = TERN_ERR_BAD_RECORD_MAC;
        }
    } else {
        rc = (int)n;
    }
    tern_rec12_clear(&tx);
    tern_rec12_clear(&rx);
    return rc;
}

static const struct {
    const char *name;
    int (*fn)(void);
} g_tests[] = {
    {"SHA-256 (FIPS 180-2 B.1)", st_sha256},
    {"SHA-384 (FIPS 180-2 D.1)", st_sha384},
    {"HMAC-SHA-256 (RFC 4231 test case 1)", st_hmac},
    {"TLS 1.2 PRF SHA-256 (IETF TLS list vector)", st_prf},
    {"HKDF-SHA-256 (RFC 5869 A.1)", st_hkdf},
    {"HKDF-Expand-Label (RFC 8448 section 3, \"derived\")", st_expand_label},
    {"AES-128-GCM (GCM spec test case 2)", st_aes128gcm},
    {"AES-256-GCM (GCM spec test case 14)", st_aes256gcm},
    {"AES-128-CCM-8 (NIST SP 800-38C C.3)", st_aes128ccm8},
    {"ChaCha20-Poly1305 (RFC 8439 2.8.2)", st_chacha},
    {"X25519 (RFC 7748 6.1)", st_x25519},
    {"ECDH P-256 (agreement, invalid point refused)", st_p256},
    {"ECDH P-384 (agreement, invalid point refused)", st_p384},
    {"Ed25519 (RFC 8032 7.1 test 1)", st_ed25519},
    {"ECDSA P-256 SHA-256 (RFC 6979 A.2.5 signature)", st_ecdsa},
    {"DTLS 1.2 record AES-128-GCM (round trip, tampered tag dropped)", st_record},
};

static int self_test(tern_self_test_report_fn report, void *arg)
{
    int first = TERN_OK;
    for (size_t i = 0; i < TERN_ARRAY_LEN(g_tests); i++) {
        int rc = g_tests[i].fn();
        if (report != NULL) {
            report(arg, g_tests[i].name, rc);
        }
        if (rc != TERN_OK && first == TERN_OK) {
            first = rc;
        }
    }
    return first;
}

int tern_self_test(tern_self_test_report_fn report, void *arg)
{
    tern_crypto_quiet_begin();
    int rc = self_test(report, arg);
    tern_crypto_quiet_end();
    return rc;
}
