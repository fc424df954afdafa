/* X.509 certificates and trust: parsing chains, path validation through
 * libcrypto's verifier with every failure collected as a reason with its
 * depth, host name and IP address checks (RFC 6125 through libcrypto's
 * X509_check_host/ip), and the CA names a server asks for. */
#ifndef TERN_CRYPTO_X509_H
#define TERN_CRYPTO_X509_H

#include <stddef.h>
#include <stdint.h>

#include <tern/verify.h>

#include "crypto/sig.h"

/* A certificate chain, leaf first. Opaque. */
struct tern_x509_chain;

/* Parses every certificate of a PEM text, or one DER certificate, leaf first.
 * Errors: TERN_ERR_ARG, TERN_ERR_BAD_CREDENTIAL (nothing parsed, or garbage),
 * TERN_ERR_NOMEM. */
int tern_x509_chain_parse(const uint8_t *data, size_t len, struct tern_x509_chain **out);

/* Certificates received lately, decoded, by their bytes as received
 * (x509.c says why: decoding one costs more than verifying it). Owned by a
 * configuration's credentials; safe to share between threads. Opaque. */
struct tern_x509_cache;

/* Errors: TERN_ERR_ARG, TERN_ERR_NOMEM. */
int tern_x509_cache_new(struct tern_x509_cache **out);

/* Frees the cache and its certificates (NULL is fine). No chain built
 * through it depends on it: each holds its own references. */
void tern_x509_cache_free(struct tern_x509_cache *c);

/* Builds a chain from n DER certificates as received (leaf first), through
 * cache (NULL: none). A certificate that does not decode, or trailing bytes
 * after one, fail. Errors: TERN_ERR_BAD_CREDENTIAL, TERN_ERR_NOMEM. */
int tern_x509_chain_from_der(struct tern_x509_cache *cache, const uint8_t *const *der,
                             const size_t *len, size_t n, struct tern_x509_chain **out);

size_t tern_x509_chain_count(const struct tern_x509_chain *c);

/* The DER of certificate i (borrowed; valid while the chain lives). */
const uint8_t *tern_x509_chain_der(const struct tern_x509_chain *c, size_t i, size_t *len);

/* The leaf's public key. Errors: TERN_ERR_BAD_CREDENTIAL (unsupported key
 * type), TERN_ERR_NOMEM. */
int tern_x509_chain_leaf_key(const struct tern_x509_chain *c, struct tern_pkey **out);

/* Whether the leaf's public key matches a private key (1) or not (0). */
int tern_x509_chain_matches_key(const struct tern_x509_chain *c, const struct tern_pkey *key);

void tern_x509_chain_free(struct tern_x509_chain *c);

/* What a name given for a peer is. */
enum tern_x509_name_kind {
    TERN_X509_NAME_DNS = 1, /* a DNS host name */
    TERN_X509_NAME_IP,      /* an IPv4 (dotted quad) or IPv6 address literal */
    /* text that looks like an address but is none (only digits and dots,
     * or a colon: RFC 1123 section 2.1 keeps the first from host names,
     * and a colon is in none); no certificate can name it */
    TERN_X509_NAME_NOT_AN_ADDRESS,
};

/* Which kind of name name is (a non-empty string). An address literal is
 * exactly what inet_pton() reads: a dotted quad, or IPv6 text without a
 * zone or brackets. */
enum tern_x509_name_kind tern_x509_name_kind(const char *name);

/* Whether the leaf is for host, a DNS name, among its subjectAltName DNS
 * names as RFC 9525 says: never the subject's common name, a wildcard only
 * as the whole left-most label and for one label (section 6.3). An address
 * or anything else that is no DNS name matches nothing: this picks a chain
 * by a client's server_name, which never holds an address (RFC 6066
 * section 3). 1 or 0. */
int tern_x509_chain_matches_host(const struct tern_x509_chain *c, const char *host);

/* Whether some certificate of the chain was issued by, or is, one of the
 * DER distinguished names in names (the certificate_authorities vector of a
 * CertificateRequest: each name with a 16-bit length): 1 or 0. */
int tern_x509_chain_issued_by_any(const struct tern_x509_chain *c, const uint8_t *names,
                                  size_t len);

/* A set of trust anchors. Opaque. */
struct tern_trust;

int tern_trust_new(struct tern_trust **out);
void tern_trust_free(struct tern_trust *t);

/* Adds every certificate of a PEM text (or one DER certificate) as a trust
 * anchor. Errors: TERN_ERR_BAD_CREDENTIAL, TERN_ERR_NOMEM. */
int tern_trust_add(struct tern_trust *t, const uint8_t *data, size_t len);

/* Adds a hashed CA directory (c_rehash layout, looked up during
 * verification) or the system's default store (the CA bundle of Debian's
 * ca-certificates). Errors: TERN_ERR_BAD_CREDENTIAL. */
int tern_trust_add_dir(struct tern_trust *t, const char *dir);
int tern_trust_add_system(struct tern_trust *t);

/* The DER-encoded subject names of the anchors added with tern_trust_add,
 * concatenated each with a 16-bit length (the certificate_authorities
 * vector of RFC 5246 section 7.4.4), into out. Errors: TERN_ERR_BUFFER. */
int tern_trust_ca_names(const struct tern_trust *t, uint8_t *out, size_t cap, size_t *len);

/* What the leaf is checked for. Either way its key must be allowed to
 * sign (a keyUsage extension, when present, must list digitalSignature):
 * tern's suites authenticate both sides by signatures. */
enum tern_x509_purpose {
    TERN_X509_SERVER = 1, /* the peer is a server (TLS web server authentication) */
    TERN_X509_CLIENT = 2,
};

struct tern_x509_check {
    int purpose; /* enum tern_x509_purpose */
    /* DNS name to match (as tern_x509_chain_matches_host says), or NULL */
    const char *host;
    /* IP address (text) to match, or NULL; text that is no address (see
     * TERN_X509_NAME_NOT_AN_ADDRESS) is a host mismatch */
    const char *ip;
    int max_depth;   /* certificates allowed above the leaf, 0: libcrypto's default */
    int64_t at_time; /* UNIX time to check validity at, 0: now */
    /* libcrypto's security level (0..5) that keys and signature digests
     * must reach, else TERN_VERIFY_WEAK_KEY; 0 asks nothing */
    int security_level;
};

/* Verifies chain against the anchors of t. Every problem found is written
 * to errs (duplicates folded) and *n_errs says how many were written; a
 * chain with no problem returns TERN_OK with *n_errs = 0. When more than
 * max_errs (at least 1) problems are found, the last place holds
 * TERN_VERIFY_TOO_MANY_PROBLEMS (depth -1) instead of a problem, so that
 * the list never looks complete when it is not. Returns an error only when
 * verification could not run (TERN_ERR_NOMEM, TERN_ERR_ARG). */
int tern_x509_verify(const struct tern_trust *t, const struct tern_x509_chain *chain,
                     const struct tern_x509_check *check, struct tern_verify_error *errs,
                     size_t max_errs, size_t *n_errs);

#endif
