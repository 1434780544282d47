/*  ophistory.c -- read a history file into paired operations.

    Events are read in file order; the file order is the real-time order
    (Jepsen's own `time` fields are not always monotonic, e.g. Knossos's
    mutex history, so positions are used, never times). Each invoke opens an
    op on its process; the next ok/fail/info on that process closes it. The
    invariants checked here are the ones that make a history meaningful: a
    completion needs an open invoke on its process, a process has at most one
    op in flight, and a completion names the same f as its invoke. A process
    that got `info` may issue again (Jepsen's rule is that it does not, but
    nothing is ambiguous if it does: the info'd op simply stays open for ever).
    Events of the nemesis (a non-numeric process named "nemesis") are skipped.
    A process is a number from 0, as Jepsen numbers them, or a name ("n1");
    names get the negative ids, so a negative number is bad input.
    Our JSONL is written as it happens, so a run cut short may end in a torn
    line with no newline: that line is ignored, the prefix is the history.
*/
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "jsonl.h"
#include "limits.h"
#include "edn.h"
#include "ophistory.h"


struct _ophistory_t {
    char *name;
    ophistory_format_t format;
    op_t *ops;
    size_t nops, cap;
    size_t ops_max;         // FL_HISTORY_OPS_MAX, or less (tests)
    int64_t events;
    int64_t seen;           // every event read, nemesis ones too
    char *fs [FL_HISTORY_FS_MAX];
    size_t nfs;
    int64_t *pkeys;         // process -> in-flight op (open addressing)
    int32_t *pvals;         // -1 = free slot, -2 = no op in flight
    size_t pcap, pused;
    char **names;           // non-numeric process names, id = -(i + 1)
    size_t nnames;
    bool explicit_empty;    // an EDN [] or (): a history with no events, on purpose
    bool json_values;       // values are JSON's (jsonl), where no object is a set
    bool indexed;           // an event had an index: the last one, and its line
    int64_t last_index;
    int last_index_line;
    char *error;
};

static int
s_error (ophistory_t *self, int line, const char *format, ...)
{
    char text [512];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof (text), format, args);
    va_end (args);
    if (!self->error && asprintf (&self->error, "%s:%d: %s", self->name, line, text) < 0)
        self->error = NULL;
    return -1;
}

static const char *
s_intern_f (ophistory_t *self, const char *f)
{
    for (size_t i = 0; i < self->nfs; i++)
        if (strcmp (self->fs [i], f) == 0)
            return self->fs [i];
    if (self->nfs == FL_HISTORY_FS_MAX)
        return NULL;
    self->fs [self->nfs] = strdup (f);
    return self->fs [self->nfs++];
}

//  Slot of process p in the in-flight map, inserting it if absent. NULL
//  when out of memory.
static int32_t *
s_slot (ophistory_t *self, int64_t p)
{
    if (2 * (self->pused + 1) > self->pcap) {
        size_t old_cap = self->pcap;
        int64_t *old_keys = self->pkeys;
        int32_t *old_vals = self->pvals;
        int64_t *keys = malloc ((old_cap? old_cap * 2: 64) * sizeof (int64_t));
        int32_t *vals = malloc ((old_cap? old_cap * 2: 64) * sizeof (int32_t));
        if (!keys || !vals) {
            free (keys);
            free (vals);
            return NULL;
        }
        self->pcap = old_cap? old_cap * 2: 64;
        self->pkeys = keys;
        self->pvals = vals;
        for (size_t i = 0; i < self->pcap; i++)
            self->pvals [i] = -1;
        self->pused = 0;
        for (size_t i = 0; i < old_cap; i++)
            if (old_vals [i] != -1)
                *s_slot (self, old_keys [i]) = old_vals [i];
        free (old_keys);
        free (old_vals);
    }
    size_t mask = self->pcap - 1;
    size_t i = hash_mix64 ((uint64_t) p) & mask;
    while (self->pvals [i] != -1 && self->pkeys [i] != p)
        i = (i + 1) & mask;
    if (self->pvals [i] == -1) {
        self->pkeys [i] = p;
        self->pvals [i] = -2;
        self->pused++;
    }
    return &self->pvals [i];
}

