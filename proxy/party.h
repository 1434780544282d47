/*  party.h -- the parties the proxy knows, and the directed links between them.

    A party is a routing id (a node "n1", a client "c3", a service
    "lin-kv"; rule_is_node tells which are nodes); it gets a small
    index the first time the proxy sees it (as a sender, a destination, or
    a name in a control command) and keeps it for the proxy's life. The
    table is an open-addressing hash on the raw id bytes, so the per-message
    lookup neither allocates nor needs a NUL-terminated copy of a frame.

    A link is one direction src->dest. It is created the first time it is
    used and caches the rule in force on it (resolved from the rule table),
    its counters, and its reorder hold list.
*/
#ifndef FL_PARTY_H_INCLUDED
#define FL_PARTY_H_INCLUDED
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "limits.h"
#include "rule.h"
#include "held.h"

//  Per-link counters. Invariant, at any moment:
//      sent + duplicated == delivered + dropped + queued
typedef struct {
    uint64_t sent;          // messages the src sent on this link
    uint64_t delivered;     // copies handed to the dest's socket
    uint64_t dropped;       // by block, drop, overflow or unroutable
    uint64_t duplicated;    // extra copies made
    uint64_t delayed;       // copies held by a delay
    uint64_t reordered;     // copies held back behind later ones
    uint64_t paused;        // messages queued because src or dest was paused
    uint64_t queued;        // copies held right now (delay, reorder, pause)
} party_link_counts_t;

typedef struct {
    uint16_t src, dest;     // party indexes
    rule_t rule;            // in force, resolved from the rule table
    bool has_rule;          // !rule_is_none (&rule): take the slow path
    party_link_counts_t n;
    held_t *hold_head;      // reorder-held copies, in arrival order
    held_t *hold_tail;
} party_link_t;

typedef struct {
    char id [FL_ID_BYTES_MAX + 1];
    size_t id_len;
    uint16_t index;
    bool paused;
    party_link_t **links;   // [FL_PARTIES_MAX] by dest index, created on use
} party_t;

typedef struct _party_table_t party_table_t;

//  Create an empty table.
party_table_t *party_table_new (void);

//  Destroy the table, its parties and links. Held entries are not touched.
void party_table_destroy (party_table_t **self_p);

//  The party with these id bytes, or NULL.
party_t *party_table_find (party_table_t *self, const void *id, size_t id_len);

//  The party with these id bytes, added if new. NULL if id_len is 0 or
//  over FL_ID_BYTES_MAX, or the table holds FL_PARTIES_MAX parties.
party_t *party_table_ensure (party_table_t *self, const void *id, size_t id_len);

//  The party at an index (< party_table_size).
party_t *party_table_at (party_table_t *self, size_t index);

//  Number of parties.
size_t party_table_size (party_table_t *self);

//  The link src->dest, created (its rule resolved from the table) if new.
party_link_t *party_table_link (party_table_t *self, party_t *src, party_t *dest,
                                rule_table_t *rules);

//  Re-resolve the rule of every existing link from the table.
void party_table_refresh (party_table_t *self, rule_table_t *rules);

#endif
