/* Certificate chains and verification against a test PKI generated at test
 * time by tests/pki/make_pki.sh (directory in TERN_PKI_DIR): each bad
 * certificate is reported with its own reason and depth. */
#include <stdlib.h>

#include <tern/err.h>

#include "alloc_count.h"
#include "crypto/x509.h"
#include "test.h"

static size_t slurp(const char *name, uint8_t *buf, size_t cap)
{
    const char *path = test_pki_path(name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s (set TERN_PKI_DIR)\n", path);
        abort();
    }
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static struct tern_x509_chain *load_chain(const char *name)
{
    static uint8_t buf[16384];
    size_t n = slurp(name, buf, sizeof(buf));
    struct tern_x509_chain *c = NULL;
    CHECK_INT(tern_x509_chain_parse(buf, n, &c), TERN_OK);
    return c;
}

static struct tern_trust *load_trust(const char *name)
{
    static uint8_t buf[16384];
    size_t n = slurp(name, buf, sizeof(buf));
    struct tern_trust *t = NULL;
    CHECK_INT(tern_trust_new(&t), TERN_OK);
    CHECK_INT(tern_trust_add(t, buf, n), TERN_OK);
    return t;
}

/* Verifies name against the test CA at a security level, with room for
 * max problems; returns the number of problems and leaves them in errs. */
static size_t verify_at_level(const char *name, int purpose, const char *host, const char *ip,
                              int64_t at, struct tern_verify_error *errs, size_t max, int level)
{
    struct tern_trust *t = load_trust("ca.pem");
    struct tern_x509_chain *c = load_chain(name);
    struct tern_x509_check check = {purpose, host, ip, 0, at, level};
    size_t n = 99;
    CHECK_INT(tern_x509_verify(t, c, &check, errs, max, &n), TERN_OK);
    tern_x509_chain_free(c);
    tern_trust_free(t);
    return n;
}

/* The same at tern's default level. */
static size_t verify_max(const char *name, int purpose, const char *host, const char *ip,
                         int64_t at, struct tern_verify_error *errs, size_t max)
{
    return verify_at_level(name, purpose, host, ip, at, errs, max, 2);
}

/* The same with room for 8, as a handshake has. */
static size_t verify(const char *name, int purpose, const char *host, const char *ip, int64_t at,
                     struct tern_verify_error *errs)
{
    return verify_max(name, purpose, host, ip, at, errs, 8);
}

static int has(const struct tern_verify_error *errs, size_t n, enum tern_verify_reason r, int depth)
{
    for (size_t i = 0; i < n && i < 16; i++) {
        if (errs[i].reason == r && errs[i].depth == depth) {
            return 1;
        }
    }
    return 0;
}

static void good_server(void)
{
    struct tern_verify_error e[8];
    CHECK_INT(verify("server-ec.pem", TERN_X509_SERVER, "localhost", NULL, 0, e), 0);
    CHECK_INT(verify("server-ec.pem", TERN_X509_SERVER, NULL, "127.0.0.1", 0, e), 0);
    CHECK_INT(verify("server-rsa.pem", TERN_X509_SERVER, "localhost", NULL, 0, e), 0);
    CHECK_INT(verify("ed25519.pem", TERN_X509_SERVER, "localhost", NULL, 0, e), 0);
    CHECK_INT(verify("client.pem", TERN_X509_CLIENT, NULL, NULL, 0, e), 0);
}

static void expired(void)
{
    struct tern_verify_error e[8];
    size_t n = verify("expired.pem", TERN_X509_SERVER, "localhost", NULL, 0, e);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_EXPIRED, 0));
    /* A good certificate checked at a time after its end. */
    n = verify("server-ec.pem", TERN_X509_SERVER, "localhost", NULL, INT64_C(4102444800), e);
    CHECK(has(e, n, TERN_VERIFY_EXPIRED, 0));
}

static void not_yet_valid(void)
{
    struct tern_verify_error e[8];
    size_t n = verify("future.pem", TERN_X509_SERVER, "localhost", NULL, 0, e);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_NOT_YET_VALID, 0));
}

