/*  jsonl.c -- the JSON-lines readers (see jsonl.h): the line cursor every
    reader splits with, and the FILE reader of opslog and period on top
    of it. The FILE reader's getline grows one buffer for the whole file;
    each line goes through the cursor, is parsed and handed to the caller,
    then freed, so memory stays at one line plus what the caller keeps.
*/
#include <assert.h>
#include <ctype.h>
#include <errno.h>
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
        if (*error && line)
            snprintf (*error, size, "%s:%zu: %s", path, line, text);
        else
        if (*error)             //  the whole file (it cannot be opened): no line
            snprintf (*error, size, "%s: %s", path, text);
    }
    return -1;
}

char *
jsonl_duplicate_key (const char *text, size_t len, const json_error_t *jerr)
{
    assert (text);
    assert (jerr);
    if (json_error_code (jerr) != json_error_duplicate_key)
        return NULL;
    //  jansson stops just after the key's closing quote: walk back to the
    //  opening one (a quote inside a key is escaped, an odd run of
    //  backslashes before it) and let jansson decode the key as a string
    size_t end = jerr->position > 0? (size_t) jerr->position: 0;
    if (end < 2 || end > len || text [end - 1] != '"')
        return NULL;
    size_t start = end - 1;
    while (start > 0) {
        start--;
        size_t slashes = 0;
        while (slashes < start && text [start - 1 - slashes] == '\\')
            slashes++;
        if (text [start] == '"' && slashes % 2 == 0)
            break;
    }
    json_t *key = json_loadb (text + start, end - start, JSON_DECODE_ANY, NULL);
    char *name = json_is_string (key)? strdup (json_string_value (key)): NULL;
    json_decref (key);
    return name;
}

void
jsonl_lines_init (jsonl_lines_t *self, const char *text, size_t len)
{
    assert (self);
    *self = (jsonl_lines_t) { .line = 0, .max = FL_HISTORY_LINE_BYTES_MAX };
    jsonl_lines_feed (self, text, len);
}

void
jsonl_lines_feed (jsonl_lines_t *self, const char *text, size_t len)
{
    assert (self);
    assert (text || len == 0);
    self->p_ = text;
    self->end_ = text + len;
}

int
jsonl_lines_next (jsonl_lines_t *self, const char *path, char **error)
{
    assert (self);
    assert (path);
    while (self->p_ < self->end_) {
        const char *p = self->p_;
        const char *eol = memchr (p, '\n', (size_t) (self->end_ - p));
        self->torn = !eol;
        if (!eol)
            eol = self->end_;
        self->p_ = eol + (eol < self->end_);
        self->line++;
        size_t len = (size_t) (eol - p);
        if (len > self->max)
            return jsonl_fail (error, path, self->line, "line longer than %zu bytes%s",
                               self->max, self->max == FL_HISTORY_LINE_BYTES_MAX?
                               " (FL_HISTORY_LINE_BYTES_MAX)": "");
        //  jansson stops at a NUL as at the end of the text: say where it is
        //  (a torn last line may be a crash's zero-filled tail: the
        //  reader's torn rule has it)
        const char *nul = memchr (p, '\0', len);
        if (nul && !self->torn)
            return jsonl_fail (error, path, self->line, "NUL byte at column %zu",
                               (size_t) (nul - p) + 1);
        size_t blank = 0;
        while (blank < len && (p [blank] == ' ' || p [blank] == '\t' || p [blank] == '\r'))
            blank++;
        if (blank < len) {
            self->text = p;
            self->len = len;
            return 1;
        }
    }
    return 0;
}

int
jsonl_read (FILE *file, const char *path, jsonl_line_fn *fn, void *arg,
            size_t *lines_read, char **error)
{
    return jsonl_read_torn (file, path, fn, arg, lines_read, NULL, error);
}

