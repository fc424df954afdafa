/* Known-answer and validation tests for the ephemeral key exchange
 * (src/crypto/kex.h).
 *
 * X25519: RFC 7748 section 5.2 (scalar multiplication, through
 * tern_kex_from_private + tern_kex_derive, which computes X25519(k, u) for any
 * u) and section 6.1 (the Alice/Bob exchange), and the X25519 pair of the
 * RFC 8448 section 3 trace. P-256 / P-384: RFC 5903 section 8 (i, g^i, r, g^r,
 * g^ir; the shared secret is the x-coordinate of g^ir) and the NIST CAVP
 * "ECC CDH Primitive" vectors (KAS_ECC_CDH_PrimitiveTest.txt, SP 800-56A
 * section 5.7.1.2). The curve generators and orders are those of FIPS 186-4
 * appendix D.1.2.3 and D.1.2.4. */
#include <string.h>

#include <tern/err.h>

#include "crypto/kex.h"
#include "crypto/rng.h"
#include "test.h"

#define MAX_HEX_BYTES 128

/* from_private(priv) must give the published wire public value. */
static void check_pub(int group, const char *priv_hex, const char *pub_hex)
{
    uint8_t priv[TERN_KEX_MAX_PRIV_LEN];
    uint8_t want[TERN_KEX_MAX_PUB_LEN];
    size_t priv_len = test_unhex(priv_hex, priv, sizeof(priv));
    size_t pub_len = test_unhex(pub_hex, want, sizeof(want));
    struct tern_kex k;
    CHECK_INT(tern_kex_from_private(&k, group, priv, priv_len), TERN_OK);
    CHECK_INT(k.group, group);
    CHECK_INT(k.pub_len, pub_len);
    CHECK_INT(k.pub_len, tern_kex_pub_len(group));
    CHECK_INT(k.priv_len, priv_len);
    CHECK_MEM(k.pub, want, pub_len);
    CHECK_MEM(k.priv, priv, priv_len);
    tern_kex_clear(&k);
}

/* from_private(priv) then derive(peer) must give the published secret. */
static void check_shared(int group, const char *priv_hex, const char *peer_hex,
                         const char *secret_hex)
{
    uint8_t priv[TERN_KEX_MAX_PRIV_LEN];
    uint8_t peer[TERN_KEX_MAX_PUB_LEN];
    uint8_t want[TERN_KEX_MAX_SECRET_LEN];
    uint8_t got[TERN_KEX_MAX_SECRET_LEN];
    size_t priv_len = test_unhex(priv_hex, priv, sizeof(priv));
    size_t peer_len = test_unhex(peer_hex, peer, sizeof(peer));
    size_t secret_len = test_unhex(secret_hex, want, sizeof(want));
    struct tern_kex k;
    size_t got_len = 0;
    CHECK_INT(tern_kex_from_private(&k, group, priv, priv_len), TERN_OK);
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_kex_derive(&k, peer, peer_len, got, &got_len), TERN_OK);
    CHECK_INT(got_len, secret_len);
    CHECK_INT(got_len, tern_kex_secret_len(group));
    CHECK_MEM(got, want, secret_len);
    tern_kex_clear(&k);
}

/* derive(peer) must fail with TERN_ERR_BAD_KEY_SHARE and leave no secret behind. */
static void check_bad_share(const struct tern_kex *k, const uint8_t *peer, size_t peer_len)
{
    uint8_t out[TERN_KEX_MAX_SECRET_LEN];
    size_t out_len = 12345;
    memset(out, 0xa5, sizeof(out));
    CHECK_INT(tern_kex_derive(k, peer, peer_len, out, &out_len), TERN_ERR_BAD_KEY_SHARE);
    CHECK_INT(out_len, 12345);
    /* Whatever was written is wiped: no byte other than the caller's fill or zero. */
    for (size_t i = 0; i < tern_kex_secret_len(k->group); i++) {
        CHECK(out[i] == 0xa5 || out[i] == 0x00);
    }
}

static void check_bad_share_hex(const struct tern_kex *k, const char *peer_hex)
{
    uint8_t peer[MAX_HEX_BYTES];
    size_t peer_len = test_unhex(peer_hex, peer, sizeof(peer));
    check_bad_share(k, peer, peer_len);
}

/* ---- X25519 --------------------------------------------------------------- */

