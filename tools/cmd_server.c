/* tern server --bind ADDR:PORT: serves one peer at a time. New peers pass
 * the stateless cookie gate before any state exists for them. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

struct server_run {
    int fd;
    int echo;
    int alpn; /* --alpn was given */
    struct tern_config *cfg;
    struct tern_cookie *gate;
    struct tern_conn *conn;
    struct sockaddr_storage peer;
    socklen_t peer_len;
};

static void on_data(void *arg, const uint8_t *data, size_t len)
{
    struct server_run *s = arg;
    if (!s->echo) {
        fwrite(data, 1, len, stdout);
        if (len == 0 || data[len - 1] != '\n') {
            fputc('\n', stdout);
        }
        fflush(stdout);
        return;
    }
    uint8_t out[16384 + 256];
    ptrdiff_t n = tern_conn_write(s->conn, data, len, out, sizeof(out));
    if (n > 0) {
        sendto(s->fd, out, (size_t)n, 0, (struct sockaddr *)&s->peer, s->peer_len);
    }
}

static void end_session(struct server_run *s, const char *why)
{
    if (why != NULL) {
        fprintf(stderr, "tern: session ended: %s\n", why);
    }
    tern_conn_free(s->conn);
    s->conn = NULL;
}

static int same_peer(const struct server_run *s, const struct sockaddr_storage *a, socklen_t len)
{
    return len == s->peer_len && memcmp(a, &s->peer, len) == 0;
}

/* A datagram from a peer we have no session with: only a ClientHello with a
 * valid cookie (or any ClientHello with --no-cookie) creates one, which has
 * then taken the datagram (*taken). Returns the new connection or NULL. */
static struct tern_conn *new_peer(struct server_run *s, uint8_t *buf, size_t len,
                                  const struct sockaddr_storage *from, socklen_t from_len,
                                  int *taken)
{
    struct tern_conn *c = NULL;
    *taken = 0;
    if (s->gate == NULL) {
        return tern_conn_new(&c, s->cfg) == TERN_OK ? c : NULL;
    }
    uint8_t hvr[128];
    size_t hvr_len = 0;
    int v = tern_cookie_check(s->gate, buf, len, from, from_len, hvr, sizeof(hvr), &hvr_len);
    if (v == TERN_COOKIE_SEND) {
        sendto(s->fd, hvr, hvr_len, 0, (const struct sockaddr *)from, from_len);
        return NULL;
    }
    if (v != TERN_COOKIE_VERIFIED) {
        return NULL;
    }
    /* A ClientHello that fails the handshake still makes a connection, in
     * the failed state, whose alert goes back. */
    tern_conn_accept(&c, s->cfg, s->gate, cli_now(), buf, len, from, from_len);
    *taken = c != NULL;
    return c;
}

/* Makes c, new from peer from, the session. */
static void adopt(struct server_run *s, struct tern_conn *c, const struct sockaddr_storage *from,
                  socklen_t from_len)
{
    s->conn = c;
    memcpy(&s->peer, from, from_len);
    s->peer_len = from_len;
}

static void handle(struct server_run *s, uint8_t *buf, size_t len,
                   const struct sockaddr_storage *from, socklen_t from_len)
{
    enum tern_state before = tern_conn_state(s->conn);
    int taken = 0;
    if (s->conn == NULL) {
        struct tern_conn *c = new_peer(s, buf, len, from, from_len, &taken);
        if (c == NULL) {
            return;
        }
        adopt(s, c, from, from_len);
        before = TERN_STATE_IDLE;
    } else if (!same_peer(s, from, from_len)) {
        /* One peer at a time: an established session keeps the server. A
         * handshake that has not completed does not: a peer that failed it
         * (a wrong PSK makes its Finished undecryptable, and DTLS drops such
         * records silently, RFC 6347 section 4.1.2.7) would otherwise hold
         * the server until the retransmissions run out, about a minute. A
         * new peer whose ClientHello passes the cookie gate (its address is
         * real) replaces it; with --no-cookie nothing proves that, so
         * nothing does. */
        if (s->gate == NULL || tern_conn_state(s->conn) == TERN_STATE_ESTABLISHED) {
            return;
        }
        struct tern_conn *c = new_peer(s, buf, len, from, from_len, &taken);
        if (c == NULL) {
            return;
        }
        end_session(s, "handshake abandoned for a new peer");
        adopt(s, c, from, from_len);
        before = TERN_STATE_IDLE;
    }
    if (!taken) {
        tern_conn_receive(s->conn, cli_now(), buf, len, on_data, s);
    }
    cli_flush(s->conn, s->fd, (struct sockaddr *)&s->peer, s->peer_len);
    enum tern_state now = tern_conn_state(s->conn);
    if (before != TERN_STATE_ESTABLISHED && now == TERN_STATE_ESTABLISHED) {
        size_t id_len = 0;
        const uint8_t *id = tern_conn_psk_identity(s->conn, &id_len);
        char alpn[TERN_ALPN_NAME_MAX_LEN + 32];
        cli_alpn_note(s->conn, s->alpn, alpn, sizeof(alpn));
        if (id != NULL) {
            fprintf(stderr, "tern: session with PSK identity '%.*s', DTLS 1.2, %s%s\n", (int)id_len,
                    (const char *)id, tern_conn_suite_name(s->conn), alpn);
        } else {
            size_t cert_len = 0;
            int client_cert = tern_conn_peer_certificate(s->conn, 0, &cert_len) != NULL;
            fprintf(stderr, "tern: session, DTLS 1.2, %s%s%s\n", tern_conn_suite_name(s->conn),
                    client_cert ? ", client certificate verified" : "", alpn);
        }
    }
    if (now == TERN_STATE_CLOSED) {
        end_session(s, "peer sent close_notify");
    } else if (now == TERN_STATE_FAILED) {
        cli_print_verify_errors(s->conn);
        end_session(s, tern_strerror(tern_conn_error(s->conn)));
    }
}

