/* Application-Layer Protocol Negotiation (RFC 7301) between two tern
 * connections in memory, and a client against hand-written ServerHellos:
 * the configuration's checks, the server's preference, no protocol in
 * common (no_application_protocol, 120), one side without ALPN, and the
 * answers a client refuses. */
#include <string.h>

#include <tern/tern.h>

#include "handshake/ext.h"
#include "handshake/header.h"
#include "pair.h"
#include "record/header12.h"
#include "test.h"
#include "util/writer.h"

static const uint8_t g_id[] = "client1";
static const uint8_t g_key[16] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};

#define NONE ((const char *const *)NULL)

/* A PSK configuration of role with the n protocols (none when NULL). */
static struct tern_config *make_cfg(enum tern_role role, const char *const *alpn, size_t n)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, role), TERN_OK);
    CHECK_INT(tern_config_set_psk(cfg, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    if (alpn != NULL) {
        CHECK_INT(tern_config_set_alpn(cfg, alpn, n), TERN_OK);
    }
    return cfg;
}

/* Runs a handshake between a client and a server with those lists, the
 * server behind its cookie gate (the ClientHello goes out twice) or, with
 * cookies 0, not. */
static int run_cookies(struct pair *p, const char *const *client_alpn, size_t nc,
                       const char *const *server_alpn, size_t ns, int cookies)
{
    struct tern_config *cc = make_cfg(TERN_ROLE_CLIENT, client_alpn, nc);
    struct tern_config *sc = make_cfg(TERN_ROLE_SERVER, server_alpn, ns);
    if (!cookies) {
        CHECK_INT(tern_config_set_cookie_mode(sc, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    }
    CHECK_INT(pair_init(p, cc, sc, 7), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    return pair_handshake(p, 100);
}

static int run(struct pair *p, const char *const *client_alpn, size_t nc,
               const char *const *server_alpn, size_t ns)
{
    return run_cookies(p, client_alpn, nc, server_alpn, ns, 1);
}

/* Both sides report protocol (NULL: none) once established, and data
 * flows. */
static void expect_protocol(struct pair *p, const char *protocol)
{
    const struct tern_conn *sides[2] = {p->client, p->server};
    for (int i = 0; i < 2; i++) {
        size_t len = 99;
        const char *got = tern_conn_alpn(sides[i], &len);
        if (protocol == NULL) {
            CHECK(got == NULL);
            CHECK_INT(len, 0);
            continue;
        }
        CHECK(got != NULL);
        if (got != NULL) {
            CHECK_INT(len, strlen(protocol));
            CHECK(strcmp(got, protocol) == 0);
        }
        CHECK(tern_conn_alpn(sides[i], NULL) == got); /* len may be NULL */
    }
    CHECK_INT(pair_send(p, 1, "ping", 4), TERN_OK);
    CHECK_INT(p->server_got_len, 4);
}

static void one_protocol_on_both_sides(void)
{
    static const char *const coap[] = {"coap"};
    struct pair p;
    CHECK(run(&p, coap, 1, coap, 1));
    expect_protocol(&p, "coap");
    pair_free(&p);
}

/* RFC 7301 section 3.2: the server picks its most preferred protocol that
 * the client also offers, whatever the client's order. */
static void server_preference_wins(void)
{
    static const char *const client[] = {"h2", "http/1.1", "spdy/3"};
    static const char *const server[] = {"http/1.1", "h2"};
    struct pair p;
    CHECK(run(&p, client, 3, server, 2));
    expect_protocol(&p, "http/1.1");
    pair_free(&p);

    static const char *const client2[] = {"a", "b", "c"};
    static const char *const server2[] = {"x", "c", "b"};
    CHECK(run(&p, client2, 3, server2, 3));
    expect_protocol(&p, "c");
    pair_free(&p);
}

/* Names are compared whole and byte for byte. */
static void names_match_exactly(void)
{
    static const char *const client[] = {"h2c", "H2", "h"};
    static const char *const server[] = {"h2", "h2c"};
    struct pair p;
    CHECK(run(&p, client, 3, server, 2));
    expect_protocol(&p, "h2c");
    pair_free(&p);
}

/* The longest names and the longest list go through: the ClientHello
 * grows to about 4 KiB, fragmented to the MTU, which only a server without
 * a cookie gate takes (a stateless gate answers a ClientHello in one
 * datagram, config.h). One longest name fits a datagram, gate or not. */
static void longest_names(void)
{
    static char names[TERN_ALPN_MAX_PROTOCOLS][TERN_ALPN_NAME_MAX_LEN + 1];
    const char *list[TERN_ALPN_MAX_PROTOCOLS];
    for (size_t i = 0; i < TERN_ALPN_MAX_PROTOCOLS; i++) {
        memset(names[i], 'a' + (int)i, TERN_ALPN_NAME_MAX_LEN);
        names[i][TERN_ALPN_NAME_MAX_LEN] = '\0';
        list[i] = names[i];
    }
    const char *const *cl = list;
    const char *const server[] = {names[TERN_ALPN_MAX_PROTOCOLS - 1]};
    struct pair p;
    CHECK(run_cookies(&p, cl, TERN_ALPN_MAX_PROTOCOLS, server, 1, 0));
    expect_protocol(&p, names[TERN_ALPN_MAX_PROTOCOLS - 1]);
    pair_free(&p);
    const char *const client[] = {names[3]};
    const char *const server2[] = {names[1], names[3]};
    CHECK(run(&p, client, 1, server2, 2));
    expect_protocol(&p, names[3]);
    pair_free(&p);
}

/* RFC 7301 section 3.2: no protocol in common. The server fails with
 * TERN_ERR_NO_APPLICATION_PROTOCOL and sends the fatal alert 120; the
 * client reports the alert. Neither reports a protocol. */
static void no_protocol_in_common(void)
{
    static const char *const client[] = {"h2", "http/1.1"};
    static const char *const server[] = {"coap", "mqtt"};
    struct pair p;
    CHECK(!run(&p, client, 2, server, 2));
    CHECK(p.server != NULL);
    CHECK_INT(tern_conn_state(p.server), TERN_STATE_FAILED);
    CHECK_INT(tern_conn_error(p.server), TERN_ERR_NO_APPLICATION_PROTOCOL);
    CHECK_INT(tern_conn_alert_sent(p.server), 120);
    CHECK_INT(tern_conn_state(p.client), TERN_STATE_FAILED);
    CHECK_INT(tern_conn_error(p.client), TERN_ERR_PEER_ALERT);
    CHECK_INT(tern_conn_alert_received(p.client), 120);
    size_t len = 5;
    CHECK(tern_conn_alpn(p.client, &len) == NULL);
    CHECK_INT(len, 0);
    CHECK(tern_conn_alpn(p.server, NULL) == NULL);
    pair_free(&p);
}

/* A server without ALPN ignores the client's offer; the client goes on
 * without a protocol (config.h). */
static void only_the_client_has_alpn(void)
{
    static const char *const client[] = {"h2", "http/1.1"};
    struct pair p;
    CHECK(run(&p, client, 2, NONE, 0));
    expect_protocol(&p, NULL);
    pair_free(&p);
}

/* A client that offers nothing is served without a protocol. */
static void only_the_server_has_alpn(void)
{
    static const char *const server[] = {"h2"};
    struct pair p;
    CHECK(run(&p, NONE, 0, server, 1));
    expect_protocol(&p, NULL);
    pair_free(&p);
}

static void neither_has_alpn(void)
{
    struct pair p;
    CHECK(run(&p, NONE, 0, NONE, 0));
    expect_protocol(&p, NULL);
    pair_free(&p);
}

/* Nothing is reported before the handshake completes. */
static void nothing_before_completion(void)
{
    static const char *const coap[] = {"coap"};
    struct tern_config *cc = make_cfg(TERN_ROLE_CLIENT, coap, 1);
    struct tern_conn *c = NULL;
    CHECK_INT(tern_conn_new(&c, cc), TERN_OK);
    size_t len = 3;
    CHECK(tern_conn_alpn(c, &len) == NULL);
    CHECK_INT(len, 0);
    CHECK_INT(tern_conn_start(c, 0), TERN_OK);
    CHECK(tern_conn_alpn(c, NULL) == NULL);
    tern_conn_free(c);
    tern_config_free(cc);
    len = 3;
    CHECK(tern_conn_alpn(NULL, &len) == NULL);
    CHECK_INT(len, 0);
}

/* tern_config_set_alpn()'s checks (config.h). */
static void config_checks(void)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, TERN_ROLE_CLIENT), TERN_OK);
    static const char *const one[] = {"h2"};
    static const char *const with_null[] = {"h2", NULL};
    static const char *const with_empty[] = {"h2", ""};
    static char longest[TERN_ALPN_NAME_MAX_LEN + 2];
    memset(longest, 'x', TERN_ALPN_NAME_MAX_LEN + 1);
    const char *const too_long[] = {longest};
    CHECK_INT(tern_config_set_alpn(NULL, one, 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_alpn(cfg, NULL, 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_alpn(cfg, one, 0), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_alpn(cfg, with_null, 2), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_alpn(cfg, with_empty, 2), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_alpn(cfg, too_long, 1), TERN_ERR_ARG);
    longest[TERN_ALPN_NAME_MAX_LEN] = '\0'; /* 255 bytes: allowed */
    CHECK_INT(tern_config_set_alpn(cfg, too_long, 1), TERN_OK);
    const char *many[TERN_ALPN_MAX_PROTOCOLS + 1];
    for (size_t i = 0; i <= TERN_ALPN_MAX_PROTOCOLS; i++) {
        many[i] = longest;
    }
    CHECK_INT(tern_config_set_alpn(cfg, many, TERN_ALPN_MAX_PROTOCOLS + 1), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_alpn(cfg, many, TERN_ALPN_MAX_PROTOCOLS), TERN_OK);
    /* A second call replaces the list; the caller's strings are copied. */
    char name[] = "coap";
    const char *const mine[] = {name};
    CHECK_INT(tern_config_set_alpn(cfg, mine, 1), TERN_OK);
    name[0] = 'X';
    /* Frozen once a connection uses it. */
    struct tern_conn *c = NULL;
    CHECK_INT(tern_conn_new(&c, cfg), TERN_OK);
    CHECK_INT(tern_config_set_alpn(cfg, one, 1), TERN_ERR_STATE);
    tern_conn_free(c);
    tern_config_free(cfg);

    /* The copy is what goes on the wire: "coap", not "Xoap". */
    static const char *const coap[] = {"coap"};
    struct tern_config *cc = NULL;
    CHECK_INT(tern_config_new(&cc, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_set_psk(cc, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    char name2[] = "coap";
    const char *const mine2[] = {name2};
    CHECK_INT(tern_config_set_alpn(cc, mine2, 1), TERN_OK);
    memset(name2, 0, sizeof(name2));
    struct tern_config *sc = make_cfg(TERN_ROLE_SERVER, coap, 1);
    struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 3), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    CHECK(pair_handshake(&p, 100));
    expect_protocol(&p, "coap");
    pair_free(&p);
}

/* The error and its alert. */
static void error_code(void)
{
    CHECK_INT(tern_err_alert(TERN_ERR_NO_APPLICATION_PROTOCOL), 120);
    CHECK_INT(tern_err_is_fatal(TERN_ERR_NO_APPLICATION_PROTOCOL), 1);
    const char *text = tern_strerror(TERN_ERR_NO_APPLICATION_PROTOCOL);
    CHECK(strstr(text, "application protocol") != NULL);
    for (int other = TERN_OK; other > TERN_ERR_NO_APPLICATION_PROTOCOL; other--) {
        CHECK(strcmp(text, tern_strerror(other)) != 0);
    }
}

/* ---- a client against hand-written ServerHellos ---------------------------- */

/* A started client offering protocols (none when NULL) and only
 * TLS_PSK_WITH_AES_128_CCM_8, its ClientHello pulled. */
static struct tern_conn *started_client(const char *const *alpn, size_t n)
{
    struct tern_config *cfg = make_cfg(TERN_ROLE_CLIENT, alpn, n);
    static const uint16_t suite = 0xc0a8;
    CHECK_INT(tern_config_set_suites(cfg, &suite, 1), TERN_OK);
    struct tern_conn *c = NULL;
    CHECK_INT(tern_conn_new(&c, cfg), TERN_OK);
    tern_config_free(cfg);
    CHECK_INT(tern_conn_start(c, 0), TERN_OK);
    uint8_t sink[2048];
    while (tern_conn_pull(c, 0, sink, sizeof(sink)) > 0) {
    }
    return c;
}

/* An epoch-0 datagram holding a ServerHello for TLS_PSK_WITH_AES_128_CCM_8
 * with extended_master_secret and the extension bytes in hex after it. */
static size_t server_hello(uint8_t *out, size_t cap, const char *ext_hex)
{
    uint8_t exts[256];
    size_t exts_len = test_unhex(ext_hex, exts, sizeof(exts));
    uint8_t body[512];
    struct tern_writer w;
    tern_w_init(&w, body, sizeof(body));
    tern_w_u16(&w, TERN_DTLS12_VERSION);
    uint8_t random[32] = {7};
    tern_w_bytes(&w, random, sizeof(random));
    tern_w_u8(&w, 0);
    tern_w_u16(&w, 0xc0a8);
    tern_w_u8(&w, 0);
    struct tern_w_mark m = tern_w_open16(&w);
    tern_w_u16(&w, TERN_EXT_EXTENDED_MASTER_SECRET);
    tern_w_u16(&w, 0);
    tern_w_bytes(&w, exts, exts_len);
    tern_w_close(&w, m);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    struct tern_writer d;
    tern_w_init(&d, out, cap);
    struct tern_rec12_header rh = {TERN_CT_HANDSHAKE, TERN_DTLS12_VERSION, 0, 0,
                                   (uint16_t)(TERN_HS_HEADER_LEN + w.len)};
    struct tern_hs_header hh = {TERN_HS_SERVER_HELLO, (uint32_t)w.len, 0, 0, (uint32_t)w.len};
    tern_rec12_header_write(&d, &rh);
    tern_hs_header_write(&d, &hh);
    tern_w_bytes(&d, body, w.len);
    CHECK_INT(tern_w_finish(&d), TERN_OK);
    return d.len;
}

/* Hands the client the ServerHello and returns what it said; a fatal
 * error must come with its alert on the wire. */
static int answer(struct tern_conn *c, const char *ext_hex)
{
    uint8_t d[600];
    size_t n = server_hello(d, sizeof(d), ext_hex);
    int rc = tern_conn_receive(c, 0, d, n, NULL, NULL);
    if (rc < 0) {
        uint8_t out[128];
        ptrdiff_t len = tern_conn_pull(c, 0, out, sizeof(out));
        CHECK_INT(len, TERN_REC12_HEADER_LEN + 2);
        if (len == TERN_REC12_HEADER_LEN + 2) {
            CHECK_INT(out[13], 2); /* fatal */
            CHECK_INT(out[14], tern_err_alert(rc));
        }
    }
    return rc;
}

static void client_takes_a_good_answer(void)
{
    static const char *const offer[] = {"h2", "http/1.1"};
    struct tern_conn *c = started_client(offer, 2);
    CHECK_INT(answer(c, "0010 000b 0009 08 687474702f312e31"), TERN_OK);
    CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
    tern_conn_free(c);
}

/* RFC 7301 section 3.2: the server "will only select a protocol if the
 * client supports it": any other is illegal_parameter (47). */
static void client_refuses_a_protocol_it_did_not_offer(void)
{
    static const char *const offer[] = {"h2", "http/1.1"};
    static const char *const answers[] = {
        "0010 0006 0004 03 683263",             /* "h2c" */
        "0010 0005 0003 02 4832",               /* "H2" */
        "0010 0004 0002 01 68",                 /* "h": a prefix */
        "0010 000a 0008 07 687474702f312e",     /* "http/1.": a prefix */
        "0010 000c 000a 09 687474702f312e3131", /* "http/1.11" */
    };
    for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
        struct tern_conn *c = started_client(offer, 2);
        CHECK_INT(answer(c, answers[i]), TERN_ERR_ILLEGAL_PARAMETER);
        CHECK_INT(tern_conn_alert_sent(c), 47);
        CHECK(tern_conn_alpn(c, NULL) == NULL);
        tern_conn_free(c);
    }
}

/* RFC 7301 section 3.1: the server's list holds exactly one name. */
static void client_refuses_several_names(void)
{
    static const char *const offer[] = {"h2", "http/1.1"};
    struct tern_conn *c = started_client(offer, 2);
    CHECK_INT(answer(c, "0010 000e 000c 02 6832 08 687474702f312e31"), TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(tern_conn_alert_sent(c), 47);
    tern_conn_free(c);
}

/* RFC 5246 section 7.4.1.4: an answer to a client that offered no ALPN is
 * unsupported_extension (110). */
static void client_refuses_an_unrequested_answer(void)
{
    struct tern_conn *c = started_client(NONE, 0);
    CHECK_INT(answer(c, "0010 0005 0003 02 6832"), TERN_ERR_UNSUPPORTED_EXTENSION);
    CHECK_INT(tern_conn_alert_sent(c), 110);
    tern_conn_free(c);
}

/* A malformed answer in an unprotected ServerHello is dropped, as any
 * malformed message there (anyone could have forged it): counted, no
 * alert, the handshake waits for the real one. */
static void client_drops_a_malformed_answer(void)
{
    static const char *const offer[] = {"h2"};
    static const char *const answers[] = {
        "0010 0002 0000",            /* empty list */
        "0010 0003 0001 00",         /* empty name */
        "0010 0004 0003 02 68",      /* truncated */
        "0010 0006 0003 02 6832 00", /* trailing byte */
    };
    for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
        struct tern_conn *c = started_client(offer, 1);
        CHECK_INT(answer(c, answers[i]), TERN_OK);
        CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
        CHECK_INT(tern_conn_dropped_by(c, TERN_DROP_MALFORMED), 1);
        CHECK_INT(tern_conn_alert_sent(c), -1);
        /* The real answer still gets through. */
        CHECK_INT(answer(c, "0010 0005 0003 02 6832"), TERN_OK);
        CHECK_INT(tern_conn_state(c), TERN_STATE_HANDSHAKING);
        tern_conn_free(c);
    }
}

TEST_MAIN(T(one_protocol_on_both_sides), T(server_preference_wins), T(names_match_exactly),
          T(longest_names), T(no_protocol_in_common), T(only_the_client_has_alpn),
          T(only_the_server_has_alpn), T(neither_has_alpn), T(nothing_before_completion),
          T(config_checks), T(error_code), T(client_takes_a_good_answer),
          T(client_refuses_a_protocol_it_did_not_offer), T(client_refuses_several_names),
          T(client_refuses_an_unrequested_answer), T(client_drops_a_malformed_answer))
