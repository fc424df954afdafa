/* A model of DTLS 1.2 datagrams for tests and fuzzing (wire.h). */
#include "wire.h"

#include <string.h>

#include "handshake/header.h"
#include "record/header12.h"
#include "util/reader.h"

/* ---- fields ------------------------------------------------------------------ */

struct walk {
    const uint8_t *base;
    struct wire_fields *out;
    uint8_t msg;
    uint8_t rec;
    uint8_t layer;
    int emit; /* 0: only check that a layout fits */
};

static void add(struct walk *w, const uint8_t *at, size_t width, enum wire_kind kind,
                const char *name)
{
    if (!w->emit || w->out->n >= WIRE_MAX_FIELDS || width == 0) {
        return;
    }
    struct wire_field *f = &w->out->f[w->out->n++];
    f->off = (uint32_t)(at - w->base);
    f->width = (uint32_t)width;
    f->kind = (uint8_t)kind;
    f->layer = w->layer;
    f->msg = w->msg;
    f->rec = w->rec;
    f->name = name;
}

/* The steps of a message layout. */
enum step_op {
    S_U8 = 1,
    S_U16,
    S_RANDOM,   /* 32 opaque bytes */
    S_VERIFY,   /* 12 opaque bytes (Finished) */
    S_V8,       /* opaque<0..2^8-1> */
    S_V16,      /* opaque<0..2^16-1> */
    S_U16_LIST, /* uint16 list<..2^16-1>: the length and the first elements */
    S_EXTS,     /* optional extension block */
    S_CERTS,    /* Certificate list: <0..2^24-1> of opaque<1..2^24-1> */
    S_NAMES,    /* CertificateRequest authorities: <0..2^16-1> of opaque<1..2^16-1> */
};

struct step {
    uint8_t op;
    const char *name;
};

/* Elements of a list that get their own fields: enough to reach the
 * parser's handling of unknown and repeated values without a field per
 * cipher suite. */
#define LIST_FIELDS 2

static int vec(struct walk *w, struct tern_reader *r, size_t prefix, const char *name,
               struct tern_reader *sub)
{
    const uint8_t *at = r->p;
    int rc = prefix == 1   ? tern_r_vec8(r, sub)
             : prefix == 2 ? tern_r_vec16(r, sub)
                           : tern_r_vec24(r, sub);
    if (rc != TERN_OK) {
        return 0;
    }
    add(w, at, prefix, WIRE_LEN, name);
    return 1;
}

/* An extension body that begins with a length prefix covering the rest of
 * it (most lists) gets that prefix as a field of its own. */
static void ext_body(struct walk *w, struct tern_reader body)
{
    struct tern_reader probe = body;
    struct tern_reader inner;
    if (body.len >= 2 && tern_r_vec16(&probe, &inner) == TERN_OK && probe.len == 0) {
        add(w, body.p, 2, WIRE_LEN, "extension list length");
        add(w, inner.p, inner.len, WIRE_BYTES, "extension list");
        return;
    }
    probe = body;
    if (body.len >= 1 && tern_r_vec8(&probe, &inner) == TERN_OK && probe.len == 0) {
        add(w, body.p, 1, WIRE_LEN, "extension list length");
        add(w, inner.p, inner.len, WIRE_BYTES, "extension list");
        return;
    }
    add(w, body.p, body.len, WIRE_BYTES, "extension body");
}

static int exts(struct walk *w, struct tern_reader *r)
{
    if (r->len == 0) {
        return 1; /* the block is optional in both hellos */
    }
    struct tern_reader block;
    if (!vec(w, r, 2, "extensions length", &block)) {
        return 0;
    }
    while (block.len > 0) {
        const uint8_t *at = block.p;
        uint16_t type;
        struct tern_reader body;
        if (tern_r_u16(&block, &type) != TERN_OK) {
            return 0;
        }
        add(w, at, 2, WIRE_INT, "extension type");
        if (!vec(w, &block, 2, "extension length", &body)) {
            return 0;
        }
        ext_body(w, body);
    }
    return 1;
}

/* A list of vectors (certificates, names): the list length, then each
 * entry's length and bytes. */
static int vec_list(struct walk *w, struct tern_reader *r, size_t list_prefix, size_t prefix,
                    const char *name)
{
    struct tern_reader list;
    if (!vec(w, r, list_prefix, "list length", &list)) {
        return 0;
    }
    while (list.len > 0) {
        struct tern_reader entry;
        if (!vec(w, &list, prefix, "entry length", &entry)) {
            return 0;
        }
        add(w, entry.p, entry.len, WIRE_BYTES, name);
    }
    return 1;
}

