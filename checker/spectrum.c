/*  spectrum.c -- the consistency spectrum of a history (spectrum.h).

    Every model asked runs its own check, the polynomial ones (session
    guarantees, causal) first; then what one verdict implies fills
    another's unknown (never overrides a verdict the model's own check
    reached), both ways: a linearizable history is sequential, a sequential
    one causal, a causal one keeps every session guarantee; a history that
    breaks a session guarantee is not causal, one not causal is not
    sequential, one not sequential is not linearizable. The sequential
    search, exponential, is skipped when that already decides it. Such
    verdicts are listed under "implied", with the model they came from.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "spectrum.h"

static json_t *
s_verdict_json (check_verdict_t verdict)
{
    return verdict == CHECK_VALID? json_true (): verdict == CHECK_INVALID? json_false ()
         : json_string ("unknown");
}

static const char *
s_verdict_word (check_verdict_t verdict)
{
    return verdict == CHECK_VALID? "yes": verdict == CHECK_INVALID? "no": "unknown";
}

//  Fill an unknown verdict from an implication: model's verdict is the one
//  `by` reached.
static void
s_imply (spectrum_t *self, consistency_t model, check_verdict_t verdict, consistency_t by)
{
    consistency_result_t *r = &self->results [model];
    if (!self->ran [model] || r->verdict != CHECK_UNKNOWN)
        return;
    consistency_result_release (r);
    r->verdict = verdict;
    self->implied [model] = true;
    self->implied_by [model] = by;
}

//  Did model run and reach verdict?
static bool
s_is (const spectrum_t *self, consistency_t model, check_verdict_t verdict)
{
    return self->ran [model] && self->results [model].verdict == verdict;
}

//  Both ways along the chain, each to its end: linearizable => sequential
//  => causal => each session guarantee; a failed session guarantee =>
//  not causal => not sequential => not linearizable.
static void
s_implications (spectrum_t *self)
{
    if (s_is (self, CONSISTENCY_LINEARIZABLE, CHECK_VALID))
        s_imply (self, CONSISTENCY_SEQUENTIAL, CHECK_VALID, CONSISTENCY_LINEARIZABLE);
    if (s_is (self, CONSISTENCY_SEQUENTIAL, CHECK_VALID))
        s_imply (self, CONSISTENCY_CAUSAL, CHECK_VALID, CONSISTENCY_SEQUENTIAL);
    if (s_is (self, CONSISTENCY_CAUSAL, CHECK_VALID))
        for (int m = CONSISTENCY_READ_YOUR_WRITES; m < CONSISTENCY_COUNT; m++)
            s_imply (self, (consistency_t) m, CHECK_VALID, CONSISTENCY_CAUSAL);
    for (int m = CONSISTENCY_READ_YOUR_WRITES; m < CONSISTENCY_COUNT; m++)
        if (s_is (self, (consistency_t) m, CHECK_INVALID))
            s_imply (self, CONSISTENCY_CAUSAL, CHECK_INVALID, (consistency_t) m);
    if (s_is (self, CONSISTENCY_CAUSAL, CHECK_INVALID))
        s_imply (self, CONSISTENCY_SEQUENTIAL, CHECK_INVALID, CONSISTENCY_CAUSAL);
    if (s_is (self, CONSISTENCY_SEQUENTIAL, CHECK_INVALID))
        s_imply (self, CONSISTENCY_LINEARIZABLE, CHECK_INVALID, CONSISTENCY_SEQUENTIAL);
}

//  The order the checks run in: the polynomial ones first (session
//  guarantees, causal), then the sequential search, which runs only when
//  what ran before leaves it unknown.
static const consistency_t s_order [CONSISTENCY_COUNT] = {
    CONSISTENCY_LINEARIZABLE, CONSISTENCY_READ_YOUR_WRITES, CONSISTENCY_MONOTONIC_READS,
    CONSISTENCY_MONOTONIC_WRITES, CONSISTENCY_WRITES_FOLLOW_READS, CONSISTENCY_CAUSAL,
    CONSISTENCY_SEQUENTIAL
};

//  Does model run? What was asked, and causal before a sequential asked
//  alone: polynomial, and when it fails so does sequential, no search.
static bool
s_runs (const spectrum_t *self, consistency_t model)
{
    return self->all || model == self->asked
        || (model == CONSISTENCY_CAUSAL && self->asked == CONSISTENCY_SEQUENTIAL);
}

void
spectrum_run (spectrum_t *self, const ophistory_t *history, const spectrum_input_t *input,
              bool ran_lin, check_verdict_t lin)
{
    assert (self && history && input);
    for (int i = 0; i < CONSISTENCY_COUNT; i++) {
        consistency_t m = s_order [i];
        if (!s_runs (self, m))
            continue;
        consistency_result_t *r = &self->results [m];
        self->ran [m] = true;
        *r = (consistency_result_t) { CHECK_UNKNOWN, NULL, NULL, false };
        if (m == CONSISTENCY_LINEARIZABLE)
            r->verdict = ran_lin? lin: CHECK_UNKNOWN;
        else
        if (m == CONSISTENCY_SEQUENTIAL) {
            //  No search for what is known (implied says from what)
            s_implications (self);
            if (!self->implied [m])
                *r = sequential_check (history, input->init, input->timeout_s,
                                       input->memory_mb);
        }
        else
        if (m == CONSISTENCY_CAUSAL)
            *r = causal_check (history, input->init);
        else
            *r = session_check (history, input->init, m);
    }
    s_implications (self);
}

check_verdict_t
spectrum_verdict (const spectrum_t *self)
{
    assert (self);
    return self->results [self->asked].verdict;
}

char *
spectrum_strongest (const spectrum_t *self)
{
    assert (self);
    for (int m = CONSISTENCY_LINEARIZABLE; m <= CONSISTENCY_CAUSAL; m++)
        if (self->ran [m] && self->results [m].verdict == CHECK_VALID)
            return strdup (consistency_name ((consistency_t) m));
    char *text = NULL;
    for (int m = CONSISTENCY_READ_YOUR_WRITES; m < CONSISTENCY_COUNT; m++) {
        if (!self->ran [m] || self->results [m].verdict != CHECK_VALID)
            continue;
        char *more = NULL;
        if (asprintf (&more, "%s%s%s", text? text: "", text? "+": "",
                      consistency_name ((consistency_t) m)) < 0)
            more = NULL;
        free (text);
        text = more;
    }
    if (text)
        return text;
    //  Nothing known to hold: "none" only when every model was refuted.
    for (int m = CONSISTENCY_LINEARIZABLE; m < CONSISTENCY_COUNT; m++)
        if (self->ran [m] && self->results [m].verdict == CHECK_UNKNOWN)
            return strdup ("unknown");
    return strdup ("none");
}

const char *
spectrum_method (const spectrum_t *self)
{
    assert (self);
    consistency_t m = self->implied [self->asked]? self->implied_by [self->asked]: self->asked;
    return m == CONSISTENCY_LINEARIZABLE? "search"
         : m == CONSISTENCY_SEQUENTIAL? "sequential"
         : m == CONSISTENCY_CAUSAL? "causal": "session";
}

void
spectrum_json (const spectrum_t *self, json_t *obj)
{
    assert (self && obj);
    json_object_set_new (obj, "consistency", json_string (consistency_name (self->asked)));
    const consistency_result_t *asked = &self->results [self->asked];
    if (!self->all) {
        if (self->asked == CONSISTENCY_LINEARIZABLE)
            return;
        const consistency_result_t *by = self->implied [self->asked]?
            &self->results [self->implied_by [self->asked]]: NULL;
        json_object_set_new (obj, "method", json_string (spectrum_method (self)));
        //  An implied verdict shows the violation it came from (its "model" says whose)
        if (asked->violation || (by && by->violation))
            json_object_set (obj, "violation", asked->violation? asked->violation: by->violation);
        if (asked->verdict == CHECK_UNKNOWN && asked->reason)
            json_object_set_new (obj, "reason", json_string (asked->reason));
        if (by) {
            json_object_set_new (obj, "implied", json_true ());
            json_object_set_new (obj, "implied_by", json_string (
                consistency_name (self->implied_by [self->asked])));
        }
        return;
    }
    json_t *spectrum = json_object (), *violations = json_object (), *reasons = json_object ();
    json_t *implied = json_array (), *implied_by = json_object ();
    for (int m = 0; m < CONSISTENCY_COUNT; m++) {
        const consistency_result_t *r = &self->results [m];
        const char *name = consistency_name ((consistency_t) m);
        json_object_set_new (spectrum, name, s_verdict_json (r->verdict));
        if (r->violation)
            json_object_set (violations, name, r->violation);
        if (r->verdict == CHECK_UNKNOWN && r->reason)
            json_object_set_new (reasons, name, json_string (r->reason));
        if (self->implied [m]) {
            json_array_append_new (implied, json_string (name));
            json_object_set_new (implied_by, name, json_string (
                consistency_name (self->implied_by [m])));
        }
    }
    char *strongest = spectrum_strongest (self);
    json_object_set_new (obj, "spectrum", spectrum);
    json_object_set_new (obj, "strongest", json_string (strongest));
    json_object_set_new (obj, "violations", violations);
    json_object_set_new (obj, "reasons", reasons);
    json_object_set_new (obj, "implied", implied);
    json_object_set_new (obj, "implied_by", implied_by);
    free (strongest);
}

void
spectrum_explain (const spectrum_t *self, FILE *out)
{
    assert (self && out);
    if (self->all) {
        fprintf (out, "  spectrum:");
        for (int m = 0; m < CONSISTENCY_COUNT; m++) {
            const consistency_result_t *r = &self->results [m];
            fprintf (out, "%s %s %s", m? ",": "", consistency_name ((consistency_t) m),
                     s_verdict_word (r->verdict));
            if (self->implied [m])
                fprintf (out, " (implied by %s)",
                         consistency_name (self->implied_by [m]));
            else
            if (r->verdict == CHECK_UNKNOWN && r->reason)
                fprintf (out, " (%s)", r->reason);
        }
        char *strongest = spectrum_strongest (self);
        fprintf (out, "\n  strongest: %s\n", strongest);
        free (strongest);
    }
    if (!self->all && self->implied [self->asked])
        fprintf (out, "  %s %s: implied by %s\n", consistency_name (self->asked),
                 s_verdict_word (self->results [self->asked].verdict),
                 consistency_name (self->implied_by [self->asked]));
    for (int m = CONSISTENCY_SEQUENTIAL; m < CONSISTENCY_COUNT; m++) {
        const consistency_result_t *r = &self->results [m];
        if (!self->ran [m])
            continue;
        json_t *chain = r->violation? json_object_get (r->violation, "chain"): NULL;
        if (chain)
            fprintf (out, "  not %s: %s\n", consistency_name ((consistency_t) m),
                     json_string_value (chain));
        else
        if (!self->all && r->verdict == CHECK_UNKNOWN)
            fprintf (out, "  %s unknown: %s\n", consistency_name ((consistency_t) m),
                     r->reason? r->reason: "no reason given");
    }
}

void
spectrum_release (spectrum_t *self)
{
    assert (self);
    for (int m = 0; m < CONSISTENCY_COUNT; m++)
        consistency_result_release (&self->results [m]);
}
