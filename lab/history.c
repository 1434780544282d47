/*  history.c -- write history.jsonl and faults.jsonl (see history.h).

    Op lines carry whatever JSON the workload's ops and the node's answers
    hold (a g-set read's list, a kafka poll's map), so every line is built
    with jansson, which also escapes it. Each line is flushed on its own.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>
#include <assert.h>
#include <jansson.h>
#include "history.h"

struct _history_t {
    FILE *ops;
    FILE *faults;
    int64_t index;
    int64_t invokes, oks, fails, infos;
};

static FILE *
s_open (const char *dir, const char *name, char **error)
{
    char path [4096];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    FILE *file = fopen (path, "w");
    if (!file && error && asprintf (error, "cannot create '%s': %s", path, strerror (errno)) < 0)
        *error = NULL;
    return file;
}

history_t *
history_new (const char *dir, char **error)
{
    assert (dir);
    history_t *self = calloc (1, sizeof *self);
    assert (self);
    self->ops = s_open (dir, "history.jsonl", error);
    self->faults = self->ops? s_open (dir, "faults.jsonl", error): NULL;
    if (!self->faults)
        history_destroy (&self);
    return self;
}

void
history_destroy (history_t **self_p)
{
    assert (self_p);
    history_t *self = *self_p;
    if (!self)
        return;
    if (self->ops)
        fclose (self->ops);
    if (self->faults)
        fclose (self->faults);
    free (self);
    *self_p = NULL;
}

//  One op line: the common head, the op's f, key and value, then what
//  the completion adds. Keys come in a fixed order (index, time, process,
//  type, f, key, value, error, final, node) so that lines read alike.
static void
s_line (history_t *self, int64_t time_ns, int process, const char *type,
        const json_t *op, json_t *value, json_t *error, bool final, int node)
{
    json_t *line = json_pack ("{s:I, s:I, s:i, s:s, s:O}", "index", (json_int_t) self->index++,
                              "time", (json_int_t) time_ns, "process", process, "type", type,
                              "f", json_object_get (op, "f"));
    assert (line);
    json_t *key = json_object_get (op, "key");
    if (key)
        json_object_set (line, "key", key);
    json_object_set (line, "value", value? value: json_null ());
    if (error)
        json_object_set (line, "error", error);
    if (final)
        json_object_set_new (line, "final", json_true ());
    if (node > 0) {
        char id [16];
        snprintf (id, sizeof id, "n%d", node);
        json_object_set_new (line, "node", json_string (id));
    }
    char *text = json_dumps (line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    json_decref (line);
    fprintf (self->ops, "%s\n", text? text: "{}");
    free (text);
    fflush (self->ops);
}

void
history_invoke (history_t *self, int64_t time_ns, int process, const json_t *op, bool final,
                int node)
{
    assert (self && op);
    s_line (self, time_ns, process, "invoke", op, json_object_get (op, "value"), NULL, final,
            node);
    self->invokes++;
}

void
history_complete (history_t *self, int64_t time_ns, int process, const json_t *op,
                  bool final, const workload_outcome_t *outcome)
{
    assert (self && op && outcome);
    json_t *value = outcome->result == WORKLOAD_OK && outcome->value? outcome->value:
                    json_object_get (op, "value");
    json_t *error = *outcome->why? json_string (outcome->why):
                    outcome->code >= 0? json_integer (outcome->code): NULL;
    const char *type = outcome->result == WORKLOAD_OK? "ok":
                       outcome->result == WORKLOAD_FAIL? "fail": "info";
    s_line (self, time_ns, process, type, op, value, error, final, 0);
    json_decref (error);
    if (outcome->result == WORKLOAD_OK)
        self->oks++;
    else
    if (outcome->result == WORKLOAD_FAIL)
        self->fails++;
    else
        self->infos++;
}

void
history_period (history_t *self, int64_t time_ns, const char *phase,
               const char *fault, const char *target, const char *detail)
{
    assert (self);
    json_t *line = json_pack ("{s:I, s:s, s:s, s:s, s:s}", "time", (json_int_t) time_ns,
                              "phase", phase, "fault", fault, "target", target? target: "",
                              "detail", detail? detail: "");
    char *text = json_dumps (line, JSON_COMPACT);
    fprintf (self->faults, "%s\n", text);
    fflush (self->faults);
    free (text);
    json_decref (line);
}

int64_t history_ok_count (const history_t *self)     { return self->oks; }
int64_t history_fail_count (const history_t *self)   { return self->fails; }
int64_t history_info_count (const history_t *self)   { return self->infos; }
int64_t history_invoke_count (const history_t *self) { return self->invokes; }
