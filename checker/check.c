/*  check.c -- check_file (): read a history, compile it for a model, search
    each partition, and keep what is needed to explain the verdict.

    kv histories are split by key. Every register key is first pre-checked
    for an ok read of a value no op could have written (unwritten.c), then
    keys whose values are unique are decided without a search (unique.c);
    the rest are searched on
    a pool of threads in rounds with a growing time slice, smallest first;
    the first invalid partition stops the others (a history is invalid as
    soon as one key is). The result keeps the
    history and the search's deepest point in the invalid partition: the op
    whose return ended the search there (the one that could not be
    linearized), the ops concurrent with it, and the longest linearizable
    prefix with the model state after it.
*/
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "limits.h"
#include "clock.h"
#include "edn.h"
#include "ophistory.h"
#include "model.h"
#include "wgl.h"
#include "unique.h"
#include "unwritten.h"
#include "linpage.h"
#include "opjson.h"
#include "spectrum.h"
#include "elle.h"
#include "check.h"

struct _check_result_t {
    char *file;
    model_kind_t model;
    check_verdict_t verdict;    // the asked consistency model's
    check_verdict_t lin;        // linearizability's, when it ran
    bool ran_lin;
    spectrum_t spectrum;
    double time_ms;
    ophistory_t *history;
    model_part_t **parts;
    size_t nparts;
    wgl_result_t *results;  // one per partition
    int64_t bad;            // the partition explained, -1 if none
    uint64_t steps;
    size_t cache_entries;
    size_t cache_configs, cache_bytes, cache_bytes_wide;
    size_t memory_bytes;
    int txn_model;          // elle_model_t, or -1: a register model
    elle_result_t *elle;    // the txn models' result
    uint8_t *method;        // per partition: S_METHOD_*, who decided it
    bool prefix_skipped;    // a method other than the search said invalid
                            // and the search of that key did not end in
                            // budget: no prefix
    int64_t unwritten;      // the pre-check's read of an unwritten value
                            // (history index), when it decided the key
};

//  Who decided a partition; S_METHOD_SEARCH is 0, what calloc leaves.
//  S_METHOD_NONE is only said, never stored: a key no method decided
//  because the check stopped first (another key was invalid).
enum { S_METHOD_SEARCH, S_METHOD_UNIQUE, S_METHOD_UNWRITTEN, S_METHOD_NONE, S_METHODS };
static const char *s_method_names [S_METHODS] = { "search", "unique-values", "unwritten-read",
                                                  "none" };

typedef struct {
    check_result_t *self;
    size_t *order;          // partitions left to search this round
    size_t norder;
    atomic_size_t next;
    atomic_int stop;
    atomic_size_t used;     // bytes held against the budget by everyone
    wgl_budget_t budget;
    int64_t round_ns;       // this round's deadline, 0: the whole budget
} s_pool_t;

static void *
s_worker (void *arg)
{
    s_pool_t *pool = arg;
    size_t i;
    while ((i = atomic_fetch_add (&pool->next, 1)) < pool->norder) {
        if (atomic_load (&pool->stop))
            break;
        size_t p = pool->order [i];
        wgl_budget_t budget = pool->budget;
        if (pool->round_ns && (!budget.deadline_ns || pool->round_ns < budget.deadline_ns))
            budget.deadline_ns = pool->round_ns;
        wgl_result_release (&pool->self->results [p]);
        wgl_check (pool->self->parts [p], &budget, &pool->self->results [p]);
        if (pool->self->results [p].verdict == WGL_INVALID)
            atomic_store (&pool->stop, 1);
    }
    return NULL;
}

static int
s_by_size (const void *a, const void *b, void *arg)
{
    model_part_t **parts = arg;
    size_t x = model_part_size (parts [*(const size_t *) a]);
    size_t y = model_part_size (parts [*(const size_t *) b]);
    return x < y? -1: x > y;
}

check_budget_t
check_budget (const check_opts_t *opts, size_t partitions)
{
    assert (opts);
    long cores = sysconf (_SC_NPROCESSORS_ONLN);
    size_t threads = opts->threads > 0? (size_t) opts->threads: cores > 0? (size_t) cores: 1;
    if (threads > FL_CHECK_THREADS_MAX)
        threads = FL_CHECK_THREADS_MAX;
    if (threads > partitions)
        threads = partitions;
    //  Clamped so that the deadline and the byte count cannot overflow
    //  (--timeout 1e10 or inf must mean "no limit", not "already late")
    double timeout_s = opts->timeout_s > 0? opts->timeout_s: FL_CHECK_TIMEOUT_S_DEFAULT;
    if (timeout_s > FL_CHECK_TIMEOUT_S_MAX)
        timeout_s = FL_CHECK_TIMEOUT_S_MAX;
    size_t memory_mb = opts->memory_mb? opts->memory_mb: FL_CHECK_MEMORY_MB_DEFAULT;
    if (memory_mb > SIZE_MAX / 2 / 1024 / 1024)
        memory_mb = SIZE_MAX / 2 / 1024 / 1024;
    return (check_budget_t) { timeout_s, memory_mb, threads };
}

