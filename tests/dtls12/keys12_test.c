/* Known-answer tests for the DTLS 1.2 key schedule (src/dtls12/keys12.h).
 *
 * No expected value below was produced by tern. The sources:
 *
 * [NIST] NIST CAVP, component test vectors for the SP 800-135 TLS KDF
 *   (CAVS 12.0, csrc.nist.gov, .../components/800-135testvectors/tls.zip,
 *   file tls.rsp), sections "[TLS 1.2, SHA-256]" and "[TLS 1.2,
 *   SHA-384]", COUNT = 0 of each: master_secret
 *   from pre_master_secret, clientHello_random and serverHello_random, and
 *   a 1024-bit key_block from master_secret, server_random and
 *   client_random. The same values are in OpenSSL's
 *   test/recipes/30-test_evp_data/evpkdf_tls12_prf.txt (SHA-256) and
 *   Bouncy Castle's TLSKDFTest (both).
 *
 * [OSSL] Three DTLS 1.2 PSK handshakes between OpenSSL 3.0.19's s_client and
 *   s_server over 127.0.0.1, run by tests/dtls12/keys12_vectors.py
 *   ("capture"): PSK-AES128-GCM-SHA256 and PSK-AES256-GCM-SHA384 with the
 *   extended master secret, and PSK-AES128-GCM-SHA256 without it. PSK
 *   0102...0f10, identity "client1", hint "hint", no session ticket. The
 *   randoms are the ClientHello's and ServerHello's as sent; the master
 *   secret is OpenSSL's key log line (CLIENT_RANDOM); the Finished messages
 *   are those s_client printed with -msg; the 40 bytes exported under the
 *   label "EXPERIMENTAL-tern-kat" (no context) are what s_client printed
 *   with -keymatexport; the protected records are the datagrams as they
 *   crossed the relay. The session hash (RFC 7627 section 3) and the hash
 *   for the server's Finished are SHA-256/384 by Python's hashlib over the
 *   handshake messages as OpenSSL sent them (RFC 6347 section 4.2.6: with
 *   their DTLS headers, without the first ClientHello and the
 *   HelloVerifyRequest); tests/handshake/transcript_test.c checks tern's
 *   transcript against the same messages. OpenSSL's master secret agrees
 *   with those hashes only if they are the ones it used.
 *
 * [PY] RFC 5705 exporter outputs with a context, which OpenSSL's command
 *   line does not export: computed by keys12_vectors.py ("prf") with a PRF
 *   written there from RFC 5246 section 5 on Python's hmac, and the same
 *   bytes from `openssl kdf -kdfopt digest:SHA256 ... TLS1-PRF` given the
 *   exporter's seed built by hand. That PRF reproduces every [OSSL] master
 *   secret, Finished and exported value (the capture checks each and
 *   prints python_prf_agrees), which is what makes it a source.
 *
 * The PRF itself is tested directly in tests/crypto/kdf_test.c with the
 * P_SHA256 and P_SHA384 vectors posted to the IETF TLS working group
 * (msg03416, "Test vectors for TLS 1.2 PRF"). */
#include <string.h>

#include <tern/err.h>

#include "crypto/aead.h"
#include "crypto/hash.h"
#include "handshake/header.h"
#include "dtls12/keys12.h"
#include "test.h"

#define EXPORT_LABEL "EXPERIMENTAL-tern-kat"

static int all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

/* ---- [NIST] master secret and key block --------------------------------- */

struct nist_vec {
    int hash;
    const char *pre_master_secret;
    const char *client_hello_random;
    const char *server_hello_random;
    const char *master_secret;
    const char *server_random; /* of the key expansion (a different pair) */
    const char *client_random;
    const char *key_block; /* 128 bytes */
};

/* [NIST] tls.rsp, [TLS 1.2, SHA-256], COUNT = 0. */
static const struct nist_vec g_nist_sha256 = {
    TERN_HASH_SHA256,
    "f8938ecc9edebc5030c0c6a441e213cd24e6f770a50dda07876f8d55da062bcadb386b411fd4fe4313a604fce6c17f"
    "bc",
    "36c129d01a3200894b9179faac589d9835d58775f9b5ea3587cb8fd0364cae8c",
    "f6c9575ed7ddd73e1f7d16eca115415812a43c2b747daaaae043abfb50053fce",
    "202c88c00f84a17a20027079604787461176455539e705be730890602c289a5001e34eeb3a043e5d52a65e66125188"
    "bf",
    "ae6c806f8ad4d80784549dff28a4b58fd837681a51d928c3e30ee5ff14f39868",
    "62e1fd91f23f558a605f28478c58cf72637b89784d959df7e946d3f07bd1b616",
    "d06139889fffac1e3a71865f504aa5d0d2a2e89506c6f2279b670c3e1b74f531"
    "016a2530c51a3a0f7e1d6590d0f0566b2f387f8d11fd4f731cdd572d2eae927f"
    "6f2f81410b25e6960be68985add6c38445ad9f8c64bf8068bf9a6679485d966f"
    "1ad6f68b43495b10a683755ea2b858d70ccac7ec8b053c6bd41ca299d4e51928",
};

