/*  lab_client.c -- one client worker against a pretend proxy (a ROUTER on
    an ipc endpoint in a private directory), for any workload:

    - the request is the workload's body with the client's msg_id (1, 2,
      3, ...), from cK to the node drawn from the seed, and the same seed
      sends the same ops to the same nodes;
    - a reply counts when its in_reply_to is the op's msg_id, whichever
      node sends it (Maelstrom matches on in_reply_to alone); anything
      else is counted, as `unmatched` (late, duplicated, another msg_id,
      no in_reply_to) or `unreadable` (no JSON envelope with a body), and
      completes nothing;
    - what a reply means is the workload's: a reply of the wrong type or
      one that breaks the RPC's schema is info with the reason, and the
      process that saw info is retired (process += clients);
    - a timeout is fail with code 0 for an idempotent op, else info;
    - the final phase reads every node once, the clients together, and
      marks its ops "final".
*/
#include "tap.h"
#include <string.h>
#include <sys/stat.h>
#include <czmq.h>
#include <jansson.h>
#include "../../lab/client.h"
#include "../../lab/history.h"

#define S_WAIT_MS 5000          //  any message in this test arrives by then

typedef struct {
    char dir [128];
    zsock_t *proxy;
    client_t *client;
    history_t *history;
    char dest [16];             //  of the request in flight
    int64_t msg_id;
    json_t *body;               //  the request's body
} s_lab_t;

static void
s_lab_start (s_lab_t *lab, const char *sub, const char *workload, int index, int clients,
             int nodes, uint64_t seed)
{
    *lab = (s_lab_t) { 0 };
    snprintf (lab->dir, sizeof lab->dir, "%s/%s", tap_dir, sub);
    assert_int_equal (mkdir (lab->dir, 0755), 0);
    char net [160];
    snprintf (net, sizeof net, "ipc://%s/net", lab->dir);
    lab->proxy = zsock_new_router (net);
    assert_non_null (lab->proxy);
    char *error = NULL;
    lab->history = history_new (lab->dir, &error);
    assert_non_null (lab->history);
    const workload_t *w = workload_lookup (workload);
    assert_non_null (w);
    lab->client = client_new (index, clients, nodes, 2, 0, 1000, seed, net, w);
    assert_non_null (lab->client);
}

static void
s_lab_stop (s_lab_t *lab)
{
    client_destroy (&lab->client);
    assert_null (lab->client);
    history_destroy (&lab->history);
    zsock_destroy (&lab->proxy);
    json_decref (lab->body);
    lab->body = NULL;
}

static void
s_wait (zsock_t *sock)
{
    zpoller_t *poller = zpoller_new (sock, NULL);
    void *ready = zpoller_wait (poller, S_WAIT_MS);
    zpoller_destroy (&poller);
    if (!ready)
        fail_msg ("nothing arrived within %d ms", S_WAIT_MS);
}

//  The proxy receives the client's request: remember dest, msg_id, body.
static void
s_receive (s_lab_t *lab)
{
    s_wait (lab->proxy);
    zmsg_t *msg = zmsg_recv (lab->proxy);
    assert_non_null (msg);
    char *from = zmsg_popstr (msg);
    char *dest = zmsg_popstr (msg);
    char *text = zmsg_popstr (msg);
    assert_string_equal (from, lab->client->id);
    snprintf (lab->dest, sizeof lab->dest, "%s", dest);
    json_t *envelope = json_loads (text, 0, NULL);
    assert_non_null (envelope);
    assert_string_equal (json_string_value (json_object_get (envelope, "src")), lab->client->id);
    assert_string_equal (json_string_value (json_object_get (envelope, "dest")), dest);
    json_decref (lab->body);
    lab->body = json_incref (json_object_get (envelope, "body"));
    lab->msg_id = json_integer_value (json_object_get (lab->body, "msg_id"));
    assert_true (lab->msg_id > 0);
    json_decref (envelope);
    zstr_free (&from);
    zstr_free (&dest);
    zstr_free (&text);
    zmsg_destroy (&msg);
}