//  Run one round: every partition in pool->order once, on the threads.
static void
s_round (s_pool_t *pool, size_t threads)
{
    atomic_store (&pool->next, 0);
    if (threads > pool->norder)
        threads = pool->norder;
    if (threads <= 1) {
        s_worker (pool);
        return;
    }
    pthread_t tids [FL_CHECK_THREADS_MAX];
    size_t started = 0;
    for (size_t t = 0; t < threads; t++)
        if (pthread_create (&tids [started], NULL, s_worker, pool) == 0)
            started++;
    if (started == 0)
        s_worker (pool);
    for (size_t t = 0; t < started; t++)
        pthread_join (tids [t], NULL);
}

static bool
s_registers (const check_result_t *self)
{
    return self->model == MODEL_REGISTER || self->model == MODEL_CAS_REGISTER
        || self->model == MODEL_KV;
}

//  The pre-check, on every register key whatever its values: a key with
//  an ok read of a value no op could have written is invalid, and ends
//  the check before any other method runs (it costs O(n log n) a key, the
//  search of such a key may not end at all). Returns the invalid
//  partition, or -1.
static int64_t
s_unwritten (check_result_t *self)
{
    for (size_t i = 0; s_registers (self) && i < self->nparts; i++) {
        if (unwritten_check (self->parts [i], &self->results [i]) != UNWRITTEN_INVALID)
            continue;
        self->method [i] = S_METHOD_UNWRITTEN;
        self->unwritten = model_part_ops (self->parts [i]) [self->results [i].blocked].hist;
        return (int64_t) i;
    }
    return -1;
}

//  Keys the unique-values method decides need no search; an invalid one
//  ends the check. Returns the invalid partition, or -1.
static int64_t
s_unique (check_result_t *self)
{
    for (size_t i = 0; s_registers (self) && i < self->nparts; i++) {
        const char *why = NULL;
        unique_verdict_t v = unique_check (self->parts [i], &self->results [i], &why);
        if (v == UNIQUE_UNFIT)
            continue;
        self->method [i] = S_METHOD_UNIQUE;
        if (v == UNIQUE_INVALID)
            return (int64_t) i;
    }
    return -1;
}

//  The unique-values method and the pre-check decide without a search, so
//  their prefix is a linearizable one (unique's), or none (the
//  pre-check's), not the longest. The explanation is the search's on that
//  key alone, within what is left of the budget and at most
//  FL_CHECK_EXPLAIN_MS and FL_CHECK_EXPLAIN_MB more; the verdict stays the
//  method's. A search that does not end invalid leaves no prefix (said
//  "not computed"), never a wrong one.
static void
s_unique_explain (check_result_t *self, size_t p, const wgl_budget_t *budget)
{
    wgl_budget_t b = *budget;
    int64_t cap = clock_mono_ns () + FL_CHECK_EXPLAIN_MS * 1000000LL;
    if (!b.deadline_ns || cap < b.deadline_ns)
        b.deadline_ns = cap;
    size_t room = (b.used? atomic_load (b.used): 0) + (size_t) FL_CHECK_EXPLAIN_MB * 1024 * 1024;
    if (!b.memory_bytes || room < b.memory_bytes)
        b.memory_bytes = room;
    wgl_result_t found = { .verdict = WGL_STOPPED, .blocked = -1 };
    wgl_check (self->parts [p], &b, &found);
    wgl_result_t *r = &self->results [p];
    if (found.verdict == WGL_INVALID && found.blocked >= 0) {
        found.steps += r->steps;
        wgl_result_release (r);
        *r = found;
        return;
    }
    r->steps += found.steps;
    wgl_result_release (&found);
    free (r->prefix);
    r->prefix = NULL;
    r->nprefix = 0;
    self->prefix_skipped = true;
}

//  The partitions left are searched in rounds, smallest first: each round
//  gives every one a time slice FL_CHECK_ROUND_GROWTH times the last, so a
//  hard valid key cannot hold back an easy invalid one; the first invalid
//  stops them all. When no more partitions are left than threads, the
//  round has the whole budget.
static void
s_search (check_result_t *self, const check_opts_t *opts, int64_t start_ns)
{
    s_pool_t pool = { .self = self };
    atomic_init (&pool.next, 0);
    atomic_init (&pool.stop, 0);
    for (size_t i = 0; i < self->nparts; i++) {
        self->results [i].verdict = WGL_STOPPED;
        self->results [i].blocked = -1;
    }
    bool search_only = opts->method && strcmp (opts->method, "search") == 0;
    int64_t invalid = search_only? -1: s_unwritten (self);
    if (invalid < 0 && !search_only)
        invalid = s_unique (self);
    check_budget_t budget = check_budget (opts, self->nparts);
    size_t threads = budget.threads;
    //  One budget for the whole check, not a share per thread: the
    //  partitions (every op and value parsed) are held from the start, and
    //  each search takes its arrays, cache and model growth from what is left
    size_t held = (self->nparts + 1) * (sizeof (wgl_result_t) + sizeof (model_part_t *));
    for (size_t i = 0; i < self->nparts; i++)
        held += model_part_memory (self->parts [i]);
    atomic_init (&pool.used, held);
    pool.budget = (wgl_budget_t) {
        .stop = &pool.stop,
        .deadline_ns = start_ns + (int64_t) (budget.timeout_s * 1e9),
        .memory_bytes = budget.memory_mb * 1024 * 1024,
        .used = &pool.used };
    if (invalid >= 0) {
        s_unique_explain (self, (size_t) invalid, &pool.budget);
        return;
    }
    pool.order = malloc ((self->nparts + 1) * sizeof (size_t));
    if (!pool.order) {          // out of memory: every partition unknown
        for (size_t i = 0; i < self->nparts; i++)
            if (!self->method [i])
                self->results [i] = (wgl_result_t) { .verdict = WGL_UNKNOWN, .blocked = -1,
                                                     .why_unknown = "memory" };
        return;
    }
    for (size_t i = 0; i < self->nparts; i++)
        if (!self->method [i])
            pool.order [pool.norder++] = i;
    qsort_r (pool.order, pool.norder, sizeof (size_t), s_by_size, self->parts);
    int64_t slice_ns = FL_CHECK_ROUND_MS_FIRST * 1000000LL;
    while (pool.norder > 0 && !atomic_load (&pool.stop)) {
        int64_t now = clock_mono_ns ();
        bool last = pool.norder <= threads || now + slice_ns >= pool.budget.deadline_ns;
        pool.round_ns = last? 0: now + slice_ns;
        s_round (&pool, threads);
        if (last)
            break;
        size_t kept = 0;        // cut by the round, not by the budget: again
        for (size_t i = 0; i < pool.norder; i++) {
            wgl_result_t *r = &self->results [pool.order [i]];
            if (r->verdict == WGL_UNKNOWN && r->why_unknown
            &&  strcmp (r->why_unknown, "timeout") == 0)
                pool.order [kept++] = pool.order [i];
        }
        pool.norder = kept;
        slice_ns *= FL_CHECK_ROUND_GROWTH;
    }
    free (pool.order);
}

