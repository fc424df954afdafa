/* Known-answer tests for SHA-256, SHA-384 and HMAC (src/crypto/hash.h).
 *
 * Digests are from FIPS 180-2 (Secure Hash Standard, 2002), whose appendices
 * B (SHA-256) and D (SHA-384) work the examples "abc", the 448-bit / 896-bit
 * two-block messages and one million 'a'; the empty-message digests are the
 * Len = 0 entries of the NIST CAVP SHA256ShortMsg.rsp / SHA384ShortMsg.rsp
 * byte-oriented test vectors. HMAC values are from RFC 4231 section 4. */
#include <string.h>

#include <tern/err.h>

#include "crypto/hash.h"
#include "test.h"

/* FIPS 180-2 appendix B.2: the 448-bit message (56 bytes). */
static const char g_msg448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
/* FIPS 180-2 appendix D.2: the 896-bit message (112 bytes). */
static const char g_msg896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                               "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

#define SHA256_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA256_448 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
#define SHA384_ABC                                                                                 \
    "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"                                             \
    "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
#define SHA384_896                                                                                 \
    "09330c33f71147e83d192fc782cd1b4753111b173b3b05d2"                                             \
    "2fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039"

/* Hashes msg one-shot, in one update, byte by byte, and split in two at every
 * position, and expects the published digest each time. */
static void check_digest(int alg, const void *msg, size_t len, const char *want_hex)
{
    uint8_t want[TERN_HASH_MAX_LEN];
    uint8_t got[TERN_HASH_MAX_LEN];
    size_t hlen = test_unhex(want_hex, want, sizeof(want));
    /* msg may be NULL for the empty message; pointer arithmetic needs an object. */
    const uint8_t *p = msg != NULL ? (const uint8_t *)msg : (const uint8_t *)"";
    CHECK_INT(hlen, tern_hash_len(alg));

    memset(got, 0, sizeof(got));
    CHECK_INT(tern_hash_oneshot(alg, msg, len, got), TERN_OK);
    CHECK_MEM(got, want, hlen);

    struct tern_hash h;
    CHECK_INT(tern_hash_init(&h, alg), TERN_OK);
    CHECK_INT(tern_hash_update(&h, msg, len), TERN_OK);
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_hash_peek(&h, got), TERN_OK);
    CHECK_MEM(got, want, hlen);
    tern_hash_clear(&h);

    CHECK_INT(tern_hash_init(&h, alg), TERN_OK);
    for (size_t i = 0; i < len; i++) {
        CHECK_INT(tern_hash_update(&h, p + i, 1), TERN_OK);
    }
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_hash_peek(&h, got), TERN_OK);
    CHECK_MEM(got, want, hlen);
    tern_hash_clear(&h);

    for (size_t split = 0; split <= len; split++) {
        CHECK_INT(tern_hash_init(&h, alg), TERN_OK);
        CHECK_INT(tern_hash_update(&h, p, split), TERN_OK);
        CHECK_INT(tern_hash_update(&h, p + split, len - split), TERN_OK);
        memset(got, 0, sizeof(got));
        CHECK_INT(tern_hash_peek(&h, got), TERN_OK);
        CHECK_MEM(got, want, hlen);
        tern_hash_clear(&h);
    }
}

/* One million 'a' fed in uneven pieces (1 to 997 bytes), so that pieces
 * straddle the block boundaries in every way. */
static void check_million_a(int alg, const char *want_hex)
{
    static uint8_t a[1000];
    uint8_t want[TERN_HASH_MAX_LEN];
    uint8_t got[TERN_HASH_MAX_LEN];
    size_t hlen = test_unhex(want_hex, want, sizeof(want));
    memset(a, 'a', sizeof(a));
    struct tern_hash h;
    CHECK_INT(tern_hash_init(&h, alg), TERN_OK);
    size_t left = 1000000;
    size_t piece = 1;
    while (left > 0) {
        size_t n = piece < left ? piece : left;
        CHECK_INT(tern_hash_update(&h, a, n), TERN_OK);
        left -= n;
        piece = piece % 997 + 1;
    }
    CHECK_INT(tern_hash_peek(&h, got), TERN_OK);
    CHECK_MEM(got, want, hlen);
    tern_hash_clear(&h);
}

/* FIPS 180-2 appendix B.1 (SHA-256 example, one-block message "abc"). */
static void sha256_fips180_2_b1_abc(void)
{
    check_digest(TERN_HASH_SHA256, "abc", 3, SHA256_ABC);
}

