/*  envelope.c -- fuzz target: a node's envelope parser and dispatch
    (nodes/lib: node_handle_line, the path every --stdio line and, but for
    the frame, every proxy message takes): init, role, clock_skew, an
    unknown type, replies no RPC waits for, and whatever is malformed. One
    node (--stdio --id n1) takes every input; its replies go to stdout,
    which the target points at /dev/null, and its log to the stderr FILE,
    pointed at /dev/null too unless FUZZ_NODE_LOG is set (fd 2 itself stays
    open: the sanitizers and libFuzzer report there).
*/
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "fuzz.h"
#include "nodes/lib/node.h"
#include "limits.h"

static node_t *s_node;

static void
s_on_echo (node_t *node, const char *src, json_t *body, void *arg)
{
    (void) arg;
    json_t *reply = json_deep_copy (body);
    json_object_set_new (reply, "type", json_string ("echo_ok"));
    json_object_del (reply, "msg_id");
    node_reply (node, src, body, reply);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc, (void) argv;
    int null = open ("/dev/null", O_WRONLY);
    FUZZ_ASSERT (null >= 0);
    dup2 (null, STDOUT_FILENO);
    close (null);
    //  The node logs every dropped line (a GB a minute at fuzzing speed):
    //  its log goes to the stderr FILE, which points at /dev/null unless
    //  FUZZ_NODE_LOG is set; fd 2 stays, for the sanitizers and libFuzzer.
    if (!getenv ("FUZZ_NODE_LOG"))
        stderr = fopen ("/dev/null", "w");
    char *args [] = { "node-fuzz", "--stdio", "--id", "n1", "--seed", "1", NULL };
    s_node = node_new (6, args);
    FUZZ_ASSERT (s_node);
    node_on (s_node, "echo", s_on_echo, NULL);
    static const char init [] = "{\"src\":\"c0\",\"dest\":\"n1\",\"body\":{\"type\":\"init\","
        "\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\",\"n2\",\"n3\"]}}";
    node_handle_line (s_node, init, sizeof init - 1);
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_node)
        LLVMFuzzerInitialize (NULL, NULL);
    if (size > FL_MSG_BYTES_MAX)
        return 0;                   //  the line reader drops these first
    node_handle_line (s_node, (const char *) data, size);
    int64_t skew = node_skew_ms (s_node);
    FUZZ_ASSERT (skew >= -FL_FAKETIME_OFFSET_MS_MAX && skew <= FL_FAKETIME_OFFSET_MS_MAX);
    return 0;
}