//  Overall verdict: invalid if any partition is, unknown if any is, else valid.
static void
s_conclude (check_result_t *self)
{
    self->ran_lin = true;
    self->verdict = CHECK_VALID;
    self->bad = -1;
    for (size_t i = 0; i < self->nparts; i++) {
        wgl_result_t *r = &self->results [i];
        self->steps += r->steps;
        self->cache_entries += r->cache_entries;
        self->cache_configs += r->cache_configs;
        self->cache_bytes += r->cache_bytes;
        self->cache_bytes_wide += r->cache_bytes_wide;
        self->memory_bytes += r->memory_bytes;
        if (r->verdict == WGL_INVALID && self->verdict != CHECK_INVALID) {
            self->verdict = CHECK_INVALID;
            self->bad = (int64_t) i;
        }
        else
        if ((r->verdict == WGL_UNKNOWN || r->verdict == WGL_STOPPED)
        && self->verdict == CHECK_VALID) {
            self->verdict = CHECK_UNKNOWN;
            self->bad = (int64_t) i;
        }
    }
}

static int
s_fail (char **error, const char *path, const char *what, const char *value)
{
    if (asprintf (error, "%s: %s '%s'", path, what, value) < 0)
        *error = NULL;
    return -1;
}

//  A model other than linearizable, or the whole spectrum, asked?
static bool
s_spectrum_asked (const check_opts_t *opts)
{
    return opts->spectrum || (opts->consistency
        && consistency_parse (opts->consistency) != CONSISTENCY_LINEARIZABLE);
}

//  The spectrum's models asked, for a register or kv history only. Returns
//  0, or -1 with *error set.
static int
s_spectrum_setup (check_result_t *self, const check_opts_t *opts, char **error)
{
    if (!s_spectrum_asked (opts))
        return 0;
    if (self->model != MODEL_REGISTER && self->model != MODEL_CAS_REGISTER
    &&  self->model != MODEL_KV) {
        if (asprintf (error, "%s: consistency '%s' is for register, cas-register and kv"
                      " histories, not %s", self->file, opts->spectrum? "--spectrum"
                      : opts->consistency, model_name (self->model)) < 0)
            *error = NULL;
        return -1;
    }
    self->spectrum.asked = opts->consistency? consistency_parse (opts->consistency)
                                            : CONSISTENCY_LINEARIZABLE;
    self->spectrum.all = opts->spectrum;
    return 0;
}

//  The searches asked for: linearizability (asked, or with the spectrum),
//  then the other models; the verdict is the asked model's.
static void
s_run (check_result_t *self, const check_opts_t *opts, int64_t start_ns)
{
    bool lin = !s_spectrum_asked (opts) || opts->spectrum;
    if (lin) {
        s_search (self, opts, start_ns);
        s_conclude (self);
        self->lin = self->verdict;
    }
    if (!s_spectrum_asked (opts))
        return;
    check_budget_t budget = check_budget (opts, 1);
    if (opts->spectrum_timeout_s > 0 && opts->spectrum_timeout_s < budget.timeout_s)
        budget.timeout_s = opts->spectrum_timeout_s;
    if (opts->spectrum_memory_mb && opts->spectrum_memory_mb < budget.memory_mb)
        budget.memory_mb = opts->spectrum_memory_mb;
    spectrum_input_t input = { opts->init, budget.timeout_s, budget.memory_mb };
    spectrum_run (&self->spectrum, self->history, &input, lin, self->lin);
    self->verdict = spectrum_verdict (&self->spectrum);
}

bool
check_consistency_valid (const char *name)
{
    return consistency_parse (name) >= 0;
}

