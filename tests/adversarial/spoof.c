/* Adversarial cases: one spoofed datagram must not end a handshake or a
 * session (RFC 6347 section 4.1.2.7; DESIGN.md: only authenticated input,
 * or a well-formed plaintext fatal alert before the peer's keys exist, can
 * end a connection). The forger here is off-path: it knows both addresses
 * and ports but no key. Before every datagram a side receives, it sends
 * that side one datagram of its own making, or slips records into the
 * real one right after its ChangeCipherSpec. The handshake must complete
 * with the same keys on both sides, data must flow both ways, and the
 * receivers must have counted what they dropped, by reason. */
#include <stdio.h>
#include <string.h>

#include "adv.h"
#include "conn_impl.h"

struct spoof_run;

struct forgery {
    const char *name;
    /* Writes what the forger sends a receiver (to_client: the client)
     * before its next datagram; returns the length, 0 for nothing. */
    size_t (*forge)(struct spoof_run *run, int to_client, uint8_t *out, size_t cap);
    /* Slip the forged records into the real datagram after its
     * ChangeCipherSpec (once the receiver reads the peer's keys, they
     * arrive beside authenticated records), and send them alone once
     * the receiver is established. */
    int inside;
    enum tern_drop_reason reason; /* what the receivers must have counted */
};

struct spoof_run {
    struct pair *p;
    const struct forgery *f;
    int saw_server_hello; /* the client has been sent a ServerHello */
    unsigned forged;      /* forgeries that reached a connection */
    uint64_t rec_seq;     /* record numbers of forged records */
};

/* Appends one epoch-0 record of type with payload to out at *at. */
static void put_record(struct spoof_run *run, uint8_t *out, size_t cap, size_t *at, uint8_t type,
                       const uint8_t *payload, size_t len)
{
    *at += adv_record(out + *at, cap - *at, type, 0, run->rec_seq++, payload, len);
}

/* Appends one handshake fragment in a record of its own. */
static void put_fragment(struct spoof_run *run, uint8_t *out, size_t cap, size_t *at, uint8_t type,
                         uint32_t length, uint16_t seq, uint32_t off, const uint8_t *frag,
                         uint32_t frag_len)
{
    uint8_t f[64];
    size_t n = adv_fragment(f, sizeof(f), type, length, seq, off, frag, frag_len);
    put_record(run, out, cap, at, TERN_CT_HANDSHAKE, f, n);
}

/* fragment_offset + fragment_length past the message length. */
static size_t forge_overrun(struct spoof_run *run, int to_client, uint8_t *out, size_t cap)
{
    static const uint8_t zeros[16];
    size_t at = 0;
    uint8_t type = to_client ? TERN_HS_SERVER_HELLO : TERN_HS_CLIENT_KEY_EXCHANGE;
    put_fragment(run, out, cap, &at, type, 20, 0, 10, zeros, sizeof(zeros));
    return at;
}

/* A handshake record of 3 bytes: a header cut short. */
static size_t forge_truncated(struct spoof_run *run, int to_client, uint8_t *out, size_t cap)
{
    (void)to_client;
    static const uint8_t cut[3] = {TERN_HS_CERTIFICATE, 0, 0};
    size_t at = 0;
    put_record(run, out, cap, &at, TERN_CT_HANDSHAKE, cut, sizeof(cut));
    return at;
}

/* Messages claiming more than tern reassembles, for the next message_seqs. */
static size_t forge_above_cap(struct spoof_run *run, int to_client, uint8_t *out, size_t cap)
{
    (void)to_client;
    static const uint8_t one[1] = {0x5a};
    size_t at = 0;
    for (uint16_t seq = 0; seq < 8; seq++) {
        put_fragment(run, out, cap, &at, TERN_HS_CERTIFICATE, 0x20000, seq, 0, one, 1);
    }
    return at;
}

/* One byte of a message for every near message_seq, claiming a length and
 * type no real message there has: the reassembly slots the real messages
 * need, poisoned before they arrive. */
