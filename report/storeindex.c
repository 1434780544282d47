/*  storeindex.c -- the store browser's pages and rules (see storeindex.h).

    Links are absolute URL paths ("/split-brain/raft/STAMP/report.html"),
    percent-encoded byte by byte outside a safe set, so that a directory
    asked for with or without its trailing slash links the same way.
*/
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "limits.h"
#include "escape.h"
#include "storeindex.h"

static const char s_css [] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;"
    "margin:0 auto;max-width:1240px;padding:16px}h1{font-size:22px;margin:0 0 8px}"
    "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;"
    "padding:3px 9px;text-align:left}th{background:#f4f4f4}.note{color:#666;font-size:13px}"
    "tr.valid td.v{background:#2e7d32;color:#fff}tr.invalid td.v{background:#c62828;color:#fff}"
    "tr.unknown td.v{background:#8d6e00;color:#fff}tr.none td.v{background:#999;color:#fff}"
    "tr.valid{background:#f1f8f1}tr.invalid{background:#fdf0f0}tr.unknown{background:#fdf8e8}"
    "td.n{text-align:right}.differs{color:#c62828;font-weight:bold}";

static char *
s_strdup_or_null (const char *text)
{
    return text ? strdup (text) : NULL;
}

//  The part of PATH after its INDEX'th slash, up to the next one.
static char *
s_part (const char *path, size_t index)
{
    const char *start = path;
    for (size_t i = 0; i < index && start; i++)
        if ((start = strchr (start, '/')))
            start++;
    if (!start || !*start)
        return NULL;
    size_t length = strcspn (start, "/");
    return strndup (start, length);
}

static void
s_results (storeindex_run_t *self, json_t *results)
{
    json_t *valid = json_object_get (results, "valid");
    self->verdict = json_is_true (valid) ? "valid" : json_is_false (valid) ? "invalid"
                  : json_is_string (valid) && strcmp (json_string_value (valid), "unknown") == 0
                  ? "unknown" : NULL;
    if (!self->verdict)
        self->problem = strdup ("results.json has no verdict (\"valid\")");
    const char *scenario = json_string_value (json_object_get (results, "scenario"));
    const char *system = json_string_value (json_object_get (results, "system"));
    if (scenario) {
        free (self->scenario);
        self->scenario = strdup (scenario);
    }
    if (system) {
        free (self->system);
        self->system = strdup (system);
    }
    self->expected = s_strdup_or_null (json_string_value (json_object_get (results, "expected")));
    self->as_expected = self->verdict && self->expected
                     && strcmp (self->verdict, self->expected) == 0;
    json_t *total = json_object_get (json_object_get (results, "ops"), "total");
    self->ops = json_is_integer (total) ? json_integer_value (total) : -1;
    json_t *seed = json_object_get (results, "seed");
    self->seed = json_is_integer (seed) ? json_integer_value (seed) : -1;
}

int
storeindex_run_read (storeindex_run_t *self, const char *store, const char *path)
{
    assert (self && store && path);
    *self = (storeindex_run_t) { .ops = -1, .seed = -1 };
    const char *stamp = strrchr (path, '/');
    self->path = strdup (path);
    self->stamp = strdup (stamp ? stamp + 1 : path);
    self->scenario = s_part (path, 0);
    self->system = strchr (path, '/') && strchr (path, '/') != strrchr (path, '/')
                 ? s_part (path, 1) : NULL;
    char *file = NULL;
    if (!self->path || !self->stamp || asprintf (&file, "%s/%s/report.html", store, path) < 0)
        return -1;
    self->has_report = access (file, R_OK) == 0;
    free (file);
    if (asprintf (&file, "%s/%s/results.json", store, path) < 0)
        return -1;
    if (access (file, F_OK) == 0) {
        json_error_t error;
        json_t *results = json_load_file (file, 0, &error);
        if (results && json_is_object (results))
            s_results (self, results);
        else if (asprintf (&self->problem, "results.json:%d: %s", error.line,
                           results ? "not a JSON object" : error.text) < 0)
            self->problem = NULL;
        json_decref (results);
    }
    free (file);
    return 0;
}

void
storeindex_run_release (storeindex_run_t *self)
{
    assert (self);
    free (self->path);
    free (self->stamp);
    free (self->scenario);
    free (self->system);
    free (self->expected);
    free (self->problem);
    *self = (storeindex_run_t) { .ops = -1, .seed = -1 };
}

//  A stamp's second ("20261202T185929") and its same-second number (1
//  when it has no "-N").
static void
s_stamp_key (const char *stamp, size_t *length, long *number)
{
    const char *dash = strrchr (stamp, '-');
    char *end = NULL;
    long n = dash ? strtol (dash + 1, &end, 10) : 0;
    bool numbered = dash && dash [1] && end && !*end && n > 0;
    *length = numbered ? (size_t) (dash - stamp) : strlen (stamp);
    *number = numbered ? n : 1;
}

