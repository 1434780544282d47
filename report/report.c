/*  report.c -- writes RUN_DIR/report.html, the page a person reads after a
    run: the verdict first, then the figures that explain it, then pictures.

    The page is one self-contained file: inline CSS and SVG, no script, no
    external asset, so it can be mailed or attached to a CI run. Its size is
    bounded whatever the run's length: op bars merge below a pixel, charts
    have at most FL_TIMELINE_BUCKETS_MAX points, the message diagram shows
    at most FL_REPORT_ARROWS_MAX arrows, tables are capped.

    Only history.jsonl is required. results.json, faults.jsonl and
    messages.jsonl are optional: when one is missing the page says so
    where its content would have been; a bad line in faults.jsonl or
    messages.jsonl refuses the page (an unreadable results.json is said
    in the banner). The page is written to a
    temporary file and renamed, so a reader never sees half a report.

    The failing ops come from results.json checks[].details, the checker's
    JSON, which we do not own: we look (to a bounded depth) for op objects,
    or arrays of bare integers, under keys that name failures ("failing",
    "failed_ops", "nonlinearizable" ...) and not under keys that name
    context ("prefix", "concurrent"). An op object's "line" (the checker's:
    the file line of the invoke) names the op; without one, "index" is taken
    as a history event index, of the invoke or of the completion.
*/
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <czmq.h>
#include "limits.h"
#include "analysis/measures.h"
#include "report.h"
#include "page.h"
#include "runnotes.h"
#include "escape.h"
#include "cyclesvg.h"

static const char s_css [] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;"
    "margin:0 auto;max-width:1240px;padding:16px}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px;"
    "border-bottom:1px solid #ddd;padding-bottom:3px}"
    ".banner{padding:14px 18px;border-radius:8px;color:#fff}"
    ".pass{background:#2e7d32}.differ{background:#c62828}.unknown{background:#8d6e00}"
    ".banner .sub{opacity:.9}.note{color:#666;font-size:13px}"
    ".cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:12px}"
    ".card{border:1px solid #ddd;border-radius:8px;padding:8px 12px;min-width:170px}"
    ".card b{display:block;font-size:20px}.card span{color:#666;font-size:12px}"
    "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;"
    "padding:2px 8px;text-align:right}th{background:#f4f4f4}td:first-child,"
    "th:first-child{text-align:left}"
    "svg{display:block;margin-top:6px}svg text{font:11px system-ui,sans-serif;fill:#444}"
    ".o{fill:#3fa34d}.f{fill:#e0607e}.a{fill:#8fc79a}.i{fill:#f0a030}.p{fill:#c9a26b}"
    ".x{fill:none;stroke:#000;stroke-width:1.5}.xm{fill:#d00}"
    ".lane{fill:none}.lane.z{fill:#000;fill-opacity:.025}"
    ".ft{fill:#888;opacity:.13}.fl{font-size:10px!important;fill:#555!important}"
    ".ax{stroke:#999;stroke-width:1}.gr{stroke:#eee;stroke-width:1}"
    ".l50,.l99,.av{fill:none;stroke-linecap:round;stroke-linejoin:round}"
    ".l50{stroke:#1565c0;stroke-width:1.6}.l99{stroke:#ef6c00;stroke-width:1.2}"
    ".av{stroke:#2e7d32;stroke-width:1.6}"
    ".key{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}"
    ".ml{stroke:#bbb;stroke-width:1}.md{stroke:#1565c0;stroke-width:1;fill:none}"
    ".mx{stroke:#d32f2f;stroke-width:1;stroke-dasharray:4 3;fill:none}"
    ".mb{stroke:#777;stroke-width:1;stroke-dasharray:2 3;fill:none}"
    ".mu{stroke:#ef6c00;stroke-width:1;fill:none}.mh{fill:#1565c0}.mxh{fill:#d32f2f}";

//  "true", "false", "unknown" or NULL for a results.json valid field.
static const char *
s_verdict (json_t *valid)
{
    if (json_is_true (valid))
        return "valid";
    if (json_is_false (valid))
        return "invalid";
    if (json_is_string (valid))
        return json_string_value (valid);
    return NULL;
}

static const char *
s_text (json_t *object, const char *name, const char *otherwise)
{
    json_t *value = json_object_get (object, name);
    return json_is_string (value) ? json_string_value (value) : otherwise;
}