static int step(struct walk *w, struct tern_reader *r, const struct step *s)
{
    const uint8_t *at = r->p;
    struct tern_reader sub;
    uint8_t u8;
    uint16_t u16;
    const uint8_t *bytes;
    switch (s->op) {
    case S_U8:
        if (tern_r_u8(r, &u8) != TERN_OK) {
            return 0;
        }
        add(w, at, 1, WIRE_INT, s->name);
        return 1;
    case S_U16:
        if (tern_r_u16(r, &u16) != TERN_OK) {
            return 0;
        }
        add(w, at, 2, WIRE_INT, s->name);
        return 1;
    case S_RANDOM:
    case S_VERIFY:
        if (tern_r_bytes(r, s->op == S_RANDOM ? 32 : 12, &bytes) != TERN_OK) {
            return 0;
        }
        add(w, at, s->op == S_RANDOM ? 32 : 12, WIRE_BYTES, s->name);
        return 1;
    case S_V8:
    case S_V16:
        if (!vec(w, r, s->op == S_V8 ? 1 : 2, s->name, &sub)) {
            return 0;
        }
        add(w, sub.p, sub.len, WIRE_BYTES, s->name);
        return 1;
    case S_U16_LIST:
        if (!vec(w, r, 2, s->name, &sub)) {
            return 0;
        }
        for (size_t i = 0; i < LIST_FIELDS && sub.len >= 2; i++) {
            add(w, sub.p, 2, WIRE_INT, s->name);
            (void)tern_r_u16(&sub, &u16);
        }
        return 1;
    case S_EXTS:
        return exts(w, r);
    case S_CERTS:
        return vec_list(w, r, 3, 3, s->name);
    case S_NAMES:
        return vec_list(w, r, 2, 2, s->name);
    default:
        return 0;
    }
}

/* Walks a layout over body; returns 1 when every step parsed and nothing
 * was left over. */
static int layout(struct walk *w, struct tern_reader body, const struct step *steps)
{
    for (const struct step *s = steps; s->op != 0; s++) {
        if (!step(w, &body, s)) {
            return 0;
        }
    }
    return body.len == 0;
}

static const struct step client_hello[] = {
    {S_U16, "client_version"},     {S_RANDOM, "random"},
    {S_V8, "session_id"},          {S_V8, "cookie"},
    {S_U16_LIST, "cipher_suites"}, {S_V8, "compression_methods"},
    {S_EXTS, "extensions"},        {0, NULL}};
static const struct step server_hello[] = {{S_U16, "server_version"},
                                           {S_RANDOM, "random"},
                                           {S_V8, "session_id"},
                                           {S_U16, "cipher_suite"},
                                           {S_U8, "compression_method"},
                                           {S_EXTS, "extensions"},
                                           {0, NULL}};
static const struct step hello_verify[] = {{S_U16, "server_version"}, {S_V8, "cookie"}, {0, NULL}};
static const struct step certificate[] = {{S_CERTS, "certificate"}, {0, NULL}};
static const struct step ske_psk[] = {{S_V16, "psk_identity_hint"}, {0, NULL}};
static const struct step ske_ecdhe_psk[] = {{S_V16, "psk_identity_hint"},
                                            {S_U8, "curve_type"},
                                            {S_U16, "named_curve"},
                                            {S_V8, "public point"},
                                            {0, NULL}};
static const struct step ske_signed[] = {{S_U8, "curve_type"},   {S_U16, "named_curve"},
                                         {S_V8, "public point"}, {S_U16, "signature scheme"},
                                         {S_V16, "signature"},   {0, NULL}};
static const struct step cert_request[] = {{S_V8, "certificate_types"},
                                           {S_U16_LIST, "signature_algorithms"},
                                           {S_NAMES, "certificate_authority"},
                                           {0, NULL}};
static const struct step empty[] = {{0, NULL}};
static const struct step cert_verify[] = {
    {S_U16, "signature scheme"}, {S_V16, "signature"}, {0, NULL}};
static const struct step cke_psk[] = {{S_V16, "psk_identity"}, {0, NULL}};
static const struct step cke_ecdhe_psk[] = {
    {S_V16, "psk_identity"}, {S_V8, "public point"}, {0, NULL}};
static const struct step cke_ecdhe[] = {{S_V8, "public point"}, {0, NULL}};
static const struct step finished[] = {{S_VERIFY, "verify_data"}, {0, NULL}};