static void
s_invoke (s_lab_t *lab, int64_t now_ns)
{
    client_invoke (lab->client, now_ns, lab->history);
    assert_true (lab->client->busy);
    s_receive (lab);
}

//  The proxy delivers frames [src][text] to the client (text NULL: the
//  src frame alone); returns client_on_message's answer.
static bool
s_deliver_text (s_lab_t *lab, const char *src, const char *text)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, lab->client->id);
    zmsg_addstr (msg, src);
    if (text)
        zmsg_addstr (msg, text);
    assert_int_equal (zmsg_send (&msg, lab->proxy), 0);
    s_wait (lab->client->sock);
    return client_on_message (lab->client, 2000, lab->history);
}

//  Deliver BODY_TEXT (a JSON object; "%IRT" stands for the op's msg_id)
//  from src.
static bool
s_deliver (s_lab_t *lab, const char *src, const char *body_text)
{
    char irt [32], body [1024];
    snprintf (irt, sizeof irt, "%lld", (long long) lab->msg_id);
    const char *at = strstr (body_text, "%IRT");
    if (at)
        snprintf (body, sizeof body, "%.*s%s%s", (int) (at - body_text), body_text, irt, at + 4);
    else
        snprintf (body, sizeof body, "%s", body_text);
    char text [1200];
    snprintf (text, sizeof text, "{\"src\":\"%s\",\"dest\":\"%s\",\"body\":%s}", src,
              lab->client->id, body);
    return s_deliver_text (lab, src, text);
}

//  A well-formed ok reply to the op in flight (its RPC's reply type and
//  fields: an int for int and any, an empty list or map), from its node.
static bool
s_answer_ok (s_lab_t *lab)
{
    const workload_t *w = lab->client->workload;
    const char *f = json_string_value (json_object_get (lab->client->op, "f"));
    const workload_rpc_t *rpc = workload_rpc (w, f);
    assert_non_null (rpc);
    json_t *body = json_pack ("{s:s, s:I}", "type", rpc->reply, "in_reply_to",
                              (json_int_t) lab->msg_id);
    for (const char *at = rpc->fields; at && *at; ) {
        while (*at == ' ')
            at++;
        size_t n = strcspn (at, ":");
        if (!n)
            break;
        char name [64];
        snprintf (name, sizeof name, "%.*s", (int) n, at);
        const char *type = at + n + 1;
        json_object_set_new (body, name, strncmp (type, "array", 5) == 0? json_array ():
                             strncmp (type, "object", 6) == 0? json_object ():
                             strncmp (type, "string", 6) == 0? json_string ("s"):
                             json_integer (1));
        at = type + strcspn (type, " ");
    }
    char *text = json_dumps (body, JSON_COMPACT);
    json_decref (body);
    bool completed = s_deliver (lab, lab->dest, text);
    free (text);
    return completed;
}

//  Invoke ops, answering each ok, until one of f is in flight.
static void
s_invoke_until (s_lab_t *lab, const char *f, int64_t now_ns)
{
    for (int i = 0; i < 200; i++) {
        s_invoke (lab, now_ns);
        if (streq (json_string_value (json_object_get (lab->client->op, "f")), f))
            return;
        assert_true (s_answer_ok (lab));
    }
    fail_msg ("no %s in 200 ops", f);
}

//  Every line of the lab's history.jsonl (new reference).
static json_t *
s_lines (s_lab_t *lab)
{
    char path [192], line [4096];
    snprintf (path, sizeof path, "%s/history.jsonl", lab->dir);
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    json_t *lines = json_array ();
    while (fgets (line, sizeof line, file)) {
        json_t *value = json_loads (line, 0, NULL);
        assert_non_null (value);
        json_array_append_new (lines, value);
    }
    fclose (file);
    return lines;
}

static json_t *
s_last_line (s_lab_t *lab)
{
    json_t *lines = s_lines (lab);
    assert_true (json_array_size (lines) > 0);
    json_t *last = json_incref (json_array_get (lines, json_array_size (lines) - 1));
    json_decref (lines);
    return last;
}

