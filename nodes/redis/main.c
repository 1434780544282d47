/*  main.c -- bin/node-redis, the shim in front of one Redis node (server on
    ADDR:6379, Sentinel on ADDR:26379): a Maelstrom lin-kv node (nodes/lib)
    that runs in the node's network namespace, asks its local Sentinel
    which server is the primary, and runs each read, write and cas there
    (reply.h says what the answers mean).

        bin/node-redis --id n1 --connect EP --param addr=ADDR [--param wait=N]
        bin/node-redis --probe ADDR     exit 0 when the server answers PING
                                        and the Sentinel names a primary
                                        (and took SHIM_SENTINEL_TUNING)
    or, for servers started by hand and one --node command for all nodes,
        --param addrs=A1,A2,...         node nK uses the Kth address

    This is how a Redis client with Sentinel support behaves, and what
    makes Redis lose writes under a partition: a client cut off with the
    old primary keeps its Sentinel's old answer (that minority cannot
    elect), keeps writing there and hears OK, while the majority's
    Sentinels promote a replica; at the heal the old primary is made a
    replica of the new one and drops what it acknowledged.
    - The primary is asked of the Sentinel at most every
      SHIM_PRIMARY_CACHE_MS; a changed answer, or any I/O error, drops the
      connection, and the next request connects again.
    - Every connect has FL_DB_CONNECT_MS and every command FL_DB_REQUEST_MS,
      so the node's loop is never held longer.
    - wait=N follows each SET with WAIT N FL_DB_REQUEST_MS/2: fewer
      replicas than N make the write error 0 (it is on the primary).
    - g-set: add is SADD fl:set, a read without a key SMEMBERS fl:set.
    - write and cas are scripts that also append the value to the key's
      list fl:K:applied (reply.h): replica_read reads this node's own
      server (KEYS fl:*, MGET of the data keys, LRANGE of each list), even
      when it is a replica, and gives [K, V, [APPLIED...](, TRIMMED)]
      per key; role is INFO replication's (primary/replica).
*/
#include <czmq.h>
#include <hiredis/hiredis.h>
#include "limits.h"
#include "exits.h"
#include "number.h"
#include "nodes/lib/node.h"
#include "nodes/redis/reply.h"

#define SHIM_PRIMARY_CACHE_MS   100     //  the Sentinel's answer is this fresh
#define SHIM_HOST_BYTES         64
#define SHIM_PORT_SERVER        6379
#define SHIM_PORT_SENTINEL      26379

typedef struct {
    node_t *node;
    char addr [SHIM_HOST_BYTES];        //  this node's address ("" until known)
    int wait;                           //  replicas WAIT asks for, 0: none
    redisContext *sentinel;             //  the local Sentinel
    redisContext *local;                //  the local server
    redisContext *primary;              //  the primary the Sentinel named
    char primary_host [SHIM_HOST_BYTES];
    int primary_port;
    int64_t asked_ms;                   //  when the Sentinel was last asked
    bool unusable;                      //  no address for this node: it stopped
} shim_t;

static struct timeval
s_ms (int ms)
{
    struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
    return tv;
}

//  A connection with both deadlines set, or NULL.
static redisContext *
s_connect (const char *host, int port)
{
    redisContext *context = redisConnectWithTimeout (host, port, s_ms (FL_DB_CONNECT_MS));
    if (context && !context->err && redisSetTimeout (context, s_ms (FL_DB_REQUEST_MS)) == REDIS_OK)
        return context;
    redisFree (context);
    return NULL;
}

static void
s_drop (redisContext **context_p)
{
    redisFree (*context_p);
    *context_p = NULL;
}

//  Sentinel's internal periods, tuned for a lab of one machine (SENTINEL
//  DEBUG, Redis 7; they live in the process, not its config file, so the
//  shim sets them again whenever it connects to a Sentinel that may have
//  restarted). INFO every second, not ten: a failover skips replicas
//  whose INFO is older than 5 s and would abort for want of one. Hellos
//  every 250 ms, not 2 s: the other Sentinels learn the new primary
//  sooner, and a Sentinel demotes a server that still says it is primary
//  after 4 hello periods (8 s by default, 1 s here). A lost
//  link is retried after a second, not 15: the old primary is demoted
//  soon after the heal. TILT (when the Sentinel's timer ran 2 s late,
//  e.g. after a pause) lasts 5 s, not 30.
#define SHIM_SENTINEL_TUNING \
    "SENTINEL DEBUG info-period 1000 publish-period 250" \
    " min-link-reconnect-period 1000 tilt-period 5000"

static redisContext *
s_connect_sentinel (const char *host)
{
    redisContext *context = s_connect (host, SHIM_PORT_SENTINEL);
    redisReply *reply = context? (redisReply *) redisCommand (context, SHIM_SENTINEL_TUNING): NULL;
    if (context && !reply)
        s_drop (&context);
    freeReplyObject (reply);
    return context;
}

