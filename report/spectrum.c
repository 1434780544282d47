/*  spectrum.c -- the run page's "Consistency spectrum": for a register or
    kv run, each model of the spectrum with its verdict (results.json's
    "spectrum", from the linearizability check's details), the strongest
    held, and the chain of each violation found.
*/
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "page.h"
#include "escape.h"

static const char *
s_word (json_t *verdict)
{
    return json_is_true (verdict)? "yes": json_is_false (verdict)? "no": "unknown";
}

//  The check entry that carries the spectrum's details, or NULL.
static json_t *
s_details (const page_t *self)
{
    size_t i;
    json_t *entry;
    json_array_foreach (json_object_get (self->results, "checks"), i, entry)
        if (json_object_get (entry, "spectrum"))
            return json_object_get (entry, "details");
    return NULL;
}

void
spectrum_write (const page_t *self)
{
    assert (self);
    json_t *spectrum = json_object_get (self->results, "spectrum");
    json_t *models = json_object_get (spectrum, "models");
    if (!json_is_object (models))
        return;
    FILE *out = self->out;
    json_t *details = s_details (self);
    json_t *violations = json_object_get (details, "violations");
    json_t *reasons = json_object_get (details, "reasons");
    fputs ("<h2>Consistency spectrum</h2><p>strongest model held: <b>", out);
    escape_html (out, json_string_value (json_object_get (spectrum, "strongest"))?
                      json_string_value (json_object_get (spectrum, "strongest")): "?");
    fputs ("</b></p><table><tr><th>model</th><th>holds</th><th>why not, or why unknown</th></tr>",
           out);
    //  Strongest first, as checker/consistency.h has them (results.json's
    //  keys are sorted by name)
    static const char *names [] = { "linearizable", "sequential", "causal",
        "read-your-writes", "monotonic-reads", "monotonic-writes", "writes-follow-reads" };
    for (size_t i = 0; i < sizeof names / sizeof names [0]; i++) {
        const char *name = names [i];
        json_t *verdict = json_object_get (models, name);
        if (!verdict)
            continue;
        json_t *chain = json_object_get (json_object_get (violations, name), "chain");
        json_t *reason = json_object_get (reasons, name);
        fputs ("<tr><td>", out);
        escape_html (out, name);
        fprintf (out, "</td><td class=\"%s\">%s</td><td>", s_word (verdict), s_word (verdict));
        if (json_is_string (chain))
            escape_html (out, json_string_value (chain));
        else
        if (json_is_string (reason) && !json_is_boolean (verdict))
            escape_html (out, json_string_value (reason));
        fputs ("</td></tr>", out);
    }
    fputs ("</table>", out);
}
