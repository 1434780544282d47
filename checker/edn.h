/*  edn.h -- a small reader of Clojure's EDN, enough for Jepsen and Knossos
    histories, producing jansson values.

    Mapping: nil -> null, true/false -> booleans, integers -> integers,
    decimals -> reals, strings -> strings, keywords -> strings with their
    colon (":f", so that :a is not "a"), symbols -> strings, vectors and
    lists -> arrays, sets -> {"#{}": [the elements sorted by their JSON
    text, without duplicates]} (so that equal sets are equal JSON and no set
    equals a vector), maps -> objects (keys become strings: a keyword's name
    without its colon, a string as is, anything else as its compact JSON
    text: map keys are compared by name, and a key twice in one map is an
    error, as in Clojure's reader; a map whose key is "#{}" is one too: it
    would equal a set). Known limits: a string that
    starts with a colon (":a") equals the keyword :a, a symbol equals the
    string of its name. A plain reader (edn_parse_text) maps keywords to
    their names and sets to sorted arrays: plain JSON. `;` comments, commas as whitespace, `#_` discard
    and tagged literals (#inst "...": the tag is dropped) are understood.
    Nesting is handled with an explicit stack bounded by FL_EDN_DEPTH_MAX.
*/
#ifndef FL_EDN_H_INCLUDED
#define FL_EDN_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

typedef struct {
    const char *p;          // next byte to read
    const char *end;        // one past the last byte
    int line;               // 1-based line of p
    bool plain;             // keywords as their names, sets as sorted arrays
    char error [160];       // set when a read returns -1
} edn_reader_t;

#define EDN_SET_KEY "#{}"

//  The elements of a collection a set may be given as: an array (JSON, an
//  EDN vector or list) or an EDN set. Borrowed; NULL for anything else.
json_t *edn_set_elements (json_t *value);

//  Does a JSON value hold, at any depth, an object with the key EDN_SET_KEY?
//  Read from JSON, such a map would equal the set of its elements: the
//  readers of JSON input (JSONL values, --init) refuse it.
bool edn_holds_set_key (json_t *value);

//  Start reading buf [0, len). The buffer must outlive the reader.
void edn_reader_init (edn_reader_t *self, const char *buf, size_t len);

//  Skip whitespace, commas and comments; return the next byte without
//  consuming it, or -1 at the end of input.
int edn_peek (edn_reader_t *self);

//  Consume one byte (after edn_peek said what it is).
void edn_advance (edn_reader_t *self);

//  Read one value. Returns 1 and sets *value (new reference), 0 at end of
//  input, -1 on a syntax error (self->error says what, self->line where).
int edn_read (edn_reader_t *self, json_t **value);

//  Parse a whole text holding one value, EDN or JSON ("nil", "0", "\"\"",
//  "{:x 0}", "{\"x\": 0}"), mapped as a history's values are. Returns a
//  new reference or NULL.
json_t *edn_parse_value (const char *text);

//  The same with the plain mapping: keywords as their names, sets as
//  sorted arrays.
json_t *edn_parse_text (const char *text);

//  A name given as a keyword (":read") or a string ("read"): without the
//  colon.
const char *edn_name (const char *text);

//  True when ":" followed by name is a keyword by EDN's rules (Clojure's
//  reader and ours read it back): "read", "cas", "a/b", "ok?" are; "",
//  "a,pend", "ad d", "1st", "-1", ":x", "a::b", "a/b/c" are not.
bool edn_keyword_name (const char *name);

//  Write a name (an f, a process) so that reading it back and taking
//  edn_name gives name again: as the keyword :name when keyword is true and
//  edn_keyword_name (name), else as an escaped string ("a,pend"), with one
//  more colon in front when name starts with one (edn_name drops one).
void edn_write_name (const char *name, bool keyword, FILE *out);

//  Write a JSON value as EDN: null as nil, arrays as vectors, objects as
//  maps with keyword keys where the key is a plain name (other keys as
//  strings, one that starts with a colon with one more, as the reader
//  drops one: {"a":1, ":a":2} is {:a 1, "::a" 2}, not the key a twice).
void edn_write (json_t *value, FILE *out);

#endif
