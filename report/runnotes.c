/*  runnotes.c -- what a run's results.json says the reader should know
    besides the verdict, in words (runnotes.h): the console prints them
    after the checks, the run page in its Notes section.
*/
#include <stdarg.h>
#include <czmq.h>
#include "limits.h"
#include "runnotes.h"

void
runnotes_add (json_t *notes, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    char *text = zsys_vprintf (format, args);
    va_end (args);
    if (text)
        json_array_append_new (notes, json_string (text));
    zstr_free (&text);
}

json_t *
runnotes_json (json_t *results, const char *run_dir, bool all)
{
    json_t *notes = json_array ();
    if (!json_is_object (results))
        return notes;
    if (all) {
        size_t i;
        json_t *note;
        json_array_foreach (json_object_get (results, "notes"), i, note)
            if (json_is_string (note))
                json_array_append (notes, note);
    }
    json_t *bad_output = json_object_get (results, "bad_output");
    json_int_t bad = json_integer_value (json_object_get (bad_output, "count"));
    const char *node;
    json_t *cut;
    json_object_foreach (json_object_get (bad_output, "cut"), node, cut)
        bad += json_integer_value (cut);
    if (bad > 0)
        runnotes_add (notes, "the node wrote %lld line%s that %s no message (skipped;"
                      " see bad_output in results.json and %s/bad-output.jsonl)",
                      (long long) bad, bad == 1? "": "s", bad == 1? "was": "were",
                      run_dir);
    json_t *malformed = json_object_get (results, "malformed_replies");
    json_int_t malformed_n = json_integer_value (json_object_get (malformed, "count"));
    const char *first = json_string_value (json_object_get (malformed, "first"));
    if (malformed_n > 0)
        runnotes_add (notes, "%lld repl%s broke the workload's schema, so %s op%s info"
                      " (first: %s; each op's \"error\" in history.jsonl)",
                      (long long) malformed_n, malformed_n == 1? "y": "ies",
                      malformed_n == 1? "its": "their", malformed_n == 1? " is": "s are",
                      first? first: "?");
    json_object_foreach (json_object_get (bad_output, "cut"), node, cut)
        runnotes_add (notes, "bad-output.jsonl reached FL_BAD_OUTPUT_BYTES_MAX (%lld bytes);"
                      " %lld more bad lines of %s's were counted, not written"
                      " (bad_output.cut in results.json)",
                      (long long) FL_BAD_OUTPUT_BYTES_MAX,
                      (long long) json_integer_value (cut), node);
    json_int_t trace_cut = json_integer_value (json_object_get (
                               json_object_get (results, "network"), "trace_cut"));
    if (trace_cut > 0)
        runnotes_add (notes, "messages.jsonl reached FL_TRACE_BYTES_MAX (%lld bytes); %lld"
                      " more lines were counted, not written (network.trace_cut in"
                      " results.json)", (long long) FL_TRACE_BYTES_MAX,
                      (long long) trace_cut);
    json_object_foreach (json_object_get (results, "log_cut"), node, cut)
        runnotes_add (notes, "%s's log reached FL_NODE_LOG_BYTES_MAX (%lld bytes); %lld bytes"
                      " more of its output were cut (log_cut in results.json)", node,
                      (long long) FL_NODE_LOG_BYTES_MAX,
                      (long long) json_integer_value (cut));
    if (!all)
        return notes;
    //  Late answers are usual where ops time out; the page counts them
    json_int_t unmatched = json_integer_value (json_object_get (results, "unmatched_replies"));
    if (unmatched > 0)
        runnotes_add (notes, "%lld repl%s to clients answered no op in flight (a late answer"
                      " to an op that had timed out, or to no request); not in the"
                      " history (unmatched_replies in results.json)",
                      (long long) unmatched, unmatched == 1? "y": "ies");
    json_int_t unreadable = json_integer_value (json_object_get (results, "unreadable_replies"));
    if (unreadable > 0)
        runnotes_add (notes, "%lld message%s to clients %s no Maelstrom envelope (skipped;"
                      " unreadable_replies in results.json)", (long long) unreadable,
                      unreadable == 1? "": "s", unreadable == 1? "was": "were");
    return notes;
}