static size_t forge_poison(struct spoof_run *run, int to_client, uint8_t *out, size_t cap)
{
    (void)to_client;
    static const uint8_t one[1] = {0xa5};
    size_t at = 0;
    for (uint16_t seq = 0; seq < 8; seq++) {
        put_fragment(run, out, cap, &at, TERN_HS_CERTIFICATE, 300, seq, 0, one, 1);
    }
    return at;
}

/* ChangeCipherSpecs whose body is not the single byte 1. */
static size_t forge_ccs(struct spoof_run *run, int to_client, uint8_t *out, size_t cap)
{
    (void)to_client;
    static const uint8_t two[1] = {2};
    static const uint8_t long_one[2] = {1, 1};
    size_t at = 0;
    put_record(run, out, cap, &at, TERN_CT_CHANGE_CIPHER_SPEC, two, 1);
    put_record(run, out, cap, &at, TERN_CT_CHANGE_CIPHER_SPEC, long_one, 2);
    return at;
}

/* close_notify and another warning, in the clear. */
static size_t forge_warnings(struct spoof_run *run, int to_client, uint8_t *out, size_t cap)
{
    (void)to_client;
    static const uint8_t close_notify[2] = {1, 0};
    static const uint8_t canceled[2] = {1, 90};
    size_t at = 0;
    put_record(run, out, cap, &at, TERN_CT_ALERT, close_notify, 2);
    put_record(run, out, cap, &at, TERN_CT_ALERT, canceled, 2);
    return at;
}

/* HelloVerifyRequests, once the client has been sent its ServerHello. */
static size_t forge_hvr(struct spoof_run *run, int to_client, uint8_t *out, size_t cap)
{
    if (!to_client || !run->saw_server_hello) {
        return 0;
    }
    uint8_t body[3 + 16] = {0xfe, 0xff, 16};
    memset(body + 3, 0xc0, 16);
    size_t at = 0;
    for (uint16_t seq = 0; seq < 8; seq++) {
        put_fragment(run, out, cap, &at, TERN_HS_HELLO_VERIFY_REQUEST, sizeof(body), seq, 0, body,
                     sizeof(body));
    }
    return at;
}

/* A plaintext fatal alert (inside: after the ChangeCipherSpec). */
static size_t forge_fatal(struct spoof_run *run, int to_client, uint8_t *out, size_t cap)
{
    (void)to_client;
    static const uint8_t fatal[2] = {2, 40};
    size_t at = 0;
    put_record(run, out, cap, &at, TERN_CT_ALERT, fatal, 2);
    return at;
}

/* A plaintext close_notify (inside: after the ChangeCipherSpec). */
static size_t forge_close(struct spoof_run *run, int to_client, uint8_t *out, size_t cap)
{
    (void)to_client;
    static const uint8_t close_notify[2] = {1, 0};
    size_t at = 0;
    put_record(run, out, cap, &at, TERN_CT_ALERT, close_notify, 2);
    return at;
}

/* Every handshake type with a one-byte body, which none of them decodes
 * as, for the next message_seqs: the one the state expects arrives
 * malformed, the others unexpected. */
static size_t forge_garbage(struct spoof_run *run, int to_client, uint8_t *out, size_t cap)
{
    (void)to_client;
    static const uint8_t types[] = {1, 2, 3, 11, 12, 13, 14, 15, 16};
    static const uint8_t junk[1] = {0xff};
    size_t at = 0;
    for (uint16_t seq = 0; seq < 6; seq++) {
        for (size_t i = 0; i < sizeof(types); i++) {
            put_fragment(run, out, cap, &at, types[i], 1, seq, 0, junk, 1);
        }
    }
    return at;
}

/* HelloRequests to the client while it negotiates (RFC 5246 section
 * 7.4.1.1: ignored). */
static size_t forge_hello_request(struct spoof_run *run, int to_client, uint8_t *out, size_t cap)
{
    if (!to_client) {
        return 0;
    }
    size_t at = 0;
    for (uint16_t seq = 0; seq < 8; seq++) {
        put_fragment(run, out, cap, &at, TERN_HS_HELLO_REQUEST, 0, seq, 0, NULL, 0);
    }
    return at;
}