static void
s_checks (const page_t *self, json_t *checks)
{
    if (!json_is_array (checks) || json_array_size (checks) == 0)
        return;
    FILE *out = self->out;
    fputs ("<h2>Checks</h2><table><tr><th>check</th><th>verdict</th><th>model</th>"
           "<th>ops</th><th>time ms</th><th>found</th></tr>", out);
    size_t i;
    json_t *check;
    json_array_foreach (checks, i, check) {
        json_t *details = json_object_get (check, "details");
        const char *name = s_text (check, "name", s_text (check, "check", "check"));
        const char *verdict = s_verdict (json_object_get (check, "valid"));
        json_t *ops = json_object_get (details, "ops");
        json_t *time_ms = json_object_get (details, "time_ms");
        fputs ("<tr><td>", out);
        escape_html (out, name);
        fputs ("</td><td>", out);
        escape_html (out, verdict ? verdict : "?");
        fputs ("</td><td>", out);
        escape_html (out, s_text (details, "model", s_text (check, "model", "")));
        fputs ("</td><td>", out);
        if (json_is_integer (ops))
            fprintf (out, "%lld", (long long) json_integer_value (ops));
        fputs ("</td><td>", out);
        if (json_is_number (time_ms))
            fprintf (out, "%.0f", json_number_value (time_ms));
        //  What an invalid check found, in its own words (the console's
        //  line: for the txn check, the anomalies' names)
        fputs ("</td><td style=\"text-align:left\">", out);
        if (!json_is_true (json_object_get (check, "valid")))
            escape_html (out, s_text (details, "reason", s_text (check, "reason", "")));
        fputs ("</td></tr>", out);
    }
    fputs ("</table>", out);
}

//  One check's anomalies (the txn check's "anomaly_types", "anomaly_counts"
//  and "anomalies"): their names with counts, then each cycle drawn as
//  ./harness check --report draws it (common/cyclesvg.h), with its words, at most
//  FL_REPORT_CYCLES_MAX of them; the rest are counted.
static void
s_check_anomalies (FILE *out, const char *name, json_t *details)
{
    json_t *types = json_object_get (details, "anomaly_types");
    if (!json_is_array (types) || json_array_size (types) == 0)
        return;
    json_t *counts = json_object_get (details, "anomaly_counts");
    fputs ("<h2>Anomalies found by the ", out);
    escape_html (out, name);
    fputs (" check</h2><p>", out);
    size_t i;
    json_t *type;
    json_array_foreach (types, i, type) {
        const char *text = json_string_value (type);
        json_t *count = json_object_get (counts, text? text: "");
        fputs (i? ", <b>": "<b>", out);
        escape_html (out, text? text: "?");
        fputs ("</b>", out);
        if (json_is_integer (count))
            fprintf (out, " &times;%lld", (long long) json_integer_value (count));
    }
    fputs ("</p>", out);
    size_t drawn = 0, cycles = 0;
    json_t *anomaly;
    json_array_foreach (json_object_get (details, "anomalies"), i, anomaly) {
        if (json_array_size (json_object_get (anomaly, "cycle")) == 0)
            continue;
        if (cycles++ >= FL_REPORT_CYCLES_MAX)
            continue;
        drawn++;
        fputs ("<h3>", out);
        escape_html (out, s_text (anomaly, "type", "cycle"));
        fputs ("</h3><p class=\"note\">Transactions T1, T2, ... in cycle order; hover a box"
               " for its micro-ops, an edge for why it is there.</p>", out);
        cyclesvg_write (out, anomaly);
        cyclesvg_explain (out, anomaly);
    }
    if (cycles > drawn)
        fprintf (out, "<p class=\"note\">%zu of %zu cycles drawn (FL_REPORT_CYCLES_MAX).</p>",
                 drawn, cycles);
}

static void
s_anomalies (const page_t *self)
{
    size_t i;
    json_t *check;
    json_array_foreach (json_object_get (self->results, "checks"), i, check)
        s_check_anomalies (self->out, s_text (check, "name", s_text (check, "check", "check")),
                           json_object_get (check, "details"));
}

//  The banner's colour and what it says about the verdict.
static const char *
s_banner_class (const char *verdict, const char *expected, const char **says)
{
    *says = NULL;
    if (!verdict || streq (verdict, "unknown")) {
        *says = verdict ? "the checker ran out of time or memory, or the run failed" : NULL;
        return "unknown";
    }
    if (expected) {
        bool same = streq (verdict, expected);
        *says = same ? "as expected" : "differs from what the scenario expects";
        return same ? "pass" : "differ";
    }
    return streq (verdict, "valid") ? "pass" : "differ";
}

