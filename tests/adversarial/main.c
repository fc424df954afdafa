/* The adversarial suite's entry point: `test_adversarial NAME` runs one
 * case (ctest registers each as adversarial/NAME) and prints what it
 * expects; without a name every case runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adv.h"

#define ADV(name, expect) void adv_##name(void);
#include "cases.def"
#undef ADV

struct adv_case {
    const char *name;
    const char *expect;
    void (*fn)(void);
};

static const struct adv_case g_cases[] = {
#define ADV(name, expect) {#name, expect, adv_##name},
#include "cases.def"
#undef ADV
};

#define N_CASES (sizeof(g_cases) / sizeof(g_cases[0]))

int main(int argc, char **argv)
{
    /* Before anything touches libcrypto. */
    if (alloc_count_init() != 0) {
        fprintf(stderr, "cannot count libcrypto's allocations\n");
        return 1;
    }
    static struct test_case cases[N_CASES];
    for (size_t i = 0; i < N_CASES; i++) {
        cases[i].name = g_cases[i].name;
        cases[i].fn = g_cases[i].fn;
        if (argc > 1 && strcmp(argv[1], g_cases[i].name) == 0) {
            printf("expect: %s\n", g_cases[i].expect);
        }
    }
    return test_run(cases, N_CASES, argc, argv);
}
