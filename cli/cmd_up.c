/*  cmd_up.c -- placeholder until './harness up' lands in this session. */
#include <stdio.h>
#include "commands.h"
int cmd_up (int argc, char **argv) { (void) argc; (void) argv;
    fprintf (stderr, "harness: 'up' is not built yet\n"); return EXIT_SOFTWARE; }
