/*  commands.h -- the harness's subcommands, one file each (cli/cmd_NAME.c),
    dispatched from one table in cli/main.c, as git dispatches builtins.
    Each takes the arguments after the subcommand name (argv[0] is the
    subcommand) and returns the process exit status of DESIGN.md section 8.
*/
#ifndef FL_COMMANDS_H_INCLUDED
#define FL_COMMANDS_H_INCLUDED

//  Exit statuses (DESIGN.md section 8; sysexits.h where they match).
enum {
    EXIT_AS_EXPECTED = 0,   // every verdict as expected (check: valid)
    EXIT_DIFFERS     = 1,   // a verdict differs (check: invalid)
    EXIT_UNKNOWN     = 2,   // a verdict is unknown
    EXIT_USAGE       = 64,
    EXIT_DATAERR     = 65,  // bad input data
    EXIT_UNAVAILABLE = 69,  // a needed program or library is missing
    EXIT_SOFTWARE    = 70   // internal error
};

int cmd_run (int argc, char **argv);
int cmd_check (int argc, char **argv);
int cmd_up (int argc, char **argv);
int cmd_fault (int argc, char **argv);
int cmd_list (int argc, char **argv);
int cmd_matrix (int argc, char **argv);

#endif