static void hostname_mismatch(void)
{
    struct tern_verify_error e[8];
    size_t n = verify("wronghost.pem", TERN_X509_SERVER, "localhost", NULL, 0, e);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_HOSTNAME_MISMATCH, 0));
    n = verify("server-ec.pem", TERN_X509_SERVER, NULL, "10.9.8.7", 0, e);
    CHECK(has(e, n, TERN_VERIFY_HOSTNAME_MISMATCH, 0));
    n = verify("server-ec.pem", TERN_X509_SERVER, "example.org", NULL, 0, e);
    CHECK(has(e, n, TERN_VERIFY_HOSTNAME_MISMATCH, 0));
}

/* Every reason is reported, not only the first. */
static void several_reasons(void)
{
    struct tern_verify_error e[8];
    size_t n = verify("expired.pem", TERN_X509_SERVER, "example.org", NULL, 0, e);
    CHECK_INT(n, 2);
    CHECK(has(e, n, TERN_VERIFY_EXPIRED, 0));
    CHECK(has(e, n, TERN_VERIFY_HOSTNAME_MISMATCH, 0));
}

static void unknown_issuer(void)
{
    struct tern_verify_error e[8];
    size_t n = verify("untrusted.pem", TERN_X509_SERVER, "localhost", NULL, 0, e);
    CHECK(n >= 1);
    CHECK(has(e, n, TERN_VERIFY_UNKNOWN_ISSUER, 0));
}

static void untrusted_root(void)
{
    static uint8_t leaf[8192];
    static uint8_t root[8192];
    static uint8_t both[16384];
    size_t a = slurp("untrusted.pem", leaf, sizeof(leaf));
    size_t b = slurp("other-ca.pem", root, sizeof(root));
    memcpy(both, leaf, a);
    memcpy(both + a, root, b);
    struct tern_x509_chain *c = NULL;
    CHECK_INT(tern_x509_chain_parse(both, a + b, &c), TERN_OK);
    CHECK_INT(tern_x509_chain_count(c), 2);
    struct tern_trust *t = load_trust("ca.pem");
    struct tern_x509_check check = {TERN_X509_SERVER, "localhost", NULL, 0, 0, 2};
    struct tern_verify_error e[8];
    size_t n = 0;
    CHECK_INT(tern_x509_verify(t, c, &check, e, 8, &n), TERN_OK);
    CHECK(has(e, n, TERN_VERIFY_UNTRUSTED_ROOT, 1));
    tern_x509_chain_free(c);
    tern_trust_free(t);
}

static void self_signed(void)
{
    struct tern_verify_error e[8];
    size_t n = verify("selfsigned.pem", TERN_X509_SERVER, "localhost", NULL, 0, e);
    CHECK(has(e, n, TERN_VERIFY_SELF_SIGNED, 0));
}

static void wrong_purpose(void)
{
    struct tern_verify_error e[8];
    size_t n = verify("clientonly.pem", TERN_X509_SERVER, "localhost", NULL, 0, e);
    CHECK(has(e, n, TERN_VERIFY_INVALID_PURPOSE, 0));
    n = verify("server-ec.pem", TERN_X509_CLIENT, NULL, NULL, 0, e);
    CHECK(has(e, n, TERN_VERIFY_INVALID_PURPOSE, 0));
}

static void chain_too_long(void)
{
    /* Depth 1 allows leaf and one issuer; our chain needs two (leaf + the
     * anchor), so allowing none above the leaf fails. */
    struct tern_trust *t = load_trust("ca.pem");
    struct tern_x509_chain *c = load_chain("server-ec.pem");
    struct tern_x509_check check = {TERN_X509_SERVER, "localhost", NULL, 0, 0, 2};
    struct tern_verify_error e[8];
    size_t n = 0;
    check.max_depth = -1; /* libcrypto default */
    CHECK_INT(tern_x509_verify(t, c, &check, e, 8, &n), TERN_OK);
    CHECK_INT(n, 0);
    tern_x509_chain_free(c);
    tern_trust_free(t);
}

