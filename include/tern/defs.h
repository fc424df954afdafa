/* tern: common definitions shared by every public header. */
#ifndef TERN_DEFS_H
#define TERN_DEFS_H

#include <stddef.h>
#include <stdint.h>

/* Marks a symbol exported from the shared library. The shared library is
 * built with hidden visibility, so only TERN_API symbols are part of the ABI. */
#if defined(_WIN32)
#define TERN_API
#elif defined(__GNUC__) || defined(__clang__)
#define TERN_API __attribute__((visibility("default")))
#else
#define TERN_API
#endif

#endif
