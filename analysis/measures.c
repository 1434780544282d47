/*  measures.c -- the run's measures, from history.jsonl and faults.jsonl.

    The history is read once into paired ops (opslog.c), the faults into
    periods (period.c); every measure is then a pass over the ops. An op
    belongs to "during faults" when its invoke time falls inside any fault
    period, else to "outside faults": the invoke is when the client asked,
    which is what a user of the system experiences. Latencies are of ok ops
    only (a timeout's latency is the client's timeout, not the system's).
    Percentiles are nearest-rank on the sorted latencies, so every figure
    reported is a latency some op really had.

    Pending ops (invoked, never completed, e.g. the history of a crashed
    run) are counted as info: their outcome is unknown.
*/
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include "limits.h"
#include "measures.h"
#include "stale.h"

#define S_NS_PER_MS 1000000.0

//  Times in ms with microsecond precision, as a JSON real.
static json_t *
s_ms (int64_t ns)
{
    return json_real (round (ns / 1000.0) / 1000.0);
}

static json_t *
s_share (size_t part, size_t whole)
{
    if (whole == 0)
        return json_null ();
    return json_real (round (10000.0 * part / whole) / 10000.0);
}

bool
measures_answered (const opslog_op_t *op)
{
    assert (op);
    if (op->type == OPSLOG_OK)
        return true;
    return op->type == OPSLOG_FAIL
        && (op->error == 20 || op->error == 21 || op->error == 22);
}

static const char *
s_type_name (uint8_t type)
{
    return type == OPSLOG_OK ? "ok" : type == OPSLOG_FAIL ? "fail" : "info";
}

static void
s_count (json_t *object, const char *name)
{
    json_t *count = json_object_get (object, name);
    json_object_set_new (object, name, json_integer (json_integer_value (count) + 1));
}

static json_t *
s_ops (const opslog_t *log)
{
    json_t *ops = json_pack ("{s:i, s:i, s:i, s:i, s:i, s:{}, s:{}}",
                             "total", 0, "ok", 0, "fail", 0, "info", 0, "pending", 0,
                             "by_f", "errors");
    json_t *by_f = json_object_get (ops, "by_f");
    json_t *errors = json_object_get (ops, "errors");
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        const char *type = s_type_name (op->type);
        const char *f = opslog_atom (log, op->f_atom);
        s_count (ops, "total");
        s_count (ops, type);
        if (op->type == OPSLOG_PENDING)
            s_count (ops, "pending");
        json_t *per_f = json_object_get (by_f, f);
        if (!per_f) {
            per_f = json_pack ("{s:i, s:i, s:i}", "ok", 0, "fail", 0, "info", 0);
            json_object_set_new (by_f, f, per_f);
        }
        s_count (per_f, type);
        if (op->error >= 0) {
            char code [16];
            snprintf (code, sizeof code, "%d", (int) op->error);
            //  Past the limit, codes not yet seen are counted together.
            if (!json_object_get (errors, code)
            &&  json_object_size (errors) >= FL_MEASURES_ERROR_CODES_MAX)
                snprintf (code, sizeof code, "other");
            s_count (errors, code);
        }
    }
    return ops;
}

static json_t *
s_availability (const opslog_t *log, const period_log_t *faults)
{
    size_t answered [2] = { 0, 0 }, total [2] = { 0, 0 };
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        int during = period_log_covers (faults, op->invoke_ns);
        total [during]++;
        answered [during] += measures_answered (op);
    }
    return json_pack ("{s:o, s:o, s:o}",
                      "overall", s_share (answered [0] + answered [1], total [0] + total [1]),
                      "during_faults", s_share (answered [1], total [1]),
                      "outside_faults", s_share (answered [0], total [0]));
}

