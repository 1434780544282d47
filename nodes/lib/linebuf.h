/*  linebuf.h -- JSON lines from a pipe, one at a time, with a bound.

    Maelstrom's transport is newline-terminated lines on a pipe. Both ends
    of ours read them: bin/node-stdio from its child's stdout, and a node
    run with --stdio from its stdin. A linebuf holds what read () returned
    until a whole line is there, hands out complete lines one by one (so a
    caller can stop after a batch and poll again), and never holds more
    than max_line bytes of one line: a longer line is reported once, as
    LINEBUF_TOO_LONG with its first bytes, and the rest of it, up to its
    newline, is skipped.

        linebuf_t in;
        linebuf_init (&in, FL_MSG_BYTES_MAX);
        if (linebuf_read (&in, fd) == 0) ... EOF ...
        const char *line; size_t len;
        while (linebuf_next (&in, &line, &len) != LINEBUF_NONE) ...
        linebuf_release (&in);

    Line numbers count from 1 and include every line handed out, too long
    or empty. At EOF a last line without its newline is handed out too.
*/
#ifndef FL_LINEBUF_H_INCLUDED
#define FL_LINEBUF_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
    char *data;                 //  max_line + FL_LINE_READ_BYTES bytes
    size_t size;
    size_t start, end;          //  unread bytes are data [start, end)
    size_t max_line;
    long line_no;               //  of the last line handed out
    bool skipping;              //  inside a too-long line: drop to its newline
    bool eof;                   //  the writer closed the pipe
} linebuf_t;

typedef enum {
    LINEBUF_NONE = 0,           //  no complete line yet
    LINEBUF_LINE,               //  *line, *len: one line, without its newline
    LINEBUF_TOO_LONG            //  *line, *len: the first max_line bytes of a
                                //  line that is longer; its rest is skipped
} linebuf_result_t;

//  Set up an embedded linebuf for lines of at most max_line bytes.
void linebuf_init (linebuf_t *self, size_t max_line);

//  Free what linebuf_init took.
void linebuf_release (linebuf_t *self);

//  One read () from fd into the buffer. Returns the bytes read, 0 at EOF
//  (linebuf_next then hands out a last unterminated line), or -1 with
//  errno (EAGAIN, EINTR: try again later).
ssize_t linebuf_read (linebuf_t *self, int fd);

//  The next complete line, if one is buffered. The pointer is valid
//  until the next linebuf_read or linebuf_next call.
linebuf_result_t linebuf_next (linebuf_t *self, const char **line, size_t *len);

//  Does the buffer hold a complete line (or an EOF tail) to hand out?
bool linebuf_ready (linebuf_t *self);

#endif
