/*  pqueue.h -- FIFO queues of value ids that share their structure, for the
    queue model: a state of the search is a small integer, and a step
    (enqueue, dequeue) costs O(log n), not a copy of the queue.

    Every queue is a pair (back, head): back is a node of a trie of every
    sequence ever enqueued (a node is its parent plus one value), head the
    number of its first values already dequeued. Pairs are interned by the
    hash of their contents, checked value by value, so equal queues have
    equal ids whatever history made them: the search's cache and model state
    comparisons work on ids as for any other model.
*/
#ifndef FL_PQUEUE_H_INCLUDED
#define FL_PQUEUE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _pqueue_t pqueue_t;

//  A table of queues holding only the empty queue (id 0). NULL when out of memory.
pqueue_t *pqueue_new (void);
void pqueue_destroy (pqueue_t **self_p);

//  Id of queue q with value v added at the back. Returns 0 and sets *next,
//  or -1 when out of memory (or past the limit).
int pqueue_push (pqueue_t *self, uint32_t q, uint32_t v, uint32_t *next);

//  Length of queue q; its front value (q must not be empty).
size_t pqueue_size (const pqueue_t *self, uint32_t q);
uint32_t pqueue_front (const pqueue_t *self, uint32_t q);

//  Id of q without its front (q must not be empty). 0 or -1 as pqueue_push.
int pqueue_pop (pqueue_t *self, uint32_t q, uint32_t *next);

//  Copy q's values, front first, into values [0 .. pqueue_size).
void pqueue_values (const pqueue_t *self, uint32_t q, uint32_t *values);

//  Bytes held; the most it may hold (0: no limit).
size_t pqueue_memory (const pqueue_t *self);
void pqueue_memory_max (pqueue_t *self, size_t bytes);

#endif
