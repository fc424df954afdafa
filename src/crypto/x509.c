#include "crypto/x509.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <tern/err.h>

#include "crypto/errors.h"
#include "crypto/pkey_impl.h"
#include "util/alloc.h"

/* Longest chain tern parses or sends (leaf plus nine issuers). */
#define MAX_CHAIN 10

struct tern_x509_chain {
    X509 *x[MAX_CHAIN];
    unsigned char *der[MAX_CHAIN];
    size_t der_len[MAX_CHAIN];
    size_t n;
};

struct tern_trust {
    X509_STORE *store;
    STACK_OF(X509) * anchors; /* those added from memory, for CA names */
};

static int looks_like_pem(const uint8_t *data, size_t len)
{
    static const char marker[] = "-----BEGIN ";
    size_t n = sizeof(marker) - 1;
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(data + i, marker, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* libcrypto computes a certificate's extension fields (key usage, basic
 * constraints, key identifiers, names, the signature's strength) on first
 * use and stores them in the certificate, under the certificate's lock;
 * but other libcrypto code reads those fields without taking it, so a
 * thread making that first computation races with another thread using
 * the same certificate (ThreadSanitizer reports it). tern shares
 * certificates between threads: those the cache hands to every connection
 * that receives the same bytes, a configuration's own chains and its trust
 * anchors. So each is settled while one thread alone holds it, before it
 * is shared; afterwards every use only reads. (Extensions that do not
 * decode are marked so, and verification reports them.) */
static void settle(X509 *x)
{
    X509_get_extension_flags(x);
}

/* Appends x with its DER encoding der (taking ownership of both, even on
 * failure). */
static int chain_take(struct tern_x509_chain *c, X509 *x, unsigned char *der, size_t len)
{
    if (c->n >= MAX_CHAIN) {
        X509_free(x);
        OPENSSL_free(der);
        return TERN_ERR_BAD_CREDENTIAL;
    }
    c->x[c->n] = x;
    c->der[c->n] = der;
    c->der_len[c->n] = len;
    c->n++;
    return TERN_OK;
}

/* Appends x (taking ownership) with its DER encoding. */
static int chain_push(struct tern_x509_chain *c, X509 *x)
{
    settle(x);
    unsigned char *der = NULL;
    int len = i2d_X509(x, &der);
    if (len <= 0) {
        X509_free(x);
        return TERN_ERR_BAD_CREDENTIAL;
    }
    return chain_take(c, x, der, (size_t)len);
}

/* Certificates received lately, decoded, by their bytes as received. A
 * client meets the same server chain handshake after handshake, and
 * libcrypto 3.0 decodes a certificate's public key through its decoder
 * framework, which enumerates every decoder and key manager by name each
 * time: about 1.5 million instructions (some 200 us here) per P-256
 * certificate, more than its ECDSA verification. A hit shares the decoded
 * certificate, as all threads share those of a trust store (libcrypto
 * counts the references and computes the cached fields under a lock), and
 * copies its encoding. Only the very same bytes hit, and what is looked up
 * is public (sent in the clear). At most CERT_CACHE_SLOTS certificates of
 * at most CERT_CACHE_MAX_DER bytes are kept, the least recently used
 * replaced first, for the life of the cache: one per configuration's
 * credentials, shared by its connections on any thread under its lock. */
#define CERT_CACHE_SLOTS   8
#define CERT_CACHE_MAX_DER 4096

struct cert_slot {
    unsigned char *key; /* the bytes received */
    size_t key_len;
    X509 *x;            /* the cache's own reference */
    unsigned char *der; /* i2d_X509(x) */
    size_t der_len;
    uint64_t used; /* when last used (a tick); 0: empty */
};

struct tern_x509_cache {
    struct cert_slot slot[CERT_CACHE_SLOTS];
    uint64_t tick;
    pthread_mutex_t lock;
};

int tern_x509_cache_new(struct tern_x509_cache **out)
{
    if (out == NULL) {
        return TERN_ERR_ARG;
    }
    *out = NULL;
    struct tern_x509_cache *c = tern_calloc(1, sizeof(*c));
    if (c == NULL) {
        return TERN_ERR_NOMEM;
    }
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        tern_free(c);
        return TERN_ERR_NOMEM;
    }
    *out = c;
    return TERN_OK;
}

void tern_x509_cache_free(struct tern_x509_cache *c)
{
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < CERT_CACHE_SLOTS; i++) {
        OPENSSL_free(c->slot[i].key);
        OPENSSL_free(c->slot[i].der);
        X509_free(c->slot[i].x);
    }
    pthread_mutex_destroy(&c->lock);
    tern_free(c);
}

