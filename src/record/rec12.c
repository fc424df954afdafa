#include "record/rec12.h"

#include <string.h>

#include <tern/err.h>

#include "util/ct.h"

/* The largest epoch a DTLS 1.2 record carries (16 bits, RFC 6347 4.1). */
#define MAX_EPOCH12 UINT16_MAX

void tern_rec12_init(struct tern_rec12 *rl, uint16_t version)
{
    memset(rl, 0, sizeof(*rl));
    rl->version = version;
    tern_rec_epochs_init(&rl->rx);
    tern_rec_epochs_init(&rl->tx);
}

void tern_rec12_clear(struct tern_rec12 *rl)
{
    if (rl == NULL) {
        return;
    }
    tern_rec_epochs_clear(&rl->rx);
    tern_rec_epochs_clear(&rl->tx);
}

/* A DTLS 1.2 key block gives each AEAD its own IV length (a 4-byte salt
 * for GCM and CCM, a 12-byte IV for ChaCha20-Poly1305). RFC 6347 section
 * 4.1: "the epoch number [...] MUST NOT wrap"; a new handshake would be
 * needed, and tern refuses renegotiation. */
static int install(struct tern_rec_epochs *t, int alg, int encrypt, const uint8_t *key,
                   size_t key_len, const uint8_t *iv, size_t iv_len)
{
    if (iv_len != tern_rec_cipher_iv_len(alg)) {
        return TERN_ERR_ARG;
    }
    return tern_rec_epochs_install(t, MAX_EPOCH12, alg, encrypt, key, key_len, iv, iv_len);
}

int tern_rec12_set_rx_keys(struct tern_rec12 *rl, int alg, const uint8_t *key, size_t key_len,
                           const uint8_t *iv, size_t iv_len)
{
    return install(&rl->rx, alg, 0, key, key_len, iv, iv_len);
}

int tern_rec12_set_tx_keys(struct tern_rec12 *rl, int alg, const uint8_t *key, size_t key_len,
                           const uint8_t *iv, size_t iv_len)
{
    return install(&rl->tx, alg, 1, key, key_len, iv, iv_len);
}

void tern_rec12_drop_previous_rx(struct tern_rec12 *rl)
{
    tern_rec_epochs_forget_previous(&rl->rx);
}

void tern_rec12_tx_seq_at_least(struct tern_rec12 *rl, uint64_t seq)
{
    struct tern_rec_epoch *e = &rl->tx.slot[0];
    if (e->next_seq < seq && seq <= TERN_REC_MAX_SEQ) {
        e->next_seq = seq;
    }
}

uint16_t tern_rec12_tx_epoch(const struct tern_rec12 *rl)
{
    return (uint16_t)tern_rec_epochs_current(&rl->tx);
}

uint16_t tern_rec12_rx_epoch(const struct tern_rec12 *rl)
{
    return (uint16_t)tern_rec_epochs_current(&rl->rx);
}

int tern_rec12_layout(const struct tern_rec12 *rl, uint16_t epoch, size_t *prefix, size_t *suffix)
{
    const struct tern_rec_epoch *e = tern_rec_epochs_find((struct tern_rec_epochs *)&rl->tx, epoch);
    if (e == NULL) {
        return TERN_ERR_EPOCH;
    }
    *prefix = TERN_REC12_HEADER_LEN + (e->protected_ ? e->cipher.explicit_len : 0);
    *suffix = e->protected_ ? e->cipher.aead.tag_len : 0;
    return TERN_OK;
}

/* Protects the pt_len bytes at rec + 13 + explicit nonce: RFC 5246 section
 * 6.2.3.3's AEAD record with the DTLS record number of RFC 6347 section
 * 4.1.2.1 (seq_num = epoch || sequence_number). */
static ptrdiff_t seal(struct tern_rec12 *rl, struct tern_rec_epoch *e, uint64_t seq_num,
                      uint8_t type, uint8_t *rec, size_t cap, size_t pt_len)
{
    if (pt_len > TERN_REC_MAX_PLAINTEXT) {
        return TERN_ERR_RECORD_OVERFLOW;
    }
    size_t body = e->cipher.explicit_len + pt_len + e->cipher.aead.tag_len;
    if (cap < TERN_REC12_HEADER_LEN || cap - TERN_REC12_HEADER_LEN < body) {
        return TERN_ERR_BUFFER;
    }
    struct tern_rec12_header h = {type, rl->version, (uint16_t)(seq_num >> 48),
                                  seq_num & TERN_REC_MAX_SEQ, (uint16_t)body};
    struct tern_writer w;
    tern_w_init(&w, rec, TERN_REC12_HEADER_LEN);
    tern_rec12_header_write(&w, &h);
    if (tern_w_finish(&w) != TERN_OK) {
        return TERN_ERR_ARG;
    }
    uint8_t *explicit_part = rec + TERN_REC12_HEADER_LEN;
    uint8_t *pt = explicit_part + e->cipher.explicit_len;
    if (e->cipher.explicit_len > 0) {
        tern_rec_cipher_put_explicit(explicit_part, seq_num);
    }
    uint8_t nonce[TERN_AEAD_NONCE_LEN];
    uint8_t aad[TERN_REC12_AAD_LEN];
    tern_rec_cipher_nonce(&e->cipher, seq_num, explicit_part, nonce);
    tern_rec12_aad(aad, seq_num, type, rl->version, pt_len);
    int rc = tern_rec_cipher_seal(&e->cipher, nonce, aad, sizeof(aad), pt, pt_len, pt + pt_len);
    if (rc != TERN_OK) {
        return rc;
    }
    return (ptrdiff_t)(TERN_REC12_HEADER_LEN + body);
}