/* The offset after the ChangeCipherSpec record of a datagram, or 0. */
static size_t after_ccs(const uint8_t *d, size_t len)
{
    size_t at = 0;
    while (len - at >= TERN_REC12_HEADER_LEN) {
        size_t rec = TERN_REC12_HEADER_LEN + ((size_t)d[at + 11] << 8 | d[at + 12]);
        if (rec > len - at) {
            return 0;
        }
        at += rec;
        if (d[at - rec] == TERN_CT_CHANGE_CIPHER_SPEC) {
            return at;
        }
    }
    return 0;
}

static void note_server_hello(struct spoof_run *run, int from_client, const uint8_t *d, size_t len)
{
    struct wire_msg m[WIRE_MAX_MSGS];
    size_t n = from_client ? 0 : wire_messages(d, len, m);
    for (size_t i = 0; i < n; i++) {
        run->saw_server_hello |= m[i].type == TERN_HS_SERVER_HELLO;
    }
}

static int spoof_tap(void *arg, int from_client, uint8_t *d, size_t *len)
{
    struct spoof_run *run = arg;
    struct tern_conn *to = from_client ? run->p->server : run->p->client;
    uint8_t forged[PAIR_DGRAM];
    size_t n = to != NULL ? run->f->forge(run, !from_client, forged, sizeof(forged)) : 0;
    note_server_hello(run, from_client, d, *len);
    if (n == 0) {
        return 1;
    }
    size_t at = run->f->inside ? after_ccs(d, *len) : 0;
    if (at > 0 && *len + n <= PAIR_DGRAM) {
        memmove(d + at + n, d + at, *len - at);
        memcpy(d + at, forged, n);
        *len += n;
        run->forged++;
    } else if (!run->f->inside || tern_conn_state(to) == TERN_STATE_ESTABLISHED) {
        CHECK_INT(tern_conn_receive(to, run->p->now, forged, n, NULL, NULL), TERN_OK);
        run->forged++;
    }
    return 1;
}

