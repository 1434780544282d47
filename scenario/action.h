/*  action.h -- one fault action as a person writes it, parsed: what to do
    to the lab ("partition halves", "kill n3"). The proxy's state per link
    is a rule (proxy/), the time an action's fault is in force a period
    (analysis/period.h).

    The same little language is used by a scenario's `do = ...` steps, its
    random generator's `kinds`, and `./harness fault ...`:

        partition halves | majority | minority | bridge | ring
        partition isolate NODE | isolate-leader | n1,n2|n3,n4,n5
        partition one-way FROM -> TO              (FROM's messages to TO dropped,
                                                   TO's to FROM delivered)
        isolate NODE | isolate-leader             (the same, without "partition")
        heal
        drop P | duplicate P | reorder P          (P in [0,1], node links)
        delay MS [JITTER_MS]
        pause NODE | resume NODE                  (the proxy holds its traffic)
        kill NODE | restart NODE                  (SIGKILL; restart keeps --data)
        stop NODE | cont NODE                     (SIGSTOP / SIGCONT)
        clock-skew NODE MS                        (node library clock offset)
        block-type TYPES FROM -> TO               (messages whose body type is one of
        unblock-type TYPES FROM -> TO              TYPES, "append_entries,request_vote",
                                                   from FROM to TO dropped; until
                                                   unblock-type or heal)

    FROM and TO of a one-way partition are node lists "n1,n2" (disjoint),
    or "rest" (every node not on the other side), or "random" (one node
    drawn from the seed; the other side must then be "rest").

    The sides of block-type are lists of nodes and the word "clients"
    (every client of the run), "n1,clients", or "*" (every node); they may
    overlap (a party's messages to itself are never blocked). Type blocks
    add up: each step blocks more types on more links, and unblock-type
    takes back what it names. A partition leaves them as they are.

    A cluster of 1 node has no partition; one of 2 has no minority,
    majority, bridge or ring (action_parse says so).

    NODE is "n1".."nN" or "random" (drawn from the run's seed when the
    schedule is built). An embedded value object: no destroy needed.
*/
#ifndef FL_ACTION_H_INCLUDED
#define FL_ACTION_H_INCLUDED

#include <stddef.h>
#include <stdbool.h>
#include "limits.h"

typedef enum {
    ACTION_PARTITION, ACTION_HEAL, ACTION_DROP, ACTION_DELAY, ACTION_DUPLICATE,
    ACTION_REORDER, ACTION_PAUSE, ACTION_RESUME, ACTION_KILL, ACTION_RESTART,
    ACTION_STOP, ACTION_CONT, ACTION_CLOCK_SKEW, ACTION_BLOCK_TYPE, ACTION_UNBLOCK_TYPE
} action_kind_t;

typedef enum {
    ACTION_SHAPE_NONE, ACTION_SHAPE_HALVES, ACTION_SHAPE_MAJORITY, ACTION_SHAPE_MINORITY, ACTION_SHAPE_ISOLATE,
    ACTION_SHAPE_ISOLATE_LEADER, ACTION_SHAPE_BRIDGE, ACTION_SHAPE_RING, ACTION_SHAPE_GROUPS,
    ACTION_SHAPE_ONE_WAY
} action_shape_t;

typedef struct {
    action_kind_t kind;
    action_shape_t shape;                          // partitions only
    char node [FL_ID_BYTES_MAX];            // target node, "random", or ""
    char groups [FL_FAULT_TEXT_BYTES_MAX];  // resolved partition "n1,n2|n3";
                                            // one-way: "FROM|TO" ("random|rest"
                                            // until schedule_resolve); block-type:
                                            // "FROM|TO" ("n1,clients|*")
    char types [FL_FAULT_TEXT_BYTES_MAX];   // block-type: "append_entries,pre_vote"
    double p;                               // drop/duplicate/reorder
    int ms;                                 // delay ms, clock-skew offset
    int jitter_ms;                          // delay jitter
} action_t;

//  Parse text into self. nodes is the cluster size used to check node
//  names (n1..nN). Returns 0, or -1 with *error set to a malloc'd message
//  saying what was wrong with the text (caller frees).
int action_parse (action_t *self, const char *text, int nodes, char **error);

//  Set *error (unless error is NULL) to the formatted message (malloc'd)
//  and return -1: how the action and tour-step parsers report a problem.
int action_error (char **error, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

//  Parse argv words (as `./harness fault` gets them) by joining with spaces.
int action_parse_argv (action_t *self, int argc, char **argv, int nodes,
                          char **error);

//  The action that ends this fault: heal for proxy faults, resume for pause,
//  restart for kill, cont for stop, clock-skew NODE 0 for a skew. A heal
//  ends itself (returns a heal).
action_t action_undo (const action_t *self);

//  True if this action starts a fault (as opposed to ending one).
bool action_starts (const action_t *self);

//  The fault's name for faults.jsonl: "partition", "drop", "delay",
//  "duplicate", "reorder", "pause", "kill", "stop", "clock-skew",
//  "block-type"; the
//  ending actions give the name of the fault they end; heal gives "heal".
const char *action_name (const action_t *self);

//  A block-type's or unblock-type's identity, a digest of its types and
//  sides as normalised (the same text, the same digest): the nemesis
//  names its period by it and the scenario reader counts distinct ones.
uint64_t action_digest (const action_t *self);

//  Write the action back as text ("partition halves", "kill n3").
void action_format (const action_t *self, char *buf, size_t size);

//  True if the action names a node of its own (kill, stop, pause, ...) or
//  is an isolate partition.
bool action_has_node (const action_t *self);

//  Is ID one of Maelstrom's services (lin-kv, seq-kv, lww-kv, lin-tso)?
//  `partition isolate SERVICE` cuts it off from every node.
bool action_is_service (const char *id);

#endif
