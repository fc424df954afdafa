/* Fuzz target: the whole DTLS 1.2 server engine (tern_conn).
 *
 * One server connection per input, configured as a real one: PSK identity
 * "client1", every default suite, cookies on under a fixed secret, a fixed
 * peer address and a seeded random generator reset for every input. The
 * input is a sequence of client datagrams in the framing of fuzz/engine.h
 * (2-byte big-endian header with length and timer/write flags, then the
 * datagram); each is received at an advancing virtual clock, everything
 * the server wants sent is pulled after every call, and every call is
 * checked against the engine's contract (engine.h). The seed corpus
 * (fuzz/gen_engine_corpus.c) holds the client side of complete recorded
 * handshakes, which this target replays up to ESTABLISHED, so mutations
 * start deep inside the handshake. */
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
    engine_open(&e, TERN_ROLE_SERVER, ENGINE_PSK, NULL, NULL, NULL);
    engine_feed(&e, data, size);
    engine_verify(&e);
    engine_close(&e);
    return 0;
}
