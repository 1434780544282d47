/*  main.c -- ./harness: one table dispatches each subcommand to its file. */
#include <stdio.h>
#include <string.h>
#include <czmq.h>
#include "commands.h"

typedef struct {
    const char *name;
    int (*fn) (int argc, char **argv);
    const char *usage;
} command_t;

static const command_t s_commands [] = {
    { "run",    cmd_run,    "run SCENARIO [--system S | --node 'CMD ARGS'] [--seed N] [--time-limit SEC] [--store DIR]" },
    { "check",  cmd_check,  "check HISTORY... [--model M] [--init V] [--format jsonl|edn|jepsen-log] [--json] [--timeout SEC] [--report DIR]\n"
                            "       harness check --manifest FILE.tsv" },
    { "up",     cmd_up,     "up [--system S] [--nodes N]" },
    { "fault",  cmd_fault,  "fault partition halves|majority|minority|isolate NODE|isolate-leader|bridge|ring|GROUPS | heal | drop P | delay MS [JITTER] | duplicate P | reorder P | pause NODE | resume NODE | kill NODE | restart NODE" },
    { "list",   cmd_list,   "list" },
    { "matrix", cmd_matrix, "matrix" },
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
    zsys_set_logstream (stderr);
    if (argc < 2)
        return s_usage (stderr);
    if (streq (argv [1], "--help") || streq (argv [1], "-h") || streq (argv [1], "help")) {
        s_usage (stdout);
        return 0;
    }
    for (size_t i = 0; i < COMMANDS; i++)
        if (streq (argv [1], s_commands [i].name))
            return s_commands [i].fn (argc - 1, argv + 1);
    fprintf (stderr, "harness: unknown command '%s'\n", argv [1]);
    return s_usage (stderr);
}
