/*  trace.h -- the proxy's message trace: one JSON line per message event.

    Line format (docs/proxy.md):
        {"time":NS,"src":"n1","dest":"n2","action":"deliver","seq":7,
         "msg_id":3,"body":{...},"sent":NS}
    time and sent are nanoseconds since t0; "sent" (when the proxy received
    the message) appears on deliver events only, "delay_ms" (the hold drawn
    for the copy) on delay events only.

    The calling (routing) thread only copies each event into a compact
    record; trace_flush hands the records gathered since the last flush to
    a writer thread, which parses bodies, formats lines and writes them in
    order through a large buffer, flushing the file whenever it has caught
    up. No record is lost: past FL_TRACE_QUEUE_BYTES_MAX queued, trace_flush
    waits for the writer (trace_waits counts how often). A crash loses
    what the writer had not written yet and leaves whole lines before it,
    unless the process dies mid-write.
*/
#ifndef FL_TRACE_H_INCLUDED
#define FL_TRACE_H_INCLUDED
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

typedef struct _trace_t trace_t;

//  Open (truncate) the trace file. t0_ns is the monotonic origin of times;
//  the file stops at bytes_max (0: FL_TRACE_BYTES_MAX), the lines past it
//  counted (trace_cut). NULL on failure, with errno set.
trace_t *trace_new (const char *path, int64_t t0_ns, long long bytes_max);

//  Flush and close; accepts NULL, nulls the pointer.
void trace_destroy (trace_t **self_p);

//  Append one event. seq is the message's number on its link (1-based;
//  0 for events off a link: oversize, unroutable), written as "seq" when
//  not 0. The body is raw's "body" member, raw itself if it has none, raw
//  as a string if it is not JSON, null if raw is NULL. sent_ns < 0 omits
//  "sent"; delay_ns < 0 omits "delay_ms" (the hold a delay drew).
void trace_event (trace_t *self, int64_t now_ns, const char *src, const char *dest,
                  const char *action, uint64_t seq, const void *raw,
                  size_t raw_size, int64_t sent_ns, int64_t delay_ns);

//  Hand the records appended since the last call to the writer thread
//  (waiting for room past FL_TRACE_QUEUE_BYTES_MAX). trace_destroy writes
//  everything handed over before it returns.
void trace_flush (trace_t *self);

//  How many times trace_flush had to wait for the writer.
uint64_t trace_waits (trace_t *self);

//  Lines not written, the file having reached FL_TRACE_BYTES_MAX (so far:
//  the writer may still be behind; final after trace_destroy's flush).
uint64_t trace_cut (trace_t *self);

#endif
