/* The DTLS 1.2 handshake transcript (src/handshake/transcript.h).
 *
 * RFC 6347 section 4.2.6: the handshake hash covers each message with its
 * 12-byte DTLS header "as if each handshake message had been sent as a
 * single fragment", and leaves out the first ClientHello and the
 * HelloVerifyRequest. tern is given only type, message_seq and body and
 * must rebuild that header itself.
 *
 * Two kinds of expected values, neither from tern:
 * - Messages of two real handshakes between OpenSSL 3.0.19's s_client and
 *   s_server (PSK-AES128-GCM-SHA256 and PSK-AES256-GCM-SHA384, extended
 *   master secret; captured by tests/dtls12/keys12_vectors.py, see
 *   tests/dtls12/keys12_test.c), as they crossed the wire, headers
 *   included; the expected hashes are Python's hashlib over those bytes.
 *   OpenSSL derived its master secret from the same hash (RFC 7627), and
 *   keys12_test.c checks that, so the hashes are the ones a peer uses.
 * - Constructed messages, whose header bytes are written out by hand below
 *   from RFC 6347 section 4.2.2 and hashed with libcrypto's EVP_Digest
 *   directly: neither the layout nor the hash goes through tern's code
 *   (its header writer or its hash wrapper). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <tern/err.h>

#include "crypto/hash.h"
#include "handshake/header.h"
#include "handshake/transcript.h"
#include "test.h"

/* The body of an empty message: never NULL, as the reassembly and the
 * flight hand out. */
static const uint8_t g_empty[1];

/* ---- The OpenSSL handshakes --------------------------------------------- */

struct handshake {
    int alg;
    const char *msgs[6];      /* CH (the second), SH, SKE, SHD, CKE, client Finished */
    const char *session_hash; /* hash of msgs[0..4] */
    const char *fin_hash;     /* hash of msgs[0..5] (the server's Finished) */
};

/* PSK-AES128-GCM-SHA256. */
static const struct handshake g_sha256 = {
    TERN_HASH_SHA256,
    {
        "010000780001000000000078fefd0fc52541fcdcf7baf6d7894152a9359943b60d705b1998590c9edab8e5"
        "12016d0014a6ddcdca2e41d92c0ffa48dab3642baa3997e18e000400a800ff010000360016000000170000"
        "000d002a0028040305030603080708080809080a080b080408050806040105010601030303010302040205"
        "020602",
        "020000510001000000000051fefd78839993b37df66a0b548698c82a263ce1814e19436d94fb1af9afbdc3"
        "9e3a352024efd8262e31db0956d6c53a1450294506d098cb646c7dbd96c42b52481e567e00a8000009ff01"
        "00010000170000",
        "0c0000060002000000000006000468696e74",
        "0e0000000003000000000000",
        "1000000900020000000000090007636c69656e7431",
        "1400000c000300000000000cbaa0f36e5025cef837cc8aae",
    },
    "5dc01b138c80c4953b4e3d9197d03d042b69368fa0c8c1a7f64249c2fed3d06b",
    "0b8909b8b5e803f59a870d0bf9cfe3d5a909e707f61e26512ece09ea89700f01",
};

/* PSK-AES256-GCM-SHA384. */
static const struct handshake g_sha384 = {
    TERN_HASH_SHA384,
    {
        "010000780001000000000078fefd6ed7a2d96c29c684d37047fef37ee6f90433d42c6c2088f71a3b0f7301"
        "740d830014ea1e67c5860f527df0cea6c7df4ed4017a30ba2c000400a900ff010000360016000000170000"
        "000d002a0028040305030603080708080809080a080b080408050806040105010601030303010302040205"
        "020602",
        "020000510001000000000051fefd21dadcde33d61f7fbdeac18a6e33ad21ca5a1b95aae4a52c0c2449659a"
        "172c3220eaf4a68da9356d84ab9e37313383e39d1665f0964d209288626f0c4b531a1dd000a9000009ff01"
        "00010000170000",
        "0c0000060002000000000006000468696e74",
        "0e0000000003000000000000",
        "1000000900020000000000090007636c69656e7431",
        "1400000c000300000000000c4b13920ee3674922bf1a1837",
    },
    "83adb66ce893695285c994b64f214a5ce063475c8613f5a693744821917ee6ab2ac429fdd0b02ad11f996401d7bc"
    "6fad",
    "420d6cf5d117b7bd37df7282108238face4251ee607499d4eab218fe7ff4a467f21004a936dadf5805689afd22b1"
    "d234",
};

