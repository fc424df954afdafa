/* The DTLS 1.2 messages of certificate authentication (RFC 5246 section
 * 7.4, RFC 8422 section 5, RFC 7250 for raw public keys):
 *
 *   Certificate          ASN.1Cert certificate_list<0..2^24-1>, each <1..2^24-1>
 *                        (raw public key: one SubjectPublicKeyInfo in the list)
 *   ServerKeyExchange    ECCurveType curve_type (3); NamedCurve; opaque point<1..2^8-1>;
 *   (ECDHE_ECDSA/RSA)    SignatureScheme; opaque signature<0..2^16-1>
 *   CertificateRequest   ClientCertificateType certificate_types<1..2^8-1>;
 *                        SignatureScheme supported_signature_algorithms<2..2^16-2>;
 *                        DistinguishedName certificate_authorities<0..2^16-1>
 *   CertificateVerify    SignatureScheme; opaque signature<0..2^16-1>
 *   ClientKeyExchange    opaque point<1..2^8-1>  (ECDHE)
 */
#ifndef TERN_HANDSHAKE_MSGS12_CERT_H
#define TERN_HANDSHAKE_MSGS12_CERT_H

#include <stdint.h>

#include "util/reader.h"
#include "util/writer.h"

/* Most certificates tern reads from one Certificate message. */
#define TERN_CERT_MAX_CHAIN 10

/* ClientCertificateType values (RFC 5246 section 7.4.4, RFC 8422 5.5). */
#define TERN_CERT_TYPE_RSA_SIGN   1
#define TERN_CERT_TYPE_ECDSA_SIGN 64

struct tern_certificate12_msg {
    size_t n;
    const uint8_t *der[TERN_CERT_MAX_CHAIN];
    size_t len[TERN_CERT_MAX_CHAIN];
};

/* Parses a Certificate body. Errors: TERN_ERR_DECODE (malformed, an empty
 * entry), TERN_ERR_BAD_CERTIFICATE (more than TERN_CERT_MAX_CHAIN). */
int tern_certificate12_parse(struct tern_reader body, struct tern_certificate12_msg *out);

/* Writes a Certificate body from n DER entries. */
void tern_certificate12_write(struct tern_writer *w, const uint8_t *const *der, const size_t *len,
                              size_t n);

struct tern_ske_ecdhe {
    uint16_t group;
    struct tern_reader point;
    struct tern_reader params; /* curve_type .. point: what the signature covers */
    uint16_t scheme;
    struct tern_reader signature;
};

/* Parses a signed ECDHE ServerKeyExchange body. Errors: TERN_ERR_DECODE,
 * TERN_ERR_ILLEGAL_PARAMETER (curve type other than named_curve). */
int tern_ske_ecdhe_parse(struct tern_reader body, struct tern_ske_ecdhe *out);

/* Writes the ECDHE parameters (without the signature) of a
 * ServerKeyExchange; the caller then writes scheme and signature with
 * tern_digitally_signed_write(). */
void tern_ecdhe_params_write(struct tern_writer *w, uint16_t group, const uint8_t *point,
                             size_t point_len);

/* SignatureScheme and signature<0..2^16-1>. */
void tern_digitally_signed_write(struct tern_writer *w, uint16_t scheme, const uint8_t *sig,
                                 size_t sig_len);

struct tern_cert_request12 {
    struct tern_reader types;       /* 1..255 bytes */
    struct tern_reader schemes;     /* even, 2..65534 bytes */
    struct tern_reader authorities; /* DistinguishedName list, each <1..2^16-1> */
};

/* Parses a CertificateRequest body. Errors: TERN_ERR_DECODE. */
int tern_cert_request12_parse(struct tern_reader body, struct tern_cert_request12 *out);

struct tern_cert_verify12 {
    uint16_t scheme;
    struct tern_reader signature;
};

/* Parses a CertificateVerify body. Errors: TERN_ERR_DECODE. */
int tern_cert_verify12_parse(struct tern_reader body, struct tern_cert_verify12 *out);

/* Parses an ECDHE ClientKeyExchange body. Errors: TERN_ERR_DECODE. */
int tern_cke_ecdhe_parse(struct tern_reader body, struct tern_reader *point);

#endif
