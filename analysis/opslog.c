/*  opslog.c -- reads a history.jsonl into paired operations.

    The file is read one line at a time; only the operations are kept (about
    64 bytes each), never the parsed JSON, so ten million ops fit. A process
    has at most one open operation: an invoke opens it, the next ok, fail or
    info of that process closes it. An invoke on a process with an open op,
    or a completion with none open, is bad input and is reported with the
    file and line, as are malformed lines. Lines whose process is the string
    "nemesis" (Jepsen's fault events) are skipped: our faults live in
    faults.jsonl.

    Invariants: ops are in invoke order; an op's return_ns >= invoke_ns; the
    index table is sorted by history index once loading is done.
*/
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include <jansson.h>
#include "limits.h"
#include "opslog.h"
#include "jsonl.h"

typedef struct {
    int64_t index;
    int64_t op;
} s_index_t;

struct _opslog_t {
    opslog_op_t *ops;
    size_t size, capacity;
    size_t ops_max;             // FL_HISTORY_OPS_MAX, or less (tests)
    int64_t end_ns;
    zhashx_t *atom_ids;         // text -> atom + 1
    char **atoms;
    size_t atoms_size, atoms_capacity;
    zhashx_t *open;             // process (decimal text) -> op + 1
    s_index_t *indices;         // sorted by index after load
    size_t indices_size;
    size_t torn_line;           // a torn last line ignored, or 0
};

//  Where a parse error is reported from.
typedef struct {
    const char *path;
    size_t line;
    char **error;
} s_where_t;

static int
s_fail (s_where_t *where, const char *format, ...)
{
    char text [512];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text, format, args);
    va_end (args);
    return jsonl_fail (where->error, where->path, where->line, "%s", text);
}

static void *
s_grow (void *array, size_t *capacity, size_t item_size)
{
    size_t wanted = *capacity ? *capacity * 2 : 1024;
    void *bigger = realloc (array, wanted * item_size);
    if (bigger)
        *capacity = wanted;
    return bigger;
}

static int32_t
s_intern (opslog_t *self, const char *text)
{
    void *found = zhashx_lookup (self->atom_ids, text);
    if (found)
        return (int32_t) ((uintptr_t) found - 1);
    if (self->atoms_size == self->atoms_capacity) {
        char **bigger = s_grow (self->atoms, &self->atoms_capacity, sizeof (char *));
        if (!bigger)
            return -1;
        self->atoms = bigger;
    }
    char *copy = strdup (text);
    if (!copy)
        return -1;
    int32_t atom = (int32_t) self->atoms_size;
    self->atoms [self->atoms_size++] = copy;
    zhashx_insert (self->atom_ids, copy, (void *) (uintptr_t) (atom + 1));
    return atom;
}

//  Intern a JSON value by its compact text; -1 for NULL.
static int32_t
s_intern_json (opslog_t *self, json_t *value)
{
    if (!value)
        return -1;
    char *text = json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    if (!text)
        return -1;
    int32_t atom = s_intern (self, text);
    free (text);
    return atom;
}

static opslog_f_t
s_f_kind (const char *f)
{
    if (streq (f, "read") || streq (f, "get"))
        return OPSLOG_F_READ;
    if (streq (f, "write") || streq (f, "put"))
        return OPSLOG_F_WRITE;
    if (streq (f, "cas"))
        return OPSLOG_F_CAS;
    return OPSLOG_F_OTHER;
}

//  An invoke's "node": "nK" with K in 1..FL_NODES_MAX gives K; anything
//  else (absent, another name: a history not written by this lab) 0.
static int16_t
s_node (const json_t *node)
{
    const char *text = json_string_value (node);
    if (!text || text [0] != 'n' || text [1] < '1' || text [1] > '9')
        return 0;
    char *end = NULL;
    long k = strtol (text + 1, &end, 10);
    return *end || k > FL_NODES_MAX? 0: (int16_t) k;
}

