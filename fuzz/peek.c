/* Fuzz target: tern_dgram_peek() on arbitrary datagrams.
 *
 * Input: byte 0 is the caller's CID length (0..255, all valid); the rest is
 * the datagram. Checks what the header promises: an error leaves the result
 * zeroed and is one of the listed codes, chosen by the first byte as
 * documented; a success reports exactly the header's bytes (decoded here
 * again, independently), a CID inside the datagram and a record that ends
 * inside it; the result depends on nothing but its inputs (a second call
 * agrees, and the CID length matters only to tls12_cid records); and any
 * datagram the cookie gate answers peeks as a ClientHello. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tern/cookie.h>
#include <tern/err.h>
#include <tern/peek.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tern_cookie *g_gate;

static void check(int cond)
{
    if (!cond) {
        abort();
    }
}

static uint64_t be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

static int all_zero(const struct tern_dgram_info *info)
{
    static const struct tern_dgram_info zero;
    return memcmp(info, &zero, sizeof(zero)) == 0;
}

/* The error the first byte alone decides, or 1 when it leaves the header
 * to be read. */
static int by_first_byte(const uint8_t *d, size_t len, size_t cid_len)
{
    if (len == 0) {
        return TERN_ERR_DECODE;
    }
    if ((d[0] & 0xe0) == 0x20) {
        return TERN_ERR_UNSUPPORTED; /* RFC 9147 section 4: 0 0 1 C S L E E */
    }
    if ((d[0] >= 20 && d[0] <= 23) || (d[0] == 25 && cid_len > 0)) {
        return 1;
    }
    return TERN_ERR_CONTENT_TYPE;
}

static void check_error(int rc, const struct tern_dgram_info *info, const uint8_t *d, size_t len,
                        size_t cid_len)
{
    check(all_zero(info));
    int first = by_first_byte(d, len, cid_len);
    if (first != 1) {
        check(rc == first);
        return;
    }
    check(rc == TERN_ERR_DECODE || rc == TERN_ERR_RECORD_OVERFLOW ||
          rc == TERN_ERR_PROTOCOL_VERSION);
}

static void check_ok(const struct tern_dgram_info *info, const uint8_t *d, size_t len,
                     size_t cid_len)
{
    check(by_first_byte(d, len, cid_len) == 1);
    int with_cid = d[0] == 25;
    size_t cid_bytes = with_cid ? cid_len : 0;
    check(info->format == (with_cid ? TERN_DGRAM_DTLS12_CID : TERN_DGRAM_DTLS12));
    check(info->header_len == 13 + cid_bytes);
    check(info->header_len <= len && info->record_len <= len - info->header_len);
    check(info->record_len <= 16384 + 2048);
    check(info->record_len == be(d + 11 + cid_bytes, 2));
    check(info->content_type == d[0]);
    check(info->version == be(d + 1, 2) && (info->version >> 8) == 0xfe);
    check(info->epoch == be(d + 3, 2) && info->epoch_bits == 16);
    check(info->seq == be(d + 5, 6) && info->seq_bits == 48);
    if (with_cid) {
        check(info->cid == d + 11 && info->cid_len == cid_len);
        check(info->cid + info->cid_len <= d + info->header_len);
    } else {
        check(info->cid == NULL && info->cid_len == 0);
    }
    int hello = d[0] == 22 && info->epoch == 0 && info->record_len > 0 && d[13] == 1;
    check(info->client_hello == hello);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t secret[32] = "fuzzing secret, fuzzing secret.";
    static const uint8_t peer[4] = {10, 0, 0, 1};
    if (g_gate == NULL && tern_cookie_new(&g_gate, secret, sizeof(secret)) != 0) {
        abort();
    }
    if (size < 1) {
        return 0;
    }
    size_t cid_len = data[0];
    const uint8_t *d = data + 1;
    size_t len = size - 1;
    struct tern_dgram_info info;
    memset(&info, 0x5a, sizeof(info));
    int rc = tern_dgram_peek(d, len, cid_len, &info);
    if (rc == TERN_OK) {
        check_ok(&info, d, len, cid_len);
    } else {
        check_error(rc, &info, d, len, cid_len);
    }

    /* Stateless: the same call agrees, and so does another CID length,
     * except for tls12_cid records. */
    struct tern_dgram_info again;
    check(tern_dgram_peek(d, len, cid_len, &again) == rc);
    check(memcmp(&info, &again, sizeof(info)) == 0);
    if (len > 0 && d[0] != 25) {
        check(tern_dgram_peek(d, len, (cid_len + 1) % (TERN_DGRAM_CID_MAX + 1), &again) == rc);
        check(memcmp(&info, &again, sizeof(info)) == 0);
    }

    /* What the cookie gate takes for a ClientHello, the peek does too. */
    uint8_t hvr[64];
    size_t hvr_len = 0;
    int v = tern_cookie_check(g_gate, d, len, peer, sizeof(peer), hvr, sizeof(hvr), &hvr_len);
    if (v == TERN_COOKIE_SEND || v == TERN_COOKIE_VERIFIED) {
        check(rc == TERN_OK && info.client_hello == 1);
    }
    return 0;
}
