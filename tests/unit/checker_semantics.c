/*  checker_semantics.c -- what histories mean, case by case, for the
    defects an outside tester found: nil results per model, Jepsen's
    :timed-out completions, inputs with no events, real Jepsen output
    (tagged literals, both log layouts), the memory budget, the default
    model, the timeout clamp, EDN value equality, negative process numbers
    and the names (f, process) --to-edn writes back.

    Pictures read left to right in real time; |--op--| is an op from invoke
    to completion, |--op--> never completed (info or no answer).
*/
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <jansson.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "tap.h"
#include "rng.h"
#include "../../checker/check.h"
#include "../../checker/pqueue.h"
#include "../../checker/ophistory.h"
#include "../../checker/edn.h"
#include "limits.h"

#define S_BAD -2            // s_check: the input was rejected (s_error says why)

static char *s_error;

//  Write text to NAME in the test directory and check it with opts (model,
//  init, format filled in by the caller). Returns the verdict or S_BAD.
static int
s_check_opts (const char *name, const char *text, size_t len, check_opts_t opts)
{
    char path [160];
    snprintf (path, sizeof (path), "%s/%s", tap_dir, name);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fwrite (text, 1, len, file);
    fclose (file);
    opts.threads = opts.threads? opts.threads: 1;
    free (s_error);
    s_error = NULL;
    check_result_t *result = check_file (path, &opts, &s_error);
    if (!result)
        return S_BAD;
    int verdict = check_result_verdict (result);
    check_result_destroy (&result);
    return verdict;
}

static int
s_check (const char *name, const char *text, const char *model, const char *format)
{
    check_opts_t opts = { .model = model, .format = format };
    return s_check_opts (name, text, strlen (text), opts);
}

//  text checked as a kv history with --init init.
static int
s_kv_init (const char *name, const char *text, const char *init)
{
    check_opts_t opts = { .model = "kv", .init = init };
    return s_check_opts (name, text, strlen (text), opts);
}

//  Knossos's "an ok read of nil is unknown" is a register rule. For a queue
//  a dequeue of nil says the queue was empty; for a set nil must match.
static void
test_nil_per_model (void **state)
{
    (void) state;
    //  |-enq 1-|
    //            |-deq nil-|      the queue held 1: not empty
    const char *q_empty_bad =
        "{:process 0, :type :invoke, :f :enqueue, :value 1}\n"
        "{:process 0, :type :ok, :f :enqueue, :value 1}\n"
        "{:process 1, :type :invoke, :f :dequeue, :value nil}\n"
        "{:process 1, :type :ok, :f :dequeue, :value nil}\n";
    assert_int_equal (s_check ("q.edn", q_empty_bad, "queue", NULL), CHECK_INVALID);
    //  |-enq 1-|
    //            |-deq nil-| |-deq nil-|   1 was lost
    char lost [1024];
    snprintf (lost, sizeof lost, "%s%s", q_empty_bad,
        "{:process 1, :type :invoke, :f :dequeue, :value nil}\n"
        "{:process 1, :type :ok, :f :dequeue, :value nil}\n");
    assert_int_equal (s_check ("q.edn", lost, "queue", NULL), CHECK_INVALID);
    //  |-deq nil-|                an empty queue: fine
    assert_int_equal (s_check ("q.edn",
        "{:process 1, :type :invoke, :f :dequeue, :value nil}\n"
        "{:process 1, :type :ok, :f :dequeue, :value nil}\n", "queue", NULL), CHECK_VALID);
    //  |-add 1-|
    //            |-read nil-|     no set is nil
    assert_int_equal (s_check ("s.edn",
        "{:process 0, :type :invoke, :f :add, :value 1}\n"
        "{:process 0, :type :ok, :f :add, :value 1}\n"
        "{:process 1, :type :invoke, :f :read, :value nil}\n"
        "{:process 1, :type :ok, :f :read, :value nil}\n", "set", NULL), CHECK_INVALID);
    //  |-write 1-|
    //              |-read nil-|   register: nil is "unknown" (Knossos)
    const char *reg =
        "{:process 0, :type :invoke, :f :write, :value 1}\n"
        "{:process 0, :type :ok, :f :write, :value 1}\n"
        "{:process 1, :type :invoke, :f :read, :value nil}\n"
        "{:process 1, :type :ok, :f :read, :value nil}\n";
    assert_int_equal (s_check ("r.edn", reg, "register", NULL), CHECK_VALID);
    assert_int_equal (s_check ("r.edn", reg, "cas-register", NULL), CHECK_VALID);
    //  the same in a kv [k v] read
    assert_int_equal (s_check ("kv.edn",
        "{:process 0, :type :invoke, :f :write, :value [:x 1]}\n"
        "{:process 0, :type :ok, :f :write, :value [:x 1]}\n"
        "{:process 1, :type :invoke, :f :read, :value [:x nil]}\n"
        "{:process 1, :type :ok, :f :read, :value [:x nil]}\n", "kv", NULL), CHECK_VALID);
}


//  Jepsen log lines: a completion whose value is :timed-out is an info (the
//  op may or may not have happened), whatever the type says; a plain
//  :fail :cas [a b] ran and did not match; a plain :fail :write did not happen.
static void
test_log_timed_out (void **state)
{
    (void) state;
    #define L(p, type, f, v) "INFO  jepsen.util - " #p "\t:" type "\t:" f "\t" v "\n"
    //  |-write 1-|
    //              |-cas 1 2: fail timed-out-->   may have happened or not
    const char *cas_to = L (0, "invoke", "write", "1") L (0, "ok", "write", "1")
                         L (1, "invoke", "cas", "[1 2]") L (1, "fail", "cas", ":timed-out");
    assert_int_equal (s_check ("a.log", cas_to, "cas-register", NULL), CHECK_VALID);
    char more [1024];
    //  ... then |-read 2-|: it did happen
    snprintf (more, sizeof more, "%s%s%s", cas_to, L (2, "invoke", "read", "nil"), L (2, "ok", "read", "2"));
    assert_int_equal (s_check ("a.log", more, "cas-register", NULL), CHECK_VALID);
    //  ... then |-read 1-|: it did not
    snprintf (more, sizeof more, "%s%s%s", cas_to, L (2, "invoke", "read", "nil"), L (2, "ok", "read", "1"));
    assert_int_equal (s_check ("a.log", more, "cas-register", NULL), CHECK_VALID);
    //  |-write 1-| |-cas 1 2: fail-|   ran and saw a value other than 1: no
    assert_int_equal (s_check ("b.log", L (0, "invoke", "write", "1") L (0, "ok", "write", "1")
        L (1, "invoke", "cas", "[1 2]") L (1, "fail", "cas", "[1 2]"), "cas-register", NULL),
        CHECK_INVALID);
    //  |-write 1-| |-write 2: fail timed-out--> |-read 1-|   it did not happen
    const char *w = L (0, "invoke", "write", "1") L (0, "ok", "write", "1")
                    L (1, "invoke", "write", "2") L (1, "fail", "write", ":timed-out");
    snprintf (more, sizeof more, "%s%s%s", w, L (1, "invoke", "read", "nil"), L (1, "ok", "read", "1"));
    assert_int_equal (s_check ("c.log", more, "cas-register", NULL), CHECK_VALID);
    snprintf (more, sizeof more, "%s%s%s", w, L (1, "invoke", "read", "nil"), L (1, "ok", "read", "2"));
    assert_int_equal (s_check ("c.log", more, "cas-register", NULL), CHECK_VALID);
    //  |-write 1-| |-write 2: fail-| |-read 2-|   a plain fail did not happen
    assert_int_equal (s_check ("d.log", L (0, "invoke", "write", "1") L (0, "ok", "write", "1")
        L (1, "invoke", "write", "2") L (1, "fail", "write", "2")
        L (1, "invoke", "read", "nil") L (1, "ok", "read", "2"), "cas-register", NULL),
        CHECK_INVALID);
    //  |-write 1-| |-read: fail timed-out-| |-read 1-|
    assert_int_equal (s_check ("e.log", L (0, "invoke", "write", "1") L (0, "ok", "write", "1")
        L (1, "invoke", "read", "nil") L (1, "fail", "read", ":timed-out")
        L (1, "invoke", "read", "nil") L (1, "ok", "read", "1"), "cas-register", NULL),
        CHECK_VALID);
    #undef L
}

