/* The DTLS 1.2 half of the extension table. handshake/ext.h holds the
 * version-neutral half: each extension's code point, the messages it may
 * appear in, and its body codecs. Here, in the shape of OpenBSD's
 * ssl_tlsext.c, each extension tern negotiates in DTLS 1.2 has one row
 * saying, for each role, whether that role sends it in its hello (needs),
 * what its body is (build), and what the role does with the peer's
 * (process). client12.c and server12.c write their hello's extension block
 * and take the peer's through the two walkers below; nothing else in
 * dtls12/ reads or writes an extension. */
#ifndef TERN_DTLS12_EXT12_H
#define TERN_DTLS12_EXT12_H

#include <stddef.h>
#include <stdint.h>

#include "dtls12/hs12.h"
#include "handshake/ext.h"
#include "util/reader.h"
#include "util/writer.h"

/* What one role does with one extension. msg is the hello being built or
 * processed (TERN_EXT_IN_CLIENT_HELLO or TERN_EXT_IN_SERVER_HELLO). */
struct tern_ext12_role {
    /* Whether this role sends the extension in msg. NULL: never. */
    int (*needs)(const struct tern_hs12 *hs, unsigned msg);
    /* Writes its body (extension_data). Builders only read the handshake:
     * a message that outgrew the flight buffer is built again. NULL: an
     * empty body. */
    int (*build)(const struct tern_hs12 *hs, unsigned msg, struct tern_writer *w);
    /* Takes the peer's extension from msg: body is what the peer sent,
     * already accepted by tern_exts_check_bodies(), or NULL when it sent
     * none (an extension this role requires is refused here). NULL:
     * nothing to do either way. */
    int (*process)(struct tern_hs12 *hs, unsigned msg, const struct tern_reader *body);
};

struct tern_ext12 {
    uint8_t index;                 /* enum tern_ext_index */
    struct tern_ext12_role client; /* what a client offers, and does with the server's answer */
    struct tern_ext12_role server; /* what a server answers, and does with the client's offer */
};

/* The rows, in the order both roles process the peer's extensions and a
 * ServerHello lists its own; *n gets their number. */
const struct tern_ext12 *tern_ext12_rows(size_t *n);

/* The order in which a ClientHello lists them, as extension indexes (enum
 * tern_ext_index), one per row; *n gets their number. */
const uint8_t *tern_ext12_client_hello_order(size_t *n);

/* Writes the extension block of our hello msg (the body of Extension
 * extensions<0..2^16-1>, with its length) for hs's role: every row whose
 * needs() says so, in its message's order, as its type and its body; a
 * row is never written into a message handshake/ext.c does not allow it
 * in. A client remembers what it offered (hs->cl.offered_exts) for the
 * ServerHello's check. Errors: those of the builders (none today: an
 * overflow is the writer's, util/writer.h). */
int tern_hs12_exts_build(struct tern_hs12 *hs, unsigned msg, struct tern_writer *w);

/* Takes the extensions the peer sent in msg (parsed by tern_exts_parse(),
 * bodies accepted by tern_exts_check_bodies()) for hs's role. A client
 * first refuses any extension it did not offer (RFC 5246 section 7.4.1.4:
 * unsupported_extension); then every row's process() runs, in table order,
 * with the body or NULL. Errors: TERN_ERR_UNSUPPORTED_EXTENSION, and those
 * of the rows: TERN_ERR_DECODE, TERN_ERR_ILLEGAL_PARAMETER,
 * TERN_ERR_HANDSHAKE_FAILURE (renegotiation_info not empty),
 * TERN_ERR_NO_EXTENDED_MASTER_SECRET, TERN_ERR_UNSUPPORTED_CERTIFICATE (no
 * certificate type in common and no PSK to fall back on). */
int tern_hs12_exts_process(struct tern_hs12 *hs, unsigned msg, const struct tern_exts *e);

#endif
