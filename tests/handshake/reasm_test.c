/* Handshake message reassembly (RFC 6347 section 4.2.3). */
#include <stdlib.h>

#include <tern/err.h>

#include "handshake/reasm.h"
#include "test.h"

#define MAX_MSG      1024
#define MAX_BUFFERED 8192

/* A recognisable body: byte i of the message with this seed. */
static void fill(uint8_t *buf, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++) {
        buf[i] = (uint8_t)(i * 7u + seed);
    }
}

/* Offers bytes [off, off + n) of the message body as one fragment. */
static int add(struct tern_reasm *r, uint8_t type, uint16_t seq, const uint8_t *body,
               uint32_t length, uint32_t off, uint32_t n)
{
    struct tern_hs_header h = {type, length, seq, off, n};
    return tern_reasm_add(r, &h, body == NULL ? NULL : body + off);
}

/* Checks that message next_seq is ready with exactly this type and body. */
static void check_ready(const struct tern_reasm *r, uint8_t type, const uint8_t *want, size_t len)
{
    uint8_t got_type = 0xee;
    const uint8_t *got = NULL;
    size_t got_len = 12345;
    CHECK_INT(tern_reasm_ready(r, &got_type, &got, &got_len), 1);
    CHECK_INT(got_type, type);
    CHECK_INT(got_len, len);
    CHECK(got != NULL);
    if (got != NULL && got_len == len && len > 0) {
        CHECK_MEM(got, want, len);
    }
}

static void check_not_ready(const struct tern_reasm *r)
{
    uint8_t type = 0xee;
    const uint8_t *body = NULL;
    size_t len = 12345;
    CHECK_INT(tern_reasm_ready(r, &type, &body, &len), 0);
    /* The outputs are left alone. */
    CHECK_INT(type, 0xee);
    CHECK(body == NULL);
    CHECK_INT(len, 12345);
}

static void in_order_single_fragments(void)
{
    struct tern_reasm r;
    uint8_t body[3][40];
    static const uint8_t types[3] = {TERN_HS_SERVER_HELLO, TERN_HS_CERTIFICATE,
                                     TERN_HS_SERVER_KEY_EXCHANGE};
    tern_reasm_init(&r, 1, MAX_MSG, MAX_BUFFERED);
    check_not_ready(&r);
    for (uint16_t i = 0; i < 3; i++) {
        uint32_t len = 20u + i * 10u;
        fill(body[i], len, (uint8_t)i);
        CHECK_INT(add(&r, types[i], (uint16_t)(1 + i), body[i], len, 0, len), TERN_REASM_STORED);
        CHECK_INT(r.buffered, tern_reasm_cost(len));
        check_ready(&r, types[i], body[i], len);
        CHECK_INT(tern_reasm_advance(&r), TERN_OK);
        CHECK_INT(r.next_seq, 2 + i);
        CHECK_INT(r.buffered, 0);
        check_not_ready(&r);
    }
    tern_reasm_clear(&r);
}

/* Fragments [0,10), [10,20), [20,30) in each of the 6 orders. */
static void three_fragments_every_order(void)
{
    static const uint8_t orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                         {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    uint8_t body[30];
    fill(body, sizeof(body), 3);
    for (size_t o = 0; o < 6; o++) {
        struct tern_reasm r;
        tern_reasm_init(&r, 0, MAX_MSG, MAX_BUFFERED);
        for (size_t k = 0; k < 3; k++) {
            uint32_t off = orders[o][k] * 10u;
            CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 30, off, 10), TERN_REASM_STORED);
            CHECK_INT(r.buffered, tern_reasm_cost(30));
            if (k < 2) {
                check_not_ready(&r);
            }
        }
        check_ready(&r, TERN_HS_CERTIFICATE, body, 30);
        CHECK_INT(tern_reasm_advance(&r), TERN_OK);
        CHECK_INT(r.buffered, 0);
        tern_reasm_clear(&r);
    }
}

