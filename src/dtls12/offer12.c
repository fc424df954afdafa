/* The cipher suites a DTLS 1.2 client offers (dtls12/offer12.h). */
#include "dtls12/offer12.h"

#include "handshake/params.h"
#include "handshake/suites.h"

/* The i-th candidate: the configured list, or tern's order; NULL past the
 * end. */
static const struct tern_suite *candidate(const struct tern_hs12 *hs, size_t i)
{
    const struct tern_hs_params *cfg = hs->params;
    if (cfg->n_suites == 0) {
        return tern_suite_at(i);
    }
    return i < cfg->n_suites ? tern_suite_by_id(cfg->suites[i]) : NULL;
}

/* Whether the client holds what suite s needs. */
static int usable(const struct tern_hs12 *hs, const struct tern_suite *s)
{
    if (!tern_suite_in(s, TERN_SUITE_V12)) {
        return 0;
    }
    if (tern_kx_uses_psk(s->kx)) {
        return tern_params_has_psk(hs->params);
    }
    return tern_hs12_cert_usable(hs, s);
}

size_t tern_offer12_write(const struct tern_hs12 *hs, struct tern_writer *w)
{
    size_t n = 0;
    const struct tern_suite *s;
    for (size_t i = 0; (s = candidate(hs, i)) != NULL; i++) {
        if (usable(hs, s)) {
            tern_w_u16(w, s->id);
            n++;
        }
    }
    return n;
}

int tern_offer12_contains(const struct tern_hs12 *hs, uint16_t id)
{
    const struct tern_suite *s;
    for (size_t i = 0; (s = candidate(hs, i)) != NULL; i++) {
        if (s->id == id) {
            return usable(hs, s);
        }
    }
    return 0;
}

int tern_offer12_any(const struct tern_hs12 *hs, int want_cert)
{
    const struct tern_suite *s;
    for (size_t i = 0; (s = candidate(hs, i)) != NULL; i++) {
        int match = want_cert ? !tern_kx_uses_psk(s->kx) : tern_kx_uses_ecdhe(s->kx);
        if (match && usable(hs, s)) {
            return 1;
        }
    }
    return 0;
}