const char *
check_consistency_names (void)
{
    return "linearizable, sequential, causal, read-your-writes, monotonic-reads,"
           " monotonic-writes, writes-follow-reads";
}

bool
check_init_valid (const char *text)
{
    assert (text);
    json_t *value = edn_parse_value (text);
    json_decref (value);
    return value != NULL;
}

char *
check_init_problem (const char *model, const char *text)
{
    assert (model && text);
    char *problem = NULL;
    if (elle_model_parse (model) >= 0) {
        json_t *value = edn_parse_value (text);
        bool none = value && json_is_null (value);      //  nil: what they start from
        json_decref (value);
        if (!none && asprintf (&problem, "--init is not for the %s model (its keys start empty, as"
                      " Elle's do; nil, the default, is taken)", model) < 0)
            problem = NULL;
        return problem;
    }
    //  JSON first, as edn_parse_value reads it: there a "#{}" key is a map's
    json_t *as_json = json_loads (text, JSON_DECODE_ANY, NULL);
    bool reserved = as_json && edn_holds_set_key (as_json);
    json_decref (as_json);
    if (reserved) {
        if (asprintf (&problem, "--init '%s' holds a map with the key \"%s\": that key is how"
                      " EDN sets are held (edn.h), and such a map would equal a set", text,
                      EDN_SET_KEY) < 0)
            problem = NULL;
        return problem;
    }
    int kind = model_parse (model);
    json_t *value = kind >= 0? edn_parse_value (text): NULL;
    const char *takes = value? model_init_unfit ((model_kind_t) kind, value): NULL;
    json_decref (value);
    if (takes && asprintf (&problem, "--init '%s' does not fit the %s model: it takes %s",
                           text, model, takes) < 0)
        problem = NULL;
    return problem;
}

//  --init does not fit MODEL (check_init_problem): true with *error set.
static bool
s_init_refused (const char *path, const char *model, const char *init, char **error)
{
    char *problem = init? check_init_problem (model, init): NULL;
    if (problem && asprintf (error, "%s: %s", path, problem) < 0)
        *error = NULL;
    free (problem);
    return problem != NULL;
}

bool
check_txn_level_valid (const char *name)
{
    return elle_level_valid (name);
}

bool
check_model_is_txn (const char *model)
{
    return elle_model_parse (model) >= 0;
}

//  The txn models: Elle's inference and cycle search (elle.h).
static check_result_t *
s_check_txn (const char *path, const check_opts_t *opts, ophistory_t *history,
             elle_model_t model, int64_t start_ns, char **error)
{
    check_result_t *self = calloc (1, sizeof (check_result_t));
    assert (self);
    self->file = strdup (path);
    self->history = history;
    self->bad = -1;
    self->txn_model = (int) model;
    double timeout_s = check_budget (opts, 1).timeout_s;
    self->elle = elle_check (history, (elle_model_t) self->txn_model, opts->consistency,
                             timeout_s, path, error);
    if (!self->elle) {
        check_result_destroy (&self);
        return NULL;
    }
    elle_verdict_t v = elle_result_verdict (self->elle);
    self->verdict = v == ELLE_VALID? CHECK_VALID: v == ELLE_INVALID? CHECK_INVALID: CHECK_UNKNOWN;
    self->time_ms = (double) (clock_mono_ns () - start_ns) / 1e6;
    return self;
}

//  A --consistency neither a txn level (for a txn model) nor one of the
//  register models? Returns true with *error set.
static bool
s_consistency_unknown (const char *path, const check_opts_t *opts, char **error)
{
    if (!opts->consistency || elle_model_parse (opts->model) >= 0
    ||  consistency_parse (opts->consistency) >= 0)
        return false;
    if (asprintf (error, "%s: unknown consistency model '%s' (%s)", path, opts->consistency,
                  check_consistency_names ()) < 0)
        *error = NULL;
    return true;
}

//  Options that do not fit the model guessed (txn >= 0: a txn model):
//  --spectrum is for registers, --consistency a register model or a txn
//  level as the model is. Returns true with *error set.
static bool
s_guessed_unfit (const char *path, const check_opts_t *opts, int txn, char **error)
{
    if (txn < 0)
        return s_consistency_unknown (path, opts, error);
    if (!opts->spectrum)
        return false;
    if (asprintf (error, "%s: --spectrum is for register, cas-register and kv histories,"
                  " not %s (a history of txns)", path, elle_model_name ((elle_model_t) txn)) < 0)
        *error = NULL;
    return true;
}

