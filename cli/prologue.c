/*  prologue.c -- see prologue.h. The flag is the process's one piece of
    global state: a signal handler can reach nothing else.
*/
#include <signal.h>
#include <string.h>
#include <czmq.h>
#include "prologue.h"
#include "lab/lab.h"

static volatile sig_atomic_t s_interrupted = 0;

static void
s_on_signal (int signum)
{
    (void) signum;
    s_interrupted = 1;
}

volatile sig_atomic_t *
prologue_start (void)
{
    zsys_handler_set (NULL);
    struct sigaction action;
    memset (&action, 0, sizeof action);
    action.sa_handler = s_on_signal;
    sigemptyset (&action.sa_mask);
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGTERM, &action, NULL);
    sigaction (SIGHUP, &action, NULL);      //  a closed terminal ends a run as Ctrl-C does
    signal (SIGPIPE, SIG_IGN);
    lab_become_subreaper ();
    return &s_interrupted;
}