//  Process id from a JSON value: a number as it is, a name as -(i + 1) for
//  the i-th name seen. Jepsen numbers its processes from 0, so a negative
//  number is refused: it would be taken for a name (-1 for the first) or
//  collide with one. Returns 0, 1 to skip the event (nemesis), -1 on a bad
//  process (reported).
static int
s_process (ophistory_t *self, int line, json_t *value, int64_t *process)
{
    if (json_is_integer (value) && json_integer_value (value) < 0)
        return s_error (self, line, "process %lld is negative (Jepsen numbers processes from 0)",
                        (long long) json_integer_value (value));
    if (json_is_integer (value)) {
        *process = json_integer_value (value);
        return 0;
    }
    if (json_is_real (value))
        return s_error (self, line, "process %g is not a whole number in 0..%lld"
                        " (Jepsen numbers processes 0, 1, 2, ...)",
                        json_real_value (value), (long long) INT64_MAX);
    if (!json_is_string (value))
        return s_error (self, line, "process is neither a number nor a name");
    const char *name = edn_name (json_string_value (value));
    if (strcmp (name, "nemesis") == 0)
        return 1;
    for (size_t i = 0; i < self->nnames; i++)
        if (strcmp (self->names [i], name) == 0) {
            *process = -(int64_t) i - 1;
            return 0;
        }
    char **more = realloc (self->names, (self->nnames + 1) * sizeof (char *));
    if (!more)
        return s_error (self, line, "out of memory reading the history");
    self->names = more;
    if (!(self->names [self->nnames] = strdup (name)))
        return s_error (self, line, "out of memory reading the history");
    *process = -(int64_t) self->nnames - 1;
    self->nnames++;
    return 0;
}

//  A process as the file gave it, for messages: its number, or its name
//  quoted (the name "1" is not the number 1).
static const char *
s_who (const ophistory_t *self, int64_t process, char *buf, size_t size)
{
    const char *name = ophistory_process_name (self, process);
    if (name)
        snprintf (buf, size, "'%.*s'", (int) (size > 3? size - 3: 0), name);
    else
        snprintf (buf, size, "%lld", (long long) process);
    return buf;
}

static int
s_invoke (ophistory_t *self, int line, int64_t process, const char *f,
          json_t *key, json_t *value, double time, int64_t index)
{
    int32_t *slot = s_slot (self, process);
    if (!slot)
        return s_error (self, line, "out of memory reading the history");
    char who [80];
    if (*slot >= 0)
        return s_error (self, line, "invoke on process %s while its op from line %d is in flight",
                        s_who (self, process, who, sizeof who), self->ops [*slot].line_call);
    if (self->nops == self->ops_max)
        return s_error (self, line, "more than %zu ops (FL_HISTORY_OPS_MAX is %d)",
                        self->ops_max, FL_HISTORY_OPS_MAX);
    if (self->nops == self->cap) {
        size_t cap = self->cap? self->cap * 2: 256;
        op_t *more = realloc (self->ops, cap * sizeof (op_t));
        if (!more)
            return s_error (self, line, "out of memory reading the history (%zu ops)", self->nops);
        self->ops = more;
        self->cap = cap;
    }
    *slot = (int32_t) self->nops;
    self->ops [self->nops++] = (op_t) {
        .process = process, .f = f, .key = json_incref (key),
        .in = value? json_incref (value): json_null (), .type = OP_PENDING,
        .call = self->events, .ret = OP_RET_NEVER,
        .line_call = line, .done = -1, .time_call = time, .time_ret = -1,
        .index_call = index, .index_ret = -1 };
    return 0;
}

static int
s_complete (ophistory_t *self, int line, int64_t process, const char *type,
            const char *f, json_t *key, json_t *value, json_t *error, double time,
            int64_t index)
{
    int32_t *slot = s_slot (self, process);
    if (!slot)
        return s_error (self, line, "out of memory reading the history");
    char who [80];
    if (*slot < 0)
        return s_error (self, line, "%s with no invoke for process %s",
                        type, s_who (self, process, who, sizeof who));
    op_t *op = &self->ops [*slot];
    if (op->f != f)
        return s_error (self, line, "%s of '%s' on process %s, but its invoke (line %d) was '%s'",
                        type, f, s_who (self, process, who, sizeof who), op->line_call, op->f);
    //  A completion names the invoke's key or none: another key would be
    //  another op, and which one it was is not ours to guess
    if (key && !json_is_null (key) && !(op->key && json_equal (key, op->key))) {
        char *text = json_dumps (key, JSON_COMPACT | JSON_ENCODE_ANY);
        char *was = op->key? json_dumps (op->key, JSON_COMPACT | JSON_ENCODE_ANY): NULL;
        int rc = s_error (self, line, "%s of key %.64s on process %s, but its invoke (line %d) "
                          "was of %s%.64s", type, text? text: "?",
                          s_who (self, process, who, sizeof who), op->line_call,
                          was? "key ": "no key", was? was: "");
        free (text);
        free (was);
        return rc;
    }
    op->type = strcmp (type, "ok") == 0? OP_OK: strcmp (type, "fail") == 0? OP_FAIL: OP_INFO;
    op->out = value? json_incref (value): json_null ();
    op->error = json_incref (error);
    op->ret = op->type == OP_INFO? OP_RET_NEVER: self->events;
    op->line_ret = line;
    op->done = self->events;
    op->time_ret = time;
    op->index_ret = index;
    *slot = -2;
    return 0;
}

