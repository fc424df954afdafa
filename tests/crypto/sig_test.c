/* Known-answer tests for signature keys and schemes (src/crypto/sig.h).
 *
 * Ed25519: RFC 8032 section 7.1 (TEST 1, 2, 3, 1024): signing is
 * deterministic, so tern must produce the published signature byte for byte.
 * ECDSA: RFC 6979 appendix A.2.5 (P-256) and A.2.6 (P-384), whose (r, s) pairs
 * are ordinary ECDSA signatures that any verifier must accept; the
 * SubjectPublicKeyInfo (RFC 5480), the SEC 1 / PKCS #8 private keys and the
 * DER Ecdsa-Sig-Value (RFC 3279 section 2.2.3) are assembled here from the
 * published numbers. RSA: the NIST CAVP FIPS 186-3 RSA validation files
 * (SigGen15, SigVer15, SigVerPSS); PKCS #1 v1.5 signatures are deterministic,
 * so signing must reproduce the published S. */
#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "crypto/sig.h"
#include "test.h"

/* ---- a tiny DER writer for building keys and signatures ------------------ */

struct der {
    uint8_t b[2048];
    size_t n;
};

static void der_bytes(struct der *d, const void *p, size_t len)
{
    if (d->n + len > sizeof(d->b)) {
        test_fail(__FILE__, __LINE__, "der buffer overflow");
        return;
    }
    memcpy(d->b + d->n, p, len);
    d->n += len;
}

static void der_hex(struct der *d, const char *hex)
{
    uint8_t tmp[1024];
    size_t len = test_unhex(hex, tmp, sizeof(tmp));
    der_bytes(d, tmp, len);
}

/* Starts a constructed or primitive value; der_close() wraps what follows. */
static size_t der_open(const struct der *d)
{
    return d->n;
}

/* Wraps everything written since start as tag || length || contents. */
static void der_close(struct der *d, uint8_t tag, size_t start)
{
    size_t len = d->n - start;
    uint8_t hdr[4];
    size_t h = 0;
    hdr[h++] = tag;
    if (len < 0x80) {
        hdr[h++] = (uint8_t)len;
    } else if (len < 0x100) {
        hdr[h++] = 0x81;
        hdr[h++] = (uint8_t)len;
    } else {
        hdr[h++] = 0x82;
        hdr[h++] = (uint8_t)(len >> 8);
        hdr[h++] = (uint8_t)len;
    }
    if (d->n + h > sizeof(d->b)) {
        test_fail(__FILE__, __LINE__, "der buffer overflow");
        return;
    }
    memmove(d->b + start + h, d->b + start, len);
    memcpy(d->b + start, hdr, h);
    d->n += h;
}

/* An INTEGER holding the unsigned big-endian value hex, in minimal form. */
static void der_uint_hex(struct der *d, const char *hex)
{
    uint8_t v[1024];
    size_t len = test_unhex(hex, v, sizeof(v));
    const uint8_t *p = v;
    while (len > 1 && p[0] == 0) {
        p++;
        len--;
    }
    size_t start = der_open(d);
    if (p[0] & 0x80) {
        der_bytes(d, "\0", 1);
    }
    der_bytes(d, p, len);
    der_close(d, 0x02, start);
}

static void der_small_int(struct der *d, uint8_t v)
{
    uint8_t tlv[3] = {0x02, 0x01, v};
    der_bytes(d, tlv, sizeof(tlv));
}

/* Object identifiers, as DER contents (RFC 5480 section 2.1.1 and 2.1.1.1,
 * RFC 8017 appendix A.1, RFC 8410 section 3). */
#define OID_EC_PUBLIC_KEY "2a8648ce3d0201"     /* 1.2.840.10045.2.1 */
#define OID_PRIME256V1    "2a8648ce3d030107"   /* 1.2.840.10045.3.1.7 */
#define OID_SECP384R1     "2b81040022"         /* 1.3.132.0.34 */
#define OID_RSA           "2a864886f70d010101" /* 1.2.840.113549.1.1.1 */
#define OID_X25519        "2b656e"             /* 1.3.101.110 */
#define OID_ED25519       "2b6570"             /* 1.3.101.112 */

static void der_oid(struct der *d, const char *oid_hex)
{
    size_t s = der_open(d);
    der_hex(d, oid_hex);
    der_close(d, 0x06, s);
}

/* SubjectPublicKeyInfo for an EC point (RFC 5480 section 2). */
static void ec_spki(struct der *d, const char *curve_oid, const char *point_hex)
{
    size_t spki = der_open(d);
    size_t alg = der_open(d);
    der_oid(d, OID_EC_PUBLIC_KEY);
    der_oid(d, curve_oid);
    der_close(d, 0x30, alg);
    size_t bits = der_open(d);
    der_bytes(d, "\0", 1);
    der_hex(d, point_hex);
    der_close(d, 0x03, bits);
    der_close(d, 0x30, spki);
}

/* ECPrivateKey (SEC 1 v2 appendix C.4, RFC 5915 section 3), with parameters
 * and public key when with_params (the "traditional" form), or without
 * parameters for use inside PKCS #8. */
static void ec_private(struct der *d, const char *curve_oid, const char *priv_hex,
                       const char *point_hex, int with_params)
{
    size_t seq = der_open(d);
    der_small_int(d, 1);
    size_t oct = der_open(d);
    der_hex(d, priv_hex);
    der_close(d, 0x04, oct);
    if (with_params) {
        size_t params = der_open(d);
        der_oid(d, curve_oid);
        der_close(d, 0xa0, params);
    }
    size_t pub = der_open(d);
    size_t bits = der_open(d);
    der_bytes(d, "\0", 1);
    der_hex(d, point_hex);
    der_close(d, 0x03, bits);
    der_close(d, 0xa1, pub);
    der_close(d, 0x30, seq);
}

/* PrivateKeyInfo (PKCS #8, RFC 5208 section 5) around an ECPrivateKey
 * (RFC 5915 section 3: the curve goes in the AlgorithmIdentifier). */
static void ec_pkcs8(struct der *d, const char *curve_oid, const char *priv_hex,
                     const char *point_hex)
{
    size_t seq = der_open(d);
    der_small_int(d, 0);
    size_t alg = der_open(d);
    der_oid(d, OID_EC_PUBLIC_KEY);
    der_oid(d, curve_oid);
    der_close(d, 0x30, alg);
    size_t oct = der_open(d);
    ec_private(d, curve_oid, priv_hex, point_hex, 0);
    der_close(d, 0x04, oct);
    der_close(d, 0x30, seq);
}

/* SubjectPublicKeyInfo for RSA (RFC 8017 appendix A.1.1, RFC 3279 2.3.1). */
static void rsa_spki(struct der *d, const char *n_hex, const char *e_hex)
{
    size_t spki = der_open(d);
    size_t alg = der_open(d);
    der_oid(d, OID_RSA);
    der_bytes(d, "\x05\x00", 2);
    der_close(d, 0x30, alg);
    size_t bits = der_open(d);
    der_bytes(d, "\0", 1);
    size_t key = der_open(d);
    der_uint_hex(d, n_hex);
    der_uint_hex(d, e_hex);
    der_close(d, 0x30, key);
    der_close(d, 0x03, bits);
    der_close(d, 0x30, spki);
}

/* SubjectPublicKeyInfo for a raw 32-byte key (RFC 8410 section 4). */
static void raw_spki(struct der *d, const char *oid_hex, const char *pub_hex)
{
    size_t spki = der_open(d);
    size_t alg = der_open(d);
    der_oid(d, oid_hex);
    der_close(d, 0x30, alg);
    size_t bits = der_open(d);
    der_bytes(d, "\0", 1);
    der_hex(d, pub_hex);
    der_close(d, 0x03, bits);
    der_close(d, 0x30, spki);
}

/* Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 2.2.3). */
static void ecdsa_sig(struct der *d, const char *r_hex, const char *s_hex)
{
    size_t seq = der_open(d);
    der_uint_hex(d, r_hex);
    der_uint_hex(d, s_hex);
    der_close(d, 0x30, seq);
}

/* Base64 (RFC 4648 section 4) PEM armour (RFC 7468) around DER. */
static size_t pem(char *out, size_t cap, const char *label, const uint8_t *der, size_t len)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = (size_t)snprintf(out, cap, "-----BEGIN %s-----\n", label);
    size_t col = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)der[i] << 16;
        if (i + 1 < len) {
            v |= (uint32_t)der[i + 1] << 8;
        }
        if (i + 2 < len) {
            v |= der[i + 2];
        }
        if (n + 6 >= cap) {
            return 0;
        }
        out[n++] = b64[(v >> 18) & 63];
        out[n++] = b64[(v >> 12) & 63];
        out[n++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
        out[n++] = i + 2 < len ? b64[v & 63] : '=';
        col += 4;
        if (col == 64) {
            out[n++] = '\n';
            col = 0;
        }
    }
    if (col != 0) {
        out[n++] = '\n';
    }
    n += (size_t)snprintf(out + n, cap - n, "-----END %s-----\n", label);
    return n < cap ? n : 0;
}

