/* tern: library version. */
#ifndef TERN_VERSION_H
#define TERN_VERSION_H

#include <tern/defs.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TERN_VERSION_MAJOR  0
#define TERN_VERSION_MINOR  1
#define TERN_VERSION_PATCH  0
#define TERN_VERSION_STRING "0.1.0"

/* The version of the library actually linked, as "MAJOR.MINOR.PATCH".
 * The string is static; the caller must not free it. Compare it with
 * TERN_VERSION_STRING to detect a header/library mismatch. */
TERN_API const char *tern_version(void);

#ifdef __cplusplus
}
#endif

#endif
