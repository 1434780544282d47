/*  lab_database.c -- the table of real databases: argv built right for N
    nodes, probes and shim params per node, unknown systems and roles
    NULL, out-of-range nodes refused, and the sentinel's config file.
*/
#include "tap.h"
#include <signal.h>
#include <string.h>
#include "../../lab/database.h"

static const char *const s_addrs [] = { "10.91.0.1", "10.91.0.2", "10.91.0.3",
                                         "10.91.0.4", "10.91.0.5" };

//  The word after FLAG in argv, or NULL.
static const char *
s_after (char **argv, const char *flag)
{
    for (int index = 0; argv [index]; index++)
        if (strcmp (argv [index], flag) == 0)
            return argv [index + 1];
    return NULL;
}

//  The word two after FLAG in argv, or NULL.
static const char *
s_after2 (char **argv, const char *flag)
{
    for (int index = 0; argv [index]; index++)
        if (strcmp (argv [index], flag) == 0)
            return argv [index + 1]? argv [index + 2]: NULL;
    return NULL;
}

static int
s_count (char **argv)
{
    int count = 0;
    while (argv [count])
        count++;
    return count;
}

static void
test_find (void **state)
{
    (void) state;
    assert_non_null (database_find ("etcd"));
    assert_non_null (database_find ("redis"));
    assert_null (database_find ("raft"));
    assert_null (database_find ("zookeeper"));
    assert_null (database_find (NULL));
    assert_string_equal (database_names (), "etcd, redis");
    assert_string_equal (database_name (database_find ("redis")), "redis");
    assert_string_equal (database_workloads (database_find ("etcd")), "lin-kv");
    assert_string_equal (database_workloads (database_find ("redis")), "lin-kv, g-set");
    assert_string_equal (database_shim (database_find ("etcd")), "node-etcd");
    assert_string_equal (database_shim (database_find ("redis")), "node-redis");
    assert_int_equal (database_stop_signal (database_find ("etcd")), SIGTERM);
    assert_false (database_faketime (database_find ("etcd")));
    assert_true (database_faketime (database_find ("redis")));
    const char *const *roles = database_roles (database_find ("redis"));
    assert_string_equal (roles [0], "server");
    assert_string_equal (roles [1], "sentinel");
    assert_null (roles [2]);
    roles = database_roles (database_find ("etcd"));
    assert_string_equal (roles [0], "server");
    assert_null (roles [1]);
}

static void
test_etcd_argv (void **state)
{
    (void) state;
    const database_t *db = database_find ("etcd");
    for (int n = 1; n <= 5; n += 2) {
        char **argv = database_argv (db, "server", n, n, s_addrs, "/r/data/nX", "/r");
        assert_non_null (argv);
        assert_string_equal (argv [0], "etcd");
        char name [8], url [64];
        snprintf (name, sizeof name, "n%d", n);
        assert_string_equal (s_after (argv, "--name"), name);
        assert_string_equal (s_after (argv, "--data-dir"), "/r/data/nX");
        snprintf (url, sizeof url, "http://10.91.0.%d:2379", n);
        assert_string_equal (s_after (argv, "--listen-client-urls"), url);
        assert_string_equal (s_after (argv, "--advertise-client-urls"), url);
        snprintf (url, sizeof url, "http://10.91.0.%d:2380", n);
        assert_string_equal (s_after (argv, "--listen-peer-urls"), url);
        assert_string_equal (s_after (argv, "--initial-advertise-peer-urls"), url);
        assert_string_equal (s_after (argv, "--initial-cluster-state"), "new");
        const char *cluster = s_after (argv, "--initial-cluster");
        if (n == 1)
            assert_string_equal (cluster, "n1=http://10.91.0.1:2380");
        if (n == 3)
            assert_string_equal (cluster, "n1=http://10.91.0.1:2380,"
                                 "n2=http://10.91.0.2:2380,n3=http://10.91.0.3:2380");
        if (n == 5)
            assert_int_equal (strlen (cluster), 5 * strlen ("n1=http://10.91.0.1:2380") + 4);
        snprintf (url, sizeof url, "/r/n%d.etcd.log", n);
        assert_string_equal (s_after (argv, "--log-outputs"), url);
        database_argv_free (argv);
    }
    assert_null (database_argv (db, "sentinel", 1, 3, s_addrs, "/d", "/r"));
    assert_null (database_argv (db, "nonsense", 1, 3, s_addrs, "/d", "/r"));
    assert_null (database_argv (db, NULL, 1, 3, s_addrs, "/d", "/r"));
    assert_null (database_argv (db, "server", 0, 3, s_addrs, "/d", "/r"));
    assert_null (database_argv (db, "server", 4, 3, s_addrs, "/d", "/r"));
    assert_null (database_argv (db, "server", 1, 0, s_addrs, "/d", "/r"));
    const char *holes [] = { "10.91.0.1", NULL, "10.91.0.3" };
    assert_null (database_argv (db, "server", 1, 3, holes, "/d", "/r"));
    database_argv_free (NULL);
}

