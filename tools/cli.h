/* Shared pieces of the tern command-line tool. */
#ifndef TERN_TOOLS_CLI_H
#define TERN_TOOLS_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <tern/tern.h>

/* Options common to client and server. */
struct cli_opts {
    const char *psk;     /* IDENTITY:HEXKEY */
    const char *ciphers; /* colon-separated IANA names */
    const char *keylog;  /* file, or NULL (then SSLKEYLOGFILE) */
    size_t mtu;          /* 0: default */
    double timeout;      /* client: seconds for the handshake */
    int no_cookie;
    int echo;
    const char *bind;          /* server: ADDR:PORT */
    const char *target;        /* client: HOST:PORT */
    const char *cert;          /* certificate chain file (PEM) */
    const char *key;           /* its private key file */
    const char *ca;            /* trust anchors file (PEM) */
    const char *servername;    /* client: name to verify (default: HOST) */
    const char *verify_client; /* server: none, optional, require */
    int insecure;              /* client: accept any certificate */
    int no_name_check;         /* client: verify the certificate but not the name */
    int rpk;                   /* --key is a raw public key pair (RFC 7250) */
    const char *peer_keys[16]; /* raw public keys accepted from the peer */
    size_t n_peer_keys;
    const char *alpn; /* ALPN protocols, comma-separated, most preferred first */
    const char *log;  /* error, warning, info or debug: the library's log on stderr */
};

/* Prints every reason the peer's certificate was refused. */
void cli_print_verify_errors(struct tern_conn *c);

/* Monotonic time in nanoseconds. */
uint64_t cli_now(void);

/* Applies --psk, --ciphers, --mtu and the key log to cfg. Prints the reason
 * and returns -1 on a bad option. */
int cli_configure(struct tern_config *cfg, const struct cli_opts *o, FILE **keylog_file);

/* What ALPN gave c, for the line that reports a session: ", ALPN NAME",
 * or ", no ALPN protocol" when this side asked for one (asked) and none was
 * agreed, else "". Writes into buf (cap bytes) and returns it. */
const char *cli_alpn_note(const struct tern_conn *c, int asked, char *buf, size_t cap);

/* Resolves "HOST:PORT" (or "[V6]:PORT") for UDP. Returns 0 or -1 (printed). */
int cli_resolve(const char *hostport, int passive, struct sockaddr_storage *addr,
                socklen_t *addr_len);

/* Sends every datagram the connection wants sent on fd (connected if to is
 * NULL). Returns how many it sent, or -1. */
int cli_flush(struct tern_conn *c, int fd, const struct sockaddr *to, socklen_t to_len);

int cli_client(const struct cli_opts *o);
int cli_server(const struct cli_opts *o);

#endif
