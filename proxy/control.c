/*  control.c -- the proxy's control protocol (see control.h, docs/proxy.md).

    A request is validated whole before anything changes: the command must
    be known, every field must belong to it, every value must be in range.
    Only then is it applied, through the proxy's control-side methods. Error
    texts name the field and quote the value as JSON, so a user can see
    exactly what was sent; docs/proxy.md lists each one.
*/
#include <stdarg.h>
#include "limits.h"
#include "control.h"

//  Fields a command accepts.
enum {
    F_SRC = 1, F_DEST = 2, F_BOTH = 4, F_P = 8, F_MS = 16, F_JITTER = 32,
    F_GROUPS = 64, F_NODE = 128, F_TYPES = 256,
    F_SELECTOR = F_SRC | F_DEST | F_BOTH
};

typedef struct {
    const char *cmd;
    const char *src;        // selector, "*" when absent
    const char *dest;
    bool both;
    double p;
    double ms;
    double jitter_ms;
    json_t *groups;         // borrowed
    const char *node;
    const char *types [FL_RULE_TYPES_MAX];  // borrowed; block and unblock only
    size_t type_count;      // 0: no "types" field
    unsigned rule;          // the command's rule_kind_t, 0 if none
} request_t;

typedef json_t *(command_fn) (proxy_t *proxy, request_t *request);

typedef struct {
    const char *name;
    unsigned fields;        // accepted
    unsigned required;      // of which required
    command_fn *fn;
    unsigned rule;          // the rule kind s_cmd_rule sets, 0 for others
} command_t;

static json_t *
s_error (const char *format, ...)
{
    char text [512];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text, format, args);
    va_end (args);
    return json_pack ("{s:b, s:s}", "ok", 0, "error", text);
}

static json_t *
s_ok (void)
{
    return json_pack ("{s:b}", "ok", 1);
}

//  The value as compact JSON, for error texts; caller frees.
static char *
s_show (json_t *value)
{
    char *text = json_dumps (value, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION (15));
    if (text && strlen (text) > 64)
        strcpy (text + 60, "...");
    return text? text: strdup ("?");
}

//  An error whose text ends with the offending value (s_show): "field 'p'
//  must be a number in [0,1], got " + "2".
static json_t *
s_error_got (json_t *value, const char *format, ...)
{
    char text [512];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text, format, args);
    va_end (args);
    char *shown = s_show (value);
    json_t *error = s_error ("%s%s", text, shown);
    free (shown);
    return error;
}

//  --------------------------------------------------------------------------
//  Commands

static json_t *
s_cmd_ping (proxy_t *proxy, request_t *r)
{
    (void) r;
    return json_pack ("{s:b, s:I, s:I}", "ok", 1,
                      "seed", (json_int_t) proxy_seed (proxy),
                      "uptime_ms", (json_int_t) proxy_uptime_ms (proxy));
}

//  Set 'values' on the request's selector (and its reverse with both).
static json_t *
s_set (proxy_t *proxy, request_t *r, const rule_t *values)
{
    rule_table_t *rules = proxy_rules (proxy);
    //  Refuse before changing anything, so a failed request changes nothing.
    if (rule_table_size (rules) + 2 > FL_PROXY_RULES_MAX)
        return s_error ("too many fault rules (max %d)", FL_PROXY_RULES_MAX);
    int rc = rule_table_set (rules, r->src, r->dest, values);
    if (rc == 0 && r->both)
        rc = rule_table_set (rules, r->dest, r->src, values);
    assert (rc == 0);
    proxy_rules_changed (proxy);
    return s_ok ();
}

//  block and unblock without "types", drop, delay, duplicate, reorder: set
//  the command's one rule kind. Only the fields of that kind are read (rule_table_set), so
//  every field can be filled from the request.
static json_t *
s_cmd_rule (proxy_t *proxy, request_t *r)
{
    assert (r->rule);
    rule_t rule = { .set = r->rule, .block = streq (r->cmd, "block"),
                    .drop_p = r->p, .delay_ms = r->ms, .jitter_ms = r->jitter_ms,
                    .duplicate_p = r->p, .reorder_p = r->p };
    return s_set (proxy, r, &rule);
}

