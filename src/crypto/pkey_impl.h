/* The layout of struct tern_pkey (private to src/crypto/). */
#ifndef TERN_CRYPTO_PKEY_IMPL_H
#define TERN_CRYPTO_PKEY_IMPL_H

#include <openssl/evp.h>

struct tern_pkey {
    EVP_PKEY *pk;
    int type; /* enum tern_pkey_type */
    int is_private;
    /* Private ECDSA keys: a context initialised for signing when the key
     * is made, duplicated for each signature (tern_sig_sign), which spares
     * the look-ups by name of a fresh initialisation. Only read after it is
     * made, so threads may share it. NULL otherwise, or if it could not be
     * made (signatures then take the general path). */
    EVP_PKEY_CTX *sign_ctx;
};

/* Wraps pk (taking ownership; freed on failure) into a struct tern_pkey.
 * Errors: TERN_ERR_BAD_CREDENTIAL (NULL or unsupported type), TERN_ERR_NOMEM. */
int tern_pkey_wrap(struct tern_pkey **out, EVP_PKEY *pk, int is_private);

#endif