ptrdiff_t tern_rec12_write(struct tern_rec12 *rl, uint16_t epoch, uint8_t type, uint8_t *rec,
                           size_t cap, size_t pt_len)
{
    struct tern_rec_epoch *e = tern_rec_epochs_find(&rl->tx, epoch);
    if (e == NULL) {
        return TERN_ERR_EPOCH;
    }
    /* RFC 6347 section 4.1: sequence numbers MUST NOT wrap within an epoch. */
    if (e->next_seq > TERN_REC_MAX_SEQ) {
        return TERN_ERR_SEQ_EXHAUSTED;
    }
    uint64_t seq_num = ((uint64_t)epoch << 48) | e->next_seq;
    ptrdiff_t n;
    if (e->protected_) {
        n = rec == NULL ? TERN_ERR_BUFFER : seal(rl, e, seq_num, type, rec, cap, pt_len);
    } else {
        if (pt_len > TERN_REC_MAX_PLAINTEXT) {
            return TERN_ERR_RECORD_OVERFLOW;
        }
        if (rec == NULL || cap < TERN_REC12_HEADER_LEN || cap - TERN_REC12_HEADER_LEN < pt_len) {
            return TERN_ERR_BUFFER;
        }
        struct tern_rec12_header h = {type, rl->version, epoch, e->next_seq, (uint16_t)pt_len};
        struct tern_writer w;
        tern_w_init(&w, rec, TERN_REC12_HEADER_LEN);
        tern_rec12_header_write(&w, &h);
        n = tern_w_finish(&w) == TERN_OK ? (ptrdiff_t)(TERN_REC12_HEADER_LEN + pt_len)
                                         : TERN_ERR_ARG;
    }
    if (n >= 0) {
        e->next_seq++;
    }
    return n;
}

ptrdiff_t tern_rec12_write_copy(struct tern_rec12 *rl, uint16_t epoch, uint8_t type, const void *pt,
                                size_t pt_len, uint8_t *rec, size_t cap)
{
    size_t prefix;
    size_t suffix;
    int rc = tern_rec12_layout(rl, epoch, &prefix, &suffix);
    if (rc != TERN_OK) {
        return rc;
    }
    if (rec == NULL || (pt == NULL && pt_len > 0)) {
        return TERN_ERR_ARG;
    }
    if (cap < prefix || cap - prefix < pt_len) {
        return TERN_ERR_BUFFER;
    }
    if (pt_len > 0) {
        memmove(rec + prefix, pt, pt_len);
    }
    return tern_rec12_write(rl, epoch, type, rec, cap, pt_len);
}

static int sink_layout(void *rl, uint64_t epoch, size_t *prefix, size_t *suffix)
{
    if (epoch > MAX_EPOCH12) {
        return TERN_ERR_EPOCH;
    }
    return tern_rec12_layout(rl, (uint16_t)epoch, prefix, suffix);
}

static ptrdiff_t sink_write(void *rl, uint64_t epoch, uint8_t type, uint8_t *rec, size_t cap,
                            size_t pt_len)
{
    if (epoch > MAX_EPOCH12) {
        return TERN_ERR_EPOCH;
    }
    return tern_rec12_write(rl, (uint16_t)epoch, type, rec, cap, pt_len);
}

struct tern_rec_sink tern_rec12_sink(struct tern_rec12 *rl)
{
    return (struct tern_rec_sink){sink_layout, sink_write, rl};
}

void tern_rec12_iter_init(struct tern_rec_cursor *it, uint8_t *dgram, size_t len)
{
    it->base = dgram;
    tern_r_init(&it->r, dgram, len);
}

/* The writable address of bytes a reader borrowed from the iterator's own
 * mutable datagram buffer. */
static uint8_t *writable(const struct tern_rec_cursor *it, const uint8_t *p)
{
    return it->base + (size_t)(p - it->base);
}

