/* What the adversarial cases share (adv.h). */
#include "adv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtls12/keys12.h"
#include "handshake/suites.h"
#include "util/alert.h"
#include "util/writer.h"

const uint8_t adv_psk_id[3] = {'a', 'd', 'v'};
const uint8_t adv_psk_key[16] = {0xad, 0x7e, 0x25, 0xa1, 0x1c, 0x5e, 0xed, 0x00,
                                 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
const uint8_t adv_peer[6] = {192, 0, 2, 7, 0x12, 0x34};

const char *adv_pki(const char *name)
{
    return test_pki_path(name);
}

int adv_rng_fill(void *arg, uint8_t *out, size_t len)
{
    struct adv_rng *r = arg;
    for (size_t i = 0; i < len; i++) {
        if (i % 8 == 0) {
            /* splitmix64 */
            r->state += UINT64_C(0x9e3779b97f4a7c15);
        }
        uint64_t z = r->state + i / 8;
        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        z ^= z >> 31;
        out[i] = (uint8_t)(z >> (8 * (i % 8)));
    }
    return 0;
}

struct tern_config *adv_psk_config(enum tern_role role, struct adv_rng *rng, int cookies)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, role), TERN_OK);
    if (cfg == NULL) {
        abort();
    }
    CHECK_INT(
        tern_config_set_psk(cfg, adv_psk_id, sizeof(adv_psk_id), adv_psk_key, sizeof(adv_psk_key)),
        TERN_OK);
    CHECK_INT(tern_config_set_timers(cfg, 100, 400, 2), TERN_OK);
    if (rng != NULL) {
        CHECK_INT(tern_config_set_random_callback(cfg, adv_rng_fill, rng), TERN_OK);
    }
    if (role == TERN_ROLE_SERVER && !cookies) {
        CHECK_INT(tern_config_set_cookie_mode(cfg, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    }
    return cfg;
}

struct tern_conn *adv_server(struct tern_config *cfg)
{
    struct tern_conn *c = NULL;
    CHECK_INT(tern_conn_new(&c, cfg), TERN_OK);
    tern_config_free(cfg);
    if (c == NULL) {
        abort();
    }
    return c;
}

struct tern_conn *adv_client(struct tern_config *cfg, uint8_t *ch, size_t *ch_len)
{
    struct tern_conn *c = NULL;
    CHECK_INT(tern_conn_new(&c, cfg), TERN_OK);
    tern_config_free(cfg);
    if (c == NULL) {
        abort();
    }
    CHECK_INT(tern_conn_start(c, 0), TERN_OK);
    uint8_t buf[ADV_DGRAM];
    ptrdiff_t n = tern_conn_pull(c, 0, buf, sizeof(buf));
    CHECK(n > 0);
    if (ch != NULL && n > 0) {
        memcpy(ch, buf, (size_t)n);
        *ch_len = (size_t)n;
    }
    return c;
}

size_t adv_record(uint8_t *out, size_t cap, uint8_t type, uint16_t epoch, uint64_t seq,
                  const uint8_t *payload, size_t len)
{
    struct tern_writer w;
    tern_w_init(&w, out, cap);
    tern_w_u8(&w, type);
    tern_w_u16(&w, TERN_DTLS12_VERSION);
    tern_w_u16(&w, epoch);
    tern_w_u48(&w, seq);
    tern_w_u16(&w, (uint16_t)len);
    tern_w_bytes(&w, payload, len);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    return w.len;
}

size_t adv_fragment(uint8_t *out, size_t cap, uint8_t type, uint32_t length, uint16_t msg_seq,
                    uint32_t off, const uint8_t *frag, uint32_t frag_len)
{
    struct tern_writer w;
    tern_w_init(&w, out, cap);
    struct tern_hs_header h = {type, length, msg_seq, off, frag_len};
    tern_hs_header_write(&w, &h);
    for (uint32_t i = 0; i < frag_len; i++) {
        tern_w_u8(&w, frag != NULL ? frag[i] : 0);
    }
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    return w.len;
}

size_t adv_message(uint8_t *out, size_t cap, uint8_t type, uint16_t msg_seq, uint64_t rec_seq,
                   const uint8_t *body, uint32_t len)
{
    uint8_t frag[ADV_DGRAM * 8];
    size_t n = adv_fragment(frag, sizeof(frag), type, len, msg_seq, 0, body, len);
    return adv_record(out, cap, TERN_CT_HANDSHAKE, 0, rec_seq, frag, n);
}

size_t adv_client_hello_body(uint8_t *out, size_t cap, const uint16_t *suites, size_t n_suites,
                             const uint8_t *exts, size_t ext_len, const uint8_t *cookie,
                             size_t cookie_len)
{
    static const uint8_t random[32] = {0x52, 0x4e, 0x44};
    struct tern_writer w;
    tern_w_init(&w, out, cap);
    tern_w_u16(&w, TERN_DTLS12_VERSION);
    tern_w_bytes(&w, random, sizeof(random));
    tern_w_u8(&w, 0); /* session_id */
    struct tern_w_mark m = tern_w_open8(&w);
    tern_w_bytes(&w, cookie, cookie_len);
    tern_w_close(&w, m);
    m = tern_w_open16(&w);
    for (size_t i = 0; i < n_suites; i++) {
        tern_w_u16(&w, suites[i]);
    }
    tern_w_close(&w, m);
    tern_w_u8(&w, 1);
    tern_w_u8(&w, 0); /* null compression */
    if (exts != NULL) {
        m = tern_w_open16(&w);
        tern_w_bytes(&w, exts, ext_len);
        tern_w_close(&w, m);
    }
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    return w.len;
}

size_t adv_ext(uint8_t *out, size_t cap, size_t at, uint16_t type, const uint8_t *body, size_t len)
{
    struct tern_writer w;
    tern_w_init(&w, out + at, cap - at);
    tern_w_u16(&w, type);
    tern_w_u16(&w, (uint16_t)len);
    tern_w_bytes(&w, body, len);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    return at + w.len;
}

int adv_feed(struct tern_conn *c, const uint8_t *dgram, size_t len)
{
    static uint8_t copy[65536 + 64];
    if (len > sizeof(copy)) {
        abort();
    }
    memcpy(copy, dgram, len);
    return tern_conn_receive(c, 0, copy, len, NULL, NULL);
}

void adv_expect_alert(struct tern_conn *c, int level, int desc)
{
    uint8_t out[ADV_DGRAM];
    ptrdiff_t n = tern_conn_pull(c, 0, out, sizeof(out));
    CHECK(n >= TERN_REC12_HEADER_LEN + 2);
    if (n < TERN_REC12_HEADER_LEN + 2) {
        return;
    }
    CHECK_INT(out[0], TERN_CT_ALERT);
    uint16_t epoch = (uint16_t)(out[3] << 8 | out[4]);
    if (epoch == 0) {
        CHECK_INT(n, TERN_REC12_HEADER_LEN + 2);
        CHECK_INT(out[13], level);
        CHECK_INT(out[14], desc);
    }
    CHECK_INT(tern_conn_alert_sent(c), desc);
}

void adv_expect_failed(struct tern_conn *c, int err, int desc)
{
    CHECK_INT(tern_conn_state(c), TERN_STATE_FAILED);
    CHECK_INT(tern_conn_error(c), err);
    CHECK_INT(tern_err_alert(err), desc);
    adv_expect_alert(c, 2, desc);
    adv_expect_silent(c);
}

void adv_expect_silent(struct tern_conn *c)
{
    uint8_t out[ADV_DGRAM];
    CHECK_INT(tern_conn_pull(c, 0, out, sizeof(out)), TERN_ERR_NOTHING_TO_SEND);
}

/* ---- the forger ------------------------------------------------------------------ */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

static int unhex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]);
        int lo = hi < 0 ? -1 : hexval(s[2 * i + 1]);
        if (lo < 0) {
            return -1;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* NSS key log: CLIENT_RANDOM <64 hex> <96 hex>. */
static void on_keylog(void *arg, const char *line)
{
    struct adv_forger *f = arg;
    static const char tag[] = "CLIENT_RANDOM ";
    if (strncmp(line, tag, sizeof(tag) - 1) != 0 || strlen(line) != sizeof(tag) - 1 + 64 + 1 + 96) {
        return;
    }
    const char *cr = line + sizeof(tag) - 1;
    if (unhex(cr, f->client_random, 32) == 0 && unhex(cr + 65, f->master, 48) == 0) {
        f->have_master = 1;
    }
}

/* Takes the server random from the ServerHello as it passes. */
static int watch_server_hello(void *arg, int from_client, uint8_t *dgram, size_t *len)
{
    struct adv_forger *f = arg;
    if (from_client) {
        return 1;
    }
    struct wire_msg msgs[WIRE_MAX_MSGS];
    size_t n = wire_messages(dgram, *len, msgs);
    for (size_t i = 0; i < n; i++) {
        if (msgs[i].type == TERN_HS_SERVER_HELLO && msgs[i].body_len >= 34) {
            memcpy(f->server_random, dgram + msgs[i].body_off + 2, 32);
            f->have_server_random = 1;
        }
    }
    return 1;
}

void adv_forger_watch(struct adv_forger *f, struct tern_config *client_cfg)
{
    memset(f, 0, sizeof(*f));
    CHECK_INT(tern_config_set_keylog_callback(client_cfg, on_keylog, f), TERN_OK);
}

void adv_forger_tap(struct adv_forger *f, struct pair *p)
{
    p->tap = watch_server_hello;
    p->tap_arg = f;
}

int adv_forger_arm(struct adv_forger *f, uint16_t suite)
{
    const struct tern_suite *s = tern_suite_by_id(suite);
    if (s == NULL || !f->have_master || !f->have_server_random) {
        return -1;
    }
    struct tern_keys12 k;
    if (tern_keys12_derive(s->prf_hash, f->master, f->client_random, f->server_random, s->key_len,
                           s->iv_len, &k) != TERN_OK) {
        return -1;
    }
    tern_rec12_init(&f->as_client, TERN_DTLS12_VERSION);
    tern_rec12_init(&f->as_server, TERN_DTLS12_VERSION);
    int rc = tern_rec12_set_tx_keys(&f->as_client, s->aead, k.client_key, k.key_len, k.client_iv,
                                    k.iv_len);
    if (rc == TERN_OK) {
        rc = tern_rec12_set_tx_keys(&f->as_server, s->aead, k.server_key, k.key_len, k.server_iv,
                                    k.iv_len);
    }
    memset(&k, 0, sizeof(k));
    if (rc != TERN_OK) {
        return -1;
    }
    /* Above what the real peers have sent in a test, yet close enough
     * that their next records stay inside the receiver's 64-record replay
     * window (RFC 6347 section 4.1.2.6) while a case forges a few. */
    tern_rec12_tx_seq_at_least(&f->as_client, 16);
    tern_rec12_tx_seq_at_least(&f->as_server, 16);
    f->suite = suite;
    f->ready = 1;
    return 0;
}

void adv_forger_clear(struct adv_forger *f)
{
    if (f->ready) {
        tern_rec12_clear(&f->as_client);
        tern_rec12_clear(&f->as_server);
    }
    memset(f, 0, sizeof(*f));
}

size_t adv_forge(struct adv_forger *f, int from_client, uint8_t type, const uint8_t *pt, size_t len,
                 uint8_t *out, size_t cap)
{
    struct tern_rec12 *rl = from_client ? &f->as_client : &f->as_server;
    ptrdiff_t n = tern_rec12_write_copy(rl, 1, type, pt, len, out, cap);
    CHECK(n > 0);
    return n > 0 ? (size_t)n : 0;
}

/* ---- an established pair --------------------------------------------------------- */

void adv_established(struct pair *p, struct adv_forger *f, uint64_t seed)
{
    adv_established_suite(p, f, seed, 0);
}

void adv_established_suite(struct pair *p, struct adv_forger *f, uint64_t seed, uint16_t suite)
{
    static struct adv_rng rc;
    static struct adv_rng rs;
    rc.state = seed;
    rs.state = seed ^ UINT64_C(0x5555);
    struct tern_config *cc = adv_psk_config(TERN_ROLE_CLIENT, &rc, 0);
    struct tern_config *sc = adv_psk_config(TERN_ROLE_SERVER, &rs, 0);
    if (suite != 0) {
        CHECK_INT(tern_config_set_suites(cc, &suite, 1), TERN_OK);
    }
    if (f != NULL) {
        adv_forger_watch(f, cc);
    }
    CHECK_INT(pair_init(p, cc, sc, seed), TERN_OK);
    if (f != NULL) {
        adv_forger_tap(f, p);
    }
    tern_config_free(cc);
    tern_config_free(sc);
    CHECK(pair_handshake(p, 200));
    /* Past the server's linger: the handshake state is gone on both sides. */
    p->now += UINT64_C(60000000000);
    CHECK_INT(tern_conn_timeout(p->server, p->now), TERN_OK);
    CHECK(tern_conn_deadline(p->server) == UINT64_MAX);
    p->tap = NULL;
    if (f != NULL) {
        CHECK_INT(adv_forger_arm(f, tern_conn_suite(p->client)), 0);
    }
}