/* The slot holding key, or NULL. Called locked. */
static struct cert_slot *cache_find(struct tern_x509_cache *c, const uint8_t *key, size_t len)
{
    for (size_t i = 0; i < CERT_CACHE_SLOTS; i++) {
        struct cert_slot *s = &c->slot[i];
        if (s->used != 0 && s->key_len == len && memcmp(s->key, key, len) == 0) {
            return s;
        }
    }
    return NULL;
}

/* On a hit, a new reference to the certificate decoded from key and a copy
 * of its encoding; returns 1 then, 0 on a miss. */
static int cache_get(struct tern_x509_cache *c, const uint8_t *key, size_t len, X509 **x,
                     unsigned char **der, size_t *der_len)
{
    if (c == NULL) {
        return 0;
    }
    int hit = 0;
    pthread_mutex_lock(&c->lock);
    struct cert_slot *s = cache_find(c, key, len);
    unsigned char *copy = s != NULL ? OPENSSL_malloc(s->der_len) : NULL;
    if (copy != NULL && X509_up_ref(s->x) == 1) {
        memcpy(copy, s->der, s->der_len);
        *x = s->x;
        *der = copy;
        *der_len = s->der_len;
        s->used = ++c->tick;
        hit = 1;
    }
    pthread_mutex_unlock(&c->lock);
    if (!hit) {
        OPENSSL_free(copy);
    }
    return hit;
}

/* Keeps x, decoded from key, with its encoding der. Not keeping it is no
 * error: the next one is decoded again. */
static void cache_put(struct tern_x509_cache *c, const uint8_t *key, size_t len, X509 *x,
                      const unsigned char *der, size_t der_len)
{
    if (c == NULL || len > CERT_CACHE_MAX_DER || der_len > CERT_CACHE_MAX_DER) {
        return;
    }
    struct cert_slot add = {OPENSSL_memdup(key, len),     len,     x,
                            OPENSSL_memdup(der, der_len), der_len, 0};
    if (add.key == NULL || add.der == NULL || X509_up_ref(x) != 1) {
        OPENSSL_free(add.key);
        OPENSSL_free(add.der);
        return;
    }
    pthread_mutex_lock(&c->lock);
    struct cert_slot old = add; /* what to free: ours if another thread was first */
    if (cache_find(c, key, len) == NULL) {
        struct cert_slot *victim = &c->slot[0];
        for (size_t i = 1; i < CERT_CACHE_SLOTS; i++) {
            victim = c->slot[i].used < victim->used ? &c->slot[i] : victim;
        }
        old = *victim;
        add.used = ++c->tick;
        *victim = add;
    }
    pthread_mutex_unlock(&c->lock);
    if (old.key != NULL) {
        OPENSSL_free(old.key);
        OPENSSL_free(old.der);
        X509_free(old.x);
    }
}

/* Decodes one certificate as received (through the cache) and appends it.
 * Undecodable bytes, or trailing bytes after the certificate, fail. */
static int chain_push_der(struct tern_x509_cache *cache, struct tern_x509_chain *c,
                          const uint8_t *der, size_t len)
{
    X509 *x = NULL;
    unsigned char *enc = NULL;
    size_t enc_len = 0;
    if (cache_get(cache, der, len, &x, &enc, &enc_len)) {
        return chain_take(c, x, enc, enc_len);
    }
    const unsigned char *p = der;
    x = len <= (size_t)INT32_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
    if (x == NULL || p != der + len) {
        X509_free(x);
        return TERN_ERR_BAD_CREDENTIAL;
    }
    int n = i2d_X509(x, &enc);
    if (n <= 0) {
        X509_free(x);
        return TERN_ERR_BAD_CREDENTIAL;
    }
    /* Before the cache publishes it to other threads. */
    settle(x);
    cache_put(cache, der, len, x, enc, (size_t)n);
    return chain_take(c, x, enc, (size_t)n);
}

