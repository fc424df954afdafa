/* The stateless cookie gate (include/tern/cookie.h). */
#include <tern/cookie.h>

#include <stdlib.h>
#include <string.h>

#include <tern/err.h>

#include "cookie_gate.h"
#include "crypto/errors.h"
#include "crypto/rng.h"
#include "handshake/cookie_mac.h"
#include "handshake/header.h"
#include "handshake/hello.h"
#include "record/header12.h"
#include "util/ct.h"
#include "util/guard.h"
#include "util/alloc.h"

#define COOKIE_LEN TERN_COOKIE_LEN
#define PEER_MAX   TERN_COOKIE_PEER_MAX
/* record header + handshake header + version + cookie length byte + cookie */
#define HVR_LEN (TERN_REC12_HEADER_LEN + TERN_HS_HEADER_LEN + 2 + 1 + COOKIE_LEN)

struct tern_cookie {
    struct tern_cookie_key current;
    struct tern_cookie_key previous; /* mac.ctx NULL until the first rotation */
};

static int make_key(struct tern_cookie_key *k, const uint8_t *secret, size_t secret_len)
{
    uint8_t random_secret[32];
    if (secret == NULL) {
        TERN_TRY(tern_rng_bytes(NULL, random_secret, sizeof(random_secret)));
        secret = random_secret;
        secret_len = sizeof(random_secret);
    }
    int rc = TERN_ERR_ARG;
    if (secret_len >= TERN_COOKIE_SECRET_MIN && secret_len <= TERN_COOKIE_SECRET_MAX) {
        rc = tern_cookie_key_init(k, secret, secret_len);
    }
    tern_zeroize(random_secret, sizeof(random_secret));
    return rc;
}

static int cookie_new(struct tern_cookie **out, const uint8_t *secret, size_t secret_len)
{
    if (out == NULL) {
        return TERN_ERR_ARG;
    }
    *out = NULL;
    struct tern_cookie *g = tern_calloc(1, sizeof(*g));
    if (g == NULL) {
        return TERN_ERR_NOMEM;
    }
    int rc = make_key(&g->current, secret, secret_len);
    if (rc != TERN_OK) {
        tern_free(g);
        return rc;
    }
    *out = g;
    return TERN_OK;
}

int tern_cookie_new(struct tern_cookie **out, const uint8_t *secret, size_t secret_len)
{
    tern_crypto_quiet_begin();
    int rc = cookie_new(out, secret, secret_len);
    tern_crypto_quiet_end();
    return rc;
}

void tern_cookie_free(struct tern_cookie *gate)
{
    if (gate == NULL) {
        return;
    }
    tern_cookie_key_clear(&gate->current);
    tern_cookie_key_clear(&gate->previous);
    tern_free(gate);
}

static int cookie_rotate(struct tern_cookie *gate, const uint8_t *secret, size_t secret_len)
{
    if (gate == NULL) {
        return TERN_ERR_ARG;
    }
    struct tern_cookie_key next;
    memset(&next, 0, sizeof(next));
    TERN_TRY(make_key(&next, secret, secret_len));
    tern_cookie_key_clear(&gate->previous);
    gate->previous = gate->current;
    gate->current = next;
    return TERN_OK;
}

int tern_cookie_rotate(struct tern_cookie *gate, const uint8_t *secret, size_t secret_len)
{
    tern_crypto_quiet_begin();
    int rc = cookie_rotate(gate, secret, secret_len);
    tern_crypto_quiet_end();
    return rc;
}

/* Finds an unfragmented epoch-0 ClientHello in the first record. */
static int find_client_hello(const uint8_t *dgram, size_t len, struct tern_rec12_header *rec,
                             struct tern_hs_header *hs, struct tern_client_hello *ch)
{
    struct tern_reader r;
    struct tern_reader body;
    struct tern_reader frag;
    tern_r_init(&r, dgram, len);
    TERN_TRY(tern_rec12_header_parse(&r, rec, &body));
    /* RFC 6347 section 4.1: every DTLS version has major 0xfe; the first
     * ClientHello may carry DTLS 1.0 in its record. */
    TERN_ENSURE(rec->type == TERN_CT_HANDSHAKE && rec->epoch == 0 && (rec->version >> 8) == 0xfe,
                TERN_ERR_DECODE);
    TERN_TRY(tern_hs_header_parse(&body, hs, &frag));
    TERN_ENSURE(hs->type == TERN_HS_CLIENT_HELLO && tern_hs_header_unfragmented(hs),
                TERN_ERR_DECODE);
    return tern_client_hello_parse(frag, ch);
}

