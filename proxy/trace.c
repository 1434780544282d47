/*  trace.c -- message trace writer (see trace.h).

    Each event is rendered into a line buffer with jansson, then copied to
    a pending buffer that trace_flush writes whole: the file only ever
    receives complete lines. Tracing is the proxy's slow path: with
    --trace every message is parsed, without it nothing here runs.
*/
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace.h"

#define TRACE_FLUSH_BYTES (256 * 1024)  // write early past this much pending

struct _trace_t {
    FILE *file;
    int64_t t0_ns;
    char *pending;
    size_t size;
    size_t capacity;
};

trace_t *
trace_new (const char *path, int64_t t0_ns)
{
    assert (path);
    FILE *file = fopen (path, "w");
    if (!file)
        return NULL;
    trace_t *self = (trace_t *) calloc (1, sizeof (trace_t));
    assert (self);
    self->file = file;
    self->t0_ns = t0_ns;
    return self;
}

void
trace_destroy (trace_t **self_p)
{
    assert (self_p);
    trace_t *self = *self_p;
    if (!self)
        return;
    trace_flush (self);
    fclose (self->file);
    free (self->pending);
    free (self);
    *self_p = NULL;
}

static void
s_append (trace_t *self, const char *text, size_t size)
{
    if (self->size + size > self->capacity) {
        size_t capacity = self->capacity? self->capacity: 64 * 1024;
        while (capacity < self->size + size)
            capacity *= 2;
        self->pending = (char *) realloc (self->pending, capacity);
        assert (self->pending);
        self->capacity = capacity;
    }
    memcpy (self->pending + self->size, text, size);
    self->size += size;
}

static json_t *
s_body (json_t *envelope, const void *raw, size_t raw_size)
{
    if (envelope) {
        json_t *body = json_object_get (envelope, "body");
        return json_incref (body? body: envelope);
    }
    json_t *text = raw? json_stringn ((const char *) raw, raw_size): NULL;
    return text? text: json_null ();     // not UTF-8: no body
}

void
trace_event (trace_t *self, int64_t now_ns, const char *src, const char *dest,
             const char *action, json_t *envelope, const void *raw,
             size_t raw_size, int64_t sent_ns)
{
    assert (self);
    json_t *line = json_object ();
    json_object_set_new (line, "time", json_integer (now_ns - self->t0_ns));
    json_object_set_new (line, "src", json_string (src));
    json_object_set_new (line, "dest", json_string (dest));
    json_object_set_new (line, "action", json_string (action));
    json_t *body = s_body (envelope, raw, raw_size);
    json_t *msg_id = json_is_object (body)? json_object_get (body, "msg_id"): NULL;
    json_object_set (line, "msg_id", msg_id? msg_id: json_null ());
    json_object_set_new (line, "body", body? body: json_null ());
    if (sent_ns >= 0)
        json_object_set_new (line, "sent", json_integer (sent_ns - self->t0_ns));
    char *text = json_dumps (line, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref (line);
    if (text) {
        s_append (self, text, strlen (text));
        s_append (self, "\n", 1);
        free (text);
    }
    if (self->size >= TRACE_FLUSH_BYTES)
        trace_flush (self);
}

void
trace_flush (trace_t *self)
{
    assert (self);
    if (self->size) {
        fwrite (self->pending, 1, self->size, self->file);
        self->size = 0;
    }
    fflush (self->file);
}
