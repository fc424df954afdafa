/* Turns a datagram capture of a handshake between tern and a foreign peer
 * (OpenSSL, GnuTLS) into a seed for a whole-engine fuzz target, so that the
 * targets also start from what other implementations really send: their
 * extension orders, fragmentation, suite and group choices, cookie echoes
 * and certificate chains. fuzz/record_interop.sh makes the captures (through
 * tests/interop/udp_trace.py) and runs this tool.
 *
 *   gen-interop-seeds pki DIR
 *       writes the targets' Ed25519 credentials (fuzz/engine_pki.h) as
 *       DIR/ca.pem, server.pem, server.key, client.pem, client.key, for
 *       the foreign peer and tern's command line to use
 *   gen-interop-seeds client CAPTURE SEED
 *       the foreign server's datagrams, framed for fuzz/client*.c
 *   gen-interop-seeds server psk|cert CAPTURE SEED
 *       the foreign client's datagrams, framed for fuzz/server*.c; the
 *       cookie it echoes (made by the recording server) is replaced by the
 *       one the target's server computes for that ClientHello, which has
 *       the same length, so that the target gets past its cookie exchange
 *
 * A capture is a sequence of datagrams, each a direction byte ('C' from the
 * client, 'S' from the server), a 2-byte big-endian length and the bytes.
 *
 * Such a seed cannot replay to ESTABLISHED: the peer's keys were agreed
 * with another instance's randoms. The seed verification (engine.h) checks
 * instead that the target went through the peer's whole handshake up to
 * its Finished, which is dropped as undecryptable, and then timed out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define CAPTURE_MAX (256 * 1024)
#define SEED_MAX    (256 * 1024)

/* DTLS 1.2 offsets (RFC 6347 sections 4.1, 4.2.2 and 4.2.1). */
#define RECORD_HEADER   13
#define HS_HEADER       12
#define CT_HANDSHAKE    22
#define HT_CLIENT_HELLO 1
#define HT_HVR          3

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    size_t n = fread(buf, 1, cap, f);
    int more = fgetc(f) != EOF;
    fclose(f);
    if (more) {
        fprintf(stderr, "%s: larger than %zu bytes\n", path, cap);
        exit(1);
    }
    return n;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static void write_pki(const char *dir)
{
    static const struct {
        const char *name, *pem;
    } files[] = {
        {"ca.pem", engine_ca_pem},         {"server.pem", engine_server_pem},
        {"server.key", engine_server_key}, {"client.pem", engine_client_pem},
        {"client.key", engine_client_key},
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
        write_file(path, files[i].pem, strlen(files[i].pem));
    }
}

/* The cookie the target's server sends for the first ClientHello. */
struct hvr_catch {
    uint8_t cookie[255];
    size_t len;
    int seen;
};

static void catch_hvr(void *arg, const uint8_t *d, size_t len)
{
    struct hvr_catch *h = arg;
    size_t at = RECORD_HEADER + HS_HEADER + 2; /* server_version */
    if (h->seen || len < at + 1 || d[0] != CT_HANDSHAKE || d[RECORD_HEADER] != HT_HVR ||
        len < at + 1 + d[at]) {
        return;
    }
    h->len = d[at];
    memcpy(h->cookie, d + at + 1, h->len);
    h->seen = 1;
}

/* Where the cookie of an unfragmented epoch-0 ClientHello in a one-record
 * datagram starts (its length byte), or 0 when d is something else. */
static size_t cookie_at(const uint8_t *d, size_t len)
{
    if (len < RECORD_HEADER + HS_HEADER || d[0] != CT_HANDSHAKE || d[3] != 0 || d[4] != 0 ||
        d[RECORD_HEADER] != HT_CLIENT_HELLO) {
        return 0;
    }
    size_t at = RECORD_HEADER + HS_HEADER + 2 + 32; /* client_version, random */
    if (len <= at) {
        return 0;
    }
    at += 1 + d[at]; /* session_id */
    return len > at && len >= at + 1 + d[at] ? at : 0;
}