static void overlapping_fragments(void)
{
    struct tern_reasm r;
    uint8_t body[40];
    fill(body, sizeof(body), 9);
    tern_reasm_init(&r, 0, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 40, 0, 12), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 40, 8, 12), TERN_REASM_STORED);
    CHECK_INT(r.slot[0].received, 20);
    /* Entirely inside what arrived: nothing new. */
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 40, 4, 14), TERN_REASM_DUPLICATE);
    /* Straddles a gap: only the missing bytes count. */
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 40, 30, 10), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 40, 15, 20), TERN_REASM_STORED);
    CHECK_INT(r.slot[0].received, 40);
    check_ready(&r, TERN_HS_CERTIFICATE, body, 40);
    tern_reasm_clear(&r);
}

/* Our choice beyond RFC 6347: bytes that arrive twice must agree. */
static void overlap_mismatch_fatal(void)
{
    struct tern_reasm r;
    uint8_t body[20];
    uint8_t forged[20];
    fill(body, sizeof(body), 1);
    memcpy(forged, body, sizeof(body));
    forged[7] ^= 0x80;
    tern_reasm_init(&r, 0, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 20, 0, 10), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, forged, 20, 5, 10), TERN_ERR_ILLEGAL_PARAMETER);
    /* Nothing of the rejected fragment was kept, not even its new bytes. */
    CHECK_INT(r.slot[0].received, 10);
    /* A difference only in the new bytes is not detectable and is taken. */
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, forged, 20, 10, 10), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 20, 0, 20), TERN_REASM_DUPLICATE);
    check_ready(&r, TERN_HS_CERTIFICATE, body, 20);
    tern_reasm_clear(&r);
}

static void exact_duplicates(void)
{
    struct tern_reasm r;
    uint8_t body[24];
    fill(body, sizeof(body), 5);
    tern_reasm_init(&r, 0, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 24, 0, 12), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 24, 0, 12), TERN_REASM_DUPLICATE);
    CHECK_INT(r.slot[0].received, 12);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 24, 12, 12), TERN_REASM_STORED);
    /* After completion, before advance: still a duplicate, still ready. */
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 24, 12, 12), TERN_REASM_DUPLICATE);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 24, 0, 24), TERN_REASM_DUPLICATE);
    CHECK_INT(r.buffered, tern_reasm_cost(24));
    check_ready(&r, TERN_HS_CERTIFICATE, body, 24);
    tern_reasm_clear(&r);
}

/* Both halves of message 1 arrive before message 0; message 1 is then ready
 * as soon as message 0 is consumed. */
static void next_message_before_current(void)
{
    struct tern_reasm r;
    uint8_t m0[16];
    uint8_t m1[50];
    fill(m0, sizeof(m0), 0x10);
    fill(m1, sizeof(m1), 0x20);
    tern_reasm_init(&r, 0, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 1, m1, 50, 25, 25), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 1, m1, 50, 0, 25), TERN_REASM_STORED);
    check_not_ready(&r); /* only message 0 is ever reported */
    CHECK_INT(tern_reasm_advance(&r), TERN_ERR_STATE);
    CHECK_INT(add(&r, TERN_HS_SERVER_HELLO, 0, m0, 16, 0, 16), TERN_REASM_STORED);
    CHECK_INT(r.buffered, tern_reasm_cost(16) + tern_reasm_cost(50));
    check_ready(&r, TERN_HS_SERVER_HELLO, m0, 16);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    check_ready(&r, TERN_HS_CERTIFICATE, m1, 50);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    CHECK_INT(r.next_seq, 2);
    CHECK_INT(r.buffered, 0);
    tern_reasm_clear(&r);
}

