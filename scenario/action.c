/*  action.c -- parse and print one fault action (see action.h).

    A scenario step, a random generator's kind and `./harness fault` all say
    what to do in the same words, so one parser serves the three and its
    errors read the same everywhere. The parser is strict: every word is
    checked (a probability in [0,1], a delay within FL_DELAY_MS_MAX, a node
    name within the cluster) so a bad scenario is caught before a lab starts,
    not half-way through a run. Nothing here touches a process or a socket.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <assert.h>
#include <czmq.h>
#include "action.h"
#include "number.h"
#include "hash.h"


typedef struct {
    const char *name;
    action_kind_t kind;
} s_kind_name_t;

static const s_kind_name_t s_kinds [] = {
    { "partition", ACTION_PARTITION }, { "heal", ACTION_HEAL },
    { "drop", ACTION_DROP }, { "delay", ACTION_DELAY },
    { "duplicate", ACTION_DUPLICATE }, { "reorder", ACTION_REORDER },
    { "pause", ACTION_PAUSE }, { "resume", ACTION_RESUME },
    { "kill", ACTION_KILL }, { "restart", ACTION_RESTART },
    { "stop", ACTION_STOP }, { "cont", ACTION_CONT },
    { "clock-skew", ACTION_CLOCK_SKEW }, { "block-type", ACTION_BLOCK_TYPE },
    { "unblock-type", ACTION_UNBLOCK_TYPE }
};
#define KINDS (sizeof s_kinds / sizeof s_kinds [0])

static const char *s_shapes [] = {
    "", "halves", "majority", "minority", "isolate", "isolate-leader",
    "bridge", "ring", "", "one-way"
};

int
action_error (char **error, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    char *message = NULL;
    if (vasprintf (&message, format, args) < 0)
        message = NULL;
    va_end (args);
    if (error)
        *error = message;
    else
        free (message);
    return -1;
}

bool
action_is_service (const char *id)
{
    return id && (streq (id, "lin-kv") || streq (id, "seq-kv") || streq (id, "lww-kv")
               || streq (id, "lin-tso"));
}

//  A node name: n1..nN, or "random". nodes <= 0 skips the range check.
static int
s_parse_node (const char *word, int nodes, char *out, char **error)
{
    if (streq (word, "random")) {
        snprintf (out, FL_ID_BYTES_MAX, "%s", word);
        return 0;
    }
    char *end;
    long index = word [0] == 'n'? strtol (word + 1, &end, 10): 0;
    if (word [0] != 'n' || end == word + 1 || *end || index < 1 || index > FL_NODES_MAX
    ||  (nodes > 0 && index > nodes))
        return action_error (error, "'%s' is not a node (n1..n%d or random; isolate also takes a service:"
                       " lin-kv, seq-kv, lww-kv, lin-tso)",
                       word, nodes > 0? nodes: FL_NODES_MAX);
    snprintf (out, FL_ID_BYTES_MAX, "n%ld", index);
    return 0;
}

static int
s_parse_number (const char *word, double lo, double hi, double *out,
                const char *what, char **error)
{
    if (number_parse (word, lo, hi, out))
        return action_error (error, "%s '%s' is not a number in [%.12g, %.12g]",
                       what, word, lo, hi);
    return 0;
}

//  Explicit groups "n1,n2|n3,n4,n5": every id a node of the cluster, none
//  twice in one group, no group empty. Groups may overlap, as the proxy's
//  do (docs/proxy.md): two nodes the groups name talk when some group holds
//  both, so "n1,n2,n3|n3,n4,n5" is a bridge through n3 and a chain of pairs
//  a ring; a node in no group is cut from no one. Groups that cut no two
//  nodes apart ("n1|n1", "n1,n2|n1,n2") are a typo, as one group is.
static int
s_parse_groups (const char *word, int nodes, char *out, char **error)
{
    if (word [0] == '|' || word [strlen (word) - 1] == '|' || strstr (word, "||"))
        return action_error (error, "partition groups '%s' have an empty group", word);
    if (word [0] == ',' || strstr (word, ",,") || strstr (word, ",|") || strstr (word, "|,")
    ||  word [strlen (word) - 1] == ',')
        return action_error (error, "partition groups '%s' have an empty node name (two"
                             " commas, or a comma at a group's end)", word);
    if (strlen (word) >= FL_FAULT_TEXT_BYTES_MAX)
        return action_error (error, "partition groups '%s' are too long", word);
    if (!strchr (word, '|'))
        return action_error (error, "unknown partition shape '%s' (halves, majority,"
                       " minority, isolate NODE, isolate-leader, bridge, ring,"
                       " one-way FROM -> TO, or groups like n1,n2|n3,n4,n5)", word);
    char copy [FL_FAULT_TEXT_BYTES_MAX];
    snprintf (copy, sizeof copy, "%s", word);
    int groups = 0;
    //  member [g]: group g's nodes, a bit each (n1 is bit 0)
    _Static_assert (FL_NODES_MAX <= 64, "a group's nodes are bits of one word");
    uint64_t member [FL_FAULT_TEXT_BYTES_MAX / 2 + 1] = { 0 };
    char *save_group = NULL;
    for (char *group = strtok_r (copy, "|", &save_group); group;
         group = strtok_r (NULL, "|", &save_group)) {
        bool seen [FL_NODES_MAX + 1] = { false };
        char *save = NULL;
        for (char *id = strtok_r (group, ",", &save); id; id = strtok_r (NULL, ",", &save)) {
            char node [FL_ID_BYTES_MAX];
            if (streq (id, "random") || s_parse_node (id, nodes, node, NULL))
                return action_error (error, "'%s' in partition groups '%s' is not a node", id, word);
            int index = atoi (node + 1);
            if (seen [index])
                return action_error (error, "%s is in one group of partition groups '%s' twice",
                                     node, word);
            seen [index] = true;
            member [groups] |= 1ULL << (index - 1);
        }
        groups++;
    }
    //  One group cuts nothing: it is a typo, not a partition.
    if (groups < 2)
        return action_error (error, "partition groups '%s' need two groups or more", word);
    uint64_t named = 0;
    for (int g = 0; g < groups; g++)
        named |= member [g];
    bool cuts = false;
    for (int a = 0; a < FL_NODES_MAX && !cuts; a++)
        for (int b = a + 1; b < FL_NODES_MAX && !cuts && (named >> a & 1); b++) {
            if (!(named >> b & 1))
                continue;
            bool together = false;
            for (int g = 0; g < groups && !together; g++)
                together = (member [g] >> a & 1) && (member [g] >> b & 1);
            cuts = !together;
        }
    if (!cuts)
        return action_error (error, "partition groups '%s' cut no two nodes apart: every"
                             " two of the nodes they name share a group", word);
    snprintf (out, FL_FAULT_TEXT_BYTES_MAX, "%s", word);
    return 0;
}

//  Split "FROM -> TO" (words [first..count) joined, the arrow with or
//  without spaces) into from and to. shown gets the joined text.
static int
s_split_arrow (char **words, int first, int count, const char *what, const char *example,
               char *shown, char *from, char *to, char **error)
{
    *shown = 0;
    size_t used = 0;
    for (int i = first; i < count; i++) {
        int n = snprintf (shown + used, FL_FAULT_TEXT_BYTES_MAX - used, "%s%s",
                          i > first? " ": "", words [i]);
        used += n > 0? (size_t) n: 0;
    }
    char *arrow = strstr (shown, "->");
    if (!arrow)
        return action_error (error, "%s '%s' has no '->' (expected FROM -> TO,"
                       " like %s%s)", what, shown, example, strstr (shown, " -")
                       || streq (words [count - 1], "-")?
                       "; in a shell, quote it: 'n1,n2 -> n3'": "");
    if (strstr (arrow + 2, "->"))
        return action_error (error, "%s '%s' has more than one '->'", what, shown);
    const char *start = shown, *end = arrow;
    while (end > start && end [-1] == ' ')
        end--;
    snprintf (from, FL_FAULT_TEXT_BYTES_MAX, "%.*s", (int) (end - start), start);
    start = arrow + 2;
    while (*start == ' ')
        start++;
    snprintf (to, FL_FAULT_TEXT_BYTES_MAX, "%s", start);
    if (!*from || !*to)
        return action_error (error, "%s '%s' has no nodes %s '->' (expected"
                       " FROM -> TO, like %s)", what, shown, *from? "after": "before",
                       example);
    return 0;
}

//  A message type: 1 to FL_TYPE_BYTES_MAX bytes of letters, digits and
//  _ . : - (Maelstrom's types are words like append_entries, cas_ok).
static bool
s_is_type (const char *word, size_t length)
{
    if (length == 0 || length > FL_TYPE_BYTES_MAX)
        return false;
    for (size_t i = 0; i < length; i++)
        if (!isalnum ((unsigned char) word [i]) && !strchr ("_.:-", word [i]))
            return false;
    return true;
}

//  The types of a block-type, "append_entries,request_vote": each a type,
//  none twice, at most FL_RULE_TYPES_MAX.
static int
s_parse_types (const char *word, const char *name, char *out, char **error)
{
    int count = 0;
    for (const char *at = word; ; ) {
        const char *comma = strchr (at, ',');
        size_t length = comma? (size_t) (comma - at): strlen (at);
        if (!s_is_type (at, length))
            return action_error (error, "'%.*s' in %s '%s' is not a message type (1 to %d"
                           " letters, digits, '_', '.', ':' or '-'; a list is written"
                           " append_entries,request_vote)", (int) length, at, name, word,
                           FL_TYPE_BYTES_MAX);
        for (const char *seen = word; seen < at; ) {
            const char *next = strchr (seen, ',');
            if ((size_t) (next - seen) == length && memcmp (seen, at, length) == 0)
                return action_error (error, "'%.*s' is in %s '%s' twice", (int) length,
                               at, name, word);
            seen = next + 1;
        }
        if (++count > FL_RULE_TYPES_MAX)
            return action_error (error, "%s '%s' names more than %d message types"
                           " (FL_RULE_TYPES_MAX)", name, word, FL_RULE_TYPES_MAX);
        if (!comma)
            break;
        at = comma + 1;
    }
    snprintf (out, FL_FAULT_TEXT_BYTES_MAX, "%s", word);
    return 0;
}

//  The next name of the comma list at *AT into WORD (FL_ID_BYTES_MAX
//  bytes, cut if longer): its length as written. *AT moves past it and
//  its comma, to NULL after the last.
static size_t
s_next_name (const char **at, char *word)
{
    const char *comma = strchr (*at, ',');
    size_t length = comma? (size_t) (comma - *at): strlen (*at);
    snprintf (word, FL_ID_BYTES_MAX, "%.*s", (int) length, *at);
    *at = comma? comma + 1: NULL;
    return length;
}

//  Append NAME to the comma list OUT (SIZE bytes, USED of them written).
static void
s_append_name (char *out, size_t size, size_t *used, const char *name)
{
    int n = snprintf (out + *used, size - *used, "%s%s", *used? ",": "", name);
    *used += n > 0? (size_t) n: 0;
}

//  One side of a block-type: "*", or a list of nodes and "clients". The
//  side goes to out normalised ("n01" -> "n1").
static int
s_parse_type_side (const char *side, const char *name, const char *shown, int nodes,
                   char *out, size_t size, char **error)
{
    if (streq (side, "*")) {
        snprintf (out, size, "*");
        return 0;
    }
    *out = 0;
    size_t used = 0;
    bool seen [FL_NODES_MAX + 1] = { false };     // [0]: "clients"
    for (const char *at = side; at; ) {
        const char *start = at;
        char word [FL_ID_BYTES_MAX], id [FL_ID_BYTES_MAX];
        size_t length = s_next_name (&at, word);
        if (length < sizeof word && streq (word, "clients"))
            snprintf (id, sizeof id, "clients");
        else
        if (length == 0 || length >= sizeof word || streq (word, "random")
        ||  s_parse_node (word, nodes, id, NULL))
            return action_error (error, "'%.*s' in %s '%s' is not a node (n1..n%d, 'clients'"
                           " for every client, or '*' alone for every node)", (int) length,
                           start, name, shown, nodes > 0? nodes: FL_NODES_MAX);
        //  Each name once, so the links are each blocked once.
        int index = streq (id, "clients")? 0: atoi (id + 1);
        if (seen [index])
            return action_error (error, "%s is in %s '%s' twice", id, name, shown);
        seen [index] = true;
        s_append_name (out, size, &used, id);
    }
    return 0;
}

//  "block-type TYPES FROM -> TO" and "unblock-type ...": types, then the
//  sides as groups "FROM|TO".
static int
s_parse_block_type (action_t *self, char **words, int count, int nodes, char **error)
{
    const char *name = words [0];
    if (count < 3)
        return action_error (error, "%s needs TYPES FROM -> TO (messages of those body types"
                       " from FROM to TO; like append_entries n5 -> *)", name);
    if (s_parse_types (words [1], name, self->types, error))
        return -1;
    char shown [FL_FAULT_TEXT_BYTES_MAX], from [FL_FAULT_TEXT_BYTES_MAX], to [FL_FAULT_TEXT_BYTES_MAX];
    if (s_split_arrow (words, 2, count, name, "append_entries n5 -> *", shown, from, to, error))
        return -1;
    //  "a b n2 -> n3": the types are one word, so 'b' lands in FROM
    const char *space = strchr (from, ' ');
    if (space && !strstr (from, ", ") && !strstr (from, " ,")) {
        char first [FL_FAULT_TEXT_BYTES_MAX];
        snprintf (first, sizeof first, "%.*s", (int) (space - from), from);
        char id [FL_ID_BYTES_MAX];
        if (!streq (first, "*") && !streq (first, "clients")
        &&  (strlen (first) >= sizeof id || s_parse_node (first, nodes, id, NULL)))
            return action_error (error, "%s '%s %s': '%s' is no node of FROM; the types are"
                           " one word, a list written with commas and no space"
                           " (%s,%s n2 -> n3)", name, words [1], shown, first, words [1], first);
    }
    char sides [2][FL_FAULT_TEXT_BYTES_MAX];
    if (s_parse_type_side (from, name, shown, nodes, sides [0], sizeof sides [0], error)
    ||  s_parse_type_side (to, name, shown, nodes, sides [1], sizeof sides [1], error))
        return -1;
    //  One party to itself is no link ("*" and lists are links among them).
    if (streq (sides [0], sides [1]) && !streq (sides [0], "*") && !strchr (sides [0], ','))
        return action_error (error, "%s '%s' names no link: %s on both sides (a message"
                       " from %s to itself never passes the proxy)", name, shown, sides [0],
                       sides [0]);
    int n = snprintf (self->groups, sizeof self->groups, "%s|%s", sides [0], sides [1]);
    if (n < 0 || (size_t) n >= sizeof self->groups)
        return action_error (error, "%s '%s' is too long", name, shown);
    return 0;
}

//  One side of a one-way partition, as written: "rest", "random", or a
//  list "n1,n2" of nodes of the cluster. owner [i] says which side (1 or
//  2) named node i already, so a node named twice, or on both sides, is
//  refused by name. The side goes to out, normalised ("n01" -> "n1").
static int
s_parse_side (const char *side, int which, const char *shown, int nodes,
              int *owner, char *out, size_t size, char **error)
{
    if (streq (side, "rest") || streq (side, "random")) {
        snprintf (out, size, "%s", side);
        return 0;
    }
    if (strchr (side, ' '))
        return action_error (error, "'%s' in partition one-way '%s' is not a node list"
                       " (write n1,n2, without spaces)", side, shown);
    *out = 0;
    size_t used = 0;
    for (const char *at = side; at; ) {
        const char *start = at;
        char word [FL_ID_BYTES_MAX], node [FL_ID_BYTES_MAX];
        size_t length = s_next_name (&at, word);
        if (length == 0)
            return action_error (error, "'%s' in partition one-way '%s' has an empty node name"
                           " (expected a list like n1,n2)", side, shown);
        if (length >= sizeof word || streq (word, "random")
        ||  s_parse_node (word, nodes, node, NULL))
            return action_error (error, "'%.*s' in partition one-way '%s' is not a node (n1..n%d;"
                           " rest and random stand alone as a side)", (int) length, start,
                           shown, nodes > 0? nodes: FL_NODES_MAX);
        int index = atoi (node + 1);
        if (owner [index] == which)
            return action_error (error, "%s is in partition one-way '%s' twice", node, shown);
        if (owner [index])
            return action_error (error, "%s is on both sides of partition one-way '%s'"
                           " (the sides must be disjoint)", node, shown);
        owner [index] = which;
        s_append_name (out, size, &used, node);
    }
    return 0;
}

//  "partition one-way FROM -> TO": words [2..count) joined are the text
//  "FROM -> TO", the arrow with or without spaces around it. groups gets
//  "FROM|TO". Sides must be non-empty and disjoint: "rest" is refused
//  where it would be empty, and "random" unless the other side is "rest"
//  (a node drawn later could otherwise be on both sides).
static int
s_parse_one_way (action_t *self, char **words, int count, int nodes, char **error)
{
    if (count < 3)
        return action_error (error, "partition one-way needs FROM -> TO (messages from FROM"
                       " to TO are dropped; like n1,n2 -> n3)");
    char shown [FL_FAULT_TEXT_BYTES_MAX], from [FL_FAULT_TEXT_BYTES_MAX], to [FL_FAULT_TEXT_BYTES_MAX];
    if (s_split_arrow (words, 2, count, "partition one-way", "n1,n2 -> n3", shown, from, to,
                       error))
        return -1;
    int owner [FL_NODES_MAX + 1] = { 0 };
    char sides [2][FL_FAULT_TEXT_BYTES_MAX];
    if (s_parse_side (from, 1, shown, nodes, owner, sides [0], sizeof sides [0], error)
    ||  s_parse_side (to, 2, shown, nodes, owner, sides [1], sizeof sides [1], error))
        return -1;
    for (int i = 0; i < 2; i++) {
        const char *other = sides [1 - i];
        if (streq (sides [i], "random") && !streq (other, "rest"))
            return action_error (error, "'random' in partition one-way '%s' needs 'rest' on the"
                           " other side (a drawn node could be on both)", shown);
        if (streq (sides [i], "rest") && streq (other, "rest"))
            return action_error (error, "partition one-way '%s' has 'rest' on both sides:"
                           " no node is on either", shown);
    }
    //  "rest" against a list of every node would be empty.
    int named = 0;
    for (int i = 1; i <= FL_NODES_MAX; i++)
        named += owner [i] != 0;
    if (nodes > 0 && named == nodes && (streq (sides [0], "rest") || streq (sides [1], "rest")))
        return action_error (error, "'rest' in partition one-way '%s' is empty: the other side"
                       " names all %d nodes", shown, nodes);
    self->shape = ACTION_SHAPE_ONE_WAY;
    int n = snprintf (self->groups, sizeof self->groups, "%s|%s", sides [0], sides [1]);
    //  Normalising only shortens ("n01" -> "n1", no spaces): it fits.
    assert (n > 0 && (size_t) n < sizeof self->groups);
    return 0;
}

//  Shapes that cannot be drawn in a cluster this small: one node cannot be
//  split, and two have no minority, no majority that leaves anyone out, no
//  bridge (two groups sharing a node) and no ring (two neighbours each).
static int
s_check_size (const char *shape, action_shape_t kind, int nodes, char **error)
{
    if (nodes == 1)
        return action_error (error, "partition %s needs at least 2 nodes (the cluster has 1)", shape);
    if (nodes == 3 && kind == ACTION_SHAPE_RING)
        return action_error (error, "partition ring needs at least 4 nodes (of 3, each node's"
                             " two neighbours are all the others: it cuts nothing)");
    if (nodes != 2)
        return 0;
    if (kind == ACTION_SHAPE_MINORITY)
        return action_error (error, "partition minority needs at least 3 nodes (of 2, a minority is 0 nodes)");
    if (kind == ACTION_SHAPE_MAJORITY)
        return action_error (error, "partition majority needs at least 3 nodes (of 2, a majority is both)");
    if (kind == ACTION_SHAPE_BRIDGE)
        return action_error (error, "partition bridge needs at least 3 nodes (two groups sharing one node)");
    if (kind == ACTION_SHAPE_RING)
        return action_error (error, "partition ring needs at least 4 nodes (each node sees its"
                             " two neighbours, and no others)");
    return 0;
}

static int
s_parse_partition (action_t *self, char **words, int count, int nodes, char **error)
{
    if (count < 2)
        return action_error (error, "partition needs a shape");
    const char *shape = words [1];
    int need = 2;
    if (streq (shape, "one-way"))
        return s_check_size (shape, ACTION_SHAPE_ONE_WAY, nodes, error)
            || s_parse_one_way (self, words, count, nodes, error)? -1: 0;
    if (streq (shape, "isolate")) {
        self->shape = ACTION_SHAPE_ISOLATE;
        if (count < 3)
            return action_error (error, "partition isolate needs a node");
        need = 3;
        //  Maelstrom's services never see a partition; here a scenario
        //  may cut one off from every node.
        if (action_is_service (words [2]))
            snprintf (self->node, sizeof self->node, "%s", words [2]);
        else
        if (s_parse_node (words [2], nodes, self->node, error))
            return -1;
    }
    else {
        self->shape = ACTION_SHAPE_NONE;
        for (int i = ACTION_SHAPE_HALVES; i <= ACTION_SHAPE_RING; i++)
            if (i != ACTION_SHAPE_ISOLATE && streq (shape, s_shapes [i]))
                self->shape = (action_shape_t) i;
        if (self->shape == ACTION_SHAPE_NONE) {
            self->shape = ACTION_SHAPE_GROUPS;
            //  The cluster's size first: of one node no groups can be made.
            if (s_check_size (shape, self->shape, nodes, error)
            ||  s_parse_groups (shape, nodes, self->groups, error))
                return -1;
        }
    }
    if (count > need)
        return action_error (error, "unexpected '%s' after partition %s", words [need], shape);
    return s_check_size (shape, self->shape, nodes, error);
}

//  Words after the kind, per kind: how many are required and allowed.
static int
s_parse_args (action_t *self, char **words, int count, int nodes, char **error)
{
    int max = 1;
    double value;
    switch (self->kind) {
        case ACTION_PARTITION:
            return s_parse_partition (self, words, count, nodes, error);
        case ACTION_BLOCK_TYPE: case ACTION_UNBLOCK_TYPE:
            return s_parse_block_type (self, words, count, nodes, error);
        case ACTION_HEAL:
            max = 1;
            break;
        case ACTION_DROP: case ACTION_DUPLICATE: case ACTION_REORDER:
            if (count < 2)
                return action_error (error, "%s needs a probability", words [0]);
            if (s_parse_number (words [1], 0, 1, &self->p, "probability", error))
                return -1;
            max = 2;
            break;
        case ACTION_DELAY:
            if (count < 2)
                return action_error (error, "delay needs milliseconds");
            if (s_parse_number (words [1], 0, FL_DELAY_MS_MAX, &value, "delay", error))
                return -1;
            self->ms = (int) value;
            if (count > 2) {
                if (s_parse_number (words [2], 0, self->ms, &value, "jitter", error))
                    return -1;
                self->jitter_ms = (int) value;
            }
            max = 3;
            break;
        case ACTION_CLOCK_SKEW:
            if (count < 3)
                return action_error (error, "clock-skew needs a node and milliseconds");
            if (s_parse_node (words [1], nodes, self->node, error))
                return -1;
            if (s_parse_number (words [2], -FL_RUN_SECONDS_MAX * 1000.0,
                                FL_RUN_SECONDS_MAX * 1000.0, &value, "offset", error))
                return -1;
            self->ms = (int) value;
            max = 3;
            break;
        default:
            if (count < 2)
                return action_error (error, "%s needs a node", words [0]);
            if (s_parse_node (words [1], nodes, self->node, error))
                return -1;
            max = 2;
    }
    if (count > max)
        return action_error (error, "unexpected '%s' after %s", words [max], words [0]);
    return 0;
}

int
action_parse (action_t *self, const char *text, int nodes, char **error)
{
    assert (self);
    assert (text);
    memset (self, 0, sizeof *self);
    if (strlen (text) >= FL_FAULT_TEXT_BYTES_MAX)
        return action_error (error, "fault '%.40s...' is %zu bytes, more than %d"
                       " (FL_FAULT_TEXT_BYTES_MAX)", text, strlen (text),
                       FL_FAULT_TEXT_BYTES_MAX - 1);
    char copy [FL_FAULT_TEXT_BYTES_MAX];
    snprintf (copy, sizeof copy, "%s", text);
    char *words [FL_ACTION_WORDS_MAX];
    int count = 0;
    char *save = NULL;
    for (char *word = strtok_r (copy, " \t", &save); word;
         word = strtok_r (NULL, " \t", &save)) {
        if (count == FL_ACTION_WORDS_MAX)
            return action_error (error, "fault '%s' has more than %d words (FL_ACTION_WORDS_MAX)",
                           text, FL_ACTION_WORDS_MAX);
        words [count++] = word;
    }
    if (count == 0)
        return action_error (error, "empty fault");
    //  "isolate n3" and "isolate-leader" say "partition isolate n3" and
    //  "partition isolate-leader" (DESIGN section 8 writes them so).
    if (streq (words [0], "isolate") || streq (words [0], "isolate-leader")) {
        if (count == FL_ACTION_WORDS_MAX)
            return action_error (error, "fault '%s' has more than %d words (FL_ACTION_WORDS_MAX)",
                           text, FL_ACTION_WORDS_MAX);
        memmove (words + 1, words, count * sizeof words [0]);
        words [0] = "partition";
        count++;
    }
    size_t i;
    for (i = 0; i < KINDS; i++)
        if (streq (words [0], s_kinds [i].name))
            break;
    if (i == KINDS)
        return action_error (error, "unknown fault '%s' (partition, isolate, isolate-leader,"
                       " heal, drop, delay, duplicate, reorder, pause, resume, kill,"
                       " restart, stop, cont, clock-skew, block-type, unblock-type)", words [0]);
    self->kind = s_kinds [i].kind;
    return s_parse_args (self, words, count, nodes, error);
}

int
action_parse_argv (action_t *self, int argc, char **argv, int nodes, char **error)
{
    char text [FL_FAULT_TEXT_BYTES_MAX] = "";
    size_t used = 0;
    for (int i = 0; i < argc; i++) {
        int n = snprintf (text + used, sizeof text - used, "%s%s", i? " ": "", argv [i]);
        if (n < 0 || (size_t) n >= sizeof text - used)
            return action_error (error, "fault is too long");
        used += n;
    }
    return action_parse (self, text, nodes, error);
}

action_t
action_undo (const action_t *self)
{
    assert (self);
    action_t undo = *self;
    switch (self->kind) {
        case ACTION_PAUSE:      undo.kind = ACTION_RESUME; break;
        case ACTION_KILL:       undo.kind = ACTION_RESTART; break;
        case ACTION_STOP:       undo.kind = ACTION_CONT; break;
        case ACTION_CLOCK_SKEW: undo.ms = 0; break;
        case ACTION_BLOCK_TYPE: undo.kind = ACTION_UNBLOCK_TYPE; break;
        case ACTION_UNBLOCK_TYPE: break;
        default:
            memset (&undo, 0, sizeof undo);
            undo.kind = ACTION_HEAL;
    }
    return undo;
}

bool
action_starts (const action_t *self)
{
    assert (self);
    switch (self->kind) {
        case ACTION_HEAL: case ACTION_RESUME: case ACTION_RESTART: case ACTION_CONT:
        case ACTION_UNBLOCK_TYPE:
            return false;
        case ACTION_CLOCK_SKEW:
            return self->ms != 0;
        case ACTION_DROP: case ACTION_DUPLICATE: case ACTION_REORDER:
            return self->p > 0;
        case ACTION_DELAY:
            return self->ms > 0;
        default:
            return true;
    }
}

uint64_t
action_digest (const action_t *self)
{
    assert (self);
    uint64_t digest = hash_fnv1a64 (self->types, strlen (self->types), HASH_FNV1A64_BASIS);
    return hash_fnv1a64 (self->groups, strlen (self->groups), digest);
}

const char *
action_name (const action_t *self)
{
    assert (self);
    switch (self->kind) {
        case ACTION_PAUSE: case ACTION_RESUME:   return "pause";
        case ACTION_KILL:  case ACTION_RESTART:  return "kill";
        case ACTION_STOP:  case ACTION_CONT:     return "stop";
        case ACTION_HEAL:                       return "heal";
        case ACTION_BLOCK_TYPE: case ACTION_UNBLOCK_TYPE: return "block-type";
        default:
            for (size_t i = 0; i < KINDS; i++)
                if (s_kinds [i].kind == self->kind)
                    return s_kinds [i].name;
    }
    return "?";
}

bool
action_has_node (const action_t *self)
{
    switch (self->kind) {
        case ACTION_PAUSE: case ACTION_RESUME: case ACTION_KILL: case ACTION_RESTART:
        case ACTION_STOP: case ACTION_CONT: case ACTION_CLOCK_SKEW:
            return true;
        case ACTION_PARTITION:
            return self->shape == ACTION_SHAPE_ISOLATE;
        default:
            return false;
    }
}

void
action_format (const action_t *self, char *buf, size_t size)
{
    assert (self);
    const char *name = NULL;
    for (size_t i = 0; i < KINDS; i++)
        if (s_kinds [i].kind == self->kind)
            name = s_kinds [i].name;
    switch (self->kind) {
        case ACTION_PARTITION:
            if (self->shape == ACTION_SHAPE_ISOLATE)
                snprintf (buf, size, "partition isolate %s", self->node);
            else
            if (self->shape == ACTION_SHAPE_GROUPS)
                snprintf (buf, size, "partition %s", self->groups);
            else
            if (self->shape == ACTION_SHAPE_ONE_WAY) {
                const char *bar = strchr (self->groups, '|');
                assert (bar);
                snprintf (buf, size, "partition one-way %.*s -> %s",
                          (int) (bar - self->groups), self->groups, bar + 1);
            }
            else
                snprintf (buf, size, "partition %s", s_shapes [self->shape]);
            break;
        case ACTION_HEAL:
            snprintf (buf, size, "heal");
            break;
        case ACTION_BLOCK_TYPE: case ACTION_UNBLOCK_TYPE: {
            const char *bar = strchr (self->groups, '|');
            assert (bar);
            snprintf (buf, size, "%s %s %.*s -> %s", name, self->types,
                      (int) (bar - self->groups), self->groups, bar + 1);
            break;
        }
        case ACTION_DROP: case ACTION_DUPLICATE: case ACTION_REORDER:
            snprintf (buf, size, "%s %g", name, self->p);
            break;
        case ACTION_DELAY:
            snprintf (buf, size, "delay %d %d", self->ms, self->jitter_ms);
            break;
        case ACTION_CLOCK_SKEW:
            snprintf (buf, size, "clock-skew %s %d", self->node, self->ms);
            break;
        default:
            snprintf (buf, size, "%s %s", name, self->node);
    }
}