//  One event, its fields already extracted.
static int
s_event (ophistory_t *self, int line, json_t *process, const char *type,
         const char *f, json_t *key, json_t *value, json_t *error, double time,
         json_t *index_field)
{
    if (!process || !type || !f)
        return s_error (self, line, "event without %s",
                        !process? "a process": !type? "a type": "an f");
    type = edn_name (type);     // EDN keywords (":invoke") or names alike
    f = edn_name (f);
    if (self->json_values && (edn_holds_set_key (value) || edn_holds_set_key (key)))
        return s_error (self, line, "a map with the key \"%s\": that key is how EDN sets are"
                        " held (edn.h), and such a map would equal a set", EDN_SET_KEY);
    //  The event's index as Jepsen numbers it: its own :index field, else its
    //  position among all events (nemesis events count, as in Jepsen).
    int64_t index = self->seen;
    if (index_field && !json_is_null (index_field)) {
        //  Jepsen's indices are whole, from 0, and increase event by event
        //  (a filtered history may skip some): a repeat or a step back
        //  would leave an index naming no one event
        if (!json_is_integer (index_field) || json_integer_value (index_field) < 0) {
            char *text = json_dumps (index_field, JSON_COMPACT | JSON_ENCODE_ANY);
            int rc = s_error (self, line, "index %.40s is not a whole number >= 0", text? text: "?");
            free (text);
            return rc;
        }
        index = json_integer_value (index_field);
        if (!self->indexed && self->seen > 0)
            return s_error (self, line, "index %lld, but the events before it have none:"
                            " Jepsen's events all carry one, or none does", (long long) index);
        if (self->indexed && index <= self->last_index)
            return s_error (self, line, "index %lld after index %lld (line %d): Jepsen's "
                            "indices increase from event to event", (long long) index,
                            (long long) self->last_index, self->last_index_line);
        self->indexed = true;
        self->last_index = index;
        self->last_index_line = line;
    }
    else
    if (self->indexed)
        return s_error (self, line, "no index, but the event before it has one (index %lld,"
                        " line %d): Jepsen's events all carry one, or none does",
                        (long long) self->last_index, self->last_index_line);
    self->seen++;
    int64_t p = 0;
    int rc = s_process (self, line, process, &p);
    if (rc)
        return rc > 0? 0: -1;
    const char *fi = s_intern_f (self, f);
    if (!fi)
        return s_error (self, line, "more than %d distinct f names (FL_HISTORY_FS_MAX)", FL_HISTORY_FS_MAX);
    if (strcmp (type, "invoke") == 0)
        rc = s_invoke (self, line, p, fi, key, value, time, index);
    else
    if (strcmp (type, "ok") == 0 || strcmp (type, "fail") == 0
    ||  strcmp (type, "info") == 0)
        rc = s_complete (self, line, p, type, fi, key, value, error, time, index);
    else
        return s_error (self, line, "unknown type '%s'", type);
    if (rc == 0)
        self->events++;
    return rc;
}

static int
s_event_object (ophistory_t *self, int line, json_t *event)
{
    if (!json_is_object (event))
        return s_error (self, line, "event is not a map");
    json_t *type = json_object_get (event, "type");
    json_t *f = json_object_get (event, "f");
    json_t *time = json_object_get (event, "time");
    if ((type && !json_is_string (type)) || (f && !json_is_string (f)))
        return s_error (self, line, "type and f must be names");
    return s_event (self, line, json_object_get (event, "process"),
                    json_string_value (type), json_string_value (f),
                    json_object_get (event, "key"), json_object_get (event, "value"),
                    json_object_get (event, "error"),
                    json_is_number (time)? json_number_value (time): -1,
                    json_object_get (event, "index"));
}

//  --------------------------------------------------------------------------
//  A fast path for our JSONL: a flat object whose keys and strings have no
//  escapes. jansson takes about 2 us a line; this takes a tenth of that.
//  Anything unexpected returns -1 and the line goes to jansson, which also
//  words the errors.

typedef struct {
    const char *p, *end;
} s_scan_t;

static void
s_ws (s_scan_t *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r'))
        s->p++;
}

//  A string without escapes: sets *str and *len. 0 or -1.
static int
s_str (s_scan_t *s, const char **str, size_t *len)
{
    if (s->p >= s->end || *s->p != '"')
        return -1;
    const char *q = ++s->p;
    while (q < s->end && *q != '"' && *q != '\\' && (unsigned char) *q >= 0x20)
        q++;
    if (q >= s->end || *q != '"')
        return -1;
    *str = s->p;
    *len = (size_t) (q - s->p);
    s->p = q + 1;
    return 0;
}

