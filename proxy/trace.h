/*  trace.h -- the proxy's message trace: one JSON line per message event.

    Line format (docs/proxy.md):
        {"time":NS,"src":"n1","dest":"n2","action":"deliver","msg_id":3,
         "body":{...},"sent":NS}
    time and sent are nanoseconds since t0; "sent" (when the proxy received
    the message) appears on deliver events only, "delay_ms" (the hold drawn
    for the copy) on delay events only. Lines are buffered and
    written by trace_flush, which the proxy calls after each batch, so a
    crash loses at most the last batch and leaves whole lines before it.
*/
#ifndef FL_TRACE_H_INCLUDED
#define FL_TRACE_H_INCLUDED
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

typedef struct _trace_t trace_t;

//  Open (truncate) the trace file. t0_ns is the monotonic origin of times.
//  NULL on failure, with errno set.
trace_t *trace_new (const char *path, int64_t t0_ns);

//  Flush and close; accepts NULL, nulls the pointer.
void trace_destroy (trace_t **self_p);

//  Append one event. envelope is the parsed message (borrowed) or NULL;
//  when NULL, raw/raw_size (may be NULL) is recorded as a string body.
//  sent_ns < 0 omits "sent"; delay_ns < 0 omits "delay_ms" (the hold a
//  delay drew for this copy).
void trace_event (trace_t *self, int64_t now_ns, const char *src, const char *dest,
                  const char *action, json_t *envelope, const void *raw,
                  size_t raw_size, int64_t sent_ns, int64_t delay_ns);

//  Write buffered lines to the file and flush it.
void trace_flush (trace_t *self);

#endif
