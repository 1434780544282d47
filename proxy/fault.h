/*  fault.h -- fault values, and the rule table that maps link selectors to them.

    A rule is (src pattern, dest pattern) -> fault values, where a pattern is
    a party id or "*" ("any node": clients are never matched by "*"). Each
    fault kind (block, drop, delay, duplicate, reorder) is set or not on a
    rule. The fault in force on a link src->dest is resolved kind by kind
    from the most specific rule that sets that kind:

        "src dest"  >  "src *"  >  "* dest"  >  "* *"

    Setting a kind through a selector first clears that kind from every rule
    the selector covers (a rule whose links are all among the selector's),
    so the latest command wins on the links it names. Control path only:
    nothing here runs per message.
*/
#ifndef FL_FAULT_H_INCLUDED
#define FL_FAULT_H_INCLUDED
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

typedef enum {
    RULE_BLOCK     = 1 << 0,
    RULE_DROP      = 1 << 1,
    RULE_DELAY     = 1 << 2,
    RULE_DUPLICATE = 1 << 3,
    RULE_REORDER   = 1 << 4,
    RULE_ALL       = (1 << 5) - 1
} rule_kind_t;

//  Fault values. A kind applies only when its bit is in 'set'.
typedef struct {
    unsigned set;           // rule_kind_t bits
    bool block;
    double drop_p;          // [0,1]
    double delay_ms;        // [0, FL_DELAY_MS_MAX]
    double jitter_ms;       // [0, delay_ms]
    double duplicate_p;     // [0,1]
    double reorder_p;       // [0,1]
} fault_t;

//  True when the values change nothing about delivery (fast path).
bool fault_is_none (const fault_t *self);

//  True if the id names a client (Maelstrom convention: begins with 'c').
bool fault_id_is_client (const char *id);

typedef struct _rules_t rules_t;

//  Create an empty rule table.
rules_t *rules_new (void);

//  Destroy; accepts NULL, nulls the pointer.
void rules_destroy (rules_t **self_p);

//  Set the kinds in values->set on the selector src->dest (ids or "*").
//  Clears those kinds from the rules the selector covers first. Returns 0,
//  or -1 when the table already holds FL_FAULT_RULES_MAX rules.
int rules_set (rules_t *self, const char *src, const char *dest, const fault_t *values);

//  Remove the given kinds from every rule (heal: RULE_ALL; partition
//  clears RULE_BLOCK before setting its blocks).
void rules_clear (rules_t *self, unsigned kinds);

//  The fault in force on the link src->dest (both are ids, never "*").
void rules_resolve (rules_t *self, const char *src, const char *dest, fault_t *out);

//  Number of rules.
size_t rules_size (rules_t *self);

//  The rules as a JSON array sorted by (src, dest), each
//  {"src","dest", and the kinds set: "block", "drop", "delay_ms",
//  "jitter_ms", "duplicate", "reorder"}. Caller owns the result.
json_t *rules_json (rules_t *self);

#endif
