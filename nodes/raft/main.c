/*  main.c -- bin/node-raft: a Raft lin-kv store for the faultlab lab.

    Parses the node command line (nodes/lib/node.h: through the proxy, or
    with --stdio on stdin/stdout as under Maelstrom, learning its id from
    init), opens the durable state under --data (or keeps it in memory,
    saying so), and runs the server of raft.c until SIGTERM (or, with
    --stdio, EOF on stdin). Exit status: 0 on a clean stop, 64 on a
    usage error (a bad option or --param), 70 when the state cannot be
    opened or the disk failed.
*/
#include "exits.h"
#include "nodes/lib/node.h"
#include "raft.h"

int
main (int argc, char **argv)
{
    node_t *node = node_new (argc, argv);
    if (!node)
        return FL_EXIT_USAGE;
    bool usage = false;
    raft_t *raft = raft_new (node, &usage);
    if (!raft) {
        node_destroy (&node);
        return usage? FL_EXIT_USAGE: FL_EXIT_SOFTWARE;
    }
    int rc = node_run (node);
    bool failed = raft_failed (raft);
    raft_destroy (&raft);
    node_destroy (&node);
    return failed || rc? FL_EXIT_SOFTWARE: FL_EXIT_OK;
}
