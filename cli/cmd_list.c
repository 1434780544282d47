/*  cmd_list.c -- placeholder until './harness list' lands in this session. */
#include <stdio.h>
#include "commands.h"
int cmd_list (int argc, char **argv) { (void) argc; (void) argv;
    fprintf (stderr, "harness: 'list' is not built yet\n"); return EXIT_SOFTWARE; }
