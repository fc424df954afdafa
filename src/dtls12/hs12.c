/* The DTLS 1.2 handshake: dispatcher and helpers shared by both roles. */
#include "dtls12/hs12.h"

#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "handshake/header.h"
#include "dtls12/msgs12.h"
#include "util/ct.h"
#include "util/guard.h"
#include "util/alloc.h"

/* Largest handshake message accepted (PSK messages are far smaller;
 * certificate chains get their own cap later), and all messages buffered. */
#define MAX_MESSAGE  16384
#define MAX_BUFFERED 32768
/* The flight buffer starts small (PSK flights are a few hundred bytes) and
 * doubles when a certificate flight needs more, up to this. */
#define FLIGHT_BUFFER     1024
#define FLIGHT_BUFFER_MAX 65536

int tern_hs12_init(struct tern_hs12 *hs, const struct tern_hs12_machine *machine,
                   const struct tern_hs_params *cfg, struct tern_rec12 *rl,
                   struct tern_session *sess)
{
    memset(hs, 0, sizeof(*hs));
    hs->machine = machine;
    hs->params = cfg;
    hs->rl = rl;
    hs->sess = sess;
    hs->is_client = machine->start != NULL;
    hs->cred = -1;
    hs->state = machine->first;
    tern_reasm_init(&hs->reasm, 0, MAX_MESSAGE, MAX_BUFFERED);
    int rc = tern_flight_init(&hs->flight, FLIGHT_BUFFER);
    if (rc == TERN_OK) {
        rc = tern_transcript_init(&hs->transcript);
    }
    if (rc != TERN_OK) {
        tern_hs12_clear(hs);
    }
    return rc;
}

void tern_hs12_clear(struct tern_hs12 *hs)
{
    if (hs == NULL) {
        return;
    }
    tern_reasm_clear(&hs->reasm);
    tern_flight_clear(&hs->flight);
    tern_transcript_clear(&hs->transcript);
    tern_kex_clear(&hs->kex);
    tern_x509_chain_free(hs->peer_chain);
    tern_pkey_free(hs->peer_key);
    tern_free(hs->held);
    if (hs->is_client) {
        tern_free(hs->cl.ca_names);
    }
    tern_zeroize(hs, sizeof(*hs));
}

int tern_hs12_start(struct tern_hs12 *hs)
{
    const struct tern_hs12_machine *m = hs->machine;
    TERN_ENSURE(m->start != NULL && hs->state == m->first, TERN_ERR_STATE);
    TERN_TRY(m->start(hs));
    hs->state = m->started;
    return TERN_OK;
}

int tern_hs12_random(struct tern_hs12 *hs, uint8_t *out, size_t len)
{
    return tern_rng_bytes(&hs->params->rng, out, len);
}

/* Finds the row for msg in the current state, or NULL (DESIGN.md
 * principle 6: a message no row accepts is never a silent state change). */
static const struct tern_hs12_row *find_row(const struct tern_hs12 *hs, uint16_t msg)
{
    const struct tern_hs12_machine *m = hs->machine;
    for (size_t i = 0; i < m->n_rows; i++) {
        const struct tern_hs12_row *row = &m->rows[i];
        if (row->state != hs->state || row->msg != msg) {
            continue;
        }
        if (row->kx_mask != 0 &&
            (hs->suite == NULL || (row->kx_mask & TERN_KX_BIT(hs->suite->kx)) == 0)) {
            continue;
        }
        if ((hs->shape & row->need) != row->need || (hs->shape & row->refuse) != 0) {
            continue;
        }
        return row;
    }
    return NULL;
}

static void count_drop(struct tern_hs12 *hs, enum tern_drop_reason why)
{
    hs->rl->drops[why]++;
}

