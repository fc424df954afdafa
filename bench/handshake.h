/* bench-handshake: what the driver (handshake.c) asks of each DTLS
 * implementation under test (tern in handshake_tern.c, OpenSSL in
 * handshake_openssl.c, GnuTLS in handshake_gnutls.c), and what the driver
 * offers them: the test PKI (handshake_pki.c), the libcrypto floors
 * (handshake_floor.c) and heap accounting (handshake_heap.c). */
#ifndef TERN_BENCH_HANDSHAKE_H
#define TERN_BENCH_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Every implementation gets the same certificate and MTU (and, from
 * common.h, the same identity, key and ECDHE group). The MTU is larger
 * than any flight (the certificate flight included), so nothing is
 * fragmented. */
#define HS_MTU 1400
/* A datagram buffer: the MTU with room to spare. */
#define HS_DGRAM 2048

/* Certificate suites: the server's name, which every client checks, and
 * one the certificate does not carry (a handshake to it must fail). */
#define HS_HOST       "localhost"
#define HS_WRONG_HOST "wrong.example"

/* The test PKI (tests/pki/make_pki.sh) as files: the root the clients
 * trust, the server's ECDSA P-256 leaf for HS_HOST and its key. Filled in
 * by hs_pki_make() before a certificate suite is set up. */
struct hs_pki {
    char ca[512];
    char cert[512];
    char key[512];
};
extern struct hs_pki hs_pki;

/* Generates the PKI into a new temporary directory (or into $TERN_PKI_DIR
 * when set, where it is kept) and fills hs_pki. Returns 0 on a failure. */
int hs_pki_make(void);
/* Removes the temporary directory, if one was made. */
void hs_pki_remove(void);

/* The server's time in handshakes: each call of the server is bracketed
 * by hs_srv_begin() and hs_srv_end(), which read the thread CPU clock (so
 * that time lost to other processes on a busy machine does not count). A
 * read of that clock is a system call: each bracket also holds part of two
 * reads, which the driver subtracts (calls times the cost it measures). */
struct hs_srv_clock {
    uint64_t ns;    /* thread CPU time inside the server's calls */
    uint64_t calls; /* brackets */
};

static inline uint64_t hs_srv_begin(struct hs_srv_clock *c)
{
    return c != NULL ? hs_cpu_ns() : 0;
}

static inline void hs_srv_end(struct hs_srv_clock *c, uint64_t t0)
{
    if (c != NULL) {
        c->ns += hs_cpu_ns() - t0;
        c->calls++;
    }
}

/* Where a held server connection is stopped. */
enum hs_stage {
    HS_MID = 0,     /* first flight sent, the client's second flight not yet in */
    HS_DONE,        /* handshake complete: the server's last flight just sent */
    HS_ESTABLISHED, /* and the client's first application data received, which
                     * tells a DTLS 1.2 server its last flight arrived */
    HS_STAGES
};

/* One DTLS implementation under test. Every function returns 0 or NULL on
 * failure after printing why on stderr. */
struct hs_impl {
    const char *name;
    /* Per-suite shared state (contexts, credentials, configurations), made
     * once, as a server would. */
    void *(*setup)(const struct hs_suite *s);
    void (*teardown)(void *st);
    /* One full handshake between a fresh client and server over an
     * in-memory link; both are freed after. Returns 1 when both sides
     * completed. With check, also that the version, suite, extended master
     * secret and (ECDHE) group are as asked, that application data crosses
     * both ways, and (certificate suites) that the client verified the
     * chain with no problem and refuses the same server under
     * HS_WRONG_HOST. When srv is not NULL it gains the time spent inside
     * the server's own calls: creating it, every call that reads a
     * datagram, writes one or advances its handshake, and freeing it. */
    int (*handshake)(void *st, int check, struct hs_srv_clock *srv);
    /* A server connection driven to stage, its client freed and its link
     * reduced to what a server reading from a socket keeps; for measuring
     * the heap it holds. */
    void *(*hold)(void *st, enum hs_stage stage);
    void (*release)(void *st, void *server);
    /* An established pair for the record benchmark (bench-throughput):
     * a fresh client and server after a full handshake, with the MTU
     * raised to HS_TPUT_MTU so that a 1400-byte payload fits one record.
     * pair_send() protects len bytes as one record on the client and
     * opens it on the server; with check, the bytes that arrive are
     * compared with data. Returns 1 when they arrived whole. */
    void *(*pair_open)(void *st);
    int (*pair_send)(void *pair, const uint8_t *data, size_t len, int check);
    void (*pair_close)(void *pair);
};

