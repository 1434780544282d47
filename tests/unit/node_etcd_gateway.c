/*  node_etcd_gateway.c -- the etcd shim's pure half: base64 both ways,
    request bodies for read (linearizable and serializable), write and cas,
    and what each reply means (ok, 20, 22, 11, 0), with replies captured
    from etcd 3.4's gateway; replica_read's state, role and health.
*/
#include "tap.h"
#include <string.h>
#include "limits.h"
#include "../../nodes/lib/node.h"
#include "../../nodes/etcd/gateway.h"

static void
test_base64 (void **state)
{
    (void) state;
    const char *plain [] = { "", "f", "fl", "fl/", "fl/1", "fl/12", "5" };
    const char *coded [] = { "", "Zg==", "Zmw=", "Zmwv", "ZmwvMQ==", "ZmwvMTI=", "NQ==" };
    for (size_t index = 0; index < sizeof plain / sizeof plain [0]; index++) {
        char *text = gateway_base64_encode (plain [index], strlen (plain [index]));
        assert_string_equal (text, coded [index]);
        free (text);
        size_t len = 99;
        char *data = gateway_base64_decode (coded [index], &len);
        assert_non_null (data);
        assert_int_equal (len, strlen (plain [index]));
        assert_memory_equal (data, plain [index], len);
        free (data);
    }
    size_t len;
    assert_null (gateway_base64_decode ("Zg=", &len));
    assert_null (gateway_base64_decode ("Z!==", &len));
    assert_null (gateway_base64_decode ("Zg==Zg==", &len));      //  padding inside
}

static json_t *
s_body (const char *text)
{
    json_t *body = json_loads (text, 0, NULL);
    assert_non_null (body);
    return body;
}

static void
test_requests (void **state)
{
    (void) state;
    const char *path = NULL, *error = NULL;
    json_t *body = s_body ("{\"type\":\"read\",\"key\":1}");
    char *text = gateway_request (body, false, &path, &error);
    assert_string_equal (path, "/v3/kv/range");
    assert_string_equal (text, "{\"key\":\"ZmwvMQ==\",\"serializable\":false}");
    free (text);
    text = gateway_request (body, true, &path, &error);
    assert_string_equal (text, "{\"key\":\"ZmwvMQ==\",\"serializable\":true}");
    free (text);
    json_decref (body);
    body = s_body ("{\"type\":\"write\",\"key\":2,\"value\":5}");
    text = gateway_request (body, false, &path, &error);
    assert_string_equal (path, "/v3/kv/put");
    assert_string_equal (text, "{\"key\":\"ZmwvMg==\",\"value\":\"NQ==\"}");
    free (text);
    json_decref (body);
    body = s_body ("{\"type\":\"cas\",\"key\":1,\"from\":5,\"to\":6}");
    text = gateway_request (body, false, &path, &error);
    assert_string_equal (path, "/v3/kv/txn");
    assert_non_null (strstr (text, "\"compare\":[{\"key\":\"ZmwvMQ==\",\"target\":\"VALUE\","
                             "\"result\":\"EQUAL\",\"value\":\"NQ==\"}]"));
    assert_non_null (strstr (text, "\"requestPut\":{\"key\":\"ZmwvMQ==\",\"value\":\"Ng==\"}"));
    assert_non_null (strstr (text, "\"failure\":[{\"requestRange\":{\"key\":\"ZmwvMQ==\"}}]"));
    free (text);
    json_decref (body);
    const char *bad [] = { "{\"type\":\"read\",\"key\":\"a\"}", "{\"type\":\"read\"}",
                           "{\"type\":\"write\",\"key\":1}", "{\"type\":\"cas\",\"key\":1,\"to\":2}",
                           "{\"type\":\"write\",\"key\":1,\"value\":[1]}" };
    for (size_t index = 0; index < sizeof bad / sizeof bad [0]; index++) {
        body = s_body (bad [index]);
        error = NULL;
        assert_null (gateway_request (body, false, &path, &error));
        assert_non_null (error);
        json_decref (body);
    }
    text = gateway_prefix_request ();
    assert_string_equal (text, "{\"key\":\"Zmwv\",\"range_end\":\"Zmww\",\"serializable\":true}");
    free (text);
}

//  Replies as etcd 3.4.23 gave them (header trimmed).
#define S_HEADER "\"header\":{\"member_id\":\"56\",\"revision\":\"3\",\"raft_term\":\"2\"}"
#define S_KV "{\"key\":\"ZmwvMQ==\",\"create_revision\":\"2\",\"mod_revision\":\"2\"," \
             "\"version\":\"1\",\"value\":\"NQ==\"}"

static int
s_code (json_t *reply)
{
    assert_string_equal (json_string_value (json_object_get (reply, "type")), "error");
    return (int) json_integer_value (json_object_get (reply, "code"));
}

