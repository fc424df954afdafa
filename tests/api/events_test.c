/* What a connection tells the application without being asked: the state
 * callback (each change once, in order, as the call returns), its user
 * data, the log callback (levels, drops, no secrets), and the version
 * range of a configuration. */
#include <string.h>

#include <tern/tern.h>

#include "pair.h"
#include "test.h"

static const uint8_t g_id[] = "client1";
static const uint8_t g_key[16] = {0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
                                  0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20};

#define MAX_SEEN 16

struct seen {
    struct tern_conn *conn[MAX_SEEN];
    enum tern_state state[MAX_SEEN];
    void *user[MAX_SEEN];
    enum tern_state state_then[MAX_SEEN]; /* tern_conn_state() inside the callback */
    size_t n;
    int free_on;  /* a state whose callback frees the connection (0: none) */
    int abort_on; /* likewise, aborts it */
};

static void on_state(void *arg, struct tern_conn *c, enum tern_state state)
{
    struct seen *s = arg;
    if (s->n < MAX_SEEN) {
        s->conn[s->n] = c;
        s->state[s->n] = state;
        s->user[s->n] = tern_conn_user_data(c);
        s->state_then[s->n] = tern_conn_state(c);
        s->n++;
    }
    if (s->free_on != 0 && (int)state == s->free_on) {
        tern_conn_free(c);
    }
    if (s->abort_on != 0 && (int)state == s->abort_on) {
        tern_conn_abort(c);
    }
}

static struct tern_config *psk_cfg(enum tern_role role)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, role), TERN_OK);
    CHECK_INT(tern_config_set_psk(cfg, g_id, sizeof(g_id) - 1, g_key, sizeof(g_key)), TERN_OK);
    if (role == TERN_ROLE_SERVER) {
        CHECK_INT(tern_config_set_cookie_mode(cfg, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    }
    return cfg;
}

/* Each change is told once, in order, with the connection's user data,
 * and tern_conn_state() already says the new state. */
static void state_changes_in_order(void)
{
    struct seen cs = {0};
    struct seen ss = {0};
    struct tern_config *cc = psk_cfg(TERN_ROLE_CLIENT);
    struct tern_config *sc = psk_cfg(TERN_ROLE_SERVER);
    CHECK_INT(tern_config_set_state_callback(cc, on_state, &cs), TERN_OK);
    CHECK_INT(tern_config_set_state_callback(sc, on_state, &ss), TERN_OK);
    struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 3), TERN_OK);
    /* A frozen configuration refuses a new callback. */
    CHECK_INT(tern_config_set_state_callback(cc, NULL, NULL), TERN_ERR_STATE);
    tern_config_free(cc);
    tern_config_free(sc);
    int tag_c = 1;
    int tag_s = 2;
    CHECK(tern_conn_user_data(p.client) == NULL);
    tern_conn_set_user_data(p.client, &tag_c);
    tern_conn_set_user_data(p.server, &tag_s);
    CHECK(tern_conn_user_data(p.client) == &tag_c);
    tern_conn_set_user_data(NULL, &tag_c); /* nothing */
    CHECK(tern_conn_user_data(NULL) == NULL);
    CHECK(pair_handshake(&p, 100));
    CHECK_INT(cs.n, 2);
    CHECK_INT(cs.state[0], TERN_STATE_HANDSHAKING);
    CHECK_INT(cs.state[1], TERN_STATE_ESTABLISHED);
    CHECK_INT(ss.n, 2);
    CHECK_INT(ss.state[0], TERN_STATE_HANDSHAKING);
    CHECK_INT(ss.state[1], TERN_STATE_ESTABLISHED);
    for (size_t i = 0; i < 2; i++) {
        CHECK(cs.conn[i] == p.client);
        CHECK(ss.conn[i] == p.server);
    }
    /* pair_init() started the client before its user data was set. */
    CHECK(cs.user[1] == &tag_c);
    CHECK(ss.user[1] == &tag_s);
    CHECK_INT(cs.state_then[1], TERN_STATE_ESTABLISHED);
    /* Data changes no state; closing does, on both sides. */
    CHECK_INT(pair_send(&p, 1, "x", 1), TERN_OK);
    CHECK_INT(cs.n, 2);
    CHECK_INT(tern_conn_shutdown(p.client), TERN_OK);
    CHECK_INT(cs.n, 3);
    CHECK_INT(cs.state[2], TERN_STATE_CLOSED);
    pair_flush(&p, p.client, &p.to_server);
    pair_deliver(&p, &p.to_server, p.server, 0);
    CHECK_INT(ss.n, 3);
    CHECK_INT(ss.state[2], TERN_STATE_CLOSED);
    /* Nothing more: a closed connection changes no more. */
    CHECK_INT(tern_conn_shutdown(p.client), TERN_ERR_STATE);
    CHECK_INT(cs.n, 3);
    pair_free(&p);
}

/* A failure is told once, from whichever call found it (here the timer,
 * when the server never answers). */