static int
s_newest_first (const void *a, const void *b)
{
    const storeindex_run_t *x = a, *y = b;
    size_t xl, yl;
    long xn, yn;
    s_stamp_key (x->stamp, &xl, &xn);
    s_stamp_key (y->stamp, &yl, &yn);
    int order = strncmp (y->stamp, x->stamp, xl < yl ? xl : yl);
    if (order == 0)
        order = (yl > xl) - (yl < xl);
    if (order == 0)
        order = (yn > xn) - (yn < xn);
    return order ? order : strcmp (x->path, y->path);
}

void
storeindex_sort (storeindex_run_t *runs, size_t size)
{
    if (size > 1)
        qsort (runs, size, sizeof *runs, s_newest_first);
}

//  TEXT as a URL path inside a double-quoted attribute.
static void
s_url (FILE *out, const char *text)
{
    for (const unsigned char *c = (const unsigned char *) text; *c; c++)
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
        ||  strchr ("/._~-", *c))
            fputc (*c, out);
        else
            fprintf (out, "%%%02X", *c);
}

static void
s_head (FILE *out, const char *title)
{
    //  An empty icon, so a browser asks for no /favicon.ico (a 404 it
    //  would log as an error).
    fputs ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<link rel=\"icon\" href=\"data:,\"><title>", out);
    escape_html (out, title);
    fprintf (out, "</title><style>%s</style></head><body><h1>", s_css);
    escape_html (out, title);
    fputs ("</h1>", out);
}

//  "20261202T185929-2" as "2026-12-02 18:59:29 UTC (2)"; other names as is.
static void
s_when (FILE *out, const char *stamp)
{
    size_t length;
    long number;
    s_stamp_key (stamp, &length, &number);
    bool shaped = length == 15 && stamp [8] == 'T'
               && strspn (stamp, "0123456789") == 8 && strspn (stamp + 9, "0123456789") == 6;
    if (!shaped) {
        escape_html (out, stamp);
        return;
    }
    fprintf (out, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s UTC", stamp, stamp + 4, stamp + 6,
             stamp + 9, stamp + 11, stamp + 13);
    if (number > 1)
        fprintf (out, " (%ld)", number);
}

static void
s_row (FILE *out, const storeindex_run_t *run)
{
    fprintf (out, "<tr class=\"run %s\" data-path=\"", run->verdict ? run->verdict : "none");
    escape_html (out, run->path);
    fputs ("\"><td>", out);
    s_when (out, run->stamp);
    fputs ("</td><td>", out);
    escape_html (out, run->scenario ? run->scenario : "");
    fputs ("</td><td>", out);
    escape_html (out, run->system ? run->system : "");
    fputs ("</td><td class=\"v\">", out);
    fputs (run->verdict ? run->verdict : "no results", out);
    fputs ("</td><td>", out);
    if (run->expected)
        fprintf (out, "<span%s>", run->as_expected ? "" : " class=\"differs\"");
    escape_html (out, run->expected ? run->expected : "");
    fputs (run->expected ? "</span></td><td class=\"n\">" : "</td><td class=\"n\">", out);
    if (run->seed >= 0)
        fprintf (out, "%lld", (long long) run->seed);
    fputs ("</td><td class=\"n\">", out);
    if (run->ops >= 0)
        fprintf (out, "%lld", (long long) run->ops);
    fputs ("</td><td>", out);
    if (run->has_report) {
        fputs ("<a class=\"report\" href=\"/", out);
        s_url (out, run->path);
        fputs ("/report.html\">report</a> ", out);
    }
    fputs ("<a class=\"files\" href=\"/", out);
    s_url (out, run->path);
    fputs ("/\">files</a>", out);
    if (run->problem) {
        fputs (" <span class=\"note\">", out);
        escape_html (out, run->problem);
        fputs ("</span>", out);
    }
    fputs ("</td></tr>\n", out);
}

void
storeindex_write (FILE *out, const char *store, const storeindex_run_t *runs,
                  size_t size, size_t unlisted)
{
    assert (out && store && (runs || size == 0));
    s_head (out, "faultlab runs");
    fputs ("<p class=\"note\">Store ", out);
    escape_html (out, store);
    fprintf (out, ": %zu run%s, newest first; a row's colour is its verdict.</p>",
             size + unlisted, size + unlisted == 1 ? "" : "s");
    if (size == 0) {
        fputs ("<p>No runs yet: <code>./harness run SCENARIO</code> makes one.</p>"
               "</body></html>\n", out);
        return;
    }
    fputs ("<table><tr><th>started</th><th>scenario</th><th>system</th><th>verdict</th>"
           "<th>expected</th><th>seed</th><th>ops</th><th>pages</th></tr>\n", out);
    for (size_t i = 0; i < size; i++)
        s_row (out, &runs [i]);
    fputs ("</table>", out);
    if (unlisted)
        fprintf (out, "<p class=\"note\">%zu older runs are not listed: the index shows %d "
                 "(FL_SERVE_RUNS_MAX).</p>", unlisted, FL_SERVE_RUNS_MAX);
    fputs ("</body></html>\n", out);
}