//  Input with no events is the wrong file or the wrong --format, not a
//  valid empty history; only an explicit EDN [] says "no events".
static void
test_no_events (void **state)
{
    (void) state;
    const char garbage [] = { 0x7f, 'E', 'L', 'F', 0, 1, (char) 0xff, 0, '\n', 3 };
    assert_int_equal (s_check_opts ("g.bin", garbage, sizeof garbage,
                                    (check_opts_t) { .model = NULL }), S_BAD);
    assert_non_null (strstr (s_error, "g.bin: no history events found"));
    assert_int_equal (s_check ("t.txt", "hello\nthis is not a history\n", NULL, NULL), S_BAD);
    assert_non_null (strstr (s_error, "no history events"));
    assert_int_equal (s_check ("e.jsonl", "", NULL, NULL), S_BAD);
    assert_int_equal (s_check ("e.log", "", NULL, NULL), S_BAD);
    assert_int_equal (s_check ("e.edn", "  ; nothing\n", NULL, NULL), S_BAD);
    //  an EDN history read as log lines: nothing is a jepsen.util line
    const char *edn = "{:process 0, :type :invoke, :f :write, :value 1}\n"
                      "{:process 0, :type :ok, :f :write, :value 1}\n";
    assert_int_equal (s_check ("h.edn", edn, NULL, "jepsen-log"), S_BAD);
    assert_non_null (strstr (s_error, "is --format right?"));
    assert_int_equal (s_check ("h.edn", edn, NULL, NULL), CHECK_VALID);
    //  an explicitly empty EDN history is valid
    assert_int_equal (s_check ("v.edn", "[]\n", NULL, NULL), CHECK_VALID);
    assert_int_equal (s_check ("v.edn", "()", "queue", NULL), CHECK_VALID);
    //  a log line with no value
    assert_int_equal (s_check ("m.log", "INFO  jepsen.util - 0\t:invoke\t:write\n"
                                        "INFO  jepsen.util - 0\t:ok\t:write\t1\n", NULL, NULL), S_BAD);
    assert_non_null (strstr (s_error, "m.log:1: "));
}

//  What Jepsen really writes: tagged literals with hex numbers inside, ##Inf,
//  and the modern log layout next to the old one, tabs or runs of spaces.
static void
test_real_jepsen_output (void **state)
{
    (void) state;
    //  |-write 1-->  (info: #error)   |-write 2: fail-|   |-read 1-|
    assert_int_equal (s_check ("j.edn",
        "{:index 0, :type :invoke, :process 0, :f :write, :value 1}\n"
        "{:index 1, :type :info, :process 0, :f :write, :value 1, :error #error {:cause \"Read timed out\","
        " :via [{:type java.net.SocketTimeoutException, :at [java.net.SocketInputStream socketRead0 \"S.java\" -2]}]}}\n"
        "{:index 2, :type :invoke, :process 1, :f :write, :value 2}\n"
        "{:index 3, :type :fail, :process 1, :f :write, :value 2,"
        " :error #object[java.net.ConnectException 0x5c7a \"java.net.ConnectException: refused\"]}\n"
        "{:index 4, :type :invoke, :process 5, :f :read, :value nil, :uuid #uuid \"f81d4fae-7dec\", :when #inst \"1985-04-12T23:20:50.52Z\"}\n"
        "{:index 5, :type :ok, :process 5, :f :read, :value 1, :x ##Inf, :y ##NaN, :r #\"a.*b\", :h -0x1F}\n",
        "register", NULL), CHECK_VALID);
    //  a hex number is a number: write 0x10, read 16
    assert_int_equal (s_check ("h.edn",
        "[{:process 0, :type :invoke, :f :write, :value 0x10}\n"
        " {:process 0, :type :ok, :f :write, :value 0x10}\n"
        " {:process 0, :type :invoke, :f :read, :value nil}\n"
        " {:process 0, :type :ok, :f :read, :value 16}]\n", "register", NULL), CHECK_VALID);
    //  |-write 1-| |-read 2-|  in the modern layout: read, and invalid
    const char *modern =
        "2023-05-01 10:00:00,001{GMT}\tINFO\t[jepsen worker 0] jepsen.util: 0\t:invoke\t:write\t1\n"
        "2023-05-01 10:00:00,002{GMT}\tINFO\t[jepsen worker 0] jepsen.util: 0\t:ok\t:write\t1\n"
        "2023-05-01 10:00:00,003{GMT}\tINFO\t[jepsen worker 1] jepsen.util: 1\t:invoke\t:read\tnil\n"
        "2023-05-01 10:00:00,004{GMT}\tINFO\t[jepsen worker 1] jepsen.util: 1\t:ok\t:read\t%d\n";
    char text [1024];
    snprintf (text, sizeof text, modern, 2);
    assert_int_equal (s_check ("m.log", text, "cas-register", NULL), CHECK_INVALID);
    snprintf (text, sizeof text, modern, 1);
    assert_int_equal (s_check ("m.log", text, "cas-register", NULL), CHECK_VALID);
    //  the old layout with runs of spaces instead of tabs
    assert_int_equal (s_check ("o.log",
        "INFO  jepsen.util - 0   :invoke   :write  1\n"
        "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
        "INFO  jepsen.util - 1   :invoke :read   nil\n"
        "INFO  jepsen.util - 1   :ok     :read   2\n", "cas-register", NULL), CHECK_INVALID);
    //  A real jepsen.log holds more than events: stack traces with
    //  jepsen.util$... frames, the logger's own prose, nemesis events with
    //  free text. All skipped; a client event that is malformed is not.
    const char *busy =
        "INFO  jepsen.util - Relative time begins now\n"
        "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
        "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
        "WARN  jepsen.generator.interpreter - Process 1 crashed\n"
        "java.net.SocketTimeoutException: Read timed out\n"
        "\tat jepsen.util$timeout_STAR_.invokeStatic(util.clj:88)\n"
        "\tat jepsen.util$timeout_STAR_.invoke(util.clj:80)\n"
        "INFO  jepsen.util - :nemesis\t:info\t:start\t[:isolated {\"n1\" #{\"n2\"}}]\n"
        "INFO  jepsen.util - :nemesis\t:info\t:stop\tFull partition healed: ok\n"
        "INFO  jepsen.core - Run complete, writing\n"
        "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n"
        "INFO  jepsen.util - 1\t:ok\t:read\t%d\n";
    snprintf (text, sizeof text, busy, 1);
    assert_int_equal (s_check ("b.log", text, "cas-register", NULL), CHECK_VALID);
    snprintf (text, sizeof text, busy, 2);
    assert_int_equal (s_check ("b.log", text, "cas-register", NULL), CHECK_INVALID);
    assert_int_equal (s_check ("c.log",
        "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
        "INFO  jepsen.util - 0\t:ok\t:write\t1 extra\n", "cas-register", NULL), S_BAD);
    assert_non_null (strstr (s_error, "c.log:2: malformed log line: text after the value"));
    assert_int_equal (s_check ("d.log",
        "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
        "INFO  jepsen.util - 0\t:okk\t:write\t1\n", "cas-register", NULL), S_BAD);
    assert_non_null (strstr (s_error, "d.log:2: unknown type"));
    //  A process number starts an event, whatever follows: refused by line
    assert_int_equal (s_check ("e.log",
        "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
        "INFO  jepsen.util - 0 \n", "cas-register", NULL), S_BAD);
    assert_non_null (strstr (s_error, "e.log:2: malformed log line: expected process"));
    //  A named process other than the nemesis is a client: its value is EDN
    assert_int_equal (s_check ("n.log",
        "INFO  jepsen.util - :r1\t:invoke\t:read\tnil\n"
        "INFO  jepsen.util - :r1\t:ok\t:read\tnil\n", "cas-register", NULL), CHECK_VALID);
    //  "jepsen.util:" with no space; an :error after the value and a tab
    assert_int_equal (s_check ("f.log",
        "INFO  jepsen.util:0\t:invoke\t:write\t1\n"
        "INFO  jepsen.util:0\t:ok\t:write\t1\n"
        "INFO  jepsen.util:1\t:invoke\t:write\t2\n"
        "INFO  jepsen.util:1\t:fail\t:write\t2\tconnection refused\n"
        "INFO  jepsen.util:0\t:invoke\t:read\tnil\n"
        "INFO  jepsen.util:0\t:ok\t:read\t2\n", "cas-register", NULL), CHECK_INVALID);
}

