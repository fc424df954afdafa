/* tern client HOST:PORT: handshake, then each stdin line goes out as one
 * datagram and each datagram received is written to stdout. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct client_run {
    struct tern_conn *conn;
    int fd;
    unsigned sent;     /* datagrams sent */
    unsigned received; /* datagrams received */
};

static void print_data(void *arg, const uint8_t *data, size_t len)
{
    (void)arg;
    fwrite(data, 1, len, stdout);
    if (len == 0 || data[len - 1] != '\n') {
        fputc('\n', stdout);
    }
    fflush(stdout);
}

/* Waits for a datagram or the connection's deadline, at most until limit.
 * Returns -1 on a fatal error. Counts what it sends and receives. */
static int step(struct client_run *r, uint64_t limit)
{
    uint64_t now = cli_now();
    uint64_t deadline = tern_conn_deadline(r->conn);
    uint64_t until = deadline < limit ? deadline : limit;
    int wait_ms = until <= now ? 0 : (int)((until - now) / 1000000 + 1);
    struct pollfd pfd = {r->fd, POLLIN, 0};
    int ready = poll(&pfd, 1, wait_ms);
    if (ready < 0 && errno != EINTR) {
        fprintf(stderr, "tern: poll: %s\n", strerror(errno));
        return -1;
    }
    if (ready > 0 && (pfd.revents & POLLIN)) {
        uint8_t buf[16384 + 256];
        ssize_t n = recv(r->fd, buf, sizeof(buf), 0);
        if (n >= 0) {
            r->received++;
            tern_conn_receive(r->conn, cli_now(), buf, (size_t)n, print_data, NULL);
        }
    }
    if (cli_now() >= tern_conn_deadline(r->conn)) {
        tern_conn_timeout(r->conn, cli_now());
    }
    int sent = cli_flush(r->conn, r->fd, NULL, 0);
    if (sent > 0) {
        r->sent += (unsigned)sent;
    }
    return sent;
}

static int failed(struct tern_conn *c)
{
    enum tern_state s = tern_conn_state(c);
    return s == TERN_STATE_FAILED || s == TERN_STATE_CLOSED;
}

static void report_failure(struct client_run *r, const char *when)
{
    int err = tern_conn_error(r->conn);
    int alert = tern_conn_alert_received(r->conn);
    if (tern_conn_state(r->conn) == TERN_STATE_CLOSED) {
        fprintf(stderr, "tern: %s: the server closed the connection\n", when);
    } else if (err == TERN_ERR_PEER_ALERT) {
        fprintf(stderr, "tern: %s: the server sent fatal alert %d\n", when, alert);
    } else {
        fprintf(stderr, "tern: %s: %s\n", when, tern_strerror(err));
    }
    cli_print_verify_errors(r->conn);
}

static int handshake(struct client_run *r, double timeout)
{
    uint64_t limit = cli_now() + (uint64_t)(timeout * 1e9);
    int rc = tern_conn_start(r->conn, cli_now());
    if (rc == TERN_ERR_NO_SERVER_NAME) {
        fprintf(stderr, "tern: handshake: no server name to check the certificate against: "
                        "give --servername NAME, or --no-name-check\n");
        return -1;
    }
    int sent = -1;
    if (rc != TERN_OK || (sent = cli_flush(r->conn, r->fd, NULL, 0)) < 0) {
        report_failure(r, "handshake");
        return -1;
    }
    r->sent = (unsigned)sent;
    while (tern_conn_state(r->conn) == TERN_STATE_HANDSHAKING) {
        if (cli_now() >= limit) {
            fprintf(stderr, "tern: handshake: no answer within %.1f s\n", timeout);
            return -1;
        }
        if (step(r, limit) < 0) {
            return -1;
        }
    }
    if (failed(r->conn)) {
        report_failure(r, "handshake");
        return -1;
    }
    return 0;
}

/* Sends stdin line by line while printing what arrives; after end of input
 * waits up to one second for replies. */
