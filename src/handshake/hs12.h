/* The DTLS 1.2 handshake of one connection: shared state, the dispatcher,
 * and the two role tables (client12.c, server12.c).
 *
 * The connection (src/conn.c) owns the record layer and the clock; it hands
 * each handshake record and ChangeCipherSpec to tern_hs12_on_record() and
 * reads back what happened through the fields marked "out". Everything here
 * is handshake-only: allocated at the start and freed when the handshake
 * ends, except struct tern_session12, the established state, which the
 * connection owns and keeps. */
#ifndef TERN_HANDSHAKE_HS12_H
#define TERN_HANDSHAKE_HS12_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/kex.h"
#include "handshake/config.h"
#include "handshake/flight.h"
#include "handshake/keys12.h"
#include "handshake/reasm.h"
#include "handshake/suites.h"
#include "handshake/transcript.h"
#include "record/rec12.h"

/* A ChangeCipherSpec, dispatched like a handshake message (RFC 6347 4.1:
 * it is a record of its own, but it is part of a flight). */
#define TERN_MSG_CCS 0x100

/* The established state of a DTLS 1.2 connection: one plain struct, so it
 * can later be exported and imported. */
struct tern_session12 {
    uint16_t version;
    uint16_t suite;
    uint8_t ems; /* extended master secret used */
    uint8_t master[TERN_MASTER_SECRET_LEN];
    uint8_t client_random[32];
    uint8_t server_random[32];
    uint8_t psk_identity[TERN_PSK_IDENTITY_MAX_LEN];
    uint16_t psk_identity_len;
    uint16_t peer_record_limit; /* largest plaintext the peer accepts */
};

enum tern_hs12_state {
    /* client */
    TERN_HS12_C_START = 1,
    TERN_HS12_C_WAIT_SERVER_HELLO,
    TERN_HS12_C_WAIT_KEY_EXCHANGE, /* ServerKeyExchange or (PSK) ServerHelloDone */
    TERN_HS12_C_WAIT_HELLO_DONE,
    TERN_HS12_C_WAIT_CCS,
    TERN_HS12_C_WAIT_FINISHED,
    /* server */
    TERN_HS12_S_WAIT_CLIENT_HELLO,
    TERN_HS12_S_WAIT_KEY_EXCHANGE,
    TERN_HS12_S_WAIT_CCS,
    TERN_HS12_S_WAIT_FINISHED,
    /* both */
    TERN_HS12_DONE,
};

/* Records of the next epoch that arrive before the ChangeCipherSpec are
 * held (copied) until the keys exist: at most this many, this large. */
#define TERN_HS12_HELD_RECORDS 2
#define TERN_HS12_HELD_MAX     1536

struct tern_hs12 {
    uint8_t is_client;
    uint8_t state; /* enum tern_hs12_state */
    const struct tern_config *cfg;
    struct tern_rec12 *rl;       /* borrowed from the connection */
    struct tern_session12 *sess; /* borrowed from the connection */
    struct tern_reasm reasm;
    struct tern_flight flight;
    struct tern_transcript transcript;
    const struct tern_suite *suite;
    struct tern_kex kex;
    struct tern_keys12 keys;
    uint16_t send_seq; /* message_seq of our next message */
    /* message_seq where the peer's answer to our last flight begins: a
     * repeat of an older message means our flight was lost; a repeat of a
     * newer one is just a duplicate (RFC 6347 section 4.2.4). */
    uint32_t peer_flight_seq;
    uint16_t group; /* ECDHE group chosen */
    uint8_t psk_key[TERN_PSK_KEY_MAX_LEN];
    size_t psk_key_len;
    uint8_t hint[TERN_PSK_IDENTITY_MAX_LEN];
    size_t hint_len;
    uint8_t peer_point[TERN_KEX_MAX_PUB_LEN];
    size_t peer_point_len;
    uint8_t cookie[255];
    size_t cookie_len;
    unsigned hvr_count;
    uint32_t offered_exts; /* client: extensions offered (bits of enum tern_ext_index) */
    unsigned echo_exts;    /* server: extensions to answer in the ServerHello */
    uint8_t peer_addr[128];
    size_t peer_len;
    char server_name[256];
    /* out: set for the connection to act on */
    uint8_t flight_ready; /* a new flight was built: schedule it, restart the timer */
    uint8_t retransmit;   /* the peer repeated an old flight: resend ours */
    uint8_t oneshot_len;  /* bytes in oneshot: a datagram to send once (HelloVerifyRequest) */
    uint8_t oneshot[80];
    unsigned auth_failures; /* records of the awaited epoch that failed authentication */
    /* next-epoch records held for after the ChangeCipherSpec */
    uint8_t held[TERN_HS12_HELD_RECORDS][TERN_HS12_HELD_MAX];
    size_t held_len[TERN_HS12_HELD_RECORDS];
    size_t n_held;
};

