/* Fuzz target: the certificate messages of DTLS 1.2. Byte 0 picks the
 * message (Certificate, ServerKeyExchange for ECDHE, CertificateRequest,
 * CertificateVerify, ECDHE ClientKeyExchange, and a Certificate turned into
 * an X.509 chain); the rest is its body. */
#include <stdint.h>
#include <stdlib.h>

#include "crypto/x509.h"
#include "dtls12/msgs12_cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    struct tern_reader body;
    tern_r_init(&body, data + 1, size - 1);
    switch (data[0] % 6) {
    case 0: {
        struct tern_certificate12_msg m;
        if (tern_certificate12_parse(body, &m) == 0) {
            for (size_t i = 0; i < m.n; i++) {
                if (m.len[i] == 0 || m.der[i] < data || m.der[i] + m.len[i] > data + size) {
                    abort();
                }
            }
        }
        break;
    }
    case 1: {
        struct tern_ske_ecdhe s;
        if (tern_ske_ecdhe_parse(body, &s) == 0 && (s.point.len == 0 || s.params.len < 4)) {
            abort();
        }
        break;
    }
    case 2: {
        struct tern_cert_request12 r;
        if (tern_cert_request12_parse(body, &r) == 0 && (r.types.len == 0 || r.schemes.len % 2)) {
            abort();
        }
        break;
    }
    case 3: {
        struct tern_cert_verify12 v;
        (void)tern_cert_verify12_parse(body, &v);
        break;
    }
    case 4: {
        struct tern_reader point;
        if (tern_cke_ecdhe_parse(body, &point) == 0 && point.len == 0) {
            abort();
        }
        break;
    }
    default: {
        /* A Certificate all the way to libcrypto's decoder. */
        struct tern_certificate12_msg m;
        if (tern_certificate12_parse(body, &m) == 0) {
            struct tern_x509_chain *c = NULL;
            if (tern_x509_chain_from_der(NULL, m.der, m.len, m.n, &c) == 0) {
                struct tern_pkey *k = NULL;
                if (tern_x509_chain_leaf_key(c, &k) == 0) {
                    tern_pkey_free(k);
                }
            }
            tern_x509_chain_free(c);
        }
        break;
    }
    }
    return 0;
}
