/*  syskeys.h -- which of our systems reads which --config key (config.h
    checks that some system reads a key at all; this checks it against the
    systems a run chose): `--config w=quorum --system etcd` is refused, as
    etcd reads only `reads`, where the run would record a setting nothing
    used. Pure.

    A system the table does not know (a --node program's "stdio") may
    read any key: it is not checked. `bug` is read by every system (the
    node library's bug switch; --bug checks it per system).
*/
#ifndef FL_SYSKEYS_H_INCLUDED
#define FL_SYSKEYS_H_INCLUDED

#include <stddef.h>
#include <stdbool.h>

//  Is the LENGTH bytes at KEY a key some system of ours reads (or
//  `bug`)? config.h refuses any other.
bool syskeys_known (const char *key, size_t length);

//  Every known key with the systems that read them, for messages:
//  "w, r, read_repair, hinted_handoff (quorum); gossip (crdt); ...; bug".
const char *syskeys_known_text (void);

//  How many distinct keys there can be at most (the table's, and bug).
#define SYSKEYS_KEYS_MAX 32

//  The keys SYSTEM reads, for messages ("w, r, read_repair,
//  hinted_handoff"; "none" for primary), or NULL for a system not in the
//  table.
const char *syskeys_reads (const char *system);

//  Check every key of TEXT (a --config value already accepted by
//  config_apply: "K=V,K=V") against SYSTEMS (COUNT of them). 0 when each
//  key is read by at least one of them (or one of them is not in the
//  table); else -1 with *error (malloc'd): "--config: w: not a key etcd
//  reads (etcd reads: reads; quorum reads it)".
int syskeys_check (const char *text, const char *const *systems, size_t count,
                   char **error);

#endif
