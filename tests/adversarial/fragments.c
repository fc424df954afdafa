/* Adversarial cases: handshake fragments and reassembly (RFC 6347 section
 * 4.2.3). Every length is checked against the bytes present; unprotected
 * fragments that are malformed or disagree with what is buffered are
 * dropped and counted, never fatal (anyone could have forged them); and
 * buffering has hard caps. */
#include <string.h>

#include "adv.h"

/* A real ClientHello body from a seeded tern client. */
struct hello {
    uint8_t body[ADV_DGRAM];
    uint32_t len;
};

static void real_client_hello(struct hello *h)
{
    struct adv_rng rng = {21};
    uint8_t ch[ADV_DGRAM];
    size_t ch_len = 0;
    struct tern_conn *c = adv_client(adv_psk_config(TERN_ROLE_CLIENT, &rng, 0), ch, &ch_len);
    struct wire_msg m[WIRE_MAX_MSGS];
    CHECK_INT(wire_messages(ch, ch_len, m), 1);
    CHECK_INT(m[0].type, TERN_HS_CLIENT_HELLO);
    memcpy(h->body, ch + m[0].body_off, m[0].body_len);
    h->len = m[0].body_len;
    tern_conn_free(c);
}

/* One epoch-0 record holding one fragment. */
static size_t frag_record(uint8_t *out, size_t cap, uint64_t rec_seq, uint8_t type, uint32_t length,
                          uint16_t msg_seq, uint32_t off, const uint8_t *frag, uint32_t frag_len)
{
    uint8_t f[ADV_DGRAM];
    size_t n = adv_fragment(f, sizeof(f), type, length, msg_seq, off, frag, frag_len);
    return adv_record(out, cap, TERN_CT_HANDSHAKE, 0, rec_seq, f, n);
}

static struct tern_conn *fresh_server(void)
{
    return adv_server(adv_psk_config(TERN_ROLE_SERVER, NULL, 0));
}

/* The server answered a complete ClientHello with its flight. */
static void expect_answered(struct tern_conn *s)
{
    CHECK_INT(tern_conn_state(s), TERN_STATE_HANDSHAKING);
    uint8_t out[ADV_DGRAM];
    CHECK(tern_conn_pull(s, 0, out, sizeof(out)) > 0);
}

/* After the case's forgery, the real ClientHello, whole, is answered. */
static void expect_still_answers(struct tern_conn *s)
{
    struct hello h;
    real_client_hello(&h);
    uint8_t d[ADV_DGRAM];
    size_t n = adv_message(d, sizeof(d), TERN_HS_CLIENT_HELLO, 0, 77, h.body, h.len);
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    expect_answered(s);
}

void adv_fragment_overrun(void);
void adv_fragment_overrun(void)
{
    struct tern_conn *s = fresh_server();
    uint8_t frag[16] = {0};
    uint8_t d[ADV_DGRAM];
    /* fragment_offset 10 + fragment_length 16 > length 20. */
    size_t n = frag_record(d, sizeof(d), 0, TERN_HS_CLIENT_HELLO, 20, 0, 10, frag, sizeof(frag));
    alloc_count_reset();
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    CHECK_NO_ALLOCATION();
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_MALFORMED), 1);
    adv_expect_silent(s);
    expect_still_answers(s);
    tern_conn_free(s);
}

void adv_fragment_past_record(void);
void adv_fragment_past_record(void)
{
    struct hello h;
    real_client_hello(&h);
    struct tern_conn *s = fresh_server();
    uint8_t f[ADV_DGRAM];
    size_t fn = adv_fragment(f, sizeof(f), TERN_HS_CLIENT_HELLO, h.len, 0, 0, h.body, h.len);
    /* The record ends 20 bytes before the fragment_length says it does. */
    uint8_t d[ADV_DGRAM];
    size_t n = adv_record(d, sizeof(d), TERN_CT_HANDSHAKE, 0, 0, f, fn - 20);
    alloc_count_reset();
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    CHECK_NO_ALLOCATION();
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_MALFORMED), 1);
    adv_expect_silent(s);
    expect_still_answers(s);
    tern_conn_free(s);
}

void adv_fragment_length_mismatch(void);
void adv_fragment_length_mismatch(void)
{
    struct hello h;
    real_client_hello(&h);
    struct tern_conn *s = fresh_server();
    uint8_t d[ADV_DGRAM];
    size_t n = frag_record(d, sizeof(d), 0, TERN_HS_CLIENT_HELLO, h.len, 0, 0, h.body, 40);
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    n = frag_record(d, sizeof(d), 1, TERN_HS_CLIENT_HELLO, h.len + 1, 0, 40, h.body + 40,
                    h.len - 40);
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_CONFLICT), 1);
    adv_expect_silent(s);
    /* The newer fragment started the message afresh; the peer's
     * retransmission of the whole message completes it. */
    expect_still_answers(s);
    tern_conn_free(s);
}

void adv_fragment_type_mismatch(void);
void adv_fragment_type_mismatch(void)
{
    struct hello h;
    real_client_hello(&h);
    struct tern_conn *s = fresh_server();
    uint8_t d[ADV_DGRAM];
    size_t n = frag_record(d, sizeof(d), 0, TERN_HS_CLIENT_HELLO, h.len, 0, 0, h.body, 40);
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    n = frag_record(d, sizeof(d), 1, TERN_HS_CLIENT_KEY_EXCHANGE, h.len, 0, 40, h.body + 40,
                    h.len - 40);
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_CONFLICT), 1);
    adv_expect_silent(s);
    expect_still_answers(s);
    tern_conn_free(s);
}

