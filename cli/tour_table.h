/*  tour_table.h -- what `./harness run` prints after a scripted tour
    (cap-tour, cap-proof, cart-conflict): the steps side by side, one row
    per step (its number and what it did), one column per system ("ok
    active", "fail 11", "info", "fault"), a row before a settled step with
    how long the replicas took to agree, and after the steps one row per
    key with what each replica holds (n1/n2/n3).
*/
#ifndef FL_TOUR_TABLE_H_INCLUDED
#define FL_TOUR_TABLE_H_INCLUDED

#include <stdio.h>
#include <jansson.h>
#include "limits.h"

//  Print the table of results (results.json objects of one tour, one per
//  system; NULL entries print "-").
void tour_table (FILE *out, json_t **results, size_t count);

#endif