/* Reads every certificate of data (PEM or one DER) and hands each to push. */
static int read_certs_loud(const uint8_t *data, size_t len, int (*push)(void *arg, X509 *x),
                           void *arg)
{
    if (data == NULL || len == 0 || len > (size_t)INT32_MAX) {
        return TERN_ERR_ARG;
    }
    if (!looks_like_pem(data, len)) {
        const unsigned char *p = data;
        X509 *x = d2i_X509(NULL, &p, (long)len);
        if (x == NULL || p != data + len) {
            X509_free(x);
            return TERN_ERR_BAD_CREDENTIAL;
        }
        return push(arg, x);
    }
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (bio == NULL) {
        return TERN_ERR_NOMEM;
    }
    int count = 0;
    int rc = TERN_OK;
    X509 *x;
    while (rc == TERN_OK && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        rc = push(arg, x);
        count++;
    }
    BIO_free(bio);
    return rc == TERN_OK && count == 0 ? TERN_ERR_BAD_CREDENTIAL : rc;
}

/* Reading PEM ends with libcrypto queueing "no start line" at the end of
 * the text, and DER that does not decode queues its own errors: none of it
 * stays on the application's queue (crypto/errors.h). */
static int read_certs(const uint8_t *data, size_t len, int (*push)(void *arg, X509 *x), void *arg)
{
    tern_crypto_quiet_begin();
    int rc = read_certs_loud(data, len, push, arg);
    tern_crypto_quiet_end();
    return rc;
}

static int push_chain(void *arg, X509 *x)
{
    return chain_push(arg, x);
}

int tern_x509_chain_parse(const uint8_t *data, size_t len, struct tern_x509_chain **out)
{
    if (out == NULL) {
        return TERN_ERR_ARG;
    }
    *out = NULL;
    struct tern_x509_chain *c = tern_calloc(1, sizeof(*c));
    if (c == NULL) {
        return TERN_ERR_NOMEM;
    }
    int rc = read_certs(data, len, push_chain, c);
    if (rc != TERN_OK) {
        tern_x509_chain_free(c);
        return rc;
    }
    *out = c;
    return TERN_OK;
}

int tern_x509_chain_from_der(struct tern_x509_cache *cache, const uint8_t *const *der,
                             const size_t *len, size_t n, struct tern_x509_chain **out)
{
    if (out == NULL || (n > 0 && (der == NULL || len == NULL))) {
        return TERN_ERR_ARG;
    }
    *out = NULL;
    if (n > MAX_CHAIN) {
        return TERN_ERR_BAD_CREDENTIAL;
    }
    struct tern_x509_chain *c = tern_calloc(1, sizeof(*c));
    if (c == NULL) {
        return TERN_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        int rc = chain_push_der(cache, c, der[i], len[i]);
        if (rc != TERN_OK) {
            tern_x509_chain_free(c);
            return rc;
        }
    }
    *out = c;
    return TERN_OK;
}

size_t tern_x509_chain_count(const struct tern_x509_chain *c)
{
    return c == NULL ? 0 : c->n;
}

const uint8_t *tern_x509_chain_der(const struct tern_x509_chain *c, size_t i, size_t *len)
{
    if (c == NULL || i >= c->n) {
        *len = 0;
        return NULL;
    }
    *len = c->der_len[i];
    return c->der[i];
}

int tern_x509_chain_leaf_key(const struct tern_x509_chain *c, struct tern_pkey **out)
{
    if (c == NULL || c->n == 0 || out == NULL) {
        return TERN_ERR_ARG;
    }
    EVP_PKEY *pk = X509_get_pubkey(c->x[0]); /* a new reference */
    return tern_pkey_wrap(out, pk, 0);
}

int tern_x509_chain_matches_key(const struct tern_x509_chain *c, const struct tern_pkey *key)
{
    if (c == NULL || c->n == 0 || key == NULL) {
        return 0;
    }
    return EVP_PKEY_eq(X509_get0_pubkey(c->x[0]), key->pk) == 1;
}

void tern_x509_chain_free(struct tern_x509_chain *c)
{
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < c->n; i++) {
        X509_free(c->x[i]);
        OPENSSL_free(c->der[i]);
    }
    tern_free(c);
}

/* Host names as RFC 9525 has them: compared with the DNS names of
 * subjectAltName only, never with the subject's common name (the CN-ID
 * that RFC 6125 still allowed as a fallback); and by its section 6.3 a
 * wildcard must be the complete left-most label ("*.example.com", never
 * "f*.example.com") and matches one label. libcrypto already allows a
 * wildcard only in the left-most label and for one label. */