//  A command on *context_p, connecting first to host:port if needed;
//  NULL on any failure, after dropping the connection. *sent says whether
//  the command may have reached the server.
static redisReply *
s_command (redisContext **context_p, const char *host, int port, bool *sent,
           const char *format, ...)
{
    *sent = false;
    if (!*context_p)
        *context_p = s_connect (host, port);
    if (!*context_p)
        return NULL;
    *sent = true;
    va_list args;
    va_start (args, format);
    redisReply *reply = (redisReply *) redisvCommand (*context_p, format, args);
    va_end (args);
    if (!reply)
        s_drop (context_p);
    return reply;
}

//  Ask the Sentinel for the primary (unless asked lately); a new answer
//  drops the connection to the old one. Returns whether a primary is known.
static bool
s_find_primary (shim_t *self)
{
    int64_t now = node_now_ms (self->node);
    if (self->primary_port && now - self->asked_ms < SHIM_PRIMARY_CACHE_MS)
        return true;
    bool sent;
    if (!self->sentinel)
        self->sentinel = s_connect_sentinel (self->addr);
    redisReply *reply = s_command (&self->sentinel, self->addr, SHIM_PORT_SENTINEL, &sent,
                                   "SENTINEL get-master-addr-by-name fl");
    char host [SHIM_HOST_BYTES];
    int port = 0;
    if (reply && reply_master (reply, host, sizeof host, &port)) {
        self->asked_ms = now;
        if (!streq (host, self->primary_host) || port != self->primary_port) {
            if (self->primary_port)
                node_log (self->node, "the Sentinel names a new primary %s:%d (was %s:%d)",
                          host, port, self->primary_host, self->primary_port);
            s_drop (&self->primary);
            snprintf (self->primary_host, sizeof self->primary_host, "%s", host);
            self->primary_port = port;
        }
    }
    freeReplyObject (reply);
    return self->primary_port != 0;
}

//  Run TYPE's command for WORDS on the primary; the reply as reply.h says.
static json_t *
s_execute (shim_t *self, const char *type, const reply_words_t *words)
{
    if (!s_find_primary (self))
        return reply_result (type, words->set, REPLY_UNSENT, NULL, 0, 0);
    const char *host = self->primary_host;
    int port = self->primary_port;
    bool sent;
    redisReply *reply = NULL;
    if (words->set)
        reply = streq (type, "add")?
                s_command (&self->primary, host, port, &sent, "SADD %s %s", words->key,
                           words->value):
                s_command (&self->primary, host, port, &sent, "SMEMBERS %s", words->key);
    else
    if (streq (type, "read"))
        reply = s_command (&self->primary, host, port, &sent, "GET %s", words->key);
    else
    if (streq (type, "write"))
        reply = s_command (&self->primary, host, port, &sent, "EVAL %s 3 %s %s %s %s %d",
                           REPLY_WRITE_SCRIPT, words->key, words->applied, words->trimmed,
                           words->value, FL_DB_APPLIED_MAX);
    else
        reply = s_command (&self->primary, host, port, &sent, "EVAL %s 3 %s %s %s %s %s %d",
                           REPLY_CAS_SCRIPT, words->key, words->applied, words->trimmed,
                           words->from, words->to, FL_DB_APPLIED_MAX);
    long long acked = 0;
    //  A change waits for replicas: a write, an add, a cas that matched (the
    //  script's 0); a failed cas changed nothing
    bool wrote = streq (type, "write") || (words->set && streq (type, "add"))
              || (streq (type, "cas") && reply && reply->type == REDIS_REPLY_INTEGER
                  && reply->integer == 0);
    if (reply && self->wait > 0 && wrote && reply->type != REDIS_REPLY_ERROR) {
        bool waited;
        redisReply *wait = s_command (&self->primary, host, port, &waited, "WAIT %d %d",
                                      self->wait, FL_DB_REQUEST_MS / 2);
        acked = wait && wait->type == REDIS_REPLY_INTEGER? wait->integer: 0;
        freeReplyObject (wait);
    }
    json_t *result = reply_result (type, words->set,
                                   reply? REPLY_ANSWERED: sent? REPLY_LOST: REPLY_UNSENT,
                                   reply, wrote? self->wait: 0, acked);
    if (!reply)
        self->asked_ms = INT64_MIN / 2;     //  ask the Sentinel again next time
    freeReplyObject (reply);
    return result;
}