static const char *
s_str (json_t *object, const char *key)
{
    return json_string_value (json_object_get (object, key));
}

//  --------------------------------------------------------------------------

//  The request is the workload's body with msg_id 1, 2, 3, ...; the
//  history's invoke says the op that went.
static void
test_request_is_the_workloads_body (void **state)
{
    (void) state;
    s_lab_t lab;
    s_lab_start (&lab, "request", "lin-kv", 1, 1, 3, 7);
    for (int n = 1; n <= 5; n++) {
        s_invoke (&lab, 1000 * n);
        assert_int_equal (lab.msg_id, n);
        json_t *invoke = s_last_line (&lab);
        assert_string_equal (s_str (invoke, "type"), "invoke");
        assert_string_equal (s_str (lab.body, "type"), s_str (invoke, "f"));
        assert_int_equal (json_integer_value (json_object_get (lab.body, "key")),
                          atoi (s_str (invoke, "key")));
        assert_true (json_equal (json_object_get (lab.client->op, "value"),
                                 json_object_get (invoke, "value")));
        assert_int_equal (json_integer_value (json_object_get (invoke, "time")), 1000 * n);
        assert_true (lab.dest [0] == 'n' && atoi (lab.dest + 1) >= 1 && atoi (lab.dest + 1) <= 3);
        json_decref (invoke);
        assert_true (s_answer_ok (&lab));
    }
    s_lab_stop (&lab);
}

//  A reply from another node (a forwarded request answered elsewhere)
//  completes the op: only in_reply_to counts.
static void
test_reply_from_any_node_completes (void **state)
{
    (void) state;
    s_lab_t lab;
    s_lab_start (&lab, "anynode", "echo", 1, 1, 3, 7);
    s_invoke (&lab, 1000);
    const char *other = streq (lab.dest, "n3")? "n1": "n3";
    char body [256];
    snprintf (body, sizeof body, "{\"type\":\"echo_ok\",\"in_reply_to\":%%IRT,\"echo\":\"%s\"}",
              json_string_value (json_object_get (lab.body, "echo")));
    assert_true (s_deliver (&lab, other, body));
    assert_false (lab.client->busy);
    assert_int_equal (lab.client->unmatched, 0);
    json_t *line = s_last_line (&lab);
    assert_string_equal (s_str (line, "type"), "ok");
    assert_string_equal (s_str (line, "value"), json_string_value (json_object_get (lab.body, "echo")));
    json_decref (line);
    //  And from a service, as when a node hands the client's request on.
    s_invoke (&lab, 3000);
    assert_true (s_deliver (&lab, "lin-kv", "{\"type\":\"echo_ok\",\"in_reply_to\":%IRT,"
                            "\"echo\":\"x\"}"));
    assert_false (lab.client->busy);
    s_lab_stop (&lab);
}

//  Answers to no op in flight are counted and complete nothing: another
//  msg_id, no in_reply_to, a duplicate after the op completed.
static void
test_unmatched_answers_are_counted (void **state)
{
    (void) state;
    s_lab_t lab;
    s_lab_start (&lab, "unmatched", "g-set", 1, 1, 3, 7);
    s_invoke (&lab, 1000);
    char body [128];
    snprintf (body, sizeof body, "{\"type\":\"add_ok\",\"in_reply_to\":%lld}",
              (long long) lab.msg_id + 1);
    assert_false (s_deliver (&lab, lab.dest, body));
    assert_int_equal (lab.client->unmatched, 1);
    assert_false (s_deliver (&lab, lab.dest, "{\"type\":\"gossip\",\"msg_id\":5}"));
    assert_false (s_deliver (&lab, lab.dest, "{\"type\":\"add_ok\",\"in_reply_to\":\"%IRT\"}"));
    assert_int_equal (lab.client->unmatched, 3);
    assert_true (lab.client->busy);
    assert_true (s_answer_ok (&lab));
    assert_false (lab.client->busy);
    //  The same answer again: a duplicate.
    assert_false (s_answer_ok (&lab));
    assert_int_equal (lab.client->unmatched, 4);
    assert_int_equal (lab.client->unreadable, 0);
    json_t *lines = s_lines (&lab);
    assert_int_equal (json_array_size (lines), 2);
    json_decref (lines);
    s_lab_stop (&lab);
}

