/*  core.c -- Raft's decision rules as pure functions (see core.h).

    Each function reads an rlog and plain numbers and either answers a
    question or makes the one buffered change Raft prescribes (core_append).
    The invariants they keep are the paper's: Election Safety (one vote per
    term, 5.2), Log Matching (an entry is only appended after its
    predecessor matched, 5.3), Leader Completeness (votes only for logs at
    least as up to date, 5.4.1; commit by counting replicas only for entries
    of the current term, 5.4.2).
*/
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "limits.h"
#include "core.h"

const char *const CORE_BUG_NAMES [] = {
    "stale-read", "commit-old-term", "double-vote", "ack-before-fsync", "no-prev-check", NULL
};

//  One process, one node: the bug is the process's, set once at start.
static core_bug_t s_bug = CORE_BUG_NONE;

void
core_bug_set (core_bug_t bug)
{
    assert (bug >= CORE_BUG_NONE && bug <= CORE_BUG_NO_PREV_CHECK);
    s_bug = bug;
}

core_bug_t
core_bug (void)
{
    return s_bug;
}

bool
core_log_up_to_date (int64_t cand_last_term, int64_t cand_last_index,
                     int64_t my_last_term, int64_t my_last_index)
{
    if (cand_last_term != my_last_term)
        return cand_last_term > my_last_term;
    return cand_last_index >= my_last_index;
}

bool
core_vote_grant (rlog_t *log, const char *candidate, int64_t cand_term,
                 int64_t cand_last_term, int64_t cand_last_index)
{
    assert (log);
    assert (candidate);
    if (cand_term != rlog_term (log))
        return false;
    const char *voted = rlog_voted_for (log);
    //  Bug double-vote: the vote already given this term is not looked at.
    if (*voted && strcmp (voted, candidate) != 0 && s_bug != CORE_BUG_DOUBLE_VOTE)
        return false;
    return core_log_up_to_date (cand_last_term, cand_last_index,
                                rlog_last_term (log), rlog_last_index (log));
}

bool
core_prevote_grant (rlog_t *log, int64_t cand_term, int64_t cand_last_term,
                    int64_t cand_last_index, bool heard_leader)
{
    assert (log);
    return cand_term > rlog_term (log) && !heard_leader
        && core_log_up_to_date (cand_last_term, cand_last_index,
                                rlog_last_term (log), rlog_last_index (log));
}

core_append_t
core_append (rlog_t *log, int64_t prev_index, int64_t prev_term,
             const core_entry_t *entries, size_t count)
{
    assert (log);
    assert (prev_index >= 0);
    core_append_t result = { false, 0, 0, 0 };
    int64_t last = rlog_last_index (log);
    //  Bug no-prev-check: the consistency check (prev_index present, with
    //  prev_term) is skipped: what arrives is appended after what is here.
    if (prev_index > last && s_bug != CORE_BUG_NO_PREV_CHECK) {
        result.conflict_index = last + 1;
        return result;
    }
    int64_t have = rlog_term_at (log, prev_index);
    if (have != prev_term && s_bug != CORE_BUG_NO_PREV_CHECK) {
        result.conflict_term = have;
        result.conflict_index = rlog_term_first (log, prev_index);
        return result;
    }
    for (size_t k = 0; k < count; k++) {
        int64_t index = prev_index + 1 + (int64_t) k;
        int64_t term = rlog_term_at (log, index);
        if (term == entries [k].term)
            continue;                   // already there: a duplicate
        if (term != -1)
            rlog_truncate (log, index); // conflict: drop it and what follows
        else
        if (entries [k].term < rlog_last_term (log))
            break;                      // only under no-prev-check: a log
                                        // never goes back in term
        rlog_append (log, entries [k].term, entries [k].data, entries [k].len);
    }
    result.success = true;
    result.match_index = prev_index + (int64_t) count;
    if (s_bug == CORE_BUG_NO_PREV_CHECK && result.match_index > rlog_last_index (log))
        result.match_index = rlog_last_index (log);     // its log, shorter

    return result;
}

int64_t
core_next_after_reject (rlog_t *log, int64_t conflict_term,
                        int64_t conflict_index, int64_t match_index)
{
    assert (log);
    int64_t next = conflict_index;
    if (conflict_term > 0) {
        //  If we hold that term too, our entries of it may agree: resume
        //  just after our last one; else skip the follower's whole term.
        int64_t ours = rlog_term_last (log, conflict_term);
        if (ours > 0)
            next = ours + 1;
    }
    if (next < match_index + 1)
        next = match_index + 1;
    if (next > rlog_last_index (log) + 1)
        next = rlog_last_index (log) + 1;
    return next;
}

