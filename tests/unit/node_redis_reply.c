/*  node_redis_reply.c -- the Redis shim's pure half: request words, what
    GET/SET/the cas script's replies mean (ok, 20, 22, 11, 0), WAIT short of
    replicas, the Sentinel's primary, INFO's role, replica_read's state
    with each key's applied list (the data keys picked out of KEYS fl:*).
*/
#include "tap.h"
#include <string.h>
#include "limits.h"
#include "../../nodes/lib/node.h"
#include "../../nodes/redis/reply.h"

static redisReply
s_string (int type, const char *text)
{
    redisReply reply = { .type = type, .str = (char *) text, .len = text? strlen (text): 0 };
    return reply;
}

static int
s_code (json_t *reply)
{
    assert_string_equal (json_string_value (json_object_get (reply, "type")), "error");
    int code = (int) json_integer_value (json_object_get (reply, "code"));
    json_decref (reply);
    return code;
}

static const char *
s_type (json_t *reply)
{
    static char type [32];
    snprintf (type, sizeof type, "%s", json_string_value (json_object_get (reply, "type")));
    json_decref (reply);
    return type;
}

static json_t *
reply_result_kv (const char *type, reply_transport_t transport, const redisReply *reply,
                 int wanted, long long acked)
{
    return reply_result (type, false, transport, reply, wanted, acked);
}

static void
test_words (void **state)
{
    (void) state;
    reply_words_t words;
    const char *error;
    json_t *body = json_loads ("{\"type\":\"cas\",\"key\":3,\"from\":-1,\"to\":12}", 0, NULL);
    assert_true (reply_words (body, &words, &error));
    assert_string_equal (words.key, "fl:3");
    assert_string_equal (words.from, "-1");
    assert_string_equal (words.to, "12");
    assert_string_equal (words.applied, "fl:3:applied");
    assert_string_equal (words.trimmed, "fl:3:trimmed");
    json_decref (body);
    body = json_loads ("{\"type\":\"add\",\"element\":7}", 0, NULL);
    assert_true (reply_words (body, &words, &error));
    assert_true (words.set);
    assert_string_equal (words.key, "fl:set");
    assert_string_equal (words.value, "7");
    json_decref (body);
    body = json_loads ("{\"type\":\"read\"}", 0, NULL);
    assert_true (reply_words (body, &words, &error));
    assert_true (words.set);
    json_decref (body);
    const char *bad [] = { "{\"type\":\"read\",\"key\":\"x\"}", "{\"type\":\"add\"}", "{\"type\":\"write\",\"key\":1}",
                           "{\"type\":\"cas\",\"key\":1,\"from\":1}", "{\"key\":1}" };
    for (size_t index = 0; index < sizeof bad / sizeof bad [0]; index++) {
        body = json_loads (bad [index], 0, NULL);
        assert_false (reply_words (body, &words, &error));
        assert_non_null (error);
        json_decref (body);
    }
}

