/*  syskeys.c -- see syskeys.h. One row per system of ours: the keys its
    nodes (or its database shim) read with node_param.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <czmq.h>
#include "syskeys.h"
#include "limits.h"

#define S_MESSAGE_BYTES 512     //  the refusal: the key and each system's keys

static const struct {
    const char *system, *keys;
} s_table [] = {
    { "quorum",  "w, r, read_repair, hinted_handoff" },
    { "crdt",    "gossip" },
    { "raft",    "heartbeat_ms, election_min_ms, election_max_ms, batch_ms, ae_inflight, prevote, noop" },
    { "primary", "none" },
    { "lww",     "none" },
    { "echo",    "none" },
    { "etcd",    "reads" },
    { "redis",   "wait" },
};

//  Is the LENGTH bytes at KEY a word of the list KEYS ("a, b, c")?
static bool s_in (const char *keys, const char *key, size_t length);

bool
syskeys_known (const char *key, size_t length)
{
    if (length == 3 && strncmp (key, "bug", 3) == 0)
        return true;
    for (size_t i = 0; i < sizeof s_table / sizeof s_table [0]; i++)
        if (s_in (s_table [i].keys, key, length))
            return true;
    return false;
}

const char *
syskeys_known_text (void)
{
    static char text [S_MESSAGE_BYTES];
    if (*text)
        return text;
    for (size_t i = 0; i < sizeof s_table / sizeof s_table [0]; i++)
        if (!streq (s_table [i].keys, "none")) {
            size_t used = strlen (text);
            snprintf (text + used, sizeof text - used, "%s (%s); ",
                      s_table [i].keys, s_table [i].system);
        }
    size_t used = strlen (text);
    snprintf (text + used, sizeof text - used, "bug");
    return text;
}

const char *
syskeys_reads (const char *system)
{
    for (size_t i = 0; system && i < sizeof s_table / sizeof s_table [0]; i++)
        if (streq (s_table [i].system, system))
            return s_table [i].keys;
    return NULL;
}

static bool
s_in (const char *keys, const char *key, size_t length)
{
    for (const char *at = keys; *at; ) {
        size_t word = strcspn (at, ",");
        if (word == length && strncmp (at, key, length) == 0)
            return true;
        at += word;
        at += strspn (at, ", ");
    }
    return false;
}

//  Refuse the key KEY (LENGTH bytes) no chosen system reads.
static int
s_refuse (const char *key, int length, const char *const *systems, size_t count,
          char **error)
{
    char chosen [S_MESSAGE_BYTES] = "", reads [S_MESSAGE_BYTES] = "", others [S_MESSAGE_BYTES] = "";
    for (size_t i = 0; i < count; i++) {
        size_t used = strlen (chosen), said = strlen (reads);
        snprintf (chosen + used, sizeof chosen - used, "%s%s", i? ", ": "", systems [i]);
        snprintf (reads + said, sizeof reads - said, "%s%s reads: %s", i? "; ": "", systems [i],
                  syskeys_reads (systems [i]));
    }
    for (size_t i = 0; i < sizeof s_table / sizeof s_table [0]; i++)
        if (s_in (s_table [i].keys, key, (size_t) length)) {
            size_t used = strlen (others);
            snprintf (others + used, sizeof others - used, "%s%s", *others? ", ": "",
                      s_table [i].system);
        }
    if (asprintf (error, "--config: %.*s: not a key %s%s reads (%s%s%s%s)", length, key,
                  count > 1? "any of ": "", chosen, reads, *others? "; ": "", others,
                  *others? " reads it": "") < 0)
        *error = NULL;
    return -1;
}

int
syskeys_check (const char *text, const char *const *systems, size_t count, char **error)
{
    for (size_t i = 0; i < count; i++)
        if (!syskeys_reads (systems [i]))
            return 0;           //  a program of the user's may read anything
    for (const char *item = text; item && *item; ) {
        size_t length = strcspn (item, "=,");
        bool read = length == 3 && strncmp (item, "bug", 3) == 0;
        for (size_t i = 0; !read && i < count; i++)
            read = s_in (syskeys_reads (systems [i]), item, length);
        if (!read && length)
            return s_refuse (item, (int) length, systems, count, error);
        item = strchr (item, ',');
        item = item? item + 1: NULL;
    }
    return 0;
}