static int all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

static struct tern_pkey *parse_public_der(const struct der *d)
{
    struct tern_pkey *k = NULL;
    CHECK_INT(tern_pkey_parse_public(&k, d->b, d->n), TERN_OK);
    return k;
}

/* Verifies sig over msg (both hex) with k and scheme, expects success, and
 * expects TERN_ERR_BAD_SIGNATURE once a bit of the signature, then of the
 * message, is flipped. */
static void check_verify(const struct tern_pkey *k, int scheme, const uint8_t *msg, size_t msg_len,
                         const uint8_t *sig, size_t sig_len)
{
    uint8_t bad_sig[TERN_SIG_MAX_LEN];
    uint8_t bad_msg[2048];
    CHECK_INT(tern_sig_verify(k, scheme, msg, msg_len, sig, sig_len), TERN_OK);
    memcpy(bad_sig, sig, sig_len);
    bad_sig[sig_len - 1] ^= 0x01;
    CHECK_INT(tern_sig_verify(k, scheme, msg, msg_len, bad_sig, sig_len), TERN_ERR_BAD_SIGNATURE);
    memcpy(bad_sig, sig, sig_len);
    bad_sig[sig_len / 2] ^= 0x80;
    CHECK_INT(tern_sig_verify(k, scheme, msg, msg_len, bad_sig, sig_len), TERN_ERR_BAD_SIGNATURE);
    if (msg_len > 0 && msg_len <= sizeof(bad_msg)) {
        memcpy(bad_msg, msg, msg_len);
        bad_msg[0] ^= 0x01;
        CHECK_INT(tern_sig_verify(k, scheme, bad_msg, msg_len, sig, sig_len),
                  TERN_ERR_BAD_SIGNATURE);
    }
    /* A signature cut short, or with a byte appended. */
    CHECK_INT(tern_sig_verify(k, scheme, msg, msg_len, sig, sig_len - 1), TERN_ERR_BAD_SIGNATURE);
    memcpy(bad_sig, sig, sig_len);
    bad_sig[sig_len] = 0;
    CHECK_INT(tern_sig_verify(k, scheme, msg, msg_len, bad_sig, sig_len + 1),
              TERN_ERR_BAD_SIGNATURE);
}

/* ---- Ed25519: RFC 8032 section 7.1 --------------------------------------- */

struct ed25519_vec {
    const char *secret;
    const char *public_key;
    const char *msg;
    const char *sig;
};

/* RFC 8032 section 7.1, "-----TEST 1": SECRET KEY, PUBLIC KEY, MESSAGE (length 0
 * bytes), SIGNATURE. */
static const struct ed25519_vec ed25519_test1 = {
    .secret = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    .public_key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    .msg = "",
    .sig = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
           "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
};

/* RFC 8032 section 7.1, "-----TEST 2": SECRET KEY, PUBLIC KEY, MESSAGE (length 1
 * byte), SIGNATURE. */
static const struct ed25519_vec ed25519_test2 = {
    .secret = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    .public_key = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    .msg = "72",
    .sig = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
           "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
};

/* RFC 8032 section 7.1, "-----TEST 3": SECRET KEY, PUBLIC KEY, MESSAGE (length 2
 * bytes), SIGNATURE. */
static const struct ed25519_vec ed25519_test3 = {
    .secret = "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    .public_key = "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    .msg = "af82",
    .sig = "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
           "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
};

/* RFC 8032 section 7.1, "-----TEST 1024": SECRET KEY, PUBLIC KEY, MESSAGE (length 1023
 * bytes), SIGNATURE. */
static const struct ed25519_vec ed25519_test1024 = {
    .secret = "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
    .public_key = "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
    .msg = "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
           "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
           "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
           "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
           "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
           "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
           "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
           "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
           "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
           "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
           "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
           "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
           "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
           "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
           "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
           "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
           "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
           "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
           "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
           "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
           "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
           "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
           "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
           "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
           "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
           "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
           "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
           "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
           "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
           "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
           "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
           "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
    .sig = "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
           "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03",
};

/* NIST CAVP RSA SigGen15_186-3.txt (FIPS 186-3 "SigGen PKCS#1 Ver1.5", CAVS 11.4),
 * [mod = 2048]: the published n, e and d. */
static const char siggen15_n[] = "cea80475324c1dc8347827818da58bac069d3419c614a6ea1ac6a3b510dcd72c"
                                 "c516954905e9fef908d45e13006adf27d467a7d83c111d1a5df15ef293771aef"
                                 "b920032a5bb989f8e4f5e1b05093d3f130f984c07a772a3683f4dc6fb28a9681"
                                 "5b32123ccdd13954f19d5b8b24a103e771a34c328755c65ed64e1924ffd04d30"
                                 "b2142cc262f6e0048fef6dbc652f21479ea1c4b1d66d28f4d46ef7185e390cbf"
                                 "a2e02380582f3188bb94ebbf05d31487a09aff01fcbb4cd4bfd1f0a833b38c11"
                                 "813c84360bb53c7d4481031c40bad8713bb6b835cb08098ed15ba31ee4ba728a"
                                 "8c8e10f7294e1b4163b7aee57277bfd881a6f9d43e02c6925aa3a043fb7fb78d";
static const char siggen15_e[] = "260445";
static const char siggen15_d[] = "0997634c477c1a039d44c810b2aaa3c7862b0b88d3708272e1e15f66fc938970"
                                 "9f8a11f3ea6a5af7effa2d01c189c50f0d5bcbe3fa272e56cfc4a4e1d388a9dc"
                                 "d65df8628902556c8b6bb6a641709b5a35dd2622c73d4640bfa1359d0e76e1f2"
                                 "19f8e33eb9bd0b59ec198eb2fccaae0346bd8b401e12e3c67cb629569c185a2e"
                                 "0f35a2f741644c1cca5ebb139d77a89a2953fc5e30048c0e619f07c8d21d1e56"
                                 "b8af07193d0fdf3f49cd49f2ef3138b5138862f1470bd2d16e34a2b9e7777a6c"
                                 "8c8d4cb94b4e8b5d616cd5393753e7b0f31cc7da559ba8e98d888914e334773b"
                                 "af498ad88d9631eb5fe32e53a4145bf0ba548bf2b0a50c63f67b14e398a34b0d";
/* The CAVP file gives no CRT parameters; p and q were recovered from (n, e, d)
 * with the method of NIST SP 800-56B (Rev. 2) appendix C.2, and dP = d mod
 * (p - 1), dQ = d mod (q - 1), qInv = q^-1 mod p (RFC 8017 section 3.2). They
 * only let the key be written as a PKCS #1 RSAPrivateKey; every signature
 * below is still the one NIST published. */
static const char siggen15_p[] = "f364e16ef12017ec95b192308c01e087cee619ab50a5d537cc01841dc92b30bc"
                                 "ef0d9f2c6bbd5dc10bdf5b9f6c354a4f9f210520caa72b4f5c36b8d33f10324c"
                                 "55956141891e45b84b49f59ea5bfac6ffa38900aca5099afcd02f6a8257c41ce"
                                 "5bb2e4153832b5c22f91eb389fa2035c3cf9b3374531c483cb30ceb007259b1d";
static const char siggen15_q[] = "d95c0995fabdfcbccfe63e0f3262f806869ab571e1793e97234cbb9bd4b6872a"
                                 "7695389955cf6ce7245345a5df8021f7d9519563afbc2667f5311fad093de2c0"
                                 "2cd069109b630d68e3bf767f8a788a6add7ab199f2d8f6a40b7c1910d9dab52a"
                                 "c80d0d333aacab321a9309dc884ddd4db637a0c1115ae3c08efa683f99eb7331";
static const char siggen15_dp[] =
    "d4f7ef9f9be947ba9d1b3bce59e5608839a1e464553e1b6d113d0f636758bbb4"
    "73a89f9949836ead40b6f314eee3ac2244d7b6f379e83f30e17783ad68d50868"
    "97889c051c26e1558a4a220bfc242995860644b5d7a3ef513ac612b9c6c0a202"
    "1bb6b9cde7dbd21fe5858746c79563e9bab7d06b43aab43a0a5cafab4519a661";
static const char siggen15_dq[] =
    "3db2386f174f2ea3ef4b6bd1601749ce2d6afa8be35f051178621f16a23ad36e"
    "ba03c073136389241969e5b87edb0fcbcf1a0bd6e1aee97bae1f2d97aabe19b1"
    "7dbe7d9492cdb68a0897f572350e846c669660dc978c5068da598524fca8a136"
    "358d3e5f8f6ad5cf78d9089c93f473189162ce0f8c4902a19902b633b3e6926d";
