/* A stand-in for libFuzzer's driver: runs LLVMFuzzerTestOneInput once on
 * every file named on the command line, or in the directories named there.
 * Lets every build replay the seed corpus and the crash regressions under
 * its own sanitizers, with or without clang. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The file being replayed, for targets whose checks depend on the seed's
 * name (fuzz/engine.h's seed verification). */
extern const char *replay_current_path;
const char *replay_current_path;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    uint8_t *buf = malloc(1 << 20);
    if (buf == NULL) {
        fclose(f);
        return 1;
    }
    size_t n = fread(buf, 1, 1 << 20, f);
    fclose(f);
    /* Hand the target an exact-size copy so ASan sees any over-read. */
    uint8_t *exact = malloc(n > 0 ? n : 1);
    if (exact == NULL) {
        free(buf);
        return 1;
    }
    memcpy(exact, buf, n);
    free(buf);
    replay_current_path = path;
    LLVMFuzzerTestOneInput(exact, n);
    replay_current_path = NULL;
    free(exact);
    return 0;
}

static int run_path(const char *path, size_t *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        return 0; /* a missing directory (no regressions yet) is fine */
    }
    if (!S_ISDIR(st.st_mode)) {
        (*count)++;
        return run_file(path);
    }
    DIR *d = opendir(path);
    if (d == NULL) {
        perror(path);
        return 1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char child[4096];
        int len = snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
        if (len < 0 || (size_t)len >= sizeof(child)) {
            rc = 1;
            continue;
        }
        rc |= run_path(child, count);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        rc |= run_path(argv[i], &count);
    }
    printf("replayed %zu inputs\n", count);
    if (count == 0) {
        fprintf(stderr, "no inputs found\n");
        return 1;
    }
    return rc;
}