/* The one place that changes the handshake state. authenticated says
 * whether the message came under the peer's keys. A message the state does
 * not accept, or one that does not decode, is fatal (unexpected_message,
 * decode_error) when authenticated; unprotected, anyone who can forge the
 * peer's address could have sent it, so it is dropped (TERN_HS12_DROP,
 * TERN_HS12_DROP_MALFORMED) and the handshake waits for the real one (RFC
 * 6347 section 4.1.2.7, DESIGN.md). A well-formed message that the state
 * expects is processed, and a value it refuses ends the handshake with its
 * alert: before the peer's keys exist that is no more than a forged fatal
 * alert could do, and a real peer that cannot agree learns why at once. */
static int dispatch(struct tern_hs12 *hs, uint16_t msg, struct tern_reader body, uint16_t seq,
                    int authenticated)
{
    /* RFC 5246 section 7.4.1.1: a HelloRequest "SHOULD be ignored by the
     * client" while it is negotiating. */
    if (hs->is_client && msg == TERN_HS_HELLO_REQUEST) {
        return TERN_HS12_DROP;
    }
    const struct tern_hs12_row *row = find_row(hs, msg);
    if (row == NULL) {
        return authenticated ? TERN_ERR_UNEXPECTED_MESSAGE : TERN_HS12_DROP;
    }
    int rc = row->process(hs, body, seq);
    /* The application's callbacks (certificate decision, PSK) may abort;
     * the connection then only records it, and the handshake stops here. */
    TERN_ENSURE(!hs->aborted, TERN_ERR_ABORTED);
    if (rc == TERN_ERR_UNEXPECTED_MESSAGE && !authenticated) {
        return TERN_HS12_DROP; /* a state check inside the handler: the same rule */
    }
    if (rc == TERN_ERR_DECODE && !authenticated) {
        /* Malformed: handlers decode a message whole before it changes
         * anything (parse, then process), so it leaves no trace. */
        return TERN_HS12_DROP_MALFORMED;
    }
    TERN_TRY(rc);
    if (rc == TERN_HS12_STAY) {
        return TERN_OK;
    }
    /* Paused: the message is taken, but nothing after it is processed until
     * the application decides (tern_hs12_resume). */
    hs->paused = rc == TERN_HS12_PAUSE;
    /* RFC 6347 section 4.2.6: the HelloVerifyRequest (and the ClientHello
     * that drew it) stay out of the handshake hash; ChangeCipherSpec is not
     * a handshake message. */
    if (msg != TERN_MSG_CCS && msg != TERN_HS_HELLO_VERIFY_REQUEST) {
        TERN_TRY(tern_transcript_add(&hs->transcript, (uint8_t)msg, seq, body.p, body.len));
    }
    if (row->send != NULL) {
        TERN_TRY(row->send(hs));
        TERN_ENSURE(!hs->aborted, TERN_ERR_ABORTED);
    }
    hs->state = row->next;
    return TERN_OK;
}

/* Until a ClientHello is accepted a server keeps nothing: it takes the
 * ClientHello at whatever message_seq it carries (0, or 1 after a stateless
 * cookie exchange, RFC 6347 section 4.2.2). A ClientHello fragment with
 * another message_seq than the one being built starts afresh from it
 * (newest wins, as for any conflict): a forged fragment with a far
 * message_seq must not make the server deaf to the real ClientHello. */
static void server_first_seq(struct tern_hs12 *hs, const struct tern_hs_header *h)
{
    if (!hs->is_client && hs->state == TERN_HS12_S_WAIT_CLIENT_HELLO &&
        h->type == TERN_HS_CLIENT_HELLO && h->message_seq != hs->reasm.next_seq &&
        h->message_seq < 16) {
        if (hs->reasm.buffered > 0) {
            count_drop(hs, TERN_DROP_CONFLICT);
        }
        tern_reasm_clear(&hs->reasm);
        tern_reasm_init(&hs->reasm, h->message_seq, MAX_MESSAGE, MAX_BUFFERED);
    }
}

/* Dispatches every complete message in order, until the handshake ends or
 * pauses for a verification decision. Every message in the reassembler
 * came in the current read epoch (install_rx() discards what the
 * old epoch left), so it is authenticated exactly when that epoch has
 * keys. A message dropped as unexpected is forgotten without moving on:
 * the real message with its message_seq may still come. */
