/*  main.c -- bin/node-etcd, the shim in front of one etcd member: a
    Maelstrom lin-kv node (nodes/lib) that runs in the member's network
    namespace and turns each read, write and cas into one HTTP request to
    the member's v3 JSON gateway (gateway.h says what is sent and what the
    answers mean).

        bin/node-etcd --id n1 --connect EP --param member=http://ADDR:2379
                      [--param reads=linearizable|serializable]
        bin/node-etcd --probe http://ADDR:2379     exit 0 when /health is true
    or, for a cluster started by hand and one --node command for all nodes,
        --param members=URL1,URL2,...   node nK uses the Kth URL

    Every request is synchronous with a deadline of FL_DB_REQUEST_MS (connect
    FL_DB_CONNECT_MS), so the node's loop is never held longer than that and
    the client hears error 0 before its own timeout. One curl handle is
    kept, so its connection to the member is reused.
    - reads=linearizable (the default) reads through the leader's quorum;
      reads=serializable answers from the member's own state, which a
      partition can leave behind: the lab's checker shows the stale reads.
    - replica_read (the lab's) is a serializable range over every "fl/"
      key: what this member holds, asking no one.
    - role asks /v3/maintenance/status (leader when the member's id is the
      leader's), at most every SHIM_ROLE_CACHE_MS.
*/
#include <czmq.h>
#include <curl/curl.h>
#include "limits.h"
#include "exits.h"
#include "nodes/lib/node.h"
#include "nodes/etcd/gateway.h"

#define SHIM_ROLE_CACHE_MS  100     //  a role this fresh is answered as is

typedef struct {
    node_t *node;
    CURL *curl;
    const char *member;         //  http://ADDR:2379
    bool serializable;
    int64_t role_ms;            //  when role was last asked of the member
    long long term;             //  the member's raft term then
    char *buffer;               //  member from members=, FL_DB_PATH_BYTES_MAX
    bool unusable;              //  no member for this node: it stopped
} shim_t;

typedef struct {
    char *data;
    size_t size;
    bool cut;                   //  the reply passed FL_DB_REPLY_BYTES_MAX
} shim_reply_t;

static size_t
s_collect (char *data, size_t size, size_t count, void *arg)
{
    shim_reply_t *reply = (shim_reply_t *) arg;
    size_t len = size * count;
    if (reply->size + len > FL_DB_REPLY_BYTES_MAX) {
        reply->cut = true;
        return 0;                           //  curl stops with a write error
    }
    reply->data = (char *) realloc (reply->data, reply->size + len + 1);
    assert (reply->data);
    memcpy (reply->data + reply->size, data, len);
    reply->size += len;
    reply->data [reply->size] = 0;
    return len;
}

//  One POST (or GET when body is NULL) to BASE PATH. Returns how the
//  exchange went; *status and *response (malloc'd, or NULL) when answered.
static gateway_transport_t
s_http (CURL *curl, const char *base, const char *path, const char *body,
        long *status, char **response)
{
    char url [FL_DB_PATH_BYTES_MAX];
    snprintf (url, sizeof url, "%s%s", base, path);
    shim_reply_t reply = { NULL, 0, false };
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_collect);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) FL_DB_REQUEST_MS);
    curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long) FL_DB_CONNECT_MS);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
    if (body) {
        curl_easy_setopt (curl, CURLOPT_POST, 1L);
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
    }
    else
        curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
    CURLcode code = curl_easy_perform (curl);
    long sent = 0;
    curl_easy_getinfo (curl, CURLINFO_REQUEST_SIZE, &sent);
    *status = 0;
    *response = NULL;
    if (code == CURLE_OK && !reply.cut) {
        curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
        *response = reply.data;
        return GATEWAY_ANSWERED;
    }
    free (reply.data);
    //  Nothing went out: the member refused or could not be reached.
    if (sent == 0 && (code == CURLE_COULDNT_CONNECT || code == CURLE_OPERATION_TIMEDOUT))
        return GATEWAY_UNSENT;
    return GATEWAY_LOST;
}

static void
s_on_client (node_t *node, const char *src, json_t *body, void *arg)
{
    shim_t *self = (shim_t *) arg;
    const char *path = NULL, *error = NULL;
    if (!self->member) {
        node_reply_error (node, src, body, NODE_ERR_TEMPORARILY_UNAVAILABLE,
                          "no etcd member known yet (before init)");
        return;
    }
    char *request = gateway_request (body, self->serializable, &path, &error);
    if (!request) {
        node_reply_error (node, src, body, NODE_ERR_MALFORMED_REQUEST, error);
        return;
    }
    long status;
    char *response;
    gateway_transport_t transport = s_http (self->curl, self->member, path, request,
                                            &status, &response);
    const char *type = json_string_value (json_object_get (body, "type"));
    json_t *reply = gateway_reply (type, transport, status, response);
    if (json_integer_value (json_object_get (reply, "code")) == NODE_ERR_TIMEOUT
    &&  streq (json_string_value (json_object_get (reply, "type")), "error"))
        node_debug (node, "%s %s: HTTP %ld %s", type, path, status, response? response: "");
    node_reply (node, src, body, reply);
    free (request);
    free (response);
}

