/*  zoo.c -- a bug-zoo file read and checked (see zoo.h). Line by line: the
    format has three root keys and one section, so the scenario reader's
    tables would be more than it needs.
*/
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include "zoo.h"
#include "number.h"

#define S_TIME_LIMIT_DEFAULT_S 8

typedef struct {
    zoo_t *zoo;
    int line;
    char **error;
} s_reader_t;

static int
s_fail (s_reader_t *self, const char *format, ...)
{
    char reason [512];
    va_list args;
    va_start (args, format);
    vsnprintf (reason, sizeof reason, format, args);
    va_end (args);
    if (asprintf (self->error, "%s:%d: %s", self->zoo->path, self->line, reason) < 0)
        *self->error = NULL;
    return -1;
}

//  The file's text, NUL-terminated; NULL with *error when unreadable, too
//  big or holding a NUL byte (which would cut it short silently).
static char *
s_read (const char *path, char **error)
{
    FILE *file = fopen (path, "r");
    if (!file) {
        if (asprintf (error, "%s: cannot read: %s", path, strerror (errno)) < 0)
            *error = NULL;
        return NULL;
    }
    char *text = malloc (FL_SCENARIO_BYTES_MAX + 1);
    assert (text);
    size_t size = fread (text, 1, FL_SCENARIO_BYTES_MAX + 1, file);
    fclose (file);
    const char *problem = size > FL_SCENARIO_BYTES_MAX? "is over FL_SCENARIO_BYTES_MAX bytes"
                        : memchr (text, 0, size)? "holds a NUL byte": NULL;
    if (problem) {
        if (asprintf (error, "%s: %s", path, problem) < 0)
            *error = NULL;
        free (text);
        return NULL;
    }
    text [size] = 0;
    return text;
}

//  One optional word of an entry: seed=N, workload=W, time_limit_s=S.
static int
s_entry_word (s_reader_t *self, zoo_entry_t *entry, const char *word)
{
    uint64_t seed;
    if (strncmp (word, "seed=", 5) == 0) {
        if (number_parse_whole (word + 5, INT64_MAX, &seed))
            return s_fail (self, "entry: seed '%s' is not a whole number", word + 5);
        entry->has_seed = true;
        entry->seed = seed;
    }
    else
    if (strncmp (word, "workload=", 9) == 0) {
        if (!word [9] || strlen (word + 9) >= sizeof entry->workload)
            return s_fail (self, "entry: workload '%s' is not a workload's name", word + 9);
        snprintf (entry->workload, sizeof entry->workload, "%s", word + 9);
    }
    else
    if (strncmp (word, "time_limit_s=", 13) == 0) {
        if (number_parse (word + 13, 0.1, 3600, &entry->time_limit_s))
            return s_fail (self, "entry: time_limit_s '%s' is not a number in 0.1..3600",
                           word + 13);
    }
    else
        return s_fail (self, "entry: '%s' is not seed=N, workload=W or time_limit_s=S", word);
    return 0;
}

//  entry = SYSTEM BUG SCENARIO [seed=N] [workload=W] [time_limit_s=S]
static int
s_entry (s_reader_t *self, char *value)
{
    zoo_t *zoo = self->zoo;
    if (zoo->count == FL_ZOO_ENTRIES_MAX)
        return s_fail (self, "entry: more than %d entries (FL_ZOO_ENTRIES_MAX)",
                       FL_ZOO_ENTRIES_MAX);
    zoo_entry_t *entry = &zoo->entries [zoo->count];
    *entry = (zoo_entry_t) { .time_limit_s = 0, .line = self->line };
    char *fields [3], *save = NULL;
    size_t count = 0;
    char *word = strtok_r (value, " \t", &save);
    for (; word && count < 3; word = strtok_r (NULL, " \t", &save))
        fields [count++] = word;
    if (count < 3)
        return s_fail (self, "entry: '%s' is not SYSTEM BUG SCENARIO (raft stale-read"
                       " isolate-leader)", count? fields [0]: "");
    size_t sizes [3] = { sizeof entry->system, sizeof entry->bug, sizeof entry->scenario };
    char *into [3] = { entry->system, entry->bug, entry->scenario };
    for (size_t i = 0; i < 3; i++) {
        if (strlen (fields [i]) >= sizes [i])
            return s_fail (self, "entry: '%s' is too long (%zu bytes at most)", fields [i],
                           sizes [i] - 1);
        snprintf (into [i], sizes [i], "%s", fields [i]);
    }
    for (; word; word = strtok_r (NULL, " \t", &save))
        if (s_entry_word (self, entry, word))
            return -1;
    zoo->count++;
    return 0;
}