/* [NIST] tls.rsp, [TLS 1.2, SHA-384], COUNT = 0. */
static const struct nist_vec g_nist_sha384 = {
    TERN_HASH_SHA384,
    "a5e2642633f5b8c81ad3fe0c2fe3a8e5ef806b06121dd10df4bb0fe857bfdcf522558e05d2682c9a80c741a3aab171"
    "6f",
    "abe4bf5527429ac8eb13574d2709e8012bd1a113c6d3b1d3aa2c3840518778ac",
    "cb6e0b3eb02976b6466dfa9651c2919414f1648fd3a7838d02153e5bd39535b6",
    "b4d49bfa87747fe815457bc3da15073d6ac73389e703079a3503c09e14bd559a5b3c7c601c7365f6ea8c68d3d95968"
    "27",
    "1b1c8568344a65c30828e7483c0e353e2c68641c9551efae6927d9cd627a107c",
    "954b5fe1849c2ede177438261f099a2fcd884d001b9fe1de754364b1f6a6dd8e",
    "10fd89ef689c7ef033387b8a8f3e5e8e7c11f680f6bdd71fbac3246a73e98d45"
    "d03185dde686e6b2369e4503e9dc5a6d2cee3e2bf2fa3f41d3de57dff3e197c8"
    "a9d5f74cc2d277119d894f8584b07a0a5822f0bd68b3433ec6adaf5c9406c5f3"
    "ddbb71bbe17ce98f3d4d5893d3179ef369f57aad908e2bf710639100c3ce7e0c",
};

static void check_nist_master(const struct nist_vec *v)
{
    uint8_t pms[48];
    uint8_t cr[32];
    uint8_t sr[32];
    uint8_t want[TERN_MASTER_SECRET_LEN];
    uint8_t got[TERN_MASTER_SECRET_LEN];
    size_t pms_len = test_unhex(v->pre_master_secret, pms, sizeof(pms));
    CHECK_INT(test_unhex(v->client_hello_random, cr, sizeof(cr)), 32);
    CHECK_INT(test_unhex(v->server_hello_random, sr, sizeof(sr)), 32);
    CHECK_INT(test_unhex(v->master_secret, want, sizeof(want)), TERN_MASTER_SECRET_LEN);
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_master_secret_legacy(v->hash, pms, pms_len, cr, sr, got), TERN_OK);
    CHECK_MEM(got, want, sizeof(want));
}

/* The key block is one PRF stream, so each suite's keys are a prefix of
 * NIST's 128 bytes, cut in the order of RFC 5246 section 6.3 (no MAC keys
 * for AEAD suites): client_write_key, server_write_key, client_write_IV,
 * server_write_IV. The IV is GCM's and CCM's 4-byte salt (RFC 5288 section
 * 3, RFC 6655 section 3) or ChaCha20-Poly1305's 12 bytes (RFC 7905 section
 * 2). */
static void check_nist_key_block(const struct nist_vec *v)
{
    static const size_t shapes[][2] = {{16, 4}, {32, 4}, {32, 12}, {16, 12}, {1, 1}};
    uint8_t master[TERN_MASTER_SECRET_LEN];
    uint8_t cr[32];
    uint8_t sr[32];
    uint8_t kb[128];
    CHECK_INT(test_unhex(v->master_secret, master, sizeof(master)), TERN_MASTER_SECRET_LEN);
    CHECK_INT(test_unhex(v->client_random, cr, sizeof(cr)), 32);
    CHECK_INT(test_unhex(v->server_random, sr, sizeof(sr)), 32);
    CHECK_INT(test_unhex(v->key_block, kb, sizeof(kb)), sizeof(kb));
    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        size_t kl = shapes[s][0];
        size_t il = shapes[s][1];
        struct tern_keys12 k;
        memset(&k, 0xee, sizeof(k));
        CHECK_INT(tern_keys12_derive(v->hash, master, cr, sr, kl, il, &k), TERN_OK);
        CHECK_INT(k.key_len, kl);
        CHECK_INT(k.iv_len, il);
        CHECK_MEM(k.client_key, kb, kl);
        CHECK_MEM(k.server_key, kb + kl, kl);
        CHECK_MEM(k.client_iv, kb + 2 * kl, il);
        CHECK_MEM(k.server_iv, kb + 2 * kl + il, il);
        /* The unused tails are zero, not left over. */
        CHECK(all_zero(k.client_key + kl, sizeof(k.client_key) - kl));
        CHECK(all_zero(k.server_key + kl, sizeof(k.server_key) - kl));
        CHECK(all_zero(k.client_iv + il, sizeof(k.client_iv) - il));
        CHECK(all_zero(k.server_iv + il, sizeof(k.server_iv) - il));
    }
}

