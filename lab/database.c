/*  database.c -- the table of real databases (database.h).

    Each row is data: argv templates per role, a probe template, the stop
    signal, the shim and its --param templates, and whether libfaketime
    reaches the server. Templates are word lists; each word may hold
    placeholders (database.h) expanded per node. Only a config file a
    server insists on reading from disk (redis-sentinel's) is code: a
    row's prepare function.

    etcd (3.4, /usr/bin/etcd): a static N-member cluster, every member
    named nK, clients on ADDR:2379 and peers on ADDR:2380. Heartbeat 50 ms
    and election timeout 500 ms (etcd's defaults are 100 and 1000; its
    tuning guide asks for an election timeout of 5-10 heartbeats, and the
    lab's links are a bridge in one machine, so a tenth of a second of
    round trip is already a fault): a lost leader is replaced in about a
    second, well inside a scenario's fault window.

    Redis (7.0): redis-server on ADDR:6379, node 1 the first primary and
    the others its replicas ("replicaof no one" on node 1, which Redis's
    config reader accepts, so every node has the same words), AOF on,
    RDB snapshots off, full resyncs at once (Redis 7 waits 5 s for more
    replicas to share a diskless transfer, and a demoted primary would
    still hold its own writes when the run ends), and each server and Sentinel announces its own
    address (else a peer sees the address a connection came from, which
    on a shared loopback is 127.0.0.1 for all); a redis-sentinel per node on ADDR:26379 watching
    "fl" with quorum 2, down-after 1000 ms and failover-timeout 3000 ms, so
    a primary cut off from the majority is replaced in 2-4 s.
*/
#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "limits.h"
#include "lab/database.h"

#define DATABASE_ROLES_MAX  4
#define DATABASE_WORDS_MAX  48

typedef int (database_prepare_fn) (int k, int n, const char *const *addrs,
                                   const char *data_dir);

struct database {
    const char *name;
    const char *workloads;      //  what the shim speaks, "lin-kv, g-set"
    const char *roles [DATABASE_ROLES_MAX + 1];
    //  argv template per role, same order as roles, NULL-terminated
    const char *argv [DATABASE_ROLES_MAX][DATABASE_WORDS_MAX];
    database_prepare_fn *prepare [DATABASE_ROLES_MAX];
    const char *probe [DATABASE_WORDS_MAX];
    const char *shim;
    const char *shim_params [DATABASE_WORDS_MAX];
    int stop_signal;
    bool faketime;
};

static int s_redis_sentinel_prepare (int k, int n, const char *const *addrs,
                                     const char *data_dir);

static const database_t s_table [] = {
    {
        .name = "etcd",
        .workloads = "lin-kv",
        .roles = { "server", NULL },
        .argv = { {
            "etcd", "--name", "{name}", "--data-dir", "{data}",
            "--listen-client-urls", "http://{addr}:2379",
            "--advertise-client-urls", "http://{addr}:2379",
            "--listen-peer-urls", "http://{addr}:2380",
            "--initial-advertise-peer-urls", "http://{addr}:2380",
            "--initial-cluster", "{cluster}",
            "--initial-cluster-state", "new",
            "--initial-cluster-token", "faultlab",
            "--heartbeat-interval", "50", "--election-timeout", "500",
            "--logger", "zap", "--log-outputs", "{run}/{name}.etcd.log",
            NULL } },
        .probe = { "{bin}/node-etcd", "--probe", "http://{addr}:2379", NULL },
        .shim = "node-etcd",
        .shim_params = { "--param", "member=http://{addr}:2379", NULL },
        .stop_signal = SIGTERM,
        .faketime = false
    },
    {
        .name = "redis",
        .workloads = "lin-kv, g-set",
        .roles = { "server", "sentinel", NULL },
        .argv = { {
            "redis-server", "--port", "6379", "--bind", "{addr}",
            "--protected-mode", "no", "--daemonize", "no",
            "--dir", "{data}", "--save", "", "--appendonly", "yes",
            "--replicaof", "{primary_host}", "{primary_port}",
            "--replica-announce-ip", "{addr}", "--repl-diskless-sync-delay", "0",
            "--logfile", "{run}/{name}.redis.log", NULL
        }, {
            "redis-sentinel", "{data}/sentinel.conf", NULL
        } },
        .prepare = { NULL, s_redis_sentinel_prepare },
        .probe = { "{bin}/node-redis", "--probe", "{addr}", NULL },
        .shim = "node-redis",
        .shim_params = { "--param", "addr={addr}", NULL },
        .stop_signal = SIGTERM,
        .faketime = true
    }
};
#define DATABASE_COUNT (sizeof s_table / sizeof s_table [0])

