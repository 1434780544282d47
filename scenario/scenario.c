/*  scenario.c -- read and validate a scenario file (see scenario.h).

    Scenario files are ZPL, the format czmq's zconfig reads: one `name` or
    `name = value` per line, children indented by exactly four spaces, `#`
    comments, values optionally quoted. zconfig_load itself cannot tell us
    where a problem is (it has no line numbers and prints its complaints to
    stdout), and a person fixing a scenario needs file, line and key. So this
    module reads ZPL itself, keeping each entry's line, in two passes:

      1. s_scan: lines -> a flat array of entries (level, name, value, line,
         parent), rejecting tabs, indentation that is not a multiple of four
         or jumps more than one level, bad names and unterminated quotes;
      2. s_build: walk the entries against the table of known keys, convert
         and range-check each value, and fill the scenario_t.

    Invariant: a scenario_t returned by scenario_load has every field in
    range and every fault text parsed once by action_parse, so the run
    never meets a bad value half-way through.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>
#include <assert.h>
#include <czmq.h>
#include "scenario.h"
#include "number.h"
#include "action.h"
#include "schedule.h"
#include "workload/workload.h"

#define ZPL_INDENT 4

typedef struct {
    int level;
    int line;
    int parent;         // index of the parent entry, -1 at the root
    char *name;
    char *value;        // NULL when the line has no '='
} s_entry_t;

typedef struct {
    const char *path;
    s_entry_t *entries;
    size_t count;
    char *error;
    scenario_t *scenario;
    //  The distinct type blocks (digests of TYPES and sides) and types the
    //  steps and kinds name, so that a run never meets the limits of the
    //  nemesis (FL_TYPE_BLOCKS_MAX) or the proxy (FL_PROXY_TYPES_MAX)
    uint64_t type_blocks [FL_TYPE_BLOCKS_MAX];
    size_t type_blocks_count;
    char types [FL_PROXY_TYPES_MAX][FL_TYPE_BYTES_MAX + 1];
    size_t types_count;
} s_reader_t;

static int
s_fail_line (s_reader_t *self, int line, const char *key, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    char *problem = NULL;
    if (vasprintf (&problem, format, args) < 0)
        problem = NULL;
    va_end (args);
    free (self->error);
    self->error = NULL;
    if (asprintf (&self->error, "%s:%d: %s%s%s", self->path, line,
                  key? key: "", key? ": ": "", problem? problem: "?") < 0)
        self->error = NULL;
    free (problem);
    return -1;
}

//  "workload/clients" for an entry.
static void
s_key_path (s_reader_t *self, int index, char *buf, size_t size)
{
    int chain [FL_SCENARIO_LINES_MAX];
    int depth = 0;
    for (int at = index; at >= 0 && depth < FL_SCENARIO_LINES_MAX; at = self->entries [at].parent)
        chain [depth++] = at;
    size_t used = 0;
    buf [0] = 0;
    while (depth-- > 0 && used < size) {
        int n = snprintf (buf + used, size - used, "%s%s",
                          used? "/": "", self->entries [chain [depth]].name);
        if (n < 0)
            break;
        used += (size_t) n;
    }
}

static int
s_fail (s_reader_t *self, int index, const char *format, ...)
{
    char key [256];
    s_key_path (self, index, key, sizeof key);
    va_list args;
    va_start (args, format);
    char *problem = NULL;
    if (vasprintf (&problem, format, args) < 0)
        problem = NULL;
    va_end (args);
    s_fail_line (self, self->entries [index].line, key, "%s", problem? problem: "?");
    free (problem);
    return -1;
}

static bool
s_name_char (char c)
{
    return c && (isalnum ((unsigned char) c) || strchr ("$-_@.&+/", c));
}

//  The value after '=': quoted or bare, with a trailing comment dropped.
static int
s_scan_value (s_reader_t *self, int line, const char *name, char *text, char **value)
{
    while (*text == ' ')
        text++;
    if (*text == '"' || *text == '\'') {
        char quote = *text;
        char *end = strchr (text + 1, quote);
        if (!end)
            return s_fail_line (self, line, name, "unterminated quoted value");
        char *rest = end + 1;
        while (*rest == ' ')
            rest++;
        if (*rest && *rest != '#')
            return s_fail_line (self, line, name, "unexpected '%s' after quoted value", rest);
        *value = strndup (text + 1, end - text - 1);
        return 0;
    }
    char *hash = strchr (text, '#');
    if (hash)
        *hash = 0;
    size_t length = strlen (text);
    while (length && text [length - 1] == ' ')
        length--;
    *value = strndup (text, length);
    return 0;
}

//  A byte past ASCII before the line's '=' (in its indentation or key):
//  say which character and where, since the usual ones (a no-break space,
//  a zero-width space, a byte-order mark copied from a web page) look like
//  nothing, and the key read up to them named another key.
static int
s_ascii_key (s_reader_t *self, const char *text, int line)
{
    for (const unsigned char *at = (const unsigned char *) text; *at && *at != '=' && *at != '#'; at++) {
        if (*at < 0x80)
            continue;
        uint32_t code = 0;
        int more = *at >= 0xF0? 3: *at >= 0xE0? 2: *at >= 0xC0? 1: -1;
        code = more == 3? *at & 0x07: more == 2? *at & 0x0F: *at & 0x1F;
        for (int i = 1; i <= more && (at [i] & 0xC0) == 0x80; i++)
            code = code << 6 | (at [i] & 0x3F);
        const char *known = code == 0xA0? " (a no-break space)": code == 0x200B?
                            " (a zero-width space)": code == 0xFEFF? " (a byte-order mark)": "";
        if (more < 0)
            return s_fail_line (self, line, NULL, "byte 0x%02X at column %zu is not ASCII:"
                                " keys and indentation are ASCII letters, digits, '_', '-'"
                                " and spaces", *at, (size_t) (at - (const unsigned char *) text) + 1);
        return s_fail_line (self, line, NULL, "U+%04X%s at column %zu is not ASCII: keys and"
                            " indentation are ASCII letters, digits, '_', '-' and spaces"
                            " (a quoted value may hold any text)", code, known,
                            (size_t) (at - (const unsigned char *) text) + 1);
    }
    return 0;
}

//  One non-blank, non-comment line into an entry.
static int
s_scan_line (s_reader_t *self, char *text, int line, int *stack, int *depth)
{
    if (s_ascii_key (self, text, line))
        return -1;
    size_t spaces = strspn (text, " ");
    if (text [spaces] == '\t')
        return s_fail_line (self, line, NULL, "tab in indentation (use 4 spaces)");
    if (spaces % ZPL_INDENT)
        return s_fail_line (self, line, NULL, "indentation of %zu spaces is not a"
                            " multiple of %d", spaces, ZPL_INDENT);
    int level = (int) (spaces / ZPL_INDENT);
    if (level > *depth)
        return s_fail_line (self, line, NULL, "indented more than one level"
                            " below the line above");
    char *name = text + spaces;
    size_t length = 0;
    while (s_name_char (name [length]))
        length++;
    if (length == 0)
        return s_fail_line (self, line, NULL, "expected a key name, found '%s'", name);
    char *rest = name + length;
    while (*rest == ' ')
        rest++;
    char saved = name [length];
    name [length] = 0;
    char *value = NULL;
    if (*rest == '=') {
        if (s_scan_value (self, line, name, rest + 1, &value))
            return -1;
    }
    else
    if (*rest && *rest != '#') {
        name [length] = saved;
        return s_fail_line (self, line, NULL, "expected 'name = value', found '%s'", name);
    }
    s_entry_t *entry = &self->entries [self->count++];
    entry->level = level;
    entry->line = line;
    entry->parent = level? stack [level - 1]: -1;
    entry->name = strdup (name);
    entry->value = value;
    stack [level] = (int) self->count - 1;
    *depth = level + 1;
    return 0;
}

static int
s_scan (s_reader_t *self, char *text)
{
    int stack [FL_SCENARIO_LINES_MAX];
    int depth = 0;
    int line = 0;
    //  strtok_r would skip empty lines and lose the count: split by hand.
    char *cursor = text;
    if (strncmp (cursor, "\xEF\xBB\xBF", 3) == 0)
        cursor += 3;            //  a UTF-8 byte-order mark: passed over
    while (cursor && *cursor) {
        char *newline = strchr (cursor, '\n');
        if (newline)
            *newline = 0;
        line++;
        if (line > FL_SCENARIO_LINES_MAX)
            return s_fail_line (self, line, NULL, "more than %d lines (FL_SCENARIO_LINES_MAX)",
                               FL_SCENARIO_LINES_MAX);
        size_t length = strlen (cursor);
        if (length && cursor [length - 1] == '\r')
            cursor [length - 1] = 0;
        char *first = cursor + strspn (cursor, " \t");
        if (*first && *first != '#'
        &&  s_scan_line (self, cursor, line, stack, &depth))
            return -1;
        cursor = newline? newline + 1: NULL;
    }
    return 0;
}

//  The first child of entry parent (-1: the root) with this name, or -1.
static int
s_child (s_reader_t *self, int parent, const char *name)
{
    for (size_t i = 0; i < self->count; i++)
        if (self->entries [i].parent == parent && streq (self->entries [i].name, name))
            return (int) i;
    return -1;
}

static bool
s_has_children (s_reader_t *self, int index)
{
    return (size_t) index + 1 < self->count && self->entries [index + 1].parent == index;
}

//  The entry must be a leaf with a value.
static int
s_leaf (s_reader_t *self, int index)
{
    if (s_has_children (self, index))
        return s_fail (self, index, "takes a value, not indented keys");
    if (!self->entries [index].value)
        return s_fail (self, index, "needs a value (name = value)");
    return 0;
}

static int
s_section (s_reader_t *self, int index)
{
    if (self->entries [index].value)
        return s_fail (self, index, "is a section: put its keys on indented lines below");
    return 0;
}

static int
s_number (s_reader_t *self, int index, double lo, double hi, double *out)
{
    if (s_leaf (self, index))
        return -1;
    const char *text = self->entries [index].value;
    if (number_parse (text, lo, hi, out))
        return s_fail (self, index, "'%s' is not a number in %.12g..%.12g", text, lo, hi);
    return 0;
}

static int
s_whole (s_reader_t *self, int index, int lo, int hi, int *out)
{
    double value;
    if (s_number (self, index, lo, hi, &value))
        return -1;
    if (value != (int) value)
        return s_fail (self, index, "'%s' is not a whole number in %d..%d",
                       self->entries [index].value, lo, hi);
    *out = (int) value;
    return 0;
}

static int
s_bool (s_reader_t *self, int index, bool *out)
{
    if (s_leaf (self, index))
        return -1;
    const char *text = self->entries [index].value;
    if (streq (text, "true") || streq (text, "yes") || streq (text, "1"))
        *out = true;
    else
    if (streq (text, "false") || streq (text, "no") || streq (text, "0"))
        *out = false;
    else
        return s_fail (self, index, "'%s' is not true or false (true, yes or 1; false, no"
                       " or 0)", text);
    return 0;
}

//  Count a block-type toward the limits a run holds them to: the
//  scenario may name at most FL_TYPE_BLOCKS_MAX distinct ones (each may
//  be in force at once) and FL_PROXY_TYPES_MAX distinct types.
static int
s_note_type_block (s_reader_t *self, int index, const action_t *spec)
{
    uint64_t digest = action_digest (spec);
    size_t i = 0;
    while (i < self->type_blocks_count && self->type_blocks [i] != digest)
        i++;
    if (i == self->type_blocks_count) {
        if (i == FL_TYPE_BLOCKS_MAX)
            return s_fail (self, index, "more than %d distinct block-type faults"
                           " (FL_TYPE_BLOCKS_MAX, each may be in force at once)",
                           FL_TYPE_BLOCKS_MAX);
        self->type_blocks [self->type_blocks_count++] = digest;
    }
    char copy [FL_FAULT_TEXT_BYTES_MAX], *save = NULL;
    snprintf (copy, sizeof copy, "%s", spec->types);
    for (char *type = strtok_r (copy, ",", &save); type; type = strtok_r (NULL, ",", &save)) {
        size_t t = 0;
        while (t < self->types_count && !streq (self->types [t], type))
            t++;
        if (t < self->types_count)
            continue;
        if (t == FL_PROXY_TYPES_MAX)
            return s_fail (self, index, "'%s' is one message type too many to block:"
                           " the proxy knows at most %d (FL_PROXY_TYPES_MAX)",
                           type, FL_PROXY_TYPES_MAX);
        snprintf (self->types [self->types_count++], FL_TYPE_BYTES_MAX + 1, "%s", type);
    }
    return 0;
}

static int
s_fault_text (s_reader_t *self, int index, const char *text)
{
    action_t spec;
    char *problem = NULL;
    if (action_parse (&spec, text, self->scenario->nodes, &problem)) {
        s_fail (self, index, "%s", problem? problem: "bad fault");
        free (problem);
        return -1;
    }
    return spec.kind == ACTION_BLOCK_TYPE? s_note_type_block (self, index, &spec): 0;
}

static int s_build_root (s_reader_t *self);
static scenario_t *s_parse_text (const char *path, char *text, char **error);

//  What makes SIZE bytes of TEXT no scenario before a line is read: too
//  large, or a NUL byte (which would end the text early). WHY stays "" if
//  nothing.
static void
s_text_problem (const char *text, size_t size, char *why, size_t why_size)
{
    if (size > FL_SCENARIO_BYTES_MAX)
        snprintf (why, why_size, "larger than %d bytes (FL_SCENARIO_BYTES_MAX)",
                  FL_SCENARIO_BYTES_MAX);
    else
    if (memchr (text, 0, size))
        snprintf (why, why_size, "a NUL byte at offset %zu: not a text file",
                  (size_t) ((const char *) memchr (text, 0, size) - text));
}

//  The whole of PATH as a string, or NULL with *error set: a file that
//  cannot be read, is larger than FL_SCENARIO_BYTES_MAX or holds a NUL
//  byte is refused, never read in part.
static char *
s_read_text (const char *path, char **error)
{
    FILE *file = fopen (path, "r");
    if (!file) {
        if (error && asprintf (error, "%s: cannot open: %s", path, strerror (errno)) < 0)
            *error = NULL;
        return NULL;
    }
    char *text = malloc (FL_SCENARIO_BYTES_MAX + 2);
    assert (text);
    errno = 0;
    size_t size = fread (text, 1, FL_SCENARIO_BYTES_MAX + 1, file);
    int read_errno = ferror (file)? errno: 0;
    fclose (file);
    char why [96] = "";
    if (read_errno)
        snprintf (why, sizeof why, "cannot read: %s", strerror (read_errno));
    else
        s_text_problem (text, size, why, sizeof why);
    if (*why) {
        if (error && asprintf (error, "%s: %s", path, why) < 0)
            *error = NULL;
        free (text);
        return NULL;
    }
    text [size] = 0;
    return text;
}

scenario_t *
scenario_load (const char *path, char **error)
{
    assert (path);
    char *text = s_read_text (path, error);
    return text? s_parse_text (path, text, error): NULL;
}

scenario_t *
scenario_parse (const char *path, const char *buf, size_t len, char **error)
{
    assert (path && (buf || len == 0));
    char why [96] = "";
    s_text_problem (buf, len, why, sizeof why);
    if (*why) {
        if (error && asprintf (error, "%s: %s", path, why) < 0)
            *error = NULL;
        return NULL;
    }
    char *text = malloc (len + 1);
    assert (text);
    if (len)
        memcpy (text, buf, len);
    text [len] = 0;
    return s_parse_text (path, text, error);
}

//  Takes TEXT (a NUL-terminated scenario, checked by s_text_problem).
static scenario_t *
s_parse_text (const char *path, char *text, char **error)
{
    s_reader_t reader = { .path = path };
    char *scan_text = strdup (text);
    reader.entries = calloc (FL_SCENARIO_LINES_MAX + 1, sizeof (s_entry_t));
    reader.scenario = calloc (1, sizeof (scenario_t));
    reader.scenario->path = strdup (path);
    reader.scenario->text = text;
    int rc = s_scan (&reader, scan_text);
    if (rc == 0)
        rc = s_build_root (&reader);
    for (size_t i = 0; i < reader.count; i++) {
        free (reader.entries [i].name);
        free (reader.entries [i].value);
    }
    free (reader.entries);
    free (scan_text);
    if (rc) {
        scenario_destroy (&reader.scenario);
        if (error)
            *error = reader.error;
        else
            free (reader.error);
        return NULL;
    }
    return reader.scenario;
}

//  The keys of each section are a table: the key's name, how its value is
//  read (a number or whole number in a range, a bool, or the key's own
//  builder for anything else, such as a subsection), and where it goes, as
//  an offset into the struct the section fills. s_walk reads a section's
//  lines against its table, so every section refuses an unknown key the
//  same way and names the keys it knows, in table order.
typedef enum {
    S_NUMBER,           // double in lo..hi
    S_WHOLE,            // int in lo..hi
    S_BOOL,             // true/yes/1 or false/no/0
    S_BUILD,            // the key's own builder reads it
    S_SECTION,          // a section whose keys need no more than their table
    S_LATER             // read before the walk (root nodes, duration_s)
} s_kind_t;

typedef struct s_table_t s_table_t;

//  Reads the entry at `at` into base, the struct its section fills.
typedef int (s_build_fn) (s_reader_t *self, int at, void *base);

typedef struct {
    const char *name;   // NULL ends a table; "*" takes any name
    s_kind_t kind;
    double lo, hi;      // S_NUMBER, S_WHOLE
    size_t offset;      // of the field in base: S_NUMBER, S_WHOLE, S_BOOL
    s_build_fn *build;  // S_BUILD
    const s_table_t *table;     // S_SECTION
    bool repeats;       // may be given more than once (faults/step)
} s_key_t;

//  A key read into field of type, the section's struct.
#define S_VALUE(name, kind, lo, hi, type, field) \
    { name, kind, lo, hi, offsetof (type, field), NULL, NULL, false }

//  The root has the most keys, 13, plus the NULL that ends the table.
#define S_TABLE_KEYS_MAX 14

struct s_table_t {
    const char *noun;   // "unknown NOUN (a, b, c)"
    s_key_t keys [S_TABLE_KEYS_MAX];
};

static int s_walk (s_reader_t *self, int section, const s_table_t *table, void *base);

static const s_key_t *
s_table_find (const s_table_t *table, const char *name)
{
    for (const s_key_t *key = table->keys; key->name; key++)
        if (streq (key->name, "*") || streq (key->name, name))
            return key;
    return NULL;
}

static int
s_fail_unknown (s_reader_t *self, int at, const s_table_t *table)
{
    char names [256] = "";
    size_t used = 0;
    for (const s_key_t *key = table->keys; key->name && used < sizeof names; key++)
        used += snprintf (names + used, sizeof names - used, "%s%s",
                          used? ", ": "", key->name);
    return s_fail (self, at, "unknown %s (%s)", table->noun, names);
}

static int
s_read_key (s_reader_t *self, int at, const s_key_t *key, void *base)
{
    void *field = (char *) base + key->offset;
    switch (key->kind) {
        case S_NUMBER:  return s_number (self, at, key->lo, key->hi, field);
        case S_WHOLE:   return s_whole (self, at, (int) key->lo, (int) key->hi, field);
        case S_BOOL:    return s_bool (self, at, field);
        case S_BUILD:   return key->build (self, at, base);
        case S_SECTION: return s_walk (self, at, key->table, base);
        case S_LATER:   return 0;
    }
    assert (false);
    return -1;
}

//  Read the keys directly below section (-1: the root) into base, in file
//  order, stopping at the first error. Deeper lines belong to a subsection
//  whose builder reads them; a leaf with lines below it is refused by
//  s_leaf before they are reached.
static int
s_walk (s_reader_t *self, int section, const s_table_t *table, void *base)
{
    if (section >= 0 && s_section (self, section))
        return -1;
    int level = section >= 0? self->entries [section].level: -1;
    for (size_t i = section + 1; i < self->count && self->entries [i].level > level; i++) {
        if (self->entries [i].parent != section)
            continue;
        const s_key_t *key = s_table_find (table, self->entries [i].name);
        if (!key)
            return s_fail_unknown (self, (int) i, table);
        int first = key->repeats? -1: s_child (self, section, self->entries [i].name);
        if (first >= 0 && (size_t) first < i)
            return s_fail (self, (int) i, "given twice (first at line %d)",
                           self->entries [first].line);
        if (s_read_key (self, (int) i, key, base))
            return -1;
    }
    return 0;
}

//  systems: NAME = valid | invalid | varies
static int
s_build_system (s_reader_t *self, int at, void *base)
{
    scenario_t *sc = base;
    if (s_leaf (self, at))
        return -1;
    if (sc->systems_count == FL_SCENARIO_SYSTEMS_MAX)
        return s_fail (self, at, "more than %d systems (FL_SCENARIO_SYSTEMS_MAX)",
                       FL_SCENARIO_SYSTEMS_MAX);
    const char *name = self->entries [at].name;
    const char *value = self->entries [at].value;
    if (strlen (name) >= FL_ID_BYTES_MAX || strchr (name, '/'))
        return s_fail (self, at, "'%s' is not a system name", name);
    scenario_system_t *system = &sc->systems [sc->systems_count++];
    snprintf (system->name, sizeof system->name, "%s", name);
    system->line = self->entries [at].line;
    if (streq (value, "valid"))
        system->expect = SCENARIO_EXPECT_VALID;
    else
    if (streq (value, "invalid"))
        system->expect = SCENARIO_EXPECT_INVALID;
    else
    if (streq (value, "varies"))
        system->expect = SCENARIO_EXPECT_VARIES;
    else
        return s_fail (self, at, "'%s' is not a verdict (valid, invalid, varies)", value);
    return 0;
}

static const s_table_t s_systems_table = { "key", {
    { "*", S_BUILD, .build = s_build_system },
    { .name = NULL }
}};

static int
s_build_systems (s_reader_t *self, int section, void *base)
{
    scenario_t *sc = base;
    if (s_walk (self, section, &s_systems_table, sc))
        return -1;
    if (sc->systems_count == 0)
        return s_fail (self, section, "lists no system");
    return 0;
}

//  Is there a params line for key already?
static bool
s_has_param (const scenario_t *sc, const char *key)
{
    size_t size = strlen (key);
    for (size_t i = 0; i < sc->params_count; i++)
        if (strncmp (sc->params [i], key, size) == 0 && sc->params [i][size] == '=')
            return true;
    return false;
}

//  params: K = V, passed to the system as --param K=V
static int
s_build_param (s_reader_t *self, int at, void *base)
{
    scenario_t *sc = base;
    if (s_leaf (self, at))
        return -1;
    if (sc->params_count == FL_SCENARIO_PARAMS_MAX)
        return s_fail (self, at, "more than %d params (FL_SCENARIO_PARAMS_MAX)",
                       FL_SCENARIO_PARAMS_MAX);
    if (streq (self->entries [at].name, "bug") && s_has_param (sc, "bug"))
        return s_fail (self, at, "a bug is named at the top too: name it once");
    if (streq (self->entries [at].name, "bug"))
        sc->bug_line = self->entries [at].line;
    if (asprintf (&sc->params [sc->params_count++], "%s=%s",
                  self->entries [at].name, self->entries [at].value) < 0)
        return s_fail (self, at, "out of memory");
    return 0;
}

static const s_table_t s_params_table = { "key", {
    { "*", S_BUILD, .build = s_build_param },
    { .name = NULL }
}};

static int
s_build_workload_name (s_reader_t *self, int at, void *base)
{
    scenario_t *sc = base;
    if (s_leaf (self, at))
        return -1;
    char names [256];
    if (!workload_lookup (self->entries [at].value))
        return s_fail (self, at, "unknown workload '%s' (%s)", self->entries [at].value,
                       workload_names (names, sizeof names));
    snprintf (sc->workload, sizeof sc->workload, "%s", self->entries [at].value);
    return 0;
}

static int
s_build_workload_topology (s_reader_t *self, int at, void *base)
{
    scenario_t *sc = base;
    if (s_leaf (self, at))
        return -1;
    json_t *map = workload_topology (self->entries [at].value, 1);
    if (!map)
        return s_fail (self, at, "unknown topology '%s' (%s)", self->entries [at].value,
                       workload_topology_names ());
    json_decref (map);
    snprintf (sc->topology, sizeof sc->topology, "%s", self->entries [at].value);
    return 0;
}

static const s_table_t s_workload_table = { "key", {
    { "name",       S_BUILD, .build = s_build_workload_name },
    { "topology",   S_BUILD, .build = s_build_workload_topology },
    S_VALUE ("clients", S_WHOLE, 1, FL_CLIENTS_MAX, scenario_t, clients),
    S_VALUE ("rate", S_NUMBER, 0, 1000000, scenario_t, rate),
    S_VALUE ("keys", S_WHOLE, 1, FL_SCENARIO_KEYS_MAX, scenario_t, keys),
    S_VALUE ("values", S_WHOLE, 0, FL_SCENARIO_VALUES_MAX, scenario_t, values),
    S_VALUE ("timeout_ms", S_WHOLE, 1, FL_CLIENT_TIMEOUT_MS_MAX, scenario_t, timeout_ms),
    { .name = NULL }
}};

static int
s_build_workload (s_reader_t *self, int section, void *base)
{
    scenario_t *sc = base;
    if (s_walk (self, section, &s_workload_table, sc))
        return -1;
    char names [256];
    if (!*sc->workload)
        return s_fail (self, section, "missing 'name' (%s)", workload_names (names, sizeof names));
    if (s_child (self, section, "clients") < 0)
        return s_fail (self, section, "missing 'clients'");
    int values = s_child (self, section, "values");
    if (values >= 0 && strcmp (sc->workload, "lin-kv"))
        return s_fail (self, values, "only lin-kv draws its values (workload '%s' has its own)",
                       sc->workload);
    return 0;
}

//  faults/step/do = a fault text, parsed here so the run never meets a bad one
static int
s_build_step_do (s_reader_t *self, int at, void *base)
{
    scenario_step_t *out = base;
    if (s_leaf (self, at) || s_fault_text (self, at, self->entries [at].value))
        return -1;
    snprintf (out->text, sizeof out->text, "%s", self->entries [at].value);
    return 0;
}

static const s_table_t s_step_table = { "key", {
    S_VALUE ("at_s", S_NUMBER, 0, FL_RUN_SECONDS_MAX, scenario_step_t, at_s),
    { "do",   S_BUILD, .build = s_build_step_do },
    { .name = NULL }
}};

static int
s_build_step (s_reader_t *self, int step, void *base)
{
    scenario_t *sc = base;
    //  s_walk checks this too; here it must come before the step limit.
    if (s_section (self, step))
        return -1;
    if (sc->steps_count == FL_SCENARIO_STEPS_MAX)
        return s_fail (self, step, "more than %d steps (FL_SCENARIO_STEPS_MAX)",
                       FL_SCENARIO_STEPS_MAX);
    scenario_step_t *out = &sc->steps [sc->steps_count];
    out->line = self->entries [step].line;
    if (s_walk (self, step, &s_step_table, out))
        return -1;
    if (s_child (self, step, "at_s") < 0)
        return s_fail (self, step, "missing 'at_s'");
    if (out->at_s > sc->duration_s)
        return s_fail (self, step, "at_s %g is after duration_s %g",
                       out->at_s, sc->duration_s);
    if (s_child (self, step, "do") < 0)
        return s_fail (self, step, "missing 'do'");
    if (sc->steps_count && out->at_s < sc->steps [sc->steps_count - 1].at_s)
        return s_fail (self, step, "at_s %g is before the previous step's %g",
                       out->at_s, sc->steps [sc->steps_count - 1].at_s);
    sc->steps_count++;
    return 0;
}

//  kinds = "partition halves; kill random"
static int
s_build_kinds (s_reader_t *self, int at, void *base)
{
    scenario_t *sc = base;
    if (s_leaf (self, at))
        return -1;
    sc->kinds_line = self->entries [at].line;
    char *copy = strdup (self->entries [at].value);
    int rc = 0;
    char *next = copy;
    for (int number = 1; next && rc == 0; number++) {
        char *kind = strsep (&next, ";");
        while (*kind == ' ' || *kind == '\t')
            kind++;
        size_t length = strlen (kind);
        while (length && (kind [length - 1] == ' ' || kind [length - 1] == '\t'))
            kind [--length] = 0;
        if (!*kind && !next && number > 1)
            break;              //  a ';' after the last kind ends the list
        if (!*kind)             //  "a;;b": one left out by mistake?
            rc = s_fail (self, at, "kind %d is empty (kinds are separated by ';')", number);
        else
        if (sc->kinds_count == FL_SCENARIO_KINDS_MAX)
            rc = s_fail (self, at, "more than %d kinds (FL_SCENARIO_KINDS_MAX)",
                         FL_SCENARIO_KINDS_MAX);
        else
        if ((rc = s_fault_text (self, at, kind)) == 0) {
            action_t spec;
            action_parse (&spec, kind, sc->nodes, NULL);
            if (!action_starts (&spec))
                rc = s_fail (self, at, "'%s' does not start a fault", kind);
            else
                sc->kinds [sc->kinds_count++] = strdup (kind);
        }
    }
    free (copy);
    if (rc == 0 && sc->kinds_count == 0)
        rc = s_fail (self, at, "names no fault kind");
    return rc;
}

static const s_table_t s_random_table = { "key", {
    S_VALUE ("start_s", S_NUMBER, 0, FL_RUN_SECONDS_MAX, scenario_t, random_start_s),
    S_VALUE ("fault_s", S_NUMBER, 0.1, FL_RUN_SECONDS_MAX, scenario_t, random_fault_s),
    S_VALUE ("gap_s", S_NUMBER, 0.1, FL_RUN_SECONDS_MAX, scenario_t, random_gap_s),
    { "kinds",   S_BUILD, .build = s_build_kinds },
    { .name = NULL }
}};

static int
s_build_random (s_reader_t *self, int section, void *base)
{
    scenario_t *sc = base;
    if (sc->random)
        return s_fail (self, section, "a second 'random' section");
    sc->random = true;
    sc->random_fault_s = 3;
    sc->random_gap_s = 2;
    if (s_walk (self, section, &s_random_table, sc))
        return -1;
    if (sc->kinds_count == 0)
        return s_fail (self, section, "missing 'kinds'");
    return 0;
}

static const s_table_t s_faults_table = { "key", {
    { "step",   S_BUILD, .build = s_build_step, .repeats = true },
    { "random", S_BUILD, .build = s_build_random },
    { .name = NULL }
}};

//  tour/step = a tour step (tour_step.h), parsed here so the run never meets a
//  bad one: "file:line: tour/step: ..." names the word that was wrong.
static int
s_build_tour_step (s_reader_t *self, int at, void *base)
{
    scenario_t *sc = base;
    if (s_leaf (self, at))
        return -1;
    if (sc->tour_count == FL_TOUR_STEPS_MAX)
        return s_fail (self, at, "more than %d steps (FL_TOUR_STEPS_MAX)", FL_TOUR_STEPS_MAX);
    if (!sc->tour)
        sc->tour = calloc (FL_TOUR_STEPS_MAX, sizeof (tour_step_t));
    tour_step_t *step = &sc->tour [sc->tour_count];
    char *problem = NULL;
    if (tour_step_parse (step, self->entries [at].value, sc->nodes, &problem)) {
        s_fail (self, at, "%s", problem? problem: "bad step");
        free (problem);
        return -1;
    }
    step->line = self->entries [at].line;
    sc->tour_count++;
    return 0;
}

static const s_table_t s_tour_table = { "key", {
    { "step",   S_BUILD, .build = s_build_tour_step, .repeats = true },
    { .name = NULL }
}};

static int
s_build_tour (s_reader_t *self, int section, void *base)
{
    scenario_t *sc = base;
    if (s_walk (self, section, &s_tour_table, sc))
        return -1;
    if (sc->tour_count == 0)
        return s_fail (self, section, "has no step (step = write n1 KEY VALUE, ...)");
    bool ops = false;
    for (size_t i = 0; i < sc->tour_count && !ops; i++)
        ops = tour_step_is_op (&sc->tour [i]);
    if (!ops)
        return s_fail (self, section, "has no client step (write, read, add, ...): only"
                       " faults, so there is no history to check");
    return 0;
}

static const s_table_t s_final_table = { "key", {
    S_VALUE ("heal", S_BOOL, 0, 0, scenario_t, final_heal),
    S_VALUE ("settle_s", S_NUMBER, 0, FL_RUN_SECONDS_MAX, scenario_t, settle_s),
    { .name = NULL }
}};

static const s_table_t s_checks_table = { "check", {
    S_VALUE ("linearizable", S_BOOL, 0, 0, scenario_t, check_linearizable),
    S_VALUE ("timeout_s", S_NUMBER, FL_CHECK_TIMEOUT_S_MIN, FL_CHECK_TIMEOUT_S_MAX, scenario_t,
             check_timeout_s),
    { .name = NULL }
}};

//  Root keys that must come before the others are read: nodes (fault texts
//  name nodes) and duration_s (steps must fall inside it).
static const s_table_t s_root_table;

//  A required top-level key is missing: a misspelt key ("duraton_s") is
//  the likelier cause, so an unknown top-level key is named first.
static int
s_fail_missing (s_reader_t *self, const char *key, const char *why)
{
    for (size_t i = 0; i < self->count; i++)
        if (self->entries [i].parent == -1 && !s_table_find (&s_root_table, self->entries [i].name))
            return s_fail_unknown (self, (int) i, &s_root_table);
    return s_fail_line (self, 1, key, why);
}

static int
s_build_head (s_reader_t *self)
{
    scenario_t *sc = self->scenario;
    int at = s_child (self, -1, "nodes");
    if (at < 0)
        return s_fail_missing (self, "nodes", "missing (the cluster size)");
    if (s_whole (self, at, 1, FL_NODES_MAX, &sc->nodes))
        return -1;
    at = s_child (self, -1, "duration_s");
    if (at < 0 && s_child (self, -1, "tour") >= 0) {
        sc->duration_s = FL_TOUR_SECONDS_DEFAULT;       // a tour's bound
        return 0;
    }
    if (at < 0)
        return s_fail_missing (self, "duration_s", "missing (how long the load runs)");
    if (s_number (self, at, 0.1, FL_RUN_SECONDS_MAX, &sc->duration_s))
        return -1;
    return 0;
}

static int
s_build_description (s_reader_t *self, int at, void *base)
{
    scenario_t *sc = base;
    if (s_leaf (self, at))
        return -1;
    free (sc->description);
    sc->description = strdup (self->entries [at].value);
    return 0;
}

//  bug = NAME: a bug of the zoo switched on in the system (docs/bugs.md),
//  passed as --param bug=NAME; the harness checks the name against the
//  system's bugs, which this pure room does not know.
static int
s_build_bug (s_reader_t *self, int at, void *base)
{
    scenario_t *sc = base;
    if (s_leaf (self, at))
        return -1;
    const char *name = self->entries [at].value;
    if (!*name || strspn (name, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen (name))
        return s_fail (self, at, "'%s' is not a bug name (lowercase letters, digits, '-')", name);
    if (s_has_param (sc, "bug"))
        return s_fail (self, at, "a bug is named in params too: name it once");
    if (sc->params_count == FL_SCENARIO_PARAMS_MAX)
        return s_fail (self, at, "more than %d params (FL_SCENARIO_PARAMS_MAX)",
                       FL_SCENARIO_PARAMS_MAX);
    if (asprintf (&sc->params [sc->params_count++], "bug=%s", name) < 0)
        return s_fail (self, at, "out of memory");
    sc->bug_line = self->entries [at].line;
    return 0;
}

//  A scenario's name is a store directory and a word of the replay line.
static bool
s_name_ok (const char *name)
{
    size_t length = strlen (name);
    return length > 0 && length < FL_ID_BYTES_MAX && *name != '.' && strspn (name,
           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == length;
}

//  name = NAME: the scenario's name (the file's by default), which a run's
//  scenario.conf carries so that its replay is filed under the same name.
static int
s_build_name (s_reader_t *self, int at, void *base)
{
    scenario_t *sc = base;
    if (s_leaf (self, at))
        return -1;
    const char *value = self->entries [at].value;
    if (!s_name_ok (value))
        return s_fail (self, at, "'%s' is not a scenario name (letters, digits, . _ -)", value);
    free (sc->name);
    sc->name = strdup (value);
    return 0;
}

static int
s_build_seed (s_reader_t *self, int at, void *base)
{
    scenario_t *sc = base;
    if (s_leaf (self, at))
        return -1;
    const char *text = self->entries [at].value;
    char *end;
    errno = 0;
    unsigned long long seed = strtoull (text, &end, 10);
    //  Digits only: strtoull alone takes "+5" and "-1" (as 2^64 - 1).
    if (errno || end == text || *end || strspn (text, "0123456789") != strlen (text))
        return s_fail (self, at, "'%s' is not a seed (a whole number in 0..18446744073709551615)", text);
    sc->seed = seed;
    sc->has_seed = true;
    return 0;
}

//  The schedule holds at most FL_SCENARIO_STEPS_MAX steps, explicit and
//  random together: a scenario that would make more is refused here, so
//  the generator never stops early without saying so.
static int
s_check_steps_max (s_reader_t *self)
{
    scenario_t *sc = self->scenario;
    if (!sc->random)
        return 0;
    size_t random = schedule_random_count (sc, (int64_t) (sc->duration_s * 1000));
    if (sc->steps_count + random <= FL_SCENARIO_STEPS_MAX)
        return 0;
    int at = s_child (self, s_child (self, -1, "faults"), "random");
    assert (at >= 0);
    return s_fail (self, at, "makes %zu random steps over duration_s %g (fault_s %g,"
                   " gap_s %g), with %zu explicit ones more than %d (FL_SCENARIO_STEPS_MAX)",
                   random, sc->duration_s, sc->random_fault_s, sc->random_gap_s,
                   sc->steps_count, FL_SCENARIO_STEPS_MAX);
}

//  A tour runs its own steps with one client on lin-kv's ops: no fault
//  schedule beside them, no other workload.
static int
s_check_tour (s_reader_t *self)
{
    scenario_t *sc = self->scenario;
    int at = s_child (self, -1, "faults");
    if (at >= 0)
        return s_fail (self, at, "a tour's faults are its steps (tour/step = isolate n3):"
                       " no faults section beside it");
    at = s_child (self, -1, "workload");
    if (at < 0) {
        snprintf (sc->workload, sizeof sc->workload, "lin-kv");
        sc->clients = 1;
        return 0;
    }
    if (!streq (sc->workload, "lin-kv"))
        return s_fail (self, s_child (self, at, "name"), "a tour's workload is lin-kv, not '%s'",
                       sc->workload);
    return 0;
}

static const s_table_t s_root_table = { "key", {
    { "description", S_BUILD, .build = s_build_description },
    { "seed",        S_BUILD, .build = s_build_seed },
    { "name",        S_BUILD, .build = s_build_name },
    { "bug",         S_BUILD, .build = s_build_bug },
    { "nodes",       S_LATER, .offset = 0 },
    { "duration_s",  S_LATER, .offset = 0 },
    { "systems",     S_BUILD, .build = s_build_systems },
    { "params",      S_SECTION, .table = &s_params_table },
    { "workload",    S_BUILD, .build = s_build_workload },
    { "faults",      S_SECTION, .table = &s_faults_table },
    { "tour",        S_BUILD, .build = s_build_tour },
    { "final",       S_SECTION, .table = &s_final_table },
    { "checks",      S_SECTION, .table = &s_checks_table },
    { .name = NULL }
}};

static int
s_build_root (s_reader_t *self)
{
    scenario_t *sc = self->scenario;
    const char *base = strrchr (sc->path, '/');
    base = base? base + 1: sc->path;
    sc->name = strdup (base);
    char *dot = strrchr (sc->name, '.');
    if (dot && streq (dot, ".conf"))
        *dot = 0;
    sc->description = strdup ("");
    sc->rate = 100;
    sc->keys = 3;
    sc->timeout_ms = FL_CLIENT_TIMEOUT_MS_DEFAULT;
    sc->final_heal = true;
    snprintf (sc->topology, sizeof sc->topology, "grid");
    sc->settle_s = 2;
    sc->check_linearizable = true;
    sc->steps = calloc (FL_SCENARIO_STEPS_MAX, sizeof (scenario_step_t));
    if (s_build_head (self))
        return -1;
    if (s_walk (self, -1, &s_root_table, sc))
        return -1;
    //  With no name line the file names it: "my test.conf" would file runs
    //  under "my test" and print a replay line that refuses that name.
    if (!s_name_ok (sc->name))
        return s_fail_line (self, 1, "name", "the file's name '%s' is not a scenario name"
                            " (letters, digits, . _ -, not first '.', under %d bytes): rename"
                            " the file, or give it a line name = NAME", sc->name,
                            FL_ID_BYTES_MAX);
    if (s_child (self, -1, "systems") < 0)
        return s_fail_missing (self, "systems", "missing (which systems to run, with their"
                               " expected verdicts)");
    if (sc->tour)
        return s_check_tour (self);
    if (s_child (self, -1, "workload") < 0)
        return s_fail_missing (self, "workload", "missing (name = lin-kv, clients = N)");
    return s_check_steps_max (self);
}

void
scenario_destroy (scenario_t **self_p)
{
    assert (self_p);
    scenario_t *self = *self_p;
    if (!self)
        return;
    free (self->path);
    free (self->name);
    free (self->description);
    free (self->text);
    free (self->steps);
    free (self->tour);
    for (size_t i = 0; i < self->params_count; i++)
        free (self->params [i]);
    for (size_t i = 0; i < self->kinds_count; i++)
        free (self->kinds [i]);
    free (self);
    *self_p = NULL;
}

scenario_expect_t
scenario_expect (const scenario_t *self, const char *system)
{
    assert (self);
    for (size_t i = 0; i < self->systems_count; i++)
        if (streq (self->systems [i].name, system))
            return self->systems [i].expect;
    return SCENARIO_EXPECT_NONE;
}

void
scenario_scale (scenario_t *self, double duration_s)
{
    assert (self);
    if (!(duration_s > 0 && duration_s < self->duration_s))
        return;
    double scale = duration_s / self->duration_s;
    for (size_t i = 0; i < self->steps_count; i++)
        self->steps [i].at_s *= scale;
    //  settle_s stays: it is the replicas' time to meet before the final
    //  reads, which their anti-entropy sets, not the plan (scaled to 0.32 s,
    //  under crdt's 1 s gossip, it failed a correct crdt's counter check).
    self->duration_s = duration_s;
}

const char *
scenario_expect_name (scenario_expect_t expect)
{
    switch (expect) {
        case SCENARIO_EXPECT_VALID:   return "valid";
        case SCENARIO_EXPECT_INVALID: return "invalid";
        case SCENARIO_EXPECT_VARIES:  return "varies";
        default:             return "none";
    }
}

//  Is line a root-level "KEY = ..." or "KEY" line for key?
static bool
s_root_key (const char *line, size_t length, const char *key)
{
    size_t size = strlen (key);
    return length >= size && strncmp (line, key, size) == 0
        && (length == size || line [size] == ' ' || line [size] == '=');
}

//  The step that starts at line (1-based), if the run dropped it.
static bool
s_dropped_step (const scenario_t *self, int line, double duration_s)
{
    for (size_t i = 0; i < self->steps_count; i++)
        if (self->steps [i].line == line)
            return (int64_t) (self->steps [i].at_s * 1000) >= (int64_t) (duration_s * 1000);
    return false;
}

char *
scenario_text_as_run (const scenario_t *self, uint64_t seed, double duration_s)
{
    assert (self);
    char *out = NULL;
    size_t size = 0;
    FILE *stream = open_memstream (&out, &size);
    if (!stream)
        return NULL;
    fprintf (stream, "seed = %" PRIu64 "    # the seed this run used\n", seed);
    fprintf (stream, "name = %s    # the scenario this run was\n", self->name);
    const char *cursor = self->text;
    if (strncmp (cursor, "\xEF\xBB\xBF", 3) == 0)
        cursor += 3;            //  the lines written above go first: a BOM
                                //  would land inside the text
    int line = 0;
    size_t drop_indent = SIZE_MAX;      // inside a dropped step deeper than this
    while (cursor && *cursor) {
        const char *newline = strchr (cursor, '\n');
        size_t length = newline? (size_t) (newline - cursor): strlen (cursor);
        size_t indent = strspn (cursor, " ");
        bool blank = indent >= length || cursor [indent] == '#';
        line++;
        if (drop_indent != SIZE_MAX && !blank && indent <= drop_indent)
            drop_indent = SIZE_MAX;
        if (drop_indent == SIZE_MAX && s_dropped_step (self, line, duration_s))
            drop_indent = indent;
        if (drop_indent != SIZE_MAX)
            fprintf (stream, "# after duration_s, not run: %.*s\n", (int) length, cursor);
        else
        if (s_root_key (cursor, length, "seed") || s_root_key (cursor, length, "name"))
            ;
        else
        if (s_root_key (cursor, length, "duration_s") && duration_s != self->duration_s)
            fprintf (stream, "duration_s = %.15g    # as run (--time-limit); the scenario"
                     " says %.15g\n", duration_s, self->duration_s);
        else
            fprintf (stream, "%.*s\n", (int) length, cursor);
        cursor = newline? newline + 1: NULL;
    }
    fclose (stream);
    return out;
}
