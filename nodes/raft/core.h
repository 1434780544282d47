/*  core.h -- Raft's rules as pure functions over an rlog and plain values.

    No I/O, no clock, no network: the server (raft.c) reads the time and
    the messages and asks these functions what to do, so every rule is unit
    tested on its own (tests/unit/node_raft_core.c). Section numbers refer
    to the Raft paper (Ongaro and Ousterhout, 2014).
*/
#ifndef FL_CORE_H_INCLUDED
#define FL_CORE_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "rlog.h"

//  One entry as carried by AppendEntries; data is borrowed.
typedef struct {
    int64_t term;
    const char *data;
    size_t len;
} core_entry_t;

//  A follower's answer to AppendEntries. On success match_index is the last
//  index known to equal the leader's log (prev + entries). On failure the
//  hint for fast backtracking: conflict_term is the term the follower has
//  at prev_index (0 when its log is too short) and conflict_index the first
//  index of that term (or last + 1 when too short).
typedef struct {
    bool success;
    int64_t match_index;
    int64_t conflict_term;
    int64_t conflict_index;
} core_append_t;

//  The bug zoo (docs/bugs.md): classic Raft bugs, off unless the node was
//  started with --param bug=NAME. The rules below keep the paper's
//  invariants unless core_bug_set switched one on; CORE_BUG_NAMES lists the
//  names in the enum's order (index + 1 = the bug), NULL-terminated, for
//  node_bug.
typedef enum {
    CORE_BUG_NONE,
    CORE_BUG_STALE_READ,        // leader reads from its own state (raft.c)
    CORE_BUG_COMMIT_OLD_TERM,   // core_commit counts replicas of any term
    CORE_BUG_DOUBLE_VOTE,       // core_vote_grant ignores the vote it gave
    CORE_BUG_ACK_BEFORE_FSYNC,  // acks leave before the fsync (raft.c)
    CORE_BUG_NO_PREV_CHECK      // core_append skips the prev_term check
} core_bug_t;

extern const char *const CORE_BUG_NAMES [];

//  Switch a bug on (CORE_BUG_NONE: all off) for this process; the bug on.
void core_bug_set (core_bug_t bug);
core_bug_t core_bug (void);

//  Section 5.4.1: is a candidate's log (last term, last index) at least as
//  up to date as ours?
bool core_log_up_to_date (int64_t cand_last_term, int64_t cand_last_index,
                          int64_t my_last_term, int64_t my_last_index);

//  Section 5.2 + 5.4.1: grant a vote to candidate in the log's current term?
//  The caller has already adopted a higher candidate term. True when the
//  terms are equal, we have not voted for someone else this term, and the
//  candidate's log is up to date.
bool core_vote_grant (rlog_t *log, const char *candidate, int64_t cand_term,
                      int64_t cand_last_term, int64_t cand_last_index);

//  Pre-vote (Raft thesis 9.6): would we vote for a candidate that asks
//  before raising its term to cand_term? Only if that term is above ours,
//  its log is up to date, and we have no live leader (heard_leader: we heard
//  from one within the minimum election timeout, or we are it). So a node
//  back from a minority cannot depose a working leader.
bool core_prevote_grant (rlog_t *log, int64_t cand_term, int64_t cand_last_term,
                         int64_t cand_last_index, bool heard_leader);

//  Section 5.3, follower side: check the consistency of (prev_index,
//  prev_term), then append the entries, truncating at the first entry whose
//  term conflicts. Entries already present with the same term are kept (so
//  duplicated or reordered messages never cut a longer matching log).
//  Changes to log are buffered: sync before acknowledging.
core_append_t core_append (rlog_t *log, int64_t prev_index, int64_t prev_term,
                           const core_entry_t *entries, size_t count);

//  Leader side of a rejection: the next index to try for that follower,
//  skipping a whole conflicting term at a time; never below match + 1 and
//  never above last + 1.
int64_t core_next_after_reject (rlog_t *log, int64_t conflict_term,
                                int64_t conflict_index, int64_t match_index);

//  Section 5.3/5.4.2: the leader's new commit index: the highest index
//  stored on a majority of the n nodes (match [i], the leader's own
//  durable last index included), but only if that entry is of the current
//  term; otherwise commit is unchanged. Never decreases.
int64_t core_commit (rlog_t *log, const int64_t *match, size_t n,
                     int64_t commit, int64_t term);

//  The follower's commit index after a successful append: min(leader
//  commit, last new entry index), never decreasing.
int64_t core_follower_commit (int64_t commit, int64_t leader_commit,
                              int64_t match_index);

//  An election timeout in [min_ms, max_ms] from a random draw.
int64_t core_election_timeout_ms (uint64_t random, int64_t min_ms, int64_t max_ms);

//  Check quorum: true when, counting ourselves, a majority of n nodes was
//  heard from within window_ms before now (last_heard_ms [me] is ignored).
bool core_quorum_heard (const int64_t *last_heard_ms, size_t n, size_t me,
                        int64_t now_ms, int64_t window_ms);

//  Elapsed time that a clock jump cannot fool: given the previous raw
//  reading and a new one, return the step to add to elapsed time, which is
//  raw - last when that is in [0, step_max_ms], else step_max_ms (a skew
//  injected forwards or backwards counts as one normal tick). Updates *last.
int64_t core_clock_step (int64_t *last_raw_ms, int64_t raw_ms, int64_t step_max_ms);

//  Elapsed time of one tick of the server's clock: core_clock_step with
//  step_max_ms = 10 * FL_RAFT_TICK_MS (a stalled or skewed tick counts as
//  ten ticks at most).
int64_t core_tick_step (int64_t *last_raw_ms, int64_t raw_ms);

//  How many entries from next an AppendEntries carries: at most max_entries
//  (<= FL_RAFT_AE_ENTRIES_MAX, which a follower refuses past), and no more
//  once their data reaches FL_RAFT_AE_BYTES_MAX (an entry is added while the
//  data so far is below it, so one big entry still goes, alone).
size_t core_append_count (rlog_t *log, int64_t next, size_t max_entries);

//  May the leader send a follower new entries now? Not when it has them all
//  (next > last), when FL_RAFT_INFLIGHT_MAX entries are sent ahead of its
//  match, or when inflight_max appends with entries await an answer.
bool core_may_replicate (int64_t next, int64_t match, int64_t last,
                         int64_t inflight, int64_t inflight_max);

//  May the leader take one more client op, with waiters ops waiting and a
//  log of log_bytes? False past FL_RAFT_WAITERS_MAX waiters or at
//  FL_RAFT_LOG_BYTES_MAX bytes, with why naming the limit (error 11 text).
bool core_admit (size_t waiters, size_t log_bytes, char *why, size_t why_size);

//  Is the open batch of ops full (FL_RAFT_BATCH_OPS_MAX), to be sealed now?
bool core_batch_full (size_t ops);

//  Has a client op waited its FL_RAFT_WAITER_TIMEOUT_MS since added_ms?
bool core_waiter_expired (int64_t added_ms, int64_t now_ms);

//  A forward started at started_ms: milliseconds left of its
//  FL_RAFT_FORWARD_TIMEOUT_MS at now_ms (<= 0: time is up).
int64_t core_forward_left_ms (int64_t started_ms, int64_t now_ms);

//  One forward try's RPC timeout: 3 round trips + 20 ms, at most
//  FL_RAFT_FORWARD_RETRY_MS and at most left_ms.
int64_t core_forward_try_ms (int64_t rtt_ms, int64_t left_ms);

#endif