/* RFC 7748 section 5.2, X25519, first "Input scalar / Input u-coordinate /
 * Output u-coordinate" vector. */
static void x25519_rfc7748_5_2_vector1(void)
{
    check_shared(TERN_GROUP_X25519,
                 "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                 "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
                 "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
}

/* RFC 7748 section 5.2, X25519, second vector (its u has the top bit set,
 * which RFC 7748 section 5 says to mask). */
static void x25519_rfc7748_5_2_vector2(void)
{
    check_shared(TERN_GROUP_X25519,
                 "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                 "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
                 "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

/* RFC 7748 section 5.2, the iterated test: k = u = 9, then k, u = X25519(k, u), k.
 * "After one iteration" is also X25519(9, 9), i.e. the public key of scalar 9. */
static void x25519_rfc7748_5_2_iterated(void)
{
    uint8_t k[32] = {9};
    uint8_t u[32] = {9};
    uint8_t after1[32];
    uint8_t after1000[32];
    test_unhex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", after1,
               sizeof(after1));
    test_unhex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", after1000,
               sizeof(after1000));
    check_pub(TERN_GROUP_X25519, "0900000000000000000000000000000000000000000000000000000000000000",
              "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
    for (int i = 1; i <= 1000; i++) {
        struct tern_kex kx;
        uint8_t next[32];
        size_t len = 0;
        CHECK_INT(tern_kex_from_private(&kx, TERN_GROUP_X25519, k, sizeof(k)), TERN_OK);
        CHECK_INT(tern_kex_derive(&kx, u, sizeof(u), next, &len), TERN_OK);
        tern_kex_clear(&kx);
        memcpy(u, k, sizeof(u));
        memcpy(k, next, sizeof(k));
        if (i == 1) {
            CHECK_MEM(k, after1, sizeof(k));
        }
    }
    CHECK_MEM(k, after1000, sizeof(k));
}

#define ALICE_PRIV "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
#define ALICE_PUB  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
#define BOB_PRIV   "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
#define BOB_PUB    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
#define ALICE_BOB  "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"

/* RFC 7748 section 6.1: Alice's and Bob's public keys X25519(a, 9), X25519(b, 9). */
static void x25519_rfc7748_6_1_public_keys(void)
{
    check_pub(TERN_GROUP_X25519, ALICE_PRIV, ALICE_PUB);
    check_pub(TERN_GROUP_X25519, BOB_PRIV, BOB_PUB);
}

/* RFC 7748 section 6.1: the shared secret K, computed by both sides. */
static void x25519_rfc7748_6_1_shared_secret(void)
{
    check_shared(TERN_GROUP_X25519, ALICE_PRIV, BOB_PUB, ALICE_BOB);
    check_shared(TERN_GROUP_X25519, BOB_PRIV, ALICE_PUB, ALICE_BOB);
}

/* RFC 8448 section 3, "{client} create an ephemeral x25519 key pair",
 * "{server} create an ephemeral x25519 key pair", and the shared secret (the
 * IKM of "{server} extract secret "handshake""). */
static void x25519_rfc8448_simple_1rtt(void)
{
    static const char client_priv[] =
        "49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005";
    static const char client_pub[] =
        "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c";
    static const char server_priv[] =
        "b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e";
    static const char server_pub[] =
        "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f";
    static const char shared[] = "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d";
    check_pub(TERN_GROUP_X25519, client_priv, client_pub);
    check_pub(TERN_GROUP_X25519, server_priv, server_pub);
    check_shared(TERN_GROUP_X25519, client_priv, server_pub, shared);
    check_shared(TERN_GROUP_X25519, server_priv, client_pub, shared);
}

/* RFC 7748 section 6.1: an all-zero X25519 output must be refused. These are
 * the u-coordinates that give it for every clamped scalar, as listed by
 * D. J. Bernstein, https://cr.yp.to/ecdh.html ("How do I validate Curve25519
 * public keys?"): 0, 1, the two points of order 8, p - 1 (order 2), and the
 * non-canonical p and p + 1. */
static void x25519_small_order_points(void)
{
    static const char *const points[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    };
    uint8_t priv[32];
    test_unhex(ALICE_PRIV, priv, sizeof(priv));
    struct tern_kex k;
    CHECK_INT(tern_kex_from_private(&k, TERN_GROUP_X25519, priv, sizeof(priv)), TERN_OK);
    for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
        check_bad_share_hex(&k, points[i]);
    }
    tern_kex_clear(&k);
}

static void x25519_bad_lengths(void)
{
    uint8_t priv[32];
    uint8_t peer[33];
    test_unhex(ALICE_PRIV, priv, sizeof(priv));
    test_unhex(BOB_PUB "00", peer, sizeof(peer));
    struct tern_kex k;
    CHECK_INT(tern_kex_from_private(&k, TERN_GROUP_X25519, priv, sizeof(priv)), TERN_OK);
    check_bad_share(&k, peer, 31);
    check_bad_share(&k, peer, 33);
    check_bad_share(&k, peer, 1);
    check_bad_share(&k, NULL, 0);
    tern_kex_clear(&k);
    /* A private value of the wrong length. */
    CHECK_INT(tern_kex_from_private(&k, TERN_GROUP_X25519, priv, 31), TERN_ERR_ARG);
    CHECK_INT(tern_kex_from_private(&k, TERN_GROUP_X25519, peer, 33), TERN_ERR_ARG);
    CHECK_INT(k.priv_len, 0);
}

/* ---- NIST curves ---------------------------------------------------------- */

/* RFC 5903 section 8.1, 256-bit Random ECP Group. */
#define P256_I "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433"
#define P256_GI                                                                                    \
    "04"                                                                                           \
    "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"                             \
    "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3"
#define P256_R "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53"
#define P256_GR                                                                                    \
    "04"                                                                                           \
    "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"                             \
    "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab"
#define P256_GIR_X "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de"

/* RFC 5903 section 8.2, 384-bit Random ECP Group. */
#define P384_I                                                                                     \
    "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655"                             \
    "e35b538041e649ee3faef896783ab194"
#define P384_GI                                                                                    \
    "04"                                                                                           \
    "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6"                             \
    "de3ac808acb4bdb4c88732aee95f41aa"                                                             \
    "9482ed1fc0eeb9cafc4984625ccfc23f65032149e0e144ada024181535a0f38e"                             \
    "eb9fcff3c2c947dae69b4c634573a81c"
#define P384_R                                                                                     \
    "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942"                             \
    "e0308312916b8ed2960e4bd55a7448fc"
#define P384_GR                                                                                    \
    "04"                                                                                           \
    "e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d"                             \
    "0d1ac43a0336def96fda41d0774a3571"                                                             \
    "dcfbec7aacf3196472169e838430367f66eebe3c6e70c416dd5f0c68759dd1ff"                             \
    "f83fa40142209dff5eaad96db9e6386c"
#define P384_GIR_X                                                                                 \
    "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4"                             \
    "d603135569b9e9d09cf5d4a270f59746"

/* RFC 5903 section 8.1: g^i and g^r from i and r. */
static void p256_rfc5903_8_1_public_keys(void)
{
    check_pub(TERN_GROUP_SECP256R1, P256_I, P256_GI);
    check_pub(TERN_GROUP_SECP256R1, P256_R, P256_GR);
}

/* RFC 5903 section 8.1: the x-coordinate of g^ir, computed by both sides. */
static void p256_rfc5903_8_1_shared_secret(void)
{
    check_shared(TERN_GROUP_SECP256R1, P256_I, P256_GR, P256_GIR_X);
    check_shared(TERN_GROUP_SECP256R1, P256_R, P256_GI, P256_GIR_X);
}

/* RFC 5903 section 8.2: g^i and g^r from i and r. */
static void p384_rfc5903_8_2_public_keys(void)
{
    check_pub(TERN_GROUP_SECP384R1, P384_I, P384_GI);
    check_pub(TERN_GROUP_SECP384R1, P384_R, P384_GR);
}

/* RFC 5903 section 8.2: the x-coordinate of g^ir, computed by both sides. */
static void p384_rfc5903_8_2_shared_secret(void)
{
    check_shared(TERN_GROUP_SECP384R1, P384_I, P384_GR, P384_GIR_X);
    check_shared(TERN_GROUP_SECP384R1, P384_R, P384_GI, P384_GIR_X);
}

/* NIST CAVP KAS_ECC_CDH_PrimitiveTest.txt (CAVS 14.1), [P-256], COUNT = 0:
 * dIUT -> (QIUTx, QIUTy), and with (QCAVSx, QCAVSy) the shared ZIUT. */
static void p256_cavp_cdh_count0(void)
{
    static const char d[] = "7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534";
    check_pub(TERN_GROUP_SECP256R1, d,
              "04"
              "ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230"
              "28af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141");
    check_shared(TERN_GROUP_SECP256R1, d,
                 "04"
                 "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287"
                 "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac",
                 "46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b");
}

/* NIST CAVP KAS_ECC_CDH_PrimitiveTest.txt (CAVS 14.1), [P-384], COUNT = 0. */
static void p384_cavp_cdh_count0(void)
{
    static const char d[] = "3cc3122a68f0d95027ad38c067916ba0eb8c38894d22e1b15618b6818a661774"
                            "ad463b205da88cf699ab4d43c9cf98a1";
    check_pub(TERN_GROUP_SECP384R1, d,
              "04"
              "9803807f2f6d2fd966cdd0290bd410c0190352fbec7ff6247de1302df86f25d3"
              "4fe4a97bef60cff548355c015dbb3e5f"
              "ba26ca69ec2f5b5d9dad20cc9da711383a9dbe34ea3fa5a2af75b46502629ad5"
              "4dd8b7d73a8abb06a3a3be47d650cc99");
    check_shared(TERN_GROUP_SECP384R1, d,
                 "04"
                 "a7c76b970c3b5fe8b05d2838ae04ab47697b9eaf52e764592efda27fe7513272"
                 "734466b400091adbf2d68c58e0c50066"
                 "ac68f19f2e1cb879aed43a9969b91a0839c4c38a49749b661efedf243451915e"
                 "d0905a32b060992b468c64766fc8437a",
                 "5f9d29dc5e31a163060356213669c8ce132e22f57c9a04f40ba7fcead493b457"
                 "e5621e766c40a2e3d4d6a04b25e533f1");
}

/* FIPS 186-4 appendix D.1.2.3 (P-256) and D.1.2.4 (P-384): the scalar 1 gives
 * the base point G, and n - 1 (the largest valid scalar) gives -G, which
 * shares G's x-coordinate. */
#define P256_P  "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"
#define P256_N  "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"
#define P256_GX "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
#define P256_GY "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"
#define P384_P                                                                                     \
    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"                             \
    "ffffffff0000000000000000ffffffff"
#define P384_N                                                                                     \
    "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc5" \
    "2973"
#define P384_GX                                                                                    \
    "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e387276" \
    "0ab7"
#define P384_GY                                                                                    \
    "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea" \
    "0e5f"

static void check_scalar_edges(int group, const char *one_hex, const char *n_minus_1_hex,
                               const char *g_hex, const char *gx_hex)
{
    uint8_t priv[TERN_KEX_MAX_PRIV_LEN];
    uint8_t gx[TERN_KEX_MAX_SECRET_LEN];
    size_t len = test_unhex(n_minus_1_hex, priv, sizeof(priv));
    size_t gx_len = test_unhex(gx_hex, gx, sizeof(gx));
    check_pub(group, one_hex, g_hex);
    struct tern_kex k;
    CHECK_INT(tern_kex_from_private(&k, group, priv, len), TERN_OK);
    CHECK_INT(k.pub[0], 0x04);
    CHECK_MEM(k.pub + 1, gx, gx_len);
    tern_kex_clear(&k);
}

static void p256_fips186_4_generator(void)
{
    check_scalar_edges(TERN_GROUP_SECP256R1,
                       "0000000000000000000000000000000000000000000000000000000000000001",
                       "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550",
                       "04" P256_GX P256_GY, P256_GX);
}

static void p384_fips186_4_generator(void)
{
    check_scalar_edges(TERN_GROUP_SECP384R1,
                       "0000000000000000000000000000000000000000000000000000000000000000"
                       "00000000000000000000000000000001",
                       "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf"
                       "581a0db248b0a77aecec196accc52972",
                       "04" P384_GX P384_GY, P384_GX);
}

/* Scalars outside [1, n - 1] and wrong lengths are refused with TERN_ERR_ARG. */
static void check_scalar_range(int group, const char *n_hex, const char *n_plus_1_hex)
{
    uint8_t priv[TERN_KEX_MAX_PRIV_LEN + 1];
    size_t len = tern_kex_secret_len(group);
    struct tern_kex k;
    memset(priv, 0, sizeof(priv));
    CHECK_INT(tern_kex_from_private(&k, group, priv, len), TERN_ERR_ARG); /* 0 */
    CHECK_INT(k.priv_len, 0);
    CHECK_INT(k.pub_len, 0);
    CHECK_INT(test_unhex(n_hex, priv, sizeof(priv)), len);
    CHECK_INT(tern_kex_from_private(&k, group, priv, len), TERN_ERR_ARG); /* n */
    CHECK_INT(test_unhex(n_plus_1_hex, priv, sizeof(priv)), len);
    CHECK_INT(tern_kex_from_private(&k, group, priv, len), TERN_ERR_ARG); /* n + 1 */
    memset(priv, 0xff, sizeof(priv));
    CHECK_INT(tern_kex_from_private(&k, group, priv, len), TERN_ERR_ARG); /* 2^bits - 1 */
    priv[0] = 0x01;
    CHECK_INT(tern_kex_from_private(&k, group, priv, len - 1), TERN_ERR_ARG);
    CHECK_INT(tern_kex_from_private(&k, group, priv, len + 1), TERN_ERR_ARG);
    CHECK_INT(tern_kex_from_private(&k, group, NULL, len), TERN_ERR_ARG);
}

static void p256_scalar_out_of_range(void)
{
    check_scalar_range(TERN_GROUP_SECP256R1, P256_N,
                       "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632552");
}

static void p384_scalar_out_of_range(void)
{
    check_scalar_range(TERN_GROUP_SECP384R1, P384_N,
                       "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf"
                       "581a0db248b0a77aecec196accc52974");
}

/* Invalid peer values for a NIST curve (RFC 8422 section 5.11): wrong length,
 * compressed or hybrid encodings, a point off the curve, coordinates not below
 * p, and the point at infinity. valid_hex is a genuine uncompressed point. */
static void check_invalid_points(int group, const char *priv_hex, const char *valid_hex,
                                 const char *p_hex)
{
    uint8_t priv[TERN_KEX_MAX_PRIV_LEN];
    uint8_t valid[TERN_KEX_MAX_PUB_LEN + 1];
    uint8_t p[TERN_KEX_MAX_SECRET_LEN];
    uint8_t peer[TERN_KEX_MAX_PUB_LEN + 1];
    size_t priv_len = test_unhex(priv_hex, priv, sizeof(priv));
    size_t len = test_unhex(valid_hex, valid, sizeof(valid));
    size_t f = test_unhex(p_hex, p, sizeof(p));
    CHECK_INT(len, 1 + 2 * f);
    struct tern_kex k;
    CHECK_INT(tern_kex_from_private(&k, group, priv, priv_len), TERN_OK);

    /* Wrong lengths: no prefix, one byte short, one byte long, empty. */
    check_bad_share(&k, valid + 1, len - 1);
    check_bad_share(&k, valid, len - 1);
    memcpy(peer, valid, len);
    peer[len] = 0x00;
    check_bad_share(&k, peer, len + 1);
    check_bad_share(&k, valid, 0);
    check_bad_share(&k, NULL, 0);

    /* Compressed form (SEC 1 section 2.3.3): 0x02 / 0x03 || x, and those
     * prefixes on a full-length encoding; and the hybrid forms 0x06 / 0x07. */
    memcpy(peer, valid, 1 + f);
    peer[0] = 0x02;
    check_bad_share(&k, peer, 1 + f);
    peer[0] = 0x03;
    check_bad_share(&k, peer, 1 + f);
    static const uint8_t prefixes[] = {0x00, 0x02, 0x03, 0x05, 0x06, 0x07};
    for (size_t i = 0; i < sizeof(prefixes); i++) {
        memcpy(peer, valid, len);
        peer[0] = prefixes[i];
        check_bad_share(&k, peer, len);
    }

    /* Not on the curve: the last bit of y flipped. */
    memcpy(peer, valid, len);
    peer[len - 1] ^= 0x01;
    check_bad_share(&k, peer, len);
    /* x = p, and y = p (coordinates must be field elements, below p). */
    memcpy(peer, valid, len);
    memcpy(peer + 1, p, f);
    check_bad_share(&k, peer, len);
    memcpy(peer, valid, len);
    memcpy(peer + 1 + f, p, f);
    check_bad_share(&k, peer, len);
    /* Both coordinates all ones. */
    peer[0] = 0x04;
    memset(peer + 1, 0xff, 2 * f);
    check_bad_share(&k, peer, len);

    /* The point at infinity: its one-byte encoding 0x00 (SEC 1 section 2.3.3),
     * and (0, 0) written as an uncompressed point. */
    peer[0] = 0x00;
    check_bad_share(&k, peer, 1);
    memset(peer, 0, len);
    peer[0] = 0x04;
    check_bad_share(&k, peer, len);

    /* And the genuine point still works afterwards. */
    uint8_t out[TERN_KEX_MAX_SECRET_LEN];
    size_t out_len = 0;
    CHECK_INT(tern_kex_derive(&k, valid, len, out, &out_len), TERN_OK);
    CHECK_INT(out_len, f);
    tern_kex_clear(&k);
}

static void p256_invalid_points(void)
{
    check_invalid_points(TERN_GROUP_SECP256R1, P256_I, P256_GR, P256_P);
}

static void p384_invalid_points(void)
{
    check_invalid_points(TERN_GROUP_SECP384R1, P384_I, P384_GR, P384_P);
}

/* ---- state, sizes and generation ----------------------------------------- */

static void sizes_and_unsupported(void)
{
    CHECK(tern_kex_group_supported(TERN_GROUP_X25519));
    CHECK(tern_kex_group_supported(TERN_GROUP_SECP256R1));
    CHECK(tern_kex_group_supported(TERN_GROUP_SECP384R1));
    CHECK(!tern_kex_group_supported(25)); /* secp521r1 */
    CHECK(!tern_kex_group_supported(30)); /* x448 */
    CHECK_INT(tern_kex_pub_len(TERN_GROUP_X25519), 32);
    CHECK_INT(tern_kex_pub_len(TERN_GROUP_SECP256R1), 65);
    CHECK_INT(tern_kex_pub_len(TERN_GROUP_SECP384R1), 97);
    CHECK_INT(tern_kex_pub_len(30), 0);
    CHECK_INT(tern_kex_secret_len(TERN_GROUP_X25519), 32);
    CHECK_INT(tern_kex_secret_len(TERN_GROUP_SECP256R1), 32);
    CHECK_INT(tern_kex_secret_len(TERN_GROUP_SECP384R1), 48);
    CHECK_INT(tern_kex_secret_len(30), 0);

    uint8_t priv[32] = {1};
    struct tern_kex k;
    CHECK_INT(tern_kex_from_private(&k, 30, priv, sizeof(priv)), TERN_ERR_UNSUPPORTED);
    CHECK_INT(tern_kex_generate(&k, 30, NULL), TERN_ERR_UNSUPPORTED);
    CHECK_INT(tern_kex_generate(NULL, TERN_GROUP_X25519, NULL), TERN_ERR_ARG);

    /* derive on a key pair that was never made (zeroed, or cleared). */
    uint8_t peer[32] = {9};
    uint8_t out[TERN_KEX_MAX_SECRET_LEN];
    size_t out_len = 0;
    memset(&k, 0, sizeof(k));
    CHECK_INT(tern_kex_derive(&k, peer, sizeof(peer), out, &out_len), TERN_ERR_STATE);
    CHECK_INT(tern_kex_from_private(&k, TERN_GROUP_X25519, priv, sizeof(priv)), TERN_OK);
    tern_kex_clear(&k);
    CHECK_INT(tern_kex_derive(&k, peer, sizeof(peer), out, &out_len), TERN_ERR_STATE);
    tern_kex_clear(NULL);
}

static void generate_with_seed(int group, const char *seed, struct tern_kex *k)
{
    struct tern_seeded_rng s;
    CHECK_INT(tern_seeded_rng_init(&s, seed, strlen(seed)), TERN_OK);
    struct tern_rng rng = {tern_seeded_rng_fill, &s};
    CHECK_INT(tern_kex_generate(k, group, &rng), TERN_OK);
}

/* The seeded generator makes key generation reproducible: the same seed gives
 * the same key pair from a fresh generator, another seed another one, and the
 * generated pairs agree on a shared secret. */
static void check_generate_reproducible(int group)
{
    struct tern_kex a1;
    struct tern_kex a2;
    struct tern_kex b;
    generate_with_seed(group, "tern kex test seed A", &a1);
    generate_with_seed(group, "tern kex test seed A", &a2);
    generate_with_seed(group, "tern kex test seed B", &b);
    CHECK_INT(a1.group, group);
    CHECK_INT(a1.pub_len, tern_kex_pub_len(group));
    CHECK_INT(a1.priv_len, tern_kex_secret_len(group));
    CHECK_INT(a2.pub_len, a1.pub_len);
    CHECK_MEM(a2.pub, a1.pub, a1.pub_len);
    CHECK_MEM(a2.priv, a1.priv, a1.priv_len);
    CHECK(memcmp(b.pub, a1.pub, a1.pub_len) != 0);

    /* The generated private value is a valid scalar: rebuilding from it gives the same public. */
    struct tern_kex again;
    CHECK_INT(tern_kex_from_private(&again, group, a1.priv, a1.priv_len), TERN_OK);
    CHECK_MEM(again.pub, a1.pub, a1.pub_len);

    uint8_t s1[TERN_KEX_MAX_SECRET_LEN];
    uint8_t s2[TERN_KEX_MAX_SECRET_LEN];
    size_t l1 = 0;
    size_t l2 = 0;
    CHECK_INT(tern_kex_derive(&a1, b.pub, b.pub_len, s1, &l1), TERN_OK);
    CHECK_INT(tern_kex_derive(&b, a1.pub, a1.pub_len, s2, &l2), TERN_OK);
    CHECK_INT(l1, tern_kex_secret_len(group));
    CHECK_INT(l2, l1);
    CHECK_MEM(s1, s2, l1);

    /* libcrypto's own generator (rng NULL) works too, and differs. */
    struct tern_kex c;
    CHECK_INT(tern_kex_generate(&c, group, NULL), TERN_OK);
    CHECK(memcmp(c.pub, a1.pub, a1.pub_len) != 0);
    tern_kex_clear(&a1);
    tern_kex_clear(&a2);
    tern_kex_clear(&b);
    tern_kex_clear(&c);
    tern_kex_clear(&again);
}

static void generate_x25519_reproducible(void)
{
    check_generate_reproducible(TERN_GROUP_X25519);
}

static void generate_p256_reproducible(void)
{
    check_generate_reproducible(TERN_GROUP_SECP256R1);
}

static void generate_p384_reproducible(void)
{
    check_generate_reproducible(TERN_GROUP_SECP384R1);
}

static int failing_rng(void *arg, uint8_t *out, size_t len)
{
    (void)arg;
    (void)out;
    (void)len;
    return -1;
}

static void generate_with_failing_rng(void)
{
    struct tern_rng rng = {failing_rng, NULL};
    struct tern_kex k;
    CHECK_INT(tern_kex_generate(&k, TERN_GROUP_X25519, &rng), TERN_ERR_CRYPTO);
    CHECK_INT(tern_kex_generate(&k, TERN_GROUP_SECP256R1, &rng), TERN_ERR_CRYPTO);
    /* A failed generation leaves no earlier key pair behind. */
    CHECK_INT(tern_kex_generate(&k, TERN_GROUP_X25519, NULL), TERN_OK);
    CHECK_INT(tern_kex_generate(&k, TERN_GROUP_X25519, &rng), TERN_ERR_CRYPTO);
    static const uint8_t zero[sizeof(k)];
    CHECK_MEM(&k, zero, sizeof(k));
}

TEST_MAIN(T(x25519_rfc7748_5_2_vector1), T(x25519_rfc7748_5_2_vector2),
          T(x25519_rfc7748_5_2_iterated), T(x25519_rfc7748_6_1_public_keys),
          T(x25519_rfc7748_6_1_shared_secret), T(x25519_rfc8448_simple_1rtt),
          T(x25519_small_order_points), T(x25519_bad_lengths), T(p256_rfc5903_8_1_public_keys),
          T(p256_rfc5903_8_1_shared_secret), T(p384_rfc5903_8_2_public_keys),
          T(p384_rfc5903_8_2_shared_secret), T(p256_cavp_cdh_count0), T(p384_cavp_cdh_count0),
          T(p256_fips186_4_generator), T(p384_fips186_4_generator), T(p256_scalar_out_of_range),
          T(p384_scalar_out_of_range), T(p256_invalid_points), T(p384_invalid_points),
          T(sizes_and_unsupported), T(generate_x25519_reproducible), T(generate_p256_reproducible),
          T(generate_p384_reproducible), T(generate_with_failing_rng))
