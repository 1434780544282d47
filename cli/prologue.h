/*  prologue.h -- what every command that starts a lab (run, up, matrix)
    does first, so that all three stop the same way.

    czmq's own SIGINT/SIGTERM handling is turned off; the three
    signals SIGINT, SIGTERM and SIGHUP (a closed terminal or ssh session)
    set one flag instead (sigaction without SA_RESTART, so a poll or wait returns
    at once and the command's loop sees it); SIGPIPE is ignored, so a node,
    the proxy or a reader of our stdout that goes away makes a write fail
    rather than kill the harness with the lab still up; and the harness
    becomes the subreaper of what its nodes start, so lab_destroy can end
    those too.
*/
#ifndef FL_PROLOGUE_H_INCLUDED
#define FL_PROLOGUE_H_INCLUDED

#include <signal.h>

//  Install the above. Returns the flag, 0 until SIGINT, SIGTERM or SIGHUP
//  arrives
//  (the one global the style allows). Call once, before the lab starts.
volatile sig_atomic_t *prologue_start (void);

#endif
