/* Known-answer tests for the TLS 1.2 PRF, HKDF and HKDF-Expand-Label
 * (src/crypto/kdf.h).
 *
 * TLS 1.2 PRF: the P_SHA256 and P_SHA384 vectors that J. Birr-Pixton posted to
 * the IETF TLS working group ("Test vectors for TLS 1.2 PRF",
 * https://www.ietf.org/mail-archive/web/tls/current/msg03416.html), which
 * RFC 5246 itself lacks. HKDF: RFC 5869 appendix A. HKDF-Expand-Label: the
 * "Simple 1-RTT Handshake" trace of RFC 8448 section 3, whose "{server} derive
 * secret" and "derive ... traffic keys" steps print the PRK, the HkdfLabel
 * ("info") and the expanded output. No published DTLS 1.3 ("dtls13") trace is
 * known, so that prefix is checked against an HkdfLabel built here by hand
 * from RFC 9147 section 5.9 / RFC 8446 section 7.1. */
#include <string.h>

#include <tern/err.h>

#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "test.h"

#define MAX_OUT 256

/* ---- TLS 1.2 PRF --------------------------------------------------------- */

static void check_prf(int alg, const char *secret_hex, const char *seed_hex, const char *out_hex)
{
    uint8_t secret[64];
    uint8_t seed[64];
    uint8_t want[MAX_OUT];
    uint8_t got[MAX_OUT];
    size_t secret_len = test_unhex(secret_hex, secret, sizeof(secret));
    size_t seed_len = test_unhex(seed_hex, seed, sizeof(seed));
    size_t out_len = test_unhex(out_hex, want, sizeof(want));

    /* The seed as one span. */
    struct tern_span one = {seed, seed_len};
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_tls12_prf(alg, secret, secret_len, "test label", &one, 1, got, out_len),
              TERN_OK);
    CHECK_MEM(got, want, out_len);

    /* The same seed cut into pieces, as client_random || server_random are. */
    struct tern_span pieces[4] = {
        {seed, 5}, {seed + 5, 0}, {seed + 5, 6}, {seed + 11, seed_len - 11}};
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_tls12_prf(alg, secret, secret_len, "test label", pieces, 4, got, out_len),
              TERN_OK);
    CHECK_MEM(got, want, out_len);

    /* A shorter request is a prefix of the stream. */
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_tls12_prf(alg, secret, secret_len, "test label", &one, 1, got, 12), TERN_OK);
    CHECK_MEM(got, want, 12);
}

/* IETF TLS WG mailing list, msg03416, "Test vectors for TLS 1.2 PRF",
 * PRF-SHA256: secret 9bbe..., seed a0ba..., label "test label", 100 bytes. */
static void prf_sha256_tls_wg_vector(void)
{
    check_prf(TERN_HASH_SHA256, "9bbe436ba940f017b17652849a71db35",
              "a0ba9f936cda311827a6f796ffd5198c",
              "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
              "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
              "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
              "87347b66");
}

/* IETF TLS WG mailing list, msg03416, "Test vectors for TLS 1.2 PRF",
 * PRF-SHA384: secret b80b..., seed cd66..., label "test label", 148 bytes. */
static void prf_sha384_tls_wg_vector(void)
{
    check_prf(TERN_HASH_SHA384, "b80b733d6ceefcdc71566ea48e5567df",
              "cd665cf6a8447dd6ff8b27555edb7465",
              "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd"
              "e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd"
              "8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425"
              "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6"
              "91c8f3a26854308d5eaa3be85e0990703d73e56f");
}