static void too_far_ahead_dropped(void)
{
    struct tern_reasm r;
    uint8_t body[8];
    fill(body, sizeof(body), 0);
    tern_reasm_init(&r, 5, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_FINISHED, 5 + TERN_REASM_SLOTS, body, 8, 0, 8), TERN_REASM_DROPPED);
    CHECK_INT(add(&r, TERN_HS_FINISHED, 65535, body, 8, 0, 8), TERN_REASM_DROPPED);
    CHECK_INT(r.buffered, 0);
    /* The last slot is still inside the window. */
    CHECK_INT(add(&r, TERN_HS_FINISHED, 5 + TERN_REASM_SLOTS - 1, body, 8, 0, 8),
              TERN_REASM_STORED);
    CHECK_INT(r.buffered, tern_reasm_cost(8));
    CHECK_INT(r.slot[TERN_REASM_SLOTS - 1].used, 1);
    /* Too far ahead wins over a length above the cap: the body is never looked at. */
    CHECK_INT(add(&r, TERN_HS_FINISHED, 5 + TERN_REASM_SLOTS, NULL, MAX_MSG + 1, 0, 0),
              TERN_REASM_DROPPED);
    tern_reasm_clear(&r);
}

static void old_reported(void)
{
    struct tern_reasm r;
    uint8_t body[8];
    fill(body, sizeof(body), 0);
    tern_reasm_init(&r, 3, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_CLIENT_HELLO, 2, body, 8, 0, 8), TERN_REASM_OLD);
    CHECK_INT(add(&r, TERN_HS_CLIENT_HELLO, 0, body, 8, 0, 4), TERN_REASM_OLD);
    CHECK_INT(add(&r, TERN_HS_CLIENT_HELLO, 0, NULL, MAX_MSG + 1, 0, 0), TERN_REASM_OLD);
    CHECK_INT(r.buffered, 0);
    CHECK_INT(r.slot[0].used, 0);
    CHECK_INT(add(&r, TERN_HS_FINISHED, 3, body, 8, 0, 8), TERN_REASM_STORED);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    CHECK_INT(add(&r, TERN_HS_FINISHED, 3, body, 8, 0, 8), TERN_REASM_OLD);
    CHECK_INT(r.slot[0].used, 0);
    tern_reasm_clear(&r);
}

static void inconsistent_type_fatal(void)
{
    struct tern_reasm r;
    uint8_t body[20];
    fill(body, sizeof(body), 2);
    tern_reasm_init(&r, 0, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 20, 0, 10), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_SERVER_KEY_EXCHANGE, 0, body, 20, 10, 10),
              TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(r.slot[0].received, 10);
    CHECK_INT(r.slot[0].type, TERN_HS_CERTIFICATE);
    /* The same for a later message's slot. */
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 2, body, 20, 0, 5), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_FINISHED, 2, body, 20, 0, 5), TERN_ERR_ILLEGAL_PARAMETER);
    tern_reasm_clear(&r);
}

static void inconsistent_length_fatal(void)
{
    struct tern_reasm r;
    uint8_t body[21];
    fill(body, sizeof(body), 2);
    tern_reasm_init(&r, 0, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 20, 0, 10), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 21, 10, 10), TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 19, 10, 9), TERN_ERR_ILLEGAL_PARAMETER);
    /* Also for an empty fragment, and after the message completed. */
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 21, 0, 0), TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 20, 10, 10), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 21, 0, 21), TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(r.buffered, tern_reasm_cost(20));
    check_ready(&r, TERN_HS_CERTIFICATE, body, 20);
    tern_reasm_clear(&r);
}

static void length_over_max_fatal(void)
{
    struct tern_reasm r;
    uint8_t body[101];
    fill(body, sizeof(body), 4);
    tern_reasm_init(&r, 0, 100, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 101, 0, 10), TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 1, body, 101, 0, 0), TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, NULL, 0xffffff, 0, 0), TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(r.buffered, 0);
    CHECK_INT(r.slot[0].used, 0);
    CHECK_INT(r.slot[1].used, 0);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 100, 0, 100), TERN_REASM_STORED);
    check_ready(&r, TERN_HS_CERTIFICATE, body, 100);
    tern_reasm_clear(&r);
}

