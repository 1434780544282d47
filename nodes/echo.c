/*  echo.c -- bin/node-echo, Maelstrom's echo workload: the smallest node,
    and the example of the node library (nodes/lib/node.h).

    Every {"type":"echo","echo":X} gets {"type":"echo_ok","echo":X} back.
    The library does the rest: command line, init/init_ok, error 10 for
    other request types, role and clock_skew, clean exit on SIGTERM.
*/
#include "exits.h"
#include "nodes/lib/node.h"

static void
s_echo (node_t *node, const char *src, json_t *body, void *arg)
{
    (void) arg;
    json_t *echo = json_object_get (body, "echo");
    json_t *reply = json_pack ("{s:s, s:O?}", "type", "echo_ok", "echo", echo);
    node_reply (node, src, body, reply);
}

int
main (int argc, char **argv)
{
    node_t *node = node_new (argc, argv);
    if (!node)
        return FL_EXIT_USAGE;
    node_on (node, "echo", s_echo, NULL);
    int rc = node_run (node);
    node_destroy (&node);
    return rc? FL_EXIT_SOFTWARE: FL_EXIT_OK;
}