//  "5 nodes, 5 clients at 100 ops/s, 20 s; first op after 121 ms".
static void
s_run_line (FILE *out, json_t *results)
{
    static const char *fields [] = { "nodes", "clients", "rate", "duration_s", "keys",
                                     "first_op_ms", "elapsed_s" };
    static const char *labels [] = { "nodes", "clients", "ops/s offered", "s of load",
                                     "keys", "ms to first op", "s elapsed" };
    bool any = false;
    for (size_t i = 0; i < sizeof fields / sizeof fields [0]; i++) {
        json_t *value = json_object_get (results, fields [i]);
        if (!json_is_number (value))
            continue;
        fprintf (out, "%s%.4g %s", any ? " &middot; " : "<br>", json_number_value (value), labels [i]);
        any = true;
    }
    const char *error = s_text (results, "error", NULL);
    if (error) {
        fputs ("<br><b>run error:</b> ", out);
        escape_html (out, error);
    }
}

//  What the console said besides the verdict, and the replies it counts
//  but does not say (runnotes.h).
static void
s_notes (const page_t *self)
{
    json_t *notes = runnotes_json (self->results, self->run_dir, true);
    if (json_array_size (notes) > 0) {
        fputs ("<h2>Notes</h2><ul>", self->out);
        size_t i;
        json_t *note;
        json_array_foreach (notes, i, note) {
            fputs ("<li>", self->out);
            escape_html (self->out, json_string_value (note));
            fputs ("</li>", self->out);
        }
        fputs ("</ul>", self->out);
    }
    json_decref (notes);
}

static void
s_banner (const page_t *self)
{
    FILE *out = self->out;
    json_t *results = self->results;
    const char *verdict = s_verdict (json_object_get (results, "valid"));
    const char *expected = s_verdict (json_object_get (results, "expected"));
    const char *says;
    const char *class = s_banner_class (verdict, expected, &says);
    fprintf (out, "<div class=\"banner %s\"><h1>", class);
    escape_html (out, verdict ? verdict : "no verdict");
    if (says) {
        fputs (" &mdash; ", out);
        escape_html (out, says);
    }
    fputs ("</h1><div class=\"sub\">", out);
    if (self->torn_note [0]) {
        escape_html (out, self->torn_note);
        fputs ("<br>", out);
    }
    if (!results && self->results_error [0]) {
        fputs ("results.json is unreadable (", out);
        escape_html (out, self->results_error);
        fputs ("): the verdict is not known", out);
    }
    else
    if (!results) {
        fputs ("results.json is missing: the verdict is not known", out);
        if (self->scenario [0] || self->system [0]) {
            fputs (" &middot; scenario <b>", out);
            escape_html (out, self->scenario [0]? self->scenario: "?");
            fputs ("</b> &middot; system <b>", out);
            escape_html (out, self->system [0]? self->system: "?");
            fputs ("</b>", out);
        }
    }
    else {
        fputs ("scenario <b>", out);
        escape_html (out, s_text (results, "scenario", "?"));
        fputs ("</b> &middot; system <b>", out);
        escape_html (out, s_text (results, "system", "?"));
        json_t *seed = json_object_get (results, "seed");
        if (json_is_integer (seed))
            fprintf (out, "</b> &middot; seed <b>%lld", (long long) json_integer_value (seed));
        fputs ("</b> &middot; expected <b>", out);
        escape_html (out, expected ? expected : "?");
        fputs ("</b>", out);
        s_run_line (out, results);
    }
    fputs ("</div></div>", out);
}

static double
s_number (json_t *object, const char *a, const char *b, bool *present)
{
    json_t *value = json_object_get (json_object_get (object, a), b);
    *present = json_is_number (value);
    return json_number_value (value);
}

//  A figure card; FORMAT has one %g-like conversion for the value.
static void
s_card (FILE *out, const char *label, json_t *object, const char *a, const char *b,
        double scale, const char *unit)
{
    bool present;
    double value = s_number (object, a, b, &present) * scale;
    fputs ("<div class=\"card\"><span>", out);
    escape_html (out, label);
    if (present)
        fprintf (out, "</span><b>%.*f%s</b></div>", value >= 100 || value == (long) value
                 ? 0 : value >= 10 ? 1 : 2, value, unit);
    else
        fputs ("</span><b>&ndash;</b></div>", out);
}