static void nist_sha256_master_secret(void)
{
    check_nist_master(&g_nist_sha256);
}

static void nist_sha384_master_secret(void)
{
    check_nist_master(&g_nist_sha384);
}

static void nist_sha256_key_block(void)
{
    check_nist_key_block(&g_nist_sha256);
}

static void nist_sha384_key_block(void)
{
    check_nist_key_block(&g_nist_sha384);
}

/* ---- [OSSL] handshakes with OpenSSL ------------------------------------- */

/* The PSK of every capture (s_client/s_server -psk). */
static const char g_psk_hex[] = "0102030405060708090a0b0c0d0e0f10";

struct capture {
    int hash;
    int ems;
    int aead;
    size_t key_len;
    const char *client_random;
    const char *server_random;
    const char *master_secret;   /* OpenSSL's key log */
    const char *session_hash;    /* through ClientKeyExchange */
    const char *server_fin_hash; /* through the client's Finished */
    const char *client_finished; /* as s_client -msg printed it, header included */
    const char *server_finished; /* the same */
    const char *exported;        /* s_client -keymatexport, 40 bytes */
    const char *rec_client_fin;  /* epoch 1 records as sent */
    const char *rec_server_fin;  /* ... */
    const char *rec_client_data; /* "hello\n" */
};

/* [OSSL] PSK-AES128-GCM-SHA256, extended master secret. */
static const struct capture g_ossl_ems256 = {
    TERN_HASH_SHA256,
    1,
    TERN_AEAD_AES_128_GCM,
    16,
    "0fc52541fcdcf7baf6d7894152a9359943b60d705b1998590c9edab8e512016d",
    "78839993b37df66a0b548698c82a263ce1814e19436d94fb1af9afbdc39e3a35",
    "663f32ab4e2cb18f58215cbe8558ff6045a5c5e2b0fab5b0f36c3a911bb5b217abd26d4429b6a9fea3bc62c5fae4a4"
    "52",
    "5dc01b138c80c4953b4e3d9197d03d042b69368fa0c8c1a7f64249c2fed3d06b",
    "0b8909b8b5e803f59a870d0bf9cfe3d5a909e707f61e26512ece09ea89700f01",
    "1400000c000300000000000cbaa0f36e5025cef837cc8aae",
    "1400000c000400000000000c07d0b43d2b311d44ff75236b",
    "b1a44fb9912f9ea9e0a2285801ad9a78b632ce2cdd47a1855922f2d0519e69366e3c4d0915ef7a47",
    "16fefd0001000000000000003078460dc68d63b0c3622705f327d60699fa332b91e594700c32a7d00ffb773ecbc1bf"
    "4714e8e3c41a6b207af053dfbf2b",
    "16fefd00010000000000000030c49c5c27afe3541535e3cb6295ea9db62276ad7e86ee4030565eb6e51161d3e3e8d4"
    "7355f4cf40dc3aa1305a8edb7585",
    "17fefd0001000000000001001e78460dc68d63b0c4dc645118ed3d9ce7d439f5b7a602f77c7c09ddd7b16f",
};

/* [OSSL] PSK-AES256-GCM-SHA384, extended master secret. */
static const struct capture g_ossl_ems384 = {
    TERN_HASH_SHA384,
    1,
    TERN_AEAD_AES_256_GCM,
    32,
    "6ed7a2d96c29c684d37047fef37ee6f90433d42c6c2088f71a3b0f7301740d83",
    "21dadcde33d61f7fbdeac18a6e33ad21ca5a1b95aae4a52c0c2449659a172c32",
    "14869d6a53b728a430fc8222c827c0d1a223f55b5fb39d5cb353614f6b0db803554ec33d75855117bbc81937c5db73"
    "35",
    "83adb66ce893695285c994b64f214a5ce063475c8613f5a693744821917ee6ab2ac429fdd0b02ad11f996401d7bc6f"
    "ad",
    "420d6cf5d117b7bd37df7282108238face4251ee607499d4eab218fe7ff4a467f21004a936dadf5805689afd22b1d2"
    "34",
    "1400000c000300000000000c4b13920ee3674922bf1a1837",
    "1400000c000400000000000ca438d3c7f6c55e4bc45f01f3",
    "d0c88d5cee792bfe50fc4851bdeff78626283a28822591dbd626f3cccb314fa3a9680d6ae4d44cb1",
    "16fefd00010000000000000030e7ff3755c6412be2d2f5e0200929c48be23e8e3133bfdc8cfa4f4471ace924ce0b40"
    "1200362a9593b704603ed651e35d",
    "16fefd0001000000000000003018419368e202bd2c839ec75dc06cebc88baf52dd3bc1cc044823c1d965dd3f4837c7"
    "4b16326a9c794a28adaa0241d96d",
    "17fefd0001000000000001001ee7ff3755c6412be39487df7b8d423730db8801eec2a10dcf39d0b8a1938a",
};

