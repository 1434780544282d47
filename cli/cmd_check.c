/*  cmd_check.c -- placeholder until './harness check' lands in this session. */
#include <stdio.h>
#include "commands.h"
int cmd_check (int argc, char **argv) { (void) argc; (void) argv;
    fprintf (stderr, "harness: 'check' is not built yet\n"); return EXIT_SOFTWARE; }
