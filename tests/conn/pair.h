/* An in-memory client/server pair over a simulated link that can drop,
 * duplicate, reorder and corrupt datagrams, driven by a seed and a virtual
 * clock. Shared by the connection tests. */
#ifndef TERN_TEST_PAIR_H
#define TERN_TEST_PAIR_H

#include <stdint.h>

#include <tern/tern.h>

#define PAIR_QUEUE 64
#define PAIR_DGRAM 2048

struct link_dgram {
    uint8_t data[PAIR_DGRAM];
    size_t len;
};

/* One direction of the link. */
struct link_queue {
    struct link_dgram q[PAIR_QUEUE];
    size_t n;
};

struct link_faults {
    unsigned loss_pct;    /* chance a datagram is lost */
    unsigned dup_pct;     /* chance it is delivered twice */
    unsigned reorder_pct; /* chance it is delivered after the next one */
    unsigned corrupt_pct; /* chance one of its bits is flipped */
};

struct pair {
    struct tern_conn *client;
    struct tern_conn *server; /* NULL until the gate verifies a ClientHello (gate mode) */
    /* A server configuration with the cookie gate on (tern's default) is
     * served as an application would: the gate answers the client's
     * datagrams until one verifies, and tern_conn_accept() creates the
     * server connection from it. NULL with cookies turned off. */
    struct tern_cookie *gate;
    struct tern_config *server_cfg; /* a reference held until the server exists */
    unsigned gate_dropped;          /* datagrams the gate dropped (TERN_COOKIE_DROP) */
    struct link_queue to_server;
    struct link_queue to_client;
    struct link_faults faults;
    uint64_t rng;
    uint64_t now;
    unsigned long datagrams; /* sent by either side */
    /* Sees every datagram a side sends, before the link's faults; may
     * change it in place (at most PAIR_DGRAM bytes, *len updated) and
     * returns 0 to drop it. NULL: nothing. */
    int (*tap)(void *arg, int from_client, uint8_t *dgram, size_t *len);
    void *tap_arg;
    /* application data received, concatenated */
    uint8_t client_got[4096];
    size_t client_got_len;
    uint8_t server_got[4096];
    size_t server_got_len;
};

/* The server's view of the client's address (bound into its cookies). */
extern const uint8_t pair_peer[6];

/* Sets up a pair with a client and a server made from the two configs (the
 * server behind a cookie gate when its configuration asks for one). */
int pair_init(struct pair *p, struct tern_config *client_cfg, struct tern_config *server_cfg,
              uint64_t seed);

/* As pair_init(), with the server name the client asks for (NULL: none). */
int pair_init_named(struct pair *p, struct tern_config *client_cfg, struct tern_config *server_cfg,
                    uint64_t seed, const char *server_name);
void pair_free(struct pair *p);

/* Runs until both sides are established (or one failed), or steps run out;
 * every round moves datagrams and advances the clock to the next deadline
 * when nothing is in flight. Returns 1 when both are established. */
int pair_handshake(struct pair *p, unsigned max_steps);

/* Sends data from one side to the other through the link and delivers it. */
int pair_send(struct pair *p, int from_client, const void *data, size_t len);

/* Pulls everything the connection wants to send into the link. */
void pair_flush(struct pair *p, struct tern_conn *from, struct link_queue *q);

/* Delivers every queued datagram of q to the connection. */
void pair_deliver(struct pair *p, struct link_queue *q, struct tern_conn *to, int to_client);

#endif
