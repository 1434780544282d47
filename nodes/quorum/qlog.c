/*  qlog.c -- a quorum replica's store file (see qlog.h).

    The invariant: the file is a sequence of whole lines, each an entry
    the store applied, so replaying it gives a store at least as new as
    the one that wrote it (versions only grow, and replay keeps the
    greater). Every append is one write (2) of a whole line; a torn tail
    is cut on open, before anything is appended after it, so a line is
    never glued to half of another.
*/
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "limits.h"
#include "qlog.h"

struct _qlog_t {
    char path [4096];
    int fd;
    size_t lines;               //  lines in the file now
};

//  Replay path into store; *good_p gets the bytes of whole entries.
static int
s_replay (qlog_t *self, FILE *file, json_t *store, hlc_t *clock, size_t *good_p)
{
    char *line = NULL;
    size_t room = 0;
    ssize_t len;
    size_t good = 0;
    while ((len = getline (&line, &room, file)) > 0) {
        core_version_t version;
        if (line [len - 1] != '\n')
            break;              //  torn: the kill came mid-line
        line [len - 1] = 0;
        if (core_store_replay (store, line, &version))
            break;
        hlc_receive (clock, version.stamp, 0);
        good += (size_t) len;
        self->lines++;
    }
    free (line);
    *good_p = good;
    return ferror (file)? -1: 0;
}

qlog_t *
qlog_open (const char *dir, json_t *store, hlc_t *clock, char *err,
           size_t err_size, size_t *replayed_p, size_t *torn_bytes_p)
{
    assert (dir);
    assert (store);
    assert (clock);
    qlog_t *self = (qlog_t *) calloc (1, sizeof (qlog_t));
    assert (self);
    snprintf (self->path, sizeof self->path, "%s/quorum-store.jsonl", dir);
    self->fd = open (self->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    FILE *file = self->fd < 0? NULL: fdopen (dup (self->fd), "r");
    size_t good = 0;
    if (!file || s_replay (self, file, store, clock, &good)) {
        snprintf (err, err_size, "cannot read '%s': %s", self->path, strerror (errno));
        if (file)
            fclose (file);
        qlog_destroy (&self);
        return NULL;
    }
    fclose (file);
    off_t size = lseek (self->fd, 0, SEEK_END);
    if (size > (off_t) good && ftruncate (self->fd, (off_t) good)) {
        snprintf (err, err_size, "cannot cut the torn end of '%s': %s", self->path,
                  strerror (errno));
        qlog_destroy (&self);
        return NULL;
    }
    if (replayed_p)
        *replayed_p = self->lines;
    if (torn_bytes_p)
        *torn_bytes_p = size > (off_t) good? (size_t) (size - (off_t) good): 0;
    return self;
}

void
qlog_destroy (qlog_t **self_p)
{
    assert (self_p);
    qlog_t *self = *self_p;
    if (!self)
        return;
    if (self->fd >= 0)
        close (self->fd);
    free (self);
    *self_p = NULL;
}

static int
s_write_line (int fd, char *line)
{
    size_t len = strlen (line);
    line [len] = '\n';          //  json_dumps left room: its NUL
    ssize_t wrote = write (fd, line, len + 1);
    line [len] = 0;
    return wrote == (ssize_t) (len + 1)? 0: -1;
}

//  Rewrite the file as the store's entries: tmp file, then rename.
static int
s_rewrite (qlog_t *self, json_t *store, char *err, size_t err_size)
{
    char tmp [4200];
    snprintf (tmp, sizeof tmp, "%s.tmp", self->path);
    int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    size_t lines = 0;
    const char *key_text;
    json_t *entry;
    int rc = fd < 0? -1: 0;
    json_object_foreach (store, key_text, entry) {
        if (rc)
            break;
        char *line = json_dumps (entry, JSON_COMPACT | JSON_ENCODE_ANY);
        rc = s_write_line (fd, line);
        free (line);
        lines++;
    }
    if (rc == 0 && (fsync (fd) || rename (tmp, self->path)))
        rc = -1;
    if (rc) {
        snprintf (err, err_size, "cannot rewrite '%s': %s", self->path, strerror (errno));
        if (fd >= 0)
            close (fd);
        unlink (tmp);
        return -1;
    }
    close (self->fd);
    self->fd = fd;              //  the renamed file, at its end
    self->lines = lines;
    return 0;
}

int
qlog_append (qlog_t *self, json_t *store, const json_t *key, json_t *value,
             const core_version_t *version, char *err, size_t err_size)
{
    assert (self);
    char *line = core_store_line (key, value, version);
    assert (line);
    int rc = s_write_line (self->fd, line);
    free (line);
    if (rc) {
        snprintf (err, err_size, "cannot append to '%s': %s", self->path, strerror (errno));
        return -1;
    }
    self->lines++;
    if (self->lines > FL_QUORUM_LOG_LINES_MAX && self->lines > 4 * json_object_size (store))
        return s_rewrite (self, store, err, err_size);
    return 0;
}
