/*  cmd_list.c -- ./harness list: what there is to run.

    Scenarios come from scenarios/NAME.conf (the current directory's, else the
    harness's own), each with its description and expected verdicts, read
    through scenario_load so a broken file shows up here with its error.
    Systems are the bin/node-* programs that are built; workloads and models
    are what the harness and checker know.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <czmq.h>
#include "commands.h"
#include "workload/workload.h"
#include "scenario/scenario.h"
#include "scenario/zoo.h"
#include "home.h"

static void
s_list_scenarios (void)
{
    glob_t found;
    int rc = home_scenarios (&found);
    printf ("scenarios (./harness run NAME):\n");
    for (size_t i = 0; rc == 0 && i < found.gl_pathc; i++) {
        char *error = NULL;
        scenario_t *sc = scenario_load (found.gl_pathv [i], &error);
        if (!sc) {
            printf ("  %-20s (broken: %s)\n", found.gl_pathv [i], error? error: "?");
            free (error);
            continue;
        }
        char expects [256] = "";
        size_t used = 0;
        for (size_t s = 0; s < sc->systems_count && used < sizeof expects; s++) {
            int n = snprintf (expects + used, sizeof expects - used, "%s%s=%s", s? " ": "",
                              sc->systems [s].name, scenario_expect_name (sc->systems [s].expect));
            used += n > 0? (size_t) n: 0;
        }
        printf ("  %-20s %s\n  %-20s   expects: %s\n", sc->name, sc->description, "", expects);
        scenario_destroy (&sc);
    }
    if (rc == 0)
        globfree (&found);
    if (glob ("scenarios/*.zoo", 0, NULL, &found) == 0) {
        printf ("bug zoos (./harness run NAME, docs/bugs.md):\n");
        for (size_t i = 0; i < found.gl_pathc; i++) {
            char *error = NULL;
            zoo_t *zoo = zoo_load (found.gl_pathv [i], &error);
            const char *base = strrchr (found.gl_pathv [i], '/') + 1;
            if (zoo)
                printf ("  %-20.*s %s (%zu bugs)\n", (int) (strlen (base) - 4), base,
                        zoo->description, zoo->count);
            else
                printf ("  %-20s (broken: %s)\n", found.gl_pathv [i], error? error: "?");
            free (error);
            zoo_destroy (&zoo);
        }
        globfree (&found);
    }
}

static void
s_list_systems (const char *home)
{
    char pattern [4096];
    snprintf (pattern, sizeof pattern, "%s/bin/node-*", home);
    glob_t found;
    printf ("systems (--system NAME; bin/node-NAME):\n ");
    if (glob (pattern, 0, NULL, &found) == 0) {
        for (size_t i = 0; i < found.gl_pathc; i++)
            printf (" %s", strrchr (found.gl_pathv [i], '/') + 1 + strlen ("node-"));
        globfree (&found);
    }
    else
        printf (" (none built: make lab)");
    printf ("\n  --node 'CMD ARGS' runs any Maelstrom binary through node-stdio\n");
}

const char cmd_list_usage [] = "list";

int
cmd_list (int argc, char **argv)
{
    if (argc > 1 && (streq (argv [1], "--help") || streq (argv [1], "-h"))) {
        printf ("usage: harness %s\n", cmd_list_usage);
        return FL_EXIT_OK;
    }
    if (argc > 1) {
        fprintf (stderr, "harness list: unexpected '%s' (list takes nothing)\n"
                 "usage: harness %s\n", argv [1], cmd_list_usage);
        return FL_EXIT_USAGE;
    }
    char *home = home_dir ();
    s_list_scenarios ();
    s_list_systems (home);
    printf ("workloads:\n");
    for (size_t i = 0; i < workload_count (); i++)
        printf ("  %-16s %s\n", workload_at (i)->name, workload_at (i)->summary);
    printf ("models (./harness check --model M):\n"
            "  register cas-register kv multi-register mutex set counter queue\n"
            "  list-append rw-register (transactions; --consistency LEVEL)\n");
    free (home);
    return 0;
}
