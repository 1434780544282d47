/*  spectrum.h -- the consistency spectrum of one history (check_file's part
    beyond linearizability): which models were asked, their outcomes, the
    implications between them, and how they are shown (JSON, text).
    Internal to checker/.
*/
#ifndef FL_SPECTRUM_H_INCLUDED
#define FL_SPECTRUM_H_INCLUDED

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "consistency.h"

typedef struct {
    consistency_t asked;
    bool all;                                   // --spectrum
    bool ran [CONSISTENCY_COUNT];
    bool implied [CONSISTENCY_COUNT];           // verdict taken from another model's
    consistency_t implied_by [CONSISTENCY_COUNT];   // that model, when implied
    consistency_result_t results [CONSISTENCY_COUNT];
} spectrum_t;

//  What the checks read besides the history: --init's text (NULL: nil),
//  the sequential search's budget.
typedef struct {
    const char *init;
    double timeout_s;
    size_t memory_mb;
} spectrum_input_t;

//  Run every model asked but linearizable (the caller's search gives that
//  one: lin is its verdict and ran_lin whether it ran), the polynomial
//  ones first, and causal also before a sequential asked alone; then fill
//  the unknowns that the others decide, both ways (linearizable =>
//  sequential => causal => each session guarantee; a failed session
//  guarantee => not causal => not sequential => not linearizable). The
//  sequential search does not run when that decides it.
void spectrum_run (spectrum_t *self, const ophistory_t *history, const spectrum_input_t *input,
                   bool ran_lin, check_verdict_t lin);

//  The verdict of the asked model.
check_verdict_t spectrum_verdict (const spectrum_t *self);

//  The strongest model known to hold: the first of linearizable, sequential,
//  causal that holds; else the session guarantees that hold joined by "+";
//  else "unknown" when a model is unknown, "none" when every one was
//  refuted. Malloc'd.
char *spectrum_strongest (const spectrum_t *self);

//  The check whose verdict the asked model has: "sequential"
//  (sequential_check), "causal" (causal_check), "session" (session_check),
//  or "search" (linearizability's); when the verdict is implied, the check
//  of the model it was implied by.
const char *spectrum_method (const spectrum_t *self);

//  Into obj: "consistency"; with --spectrum "spectrum", "strongest",
//  "violations", "reasons", "implied"; without it, for a model other than
//  linearizable, "method" (spectrum_method) and "violation" or "reason".
void spectrum_json (const spectrum_t *self, json_t *obj);

//  Text: the spectrum line and each violation's chain.
void spectrum_explain (const spectrum_t *self, FILE *out);

void spectrum_release (spectrum_t *self);

#endif