static void
test_replies (void **state)
{
    (void) state;
    json_t *reply = gateway_reply ("read", GATEWAY_ANSWERED, 200,
                                   "{" S_HEADER ",\"kvs\":[" S_KV "],\"count\":\"1\"}");
    assert_string_equal (json_string_value (json_object_get (reply, "type")), "read_ok");
    assert_int_equal (json_integer_value (json_object_get (reply, "value")), 5);
    json_decref (reply);
    reply = gateway_reply ("read", GATEWAY_ANSWERED, 200, "{" S_HEADER "}");
    assert_int_equal (s_code (reply), NODE_ERR_KEY_DOES_NOT_EXIST);
    json_decref (reply);
    reply = gateway_reply ("write", GATEWAY_ANSWERED, 200, "{" S_HEADER "}");
    assert_string_equal (json_string_value (json_object_get (reply, "type")), "write_ok");
    json_decref (reply);
    reply = gateway_reply ("cas", GATEWAY_ANSWERED, 200, "{" S_HEADER ",\"succeeded\":true,"
                           "\"responses\":[{\"response_put\":{\"header\":{\"revision\":\"3\"}}}]}");
    assert_string_equal (json_string_value (json_object_get (reply, "type")), "cas_ok");
    json_decref (reply);
    reply = gateway_reply ("cas", GATEWAY_ANSWERED, 200, "{" S_HEADER ",\"responses\":"
                           "[{\"response_range\":{\"header\":{},\"kvs\":[" S_KV "],\"count\":\"1\"}}]}");
    assert_int_equal (s_code (reply), NODE_ERR_PRECONDITION_FAILED);
    json_decref (reply);
    reply = gateway_reply ("cas", GATEWAY_ANSWERED, 200, "{" S_HEADER ",\"responses\":"
                           "[{\"response_range\":{\"header\":{\"revision\":\"3\"}}}]}");
    assert_int_equal (s_code (reply), NODE_ERR_KEY_DOES_NOT_EXIST);
    json_decref (reply);
    //  The transport: nothing sent is definite, a lost request is not.
    const char *types [] = { "read", "write", "cas" };
    for (int index = 0; index < 3; index++) {
        reply = gateway_reply (types [index], GATEWAY_UNSENT, 0, NULL);
        assert_int_equal (s_code (reply), NODE_ERR_TEMPORARILY_UNAVAILABLE);
        json_decref (reply);
        reply = gateway_reply (types [index], GATEWAY_LOST, 0, NULL);
        assert_int_equal (s_code (reply), NODE_ERR_TIMEOUT);
        json_decref (reply);
        reply = gateway_reply (types [index], GATEWAY_ANSWERED, 503,
                               "{\"error\":\"etcdserver: request timed out\",\"code\":14}");
        assert_int_equal (s_code (reply), NODE_ERR_TIMEOUT);
        json_decref (reply);
        reply = gateway_reply (types [index], GATEWAY_ANSWERED, 200, "not json");
        assert_int_equal (s_code (reply), NODE_ERR_TIMEOUT);
        json_decref (reply);
    }
    reply = gateway_reply ("read", GATEWAY_ANSWERED, 200, "{" S_HEADER ",\"kvs\":[{\"value\":\"!\"}]}");
    assert_int_equal (s_code (reply), NODE_ERR_TIMEOUT);
    json_decref (reply);
}

static void
test_state_role_health (void **state)
{
    (void) state;
    //  fl/2 = 7 and fl/1 = 5, out of order, and a key that is not ours.
    json_t *replicas = gateway_state ("{" S_HEADER ",\"kvs\":["
        "{\"key\":\"ZmwvMg==\",\"value\":\"Nw==\"}," S_KV ","
        "{\"key\":\"Zmwv\",\"value\":\"Nw==\"}],\"count\":\"3\"}");
    assert_non_null (replicas);
    char *text = json_dumps (replicas, JSON_COMPACT);
    assert_string_equal (text, "[[1,5],[2,7]]");
    free (text);
    json_decref (replicas);
    replicas = gateway_state ("{" S_HEADER "}");
    assert_int_equal (json_array_size (replicas), 0);
    json_decref (replicas);
    assert_null (gateway_state ("{\"error\":\"x\"}"));
    assert_null (gateway_state (NULL));
    long long term = 0;
    const char *status = "{\"header\":{\"member_id\":\"56\",\"raft_term\":\"2\"},"
                         "\"leader\":\"57\",\"raftTerm\":\"4\"}";
    assert_string_equal (gateway_role (status, &term), "follower");
    assert_int_equal (term, 4);
    status = "{\"header\":{\"member_id\":\"57\"},\"leader\":\"57\",\"raftTerm\":\"9\"}";
    assert_string_equal (gateway_role (status, &term), "leader");
    assert_int_equal (term, 9);
    assert_null (gateway_role ("{}", &term));
    assert_true (gateway_healthy ("{\"health\":\"true\"}"));
    assert_false (gateway_healthy ("{\"health\":\"false\"}"));
    assert_false (gateway_healthy ("garbage"));
    assert_false (gateway_healthy (NULL));
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_base64),
        cmocka_unit_test (test_requests),
        cmocka_unit_test (test_replies),
        cmocka_unit_test (test_state_role_health),
    };
    return cmocka_run_group_tests_name ("node_etcd_gateway", tests, NULL, NULL);
}
