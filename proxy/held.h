/*  held.h -- messages the proxy holds back: delayed, reordered, paused.

    A held_t owns one message body (a zmq_msg_t moved in, never copied) and
    what the proxy must remember to deliver it later. Delayed and reordered
    entries sit in a min-heap ordered by (due_ns, seq), so release is timer
    driven and two entries due at the same time leave in arrival order.
    Paused entries sit in a FIFO instead (proxy.c). Entries come from a
    pool that keeps freed ones for reuse, so a steady faulted flow stops
    allocating once warm.
*/
#ifndef FL_HELD_H_INCLUDED
#define FL_HELD_H_INCLUDED
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>
#include <jansson.h>

typedef enum {
    HELD_DELAY,             // in the heap until due_ns
    HELD_REORDER,           // in the heap (timeout) and on its link's hold list
    HELD_PAUSE              // in the pause FIFO until src and dest run
} held_kind_t;

typedef struct _held_t held_t;
struct _held_t {
    zmq_msg_t body;         // the envelope frame, owned
    json_t *envelope;       // parsed envelope when tracing, else NULL; owned
    int64_t sent_ns;        // when the proxy received it (monotonic)
    int64_t due_ns;         // heap key
    uint64_t seq;           // arrival number; heap tie-break, reorder order
    uint64_t link_seq;      // its number on its link (1-based): decision key
    size_t heap_index;      // position in the heap while in it
    uint16_t src, dest;     // party indexes
    uint8_t kind;           // held_kind_t
    bool decided;           // link's rule already applied (pause FIFO only)
    held_t *next;           // link hold list, or pause FIFO
};

//  A pool of entries and a heap of them.
typedef struct {
    held_t **items;         // heap array
    size_t size;
    size_t capacity;
    held_t *free;           // freed entries kept for reuse
    size_t free_count;
} held_heap_t;

//  Initialise an empty heap and pool.
void held_heap_init (held_heap_t *self);

//  Free every entry (in the heap and in the pool), closing their bodies.
void held_heap_release (held_heap_t *self);

//  An entry from the pool with body initialised empty and fields zeroed.
held_t *held_heap_alloc (held_heap_t *self);

//  Return an entry to the pool; closes its body and envelope. Must not be
//  in the heap.
void held_heap_free (held_heap_t *self, held_t *held);

//  Insert by (due_ns, seq).
void held_heap_push (held_heap_t *self, held_t *held);

//  The earliest entry, or NULL when empty.
held_t *held_heap_peek (held_heap_t *self);

//  Remove an entry that is in the heap (any position).
void held_heap_remove (held_heap_t *self, held_t *held);

//  How long the proxy may poll at now_ns: until the earliest entry is due,
//  rounded up to whole ms (waking early costs a loop, never releases
//  early), 0 when it is due already, and never more than
//  FL_PROXY_POLL_MS_MAX, so a stop signal between polls is seen soon.
long held_heap_wait_ms (held_heap_t *self, int64_t now_ns);

#endif
