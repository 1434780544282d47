/*  node_kit.h -- what the node tests (tests/unit/node_*.c) share: node
    binaries as child processes, and the wire as the proxy would speak it.

    Children die with the test (PR_SET_PDEATHSIG) and every wait has a
    deadline. Header-only (static inline) because each test binary is one
    .c file; include it after tap.h.
*/
#ifndef NODE_KIT_H_INCLUDED
#define NODE_KIT_H_INCLUDED
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <czmq.h>
#include <jansson.h>
#include "clock.h"

//  Fork and exec argv [0] with argv, its stderr (and its stdout too, when
//  stdout_too) written to log_path. Returns the child's pid.
static inline pid_t
kit_spawn (char **argv, const char *log_path, bool stdout_too)
{
    pid_t pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        int fd = open (log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            if (stdout_too)
                dup2 (fd, 1);
            dup2 (fd, 2);
        }
        execv (argv [0], argv);
        _exit (127);
    }
    return pid;
}

//  Wait up to timeout_ms for pid to exit. Returns its exit status, or -1
//  when a signal ended it or it had to be killed at the deadline.
static inline int
kit_wait (pid_t pid, int timeout_ms)
{
    int64_t deadline = clock_mono_ms () + timeout_ms;
    int status = 0;
    while (waitpid (pid, &status, WNOHANG) == 0) {
        if (clock_mono_ms () > deadline) {
            kill (pid, SIGKILL);
            waitpid (pid, &status, 0);
            return -1;
        }
        zclock_sleep (5);
    }
    return WIFEXITED (status)? WEXITSTATUS (status): -1;
}

//  A Maelstrom envelope {src, dest, body} as compact JSON text; takes body.
//  Caller frees.
static inline char *
kit_envelope (const char *src, const char *dest, json_t *body)
{
    json_t *envelope = json_pack ("{s:s, s:s, s:o}", "src", src, "dest", dest, "body", body);
    char *text = json_dumps (envelope, JSON_COMPACT);
    json_decref (envelope);
    return text;
}

//  Send [to][from][text] on the test's ROUTER, which plays the proxy (a
//  NULL from or text is left out, for malformed-frame tests). Retries while
//  the node has not connected yet (router_mandatory); fails the test after
//  wait_ms.
static inline void
kit_router_send (zsock_t *router, const char *to, const char *from, const char *text,
                 int wait_ms)
{
    int64_t deadline = clock_mono_ms () + wait_ms;
    while (true) {
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, to);
        if (from)
            zmsg_addstr (msg, from);
        if (text)
            zmsg_addstr (msg, text);
        if (zmsg_send (&msg, router) == 0)
            return;
        zmsg_destroy (&msg);
        assert_true (clock_mono_ms () < deadline);
        zclock_sleep (5);
    }
}

#endif
