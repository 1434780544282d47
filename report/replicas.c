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

//  One column of a list's table: the entry's field, shown as text (max 0)
//  or as JSON cut at max bytes; the last column is the reason, left aligned.
typedef struct {
    const char *field;
    const char *head;
    size_t max;
} s_column_t;

//  The column that shows a counter's range (convergence's "range"), the
//  same for every row: a counter's lost entry is a node's value, not an op.
#define S_RANGE "=range"

//  "[lower, upper]", or "[lower, upper] (acknowledged A)" when they differ.
static void
s_range (FILE *out, json_t *range)
{
    json_t *lower = json_object_get (range, "lower"), *upper = json_object_get (range, "upper");
    json_t *acknowledged = json_object_get (range, "acknowledged");
    if (!json_is_integer (lower) || !json_is_integer (upper)) {
        fputs ("<span class=\"note\">unknown</span>", out);
        return;
    }
    fprintf (out, "[%lld, %lld]", (long long) json_integer_value (lower),
             (long long) json_integer_value (upper));
    if (json_is_integer (acknowledged) && (json_integer_value (lower) != json_integer_value (upper)))
        fprintf (out, " (acknowledged %lld)", (long long) json_integer_value (acknowledged));
}

//  "TITLE: COUNT" and, when the list has entries, their table.
static void
s_list (FILE *out, json_t *convergence, const char *list, const char *title,
        const s_column_t *columns, size_t ncolumns)
{
    json_t *entries = json_object_get (convergence, list);
    char count_key [32];
    snprintf (count_key, sizeof count_key, "%s_count", list);
    json_int_t count = json_integer_value (json_object_get (convergence, count_key));
    fprintf (out, "<p><b>%s: %lld</b></p>", title, (long long) count);
    if (json_array_size (entries) == 0)
        return;
    fputs ("<table><tr>", out);
    for (size_t c = 0; c < ncolumns; c++)
        fprintf (out, "<th>%s</th>", columns [c].head);
    fputs ("</tr>", out);
    size_t i;
    json_t *entry;
    json_array_foreach (entries, i, entry) {
        fputs ("<tr>", out);
        for (size_t c = 0; c < ncolumns; c++) {
            json_t *value = json_object_get (entry, columns [c].field);
            fputs (c + 1 == ncolumns? "<td style=\"text-align:left\">": "<td>", out);
            if (streq (columns [c].field, S_RANGE))
                s_range (out, json_object_get (convergence, "range"));
            else
            if (columns [c].max)
                s_value (out, value, columns [c].max);
            else
                escape_html (out, json_string_value (value));
            fputs ("</td>", out);
        }
        fputs ("</tr>", out);
    }
    fputs ("</table>", out);
    if ((json_int_t) json_array_size (entries) < count)
        fprintf (out, "<p class=\"note\">The first %zu of %lld.</p>", json_array_size (entries),
                 (long long) count);
}

static void
s_lists (FILE *out, json_t *convergence)
{
    static const s_column_t lost [] = { { "index", "index", 20 }, { "process", "process", 20 },
        { "f", "f", 0 }, { "key", "key", 40 }, { "value", "value", 40 },
        { "reason", "why lost", 0 } };
    static const s_column_t invented [] = { { "node", "node", 0 }, { "key", "key", 0 },
        { "value", "value", 40 }, { "reason", "why", 0 } };
    //  A counter's lost entries are nodes whose value fell out of range
    //  (index, process and key null): show the node, its value and the range
    static const s_column_t counter [] = { { "node", "node", 0 },
        { "value", "value held", 40 }, { S_RANGE, "expected range", 0 },
        { "reason", "why lost", 0 } };
    if (json_is_object (json_object_get (convergence, "range")))
        s_list (out, convergence, "lost", "Lost acknowledged updates", counter,
                sizeof counter / sizeof counter [0]);
    else
        s_list (out, convergence, "lost", "Lost acknowledged updates", lost,
                sizeof lost / sizeof lost [0]);
    static const s_column_t unjudged [] = { { "index", "index", 20 },
        { "process", "process", 20 }, { "f", "f", 0 }, { "key", "key", 40 },
        { "value", "value", 40 }, { "reason", "why not judged", 0 } };
    if (json_object_get (convergence, "lost_unjudged_count")
    &&  json_integer_value (json_object_get (convergence, "lost_unjudged_count")) > 0)
        s_list (out, convergence, "lost_unjudged", "Acknowledged updates not judged (a trimmed"
                " applied list)", unjudged, sizeof unjudged / sizeof unjudged [0]);
    s_list (out, convergence, "invented", "Invented values", invented,
            sizeof invented / sizeof invented [0]);
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
             !converged? "not measured": json_is_true (converged)? "the replicas converged"
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
