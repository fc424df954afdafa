/* tern: why a peer's certificate (or raw public key) was not accepted.
 *
 * Verification reports every problem it finds, each with the depth of the
 * certificate it concerns (0: the peer's own certificate, 1: its issuer,
 * ...), so that an application can show them (Qt's peerVerificationErrors,
 * QtSSLSocket's certCheckFailed reasons, GLib's GTlsCertificateFlags) and,
 * if it chooses, accept exactly those reasons and no others. The values are
 * stable: new reasons are only appended.
 *
 * The list holds at most 8 problems per handshake. When verification finds
 * more, the eighth place holds TERN_VERIFY_TOO_MANY_PROBLEMS instead, and
 * such a chain is never accepted by a decision: not by a verify callback
 * that returns 1, not by ignoring every listed reason and resuming (only
 * TERN_FLAG_INSECURE_NO_VERIFY, for tests, still accepts it). libcrypto
 * reports the dates of every certificate before a leaf's signature or its
 * name constraints, so what did not fit may well be worse than what did. */
#ifndef TERN_VERIFY_H
#define TERN_VERIFY_H

#include <tern/defs.h>

#ifdef __cplusplus
extern "C" {
#endif

enum tern_verify_reason {
    TERN_VERIFY_EXPIRED = 1,       /* notAfter is in the past */
    TERN_VERIFY_NOT_YET_VALID,     /* notBefore is in the future */
    TERN_VERIFY_UNKNOWN_ISSUER,    /* no issuer certificate found for it */
    TERN_VERIFY_SELF_SIGNED,       /* the peer's certificate signs itself and is not trusted */
    TERN_VERIFY_UNTRUSTED_ROOT,    /* the chain ends in a self-signed root that is not trusted */
    TERN_VERIFY_HOSTNAME_MISMATCH, /* the name or address asked for is not in the certificate */
    TERN_VERIFY_BAD_SIGNATURE,     /* a signature in the chain does not verify */
    TERN_VERIFY_INVALID_PURPOSE,   /* key usage or extended key usage forbids this use */
    TERN_VERIFY_CHAIN_TOO_LONG,    /* more certificates than the configured depth */
    TERN_VERIFY_NO_CERTIFICATE,    /* the peer sent no certificate where one is required */
    TERN_VERIFY_REVOKED,           /* a revocation list says so */
    TERN_VERIFY_NOT_A_CA,          /* an issuer is not allowed to issue certificates */
    TERN_VERIFY_PATH_LENGTH,       /* a pathLenConstraint is exceeded */
    TERN_VERIFY_WEAK_KEY,          /* a key or digest too weak for the security level
                                      (tern_config_set_security_level) */
    TERN_VERIFY_MALFORMED,         /* a certificate could not be decoded or has invalid fields */
    TERN_VERIFY_KEY_NOT_ALLOWED,   /* a raw public key that is not in the allowed list */
    TERN_VERIFY_REJECTED,          /* the application's decision callback refused it */
    TERN_VERIFY_OTHER,             /* anything else libcrypto reports */
    /* more problems were found than the list holds: this one (depth -1)
     * takes the last place, and no decision can accept the chain */
    TERN_VERIFY_TOO_MANY_PROBLEMS,
    /* a name in a certificate is outside what an issuer's name constraints
     * permit, or a constraint cannot be checked (RFC 5280 section 4.2.1.10) */
    TERN_VERIFY_NAME_CONSTRAINTS,
};

/* One problem: what, and at which depth of the chain (-1: not tied to one
 * certificate, e.g. no certificate at all). */
struct tern_verify_error {
    enum tern_verify_reason reason;
    int depth;
};

/* A short, static, human-readable description ("certificate has expired"). */
TERN_API const char *tern_verify_reason_string(enum tern_verify_reason reason);

#ifdef __cplusplus
}
#endif

#endif
