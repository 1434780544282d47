/*  cmd_matrix.c -- placeholder until './harness matrix' lands in this session. */
#include <stdio.h>
#include "commands.h"
int cmd_matrix (int argc, char **argv) { (void) argc; (void) argv;
    fprintf (stderr, "harness: 'matrix' is not built yet\n"); return EXIT_SOFTWARE; }
