/*  trace.c -- message trace writer (see trace.h).

    Each event is rendered straight into a pending buffer (fixed fields by
    hand, msg_id and body by jansson), which trace_flush writes whole: the
    file only receives complete lines, unless the process dies mid-write. Tracing is the proxy's slow path: with
    --trace every message is parsed, without it nothing here runs.
*/
#include <assert.h>
#include <ctype.h>
#include <stdbool.h>
#include <inttypes.h>
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

static void
s_reserve (trace_t *self, size_t size)
{
    if (self->size + size > self->capacity) {
        size_t capacity = self->capacity? self->capacity: 64 * 1024;
        while (capacity < self->size + size)
            capacity *= 2;
        self->pending = (char *) realloc (self->pending, capacity);
        assert (self->pending);
        self->capacity = capacity;
    }
}

//  Append a JSON value, compact.
static void
s_append_json (trace_t *self, json_t *value)
{
    size_t flags = JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII;
    size_t room = self->capacity - self->size;
    size_t size = json_dumpb (value, self->pending + self->size, room, flags);
    if (size > room) {
        s_reserve (self, size);
        size = json_dumpb (value, self->pending + self->size, size, flags);
    }
    self->size += size;
}

//  Ids are usually plain ("n1", "c12") and go in as they are; anything
//  else goes through jansson for escaping.
static void
s_append_id (trace_t *self, const char *id)
{
    bool plain = true;
    for (const char *c = id; *c && plain; c++)
        plain = isalnum ((unsigned char) *c) || *c == '-' || *c == '_' || *c == '.';
    if (plain) {
        s_reserve (self, strlen (id) + 3);     //  quotes and sprintf's NUL
        self->size += sprintf (self->pending + self->size, "\"%s\"", id);
    }
    else {
        json_t *string = json_string (id);
        s_append_json (self, string? string: json_null ());
        json_decref (string);
    }
}

static void
s_append_text (trace_t *self, const char *text)
{
    size_t size = strlen (text);
    s_reserve (self, size);
    memcpy (self->pending + self->size, text, size);
    self->size += size;
}

void
trace_event (trace_t *self, int64_t now_ns, const char *src, const char *dest,
             const char *action, json_t *envelope, const void *raw,
             size_t raw_size, int64_t sent_ns, int64_t delay_ns)
{
    assert (self);
    char number [64];
    snprintf (number, sizeof number, "{\"time\":%" PRId64 ",\"src\":", now_ns - self->t0_ns);
    s_append_text (self, number);
    s_append_id (self, src);
    s_append_text (self, ",\"dest\":");
    s_append_id (self, dest);
    s_append_text (self, ",\"action\":\"");
    s_append_text (self, action);
    s_append_text (self, "\",\"msg_id\":");
    json_t *body = s_body (envelope, raw, raw_size);
    json_t *msg_id = json_is_object (body)? json_object_get (body, "msg_id"): NULL;
    s_append_json (self, msg_id? msg_id: json_null ());
    s_append_text (self, ",\"body\":");
    s_append_json (self, body);
    json_decref (body);
    if (sent_ns >= 0) {
        snprintf (number, sizeof number, ",\"sent\":%" PRId64, sent_ns - self->t0_ns);
        s_append_text (self, number);
    }
    if (delay_ns >= 0) {
        snprintf (number, sizeof number, ",\"delay_ms\":%.3f", delay_ns / 1e6);
        s_append_text (self, number);
    }
    s_append_text (self, "}\n");
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
