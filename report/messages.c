/*  messages.c -- a Lamport diagram of the proxy's trace: a vertical line
    per party, an arrow per message from where the proxy first saw it to
    where it ended (delivered, dropped, blocked by a partition, ...).

    A trace holds every message of the run, millions in a long one, so the
    diagram shows a window: the FL_REPORT_ARROWS_BEFORE events just before
    an anchor and the events from the anchor on, at most
    FL_REPORT_ARROWS_MAX in all. The anchor is the invoke of the first
    failing op, else the start of the first fault, else the start of the
    run. The file is streamed: events before the anchor pass through a ring
    buffer, and reading stops once the window is full, so the cost is one
    pass up to the anchor and memory is bounded by the window. Every line
    read is parsed and checked: a bad one (not a JSON object, no time,
    src, dest or action) refuses the page with "PATH:LINE: problem", as a
    bad history line does.

    Rows are events in trace order, not a time scale: most messages cross
    the proxy in microseconds, and a time scale would draw them all flat
    and on top of each other. The time of every few rows is printed at the
    left instead. A message held by the proxy (delay, reorder, pause) starts
    at the row of its "sent" time and ends at the row it was delivered.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include <jansson.h>
#include "limits.h"
#include "page.h"
#include "escape.h"
#include "jsonl.h"

#define S_ROW_PX    8
#define S_TOP       36
#define S_TYPE_BYTES 24

typedef enum {
    S_DELIVER, S_DROP, S_BLOCK, S_DUPLICATE, S_DELAY, S_QUEUE, S_RELEASE,
    S_UNROUTABLE, S_OVERSIZE, S_ACTIONS
} s_action_t;

static const char *s_action_names [S_ACTIONS] = {
    "deliver", "drop", "block", "duplicate", "delay", "queue", "release",
    "unroutable", "oversize"
};

typedef struct {
    int64_t time_ns;
    int64_t msg_id;                     // -1 if the line had none
    int64_t sent_ns;                    // when the proxy got it; -1 if not said
    char src [FL_ID_BYTES_MAX], dest [FL_ID_BYTES_MAX];
    char type [S_TYPE_BYTES];
    uint8_t action;
} s_event_t;

typedef struct {
    s_event_t before [FL_REPORT_ARROWS_BEFORE];   // ring of events before the anchor
    size_t before_next, before_size;
    s_event_t events [FL_REPORT_ARROWS_MAX];      // the window, in order
    size_t size;
    size_t lines, skipped;              // lines read, lines not understood
    size_t first_line;                  // line number of events [0]
    const char *parties [FL_REPORT_PARTIES_MAX];
    size_t parties_size;
    size_t lines_after;                 // trace lines after a full window
} s_window_t;

//  The message's type, from a body object, an envelope, or JSON text.
static void
s_body_type (json_t *body, char *type)
{
    json_t *parsed = NULL;
    if (json_is_string (body))
        body = parsed = json_loads (json_string_value (body), 0, NULL);
    if (json_is_object (json_object_get (body, "body")))
        body = json_object_get (body, "body");
    const char *text = json_string_value (json_object_get (body, "type"));
    snprintf (type, S_TYPE_BYTES, "%s", text ? text : "");
    json_decref (parsed);
}

//  One trace line. Returns 0 with EVENT set; 1 for a line that is no
//  message event (the proxy's decision log) or one the diagram does not
//  draw (an action it has no arrow for, an id past FL_ID_BYTES_MAX); -1
//  for a bad line, with *why set to what is wrong (static text, or the
//  JSON error in JSON_ERROR).
static int
s_parse (const char *line, s_event_t *event, json_error_t *json_error, const char **why)
{
    json_t *root = json_loads (line, 0, json_error);
    const char *src = json_string_value (json_object_get (root, "src"));
    const char *dest = json_string_value (json_object_get (root, "dest"));
    const char *action = json_string_value (json_object_get (root, "action"));
    json_t *time = json_object_get (root, "time");
    json_t *msg_id = json_object_get (root, "msg_id");
    *why = !root ? json_error->text
         : !json_is_object (root) ? "not a JSON object"
         : !json_is_integer (time) || json_integer_value (time) < 0
                                  ? "'time' is not a non-negative integer"
         : !src ? "missing string 'src'"
         : !dest ? "missing string 'dest'"
         : !action ? "missing string 'action'" : NULL;
    int rc = *why ? -1 : 1;
    if (rc == 1 && !streq (action, "decide")
    &&  strlen (src) < FL_ID_BYTES_MAX && strlen (dest) < FL_ID_BYTES_MAX) {
        for (int i = 0; i < S_ACTIONS; i++)
            if (streq (action, s_action_names [i])) {
                event->action = (uint8_t) i;
                rc = 0;
            }
        event->time_ns = json_integer_value (time);
        event->msg_id = json_is_integer (msg_id) ? json_integer_value (msg_id) : -1;
        json_t *sent = json_object_get (root, "sent");
        event->sent_ns = json_is_integer (sent) ? json_integer_value (sent) : -1;
        strcpy (event->src, src);
        strcpy (event->dest, dest);
        s_body_type (json_object_get (root, "body"), event->type);
    }
    json_decref (root);
    return rc;
}

//  Move the ring of events before the anchor to the front of the window.
static void
s_unring (s_window_t *self, size_t pending)
{
    size_t start = (self->before_next + FL_REPORT_ARROWS_BEFORE - self->before_size)
                 % FL_REPORT_ARROWS_BEFORE;
    self->first_line = self->lines - pending - self->before_size;
    for (size_t i = 0; i < self->before_size; i++)
        self->events [self->size++] = self->before [(start + i) % FL_REPORT_ARROWS_BEFORE];
    self->before_size = 0;
}

//  Read the window from FILE (named PATH in errors). Returns once it is
//  full or the file ends: 0, or -1 with *error set to "PATH:LINE: what is
//  wrong" at the first bad line. Every line read is parsed and checked;
//  events before the anchor pass through a ring, so memory is bounded. A
//  torn last line (no newline: the proxy killed mid-write) is passed over
//  as not understood; blank lines are skipped.
static int
s_read (s_window_t *self, FILE *file, const char *path, int64_t anchor_ns, char **error)
{
    char *line = NULL;
    size_t line_size = 0, line_no = 0;
    ssize_t length;
    bool after = false;
    int rc = 0;
    s_event_t event;
    while (rc == 0 && self->size < FL_REPORT_ARROWS_MAX
       && (length = getline (&line, &line_size, file)) >= 0) {
        line_no++;
        if (strspn (line, " \t\r\n") == (size_t) length)
            continue;
        json_error_t json_error;
        const char *why;
        int parsed = s_parse (line, &event, &json_error, &why);
        if (parsed < 0 && line [length - 1] != '\n')
            parsed = 1;                 //  torn last line: not understood
        else
        if (parsed < 0) {
            rc = jsonl_fail (error, path, line_no, "%s%s",
                             why == json_error.text ? "bad JSON: " : "", why);
            continue;
        }
        if (parsed == 1) {
            if (strstr (line, "\"action\":\"decide\""))
                self->lines++;          //  the proxy's decision log: no arrow
            else
                self->skipped++;
            continue;
        }
        self->lines++;
        if (!after && event.time_ns >= anchor_ns) {
            after = true;
            s_unring (self, 1);         // this event is not in the ring
        }
        if (after)
            self->events [self->size++] = event;
        else {
            self->before [self->before_next] = event;
            self->before_next = (self->before_next + 1) % FL_REPORT_ARROWS_BEFORE;
            if (self->before_size < FL_REPORT_ARROWS_BEFORE)
                self->before_size++;
        }
    }
    if (!after)
        s_unring (self, 0);             // the anchor is past the trace's end
    free (line);
    return rc;
}

//  Nodes before clients ("c..."), shorter names first, so n2 < n10.
static int
s_party_compare (const void *a, const void *b)
{
    const char *x = *(const char **) a, *y = *(const char **) b;
    bool x_client = *x == 'c', y_client = *y == 'c';
    if (x_client != y_client)
        return x_client ? 1 : -1;
    if (strlen (x) != strlen (y))
        return strlen (x) < strlen (y) ? -1 : 1;
    return strcmp (x, y);
}

static int
s_party (const s_window_t *self, const char *name)
{
    for (size_t i = 0; i < self->parties_size; i++)
        if (streq (self->parties [i], name))
            return (int) i;
    return -1;
}

static void
s_parties (s_window_t *self)
{
    for (size_t i = 0; i < self->size; i++) {
        const char *names [2] = { self->events [i].src, self->events [i].dest };
        for (int k = 0; k < 2; k++)
            if (s_party (self, names [k]) < 0 && self->parties_size < FL_REPORT_PARTIES_MAX)
                self->parties [self->parties_size++] = names [k];
    }
    qsort (self->parties, self->parties_size, sizeof (char *), s_party_compare);
}

//  The row where the message of event I was first seen in the window: the
//  first row at or after its "sent" time if the trace gives one (a delayed
//  message then slopes down across the rows it spent held), else an
//  earlier event of the same message (a delay or queue), else its own row.
static size_t
s_first_row (const s_window_t *self, size_t i)
{
    const s_event_t *event = &self->events [i];
    if (event->sent_ns >= 0 && event->sent_ns < event->time_ns) {
        size_t row = i;
        while (row > 0 && self->events [row - 1].time_ns >= event->sent_ns)
            row--;
        return row;
    }
    if (event->msg_id < 0)
        return i;
    for (size_t k = i < 64 ? 0 : i - 64; k < i; k++)   // held messages are rarely older
        if (self->events [k].msg_id == event->msg_id
        &&  streq (self->events [k].src, event->src))
            return k;
    return i;
}

//  Is this event where a message ends (rather than a hold on its way)?
static bool
s_is_end (const s_window_t *self, size_t i)
{
    const s_event_t *event = &self->events [i];
    if (event->action != S_DELAY && event->action != S_QUEUE && event->action != S_RELEASE)
        return true;
    for (size_t k = i + 1; k < self->size; k++)        // held: ends later in the window?
        if (event->msg_id >= 0 && self->events [k].msg_id == event->msg_id
        &&  streq (self->events [k].src, event->src))
            return false;
    return true;
}

static double
s_party_x (const s_window_t *self, const char *name)
{
    int party = s_party (self, name);
    double spacing = (PAGE_WIDTH - 120.0) / (self->parties_size ? self->parties_size : 1);
    if (spacing > 120)
        spacing = 120;
    return 100 + spacing * (party < 0 ? 0 : party) + spacing / 2;
}

static void
s_arrow (FILE *out, const s_window_t *self, size_t i)
{
    const s_event_t *event = &self->events [i];
    size_t first = s_first_row (self, i);
    double x0 = s_party_x (self, event->src), x1 = s_party_x (self, event->dest);
    double y0 = S_TOP + first * S_ROW_PX, y1 = S_TOP + i * S_ROW_PX;
    if (y1 - y0 < S_ROW_PX * 0.9)
        y1 = y0 + S_ROW_PX * 0.9;
    const char *class = "md", *head = "url(#ah)";
    bool lost = event->action == S_DROP || event->action == S_BLOCK
             || event->action == S_UNROUTABLE || event->action == S_OVERSIZE;
    if (lost) {                         // stops short of the dest, with a cross
        x1 = x0 + (x1 - x0) * 0.55;
        y1 = y0 + (y1 - y0) * 0.55;
        class = event->action == S_BLOCK ? "mb" : "mx";
        head = NULL;
    }
    else
    if (event->action != S_DELIVER && event->action != S_RELEASE) {
        class = "mu";
        head = "url(#ahu)";
    }
    fputs ("<g><title>", out);
    escape_html (out, event->src);
    fputs (" &rarr; ", out);
    escape_html (out, event->dest);
    fputs (" ", out);
    escape_html (out, event->type);
    fprintf (out, ": %s at %.3f ms</title>", s_action_names [event->action], event->time_ns / 1e6);
    fprintf (out, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"%s%s%s/>",
             class, x0, y0, x1, y1, head ? " marker-end=\"" : "", head ? head : "", head ? "\"" : "");
    if (lost)
        fprintf (out, "<path class=\"%s\" style=\"stroke-dasharray:none;stroke-width:1.5\" "
                 "d=\"M%.1f %.1fl6 6m0 -6l-6 6\"/>", class, x1 - 3, y1 - 3);
    if (*event->type) {
        fprintf (out, "<text x=\"%.1f\" y=\"%.1f\" style=\"font-size:8px\" text-anchor=\"middle\">",
                 (x0 + x1) / 2, (y0 + y1) / 2 - 1);
        escape_html (out, event->type);
        fputs ("</text>", out);
    }
    fputs ("</g>", out);
}

static void
s_frame (FILE *out, const s_window_t *self, double bottom, int64_t anchor_ns,
         const char *anchor_text)
{
    fputs ("<defs><marker id=\"ah\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"7\" "
           "markerHeight=\"7\" orient=\"auto\"><path class=\"mh\" d=\"M0 0L8 4L0 8z\"/></marker>"
           "<marker id=\"ahu\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"7\" "
           "markerHeight=\"7\" orient=\"auto\"><path style=\"fill:#ef6c00\" d=\"M0 0L8 4L0 8z\"/>"
           "</marker></defs>", out);
    for (size_t i = 0; i < self->parties_size; i++) {
        double x = s_party_x (self, self->parties [i]);
        fprintf (out, "<line class=\"ml\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\"/>"
                 "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" style=\"font-weight:bold\">",
                 x, x, S_TOP - 6, bottom, x, S_TOP - 12);
        escape_html (out, self->parties [i]);
        fputs ("</text>", out);
    }
    bool anchor_drawn = false;
    for (size_t i = 0; i < self->size; i++) {
        double y = S_TOP + i * S_ROW_PX;
        if (i % 8 == 0)
            fprintf (out, "<text x=\"4\" y=\"%.1f\">%.3f s</text>", y + 3,
                     self->events [i].time_ns / 1e9);
        if (!anchor_drawn && anchor_text && self->events [i].time_ns >= anchor_ns) {
            fprintf (out, "<line x1=\"60\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
                     "style=\"stroke:#d00;stroke-dasharray:6 3\"/><text x=\"%d\" y=\"%.1f\" "
                     "text-anchor=\"end\" style=\"fill:#d00;paint-order:stroke;"
                     "stroke:#fff;stroke-width:3px\">",
                     PAGE_WIDTH - 10, y - 2, y - 2, PAGE_WIDTH - 10, y - 5);
            escape_html (out, anchor_text);
            fputs ("</text>", out);
            anchor_drawn = true;
        }
    }
}

//  The anchor time and what it is, in TEXT.
static int64_t
s_anchor (const page_t *report, char *text, size_t text_size)
{
    int64_t anchor_ns = -1;
    for (size_t i = 0; i < report->failing_size; i++) {
        const opslog_op_t *op = opslog_op (report->log, (size_t) report->failing [i]);
        if (anchor_ns < 0 || op->invoke_ns < anchor_ns) {
            anchor_ns = op->invoke_ns;
            snprintf (text, text_size, "failing op #%lld invoked", (long long) op->invoke_index);
        }
    }
    if (anchor_ns < 0 && period_log_size (report->faults) > 0) {
        const period_t *fault = period_log_get (report->faults, 0);
        anchor_ns = fault->start_ns;
        snprintf (text, text_size, "%s%s%s starts%s%s%s", fault->fault,
                  *fault->target ? " " : "", fault->target, *fault->detail ? " (" : "",
                  fault->detail, *fault->detail ? ")" : "");
    }
    if (anchor_ns < 0) {
        *text = 0;
        anchor_ns = 0;
    }
    return anchor_ns;
}

//  Messages of the window not drawn: an end is a party past the first
//  FL_REPORT_PARTIES_MAX.
static size_t
s_unparty (const s_window_t *window)
{
    size_t count = 0;
    for (size_t i = 0; i < window->size; i++)
        count += (s_party (window, window->events [i].src) < 0
              ||  s_party (window, window->events [i].dest) < 0) && s_is_end (window, i);
    return count;
}

//  Lines left in FILE, counted without parsing them.
static size_t
s_count_lines (FILE *file)
{
    char buffer [65536];
    size_t count = 0, got;
    while ((got = fread (buffer, 1, sizeof buffer, file)) > 0)
        for (const char *at = buffer; (at = memchr (at, '\n', (size_t) (buffer + got - at)));
             at++)
            count++;
    return count;
}

//  What the diagram left out at its bounds, counted.
static void
s_bounds_notes (FILE *out, const s_window_t *window)
{
    if (window->lines_after)
        fprintf (out, " The %zu trace lines after these are left out: the diagram shows "
                 "at most %d events (FL_REPORT_ARROWS_MAX).", window->lines_after,
                 FL_REPORT_ARROWS_MAX);
    size_t unparty = s_unparty (window);
    if (unparty)
        fprintf (out, " %zu messages to or from parties past the first %d "
                 "(FL_REPORT_PARTIES_MAX) are not drawn.", unparty, FL_REPORT_PARTIES_MAX);
}

static void
s_diagram (const page_t *report, s_window_t *window, int64_t anchor_ns, const char *anchor_text)
{
    FILE *out = report->out;
    s_parties (window);
    double bottom = S_TOP + window->size * S_ROW_PX + 8;
    fprintf (out, "<p class=\"note\">Showing trace events %zu&ndash;%zu (%.3f&ndash;%.3f s): "
             "up to %d before %s and the rest after, %d at most. "
             "<span style=\"color:#1565c0\">&rarr; delivered</span> &middot; "
             "<span style=\"color:#d32f2f\">&#8667; dropped &times;</span> &middot; "
             "<span style=\"color:#777\">&#8667; blocked by a partition &times;</span> &middot; "
             "<span style=\"color:#ef6c00\">&rarr; duplicated or held</span>. "
             "Hover an arrow for its details.",
             window->first_line + 1, window->first_line + window->size,
             window->events [0].time_ns / 1e9, window->events [window->size - 1].time_ns / 1e9,
             FL_REPORT_ARROWS_BEFORE, *anchor_text ? anchor_text : "the start",
             FL_REPORT_ARROWS_MAX);
    if (window->skipped)
        fprintf (out, " %zu trace lines were not understood and are left out.", window->skipped);
    s_bounds_notes (out, window);
    fprintf (out, "</p><svg width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\">",
             PAGE_WIDTH, bottom + 4, PAGE_WIDTH, bottom + 4);
    s_frame (out, window, bottom, anchor_ns, *anchor_text ? anchor_text : NULL);
    for (size_t i = 0; i < window->size; i++)
        if (s_party (window, window->events [i].src) >= 0
        &&  s_party (window, window->events [i].dest) >= 0 && s_is_end (window, i))
            s_arrow (out, window, i);
    fputs ("</svg>", out);
}

int
messages_write (const page_t *report, char **error)
{
    assert (report);
    FILE *out = report->out;
    fputs ("<h2>Messages (Lamport diagram of the proxy trace)</h2>", out);
    char *path = zsys_sprintf ("%s/messages.jsonl", report->run_dir);
    FILE *file = path ? fopen (path, "r") : NULL;
    if (!file) {
        fputs ("<p class=\"note\">No message trace (messages.jsonl) in this run.</p>", out);
        zstr_free (&path);
        return 0;
    }
    s_window_t *window = calloc (1, sizeof *window);
    char anchor_text [FL_FAULT_TEXT_BYTES_MAX];
    int64_t anchor_ns = s_anchor (report, anchor_text, sizeof anchor_text);
    int rc = window ? s_read (window, file, path, anchor_ns, error)
                    : jsonl_fail (error, path, 0, "out of memory");
    if (rc == 0 && window->size == FL_REPORT_ARROWS_MAX)
        window->lines_after = s_count_lines (file);
    fclose (file);
    zstr_free (&path);
    if (rc == 0 && window->size == 0)
        fputs ("<p class=\"note\">The message trace is empty.</p>", out);
    else
    if (rc == 0)
        s_diagram (report, window, anchor_ns, anchor_text);
    free (window);
    return rc;
}
