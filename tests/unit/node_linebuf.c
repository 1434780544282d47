/*  node_linebuf.c -- lines from a pipe, one at a time: a line split over
    reads comes out whole, several in one read come out one per call, a
    line over the bound comes out once as LINEBUF_TOO_LONG (its head) and
    the rest of it is skipped, numbers count every line, and at EOF a last
    line without a newline still comes out.
*/
#include "tap.h"
#include <string.h>
#include "limits.h"
#include "nodes/lib/linebuf.h"

typedef struct {
    int fds [2];
    linebuf_t in;
} fx_t;

static int
s_setup (void **state)
{
    fx_t *fx = calloc (1, sizeof (fx_t));
    if (!fx || pipe (fx->fds))
        return -1;
    linebuf_init (&fx->in, 8);
    *state = fx;
    return 0;
}

static int
s_teardown (void **state)
{
    fx_t *fx = *state;
    linebuf_release (&fx->in);
    close (fx->fds [0]);
    if (fx->fds [1] >= 0)
        close (fx->fds [1]);
    free (fx);
    return 0;
}

static void
s_put (fx_t *fx, const char *text)
{
    assert_int_equal (write (fx->fds [1], text, strlen (text)), (ssize_t) strlen (text));
    assert_true (linebuf_read (&fx->in, fx->fds [0]) > 0);
}

//  The next result must be `want` with text `line` and number line_no.
static void
s_expect (fx_t *fx, linebuf_result_t want, const char *line, long line_no)
{
    const char *got = NULL;
    size_t len = 0;
    linebuf_result_t result = linebuf_next (&fx->in, &got, &len);
    assert_int_equal (result, want);
    if (want == LINEBUF_NONE)
        return;
    if (len != strlen (line) || memcmp (got, line, len))
        fail_msg ("line %ld: got '%.*s', wanted '%s'", line_no, (int) len, got, line);
    assert_int_equal (fx->in.line_no, line_no);
}

static void
test_split_and_joined (void **state)
{
    fx_t *fx = *state;
    s_put (fx, "ab");
    assert_false (linebuf_ready (&fx->in));
    s_expect (fx, LINEBUF_NONE, NULL, 0);
    s_put (fx, "c\n\nd\ne");
    assert_true (linebuf_ready (&fx->in));
    s_expect (fx, LINEBUF_LINE, "abc", 1);
    s_expect (fx, LINEBUF_LINE, "", 2);
    s_expect (fx, LINEBUF_LINE, "d", 3);
    s_expect (fx, LINEBUF_NONE, NULL, 0);
    s_put (fx, "f\n");
    s_expect (fx, LINEBUF_LINE, "ef", 4);
}

static void
test_too_long_once (void **state)
{
    fx_t *fx = *state;
    s_put (fx, "12345678\n");                           //  exactly the bound
    s_expect (fx, LINEBUF_LINE, "12345678", 1);
    s_put (fx, "123456789abc");                         //  over it, no newline yet
    s_expect (fx, LINEBUF_TOO_LONG, "12345678", 2);
    s_expect (fx, LINEBUF_NONE, NULL, 0);
    s_put (fx, "defghijklmnop");                        //  still the same line
    s_expect (fx, LINEBUF_NONE, NULL, 0);
    s_put (fx, "q\nok\n");
    s_expect (fx, LINEBUF_LINE, "ok", 3);
    s_put (fx, "123456789\nnext\n");                    //  over it, newline in view
    s_expect (fx, LINEBUF_TOO_LONG, "12345678", 4);
    s_expect (fx, LINEBUF_LINE, "next", 5);
}

static void
test_eof_tail (void **state)
{
    fx_t *fx = *state;
    s_put (fx, "one\ntail");
    close (fx->fds [1]);
    fx->fds [1] = -1;
    assert_int_equal (linebuf_read (&fx->in, fx->fds [0]), 0);
    assert_true (fx->in.eof);
    s_expect (fx, LINEBUF_LINE, "one", 1);
    s_expect (fx, LINEBUF_LINE, "tail", 2);
    s_expect (fx, LINEBUF_NONE, NULL, 0);
    assert_false (linebuf_ready (&fx->in));
}

//  The real bound: FL_MSG_BYTES_MAX + FL_LINE_READ_BYTES of buffer always
//  leaves a whole read free, whatever the partial line.
static void
test_msg_bytes_max (void **state)
{
    (void) state;
    int fds [2];
    assert_int_equal (pipe (fds), 0);
    linebuf_t in;
    linebuf_init (&in, FL_MSG_BYTES_MAX);
    assert_int_equal (in.size, FL_MSG_BYTES_MAX + FL_LINE_READ_BYTES);
    char *chunk = malloc (FL_LINE_READ_BYTES);
    memset (chunk, 'x', FL_LINE_READ_BYTES);
    int too_long = 0;
    for (int round = 0; round < FL_MSG_BYTES_MAX / FL_LINE_READ_BYTES + 4; round++) {
        assert_int_equal (write (fds [1], chunk, FL_LINE_READ_BYTES), FL_LINE_READ_BYTES);
        assert_int_equal (linebuf_read (&in, fds [0]), FL_LINE_READ_BYTES);
        const char *line;
        size_t len;
        linebuf_result_t result;
        while ((result = linebuf_next (&in, &line, &len)) != LINEBUF_NONE) {
            assert_int_equal (result, LINEBUF_TOO_LONG);
            assert_int_equal (len, FL_MSG_BYTES_MAX);
            too_long++;
        }
    }
    assert_int_equal (too_long, 1);
    free (chunk);
    linebuf_release (&in);
    close (fds [0]);
    close (fds [1]);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_split_and_joined, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_too_long_once, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_eof_tail, s_setup, s_teardown),
        cmocka_unit_test (test_msg_bytes_max),
    };
    return cmocka_run_group_tests_name ("node_linebuf", tests, NULL, NULL);
}
