/* The cipher suites a DTLS 1.2 client offers: the configured order, or
 * tern's, keeping only the suites its credentials allow (a PSK-only client
 * offers no certificate suites: some servers fail otherwise). The
 * ClientHello writes them, the ServerHello's choice is checked against
 * them, and the extensions a client sends depend on them. */
#ifndef TERN_DTLS12_OFFER12_H
#define TERN_DTLS12_OFFER12_H

#include <stddef.h>
#include <stdint.h>

#include "dtls12/hs12.h"
#include "util/writer.h"

/* Writes the offered suites' code points; returns how many. */
size_t tern_offer12_write(const struct tern_hs12 *hs, struct tern_writer *w);

/* Whether the client offered suite id. */
int tern_offer12_contains(const struct tern_hs12 *hs, uint16_t id);

/* Whether it offers a suite that uses certificates (want_cert 1) or ECDHE
 * (want_cert 0). */
int tern_offer12_any(const struct tern_hs12 *hs, int want_cert);

#endif
