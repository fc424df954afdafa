/* tern: the command-line tool. This first version reports the library's
 * version and runs its self test; the DTLS client and server commands build
 * on the handshake engine. */
#include <stdio.h>
#include <string.h>

#include <tern/tern.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: tern <command> [options]\n"
                 "\n"
                 "commands:\n"
                 "  selftest     run the known-answer tests of every primitive and a record\n"
                 "               round trip, printing each result\n"
                 "  --version    print the library version\n"
                 "  --help       print this help\n");
}

static void report(void *arg, const char *name, int result)
{
    int *count = arg;
    (*count)++;
    if (result == TERN_OK) {
        printf("  ok    %s\n", name);
    } else {
        printf("  FAIL  %s: %s\n", name, tern_strerror(result));
    }
}

static int cmd_selftest(void)
{
    int count = 0;
    printf("tern %s self test (libcrypto primitives through tern's provider):\n", tern_version());
    int rc = tern_self_test(report, &count);
    if (rc != TERN_OK) {
        printf("self test FAILED: %s\n", tern_strerror(rc));
        return 1;
    }
    printf("all %d self tests passed\n", count);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("tern %s\n", tern_version());
        return 0;
    }
    if (strcmp(cmd, "selftest") == 0) {
        return cmd_selftest();
    }
    fprintf(stderr, "tern: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