static int drain(struct tern_hs12 *hs)
{
    uint8_t type;
    const uint8_t *msg;
    size_t msg_len;
    int authenticated = tern_rec12_rx_epoch(hs->rl) != 0;
    while (hs->state != TERN_HS12_DONE && !hs->paused &&
           tern_reasm_ready(&hs->reasm, &type, &msg, &msg_len)) {
        struct tern_reader mr;
        tern_r_init(&mr, msg, msg_len);
        uint16_t seq = (uint16_t)hs->reasm.next_seq;
        int rc = dispatch(hs, type, mr, seq, authenticated);
        if (rc == TERN_HS12_DROP || rc == TERN_HS12_DROP_MALFORMED) {
            count_drop(hs, rc == TERN_HS12_DROP ? TERN_DROP_UNEXPECTED : TERN_DROP_MALFORMED);
            tern_reasm_discard(&hs->reasm, seq);
            continue;
        }
        hs->last_type = type;
        hs->last_len = (uint32_t)msg_len;
        tern_reasm_advance(&hs->reasm);
        TERN_TRY(rc);
    }
    return TERN_OK;
}

int tern_hs12_resume(struct tern_hs12 *hs)
{
    TERN_ENSURE(hs->paused, TERN_ERR_STATE);
    TERN_TRY(tern_hs12_verify_decided(hs));
    hs->paused = 0;
    TERN_TRY(drain(hs));
    if (hs->ccs_pending && !hs->paused) {
        static const uint8_t one[1] = {1};
        struct tern_reader r;
        tern_r_init(&r, one, 1);
        hs->ccs_pending = 0;
        int rc = dispatch(hs, TERN_MSG_CCS, r, 0, 0);
        if (rc == TERN_HS12_DROP || rc == TERN_HS12_DROP_MALFORMED) {
            count_drop(hs, rc == TERN_HS12_DROP ? TERN_DROP_UNEXPECTED : TERN_DROP_MALFORMED);
            rc = TERN_OK;
        }
        TERN_TRY(rc);
        TERN_TRY(drain(hs));
    }
    return TERN_OK;
}

/* RFC 6347 section 4.2.4: the peer repeating its previous flight tells us
 * ours was lost, and we resend it. One repeat of that flight brings one
 * resend however many datagrams it spans: only the first fragment of its
 * last message counts, and only when its type and length are those of the
 * message we received (a forger must at least know them). A repeated
 * HelloVerifyRequest never does: it answers a ClientHello of ours sent
 * again, not a flight the server missed. How often a repeat may be
 * answered is the connection's decision (conn.c). */
static void note_repeat(struct tern_hs12 *hs, const struct tern_hs_header *h)
{
    if ((uint32_t)h->message_seq + 1 != hs->peer_flight_seq || h->frag_offset != 0 ||
        h->type == TERN_HS_HELLO_VERIFY_REQUEST) {
        return;
    }
    if (h->type != hs->repeat_type || h->length != hs->repeat_len) {
        count_drop(hs, TERN_DROP_REPEAT_UNANSWERED);
        return;
    }
    if (hs->repeats < UINT8_MAX) {
        hs->repeats++;
    }
}

/* Offers one fragment of the current read epoch to the reassembler. Of an
 * unprotected record, a fragment longer than tern reassembles is dropped,
 * and one that disagrees with what is buffered for its message discards
 * that partial message and starts it afresh: the newest fragment wins,
 * and the peer's retransmissions complete the real message whichever came
 * first. Under the peer's keys both are fatal (reasm.h). */