static void
s_figures (const page_t *self)
{
    FILE *out = self->out;
    json_t *m = self->measures;
    json_t *ops = json_object_get (m, "ops");
    fprintf (out, "<div class=\"cards\"><div class=\"card\"><span>operations</span><b>%lld</b>"
             "<span>%lld ok &middot; %lld fail &middot; %lld info</span></div>",
             (long long) json_integer_value (json_object_get (ops, "total")),
             (long long) json_integer_value (json_object_get (ops, "ok")),
             (long long) json_integer_value (json_object_get (ops, "fail")),
             (long long) json_integer_value (json_object_get (ops, "info")));
    s_card (out, "availability overall", m, "availability", "overall", 100, "%");
    s_card (out, "availability during faults", m, "availability", "during_faults", 100, "%");
    s_card (out, "availability outside faults", m, "availability", "outside_faults", 100, "%");
    s_card (out, "latency p50", m, "latency_ms", "p50", 1, " ms");
    s_card (out, "latency p95", m, "latency_ms", "p95", 1, " ms");
    s_card (out, "latency p99", m, "latency_ms", "p99", 1, " ms");
    json_t *latency = json_object_get (m, "latency_ms");
    s_card (out, "p99 during faults", latency, "during_faults", "p99", 1, " ms");
    s_card (out, "p99 outside faults", latency, "outside_faults", "p99", 1, " ms");
    json_t *stale = json_object_get (m, "stale_reads");
    fprintf (out, "<div class=\"card\"><span>stale reads</span><b>%lld</b><span>of %lld reads"
             "</span></div></div>", (long long) json_integer_value (json_object_get (stale, "count")),
             (long long) json_integer_value (json_object_get (stale, "reads")));
    fputs ("<p class=\"note\">Availability: share of operations the system answered (ok, "
           "or a definite answer: key missing, key exists, precondition failed), by the "
           "time each was invoked. Latency: ok operations, invoke to return. "
           "See docs/report.md.</p>", out);
}

static void
s_fault_table (const page_t *self)
{
    FILE *out = self->out;
    size_t size = period_log_size (self->faults);
    fputs ("<h2>Faults</h2>", out);
    if (size == 0) {
        fputs ("<p class=\"note\">No faults were injected (no faults.jsonl, or it is empty).</p>", out);
        return;
    }
    fputs ("<table><tr><th>fault</th><th>target</th><th>detail</th><th>start s</th>"
           "<th>end s</th></tr>", out);
    for (size_t i = 0; i < size && i < FL_REPORT_LINKS_MAX; i++) {
        const period_t *period = period_log_get (self->faults, i);
        fputs ("<tr><td>", out);
        escape_html (out, period->fault);
        fputs ("</td><td>", out);
        escape_html (out, period->target);
        fputs ("</td><td style=\"text-align:left\">", out);
        escape_html (out, period->detail);
        fprintf (out, "</td><td>%.3f</td><td>%.3f</td></tr>",
                 period->start_ns / 1e9, period->end_ns / 1e9);
    }
    fputs ("</table>", out);
    if (size > FL_REPORT_LINKS_MAX)
        fprintf (out, "<p class=\"note\">First %d of %zu fault periods.</p>",
                 FL_REPORT_LINKS_MAX, size);
}

//  One table row: NAME then the numeric COLUMNS of ROW.
static void
s_link_row (FILE *out, const char *name, json_t *row, json_t *columns)
{
    fputs ("<tr><td>", out);
    escape_html (out, name);
    fputs ("</td>", out);
    size_t i;
    json_t *column;
    json_array_foreach (columns, i, column) {
        json_t *value = json_object_get (row, json_string_value (column));
        if (json_is_number (value))
            fprintf (out, "<td>%.0f</td>", json_number_value (value));
        else
            fputs ("<td></td>", out);
    }
    fputs ("</tr>", out);
}

//  Numeric fields of the first row, the well-known counters first.
static json_t *
s_link_columns (json_t *row)
{
    static const char *known [] = { "sent", "delivered", "dropped", "duplicated",
                                    "delayed", "queued", NULL };
    json_t *columns = json_array ();
    for (int i = 0; known [i]; i++)
        if (json_is_number (json_object_get (row, known [i])))
            json_array_append_new (columns, json_string (known [i]));
    const char *name;
    json_t *value;
    json_object_foreach (row, name, value) {
        bool seen = false;
        for (int i = 0; known [i]; i++)
            seen |= streq (known [i], name);
        if (!seen && json_is_number (value) && json_array_size (columns) < 10)
            json_array_append_new (columns, json_string (name));
    }
    return columns;
}