#define HOST_FLAGS (X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS)

/* Reads an address literal exactly (inet_pton: a dotted quad of decimal
 * bytes, or RFC 4291 section 2.2 text, with no zone, port, brackets or
 * spaces, which libcrypto's own reader lets through). Returns its length
 * in out (4 or 16), or 0 when text is no address. */
static size_t parse_address(const char *text, uint8_t out[16])
{
    if (inet_pton(AF_INET, text, out) == 1) {
        return 4;
    }
    return inet_pton(AF_INET6, text, out) == 1 ? 16 : 0;
}

enum tern_x509_name_kind tern_x509_name_kind(const char *name)
{
    uint8_t addr[16];
    if (parse_address(name, addr) > 0) {
        return TERN_X509_NAME_IP;
    }
    size_t len = strlen(name);
    if (strspn(name, "0123456789.") == len || strchr(name, ':') != NULL) {
        return TERN_X509_NAME_NOT_AN_ADDRESS;
    }
    return TERN_X509_NAME_DNS;
}

int tern_x509_chain_matches_host(const struct tern_x509_chain *c, const char *host)
{
    if (c == NULL || c->n == 0 || host == NULL || host[0] == '\0' ||
        tern_x509_name_kind(host) != TERN_X509_NAME_DNS) {
        return 0;
    }
    return X509_check_host(c->x[0], host, strlen(host), HOST_FLAGS, NULL) == 1;
}

int tern_x509_chain_issued_by_any(const struct tern_x509_chain *c, const uint8_t *names, size_t len)
{
    if (c == NULL || names == NULL) {
        return 0;
    }
    size_t off = 0;
    while (len - off >= 2) {
        size_t n = (size_t)names[off] << 8 | names[off + 1];
        if (n == 0 || n > len - off - 2 || n > INT32_MAX) {
            return 0;
        }
        const unsigned char *p = names + off + 2;
        X509_NAME *want = d2i_X509_NAME(NULL, &p, (long)n);
        off += 2 + n;
        if (want == NULL) {
            continue;
        }
        int hit = 0;
        for (size_t i = 0; i < c->n && !hit; i++) {
            hit = X509_NAME_cmp(X509_get_issuer_name(c->x[i]), want) == 0 ||
                  X509_NAME_cmp(X509_get_subject_name(c->x[i]), want) == 0;
        }
        X509_NAME_free(want);
        if (hit) {
            return 1;
        }
    }
    return 0;
}

int tern_trust_new(struct tern_trust **out)
{
    if (out == NULL) {
        return TERN_ERR_ARG;
    }
    *out = NULL;
    struct tern_trust *t = tern_calloc(1, sizeof(*t));
    if (t == NULL) {
        return TERN_ERR_NOMEM;
    }
    t->store = X509_STORE_new();
    t->anchors = sk_X509_new_null();
    if (t->store == NULL || t->anchors == NULL) {
        tern_trust_free(t);
        return TERN_ERR_NOMEM;
    }
    *out = t;
    return TERN_OK;
}

void tern_trust_free(struct tern_trust *t)
{
    if (t == NULL) {
        return;
    }
    X509_STORE_free(t->store);
    sk_X509_pop_free(t->anchors, X509_free);
    tern_free(t);
}

static int push_anchor(void *arg, X509 *x)
{
    struct tern_trust *t = arg;
    settle(x);
    if (X509_STORE_add_cert(t->store, x) != 1 || sk_X509_push(t->anchors, x) <= 0) {
        X509_free(x);
        return TERN_ERR_NOMEM;
    }
    return TERN_OK;
}

int tern_trust_add(struct tern_trust *t, const uint8_t *data, size_t len)
{
    if (t == NULL) {
        return TERN_ERR_ARG;
    }
    return read_certs(data, len, push_anchor, t);
}

int tern_trust_add_dir(struct tern_trust *t, const char *dir)
{
    if (t == NULL || dir == NULL) {
        return TERN_ERR_ARG;
    }
    tern_crypto_quiet_begin();
    int ok = X509_STORE_load_path(t->store, dir) == 1;
    tern_crypto_quiet_end();
    return ok ? TERN_OK : TERN_ERR_BAD_CREDENTIAL;
}

