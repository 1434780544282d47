/*  hlc.h -- hybrid logical clocks (Kulkarni, Demirbas et al., "Logical
    Physical Clocks", OPODIS 2014), for the AP systems' versions.

    A timestamp is (wall, logical): wall is the largest physical time (ms,
    node_wall_ms, so the harness's clock skew moves it) this clock has seen
    from itself or a message; logical counts events within one wall value.
    A clock never goes back, and a timestamp taken after receiving another
    is greater than it, so causality is respected whatever the physical
    clocks say. What an HLC cannot do is order concurrent events by real
    time: a node whose clock is behind stamps its later write lower than an
    earlier write elsewhere, and last-write-wins then keeps the earlier one.
    That is the loss the lab must show under clock skew.

    Versions compare by (wall, logical) then by node id (hlc_version_compare):
    a total order, so every replica picks the same winner.

    Pure: the caller passes physical time in; nothing here reads a clock.
*/
#ifndef FL_HLC_H_INCLUDED
#define FL_HLC_H_INCLUDED

#include <stdint.h>
#include <jansson.h>

typedef struct {
    int64_t wall;           // ms
    int64_t logical;
} hlc_t;

//  A timestamp for a local event (a write) at physical time now_ms.
hlc_t hlc_tick (hlc_t *clock, int64_t now_ms);

//  Merge a timestamp received in a message at physical time now_ms; returns
//  the clock's new value (greater than both the old clock and remote).
hlc_t hlc_receive (hlc_t *clock, hlc_t remote, int64_t now_ms);

//  -1, 0, 1 by (wall, logical).
int hlc_compare (hlc_t a, hlc_t b);

//  Node ids in the cluster's order: shorter first, then by text ("n2" < "n10").
int hlc_id_compare (const char *a, const char *b);

//  Total order of versions: by timestamp, then by node id.
int hlc_version_compare (hlc_t a, const char *node_a, hlc_t b, const char *node_b);

//  As JSON: [wall, logical]. hlc_from_json returns 0, or -1 (clock
//  untouched) when json is not two non-negative integers.
json_t *hlc_to_json (hlc_t stamp);
int hlc_from_json (const json_t *json, hlc_t *stamp);

#endif
