#include "crypto/kex.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <tern/err.h>

#include "crypto/algs.h"
#include "util/ct.h"

/* The NIST curves go through EC_POINT arithmetic directly on the fetched
 * group (no EVP_PKEY or decoder round trip per handshake); X25519 goes
 * through EVP_PKEY raw keys made on a context prepared once (tern_algs()),
 * so that no key is looked up by name per handshake. */

int tern_kex_group_supported(int group)
{
    return group == TERN_GROUP_X25519 || group == TERN_GROUP_SECP256R1 ||
           group == TERN_GROUP_SECP384R1;
}

static size_t field_len(int group)
{
    switch (group) {
    case TERN_GROUP_X25519:
    case TERN_GROUP_SECP256R1:
        return 32;
    case TERN_GROUP_SECP384R1:
        return 48;
    default:
        return 0;
    }
}

size_t tern_kex_pub_len(int group)
{
    size_t f = field_len(group);
    if (group == TERN_GROUP_X25519) {
        return f;
    }
    return f == 0 ? 0 : 1 + 2 * f;
}

size_t tern_kex_secret_len(int group)
{
    return field_len(group);
}

static const EC_GROUP *ec_group(int group)
{
    const struct tern_algs *algs = tern_algs();
    if (algs == NULL) {
        return NULL;
    }
    return group == TERN_GROUP_SECP256R1   ? algs->p256
           : group == TERN_GROUP_SECP384R1 ? algs->p384
                                           : NULL;
}

/* An X25519 key from raw bytes on the prepared context: a key pair when
 * priv is given, else a public key. NULL on a failure. */
static EVP_PKEY *x25519_key(const uint8_t *priv, const uint8_t *pub)
{
    const struct tern_algs *algs = tern_algs();
    if (algs == NULL) {
        return NULL;
    }
    OSSL_PARAM params[3];
    size_t n = 0;
    if (priv != NULL) {
        params[n++] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, (void *)priv, 32);
    }
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pub, 32);
    params[n] = OSSL_PARAM_construct_end();
    EVP_PKEY *pk = NULL;
    int selection = priv != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
    if (EVP_PKEY_fromdata(algs->x25519_fromdata, &pk, selection, params) != 1) {
        return NULL;
    }
    return pk;
}

/* X25519(the private scalar of mine, the u-coordinate of theirs) into out.
 * Returns TERN_OK, TERN_ERR_BAD_KEY_SHARE when the result is all zeros (a
 * small-order peer point; libcrypto refuses it too), or TERN_ERR_CRYPTO. */
static int x25519_dh(EVP_PKEY *mine, EVP_PKEY *theirs, uint8_t out[32])
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, mine, NULL);
    size_t len = 32;
    int rc = TERN_ERR_CRYPTO;
    /* No peer validation pass (validate_peer 0): every 32-byte string is an
     * X25519 public value (RFC 7748 section 5), and libcrypto's check would
     * only build another context to confirm the key has a public part. The
     * check that matters, a non-zero result, is made below. */
    if (ctx == NULL || EVP_PKEY_derive_init(ctx) != 1 ||
        EVP_PKEY_derive_set_peer_ex(ctx, theirs, 0) != 1) {
        goto out;
    }
    if (EVP_PKEY_derive(ctx, out, &len) != 1 || len != 32) {
        rc = TERN_ERR_BAD_KEY_SHARE;
        goto out;
    }
    static const uint8_t zero[32];
    rc = tern_ct_equal(out, zero, 32) ? TERN_ERR_BAD_KEY_SHARE : TERN_OK;
out:
    EVP_PKEY_CTX_free(ctx);
    return rc;
}

/* The public value is X25519(k, 9), computed by the same Montgomery ladder
 * as every exchange. libcrypto's own derivation of a public key (its
 * fixed-base path, which it takes for a key made from a private value
 * alone) costs about 10% more instructions and more time here; the key is
 * therefore made with the base point standing in for its public value, a
 * placeholder the exchange never reads. */