check_result_t *
check_file (const char *path, const check_opts_t *opts, char **error)
{
    assert (path && opts && error);
    *error = NULL;
    int64_t start_ns = clock_mono_ns ();
    int format = -1;
    if (opts->format && (format = ophistory_format_parse (opts->format)) < 0) {
        s_fail (error, path, "unknown format", opts->format);
        return NULL;
    }
    if (opts->threads > FL_CHECK_THREADS_MAX) {
        if (asprintf (error, "%s: %d threads, more than %d (FL_CHECK_THREADS_MAX)",
                      path, opts->threads, FL_CHECK_THREADS_MAX) < 0)
            *error = NULL;
        return NULL;
    }
    if (opts->model && s_consistency_unknown (path, opts, error))
        return NULL;
    if (opts->method && strcmp (opts->method, "auto") && strcmp (opts->method, "search")) {
        s_fail (error, path, "unknown method", opts->method);
        return NULL;
    }
    json_t *init = NULL;
    if (opts->init && !(init = edn_parse_value (opts->init))) {
        s_fail (error, path, "bad initial value", opts->init);
        return NULL;
    }
    ophistory_t *history = ophistory_load (path, format, error);
    if (!history) {
        json_decref (init);
        return NULL;
    }
    //  Without --model a history of txns is the txn checker's (its
    //  micro-ops tell which model), never a register's
    int txn = opts->model? elle_model_parse (opts->model)
                         : elle_model_guess (history, path, error);
    if (txn == ELLE_GUESS_UNSURE
    ||  (!opts->model && s_guessed_unfit (path, opts, txn, error))) {
        ophistory_destroy (&history);
        json_decref (init);
        return NULL;
    }
    if (txn >= 0 && s_init_refused (path, elle_model_name ((elle_model_t) txn), opts->init,
                                    error)) {
        ophistory_destroy (&history);
        json_decref (init);
        return NULL;
    }
    if (txn >= 0) {
        json_decref (init);
        return s_check_txn (path, opts, history, (elle_model_t) txn, start_ns, error);
    }
    int model = opts->model? model_parse (opts->model): (int) model_guess (history);
    if (model < 0) {
        s_fail (error, path, "unknown model", opts->model);
        ophistory_destroy (&history);
        json_decref (init);
        return NULL;
    }
    if (s_init_refused (path, model_name ((model_kind_t) model), opts->init, error)) {
        ophistory_destroy (&history);
        json_decref (init);
        return NULL;
    }
    check_result_t *self = calloc (1, sizeof (check_result_t));
    assert (self);
    self->file = strdup (path);
    self->txn_model = -1;
    self->unwritten = -1;
    self->model = model;
    self->history = history;
    self->parts = model_partition (history, model, init, path, &self->nparts, error);
    json_decref (init);
    if (!self->parts) {
        check_result_destroy (&self);
        return NULL;
    }
    self->results = calloc (self->nparts + 1, sizeof (wgl_result_t));
    self->method = calloc (self->nparts + 1, 1);
    if (!self->results || !self->method) {
        check_result_destroy (&self);
        if (asprintf (error, "%s: out of memory", path) < 0)
            *error = NULL;
        return NULL;
    }
    if (s_spectrum_setup (self, opts, error)) {
        check_result_destroy (&self);
        return NULL;
    }
    s_run (self, opts, start_ns);
    self->time_ms = (double) (clock_mono_ns () - start_ns) / 1e6;
    return self;
}

int
check_file_to_edn (const char *path, const check_opts_t *opts, FILE *out, char **error)
{
    assert (path && opts && out && error);
    *error = NULL;
    int format = -1;
    if (opts->format && (format = ophistory_format_parse (opts->format)) < 0)
        return s_fail (error, path, "unknown format", opts->format);
    ophistory_t *history = ophistory_load (path, format, error);
    if (!history)
        return -1;
    int rc = ophistory_write_edn (history, out);
    ophistory_destroy (&history);
    if (rc && asprintf (error, "%s: cannot write EDN", path) < 0)
        *error = NULL;
    return rc;
}

check_verdict_t
check_result_verdict (const check_result_t *self)
{
    assert (self);
    return self->verdict;
}

//  --------------------------------------------------------------------------
//  Explanations

//  The explained partition's ops, by mark, as history op indices.
typedef struct {
    model_part_t *part;
    wgl_result_t *r;
    int64_t failing;            // history index or -1
    size_t concurrent [FL_CHECK_EXPLAIN_OPS_MAX];
    size_t nconcurrent;
    size_t more_concurrent;     // beyond the ones listed
} s_why_t;

static bool
s_why (const check_result_t *self, s_why_t *why)
{
    memset (why, 0, sizeof (*why));
    why->failing = -1;
    if (self->bad < 0)
        return false;
    why->part = self->parts [self->bad];
    why->r = &self->results [self->bad];
    if (why->r->blocked < 0 || (!why->r->prefix && !self->prefix_skipped))
        return true;
    model_op_t *ops = model_part_ops (why->part);
    size_t n = model_part_size (why->part);
    const model_op_t *b = &ops [why->r->blocked];
    why->failing = b->hist;
    uint8_t *in_prefix = calloc (n + 1, 1);
    assert (in_prefix);
    for (size_t i = 0; why->r->prefix && i < why->r->nprefix; i++)
        in_prefix [why->r->prefix [i]] = 1;
    for (size_t j = 0; j < n; j++) {
        if ((int64_t) j == why->r->blocked || in_prefix [j])
            continue;
        if (ops [j].call < b->ret && ops [j].ret > b->call) {
            if (why->nconcurrent < FL_CHECK_EXPLAIN_OPS_MAX)
                why->concurrent [why->nconcurrent++] = ops [j].hist;
            else
                why->more_concurrent++;
        }
    }
    free (in_prefix);
    return true;
}

static json_t *
s_op_json (const check_result_t *self, size_t index)
{
    return opjson_op (self->history, index);
}