static void
s_on_client (node_t *node, const char *src, json_t *body, void *arg)
{
    shim_t *self = (shim_t *) arg;
    reply_words_t words;
    const char *error = NULL;
    if (!*self->addr)
        node_reply_error (node, src, body, NODE_ERR_TEMPORARILY_UNAVAILABLE,
                          "no Redis address known yet (before init)");
    else
    if (!reply_words (body, &words, &error))
        node_reply_error (node, src, body, NODE_ERR_MALFORMED_REQUEST, error);
    else
        node_reply (node, src, body, s_execute (self, json_string_value (
                    json_object_get (body, "type")), &words));
}

//  Each lin-kv pair of STATE gets the key's applied list (and trimmed
//  count) from the local server, pipelined: reply_applied says how. A
//  failure leaves the remaining pairs without one; a state too large for
//  one message loses every list (convergence then uses its register rule).
static void
s_add_applied (shim_t *self, json_t *state)
{
    size_t index, appended = 0;
    json_t *pair;
    json_array_foreach (state, index, pair)
        if (self->local && json_is_integer (json_array_get (pair, 0))) {
            json_int_t k = json_integer_value (json_array_get (pair, 0));
            redisAppendCommand (self->local, "LRANGE fl:%lld:applied 0 -1", (long long) k);
            redisAppendCommand (self->local, "GET fl:%lld:trimmed", (long long) k);
            appended++;
        }
    json_array_foreach (state, index, pair) {
        if (!appended || !json_is_integer (json_array_get (pair, 0)))
            continue;
        appended--;
        void *list = NULL, *trimmed = NULL;
        if (redisGetReply (self->local, &list) != REDIS_OK
        ||  redisGetReply (self->local, &trimmed) != REDIS_OK) {
            freeReplyObject (list);
            s_drop (&self->local);
            break;
        }
        reply_applied (pair, list, trimmed);
        freeReplyObject (list);
        freeReplyObject (trimmed);
    }
    size_t bytes = json_dumpb (state, NULL, 0, JSON_COMPACT);
    if (bytes > FL_MSG_BYTES_MAX / 2) {
        node_log (self->node, "replica_read: %zu bytes with the applied lists, sent without",
                  bytes);
        json_array_foreach (state, index, pair)
            while (json_array_size (pair) > 2)
                json_array_remove (pair, 2);
    }
}

//  This node's own server's state: KEYS fl:*, the data keys' values
//  (MGET), the g-set's members, each key's applied list. NULL when the
//  server did not answer.
static json_t *
s_local_state (shim_t *self)
{
    bool sent;
    json_t *state = NULL;
    redisReply *keys = *self->addr? s_command (&self->local, self->addr, SHIM_PORT_SERVER,
                                               &sent, "KEYS fl:*"): NULL;
    redisReply *picked [FL_DB_KEYS_MAX];
    size_t count = reply_data_keys (keys, picked, FL_DB_KEYS_MAX);
    if (keys && keys->type == REDIS_REPLY_ARRAY && count == 0)
        state = json_array ();
    else
    if (keys && keys->type == REDIS_REPLY_ARRAY && count <= FL_DB_KEYS_MAX) {
        const char *argv [FL_DB_KEYS_MAX + 1];
        size_t lens [FL_DB_KEYS_MAX + 1];
        argv [0] = "MGET";
        lens [0] = 4;
        bool set = false;
        for (size_t index = 0; index < count; index++) {
            argv [index + 1] = picked [index]->str;
            lens [index + 1] = picked [index]->len;
            set = set || streq (picked [index]->str, "fl:set");
        }
        redisReply *values = self->local? (redisReply *) redisCommandArgv (self->local,
                             (int) count + 1, argv, lens): NULL;
        if (!values)
            s_drop (&self->local);
        redisReply *members = set && self->local?
                              (redisReply *) redisCommand (self->local, "SMEMBERS fl:set"): NULL;
        redisReply data = { .type = REDIS_REPLY_ARRAY, .elements = count, .element = picked };
        state = reply_state (&data, values, members);
        if (state)
            s_add_applied (self, state);
        freeReplyObject (values);
        freeReplyObject (members);
    }
    freeReplyObject (keys);
    return state;
}

static void
s_on_replica_read (node_t *node, const char *src, json_t *body, void *arg)
{
    json_t *state = s_local_state ((shim_t *) arg);
    if (state)
        node_reply (node, src, body, json_pack ("{s:s, s:o}", "type", "replica_read_ok",
                    "state", state));
    else
        node_reply_error (node, src, body, NODE_ERR_TIMEOUT, "the local Redis did not answer");
}

