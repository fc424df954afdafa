/* Adversarial cases over whole handshakes: every field of every datagram
 * of a valid handshake changed in turn ("mutate one field of a valid
 * flight"), messages cut and grown with their lengths kept consistent, and
 * every message replaced by each handshake type it must not be. Each run
 * is a fresh pair of tern connections with seeded randomness, so the runs
 * are the same every time; each must end cleanly on both sides: either
 * both established and agreeing on keys, or failed with the alert that
 * its error calls for, within the retransmission limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "adv.h"
#include "dtls12/hs12.h"

/* ---- scenarios ---------------------------------------------------------------- */

struct scenario {
    const char *name;
    void (*configs)(struct tern_config **cc, struct tern_config **sc);
    const char *server_name;
    /* made on first use and shared by every run of a case (each run's
     * connections take their own references) */
    struct tern_config *cc;
    struct tern_config *sc;
};

static void scenario_configs(struct scenario *s, struct tern_config **cc, struct tern_config **sc)
{
    if (s->cc == NULL) {
        s->configs(&s->cc, &s->sc);
    }
    *cc = s->cc;
    *sc = s->sc;
}

static void scenario_release(struct scenario *s)
{
    tern_config_free(s->cc);
    tern_config_free(s->sc);
    s->cc = NULL;
    s->sc = NULL;
}

static struct adv_rng g_rc;
static struct adv_rng g_rs;

static void fast(struct tern_config *cfg, struct adv_rng *rng)
{
    CHECK_INT(tern_config_set_timers(cfg, 100, 400, 2), TERN_OK);
    CHECK_INT(tern_config_set_random_callback(cfg, adv_rng_fill, rng), TERN_OK);
}

static void psk_configs(struct tern_config **cc, struct tern_config **sc)
{
    *cc = adv_psk_config(TERN_ROLE_CLIENT, &g_rc, 0);
    *sc = adv_psk_config(TERN_ROLE_SERVER, &g_rs, 1); /* with the cookie exchange */
}

static void ecdhe_psk_configs(struct tern_config **cc, struct tern_config **sc)
{
    static const uint16_t suites[] = {0xccac, 0xd001};
    psk_configs(cc, sc);
    CHECK_INT(tern_config_set_suites(*cc, suites, 2), TERN_OK);
}

