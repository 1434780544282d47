/*  rule.h -- a link's rule, and the table that maps link selectors to rules.

    A rule (rule_t) is what the proxy does to the messages on one directed
    link: each kind (block, drop, delay, duplicate, reorder, a set of
    blocked message types) is set on it or not, with its values. The table holds one rule per selector (src
    pattern, dest pattern), where a pattern is a party id or "*" ("any
    node": only ids of the form n<digits> are nodes, so clients "c3" and
    services "lin-kv" are never matched by "*", only by a selector that
    names them). The rule in force on a link
    src->dest is resolved kind by kind from the most specific selector
    whose rule sets that kind:

        "src dest"  >  "src *"  >  "* dest"  >  "* *"

    Setting a kind through a selector first clears that kind from every
    selector it covers (one whose links are all among the selector's), so
    the latest command wins on the links it names.

    Type sets (RULE_TYPES: "drop the messages whose body.type is one of
    these") are the exception: they add up. The set in force on a link is
    the union of the sets of every selector covering it, so "block n5's
    append_entries" and "block every request_vote" hold together. Adding
    types to a selector strips nothing; removing types removes them from
    the selector and from every selector it covers. A rule holds its set
    as a bitmask over the table's registry of type names (at most
    FL_PROXY_TYPES_MAX for the table's life), so a link's cached rule stays
    a few words. Control path only, except rule_table_types_match, which
    the message path calls on links with a type set. (Pause is not a rule:
    it belongs to a party, proxy.h.)
*/
#ifndef FL_RULE_H_INCLUDED
#define FL_RULE_H_INCLUDED
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

typedef enum {
    RULE_BLOCK     = 1 << 0,
    RULE_DROP      = 1 << 1,
    RULE_DELAY     = 1 << 2,
    RULE_DUPLICATE = 1 << 3,
    RULE_REORDER   = 1 << 4,
    RULE_TYPES     = 1 << 5,    // set exactly when 'types' is not 0
    RULE_ALL       = (1 << 6) - 1
} rule_kind_t;

//  A rule. A kind applies only when its bit is in 'set'. Every link caches
//  one: the fields are ordered so the mask fits beside 'set' and 'block'
//  (48 bytes, as before type sets).
typedef struct {
    uint16_t set;           // rule_kind_t bits
    bool block;
    uint32_t types;         // blocked body.type values: bit i = registry entry i
    double drop_p;          // [0,1]
    double delay_ms;        // [0, FL_DELAY_MS_MAX]
    double jitter_ms;       // [0, delay_ms]
    double duplicate_p;     // [0,1]
    double reorder_p;       // [0,1]
} rule_t;

_Static_assert (RULE_ALL <= UINT16_MAX, "every kind fits rule_t.set");

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
//  or -1 when the table already holds FL_PROXY_RULES_MAX rules. Type sets
//  are not set this way (values->set must not hold RULE_TYPES): see
//  rule_table_types_add.
int rule_table_set (rule_table_t *self, const char *src, const char *dest,
                    const rule_t *values);

//  Remove the given kinds from every selector's rule (heal: RULE_ALL, type
//  sets included; partition clears RULE_BLOCK before setting its blocks,
//  and leaves type sets alone).
void rule_table_clear (rule_table_t *self, unsigned kinds);

//  The type mask of the 'count' names (each 1 to FL_TYPE_BYTES_MAX bytes),
//  registering the names the table does not know yet, into *mask. Returns
//  0, or -1, registering none, when the new names would take the registry
//  past FL_PROXY_TYPES_MAX.
int rule_table_types_intern (rule_table_t *self, const char **names, size_t count,
                             uint32_t *mask);

//  The type mask of those of the 'count' names the table knows (a name it
//  never registered is in no set). Registers nothing.
uint32_t rule_table_types_known (rule_table_t *self, const char **names, size_t count);

//  Add the types in mask to the selector's type set; strips nothing (type
//  sets add up over selectors). Returns 0, or -1 when the selector has no
//  rule yet and the table holds FL_PROXY_RULES_MAX rules.
int rule_table_types_add (rule_table_t *self, const char *src, const char *dest,
                          uint32_t mask);

//  Remove the types in mask from the selector's type set and from those of
//  every selector it covers (the covering of rule_table_set).
void rule_table_types_remove (rule_table_t *self, const char *src, const char *dest,
                              uint32_t mask);

//  True when the type (size bytes, not NUL-terminated) is one of the
//  registry entries in mask. At most one compare per bit of mask; the
//  message path calls it.
bool rule_table_types_match (rule_table_t *self, uint32_t mask, const char *type,
                             size_t size);

//  The name of registry entry 'index' (a bit of some mask: below the
//  number of types registered). It belongs to the table.
const char *rule_table_type_name (rule_table_t *self, unsigned index);

//  The names of the types in mask, sorted by strcmp, into names (room for
//  FL_PROXY_TYPES_MAX). Returns how many. The names belong to the table.
size_t rule_table_types_names (rule_table_t *self, uint32_t mask, const char **names);

//  The rule in force on the link src->dest (both are ids, never "*"):
//  each kind from the most specific selector setting it, and the type set
//  the union of the covering selectors' sets.
void rule_table_resolve (rule_table_t *self, const char *src, const char *dest, rule_t *out);

//  Number of selectors holding a rule.
size_t rule_table_size (rule_table_t *self);

//  The table as a JSON array sorted by (src, dest), each
//  {"src","dest", and the kinds set: "block", "drop", "delay_ms",
//  "jitter_ms", "duplicate", "reorder", "types" (an array of names, sorted
//  by strcmp)}. Caller owns the result.
json_t *rule_table_json (rule_table_t *self);

#endif
