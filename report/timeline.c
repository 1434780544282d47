/*  timeline.c -- the ops of a run, one lane per process, one bar per
    op from invoke to return, coloured by outcome, over the shaded fault
    periods, with the checker's failing ops outlined and flagged.

    Size is bounded whatever the history: ops are painted into a grid of
    one cell per lane and pixel column, a cell taking the most telling
    outcome of the ops it holds (info over fail over ok), and each run of
    cells of one colour becomes one segment of that colour's path. Sparse
    histories still show one bar per op; dense ones show what a screen
    could show. Only the ops a reader will want to point at (fails, infos,
    failing ops; at most FL_REPORT_HOVER_OPS_MAX) are drawn on their own
    with a hover text. Processes past FL_REPORT_LANES_MAX share the last
    lane.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "analysis/measures.h"
#include "page.h"
#include "escape.h"

#define S_TOP 40                        // room for fault labels

//  Cell values, in order of precedence: a cell shows its highest.
static const char s_classes [] = "\0oapfi";   // none, ok, answered, pending, fail, info

typedef struct {
    int64_t first_ns, last_ns;          // the process's life
    size_t lane;
} s_life_t;

typedef struct {
    const page_t *report;
    int64_t *processes;                 // sorted, distinct
    s_life_t *lives;                    // per process, same order
    size_t processes_size, lanes;
    int64_t *lane_process;              // first process of each lane
    size_t *lane_processes;             // how many processes each lane holds
    double lane_h, bar_h;
    uint8_t *cells;                     // lanes x PAGE_PLOT, s_classes index
    size_t hovers;
    size_t unhovered;                   // ops past FL_REPORT_HOVER_OPS_MAX
} s_lanes_t;

static int
s_int64_compare (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

static size_t
s_lane (const s_lanes_t *self, int64_t process)
{
    int64_t *found = bsearch (&process, self->processes, self->processes_size,
                              sizeof (int64_t), s_int64_compare);
    assert (found);
    return self->lives [found - self->processes].lane;
}

static uint8_t
s_class (const opslog_op_t *op)
{
    switch (op->type) {
        case OPSLOG_OK: return 1;
        case OPSLOG_FAIL: return measures_answered (op) ? 2 : 4;
        case OPSLOG_INFO: return 5;
        default: return 3;
    }
}

//  The distinct processes, sorted, and when each lived.
static int
s_processes (s_lanes_t *self, const opslog_t *log)
{
    size_t size = opslog_size (log);
    self->processes = malloc ((size + 1) * sizeof (int64_t));
    self->lives = calloc (size + 1, sizeof (s_life_t));
    if (!self->processes || !self->lives)
        return -1;
    for (size_t i = 0; i < size; i++)
        self->processes [i] = opslog_op (log, i)->process;
    qsort (self->processes, size, sizeof (int64_t), s_int64_compare);
    for (size_t i = 0; i < size; i++)
        if (self->processes_size == 0
        ||  self->processes [self->processes_size - 1] != self->processes [i])
            self->processes [self->processes_size++] = self->processes [i];
    for (size_t i = 0; i < self->processes_size; i++)
        self->lives [i].first_ns = -1;
    for (size_t i = 0; i < size; i++) {
        const opslog_op_t *op = opslog_op (log, i);
        int64_t *found = bsearch (&op->process, self->processes, self->processes_size,
                                  sizeof (int64_t), s_int64_compare);
        s_life_t *life = &self->lives [found - self->processes];
        if (life->first_ns < 0)
            life->first_ns = op->invoke_ns;
        life->last_ns = op->return_ns >= 0 ? op->return_ns : self->report->end_ns;
    }
    return 0;
}

//  A lane per process; with more than FL_REPORT_LANES_PACK processes, a
//  lane is reused once its process has retired (after an info the client
//  carries on as a new process: Jepsen's rule), so a lane is a client.
static void
s_assign_lanes (s_lanes_t *self)
{
    int64_t *lane_free_ns = calloc (FL_REPORT_LANES_MAX, sizeof (int64_t));
    bool pack = self->processes_size > FL_REPORT_LANES_PACK && lane_free_ns;
    for (size_t rank = 0; rank < self->processes_size; rank++) {
        s_life_t *life = &self->lives [rank];
        size_t lane = self->lanes;
        for (size_t k = 0; pack && k < self->lanes && lane == self->lanes; k++)
            if (lane_free_ns [k] < life->first_ns)
                lane = k;
        if (lane == self->lanes && self->lanes == FL_REPORT_LANES_MAX)
            lane = FL_REPORT_LANES_MAX - 1;
        if (lane == self->lanes)
            self->lanes++;
        life->lane = lane;
        if (lane_free_ns && life->last_ns > lane_free_ns [lane])
            lane_free_ns [lane] = life->last_ns;
    }
    free (lane_free_ns);
    for (size_t rank = self->processes_size; rank-- > 0; ) {
        size_t lane = self->lives [rank].lane;   // lowest process of each lane last
        self->lane_process [lane] = self->processes [rank];
        self->lane_processes [lane]++;
    }
}

static int
s_lanes_init (s_lanes_t *self, const page_t *report)
{
    self->report = report;
    if (s_processes (self, report->log) != 0)
        return -1;
    self->lane_process = calloc (FL_REPORT_LANES_MAX, sizeof (int64_t));
    self->lane_processes = calloc (FL_REPORT_LANES_MAX, sizeof (size_t));
    if (!self->lane_process || !self->lane_processes)
        return -1;
    s_assign_lanes (self);
    double lane_h = 440.0 / (self->lanes ? self->lanes : 1);
    self->lane_h = lane_h > 18 ? 18 : lane_h < 3 ? 3 : (int) lane_h;
    self->bar_h = self->lane_h > 8 ? self->lane_h - 3 : self->lane_h > 4 ? self->lane_h - 1 : self->lane_h;
    self->cells = calloc (self->lanes * PAGE_PLOT, 1);
    return self->cells ? 0 : -1;
}

static void
s_lanes_release (s_lanes_t *self)
{
    free (self->processes);
    free (self->lives);
    free (self->lane_process);
    free (self->lane_processes);
    free (self->cells);
}

//  One path per colour: each run of equal cells in a lane is a segment.
static void
s_paths (const s_lanes_t *self)
{
    FILE *out = self->report->out;
    for (uint8_t value = 1; value < sizeof s_classes - 1; value++) {
        fprintf (out, "<path class=\"%c\" d=\"", s_classes [value]);
        for (size_t lane = 0; lane < self->lanes; lane++) {
            const uint8_t *row = self->cells + lane * PAGE_PLOT;
            for (size_t x = 0; x < PAGE_PLOT; x++) {
                if (row [x] != value)
                    continue;
                size_t end = x;
                while (end < PAGE_PLOT && row [end] == value)
                    end++;
                fprintf (out, "M%zu %.0fh%zuv%.0fh-%zuz", PAGE_LEFT + x,
                         S_TOP + lane * self->lane_h, end - x, self->bar_h, end - x);
                x = end - 1;
            }
        }
        fputs ("\"/>", out);
    }
}

//  An atom as a person reads it: a JSON string without its quotes.
static void
s_atom (const page_t *report, int32_t atom)
{
    FILE *out = report->out;
    const char *text = opslog_atom (report->log, atom);
    size_t length = strlen (text);
    bool plain = length >= 2 && text [0] == '"' && text [length - 1] == '"'
              && !memchr (text + 1, '\\', length - 2);
    fputc (' ', out);
    if (!plain) {
        escape_html (out, text);
        return;
    }
    char copy [64];
    snprintf (copy, sizeof copy, "%.*s", (int) (length - 2), text + 1);
    escape_html (out, copy);
}

//  A long atom (a txn's micro-ops) as compact JSON, cut at
//  FL_REPORT_OP_VALUE_MAX bytes with an ellipsis.
static void
s_long_atom (const page_t *report, int32_t atom)
{
    FILE *out = report->out;
    const char *text = opslog_atom (report->log, atom);
    char copy [FL_REPORT_OP_VALUE_MAX + 1];
    snprintf (copy, sizeof copy, "%s", text);
    fputc (' ', out);
    escape_html (out, copy);
    if (strlen (text) > FL_REPORT_OP_VALUE_MAX)
        fputs ("&hellip;", out);
}

//  "#12 p3 cas key k1 from 4 to 5 &rarr; fail (error 22), 120.000-150.000
//  ms"; a read's value comes after its outcome: "read key k1 &rarr; ok 3".
static void
s_describe (const page_t *report, const opslog_op_t *op)
{
    FILE *out = report->out;
    static const char *types [] = { "ok", "fail", "info", "no reply" };
    fprintf (out, "#%lld p%lld ", (long long) op->invoke_index, (long long) op->process);
    escape_html (out, opslog_atom (report->log, op->f_atom));
    if (op->key >= 0) {
        fputs (" key", out);
        s_atom (report, op->key);
    }
    if (op->from >= 0) {
        fputs (" from", out);
        s_atom (report, op->from);
        fputs (" to", out);
    }
    if (op->value >= 0 && op->f != OPSLOG_F_READ) {
        fputs (op->from >= 0 ? "" : " value", out);
        s_atom (report, op->value);
    }
    //  An op with no key or value of its own (a txn) shows its value as
    //  sent: the micro-ops
    bool whole = op->key < 0 && op->value < 0 && op->from < 0;
    if (whole && op->invoke_value >= 0 && !(op->type == OPSLOG_OK && op->return_value >= 0))
        s_long_atom (report, op->invoke_value);
    fprintf (out, " &rarr; %s", types [op->type]);
    if (op->value >= 0 && op->f == OPSLOG_F_READ)
        s_atom (report, op->value);
    else
    if (whole && op->type == OPSLOG_OK && op->return_value >= 0)
        s_long_atom (report, op->return_value);   // a txn's micro-ops with what its reads saw
    if (op->error >= 0)
        fprintf (out, " (error %d)", (int) op->error);
    fprintf (out, ", %.3f&ndash;", op->invoke_ns / 1e6);
    if (op->return_ns >= 0)
        fprintf (out, "%.3f ms", op->return_ns / 1e6);
    else
        fputs ("never returned", out);
}

static void
s_paint (s_lanes_t *self, size_t lane, double x0, double x1, uint8_t class)
{
    size_t from = (size_t) (x0 - PAGE_LEFT);
    size_t to = (size_t) (x1 - PAGE_LEFT);
    uint8_t *row = self->cells + lane * PAGE_PLOT;
    for (size_t x = from; x <= to && x < PAGE_PLOT; x++)
        if (row [x] < class)
            row [x] = class;
}

//  Pass 0 paints the grid; pass 1, drawn over it, the ops with hover text.
static void
s_bar (s_lanes_t *self, size_t i, int pass)
{
    const page_t *report = self->report;
    const opslog_op_t *op = opslog_op (report->log, i);
    size_t lane = s_lane (self, op->process);
    double x0 = axis_x (report, op->invoke_ns);
    double x1 = axis_x (report, op->return_ns >= 0 ? op->return_ns : report->end_ns);
    uint8_t class = s_class (op);
    bool wanted = class != 1 || page_is_failing (report, (int64_t) i);
    bool hover = wanted && self->hovers < FL_REPORT_HOVER_OPS_MAX;
    self->hovers += hover;
    self->unhovered += wanted && !hover && pass == 0;
    if (!hover && pass == 0)
        s_paint (self, lane, x0, x1, class);
    if (!hover || pass == 0)
        return;
    fprintf (report->out, "<rect class=\"%c\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" "
             "height=\"%.0f\"><title>", s_classes [class], x0, S_TOP + lane * self->lane_h,
             x1 - x0 < 1 ? 1 : x1 - x0, self->bar_h);
    s_describe (report, op);
    fputs ("</title></rect>", report->out);
}

static void
s_failing_marks (const s_lanes_t *self)
{
    const page_t *report = self->report;
    FILE *out = report->out;
    for (size_t i = 0; i < report->failing_size; i++) {
        const opslog_op_t *op = opslog_op (report->log, (size_t) report->failing [i]);
        double y = S_TOP + s_lane (self, op->process) * self->lane_h;
        double x0 = axis_x (report, op->invoke_ns);
        double x1 = axis_x (report, op->return_ns >= 0 ? op->return_ns : report->end_ns);
        fprintf (out, "<g class=\"failing\"><title>%s: ", report->failing_label);
        s_describe (report, op);
        fprintf (out, "</title><rect class=\"x\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                 "height=\"%.1f\"/><path class=\"xm\" d=\"M%.1f %.1fl-5 -9h10z\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\" style=\"fill:#d00;font-weight:bold\">#%lld</text></g>",
                 x0 - 1.5, y - 1.5, (x1 - x0 < 1 ? 1 : x1 - x0) + 3, self->bar_h + 3,
                 x0, y - 2, x0 + 6, y - 3, (long long) op->invoke_index);
    }
}

//  A band per lane, behind its bars: every other one tinted so that dense
//  lanes can be told apart, each naming its first process and how many it
//  holds (data-process, data-processes), so that a browser test or a
//  script can count the lanes against the history's processes.
static void
s_lane_bands (const s_lanes_t *self)
{
    FILE *out = self->report->out;
    for (size_t lane = 0; lane < self->lanes; lane++)
        fprintf (out, "<rect class=\"lane%s\" data-process=\"%lld\" data-processes=\"%zu\" "
                 "x=\"%d\" y=\"%.0f\" width=\"%d\" height=\"%.0f\"/>", lane % 2 ? " z" : "",
                 (long long) self->lane_process [lane], self->lane_processes [lane],
                 PAGE_LEFT, S_TOP + lane * self->lane_h, PAGE_PLOT, self->lane_h);
}

static void
s_lane_labels (const s_lanes_t *self)
{
    FILE *out = self->report->out;
    size_t every = self->lane_h >= 10 ? 1 : (size_t) (11 / self->lane_h) + 1;
    for (size_t lane = 0; lane < self->lanes; lane += every) {
        fprintf (out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">p%lld",
                 PAGE_LEFT - 6, S_TOP + lane * self->lane_h + self->bar_h / 2 + 4,
                 (long long) self->lane_process [lane]);
        if (self->lane_processes [lane] > 1)
            fprintf (out, " (+%zu)", self->lane_processes [lane] - 1);
        fputs ("</text>", out);
    }
}

static void
s_legend (const page_t *report, size_t lanes, size_t processes)
{
    FILE *out = report->out;
    fputs ("<div class=\"note\">"
           "<span class=\"key\" style=\"background:#3fa34d\"></span>ok"
           "<span class=\"key\" style=\"background:#8fc79a\"></span>fail with an answer (20/21/22)"
           "<span class=\"key\" style=\"background:#e0607e\"></span>fail"
           "<span class=\"key\" style=\"background:#f0a030\"></span>info (timeout: may or may not "
           "have happened)<span class=\"key\" style=\"background:#c9a26b\"></span>no reply"
           "<span class=\"key\" style=\"background:#888;opacity:.4\"></span>fault in force"
           "<span class=\"key\" style=\"background:#d00\"></span>failing op", out);
    if (processes > lanes)
        fprintf (out, ". %zu processes in %zu lanes: a lane takes a new process once its "
                 "process has retired (after an info, a client goes on as a new process), "
                 "so a lane is a client; \"p3 (+4)\" is p3 and 4 later processes",
                 processes, lanes);
    fputs (". Hover a bar for the op.</div>", out);
}

//  What the timeline left out at its bounds, counted.
static void
s_bounds_notes (const s_lanes_t *self)
{
    const page_t *report = self->report;
    FILE *out = report->out;
    if (self->lanes == FL_REPORT_LANES_MAX && self->lane_processes [self->lanes - 1] > 1)
        fprintf (out, "<p class=\"note\">%zu processes share the last lane: there are at most "
                 "%d (FL_REPORT_LANES_MAX).</p>", self->lane_processes [self->lanes - 1],
                 FL_REPORT_LANES_MAX);
    if (self->unhovered)
        fprintf (out, "<p class=\"note\">%zu more fails, infos or failing ops are drawn without "
                 "their own hover text: %d have one (FL_REPORT_HOVER_OPS_MAX).</p>",
                 self->unhovered, FL_REPORT_HOVER_OPS_MAX);
    if (report->failing_unmarked)
        fprintf (out, "<p class=\"note\">%zu more mentions of failing ops by the checker are "
                 "not marked: %d ops are (FL_REPORT_FAILING_MAX).</p>", report->failing_unmarked,
                 FL_REPORT_FAILING_MAX);
    if (report->details_unread)
        fprintf (out, "<p class=\"note\">%zu parts of the check details were not searched for "
                 "failing ops: they lie deeper than %d levels (FL_REPORT_JSON_DEPTH_MAX) "
                 "or past the search's %d open parts (FL_REPORT_DETAILS_OPEN_MAX).</p>",
                 report->details_unread, FL_REPORT_JSON_DEPTH_MAX, FL_REPORT_DETAILS_OPEN_MAX);
}

void
timeline_write (const page_t *report)
{
    assert (report);
    FILE *out = report->out;
    fputs ("<h2>Operations per process</h2>", out);
    if (opslog_size (report->log) == 0) {
        fputs ("<p class=\"note\">The history has no operations.</p>", out);
        return;
    }
    s_lanes_t self = { 0 };
    if (s_lanes_init (&self, report) != 0) {
        fputs ("<p class=\"note\">Out of memory drawing the timeline.</p>", out);
        s_lanes_release (&self);
        return;
    }
    double bottom = S_TOP + self.lanes * self.lane_h;
    fprintf (out, "<svg width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\">",
             PAGE_WIDTH, bottom + 24, PAGE_WIDTH, bottom + 24);
    axis_time (report, bottom + 4, S_TOP);
    s_lane_bands (&self);
    axis_shading (report, 2, bottom, true);
    s_lane_labels (&self);
    for (int pass = 0; pass < 2; pass++) {
        self.hovers = 0;
        for (size_t i = 0; i < opslog_size (report->log); i++)
            s_bar (&self, i, pass);
        if (pass == 0)
            s_paths (&self);
    }
    s_failing_marks (&self);
    fputs ("</svg>", out);
    s_legend (report, self.lanes, self.processes_size);
    s_bounds_notes (&self);
    s_lanes_release (&self);
}
