/* An outside program: builds against an installed tern and uses it. */
#include <stdio.h>
#include <string.h>

#include <tern/tern.h>

int main(void)
{
    if (strcmp(tern_version(), TERN_VERSION_STRING) != 0) {
        fprintf(stderr, "header %s, library %s\n", TERN_VERSION_STRING, tern_version());
        return 1;
    }
    printf("tern %s: %s\n", tern_version(), tern_strerror(TERN_ERR_DECODE));
    return tern_self_test(NULL, NULL) == TERN_OK ? 0 : 1;
}
