/*  main.c -- bin/proxy: the fault-injection proxy as a program.

    Three modes:
        bin/proxy --net EP --control EP [--seed N] [--trace FILE] [--t0 NS]
            serve (proxy.h); print one ready line of JSON on stdout, flush
            it, and run until SIGTERM or SIGINT, then flush the trace and
            exit 0.
        bin/proxy --ctl EP REQUEST...
            a tiny control client: send each JSON request, print each reply
            on its own line. Exit 0 if every reply is ok, 65 if one is not,
            69 if the proxy does not answer within FL_CONTROL_TIMEOUT_MS.
        bin/proxy --send EP --as ID --to DEST [--count N] [--every-ms MS]
                  [--wait-ms MS] BODY
            a tiny client party for trying faults by hand (probe.h). Exit 0
            if every request was answered, 1 if not.
    Bad options: a message naming the option on stderr, exit 64.
*/
#include <getopt.h>
#include <inttypes.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "limits.h"
#include "clock.h"
#include "exits.h"
#include "number.h"
#include "proxy.h"
#include "probe.h"

static volatile sig_atomic_t s_stop = 0;

static void
s_on_signal (int signum)
{
    (void) signum;
    s_stop = 1;
}

static int
s_usage (const char *problem)
{
    if (problem)
        fprintf (stderr, "proxy: %s\n", problem);
    fprintf (stderr,
        "usage: bin/proxy --net EP --control EP [--seed N] [--trace FILE] [--t0 NS]\n"
        "       bin/proxy --ctl EP REQUEST...    (e.g. '{\"cmd\":\"stats\"}')\n"
        "       bin/proxy --send EP --as ID --to DEST [--count N] [--every-ms MS]\n"
        "                 [--wait-ms MS] BODY     (e.g. '{\"type\":\"echo\",\"echo\":1}')\n");
    return FL_EXIT_USAGE;
}

static int
s_ctl (const char *endpoint, int argc, char **argv)
{
    zsock_t *req = zsock_new (ZMQ_REQ);
    assert (req);
    zsock_set_linger (req, 0);
    zsock_set_rcvtimeo (req, FL_CONTROL_TIMEOUT_MS);
    if (zsock_connect (req, "%s", endpoint) == -1) {
        fprintf (stderr, "proxy: cannot connect to '%s'\n", endpoint);
        zsock_destroy (&req);
        return FL_EXIT_USAGE;
    }
    int status = FL_EXIT_OK;
    for (int i = 0; i < argc && status != FL_EXIT_UNAVAILABLE; i++) {
        zstr_send (req, argv [i]);
        char *reply = zstr_recv (req);
        if (!reply) {
            fprintf (stderr, "proxy: no answer from '%s' within %d ms\n",
                     endpoint, FL_CONTROL_TIMEOUT_MS);
            status = FL_EXIT_UNAVAILABLE;
            break;
        }
        printf ("%s\n", reply);
        json_t *root = json_loads (reply, 0, NULL);
        if (!json_is_true (json_object_get (root, "ok")))
            status = FL_EXIT_DATAERR;
        json_decref (root);
        zstr_free (&reply);
    }
    zsock_destroy (&req);
    return status;
}