static void prf_errors(void)
{
    uint8_t secret[16] = {1};
    uint8_t out[16];
    struct tern_span seed = {secret, sizeof(secret)};
    CHECK_INT(tern_tls12_prf(0, secret, sizeof(secret), "l", &seed, 1, out, sizeof(out)),
              TERN_ERR_ARG);
    CHECK_INT(tern_tls12_prf(3, secret, sizeof(secret), "l", &seed, 1, out, sizeof(out)),
              TERN_ERR_ARG);
    CHECK_INT(tern_tls12_prf(TERN_HASH_SHA256, NULL, 0, "l", &seed, 1, out, sizeof(out)),
              TERN_ERR_ARG);
    CHECK_INT(
        tern_tls12_prf(TERN_HASH_SHA256, secret, sizeof(secret), NULL, &seed, 1, out, sizeof(out)),
        TERN_ERR_ARG);
    CHECK_INT(
        tern_tls12_prf(TERN_HASH_SHA256, secret, sizeof(secret), "l", &seed, 1, NULL, sizeof(out)),
        TERN_ERR_ARG);
    CHECK_INT(tern_tls12_prf(TERN_HASH_SHA256, secret, sizeof(secret), "l", &seed, 1, out, 0),
              TERN_ERR_ARG);
}

/* ---- HKDF: RFC 5869 appendix A (SHA-256 cases; 4 to 7 are SHA-1) --------- */

static void check_hkdf(const char *ikm_hex, const char *salt_hex, const char *info_hex,
                       const char *prk_hex, const char *okm_hex)
{
    uint8_t ikm[128];
    uint8_t salt[128];
    uint8_t info[128];
    uint8_t prk[32];
    uint8_t okm[128];
    uint8_t got[128];
    size_t ikm_len = test_unhex(ikm_hex, ikm, sizeof(ikm));
    size_t salt_len = test_unhex(salt_hex, salt, sizeof(salt));
    size_t info_len = test_unhex(info_hex, info, sizeof(info));
    size_t prk_len = test_unhex(prk_hex, prk, sizeof(prk));
    size_t okm_len = test_unhex(okm_hex, okm, sizeof(okm));
    CHECK_INT(prk_len, 32);

    memset(got, 0, sizeof(got));
    CHECK_INT(tern_hkdf_extract(TERN_HASH_SHA256, salt_len > 0 ? salt : NULL, salt_len, ikm,
                                ikm_len, got),
              TERN_OK);
    CHECK_MEM(got, prk, prk_len);
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_hkdf_expand(TERN_HASH_SHA256, prk, prk_len, info_len > 0 ? info : NULL, info_len,
                               got, okm_len),
              TERN_OK);
    CHECK_MEM(got, okm, okm_len);
}

/* RFC 5869 appendix A.1, Test Case 1 (basic test case with SHA-256). */
static void hkdf_rfc5869_tc1(void)
{
    check_hkdf("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c",
               "f0f1f2f3f4f5f6f7f8f9",
               "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
               "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
               "34007208d5b887185865");
}

/* RFC 5869 appendix A.2, Test Case 2 (SHA-256, longer inputs and outputs). */
static void hkdf_rfc5869_tc2(void)
{
    check_hkdf("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
               "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
               "404142434445464748494a4b4c4d4e4f",
               "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
               "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
               "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
               "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
               "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
               "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
               "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
               "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
               "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
               "cc30c58179ec3e87c14c01d5c1f3434f1d87");
}

/* RFC 5869 appendix A.3, Test Case 3 (SHA-256, zero-length salt and info). */
static void hkdf_rfc5869_tc3(void)
{
    check_hkdf("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
               "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
               "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
               "9d201395faa4b61a96c8");
}

/* RFC 5869 section 2.2: an absent salt is HashLen zeros, so Test Case 3 also
 * holds with an explicit all-zero salt. */
static void hkdf_rfc5869_tc3_zero_salt(void)
{
    uint8_t ikm[22];
    uint8_t zeros[32] = {0};
    uint8_t prk[32];
    uint8_t want[32];
    memset(ikm, 0x0b, sizeof(ikm));
    test_unhex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04", want,
               sizeof(want));
    CHECK_INT(tern_hkdf_extract(TERN_HASH_SHA256, zeros, sizeof(zeros), ikm, sizeof(ikm), prk),
              TERN_OK);
    CHECK_MEM(prk, want, sizeof(want));
}

