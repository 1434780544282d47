/*  bugzoo.c -- the time to the first violating op of a run (bugzoo.h).
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include "bugzoo.h"

//  Lowest history index of an op object anywhere under json, into *index
//  (with its process), or unchanged. Not under "prefix" or "concurrent":
//  linearizable's context, the ops that did go well before the failing one.
static void
s_lowest_op (json_t *json, json_int_t *index, json_int_t *process)
{
    if (json_is_object (json)) {
        json_t *at = json_object_get (json, "index");
        json_t *by = json_object_get (json, "process");
        if (json_is_integer (at) && json_is_integer (by)
        &&  json_is_string (json_object_get (json, "type"))
        &&  (*index < 0 || json_integer_value (at) < *index)) {
            *index = json_integer_value (at);
            *process = json_integer_value (by);
        }
        const char *key;
        json_t *value;
        json_object_foreach (json, key, value)
            if (!streq (key, "prefix") && !streq (key, "concurrent"))
                s_lowest_op (value, index, process);
    }
    else
    if (json_is_array (json)) {
        size_t i;
        json_t *value;
        json_array_foreach (json, i, value)
            s_lowest_op (value, index, process);
    }
}

//  Read history.jsonl up to line index: the first line's time, and the time
//  of process's last invoke at or before index. 0, or -1.
static int
s_times (const char *run_dir, json_int_t index, json_int_t process,
         double *first_ns, double *invoke_ns)
{
    char path [4096];
    snprintf (path, sizeof path, "%s/history.jsonl", run_dir);
    FILE *file = fopen (path, "r");
    if (!file)
        return -1;
    char *line = NULL;
    size_t size = 0;
    *first_ns = *invoke_ns = -1;
    for (json_int_t at = 0; at <= index && getline (&line, &size, file) > 0; at++) {
        json_t *op = json_loads (line, 0, NULL);
        json_t *time = json_object_get (op, "time");
        const char *type = json_string_value (json_object_get (op, "type"));
        if (at == 0 && json_is_number (time))
            *first_ns = json_number_value (time);
        if (json_is_number (time) && json_integer_value (json_object_get (op, "process")) == process
        &&  type && streq (type, "invoke"))
            *invoke_ns = json_number_value (time);
        json_decref (op);
    }
    free (line);
    fclose (file);
    return *first_ns >= 0 && *invoke_ns >= 0? 0: -1;
}

double
bugzoo_first_violation_ms (json_t *results)
{
    assert (results);
    json_int_t index = -1, process = -1;
    size_t i;
    json_t *check;
    json_array_foreach (json_object_get (results, "checks"), i, check)
        if (json_is_false (json_object_get (check, "valid"))) {
            //  linearizable names its failing op; the rest is context
            json_t *details = json_object_get (check, "details");
            json_t *failing = json_object_get (details, "failing");
            s_lowest_op (failing? failing: details, &index, &process);
        }
    const char *run_dir = json_string_value (json_object_get (results, "run_dir"));
    double first_ns, invoke_ns;
    if (index < 0 || !run_dir || s_times (run_dir, index, process, &first_ns, &invoke_ns))
        return -1;
    return (invoke_ns - first_ns) / 1e6;
}