static void psk_scenario(struct tern_config **cc, struct tern_config **sc, struct adv_rng *rc,
                         struct adv_rng *rs)
{
    /* A long hint and a small MTU spread the server's flight over several
     * datagrams: more places to forge between. */
    static uint8_t hint[100];
    memset(hint, 'h', sizeof(hint));
    *cc = adv_psk_config(TERN_ROLE_CLIENT, rc, 0);
    CHECK_INT(tern_config_set_mtu(*cc, 256), TERN_OK);
    *sc = NULL;
    CHECK_INT(tern_config_new(sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(
        tern_config_set_psk(*sc, adv_psk_id, sizeof(adv_psk_id), adv_psk_key, sizeof(adv_psk_key)),
        TERN_OK);
    CHECK_INT(tern_config_set_psk_hint(*sc, hint, sizeof(hint)), TERN_OK);
    CHECK_INT(tern_config_set_timers(*sc, 100, 400, 2), TERN_OK);
    CHECK_INT(tern_config_set_random_callback(*sc, adv_rng_fill, rs), TERN_OK);
    CHECK_INT(tern_config_set_mtu(*sc, 256), TERN_OK);
}

static void ecdsa_scenario(struct tern_config **cc, struct tern_config **sc, struct adv_rng *rc,
                           struct adv_rng *rs)
{
    CHECK_INT(tern_config_new(cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_trust_file(*cc, adv_pki("ca.pem")), TERN_OK);
    CHECK_INT(tern_config_add_certificate_files(*cc, adv_pki("client.pem"), adv_pki("client.key")),
              TERN_OK);
    CHECK_INT(tern_config_set_timers(*cc, 100, 400, 2), TERN_OK);
    CHECK_INT(tern_config_set_random_callback(*cc, adv_rng_fill, rc), TERN_OK);
    CHECK_INT(tern_config_new(sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(
        tern_config_add_certificate_files(*sc, adv_pki("server-ec.pem"), adv_pki("server-ec.key")),
        TERN_OK);
    CHECK_INT(tern_config_add_trust_file(*sc, adv_pki("ca.pem")), TERN_OK);
    CHECK_INT(tern_config_set_client_auth(*sc, TERN_CLIENT_AUTH_REQUIRE), TERN_OK);
    CHECK_INT(tern_config_set_timers(*sc, 100, 400, 2), TERN_OK);
    CHECK_INT(tern_config_set_random_callback(*sc, adv_rng_fill, rs), TERN_OK);
}

/* One handshake (PSK, or ECDHE_ECDSA with client certificates) under the
 * forgery, then data both ways under it. */
static void spoofed_handshake(const struct forgery *f, int certificates)
{
    struct adv_rng rc = {0x5b00f};
    struct adv_rng rs = {0x5b00f ^ 0x5555};
    struct tern_config *cc = NULL;
    struct tern_config *sc = NULL;
    if (certificates) {
        ecdsa_scenario(&cc, &sc, &rc, &rs);
    } else {
        psk_scenario(&cc, &sc, &rc, &rs);
    }
    static struct pair p;
    CHECK_INT(pair_init_named(&p, cc, sc, 9, certificates ? "localhost" : NULL), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    struct spoof_run run = {&p, f, 0, 0, 0x100};
    p.tap = spoof_tap;
    p.tap_arg = &run;
    int ok = pair_handshake(&p, 400);
    if (!ok) {
        fprintf(stderr, "  %s (%s): client %s, server %s\n", f->name,
                certificates ? "certificates" : "psk", tern_strerror(tern_conn_error(p.client)),
                p.server != NULL ? tern_strerror(tern_conn_error(p.server)) : "none");
    }
    CHECK(ok);
    CHECK(run.forged > 0);
    if (ok) {
        uint8_t kc[32];
        uint8_t ks[32];
        CHECK_INT(tern_conn_export(p.client, "EXPERIMENTAL spoof", NULL, 0, kc, sizeof(kc)), 0);
        CHECK_INT(tern_conn_export(p.server, "EXPERIMENTAL spoof", NULL, 0, ks, sizeof(ks)), 0);
        CHECK_MEM(kc, ks, sizeof(kc));
        /* The session, forged at too, carries data both ways. */
        CHECK_INT(pair_send(&p, 1, "ping", 4), 0);
        CHECK_INT(pair_send(&p, 0, "pong", 4), 0);
        CHECK_INT(p.server_got_len, 4);
        CHECK_INT(p.client_got_len, 4);
        CHECK_INT(tern_conn_state(p.client), TERN_STATE_ESTABLISHED);
        CHECK_INT(tern_conn_state(p.server), TERN_STATE_ESTABLISHED);
    }
    uint64_t counted = tern_conn_dropped_by(p.client, f->reason) +
                       (p.server != NULL ? tern_conn_dropped_by(p.server, f->reason) : 0);
    printf("  %s (%s): %u forgeries, %llu counted as dropped by the stated reason\n", f->name,
           certificates ? "certificates" : "psk", run.forged, (unsigned long long)counted);
    CHECK(counted > 0);
    pair_free(&p);
}

static void both_scenarios(const struct forgery *f)
{
    spoofed_handshake(f, 0);
    spoofed_handshake(f, 1);
}

#define SPOOF_CASE(name, fn, inside, reason)                                                       \
    void adv_##name(void);                                                                         \
    void adv_##name(void)                                                                          \
    {                                                                                              \
        static const struct forgery f = {#name, fn, inside, reason};                               \
        both_scenarios(&f);                                                                        \
    }

SPOOF_CASE(spoof_fragment_overrun, forge_overrun, 0, TERN_DROP_MALFORMED)
SPOOF_CASE(spoof_fragment_header_cut, forge_truncated, 0, TERN_DROP_MALFORMED)
SPOOF_CASE(spoof_fragment_above_cap, forge_above_cap, 0, TERN_DROP_TOO_LONG)
SPOOF_CASE(spoof_reassembly_poisoned, forge_poison, 0, TERN_DROP_CONFLICT)
SPOOF_CASE(spoof_change_cipher_spec_malformed, forge_ccs, 0, TERN_DROP_MALFORMED)
SPOOF_CASE(spoof_plaintext_warnings, forge_warnings, 0, TERN_DROP_UNEXPECTED)
SPOOF_CASE(spoof_hello_verify_after_server_hello, forge_hvr, 0, TERN_DROP_UNEXPECTED)
SPOOF_CASE(spoof_fatal_alert_after_keys, forge_fatal, 1, TERN_DROP_UNEXPECTED)
SPOOF_CASE(spoof_close_notify_after_keys, forge_close, 1, TERN_DROP_UNEXPECTED)
SPOOF_CASE(spoof_messages_malformed, forge_garbage, 0, TERN_DROP_MALFORMED)
SPOOF_CASE(spoof_hello_request_ignored, forge_hello_request, 0, TERN_DROP_UNEXPECTED)

/* ---- no amplification through repeats (RFC 6347 section 4.2.4) ------------------ */

/* Reads a whole file into buf; returns its length. */
static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f == NULL) {
        return 0;
    }
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* The datagrams a connection wants sent, counted and measured. */
static size_t pull_bytes(struct tern_conn *c, uint64_t now, unsigned *datagrams)
{
    uint8_t out[ADV_DGRAM];
    size_t total = 0;
    ptrdiff_t n;
    while ((n = tern_conn_pull(c, now, out, sizeof(out))) > 0) {
        total += (size_t)n;
        if (datagrams != NULL) {
            (*datagrams)++;
        }
    }
    return total;
}

void adv_repeat_amplification_bounded(void);
void adv_repeat_amplification_bounded(void)
{
    /* The attack: a 25-byte header that looks like a repeat of the
     * client's last message (its ClientHello) made a server resend its
     * whole certificate flight (an RSA chain of two) every time. Now a
     * repeat is answered only when it matches the type and length of that
     * message, and at most once per half the initial timer. */
    uint8_t chain[8192];
    size_t chain_len = read_file(adv_pki("server-rsa.pem"), chain, sizeof(chain));
    chain_len += read_file(adv_pki("ca.pem"), chain + chain_len, sizeof(chain) - chain_len);
    uint8_t key[8192];
    size_t key_len = read_file(adv_pki("server-rsa.key"), key, sizeof(key));
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_add_certificate(sc, chain, chain_len, key, key_len), TERN_OK);
    CHECK_INT(tern_config_set_cookie_mode(sc, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    struct tern_config *cc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_trust_file(cc, adv_pki("ca.pem")), TERN_OK);
    CHECK_INT(tern_config_set_flags(cc, TERN_FLAG_NO_NAME_CHECK), TERN_OK);
    uint8_t ch[ADV_DGRAM];
    size_t ch_len = 0;
    struct tern_conn *c = adv_client(cc, ch, &ch_len);
    struct wire_msg m[WIRE_MAX_MSGS];
    CHECK_INT(wire_messages(ch, ch_len, m), 1);
    struct tern_conn *s = adv_server(sc);
    uint64_t t0 = UINT64_C(5000000000);
    CHECK_INT(tern_conn_receive(s, t0, ch, ch_len, NULL, NULL), TERN_OK);
    unsigned flight_dgrams = 0;
    size_t flight = pull_bytes(s, t0, &flight_dgrams);
    CHECK(flight > 1000 && flight_dgrams >= 2);
    /* 25 bytes each: a record header and a handshake header claiming the
     * ClientHello's type, length and message_seq, with no fragment. */
    uint8_t hdr[TERN_HS_HEADER_LEN];
    size_t hn = adv_fragment(hdr, sizeof(hdr), TERN_HS_CLIENT_HELLO, m[0].body_len, 0, 0, NULL, 0);
    uint8_t d[64];
    size_t sent = 0;
    size_t answered = 0;
    for (unsigned round = 0; round < 2; round++) {
        uint64_t now = t0 + round * UINT64_C(1000000000); /* the default initial timer */
        for (uint64_t i = 0; i < 100; i++) {
            size_t n =
                adv_record(d, sizeof(d), TERN_CT_HANDSHAKE, 0, 1000 + round * 100 + i, hdr, hn);
            CHECK_INT(n, 25);
            CHECK_INT(tern_conn_receive(s, now, d, n, NULL, NULL), TERN_OK);
            sent += n;
            answered += pull_bytes(s, now, NULL);
        }
        /* Right after the server's own transmission: none; a timer
         * interval later: exactly one flight. */
        CHECK_INT(answered, round == 0 ? 0 : flight);
    }
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_REPEAT_UNANSWERED), 199);
    /* A repeat that is not the ClientHello's length is never answered. */
    hn = adv_fragment(hdr, sizeof(hdr), TERN_HS_CLIENT_HELLO, m[0].body_len + 1, 0, 0, NULL, 0);
    size_t n = adv_record(d, sizeof(d), TERN_CT_HANDSHAKE, 0, 2000, hdr, hn);
    CHECK_INT(tern_conn_receive(s, t0 + UINT64_C(9000000000), d, n, NULL, NULL), TERN_OK);
    CHECK_INT(pull_bytes(s, t0, NULL), 0);
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_REPEAT_UNANSWERED), 200);
    sent += n;
    printf("  %zu forged bytes drew %zu (%.2f per byte; one flight of %zu bytes)\n", sent, answered,
           (double)answered / (double)sent, flight);
    CHECK(answered < sent);
    tern_conn_free(s);
    tern_conn_free(c);
}

/* ---- the first ClientHello ---------------------------------------------------- */

void adv_client_hello_far_seq_forged(void);
void adv_client_hello_far_seq_forged(void)
{
    /* With cookies off, a forged ClientHello fragment with a far
     * message_seq made the server expect that number, deaf to the real
     * ClientHello (message_seq 0) behind it. The newest ClientHello
     * fragment now restarts reassembly. */
    struct adv_rng rng = {0xfa5};
    uint8_t ch[ADV_DGRAM];
    size_t ch_len = 0;
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), ch, &ch_len);
    struct tern_conn *s = adv_server(adv_psk_config(TERN_ROLE_SERVER, NULL, 0));
    static const uint8_t one[1] = {1};
    uint8_t f[64];
    size_t fn = adv_fragment(f, sizeof(f), TERN_HS_CLIENT_HELLO, 200, 15, 0, one, 1);
    uint8_t d[ADV_DGRAM];
    size_t n = adv_record(d, sizeof(d), TERN_CT_HANDSHAKE, 0, 0, f, fn);
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    adv_expect_silent(s);
    CHECK_INT(adv_feed(s, ch, ch_len), TERN_OK);
    uint8_t out[ADV_DGRAM];
    CHECK(tern_conn_pull(s, 0, out, sizeof(out)) > 0);
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_CONFLICT), 1);
    tern_conn_free(s);
    tern_conn_free(c);
}

