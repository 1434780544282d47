/*  hlc.c -- hybrid logical clocks (see hlc.h). */
#include <string.h>
#include "hlc.h"

static int64_t
s_max (int64_t a, int64_t b)
{
    return a > b? a: b;
}

hlc_t
hlc_tick (hlc_t *clock, int64_t now_ms)
{
    int64_t wall = s_max (clock->wall, now_ms);
    clock->logical = wall == clock->wall? clock->logical + 1: 0;
    clock->wall = wall;
    return *clock;
}

hlc_t
hlc_receive (hlc_t *clock, hlc_t remote, int64_t now_ms)
{
    int64_t wall = s_max (s_max (clock->wall, remote.wall), now_ms);
    int64_t logical;
    if (wall == clock->wall && wall == remote.wall)
        logical = s_max (clock->logical, remote.logical) + 1;
    else
    if (wall == clock->wall)
        logical = clock->logical + 1;
    else
    if (wall == remote.wall)
        logical = remote.logical + 1;
    else
        logical = 0;
    *clock = (hlc_t) { wall, logical };
    return *clock;
}

int
hlc_compare (hlc_t a, hlc_t b)
{
    if (a.wall != b.wall)
        return a.wall < b.wall? -1: 1;
    if (a.logical != b.logical)
        return a.logical < b.logical? -1: 1;
    return 0;
}

int
hlc_id_compare (const char *a, const char *b)
{
    size_t len_a = strlen (a), len_b = strlen (b);
    if (len_a != len_b)
        return len_a < len_b? -1: 1;
    int order = strcmp (a, b);
    return order < 0? -1: order > 0;
}

int
hlc_version_compare (hlc_t a, const char *node_a, hlc_t b, const char *node_b)
{
    int order = hlc_compare (a, b);
    return order? order: hlc_id_compare (node_a, node_b);
}

json_t *
hlc_to_json (hlc_t stamp)
{
    return json_pack ("[I,I]", (json_int_t) stamp.wall, (json_int_t) stamp.logical);
}

int
hlc_from_json (const json_t *json, hlc_t *stamp)
{
    if (!json_is_array (json) || json_array_size (json) != 2)
        return -1;
    json_t *wall = json_array_get (json, 0), *logical = json_array_get (json, 1);
    if (!json_is_integer (wall) || !json_is_integer (logical)
    ||  json_integer_value (wall) < 0 || json_integer_value (logical) < 0)
        return -1;
    *stamp = (hlc_t) { json_integer_value (wall), json_integer_value (logical) };
    return 0;
}
