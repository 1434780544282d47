/*  edn.c -- EDN reader for Jepsen and Knossos histories.

    Values are built bottom-up on an explicit stack of open containers, so a
    deeply nested input cannot overflow the C stack: nesting deeper than
    FL_EDN_DEPTH_MAX is a syntax error. Each `#_` discard is counted at the
    level where the discarded value will be completed. The reader keeps the
    current line so that callers can name it in their errors.
*/
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "edn.h"

typedef struct {
    json_t *container;      // array or object being filled
    json_t *key;            // objects: the key read, waiting for its value
    char close;             // the byte that closes it
    int discards;           // pending #_ at this level
} s_frame_t;

void
edn_reader_init (edn_reader_t *self, const char *buf, size_t len)
{
    assert (self);
    self->p = buf;
    self->end = buf + len;
    self->line = 1;
    self->plain = false;
    self->error [0] = 0;
}

int
edn_peek (edn_reader_t *self)
{
    assert (self);
    while (self->p < self->end) {
        char c = *self->p;
        if (c == '\n') {
            self->line++;
            self->p++;
        }
        else
        if (c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '\f')
            self->p++;
        else
        if (c == ';') {
            while (self->p < self->end && *self->p != '\n')
                self->p++;
        }
        else
            return (unsigned char) c;
    }
    return -1;
}

void
edn_advance (edn_reader_t *self)
{
    assert (self);
    assert (self->p < self->end);
    if (*self->p == '\n')
        self->line++;
    self->p++;
}

static int
s_fail (edn_reader_t *self, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (self->error, sizeof (self->error), format, args);
    va_end (args);
    return -1;
}

static bool
s_is_symbol_char (char c)
{
    return !(isspace ((unsigned char) c) || c == ',' || c == ';' || c == '('
          || c == ')' || c == '[' || c == ']' || c == '{' || c == '}'
          || c == '"' || c == 0);
}

static size_t
s_symbol_len (edn_reader_t *self)
{
    const char *q = self->p;
    while (q < self->end && s_is_symbol_char (*q))
        q++;
    return (size_t) (q - self->p);
}

