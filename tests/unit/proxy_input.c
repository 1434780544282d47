/*  proxy_input.c -- bad input at the proxy gets a clear answer and never
    stops it: malformed and out-of-range control requests (each with its
    exact error text), messages to unknown destinations, oversize messages,
    malformed frame counts, anonymous senders and a party claiming a live
    party's id. Also: the same seed and message order give the same
    decisions, and the trace records every event as one JSON line.
*/
#include "proxy_lab.h"

#define SEED 777

typedef struct {
    lab_t lab;
    zsock_t *n1, *n2;
} fixture_t;

static int
s_setup_traced (void **state, bool trace)
{
    fixture_t *f = (fixture_t *) calloc (1, sizeof (fixture_t));
    lab_start (&f->lab, SEED, trace);
    f->n1 = lab_party (&f->lab, "n1");
    f->n2 = lab_party (&f->lab, "n2");
    zsock_t *all [] = { f->n1, f->n2 };
    const char *ids [] = { "n1", "n2" };
    lab_connect (all, ids, 2);
    *state = f;
    return 0;
}

static int
s_setup (void **state)
{
    return s_setup_traced (state, false);
}

static int
s_teardown (void **state)
{
    fixture_t *f = (fixture_t *) *state;
    zsock_destroy (&f->n1);
    zsock_destroy (&f->n2);
    lab_stop (&f->lab);
    free (f);
    return 0;
}

