/* Guard macros: the only two, and they only return (STYLE.md convention 4). */
#ifndef TERN_UTIL_GUARD_H
#define TERN_UTIL_GUARD_H

#include <tern/err.h>

/* Evaluates expr once; returns its value from the enclosing function if negative. */
#define TERN_TRY(expr)                                                                             \
    do {                                                                                           \
        int tern_r_ = (expr);                                                                      \
        if (tern_r_ < 0) {                                                                         \
            return tern_r_;                                                                        \
        }                                                                                          \
    } while (0)

/* Returns err from the enclosing function unless cond holds. */
#define TERN_ENSURE(cond, err)                                                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            return (err);                                                                          \
        }                                                                                          \
    } while (0)

#define TERN_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
