/*  config.h -- `--config K=V[,K=V...]`: a run's settings for our systems,
    read against the scenario they change. Each item overrides the
    scenario's `params` line of the same key or adds one; every param is
    passed to each node as `--param K=V` (lab.h).

    Rules, checked before anything runs: K is a lowercase name
    ([a-z][a-z0-9_]*) that some system of ours reads (w, r, read_repair,
    hinted_handoff: quorum; gossip: crdt; heartbeat_ms, election_min_ms,
    election_max_ms, batch_ms, ae_inflight, prevote, noop: raft; bug: the
    bug zoo), never
    `workload` (the lab sets it), and given once; V is not empty; `w` and `r` (quorum's write and read
    quorums) are one|quorum|all or a whole number 1..nodes; `read_repair`,
    `hinted_handoff`, `gossip`, `prevote` and `noop` are true|false; raft's
    times whole milliseconds in range, election_min_ms <= election_max_ms. Errors name the option, the item
    and what is wrong: "--config: w=5: more than the scenario's 3 nodes".
*/
#ifndef FL_CONFIG_H_INCLUDED
#define FL_CONFIG_H_INCLUDED

#include "scenario.h"

//  Apply TEXT (the option's value) to SCENARIO's params. 0, or -1 with
//  *error set (malloc'd) and the scenario unchanged.
int config_apply (scenario_t *scenario, const char *text, char **error);

//  The same, WHOSE naming the node count in errors ("the lab's" for up:
//  "--config: w=4: more than the lab's 3 nodes").
int config_apply_to (scenario_t *scenario, const char *text, const char *whose,
                     char **error);

//  Check the values of SCENARIO's own params whose keys our systems read,
//  by the rules above (a run on our systems calls it after --config is
//  applied: a bad value would be a node exiting before init). 0, or -1
//  with *error (malloc'd) naming the file, "params" and the item.
int config_check_params (const scenario_t *scenario, char **error);

#endif