int tern_trust_add_system(struct tern_trust *t)
{
    if (t == NULL) {
        return TERN_ERR_ARG;
    }
    tern_crypto_quiet_begin();
    int ok = X509_STORE_set_default_paths(t->store) == 1;
    tern_crypto_quiet_end();
    return ok ? TERN_OK : TERN_ERR_BAD_CREDENTIAL;
}

int tern_trust_ca_names(const struct tern_trust *t, uint8_t *out, size_t cap, size_t *len)
{
    size_t used = 0;
    for (int i = 0; i < sk_X509_num(t->anchors); i++) {
        const X509_NAME *name = X509_get_subject_name(sk_X509_value(t->anchors, i));
        unsigned char *der = NULL;
        int n = i2d_X509_NAME(name, &der);
        if (n <= 0) {
            continue;
        }
        if (cap - used < 2 + (size_t)n || n > 0xffff) {
            OPENSSL_free(der);
            return TERN_ERR_BUFFER;
        }
        out[used] = (uint8_t)(n >> 8);
        out[used + 1] = (uint8_t)n;
        memcpy(out + used + 2, der, (size_t)n);
        used += 2 + (size_t)n;
        OPENSSL_free(der);
    }
    *len = used;
    return TERN_OK;
}

static enum tern_verify_reason map_error(int err)
{
    switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return TERN_VERIFY_EXPIRED;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return TERN_VERIFY_NOT_YET_VALID;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        return TERN_VERIFY_UNKNOWN_ISSUER;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        return TERN_VERIFY_SELF_SIGNED;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
        return TERN_VERIFY_UNTRUSTED_ROOT;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return TERN_VERIFY_HOSTNAME_MISMATCH;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
        return TERN_VERIFY_BAD_SIGNATURE;
    case X509_V_ERR_INVALID_PURPOSE:
    case X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
        return TERN_VERIFY_INVALID_PURPOSE;
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
        return TERN_VERIFY_CHAIN_TOO_LONG;
    case X509_V_ERR_CERT_REVOKED:
        return TERN_VERIFY_REVOKED;
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_INVALID_NON_CA:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
        return TERN_VERIFY_NOT_A_CA;
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
        return TERN_VERIFY_PATH_LENGTH;
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK:
        return TERN_VERIFY_WEAK_KEY;
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
    case X509_V_ERR_INVALID_EXTENSION:
    case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
        return TERN_VERIFY_MALFORMED;
    case X509_V_ERR_CERT_REJECTED:
        return TERN_VERIFY_REJECTED;
    case X509_V_ERR_PERMITTED_VIOLATION:
    case X509_V_ERR_EXCLUDED_VIOLATION:
    case X509_V_ERR_SUBTREE_MINMAX:
    case X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE:
    case X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX:
    case X509_V_ERR_UNSUPPORTED_NAME_SYNTAX:
        return TERN_VERIFY_NAME_CONSTRAINTS;
    default:
        return TERN_VERIFY_OTHER;
    }
}

struct collect {
    struct tern_verify_error *errs;
    size_t max; /* at least 1 */
    size_t n;
};

/* Records one problem unless it is listed already. When the list is full
 * the last place says so instead of keeping its problem: an application
 * that accepts what it was shown must never accept what it was not shown
 * (libcrypto reports the dates of the whole chain before a leaf's
 * signature or name constraints). */
static void collect_add(struct collect *c, struct tern_verify_error e)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->errs[i].reason == e.reason && c->errs[i].depth == e.depth) {
            return;
        }
    }
    if (c->n < c->max) {
        c->errs[c->n++] = e;
        return;
    }
    c->errs[c->max - 1] = (struct tern_verify_error){TERN_VERIFY_TOO_MANY_PROBLEMS, -1};
}

/* Called by libcrypto at each step; records the failure and carries on, so
 * that every reason is reported, not only the first. */
static int collect_cb(int ok, X509_STORE_CTX *ctx)
{
    if (ok) {
        return 1;
    }
    struct collect *c = X509_STORE_CTX_get_app_data(ctx);
    int err = X509_STORE_CTX_get_error(ctx);
    collect_add(c, (struct tern_verify_error){map_error(err), X509_STORE_CTX_get_error_depth(ctx)});
    return 1;
}