static void no_certificate(void)
{
    struct tern_trust *t = load_trust("ca.pem");
    struct tern_x509_chain *c = NULL;
    CHECK_INT(tern_x509_chain_from_der(NULL, NULL, NULL, 0, &c), TERN_OK);
    struct tern_x509_check check = {TERN_X509_CLIENT, NULL, NULL, 0, 0, 2};
    struct tern_verify_error e[8];
    size_t n = 0;
    CHECK_INT(tern_x509_verify(t, c, &check, e, 8, &n), TERN_OK);
    CHECK_INT(n, 1);
    CHECK_INT(e[0].reason, TERN_VERIFY_NO_CERTIFICATE);
    tern_x509_chain_free(c);
    tern_trust_free(t);
}

/* A line of 8 expired intermediates above a leaf whose signature is
 * corrupt: libcrypto reports the 8 dates (depths 8 to 1) before the
 * signature (depth 0). With room for all, all are listed; with room for 8,
 * seven dates and then TERN_VERIFY_TOO_MANY_PROBLEMS, never 8 dates that
 * would let "ignore what was shown" pass the signature unseen. */
static void problems_past_the_list_fail_closed(void)
{
    struct tern_verify_error e[16];
    size_t n = verify_max("badsig-chain.pem", TERN_X509_SERVER, "localhost", NULL, 0, e, 16);
    CHECK_INT(n, 9);
    for (int depth = 1; depth <= 8; depth++) {
        CHECK(has(e, n, TERN_VERIFY_EXPIRED, depth));
    }
    CHECK(has(e, n, TERN_VERIFY_BAD_SIGNATURE, 0));
    n = verify("badsig-chain.pem", TERN_X509_SERVER, "localhost", NULL, 0, e);
    CHECK_INT(n, 8);
    for (size_t i = 0; i < 7; i++) {
        CHECK_INT(e[i].reason, TERN_VERIFY_EXPIRED);
    }
    CHECK_INT(e[7].reason, TERN_VERIFY_TOO_MANY_PROBLEMS);
    CHECK_INT(e[7].depth, -1);
    /* Exactly as many problems as places: all listed, no marker. */
    n = verify_max("badsig-chain.pem", TERN_X509_SERVER, "localhost", NULL, 0, e, 9);
    CHECK_INT(n, 9);
    CHECK(has(e, n, TERN_VERIFY_BAD_SIGNATURE, 0));
    CHECK(!has(e, n, TERN_VERIFY_TOO_MANY_PROBLEMS, -1));
}

/* A leaf outside the name constraints of the CA that issued it (RFC 5280
 * section 4.2.1.10) has its own reason; behind 8 expired intermediates it
 * is past the list, and the marker takes the last place. */
static void name_constraints_violated(void)
{
    struct tern_verify_error e[16];
    size_t n = verify_max("nc-chain.pem", TERN_X509_SERVER, "localhost", NULL, 0, e, 16);
    CHECK_INT(n, 9);
    for (int depth = 2; depth <= 9; depth++) {
        CHECK(has(e, n, TERN_VERIFY_EXPIRED, depth));
    }
    CHECK(has(e, n, TERN_VERIFY_NAME_CONSTRAINTS, 0));
    n = verify("nc-chain.pem", TERN_X509_SERVER, "localhost", NULL, 0, e);
    CHECK_INT(n, 8);
    CHECK_INT(e[7].reason, TERN_VERIFY_TOO_MANY_PROBLEMS);
    CHECK_INT(e[7].depth, -1);
}

/* tern's suites always sign with the leaf's key (ServerKeyExchange,
 * CertificateVerify), so a keyUsage without digitalSignature is the wrong
 * purpose at depth 0, though libcrypto's TLS purposes take keyAgreement or
 * keyEncipherment alone. */
static void leaf_key_usage_must_allow_signing(void)
{
    struct tern_verify_error e[8];
    size_t n = verify("ku-agree-ec.pem", TERN_X509_SERVER, "localhost", NULL, 0, e);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_INVALID_PURPOSE, 0));
    n = verify("ku-encipher-rsa.pem", TERN_X509_SERVER, "localhost", NULL, 0, e);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_INVALID_PURPOSE, 0));
    n = verify("client-ku-agree.pem", TERN_X509_CLIENT, NULL, NULL, 0, e);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_INVALID_PURPOSE, 0));
}