/* The MTU of the record benchmark's pairs (Ethernet's). */
#define HS_TPUT_MTU 1500

extern const struct hs_impl hs_tern_impl;
extern const struct hs_impl hs_openssl_impl;
extern const struct hs_impl hs_gnutls_impl;

/* What libcrypto's own operations cost (handshake_floor.c), measured
 * directly through EVP with every algorithm fetched and every context
 * prepared once: a server's ECDHE_ECDSA handshake cannot cost less than
 * one signature, one key generation and one shared secret; an ECDHE_PSK
 * pair does two key generations and two shared secrets. */
enum {
    HS_FLOOR_KEYGEN, /* HS_GROUP_NAME key pair, public value included */
    HS_FLOOR_DERIVE, /* HS_GROUP_NAME shared secret */
    HS_FLOOR_SIGN,   /* ECDSA P-256 with SHA-256 over a ServerKeyExchange's
                      * 100 signed bytes */
    HS_FLOOR_OPS
};

struct hs_floor;

/* Thread CPU time and count of each operation. */
struct hs_floor_tally {
    uint64_t ns[HS_FLOOR_OPS];
    uint64_t n[HS_FLOOR_OPS];
};

/* Prepares the operations; signs with the PEM private key at key_path
 * (NULL: no signature). NULL on a failure. */
struct hs_floor *hs_floor_new(const char *key_path);
void hs_floor_free(struct hs_floor *f);
/* Runs each operation in turn, for secs of wall time in all, into t.
 * Returns 0 on a failure. */
int hs_floor_turn(struct hs_floor *f, double secs, struct hs_floor_tally *t);
/* Microseconds of CPU time per operation op in t (0: not measured). */
double hs_floor_us(const struct hs_floor_tally *t, int op);

/* Heap accounting (handshake_heap.c): malloc and friends are replaced in
 * this executable, except under AddressSanitizer, which owns them. */
#if defined(__SANITIZE_ADDRESS__)
#define HS_HEAP_COUNTED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HS_HEAP_COUNTED 0
#endif
#endif
#ifndef HS_HEAP_COUNTED
#define HS_HEAP_COUNTED 1
#endif

struct hs_heap_count {
    long long bytes;  /* chunk bytes allocated minus freed */
    long long blocks; /* allocations minus frees */
};

/* Counts every allocation and free from hs_heap_start() to hs_heap_stop(),
 * which returns the net change. Not thread-safe: nothing here runs threads.
 * Both do nothing (and the count is zero) when HS_HEAP_COUNTED is 0. */
void hs_heap_start(void);
struct hs_heap_count hs_heap_stop(void);
/* The count so far, counting on. */
struct hs_heap_count hs_heap_peek(void);

/* The configurations, contexts and sessions each implementation's setup
 * makes for a suite, for benchmarks that drive their own pairs
 * (bench-loss): a tern configuration (server or client), a libssl context,
 * and a GnuTLS session (non-blocking, datagram, MTU HS_MTU, no transport
 * yet) from the state hs_gnutls_impl.setup() returned. NULL or 0 on a
 * failure. */
struct tern_config;
struct ssl_ctx_st;
struct gnutls_session_int;
struct tern_config *hs_tern_config(const struct hs_suite *s, int server);
struct ssl_ctx_st *hs_openssl_ctx_new(const struct hs_suite *s, int server);
int hs_gnutls_session(void *gnutls_state, struct gnutls_session_int **out, int server);

/* The GnuTLS version this executable runs with. */
const char *hs_gnutls_version(void);

#endif
