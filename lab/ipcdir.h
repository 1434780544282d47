/*  ipcdir.h -- the private directory of a lab's ipc sockets
    (/tmp/faultlab-XXXXXX for the proxy's net and ctl, /tmp/faultlab-up-XXXXXX
    for ./harness up's control socket), with the pid of the harness that
    made it recorded inside, so a later harness can tell a stale one.

    lab_destroy removes its directory; a harness killed with SIGKILL (or
    one that crashed) cannot. Its children die with it (PR_SET_PDEATHSIG),
    so a directory whose recorded pid is dead serves nobody: ipcdir_make
    sweeps every such one of the same prefix before it makes its own. A
    directory without a pid file (one being made this instant, or another
    program's) is left alone, as is one of a live pid.
*/
#ifndef FL_IPCDIR_H_INCLUDED
#define FL_IPCDIR_H_INCLUDED

#include <stddef.h>
#include <stdio.h>

//  Sweep stale directories PREFIX-* (PREFIX is "/tmp/faultlab" or
//  "/tmp/faultlab-up"), then make PREFIX-XXXXXX with a file "pid" holding
//  this process's pid. Writes the path to PATH (SIZE bytes). Returns the
//  number of stale directories swept (>= 0), or -1 with errno set when the
//  directory cannot be made.
int ipcdir_make (const char *prefix, char *path, size_t size);

//  The harness runs in a private PID namespace (netplane_private) whose
//  outer harness has host pid PID: record PID in pid files instead of
//  getpid () (1 in there), so a sweep on the host can tell when the run is
//  gone; and sweep nothing from in there, where every host pid looks dead.
void ipcdir_owner (long pid);

//  Remove the directory PATH and the entries in it (sockets, the pid
//  file). Quiet if it is gone already.
void ipcdir_remove (const char *path);

//  Sweep stale directories PREFIX-*, as ipcdir_make does first, saying
//  "removed stale ipc directory PATH" on out for each (unless out is
//  NULL). Returns how many were removed.
int ipcdir_sweep (const char *prefix, FILE *out);

#endif
