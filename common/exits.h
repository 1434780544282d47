/*  exits.h -- the exit statuses of every faultlab program, in one place.

    DESIGN.md section 8 fixes them; they follow BSD's sysexits.h where one
    fits, so a shell script can tell a usage error from a missing program.
    Every program (harness, bin/proxy, bin/node-*, bench tools) returns
    these names, never the bare numbers.
*/
#ifndef FL_EXITS_H_INCLUDED
#define FL_EXITS_H_INCLUDED

#define FL_EXIT_OK           0    /* every verdict as expected; check: valid  */
#define FL_EXIT_DIFFERS      1    /* a verdict differs; check: invalid        */
#define FL_EXIT_UNKNOWN      2    /* a verdict is unknown (search exhausted)  */
#define FL_EXIT_USAGE        64   /* EX_USAGE: bad option or argument         */
#define FL_EXIT_DATAERR      65   /* EX_DATAERR: bad scenario, history, input */
#define FL_EXIT_UNAVAILABLE  69   /* EX_UNAVAILABLE: a needed program or
                                     library is missing, or cannot start      */
#define FL_EXIT_SOFTWARE     70   /* EX_SOFTWARE: internal error, a node that
                                     never answers init or crashes mid-run    */
#define FL_EXIT_NOPERM       77   /* EX_NOPERM: not allowed to do it (a real-
                                     database run needs root for network
                                     namespaces and nftables)                 */
#define FL_EXIT_INTERRUPTED  130  /* 128 + SIGINT: the user pressed Ctrl-C    */
#define FL_EXIT_NOEXEC       127  /* the shell's "command not found": a forked
                                     child whose exec failed (the harness then
                                     reports the node's exit status)          */

#endif
