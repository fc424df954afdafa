/* The DTLS 1.2 extension table (src/dtls12/ext12.h): every row has one
 * place in a ClientHello, no role sends an extension into a message that
 * may not carry it, the hellos' extension blocks are the bytes tern has
 * always sent, and a client refuses in a ServerHello what it did not
 * offer. */
#include <string.h>

#include <tern/tern.h>

#include "config_impl.h"
#include "dtls12/ext12.h"
#include "dtls12/hs12.h"
#include "test.h"

#define CH TERN_EXT_IN_CLIENT_HELLO
#define SH TERN_EXT_IN_SERVER_HELLO

static const uint8_t g_id[] = "client1";
static const uint8_t g_key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* A handshake of role over cfg, ready to build or process a hello. */
struct fixture {
    struct tern_config *cfg;
    struct tern_rec12 rl;
    struct tern_session sess;
    struct tern_hs12 hs;
};

static struct tern_config *psk_config(enum tern_role role)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, role), TERN_OK);
    CHECK_INT(tern_config_set_psk(cfg, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    return cfg;
}

static void fixture_init(struct fixture *f, struct tern_config *cfg)
{
    f->cfg = cfg;
    tern_rec12_init(&f->rl, TERN_DTLS12_VERSION);
    memset(&f->sess, 0, sizeof(f->sess));
    const struct tern_hs12_machine *m =
        cfg->hs.role == TERN_ROLE_CLIENT ? &tern_hs12_client : &tern_hs12_server;
    CHECK_INT(tern_hs12_init(&f->hs, m, &cfg->hs, &f->rl, &f->sess), TERN_OK);
}

static void fixture_clear(struct fixture *f)
{
    tern_hs12_clear(&f->hs);
    tern_rec12_clear(&f->rl);
    tern_config_free(f->cfg);
}

/* Builds hs's block for msg and compares it with the hex. */
static void expect_block(struct tern_hs12 *hs, unsigned msg, const char *hex)
{
    uint8_t got[1024];
    uint8_t want[1024];
    struct tern_writer w;
    tern_w_init(&w, got, sizeof(got));
    CHECK_INT(tern_hs12_exts_build(hs, msg, &w), TERN_OK);
    CHECK_INT(tern_w_finish(&w), TERN_OK);
    size_t n = test_unhex(hex, want, sizeof(want));
    CHECK_INT(w.len, n);
    CHECK_MEM(got, want, n < w.len ? n : w.len);
}

/* Parses a ServerHello block (hex) and hands it to the client. */
static int process_hex(struct tern_hs12 *hs, unsigned msg, const char *hex)
{
    static uint8_t buf[1024];
    size_t n = test_unhex(hex, buf, sizeof(buf));
    struct tern_reader r;
    tern_r_init(&r, buf, n);
    struct tern_exts e;
    int rc = tern_exts_parse(&r, msg, &e);
    if (rc == TERN_OK) {
        rc = tern_exts_check_bodies(&e, msg);
    }
    return rc == TERN_OK ? tern_hs12_exts_process(hs, msg, &e) : rc;
}

/* The ClientHello's order names every row exactly once. */
static void client_hello_order_is_a_permutation(void)
{
    size_t n_rows = 0;
    size_t n_order = 0;
    const struct tern_ext12 *rows = tern_ext12_rows(&n_rows);
    const uint8_t *order = tern_ext12_client_hello_order(&n_order);
    CHECK_INT(n_order, n_rows);
    for (size_t i = 0; i < n_rows; i++) {
        unsigned seen = 0;
        for (size_t k = 0; k < n_order; k++) {
            seen += order[k] == rows[i].index;
        }
        CHECK_INT(seen, 1);
        for (size_t k = i + 1; k < n_rows; k++) {
            CHECK(rows[k].index != rows[i].index); /* one row per extension */
        }
    }
}

/* A role sends an extension only in a message handshake/ext.c allows it
 * in: a client in its ClientHello, a server in its ServerHello (RFC 5246
 * section 7.4.1.4; RFC 8422 section 5.1 and RFC 5246 section 7.4.1.4.1
 * keep supported_groups and signature_algorithms out of a ServerHello). */
static void rows_send_only_where_allowed(void)
{
    size_t n = 0;
    const struct tern_ext12 *rows = tern_ext12_rows(&n);
    for (size_t i = 0; i < n; i++) {
        unsigned allowed = tern_ext_allowed((enum tern_ext_index)rows[i].index);
        if (rows[i].client.needs != NULL) {
            CHECK((allowed & CH) != 0);
        }
        if (rows[i].server.needs != NULL) {
            CHECK((allowed & SH) != 0);
        }
        /* Whatever a server answers, a client must be able to take. */
        if (rows[i].server.needs != NULL) {
            CHECK(rows[i].client.needs != NULL);
        }
    }
}

/* A PSK client with tern's defaults (its ECDHE_PSK suites bring the
 * groups): the block tern has always sent, byte for byte. */
static void client_hello_block_psk(void)
{
    struct fixture f;
    fixture_init(&f, psk_config(TERN_ROLE_CLIENT));
    expect_block(&f.hs, CH,
                 "0021"
                 "000a 0008 0006 001d 0017 0018" /* supported_groups */
                 "000b 0002 01 00"               /* ec_point_formats */
                 "0017 0000"                     /* extended_master_secret */
                 "ff01 0001 00"                  /* renegotiation_info */
                 "001c 0002 4000");              /* record_size_limit */
    CHECK_INT(f.hs.cl.offered_exts,
              (1u << TERN_EXTI_SUPPORTED_GROUPS) | (1u << TERN_EXTI_EC_POINT_FORMATS) |
                  (1u << TERN_EXTI_EXTENDED_MASTER_SECRET) | (1u << TERN_EXTI_RENEGOTIATION_INFO) |
                  (1u << TERN_EXTI_RECORD_SIZE_LIMIT));
    fixture_clear(&f);
}

/* A named client: server_name comes first. With a plain-PSK suite alone
 * there are no groups nor point formats to offer. */
static void client_hello_block_named(void)
{
    struct tern_config *cfg = psk_config(TERN_ROLE_CLIENT);
    static const uint16_t suite = 0xc0a8; /* TLS_PSK_WITH_AES_128_CCM_8 */
    CHECK_INT(tern_config_set_suites(cfg, &suite, 1), TERN_OK);
    struct fixture f;
    fixture_init(&f, cfg);
    memcpy(f.hs.server_name, "a.bc", 5);
    expect_block(&f.hs, CH,
                 "001c"
                 "0000 0009 0007 00 0004 612e6263"
                 "0017 0000"
                 "ff01 0001 00"
                 "001c 0002 4000");
    /* An address is not a HostName (RFC 6066 section 3). */
    memcpy(f.hs.server_name, "10.0.0.1", 9);
    expect_block(&f.hs, CH, "000f 0017 0000 ff01 0001 00 001c 0002 4000");
    CHECK_INT(f.hs.cl.offered_exts & (1u << TERN_EXTI_SERVER_NAME), 0);
    fixture_clear(&f);
}

/* ALPN (RFC 7301 section 3.1) comes last, the configured names in order. */
static void client_hello_block_alpn(void)
{
    struct tern_config *cfg = psk_config(TERN_ROLE_CLIENT);
    static const uint16_t suite = 0xc0a8;
    static const char *const alpn[] = {"h2", "http/1.1"};
    CHECK_INT(tern_config_set_suites(cfg, &suite, 1), TERN_OK);
    CHECK_INT(tern_config_set_alpn(cfg, alpn, 2), TERN_OK);
    struct fixture f;
    fixture_init(&f, cfg);
    expect_block(&f.hs, CH,
                 "0021"
                 "0017 0000"
                 "ff01 0001 00"
                 "001c 0002 4000"
                 "0010 000e 000c 02 6832 08 687474702f312e31");
    CHECK(f.hs.cl.offered_exts & (1u << TERN_EXTI_ALPN));
    fixture_clear(&f);
}

/* A server answering everything it can for an ECDHE certificate suite:
 * the ServerHello's order, the types chosen, uncompressed points. */
static void server_hello_block(void)
{
    struct fixture f;
    fixture_init(&f, psk_config(TERN_ROLE_SERVER));
    f.hs.suite = tern_suite_by_id(0xc02b); /* TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
    f.hs.own_cert_type = TERN_CERT_TYPE_RAW_PUBLIC_KEY;
    f.hs.peer_cert_type = TERN_CERT_TYPE_X509;
    f.hs.sv.echo_exts = (1u << TERN_EXTI_EXTENDED_MASTER_SECRET) |
                        (1u << TERN_EXTI_RENEGOTIATION_INFO) | (1u << TERN_EXTI_RECORD_SIZE_LIMIT) |
                        (1u << TERN_EXTI_SERVER_CERT_TYPE) | (1u << TERN_EXTI_CLIENT_CERT_TYPE) |
                        (1u << TERN_EXTI_EC_POINT_FORMATS) | (1u << TERN_EXTI_SERVER_NAME) |
                        (1u << TERN_EXTI_SUPPORTED_GROUPS);
    expect_block(&f.hs, SH,
                 "001f"
                 "0017 0000"
                 "ff01 0001 00"
                 "001c 0002 4000"
                 "0014 0001 02"
                 "0013 0001 00"
                 "000b 0002 01 00");
    /* With a protocol chosen, ALPN comes last: its one name. */
    f.hs.sv.echo_exts |= 1u << TERN_EXTI_ALPN;
    static const char *const protocols[] = {"h2", "coap"};
    CHECK_INT(tern_config_set_alpn(f.cfg, protocols, 2), TERN_OK);
    f.sess.alpn_at = 4; /* 02 "h2" 04 "coap": the name at offset 4 of the list */
    f.sess.alpn_len = 4;
    expect_block(&f.hs, SH,
                 "002a"
                 "0017 0000"
                 "ff01 0001 00"
                 "001c 0002 4000"
                 "0014 0001 02"
                 "0013 0001 00"
                 "000b 0002 01 00"
                 "0010 0007 0005 04 636f6170");
    f.hs.sv.echo_exts &= ~(1u << TERN_EXTI_ALPN);
    /* A PSK suite: no certificate types, no point formats. */
    f.hs.suite = tern_suite_by_id(0xc0a8);
    expect_block(&f.hs, SH, "000f 0017 0000 ff01 0001 00 001c 0002 4000");
    /* Nothing asked, nothing answered: an empty block. */
    f.hs.sv.echo_exts = 0;
    expect_block(&f.hs, SH, "0000");
    fixture_clear(&f);
}

/* The server notes what to answer while it processes the ClientHello. */
static void server_answers_what_was_asked(void)
{
    struct fixture f;
    fixture_init(&f, psk_config(TERN_ROLE_SERVER));
    CHECK_INT(
        process_hex(&f.hs, CH, "0017 0000 001c 0002 0100 000b 0002 01 00 000a 0004 0002 0017"),
        TERN_OK);
    CHECK_INT(f.hs.sv.echo_exts, (1u << TERN_EXTI_EXTENDED_MASTER_SECRET) |
                                     (1u << TERN_EXTI_RECORD_SIZE_LIMIT) |
                                     (1u << TERN_EXTI_EC_POINT_FORMATS));
    CHECK_INT(f.sess.ems, 1);
    CHECK_INT(f.sess.peer_record_limit, 256);
    /* RFC 7627 section 5.3: the extended master secret is required. */
    CHECK_INT(process_hex(&f.hs, CH, "001c 0002 0100"), TERN_ERR_NO_EXTENDED_MASTER_SECRET);
    /* RFC 5746 section 3.6: not empty on an initial handshake. */
    CHECK_INT(process_hex(&f.hs, CH, "0017 0000 ff01 0002 01 00"), TERN_ERR_HANDSHAKE_FAILURE);
    /* RFC 8422 section 5.1.2: uncompressed must be listed. */
    CHECK_INT(process_hex(&f.hs, CH, "0017 0000 000b 0002 01 01"), TERN_ERR_ILLEGAL_PARAMETER);
    fixture_clear(&f);
}

/* RFC 5246 section 7.4.1.4: a ServerHello may carry only what the
 * ClientHello offered; anything else is unsupported_extension. */
static void client_refuses_what_it_did_not_offer(void)
{
    struct tern_config *cfg = psk_config(TERN_ROLE_CLIENT);
    static const uint16_t suite = 0xc0a8;
    CHECK_INT(tern_config_set_suites(cfg, &suite, 1), TERN_OK);
    struct fixture f;
    fixture_init(&f, cfg);
    uint8_t buf[256];
    struct tern_writer w;
    tern_w_init(&w, buf, sizeof(buf));
    CHECK_INT(tern_hs12_exts_build(&f.hs, CH, &w), TERN_OK);
    CHECK_INT(process_hex(&f.hs, SH, "0017 0000 ff01 0001 00 001c 0002 0200"), TERN_OK);
    CHECK_INT(f.sess.ems, 1);
    CHECK_INT(f.sess.peer_record_limit, 512);
    /* Offered by a client with an ECDHE suite, not by this one. */
    CHECK_INT(process_hex(&f.hs, SH, "0017 0000 000b 0002 01 00"), TERN_ERR_UNSUPPORTED_EXTENSION);
    CHECK_INT(process_hex(&f.hs, SH, "0017 0000 0000 0000"), TERN_ERR_UNSUPPORTED_EXTENSION);
    CHECK_INT(process_hex(&f.hs, SH, "0017 0000 0010 0005 0003 02 6832"),
              TERN_ERR_UNSUPPORTED_EXTENSION);
    /* A type tern does not know was never offered. */
    CHECK_INT(process_hex(&f.hs, SH, "0017 0000 4242 0000"), TERN_ERR_UNSUPPORTED_EXTENSION);
    /* RFC 7627 section 5.3: the client requires the extended master secret. */
    CHECK_INT(process_hex(&f.hs, SH, "ff01 0001 00"), TERN_ERR_NO_EXTENDED_MASTER_SECRET);
    CHECK_INT(process_hex(&f.hs, SH, "0017 0000 ff01 0002 01 00"), TERN_ERR_HANDSHAKE_FAILURE);
    fixture_clear(&f);
}

TEST_MAIN(T(client_hello_order_is_a_permutation), T(rows_send_only_where_allowed),
          T(client_hello_block_psk), T(client_hello_block_named), T(client_hello_block_alpn),
          T(server_hello_block), T(server_answers_what_was_asked),
          T(client_refuses_what_it_did_not_offer))