static void hkdf_errors(void)
{
    uint8_t prk[48] = {1};
    uint8_t out[255 * 48 + 1];
    CHECK_INT(tern_hkdf_extract(0, NULL, 0, prk, 32, out), TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_extract(3, NULL, 0, prk, 32, out), TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_extract(TERN_HASH_SHA256, NULL, 0, NULL, 32, out), TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand(0, prk, 32, NULL, 0, out, 32), TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand(3, prk, 32, NULL, 0, out, 32), TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand(TERN_HASH_SHA256, prk, 32, NULL, 0, out, 0), TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand(TERN_HASH_SHA256, NULL, 32, NULL, 0, out, 32), TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand(TERN_HASH_SHA256, prk, 32, NULL, 1, out, 32), TERN_ERR_ARG);
    /* RFC 5869 section 2.3: L <= 255 * HashLen. */
    CHECK_INT(tern_hkdf_expand(TERN_HASH_SHA256, prk, 32, NULL, 0, out, 255 * 32), TERN_OK);
    CHECK_INT(tern_hkdf_expand(TERN_HASH_SHA256, prk, 32, NULL, 0, out, 255 * 32 + 1),
              TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand(TERN_HASH_SHA384, prk, 48, NULL, 0, out, 255 * 48), TERN_OK);
    CHECK_INT(tern_hkdf_expand(TERN_HASH_SHA384, prk, 48, NULL, 0, out, 255 * 48 + 1),
              TERN_ERR_ARG);
}

/* ---- TLS 1.3 key schedule: RFC 8448 section 3 ---------------------------- */

/* RFC 8448 section 3, the PRKs the Simple 1-RTT Handshake derives from. */
#define EARLY_SECRET     "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a"
#define HANDSHAKE_SECRET "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac"
#define MASTER_SECRET    "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919"
#define S_HS_TRAFFIC     "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38"
#define C_HS_TRAFFIC     "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"
#define S_AP_TRAFFIC     "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643"
#define C_AP_TRAFFIC     "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5"
/* The transcript hashes it prints: SHA-256(""), CH..SH, CH..server Finished,
 * CH..client Finished. */
#define HASH_EMPTY   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define HASH_CH_SH   "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8"
#define HASH_CH_SFIN "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13"
#define HASH_CH_CFIN "209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d"

/* HKDF-Expand-Label(PRK, label, context, len) with the "tls13 " prefix must
 * give the published output. */
static void check_label(const char *prk_hex, const char *label, const char *context_hex,
                        const char *out_hex)
{
    uint8_t prk[32];
    uint8_t context[32];
    uint8_t want[64];
    uint8_t got[64];
    size_t prk_len = test_unhex(prk_hex, prk, sizeof(prk));
    size_t context_len = test_unhex(context_hex, context, sizeof(context));
    size_t out_len = test_unhex(out_hex, want, sizeof(want));
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, TERN_HKDF_PREFIX_TLS13, prk, prk_len, label,
                                     context_len > 0 ? context : NULL, context_len, got, out_len),
              TERN_OK);
    CHECK_MEM(got, want, out_len);
}

/* RFC 8448 section 3, "{server} extract secret "early"": salt 0, IKM 32 zeros. */
static void tls13_rfc8448_extract_early(void)
{
    uint8_t zeros[32] = {0};
    uint8_t want[32];
    uint8_t got[32];
    test_unhex(EARLY_SECRET, want, sizeof(want));
    CHECK_INT(tern_hkdf_extract(TERN_HASH_SHA256, NULL, 0, zeros, sizeof(zeros), got), TERN_OK);
    CHECK_MEM(got, want, sizeof(want));
}

/* RFC 8448 section 3, "{server} derive secret for handshake "tls13 derived"". */
static void tls13_rfc8448_derived_for_handshake(void)
{
    check_label(EARLY_SECRET, "derived", HASH_EMPTY,
                "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba");
}

/* RFC 8448 section 3, "{server} extract secret "handshake"": salt = the derived
 * secret above, IKM = the X25519 shared secret. */
