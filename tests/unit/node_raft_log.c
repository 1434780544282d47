/*  node_raft_log.c -- the Raft node's durable log (nodes/raft/rlog.h):
    in-memory behaviour, persistence round trip, truncation replay, and a
    torn or corrupt last record cut off on restart. Links build/libraft.a.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "tap.h"
#include "../../nodes/raft/rlog.h"

static char *
s_tempdir (void)
{
    char tmpl [] = "/tmp/raftlog.XXXXXX";
    char *dir = mkdtemp (tmpl);
    assert_non_null (dir);
    return strdup (dir);
}

static void
s_rmdir (char *dir)
{
    char path [4096];
    snprintf (path, sizeof path, "%s/raft.log", dir);
    unlink (path);
    rmdir (dir);
    free (dir);
}

static rlog_t *
s_open (const char *dir, size_t *torn)
{
    char err [256] = "";
    rlog_t *log = rlog_open (dir, err, sizeof err, torn);
    if (!log)
        fail_msg ("open failed: %s", err);
    return log;
}

static off_t
s_file_size (const char *dir)
{
    char path [4096];
    snprintf (path, sizeof path, "%s/raft.log", dir);
    struct stat st;
    assert_int_equal (stat (path, &st), 0);
    return st.st_size;
}

static void
test_memory_log (void **state)
{
    (void) state;
    rlog_t *log = s_open (NULL, NULL);
    assert_false (rlog_durable (log));
    assert_int_equal (rlog_last_index (log), 0);
    assert_int_equal (rlog_last_term (log), 0);
    assert_int_equal (rlog_term_at (log, 0), 0);
    assert_int_equal (rlog_term_at (log, 1), -1);
    assert_int_equal (rlog_append (log, 1, "a", 1), 1);
    assert_int_equal (rlog_append (log, 1, "bb", 2), 2);
    assert_int_equal (rlog_append (log, 3, "ccc", 3), 3);
    assert_int_equal (rlog_append (log, 3, "d", 1), 4);
    assert_int_equal (rlog_bytes (log), 7);
    assert_int_equal (rlog_term_first (log, 4), 3);
    assert_int_equal (rlog_term_first (log, 2), 1);
    assert_int_equal (rlog_term_last (log, 1), 2);
    assert_int_equal (rlog_term_last (log, 2), 0);
    assert_int_equal (rlog_term_last (log, 3), 4);
    size_t len;
    assert_string_equal (rlog_data_at (log, 3, &len), "ccc");
    assert_int_equal (len, 3);
    rlog_truncate (log, 3);
    assert_int_equal (rlog_last_index (log), 2);
    assert_int_equal (rlog_bytes (log), 3);
    assert_true (rlog_dirty (log));
    assert_int_equal (rlog_sync (log), 0);
    assert_false (rlog_dirty (log));
    rlog_set_meta (log, 5, "n2");
    assert_int_equal (rlog_term (log), 5);
    assert_string_equal (rlog_voted_for (log), "n2");
    rlog_destroy (&log);
    assert_null (log);
    rlog_destroy (&log);
}

static void
test_round_trip (void **state)
{
    (void) state;
    char *dir = s_tempdir ();
    rlog_t *log = s_open (dir, NULL);
    assert_true (rlog_durable (log));
    rlog_set_meta (log, 2, "n3");
    rlog_append (log, 1, "one", 3);
    rlog_append (log, 2, "two", 3);
    rlog_append (log, 2, "three", 5);
    assert_int_equal (rlog_sync (log), 0);
    rlog_truncate (log, 2);             // a conflict: replace 2..3
    rlog_append (log, 4, "TWO", 3);
    rlog_set_meta (log, 4, NULL);
    rlog_set_meta (log, 4, "n1");
    assert_int_equal (rlog_sync (log), 0);
    rlog_append (log, 4, "lost", 4);    // never synced: lost at a "crash"
    rlog_destroy (&log);

    size_t torn = 99;
    log = s_open (dir, &torn);
    assert_int_equal (torn, 0);
    assert_int_equal (rlog_term (log), 4);
    assert_string_equal (rlog_voted_for (log), "n1");
    assert_int_equal (rlog_last_index (log), 2);
    assert_int_equal (rlog_term_at (log, 1), 1);
    assert_int_equal (rlog_term_at (log, 2), 4);
    assert_string_equal (rlog_data_at (log, 2, NULL), "TWO");
    assert_false (rlog_dirty (log));
    //  An entry record replacing from an index directly (no 'T' record).
    rlog_append (log, 4, "x", 1);
    assert_int_equal (rlog_sync (log), 0);
    rlog_destroy (&log);
    log = s_open (dir, &torn);
    assert_int_equal (rlog_last_index (log), 3);
    assert_string_equal (rlog_data_at (log, 3, NULL), "x");
    rlog_destroy (&log);
    s_rmdir (dir);
}

//  Write n entries, cut `cut` bytes off the end of the file (a torn last
//  write), reopen: the last entry is gone, the rest intact, and appending
//  after the cut works across another restart.
static void
test_torn_tail (void **state)
{
    (void) state;
    char *dir = s_tempdir ();
    rlog_t *log = s_open (dir, NULL);
    rlog_set_meta (log, 1, "n1");
    for (int i = 0; i < 5; i++)
        rlog_append (log, 1, "entry", 5);
    assert_int_equal (rlog_sync (log), 0);
    rlog_destroy (&log);

    char path [4096];
    snprintf (path, sizeof path, "%s/raft.log", dir);
    off_t size = s_file_size (dir);
    assert_int_equal (truncate (path, size - 3), 0);
    size_t torn = 0;
    log = s_open (dir, &torn);
    assert_int_equal (torn, RLOG_HEADER_BYTES + 16 + 5 - 3);
    assert_int_equal (rlog_last_index (log), 4);
    assert_int_equal (rlog_term (log), 1);
    assert_int_equal (s_file_size (dir), size - (RLOG_HEADER_BYTES + 16 + 5));
    rlog_append (log, 2, "after", 5);
    assert_int_equal (rlog_sync (log), 0);
    rlog_destroy (&log);
    log = s_open (dir, &torn);
    assert_int_equal (torn, 0);
    assert_int_equal (rlog_last_index (log), 5);
    assert_int_equal (rlog_term_at (log, 5), 2);
    assert_string_equal (rlog_data_at (log, 5, NULL), "after");
    rlog_destroy (&log);
    s_rmdir (dir);
}

//  A flipped byte in the last record (its checksum fails) and garbage
//  appended after the last record are both cut off.
static void
test_corrupt_tail (void **state)
{
    (void) state;
    char *dir = s_tempdir ();
    rlog_t *log = s_open (dir, NULL);
    rlog_append (log, 1, "aaaa", 4);
    rlog_append (log, 1, "bbbb", 4);
    assert_int_equal (rlog_sync (log), 0);
    rlog_destroy (&log);
    char path [4096];
    snprintf (path, sizeof path, "%s/raft.log", dir);
    off_t size = s_file_size (dir);
    int fd = open (path, O_RDWR);
    assert_true (fd >= 0);
    assert_int_equal (pwrite (fd, "X", 1, size - 1), 1);
    assert_int_equal (pwrite (fd, "\x01\x02\x03\x04\xff\xff", 6, size), 6);
    close (fd);
    size_t torn = 0;
    log = s_open (dir, &torn);
    assert_int_equal (rlog_last_index (log), 1);
    assert_string_equal (rlog_data_at (log, 1, NULL), "aaaa");
    assert_int_equal (torn, RLOG_HEADER_BYTES + 16 + 4 + 6);
    rlog_destroy (&log);
    s_rmdir (dir);
}

static void
test_open_error (void **state)
{
    (void) state;
    char err [256] = "";
    rlog_t *log = rlog_open ("/proc/no/such/dir", err, sizeof err, NULL);
    assert_null (log);
    assert_non_null (strstr (err, "/proc/no/such/dir"));
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_memory_log),
        cmocka_unit_test (test_round_trip),
        cmocka_unit_test (test_torn_tail),
        cmocka_unit_test (test_corrupt_tail),
        cmocka_unit_test (test_open_error),
    };
    return cmocka_run_group_tests_name ("node_raft_log", tests, NULL, NULL);
}
