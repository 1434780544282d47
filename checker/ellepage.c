/*  ellepage.c -- the HTML page of a checked txn history: the verdict, the
    explanation in words, and each cycle drawn as an inline SVG: the
    transactions as boxes on a circle, each edge an arrow labelled with its
    kind and key. Self-contained (no scripts, no external assets), as
    linpage.c's page is.
*/
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "escape.h"
#include "limits.h"
#include "elle_int.h"

#define S_BOX_W 120
#define S_BOX_H 36

static void
s_text (FILE *out, json_t *value)
{
    char *text = json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY);
    escape_html (out, text? text: "?");
    free (text);
}

static void
s_draw (FILE *out, json_t *cycle)
{
    json_t *ops = json_object_get (cycle, "cycle"), *edges = json_object_get (cycle, "edges");
    size_t n = json_array_size (ops);
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
        fprintf (out, "<path d=\"M%.0f,%.0f Q%.0f,%.0f %.0f,%.0f\" fill=\"none\" stroke=\"%s\""
                 " marker-end=\"url(#a)\"/>\n", x1, y1 + (y2 > y1? S_BOX_H / 2: -S_BOX_H / 2),
                 mx, my, x2, y2 + (y2 > y1? -S_BOX_H / 2: S_BOX_H / 2),
                 strcmp (json_string_value (json_object_get (e, "type")), "rw") == 0?
                 "#c00": "#333");
        fprintf (out, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\"><title>", mx + 4, my);
        escape_html (out, json_string_value (json_object_get (e, "why")));
        fprintf (out, "</title>%s", json_string_value (json_object_get (e, "type")));
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

int
elle_result_page (const elle_result_t *result, const char *path, const char *title)
{
    const elle_t *self = (const elle_t *) result;
    assert (self && path && title);
    FILE *out = fopen (path, "w");
    if (!out)
        return -1;
    json_t *obj = json_object ();
    elle_result_json (result, obj);
    fprintf (out, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>");
    escape_html (out, title);
    fprintf (out, "</title><style>body{font-family:sans-serif;margin:2em}"
             "pre{background:#f6f6f6;padding:1em;white-space:pre-wrap}</style></head><body>\n<h1>");
    escape_html (out, title);
    fprintf (out, "</h1>\n<p>%s &mdash; %s checked against %s, %zu txns</p>\n",
             self->verdict == ELLE_VALID? "valid": self->verdict == ELLE_INVALID? "INVALID": "unknown",
             elle_model_name (self->model), elle_level_name (self->level), self->ntxns);
    char *words = NULL;
    size_t len = 0;
    FILE *mem = open_memstream (&words, &len);
    if (mem) {
        elle_result_explain (result, mem);
        fclose (mem);
        fprintf (out, "<pre>");
        escape_html (out, words? words: "");
        fprintf (out, "</pre>\n");
        free (words);
    }
    size_t i;
    json_t *a;
    json_array_foreach (json_object_get (obj, "anomalies"), i, a) {
        if (!json_object_get (a, "cycle"))
            continue;
        fprintf (out, "<h2>%s</h2>\n", json_string_value (json_object_get (a, "type")));
        s_draw (out, a);
    }
    fprintf (out, "</body></html>\n");
    json_decref (obj);
    int rc = ferror (out)? -1: 0;
    int saved = errno;
    if (fclose (out))
        rc = -1;
    else
        errno = saved;
    return rc;
}
