#include <tern/err.h>

#include <stddef.h>

#include "util/alert.h"

struct err_info {
    int code;
    int alert; /* TLS alert description sent for this error, -1 for none */
    int fatal;
    const char *text;
};

/* One row per error: its text, the alert a handshake failing with it sends
 * (RFC 5246 section 7.2.2), and whether it ends the connection. */
static const struct err_info g_errs[] = {
    {TERN_OK, -1, 0, "success"},
    {TERN_ERR_ARG, -1, 0, "invalid argument"},
    {TERN_ERR_NOMEM, TERN_ALERT_INTERNAL_ERROR, 1, "out of memory"},
    {TERN_ERR_BUFFER, -1, 0, "output buffer too small"},
    {TERN_ERR_DECODE, TERN_ALERT_DECODE_ERROR, 1, "malformed or truncated input"},
    {TERN_ERR_CRYPTO, TERN_ALERT_INTERNAL_ERROR, 1, "cryptographic library failure"},
    {TERN_ERR_UNSUPPORTED, TERN_ALERT_HANDSHAKE_FAILURE, 1, "unsupported algorithm or feature"},
    {TERN_ERR_BAD_RECORD_MAC, -1, 0, "record authentication failed"},
    {TERN_ERR_REPLAY, -1, 0, "replayed or too old record"},
    {TERN_ERR_EPOCH, -1, 0, "record from an epoch that cannot be read"},
    {TERN_ERR_SEQ_EXHAUSTED, -1, 1, "sequence number space exhausted"},
    {TERN_ERR_BAD_KEY_SHARE, TERN_ALERT_ILLEGAL_PARAMETER, 1, "invalid public key from peer"},
    {TERN_ERR_BAD_SIGNATURE, TERN_ALERT_DECRYPT_ERROR, 1, "signature verification failed"},
    {TERN_ERR_RECORD_OVERFLOW, TERN_ALERT_RECORD_OVERFLOW, 1, "record too large"},
    {TERN_ERR_STATE, -1, 0, "call not allowed in the current state"},
    {TERN_ERR_BAD_CREDENTIAL, -1, 0, "unusable key or credential"},
    {TERN_ERR_UNSUPPORTED_EXTENSION, TERN_ALERT_UNSUPPORTED_EXTENSION, 1,
     "peer sent an extension where it is not allowed"},
    {TERN_ERR_ILLEGAL_PARAMETER, TERN_ALERT_ILLEGAL_PARAMETER, 1,
     "peer sent a value that is not allowed"},
    {TERN_ERR_HANDSHAKE_FAILURE, TERN_ALERT_HANDSHAKE_FAILURE, 1,
     "no acceptable parameters in common with the peer"},
    {TERN_ERR_UNEXPECTED_MESSAGE, TERN_ALERT_UNEXPECTED_MESSAGE, 1,
     "message not allowed in the current state"},
    {TERN_ERR_TIMEOUT, -1, 1, "handshake timed out"},
    {TERN_ERR_PEER_ALERT, -1, 1, "peer sent a fatal alert"},
    {TERN_ERR_CLOSED, -1, 1, "connection closed"},
    {TERN_ERR_UNKNOWN_PSK_IDENTITY, TERN_ALERT_UNKNOWN_PSK_IDENTITY, 1,
     "no pre-shared key for the peer's identity"},
    {TERN_ERR_BAD_FINISHED, TERN_ALERT_DECRYPT_ERROR, 1,
     "peer's Finished did not verify (different pre-shared keys?)"},
    {TERN_ERR_NO_EXTENDED_MASTER_SECRET, TERN_ALERT_HANDSHAKE_FAILURE, 1,
     "peer does not support the extended master secret"},
    {TERN_ERR_RENEGOTIATION, TERN_ALERT_NO_RENEGOTIATION, 0, "peer attempted renegotiation"},
    {TERN_ERR_NOTHING_TO_SEND, -1, 0, "nothing to send until more input arrives or a timer fires"},
    {TERN_ERR_ABORTED, TERN_ALERT_USER_CANCELED, 1, "handshake aborted by the application"},
    {TERN_ERR_CERT_EXPIRED, TERN_ALERT_CERTIFICATE_EXPIRED, 1,
     "peer certificate expired or not yet valid"},
    {TERN_ERR_UNKNOWN_CA, TERN_ALERT_UNKNOWN_CA, 1, "peer certificate issued by an unknown CA"},
    {TERN_ERR_BAD_CERTIFICATE, TERN_ALERT_BAD_CERTIFICATE, 1, "peer certificate is bad"},
    {TERN_ERR_UNSUPPORTED_CERTIFICATE, TERN_ALERT_UNSUPPORTED_CERTIFICATE, 1,
     "peer certificate type or key not usable"},
    {TERN_ERR_CERT_UNKNOWN, TERN_ALERT_CERTIFICATE_UNKNOWN, 1, "peer certificate not accepted"},
    {TERN_ERR_NO_CERTIFICATE, TERN_ALERT_HANDSHAKE_FAILURE, 1, "peer sent no certificate"},
    {TERN_ERR_ALERT_FLOOD, TERN_ALERT_UNEXPECTED_MESSAGE, 1,
     "peer sent too many warning alerts in a row"},
    {TERN_ERR_PROTOCOL_VERSION, TERN_ALERT_PROTOCOL_VERSION, 1,
     "peer's protocol version is not supported"},
    {TERN_ERR_NO_SERVER_NAME, -1, 0,
     "certificate verification needs the server's name (or TERN_FLAG_NO_NAME_CHECK)"},
    {TERN_ERR_COOKIE, -1, 0, "no ClientHello with a cookie verified for this peer"},
    {TERN_ERR_REENTRANT, -1, 0, "call not allowed from the connection's own callback"},
    {TERN_ERR_CONTENT_TYPE, -1, 0,
     "record of an unknown content type, or a CID record without a CID length"},
    {TERN_ERR_NO_APPLICATION_PROTOCOL, TERN_ALERT_NO_APPLICATION_PROTOCOL, 1,
     "no application protocol (ALPN) in common with the peer"},
};

static const struct err_info *lookup(int err)
{
    for (size_t i = 0; i < sizeof(g_errs) / sizeof(g_errs[0]); i++) {
        if (g_errs[i].code == err) {
            return &g_errs[i];
        }
    }
    return NULL;
}

const char *tern_strerror(int err)
{
    const struct err_info *e = lookup(err);
    return e == NULL ? "unknown error" : e->text;
}

int tern_err_alert(int err)
{
    const struct err_info *e = lookup(err);
    return e == NULL ? TERN_ALERT_INTERNAL_ERROR : e->alert;
}

int tern_err_is_fatal(int err)
{
    const struct err_info *e = lookup(err);
    return e == NULL ? err < 0 : e->fatal;
}
