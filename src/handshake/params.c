#include "handshake/params.h"

int tern_params_has_psk(const struct tern_hs_params *p)
{
    if (p->role == TERN_ROLE_CLIENT) {
        return p->psk_client != NULL || p->psk_key_len > 0;
    }
    return p->psk_server != NULL || p->psk_key_len > 0;
}
