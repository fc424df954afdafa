/* linkem: a link emulator in user space for tern's network tests.
 *
 * It joins two network namespaces A and B with a TUN device in each (same
 * name in both) and forwards every IP packet that one side routes into its
 * device to the other side's device, impairing it on the way, per
 * direction, with a seeded PRNG so that a run is reproducible: loss,
 * delay with jitter, reordering (a packet held back so that later ones
 * overtake it), duplication, bit corruption of the UDP payload with a
 * recomputed UDP checksum (so that the damaged datagram reaches the
 * application), a path MTU (larger IP packets are dropped silently, as by a
 * black-hole router) and dark periods (nothing passes). The kernel's netem
 * qdisc does much the same where it exists; one mechanism everywhere keeps
 * the tests alike on every machine.
 *
 * The devices exist as long as linkem runs: it creates them (setns() into
 * each namespace, then TUNSETIFF), prints "linkem: ready" on stdout, and the
 * caller gives them addresses and brings them up with ip(8). On SIGTERM,
 * SIGINT or after --duration it prints its counters and exits, and the
 * devices disappear with it. SIGUSR1 starts a dark period of --dark-for
 * seconds now; SIGUSR2 turns the random impairments (loss, duplication,
 * reordering, corruption) off or back on.
 *
 * Trace (--trace FILE), one line per event, times in seconds since start:
 *
 *   T DIR recv ID BYTES PROTO VERDICT [U:sport/dport [R:type/epoch/seq/len
 *       [H:type/seq/off/len/msglen]...]...]
 *   T DIR send ID COPY BYTES [corrupt]
 *   T DIR drop ID COPY dark
 *   T -- event dark-start|dark-end|impair-off|impair-on
 *
 * DIR is "ab" or "ba"; ID numbers the packets of one direction from 1;
 * VERDICT is pass (forwarded; "+dup" and "+held" when it was duplicated or
 * held back), loss, mtu, dark or queue (the emulator's queue was full). For
 * a UDP datagram, U: gives its ports, and R: and H: tokens describe the DTLS 1.2 records of a UDP
 * datagram (RFC 6347 section 4.1) and the fragment headers of plaintext (epoch 0) handshake records
 * (section 4.2.2), as sent, before any corruption.
 *
 * Exit status: 0, 2 on a usage error, 3 when a namespace or TUN device
 * cannot be set up (the caller's tests skip then), 1 on another failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SLOT_BYTES     2048 /* largest packet carried (the devices' MTU is 1500) */
#define QUEUE_SLOTS    512  /* packets in flight per direction */
#define READ_BURST     64   /* packets read from one device per wake-up */
#define MAX_DURATION_S 3600 /* --duration at most */
#define MAX_ITERATIONS 100000000UL

#define US_PER_S  1000000ULL
#define US_PER_MS 1000ULL

/* Impairments of one direction. Probabilities are in [0, 1]. */
struct impair {
    double loss;
    double dup;
    double reorder;
    double corrupt;
    uint64_t delay_us;
    uint64_t jitter_us;
};

struct slot {
    uint64_t due_us;
    uint64_t id;
    unsigned copy;
    int corrupt;
    size_t len;
    uint8_t data[SLOT_BYTES];
};

struct counters {
    unsigned long in, in_bytes, udp, delivered, delivered_bytes;
    unsigned long loss, mtu, dark, queue, dup, corrupt, held;
};

struct direction {
    const char *name;
    int in_fd;  /* the device packets come from */
    int out_fd; /* the device they go to */
    struct impair imp;
    uint64_t rng;
    uint64_t next_id;
    size_t n_queued;
    struct slot queue[QUEUE_SLOTS];
    struct counters c;
};

struct options {
    const char *ns_a;
    const char *ns_b;
    const char *dev;
    const char *trace;
    const char *stats;
    uint64_t seed;
    double duration_s;
    size_t mtu;
    uint64_t reorder_gap_us;
    double dark_at_s; /* < 0: only on SIGUSR1 */
    double dark_for_s;
    int paused;
};

static struct direction g_dir[2];
static FILE *g_trace;
static uint64_t g_start_us;
static volatile sig_atomic_t g_stop;
static volatile sig_atomic_t g_go_dark;
static volatile sig_atomic_t g_toggle;

