/*  cmd_check.c -- `./harness check`: check histories for linearizability.

    Many histories in one process, one line each (or one JSON object each
    with --json), an explanation under each that is not valid, and an
    optional HTML page per history (--report DIR). --manifest FILE.tsv runs a
    verdict suite: each row names a history (relative to the manifest), its
    format, model, initial value and expected verdict; the command says for
    each whether the verdict matched and exits 0 only if all did. Histories
    and a manifest together are a usage error, and a manifest with no rows
    is bad data: neither would check what was asked.

    --consistency MODEL says which model the verdict is for (linearizable
    by default); --spectrum checks every model as well and says the
    strongest held. The exit status follows the asked model's verdict, with
    --spectrum too (docs/checker.md).

    Exit status (DESIGN.md section 8): 64 usage; 70 if a --report page
    could not be written; else 65 if any history was bad data; else 1 if any verdict was invalid (a mismatch, with --manifest);
    else 2 if any was unknown; else 0.
*/
#include <assert.h>
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <errno.h>
#include <jansson.h>
#include "checker/check.h"
#include "commands.h"
#include "options.h"
#include "number.h"
#include "limits.h"

typedef struct {
    check_opts_t opts;
    bool json;
    bool stats;
    bool to_edn;            // write the histories as EDN instead of checking
    const char *report;     // directory, or NULL
    const char *manifest;
    int bad_data, differ, unknown, matched;
    int unwritten;          // --report pages that could not be written
    json_t *pages;          // --report: page names used so far in this run
} s_run_t;

static const char *s_verdicts [] = { "valid", "invalid", "unknown" };

const char cmd_check_usage [] =
    "check (HISTORY... | --manifest FILE.tsv) [--model M] [--init V]"
    " [--format jsonl|edn|jepsen-log] [--json] [--timeout SEC] [--memory MB] [--threads N]"
    " [--report DIR] [--stats] [--to-edn] [--consistency MODEL|LEVEL] [--spectrum]"
    " [--method auto|search]";

static void
s_usage (FILE *out)
{
    fprintf (out, "usage: harness %s\n", cmd_check_usage);
    fprintf (out,
        "  -m, --model M      register, cas-register, kv, multi-register, mutex,\n"
        "                     set, counter, queue (default: kv if ops have keys,\n"
        "                     else cas-register); txns: list-append, rw-register\n"
        "                     (default for txn ops: list-append if one appends,\n"
        "                     rw-register if one writes w)\n"
        "  -i, --init V       initial value, EDN or JSON (default nil)\n"
        "  -f, --format F     jsonl, edn or jepsen-log (default: guess)\n"
        "  -j, --json         one JSON object per history\n"
        "  -t, --timeout SEC  search budget per history (unknown when exceeded;\n"
        "                     default %d, 0 the default (not unlimited), at most\n"
        "                     %.0f: a year)\n"
        "      --memory MB    cache budget per history (default %d,\n"
        "                     0 the default (not unlimited), at most %d)\n"
        "      --threads N    kv partitions checked in parallel (default and 0: the\n"
        "                     cores, at most %d)\n"
        "  -r, --report DIR   write an HTML page per history into DIR\n"
        "      --manifest F   verdict suite: TSV with file format model init expected\n"
        "      --stats        print peak memory to stderr at the end\n"
        "      --to-edn       write each history as Jepsen EDN on stdout, no check\n"
        "  -c, --consistency MODEL  the model the verdict (and exit status) is for:\n"
        "                     linearizable (default), sequential, causal,\n"
        "                     read-your-writes, monotonic-reads, monotonic-writes,\n"
        "                     writes-follow-reads (register, cas-register, kv);\n"
        "                     for the txn models the isolation level: read-uncommitted,\n"
        "                     read-committed, repeatable-read, snapshot-isolation,\n"
        "                     serializable, each also as strong-session-L and strong-L;\n"
        "                     strict-serializable (the default)\n"
        "      --spectrum     check every model above and print the strongest held\n"

        "      --method M     auto (default: a register key with an ok read of a\n"
        "                     value nobody wrote, or an ok cas from one, is invalid\n"
        "                     at once; unique-value keys are decided without a\n"
        "                     search) or search (every key searched)\n",
        FL_CHECK_TIMEOUT_S_DEFAULT, FL_CHECK_TIMEOUT_S_MAX, FL_CHECK_MEMORY_MB_DEFAULT,
        FL_CHECK_MEMORY_MB_MAX, FL_CHECK_THREADS_MAX);
}