//  One value as a new json_t, or NULL when the fast path gives up.
static json_t *
s_val (s_scan_t *s)
{
    s_ws (s);
    if (s->p >= s->end)
        return NULL;
    char c = *s->p;
    if (c == '"') {
        const char *str;
        size_t len;
        return s_str (s, &str, &len)? NULL: json_stringn (str, len);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *q = s->p;
        bool real = false;
        while (q < s->end && strchr ("0123456789+-.eE", *q)) {
            real |= *q == '.' || *q == 'e' || *q == 'E';
            q++;
        }
        char num [40];
        if (q - s->p >= (long) sizeof (num))
            return NULL;
        memcpy (num, s->p, (size_t) (q - s->p));
        num [q - s->p] = 0;
        char *rest;
        errno = 0;
        json_t *v = real? json_real (strtod (num, &rest)): json_integer (strtoll (num, &rest, 10));
        if (*rest || errno) {
            json_decref (v);
            return NULL;
        }
        s->p = q;
        return v;
    }
    static const struct { const char *word; size_t len; } words [] = {
        { "null", 4 }, { "true", 4 }, { "false", 5 } };
    for (int i = 0; i < 3; i++)
        if ((size_t) (s->end - s->p) >= words [i].len
        && memcmp (s->p, words [i].word, words [i].len) == 0) {
            s->p += words [i].len;
            return i == 0? json_null (): i == 1? json_true (): json_false ();
        }
    if (c != '[' && c != '{')
        return NULL;
    //  A nested value: find its end, let jansson read it
    const char *q = s->p;
    int depth = 0;
    do {
        if (*q == '"') {
            q++;
            while (q < s->end && *q != '"')
                q += *q == '\\'? 2: 1;
        }
        else
        if (*q == '[' || *q == '{')
            depth++;
        else
        if (*q == ']' || *q == '}')
            depth--;
        q++;
    } while (depth > 0 && q < s->end);
    if (depth)
        return NULL;
    //  A key twice in it fails here and again, named, on jansson's path
    json_t *v = json_loadb (s->p, (size_t) (q - s->p), JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
                            NULL);
    s->p = q;
    return v;
}

//  Fields of an event, fast. Returns 0 with the event handled (rc in *rc),
//  -1 to fall back to jansson. A key seen twice falls back too: jansson
//  refuses it and names it. The other keys are remembered to see that (the
//  first S_OTHER_KEYS_MAX of them; a line with more falls back).
#define S_OTHER_KEYS_MAX 8
static int
s_fast_event (ophistory_t *self, int line, const char *p, size_t n, int *rc)
{
    enum { PROCESS, TYPE, F, KEY, VALUE, ERROR, TIME, INDEX, FIELDS };
    static const char *names [FIELDS] = { "process", "type", "f", "key", "value", "error", "time", "index" };
    json_t *field [FIELDS] = { NULL };
    struct { const char *key; size_t len; } other [S_OTHER_KEYS_MAX];
    int others = 0;
    s_scan_t s = { p, p + n };
    s_ws (&s);
    int ok = s.p < s.end && *s.p == '{'? 0: -1;
    s.p++;
    s_ws (&s);
    bool empty = s.p < s.end && *s.p == '}';
    while (ok == 0 && !empty) {
        const char *key = NULL;
        size_t len = 0;
        s_ws (&s);
        if (s_str (&s, &key, &len)) {
            ok = -1;
            break;
        }
        s_ws (&s);
        if (s.p >= s.end || *s.p++ != ':') {
            ok = -1;
            break;
        }
        json_t *value = s_val (&s);
        if (!value) {
            ok = -1;
            break;
        }
        int i = 0;
        while (i < FIELDS && !(strlen (names [i]) == len && memcmp (names [i], key, len) == 0))
            i++;
        if (i < FIELDS && field [i])
            ok = -1;            // twice
        else
        if (i < FIELDS)
            field [i] = value;
        else {
            for (int k = 0; k < others; k++)
                if (other [k].len == len && memcmp (other [k].key, key, len) == 0)
                    ok = -1;    // twice
            if (others == S_OTHER_KEYS_MAX)
                ok = -1;
            else {
                other [others].key = key;
                other [others++].len = len;
            }
        }
        if (i >= FIELDS || ok)
            json_decref (value);
        if (ok)
            break;
        s_ws (&s);
        if (s.p < s.end && *s.p == ',')
            s.p++;
        else
        if (s.p < s.end && *s.p == '}')
            break;
        else
            ok = -1;
    }
    if (ok == 0) {
        s.p++;
        s_ws (&s);
        if (s.p < s.end && *s.p != '\n')
            ok = -1;
    }
    if (ok == 0 && ((field [TYPE] && !json_is_string (field [TYPE]))
                 || (field [F] && !json_is_string (field [F]))))
        ok = -1;
    if (ok == 0)
        *rc = s_event (self, line, field [PROCESS], json_string_value (field [TYPE]),
                       json_string_value (field [F]), field [KEY], field [VALUE], field [ERROR],
                       json_is_number (field [TIME])? json_number_value (field [TIME]): -1,
                       field [INDEX]);
    for (int i = 0; i < FIELDS; i++)
        json_decref (field [i]);
    return ok;
}

