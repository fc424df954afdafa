/* The DTLS 1.2 handshake of one connection: shared state, the dispatcher,
 * and the two role tables (client12.c, server12.c).
 *
 * The connection (src/conn.c) owns the record layer and the clock; it hands
 * each handshake record and ChangeCipherSpec to tern_hs12_on_record() and
 * reads back what happened through the fields marked "out". Everything here
 * is handshake-only: allocated at the start and freed when the handshake
 * ends, except struct tern_session, the established state, which the
 * connection owns and keeps. */
#ifndef TERN_HANDSHAKE_HS12_H
#define TERN_HANDSHAKE_HS12_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/kex.h"
#include "handshake/params.h"
#include "handshake/ext.h"
#include "dtls12/final12.h"
#include "handshake/flight.h"
#include "dtls12/keys12.h"
#include "handshake/reasm.h"
#include "handshake/session.h"
#include "handshake/suites.h"
#include "handshake/transcript.h"
#include "record/rec12.h"

/* A ChangeCipherSpec, dispatched like a handshake message (RFC 6347 4.1:
 * it is a record of its own, but it is part of a flight). */
#define TERN_MSG_CCS 0x100

#define TERN_HS12_MAX_VERIFY_ERRORS TERN_SESSION_MAX_VERIFY_ERRORS
#define TERN_HS12_MAX_SCHEMES       24

enum tern_hs12_state {
    /* client */
    TERN_HS12_C_START = 1,
    TERN_HS12_C_WAIT_SERVER_HELLO,
    TERN_HS12_C_WAIT_KEY_EXCHANGE, /* ServerKeyExchange or (PSK) ServerHelloDone */
    TERN_HS12_C_WAIT_HELLO_DONE,
    TERN_HS12_C_WAIT_CCS,
    TERN_HS12_C_WAIT_FINISHED,
    TERN_HS12_C_WAIT_SIGNED_KEY_EXCHANGE, /* after the server's Certificate */
    TERN_HS12_C_WAIT_REQUEST_OR_DONE,     /* CertificateRequest or ServerHelloDone */
    /* server */
    TERN_HS12_S_WAIT_CLIENT_HELLO,
    TERN_HS12_S_WAIT_CLIENT_FLIGHT, /* its first message: Certificate when asked, else
                                       ClientKeyExchange */
    TERN_HS12_S_WAIT_KEY_EXCHANGE,  /* ClientKeyExchange after the client's Certificate */
    TERN_HS12_S_WAIT_CERT_VERIFY,   /* the client sent a certificate: its proof of the key */
    TERN_HS12_S_WAIT_CCS,
    TERN_HS12_S_WAIT_FINISHED,
    /* both */
    TERN_HS12_DONE,
};

/* Records of the next epoch that arrive before the ChangeCipherSpec are
 * held (copied) until the keys exist: at most this many, this large. */
#define TERN_HS12_HELD_RECORDS 2
#define TERN_HS12_HELD_MAX     1536

/* The shape of a handshake: what was decided on the way that decides which
 * messages come next, so that a table row can ask for it (struct
 * tern_hs12_row) instead of a handler testing a flag. */
#define TERN_SHAPE_CLIENT_AUTH                                                                     \
    (1u << 0) /* server: asks for the client's certificate; client: was asked */
#define TERN_SHAPE_PEER_CERT (1u << 1) /* the peer sent a certificate (not an empty list) */

/* What only a client keeps. */
struct tern_hs12_client {
    uint8_t *ca_names; /* the CertificateRequest's authorities (a copy) */
    size_t ca_names_len;
    size_t hint_len;
    size_t cookie_len;
    uint32_t offered_exts; /* extensions offered (bits of enum tern_ext_index) */
    unsigned hvr_count;
    uint8_t hint[TERN_PSK_IDENTITY_MAX_LEN];
    uint8_t cookie[255];
};

/* What only a server keeps. */
struct tern_hs12_server {
    uint32_t echo_exts;  /* extensions to answer in the ServerHello (bits of enum tern_ext_index) */
    uint8_t psk_unknown; /* the client's PSK identity is unknown (a random key stands in) */
};

struct tern_hs12_machine;

/* Fields are grouped by size (pointers and sizes, then 32-, 16- and 8-bit
 * values, then byte arrays) to keep the struct free of padding. */