/* Room for two 100-byte messages: a third is dropped, then fits once the
 * first has been consumed. */
static void buffered_cap_drops_then_recovers(void)
{
    struct tern_reasm r;
    uint8_t body[100];
    size_t cost = tern_reasm_cost(100);
    fill(body, sizeof(body), 6);
    tern_reasm_init(&r, 0, 100, 2 * cost);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 100, 0, 50), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 1, body, 100, 0, 50), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 2, body, 100, 0, 50), TERN_REASM_DROPPED);
    CHECK_INT(r.slot[2].used, 0);
    CHECK_INT(r.buffered, 2 * cost);
    /* Existing slots still take fragments: they allocate nothing. */
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 100, 50, 50), TERN_REASM_STORED);
    /* A zero-length message costs nothing and always fits. */
    CHECK_INT(add(&r, TERN_HS_SERVER_HELLO_DONE, 3, NULL, 0, 0, 0), TERN_REASM_STORED);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    CHECK_INT(r.buffered, cost);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 2, body, 100, 0, 100), TERN_REASM_STORED);
    CHECK_INT(r.buffered, 2 * cost);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 1, body, 100, 50, 50), TERN_REASM_STORED);
    check_ready(&r, TERN_HS_CERTIFICATE, body, 100);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    check_ready(&r, TERN_HS_CERTIFICATE, body, 100);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    check_ready(&r, TERN_HS_SERVER_HELLO_DONE, NULL, 0);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    CHECK_INT(r.buffered, 0);
    tern_reasm_clear(&r);
}

/* Later messages filling the cap must not starve the expected one: it evicts
 * them, last first, and only as many as it needs. */
static void expected_message_evicts_later(void)
{
    struct tern_reasm r;
    uint8_t body[210];
    size_t cost = tern_reasm_cost(100);
    fill(body, sizeof(body), 7);
    tern_reasm_init(&r, 0, 210, 2 * cost);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 1, body, 100, 0, 100), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_SERVER_KEY_EXCHANGE, 2, body, 100, 0, 100), TERN_REASM_STORED);
    /* Larger than the whole cap: dropped, nothing evicted. */
    CHECK(tern_reasm_cost(210) > 2 * cost);
    CHECK_INT(add(&r, TERN_HS_SERVER_HELLO, 0, body, 210, 0, 10), TERN_REASM_DROPPED);
    CHECK_INT(r.slot[1].used + r.slot[2].used, 2);
    CHECK_INT(add(&r, TERN_HS_SERVER_HELLO, 0, body, 100, 0, 100), TERN_REASM_STORED);
    CHECK_INT(r.slot[1].used, 1);
    CHECK_INT(r.slot[2].used, 0);
    CHECK_INT(r.buffered, 2 * cost);
    check_ready(&r, TERN_HS_SERVER_HELLO, body, 100);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    check_ready(&r, TERN_HS_CERTIFICATE, body, 100);
    tern_reasm_clear(&r);
}

/* ServerHelloDone (length 0) completes with its first, empty fragment. */
static void zero_length_message(void)
{
    struct tern_reasm r;
    tern_reasm_init(&r, 0, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_SERVER_HELLO_DONE, 1, NULL, 0, 0, 0), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_SERVER_HELLO_DONE, 1, NULL, 0, 0, 0), TERN_REASM_DUPLICATE);
    CHECK_INT(add(&r, TERN_HS_SERVER_HELLO_DONE, 0, NULL, 0, 0, 0), TERN_REASM_STORED);
    CHECK_INT(r.buffered, 0);
    check_ready(&r, TERN_HS_SERVER_HELLO_DONE, NULL, 0);
    CHECK_INT(add(&r, TERN_HS_SERVER_HELLO_DONE, 0, NULL, 0, 0, 0), TERN_REASM_DUPLICATE);
    CHECK_INT(add(&r, TERN_HS_FINISHED, 0, NULL, 0, 0, 0), TERN_ERR_ILLEGAL_PARAMETER);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    check_ready(&r, TERN_HS_SERVER_HELLO_DONE, NULL, 0);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    CHECK_INT(r.next_seq, 2);
    tern_reasm_clear(&r);
}

