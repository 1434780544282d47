/*  qlog.h -- a quorum replica's store on disk, so that a replica killed
    and restarted (crash-restart keeps its --data directory) still holds
    what it acknowledged.

    One file, DIR/quorum-store.jsonl: one line per write the replica
    applied, [key, value, [wall, logical], node], appended with one write
    (2) each. No fsync: the lab kills processes, not machines, and a
    write that returned survives the process's SIGKILL in the page cache;
    a power cut could lose the tail (raft, which promises more, syncs).
    On open the lines are replayed through core_store_put (so order does
    not matter: the greater version wins); the first line that is not a
    whole entry (torn at a kill) ends the file and is cut off. Past
    FL_QUORUM_LOG_LINES_MAX lines, and past 4 lines per key held, the file
    is rewritten as the store's entries (tmp file, rename).
*/
#ifndef FL_QUORUM_QLOG_H_INCLUDED
#define FL_QUORUM_QLOG_H_INCLUDED

#include <stddef.h>
#include <jansson.h>
#include "nodes/lib/hlc.h"
#include "core.h"

typedef struct _qlog_t qlog_t;

//  Open (or create) DIR/quorum-store.jsonl and replay it into store,
//  advancing clock past every version in it. Returns NULL on an I/O error
//  with a message naming the file in err. *replayed_p gets the lines
//  replayed, *torn_bytes_p the bytes cut off the end (both optional).
qlog_t *qlog_open (const char *dir, json_t *store, hlc_t *clock, char *err,
                   size_t err_size, size_t *replayed_p, size_t *torn_bytes_p);

//  Close the file. Accepts NULL; nulls the pointer.
void qlog_destroy (qlog_t **self_p);

//  Record a write the store just applied (store is the whole store, for
//  the rewrite when the file is long). Returns 0, or -1 with err set.
int qlog_append (qlog_t *self, json_t *store, const json_t *key, json_t *value,
                 const core_version_t *version, char *err, size_t err_size);

#endif