//  n concurrent enqueues of 0..n-1, then dequeues of 0..n-1 and one more
//  of 0: invalid, but only after trying every order of the enqueues,
//  whose queues are O(n) each: the search must run out of memory.
static char *
s_queue_storm (int n)
{
    size_t cap = (size_t) n * 300 + 1024, len = 0;
    char *text = malloc (cap);
    assert_non_null (text);
    for (int i = 0; i < n; i++)
        len += (size_t) snprintf (text + len, cap - len,
            "{\"process\":%d,\"type\":\"invoke\",\"f\":\"enqueue\",\"value\":%d}\n", i, i);
    for (int i = 0; i < n; i++)
        len += (size_t) snprintf (text + len, cap - len,
            "{\"process\":%d,\"type\":\"ok\",\"f\":\"enqueue\",\"value\":%d}\n", i, i);
    for (int i = 0; i <= n; i++)
        len += (size_t) snprintf (text + len, cap - len,
            "{\"process\":1000,\"type\":\"invoke\",\"f\":\"dequeue\",\"value\":null}\n"
            "{\"process\":1000,\"type\":\"ok\",\"f\":\"dequeue\",\"value\":%d}\n", i % n);
    return text;
}

#ifndef __SANITIZE_ADDRESS__
//  This process's address space in bytes (VmSize).
static size_t
s_vm_bytes (void)
{
    FILE *file = fopen ("/proc/self/status", "r");
    char line [256];
    size_t kb = 0;
    while (file && fgets (line, sizeof line, file))
        if (sscanf (line, "VmSize: %zu kB", &kb) == 1)
            break;
    if (file)
        fclose (file);
    return kb * 1024;
}
#endif

//  --memory bounds the model's states (queues, sets) as well as the cache,
//  and running out is unknown ("memory"), never an abort.
static void
test_memory_bound (void **state)
{
    (void) state;
    char *storm = s_queue_storm (24);
    check_opts_t opts = { .model = "queue", .memory_mb = 8, .timeout_s = 100 };
    assert_int_equal (s_check_opts ("storm.jsonl", storm, strlen (storm), opts), CHECK_UNKNOWN);
    char path [160];
    snprintf (path, sizeof path, "%s/storm.jsonl", tap_dir);
    check_result_t *result = check_file (path, &opts, &s_error);
    assert_non_null (result);
    json_t *json = check_result_json (result);
    assert_string_equal (json_string_value (json_object_get (json, "reason")), "memory");
    json_decref (json);
    check_result_destroy (&result);
    free (storm);
    //  The same with a budget above what the process may have (ulimit -v):
    //  malloc fails first, and that is unknown too, not an abort. (Not
    //  under AddressSanitizer: its shadow memory needs the address space.)
#ifndef __SANITIZE_ADDRESS__
    pid_t pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        struct rlimit limit = { s_vm_bytes () + (256 << 20), s_vm_bytes () + (256 << 20) };
        setrlimit (RLIMIT_AS, &limit);
        opts.memory_mb = 1 << 20;
        char *error = NULL;
        check_result_t *big = check_file (path, &opts, &error);
        _exit (big? (int) check_result_verdict (big): 99);
    }
    int status;
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status));
    assert_int_equal (WEXITSTATUS (status), CHECK_UNKNOWN);
#endif
    //  |-enq 0-| |-enq 1-| ... |-enq n-1-| |-deq 0-| ... |-deq n-1-|
    //  no concurrency, n states of O(n) each if nothing is shared (3 GB):
    //  queues share their structure, so it fits in 24 MB -- the budget
    //  counts the parsed partitions too (about 10 MB of it here), not only
    //  the search's cache and states
    int n = 20000;
    size_t cap = (size_t) n * 300, len = 0;
    char *seq = malloc (cap);
    assert_non_null (seq);
    for (int i = 0; i < n; i++)
        len += (size_t) snprintf (seq + len, cap - len,
            "{\"process\":0,\"type\":\"invoke\",\"f\":\"enqueue\",\"value\":%d}\n"
            "{\"process\":0,\"type\":\"ok\",\"f\":\"enqueue\",\"value\":%d}\n", i, i);
    for (int i = 0; i < n; i++)
        len += (size_t) snprintf (seq + len, cap - len,
            "{\"process\":0,\"type\":\"invoke\",\"f\":\"dequeue\",\"value\":null}\n"
            "{\"process\":0,\"type\":\"ok\",\"f\":\"dequeue\",\"value\":%d}\n", i);
    assert_true (len < cap);
    opts.memory_mb = 24;
    int verdict = s_check_opts ("seq.jsonl", seq, len, opts);
    assert_int_equal (verdict, CHECK_VALID);
    snprintf (path, sizeof path, "%s/seq.jsonl", tap_dir);
    result = check_file (path, &opts, &s_error);
    assert_non_null (result);
    json = check_result_json (result);
    assert_true (json_integer_value (json_object_get (json, "memory_bytes")) <= 24 << 20);
    json_decref (json);
    check_result_destroy (&result);
    free (seq);
}

//  No --model and no key field, but every value a [k v] tuple: kv.
static void
test_guess_kv (void **state)
{
    (void) state;
    //  |-write x 1-| |-write y 2-| |-read x: 1-|   valid per key
    const char *tuples =
        "{:process 0, :type :invoke, :f :write, :value [:x 1]}\n"
        "{:process 0, :type :ok, :f :write, :value [:x 1]}\n"
        "{:process 0, :type :invoke, :f :write, :value [:y 2]}\n"
        "{:process 0, :type :ok, :f :write, :value [:y 2]}\n"
        "{:process 0, :type :invoke, :f :cas, :value [:y [2 3]]}\n"
        "{:process 0, :type :ok, :f :cas, :value [:y [2 3]]}\n"
        "{:process 1, :type :invoke, :f :read, :value [:x nil]}\n"
        "{:process 1, :type :ok, :f :read, :value [:x 1]}\n";
    check_opts_t opts = { .model = NULL };
    assert_int_equal (s_check ("t.edn", tuples, NULL, NULL), CHECK_VALID);
    char path [160];
    snprintf (path, sizeof path, "%s/t.edn", tap_dir);
    check_result_t *result = check_file (path, &opts, &s_error);
    json_t *json = check_result_json (result);
    assert_string_equal (json_string_value (json_object_get (json, "model")), "kv");
    json_decref (json);
    check_result_destroy (&result);
    //  a plain register history stays cas-register
    assert_int_equal (s_check ("r.edn",
        "{:process 0, :type :invoke, :f :write, :value 1}\n"
        "{:process 0, :type :ok, :f :write, :value 1}\n"
        "{:process 0, :type :invoke, :f :cas, :value [1 2]}\n"
        "{:process 0, :type :ok, :f :cas, :value [1 2]}\n"
        "{:process 1, :type :invoke, :f :read, :value nil}\n"
        "{:process 1, :type :ok, :f :read, :value 2}\n", NULL, NULL), CHECK_VALID);
    //  a cas [from to] among 2-vector writes is not kv: cas-register, valid
    assert_int_equal (s_check ("m.edn",
        "{:process 0, :type :invoke, :f :write, :value [1 2]}\n"
        "{:process 0, :type :ok, :f :write, :value [1 2]}\n"
        "{:process 0, :type :invoke, :f :cas, :value [[1 2] 5]}\n"
        "{:process 0, :type :ok, :f :cas, :value [[1 2] 5]}\n"
        "{:process 1, :type :invoke, :f :read, :value nil}\n"
        "{:process 1, :type :ok, :f :read, :value 5}\n", NULL, NULL), CHECK_VALID);
}