int
jsonl_read_torn (FILE *file, const char *path, jsonl_line_fn *fn, void *arg,
                 size_t *lines_read, size_t *torn, char **error)
{
    assert (file);
    assert (path);
    assert (fn);
    if (torn)
        *torn = 0;
    char *buf = NULL;
    size_t buf_size = 0;
    ssize_t length;
    jsonl_lines_t lines;
    jsonl_lines_init (&lines, "", 0);
    int rc = 0;
    while (rc == 0 && (length = getline (&buf, &buf_size, file)) >= 0) {
        jsonl_lines_feed (&lines, buf, (size_t) length);
        while (rc == 0 && (rc = jsonl_lines_next (&lines, path, error)) == 1) {
            //  getline's buffer holds this one line, NUL-terminated (a
            //  NUL inside was refused, but in a torn line: it is cut there)
            json_error_t json_error;
            json_t *value = json_loads (lines.text, JSON_REJECT_DUPLICATES, &json_error);
            char *twice = value? NULL: jsonl_duplicate_key (lines.text, lines.len, &json_error);
            if (twice)              // a key twice is no cut: refused, torn or not
                rc = jsonl_fail (error, path, lines.line, "bad JSON: duplicate key '%s'", twice);
            else
            if (!value && lines.torn && torn) {
                *torn = lines.line;     // the last line, cut mid-write: ignored
                rc = 0;
            }
            else
            if (!value)
                rc = jsonl_fail (error, path, lines.line, "bad JSON: %s", json_error.text);
            else
                rc = fn (arg, value, path, lines.line, error);
            json_decref (value);
            free (twice);
        }
    }
    free (buf);
    if (lines_read)
        *lines_read = lines.line;
    return rc;
}

//  An integer token of len bytes at text (an optional '-', digits) that
//  does not fit in 64 bits.
static bool
s_wide_integer (const char *text, size_t len)
{
    char digits [64];
    if (len >= sizeof digits)
        return true;
    memcpy (digits, text, len);
    digits [len] = 0;
    errno = 0;
    (void) strtoll (digits, NULL, 10);
    return errno == ERANGE;
}

json_t *
jsonl_loads_wide (const char *text, size_t flags, size_t *wide)
{
    assert (text);
    if (wide)
        *wide = 0;
    json_error_t jerr;
    json_t *value = json_loads (text, flags, &jerr);
    if (value || !strstr (jerr.text, "too big"))
        return value;
    //  Outside strings, digits are only ever part of a number: quote each
    //  integer token that does not fit (a token with '.', 'e' or 'E' is a
    //  real, which jansson takes as it is)
    size_t len = strlen (text), count = 0;
    char *copy = malloc (3 * len + 1);
    if (!copy)
        return NULL;
    size_t out = 0;
    bool quoted = false;
    for (size_t i = 0; i < len; ) {
        char c = text [i];
        if (quoted) {
            copy [out++] = c;
            if (c == '\\' && i + 1 < len)
                copy [out++] = text [++i];
            else
            if (c == '"')
                quoted = false;
            i++;
            continue;
        }
        if (c == '"') {
            quoted = true;
            copy [out++] = text [i++];
            continue;
        }
        if (c != '-' && !isdigit ((unsigned char) c)) {
            copy [out++] = text [i++];
            continue;
        }
        size_t end = i + (c == '-');
        while (end < len && isdigit ((unsigned char) text [end]))
            end++;
        size_t real = end;
        while (real < len && (isdigit ((unsigned char) text [real])
                              || strchr (".eE+-", text [real])))
            real++;
        bool wide_one = real == end && end > i + (c == '-') && s_wide_integer (text + i, end - i);
        if (wide_one) {
            copy [out++] = '"';
            count++;
        }
        memcpy (copy + out, text + i, real - i);
        out += real - i;
        if (wide_one)
            copy [out++] = '"';
        i = real;
    }
    copy [out] = 0;
    value = json_loads (copy, flags, NULL);
    free (copy);
    if (value && wide)
        *wide = count;
    return value;
}

bool
jsonl_wide_digits (const char *text)
{
    if (!text)
        return false;
    const char *digits = text [0] == '-'? text + 1: text;
    if (strlen (digits) < 19 || strspn (digits, "0123456789") != strlen (digits))
        return false;
    errno = 0;
    strtoll (text, NULL, 10);
    return errno == ERANGE;
}