/* Whether the leaf's key may make signatures. Every DTLS 1.2 suite tern
 * has authenticates by a signature of the leaf's key: the server's over its
 * ECDHE share (RFC 5246 section 7.4.3, RFC 8422 section 5.4), the client's
 * CertificateVerify (RFC 5246 section 7.4.8). RFC 8422 section 5.3 and RFC
 * 5246 sections 7.4.2 and 7.4.6 ask for a key usage that allows signing,
 * and a keyUsage extension restricts the key to the uses it lists (RFC
 * 5280 section 4.2.1.3). libcrypto's TLS purposes also take keyEncipherment
 * or keyAgreement alone, which fit RSA key transport and static ECDH but
 * not a signature. No keyUsage extension: no restriction. */
static int leaf_may_sign(X509 *leaf)
{
    if ((X509_get_extension_flags(leaf) & EXFLAG_KUSAGE) == 0) {
        return 1;
    }
    return (X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE) != 0;
}

int tern_x509_verify(const struct tern_trust *t, const struct tern_x509_chain *chain,
                     const struct tern_x509_check *check, struct tern_verify_error *errs,
                     size_t max_errs, size_t *n_errs)
{
    if (t == NULL || chain == NULL || check == NULL || n_errs == NULL || errs == NULL ||
        max_errs == 0) {
        return TERN_ERR_ARG;
    }
    *n_errs = 0;
    if (chain->n == 0) {
        errs[0] = (struct tern_verify_error){TERN_VERIFY_NO_CERTIFICATE, -1};
        *n_errs = 1;
        return TERN_OK;
    }
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int rc = TERN_ERR_NOMEM;
    if (untrusted == NULL || ctx == NULL) {
        goto out;
    }
    for (size_t i = 1; i < chain->n; i++) {
        if (sk_X509_push(untrusted, chain->x[i]) <= 0) {
            goto out;
        }
    }
    if (X509_STORE_CTX_init(ctx, t->store, chain->x[0], untrusted) != 1) {
        goto out;
    }
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_purpose(param, check->purpose == TERN_X509_CLIENT
                                             ? X509_PURPOSE_SSL_CLIENT
                                             : X509_PURPOSE_SSL_SERVER);
    X509_VERIFY_PARAM_set_hostflags(param, HOST_FLAGS);
    /* The name and address were checked when they were set: copying them
     * can only fail for memory. */
    if (check->host != NULL && X509_VERIFY_PARAM_set1_host(param, check->host, 0) != 1) {
        goto out;
    }
    /* Text that is no address names nothing a certificate could hold: a
     * mismatch, found without asking libcrypto. */
    uint8_t addr[16];
    size_t addr_len = check->ip != NULL ? parse_address(check->ip, addr) : 0;
    int unmatchable = check->ip != NULL && addr_len == 0;
    if (addr_len > 0 && X509_VERIFY_PARAM_set1_ip(param, addr, addr_len) != 1) {
        goto out;
    }
    if (check->max_depth > 0) {
        X509_VERIFY_PARAM_set_depth(param, check->max_depth);
    }
    if (check->at_time != 0) {
        X509_VERIFY_PARAM_set_time(param, (time_t)check->at_time);
    }
    /* libcrypto then reports a leaf key below the level's strength
     * (EE_KEY_TOO_SMALL), an issuer's (CA_KEY_TOO_SMALL) and a signature
     * digest of any certificate but the anchor (CA_MD_TOO_WEAK). */
    X509_VERIFY_PARAM_set_auth_level(param, check->security_level);
    struct collect col = {errs, max_errs, 0};
    X509_STORE_CTX_set_app_data(ctx, &col);
    X509_STORE_CTX_set_verify_cb(ctx, collect_cb);
    int ok = X509_verify_cert(ctx);
    if (ok != 1 && col.n == 0) {
        /* Failed without calling back (internal error): still a failure. */
        collect_cb(0, ctx);
    }
    if (!leaf_may_sign(chain->x[0])) {
        collect_add(&col, (struct tern_verify_error){TERN_VERIFY_INVALID_PURPOSE, 0});
    }
    if (unmatchable) {
        collect_add(&col, (struct tern_verify_error){TERN_VERIFY_HOSTNAME_MISMATCH, 0});
    }
    *n_errs = col.n;
    rc = TERN_OK;
out:
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    return rc;
}
