/*  nodelog.h -- a node's log (RUN_DIR/nK.log), capped at
    FL_NODE_LOG_BYTES_MAX.

    A node's stdout and stderr go to a pipe; a small process forked from the
    harness (the log's writer, which never execs and dies with the harness)
    copies the pipe into the log until the log holds FL_NODE_LOG_BYTES_MAX
    bytes (restarts append, so the cap is the file's), writes one line
    saying the rest is cut, then reads and counts what follows without
    writing it. The count lives in a page shared with the harness
    (nodelog_cut), so results.json and the console can say how much was
    cut while the run goes on. A node that floods stderr can no longer
    fill the disk, and it never blocks on a full pipe either: the writer
    always reads.
*/
#ifndef FL_NODELOG_H_INCLUDED
#define FL_NODELOG_H_INCLUDED

#include <stdint.h>
#include <sys/types.h>

typedef struct _nodelog_t nodelog_t;

//  Counters for COUNT logs (COUNT <= FL_NODES_MAX), in memory shared with
//  the writers. Returns NULL if it cannot be mapped.
nodelog_t *nodelog_new (int count);

//  Unmaps. Accepts NULL; nulls the pointer.
void nodelog_destroy (nodelog_t **self_p);

//  Start log INDEX's writer, appending to PATH. Returns the pipe's write
//  end (O_CLOEXEC; give it to the node as fd 1 and 2, then close it), or
//  -1 if PATH cannot be opened or the pipe or fork fails. *writer is the
//  writer's pid, which ends when every holder of the write end has.
int nodelog_start (nodelog_t *self, int index, const char *path, pid_t *writer);

//  Bytes of log INDEX's output cut so far (0 if none).
int64_t nodelog_cut (nodelog_t *self, int index);

#endif
