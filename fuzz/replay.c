/*  replay.c -- the main of fuzz/bin/NAME-replay: a target built with the
    normal compiler, no libFuzzer. Runs each FILE (or each file of each
    DIRECTORY) through LLVMFuzzerTestOneInput once, in order, and prints
    one line per input on stderr with -v, and the count at the end. A broken promise aborts, so the
    exit status says which input failed (its name is printed first).

        fuzz/bin/action-replay [-v] fuzz/regressions/action tests/data/...
*/
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz.h"
#include "exits.h"

static FILE *s_out;             //  stderr as it was at start

static int
s_replay_file (const char *path, int verbose)
{
    FILE *file = fopen (path, "rb");
    if (!file) {
        fprintf (s_out, "replay: cannot open '%s'\n", path);
        return -1;
    }
    size_t capacity = 4096, size = 0;
    uint8_t *data = malloc (capacity);
    size_t got;
    while (data && (got = fread (data + size, 1, capacity - size, file)) > 0) {
        size += got;
        if (size == capacity)
            data = realloc (data, capacity *= 2);
    }
    fclose (file);
    FUZZ_ASSERT (data);
    if (verbose)
        fprintf (s_out, "replay: %s (%zu bytes)\n", path, size);
    LLVMFuzzerTestOneInput (data, size);
    free (data);
    return 0;
}

//  PATH, or the files of PATH sorted by name. Returns how many ran, -1 on
//  an unreadable path.
static int
s_replay (const char *path, int verbose)
{
    struct stat info;
    if (stat (path, &info)) {
        fprintf (s_out, "replay: no such file or directory '%s'\n", path);
        return -1;
    }
    if (!S_ISDIR (info.st_mode))
        return s_replay_file (path, verbose) == 0? 1: -1;
    struct dirent **names;
    int count = scandir (path, &names, NULL, alphasort);
    if (count < 0)
        return -1;
    int ran = 0;
    for (int i = 0; i < count; i++) {
        char file [4096];
        snprintf (file, sizeof file, "%s/%s", path, names [i]->d_name);
        if (names [i]->d_name [0] != '.' && stat (file, &info) == 0 && S_ISREG (info.st_mode)
        &&  s_replay_file (file, verbose) == 0)
            ran++;
        free (names [i]);
    }
    free (names);
    return ran;
}

int
main (int argc, char **argv)
{
    int verbose = argc > 1 && !strcmp (argv [1], "-v");
    s_out = stderr;             //  before a target points stderr elsewhere
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize (&argc, &argv);
    int total = 0;
    for (int i = 1 + verbose; i < argc; i++) {
        int ran = s_replay (argv [i], verbose);
        if (ran < 0)
            return FL_EXIT_USAGE;
        total += ran;
    }
    //  stderr: a target may point stdout elsewhere (envelope.c).
    fprintf (s_out, "replayed %d input%s\n", total, total == 1? "": "s");
    return 0;
}
