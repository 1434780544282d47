/*  trace.c -- message trace writer (see trace.h).

    The routing thread only copies: each event becomes a compact record
    (fixed header, then the src, dest and action text and the raw body
    bytes) appended to a chunk. trace_flush, called after each batch, hands
    the chunk to a writer thread through a mutex-guarded FIFO; the writer
    parses each body with jansson, renders the line and writes it through a
    large stdio buffer. Order is kept (one FIFO, one writer) and nothing is
    lost: past FL_TRACE_QUEUE_BYTES_MAX queued the routing thread waits for
    the writer (and counts the waits), it never drops a record. The file
    stops at FL_TRACE_BYTES_MAX: the lines past it are counted (trace_cut),
    so that a node flooding its peers cannot fill the disk.
*/
#include <assert.h>
#include <ctype.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <inttypes.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "trace.h"

#define TRACE_FILE_BUFFER (1024 * 1024)

typedef struct {
    int64_t time_ns, sent_ns, delay_ns;
    uint64_t seq;
    uint32_t body_size;
    uint8_t src_size, dest_size, action_size;
} record_t;

typedef struct _chunk_t chunk_t;
struct _chunk_t {
    char *data;
    size_t size, capacity;
    chunk_t *next;
};

struct _trace_t {
    FILE *file;
    char *file_buffer;
    int64_t t0_ns;
    chunk_t *current;           // routing thread's chunk being filled
    pthread_t writer;
    pthread_mutex_t lock;
    pthread_cond_t wake;        // writer: work or stop
    pthread_cond_t room;        // router: queue drained below the cap
    chunk_t *head, *tail;       // FIFO to the writer
    size_t queued;              // bytes in the FIFO and being written
    bool stop;
    uint64_t waits;             // times the router waited for room
    long long written;          // bytes written to the file (writer's)
    long long bytes_max;        // the file's cap (FL_TRACE_BYTES_MAX)
    bool full;                  // a line was cut: the file has stopped
    _Atomic uint64_t cut;       // lines past FL_TRACE_BYTES_MAX, not written
    char *line;                 // writer's line buffer
    size_t line_size, line_capacity;
};

static chunk_t *
s_chunk_new (size_t capacity)
{
    chunk_t *chunk = (chunk_t *) calloc (1, sizeof (chunk_t));
    assert (chunk);
    chunk->capacity = capacity;
    chunk->data = (char *) malloc (capacity);
    assert (chunk->data);
    return chunk;
}

static void
s_chunk_destroy (chunk_t **chunk_p)
{
    free ((*chunk_p)->data);
    free (*chunk_p);
    *chunk_p = NULL;
}

//  --------------------------------------------------------------------------
//  Writer thread: render records into lines

static void
s_reserve (trace_t *self, size_t size)
{
    if (self->line_size + size > self->line_capacity) {
        size_t capacity = self->line_capacity? self->line_capacity: 64 * 1024;
        while (capacity < self->line_size + size)
            capacity *= 2;
        self->line = (char *) realloc (self->line, capacity);
        assert (self->line);
        self->line_capacity = capacity;
    }
}

static void
s_append_json (trace_t *self, json_t *value)
{
    size_t flags = JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII;
    size_t room = self->line_capacity - self->line_size;
    size_t size = json_dumpb (value, self->line + self->line_size, room, flags);
    if (size > room) {
        s_reserve (self, size);
        size = json_dumpb (value, self->line + self->line_size, size, flags);
    }
    self->line_size += size;
}

static void
s_append_bytes (trace_t *self, const char *text, size_t size)
{
    s_reserve (self, size);
    memcpy (self->line + self->line_size, text, size);
    self->line_size += size;
}

static void
s_append_text (trace_t *self, const char *text)
{
    s_append_bytes (self, text, strlen (text));
}

//  Ids are usually plain ("n1", "c12") and go in as they are; anything
//  else goes through jansson for escaping.
static void
s_append_id (trace_t *self, const char *id, size_t size)
{
    bool plain = true;
    for (size_t i = 0; i < size && plain; i++)
        plain = isalnum ((unsigned char) id [i]) || id [i] == '-' || id [i] == '_'
             || id [i] == '.';
    if (plain) {
        s_append_text (self, "\"");
        s_append_bytes (self, id, size);
        s_append_text (self, "\"");
    }
    else {
        json_t *string = json_stringn (id, size);
        s_append_json (self, string? string: json_null ());
        json_decref (string);
    }
}

