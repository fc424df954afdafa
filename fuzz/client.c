/* Fuzz target: the whole DTLS 1.2 client engine (tern_conn).
 *
 * One client connection per input: PSK identity "client1", every default
 * suite and a seeded random generator reset for every input. It starts its
 * handshake (the ClientHello is pulled and dropped) and then receives the
 * input as a sequence of server datagrams in the framing of fuzz/engine.h
 * (2-byte big-endian header with length and timer/write flags, then the
 * datagram), at an advancing virtual clock; everything it wants sent is
 * pulled after every call and every call is checked against the engine's
 * contract (engine.h). The seed corpus (fuzz/gen_engine_corpus.c) holds the
 * server side of complete recorded handshakes; since this client draws the
 * same randoms and ECDHE keys as the recorded one, the recorded server
 * flights replay up to ESTABLISHED. */
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
    engine_open(&e, TERN_ROLE_CLIENT, ENGINE_PSK, NULL, NULL, NULL);
    engine_feed(&e, data, size);
    engine_verify(&e);
    engine_close(&e);
    return 0;
}