/* An empty fragment of a non-empty message adds nothing and creates no slot. */
static void zero_length_fragment_of_nonempty(void)
{
    struct tern_reasm r;
    uint8_t body[10];
    fill(body, sizeof(body), 8);
    tern_reasm_init(&r, 0, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 10, 0, 0), TERN_REASM_DUPLICATE);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 10, 10, 0), TERN_REASM_DUPLICATE);
    CHECK_INT(r.slot[0].used, 0);
    CHECK_INT(r.buffered, 0);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 10, 0, 4), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, 10, 7, 0), TERN_REASM_DUPLICATE);
    CHECK_INT(r.slot[0].received, 4);
    check_not_ready(&r);
    tern_reasm_clear(&r);
}

/* LeakSanitizer checks that clear() frees every buffer. */
static void clear_frees(void)
{
    struct tern_reasm r;
    uint8_t body[64];
    fill(body, sizeof(body), 11);
    tern_reasm_init(&r, 0, MAX_MSG, MAX_BUFFERED);
    for (uint16_t seq = 0; seq < TERN_REASM_SLOTS; seq++) {
        CHECK_INT(add(&r, TERN_HS_CERTIFICATE, seq, body, 64, 0, 32), TERN_REASM_STORED);
    }
    CHECK_INT(r.buffered, TERN_REASM_SLOTS * tern_reasm_cost(64));
    tern_reasm_clear(&r);
    CHECK_INT(r.buffered, 0);
    for (size_t i = 0; i < TERN_REASM_SLOTS; i++) {
        CHECK(r.slot[i].buf == NULL);
        CHECK_INT(r.slot[i].used, 0);
    }
    check_not_ready(&r);
    tern_reasm_clear(&r); /* twice */
    struct tern_reasm zero;
    memset(&zero, 0, sizeof(zero));
    tern_reasm_clear(&zero);
    tern_reasm_clear(NULL);
    /* Usable again after init. */
    tern_reasm_init(&r, 7, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_FINISHED, 7, body, 12, 0, 12), TERN_REASM_STORED);
    check_ready(&r, TERN_HS_FINISHED, body, 12);
    tern_reasm_clear(&r);
}

static void advance_incomplete_refused(void)
{
    struct tern_reasm r;
    uint8_t body[30];
    fill(body, sizeof(body), 12);
    tern_reasm_init(&r, 4, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(tern_reasm_advance(&r), TERN_ERR_STATE);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 4, body, 30, 0, 29), TERN_REASM_STORED);
    CHECK_INT(tern_reasm_advance(&r), TERN_ERR_STATE);
    CHECK_INT(r.next_seq, 4);
    CHECK_INT(r.buffered, tern_reasm_cost(30));
    CHECK_INT(r.slot[0].received, 29);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 4, body, 30, 29, 1), TERN_REASM_STORED);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    CHECK_INT(r.next_seq, 5);
    CHECK_INT(tern_reasm_advance(NULL), TERN_ERR_ARG);
    tern_reasm_clear(&r);
}

/* A 16 KiB message in 1-byte fragments, last byte first. */
static void large_message_one_byte_reverse(void)
{
    enum { LEN = 16384 };
    struct tern_reasm r;
    uint8_t *body = malloc(LEN);
    CHECK(body != NULL);
    if (body == NULL) {
        return;
    }
    fill(body, LEN, 13);
    tern_reasm_init(&r, 0, LEN, tern_reasm_cost(LEN));
    int all_stored = 1;
    for (uint32_t i = LEN; i-- > 0;) {
        all_stored &= add(&r, TERN_HS_CERTIFICATE, 0, body, LEN, i, 1) == TERN_REASM_STORED;
        if (i == 1) {
            check_not_ready(&r);
        }
    }
    CHECK(all_stored);
    CHECK_INT(r.buffered, LEN + LEN / 8);
    check_ready(&r, TERN_HS_CERTIFICATE, body, LEN);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, body, LEN, 0, LEN), TERN_REASM_DUPLICATE);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    CHECK_INT(r.buffered, 0);
    tern_reasm_clear(&r);
    free(body);
}

