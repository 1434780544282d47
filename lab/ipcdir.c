/*  ipcdir.c -- see ipcdir.h. A directory is stale when its pid file names
    a process that no longer exists (kill (pid, 0) fails with ESRCH); a
    pid reused since by another process keeps the directory until that
    one ends, which errs on the side of leaving a directory, never of
    taking a live lab's sockets; and a directory one of whose sockets
    still accepts a connection is never stale, whatever its pid says. Only our own uid's directories are
    touched (/tmp is shared). A pid file that says 1 (init on the host) was
    written inside a private PID namespace by an older harness: stale.
*/
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "ipcdir.h"

//  The outer harness's host pid when this process runs in a private PID
//  namespace (ipcdir_owner), else 0.
static long s_owner = 0;

void
ipcdir_owner (long pid)
{
    s_owner = pid;
}

//  The pid recorded in DIR/pid, or 0 when there is none readable.
static long
s_recorded_pid (const char *dir)
{
    char path [600];
    snprintf (path, sizeof path, "%.500s/pid", dir);
    FILE *file = fopen (path, "r");
    if (!file)
        return 0;
    long pid = 0;
    if (fscanf (file, "%ld", &pid) != 1 || pid <= 0)
        pid = 0;
    fclose (file);
    return pid;
}

//  True if a socket in DIR still accepts a connection: a second guard
//  against sweeping a live lab (a pid from another pid namespace, sharing
//  /tmp, looks dead from here).
static bool
s_serves (const char *dir)
{
    DIR *entries = opendir (dir);
    if (!entries)
        return false;
    bool live = false;
    struct dirent *entry;
    while (!live && (entry = readdir (entries))) {
        struct sockaddr_un address = { .sun_family = AF_UNIX };
        int length = snprintf (address.sun_path, sizeof address.sun_path, "%s/%s",
                               dir, entry->d_name);
        struct stat info;
        if (length < 0 || (size_t) length >= sizeof address.sun_path
        ||  stat (address.sun_path, &info) || !S_ISSOCK (info.st_mode))
            continue;
        int fd = socket (AF_UNIX, SOCK_STREAM, 0);
        live = fd >= 0 && connect (fd, (struct sockaddr *) &address, sizeof address) == 0;
        if (fd >= 0)
            close (fd);
    }
    closedir (entries);
    return live;
}

void
ipcdir_remove (const char *path)
{
    DIR *dir = path && *path? opendir (path): NULL;
    if (!dir)
        return;
    struct dirent *entry;
    while ((entry = readdir (dir))) {
        if (!strcmp (entry->d_name, ".") || !strcmp (entry->d_name, ".."))
            continue;
        char file [1024];
        snprintf (file, sizeof file, "%.500s/%.256s", path, entry->d_name);
        unlink (file);
    }
    closedir (dir);
    rmdir (path);
}

int
ipcdir_sweep (const char *prefix, FILE *out)
{
    const char *slash = strrchr (prefix, '/');
    if (!slash || s_owner)
        return 0;           //  in a private PID namespace every host pid looks dead
    char parent [256];
    snprintf (parent, sizeof parent, "%.*s", (int) (slash - prefix), prefix);
    char stem [128];
    snprintf (stem, sizeof stem, "%s-", slash + 1);
    DIR *dir = opendir (*parent? parent: "/");
    if (!dir)
        return 0;
    int swept = 0;
    struct dirent *entry;
    while ((entry = readdir (dir))) {
        //  "faultlab-" must not take "faultlab-up-" dirs: the rest of the
        //  name is mkdtemp's six characters, no dash.
        const char *rest = entry->d_name + strlen (stem);
        if (strncmp (entry->d_name, stem, strlen (stem)) || strlen (rest) != 6
        ||  strchr (rest, '-'))
            continue;
        char path [600];
        snprintf (path, sizeof path, "%.256s/%.256s", parent, entry->d_name);
        struct stat info;
        if (lstat (path, &info) || !S_ISDIR (info.st_mode) || info.st_uid != getuid ())
            continue;
        long pid = s_recorded_pid (path);
        //  Pid 1 is the host's init, never a harness: such a file was written
        //  by a harness in its private PID namespace before ipcdir_owner.
        bool dead = pid == 1 || (pid > 0 && kill ((pid_t) pid, 0) == -1 && errno == ESRCH);
        if (dead && !s_serves (path)) {
            ipcdir_remove (path);
            if (out)
                fprintf (out, "removed stale ipc directory %s\n", path);
            swept++;
        }
    }
    closedir (dir);
    return swept;
}

int
ipcdir_make (const char *prefix, char *path, size_t size)
{
    int swept = ipcdir_sweep (prefix, NULL);
    snprintf (path, size, "%s-XXXXXX", prefix);
    if (!mkdtemp (path)) {
        *path = 0;
        return -1;
    }
    char file [600];
    snprintf (file, sizeof file, "%.500s/pid", path);
    FILE *out = fopen (file, "w");
    if (!out || fprintf (out, "%ld\n", s_owner? s_owner: (long) getpid ()) < 0 || fclose (out)) {
        int saved = errno;
        ipcdir_remove (path);
        *path = 0;
        errno = saved;
        return -1;
    }
    return swept;
}