static int
s_read_jsonl (ophistory_t *self, const char *buf, size_t len)
{
    jsonl_lines_t lines;
    jsonl_lines_init (&lines, buf, len);
    //  The whole file is in memory: a line as long as it is read, as an EDN
    //  value of any length is (an Elle read of 200,000 elements is 1.3 MB)
    lines.max = len;
    self->json_values = true;
    int more;
    while ((more = jsonl_lines_next (&lines, self->name, &self->error)) == 1) {
        int line = (int) lines.line;
        int rc = 0;
        if (s_fast_event (self, line, lines.text, lines.len, &rc) == 0) {
            if (rc)
                return rc;
            continue;
        }
        json_error_t jerr;
        json_t *event = json_loadb (lines.text, lines.len, JSON_REJECT_DUPLICATES, &jerr);
        //  A key twice is refused (Clojure's reader refuses it in EDN), even
        //  in a torn last line: a line cut short has no key twice
        char *twice = event? NULL: jsonl_duplicate_key (lines.text, lines.len, &jerr);
        if (twice) {
            rc = s_error (self, line, "malformed JSON: duplicate key '%s'", twice);
            free (twice);
            return rc;
        }
        if (!event && lines.torn)
            return 0;       // a torn last line: the run was cut mid-write
        //  jansson names its own flag for an escaped NUL: say what it means
        if (!event && strstr (jerr.text, "JSON_ALLOW_NUL"))
            return s_error (self, line, "a string holds \\u0000 (NUL) at column %d: values"
                            " with NUL characters are not taken", jerr.column);
        if (!event)
            return s_error (self, line, "malformed JSON: %s", jerr.text);
        rc = s_event_object (self, line, event);
        json_decref (event);
        if (rc)
            return rc;
    }
    return more;
}

static int
s_read_edn (ophistory_t *self, const char *buf, size_t len)
{
    edn_reader_t reader;
    edn_reader_init (&reader, buf, len);
    int close = 0;
    int c = edn_peek (&reader);
    if (c == '[' || c == '(') {
        close = c == '['? ']': ')';
        edn_advance (&reader);
        self->explicit_empty = true;
    }
    while (true) {
        c = edn_peek (&reader);
        if (close && c == close) {
            edn_advance (&reader);
            close = 0;
            continue;
        }
        if (c < 0)
            return close? s_error (self, reader.line, "unexpected end of input: no closing '%c'", close): 0;
        int line = reader.line;
        json_t *event = NULL;
        int rc = edn_read (&reader, &event);
        if (rc < 0)
            return s_error (self, reader.line, "malformed EDN: %s", reader.error);
        if (rc == 0)        // only discarded forms or a tag were left
            return close? s_error (self, reader.line, "unexpected end of input: no closing '%c'", close): 0;
        rc = s_event_object (self, line, event);
        json_decref (event);
        if (rc)
            return rc;
    }
}

static bool
s_is_timed_out (json_t *value)
{
    return json_is_string (value) && strcmp (edn_name (json_string_value (value)), "timed-out") == 0;
}

//  Where the message of a jepsen.util logger line starts: after
//  "jepsen.util - " (log4j's "%p %c - %m") or "jepsen.util: ", the logger's
//  name standing alone. NULL for any other line, a stack frame's
//  "at jepsen.util$timeout_STAR_.invoke(util.clj:80)" among them.
static const char *
s_log_message (const char *p, const char *eol)
{
    for (const char *at = p; at < eol; at += 11) {
        at = memmem (at, (size_t) (eol - at), "jepsen.util", 11);
        if (!at)
            return NULL;
        const char *m = at + 11;
        bool alone = at == p || at [-1] == ' ' || at [-1] == '\t' || at [-1] == ']';
        if (alone && m < eol && *m == ':')
            m++;                //  "jepsen.util: 3" and "jepsen.util:3" alike
        else
        if (alone && m + 1 < eol && (*m == ' ' || *m == '\t') && m [1] == '-'
        &&  (m + 2 == eol || m [2] == ' ' || m [2] == '\t'))
            m += 2;
        else
            continue;
        while (m < eol && (*m == ' ' || *m == '\t'))
            m++;
        return m;
    }
    return NULL;
}