//  True if ENDPOINT is ipc://PATH and a process still listens there.
//  ZeroMQ's bind on an ipc path unlinks whatever socket file is there, so
//  a second proxy on a live path would take it over silently and leave
//  the first one serving nobody; a connect that succeeds says it is live.
static bool
s_ipc_live (const char *endpoint)
{
    if (!endpoint || strncmp (endpoint, "ipc://", 6))
        return false;
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    if (strlen (endpoint + 6) >= sizeof address.sun_path)
        return false;           //  too long: the bind says so
    strcpy (address.sun_path, endpoint + 6);
    int fd = socket (AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    bool live = connect (fd, (struct sockaddr *) &address, sizeof address) == 0;
    close (fd);
    return live;
}

static int
s_serve (proxy_config_t *config)
{
    char error [512];
    const char *endpoints [] = { config->net, config->control };
    for (int i = 0; i < 2; i++)
        if (s_ipc_live (endpoints [i])) {
            fprintf (stderr, "proxy: '%s' is live: another process serves it"
                     " (stop that one first)\n", endpoints [i]);
            return FL_EXIT_UNAVAILABLE;
        }
    proxy_t *proxy = proxy_new (config, error, sizeof error);
    if (!proxy) {
        fprintf (stderr, "proxy: %s\n", error);
        return FL_EXIT_UNAVAILABLE;
    }
    json_t *ready = json_pack ("{s:b, s:I, s:s, s:s, s:i}", "ready", 1,
        "seed", (json_int_t) proxy_seed (proxy), "net", proxy_net_endpoint (proxy),
        "control", proxy_control_endpoint (proxy), "pid", (int) getpid ());
    char *line = json_dumps (ready, JSON_COMPACT | JSON_PRESERVE_ORDER);
    printf ("%s\n", line);
    fflush (stdout);
    free (line);
    json_decref (ready);
    int rc = proxy_run (proxy, NULL, &s_stop);
    proxy_destroy (&proxy);
    return rc == 0? FL_EXIT_OK: FL_EXIT_SOFTWARE;
}

//  Everything the command line says.
typedef struct {
    proxy_config_t config;
    bool seeded;
    const char *ctl;        // --ctl EP
    probe_config_t probe;   // --send EP ...
    int first_arg;          // index of the first non-option argument
} options_t;

//  Store one integer option. Returns 0, or -1 when it is not one.
static int
s_number_option (options_t *opts, int opt, const char *name, const char *text)
{
    uint64_t number;
    if (number_parse_whole (text, INT64_MAX, &number)
    || ((opt == 'N' || opt == 'E' || opt == 'W') && number > INT32_MAX)) {
        char problem [256];
        snprintf (problem, sizeof problem, "option '--%s' needs a non-negative integer, "
                  "got '%s'", name, text);
        s_usage (problem);
        return -1;
    }
    if (opt == 's')
        opts->config.seed = (uint64_t) number, opts->seeded = true;
    else if (opt == '0')
        opts->config.t0_ns = (int64_t) number;
    else if (opt == 'N')
        opts->probe.count = (int) number;
    else if (opt == 'E')
        opts->probe.every_ms = (int) number;
    else
        opts->probe.wait_ms = (int) number;
    return 0;
}

//  Parse the options. Returns -1 to exit FL_EXIT_USAGE (usage printed), 1
//  to exit FL_EXIT_OK (--help), 0 to go on.
static int
s_parse_options (int argc, char **argv, options_t *opts)
{
    static const struct option options [] = {
        { "net", required_argument, NULL, 'n' },
        { "control", required_argument, NULL, 'c' },
        { "seed", required_argument, NULL, 's' },
        { "trace", required_argument, NULL, 't' },
        { "t0", required_argument, NULL, '0' },
        { "ctl", required_argument, NULL, 'C' },
        { "send", required_argument, NULL, 'S' },
        { "as", required_argument, NULL, 'a' },
        { "to", required_argument, NULL, 'T' },
        { "count", required_argument, NULL, 'N' },
        { "every-ms", required_argument, NULL, 'E' },
        { "wait-ms", required_argument, NULL, 'W' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    *opts = (options_t) { .probe = { .count = 1, .every_ms = 100, .wait_ms = 1000 } };
    int opt, index = 0;
    opterr = 0;
    while ((opt = getopt_long (argc, argv, "+", options, &index)) != -1) {
        switch (opt) {
            case 'n': opts->config.net = optarg; break;
            case 'c': opts->config.control = optarg; break;
            case 't': opts->config.trace = optarg; break;
            case 'C': opts->ctl = optarg; break;
            case 'S': opts->probe.endpoint = optarg; break;
            case 'a': opts->probe.id = optarg; break;
            case 'T': opts->probe.dest = optarg; break;
            case 'h': s_usage (NULL); return 1;
            case 's': case '0': case 'N': case 'E': case 'W':
                if (s_number_option (opts, opt, options [index].name, optarg))
                    return -1;
                break;
            default: {
                char problem [256];
                snprintf (problem, sizeof problem, "unknown option or missing value: '%s'",
                          argv [optind - 1]);
                s_usage (problem);
                return -1;
            }
        }
    }
    opts->first_arg = optind;
    return 0;
}

static int
s_send (probe_config_t *probe, int argc, char **argv, int first_arg)
{
    if (!probe->id || !probe->dest || first_arg + 1 != argc || probe->count < 1)
        return s_usage ("--send needs --as ID, --to DEST, --count >= 1 and one BODY");
    //  A ZeroMQ routing id is 1..255 bytes and may not start with a zero
    //  byte; ours are at most FL_ID_BYTES_MAX.
    if (!*probe->id || strlen (probe->id) > FL_ID_BYTES_MAX
    ||  !*probe->dest || strlen (probe->dest) > FL_ID_BYTES_MAX) {
        char problem [256];
        snprintf (problem, sizeof problem, "--as and --to take an id of 1 to %d bytes",
                  FL_ID_BYTES_MAX);
        return s_usage (problem);
    }
    probe->body = argv [first_arg];
    char error [256];
    int rc = probe_run (probe, stdout, error, sizeof error);
    if (rc < 0)
        fprintf (stderr, "proxy: %s\n", error);
    //  Some requests unanswered is "not as expected": status 1.
    return rc == -2? FL_EXIT_UNAVAILABLE: rc < 0? FL_EXIT_USAGE:
           rc == 0? FL_EXIT_OK: FL_EXIT_DIFFERS;
}

int
main (int argc, char **argv)
{
    zsys_handler_set (NULL);            // our own SIGINT/SIGTERM handling
    zsys_set_logstream (stderr);
    options_t opts;
    int rc = s_parse_options (argc, argv, &opts);
    if (rc)
        return rc < 0? FL_EXIT_USAGE: FL_EXIT_OK;
    int first = opts.first_arg;
    if (opts.ctl)
        return first < argc? s_ctl (opts.ctl, argc - first, argv + first):
               s_usage ("--ctl needs at least one JSON request");
    if (opts.probe.endpoint)
        return s_send (&opts.probe, argc, argv, first);
    if (first < argc) {
        char problem [256];
        snprintf (problem, sizeof problem, "unexpected argument '%s'", argv [first]);
        return s_usage (problem);
    }
    if (!opts.config.net || !opts.config.control)
        return s_usage ("--net and --control are required");
    if (streq (opts.config.net, opts.config.control)
    &&  !strstr (opts.config.net, ":*"))
        return s_usage ("--net and --control must be different endpoints");
    if (!opts.seeded)   //  Any seed will do; it is printed so the run can be replayed.
        opts.config.seed = ((uint64_t) clock_mono_ns () ^ ((uint64_t) getpid () << 32)
                         ^ (uint64_t) clock_wall_ms ()) & ((1ULL << 53) - 1);
    struct sigaction action = { .sa_handler = s_on_signal };
    sigemptyset (&action.sa_mask);
    sigaction (SIGTERM, &action, NULL);
    sigaction (SIGINT, &action, NULL);
    return s_serve (&opts.config);
}
