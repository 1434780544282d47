/*  cmd_run.c -- placeholder until './harness run' lands in this session. */
#include <stdio.h>
#include "commands.h"
int cmd_run (int argc, char **argv) { (void) argc; (void) argv;
    fprintf (stderr, "harness: 'run' is not built yet\n"); return EXIT_SOFTWARE; }
