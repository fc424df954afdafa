/* tern: a stateless look at a datagram before any connection is chosen.
 *
 * A server reads a datagram from its socket and must decide where it goes
 * before it can look anything up: to an existing connection (by address,
 * or by Connection ID once the peer uses one), to the cookie gate
 * (tern_cookie_check(), for a ClientHello from an unknown peer), or
 * nowhere. tern_dgram_peek() reads the header of the datagram's first
 * record and reports what it says, as ngtcp2_pkt_decode_version_cid() does
 * for QUIC.
 *
 * What it is not: the result is a routing hint, never a trust decision.
 * Nothing is authenticated: anyone can send any header with any epoch,
 * sequence number or Connection ID from any address. A record only counts
 * once the connection it is routed to has opened it (or, for a
 * ClientHello, once the cookie gate has verified it).
 *
 * It allocates nothing, keeps no state, never writes the datagram, and may
 * be called from any number of threads at once. */
#ifndef TERN_PEEK_H
#define TERN_PEEK_H

#include <tern/defs.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The longest Connection ID a record can carry: the connection_id
 * extension holds it as cid<0..2^8-1> (RFC 9146 section 3). */
#define TERN_DGRAM_CID_MAX 255

/* Which record header the first record has. New formats may be added in
 * later versions (DTLS 1.3's unified header, RFC 9147 section 4, is the
 * next); a caller that meets a value it does not know should drop the
 * datagram, as it does on an error. */
enum tern_dgram_format {
    /* The 13-byte header of RFC 6347 section 4.1 (DTLS 1.0 and 1.2, and
     * DTLS 1.3's DTLSPlaintext): type, version, epoch, sequence_number,
     * length. */
    TERN_DGRAM_DTLS12 = 1,
    /* A DTLS 1.2 record with a Connection ID (RFC 9146 section 4): type
     * tls12_cid (25), version, epoch, sequence_number, the CID, length. */
    TERN_DGRAM_DTLS12_CID = 2,
};

/* What the first record's header says. Fields a format does not carry in
 * clear are 0, and so are their *_bits. */
struct tern_dgram_info {
    int format; /* an enum tern_dgram_format */
    /* The content type byte as sent: 20 change_cipher_spec, 21 alert,
     * 22 handshake, 23 application_data, or 25 tls12_cid (the real type of
     * a CID record is inside its protection). */
    uint8_t content_type;
    uint16_t version; /* as sent: 0xfeff DTLS 1.0, 0xfefd DTLS 1.2 */
    /* The epoch and sequence number as the header carries them: their
     * epoch_bits and seq_bits low bits (16 and 48 here, the whole values;
     * DTLS 1.3's unified header carries fewer). */
    uint64_t epoch;
    uint64_t seq;
    unsigned epoch_bits;
    unsigned seq_bits;
    size_t header_len; /* the record's fragment starts at dgram + header_len */
    size_t record_len; /* fragment bytes: header_len + record_len <= len */
    /* The Connection ID (cid_len bytes, as the caller said), pointing into
     * the caller's datagram; NULL and 0 for a record without one. */
    const uint8_t *cid;
    size_t cid_len;
    /* 1 when the record looks like the start of a handshake from a new
     * client: content type handshake, epoch 0, and a fragment whose first
     * byte (the handshake message type) is client_hello (1); else 0. The
     * rest of the message is not parsed: tern_cookie_check() does that. */
    int client_hello;
};

/* Reads the header of the first record of the datagram dgram (len bytes)
 * into *out. Records after the first are not looked at.
 *
 * cid_len is the length of the Connection IDs this endpoint asked its peers
 * to send. Each side chooses the CID it receives and its length is not on
 * the wire (RFC 9146 section 3), so a server that routes by CID gives all
 * of its CIDs one length and passes it here. 0 when it uses none: a
 * tls12_cid record then cannot be read and is an error. Records of the
 * other types are read the same whatever cid_len is.
 *
 * Memory: dgram is only read, and only len bytes of it; out->cid points
 * into dgram and is valid as long as the caller keeps the datagram.
 *
 * Returns TERN_OK, or (with *out zeroed, when out is not NULL), checked in
 * this order:
 *   TERN_ERR_ARG           dgram or out is NULL, or cid_len is above
 *                          TERN_DGRAM_CID_MAX;
 *   TERN_ERR_DECODE        the datagram is empty;
 *   TERN_ERR_UNSUPPORTED   the first byte is that of a DTLS 1.3 unified
 *                          header (0 0 1 C S L E E, RFC 9147 section 4),
 *                          which this version does not read;
 *   TERN_ERR_CONTENT_TYPE  the first byte is no DTLS content type (RFC 7983
 *                          multiplexes STUN, RTP and others on the same
 *                          port by it), or it is tls12_cid and cid_len is 0;
 *   TERN_ERR_DECODE        the header is truncated, or its length runs past
 *                          the end of the datagram;
 *   TERN_ERR_RECORD_OVERFLOW  the length is above 2^14 + 2048 (RFC 5246
 *                          section 6.2.3);
 *   TERN_ERR_PROTOCOL_VERSION  the version's major byte is not 0xfe, which
 *                          every DTLS version has (RFC 6347 section 4.1).
 * Each error means the datagram is not a record to route: drop it, silently
 * (RFC 6347 section 4.1.2.7). */
TERN_API int tern_dgram_peek(const uint8_t *dgram, size_t len, size_t cid_len,
                             struct tern_dgram_info *out);

#ifdef __cplusplus
}
#endif

#endif