struct tern_hs12 {
    /* borrowed */
    const struct tern_hs12_machine *machine; /* this role's table */
    const struct tern_hs_params *params;
    struct tern_rec12 *rl;     /* from the connection */
    struct tern_session *sess; /* from the connection */
    void *owner;               /* the connection, for the verify callback */
    const struct tern_suite *suite;
    /* owned */
    struct tern_reasm reasm;
    struct tern_flight flight;
    struct tern_transcript transcript;
    struct tern_kex kex;
    struct tern_keys12 keys;
    struct tern_x509_chain *peer_chain;  /* what the peer sent */
    struct tern_pkey *peer_key;          /* its leaf key */
    uint8_t (*held)[TERN_HS12_HELD_MAX]; /* next-epoch records, allocated on the first one */
    size_t held_len[TERN_HS12_HELD_RECORDS];
    size_t n_held;
    size_t psk_key_len;
    size_t peer_point_len;
    size_t n_peer_schemes;
    size_t n_ignored;
    struct tern_verify_error ignored[TERN_HS12_MAX_VERIFY_ERRORS];
    /* message_seq where the peer's answer to our last flight begins: a
     * repeat of the message just before it (the last of the peer's
     * previous flight) means our flight was lost; a repeat of a newer one
     * is just a duplicate (RFC 6347 section 4.2.4). */
    uint32_t peer_flight_seq;
    uint32_t last_len;    /* length of the last message taken from the peer */
    uint32_t repeat_len;  /* ... and of the one a repeat of its previous flight ends with */
    int cred;             /* our certificate credential in use, -1 none */
    uint16_t send_seq;    /* message_seq of our next message */
    uint16_t group;       /* ECDHE group chosen */
    uint16_t scheme;      /* our signature scheme */
    uint16_t peer_scheme; /* the scheme of the peer's signature that verified */
    uint16_t peer_schemes[TERN_HS12_MAX_SCHEMES]; /* schemes the peer accepts */
    uint8_t is_client;
    uint8_t state; /* enum tern_hs12_state */
    uint8_t shape; /* TERN_SHAPE_* */
    /* out: set for the connection to act on */
    uint8_t flight_ready;   /* a new flight was built: schedule it, restart the timer */
    uint8_t repeats;        /* repeats of the peer's previous flight seen (conn.c answers) */
    uint8_t last_type;      /* type of the last message taken from the peer */
    uint8_t repeat_type;    /* ... and of the one a repeat of its previous flight ends with */
    uint8_t paused;         /* stopped on verification problems */
    uint8_t aborted;        /* the application aborted from a callback: stop at once */
    uint8_t ccs_pending;    /* a ChangeCipherSpec arrived while paused */
    uint8_t own_cert_type;  /* RFC 7250: what we send, TERN_CERT_TYPE_X509 or _RAW_PUBLIC_KEY */
    uint8_t peer_cert_type; /* what the peer sends */
    uint8_t psk_key[TERN_PSK_KEY_MAX_LEN];
    uint8_t peer_point[TERN_KEX_MAX_PUB_LEN];
    char server_name[256]; /* client: the name asked for; server: the name asked for it */
    union {
        struct tern_hs12_client cl;
        struct tern_hs12_server sv;
    };
};

/* Sets up a handshake of machine (tern_hs12_client or tern_hs12_server:
 * the role's table), allocating reassembly and flight buffers.
 * Errors: TERN_ERR_NOMEM, TERN_ERR_CRYPTO. */
int tern_hs12_init(struct tern_hs12 *hs, const struct tern_hs12_machine *machine,
                   const struct tern_hs_params *cfg, struct tern_rec12 *rl,
                   struct tern_session *sess);

/* Frees everything and wipes secrets. Safe on a zeroed struct. */
void tern_hs12_clear(struct tern_hs12 *hs);

/* Client: builds the first ClientHello flight. */
int tern_hs12_start(struct tern_hs12 *hs);

/* Client: whether the handshake may start. TERN_ERR_NO_SERVER_NAME when
 * it would verify an X.509 certificate from the server (it offers
 * certificate suites and has trust anchors, a verify callback or pause
 * mode) but has no server name to check it against, and neither
 * TERN_FLAG_NO_NAME_CHECK nor TERN_FLAG_INSECURE_NO_VERIFY; TERN_OK
 * otherwise. Changes nothing. */
int tern_hs12_client_may_start(const struct tern_hs12 *hs);

/* Hands over one authenticated (or epoch 0) handshake or ChangeCipherSpec
 * record of epoch. Input of epoch 0 is unauthenticated: what is malformed,
 * conflicts with what is buffered, or is not expected in the current state
 * is dropped and counted in the record layer's drops (DESIGN.md); a
 * complete message the state expects is processed, and its errors are
 * fatal. Returns TERN_OK or a fatal error (whose alert the connection
 * sends). */
int tern_hs12_on_record(struct tern_hs12 *hs, uint8_t type, uint16_t epoch, const uint8_t *body,
                        size_t len);

/* Server, once the handshake is done: what it must keep to answer a
 * client that repeats its Finished (RFC 6347 section 4.2.4), and the
 * message_seq of that Finished. Errors: TERN_ERR_STATE. */
int tern_hs12_final_flight(const struct tern_hs12 *hs, struct tern_flight_final *out,
                           uint16_t *peer_seq);

/* Whether the handshake has completed. */
static inline int tern_hs12_done(const struct tern_hs12 *hs)
{
    return hs->state == TERN_HS12_DONE;
}

/* --- for client12.c and server12.c ------------------------------------ */

