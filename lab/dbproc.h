/*  dbproc.h -- the processes of a real database (lab/database.h's table)
    on the IP plane: per node, each role's process (server, and Redis's
    sentinel) started inside the node's network namespace, waited for
    with the table's readiness probe, and the server's kill, restart,
    stop, cont and clock skew as the nemesis asks.

    A restart reuses the argv of the first start, data kept (the data
    directory RUN_DIR/data/nK is never cleared). Output of each process
    goes to RUN_DIR/nK.ROLE.out (the databases write their own logs where
    the table says). With faketime (a scenario that skews clocks) and a
    database that reads time through libc (database_faketime), servers
    start under libfaketime reading RUN_DIR/nK.faketime.
*/
#ifndef FL_DBPROC_H_INCLUDED
#define FL_DBPROC_H_INCLUDED

#include <stdbool.h>
#include "database.h"
#include "netplane.h"

typedef struct _dbproc_t dbproc_t;

//  Start every role on every node and wait until each node's probe
//  exits 0, at most FL_DB_READY_MS. NULL with *error (malloc'd) naming
//  the node and log; what was started is stopped again.
dbproc_t *dbproc_new (const database_t *db, netplane_t *plane, int nodes,
                      const char *bin_dir, const char *run_dir, bool faketime,
                      char **error);

//  Stop everything (the table's stop signal, SIGKILL after
//  FL_SHUTDOWN_GRACE_MS). Accepts NULL; nulls the pointer.
void dbproc_destroy (dbproc_t **self_p);

//  Node K's (1-based) server: SIGKILL and reap; start again with its
//  first argv; SIGSTOP / SIGCONT. 0, or -1 with *error.
int dbproc_kill (dbproc_t *self, int k);
int dbproc_restart (dbproc_t *self, int k, char **error);
int dbproc_stop (dbproc_t *self, int k, bool stop);

//  Shift node K's server clock by MS through libfaketime. -1 with *error
//  when the database does not read time through libc or the run did not
//  start it under libfaketime.
int dbproc_skew (dbproc_t *self, int k, int ms, char **error);

//  Does this run's server start under libfaketime (dbproc_skew can shift
//  it)? When it was asked to but cannot (the library fails inside it),
//  dbproc_note says why (borrowed), else NULL.
bool dbproc_skews (dbproc_t *self);
const char *dbproc_note (dbproc_t *self);

//  A process that exited without being asked ends the run: -1 with
//  *error naming node, role and status; else 0.
int dbproc_check (dbproc_t *self, char **error);

#endif