static int
s_int64_compare (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

//  Nearest rank: the smallest value with at least P% of values at or below.
static int64_t
s_percentile (const int64_t *sorted, size_t size, double p)
{
    assert (size > 0);
    size_t rank = (size_t) ceil (p / 100.0 * size);
    return sorted [rank ? rank - 1 : 0];
}

static json_t *
s_percentiles (int64_t *latencies, size_t size, bool with_max)
{
    if (size == 0)
        return with_max
            ? json_pack ("{s:n, s:n, s:n, s:n}", "p50", "p95", "p99", "max")
            : json_pack ("{s:n, s:n, s:n}", "p50", "p95", "p99");
    qsort (latencies, size, sizeof *latencies, s_int64_compare);
    json_t *object = json_pack ("{s:o, s:o, s:o}",
                                "p50", s_ms (s_percentile (latencies, size, 50)),
                                "p95", s_ms (s_percentile (latencies, size, 95)),
                                "p99", s_ms (s_percentile (latencies, size, 99)));
    if (with_max)
        json_object_set_new (object, "max", s_ms (latencies [size - 1]));
    return object;
}

static json_t *
s_latency (const opslog_t *log, const period_log_t *faults)
{
    size_t size = opslog_size (log);
    int64_t *all = malloc ((size + 1) * sizeof *all);
    int64_t *in = malloc ((size + 1) * sizeof *in);
    int64_t *out = malloc ((size + 1) * sizeof *out);
    json_t *latency = NULL;
    if (all && in && out) {
        size_t all_size = 0, in_size = 0, out_size = 0;
        for (size_t i = 0; i < size; i++) {
            const opslog_op_t *op = opslog_op (log, i);
            if (op->type != OPSLOG_OK)
                continue;
            int64_t ns = op->return_ns - op->invoke_ns;
            all [all_size++] = ns;
            if (period_log_covers (faults, op->invoke_ns))
                in [in_size++] = ns;
            else
                out [out_size++] = ns;
        }
        latency = s_percentiles (all, all_size, true);
        json_object_set_new (latency, "during_faults", s_percentiles (in, in_size, false));
        json_object_set_new (latency, "outside_faults", s_percentiles (out, out_size, false));
    }
    free (all);
    free (in);
    free (out);
    return latency;
}

static json_t *
s_stale (const opslog_t *log)
{
    size_t reads = 0;
    long stale = stale_count (log, &reads);
    if (stale < 0)
        return NULL;
    return json_pack ("{s:I, s:I, s:o}", "count", (json_int_t) stale,
                      "reads", (json_int_t) reads, "share", s_share ((size_t) stale, reads));
}

static json_t *
s_fault_periods (const period_log_t *faults)
{
    json_t *periods = json_array ();
    for (size_t i = 0; i < period_log_size (faults); i++) {
        const period_t *period = period_log_get (faults, i);
        json_array_append_new (periods, json_pack ("{s:s, s:s, s:s, s:o, s:o}",
            "fault", period->fault, "target", period->target, "detail", period->detail,
            "start_ms", s_ms (period->start_ns), "end_ms", s_ms (period->end_ns)));
    }
    return periods;
}

//  The smallest round bucket that keeps the timeline within its limit.
static int64_t
s_bucket_ms (int64_t end_ns)
{
    static const int64_t ladder [] = { 100, 200, 250, 500, 1000, 2000, 5000,
                                       10000, 15000, 30000, 60000 };
    int64_t end_ms = end_ns / 1000000 + 1;
    for (size_t i = 0; i < sizeof ladder / sizeof ladder [0]; i++)
        if (end_ms / ladder [i] < FL_TIMELINE_BUCKETS_MAX)
            return ladder [i];
    return end_ms / (FL_TIMELINE_BUCKETS_MAX - 1) + 1;
}

typedef struct {
    size_t ok, fail, info, answered;
    size_t first, size;         // this bucket's ok latencies in the sorted array
} s_bucket_t;

typedef struct {
    int64_t bucket, ns;
} s_sample_t;

static int
s_sample_compare (const void *a, const void *b)
{
    const s_sample_t *x = a, *y = b;
    if (x->bucket != y->bucket)
        return x->bucket < y->bucket ? -1 : 1;
    return (x->ns > y->ns) - (x->ns < y->ns);
}

static json_t *
s_bucket_json (const s_bucket_t *bucket, int64_t t_ms, const s_sample_t *samples)
{
    json_t *object = json_pack ("{s:I, s:I, s:I, s:I, s:I, s:o}", "t_ms", (json_int_t) t_ms,
        "ok", (json_int_t) bucket->ok, "fail", (json_int_t) bucket->fail,
        "info", (json_int_t) bucket->info, "answered", (json_int_t) bucket->answered,
        "availability",
        s_share (bucket->answered, bucket->ok + bucket->fail + bucket->info));
    if (bucket->size == 0) {
        json_object_set_new (object, "p50_ms", json_null ());
        json_object_set_new (object, "p99_ms", json_null ());
        return object;
    }
    int64_t values [2];
    double ranks [2] = { 50, 99 };
    for (int i = 0; i < 2; i++) {
        size_t rank = (size_t) ceil (ranks [i] / 100.0 * bucket->size);
        values [i] = samples [bucket->first + (rank ? rank - 1 : 0)].ns;
    }
    json_object_set_new (object, "p50_ms", s_ms (values [0]));
    json_object_set_new (object, "p99_ms", s_ms (values [1]));
    return object;
}

static json_t *
s_timeline (const opslog_t *log)
{
    int64_t bucket_ms = s_bucket_ms (opslog_end_ns (log));
    size_t count = (size_t) (opslog_end_ns (log) / (bucket_ms * 1000000)) + 1;
    s_bucket_t *buckets = calloc (count, sizeof *buckets);
    s_sample_t *samples = malloc ((opslog_size (log) + 1) * sizeof *samples);
    if (!buckets || !samples) {
        free (buckets);
        free (samples);
        return NULL;
    }
    size_t samples_size = 0;
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        size_t at = (size_t) (op->invoke_ns / (bucket_ms * 1000000));
        assert (at < count);
        buckets [at].ok += op->type == OPSLOG_OK;
        buckets [at].fail += op->type == OPSLOG_FAIL;
        buckets [at].info += op->type == OPSLOG_INFO || op->type == OPSLOG_PENDING;
        buckets [at].answered += measures_answered (op);
        if (op->type == OPSLOG_OK)
            samples [samples_size++] = (s_sample_t) { (int64_t) at,
                                                      op->return_ns - op->invoke_ns };
    }
    qsort (samples, samples_size, sizeof *samples, s_sample_compare);
    for (size_t i = 0; i < samples_size; i++) {
        s_bucket_t *bucket = &buckets [samples [i].bucket];
        if (bucket->size++ == 0)
            bucket->first = i;
    }
    json_t *list = json_array ();
    for (size_t i = 0; i < count; i++)
        json_array_append_new (list, s_bucket_json (&buckets [i],
                                                     (int64_t) i * bucket_ms, samples));
    free (buckets);
    free (samples);
    return json_pack ("{s:I, s:o, s:o}", "bucket_ms", (json_int_t) bucket_ms,
                      "end_ms", s_ms (opslog_end_ns (log)), "buckets", list);
}

