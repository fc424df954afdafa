#include "crypto/errors.h"

#include <openssl/err.h>

void tern_crypto_quiet_begin(void)
{
    /* On an empty queue there is nothing to mark; ERR_pop_to_mark() then
     * takes off everything, which is exactly what was added since. */
    (void)ERR_set_mark();
}

void tern_crypto_quiet_end(void)
{
    (void)ERR_pop_to_mark();
}