static void
test_results (void **state)
{
    (void) state;
    redisReply value = s_string (REDIS_REPLY_STRING, "42");
    json_t *reply = reply_result_kv ("read", REPLY_ANSWERED, &value, 0, 0);
    assert_int_equal (json_integer_value (json_object_get (reply, "value")), 42);
    json_decref (reply);
    reply = reply_result_kv ("read", REPLY_ANSWERED, &value, 0, 0);
    assert_int_equal (json_integer_value (json_object_get (reply, "value")), 42);
    assert_string_equal (s_type (reply), "read_ok");
    redisReply nil = { .type = REDIS_REPLY_NIL };
    assert_int_equal (s_code (reply_result_kv ("read", REPLY_ANSWERED, &nil, 0, 0)),
                      NODE_ERR_KEY_DOES_NOT_EXIST);
    redisReply junk = s_string (REDIS_REPLY_STRING, "4x");
    assert_int_equal (s_code (reply_result_kv ("read", REPLY_ANSWERED, &junk, 0, 0)), NODE_ERR_TIMEOUT);
    redisReply ok = s_string (REDIS_REPLY_STATUS, "OK");
    assert_string_equal (s_type (reply_result_kv ("write", REPLY_ANSWERED, &ok, 0, 0)), "write_ok");
    assert_string_equal (s_type (reply_result_kv ("write", REPLY_ANSWERED, &ok, 2, 2)), "write_ok");
    assert_int_equal (s_code (reply_result_kv ("write", REPLY_ANSWERED, &ok, 2, 1)), NODE_ERR_TIMEOUT);
    long long codes [] = { 0, 1, 2, 7 };
    int expect [] = { -1, NODE_ERR_PRECONDITION_FAILED, NODE_ERR_KEY_DOES_NOT_EXIST, NODE_ERR_TIMEOUT };
    for (int index = 0; index < 4; index++) {
        redisReply code = { .type = REDIS_REPLY_INTEGER, .integer = codes [index] };
        reply = reply_result_kv ("cas", REPLY_ANSWERED, &code, 0, 0);
        if (expect [index] < 0)
            assert_string_equal (s_type (reply), "cas_ok");
        else
            assert_int_equal (s_code (reply), expect [index]);
    }
    //  --param wait=N holds a cas that matched to N replicas as a write;
    //  one that did not match changed nothing and is said so however many
    redisReply matched = { .type = REDIS_REPLY_INTEGER, .integer = 0 };
    redisReply differs = { .type = REDIS_REPLY_INTEGER, .integer = 1 };
    assert_string_equal (s_type (reply_result_kv ("cas", REPLY_ANSWERED, &matched, 2, 2)), "cas_ok");
    assert_int_equal (s_code (reply_result_kv ("cas", REPLY_ANSWERED, &matched, 2, 1)), NODE_ERR_TIMEOUT);
    assert_int_equal (s_code (reply_result_kv ("cas", REPLY_ANSWERED, &differs, 2, 0)),
                      NODE_ERR_PRECONDITION_FAILED);
    const char *types [] = { "read", "write", "cas" };
    redisReply readonly = s_string (REDIS_REPLY_ERROR, "READONLY You can't write against a read only replica.");
    redisReply masterdown = s_string (REDIS_REPLY_ERROR, "MASTERDOWN Link with MASTER is down");
    redisReply oom = s_string (REDIS_REPLY_ERROR, "OOM command not allowed");
    for (int index = 0; index < 3; index++) {
        assert_int_equal (s_code (reply_result_kv (types [index], REPLY_UNSENT, NULL, 0, 0)),
                          NODE_ERR_TEMPORARILY_UNAVAILABLE);
        assert_int_equal (s_code (reply_result_kv (types [index], REPLY_LOST, NULL, 0, 0)),
                          NODE_ERR_TIMEOUT);
        assert_int_equal (s_code (reply_result_kv (types [index], REPLY_ANSWERED, &readonly, 0, 0)),
                          NODE_ERR_TEMPORARILY_UNAVAILABLE);
        assert_int_equal (s_code (reply_result_kv (types [index], REPLY_ANSWERED, &masterdown, 0, 0)),
                          NODE_ERR_TEMPORARILY_UNAVAILABLE);
        assert_int_equal (s_code (reply_result_kv (types [index], REPLY_ANSWERED, &oom, 0, 0)),
                          NODE_ERR_TIMEOUT);
    }
    assert_non_null (strstr (REPLY_CAS_SCRIPT, "return 2"));
    redisReply one = { .type = REDIS_REPLY_INTEGER, .integer = 1 };
    assert_string_equal (s_type (reply_result ("add", true, REPLY_ANSWERED, &one, 0, 0)), "add_ok");
    assert_int_equal (s_code (reply_result ("add", true, REPLY_LOST, NULL, 0, 0)), NODE_ERR_TIMEOUT);
    assert_int_equal (s_code (reply_result ("add", true, REPLY_ANSWERED, &one, 1, 0)), NODE_ERR_TIMEOUT);
    redisReply e2 = s_string (REDIS_REPLY_STRING, "2"), e1 = s_string (REDIS_REPLY_STRING, "1");
    redisReply *elements [] = { &e2, &e1 };
    redisReply members = { .type = REDIS_REPLY_ARRAY, .elements = 2, .element = elements };
    reply = reply_result ("read", true, REPLY_ANSWERED, &members, 0, 0);
    char *text = json_dumps (json_object_get (reply, "value"), JSON_COMPACT);
    assert_string_equal (text, "[1,2]");
    free (text);
    assert_string_equal (s_type (reply), "read_ok");
}