static void
s_on_replica_read (node_t *node, const char *src, json_t *body, void *arg)
{
    shim_t *self = (shim_t *) arg;
    if (!self->member) {
        node_reply_error (node, src, body, NODE_ERR_TEMPORARILY_UNAVAILABLE, "no member yet");
        return;
    }
    char *request = gateway_prefix_request (), *response;
    long status;
    gateway_transport_t transport = s_http (self->curl, self->member, "/v3/kv/range",
                                            request, &status, &response);
    json_t *state = transport == GATEWAY_ANSWERED && status == 200?
                    gateway_state (response): NULL;
    if (state)
        node_reply (node, src, body, json_pack ("{s:s, s:o}", "type", "replica_read_ok",
                    "state", state));
    else
        node_reply_error (node, src, body, NODE_ERR_TIMEOUT, "etcd member did not answer");
    free (request);
    free (response);
}

static void
s_on_role (node_t *node, const char *src, json_t *body, void *arg)
{
    shim_t *self = (shim_t *) arg;
    if (self->member && node_now_ms (node) - self->role_ms >= SHIM_ROLE_CACHE_MS) {
        long status;
        char *response;
        if (s_http (self->curl, self->member, "/v3/maintenance/status", "{}",
                    &status, &response) == GATEWAY_ANSWERED && status == 200) {
            const char *role = gateway_role (response, &self->term);
            node_role_set (node, role? role: "none", self->term);
        }
        else
            node_role_set (node, "none", 0);
        free (response);
        self->role_ms = node_now_ms (node);
    }
    node_reply (node, src, body, json_pack ("{s:s, s:s, s:I}", "type", "role_ok",
                "role", node_role_get (node), "term", (json_int_t) self->term));
}

//  The member for node nK from --param members=URL1,URL2,... (its Kth
//  URL), so that one --node command serves every node of a cluster the
//  user started himself. Into buffer; NULL when there is none.
static const char *
s_member_of (node_t *node, char *buffer, size_t size)
{
    const char *members = node_param (node, "members"), *id = node_id (node);
    long k = id && id [0] == 'n'? strtol (id + 1, NULL, 10): 0;
    for (const char *at = members; at && k > 0; k--) {
        const char *comma = strchr (at, ',');
        size_t len = comma? (size_t) (comma - at): strlen (at);
        if (k == 1 && len > 0 && len < size) {
            memcpy (buffer, at, len);
            buffer [len] = 0;
            return buffer;
        }
        at = comma? comma + 1: NULL;
    }
    return NULL;
}

//  With --stdio the id is known at init: members= is resolved then.
static void
s_on_init (node_t *node, void *arg)
{
    shim_t *self = (shim_t *) arg;
    if (!self->member)
        self->member = s_member_of (node, self->buffer, FL_DB_PATH_BYTES_MAX);
    if (!self->member) {
        //  A node with no member can answer nothing: stop, and say why
        //  (the lab names the node that exited, with this line)
        const char *members = node_param (node, "members");
        node_log (node, "no member for '%s' in --param members=%s (node nK takes the Kth):"
                  " exiting", node_id (node), members? members: "");
        self->unusable = true;
        node_stop (node);
    }
}

//  --probe URL: exit 0 when the member says it is healthy.
static int
s_probe (const char *url)
{
    CURL *curl = curl_easy_init ();
    long status;
    char *response;
    bool healthy = curl && s_http (curl, url, "/health", NULL, &status, &response)
                   == GATEWAY_ANSWERED && status == 200 && gateway_healthy (response);
    if (curl)
        free (response);
    curl_easy_cleanup (curl);
    return healthy? FL_EXIT_OK: FL_EXIT_UNAVAILABLE;
}

int
main (int argc, char **argv)
{
    curl_global_init (CURL_GLOBAL_DEFAULT);
    if (argc == 3 && streq (argv [1], "--probe"))
        return s_probe (argv [2]);
    node_t *node = node_new (argc, argv);
    if (!node)
        return FL_EXIT_USAGE;
    static char buffer [FL_DB_PATH_BYTES_MAX];
    const char *member = node_param (node, "member");
    const char *reads = node_param (node, "reads");
    bool bad_reads = reads && !streq (reads, "linearizable") && !streq (reads, "serializable");
    if (bad_reads || (!member && !node_param (node, "members"))) {
        if (bad_reads)
            fprintf (stderr, "node-etcd: --param reads=%s: not linearizable or serializable\n",
                     reads);
        else
            fprintf (stderr, "node-etcd: needs --param member=http://ADDR:2379 (or"
                     " members=URL1,URL2,..., the Kth for node nK)\n");
        node_destroy (&node);
        return FL_EXIT_USAGE;
    }
    shim_t self = { .node = node, .curl = curl_easy_init (), .member = member,
                    .buffer = buffer,
                    .serializable = reads && streq (reads, "serializable"),
                    .role_ms = INT64_MIN / 2 };
    assert (self.curl);
    node_role_set (node, "none", 0);
    node_on_init (node, s_on_init, &self);
    node_on (node, "read", s_on_client, &self);
    node_on (node, "write", s_on_client, &self);
    node_on (node, "cas", s_on_client, &self);
    node_on (node, "replica_read", s_on_replica_read, &self);
    node_on (node, "role", s_on_role, &self);
    int rc = node_run (node);
    curl_easy_cleanup (self.curl);
    node_destroy (&node);
    curl_global_cleanup ();
    return self.unusable? FL_EXIT_USAGE: rc? FL_EXIT_SOFTWARE: FL_EXIT_OK;
}
