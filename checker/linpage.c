/*  linpage.c -- a checked history as one small self-contained HTML page.

    The x axis is the event position (file order is real-time order; Jepsen
    `time` fields are not reliable), one lane per process in order of first
    appearance. Each op is a bar from its invoke to its completion; an op
    that never completed (info, pending) runs to the right edge, faded. Up to
    FL_REPORT_TITLED_OPS_MAX ops each get an SVG <title> tooltip; past that,
    only marked ops do and the rest are drawn as one path per lane and kind,
    so that a 10,000-op history stays a few hundred KB.
*/
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "escape.h"
#include "limits.h"
#include "linpage.h"

#define S_WIDTH    1200     // px of the time axis
#define S_LEFT     60       // px for lane labels
#define S_LANE     16       // px per lane
#define S_BAR      11       // px bar height
#define S_CLOSEUP_EVENTS 40 // events either side of the failing op in the close-up
#define S_CLOSEUP_MIN_OPS 60 // below this the whole picture is readable

static const char *s_css =
    "body{font:13px system-ui,sans-serif;margin:16px;color:#222}"
    "h1{font-size:16px}h2{font-size:14px;margin-top:20px}pre{background:#f6f6f6;padding:8px;overflow:auto}"
    ".ok{fill:#7cb87c}.fail{fill:#ccc}.info,.pending{fill:#e8c85a;opacity:.55}"
    ".p{fill:#6f9fd8}.c{fill:#f0a040}.x{fill:#d62728;stroke:#000;stroke-width:1.5}"
    ".band{fill:#d62728;opacity:.08}text.l{font:9px monospace;fill:#123;pointer-events:none}"
    "text{font-size:10px;fill:#555}.key span{display:inline-block;width:12px;height:10px;"
    "margin:0 4px 0 12px}";

#define S_CLASSES  7
static const char *s_classes [S_CLASSES] = { "ok", "fail", "info", "pending", "p", "c", "x" };

static const char *
s_class (const op_t *op, uint8_t mark)
{
    if (mark == LINPAGE_FAILING)
        return "x";
    if (mark == LINPAGE_CONCURRENT)
        return "c";
    if (mark == LINPAGE_PREFIX)
        return "p";
    return op_type_name (op->type);
}

static void
s_title (FILE *out, const ophistory_t *history, const op_t *op, const char *note)
{
    char *in = json_dumps (op->in, JSON_COMPACT | JSON_ENCODE_ANY);
    char *res = op->out? json_dumps (op->out, JSON_COMPACT | JSON_ENCODE_ANY): NULL;
    char *key = op->key? json_dumps (op->key, JSON_COMPACT | JSON_ENCODE_ANY): NULL;
    const char *name = ophistory_process_name (history, op->process);
    fprintf (out, "<title>line %d, process ", op->line_call);
    if (name)
        escape_html (out, name);
    else
        fprintf (out, "%lld", (long long) op->process);
    fprintf (out, ": %s ", op->f);
    if (key) {
        escape_html (out, key);
        fputc (' ', out);
    }
    escape_html (out, in);
    fprintf (out, " → %s ", op_type_name (op->type));
    if (res && op->type == OP_OK)
        escape_html (out, res);
    if (note) {
        fputs ("; ", out);
        escape_html (out, note);
    }
    fputs ("</title>", out);
    free (in);
    free (res);
    free (key);
}

//  Lane of each op: processes numbered in order of first appearance.
static size_t
s_lanes (const ophistory_t *history, const bool *visible, size_t *lane)
{
    size_t n = ophistory_size (history), nlanes = 0;
    int64_t *seen = malloc ((n + 1) * sizeof (int64_t));
    assert (seen);
    for (size_t i = 0; i < n; i++) {
        if (!visible [i])
            continue;
        int64_t p = ophistory_op (history, i)->process;
        size_t l = 0;
        //  Recent lanes first: processes are usually reused soon
        for (l = nlanes; l > 0 && seen [l - 1] != p; l--)
            ;
        if (l == 0) {
            seen [nlanes++] = p;
            l = nlanes;
        }
        lane [i] = l - 1;
    }
    free (seen);
    return nlanes;
}

typedef struct {
    double x, w;            // px
    size_t y;               // px, top of the bar
} s_bar_t;