/* The layouts a message of type may have, most specific first. */
static size_t layouts_of(uint8_t type, const struct step *out[3])
{
    switch (type) {
    case TERN_HS_CLIENT_HELLO:
        out[0] = client_hello;
        return 1;
    case TERN_HS_SERVER_HELLO:
        out[0] = server_hello;
        return 1;
    case TERN_HS_HELLO_VERIFY_REQUEST:
        out[0] = hello_verify;
        return 1;
    case TERN_HS_CERTIFICATE:
        out[0] = certificate;
        return 1;
    case TERN_HS_SERVER_KEY_EXCHANGE:
        out[0] = ske_signed;
        out[1] = ske_ecdhe_psk;
        out[2] = ske_psk;
        return 3;
    case TERN_HS_CERTIFICATE_REQUEST:
        out[0] = cert_request;
        return 1;
    case TERN_HS_HELLO_REQUEST:
    case TERN_HS_SERVER_HELLO_DONE:
        out[0] = empty;
        return 1;
    case TERN_HS_CERTIFICATE_VERIFY:
        out[0] = cert_verify;
        return 1;
    case TERN_HS_CLIENT_KEY_EXCHANGE:
        out[0] = cke_ecdhe_psk;
        out[1] = cke_psk;
        out[2] = cke_ecdhe;
        return 3;
    case TERN_HS_FINISHED:
        out[0] = finished;
        return 1;
    default:
        return 0;
    }
}

static void message_body(struct walk *w, struct tern_reader body)
{
    const struct step *layouts[3];
    size_t n = layouts_of(w->msg, layouts);
    for (size_t i = 0; i < n; i++) {
        struct walk probe = *w;
        probe.emit = 0;
        if (layout(&probe, body, layouts[i])) {
            (void)layout(w, body, layouts[i]);
            return;
        }
    }
    /* Nothing fits: the first layout as far as it goes. */
    if (n > 0) {
        (void)layout(w, body, layouts[0]);
    }
}

static void fragments(struct walk *w, struct tern_reader payload)
{
    while (payload.len >= TERN_HS_HEADER_LEN) {
        const uint8_t *at = payload.p;
        struct tern_hs_header h;
        struct tern_reader frag;
        if (tern_hs_header_parse(&payload, &h, &frag) != TERN_OK) {
            return;
        }
        w->layer = WIRE_FRAGMENT;
        w->msg = h.type;
        add(w, at, 1, WIRE_INT, "msg_type");
        add(w, at + 1, 3, WIRE_LEN, "length");
        add(w, at + 4, 2, WIRE_INT, "message_seq");
        add(w, at + 6, 3, WIRE_LEN, "fragment_offset");
        add(w, at + 9, 3, WIRE_LEN, "fragment_length");
        if (tern_hs_header_unfragmented(&h)) {
            w->layer = WIRE_BODY;
            message_body(w, frag);
        }
    }
}

void wire_fields(const uint8_t *dgram, size_t len, struct wire_fields *out)
{
    struct walk w = {dgram, out, 0, 0, WIRE_RECORD, 1};
    out->n = 0;
    struct tern_reader r;
    tern_r_init(&r, dgram, len);
    for (unsigned rec = 0; r.len >= TERN_REC12_HEADER_LEN && rec < 256; rec++) {
        const uint8_t *at = r.p;
        uint8_t type = at[0];
        uint16_t epoch = (uint16_t)(at[3] << 8 | at[4]);
        struct tern_reader payload;
        w.rec = (uint8_t)rec;
        w.layer = WIRE_RECORD;
        w.msg = 0;
        add(&w, at, 1, WIRE_INT, "record type");
        add(&w, at + 1, 2, WIRE_INT, "record version");
        add(&w, at + 3, 2, WIRE_INT, "epoch");
        add(&w, at + 5, 6, WIRE_INT, "sequence_number");
        add(&w, at + 11, 2, WIRE_LEN, "record length");
        (void)tern_r_skip(&r, 11);
        if (tern_r_vec16(&r, &payload) != TERN_OK) {
            return;
        }
        if (type == TERN_CT_HANDSHAKE && epoch == 0) {
            fragments(&w, payload);
        } else if (type == TERN_CT_CHANGE_CIPHER_SPEC || (type == TERN_CT_ALERT && epoch == 0)) {
            for (size_t i = 0; i < payload.len && i < 2; i++) {
                add(&w, payload.p + i, 1, WIRE_INT,
                    type == TERN_CT_ALERT ? "alert" : "change_cipher_spec");
            }
        } else {
            add(&w, payload.p, payload.len, WIRE_BYTES, "protected payload");
        }
    }
}

/* ---- values ------------------------------------------------------------------- */

size_t wire_values(const struct wire_field *f, uint64_t v, uint64_t out[WIRE_MAX_VALUES])
{
    if (f->kind == WIRE_BYTES || f->width == 0 || f->width > 8) {
        return 0;
    }
    uint64_t max = f->width >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * f->width)) - 1;
    uint64_t cand[WIRE_MAX_VALUES];
    size_t n = 0;
    if (f->kind == WIRE_LEN) {
        /* A length: none, one short, one long, all ones. */
        cand[n++] = 0;
        cand[n++] = (v - 1) & max;
        cand[n++] = (v + 1) & max;
        cand[n++] = max;
    } else {
        /* A number: zero, all ones, the neighbours, the top bit flipped. */
        cand[n++] = 0;
        cand[n++] = max;
        cand[n++] = (v + 1) & max;
        cand[n++] = (v - 1) & max;
        cand[n++] = v ^ (UINT64_C(1) << (8 * f->width - 1));
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int dup = cand[i] == v;
        for (size_t j = 0; j < k && !dup; j++) {
            dup = out[j] == cand[i];
        }
        if (!dup) {
            out[k++] = cand[i];
        }
    }
    return k;
}

