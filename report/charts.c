/*  charts.c -- latency, availability and throughput over time, on
    the shared time axis with the fault periods shaded.

    The lines come from the measures' timeline buckets (at most
    FL_TIMELINE_BUCKETS_MAX points). The latency chart also shows every ok
    op as a dot (every k-th past S_DOTS_MAX, so the page stays small) on a
    log scale, because latencies during a fault are often ten or a hundred
    times those outside it.
*/
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "limits.h"
#include "page.h"

#define S_HEIGHT    150                 // plot height of each chart, px
#define S_TOP       8
#define S_DOTTED_MAX 30                 // lines with this few points get dots
#define S_DOTS_MAX  (FL_REPORT_OPS_DRAWN_MAX / 8)    // dots, before merging per pixel

typedef struct {
    double low, high;                   // log10 of the y range, in ms
} s_scale_t;

static double
s_log_y (s_scale_t scale, double ms)
{
    double value = log10 (ms > 1e-3 ? ms : 1e-3);
    return S_TOP + S_HEIGHT - (value - scale.low) / (scale.high - scale.low) * S_HEIGHT;
}

static void
s_open (const page_t *report, const char *title, const char *legend)
{
    fprintf (report->out, "<h2>%s</h2><div class=\"note\">%s</div>"
             "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", title, legend,
             PAGE_WIDTH, S_TOP + S_HEIGHT + 22, PAGE_WIDTH, S_TOP + S_HEIGHT + 22);
    axis_shading (report, S_TOP, S_TOP + S_HEIGHT, false);
    axis_time (report, S_TOP + S_HEIGHT, S_TOP);
}

static void
s_y_label (FILE *out, double y, const char *text)
{
    fprintf (out, "<line class=\"gr\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
             "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
             PAGE_LEFT, PAGE_LEFT + PAGE_PLOT, y, y, PAGE_LEFT - 6, y + 4, text);
}

//  A line through bucket centres of FIELD, scaled by Y_OF; nulls break it.
static void
s_line (const page_t *report, json_t *buckets, int64_t bucket_ms, const char *field,
        const char *class, s_scale_t scale, bool log_scale)
{
    FILE *out = report->out;
    fprintf (out, "<path class=\"%s\" d=\"", class);
    bool drawing = false;
    size_t i;
    json_t *bucket;
    json_array_foreach (buckets, i, bucket) {
        json_t *value = json_object_get (bucket, field);
        if (!json_is_number (value)) {
            drawing = false;
            continue;
        }
        int64_t t_ns = (int64_t) (json_number_value (json_object_get (bucket, "t_ms"))
                                  + bucket_ms / 2.0) * 1000000;
        if (t_ns > report->end_ns)
            t_ns = report->end_ns;      // the last bucket's middle may be past the end
        double y = log_scale ? s_log_y (scale, json_number_value (value))
                             : S_TOP + S_HEIGHT * (1 - json_number_value (value));
        fprintf (out, "%c%.1f %.1f", drawing ? 'L' : 'M', axis_x (report, t_ns), y);
        if (json_array_size (buckets) <= S_DOTTED_MAX)
            fputs ("h0", out);          // few points: each shows even alone
        drawing = true;
    }
    fputs ("\"/>", out);
}

static s_scale_t
s_latency_scale (const opslog_t *log)
{
    double low = INFINITY, high = 0;
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (op->type != OPSLOG_OK)
            continue;
        double ms = (op->return_ns - op->invoke_ns) / 1e6;
        low = ms < low ? ms : low;
        high = ms > high ? ms : high;
    }
    s_scale_t scale = { floor (log10 (low > 1e-3 ? low : 1e-3)),
                        ceil (log10 (high > 1e-3 ? high : 1e-3)) };
    if (scale.high <= scale.low)
        scale.high = scale.low + 1;
    return scale;
}

//  Ok ops as dots, one per distinct pixel, from every k-th op at most.
static void
s_dots (const page_t *report, s_scale_t scale, size_t ok)
{
    FILE *out = report->out;
    uint8_t *seen_px = calloc ((size_t) PAGE_WIDTH * (S_TOP + S_HEIGHT + 1), 1);
    if (!seen_px)
        return;
    size_t every = ok > S_DOTS_MAX ? ok / S_DOTS_MAX + 1 : 1;
    size_t seen = 0;
    fputs ("<path style=\"stroke:#64b5f6;stroke-width:2;stroke-linecap:round\" d=\"", out);
    for (size_t i = 0; i < opslog_size (report->log); i++) {
        const opslog_op_t *op = opslog_op (report->log, i);
        if (op->type != OPSLOG_OK || seen++ % every)
            continue;
        int x = (int) axis_x (report, op->invoke_ns);
        int y = (int) s_log_y (scale, (op->return_ns - op->invoke_ns) / 1e6);
        if (x < 0 || x >= PAGE_WIDTH || y < 0 || y > S_TOP + S_HEIGHT)
            continue;
        uint8_t *cell = &seen_px [(size_t) y * PAGE_WIDTH + (size_t) x];
        if (!*cell)
            fprintf (out, "M%d %dh0", x, y);
        *cell = 1;
    }
    fputs ("\"/>", out);
    free (seen_px);
}

