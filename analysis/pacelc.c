/*  pacelc.c -- phase measures, the PACELC class, matrix rows and tables
    (see pacelc.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <assert.h>
#include <czmq.h>
#include "pacelc.h"
#include "measures.h"
#include "limits.h"

typedef struct {
    double *values;
    size_t size, capacity;
} s_samples_t;

static void
s_add (s_samples_t *self, double value)
{
    if (self->size == self->capacity) {
        self->capacity = self->capacity? self->capacity * 2: 256;
        self->values = realloc (self->values, self->capacity * sizeof *self->values);
        assert (self->values);
    }
    self->values [self->size++] = value;
}

static int
s_compare (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

//  Nearest rank, as measures.c: the smallest value with P% at or below it.
static double
s_percentile (s_samples_t *self, double p)
{
    if (self->size == 0)
        return -1;
    qsort (self->values, self->size, sizeof *self->values, s_compare);
    size_t rank = (size_t) ceil (p / 100.0 * self->size);
    return self->values [rank? rank - 1: 0];
}

int
pacelc_sides (const char *detail, int nodes, int8_t *side)
{
    assert (detail && side && nodes <= FL_NODES_MAX);
    for (int k = 0; k <= nodes; k++)
        side [k] = -1;
    const char *colon = strrchr (detail, ':');
    char copy [FL_FAULT_TEXT_BYTES_MAX];
    snprintf (copy, sizeof copy, "%s", colon? colon + 1: detail);
    int named = 0;
    char *save_group = NULL;
    for (char *group = strtok_r (copy, "|", &save_group); group;
         group = strtok_r (NULL, "|", &save_group)) {
        int members [FL_NODES_MAX], count = 0;
        char *save = NULL;
        for (char *id = strtok_r (group, ", ", &save); id; id = strtok_r (NULL, ", ", &save)) {
            int k = id [0] == 'n'? atoi (id + 1): 0;
            if (k >= 1 && k <= nodes && count < FL_NODES_MAX)
                members [count++] = k;
        }
        bool majority = 2 * count > nodes;
        for (int i = 0; i < count; i++) {
            if (side [members [i]] < 0)
                named++;
            //  A node in two groups (a bridge) is on the majority side if
            //  either is the majority.
            if (side [members [i]] < 1)
                side [members [i]] = majority? 1: 0;
        }
    }
    return named;
}

//  "50 ms +- 10" -> 50; -1 if the detail has no number first.
static double
s_delay_mean (const char *detail)
{
    char *end = NULL;
    double mean = strtod (detail, &end);
    return end == detail || !isfinite (mean)? -1: mean;
}

//  Count op into the partition's sides.
static void
s_count_side (const opslog_op_t *op, const int8_t *side, int nodes, int64_t *answered,
              int64_t *total)
{
    if (op->node < 1 || op->node > nodes || side [op->node] < 0)
        return;
    total [side [op->node]]++;
    answered [side [op->node]] += measures_answered (op);
}

void
pacelc_measure (const opslog_t *log, const period_log_t *periods, int nodes,
                pacelc_measures_t *out)
{
    assert (log && periods && out && nodes >= 1 && nodes <= FL_NODES_MAX);
    memset (out, 0, sizeof *out);
    out->delay_mean_ms = -1;
    int64_t calm_end = INT64_MAX;
    if (period_log_size (periods) > 0)
        calm_end = period_log_get (periods, 0)->start_ns;
    s_samples_t calm = { 0 }, slow = { 0 };
    int64_t answered [2] = { 0, 0 }, total [2] = { 0, 0 };
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (op->final)
            continue;
        double latency_ms = op->type == OPSLOG_OK?
                            (op->return_ns - op->invoke_ns) / 1e6: -1;
        if (op->invoke_ns < calm_end && latency_ms >= 0)
            s_add (&calm, latency_ms);
        for (size_t p = 0; p < period_log_size (periods); p++) {
            const period_t *period = period_log_get (periods, p);
            if (op->invoke_ns < period->start_ns || op->invoke_ns >= period->end_ns)
                continue;
            if (streq (period->fault, "delay") && latency_ms >= 0)
                s_add (&slow, latency_ms);
            if (streq (period->fault, "partition")) {
                int8_t side [FL_NODES_MAX + 1];
                pacelc_sides (period->detail, nodes, side);
                s_count_side (op, side, nodes, answered, total);
            }
        }
    }
    for (size_t p = 0; p < period_log_size (periods) && out->delay_mean_ms < 0; p++)
        if (streq (period_log_get (periods, p)->fault, "delay"))
            out->delay_mean_ms = s_delay_mean (period_log_get (periods, p)->detail);
    out->minority = total [0]? (double) answered [0] / total [0]: -1;
    out->majority = total [1]? (double) answered [1] / total [1]: -1;
    out->minority_ops = total [0];
    out->majority_ops = total [1];
    out->calm_ops = (int64_t) calm.size;
    out->slow_ops = (int64_t) slow.size;
    out->calm_p50 = s_percentile (&calm, 50);
    out->calm_p99 = s_percentile (&calm, 99);
    out->slow_p50 = s_percentile (&slow, 50);
    out->slow_p99 = s_percentile (&slow, 99);
    free (calm.values);
    free (slow.values);
}

int
pacelc_measure_run (const char *run_dir, int nodes, pacelc_measures_t *out, char **error)
{
    assert (run_dir && out);
    char path [4096];
    snprintf (path, sizeof path, "%s/history.jsonl", run_dir);
    opslog_t *log = opslog_load (path, error);
    if (!log)
        return -1;
    snprintf (path, sizeof path, "%s/faults.jsonl", run_dir);
    period_log_t *periods = period_log_load (path, opslog_end_ns (log), error);
    if (periods)
        pacelc_measure (log, periods, nodes, out);
    int rc = periods? 0: -1;
    period_log_destroy (&periods);
    opslog_destroy (&log);
    return rc;
}

void
pacelc_classify (const pacelc_measures_t *m, char *klass, size_t klass_size,
                 char *why, size_t why_size)
{
    assert (m && klass && why);
    const char *p = m->minority < 0? "P?": m->minority >= PACELC_AVAILABLE? "PA": "PC";
    const char *e = m->slow_p50 < 0 || m->delay_mean_ms < 0? "E?":
                    m->slow_p50 >= m->delay_mean_ms? "EC": "EL";
    snprintf (klass, klass_size, "%s/%s", p, e);
    char left [96], right [96];
    if (m->minority < 0)
        snprintf (left, sizeof left, "P? (no op reached a minority side)");
    else
        snprintf (left, sizeof left, "%s (minority %.1f%% ok %s %.0f%%)", p, m->minority * 100,
                  m->minority >= PACELC_AVAILABLE? ">=": "<", PACELC_AVAILABLE * 100);
    if (m->delay_mean_ms < 0)
        snprintf (right, sizeof right, "E? (no delay period)");
    else
    if (m->slow_p50 < 0)
        snprintf (right, sizeof right, "E? (no ok op while slow)");
    else
        snprintf (right, sizeof right, "%s (slow p50 %.1f ms %s %.0f ms)", e, m->slow_p50,
                  m->slow_p50 >= m->delay_mean_ms? ">=": "<", m->delay_mean_ms);
    snprintf (why, why_size, "%s / %s", left, right);
}

const char *
pacelc_rule (void)
{
    return "PA if the minority side of a partition answered at least 80% of its ops"
           " (PACELC_AVAILABLE), else PC; EC if the median latency while every"
           " node-to-node message was delayed is at least the delay's mean (an op"
           " waited for another node), else EL. Availability: ok answers (or a"
           " system's own refusal such as a failed cas) over ops sent to that side"
           " while a partition was in force. Measured on these runs, not proven.";
}

static json_t *
s_number (double value, double scale)
{
    return value < 0? json_string ("-"): json_real (round (value * scale * 1000) / 1000);
}

//  The run's linearizability verdict: its check with a model (lin-kv's
//  "kv"), or "n/a" for a workload judged by another check.
static json_t *
s_linearizable (const json_t *results)
{
    size_t i;
    json_t *check;
    json_array_foreach (json_object_get (results, "checks"), i, check)
        if (json_object_get (check, "model")) {
            json_t *valid = json_object_get (check, "valid");
            return json_is_boolean (valid)? json_incref (valid): json_string ("unknown");
        }
    return json_string (results? "n/a": "-");
}

//  The strongest model of the spectrum the run's history satisfies
//  (results.json's spectrum.strongest), else "-" (no register history).
static json_t *
s_strongest (const json_t *results)
{
    json_t *strongest = json_object_get (json_object_get (results, "spectrum"), "strongest");
    return json_is_string (strongest)? json_incref (strongest): json_string ("-");
}

//  results.json's convergence KEY (the convergence check's), else "-".
static json_t *
s_convergence (const json_t *results, const char *key)
{
    json_t *value = json_object_get (json_object_get (results, "convergence"), key);
    return value? json_incref (value): json_string ("-");
}

json_t *
pacelc_row (const char *system, const char *config, const json_t *results,
            const pacelc_measures_t *m)
{
    assert (system && config);
    pacelc_measures_t none = { .minority = -1, .majority = -1, .calm_p50 = -1,
        .calm_p99 = -1, .slow_p50 = -1, .slow_p99 = -1, .delay_mean_ms = -1 };
    if (!m)
        m = &none;
    char klass [16], why [256];
    pacelc_classify (m, klass, sizeof klass, why, sizeof why);
    if (!results)
        snprintf (why, sizeof why, "not run");
    json_t *stale = json_object_get (json_object_get (results, "stale_reads"), "count");
    json_t *valid = json_object_get (results, "valid");
    const char *expected = json_string_value (json_object_get (results, "expected"));
    const char *run_dir = json_string_value (json_object_get (results, "run_dir"));
    json_t *row = json_pack ("{s:s, s:s, s:s, s:s, s:o, s:o, s:{s:o, s:o}, s:o, s:o, s:o,"
                             " s:{s:{s:o, s:o}, s:{s:o, s:o}}, s:O, s:s, s:s}",
        "system", system, "config", config, "pacelc", results? klass: "-", "why", why,
        "linearizable", s_linearizable (results), "strongest", s_strongest (results),
        "availability_during_partitions", "minority", s_number (m->minority, 1),
        "majority", s_number (m->majority, 1),
        "converged", s_convergence (results, "converged"),
        "lost_writes", s_convergence (results, "lost_count"),
        "stale_reads", stale? json_incref (stale): json_string ("-"),
        "latency_ms", "calm", "p50", s_number (m->calm_p50, 1), "p99", s_number (m->calm_p99, 1),
        "slow", "p50", s_number (m->slow_p50, 1), "p99", s_number (m->slow_p99, 1),
        "valid", valid? valid: json_string ("unknown"),
        "expected", expected? expected: "none", "run_dir", run_dir? run_dir: "-");
    assert (row);
    return row;
}

//  A cell's text: strings as they are, true/false as yes/no, numbers as
//  SCALE times them with UNIT ("%" or " ms").
static void
s_cell (const json_t *value, double scale, const char *unit, char *out, size_t size)
{
    if (json_is_string (value))
        snprintf (out, size, "%s", json_string_value (value));
    else
    if (json_is_boolean (value))
        snprintf (out, size, "%s", json_is_true (value)? "yes": "no");
    else
    if (json_is_number (value))
        snprintf (out, size, "%.1f%s", json_number_value (value) * scale, unit);
    else
        snprintf (out, size, "-");
}

#define S_COLUMNS 13
#define S_CELL    96            //  the longest spectrum name (69) and room

//  The session guarantees, shortened in the tables' strongest column
//  (matrix.json keeps the full names); the legend goes under the table.
static const char *s_short [][2] = {
    { "read-your-writes", "ryw" }, { "monotonic-reads", "mr" },
    { "monotonic-writes", "mw" }, { "writes-follow-reads", "wfr" }
};
#define S_SHORTS (sizeof s_short / sizeof s_short [0])
#define S_LEGEND "ryw = read-your-writes, mr = monotonic-reads, " \
                 "mw = monotonic-writes, wfr = writes-follow-reads"

//  CELL's '+'-joined model names with each session guarantee shortened.
static void
s_abbreviate (char *cell, size_t size)
{
    char out [S_CELL] = "";
    char *save = NULL;
    for (char *name = strtok_r (cell, "+", &save); name; name = strtok_r (NULL, "+", &save)) {
        const char *text = name;
        for (size_t i = 0; i < S_SHORTS; i++)
            if (streq (name, s_short [i][0]))
                text = s_short [i][1];
        snprintf (out + strlen (out), sizeof out - strlen (out), "%s%s", *out? "+": "", text);
    }
    snprintf (cell, size, "%s", out);
}

static const char *s_heads [S_COLUMNS] = { "system", "config", "PACELC", "linearizable",
    "strongest", "converged", "lost", "stale", "minority ok", "majority ok", "calm p50/p99",
    "slow p50/p99", "verdict" };

//  One row's cells.
static void
s_cells (const json_t *row, char cells [S_COLUMNS][S_CELL])
{
    json_t *avail = json_object_get (row, "availability_during_partitions");
    json_t *latency = json_object_get (row, "latency_ms");
    s_cell (json_object_get (row, "system"), 1, "", cells [0], S_CELL);
    s_cell (json_object_get (row, "config"), 1, "", cells [1], S_CELL);
    if (!*cells [1])
        snprintf (cells [1], S_CELL, "-");
    s_cell (json_object_get (row, "pacelc"), 1, "", cells [2], S_CELL);
    s_cell (json_object_get (row, "linearizable"), 1, "", cells [3], S_CELL);
    s_cell (json_object_get (row, "strongest"), 1, "", cells [4], S_CELL);
    s_abbreviate (cells [4], S_CELL);
    s_cell (json_object_get (row, "converged"), 1, "", cells [5], S_CELL);
    json_t *lost = json_object_get (row, "lost_writes"), *stale = json_object_get (row, "stale_reads");
    if (json_is_integer (lost))
        snprintf (cells [6], S_CELL, "%lld", (long long) json_integer_value (lost));
    else
        s_cell (lost, 1, "", cells [6], S_CELL);
    if (json_is_integer (stale))
        snprintf (cells [7], S_CELL, "%lld", (long long) json_integer_value (stale));
    else
        s_cell (stale, 1, "", cells [7], S_CELL);
    s_cell (json_object_get (avail, "minority"), 100, "%", cells [8], S_CELL);
    s_cell (json_object_get (avail, "majority"), 100, "%", cells [9], S_CELL);
    const char *phases [2] = { "calm", "slow" };
    for (int i = 0; i < 2; i++) {
        char p50 [24], p99 [24];
        json_t *phase = json_object_get (latency, phases [i]);
        s_cell (json_object_get (phase, "p50"), 1, "", p50, sizeof p50);
        s_cell (json_object_get (phase, "p99"), 1, "", p99, sizeof p99);
        if (streq (p50, "-") && streq (p99, "-"))
            snprintf (cells [10 + i], S_CELL, "-");
        else
            snprintf (cells [10 + i], S_CELL, "%s/%s ms", p50, p99);
    }
    json_t *valid = json_object_get (row, "valid");
    const char *expected = json_string_value (json_object_get (row, "expected"));
    const char *verdict = json_is_true (valid)? "valid": json_is_false (valid)? "invalid":
                          streq (json_string_value (json_object_get (row, "run_dir")), "-")?
                          "-": "unknown";
    //  UPPERCASE when not the verdict the scenario expects, as run's table.
    bool differs = expected && (streq (expected, "valid") || streq (expected, "invalid"))
                && !streq (expected, verdict);
    snprintf (cells [12], S_CELL, "%s", differs? (json_is_true (valid)? "VALID": "INVALID"): verdict);
}

char *
pacelc_table (const json_t *rows, bool markdown)
{
    assert (json_is_array (rows));
    size_t count = json_array_size (rows);
    char (*cells) [S_COLUMNS][S_CELL] = calloc (count + 1, sizeof *cells);
    assert (cells);
    int widths [S_COLUMNS];
    bool legend = false, upper = false;
    for (int c = 0; c < S_COLUMNS; c++) {
        snprintf (cells [0][c], S_CELL, "%s", s_heads [c]);
        widths [c] = (int) strlen (s_heads [c]);
    }
    for (size_t r = 0; r < count; r++) {
        s_cells (json_array_get (rows, r), cells [r + 1]);
        const char *strongest = json_string_value (json_object_get (json_array_get (rows, r),
                                                                    "strongest"));
        if (strongest && !streq (strongest, cells [r + 1][4]))
            legend = true;          //  shortened: the legend says how
        upper = upper || streq (cells [r + 1][12], "VALID") || streq (cells [r + 1][12], "INVALID");
        for (int c = 0; c < S_COLUMNS; c++)
            if ((int) strlen (cells [r + 1][c]) > widths [c])
                widths [c] = (int) strlen (cells [r + 1][c]);
    }
    char *out = NULL;
    size_t size = 0;
    FILE *stream = open_memstream (&out, &size);
    assert (stream);
    for (size_t r = 0; r <= count; r++) {
        for (int c = 0; c < S_COLUMNS; c++)
            fprintf (stream, markdown? "| %-*s ": c? "  %-*s": "%-*s",
                     !markdown && c == S_COLUMNS - 1? 0: widths [c], cells [r][c]);
        fprintf (stream, markdown? "|\n": "\n");
        if (markdown && r == 0) {
            for (int c = 0; c < S_COLUMNS; c++) {
                fputc ('|', stream);
                for (int i = 0; i < widths [c] + 2; i++)
                    fputc ('-', stream);
            }
            fprintf (stream, "|\n");
        }
    }
    if (legend)
        fprintf (stream, "\n%s%s\n", markdown? "**Strongest.** ": "strongest: ", S_LEGEND);
    fprintf (stream, "\n%s%s\n", markdown? "**Rule.** ": "rule: ", pacelc_rule ());
    for (size_t r = 0; r < count; r++) {
        const json_t *row = json_array_get (rows, r);
        fprintf (stream, "%s%s%s%s: %s\n", markdown? "- ": "  ", cells [r + 1][0],
                 *json_string_value (json_object_get (row, "config"))? " ": "",
                 json_string_value (json_object_get (row, "config")),
                 json_string_value (json_object_get (row, "why")));
    }
    if (upper)
        fprintf (stream, "%s(verdict UPPERCASE: not the one the scenario expects)\n",
                 markdown? "\n": "");
    fclose (stream);
    free (cells);
    return out;
}
