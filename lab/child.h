/*  child.h -- what every process the lab forks does first, and where
    its programs are found: one place for the lab's processes (lab.c's
    nodes and proxy, dbproc.c's database servers, netplane.c's commands).
*/
#ifndef FL_CHILD_H_INCLUDED
#define FL_CHILD_H_INCLUDED

#include <stdbool.h>

//  In a child just forked: die with the parent (PR_SET_PDEATHSIG
//  SIGKILL), take back the default SIGINT, SIGTERM, SIGHUP and SIGPIPE
//  (our own handling is not the child's), stdin from /dev/null, stdout
//  and stderr to OUT and ERR.
void child_prepare (int out, int err);

//  Is PROGRAM (a path with a '/', or a name searched in PATH) there to
//  be run?
bool child_program_exists (const char *program);

#endif
