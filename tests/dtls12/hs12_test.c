/* The DTLS 1.2 handshake tables: every (state, message) pair that is not a
 * row of a role's table is refused: dropped and counted when unprotected,
 * unexpected_message under the peer's keys (STYLE.md convention 8,
 * DESIGN.md principle 6). */
#include <tern/tern.h>

#include "config_impl.h"
#include "handshake/header.h"
#include "dtls12/hs12.h"
#include "test.h"

static const struct tern_hs12_machine *machine_of(enum tern_role role)
{
    return role == TERN_ROLE_CLIENT ? &tern_hs12_client : &tern_hs12_server;
}

/* Whether a row of m takes msg in state for a suite of key exchange kx and
 * a handshake of the given shape (the dispatcher's own rule, restated). */
static int in_table(const struct tern_hs12_machine *m, uint8_t state, uint16_t msg, uint8_t kx,
                    uint8_t shape)
{
    for (size_t i = 0; i < m->n_rows; i++) {
        const struct tern_hs12_row *r = &m->rows[i];
        if (r->state == state && r->msg == msg &&
            (r->kx_mask == 0 || (r->kx_mask & TERN_KX_BIT(kx)) != 0) &&
            (shape & r->need) == r->need && (shape & r->refuse) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Offers msg (an empty handshake message, or a ChangeCipherSpec) to a
 * handshake placed in state: unprotected in epoch 0, or (authenticated)
 * under keys of epoch 1 that the record layer has installed. *unexpected
 * gets how many unprotected messages were dropped as unexpected. */
static int offer(struct tern_config *cfg, uint8_t state, uint8_t shape, uint16_t msg,
                 uint16_t suite, int authenticated, uint32_t *unexpected)
{
    struct tern_rec12 rl;
    struct tern_session sess;
    struct tern_hs12 hs;
    tern_rec12_init(&rl, TERN_DTLS12_VERSION);
    memset(&sess, 0, sizeof(sess));
    CHECK_INT(tern_hs12_init(&hs, machine_of(cfg->hs.role), &cfg->hs, &rl, &sess), TERN_OK);
    hs.state = state;
    hs.shape = shape;
    hs.suite = tern_suite_by_id(suite);
    uint16_t epoch = 0;
    if (authenticated) {
        static const uint8_t key[16];
        static const uint8_t iv[4];
        CHECK_INT(tern_rec12_set_rx_keys(&rl, TERN_AEAD_AES_128_GCM, key, 16, iv, 4), TERN_OK);
        epoch = 1;
    }
    int rc;
    if (msg == TERN_MSG_CCS) {
        static const uint8_t one[1] = {1};
        rc = tern_hs12_on_record(&hs, TERN_CT_CHANGE_CIPHER_SPEC, epoch, one, 1);
    } else {
        uint8_t rec[TERN_HS_HEADER_LEN];
        struct tern_writer w;
        tern_w_init(&w, rec, sizeof(rec));
        struct tern_hs_header h = {(uint8_t)msg, 0, 0, 0, 0};
        tern_hs_header_write(&w, &h);
        rc = tern_hs12_on_record(&hs, TERN_CT_HANDSHAKE, epoch, rec, sizeof(rec));
    }
    if (rc == TERN_OK) {
        CHECK_INT(hs.state, state); /* never a silent state change */
    }
    *unexpected = rl.drops[TERN_DROP_UNEXPECTED];
    tern_hs12_clear(&hs);
    tern_rec12_clear(&rl);
    return rc;
}

static const uint16_t g_msgs[] = {
    TERN_HS_HELLO_REQUEST,
    TERN_HS_CLIENT_HELLO,
    TERN_HS_SERVER_HELLO,
    TERN_HS_HELLO_VERIFY_REQUEST,
    TERN_HS_NEW_SESSION_TICKET,
    TERN_HS_CERTIFICATE,
    TERN_HS_SERVER_KEY_EXCHANGE,
    TERN_HS_CERTIFICATE_REQUEST,
    TERN_HS_SERVER_HELLO_DONE,
    TERN_HS_CERTIFICATE_VERIFY,
    TERN_HS_CLIENT_KEY_EXCHANGE,
    TERN_HS_FINISHED,
    TERN_MSG_CCS,
    5,
    /* unassigned */ 21,
    24,
    254,
    255,
};

/* Every pair not in the table: unprotected, the message is dropped and
 * counted (anyone could have forged it, RFC 6347 section 4.1.2.7);
 * authenticated, it ends the handshake with unexpected_message. A client
 * ignores a HelloRequest in both cases (RFC 5246 section 7.4.1.1). */
static void walk(enum tern_role role)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, role), TERN_OK);
    CHECK_INT(tern_config_set_psk(cfg, (const uint8_t *)"id", 2, (const uint8_t *)"key", 3),
              TERN_OK);
    const struct tern_hs12_machine *m = machine_of(role);
    const struct tern_suite *psk = tern_suite_by_id(0xc0a8);
    int is_client = role == TERN_ROLE_CLIENT;
    size_t checked = 0;
    /* Every state the machine can be in: its first and each row's. */
    for (unsigned state = 0; state < TERN_HS12_DONE; state++) {
        int reachable = state == m->first;
        for (size_t i = 0; i < m->n_rows; i++) {
            reachable |= m->rows[i].state == state || m->rows[i].next == state;
        }
        if (!reachable) {
            continue;
        }
        for (size_t i = 0; i < sizeof(g_msgs) / sizeof(g_msgs[0]); i++) {
            if (in_table(m, (uint8_t)state, g_msgs[i], psk->kx, 0)) {
                continue;
            }
            uint32_t dropped = 0;
            int rc = offer(cfg, (uint8_t)state, 0, g_msgs[i], 0xc0a8, 0, &dropped);
            if (rc != TERN_OK || dropped != 1) {
                fprintf(stderr, "  state %u message %u unprotected: got %d, %u drops\n", state,
                        g_msgs[i], rc, dropped);
            }
            CHECK_INT(rc, TERN_OK);
            CHECK_INT(dropped, 1);
            int ignored = is_client && g_msgs[i] == TERN_HS_HELLO_REQUEST;
            rc = offer(cfg, (uint8_t)state, 0, g_msgs[i], 0xc0a8, 1, &dropped);
            if (rc != (ignored ? TERN_OK : TERN_ERR_UNEXPECTED_MESSAGE)) {
                fprintf(stderr, "  state %u message %u authenticated: got %d\n", state, g_msgs[i],
                        rc);
            }
            CHECK_INT(rc, ignored ? TERN_OK : TERN_ERR_UNEXPECTED_MESSAGE);
            checked++;
        }
    }
    CHECK(checked > 50);
    tern_config_free(cfg);
}

