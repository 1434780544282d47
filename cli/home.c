/*  home.c -- see home.h. /proc/self/exe is Linux's answer to "where am
    I"; the lab is Linux-only anyway (prctl, ipc endpoints).
*/
#include <assert.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>
#include "home.h"

char *
home_dir (void)
{
    char path [4096];
    ssize_t length = readlink ("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0)
        return strdup (".");
    path [length] = 0;
    char *slash = strrchr (path, '/');
    if (slash)
        *slash = 0;
    return strdup (*path? path: "/");
}

char *
home_scenario (const char *name)
{
    size_t length = strlen (name);
    char *path = NULL;
    if (strchr (name, '/') || (length > 5 && strcmp (name + length - 5, ".conf") == 0)
    ||  (length > 4 && strcmp (name + length - 4, ".zoo") == 0))
        return access (name, R_OK) == 0? strdup (name): NULL;
    //  A scenario, or a bug zoo (scenarios/NAME.zoo: docs/bugs.md), here
    //  or in the harness's home.
    char *home = home_dir ();
    const char *kinds [] = { "conf", "zoo" };
    for (size_t k = 0; k < 2; k++)
        for (size_t d = 0; d < 2; d++) {
            int rc = d? asprintf (&path, "%s/scenarios/%s.%s", home, name, kinds [k])
                      : asprintf (&path, "scenarios/%s.%s", name, kinds [k]);
            if (rc < 0)
                path = NULL;
            if (path && access (path, R_OK) == 0) {
                free (home);
                return path;
            }
            free (path);
        }
    free (home);
    return NULL;
}

int
home_scenarios (glob_t *found)
{
    assert (found);
    if (glob ("scenarios/*.conf", 0, NULL, found) == 0)
        return 0;
    char *home = home_dir ();
    char pattern [4096];
    snprintf (pattern, sizeof pattern, "%s/scenarios/*.conf", home);
    free (home);
    return glob (pattern, 0, NULL, found) == 0? 0: -1;
}

const char *
home_up_file (void)
{
    const char *path = getenv ("FAULTLAB_UP");
    return path && *path? path: ".faultlab/up.json";
}
