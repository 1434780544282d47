/*  replicas.c -- the "Convergence" section of report.html: did the
    replicas end in one state, how long after the heal, which acknowledged
    updates they lost and which values they invented, and what each node
    held at the end (results.json's "convergence", analysis/convergence.h).

    Everything shown is already capped where it was computed (the lists
    at FL_CONVERGENCE_LISTED_MAX, each node's final state at
    FL_CONVERGENCE_FINAL_ITEMS_MAX); the final-state table shows at most
    FL_REPORT_REPLICA_KEYS_MAX keys as columns, and a set's elements as
    their count and the first few.
*/
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include "limits.h"
#include "page.h"
#include "escape.h"

//  VALUE as compact JSON, cut to about MAX bytes with an ellipsis.
static void
s_value (FILE *out, const json_t *value, size_t max)
{
    if (!value) {
        fputs ("<span class=\"note\">absent</span>", out);
        return;
    }
    char *text = json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    if (text && strlen (text) > max) {
        text [max] = 0;
        escape_html (out, text);
        fputs ("&hellip;", out);
    }
    else
        escape_html (out, text);
    free (text);
}

//  One cell of the final-state table: a set as "N: first elements".
static void
s_cell (FILE *out, const json_t *value)
{
    if (json_is_array (value))
        fprintf (out, "%zu: ", json_array_size (value));
    s_value (out, value, 120);
}

static void
s_lists (FILE *out, json_t *convergence)
{
    json_t *lost = json_object_get (convergence, "lost");
    json_int_t lost_count = json_integer_value (json_object_get (convergence, "lost_count"));
    fprintf (out, "<p><b>Lost acknowledged updates: %lld</b>", (long long) lost_count);
    if (json_array_size (lost) > 0) {
        fputs ("</p><table><tr><th>index</th><th>process</th><th>f</th><th>key</th>"
               "<th>value</th><th>why lost</th></tr>", out);
        size_t i;
        json_t *entry;
        json_array_foreach (lost, i, entry) {
            fputs ("<tr><td>", out);
            s_value (out, json_object_get (entry, "index"), 20);
            fputs ("</td><td>", out);
            s_value (out, json_object_get (entry, "process"), 20);
            fputs ("</td><td>", out);
            escape_html (out, json_string_value (json_object_get (entry, "f")));
            fputs ("</td><td>", out);
            s_value (out, json_object_get (entry, "key"), 40);
            fputs ("</td><td>", out);
            s_value (out, json_object_get (entry, "value"), 40);
            fputs ("</td><td style=\"text-align:left\">", out);
            escape_html (out, json_string_value (json_object_get (entry, "reason")));
            fputs ("</td></tr>", out);
        }
        fputs ("</table>", out);
        if ((json_int_t) json_array_size (lost) < lost_count)
            fprintf (out, "<p class=\"note\">The first %zu of %lld.</p>", json_array_size (lost),
                     (long long) lost_count);
    }
    else
        fputs ("</p>", out);
    json_t *invented = json_object_get (convergence, "invented");
    json_int_t invented_count = json_integer_value (json_object_get (convergence, "invented_count"));
    fprintf (out, "<p><b>Invented values: %lld</b>", (long long) invented_count);
    if (json_array_size (invented) > 0) {
        fputs ("</p><table><tr><th>node</th><th>key</th><th>value</th><th>why</th></tr>", out);
        size_t i;
        json_t *entry;
        json_array_foreach (invented, i, entry) {
            fputs ("<tr><td>", out);
            escape_html (out, json_string_value (json_object_get (entry, "node")));
            fputs ("</td><td>", out);
            escape_html (out, json_string_value (json_object_get (entry, "key")));
            fputs ("</td><td>", out);
            s_value (out, json_object_get (entry, "value"), 40);
            fputs ("</td><td style=\"text-align:left\">", out);
            escape_html (out, json_string_value (json_object_get (entry, "reason")));
            fputs ("</td></tr>", out);
        }
        fputs ("</table>", out);
        if ((json_int_t) json_array_size (invented) < invented_count)
            fprintf (out, "<p class=\"note\">The first %zu of %lld.</p>",
                     json_array_size (invented), (long long) invented_count);
    }
    else
        fputs ("</p>", out);
}