static void serve(struct server_run *s)
{
    while (!g_stop) {
        uint64_t deadline = s->conn != NULL ? tern_conn_deadline(s->conn) : UINT64_MAX;
        uint64_t now = cli_now();
        int wait_ms = deadline == UINT64_MAX ? 500
                      : deadline <= now      ? 0
                                             : (int)((deadline - now) / 1000000 + 1);
        if (wait_ms > 500) {
            wait_ms = 500;
        }
        struct pollfd pfd = {s->fd, POLLIN, 0};
        int ready = poll(&pfd, 1, wait_ms);
        if (ready > 0 && (pfd.revents & POLLIN)) {
            uint8_t buf[16384 + 256];
            struct sockaddr_storage from;
            socklen_t from_len = sizeof(from);
            memset(&from, 0, sizeof(from));
            ssize_t n = recvfrom(s->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &from_len);
            if (n >= 0) {
                handle(s, buf, (size_t)n, &from, from_len);
            }
        }
        if (s->conn != NULL && cli_now() >= tern_conn_deadline(s->conn)) {
            tern_conn_timeout(s->conn, cli_now());
            cli_flush(s->conn, s->fd, (struct sockaddr *)&s->peer, s->peer_len);
            if (tern_conn_state(s->conn) == TERN_STATE_FAILED) {
                end_session(s, tern_strerror(tern_conn_error(s->conn)));
            }
        }
    }
}

/* Prints the bound address with its real port (port 0 asks the system). */
static void print_listening(int fd, int echo)
{
    struct sockaddr_storage a;
    socklen_t len = sizeof(a);
    char host[256];
    char port[32];
    if (getsockname(fd, (struct sockaddr *)&a, &len) != 0 ||
        getnameinfo((struct sockaddr *)&a, len, host, sizeof(host), port, sizeof(port),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        return;
    }
    fprintf(stderr,
            a.ss_family == AF_INET6 ? "tern: listening on [%s]:%s%s\n"
                                    : "tern: listening on %s:%s%s\n",
            host, port, echo ? " (echo)" : "");
}

int cli_server(const struct cli_opts *o)
{
    struct sockaddr_storage addr;
    socklen_t addr_len = 0;
    if (o->bind == NULL) {
        fprintf(stderr, "tern server: missing --bind ADDR:PORT\n");
        return 2;
    }
    if (cli_resolve(o->bind, 1, &addr, &addr_len) < 0) {
        return 1;
    }
    struct server_run s;
    memset(&s, 0, sizeof(s));
    s.fd = -1;
    s.echo = o->echo;
    s.alpn = o->alpn != NULL;
    FILE *keylog = NULL;
    int status = 1;
    if (tern_config_new(&s.cfg, TERN_ROLE_SERVER) != TERN_OK ||
        cli_configure(s.cfg, o, &keylog) < 0) {
        goto out;
    }
    /* The gate answers new peers, and verified ones become connections
     * (tern_conn_accept); --no-cookie turns that off by name. */
    if (o->no_cookie) {
        tern_config_set_cookie_mode(s.cfg, TERN_COOKIES_INSECURE_OFF);
    } else if (tern_cookie_new(&s.gate, NULL, 0) != TERN_OK) {
        goto out;
    }
    s.fd = socket(addr.ss_family, SOCK_DGRAM, 0);
    if (s.fd < 0 || bind(s.fd, (struct sockaddr *)&addr, addr_len) < 0) {
        fprintf(stderr, "tern: bind %s: %s\n", o->bind, strerror(errno));
        goto out;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    print_listening(s.fd, o->echo);
    serve(&s);
    if (s.conn != NULL) {
        tern_conn_shutdown(s.conn);
        cli_flush(s.conn, s.fd, (struct sockaddr *)&s.peer, s.peer_len);
    }
    status = 0;
out:
    tern_conn_free(s.conn);
    tern_cookie_free(s.gate);
    tern_config_free(s.cfg);
    if (s.fd >= 0) {
        close(s.fd);
    }
    if (keylog != NULL) {
        fclose(keylog);
    }
    return status;
}