static void ecdsa_mutual_configs(struct tern_config **cc, struct tern_config **sc)
{
    CHECK_INT(tern_config_new(cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_trust_file(*cc, adv_pki("ca.pem")), TERN_OK);
    CHECK_INT(tern_config_add_certificate_files(*cc, adv_pki("client.pem"), adv_pki("client.key")),
              TERN_OK);
    fast(*cc, &g_rc);
    CHECK_INT(tern_config_new(sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(
        tern_config_add_certificate_files(*sc, adv_pki("server-ec.pem"), adv_pki("server-ec.key")),
        TERN_OK);
    CHECK_INT(tern_config_add_trust_file(*sc, adv_pki("ca.pem")), TERN_OK);
    CHECK_INT(tern_config_set_client_auth(*sc, TERN_CLIENT_AUTH_REQUIRE), TERN_OK);
    CHECK_INT(tern_config_set_cookie_mode(*sc, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    fast(*sc, &g_rs);
}

static void rsa_configs(struct tern_config **cc, struct tern_config **sc)
{
    CHECK_INT(tern_config_new(cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_trust_file(*cc, adv_pki("ca.pem")), TERN_OK);
    fast(*cc, &g_rc);
    CHECK_INT(tern_config_new(sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_add_certificate_files(*sc, adv_pki("server-rsa.pem"),
                                                adv_pki("server-rsa.key")),
              TERN_OK);
    CHECK_INT(tern_config_set_cookie_mode(*sc, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    fast(*sc, &g_rs);
}

static void rpk_configs(struct tern_config **cc, struct tern_config **sc)
{
    static const uint16_t suite = 0xc0ae;
    CHECK_INT(tern_config_new(sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_set_raw_public_key_file(*sc, adv_pki("rpk-ec.key")), TERN_OK);
    CHECK_INT(tern_config_add_peer_key_file(*sc, adv_pki("rpk-ed25519.pub")), TERN_OK);
    CHECK_INT(tern_config_set_client_auth(*sc, TERN_CLIENT_AUTH_REQUIRE), TERN_OK);
    CHECK_INT(tern_config_set_suites(*sc, &suite, 1), TERN_OK);
    CHECK_INT(tern_config_set_cookie_mode(*sc, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    fast(*sc, &g_rs);
    CHECK_INT(tern_config_new(cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_add_peer_key_file(*cc, adv_pki("rpk-ec.pub")), TERN_OK);
    CHECK_INT(tern_config_set_raw_public_key_file(*cc, adv_pki("rpk-ed25519.key")), TERN_OK);
    fast(*cc, &g_rc);
}

static struct scenario g_psk = {"psk", psk_configs, NULL, NULL, NULL};
static struct scenario g_ecdhe_psk = {"ecdhe-psk", ecdhe_psk_configs, NULL, NULL, NULL};
static struct scenario g_ecdsa = {"ecdsa-mutual", ecdsa_mutual_configs, "localhost", NULL, NULL};
static struct scenario g_rsa = {"rsa", rsa_configs, "localhost", NULL, NULL};
static struct scenario g_rpk = {"rpk", rpk_configs, NULL, NULL, NULL};

/* ---- one run with one edit ------------------------------------------------------ */

/* EDIT_NONE keeps a copy of every datagram (the reference run); EDIT_PASS
 * changes nothing. */
enum edit_kind { EDIT_NONE = 0, EDIT_FIELD, EDIT_FLIP, EDIT_SPLICE, EDIT_REPLACE, EDIT_PASS };

#define MAX_DGRAMS 16

struct edit {
    int kind;
    int from_client;  /* whose datagram */
    unsigned index;   /* the index-th datagram that side sends */
    size_t field;     /* EDIT_FIELD, EDIT_FLIP: index into wire_fields() */
    uint64_t value;   /* EDIT_FIELD */
    size_t msg;       /* EDIT_SPLICE: index into wire_messages() */
    size_t at;        /* EDIT_SPLICE: body offset */
    size_t del;       /* EDIT_SPLICE: bytes removed there */
    size_t ins;       /* EDIT_SPLICE: zero bytes inserted there */
    uint8_t new_type; /* EDIT_REPLACE: the message that takes the datagram's place */
    /* filled in by the run */
    int applied;
    uint8_t orig_type; /* EDIT_REPLACE: the first message it replaced */
    unsigned sent[2];  /* datagrams seen per side ([1]: client) */
    /* the reference run keeps what each side sent */
    uint8_t *keep[2][MAX_DGRAMS];
    size_t keep_len[2][MAX_DGRAMS];
};

/* Replaces the datagram by one empty message of e->new_type at the place
 * of its first plaintext handshake message. */
static int replace(struct edit *e, uint8_t *d, size_t *len)
{
    struct wire_fields f;
    wire_fields(d, *len, &f);
    if (f.n < 10 || f.f[5].layer != WIRE_FRAGMENT) {
        return 0; /* no plaintext handshake message first */
    }
    uint64_t rec_seq = wire_get(d, &f.f[3]);
    uint16_t msg_seq = (uint16_t)wire_get(d, &f.f[7]);
    e->orig_type = d[f.f[5].off];
    uint8_t out[ADV_DGRAM];
    size_t n = adv_message(out, sizeof(out), e->new_type, msg_seq, rec_seq, NULL, 0);
    memcpy(d, out, n);
    *len = n;
    return 1;
}

static int apply(struct edit *e, uint8_t *d, size_t *len)
{
    struct wire_fields f;
    switch (e->kind) {
    case EDIT_FIELD:
    case EDIT_FLIP:
        wire_fields(d, *len, &f);
        if (e->field >= f.n) {
            return 0;
        }
        if (e->kind == EDIT_FIELD) {
            wire_set(d, &f.f[e->field], e->value);
        } else {
            d[f.f[e->field].off] ^= 0x80;
            d[f.f[e->field].off + f.f[e->field].width - 1] ^= 0x01;
        }
        return 1;
    case EDIT_SPLICE: {
        struct wire_msg m[WIRE_MAX_MSGS];
        size_t n = wire_messages(d, *len, m);
        if (e->msg >= n) {
            return 0;
        }
        static const uint8_t zeros[64];
        uint8_t out[ADV_DGRAM];
        size_t at = e->at > m[e->msg].body_len ? m[e->msg].body_len : e->at;
        size_t del = e->del > m[e->msg].body_len - at ? m[e->msg].body_len - at : e->del;
        size_t got = wire_splice(d, *len, &m[e->msg], at, del, zeros, e->ins, out, PAIR_DGRAM);
        if (got == 0) {
            return 0;
        }
        memcpy(d, out, got);
        *len = got;
        return 1;
    }
    case EDIT_REPLACE:
        return replace(e, d, len);
    default:
        return 0;
    }
}

static int tap(void *arg, int from_client, uint8_t *d, size_t *len)
{
    struct edit *e = arg;
    unsigned i = e->sent[from_client]++;
    if (e->kind == EDIT_PASS) {
        return 1;
    }
    if (e->kind == EDIT_NONE) {
        if (i < MAX_DGRAMS && e->keep[from_client][i] == NULL) {
            e->keep[from_client][i] = malloc(*len);
            if (e->keep[from_client][i] != NULL) {
                memcpy(e->keep[from_client][i], d, *len);
                e->keep_len[from_client][i] = *len;
            }
        }
        return 1;
    }
    if (from_client == e->from_client && i == e->index && !e->applied) {
        e->applied = apply(e, d, len);
    }
    return 1;
}

/* How runs ended, for the summary and the checks. */
struct tally {
    unsigned runs;
    unsigned applied;
    unsigned both_established;
    unsigned failed_by_err[64]; /* index -err */
    unsigned unexpected_message;
    unsigned no_server;          /* runs that ended before the gate let a ClientHello through */
    unsigned dropped_unexpected; /* runs where the edited datagram's receiver dropped a message
                                    as unexpected and both sides still got established */
};

static int settled(enum tern_state s)
{
    return s == TERN_STATE_ESTABLISHED || s == TERN_STATE_FAILED || s == TERN_STATE_CLOSED;
}

/* A failed side's error is a real one and its alert is the one the error
 * calls for (tern_err_alert), or none after a peer's alert. */
static void check_failed_side(struct tern_conn *c, const char *who, const struct edit *e)
{
    int err = tern_conn_error(c);
    int ok = err < 0 && strcmp(tern_strerror(err), "unknown error") != 0;
    /* An unknown PSK identity fails, on the wire, as a wrong key does
     * (RFC 4279 section 2: not revealed). */
    int want = tern_err_alert(err == TERN_ERR_UNKNOWN_PSK_IDENTITY ? TERN_ERR_BAD_FINISHED : err);
    if (err != TERN_ERR_PEER_ALERT && want >= 0) {
        ok = ok && tern_conn_alert_sent(c) == want;
    }
    if (!ok) {
        fprintf(stderr, "  %s: error %d (%s), alert sent %d (want %d) [edit kind %d side %d #%u]\n",
                who, err, tern_strerror(err), tern_conn_alert_sent(c), want, e->kind,
                e->from_client, e->index);
    }
    CHECK(ok);
}

/* One handshake with edit e; when fail_at is not 0, the fail_at-th
 * allocation after the configurations exist fails. */
static void run_failing(struct scenario *s, struct edit *e, struct tally *t, unsigned long fail_at)
{
    g_rc.state = 0x1111;
    g_rs.state = 0x2222;
    struct tern_config *cc = NULL;
    struct tern_config *sc = NULL;
    scenario_configs(s, &cc, &sc);
    struct pair p;
    alloc_fail_nth(fail_at);
    int rc = pair_init_named(&p, cc, sc, 77, s->server_name);
    if (rc != TERN_OK) {
        /* Only an allocation failure may stop a connection being made. */
        alloc_fail_nth(0);
        CHECK(fail_at != 0 && (rc == TERN_ERR_NOMEM || rc == TERN_ERR_CRYPTO));
        t->runs++;
        t->failed_by_err[-rc]++;
        pair_free(&p);
        return;
    }
    p.tap = tap;
    p.tap_arg = e;
    pair_handshake(&p, 2000);
    alloc_fail_nth(0);
    enum tern_state cs = tern_conn_state(p.client);
    enum tern_state ss = tern_conn_state(p.server);
    t->runs++;
    t->applied += e->applied != 0;
    /* Bounded: nobody is still in the handshake. */
    if (!settled(cs) || !settled(ss)) {
        fprintf(stderr,
                "  %s: unsettled client %d server %d [edit kind %d side %d #%u field %zu]\n",
                s->name, cs, ss, e->kind, e->from_client, e->index, e->field);
    }
    CHECK(settled(cs) && settled(ss));
    if (cs == TERN_STATE_ESTABLISHED && ss == TERN_STATE_ESTABLISHED) {
        t->both_established++;
        /* Established means the same keys on both sides. */
        CHECK_INT(tern_conn_suite(p.client), tern_conn_suite(p.server));
        uint8_t kc[32];
        uint8_t ks[32];
        CHECK_INT(tern_conn_export(p.client, "EXPERIMENTAL adv", NULL, 0, kc, sizeof(kc)), 0);
        CHECK_INT(tern_conn_export(p.server, "EXPERIMENTAL adv", NULL, 0, ks, sizeof(ks)), 0);
        CHECK_MEM(kc, ks, sizeof(kc));
        p.tap = NULL;
        CHECK_INT(pair_send(&p, 1, "ping", 4), 0);
        CHECK_INT(pair_send(&p, 0, "pong", 4), 0);
        CHECK(p.server_got_len == 4 && p.client_got_len == 4);
    }
    if (cs == TERN_STATE_FAILED) {
        check_failed_side(p.client, "client", e);
        int err = -tern_conn_error(p.client);
        t->failed_by_err[err > 0 && err < 64 ? err : 0]++;
    }
    if (p.server == NULL) {
        /* The client gave up before its ClientHello passed the gate: no
         * server connection was ever made. */
        t->no_server++;
    } else if (ss == TERN_STATE_FAILED) {
        check_failed_side(p.server, "server", e);
        int err = -tern_conn_error(p.server);
        t->failed_by_err[err > 0 && err < 64 ? err : 0]++;
    }
    /* Whatever libcrypto reported while tern rejected the input, tern
     * took back off the thread's error queue: the application's own
     * libcrypto calls must not find it there. */
    unsigned long left = ERR_peek_error();
    if (left != 0) {
        char text[256];
        ERR_error_string_n(left, text, sizeof(text));
        fprintf(stderr, "  %s: libcrypto error left queued: %s [edit kind %d side %d #%u]\n",
                s->name, text, e->kind, e->from_client, e->index);
        ERR_clear_error();
    }
    CHECK(left == 0);
    /* The side that received the edited datagram. */
    struct tern_conn *rx = e->from_client ? p.server : p.client;
    if (e->applied && tern_conn_error(rx) == TERN_ERR_UNEXPECTED_MESSAGE) {
        t->unexpected_message++;
    }
    /* Before the server connection exists its gate drops what is no
     * ClientHello. */
    uint64_t dropped =
        tern_conn_dropped_by(rx, TERN_DROP_UNEXPECTED) + (e->from_client ? p.gate_dropped : 0);
    if (e->applied && dropped > 0 && cs == TERN_STATE_ESTABLISHED && ss == TERN_STATE_ESTABLISHED) {
        t->dropped_unexpected++;
    }
    pair_free(&p);
}

static void run(struct scenario *s, struct edit *e, struct tally *t)
{
    run_failing(s, e, t, 0);
}

/* The datagrams each side sends in a clean handshake. */
static void reference(struct scenario *s, struct edit *ref)
{
    memset(ref, 0, sizeof(*ref));
    struct tally t;
    memset(&t, 0, sizeof(t));
    run(s, ref, &t);
    CHECK_INT(t.both_established, 1);
}

static void release(struct edit *ref)
{
    for (int side = 0; side < 2; side++) {
        for (unsigned i = 0; i < MAX_DGRAMS; i++) {
            free(ref->keep[side][i]);
        }
    }
}

static void print_tally(const char *what, const struct scenario *s, const struct tally *t)
{
    printf("  %s %s: %u runs (%u edited), %u established", what, s->name, t->runs, t->applied,
           t->both_established);
    if (t->no_server > 0) {
        printf(", %u ended at the cookie gate", t->no_server);
    }
    for (int i = 1; i < 64; i++) {
        if (t->failed_by_err[i] > 0) {
            printf(", %u %s", t->failed_by_err[i], tern_strerror(-i));
        }
    }
    printf("\n");
}

/* ---- every field of every datagram ------------------------------------------------ */

static void mutate_fields(struct scenario *s)
{
    struct edit ref;
    reference(s, &ref);
    struct tally t;
    memset(&t, 0, sizeof(t));
    for (int side = 0; side < 2; side++) {
        for (unsigned i = 0; i < MAX_DGRAMS && ref.keep[side][i] != NULL; i++) {
            static struct wire_fields f;
            wire_fields(ref.keep[side][i], ref.keep_len[side][i], &f);
            for (size_t k = 0; k < f.n; k++) {
                struct edit e = {0};
                e.from_client = side;
                e.index = i;
                e.field = k;
                if (f.f[k].kind == WIRE_BYTES) {
                    e.kind = EDIT_FLIP;
                    run(s, &e, &t);
                    continue;
                }
                uint64_t values[WIRE_MAX_VALUES];
                size_t nv = wire_values(&f.f[k], wire_get(ref.keep[side][i], &f.f[k]), values);
                for (size_t v = 0; v < nv; v++) {
                    e.kind = EDIT_FIELD;
                    e.value = values[v];
                    e.applied = 0;
                    e.sent[0] = e.sent[1] = 0;
                    run(s, &e, &t);
                }
            }
        }
    }
    print_tally("fields", s, &t);
    /* The edits reached the connections, and they did not all end alike. */
    CHECK(t.applied == t.runs);
    CHECK(t.both_established > 0 && t.both_established < t.runs);
    release(&ref);
    scenario_release(s);
}

/* ---- messages cut short and grown --------------------------------------------------- */

static void mutate_lengths(struct scenario *s)
{
    struct edit ref;
    reference(s, &ref);
    struct tally t;
    memset(&t, 0, sizeof(t));
    for (int side = 0; side < 2; side++) {
        for (unsigned i = 0; i < MAX_DGRAMS && ref.keep[side][i] != NULL; i++) {
            struct wire_msg m[WIRE_MAX_MSGS];
            size_t n = wire_messages(ref.keep[side][i], ref.keep_len[side][i], m);
            for (size_t k = 0; k < n; k++) {
                size_t len = m[k].body_len;
                /* Cut to nothing, to one byte, in half, by one; grow by one
                 * and by a block of zeros at the end and in the middle. */
                const size_t edits[][3] = {
                    {0, len, 0}, {1, len, 0},  {len / 2, len, 0}, {len - (len > 0), 1, 0},
                    {len, 0, 1}, {len, 0, 64}, {len / 2, 0, 1},
                };
                for (size_t j = 0; j < sizeof(edits) / sizeof(edits[0]); j++) {
                    struct edit e = {0};
                    e.kind = EDIT_SPLICE;
                    e.from_client = side;
                    e.index = i;
                    e.msg = k;
                    e.at = edits[j][0];
                    e.del = edits[j][1];
                    e.ins = edits[j][2];
                    run(s, &e, &t);
                }
            }
        }
    }
    print_tally("lengths", s, &t);
    CHECK(t.applied > 0);
    release(&ref);
    scenario_release(s);
}

/* ---- every message replaced by every other type --------------------------------------- */

/* The message types that the receiving role accepts in some state that
 * also accepts orig: replacing orig by one of these may be legal and fail
 * only as a message (decode_error); any other type arrives unprotected
 * (only epoch-0 messages are replaced) where its state does not accept it,
 * so it must be dropped as unexpected, and the peer's retransmission of
 * the real datagram must complete the handshake. */
static int acceptable_near(int receiver_is_client, uint8_t orig, uint8_t type)
{
    const struct tern_hs12_machine *m = receiver_is_client ? &tern_hs12_client : &tern_hs12_server;
    const struct tern_hs12_row *table = m->rows;
    size_t n = m->n_rows;
    for (size_t i = 0; i < n; i++) {
        if (table[i].msg != orig) {
            continue;
        }
        for (size_t j = 0; j < n; j++) {
            if (table[j].state == table[i].state && table[j].msg == type) {
                return 1;
            }
        }
    }
    return 0;
}

static void replace_messages(struct scenario *s)
{
    static const uint8_t types[] = {0, 1, 2, 3, 4, 11, 12, 13, 14, 15, 16, 20, 99};
    struct edit ref;
    reference(s, &ref);
    struct tally t;
    memset(&t, 0, sizeof(t));
    unsigned must = 0;
    for (int side = 0; side < 2; side++) {
        for (unsigned i = 0; i < MAX_DGRAMS && ref.keep[side][i] != NULL; i++) {
            for (size_t k = 0; k < sizeof(types); k++) {
                struct edit e = {0};
                e.kind = EDIT_REPLACE;
                e.from_client = side;
                e.index = i;
                e.new_type = types[k];
                unsigned before = t.dropped_unexpected;
                run(s, &e, &t);
                if (!e.applied || e.orig_type == types[k]) {
                    continue;
                }
                /* Receiver is the client when the server sent it. */
                if (!acceptable_near(!side, e.orig_type, types[k])) {
                    must++;
                    if (t.dropped_unexpected != before + 1) {
                        fprintf(stderr,
                                "  %s: %s replaced by type %u not dropped as unexpected, or the "
                                "handshake did not recover\n",
                                s->name, wire_msg_name(e.orig_type), types[k]);
                    }
                    CHECK_INT(t.dropped_unexpected, before + 1);
                }
            }
        }
    }
    print_tally("order", s, &t);
    CHECK(must > 0);
    CHECK_INT(t.unexpected_message, 0); /* unprotected input never ends a handshake so */
    release(&ref);
    scenario_release(s);
}

/* ---- allocation failures ---------------------------------------------------------------- */

/* Makes each allocation of a handshake fail in turn (every stride-th one
 * when there are many): each run must still end cleanly, and nothing may
 * leak (LeakSanitizer checks at exit). */
static void fail_allocations(struct scenario *s, unsigned long max_runs)
{
    struct tally t;
    memset(&t, 0, sizeof(t));
    struct edit e = {0};
    e.kind = EDIT_PASS;
    /* How many allocations a clean handshake makes. */
    g_rc.state = 0x1111;
    g_rs.state = 0x2222;
    struct tern_config *cc = NULL;
    struct tern_config *sc = NULL;
    scenario_configs(s, &cc, &sc);
    alloc_fail_nth(0);
    /* The first handshake of a process also sets up libcrypto's providers
     * and tern's caches: count the second. */
    struct alloc_counts ac = {0, 0, 0, 0};
    for (int warm = 0; warm < 2; warm++) {
        g_rc.state = 0x1111;
        g_rs.state = 0x2222;
        alloc_count_reset();
        struct pair p;
        CHECK_INT(pair_init_named(&p, cc, sc, 77, s->server_name), TERN_OK);
        CHECK(pair_handshake(&p, 2000));
        ac = alloc_count_get();
        pair_free(&p);
    }
    unsigned long total = ac.tern + ac.crypto;
    /* Every allocation when there are few, else an even spread of them. */
    unsigned long stride = total > max_runs ? (total + max_runs - 1) / max_runs : 1;
    unsigned reached = 0;
    for (unsigned long n = 1; n <= total; n += stride) {
        memset(&e, 0, sizeof(e));
        e.kind = EDIT_PASS;
        run_failing(s, &e, &t, n);
        reached += alloc_fail_reached() != 0;
    }
    printf("  allocations %s: %lu in a handshake (%lu by tern), %u runs (%u reached the failure), "
           "%u established",
           s->name, total, ac.tern, t.runs, reached, t.both_established);
    for (int i = 1; i < 64; i++) {
        if (t.failed_by_err[i] > 0) {
            printf(", %u %s", t.failed_by_err[i], tern_strerror(-i));
        }
    }
    printf("\n");
    CHECK(total > 0 && reached > 0);
    scenario_release(s);
}

/* ---- the cases ------------------------------------------------------------------------ */

void adv_flight_fields_psk(void);
void adv_flight_fields_psk(void)
{
    mutate_fields(&g_psk);
}

void adv_flight_fields_ecdhe_psk(void);
void adv_flight_fields_ecdhe_psk(void)
{
    mutate_fields(&g_ecdhe_psk);
}

void adv_flight_fields_ecdsa_mutual(void);
void adv_flight_fields_ecdsa_mutual(void)
{
    mutate_fields(&g_ecdsa);
}

void adv_flight_fields_rsa(void);
void adv_flight_fields_rsa(void)
{
    mutate_fields(&g_rsa);
}

void adv_flight_fields_rpk(void);
void adv_flight_fields_rpk(void)
{
    mutate_fields(&g_rpk);
}

void adv_flight_lengths(void);
void adv_flight_lengths(void)
{
    mutate_lengths(&g_psk);
    mutate_lengths(&g_ecdhe_psk);
    mutate_lengths(&g_ecdsa);
    mutate_lengths(&g_rpk);
}

void adv_out_of_order_every_state(void);
void adv_out_of_order_every_state(void)
{
    replace_messages(&g_psk);
    replace_messages(&g_ecdhe_psk);
    replace_messages(&g_ecdsa);
    replace_messages(&g_rpk);
}

void adv_allocation_failures_psk(void);
void adv_allocation_failures_psk(void)
{
    fail_allocations(&g_psk, 1000);
    fail_allocations(&g_ecdhe_psk, 1000);
}

void adv_allocation_failures_certificates(void);
void adv_allocation_failures_certificates(void)
{
    fail_allocations(&g_ecdsa, 300);
    fail_allocations(&g_rpk, 300);
}