//  block: with "types", add them to the selector's type set (type sets add
//  up over selectors, rule.h; the block kind is left as it is); without,
//  the block kind. Refused before anything changes when the rule table or
//  the type registry would overflow.
static json_t *
s_cmd_block (proxy_t *proxy, request_t *r)
{
    if (r->type_count == 0)
        return s_cmd_rule (proxy, r);
    rule_table_t *rules = proxy_rules (proxy);
    if (rule_table_size (rules) + 2 > FL_PROXY_RULES_MAX)
        return s_error ("too many fault rules (max %d)", FL_PROXY_RULES_MAX);
    uint32_t mask;
    if (rule_table_types_intern (rules, r->types, r->type_count, &mask))
        return s_error ("too many message types: the proxy knows at most %d",
                        FL_PROXY_TYPES_MAX);
    int rc = rule_table_types_add (rules, r->src, r->dest, mask);
    if (rc == 0 && r->both)
        rc = rule_table_types_add (rules, r->dest, r->src, mask);
    assert (rc == 0);
    proxy_rules_changed (proxy);
    return s_ok ();
}

//  unblock: with "types", remove them from the selector and every selector
//  it covers; without, set the block kind off (as before) and remove every
//  type there too: an unblock means "deliver everything there".
static json_t *
s_cmd_unblock (proxy_t *proxy, request_t *r)
{
    rule_table_t *rules = proxy_rules (proxy);
    uint32_t mask = UINT32_MAX;
    if (r->type_count)
        mask = rule_table_types_known (rules, r->types, r->type_count);
    else {
        if (rule_table_size (rules) + 2 > FL_PROXY_RULES_MAX)
            return s_error ("too many fault rules (max %d)", FL_PROXY_RULES_MAX);
        rule_t open = { .set = RULE_BLOCK, .block = false };
        int rc = rule_table_set (rules, r->src, r->dest, &open);
        if (rc == 0 && r->both)
            rc = rule_table_set (rules, r->dest, r->src, &open);
        assert (rc == 0);
    }
    rule_table_types_remove (rules, r->src, r->dest, mask);
    if (r->both)
        rule_table_types_remove (rules, r->dest, r->src, mask);
    proxy_rules_changed (proxy);
    return s_ok ();
}

static bool
s_group_has (json_t *group, const char *id)
{
    size_t i;
    json_t *member;
    json_array_foreach (group, i, member)
        if (streq (json_string_value (member), id))
            return true;
    return false;
}

//  Two ids are connected when some group holds both.
static bool
s_connected (json_t *groups, const char *a, const char *b)
{
    size_t i;
    json_t *group;
    json_array_foreach (groups, i, group)
        if (s_group_has (group, a) && s_group_has (group, b))
            return true;
    return false;
}

static json_t *
s_cmd_partition (proxy_t *proxy, request_t *r)
{
    //  Distinct ids, in first-seen order.
    json_t *ids = json_array ();
    size_t i, j;
    json_t *group, *member;
    json_array_foreach (r->groups, i, group)
        json_array_foreach (group, j, member)
            if (!s_group_has (ids, json_string_value (member)))
                json_array_append (ids, member);
    //  Refuse before changing anything: at most n * (n - 1) blocks.
    rule_table_t *rules = proxy_rules (proxy);
    size_t n = json_array_size (ids);
    if (rule_table_size (rules) + n * (n - 1) > FL_PROXY_RULES_MAX) {
        json_decref (ids);
        return s_error ("too many fault rules (max %d)", FL_PROXY_RULES_MAX);
    }
    rule_table_clear (rules, RULE_BLOCK);
    rule_t block = { .set = RULE_BLOCK, .block = true };
    int rc = 0;
    json_t *a, *b;
    json_array_foreach (ids, i, a)
        json_array_foreach (ids, j, b) {
            const char *x = json_string_value (a), *y = json_string_value (b);
            if (rc == 0 && i != j && !s_connected (r->groups, x, y))
                rc = rule_table_set (rules, x, y, &block);
        }
    assert (rc == 0);
    json_decref (ids);
    proxy_rules_changed (proxy);
    return s_ok ();
}

static json_t *
s_cmd_pause (proxy_t *proxy, request_t *r)
{
    if (proxy_pause (proxy, r->node, streq (r->cmd, "pause")))
        return s_error ("too many parties (max %d)", FL_PARTIES_MAX);
    return s_ok ();
}

static json_t *
s_cmd_heal (proxy_t *proxy, request_t *r)
{
    (void) r;
    proxy_heal (proxy);
    return s_ok ();
}

//  {"ok":true} followed by the fields (taken).
static json_t *
s_with_ok (json_t *fields)
{
    json_t *reply = s_ok ();
    json_object_update (reply, fields);
    json_decref (fields);
    return reply;
}

static json_t *
s_cmd_stats (proxy_t *proxy, request_t *r)
{
    (void) r;
    return s_with_ok (proxy_stats (proxy));
}

