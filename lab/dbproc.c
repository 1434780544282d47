/*  dbproc.c -- a real database's processes on the plane (see dbproc.h).

    Invariant: pids [k][r] > 0 while role r of node k runs; 0 after a kill
    by the nemesis (killed [k]) or before the start. Every child has
    PR_SET_PDEATHSIG SIGKILL and is reaped here.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <czmq.h>
#include "dbproc.h"
#include "child.h"
#include "clock.h"
#include "exits.h"
#include "faketime.h"
#include "limits.h"

#define DBPROC_ROLES_MAX 4

struct _dbproc_t {
    const database_t *db;
    netplane_t *plane;
    int nodes, roles;
    const char *role_names [DBPROC_ROLES_MAX];
    char **argv [FL_NODES_MAX][DBPROC_ROLES_MAX];
    pid_t pids [FL_NODES_MAX][DBPROC_ROLES_MAX];
    bool killed [FL_NODES_MAX];
    bool faketime;
    char *note;             // why libfaketime was not used, or NULL
    char bin_dir [4096], run_dir [4096];
};

//  fork, setns into node K's namespace, exec argv (PATH searched),
//  output to LOG; under libfaketime when FAKETIME names its file.
static pid_t
s_spawn (dbproc_t *self, int k, char **argv, const char *log, const char *faketime)
{
    int fd = open (log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    pid_t pid = fork ();
    if (pid == 0) {
        child_prepare (fd, fd);
        setpgid (0, 0);         // a terminal's Ctrl-C is the harness's to pass on
        if (setns (netplane_netns (self->plane, k), CLONE_NEWNET)) {
            dprintf (2, "harness: setns into n%d's namespace: %s\n", k, strerror (errno));
            _exit (FL_EXIT_UNAVAILABLE);
        }
        if (faketime) {
            setenv ("LD_PRELOAD", faketime_lib (), 1);
            setenv ("FAKETIME_TIMESTAMP_FILE", faketime, 1);
            setenv ("FAKETIME_NO_CACHE", "1", 1);
            unsetenv ("FAKETIME");
        }
        execvp (argv [0], argv);
        dprintf (2, "harness: cannot run '%s': %s\n", argv [0], strerror (errno));
        _exit (FL_EXIT_NOEXEC);
    }
    close (fd);
    return pid;
}

static int
s_start (dbproc_t *self, int k, int r)
{
    char log [4200], faketime [4200];
    snprintf (log, sizeof log, "%s/n%d.%s.out", self->run_dir, k, self->role_names [r]);
    snprintf (faketime, sizeof faketime, "%s/n%d.faketime", self->run_dir, k);
    bool skewed = self->faketime && r == 0;
    self->pids [k - 1][r] = s_spawn (self, k, self->argv [k - 1][r], log, skewed? faketime: NULL);
    return self->pids [k - 1][r] > 0? 0: -1;
}

//  Run node K's probe until it exits 0, or DEADLINE passes.
static bool
s_ready (dbproc_t *self, int k, int64_t deadline, char **error)
{
    char bin [4200], log [4200];
    snprintf (bin, sizeof bin, "%s/bin", self->bin_dir);
    snprintf (log, sizeof log, "%s/n%d.probe.out", self->run_dir, k);
    char **argv = database_probe_argv (self->db, k, self->nodes, netplane_addrs (self->plane), bin);
    bool ready = false;
    while (argv && !ready && clock_mono_ms () < deadline && dbproc_check (self, error) == 0) {
        pid_t pid = s_spawn (self, k, argv, log, NULL);
        int status = -1;
        while (pid > 0 && waitpid (pid, &status, WNOHANG) == 0) {
            if (clock_mono_ms () >= deadline)
                kill (pid, SIGKILL);
            usleep (5000);
        }
        ready = pid > 0 && WIFEXITED (status) && WEXITSTATUS (status) == 0;
        if (!ready)
            usleep (FL_DB_PROBE_PAUSE_MS * 1000);
    }
    database_argv_free (argv);
    return ready;
}

static int
s_start_all (dbproc_t *self, char **error)
{
    const char *const *addrs = netplane_addrs (self->plane);
    for (int r = 0; r < self->roles; r++)
        for (int k = 1; k <= self->nodes; k++) {
            char data [4200];
            snprintf (data, sizeof data, "%s/data/n%d", self->run_dir, k);
            mkdir (data, 0755);
            const char *role = self->role_names [r];
            self->argv [k - 1][r] = database_argv (self->db, role, k, self->nodes, addrs,
                                                   data, self->run_dir);
            if (!self->argv [k - 1][r]
            ||  database_prepare (self->db, role, k, self->nodes, addrs, data)) {
                *error = zsys_sprintf ("%s: cannot prepare the %s of n%d in %s: %s",
                                   database_name (self->db), role, k, data, strerror (errno));
                return -1;
            }
            if (r == 0 && self->faketime) {
                char path [4200];
                snprintf (path, sizeof path, "%s/n%d.faketime", self->run_dir, k);
                faketime_write (path, 0);
            }
            if (s_start (self, k, r)) {
                *error = zsys_sprintf ("cannot start the %s of n%d: %s", role, k, strerror (errno));
                return -1;
            }
        }
    return 0;
}

//  The last non-empty line of the file at PATH into LINE ("" if none).
static void
s_last_line (const char *path, char *line, size_t size)
{
    *line = 0;
    FILE *file = fopen (path, "r");
    char buffer [512];
    while (file && fgets (buffer, sizeof buffer, file)) {
        buffer [strcspn (buffer, "\r\n")] = 0;
        if (*buffer)
            snprintf (line, size, "%s", buffer);
    }
    if (file)
        fclose (file);
}

//  Does the file at PATH have a line that mentions libfaketime?
static bool
s_mentions_faketime (const char *path)
{
    FILE *file = fopen (path, "r");
    char line [512];
    bool found = false;
    while (file && fgets (line, sizeof line, file))
        found |= strstr (line, "libfaketime") != NULL;
    if (file)
        fclose (file);
    return found;
}

//  Does PROGRAM start under libfaketime? Debian's libfaketime 0.9.10
//  cannot initialise inside redis-server 7 (its allocator reads the
//  clock while libfaketime initialises: "Unexpected recursive calls to
//  clock_gettime()"), and the server then never starts. Asked once with
//  --version, which shows the same complaint on stderr.
static bool
s_faketime_works (dbproc_t *self, const char *program, const char *path)
{
    char out [4200];
    snprintf (out, sizeof out, "%s/faketime-check.out", self->run_dir);
    char *argv [] = { (char *) program, "--version", NULL };
    pid_t pid = s_spawn (self, 1, argv, out, path);
    int status = -1;
    int64_t deadline = clock_mono_ms () + FL_DB_FAKETIME_CHECK_MS;
    bool complained = false;
    while (pid > 0 && waitpid (pid, &status, WNOHANG) == 0) {
        //  It complains, then hangs: stop at the complaint.
        complained |= s_mentions_faketime (out);
        if (complained || clock_mono_ms () >= deadline)
            kill (pid, SIGKILL);
        usleep (5000);
    }
    complained |= s_mentions_faketime (out);
    unlink (out);
    return pid > 0 && WIFEXITED (status) && WEXITSTATUS (status) == 0 && !complained;
}

const char *
dbproc_note (dbproc_t *self)
{
    assert (self);
    return self->note;
}

bool
dbproc_skews (dbproc_t *self)
{
    assert (self);
    return self->faketime;
}

dbproc_t *
dbproc_new (const database_t *db, netplane_t *plane, int nodes, const char *bin_dir,
            const char *run_dir, bool faketime, char **error)
{
    assert (db && plane && nodes > 0 && nodes <= FL_NODES_MAX && error);
    dbproc_t *self = (dbproc_t *) zmalloc (sizeof (dbproc_t));
    self->db = db;
    self->plane = plane;
    self->nodes = nodes;
    self->faketime = faketime && database_faketime (db);
    snprintf (self->bin_dir, sizeof self->bin_dir, "%s", bin_dir);
    //  Absolute: a server that changes directory to its data (Redis's
    //  `dir`) opens its log and files after that, and the store may be
    //  given relative (the default store/).
    char *absolute = realpath (run_dir, NULL);
    snprintf (self->run_dir, sizeof self->run_dir, "%s", absolute? absolute: run_dir);
    free (absolute);
    run_dir = self->run_dir;
    const char *const *roles = database_roles (db);
    while (roles [self->roles] && self->roles < DBPROC_ROLES_MAX) {
        self->role_names [self->roles] = roles [self->roles];
        self->roles++;
    }
    if (self->faketime) {
        const char *const addrs [] = { "10.91.0.1", NULL };
        char **argv = database_argv (db, self->role_names [0], 1, 1, addrs, run_dir, run_dir);
        char path [4200];
        snprintf (path, sizeof path, "%s/n1.faketime", run_dir);
        faketime_write (path, 0);
        if (argv && !s_faketime_works (self, argv [0], path)) {
            self->faketime = false;
            self->note = zsys_sprintf ("%s does not start under libfaketime (%s: libfaketime"
                                   " fails to initialise inside it), so it runs without it"
                                   " and clock-skew faults do not reach it",
                                   database_name (db), faketime_lib ());
        }
        database_argv_free (argv);
    }
    if (s_start_all (self, error)) {
        dbproc_destroy (&self);
        return NULL;
    }
    int64_t deadline = clock_mono_ms () + FL_DB_READY_MS;
    for (int k = 1; k <= nodes; k++)
        if (!s_ready (self, k, deadline, error) || dbproc_check (self, error)) {
            if (!*error)
                *error = zsys_sprintf ("%s member n%d was not ready within %d ms (FL_DB_READY_MS;"
                                   " see %s/n%d.*)", database_name (db), k, FL_DB_READY_MS,
                                   run_dir, k);
            dbproc_destroy (&self);
            return NULL;
        }
    return self;
}

static void
s_end (pid_t *pids, int count, int sig)
{
    for (int i = 0; i < count; i++)
        if (pids [i] > 0) {
            kill (pids [i], sig);
            kill (pids [i], SIGCONT);
        }
    int64_t deadline = clock_mono_ms () + FL_SHUTDOWN_GRACE_MS;
    for (int i = 0; i < count; i++) {
        while (pids [i] > 0 && waitpid (pids [i], NULL, WNOHANG) == 0) {
            if (clock_mono_ms () >= deadline) {
                kill (pids [i], SIGKILL);
                waitpid (pids [i], NULL, 0);
                break;
            }
            usleep (5000);
        }
        pids [i] = 0;
    }
}

void
dbproc_destroy (dbproc_t **self_p)
{
    assert (self_p);
    dbproc_t *self = *self_p;
    if (!self)
        return;
    s_end (&self->pids [0][0], FL_NODES_MAX * DBPROC_ROLES_MAX, database_stop_signal (self->db));
    for (int k = 0; k < self->nodes; k++)
        for (int r = 0; r < self->roles; r++)
            database_argv_free (self->argv [k][r]);
    free (self->note);
    free (self);
    *self_p = NULL;
}

int
dbproc_kill (dbproc_t *self, int k)
{
    assert (self && k >= 1 && k <= self->nodes);
    pid_t *pid = &self->pids [k - 1][0];
    if (*pid > 0) {
        kill (*pid, SIGKILL);
        waitpid (*pid, NULL, 0);
        *pid = 0;
    }
    self->killed [k - 1] = true;
    return 0;
}

int
dbproc_restart (dbproc_t *self, int k, char **error)
{
    assert (self && k >= 1 && k <= self->nodes);
    if (self->pids [k - 1][0] > 0)
        return 0;
    self->killed [k - 1] = false;
    if (s_start (self, k, 0)) {
        *error = zsys_sprintf ("cannot restart the server of n%d: %s", k, strerror (errno));
        return -1;
    }
    return 0;
}

int
dbproc_stop (dbproc_t *self, int k, bool stop)
{
    assert (self && k >= 1 && k <= self->nodes);
    pid_t pid = self->pids [k - 1][0];
    return pid > 0? kill (pid, stop? SIGSTOP: SIGCONT): 0;
}

int
dbproc_skew (dbproc_t *self, int k, int ms, char **error)
{
    assert (self && k >= 1 && k <= self->nodes);
    if (!database_faketime (self->db)) {
        *error = zsys_sprintf ("%s does not read time through libc", database_name (self->db));
        return -1;
    }
    if (!self->faketime) {
        *error = zsys_sprintf ("this run did not start %s under libfaketime", database_name (self->db));
        return -1;
    }
    char path [4200];
    snprintf (path, sizeof path, "%s/n%d.faketime", self->run_dir, k);
    if (faketime_write (path, ms)) {
        *error = zsys_sprintf ("cannot write '%s': %s", path, strerror (errno));
        return -1;
    }
    return 0;
}

int
dbproc_check (dbproc_t *self, char **error)
{
    assert (self);
    for (int k = 0; k < self->nodes; k++)
        for (int r = 0; r < self->roles; r++) {
            int status;
            pid_t pid = self->pids [k][r];
            if (pid <= 0 || waitpid (pid, &status, WNOHANG) != pid)
                continue;
            self->pids [k][r] = 0;
            char out [4200], said [512];
            snprintf (out, sizeof out, "%s/n%d.%s.out", self->run_dir, k + 1, self->role_names [r]);
            s_last_line (out, said, sizeof said);
            *error = zsys_sprintf ("the %s %s of n%d exited (%s %d; see %s/n%d.*)%s%s",
                               database_name (self->db), self->role_names [r], k + 1,
                               WIFSIGNALED (status)? "signal": "status",
                               WIFSIGNALED (status)? WTERMSIG (status): WEXITSTATUS (status),
                               self->run_dir, k + 1, *said? ": ": "", said);
            return -1;
        }
    return 0;
}