static int x25519_from_private(struct tern_kex *k, const uint8_t *priv)
{
    const struct tern_algs *algs = tern_algs();
    static const uint8_t base_u[32] = {9};
    EVP_PKEY *pk = algs == NULL ? NULL : x25519_key(priv, base_u);
    if (pk == NULL) {
        return TERN_ERR_CRYPTO;
    }
    /* Never zero: a clamped scalar is not a multiple of the base point's
     * prime order. */
    int rc = x25519_dh(pk, algs->x25519_base, k->pub);
    EVP_PKEY_free(pk);
    if (rc != TERN_OK) {
        return TERN_ERR_CRYPTO;
    }
    memcpy(k->priv, priv, 32);
    k->priv_len = 32;
    k->pub_len = 32;
    return TERN_OK;
}

static int ec_from_private(struct tern_kex *k, const EC_GROUP *g, const uint8_t *priv, size_t len)
{
    int rc = TERN_ERR_CRYPTO;
    BN_CTX *bn_ctx = BN_CTX_new();
    BIGNUM *d = BN_bin2bn(priv, (int)len, NULL);
    EC_POINT *pub = EC_POINT_new(g);
    if (bn_ctx == NULL || d == NULL || pub == NULL) {
        rc = TERN_ERR_NOMEM;
        goto out;
    }
    BN_set_flags(d, BN_FLG_CONSTTIME);
    /* The scalar must lie in [1, n-1]. */
    if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(g)) >= 0) {
        rc = TERN_ERR_ARG;
        goto out;
    }
    if (EC_POINT_mul(g, pub, d, NULL, NULL, bn_ctx) != 1) {
        goto out;
    }
    size_t pub_len =
        EC_POINT_point2oct(g, pub, POINT_CONVERSION_UNCOMPRESSED, k->pub, sizeof(k->pub), bn_ctx);
    if (pub_len != 1 + 2 * len) {
        goto out;
    }
    memcpy(k->priv, priv, len);
    k->priv_len = (uint8_t)len;
    k->pub_len = (uint8_t)pub_len;
    rc = TERN_OK;
out:
    BN_clear_free(d);
    EC_POINT_free(pub);
    BN_CTX_free(bn_ctx);
    return rc;
}

int tern_kex_from_private(struct tern_kex *k, int group, const uint8_t *priv, size_t priv_len)
{
    if (k == NULL || priv == NULL) {
        return TERN_ERR_ARG;
    }
    memset(k, 0, sizeof(*k));
    if (!tern_kex_group_supported(group)) {
        return TERN_ERR_UNSUPPORTED;
    }
    if (priv_len != field_len(group)) {
        return TERN_ERR_ARG;
    }
    int rc;
    if (group == TERN_GROUP_X25519) {
        rc = x25519_from_private(k, priv);
    } else {
        const EC_GROUP *g = ec_group(group);
        rc = g == NULL ? TERN_ERR_CRYPTO : ec_from_private(k, g, priv, priv_len);
    }
    if (rc != TERN_OK) {
        tern_kex_clear(k);
        return rc;
    }
    k->group = (uint16_t)group;
    return TERN_OK;
}

int tern_kex_generate(struct tern_kex *k, int group, const struct tern_rng *rng)
{
    if (k == NULL) {
        return TERN_ERR_ARG;
    }
    if (!tern_kex_group_supported(group)) {
        memset(k, 0, sizeof(*k));
        return TERN_ERR_UNSUPPORTED;
    }
    size_t len = field_len(group);
    uint8_t priv[TERN_KEX_MAX_PRIV_LEN];
    int rc = TERN_ERR_CRYPTO;
    /* Rejection sampling for the NIST orders (out of range: draw again); the
     * chance of even one retry is below 2^-32, so eight tries fail only when
     * the generator is broken. X25519 accepts any 32 bytes (clamped inside). */
    for (int attempt = 0; attempt < 8; attempt++) {
        rc = tern_rng_bytes(rng, priv, len);
        if (rc != TERN_OK) {
            break;
        }
        rc = tern_kex_from_private(k, group, priv, len);
        if (rc != TERN_ERR_ARG) {
            break;
        }
    }
    tern_zeroize(priv, sizeof(priv));
    if (rc != TERN_OK) {
        /* Never leave an earlier key pair behind for a caller that ignores the error. */
        tern_kex_clear(k);
    }
    return rc == TERN_ERR_ARG ? TERN_ERR_CRYPTO : rc;
}

/* Our key pair as an EVP_PKEY. Given the public value as well as the
 * private one, libcrypto does not recompute the public key, a scalar
 * multiplication that costs as much as the exchange itself. A key without
 * its public value (never made by tern_kex_from_private) takes the slow
 * way. */