static int add_fragment(struct tern_hs12 *hs, const struct tern_hs_header *h,
                        const struct tern_reader *frag, int authenticated)
{
    int got = tern_reasm_add(&hs->reasm, h, frag->p);
    if (got != TERN_ERR_ILLEGAL_PARAMETER || authenticated) {
        return got;
    }
    if (h->length > hs->reasm.max_msg) {
        count_drop(hs, TERN_DROP_TOO_LONG);
        return TERN_REASM_DROPPED;
    }
    count_drop(hs, TERN_DROP_CONFLICT);
    tern_reasm_discard(&hs->reasm, h->message_seq);
    return tern_reasm_add(&hs->reasm, h, frag->p);
}

static int on_handshake(struct tern_hs12 *hs, uint16_t epoch, const uint8_t *body, size_t len)
{
    int authenticated = epoch != 0;
    struct tern_reader r;
    tern_r_init(&r, body, len);
    while (tern_r_left(&r) > 0) {
        struct tern_hs_header h;
        struct tern_reader frag;
        int rc = tern_hs_header_parse(&r, &h, &frag);
        if (rc != TERN_OK && !authenticated) {
            /* Without a trustworthy length nothing after it can be found:
             * the rest of the record goes. */
            count_drop(hs, TERN_DROP_MALFORMED);
            return TERN_OK;
        }
        TERN_TRY(rc);
        if (epoch != tern_rec12_rx_epoch(hs->rl)) {
            /* A message of an epoch we have left: only ever the peer
             * repeating its previous flight. Never reassembled. */
            note_repeat(hs, &h);
            continue;
        }
        server_first_seq(hs, &h);
        int got = add_fragment(hs, &h, &frag, authenticated);
        TERN_TRY(got);
        if (got == TERN_REASM_OLD) {
            note_repeat(hs, &h);
            continue;
        }
        TERN_TRY(drain(hs));
    }
    return TERN_OK;
}

/* A ChangeCipherSpec record. In DTLS 1.2 it always travels in the epoch
 * before the keys it announces, so for the initial handshake it is never
 * authenticated: a malformed one, or one the state does not expect, is
 * dropped (RFC 6347 section 4.1.2.7). One from an epoch we have left is a
 * duplicate; it carries no message_seq to tell which flight it repeats, and
 * the handshake messages beside it do that job. */
static int on_change_cipher_spec(struct tern_hs12 *hs, uint16_t epoch, const uint8_t *body,
                                 size_t len)
{
    int authenticated = epoch != 0;
    struct tern_reader r;
    tern_r_init(&r, body, len);
    int rc = tern_hs12_ccs_parse(r);
    if (rc != TERN_OK && !authenticated) {
        count_drop(hs, TERN_DROP_MALFORMED);
        return TERN_OK;
    }
    TERN_TRY(rc);
    if (epoch != tern_rec12_rx_epoch(hs->rl)) {
        return TERN_OK;
    }
    if (hs->paused) {
        /* It belongs after the messages that wait for the decision. */
        hs->ccs_pending = 1;
        return TERN_OK;
    }
    rc = dispatch(hs, TERN_MSG_CCS, r, 0, authenticated);
    if (rc == TERN_HS12_DROP || rc == TERN_HS12_DROP_MALFORMED) {
        count_drop(hs, rc == TERN_HS12_DROP ? TERN_DROP_UNEXPECTED : TERN_DROP_MALFORMED);
        return TERN_OK;
    }
    TERN_TRY(rc);
    /* The keys it installed may complete messages whose records waited. */
    return TERN_OK;
}

int tern_hs12_on_record(struct tern_hs12 *hs, uint8_t type, uint16_t epoch, const uint8_t *body,
                        size_t len)
{
    if (type == TERN_CT_HANDSHAKE) {
        return on_handshake(hs, epoch, body, len);
    }
    if (type == TERN_CT_CHANGE_CIPHER_SPEC) {
        return on_change_cipher_spec(hs, epoch, body, len);
    }
    return TERN_ERR_UNEXPECTED_MESSAGE;
}

