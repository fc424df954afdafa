/* tern: the command-line tool: a DTLS client and server over UDP, the self
 * test, and the version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tern/tern.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: tern <command> [options]\n"
                 "\n"
                 "commands:\n"
                 "  client HOST:PORT [--psk IDENTITY:HEXKEY] [--ciphers LIST] [--mtu N]\n"
                 "               [--keylog FILE] [--timeout SECONDS]\n"
                 "               [--ca FILE] [--servername NAME] [--cert FILE --key FILE]\n"
                 "               [--no-name-check] [--insecure] [--rpk --key FILE]\n"
                 "               [--peer-key FILE]... [--alpn PROTO,PROTO...] [--log LEVEL]\n"
                 "               handshake, send each stdin line as one datagram, print each\n"
                 "               datagram received; after end of input wait 1 s for replies,\n"
                 "               send close_notify and exit 0 (non-zero with the reason on\n"
                 "               failure); once connected it reports the suite (and, with\n"
                 "               --alpn, the protocol agreed), then the handshake's duration\n"
                 "               and datagrams sent and received, on stderr\n"
                 "  server --bind ADDR:PORT [--psk IDENTITY:HEXKEY] [--ciphers LIST]\n"
                 "               [--no-cookie] [--echo] [--keylog FILE] [--mtu N]\n"
                 "               [--cert FILE --key FILE] [--ca FILE]\n"
                 "               [--verify-client none|optional|require]\n"
                 "               [--rpk --key FILE] [--peer-key FILE]...\n"
                 "               [--alpn PROTO,PROTO...] [--log LEVEL]\n"
                 "               serve one peer at a time: echo each datagram back (--echo)\n"
                 "               or print it; runs until SIGINT or SIGTERM\n"
                 "  selftest     run the known-answer tests of every primitive and a record\n"
                 "               round trip, printing each result\n"
                 "\n"
                 "LIST is colon-separated IANA names, e.g. TLS_PSK_WITH_AES_128_CCM_8.\n"
                 "A client checks the server's certificate against --ca and the name it\n"
                 "connects to (or --servername); on failure it prints each reason. A\n"
                 "name is sent to the server (server_name); an address (127.0.0.1, [::1])\n"
                 "is not, and must be among the certificate's IP addresses.\n"
                 "--no-name-check still verifies the certificate against --ca but not\n"
                 "that it names the server (for servers known only by their CA, such as\n"
                 "devices of a private PKI with nameless certificates).\n"
                 "--insecure turns verification off and is for tests only.\n"
                 "--rpk sends the public key of --key instead of a certificate (RFC 7250);\n"
                 "--peer-key (repeatable) lists the raw public keys accepted from the peer.\n"
                 "--alpn lists application protocols (RFC 7301), most preferred first; a\n"
                 "server picks its most preferred one that the client offers and refuses\n"
                 "a client with none in common (alert no_application_protocol); a client\n"
                 "whose server does not answer goes on without one.\n"
                 "--log error|warning|info|debug prints what the connection does on stderr,\n"
                 "one line each: failures with their alert, alerts received, state changes,\n"
                 "retransmissions and every dropped record with the reason.\n"
                 "SSLKEYLOGFILE in the environment works like --keylog. The key log is\n"
                 "created readable by its owner alone (0600); one others can read is refused.\n"
                 "  --version    print the library version\n"
                 "  --help       print this help\n");
}

static void report(void *arg, const char *name, int result)
{
    int *count = arg;
    (*count)++;
    if (result == TERN_OK) {
        printf("  ok    %s\n", name);
    } else {
        printf("  FAIL  %s: %s\n", name, tern_strerror(result));
    }
}

static int cmd_selftest(void)
{
    int count = 0;
    printf("tern %s self test (libcrypto primitives through tern's provider):\n", tern_version());
    int rc = tern_self_test(report, &count);
    if (rc != TERN_OK) {
        printf("self test FAILED: %s\n", tern_strerror(rc));
        return 1;
    }
    printf("all %d self tests passed\n", count);
    return 0;
}

/* Parses the options of client and server; returns the command's status. */
static int run_peer(int is_client, int argc, char **argv)
{
    struct cli_opts o;
    memset(&o, 0, sizeof(o));
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (strcmp(a, "--psk") == 0 && v != NULL) {
            o.psk = v;
        } else if (strcmp(a, "--ciphers") == 0 && v != NULL) {
            o.ciphers = v;
        } else if (strcmp(a, "--keylog") == 0 && v != NULL) {
            o.keylog = v;
        } else if (strcmp(a, "--mtu") == 0 && v != NULL) {
            o.mtu = (size_t)strtoul(v, NULL, 10);
        } else if (strcmp(a, "--cert") == 0 && v != NULL) {
            o.cert = v;
        } else if (strcmp(a, "--key") == 0 && v != NULL) {
            o.key = v;
        } else if (strcmp(a, "--rpk") == 0) {
            o.rpk = 1;
            takes = 0;
        } else if (strcmp(a, "--peer-key") == 0 && v != NULL && o.n_peer_keys < 16) {
            o.peer_keys[o.n_peer_keys++] = v;
        } else if (strcmp(a, "--alpn") == 0 && v != NULL) {
            o.alpn = v;
        } else if (strcmp(a, "--log") == 0 && v != NULL) {
            o.log = v;
        } else if (strcmp(a, "--ca") == 0 && v != NULL) {
            o.ca = v;
        } else if (is_client && strcmp(a, "--servername") == 0 && v != NULL) {
            o.servername = v;
        } else if (is_client && strcmp(a, "--insecure") == 0) {
            o.insecure = 1;
            takes = 0;
        } else if (is_client && strcmp(a, "--no-name-check") == 0) {
            o.no_name_check = 1;
            takes = 0;
        } else if (!is_client && strcmp(a, "--verify-client") == 0 && v != NULL) {
            o.verify_client = v;
        } else if (is_client && strcmp(a, "--timeout") == 0 && v != NULL) {
            o.timeout = strtod(v, NULL);
        } else if (!is_client && strcmp(a, "--bind") == 0 && v != NULL) {
            o.bind = v;
        } else if (!is_client && strcmp(a, "--no-cookie") == 0) {
            o.no_cookie = 1;
            takes = 0;
        } else if (!is_client && strcmp(a, "--echo") == 0) {
            o.echo = 1;
            takes = 0;
        } else if (is_client && a[0] != '-' && o.target == NULL) {
            o.target = a;
            takes = 0;
        } else {
            fprintf(stderr, "tern %s: unknown or incomplete option '%s'\n",
                    is_client ? "client" : "server", a);
            usage(stderr);
            return 2;
        }
        i += takes;
    }
    return is_client ? cli_client(&o) : cli_server(&o);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("tern %s\n", tern_version());
        return 0;
    }
    if (strcmp(cmd, "selftest") == 0) {
        return cmd_selftest();
    }
    if (strcmp(cmd, "client") == 0 || strcmp(cmd, "server") == 0) {
        return run_peer(cmd[0] == 'c', argc - 2, argv + 2);
    }
    fprintf(stderr, "tern: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
