/* bench-handshake: what the driver (handshake.c) asks of each DTLS
 * implementation under test (tern in handshake.c, OpenSSL in
 * handshake_openssl.c, GnuTLS in handshake_gnutls.c). */
#ifndef TERN_BENCH_HANDSHAKE_H
#define TERN_BENCH_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

/* Every implementation gets the same identity, key and MTU. The MTU is
 * larger than any PSK flight, so nothing is fragmented. */
#define HS_PSK_IDENTITY "bench-client"
#define HS_PSK_KEY_LEN  16
#define HS_MTU          1400
/* A datagram buffer: the MTU with room to spare. */
#define HS_DGRAM 2048

extern const uint8_t hs_psk_key[HS_PSK_KEY_LEN];

/* One cipher suite as each implementation names it. */
struct hs_suite {
    const char *name;        /* IANA name, as printed and as tern takes it */
    const char *arg;         /* short name for --suite */
    uint16_t id;             /* IANA code point */
    int ecdhe;               /* ECDHE_PSK with X25519 (0: plain PSK) */
    const char *openssl;     /* OpenSSL cipher list */
    const char *gnutls_prio; /* GnuTLS priority string */
};

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
     * secret and (ECDHE) X25519 are as asked and that application data
     * crosses both ways. */
    int (*handshake)(void *st, int check);
    /* A server connection driven to stage, its client freed and its link
     * reduced to what a server reading from a socket keeps; for measuring
     * the heap it holds. */
    void *(*hold)(void *st, enum hs_stage stage);
    void (*release)(void *st, void *server);
};

extern const struct hs_impl hs_tern_impl;
extern const struct hs_impl hs_openssl_impl;
extern const struct hs_impl hs_gnutls_impl;

/* libcrypto's X25519 (what tern uses): the best over rounds of secs each of
 * microseconds per shared-secret computation, 0 on a failure. An ECDHE_PSK
 * handshake pair does four such scalar multiplications (two key
 * generations, two exchanges), which bounds its rate. */
double hs_x25519_us(int rounds, double secs);

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

#endif