static const char siggen15_qi[] =
    "ddc971183dcf3450c43e06ba2af32379eedeb2d678513fb706b75a0060981540"
    "41f4b09e6be385d4b25d80ec241c899e4a986a17b0a121daab91a1e4fc5a1802"
    "a7074df3fb3f7661f0e1c97799e36d21de937cc4209585db30a56af0a228e001"
    "036ed792625e5368ce101574a2e9767f07338949f0afdf358cecd18c6d6f3f55";

/* SigGen15_186-3.txt, [mod = 2048], first SHAAlg = SHA256 entry: Msg and S. */
static const char siggen15_sha256_msg[] =
    "5af283b1b76ab2a695d794c23b35ca7371fc779e92ebf589e304c7f923d8cf97"
    "6304c19818fcd89d6f07c8d8e08bf371068bdf28ae6ee83b2e02328af8c0e2f9"
    "6e528e16f852f1fc5455e4772e288a68f159ca6bdcf902b858a1f94789b31638"
    "23e2d0717ff56689eec7d0e54d93f520d96e1eb04515abc70ae90578ff38d31b";
static const char siggen15_sha256_s[] =
    "6b8be97d9e518a2ede746ff4a7d91a84a1fc665b52f154a927650db6e7348c69"
    "f8c8881f7bcf9b1a6d3366eed30c3aed4e93c203c43f5528a45de791895747ad"
    "e9c5fa5eee81427edee02082147aa311712a6ad5fb1732e93b3d6cd23ffd46a0"
    "b3caf62a8b69957cc68ae39f9993c1a779599cdda949bdaababb77f248fcfeaa"
    "44059be5459fb9b899278e929528ee130facd53372ecbc42f3e8de2998425860"
    "406440f248d817432de687112e504d734028e6c5620fa282ca07647006cf0a2f"
    "f83e19a916554cc61810c2e855305db4e5cf893a6a96767365794556ff033359"
    "084d7e38a8456e68e21155b76151314a29875feee09557161cbc654541e89e42";
/* SigGen15_186-3.txt, [mod = 2048], first SHAAlg = SHA384 entry: Msg and S. */
static const char siggen15_sha384_msg[] =
    "6cd59fdd3efd893d091afdc3155d354f10d6d88167427a2cf7246207e51791a6"
    "ca6200a914cd2834a9b3c79fcd59e26e457e0683bc33d49267edbdd6e5d90902"
    "696f1e7b1a4affc4ba371339868c28015ebbb73e262669866c35db974ba69e46"
    "8f2583b9191d15d686cd66fb0b9e0ff0a3b4721a6dc342f14f2446b4e028595b";
static const char siggen15_sha384_s[] =
    "3974900bec3fcb081f0e5a299adf30d087aabaa633911410e87a4979bbe3fa80"
    "c3abcf221686399a49bc2f1e5ac40c35df1700e4b9cb7c805a896646573f4a57"
    "0a9704d2a2e6baee4b43d916906884ad3cf283529ea265e8fcb5cc1bdf7b7dee"
    "85941e4b4fb25c1fc7b951fb129ab393cb069be271c1d954da3c43674309f1d2"
    "12826fabb8e812de2d53d12597de040d32cb28c9f813159cb18c1b51f7a874cb"
    "f229cc222caeb98e35ec5e4bf5c5e22cc8528631f15117e8c2be6eac91f4070e"
    "ecdd07ecc6db6c46eaa65f472f2006988efef0b51c538c6e04d7519c8e3da4b1"
    "72b1e2761089ed3ad1197992ef37c168dc881c8b5f8bbfee919f7c7afd25b8fc";

/* NIST CAVP RSA SigVer15_186-3.rsp (CAVS 11.0), [mod = 2048], the first
 * SHAAlg = SHA256 entry with Result = P, and the entry after it (same n and e,
 * Result = F). */
static const char sigver15_n[] = "c47abacc2a84d56f3614d92fd62ed36ddde459664b9301dcd1d61781cfcc026b"
                                 "cb2399bee7e75681a80b7bf500e2d08ceae1c42ec0b707927f2b2fe92ae85208"
                                 "7d25f1d260cc74905ee5f9b254ed05494a9fe06732c3680992dd6f0dc634568d"
                                 "11542a705f83ae96d2a49763d5fbb24398edf3702bc94bc168190166492b8671"
                                 "de874bb9cecb058c6c8344aa8c93754d6effcd44a41ed7de0a9dcd9144437f21"
                                 "2b18881d042d331a4618a9e630ef9bb66305e4fdf8f0391b3b2313fe549f0189"
                                 "ff968b92f33c266a4bc2cffc897d1937eeb9e406f5d0eaa7a14782e76af3fce9"
                                 "8f54ed237b4a04a4159a5f6250a296a902880204e61d891c4da29f2d65f34cbb";
static const char sigver15_e[] = "49d2a1";
static const char sigver15_p_msg[] =
    "95123c8d1b236540b86976a11cea31f8bd4e6c54c235147d20ce722b03a6ad75"
    "6fbd918c27df8ea9ce3104444c0bbe877305bc02e35535a02a58dcda306e632a"
    "d30b3dc3ce0ba97fdf46ec192965dd9cd7f4a71b02b8cba3d442646eeec4af59"
    "0824ca98d74fbca934d0b6867aa1991f3040b707e806de6e66b5934f05509bea";
static const char sigver15_p_s[] =
    "51265d96f11ab338762891cb29bf3f1d2b3305107063f5f3245af376dfcc7027"
    "d39365de70a31db05e9e10eb6148cb7f6425f0c93c4fb0e2291adbd22c77656a"
    "fc196858a11e1c670d9eeb592613e69eb4f3aa501730743ac4464486c7ae68fd"
    "509e896f63884e9424f69c1c5397959f1e52a368667a598a1fc90125273d9341"
    "295d2f8e1cc4969bf228c860e07a3546be2eeda1cde48ee94d062801fe666e4a"
    "7ae8cb9cd79262c017b081af874ff00453ca43e34efdb43fffb0bb42a4e2d32a"
    "5e5cc9e8546a221fe930250e5f5333e0efe58ffebf19369a3b8ae5a67f6a048b"
    "c9ef915bda25160729b508667ada84a0c27e7e26cf2abca413e5e4693f4a9405";
static const char sigver15_f_msg[] =
    "f89fd2f6c45a8b5066a651410b8e534bfec0d9a36f3e2b887457afd44dd651d1"
    "ec79274db5a455f182572fceea5e9e39c3c7c5d9e599e4fe31c37c34d253b419"
    "c3e8fb6b916aef6563f87d4c37224a456e5952698ba3d01b38945d998a795bd2"
    "85d69478e3131f55117284e27b441f16095dca7ce9c5b68890b09a2bfbb010a5";
static const char sigver15_f_s[] =
    "ba48538708512d45c0edcac57a9b4fb637e9721f72003c60f13f5c9a36c968ce"
    "f9be8f54665418141c3d9ecc02a5bf952cfc055fb51e18705e9d8850f4e1f5a3"
    "44af550de84ffd0805e27e557f6aa50d2645314c64c1c71aa6bb44faf8f29ca6"
    "578e2441d4510e36052f46551df341b2dcf43f761f08b946ca0b7081dadbb88e"
    "955e820fd7f657c4dd9f4554d167dd7c9a487ed41ced2b40068098deedc95106"
    "0faf7e15b1f0f80ae67ff2ee28a238d80bf72dd71c8d95c79bc156114ece8ec8"
    "37573a4b66898d45b45a5eacd0b0e41447d8fa08a367f437645e50c9920b88a1"
    "6bc0880147acfb9a79de9e351b3fa00b3f4e9f182f45553dffca55e393c5eab6";

/* NIST CAVP RSA SigVerPSS_186-3.rsp (CAVS 11.4), [mod = 2048], the first SHAAlg = SHA256 entry with
 * Result = P (SaltVal is 32 bytes, the hash length). */
static const char pss256_n[] = "a47d04e7cacdba4ea26eca8a4c6e14563c2ce03b623b768c0d49868a57121301"
                               "dbf783d82f4c055e73960e70550187d0af62ac3496f0a3d9103c2eb7919a7275"
                               "2fa7ce8c688d81e3aee99468887a15288afbb7acb845b7c522b5c64e678fcd3d"
                               "22feb84b44272700be527d2b2025a3f83c2383bf6a39cf5b4e48b3cf2f56eef0"
                               "dfff18555e31037b915248694876f3047814415164f2c660881e694b58c28038"
                               "a032ad25634aad7b39171dee368e3d59bfb7299e4601d4587e68caaf8db457b7"
                               "5af42fc0cf1ae7caced286d77fac6cedb03ad94f1433d2c94d08e60bc1fdef05"
                               "43cd2951e765b38230fdd18de5d2ca627ddc032fe05bbd2ff21e2db1c2f94d8b";