//  Process, type, f, value and an error from a jepsen.util line, in either
//  of Jepsen's layouts, fields apart by tabs or runs of spaces:
//      INFO  jepsen.util - 3	:ok	:read	2
//      2024-01-01 12:00:00,000{GMT}	INFO	[jepsen worker 0] jepsen.util: 3	:ok	:read	2
//      INFO  jepsen.util - 3	:fail	:read	nil	connection refused
//  (jepsen.util/op->str: an :error follows the value after a tab, as text).
//  A line whose message starts with a process number is an event, and
//  one it cannot read is refused by line; so is a named process (":r1")
//  followed by a keyword. The logger's other messages ("Relative time
//  begins now") are prose and skipped, as are other loggers' lines and
//  stack traces. The nemesis's value may be free text ("Full partition
//  healed: ok"): its events are skipped, so it is kept unread.
static int
s_read_log_line (ophistory_t *self, int line, const char *p, const char *eol)
{
    p = s_log_message (p, eol);
    if (!p)
        return 0;               // other log lines carry no events
    edn_reader_t reader;
    edn_reader_init (&reader, p, (size_t) (eol - p));
    json_t *field [3] = { NULL, NULL, NULL };
    json_t *value = NULL, *error = NULL;
    int rc = 0;
    int c = edn_peek (&reader);
    bool number = c >= 0 && (isdigit (c) || (c == '-' && reader.p + 1 < eol
                                              && isdigit ((unsigned char) reader.p [1])));
    if (!number && c != ':')
        return 0;               //  a word first: prose
    if (edn_read (&reader, &field [0]) != 1 || (!number && edn_peek (&reader) != ':')) {
        json_decref (field [0]);
        if (number)
            return s_error (self, line, "malformed log line: expected process, type and f");
        return 0;               //  a keyword, then no keyword: prose
    }
    bool nemesis = json_is_string (field [0])
                && strcmp (edn_name (json_string_value (field [0])), "nemesis") == 0;
    for (int i = 1; i < 3 && rc == 0; i++)
        if (edn_peek (&reader) < 0 || edn_read (&reader, &field [i]) != 1)
            rc = s_error (self, line, "malformed log line: expected process, type and f");
    //  Jepsen prints every event's value, nil when there is none
    if (rc == 0 && edn_peek (&reader) < 0)
        rc = s_error (self, line, "malformed log line: no value after the f");
    if (rc == 0 && nemesis)
        value = json_stringn (reader.p, (size_t) (eol - reader.p));
    else
    if (rc == 0 && edn_read (&reader, &value) != 1)
        rc = s_error (self, line, "malformed log line: bad value: %s", reader.error);
    if (rc == 0 && !nemesis && reader.p < eol && *reader.p == '\t') {
        const char *e = reader.p + 1, *end = eol;
        while (end > e && (end [-1] == '\r' || end [-1] == ' ' || end [-1] == '\t'))
            end--;
        if (end > e) {
            char *text = strndup (e, (size_t) (end - e));
            error = text? edn_parse_value (text): NULL;
            if (!error && text)
                error = json_string (text);
            free (text);
        }
    }
    else
    if (rc == 0 && !nemesis && edn_peek (&reader) >= 0)
        rc = s_error (self, line, "malformed log line: text after the value (an error"
                      " follows it after a tab)");
    if (rc == 0 && (!json_is_string (field [1]) || !json_is_string (field [2])))
        rc = s_error (self, line, "malformed log line: type and f must be keywords");
    //  A fail that timed out is not a fail: the client gave up waiting, the
    //  op may or may not have happened (a :fail :cas [1 2] ran and did not
    //  match; a :fail :cas :timed-out may have matched). Jepsen's own info.
    const char *type = rc == 0? json_string_value (field [1]): NULL;
    if (type && strcmp (edn_name (type), "fail") == 0 && s_is_timed_out (value))
        type = "info";
    if (rc == 0)
        rc = s_event (self, line, field [0], type,
                      json_string_value (field [2]), NULL, value, error, -1, NULL);
    for (int i = 0; i < 3; i++)
        json_decref (field [i]);
    json_decref (value);
    json_decref (error);
    return rc;
}

static int
s_read_log (ophistory_t *self, const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    for (int line = 1; p < end; line++) {
        const char *eol = memchr (p, '\n', (size_t) (end - p));
        if (!eol)
            eol = end;
        if (s_read_log_line (self, line, p, eol))
            return -1;
        p = eol + 1;
    }
    return 0;
}

static int
s_guess (const char *name, const char *buf, size_t len)
{
    const char *dot = strrchr (name, '.');
    if (dot && (strcmp (dot, ".jsonl") == 0 || strcmp (dot, ".json") == 0))
        return OPHISTORY_JSONL;
    if (dot && strcmp (dot, ".edn") == 0)
        return OPHISTORY_EDN;
    if (dot && strcmp (dot, ".log") == 0)
        return OPHISTORY_JEPSEN_LOG;
    size_t i = 0;
    while (i < len && strchr (" \t\r\n", buf [i]))
        i++;
    if (i < len && buf [i] == '{') {
        i++;
        while (i < len && strchr (" \t\r\n", buf [i]))
            i++;
        return i < len && buf [i] == '"'? OPHISTORY_JSONL: OPHISTORY_EDN;
    }
    if (i < len && strchr ("[(;", buf [i]))
        return OPHISTORY_EDN;
    return OPHISTORY_JEPSEN_LOG;
}