static json_t *
s_cmd_state (proxy_t *proxy, request_t *r)
{
    (void) r;
    json_t *state = json_pack ("{s:I}", "seed", (json_int_t) proxy_seed (proxy));
    json_t *fields = proxy_state (proxy);
    json_object_update (state, fields);
    json_decref (fields);
    return s_with_ok (state);
}

static const command_t s_commands [] = {
    { "ping",      0,                           0,          s_cmd_ping, 0 },
    { "block",     F_SELECTOR | F_TYPES,        0,          s_cmd_block, RULE_BLOCK },
    { "unblock",   F_SELECTOR | F_TYPES,        0,          s_cmd_unblock, RULE_BLOCK },
    { "partition", F_GROUPS,                    F_GROUPS,   s_cmd_partition, 0 },
    { "drop",      F_SELECTOR | F_P,            F_P,        s_cmd_rule, RULE_DROP },
    { "delay",     F_SELECTOR | F_MS | F_JITTER, F_MS,      s_cmd_rule, RULE_DELAY },
    { "duplicate", F_SELECTOR | F_P,            F_P,        s_cmd_rule, RULE_DUPLICATE },
    { "reorder",   F_SELECTOR | F_P,            F_P,        s_cmd_rule, RULE_REORDER },
    { "pause",     F_NODE,                      F_NODE,     s_cmd_pause, 0 },
    { "resume",    F_NODE,                      F_NODE,     s_cmd_pause, 0 },
    { "heal",      0,                           0,          s_cmd_heal, 0 },
    { "stats",     0,                           0,          s_cmd_stats, 0 },
    { "state",     0,                           0,          s_cmd_state, 0 },
};

//  --------------------------------------------------------------------------
//  Validation

static const struct { const char *name; unsigned bit; } s_fields [] = {
    { "src", F_SRC }, { "dest", F_DEST }, { "both", F_BOTH }, { "p", F_P },
    { "ms", F_MS }, { "jitter_ms", F_JITTER }, { "groups", F_GROUPS },
    { "node", F_NODE }, { "types", F_TYPES }
};
#define FIELD_COUNT (sizeof s_fields / sizeof s_fields [0])

static unsigned
s_field_bit (const char *name)
{
    for (size_t i = 0; i < FIELD_COUNT; i++)
        if (streq (s_fields [i].name, name))
            return s_fields [i].bit;
    return 0;
}

static bool
s_id_valid (const char *id, bool star_ok)
{
    size_t size = strlen (id);
    if (size == 0 || size > FL_ID_BYTES_MAX)
        return false;
    if (streq (id, "*"))
        return star_ok;
    for (size_t i = 0; i < size; i++)
        if ((unsigned char) id [i] < 0x20 || id [i] == 0x7f || id [i] == '*')
            return false;
    return true;
}

//  Read field 'name' as an id into *out. NULL on success, else the error.
static json_t *
s_take_id (json_t *value, const char *name, bool star_ok, const char **out)
{
    const char *id = json_string_value (value);
    if (!json_is_string (value) || strlen (id) != json_string_length (value)
    ||  !s_id_valid (id, star_ok))
        return s_error_got (value, "field '%s' must be an id (1 to %d bytes, no control "
                            "characters or '*')%s, got ", name, FL_ID_BYTES_MAX,
                            star_ok? " or \"*\"": "");
    *out = id;
    return NULL;
}

//  Read a number in [lo, hi] into *out. NULL on success, else the error.
static json_t *
s_take_number (json_t *value, const char *name, double lo, double hi, double *out)
{
    double number = json_number_value (value);
    if (!json_is_number (value) || !(number >= lo && number <= hi))
        return s_error_got (value, "field '%s' must be a number in [%g,%g], got ",
                            name, lo, hi);
    *out = number;
    return NULL;
}

//  A message type: 1 to FL_TYPE_BYTES_MAX bytes, no NUL or other control
//  character.
static bool
s_type_valid (const char *type, size_t size)
{
    if (size == 0 || size > FL_TYPE_BYTES_MAX || strlen (type) != size)
        return false;
    for (size_t i = 0; i < size; i++)
        if ((unsigned char) type [i] < 0x20 || type [i] == 0x7f)
            return false;
    return true;
}

static json_t *
s_take_types (json_t *value, request_t *r)
{
    size_t count = json_array_size (value);
    bool valid = json_is_array (value) && count >= 1 && count <= FL_RULE_TYPES_MAX;
    for (size_t i = 0; valid && i < count; i++) {
        json_t *type = json_array_get (value, i);
        valid = json_is_string (type)
             && s_type_valid (json_string_value (type), json_string_length (type));
        r->types [i] = json_string_value (type);
    }
    if (!valid)
        return s_error_got (value, "field 'types' must be an array of 1 to %d message "
                            "types (strings of 1 to %d bytes, no control characters), got ",
                            FL_RULE_TYPES_MAX, FL_TYPE_BYTES_MAX);
    r->type_count = count;
    return NULL;
}