typedef struct {
    char name [2 * FL_ID_BYTES_MAX + 8];
    json_t *row;
} s_link_t;

//  Node-to-node links first, then links with a client; n2 before n10.
static int
s_link_compare (const void *a, const void *b)
{
    const char *x = ((const s_link_t *) a)->name, *y = ((const s_link_t *) b)->name;
    bool x_client = *x == 'c' || strstr (x, ">c");
    bool y_client = *y == 'c' || strstr (y, ">c");
    if (x_client != y_client)
        return x_client ? 1 : -1;
    if (strlen (x) != strlen (y))
        return strlen (x) < strlen (y) ? -1 : 1;
    return strcmp (x, y);
}

//  The links of NETWORK, {"n1->n2": {...}} or [{"src","dest",...}], sorted.
static size_t
s_links (json_t *links, s_link_t *table, size_t *seen)
{
    size_t size = 0;
    *seen = 0;
    if (json_is_object (links)) {
        const char *name;
        json_t *row;
        json_object_foreach (links, name, row)
            if ((*seen)++ < FL_REPORT_LINKS_MAX && json_is_object (row)) {
                snprintf (table [size].name, sizeof table [size].name, "%s", name);
                table [size++].row = row;
            }
    }
    else {
        size_t i;
        json_t *row;
        json_array_foreach (links, i, row)
            if ((*seen)++ < FL_REPORT_LINKS_MAX && json_is_object (row)) {
                snprintf (table [size].name, sizeof table [size].name, "%s->%s",
                          s_text (row, "src", "?"), s_text (row, "dest", "?"));
                table [size++].row = row;
            }
    }
    qsort (table, size, sizeof *table, s_link_compare);
    return size;
}

//  OBJECT's KEY when it is a count above 0, else 0.
static long long
s_positive (json_t *object, const char *key)
{
    json_t *count = json_object_get (object, key);
    return json_is_integer (count) && json_integer_value (count) > 0
         ? (long long) json_integer_value (count): 0;
}

static void
s_network (const page_t *self)
{
    FILE *out = self->out;
    json_t *network = json_object_get (self->results, "network");
    json_t *links = json_object_get (network, "links");
    if (!links)
        links = network;
    fputs ("<h2>Network (proxy counters per link)</h2>", out);
    long long unroutable = s_positive (network, "unroutable");
    long long overflow = s_positive (network, "overflow");
    long long oversize = s_positive (network, "oversize");
    if (unroutable)
        fprintf (out, "<p class=\"note\">Unroutable: %lld (messages whose dest was not"
                 " connected: a node still starting, as the lab's first init may find it, or"
                 " one killed). They count as dropped on their links, whether or not a fault"
                 " was in force.</p>", unroutable);
    if (overflow)
        fprintf (out, "<p class=\"note\">Overflow: %lld messages lost because their dest's"
                 " queue was full (%d messages, FL_SOCKET_HWM): that node was not reading"
                 " them as fast as they came. They count as dropped on their links, whether"
                 " or not a fault was in force.</p>", overflow, FL_SOCKET_HWM);
    if (oversize)
        fprintf (out, "<p class=\"note\">Oversize: %lld messages refused by the proxy for"
                 " being over %d bytes (FL_MSG_BYTES_MAX).</p>", oversize, FL_MSG_BYTES_MAX);
    const char *carries = json_string_value (json_object_get (network, "carries"));
    if (carries && strcmp (carries, "clients") == 0)
        fputs ("<p class=\"note\">A real database: the proxy carried only the lab's clients"
               " and the shims, never the database's own traffic, and applied no fault; the"
               " scenario's network faults were the IP plane's (the shaded periods, from"
               " faults.jsonl), and their drops are not counted here.</p>", out);
    s_link_t *table = calloc (FL_REPORT_LINKS_MAX, sizeof *table);
    size_t seen, size = table ? s_links (links, table, &seen) : 0;
    if (size == 0) {
        fputs ("<p class=\"note\">No per-link counters in results.json.</p>", out);
        free (table);
        return;
    }
    json_t *columns = s_link_columns (table [0].row);
    fputs ("<div style=\"max-height:340px;overflow:auto;display:inline-block\">"
           "<table><tr><th>link</th>", out);
    size_t i;
    json_t *column;
    json_array_foreach (columns, i, column)
        fprintf (out, "<th>%s</th>", json_string_value (column));
    fputs ("</tr>", out);
    json_t *totals = json_object_get (network, "totals");
    if (json_is_object (totals))
        s_link_row (out, "all links", totals, columns);
    for (i = 0; i < size; i++)
        s_link_row (out, table [i].name, table [i].row, columns);
    fputs ("</table></div>", out);
    if (seen > FL_REPORT_LINKS_MAX)
        fprintf (out, "<p class=\"note\">%d of %zu links.</p>", FL_REPORT_LINKS_MAX, seen);
    json_decref (columns);
    free (table);
}