//  Each bad request and the exact error it must get.
static const struct {
    const char *request;
    const char *error;
} s_bad [] = {
    { "nope", "malformed request: '[' or '{' expected near 'nope' at column 4" },
    { "{\"cmd\":\"drop\",", "malformed request: string or '}' expected near end of file at column 14" },
    { "[1]", "malformed request: expected a JSON object, got [1]" },
    { "{}", "missing field 'cmd'" },
    { "{\"cmd\":3}", "field 'cmd' must be a string, got 3" },
    { "{\"cmd\":\"explode\"}", "unknown cmd \"explode\"" },
    { "{\"cmd\":\"ping\",\"x\":1}", "unknown field 'x' for cmd 'ping'" },
    { "{\"cmd\":\"drop\",\"p\":0.1,\"color\":\"red\"}", "unknown field 'color' for cmd 'drop'" },
    { "{\"cmd\":\"drop\",\"ms\":5,\"p\":0.1}", "unknown field 'ms' for cmd 'drop'" },
    { "{\"cmd\":\"drop\"}", "missing field 'p' for cmd 'drop'" },
    { "{\"cmd\":\"drop\",\"p\":1.5}", "field 'p' must be a number in [0,1], got 1.5" },
    { "{\"cmd\":\"duplicate\",\"p\":-0.1}", "field 'p' must be a number in [0,1], got -0.1" },
    { "{\"cmd\":\"reorder\",\"p\":\"high\"}", "field 'p' must be a number in [0,1], got \"high\"" },
    { "{\"cmd\":\"delay\"}", "missing field 'ms' for cmd 'delay'" },
    { "{\"cmd\":\"delay\",\"ms\":-5}", "field 'ms' must be a number in [0,60000], got -5" },
    { "{\"cmd\":\"delay\",\"ms\":70000}", "field 'ms' must be a number in [0,60000], got 70000" },
    { "{\"cmd\":\"delay\",\"ms\":10,\"jitter_ms\":-1}", "field 'jitter_ms' must be a number in [0,60000], got -1" },
    { "{\"cmd\":\"delay\",\"ms\":50,\"jitter_ms\":60}", "field 'jitter_ms' must be at most 'ms' (50), got 60" },
    { "{\"cmd\":\"block\",\"src\":\"\"}", "field 'src' must be an id (1 to 32 bytes, no control characters or '*') or \"*\", got \"\"" },
    { "{\"cmd\":\"block\",\"dest\":7}", "field 'dest' must be an id (1 to 32 bytes, no control characters or '*') or \"*\", got 7" },
    { "{\"cmd\":\"block\",\"src\":\"n1\\n\"}", "field 'src' must be an id (1 to 32 bytes, no control characters or '*') or \"*\", got \"n1\\n\"" },
    { "{\"cmd\":\"block\",\"both\":1}", "field 'both' must be true or false, got 1" },
    { "{\"cmd\":\"pause\"}", "missing field 'node' for cmd 'pause'" },
    { "{\"cmd\":\"pause\",\"node\":\"*\"}", "field 'node' must be an id (1 to 32 bytes, no control characters or '*'), got \"*\"" },
    { "{\"cmd\":\"partition\"}", "missing field 'groups' for cmd 'partition'" },
    { "{\"cmd\":\"partition\",\"groups\":[[\"n1\"],\"n2\"]}", "field 'groups' must be an array of arrays of ids (at most 328 ids), got [[\"n1\"],\"n2\"]" },
    { "{\"cmd\":\"partition\",\"groups\":[[\"n1\",\"*\"]]}", "field 'groups' must be an array of arrays of ids (at most 328 ids), got [[\"n1\",\"*\"]]" },
    { "{\"cmd\":\"heal\",\"node\":\"n1\"}", "unknown field 'node' for cmd 'heal'" },
    { "{\"cmd\":\"block\",\"types\":3}",
      "field 'types' must be an array of 1 to 8 message types (strings of 1 to 32 bytes, no control characters), got 3" },
    { "{\"cmd\":\"block\",\"types\":\"append_entries\"}",
      "field 'types' must be an array of 1 to 8 message types (strings of 1 to 32 bytes, no control characters), got \"append_entries\"" },
    { "{\"cmd\":\"block\",\"types\":[]}",
      "field 'types' must be an array of 1 to 8 message types (strings of 1 to 32 bytes, no control characters), got []" },
    { "{\"cmd\":\"block\",\"types\":[\"vote\",1]}",
      "field 'types' must be an array of 1 to 8 message types (strings of 1 to 32 bytes, no control characters), got [\"vote\",1]" },
    { "{\"cmd\":\"unblock\",\"types\":[\"\"]}",
      "field 'types' must be an array of 1 to 8 message types (strings of 1 to 32 bytes, no control characters), got [\"\"]" },
    { "{\"cmd\":\"block\",\"types\":[\"a\\nb\"]}",
      "field 'types' must be an array of 1 to 8 message types (strings of 1 to 32 bytes, no control characters), got [\"a\\nb\"]" },
    { "{\"cmd\":\"block\",\"types\":[\"a\\tb\"]}",
      "field 'types' must be an array of 1 to 8 message types (strings of 1 to 32 bytes, no control characters), got [\"a\\tb\"]" },
    { "{\"cmd\":\"block\",\"types\":[\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]}",
      "field 'types' must be an array of 1 to 8 message types (strings of 1 to 32 bytes, no control characters), got [\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]" },
    { "{\"cmd\":\"block\",\"types\":[\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\"]}",
      "field 'types' must be an array of 1 to 8 message types (strings of 1 to 32 bytes, no control characters), got [\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\"]" },
    { "{\"cmd\":\"drop\",\"p\":0.1,\"types\":[\"vote\"]}", "unknown field 'types' for cmd 'drop'" },
};