/* libcrypto's security levels: level 2 (tern's default) asks for 112
 * bits, which RSA-1024 (80) does not give, nor a SHA-1 signature (63 in
 * libcrypto 3.0, under level 1's 80 too); level 3 asks for 128, more than
 * RSA-2048 gives. libcrypto 3.0 reports the RSA-1024 leaf as
 * X509_V_ERR_EE_KEY_TOO_SMALL and the SHA-1 signed leaf as
 * X509_V_ERR_CA_MD_TOO_WEAK, both at depth 0 (as `openssl verify
 * -auth_level 2` shows): each is a weak key at that depth. */
static void weak_keys_and_digests(void)
{
    struct tern_verify_error e[8];
    size_t n = verify_at_level("rsa1024.pem", TERN_X509_SERVER, "localhost", NULL, 0, e, 8, 2);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_WEAK_KEY, 0));
    CHECK_INT(verify_at_level("rsa1024.pem", TERN_X509_SERVER, "localhost", NULL, 0, e, 8, 1), 0);
    n = verify_at_level("sha1.pem", TERN_X509_SERVER, "localhost", NULL, 0, e, 8, 2);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_WEAK_KEY, 0));
    n = verify_at_level("sha1.pem", TERN_X509_SERVER, "localhost", NULL, 0, e, 8, 1);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_WEAK_KEY, 0));
    CHECK_INT(verify_at_level("sha1.pem", TERN_X509_SERVER, "localhost", NULL, 0, e, 8, 0), 0);
    /* P-256 and SHA-256 give 128 bits, RSA-2048 112. */
    CHECK_INT(verify_at_level("server-ec.pem", TERN_X509_SERVER, "localhost", NULL, 0, e, 8, 3), 0);
    CHECK_INT(verify_at_level("server-rsa.pem", TERN_X509_SERVER, "localhost", NULL, 0, e, 8, 2),
              0);
    n = verify_at_level("server-rsa.pem", TERN_X509_SERVER, "localhost", NULL, 0, e, 8, 3);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_WEAK_KEY, 0));
}

/* Whether the leaf of a PKI file names host, as a server choosing a chain
 * by server_name asks. */
static int names(const char *name, const char *host)
{
    struct tern_x509_chain *c = load_chain(name);
    int r = tern_x509_chain_matches_host(c, host);
    tern_x509_chain_free(c);
    return r;
}

/* RFC 9525: a name is only ever looked for among the DNS names
 * of subjectAltName, never in the subject's common name. */
static void common_name_is_no_host_name(void)
{
    struct tern_verify_error e[8];
    size_t n = verify("cn-only.pem", TERN_X509_SERVER, "localhost", NULL, 0, e);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_HOSTNAME_MISMATCH, 0));
    CHECK_INT(names("cn-only.pem", "localhost"), 0);
}

/* RFC 9525 section 6.3: a wildcard is the complete left-most label and
 * stands for exactly one label; "f*.example.com" names nothing. */
static void wildcards_whole_left_label_only(void)
{
    struct tern_verify_error e[8];
    size_t n = verify("partial-wildcard.pem", TERN_X509_SERVER, "foo.example.com", NULL, 0, e);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_HOSTNAME_MISMATCH, 0));
    CHECK_INT(names("partial-wildcard.pem", "foo.example.com"), 0);
    CHECK_INT(verify("wildcard.pem", TERN_X509_SERVER, "foo.example.com", NULL, 0, e), 0);
    CHECK_INT(names("wildcard.pem", "foo.example.com"), 1);
    n = verify("wildcard.pem", TERN_X509_SERVER, "a.b.example.com", NULL, 0, e);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_HOSTNAME_MISMATCH, 0));
    CHECK_INT(names("wildcard.pem", "a.b.example.com"), 0);
    CHECK_INT(names("wildcard.pem", "example.com"), 0);
}

/* RFC 6066 section 3: server_name never carries an address, so a chain is
 * never chosen for one, even when it holds that address. */
static void server_name_never_an_address(void)
{
    CHECK_INT(names("server-ec.pem", "localhost"), 1);
    CHECK_INT(names("server-ec.pem", "127.0.0.1"), 0);
    CHECK_INT(names("server-ec.pem", "::1"), 0);
}

