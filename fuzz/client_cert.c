/* Fuzz target: the whole DTLS 1.2 client engine (tern_conn) in the
 * certificate mode of fuzz/engine.h: it verifies the server's Ed25519
 * chain and the name fuzz.tern.test, and answers a CertificateRequest with
 * its own certificate. Otherwise as fuzz/client.c: the input is server
 * datagrams in the framing of engine.h, and the seed corpus holds the
 * server side of recorded certificate handshakes, which replay up to
 * ESTABLISHED because this client draws the same randomness as the
 * recorded one and Ed25519 signatures are deterministic. */
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
    engine_open(&e, TERN_ROLE_CLIENT, ENGINE_CERT, NULL, NULL, NULL);
    engine_feed(&e, data, size);
    engine_verify(&e);
    engine_close(&e);
    return 0;
}
