/*  checker_models.c -- small hand-made histories for every model and every
    reader, each with its picture; the meaning of fail and info per source;
    the error (file:line: problem) of every kind of malformed input; an
    injected bug in a large linearizable history; the time and memory
    budgets; the explanation and the HTML page.

    Pictures read left to right in real time; |--op--| is an op from invoke
    to completion, |--op--> never completed (info or no answer).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"
#include "rng.h"
#include "../../checker/check.h"
#include "../../checker/edn.h"

#define ERROR_NONE -1

typedef struct {
    char dir [64];
    int files;
} fixture_t;

static fixture_t s_fx;
static char *s_last_error;

//  Write text to a file named NAME in the test directory and check it.
//  Returns the verdict, or ERROR_NONE - 1 (= -2) with s_last_error set.
static int
s_check_as (const char *name, const char *text, const char *model, const char *init)
{
    char path [160];
    snprintf (path, sizeof (path), "%s/%s", s_fx.dir, name);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
    check_opts_t opts = { .model = model, .init = init, .threads = 1 };
    free (s_last_error);
    s_last_error = NULL;
    check_result_t *result = check_file (path, &opts, &s_last_error);
    if (!result)
        return -2;
    int verdict = check_result_verdict (result);
    check_result_destroy (&result);
    return verdict;
}

static int
s_jsonl (const char *text, const char *model, const char *init)
{
    return s_check_as ("h.jsonl", text, model, init);
}

static int
s_edn (const char *text, const char *model, const char *init)
{
    return s_check_as ("h.edn", text, model, init);
}

static int
s_log (const char *text, const char *model, const char *init)
{
    return s_check_as ("h.log", text, model, init);
}

#define J(p, type, f, value) "{\"process\":" #p ",\"type\":\"" type "\",\"f\":\"" f "\",\"value\":" value "}\n"
#define JK(p, type, f, key, value) "{\"process\":" #p ",\"type\":\"" type "\",\"f\":\"" f "\",\"key\":\"" key "\",\"value\":" value "}\n"

//  --------------------------------------------------------------------------
//  register

static void
test_register (void **state)
{
    (void) state;
    //  p0 |--write 1--|
    //  p1      |--read 1--|                     valid
    assert_int_equal (s_jsonl (J (0, "invoke", "write", "1") J (1, "invoke", "read", "null")
                               J (0, "ok", "write", "1") J (1, "ok", "read", "1"),
                               "register", NULL), CHECK_VALID);
    //  p0 |--write 1--|
    //  p1               |--read nil--|          invalid: stale read
    assert_int_equal (s_jsonl (J (0, "invoke", "write", "1") J (0, "ok", "write", "1")
                               J (1, "invoke", "read", "null") J (1, "ok", "read", "null"),
                               "register", NULL), CHECK_INVALID);
    //  p0 |--write 1-->   (info: may happen any time after, or never)
    //  p1               |--read nil--|
    //  p2                              |--read 1--|     valid
    const char *info = J (0, "invoke", "write", "1") J (0, "info", "write", "1")
                       J (1, "invoke", "read", "null") J (1, "ok", "read", "null")
                       J (2, "invoke", "read", "null") J (2, "ok", "read", "1");
    assert_int_equal (s_jsonl (info, "register", NULL), CHECK_VALID);
    //  ... then p3 |--read nil--|: the write cannot be undone: invalid
    char more [1024];
    snprintf (more, sizeof (more), "%s%s", info,
              J (3, "invoke", "read", "null") J (3, "ok", "read", "null"));
    assert_int_equal (s_jsonl (more, "register", NULL), CHECK_INVALID);
    //  p0 |--write 1-->   never answered, never happened: p1 reads the init
    //  p1                    |--read 0--|      valid with --init 0
    assert_int_equal (s_jsonl (J (0, "invoke", "write", "1") J (1, "invoke", "read", "null")
                               J (1, "ok", "read", "0"), "register", "0"), CHECK_VALID);
    //  p0 |--write 1--| fail (did not happen)
    //  p1               |--read 1--|           invalid
    assert_int_equal (s_jsonl (J (0, "invoke", "write", "1") J (0, "fail", "write", "1")
                               J (1, "invoke", "read", "null") J (1, "ok", "read", "1"),
                               "register", NULL), CHECK_INVALID);
}

//  --------------------------------------------------------------------------
//  cas-register, and what fail means per source

static void
test_cas_register (void **state)
{
    (void) state;
    //  p0 |--write 1--|
    //  p1               |--cas 1->2--|
    //  p2                              |--read 2--|    valid
    assert_int_equal (s_jsonl (J (0, "invoke", "write", "1") J (0, "ok", "write", "1")
                               J (1, "invoke", "cas", "[1,2]") J (1, "ok", "cas", "[1,2]")
                               J (2, "invoke", "read", "null") J (2, "ok", "read", "2"),
                               "cas-register", NULL), CHECK_VALID);
    //  p0 |--write 1--|
    //  p1               |--cas 1->2 fail, error 22--|  ran and saw not-1: invalid
    const char *ran = J (0, "invoke", "write", "1") J (0, "ok", "write", "1")
                      J (1, "invoke", "cas", "[1,2]")
                      "{\"process\":1,\"type\":\"fail\",\"f\":\"cas\",\"value\":[1,2],\"error\":22}\n";
    assert_int_equal (s_jsonl (ran, "cas-register", NULL), CHECK_INVALID);
    const char *body = J (0, "invoke", "write", "1") J (0, "ok", "write", "1")
                       J (1, "invoke", "cas", "[1,2]")
                       "{\"process\":1,\"type\":\"fail\",\"f\":\"cas\",\"value\":[1,2],"
                       "\"error\":{\"code\":22,\"text\":\"precondition failed\"}}\n";
    assert_int_equal (s_jsonl (body, "cas-register", NULL), CHECK_INVALID);
    //  the same cas failing with another error did not happen: valid
    const char *other = J (0, "invoke", "write", "1") J (0, "ok", "write", "1")
                        J (1, "invoke", "cas", "[1,2]")
                        "{\"process\":1,\"type\":\"fail\",\"f\":\"cas\",\"value\":[1,2],\"error\":11}\n";
    assert_int_equal (s_jsonl (other, "cas-register", NULL), CHECK_VALID);
    //  Jepsen log: `:fail :cas` ran and saw another value: invalid here
    const char *log = "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
                      "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
                      "INFO  jepsen.util - 1\t:invoke\t:cas\t[1 2]\n"
                      "INFO  jepsen.util - 1\t:fail\t:cas\t[1 2]\n";
    assert_int_equal (s_log (log, "cas-register", NULL), CHECK_INVALID);
    //  EDN (Knossos): fail did not happen: valid
    const char *edn = "[{:process 0, :type :invoke, :f :write, :value 1}\n"
                      " {:process 0, :type :ok, :f :write, :value 1}\n"
                      " {:process 1, :type :invoke, :f :cas, :value [1 2]}\n"
                      " {:process 1, :type :fail, :f :cas, :value [1 2]}]\n";
    assert_int_equal (s_edn (edn, "cas-register", NULL), CHECK_VALID);
    //  Jepsen log: `:fail :read :timed-out` returned an unknown value
    const char *timed = "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
                        "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
                        "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n"
                        "INFO  jepsen.util - 1\t:fail\t:read\t:timed-out\n"
                        "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n"
                        "INFO  jepsen.util - 1\t:ok\t:read\t1\n";
    assert_int_equal (s_log (timed, "cas-register", NULL), CHECK_VALID);
    //  Jepsen log: a read of nil means "no value": invalid after a write
    const char *nil = "INFO  jepsen.util - 0 :invoke :write 1\n"
                      "INFO  jepsen.util - 0 :ok :write 1\n"
                      "INFO  jepsen.util - 1 :invoke :read nil\n"
                      "INFO  jepsen.util - 1 :ok :read nil\n";
    assert_int_equal (s_log (nil, "cas-register", NULL), CHECK_INVALID);
    //  EDN (Knossos): an ok read of nil is unknown: valid
    const char *knil = "{:process 0, :type :invoke, :f :write, :value 1}\n"
                       "{:process 0, :type :ok, :f :write, :value 1}\n"
                       "{:process 1, :type :invoke, :f :read, :value nil}\n"
                       "{:process 1, :type :ok, :f :read, :value nil}\n";
    assert_int_equal (s_edn (knil, "cas-register", "0"), CHECK_VALID);
    //  p0 |--cas 0->1-->  (info)     p1 |--read 1--|  valid: it happened
    assert_int_equal (s_jsonl (J (0, "invoke", "cas", "[0,1]") J (0, "info", "cas", "[0,1]")
                               J (1, "invoke", "read", "null") J (1, "ok", "read", "1"),
                               "cas-register", "0"), CHECK_VALID);
}

//  --------------------------------------------------------------------------
//  kv: a register per key, append, [k v] values

static void
test_kv (void **state)
{
    (void) state;
    //  p0 |--append k "a"--|
    //  p1                    |--append k "b"--|
    //  p2                                       |--read k "ab"--|  valid
    const char *ab = JK (0, "invoke", "append", "k", "\"a\"") JK (0, "ok", "append", "k", "\"a\"")
                     JK (1, "invoke", "append", "k", "\"b\"") JK (1, "ok", "append", "k", "\"b\"")
                     JK (2, "invoke", "read", "k", "null") JK (2, "ok", "read", "k", "\"ab\"");
    assert_int_equal (s_jsonl (ab, "kv", "\"\""), CHECK_VALID);
    const char *ba = JK (0, "invoke", "append", "k", "\"a\"") JK (0, "ok", "append", "k", "\"a\"")
                     JK (1, "invoke", "append", "k", "\"b\"") JK (1, "ok", "append", "k", "\"b\"")
                     JK (2, "invoke", "read", "k", "null") JK (2, "ok", "read", "k", "\"ba\"");
    assert_int_equal (s_jsonl (ba, "kv", "\"\""), CHECK_INVALID);
    //  Keys are independent:
    //  p0 |--write x 1--|
    //  p1                 |--read y nil--|  |--read x 1--|   valid
    assert_int_equal (s_jsonl (JK (0, "invoke", "write", "x", "1") JK (0, "ok", "write", "x", "1")
                               JK (1, "invoke", "read", "y", "null") JK (1, "ok", "read", "y", "null")
                               JK (1, "invoke", "read", "x", "null") JK (1, "ok", "read", "x", "1"),
                               "kv", NULL), CHECK_VALID);
    //  Escapes take the slow JSON path; both paths agree on the key
    assert_int_equal (s_jsonl ("{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"a\\\"b\",\"value\":1}\n"
                               "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"a\\\"b\",\"value\":1}\n"
                               JK (1, "invoke", "read", "a\\\"b", "null")
                               JK (1, "ok", "read", "a\\\"b", "1"), "kv", NULL), CHECK_VALID);
    //  Jepsen's independent [k v] values, get/put names:
    //  p0 |--put [1 "a"]--|  p1 |--get [1 "b"]--|   invalid
    const char *kv = "{:process 0, :type :invoke, :f :put, :value [1 \"a\"]}\n"
                     "{:process 0, :type :ok, :f :put, :value [1 \"a\"]}\n"
                     "{:process 1, :type :invoke, :f :get, :value [1 nil]}\n"
                     "{:process 1, :type :ok, :f :get, :value [1 \"b\"]}\n";
    assert_int_equal (s_edn (kv, "kv", "\"\""), CHECK_INVALID);
    //  kv cas per key, init from a map:  x starts at 5
    //  p0 |--cas x 5->6--|  p1 |--read x 6--|      valid
    assert_int_equal (s_jsonl (JK (0, "invoke", "cas", "x", "[5,6]") JK (0, "ok", "cas", "x", "[5,6]")
                               JK (1, "invoke", "read", "x", "null") JK (1, "ok", "read", "x", "6"),
                               "kv", "{\"x\": 5}"), CHECK_VALID);
}

//  --------------------------------------------------------------------------
//  multi-register, mutex, set, counter, queue

static void
test_multi_register (void **state)
{
    (void) state;
    //  p0 |--txn w x 1, w y 1--|
    //  p1                        |--txn r x 1, r y 0--|   invalid (torn read)
    const char *torn = "[{:process 0, :type :invoke, :f :txn, :value [[:write :x 1] [:write :y 1]]}\n"
                       " {:process 0, :type :ok, :f :txn, :value [[:write :x 1] [:write :y 1]]}\n"
                       " {:process 1, :type :invoke, :f :txn, :value [[:read :x nil] [:read :y nil]]}\n"
                       " {:process 1, :type :ok, :f :txn, :value [[:read :x 1] [:read :y 0]]}]";
    assert_int_equal (s_edn (torn, "multi-register", "{:x 0 :y 0}"), CHECK_INVALID);
    //  p0 |--txn w x 1, w y 1--------|
    //  p1       |--txn r x 0, r y 0--|     valid: before the write
    const char *before = "[{:process 0, :type :invoke, :f :txn, :value [[:write :x 1] [:write :y 1]]}\n"
                         " {:process 1, :type :invoke, :f :txn, :value [[:read :x nil] [:read :y nil]]}\n"
                         " {:process 1, :type :ok, :f :txn, :value [[:read :x 0] [:read :y 0]]}\n"
                         " {:process 0, :type :ok, :f :txn, :value [[:write :x 1] [:write :y 1]]}]";
    assert_int_equal (s_edn (before, "multi-register", "{:x 0 :y 0}"), CHECK_VALID);
}

static void
test_mutex (void **state)
{
    (void) state;
    //  p0 |--acquire--|
    //  p1               |--acquire--|       invalid: held twice
    const char *twice = "{:process 0, :type :invoke, :f :acquire}\n{:process 0, :type :ok, :f :acquire}\n"
                        "{:process 1, :type :invoke, :f :acquire}\n{:process 1, :type :ok, :f :acquire}\n";
    assert_int_equal (s_edn (twice, "mutex", NULL), CHECK_INVALID);
    //  p0 |--acquire--|     |--release--|
    //  p1       |--acquire---------------------|   valid
    const char *wait = "{:process 0, :type :invoke, :f :acquire}\n{:process 0, :type :ok, :f :acquire}\n"
                       "{:process 1, :type :invoke, :f :acquire}\n"
                       "{:process 0, :type :invoke, :f :release}\n{:process 0, :type :ok, :f :release}\n"
                       "{:process 1, :type :ok, :f :acquire}\n";
    assert_int_equal (s_edn (wait, "mutex", NULL), CHECK_VALID);
    //  p0 |--acquire-->  (info: may never happen)
    //  p1                |--acquire--|        valid
    const char *maybe = "{:process 0, :type :invoke, :f :acquire}\n{:process 0, :type :info, :f :acquire}\n"
                        "{:process 1, :type :invoke, :f :acquire}\n{:process 1, :type :ok, :f :acquire}\n";
    assert_int_equal (s_edn (maybe, "mutex", NULL), CHECK_VALID);
}

static void
test_set (void **state)
{
    (void) state;
    //  p0 |--add 1--|
    //  p1 |--add 2-----------|
    //  p2            |--read #{1}--|         valid (2 not yet)
    //  p3                              |--read #{2}--|   invalid: 1 lost
    const char *base = "{:process 0, :type :invoke, :f :add, :value 1}\n"
                       "{:process 1, :type :invoke, :f :add, :value 2}\n"
                       "{:process 0, :type :ok, :f :add, :value 1}\n"
                       "{:process 2, :type :invoke, :f :read, :value nil}\n"
                       "{:process 2, :type :ok, :f :read, :value #{1}}\n"
                       "{:process 1, :type :ok, :f :add, :value 2}\n";
    assert_int_equal (s_edn (base, "set", NULL), CHECK_VALID);
    char more [2048];
    snprintf (more, sizeof (more), "%s%s", base,
              "{:process 3, :type :invoke, :f :read, :value nil}\n"
              "{:process 3, :type :ok, :f :read, :value #{2}}\n");
    assert_int_equal (s_edn (more, "set", NULL), CHECK_INVALID);
    snprintf (more, sizeof (more), "%s%s", base,
              "{:process 3, :type :invoke, :f :read, :value nil}\n"
              "{:process 3, :type :ok, :f :read, :value [2 1]}\n");
    assert_int_equal (s_edn (more, "set", NULL), CHECK_VALID);
}

static void
test_counter (void **state)
{
    (void) state;
    //  p0 |--add 1--|
    //  p1 |--add 2--------|
    //  p2           |--read 1--|  |--read 3--|   valid; a read of 4 is not
    const char *ok = J (0, "invoke", "add", "1") J (1, "invoke", "add", "2") J (0, "ok", "add", "1")
                     J (2, "invoke", "read", "null") J (2, "ok", "read", "1") J (1, "ok", "add", "2")
                     J (2, "invoke", "read", "null") J (2, "ok", "read", "3");
    assert_int_equal (s_jsonl (ok, "counter", NULL), CHECK_VALID);
    const char *bad = J (0, "invoke", "add", "1") J (0, "ok", "add", "1")
                      J (2, "invoke", "read", "null") J (2, "ok", "read", "4");
    assert_int_equal (s_jsonl (bad, "counter", "0"), CHECK_INVALID);
}

static void
test_queue (void **state)
{
    (void) state;
    //  p0 |--enqueue 1--| |--enqueue 2--|
    //  p1                                  |--dequeue 1--| |--dequeue 2--|  valid
    const char *fifo = J (0, "invoke", "enqueue", "1") J (0, "ok", "enqueue", "1")
                       J (0, "invoke", "enqueue", "2") J (0, "ok", "enqueue", "2")
                       J (1, "invoke", "dequeue", "null") J (1, "ok", "dequeue", "1")
                       J (1, "invoke", "dequeue", "null") J (1, "ok", "dequeue", "2");
    assert_int_equal (s_jsonl (fifo, "queue", NULL), CHECK_VALID);
    //  ... dequeuing 2 first is not FIFO: invalid
    const char *lifo = J (0, "invoke", "enqueue", "1") J (0, "ok", "enqueue", "1")
                       J (0, "invoke", "enqueue", "2") J (0, "ok", "enqueue", "2")
                       J (1, "invoke", "dequeue", "null") J (1, "ok", "dequeue", "2");
    assert_int_equal (s_jsonl (lifo, "queue", NULL), CHECK_INVALID);
    //  dequeue of nil means empty: invalid after an enqueue
    const char *empty = J (0, "invoke", "enqueue", "1") J (0, "ok", "enqueue", "1")
                        J (1, "invoke", "dequeue", "null") J (1, "ok", "dequeue", "null");
    assert_int_equal (s_jsonl (empty, "queue", NULL), CHECK_INVALID);
}

//  --------------------------------------------------------------------------
//  Readers

static void
test_edn_reader (void **state)
{
    (void) state;
    json_t *v = edn_parse_text ("{:a [1 -2 3.5 \"s\\\"q\\n\" nil true false :kw #{4}] \"b\" (x) ;c\n :c {:d []}}");
    assert_non_null (v);
    char *text = json_dumps (v, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal (text, "{\"a\":[1,-2,3.5,\"s\\\"q\\n\",null,true,false,\"kw\",[4]],"
                               "\"b\":[\"x\"],\"c\":{\"d\":[]}}");
    free (text);
    json_decref (v);
    assert_null (edn_parse_text ("[1 2"));
    assert_null (edn_parse_text ("{:a}"));
    assert_null (edn_parse_text ("[1 2))"));
    //  A surrogate pair is one code point, as in JSON: U+1F600 in UTF-8 (a
    //  keyword first, so that it is read as EDN, not JSON)
    v = edn_parse_text ("[:s \"a\\ud83d\\ude00b\\u00e9\"]");
    assert_non_null (v);
    assert_string_equal (json_string_value (json_array_get (v, 1)), "a\xf0\x9f\x98\x80" "b\xc3\xa9");
    json_decref (v);
    //  A key twice in a map is an error, as in Clojure, also in --init
    assert_null (edn_parse_text ("{:a 1 :b 2 :a 3}"));
    assert_null (edn_parse_value ("{\"x\": 0, \"x\": 1}"));
    assert_int_equal (s_jsonl (J (0, "invoke", "write", "1"), "kv", "{:x 0 :x 1}"), -2);
    assert_non_null (strstr (s_last_error, "bad initial value"));
    v = edn_parse_text ("{\"x\": 0, \"y\": \"\"}");      // JSON is accepted too
    assert_non_null (v);
    assert_int_equal (json_object_size (v), 2);
    json_decref (v);
    //  Depth is bounded, not recursive
    char deep [300];
    memset (deep, '[', 200);
    deep [200] = 0;
    assert_null (edn_parse_text (deep));
}

static void
test_edn_layouts (void **state)
{
    (void) state;
    //  A list, maps spanning lines, comments, a nemesis event, keywords
    const char *list = "; a comment\n("
                       "{:type :invoke,\n  :f :write,\n  :value 1,\n  :process 0}\n"
                       " {:process :nemesis, :type :info, :f :start, :value \"cut [:n1]\"}\n"
                       " ; another\n"
                       " {:type :ok, :f :write, :value 1, :process 0, :time 12}\n"
                       " {:type :invoke, :f :read, :value nil, :process 1}"
                       " {:type :ok, :f :read, :value 1, :process 1})";
    assert_int_equal (s_edn (list, "register", NULL), CHECK_VALID);
    //  Maps one after another, no enclosing vector
    const char *bare = "{:type :invoke, :f :write, :value 1, :process 0}\n"
                       "{:type :ok, :f :write, :value 1, :process 0}\n"
                       "{:type :invoke, :f :read, :value nil, :process 1}\n"
                       "{:type :ok, :f :read, :value 2, :process 1}\n";
    assert_int_equal (s_edn (bare, "register", NULL), CHECK_INVALID);
    //  Format guessed from the content when the name says nothing
    assert_int_equal (s_check_as ("h.txt", bare, "register", NULL), CHECK_INVALID);
    assert_int_equal (s_check_as ("h2.txt", J (0, "invoke", "write", "1") J (0, "ok", "write", "1"),
                                  "register", NULL), CHECK_VALID);
    //  A process that got info may issue again (the old op stays open)
    const char *reuse = "{:type :invoke, :f :write, :value 1, :process 0}\n"
                        "{:type :info, :f :write, :value 1, :process 0}\n"
                        "{:type :invoke, :f :read, :value nil, :process 0}\n"
                        "{:type :ok, :f :read, :value 1, :process 0}\n";
    assert_int_equal (s_edn (reuse, "register", NULL), CHECK_VALID);
    //  A run cut mid-write leaves a torn last line: the prefix is checked
    assert_int_equal (s_jsonl (J (0, "invoke", "write", "1") J (0, "ok", "write", "1")
                               "{\"process\":1,\"type\":\"inv", "register", NULL), CHECK_VALID);
}

//  --------------------------------------------------------------------------
//  Malformed input: each gets its error naming file and line

static void
s_expect_error (int verdict, const char *name, int line, const char *words)
{
    assert_int_equal (verdict, -2);
    assert_non_null (s_last_error);
    char where [200];
    snprintf (where, sizeof (where), "%s:%d: ", name, line);
    if (!strstr (s_last_error, where) || !strstr (s_last_error, words))
        fail_msg ("error '%s' should name '%s' and say '%s'", s_last_error, where, words);
}

static void
test_malformed (void **state)
{
    (void) state;
    s_expect_error (s_jsonl (J (0, "invoke", "write", "1") J (3, "ok", "write", "1"), "register", NULL),
                    "h.jsonl", 2, "ok with no invoke for process 3");
    s_expect_error (s_jsonl (J (0, "invoke", "write", "1") J (0, "invoke", "write", "2"), "register", NULL),
                    "h.jsonl", 2, "invoke on process 0 while its op from line 1 is in flight");
    s_expect_error (s_jsonl (J (0, "invoke", "write", "1") "\n" J (0, "ok", "write", "1")
                             J (0, "invoke", "frob", "1"), "register", NULL),
                    "h.jsonl", 4, "unknown f 'frob' for model 'register'");
    s_expect_error (s_jsonl (J (0, "invoke", "write", "1") "{\"process\":0,\"type\":\"ok\"\n", "register", NULL),
                    "h.jsonl", 2, "malformed JSON");
    s_expect_error (s_jsonl ("{\"process\":0,\"f\":\"read\"}\n", "register", NULL),
                    "h.jsonl", 1, "without a type");
    //  A key twice in one event is refused, as Clojure's reader refuses it,
    //  on the fast path (a field the reader knows, one it does not, a key
    //  deep in a value) and on jansson's (an escaped key)
    s_expect_error (s_jsonl (J (0, "invoke", "write", "1")
                             "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1,\"value\":2}\n",
                             "register", NULL),
                    "h.jsonl", 2, "malformed JSON: duplicate key 'value'");
    s_expect_error (s_jsonl ("{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1,"
                             "\"node\":\"n1\",\"node\":\"n2\"}\n", "register", NULL),
                    "h.jsonl", 1, "malformed JSON: duplicate key 'node'");
    s_expect_error (s_jsonl ("{\"process\":0,\"type\":\"invoke\",\"f\":\"write\","
                             "\"value\":{\"a\":1,\"a\":2}}\n", "register", NULL),
                    "h.jsonl", 1, "malformed JSON: duplicate key 'a'");
    s_expect_error (s_jsonl ("{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1,"
                             "\"v\\u0061lue\":2}\n", "register", NULL),
                    "h.jsonl", 1, "malformed JSON: duplicate key 'value'");
    //  Not even in a torn last line: a key twice is no cut
    s_expect_error (s_jsonl (J (0, "invoke", "write", "1")
                             "{\"process\":0,\"type\":\"ok\",\"type\":\"ok\",\"f\":\"write\"}",
                             "register", NULL),
                    "h.jsonl", 2, "malformed JSON: duplicate key 'type'");
    s_expect_error (s_jsonl ("{\"process\":0,\"type\":\"done\",\"f\":\"read\"}\n", "register", NULL),
                    "h.jsonl", 1, "unknown type 'done'");
    s_expect_error (s_jsonl (J (0, "invoke", "write", "1") J (0, "ok", "read", "1"), "register", NULL),
                    "h.jsonl", 2, "ok of 'read' on process 0, but its invoke (line 1) was 'write'");
    s_expect_error (s_jsonl (J (0, "invoke", "cas", "5") J (0, "ok", "cas", "5"), "cas-register", NULL),
                    "h.jsonl", 1, "cas value must be [from to]");
    s_expect_error (s_jsonl (J (0, "invoke", "write", "1"), "kv", NULL),
                    "h.jsonl", 1, "kv op without a key");
    s_expect_error (s_edn ("[{:process 0, :type :invoke, :f :write, :value 1}\n"
                           " {:process 0, :type :ok, :f :write, :value 1\n", "register", NULL),
                    "h.edn", 3, "malformed EDN");
    s_expect_error (s_edn ("[{:process 0, :type :invoke, :f :write, :value 1}\n 42]\n", "register", NULL),
                    "h.edn", 2, "event is not a map");
    //  A surrogate pair is one code point; a lone surrogate (high with no
    //  low after it, or low alone) is named
    assert_int_equal (s_edn ("{:process 0, :type :invoke, :f :write, :value \"\\ud83d\\ude00\"}\n"
                             "{:process 0, :type :ok, :f :write, :value \"\\ud83d\\ude00\"}\n",
                             "register", NULL), CHECK_VALID);
    s_expect_error (s_edn ("{:process 0, :type :invoke, :f :write,\n :value \"x\\ud83dy\"}\n",
                           "register", NULL),
                    "h.edn", 2, "malformed EDN: lone surrogate \\ud83d in string");
    s_expect_error (s_edn ("{:process 0, :type :invoke, :f :write, :value \"\\ud83d\\u0041\"}\n",
                           "register", NULL),
                    "h.edn", 1, "malformed EDN: lone surrogate \\ud83d in string");
    s_expect_error (s_edn ("{:process 0, :type :invoke, :f :write, :value \"\\ude00\"}\n",
                           "register", NULL),
                    "h.edn", 1, "malformed EDN: lone surrogate \\ude00 in string");
    s_expect_error (s_edn ("{:process 0, :type :invoke, :f :write, :value \"\\ud83d\"}\n",
                           "register", NULL),
                    "h.edn", 1, "malformed EDN: lone surrogate \\ud83d in string");
    //  A key twice in one map: Clojure's reader throws, and so do we (on the
    //  line of the second), in an event or deep in a value
    s_expect_error (s_edn ("[{:process 0, :type :invoke, :f :write, :value 1}\n"
                           " {:process 0, :type :ok, :f :write,\n  :value 1, :value 2}]\n",
                           "register", NULL),
                    "h.edn", 3, "malformed EDN: duplicate key :value in a map");
    s_expect_error (s_edn ("{:process 0, :type :invoke, :f :write, :value {\"a\" 1, \"a\" 2}}\n",
                           "register", NULL),
                    "h.edn", 1, "malformed EDN: duplicate key \"a\" in a map");
    s_expect_error (s_edn ("{:process 0, :type :invoke, :f :write, :value {[1 2] 1, [1 2] 2}}\n",
                           "register", NULL),
                    "h.edn", 1, "malformed EDN: duplicate key [1,2] in a map");
    s_expect_error (s_log ("INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
                           "INFO  jepsen.util - 0\t:ok\n", "register", NULL),
                    "h.log", 2, "malformed log line");
    s_expect_error (s_log ("INFO  jepsen.util - 0\t:invoke\t:write\t[1\n", "register", NULL),
                    "h.log", 1, "malformed log line");
    s_expect_error (s_jsonl (J (0, "invoke", "add", "\"a\"") J (0, "ok", "add", "\"a\""), "counter", NULL),
                    "h.jsonl", 1, "counter values must be integers");
    //  Options
    assert_int_equal (s_jsonl (J (0, "invoke", "write", "1"), "register", "{:x"), -2);
    assert_non_null (strstr (s_last_error, "bad initial value"));
    assert_int_equal (s_jsonl (J (0, "invoke", "write", "1"), "btree", NULL), -2);
    assert_non_null (strstr (s_last_error, "unknown model 'btree'"));
    check_opts_t opts = { .model = "register" };
    char *error = NULL;
    assert_null (check_file ("/nonexistent/h.jsonl", &opts, &error));
    assert_non_null (strstr (error, "/nonexistent/h.jsonl"));
    free (error);
}

//  --------------------------------------------------------------------------
//  An injected bug: a large history linearizable by construction, then one
//  read's value changed. The checker must call it invalid and name that read.

//  Writes a kv history where each op takes effect at a random moment of its
//  interval; returns the line of a late read (an ok read) to corrupt.
static int
s_generate_kv (rng_t *rng, FILE *out, int ops, int keys, char *corrupt_line, size_t size)
{
    typedef struct { int op_key, f, value, result; bool busy, effected; } proc_t;
    proc_t procs [6] = { { 0 } };
    int store [16] = { 0 };
    int line = 0, done = 0, started = 0, pick = -1;
    corrupt_line [0] = 0;
    while (done < ops) {
        int p = (int) rng_below (rng, 6);
        proc_t *pr = &procs [p];
        if (!pr->busy) {
            if (started == ops)
                continue;
            pr->op_key = (int) rng_below (rng, (uint64_t) keys);
            pr->f = (int) rng_below (rng, 2);
            pr->value = (int) rng_below (rng, 1000) + 1;
            pr->busy = true;
            pr->effected = false;
            started++;
            char value [16] = "null";
            if (pr->f)
                snprintf (value, sizeof (value), "%d", pr->value);
            fprintf (out, "{\"process\":%d,\"type\":\"invoke\",\"f\":\"%s\",\"key\":\"k%d\",\"value\":%s}\n",
                     p, pr->f? "write": "read", pr->op_key, value);
            line++;
        }
        else
        if (!pr->effected) {
            if (pr->f)
                store [pr->op_key] = pr->value;
            else
                pr->result = store [pr->op_key];
            pr->effected = true;
        }
        else {
            line++;
            char text [200];
            snprintf (text, sizeof (text),
                      "{\"process\":%d,\"type\":\"ok\",\"f\":\"%s\",\"key\":\"k%d\",\"value\":%d}\n",
                      p, pr->f? "write": "read", pr->op_key, pr->f? pr->value: pr->result);
            fputs (text, out);
            if (!pr->f && done > ops * 3 / 4 && pick < 0 && pr->result != 0) {
                pick = line;
                snprintf (corrupt_line, size, "%s", text);
            }
            pr->busy = false;
            done++;
        }
    }
    return pick;
}

static void
test_injected_bug (void **state)
{
    (void) state;
    char path [160], bad [160];
    snprintf (path, sizeof (path), "%s/big.jsonl", s_fx.dir);
    snprintf (bad, sizeof (bad), "%s/big-bad.jsonl", s_fx.dir);
    rng_t rng;
    rng_init (&rng, 42);
    FILE *out = fopen (path, "w");
    assert_non_null (out);
    char corrupt [200];
    int line = s_generate_kv (&rng, out, 3000, 4, corrupt, sizeof (corrupt));
    fclose (out);
    assert_true (line > 0);
    check_opts_t opts = { .model = "kv", .init = "0" };
    char *error = NULL;
    check_result_t *result = check_file (path, &opts, &error);
    assert_non_null (result);
    assert_int_equal (check_result_verdict (result), CHECK_VALID);
    check_result_destroy (&result);
    //  Corrupt that read: a value nobody wrote
    FILE *in = fopen (path, "r");
    out = fopen (bad, "w");
    char text [256];
    int n = 0;
    while (fgets (text, sizeof (text), in)) {
        if (++n == line) {
            char *value = strstr (text, "\"value\":");
            assert_non_null (value);
            strcpy (value, "\"value\":-7}\n");
        }
        fputs (text, out);
    }
    fclose (in);
    fclose (out);
    result = check_file (bad, &opts, &error);
    assert_non_null (result);
    assert_int_equal (check_result_verdict (result), CHECK_INVALID);
    json_t *json = check_result_json (result);
    json_t *failing = json_array_get (json_object_get (json, "failing"), 0);
    assert_non_null (failing);
    assert_int_equal (json_integer_value (json_object_get (failing, "result")), -7);
    assert_non_null (json_object_get (json, "prefix"));
    assert_non_null (json_object_get (json, "concurrent"));
    json_decref (json);
    //  The explanation names the read and the prefix state
    char *explain = NULL;
    size_t len = 0;
    FILE *mem = open_memstream (&explain, &len);
    check_result_explain (result, mem);
    fclose (mem);
    assert_non_null (strstr (explain, "could not linearize"));
    assert_non_null (strstr (explain, "-> ok -7"));
    assert_non_null (strstr (explain, "longest linearizable prefix"));
    free (explain);
    //  The HTML page: self-contained, marks the failing op, stays small
    char page [200];
    snprintf (page, sizeof (page), "%s/report", s_fx.dir);
    assert_int_equal (check_result_report_html (result, page), 0);
    snprintf (page, sizeof (page), "%s/report/index.html", s_fx.dir);
    struct stat st;
    assert_int_equal (stat (page, &st), 0);
    assert_true (st.st_size < 400 * 1024);      // 3000 ops
    in = fopen (page, "r");
    char *html = calloc (1, (size_t) st.st_size + 1);
    assert_int_equal (fread (html, 1, (size_t) st.st_size, in), (size_t) st.st_size);
    fclose (in);
    assert_non_null (strstr (html, "<svg"));
    assert_non_null (strstr (html, "class='x'"));
    assert_null (strstr (html, "<script"));
    assert_null (strstr (html, "<link"));
    assert_null (strstr (html, "src="));
    free (html);
    check_result_destroy (&result);
}

//  --------------------------------------------------------------------------
//  Budgets: an exhausted search is unknown, never a crash

//  Twenty concurrent writes, then a read of a value nobody wrote: the
//  search must try every subset of the writes before it can say invalid.
static const char *
s_hard (void)
{
    static char text [8192];
    size_t len = 0;
    for (int p = 0; p < 20; p++)
        len += (size_t) snprintf (text + len, sizeof (text) - len, J (%d, "invoke", "write", "%d"), p, p + 1);
    for (int p = 0; p < 20; p++)
        len += (size_t) snprintf (text + len, sizeof (text) - len, J (%d, "ok", "write", "%d"), p, p + 1);
    len += (size_t) snprintf (text + len, sizeof (text) - len, "%s",
                              J (99, "invoke", "read", "null") J (99, "ok", "read", "77"));
    return text;
}

static void
test_budgets (void **state)
{
    (void) state;
    char path [160];
    snprintf (path, sizeof (path), "%s/hard.jsonl", s_fx.dir);
    FILE *out = fopen (path, "w");
    fputs (s_hard (), out);
    fclose (out);
    char *error = NULL;
    //  Its read is of a value nobody wrote: without a search it is invalid
    //  at once, by the pre-check (before unique values, which would too)
    check_opts_t opts = { .model = "register", .timeout_s = 0.05 };
    check_result_t *result = check_file (path, &opts, &error);
    assert_non_null (result);
    assert_int_equal (check_result_verdict (result), CHECK_INVALID);
    json_t *json = check_result_json (result);
    assert_string_equal (json_string_value (json_object_get (json, "method")), "unwritten-read");
    assert_int_equal (json_integer_value (json_object_get (json_array_get (
                      json_object_get (json, "failing"), 0), "line")), 41);
    json_decref (json);
    check_result_destroy (&result);
    //  The search's budgets
    opts = (check_opts_t) { .model = "register", .timeout_s = 0.05, .method = "search" };
    result = check_file (path, &opts, &error);
    assert_non_null (result);
    assert_int_equal (check_result_verdict (result), CHECK_UNKNOWN);
    json = check_result_json (result);
    assert_string_equal (json_string_value (json_object_get (json, "valid")), "unknown");
    assert_string_equal (json_string_value (json_object_get (json, "reason")), "timeout");
    json_decref (json);
    check_result_destroy (&result);
    opts = (check_opts_t) { .model = "register", .memory_mb = 1, .method = "search" };
    result = check_file (path, &opts, &error);
    assert_non_null (result);
    assert_int_equal (check_result_verdict (result), CHECK_UNKNOWN);
    json = check_result_json (result);
    assert_string_equal (json_string_value (json_object_get (json, "reason")), "memory");
    json_decref (json);
    check_result_destroy (&result);
}

//  A long single-key history: cache entries must cost the concurrency
//  window, not the history's length, or 32 MB would not be enough.
static void
test_long_history (void **state)
{
    (void) state;
    char path [160], corrupt [200];
    snprintf (path, sizeof (path), "%s/long.jsonl", s_fx.dir);
    rng_t rng;
    rng_init (&rng, 7);
    FILE *out = fopen (path, "w");
    assert_non_null (out);
    s_generate_kv (&rng, out, 30000, 1, corrupt, sizeof (corrupt));
    fclose (out);
    check_opts_t opts = { .model = "kv", .init = "0", .memory_mb = 32 };
    char *error = NULL;
    check_result_t *result = check_file (path, &opts, &error);
    assert_non_null (result);
    assert_int_equal (check_result_verdict (result), CHECK_VALID);
    check_result_destroy (&result);
}

static int
s_setup (void **state)
{
    (void) state;
    strcpy (s_fx.dir, "/tmp/checker_models_XXXXXX");
    assert_non_null (mkdtemp (s_fx.dir));
    return 0;
}

static int
s_teardown (void **state)
{
    (void) state;
    if (tap_remove_dir (s_fx.dir) != 0)
        return -1;
    free (s_last_error);
    s_last_error = NULL;
    return 0;
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_register),
        cmocka_unit_test (test_cas_register),
        cmocka_unit_test (test_kv),
        cmocka_unit_test (test_multi_register),
        cmocka_unit_test (test_mutex),
        cmocka_unit_test (test_set),
        cmocka_unit_test (test_counter),
        cmocka_unit_test (test_queue),
        cmocka_unit_test (test_edn_reader),
        cmocka_unit_test (test_edn_layouts),
        cmocka_unit_test (test_malformed),
        cmocka_unit_test (test_injected_bug),
        cmocka_unit_test (test_budgets),
        cmocka_unit_test (test_long_history),
    };
    return cmocka_run_group_tests_name ("checker_models", tests, s_setup, s_teardown);
}
