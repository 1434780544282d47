/*  reply.h -- the pure half of bin/node-redis: what Redis's and Sentinel's
    replies mean as Maelstrom lin-kv answers.

    Module nodes/redis owns the Redis shim (main.c does the I/O with
    hiredis). Lin-kv key K is stored as "fl:K" and values as decimal
    text; both must be integers (the lin-kv workload's). cas is one Lua
    script (REPLY_CAS_SCRIPT) run by EVAL on the primary, so the compare
    and the set are atomic there; it answers 0 (set), 1 (the value was
    not from) or 2 (no such key). The g-set workload's one set is the
    Redis set "fl:set" (add is SADD, a read without a key SMEMBERS), so
    a Redis that drops acknowledged adds shows them as lost (set-full and
    convergence) however the load goes on after a heal.
*/
#ifndef FL_NODES_REDIS_REPLY_H_INCLUDED
#define FL_NODES_REDIS_REPLY_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <hiredis/hiredis.h>
#include <jansson.h>

//  Every write and every cas that sets also appends the value to the
//  key's list KEYS[2] ("fl:K:applied"), in the same script, so the list is
//  the order this server's line of data applied the key's values (a
//  demoted primary's resync replaces it with the new primary's, dropping
//  what it acknowledged alone). The list keeps the last ARGV[max] values;
//  KEYS[3] ("fl:K:trimmed") counts those dropped from its front.
#define REPLY_APPLY_LUA(VALUE, MAX) \
    "local n = redis.call('RPUSH', KEYS[2], " VALUE ") " \
    "local max = tonumber(" MAX ") " \
    "if n > max then redis.call('LTRIM', KEYS[2], n - max, -1) " \
    "redis.call('INCRBY', KEYS[3], n - max) end "

//  EVAL REPLY_WRITE_SCRIPT 3 fl:K fl:K:applied fl:K:trimmed V MAX: +OK.
#define REPLY_WRITE_SCRIPT \
    "redis.call('SET', KEYS[1], ARGV[1]) " \
    REPLY_APPLY_LUA ("ARGV[1]", "ARGV[2]") \
    "return redis.status_reply('OK')"

//  EVAL REPLY_CAS_SCRIPT 3 fl:K fl:K:applied fl:K:trimmed FROM TO MAX:
//  0 set, 1 the value was not FROM, 2 no such key.
#define REPLY_CAS_SCRIPT \
    "local v = redis.call('GET', KEYS[1]) " \
    "if not v then return 2 end " \
    "if v ~= ARGV[1] then return 1 end " \
    "redis.call('SET', KEYS[1], ARGV[2]) " \
    REPLY_APPLY_LUA ("ARGV[2]", "ARGV[3]") \
    "return 0"

//  How far a command got, as far as the shim can tell.
typedef enum {
    REPLY_ANSWERED,         //  Redis answered (reply not NULL)
    REPLY_UNSENT,           //  no connection to the primary: nothing sent
    REPLY_LOST              //  sent, then timeout or drop: indefinite
} reply_transport_t;

//  The lin-kv request's key, value, from and to as Redis text, with the
//  key's applied list and trimmed count (lin-kv only): false with *error
//  set (a static text) when an integer the request type needs is missing.
typedef struct {
    char key [32], value [32], from [32], to [32];
    char applied [48], trimmed [48];    //  "fl:K:applied", "fl:K:trimmed"
    bool set;               //  g-set: add, or read without a key
} reply_words_t;
bool reply_words (json_t *body, reply_words_t *words, const char **error);

//  The Maelstrom reply (no in_reply_to) for TYPE ("read", "write", "cas",
//  and with set, "add" and "read" of the g-set)
//  given the command's reply: read_ok/write_ok/cas_ok, error 20 (nil, or
//  the script's 2), 22 (the script's 1), 11 (unsent, or a refusal before
//  the command ran: READONLY, MASTERDOWN, LOADING), 0 (lost, or any other
//  error reply or a reply we cannot read). wait_wanted > 0 with type
//  "write" means the write was followed by WAIT: wait_acked replicas
//  short of wait_wanted make it error 0 (applied on the primary, not
//  known to be replicated). New reference.
json_t *reply_result (const char *type, bool set, reply_transport_t transport,
                      const redisReply *reply, int wait_wanted,
                      long long wait_acked);

//  SENTINEL get-master-addr-by-name's reply into host (size bytes) and
//  *port; false when it is not [host, port].
bool reply_master (const redisReply *reply, char *host, size_t size, int *port);

//  The role line of INFO replication's text: "primary" for role:master,
//  "replica" for role:slave, NULL when absent.
const char *reply_role (const char *info);

//  The "config-epoch" field of SENTINEL MASTER's reply (a flat array of
//  field, value), or -1: the epoch of the failover that made the primary
//  this Sentinel believes in, which role reports as the term.
long long reply_config_epoch (const redisReply *reply);

//  The data keys among KEYS fl:*'s reply (fl:INTEGER, and fl:set), not
//  the applied lists and trimmed counts: up to max of them into picked.
//  Returns how many there are (more than max: only max were picked), or 0
//  when the reply is not an array.
size_t reply_data_keys (const redisReply *keys, redisReply **picked, size_t max);

//  Append to PAIR, a [K, V] of reply_state, what the server applied to K:
//  LRANGE fl:K:applied 0 -1 as a list of integers, and, when GET
//  fl:K:trimmed says values were trimmed off its front, their count:
//  [K, V, [A1, A2, ...]] or [K, V, [A1, ...], TRIMMED]. Returns false
//  and leaves PAIR alone when the list is not a non-empty array of
//  integers (a key that holds a value but no list was not written by
//  this shim: it has no record to give).
bool reply_applied (json_t *pair, const redisReply *list, const redisReply *trimmed);

//  replica_read's state from KEYS fl:* and then MGET of those keys:
//  [[K, V], ...] sorted by K, skipping keys that are not fl:INTEGER or
//  whose value went away or is not an integer; then, when members is not
//  NULL (SMEMBERS fl:set), [null, [E, ...]] for the g-set. NULL when the
//  replies are not arrays of the same size.
json_t *reply_state (const redisReply *keys, const redisReply *values,
                     const redisReply *members);

#endif