//  The op's bar on an axis showing event positions from .. to.
static s_bar_t
s_bar (const op_t *op, size_t lane, int64_t from, int64_t to)
{
    double scale = S_WIDTH / (double) (to - from + 1);
    double x = S_LEFT + (double) (op->call < from? 0: op->call - from) * scale;
    double end = op->ret == OP_RET_NEVER || op->ret > to? S_LEFT + S_WIDTH
               : S_LEFT + ((double) (op->ret - from) + 0.8) * scale;
    return (s_bar_t) { x, end - x < 1? 1: end - x, lane * S_LANE + 4 };
}

//  A short label inside a bar that has room: "w 3", "r 2", "cas [1,2]".
static void
s_label (FILE *out, const op_t *op, s_bar_t bar)
{
    size_t room = (size_t) (bar.w / 5.6);
    if (room < 3)
        return;
    bool read = strcmp (op->f, "read") == 0 || strcmp (op->f, "get") == 0;
    json_t *shown = read && op->type == OP_OK? op->out: op->in;
    char *value = json_dumps (shown, JSON_COMPACT | JSON_ENCODE_ANY);
    char text [72];         // 63 of label, room for the ellipsis
    snprintf (text, 64, "%s %s",
              read? "r": strcmp (op->f, "write") == 0? "w": op->f, value? value: "");
    free (value);
    if (strlen (text) > room)
        strcpy (text + room - 1, "…");     // cut: say so, "r 12" is not "r 123"
    fprintf (out, "<text class='l' x='%.1f' y='%zu'>", bar.x + 2, bar.y + 9);
    escape_html (out, text);
    fputs ("</text>", out);
}

//  The untitled bars gathered per class (see s_svg): one <path> each, in
//  class order. Closes and frees what s_svg opened.
static void
s_paths_write (FILE *out, FILE **paths, char **path_text)
{
    for (size_t k = 0; k < S_CLASSES; k++) {
        if (!paths [k])
            continue;
        fclose (paths [k]);
        fprintf (out, "<path class='%s' d='%s'/>", s_classes [k], path_text [k]);
        free (path_text [k]);
    }
}

//  Lane labels, once per lane, at the first visible op of each.
static void
s_lane_labels (FILE *out, const ophistory_t *history, const bool *visible,
               const size_t *lane, size_t nlanes)
{
    size_t n = ophistory_size (history);
    bool *labelled = calloc (nlanes + 1, sizeof (bool));
    assert (labelled);
    for (size_t i = 0; i < n; i++)
        if (visible [i] && !labelled [lane [i]]) {
            labelled [lane [i]] = true;
            int64_t p = ophistory_op (history, i)->process;
            const char *name = ophistory_process_name (history, p);
            fprintf (out, "<text x='2' y='%zu'>", lane [i] * S_LANE + 13);
            if (name)
                escape_html (out, name);
            else
                fprintf (out, "p%lld", (long long) p);
            fputs ("</text>", out);
        }
    free (labelled);
}

//  One picture of the ops that overlap event positions from .. to.
//  A faint band across every lane over the failing op's interval.
static void
s_bands (FILE *out, const ophistory_t *history, const uint8_t *marks, const bool *visible,
         size_t nlanes, int64_t from, int64_t to)
{
    for (size_t i = 0; marks && i < ophistory_size (history); i++)
        if (marks [i] == LINPAGE_FAILING && visible [i]) {
            s_bar_t bar = s_bar (ophistory_op (history, i), 0, from, to);
            fprintf (out, "<rect class='band' x='%.1f' y='0' width='%.1f' height='%zu'/>",
                     bar.x, bar.w, nlanes * S_LANE + 6);
        }
}

