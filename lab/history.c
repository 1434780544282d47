/*  history.c -- write history.jsonl and faults.jsonl (see history.h).

    Op lines are printed directly rather than built as jansson objects:
    every field is a number or a short fixed string we produce ourselves,
    and at thousands of ops a second the direct path keeps the harness out
    of the measurement. Fault lines carry free text (the groups), so they go
    through jansson for correct escaping. Each line is flushed on its own.
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

//  The line's common head, up to and including "key".
static void
s_head (history_t *self, int64_t time_ns, int process, const char *type, const lin_kv_op_t *op)
{
    fprintf (self->ops, "{\"index\":%" PRId64 ",\"time\":%" PRId64 ",\"process\":%d,"
             "\"type\":\"%s\",\"f\":\"%s\",\"key\":\"%d\"",
             self->index++, time_ns, process, type, lin_kv_f_name (op->f), op->key);
}

//  The op's own value: write's value, cas's [from,to], read's null.
static void
s_value (history_t *self, const lin_kv_op_t *op)
{
    if (op->f == LIN_KV_WRITE)
        fprintf (self->ops, ",\"value\":%" PRId64, op->value);
    else
    if (op->f == LIN_KV_CAS)
        fprintf (self->ops, ",\"value\":[%" PRId64 ",%" PRId64 "]", op->from, op->value);
    else
        fprintf (self->ops, ",\"value\":null");
}

static void
s_end (history_t *self)
{
    fputs ("}\n", self->ops);
    fflush (self->ops);
}

void
history_invoke (history_t *self, int64_t time_ns, int process, const lin_kv_op_t *op)
{
    assert (self);
    s_head (self, time_ns, process, "invoke", op);
    s_value (self, op);
    s_end (self);
    self->invokes++;
}

void
history_ok (history_t *self, int64_t time_ns, int process, const lin_kv_op_t *op,
            bool has_value, int64_t value)
{
    assert (self);
    s_head (self, time_ns, process, "ok", op);
    if (op->f == LIN_KV_READ) {
        if (has_value)
            fprintf (self->ops, ",\"value\":%" PRId64, value);
        else
            fprintf (self->ops, ",\"value\":null");
    }
    else
        s_value (self, op);
    s_end (self);
    self->oks++;
}

void
history_fail (history_t *self, int64_t time_ns, int process, const lin_kv_op_t *op, int code)
{
    assert (self);
    s_head (self, time_ns, process, "fail", op);
    s_value (self, op);
    fprintf (self->ops, ",\"error\":%d", code);
    s_end (self);
    self->fails++;
}

void
history_info (history_t *self, int64_t time_ns, int process, const lin_kv_op_t *op, int code)
{
    assert (self);
    s_head (self, time_ns, process, "info", op);
    s_value (self, op);
    if (code >= 0)      // a timeout has no code: the op simply never returned
        fprintf (self->ops, ",\"error\":%d", code);
    s_end (self);
    self->infos++;
}

void
history_info_why (history_t *self, int64_t time_ns, int process, const lin_kv_op_t *op,
                  const char *why)
{
    assert (self && why);
    s_head (self, time_ns, process, "info", op);
    s_value (self, op);
    json_t *text = json_string (why);
    char *quoted = text? json_dumps (text, JSON_ENCODE_ANY): NULL;
    fprintf (self->ops, ",\"error\":%s", quoted? quoted: "\"?\"");
    free (quoted);
    json_decref (text);
    s_end (self);
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
