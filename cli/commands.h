/*  cli/ -- owns the command line: main.c dispatches to one
    cmd_NAME.c per subcommand, which parses options, calls a module, prints
    and chooses the exit status (exits.h); console.c prints the comparison
    table, home.c finds programs and scenarios, prologue.c sets up signals.
    The only room that prints to the user or ends the process; logic that
    another command could want belongs in a module below it.

    commands.h -- the harness's subcommands, one file each (cli/cmd_NAME.c),
    dispatched from one table in cli/main.c, as git dispatches builtins.
    Each takes the arguments after the subcommand name (argv[0] is
    "harness NAME", so that getopt's own complaints say which command they
    are about) and returns the process exit status of DESIGN.md section 8.
    Each cmd_NAME_usage is the command's synopsis after "harness ", every
    option its getopt table takes: `./harness --help` and the command's own
    usage print the same text.
*/
#ifndef FL_COMMANDS_H_INCLUDED
#define FL_COMMANDS_H_INCLUDED

#include "exits.h"     // FL_EXIT_*: what every command returns

int cmd_run (int argc, char **argv);
int cmd_check (int argc, char **argv);
int cmd_up (int argc, char **argv);
int cmd_fault (int argc, char **argv);
int cmd_list (int argc, char **argv);
int cmd_matrix (int argc, char **argv);
int cmd_report (int argc, char **argv);
int cmd_serve (int argc, char **argv);
int cmd_sweep (int argc, char **argv);

extern const char cmd_run_usage [];
extern const char cmd_check_usage [];
extern const char cmd_up_usage [];
extern const char cmd_fault_usage [];
extern const char cmd_list_usage [];
extern const char cmd_matrix_usage [];
extern const char cmd_report_usage [];
extern const char cmd_serve_usage [];
extern const char cmd_sweep_usage [];

#endif