//  The body to record: the envelope's "body", the envelope if it has
//  none, the raw text if it is not JSON, null if not UTF-8 either.
static json_t *
s_body (const char *raw, size_t raw_size, bool has_raw)
{
    if (!has_raw)
        return json_null ();
    json_t *envelope = json_loadb (raw, raw_size, 0, NULL);
    if (envelope) {
        json_t *body = json_object_get (envelope, "body");
        if (body) {
            json_incref (body);
            json_decref (envelope);
            return body;
        }
        return envelope;
    }
    json_t *text = json_stringn (raw, raw_size);
    return text? text: json_null ();
}

//  Render one record at data; returns its size.
static size_t
s_render (trace_t *self, const char *data)
{
    record_t record;
    memcpy (&record, data, sizeof record);
    const char *src = data + sizeof record;
    const char *dest = src + record.src_size;
    const char *action = dest + record.dest_size;
    const char *raw = action + record.action_size;
    char number [64];
    snprintf (number, sizeof number, "{\"time\":%" PRId64 ",\"src\":", record.time_ns - self->t0_ns);
    s_append_text (self, number);
    s_append_id (self, src, record.src_size);
    s_append_text (self, ",\"dest\":");
    s_append_id (self, dest, record.dest_size);
    s_append_text (self, ",\"action\":\"");
    s_append_bytes (self, action, record.action_size);
    s_append_text (self, "\"");
    if (record.seq) {
        snprintf (number, sizeof number, ",\"seq\":%" PRIu64, record.seq);
        s_append_text (self, number);
    }
    s_append_text (self, ",\"msg_id\":");
    json_t *body = s_body (raw, record.body_size, record.body_size != UINT32_MAX);
    json_t *msg_id = json_is_object (body)? json_object_get (body, "msg_id"): NULL;
    s_append_json (self, msg_id? msg_id: json_null ());
    s_append_text (self, ",\"body\":");
    s_append_json (self, body);
    json_decref (body);
    if (record.sent_ns >= 0) {
        snprintf (number, sizeof number, ",\"sent\":%" PRId64, record.sent_ns - self->t0_ns);
        s_append_text (self, number);
    }
    if (record.delay_ns >= 0) {
        snprintf (number, sizeof number, ",\"delay_ms\":%.3f", record.delay_ns / 1e6);
        s_append_text (self, number);
    }
    s_append_text (self, "}\n");
    size_t body_size = record.body_size == UINT32_MAX? 0: record.body_size;
    return sizeof record + record.src_size + record.dest_size + record.action_size + body_size;
}

static void *
s_writer (void *args)
{
    trace_t *self = (trace_t *) args;
    pthread_mutex_lock (&self->lock);
    while (true) {
        while (!self->head && !self->stop)
            pthread_cond_wait (&self->wake, &self->lock);
        chunk_t *chunk = self->head;
        if (!chunk)
            break;              //  stop, and everything written
        self->head = chunk->next;
        if (!self->head)
            self->tail = NULL;
        pthread_mutex_unlock (&self->lock);
        for (size_t at = 0; at < chunk->size; ) {
            self->line_size = 0;
            at += s_render (self, chunk->data + at);
            //  Once one line is cut, every later one is too: the file stops,
            //  with no hole a shorter line would leave
            if (self->full || self->written + (long long) self->line_size > self->bytes_max) {
                self->full = true;
                self->cut++;
                continue;
            }
            fwrite (self->line, 1, self->line_size, self->file);
            self->written += (long long) self->line_size;
        }
        pthread_mutex_lock (&self->lock);
        self->queued -= chunk->capacity;
        s_chunk_destroy (&chunk);
        if (!self->head)
            fflush (self->file);    //  caught up: the file has whole lines
        pthread_cond_signal (&self->room);
    }
    pthread_mutex_unlock (&self->lock);
    return NULL;
}

//  --------------------------------------------------------------------------
//  Routing thread side