/* [OSSL] PSK-AES128-GCM-SHA256 without the extended master secret (both
 * sides configured with Options = -ExtendedMasterSecret). */
static const struct capture g_ossl_legacy256 = {
    TERN_HASH_SHA256,
    0,
    TERN_AEAD_AES_128_GCM,
    16,
    "4c239c15c3eb3947235acfcd9f86fd4cbdd9bdbe764915af07dbcea1edba3458",
    "2f6173b9999fde9e0cddad7e5442cbf5f1eed2a4bd98f9c73b3d8a80ae610065",
    "bdd9876b596c12ac60dd19ab31a98a8e35dd1e39fec9082c53a8ee7c57b5c99145aeb8d4414deb7c3fcbd34448f21d"
    "89",
    "e7719c04d2c346708841a5834b56eca87ed2966bbd4bd0e05f53281e918ba35e",
    "03575f837a35d187f9a06cb46113767f338beba0fcb0c46c8906e4c5ba5f50da",
    "1400000c000300000000000cb63a03e64d78b17ca4223202",
    "1400000c000400000000000c124b6aed05a696b69551573a",
    "9f3148b971a65cbd906e04c04d17fb17b1cc15b688f5b262b36c9a59f3b2585c9ec67b526ce1a0df",
    "16fefd0001000000000000003000dc60ab78c492a514a06b5e9faf1680f5523b071f573b50dc154a464e70e95df3b1"
    "51fb6384c5bfddcecfeb54e111f0",
    "16fefd00010000000000000030fe81c2a8c40703a76064b83eecef0d6a3c80b5771138d913040e703500c89ffec2fb"
    "50475997c605b0fa9beb3591bad0",
    "17fefd0001000000000001001e00dc60ab78c492a6cc87d9da0b010b7c9d5877477c6433160ff273127aa0",
};

struct captured {
    uint8_t cr[32];
    uint8_t sr[32];
    uint8_t master[TERN_MASTER_SECRET_LEN];
    uint8_t session_hash[TERN_HASH_MAX_LEN];
    size_t session_hash_len;
};

static void load(const struct capture *c, struct captured *x)
{
    CHECK_INT(test_unhex(c->client_random, x->cr, sizeof(x->cr)), 32);
    CHECK_INT(test_unhex(c->server_random, x->sr, sizeof(x->sr)), 32);
    CHECK_INT(test_unhex(c->master_secret, x->master, sizeof(x->master)), TERN_MASTER_SECRET_LEN);
    x->session_hash_len = test_unhex(c->session_hash, x->session_hash, sizeof(x->session_hash));
    CHECK_INT(x->session_hash_len, tern_hash_len(c->hash));
}

/* RFC 4279 section 2: other_secret is N zero bytes for plain PSK; the
 * premaster secret is both with 16-bit lengths. Here N = 16. */
static void ossl_psk_premaster(void)
{
    uint8_t psk[16];
    uint8_t want[TERN_PREMASTER_MAX];
    uint8_t got[TERN_PREMASTER_MAX];
    size_t got_len = 0;
    CHECK_INT(test_unhex(g_psk_hex, psk, sizeof(psk)), 16);
    size_t want_len = test_unhex("0010"
                                 "00000000000000000000000000000000"
                                 "0010"
                                 "0102030405060708090a0b0c0d0e0f10",
                                 want, sizeof(want));
    CHECK_INT(tern_psk_premaster(NULL, 0, psk, sizeof(psk), got, &got_len), TERN_OK);
    CHECK_INT(got_len, want_len);
    CHECK_MEM(got, want, want_len);
}

static void check_master(const struct capture *c)
{
    struct captured x;
    load(c, &x);
    uint8_t psk[16];
    uint8_t pms[TERN_PREMASTER_MAX];
    size_t pms_len = 0;
    uint8_t got[TERN_MASTER_SECRET_LEN];
    CHECK_INT(test_unhex(g_psk_hex, psk, sizeof(psk)), 16);
    CHECK_INT(tern_psk_premaster(NULL, 0, psk, sizeof(psk), pms, &pms_len), TERN_OK);
    memset(got, 0, sizeof(got));
    if (c->ems) {
        /* RFC 7627 section 4. */
        CHECK_INT(
            tern_master_secret_ems(c->hash, pms, pms_len, x.session_hash, x.session_hash_len, got),
            TERN_OK);
    } else {
        /* RFC 5246 section 8.1. */
        CHECK_INT(tern_master_secret_legacy(c->hash, pms, pms_len, x.cr, x.sr, got), TERN_OK);
    }
    CHECK_MEM(got, x.master, sizeof(got));
}

/* RFC 5246 section 7.4.9: verify_data = PRF(master_secret, finished_label,
 * Hash(handshake_messages))[0..11]; the server's hash also covers the
 * client's Finished. */
