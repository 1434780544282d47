/*  faultspec.h -- one fault action as a person writes it, parsed.

    The same little language is used by a scenario's `do = ...` steps, its
    random generator's `kinds`, and `./harness fault ...`:

        partition halves | majority | minority | bridge | ring
        partition isolate NODE | isolate-leader | n1,n2|n3,n4,n5
        isolate NODE | isolate-leader             (the same, without "partition")
        heal
        drop P | duplicate P | reorder P          (P in [0,1], node links)
        delay MS [JITTER_MS]
        pause NODE | resume NODE                  (the proxy holds its traffic)
        kill NODE | restart NODE                  (SIGKILL; restart keeps --data)
        stop NODE | cont NODE                     (SIGSTOP / SIGCONT)
        clock-skew NODE MS                        (node library clock offset)

    A cluster of 1 node has no partition; one of 2 has no minority,
    majority, bridge or ring (faultspec_parse says so).

    NODE is "n1".."nN" or "random" (drawn from the run's seed when the
    schedule is built). An embedded value object: no destroy needed.
*/
#ifndef FL_FAULTSPEC_H_INCLUDED
#define FL_FAULTSPEC_H_INCLUDED

#include <stddef.h>
#include <stdbool.h>
#include "limits.h"

typedef enum {
    FAULT_PARTITION, FAULT_HEAL, FAULT_DROP, FAULT_DELAY, FAULT_DUPLICATE,
    FAULT_REORDER, FAULT_PAUSE, FAULT_RESUME, FAULT_KILL, FAULT_RESTART,
    FAULT_STOP, FAULT_CONT, FAULT_CLOCK_SKEW
} fault_kind_t;

typedef enum {
    SHAPE_NONE, SHAPE_HALVES, SHAPE_MAJORITY, SHAPE_MINORITY, SHAPE_ISOLATE,
    SHAPE_ISOLATE_LEADER, SHAPE_BRIDGE, SHAPE_RING, SHAPE_GROUPS
} shape_t;

typedef struct {
    fault_kind_t kind;
    shape_t shape;                          // partitions only
    char node [FL_ID_BYTES_MAX];            // target node, "random", or ""
    char groups [FL_FAULT_TEXT_BYTES_MAX];  // resolved partition "n1,n2|n3"
    double p;                               // drop/duplicate/reorder
    int ms;                                 // delay ms, clock-skew offset
    int jitter_ms;                          // delay jitter
} faultspec_t;

//  Parse text into self. nodes is the cluster size used to check node
//  names (n1..nN). Returns 0, or -1 with *error set to a malloc'd message
//  saying what was wrong with the text (caller frees).
int faultspec_parse (faultspec_t *self, const char *text, int nodes, char **error);

//  Parse argv words (as `./harness fault` gets them) by joining with spaces.
int faultspec_parse_argv (faultspec_t *self, int argc, char **argv, int nodes,
                          char **error);

//  The action that ends this fault: heal for proxy faults, resume for pause,
//  restart for kill, cont for stop, clock-skew NODE 0 for a skew. A heal
//  ends itself (returns a heal).
faultspec_t faultspec_undo (const faultspec_t *self);

//  True if this action starts a fault (as opposed to ending one).
bool faultspec_starts (const faultspec_t *self);

//  The fault's name for faults.jsonl: "partition", "drop", "delay",
//  "duplicate", "reorder", "pause", "kill", "stop", "clock-skew"; the
//  ending actions give the name of the fault they end; heal gives "heal".
const char *faultspec_fault_name (const faultspec_t *self);

//  Write the action back as text ("partition halves", "kill n3").
void faultspec_format (const faultspec_t *self, char *buf, size_t size);

//  True if the action names a node of its own (kill, stop, pause, ...) or
//  is an isolate partition.
bool faultspec_has_node (const faultspec_t *self);

#endif
