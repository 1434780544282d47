/*  main.c -- ./harness: one table dispatches each subcommand to its file. */
#include <stdio.h>
#include <string.h>
#include <czmq.h>
#include "commands.h"

typedef struct {
    const char *name;
    int (*fn) (int argc, char **argv);
    const char *usage;          // the command's own synopsis (commands.h)
} command_t;

static const command_t s_commands [] = {
    { "run",    cmd_run,    cmd_run_usage },
    { "check",  cmd_check,  cmd_check_usage },
    { "up",     cmd_up,     cmd_up_usage },
    { "fault",  cmd_fault,  cmd_fault_usage },
    { "list",   cmd_list,   cmd_list_usage },
    { "matrix", cmd_matrix, cmd_matrix_usage },
    { "report", cmd_report, cmd_report_usage },
    { "serve",  cmd_serve,  cmd_serve_usage },
    { "sweep",  cmd_sweep,  cmd_sweep_usage },
};
#define COMMANDS (sizeof s_commands / sizeof s_commands [0])

static int
s_usage (FILE *out)
{
    fprintf (out, "usage:\n");
    for (size_t i = 0; i < COMMANDS; i++)
        fprintf (out, "  harness %s\n", s_commands [i].usage);
    return FL_EXIT_USAGE;
}

int
main (int argc, char **argv)
{
    //  Before czmq's first call: its handler only sets zsys_interrupted,
    //  which check, report and list never read, so Ctrl-C and SIGTERM did
    //  nothing to a long check. The commands that stop cleanly on a signal
    //  (run, up, matrix, fault, serve) install their own.
    zsys_handler_set (NULL);
    zsys_set_logstream (stderr);
    if (argc < 2)
        return s_usage (stderr);
    if (streq (argv [1], "--help") || streq (argv [1], "-h") || streq (argv [1], "help")) {
        s_usage (stdout);
        return 0;
    }
    for (size_t i = 0; i < COMMANDS; i++)
        if (streq (argv [1], s_commands [i].name)) {
            //  getopt prints argv [0] before its complaints: "harness check:
            //  unrecognized option '--bogus'", as every message of ours reads.
            char name [32];
            snprintf (name, sizeof name, "harness %s", s_commands [i].name);
            argv [1] = name;
            return s_commands [i].fn (argc - 1, argv + 1);
        }
    fprintf (stderr, "harness: unknown command '%s'\n", argv [1]);
    return s_usage (stderr);
}