static void check_finished(const struct capture *c)
{
    struct captured x;
    load(c, &x);
    uint8_t fin[TERN_HS_HEADER_LEN + TERN_VERIFY_DATA_LEN];
    uint8_t hash[TERN_HASH_MAX_LEN];
    uint8_t got[TERN_VERIFY_DATA_LEN];

    CHECK_INT(test_unhex(c->client_finished, fin, sizeof(fin)), sizeof(fin));
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_finished12(c->hash, x.master, 1, x.session_hash, x.session_hash_len, got),
              TERN_OK);
    CHECK_MEM(got, fin + TERN_HS_HEADER_LEN, TERN_VERIFY_DATA_LEN);

    size_t hash_len = test_unhex(c->server_fin_hash, hash, sizeof(hash));
    CHECK_INT(hash_len, tern_hash_len(c->hash));
    CHECK_INT(test_unhex(c->server_finished, fin, sizeof(fin)), sizeof(fin));
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_finished12(c->hash, x.master, 0, hash, hash_len, got), TERN_OK);
    CHECK_MEM(got, fin + TERN_HS_HEADER_LEN, TERN_VERIFY_DATA_LEN);
}

/* RFC 5705 section 4, no context: what s_client exported. */
static void check_exported(const struct capture *c)
{
    struct captured x;
    load(c, &x);
    uint8_t want[40];
    uint8_t got[40];
    CHECK_INT(test_unhex(c->exported, want, sizeof(want)), sizeof(want));
    memset(got, 0, sizeof(got));
    CHECK_INT(
        tern_export12(c->hash, x.master, x.cr, x.sr, EXPORT_LABEL, NULL, 0, 0, got, sizeof(got)),
        TERN_OK);
    CHECK_MEM(got, want, sizeof(want));
    /* Without use_context a context passed in is not part of the seed. */
    static const uint8_t ctx[3] = {1, 2, 3};
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_export12(c->hash, x.master, x.cr, x.sr, EXPORT_LABEL, ctx, sizeof(ctx), 0, got,
                            sizeof(got)),
              TERN_OK);
    CHECK_MEM(got, want, sizeof(want));
    /* A shorter export is a prefix of the longer one. */
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_export12(c->hash, x.master, x.cr, x.sr, EXPORT_LABEL, NULL, 0, 0, got, 13),
              TERN_OK);
    CHECK_MEM(got, want, 13);
    CHECK(all_zero(got + 13, sizeof(got) - 13));
}

/* Opens one AEAD record as OpenSSL sent it, with a key and IV salt from
 * tern_keys12_derive(): nonce = salt (4) || nonce_explicit (8) (RFC 5288
 * section 3), additional data = epoch || seq (8) || type || version ||
 * plaintext length (RFC 6347 section 4.1.2.1, RFC 5246 section 6.2.3.3).
 * The AEAD itself has its known-answer tests in tests/crypto/aead_test.c. */
static void open_record(int aead, const uint8_t *key, size_t key_len, const uint8_t *salt,
                        const char *rec_hex, const uint8_t *want, size_t want_len)
{
    uint8_t rec[128];
    size_t rec_len = test_unhex(rec_hex, rec, sizeof(rec));
    CHECK_INT(rec_len, 13 + 8 + want_len + 16);
    if (rec_len != 13 + 8 + want_len + 16) {
        return;
    }
    uint8_t nonce[TERN_AEAD_NONCE_LEN];
    memcpy(nonce, salt, 4);
    memcpy(nonce + 4, rec + 13, 8);
    uint8_t aad[13];
    memcpy(aad, rec + 3, 8);
    memcpy(aad + 8, rec, 3);
    aad[11] = (uint8_t)(want_len >> 8);
    aad[12] = (uint8_t)want_len;
    struct tern_aead a;
    CHECK_INT(tern_aead_init(&a, aead, 0, key, key_len), TERN_OK);
    CHECK_INT(tern_aead_open(&a, nonce, aad, sizeof(aad), rec + 21, want_len, rec + 21 + want_len),
              TERN_OK);
    tern_aead_clear(&a);
    CHECK_MEM(rec + 21, want, want_len);
}

/* RFC 5246 section 6.3: the keys tern derives from OpenSSL's master secret
 * open OpenSSL's records, the client's with client_write_key and
 * client_write_IV, the server's with the server's. */
static void check_keys(const struct capture *c)
{
    struct captured x;
    load(c, &x);
    struct tern_keys12 k;
    CHECK_INT(tern_keys12_derive(c->hash, x.master, x.cr, x.sr, c->key_len, 4, &k), TERN_OK);
    uint8_t fin[TERN_HS_HEADER_LEN + TERN_VERIFY_DATA_LEN];
    CHECK_INT(test_unhex(c->client_finished, fin, sizeof(fin)), sizeof(fin));
    open_record(c->aead, k.client_key, k.key_len, k.client_iv, c->rec_client_fin, fin, sizeof(fin));
    CHECK_INT(test_unhex(c->server_finished, fin, sizeof(fin)), sizeof(fin));
    open_record(c->aead, k.server_key, k.key_len, k.server_iv, c->rec_server_fin, fin, sizeof(fin));
    open_record(c->aead, k.client_key, k.key_len, k.client_iv, c->rec_client_data,
                (const uint8_t *)"hello\n", 6);
}