static int
s_invoke (opslog_t *self, s_where_t *where, json_t *event,
          int64_t process, int64_t time_ns, int64_t index)
{
    char name [32];
    snprintf (name, sizeof name, "%" PRId64, process);
    void *open = zhashx_lookup (self->open, name);
    if (open)
        return s_fail (where, "invoke for process %" PRId64 " while its op of index %"
                       PRId64 " is still open", process,
                       self->ops [(uintptr_t) open - 1].invoke_index);
    const char *f = json_string_value (json_object_get (event, "f"));
    if (!f)
        return s_fail (where, "invoke without a string 'f'");
    if (self->size >= self->ops_max)
        return s_fail (where, "more than %zu ops (FL_HISTORY_OPS_MAX is %d)",
                       self->ops_max, FL_HISTORY_OPS_MAX);
    if (self->size == self->capacity) {
        opslog_op_t *bigger = s_grow (self->ops, &self->capacity, sizeof (opslog_op_t));
        if (!bigger)
            return s_fail (where, "out of memory");
        self->ops = bigger;
    }
    opslog_op_t *op = &self->ops [self->size];
    memset (op, 0, sizeof *op);
    op->invoke_ns = time_ns;
    op->return_ns = -1;
    op->process = process;
    op->invoke_index = index;
    op->return_index = -1;
    op->invoke_line = (int64_t) where->line;
    op->f_atom = s_intern (self, f);
    op->f = (uint8_t) s_f_kind (f);
    op->key = s_intern_json (self, json_object_get (event, "key"));
    op->value = op->from = op->error = op->return_value = -1;
    op->type = OPSLOG_PENDING;
    op->final = json_is_true (json_object_get (event, "final"));
    op->node = s_node (json_object_get (event, "node"));
    json_t *value = json_object_get (event, "value");
    op->invoke_value = s_intern_json (self, value);
    if (op->f == OPSLOG_F_WRITE)
        op->value = op->invoke_value;
    else
    if (op->f == OPSLOG_F_CAS && json_is_array (value) && json_array_size (value) == 2) {
        op->from = s_intern_json (self, json_array_get (value, 0));
        op->value = s_intern_json (self, json_array_get (value, 1));
    }
    zhashx_update (self->open, name, (void *) (uintptr_t) (self->size + 1));
    self->size++;
    return 0;
}

static int
s_complete (opslog_t *self, s_where_t *where, json_t *event, opslog_type_t type,
            int64_t process, int64_t time_ns, int64_t index)
{
    char name [32];
    snprintf (name, sizeof name, "%" PRId64, process);
    void *open = zhashx_lookup (self->open, name);
    if (!open)
        return s_fail (where, "completion with no open invoke for process %" PRId64, process);
    opslog_op_t *op = &self->ops [(uintptr_t) open - 1];
    if (time_ns < op->invoke_ns)
        return s_fail (where, "completes at %" PRId64 " ns, before its invoke at %"
                       PRId64 " ns", time_ns, op->invoke_ns);
    op->return_ns = time_ns;
    op->return_index = index;
    op->type = (uint8_t) type;
    json_t *error = json_object_get (event, "error");
    if (json_is_integer (error))
        op->error = (int32_t) json_integer_value (error);
    op->return_value = s_intern_json (self, json_object_get (event, "value"));
    if (op->f == OPSLOG_F_READ && type == OPSLOG_OK)
        op->value = op->return_value;
    op->final |= json_is_true (json_object_get (event, "final"));
    zhashx_delete (self->open, name);
    return 0;
}

static int
s_event (opslog_t *self, s_where_t *where, json_t *event)
{
    if (!json_is_object (event))
        return s_fail (where, "not a JSON object");
    json_t *process = json_object_get (event, "process");
    if (json_is_string (process) && streq (json_string_value (process), "nemesis"))
        return 0;
    const char *type = json_string_value (json_object_get (event, "type"));
    json_t *time = json_object_get (event, "time");
    json_t *index = json_object_get (event, "index");
    if (!type)
        return s_fail (where, "missing string 'type'");
    if (!json_is_integer (time) || json_integer_value (time) < 0)
        return s_fail (where, "'time' is not a non-negative integer");
    if (!json_is_integer (process))
        return s_fail (where, "'process' is not an integer");
    if (index && !json_is_integer (index))
        return s_fail (where, "'index' is not an integer");
    int64_t time_ns = json_integer_value (time);
    int64_t index_value = index ? json_integer_value (index) : (int64_t) where->line - 1;
    int64_t process_id = json_integer_value (process);
    if (time_ns > self->end_ns)
        self->end_ns = time_ns;
    if (streq (type, "invoke"))
        return s_invoke (self, where, event, process_id, time_ns, index_value);
    if (streq (type, "ok"))
        return s_complete (self, where, event, OPSLOG_OK, process_id, time_ns, index_value);
    if (streq (type, "fail"))
        return s_complete (self, where, event, OPSLOG_FAIL, process_id, time_ns, index_value);
    if (streq (type, "info"))
        return s_complete (self, where, event, OPSLOG_INFO, process_id, time_ns, index_value);
    return s_fail (where, "unknown type '%s'", type);
}

