/*  shellcmd.h -- a --node command line, read as sh reads its first command.

    `--node 'CMD'` is a shell command line. The harness checks its program
    before anything starts, and the stdio bridge runs it under sh with the
    node as sh's own process where it can (`exec`), so that the node's exit
    and signals are the bridge's child's. Both need to know the same thing
    about CMD: the NAME=VALUE assignments before the program, the program,
    and whether CMD is one simple command (no ; & | newline, no subshell or
    group, no reserved word or builtin first) that `exec` may be put
    before. Quotes and backslashes are read as sh reads them; $ and `
    expansions are not done, so a program word holding one is not known
    (`program` is empty and nothing checks it: sh will say).

        FOO=1 python3 node.py      simple, program "python3",
                                   exec line "FOO=1 exec python3 node.py"
        cd nodes && node n.js      not simple (&&): run as written
        'my node'/run              simple, program "my node/run"
*/
#ifndef FL_SHELLCMD_H_INCLUDED
#define FL_SHELLCMD_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

#define SHELLCMD_WORD_BYTES_MAX 4096

typedef struct {
    bool simple;                    //  one simple command
    char program [SHELLCMD_WORD_BYTES_MAX]; //  unquoted; "" when not known
    size_t program_at;              //  where the program word starts in CMD
    bool nodejs;                    //  a command of the line runs Node.js
                                    //  (shellcmd_is_nodejs): "cd d && node
                                    //  n.js", "env X=1 nice node n.js" as
                                    //  well as "node n.js"
} shellcmd_t;

//  Read CMD. Returns 0, or -1 for a quote that is never closed (sh could
//  not read CMD at all).
int
    shellcmd_read (const char *cmd, shellcmd_t *out);

//  The line to give sh -c: "exec" put before the program of a simple
//  command (after its assignments), else CMD as it is. Freed by the caller.
char *
    shellcmd_exec_line (const char *cmd);

//  True when the program is Node.js: the word is node or nodejs, or a file
//  whose #! line runs node (libuv asserts that its monotonic clock never
//  goes back, so a skew must leave that clock alone).
bool
    shellcmd_is_nodejs (const char *program);

//  True when the program of ARGV, after the wrappers that run the rest of
//  their words (env NAME=VALUE, nice -n N, nohup, setsid, stdbuf, timeout
//  DURATION, taskset MASK, chrt PRIORITY, ionice, faketime TIME), is
//  Node.js.
bool
    shellcmd_argv_nodejs (char *const *argv, int argc);

#endif