//  in_reply_to 2.0 names op 2: the reply is that op's, and malformed (an
//  int is wanted, as Maelstrom's schema wants), so the op ends info at once
//  rather than waiting for its timeout.
static void
test_float_in_reply_to_is_malformed (void **state)
{
    (void) state;
    s_lab_t lab;
    s_lab_start (&lab, "floatid", "g-set", 1, 1, 3, 7);
    s_invoke (&lab, 1000);
    char body [128];
    snprintf (body, sizeof body, "{\"type\":\"add_ok\",\"in_reply_to\":%lld.0}",
              (long long) lab.msg_id);
    assert_true (s_deliver (&lab, lab.dest, body));
    assert_false (lab.client->busy);
    assert_int_equal (lab.client->unmatched, 0);
    json_t *line = s_last_line (&lab);
    assert_string_equal (s_str (line, "type"), "info");
    assert_non_null (strstr (s_str (line, "error"), "malformed RPC response"));
    json_decref (line);
    //  2.5 names no op.
    s_invoke (&lab, 3000);
    snprintf (body, sizeof body, "{\"type\":\"add_ok\",\"in_reply_to\":%lld.5}",
              (long long) lab.msg_id);
    assert_false (s_deliver (&lab, lab.dest, body));
    assert_int_equal (lab.client->unmatched, 1);
    s_lab_stop (&lab);
}