static void tls13_rfc8448_extract_handshake(void)
{
    uint8_t salt[32];
    uint8_t ikm[32];
    uint8_t want[32];
    uint8_t got[32];
    test_unhex("6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba", salt,
               sizeof(salt));
    test_unhex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d", ikm,
               sizeof(ikm));
    test_unhex(HANDSHAKE_SECRET, want, sizeof(want));
    CHECK_INT(tern_hkdf_extract(TERN_HASH_SHA256, salt, sizeof(salt), ikm, sizeof(ikm), got),
              TERN_OK);
    CHECK_MEM(got, want, sizeof(want));
}

/* RFC 8448 section 3, "{server} derive secret "tls13 c hs traffic"". */
static void tls13_rfc8448_c_hs_traffic(void)
{
    check_label(HANDSHAKE_SECRET, "c hs traffic", HASH_CH_SH, C_HS_TRAFFIC);
}

/* RFC 8448 section 3, "{server} derive secret "tls13 s hs traffic"". */
static void tls13_rfc8448_s_hs_traffic(void)
{
    check_label(HANDSHAKE_SECRET, "s hs traffic", HASH_CH_SH, S_HS_TRAFFIC);
}

/* RFC 8448 section 3, "{server} derive secret for master "tls13 derived"". */
static void tls13_rfc8448_derived_for_master(void)
{
    check_label(HANDSHAKE_SECRET, "derived", HASH_EMPTY,
                "43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4");
}

/* RFC 8448 section 3, "{server} extract secret "master"": IKM is 32 zeros. */
static void tls13_rfc8448_extract_master(void)
{
    uint8_t salt[32];
    uint8_t zeros[32] = {0};
    uint8_t want[32];
    uint8_t got[32];
    test_unhex("43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4", salt,
               sizeof(salt));
    test_unhex(MASTER_SECRET, want, sizeof(want));
    CHECK_INT(tern_hkdf_extract(TERN_HASH_SHA256, salt, sizeof(salt), zeros, sizeof(zeros), got),
              TERN_OK);
    CHECK_MEM(got, want, sizeof(want));
}

/* RFC 8448 section 3, "{server} derive write traffic keys for handshake data":
 * "key" and "iv" with an empty context. */
static void tls13_rfc8448_server_hs_key_iv(void)
{
    check_label(S_HS_TRAFFIC, "key", "", "3fce516009c21727d0f2e4e86ee403bc");
    check_label(S_HS_TRAFFIC, "iv", "", "5d313eb2671276ee13000b30");
}

/* RFC 8448 section 3, "{server} derive read traffic keys for handshake data"
 * (the client's handshake write key and IV). */
static void tls13_rfc8448_client_hs_key_iv(void)
{
    check_label(C_HS_TRAFFIC, "key", "", "dbfaa693d1762c5b666af5d950258d01");
    check_label(C_HS_TRAFFIC, "iv", "", "5bd3c71b836e0b76bb73265f");
}

/* RFC 8448 section 3, "{server} derive secret "tls13 c ap traffic"". */
static void tls13_rfc8448_c_ap_traffic(void)
{
    check_label(MASTER_SECRET, "c ap traffic", HASH_CH_SFIN, C_AP_TRAFFIC);
}

/* RFC 8448 section 3, "{server} derive secret "tls13 s ap traffic"". */
static void tls13_rfc8448_s_ap_traffic(void)
{
    check_label(MASTER_SECRET, "s ap traffic", HASH_CH_SFIN, S_AP_TRAFFIC);
}

/* RFC 8448 section 3, "{server} derive secret "tls13 exp master"". */
static void tls13_rfc8448_exp_master(void)
{
    check_label(MASTER_SECRET, "exp master", HASH_CH_SFIN,
                "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50");
}

/* RFC 8448 section 3, "{server} derive write traffic keys for application data". */
static void tls13_rfc8448_server_ap_key_iv(void)
{
    check_label(S_AP_TRAFFIC, "key", "", "9f02283b6c9c07efc26bb9f2ac92e356");
    check_label(S_AP_TRAFFIC, "iv", "", "cf782b88dd83549aadf1e984");
}