static void client_table(void)
{
    walk(TERN_ROLE_CLIENT);
}

static void server_table(void)
{
    walk(TERN_ROLE_SERVER);
}

/* A finished handshake processes nothing new: a handshake message is left
 * unread (the connection answers renegotiation attempts itself) and a
 * ChangeCipherSpec is unexpected: dropped unprotected, fatal under keys. */
static void done_accepts_nothing(void)
{
    for (int role = TERN_ROLE_CLIENT; role <= TERN_ROLE_SERVER; role++) {
        struct tern_config *cfg = NULL;
        CHECK_INT(tern_config_new(&cfg, (enum tern_role)role), TERN_OK);
        for (size_t i = 0; i < sizeof(g_msgs) / sizeof(g_msgs[0]); i++) {
            int ccs = g_msgs[i] == TERN_MSG_CCS;
            uint32_t dropped = 0;
            CHECK_INT(offer(cfg, TERN_HS12_DONE, 0, g_msgs[i], 0xc0a8, 0, &dropped), TERN_OK);
            CHECK_INT(dropped, ccs ? 1 : 0);
            CHECK_INT(offer(cfg, TERN_HS12_DONE, 0, g_msgs[i], 0xc0a8, 1, &dropped),
                      ccs ? TERN_ERR_UNEXPECTED_MESSAGE : TERN_OK);
        }
        tern_config_free(cfg);
    }
}

/* A row that names key exchanges applies to no other: a PSK server may skip
 * ServerKeyExchange, an ECDHE_PSK server may not (RFC 5489 section 2). */