//  DIR/index.html for one history, DIR/PATH.html for several. Returns 0,
//  or -1 after saying which directory could not be written and why.
static int
s_report (s_run_t *run, const check_result_t *result, const char *file, bool many)
{
    char *target = NULL;
    if (many) {
        if (mkdir (run->report, 0777) && errno != EEXIST) {
            fprintf (stderr, "harness check: cannot write the report for '%s': cannot create"
                     " directory '%s': %s\n", file, run->report, strerror (errno));
            return -1;
        }
        //  The path made flat ("store/a/history.jsonl" -> "store_a_history.jsonl"),
        //  so that histories with one base name do not overwrite each other
        char *flat = strdup (file);
        for (char *c = flat; *c; c++)
            if (*c == '/')
                *c = '_';
        const char *name = flat;
        while (*name == '.' || *name == '_')
            name++;
        //  "../x.edn" and "x.edn" both flatten to x.edn: number the later ones
        char *unique = strdup (name);
        for (int k = 2; unique && json_object_get (run->pages, unique); k++) {
            free (unique);
            if (asprintf (&unique, "%s-%d", name, k) < 0)
                unique = NULL;
        }
        if (unique)
            json_object_set_new (run->pages, unique, json_true ());
        if (!unique || asprintf (&target, "%s/%s.html", run->report, unique) < 0)
            target = NULL;
        free (unique);
        free (flat);
    }
    int rc = check_result_report_html (result, target? target: run->report);
    if (rc)
        fprintf (stderr, "harness check: cannot write the report for '%s' into directory"
                 " '%s': %s\n", file, run->report, strerror (errno));
    free (target);
    return rc;
}

//  check_file, but a directory is named as what it is rather than read
//  as a history with no events in it.
static check_result_t *
s_check_file (const char *path, const check_opts_t *opts, char **error)
{
    struct stat info;
    if (stat (path, &info) == 0 && S_ISDIR (info.st_mode)) {
        if (asprintf (error, "'%s' is a directory, not a history", path) < 0)
            *error = NULL;
        return NULL;
    }
    return check_file (path, opts, error);
}

//  Check one history and print its line. Returns the verdict, or -1 on bad data.
static int
s_check_one (s_run_t *run, const char *path, const char *label, const check_opts_t *opts,
             bool many, double *time_ms)
{
    char *error = NULL;
    check_result_t *result = s_check_file (path, opts, &error);
    if (!result) {
        fprintf (stderr, "harness check: %s\n", error? error: path);
        if (run->json && !run->manifest) {      // one object per history, always
            json_t *obj = json_pack ("{s:s, s:s}", "file", label, "error", error? error: path);
            char *text = obj? json_dumps (obj, JSON_COMPACT): NULL;
            printf ("%s\n", text? text: "{}");
            free (text);
            json_decref (obj);
        }
        free (error);
        run->bad_data++;
        return -1;
    }
    json_t *obj = check_result_json (result);
    *time_ms = json_real_value (json_object_get (obj, "time_ms"));
    check_verdict_t verdict = check_result_verdict (result);
    if (run->json && !run->manifest) {
        char *text = json_dumps (obj, JSON_COMPACT);
        printf ("%s\n", text? text: "{}");
        free (text);
    }
    else
    if (!run->manifest) {
        const char *asked = json_string_value (json_object_get (obj, "consistency"));
        bool lin = !asked || strcmp (asked, "linearizable") == 0;
        printf ("%s: %s (%s%s%s, %lld ops, %.1f ms)\n", label, s_verdicts [verdict],
                lin? "": asked, lin? "": ", ", json_string_value (json_object_get (obj, "model")),
                (long long) json_integer_value (json_object_get (obj, "ops")), *time_ms);
        check_result_explain (result, stdout);
    }
    if (run->report && s_report (run, result, label, many))
        run->unwritten++;
    json_decref (obj);
    check_result_destroy (&result);
    return (int) verdict;
}

