/*  proxy.h -- the fault-injection proxy: every message of a lab crosses it.

    Module proxy/ (build/libproxy.a, program bin/proxy) owns the network
    between the parties of a lab: routing on ZeroMQ frames, each directed
    link's rule (rule.h), pausing parties, the held-message heap (held.h),
    the control protocol (control.h), the message trace (trace.h) and the
    --send probe (probe.h). It depends only on common/ (limits, clock, rng,
    exits), czmq and jansson: it never includes the harness's headers (cli/,
    checker/) or the nodes', and knows nothing of scenarios, workloads or
    checks. The harness reaches it as a process, through the control
    protocol (docs/proxy.md); only tests and benches link the library.

    A ROUTER net socket that parties (DEALERs whose routing id is their id)
    send [dest][envelope] to, and receive [src][envelope] from; a REP control
    socket that takes one JSON request and gives one JSON reply (control.h,
    docs/proxy.md). Between them, per directed link, the faults of
    DESIGN.md section 3, decided by one seeded generator.

    Use:
        proxy_config_t config = { .net = "ipc:///tmp/x/net",
                                  .control = "ipc:///tmp/x/ctl", .seed = 42 };
        char error [256];
        proxy_t *proxy = proxy_new (&config, error, sizeof error);
        proxy_run (proxy, NULL, &stop_flag);     // or in a zactor: proxy_actor
        proxy_destroy (&proxy);

    The proxy is single-threaded: all its methods must be called from the
    thread that runs it (control.c calls them from inside proxy_run).
*/
#ifndef FL_PROXY_H_INCLUDED
#define FL_PROXY_H_INCLUDED
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <czmq.h>
#include <jansson.h>
#include "rule.h"

typedef struct {
    const char *net;        // endpoint to bind the ROUTER on (required)
    const char *control;    // endpoint to bind the REP on (required)
    uint64_t seed;          // seed of the one generator
    const char *trace;      // trace file path, or NULL for no trace
    int64_t t0_ns;          // monotonic origin of trace times; 0 = start
} proxy_config_t;

typedef struct _proxy_t proxy_t;

//  Bind both sockets and open the trace. On failure returns NULL and writes
//  a message naming what failed into error (e.g. "cannot bind 'tcp://x'").
proxy_t *proxy_new (const proxy_config_t *config, char *error, size_t error_size);

//  Close sockets (held messages are dropped), flush and close the trace.
void proxy_destroy (proxy_t **self_p);

//  The endpoints actually bound (tcp ports resolved).
const char *proxy_net_endpoint (proxy_t *self);
const char *proxy_control_endpoint (proxy_t *self);

//  The seed.
uint64_t proxy_seed (proxy_t *self);

//  Serve until *stop becomes non-zero (may be NULL), or pipe (may be NULL)
//  receives "$TERM". Returns 0 on a clean stop, -1 if the context ended.
int proxy_run (proxy_t *self, zsock_t *pipe, volatile sig_atomic_t *stop);

//  zactor body: args is a proxy_t made by proxy_new; signals the pipe,
//  then runs it until the actor is destroyed. The caller destroys the
//  proxy after zactor_destroy.
void proxy_actor (zsock_t *pipe, void *args);

//  -- Control-side operations (used by control.c) -------------------------

//  The rule table; call proxy_rules_changed after editing it.
rule_table_t *proxy_rules (proxy_t *self);

//  Re-resolve every link's rule from the table.
void proxy_rules_changed (proxy_t *self);

//  Make sure the proxy knows this id (control commands may name parties
//  before they connect). Returns 0, or -1 when FL_PARTIES_MAX are known.
int proxy_party_add (proxy_t *self, const char *id);

//  Pause (queue all traffic from and to the party) or resume it (release
//  its queued traffic in arrival order). Returns 0, or -1 as above.
int proxy_pause (proxy_t *self, const char *id, bool paused);

//  Clear every rule and resume every paused party.
void proxy_heal (proxy_t *self);

//  Milliseconds since proxy_new.
int64_t proxy_uptime_ms (proxy_t *self);

//  The "stats" reply fields: {"links":{"n1->n2":{...}},"totals":{...},
//  "unroutable","oversize","rejected","overflow"}. Caller owns it.
json_t *proxy_stats (proxy_t *self);

//  The "state" reply fields: {"rules":[...],"paused":[...],"parties":[...],
//  "held":N,"queued":N}. Caller owns it.
json_t *proxy_state (proxy_t *self);

#endif