/* ---- closed before the handshake completed ------------------------------------ */

/* Cuts a datagram before its first record of type; returns the new length. */
static size_t cut_before(const uint8_t *d, size_t len, uint8_t type)
{
    size_t at = 0;
    while (len - at >= TERN_REC12_HEADER_LEN && d[at] != type) {
        at += TERN_REC12_HEADER_LEN + ((size_t)d[at + 11] << 8 | d[at + 12]);
    }
    return at < len ? at : len;
}

static void expect_nothing_negotiated(struct tern_conn *c)
{
    size_t len = 7;
    CHECK_INT(tern_conn_version(c), 0);
    CHECK_INT(tern_conn_suite(c), 0);
    CHECK(tern_conn_suite_name(c) == NULL);
    CHECK(tern_conn_psk_identity(c, &len) == NULL);
    CHECK_INT(len, 0);
    uint8_t key[16];
    CHECK_INT(tern_conn_export(c, "EXPERIMENTAL x", NULL, 0, key, sizeof(key)), TERN_ERR_STATE);
}

void adv_close_before_completion_reports_nothing(void);
void adv_close_before_completion_reports_nothing(void)
{
    /* A server that has read the client's ClientKeyExchange knows an
     * identity and a suite, but the client never proved the key. Before
     * the fix a plaintext close_notify closed it, and the getters then
     * reported that identity and suite as a session. */
    struct adv_rng rc = {0xc105e};
    struct adv_rng rs = {0xc105e ^ 0x5555};
    uint8_t ch[ADV_DGRAM];
    size_t ch_len = 0;
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rc, 0), ch, &ch_len);
    struct tern_conn *s = adv_server(adv_psk_config(TERN_ROLE_SERVER, &rs, 0));
    CHECK_INT(adv_feed(s, ch, ch_len), TERN_OK);
    uint8_t d[ADV_DGRAM];
    ptrdiff_t n;
    while ((n = tern_conn_pull(s, 0, d, sizeof(d))) > 0) {
        CHECK_INT(adv_feed(c, d, (size_t)n), TERN_OK);
    }
    n = tern_conn_pull(c, 0, d, sizeof(d));
    CHECK(n > 0);
    size_t cke_only = cut_before(d, n > 0 ? (size_t)n : 0, TERN_CT_CHANGE_CIPHER_SPEC);
    CHECK(cke_only > 0 && cke_only < (size_t)n);
    CHECK_INT(adv_feed(s, d, cke_only), TERN_OK);
    static const uint8_t close_notify[2] = {1, 0};
    size_t an = adv_record(d, sizeof(d), TERN_CT_ALERT, 0, 9, close_notify, 2);
    CHECK_INT(adv_feed(s, d, an), TERN_OK);
    CHECK_INT(tern_conn_state(s), TERN_STATE_HANDSHAKING);
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_UNEXPECTED), 1);
    expect_nothing_negotiated(s);
    /* Closed by the application before completion: still nothing. */
    CHECK_INT(tern_conn_shutdown(s), TERN_OK);
    CHECK_INT(tern_conn_state(s), TERN_STATE_CLOSED);
    expect_nothing_negotiated(s);
    /* The client, waiting for the server's Finished, likewise. */
    CHECK_INT(adv_feed(c, d, an), TERN_OK);
    CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
    CHECK_INT(tern_conn_shutdown(c), TERN_OK);
    expect_nothing_negotiated(c);
    tern_conn_free(s);
    tern_conn_free(c);
}