int tern_hs12_final_flight(const struct tern_hs12 *hs, struct tern_flight_final *out,
                           uint16_t *peer_seq)
{
    const struct tern_flight *f = &hs->flight;
    TERN_ENSURE(!hs->is_client && hs->state == TERN_HS12_DONE && f->n > 0, TERN_ERR_STATE);
    const struct tern_flight_msg *m = &f->msgs[f->n - 1];
    TERN_ENSURE(m->type == TERN_HS_FINISHED && m->len == TERN_VERIFY_DATA_LEN && m->epoch > 0,
                TERN_ERR_STATE);
    memcpy(out->verify_data, f->buf + m->off, TERN_VERIFY_DATA_LEN);
    out->seq = m->seq;
    out->epoch = m->epoch;
    /* The client's Finished was the last message taken. */
    *peer_seq = (uint16_t)(hs->reasm.next_seq - 1);
    return TERN_OK;
}

int tern_hs12_ccs_parse(struct tern_reader body)
{
    uint8_t v;
    TERN_TRY(tern_r_u8(&body, &v));
    TERN_TRY(tern_r_end(&body));
    return v == 1 ? TERN_OK : TERN_ERR_DECODE;
}

int tern_hs12_send_msg(struct tern_hs12 *hs, uint8_t type,
                       int (*build)(struct tern_hs12 *hs, struct tern_writer *w))
{
    uint16_t epoch = tern_rec12_tx_epoch(hs->rl);
    const size_t n0 = hs->flight.n;
    const size_t used0 = hs->flight.used;
    for (;;) {
        struct tern_writer *w = tern_flight_open(&hs->flight, type, epoch, hs->send_seq);
        TERN_ENSURE(w != NULL, TERN_ERR_BUFFER);
        int rc = build(hs, w);
        int closed = tern_flight_close(&hs->flight);
        int full = rc == TERN_ERR_BUFFER || (rc == TERN_OK && closed == TERN_ERR_BUFFER);
        if (full && hs->flight.cap < FLIGHT_BUFFER_MAX) {
            /* The message did not fit: forget what was written of it, grow,
             * and build it again (builders only read the handshake state). */
            hs->flight.n = n0;
            hs->flight.used = used0;
            TERN_TRY(tern_flight_grow(&hs->flight, hs->flight.cap * 2));
            continue;
        }
        TERN_TRY(rc);
        TERN_TRY(closed);
        break;
    }
    size_t len = 0;
    const uint8_t *b = tern_flight_last_body(&hs->flight, &len);
    TERN_TRY(tern_transcript_add(&hs->transcript, type, hs->send_seq, b, len));
    hs->send_seq++;
    hs->flight_ready = 1;
    return TERN_OK;
}

/* Every key the configuration takes must fit the premaster secret. */
_Static_assert(TERN_PSK_MAX >= TERN_PSK_KEY_MAX_LEN, "PSK limits disagree");

int tern_hs12_premaster(struct tern_hs12 *hs, uint8_t out[TERN_PREMASTER_MAX], size_t *len)
{
    if (hs->suite->kx == TERN_KX_PSK) {
        return tern_psk_premaster(NULL, 0, hs->psk_key, hs->psk_key_len, out, len);
    }
    if (hs->suite->kx != TERN_KX_ECDHE_PSK) {
        /* RFC 8422 section 5.10: the premaster secret is the ECDH result. */
        int rc = tern_kex_derive(&hs->kex, hs->peer_point, hs->peer_point_len, out, len);
        tern_kex_clear(&hs->kex);
        return rc;
    }
    uint8_t z[TERN_KEX_MAX_SECRET_LEN];
    size_t z_len = 0;
    int rc = tern_kex_derive(&hs->kex, hs->peer_point, hs->peer_point_len, z, &z_len);
    if (rc == TERN_OK) {
        rc = tern_psk_premaster(z, z_len, hs->psk_key, hs->psk_key_len, out, len);
    }
    tern_zeroize(z, sizeof(z));
    tern_kex_clear(&hs->kex);
    return rc;
}