static void
s_on_role (node_t *node, const char *src, json_t *body, void *arg)
{
    shim_t *self = (shim_t *) arg;
    bool sent;
    redisReply *info = *self->addr? s_command (&self->local, self->addr, SHIM_PORT_SERVER,
                                               &sent, "INFO replication"): NULL;
    const char *role = info && info->type == REDIS_REPLY_STRING? reply_role (info->str): NULL;
    freeReplyObject (info);
    //  The term: the epoch of the primary our Sentinel believes in, so that
    //  of two servers calling themselves primary the newer one wins.
    if (!self->sentinel && *self->addr)
        self->sentinel = s_connect_sentinel (self->addr);
    redisReply *master = *self->addr? s_command (&self->sentinel, self->addr,
                         SHIM_PORT_SENTINEL, &sent, "SENTINEL MASTER fl"): NULL;
    long long epoch = reply_config_epoch (master);
    freeReplyObject (master);
    node_role_set (node, role? role: "none", epoch < 0? 0: epoch);
    node_reply (node, src, body, json_pack ("{s:s, s:s, s:I}", "type", "role_ok",
                "role", node_role_get (node), "term", (json_int_t) (epoch < 0? 0: epoch)));
}

//  With --stdio the id is known at init: addrs= is resolved then.
static void
s_on_init (node_t *node, void *arg)
{
    shim_t *self = (shim_t *) arg;
    const char *addrs = node_param (node, "addrs"), *id = node_id (node);
    long k = id && id [0] == 'n'? strtol (id + 1, NULL, 10): 0;
    for (const char *at = addrs; !*self->addr && at && k > 0; k--) {
        const char *comma = strchr (at, ',');
        size_t len = comma? (size_t) (comma - at): strlen (at);
        if (k == 1 && len > 0 && len < sizeof self->addr)
            memcpy (self->addr, at, len);
        at = comma? comma + 1: NULL;
    }
    if (!*self->addr) {
        //  A node with no server can answer nothing: stop, and say why
        //  (the lab names the node that exited, with this line)
        node_log (node, "no address for '%s' in --param addrs=%s (node nK takes the Kth):"
                  " exiting", id, addrs? addrs: "");
        self->unusable = true;
        node_stop (node);
    }
}

//  --probe ADDR: the server answers PING and the Sentinel names a primary.
static int
s_probe (const char *addr)
{
    redisContext *server = s_connect (addr, SHIM_PORT_SERVER);
    redisContext *sentinel = s_connect_sentinel (addr);
    redisReply *pong = server? (redisReply *) redisCommand (server, "PING"): NULL;
    redisReply *master = sentinel? (redisReply *) redisCommand (sentinel,
                         "SENTINEL get-master-addr-by-name fl"): NULL;
    char host [SHIM_HOST_BYTES];
    int port;
    bool ready = pong && pong->type == REDIS_REPLY_STATUS && streq (pong->str, "PONG")
              && reply_master (master, host, sizeof host, &port);
    freeReplyObject (pong);
    freeReplyObject (master);
    redisFree (server);
    redisFree (sentinel);
    return ready? FL_EXIT_OK: FL_EXIT_UNAVAILABLE;
}

int
main (int argc, char **argv)
{
    if (argc == 3 && streq (argv [1], "--probe"))
        return s_probe (argv [2]);
    node_t *node = node_new (argc, argv);
    if (!node)
        return FL_EXIT_USAGE;
    shim_t self = { .node = node, .asked_ms = INT64_MIN / 2 };
    const char *addr = node_param (node, "addr"), *addrs = node_param (node, "addrs"),
               *wait = node_param (node, "wait");
    uint64_t replicas = 0;
    bool bad_wait = wait && number_parse_whole (wait, FL_NODES_MAX, &replicas);
    if (bad_wait || (!addr && !addrs) || (addr && strlen (addr) >= sizeof self.addr)) {
        if (bad_wait)
            fprintf (stderr, "node-redis: --param wait=%s: not a whole number of replicas"
                     " in 0..%d\n", wait, FL_NODES_MAX);
        else
        if (addr)
            fprintf (stderr, "node-redis: --param addr=%s: longer than %zu bytes\n", addr,
                     sizeof self.addr - 1);
        else
            fprintf (stderr, "node-redis: needs --param addr=ADDR (or addrs=A1,A2,...,"
                     " the Kth for node nK)\n");
        node_destroy (&node);
        return FL_EXIT_USAGE;
    }
    if (addr)
        snprintf (self.addr, sizeof self.addr, "%s", addr);
    self.wait = (int) replicas;
    node_role_set (node, "none", 0);
    node_on_init (node, s_on_init, &self);
    node_on (node, "read", s_on_client, &self);
    node_on (node, "write", s_on_client, &self);
    node_on (node, "cas", s_on_client, &self);
    node_on (node, "add", s_on_client, &self);
    node_on (node, "replica_read", s_on_replica_read, &self);
    node_on (node, "role", s_on_role, &self);
    int rc = node_run (node);
    redisFree (self.sentinel);
    redisFree (self.local);
    redisFree (self.primary);
    node_destroy (&node);
    return self.unusable? FL_EXIT_USAGE: rc? FL_EXIT_SOFTWARE: FL_EXIT_OK;
}