//  Append the UTF-8 encoding of code point cp to buf.
static size_t
s_utf8 (char *buf, unsigned cp)
{
    if (cp < 0x80) {
        buf [0] = (char) cp;
        return 1;
    }
    if (cp < 0x800) {
        buf [0] = (char) (0xC0 | (cp >> 6));
        buf [1] = (char) (0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf [0] = (char) (0xE0 | (cp >> 12));
        buf [1] = (char) (0x80 | ((cp >> 6) & 0x3F));
        buf [2] = (char) (0x80 | (cp & 0x3F));
        return 3;
    }
    assert (cp <= 0x10FFFF);
    buf [0] = (char) (0xF0 | (cp >> 18));
    buf [1] = (char) (0x80 | ((cp >> 12) & 0x3F));
    buf [2] = (char) (0x80 | ((cp >> 6) & 0x3F));
    buf [3] = (char) (0x80 | (cp & 0x3F));
    return 4;
}

//  The four hex digits at p (before end) as a number, or -1.
static long
s_hex4 (const char *p, const char *end)
{
    if (end - p < 4)
        return -1;
    long cp = 0;
    for (int i = 0; i < 4; i++) {
        if (!isxdigit ((unsigned char) p [i]))
            return -1;
        cp = cp * 16 + (isdigit ((unsigned char) p [i])? p [i] - '0': tolower (p [i]) - 'a' + 10);
    }
    return cp;
}

//  The code point of a \u escape, its "\u" read, into *cp. A high surrogate
//  followed by a \u escape of a low one is one code point, as JSON (and
//  Java, whose strings Clojure writes) has it: "\ud83d\ude00" is U+1F600.
//  A surrogate without its other half is no character: -1, named.
static int
s_read_escape_u (edn_reader_t *self, unsigned *cp)
{
    long high = s_hex4 (self->p, self->end);
    if (high < 0)
        return s_fail (self, "bad \\u escape in string");
    self->p += 4;           // hex digits: no newline among them
    if (high < 0xD800 || high > 0xDFFF) {
        *cp = (unsigned) high;
        return 0;
    }
    long low = high <= 0xDBFF && self->end - self->p >= 2 && self->p [0] == '\\'
               && self->p [1] == 'u'? s_hex4 (self->p + 2, self->end): -1;
    if (low < 0xDC00 || low > 0xDFFF)
        return s_fail (self, "lone surrogate \\u%04lx in string", high);
    self->p += 6;
    *cp = 0x10000 + (unsigned) ((high - 0xD800) << 10) + (unsigned) (low - 0xDC00);
    return 0;
}

static int
s_read_string (edn_reader_t *self, json_t **value)
{
    edn_advance (self);     // opening quote
    const char *start = self->p;
    size_t cap = 16;
    while (start + cap < self->end && start [cap] != '"')
        cap++;
    char *buf = malloc (cap + 4);
    if (!buf)
        return s_fail (self, "out of memory");
    size_t len = 0;
    while (true) {
        if (self->p >= self->end) {
            free (buf);
            return s_fail (self, "unterminated string");
        }
        char c = *self->p;
        edn_advance (self);
        if (c == '"')
            break;
        if (len + 4 > cap) {
            cap = cap * 2 + 8;
            char *bigger = realloc (buf, cap + 4);
            if (!bigger) {
                free (buf);
                return s_fail (self, "out of memory");
            }
            buf = bigger;
        }
        if (c != '\\') {
            buf [len++] = c;
            continue;
        }
        if (self->p >= self->end) {
            free (buf);
            return s_fail (self, "unterminated string");
        }
        char e = *self->p;
        edn_advance (self);
        switch (e) {
            case 'n': buf [len++] = '\n'; break;
            case 't': buf [len++] = '\t'; break;
            case 'r': buf [len++] = '\r'; break;
            case 'b': buf [len++] = '\b'; break;
            case 'f': buf [len++] = '\f'; break;
            case 'u': {
                unsigned cp = 0;
                if (s_read_escape_u (self, &cp)) {
                    free (buf);
                    return -1;
                }
                len += s_utf8 (buf + len, cp);
                break;
            }
            default: buf [len++] = e;     // \" \\ \/ and the rest as is
        }
    }
    *value = json_stringn (buf, len);
    free (buf);
    return *value? 1: s_fail (self, "string is not valid UTF-8");
}

static int
s_read_number (edn_reader_t *self, json_t **value)
{
    size_t len = s_symbol_len (self);
    char token [64];
    if (len >= sizeof (token))
        return s_fail (self, "number too long");
    memcpy (token, self->p, len);
    token [len] = 0;
    self->p += len;
    //  1N is a BigInt, equal to 1 in Clojure: read as 1. 1M is a
    //  BigDecimal, which Clojure's = tells from 1 and from 1.0: JSON has
    //  no such number, and taking it as either would change verdicts
    if (len > 1 && token [len - 1] == 'M')
        return s_fail (self, "BigDecimal '%s' is not read (Clojure's = tells it from %.*s"
                       " and from a double; write the number without M)", token,
                       (int) len - 1, token);
    if (len > 1 && token [len - 1] == 'N')
        token [--len] = 0;
    if (strchr (token, '/'))
        return s_fail (self, "ratio '%s' is not read (JSON has no ratios)", token);
    char *rest;
    errno = 0;
    //  Clojure prints object ids in hex: #object[Foo 0x5c7a "..."]
    const char *digits = token + (token [0] == '-' || token [0] == '+');
    bool hex = digits [0] == '0' && (digits [1] == 'x' || digits [1] == 'X');
    if (!hex && strpbrk (token, ".eE")) {     //  0x1E is 30, not a real
        double d = strtod (token, &rest);
        if (*rest || errno)
            return s_fail (self, "bad number '%s'", token);
        *value = json_real (d);
    }
    else {
        //  A leading 0 is octal to Clojure's reader, as to C's: 010 is 8
        bool octal = !hex && digits [0] == '0' && digits [1];
        long long n = strtoll (token, &rest, hex? 16: octal? 8: 10);
        if (*rest || errno)
            return s_fail (self, "bad number '%s'", token);
        *value = json_integer (n);
    }
    return 1;
}

//  Keywords, symbols, nil, true, false, characters, ##Inf and ##NaN (as
//  the strings "##Inf", "##NaN": JSON has no such numbers).
static int
s_read_word (edn_reader_t *self, json_t **value)
{
    bool bare = *self->p != ':' && *self->p != '\\';
    bool keyword = *self->p == ':' && !self->plain;
    const char *colon = self->p;
    if (!bare)
        self->p++;
    size_t len = s_symbol_len (self);
    if (len == 0)
        return s_fail (self, "unexpected '%c'", self->p < self->end? *self->p: ' ');
    const char *w = self->p;
    self->p += len;
    if (bare && len == 3 && memcmp (w, "nil", 3) == 0)
        *value = json_null ();
    else
    if (bare && len == 4 && memcmp (w, "true", 4) == 0)
        *value = json_true ();
    else
    if (bare && len == 5 && memcmp (w, "false", 5) == 0)
        *value = json_false ();
    else
    if (keyword)
        *value = json_stringn (colon, len + 1);
    else
        *value = json_stringn (w, len);
    return *value? 1: s_fail (self, "bad word");
}

static int
s_read_atom (edn_reader_t *self, int c, json_t **value)
{
    if (c == '"')
        return s_read_string (self, value);
    if (isdigit (c)
    || ((c == '-' || c == '+') && self->p + 1 < self->end
        && isdigit ((unsigned char) self->p [1])))
        return s_read_number (self, value);
    return s_read_word (self, value);
}

//  Object keys are strings: a keyword's or string's text, else compact JSON.
//  A key twice in one map is an error, as Clojure's reader has it ("Duplicate
//  key: :value"), not the last value silently kept; keys compare by name, so
//  :a and "a" are one key here. Takes key and value.
static int
s_map_put (edn_reader_t *self, json_t *map, json_t *key, json_t *value)
{
    const char *name = NULL;
    size_t len = 0;
    char *text = NULL;
    if (json_is_string (key)) {
        name = edn_name (json_string_value (key));     // keys by name
        len = json_string_length (key) - (size_t) (name - json_string_value (key));
    }
    else
    if ((text = json_dumps (key, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS))) {
        name = text;
        len = strlen (text);
    }
    int rc = name? 0: s_fail (self, "bad map key");
    //  A set is held as a map of this one key: a map with it would equal one
    if (rc == 0 && len == strlen (EDN_SET_KEY) && memcmp (name, EDN_SET_KEY, len) == 0)
        rc = s_fail (self, "a map with the key \"%s\": that key is how sets are held"
                     " (edn.h), and such a map would equal a set", EDN_SET_KEY);
    if (rc == 0 && json_object_getn (map, name, len)) {
        const char *shown = json_is_string (key)? json_string_value (key): text;
        bool quote = json_is_string (key) && shown [0] != ':';
        rc = s_fail (self, "duplicate key %s%.100s%s in a map", quote? "\"": "", shown,
                     quote? "\"": "");
    }
    if (rc == 0 && json_object_setn_new (map, name, len, value))
        rc = s_fail (self, "bad map key");
    else
    if (rc)
        json_decref (value);
    free (text);
    json_decref (key);
    return rc;
}

typedef struct {
    char *text;             // the element's canonical JSON text
    json_t *value;
} s_elem_t;

static int
s_elem_cmp (const void *a, const void *b)
{
    return strcmp (((const s_elem_t *) a)->text, ((const s_elem_t *) b)->text);
}

//  A set from the array of its elements (taken): {"#{}": [elements sorted
//  by their canonical JSON text]}. Elements are canonical already (sets
//  inside were built first, objects are written with sorted keys), so equal
//  sets have equal JSON, whatever order the file gave, and a set never
//  equals a vector. An element twice is an error, as Clojure's reader has
//  it ("Duplicate key: 1" for #{1 1}), not one of them silently dropped:
//  NULL with *dup set to it (the caller releases it); NULL with *dup NULL
//  when out of memory.
static json_t *
s_set_new (json_t *elements, bool plain, json_t **dup)
{
    *dup = NULL;
    size_t n = json_array_size (elements);
    s_elem_t *elems = calloc (n + 1, sizeof (s_elem_t));
    json_t *sorted = json_array ();
    json_t *set = json_object ();
    bool ok = elems && sorted && set;
    for (size_t i = 0; ok && i < n; i++) {
        elems [i].value = json_array_get (elements, i);
        elems [i].text = json_dumps (elems [i].value,
                                     JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
        ok = elems [i].text != NULL;
    }
    if (ok)
        qsort (elems, n, sizeof (s_elem_t), s_elem_cmp);
    for (size_t i = 0; ok && i < n; i++)
        if (i > 0 && strcmp (elems [i - 1].text, elems [i].text) == 0) {
            *dup = json_incref (elems [i].value);
            ok = false;
        }
        else
            ok = json_array_append (sorted, elems [i].value) == 0;
    for (size_t i = 0; elems && i < n; i++)
        free (elems [i].text);
    free (elems);
    json_decref (elements);
    if (!ok)
        json_decref (sorted);
    if (ok && plain) {
        json_decref (set);
        return sorted;
    }
    if (ok && json_object_set_new (set, EDN_SET_KEY, sorted) == 0)
        return set;
    json_decref (set);
    return NULL;
}

json_t *
edn_set_elements (json_t *value)
{
    if (json_is_array (value))
        return value;
    if (json_is_object (value) && json_object_size (value) == 1)
        return json_object_get (value, EDN_SET_KEY);
    return NULL;
}

static void
s_unwind (s_frame_t *stack, int depth)
{
    for (int i = 0; i < depth; i++) {
        json_decref (stack [i].container);
        json_decref (stack [i].key);
    }
}

//  A `#` dispatch: set, discard or a tag to drop. Returns 0 or -1.
static int
s_dispatch (edn_reader_t *self, s_frame_t *stack, int *depth, int *top_discards)
{
    edn_advance (self);
    char n = self->p < self->end? *self->p: 0;
    if (n == '{') {
        if (*depth >= FL_EDN_DEPTH_MAX)
            return s_fail (self, "nesting deeper than %d (FL_EDN_DEPTH_MAX)", FL_EDN_DEPTH_MAX);
        edn_advance (self);
        stack [(*depth)++] = (s_frame_t) { json_array (), NULL, '}', 0 };
        return 0;
    }
    if (n == '_') {
        edn_advance (self);
        if (*depth > 0)
            stack [*depth - 1].discards++;
        else
            (*top_discards)++;
        return 0;
    }
    if (n == '"')
        return 0;                       // a regex #"...": keep its text
    if (s_symbol_len (self) == 0)
        return s_fail (self, "bad '#' form");
    self->p += s_symbol_len (self);     // a tag: keep the tagged value
    return 0;
}

//  An opening bracket c: push a frame for its collection. 0 or -1.
static int
s_open (edn_reader_t *self, s_frame_t *stack, int *depth, int c)
{
    if (*depth >= FL_EDN_DEPTH_MAX)
        return s_fail (self, "nesting deeper than %d (FL_EDN_DEPTH_MAX)", FL_EDN_DEPTH_MAX);
    edn_advance (self);
    stack [(*depth)++] = (s_frame_t) {
        c == '{'? json_object (): json_array (), NULL,
        c == '['? ']': c == '('? ')': '}', 0 };
    return 0;
}

//  A closing bracket c: pop its frame and set *done to the finished
//  collection. Returns 0, or -1 with the popped frame already released (the
//  caller unwinds the frames left).
static int
s_close (edn_reader_t *self, s_frame_t *stack, int *depth, int c, json_t **done)
{
    if (*depth == 0 || stack [*depth - 1].close != c)
        return s_fail (self, "unexpected '%c'", c);
    edn_advance (self);
    s_frame_t *frame = &stack [--*depth];
    if (frame->key) {
        json_decref (frame->key);
        json_decref (frame->container);
        return s_fail (self, "map with a key and no value");
    }
    *done = frame->container;
    json_t *dup = NULL;
    if (frame->close == '}' && json_is_array (*done)
    && !(*done = s_set_new (*done, self->plain, &dup))) {
        char *text = NULL;
        size_t len = 0;
        FILE *out = dup? open_memstream (&text, &len): NULL;
        if (out) {
            edn_write (dup, out);
            fclose (out);
        }
        int rc = text? s_fail (self, "duplicate element %.100s in a set", text)
                     : s_fail (self, "out of memory");
        free (text);
        json_decref (dup);
        return rc;
    }
    return 0;
}

//  A value is complete (done, taken): discard it, hand it back as the value
//  read, or add it to its parent. Returns 1 with *value set when it is the
//  value read, 0 to read on, -1 on a bad map key.
static int
s_complete (edn_reader_t *self, s_frame_t *stack, int depth, int *top_discards,
            json_t *done, json_t **value)
{
    int *discards = depth > 0? &stack [depth - 1].discards: top_discards;
    if (*discards > 0) {
        (*discards)--;
        json_decref (done);
        return 0;
    }
    if (depth == 0) {
        *value = done;
        return 1;
    }
    s_frame_t *top = &stack [depth - 1];
    if (json_is_array (top->container))
        json_array_append_new (top->container, done);
    else
    if (!top->key)
        top->key = done;
    else {
        json_t *key = top->key;
        top->key = NULL;
        return s_map_put (self, top->container, key, done);
    }
    return 0;
}

//  One loop over the input with an explicit stack of open collections (no
//  recursion: the depth is bounded by FL_EDN_DEPTH_MAX). Every error path
//  unwinds here, in one place.
int
edn_read (edn_reader_t *self, json_t **value)
{
    assert (self);
    assert (value);
    s_frame_t stack [FL_EDN_DEPTH_MAX];
    int depth = 0;
    int top_discards = 0;
    while (true) {
        int c = edn_peek (self);
        if (c < 0) {
            s_unwind (stack, depth);
            if (depth > 0 || top_discards > 0)
                return s_fail (self, "unexpected end of input");
            return 0;
        }
        int rc;
        if (c == '[' || c == '(' || c == '{')
            rc = s_open (self, stack, &depth, c);
        else
        if (c == '#' && !(self->p + 1 < self->end && self->p [1] == '#'))
            rc = s_dispatch (self, stack, &depth, &top_discards);
        else {
            json_t *done = NULL;
            rc = c == ']' || c == ')' || c == '}'? s_close (self, stack, &depth, c, &done)
                                                : s_read_atom (self, c, &done);
            if (rc >= 0)
                rc = s_complete (self, stack, depth, &top_discards, done, value);
        }
        if (rc < 0) {
            s_unwind (stack, depth);
            return -1;
        }
        if (rc == 1)
            return 1;
    }
}

const char *
edn_name (const char *text)
{
    assert (text);
    return text [0] == ':'? text + 1: text;
}

static json_t *
s_parse (const char *text, bool plain)
{
    assert (text);
    //  A key twice is refused in JSON as in EDN (below)
    json_t *value = json_loads (text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    if (value)
        return value;
    edn_reader_t reader;
    edn_reader_init (&reader, text, strlen (text));
    reader.plain = plain;
    if (edn_read (&reader, &value) != 1)
        return NULL;
    if (edn_peek (&reader) >= 0) {
        json_decref (value);
        return NULL;
    }
    return value;
}

bool
edn_holds_set_key (json_t *value)
{
    if (json_is_object (value)) {
        if (json_object_get (value, EDN_SET_KEY))
            return true;
        const char *key;
        json_t *v;
        json_object_foreach (value, key, v)
            if (edn_holds_set_key (v))
                return true;
    }
    else
    if (json_is_array (value))
        for (size_t i = 0; i < json_array_size (value); i++)
            if (edn_holds_set_key (json_array_get (value, i)))
                return true;
    return false;
}

json_t *
edn_parse_value (const char *text)
{
    return s_parse (text, false);
}

json_t *
edn_parse_text (const char *text)
{
    return s_parse (text, true);
}

//  --------------------------------------------------------------------------
//  Writing. Nesting is bounded by what the reader accepted (FL_EDN_DEPTH_MAX)
//  or by jansson's own parser for JSON input, so recursion here is bounded.

//  p [0, len) as an EDN string, after lead ("" or ":"), escaped.
static void
s_write_string (const char *lead, const char *p, size_t len, FILE *out)
{
    fputc ('"', out);
    fputs (lead, out);
    for (size_t i = 0; i < len; i++) {
        char c = p [i];
        if (c == '"' || c == '\\')
            fprintf (out, "\\%c", c);
        else
        if (c == '\n')
            fputs ("\\n", out);
        else
        if (c == '\t')
            fputs ("\\t", out);
        else
        if (c == '\r')
            fputs ("\\r", out);
        else
            fputc (c, out);
    }
    fputc ('"', out);
}

static bool
s_plain_name (const char *key)
{
    if (!*key || isdigit ((unsigned char) *key))
        return false;
    for (const char *p = key; *p; p++)
        if (!isalnum ((unsigned char) *p) && !strchr ("-_?!*+./<>=", *p))
            return false;
    return true;
}

static void
s_write (json_t *value, FILE *out, int depth)
{
    if (depth > FL_EDN_DEPTH_MAX) {
        fputs ("nil", out);
        return;
    }
    if (json_is_null (value) || !value)
        fputs ("nil", out);
    else
    if (json_is_true (value))
        fputs ("true", out);
    else
    if (json_is_false (value))
        fputs ("false", out);
    else
    if (json_is_integer (value))
        fprintf (out, "%lld", (long long) json_integer_value (value));
    else
    if (json_is_real (value)) {
        //  A real stays a real: 1.0 written "1" would read back as the
        //  integer 1, which no real equals (and #{1 1.0} as #{1 1})
        char text [40];
        snprintf (text, sizeof text, "%.17g", json_real_value (value));
        fputs (text, out);
        if (!strpbrk (text, ".eEn"))    //  (nan, inf: JSON holds neither)
            fputs (".0", out);
    }
    else
    if (json_is_string (value) && json_string_value (value) [0] == ':'
    &&  s_plain_name (json_string_value (value) + 1))
        fputs (json_string_value (value), out);     // a keyword
    else
    if (json_is_string (value))
        s_write_string ("", json_string_value (value), json_string_length (value), out);
    else
    if (json_is_array (value) || (json_is_object (value) && json_object_size (value) == 1
                                  && json_is_array (json_object_get (value, EDN_SET_KEY)))) {
        bool set = json_is_object (value);
        json_t *elements = edn_set_elements (value);
        fputs (set? "#{": "[", out);
        for (size_t i = 0; i < json_array_size (elements); i++) {
            if (i)
                fputc (' ', out);
            s_write (json_array_get (elements, i), out, depth + 1);
        }
        fputc (set? '}': ']', out);
    }
    else {
        const char *key;
        json_t *v;
        bool first = true;
        fputc ('{', out);
        json_object_foreach (value, key, v) {
            fputs (first? "": ", ", out);
            first = false;
            if (s_plain_name (key))
                fprintf (out, ":%s", key);
            else    //  the reader drops a key's leading colon: add it back
                s_write_string (key [0] == ':'? ":": "", key, strlen (key), out);
            fputc (' ', out);
            s_write (v, out, depth + 1);
        }
        fputc ('}', out);
    }
}

void
edn_write (json_t *value, FILE *out)
{
    assert (out);
    s_write (value, out, 0);
}

//  One side of a keyword's '/' (or all of it): EDN's symbol rules. It
//  starts with neither a digit, '#' nor ':', nor with '-', '+' or '.' and
//  then a digit; it holds letters, digits, bytes of UTF-8 sequences
//  (Clojure reads them; only ASCII has whitespace and delimiters) and
//  .*+!-_?$%&=<>#: ; Clojure also refuses a "::" inside or a ':' at the end.
static bool
s_symbol_part (const char *p, size_t len)
{
    if (len == 0 || isdigit ((unsigned char) p [0]) || p [0] == '#' || p [0] == ':')
        return false;
    if (strchr ("-+.", p [0]) && len > 1 && isdigit ((unsigned char) p [1]))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) p [i];
        if (!isalnum (c) && c < 0x80 && !strchr (".*+!-_?$%&=<>#:", c))
            return false;
        if (c == ':' && (i + 1 == len || p [i + 1] == ':'))
            return false;
    }
    return true;
}

bool
edn_keyword_name (const char *name)
{
    assert (name);
    const char *slash = strchr (name, '/');
    if (!slash)
        return s_symbol_part (name, strlen (name));
    //  prefix/name: a second '/' is not a constituent, so it fails the name
    return s_symbol_part (name, (size_t) (slash - name))
        && s_symbol_part (slash + 1, strlen (slash + 1));
}

void
edn_write_name (const char *name, bool keyword, FILE *out)
{
    assert (name && out);
    if (keyword && edn_keyword_name (name))
        fprintf (out, ":%s", name);
    else    //  edn_name drops one leading colon from a string too: add it back
        s_write_string (name [0] == ':'? ":": "", name, strlen (name), out);
}