uint64_t wire_get(const uint8_t *dgram, const struct wire_field *f)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < f->width && i < 8; i++) {
        v = v << 8 | dgram[f->off + i];
    }
    return v;
}

void wire_set(uint8_t *dgram, const struct wire_field *f, uint64_t v)
{
    for (uint32_t i = f->width; i > 0; i--) {
        dgram[f->off + i - 1] = (uint8_t)v;
        v >>= 8;
    }
}

/* ---- whole messages ------------------------------------------------------------ */

size_t wire_messages(const uint8_t *dgram, size_t len, struct wire_msg out[WIRE_MAX_MSGS])
{
    size_t n = 0;
    struct tern_reader r;
    tern_r_init(&r, dgram, len);
    while (r.len >= TERN_REC12_HEADER_LEN && n < WIRE_MAX_MSGS) {
        const uint8_t *rec = r.p;
        struct tern_rec12_header rh;
        struct tern_reader payload;
        if (tern_rec12_header_parse(&r, &rh, &payload) != TERN_OK) {
            break;
        }
        if (rh.type != TERN_CT_HANDSHAKE || rh.epoch != 0) {
            continue;
        }
        const uint8_t *frag_at = payload.p;
        struct tern_hs_header h;
        struct tern_reader body;
        if (tern_hs_header_parse(&payload, &h, &body) != TERN_OK ||
            !tern_hs_header_unfragmented(&h) || payload.len != 0) {
            continue;
        }
        out[n].rec_off = (uint32_t)(rec - dgram);
        out[n].frag_off = (uint32_t)(frag_at - dgram);
        out[n].body_off = (uint32_t)(body.p - dgram);
        out[n].body_len = (uint32_t)body.len;
        out[n].type = h.type;
        n++;
    }
    return n;
}

static void put_be(uint8_t *p, size_t width, size_t v)
{
    for (size_t i = width; i > 0; i--) {
        p[i - 1] = (uint8_t)v;
        v >>= 8;
    }
}

size_t wire_splice(const uint8_t *dgram, size_t len, const struct wire_msg *m, size_t at,
                   size_t del, const uint8_t *insert, size_t ins_len, uint8_t *out, size_t cap)
{
    if (m->body_off + (size_t)m->body_len > len || at > m->body_len || del > m->body_len - at) {
        return 0;
    }
    size_t body_len = m->body_len - del + ins_len;
    size_t rec_len = TERN_HS_HEADER_LEN + body_len;
    size_t total = len - del + ins_len;
    if (body_len > 0xffffff || rec_len > 0xffff || total > cap) {
        return 0;
    }
    size_t cut = m->body_off + at;
    memcpy(out, dgram, cut);
    if (ins_len > 0) {
        memcpy(out + cut, insert, ins_len);
    }
    memcpy(out + cut + ins_len, dgram + cut + del, len - cut - del);
    put_be(out + m->rec_off + 11, 2, rec_len);
    put_be(out + m->frag_off + 1, 3, body_len); /* length */
    put_be(out + m->frag_off + 6, 3, 0);        /* fragment_offset */
    put_be(out + m->frag_off + 9, 3, body_len); /* fragment_length */
    return total;
}

const char *wire_msg_name(uint8_t type)
{
    switch (type) {
    case TERN_HS_HELLO_REQUEST:
        return "HelloRequest";
    case TERN_HS_CLIENT_HELLO:
        return "ClientHello";
    case TERN_HS_SERVER_HELLO:
        return "ServerHello";
    case TERN_HS_HELLO_VERIFY_REQUEST:
        return "HelloVerifyRequest";
    case TERN_HS_CERTIFICATE:
        return "Certificate";
    case TERN_HS_SERVER_KEY_EXCHANGE:
        return "ServerKeyExchange";
    case TERN_HS_CERTIFICATE_REQUEST:
        return "CertificateRequest";
    case TERN_HS_SERVER_HELLO_DONE:
        return "ServerHelloDone";
    case TERN_HS_CERTIFICATE_VERIFY:
        return "CertificateVerify";
    case TERN_HS_CLIENT_KEY_EXCHANGE:
        return "ClientKeyExchange";
    case TERN_HS_FINISHED:
        return "Finished";
    default:
        return "record";
    }
}
