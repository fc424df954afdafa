#include "record/rec12.h"

#include <string.h>

#include <tern/err.h>

#include "util/ct.h"

static void epoch_clear(struct tern_rec12_epoch *e)
{
    tern_rec_cipher_clear(&e->cipher);
    tern_zeroize(e, sizeof(*e));
}

void tern_rec12_init(struct tern_rec12 *rl, uint16_t version)
{
    memset(rl, 0, sizeof(*rl));
    rl->version = version;
    rl->rx[0].in_use = 1;
    tern_replay_init(&rl->rx[0].replay);
    rl->tx[0].in_use = 1;
}

void tern_rec12_clear(struct tern_rec12 *rl)
{
    if (rl == NULL) {
        return;
    }
    for (size_t i = 0; i < 2; i++) {
        epoch_clear(&rl->rx[i]);
        epoch_clear(&rl->tx[i]);
    }
}

static int set_keys(struct tern_rec12_epoch pair[2], int encrypt, int alg, const uint8_t *key,
                    size_t key_len, const uint8_t *iv, size_t iv_len)
{
    /* RFC 6347 section 4.1: "the epoch number [...] MUST NOT wrap"; a new
     * handshake would be needed, and tern refuses renegotiation. */
    if (pair[0].epoch == UINT16_MAX) {
        return TERN_ERR_SEQ_EXHAUSTED;
    }
    struct tern_rec12_epoch next;
    memset(&next, 0, sizeof(next));
    int rc = tern_rec_cipher_init(&next.cipher, alg, encrypt, key, key_len, iv, iv_len);
    if (rc != TERN_OK) {
        return rc;
    }
    next.epoch = (uint16_t)(pair[0].epoch + 1);
    next.in_use = 1;
    next.protected_ = 1;
    next.next_seq = 0; /* RFC 6347 section 4.1: sequence numbers restart in each epoch */
    tern_replay_init(&next.replay);
    epoch_clear(&pair[1]);
    pair[1] = pair[0];
    pair[0] = next;
    tern_zeroize(&next, sizeof(next));
    return TERN_OK;
}

int tern_rec12_set_rx_keys(struct tern_rec12 *rl, int alg, const uint8_t *key, size_t key_len,
                           const uint8_t *iv, size_t iv_len)
{
    return set_keys(rl->rx, 0, alg, key, key_len, iv, iv_len);
}

int tern_rec12_set_tx_keys(struct tern_rec12 *rl, int alg, const uint8_t *key, size_t key_len,
                           const uint8_t *iv, size_t iv_len)
{
    return set_keys(rl->tx, 1, alg, key, key_len, iv, iv_len);
}

void tern_rec12_drop_previous_rx(struct tern_rec12 *rl)
{
    epoch_clear(&rl->rx[1]);
}

void tern_rec12_tx_seq_at_least(struct tern_rec12 *rl, uint64_t seq)
{
    if (rl->tx[0].next_seq < seq && seq <= TERN_REC_MAX_SEQ) {
        rl->tx[0].next_seq = seq;
    }
}

uint16_t tern_rec12_tx_epoch(const struct tern_rec12 *rl)
{
    return rl->tx[0].epoch;
}

uint16_t tern_rec12_rx_epoch(const struct tern_rec12 *rl)
{
    return rl->rx[0].epoch;
}

static struct tern_rec12_epoch *find(struct tern_rec12_epoch pair[2], uint16_t epoch)
{
    for (size_t i = 0; i < 2; i++) {
        if (pair[i].in_use && pair[i].epoch == epoch) {
            return &pair[i];
        }
    }
    return NULL;
}

int tern_rec12_layout(const struct tern_rec12 *rl, uint16_t epoch, size_t *prefix, size_t *suffix)
{
    const struct tern_rec12_epoch *e = find((struct tern_rec12_epoch *)rl->tx, epoch);
    if (e == NULL) {
        return TERN_ERR_EPOCH;
    }
    *prefix = TERN_REC12_HEADER_LEN + (e->protected_ ? e->cipher.explicit_len : 0);
    *suffix = e->protected_ ? e->cipher.aead.tag_len : 0;
    return TERN_OK;
}

ptrdiff_t tern_rec12_write(struct tern_rec12 *rl, uint16_t epoch, uint8_t type, uint8_t *rec,
                           size_t cap, size_t pt_len)
{
    struct tern_rec12_epoch *e = find(rl->tx, epoch);
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
        n = tern_rec_cipher_seal(&e->cipher, type, rl->version, seq_num, rec, cap, pt_len);
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

void tern_rec12_iter_init(struct tern_rec12_iter *it, uint8_t *dgram, size_t len)
{
    it->base = dgram;
    tern_r_init(&it->r, dgram, len);
}

/* The writable address of bytes a reader borrowed from the iterator's own
 * mutable datagram buffer. */
static uint8_t *writable(const struct tern_rec12_iter *it, const uint8_t *p)
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
static int take_record(struct tern_rec12 *rl, struct tern_rec12_iter *it, const uint8_t *start,
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
    struct tern_rec12_epoch *e = find(rl->rx, h->epoch);
    if (e == NULL) {
        if (rl->rx[0].epoch != UINT16_MAX && h->epoch == rl->rx[0].epoch + 1) {
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
    size_t pt_off;
    size_t pt_len;
    uint64_t seq_num = ((uint64_t)h->epoch << 48) | h->seq;
    if (tern_rec_cipher_open(&e->cipher, h->type, h->version, seq_num, frag, body->len, &pt_off,
                             &pt_len) != TERN_OK) {
        return drop(rl, TERN_DROP_AUTH);
    }
    /* RFC 5246 section 6.2.1: a plaintext fragment is at most 2^14 bytes. */
    if (pt_len > TERN_REC_MAX_PLAINTEXT) {
        tern_zeroize(frag, body->len);
        return drop(rl, TERN_DROP_TOO_LONG);
    }
    tern_replay_update(&e->replay, h->seq);
    out->data = frag + pt_off;
    out->len = pt_len;
    return TERN_REC_PLAINTEXT;
}

int tern_rec12_next(struct tern_rec12 *rl, struct tern_rec12_iter *it,
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