static int drop(struct tern_rec12 *rl, enum tern_drop_reason why)
{
    rl->drops[why]++;
    return -1;
}

/* Classifies and, where it can, opens one record. Returns an enum
 * tern_rec_next value, or -1 after counting a drop. */
static int take_record(struct tern_rec12 *rl, struct tern_rec_cursor *it, const uint8_t *start,
                       const struct tern_rec12_header *h, struct tern_reader *body,
                       struct tern_rec12_record *out)
{
    if (!tern_rec12_type_known(h->type)) {
        return drop(rl, TERN_DROP_BAD_TYPE);
    }
    /* Every DTLS version has major byte 0xfe (RFC 6347 section 4.1). */
    if ((h->version >> 8) != 0xfe) {
        return drop(rl, TERN_DROP_BAD_VERSION);
    }
    *out = (struct tern_rec12_record){h->type, h->version, h->epoch, h->seq, NULL, 0};
    struct tern_rec_epoch *e = tern_rec_epochs_find(&rl->rx, h->epoch);
    if (e == NULL) {
        uint64_t current = tern_rec_epochs_current(&rl->rx);
        if (current < MAX_EPOCH12 && h->epoch == current + 1) {
            out->data = start;
            out->len = TERN_REC12_HEADER_LEN + (size_t)h->length;
            return TERN_REC_NEXT_EPOCH;
        }
        return drop(rl, TERN_DROP_EPOCH);
    }
    if (!e->protected_) {
        /* Epoch 0 has no keys, so nothing authenticates it and a replay
         * window could be pushed forward by anyone; the handshake layer
         * discards duplicates by message_seq instead. */
        if (h->length > TERN_REC_MAX_PLAINTEXT) {
            return drop(rl, TERN_DROP_TOO_LONG);
        }
        /* Application data only ever travels under keys (RFC 5246 section
         * 7.4.9: not before Finished); unprotected, it is a forgery. */
        if (h->type == TERN_CT_APPLICATION_DATA) {
            return drop(rl, TERN_DROP_UNPROTECTED);
        }
        out->data = body->p;
        out->len = body->len;
        return TERN_REC_PLAINTEXT;
    }
    if (h->version != rl->version) {
        return drop(rl, TERN_DROP_BAD_VERSION);
    }
    if (tern_replay_check(&e->replay, h->seq) != TERN_OK) {
        return drop(rl, TERN_DROP_REPLAY);
    }
    uint8_t *frag = writable(it, body->p);
    size_t overhead = (size_t)e->cipher.explicit_len + e->cipher.aead.tag_len;
    if (body->len < overhead) {
        tern_zeroize(frag, body->len);
        return drop(rl, TERN_DROP_AUTH);
    }
    size_t pt_len = body->len - overhead;
    uint8_t *ct = frag + e->cipher.explicit_len;
    uint64_t seq_num = ((uint64_t)h->epoch << 48) | h->seq;
    uint8_t nonce[TERN_AEAD_NONCE_LEN];
    uint8_t aad[TERN_REC12_AAD_LEN];
    tern_rec_cipher_nonce(&e->cipher, seq_num, frag, nonce);
    tern_rec12_aad(aad, seq_num, h->type, h->version, pt_len);
    if (tern_rec_cipher_open(&e->cipher, nonce, aad, sizeof(aad), ct, pt_len, ct + pt_len) !=
        TERN_OK) {
        tern_zeroize(frag, body->len);
        return drop(rl, TERN_DROP_AUTH);
    }
    /* RFC 5246 section 6.2.1: a plaintext fragment is at most 2^14 bytes. */
    if (pt_len > TERN_REC_MAX_PLAINTEXT) {
        tern_zeroize(frag, body->len);
        return drop(rl, TERN_DROP_TOO_LONG);
    }
    tern_replay_update(&e->replay, h->seq);
    out->data = ct;
    out->len = pt_len;
    return TERN_REC_PLAINTEXT;
}

int tern_rec12_next(struct tern_rec12 *rl, struct tern_rec_cursor *it,
                    struct tern_rec12_record *out)
{
    while (tern_r_left(&it->r) > 0) {
        const uint8_t *start = it->r.p;
        struct tern_rec12_header h;
        struct tern_reader body;
        int rc = tern_rec12_header_parse(&it->r, &h, &body);
        if (rc != TERN_OK) {
            /* Without a trustworthy length the next record cannot be found:
             * the rest of the datagram goes. */
            drop(rl, rc == TERN_ERR_RECORD_OVERFLOW ? TERN_DROP_TOO_LONG : TERN_DROP_MALFORMED);
            tern_r_init(&it->r, NULL, 0);
            return TERN_REC_END;
        }
        int got = take_record(rl, it, start, &h, &body, out);
        if (got >= 0) {
            return got;
        }
    }
    return TERN_REC_END;
}