//  What is no JSON envelope with an object body is unreadable, counted,
//  and leaves the op waiting.
static void
test_unreadable_messages_are_counted (void **state)
{
    (void) state;
    s_lab_t lab;
    s_lab_start (&lab, "unreadable", "unique-ids", 1, 1, 3, 7);
    s_invoke (&lab, 1000);
    assert_false (s_deliver_text (&lab, lab.dest, "not json"));
    assert_false (s_deliver_text (&lab, lab.dest, "{\"src\":\"n1\",\"dest\":\"c1\"}"));
    assert_false (s_deliver_text (&lab, lab.dest, "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":5}"));
    assert_false (s_deliver_text (&lab, lab.dest, "[1,2]"));
    assert_false (s_deliver_text (&lab, lab.dest, NULL));
    assert_int_equal (lab.client->unreadable, 5);
    assert_int_equal (lab.client->unmatched, 0);
    assert_true (lab.client->busy);
    assert_true (s_deliver (&lab, lab.dest, "{\"type\":\"generate_ok\",\"in_reply_to\":%IRT,"
                            "\"id\":\"n1-1\"}"));
    json_t *line = s_last_line (&lab);
    assert_string_equal (s_str (line, "type"), "ok");
    assert_string_equal (s_str (line, "value"), "n1-1");
    json_decref (line);
    s_lab_stop (&lab);
}

//  A reply of the wrong type is info with the reason; the process that
//  saw it is retired and the client goes on as process + clients.
static void
test_wrong_type_is_info_and_retires_the_process (void **state)
{
    (void) state;
    s_lab_t lab;
    s_lab_start (&lab, "type", "broadcast", 1, 2, 3, 7);
    s_invoke_until (&lab, "read", 1000);
    int process = lab.client->process;
    assert_true (s_deliver (&lab, lab.dest, "{\"type\":\"surprise_ok\",\"in_reply_to\":%IRT}"));
    json_t *line = s_last_line (&lab);
    assert_string_equal (s_str (line, "type"), "info");
    assert_int_equal (json_integer_value (json_object_get (line, "process")), process);
    assert_string_equal (s_str (line, "error"),
                         "unexpected reply type 'surprise_ok' to read (expected read_ok)");
    json_decref (line);
    assert_int_equal (lab.client->process, process + 2);
    s_invoke (&lab, 5000);
    line = s_last_line (&lab);
    assert_int_equal (json_integer_value (json_object_get (line, "process")), process + 2);
    json_decref (line);
    s_lab_stop (&lab);
}

//  A read_ok that breaks the schema is not a read of null or 0: info,
//  malformed, naming the key.
static void
test_malformed_reply_is_info_with_the_reason (void **state)
{
    (void) state;
    struct { const char *workload, *body, *why; } cases [] = {
        { "g-set", "{\"type\":\"read_ok\",\"in_reply_to\":%IRT}",
          "malformed RPC response: read_ok has no 'value'" },
        { "g-counter", "{\"type\":\"read_ok\",\"in_reply_to\":%IRT,\"value\":[3]}",
          "malformed RPC response: read_ok's 'value' is an array, expected an int" },
        { "broadcast", "{\"type\":\"read_ok\",\"in_reply_to\":%IRT,\"messages\":[],\"x\":1}",
          "malformed RPC response: read_ok has an unexpected key 'x'" },
        { "lin-kv", "{\"type\":\"read_ok\",\"in_reply_to\":%IRT,\"value\":1,\"msg_id\":null}",
          "malformed RPC response: 'msg_id' is null, expected an integer" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        s_lab_t lab;
        char sub [32];
        snprintf (sub, sizeof sub, "malformed%zu", i);
        s_lab_start (&lab, sub, cases [i].workload, 1, 1, 3, 7);
        s_invoke_until (&lab, "read", 1000);
        assert_true (s_deliver (&lab, lab.dest, cases [i].body));
        json_t *line = s_last_line (&lab);
        assert_string_equal (s_str (line, "type"), "info");
        assert_string_equal (s_str (line, "error"), cases [i].why);
        assert_true (json_is_null (json_object_get (line, "value")));
        json_decref (line);
        assert_int_equal (lab.client->process, 1);
        s_lab_stop (&lab);
    }
}

//  No answer by the deadline: an idempotent read fails with code 0 (the
//  process goes on), a write is info (the process is retired); a late
//  answer is unmatched. At the end of a run, force expires at once.
static void
test_timeouts (void **state)
{
    (void) state;
    s_lab_t lab;
    s_lab_start (&lab, "timeout", "lin-kv", 1, 2, 3, 7);
    s_invoke_until (&lab, "read", 1000);
    int64_t deadline = lab.client->deadline_ns;
    assert_int_equal (deadline, lab.client->invoke_ns + 1000 * 1000000LL);
    client_expire (lab.client, deadline - 1, lab.history, false);
    assert_true (lab.client->busy);
    client_expire (lab.client, deadline, lab.history, false);
    assert_false (lab.client->busy);
    json_t *line = s_last_line (&lab);
    assert_string_equal (s_str (line, "type"), "fail");
    assert_true (json_is_integer (json_object_get (line, "error")));
    assert_int_equal (json_integer_value (json_object_get (line, "error")), 0);
    assert_int_equal (json_integer_value (json_object_get (line, "time")), deadline);
    json_decref (line);
    assert_int_equal (lab.client->process, 0);
    assert_false (s_answer_ok (&lab));          //  too late
    assert_int_equal (lab.client->unmatched, 1);
    s_invoke_until (&lab, "write", 10000000000LL);
    client_expire (lab.client, lab.client->invoke_ns + 1, lab.history, true);
    assert_false (lab.client->busy);
    line = s_last_line (&lab);
    assert_string_equal (s_str (line, "type"), "info");
    assert_null (json_object_get (line, "error"));
    json_decref (line);
    assert_int_equal (lab.client->process, 2);
    //  Nothing in flight: nothing to expire.
    json_t *lines = s_lines (&lab);
    size_t count = json_array_size (lines);
    json_decref (lines);
    client_expire (lab.client, INT64_MAX, lab.history, true);
    lines = s_lines (&lab);
    assert_int_equal (json_array_size (lines), count);
    json_decref (lines);
    s_lab_stop (&lab);
}

//  The final phase of client INDEX of CLIENTS on NODES nodes: the nodes
//  its reads went to, as "n1 n3 n5".
static void
s_finals (const char *workload, int index, int clients, int nodes, const char *want)
{
    s_lab_t lab;
    char sub [64], got [256] = "";
    snprintf (sub, sizeof sub, "final-%s-%d-%d-%d", workload, index, clients, nodes);
    s_lab_start (&lab, sub, workload, index, clients, nodes, 7);
    int reads = 0;
    while (client_invoke_final (lab.client, 1000, lab.history)) {
        assert_true (++reads <= FL_FINAL_OPS_MAX);
        assert_true (lab.client->final);
        s_receive (&lab);
        snprintf (got + strlen (got), sizeof got - strlen (got), "%s%s", *got? " ": "", lab.dest);
        assert_string_equal (s_str (lab.body, "type"), "read");
        assert_true (s_answer_ok (&lab));
    }
    assert_true (lab.client->finals_done);
    assert_false (lab.client->busy);
    assert_string_equal (got, want);
    json_t *lines = s_lines (&lab);
    assert_int_equal (json_array_size (lines), 2 * reads);
    size_t i;
    json_t *line;
    json_array_foreach (lines, i, line) {
        assert_true (json_is_true (json_object_get (line, "final")));
        assert_string_equal (s_str (line, "f"), "read");
        assert_string_equal (s_str (line, "type"), i % 2? "ok": "invoke");
    }
    json_decref (lines);
    s_lab_stop (&lab);
}

//  Final reads: the clients together read every node once; a workload
//  without a final phase has none.
static void
test_final_reads_cover_every_node (void **state)
{
    (void) state;
    s_finals ("g-set", 1, 2, 5, "n1 n3 n5");
    s_finals ("g-set", 2, 2, 5, "n2 n4");
    s_finals ("broadcast", 1, 1, 3, "n1 n2 n3");
    s_finals ("pn-counter", 2, 5, 5, "n2");
    s_finals ("g-counter", 3, 3, 2, "n1");       //  more clients than nodes: one each
    s_finals ("lin-kv", 1, 1, 3, "");
    s_finals ("echo", 1, 2, 5, "");
}

//  The ops, bodies and nodes a client sends with SEED, as one text.
static char *
s_run (const char *sub, uint64_t seed)
{
    s_lab_t lab;
    s_lab_start (&lab, sub, "broadcast", 2, 3, 5, seed);
    char *all = NULL;
    for (int n = 0; n < 30; n++) {
        s_invoke (&lab, 1000 * n);
        char *body = json_dumps (lab.body, JSON_COMPACT | JSON_SORT_KEYS);
        char *grown = NULL;
        assert_true (asprintf (&grown, "%s%s>%s\n", all? all: "", lab.dest, body) > 0);
        free (all);
        free (body);
        all = grown;
        assert_true (s_answer_ok (&lab));
    }
    s_lab_stop (&lab);
    return all;
}

static void
test_same_seed_same_ops_to_same_nodes (void **state)
{
    (void) state;
    char *a = s_run ("seed-a", 7), *b = s_run ("seed-b", 7), *c = s_run ("seed-c", 8);
    assert_string_equal (a, b);
    assert_string_not_equal (a, c);
    free (a);
    free (b);
    free (c);
}

int
main (void)
{
    zsys_init ();
    zsys_set_logstream (stderr);
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_request_is_the_workloads_body),
        cmocka_unit_test (test_reply_from_any_node_completes),
        cmocka_unit_test (test_unmatched_answers_are_counted),
        cmocka_unit_test (test_float_in_reply_to_is_malformed),
        cmocka_unit_test (test_unreadable_messages_are_counted),
        cmocka_unit_test (test_wrong_type_is_info_and_retires_the_process),
        cmocka_unit_test (test_malformed_reply_is_info_with_the_reason),
        cmocka_unit_test (test_timeouts),
        cmocka_unit_test (test_final_reads_cover_every_node),
        cmocka_unit_test (test_same_seed_same_ops_to_same_nodes),
    };
    return cmocka_run_group_tests_name ("lab_client", tests, tap_dir_make, tap_dir_remove);
}