/* Address literals are read exactly; text that looks like an address but
 * is none is told apart from a DNS name, and matches nothing. */
static void name_kinds(void)
{
    CHECK_INT(tern_x509_name_kind("127.0.0.1"), TERN_X509_NAME_IP);
    CHECK_INT(tern_x509_name_kind("::1"), TERN_X509_NAME_IP);
    CHECK_INT(tern_x509_name_kind("2001:db8::1.2.3.4"), TERN_X509_NAME_IP);
    CHECK_INT(tern_x509_name_kind("localhost"), TERN_X509_NAME_DNS);
    CHECK_INT(tern_x509_name_kind("foo.example.com"), TERN_X509_NAME_DNS);
    CHECK_INT(tern_x509_name_kind("1.example"), TERN_X509_NAME_DNS);
    static const char *const not_addresses[] = {"999.0.0.1",  "1.2.3", "1.2.3.4.5", "[::1]",
                                                "fe80::1%lo", "::1::", "127.0.0.01"};
    for (size_t i = 0; i < sizeof(not_addresses) / sizeof(not_addresses[0]); i++) {
        CHECK_INT(tern_x509_name_kind(not_addresses[i]), TERN_X509_NAME_NOT_AN_ADDRESS);
    }
    struct tern_verify_error e[8];
    size_t n = verify("server-ec.pem", TERN_X509_SERVER, NULL, "999.0.0.1", 0, e);
    CHECK_INT(n, 1);
    CHECK(has(e, n, TERN_VERIFY_HOSTNAME_MISMATCH, 0));
    CHECK_INT(verify("server-ec.pem", TERN_X509_SERVER, NULL, "::1", 0, e), 0);
}

/* Verifies chain against the test CA; returns libcrypto's allocations. */
static unsigned long crypto_allocations_to_verify(const struct tern_trust *t,
                                                  const struct tern_x509_chain *c)
{
    struct tern_x509_check check = {TERN_X509_SERVER, "localhost", NULL, 0, 0, 2};
    struct tern_verify_error e[8];
    size_t n = 0;
    alloc_count_reset();
    CHECK_INT(tern_x509_verify(t, c, &check, e, 8, &n), TERN_OK);
    return alloc_count_get().crypto;
}

/* A certificate decoded from the wire is shared through a process-wide
 * cache with every connection, in every thread, that receives the same
 * bytes. libcrypto computes a certificate's extension fields (key usage,
 * basic constraints, key identifiers, ...) on first use and keeps them in
 * the certificate; were that first use a verification in one thread while
 * another thread reads them, the two would race. So the cache publishes
 * only certificates whose fields are computed: verifying the one just
 * decoded costs libcrypto exactly what verifying it again does. */
static void cache_publishes_settled_certificates(void)
{
    struct tern_trust *t = load_trust("ca.pem");
    /* The store, the anchor and the digests verification fetches. */
    struct tern_x509_chain *warm = load_chain("server-ec.pem");
    crypto_allocations_to_verify(t, warm);
    crypto_allocations_to_verify(t, warm);
    tern_x509_chain_free(warm);
    /* future.pem goes through the cache in no other case of this file. */
    struct tern_x509_chain *pem = load_chain("future.pem");
    static uint8_t der[4096];
    size_t len = 0;
    const uint8_t *p = tern_x509_chain_der(pem, 0, &len);
    CHECK(p != NULL && len <= sizeof(der));
    memcpy(der, p, len);
    tern_x509_chain_free(pem);
    const uint8_t *list[1] = {der};
    struct tern_x509_chain *first = NULL;
    struct tern_x509_chain *again = NULL;
    struct tern_x509_cache *cache = NULL;
    CHECK_INT(tern_x509_cache_new(&cache), TERN_OK);
    CHECK_INT(tern_x509_chain_from_der(cache, list, &len, 1, &first), TERN_OK); /* cached */
    CHECK_INT(tern_x509_chain_from_der(cache, list, &len, 1, &again), TERN_OK); /* shared */
    unsigned long a = crypto_allocations_to_verify(t, first);
    unsigned long b = crypto_allocations_to_verify(t, again);
    CHECK_INT(a, b);
    /* The chains hold their own references: the cache may go first. */
    tern_x509_cache_free(cache);
    tern_x509_chain_free(first);
    tern_x509_chain_free(again);
    tern_trust_free(t);
}

