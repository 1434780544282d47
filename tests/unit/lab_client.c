/*  lab_client.c -- a client takes as the answer to its op only a reply
    from the node it sent the op to (the proxy's src frame): a reply from
    another node with the right in_reply_to is ignored and counted. An
    answer of an unexpected type is info with an "error" text saying so,
    not the code 13 a node never sent. The test plays the proxy with a
    ROUTER on an ipc endpoint in a private directory.
*/
#include "tap.h"
#include <string.h>
#include <czmq.h>
#include <jansson.h>
#include "../../lab/client.h"
#include "../../lab/history.h"


typedef struct {
    zsock_t *proxy;
    client_t *client;
    history_t *history;
    char dest [16];
    int64_t msg_id;
} s_lab_t;

static void
s_lab_start (s_lab_t *lab, const char *sub)
{
    char dir [128], net [160];
    snprintf (dir, sizeof dir, "%s/%s", tap_dir, sub);
    assert_int_equal (mkdir (dir, 0755), 0);
    snprintf (net, sizeof net, "ipc://%s/net", dir);
    lab->proxy = zsock_new_router (net);
    assert_non_null (lab->proxy);
    char *error = NULL;
    lab->history = history_new (dir, &error);
    assert_non_null (lab->history);
    lab->client = client_new (1, 1, 3, 1, 1000, 7, net);
    assert_non_null (lab->client);
}

static void
s_lab_stop (s_lab_t *lab)
{
    client_destroy (&lab->client);
    history_destroy (&lab->history);
    zsock_destroy (&lab->proxy);
}

//  Invoke one op and receive it at the proxy: remember dest and msg_id.
static void
s_invoke (s_lab_t *lab)
{
    client_invoke (lab->client, 1000, lab->history);
    zpoller_t *poller = zpoller_new (lab->proxy, NULL);
    assert_non_null (zpoller_wait (poller, 5000));
    zpoller_destroy (&poller);
    zmsg_t *msg = zmsg_recv (lab->proxy);
    assert_non_null (msg);
    char *from = zmsg_popstr (msg);
    char *dest = zmsg_popstr (msg);
    char *text = zmsg_popstr (msg);
    assert_string_equal (from, "c1");
    snprintf (lab->dest, sizeof lab->dest, "%s", dest);
    json_t *envelope = json_loads (text, 0, NULL);
    lab->msg_id = json_integer_value (json_object_get (json_object_get (envelope, "body"), "msg_id"));
    assert_true (lab->msg_id > 0);
    json_decref (envelope);
    zstr_free (&from);
    zstr_free (&dest);
    zstr_free (&text);
    zmsg_destroy (&msg);
}

//  The proxy delivers body (with in_reply_to the op's) from src; the
//  client receives it. Returns client_on_message's answer.
static bool
s_reply (s_lab_t *lab, const char *src, const char *type)
{
    json_t *envelope = json_pack ("{s:s, s:s, s:{s:s, s:I, s:i}}", "src", src, "dest", "c1",
                                  "body", "type", type, "in_reply_to", (json_int_t) lab->msg_id,
                                  "value", 1);
    char *text = json_dumps (envelope, JSON_COMPACT);
    json_decref (envelope);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "c1");
    zmsg_addstr (msg, src);
    zmsg_addstr (msg, text);
    free (text);
    assert_int_equal (zmsg_send (&msg, lab->proxy), 0);
    zpoller_t *poller = zpoller_new (lab->client->sock, NULL);
    assert_non_null (zpoller_wait (poller, 5000));
    zpoller_destroy (&poller);
    return client_on_message (lab->client, 2000, lab->history);
}

//  The last line of DIR/sub/history.jsonl (new reference).
static json_t *
s_last_line (const char *sub)
{
    char path [160], line [4096], last [4096] = "";
    snprintf (path, sizeof path, "%s/%s/history.jsonl", tap_dir, sub);
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    while (fgets (line, sizeof line, file))
        snprintf (last, sizeof last, "%s", line);
    fclose (file);
    json_t *value = json_loads (last, 0, NULL);
    assert_non_null (value);
    return value;
}

static void
test_reply_from_another_node_is_ignored (void **state)
{
    (void) state;
    s_lab_t lab = { 0 };
    s_lab_start (&lab, "cross");
    s_invoke (&lab);
    char other [16];
    snprintf (other, sizeof other, "n%d", streq (lab.dest, "n3")? 1: 3);
    lin_kv_f_t f = lab.client->op.f;
    const char *ok = f == LIN_KV_READ? "read_ok": f == LIN_KV_WRITE? "write_ok": "cas_ok";
    assert_false (s_reply (&lab, other, ok));
    assert_true (lab.client->busy);
    assert_int_equal (lab.client->ignored, 1);
    assert_true (s_reply (&lab, lab.dest, ok));
    assert_false (lab.client->busy);
    s_lab_stop (&lab);
}

static void
test_unexpected_type_is_info_with_text (void **state)
{
    (void) state;
    s_lab_t lab = { 0 };
    s_lab_start (&lab, "type");
    s_invoke (&lab);
    assert_true (s_reply (&lab, lab.dest, "surprise_ok"));
    s_lab_stop (&lab);
    json_t *line = s_last_line ("type");
    assert_string_equal (json_string_value (json_object_get (line, "type")), "info");
    const char *error = json_string_value (json_object_get (line, "error"));
    assert_non_null (error);
    assert_string_equal (error, "unexpected reply type 'surprise_ok'");
    json_decref (line);
}

int
main (void)
{
    zsys_init ();
    zsys_set_logstream (stderr);
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_reply_from_another_node_is_ignored),
        cmocka_unit_test (test_unexpected_type_is_info_with_text),
    };
    return cmocka_run_group_tests_name ("lab_client", tests, tap_dir_make, tap_dir_remove);
}
