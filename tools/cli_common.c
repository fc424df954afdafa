#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

uint64_t cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static void keylog_line(void *arg, const char *line)
{
    FILE *f = arg;
    fprintf(f, "%s\n", line);
    fflush(f);
}

/* Opens the key log for appending. It holds every session's master secret,
 * so it is created readable by its owner alone (mode 0600 whatever the
 * umask), and an existing one that others may read is refused rather than
 * written to. */
static FILE *open_keylog(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "tern: cannot open key log %s: %s\n", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }
    if (S_ISREG(st.st_mode) && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        fprintf(stderr,
                "tern: key log %s is open to other users (mode %03o); it would hold session "
                "keys: chmod 600 it or name another file\n",
                path, (unsigned)(st.st_mode & 0777));
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "a");
    if (f == NULL) {
        fprintf(stderr, "tern: cannot open key log %s: %s\n", path, strerror(errno));
        close(fd);
    }
    return f;
}

/* --alpn NAME,NAME,...: the protocols in order, at most
 * TERN_ALPN_MAX_PROTOCOLS. */
static int configure_alpn(struct tern_config *cfg, const char *list)
{
    char copy[TERN_ALPN_MAX_PROTOCOLS * (TERN_ALPN_NAME_MAX_LEN + 1)];
    const char *names[TERN_ALPN_MAX_PROTOCOLS];
    size_t n = 0;
    size_t len = strlen(list);
    int ok = len > 0 && len < sizeof(copy);
    if (ok) {
        memcpy(copy, list, len + 1);
        for (char *p = copy; ok; p++) {
            char *comma = strchr(p, ',');
            ok = n < TERN_ALPN_MAX_PROTOCOLS;
            if (ok) {
                names[n++] = p;
            }
            if (comma == NULL) {
                break;
            }
            *comma = '\0';
            p = comma;
        }
    }
    int rc = ok ? tern_config_set_alpn(cfg, names, n) : TERN_ERR_ARG;
    if (rc != TERN_OK) {
        fprintf(stderr,
                "tern: --alpn wants 1 to %d comma-separated protocol names of 1 to %d bytes: "
                "%s\n",
                TERN_ALPN_MAX_PROTOCOLS, TERN_ALPN_NAME_MAX_LEN, tern_strerror(rc));
        return -1;
    }
    return 0;
}

const char *cli_alpn_note(const struct tern_conn *c, int asked, char *buf, size_t cap)
{
    const char *name = tern_conn_alpn(c, NULL);
    if (name != NULL) {
        snprintf(buf, cap, ", ALPN %s", name);
    } else {
        snprintf(buf, cap, "%s", asked ? ", no ALPN protocol" : "");
    }
    return buf;
}

static void log_line(void *arg, const struct tern_conn *c, enum tern_log_level level,
                     const char *msg)
{
    (void)arg;
    (void)c;
    static const char *const names[] = {"", "error", "warning", "info", "debug"};
    fprintf(stderr, "tern: %s: %s\n", names[level <= TERN_LOG_DEBUG ? level : 0], msg);
}

/* --log LEVEL: the library's log lines on stderr. */
static int configure_log(struct tern_config *cfg, const char *level)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(level, names[i]) == 0) {
            return tern_config_set_log_callback(cfg, (enum tern_log_level)(TERN_LOG_ERROR + i),
                                                log_line, NULL);
        }
    }
    fprintf(stderr, "tern: --log wants error, warning, info or debug, not \"%s\"\n", level);
    return -1;
}