/* ---- keys wiped when a connection closes --------------------------------------- */

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= b[i];
    }
    return acc == 0;
}

static void expect_wiped(const struct tern_conn *c)
{
    CHECK(all_zero(c->sess.master, sizeof(c->sess.master)));
    CHECK(all_zero(&c->v.d12.rl.rx, sizeof(c->v.d12.rl.rx)));
    CHECK(all_zero(&c->v.d12.rl.tx, sizeof(c->v.d12.rl.tx)));
    CHECK(c->v.d12.hs == NULL);
}

void adv_keys_wiped_on_close(void);
void adv_keys_wiped_on_close(void)
{
    /* Keys went only when a connection was freed: a closed one that the
     * application kept held its master secret and traffic keys. */
    static struct pair p;
    adv_established(&p, NULL, 0xc1053);
    CHECK(!all_zero(p.client->sess.master, sizeof(p.client->sess.master)));
    CHECK_INT(tern_conn_shutdown(p.client), TERN_OK);
    expect_wiped(p.client);
    pair_flush(&p, p.client, &p.to_server);
    CHECK_INT(p.to_server.n, 1);
    pair_deliver(&p, &p.to_server, p.server, 0);
    CHECK_INT(tern_conn_state(p.server), TERN_STATE_CLOSED);
    expect_wiped(p.server);
    /* The server's own close_notify went out before its keys did. */
    pair_flush(&p, p.server, &p.to_client);
    CHECK_INT(p.to_client.n, 1);
    /* What was negotiated stays readable. */
    CHECK(tern_conn_suite(p.server) != 0);
    pair_free(&p);
}
