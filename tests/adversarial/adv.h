/* The adversarial suite: one test per class of bug that DTLS stacks have
 * shipped (tests/adversarial/cases.def lists them with the outcome each
 * expects). This header holds what the cases share: deterministic
 * configurations, hand-built records and handshake fragments, a forger
 * that speaks as an established peer (for attacks that need the peer's
 * keys), and the checks for "silent drop", "this alert" and "nothing
 * allocated". */
#ifndef TERN_TEST_ADV_H
#define TERN_TEST_ADV_H

#include <stddef.h>
#include <stdint.h>

#include <tern/tern.h>

#include "alloc_count.h"
#include "handshake/header.h"
#include "pair.h"
#include "record/header12.h"
#include "record/rec12.h"
#include "test.h"
#include "wire.h"

/* The PSK both sides know. */
extern const uint8_t adv_psk_id[3];
extern const uint8_t adv_psk_key[16];
/* The server's view of the client's address. */
extern const uint8_t adv_peer[6];

#define ADV_DGRAM 2048

/* The path of a file of the test PKI (tests/pki/make_pki.sh, in
 * $TERN_PKI_DIR); valid until the fourth call after it. */
const char *adv_pki(const char *name);

/* A seeded generator for a configuration's randomness, so that every run
 * of a case sends the same bytes. */
struct adv_rng {
    uint64_t state;
};
int adv_rng_fill(void *arg, uint8_t *out, size_t len);

/* A PSK configuration with tern's defaults but short timers (100 ms
 * doubling to 400 ms, 2 retransmissions) and randomness from rng (NULL:
 * libcrypto's). A server answers without cookies unless cookies is set. */
struct tern_config *adv_psk_config(enum tern_role role, struct adv_rng *rng, int cookies);

/* A server connection that has received nothing yet. Takes cfg's
 * reference. */
struct tern_conn *adv_server(struct tern_config *cfg);

/* A started client; its first ClientHello datagram is copied to ch (when
 * not NULL) and its length to *ch_len. Takes cfg's reference. */
struct tern_conn *adv_client(struct tern_config *cfg, uint8_t *ch, size_t *ch_len);

/* Wraps payload in one DTLS 1.2 record. Returns the record length. */
size_t adv_record(uint8_t *out, size_t cap, uint8_t type, uint16_t epoch, uint64_t seq,
                  const uint8_t *payload, size_t len);

/* Writes a handshake header and frag_len bytes of frag (zeros when NULL):
 * a fragment to put in a record. Returns its length. */
size_t adv_fragment(uint8_t *out, size_t cap, uint8_t type, uint32_t length, uint16_t msg_seq,
                    uint32_t off, const uint8_t *frag, uint32_t frag_len);

/* A whole handshake message (body of len bytes) in an epoch-0 record with
 * record number rec_seq. Returns the datagram length. */
size_t adv_message(uint8_t *out, size_t cap, uint8_t type, uint16_t msg_seq, uint64_t rec_seq,
                   const uint8_t *body, uint32_t len);

/* A ClientHello body offering the given suites with the given extensions
 * block contents (ext_len bytes of type-length-body entries, without the
 * block's own length) and cookie. Returns the body length. */
size_t adv_client_hello_body(uint8_t *out, size_t cap, const uint16_t *suites, size_t n_suites,
                             const uint8_t *exts, size_t ext_len, const uint8_t *cookie,
                             size_t cookie_len);

/* Appends one extension (type, length, body) to an extensions buffer. */
size_t adv_ext(uint8_t *out, size_t cap, size_t at, uint16_t type, const uint8_t *body, size_t len);

/* Feeds a datagram (copied: the connection decrypts in place) and returns
 * what tern_conn_receive() returned. */
int adv_feed(struct tern_conn *c, const uint8_t *dgram, size_t len);

/* The next datagram the connection sends must be exactly one alert record
 * of level and description (under any protection). Only plaintext records
 * show their level and description; for a protected one the connection's
 * tern_conn_alert_sent() is checked instead. */
void adv_expect_alert(struct tern_conn *c, int level, int desc);

/* The connection failed with err and sends alert desc (fatal). */
void adv_expect_failed(struct tern_conn *c, int err, int desc);

/* Nothing to send. */
void adv_expect_silent(struct tern_conn *c);

/* Runs a PSK handshake between two fresh connections (seeded) to the end
 * of the server's linger, so both hold only their established state. The
 * forger (when not NULL) learns the keys on the way. */
struct adv_forger;
void adv_established(struct pair *p, struct adv_forger *f, uint64_t seed);

/* As adv_established(), with the client offering only suite. */
void adv_established_suite(struct pair *p, struct adv_forger *f, uint64_t seed, uint16_t suite);

/* Speaks as an established peer: it learns the master secret from the
 * client's key log and both randoms from the hellos, derives the traffic
 * keys as tern does, and protects records of epoch 1 in either direction
 * with record numbers from 16 up (above the real peer's in these cases,
 * and within the receiver's replay window of them). */
struct adv_forger {
    uint8_t client_random[32];
    uint8_t server_random[32];
    uint8_t master[48];
    uint16_t suite;
    int have_master;
    int have_server_random;
    struct tern_rec12 as_client; /* writes what the client would */
    struct tern_rec12 as_server;
    int ready;
};

/* Learns the master secret from client_cfg's key log (set before the
 * handshake), and the server random from the pair's datagrams. */
void adv_forger_watch(struct adv_forger *f, struct tern_config *client_cfg);
void adv_forger_tap(struct adv_forger *f, struct pair *p);

/* After the handshake: derives the keys. Returns 0 or -1. */
int adv_forger_arm(struct adv_forger *f, uint16_t suite);
void adv_forger_clear(struct adv_forger *f);

/* Protects one record of type from the client (from_client) or the
 * server. Returns the datagram length. */
size_t adv_forge(struct adv_forger *f, int from_client, uint8_t type, const uint8_t *pt, size_t len,
                 uint8_t *out, size_t cap);

/* ---- certificates (certs.c) ---- */

/* A client made from cc (its reference is taken), asking for "localhost",
 * after the ServerHello of TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: the
 * next message it takes is the server's Certificate (message_seq 1). */
struct tern_conn *adv_cert_client(struct tern_config *cc);

/* A certificate client's configuration: it trusts the test CA, and its
 * randomness comes from a fixed seed. */
struct tern_config *adv_cert_client_config(void);

/* Feeds c a Certificate message of the n DER certificates der[i] (len[i]
 * bytes each), in records of at most 1000 bytes of it. Returns what the
 * last tern_conn_receive() returned. */
int adv_send_certificate(struct tern_conn *c, const uint8_t *const *der, const size_t *len,
                         size_t n);

/* The certificates of a PEM file of the test PKI, as DER: copied into buf
 * (cap bytes), with der[i] and len[i] set for each, at most max. Returns
 * how many. */
size_t adv_pki_der(const char *name, uint8_t *buf, size_t cap, const uint8_t **der, size_t *len,
                   size_t max);

/* Expect no allocation by tern or libcrypto since alloc_count_reset(). */
#define CHECK_NO_ALLOCATION()                                                                      \
    do {                                                                                           \
        struct alloc_counts ac_ = alloc_count_get();                                               \
        CHECK_INT(ac_.tern, 0);                                                                    \
        CHECK_INT(ac_.crypto, 0);                                                                  \
    } while (0)

#endif