static void
s_latency (const page_t *report, json_t *timeline)
{
    FILE *out = report->out;
    json_t *ok = json_object_get (json_object_get (report->measures, "ops"), "ok");
    if (json_integer_value (ok) == 0) {
        fputs ("<h2>Latency over time</h2><p class=\"note\">No ok operations: no latency to "
               "show.</p>", out);
        return;
    }
    s_scale_t scale = s_latency_scale (report->log);
    s_open (report, "Latency over time",
            "Each ok op at its invoke time (light dots), and per bucket "
            "<span style=\"color:#1565c0\">p50</span> and "
            "<span style=\"color:#ef6c00\">p99</span>; log scale.");
    for (double decade = scale.low; decade <= scale.high; decade++) {
        char label [32];
        double ms = pow (10, decade);
        snprintf (label, sizeof label, ms >= 1000 ? "%g s" : "%g ms", ms >= 1000 ? ms / 1000 : ms);
        s_y_label (out, s_log_y (scale, ms), label);
    }
    size_t oks = (size_t) json_integer_value (ok);
    if (oks > S_DOTS_MAX)
        fprintf (out, "<text x=\"%d\" y=\"%d\" class=\"fl\">dots: 1 in %zu of %zu ok ops "
                 "(at most FL_REPORT_OPS_DRAWN_MAX / 8 = %d)</text>", PAGE_LEFT + 4, S_TOP + 10,
                 oks / S_DOTS_MAX + 1, oks, S_DOTS_MAX);
    s_dots (report, scale, oks);
    json_t *buckets = json_object_get (timeline, "buckets");
    int64_t bucket_ms = json_integer_value (json_object_get (timeline, "bucket_ms"));
    s_line (report, buckets, bucket_ms, "p99_ms", "l99", scale, true);
    s_line (report, buckets, bucket_ms, "p50_ms", "l50", scale, true);
    fputs ("</svg>", out);
}

static void
s_availability (const page_t *report, json_t *timeline)
{
    FILE *out = report->out;
    json_t *buckets = json_object_get (timeline, "buckets");
    int64_t bucket_ms = json_integer_value (json_object_get (timeline, "bucket_ms"));
    char legend [160];
    snprintf (legend, sizeof legend, "Share of ops answered, per %lld ms bucket "
              "(by invoke time).", (long long) bucket_ms);
    s_open (report, "Availability over time", legend);
    s_y_label (out, S_TOP, "100%");
    s_y_label (out, S_TOP + S_HEIGHT / 2.0, "50%");
    s_y_label (out, S_TOP + S_HEIGHT, "0%");
    s_line (report, buckets, bucket_ms, "availability", "av", (s_scale_t) { 0, 1 }, false);
    fputs ("</svg>", out);
}

//  Stacked ok / fail / info bars, in ops per second.
static void
s_throughput (const page_t *report, json_t *timeline)
{
    FILE *out = report->out;
    json_t *buckets = json_object_get (timeline, "buckets");
    int64_t bucket_ms = json_integer_value (json_object_get (timeline, "bucket_ms"));
    double high = 1;
    size_t i;
    json_t *bucket;
    json_array_foreach (buckets, i, bucket) {
        double total = json_integer_value (json_object_get (bucket, "ok"))
                     + json_integer_value (json_object_get (bucket, "fail"))
                     + json_integer_value (json_object_get (bucket, "info"));
        high = total > high ? total : high;
    }
    s_open (report, "Throughput over time",
            "Ops invoked per second, stacked: <span style=\"color:#3fa34d\">ok</span>, "
            "<span style=\"color:#6fb57c\">fail with an answer</span>, "
            "<span style=\"color:#e0607e\">fail</span>, "
            "<span style=\"color:#f0a030\">info</span>.");
    char label [32];
    snprintf (label, sizeof label, "%.0f/s", high * 1000.0 / bucket_ms);
    s_y_label (out, S_TOP, label);
    static const char *classes [] = { "o", "a", "f", "i" };
    json_array_foreach (buckets, i, bucket) {
        double x0 = axis_x (report, (int64_t) i * bucket_ms * 1000000);
        int64_t end_ns = (int64_t) (i + 1) * bucket_ms * 1000000;
        double x1 = axis_x (report, end_ns < report->end_ns ? end_ns : report->end_ns);
        double y = S_TOP + S_HEIGHT;
        json_int_t ok = json_integer_value (json_object_get (bucket, "ok"));
        json_int_t answered = json_integer_value (json_object_get (bucket, "answered")) - ok;
        json_int_t counts [4] = { ok, answered,
                                  json_integer_value (json_object_get (bucket, "fail")) - answered,
                                  json_integer_value (json_object_get (bucket, "info")) };
        for (int k = 0; k < 4; k++) {
            double h = counts [k] / high * S_HEIGHT;
            if (h <= 0)
                continue;
            y -= h;
            fprintf (out, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                     classes [k], x0, y, x1 - x0 > 1.5 ? x1 - x0 - 0.5 : 1, h);
        }
    }
    fputs ("</svg>", out);
}

void
charts_write (const page_t *report)
{
    assert (report);
    json_t *timeline = json_object_get (report->measures, "timeline");
    if (opslog_size (report->log) == 0)
        return;
    s_latency (report, timeline);
    s_availability (report, timeline);
    s_throughput (report, timeline);
}