/* A row of a role's table: in state, message msg (a handshake type or
 * TERN_MSG_CCS) is accepted when the suite's key exchange is in kx_mask (0:
 * any, or no suite yet) and the handshake's shape has every bit of need
 * and none of refuse; process() checks and absorbs it, the dispatcher adds
 * it to the transcript, send() (may be NULL) builds our answer, and the
 * state becomes next. A branch of the protocol is two rows, never an if in
 * a handler. process() returning TERN_HS12_STAY keeps the state and leaves
 * the message out of the transcript. */
struct tern_hs12_row {
    uint8_t state;
    uint8_t kx_mask;
    uint16_t msg;
    uint8_t next;
    uint8_t need;   /* TERN_SHAPE_* bits the handshake must have */
    uint8_t refuse; /* TERN_SHAPE_* bits it must not have */
    int (*process)(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq);
    int (*send)(struct tern_hs12 *hs);
};

/* One role of one version: its table, the state it starts in, and (client)
 * what starting sends and the state that follows. */
struct tern_hs12_machine {
    const struct tern_hs12_row *rows;
    size_t n_rows;
    uint8_t first;                      /* the state a new handshake is in */
    uint8_t started;                    /* client: the state once start() sent the first flight */
    int (*start)(struct tern_hs12 *hs); /* NULL for a server: it starts on a ClientHello */
};

/* The two DTLS 1.2 machines (client12.c, server12.c). */
extern const struct tern_hs12_machine tern_hs12_client;
extern const struct tern_hs12_machine tern_hs12_server;

#define TERN_HS12_STAY 1
/* process() accepted the message but the handshake must wait for the
 * application's decision on certificate problems. */
#define TERN_HS12_PAUSE 2
/* The dispatcher's verdict on an unprotected message the state does not
 * accept: dropped and counted, never fatal. */
#define TERN_HS12_DROP 3
/* ... and on an unprotected message that does not decode. */
#define TERN_HS12_DROP_MALFORMED 4
#define TERN_KX_BIT(kx)          ((uint8_t)(1u << (kx)))

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

/* Row handlers both roles share: the peer's ChangeCipherSpec installs its
 * keys for the next read epoch; its Finished is checked against the
 * transcript so far (RFC 5246 section 7.4.9). */
int tern_hs12_take_ccs(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq);
int tern_hs12_take_finished(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq);

/* A ChangeCipherSpec body must be the single byte 1 (RFC 5246 section 7.1). */
int tern_hs12_ccs_parse(struct tern_reader body);

/* Resumes a handshake paused on verification problems: succeeds when every
 * problem is among hs->ignored, else fails with the first one's error. Then
 * processes the messages that waited. */
int tern_hs12_resume(struct tern_hs12 *hs);

/* --- certificates (cert12.c) --- */

/* Verifies the peer's Certificate message (chain against the trust
 * anchors, purpose by role, the server name when the client gave one) and
 * decides: TERN_OK (no problem, or accepted), TERN_HS12_PAUSE, or the error
 * of the first problem. */
int tern_hs12_take_peer_certificate(struct tern_hs12 *hs, struct tern_reader body);

/* TERN_OK when every verification problem has been ignored by the
 * application, else the error of the first one left. */
int tern_hs12_verify_decided(struct tern_hs12 *hs);

/* Whether we hold a credential that can authenticate suite s (server), and
 * can verify a server (client). */
int tern_hs12_cert_usable(const struct tern_hs12 *hs, const struct tern_suite *s);

/* Picks our credential and signature scheme for suite s among the schemes
 * the peer accepts (hs->peer_schemes). Returns 1 when found. */
int tern_hs12_pick_cred(struct tern_hs12 *hs, const struct tern_suite *s);

/* Records the schemes of a signature_algorithms list the peer sent. */
void tern_hs12_set_peer_schemes(struct tern_hs12 *hs, struct tern_reader list);

/* The certificate types (RFC 7250) we can send (own = 1) or accept from
 * the peer, in preference order, into types; returns how many (0..2). */
size_t tern_hs12_cert_types(const struct tern_hs12 *hs, int own, uint8_t types[2]);

/* Writes our signature_algorithms list (the schemes tern verifies). */
void tern_hs12_write_schemes(struct tern_writer *w);

/* Writes our Certificate message body (empty when hs->cred < 0). */
int tern_hs12_build_certificate(struct tern_hs12 *hs, struct tern_writer *w);

/* Signs data with our credential and writes SignatureScheme + signature. */
int tern_hs12_sign(struct tern_hs12 *hs, const uint8_t *const *parts, const size_t *lens, size_t n,
                   struct tern_writer *w);

/* Verifies a peer signature over the concatenation of parts with its leaf
 * key; scheme must be one we offered and fit the key. */
int tern_hs12_verify_signature(struct tern_hs12 *hs, uint16_t scheme, struct tern_reader signature,
                               const uint8_t *const *parts, const size_t *lens, size_t n);

/* Draws len random bytes from the configuration's generator. */
int tern_hs12_random(struct tern_hs12 *hs, uint8_t *out, size_t len);

#endif