static int exchange(struct client_run *r)
{
    char line[16384];
    size_t used = 0;
    int eof = 0;
    uint64_t linger = 0;
    while (!failed(r->conn)) {
        if (eof) {
            if (cli_now() >= linger) {
                return 0;
            }
            if (step(r, linger) < 0) {
                return -1;
            }
            continue;
        }
        struct pollfd pfd[2] = {{r->fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        uint64_t now = cli_now();
        uint64_t deadline = tern_conn_deadline(r->conn);
        int wait_ms = deadline == UINT64_MAX ? 1000
                      : deadline <= now      ? 0
                                             : (int)((deadline - now) / 1000000 + 1);
        if (poll(pfd, 2, wait_ms) < 0 && errno != EINTR) {
            return -1;
        }
        if (pfd[0].revents & POLLIN) {
            if (step(r, cli_now()) < 0) {
                return -1;
            }
        }
        if (pfd[1].revents & (POLLIN | POLLHUP)) {
            ssize_t n = read(STDIN_FILENO, line + used, sizeof(line) - used);
            if (n <= 0) {
                eof = 1;
                if (used > 0) {
                    n = 0;
                } else {
                    linger = cli_now() + UINT64_C(1000000000);
                    continue;
                }
            }
            used += (size_t)n;
            char *start = line;
            char *nl;
            while ((nl = memchr(start, '\n', used - (size_t)(start - line))) != NULL ||
                   (eof && start < line + used)) {
                size_t len = nl != NULL ? (size_t)(nl - start) : used - (size_t)(start - line);
                uint8_t out[16384 + 256];
                ptrdiff_t m = tern_conn_write(r->conn, start, len, out, sizeof(out));
                if (m < 0) {
                    fprintf(stderr, "tern: write: %s\n", tern_strerror((int)m));
                    return -1;
                }
                if (send(r->fd, out, (size_t)m, 0) < 0) {
                    fprintf(stderr, "tern: send: %s\n", strerror(errno));
                }
                start += len + (nl != NULL ? 1 : 0);
            }
            used -= (size_t)(start - line);
            memmove(line, start, used);
            if (eof) {
                linger = cli_now() + UINT64_C(1000000000);
            }
        }
    }
    report_failure(r, "connection");
    return -1;
}

int cli_client(const struct cli_opts *o)
{
    struct sockaddr_storage addr;
    socklen_t addr_len = 0;
    if (o->target == NULL) {
        fprintf(stderr, "tern client: missing HOST:PORT\n");
        return 2;
    }
    if (cli_resolve(o->target, 0, &addr, &addr_len) < 0) {
        return 1;
    }
    struct tern_config *cfg = NULL;
    FILE *keylog = NULL;
    int status = 1;
    struct client_run r = {NULL, -1, 0, 0};
    if (tern_config_new(&cfg, TERN_ROLE_CLIENT) != TERN_OK || cli_configure(cfg, o, &keylog) < 0) {
        goto out;
    }
    r.fd = socket(addr.ss_family, SOCK_DGRAM, 0);
    if (r.fd < 0 || connect(r.fd, (struct sockaddr *)&addr, addr_len) < 0) {
        fprintf(stderr, "tern: socket: %s\n", strerror(errno));
        goto out;
    }
    if (tern_conn_new(&r.conn, cfg) != TERN_OK) {
        goto out;
    }
    /* The certificate is checked against the name the user typed (or
     * --servername), as a browser would: secure by default. An address is
     * checked against the certificate's IP addresses (and not sent as the
     * server name). */
    char name[256];
    const char *sn = o->servername;
    if (sn == NULL) {
        const char *colon = strrchr(o->target, ':');
        size_t len = colon != NULL ? (size_t)(colon - o->target) : strlen(o->target);
        if (len >= 2 && o->target[0] == '[') {
            len -= 2;
            memcpy(name, o->target + 1, len < sizeof(name) ? len : 0);
        } else if (len < sizeof(name)) {
            memcpy(name, o->target, len);
        }
        name[len < sizeof(name) ? len : 0] = '\0';
        sn = name;
    }
    if (sn[0] != '\0' && tern_conn_set_server_name(r.conn, sn) != TERN_OK) {
        fprintf(stderr, "tern: bad server name '%s'\n", sn);
        goto out;
    }
    uint64_t start = cli_now();
    if (handshake(&r, o->timeout > 0 ? o->timeout : 10.0) < 0) {
        goto out;
    }
    char alpn[TERN_ALPN_NAME_MAX_LEN + 32];
    fprintf(stderr, "tern: connected to %s, DTLS 1.2, %s%s\n", o->target,
            tern_conn_suite_name(r.conn),
            cli_alpn_note(r.conn, o->alpn != NULL, alpn, sizeof(alpn)));
    fprintf(stderr, "tern: handshake done in %.3f s, %u datagrams sent, %u received\n",
            (double)(cli_now() - start) / 1e9, r.sent, r.received);
    if (exchange(&r) < 0) {
        goto out;
    }
    tern_conn_shutdown(r.conn);
    cli_flush(r.conn, r.fd, NULL, 0);
    status = 0;
out:
    tern_conn_free(r.conn);
    tern_config_free(cfg);
    if (r.fd >= 0) {
        close(r.fd);
    }
    if (keylog != NULL) {
        fclose(keylog);
    }
    return status;
}
