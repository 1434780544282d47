/*  jsonl.h -- read a JSON-lines file (history.jsonl, faults.jsonl) one
    parsed line at a time, with errors that name the file and line.

    Both logs the run writes are read the same way: lines no longer than
    FL_HISTORY_LINE_BYTES_MAX, blank lines skipped, every other line one
    JSON value. The reader stops at the first bad line or the first error
    its callback returns, and the error says where: "PATH:LINE: problem".
*/
#ifndef FL_JSONL_H_INCLUDED
#define FL_JSONL_H_INCLUDED

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

//  Called for each non-blank line with its parsed value (borrowed: valid
//  only during the call) and its line number, counting from 1. Returns 0
//  to go on, or -1 having set *error (jsonl_fail does both).
typedef int (jsonl_line_fn) (void *arg, json_t *value, const char *path,
                             size_t line, char **error);

//  Read FILE (named PATH in errors) to its end or first error, calling fn
//  for each line. Sets *lines (when not NULL) to the lines read, blank ones
//  included, for errors found afterwards. Returns 0, or -1 with *error set
//  (when error is not NULL; caller frees).
int jsonl_read (FILE *file, const char *path, jsonl_line_fn *fn, void *arg,
                size_t *lines, char **error);

//  Set *error (when error is not NULL) to a malloc'd "PATH:LINE: problem",
//  the problem printf-formatted and cut at 511 bytes. Returns -1.
int jsonl_fail (char **error, const char *path, size_t line, const char *format, ...)
    __attribute__ ((format (printf, 4, 5)));

#endif
