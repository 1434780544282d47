/*  nemesis.h -- applies fault actions to a lab and keeps the book of which
    faults are in force, writing a faults.jsonl line for each start and end
    (Jepsen calls the part of a test that injects faults the nemesis).

    A new partition ends the partition in force (the proxy replaces it; a
    one-way one clears every block before setting its own), a new
    drop/delay/... setting the same fault's old setting. A heal ends every proxy fault in force (partition, drop, delay,
    duplicate, reorder, pause); resume, restart, cont and clock-skew NODE 0
    end the fault on that node. The final heal ends everything: proxy heal,
    SIGCONT, restart, clocks back to zero. Each block-type is a fault of
    its own (FL_TYPE_BLOCKS_MAX at once), in force until the lab holds none
    of its types on any of its links (lab_types_held): an unblock-type ends
    every type block it leaves empty, whatever its text.
*/
#ifndef FL_NEMESIS_H_INCLUDED
#define FL_NEMESIS_H_INCLUDED

#include <stdint.h>
#include <stddef.h>
#include "lab.h"
#include "history.h"

typedef struct _nemesis_t nemesis_t;

//  A nemesis for lab; history may be NULL (./harness up writes no faults
//  file). Draws its run-time choices (isolate-leader with no leader) from
//  its own stream of seed.
nemesis_t *nemesis_new (lab_t *lab, history_t *history, uint64_t seed);

//  Destroy. Accepts NULL; nulls the pointer.
void nemesis_destroy (nemesis_t **self_p);

//  Apply a resolved action at now_ns (since the run began). detail gets a
//  description of what was done. 0, or -1 with *error set, or -2 with
//  *error when the action was refused before anything changed (a limit,
//  a party the lab has not: lab_apply).
int nemesis_apply (nemesis_t *self, action_t *spec, int64_t now_ns,
                   char *detail, size_t size, char **error);

//  Did the last nemesis_apply that returned 0 change nothing (a cont of a
//  node not stopped, a kill of one not running)? Its detail says why.
bool nemesis_did_nothing (const nemesis_t *self);

//  End every fault in force. 0, or -1 with *error set.
int nemesis_heal_all (nemesis_t *self, int64_t now_ns, char **error);

//  The faults in force, "partition halves: n1,n2 | n3,n4,n5; kill n3", or
//  "none".
void nemesis_describe (nemesis_t *self, char *buf, size_t size);

//  Number of faults in force.
size_t nemesis_active (nemesis_t *self);

#endif
