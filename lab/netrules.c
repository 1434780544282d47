/*  netrules.c -- the plane's rules and their nft script (see netrules.h).

    Pure: builds text in memory. Every number it writes is checked here
    (percent in 0..100, node indexes in range), so nft never sees a value
    it would refuse halfway through a fault.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <czmq.h>
#include "netrules.h"

void
netrules_init (netrules_t *self, int nodes)
{
    assert (self && nodes > 0 && nodes <= FL_NODES_MAX);
    memset (self, 0, sizeof *self);
    self->nodes = nodes;
}

void
netrules_addr (int k, char *buf, size_t size)
{
    assert (k >= 1 && k <= FL_NODES_MAX);
    snprintf (buf, size, "10.91.0.%d", k);
}

void
netrules_link (int k, char *buf, size_t size)
{
    assert (k >= 1 && k <= FL_NODES_MAX);
    snprintf (buf, size, "v%d", k);
}

//  "n3" -> 2, or -1 when it is not a node of this plane.
static int
s_index (const netrules_t *self, const char *id)
{
    if (id [0] != 'n' || !id [1])
        return -1;
    char *end;
    long k = strtol (id + 1, &end, 10);
    if (*end || k < 1 || k > self->nodes || id [1] == '0')
        return -1;
    return (int) k - 1;
}

//  Parse "n1,n2|n3" into member flags per group. Returns the group
//  count, or -1 with *error.
static int
s_groups (const netrules_t *self, const char *text,
          bool member [][FL_NODES_MAX], int groups_max, char **error)
{
    char copy [FL_FAULT_TEXT_BYTES_MAX];
    snprintf (copy, sizeof copy, "%s", text);
    int count = 0;
    char *save_group = NULL;
    for (char *group = strtok_r (copy, "|", &save_group); group;
         group = strtok_r (NULL, "|", &save_group)) {
        if (count == groups_max) {
            *error = strdup ("partition: too many groups");
            return -1;
        }
        memset (member [count], 0, sizeof member [count]);
        char *save_id = NULL;
        for (char *id = strtok_r (group, ",", &save_id); id; id = strtok_r (NULL, ",", &save_id)) {
            int index = s_index (self, id);
            if (index < 0) {
                if (asprintf (error, "partition: '%s' is not a node of this lab's"
                              " network plane (n1..n%d; Maelstrom's services are not"
                              " in it)", id, self->nodes) < 0)
                    *error = NULL;
                return -1;
            }
            member [count][index] = true;
        }
        count++;
    }
    return count;
}

int
netrules_partition (netrules_t *self, const action_t *spec, char **error)
{
    assert (self && spec);
    char *ignored = NULL;
    if (!error)
        error = &ignored;       // a caller that wants no message
    static bool member [2 * FL_NODES_MAX][FL_NODES_MAX];   // not reentrant: lab is one thread
    int groups = s_groups (self, spec->groups, member, 2 * FL_NODES_MAX, error);
    if (groups < 0) {
        free (ignored);
        return -1;
    }
    memset (self->cut, 0, sizeof self->cut);
    if (spec->shape == ACTION_SHAPE_ONE_WAY) {
        if (groups != 2) {
            *error = strdup ("one-way partition: want FROM|TO");
            free (ignored);
            return -1;
        }
        for (int i = 0; i < self->nodes; i++)
            for (int j = 0; j < self->nodes; j++)
                self->cut [i][j] = member [0][i] && member [1][j] && i != j;
        return 0;
    }
    for (int i = 0; i < self->nodes; i++)
        for (int j = 0; j < self->nodes; j++) {
            bool named_i = false, named_j = false, together = false;
            for (int g = 0; g < groups; g++) {
                named_i |= member [g][i];
                named_j |= member [g][j];
                together |= member [g][i] && member [g][j];
            }
            self->cut [i][j] = i != j && named_i && named_j && !together;
        }
    return 0;
}

void
netrules_heal (netrules_t *self)
{
    assert (self);
    netrules_init (self, self->nodes);
}

int
netrules_cut_count (const netrules_t *self)
{
    int count = 0;
    for (int i = 0; i < self->nodes; i++)
        for (int j = 0; j < self->nodes; j++)
            count += self->cut [i][j];
    return count;
}

int
netrules_percent (double p)
{
    if (!(p > 0))
        return 0;
    if (p >= 1)
        return 100;
    int percent = (int) lround (p * 100);
    return percent < 1? 1: percent > 100? 100: percent;
}

bool
netrules_queues (const netrules_t *self)
{
    return self->delay_ms > 0 || self->jitter_ms > 0 || self->reorder_p > 0;
}

void
netrules_queue_line (const netrules_t *self, char *buf, size_t size)
{
    snprintf (buf, size, "set %d %d %.6f\n", self->delay_ms, self->jitter_ms, self->reorder_p);
}

char *
netrules_setup_script (void)
{
    char *script = NULL;
    if (asprintf (&script,
                  "table ip " NETRULES_TABLE " {\n"
                  "    set cut { type ipv4_addr . ipv4_addr; }\n"
                  "    chain forward { type filter hook forward priority -10; policy accept; }\n"
                  "}\n") < 0)
        return NULL;
    return script;
}

//  A numgen condition for percent P, "" when it is 100 (nft refuses
//  "mod 100 < 100": the value must be below the modulus).
static void
s_chance (int percent, char *buf, size_t size)
{
    if (percent >= 100)
        snprintf (buf, size, "%s", "");
    else
        snprintf (buf, size, "numgen random mod 100 < %d ", percent);
}

char *
netrules_script (const netrules_t *self)
{
    assert (self);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    assert (out);
    fprintf (out, "flush set ip %s cut\n", NETRULES_TABLE);
    if (netrules_cut_count (self) > 0) {
        fprintf (out, "add element ip %s cut {", NETRULES_TABLE);
        const char *sep = " ";
        for (int i = 0; i < self->nodes; i++)
            for (int j = 0; j < self->nodes; j++)
                if (self->cut [i][j]) {
                    fprintf (out, "%s10.91.0.%d . 10.91.0.%d", sep, i + 1, j + 1);
                    sep = ", ";
                }
        fprintf (out, " }\n");
    }
    fprintf (out, "flush chain ip %s forward\n", NETRULES_TABLE);
    fprintf (out, "add rule ip %s forward ip saddr . ip daddr @cut drop\n", NETRULES_TABLE);
    char chance [64];
    int drop = netrules_percent (self->drop_p);
    if (drop > 0) {
        s_chance (drop, chance, sizeof chance);
        fprintf (out, "add rule ip %s forward %sdrop\n", NETRULES_TABLE, chance);
    }
    int duplicate = netrules_percent (self->duplicate_p);
    if (duplicate > 0) {
        s_chance (duplicate, chance, sizeof chance);
        for (int k = 1; k <= self->nodes; k++)
            fprintf (out, "add rule ip %s forward ip daddr 10.91.0.%d %sdup to 10.91.0.%d"
                     " device \"v%d\"\n", NETRULES_TABLE, k, chance, k, k);
    }
    fclose (out);
    return text;
}