const database_t *
database_find (const char *system)
{
    for (size_t index = 0; system && index < DATABASE_COUNT; index++)
        if (strcmp (s_table [index].name, system) == 0)
            return &s_table [index];
    return NULL;
}

const char *
database_names (void)
{
    //  Built from the table once, so a new row is named without an edit here.
    static char names [256];
    if (!*names)
        for (size_t index = 0; index < DATABASE_COUNT; index++)
            snprintf (names + strlen (names), sizeof names - strlen (names), "%s%s",
                      index? ", ": "", s_table [index].name);
    return names;
}

const char *
database_name (const database_t *db)
{
    assert (db);
    return db->name;
}

const char *
database_workloads (const database_t *db)
{
    assert (db);
    return db->workloads;
}

const char *const *
database_roles (const database_t *db)
{
    assert (db);
    return db->roles;
}

int
database_stop_signal (const database_t *db)
{
    assert (db);
    return db->stop_signal;
}

const char *
database_shim (const database_t *db)
{
    assert (db);
    return db->shim;
}

bool
database_faketime (const database_t *db)
{
    assert (db);
    return db->faketime;
}


//  --------------------------------------------------------------------------
//  Templates

typedef struct {
    int k, n;
    const char *const *addrs;
    const char *data_dir, *run_dir, *bin_dir;
} database_vars_t;

//  The text of placeholder NAME (without braces) into a malloc'd string,
//  or NULL when NAME is unknown or its value is missing.
static char *
s_value (const database_vars_t *vars, const char *name, size_t len)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    bool known = true;
    const char *addr = vars->addrs [vars->k - 1];
    if (len == 4 && strncmp (name, "addr", len) == 0)
        fputs (addr, out);
    else
    if (len == 4 && strncmp (name, "name", len) == 0)
        fprintf (out, "n%d", vars->k);
    else
    if (len == 4 && strncmp (name, "data", len) == 0 && vars->data_dir)
        fputs (vars->data_dir, out);
    else
    if (len == 3 && strncmp (name, "run", len) == 0 && vars->run_dir)
        fputs (vars->run_dir, out);
    else
    if (len == 3 && strncmp (name, "bin", len) == 0 && vars->bin_dir)
        fputs (vars->bin_dir, out);
    else
    if (len == 7 && strncmp (name, "cluster", len) == 0)
        for (int index = 0; index < vars->n; index++)
            fprintf (out, "%sn%d=http://%s:2380", index? ",": "", index + 1,
                     vars->addrs [index]);
    else
    if (len == 12 && strncmp (name, "primary_host", len) == 0)
        fputs (vars->k == 1? "no": vars->addrs [0], out);
    else
    if (len == 12 && strncmp (name, "primary_port", len) == 0)
        fputs (vars->k == 1? "one": "6379", out);
    else
        known = false;
    fclose (out);
    if (!known) {
        free (text);
        return NULL;
    }
    return text;
}

//  One template word expanded, or NULL when a placeholder is unknown.
static char *
s_expand (const database_vars_t *vars, const char *word)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    bool ok = true;
    while (*word && ok) {
        const char *close = *word == '{'? strchr (word, '}'): NULL;
        if (!close) {
            fputc (*word++, out);
            continue;
        }
        char *value = s_value (vars, word + 1, (size_t) (close - word - 1));
        if (value)
            fputs (value, out);
        ok = value != NULL;
        free (value);
        word = close + 1;
    }
    fclose (out);
    if (!ok) {
        free (text);
        return NULL;
    }
    return text;
}