static void
s_svg (FILE *out, const ophistory_t *history, const uint8_t *marks, char *const *notes,
       int64_t from, int64_t to)
{
    size_t n = ophistory_size (history);
    size_t *lane = malloc ((n + 1) * sizeof (size_t));
    bool *visible = malloc ((n + 1) * sizeof (bool));
    assert (lane && visible);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        const op_t *op = ophistory_op (history, i);
        visible [i] = (!marks || marks [i] != LINPAGE_HIDDEN) && op->call <= to && op->ret >= from;
        shown += visible [i];
    }
    size_t nlanes = s_lanes (history, visible, lane);
    FILE *paths [S_CLASSES] = { NULL };
    char *path_text [S_CLASSES] = { NULL };
    size_t path_len [S_CLASSES] = { 0 };
    bool small = shown <= FL_REPORT_TITLED_OPS_MAX;
    if (!small)
        fprintf (out, "<p class='key'>%zu ops, more than %d (FL_REPORT_TITLED_OPS_MAX): only"
                 " the marked ones have hover text.</p>", shown, FL_REPORT_TITLED_OPS_MAX);
    fprintf (out, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%zu'>",
             S_LEFT + S_WIDTH + 10, nlanes * S_LANE + 10);
    s_bands (out, history, marks, visible, nlanes, from, to);
    for (size_t i = 0; i < n; i++) {
        const op_t *op = ophistory_op (history, i);
        uint8_t mark = marks? marks [i]: LINPAGE_PLAIN;
        if (!visible [i])
            continue;
        s_bar_t bar = s_bar (op, lane [i], from, to);
        const char *cls = s_class (op, mark);
        if (small || mark >= LINPAGE_CONCURRENT) {
            fprintf (out, "<g><rect class='%s' x='%.1f' y='%zu' width='%.1f' height='%d'/>",
                     cls, bar.x, bar.y, bar.w, S_BAR);
            if (small)
                s_label (out, op, bar);
            s_title (out, history, op, notes? notes [i]: NULL);
            fputs ("</g>", out);
            continue;
        }
        //  Untitled bars: one path per class, a few bytes per op
        size_t k = 0;
        while (strcmp (s_classes [k], cls))
            k++;
        if (!paths [k])
            paths [k] = open_memstream (&path_text [k], &path_len [k]);
        if (paths [k])
            fprintf (paths [k], "M%.1f %zuh%.1fv%dh-%.1fz", bar.x, bar.y, bar.w, S_BAR, bar.w);
    }
    s_paths_write (out, paths, path_text);
    s_lane_labels (out, history, visible, lane, nlanes);
    fputs ("</svg>", out);
    free (visible);
    free (lane);
}

//  Around the failing op, for a history too big to read in one picture:
//  the S_CLOSEUP_EVENTS events before its invoke and after its completion.
static void
s_closeup (FILE *out, const ophistory_t *history, const uint8_t *marks, char *const *notes)
{
    size_t n = ophistory_size (history), shown = 0, failing = n;
    for (size_t i = 0; marks && i < n; i++) {
        shown += marks [i] != LINPAGE_HIDDEN;
        if (marks [i] == LINPAGE_FAILING)
            failing = i;
    }
    if (failing == n || shown <= S_CLOSEUP_MIN_OPS)
        return;
    const op_t *op = ophistory_op (history, failing);
    int64_t end = op->ret == OP_RET_NEVER? op->call: op->ret;
    int64_t from = op->call > S_CLOSEUP_EVENTS? op->call - S_CLOSEUP_EVENTS: 0;
    int64_t to = end + S_CLOSEUP_EVENTS;
    if (to >= ophistory_events (history))
        to = ophistory_events (history) - 1;
    fprintf (out, "<h2>Close-up: events %lld to %lld around the op that could not be"
             " linearized</h2>", (long long) from, (long long) to);
    s_svg (out, history, marks, notes, from, to);
}

int
linpage_write (const char *path, const char *title, const char *verdict,
               const ophistory_t *history, const uint8_t *marks,
               char *const *notes, const char *explain)
{
    assert (path && history);
    FILE *out = fopen (path, "w");
    if (!out)
        return -1;
    fprintf (out, "<!DOCTYPE html><html><head><meta charset='utf-8'><title>");
    escape_html (out, title);
    fprintf (out, "</title><style>%s</style></head><body><h1>", s_css);
    escape_html (out, title);
    fputs ("</h1><p><b>", out);
    escape_html (out, verdict);
    fputs ("</b></p><p class='key'>"
           "<span class='ok'style='background:#7cb87c'></span>ok"
           "<span style='background:#ccc'></span>fail"
           "<span style='background:#e8c85a'></span>info / never returned"
           "<span style='background:#6f9fd8'></span>linearizable prefix"
           "<span style='background:#f0a040'></span>concurrent with the failing op"
           "<span style='background:#d62728'></span>could not be linearized</p>", out);
    if (explain && *explain) {
        fputs ("<pre>", out);
        escape_html (out, explain);
        fputs ("</pre>", out);
    }
    int64_t events = ophistory_events (history);
    s_svg (out, history, marks, notes, 0, events > 0? events - 1: 0);
    s_closeup (out, history, marks, notes);
    fputs ("<p>x axis: event position in the history; one lane per process;"
           " hover a bar for the op.</p></body></html>\n", out);
    return fclose (out) == 0? 0: -1;
}