static EVP_PKEY *x25519_own_key(const struct tern_kex *k)
{
    if (k->pub_len != 32) {
        return EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, k->priv, 32);
    }
    return x25519_key(k->priv, k->pub);
}

static int x25519_derive(const struct tern_kex *k, const uint8_t *peer, size_t peer_len,
                         uint8_t *secret)
{
    if (peer_len != 32) {
        return TERN_ERR_BAD_KEY_SHARE;
    }
    int rc = TERN_ERR_CRYPTO;
    EVP_PKEY *mine = x25519_own_key(k);
    EVP_PKEY *theirs = x25519_key(NULL, peer);
    if (mine != NULL && theirs != NULL) {
        rc = x25519_dh(mine, theirs, secret);
    }
    EVP_PKEY_free(mine);
    EVP_PKEY_free(theirs);
    return rc;
}

static int ec_derive(const struct tern_kex *k, const EC_GROUP *g, const uint8_t *peer,
                     size_t peer_len, uint8_t *secret)
{
    size_t flen = field_len(k->group);
    /* RFC 8422 section 5.1.2: only the uncompressed format is used. */
    if (peer_len != 1 + 2 * flen || peer[0] != POINT_CONVERSION_UNCOMPRESSED) {
        return TERN_ERR_BAD_KEY_SHARE;
    }
    int rc = TERN_ERR_CRYPTO;
    BN_CTX *bn_ctx = BN_CTX_new();
    BIGNUM *d = BN_bin2bn(k->priv, k->priv_len, NULL);
    BIGNUM *x = BN_new();
    EC_POINT *q = EC_POINT_new(g);
    EC_POINT *z = EC_POINT_new(g);
    if (bn_ctx == NULL || d == NULL || x == NULL || q == NULL || z == NULL) {
        rc = TERN_ERR_NOMEM;
        goto out;
    }
    BN_set_flags(d, BN_FLG_CONSTTIME);
    /* oct2point rejects coordinates outside the field and points off the
     * curve; the explicit checks keep that guarantee visible here. The NIST
     * curves have cofactor 1, so a point on the curve that is not the
     * identity generates the whole group (RFC 8422 section 5.11). */
    if (EC_POINT_oct2point(g, q, peer, peer_len, bn_ctx) != 1 ||
        EC_POINT_is_on_curve(g, q, bn_ctx) != 1 || EC_POINT_is_at_infinity(g, q)) {
        rc = TERN_ERR_BAD_KEY_SHARE;
        goto out;
    }
    if (EC_POINT_mul(g, z, NULL, q, d, bn_ctx) != 1 || EC_POINT_is_at_infinity(g, z) ||
        EC_POINT_get_affine_coordinates(g, z, x, NULL, bn_ctx) != 1 ||
        BN_bn2binpad(x, secret, (int)flen) != (int)flen) {
        goto out;
    }
    rc = TERN_OK;
out:
    BN_clear_free(d);
    BN_clear_free(x);
    EC_POINT_free(q);
    EC_POINT_clear_free(z);
    BN_CTX_free(bn_ctx);
    return rc;
}

int tern_kex_derive(const struct tern_kex *k, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                    size_t *secret_len)
{
    if (k == NULL || secret == NULL || secret_len == NULL || (peer == NULL && peer_len > 0)) {
        return TERN_ERR_ARG;
    }
    if (!tern_kex_group_supported(k->group) || k->priv_len == 0) {
        return TERN_ERR_STATE;
    }
    if (peer_len == 0) {
        return TERN_ERR_BAD_KEY_SHARE;
    }
    int rc;
    if (k->group == TERN_GROUP_X25519) {
        rc = x25519_derive(k, peer, peer_len, secret);
    } else {
        const EC_GROUP *g = ec_group(k->group);
        rc = g == NULL ? TERN_ERR_CRYPTO : ec_derive(k, g, peer, peer_len, secret);
    }
    if (rc != TERN_OK) {
        tern_zeroize(secret, field_len(k->group));
        return rc;
    }
    *secret_len = field_len(k->group);
    return TERN_OK;
}

void tern_kex_clear(struct tern_kex *k)
{
    if (k != NULL) {
        tern_zeroize(k, sizeof(*k));
    }
}
