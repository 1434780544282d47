#!/usr/bin/env bash
# chaos_raft_network.t -- raft stays linearizable under network faults: minority, isolated leader, bridge, one-way (a node mute or deaf), drop/duplicate/reorder, delay.
# Each scenario runs 8 s of load with a fixed seed (--time-limit keeps the
# schedule's first faults), then the final heal and settle; the check must
# say valid and the run must exit 0.
. "$(dirname "$0")/lib.sh" chaos-raft
raft_valid_under minority-partition isolate-leader bridge one-way flaky-network slow-network
