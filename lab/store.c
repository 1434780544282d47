/*  store.c -- run directories and the latest link (see store.h).

    Names are UTC timestamps so that a directory listing is in run order.
    The latest link is made under a temporary name and renamed over the old
    one, so a reader never sees it missing.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "store.h"

int
store_mkdirs (const char *path)
{
    char copy [4096];
    if (snprintf (copy, sizeof copy, "%s", path) >= (int) sizeof copy) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *slash = strchr (copy + 1, '/'); slash; slash = strchr (slash + 1, '/')) {
        *slash = 0;
        if (mkdir (copy, 0755) && errno != EEXIST)
            return -1;
        *slash = '/';
    }
    if (mkdir (copy, 0755) && errno != EEXIST)
        return -1;
    return 0;
}

char *
store_run_dir (const char *store, const char *scenario, const char *system, char **error)
{
    char stamp [32];
    time_t now = time (NULL);
    struct tm utc;
    gmtime_r (&now, &utc);
    strftime (stamp, sizeof stamp, "%Y%m%dT%H%M%S", &utc);
    char parent [4096];
    if (system)
        snprintf (parent, sizeof parent, "%s/%s/%s", store, scenario, system);
    else
        snprintf (parent, sizeof parent, "%s/%s", store, scenario);
    if (store_mkdirs (parent)) {
        if (asprintf (error, "cannot create '%s': %s", parent, strerror (errno)) < 0)
            *error = NULL;
        return NULL;
    }
    for (int attempt = 1; attempt < 1000; attempt++) {
        char *path = NULL;
        int rc = attempt == 1
               ? asprintf (&path, "%s/%s", parent, stamp)
               : asprintf (&path, "%s/%s-%d", parent, stamp, attempt);
        if (rc < 0)
            break;
        if (mkdir (path, 0755) == 0)
            return path;
        int saved = errno;
        free (path);
        if (saved != EEXIST) {
            if (asprintf (error, "cannot create a run directory under '%s': %s",
                          parent, strerror (saved)) < 0)
                *error = NULL;
            return NULL;
        }
    }
    if (asprintf (error, "cannot create a run directory under '%s'", parent) < 0)
        *error = NULL;
    return NULL;
}

int
store_link_latest (const char *store, const char *run_dir)
{
    size_t prefix = strlen (store);
    const char *target = run_dir;
    if (strncmp (run_dir, store, prefix) == 0 && run_dir [prefix] == '/')
        target = run_dir + prefix + 1;
    char link [4096], temp [4096];
    snprintf (link, sizeof link, "%s/latest", store);
    snprintf (temp, sizeof temp, "%s/.latest.%d", store, (int) getpid ());
    unlink (temp);
    if (symlink (target, temp))
        return -1;
    return rename (temp, link);
}
