/*  faketime.c -- write and read libfaketime's offset file. See faketime.h
    for the format and why it is the one that works.

    The writer never leaves a half-written file where a reader looks: it
    writes PATH.tmp.PID in full, then renames it over PATH (atomic within
    one directory). The reader accepts exactly what the writer writes,
    plus "+0" without decimals, what a person types.
*/
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "limits.h"
#include "faketime.h"

const char *
faketime_lib (void)
{
    const char *path = getenv ("FAULTLAB_LIBFAKETIME");
    return path && *path? path: FAKETIME_LIB_PATH;
}

int
faketime_format (int64_t offset_ms, char *buffer, size_t size)
{
    if (offset_ms > FL_FAKETIME_OFFSET_MS_MAX || offset_ms < -FL_FAKETIME_OFFSET_MS_MAX)
        return -1;
    uint64_t magnitude = (uint64_t) (offset_ms < 0? -offset_ms: offset_ms);
    int written = snprintf (buffer, size, "%c%" PRIu64 ".%03" PRIu64,
                            offset_ms < 0? '-': '+', magnitude / 1000, magnitude % 1000);
    return written > 0 && (size_t) written < size? 0: -1;
}

int
faketime_parse (const char *text, int64_t *offset_ms)
{
    if (*text != '+' && *text != '-')
        return -1;
    int sign = *text++ == '-'? -1: 1;
    int64_t seconds = 0, millis = 0;
    int digits = 0, decimals = 0;
    for (; *text >= '0' && *text <= '9'; text++, digits++) {
        seconds = seconds * 10 + (*text - '0');
        if (seconds * 1000 > FL_FAKETIME_OFFSET_MS_MAX)
            return -1;
    }
    if (*text == '.')
        for (text++; *text >= '0' && *text <= '9'; text++, decimals++) {
            if (decimals == 3)
                return -1;
            millis = millis * 10 + (*text - '0');
        }
    for (int pad = decimals; pad < 3; pad++)
        millis *= 10;
    if (*text == '\n')
        text++;
    if (digits == 0 || *text)
        return -1;
    int64_t value = seconds * 1000 + millis;
    if (value > FL_FAKETIME_OFFSET_MS_MAX)
        return -1;
    *offset_ms = sign * value;
    return 0;
}

int
faketime_write (const char *path, int64_t offset_ms)
{
    char line [64];
    if (faketime_format (offset_ms, line, sizeof line - 1)) {
        errno = EINVAL;
        return -1;
    }
    strcat (line, "\n");
    size_t path_len = strlen (path);
    char *temp = malloc (path_len + 32);
    if (!temp)
        return -1;
    snprintf (temp, path_len + 32, "%s.tmp.%d", path, (int) getpid ());
    int fd = open (temp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int rc = -1;
    if (fd >= 0) {
        size_t size = strlen (line);
        bool whole = write (fd, line, size) == (ssize_t) size;
        int saved = errno;
        if (close (fd) == 0 && whole && rename (temp, path) == 0)
            rc = 0;
        else {
            saved = whole? errno: saved;
            unlink (temp);
            errno = saved;
        }
    }
    free (temp);
    return rc;
}

int
faketime_read (const char *path, int64_t *offset_ms)
{
    FILE *file = fopen (path, "r");
    if (!file)
        return -1;
    char line [64];
    size_t got = fread (line, 1, sizeof line - 1, file);
    fclose (file);
    line [got] = 0;
    if (strlen (line) != got || faketime_parse (line, offset_ms)) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}