//  One line of text for an op: "line 12: process 3 cas [1,2] -> ok".
static void
s_op_text (const check_result_t *self, size_t index, FILE *out)
{
    const op_t *op = ophistory_op (self->history, index);
    char *in = json_dumps (op->in, JSON_COMPACT | JSON_ENCODE_ANY);
    char *res = op->out? json_dumps (op->out, JSON_COMPACT | JSON_ENCODE_ANY): NULL;
    char *key = op->key? json_dumps (op->key, JSON_COMPACT | JSON_ENCODE_ANY): NULL;
    const char *name = ophistory_process_name (self->history, op->process);
    char number [24];
    snprintf (number, sizeof number, "%lld", (long long) op->process);
    fprintf (out, "line %d: process %s %s%s%s %s -> %s%s%s\n", op->line_call,
             name? name: number, op->f, key? " key ": "", key? key: "", in? in: "?",
             op_type_name (op->type), res && op->type == OP_OK? " ": "",
             res && op->type == OP_OK? res: "");
    free (in);
    free (res);
    free (key);
}

static const char *
s_method_name (uint8_t method)
{
    assert (method < S_METHODS);
    return s_method_names [method];
}

//  Why there is no prefix, when the search of the key did not end.
static const char *
s_prefix_note (const check_result_t *self)
{
    return self->method [self->bad] == S_METHOD_UNWRITTEN?
           "not computed (decided by a read of an unwritten value)"
         : "not computed (decided by unique values)";
}

static json_t *
s_verdict_json (wgl_verdict_t v)
{
    return v == WGL_VALID? json_true (): v == WGL_INVALID? json_false ()
         : json_string ("unknown");
}

//  Which method decided: "method" for the whole history ("mixed" when the
//  keys differ), "methods" counting keys by method, and for kv "keys": each
//  key's method and verdict (the first FL_CHECK_KEYS_LISTED_MAX).
static int
s_method_of (const check_result_t *self, size_t i)
{
    return self->method [i] == S_METHOD_SEARCH && self->results [i].verdict == WGL_STOPPED?
           S_METHOD_NONE: self->method [i];
}

static void
s_methods_json (const check_result_t *self, json_t *obj)
{
    size_t count [S_METHODS] = { 0 };
    for (size_t i = 0; i < self->nparts; i++)
        count [s_method_of (self, i)]++;
    //  Named by the methods that decided keys; the keys none decided
    //  (the check stopped first) do not make it "mixed"
    size_t decided = self->nparts - count [S_METHOD_NONE];
    const char *name = "search";        // also for no partitions at all
    for (int m = 0; m < S_METHOD_NONE; m++)
        if (count [m])
            name = count [m] == decided? s_method_names [m]: "mixed";
    json_object_set_new (obj, "method", json_string (name));
    json_t *methods = json_object ();    // the two of old first, as before
    static const int listed [S_METHODS] = { S_METHOD_UNIQUE, S_METHOD_SEARCH, S_METHOD_UNWRITTEN,
                                            S_METHOD_NONE };
    for (int m = 0; m < S_METHODS; m++)
        json_object_set_new (methods, s_method_names [listed [m]],
                             json_integer ((json_int_t) count [listed [m]]));
    json_object_set_new (obj, "methods", methods);
    if (self->model != MODEL_KV)
        return;
    json_t *keys = json_array ();
    for (size_t i = 0; i < self->nparts && i < FL_CHECK_KEYS_LISTED_MAX; i++)
        json_array_append_new (keys, json_pack ("{s:O, s:s, s:o}",
            "key", model_part_key (self->parts [i]), "method", s_method_name (s_method_of (self, i)),
            "valid", s_verdict_json (self->results [i].verdict)));
    json_object_set_new (obj, "keys", keys);
}

