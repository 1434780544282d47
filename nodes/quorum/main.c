/*  main.c -- bin/node-quorum: a Dynamo-style lin-kv store (N = every node,
    W and R tunable, read repair, hinted handoff) for the faultlab lab.

    Parses the node command line (nodes/lib/node.h), reads the params of
    quorum.h and runs the server until SIGTERM (or, with --stdio, EOF on
    stdin). Exit status: 0 on a clean stop, 64 on a usage error (a bad
    option or a param that is not a known word, printed as
    "quorum: param w: 'x' is not one, quorum, all or 1..N"), 70 when the
    store file under --data cannot be read or written, or the loop failed.
*/
#include <stdio.h>
#include "exits.h"
#include "nodes/lib/node.h"
#include "quorum.h"

int
main (int argc, char **argv)
{
    node_t *node = node_new (argc, argv);
    if (!node)
        return FL_EXIT_USAGE;
    char error [4400];
    bool usage = true;
    quorum_t *quorum = quorum_new (node, &usage, error, sizeof error);
    if (!quorum) {
        fprintf (stderr, "quorum: %s\n", error);
        node_destroy (&node);
        return usage? FL_EXIT_USAGE: FL_EXIT_SOFTWARE;
    }
    int rc = node_run (node);
    bool failed = quorum_failed (quorum);
    quorum_destroy (&quorum);
    node_destroy (&node);
    return rc || failed? FL_EXIT_SOFTWARE: FL_EXIT_OK;
}
