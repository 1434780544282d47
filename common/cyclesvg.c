/*  cyclesvg.c -- a txn cycle as inline SVG (cyclesvg.h). The boxes sit on
    a circle whose radius grows with the cycle's length so that they do not
    overlap; a two-op cycle's edges bend apart so that both stay visible.
    Edge i runs from box i to box i+1 (the last back to the first), as the
    checker lists them.
*/
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cyclesvg.h"
#include "escape.h"
#include "limits.h"

#define S_BOX_W 120
#define S_BOX_H 36

static void
s_text (FILE *out, json_t *value)
{
    char *text = json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY);
    escape_html (out, text? text: "?");
    free (text);
}

void
cyclesvg_write (FILE *out, json_t *cycle)
{
    assert (out);
    json_t *ops = json_object_get (cycle, "cycle"), *edges = json_object_get (cycle, "edges");
    size_t n = json_array_size (ops);
    if (n == 0)
        return;
    double r = n <= 2? 120: 60.0 * (double) n / 3.14159 + 60;
    double cx = r + S_BOX_W, cy = r + S_BOX_H + 20;
    fprintf (out, "<svg width=\"%.0f\" height=\"%.0f\" xmlns=\"http://www.w3.org/2000/svg\">\n"
             "<defs><marker id=\"a\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\""
             " markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>\n",
             2 * cx, 2 * cy);
    for (size_t i = 0; i < n; i++) {
        double a1 = 2 * 3.14159 * (double) i / (double) n - 3.14159 / 2;
        double a2 = 2 * 3.14159 * (double) ((i + 1) % n) / (double) n - 3.14159 / 2;
        double x1 = cx + r * cos (a1), y1 = cy + r * sin (a1);
        double x2 = cx + r * cos (a2), y2 = cy + r * sin (a2);
        double bend = n == 2? (i? -40: 40): 0;
        double mx = (x1 + x2) / 2 + bend, my = (y1 + y2) / 2;
        json_t *e = json_array_get (edges, i);
        //  From results.json the report may read anything: no type is "?"
        const char *type = json_string_value (json_object_get (e, "type"));
        type = type? type: "?";
        fprintf (out, "<path d=\"M%.0f,%.0f Q%.0f,%.0f %.0f,%.0f\" fill=\"none\" stroke=\"%s\""
                 " marker-end=\"url(#a)\"/>\n", x1, y1 + (y2 > y1? S_BOX_H / 2: -S_BOX_H / 2),
                 mx, my, x2, y2 + (y2 > y1? -S_BOX_H / 2: S_BOX_H / 2),
                 strcmp (type, "rw") == 0? "#c00": "#333");
        fprintf (out, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\"><title>", mx + 4, my);
        escape_html (out, json_string_value (json_object_get (e, "why")));
        fprintf (out, "</title>");
        escape_html (out, type);
        if (json_object_get (e, "key")) {
            fprintf (out, " k=");
            s_text (out, json_object_get (e, "key"));
        }
        fprintf (out, "</text>\n");
    }
    for (size_t i = 0; i < n; i++) {
        double a = 2 * 3.14159 * (double) i / (double) n - 3.14159 / 2;
        double x = cx + r * cos (a) - S_BOX_W / 2, y = cy + r * sin (a) - S_BOX_H / 2;
        json_t *op = json_array_get (ops, i);
        fprintf (out, "<g><title>line %lld: ", (long long) json_integer_value (json_object_get (op, "line")));
        s_text (out, json_object_get (op, "value"));
        fprintf (out, "</title><rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" height=\"%d\" rx=\"4\""
                 " fill=\"#eef\" stroke=\"#336\"/><text x=\"%.0f\" y=\"%.0f\" font-size=\"13\">"
                 "T%zu (line %lld)</text></g>\n", x, y, S_BOX_W, S_BOX_H, x + 8, y + 22, i + 1,
                 (long long) json_integer_value (json_object_get (op, "line")));
    }
    fprintf (out, "</svg>\n");
}

char *
cyclesvg_value_text (json_t *value)
{
    char *text = value? json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY): NULL;
    if (!text)
        return strdup ("?");
    size_t length = strlen (text);
    if (length <= FL_TXN_VALUE_TEXT_BYTES_MAX)
        return text;
    size_t keep = FL_TXN_VALUE_TEXT_BYTES_MAX - 40;
    while (keep > 0 && ((unsigned char) text [keep] & 0xC0) == 0x80)
        keep--;                         //  not inside a UTF-8 sequence
    char *cut = NULL;
    if (asprintf (&cut, "%.*s... (%zu bytes in all)", (int) keep, text, length) < 0)
        cut = NULL;
    free (text);
    return cut;
}

static const char *
s_string (json_t *value)
{
    return json_is_string (value)? json_string_value (value): "?";
}

char *
cyclesvg_op_text (json_t *op)
{
    char *number = cyclesvg_value_text (json_object_get (op, "line"));
    char *process = cyclesvg_value_text (json_object_get (op, "process"));
    char *value = cyclesvg_value_text (json_object_get (op, "value"));
    char *text = NULL;
    if (asprintf (&text, "line %s: process %s %s %s %s", number, process,
                  s_string (json_object_get (op, "f")), value,
                  s_string (json_object_get (op, "type"))) < 0)
        text = NULL;
    free (number);
    free (process);
    free (value);
    return text;
}

void
cyclesvg_lines (json_t *cycle, cyclesvg_line_fn *fn, void *arg)
{
    assert (fn);
    json_t *ops = json_object_get (cycle, "cycle"), *edges = json_object_get (cycle, "edges");
    size_t n = json_array_size (ops);
    char *line = NULL;
    for (size_t i = 0; i < n; i++) {
        char *op = cyclesvg_op_text (json_array_get (ops, i));
        if (op && asprintf (&line, "T%zu = %s", i + 1, op) >= 0) {
            fn (line, arg);
            free (line);
        }
        free (op);
    }
    for (size_t i = 0; i < json_array_size (edges) && n > 0; i++) {
        json_t *edge = json_array_get (edges, i);
        const char *from = json_string_value (json_object_get (edge, "from"));
        const char *to = json_string_value (json_object_get (edge, "to"));
        const char *why = s_string (json_object_get (edge, "why"));
        //  As the checker names them (a cut cycle's last edge goes on, not
        //  back); without names, edge i runs from op i to op i + 1
        int rc = from && to? asprintf (&line, "%s < %s: %s", from, to, why)
                           : asprintf (&line, "T%zu < T%zu: %s", i + 1, (i + 1) % n + 1, why);
        if (rc >= 0) {
            fn (line, arg);
            free (line);
        }
    }
    json_t *length = json_object_get (cycle, "length");
    if (n > 0 && json_is_integer (length)
    &&  json_integer_value (length) > (json_int_t) json_array_size (edges)
    &&  asprintf (&line, "... (cut: %lld steps in all, %zu shown)",
                  (long long) json_integer_value (length), json_array_size (edges)) >= 0) {
        fn (line, arg);
        free (line);
    }
}

static void
s_html_line (const char *line, void *arg)
{
    FILE *out = arg;
    fputs ("<li>", out);
    escape_html (out, line);
    fputs ("</li>", out);
}

void
cyclesvg_explain (FILE *out, json_t *cycle)
{
    assert (out);
    if (json_array_size (json_object_get (cycle, "cycle")) == 0)
        return;
    fputs ("<ul class=\"cycle\">", out);
    cyclesvg_lines (cycle, s_html_line, out);
    fputs ("</ul>\n", out);
}
