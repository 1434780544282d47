/*  node_raft_bugs.c -- the bug zoo's Raft bugs in nodes/raft/core.c
    (docs/bugs.md): each rule that core_bug_set switches off, shown broken
    with the bug on and kept with it off, on the same in-memory logs.
    Links build/libraft.a.
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

static rlog_t *
s_log (const int64_t *terms, size_t count)
{
    char err [64];
    rlog_t *log = rlog_open (NULL, err, sizeof err, NULL);
    assert_non_null (log);
    for (size_t i = 0; i < count; i++)
        rlog_append (log, terms [i], "x", 1);
    return log;
}

static void
test_names_follow_the_enum (void **state)
{
    (void) state;
    assert_string_equal (CORE_BUG_NAMES [CORE_BUG_STALE_READ - 1], "stale-read");
    assert_string_equal (CORE_BUG_NAMES [CORE_BUG_COMMIT_OLD_TERM - 1], "commit-old-term");
    assert_string_equal (CORE_BUG_NAMES [CORE_BUG_DOUBLE_VOTE - 1], "double-vote");
    assert_string_equal (CORE_BUG_NAMES [CORE_BUG_ACK_BEFORE_FSYNC - 1], "ack-before-fsync");
    assert_string_equal (CORE_BUG_NAMES [CORE_BUG_NO_PREV_CHECK - 1], "no-prev-check");
    assert_null (CORE_BUG_NAMES [CORE_BUG_NO_PREV_CHECK]);
    core_bug_set (CORE_BUG_NONE);
    assert_int_equal (core_bug (), CORE_BUG_NONE);
}

//  n1 voted for n2 in term 3; n3 asks in the same term.
static void
test_double_vote (void **state)
{
    (void) state;
    int64_t terms [] = { 1, 2 };
    rlog_t *log = s_log (terms, 2);
    rlog_set_meta (log, 3, "n2");
    core_bug_set (CORE_BUG_NONE);
    assert_false (core_vote_grant (log, "n3", 3, 2, 2));
    core_bug_set (CORE_BUG_DOUBLE_VOTE);
    assert_true (core_vote_grant (log, "n3", 3, 2, 2));
    assert_false (core_vote_grant (log, "n3", 3, 1, 9));    // the log rule still holds
    core_bug_set (CORE_BUG_NONE);
    rlog_destroy (&log);
}

//  Figure 8: the leader of term 4 holds index 2 of term 2 on a majority;
//  its own entry of term 4 at index 3 is on itself only.
static void
test_commit_old_term (void **state)
{
    (void) state;
    int64_t terms [] = { 1, 2, 4 };
    rlog_t *log = s_log (terms, 3);
    int64_t match [5] = { 3, 2, 2, 1, 1 };
    core_bug_set (CORE_BUG_NONE);
    assert_int_equal (core_commit (log, match, 5, 1, 4), 1);
    core_bug_set (CORE_BUG_COMMIT_OLD_TERM);
    assert_int_equal (core_commit (log, match, 5, 1, 4), 2);
    core_bug_set (CORE_BUG_NONE);
    rlog_destroy (&log);
}

//  A follower with 1, 1, 2 gets entries after (3, term 3) and after (5, -).
static void
test_no_prev_check (void **state)
{
    (void) state;
    int64_t terms [] = { 1, 1, 2 };
    rlog_t *log = s_log (terms, 3);
    core_entry_t entries [] = { { 3, "y", 1 } };
    core_bug_set (CORE_BUG_NONE);
    core_append_t r = core_append (log, 3, 3, entries, 1);
    assert_false (r.success);
    assert_int_equal (r.conflict_term, 2);
    r = core_append (log, 5, 3, entries, 1);
    assert_false (r.success);
    assert_int_equal (rlog_last_index (log), 3);
    core_bug_set (CORE_BUG_NO_PREV_CHECK);
    r = core_append (log, 3, 3, entries, 1);    // term 2 at 3 is kept under it
    assert_true (r.success);
    assert_int_equal (rlog_term_at (log, 3), 2);
    assert_int_equal (rlog_term_at (log, 4), 3);
    r = core_append (log, 6, 3, entries, 1);    // a gap: appended at 5, says 5
    assert_true (r.success);
    assert_int_equal (r.match_index, 5);
    assert_int_equal (rlog_last_index (log), 5);
    entries [0].term = 1;                       // never back in term: not taken
    r = core_append (log, 7, 1, entries, 1);
    assert_int_equal (rlog_last_index (log), 5);
    core_bug_set (CORE_BUG_NONE);
    rlog_destroy (&log);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_names_follow_the_enum),
        cmocka_unit_test (test_double_vote),
        cmocka_unit_test (test_commit_old_term),
        cmocka_unit_test (test_no_prev_check),
    };
    return cmocka_run_group_tests_name ("node_raft_bugs", tests, NULL, NULL);
}
