/*  cmd_matrix.c -- ./harness matrix: the measured CAP/PACELC table of every
    system. Not built yet: it would run each scenario against each built
    system and tabulate verdicts, availability during partitions and
    latency under delay -- every figure is already in each run's
    results.json. Until then it says so and points at what exists.
*/
#include <stdio.h>
#include "commands.h"

int
cmd_matrix (int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf (stderr, "harness: 'matrix' is not built yet; meanwhile run each scenario"
             " against every system (./harness run SCENARIO) and compare the tables:"
             " availability during faults is the CAP column, p99 on slow-network the"
             " PACELC one\n");
    return EXIT_SOFTWARE;
}