/* message_seq does not wrap: after 65535 everything is old. */
static void last_message_seq(void)
{
    struct tern_reasm r;
    uint8_t body[4] = {1, 2, 3, 4};
    tern_reasm_init(&r, 65534, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_FINISHED, 65535, body, 4, 0, 4), TERN_REASM_STORED);
    CHECK_INT(add(&r, TERN_HS_FINISHED, 0, body, 4, 0, 4), TERN_REASM_OLD);
    CHECK_INT(add(&r, TERN_HS_FINISHED, 65534, body, 4, 0, 4), TERN_REASM_STORED);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    CHECK_INT(tern_reasm_advance(&r), TERN_OK);
    CHECK_INT(r.next_seq, 65536);
    CHECK_INT(add(&r, TERN_HS_FINISHED, 65535, body, 4, 0, 4), TERN_REASM_OLD);
    CHECK_INT(add(&r, TERN_HS_FINISHED, 0, body, 4, 0, 4), TERN_REASM_OLD);
    CHECK_INT(tern_reasm_advance(&r), TERN_ERR_STATE);
    tern_reasm_clear(&r);
}

/* Headers that tern_hs_header_parse() would have refused, and NULLs. */
static void bad_arguments(void)
{
    struct tern_reasm r;
    uint8_t body[16];
    fill(body, sizeof(body), 14);
    tern_reasm_init(&r, 0, MAX_MSG, MAX_BUFFERED);
    CHECK_INT(add(&r, TERN_HS_CERTIFICATE, 0, NULL, 16, 0, 4), TERN_ERR_ARG);
    struct tern_hs_header past = {TERN_HS_CERTIFICATE, 16, 0, 12, 8};
    CHECK_INT(tern_reasm_add(&r, &past, body), TERN_ERR_DECODE);
    struct tern_hs_header wide = {TERN_HS_CERTIFICATE, 0x1000000, 0, 0, 4};
    CHECK_INT(tern_reasm_add(&r, &wide, body), TERN_ERR_DECODE);
    struct tern_hs_header wrap = {TERN_HS_CERTIFICATE, 16, 0, 0xffffffffu, 2};
    CHECK_INT(tern_reasm_add(&r, &wrap, body), TERN_ERR_DECODE);
    struct tern_hs_header ok = {TERN_HS_CERTIFICATE, 16, 0, 0, 16};
    CHECK_INT(tern_reasm_add(NULL, &ok, body), TERN_ERR_ARG);
    CHECK_INT(tern_reasm_add(&r, NULL, body), TERN_ERR_ARG);
    CHECK_INT(r.buffered, 0);
    CHECK_INT(r.slot[0].used, 0);
    CHECK_INT(tern_reasm_add(&r, &ok, body), TERN_REASM_STORED);
    check_ready(&r, TERN_HS_CERTIFICATE, body, 16);
    tern_reasm_clear(&r);
}

TEST_MAIN(T(in_order_single_fragments), T(three_fragments_every_order), T(overlapping_fragments),
          T(overlap_mismatch_fatal), T(exact_duplicates), T(next_message_before_current),
          T(too_far_ahead_dropped), T(old_reported), T(inconsistent_type_fatal),
          T(inconsistent_length_fatal), T(length_over_max_fatal),
          T(buffered_cap_drops_then_recovers), T(expected_message_evicts_later),
          T(zero_length_message), T(zero_length_fragment_of_nonempty), T(clear_frees),
          T(advance_incomplete_refused), T(large_message_one_byte_reverse), T(last_message_seq),
          T(bad_arguments))