static void
test_master_role (void **state)
{
    (void) state;
    redisReply host = s_string (REDIS_REPLY_STRING, "10.91.0.3");
    redisReply port = s_string (REDIS_REPLY_STRING, "6379");
    redisReply *pair [] = { &host, &port };
    redisReply master = { .type = REDIS_REPLY_ARRAY, .elements = 2, .element = pair };
    char text [64];
    int number = 0;
    assert_true (reply_master (&master, text, sizeof text, &number));
    assert_string_equal (text, "10.91.0.3");
    assert_int_equal (number, 6379);
    assert_false (reply_master (&master, text, 4, &number));       //  no room
    redisReply nil = { .type = REDIS_REPLY_NIL };
    assert_false (reply_master (&nil, text, sizeof text, &number));
    assert_false (reply_master (NULL, text, sizeof text, &number));
    redisReply bad_port = s_string (REDIS_REPLY_STRING, "70000");
    pair [1] = &bad_port;
    assert_false (reply_master (&master, text, sizeof text, &number));
    assert_string_equal (reply_role ("# Replication\r\nrole:master\r\nconnected_slaves:2\r\n"), "primary");
    assert_string_equal (reply_role ("# Replication\r\nrole:slave\r\nmaster_host:10.91.0.1\r\n"), "replica");
    assert_null (reply_role ("# Replication\r\n"));
    assert_null (reply_role (NULL));
    redisReply name = s_string (REDIS_REPLY_STRING, "name"), fl = s_string (REDIS_REPLY_STRING, "fl");
    redisReply field = s_string (REDIS_REPLY_STRING, "config-epoch"), three = s_string (REDIS_REPLY_STRING, "3");
    redisReply *fields [] = { &name, &fl, &field, &three };
    redisReply sentinel = { .type = REDIS_REPLY_ARRAY, .elements = 4, .element = fields };
    assert_int_equal (reply_config_epoch (&sentinel), 3);
    sentinel.elements = 2;
    assert_int_equal (reply_config_epoch (&sentinel), -1);
    assert_int_equal (reply_config_epoch (NULL), -1);
}

static void
test_state (void **state)
{
    (void) state;
    redisReply k2 = s_string (REDIS_REPLY_STRING, "fl:2"), k1 = s_string (REDIS_REPLY_STRING, "fl:1");
    redisReply other = s_string (REDIS_REPLY_STRING, "other"), k3 = s_string (REDIS_REPLY_STRING, "fl:3");
    redisReply v7 = s_string (REDIS_REPLY_STRING, "7"), v5 = s_string (REDIS_REPLY_STRING, "5");
    redisReply gone = { .type = REDIS_REPLY_NIL };
    redisReply *key_list [] = { &k2, &k1, &other, &k3 };
    redisReply *value_list [] = { &v7, &v5, &v5, &gone };
    redisReply keys = { .type = REDIS_REPLY_ARRAY, .elements = 4, .element = key_list };
    redisReply values = { .type = REDIS_REPLY_ARRAY, .elements = 4, .element = value_list };
    json_t *replicas = reply_state (&keys, &values, NULL);
    char *text = json_dumps (replicas, JSON_COMPACT);
    assert_string_equal (text, "[[1,5],[2,7]]");
    free (text);
    json_decref (replicas);
    values.elements = 3;
    assert_null (reply_state (&keys, &values, NULL));
    assert_null (reply_state (NULL, &values, NULL));
    //  The g-set's members, sorted, after the keys.
    values.elements = 4;
    redisReply e9 = s_string (REDIS_REPLY_STRING, "9"), e3 = s_string (REDIS_REPLY_STRING, "3");
    redisReply *member_list [] = { &e9, &e3 };
    redisReply members = { .type = REDIS_REPLY_ARRAY, .elements = 2, .element = member_list };
    replicas = reply_state (&keys, &values, &members);
    text = json_dumps (replicas, JSON_COMPACT);
    assert_string_equal (text, "[[1,5],[2,7],[null,[3,9]]]");
    free (text);
    json_decref (replicas);
}