static void failure_told_once(void)
{
    struct seen cs = {0};
    struct tern_config *cc = psk_cfg(TERN_ROLE_CLIENT);
    CHECK_INT(tern_config_set_state_callback(cc, on_state, &cs), TERN_OK);
    CHECK_INT(tern_config_set_timers(cc, 100, 200, 1), TERN_OK);
    struct tern_conn *c = NULL;
    CHECK_INT(tern_conn_new(&c, cc), TERN_OK);
    tern_config_free(cc);
    CHECK_INT(tern_conn_start(c, 0), TERN_OK);
    uint64_t t = 0;
    for (int i = 0; i < 10 && tern_conn_state(c) == TERN_STATE_HANDSHAKING; i++) {
        t = tern_conn_deadline(c);
        (void)tern_conn_timeout(c, t);
    }
    CHECK_INT(tern_conn_state(c), TERN_STATE_FAILED);
    CHECK_INT(cs.n, 2);
    CHECK_INT(cs.state[0], TERN_STATE_HANDSHAKING);
    CHECK_INT(cs.state[1], TERN_STATE_FAILED);
    CHECK_INT(tern_conn_timeout(c, t + 1000000000ull), TERN_ERR_TIMEOUT);
    CHECK_INT(cs.n, 2);
    tern_conn_free(c);
}

/* The callback may free the connection (carried out when the call that
 * told it returns) or abort it (told next, as a failure). */
static void callback_frees_or_aborts(void)
{
    struct seen cs = {0};
    cs.free_on = TERN_STATE_HANDSHAKING;
    struct tern_config *cc = psk_cfg(TERN_ROLE_CLIENT);
    CHECK_INT(tern_config_set_state_callback(cc, on_state, &cs), TERN_OK);
    struct tern_conn *c = NULL;
    CHECK_INT(tern_conn_new(&c, cc), TERN_OK);
    CHECK_INT(tern_conn_start(c, 0), TERN_OK); /* c is gone now (ASan would see a use) */
    CHECK_INT(cs.n, 1);
    tern_config_free(cc);

    struct seen as = {0};
    as.abort_on = TERN_STATE_HANDSHAKING;
    cc = psk_cfg(TERN_ROLE_CLIENT);
    CHECK_INT(tern_config_set_state_callback(cc, on_state, &as), TERN_OK);
    CHECK_INT(tern_conn_new(&c, cc), TERN_OK);
    tern_config_free(cc);
    CHECK_INT(tern_conn_start(c, 0), TERN_ERR_ABORTED);
    CHECK_INT(as.n, 2);
    CHECK_INT(as.state[1], TERN_STATE_FAILED);
    CHECK_INT(tern_conn_error(c), TERN_ERR_ABORTED);
    tern_conn_free(c);
}

struct log {
    char lines[64][200];
    int level[64];
    size_t n;
};

static void on_log(void *arg, const struct tern_conn *c, enum tern_log_level level, const char *msg)
{
    struct log *l = arg;
    CHECK(c != NULL);
    if (l->n < 64) {
        snprintf(l->lines[l->n], sizeof(l->lines[0]), "%s", msg);
        l->level[l->n] = (int)level;
        l->n++;
    }
}

static int logged(const struct log *l, const char *part, int level)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strstr(l->lines[i], part) != NULL && l->level[i] == level) {
            return 1;
        }
    }
    return 0;
}

/* Replays a datagram the server already read: its records are dropped as
 * replays, which the debug log names. */
static int g_replay_ok;
static uint8_t g_last[PAIR_DGRAM];
static size_t g_last_len;

static int keep_client_dgram(void *arg, int from_client, uint8_t *dgram, size_t *len)
{
    (void)arg;
    if (from_client && *len <= sizeof(g_last)) {
        memcpy(g_last, dgram, *len);
        g_last_len = *len;
        g_replay_ok = 1;
    }
    return 1;
}