json_t *
check_result_json (const check_result_t *self)
{
    assert (self);
    if (self->elle) {
        json_t *obj = json_pack ("{s:s, s:o, s:s, s:I, s:f}", "file", self->file,
            "valid", self->verdict == CHECK_VALID? json_true ()
                   : self->verdict == CHECK_INVALID? json_false (): json_string ("unknown"),
            "model", elle_model_name ((elle_model_t) self->txn_model),
            "ops", (json_int_t) ophistory_size (self->history), "time_ms", self->time_ms);
        elle_result_json (self->elle, obj);
        return obj;
    }
    json_t *obj = json_pack ("{s:s, s:o, s:s, s:I, s:f, s:I}",
        "file", self->file,
        "valid", self->verdict == CHECK_VALID? json_true ()
               : self->verdict == CHECK_INVALID? json_false (): json_string ("unknown"),
        "model", model_name (self->model),
        "ops", (json_int_t) ophistory_size (self->history),
        "time_ms", self->time_ms,
        "partitions", (json_int_t) self->nparts);
    //  The search's own fields only when it ran: a causal or session check
    //  asked alone runs none, and its "method" (spectrum_json) names the
    //  check that decided instead
    if (self->ran_lin) {
        json_object_set_new (obj, "steps", json_integer ((json_int_t) self->steps));
        json_object_set_new (obj, "cache_entries", json_integer ((json_int_t) self->cache_entries));
        json_object_set_new (obj, "memory_bytes", json_integer ((json_int_t) self->memory_bytes));
        json_object_set_new (obj, "cache", json_pack ("{s:I, s:I, s:I}",
            "configurations", (json_int_t) self->cache_configs,
            "bytes", (json_int_t) self->cache_bytes,
            "bytes_wide", (json_int_t) self->cache_bytes_wide));
    }
    if (self->spectrum.ran [self->spectrum.asked])
        spectrum_json (&self->spectrum, obj);
    else
        json_object_set_new (obj, "consistency", json_string ("linearizable"));
    s_why_t why;
    if (!self->ran_lin)
        return obj;
    s_methods_json (self, obj);
    if (!s_why (self, &why))
        return obj;
    json_object_set_new (obj, "key_method", json_string (s_method_name (self->method [self->bad])));
    if (self->lin == CHECK_UNKNOWN && self->spectrum.asked == CONSISTENCY_LINEARIZABLE)
        json_object_set_new (obj, "reason", json_string (why.r->why_unknown?
                             why.r->why_unknown: "stopped"));
    if (model_part_key (why.part))
        json_object_set (obj, "key", model_part_key (why.part));
    if (why.failing >= 0) {
        json_t *failing = json_array ();
        json_array_append_new (failing, s_op_json (self, (size_t) why.failing));
        json_object_set_new (obj, "failing", failing);
        json_t *conc = json_array ();
        for (size_t i = 0; i < why.nconcurrent; i++)
            json_array_append_new (conc, s_op_json (self, why.concurrent [i]));
        json_object_set_new (obj, "concurrent", conc);
        json_object_set_new (obj, "concurrent_more", json_integer ((json_int_t) why.more_concurrent));
    }
    if (why.r->prefix) {
        json_t *last = json_array ();
        model_op_t *ops = model_part_ops (why.part);
        size_t n = why.r->nprefix;
        size_t from = n > FL_CHECK_EXPLAIN_OPS_MAX? n - FL_CHECK_EXPLAIN_OPS_MAX: 0;
        for (size_t i = from; i < n; i++)
            json_array_append_new (last, s_op_json (self, ops [why.r->prefix [i]].hist));
        json_object_set_new (obj, "prefix", json_pack ("{s:I, s:o, s:o}",
            "length", (json_int_t) n, "last", last,
            "state", model_state_json (why.part, why.r->prefix_state)));
    }
    else
    if (self->prefix_skipped)
        json_object_set_new (obj, "prefix_note", json_string (s_prefix_note (self)));
    return obj;
}

void
check_result_explain (const check_result_t *self, FILE *out)
{
    assert (self && out);
    if (self->elle) {
        if (self->verdict != CHECK_VALID)
            elle_result_explain (self->elle, out);
        return;
    }
    if (self->spectrum.ran [self->spectrum.asked])
        spectrum_explain (&self->spectrum, out);
    s_why_t why;
    if (!self->ran_lin || self->lin == CHECK_VALID || !s_why (self, &why))
        return;
    if (self->spectrum.all)
        fprintf (out, "  not linearizable:\n");
    if (self->lin == CHECK_INVALID && self->method [self->bad] == S_METHOD_UNWRITTEN
    &&  self->unwritten >= 0) {
        //  The value it saw (a read's, a cas's from): a register's state is
        //  its value
        model_part_t *part = self->parts [self->bad];
        const model_op_t *op = &model_part_ops (part) [self->results [self->bad].blocked];
        bool needs, sets;
        uint64_t need = 0, set;
        model_register_effect (op, &needs, &need, &sets, &set);
        json_t *value = model_state_json (part, need);
        char *text = value? json_dumps (value, JSON_ENCODE_ANY | JSON_COMPACT): NULL;
        fprintf (out, "  by unwritten-read: no op could have written %s, seen by\n    ",
                 text? text: "the value");
        free (text);
        json_decref (value);
        s_op_text (self, (size_t) self->unwritten, out);
    }
    model_op_t *ops = model_part_ops (why.part);
    char *key = model_part_key (why.part)?
        json_dumps (model_part_key (why.part), JSON_COMPACT | JSON_ENCODE_ANY): NULL;
    if (self->lin == CHECK_UNKNOWN)
        fprintf (out, "  unknown: the search %s after %llu steps, %zu cached configurations\n",
                 why.r->why_unknown? (strcmp (why.r->why_unknown, "timeout") == 0?
                 "ran out of time": "ran out of memory"): "was stopped",
                 (unsigned long long) self->steps, self->cache_entries);
    if (why.r->prefix) {
        fprintf (out, "  %s%s%slongest linearizable prefix: %zu of %zu ops; state there: ",
                 key? "key ": "", key? key: "", key? ": ": "", why.r->nprefix,
                 model_part_size (why.part));
        json_t *state = model_state_json (why.part, why.r->prefix_state);
        char *text = json_dumps (state, JSON_COMPACT | JSON_ENCODE_ANY);
        fprintf (out, "%s\n", text? text: "?");
        free (text);
        json_decref (state);
    }
    else
    if (self->prefix_skipped)
        fprintf (out, "  %s%s%slinearizable prefix: %s\n",
                 key? "key ": "", key? key: "", key? ": ": "", s_prefix_note (self));
    free (key);
    if (why.failing >= 0) {
        fprintf (out, "  could not linearize:\n    ");
        s_op_text (self, (size_t) why.failing, out);
        fprintf (out, "  concurrent with it%s:%s\n", self->prefix_skipped? "": ", not linearized",
                 why.nconcurrent? "": " none");
        for (size_t i = 0; i < why.nconcurrent; i++) {
            fprintf (out, "    ");
            s_op_text (self, why.concurrent [i], out);
        }
        if (why.more_concurrent)
            fprintf (out, "    ... and %zu more\n", why.more_concurrent);
    }
    size_t n = why.r->nprefix;
    size_t from = n > 5? n - 5: 0;
    if (n)
        fprintf (out, "  last ops of the prefix:\n");
    for (size_t i = from; i < n; i++) {
        fprintf (out, "    ");
        s_op_text (self, ops [why.r->prefix [i]].hist, out);
    }
}