json_t *
measures_of (const opslog_t *log, const period_log_t *faults)
{
    assert (log);
    assert (faults);
    json_t *parts [7] = {
        s_ops (log), s_availability (log, faults), s_latency (log, faults),
        s_stale (log), s_fault_periods (faults), s_timeline (log), NULL
    };
    const char *names [6] = { "ops", "availability", "latency_ms", "stale_reads",
                              "fault_periods", "timeline" };
    json_t *measures = json_object ();
    bool complete = measures != NULL;
    for (int i = 0; i < 6; i++) {
        complete &= parts [i] != NULL;
        if (measures && parts [i])
            json_object_set_new (measures, names [i], parts [i]);
        else
            json_decref (parts [i]);
    }
    if (!complete)
        json_decref (measures);
    return complete ? measures : NULL;
}

json_t *
measures_compute (const char *run_dir, char **error)
{
    assert (run_dir);
    char *history_path = zsys_sprintf ("%s/history.jsonl", run_dir);
    char *faults_path = zsys_sprintf ("%s/faults.jsonl", run_dir);
    json_t *measures = NULL;
    opslog_t *log = opslog_load (history_path, error);
    period_log_t *faults = log
        ? period_log_load (faults_path, opslog_end_ns (log), error) : NULL;
    if (faults) {
        measures = measures_of (log, faults);
        if (!measures && error)
            *error = strdup ("measures: out of memory");
    }
    period_log_destroy (&faults);
    opslog_destroy (&log);
    zstr_free (&history_path);
    zstr_free (&faults_path);
    return measures;
}
