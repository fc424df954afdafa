/* The layout of struct tern_pkey (private to src/crypto/). */
#ifndef TERN_CRYPTO_PKEY_IMPL_H
#define TERN_CRYPTO_PKEY_IMPL_H

#include <openssl/evp.h>

struct tern_pkey {
    EVP_PKEY *pk;
    int type; /* enum tern_pkey_type */
    int is_private;
};

#endif