static void append_frame(uint8_t *seed, size_t *n, const uint8_t *d, size_t len)
{
    if (len > ENGINE_LEN_MASK || *n + 2 + len > SEED_MAX) {
        fprintf(stderr, "datagram of %zu bytes does not fit the framing\n", len);
        exit(1);
    }
    seed[(*n)++] = (uint8_t)(len >> 8);
    seed[(*n)++] = (uint8_t)len;
    memcpy(seed + *n, d, len);
    *n += len;
}

static int make_seed(const char *role, int kind, const char *capture, const char *out)
{
    static uint8_t cap[CAPTURE_MAX], seed[SEED_MAX], dgram[ENGINE_LEN_MASK + 1];
    static struct engine e;
    size_t cap_len = read_file(capture, cap, sizeof(cap));
    int server = strcmp(role, "server") == 0;
    uint8_t want = server ? 'C' : 'S';
    struct hvr_catch hvr = {0};
    size_t seed_len = 0, frames = 0, replaced = 0;

    for (size_t at = 0; at < cap_len;) {
        if (cap_len - at < 3 || (cap[at] != 'C' && cap[at] != 'S')) {
            fprintf(stderr, "%s: malformed capture at byte %zu\n", capture, at);
            return 1;
        }
        size_t len = ((size_t)cap[at + 1] << 8) | cap[at + 2];
        if (cap_len - at - 3 < len || len > sizeof(dgram)) {
            fprintf(stderr, "%s: datagram at byte %zu runs past the end\n", capture, at);
            return 1;
        }
        uint8_t dir = cap[at];
        memcpy(dgram, cap + at + 3, len);
        at += 3 + len;
        if (dir != want) {
            continue;
        }
        size_t c = server ? cookie_at(dgram, len) : 0;
        if (c != 0 && !hvr.seen) {
            /* The target's server answers this first ClientHello: keep
             * the cookie it computes for it. */
            engine_open(&e, TERN_ROLE_SERVER, kind, NULL, catch_hvr, &hvr);
            uint8_t frame[2 + sizeof(dgram)];
            frame[0] = (uint8_t)(len >> 8);
            frame[1] = (uint8_t)len;
            memcpy(frame + 2, dgram, len);
            engine_feed(&e, frame, len + 2);
            engine_close(&e);
            if (!hvr.seen) {
                fprintf(stderr, "%s: the target's server sent no HelloVerifyRequest\n", capture);
                return 1;
            }
        } else if (c != 0 && dgram[c] != 0) {
            if (dgram[c] != hvr.len) {
                fprintf(stderr, "%s: echoed cookie of %u bytes, the target's are %zu\n", capture,
                        dgram[c], hvr.len);
                return 1;
            }
            memcpy(dgram + c + 1, hvr.cookie, hvr.len);
            replaced++;
        }
        append_frame(seed, &seed_len, dgram, len);
        frames++;
    }
    if (frames == 0 || (server && replaced == 0)) {
        fprintf(stderr, "%s: no %s datagrams%s\n", capture, server ? "client" : "server",
                server ? " with an echoed cookie" : "");
        return 1;
    }
    write_file(out, seed, seed_len);
    printf("%s: %zu datagrams%s\n", out, frames, replaced ? ", cookie replaced" : "");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "pki") == 0) {
        write_pki(argv[2]);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "client") == 0) {
        return make_seed("client", ENGINE_PSK, argv[2], argv[3]);
    }
    if (argc == 5 && strcmp(argv[1], "server") == 0 &&
        (strcmp(argv[2], "psk") == 0 || strcmp(argv[2], "cert") == 0)) {
        return make_seed("server", strcmp(argv[2], "cert") == 0 ? ENGINE_CERT : ENGINE_PSK, argv[3],
                         argv[4]);
    }
    fprintf(stderr, "usage: gen-interop-seeds pki DIR\n"
                    "       gen-interop-seeds client CAPTURE SEED\n"
                    "       gen-interop-seeds server psk|cert CAPTURE SEED\n");
    return 2;
}