static int write_hvr(const struct tern_rec12_header *rec, const struct tern_hs_header *hs,
                     const uint8_t cookie[COOKIE_LEN], uint8_t *out, size_t cap, size_t *out_len)
{
    struct tern_writer w;
    tern_w_init(&w, out, cap);
    /* RFC 6347 section 4.2.1: the HelloVerifyRequest reuses the record
     * sequence number of the ClientHello (and, per erratum 5186, its
     * message_seq), so repeated cookie exchanges never duplicate numbers. */
    struct tern_rec12_header rh = {TERN_CT_HANDSHAKE, TERN_DTLS10_VERSION, 0, rec->seq,
                                   TERN_HS_HEADER_LEN + 2 + 1 + COOKIE_LEN};
    struct tern_hs_header hh = {TERN_HS_HELLO_VERIFY_REQUEST, 2 + 1 + COOKIE_LEN, hs->message_seq,
                                0, 2 + 1 + COOKIE_LEN};
    tern_rec12_header_write(&w, &rh);
    tern_hs_header_write(&w, &hh);
    tern_hello_verify_write(&w, cookie, COOKIE_LEN);
    TERN_TRY(tern_w_finish(&w));
    *out_len = w.len;
    return TERN_OK;
}

/* Whether ch carries the cookie for peer under the current or the
 * previous secret (1 or 0, or an error); want gets the current one. */
static int cookie_valid(struct tern_cookie *gate, const void *peer, size_t peer_len,
                        const struct tern_client_hello *ch, uint8_t want[COOKIE_LEN])
{
    TERN_TRY(tern_cookie_mac(&gate->current, peer, peer_len, ch, want));
    if (ch->cookie.len != COOKIE_LEN) {
        return 0;
    }
    int ok = tern_ct_equal(want, ch->cookie.p, COOKIE_LEN);
    if (!ok && gate->previous.mac.ctx != NULL) {
        uint8_t older[COOKIE_LEN];
        TERN_TRY(tern_cookie_mac(&gate->previous, peer, peer_len, ch, older));
        ok = tern_ct_equal(older, ch->cookie.p, COOKIE_LEN);
    }
    return ok;
}

int tern_cookie_gate_verify(struct tern_cookie *gate, const uint8_t *dgram, size_t len,
                            const void *peer, size_t peer_len)
{
    TERN_ENSURE(gate != NULL && dgram != NULL && peer != NULL && peer_len > 0 &&
                    peer_len <= PEER_MAX,
                TERN_ERR_ARG);
    struct tern_rec12_header rec;
    struct tern_hs_header hs;
    struct tern_client_hello ch;
    if (find_client_hello(dgram, len, &rec, &hs, &ch) != TERN_OK) {
        return 0;
    }
    uint8_t want[COOKIE_LEN];
    return cookie_valid(gate, peer, peer_len, &ch, want);
}

int tern_cookie_check(struct tern_cookie *gate, const uint8_t *dgram, size_t len, const void *peer,
                      size_t peer_len, uint8_t *out, size_t cap, size_t *out_len)
{
    if (gate == NULL || dgram == NULL || peer == NULL || peer_len == 0 || peer_len > PEER_MAX ||
        out_len == NULL) {
        return TERN_ERR_ARG;
    }
    *out_len = 0;
    struct tern_rec12_header rec;
    struct tern_hs_header hs;
    struct tern_client_hello ch;
    if (find_client_hello(dgram, len, &rec, &hs, &ch) != TERN_OK) {
        return TERN_COOKIE_DROP;
    }
    /* The cookie under the current key: the one to check, and the one
     * to send when the check fails. */
    uint8_t want[COOKIE_LEN];
    int ok = cookie_valid(gate, peer, peer_len, &ch, want);
    TERN_TRY(ok);
    if (ok) {
        return TERN_COOKIE_VERIFIED;
    }
    /* No cookie, or a stale or forged one: answer with a fresh cookie, but
     * never with more bytes than the ClientHello's record brought
     * (amplification, RFC 6347 section 4.2.1). */
    if ((size_t)TERN_REC12_HEADER_LEN + rec.length < HVR_LEN) {
        return TERN_COOKIE_DROP;
    }
    if (out == NULL || cap < HVR_LEN) {
        return TERN_ERR_BUFFER;
    }
    TERN_TRY(write_hvr(&rec, &hs, want, out, cap, out_len));
    return TERN_COOKIE_SEND;
}
