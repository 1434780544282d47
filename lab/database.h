/*  database.h -- the table of real databases the lab can run as a system
    (--system etcd, --system redis): what to start in each node's network
    namespace, how to tell it is ready, how to stop it, and which shim
    (a Maelstrom lin-kv node on nodes/lib) stands in front of it.

    Module lab owns it. One row per database: an argv template per role
    (a role is one process per node: "server", and for Redis "sentinel"),
    a readiness probe, the stop signal, the shim and the --param words it
    needs, and whether libfaketime can skew it. Adding a database (say
    ZooKeeper, or a user's own server binary) is one more row in
    database.c (docs/real-databases.md says how). Pure: it builds vectors
    and starts nothing; the plane (lab.c, netplane) runs them inside the
    namespaces.

    Template words (database.c) expand per node K of N:
        {addr}       node K's namespace IPv4 address (addrs [K-1])
        {name}       "nK"
        {data}       node K's data directory (kept across kill/restart)
        {run}        the run directory
        {cluster}    etcd's "n1=http://A1:2380,n2=http://A2:2380,..."
        {primary}    node 1's address (Redis: the first primary)
        {bin}        the directory holding the lab's programs
    A word that expands to nothing is dropped, so a role can say
    "--replicaof {primary} 6379" only for replicas (see database.c).
*/
#ifndef FL_DATABASE_H_INCLUDED
#define FL_DATABASE_H_INCLUDED

#include <stdbool.h>

typedef struct database database_t;   //  one row of the table

//  The row for SYSTEM ("etcd", "redis"), or NULL when it is not a database.
const database_t *database_find (const char *system);

//  The table's names, for error messages: "etcd, redis".
const char *database_names (void);

//  The row's system name ("etcd").
const char *database_name (const database_t *db);

//  The workloads its shim speaks, as lab_system_workload lists them:
//  "lin-kv" for etcd, "lin-kv, g-set" for Redis.
const char *database_workloads (const database_t *db);

//  The roles, in start order, NULL-terminated: {"server", NULL} for etcd,
//  {"server", "sentinel", NULL} for Redis.
const char *const *database_roles (const database_t *db);

//  Per node K (1-based) of N, the process of ROLE to start in K's
//  namespace, as a malloc'd NULL-terminated argv (free it with
//  database_argv_free). addrs holds N namespace IPv4 addresses as text;
//  data_dir is RUN_DIR/data/nK (kept across kill/restart); logs go under
//  run_dir. Creates nothing on disk except the sentinel's config file,
//  which redis-sentinel must be given writable: database_prepare writes
//  it. Returns NULL when the db has no such role, or K/N are out of range.
char **database_argv (const database_t *db, const char *role, int k,
                      int n, const char *const *addrs, const char *data_dir,
                      const char *run_dir);
void database_argv_free (char **argv);

//  Makes data_dir (mode 0700, if missing) and writes the files ROLE needs
//  in it before it starts (Redis's sentinel.conf); returns 0, or -1 with
//  errno set. The plane calls it before each first start of ROLE on node
//  K (not on restart: the sentinel rewrites its file as it learns).
int database_prepare (const database_t *db, const char *role, int k, int n,
                      const char *const *addrs, const char *data_dir);

//  Readiness: an argv to run inside node K's namespace that exits 0 once
//  member K is ready (bin/node-etcd --probe http://ADDR:2379; redis-cli -h
//  ADDR ping). The plane runs it until 0 or FL_DB_READY_MS. bin_dir is
//  where bin/node-etcd lives ("bin" in the tree).
char **database_probe_argv (const database_t *db, int k, int n,
                            const char *const *addrs, const char *bin_dir);

//  The signal that stops a server cleanly (SIGTERM).
int database_stop_signal (const database_t *db);

//  The shim's program name under bin/ ("node-etcd", "node-redis").
const char *database_shim (const database_t *db);

//  The --param K=V words the shim on node K needs (its member's address,
//  ...), as a malloc'd NULL-terminated argv of alternating "--param" and
//  "K=V" (free with database_argv_free). Scenario params (reads=
//  serializable, wait=N) are the plane's to append after these.
char **database_shim_params (const database_t *db, int k, int n,
                             const char *const *addrs);

//  Whether libfaketime can skew the server's clock: true for Redis (it
//  reads time through libc), false for etcd (a Go binary reads the clock
//  through the vDSO directly, so LD_PRELOAD does not reach it).
bool database_faketime (const database_t *db);

#endif