static void ossl_ems_sha256_master_secret(void)
{
    check_master(&g_ossl_ems256);
}

static void ossl_ems_sha384_master_secret(void)
{
    check_master(&g_ossl_ems384);
}

static void ossl_legacy_sha256_master_secret(void)
{
    check_master(&g_ossl_legacy256);
}

static void ossl_ems_sha256_finished(void)
{
    check_finished(&g_ossl_ems256);
}

static void ossl_ems_sha384_finished(void)
{
    check_finished(&g_ossl_ems384);
}

static void ossl_legacy_sha256_finished(void)
{
    check_finished(&g_ossl_legacy256);
}

static void ossl_ems_sha256_exporter(void)
{
    check_exported(&g_ossl_ems256);
}

static void ossl_ems_sha384_exporter(void)
{
    check_exported(&g_ossl_ems384);
}

static void ossl_legacy_sha256_exporter(void)
{
    check_exported(&g_ossl_legacy256);
}

static void ossl_ems_sha256_keys_open_records(void)
{
    check_keys(&g_ossl_ems256);
}

static void ossl_ems_sha384_keys_open_records(void)
{
    check_keys(&g_ossl_ems384);
}

static void ossl_legacy_sha256_keys_open_records(void)
{
    check_keys(&g_ossl_legacy256);
}

/* ---- [PY] exporter with a context --------------------------------------- */

/* The context of every [PY] vector: 19 bytes 0x30..0x42. */
static const char g_context_hex[] = "303132333435363738393a3b3c3d3e3f404142";

static void check_export_context(const struct capture *c, const uint8_t *ctx, size_t ctx_len,
                                 const char *want_hex)
{
    struct captured x;
    load(c, &x);
    uint8_t want[40];
    uint8_t got[40];
    CHECK_INT(test_unhex(want_hex, want, sizeof(want)), sizeof(want));
    memset(got, 0, sizeof(got));
    CHECK_INT(tern_export12(c->hash, x.master, x.cr, x.sr, EXPORT_LABEL, ctx, ctx_len, 1, got,
                            sizeof(got)),
              TERN_OK);
    CHECK_MEM(got, want, sizeof(want));
}

/* [PY] RFC 5705 section 4 with context_value = g_context: seed =
 * client_random + server_random + 0x0013 + context, on the [OSSL] SHA-256
 * handshake's master secret. */
static void py_ems_sha256_exporter_context(void)
{
    uint8_t ctx[19];
    CHECK_INT(test_unhex(g_context_hex, ctx, sizeof(ctx)), sizeof(ctx));
    check_export_context(
        &g_ossl_ems256, ctx, sizeof(ctx),
        "72679b9adee38246111b4b23430dc966d5da4ea1ae2dbd017b3d829ba3a8e4391c9ec6cbf21801b5");
}

/* [PY] The same on the SHA-384 handshake. */
static void py_ems_sha384_exporter_context(void)
{
    uint8_t ctx[19];
    CHECK_INT(test_unhex(g_context_hex, ctx, sizeof(ctx)), sizeof(ctx));
    check_export_context(
        &g_ossl_ems384, ctx, sizeof(ctx),
        "72e22fb5886619f50250c49e173969614d2d87edd0da84261691313c04e8de563ffea7ce291caa64");
}

/* [PY] An empty context is not "no context" (RFC 5705 section 4: the
 * length field 0x0000 is still in the seed). */
static void py_ems_sha256_exporter_empty_context(void)
{
    static const char want[] =
        "643fb7b9a0c445948b843c9defa5632188d87661be46575473a21d47dd53591082ef6824ec54c5b8";
    uint8_t empty[1] = {0};
    check_export_context(&g_ossl_ems256, NULL, 0, want);
    check_export_context(&g_ossl_ems256, empty, 0, want);
}

/* ---- PSK premaster structure (RFC 4279 section 2, RFC 5489 section 2) ---- */

/* ECDHE_PSK: other_secret is the ECDH shared secret (here a made-up
 * 32-byte value, for the layout). Expected bytes written by hand. */
static void psk_premaster_ecdhe(void)
{
    uint8_t z[32];
    uint8_t psk[5] = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5};
    for (size_t i = 0; i < sizeof(z); i++) {
        z[i] = (uint8_t)(0x40 + i);
    }
    uint8_t want[TERN_PREMASTER_MAX];
    size_t want_len = test_unhex("0020"
                                 "404142434445464748494a4b4c4d4e4f"
                                 "505152535455565758595a5b5c5d5e5f"
                                 "0005"
                                 "a1a2a3a4a5",
                                 want, sizeof(want));
    uint8_t got[TERN_PREMASTER_MAX];
    size_t got_len = 0;
    CHECK_INT(tern_psk_premaster(z, sizeof(z), psk, sizeof(psk), got, &got_len), TERN_OK);
    CHECK_INT(got_len, want_len);
    CHECK_MEM(got, want, want_len);
}

