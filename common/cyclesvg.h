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

//  Write ANOMALY's cycle in words, as ./harness check prints it: each
//  transaction (T1 = line 5: process 0 txn [...] ok), then each edge and
//  why it is there (T1 < T2: T1 did not see T2's append of 1 to key 1),
//  as an HTML list. An anomaly without a cycle writes nothing.
void cyclesvg_explain (FILE *out, json_t *anomaly);

#endif