static const char pss256_e[] = "10e43f";
static const char pss256_msg[] = "e002377affb04f0fe4598de9d92d31d6c786040d5776976556a2cfc55e54a1dc"
                                 "b3cb1b126bd6a4bed2a184990ccea773fcc79d246553e6c64f686d21ad415267"
                                 "3cafec22aeb40f6a084e8a5b4991f4c64cf8a927effd0fd775e71e8329e41fdd"
                                 "4457b3911173187b4f09a817d79ea2397fc12dfe3d9c9a0290c8ead31b6690a6";
static const char pss256_s[] = "4f9b425c2058460e4ab2f5c96384da2327fd29150f01955a76b4efe956af06dc"
                               "08779a374ee4607eab61a93adc5608f4ec36e47f2a0f754e8ff839a8a19b1db1"
                               "e884ea4cf348cd455069eb87afd53645b44e28a0a56808f5031da5ba9112768d"
                               "fbfca44ebe63a0c0572b731d66122fb71609be1480faa4e4f75e43955159d70f"
                               "081e2a32fbb19a48b9f162cf6b2fb445d2d6994bc58910a26b5943477803cdaa"
                               "a1bd74b0da0a5d053d8b1dc593091db5388383c26079f344e2aea600d0e32416"
                               "4b450f7b9b465111b7265f3b1b063089ae7e2623fc0fda8052cf4bf3379102fb"
                               "f71d7c98e8258664ceed637d20f95ff0111881e650ce61f251d9c3a629ef222d";

/* NIST CAVP RSA SigVerPSS_186-3.rsp (CAVS 11.4), [mod = 2048], the first SHAAlg = SHA384 entry with
 * Result = P (SaltVal is 48 bytes, the hash length). */
static const char pss384_n[] = "cb59aae30883db678ea7b2a5e7009799066f060757525166030714a25e808482"
                               "e752f04f78611b3509d6005b411530c9ada4d8fbddc85f9db3d209eccc6cf0ca"
                               "e9aeb902e96688d2547974b7eb3323eeaa2257cf8d5c7c97f5176e2cfd29e19d"
                               "0487380e3e64338c73bd592d52e9dbcc9606ed5835758c1a112c6a004256b5c4"
                               "338322695df2ba573be0e79a7b9f9afd497dd38eed39f05f88d7d399d1e984d0"
                               "48067596ad1847ce51221babf51873bad2d81fa91cf3d9fd307e3ebd41fc49a8"
                               "b3252ed7a71fd2357330bef2f1f89f2c80f740567e2ae8d168e56f007e8fefa3"
                               "3d2eb92b7d830a4f978ffe842ef0697db50602b19642afc50ac1f837e476c0fd";
static const char pss384_e[] = "24f1bf";
static const char pss384_msg[] = "f991a40a6c3cda01f1a2fed01ca0cf425588a071205eb997a147fa205f3ec104"
                                 "48090e53f56be512309cf445b3f6764d33f157749d5199c7a09ef6246bd5c793"
                                 "b85d24d9093c4d4b318b48e11727cc8bb7aa5ec8699aba7466e074e1887bdf2a"
                                 "51752ec42f16d956fe5943cbcf9c99a5e89bfd940c9fe447fcf3bc823d98d371";
static const char pss384_s[] = "6b42514e88d93079d158336897dc34b450e424d61f6ddcf86fe8c9a368ae8a22"
                               "c4ee4084c978b5169379da10ae6a6ae8cd80028e198cd0a8db532cd78a409f53"
                               "baf7d231b545835b0dc06d594d76868d986889419a959268fd321bbc8bad5e80"
                               "0e452fe1a1a2a5a851d542494473deb425171a2f37ffc4cf0600a8d561b20f77"
                               "7407bbef1b596f92e518c0929e8bd52b015c2718d14443a56056f65015515673"
                               "deef32ae5399ae71f97873ec1508f8c41d6a66a13017685134e5425c4b580a7f"
                               "6986c26fb272f0ed215d6698dcec9e7c5258173b295b3611869254a538945de9"
                               "52dedf291837df0d7a205e1b76b01140df4edce3afe7245d46ee3b292bb117b1";

/* NIST CAVP RSA SigVerPSS_186-3.rsp (CAVS 11.4), [mod = 1024], the first SHAAlg = SHA256 entry with
 * Result = P (SaltVal is 20 bytes, shorter than the hash). */
static const char pss1024_n[] = "bf15c7a344db52c3da4c73bbe1aa9e43a24cc3ccdfa6dcb994e29846401f3d5e"
                                "c9138756487def58d4bc5082baa8e93c840405d36ef37f59594d01f0665edb27"
                                "cee3b6b647437405652cf809200597b0de806ea9ae20799400fe24bb3496d92e"
                                "65ab5718c61ea24e302b2414f4a6ac1c99a4177de0f83882d638c46c95e2412b";
static const char pss1024_e[] = "183a77";
static const char pss1024_msg[] =
    "0b95962764ca7454c8212a4407782e6174248c5898db391d28d2a42f35228f1d"
    "a3701d49dccd2cecc5dbe45af23190881601adcbbdf841e23d666f37e99f4762"
    "89a1e3ef07f7af616bdd087609a409adf958a106c8a1e9096de7b5097fb96aaa"
    "a5700fa14d0fa6bba16ebc21b6983fda07719091239cd999a29ba12e5d389dfe";
static const char pss1024_s[] = "7287a0b4db04c8c795018cf818a170b152309ee195cb239d22c70eb248e1db54"
                                "dcf0c0f6c8a311bd07c7051218e53c41e94d0c67707d0a69f5bd9cd1abc5e01c"
                                "dbe70d4abc75a8536bad424d94ce160d71104b89d920fbdddf8da741178bbbf3"
                                "15c3e9fa9cfdaacd41a55a86eb143c1fce55f0bac0b5e08c9dffdad05485031d";

static void check_ed25519(const struct ed25519_vec *v)
{
    uint8_t secret[32];
    uint8_t pub[32];
    static uint8_t msg[1024];
    uint8_t sig[64];
    uint8_t got[TERN_SIG_MAX_LEN];
    uint8_t spki[128];
    CHECK_INT(test_unhex(v->secret, secret, sizeof(secret)), 32);
    CHECK_INT(test_unhex(v->public_key, pub, sizeof(pub)), 32);
    size_t msg_len = test_unhex(v->msg, msg, sizeof(msg));
    CHECK_INT(test_unhex(v->sig, sig, sizeof(sig)), 64);

    struct tern_pkey *priv = NULL;
    struct tern_pkey *pubk = NULL;
    CHECK_INT(tern_pkey_ed25519_raw(&priv, secret, 1), TERN_OK);
    CHECK_INT(tern_pkey_type(priv), TERN_PKEY_ED25519);
    CHECK(tern_pkey_is_private(priv));

    /* The public key derived from the secret is the published one. */
    struct der want = {.n = 0};
    raw_spki(&want, OID_ED25519, v->public_key);
    size_t spki_len = 0;
    CHECK_INT(tern_pkey_spki(priv, spki, sizeof(spki), &spki_len), TERN_OK);
    CHECK_INT(spki_len, want.n);
    CHECK_MEM(spki, want.b, want.n);

    /* Signing is deterministic (RFC 8032 section 5.1.6). */
    size_t sig_len = sizeof(got);
    CHECK_INT(tern_sig_sign(priv, TERN_SIG_ED25519, msg, msg_len, got, &sig_len), TERN_OK);
    CHECK_INT(sig_len, 64);
    CHECK_MEM(got, sig, 64);

    CHECK_INT(tern_pkey_ed25519_raw(&pubk, pub, 0), TERN_OK);
    CHECK_INT(tern_pkey_type(pubk), TERN_PKEY_ED25519);
    CHECK(!tern_pkey_is_private(pubk));
    check_verify(pubk, TERN_SIG_ED25519, msg, msg_len, sig, sizeof(sig));
    check_verify(priv, TERN_SIG_ED25519, msg, msg_len, sig, sizeof(sig));
    tern_pkey_free(priv);
    tern_pkey_free(pubk);
}

static void ed25519_rfc8032_test1(void)
{
    check_ed25519(&ed25519_test1);
}

static void ed25519_rfc8032_test2(void)
{
    check_ed25519(&ed25519_test2);
}

static void ed25519_rfc8032_test3(void)
{
    check_ed25519(&ed25519_test3);
}