static void
test_bad_control_requests (void **state)
{
    fixture_t *f = (fixture_t *) *state;
    for (size_t i = 0; i < sizeof s_bad / sizeof s_bad [0]; i++) {
        json_t *reply = lab_ctl (&f->lab, "%s", s_bad [i].request);
        assert_true (json_is_false (json_object_get (reply, "ok")));
        const char *error = json_string_value (json_object_get (reply, "error"));
        if (!error || strcmp (error, s_bad [i].error))
            fail_msg ("request %s: got error '%s', expected '%s'",
                      s_bad [i].request, error, s_bad [i].error);
        json_decref (reply);
    }
    //  Two frames, and a request over the size limit.
    zstr_sendx (f->lab.ctl, "{\"cmd\":\"ping\"}", "extra", NULL);
    char *text = zstr_recv (f->lab.ctl);
    assert_string_equal (text, "{\"ok\":false,\"error\":\"malformed request: expected one frame, got more\"}");
    zstr_free (&text);
    char *big = (char *) malloc (FL_CONTROL_BYTES_MAX + 2);
    memset (big, ' ', FL_CONTROL_BYTES_MAX + 1);
    big [FL_CONTROL_BYTES_MAX + 1] = 0;
    zstr_send (f->lab.ctl, big);
    free (big);
    text = zstr_recv (f->lab.ctl);
    assert_string_equal (text, "{\"ok\":false,\"error\":\"request too large: 65537 bytes (max 65536)\"}");
    zstr_free (&text);
    //  Nothing changed, and the proxy still serves both sockets.
    json_t *reply = lab_ctl (&f->lab, "{\"cmd\":\"state\"}");
    assert_int_equal (json_array_size (json_object_get (reply, "rules")), 0);
    json_decref (reply);
    lab_ok (&f->lab, "{\"cmd\":\"ping\"}");
    lab_assert_delivers (f->n1, "n2", f->n2, NULL);
}

static void
test_unknown_dest_gets_error (void **state)
{
    fixture_t *f = (fixture_t *) *state;
    lab_send (f->n1, "n9", "{\"src\":\"n1\",\"dest\":\"n9\",\"body\":{\"type\":\"read\",\"msg_id\":7}}");
    char src [FL_ID_BYTES_MAX + 1];
    char *body = lab_recv (f->n1, src, LAB_WAIT_MS);
    assert_non_null (body);
    assert_string_equal (src, "n9");
    json_t *reply = json_loads (body, 0, NULL);
    assert_non_null (reply);
    assert_string_equal (json_string_value (json_object_get (reply, "src")), "n9");
    assert_string_equal (json_string_value (json_object_get (reply, "dest")), "n1");
    json_t *error = json_object_get (reply, "body");
    assert_string_equal (json_string_value (json_object_get (error, "type")), "error");
    assert_int_equal (json_integer_value (json_object_get (error, "in_reply_to")), 7);
    assert_int_equal (json_integer_value (json_object_get (error, "code")), 1);
    assert_string_equal (json_string_value (json_object_get (error, "text")), "node not found: 'n9'");
    json_decref (reply);
    zstr_free (&body);
    //  No msg_id: no reply expected, none sent. Too long an id: unroutable too.
    lab_send (f->n1, "n9", "{\"body\":{\"type\":\"gossip\"}}");
    lab_send (f->n1, "n123456789012345678901234567890123", "{\"body\":{\"type\":\"read\",\"msg_id\":8}}");
    body = lab_recv (f->n1, src, LAB_WAIT_MS);
    assert_non_null (body);
    assert_non_null (strstr (body, "\"in_reply_to\":8"));
    zstr_free (&body);
    lab_assert_quiet (f->n1);
    assert_int_equal (lab_total (&f->lab, "unroutable"), 3);
    assert_int_equal (lab_count (&f->lab, "n1", "n9", "dropped"), 2);
    lab_assert_delivers (f->n1, "n2", f->n2, NULL);
}

static void
test_oversize_dropped (void **state)
{
    fixture_t *f = (fixture_t *) *state;
    size_t size = FL_MSG_BYTES_MAX + 1;
    char *big = (char *) malloc (size);
    memset (big, 'x', size);
    zmq_send (zsock_resolve (f->n1), "n2", 2, ZMQ_SNDMORE);
    zmq_send (zsock_resolve (f->n1), big, size, 0);
    free (big);
    lab_assert_delivers (f->n1, "n2", f->n2, NULL);     //  only the probe arrives
    lab_assert_quiet (f->n2);
    assert_int_equal (lab_total (&f->lab, "oversize"), 1);
}

