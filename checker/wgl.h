/*  wgl.h -- the linearizability search over one partition: Wing & Gong's
    algorithm with Lowe's just-in-time linearization and a cache of
    (linearized set, model state), as Porcupine's checkSingle does.
*/
#ifndef FL_WGL_H_INCLUDED
#define FL_WGL_H_INCLUDED

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "model.h"

typedef struct {
    atomic_int *stop;       // set by anyone to stop every search (may be NULL)
    int64_t deadline_ns;    // clock_mono_ns () limit; 0 = none
    size_t memory_bytes;    // memory budget; 0 = none. With used, the cap
                            // on what every search and the caller hold together
    atomic_size_t *used;    // bytes held against memory_bytes by the caller
                            // and every search, shared by the threads (may be
                            // NULL: memory_bytes is this search's alone)
    bool plain;             // tests: no pruning beyond Porcupine's (no greedy
                            // pure ops, no subsets, no same-effect skipping,
                            // no witness run)
    bool no_witness;        // tests: no witness run first (wgl.c,
                            // wgl_check): the list's order alone
    size_t round_configs;   // tests: the list's search pauses for draws
                            // first at this many configurations, and each
                            // draw is capped at it times Luby's sequence, the
                            // witness run at half of it (0: wgl.c's)
} wgl_budget_t;

typedef enum {
    WGL_VALID, WGL_INVALID, WGL_UNKNOWN, WGL_STOPPED
} wgl_verdict_t;

typedef struct {
    wgl_verdict_t verdict;
    //  The deepest point the search reached (filled on invalid and unknown):
    uint32_t *prefix;       // partition op indices, linearized in this order
    size_t nprefix;
    uint64_t prefix_state;  // model state after the prefix
    int64_t blocked;        // partition op whose return ended that branch, -1 none
    //  Cost
    size_t cache_entries;   // keys: (linearized set, state)
    size_t cache_configs;   // configurations: a key with one count vector
                            // of never-returned ops
    size_t cache_bytes;     // the cache's bytes (table, arena, lists)
    size_t cache_bytes_wide;// what the layout before this one (48-byte
                            // entries, 64-bit counts, a list node per key)
                            // would take for the same configurations,
                            // its arena counted without slack
    size_t memory_bytes;
    uint64_t steps;
    const char *why_unknown;    // "timeout", "memory" or NULL
} wgl_result_t;

//  Search. Fills *result; free its prefix with wgl_result_release.
void wgl_check (model_part_t *part, const wgl_budget_t *budget, wgl_result_t *result);

void wgl_result_release (wgl_result_t *result);

#endif
