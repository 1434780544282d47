/*  tour_table.c -- the side-by-side table of a scripted tour (see
    tour_table.h): one row per numbered step, one column per system, read
    from each run's results.json "steps" and "replicas", so the table shows
    exactly what was recorded.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include "tour_table.h"

#define S_CELL_BYTES   64       // one cell: what three replicas hold, "[\"eggs\",\"milk\"]/..."
#define S_LABEL_BYTES  36       // the step column: "write n1 user:alice suspended"

//  A value as a person reads it: a string bare, anything else as JSON.
static void
s_value (json_t *value, char *buf, size_t size)
{
    if (json_is_string (value)) {
        snprintf (buf, size, "%s", json_string_value (value));
        return;
    }
    char *text = value? json_dumps (value, JSON_ENCODE_ANY | JSON_COMPACT): NULL;
    snprintf (buf, size, "%s", text? text: "-");
    free (text);
}

//  The step numbered number in results, or NULL.
static json_t *
s_step (json_t *results, json_int_t number)
{
    size_t i;
    json_t *entry;
    json_array_foreach (json_object_get (results, "steps"), i, entry)
        if (json_integer_value (json_object_get (entry, "step")) == number)
            return entry;
    return NULL;
}

//  "ok active", "fail 11", "info", "fault".
static void
s_cell (json_t *entry, char *buf, size_t size)
{
    const char *type = json_string_value (json_object_get (entry, "type"));
    if (!entry || !type) {
        snprintf (buf, size, "-");
        return;
    }
    char value [S_CELL_BYTES - 4];
    if (streq (type, "ok") && json_object_get (entry, "value")) {
        s_value (json_object_get (entry, "value"), value, sizeof value);
        snprintf (buf, size, "ok %.*s", (int) (size > 4? size - 4: 0), value);
    }
    else
    if (json_is_integer (json_object_get (entry, "error")))
        snprintf (buf, size, "%s %lld", type,
                  (long long) json_integer_value (json_object_get (entry, "error")));
    else
        snprintf (buf, size, "%s", type);
}

static void
s_row (FILE *out, const char *label, char cells [][S_CELL_BYTES], size_t count)
{
    fprintf (out, "%-*.*s", S_LABEL_BYTES, S_LABEL_BYTES, label);
    for (size_t i = 0; i < count; i++)
        fprintf (out, i + 1 < count? "  %-22s": "  %s", cells [i]);
    fprintf (out, "\n");
}

//  Rows before a step that waited or settled: how long, per system.
static void
s_prepared (FILE *out, json_t **results, size_t count, json_int_t number)
{
    const char *fields [2] = { "waited_ms", "settle_ms" };
    const char *labels [2] = { "   (wait)", "   (settle: until replicas agree)" };
    for (int f = 0; f < 2; f++) {
        char cells [FL_SCENARIO_SYSTEMS_MAX][S_CELL_BYTES];
        bool any = false;
        for (size_t i = 0; i < count; i++) {
            json_t *entry = s_step (results [i], number);
            json_t *ms = json_object_get (entry, fields [f]);
            snprintf (cells [i], S_CELL_BYTES, "-");
            if (ms) {
                any = true;
                snprintf (cells [i], S_CELL_BYTES, "%lld ms%s", (long long) json_integer_value (ms),
                          f == 0 || json_is_true (json_object_get (entry, "settled"))? "":
                          ", not settled");
            }
        }
        if (any)
            s_row (out, labels [f], cells, count);
    }
}

//  The keys the tour's steps name, in order of first use.
static json_t *
s_keys (json_t **results, size_t count)
{
    json_t *keys = json_array ();
    for (size_t i = 0; i < count; i++) {
        size_t j;
        json_t *entry;
        json_array_foreach (json_object_get (results [i], "steps"), j, entry) {
            json_t *key = json_object_get (entry, "key");
            bool seen = !json_is_string (key);
            size_t k;
            json_t *other;
            json_array_foreach (keys, k, other)
                seen |= json_equal (key, other);
            if (!seen)
                json_array_append (keys, key);
        }
    }
    return keys;
}

//  "a/a/a" -> "all a": one value on every replica reads at a glance.
static void
s_same (char *buf, size_t size)
{
    char *slash = strchr (buf, '/');
    if (!slash)
        return;
    size_t length = (size_t) (slash - buf);
    for (char *at = slash; at; at = strchr (at + 1, '/'))
        if (strncmp (at + 1, buf, length) || (at [1 + length] && at [1 + length] != '/'))
            return;
    if (length + 4 >= size)
        return;
    memmove (buf + 4, buf, length);
    memcpy (buf, "all ", 4);
    buf [length + 4] = 0;
}

//  "active/active/suspended": what n1..nN hold for key.
static void
s_held (json_t *replicas, const char *key, char *buf, size_t size)
{
    size_t used = 0;
    const char *node;
    json_t *state;
    buf [0] = 0;
    json_object_foreach (replicas, node, state) {
        char value [S_CELL_BYTES] = "?";
        size_t i;
        json_t *pair;
        if (json_is_array (state))
            snprintf (value, sizeof value, "-");
        json_array_foreach (state, i, pair)
            if (json_is_string (json_array_get (pair, 0))
            &&  streq (json_string_value (json_array_get (pair, 0)), key))
                s_value (json_array_get (pair, 1), value, sizeof value);
        int n = snprintf (buf + used, size - used, "%s%s", used? "/": "", value);
        if (n < 0 || (size_t) n >= size - used)
            break;
        used += (size_t) n;
    }
    if (!*buf)
        snprintf (buf, size, "?");
    s_same (buf, size);
}

void
tour_table (FILE *out, json_t **results, size_t count)
{
    if (count > FL_SCENARIO_SYSTEMS_MAX)
        count = FL_SCENARIO_SYSTEMS_MAX;
    char cells [FL_SCENARIO_SYSTEMS_MAX][S_CELL_BYTES];
    json_int_t steps = 0;
    for (size_t i = 0; i < count; i++) {
        snprintf (cells [i], S_CELL_BYTES, "%s", results [i]?
                  json_string_value (json_object_get (results [i], "system")): "?");
        steps = json_array_size (json_object_get (results [i], "steps")) > (size_t) steps?
                (json_int_t) json_array_size (json_object_get (results [i], "steps")): steps;
    }
    s_row (out, "step", cells, count);
    for (json_int_t number = 1; number <= steps; number++) {
        s_prepared (out, results, count, number);
        char label [S_LABEL_BYTES + 1] = "";
        for (size_t i = 0; i < count; i++) {
            json_t *entry = s_step (results [i], number);
            const char *text = json_string_value (json_object_get (entry, "do"));
            if (text && !*label)
                snprintf (label, sizeof label, "%2lld %s", (long long) number, text);
            s_cell (entry, cells [i], S_CELL_BYTES);
        }
        s_row (out, label, cells, count);
    }
    json_t *keys = s_keys (results, count);
    size_t k;
    json_t *key;
    json_array_foreach (keys, k, key) {
        char label [sizeof "after: " + FL_TOUR_KEY_BYTES_MAX + 1 + S_LABEL_BYTES];
        json_t *replicas = json_object_get (results [0], "replicas");
        //  The replicas' names, n1/n2/n3, cut where the column ends: a
        //  cursor moved by what snprintf would have written ran past the
        //  buffer once the names were longer than the column
        char nodes [S_LABEL_BYTES] = "";
        size_t used = 0;
        const char *node;
        json_t *state;
        json_object_foreach (replicas, node, state) {
            if (used >= sizeof nodes - 1)
                break;
            int wrote = snprintf (nodes + used, sizeof nodes - used, "%s%s",
                                  used == 0? "": "/", node);
            used = wrote < 0? sizeof nodes - 1: used + (size_t) wrote;
        }
        //  s_row cuts the label at the column
        snprintf (label, sizeof label, "after: %s %s", json_string_value (key), nodes);
        for (size_t i = 0; i < count; i++)
            s_held (json_object_get (results [i], "replicas"), json_string_value (key),
                    cells [i], S_CELL_BYTES);
        s_row (out, label, cells, count);
    }
    json_decref (keys);
}