static char *
s_field (char **fields, int n, int col)
{
    return col >= 0 && col < n? fields [col]: NULL;
}

static int
s_split (char *line, char **fields, int max)
{
    int n = 0;
    line [strcspn (line, "\r\n")] = 0;
    char *p = line;
    while (n < max) {
        fields [n++] = p;
        char *tab = strchr (p, '\t');
        if (!tab)
            break;
        *tab = 0;
        p = tab + 1;
    }
    return n;
}

static int
s_manifest_row (s_run_t *run, const char *dir, char **fields, int n, const int *col, int line)
{
    const char *file = s_field (fields, n, col [0]);
    const char *expected = s_field (fields, n, col [4]);
    if (!file || !*file || !expected) {
        fprintf (stderr, "harness check: %s:%d: row needs file and expected\n", run->manifest, line);
        run->bad_data++;
        return 0;
    }
    if (strcmp (expected, "valid") && strcmp (expected, "invalid") && strcmp (expected, "unknown")) {
        fprintf (stderr, "harness check: %s:%d: expected must be valid, invalid or unknown, not '%s'\n",
                 run->manifest, line, expected);
        printf ("ERROR     %s (bad expected verdict '%s')\n", file, expected);
        run->bad_data++;
        return 0;
    }
    check_opts_t opts = run->opts;
    const char *format = s_field (fields, n, col [1]);
    const char *model = s_field (fields, n, col [2]);
    const char *init = s_field (fields, n, col [3]);
    opts.format = format && *format? format: run->opts.format;
    opts.model = model && *model? model: run->opts.model;
    opts.init = init && *init? init: run->opts.init;
    //  --spectrum and --consistency are for register and kv histories: a
    //  row of another model is checked for linearizability, as usual.
    if (opts.model && strcmp (opts.model, "register") && strcmp (opts.model, "cas-register")
    &&  strcmp (opts.model, "kv") && !check_model_is_txn (opts.model)) {
        opts.spectrum = false;
        opts.consistency = NULL;
    }
    char *path = NULL;
    if (asprintf (&path, "%s/%s", dir, file) < 0)
        return -1;
    double ms = 0;
    int verdict = s_check_one (run, path, file, &opts, true, &ms);
    free (path);
    if (verdict < 0)
        printf ("ERROR     %s (bad data, see above)\n", file);
    else
    if (strcmp (s_verdicts [verdict], expected) == 0) {
        run->matched++;
        printf ("ok        %s %s (%.1f ms)\n", file, expected, ms);
    }
    else {
        if (verdict == CHECK_UNKNOWN)
            run->unknown++;
        else
            run->differ++;
        printf ("MISMATCH  %s expected %s, got %s (%.1f ms)\n", file, expected,
                s_verdicts [verdict], ms);
    }
    return 0;
}