static void
test_redis_argv (void **state)
{
    (void) state;
    const database_t *db = database_find ("redis");
    char **argv = database_argv (db, "server", 1, 3, s_addrs, "/r/data/n1", "/r");
    assert_non_null (argv);
    assert_string_equal (argv [0], "redis-server");
    assert_string_equal (s_after (argv, "--bind"), "10.91.0.1");
    assert_string_equal (s_after (argv, "--dir"), "/r/data/n1");
    assert_string_equal (s_after (argv, "--save"), "");
    assert_string_equal (s_after (argv, "--appendonly"), "yes");
    assert_string_equal (s_after (argv, "--replicaof"), "no");   //  "replicaof no one"
    assert_string_equal (s_after2 (argv, "--replicaof"), "one");
    assert_string_equal (s_after (argv, "--logfile"), "/r/n1.redis.log");
    int count = s_count (argv);
    database_argv_free (argv);
    argv = database_argv (db, "server", 3, 3, s_addrs, "/r/data/n3", "/r");
    assert_int_equal (s_count (argv), count);
    assert_string_equal (s_after (argv, "--bind"), "10.91.0.3");
    assert_string_equal (s_after (argv, "--replicaof"), "10.91.0.1");
    assert_string_equal (s_after2 (argv, "--replicaof"), "6379");
    database_argv_free (argv);
    argv = database_argv (db, "sentinel", 2, 3, s_addrs, "/r/data/n2", "/r");
    assert_string_equal (argv [0], "redis-sentinel");
    assert_string_equal (argv [1], "/r/data/n2/sentinel.conf");
    assert_null (argv [2]);
    database_argv_free (argv);
    assert_null (database_argv (db, "client", 1, 3, s_addrs, "/d", "/r"));
}

static void
test_probe_and_params (void **state)
{
    (void) state;
    char **argv = database_probe_argv (database_find ("etcd"), 2, 3, s_addrs, "/x/bin");
    assert_string_equal (argv [0], "/x/bin/node-etcd");
    assert_string_equal (argv [1], "--probe");
    assert_string_equal (argv [2], "http://10.91.0.2:2379");
    assert_null (argv [3]);
    database_argv_free (argv);
    argv = database_probe_argv (database_find ("redis"), 3, 3, s_addrs, NULL);
    assert_string_equal (argv [0], "bin/node-redis");
    assert_string_equal (argv [2], "10.91.0.3");
    database_argv_free (argv);
    argv = database_shim_params (database_find ("etcd"), 3, 5, s_addrs);
    assert_string_equal (argv [0], "--param");
    assert_string_equal (argv [1], "member=http://10.91.0.3:2379");
    assert_null (argv [2]);
    database_argv_free (argv);
    argv = database_shim_params (database_find ("redis"), 5, 5, s_addrs);
    assert_string_equal (argv [1], "addr=10.91.0.5");
    database_argv_free (argv);
    assert_null (database_shim_params (database_find ("redis"), 6, 5, s_addrs));
    assert_null (database_probe_argv (database_find ("etcd"), 0, 5, s_addrs, "bin"));
}

static void
test_prepare (void **state)
{
    (void) state;
    char dir [128], path [160], text [1024];
    snprintf (dir, sizeof dir, "%s/n2", tap_dir);
    assert_int_equal (database_prepare (database_find ("etcd"), "server", 2, 3, s_addrs, dir), 0);
    assert_int_equal (database_prepare (database_find ("redis"), "server", 2, 3, s_addrs, dir), 0);
    assert_int_equal (database_prepare (database_find ("redis"), "sentinel", 2, 3, s_addrs, dir), 0);
    snprintf (path, sizeof path, "%s/sentinel.conf", dir);
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    size_t size = fread (text, 1, sizeof text - 1, file);
    text [size] = 0;
    fclose (file);
    assert_non_null (strstr (text, "bind 10.91.0.2\n"));
    assert_non_null (strstr (text, "sentinel monitor fl 10.91.0.1 6379 2\n"));
    assert_non_null (strstr (text, "down-after-milliseconds fl"));
    assert_int_equal (database_prepare (database_find ("redis"), "nonsense", 2, 3, s_addrs, dir), -1);
    assert_int_equal (database_prepare (database_find ("redis"), "sentinel", 4, 3, s_addrs, dir), -1);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_find),
        cmocka_unit_test (test_etcd_argv),
        cmocka_unit_test (test_redis_argv),
        cmocka_unit_test (test_probe_and_params),
        cmocka_unit_test (test_prepare),
    };
    return cmocka_run_group_tests_name ("lab_database", tests, tap_dir_make, tap_dir_remove);
}