static void
test_malformed_frames_rejected (void **state)
{
    fixture_t *f = (fixture_t *) *state;
    void *n1 = zsock_resolve (f->n1);
    zmq_send (n1, "n2", 2, 0);                                  //  one frame
    zmq_send (n1, "", 0, ZMQ_SNDMORE);                          //  empty dest
    zmq_send (n1, "{}", 2, 0);
    zmq_send (n1, "n2", 2, ZMQ_SNDMORE);                        //  three frames
    zmq_send (n1, "{}", 2, ZMQ_SNDMORE);
    zmq_send (n1, "{}", 2, 0);
    //  An anonymous sender (no routing id set) is rejected, not routed.
    zsock_t *anonymous = lab_party (&f->lab, NULL);
    lab_send (anonymous, "n2", "{\"body\":{\"type\":\"anon\"}}");
    int64_t deadline = clock_mono_ms () + LAB_WAIT_MS;
    while (lab_total (&f->lab, "rejected") < 4 && clock_mono_ms () < deadline)
        zclock_sleep (5);
    assert_int_equal (lab_total (&f->lab, "rejected"), 4);
    lab_assert_quiet (f->n2);
    zsock_destroy (&anonymous);
    lab_assert_delivers (f->n1, "n2", f->n2, NULL);
}

static void
test_impostor_cannot_speak_as_live_party (void **state)
{
    fixture_t *f = (fixture_t *) *state;
    zsock_t *impostor = lab_party (&f->lab, "n1");
    zclock_sleep (50);              //  let its connection reach the proxy
    for (int i = 0; i < 5; i++)
        lab_send (impostor, "n2", "{\"body\":{\"type\":\"impostor\"}}");
    lab_send (f->n1, "n2", "{\"body\":{\"type\":\"real\"}}");
    char src [FL_ID_BYTES_MAX + 1];
    char *body = lab_recv (f->n2, src, LAB_WAIT_MS);
    assert_non_null (body);
    assert_string_equal (src, "n1");
    assert_non_null (strstr (body, "real"));
    zstr_free (&body);
    lab_assert_quiet (f->n2);
    //  Replies to n1 go to the live n1, not to the impostor.
    lab_send (f->n2, "n1", "{\"body\":{\"type\":\"to_n1\"}}");
    body = lab_recv (f->n1, src, LAB_WAIT_MS);
    assert_non_null (body);
    zstr_free (&body);
    lab_assert_quiet (impostor);
    //  The impostor never became a party under any id.
    json_t *reply = lab_ctl (&f->lab, "{\"cmd\":\"state\"}");
    json_t *parties = json_object_get (reply, "parties");
    assert_int_equal (json_array_size (parties), 2);
    json_decref (reply);
    assert_int_equal (lab_total (&f->lab, "rejected"), 0);
    zsock_destroy (&impostor);
}

//  Arrival order of numbered messages through a proxy seeded 'seed' with
//  drop, duplicate and reorder on; returns how many arrived.
static int
s_run_seeded (uint64_t seed, int n, int *seqs, int seqs_max)
{
    lab_t lab;
    lab_start (&lab, seed, false);
    zsock_t *n1 = lab_party (&lab, "n1"), *n2 = lab_party (&lab, "n2");
    zsock_t *all [] = { n1, n2 };
    const char *ids [] = { "n1", "n2" };
    lab_connect (all, ids, 2);
    lab_ok (&lab, "{\"cmd\":\"drop\",\"p\":0.3}");
    lab_ok (&lab, "{\"cmd\":\"duplicate\",\"p\":0.2}");
    lab_ok (&lab, "{\"cmd\":\"reorder\",\"p\":0.1}");
    //  Decide the whole stream in one go at resume: a reorder hold then
    //  cannot time out mid-stream, however slow the machine.
    lab_ok (&lab, "{\"cmd\":\"pause\",\"node\":\"n2\"}");
    for (int i = 0; i < n; i++) {
        char body [64];
        snprintf (body, sizeof body, "{\"body\":{\"seq\":%d}}", i);
        lab_send (n1, "n2", body);
    }
    lab_wait_sent (&lab, "n1", "n2", n);
    lab_ok (&lab, "{\"cmd\":\"resume\",\"node\":\"n2\"}");
    //  Every copy leaves within FL_REORDER_HOLD_MS of the last message.
    int64_t deadline = clock_mono_ms () + LAB_WAIT_MS;
    while (lab_count (&lab, "n1", "n2", "queued") > 0 && clock_mono_ms () < deadline)
        zclock_sleep (10);
    int expect = (int) lab_count (&lab, "n1", "n2", "delivered");
    int got = 0;
    char *body;
    while (got < expect && (body = lab_recv (n2, NULL, LAB_WAIT_MS))) {
        if (got < seqs_max)
            seqs [got] = atoi (strstr (body, "\"seq\":") + 6);
        got++;
        zstr_free (&body);
    }
    zsock_destroy (&n1);
    zsock_destroy (&n2);
    lab_stop (&lab);
    return got;
}

