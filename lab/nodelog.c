/*  nodelog.c -- see nodelog.h. The writer is a fork of the harness that
    runs only read, write and _exit (the harness has ZeroMQ's threads; a
    fork of it may call nothing that takes a lock), under PDEATHSIG so
    that it never outlives the harness. The counters are one shared
    anonymous mapping; each writer adds to its own slot with an atomic add
    and the harness reads it with an atomic load.
*/
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "nodelog.h"
#include "limits.h"

struct _nodelog_t {
    int count;
    int64_t *cut;           // [count], shared with the writers
};

nodelog_t *
nodelog_new (int count)
{
    assert (count > 0 && count <= FL_NODES_MAX);
    void *page = mmap (NULL, sizeof (int64_t) * FL_NODES_MAX, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        return NULL;
    nodelog_t *self = calloc (1, sizeof *self);
    assert (self);
    self->count = count;
    self->cut = page;
    return self;
}

void
nodelog_destroy (nodelog_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    munmap ((*self_p)->cut, sizeof (int64_t) * FL_NODES_MAX);
    free (*self_p);
    *self_p = NULL;
}

int64_t
nodelog_cut (nodelog_t *self, int index)
{
    assert (self && index >= 0 && index < self->count);
    return __atomic_load_n (&self->cut [index], __ATOMIC_RELAXED);
}

//  write() all of BUF, or give up on an error (a full disk: the rest is
//  lost either way, and the writer must keep reading).
static void
s_write_all (int fd, const char *buf, size_t size)
{
    while (size > 0) {
        ssize_t put = write (fd, buf, size);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return;
        buf += put, size -= (size_t) put;
    }
}

//  The writer's loop: copy IN to LOG up to the cap, count the rest.
static void
s_writer (int in, int log, int64_t *cut)
{
    struct stat info;
    int64_t written = fstat (log, &info) == 0? (int64_t) info.st_size: 0;
    bool said = written >= FL_NODE_LOG_BYTES_MAX;
    char buf [65536];
    while (true) {
        ssize_t got = read (in, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return;
        int64_t room = FL_NODE_LOG_BYTES_MAX - written;
        int64_t keep = room <= 0? 0: got < room? got: room;
        s_write_all (log, buf, (size_t) keep);
        written += keep;
        if (keep < got) {
            __atomic_fetch_add (cut, got - keep, __ATOMIC_RELAXED);
            if (!said) {
                static const char note [] = "\nfaultlab: this log reached "
                    "FL_NODE_LOG_BYTES_MAX; the rest of the node's output is cut"
                    " and counted (results.json: log_cut)\n";
                s_write_all (log, note, sizeof note - 1);
                said = true;
            }
        }
    }
}

int
nodelog_start (nodelog_t *self, int index, const char *path, pid_t *writer)
{
    assert (self && index >= 0 && index < self->count && path && writer);
    int fds [2];
    int log = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0)
        return -1;
    if (pipe2 (fds, O_CLOEXEC)) {
        close (log);
        return -1;
    }
    pid_t parent = getpid ();
    pid_t pid = fork ();
    if (pid == 0) {
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        if (getppid () != parent)
            _exit (0);
        //  Ctrl-C at a terminal signals the whole group: the writer still
        //  drains what the dying node writes, and ends at its EOF.
        signal (SIGINT, SIG_IGN);
        signal (SIGTERM, SIG_IGN);
        signal (SIGHUP, SIG_IGN);
        close (fds [1]);
        s_writer (fds [0], log, &self->cut [index]);
        _exit (0);
    }
    close (fds [0]);
    close (log);
    if (pid < 0) {
        close (fds [1]);
        return -1;
    }
    *writer = pid;
    return fds [1];
}