static void parsing(void)
{
    struct tern_x509_chain *c = load_chain("server-ec.pem");
    size_t len = 0;
    const uint8_t *der = tern_x509_chain_der(c, 0, &len);
    CHECK(der != NULL && len > 100);
    /* DER round trip, and trailing bytes refused. */
    static uint8_t copy[4096];
    memcpy(copy, der, len);
    const uint8_t *list[1] = {copy};
    size_t lens[1] = {len};
    struct tern_x509_chain *d = NULL;
    CHECK_INT(tern_x509_chain_from_der(NULL, list, lens, 1, &d), TERN_OK);
    tern_x509_chain_free(d);
    lens[0] = len + 1;
    CHECK_INT(tern_x509_chain_from_der(NULL, list, lens, 1, &d), TERN_ERR_BAD_CREDENTIAL);
    lens[0] = len - 1;
    CHECK_INT(tern_x509_chain_from_der(NULL, list, lens, 1, &d), TERN_ERR_BAD_CREDENTIAL);
    CHECK_INT(tern_x509_chain_parse((const uint8_t *)"not a cert", 10, &d),
              TERN_ERR_BAD_CREDENTIAL);
    /* The leaf's key, and whether a private key belongs to it. */
    struct tern_pkey *pub = NULL;
    CHECK_INT(tern_x509_chain_leaf_key(c, &pub), TERN_OK);
    CHECK_INT(tern_pkey_type(pub), TERN_PKEY_EC_P256);
    static uint8_t keybuf[4096];
    size_t kn = slurp("server-ec.key", keybuf, sizeof(keybuf));
    struct tern_pkey *priv = NULL;
    CHECK_INT(tern_pkey_parse_private(&priv, keybuf, kn), TERN_OK);
    CHECK_INT(tern_x509_chain_matches_key(c, priv), 1);
    tern_pkey_free(priv);
    kn = slurp("client.key", keybuf, sizeof(keybuf));
    CHECK_INT(tern_pkey_parse_private(&priv, keybuf, kn), TERN_OK);
    CHECK_INT(tern_x509_chain_matches_key(c, priv), 0);
    tern_pkey_free(priv);
    tern_pkey_free(pub);
    tern_x509_chain_free(c);
}

static void ca_names(void)
{
    struct tern_trust *t = load_trust("ca.pem");
    uint8_t out[1024];
    size_t len = 0;
    CHECK_INT(tern_trust_ca_names(t, out, sizeof(out), &len), TERN_OK);
    CHECK(len > 2);
    CHECK_INT((size_t)(out[0] << 8 | out[1]) + 2, len); /* one name */
    CHECK_INT(tern_trust_ca_names(t, out, 5, &len), TERN_ERR_BUFFER);
    tern_trust_free(t);
}

int main(int argc, char **argv)
{
    /* Before anything touches libcrypto. */
    if (alloc_count_init() != 0) {
        fprintf(stderr, "cannot count libcrypto's allocations\n");
        return 1;
    }
    static const struct test_case cases[] = {T(good_server),
                                             T(expired),
                                             T(not_yet_valid),
                                             T(hostname_mismatch),
                                             T(several_reasons),
                                             T(unknown_issuer),
                                             T(untrusted_root),
                                             T(self_signed),
                                             T(wrong_purpose),
                                             T(chain_too_long),
                                             T(no_certificate),
                                             T(parsing),
                                             T(ca_names),
                                             T(problems_past_the_list_fail_closed),
                                             T(name_constraints_violated),
                                             T(leaf_key_usage_must_allow_signing),
                                             T(weak_keys_and_digests),
                                             T(common_name_is_no_host_name),
                                             T(wildcards_whole_left_label_only),
                                             T(server_name_never_an_address),
                                             T(name_kinds),
                                             T(cache_publishes_settled_certificates)};
    return test_run(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