static void on_signal(int sig)
{
    if (sig == SIGUSR1) {
        g_go_dark = 1;
    } else if (sig == SIGUSR2) {
        g_toggle = 1;
    } else {
        g_stop = 1;
    }
}

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * US_PER_S + (uint64_t)ts.tv_nsec / 1000;
}

/* SplitMix64: small, fast and good enough to draw test decisions from. */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A uniform draw in [0, 1). */
static double rng_unit(uint64_t *state)
{
    return (double)(rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

static void trace_time(uint64_t now_us)
{
    fprintf(g_trace, "%llu.%06llu", (unsigned long long)(now_us / US_PER_S),
            (unsigned long long)(now_us % US_PER_S));
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* Writes the DTLS 1.2 record tokens of a UDP payload to the trace. */
static void trace_records(const uint8_t *p, size_t len)
{
    size_t off = 0;
    for (unsigned n = 0; n < 64 && off + 13 <= len; n++) {
        const uint8_t *r = p + off;
        uint32_t type = r[0];
        uint32_t epoch = be16(r + 3);
        unsigned long long seq = (unsigned long long)be16(r + 5) << 32 |
                                 (unsigned long long)be16(r + 7) << 16 | be16(r + 9);
        size_t rlen = be16(r + 11);
        fprintf(g_trace, " R:%u/%u/%llu/%zu", type, epoch, seq, rlen);
        if (off + 13 + rlen > len) {
            fprintf(g_trace, " X:%zu", len - off);
            return;
        }
        if (type == 22 && epoch == 0) {
            const uint8_t *b = r + 13;
            size_t pos = 0;
            for (unsigned m = 0; m < 64 && pos + 12 <= rlen; m++) {
                uint32_t frag_len = be24(b + pos + 9);
                fprintf(g_trace, " H:%u/%u/%u/%u/%u", b[pos], be16(b + pos + 4), be24(b + pos + 6),
                        frag_len, be24(b + pos + 1));
                pos += 12 + (size_t)frag_len;
            }
        }
        off += 13 + rlen;
    }
    if (off < len) {
        fprintf(g_trace, " X:%zu", len - off);
    }
}

/* Where the UDP header of an IPv4 packet starts, or 0 when the packet is not
 * a whole IPv4 UDP datagram. */
static size_t udp_offset(const uint8_t *p, size_t len)
{
    if (len < 20 || (p[0] >> 4) != 4) {
        return 0;
    }
    size_t ihl = (size_t)(p[0] & 0x0f) * 4;
    if (ihl < 20 || be16(p + 2) != len || p[9] != 17 || len < ihl + 8 ||
        (be16(p + 6) & 0x1fff) != 0 || (p[6] & 0x20) != 0) {
        return 0; /* not UDP, or a fragment */
    }
    if (be16(p + ihl + 4) != len - ihl) {
        return 0;
    }
    return ihl;
}

static const char *proto_name(const uint8_t *p, size_t len)
{
    if (len >= 1 && (p[0] >> 4) == 6) {
        return "ip6";
    }
    if (len < 20 || (p[0] >> 4) != 4) {
        return "other";
    }
    switch (p[9]) {
    case 1:
        return "icmp";
    case 6:
        return "tcp";
    case 17:
        return "udp";
    default:
        return "ip";
    }
}

static uint32_t sum16(uint32_t acc, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2) {
        acc += be16(p + i);
    }
    if (len % 2 != 0) {
        acc += (uint32_t)p[len - 1] << 8;
    }
    return acc;
}

/* Recomputes the UDP checksum of an IPv4 packet whose UDP header is at off
 * (RFC 768: over a pseudo header, the UDP header and the data). */
static void fix_udp_checksum(uint8_t *p, size_t len, size_t off)
{
    uint8_t *udp = p + off;
    size_t udp_len = len - off;
    udp[6] = 0;
    udp[7] = 0;
    uint32_t acc = sum16(0, p + 12, 8); /* source and destination addresses */
    acc += 17 + (uint32_t)udp_len;
    acc = sum16(acc, udp, udp_len);
    for (int i = 0; i < 4 && (acc >> 16) != 0; i++) {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    uint16_t sum = (uint16_t)~acc;
    if (sum == 0) {
        sum = 0xffff; /* zero means "no checksum" */
    }
    udp[6] = (uint8_t)(sum >> 8);
    udp[7] = (uint8_t)sum;
}

static int is_dark(uint64_t now_us, uint64_t dark_from, uint64_t dark_until)
{
    return now_us >= dark_from && now_us < dark_until;
}

/* Queues one copy of a packet; returns 0, or -1 when the queue is full. */
static int enqueue(struct direction *d, uint64_t due_us, uint64_t id, unsigned copy,
                   const uint8_t *p, size_t len)
{
    if (d->n_queued >= QUEUE_SLOTS) {
        return -1;
    }
    struct slot *s = &d->queue[d->n_queued++];
    s->due_us = due_us;
    s->id = id;
    s->copy = copy;
    s->corrupt = 0;
    s->len = len;
    memcpy(s->data, p, len);
    return 0;
}

/* Flips one bit of the UDP payload of a queued copy, at a position drawn
 * from u in [0, 1), and repairs the UDP checksum. */
static void corrupt(struct slot *s, size_t off, double u)
{
    size_t payload = s->len - off - 8;
    if (payload == 0) {
        return;
    }
    size_t bit = (size_t)(u * (double)(payload * 8));
    if (bit >= payload * 8) {
        bit = payload * 8 - 1;
    }
    s->data[off + 8 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
    fix_udp_checksum(s->data, s->len, off);
    s->corrupt = 1;
}

struct link_state {
    const struct options *o;
    uint64_t dark_from;
    uint64_t dark_until;
    int paused;
};

/* One packet read from d's device: decides its fate and queues its copies. */
static void ingress(struct link_state *ls, struct direction *d, const uint8_t *p, size_t len,
                    uint64_t now)
{
    const struct options *o = ls->o;
    uint64_t id = ++d->next_id;
    size_t off = udp_offset(p, len);
    d->c.in++;
    d->c.in_bytes += len;
    d->c.udp += off != 0;
    /* The same number of draws for every packet, whatever is enabled, so
     * that one impairment's decisions do not depend on another's. */
    double u_loss = rng_unit(&d->rng);
    double u_dup = rng_unit(&d->rng);
    double u_reorder = rng_unit(&d->rng);
    double u_jitter[2] = {rng_unit(&d->rng), rng_unit(&d->rng)};
    double u_corrupt[2] = {rng_unit(&d->rng), rng_unit(&d->rng)};
    double u_bit[2] = {rng_unit(&d->rng), rng_unit(&d->rng)};
    const struct impair *imp = &d->imp;
    const char *verdict = "pass";
    unsigned copies = 0;
    int held = 0;
    if (is_dark(now, ls->dark_from, ls->dark_until)) {
        verdict = "dark";
        d->c.dark++;
    } else if (o->mtu != 0 && len > o->mtu) {
        verdict = "mtu";
        d->c.mtu++;
    } else if (!ls->paused && u_loss < imp->loss) {
        verdict = "loss";
        d->c.loss++;
    } else {
        copies = !ls->paused && u_dup < imp->dup ? 2 : 1;
        held = !ls->paused && u_reorder < imp->reorder;
    }
    for (unsigned c = 0; c < copies; c++) {
        uint64_t delay = imp->delay_us;
        if (imp->jitter_us != 0) {
            double j = (u_jitter[c] * 2.0 - 1.0) * (double)imp->jitter_us;
            delay = j < 0 && (uint64_t)-j > delay ? 0 : (uint64_t)((double)delay + j);
        }
        if (held && c == 0) {
            delay += o->reorder_gap_us;
        }
        if (enqueue(d, now + delay, id, c, p, len) < 0) {
            if (c == 0) {
                verdict = "queue";
                d->c.queue++;
            }
            copies = c;
            break;
        }
        if (off != 0 && !ls->paused && u_corrupt[c] < imp->corrupt) {
            corrupt(&d->queue[d->n_queued - 1], off, u_bit[c]);
            d->c.corrupt++;
        }
    }
    d->c.dup += copies == 2;
    d->c.held += copies > 0 && held;
    if (g_trace != NULL) {
        trace_time(now);
        fprintf(g_trace, " %s recv %llu %zu %s %s%s%s", d->name, (unsigned long long)id, len,
                proto_name(p, len), verdict, copies == 2 ? "+dup" : "",
                copies > 0 && held ? "+held" : "");
        if (off != 0) {
            fprintf(g_trace, " U:%u/%u", be16(p + off), be16(p + off + 2));
            trace_records(p + off + 8, len - off - 8);
        }
        fputc('\n', g_trace);
    }
}

/* Index of d's queued copy due first (ties: lower id, then lower copy), or
 * QUEUE_SLOTS when the queue is empty. */
static size_t first_due(const struct direction *d)
{
    size_t best = QUEUE_SLOTS;
    for (size_t i = 0; i < d->n_queued; i++) {
        const struct slot *s = &d->queue[i];
        const struct slot *b = best < QUEUE_SLOTS ? &d->queue[best] : NULL;
        if (b == NULL || s->due_us < b->due_us ||
            (s->due_us == b->due_us && (s->id < b->id || (s->id == b->id && s->copy < b->copy)))) {
            best = i;
        }
    }
    return best;
}

/* Delivers (or, in a dark period, drops) every copy of d that is due. */
static void deliver(struct link_state *ls, struct direction *d, uint64_t now)
{
    for (size_t n = 0; n < QUEUE_SLOTS; n++) {
        size_t i = first_due(d);
        if (i == QUEUE_SLOTS || d->queue[i].due_us > now) {
            return;
        }
        struct slot *s = &d->queue[i];
        if (g_trace != NULL) {
            trace_time(now);
        }
        if (is_dark(now, ls->dark_from, ls->dark_until)) {
            d->c.dark++;
            if (g_trace != NULL) {
                fprintf(g_trace, " %s drop %llu %u dark\n", d->name, (unsigned long long)s->id,
                        s->copy);
            }
        } else {
            ssize_t w = write(d->out_fd, s->data, s->len);
            if (w == (ssize_t)s->len) {
                d->c.delivered++;
                d->c.delivered_bytes += s->len;
            }
            if (g_trace != NULL) {
                fprintf(g_trace, " %s send %llu %u %zu%s%s\n", d->name, (unsigned long long)s->id,
                        s->copy, s->len, s->corrupt ? " corrupt" : "",
                        w == (ssize_t)s->len ? "" : " write-failed");
            }
        }
        /* Keep the queue dense; order does not matter, first_due() scans. */
        if (i != d->n_queued - 1) {
            memcpy(s, &d->queue[d->n_queued - 1], sizeof(*s));
        }
        d->n_queued--;
    }
}

/* Reads what d's device has (at most READ_BURST packets). */
static void drain(struct link_state *ls, struct direction *d, uint64_t now)
{
    uint8_t buf[65536];
    for (int n = 0; n < READ_BURST; n++) {
        ssize_t got = read(d->in_fd, buf, sizeof(buf));
        if (got <= 0) {
            return;
        }
        if ((size_t)got > SLOT_BYTES) {
            d->c.in++;
            d->c.mtu++;
            continue;
        }
        ingress(ls, d, buf, (size_t)got, now);
    }
}

/* Opens a TUN device named dev inside the network namespace ns (a name
 * under /run/netns or a path). Returns its descriptor or -1 (printed). */
static int tun_in_netns(const char *ns, const char *dev)
{
    char path[512];
    if (strchr(ns, '/') != NULL) {
        snprintf(path, sizeof(path), "%s", ns);
    } else {
        snprintf(path, sizeof(path), "/run/netns/%s", ns);
    }
    int fd = -1;
    int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int target = open(path, O_RDONLY | O_CLOEXEC);
    if (self < 0 || target < 0) {
        fprintf(stderr, "linkem: cannot open network namespace %s: %s\n", path, strerror(errno));
        goto out;
    }
    if (setns(target, CLONE_NEWNET) != 0) {
        fprintf(stderr, "linkem: cannot enter network namespace %s: %s\n", path, strerror(errno));
        goto out;
    }
    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        fprintf(stderr, "linkem: cannot open /dev/net/tun: %s\n", strerror(errno));
    } else {
        struct ifreq ifr;
        memset(&ifr, 0, sizeof(ifr));
        ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
        if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
            fprintf(stderr, "linkem: cannot create TUN device %s in %s: %s\n", dev, ns,
                    strerror(errno));
            close(fd);
            fd = -1;
        }
    }
    if (setns(self, CLONE_NEWNET) != 0) {
        fprintf(stderr, "linkem: cannot return to the first namespace: %s\n", strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        fd = -1;
    }
out:
    if (self >= 0) {
        close(self);
    }
    if (target >= 0) {
        close(target);
    }
    return fd;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: linkem --ns-a NS --ns-b NS [--dev NAME] [--seed N] [--duration SECONDS]\n"
            "              [--trace FILE] [--stats FILE] [--loss PCT] [--delay MS] [--jitter MS]\n"
            "              [--reorder PCT] [--reorder-gap MS] [--dup PCT] [--corrupt PCT]\n"
            "              [--mtu BYTES] [--dark-at SECONDS] [--dark-for SECONDS] [--paused]\n"
            "Joins namespaces NS (names under /run/netns, or paths) with a TUN device\n"
            "NAME (default tn0) in each and forwards IP packets between them.\n"
            "PCT and MS take one value for both directions or AB,BA for each.\n"
            "--loss, --dup, --corrupt: percent of packets lost, duplicated, given one\n"
            "flipped bit in their UDP payload (checksum repaired).\n"
            "--delay MS plus a uniform --jitter of +-MS; --reorder PCT holds packets back\n"
            "by --reorder-gap MS (default 30) so that later ones overtake them.\n"
            "--mtu: IP packets larger than BYTES are dropped silently.\n"
            "--dark-at S: nothing passes from S seconds after start for --dark-for\n"
            "seconds (default 10); SIGUSR1 starts such a period at once.\n"
            "--paused: start with loss, duplication, reordering and corruption off;\n"
            "SIGUSR2 toggles them.\n"
            "--duration: exit after SECONDS (default 120), as on SIGTERM.\n");
}

/* Parses "X" or "X,Y" into a (A to B) and b (B to A). */
static int parse_pair(const char *s, double *a, double *b)
{
    char *end = NULL;
    errno = 0;
    *a = strtod(s, &end);
    if (errno != 0 || end == s || *a < 0) {
        return -1;
    }
    if (*end == ',') {
        const char *t = end + 1;
        *b = strtod(t, &end);
        if (errno != 0 || end == t || *b < 0) {
            return -1;
        }
    } else {
        *b = *a;
    }
    return *end == '\0' ? 0 : -1;
}

static int parse_number(const char *s, double *v)
{
    char *end = NULL;
    errno = 0;
    *v = strtod(s, &end);
    return errno == 0 && end != s && *end == '\0' ? 0 : -1;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof(*o));
    o->dev = "tn0";
    o->duration_s = 120;
    o->reorder_gap_us = 30 * US_PER_MS;
    o->dark_at_s = -1;
    o->dark_for_s = 10;
    o->seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        double x = 0;
        double y = 0;
        int bad = 0;
        if (strcmp(a, "--paused") == 0) {
            o->paused = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (v == NULL) {
            fprintf(stderr, "linkem: '%s' needs a value or is unknown\n", a);
            return -1;
        }
        i++;
        if (strcmp(a, "--ns-a") == 0) {
            o->ns_a = v;
        } else if (strcmp(a, "--ns-b") == 0) {
            o->ns_b = v;
        } else if (strcmp(a, "--dev") == 0) {
            o->dev = v;
            bad = strlen(v) == 0 || strlen(v) >= IFNAMSIZ;
        } else if (strcmp(a, "--trace") == 0) {
            o->trace = v;
        } else if (strcmp(a, "--stats") == 0) {
            o->stats = v;
        } else if (strcmp(a, "--seed") == 0) {
            char *end = NULL;
            o->seed = strtoull(v, &end, 0);
            bad = end == v || *end != '\0';
        } else if (strcmp(a, "--duration") == 0) {
            bad = parse_number(v, &o->duration_s) < 0 || o->duration_s <= 0 ||
                  o->duration_s > MAX_DURATION_S;
        } else if (strcmp(a, "--mtu") == 0) {
            bad = parse_number(v, &x) < 0 || x < 68 || x > SLOT_BYTES;
            o->mtu = (size_t)x;
        } else if (strcmp(a, "--reorder-gap") == 0) {
            bad = parse_number(v, &x) < 0 || x < 0 || x > 60000;
            o->reorder_gap_us = (uint64_t)(x * US_PER_MS);
        } else if (strcmp(a, "--dark-at") == 0) {
            bad = parse_number(v, &o->dark_at_s) < 0 || o->dark_at_s < 0;
        } else if (strcmp(a, "--dark-for") == 0) {
            bad = parse_number(v, &o->dark_for_s) < 0 || o->dark_for_s <= 0 ||
                  o->dark_for_s > MAX_DURATION_S;
        } else if (strcmp(a, "--loss") == 0 || strcmp(a, "--dup") == 0 ||
                   strcmp(a, "--reorder") == 0 || strcmp(a, "--corrupt") == 0) {
            bad = parse_pair(v, &x, &y) < 0 || x > 100 || y > 100;
            double *f[2] = {&g_dir[0].imp.loss, &g_dir[1].imp.loss};
            if (strcmp(a, "--dup") == 0) {
                f[0] = &g_dir[0].imp.dup;
                f[1] = &g_dir[1].imp.dup;
            } else if (strcmp(a, "--reorder") == 0) {
                f[0] = &g_dir[0].imp.reorder;
                f[1] = &g_dir[1].imp.reorder;
            } else if (strcmp(a, "--corrupt") == 0) {
                f[0] = &g_dir[0].imp.corrupt;
                f[1] = &g_dir[1].imp.corrupt;
            }
            *f[0] = x / 100.0;
            *f[1] = y / 100.0;
        } else if (strcmp(a, "--delay") == 0 || strcmp(a, "--jitter") == 0) {
            bad = parse_pair(v, &x, &y) < 0 || x > 60000 || y > 60000;
            int delay = strcmp(a, "--delay") == 0;
            uint64_t *f0 = delay ? &g_dir[0].imp.delay_us : &g_dir[0].imp.jitter_us;
            uint64_t *f1 = delay ? &g_dir[1].imp.delay_us : &g_dir[1].imp.jitter_us;
            *f0 = (uint64_t)(x * US_PER_MS);
            *f1 = (uint64_t)(y * US_PER_MS);
        } else {
            fprintf(stderr, "linkem: unknown option '%s'\n", a);
            return -1;
        }
        if (bad) {
            fprintf(stderr, "linkem: bad value '%s' for %s\n", v, a);
            return -1;
        }
    }
    if (o->ns_a == NULL || o->ns_b == NULL) {
        fprintf(stderr, "linkem: --ns-a and --ns-b are needed\n");
        return -1;
    }
    return 0;
}

static void print_stats(FILE *out)
{
    for (int i = 0; i < 2; i++) {
        const struct counters *c = &g_dir[i].c;
        fprintf(out,
                "%s in=%lu in_bytes=%lu udp=%lu delivered=%lu delivered_bytes=%lu loss=%lu "
                "mtu=%lu dark=%lu queue=%lu dup=%lu corrupt=%lu held=%lu\n",
                g_dir[i].name, c->in, c->in_bytes, c->udp, c->delivered, c->delivered_bytes,
                c->loss, c->mtu, c->dark, c->queue, c->dup, c->corrupt, c->held);
    }
}

static void trace_event(uint64_t now, const char *what)
{
    if (g_trace != NULL) {
        trace_time(now);
        fprintf(g_trace, " -- event %s\n", what);
    }
}

/* The forwarding loop, until a stop signal or the duration ends. */
static void run(struct link_state *ls, int fd_a, int fd_b)
{
    const struct options *o = ls->o;
    uint64_t end = (uint64_t)(o->duration_s * (double)US_PER_S);
    uint64_t dark_for = (uint64_t)(o->dark_for_s * (double)US_PER_S);
    int was_dark = 0;
    sigset_t none;
    sigemptyset(&none);
    for (unsigned long iter = 0; iter < MAX_ITERATIONS && !g_stop; iter++) {
        uint64_t now = mono_us() - g_start_us;
        if (now >= end) {
            break;
        }
        if (g_go_dark) {
            g_go_dark = 0;
            ls->dark_from = now;
            ls->dark_until = now + dark_for;
        }
        if (g_toggle) {
            g_toggle = 0;
            ls->paused = !ls->paused;
            trace_event(now, ls->paused ? "impair-off" : "impair-on");
        }
        int dark = is_dark(now, ls->dark_from, ls->dark_until);
        if (dark != was_dark) {
            trace_event(now, dark ? "dark-start" : "dark-end");
            was_dark = dark;
        }
        /* Sleep until the next packet is due, the dark period changes, the
         * end, or 100 ms at most. */
        uint64_t wake = now + 100 * US_PER_MS;
        for (int i = 0; i < 2; i++) {
            size_t f = first_due(&g_dir[i]);
            if (f < QUEUE_SLOTS && g_dir[i].queue[f].due_us < wake) {
                wake = g_dir[i].queue[f].due_us;
            }
        }
        if (ls->dark_from > now && ls->dark_from < wake) {
            wake = ls->dark_from;
        }
        if (dark && ls->dark_until < wake) {
            wake = ls->dark_until;
        }
        if (end < wake) {
            wake = end;
        }
        uint64_t wait = wake > now ? wake - now : 0;
        struct timespec ts = {(time_t)(wait / US_PER_S), (long)(wait % US_PER_S) * 1000};
        struct pollfd pfd[2] = {{fd_a, POLLIN, 0}, {fd_b, POLLIN, 0}};
        /* Signals are blocked except inside ppoll(): none is missed. */
        int ready = ppoll(pfd, 2, &ts, &none);
        now = mono_us() - g_start_us;
        if (ready > 0) {
            for (int i = 0; i < 2; i++) {
                if (pfd[i].revents & POLLIN) {
                    drain(ls, &g_dir[i], now);
                }
            }
        }
        for (int i = 0; i < 2; i++) {
            deliver(ls, &g_dir[i], now);
        }
        if (g_trace != NULL) {
            fflush(g_trace);
        }
    }
}

int main(int argc, char **argv)
{
    struct options o;
    g_dir[0].name = "ab";
    g_dir[1].name = "ba";
    if (parse_args(argc, argv, &o) < 0) {
        usage(stderr);
        return 2;
    }
    g_dir[0].rng = o.seed * 2;
    g_dir[1].rng = o.seed * 2 + 1;
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);

    int status = 1;
    int fd_a = tun_in_netns(o.ns_a, o.dev);
    int fd_b = fd_a >= 0 ? tun_in_netns(o.ns_b, o.dev) : -1;
    if (fd_a < 0 || fd_b < 0) {
        status = 3;
        goto out;
    }
    if (o.trace != NULL) {
        g_trace = fopen(o.trace, "w");
        if (g_trace == NULL) {
            fprintf(stderr, "linkem: cannot write %s: %s\n", o.trace, strerror(errno));
            goto out;
        }
    }
    g_dir[0].in_fd = fd_a;
    g_dir[0].out_fd = fd_b;
    g_dir[1].in_fd = fd_b;
    g_dir[1].out_fd = fd_a;
    g_start_us = mono_us();
    struct link_state ls = {&o, UINT64_MAX, UINT64_MAX, o.paused};
    if (o.dark_at_s >= 0) {
        ls.dark_from = (uint64_t)(o.dark_at_s * (double)US_PER_S);
        ls.dark_until = ls.dark_from + (uint64_t)(o.dark_for_s * (double)US_PER_S);
    }
    printf("linkem: ready, %s and %s joined by %s (seed %llu)\n", o.ns_a, o.ns_b, o.dev,
           (unsigned long long)o.seed);
    fflush(stdout);
    if (o.paused) {
        trace_event(0, "impair-off");
    }
    run(&ls, fd_a, fd_b);
    print_stats(stdout);
    if (o.stats != NULL) {
        FILE *f = fopen(o.stats, "w");
        if (f != NULL) {
            print_stats(f);
            fclose(f);
        }
    }
    status = 0;
out:
    if (g_trace != NULL) {
        fclose(g_trace);
    }
    if (fd_a >= 0) {
        close(fd_a);
    }
    if (fd_b >= 0) {
        close(fd_b);
    }
    return status;
}