static void ed25519_rfc8032_test1024(void)
{
    check_ed25519(&ed25519_test1024);
}

/* ---- ECDSA: RFC 6979 appendix A.2.5 and A.2.6 ----------------------------- */

/* RFC 6979 A.2.5, "ECDSA, 256 Bits (Prime Field)", key pair (curve NIST P-256). */
#define P256_X  "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"
#define P256_UX "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
#define P256_UY "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"
/* RFC 6979 A.2.6, "ECDSA, 384 Bits (Prime Field)", key pair (curve NIST P-384). */
#define P384_X                                                                                     \
    "6b9d3dad2e1b8c1c05b19875b6659f4de23c3b667bf297ba9aa47740787137d8"                             \
    "96d5724e4c70a825f872c9ea60d2edf5"
#define P384_UX                                                                                    \
    "ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64"                             \
    "def8f0ea9055866064a254515480bc13"
#define P384_UY                                                                                    \
    "8015d9b72d7d57244ea8ef9ac0c621896708a59367f9dfb9f54ca84b3f1c9db1"                             \
    "288b231c3ae0d4fe7344fd2533264720"

static void check_ecdsa_verify(int scheme, const char *curve_oid, const char *point_hex,
                               const char *msg, const char *r_hex, const char *s_hex)
{
    struct der spki = {.n = 0};
    struct der sig = {.n = 0};
    ec_spki(&spki, curve_oid, point_hex);
    ecdsa_sig(&sig, r_hex, s_hex);
    struct tern_pkey *k = parse_public_der(&spki);
    CHECK_INT(tern_pkey_type(k),
              scheme == TERN_SIG_ECDSA_SECP256R1_SHA256 ? TERN_PKEY_EC_P256 : TERN_PKEY_EC_P384);
    CHECK(!tern_pkey_is_private(k));
    check_verify(k, scheme, (const uint8_t *)msg, strlen(msg), sig.b, sig.n);
    tern_pkey_free(k);
}