/* Sets up a handshake (allocating reassembly and flight buffers). peer is
 * the server's cookie binding (may be NULL for a client).
 * Errors: TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_hs12_init(struct tern_hs12 *hs, const struct tern_config *cfg, struct tern_rec12 *rl,
                   struct tern_session12 *sess, const void *peer, size_t peer_len);

/* Frees everything and wipes secrets. Safe on a zeroed struct. */
void tern_hs12_clear(struct tern_hs12 *hs);

/* Client: builds the first ClientHello flight. */
int tern_hs12_start(struct tern_hs12 *hs);

/* Hands over one authenticated (or epoch 0) handshake or ChangeCipherSpec
 * record of epoch. Returns TERN_OK or a fatal error (whose alert the
 * connection sends). */
int tern_hs12_on_record(struct tern_hs12 *hs, uint8_t type, uint16_t epoch, const uint8_t *body,
                        size_t len);

/* Whether the handshake has completed. */
static inline int tern_hs12_done(const struct tern_hs12 *hs)
{
    return hs->state == TERN_HS12_DONE;
}

/* --- for client12.c and server12.c ------------------------------------ */

/* A row of a role's table: in state, message msg (a handshake type or
 * TERN_MSG_CCS) is accepted when the suite's key exchange is in kx_mask (0:
 * any, or no suite yet); process() checks and absorbs it, the dispatcher
 * adds it to the transcript, send() (may be NULL) builds our answer, and the
 * state becomes next. process() returning TERN_HS12_STAY keeps the state and
 * leaves the message out of the transcript. */
struct tern_hs12_row {
    uint8_t state;
    uint8_t kx_mask;
    uint16_t msg;
    uint8_t next;
    int (*process)(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq);
    int (*send)(struct tern_hs12 *hs);
};

#define TERN_HS12_STAY  1
#define TERN_KX_BIT(kx) ((uint8_t)(1u << (kx)))

extern const struct tern_hs12_row tern_hs12_client_table[];
extern const size_t tern_hs12_client_rows;
extern const struct tern_hs12_row tern_hs12_server_table[];
extern const size_t tern_hs12_server_rows;

/* Adds a handshake message to the flight (epoch: the current write epoch)
 * and the transcript. build fills the body. */
int tern_hs12_send_msg(struct tern_hs12 *hs, uint8_t type,
                       int (*build)(struct tern_hs12 *hs, struct tern_writer *w));

/* Derives the master secret (extended when sess->ems) and the traffic keys
 * from the premaster secret; the transcript must end with the
 * ClientKeyExchange. Wipes premaster. */
int tern_hs12_derive(struct tern_hs12 *hs, uint8_t *premaster, size_t premaster_len);

/* Builds the premaster secret from hs->psk_key and, for ECDHE_PSK, the
 * shared secret with hs->peer_point. */
int tern_hs12_premaster(struct tern_hs12 *hs, uint8_t out[TERN_PREMASTER_MAX], size_t *len);

/* Installs our write keys (next epoch) and adds ChangeCipherSpec and
 * Finished to the flight. */
int tern_hs12_send_ccs_finished(struct tern_hs12 *hs);

/* Installs the peer's keys for the next read epoch. */
int tern_hs12_install_rx(struct tern_hs12 *hs);

/* Checks the peer's Finished against the transcript so far. */
int tern_hs12_check_finished(struct tern_hs12 *hs, struct tern_reader body);

/* A ChangeCipherSpec body must be the single byte 1 (RFC 5246 section 7.1). */
int tern_hs12_ccs_parse(struct tern_reader body);

/* Draws len random bytes from the configuration's generator. */
int tern_hs12_random(struct tern_hs12 *hs, uint8_t *out, size_t len);

#endif
