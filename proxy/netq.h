/*  netq.h -- what bin/netqueue holds: the IP plane's delayed, jittered
    and reordered packets, as decisions without sockets.

    bin/netqueue (proxy/netqueue/main.c) reads the hub's forwarded
    packets from NFQUEUE and gives each a verdict: at once, or later.
    Later is the proxy's held-message heap (held.h), the same min-heap by
    (due_ns, seq) the proxy uses for its own delay and reorder, so the two
    fault planes hold things the same way. A packet's seq is the kernel's
    packet id, which counts arrivals on the queue, so two packets due at
    once leave in arrival order; the body holds nothing (the kernel keeps
    the packet, we keep its id).

    Config "set DELAY_MS JITTER_MS REORDER_P": each packet is held
    DELAY_MS plus a uniform draw in [-JITTER_MS, +JITTER_MS] (at least 0;
    jitter alone reorders, as netem's does); with REORDER_P, a packet is
    drawn to be held FL_NETQ_REORDER_MS while later ones pass. "set 0 0 0"
    (heal) makes every held packet due at once.
*/
#ifndef FL_NETQ_H_INCLUDED
#define FL_NETQ_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include "rng.h"
#include "held.h"

typedef struct {
    int delay_ms, jitter_ms;
    double reorder_p;
} netq_config_t;

typedef struct {
    held_heap_t heap;
    netq_config_t config;
    rng_t rng;
    uint64_t over;          // packets passed at once: FL_NETQ_HELD_MAX reached
    uint64_t held_total;    // packets ever held
} netq_t;

void netq_init (netq_t *self, uint64_t seed);
void netq_release (netq_t *self);

//  Parse a config line ("set 100 20 0.1"). 0, or -1 with *error
//  (malloc'd) naming what is wrong.
int netq_config_parse (netq_config_t *config, const char *line, char **error);

//  Put a config in force; with no delay and no reorder, every held packet
//  becomes due at NOW_NS.
void netq_set (netq_t *self, const netq_config_t *config, int64_t now_ns);

//  A packet with id ID arrives at NOW_NS: true when it passes at once,
//  false when it is held (netq_due gives it back).
bool netq_arrive (netq_t *self, uint32_t id, int64_t now_ns);

//  The next held packet due by NOW_NS, taken out: true with *id set.
bool netq_due (netq_t *self, int64_t now_ns, uint32_t *id);

//  How long to wait for the next due packet (held_heap_wait_ms).
long netq_wait_ms (netq_t *self, int64_t now_ns);

//  Packets held now.
size_t netq_held (netq_t *self);

#endif