/* Adds one message given whole (header and body, as OpenSSL sent it) to t
 * through tern's interface: type, message_seq and the body only. Appends
 * the whole message to wire. */
static void add_wire_msg(struct tern_transcript *t, const char *hex, uint8_t *wire,
                         size_t *wire_len, size_t wire_cap)
{
    uint8_t msg[256];
    size_t n = test_unhex(hex, msg, sizeof(msg));
    CHECK(n >= TERN_HS_HEADER_LEN);
    CHECK(*wire_len + n <= wire_cap);
    if (n < TERN_HS_HEADER_LEN || *wire_len + n > wire_cap) {
        return;
    }
    memcpy(wire + *wire_len, msg, n);
    *wire_len += n;
    uint16_t seq = (uint16_t)(msg[4] << 8 | msg[5]);
    CHECK_INT(tern_transcript_add(t, msg[0], seq, msg + TERN_HS_HEADER_LEN, n - TERN_HS_HEADER_LEN),
              TERN_OK);
}

static void check_hash(const struct tern_transcript *t, const char *want_hex)
{
    uint8_t want[TERN_HASH_MAX_LEN];
    uint8_t got[TERN_HASH_MAX_LEN];
    size_t want_len = test_unhex(want_hex, want, sizeof(want));
    size_t got_len = 0;
    CHECK_INT(tern_transcript_hash(t, got, &got_len), TERN_OK);
    CHECK_INT(got_len, want_len);
    CHECK_MEM(got, want, want_len);
}

/* The hash is chosen after the first messages, as a client learns it from
 * the ServerHello; the kept bytes are the messages exactly as OpenSSL sent
 * them. */
static void check_handshake(const struct handshake *h)
{
    struct tern_transcript t;
    uint8_t wire[1024];
    size_t wire_len = 0;
    CHECK_INT(tern_transcript_init(&t), TERN_OK);
    CHECK_INT(tern_transcript_keep(&t), TERN_OK);
    add_wire_msg(&t, h->msgs[0], wire, &wire_len, sizeof(wire));
    add_wire_msg(&t, h->msgs[1], wire, &wire_len, sizeof(wire));
    CHECK_INT(tern_transcript_choose(&t, h->alg), TERN_OK);
    for (size_t i = 2; i < 5; i++) {
        add_wire_msg(&t, h->msgs[i], wire, &wire_len, sizeof(wire));
    }
    check_hash(&t, h->session_hash);
    /* Reading the hash does not end it. */
    check_hash(&t, h->session_hash);
    add_wire_msg(&t, h->msgs[5], wire, &wire_len, sizeof(wire));
    check_hash(&t, h->fin_hash);
    CHECK_INT(t.len, wire_len);
    CHECK(t.bytes != NULL);
    if (t.bytes != NULL && t.len == wire_len) {
        CHECK_MEM(t.bytes, wire, wire_len);
    }
    tern_transcript_clear(&t);
}

static void openssl_sha256_handshake(void)
{
    check_handshake(&g_sha256);
}

static void openssl_sha384_handshake(void)
{
    check_handshake(&g_sha384);
}

/* ---- Constructed messages ----------------------------------------------- */

static void evp_hash(int alg, const uint8_t *p, size_t n, uint8_t *out, size_t *out_len)
{
    unsigned int len = 0;
    const EVP_MD *md = alg == TERN_HASH_SHA256 ? EVP_sha256() : EVP_sha384();
    CHECK_INT(EVP_Digest(p, n, out, &len, md, NULL), 1);
    *out_len = len;
}