trace_t *
trace_new (const char *path, int64_t t0_ns, long long bytes_max)
{
    assert (path);
    FILE *file = fopen (path, "w");
    if (!file)
        return NULL;
    trace_t *self = (trace_t *) calloc (1, sizeof (trace_t));
    assert (self);
    self->file = file;
    self->file_buffer = (char *) malloc (TRACE_FILE_BUFFER);
    assert (self->file_buffer);
    setvbuf (file, self->file_buffer, _IOFBF, TRACE_FILE_BUFFER);
    self->t0_ns = t0_ns;
    self->bytes_max = bytes_max > 0? bytes_max: FL_TRACE_BYTES_MAX;
    pthread_mutex_init (&self->lock, NULL);
    pthread_cond_init (&self->wake, NULL);
    pthread_cond_init (&self->room, NULL);
    int rc = pthread_create (&self->writer, NULL, s_writer, self);
    assert (rc == 0);
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
    pthread_mutex_lock (&self->lock);
    self->stop = true;
    pthread_cond_signal (&self->wake);
    pthread_mutex_unlock (&self->lock);
    pthread_join (self->writer, NULL);
    if (self->cut)
        fprintf (stderr, "proxy: messages.jsonl reached FL_TRACE_BYTES_MAX (%lld bytes): %"
                 PRIu64 " more lines were counted, not written\n",
                 self->bytes_max, (uint64_t) self->cut);
    fclose (self->file);
    free (self->file_buffer);
    free (self->line);
    pthread_mutex_destroy (&self->lock);
    pthread_cond_destroy (&self->wake);
    pthread_cond_destroy (&self->room);
    free (self);
    *self_p = NULL;
}

static uint8_t
s_short (size_t size)
{
    return size < UINT8_MAX? (uint8_t) size: UINT8_MAX - 1;
}

void
trace_event (trace_t *self, int64_t now_ns, const char *src, const char *dest,
             const char *action, uint64_t seq, const void *raw,
             size_t raw_size, int64_t sent_ns, int64_t delay_ns)
{
    assert (self);
    record_t record = {
        .time_ns = now_ns, .sent_ns = sent_ns, .delay_ns = delay_ns, .seq = seq,
        .body_size = raw? (uint32_t) raw_size: UINT32_MAX,
        .src_size = s_short (strlen (src)), .dest_size = s_short (strlen (dest)),
        .action_size = s_short (strlen (action))
    };
    size_t body_size = raw? raw_size: 0;
    size_t size = sizeof record + record.src_size + record.dest_size
                + record.action_size + body_size;
    if (self->current && self->current->size + size > self->current->capacity)
        trace_flush (self);
    if (!self->current)
        self->current = s_chunk_new (size > FL_TRACE_CHUNK_BYTES? size: FL_TRACE_CHUNK_BYTES);
    char *at = self->current->data + self->current->size;
    memcpy (at, &record, sizeof record);
    at += sizeof record;
    memcpy (at, src, record.src_size);
    at += record.src_size;
    memcpy (at, dest, record.dest_size);
    at += record.dest_size;
    memcpy (at, action, record.action_size);
    at += record.action_size;
    if (body_size)
        memcpy (at, raw, body_size);
    self->current->size += size;
}

void
trace_flush (trace_t *self)
{
    assert (self);
    chunk_t *chunk = self->current;
    if (!chunk || !chunk->size)
        return;
    self->current = NULL;
    pthread_mutex_lock (&self->lock);
    while (self->queued && self->queued + chunk->capacity > FL_TRACE_QUEUE_BYTES_MAX) {
        self->waits++;
        pthread_cond_wait (&self->room, &self->lock);
    }
    self->queued += chunk->capacity;
    if (self->tail)
        self->tail->next = chunk;
    else
        self->head = chunk;
    self->tail = chunk;
    pthread_cond_signal (&self->wake);
    pthread_mutex_unlock (&self->lock);
}

uint64_t
trace_waits (trace_t *self)
{
    assert (self);
    pthread_mutex_lock (&self->lock);
    uint64_t waits = self->waits;
    pthread_mutex_unlock (&self->lock);
    return waits;
}

uint64_t
trace_cut (trace_t *self)
{
    assert (self);
    return self->cut;
}
