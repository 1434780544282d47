/*  quorum.h -- the Dynamo-style lin-kv server of bin/node-quorum: every
    node a replica of every key, the node a client asks coordinates, reads
    wait for R replicas and writes for W. See docs/nodes.md ("quorum").

    Module nodes/quorum/ is a library (build/libquorum.a: quorum, core, qlog)
    linked by its program (main.c, bin/node-quorum) and by its tests
    (tests/unit/node_quorum_*.c). It owns the replica's store (in memory,
    and on disk under --data: qlog.h), the coordinator's read and write
    rounds, read repair and hinted handoff; its decisions are pure
    functions in core.h. It depends on the node
    library (nodes/lib/node.h, hlc.h) for its socket, clock and timers and
    on common/ (limits) -- never on the harness or the proxy.

    quorum_new reads the params (w, r, read_repair, hinted_handoff), opens
    the store file and registers every handler and the init hook on the
    node.
*/
#ifndef FL_QUORUM_H_INCLUDED
#define FL_QUORUM_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include "nodes/lib/node.h"

typedef struct _quorum_t quorum_t;

//  Read the params, open the store under node_data_dir (qlog.h; in memory
//  when there is none) and register the handlers on node. Returns NULL
//  with error set and *usage_p true when a param is not a word the server
//  knows ("param w: 'x' is not one, quorum, all or 1..N"), *usage_p false
//  when the store file cannot be read. A count above N is found only at
//  init, and then every client request is answered error 12 naming it.
quorum_t *quorum_new (node_t *node, bool *usage_p, char *error, size_t error_size);

//  True when the node stopped because its store file could not be written.
bool quorum_failed (quorum_t *self);

//  Free the server (the node is not touched). Accepts NULL; nulls the pointer.
void quorum_destroy (quorum_t **self_p);

#endif