//  A huge --timeout (1e10 s, inf) means no limit, not an overflowed
//  deadline that is already past.
static void
test_timeout_clamp (void **state)
{
    (void) state;
    //  2000 sequential write/read pairs: more than one budget check
    size_t cap = 2000 * 300, len = 0;
    char *text = malloc (cap);
    assert_non_null (text);
    for (int i = 0; i < 2000; i++)
        len += (size_t) snprintf (text + len, cap - len,
            "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":%d}\n"
            "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":%d}\n"
            "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n"
            "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"value\":%d}\n", i, i, i);
    double timeouts [] = { 1e10, 1e300, 1.0 / 0.0, FL_CHECK_TIMEOUT_S_MAX * 1000 };
    for (int i = 0; i < 4; i++) {
        check_opts_t opts = { .model = "cas-register", .timeout_s = timeouts [i],
                              .memory_mb = (size_t) -1 };
        assert_int_equal (s_check_opts ("long.jsonl", text, len, opts), CHECK_VALID);
    }
    free (text);
}

//  A UTF-8 byte-order mark before the first event is passed over, in each
//  format and when the format is guessed (it made line 1 "not a map").
static void
test_byte_order_mark (void **state)
{
    (void) state;
    const char *jsonl = "\xEF\xBB\xBF{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\r\n"
                        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\r\n";
    const char *edn = "\xEF\xBB\xBF{:process 0 :type :invoke :f :write :value 1}\n"
                      "{:process 0 :type :ok :f :write :value 1}\n";
    assert_int_equal (s_check ("bom.jsonl", jsonl, NULL, NULL), CHECK_VALID);
    assert_int_equal (s_check ("bom-jsonl", jsonl, NULL, NULL), CHECK_VALID);
    assert_int_equal (s_check ("bom.edn", edn, NULL, NULL), CHECK_VALID);
    assert_int_equal (s_check ("bom-edn", edn, NULL, NULL), CHECK_VALID);
}

//  EDN equality: sets are equal whatever the order of their elements, at
//  any depth, and a set is not a vector.
static void
test_edn_equality (void **state)
{
    (void) state;
    #define WR(w, r) \
        "{:process 0, :type :invoke, :f :write, :value " w "}\n" \
        "{:process 0, :type :ok, :f :write, :value " w "}\n" \
        "{:process 1, :type :invoke, :f :read, :value nil}\n" \
        "{:process 1, :type :ok, :f :read, :value " r "}\n"
    //  |-write W-| |-read R-|
    assert_int_equal (s_check ("a.edn", WR ("#{1 2 3}", "#{3 1 2}"), "register", NULL), CHECK_VALID);
    //  an element twice is refused, as Clojure's reader refuses it
    assert_int_equal (s_check ("a.edn", WR ("#{1 2 3}", "#{3 1 2 2}"), "register", NULL), S_BAD);
    assert_non_null (strstr (s_error, ":4: malformed EDN: duplicate element 2 in a set"));
    assert_int_equal (s_check ("a.edn", WR ("#{1 2 3}", "#{[1 #{2 3}] [1 #{3 2}]}"), "register", NULL),
                      S_BAD);
    assert_non_null (strstr (s_error, "duplicate element [1 #{2 3}] in a set"));
    assert_int_equal (s_check ("b.edn", WR ("{:a #{2 1}}", "{:a #{1 2}}"), "register", NULL), CHECK_VALID);
    assert_int_equal (s_check ("c.edn", WR ("[#{:x [1 #{5 4}]} 7]", "[#{[1 #{4 5}] :x} 7]"), "register", NULL),
                      CHECK_VALID);
    assert_int_equal (s_check ("d.edn", WR ("#{1 2}", "[1 2]"), "register", NULL), CHECK_INVALID);
    assert_int_equal (s_check ("d.edn", WR ("[1 2]", "#{1 2}"), "register", NULL), CHECK_INVALID);
    assert_int_equal (s_check ("d.edn", WR ("#{1 2}", "#{1 2 3}"), "register", NULL), CHECK_INVALID);
    //  a list is a vector (as in Clojure)
    assert_int_equal (s_check ("e.edn", WR ("[1 2]", "(1 2)"), "register", NULL), CHECK_VALID);
    //  numbers as Clojure reads them: 1N is 1, 010 is octal 8; 1M (a
    //  BigDecimal, not = to 1 or 1.0), ratios and 09 are refused
    assert_int_equal (s_check ("f.edn", WR ("1", "1N"), "register", NULL), CHECK_VALID);
    assert_int_equal (s_check ("f.edn", WR ("8", "010"), "register", NULL), CHECK_VALID);
    assert_int_equal (s_check ("f.edn", WR ("10", "010"), "register", NULL), CHECK_INVALID);
    assert_int_equal (s_check ("f.edn", WR ("-8", "-010"), "register", NULL), CHECK_VALID);
    assert_int_equal (s_check ("f.edn", WR ("0", "00"), "register", NULL), CHECK_VALID);
    assert_int_equal (s_check ("f.edn", WR ("1", "1M"), "register", NULL), S_BAD);
    assert_non_null (strstr (s_error, ":4: malformed EDN: BigDecimal '1M' is not read"));
    assert_int_equal (s_check ("f.edn", WR ("1", "1/2"), "register", NULL), S_BAD);
    assert_non_null (strstr (s_error, "ratio '1/2' is not read"));
    assert_int_equal (s_check ("f.edn", WR ("1", "09"), "register", NULL), S_BAD);
    assert_non_null (strstr (s_error, "bad number '09'"));
    //  a hex integer with an E in it is an integer (0x1E is 30, no real)
    assert_int_equal (s_check ("f.edn", WR ("0x1E", "30"), "register", NULL), CHECK_VALID);
    assert_int_equal (s_check ("f.edn", WR ("0x1E", "30.0"), "register", NULL), CHECK_INVALID);
    #undef WR
    //  the set model: elements that are sets; a read given as a set
    assert_int_equal (s_check ("f.edn",
        "{:process 0, :type :invoke, :f :add, :value #{2 1}}\n"
        "{:process 0, :type :ok, :f :add, :value #{2 1}}\n"
        "{:process 0, :type :invoke, :f :add, :value 3}\n"
        "{:process 0, :type :ok, :f :add, :value 3}\n"
        "{:process 1, :type :invoke, :f :read, :value nil}\n"
        "{:process 1, :type :ok, :f :read, :value #{3 #{1 2}}}\n", "set", NULL), CHECK_VALID);
    assert_int_equal (s_check ("g.edn",
        "{:process 0, :type :invoke, :f :add, :value #{2 1}}\n"
        "{:process 0, :type :ok, :f :add, :value #{2 1}}\n"
        "{:process 1, :type :invoke, :f :read, :value nil}\n"
        "{:process 1, :type :ok, :f :read, :value #{[1 2]}}\n", "set", NULL), CHECK_INVALID);
}

//  The shared-structure queues against plain arrays: random pushes and pops
//  from random earlier queues; the values must match and two queues must
//  have one id exactly when their contents are equal.
#define QS_MAX 1500
#define QLEN_MAX 40

typedef struct {
    uint32_t id;
    size_t n;
    uint32_t v [QLEN_MAX];
} s_plainq_t;

