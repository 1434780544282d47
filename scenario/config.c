/*  config.c -- --config items checked and merged into a scenario's params
    (see config.h). Every item is checked first, so that a bad one leaves
    the scenario as it was.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <inttypes.h>
#include <assert.h>
#include <czmq.h>
#include "config.h"
#include "syskeys.h"
#include "number.h"

static int
s_fail (char **error, const char *item, const char *format, ...)
{
    if (!error)
        return -1;
    char reason [256];
    va_list args;
    va_start (args, format);
    vsnprintf (reason, sizeof reason, format, args);
    va_end (args);
    if (asprintf (error, "--config: %s: %s", item, reason) < 0)
        *error = NULL;
    return -1;
}

static bool
s_name (const char *key, size_t length)
{
    if (length == 0 || key [0] < 'a' || key [0] > 'z')
        return false;
    for (size_t i = 1; i < length; i++)
        if (!((key [i] >= 'a' && key [i] <= 'z') || (key [i] >= '0' && key [i] <= '9')
        ||    key [i] == '_'))
            return false;
    return true;
}

//  The keys our systems read are syskeys.c's table: a key no one reads
//  would be taken and ignored.

//  The values of our systems' other keys: true or false (min -1), or a
//  whole number min..max, as the nodes read them (nodes/raft/raft.c
//  s_params, nodes/quorum, nodes/crdt), so that a bad one is a usage
//  error here and not a node that exits before init.
static const struct {
    const char *key;
    int min, max;
    const char *unit;
} s_values [] = {
    { "read_repair", -1, 0, "" },
    { "hinted_handoff", -1, 0, "" },
    { "gossip", -1, 0, "" },
    { "prevote", -1, 0, "" },
    { "noop", -1, 0, "" },
    { "heartbeat_ms", 1, 600000, " (ms)" },
    { "election_min_ms", 1, 600000, " (ms)" },
    { "election_max_ms", 1, 600000, " (ms)" },
    { "batch_ms", 0, 600000, " (ms)" },
    { "ae_inflight", 1, 600000, " (appends in flight to a follower)" },
};

//  One item "K=V": a key some system reads, its value in range.
static int
s_check_item (const scenario_t *sc, const char *item, const char *whose, char **error)
{
    const char *equals = strchr (item, '=');
    if (!equals)
        return s_fail (error, item, "not K=V");
    size_t length = (size_t) (equals - item);
    const char *value = equals + 1;
    if (!s_name (item, length))
        return s_fail (error, item, "'%.*s' is not a lowercase name ([a-z][a-z0-9_]*)",
                       (int) length, item);
    if (!*value)
        return s_fail (error, item, "empty value");
    if (length == 8 && strncmp (item, "workload", 8) == 0)
        return s_fail (error, item, "'workload' is set by the lab (the run's --workload), "
                       "not by --config");
    if (!syskeys_known (item, length))
        return s_fail (error, item, "'%.*s' is not a key any of our systems reads "
                       "(known: %s)", (int) length, item, syskeys_known_text ());
    if ((length == 1 && (item [0] == 'w' || item [0] == 'r'))) {
        if (streq (value, "one") || streq (value, "quorum") || streq (value, "all"))
            return 0;
        uint64_t count;
        if (number_parse_whole (value, UINT32_MAX, &count) || count == 0)
            return s_fail (error, item, "'%s' is not one, quorum, all or a number 1..%d",
                           value, sc->nodes);
        if (count > (uint64_t) sc->nodes)
            return s_fail (error, item, "more than %s %d nodes", whose, sc->nodes);
        return 0;
    }
    if (length == 5 && strncmp (item, "reads", 5) == 0
    &&  !streq (value, "linearizable") && !streq (value, "serializable"))
        return s_fail (error, item, "'%s' is not linearizable or serializable", value);
    if (length == 4 && strncmp (item, "wait", 4) == 0) {
        uint64_t count;
        if (number_parse_whole (value, UINT32_MAX, &count) || count >= (uint64_t) sc->nodes)
            return s_fail (error, item, "'%s' is not a count of replicas 0..%d (%s %d nodes"
                           " less the primary)", value, sc->nodes - 1, whose, sc->nodes);
        return 0;
    }
    for (size_t i = 0; i < sizeof s_values / sizeof s_values [0]; i++) {
        if (strlen (s_values [i].key) != length || strncmp (item, s_values [i].key, length))
            continue;
        if (s_values [i].min < 0) {
            if (!streq (value, "true") && !streq (value, "false"))
                return s_fail (error, item, "'%s' is not true or false", value);
            return 0;
        }
        uint64_t number;
        if (number_parse_whole (value, (uint64_t) s_values [i].max, &number)
        ||  number < (uint64_t) s_values [i].min)
            return s_fail (error, item, "'%s' is not a whole number %d..%d%s", value,
                           s_values [i].min, s_values [i].max, s_values [i].unit);
    }
    return 0;
}

//  The value of KEY the nodes would get: the --config ITEMS' (a copy
//  of the text), else the scenario's params', else DEF.
static int64_t
s_effective (const scenario_t *sc, const char *items, const char *key, int64_t def)
{
    size_t length = strlen (key);
    for (const char *at = items; at && *at; ) {
        if (strncmp (at, key, length) == 0 && at [length] == '=')
            return strtoll (at + length + 1, NULL, 10);
        at = strchr (at, ',');
        at = at? at + 1: NULL;
    }
    for (size_t i = 0; i < sc->params_count; i++)
        if (strncmp (sc->params [i], key, length) == 0 && sc->params [i][length] == '=')
            return strtoll (sc->params [i] + length + 1, NULL, 10);
    return def;
}

//  Raft draws its election timeout from election_min_ms..election_max_ms
//  (defaults 300..600): -1 with *error when min, from ITEMS (or NULL) and
//  the params, is over max. NAMED: the reason names election_min_ms (the
//  ITEM it is told against does not).
static int
s_check_election (const scenario_t *sc, const char *items, const char *item, bool named,
                  char **error)
{
    int64_t low = s_effective (sc, items, "election_min_ms", 300);
    int64_t high = s_effective (sc, items, "election_max_ms", 600);
    if (low <= high)
        return 0;
    return s_fail (error, item, "%s%" PRId64 " is over election_max_ms %" PRId64
                   " (raft draws its election timeout from min..max; defaults 300..600)",
                   named? "election_min_ms ": "", low, high);
}

//  -1 with *error naming both items when ITEM's key is that of one of the
//  SEEN items before it.
static int
s_check_twice (char **seen, size_t seen_count, const char *item, char **error)
{
    size_t length = (size_t) (strchr (item, '=') - item) + 1;
    for (size_t i = 0; i < seen_count; i++)
        if (strncmp (seen [i], item, length) == 0)
            return s_fail (error, item, "'%.*s' given twice (%s and %s)",
                           (int) length - 1, item, seen [i], item);
    return 0;
}

//  The params index whose key is item's, or -1.
static int
s_param_index (const scenario_t *sc, const char *item)
{
    size_t length = (size_t) (strchr (item, '=') - item) + 1;
    for (size_t i = 0; i < sc->params_count; i++)
        if (strncmp (sc->params [i], item, length) == 0)
            return (int) i;
    return -1;
}

int
config_apply (scenario_t *sc, const char *text, char **error)
{
    return config_apply_to (sc, text, "the scenario's", error);
}

int
config_apply_to (scenario_t *sc, const char *text, const char *whose, char **error)
{
    assert (sc && text && whose);
    if (!*text)
        return s_fail (error, "''", "empty (expected K=V[,K=V...])");
    char *copy = strdup (text);
    assert (copy);
    //  Check every item, and that the new keys fit, before changing anything.
    //  Every distinct key is a known one, so SEEN holds them all.
    char *seen [SYSKEYS_KEYS_MAX];
    size_t seen_count = 0;
    size_t added = 0;
    int rc = 0;
    char *save = NULL;
    for (char *item = strtok_r (copy, ",", &save); item && rc == 0;
         item = strtok_r (NULL, ",", &save)) {
        rc = s_check_item (sc, item, whose, error);
        if (rc == 0)
            rc = s_check_twice (seen, seen_count, item, error);
        if (rc == 0)
            seen [seen_count++] = item;
        if (rc == 0 && s_param_index (sc, item) < 0 && ++added + sc->params_count
                                                        > FL_SCENARIO_PARAMS_MAX)
            rc = s_fail (error, item, "more than %d params (FL_SCENARIO_PARAMS_MAX)",
                         FL_SCENARIO_PARAMS_MAX);
    }
    if (rc == 0 && (text [strlen (text) - 1] == ',' || strstr (text, ",,") || text [0] == ','))
        rc = s_fail (error, text, "an empty item (expected K=V[,K=V...])");
    free (copy);
    if (rc == 0)
        rc = s_check_election (sc, text, text, true, error);
    if (rc)
        return -1;
    copy = strdup (text);
    assert (copy);
    for (char *item = strtok_r (copy, ",", &save); item; item = strtok_r (NULL, ",", &save)) {
        int at = s_param_index (sc, item);
        if (at >= 0)
            free (sc->params [at]);
        else
            at = (int) sc->params_count++;
        sc->params [at] = strdup (item);
        assert (sc->params [at]);
    }
    free (copy);
    return 0;
}

int
config_check_params (const scenario_t *sc, char **error)
{
    assert (sc);
    char *problem = NULL;
    int rc = 0;
    for (size_t i = 0; i < sc->params_count && rc == 0; i++) {
        const char *item = sc->params [i];
        size_t length = strcspn (item, "=");
        //  Keys of ours only (the bug is checked against the system's
        //  list by the run): a --node program's params are its own.
        if (item [length] == '=' && syskeys_known (item, length)
        &&  !(length == 3 && strncmp (item, "bug", 3) == 0))
            rc = s_check_item (sc, item, "the scenario's", &problem);
    }
    if (rc == 0)
        rc = s_check_election (sc, NULL, "election_min_ms", false, &problem);
    if (rc == 0)
        return 0;
    //  s_fail names the option; these are the scenario's own params.
    const char *reason = problem? problem: "bad value";
    if (strncmp (reason, "--config: ", 10) == 0)
        reason += 10;
    if (error && asprintf (error, "%s: params: %s", sc->path? sc->path: sc->name, reason) < 0)
        *error = NULL;
    free (problem);
    return -1;
}