/* RFC 8448 section 3, "{client} derive write traffic keys for application data". */
static void tls13_rfc8448_client_ap_key_iv(void)
{
    check_label(C_AP_TRAFFIC, "key", "", "17422dda596ed5d9acd890e3c63f5051");
    check_label(C_AP_TRAFFIC, "iv", "", "5b78923dee08579033e523d9");
}

/* RFC 8448 section 3, "{client} derive secret "tls13 res master"". */
static void tls13_rfc8448_res_master(void)
{
    check_label(MASTER_SECRET, "res master", HASH_CH_CFIN,
                "7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c");
}

/* RFC 8448 section 3 prints the HkdfLabel it expands ("key info (13 octets):
 * 00 10 09 74 6c 73 31 33 20 6b 65 79 00"): HKDF-Expand with that info is the
 * same as HKDF-Expand-Label with "tls13 " and "key". */
static void tls13_rfc8448_key_info_bytes(void)
{
    uint8_t prk[32];
    uint8_t info[13];
    uint8_t want[16];
    uint8_t got[16];
    test_unhex(S_HS_TRAFFIC, prk, sizeof(prk));
    CHECK_INT(test_unhex("00 10 09 74 6c 73 31 33 20 6b 65 79 00", info, sizeof(info)), 13);
    test_unhex("3fce516009c21727d0f2e4e86ee403bc", want, sizeof(want));
    CHECK_INT(tern_hkdf_expand(TERN_HASH_SHA256, prk, sizeof(prk), info, sizeof(info), got, 16),
              TERN_OK);
    CHECK_MEM(got, want, sizeof(want));
}

/* RFC 9147 section 5.9: DTLS 1.3 uses the label prefix "dtls13" (six bytes, no
 * space) in place of "tls13 ". No published trace exists, so the HkdfLabel of
 * RFC 8446 section 7.1 is built here by hand:
 *   uint16 length = 16; opaque label<7..255> = "dtls13" + "key"; context = <>.
 * The output must differ from the TLS 1.3 one for the same secret. */
static void dtls13_prefix_label(void)
{
    uint8_t prk[32];
    uint8_t tls[16];
    uint8_t dtls[16];
    uint8_t by_hand[16];
    static const uint8_t info[] = {0x00, 0x10, 0x09, 'd', 't', 'l', 's',
                                   '1',  '3',  'k',  'e', 'y', 0x00};
    test_unhex(S_HS_TRAFFIC, prk, sizeof(prk));
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, TERN_HKDF_PREFIX_TLS13, prk, sizeof(prk),
                                     "key", NULL, 0, tls, sizeof(tls)),
              TERN_OK);
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, TERN_HKDF_PREFIX_DTLS13, prk, sizeof(prk),
                                     "key", NULL, 0, dtls, sizeof(dtls)),
              TERN_OK);
    CHECK_INT(tern_hkdf_expand(TERN_HASH_SHA256, prk, sizeof(prk), info, sizeof(info), by_hand,
                               sizeof(by_hand)),
              TERN_OK);
    CHECK_MEM(dtls, by_hand, sizeof(dtls));
    CHECK(memcmp(tls, dtls, sizeof(tls)) != 0);
    CHECK_INT(strlen(TERN_HKDF_PREFIX_DTLS13), 6);
    CHECK_INT(strlen(TERN_HKDF_PREFIX_TLS13), 6);
}