static void
test_pqueue_vs_plain (void **state)
{
    (void) state;
    static s_plainq_t qs [QS_MAX];
    pqueue_t *pq = pqueue_new ();
    assert_non_null (pq);
    rng_t rng;
    rng_init (&rng, 20261121);
    qs [0] = (s_plainq_t) { 0, 0, { 0 } };
    size_t nqs = 1;
    uint32_t got [QLEN_MAX];
    while (nqs < QS_MAX) {
        s_plainq_t from = qs [rng_below (&rng, nqs)];
        s_plainq_t *to = &qs [nqs];
        *to = from;
        if (from.n > 0 && (from.n == QLEN_MAX || rng_chance (&rng, 0.4))) {
            assert_int_equal (pqueue_front (pq, from.id), from.v [0]);
            assert_int_equal (pqueue_pop (pq, from.id, &to->id), 0);
            memmove (to->v, to->v + 1, --to->n * sizeof (uint32_t));
        }
        else {
            uint32_t v = (uint32_t) rng_below (&rng, 3);
            assert_int_equal (pqueue_push (pq, from.id, v, &to->id), 0);
            to->v [to->n++] = v;
        }
        assert_int_equal (pqueue_size (pq, to->id), to->n);
        pqueue_values (pq, to->id, got);
        assert_memory_equal (got, to->v, to->n * sizeof (uint32_t));
        for (size_t i = 0; i < nqs; i++) {
            bool same = qs [i].n == to->n
                     && memcmp (qs [i].v, to->v, to->n * sizeof (uint32_t)) == 0;
            assert_int_equal (same, qs [i].id == to->id);
        }
        nqs++;
    }
    //  a budget it cannot stay in: -1, not a crash
    pqueue_memory_max (pq, pqueue_memory (pq));
    uint32_t id = qs [nqs - 1].id;
    int rc = 0;
    for (int i = 0; rc == 0 && i < 100000; i++)
        rc = pqueue_push (pq, id, (uint32_t) i, &id);
    assert_int_equal (rc, -1);
    pqueue_destroy (&pq);
}

//  Processes given by name are shown by name, in JSON and in the text.
static void
test_process_names (void **state)
{
    (void) state;
    //  |-n1 write 1-| |-n2 read 2-|
    const char *text =
        "{:process \"n1\", :type :invoke, :f :write, :value 1}\n"
        "{:process \"n1\", :type :ok, :f :write, :value 1}\n"
        "{:process \"n2\", :type :invoke, :f :read, :value nil}\n"
        "{:process \"n2\", :type :ok, :f :read, :value 2}\n";
    assert_int_equal (s_check ("p.edn", text, "register", NULL), CHECK_INVALID);
    char path [160];
    snprintf (path, sizeof path, "%s/p.edn", tap_dir);
    check_opts_t opts = { .model = "register" };
    check_result_t *result = check_file (path, &opts, &s_error);
    assert_non_null (result);
    json_t *json = check_result_json (result);
    json_t *failing = json_array_get (json_object_get (json, "failing"), 0);
    assert_string_equal (json_string_value (json_object_get (failing, "process")), "n2");
    json_decref (json);
    char *explained = NULL;
    size_t len = 0;
    FILE *out = open_memstream (&explained, &len);
    check_result_explain (result, out);
    fclose (out);
    assert_non_null (strstr (explained, "process n2 read"));
    assert_null (strstr (explained, "process -"));
    free (explained);
    check_result_destroy (&result);
}

//  Jepsen numbers processes from 0; names get the negative ids. A negative
//  number was taken for a name (-1 for the first one) and shared its ops:
//  it is bad input now, named with its file, line and value, in each format.
static void
test_negative_process (void **state)
{
    (void) state;
    const char *jsonl =
        "{\"process\":\"n1\",\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
        "{\"process\":-1,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\n";
    assert_int_equal (s_check ("n.jsonl", jsonl, "register", NULL), S_BAD);
    assert_non_null (strstr (s_error, "n.jsonl:2: process -1 is negative"));
    const char *edn = "[{:process 0, :type :invoke, :f :read, :value nil}\n"
                      " {:process -7, :type :invoke, :f :read, :value nil}]\n";
    assert_int_equal (s_check ("n.edn", edn, "register", NULL), S_BAD);
    assert_non_null (strstr (s_error, "n.edn:2: process -7 is negative"));
    const char *log = "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
                      "INFO  jepsen.util - -60\t:invoke\t:read\tnil\n";
    assert_int_equal (s_check ("n.log", log, "register", NULL), S_BAD);
    assert_non_null (strstr (s_error, "n.log:2: process -60 is negative"));
    //  process 0 and the first name are two processes, each op its own;
    //  errors name a named process by its name
    const char *two =
        "{:process \"n1\", :type :invoke, :f :write, :value 1}\n"
        "{:process 0, :type :invoke, :f :write, :value 2}\n"
        "{:process 0, :type :ok, :f :write, :value 2}\n"
        "{:process \"n1\", :type :ok, :f :write, :value 1}\n"
        "{:process 1, :type :invoke, :f :read, :value nil}\n"
        "{:process 1, :type :ok, :f :read, :value 1}\n";
    assert_int_equal (s_check ("two.edn", two, "register", NULL), CHECK_VALID);
    const char *busy = "{:process \"n1\", :type :invoke, :f :read, :value nil}\n"
                       "{:process :n1, :type :invoke, :f :read, :value nil}\n";
    assert_int_equal (s_check ("b.edn", busy, "register", NULL), S_BAD);
    assert_non_null (strstr (s_error, "b.edn:2: invoke on process 'n1' while"));
}

//  EDN's keyword rules: what --to-edn may write as :f, and what it must not.
static void
test_edn_keyword_name (void **state)
{
    (void) state;
    const char *yes [] = { "read", "cas", "a/b", "ok?", "-x", "+", ".a", "a:b",
                           "a#b", "nil", "x1", "<=>", "$%&", "caf\xc3\xa9" };
    const char *no [] = { "", "a,pend", "ad d", "1st", "-1", "+2", ".3", ".5a", ":x",
                          "#x", "a::b", "a:", "/", "a/", "/b", "a/b/c", "a\"b",
                          "a;b", "a(b", "a\\b", "a@b", "a^b", "a~b", "a`b", "a'b" };
    for (size_t i = 0; i < sizeof yes / sizeof yes [0]; i++)
        if (!edn_keyword_name (yes [i]))
            fail_msg ("'%s' is a keyword's name", yes [i]);
    for (size_t i = 0; i < sizeof no / sizeof no [0]; i++)
        if (edn_keyword_name (no [i]))
            fail_msg ("'%s' is not a keyword's name", no [i]);
}

//  The history as --to-edn writes it (malloc'd).
static char *
s_edn_of (const ophistory_t *h, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream (&text, len);
    assert_non_null (out);
    assert_int_equal (ophistory_write_edn (h, out), 0);
    fclose (out);
    return text;
}

//  --to-edn keeps a real a real: 1.0 written "1" read back as the integer
//  1, turning an invalid history (write 1.0, read 1) valid, and #{1 1.0}
//  into #{1 1}, which no reader takes.
static void
test_edn_reals_stay_reals (void **state)
{
    (void) state;
    const char *jsonl = "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1.0}\n"
                        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1.0}\n"
                        "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"value\":[-0.0,0.5]}\n"
                        "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n";
    char *error = NULL;
    ophistory_t *h = ophistory_parse ("r.jsonl", jsonl, strlen (jsonl), OPHISTORY_JSONL, &error);
    assert_non_null (h);
    size_t len;
    char *edn = s_edn_of (h, &len);
    if (!strstr (edn, ":value 1.0") || !strstr (edn, ":value [-0.0 0.5]"))
        fail_msg ("reals not kept reals in\n%s", edn);
    assert_int_equal (s_check ("r.jsonl", jsonl, "register", NULL), CHECK_INVALID);
    assert_int_equal (s_check ("r.edn", edn, "register", NULL), CHECK_INVALID);
    free (edn);
    ophistory_destroy (&h);
}

