#include "record/epoch.h"

#include <string.h>

#include <tern/err.h>

#include "util/ct.h"

static void epoch_clear(struct tern_rec_epoch *e)
{
    tern_rec_cipher_clear(&e->cipher);
    tern_zeroize(e, sizeof(*e));
}

void tern_rec_epochs_init(struct tern_rec_epochs *t)
{
    memset(t, 0, sizeof(*t));
    t->slot[0].in_use = 1;
    tern_replay_init(&t->slot[0].replay);
}

void tern_rec_epochs_clear(struct tern_rec_epochs *t)
{
    if (t == NULL) {
        return;
    }
    epoch_clear(&t->slot[0]);
    epoch_clear(&t->slot[1]);
}

int tern_rec_epochs_install(struct tern_rec_epochs *t, uint64_t max_epoch, int alg, int encrypt,
                            const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len)
{
    if (t->slot[0].epoch >= max_epoch) {
        return TERN_ERR_SEQ_EXHAUSTED;
    }
    struct tern_rec_epoch next;
    memset(&next, 0, sizeof(next));
    int rc = tern_rec_cipher_init(&next.cipher, alg, encrypt, key, key_len, iv, iv_len);
    if (rc != TERN_OK) {
        return rc;
    }
    next.epoch = t->slot[0].epoch + 1;
    next.in_use = 1;
    next.protected_ = 1;
    next.next_seq = 0; /* RFC 6347 section 4.1: sequence numbers restart in each epoch */
    tern_replay_init(&next.replay);
    epoch_clear(&t->slot[1]);
    t->slot[1] = t->slot[0];
    t->slot[0] = next;
    tern_zeroize(&next, sizeof(next));
    return TERN_OK;
}

struct tern_rec_epoch *tern_rec_epochs_find(struct tern_rec_epochs *t, uint64_t epoch)
{
    for (size_t i = 0; i < 2; i++) {
        if (t->slot[i].in_use && t->slot[i].epoch == epoch) {
            return &t->slot[i];
        }
    }
    return NULL;
}

void tern_rec_epochs_forget_previous(struct tern_rec_epochs *t)
{
    epoch_clear(&t->slot[1]);
}
