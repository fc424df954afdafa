/* Fuzz target: the whole DTLS 1.2 server engine (tern_conn) in the
 * certificate mode of fuzz/engine.h: an Ed25519 server certificate, the
 * ECDHE_ECDSA suites, a client certificate required and verified against
 * the fuzz CA. Otherwise as fuzz/server.c: the input is client datagrams
 * in the framing of engine.h, every call is checked against the engine's
 * contract, and the seed corpus holds the client side of recorded
 * certificate handshakes (Certificate, ClientKeyExchange,
 * CertificateVerify), which this target replays up to ESTABLISHED. */
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#ifdef TERN_FUZZ_MUTATOR
#include "mutator.h" /* structure-aware mutation of the recorded flights */
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct engine e; /* large output buffer: keep it off the stack */
    engine_open(&e, TERN_ROLE_SERVER, ENGINE_CERT, NULL, NULL, NULL);
    engine_feed(&e, data, size);
    engine_verify(&e);
    engine_close(&e);
    return 0;
}
