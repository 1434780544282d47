/*  proxy_held.c -- the held-message heap (proxy/held.h): entries leave in
    (due, seq) order, any entry can be removed from the middle, and the pool
    reuses freed entries.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <unistd.h>
#include "tap.h"
#include "limits.h"
#include "rng.h"
#include "../../proxy/held.h"

static void
test_pop_order (void **state)
{
    (void) state;
    held_heap_t heap;
    held_heap_init (&heap);
    rng_t rng;
    rng_init (&rng, 1);
    enum { N = 5000 };
    for (int i = 0; i < N; i++) {
        held_t *held = held_heap_alloc (&heap);
        held->due_ns = (int64_t) rng_below (&rng, 100);    //  many ties
        held->seq = (uint64_t) i;
        held_heap_push (&heap, held);
    }
    int64_t last_due = -1;
    uint64_t last_seq = 0;
    int popped = 0;
    held_t *held;
    while ((held = held_heap_peek (&heap))) {
        held_heap_remove (&heap, held);
        assert_true (held->due_ns > last_due
                  || (held->due_ns == last_due && held->seq > last_seq));
        last_due = held->due_ns;
        last_seq = held->seq;
        held_heap_free (&heap, held);
        popped++;
    }
    assert_int_equal (popped, N);
    //  Freed entries come back from the pool.
    held_t *again = held_heap_alloc (&heap);
    assert_int_equal (heap.free_count, 4095);
    held_heap_free (&heap, again);
    held_heap_release (&heap);
}

static void
test_remove_from_middle (void **state)
{
    (void) state;
    held_heap_t heap;
    held_heap_init (&heap);
    rng_t rng;
    rng_init (&rng, 2);
    enum { N = 2000 };
    held_t *all [N];
    for (int i = 0; i < N; i++) {
        all [i] = held_heap_alloc (&heap);
        all [i]->due_ns = (int64_t) rng_below (&rng, 1000000);
        all [i]->seq = (uint64_t) i;
        zmq_msg_init_size (&all [i]->body, 200);        //  owned and closed by the heap
        held_heap_push (&heap, all [i]);
    }
    //  Remove every third entry wherever it sits; the rest still pop sorted.
    for (int i = 0; i < N; i += 3) {
        held_heap_remove (&heap, all [i]);
        held_heap_free (&heap, all [i]);
    }
    assert_int_equal (heap.size, N - (N + 2) / 3);
    int64_t last_due = -1;
    held_t *held;
    while ((held = held_heap_peek (&heap))) {
        assert_true (held->seq % 3 != 0);
        assert_true (held->due_ns >= last_due);
        last_due = held->due_ns;
        held_heap_remove (&heap, held);
        held_heap_free (&heap, held);
    }
    //  Entries still in the heap at release are freed by it.
    for (int i = 0; i < 10; i++)
        held_heap_push (&heap, held_heap_alloc (&heap));
    held_heap_release (&heap);
}

//  The proxy's poll waits for the earliest due entry, rounded up to whole
//  ms, and never longer than FL_PROXY_POLL_MS_MAX.
static void
test_wait_at_most_poll_max (void **state)
{
    (void) state;
    held_heap_t heap;
    held_heap_init (&heap);
    int64_t now = 1000000000;
    assert_int_equal (held_heap_wait_ms (&heap, now), FL_PROXY_POLL_MS_MAX);
    held_t *held = held_heap_alloc (&heap);
    held->due_ns = now + (int64_t) (FL_PROXY_POLL_MS_MAX + 1) * 1000000;
    held_heap_push (&heap, held);
    assert_int_equal (held_heap_wait_ms (&heap, now), FL_PROXY_POLL_MS_MAX);
    assert_int_equal (held_heap_wait_ms (&heap, now + 2000000), FL_PROXY_POLL_MS_MAX - 1);
    assert_int_equal (held_heap_wait_ms (&heap, held->due_ns - 1), 1);
    assert_int_equal (held_heap_wait_ms (&heap, held->due_ns), 0);
    assert_int_equal (held_heap_wait_ms (&heap, held->due_ns + 5), 0);
    held_heap_remove (&heap, held);
    held_heap_free (&heap, held);
    held_heap_release (&heap);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_pop_order),
        cmocka_unit_test (test_remove_from_middle),
        cmocka_unit_test (test_wait_at_most_poll_max),
    };
    return cmocka_run_group_tests_name ("proxy_held", tests, NULL, NULL);
}
