/*  workload.h -- what a workload is: the registry of the workloads the lab
    can drive, and the Maelstrom facts every workload shares.

    A workload (DESIGN.md section 5) is Maelstrom's notion: the operations
    clients send, how each is encoded as a request body and how each reply
    is read back into a history event, and the check that judges the
    resulting history. This module owns that knowledge and nothing else:
    it never touches a socket, a process or the clock, and knows nothing of
    the lab that carries its messages (lab/client.c does) or of the checker
    that judges them (it names the checker's model; lab/runner.c asks).

    One file per workload, named after it, prefixed after it:
        lin_kv.c    read / write / cas over a few keys (Maelstrom's lin-kv)
    Adding a workload: its file with a generator (NAME_init, NAME_next),
    a request encoder and a reply reader, and a row in workload.c's table.
*/
#ifndef FL_WORKLOAD_H_INCLUDED
#define FL_WORKLOAD_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *name;           // as a scenario's workload/name says it: "lin-kv"
    const char *summary;        // one line for ./harness list
    const char *model;          // the checker model that judges its history
    const char *check;          // the check's name in results.json
} workload_t;

//  The workload called NAME, or NULL when there is none.
const workload_t *workload_lookup (const char *name);

//  The workloads, in the order ./harness list shows them: workload_at (i)
//  for i < workload_count (), NULL past the end.
size_t workload_count (void);
const workload_t *workload_at (size_t index);

//  The names of every workload, comma-separated ("lin-kv"), for messages
//  that list what is allowed, written into BUF (SIZE bytes, cut to fit).
//  Returns buf.
char *workload_names (char *buf, size_t size);

//  True if Maelstrom error CODE is definite: the operation did not and
//  will never happen (1, 10, 11, 12, 14, 20, 21, 22, 30; DESIGN.md
//  section 2). 0 (timeout), 13 (crash), custom codes (1000 and up) and
//  codes we do not know are indefinite.
bool workload_error_definite (int code);

#endif
