/*  workload_kafka.c -- the kafka workload: a seed replays the same ops,
    request bodies are Maelstrom's, the poll / commit / assign cycle
    follows the replies (driven by a small fake log here), the final polls
    start from 0 and stop, and replies that break the schema are info with
    the reason.
*/
#include <string.h>
#include "tap.h"
#include "../../workload/workload.h"

static const workload_t *s_kafka;

static void *
s_gen (uint64_t seed, int client, int clients, int keys)
{
    workload_ctx_t ctx = { .seed = seed, .client = client, .clients = clients, .nodes = 3,
                           .keys = keys };
    return workload_gen_new (s_kafka, &ctx);
}

//  Compact, key-sorted JSON text (caller frees).
static char *
s_text (const json_t *json)
{
    char *text = json_dumps (json, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    assert_non_null (text);
    return text;
}

static void
s_assert_json (const json_t *json, const char *expected)
{
    char *text = s_text (json);
    if (strcmp (text, expected) != 0)
        fprintf (stderr, "# got %s\n# expected %s\n", text, expected);
    assert_string_equal (text, expected);
    free (text);
}

static const char *
s_f (const json_t *op)
{
    return json_string_value (json_object_get (op, "f"));
}

//  The outcome of reply TEXT to OP.
static workload_outcome_t
s_reply (void *gen, const json_t *op, const char *text)
{
    json_t *body = json_loads (text, 0, NULL);
    assert_non_null (body);
    workload_outcome_t outcome = workload_reply (s_kafka, gen, op, body);
    json_decref (body);
    return outcome;
}

//  The same, when only the result matters.
static workload_result_t
s_answer (void *gen, const json_t *op, const char *text)
{
    workload_outcome_t outcome = s_reply (gen, op, text);
    json_decref (outcome.value);
    return outcome.result;
}

//  A fake kafka node: a log per key, committed offsets, and polls that
//  return at most BATCH messages per key.
typedef struct {
    json_t *logs;               // key -> [msg ...]
    json_t *committed;          // key -> offset
    size_t batch;
} s_fake_t;

static json_t *
s_fake_reply (s_fake_t *fake, const json_t *op)
{
    const char *f = s_f (op);
    json_t *value = json_object_get (op, "value");
    if (strcmp (f, "send") == 0) {
        const char *key = json_string_value (json_object_get (op, "key"));
        json_t *log = json_object_get (fake->logs, key);
        if (!log)
            json_object_set_new (fake->logs, key, log = json_array ());
        json_array_append (log, value);
        return json_pack ("{s:s, s:I}", "type", "send_ok", "offset",
                          (json_int_t) json_array_size (log) - 1);
    }
    if (strcmp (f, "poll") == 0) {
        json_t *msgs = json_object ();
        const char *key;
        json_t *from;
        json_object_foreach (value, key, from) {
            json_t *log = json_object_get (fake->logs, key), *pairs = json_array ();
            for (size_t i = (size_t) json_integer_value (from);
                 i < json_array_size (log) && json_array_size (pairs) < fake->batch; i++)
                json_array_append_new (pairs, json_pack ("[I, O]", (json_int_t) i,
                                                         json_array_get (log, i)));
            if (json_array_size (pairs))
                json_object_set_new (msgs, key, pairs);
            else
                json_decref (pairs);
        }
        return json_pack ("{s:s, s:o}", "type", "poll_ok", "msgs", msgs);
    }
    if (strcmp (f, "commit_offsets") == 0) {
        json_object_update (fake->committed, value);
        return json_pack ("{s:s}", "type", "commit_offsets_ok");
    }
    assert_string_equal (f, "list_committed_offsets");
    json_t *offsets = json_object ();
    size_t i;
    json_t *key;
    json_array_foreach (value, i, key) {
        json_t *at = json_object_get (fake->committed, json_string_value (key));
        if (at)
            json_object_set (offsets, json_string_value (key), at);
    }
    return json_pack ("{s:s, s:o}", "type", "list_committed_offsets_ok", "offsets", offsets);
}

static void
s_fake_init (s_fake_t *fake, size_t batch)
{
    *fake = (s_fake_t) { json_object (), json_object (), batch };
}

static void
s_fake_release (s_fake_t *fake)
{
    json_decref (fake->logs);
    json_decref (fake->committed);
}

//  OP answered by the fake; the outcome's value is dropped.
static workload_result_t
s_drive (void *gen, s_fake_t *fake, const json_t *op)
{
    json_t *body = s_fake_reply (fake, op);
    workload_outcome_t outcome = workload_reply (s_kafka, gen, op, body);
    json_decref (body);
    json_decref (outcome.value);
    return outcome.result;
}

static void
test_registry (void **state)
{
    (void) state;
    assert_non_null (s_kafka);
    assert_string_equal (s_kafka->check, "kafka");
    assert_null (s_kafka->model);
    assert_true (s_kafka->final_reads);
    assert_true (workload_idempotent (s_kafka, "list_committed_offsets"));
    assert_false (workload_idempotent (s_kafka, "poll"));
    assert_false (workload_idempotent (s_kafka, "send"));
    assert_string_equal (workload_rpc (s_kafka, "send")->reply, "send_ok");
    assert_string_equal (workload_rpc (s_kafka, "poll")->reply, "poll_ok");
    assert_string_equal (workload_rpc (s_kafka, "commit_offsets")->reply, "commit_offsets_ok");
    assert_string_equal (workload_rpc (s_kafka, "list_committed_offsets")->reply,
                         "list_committed_offsets_ok");
    assert_null (workload_rpc (s_kafka, "assign"));
}

//  Two generators of one seed and client, answered alike, issue the same
//  ops and bodies; another client or seed does not.
static void
test_same_seed_same_ops (void **state)
{
    (void) state;
    void *a = s_gen (42, 2, 3, 4), *b = s_gen (42, 2, 3, 4);
    void *c = s_gen (42, 3, 3, 4), *d = s_gen (43, 2, 3, 4);
    s_fake_t fa, fb, fc, fd;
    s_fake_init (&fa, 3);
    s_fake_init (&fb, 3);
    s_fake_init (&fc, 3);
    s_fake_init (&fd, 3);
    int same_c = 0, same_d = 0;
    for (int i = 0; i < 3000; i++) {
        json_t *x = workload_next (s_kafka, a), *y = workload_next (s_kafka, b);
        json_t *z = workload_next (s_kafka, c), *w = workload_next (s_kafka, d);
        char *tx = s_text (x), *ty = s_text (y), *tz = s_text (z), *tw = s_text (w);
        assert_string_equal (tx, ty);
        same_c += strcmp (tx, tz) == 0;
        same_d += strcmp (tx, tw) == 0;
        json_t *bx = workload_request (s_kafka, a, x, i), *by = workload_request (s_kafka, b, y, i);
        assert_true (json_equal (bx, by));
        assert_int_equal (s_drive (a, &fa, x), s_drive (b, &fb, y));
        s_drive (c, &fc, z);
        s_drive (d, &fd, w);
        free (tx); free (ty); free (tz); free (tw);
        json_decref (x); json_decref (y); json_decref (z); json_decref (w);
        json_decref (bx); json_decref (by);
    }
    //  Sends differ in their message across clients, and polls by then in
    //  their offsets: few ops agree.
    assert_true (same_c < 1000);
    assert_true (same_d < 1000);
    s_fake_release (&fa); s_fake_release (&fb); s_fake_release (&fc); s_fake_release (&fd);
    workload_gen_destroy (s_kafka, &a);
    workload_gen_destroy (s_kafka, &b);
    workload_gen_destroy (s_kafka, &c);
    workload_gen_destroy (s_kafka, &d);
    assert_null (a);
}

static void
s_assert_request (const char *op_text, const char *expected)
{
    json_t *op = json_loads (op_text, 0, NULL);
    assert_non_null (op);
    void *gen = s_gen (1, 1, 1, 5);
    json_t *body = workload_request (s_kafka, gen, op, 9);
    s_assert_json (body, expected);
    json_decref (body);
    json_decref (op);
    workload_gen_destroy (s_kafka, &gen);
}

//  The bodies are Maelstrom's, field for field.
static void
test_requests (void **state)
{
    (void) state;
    s_assert_request ("{\"f\":\"send\",\"key\":\"3\",\"value\":7}",
                      "{\"key\":\"3\",\"msg\":7,\"msg_id\":9,\"type\":\"send\"}");
    s_assert_request ("{\"f\":\"poll\",\"value\":{\"3\":0,\"4\":2}}",
                      "{\"msg_id\":9,\"offsets\":{\"3\":0,\"4\":2},\"type\":\"poll\"}");
    s_assert_request ("{\"f\":\"poll\",\"value\":{}}",
                      "{\"msg_id\":9,\"offsets\":{},\"type\":\"poll\"}");
    s_assert_request ("{\"f\":\"commit_offsets\",\"value\":{\"3\":1}}",
                      "{\"msg_id\":9,\"offsets\":{\"3\":1},\"type\":\"commit_offsets\"}");
    s_assert_request ("{\"f\":\"list_committed_offsets\",\"value\":[\"3\",\"4\"]}",
                      "{\"keys\":[\"3\",\"4\"],\"msg_id\":9,\"type\":\"list_committed_offsets\"}");
}

//  The ops as the history records them: sends with a string key and a
//  message, polls of {} before the first assign, keys "0".."K-1",
//  messages unique across clients, and K at least 1.
static void
test_ops_and_keys (void **state)
{
    (void) state;
    enum { CLIENTS = 4, OPS = 2000 };
    json_t *seen = json_object ();
    int sends = 0, polls = 0, assigns = 0;
    for (int c = 1; c <= CLIENTS; c++) {
        void *gen = s_gen (7, c, CLIENTS, 3);
        bool assigned = false;
        for (int i = 0; i < OPS; i++) {
            json_t *op = workload_next (s_kafka, gen);
            const char *f = s_f (op);
            json_t *value = json_object_get (op, "value");
            if (strcmp (f, "send") == 0) {
                const char *key = json_string_value (json_object_get (op, "key"));
                assert_non_null (key);
                assert_true (strcmp (key, "0") == 0 || strcmp (key, "1") == 0
                          || strcmp (key, "2") == 0);
                assert_true (json_is_integer (value));
                char *text = s_text (value);
                assert_null (json_object_get (seen, text));     // unique across clients
                json_object_set_new (seen, text, json_true ());
                free (text);
                sends++;
                assert_int_equal (s_answer (gen, op, "{\"type\":\"error\",\"code\":11}"),
                                  WORKLOAD_FAIL);
            }
            else
            if (strcmp (f, "poll") == 0) {
                assert_true (json_is_object (value));
                if (!assigned)
                    assert_int_equal (json_object_size (value), 0);
                polls++;
                s_answer (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{}}");
            }
            else {
                assert_string_equal (f, "list_committed_offsets");
                assert_true (json_array_size (value) >= 1 && json_array_size (value) <= 3);
                assert_int_equal (s_answer (gen, op,
                    "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{}}"), WORKLOAD_OK);
                assigned = true;
                assigns++;
            }
            json_decref (op);
        }
        workload_gen_destroy (s_kafka, &gen);
    }
    //  Nothing polled, so no commits: 1/64 assigns, the rest half sends,
    //  half polls (8000 ops: 125 assigns expected, sd 11).
    assert_true (assigns > 80 && assigns < 170);
    assert_true (sends > 3600 && sends < 4300);
    assert_int_equal (sends + polls + assigns, CLIENTS * OPS);
    json_decref (seen);
    //  No keys: one key, "0"; too many: FL_SCENARIO_KEYS_MAX.
    int keys [] = { 0, FL_SCENARIO_KEYS_MAX + 10 };
    const char *top [] = { "0", "63" };
    for (int t = 0; t < 2; t++) {
        void *gen = s_gen (3, 1, 1, keys [t]);
        bool top_seen = false;
        for (int i = 0; i < 20000; i++) {
            json_t *op = workload_next (s_kafka, gen);
            const char *key = json_string_value (json_object_get (op, "key"));
            if (key) {
                assert_true (strlen (key) <= 2 && (key [0] != '6' || key [1] < '4'));
                top_seen |= strcmp (key, top [t]) == 0;
                if (t == 0)
                    assert_string_equal (key, "0");
            }
            s_answer (gen, op, "{\"type\":\"error\",\"code\":11}");
            json_decref (op);
        }
        assert_true (top_seen);
        workload_gen_destroy (s_kafka, &gen);
    }
}

//  The cycle against a fake log, checked against the rules: a poll asks
//  every assigned key from its local offset; an ok poll with messages is
//  followed by commit_offsets {k: max polled}; an assign makes its keys
//  the assignment, each from its local offset, else the committed one,
//  else 0. The fake starts with offsets "others" committed.
static void
test_cycle (void **state)
{
    (void) state;
    void *gen = s_gen (11, 1, 1, 4);
    s_fake_t fake;
    s_fake_init (&fake, 2);
    json_object_set_new (fake.committed, "1", json_integer (2));
    json_object_set_new (fake.committed, "3", json_integer (0));
    json_t *assigned = json_array (), *local = json_object (), *commit = NULL;
    int polls_asking = 0, commits = 0, assigns = 0, from_committed = 0;
    for (int i = 0; i < 5000; i++) {
        json_t *op = workload_next (s_kafka, gen);
        const char *f = s_f (op);
        json_t *value = json_object_get (op, "value");
        if (commit) {
            assert_string_equal (f, "commit_offsets");
            assert_true (json_equal (value, commit));
            json_decref (commit);
            commit = NULL;
            commits++;
        }
        else
            assert_string_not_equal (f, "commit_offsets");
        if (strcmp (f, "poll") == 0) {
            json_t *expected = json_object ();
            size_t k;
            json_t *key;
            json_array_foreach (assigned, k, key)
                json_object_set (expected, json_string_value (key),
                                 json_object_get (local, json_string_value (key)));
            assert_true (json_equal (value, expected));
            json_decref (expected);
            polls_asking += json_object_size (value) > 0;
        }
        json_t *body = s_fake_reply (&fake, op);
        workload_outcome_t outcome = workload_reply (s_kafka, gen, op, body);
        assert_int_equal (outcome.result, WORKLOAD_OK);
        if (strcmp (f, "poll") == 0) {
            json_t *msgs = json_object_get (body, "msgs");
            if (json_object_size (msgs))
                commit = json_object ();
            const char *key;
            json_t *pairs;
            json_object_foreach (msgs, key, pairs) {
                json_int_t max = json_integer_value (json_array_get (
                    json_array_get (pairs, json_array_size (pairs) - 1), 0));
                json_object_set_new (local, key, json_integer (max + 1));
                json_object_set_new (commit, key, json_integer (max));
            }
            assert_true (json_equal (outcome.value, msgs));
        }
        if (strcmp (f, "list_committed_offsets") == 0) {
            json_decref (assigned);
            assigned = json_incref (value);
            size_t k;
            json_t *key;
            json_array_foreach (value, k, key) {
                const char *name = json_string_value (key);
                if (json_object_get (local, name))
                    continue;
                json_t *committed = json_object_get (json_object_get (body, "offsets"), name);
                from_committed += committed && json_integer_value (committed) > 0;
                json_object_set_new (local, name, committed? json_copy (committed):
                                     json_integer (0));
            }
            assigns++;
        }
        json_decref (outcome.value);
        json_decref (body);
        json_decref (op);
    }
    assert_true (assigns >= 20);
    assert_true (commits >= 100);
    assert_true (polls_asking >= 500);
    assert_true (from_committed >= 1);      // key "1" started at 2
    json_decref (assigned);
    json_decref (local);
    json_decref (commit);
    s_fake_release (&fake);
    workload_gen_destroy (s_kafka, &gen);
}

//  The next op of GEN that is F, answering others: sends fail, polls
//  return nothing, assigns find nothing committed.
static json_t *
s_next_f (void *gen, const char *f)
{
    for (int i = 0; i < 100000; i++) {
        json_t *op = workload_next (s_kafka, gen);
        if (strcmp (s_f (op), f) == 0)
            return op;
        if (strcmp (s_f (op), "send") == 0)
            s_answer (gen, op, "{\"type\":\"error\",\"code\":11}");
        else
        if (strcmp (s_f (op), "poll") == 0)
            s_answer (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{}}");
        else
        if (strcmp (s_f (op), "list_committed_offsets") == 0)
            s_answer (gen, op, "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{}}");
        else
            s_answer (gen, op, "{\"type\":\"commit_offsets_ok\"}");
        json_decref (op);
    }
    fail_msg ("no %s in 100000 ops", f);
    return NULL;
}

//  One key, step by step: assign at the committed offset, poll from it,
//  commit the highest polled, poll on from there; an empty poll commits
//  nothing; a later assign keeps the local offset.
static void
test_assign_poll_commit (void **state)
{
    (void) state;
    void *gen = s_gen (5, 1, 1, 1);
    json_t *op = s_next_f (gen, "poll");
    s_assert_json (json_object_get (op, "value"), "{}");      // nothing assigned yet
    s_answer (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{}}");
    json_decref (op);
    op = s_next_f (gen, "list_committed_offsets");
    s_assert_json (op, "{\"f\":\"list_committed_offsets\",\"value\":[\"0\"]}");
    workload_outcome_t outcome = s_reply (gen, op,
        "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{\"0\":4}}");
    assert_int_equal (outcome.result, WORKLOAD_OK);
    s_assert_json (outcome.value, "{\"0\":4}");
    json_decref (outcome.value);
    json_decref (op);
    op = s_next_f (gen, "poll");
    s_assert_json (op, "{\"f\":\"poll\",\"value\":{\"0\":4}}");
    outcome = s_reply (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{\"0\":[[4,40],[6,60]]}}");
    assert_int_equal (outcome.result, WORKLOAD_OK);
    s_assert_json (outcome.value, "{\"0\":[[4,40],[6,60]]}");
    json_decref (outcome.value);
    json_decref (op);
    op = workload_next (s_kafka, gen);                         // at once: the commit
    s_assert_json (op, "{\"f\":\"commit_offsets\",\"value\":{\"0\":6}}");
    json_t *body = workload_request (s_kafka, gen, op, 3);
    s_assert_json (body, "{\"msg_id\":3,\"offsets\":{\"0\":6},\"type\":\"commit_offsets\"}");
    json_decref (body);
    outcome = s_reply (gen, op, "{\"type\":\"commit_offsets_ok\"}");
    assert_int_equal (outcome.result, WORKLOAD_OK);
    assert_null (outcome.value);                               // the invoke's value
    json_decref (op);
    op = s_next_f (gen, "poll");
    s_assert_json (op, "{\"f\":\"poll\",\"value\":{\"0\":7}}");
    s_answer (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{\"0\":[]}}");
    json_decref (op);
    op = workload_next (s_kafka, gen);                         // nothing polled: no commit
    assert_string_not_equal (s_f (op), "commit_offsets");
    json_decref (op);
    op = s_next_f (gen, "list_committed_offsets");
    s_answer (gen, op, "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{\"0\":1}}");
    json_decref (op);
    op = s_next_f (gen, "poll");
    s_assert_json (op, "{\"f\":\"poll\",\"value\":{\"0\":7}}"); // the local offset wins
    json_decref (op);
    workload_gen_destroy (s_kafka, &gen);
}

//  An op that ends info starts a new process, as Maelstrom's new client:
//  no assignment (polls ask {}), no commit due, and the next assign
//  starts keys at the committed offsets again.
static void
test_info_forgets (void **state)
{
    (void) state;
    void *gen = s_gen (5, 1, 1, 1);
    json_t *op = s_next_f (gen, "list_committed_offsets");
    s_answer (gen, op, "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{}}");
    json_decref (op);
    op = s_next_f (gen, "poll");
    s_assert_json (json_object_get (op, "value"), "{\"0\":0}");
    s_answer (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{\"0\":[[0,1],[1,2]]}}");
    json_decref (op);
    op = s_next_f (gen, "commit_offsets");
    s_answer (gen, op, "{\"type\":\"commit_offsets_ok\"}");
    json_decref (op);
    op = s_next_f (gen, "poll");
    s_assert_json (json_object_get (op, "value"), "{\"0\":2}");
    s_answer (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{\"0\":[[2,3]]}}");
    json_decref (op);
    //  The commit due is the next op; it times out: info.
    op = workload_next (s_kafka, gen);
    assert_string_equal (s_f (op), "commit_offsets");
    assert_int_equal (workload_timeout (s_kafka, gen, op).result, WORKLOAD_INFO);
    json_decref (op);
    op = s_next_f (gen, "poll");
    s_assert_json (json_object_get (op, "value"), "{}");
    json_decref (op);
    op = s_next_f (gen, "list_committed_offsets");
    s_answer (gen, op, "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{\"0\":1}}");
    json_decref (op);
    op = s_next_f (gen, "poll");
    s_assert_json (json_object_get (op, "value"), "{\"0\":1}");
    json_decref (op);
    workload_gen_destroy (s_kafka, &gen);
}

//  A key with an ok send above what the client polled is in about 2/3 of
//  the assigns (1/2 by chance, plus a third of the rest); other keys in
//  about 1/2.
static void
test_assign_adds_unseen (void **state)
{
    (void) state;
    void *gen = s_gen (21, 1, 1, FL_SCENARIO_KEYS_MAX);
    json_t *op = s_next_f (gen, "send");
    const char *key = json_string_value (json_object_get (op, "key"));
    char unseen [16];
    snprintf (unseen, sizeof unseen, "%s", key);
    workload_outcome_t outcome = s_reply (gen, op, "{\"type\":\"send_ok\",\"offset\":5}");
    assert_int_equal (outcome.result, WORKLOAD_OK);
    json_t *expected = json_pack ("[i, O]", 5, json_object_get (op, "value"));
    assert_true (json_equal (outcome.value, expected));
    json_decref (expected);
    json_decref (outcome.value);
    json_decref (op);
    int assigns = 0, with_unseen = 0, with_others = 0;
    while (assigns < 600) {
        op = s_next_f (gen, "list_committed_offsets");
        size_t i;
        json_t *k;
        json_array_foreach (json_object_get (op, "value"), i, k) {
            if (strcmp (json_string_value (k), unseen) == 0)
                with_unseen++;
            else
                with_others++;
        }
        assigns++;
        s_answer (gen, op, "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{}}");
        json_decref (op);
    }
    double unseen_rate = (double) with_unseen / assigns;
    double other_rate = (double) with_others / assigns / (FL_SCENARIO_KEYS_MAX - 1);
    assert_true (unseen_rate > 0.60 && unseen_rate < 0.73);
    assert_true (other_rate > 0.45 && other_rate < 0.55);
    workload_gen_destroy (s_kafka, &gen);
}

//  The final phase: an assign of every key (its answer ignored), then
//  polls of every key from 0, each on from where the last ended, until a
//  poll brings nothing new. A commit the load left pending is dropped.
static void
test_final (void **state)
{
    (void) state;
    void *gen = s_gen (2, 1, 1, 2);
    json_t *op = s_next_f (gen, "list_committed_offsets");
    s_answer (gen, op, "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{}}");
    json_decref (op);
    op = s_next_f (gen, "poll");
    s_answer (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{\"0\":[[0,1]],\"1\":[[0,2]]}}");
    json_decref (op);
    op = workload_final (s_kafka, gen, 0);
    s_assert_json (op, "{\"f\":\"list_committed_offsets\",\"value\":[\"0\",\"1\"]}");
    s_answer (gen, op, "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{\"0\":3}}");
    json_decref (op);
    op = workload_final (s_kafka, gen, 1);
    s_assert_json (op, "{\"f\":\"poll\",\"value\":{\"0\":0,\"1\":0}}");
    s_answer (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{\"0\":[[0,10],[1,11]]}}");
    json_decref (op);
    op = workload_final (s_kafka, gen, 2);
    s_assert_json (op, "{\"f\":\"poll\",\"value\":{\"0\":2,\"1\":0}}");
    s_answer (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{}}");
    json_decref (op);
    assert_null (workload_final (s_kafka, gen, 3));
    assert_null (workload_final (s_kafka, gen, 4));
    //  The load's generator was left with a commit due; it is gone.
    op = workload_next (s_kafka, gen);
    assert_string_not_equal (s_f (op), "commit_offsets");
    json_decref (op);
    workload_gen_destroy (s_kafka, &gen);
}

//  A failed final poll (a definite error) is made again; one that
//  returns only offsets below those asked brings nothing new; a
//  malformed one is info and ends the phase.
static void
test_final_retries_and_stops (void **state)
{
    (void) state;
    void *gen = s_gen (2, 1, 1, 2);
    json_t *op = workload_final (s_kafka, gen, 0);
    assert_int_equal (s_answer (gen, op, "{\"type\":\"error\",\"code\":14}"), WORKLOAD_FAIL);
    json_decref (op);
    op = workload_final (s_kafka, gen, 1);
    s_assert_json (op, "{\"f\":\"poll\",\"value\":{\"0\":0,\"1\":0}}");
    s_answer (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{\"1\":[[0,10],[3,11]]}}");
    json_decref (op);
    op = workload_final (s_kafka, gen, 2);
    s_assert_json (op, "{\"f\":\"poll\",\"value\":{\"0\":0,\"1\":4}}");
    assert_int_equal (s_answer (gen, op, "{\"type\":\"error\",\"code\":11}"), WORKLOAD_FAIL);
    json_decref (op);
    op = workload_final (s_kafka, gen, 3);
    s_assert_json (op, "{\"f\":\"poll\",\"value\":{\"0\":0,\"1\":4}}");
    s_answer (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{\"1\":[[3,11]]}}");
    json_decref (op);
    assert_null (workload_final (s_kafka, gen, 4));
    workload_gen_destroy (s_kafka, &gen);
    gen = s_gen (2, 1, 1, 2);
    op = workload_final (s_kafka, gen, 0);
    s_answer (gen, op, "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{}}");
    json_decref (op);
    op = workload_final (s_kafka, gen, 1);
    assert_int_equal (s_answer (gen, op, "{\"type\":\"poll_ok\",\"msgs\":{\"1\":[[\"0\",1]]}}"),
                      WORKLOAD_INFO);
    json_decref (op);
    assert_null (workload_final (s_kafka, gen, 2));
    workload_gen_destroy (s_kafka, &gen);
}

//  A node that always has more: the phase stops at FL_KAFKA_FINAL_POLLS_MAX.
static void
test_final_limit (void **state)
{
    (void) state;
    void *gen = s_gen (2, 1, 1, 1);
    json_t *op = workload_final (s_kafka, gen, 0);
    s_answer (gen, op, "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{}}");
    json_decref (op);
    int polls = 0;
    while ((op = workload_final (s_kafka, gen, polls + 1))) {
        assert_string_equal (s_f (op), "poll");
        json_int_t from = json_integer_value (json_object_get (json_object_get (op, "value"), "0"));
        assert_int_equal (from, polls);
        char text [128];
        snprintf (text, sizeof text, "{\"type\":\"poll_ok\",\"msgs\":{\"0\":[[%d,1]]}}", polls);
        assert_int_equal (s_answer (gen, op, text), WORKLOAD_OK);
        json_decref (op);
        polls++;
        assert_true (polls <= FL_KAFKA_FINAL_POLLS_MAX);
    }
    assert_int_equal (polls, FL_KAFKA_FINAL_POLLS_MAX);
    workload_gen_destroy (s_kafka, &gen);
}

//  A timeout in the final phase ends it.
static void
test_final_timeout (void **state)
{
    (void) state;
    void *gen = s_gen (2, 1, 1, 1);
    json_t *op = workload_final (s_kafka, gen, 0);
    workload_outcome_t outcome = workload_timeout (s_kafka, gen, op);
    assert_int_equal (outcome.result, WORKLOAD_FAIL);          // idempotent
    assert_int_equal (outcome.code, 0);
    json_decref (op);
    op = workload_final (s_kafka, gen, 1);
    outcome = workload_timeout (s_kafka, gen, op);
    assert_int_equal (outcome.result, WORKLOAD_INFO);
    json_decref (op);
    assert_null (workload_final (s_kafka, gen, 2));
    workload_gen_destroy (s_kafka, &gen);
}

static void
s_assert_malformed (const char *op_text, const char *reply, const char *reason)
{
    json_t *op = json_loads (op_text, 0, NULL);
    assert_non_null (op);
    void *gen = s_gen (1, 1, 1, 3);
    workload_outcome_t outcome = s_reply (gen, op, reply);
    assert_int_equal (outcome.result, WORKLOAD_INFO);
    assert_null (outcome.value);
    if (!strstr (outcome.why, reason))
        fprintf (stderr, "# why: %s\n", outcome.why);
    assert_non_null (strstr (outcome.why, reason));
    //  A malformed poll is not committed.
    json_t *next = workload_next (s_kafka, gen);
    assert_string_not_equal (s_f (next), "commit_offsets");
    json_decref (next);
    json_decref (op);
    workload_gen_destroy (s_kafka, &gen);
}

static void
test_schema (void **state)
{
    (void) state;
    const char *send = "{\"f\":\"send\",\"key\":\"1\",\"value\":3}";
    const char *poll = "{\"f\":\"poll\",\"value\":{\"0\":0}}";
    const char *commit = "{\"f\":\"commit_offsets\",\"value\":{\"0\":0}}";
    const char *list = "{\"f\":\"list_committed_offsets\",\"value\":[\"0\"]}";
    s_assert_malformed (send, "{\"type\":\"send_ok\"}",
                        "malformed RPC response: send_ok has no 'offset'");
    s_assert_malformed (send, "{\"type\":\"send_ok\",\"offset\":\"3\"}",
                        "malformed RPC response: send_ok's 'offset' is a string, expected an int");
    s_assert_malformed (send, "{\"type\":\"send_ok\",\"offset\":3.0}", "'offset' is a real");
    s_assert_malformed (send, "{\"type\":\"send_ok\",\"offset\":3,\"msg\":3}",
                        "malformed RPC response: send_ok has an unexpected key 'msg'");
    s_assert_malformed (send, "{\"type\":\"send_ok\",\"offset\":3,\"in_reply_to\":null}",
                        "'in_reply_to' is null");
    s_assert_malformed (send, "{\"type\":\"poll_ok\",\"msgs\":{}}",
                        "unexpected reply type 'poll_ok' to send (expected send_ok)");
    s_assert_malformed (poll, "{\"type\":\"poll_ok\",\"msgs\":[]}",
                        "poll_ok's 'msgs' is an array, expected an object");
    s_assert_malformed (poll, "{\"type\":\"poll_ok\"}", "poll_ok has no 'msgs'");
    s_assert_malformed (poll, "{\"type\":\"poll_ok\",\"msgs\":{\"0\":5}}",
                        "malformed RPC response: poll_ok's msgs[\"0\"] is an integer, "
                        "expected an array of [offset, msg]");
    s_assert_malformed (poll, "{\"type\":\"poll_ok\",\"msgs\":{\"0\":[[0,1],[1]]}}",
                        "malformed RPC response: poll_ok's msgs[\"0\"][1] is an array not of 2, "
                        "expected [offset, msg]");
    s_assert_malformed (poll, "{\"type\":\"poll_ok\",\"msgs\":{\"0\":[7]}}",
                        "poll_ok's msgs[\"0\"][0] is an integer, expected [offset, msg]");
    s_assert_malformed (poll, "{\"type\":\"poll_ok\",\"msgs\":{\"0\":[[\"0\",1]]}}",
                        "malformed RPC response: poll_ok's msgs[\"0\"][0]'s offset is a string, "
                        "expected an integer");
    s_assert_malformed (commit, "{\"type\":\"commit_offsets_ok\",\"offsets\":{}}",
                        "commit_offsets_ok has an unexpected key 'offsets'");
    s_assert_malformed (list, "{\"type\":\"list_committed_offsets_ok\",\"offsets\":[]}",
                        "list_committed_offsets_ok's 'offsets' is an array, expected an object");
    s_assert_malformed (list, "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{\"0\":\"1\"}}",
                        "malformed RPC response: list_committed_offsets_ok's offsets[\"0\"] is a "
                        "string, expected an integer");
    s_assert_malformed (list, "{\"type\":\"list_committed_offsets_ok\"}",
                        "list_committed_offsets_ok has no 'offsets'");
}

//  What ok records, and how errors and timeouts land (idempotent:
//  list_committed_offsets).
static void
test_values_and_errors (void **state)
{
    (void) state;
    void *gen = s_gen (1, 1, 1, 3);
    json_t *send = json_loads ("{\"f\":\"send\",\"key\":\"1\",\"value\":3}", 0, NULL);
    json_t *poll = json_loads ("{\"f\":\"poll\",\"value\":{\"1\":0}}", 0, NULL);
    json_t *list = json_loads ("{\"f\":\"list_committed_offsets\",\"value\":[\"1\"]}", 0, NULL);
    workload_outcome_t outcome = s_reply (gen, send,
        "{\"type\":\"send_ok\",\"offset\":12,\"in_reply_to\":4,\"msg_id\":1}");
    assert_int_equal (outcome.result, WORKLOAD_OK);
    s_assert_json (outcome.value, "[12,3]");
    json_decref (outcome.value);
    outcome = s_reply (gen, poll, "{\"type\":\"poll_ok\",\"msgs\":{\"1\":[[0,\"a\"]],\"9\":[]}}");
    assert_int_equal (outcome.result, WORKLOAD_OK);
    s_assert_json (outcome.value, "{\"1\":[[0,\"a\"]],\"9\":[]}");
    json_decref (outcome.value);
    json_t *commit = workload_next (s_kafka, gen);
    s_assert_json (commit, "{\"f\":\"commit_offsets\",\"value\":{\"1\":0}}");  // not "9"
    json_decref (commit);
    outcome = s_reply (gen, list, "{\"type\":\"list_committed_offsets_ok\",\"offsets\":{\"1\":0}}");
    s_assert_json (outcome.value, "{\"1\":0}");
    json_decref (outcome.value);
    struct { json_t *op; const char *reply; workload_result_t result; int code; } cases [] = {
        { send, "{\"type\":\"error\",\"code\":11}", WORKLOAD_FAIL, 11 },
        { send, "{\"type\":\"error\",\"code\":13}", WORKLOAD_INFO, 13 },
        { poll, "{\"type\":\"error\",\"code\":0}", WORKLOAD_INFO, 0 },
        { list, "{\"type\":\"error\",\"code\":13}", WORKLOAD_FAIL, 13 },
        { list, "{\"type\":\"error\",\"code\":1000}", WORKLOAD_FAIL, 1000 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        outcome = s_reply (gen, cases [i].op, cases [i].reply);
        assert_int_equal (outcome.result, cases [i].result);
        assert_int_equal (outcome.code, cases [i].code);
        assert_null (outcome.value);
    }
    outcome = workload_timeout (s_kafka, gen, list);
    assert_int_equal (outcome.result, WORKLOAD_FAIL);
    outcome = workload_timeout (s_kafka, gen, send);
    assert_int_equal (outcome.result, WORKLOAD_INFO);
    json_decref (send);
    json_decref (poll);
    json_decref (list);
    workload_gen_destroy (s_kafka, &gen);
}

int
main (void)
{
    tap_start (60);
    s_kafka = workload_lookup ("kafka");
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_registry),
        cmocka_unit_test (test_same_seed_same_ops),
        cmocka_unit_test (test_requests),
        cmocka_unit_test (test_ops_and_keys),
        cmocka_unit_test (test_cycle),
        cmocka_unit_test (test_assign_poll_commit),
        cmocka_unit_test (test_info_forgets),
        cmocka_unit_test (test_assign_adds_unseen),
        cmocka_unit_test (test_final),
        cmocka_unit_test (test_final_retries_and_stops),
        cmocka_unit_test (test_final_limit),
        cmocka_unit_test (test_final_timeout),
        cmocka_unit_test (test_schema),
        cmocka_unit_test (test_values_and_errors),
    };
    return cmocka_run_group_tests_name ("workload_kafka", tests, NULL, NULL);
}