//  An f or a process name that is no keyword's name (the fuzz test made
//  "a,pend" and "ad d") is written as a string, and reads back the same;
//  a name that starts with a colon keeps it; keywords stay keywords.
static void
test_edn_odd_names (void **state)
{
    (void) state;
    const char *fs [] = { "a,pend", "ad d", "", "1st", "-1", "::x", "a\\\"q\\\\",
                          "a/b/c", "read", "a/b", "ok?" };
    const char *processes [] = { "0", "\"n1\"", "\"::n2\"", "\"::nemesis\"" };
    size_t nfs = sizeof fs / sizeof fs [0];
    char jsonl [4096] = "";
    for (size_t i = 0; i < nfs; i++)
        for (int t = 0; t < 2; t++) {
            size_t used = strlen (jsonl);
            snprintf (jsonl + used, sizeof jsonl - used,
                      "{\"process\":%s,\"type\":\"%s\",\"f\":\"%s\",\"value\":1}\n",
                      processes [i % 4], t? "ok": "invoke", fs [i]);
        }
    char *error = NULL;
    ophistory_t *h = ophistory_parse ("o.jsonl", jsonl, strlen (jsonl), OPHISTORY_JSONL, &error);
    assert_non_null (h);
    size_t len;
    char *edn = s_edn_of (h, &len);
    const char *written [] = { ":f \"a,pend\"", ":f \"ad d\"", ":f \"\",", ":f \"1st\"",
                               ":f \"-1\"", ":f \"::x\"", ":f \"a\\\"q\\\\\"", ":f \"a/b/c\"",
                               ":f :read,", ":f :a/b,", ":f :ok?,", ":process \"n1\"",
                               ":process \"::n2\"", ":process \"::nemesis\"" };
    for (size_t i = 0; i < sizeof written / sizeof written [0]; i++)
        if (!strstr (edn, written [i]))
            fail_msg ("no %s in\n%s", written [i], edn);
    ophistory_t *back = ophistory_parse ("o.edn", edn, len, OPHISTORY_EDN, &error);
    if (!back)
        fail_msg ("%s reading back\n%s", error, edn);
    assert_int_equal (ophistory_size (back), nfs);
    for (size_t i = 0; i < nfs; i++) {
        const op_t *a = ophistory_op (h, i), *b = ophistory_op (back, i);
        assert_string_equal (a->f, b->f);
        assert_int_equal (b->type, OP_OK);
        const char *name = ophistory_process_name (back, b->process);
        if (i % 4 == 0)
            assert_int_equal (b->process, 0);
        else
            assert_string_equal (name, ophistory_process_name (h, a->process));
    }
    size_t len2;
    char *again = s_edn_of (back, &len2);
    assert_string_equal (again, edn);
    free (again);
    free (edn);
    ophistory_destroy (&back);
    ophistory_destroy (&h);
    //  So does a map key that starts with a colon: written "::a", as :a it
    //  would be the key a twice (and a key twice is refused)
    const char *keys = "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":{\"a\":1,\":a\":2}}\n";
    h = ophistory_parse ("k.jsonl", keys, strlen (keys), OPHISTORY_JSONL, &error);
    assert_non_null (h);
    edn = s_edn_of (h, &len);
    if (!strstr (edn, ":value {:a 1, \"::a\" 2}"))
        fail_msg ("no :value {:a 1, \"::a\" 2} in\n%s", edn);
    back = ophistory_parse ("k.edn", edn, len, OPHISTORY_EDN, &error);
    if (!back)
        fail_msg ("%s reading back\n%s", error, edn);
    again = s_edn_of (back, &len2);
    assert_string_equal (again, edn);
    free (again);
    free (edn);
    ophistory_destroy (&back);
    ophistory_destroy (&h);
}

//  Run a shell command (from the repo root, where the tests run); its exit
//  status, its stdout in out (at most len bytes).
static int
s_run (char *out, size_t len, const char *format, ...)
{
    char command [1024];
    va_list args;
    va_start (args, format);
    vsnprintf (command, sizeof command, format, args);
    va_end (args);
    FILE *pipe = popen (command, "r");
    assert_non_null (pipe);
    size_t got = fread (out, 1, len - 1, pipe);
    out [got] = 0;
    int status = pclose (pipe);
    return WIFEXITED (status)? WEXITSTATUS (status): -1;
}

//  ./harness check: a bad --init is a usage error (64); --json prints an
//  object with "error" for bad data (65); a manifest's expected verdict
//  must be valid, invalid or unknown; --report pages of ../x.edn and
//  x.edn do not overwrite each other.
static void
test_cli (void **state)
{
    (void) state;
    char cwd [512], out [4096];
    assert_non_null (getcwd (cwd, sizeof cwd));
    char sub [256];
    snprintf (sub, sizeof sub, "%s/sub", tap_dir);
    assert_int_equal (mkdir (sub, 0700), 0);
    const char *valid = "{:process 0, :type :invoke, :f :write, :value 1}\n"
                        "{:process 0, :type :ok, :f :write, :value 1}\n";
    assert_int_equal (s_check ("x.edn", valid, "register", NULL), CHECK_VALID);
    assert_int_equal (s_check ("sub/x.edn", valid, "register", NULL), CHECK_VALID);
    assert_int_equal (s_run (out, sizeof out, "%s/harness check --init '{:x' %s/x.edn 2>/dev/null",
                             cwd, tap_dir), 64);
    assert_int_equal (s_check ("junk.txt", "no events here\n", NULL, NULL), S_BAD);
    assert_int_equal (s_run (out, sizeof out, "%s/harness check --json %s/junk.txt 2>/dev/null",
                             cwd, tap_dir), 65);
    assert_non_null (strstr (out, "\"error\":"));
    assert_non_null (strstr (out, "no history events"));
    assert_int_equal (s_check ("m.tsv", "file\tformat\tmodel\tinit\texpected\n"
                                        "x.edn\tedn\tregister\t\tmaybe\n", NULL, "jsonl"), S_BAD);
    assert_int_equal (s_run (out, sizeof out, "%s/harness check --manifest %s/m.tsv 2>/dev/null",
                             cwd, tap_dir), 65);
    assert_non_null (strstr (out, "ERROR"));
    assert_int_equal (s_run (out, sizeof out, "cd %s && %s/harness check -m register --report r"
                             " ../x.edn x.edn >/dev/null && ls r | wc -l", sub, cwd), 0);
    assert_int_equal (atoi (out), 2);
}

//  A keyword is not a string: :a is not "a", as values and as keys; but
//  --init's map keys are names and match either, and :type/:f are read
//  as names whether keywords or strings.
static void
test_keywords (void **state)
{
    (void) state;
    #define WR(w, r) \
        "{:process 0, :type :invoke, :f :write, :value " w "}\n" \
        "{:process 0, :type :ok, :f :write, :value " w "}\n" \
        "{:process 1, :type :invoke, :f :read, :value nil}\n" \
        "{:process 1, :type :ok, :f :read, :value " r "}\n"
    //  |-write W-| |-read R-|
    assert_int_equal (s_check ("a.edn", WR (":a", "\"a\""), "register", NULL), CHECK_INVALID);
    assert_int_equal (s_check ("a.edn", WR ("\"a\"", ":a"), "register", NULL), CHECK_INVALID);
    assert_int_equal (s_check ("a.edn", WR (":a", ":a"), "register", NULL), CHECK_VALID);
    assert_int_equal (s_check ("a.edn", WR ("[:x {:k :v}]", "[:x {\"k\" :v}]"), "register", NULL),
                      CHECK_VALID);     // map keys by name
    #undef WR
    //  |-read: :a-|  from --init :a
    check_opts_t opts = { .model = "register", .init = ":a" };
    const char *read_a = "{:process 1, :type \"invoke\", :f \"read\", :value nil}\n"
                         "{:process 1, :type \"ok\", :f \"read\", :value :a}\n";
    assert_int_equal (s_check_opts ("i.edn", read_a, strlen (read_a), opts), CHECK_VALID);
    opts.init = "\"a\"";
    assert_int_equal (s_check_opts ("i.edn", read_a, strlen (read_a), opts), CHECK_INVALID);
    //  kv: key :x and key "x" are two registers
    const char *kv =
        "{:process 0, :type :invoke, :f :write, :key :x, :value 1}\n"
        "{:process 0, :type :ok, :f :write, :key :x, :value 1}\n"
        "{:process 1, :type :invoke, :f :read, :key %s, :value nil}\n"
        "{:process 1, :type :ok, :f :read, :key %s, :value 1}\n";
    char text [1024];
    snprintf (text, sizeof text, kv, "\"x\"", "\"x\"");
    assert_int_equal (s_check ("k.edn", text, "kv", NULL), CHECK_INVALID);
    snprintf (text, sizeof text, kv, ":x", ":x");
    assert_int_equal (s_check ("k.edn", text, "kv", NULL), CHECK_VALID);
    //  kv --init by name: {:x 5} gives :x (and "x") 5
    const char *kv_init = "{:process 1, :type :invoke, :f :read, :key :x, :value nil}\n"
                          "{:process 1, :type :ok, :f :read, :key :x, :value 5}\n";
    assert_int_equal (s_kv_init ("ki.edn", kv_init, "{:x 5}"), CHECK_VALID);
    //  A key that is a map, or holds one, finds its --init whatever order
    //  either writes the map's members in (readers sort them)
    const char *kv_map = "{:process 1, :type :invoke, :f :read, :key [1 {:y 1 :x 2}], :value nil}\n"
                         "{:process 1, :type :ok, :f :read, :key [1 {:y 1 :x 2}], :value 7}\n";
    assert_int_equal (s_kv_init ("km.edn", kv_map, "{[1 {:y 1 :x 2}] 7}"), CHECK_VALID);
    assert_int_equal (s_kv_init ("km.edn", kv_map, "{[1 {:x 2 :y 1}] 7}"), CHECK_VALID);
    assert_int_equal (s_kv_init ("km.edn", kv_map, "{[1 {:x 2 :y 1}] 8}"), CHECK_INVALID);
    const char *kj = "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":{\"y\":1,\"x\":2},\"value\":null}\n"
                     "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":{\"y\":1,\"x\":2},\"value\":7}\n";
    assert_int_equal (s_kv_init ("km.jsonl", kj, "{\"{\\\"x\\\":2,\\\"y\\\":1}\": 7}"), CHECK_VALID);
    //  multi-register: [:write "x" 1] does not write :x; --init {:x 0 :y 0}
    //  initialises the keyword keys
    const char *mr =
        "{:process 0, :type :invoke, :f :txn, :value [[:write %s 1]]}\n"
        "{:process 0, :type :ok, :f :txn, :value [[:write %s 1]]}\n"
        "{:process 1, :type :invoke, :f :txn, :value [[:read :x nil] [:read :y nil]]}\n"
        "{:process 1, :type :ok, :f :txn, :value [[:read :x 1] [:read :y 0]]}\n";
    opts = (check_opts_t) { .model = "multi-register", .init = "{:x 0 :y 0}" };
    snprintf (text, sizeof text, mr, ":x", ":x");
    assert_int_equal (s_check_opts ("mr.edn", text, strlen (text), opts), CHECK_VALID);
    snprintf (text, sizeof text, mr, "\"x\"", "\"x\"");
    assert_int_equal (s_check_opts ("mr.edn", text, strlen (text), opts), CHECK_INVALID);
    //  --to-edn writes keywords back as keywords
    snprintf (text, sizeof text, kv, ":x", ":x");
    assert_int_equal (s_check ("k.edn", text, "kv", NULL), CHECK_VALID);
    char path [160];
    snprintf (path, sizeof path, "%s/k.edn", tap_dir);
    char *edn = NULL;
    size_t len = 0;
    FILE *out = open_memstream (&edn, &len);
    opts = (check_opts_t) { .model = NULL };
    assert_int_equal (check_file_to_edn (path, &opts, out, &s_error), 0);
    fclose (out);
    assert_non_null (strstr (edn, ":key :x"));
    free (edn);
}

//  --------------------------------------------------------------------------
//  The checker's limits, each reached by name

//  No budget given: FL_CHECK_TIMEOUT_S_DEFAULT and FL_CHECK_MEMORY_MB_DEFAULT;
//  past FL_CHECK_TIMEOUT_S_MAX the timeout is that bound (no limit); threads
//  at most FL_CHECK_THREADS_MAX and one per partition, and a request for
//  more than FL_CHECK_THREADS_MAX is refused by name.
static void
test_budget_limits (void **state)
{
    (void) state;
    check_opts_t opts = { 0 };
    check_budget_t budget = check_budget (&opts, 1000);
    assert_float_equal (budget.timeout_s, FL_CHECK_TIMEOUT_S_DEFAULT, 0);
    assert_int_equal (budget.memory_mb, FL_CHECK_MEMORY_MB_DEFAULT);
    assert_true (budget.threads >= 1 && budget.threads <= FL_CHECK_THREADS_MAX);
    opts = (check_opts_t) { .timeout_s = 2.5, .memory_mb = 7, .threads = FL_CHECK_THREADS_MAX };
    budget = check_budget (&opts, 1000);
    assert_float_equal (budget.timeout_s, 2.5, 0);
    assert_int_equal (budget.memory_mb, 7);
    assert_int_equal (budget.threads, FL_CHECK_THREADS_MAX);
    assert_int_equal (check_budget (&opts, 3).threads, 3);
    opts.timeout_s = FL_CHECK_TIMEOUT_S_MAX * 1000;
    assert_float_equal (check_budget (&opts, 1).timeout_s, FL_CHECK_TIMEOUT_S_MAX, 0);
    opts = (check_opts_t) { .model = "cas-register", .threads = FL_CHECK_THREADS_MAX + 1 };
    const char *text = "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
                       "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\n";
    assert_int_equal (s_check_opts ("t.jsonl", text, strlen (text), opts), S_BAD);
    char bound [96];
    snprintf (bound, sizeof bound, "%d threads, more than %d (FL_CHECK_THREADS_MAX)",
              FL_CHECK_THREADS_MAX + 1, FL_CHECK_THREADS_MAX);
    assert_non_null (strstr (s_error, bound));
    opts.threads = FL_CHECK_THREADS_MAX;
    assert_int_equal (s_check_opts ("t.jsonl", text, strlen (text), opts), CHECK_VALID);
}

//  A write of 1, then READERS reads all invoked before any returns, each
//  returning 9, which nobody wrote: the first read to return cannot be
//  linearized and the other READERS - 1 are concurrent with it. The search
//  is trivial (no read can ever be linearized).
static check_result_t *
s_readers (int readers)
{
    char path [160];
    snprintf (path, sizeof path, "%s/readers.jsonl", tap_dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs ("{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
           "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\n", file);
    for (int p = 1; p <= readers; p++)
        fprintf (file, "{\"process\":%d,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n", p);
    for (int p = 1; p <= readers; p++)
        fprintf (file, "{\"process\":%d,\"type\":\"ok\",\"f\":\"read\",\"value\":9}\n", p);
    fclose (file);
    check_opts_t opts = { .model = "cas-register", .threads = 1 };
    free (s_error);
    s_error = NULL;
    check_result_t *result = check_file (path, &opts, &s_error);
    assert_non_null (result);
    assert_int_equal (check_result_verdict (result), CHECK_INVALID);
    return result;
}

//  At most FL_CHECK_EXPLAIN_OPS_MAX concurrent ops are listed; the rest
//  are counted, in the JSON (concurrent_more) and the explanation.
static void
test_explain_ops_max (void **state)
{
    (void) state;
    for (int more = 0; more <= 2; more += 2) {
        check_result_t *result = s_readers (FL_CHECK_EXPLAIN_OPS_MAX + 1 + more);
        json_t *json = check_result_json (result);
        assert_int_equal (json_array_size (json_object_get (json, "concurrent")),
                          FL_CHECK_EXPLAIN_OPS_MAX);
        assert_int_equal (json_integer_value (json_object_get (json, "concurrent_more")), more);
        json_decref (json);
        char *explain = NULL;
        size_t len = 0;
        FILE *mem = open_memstream (&explain, &len);
        check_result_explain (result, mem);
        fclose (mem);
        if (more)
            assert_non_null (strstr (explain, "... and 2 more"));
        else
            assert_null (strstr (explain, "more\n"));
        free (explain);
        check_result_destroy (&result);
    }
}

//  FL_HISTORY_OPS_MAX, through a smaller bound (ten million ops would take
//  gigabytes): the op past the bound is an error naming its line.
static void
test_history_ops_max (void **state)
{
    (void) state;
    const char *text = "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
                       "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\n"
                       "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":2}\n"
                       "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":2}\n"
                       "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n";
    char *error = NULL;
    ophistory_t *history = ophistory_parse_max ("h.jsonl", text, strlen (text),
                                                OPHISTORY_JSONL, 3, &error);
    assert_non_null (history);
    assert_int_equal (ophistory_size (history), 3);
    ophistory_destroy (&history);
    history = ophistory_parse_max ("h.jsonl", text, strlen (text), OPHISTORY_JSONL, 2, &error);
    assert_null (history);
    char bound [96];
    snprintf (bound, sizeof bound, "h.jsonl:5: more than 2 ops (FL_HISTORY_OPS_MAX is %d)",
              FL_HISTORY_OPS_MAX);
    if (!error || !strstr (error, bound))
        fail_msg ("error '%s' is not '%s'", error? error: "", bound);
    free (error);
}

//  Nesting FL_EDN_DEPTH_MAX deep reads; one deeper is a syntax error that
//  names the bound, whether the level is a vector or a set.
//  FL_HISTORY_FS_MAX: that many distinct f names read; one more is an
//  error naming the line and the limit.
static void
test_fs_max (void **state)
{
    (void) state;
    for (int fs = FL_HISTORY_FS_MAX; fs <= FL_HISTORY_FS_MAX + 1; fs++) {
        size_t size = (size_t) fs * 128 + 1;
        char *text = calloc (1, size);
        assert_non_null (text);
        size_t used = 0;
        for (int i = 0; i < fs; i++)
            used += (size_t) snprintf (text + used, size - used,
                "{\"process\":%d,\"type\":\"invoke\",\"f\":\"f%d\",\"value\":null}\n", i, i);
        char *error = NULL;
        ophistory_t *history = ophistory_parse ("fs.jsonl", text, used, OPHISTORY_JSONL, &error);
        free (text);
        if (fs == FL_HISTORY_FS_MAX)
            assert_non_null (history);
        else {
            assert_null (history);
            assert_non_null (error);
            char where [32];
            snprintf (where, sizeof where, "fs.jsonl:%d:", fs);
            if (!strstr (error, where) || !strstr (error, "(FL_HISTORY_FS_MAX)"))
                fail_msg ("error '%s' does not name line %d and FL_HISTORY_FS_MAX", error, fs);
        }
        free (error);
        ophistory_destroy (&history);
    }
}

static void
test_edn_depth_max (void **state)
{
    (void) state;
    for (int set = 0; set < 2; set++)
        for (int depth = FL_EDN_DEPTH_MAX; depth <= FL_EDN_DEPTH_MAX + 1; depth++) {
            char text [4 * FL_EDN_DEPTH_MAX + 8] = "";
            for (int i = 0; i < depth; i++)
                strcat (text, set && i == depth - 1? "#{": "[");
            strcat (text, set? "}": "]");
            for (int i = 1; i < depth; i++)
                strcat (text, "]");
            edn_reader_t reader;
            edn_reader_init (&reader, text, strlen (text));
            json_t *value = NULL;
            int rc = edn_read (&reader, &value);
            json_decref (value);
            if (depth == FL_EDN_DEPTH_MAX)
                assert_int_equal (rc, 1);
            else {
                assert_int_equal (rc, -1);
                char bound [64];
                snprintf (bound, sizeof bound, "nesting deeper than %d (FL_EDN_DEPTH_MAX)",
                          FL_EDN_DEPTH_MAX);
                assert_non_null (strstr (reader.error, bound));
            }
        }
}

//  A page of FL_REPORT_TITLED_OPS_MAX ops titles each; one op more and it
//  says that only the marked ops have hover text.
static void
test_titled_ops_max (void **state)
{
    (void) state;
    char path [160], page [160];
    snprintf (path, sizeof path, "%s/titled.jsonl", tap_dir);
    snprintf (page, sizeof page, "%s/titled.html", tap_dir);
    for (int ops = FL_REPORT_TITLED_OPS_MAX; ops <= FL_REPORT_TITLED_OPS_MAX + 1; ops++) {
        FILE *file = fopen (path, "w");
        assert_non_null (file);
        for (int i = 0; i < ops; i++)
            fprintf (file, "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":%d}\n"
                     "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":%d}\n", i, i);
        fclose (file);
        check_opts_t opts = { .model = "cas-register", .threads = 1 };
        free (s_error);
        s_error = NULL;
        check_result_t *result = check_file (path, &opts, &s_error);
        assert_non_null (result);
        assert_int_equal (check_result_report_html (result, page), 0);
        check_result_destroy (&result);
        file = fopen (page, "r");
        assert_non_null (file);
        char *html = calloc (1, 4 * 1024 * 1024);
        assert_non_null (html);
        size_t size = fread (html, 1, 4 * 1024 * 1024 - 1, file);
        fclose (file);
        assert_true (size > 0);
        char note [96];
        snprintf (note, sizeof note, "%d ops, more than %d (FL_REPORT_TITLED_OPS_MAX)",
                  ops, FL_REPORT_TITLED_OPS_MAX);
        if (ops > FL_REPORT_TITLED_OPS_MAX)
            assert_non_null (strstr (html, note));
        else
            assert_null (strstr (html, "FL_REPORT_TITLED_OPS_MAX"));
        free (html);
    }
}

static int
s_teardown (void **state)
{
    (void) state;
    free (s_error);
    s_error = NULL;
    return tap_dir_remove (state);
}

int
main (void)
{
    tap_start (120);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_nil_per_model),
        cmocka_unit_test (test_log_timed_out),
        cmocka_unit_test (test_no_events),
        cmocka_unit_test (test_real_jepsen_output),
        cmocka_unit_test (test_memory_bound),
        cmocka_unit_test (test_pqueue_vs_plain),
        cmocka_unit_test (test_guess_kv),
        cmocka_unit_test (test_timeout_clamp),
        cmocka_unit_test (test_edn_equality),
        cmocka_unit_test (test_byte_order_mark),
        cmocka_unit_test (test_edn_reals_stay_reals),
        cmocka_unit_test (test_keywords),
        cmocka_unit_test (test_process_names),
        cmocka_unit_test (test_negative_process),
        cmocka_unit_test (test_edn_keyword_name),
        cmocka_unit_test (test_edn_odd_names),
        cmocka_unit_test (test_cli),
        cmocka_unit_test (test_budget_limits),
        cmocka_unit_test (test_explain_ops_max),
        cmocka_unit_test (test_history_ops_max),
        cmocka_unit_test (test_edn_depth_max),
        cmocka_unit_test (test_fs_max),
        cmocka_unit_test (test_titled_ops_max),
    };
    return cmocka_run_group_tests_name ("checker_semantics", tests, tap_dir_make, s_teardown);
}
