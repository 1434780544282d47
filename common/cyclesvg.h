/*  cyclesvg.h -- a transaction cycle drawn as inline SVG: the
    transactions as boxes on a circle, each edge an arrow labelled with its
    kind and key (rw edges red). One drawing for both pages that show
    Elle's anomalies: the checker's page (./harness check --report,
    checker/ellepage.c) and the run report (report/report.c), so the two
    never disagree about what a cycle looks like.
*/
#ifndef FL_CYCLESVG_H_INCLUDED
#define FL_CYCLESVG_H_INCLUDED

#include <stdio.h>
#include <jansson.h>

//  Write the <svg> of ANOMALY, one entry of the txn check's "anomalies"
//  (elle_result_json): its "cycle" (op objects with line and value) and
//  "edges" (type, key, why; edge i goes from op i to op i+1). An anomaly
//  without a cycle draws nothing.
void cyclesvg_write (FILE *out, json_t *anomaly);

//  ANOMALY's cycle in words, one line at a time (text, not escaped), to
//  FN: each transaction (T1 = line 5: process 0 txn [...] ok), then each
//  edge and why it is there (T1 < T2: T1 did not see T2's append of 1 to
//  key 1), then "... (cut: 70 steps in all, 64 shown)" when the checker
//  cut the cycle. ./harness check prints these lines, the run report
//  lists them. An anomaly without a cycle gives none.
typedef void (cyclesvg_line_fn) (const char *line, void *arg);

//  One op of a cycle in words: "line 12: process 3 txn [...] ok". Caller
//  frees; NULL when out of memory.
char *cyclesvg_op_text (json_t *op);

//  A value in words: its compact JSON, cut past FL_TXN_VALUE_TEXT_BYTES_MAX
//  ("[0,1,2,... (6972 bytes in all)"); "?" for none. Caller frees; NULL
//  when out of memory.
char *cyclesvg_value_text (json_t *value);

void cyclesvg_lines (json_t *anomaly, cyclesvg_line_fn *fn, void *arg);

//  Those lines as an HTML list. An anomaly without a cycle writes nothing.
void cyclesvg_explain (FILE *out, json_t *anomaly);

#endif