//  Each node's final state: a row per node, a column per key (the keys of
//  the first node that answered, then any other's, up to the cap).
static void
s_final (FILE *out, json_t *final)
{
    if (!json_is_object (final) || json_object_size (final) == 0)
        return;
    json_t *keys = json_array ();
    const char *node, *key;
    json_t *state, *value;
    json_object_foreach (final, node, state)
        json_object_foreach (state, key, value) {
            bool seen = false;
            size_t i;
            json_t *known;
            json_array_foreach (keys, i, known)
                seen |= streq (json_string_value (known), key);
            if (!seen && json_array_size (keys) < FL_REPORT_REPLICA_KEYS_MAX)
                json_array_append_new (keys, json_string (key));
        }
    fputs ("<p><b>Final state of each node</b></p><div style=\"overflow:auto\"><table>"
           "<tr><th>node</th>", out);
    size_t i;
    json_t *column;
    json_array_foreach (keys, i, column) {
        const char *name = json_string_value (column);
        fputs ("<th>", out);
        escape_html (out, streq (name, "null")? "value": name);
        fputs ("</th>", out);
    }
    fputs ("</tr>", out);
    json_object_foreach (final, node, state) {
        fputs ("<tr><td>", out);
        escape_html (out, node);
        fputs ("</td>", out);
        if (json_is_null (state))
            fprintf (out, "<td colspan=\"%zu\" class=\"note\">did not answer</td>",
                     json_array_size (keys) + 1);
        else
            json_array_foreach (keys, i, column) {
                fputs ("<td>", out);
                s_cell (out, json_object_get (state, json_string_value (column)));
                fputs ("</td>", out);
            }
        fputs ("</tr>", out);
    }
    fputs ("</table></div>", out);
    json_decref (keys);
}

void
replicas_write (const page_t *self)
{
    assert (self);
    FILE *out = self->out;
    fputs ("<h2>Convergence</h2>", out);
    json_t *convergence = json_object_get (self->results, "convergence");
    if (!json_is_object (convergence)) {
        fputs ("<p class=\"note\">No convergence in results.json.</p>", out);
        return;
    }
    json_t *valid = json_object_get (convergence, "valid");
    json_t *converged = json_object_get (convergence, "converged");
    json_t *time_ms = json_object_get (convergence, "time_to_converge_ms");
    fprintf (out, "<p><b>%s</b> &mdash; %s",
             json_is_true (valid)? "valid": json_is_false (valid)? "invalid": "unknown",
             !converged? "not judged": json_is_true (converged)? "the replicas converged"
                                                                : "the replicas did not converge");
    if (json_is_number (time_ms))
        fprintf (out, ", %.0f ms after the final heal", json_number_value (time_ms));
    else
    if (converged)
        fputs (" (time to converge not measured: the replicas were not read during the run)", out);
    fputs (".</p>", out);
    json_t *reasons = json_object_get (convergence, "reasons");
    if (json_array_size (reasons) > 0) {
        fputs ("<ul>", out);
        size_t i;
        json_t *reason;
        json_array_foreach (reasons, i, reason) {
            fputs ("<li>", out);
            escape_html (out, json_string_value (reason));
            fputs ("</li>", out);
        }
        fputs ("</ul>", out);
    }
    if (!converged)
        return;
    s_lists (out, convergence);
    s_final (out, json_object_get (convergence, "final"));
    if (json_is_true (json_object_get (convergence, "final_truncated")))
        fprintf (out, "<p class=\"note\">Final states cut at %d keys or elements per node"
                 " (FL_CONVERGENCE_FINAL_ITEMS_MAX).</p>", FL_CONVERGENCE_FINAL_ITEMS_MAX);
}
