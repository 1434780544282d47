/*  cmd_sweep.c -- ./harness sweep: remove what a harness that crashed or
    was killed left behind: stale ipc directories (/tmp/faultlab-*, whose
    recorded pid is dead: lab/ipcdir.h) and named network namespaces
    fl-PID-* whose harness PID is dead. A real-database run keeps its
    namespaces in a private mount namespace, so they vanish with it; the
    sweep is for what is visible on the host anyway. Prints one line per
    thing removed, and a count.
*/
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "lab/lab.h"

const char cmd_sweep_usage [] = "sweep";

int
cmd_sweep (int argc, char **argv)
{
    (void) argv;
    if (argc > 1) {
        fprintf (stderr, "usage: harness %s\n", cmd_sweep_usage);
        return FL_EXIT_USAGE;
    }
    int removed = lab_sweep (stdout);
    printf ("sweep: %d stale thing%s removed\n", removed, removed == 1? "": "s");
    return FL_EXIT_OK;
}