static void
test_same_seed_same_decisions (void **state)
{
    (void) state;
    enum { N = 2000, MAX = 2 * N };
    int *a = (int *) calloc (MAX, sizeof (int));
    int *b = (int *) calloc (MAX, sizeof (int));
    int *c = (int *) calloc (MAX, sizeof (int));
    int got_a = s_run_seeded (42, N, a, MAX);
    int got_b = s_run_seeded (42, N, b, MAX);
    int got_c = s_run_seeded (43, N, c, MAX);
    assert_int_equal (got_a, got_b);
    assert_memory_equal (a, b, got_a * sizeof (int));
    //  Another seed decides differently.
    assert_true (got_a != got_c || memcmp (a, c, got_a * sizeof (int)) != 0);
    free (a);
    free (b);
    free (c);
}

static int
s_setup_trace (void **state)
{
    return s_setup_traced (state, true);
}

static void
test_trace_records_events (void **state)
{
    fixture_t *f = (fixture_t *) *state;
    lab_ok (&f->lab, "{\"cmd\":\"block\",\"src\":\"n2\",\"dest\":\"n1\"}");
    for (int i = 0; i < 10; i++) {
        char body [96];
        snprintf (body, sizeof body, "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"t\",\"msg_id\":%d}}", i);
        lab_send (f->n1, "n2", body);
        lab_send (f->n2, "n1", body);
    }
    for (int i = 0; i < 10; i++) {
        char *body = lab_recv (f->n2, NULL, LAB_WAIT_MS);
        assert_non_null (body);
        zstr_free (&body);
    }
    lab_wait_sent (&f->lab, "n2", "n1", 10);
    lab_stop_proxy (&f->lab);           //  flushes the trace
    FILE *file = fopen (f->lab.trace, "r");
    assert_non_null (file);
    char line [4096];
    int deliver = 0, block = 0;
    int64_t last_time = -1;
    while (fgets (line, sizeof line, file)) {
        json_t *event = json_loads (line, 0, NULL);
        assert_non_null (event);
        const char *action = json_string_value (json_object_get (event, "action"));
        assert_non_null (action);
        assert_true (json_is_integer (json_object_get (event, "time")));
        assert_true (json_is_string (json_object_get (event, "src")));
        assert_true (json_is_string (json_object_get (event, "dest")));
        assert_non_null (json_object_get (event, "msg_id"));
        int64_t time = json_integer_value (json_object_get (event, "time"));
        assert_true (time >= last_time);
        last_time = time;
        json_t *body = json_object_get (event, "body");
        if (streq (action, "deliver") && streq (json_string_value (json_object_get (body, "type")), "t")) {
            assert_string_equal (json_string_value (json_object_get (event, "src")), "n1");
            assert_true (json_is_integer (json_object_get (event, "msg_id")));
            assert_true (json_integer_value (json_object_get (event, "sent")) <= time);
            deliver++;
        }
        if (streq (action, "block")) {
            assert_string_equal (json_string_value (json_object_get (event, "src")), "n2");
            block++;
        }
        json_decref (event);
    }
    fclose (file);
    assert_int_equal (deliver, 10);
    assert_int_equal (block, 10);
}