/* RFC 6979 A.2.5: With SHA-256, message = "sample". */
static void ecdsa_p256_rfc6979_sample_sha256(void)
{
    check_ecdsa_verify(TERN_SIG_ECDSA_SECP256R1_SHA256, OID_PRIME256V1, "04" P256_UX P256_UY,
                       "sample", "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
                       "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
}

/* RFC 6979 A.2.5: With SHA-256, message = "test". */
static void ecdsa_p256_rfc6979_test_sha256(void)
{
    check_ecdsa_verify(TERN_SIG_ECDSA_SECP256R1_SHA256, OID_PRIME256V1, "04" P256_UX P256_UY,
                       "test", "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
                       "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083");
}

/* RFC 6979 A.2.6: With SHA-384, message = "sample". */
static void ecdsa_p384_rfc6979_sample_sha384(void)
{
    check_ecdsa_verify(TERN_SIG_ECDSA_SECP384R1_SHA384, OID_SECP384R1, "04" P384_UX P384_UY,
                       "sample",
                       "94edbb92a5ecb8aad4736e56c691916b3f88140666ce9fa73d64c4ea95ad133c"
                       "81a648152e44acf96e36dd1e80fabe46",
                       "99ef4aeb15f178cea1fe40db2603138f130e740a19624526203b6351d0a3a94f"
                       "a329c145786e679e7b82c71a38628ac8");
}

/* RFC 6979 A.2.6: With SHA-384, message = "test". */
static void ecdsa_p384_rfc6979_test_sha384(void)
{
    check_ecdsa_verify(TERN_SIG_ECDSA_SECP384R1_SHA384, OID_SECP384R1, "04" P384_UX P384_UY, "test",
                       "8203b63d3c853e8d77227fb377bcf7b7b772e97892a80f36ab775d509d7a5feb"
                       "0542a7f0812998da8f1dd3ca3cf023db",
                       "ddd0760448d42d8a43af45af836fce4de8be06b485e9b61b827c2f13173923e0"
                       "6a739f040649a667bf3b828246baa5a5");
}

/* The schemes that do not fit a key of the given type. */
static const int g_schemes[] = {
    TERN_SIG_RSA_PKCS1_SHA256,
    TERN_SIG_RSA_PKCS1_SHA384,
    TERN_SIG_ECDSA_SECP256R1_SHA256,
    TERN_SIG_ECDSA_SECP384R1_SHA384,
    TERN_SIG_RSA_PSS_RSAE_SHA256,
    TERN_SIG_RSA_PSS_RSAE_SHA384,
    TERN_SIG_ED25519,
};
#define N_SCHEMES (sizeof(g_schemes) / sizeof(g_schemes[0]))

/* Which schemes a key type can use (RFC 8446 section 4.2.3: ECDSA schemes name
 * their curve; rsa_pss_rsae_* and rsa_pkcs1_* take an rsaEncryption key). */
static int scheme_fits_type(int type, int scheme)
{
    switch (scheme) {
    case TERN_SIG_RSA_PKCS1_SHA256:
    case TERN_SIG_RSA_PKCS1_SHA384:
    case TERN_SIG_RSA_PSS_RSAE_SHA256:
    case TERN_SIG_RSA_PSS_RSAE_SHA384:
        return type == TERN_PKEY_RSA;
    case TERN_SIG_ECDSA_SECP256R1_SHA256:
        return type == TERN_PKEY_EC_P256;
    case TERN_SIG_ECDSA_SECP384R1_SHA384:
        return type == TERN_PKEY_EC_P384;
    case TERN_SIG_ED25519:
        return type == TERN_PKEY_ED25519;
    default:
        return 0;
    }
}

/* Every scheme that does not fit the key is refused with TERN_ERR_ARG by sign
 * and verify, and tern_sig_scheme_fits() agrees with the table above. */
static void check_unfit_schemes(const struct tern_pkey *k)
{
    static const uint8_t msg[] = "sample";
    uint8_t sig[TERN_SIG_MAX_LEN] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
    int type = tern_pkey_type(k);
    for (size_t i = 0; i < N_SCHEMES; i++) {
        int scheme = g_schemes[i];
        int fits = scheme_fits_type(type, scheme);
        CHECK_INT(tern_sig_scheme_fits(k, scheme), fits);
        if (fits) {
            continue;
        }
        size_t sig_len = sizeof(sig);
        CHECK_INT(tern_sig_sign(k, scheme, msg, sizeof(msg) - 1, sig, &sig_len), TERN_ERR_ARG);
        CHECK_INT(tern_sig_verify(k, scheme, msg, sizeof(msg) - 1, sig, 8), TERN_ERR_ARG);
    }
    CHECK_INT(tern_sig_scheme_fits(k, 0x0201), 0); /* rsa_pkcs1_sha1: not offered */
    CHECK_INT(tern_sig_scheme_fits(k, 0x0603), 0); /* ecdsa_secp521r1_sha512 */
    CHECK_INT(tern_sig_scheme_fits(NULL, TERN_SIG_ED25519), 0);
}

/* Signs "sample" with a private key, verifies with the public key built from
 * the published point, and checks the key's SPKI against that point. */
static void check_ecdsa_sign(const uint8_t *priv_data, size_t priv_len, int type, int scheme,
                             const char *curve_oid, const char *point_hex)
{
    static const uint8_t msg[] = "sample";
    struct der spki = {.n = 0};
    ec_spki(&spki, curve_oid, point_hex);
    struct tern_pkey *priv = NULL;
    CHECK_INT(tern_pkey_parse_private(&priv, priv_data, priv_len), TERN_OK);
    CHECK_INT(tern_pkey_type(priv), type);
    CHECK(tern_pkey_is_private(priv));
    uint8_t got_spki[256];
    size_t got_spki_len = 0;
    CHECK_INT(tern_pkey_spki(priv, got_spki, sizeof(got_spki), &got_spki_len), TERN_OK);
    CHECK_INT(got_spki_len, spki.n);
    CHECK_MEM(got_spki, spki.b, spki.n);

    struct tern_pkey *pub = parse_public_der(&spki);
    uint8_t sig1[TERN_SIG_MAX_LEN];
    uint8_t sig2[TERN_SIG_MAX_LEN];
    size_t len1 = sizeof(sig1);
    size_t len2 = sizeof(sig2);
    CHECK_INT(tern_sig_sign(priv, scheme, msg, sizeof(msg) - 1, sig1, &len1), TERN_OK);
    CHECK_INT(tern_sig_sign(priv, scheme, msg, sizeof(msg) - 1, sig2, &len2), TERN_OK);
    CHECK(len1 <= (type == TERN_PKEY_EC_P256 ? 72u : 104u));
    CHECK_INT(sig1[0], 0x30);
    check_verify(pub, scheme, msg, sizeof(msg) - 1, sig1, len1);
    check_verify(pub, scheme, msg, sizeof(msg) - 1, sig2, len2);
    check_verify(priv, scheme, msg, sizeof(msg) - 1, sig1, len1);
    /* The wrong message. */
    CHECK_INT(tern_sig_verify(pub, scheme, (const uint8_t *)"test", 4, sig1, len1),
              TERN_ERR_BAD_SIGNATURE);

    /* Too small an output buffer; and a public key cannot sign. */
    size_t small = 8;
    CHECK_INT(tern_sig_sign(priv, scheme, msg, sizeof(msg) - 1, sig1, &small), TERN_ERR_BUFFER);
    size_t len3 = sizeof(sig1);
    CHECK_INT(tern_sig_sign(pub, scheme, msg, sizeof(msg) - 1, sig1, &len3), TERN_ERR_ARG);

    check_unfit_schemes(priv);
    check_unfit_schemes(pub);
    tern_pkey_free(priv);
    tern_pkey_free(pub);
}

/* The RFC 6979 A.2.5 key as a SEC 1 ECPrivateKey in DER. */
static void ecdsa_p256_sec1_der_sign_verify(void)
{
    struct der key = {.n = 0};
    ec_private(&key, OID_PRIME256V1, P256_X, "04" P256_UX P256_UY, 1);
    check_ecdsa_sign(key.b, key.n, TERN_PKEY_EC_P256, TERN_SIG_ECDSA_SECP256R1_SHA256,
                     OID_PRIME256V1, "04" P256_UX P256_UY);
}

/* The RFC 6979 A.2.5 key as PKCS #8 in PEM ("PRIVATE KEY", RFC 7468 section 10). */
static void ecdsa_p256_pkcs8_pem_sign_verify(void)
{
    struct der key = {.n = 0};
    char text[4096];
    ec_pkcs8(&key, OID_PRIME256V1, P256_X, "04" P256_UX P256_UY);
    size_t len = pem(text, sizeof(text), "PRIVATE KEY", key.b, key.n);
    CHECK(len > 0);
    check_ecdsa_sign((const uint8_t *)text, len, TERN_PKEY_EC_P256, TERN_SIG_ECDSA_SECP256R1_SHA256,
                     OID_PRIME256V1, "04" P256_UX P256_UY);
}

/* The RFC 6979 A.2.6 key as PKCS #8 in DER. */
static void ecdsa_p384_pkcs8_der_sign_verify(void)
{
    struct der key = {.n = 0};
    ec_pkcs8(&key, OID_SECP384R1, P384_X, "04" P384_UX P384_UY);
    check_ecdsa_sign(key.b, key.n, TERN_PKEY_EC_P384, TERN_SIG_ECDSA_SECP384R1_SHA384,
                     OID_SECP384R1, "04" P384_UX P384_UY);
}

/* The RFC 6979 A.2.6 key as SEC 1 in PEM ("EC PRIVATE KEY", RFC 5915 section 4). */
static void ecdsa_p384_sec1_pem_sign_verify(void)
{
    struct der key = {.n = 0};
    char text[4096];
    ec_private(&key, OID_SECP384R1, P384_X, "04" P384_UX P384_UY, 1);
    size_t len = pem(text, sizeof(text), "EC PRIVATE KEY", key.b, key.n);
    CHECK(len > 0);
    check_ecdsa_sign((const uint8_t *)text, len, TERN_PKEY_EC_P384, TERN_SIG_ECDSA_SECP384R1_SHA384,
                     OID_SECP384R1, "04" P384_UX P384_UY);
}

/* ---- RSA ------------------------------------------------------------------ */

/* RSAPrivateKey (RFC 8017 appendix A.1.2) for the SigGen15 key. */
static void siggen15_private(struct der *d)
{
    size_t seq = der_open(d);
    der_small_int(d, 0);
    der_uint_hex(d, siggen15_n);
    der_uint_hex(d, siggen15_e);
    der_uint_hex(d, siggen15_d);
    der_uint_hex(d, siggen15_p);
    der_uint_hex(d, siggen15_q);
    der_uint_hex(d, siggen15_dp);
    der_uint_hex(d, siggen15_dq);
    der_uint_hex(d, siggen15_qi);
    der_close(d, 0x30, seq);
}

static struct tern_pkey *siggen15_key(int as_pem)
{
    struct der key = {.n = 0};
    static char text[4096];
    siggen15_private(&key);
    struct tern_pkey *k = NULL;
    if (as_pem) {
        size_t len = pem(text, sizeof(text), "RSA PRIVATE KEY", key.b, key.n);
        CHECK_INT(tern_pkey_parse_private(&k, (const uint8_t *)text, len), TERN_OK);
    } else {
        CHECK_INT(tern_pkey_parse_private(&k, key.b, key.n), TERN_OK);
    }
    CHECK_INT(tern_pkey_type(k), TERN_PKEY_RSA);
    CHECK(tern_pkey_is_private(k));
    return k;
}

/* Signs msg with the SigGen15 key and expects NIST's S byte for byte, then
 * verifies S with the public key built from n and e. */
static void check_siggen15(int scheme, const char *msg_hex, const char *s_hex, int as_pem)
{
    uint8_t msg[256];
    uint8_t want[256];
    uint8_t got[TERN_SIG_MAX_LEN];
    size_t msg_len = test_unhex(msg_hex, msg, sizeof(msg));
    size_t want_len = test_unhex(s_hex, want, sizeof(want));
    struct tern_pkey *priv = siggen15_key(as_pem);
    size_t got_len = sizeof(got);
    CHECK_INT(tern_sig_sign(priv, scheme, msg, msg_len, got, &got_len), TERN_OK);
    CHECK_INT(got_len, want_len);
    CHECK_MEM(got, want, want_len);

    struct der spki = {.n = 0};
    rsa_spki(&spki, siggen15_n, siggen15_e);
    uint8_t got_spki[512];
    size_t got_spki_len = 0;
    CHECK_INT(tern_pkey_spki(priv, got_spki, sizeof(got_spki), &got_spki_len), TERN_OK);
    CHECK_INT(got_spki_len, spki.n);
    CHECK_MEM(got_spki, spki.b, spki.n);
    struct tern_pkey *pub = parse_public_der(&spki);
    check_verify(pub, scheme, msg, msg_len, want, want_len);
    tern_pkey_free(priv);
    tern_pkey_free(pub);
}

/* SigGen15_186-3.txt, [mod = 2048], first SHA256 entry: rsa_pkcs1_sha256. */
static void rsa_pkcs1_sha256_cavp_siggen15(void)
{
    check_siggen15(TERN_SIG_RSA_PKCS1_SHA256, siggen15_sha256_msg, siggen15_sha256_s, 0);
}

/* SigGen15_186-3.txt, [mod = 2048], first SHA384 entry: rsa_pkcs1_sha384, with
 * the key read from PEM this time. */
static void rsa_pkcs1_sha384_cavp_siggen15(void)
{
    check_siggen15(TERN_SIG_RSA_PKCS1_SHA384, siggen15_sha384_msg, siggen15_sha384_s, 1);
}

static void check_rsa_verify(int scheme, const char *n_hex, const char *e_hex, const char *msg_hex,
                             const char *s_hex, int valid)
{
    uint8_t msg[256];
    uint8_t sig[512];
    size_t msg_len = test_unhex(msg_hex, msg, sizeof(msg));
    size_t sig_len = test_unhex(s_hex, sig, sizeof(sig));
    struct der spki = {.n = 0};
    rsa_spki(&spki, n_hex, e_hex);
    struct tern_pkey *k = parse_public_der(&spki);
    CHECK_INT(tern_pkey_type(k), TERN_PKEY_RSA);
    if (valid) {
        check_verify(k, scheme, msg, msg_len, sig, sig_len);
    } else {
        CHECK_INT(tern_sig_verify(k, scheme, msg, msg_len, sig, sig_len), TERN_ERR_BAD_SIGNATURE);
    }
    tern_pkey_free(k);
}

/* SigVer15_186-3.rsp, [mod = 2048], first SHA256 entry with Result = P. */
static void rsa_pkcs1_sha256_cavp_sigver15_pass(void)
{
    check_rsa_verify(TERN_SIG_RSA_PKCS1_SHA256, sigver15_n, sigver15_e, sigver15_p_msg,
                     sigver15_p_s, 1);
}

/* SigVer15_186-3.rsp, [mod = 2048], the SHA256 entry after it, Result = F. */
static void rsa_pkcs1_sha256_cavp_sigver15_fail(void)
{
    check_rsa_verify(TERN_SIG_RSA_PKCS1_SHA256, sigver15_n, sigver15_e, sigver15_f_msg,
                     sigver15_f_s, 0);
}

/* SigVerPSS_186-3.rsp, [mod = 2048], SHA256, sLen = 32, Result = P. */
static void rsa_pss_sha256_cavp_sigverpss(void)
{
    check_rsa_verify(TERN_SIG_RSA_PSS_RSAE_SHA256, pss256_n, pss256_e, pss256_msg, pss256_s, 1);
}

/* SigVerPSS_186-3.rsp, [mod = 2048], SHA384, sLen = 48, Result = P. */
static void rsa_pss_sha384_cavp_sigverpss(void)
{
    check_rsa_verify(TERN_SIG_RSA_PSS_RSAE_SHA384, pss384_n, pss384_e, pss384_msg, pss384_s, 1);
}

/* SigVerPSS_186-3.rsp, [mod = 1024], SHA256, sLen = 20, Result = P: a valid
 * PSS signature, but RFC 8446 section 4.2.3 says "The length of the Salt MUST
 * be equal to the length of the output of the digest algorithm", so the
 * rsa_pss_rsae_sha256 scheme must refuse it. */
static void rsa_pss_sha256_cavp_short_salt_refused(void)
{
    check_rsa_verify(TERN_SIG_RSA_PSS_RSAE_SHA256, pss1024_n, pss1024_e, pss1024_msg, pss1024_s, 0);
}

/* RSA-PSS signing is randomised: two signatures differ, both verify, neither
 * verifies as PKCS #1 v1.5 or with the other PSS hash. */
static void check_pss_round_trip(int scheme, int other_pss, int pkcs1)
{
    static const uint8_t msg[] = "TLS 1.3, server CertificateVerify";
    struct tern_pkey *priv = siggen15_key(0);
    struct der spki = {.n = 0};
    rsa_spki(&spki, siggen15_n, siggen15_e);
    struct tern_pkey *pub = parse_public_der(&spki);
    uint8_t sig1[TERN_SIG_MAX_LEN];
    uint8_t sig2[TERN_SIG_MAX_LEN];
    size_t len1 = sizeof(sig1);
    size_t len2 = sizeof(sig2);
    CHECK_INT(tern_sig_sign(priv, scheme, msg, sizeof(msg) - 1, sig1, &len1), TERN_OK);
    CHECK_INT(tern_sig_sign(priv, scheme, msg, sizeof(msg) - 1, sig2, &len2), TERN_OK);
    CHECK_INT(len1, 256);
    CHECK_INT(len2, 256);
    CHECK(memcmp(sig1, sig2, 256) != 0);
    check_verify(pub, scheme, msg, sizeof(msg) - 1, sig1, len1);
    check_verify(pub, scheme, msg, sizeof(msg) - 1, sig2, len2);
    CHECK_INT(tern_sig_verify(pub, pkcs1, msg, sizeof(msg) - 1, sig1, len1),
              TERN_ERR_BAD_SIGNATURE);
    CHECK_INT(tern_sig_verify(pub, other_pss, msg, sizeof(msg) - 1, sig1, len1),
              TERN_ERR_BAD_SIGNATURE);
    CHECK_INT(tern_sig_verify(pub, scheme, (const uint8_t *)"TLS 1.2", 7, sig1, len1),
              TERN_ERR_BAD_SIGNATURE);
    /* A buffer one byte short of the modulus. */
    size_t small = 255;
    CHECK_INT(tern_sig_sign(priv, scheme, msg, sizeof(msg) - 1, sig1, &small), TERN_ERR_BUFFER);
    tern_pkey_free(priv);
    tern_pkey_free(pub);
}

static void rsa_pss_sha256_sign_verify(void)
{
    check_pss_round_trip(TERN_SIG_RSA_PSS_RSAE_SHA256, TERN_SIG_RSA_PSS_RSAE_SHA384,
                         TERN_SIG_RSA_PKCS1_SHA256);
}

static void rsa_pss_sha384_sign_verify(void)
{
    check_pss_round_trip(TERN_SIG_RSA_PSS_RSAE_SHA384, TERN_SIG_RSA_PSS_RSAE_SHA256,
                         TERN_SIG_RSA_PKCS1_SHA384);
}

static void rsa_schemes_fit(void)
{
    struct tern_pkey *priv = siggen15_key(0);
    check_unfit_schemes(priv);
    CHECK(tern_sig_scheme_fits(priv, TERN_SIG_RSA_PSS_RSAE_SHA256));
    CHECK(tern_sig_scheme_fits(priv, TERN_SIG_RSA_PSS_RSAE_SHA384));
    tern_pkey_free(priv);
}

/* ---- key parsing ------------------------------------------------------------ */

static void pkey_parse_garbage(void)
{
    static const uint8_t junk[] = {0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x00, 0xde, 0xad};
    static const char bad_pem[] =
        "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n";
    static const char bad_pub_pem[] =
        "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n";
    uint8_t zeros[64] = {0};
    struct tern_pkey *k = (struct tern_pkey *)&k; /* set to NULL by the parser */
    CHECK_INT(tern_pkey_parse_private(&k, junk, sizeof(junk)), TERN_ERR_BAD_CREDENTIAL);
    CHECK(k == NULL);
    CHECK_INT(tern_pkey_parse_private(&k, zeros, sizeof(zeros)), TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_pkey_parse_private(&k, (const uint8_t *)"hello", 5), TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_pkey_parse_private(&k, (const uint8_t *)bad_pem, sizeof(bad_pem) - 1),
              TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_pkey_parse_public(&k, junk, sizeof(junk)), TERN_ERR_BAD_CREDENTIAL);
    CHECK(k == NULL);
    CHECK_INT(tern_pkey_parse_public(&k, zeros, sizeof(zeros)), TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_pkey_parse_public(&k, (const uint8_t *)bad_pub_pem, sizeof(bad_pub_pem) - 1),
              TERN_ERR_BAD_CREDENTIAL);

    /* A truncated key. */
    struct der key = {.n = 0};
    ec_private(&key, OID_PRIME256V1, P256_X, "04" P256_UX P256_UY, 1);
    CHECK_INT(tern_pkey_parse_private(&k, key.b, key.n - 1), TERN_ERR_BAD_CREDENTIAL);
    struct der spki = {.n = 0};
    ec_spki(&spki, OID_PRIME256V1, "04" P256_UX P256_UY);
    CHECK_INT(tern_pkey_parse_public(&k, spki.b, spki.n - 1), TERN_ERR_BAD_CREDENTIAL);
    /* A public key is not a private key, and the other way round. */
    CHECK_INT(tern_pkey_parse_private(&k, spki.b, spki.n), TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_pkey_parse_public(&k, key.b, key.n), TERN_ERR_BAD_CREDENTIAL);
    /* A point that is not on the curve (last bit of Uy flipped). */
    struct der off = {.n = 0};
    ec_spki(&off, OID_PRIME256V1,
            "04" P256_UX "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462298");
    CHECK_INT(tern_pkey_parse_public(&k, off.b, off.n), TERN_ERR_BAD_CREDENTIAL);

    /* Misuse. */
    CHECK_INT(tern_pkey_parse_private(&k, junk, 0), TERN_ERR_ARG);
    CHECK_INT(tern_pkey_parse_private(&k, NULL, 10), TERN_ERR_ARG);
    CHECK_INT(tern_pkey_parse_private(NULL, junk, sizeof(junk)), TERN_ERR_ARG);
    CHECK_INT(tern_pkey_parse_public(&k, junk, 0), TERN_ERR_ARG);
    CHECK_INT(tern_pkey_parse_public(NULL, junk, sizeof(junk)), TERN_ERR_ARG);
    CHECK_INT(tern_pkey_ed25519_raw(NULL, zeros, 1), TERN_ERR_ARG);
    CHECK_INT(tern_pkey_ed25519_raw(&k, NULL, 1), TERN_ERR_ARG);
    CHECK_INT(tern_pkey_type(NULL), TERN_PKEY_NONE);
    CHECK_INT(tern_pkey_is_private(NULL), 0);
    tern_pkey_free(NULL);
}

/* A DER key followed by anything is refused (the trailing bytes could hide a
 * second object). */
static void pkey_parse_trailing_bytes(void)
{
    struct tern_pkey *k = NULL;
    struct der key = {.n = 0};
    ec_private(&key, OID_PRIME256V1, P256_X, "04" P256_UX P256_UY, 1);
    CHECK_INT(tern_pkey_parse_private(&k, key.b, key.n), TERN_OK);
    tern_pkey_free(k);
    der_bytes(&key, "\0", 1);
    CHECK_INT(tern_pkey_parse_private(&k, key.b, key.n), TERN_ERR_BAD_CREDENTIAL);
    CHECK(k == NULL);

    struct der p8 = {.n = 0};
    ec_pkcs8(&p8, OID_SECP384R1, P384_X, "04" P384_UX P384_UY);
    der_bytes(&p8, "\x30\x00", 2);
    CHECK_INT(tern_pkey_parse_private(&k, p8.b, p8.n), TERN_ERR_BAD_CREDENTIAL);

    struct der rsa = {.n = 0};
    siggen15_private(&rsa);
    der_bytes(&rsa, "\xff", 1);
    CHECK_INT(tern_pkey_parse_private(&k, rsa.b, rsa.n), TERN_ERR_BAD_CREDENTIAL);

    struct der spki = {.n = 0};
    rsa_spki(&spki, siggen15_n, siggen15_e);
    CHECK_INT(tern_pkey_parse_public(&k, spki.b, spki.n), TERN_OK);
    tern_pkey_free(k);
    der_bytes(&spki, "\0", 1);
    CHECK_INT(tern_pkey_parse_public(&k, spki.b, spki.n), TERN_ERR_BAD_CREDENTIAL);
    CHECK(k == NULL);
}

/* X25519 keys (RFC 8410) parse in libcrypto but cannot sign: refused. */
static void pkey_unsupported_type(void)
{
    struct tern_pkey *k = NULL;
    struct der spki = {.n = 0};
    raw_spki(&spki, OID_X25519, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    CHECK_INT(tern_pkey_parse_public(&k, spki.b, spki.n), TERN_ERR_BAD_CREDENTIAL);
    CHECK(k == NULL);
}

/* tern_pkey_spki() output parses back to a key with the same SPKI, for every
 * key type; a short buffer gets TERN_ERR_BUFFER and the needed length. */
static void check_spki_round_trip(const struct tern_pkey *k, int type)
{
    uint8_t spki[1024];
    uint8_t again[1024];
    size_t len = 0;
    size_t len2 = 0;
    CHECK_INT(tern_pkey_spki(k, spki, sizeof(spki), &len), TERN_OK);
    struct tern_pkey *pub = NULL;
    CHECK_INT(tern_pkey_parse_public(&pub, spki, len), TERN_OK);
    CHECK_INT(tern_pkey_type(pub), type);
    CHECK(!tern_pkey_is_private(pub));
    CHECK_INT(tern_pkey_spki(pub, again, sizeof(again), &len2), TERN_OK);
    CHECK_INT(len2, len);
    CHECK_MEM(again, spki, len);
    size_t need = 0;
    CHECK_INT(tern_pkey_spki(pub, again, len - 1, &need), TERN_ERR_BUFFER);
    CHECK_INT(need, len);
    CHECK_INT(tern_pkey_spki(pub, NULL, 0, &need), TERN_ERR_BUFFER);
    CHECK_INT(need, len);
    CHECK_INT(tern_pkey_spki(NULL, again, sizeof(again), &need), TERN_ERR_ARG);
    tern_pkey_free(pub);
}

static void pkey_spki_round_trip(void)
{
    struct tern_pkey *k = siggen15_key(0);
    check_spki_round_trip(k, TERN_PKEY_RSA);
    tern_pkey_free(k);

    struct der p256 = {.n = 0};
    ec_private(&p256, OID_PRIME256V1, P256_X, "04" P256_UX P256_UY, 1);
    CHECK_INT(tern_pkey_parse_private(&k, p256.b, p256.n), TERN_OK);
    check_spki_round_trip(k, TERN_PKEY_EC_P256);
    tern_pkey_free(k);

    struct der p384 = {.n = 0};
    ec_pkcs8(&p384, OID_SECP384R1, P384_X, "04" P384_UX P384_UY);
    CHECK_INT(tern_pkey_parse_private(&k, p384.b, p384.n), TERN_OK);
    check_spki_round_trip(k, TERN_PKEY_EC_P384);
    tern_pkey_free(k);

    uint8_t seed[32];
    test_unhex(ed25519_test1.secret, seed, sizeof(seed));
    CHECK_INT(tern_pkey_ed25519_raw(&k, seed, 1), TERN_OK);
    check_spki_round_trip(k, TERN_PKEY_ED25519);
    tern_pkey_free(k);

    /* A public key in PEM ("PUBLIC KEY", RFC 7468 section 13). */
    struct der spki = {.n = 0};
    char text[1024];
    raw_spki(&spki, OID_ED25519, ed25519_test1.public_key);
    size_t len = pem(text, sizeof(text), "PUBLIC KEY", spki.b, spki.n);
    CHECK_INT(tern_pkey_parse_public(&k, (const uint8_t *)text, len), TERN_OK);
    CHECK_INT(tern_pkey_type(k), TERN_PKEY_ED25519);
    check_spki_round_trip(k, TERN_PKEY_ED25519);
    check_unfit_schemes(k);
    tern_pkey_free(k);
}

static void sig_errors(void)
{
    uint8_t seed[32];
    uint8_t sig[TERN_SIG_MAX_LEN + 1];
    static const uint8_t msg[] = "m";
    test_unhex(ed25519_test1.secret, seed, sizeof(seed));
    struct tern_pkey *k = NULL;
    CHECK_INT(tern_pkey_ed25519_raw(&k, seed, 1), TERN_OK);
    size_t len = sizeof(sig);
    CHECK_INT(tern_sig_sign(NULL, TERN_SIG_ED25519, msg, 1, sig, &len), TERN_ERR_ARG);
    CHECK_INT(tern_sig_sign(k, TERN_SIG_ED25519, msg, 1, NULL, &len), TERN_ERR_ARG);
    CHECK_INT(tern_sig_sign(k, TERN_SIG_ED25519, msg, 1, sig, NULL), TERN_ERR_ARG);
    CHECK_INT(tern_sig_sign(k, TERN_SIG_ED25519, NULL, 1, sig, &len), TERN_ERR_ARG);
    CHECK_INT(tern_sig_sign(k, 0x9999, msg, 1, sig, &len), TERN_ERR_ARG);
    len = 63;
    CHECK_INT(tern_sig_sign(k, TERN_SIG_ED25519, msg, 1, sig, &len), TERN_ERR_BUFFER);
    len = sizeof(sig);
    CHECK_INT(tern_sig_sign(k, TERN_SIG_ED25519, msg, 1, sig, &len), TERN_OK);
    CHECK_INT(len, 64);
    CHECK(!all_zero(sig, 64));
    CHECK_INT(tern_sig_verify(k, TERN_SIG_ED25519, msg, 1, sig, 64), TERN_OK);
    /* Empty or oversized signatures are malformed, not misuse. */
    CHECK_INT(tern_sig_verify(k, TERN_SIG_ED25519, msg, 1, sig, 0), TERN_ERR_BAD_SIGNATURE);
    CHECK_INT(tern_sig_verify(k, TERN_SIG_ED25519, msg, 1, sig, TERN_SIG_MAX_LEN + 1),
              TERN_ERR_BAD_SIGNATURE);
    CHECK_INT(tern_sig_verify(NULL, TERN_SIG_ED25519, msg, 1, sig, 64), TERN_ERR_ARG);
    CHECK_INT(tern_sig_verify(k, 0x9999, msg, 1, sig, 64), TERN_ERR_ARG);
    CHECK_INT(tern_sig_verify(k, TERN_SIG_ED25519, NULL, 1, sig, 64), TERN_ERR_ARG);
    CHECK_INT(tern_sig_verify(k, TERN_SIG_ED25519, msg, 1, NULL, 64), TERN_ERR_ARG);
    tern_pkey_free(k);
}

TEST_MAIN(T(ed25519_rfc8032_test1), T(ed25519_rfc8032_test2), T(ed25519_rfc8032_test3),
          T(ed25519_rfc8032_test1024), T(ecdsa_p256_rfc6979_sample_sha256),
          T(ecdsa_p256_rfc6979_test_sha256), T(ecdsa_p384_rfc6979_sample_sha384),
          T(ecdsa_p384_rfc6979_test_sha384), T(ecdsa_p256_sec1_der_sign_verify),
          T(ecdsa_p256_pkcs8_pem_sign_verify), T(ecdsa_p384_pkcs8_der_sign_verify),
          T(ecdsa_p384_sec1_pem_sign_verify), T(rsa_pkcs1_sha256_cavp_siggen15),
          T(rsa_pkcs1_sha384_cavp_siggen15), T(rsa_pkcs1_sha256_cavp_sigver15_pass),
          T(rsa_pkcs1_sha256_cavp_sigver15_fail), T(rsa_pss_sha256_cavp_sigverpss),
          T(rsa_pss_sha384_cavp_sigverpss), T(rsa_pss_sha256_cavp_short_salt_refused),
          T(rsa_pss_sha256_sign_verify), T(rsa_pss_sha384_sign_verify), T(rsa_schemes_fit),
          T(pkey_parse_garbage), T(pkey_parse_trailing_bytes), T(pkey_unsupported_type),
          T(pkey_spki_round_trip), T(sig_errors))
