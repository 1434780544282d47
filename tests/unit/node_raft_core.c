/*  node_raft_core.c -- Raft's rules (nodes/raft/core.c) on in-memory logs:
    votes, log matching with conflict truncation, fast backtracking, commit
    only of current-term entries on a majority, timeouts, check-quorum and
    the skew-proof clock. Links build/libraft.a.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "limits.h"
#include "../../nodes/raft/rlog.h"
#include "../../nodes/raft/core.h"

//  A log with entries of the given terms, data "t<term>".
static rlog_t *
s_log (const int64_t *terms, size_t count)
{
    char err [64];
    rlog_t *log = rlog_open (NULL, err, sizeof err, NULL);
    assert_non_null (log);
    for (size_t i = 0; i < count; i++) {
        char data [32];
        int len = snprintf (data, sizeof data, "t%lld", (long long) terms [i]);
        rlog_append (log, terms [i], data, (size_t) len);
    }
    return log;
}

static void
test_up_to_date (void **state)
{
    (void) state;
    assert_true (core_log_up_to_date (3, 1, 2, 9));     // higher last term wins
    assert_false (core_log_up_to_date (2, 9, 3, 1));
    assert_true (core_log_up_to_date (2, 5, 2, 5));     // equal is enough
    assert_false (core_log_up_to_date (2, 4, 2, 5));    // shorter loses
    assert_true (core_log_up_to_date (0, 0, 0, 0));
}

static void
test_vote_rules (void **state)
{
    (void) state;
    int64_t terms [] = { 1, 1, 2 };
    rlog_t *log = s_log (terms, 3);
    rlog_set_meta (log, 3, NULL);
    assert_false (core_vote_grant (log, "n2", 2, 2, 3));  // stale term
    assert_false (core_vote_grant (log, "n2", 3, 1, 9));  // log behind
    assert_false (core_vote_grant (log, "n2", 3, 2, 2));  // shorter
    assert_true (core_vote_grant (log, "n2", 3, 2, 3));
    rlog_set_meta (log, 3, "n2");
    assert_true (core_vote_grant (log, "n2", 3, 2, 3));   // same again: yes
    assert_false (core_vote_grant (log, "n3", 3, 5, 9));  // one vote per term
    rlog_set_meta (log, 4, NULL);
    assert_true (core_vote_grant (log, "n3", 4, 5, 9));
    rlog_destroy (&log);
}

static void
test_prevote_rules (void **state)
{
    (void) state;
    int64_t terms [] = { 1, 2 };
    rlog_t *log = s_log (terms, 2);
    rlog_set_meta (log, 3, "n1");
    assert_true (core_prevote_grant (log, 4, 2, 2, false));
    assert_false (core_prevote_grant (log, 4, 2, 2, true));    // live leader
    assert_false (core_prevote_grant (log, 3, 2, 2, false));   // not above ours
    assert_false (core_prevote_grant (log, 9, 2, 1, false));   // log behind
    //  A pre-vote changes nothing: no term, no vote.
    assert_int_equal (rlog_term (log), 3);
    assert_string_equal (rlog_voted_for (log), "n1");
    rlog_destroy (&log);
}

static void
test_append_matching (void **state)
{
    (void) state;
    int64_t terms [] = { 1, 1, 2 };
    rlog_t *log = s_log (terms, 3);
    core_entry_t e [] = { { 2, "a", 1 }, { 3, "b", 1 } };

    //  prev past our end: hint is last + 1, no term.
    core_append_t r = core_append (log, 5, 2, e, 2);
    assert_false (r.success);
    assert_int_equal (r.conflict_term, 0);
    assert_int_equal (r.conflict_index, 4);
    //  prev term mismatch at index 3 (we have 2): hint first index of 2.
    r = core_append (log, 3, 3, e, 2);
    assert_false (r.success);
    assert_int_equal (r.conflict_term, 2);
    assert_int_equal (r.conflict_index, 3);
    //  heartbeat (no entries) that matches.
    r = core_append (log, 3, 2, NULL, 0);
    assert_true (r.success);
    assert_int_equal (r.match_index, 3);
    assert_int_equal (rlog_last_index (log), 3);
    //  append after 3.
    r = core_append (log, 3, 2, e + 1, 1);
    assert_true (r.success);
    assert_int_equal (r.match_index, 4);
    assert_int_equal (rlog_last_index (log), 4);
    //  a stale, duplicated shorter append must not cut entry 4.
    r = core_append (log, 2, 1, e, 1);
    assert_true (r.success);
    assert_int_equal (r.match_index, 3);
    assert_int_equal (rlog_last_index (log), 4);
    assert_int_equal (rlog_term_at (log, 4), 3);
    rlog_destroy (&log);
}

static void
test_append_conflict_truncates (void **state)
{
    (void) state;
    int64_t terms [] = { 1, 1, 2, 2, 2 };
    rlog_t *log = s_log (terms, 5);
    assert_int_equal (rlog_sync (log), 0);
    //  The leader of term 3 has 1,1,3,3 : entries 3.. conflict.
    core_entry_t e [] = { { 3, "x", 1 }, { 3, "y", 1 } };
    core_append_t r = core_append (log, 2, 1, e, 2);
    assert_true (r.success);
    assert_int_equal (r.match_index, 4);
    assert_int_equal (rlog_last_index (log), 4);
    assert_int_equal (rlog_term_at (log, 3), 3);
    assert_int_equal (rlog_term_at (log, 4), 3);
    assert_string_equal (rlog_data_at (log, 4, NULL), "y");
    assert_true (rlog_dirty (log));
    rlog_destroy (&log);
}

static void
test_fast_backtracking (void **state)
{
    (void) state;
    //  Leader log: 1 1 1 4 4 5 5 6 6 6   (figure 7 of the paper, leader)
    int64_t leader_terms [] = { 1, 1, 1, 4, 4, 5, 5, 6, 6, 6 };
    rlog_t *leader = s_log (leader_terms, 10);
    //  Follower with terms 1 1 1 2 2 2 3 3 3 3 3 (f in figure 7)
    int64_t follower_terms [] = { 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3 };
    rlog_t *follower = s_log (follower_terms, 11);
    int64_t next = 11;
    int rounds = 0;
    while (true) {
        int64_t prev = next - 1;
        core_append_t r = core_append (follower, prev, rlog_term_at (leader, prev), NULL, 0);
        rounds++;
        if (r.success)
            break;
        next = core_next_after_reject (leader, r.conflict_term, r.conflict_index, 0);
        assert_true (rounds < 10);
    }
    //  One round per conflicting term (3, then 2), then a match at 3.
    assert_int_equal (next, 4);
    assert_int_equal (rounds, 3);
    //  A follower that is simply short: one hop to its end.
    int64_t short_terms [] = { 1, 1 };
    rlog_t *shorter = s_log (short_terms, 2);
    core_append_t r = core_append (shorter, 10, 6, NULL, 0);
    assert_int_equal (core_next_after_reject (leader, r.conflict_term, r.conflict_index, 0), 3);
    //  The leader holds the follower's conflicting term: resume after it.
    assert_int_equal (core_next_after_reject (leader, 4, 4, 0), 6);
    //  Never below match + 1, never past last + 1.
    assert_int_equal (core_next_after_reject (leader, 0, 1, 7), 8);
    assert_int_equal (core_next_after_reject (leader, 0, 40, 0), 11);
    rlog_destroy (&leader);
    rlog_destroy (&follower);
    rlog_destroy (&shorter);
}

static void
test_commit_majority_current_term (void **state)
{
    (void) state;
    int64_t terms [] = { 1, 1, 2, 3, 3 };
    rlog_t *log = s_log (terms, 5);
    //  5 nodes; 3 hold index >= 4 (term 3 == current): commit 4.
    int64_t match [] = { 5, 4, 4, 1, 0 };
    assert_int_equal (core_commit (log, match, 5, 0, 3), 4);
    //  Only 2 of 5 hold 4: no advance beyond what a majority holds (2).
    int64_t match2 [] = { 5, 4, 2, 2, 0 };
    //  index 2 is of term 1 != 3: §5.4.2 forbids committing it by counting.
    assert_int_equal (core_commit (log, match2, 5, 0, 3), 0);
    //  The same majority in term 1 would commit it.
    assert_int_equal (core_commit (log, match2, 5, 0, 1), 2);
    //  Never decreases.
    assert_int_equal (core_commit (log, match2, 5, 4, 3), 4);
    //  One node cluster.
    int64_t one [] = { 5 };
    assert_int_equal (core_commit (log, one, 1, 0, 3), 5);
    //  3 nodes, leader plus one: majority.
    int64_t three [] = { 5, 5, 0 };
    assert_int_equal (core_commit (log, three, 3, 0, 3), 5);
    //  A match beyond our log (cannot happen, but stay safe).
    int64_t beyond [] = { 9, 9, 9 };
    assert_int_equal (core_commit (log, beyond, 3, 0, 3), 5);
    rlog_destroy (&log);
}

static void
test_follower_commit (void **state)
{
    (void) state;
    assert_int_equal (core_follower_commit (0, 10, 4), 4);
    assert_int_equal (core_follower_commit (0, 3, 4), 3);
    assert_int_equal (core_follower_commit (5, 3, 4), 5);
}

static void
test_timeouts_quorum_clock (void **state)
{
    (void) state;
    for (uint64_t r = 0; r < 1000; r += 7) {
        int64_t t = core_election_timeout_ms (r * 2654435761u, 300, 600);
        assert_true (t >= 300 && t <= 600);
    }
    assert_int_equal (core_election_timeout_ms (5, 300, 300), 300);
    int64_t heard [] = { 0, 990, 995, 100, 100 };
    assert_true (core_quorum_heard (heard, 5, 0, 1000, 50));
    assert_false (core_quorum_heard (heard, 5, 0, 1000, 8));
    assert_true (core_quorum_heard (heard, 1, 0, 1000, 8));
    int64_t last = 1000;
    assert_int_equal (core_clock_step (&last, 1010, 100), 10);
    assert_int_equal (core_clock_step (&last, 61010, 100), 100);  // skew +60 s
    assert_int_equal (core_clock_step (&last, 1020, 100), 100);   // skew back
    assert_int_equal (core_clock_step (&last, 1030, 100), 10);
}

//  The server's clock: a jump counts as ten ticks at most.
static void
test_tick_step (void **state)
{
    (void) state;
    int64_t last = 5000;
    assert_int_equal (core_tick_step (&last, 5000 + FL_RAFT_TICK_MS), FL_RAFT_TICK_MS);
    assert_int_equal (core_tick_step (&last, last + 10 * FL_RAFT_TICK_MS + 1),
                      10 * FL_RAFT_TICK_MS);
    assert_int_equal (core_tick_step (&last, last + 3600 * 1000), 10 * FL_RAFT_TICK_MS);
    assert_int_equal (core_tick_step (&last, last - 1), 10 * FL_RAFT_TICK_MS);
}

//  An append carries at most FL_RAFT_AE_ENTRIES_MAX entries, and stops
//  once its data reaches FL_RAFT_AE_BYTES_MAX.
static void
test_append_count_limits (void **state)
{
    (void) state;
    char err [64];
    rlog_t *log = rlog_open (NULL, err, sizeof err, NULL);
    assert_non_null (log);
    for (int i = 0; i < FL_RAFT_AE_ENTRIES_MAX + 1; i++)
        rlog_append (log, 1, "[]", 2);
    assert_int_equal (core_append_count (log, 1, FL_RAFT_AE_ENTRIES_MAX),
                      FL_RAFT_AE_ENTRIES_MAX);
    assert_int_equal (core_append_count (log, 2, FL_RAFT_AE_ENTRIES_MAX),
                      FL_RAFT_AE_ENTRIES_MAX);
    assert_int_equal (core_append_count (log, 3, FL_RAFT_AE_ENTRIES_MAX),
                      FL_RAFT_AE_ENTRIES_MAX - 1);
    assert_int_equal (core_append_count (log, 1, 0), 0);       //  a probe
    rlog_destroy (&log);
    //  Entries of a quarter of the byte bound: four reach it, the fifth
    //  waits for the next append.
    log = rlog_open (NULL, err, sizeof err, NULL);
    size_t quarter = FL_RAFT_AE_BYTES_MAX / 4;
    char *data = malloc (FL_RAFT_AE_BYTES_MAX + 1);
    assert_non_null (data);
    memset (data, 'x', FL_RAFT_AE_BYTES_MAX + 1);
    for (int i = 0; i < 6; i++)
        rlog_append (log, 1, data, quarter);
    assert_int_equal (core_append_count (log, 1, FL_RAFT_AE_ENTRIES_MAX), 4);
    assert_int_equal (core_append_count (log, 5, FL_RAFT_AE_ENTRIES_MAX), 2);
    //  One entry past the bound still goes, alone.
    rlog_append (log, 1, data, FL_RAFT_AE_BYTES_MAX + 1);
    rlog_append (log, 1, "[]", 2);
    assert_int_equal (core_append_count (log, 7, FL_RAFT_AE_ENTRIES_MAX), 1);
    free (data);
    rlog_destroy (&log);
}

//  Pipelining stops FL_RAFT_INFLIGHT_MAX entries ahead of the match.
static void
test_inflight_window (void **state)
{
    (void) state;
    int64_t last = 1000, match = 10;
    assert_true (core_may_replicate (match + FL_RAFT_INFLIGHT_MAX, match, last, 0, 2));
    assert_false (core_may_replicate (match + FL_RAFT_INFLIGHT_MAX + 1, match, last, 0, 2));
    assert_false (core_may_replicate (last + 1, match, last, 0, 2));   //  has all
    assert_false (core_may_replicate (match + 1, match, last, 2, 2));  //  ae_inflight
}

//  One op past FL_RAFT_WAITERS_MAX, or a log at FL_RAFT_LOG_BYTES_MAX, is
//  refused with the limit's name; a batch seals at FL_RAFT_BATCH_OPS_MAX.
static void
test_admit_and_batch_limits (void **state)
{
    (void) state;
    char why [128] = "";
    assert_true (core_admit (FL_RAFT_WAITERS_MAX - 1, FL_RAFT_LOG_BYTES_MAX - 1,
                             why, sizeof why));
    assert_false (core_admit (FL_RAFT_WAITERS_MAX, 0, why, sizeof why));
    assert_string_equal (why, "overloaded: FL_RAFT_WAITERS_MAX (4096) ops wait already");
    assert_false (core_admit (0, FL_RAFT_LOG_BYTES_MAX, why, sizeof why));
    assert_non_null (strstr (why, "FL_RAFT_LOG_BYTES_MAX (268435456) bytes"));
    assert_false (core_batch_full (FL_RAFT_BATCH_OPS_MAX - 1));
    assert_true (core_batch_full (FL_RAFT_BATCH_OPS_MAX));
}

//  Waiters answer error 0 after FL_RAFT_WAITER_TIMEOUT_MS; a forward has
//  FL_RAFT_FORWARD_TIMEOUT_MS for all its tries, each at most
//  FL_RAFT_FORWARD_RETRY_MS.
static void
test_client_timeouts (void **state)
{
    (void) state;
    int64_t t0 = 123456;
    assert_false (core_waiter_expired (t0, t0 + FL_RAFT_WAITER_TIMEOUT_MS - 1));
    assert_true (core_waiter_expired (t0, t0 + FL_RAFT_WAITER_TIMEOUT_MS));
    assert_int_equal (core_forward_left_ms (t0, t0), FL_RAFT_FORWARD_TIMEOUT_MS);
    assert_int_equal (core_forward_left_ms (t0, t0 + FL_RAFT_FORWARD_TIMEOUT_MS - 1), 1);
    assert_true (core_forward_left_ms (t0, t0 + FL_RAFT_FORWARD_TIMEOUT_MS) <= 0);
    assert_int_equal (core_forward_try_ms (10, 1000), 50);
    assert_int_equal (core_forward_try_ms (FL_RAFT_FORWARD_RETRY_MS, 1000),
                      FL_RAFT_FORWARD_RETRY_MS);
    assert_int_equal (core_forward_try_ms (FL_RAFT_FORWARD_RETRY_MS, 7), 7);
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_up_to_date),
        cmocka_unit_test (test_vote_rules),
        cmocka_unit_test (test_prevote_rules),
        cmocka_unit_test (test_append_matching),
        cmocka_unit_test (test_append_conflict_truncates),
        cmocka_unit_test (test_fast_backtracking),
        cmocka_unit_test (test_commit_majority_current_term),
        cmocka_unit_test (test_follower_commit),
        cmocka_unit_test (test_timeouts_quorum_clock),
        cmocka_unit_test (test_tick_step),
        cmocka_unit_test (test_append_count_limits),
        cmocka_unit_test (test_inflight_window),
        cmocka_unit_test (test_admit_and_batch_limits),
        cmocka_unit_test (test_client_timeouts),
    };
    return cmocka_run_group_tests_name ("node_raft_core", tests, NULL, NULL);
}