//  The state's "rules" as compact JSON; caller frees.
static char *
s_rules_text (lab_t *lab)
{
    json_t *reply = lab_ctl (lab, "{\"cmd\":\"state\"}");
    char *text = json_dumps (json_object_get (reply, "rules"), JSON_COMPACT);
    json_decref (reply);
    return text;
}

static void
s_assert_rules (lab_t *lab, const char *expected)
{
    char *text = s_rules_text (lab);
    if (strcmp (text, expected))
        fail_msg ("rules %s, expected %s", text, expected);
    free (text);
}

//  block/unblock with "types" over the control protocol, as the harness's
//  block-type sends them: type sets shown in state (sorted), kept by
//  partition, removed by unblock with types and by plain unblock, cleared
//  by heal, and the registry's cap refused with nothing changed.
static void
test_types_control (void **state)
{
    fixture_t *f = (fixture_t *) *state;
    lab_t *lab = &f->lab;
    lab_ok (lab, "{\"cmd\":\"block\",\"src\":\"n1\",\"dest\":\"n2\",\"both\":true,"
                 "\"types\":[\"vote\",\"append_entries\"]}");
    lab_ok (lab, "{\"cmd\":\"block\",\"types\":[\"x\"]}");
    s_assert_rules (lab, "[{\"src\":\"*\",\"dest\":\"*\",\"types\":[\"x\"]},"
        "{\"src\":\"n1\",\"dest\":\"n2\",\"types\":[\"append_entries\",\"vote\"]},"
        "{\"src\":\"n2\",\"dest\":\"n1\",\"types\":[\"append_entries\",\"vote\"]}]");
    //  partition replaces blocks and leaves type sets alone.
    lab_ok (lab, "{\"cmd\":\"partition\",\"groups\":[[\"n1\"],[\"n2\"]]}");
    s_assert_rules (lab, "[{\"src\":\"*\",\"dest\":\"*\",\"types\":[\"x\"]},"
        "{\"src\":\"n1\",\"dest\":\"n2\",\"block\":true,\"types\":[\"append_entries\",\"vote\"]},"
        "{\"src\":\"n2\",\"dest\":\"n1\",\"block\":true,\"types\":[\"append_entries\",\"vote\"]}]");
    //  unblock with types: those types only (a never-seen one is no
    //  error and registers nothing); the block kind stays.
    lab_ok (lab, "{\"cmd\":\"unblock\",\"src\":\"n1\",\"dest\":\"n2\",\"types\":[\"vote\",\"never\"]}");
    s_assert_rules (lab, "[{\"src\":\"*\",\"dest\":\"*\",\"types\":[\"x\"]},"
        "{\"src\":\"n1\",\"dest\":\"n2\",\"block\":true,\"types\":[\"append_entries\"]},"
        "{\"src\":\"n2\",\"dest\":\"n1\",\"block\":true,\"types\":[\"append_entries\",\"vote\"]}]");
    //  A plain unblock: block off and every type gone on the selector.
    lab_ok (lab, "{\"cmd\":\"unblock\",\"src\":\"n1\",\"dest\":\"n2\"}");
    s_assert_rules (lab, "[{\"src\":\"*\",\"dest\":\"*\",\"types\":[\"x\"]},"
        "{\"src\":\"n1\",\"dest\":\"n2\",\"block\":false},"
        "{\"src\":\"n2\",\"dest\":\"n1\",\"block\":true,\"types\":[\"append_entries\",\"vote\"]}]");
    //  ... and on every selector it covers.
    lab_ok (lab, "{\"cmd\":\"block\",\"src\":\"c1\",\"dest\":\"n1\",\"types\":[\"x\"]}");
    lab_ok (lab, "{\"cmd\":\"unblock\"}");
    s_assert_rules (lab, "[{\"src\":\"*\",\"dest\":\"*\",\"block\":false},"
        "{\"src\":\"c1\",\"dest\":\"n1\",\"types\":[\"x\"]}]");
    //  The registry: "vote", "append_entries", "x" known; fill it to 32.
    for (int i = 3; i < FL_PROXY_TYPES_MAX; i++) {
        char request [96];
        snprintf (request, sizeof request,
                  "{\"cmd\":\"block\",\"src\":\"n2\",\"dest\":\"n1\",\"types\":[\"t%d\"]}", i);
        lab_ok (lab, request);
    }
    lab_ok (lab, "{\"cmd\":\"heal\"}");
    s_assert_rules (lab, "[]");
    //  Healed, the registry still knows 32 (per proxy lifetime): a new
    //  type is refused, whole, even beside a known one; known ones work.
    lab_ok (lab, "{\"cmd\":\"block\",\"src\":\"n1\",\"dest\":\"n2\",\"types\":[\"t7\"]}");
    char *before = s_rules_text (lab);
    json_t *reply = lab_ctl (lab, "{\"cmd\":\"block\",\"src\":\"n2\",\"dest\":\"n1\","
                                  "\"types\":[\"vote\",\"one_more\"]}");
    assert_true (json_is_false (json_object_get (reply, "ok")));
    assert_string_equal (json_string_value (json_object_get (reply, "error")),
                         "too many message types: the proxy knows at most 32");
    json_decref (reply);
    s_assert_rules (lab, before);
    free (before);
    lab_ok (lab, "{\"cmd\":\"block\",\"src\":\"n2\",\"dest\":\"n1\",\"types\":[\"vote\",\"t31\"]}");
    s_assert_rules (lab, "[{\"src\":\"n1\",\"dest\":\"n2\",\"types\":[\"t7\"]},"
        "{\"src\":\"n2\",\"dest\":\"n1\",\"types\":[\"t31\",\"vote\"]}]");
    lab_ok (lab, "{\"cmd\":\"heal\"}");
}