static int
s_manifest (s_run_t *run)
{
    FILE *in = fopen (run->manifest, "r");
    if (!in) {
        fprintf (stderr, "harness check: cannot open '%s': %s\n", run->manifest, strerror (errno));
        return FL_EXIT_DATAERR;
    }
    char *copy = strdup (run->manifest);
    char *dir = strdup (dirname (copy));
    free (copy);
    static const char *names [5] = { "file", "format", "model", "init", "expected" };
    int col [5] = { -1, -1, -1, -1, -1 };
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rows = 0;
    char *fields [16];
    while (getline (&line, &cap, in) > 0) {
        lineno++;
        int n = s_split (line, fields, 16);
        if (lineno == 1) {
            for (int i = 0; i < n; i++)
                for (int k = 0; k < 5; k++)
                    if (strcmp (fields [i], names [k]) == 0)
                        col [k] = i;
            if (col [0] < 0 || col [4] < 0) {
                fprintf (stderr, "harness check: %s:1: header needs 'file' and 'expected' columns\n",
                         run->manifest);
                run->bad_data++;
                break;
            }
            continue;
        }
        if (n == 1 && !*fields [0])
            continue;
        rows++;
        s_manifest_row (run, dir, fields, n, col, lineno);
    }
    int read_errno = ferror (in)? errno: 0;
    free (line);
    free (dir);
    fclose (in);
    if (read_errno) {
        fprintf (stderr, "harness check: cannot read '%s': %s\n", run->manifest,
                 strerror (read_errno));
        return FL_EXIT_DATAERR;
    }
    //  A manifest that checks nothing (an empty file, /dev/null, a header
    //  alone) would pass with "0 histories": it is a mistake, said as one
    if (lineno == 0 || (rows == 0 && !run->bad_data)) {
        fprintf (stderr, "harness check: %s: %s: a manifest needs a row per history\n",
                 run->manifest, lineno == 0? "empty, not even a header"
                 : "a header and no rows");
        return FL_EXIT_DATAERR;
    }
    printf ("manifest: %d histories, %d as expected, %d differ, %d unknown, %d bad\n",
            rows, run->matched, run->differ, run->unknown, run->bad_data);
    return run->bad_data? FL_EXIT_DATAERR: run->differ? FL_EXIT_DIFFERS
         : run->unknown? FL_EXIT_UNKNOWN: FL_EXIT_OK;
}

static int
s_to_edn (s_run_t *run, int argc, char **argv)
{
    for (int i = optind; i < argc; i++) {
        char *error = NULL;
        struct stat info;
        if (stat (argv [i], &info) == 0 && S_ISDIR (info.st_mode)
        &&  asprintf (&error, "'%s' is a directory, not a history", argv [i]) >= 0) {
            fprintf (stderr, "harness check: %s\n", error);
            free (error);
            run->bad_data++;
        }
        else
        if (check_file_to_edn (argv [i], &run->opts, stdout, &error)) {
            fprintf (stderr, "harness check: %s\n", error? error: argv [i]);
            free (error);
            run->bad_data++;
        }
    }
    return run->bad_data? FL_EXIT_DATAERR: FL_EXIT_OK;
}

static void
s_stats (void)
{
    struct rusage usage;
    if (getrusage (RUSAGE_SELF, &usage) == 0)
        fprintf (stderr, "stats peak_rss_mb %.1f\n", (double) usage.ru_maxrss / 1024.0);
}

//  OPTARG as a finite number in [LOW, HIGH] (whole when WHOLE), into *out.
//  Prints what was wrong and returns -1 otherwise.
static int
s_number (const char *name, const char *optarg, double low, double high, bool whole,
          double *out)
{
    double value;
    if (number_parse (optarg, low, high, &value) || (whole && value != floor (value))) {
        fprintf (stderr, "harness check: --%s '%s' is not %s in %.15g..%.15g\n", name, optarg,
                 whole? "a whole number": "a number", low, high);
        return -1;
    }
    *out = value;
    return 0;
}

//  The budget options, each in range or refused (a usage error); 0 is
//  the default, as check_opts_t has it.
static int
s_budget_option (s_run_t *run, int c, const char *optarg)
{
    double value;
    if (c == 't' && s_number ("timeout", optarg, 0, FL_CHECK_TIMEOUT_S_MAX, false, &value) == 0)
        run->opts.timeout_s = value;
    else
    if (c == 'B' && s_number ("memory", optarg, 0, FL_CHECK_MEMORY_MB_MAX, true, &value) == 0)
        run->opts.memory_mb = (size_t) value;
    else
    if (c == 'T' && s_number ("threads", optarg, 0, FL_CHECK_THREADS_MAX, true, &value) == 0)
        run->opts.threads = (int) value;
    else
        return -1;
    return 0;
}