/* FIPS 180-2 appendix B.2 (SHA-256 example, multi-block 448-bit message). */
static void sha256_fips180_2_b2_448bit(void)
{
    check_digest(TERN_HASH_SHA256, g_msg448, sizeof(g_msg448) - 1, SHA256_448);
}

/* FIPS 180-2 appendix B.3 (SHA-256 example, long message: one million 'a'). */
static void sha256_fips180_2_b3_million_a(void)
{
    check_million_a(TERN_HASH_SHA256,
                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* NIST CAVP SHA256ShortMsg.rsp (byte-oriented SHAVS vectors), Len = 0. */
static void sha256_cavp_empty(void)
{
    check_digest(TERN_HASH_SHA256, NULL, 0,
                 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* FIPS 180-2 appendix D.1 (SHA-384 example, one-block message "abc"). */
static void sha384_fips180_2_d1_abc(void)
{
    check_digest(TERN_HASH_SHA384, "abc", 3, SHA384_ABC);
}

/* FIPS 180-2 appendix D.2 (SHA-384 example, multi-block 896-bit message). */
static void sha384_fips180_2_d2_896bit(void)
{
    check_digest(TERN_HASH_SHA384, g_msg896, sizeof(g_msg896) - 1, SHA384_896);
}

/* FIPS 180-2 appendix D.3 (SHA-384 example, long message: one million 'a'). */
static void sha384_fips180_2_d3_million_a(void)
{
    check_million_a(TERN_HASH_SHA384, "9d0e1809716474cb086e834e310a4a1ced149e9c00f24852"
                                      "7972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985");
}

/* NIST CAVP SHA384ShortMsg.rsp (byte-oriented SHAVS vectors), Len = 0. */
static void sha384_cavp_empty(void)
{
    check_digest(TERN_HASH_SHA384, NULL, 0,
                 "38b060a751ac96384cd9327eb1b1e36a21fdb71114be0743"
                 "4c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");
}

/* Both FIPS 180-2 two-block messages begin with "abc": a transcript hash
 * peeked after "abc" gives the B.1 / D.1 digest, keeps running, and after the
 * rest of the message gives the B.2 / D.2 digest. */
static void check_peek(int alg, const char *msg, const char *abc_hex, const char *full_hex)
{
    uint8_t abc[TERN_HASH_MAX_LEN];
    uint8_t full[TERN_HASH_MAX_LEN];
    uint8_t got[TERN_HASH_MAX_LEN];
    size_t hlen = test_unhex(abc_hex, abc, sizeof(abc));
    test_unhex(full_hex, full, sizeof(full));
    struct tern_hash h;
    CHECK_INT(tern_hash_init(&h, alg), TERN_OK);
    CHECK_INT(tern_hash_update(&h, msg, 3), TERN_OK);
    CHECK_INT(tern_hash_peek(&h, got), TERN_OK);
    CHECK_MEM(got, abc, hlen);
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_hash_peek(&h, got), TERN_OK); /* a second peek: same answer */
    CHECK_MEM(got, abc, hlen);
    CHECK_INT(tern_hash_update(&h, msg + 3, strlen(msg) - 3), TERN_OK);
    CHECK_INT(tern_hash_peek(&h, got), TERN_OK);
    CHECK_MEM(got, full, hlen);
    tern_hash_clear(&h);
}

static void peek_leaves_sha256_running(void)
{
    check_peek(TERN_HASH_SHA256, g_msg448, SHA256_ABC, SHA256_448);
}

static void peek_leaves_sha384_running(void)
{
    check_peek(TERN_HASH_SHA384, g_msg896, SHA384_ABC, SHA384_896);
}

/* A copy taken after "abc" and the original then evolve independently. */
static void check_copy(int alg, const char *msg, const char *abc_hex, const char *full_hex)
{
    uint8_t abc[TERN_HASH_MAX_LEN];
    uint8_t full[TERN_HASH_MAX_LEN];
    uint8_t got[TERN_HASH_MAX_LEN];
    size_t hlen = test_unhex(abc_hex, abc, sizeof(abc));
    test_unhex(full_hex, full, sizeof(full));
    struct tern_hash h;
    struct tern_hash c;
    CHECK_INT(tern_hash_init(&h, alg), TERN_OK);
    CHECK_INT(tern_hash_update(&h, msg, 3), TERN_OK);
    memset(&c, 0, sizeof(c));
    CHECK_INT(tern_hash_copy(&c, &h), TERN_OK);
    CHECK(c.ctx != NULL && c.ctx != h.ctx);
    CHECK_INT(c.alg, alg);

    /* The original moves on; the copy still holds "abc". */
    CHECK_INT(tern_hash_update(&h, msg + 3, strlen(msg) - 3), TERN_OK);
    CHECK_INT(tern_hash_peek(&h, got), TERN_OK);
    CHECK_MEM(got, full, hlen);
    CHECK_INT(tern_hash_peek(&c, got), TERN_OK);
    CHECK_MEM(got, abc, hlen);

    /* The original is gone; the copy finishes the message on its own. */
    tern_hash_clear(&h);
    CHECK_INT(tern_hash_update(&c, msg + 3, strlen(msg) - 3), TERN_OK);
    CHECK_INT(tern_hash_peek(&c, got), TERN_OK);
    CHECK_MEM(got, full, hlen);
    tern_hash_clear(&c);
}

static void copy_sha256_is_independent(void)
{
    check_copy(TERN_HASH_SHA256, g_msg448, SHA256_ABC, SHA256_448);
}

static void copy_sha384_is_independent(void)
{
    check_copy(TERN_HASH_SHA384, g_msg896, SHA384_ABC, SHA384_896);
}

static void hash_errors(void)
{
    uint8_t out[TERN_HASH_MAX_LEN];
    CHECK_INT(tern_hash_len(TERN_HASH_SHA256), 32);
    CHECK_INT(tern_hash_len(TERN_HASH_SHA384), 48);
    CHECK_INT(tern_hash_len(0), 0);
    CHECK_INT(tern_hash_len(3), 0);
    CHECK_INT(tern_hash_oneshot(0, "abc", 3, out), TERN_ERR_ARG);
    CHECK_INT(tern_hash_oneshot(3, "abc", 3, out), TERN_ERR_ARG);
    CHECK_INT(tern_hash_oneshot(TERN_HASH_SHA256, NULL, 1, out), TERN_ERR_ARG);
    CHECK_INT(tern_hash_oneshot(TERN_HASH_SHA256, "abc", 3, NULL), TERN_ERR_ARG);

    struct tern_hash h;
    CHECK_INT(tern_hash_init(&h, 3), TERN_ERR_ARG);
    CHECK(h.ctx == NULL);
    CHECK_INT(tern_hash_init(NULL, TERN_HASH_SHA256), TERN_ERR_ARG);
    /* A cleared (or zeroed) hash refuses every operation. */
    CHECK_INT(tern_hash_update(&h, "abc", 3), TERN_ERR_STATE);
    CHECK_INT(tern_hash_peek(&h, out), TERN_ERR_STATE);
    struct tern_hash c;
    memset(&c, 0, sizeof(c));
    CHECK_INT(tern_hash_copy(&c, &h), TERN_ERR_STATE);
    CHECK(c.ctx == NULL);
    CHECK_INT(tern_hash_update(NULL, "abc", 3), TERN_ERR_STATE);
    tern_hash_clear(&h);
    tern_hash_clear(NULL);
}

/* ---- HMAC: RFC 4231 section 4 ------------------------------------------- */

/* Checks HMAC(key, data) against the published value, first mac_len bytes
 * (all of it except for test case 5), with the one-shot call and with a
 * prepared key. */
static void check_hmac(int alg, const uint8_t *key, size_t key_len, const void *data,
                       size_t data_len, const char *mac_hex)
{
    uint8_t want[TERN_HASH_MAX_LEN];
    uint8_t got[TERN_HASH_MAX_LEN];
    size_t mac_len = test_unhex(mac_hex, want, sizeof(want));
    CHECK(mac_len <= tern_hash_len(alg));

    memset(got, 0, sizeof(got));
    CHECK_INT(tern_hmac_oneshot(alg, key, key_len, data, data_len, got), TERN_OK);
    CHECK_MEM(got, want, mac_len);

    struct tern_hmac m;
    struct tern_span part = {data, data_len};
    CHECK_INT(tern_hmac_init(&m, alg, key, key_len), TERN_OK);
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_hmac_compute(&m, &part, 1, got), TERN_OK);
    CHECK_MEM(got, want, mac_len);
    tern_hmac_clear(&m);
    CHECK(m.ctx == NULL);
}

/* RFC 4231 4.2 (test case 1): key = 0x0b x 20, data = "Hi There". */
static void check_rfc4231_tc1(int alg, const char *mac)
{
    uint8_t key[20];
    memset(key, 0x0b, sizeof(key));
    check_hmac(alg, key, sizeof(key), "Hi There", 8, mac);
}

/* RFC 4231 4.3 (test case 2): key = "Jefe", data = "what do ya want for nothing?". */
static void check_rfc4231_tc2(int alg, const char *mac)
{
    static const char data[] = "what do ya want for nothing?";
    check_hmac(alg, (const uint8_t *)"Jefe", 4, data, sizeof(data) - 1, mac);
}

/* RFC 4231 4.4 (test case 3): key = 0xaa x 20, data = 0xdd x 50. */
static void check_rfc4231_tc3(int alg, const char *mac)
{
    uint8_t key[20];
    uint8_t data[50];
    memset(key, 0xaa, sizeof(key));
    memset(data, 0xdd, sizeof(data));
    check_hmac(alg, key, sizeof(key), data, sizeof(data), mac);
}

/* RFC 4231 4.5 (test case 4): key = 0x01 0x02 ... 0x19, data = 0xcd x 50. */
static void check_rfc4231_tc4(int alg, const char *mac)
{
    uint8_t key[25];
    uint8_t data[50];
    test_unhex("0102030405060708090a0b0c0d0e0f10111213141516171819", key, sizeof(key));
    memset(data, 0xcd, sizeof(data));
    check_hmac(alg, key, sizeof(key), data, sizeof(data), mac);
}

/* RFC 4231 4.6 (test case 5): key = 0x0c x 20, data = "Test With Truncation";
 * the RFC publishes only the first 128 bits, which are compared here. */
static void check_rfc4231_tc5(int alg, const char *mac_prefix)
{
    uint8_t key[20];
    memset(key, 0x0c, sizeof(key));
    check_hmac(alg, key, sizeof(key), "Test With Truncation", 20, mac_prefix);
}

static const char g_tc6_data[] = "Test Using Larger Than Block-Size Key - Hash Key First";
static const char g_tc7_data[] =
    "This is a test using a larger than block-size key and a larger than block-size data. The "
    "key needs to be hashed before being used by the HMAC algorithm.";

/* RFC 4231 4.7 (test case 6): key = 0xaa x 131, data = g_tc6_data. */
static void check_rfc4231_tc6(int alg, const char *mac)
{
    uint8_t key[131];
    memset(key, 0xaa, sizeof(key));
    check_hmac(alg, key, sizeof(key), g_tc6_data, sizeof(g_tc6_data) - 1, mac);
}

/* RFC 4231 4.8 (test case 7): key = 0xaa x 131, data = g_tc7_data. */
static void check_rfc4231_tc7(int alg, const char *mac)
{
    uint8_t key[131];
    memset(key, 0xaa, sizeof(key));
    check_hmac(alg, key, sizeof(key), g_tc7_data, sizeof(g_tc7_data) - 1, mac);
}

#define TC6_SHA256 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
#define TC7_SHA256 "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
#define TC6_SHA384                                                                                 \
    "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f"                                             \
    "3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952"
#define TC7_SHA384                                                                                 \
    "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9a"                                             \
    "dccebb82461e99c5a678cc31e799176d3860e6110c46523e"

/* RFC 4231 section 4.2, test case 1, HMAC-SHA-256. */
static void hmac_sha256_rfc4231_tc1(void)
{
    check_rfc4231_tc1(TERN_HASH_SHA256,
                      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

/* RFC 4231 section 4.3, test case 2, HMAC-SHA-256. */
static void hmac_sha256_rfc4231_tc2(void)
{
    check_rfc4231_tc2(TERN_HASH_SHA256,
                      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

/* RFC 4231 section 4.4, test case 3, HMAC-SHA-256. */
static void hmac_sha256_rfc4231_tc3(void)
{
    check_rfc4231_tc3(TERN_HASH_SHA256,
                      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
}

/* RFC 4231 section 4.5, test case 4, HMAC-SHA-256. */
static void hmac_sha256_rfc4231_tc4(void)
{
    check_rfc4231_tc4(TERN_HASH_SHA256,
                      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

/* RFC 4231 section 4.6, test case 5, HMAC-SHA-256 (published 128-bit prefix). */
static void hmac_sha256_rfc4231_tc5_prefix(void)
{
    check_rfc4231_tc5(TERN_HASH_SHA256, "a3b6167473100ee06e0c796c2955552b");
}

/* RFC 4231 section 4.7, test case 6, HMAC-SHA-256. */
static void hmac_sha256_rfc4231_tc6(void)
{
    check_rfc4231_tc6(TERN_HASH_SHA256, TC6_SHA256);
}

/* RFC 4231 section 4.8, test case 7, HMAC-SHA-256. */
static void hmac_sha256_rfc4231_tc7(void)
{
    check_rfc4231_tc7(TERN_HASH_SHA256, TC7_SHA256);
}

/* RFC 4231 section 4.2, test case 1, HMAC-SHA-384. */
static void hmac_sha384_rfc4231_tc1(void)
{
    check_rfc4231_tc1(TERN_HASH_SHA384, "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec6"
                                        "82aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6");
}

/* RFC 4231 section 4.3, test case 2, HMAC-SHA-384. */
static void hmac_sha384_rfc4231_tc2(void)
{
    check_rfc4231_tc2(TERN_HASH_SHA384, "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47"
                                        "e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649");
}

/* RFC 4231 section 4.4, test case 3, HMAC-SHA-384. */
static void hmac_sha384_rfc4231_tc3(void)
{
    check_rfc4231_tc3(TERN_HASH_SHA384, "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9feb"
                                        "e83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27");
}

/* RFC 4231 section 4.5, test case 4, HMAC-SHA-384. */
static void hmac_sha384_rfc4231_tc4(void)
{
    check_rfc4231_tc4(TERN_HASH_SHA384, "3e8a69b7783c25851933ab6290af6ca77a9981480850009c"
                                        "c5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb");
}

/* RFC 4231 section 4.6, test case 5, HMAC-SHA-384 (published 128-bit prefix). */
static void hmac_sha384_rfc4231_tc5_prefix(void)
{
    check_rfc4231_tc5(TERN_HASH_SHA384, "3abf34c3503b2a23a46efc619baef897");
}

/* RFC 4231 section 4.7, test case 6, HMAC-SHA-384. */
static void hmac_sha384_rfc4231_tc6(void)
{
    check_rfc4231_tc6(TERN_HASH_SHA384, TC6_SHA384);
}

/* RFC 4231 section 4.8, test case 7, HMAC-SHA-384. */
static void hmac_sha384_rfc4231_tc7(void)
{
    check_rfc4231_tc7(TERN_HASH_SHA384, TC7_SHA384);
}

/* RFC 4231 test case 7 with its data cut into several spans (one of them
 * empty) gives the same MAC as one span. */
static void check_hmac_spans(int alg, const char *mac_hex)
{
    uint8_t key[131];
    uint8_t want[TERN_HASH_MAX_LEN];
    uint8_t got[TERN_HASH_MAX_LEN];
    size_t mac_len = test_unhex(mac_hex, want, sizeof(want));
    const uint8_t *d = (const uint8_t *)g_tc7_data;
    size_t len = sizeof(g_tc7_data) - 1;
    memset(key, 0xaa, sizeof(key));
    struct tern_span parts[5] = {
        {d, 1}, {d + 1, 0}, {d + 1, 63}, {d + 64, 64}, {d + 128, len - 128},
    };
    struct tern_hmac m;
    CHECK_INT(tern_hmac_init(&m, alg, key, sizeof(key)), TERN_OK);
    CHECK_INT(tern_hmac_compute(&m, parts, 5, got), TERN_OK);
    CHECK_MEM(got, want, mac_len);
    tern_hmac_clear(&m);
}

static void hmac_sha256_spans_equal_one_span(void)
{
    check_hmac_spans(TERN_HASH_SHA256, TC7_SHA256);
}

static void hmac_sha384_spans_equal_one_span(void)
{
    check_hmac_spans(TERN_HASH_SHA384, TC7_SHA384);
}

/* RFC 4231 test cases 6 and 7 share their key: one prepared key gives both
 * published MACs, in either order, more than once. */
static void check_hmac_reuse(int alg, const char *tc6_hex, const char *tc7_hex)
{
    uint8_t key[131];
    uint8_t tc6[TERN_HASH_MAX_LEN];
    uint8_t tc7[TERN_HASH_MAX_LEN];
    uint8_t got[TERN_HASH_MAX_LEN];
    size_t mac_len = test_unhex(tc6_hex, tc6, sizeof(tc6));
    test_unhex(tc7_hex, tc7, sizeof(tc7));
    memset(key, 0xaa, sizeof(key));
    struct tern_span m6 = {(const uint8_t *)g_tc6_data, sizeof(g_tc6_data) - 1};
    struct tern_span m7 = {(const uint8_t *)g_tc7_data, sizeof(g_tc7_data) - 1};
    struct tern_hmac m;
    CHECK_INT(tern_hmac_init(&m, alg, key, sizeof(key)), TERN_OK);
    for (int round = 0; round < 2; round++) {
        CHECK_INT(tern_hmac_compute(&m, &m6, 1, got), TERN_OK);
        CHECK_MEM(got, tc6, mac_len);
        CHECK_INT(tern_hmac_compute(&m, &m7, 1, got), TERN_OK);
        CHECK_MEM(got, tc7, mac_len);
    }
    tern_hmac_clear(&m);
}

static void hmac_sha256_reuse(void)
{
    check_hmac_reuse(TERN_HASH_SHA256, TC6_SHA256, TC7_SHA256);
}

static void hmac_sha384_reuse(void)
{
    check_hmac_reuse(TERN_HASH_SHA384, TC6_SHA384, TC7_SHA384);
}

static void hmac_errors(void)
{
    uint8_t out[TERN_HASH_MAX_LEN];
    struct tern_hmac m;
    CHECK_INT(tern_hmac_init(&m, 0, (const uint8_t *)"Jefe", 4), TERN_ERR_ARG);
    CHECK(m.ctx == NULL);
    CHECK_INT(tern_hmac_init(&m, 3, (const uint8_t *)"Jefe", 4), TERN_ERR_ARG);
    CHECK_INT(tern_hmac_init(&m, TERN_HASH_SHA256, NULL, 4), TERN_ERR_ARG);
    CHECK_INT(tern_hmac_init(NULL, TERN_HASH_SHA256, (const uint8_t *)"Jefe", 4), TERN_ERR_ARG);
    CHECK_INT(tern_hmac_oneshot(3, (const uint8_t *)"Jefe", 4, "x", 1, out), TERN_ERR_ARG);
    /* A cleared (zeroed) HMAC refuses to compute. */
    struct tern_span part = {(const uint8_t *)"x", 1};
    CHECK_INT(tern_hmac_compute(&m, &part, 1, out), TERN_ERR_STATE);
    CHECK_INT(tern_hmac_compute(NULL, &part, 1, out), TERN_ERR_STATE);
    /* An empty key is a valid HMAC key. */
    CHECK_INT(tern_hmac_init(&m, TERN_HASH_SHA256, NULL, 0), TERN_OK);
    CHECK_INT(tern_hmac_compute(&m, &part, 1, out), TERN_OK);
    tern_hmac_clear(&m);
    CHECK_INT(tern_hmac_compute(&m, &part, 1, out), TERN_ERR_STATE);
    tern_hmac_clear(NULL);
}

TEST_MAIN(T(sha256_fips180_2_b1_abc), T(sha256_fips180_2_b2_448bit),
          T(sha256_fips180_2_b3_million_a), T(sha256_cavp_empty), T(sha384_fips180_2_d1_abc),
          T(sha384_fips180_2_d2_896bit), T(sha384_fips180_2_d3_million_a), T(sha384_cavp_empty),
          T(peek_leaves_sha256_running), T(peek_leaves_sha384_running),
          T(copy_sha256_is_independent), T(copy_sha384_is_independent), T(hash_errors),
          T(hmac_sha256_rfc4231_tc1), T(hmac_sha256_rfc4231_tc2), T(hmac_sha256_rfc4231_tc3),
          T(hmac_sha256_rfc4231_tc4), T(hmac_sha256_rfc4231_tc5_prefix), T(hmac_sha256_rfc4231_tc6),
          T(hmac_sha256_rfc4231_tc7), T(hmac_sha384_rfc4231_tc1), T(hmac_sha384_rfc4231_tc2),
          T(hmac_sha384_rfc4231_tc3), T(hmac_sha384_rfc4231_tc4), T(hmac_sha384_rfc4231_tc5_prefix),
          T(hmac_sha384_rfc4231_tc6), T(hmac_sha384_rfc4231_tc7),
          T(hmac_sha256_spans_equal_one_span), T(hmac_sha384_spans_equal_one_span),
          T(hmac_sha256_reuse), T(hmac_sha384_reuse), T(hmac_errors))
