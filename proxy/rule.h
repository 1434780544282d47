/*  rule.h -- a link's rule, and the table that maps link selectors to rules.

    A rule (rule_t) is what the proxy does to the messages on one directed
    link: each kind (block, drop, delay, duplicate, reorder) is set on it or
    not, with its values. The table holds one rule per selector (src
    pattern, dest pattern), where a pattern is a party id or "*" ("any
    node": only ids of the form n<digits> are nodes, so clients "c3" and
    services "lin-kv" are never matched by "*", only by a selector that
    names them). The rule in force on a link
    src->dest is resolved kind by kind from the most specific selector
    whose rule sets that kind:

        "src dest"  >  "src *"  >  "* dest"  >  "* *"

    Setting a kind through a selector first clears that kind from every
    selector it covers (one whose links are all among the selector's), so
    the latest command wins on the links it names. Control path only:
    nothing here runs per message. (Pause is not a rule: it belongs to a
    party, proxy.h.)
*/
#ifndef FL_RULE_H_INCLUDED
#define FL_RULE_H_INCLUDED
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

//  A rule. A kind applies only when its bit is in 'set'.
typedef struct {
    unsigned set;           // rule_kind_t bits
    bool block;
    double drop_p;          // [0,1]
    double delay_ms;        // [0, FL_DELAY_MS_MAX]
    double jitter_ms;       // [0, delay_ms]
    double duplicate_p;     // [0,1]
    double reorder_p;       // [0,1]
} rule_t;

//  True when id is a node's, "n" followed by one or more digits ("n1",
//  "n12"): the ids a "*" selector covers. Clients ("c1"), services
//  ("lin-kv") and any other id are faulted only by a selector naming them.
bool rule_is_node (const char *id);

//  True when the rule changes nothing about delivery (fast path).
bool rule_is_none (const rule_t *self);

typedef struct _rule_table_t rule_table_t;

//  Create an empty table.
rule_table_t *rule_table_new (void);

//  Destroy; accepts NULL, nulls the pointer.
void rule_table_destroy (rule_table_t **self_p);

//  Set the kinds in values->set on the selector src->dest (ids or "*").
//  Clears those kinds from the selectors it covers first. Returns 0,
//  or -1 when the table already holds FL_PROXY_RULES_MAX rules.
int rule_table_set (rule_table_t *self, const char *src, const char *dest,
                    const rule_t *values);

//  Remove the given kinds from every selector's rule (heal: RULE_ALL;
//  partition clears RULE_BLOCK before setting its blocks).
void rule_table_clear (rule_table_t *self, unsigned kinds);

//  The rule in force on the link src->dest (both are ids, never "*").
void rule_table_resolve (rule_table_t *self, const char *src, const char *dest, rule_t *out);

//  Number of selectors holding a rule.
size_t rule_table_size (rule_table_t *self);

//  The table as a JSON array sorted by (src, dest), each
//  {"src","dest", and the kinds set: "block", "drop", "delay_ms",
//  "jitter_ms", "duplicate", "reorder"}. Caller owns the result.
json_t *rule_table_json (rule_table_t *self);

#endif
