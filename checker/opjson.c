/*  opjson.c -- an op as JSON and as words (opjson.h).
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "opjson.h"

json_t *
opjson_op (const ophistory_t *history, size_t index)
{
    assert (history);
    const op_t *op = ophistory_op (history, index);
    const char *name = ophistory_process_name (history, op->process);
    json_t *obj = json_pack ("{s:I, s:I, s:o, s:s, s:O, s:s, s:i}",
                             "index", (json_int_t) op->index_call, "op", (json_int_t) index,
                             "process", name? json_string (name): json_integer (op->process),
                             "f", op->f, "value", op->in, "type", op_type_name (op->type),
                             "line", op->line_call);
    if (op->key)
        json_object_set (obj, "key", op->key);
    if (op->out && op->type != OP_INFO)
        json_object_set (obj, "result", op->out);
    return obj;
}

static char *
s_dump (json_t *value)
{
    return value? json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY): strdup ("?");
}

static bool
s_pair (json_t *value)
{
    return json_is_array (value) && json_array_size (value) == 2;
}

char *
opjson_words (const ophistory_t *history, size_t index)
{
    assert (history);
    const op_t *op = ophistory_op (history, index);
    json_t *key = op->key, *in = op->in, *out = op->type == OP_OK? op->out: NULL;
    if (!key && s_pair (in) && (strcmp (op->f, "cas") || s_pair (json_array_get (in, 1)))) {
        key = json_array_get (in, 0);       // a [k v] tuple
        in = json_array_get (in, 1);
        out = s_pair (out)? json_array_get (out, 1): out;
    }
    const char *name = ophistory_process_name (history, op->process);
    char proc [32];
    snprintf (proc, sizeof proc, "p%lld", (long long) op->process);
    char *k = NULL;
    if (json_is_string (key))
        k = strdup (json_string_value (key));
    else
    if (key) {
        char *text = s_dump (key);          // 1 -> [1]: not to be read as a value
        if (asprintf (&k, "[%s]", text? text: "?") < 0)
            k = NULL;
        free (text);
    }
    else
        k = strdup ("the register");
    bool is_read = strcmp (op->f, "read") == 0 || strcmp (op->f, "get") == 0;
    bool is_cas = strcmp (op->f, "cas") == 0 && s_pair (in);
    char *v = s_dump (is_read? out: is_cas? json_array_get (in, 0): in);
    char *to = is_cas? s_dump (json_array_get (in, 1)): NULL;
    op_outcome_t outcome = ophistory_op_outcome (history, op);
    const char *tail = outcome == OP_OUTCOME_CAS_FAILED? " (failed: saw another value)"
                     : outcome == OP_OUTCOME_UNKNOWN? " (info)": "";
    char *text = NULL;
    int rc = is_read? asprintf (&text, "%s read %s=%s%s (line %d)", name? name: proc, k, v,
                                tail, op->line_call)
           : is_cas? asprintf (&text, "%s cas %s %s->%s%s (line %d)", name? name: proc, k, v,
                               to, tail, op->line_call)
           : asprintf (&text, "%s %s %s=%s%s (line %d)", name? name: proc,
                       strcmp (op->f, "write") == 0? "wrote": op->f, k, v, tail, op->line_call);
    if (rc < 0)
        text = NULL;
    free (k);
    free (v);
    free (to);
    return text;
}