//  The party table holds FL_PARTIES_MAX ids: a control command naming one
//  more is an error naming the bound, and a message to a new id then is
//  unroutable (counted) and answered "node not found".
static void
test_parties_max (void **state)
{
    fixture_t *f = (fixture_t *) *state;
    json_t *reply = lab_ctl (&f->lab, "{\"cmd\":\"state\"}");
    size_t known = json_array_size (json_object_get (reply, "parties"));
    json_decref (reply);
    for (size_t i = known; i < FL_PARTIES_MAX; i++) {
        char request [96];
        snprintf (request, sizeof request, "{\"cmd\":\"pause\",\"node\":\"p%zu\"}", i);
        lab_ok (&f->lab, request);
    }
    reply = lab_ctl (&f->lab, "{\"cmd\":\"pause\",\"node\":\"one-too-many\"}");
    assert_true (json_is_false (json_object_get (reply, "ok")));
    char expected [64];
    snprintf (expected, sizeof expected, "too many parties (max %d)", FL_PARTIES_MAX);
    assert_string_equal (json_string_value (json_object_get (reply, "error")), expected);
    json_decref (reply);
    int64_t unroutable = lab_total (&f->lab, "unroutable");
    lab_send (f->n1, "one-too-many", "{\"body\":{\"type\":\"read\",\"msg_id\":3}}");
    char *body = lab_recv (f->n1, NULL, LAB_WAIT_MS);
    assert_non_null (body);
    assert_non_null (strstr (body, "node not found: 'one-too-many'"));
    zstr_free (&body);
    assert_int_equal (lab_total (&f->lab, "unroutable"), unroutable + 1);
    lab_ok (&f->lab, "{\"cmd\":\"heal\"}");
    lab_assert_delivers (f->n1, "n2", f->n2, NULL);
}

int
main (void)
{
    lab_tap (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_bad_control_requests, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_unknown_dest_gets_error, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_oversize_dropped, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_malformed_frames_rejected, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_impostor_cannot_speak_as_live_party, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_parties_max, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_types_control, s_setup, s_teardown),
        cmocka_unit_test (test_same_seed_same_decisions),
        cmocka_unit_test_setup_teardown (test_trace_records_events, s_setup_trace, s_teardown),
    };
    return cmocka_run_group_tests_name ("proxy_input", tests, NULL, NULL);
}
