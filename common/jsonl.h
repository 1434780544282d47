/*  jsonl.h -- read JSON lines (history.jsonl, faults.jsonl, a history
    given to ./harness check) one line at a time, with errors that name the
    file and line.

    Every JSON-lines reader in faultlab splits lines the same way, through
    jsonl_lines_t: lines are numbered from 1, blank lines (spaces, tabs,
    carriage returns only) are skipped but counted, and a line longer than
    FL_HISTORY_LINE_BYTES_MAX bytes (its newline not counted) stops the
    read with "PATH:LINE: line longer than N bytes", and so does a NUL byte
    in a line that ends with a newline ("PATH:LINE: NUL byte at column N";
    jansson would stop there as at the end of the text). A torn last line
    (no newline) that is not JSON is ignored by the checker and by
    jsonl_read_torn (history.jsonl of a crashed run ends that way). jsonl_read parses each
    line with jansson and hands it to a callback (the run's logs); the
    checker walks the lines itself, to parse them on its own fast path. The
    first bad line or the first error a callback returns stops the read,
    and the error says where: "PATH:LINE: problem". A key twice in one
    object is a bad line ("bad JSON: duplicate key 'value'"), torn or not.
*/
#ifndef FL_JSONL_H_INCLUDED
#define FL_JSONL_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

//  A cursor over the lines of text in memory: a whole file, or one line at a
//  time from getline (jsonl_lines_feed), the numbering going on. Embedded
//  object: init, then next until it returns 0 or -1; nothing to release.
//  The text must outlive the cursor.
typedef struct {
    const char *text;       // the current line, without its newline (not
                            // NUL-terminated: use len)
    size_t len;
    size_t line;            // its number from 1; after the end, the count
                            // of lines, blank ones included
    bool torn;              // it ended the text without a newline (a log
                            // cut mid-write ends that way)
    size_t max;             // the longest line taken: FL_HISTORY_LINE_BYTES_MAX
                            // from jsonl_lines_init; a reader of a file
                            // already in memory may raise it
    const char *p_, *end_;  // private: the rest of the text
} jsonl_lines_t;

//  Start on text [0, len), from line 1.
void jsonl_lines_init (jsonl_lines_t *self, const char *text, size_t len);

//  Go on with more text, numbering on from the lines already read.
void jsonl_lines_feed (jsonl_lines_t *self, const char *text, size_t len);

//  Move to the next non-blank line. Returns 1 with text, len, line and torn
//  set; 0 at the end of the text; -1 on a line longer than
//  FL_HISTORY_LINE_BYTES_MAX, with *error (when error is not NULL) set to
//  "PATH:LINE: line longer than N bytes".
int jsonl_lines_next (jsonl_lines_t *self, const char *path, char **error);

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

//  As jsonl_read, but a torn last line (no newline: a run cut mid-write)
//  that is not valid JSON is ignored, as the checker's reader ignores it:
//  *torn (when not NULL) is set to its line number, else 0. With torn NULL
//  it is refused, as jsonl_read does.
int jsonl_read_torn (FILE *file, const char *path, jsonl_line_fn *fn, void *arg,
                     size_t *lines, size_t *torn, char **error);

//  Every reader parses with JSON_REJECT_DUPLICATES: a key twice in one
//  object ({"value":1,"value":2}) is refused, as Clojure's reader refuses
//  it in EDN, where jansson alone would keep the last value without a word.
//  jansson's message does not name the key (or, past 20 bytes, any text);
//  this does: the key a parse of text [0, len) with JSON_REJECT_DUPLICATES
//  stopped at, decoded ("v\u0061lue" is 'value'), given that parse's jerr.
//  Returns a malloc'd string (caller frees), or NULL when jerr is another
//  error (or out of memory).
char *jsonl_duplicate_key (const char *text, size_t len, const json_error_t *jerr);

//  Parse TEXT (NUL-terminated) as a JSON value with FLAGS, as json_loads
//  does, but an integer beyond 64 bits (valid JSON: a 128-bit id such as
//  Python's uuid4 ().int, or 2^63 + k) is kept as a string of its digits
//  where jansson alone would refuse the whole text ("too big integer"):
//  {"id": 18446744073709551617} reads as {"id": "18446744073709551617"}.
//  Distinct integers stay distinct (a double would round 2^63 + 1 and
//  2^63 + 2 to one value). *wide (when not NULL) is how many were kept so.
//  NULL when the text is no JSON for another reason.
json_t *jsonl_loads_wide (const char *text, size_t flags, size_t *wide);

//  Is text such an integer's digits: '-'? then digits, beyond int64?
bool jsonl_wide_digits (const char *text);

//  Set *error (when error is not NULL) to a malloc'd "PATH:LINE: problem"
//  ("PATH: problem" for line 0: the file as a whole, which cannot be opened),
//  the problem printf-formatted and cut at 511 bytes. Returns -1.
int jsonl_fail (char **error, const char *path, size_t line, const char *format, ...)
    __attribute__ ((format (printf, 4, 5)));

#endif