//  A value as written: quotes taken off, a comment after it cut.
static char *
s_value (char *text)
{
    text += strspn (text, " ");
    if (*text == '"' || *text == '\'') {
        char *end = strchr (text + 1, *text);
        if (end)
            *end = 0;
        return text + 1;
    }
    char *hash = strchr (text, '#');
    if (hash)
        *hash = 0;
    size_t length = strlen (text);
    while (length && (text [length - 1] == ' ' || text [length - 1] == '\r'))
        text [--length] = 0;
    return text;
}

//  One line: a root key, the zoo section's head, or an entry in it.
static int
s_line (s_reader_t *self, char *line, bool *in_zoo)
{
    size_t indent = strspn (line, " ");
    if (!line [indent] || line [indent] == '#' || line [indent] == '\r')
        return 0;
    if (strchr (line, '\t'))
        return s_fail (self, "a tab: indent with 4 spaces");
    char *equals = strchr (line, '=');
    char *key = line + indent;
    size_t key_length = equals? (size_t) (equals - key): strcspn (key, " #\r");
    while (key_length && key [key_length - 1] == ' ')
        key_length--;
    key [key_length] = 0;
    char *value = equals? s_value (equals + 1): NULL;
    if (indent == 4 && *in_zoo && streq (key, "entry") && value)
        return s_entry (self, value);
    if (indent != 0)
        return s_fail (self, "%s: only 'entry = SYSTEM BUG SCENARIO' lines are indented,"
                       " by 4 spaces, under 'zoo'", key);
    *in_zoo = streq (key, "zoo") && !value;
    if (*in_zoo)
        return 0;
    if (streq (key, "description") && value) {
        free (self->zoo->description);
        self->zoo->description = strdup (value);
        return 0;
    }
    if (streq (key, "time_limit_s") && value) {
        if (number_parse (value, 0.1, 3600, &self->zoo->time_limit_s))
            return s_fail (self, "time_limit_s: '%s' is not a number in 0.1..3600", value);
        return 0;
    }
    return s_fail (self, "'%s' is not a key of a zoo (description, time_limit_s, zoo)", key);
}

bool
zoo_file (const char *path)
{
    assert (path);
    FILE *file = fopen (path, "r");
    if (!file)
        return false;
    char line [1024];
    bool zoo = false;
    while (!zoo && fgets (line, sizeof line, file)) {
        size_t length = strcspn (line, " #\r\n");
        zoo = length == 3 && strncmp (line, "zoo", 3) == 0
           && line [strspn (line + 3, " \r\n") + 3] == 0;
    }
    fclose (file);
    return zoo;
}

zoo_t *
zoo_load (const char *path, char **error)
{
    assert (path && error);
    *error = NULL;
    char *text = s_read (path, error);
    if (!text)
        return NULL;
    zoo_t *self = calloc (1, sizeof (zoo_t));
    assert (self);
    self->path = strdup (path);
    self->description = strdup ("");
    self->time_limit_s = S_TIME_LIMIT_DEFAULT_S;
    self->entries = calloc (FL_ZOO_ENTRIES_MAX, sizeof (zoo_entry_t));
    assert (self->path && self->description && self->entries);
    s_reader_t reader = { self, 0, error };
    bool in_zoo = false;
    int rc = 0;
    //  strtok_r skips empty lines: count lines by hand.
    for (char *line = text, *next; line && rc == 0; line = next) {
        next = strchr (line, '\n');
        if (next)
            *next++ = 0;
        reader.line++;
        rc = s_line (&reader, line, &in_zoo);
    }
    free (text);
    if (rc == 0 && self->count == 0) {
        reader.line = 1;
        rc = s_fail (&reader, "zoo: no entry (entry = SYSTEM BUG SCENARIO)");
    }
    for (size_t i = 0; rc == 0 && i < self->count; i++)
        if (self->entries [i].time_limit_s == 0)
            self->entries [i].time_limit_s = self->time_limit_s;
    if (rc)
        zoo_destroy (&self);
    return self;
}

void
zoo_destroy (zoo_t **self_p)
{
    assert (self_p);
    zoo_t *self = *self_p;
    if (!self)
        return;
    free (self->path);
    free (self->description);
    free (self->entries);
    free (self);
    *self_p = NULL;
}