void adv_fragment_overlap_same_bytes(void);
void adv_fragment_overlap_same_bytes(void)
{
    /* Overlapping fragments that agree are legal (RFC 6347 section 4.2.3)
     * and make one message. */
    struct hello h;
    real_client_hello(&h);
    struct tern_conn *s = fresh_server();
    uint8_t d[ADV_DGRAM];
    size_t n =
        frag_record(d, sizeof(d), 0, TERN_HS_CLIENT_HELLO, h.len, 0, 30, h.body + 30, h.len - 30);
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    n = frag_record(d, sizeof(d), 1, TERN_HS_CLIENT_HELLO, h.len, 0, 0, h.body, 60);
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    expect_answered(s);
    tern_conn_free(s);
}

void adv_fragment_overlap_conflict(void);
void adv_fragment_overlap_conflict(void)
{
    /* Overlapping bytes that differ: a broken peer or an injected fragment
     * (reasm.h): the partial message is discarded, counted, and rebuilt. */
    struct hello h;
    real_client_hello(&h);
    struct tern_conn *s = fresh_server();
    uint8_t d[ADV_DGRAM];
    size_t n = frag_record(d, sizeof(d), 0, TERN_HS_CLIENT_HELLO, h.len, 0, 0, h.body, 60);
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    uint8_t tail[ADV_DGRAM];
    memcpy(tail, h.body + 40, h.len - 40);
    tail[5] ^= 0x01; /* body byte 45, already received */
    n = frag_record(d, sizeof(d), 1, TERN_HS_CLIENT_HELLO, h.len, 0, 40, tail, h.len - 40);
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_CONFLICT), 1);
    adv_expect_silent(s);
    expect_still_answers(s);
    tern_conn_free(s);
}

void adv_message_too_large(void);
void adv_message_too_large(void)
{
    /* A length field of 2^24 - 1 must not become a 16 MiB buffer. */
    struct tern_conn *s = fresh_server();
    uint8_t frag[10] = {0xfe, 0xfd};
    uint8_t d[ADV_DGRAM];
    size_t n = frag_record(d, sizeof(d), 0, TERN_HS_CLIENT_HELLO, 0xffffff, 0, 0, frag, 10);
    alloc_count_reset();
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    CHECK_NO_ALLOCATION();
    CHECK_INT(tern_conn_dropped_by(s, TERN_DROP_TOO_LONG), 1);
    adv_expect_silent(s);
    expect_still_answers(s);
    tern_conn_free(s);
}

void adv_message_seq_far_ahead(void);
void adv_message_seq_far_ahead(void)
{
    /* Messages beyond the few slots after the expected one are dropped
     * without a byte of memory (the peer retransmits them). */
    struct tern_conn *s = fresh_server();
    uint8_t frag[32] = {0};
    alloc_count_reset();
    for (uint16_t seq = 4; seq < 300; seq++) {
        uint8_t d[ADV_DGRAM];
        size_t n = frag_record(d, sizeof(d), seq, TERN_HS_CLIENT_KEY_EXCHANGE, 1000, seq, 0, frag,
                               sizeof(frag));
        CHECK_INT(adv_feed(s, d, n), TERN_OK);
    }
    CHECK_NO_ALLOCATION();
    CHECK_INT(tern_conn_state(s), TERN_STATE_HANDSHAKING);
    adv_expect_silent(s);
    /* The real ClientHello is still answered. */
    struct hello h;
    real_client_hello(&h);
    uint8_t d[ADV_DGRAM];
    size_t n = adv_message(d, sizeof(d), TERN_HS_CLIENT_HELLO, 0, 400, h.body, h.len);
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    expect_answered(s);
    tern_conn_free(s);
}

void adv_reassembly_memory_capped(void);
void adv_reassembly_memory_capped(void)
{
    /* Three future messages each claiming the largest allowed length: the
     * buffers they may take together are capped (32 KiB), and the
     * expected message still gets through by evicting them. */
    struct tern_conn *s = fresh_server();
    uint8_t frag[100] = {0};
    alloc_count_reset();
    for (uint16_t seq = 1; seq <= 3; seq++) {
        for (uint32_t off = 0; off < 1000; off += 100) {
            uint8_t d[ADV_DGRAM];
            size_t n = frag_record(d, sizeof(d), seq * 100u + off / 100u,
                                   TERN_HS_CLIENT_KEY_EXCHANGE, 16384, seq, off, frag, 100);
            CHECK_INT(adv_feed(s, d, n), TERN_OK);
        }
    }
    struct alloc_counts ac = alloc_count_get();
    CHECK(ac.tern_bytes <= 32768);
    CHECK_INT(ac.tern, 1); /* one message fits; the others are dropped */
    CHECK_INT(ac.crypto, 0);
    struct hello h;
    real_client_hello(&h);
    uint8_t d[ADV_DGRAM];
    size_t n = adv_message(d, sizeof(d), TERN_HS_CLIENT_HELLO, 0, 1000, h.body, h.len);
    CHECK_INT(adv_feed(s, d, n), TERN_OK);
    expect_answered(s);
    tern_conn_free(s);
}

void adv_zero_length_fragments(void);
void adv_zero_length_fragments(void)
{
    /* Empty fragments of a non-empty message add nothing and cost
     * nothing, however many there are. */
    struct tern_conn *s = fresh_server();
    alloc_count_reset();
    for (uint64_t i = 0; i < 1000; i++) {
        uint8_t d[ADV_DGRAM];
        size_t n = frag_record(d, sizeof(d), i, TERN_HS_CLIENT_HELLO, 100, 0, (uint32_t)(i % 100),
                               NULL, 0);
        CHECK_INT(adv_feed(s, d, n), TERN_OK);
    }
    CHECK_NO_ALLOCATION();
    CHECK_INT(tern_conn_state(s), TERN_STATE_HANDSHAKING);
    adv_expect_silent(s);
    tern_conn_free(s);
}