static void expand_label_errors(void)
{
    uint8_t prk[48] = {1};
    uint8_t out[255 * 48 + 1];
    char long_label[256];
    memset(long_label, 'a', sizeof(long_label) - 1);
    long_label[sizeof(long_label) - 1] = '\0';
    /* Unknown hash. */
    CHECK_INT(tern_hkdf_expand_label(0, TERN_HKDF_PREFIX_TLS13, prk, 32, "key", NULL, 0, out, 16),
              TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand_label(3, TERN_HKDF_PREFIX_TLS13, prk, 32, "key", NULL, 0, out, 16),
              TERN_ERR_ARG);
    /* A prefix that is not six bytes. */
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, "tls13", prk, 32, "key", NULL, 0, out, 16),
              TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, "dtls13 ", prk, 32, "key", NULL, 0, out, 16),
              TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, "", prk, 32, "key", NULL, 0, out, 16),
              TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, NULL, prk, 32, "key", NULL, 0, out, 16),
              TERN_ERR_ARG);
    /* Label longer than the 255 bytes HkdfLabel.label can hold (with the prefix). */
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, TERN_HKDF_PREFIX_TLS13, prk, 32, long_label,
                                     NULL, 0, out, 16),
              TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, TERN_HKDF_PREFIX_TLS13, prk, 32, NULL, NULL,
                                     0, out, 16),
              TERN_ERR_ARG);
    /* Context longer than 255 bytes, or NULL with a length. */
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, TERN_HKDF_PREFIX_TLS13, prk, 32, "key", out,
                                     256, out, 16),
              TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, TERN_HKDF_PREFIX_TLS13, prk, 32, "key", NULL,
                                     1, out, 16),
              TERN_ERR_ARG);
    /* Output longer than 255 * HashLen. */
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, TERN_HKDF_PREFIX_TLS13, prk, 32, "key", NULL,
                                     0, out, 255 * 32 + 1),
              TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA384, TERN_HKDF_PREFIX_TLS13, prk, 48, "key", NULL,
                                     0, out, 255 * 48 + 1),
              TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA384, TERN_HKDF_PREFIX_DTLS13, prk, 48, "key",
                                     NULL, 0, out, 255 * 48),
              TERN_OK);
}

/* RFC 8446 section 7.1: opaque label<7..255>, so the label after the
 * six-byte prefix is 1..249 bytes. */
static void expand_label_label_bounds(void)
{
    uint8_t secret[32] = {1};
    uint8_t out[16];
    char long_label[251];
    memset(long_label, 'a', sizeof(long_label) - 1);
    long_label[250] = '\0';
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, TERN_HKDF_PREFIX_TLS13, secret, 32, "", NULL,
                                     0, out, sizeof(out)),
              TERN_ERR_ARG);
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, TERN_HKDF_PREFIX_TLS13, secret, 32,
                                     long_label + 1, NULL, 0, out, sizeof(out)),
              TERN_OK);
    CHECK_INT(tern_hkdf_expand_label(TERN_HASH_SHA256, TERN_HKDF_PREFIX_TLS13, secret, 32,
                                     long_label, NULL, 0, out, sizeof(out)),
              TERN_ERR_ARG);
}

TEST_MAIN(T(expand_label_label_bounds), T(prf_sha256_tls_wg_vector), T(prf_sha384_tls_wg_vector),
          T(prf_errors), T(hkdf_rfc5869_tc1), T(hkdf_rfc5869_tc2), T(hkdf_rfc5869_tc3),
          T(hkdf_rfc5869_tc3_zero_salt), T(hkdf_errors), T(tls13_rfc8448_extract_early),
          T(tls13_rfc8448_derived_for_handshake), T(tls13_rfc8448_extract_handshake),
          T(tls13_rfc8448_c_hs_traffic), T(tls13_rfc8448_s_hs_traffic),
          T(tls13_rfc8448_derived_for_master), T(tls13_rfc8448_extract_master),
          T(tls13_rfc8448_server_hs_key_iv), T(tls13_rfc8448_client_hs_key_iv),
          T(tls13_rfc8448_c_ap_traffic), T(tls13_rfc8448_s_ap_traffic), T(tls13_rfc8448_exp_master),
          T(tls13_rfc8448_server_ap_key_iv), T(tls13_rfc8448_client_ap_key_iv),
          T(tls13_rfc8448_res_master), T(tls13_rfc8448_key_info_bytes), T(dtls13_prefix_label),
          T(expand_label_errors))
