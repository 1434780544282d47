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
#include <unistd.h>
#include "limits.h"
#include "clock.h"
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
    return 64;
}

//  Parse a non-negative integer that fits in int64_t.
static int
s_parse_int (const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long value = strtoull (text, &end, 10);
    if (errno || end == text || *end || text [0] == '-' || value > INT64_MAX)
        return -1;
    *out = (int64_t) value;
    return 0;
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
        return 64;
    }
    int status = 0;
    for (int i = 0; i < argc && status != 69; i++) {
        zstr_send (req, argv [i]);
        char *reply = zstr_recv (req);
        if (!reply) {
            fprintf (stderr, "proxy: no answer from '%s' within %d ms\n",
                     endpoint, FL_CONTROL_TIMEOUT_MS);
            status = 69;
            break;
        }
        printf ("%s\n", reply);
        json_t *root = json_loads (reply, 0, NULL);
        if (!json_is_true (json_object_get (root, "ok")))
            status = 65;
        json_decref (root);
        zstr_free (&reply);
    }
    zsock_destroy (&req);
    return status;
}

static int
s_serve (proxy_config_t *config)
{
    char error [512];
    proxy_t *proxy = proxy_new (config, error, sizeof error);
    if (!proxy) {
        fprintf (stderr, "proxy: %s\n", error);
        return 69;
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
    return rc == 0? 0: 70;
}

int
main (int argc, char **argv)
{
    zsys_handler_set (NULL);            // our own SIGINT/SIGTERM handling
    zsys_set_logstream (stderr);
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
    proxy_config_t config = { 0 };
    const char *ctl = NULL;
    probe_config_t probe = { .count = 1, .every_ms = 100, .wait_ms = 1000 };
    bool seeded = false;
    int64_t number;
    int opt;
    opterr = 0;
    while ((opt = getopt_long (argc, argv, "+", options, NULL)) != -1) {
        char problem [256];
        switch (opt) {
            case 'n': config.net = optarg; break;
            case 'c': config.control = optarg; break;
            case 't': config.trace = optarg; break;
            case 'C': ctl = optarg; break;
            case 'S': probe.endpoint = optarg; break;
            case 'a': probe.id = optarg; break;
            case 'T': probe.dest = optarg; break;
            case 'h': s_usage (NULL); return 0;
            case 's': case '0': case 'N': case 'E': case 'W':
                if (s_parse_int (optarg, &number)
                || ((opt == 'N' || opt == 'E' || opt == 'W') && number > INT32_MAX)) {
                    snprintf (problem, sizeof problem, "option '%s' needs a "
                              "non-negative integer, got '%s'", argv [optind - 1], optarg);
                    return s_usage (problem);
                }
                if (opt == 's')
                    config.seed = (uint64_t) number, seeded = true;
                else if (opt == '0')
                    config.t0_ns = number;
                else if (opt == 'N')
                    probe.count = (int) number;
                else if (opt == 'E')
                    probe.every_ms = (int) number;
                else
                    probe.wait_ms = (int) number;
                break;
            default:
                snprintf (problem, sizeof problem, "unknown option or missing value: '%s'",
                          argv [optind - 1]);
                return s_usage (problem);
        }
    }
    if (ctl) {
        if (optind >= argc)
            return s_usage ("--ctl needs at least one JSON request");
        return s_ctl (ctl, argc - optind, argv + optind);
    }
    if (probe.endpoint) {
        if (!probe.id || !probe.dest || optind + 1 != argc || probe.count < 1)
            return s_usage ("--send needs --as ID, --to DEST, --count >= 1 and one BODY");
        probe.body = argv [optind];
        char error [256];
        int rc = probe_run (&probe, stdout, error, sizeof error);
        if (rc < 0)
            fprintf (stderr, "proxy: %s\n", error);
        return rc < 0? 64: rc;
    }
    if (optind < argc) {
        char problem [256];
        snprintf (problem, sizeof problem, "unexpected argument '%s'", argv [optind]);
        return s_usage (problem);
    }
    if (!config.net || !config.control)
        return s_usage ("--net and --control are required");
    if (!seeded)    //  Any seed will do; it is printed so the run can be replayed.
        config.seed = ((uint64_t) clock_mono_ns () ^ ((uint64_t) getpid () << 32)
                    ^ (uint64_t) clock_wall_ms ()) & ((1ULL << 53) - 1);
    struct sigaction action = { .sa_handler = s_on_signal };
    sigemptyset (&action.sa_mask);
    sigaction (SIGTERM, &action, NULL);
    sigaction (SIGINT, &action, NULL);
    return s_serve (&config);
}