//  Does a key name failures (true), context (false), or neither (-1)?
static int
s_key_class (const char *key)
{
    if (strcasestr (key, "prefix") || strcasestr (key, "concurrent") || strcasestr (key, "linearized"))
        return 0;
    if (strcasestr (key, "fail") || strcasestr (key, "nonlin") || strcasestr (key, "unlin")
    ||  strcasestr (key, "anomal") || strcasestr (key, "bad") || streq (key, "op"))
        return 1;
    return -1;
}

//  Mark the op with history event index INDEX, or invoked on LINE if >= 0.
static void
s_add_failing (page_t *self, int64_t index, int64_t line)
{
    int64_t op = line >= 0 ? opslog_find_line (self->log, line)
                           : opslog_find_index (self->log, index);
    if (op < 0 || page_is_failing (self, op))
        return;
    if (self->failing_size < FL_REPORT_FAILING_MAX)
        self->failing [self->failing_size++] = op;
    else
        self->failing_unmarked++;       // the timeline says how many

}

typedef struct {
    json_t *value;
    int depth;
    bool failing;
    bool in_array;              // an element of an array: a bare index
} s_visit_t;

//  Walk the details without recursion: an explicit stack, bounded depth.
static void
s_find_failing (page_t *self, json_t *details)
{
    s_visit_t stack [FL_REPORT_DETAILS_OPEN_MAX];
    size_t size = 0;
    stack [size++] = (s_visit_t) { details, 0, false, false };
    while (size > 0) {
        s_visit_t visit = stack [--size];
        json_t *index = json_object_get (visit.value, "index");
        json_t *line = json_object_get (visit.value, "line");
        if (visit.failing && json_is_integer (line))
            s_add_failing (self, -1, json_integer_value (line));
        else
        if (visit.failing && json_is_integer (index))
            s_add_failing (self, json_integer_value (index), -1);
        if (visit.failing && visit.in_array && json_is_integer (visit.value))
            s_add_failing (self, json_integer_value (visit.value), -1);
        bool deep = visit.depth >= FL_REPORT_JSON_DEPTH_MAX;
        const char *key;
        json_t *child;
        size_t i;
        //  What is not searched (too deep, or the stack is full) is counted
        if (json_is_object (visit.value))
            json_object_foreach (visit.value, key, child) {
                int class = s_key_class (key);
                bool failing = class < 0 ? visit.failing : class == 1;
                if (!json_is_object (child) && !json_is_array (child))
                    continue;
                if (deep || size == FL_REPORT_DETAILS_OPEN_MAX)
                    self->details_unread++;
                else
                    stack [size++] = (s_visit_t) { child, visit.depth + 1, failing, false };
            }
        else
        if (json_is_array (visit.value))
            json_array_foreach (visit.value, i, child) {
                if (deep || size == FL_REPORT_DETAILS_OPEN_MAX)     //  a bare integer is an op only here
                    self->details_unread += json_is_object (child) || json_is_array (child)
                                         || (visit.failing && json_is_integer (child));
                else
                    stack [size++] = (s_visit_t) { child, visit.depth + 1, visit.failing, true };
            }
    }
}

static void
s_failing_ops (page_t *self)
{
    json_t *checks = json_object_get (self->results, "checks");
    size_t i;
    json_t *check;
    self->failing_label = "could not be linearized";
    bool named = false;
    json_array_foreach (checks, i, check)
        if (json_is_false (json_object_get (check, "valid"))) {
            //  Named after the first failing check that is not linearizability.
            const char *name = json_string_value (json_object_get (check, "name"));
            if (name && !streq (name, "linearizable") && !named) {
                named = true;
                snprintf (self->failing_text, sizeof self->failing_text,
                          "named by the %.64s check", name);
                self->failing_label = self->failing_text;
            }
            s_find_failing (self, json_object_get (check, "details"));
        }
}