static void key_exchange_rows(void)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, TERN_ROLE_CLIENT), TERN_OK);
    uint32_t dropped = 0;
    CHECK_INT(offer(cfg, TERN_HS12_C_WAIT_KEY_EXCHANGE, 0, TERN_HS_SERVER_HELLO_DONE, 0xccac, 0,
                    &dropped),
              TERN_OK);
    CHECK_INT(dropped, 1);
    /* For PSK the row exists (here it then fails for want of a key). */
    CHECK(offer(cfg, TERN_HS12_C_WAIT_KEY_EXCHANGE, 0, TERN_HS_SERVER_HELLO_DONE, 0xc0a8, 0,
                &dropped) != TERN_OK);
    CHECK_INT(dropped, 0);
    tern_config_free(cfg);
}

/* Rows that ask for the handshake's shape (RFC 5246 sections 7.4.6 and
 * 7.4.8): a server that asked for a certificate takes a Certificate and
 * not a bare ClientKeyExchange; one that did not, the reverse; after a
 * non-empty Certificate the ClientKeyExchange leads to CertificateVerify. */
static void shape_rows(void)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, TERN_ROLE_SERVER), TERN_OK);
    const uint16_t ecdsa = 0xc02b;
    uint32_t dropped = 0;
    /* asked: a ClientKeyExchange first is out of turn */
    CHECK_INT(offer(cfg, TERN_HS12_S_WAIT_CLIENT_FLIGHT, TERN_SHAPE_CLIENT_AUTH,
                    TERN_HS_CLIENT_KEY_EXCHANGE, ecdsa, 0, &dropped),
              TERN_OK);
    CHECK_INT(dropped, 1);
    CHECK_INT(offer(cfg, TERN_HS12_S_WAIT_CLIENT_FLIGHT, TERN_SHAPE_CLIENT_AUTH,
                    TERN_HS_CLIENT_KEY_EXCHANGE, ecdsa, 1, &dropped),
              TERN_ERR_UNEXPECTED_MESSAGE);
    /* not asked: a Certificate is out of turn */
    CHECK_INT(
        offer(cfg, TERN_HS12_S_WAIT_CLIENT_FLIGHT, 0, TERN_HS_CERTIFICATE, ecdsa, 0, &dropped),
        TERN_OK);
    CHECK_INT(dropped, 1);
    /* the rows exist where the shape fits (the empty body then fails as a
     * message, not as an unexpected one) */
    CHECK(in_table(&tern_hs12_server, TERN_HS12_S_WAIT_CLIENT_FLIGHT, TERN_HS_CERTIFICATE,
                   TERN_KX_ECDHE_ECDSA, TERN_SHAPE_CLIENT_AUTH));
    CHECK(in_table(&tern_hs12_server, TERN_HS12_S_WAIT_CLIENT_FLIGHT, TERN_HS_CLIENT_KEY_EXCHANGE,
                   TERN_KX_ECDHE_ECDSA, 0));
    (void)offer(cfg, TERN_HS12_S_WAIT_CLIENT_FLIGHT, 0, TERN_HS_CLIENT_KEY_EXCHANGE, ecdsa, 0,
                &dropped);
    CHECK_INT(dropped, 0);
    /* CertificateVerify is taken only after a non-empty Certificate */
    CHECK(!in_table(&tern_hs12_server, TERN_HS12_S_WAIT_CCS, TERN_HS_CERTIFICATE_VERIFY,
                    TERN_KX_ECDHE_ECDSA, TERN_SHAPE_CLIENT_AUTH));
    size_t to_verify = 0;
    size_t to_ccs = 0;
    for (size_t i = 0; i < tern_hs12_server.n_rows; i++) {
        const struct tern_hs12_row *r = &tern_hs12_server.rows[i];
        if (r->state == TERN_HS12_S_WAIT_KEY_EXCHANGE && r->msg == TERN_HS_CLIENT_KEY_EXCHANGE) {
            to_verify += r->next == TERN_HS12_S_WAIT_CERT_VERIFY && r->need == TERN_SHAPE_PEER_CERT;
            to_ccs += r->next == TERN_HS12_S_WAIT_CCS && r->refuse == TERN_SHAPE_PEER_CERT;
        }
    }
    CHECK_INT(to_verify, 1);
    CHECK_INT(to_ccs, 1);
    tern_config_free(cfg);
}

TEST_MAIN(T(client_table), T(server_table), T(done_accepts_nothing), T(key_exchange_rows),
          T(shape_rows))
