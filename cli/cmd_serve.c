/*  cmd_serve.c -- `./harness serve [--port P] [--store DIR]`: the store
    browser, as Jepsen's `lein run serve`: the runs of the store newest
    first, coloured by verdict, each linking to its report.html and files,
    on http://127.0.0.1:P/ only (lab/serve.c; its pages
    report/storeindex.c). Port 8080 by default; 0 takes a free port, and
    the first line printed says which. Serves until SIGINT, SIGTERM or
    SIGHUP, then exits 0.

    Exit status: 0 after a signal; 64 a bad option or a store that is not
    a directory; 69 when the port is in use or cannot be listened on.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <getopt.h>
#include "commands.h"
#include "options.h"
#include "number.h"
#include "lab/serve.h"

const char cmd_serve_usage [] = "serve [--port P] [--store DIR]";

typedef struct {
    int port;
    const char *store;
} s_args_t;

static int
s_usage (const char *problem)
{
    return options_usage ("serve", cmd_serve_usage, problem);
}

static int
s_option (int option, const char *value, void *arg)
{
    s_args_t *args = arg;
    char problem [256];
    uint64_t port;
    switch (option) {
        case 'p':
            if (number_parse_whole (value, 65535, &port)) {
                snprintf (problem, sizeof problem, "--port '%.64s' is not a whole number in "
                          "0..65535 (0: any free port)", value);
                return s_usage (problem);
            }
            args->port = (int) port;
            return 0;
        case 'd':
            if (!*value)
                return s_usage ("--store needs a directory");
            args->store = value;
            return 0;
        default:
            return s_usage ("unknown option");
    }
}

int
cmd_serve (int argc, char **argv)
{
    static const struct option options [] = {
        { "port", required_argument, 0, 'p' }, { "store", required_argument, 0, 'd' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
    };
    s_args_t args = { .port = 8080, .store = "store" };
    int rc = options_parse ("serve", cmd_serve_usage, argc, argv, options, NULL, s_option, &args);
    if (rc)
        return rc < 0 ? FL_EXIT_OK : rc;
    if (optind != argc) {
        char problem [128];
        snprintf (problem, sizeof problem, "unexpected '%.64s' (serve takes options only)",
                  argv [optind]);
        return s_usage (problem);
    }
    //  Blocked before the server's thread starts, so it inherits the mask
    //  and the signals wait for sigwait here. A shell starts a background
    //  job with SIGINT ignored, and an ignored signal is never pending:
    //  SIGINT and SIGTERM are taken back (SIGHUP is left to nohup).
    signal (SIGINT, SIG_DFL);
    signal (SIGTERM, SIG_DFL);
    sigset_t stops;
    sigemptyset (&stops);
    sigaddset (&stops, SIGINT);
    sigaddset (&stops, SIGTERM);
    sigaddset (&stops, SIGHUP);
    pthread_sigmask (SIG_BLOCK, &stops, NULL);
    signal (SIGPIPE, SIG_IGN);
    char *error = NULL;
    int status = FL_EXIT_OK;
    serve_t *server = serve_new (args.store, args.port, &error, &status);
    if (!server) {
        fprintf (stderr, "harness serve: %s\n", error ? error : "out of memory");
        free (error);
        return status;
    }
    printf ("serving %s at http://127.0.0.1:%d/ (Ctrl-C stops)\n", serve_root (server),
            serve_port (server));
    fflush (stdout);
    int signal_number = 0;
    sigwait (&stops, &signal_number);
    serve_destroy (&server);
    printf ("stopped (%s)\n", strsignal (signal_number));
    return FL_EXIT_OK;
}
