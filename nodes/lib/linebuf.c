/*  linebuf.c -- newline-split reading with a bound on one line. See
    linebuf.h.

    Invariant: outside linebuf_next, data [start, end) holds no newline
    unless a line is ready, and end - start <= max_line unless a line is
    ready (a longer tail has been handed out as LINEBUF_TOO_LONG and
    dropped, with skipping set). So after compaction there are always at
    least FL_LINE_READ_BYTES free for the next read.
*/
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "limits.h"
#include "linebuf.h"

void
linebuf_init (linebuf_t *self, size_t max_line)
{
    assert (self && max_line > 0);
    memset (self, 0, sizeof *self);
    self->max_line = max_line;
    self->size = max_line + FL_LINE_READ_BYTES;
    self->data = malloc (self->size);
    assert (self->data);
}

void
linebuf_release (linebuf_t *self)
{
    assert (self);
    free (self->data);
    self->data = NULL;
}

ssize_t
linebuf_read (linebuf_t *self, int fd)
{
    assert (self && self->data);
    if (self->start > 0) {
        memmove (self->data, self->data + self->start, self->end - self->start);
        self->end -= self->start;
        self->start = 0;
    }
    assert (self->size - self->end >= FL_LINE_READ_BYTES);
    ssize_t got = read (fd, self->data + self->end, FL_LINE_READ_BYTES);
    if (got > 0)
        self->end += (size_t) got;
    else
    if (got == 0)
        self->eof = true;
    return got;
}

linebuf_result_t
linebuf_next (linebuf_t *self, const char **line, size_t *len)
{
    assert (self && line && len);
    while (self->start < self->end) {
        char *begin = self->data + self->start;
        size_t unread = self->end - self->start;
        char *newline = memchr (begin, '\n', unread);
        if (self->skipping) {
            if (!newline) {
                self->start = self->end = 0;
                return LINEBUF_NONE;
            }
            self->skipping = false;
            self->start += (size_t) (newline - begin) + 1;
            continue;
        }
        size_t line_len = newline? (size_t) (newline - begin): unread;
        if (line_len > self->max_line) {
            //  Hand out its head; the caller is done with it before the
            //  next call, so the skip happens then.
            *line = begin;
            *len = self->max_line;
            self->line_no++;
            self->skipping = true;
            self->start += self->max_line;
            return LINEBUF_TOO_LONG;
        }
        if (!newline && !self->eof)
            return LINEBUF_NONE;
        *line = begin;
        *len = line_len;
        self->line_no++;
        self->start += line_len + (newline? 1: 0);
        return LINEBUF_LINE;
    }
    return LINEBUF_NONE;
}

bool
linebuf_ready (linebuf_t *self)
{
    assert (self);
    if (self->start == self->end)
        return false;
    size_t unread = self->end - self->start;
    return self->eof || self->skipping || unread > self->max_line
        || memchr (self->data + self->start, '\n', unread) != NULL;
}
