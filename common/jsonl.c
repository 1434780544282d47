/*  jsonl.c -- the JSON-lines reader shared by opslog and faultlog (see
    jsonl.h). getline grows one buffer for the whole file; each line is
    parsed and handed to the caller, then freed, so memory stays at one
    line plus what the caller keeps.
*/
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "limits.h"
#include "jsonl.h"

int
jsonl_fail (char **error, const char *path, size_t line, const char *format, ...)
{
    char text [512];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text, format, args);
    va_end (args);
    if (error) {
        size_t size = strlen (path) + strlen (text) + 32;
        *error = malloc (size);
        if (*error)
            snprintf (*error, size, "%s:%zu: %s", path, line, text);
    }
    return -1;
}

int
jsonl_read (FILE *file, const char *path, jsonl_line_fn *fn, void *arg,
            size_t *lines, char **error)
{
    assert (file);
    assert (path);
    assert (fn);
    char *line = NULL;
    size_t line_size = 0, line_no = 0;
    ssize_t length;
    int rc = 0;
    while (rc == 0 && (length = getline (&line, &line_size, file)) >= 0) {
        line_no++;
        if (length > FL_HISTORY_LINE_BYTES_MAX) {
            rc = jsonl_fail (error, path, line_no, "line longer than %d bytes",
                             FL_HISTORY_LINE_BYTES_MAX);
            break;
        }
        if (strspn (line, " \t\r\n") == (size_t) length)
            continue;
        json_error_t json_error;
        json_t *value = json_loads (line, 0, &json_error);
        if (!value)
            rc = jsonl_fail (error, path, line_no, "bad JSON: %s", json_error.text);
        else
            rc = fn (arg, value, path, line_no, error);
        json_decref (value);
    }
    free (line);
    if (lines)
        *lines = line_no;
    return rc;
}
