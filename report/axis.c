/*  axis.c -- the time axis every chart of report.html shares: where
    a time falls, the ticks below a chart, and the shaded fault periods, so
    a partition is at the same x in the timeline, the latency chart and the
    availability chart.
*/
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "page.h"
#include "escape.h"

double
axis_x (const page_t *self, int64_t t_ns)
{
    assert (self);
    assert (self->end_ns > 0);
    return PAGE_LEFT + (double) t_ns / (double) self->end_ns * PAGE_PLOT;
}

//  Fault kinds get colours; anything else is grey.
static const char *
s_fault_colour (const char *fault)
{
    static const struct { const char *fault, *colour; } colours [] = {
        { "partition", "#7e57c2" }, { "kill", "#d32f2f" }, { "stop", "#d32f2f" },
        { "pause", "#6d4c41" }, { "drop", "#ef6c00" }, { "duplicate", "#ef6c00" },
        { "reorder", "#ef6c00" }, { "delay", "#f9a825" }, { "clock-skew", "#00838f" }
    };
    for (size_t i = 0; i < sizeof colours / sizeof colours [0]; i++)
        if (strcmp (fault, colours [i].fault) == 0)
            return colours [i].colour;
    return "#888";
}

void
axis_shading (const page_t *self, double top, double bottom, bool labels)
{
    assert (self);
    FILE *out = self->out;
    size_t size = period_log_size (self->faults);
    for (size_t i = 0; i < size; i++) {
        const period_t *period = period_log_get (self->faults, i);
        double x0 = axis_x (self, period->start_ns);
        double width = axis_x (self, period->end_ns) - x0;
        if (width < 1.5)
            width = 1.5;                // an instant fault still shows
        fprintf (out, "<rect class=\"ft\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                 "style=\"fill:%s\"><title>", x0, top, width, bottom - top,
                 s_fault_colour (period->fault));
        escape_html (out, period->fault);
        fputs (" ", out);
        escape_html (out, period->target);
        fputs (" ", out);
        escape_html (out, period->detail);
        fprintf (out, " (%.3f&ndash;%.3f s)</title></rect>",
                 period->start_ns / 1e9, period->end_ns / 1e9);
        if (labels && size <= 60) {
            fprintf (out, "<text class=\"fl\" x=\"%.1f\" y=\"%.1f\">", x0 + 2,
                     top + 10 + (double) (i % 3) * 11);
            escape_html (out, period->fault);
            if (*period->target) {
                fputs (" ", out);
                escape_html (out, period->target);
            }
            fputs ("</text>", out);
        }
    }
}

//  A round tick step (1, 2 or 5 times a power of ten ms) for about ten ticks.
static double
s_tick_ms (double end_ms)
{
    double raw = end_ms / 10;
    double power = pow (10, floor (log10 (raw > 0 ? raw : 1)));
    double steps [] = { 1, 2, 5, 10 };
    for (int i = 0; i < 4; i++)
        if (steps [i] * power >= raw)
            return steps [i] * power;
    return 10 * power;
}

void
axis_time (const page_t *self, double y, double grid_top)
{
    assert (self);
    FILE *out = self->out;
    double end_ms = self->end_ns / 1e6;
    double step = s_tick_ms (end_ms);
    fprintf (out, "<line class=\"ax\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>",
             PAGE_LEFT, PAGE_LEFT + PAGE_PLOT, y, y);
    for (int i = 0; i <= 12 && i * step <= end_ms; i++) {
        double x = axis_x (self, (int64_t) (i * step * 1e6));
        fprintf (out, "<line class=\"gr\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
                 x, x, grid_top, y);
        double ms = i * step;
        const char *unit = step >= 1000 ? "s" : step >= 1 ? "ms" : step >= 1e-3 ? "&micro;s" : "ns";
        double scale = step >= 1000 ? 1e-3 : step >= 1 ? 1 : step >= 1e-3 ? 1e3 : 1e6;
        fprintf (out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g %s</text>",
                 x, y + 13, round (ms * scale * 1000) / 1000, unit);
    }
}
