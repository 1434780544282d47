/*  cmd_fault.c -- placeholder until './harness fault' lands in this session. */
#include <stdio.h>
#include "commands.h"
int cmd_fault (int argc, char **argv) { (void) argc; (void) argv;
    fprintf (stderr, "harness: 'fault' is not built yet\n"); return EXIT_SOFTWARE; }
