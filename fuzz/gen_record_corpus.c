/* Writes the seed corpus of the record fuzz target: datagrams sealed under
 * the target's fixed keys, so that fuzzing starts from records that
 * authenticate and mutations reach every drop path.
 * usage: gen-record-corpus OUTPUT_DIR */
#include <stdio.h>
#include <string.h>

#include "record/rec12.h"
#include "record_keys.h"

static int write_seed(const char *dir, const char *name, uint8_t selector, const uint8_t *dgram,
                      size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    int ok = fwrite(&selector, 1, 1, f) == 1 && fwrite(dgram, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : 1;
}

/* Appends one record to dgram at *off. */
static int add(struct tern_rec12 *tx, uint16_t epoch, uint8_t type, const char *msg, uint8_t *dgram,
               size_t cap, size_t *off)
{
    ptrdiff_t n =
        tern_rec12_write_copy(tx, epoch, type, msg, strlen(msg), dgram + *off, cap - *off);
    if (n < 0) {
        return 1;
    }
    *off += (size_t)n;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
        return 2;
    }
    int rc = 0;
    for (size_t a = 0; a < FUZZ_N_ALGS; a++) {
        int alg = g_fuzz_algs[a];
        size_t kl = tern_aead_key_len(alg);
        size_t il = tern_rec_cipher_iv_len(alg);
        for (int two = 0; two < 2; two++) {
            struct tern_rec12 tx;
            tern_rec12_init(&tx, TERN_DTLS12_VERSION);
            rc |= tern_rec12_set_tx_keys(&tx, alg, g_fuzz_key, kl, g_fuzz_iv, il) != 0;
            if (two) {
                rc |= tern_rec12_set_tx_keys(&tx, alg, g_fuzz_key, kl, g_fuzz_iv, il) != 0;
            }
            uint16_t cur = (uint16_t)(two ? 2 : 1);
            uint16_t prev = (uint16_t)(cur - 1);
            uint8_t selector = (uint8_t)(a | (two ? 0x10 : 0));
            uint8_t dgram[1024];
            char name[64];
            size_t off = 0;

            rc |= add(&tx, cur, 23, "application data", dgram, sizeof(dgram), &off);
            snprintf(name, sizeof(name), "alg%zu-e%u-appdata", a, cur);
            rc |= write_seed(argv[1], name, selector, dgram, off);

            off = 0;
            rc |= add(&tx, prev, 22, "\x14\x00\x00\x0c\x00\x05\x00\x00\x00\x00\x00\x0cverify-data!",
                      dgram, sizeof(dgram), &off);
            rc |= add(&tx, cur, 21, "\x01\x00", dgram, sizeof(dgram), &off);
            rc |= add(&tx, cur, 23, "second", dgram, sizeof(dgram), &off);
            snprintf(name, sizeof(name), "alg%zu-e%u-three-records", a, cur);
            rc |= write_seed(argv[1], name, selector, dgram, off);

            off = 0;
            rc |= add(&tx, cur, 22, "", dgram, sizeof(dgram), &off);
            rc |= add(&tx, cur, 20, "\x01", dgram, sizeof(dgram), &off);
            snprintf(name, sizeof(name), "alg%zu-e%u-empty-and-ccs", a, cur);
            rc |= write_seed(argv[1], name, selector, dgram, off);
            tern_rec12_clear(&tx);
        }
    }
    /* Plaintext epoch-0 handshake and a record of the next epoch. */
    static const uint8_t hello[] = {22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0};
    static const uint8_t next[] = {23, 0xfe, 0xfd, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 9, 9, 9};
    rc |= write_seed(argv[1], "epoch0-handshake", 0, hello, sizeof(hello));
    rc |= write_seed(argv[1], "next-epoch", 0, next, sizeof(next));
    if (rc != 0) {
        fprintf(stderr, "failed to write the corpus\n");
    }
    return rc;
}