//  What the page marks: for kv only the explained key's ops are drawn; the
//  prefix ops say their place in it and the model state after them.
static void
s_marks (const check_result_t *self, s_why_t *why, uint8_t *marks, char **notes)
{
    model_op_t *ops = model_part_ops (why->part);
    size_t n = ophistory_size (self->history);
    if (model_part_key (why->part)) {
        memset (marks, LINPAGE_HIDDEN, n);
        for (size_t i = 0; i < model_part_size (why->part); i++)
            marks [ops [i].hist] = LINPAGE_PLAIN;
    }
    uint64_t state = model_part_init (why->part);
    for (size_t i = 0; why->r->prefix && i < why->r->nprefix; i++) {
        const model_op_t *op = &ops [why->r->prefix [i]];
        marks [op->hist] = LINPAGE_PREFIX;
        if (!model_step (why->part, state, op, &state))
            continue;       // cannot be: the search took this step
        json_t *json = model_state_json (why->part, state);
        char *text = json_dumps (json, JSON_COMPACT | JSON_ENCODE_ANY);
        if (asprintf (&notes [op->hist], "linearized #%zu, state after: %s", i + 1,
                      text? text: "?") < 0)
            notes [op->hist] = NULL;
        free (text);
        json_decref (json);
    }
    for (size_t i = 0; i < why->nconcurrent; i++)
        marks [why->concurrent [i]] = LINPAGE_CONCURRENT;
    if (why->failing >= 0)
        marks [why->failing] = LINPAGE_FAILING;
}

//  No linearizability failure to draw: mark the ops of the asked model's
//  violation (or, with the spectrum, of the strongest model that failed).
static void
s_violation_marks (const check_result_t *self, uint8_t *marks)
{
    json_t *violation = NULL;
    for (int m = 0; !violation && m < CONSISTENCY_COUNT; m++)
        violation = self->spectrum.results [m].violation;
    if (self->spectrum.results [self->spectrum.asked].violation)
        violation = self->spectrum.results [self->spectrum.asked].violation;
    size_t i, n = ophistory_size (self->history);
    json_t *op;
    json_array_foreach (json_object_get (violation, "ops"), i, op) {
        json_int_t at = json_integer_value (json_object_get (op, "op"));
        if (at >= 0 && (size_t) at < n)
            marks [at] = LINPAGE_FAILING;
    }
}

int
check_result_report_html (const check_result_t *self, const char *path)
{
    assert (self && path);
    char *file = NULL;
    size_t len = strlen (path);
    if (len > 5 && strcmp (path + len - 5, ".html") == 0)
        file = strdup (path);
    else {
        if (mkdir (path, 0777) && errno != EEXIST)
            return -1;
        if (asprintf (&file, "%s/index.html", path) < 0)
            return -1;
    }
    if (self->elle) {
        int rc = elle_result_page (self->elle, file, self->file);
        int saved = errno;
        free (file);
        errno = saved;
        return rc;
    }
    size_t n = ophistory_size (self->history);
    uint8_t *marks = calloc (n + 1, 1);
    char **notes = calloc (n + 1, sizeof (char *));
    assert (marks && notes);
    s_why_t why;
    if (self->ran_lin && self->lin != CHECK_VALID && s_why (self, &why))
        s_marks (self, &why, marks, notes);
    else
        s_violation_marks (self, marks);
    char *explain = NULL;
    size_t explain_len = 0;
    FILE *mem = open_memstream (&explain, &explain_len);
    if (mem) {
        check_result_explain (self, mem);
        fclose (mem);
    }
    char verdict [200];
    const char *asked = consistency_name (self->spectrum.asked);
    snprintf (verdict, sizeof (verdict), "%s%s%s — %s, %zu ops, %.1f ms",
              self->verdict == CHECK_INVALID? "NOT ": "", asked,
              self->verdict == CHECK_UNKNOWN? ": unknown": "",
              model_name (self->model), n, self->time_ms);
    int rc = linpage_write (file, self->file, verdict, self->history, marks, notes, explain);
    int saved = errno;
    for (size_t i = 0; i < n; i++)
        free (notes [i]);
    free (notes);
    free (explain);
    free (marks);
    free (file);
    errno = saved;
    return rc;
}

void
check_result_destroy (check_result_t **self_p)
{
    assert (self_p);
    check_result_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; self->results && i < self->nparts; i++)
        wgl_result_release (&self->results [i]);
    spectrum_release (&self->spectrum);
    free (self->results);
    elle_result_destroy (&self->elle);
    free (self->method);
    model_parts_destroy (&self->parts, self->nparts);
    ophistory_destroy (&self->history);
    free (self->file);
    free (self);
    *self_p = NULL;
}
