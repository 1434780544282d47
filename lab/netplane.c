/*  netplane.c -- namespaces, links, nft and bin/netqueue (see netplane.h).

    Every command the plane runs (ip, nft, iptables) is forked with a
    deadline (FL_NETPLANE_CMD_MS), in the namespace it acts on (setns in
    the child), its stderr kept for the error message. Namespaces are
    named fl-OWNER-hub and fl-OWNER-nK, OWNER the pid of the harness that
    made them as the host sees it, so that ./harness sweep can tell a
    stale one should one ever be visible outside a private mount
    namespace.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <dirent.h>
#include <unistd.h>
#include <inttypes.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <czmq.h>
#include "netplane.h"
#include "child.h"
#include "netrules.h"
#include "ipcdir.h"
#include "clock.h"
#include "exits.h"
#include "limits.h"

struct _netplane_t {
    int nodes;
    char names [FL_NODES_MAX + 1][48];      // [0] the hub, [K] node K
    bool made [FL_NODES_MAX + 1];
    int fds [FL_NODES_MAX + 1];
    char addr_text [FL_NODES_MAX][16];
    const char *addrs [FL_NODES_MAX + 1];
    netrules_t rules;
    bool queueing;                          // the NFQUEUE rule is in
    pid_t queue_pid;                        // bin/netqueue
    int queue_in;                           // its stdin
    char run_dir [4096];
};

static pid_t s_owner;           // the host's pid of the harness
static bool s_private;          // this process is the private pid 1
static volatile pid_t s_child;  // the parent's child, for its signals

//  Run argv (PATH searched) in namespace fd NETNS (-1: ours) with INPUT
//  on its stdin, at most FL_NETPLANE_CMD_MS. 0, or -1 with *error naming
//  the command and what it wrote on stderr.
static int
s_run (char *const *argv, int netns, const char *input, char **error)
{
    int in [2], err [2];
    if (pipe2 (in, O_CLOEXEC) || pipe2 (err, O_CLOEXEC)) {
        *error = zsys_sprintf ("cannot run %s: pipe: %s", argv [0], strerror (errno));
        return -1;
    }
    pid_t pid = fork ();
    if (pid == 0) {
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        dup2 (in [0], 0);
        dup2 (err [1], 1);
        dup2 (err [1], 2);
        if (netns >= 0 && setns (netns, CLONE_NEWNET)) {
            dprintf (2, "setns: %s", strerror (errno));
            _exit (FL_EXIT_UNAVAILABLE);
        }
        execvp (argv [0], argv);
        dprintf (2, "cannot run: %s", strerror (errno));
        _exit (FL_EXIT_NOEXEC);
    }
    close (in [0]);
    close (err [1]);
    size_t length = input? strlen (input): 0;
    for (size_t done = 0; pid > 0 && done < length; ) {
        ssize_t wrote = write (in [1], input + done, length - done);
        if (wrote <= 0)
            break;
        done += (size_t) wrote;
    }
    close (in [1]);
    char said [1024] = "";
    size_t used = 0;
    int64_t deadline = clock_mono_ms () + FL_NETPLANE_CMD_MS;
    int status = -1;
    while (pid > 0) {
        struct pollfd item = { .fd = err [0], .events = POLLIN };
        int64_t left = deadline - clock_mono_ms ();
        if (left <= 0) {
            kill (pid, SIGKILL);
            waitpid (pid, &status, 0);
            status = -1;
            break;
        }
        if (poll (&item, 1, (int) (left < 100? left: 100)) > 0) {
            ssize_t got = read (err [0], said + used, sizeof said - 1 - used);
            if (got > 0)
                used += (size_t) got;
            said [used] = 0;
        }
        if (waitpid (pid, &status, WNOHANG) == pid)
            break;
    }
    close (err [0]);
    if (pid > 0 && status != -1 && WIFEXITED (status) && WEXITSTATUS (status) == 0)
        return 0;
    char line [512] = "";
    for (int i = 0; argv [i] && strlen (line) < 400; i++)
        snprintf (line + strlen (line), sizeof line - strlen (line), "%s%s", i? " ": "", argv [i]);
    for (char *c = said; *c; c++)
        if (*c == '\n')
            *c = ' ';
    *error = zsys_sprintf ("'%s' failed%s: %s", line,
                       status == -1? (pid > 0? " (FL_NETPLANE_CMD_MS passed)": " (fork)"): "",
                       *said? said: "no message");
    return -1;
}

//  A child unshares net, mount and PID namespaces and runs nft there.
static int
s_check_unshare (char **error)
{
    int err [2];
    if (pipe2 (err, O_CLOEXEC))
        return -1;
    pid_t pid = fork ();
    if (pid == 0) {
        dup2 (err [1], 2);
        dup2 (err [1], 1);
        if (unshare (CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID)) {
            dprintf (2, "unshare (CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID): %s", strerror (errno));
            _exit (3);
        }
        char *argv [] = { "nft", "add", "table", "inet", "fl_check", NULL };
        execvp (argv [0], argv);
        _exit (4);
    }
    close (err [1]);
    char said [512] = "";
    ssize_t got = pid > 0? read (err [0], said, sizeof said - 1): 0;
    said [got > 0? got: 0] = 0;
    close (err [0]);
    int status = 0;
    if (pid > 0)
        waitpid (pid, &status, 0);
    if (pid > 0 && WIFEXITED (status) && WEXITSTATUS (status) == 0)
        return 0;
    int code = pid > 0 && WIFEXITED (status)? WEXITSTATUS (status): -1;
    *error = zsys_sprintf ("%s: %s", code == 3? "this kernel or container does not let us make"
                       " namespaces": "nftables does not work in a fresh network namespace"
                       " (a kernel without nf_tables?)", *said? said: "no message");
    return -1;
}

int
netplane_check (const char *bin_dir, char **error)
{
    assert (bin_dir && error);
    if (geteuid () != 0) {
        *error = zsys_sprintf ("real databases run in network namespaces with nftables, which"
                           " need root (CAP_SYS_ADMIN, CAP_NET_ADMIN): run as root");
        return FL_EXIT_NOPERM;
    }
    const char *programs [][2] = { { "ip", "iproute2" }, { "nft", "nftables" },
                                   { "iptables", "iptables" } };
    for (size_t i = 0; i < sizeof programs / sizeof programs [0]; i++)
        if (!child_program_exists (programs [i][0])) {
            *error = zsys_sprintf ("the IP fault plane needs '%s' (Debian package %s; make lab"
                               " installs it)", programs [i][0], programs [i][1]);
            return FL_EXIT_UNAVAILABLE;
        }
    char queue [4096];
    snprintf (queue, sizeof queue, "%s/bin/netqueue", bin_dir);
    if (access (queue, X_OK)) {
        *error = zsys_sprintf ("cannot run '%s': %s (build it: make lab)", queue, strerror (errno));
        return FL_EXIT_UNAVAILABLE;
    }
    if (s_check_unshare (error))
        return FL_EXIT_UNAVAILABLE;
    return 0;
}

static void
s_forward (int sig)
{
    if (s_child > 0)
        kill (s_child, sig);
}

int
netplane_private (int *status)
{
    assert (status);
    s_owner = getpid ();
    if (unshare (CLONE_NEWNS | CLONE_NEWPID))
        return -1;
    if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
        return -1;
    mkdir ("/run/netns", 0755);
    if (mount ("tmpfs", "/run/netns", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"))
        return -1;
    fflush (NULL);
    pid_t child = fork ();
    if (child < 0)
        return -1;
    if (child == 0) {
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        //  /proc as this PID namespace sees it: the lab reads children's
        //  ppids there (lab.c), which must be ours, not the host's.
        if (mount ("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
            fprintf (stderr, "harness: cannot mount /proc in the private PID namespace: %s\n",
                     strerror (errno));
            _exit (FL_EXIT_UNAVAILABLE);
        }
        s_private = true;
        ipcdir_owner ((long) s_owner);
        return 1;
    }
    s_child = child;
    struct sigaction action = { .sa_handler = s_forward };
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGTERM, &action, NULL);
    sigaction (SIGHUP, &action, NULL);
    int wstatus = 0;
    while (waitpid (child, &wstatus, 0) < 0 && errno == EINTR)
        ;
    *status = WIFEXITED (wstatus)? WEXITSTATUS (wstatus): 128 + WTERMSIG (wstatus);
    return 0;
}

bool
netplane_is_private (void)
{
    return s_private;
}

static int
s_ip_batch (netplane_t *self, int ns, const char *batch, char **error)
{
    char *argv [] = { "ip", "-batch", "-", NULL };
    return s_run (argv, self->fds [ns], batch, error);
}

//  Namespaces and their fds.
static int
s_make_namespaces (netplane_t *self, char **error)
{
    pid_t owner = s_owner? s_owner: getpid ();
    for (int k = 0; k <= self->nodes; k++) {
        if (k == 0)
            snprintf (self->names [k], sizeof self->names [k], "fl-%d-hub", (int) owner);
        else
            snprintf (self->names [k], sizeof self->names [k], "fl-%d-n%d", (int) owner, k);
        char *argv [] = { "ip", "netns", "add", self->names [k], NULL };
        if (s_run (argv, -1, NULL, error))
            return -1;
        self->made [k] = true;
        char path [128];
        snprintf (path, sizeof path, "/run/netns/%s", self->names [k]);
        self->fds [k] = open (path, O_RDONLY | O_CLOEXEC);
        if (self->fds [k] < 0) {
            *error = zsys_sprintf ("cannot open %s: %s", path, strerror (errno));
            return -1;
        }
    }
    return 0;
}

//  Links, addresses and routes, one ip batch per namespace.
static int
s_make_links (netplane_t *self, char **error)
{
    char *hub = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&hub, &size);
    fprintf (out, "link set lo up\naddr add %s/32 dev lo\n", NETRULES_HUB_ADDR);
    for (int k = 1; k <= self->nodes; k++)
        fprintf (out, "link add v%d type veth peer name eth0 netns %s\nlink set v%d up\n"
                 "route add %s/32 dev v%d\n", k, self->names [k], k, self->addrs [k - 1], k);
    fclose (out);
    int rc = s_ip_batch (self, 0, hub, error);
    free (hub);
    for (int k = 1; rc == 0 && k <= self->nodes; k++) {
        char batch [1024];
        snprintf (batch, sizeof batch, "link set lo up\nlink set eth0 up\naddr add %s/32 dev eth0\n"
                  "route add %s/32 dev eth0\nroute add 10.91.0.0/24 via %s\n",
                  self->addrs [k - 1], NETRULES_HUB_ADDR, NETRULES_HUB_ADDR);
        rc = s_ip_batch (self, k, batch, error);
    }
    return rc;
}

//  The hub forwards: net.ipv4.ip_forward in its namespace (/proc/sys/net
//  is the opener's network namespace, so a child that setns'd writes it).
static int
s_forwarding (netplane_t *self, char **error)
{
    char *argv [] = { "sysctl", "-q", "-w", "net.ipv4.ip_forward=1", NULL };
    if (child_program_exists ("sysctl"))
        return s_run (argv, self->fds [0], NULL, error);
    char *sh [] = { "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward", NULL };
    return s_run (sh, self->fds [0], NULL, error);
}

static int
s_nft (netplane_t *self, const char *script, char **error)
{
    char *argv [] = { "nft", "-f", "-", NULL };
    return s_run (argv, self->fds [0], script, error);
}

static int
s_start_queue (netplane_t *self, const char *bin_dir, uint64_t seed, char **error)
{
    char program [4096], log [4200], seed_text [32];
    snprintf (program, sizeof program, "%s/bin/netqueue", bin_dir);
    snprintf (log, sizeof log, "%s/netqueue.log", self->run_dir);
    snprintf (seed_text, sizeof seed_text, "%" PRIu64, seed >> 11);
    int in [2], out [2];
    if (pipe2 (in, O_CLOEXEC) || pipe2 (out, O_CLOEXEC))
        return -1;
    int log_fd = open (log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    self->queue_pid = fork ();
    if (self->queue_pid == 0) {
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        dup2 (in [0], 0);
        dup2 (out [1], 1);
        dup2 (log_fd >= 0? log_fd: out [1], 2);
        if (setns (self->fds [0], CLONE_NEWNET))
            _exit (FL_EXIT_UNAVAILABLE);
        char *argv [] = { program, "--queue", "0", "--seed", seed_text, NULL };
        execv (program, argv);
        _exit (FL_EXIT_NOEXEC);
    }
    close (in [0]);
    close (out [1]);
    if (log_fd >= 0)
        close (log_fd);
    self->queue_in = in [1];
    char ready [16] = "";
    struct pollfd item = { .fd = out [0], .events = POLLIN };
    ssize_t got = self->queue_pid > 0 && poll (&item, 1, FL_NETPLANE_CMD_MS) > 0
                ? read (out [0], ready, sizeof ready - 1): 0;
    close (out [0]);
    if (got < 5 || strncmp (ready, "ready", 5)) {
        *error = zsys_sprintf ("%s did not say it was ready within %d ms (FL_NETPLANE_CMD_MS;"
                           " see %s)", program, FL_NETPLANE_CMD_MS, log);
        return -1;
    }
    return 0;
}

netplane_t *
netplane_new (int nodes, const char *bin_dir, const char *run_dir, uint64_t seed, char **error)
{
    assert (nodes > 0 && nodes <= FL_NODES_MAX && bin_dir && run_dir && error);
    netplane_t *self = (netplane_t *) zmalloc (sizeof (netplane_t));
    self->nodes = nodes;
    self->queue_in = -1;
    snprintf (self->run_dir, sizeof self->run_dir, "%s", run_dir);
    for (int k = 0; k <= nodes; k++)
        self->fds [k] = -1;
    for (int k = 1; k <= nodes; k++) {
        netrules_addr (k, self->addr_text [k - 1], sizeof self->addr_text [k - 1]);
        self->addrs [k - 1] = self->addr_text [k - 1];
    }
    netrules_init (&self->rules, nodes);
    char *setup = netrules_setup_script ();
    char *script = netrules_script (&self->rules);
    char *both = zsys_sprintf ("%s%s", setup, script);
    int rc = s_make_namespaces (self, error);
    if (rc == 0)
        rc = s_make_links (self, error);
    if (rc == 0)
        rc = s_forwarding (self, error);
    if (rc == 0)
        rc = s_nft (self, both, error);
    if (rc == 0)
        rc = s_start_queue (self, bin_dir, seed, error);
    free (setup);
    free (script);
    free (both);
    if (rc)
        netplane_destroy (&self);
    return self;
}

void
netplane_destroy (netplane_t **self_p)
{
    assert (self_p);
    netplane_t *self = *self_p;
    if (!self)
        return;
    if (self->queue_in >= 0)
        close (self->queue_in);         // EOF: it accepts what it holds and exits
    if (self->queue_pid > 0) {
        int64_t deadline = clock_mono_ms () + FL_SHUTDOWN_GRACE_MS;
        while (waitpid (self->queue_pid, NULL, WNOHANG) == 0 && clock_mono_ms () < deadline)
            usleep (5000);
        if (kill (self->queue_pid, SIGKILL) == 0)
            waitpid (self->queue_pid, NULL, 0);
    }
    for (int k = self->nodes; k >= 0; k--) {
        if (self->fds [k] >= 0)
            close (self->fds [k]);
        if (self->made [k]) {
            char *argv [] = { "ip", "netns", "delete", self->names [k], NULL };
            char *error = NULL;
            if (s_run (argv, -1, NULL, &error))
                fprintf (stderr, "harness: %s\n", error? error: "ip netns delete failed");
            free (error);
        }
    }
    free (self);
    *self_p = NULL;
}

int
netplane_netns (netplane_t *self, int k)
{
    assert (self && k >= 1 && k <= self->nodes);
    return self->fds [k];
}

const char *const *
netplane_addrs (netplane_t *self)
{
    assert (self);
    return self->addrs;
}

//  The NFQUEUE rule in the hub's FORWARD chain while delay, jitter or
//  reorder is in force, and bin/netqueue told the values.
static int
s_queue (netplane_t *self, char **error)
{
    char line [128];
    netrules_queue_line (&self->rules, line, sizeof line);
    bool want = netrules_queues (&self->rules);
    if (want && !self->queueing) {
        char *argv [] = { "iptables", "-w", "-A", "FORWARD", "-j", "NFQUEUE", "--queue-num", "0",
                          "--queue-bypass", NULL };
        if (s_run (argv, self->fds [0], NULL, error))
            return -1;
        self->queueing = true;
    }
    if (write (self->queue_in, line, strlen (line)) != (ssize_t) strlen (line)) {
        *error = zsys_sprintf ("bin/netqueue is gone (see %s/netqueue.log)", self->run_dir);
        return -1;
    }
    if (!want && self->queueing) {
        char *argv [] = { "iptables", "-w", "-F", "FORWARD", NULL };
        if (s_run (argv, self->fds [0], NULL, error))
            return -1;
        self->queueing = false;
    }
    return 0;
}

int
netplane_apply (netplane_t *self, const action_t *spec, char *detail, size_t size,
                char **error)
{
    assert (self && spec && detail && error);
    netrules_t next = self->rules;
    switch (spec->kind) {
        case ACTION_PARTITION:
            if (netrules_partition (&next, spec, error))
                return -1;
            snprintf (detail + strlen (detail), size - strlen (detail), " (%d links cut)",
                      netrules_cut_count (&next));
            break;
        case ACTION_HEAL:
            netrules_heal (&next);
            break;
        case ACTION_DROP:
            next.drop_p = spec->p;
            snprintf (detail, size, "p=%g (nft numgen, %d%%)", spec->p, netrules_percent (spec->p));
            break;
        case ACTION_DUPLICATE:
            next.duplicate_p = spec->p;
            snprintf (detail, size, "p=%g (nft dup, %d%%)", spec->p, netrules_percent (spec->p));
            break;
        case ACTION_DELAY:
            next.delay_ms = spec->ms;
            next.jitter_ms = spec->jitter_ms;
            snprintf (detail, size, "%d ms +- %d (NFQUEUE)", spec->ms, spec->jitter_ms);
            break;
        case ACTION_REORDER:
            next.reorder_p = spec->p;
            snprintf (detail, size, "p=%g (NFQUEUE, held %d ms)", spec->p, FL_NETQ_REORDER_MS);
            break;
        default:
            assert (false);
            return -1;
    }
    char *script = netrules_script (&next);
    int rc = s_nft (self, script, error);
    free (script);
    if (rc)
        return -1;
    self->rules = next;
    return s_queue (self, error);
}

int
netplane_sweep (FILE *out)
{
    int removed = 0;
    const char *prefixes [] = { "/tmp/faultlab", "/tmp/faultlab-up" };
    for (size_t i = 0; i < 2; i++) {
        int count = ipcdir_sweep (prefixes [i], out);
        removed += count > 0? count: 0;
    }
    DIR *dir = opendir ("/run/netns");
    struct dirent *entry;
    while (dir && (entry = readdir (dir))) {
        int owner = 0, used = 0;
        if (sscanf (entry->d_name, "fl-%d-%n", &owner, &used) != 1 || used == 0 || owner <= 0)
            continue;
        if (kill (owner, 0) == 0 || errno != ESRCH)
            continue;           // its harness lives (or is not ours to ask)
        char *argv [] = { "ip", "netns", "delete", entry->d_name, NULL };
        char *error = NULL;
        if (s_run (argv, -1, NULL, &error) == 0) {
            if (out)
                fprintf (out, "removed network namespace %s (harness %d is gone)\n",
                         entry->d_name, owner);
            removed++;
        }
        else
        if (out)
            fprintf (out, "could not remove network namespace %s: %s\n", entry->d_name,
                     error? error: "?");
        free (error);
    }
    if (dir)
        closedir (dir);
    return removed;
}