static void check_hash_bytes(const struct tern_transcript *t, int alg, const uint8_t *layout,
                             size_t n)
{
    uint8_t want[TERN_HASH_MAX_LEN];
    uint8_t got[TERN_HASH_MAX_LEN];
    size_t want_len = 0;
    size_t got_len = 0;
    evp_hash(alg, layout, n, want, &want_len);
    CHECK_INT(tern_transcript_hash(t, got, &got_len), TERN_OK);
    CHECK_INT(got_len, want_len);
    CHECK_MEM(got, want, want_len);
}

/* A body longer than 16 bits and an empty one. Header per RFC 6347
 * section 4.2.2: msg_type, length (24), message_seq (16), fragment_offset
 * (24) = 0, fragment_length (24) = length. */
static void constructed_header_layout(void)
{
    enum { BIG = 0x011172 };
    static const uint8_t big_hdr[12] = {0x0b, 0x01, 0x11, 0x72, 0xbe, 0xef,
                                        0x00, 0x00, 0x00, 0x01, 0x11, 0x72};
    static const uint8_t empty_hdr[12] = {0x0e, 0x00, 0x00, 0x00, 0x00, 0x07,
                                          0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    uint8_t *layout = malloc(12 + BIG + 12);
    CHECK(layout != NULL);
    if (layout == NULL) {
        return;
    }
    memcpy(layout, big_hdr, 12);
    for (size_t i = 0; i < BIG; i++) {
        layout[12 + i] = (uint8_t)(i * 13u + 5u);
    }
    memcpy(layout + 12 + BIG, empty_hdr, 12);
    for (int alg = TERN_HASH_SHA256; alg <= TERN_HASH_SHA384; alg++) {
        struct tern_transcript t;
        CHECK_INT(tern_transcript_init(&t), TERN_OK);
        CHECK_INT(tern_transcript_keep(&t), TERN_OK);
        CHECK_INT(tern_transcript_add(&t, TERN_HS_CERTIFICATE, 0xbeef, layout + 12, BIG), TERN_OK);
        CHECK_INT(tern_transcript_add(&t, TERN_HS_SERVER_HELLO_DONE, 7, g_empty, 0), TERN_OK);
        CHECK_INT(tern_transcript_choose(&t, alg), TERN_OK);
        check_hash_bytes(&t, alg, layout, 12 + BIG + 12);
        CHECK_INT(t.len, 12 + BIG + 12);
        if (t.len == 12 + BIG + 12) {
            CHECK_MEM(t.bytes, layout, t.len);
        }
        tern_transcript_clear(&t);
    }
    free(layout);
}

/* Both hashes run until the choice: either can still be chosen after
 * messages were added, and the one not chosen is dropped. */
static void both_hashes_until_chosen(void)
{
    static const uint8_t layout[] = {0x01, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x03, 0xaa, 0xbb, 0xcc};
    for (int alg = TERN_HASH_SHA256; alg <= TERN_HASH_SHA384; alg++) {
        struct tern_transcript t;
        CHECK_INT(tern_transcript_init(&t), TERN_OK);
        CHECK_INT(tern_transcript_add(&t, TERN_HS_CLIENT_HELLO, 1, layout + 12, 3), TERN_OK);
        CHECK_INT(tern_transcript_choose(&t, alg), TERN_OK);
        check_hash_bytes(&t, alg, layout, sizeof(layout));
        CHECK(t.sha256.ctx == NULL || alg == TERN_HASH_SHA256);
        CHECK(t.sha384.ctx == NULL || alg == TERN_HASH_SHA384);
        /* Not kept unless asked. */
        CHECK(t.bytes == NULL);
        CHECK_INT(t.len, 0);
        tern_transcript_clear(&t);
    }
}

/* Choosing again the same hash is harmless; another one, or an unknown
 * one, is refused and changes nothing. */
static void choose_refusals(void)
{
    static const uint8_t layout[] = {0x02, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x02, 0x12, 0x34};
    struct tern_transcript t;
    CHECK_INT(tern_transcript_init(&t), TERN_OK);
    CHECK_INT(tern_transcript_add(&t, TERN_HS_SERVER_HELLO, 0, layout + 12, 2), TERN_OK);
    CHECK_INT(tern_transcript_choose(&t, 0), TERN_ERR_ARG);
    CHECK_INT(tern_transcript_choose(&t, 3), TERN_ERR_ARG);
    CHECK_INT(t.alg, 0);
    CHECK(t.sha256.ctx != NULL && t.sha384.ctx != NULL);
    CHECK_INT(tern_transcript_choose(&t, TERN_HASH_SHA384), TERN_OK);
    CHECK_INT(tern_transcript_choose(&t, TERN_HASH_SHA384), TERN_OK);
    CHECK_INT(tern_transcript_choose(&t, TERN_HASH_SHA256), TERN_ERR_STATE);
    CHECK_INT(tern_transcript_choose(&t, 7), TERN_ERR_ARG);
    CHECK_INT(t.alg, TERN_HASH_SHA384);
    check_hash_bytes(&t, TERN_HASH_SHA384, layout, sizeof(layout));
    tern_transcript_clear(&t);
}

/* No hash before the choice; the outputs are left alone. */
static void hash_before_choice(void)
{
    struct tern_transcript t;
    CHECK_INT(tern_transcript_init(&t), TERN_OK);
    uint8_t out[TERN_HASH_MAX_LEN];
    uint8_t fill[TERN_HASH_MAX_LEN];
    memset(out, 0xee, sizeof(out));
    memset(fill, 0xee, sizeof(fill));
    size_t len = 999;
    CHECK_INT(tern_transcript_hash(&t, out, &len), TERN_ERR_STATE);
    CHECK_INT(len, 999);
    CHECK_MEM(out, fill, sizeof(out));
    tern_transcript_clear(&t);
}

/* Keeping starts with the next message: what was added before is hashed
 * but not kept. Asking twice keeps what is already kept. */
static void keep_from_now_on(void)
{
    static const uint8_t layout[] = {0x0c, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x01, 0x42, 0x0e, 0x00, 0x00, 0x00, 0x00,
                                     0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    struct tern_transcript t;
    CHECK_INT(tern_transcript_init(&t), TERN_OK);
    CHECK_INT(tern_transcript_add(&t, TERN_HS_SERVER_KEY_EXCHANGE, 2, layout + 12, 1), TERN_OK);
    CHECK_INT(tern_transcript_keep(&t), TERN_OK);
    CHECK_INT(tern_transcript_add(&t, TERN_HS_SERVER_HELLO_DONE, 3, g_empty, 0), TERN_OK);
    CHECK_INT(tern_transcript_keep(&t), TERN_OK);
    CHECK_INT(t.len, 12);
    CHECK_MEM(t.bytes, layout + 13, 12);
    CHECK_INT(tern_transcript_choose(&t, TERN_HASH_SHA256), TERN_OK);
    check_hash_bytes(&t, TERN_HASH_SHA256, layout, sizeof(layout));
    tern_transcript_clear(&t);
}

/* Kept bytes grow past the first allocation (4 KiB) intact. */
static void keep_grows(void)
{
    enum { N = 3000 };
    uint8_t *layout = malloc(3 * (12 + N));
    CHECK(layout != NULL);
    if (layout == NULL) {
        return;
    }
    struct tern_transcript t;
    CHECK_INT(tern_transcript_init(&t), TERN_OK);
    CHECK_INT(tern_transcript_keep(&t), TERN_OK);
    for (int m = 0; m < 3; m++) {
        uint8_t *p = layout + m * (12 + N);
        static const uint8_t hdr[12] = {0x0b, 0x00, 0x0b, 0xb8, 0x00, 0x00,
                                        0x00, 0x00, 0x00, 0x00, 0x0b, 0xb8};
        memcpy(p, hdr, 12);
        p[5] = (uint8_t)m;
        for (size_t i = 0; i < N; i++) {
            p[12 + i] = (uint8_t)(i + (size_t)m * 101u);
        }
        CHECK_INT(tern_transcript_add(&t, TERN_HS_CERTIFICATE, (uint16_t)m, p + 12, N), TERN_OK);
    }
    CHECK_INT(t.len, 3 * (12 + N));
    if (t.len == 3 * (12 + N)) {
        CHECK_MEM(t.bytes, layout, t.len);
    }
    CHECK_INT(tern_transcript_choose(&t, TERN_HASH_SHA256), TERN_OK);
    check_hash_bytes(&t, TERN_HASH_SHA256, layout, 3 * (12 + N));
    tern_transcript_clear(&t);
    free(layout);
}

/* A body too long for the 24-bit length is refused before any byte of it
 * is read, and the transcript goes on as if the call had not been made. */
static void body_too_long(void)
{
    static const uint8_t layout[] = {0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x01, 0x99};
    struct tern_transcript t;
    CHECK_INT(tern_transcript_init(&t), TERN_OK);
    CHECK_INT(tern_transcript_keep(&t), TERN_OK);
    CHECK_INT(tern_transcript_add(&t, TERN_HS_CLIENT_KEY_EXCHANGE, 0, layout + 12, (size_t)1 << 24),
              TERN_ERR_DECODE);
    CHECK_INT(t.len, 0);
    CHECK_INT(tern_transcript_add(&t, TERN_HS_CLIENT_KEY_EXCHANGE, 0, layout + 12, 1), TERN_OK);
    CHECK_INT(tern_transcript_choose(&t, TERN_HASH_SHA384), TERN_OK);
    check_hash_bytes(&t, TERN_HASH_SHA384, layout, sizeof(layout));
    tern_transcript_clear(&t);
}

/* More kept bytes than the cap (128 KiB) fail the handshake; the hashes
 * are left as they were. */
static void keep_cap(void)
{
    enum { BIG = 128 << 10 };
    static const uint8_t layout[] = {0x0e, 0x00, 0x00, 0x00, 0x00, 0x01,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    uint8_t *big = calloc(1, BIG);
    CHECK(big != NULL);
    if (big == NULL) {
        return;
    }
    struct tern_transcript t;
    CHECK_INT(tern_transcript_init(&t), TERN_OK);
    CHECK_INT(tern_transcript_keep(&t), TERN_OK);
    CHECK_INT(tern_transcript_add(&t, TERN_HS_CERTIFICATE, 0, big, BIG),
              TERN_ERR_HANDSHAKE_FAILURE);
    CHECK_INT(t.len, 0); /* nothing of the refused message kept */
    CHECK_INT(tern_transcript_add(&t, TERN_HS_SERVER_HELLO_DONE, 1, NULL, 0), TERN_OK);
    CHECK_INT(tern_transcript_add(&t, TERN_HS_FINISHED, 2, NULL, 12), TERN_ERR_ARG);
    CHECK_INT(t.len, sizeof(layout));
    CHECK_MEM(t.bytes, layout, sizeof(layout));
    CHECK_INT(tern_transcript_choose(&t, TERN_HASH_SHA256), TERN_OK);
    check_hash_bytes(&t, TERN_HASH_SHA256, layout, sizeof(layout));
    tern_transcript_clear(&t);
    free(big);
}

/* Clearing is safe on a zeroed transcript and twice. */
static void clear_is_safe(void)
{
    struct tern_transcript t;
    memset(&t, 0, sizeof(t));
    tern_transcript_clear(&t);
    tern_transcript_clear(NULL);
    CHECK_INT(tern_transcript_init(&t), TERN_OK);
    CHECK_INT(tern_transcript_keep(&t), TERN_OK);
    tern_transcript_clear(&t);
    CHECK(t.bytes == NULL);
    CHECK(t.sha256.ctx == NULL && t.sha384.ctx == NULL);
    tern_transcript_clear(&t);
}

TEST_MAIN(T(openssl_sha256_handshake), T(openssl_sha384_handshake), T(constructed_header_layout),
          T(both_hashes_until_chosen), T(choose_refusals), T(hash_before_choice),
          T(keep_from_now_on), T(keep_grows), T(body_too_long), T(keep_cap), T(clear_is_safe))
