/* tern: a DTLS library. Include this header for the whole public API. */
#ifndef TERN_TERN_H
#define TERN_TERN_H

#include <tern/alloc.h>
#include <tern/config.h>
#include <tern/conn.h>
#include <tern/cookie.h>
#include <tern/defs.h>
#include <tern/err.h>
#include <tern/peek.h>
#include <tern/selftest.h>
#include <tern/state.h>
#include <tern/stats.h>
#include <tern/verify.h>
#include <tern/version.h>

#endif
