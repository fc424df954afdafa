/* bench-handshake: the test PKI for the certificate suites, generated at
 * start by the tests' own script (tests/pki/make_pki.sh, found through
 * TERN_SOURCE_DIR, which CMake defines) into a temporary directory that is
 * removed at exit. With TERN_PKI_DIR set, the PKI goes there instead and is
 * kept (the script does nothing when it is already complete). */
#define _XOPEN_SOURCE 700 /* nftw */

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "handshake.h"

#ifndef TERN_SOURCE_DIR
#error "TERN_SOURCE_DIR must name the source tree (tests/pki/make_pki.sh)"
#endif

struct hs_pki hs_pki;

/* The temporary directory to remove, or empty. */
static char g_tmp[256];

static int pki_fail(const char *what)
{
    fprintf(stderr, "bench-handshake: PKI: %s\n", what);
    return 0;
}

/* Runs make_pki.sh DIR with its output discarded; returns 1 when it exits 0. */
static int run_script(const char *dir)
{
    static const char script[] = TERN_SOURCE_DIR "/tests/pki/make_pki.sh";
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        return pki_fail("fork failed");
    }
    if (pid == 0) {
        FILE *null = freopen("/dev/null", "w", stdout);
        (void)null;
        execlp("bash", "bash", script, dir, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return pki_fail("tests/pki/make_pki.sh failed (is the openssl command installed?)");
    }
    return 1;
}

static int set_path(char *out, size_t cap, const char *dir, const char *file)
{
    int n = snprintf(out, cap, "%s/%s", dir, file);
    return n > 0 && (size_t)n < cap;
}

int hs_pki_make(void)
{
    const char *dir = getenv("TERN_PKI_DIR");
    if (dir == NULL || dir[0] == '\0') {
        const char *tmp = getenv("TMPDIR");
        int n = snprintf(g_tmp, sizeof(g_tmp), "%s/tern-bench-pki-XXXXXX",
                         tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
        if (n <= 0 || (size_t)n >= sizeof(g_tmp) || mkdtemp(g_tmp) == NULL) {
            g_tmp[0] = '\0';
            return pki_fail("cannot make a temporary directory");
        }
        dir = g_tmp;
    }
    if (!set_path(hs_pki.ca, sizeof(hs_pki.ca), dir, "ca.pem") ||
        !set_path(hs_pki.cert, sizeof(hs_pki.cert), dir, "server-ec.pem") ||
        !set_path(hs_pki.key, sizeof(hs_pki.key), dir, "server-ec.key")) {
        return pki_fail("directory name too long");
    }
    return run_script(dir);
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void hs_pki_remove(void)
{
    if (g_tmp[0] != '\0') {
        nftw(g_tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
        g_tmp[0] = '\0';
    }
}