//  Options into run. Returns -1 to go on, or the exit status to stop with.
static int
s_parse (s_run_t *run, int argc, char **argv)
{
    static struct option longs [] = {
        { "model", required_argument, 0, 'm' }, { "init", required_argument, 0, 'i' },
        { "format", required_argument, 0, 'f' }, { "json", no_argument, 0, 'j' },
        { "timeout", required_argument, 0, 't' }, { "report", required_argument, 0, 'r' },
        { "manifest", required_argument, 0, 'M' }, { "memory", required_argument, 0, 'B' },
        { "threads", required_argument, 0, 'T' }, { "stats", no_argument, 0, 'S' },
        { "to-edn", no_argument, 0, 'E' }, { "method", required_argument, 0, 'U' },
        { "consistency", required_argument, 0, 'c' }, { "spectrum", no_argument, 0, 'P' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
    };
    int c;
    optind = 1;
    bool seen [256] = { false };
    while ((c = getopt_long (argc, argv, "m:i:f:jt:r:c:h", longs, NULL)) != -1) {
        char *end = NULL;
        char problem [160];
        if (c != '?' && c != ':' && options_once (seen, longs, c, problem, sizeof problem)) {
            fprintf (stderr, "harness check: %s\n", problem);     //  a second --model won
            return FL_EXIT_USAGE;
        }
        switch (c) {
            case 'm': run->opts.model = optarg; break;
            case 'i': run->opts.init = optarg; break;
            case 'f': run->opts.format = optarg; break;
            case 'j': run->json = true; break;
            case 'r':
                if (!*optarg) {
                    fprintf (stderr, "harness check: --report needs a directory"
                             " (an empty one names none)\n");
                    return FL_EXIT_USAGE;
                }
                run->report = optarg;
                break;
            case 'M': run->manifest = optarg; break;
            case 'S': run->stats = true; break;
            case 'E': run->to_edn = true; break;
            case 'c': run->opts.consistency = optarg; break;
            case 'P': run->opts.spectrum = true; break;
            case 'U':
                if (strcmp (optarg, "auto") && strcmp (optarg, "search")) {
                    fprintf (stderr, "harness check: --method is auto or search, not '%s'\n",
                             optarg);
                    return FL_EXIT_USAGE;
                }
                run->opts.method = optarg;
                break;
            case 't': case 'B': case 'T':
                if (s_budget_option (run, c, optarg))
                    return FL_EXIT_USAGE;
                break;
            case 'h': s_usage (stdout); return FL_EXIT_OK;
            default: s_usage (stderr); return FL_EXIT_USAGE;
        }
        if (end && (*end || end == optarg)) {
            fprintf (stderr, "harness check: bad number '%s'\n", optarg);
            return FL_EXIT_USAGE;
        }
    }
    static const char *models [] = { "register", "cas-register", "kv", "multi-register",
                                     "mutex", "set", "counter", "queue",
                                     "list-append", "rw-register", NULL };
    bool known = !run->opts.model;
    for (int i = 0; !known && models [i]; i++)
        known = strcmp (models [i], run->opts.model) == 0;
    if (!known) {
        fprintf (stderr, "harness check: unknown model '%s'\n", run->opts.model);
        return FL_EXIT_USAGE;
    }
    if (run->opts.consistency && check_model_is_txn (run->opts.model)
    &&  !check_txn_level_valid (run->opts.consistency)) {
        fprintf (stderr, "harness check: unknown consistency '%s' for %s (read-uncommitted,"
                 " read-committed, repeatable-read, snapshot-isolation, serializable,"
                 " strong-session-..., strong-..., strict-serializable)\n",
                 run->opts.consistency, run->opts.model);
        return FL_EXIT_USAGE;
    }
    //  Without --model the history says which it is for: a txn level is
    //  as good as a register model here, and checked once it is read
    if (run->opts.consistency && !check_model_is_txn (run->opts.model)
    &&  !check_consistency_valid (run->opts.consistency)
    &&  (run->opts.model || !check_txn_level_valid (run->opts.consistency))) {
        fprintf (stderr, "harness check: unknown consistency model '%s' (models: %s%s)\n",
                 run->opts.consistency, check_consistency_names (), run->opts.model? "":
                 "; for txn histories, levels: read-uncommitted, read-committed,"
                 " repeatable-read, snapshot-isolation, serializable, strong-session-...,"
                 " strong-..., strict-serializable");
        return FL_EXIT_USAGE;
    }
    const char *m = run->opts.model;
    bool registers = !m || !strcmp (m, "register") || !strcmp (m, "cas-register")
                  || !strcmp (m, "kv");
    bool other = run->opts.spectrum || (run->opts.consistency && !check_model_is_txn (m)
                                        && strcmp (run->opts.consistency, "linearizable"));
    if (other && !registers) {
        fprintf (stderr, "harness check: --%s is for register, cas-register and kv"
                 " histories, not model '%s'\n", run->opts.spectrum? "spectrum": "consistency",
                 m);
        return FL_EXIT_USAGE;
    }
    if (run->opts.init && !check_init_valid (run->opts.init)) {
        fprintf (stderr, "harness check: bad --init '%s' (EDN or JSON: nil, 0, \"\", {:x 0})\n",
                 run->opts.init);
        return FL_EXIT_USAGE;
    }
    char *problem = run->opts.init && m? check_init_problem (m, run->opts.init): NULL;
    if (problem) {
        fprintf (stderr, "harness check: %s\n", problem);
        free (problem);
        return FL_EXIT_USAGE;
    }
    const char *f = run->opts.format;
    if (f && strcmp (f, "jsonl") && strcmp (f, "edn") && strcmp (f, "jepsen-log")) {
        fprintf (stderr, "harness check: unknown format '%s'\n", f);
        return FL_EXIT_USAGE;
    }
    if (!run->manifest && optind >= argc) {
        s_usage (stderr);
        return FL_EXIT_USAGE;
    }
    //  The manifest names its own histories: one given beside it would go
    //  unchecked, and a verdict of 0 would say nothing of it
    if (run->manifest && optind < argc) {
        fprintf (stderr, "harness check: history '%s' and --manifest '%s' given: check the"
                 " histories or the manifest, not both\n", argv [optind], run->manifest);
        return FL_EXIT_USAGE;
    }
    return -1;
}

int
cmd_check (int argc, char **argv)
{
    s_run_t run = { .opts = { 0 } };
    int status = s_parse (&run, argc, argv);
    if (status >= 0)
        return status;
    run.pages = json_object ();
    if (run.to_edn && !run.manifest)
        status = s_to_edn (&run, argc, argv);
    else
    if (run.manifest)
        status = s_manifest (&run);
    else {
        int invalid = 0;
        for (int i = optind; i < argc; i++) {
            double ms;
            int verdict = s_check_one (&run, argv [i], argv [i], &run.opts, argc - optind > 1, &ms);
            invalid += verdict == CHECK_INVALID;
            run.unknown += verdict == CHECK_UNKNOWN;
        }
        status = run.bad_data? FL_EXIT_DATAERR: invalid? FL_EXIT_DIFFERS
               : run.unknown? FL_EXIT_UNKNOWN: FL_EXIT_OK;
    }
    //  A page asked for and not written is the harness failing, not the
    //  history: it outranks every verdict and bad data.
    if (run.unwritten)
        status = FL_EXIT_SOFTWARE;
    if (run.stats)
        s_stats ();
    json_decref (run.pages);
    return status;
}