int tern_hs12_derive(struct tern_hs12 *hs, uint8_t *premaster, size_t premaster_len)
{
    struct tern_session *s = hs->sess;
    int hash = hs->suite->prf_hash;
    int rc;
    if (s->ems) {
        /* RFC 7627 section 4: session_hash covers the messages through
         * ClientKeyExchange. */
        uint8_t session_hash[TERN_HASH_MAX_LEN];
        size_t sh_len = 0;
        rc = tern_transcript_hash(&hs->transcript, session_hash, &sh_len);
        if (rc == TERN_OK) {
            rc = tern_master_secret_ems(hash, premaster, premaster_len, session_hash, sh_len,
                                        s->master);
        }
    } else {
        rc = tern_master_secret_legacy(hash, premaster, premaster_len, s->client_random,
                                       s->server_random, s->master);
    }
    tern_zeroize(premaster, premaster_len);
    tern_zeroize(hs->psk_key, sizeof(hs->psk_key));
    TERN_TRY(rc);
    return tern_keys12_derive(hash, s->master, s->client_random, s->server_random,
                              hs->suite->key_len, hs->suite->iv_len, &hs->keys);
}

static int build_finished(struct tern_hs12 *hs, struct tern_writer *w)
{
    uint8_t th[TERN_HASH_MAX_LEN];
    size_t th_len = 0;
    uint8_t vd[TERN_VERIFY_DATA_LEN];
    TERN_TRY(tern_transcript_hash(&hs->transcript, th, &th_len));
    TERN_TRY(tern_finished12(hs->suite->prf_hash, hs->sess->master, hs->is_client, th, th_len, vd));
    tern_w_bytes(w, vd, sizeof(vd));
    return TERN_OK;
}

int tern_hs12_send_ccs_finished(struct tern_hs12 *hs)
{
    const struct tern_keys12 *k = &hs->keys;
    TERN_TRY(tern_flight_add_ccs(&hs->flight, tern_rec12_tx_epoch(hs->rl)));
    TERN_TRY(tern_rec12_set_tx_keys(hs->rl, hs->suite->aead,
                                    hs->is_client ? k->client_key : k->server_key, k->key_len,
                                    hs->is_client ? k->client_iv : k->server_iv, k->iv_len));
    return tern_hs12_send_msg(hs, TERN_HS_FINISHED, build_finished);
}

static int install_rx(struct tern_hs12 *hs)
{
    const struct tern_keys12 *k = &hs->keys;
    TERN_TRY(tern_rec12_set_rx_keys(hs->rl, hs->suite->aead,
                                    hs->is_client ? k->server_key : k->client_key, k->key_len,
                                    hs->is_client ? k->server_iv : k->client_iv, k->iv_len));
    /* Whatever the old epoch left half-built cannot be a message that must
     * now come under the keys: a forged fragment must not poison the slot
     * the authenticated Finished needs. */
    tern_reasm_discard_all(&hs->reasm);
    return TERN_OK;
}

int tern_hs12_take_ccs(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)seq;
    TERN_TRY(tern_hs12_ccs_parse(body));
    return install_rx(hs);
}

int tern_hs12_take_finished(struct tern_hs12 *hs, struct tern_reader body, uint16_t seq)
{
    (void)seq;
    uint8_t got[TERN_VERIFY_DATA_LEN];
    TERN_TRY(tern_finished12_parse(body, got));
    uint8_t th[TERN_HASH_MAX_LEN];
    size_t th_len = 0;
    uint8_t want[TERN_VERIFY_DATA_LEN];
    TERN_TRY(tern_transcript_hash(&hs->transcript, th, &th_len));
    TERN_TRY(
        tern_finished12(hs->suite->prf_hash, hs->sess->master, !hs->is_client, th, th_len, want));
    /* RFC 5246 section 7.4.9: a Finished that does not verify is fatal
     * (decrypt_error). Compared in constant time. */
    TERN_ENSURE(tern_ct_equal(got, want, sizeof(want)), TERN_ERR_BAD_FINISHED);
    return TERN_OK;
}