void
storeindex_listing_write (FILE *out, const char *path, char *const *names,
                          const bool *is_dir, size_t size, size_t unlisted)
{
    assert (out && path && (names || size == 0));
    s_head (out, path);
    size_t length = strlen (path);
    const char *slash = length && path [length - 1] == '/' ? "" : "/";
    fputs ("<p><a href=\"/\">all runs</a></p><ul>", out);
    for (size_t i = 0; i < size; i++) {
        fputs ("<li><a href=\"", out);
        s_url (out, path);
        fputs (slash, out);
        s_url (out, names [i]);
        fputs (is_dir [i] ? "/\">" : "\">", out);
        escape_html (out, names [i]);
        fputs (is_dir [i] ? "/</a></li>" : "</a></li>", out);
    }
    fputs ("</ul>", out);
    if (unlisted)
        fprintf (out, "<p class=\"note\">%zu more entries are not listed: a listing shows %d "
                 "(FL_SERVE_ENTRIES_MAX).</p>", unlisted, FL_SERVE_ENTRIES_MAX);
    fputs ("</body></html>\n", out);
}

int
storeindex_path_check (const char *path, char *problem, size_t size)
{
    assert (path && problem);
    size_t length = strlen (path);
    if (path [0] != '/')
        return snprintf (problem, size, "a path must start with '/'"), -1;
    if (length > FL_SERVE_PATH_BYTES_MAX)
        return snprintf (problem, size, "the path is %zu bytes, more than %d "
                         "(FL_SERVE_PATH_BYTES_MAX)", length, FL_SERVE_PATH_BYTES_MAX), -1;
    for (const unsigned char *c = (const unsigned char *) path; *c; c++)
        if (*c < 0x20 || *c == 0x7f || *c == '\\')
            return snprintf (problem, size, "the path has a %s at byte %zu",
                             *c == '\\' ? "backslash" : "control byte",
                             (size_t) ((const char *) c - path)), -1;
    for (const char *segment = path + 1; *segment; ) {
        size_t part = strcspn (segment, "/");
        if (part == 0)
            return snprintf (problem, size, "the path has an empty segment ('//')"), -1;
        if ((part == 1 && segment [0] == '.') || (part == 2 && strncmp (segment, "..", 2) == 0))
            return snprintf (problem, size, "the path has a '%.*s' segment: only paths inside "
                             "the store are served", (int) part, segment), -1;
        segment += part;
        if (*segment == '/')
            segment++;
    }
    return 0;
}

int
storeindex_raw_check (const char *raw, char *problem, size_t size)
{
    assert (raw && problem);
    size_t decoded = 0;         // bytes of the path once decoded, so far
    for (const char *c = raw; *c && *c != '?' && *c != '#'; decoded++) {
        bool escape = c [0] == '%' && isxdigit ((unsigned char) c [1])
                   && isxdigit ((unsigned char) c [2]);
        if (escape && c [1] == '0' && c [2] == '0')
            return snprintf (problem, size, "the path has a control byte at byte %zu "
                             "(an encoded NUL, %%00)", decoded), -1;
        c += escape ? 3 : 1;
    }
    return 0;
}

bool
storeindex_name_served (const char *name)
{
    assert (name);
    if (!*name || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
        return false;
    for (const unsigned char *c = (const unsigned char *) name; *c; c++)
        if (*c < 0x20 || *c == 0x7f || *c == '\\' || *c == '/')
            return false;
    return true;
}

bool
storeindex_inside (const char *root, const char *target)
{
    assert (root && target);
    size_t length = strlen (root);
    while (length > 1 && root [length - 1] == '/')
        length--;
    if (strncmp (root, target, length) != 0)
        return false;
    return target [length] == 0 || target [length] == '/' || (length == 1 && root [0] == '/');
}

const char *
storeindex_content_type (const char *name)
{
    static const struct { const char *suffix, *type; } types [] = {
        { ".html", "text/html; charset=utf-8" }, { ".json", "application/json" },
        { ".svg", "image/svg+xml" }, { ".png", "image/png" }, { ".css", "text/css" },
    };
    size_t length = strlen (name);
    for (size_t i = 0; i < sizeof types / sizeof types [0]; i++) {
        size_t suffix = strlen (types [i].suffix);
        if (length >= suffix && strcmp (name + length - suffix, types [i].suffix) == 0)
            return types [i].type;
    }
    return "text/plain; charset=utf-8";
}
