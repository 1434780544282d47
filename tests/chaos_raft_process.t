#!/usr/bin/env bash
# chaos_raft_process.t -- raft stays linearizable under process faults: kill -9 + restart, SIGSTOP/SIGCONT, clock skew.
# Each scenario runs 8 s of load with a fixed seed (--time-limit keeps the
# schedule's first faults), then the final heal and settle; the check must
# say valid and the run must exit 0.
. "$(dirname "$0")/lib.sh" chaos-raft
raft_valid_under crash-restart pause clock-skew
