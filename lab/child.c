/*  child.c -- see child.h. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/prctl.h>
#include "child.h"

void
child_prepare (int out, int err)
{
    prctl (PR_SET_PDEATHSIG, SIGKILL);
    signal (SIGINT, SIG_DFL);
    signal (SIGTERM, SIG_DFL);
    signal (SIGHUP, SIG_DFL);
    signal (SIGPIPE, SIG_DFL);
    int null = open ("/dev/null", O_RDONLY);
    dup2 (null, 0);
    dup2 (out, 1);
    dup2 (err, 2);
}

bool
child_program_exists (const char *program)
{
    if (strchr (program, '/'))
        return access (program, X_OK) == 0;
    const char *path = getenv ("PATH");
    char *copy = strdup (path? path: "/usr/sbin:/usr/bin:/sbin:/bin");
    char *save = NULL;
    bool found = false;
    for (char *dir = strtok_r (copy, ":", &save); dir && !found; dir = strtok_r (NULL, ":", &save)) {
        char full [4096];
        snprintf (full, sizeof full, "%s/%s", dir, program);
        found = access (full, X_OK) == 0;
    }
    free (copy);
    return found;
}