/* The largest inputs the header allows for ECDHE_PSK: a P-384 shared
 * secret (48 bytes) and a TERN_PSK_MAX-byte PSK fill TERN_PREMASTER_MAX. */
static void psk_premaster_ecdhe_largest(void)
{
    uint8_t z[48];
    uint8_t psk[TERN_PSK_MAX];
    memset(z, 0x5a, sizeof(z));
    memset(psk, 0xa5, sizeof(psk));
    uint8_t got[TERN_PREMASTER_MAX];
    size_t got_len = 0;
    CHECK_INT(tern_psk_premaster(z, sizeof(z), psk, sizeof(psk), got, &got_len), TERN_OK);
    CHECK_INT(got_len, 2 + 48 + 2 + TERN_PSK_MAX);
    CHECK_INT(got[0], 0);
    CHECK_INT(got[1], 48);
    CHECK_MEM(got + 2, z, sizeof(z));
    CHECK_INT(got[50], 0);
    CHECK_INT(got[51], TERN_PSK_MAX);
    CHECK_MEM(got + 52, psk, sizeof(psk));
}

/* Plain PSK with a one-byte key: 0x0001 0x00 0x0001 key. */
static void psk_premaster_plain_one_byte(void)
{
    static const uint8_t want[] = {0x00, 0x01, 0x00, 0x00, 0x01, 0x77};
    uint8_t psk[1] = {0x77};
    uint8_t got[TERN_PREMASTER_MAX];
    size_t got_len = 0;
    CHECK_INT(tern_psk_premaster(NULL, 0, psk, sizeof(psk), got, &got_len), TERN_OK);
    CHECK_INT(got_len, sizeof(want));
    CHECK_MEM(got, want, sizeof(want));
}

/* RFC 4279 section 2 for the largest PSK tern takes: uint16 64, 64 zero
 * bytes, uint16 64, the key: 132 bytes. */
static void psk_premaster_plain_largest(void)
{
    uint8_t psk[TERN_PSK_MAX];
    uint8_t want[2 + TERN_PSK_MAX + 2 + TERN_PSK_MAX];
    memset(want, 0, sizeof(want));
    want[1] = TERN_PSK_MAX;
    want[2 + TERN_PSK_MAX + 1] = TERN_PSK_MAX;
    for (size_t i = 0; i < sizeof(psk); i++) {
        psk[i] = (uint8_t)(0xc0 ^ i);
        want[2 + TERN_PSK_MAX + 2 + i] = psk[i];
    }
    uint8_t got[TERN_PREMASTER_MAX];
    size_t got_len = 0;
    CHECK_INT(tern_psk_premaster(NULL, 0, psk, sizeof(psk), got, &got_len), TERN_OK);
    CHECK_INT(got_len, 132);
    CHECK_MEM(got, want, sizeof(want));
}

/* Refused inputs leave the outputs alone. */
static void psk_premaster_refused(void)
{
    uint8_t psk[TERN_PSK_MAX + 1];
    uint8_t z[49];
    memset(psk, 1, sizeof(psk));
    memset(z, 2, sizeof(z));
    uint8_t out[TERN_PREMASTER_MAX];
    size_t out_len = 999;
    memset(out, 0xee, sizeof(out));
    CHECK_INT(tern_psk_premaster(NULL, 0, NULL, 16, out, &out_len), TERN_ERR_ARG);
    CHECK_INT(tern_psk_premaster(NULL, 0, psk, 0, out, &out_len), TERN_ERR_ARG);
    CHECK_INT(tern_psk_premaster(NULL, 0, psk, TERN_PSK_MAX + 1, out, &out_len), TERN_ERR_ARG);
    CHECK_INT(tern_psk_premaster(z, 49, psk, 16, out, &out_len), TERN_ERR_ARG);
    CHECK_INT(out_len, 999);
    uint8_t fill[TERN_PREMASTER_MAX];
    memset(fill, 0xee, sizeof(fill));
    CHECK_MEM(out, fill, sizeof(out));
}

/* ---- Argument checks: refused calls write nothing ----------------------- */

static void keys_derive_refused(void)
{
    uint8_t master[TERN_MASTER_SECRET_LEN] = {1};
    uint8_t cr[32] = {2};
    uint8_t sr[32] = {3};
    struct tern_keys12 k;
    struct tern_keys12 before;
    memset(&k, 0xee, sizeof(k));
    before = k;
    CHECK_INT(tern_keys12_derive(TERN_HASH_SHA256, master, cr, sr, 33, 4, &k), TERN_ERR_ARG);
    CHECK_INT(tern_keys12_derive(TERN_HASH_SHA256, master, cr, sr, 16, 13, &k), TERN_ERR_ARG);
    CHECK_INT(tern_keys12_derive(TERN_HASH_SHA256, master, cr, sr, 0, 0, &k), TERN_ERR_ARG);
    CHECK_INT(tern_keys12_derive(0, master, cr, sr, 16, 4, &k), TERN_ERR_ARG);
    CHECK_INT(tern_keys12_derive(7, master, cr, sr, 16, 4, &k), TERN_ERR_ARG);
    CHECK_MEM(&k, &before, sizeof(k));
}

