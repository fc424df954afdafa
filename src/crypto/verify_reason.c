#include <tern/verify.h>

const char *tern_verify_reason_string(enum tern_verify_reason reason)
{
    switch (reason) {
    case TERN_VERIFY_EXPIRED:
        return "certificate has expired";
    case TERN_VERIFY_NOT_YET_VALID:
        return "certificate is not yet valid";
    case TERN_VERIFY_UNKNOWN_ISSUER:
        return "issuer certificate is unknown";
    case TERN_VERIFY_SELF_SIGNED:
        return "certificate is self-signed and not trusted";
    case TERN_VERIFY_UNTRUSTED_ROOT:
        return "chain ends in an untrusted root";
    case TERN_VERIFY_HOSTNAME_MISMATCH:
        return "certificate does not match the host name or address";
    case TERN_VERIFY_BAD_SIGNATURE:
        return "certificate signature does not verify";
    case TERN_VERIFY_INVALID_PURPOSE:
        return "certificate is not allowed for this purpose";
    case TERN_VERIFY_CHAIN_TOO_LONG:
        return "certificate chain is too long";
    case TERN_VERIFY_NO_CERTIFICATE:
        return "peer sent no certificate";
    case TERN_VERIFY_REVOKED:
        return "certificate has been revoked";
    case TERN_VERIFY_NOT_A_CA:
        return "an issuer is not a certificate authority";
    case TERN_VERIFY_PATH_LENGTH:
        return "path length constraint exceeded";
    case TERN_VERIFY_WEAK_KEY:
        return "key or digest too weak";
    case TERN_VERIFY_MALFORMED:
        return "certificate is malformed";
    case TERN_VERIFY_KEY_NOT_ALLOWED:
        return "raw public key is not in the allowed list";
    case TERN_VERIFY_REJECTED:
        return "rejected by the application";
    case TERN_VERIFY_OTHER:
        return "certificate verification failed";
    case TERN_VERIFY_TOO_MANY_PROBLEMS:
        return "more problems than listed: never accepted";
    case TERN_VERIFY_NAME_CONSTRAINTS:
        return "a name is outside an issuer's name constraints";
    default:
        return "unknown verification reason";
    }
}
