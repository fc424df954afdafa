/* A model of DTLS 1.2 datagrams for tests and fuzzing: lists the fields of
 * a datagram (record headers, handshake fragment headers, and the fields of
 * whole plaintext handshake messages) with their offsets, so that a harness
 * can change exactly one field of a valid flight; and rewrites a datagram
 * with a message body cut or grown while every enclosing length (handshake
 * header, record header) stays consistent, so that the change reaches the
 * message parser instead of the first length check.
 *
 * Everything here reads its input through tern's bounds-checked reader and
 * accepts any bytes: the fuzz targets' mutator walks arbitrary inputs with
 * it. Nothing allocates. */
#ifndef TERN_TEST_WIRE_H
#define TERN_TEST_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* What a field is, which decides how it is mutated. */
enum wire_kind {
    WIRE_INT = 0, /* a number: type, version, epoch, sequence, offsets, code points */
    WIRE_LEN,     /* the length prefix of a vector, or a length in a header */
    WIRE_BYTES,   /* opaque bytes: randoms, cookies, keys, signatures, certificates */
};

/* Where a field came from, for messages a test prints. */
enum wire_layer {
    WIRE_RECORD = 0, /* record header */
    WIRE_FRAGMENT,   /* handshake header of a fragment */
    WIRE_BODY,       /* inside a whole handshake message */
};

struct wire_field {
    uint32_t off;   /* offset in the datagram */
    uint32_t width; /* bytes: 1, 2, 3 or 6 for numbers and lengths, any for WIRE_BYTES */
    uint8_t kind;   /* enum wire_kind */
    uint8_t layer;  /* enum wire_layer */
    uint8_t msg;    /* handshake type of the enclosing message (WIRE_BODY, WIRE_FRAGMENT) */
    uint8_t rec;    /* index of the record in the datagram */
    const char *name;
};

#define WIRE_MAX_FIELDS 512

struct wire_fields {
    struct wire_field f[WIRE_MAX_FIELDS];
    size_t n;
};

/* Lists the fields of dgram. Records are walked while their headers fit;
 * handshake fragments inside plaintext (epoch 0) handshake records are
 * walked while their headers fit; the body of a fragment that is a whole
 * message is walked as far as it parses as that message type (key
 * exchange messages are recognised by which of their layouts fits). Fields
 * beyond WIRE_MAX_FIELDS are left out. */
void wire_fields(const uint8_t *dgram, size_t len, struct wire_fields *out);

/* The values to try in a field of this kind and width whose current value
 * is v: returns how many were written to out (at most WIRE_MAX_VALUES).
 * Only for WIRE_INT and WIRE_LEN fields. */
#define WIRE_MAX_VALUES 6
size_t wire_values(const struct wire_field *f, uint64_t v, uint64_t out[WIRE_MAX_VALUES]);

/* Reads and writes a WIRE_INT or WIRE_LEN field (big-endian, width bytes). */
uint64_t wire_get(const uint8_t *dgram, const struct wire_field *f);
void wire_set(uint8_t *dgram, const struct wire_field *f, uint64_t v);

/* A whole handshake message inside a plaintext record of a datagram. */
struct wire_msg {
    uint32_t rec_off;  /* record header */
    uint32_t frag_off; /* handshake header */
    uint32_t body_off; /* message body */
    uint32_t body_len;
    uint8_t type;
};

#define WIRE_MAX_MSGS 16

/* Lists the whole (unfragmented) handshake messages that are alone in
 * their plaintext records, the ones wire_splice() can change. Returns the
 * count (at most WIRE_MAX_MSGS). */
size_t wire_messages(const uint8_t *dgram, size_t len, struct wire_msg out[WIRE_MAX_MSGS]);

/* Copies dgram to out with del bytes at body offset at of message m
 * replaced by insert (ins_len bytes, may be NULL when 0), and the message's
 * length, fragment length and record length rewritten to match. Returns the
 * new datagram length, or 0 when the range is not inside the body, the
 * message would outgrow its 24-bit or the record its 16-bit length, or the
 * result does not fit in cap. */
size_t wire_splice(const uint8_t *dgram, size_t len, const struct wire_msg *m, size_t at,
                   size_t del, const uint8_t *insert, size_t ins_len, uint8_t *out, size_t cap);

/* A short name of a handshake message type ("ClientHello", ...). */
const char *wire_msg_name(uint8_t type);

#endif
