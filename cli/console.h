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

#endif
