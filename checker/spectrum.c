/*  spectrum.c -- the consistency spectrum of a history (spectrum.h).

    Every model asked runs its own check; then what one verdict implies
    fills another's unknown (never overrides a verdict the model's own
    check reached): a linearizable history is sequential, a sequential one
    causal, a causal one keeps every session guarantee; a history that is
    not sequential is not linearizable. Such verdicts are listed under
    "implied".
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

//  Fill an unknown verdict from an implication.
static void
s_imply (spectrum_t *self, consistency_t model, check_verdict_t verdict)
{
    consistency_result_t *r = &self->results [model];
    if (!self->ran [model] || r->verdict != CHECK_UNKNOWN)
        return;
    consistency_result_release (r);
    r->verdict = verdict;
    self->implied [model] = true;
}

//  Did model run and reach verdict?
static bool
s_is (const spectrum_t *self, consistency_t model, check_verdict_t verdict)
{
    return self->ran [model] && self->results [model].verdict == verdict;
}

static void
s_implications (spectrum_t *self)
{
    if (s_is (self, CONSISTENCY_LINEARIZABLE, CHECK_VALID))
        s_imply (self, CONSISTENCY_SEQUENTIAL, CHECK_VALID);
    if (s_is (self, CONSISTENCY_SEQUENTIAL, CHECK_INVALID))
        s_imply (self, CONSISTENCY_LINEARIZABLE, CHECK_INVALID);
    if (s_is (self, CONSISTENCY_SEQUENTIAL, CHECK_VALID))
        s_imply (self, CONSISTENCY_CAUSAL, CHECK_VALID);
    if (s_is (self, CONSISTENCY_CAUSAL, CHECK_VALID))
        for (int m = CONSISTENCY_READ_YOUR_WRITES; m < CONSISTENCY_COUNT; m++)
            s_imply (self, (consistency_t) m, CHECK_VALID);
}

void
spectrum_run (spectrum_t *self, const ophistory_t *history, const char *init,
              double timeout_s, size_t memory_mb, bool ran_lin, check_verdict_t lin)
{
    assert (self && history);
    for (int m = 0; m < CONSISTENCY_COUNT; m++) {
        if (!self->all && (consistency_t) m != self->asked)
            continue;
        consistency_result_t *r = &self->results [m];
        self->ran [m] = true;
        if (m == CONSISTENCY_LINEARIZABLE)
            *r = (consistency_result_t) { ran_lin? lin: CHECK_UNKNOWN, NULL, NULL, false };
        else
        if (m == CONSISTENCY_SEQUENTIAL && ran_lin && lin == CHECK_VALID) {
            *r = (consistency_result_t) { CHECK_VALID, NULL, NULL, false };
            self->implied [m] = true;   // no second search for what is known
        }
        else
        if (m == CONSISTENCY_SEQUENTIAL)
            *r = sequential_check (history, init, timeout_s, memory_mb);
        else
        if (m == CONSISTENCY_CAUSAL)
            *r = causal_check (history, init);
        else
            *r = session_check (history, init, (consistency_t) m);
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
    return text? text: strdup ("none");
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
        if (asked->violation)
            json_object_set (obj, "violation", asked->violation);
        if (asked->verdict == CHECK_UNKNOWN && asked->reason)
            json_object_set_new (obj, "reason", json_string (asked->reason));
        if (self->implied [self->asked])
            json_object_set_new (obj, "implied", json_true ());
        return;
    }
    json_t *spectrum = json_object (), *violations = json_object (), *reasons = json_object ();
    json_t *implied = json_array ();
    for (int m = 0; m < CONSISTENCY_COUNT; m++) {
        const consistency_result_t *r = &self->results [m];
        const char *name = consistency_name ((consistency_t) m);
        json_object_set_new (spectrum, name, s_verdict_json (r->verdict));
        if (r->violation)
            json_object_set (violations, name, r->violation);
        if (r->verdict == CHECK_UNKNOWN && r->reason)
            json_object_set_new (reasons, name, json_string (r->reason));
        if (self->implied [m])
            json_array_append_new (implied, json_string (name));
    }
    char *strongest = spectrum_strongest (self);
    json_object_set_new (obj, "spectrum", spectrum);
    json_object_set_new (obj, "strongest", json_string (strongest));
    json_object_set_new (obj, "violations", violations);
    json_object_set_new (obj, "reasons", reasons);
    json_object_set_new (obj, "implied", implied);
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
                fprintf (out, " (implied)");
            else
            if (r->verdict == CHECK_UNKNOWN && r->reason)
                fprintf (out, " (%s)", r->reason);
        }
        char *strongest = spectrum_strongest (self);
        fprintf (out, "\n  strongest: %s\n", strongest);
        free (strongest);
    }
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