//  KEYS fl:* holds the lists and counts beside the data: only fl:K and
//  fl:set are data. A key's list is appended to its pair, with the
//  trimmed count when there is one; an empty or unreadable list is none.
static void
test_applied (void **state)
{
    (void) state;
    redisReply k1 = s_string (REDIS_REPLY_STRING, "fl:1"),
               a1 = s_string (REDIS_REPLY_STRING, "fl:1:applied"),
               t1 = s_string (REDIS_REPLY_STRING, "fl:1:trimmed"),
               set = s_string (REDIS_REPLY_STRING, "fl:set"),
               k2 = s_string (REDIS_REPLY_STRING, "fl:2");
    redisReply *key_list [] = { &a1, &k1, &t1, &set, &k2 };
    redisReply keys = { .type = REDIS_REPLY_ARRAY, .elements = 5, .element = key_list };
    redisReply *picked [4];
    assert_int_equal (reply_data_keys (&keys, picked, 4), 3);
    assert_ptr_equal (picked [0], &k1);
    assert_ptr_equal (picked [1], &set);
    assert_ptr_equal (picked [2], &k2);
    assert_int_equal (reply_data_keys (&keys, picked, 1), 3);
    assert_int_equal (reply_data_keys (NULL, picked, 4), 0);
    redisReply v3 = s_string (REDIS_REPLY_STRING, "3"), v5 = s_string (REDIS_REPLY_STRING, "5"),
               two = s_string (REDIS_REPLY_STRING, "2"), nil = { .type = REDIS_REPLY_NIL },
               junk = s_string (REDIS_REPLY_STRING, "x");
    redisReply *items [] = { &v3, &v5 };
    redisReply list = { .type = REDIS_REPLY_ARRAY, .elements = 2, .element = items };
    json_t *pair = json_pack ("[i, i]", 1, 5);
    assert_true (reply_applied (pair, &list, &nil));
    char *text = json_dumps (pair, JSON_COMPACT);
    assert_string_equal (text, "[1,5,[3,5]]");
    free (text);
    json_decref (pair);
    pair = json_pack ("[i, i]", 1, 5);
    assert_true (reply_applied (pair, &list, &two));
    text = json_dumps (pair, JSON_COMPACT);
    assert_string_equal (text, "[1,5,[3,5],2]");
    free (text);
    json_decref (pair);
    pair = json_pack ("[i, i]", 1, 5);
    redisReply empty = { .type = REDIS_REPLY_ARRAY, .elements = 0 };
    assert_false (reply_applied (pair, &empty, &nil));
    items [1] = &junk;
    assert_false (reply_applied (pair, &list, &nil));
    assert_false (reply_applied (pair, NULL, NULL));
    assert_int_equal (json_array_size (pair), 2);
    json_decref (pair);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_words),
        cmocka_unit_test (test_results),
        cmocka_unit_test (test_master_role),
        cmocka_unit_test (test_state),
        cmocka_unit_test (test_applied),
    };
    return cmocka_run_group_tests_name ("node_redis_reply", tests, NULL, NULL);
}
