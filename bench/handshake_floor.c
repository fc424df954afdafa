/* bench-handshake: what libcrypto's own operations cost, the floor under
 * every handshake figure. Each operation is measured directly through EVP
 * with its algorithm fetched and its context prepared once, so that what is
 * timed is the arithmetic and nothing that an implementation could avoid:
 *
 *   key generation  EVP_PKEY_keygen on a prepared context (a random scalar
 *                   and its public value), the key freed
 *   shared secret   EVP_PKEY_derive on a context whose own and peer keys
 *                   are set once
 *   signature       SHA-256 of 100 bytes (what a ServerKeyExchange signs:
 *                   both randoms and the ECDHE parameters) on a fetched
 *                   digest, then EVP_PKEY_sign on a context initialised once
 *
 * They are timed on the thread's CPU clock, so that other processes on a
 * busy machine do not count, in turns that the driver interleaves with
 * the handshakes they are compared with, so that a neighbour on the same
 * core (which slows CPU time as well) hits both alike. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "handshake.h"

/* The operations under test, prepared once. */
struct hs_floor {
    EVP_PKEY_CTX *gen;    /* keygen, HS_GROUP_NAME */
    EVP_PKEY *a;          /* our key for the exchange */
    EVP_PKEY *b;          /* the peer's */
    EVP_PKEY_CTX *derive; /* a with b */
    EVP_MD *sha256;
    EVP_PKEY *sign_key; /* NULL: no signature measured */
    EVP_PKEY_CTX *sign;
};

static int floor_fail(const char *what)
{
    fprintf(stderr, "bench-handshake: floor: %s\n", what);
    ERR_print_errors_fp(stderr);
    return 0;
}

void hs_floor_free(struct hs_floor *f)
{
    if (f == NULL) {
        return;
    }
    EVP_PKEY_CTX_free(f->gen);
    EVP_PKEY_CTX_free(f->derive);
    EVP_PKEY_CTX_free(f->sign);
    EVP_PKEY_free(f->a);
    EVP_PKEY_free(f->b);
    EVP_PKEY_free(f->sign_key);
    EVP_MD_free(f->sha256);
    free(f);
}

static int floor_sign_setup(struct hs_floor *f, const char *key_path)
{
    FILE *fp = fopen(key_path, "r");
    if (fp == NULL) {
        return floor_fail("cannot open the server key");
    }
    f->sign_key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
    fclose(fp);
    f->sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
    if (f->sign_key == NULL || f->sha256 == NULL ||
        (f->sign = EVP_PKEY_CTX_new_from_pkey(NULL, f->sign_key, NULL)) == NULL ||
        EVP_PKEY_sign_init(f->sign) != 1 ||
        EVP_PKEY_CTX_set_signature_md(f->sign, f->sha256) != 1) {
        return floor_fail("ECDSA setup failed");
    }
    return 1;
}

struct hs_floor *hs_floor_new(const char *key_path)
{
    struct hs_floor *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        return NULL;
    }
    f->gen = EVP_PKEY_CTX_new_from_name(NULL, HS_GROUP_NAME, NULL);
    if (f->gen == NULL || EVP_PKEY_keygen_init(f->gen) != 1 ||
        EVP_PKEY_keygen(f->gen, &f->a) != 1 || EVP_PKEY_keygen(f->gen, &f->b) != 1 ||
        (f->derive = EVP_PKEY_CTX_new_from_pkey(NULL, f->a, NULL)) == NULL ||
        EVP_PKEY_derive_init(f->derive) != 1 || EVP_PKEY_derive_set_peer(f->derive, f->b) != 1) {
        floor_fail(HS_GROUP_NAME " setup failed");
        hs_floor_free(f);
        return NULL;
    }
    if (key_path != NULL && !floor_sign_setup(f, key_path)) {
        hs_floor_free(f);
        return NULL;
    }
    return f;
}

/* One operation; returns 0 on a failure. */
static int floor_op(const struct hs_floor *f, int op)
{
    switch (op) {
    case HS_FLOOR_KEYGEN: {
        EVP_PKEY *k = NULL;
        int ok = EVP_PKEY_keygen(f->gen, &k) == 1;
        EVP_PKEY_free(k);
        return ok;
    }
    case HS_FLOOR_DERIVE: {
        uint8_t secret[64];
        size_t len = sizeof(secret);
        return EVP_PKEY_derive(f->derive, secret, &len) == 1;
    }
    case HS_FLOOR_SIGN: {
        static const uint8_t tbs[100] = {1, 2, 3};
        uint8_t digest[32];
        uint8_t sig[80];
        size_t len = sizeof(sig);
        unsigned int dlen = sizeof(digest);
        return EVP_Digest(tbs, sizeof(tbs), digest, &dlen, f->sha256, NULL) == 1 &&
               EVP_PKEY_sign(f->sign, sig, &len, digest, dlen) == 1;
    }
    default:
        return 0;
    }
}

int hs_floor_turn(struct hs_floor *f, double secs, struct hs_floor_tally *t)
{
    int n_ops = f->sign != NULL ? HS_FLOOR_OPS : HS_FLOOR_SIGN;
    uint64_t limit = (uint64_t)(secs / n_ops * 1e9);
    for (int op = 0; op < n_ops; op++) {
        uint64_t cpu0 = hs_cpu_ns();
        uint64_t t0 = hs_now_ns();
        uint64_t n = 0;
        do {
            if (!floor_op(f, op)) {
                return floor_fail("an operation failed");
            }
            n++;
        } while (hs_now_ns() - t0 < limit);
        t->ns[op] += hs_cpu_ns() - cpu0;
        t->n[op] += n;
    }
    return 1;
}

double hs_floor_us(const struct hs_floor_tally *t, int op)
{
    return t->n[op] > 0 ? (double)t->ns[op] * 1e-3 / (double)t->n[op] : 0;
}