//  A template expanded into a new argv, or NULL if a word cannot be.
static char **
s_argv (const database_vars_t *vars, const char *const *template)
{
    size_t count = 0;
    while (template [count])
        count++;
    char **argv = (char **) calloc (count + 1, sizeof (char *));
    assert (argv);
    for (size_t index = 0; index < count; index++) {
        argv [index] = s_expand (vars, template [index]);
        if (!argv [index]) {
            database_argv_free (argv);
            return NULL;
        }
    }
    return argv;
}

static bool
s_vars_ok (int k, int n, const char *const *addrs)
{
    if (n < 1 || n > FL_NODES_MAX || k < 1 || k > n || !addrs)
        return false;
    for (int index = 0; index < n; index++)
        if (!addrs [index] || !*addrs [index])
            return false;
    return true;
}

static int
s_role_index (const database_t *db, const char *role)
{
    for (int index = 0; role && db->roles [index]; index++)
        if (strcmp (db->roles [index], role) == 0)
            return index;
    return -1;
}

char **
database_argv (const database_t *db, const char *role, int k, int n,
               const char *const *addrs, const char *data_dir,
               const char *run_dir)
{
    assert (db);
    int index = s_role_index (db, role);
    if (index < 0 || !s_vars_ok (k, n, addrs))
        return NULL;
    database_vars_t vars = { k, n, addrs, data_dir, run_dir, NULL };
    return s_argv (&vars, db->argv [index]);
}

void
database_argv_free (char **argv)
{
    for (size_t index = 0; argv && argv [index]; index++)
        free (argv [index]);
    free (argv);
}

char **
database_probe_argv (const database_t *db, int k, int n,
                     const char *const *addrs, const char *bin_dir)
{
    assert (db);
    if (!s_vars_ok (k, n, addrs))
        return NULL;
    database_vars_t vars = { k, n, addrs, NULL, NULL, bin_dir? bin_dir: "bin" };
    return s_argv (&vars, db->probe);
}

char **
database_shim_params (const database_t *db, int k, int n,
                      const char *const *addrs)
{
    assert (db);
    if (!s_vars_ok (k, n, addrs))
        return NULL;
    database_vars_t vars = { k, n, addrs, NULL, NULL, NULL };
    return s_argv (&vars, db->shim_params);
}

int
database_prepare (const database_t *db, const char *role, int k, int n,
                  const char *const *addrs, const char *data_dir)
{
    assert (db);
    int index = s_role_index (db, role);
    if (index < 0 || !s_vars_ok (k, n, addrs) || !data_dir) {
        errno = EINVAL;
        return -1;
    }
    //  0700: etcd warns of a data directory others may read.
    if (mkdir (data_dir, 0700) && errno != EEXIST)
        return -1;
    if (!db->prepare [index])
        return 0;
    return db->prepare [index] (k, n, addrs, data_dir);
}


//  --------------------------------------------------------------------------
//  Redis's sentinel.conf: redis-sentinel refuses to start without a config
//  file it can rewrite (it records what it learns there).

static int
s_redis_sentinel_prepare (int k, int n, const char *const *addrs,
                          const char *data_dir)
{
    char path [FL_DB_PATH_BYTES_MAX];
    if (snprintf (path, sizeof path, "%s/sentinel.conf", data_dir) >= (int) sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    FILE *file = fopen (path, "w");
    if (!file)
        return -1;
    fprintf (file,
        "port 26379\n"
        "bind %s\n"
        "sentinel announce-ip %s\n"
        "protected-mode no\n"
        "daemonize no\n"
        "dir %s\n"
        "logfile %s/sentinel.log\n"
        "sentinel monitor fl %s 6379 2\n"
        "sentinel down-after-milliseconds fl 1000\n"
        "sentinel failover-timeout fl 3000\n"
        "sentinel parallel-syncs fl 1\n",
        addrs [k - 1], addrs [k - 1], data_dir, data_dir, addrs [0]);
    //  The replicas, known from the start: a Sentinel otherwise learns
    //  them from the primary's INFO, every 10 s, and one that knows none
    //  when the primary goes down aborts its failover (no good replica).
    for (int index = 1; index < n; index++)
        fprintf (file, "sentinel known-replica fl %s 6379\n", addrs [index]);
    return fclose (file)? -1: 0;
}