//  Returns 0, or -1 with *error set (a bad messages.jsonl line).
static int
s_page (page_t *self, char **error)
{
    FILE *out = self->out;
    fputs ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<title>faultlab: ", out);
    escape_html (out, s_text (self->results, "scenario", self->scenario [0]? self->scenario: "run"));
    fputs (" / ", out);
    escape_html (out, s_text (self->results, "system", self->system [0]? self->system: "?"));
    fprintf (out, "</title><style>%s</style></head><body>", s_css);
    s_banner (self);
    s_figures (self);
    s_checks (self, json_object_get (self->results, "checks"));
    s_notes (self);
    s_anomalies (self);
    replicas_write (self);
    spectrum_write (self);
    timeline_write (self);
    charts_write (self);
    s_fault_table (self);
    s_network (self);
    if (messages_write (self, error))
        return -1;
    fputs ("<p class=\"note\">Run directory: ", out);
    escape_html (out, self->run_dir);
    fputs (". Written by faultlab's harness.</p></body></html>\n", out);
    return 0;
}

static int
s_fail (char **error, const char *format, const char *a, const char *b)
{
    if (error)
        *error = zsys_sprintf (format, a, b);
    return -1;
}

//  Write the page for the loaded inputs to PATH (atomically via PATH.tmp).
static int
s_write (page_t *self, const char *path, char **error)
{
    char *temporary = zsys_sprintf ("%s.tmp", path);
    self->out = fopen (temporary, "w");
    int rc = 0;
    if (!self->out)
        rc = s_fail (error, "cannot write '%s': %s", temporary, strerror (errno));
    else {
        int page = s_page (self, error);
        bool bad = ferror (self->out);
        if (page != 0) {
            fclose (self->out);
            rc = -1;
        }
        else
        if (fclose (self->out) != 0 || bad)
            rc = s_fail (error, "cannot write '%s': %s", temporary, strerror (errno));
        else
        if (rename (temporary, path) != 0)
            rc = s_fail (error, "cannot rename to '%s': %s", path, strerror (errno));
        if (rc != 0)
            unlink (temporary);
    }
    zstr_free (&temporary);
    return rc;
}

//  The time axis ends with the last event, op or fault, and is never empty.
static int64_t
s_axis_end (const opslog_t *log, const period_log_t *faults)
{
    int64_t end_ns = opslog_end_ns (log);
    for (size_t i = 0; i < period_log_size (faults); i++)
        if (period_log_get (faults, i)->end_ns > end_ns)
            end_ns = period_log_get (faults, i)->end_ns;
    return end_ns > 0 ? end_ns : 1;
}

//  True if NAME is a run directory's name in the store (lab/store.c):
//  "20261206T220448", or "20261206T220448-2" for a second run that second.
static bool
s_is_stamp (const char *name, size_t length)
{
    if (length < 15 || name [8] != 'T')
        return false;
    for (size_t i = 0; i < length; i++)
        if (i != 8 && !(i == 15 && name [i] == '-') && !isdigit ((unsigned char) name [i]))
            return false;
    return length == 15 || (length > 16 && name [15] == '-');
}

//  Copy path component LENGTH bytes at FROM into TO (SIZE bytes).
static void
s_part (char *to, size_t size, const char *from, size_t length)
{
    snprintf (to, size, "%.*s", (int) (length < size? length: size - 1), from);
}