int cli_configure(struct tern_config *cfg, const struct cli_opts *o, FILE **keylog_file)
{
    if (o->log != NULL && configure_log(cfg, o->log) != TERN_OK) {
        return -1;
    }
    if (o->alpn != NULL && configure_alpn(cfg, o->alpn) < 0) {
        return -1;
    }
    if (o->psk != NULL) {
        const char *colon = strrchr(o->psk, ':');
        if (colon == NULL || colon == o->psk) {
            fprintf(stderr, "tern: --psk wants IDENTITY:HEXKEY\n");
            return -1;
        }
        size_t id_len = (size_t)(colon - o->psk);
        const char *hex = colon + 1;
        size_t hex_len = strlen(hex);
        uint8_t key[TERN_PSK_KEY_MAX_LEN];
        if (hex_len == 0 || hex_len % 2 != 0 || hex_len / 2 > sizeof(key)) {
            fprintf(stderr, "tern: the PSK must be 1 to %zu bytes of hex\n", sizeof(key));
            return -1;
        }
        for (size_t i = 0; i < hex_len / 2; i++) {
            int hi = hexval(hex[2 * i]);
            int lo = hexval(hex[2 * i + 1]);
            if (hi < 0 || lo < 0) {
                fprintf(stderr, "tern: the PSK is not hex\n");
                return -1;
            }
            key[i] = (uint8_t)(hi << 4 | lo);
        }
        int rc = tern_config_set_psk(cfg, (const uint8_t *)o->psk, id_len, key, hex_len / 2);
        memset(key, 0, sizeof(key));
        if (rc != TERN_OK) {
            fprintf(stderr, "tern: --psk: %s\n", tern_strerror(rc));
            return -1;
        }
    }
    if (o->ciphers != NULL) {
        int rc = tern_config_set_suite_names(cfg, o->ciphers);
        if (rc != TERN_OK) {
            fprintf(stderr, "tern: --ciphers: unknown or unsupported suite in '%s'\n", o->ciphers);
            return -1;
        }
    }
    if (o->mtu != 0) {
        int rc = tern_config_set_mtu(cfg, o->mtu);
        if (rc != TERN_OK) {
            fprintf(stderr, "tern: --mtu: must be 256 to 16384\n");
            return -1;
        }
    }
    if (o->rpk) {
        int rc = o->key != NULL ? tern_config_set_raw_public_key_file(cfg, o->key) : TERN_ERR_ARG;
        if (rc != TERN_OK) {
            fprintf(stderr, "tern: --rpk needs --key FILE with a P-256 or Ed25519 key: %s\n",
                    tern_strerror(rc));
            return -1;
        }
    }
    for (size_t i = 0; i < o->n_peer_keys; i++) {
        int rc = tern_config_add_peer_key_file(cfg, o->peer_keys[i]);
        if (rc != TERN_OK) {
            fprintf(stderr, "tern: --peer-key %s: %s\n", o->peer_keys[i], tern_strerror(rc));
            return -1;
        }
    }
    if (!o->rpk && (o->cert != NULL || o->key != NULL)) {
        if (o->cert == NULL || o->key == NULL) {
            fprintf(stderr, "tern: --cert and --key go together\n");
            return -1;
        }
        int rc = tern_config_add_certificate_files(cfg, o->cert, o->key);
        if (rc != TERN_OK) {
            fprintf(stderr, "tern: --cert %s --key %s: %s\n", o->cert, o->key, tern_strerror(rc));
            return -1;
        }
    }
    if (o->ca != NULL) {
        int rc = tern_config_add_trust_file(cfg, o->ca);
        if (rc != TERN_OK) {
            fprintf(stderr, "tern: --ca %s: %s\n", o->ca, tern_strerror(rc));
            return -1;
        }
    }
    uint32_t flags = 0;
    if (o->insecure) {
        flags |= TERN_FLAG_INSECURE_NO_VERIFY;
    }
    if (o->no_name_check) {
        flags |= TERN_FLAG_NO_NAME_CHECK;
    }
    if (o->verify_client != NULL) {
        flags |= TERN_FLAG_KEEP_PEER_CHAIN; /* to report the client's certificate */
    }
    tern_config_set_flags(cfg, flags);
    if (o->verify_client != NULL) {
        enum tern_client_auth mode = TERN_CLIENT_AUTH_NONE;
        if (strcmp(o->verify_client, "optional") == 0) {
            mode = TERN_CLIENT_AUTH_OPTIONAL;
        } else if (strcmp(o->verify_client, "require") == 0) {
            mode = TERN_CLIENT_AUTH_REQUIRE;
        } else if (strcmp(o->verify_client, "none") != 0) {
            fprintf(stderr, "tern: --verify-client takes none, optional or require\n");
            return -1;
        }
        tern_config_set_client_auth(cfg, mode);
    }
    const char *path = o->keylog != NULL ? o->keylog : getenv("SSLKEYLOGFILE");
    if (path != NULL && path[0] != '\0') {
        *keylog_file = open_keylog(path);
        if (*keylog_file == NULL) {
            return -1;
        }
        tern_config_set_keylog_callback(cfg, keylog_line, *keylog_file);
    }
    return 0;
}

void cli_print_verify_errors(struct tern_conn *c)
{
    struct tern_verify_error errs[16];
    size_t n = tern_conn_verify_errors(c, errs, 16);
    for (size_t i = 0; i < n && i < 16; i++) {
        if (errs[i].depth >= 0) {
            fprintf(stderr, "tern:   certificate %d: %s\n", errs[i].depth,
                    tern_verify_reason_string(errs[i].reason));
        } else {
            fprintf(stderr, "tern:   %s\n", tern_verify_reason_string(errs[i].reason));
        }
    }
}

int cli_resolve(const char *hostport, int passive, struct sockaddr_storage *addr,
                socklen_t *addr_len)
{
    char host[256];
    const char *colon = strrchr(hostport, ':');
    if (colon == NULL || colon[1] == '\0') {
        fprintf(stderr, "tern: '%s' is not HOST:PORT\n", hostport);
        return -1;
    }
    size_t len = (size_t)(colon - hostport);
    if (len >= 2 && hostport[0] == '[' && hostport[len - 1] == ']') {
        hostport++;
        len -= 2;
    }
    if (len >= sizeof(host)) {
        fprintf(stderr, "tern: host name too long\n");
        return -1;
    }
    memcpy(host, hostport, len);
    host[len] = '\0';
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(len > 0 ? host : NULL, colon + 1, &hints, &res);
    if (rc != 0 || res == NULL) {
        fprintf(stderr, "tern: cannot resolve %s: %s\n", hostport, gai_strerror(rc));
        return -1;
    }
    memset(addr, 0, sizeof(*addr));
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *addr_len = (socklen_t)res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

int cli_flush(struct tern_conn *c, int fd, const struct sockaddr *to, socklen_t to_len)
{
    uint8_t buf[16384 + 256];
    for (int count = 0;; count++) {
        ptrdiff_t n = tern_conn_pull(c, cli_now(), buf, sizeof(buf));
        if (n == TERN_ERR_NOTHING_TO_SEND) {
            return count;
        }
        if (n < 0) {
            fprintf(stderr, "tern: %s\n", tern_strerror((int)n));
            return -1;
        }
        ssize_t sent =
            to != NULL ? sendto(fd, buf, (size_t)n, 0, to, to_len) : send(fd, buf, (size_t)n, 0);
        if (sent < 0 && errno != ECONNREFUSED) {
            fprintf(stderr, "tern: send: %s\n", strerror(errno));
        }
    }
}