static json_t *
s_take_groups (json_t *value, json_t **out)
{
    bool valid = json_is_array (value) && json_array_size (value) <= FL_PARTIES_MAX;
    size_t i, j, total = 0;
    json_t *group, *member;
    if (valid)
        json_array_foreach (value, i, group) {
            valid = valid && json_is_array (group);
            total += json_array_size (group);
            json_array_foreach (group, j, member) {
                const char *id = json_string_value (member);
                valid = valid && json_is_string (member)
                     && strlen (id) == json_string_length (member) && s_id_valid (id, false);
            }
        }
    if (!valid || total > FL_PARTIES_MAX)
        return s_error_got (value, "field 'groups' must be an array of arrays of ids "
                            "(at most %d ids), got ", FL_PARTIES_MAX);
    *out = value;
    return NULL;
}

//  Read one field of the request. NULL on success, else the error.
static json_t *
s_take (request_t *r, unsigned bit, json_t *value)
{
    switch (bit) {
        case F_SRC:     return s_take_id (value, "src", true, &r->src);
        case F_DEST:    return s_take_id (value, "dest", true, &r->dest);
        case F_NODE:    return s_take_id (value, "node", false, &r->node);
        case F_P:       return s_take_number (value, "p", 0, 1, &r->p);
        case F_MS:      return s_take_number (value, "ms", 0, FL_DELAY_MS_MAX, &r->ms);
        case F_JITTER:  return s_take_number (value, "jitter_ms", 0, FL_DELAY_MS_MAX,
                                              &r->jitter_ms);
        case F_GROUPS:  return s_take_groups (value, &r->groups);
        case F_TYPES:   return s_take_types (value, r);
        case F_BOTH:
            if (!json_is_boolean (value))
                return s_error_got (value, "field 'both' must be true or false, got ");
            r->both = json_is_true (value);
            return NULL;
    }
    assert (false);
    return NULL;
}

//  The command named by the request, or an error reply in *error.
static const command_t *
s_command (json_t *root, json_t **error)
{
    json_t *cmd = json_object_get (root, "cmd");
    if (!cmd) {
        *error = s_error ("missing field 'cmd'");
        return NULL;
    }
    if (!json_is_string (cmd)) {
        *error = s_error_got (cmd, "field 'cmd' must be a string, got ");
        return NULL;
    }
    for (size_t i = 0; i < sizeof s_commands / sizeof s_commands [0]; i++)
        if (streq (s_commands [i].name, json_string_value (cmd)))
            return &s_commands [i];
    *error = s_error_got (cmd, "unknown cmd ");
    return NULL;
}

//  Validate every field; NULL when the request may be applied.
static json_t *
s_validate (const command_t *command, json_t *root, request_t *r)
{
    const char *key;
    json_t *value;
    unsigned seen = 0;
    json_object_foreach (root, key, value) {
        if (streq (key, "cmd"))
            continue;
        unsigned bit = s_field_bit (key);
        if (!(bit & command->fields))
            return s_error ("unknown field '%s' for cmd '%s'", key, command->name);
        json_t *error = s_take (r, bit, value);
        if (error)
            return error;
        seen |= bit;
    }
    for (size_t i = 0; i < FIELD_COUNT; i++)
        if ((command->required & s_fields [i].bit) && !(seen & s_fields [i].bit))
            return s_error ("missing field '%s' for cmd '%s'", s_fields [i].name,
                            command->name);
    if (r->jitter_ms > r->ms)
        return s_error ("field 'jitter_ms' must be at most 'ms' (%g), got %g",
                        r->ms, r->jitter_ms);
    return NULL;
}

json_t *
control_handle (proxy_t *proxy, const char *request, size_t size)
{
    assert (proxy);
    json_error_t parse_error;
    json_t *root = json_loadb (request, size, 0, &parse_error);
    if (!root)
        return s_error ("malformed request: %s at column %d", parse_error.text,
                        parse_error.column);
    json_t *reply = NULL;
    if (!json_is_object (root))
        reply = s_error_got (root, "malformed request: expected a JSON object, got ");
    const command_t *command = reply? NULL: s_command (root, &reply);
    request_t r = { .src = "*", .dest = "*" };
    if (command)
        reply = s_validate (command, root, &r);
    if (command && !reply) {
        r.cmd = command->name;
        r.rule = command->rule;
        reply = command->fn (proxy, &r);
    }
    json_decref (root);
    return reply;
}
