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
    range and every fault text parsed once by faultspec_parse, so the run
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
#include "faultspec.h"

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

//  One non-blank, non-comment line into an entry.
static int
s_scan_line (s_reader_t *self, char *text, int line, int *stack, int *depth)
{
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
    while (cursor && *cursor) {
        char *newline = strchr (cursor, '\n');
        if (newline)
            *newline = 0;
        line++;
        if (line > FL_SCENARIO_LINES_MAX)
            return s_fail_line (self, line, NULL, "more than %d lines", FL_SCENARIO_LINES_MAX);
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
    char *end;
    errno = 0;
    double value = strtod (text, &end);
    if (errno || end == text || *end || value < lo || value > hi)
        return s_fail (self, index, "'%s' is not a number in %g..%g", text, lo, hi);
    *out = value;
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
        return s_fail (self, index, "'%s' is not true or false", text);
    return 0;
}

static int
s_fault_text (s_reader_t *self, int index, const char *text)
{
    faultspec_t spec;
    char *problem = NULL;
    if (faultspec_parse (&spec, text, self->scenario->nodes, &problem) == 0)
        return 0;
    s_fail (self, index, "%s", problem? problem: "bad fault");
    free (problem);
    return -1;
}

static int s_build_root (s_reader_t *self);

scenario_t *
scenario_load (const char *path, char **error)
{
    assert (path);
    s_reader_t reader = { .path = path };
    FILE *file = fopen (path, "r");
    if (!file) {
        if (error && asprintf (error, "%s: cannot open: %s", path, strerror (errno)) < 0)
            *error = NULL;
        return NULL;
    }
    zchunk_t *chunk = zchunk_read (file, 1024 * 1024);
    fclose (file);
    char *text = chunk? zchunk_strdup (chunk): strdup ("");
    zchunk_destroy (&chunk);
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

//  systems: NAME = valid | invalid | varies
static int
s_build_systems (s_reader_t *self, int section)
{
    scenario_t *sc = self->scenario;
    if (s_section (self, section))
        return -1;
    for (size_t i = section + 1; i < self->count && self->entries [i].level > self->entries [section].level; i++) {
        if (self->entries [i].parent != section)
            return s_fail (self, (int) i, "unexpected indented key");
        if (s_leaf (self, (int) i))
            return -1;
        if (sc->systems_count == FL_SCENARIO_SYSTEMS_MAX)
            return s_fail (self, (int) i, "more than %d systems", FL_SCENARIO_SYSTEMS_MAX);
        const char *name = self->entries [i].name;
        const char *value = self->entries [i].value;
        if (strlen (name) >= FL_ID_BYTES_MAX || strchr (name, '/'))
            return s_fail (self, (int) i, "'%s' is not a system name", name);
        scenario_system_t *system = &sc->systems [sc->systems_count++];
        snprintf (system->name, sizeof system->name, "%s", name);
        if (streq (value, "valid"))
            system->expect = EXPECT_VALID;
        else
        if (streq (value, "invalid"))
            system->expect = EXPECT_INVALID;
        else
        if (streq (value, "varies"))
            system->expect = EXPECT_VARIES;
        else
            return s_fail (self, (int) i, "'%s' is not a verdict (valid, invalid, varies)", value);
    }
    if (sc->systems_count == 0)
        return s_fail (self, section, "lists no system");
    return 0;
}

static int
s_build_params (s_reader_t *self, int section)
{
    scenario_t *sc = self->scenario;
    if (s_section (self, section))
        return -1;
    for (size_t i = section + 1; i < self->count && self->entries [i].level > self->entries [section].level; i++) {
        if (self->entries [i].parent != section)
            return s_fail (self, (int) i, "unexpected indented key");
        if (s_leaf (self, (int) i))
            return -1;
        if (sc->params_count == SCENARIO_PARAMS_MAX)
            return s_fail (self, (int) i, "more than %d params", SCENARIO_PARAMS_MAX);
        if (asprintf (&sc->params [sc->params_count++], "%s=%s",
                      self->entries [i].name, self->entries [i].value) < 0)
            return s_fail (self, (int) i, "out of memory");
    }
    return 0;
}

static int
s_build_workload (s_reader_t *self, int section)
{
    scenario_t *sc = self->scenario;
    if (s_section (self, section))
        return -1;
    for (size_t i = section + 1; i < self->count && self->entries [i].level > self->entries [section].level; i++) {
        int at = (int) i;
        s_entry_t *entry = &self->entries [i];
        if (entry->parent != section)
            return s_fail (self, at, "unexpected indented key");
        int rc;
        if (streq (entry->name, "name")) {
            rc = s_leaf (self, at);
            if (rc == 0 && !streq (entry->value, "lin-kv"))
                return s_fail (self, at, "unknown workload '%s' (lin-kv)", entry->value);
            snprintf (sc->workload, sizeof sc->workload, "%s", entry->value);
        }
        else
        if (streq (entry->name, "clients"))
            rc = s_whole (self, at, 1, FL_CLIENTS_MAX, &sc->clients);
        else
        if (streq (entry->name, "rate"))
            rc = s_number (self, at, 0, 1000000, &sc->rate);
        else
        if (streq (entry->name, "keys"))
            rc = s_whole (self, at, 1, FL_SCENARIO_KEYS_MAX, &sc->keys);
        else
        if (streq (entry->name, "timeout_ms"))
            rc = s_whole (self, at, 1, FL_CLIENT_TIMEOUT_MS_MAX, &sc->timeout_ms);
        else
            return s_fail (self, at, "unknown key (name, clients, rate, keys, timeout_ms)");
        if (rc)
            return -1;
    }
    if (!*sc->workload)
        return s_fail (self, section, "missing 'name' (lin-kv)");
    if (s_child (self, section, "clients") < 0)
        return s_fail (self, section, "missing 'clients'");
    return 0;
}

static int
s_build_step (s_reader_t *self, int step)
{
    scenario_t *sc = self->scenario;
    if (s_section (self, step))
        return -1;
    if (sc->steps_count == FL_SCENARIO_STEPS_MAX)
        return s_fail (self, step, "more than %d steps", FL_SCENARIO_STEPS_MAX);
    scenario_step_t *out = &sc->steps [sc->steps_count];
    out->line = self->entries [step].line;
    bool have_at = false, have_do = false;
    for (size_t i = step + 1; i < self->count && self->entries [i].level > self->entries [step].level; i++) {
        int at = (int) i;
        s_entry_t *entry = &self->entries [i];
        if (entry->parent != step)
            return s_fail (self, at, "unexpected indented key");
        if (streq (entry->name, "at_s")) {
            if (s_number (self, at, 0, FL_RUN_SECONDS_MAX, &out->at_s))
                return -1;
            have_at = true;
        }
        else
        if (streq (entry->name, "do")) {
            if (s_leaf (self, at) || s_fault_text (self, at, entry->value))
                return -1;
            snprintf (out->text, sizeof out->text, "%s", entry->value);
            have_do = true;
        }
        else
            return s_fail (self, at, "unknown key (at_s, do)");
    }
    if (!have_at)
        return s_fail (self, step, "missing 'at_s'");
    if (out->at_s > sc->duration_s)
        return s_fail (self, step, "at_s %g is after duration_s %g",
                       out->at_s, sc->duration_s);
    if (!have_do)
        return s_fail (self, step, "missing 'do'");
    if (sc->steps_count && out->at_s < sc->steps [sc->steps_count - 1].at_s)
        return s_fail (self, step, "at_s %g is before the previous step's %g",
                       out->at_s, sc->steps [sc->steps_count - 1].at_s);
    sc->steps_count++;
    return 0;
}

//  kinds = "partition halves; kill random"
static int
s_build_kinds (s_reader_t *self, int at)
{
    scenario_t *sc = self->scenario;
    if (s_leaf (self, at))
        return -1;
    char *copy = strdup (self->entries [at].value);
    char *save = NULL;
    int rc = 0;
    for (char *kind = strtok_r (copy, ";", &save); kind && rc == 0;
         kind = strtok_r (NULL, ";", &save)) {
        while (*kind == ' ')
            kind++;
        size_t length = strlen (kind);
        while (length && kind [length - 1] == ' ')
            kind [--length] = 0;
        if (!*kind)
            continue;
        if (sc->kinds_count == FL_SCENARIO_KINDS_MAX)
            rc = s_fail (self, at, "more than %d kinds", FL_SCENARIO_KINDS_MAX);
        else
        if ((rc = s_fault_text (self, at, kind)) == 0) {
            faultspec_t spec;
            faultspec_parse (&spec, kind, sc->nodes, NULL);
            if (!faultspec_starts (&spec))
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

static int
s_build_random (s_reader_t *self, int section)
{
    scenario_t *sc = self->scenario;
    if (s_section (self, section))
        return -1;
    sc->random = true;
    sc->random_fault_s = 3;
    sc->random_gap_s = 2;
    for (size_t i = section + 1; i < self->count && self->entries [i].level > self->entries [section].level; i++) {
        int at = (int) i;
        s_entry_t *entry = &self->entries [i];
        if (entry->parent != section)
            return s_fail (self, at, "unexpected indented key");
        int rc;
        if (streq (entry->name, "start_s"))
            rc = s_number (self, at, 0, FL_RUN_SECONDS_MAX, &sc->random_start_s);
        else
        if (streq (entry->name, "fault_s"))
            rc = s_number (self, at, 0.1, FL_RUN_SECONDS_MAX, &sc->random_fault_s);
        else
        if (streq (entry->name, "gap_s"))
            rc = s_number (self, at, 0.1, FL_RUN_SECONDS_MAX, &sc->random_gap_s);
        else
        if (streq (entry->name, "kinds"))
            rc = s_build_kinds (self, at);
        else
            return s_fail (self, at, "unknown key (start_s, fault_s, gap_s, kinds)");
        if (rc)
            return -1;
    }
    if (sc->kinds_count == 0)
        return s_fail (self, section, "missing 'kinds'");
    return 0;
}

static int
s_build_faults (s_reader_t *self, int section)
{
    if (s_section (self, section))
        return -1;
    for (size_t i = section + 1; i < self->count && self->entries [i].level > self->entries [section].level; i++) {
        s_entry_t *entry = &self->entries [i];
        if (entry->parent != section)
            continue;       // children of step / random: checked there
        int rc;
        if (streq (entry->name, "step"))
            rc = s_build_step (self, (int) i);
        else
        if (streq (entry->name, "random")) {
            if (self->scenario->random)
                return s_fail (self, (int) i, "a second 'random' section");
            rc = s_build_random (self, (int) i);
        }
        else
            return s_fail (self, (int) i, "unknown key (step, random)");
        if (rc)
            return -1;
    }
    return 0;
}

static int
s_build_final (s_reader_t *self, int section)
{
    scenario_t *sc = self->scenario;
    if (s_section (self, section))
        return -1;
    for (size_t i = section + 1; i < self->count && self->entries [i].level > self->entries [section].level; i++) {
        int at = (int) i;
        s_entry_t *entry = &self->entries [i];
        if (entry->parent != section)
            return s_fail (self, at, "unexpected indented key");
        int rc;
        if (streq (entry->name, "heal"))
            rc = s_bool (self, at, &sc->final_heal);
        else
        if (streq (entry->name, "settle_s"))
            rc = s_number (self, at, 0, FL_RUN_SECONDS_MAX, &sc->settle_s);
        else
            return s_fail (self, at, "unknown key (heal, settle_s)");
        if (rc)
            return -1;
    }
    return 0;
}

static int
s_build_checks (s_reader_t *self, int section)
{
    scenario_t *sc = self->scenario;
    if (s_section (self, section))
        return -1;
    for (size_t i = section + 1; i < self->count && self->entries [i].level > self->entries [section].level; i++) {
        int at = (int) i;
        s_entry_t *entry = &self->entries [i];
        if (entry->parent != section)
            return s_fail (self, at, "unexpected indented key");
        if (!streq (entry->name, "linearizable"))
            return s_fail (self, at, "unknown check (linearizable)");
        if (s_bool (self, at, &sc->check_linearizable))
            return -1;
    }
    return 0;
}

//  Root keys that must come before the others are read: nodes (fault texts
//  name nodes) and duration_s (steps must fall inside it).
static int
s_build_head (s_reader_t *self)
{
    scenario_t *sc = self->scenario;
    int at = s_child (self, -1, "nodes");
    if (at < 0)
        return s_fail_line (self, 1, "nodes", "missing (the cluster size)");
    if (s_whole (self, at, 1, FL_NODES_MAX, &sc->nodes))
        return -1;
    at = s_child (self, -1, "duration_s");
    if (at < 0)
        return s_fail_line (self, 1, "duration_s", "missing (how long the load runs)");
    if (s_number (self, at, 0.1, FL_RUN_SECONDS_MAX, &sc->duration_s))
        return -1;
    return 0;
}

static int
s_build_seed (s_reader_t *self, int at)
{
    if (s_leaf (self, at))
        return -1;
    const char *text = self->entries [at].value;
    char *end;
    errno = 0;
    unsigned long long seed = strtoull (text, &end, 10);
    if (errno || end == text || *end || *text == '-')
        return s_fail (self, at, "'%s' is not a seed (a whole number >= 0)", text);
    self->scenario->seed = seed;
    self->scenario->has_seed = true;
    return 0;
}

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
    sc->timeout_ms = 1000;
    sc->final_heal = true;
    sc->settle_s = 2;
    sc->check_linearizable = true;
    sc->steps = calloc (FL_SCENARIO_STEPS_MAX, sizeof (scenario_step_t));
    if (s_build_head (self))
        return -1;
    for (size_t i = 0; i < self->count; i++) {
        s_entry_t *entry = &self->entries [i];
        if (entry->parent != -1)
            continue;
        int at = (int) i, rc = 0;
        const char *name = entry->name;
        if (streq (name, "nodes") || streq (name, "duration_s"))
            rc = 0;
        else
        if (streq (name, "description")) {
            if ((rc = s_leaf (self, at)) == 0) {
                free (sc->description);
                sc->description = strdup (entry->value);
            }
        }
        else
        if (streq (name, "seed"))
            rc = s_build_seed (self, at);
        else
        if (streq (name, "systems"))
            rc = s_build_systems (self, at);
        else
        if (streq (name, "params"))
            rc = s_build_params (self, at);
        else
        if (streq (name, "workload"))
            rc = s_build_workload (self, at);
        else
        if (streq (name, "faults"))
            rc = s_build_faults (self, at);
        else
        if (streq (name, "final"))
            rc = s_build_final (self, at);
        else
        if (streq (name, "checks"))
            rc = s_build_checks (self, at);
        else
            return s_fail (self, at, "unknown key (description, seed, nodes,"
                           " duration_s, systems, params, workload, faults,"
                           " final, checks)");
        if (rc)
            return -1;
    }
    if (s_child (self, -1, "systems") < 0)
        return s_fail_line (self, 1, "systems", "missing (which systems to run, with their expected verdicts)");
    if (s_child (self, -1, "workload") < 0)
        return s_fail_line (self, 1, "workload", "missing (name = lin-kv, clients = N)");
    return 0;
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
    for (size_t i = 0; i < self->params_count; i++)
        free (self->params [i]);
    for (size_t i = 0; i < self->kinds_count; i++)
        free (self->kinds [i]);
    free (self);
    *self_p = NULL;
}

expect_t
scenario_expect (const scenario_t *self, const char *system)
{
    assert (self);
    for (size_t i = 0; i < self->systems_count; i++)
        if (streq (self->systems [i].name, system))
            return self->systems [i].expect;
    return EXPECT_NONE;
}

const char *
scenario_expect_name (expect_t expect)
{
    switch (expect) {
        case EXPECT_VALID:   return "valid";
        case EXPECT_INVALID: return "invalid";
        case EXPECT_VARIES:  return "varies";
        default:             return "none";
    }
}

char *
scenario_text_with_seed (const scenario_t *self, uint64_t seed)
{
    assert (self);
    char *out = NULL;
    size_t size = 0;
    FILE *stream = open_memstream (&out, &size);
    if (!stream)
        return NULL;
    fprintf (stream, "seed = %" PRIu64 "    # the seed this run used\n", seed);
    const char *cursor = self->text;
    while (cursor && *cursor) {
        const char *newline = strchr (cursor, '\n');
        size_t length = newline? (size_t) (newline - cursor): strlen (cursor);
        bool seed_line = length >= 4 && strncmp (cursor, "seed", 4) == 0
                      && (cursor [4] == ' ' || cursor [4] == '=');
        if (!seed_line)
            fprintf (stream, "%.*s\n", (int) length, cursor);
        cursor = newline? newline + 1: NULL;
    }
    fclose (stream);
    return out;
}