/* Levels filter; the lines say what happened and hold no key. */
static void log_levels_and_drops(void)
{
    struct log info = {0};
    struct log debug = {0};
    struct tern_config *cc = psk_cfg(TERN_ROLE_CLIENT);
    struct tern_config *sc = psk_cfg(TERN_ROLE_SERVER);
    CHECK_INT(tern_config_set_log_callback(cc, TERN_LOG_INFO, on_log, &info), TERN_OK);
    CHECK_INT(tern_config_set_log_callback(sc, TERN_LOG_DEBUG, on_log, &debug), TERN_OK);
    CHECK_INT(tern_config_set_log_callback(sc, (enum tern_log_level)0, on_log, &debug),
              TERN_ERR_ARG);
    CHECK_INT(tern_config_set_log_callback(sc, (enum tern_log_level)5, on_log, &debug),
              TERN_ERR_ARG);
    struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 5), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    p.tap = keep_client_dgram;
    CHECK(pair_handshake(&p, 100));
    CHECK_INT(pair_send(&p, 1, "one", 3), TERN_OK);
    CHECK(logged(&info, "handshake running", TERN_LOG_INFO));
    CHECK(logged(&info, "established: DTLS 1.2, TLS_", TERN_LOG_INFO));
    CHECK(logged(&debug, "established", TERN_LOG_INFO));
    size_t before = debug.n;
    /* The data datagram again: a replay, dropped and logged at debug. */
    CHECK(g_replay_ok);
    uint8_t again[PAIR_DGRAM];
    memcpy(again, g_last, g_last_len);
    CHECK_INT(tern_conn_receive(p.server, p.now, again, g_last_len, NULL, NULL), TERN_OK);
    CHECK(debug.n > before);
    CHECK(logged(&debug, "dropped 1: replayed", TERN_LOG_DEBUG));
    CHECK_INT(tern_conn_dropped_by(p.server, TERN_DROP_REPLAY), 1);
    /* The client listens at info: no debug line reached it. */
    for (size_t i = 0; i < info.n; i++) {
        CHECK(info.level[i] <= TERN_LOG_INFO);
    }
    /* A fatal alert received is an error line. */
    tern_conn_abort(p.client);
    pair_flush(&p, p.client, &p.to_server);
    pair_deliver(&p, &p.to_server, p.server, 0);
    CHECK(logged(&debug, "closed", TERN_LOG_INFO) || logged(&debug, "alert", TERN_LOG_WARNING));
    pair_free(&p);
}

/* A failure names its error and alert at the error level. */
static void log_failure(void)
{
    struct log l = {0};
    struct tern_config *cc = psk_cfg(TERN_ROLE_CLIENT);
    struct tern_config *sc = NULL;
    CHECK_INT(tern_config_new(&sc, TERN_ROLE_SERVER), TERN_OK);
    CHECK_INT(tern_config_set_cookie_mode(sc, TERN_COOKIES_INSECURE_OFF), TERN_OK);
    static const uint8_t other[16] = {9};
    CHECK_INT(tern_config_set_psk(sc, g_id, sizeof(g_id) - 1, other, sizeof(other)), TERN_OK);
    CHECK_INT(tern_config_set_log_callback(sc, TERN_LOG_ERROR, on_log, &l), TERN_OK);
    struct pair p;
    CHECK_INT(pair_init(&p, cc, sc, 8), TERN_OK);
    tern_config_free(cc);
    tern_config_free(sc);
    CHECK(!pair_handshake(&p, 200));
    CHECK(l.n >= 1);
    CHECK(logged(&l, "failed: ", TERN_LOG_ERROR));
    CHECK(logged(&l, "alert", TERN_LOG_ERROR));
    for (size_t i = 0; i < l.n; i++) {
        CHECK_INT(l.level[i], TERN_LOG_ERROR);
    }
    pair_free(&p);
}

static void versions(void)
{
    struct tern_config *cfg = NULL;
    CHECK_INT(tern_config_new(&cfg, TERN_ROLE_CLIENT), TERN_OK);
    CHECK_INT(tern_config_set_versions(cfg, TERN_DTLS_1_2, TERN_DTLS_1_2), TERN_OK);
    CHECK_INT(tern_config_set_versions(cfg, TERN_DTLS_1_0, TERN_DTLS_1_2), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_versions(cfg, TERN_DTLS_1_2, TERN_DTLS_1_3), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_versions(cfg, TERN_DTLS_1_3, TERN_DTLS_1_2), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_versions(cfg, 0x0303, 0x0303), TERN_ERR_ARG);
    CHECK_INT(tern_config_set_versions(NULL, TERN_DTLS_1_2, TERN_DTLS_1_2), TERN_ERR_ARG);
    struct tern_conn *c = NULL;
    CHECK_INT(tern_conn_new(&c, cfg), TERN_OK);
    CHECK_INT(tern_config_set_versions(cfg, TERN_DTLS_1_2, TERN_DTLS_1_2), TERN_ERR_STATE);
    tern_conn_free(c);
    tern_config_free(cfg);
}

static void drop_reason_names(void)
{
    CHECK(strcmp(tern_drop_reason_name(TERN_DROP_REPLAY), "replayed") == 0);
    CHECK(strcmp(tern_drop_reason_name(TERN_DROP_AUTH), "failed authentication") == 0);
    for (int i = 0; i < TERN_DROP_REASONS; i++) {
        CHECK(strcmp(tern_drop_reason_name((enum tern_drop_reason)i), "unknown reason") != 0);
    }
    CHECK(strcmp(tern_drop_reason_name(TERN_DROP_REASONS), "unknown reason") == 0);
    CHECK(strcmp(tern_drop_reason_name((enum tern_drop_reason) - 1), "unknown reason") == 0);
}

TEST_MAIN(T(state_changes_in_order), T(failure_told_once), T(callback_frees_or_aborts),
          T(log_levels_and_drops), T(log_failure), T(versions), T(drop_reason_names))