int64_t
core_commit (rlog_t *log, const int64_t *match, size_t n, int64_t commit, int64_t term)
{
    assert (log);
    assert (n >= 1 && n <= FL_NODES_MAX);
    //  Sort a copy descending; the (n/2)th value is held by a majority.
    int64_t sorted [FL_NODES_MAX];
    memcpy (sorted, match, n * sizeof (int64_t));
    for (size_t i = 1; i < n; i++) {
        int64_t v = sorted [i];
        size_t j = i;
        for (; j > 0 && sorted [j - 1] < v; j--)
            sorted [j] = sorted [j - 1];
        sorted [j] = v;
    }
    int64_t candidate = sorted [n / 2];
    if (candidate > rlog_last_index (log))
        candidate = rlog_last_index (log);
    //  Bug commit-old-term: an earlier term's entry counts as committed once
    //  a majority holds it (the paper's Figure 8 shows how it is lost).
    if (candidate > commit && (rlog_term_at (log, candidate) == term
                               || s_bug == CORE_BUG_COMMIT_OLD_TERM))
        return candidate;
    return commit;
}

int64_t
core_follower_commit (int64_t commit, int64_t leader_commit, int64_t match_index)
{
    int64_t target = leader_commit < match_index ? leader_commit : match_index;
    return target > commit ? target : commit;
}

int64_t
core_election_timeout_ms (uint64_t random, int64_t min_ms, int64_t max_ms)
{
    assert (min_ms > 0 && max_ms >= min_ms);
    return min_ms + (int64_t) (random % (uint64_t) (max_ms - min_ms + 1));
}

bool
core_quorum_heard (const int64_t *last_heard_ms, size_t n, size_t me,
                   int64_t now_ms, int64_t window_ms)
{
    assert (me < n);
    size_t heard = 1;
    for (size_t i = 0; i < n; i++)
        if (i != me && now_ms - last_heard_ms [i] <= window_ms)
            heard++;
    return heard * 2 > n;
}

int64_t
core_clock_step (int64_t *last_raw_ms, int64_t raw_ms, int64_t step_max_ms)
{
    assert (last_raw_ms);
    int64_t step = raw_ms - *last_raw_ms;
    *last_raw_ms = raw_ms;
    if (step < 0 || step > step_max_ms)
        step = step_max_ms;
    return step;
}

int64_t
core_tick_step (int64_t *last_raw_ms, int64_t raw_ms)
{
    return core_clock_step (last_raw_ms, raw_ms, 10 * FL_RAFT_TICK_MS);
}

size_t
core_append_count (rlog_t *log, int64_t next, size_t max_entries)
{
    assert (log);
    assert (next >= 1);
    assert (max_entries <= FL_RAFT_AE_ENTRIES_MAX);
    int64_t last = rlog_last_index (log);
    size_t bytes = 0, count = 0;
    for (int64_t index = next; index <= last && count < max_entries
                            && bytes < FL_RAFT_AE_BYTES_MAX; index++) {
        size_t len;
        rlog_data_at (log, index, &len);
        bytes += len;
        count++;
    }
    return count;
}

bool
core_may_replicate (int64_t next, int64_t match, int64_t last,
                    int64_t inflight, int64_t inflight_max)
{
    return next <= last && next - 1 - match < FL_RAFT_INFLIGHT_MAX
        && inflight < inflight_max;
}

bool
core_admit (size_t waiters, size_t log_bytes, char *why, size_t why_size)
{
    assert (why && why_size);
    if (waiters >= FL_RAFT_WAITERS_MAX)
        snprintf (why, why_size, "overloaded: FL_RAFT_WAITERS_MAX (%d) ops wait already",
                  FL_RAFT_WAITERS_MAX);
    else
    if (log_bytes >= FL_RAFT_LOG_BYTES_MAX)
        snprintf (why, why_size, "log full: FL_RAFT_LOG_BYTES_MAX (%d) bytes, "
                  "and no compaction yet", FL_RAFT_LOG_BYTES_MAX);
    else
        return true;
    return false;
}

bool
core_batch_full (size_t ops)
{
    return ops >= FL_RAFT_BATCH_OPS_MAX;
}

bool
core_waiter_expired (int64_t added_ms, int64_t now_ms)
{
    return now_ms - added_ms >= FL_RAFT_WAITER_TIMEOUT_MS;
}

int64_t
core_forward_left_ms (int64_t started_ms, int64_t now_ms)
{
    return FL_RAFT_FORWARD_TIMEOUT_MS - (now_ms - started_ms);
}

int64_t
core_forward_try_ms (int64_t rtt_ms, int64_t left_ms)
{
    int64_t timeout_ms = 3 * rtt_ms + 20;
    if (timeout_ms > FL_RAFT_FORWARD_RETRY_MS)
        timeout_ms = FL_RAFT_FORWARD_RETRY_MS;
    return timeout_ms < left_ms ? timeout_ms : left_ms;
}
