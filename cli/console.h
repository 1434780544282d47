/*  console.h -- what `./harness run` prints at the end: one row per system
    run, read from its results.json object, so the table shows exactly what
    was recorded.
*/
#ifndef FL_CONSOLE_H_INCLUDED
#define FL_CONSOLE_H_INCLUDED

#include <stdio.h>
#include <jansson.h>

//  Print the comparison table: system, expected, verdict, ops (ok/total),
//  availability during faults / outside, latency p50/p99, report path.
//  results are results.json objects (NULL entries are skipped).
void console_table (FILE *out, json_t **results, size_t count);

//  "valid", "invalid", "unknown" for a results "valid" field.
const char *console_verdict (json_t *valid);

//  The exit status (exits.h) one run's results earn against what its
//  scenario expects: FL_EXIT_OK as expected (or nothing particular
//  expected: "varies", "none"), FL_EXIT_DIFFERS not, FL_EXIT_UNKNOWN when
//  the verdict is unknown. run and matrix both judge by it.
int console_status (json_t *results);

//  Of two exit statuses, the one a command that earned both returns:
//  errors (FL_EXIT_USAGE and up) beat verdicts, the higher error first;
//  among verdicts, differs beats unknown.
int console_worst (int a, int b);

#endif
