/* Digest look-ups shared by the crypto sources (private to src/crypto/). */
#ifndef TERN_CRYPTO_MD_H
#define TERN_CRYPTO_MD_H

#include <openssl/evp.h>

/* The fetched EVP_MD for an enum tern_hash_alg, or NULL. */
const EVP_MD *tern_md_for(int alg);

/* libcrypto's name for an enum tern_hash_alg ("SHA2-256"), or NULL. */
const char *tern_md_name(int alg);

#endif
