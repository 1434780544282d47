/*  ellepage.c -- the HTML page of a checked txn history: the verdict, the
    explanation in words, and each cycle drawn as an inline SVG: the
    transactions as boxes on a circle, each edge an arrow labelled with its
    kind and key. Self-contained (no scripts, no external assets), as
    linpage.c's page is.
*/
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cyclesvg.h"
#include "escape.h"
#include "limits.h"
#include "elle_int.h"

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
        cyclesvg_write (out, a);
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