static int
s_index_compare (const void *a, const void *b)
{
    const s_index_t *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

static int
s_build_indices (opslog_t *self)
{
    self->indices = malloc ((self->size * 2 + 1) * sizeof (s_index_t));
    if (!self->indices)
        return -1;
    for (size_t i = 0; i < self->size; i++) {
        const opslog_op_t *op = &self->ops [i];
        self->indices [self->indices_size++] = (s_index_t) { op->invoke_index, (int64_t) i };
        if (op->return_index >= 0)
            self->indices [self->indices_size++] = (s_index_t) { op->return_index, (int64_t) i };
    }
    qsort (self->indices, self->indices_size, sizeof (s_index_t), s_index_compare);
    return 0;
}

static opslog_t *
s_new (void)
{
    opslog_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->atom_ids = zhashx_new ();
    self->open = zhashx_new ();
    if (!self->atom_ids || !self->open) {
        opslog_destroy (&self);
        return NULL;
    }
    //  The table's keys are the atoms' own copies (freed with atoms []):
    //  a broadcast read's list is held once, not twice.
    zhashx_set_key_duplicator (self->atom_ids, NULL);
    zhashx_set_key_destructor (self->atom_ids, NULL);
    return self;
}

//  One history line for jsonl_read: arg is an s_loading_t, the opslog
//  being filled and where errors are reported from.
typedef struct {
    opslog_t *self;
    s_where_t *where;
} s_loading_t;

static int
s_on_line (void *arg, json_t *event, const char *path, size_t line, char **error)
{
    (void) path;
    (void) error;               // both are in where
    s_loading_t *loading = (s_loading_t *) arg;
    loading->where->line = line;
    return s_event (loading->self, loading->where, event);
}

opslog_t *
opslog_load (const char *path, char **error)
{
    return opslog_load_max (path, FL_HISTORY_OPS_MAX, error);
}

opslog_t *
opslog_load_max (const char *path, size_t ops_max, char **error)
{
    assert (path);
    assert (ops_max <= FL_HISTORY_OPS_MAX);
    s_where_t where = { path, 0, error };
    FILE *file = fopen (path, "r");
    if (!file) {
        s_fail (&where, "cannot open: %s", strerror (errno));
        return NULL;
    }
    opslog_t *self = s_new ();
    if (self)
        self->ops_max = ops_max;
    s_loading_t loading = { self, &where };
    size_t torn = 0;
    int rc = self ? jsonl_read_torn (file, path, s_on_line, &loading, &where.line, &torn, error)
                  : s_fail (&where, "out of memory");
    if (self)
        self->torn_line = torn;
    fclose (file);
    if (rc == 0 && s_build_indices (self) != 0)
        rc = s_fail (&where, "out of memory");
    if (rc != 0)
        opslog_destroy (&self);
    return self;
}

size_t
opslog_torn_line (const opslog_t *self)
{
    assert (self);
    return self->torn_line;
}

void
opslog_destroy (opslog_t **self_p)
{
    assert (self_p);
    opslog_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy (&self->atom_ids);       // before the atoms: its keys
    for (size_t i = 0; i < self->atoms_size; i++)
        free (self->atoms [i]);
    free (self->atoms);
    free (self->ops);
    free (self->indices);
    zhashx_destroy (&self->open);
    free (self);
    *self_p = NULL;
}

size_t
opslog_size (const opslog_t *self)
{
    assert (self);
    return self->size;
}

const opslog_op_t *
opslog_op (const opslog_t *self, size_t i)
{
    assert (self);
    assert (i < self->size);
    return &self->ops [i];
}

int64_t
opslog_end_ns (const opslog_t *self)
{
    assert (self);
    return self->end_ns;
}

const char *
opslog_atom (const opslog_t *self, int32_t atom)
{
    assert (self);
    if (atom < 0 || (size_t) atom >= self->atoms_size)
        return "";
    return self->atoms [atom];
}

int32_t
opslog_atom_find (const opslog_t *self, const char *text)
{
    assert (self);
    void *found = zhashx_lookup (self->atom_ids, text);
    return found ? (int32_t) ((uintptr_t) found - 1) : -1;
}

size_t
opslog_atoms (const opslog_t *self)
{
    assert (self);
    return self->atoms_size;
}

int64_t
opslog_find_index (const opslog_t *self, int64_t index)
{
    assert (self);
    s_index_t wanted = { index, 0 };
    s_index_t *found = bsearch (&wanted, self->indices, self->indices_size,
                                sizeof (s_index_t), s_index_compare);
    return found ? found->op : -1;
}

int64_t
opslog_find_line (const opslog_t *self, int64_t line)
{
    assert (self);
    size_t low = 0, high = self->size;      // ops are in line order
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (self->ops [middle].invoke_line < line)
            low = middle + 1;
        else
            high = middle;
    }
    return low < self->size && self->ops [low].invoke_line == line ? (int64_t) low : -1;
}