ophistory_t *
ophistory_parse (const char *name, const char *buf, size_t len, int format, char **error)
{
    return ophistory_parse_max (name, buf, len, format, FL_HISTORY_OPS_MAX, error);
}

ophistory_t *
ophistory_parse_max (const char *name, const char *buf, size_t len, int format,
                     size_t ops_max, char **error)
{
    assert (name && buf && error);
    assert (ops_max <= FL_HISTORY_OPS_MAX);
    *error = NULL;
    ophistory_t *self = calloc (1, sizeof (ophistory_t));
    assert (self);
    self->ops_max = ops_max;
    self->name = strdup (name);
    //  A UTF-8 byte-order mark, as Windows editors and PowerShell write
    //  one, is no part of the history: passed over (it would make line 1
    //  "not a map", or the whole file a Jepsen log with no events)
    if (len >= 3 && memcmp (buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    self->format = format < 0? s_guess (name, buf, len): format;
    int rc = self->format == OPHISTORY_JSONL? s_read_jsonl (self, buf, len)
           : self->format == OPHISTORY_EDN? s_read_edn (self, buf, len)
           : s_read_log (self, buf, len);
    //  Nothing read is not an empty history but the wrong file or format
    //  (garbage, plain text, EDN read as log lines): an explicit EDN [] is
    //  the only way to say "no events"
    if (rc == 0 && self->seen == 0 && !self->explicit_empty) {
        if (asprintf (&self->error, "%s: no history events found (read as %s; is --format right?)",
                      name, ophistory_format_name (self->format)) < 0)
            self->error = NULL;
        rc = -1;
    }
    if (rc) {
        *error = self->error? self->error: strdup ("bad history");
        self->error = NULL;
        ophistory_destroy (&self);
    }
    return self;
}

ophistory_t *
ophistory_load (const char *path, int format, char **error)
{
    assert (path && error);
    FILE *file = fopen (path, "rb");
    if (!file) {
        if (asprintf (error, "%s: %s", path, strerror (errno)) < 0)
            *error = NULL;
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc (cap + 1);
    size_t got;
    while (buf && (got = fread (buf + len, 1, cap - len, file)) > 0) {
        len += got;
        if (len == cap) {
            cap *= 2;
            char *bigger = realloc (buf, cap + 1);
            if (!bigger)
                free (buf);
            buf = bigger;
        }
    }
    fclose (file);
    if (!buf) {
        if (asprintf (error, "%s: out of memory", path) < 0)
            *error = NULL;
        return NULL;
    }
    buf [len] = 0;
    ophistory_t *self = ophistory_parse (path, buf, len, format, error);
    free (buf);
    return self;
}

void
ophistory_destroy (ophistory_t **self_p)
{
    assert (self_p);
    ophistory_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->nops; i++) {
        json_decref (self->ops [i].key);
        json_decref (self->ops [i].in);
        json_decref (self->ops [i].out);
        json_decref (self->ops [i].error);
    }
    for (size_t i = 0; i < self->nfs; i++)
        free (self->fs [i]);
    for (size_t i = 0; i < self->nnames; i++)
        free (self->names [i]);
    free (self->names);
    free (self->ops);
    free (self->pkeys);
    free (self->pvals);
    free (self->name);
    free (self->error);
    free (self);
    *self_p = NULL;
}

ophistory_format_t ophistory_format (const ophistory_t *self) { assert (self); return self->format; }
size_t ophistory_size (const ophistory_t *self) { assert (self); return self->nops; }
int64_t ophistory_events (const ophistory_t *self) { assert (self); return self->events; }

const char *
ophistory_process_name (const ophistory_t *self, int64_t process)
{
    assert (self);
    if (process >= 0 || (size_t) -(process + 1) >= self->nnames)
        return NULL;
    return self->names [-(process + 1)];
}

op_t *
ophistory_op (const ophistory_t *self, size_t index)
{
    assert (self);
    assert (index < self->nops);
    return &self->ops [index];
}

static int
s_cmp_i64 (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return x < y? -1: x > y;
}

//  An error as a code: 22, or a Maelstrom error body {"code": 22, ...}.
static int64_t
s_error_code (json_t *error)
{
    if (json_is_object (error))
        error = json_object_get (error, "code");
    return json_is_integer (error)? json_integer_value (error): -1;
}

op_outcome_t
ophistory_op_outcome (const ophistory_t *self, const op_t *op)
{
    assert (self && op);
    if (op->type == OP_OK)
        return OP_OUTCOME_OK;
    if (op->type == OP_INFO || op->type == OP_PENDING)
        return OP_OUTCOME_UNKNOWN;
    bool cas = strcmp (op->f, "cas") == 0;
    switch (self->format) {
        case OPHISTORY_JSONL:
            if (cas && s_error_code (op->error) == 22)
                return OP_OUTCOME_CAS_FAILED;
            return OP_OUTCOME_SKIP;
        case OPHISTORY_JEPSEN_LOG:
            return cas? OP_OUTCOME_CAS_FAILED: OP_OUTCOME_SKIP;
        default:
            return OP_OUTCOME_SKIP;
    }
}

//  A txn's value from JSONL, where micro-op fs are strings ("append"):
//  Elle reads keywords (:append), so the known ones are written as such.
static void
s_write_txn_value (json_t *value, FILE *out)
{
    fputs ("[", out);
    size_t i;
    json_t *mop;
    json_array_foreach (value, i, mop) {
        const char *f = json_string_value (json_array_get (mop, 0));
        if (i)
            fputs (" ", out);
        if (!json_is_array (mop) || !f || (strcmp (f, "append") && strcmp (f, "r")
                                           && strcmp (f, "w"))) {
            edn_write (mop, out);
            continue;
        }
        fprintf (out, "[:%s", f);
        for (size_t j = 1; j < json_array_size (mop); j++) {
            fputs (" ", out);
            edn_write (json_array_get (mop, j), out);
        }
        fputs ("]", out);
    }
    fputs ("]", out);
}

//  One event as an EDN map.
static void
s_write_event (const ophistory_t *self, const op_t *op, bool invoke, FILE *out)
{
    fputs ("{:process ", out);
    const char *process_name = ophistory_process_name (self, op->process);
    if (!process_name)
        fprintf (out, "%lld", (long long) op->process);
    else
        edn_write_name (process_name, false, out);
    fprintf (out, ", :type :%s, :f ", invoke? "invoke": op_type_name (op->type));
    //  An f that is no keyword's name ("a,pend", "1st") goes as a string
    edn_write_name (op->f, true, out);
    if (op->key) {
        fputs (", :key ", out);
        edn_write (op->key, out);
    }
    fputs (", :value ", out);
    json_t *value = invoke || !op->out? op->in: op->out;
    if (self->format == OPHISTORY_JSONL && strcmp (op->f, "txn") == 0 && json_is_array (value))
        s_write_txn_value (value, out);
    else
        edn_write (value, out);
    if (!invoke && op->error) {
        fputs (", :error ", out);
        edn_write (op->error, out);
    }
    double time = invoke? op->time_call: op->time_ret;
    if (time >= 0)
        fprintf (out, ", :time %.0f", time);
    //  Jepsen's numbering (the event's own index, else its position among
    //  all events): what the checker's reports call an op's index
    int64_t index = invoke? op->index_call: op->index_ret;
    if (index >= 0)
        fprintf (out, ", :index %lld", (long long) index);
    fputs ("}", out);
}

int
ophistory_write_edn (const ophistory_t *self, FILE *out)
{
    assert (self && out);
    //  Invokes are in position order already; completions are merged in
    int64_t *done = malloc ((self->nops + 1) * sizeof (int64_t));
    assert (done);
    size_t ndone = 0;
    for (size_t i = 0; i < self->nops; i++)
        if (self->ops [i].done >= 0)
            done [ndone++] = self->ops [i].done * (int64_t) (self->nops + 1) + (int64_t) i;
    qsort (done, ndone, sizeof (int64_t), s_cmp_i64);
    fputs ("[", out);
    size_t next = 0;
    for (size_t i = 0; i < self->nops || next < ndone; ) {
        bool invoke = i < self->nops && (next == ndone
                    || self->ops [i].call < done [next] / (int64_t) (self->nops + 1));
        const op_t *op = invoke? &self->ops [i++]
                       : &self->ops [done [next++] % (int64_t) (self->nops + 1)];
        if (i + next > 1)
            fputs ("\n ", out);
        s_write_event (self, op, invoke, out);
    }
    fputs ("]\n", out);
    free (done);
    return ferror (out)? -1: 0;
}

int
ophistory_format_parse (const char *name)
{
    if (!name)
        return -1;
    if (strcmp (name, "jsonl") == 0 || strcmp (name, "json") == 0)
        return OPHISTORY_JSONL;
    if (strcmp (name, "edn") == 0)
        return OPHISTORY_EDN;
    if (strcmp (name, "jepsen-log") == 0 || strcmp (name, "log") == 0)
        return OPHISTORY_JEPSEN_LOG;
    return -1;
}

const char *
ophistory_format_name (ophistory_format_t format)
{
    return format == OPHISTORY_JSONL? "jsonl": format == OPHISTORY_EDN? "edn": "jepsen-log";
}