static void master_and_finished_refused(void)
{
    uint8_t pms[20] = {4};
    uint8_t hash[32] = {5};
    uint8_t master[TERN_MASTER_SECRET_LEN] = {6};
    uint8_t cr[32] = {7};
    uint8_t sr[32] = {8};
    uint8_t out[TERN_MASTER_SECRET_LEN];
    uint8_t fill[TERN_MASTER_SECRET_LEN];
    memset(out, 0xee, sizeof(out));
    memset(fill, 0xee, sizeof(fill));
    CHECK_INT(tern_master_secret_ems(0, pms, sizeof(pms), hash, sizeof(hash), out), TERN_ERR_ARG);
    CHECK_INT(tern_master_secret_ems(TERN_HASH_SHA256, NULL, 0, hash, sizeof(hash), out),
              TERN_ERR_ARG);
    CHECK_INT(tern_master_secret_legacy(3, pms, sizeof(pms), cr, sr, out), TERN_ERR_ARG);
    CHECK_INT(tern_master_secret_legacy(TERN_HASH_SHA384, NULL, 0, cr, sr, out), TERN_ERR_ARG);
    CHECK_INT(tern_finished12(0, master, 1, hash, sizeof(hash), out), TERN_ERR_ARG);
    CHECK_MEM(out, fill, sizeof(out));
}

static void export_refused(void)
{
    uint8_t master[TERN_MASTER_SECRET_LEN] = {9};
    uint8_t cr[32] = {10};
    uint8_t sr[32] = {11};
    static uint8_t big[0x10000];
    uint8_t out[16];
    uint8_t fill[16];
    memset(out, 0xee, sizeof(out));
    memset(fill, 0xee, sizeof(fill));
    /* RFC 5705 section 4: context_value_length is a uint16. */
    CHECK_INT(tern_export12(TERN_HASH_SHA256, master, cr, sr, "EXPERIMENTAL-x", big, 0x10000, 1,
                            out, sizeof(out)),
              TERN_ERR_ARG);
    CHECK_INT(tern_export12(TERN_HASH_SHA256, master, cr, sr, NULL, NULL, 0, 0, out, sizeof(out)),
              TERN_ERR_ARG);
    CHECK_INT(tern_export12(TERN_HASH_SHA256, master, cr, sr, "EXPERIMENTAL-x", NULL, 4, 1, out,
                            sizeof(out)),
              TERN_ERR_ARG);
    CHECK_INT(tern_export12(TERN_HASH_SHA256, master, cr, sr, "EXPERIMENTAL-x", NULL, 0, 0, out, 0),
              TERN_ERR_ARG);
    CHECK_INT(tern_export12(TERN_HASH_SHA256, master, cr, sr, "EXPERIMENTAL-x", NULL, 0, 0, NULL,
                            sizeof(out)),
              TERN_ERR_ARG);
    CHECK_INT(tern_export12(0, master, cr, sr, "EXPERIMENTAL-x", NULL, 0, 0, out, sizeof(out)),
              TERN_ERR_ARG);
    CHECK_MEM(out, fill, sizeof(out));
    /* The longest context is taken. */
    CHECK_INT(tern_export12(TERN_HASH_SHA256, master, cr, sr, "EXPERIMENTAL-x", big, 0xffff, 1, out,
                            sizeof(out)),
              TERN_OK);
}

TEST_MAIN(T(nist_sha256_master_secret), T(nist_sha384_master_secret), T(nist_sha256_key_block),
          T(nist_sha384_key_block), T(ossl_psk_premaster), T(ossl_ems_sha256_master_secret),
          T(ossl_ems_sha384_master_secret), T(ossl_legacy_sha256_master_secret),
          T(ossl_ems_sha256_finished), T(ossl_ems_sha384_finished), T(ossl_legacy_sha256_finished),
          T(ossl_ems_sha256_exporter), T(ossl_ems_sha384_exporter), T(ossl_legacy_sha256_exporter),
          T(ossl_ems_sha256_keys_open_records), T(ossl_ems_sha384_keys_open_records),
          T(ossl_legacy_sha256_keys_open_records), T(py_ems_sha256_exporter_context),
          T(py_ems_sha384_exporter_context), T(py_ems_sha256_exporter_empty_context),
          T(psk_premaster_ecdhe), T(psk_premaster_ecdhe_largest), T(psk_premaster_plain_one_byte),
          T(psk_premaster_plain_largest), T(psk_premaster_refused), T(keys_derive_refused),
          T(master_and_finished_refused), T(export_refused))
