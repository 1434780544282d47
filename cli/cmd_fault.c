/*  cmd_fault.c -- ./harness fault ACTION...: inject a fault into the lab
    that `./harness up` keeps running (found through .faultlab/up.json or
    $FAULTLAB_UP).

        ./harness fault partition halves | majority | minority | bridge | ring
        ./harness fault partition isolate n3 | isolate-leader | n1,n2|n3,n4,n5
        ./harness fault isolate n3 | isolate-leader      (the same)
        ./harness fault partition one-way 'n1,n2 -> n3'  (n1,n2 -> n3 dropped,
                                                          n3 -> n1,n2 delivered)
        ./harness fault heal | drop 0.2 | delay 50 10 | duplicate 0.1 | reorder 0.1
        ./harness fault pause n2 | resume n2 | kill n3 | restart n3
        ./harness fault stop n1 | cont n1 | clock-skew n2 500
        ./harness fault block-type append_entries 'n5 -> *'   (and unblock-type)
        ./harness fault state

    The action is checked here first (a typo is a usage error, exit 64),
    then sent to the up process, which applies it exactly as a scenario run
    would and answers what it did and which faults are now in force.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include <jansson.h>
#include "commands.h"
#include "options.h"
#include "scenario/action.h"
#include "home.h"
#include "limits.h"

const char cmd_fault_usage [] =
    "fault partition halves|majority|minority|bridge|ring|isolate NODE|isolate-leader|n1,n2|n3,..."
    " | partition one-way 'FROM -> TO' | isolate NODE | isolate-leader | heal | drop P | delay MS [JITTER] | duplicate P"
    " | reorder P | pause NODE | resume NODE | stop NODE | cont NODE | kill NODE"
    " | restart NODE | clock-skew NODE MS | block-type TYPES 'FROM -> TO'"
    " | unblock-type TYPES 'FROM -> TO' | state";

static int
s_usage (const char *problem)
{
    return options_usage ("fault", cmd_fault_usage, problem);
}

//  Send one request to the up process; print its answer.
static int
s_send (const char *endpoint, json_t *request)
{
    zsock_t *sock = zsock_new_req (endpoint);
    if (!sock) {
        fprintf (stderr, "harness fault: cannot connect to '%s'\n", endpoint);
        return FL_EXIT_UNAVAILABLE;
    }
    char *text = json_dumps (request, JSON_COMPACT);
    zstr_send (sock, text);
    free (text);
    zpoller_t *poller = zpoller_new (sock, NULL);
    void *which = zpoller_wait (poller, FL_CONTROL_TIMEOUT_MS + FL_ROLE_TIMEOUT_MS);
    zpoller_destroy (&poller);
    int status = 0;
    if (!which) {
        fprintf (stderr, "harness fault: the lab at '%s' did not answer within %d ms"
                 " (FL_CONTROL_TIMEOUT_MS + FL_ROLE_TIMEOUT_MS; is ./harness up"
                 " still running?)\n", endpoint,
                 FL_CONTROL_TIMEOUT_MS + FL_ROLE_TIMEOUT_MS);
        status = FL_EXIT_UNAVAILABLE;
    }
    else {
        char *answer = zstr_recv (sock);
        json_t *reply = answer? json_loads (answer, 0, NULL): NULL;
        if (json_is_true (json_object_get (reply, "ok"))) {
            const char *detail = json_string_value (json_object_get (reply, "detail"));
            if (detail && *detail)
                printf ("done: %s\n", detail);
            printf ("in force: %s\n", json_string_value (json_object_get (reply, "in_force")));
        }
        else {
            const char *why = json_string_value (json_object_get (reply, "error"));
            fprintf (stderr, "harness fault: %s\n", why? why: "bad reply");
            status = json_is_true (json_object_get (reply, "refused"))? FL_EXIT_USAGE
                                                                        : FL_EXIT_SOFTWARE;
        }
        json_decref (reply);
        zstr_free (&answer);
    }
    zsock_destroy (&sock);
    return status;
}

int
cmd_fault (int argc, char **argv)
{
    if (argc < 2)
        return s_usage ("which fault? (or state)");
    if (argc == 2 && (streq (argv [1], "--help") || streq (argv [1], "-h"))) {
        printf ("usage: harness %s\n", cmd_fault_usage);
        return FL_EXIT_OK;
    }
    zsys_handler_set (NULL);
    json_error_t problem;
    json_t *up = json_load_file (home_up_file (), 0, &problem);
    if (!up) {
        fprintf (stderr, "harness fault: no lab is up (%s: %s); start one with ./harness up\n",
                 home_up_file (), problem.text);
        return FL_EXIT_UNAVAILABLE;
    }
    const char *endpoint = json_string_value (json_object_get (up, "control"));
    int nodes = (int) json_integer_value (json_object_get (up, "nodes"));
    json_t *request = NULL;
    if (argc == 2 && streq (argv [1], "state"))
        request = json_pack ("{s:s}", "cmd", "state");
    else {
        action_t spec;
        char *error = NULL;
        if (action_parse_argv (&spec, argc - 1, argv + 1, nodes, &error)) {
            int status = s_usage (error);
            free (error);
            json_decref (up);
            return status;
        }
        //  The lab ./harness up keeps has no clients of its own to name.
        if ((spec.kind == ACTION_BLOCK_TYPE || spec.kind == ACTION_UNBLOCK_TYPE)
        &&  strstr (spec.groups, "clients")) {
            json_decref (up);
            return s_usage ("'clients' in a block-type names the run's clients, and the lab"
                            " ./harness up keeps has none of its own: name nodes, or '*'");
        }
        char text [FL_FAULT_TEXT_BYTES_MAX];
        action_format (&spec, text, sizeof text);
        request = json_pack ("{s:s, s:s}", "cmd", "fault", "args", text);
    }
    int status = endpoint? s_send (endpoint, request): FL_EXIT_SOFTWARE;
    json_decref (request);
    json_decref (up);
    return status;
}
