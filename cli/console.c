/*  console.c -- the end-of-run table (see console.h).

    Every figure comes from the results object; a missing figure prints as
    "-" rather than a made-up zero, so a run that failed early still gets
    an honest row.
*/
#include <stdio.h>
#include <string.h>
#include "console.h"
#include "exits.h"

const char *
console_verdict (json_t *valid)
{
    if (json_is_true (valid))
        return "valid";
    if (json_is_false (valid))
        return "invalid";
    return "unknown";
}

int
console_status (json_t *results)
{
    const char *verdict = console_verdict (json_object_get (results, "valid"));
    const char *expected = json_string_value (json_object_get (results, "expected"));
    if (strcmp (verdict, "unknown") == 0)
        return FL_EXIT_UNKNOWN;
    if (!expected || strcmp (expected, "varies") == 0 || strcmp (expected, "none") == 0)
        return FL_EXIT_OK;
    return strcmp (expected, verdict) == 0? FL_EXIT_OK: FL_EXIT_DIFFERS;
}

int
console_worst (int a, int b)
{
    if (a >= FL_EXIT_USAGE || b >= FL_EXIT_USAGE)
        return a > b? a: b;
    if (a == FL_EXIT_DIFFERS || b == FL_EXIT_DIFFERS)
        return FL_EXIT_DIFFERS;
    return a > b? a: b;
}

static void
s_percent (char *buf, size_t size, json_t *value)
{
    if (json_is_number (value))
        snprintf (buf, size, "%.1f%%", json_number_value (value) * 100);
    else
        snprintf (buf, size, "-");
}

static void
s_ms (char *buf, size_t size, json_t *value)
{
    if (json_is_number (value))
        snprintf (buf, size, "%.1f", json_number_value (value));
    else
        snprintf (buf, size, "-");
}

void
console_table (FILE *out, json_t **results, size_t count)
{
    fprintf (out, "%-10s %-9s %-9s %-13s %-15s %-15s %-8s %-8s %s\n",
             "system", "expected", "verdict", "ok/ops", "avail.faults",
             "avail.outside", "p50 ms", "p99 ms", "report");
    for (size_t i = 0; i < count; i++) {
        json_t *r = results [i];
        if (!r)
            continue;
        json_t *ops = json_object_get (r, "ops");
        json_t *availability = json_object_get (r, "availability");
        json_t *latency = json_object_get (r, "latency_ms");
        char ok_ops [32], during [16], outside [16], p50 [16], p99 [16];
        snprintf (ok_ops, sizeof ok_ops, "%lld/%lld",
                  (long long) json_integer_value (json_object_get (ops, "ok")),
                  (long long) json_integer_value (json_object_get (ops, "total")));
        s_percent (during, sizeof during, json_object_get (availability, "during_faults"));
        s_percent (outside, sizeof outside, json_object_get (availability, "outside_faults"));
        s_ms (p50, sizeof p50, json_object_get (latency, "p50"));
        s_ms (p99, sizeof p99, json_object_get (latency, "p99"));
        const char *report = json_string_value (json_object_get (r, "report"));
        if (!report)
            report = json_string_value (json_object_get (r, "run_dir"));
        fprintf (out, "%-10s %-9s %-9s %-13s %-15s %-15s %-8s %-8s %s\n",
                 json_string_value (json_object_get (r, "system")),
                 json_string_value (json_object_get (r, "expected")),
                 console_verdict (json_object_get (r, "valid")),
                 ok_ops, during, outside, p50, p99, report? report: "-");
    }
}