//  The scenario and system of a run whose results.json is missing (a run
//  killed with kill -9 writes none): a run directory in the store is
//  STORE/SCENARIO/SYSTEM/STAMP, and scenario.conf's top-level "name" is
//  the scenario as run, so it wins over the path.
static void
s_run_names (page_t *self)
{
    char *path = realpath (self->run_dir, NULL);
    const char *end = path? path + strlen (path): NULL;
    const char *parts [3] = { NULL, NULL, NULL };        // stamp, system, scenario
    size_t lengths [3] = { 0, 0, 0 };
    for (int i = 0; end && i < 3; i++) {
        const char *slash = end;
        while (slash > path && slash [-1] != '/')
            slash--;
        if (slash == end)
            break;
        parts [i] = slash;
        lengths [i] = (size_t) (end - slash);
        end = slash > path? slash - 1: NULL;
    }
    if (parts [2] && s_is_stamp (parts [0], lengths [0])) {
        s_part (self->system, sizeof self->system, parts [1], lengths [1]);
        s_part (self->scenario, sizeof self->scenario, parts [2], lengths [2]);
    }
    free (path);
    char *conf = zsys_sprintf ("%s/scenario.conf", self->run_dir);
    FILE *file = conf? fopen (conf, "r"): NULL;
    char line [512];
    bool at_start = true;               // a long line's later chunks are not lines
    for (int n = 0; file && n < FL_SCENARIO_LINES_MAX && fgets (line, sizeof line, file); n++) {
        bool starts = at_start;
        at_start = strchr (line, '\n') != NULL;
        if (!starts || strncmp (line, "name", 4) || (line [4] != ' ' && line [4] != '='))
            continue;                   // only the top level's name, never indented
        char *value = strchr (line, '=');
        if (!value)
            continue;
        value += strspn (value + 1, " \t") + 1;
        bool quoted = *value == '"';
        size_t length = quoted? strcspn (value + 1, "\"\n"): strcspn (value, "# \t\r\n");
        if (length > 0)
            s_part (self->scenario, sizeof self->scenario, value + quoted, length);
        break;
    }
    if (file)
        fclose (file);
    zstr_free (&conf);
}

//  results.json: NULL when missing; unreadable says why in the page and
//  in the notes.
static void
s_load_results (page_t *self, const char *path, char **notes, int *rc)
{
    json_error_t jerr;
    self->results = json_load_file (path, 0, &jerr);
    if (self->results || access (path, F_OK) != 0)
        return;
    snprintf (self->results_error, sizeof self->results_error,
              "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
    char *more = zsys_sprintf ("%s%s: %s\n", *notes? *notes: "", path, self->results_error);
    zstr_free (notes);
    *notes = more;
    *rc = 1;
}

int
report_write (const char *run_dir, char **error)
{
    return report_write_notes (run_dir, NULL, error) < 0? -1: 0;
}

//  A torn last line of PATH (LINE, or 0 for none) that was passed over:
//  said in the page's banner and in the notes, a line each.
static void
s_torn (page_t *self, char **notes, const char *path, size_t line)
{
    if (!line)
        return;
    char said [512];
    snprintf (said, sizeof said, "%s:%zu: torn last line (a run cut mid-write) ignored",
              path, line);
    size_t used = strlen (self->torn_note);
    snprintf (self->torn_note + used, sizeof self->torn_note - used, "%s%s",
              used? "; ": "", said);
    char *more = zsys_sprintf ("%s%s\n", *notes? *notes: "", said);
    zstr_free (notes);
    *notes = more;
}

int
report_write_notes (const char *run_dir, char **notes_p, char **error)
{
    assert (run_dir);
    page_t self = { .run_dir = run_dir };
    char *notes = NULL;
    char *history_path = zsys_sprintf ("%s/history.jsonl", run_dir);
    char *faults_path = zsys_sprintf ("%s/faults.jsonl", run_dir);
    char *results_path = zsys_sprintf ("%s/results.json", run_dir);
    char *report_path = zsys_sprintf ("%s/report.html", run_dir);
    opslog_t *log = opslog_load (history_path, error);
    period_log_t *faults = log ? period_log_load (faults_path, opslog_end_ns (log), error) : NULL;
    int rc = -1;
    if (faults) {
        int read = 0;
        s_torn (&self, &notes, history_path, opslog_torn_line (log));
        s_torn (&self, &notes, faults_path, period_log_torn_line (faults));
        self.log = log;
        self.faults = faults;
        self.end_ns = s_axis_end (log, faults);
        self.measures = measures_of (log, faults);
        s_load_results (&self, results_path, &notes, &read);
        if (!self.results)
            s_run_names (&self);
        self.failing = calloc (FL_REPORT_FAILING_MAX, sizeof (int64_t));
        if (self.measures && self.failing) {
            s_failing_ops (&self);
            rc = s_write (&self, report_path, error);
            if (rc == 0)
                rc = read;
        }
        else
            rc = s_fail (error, "%s%s: out of memory", "report", "");
    }
    if (notes_p)
        *notes_p = notes;
    else
        zstr_free (&notes);
    json_decref (self.measures);
    json_decref (self.results);
    free (self.failing);
    period_log_destroy (&faults);
    opslog_destroy (&log);
    zstr_free (&history_path);
    zstr_free (&faults_path);
    zstr_free (&results_path);
    zstr_free (&report_path);
    return rc;
}
