/*  rlog.c -- durable term, vote and log of a Raft node (see rlog.h).

    The log lives in memory as an array of entries (index i at slot i - 1)
    and on disk as an append-only file of checksummed records. Every change
    is encoded into a pending buffer at once; rlog_sync writes the buffer
    with one write and one fdatasync, so a batch of appends plus a term
    change costs one disk flush (group commit).

    Invariants: entries [1..count] are exactly what replaying the synced
    records plus the pending buffer gives; a record that is torn or fails
    its checksum ends the file and is cut off at open, so what survives a
    kill -9 is always a prefix of the records written, and every record
    synced before the crash is in that prefix.
*/
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "limits.h"
#include "rlog.h"

typedef struct {
    int64_t term;
    char *data;                  // NUL-terminated copy
    size_t len;
} rlog_entry_t;

struct _rlog_t {
    int fd;                      // -1: in memory only
    int64_t term;
    char voted_for [FL_ID_BYTES_MAX + 1];
    rlog_entry_t *entries;
    int64_t count;
    int64_t capacity;
    size_t bytes;                // sum of entry lengths
    char *pending;               // encoded records not yet written
    size_t pending_len;
    size_t pending_cap;
};

//  CRC-32 (IEEE, reflected), bitwise: records are small, no table needed.
static uint32_t
s_crc32 (const unsigned char *p, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= p [i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void
s_reserve (char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return;
    size_t cap_new = *cap ? *cap : 4096;
    while (cap_new < need)
        cap_new *= 2;
    *buf = realloc (*buf, cap_new);
    assert (*buf);
    *cap = cap_new;
}

//  Encode one record into the pending buffer. Parts a (u64s) and b (bytes).
static void
s_record (rlog_t *self, char type, const uint64_t *nums, size_t num_count,
          const char *bytes, size_t bytes_len)
{
    size_t payload = num_count * 8 + bytes_len;
    assert (payload < UINT32_MAX);
    s_reserve (&self->pending, &self->pending_cap,
               self->pending_len + RLOG_HEADER_BYTES + payload);
    unsigned char *rec = (unsigned char *) self->pending + self->pending_len;
    uint32_t len32 = (uint32_t) payload;
    memcpy (rec + 4, &len32, 4);
    rec [8] = (unsigned char) type;
    memcpy (rec + RLOG_HEADER_BYTES, nums, num_count * 8);
    if (bytes_len)
        memcpy (rec + RLOG_HEADER_BYTES + num_count * 8, bytes, bytes_len);
    uint32_t crc = s_crc32 (rec + 4, 5 + payload);
    memcpy (rec, &crc, 4);
    self->pending_len += RLOG_HEADER_BYTES + payload;
}

static void
s_mem_truncate (rlog_t *self, int64_t index)
{
    assert (index >= 1 && index <= self->count + 1);
    for (int64_t i = index; i <= self->count; i++) {
        self->bytes -= self->entries [i - 1].len;
        free (self->entries [i - 1].data);
    }
    self->count = index - 1;
}

static void
s_mem_append (rlog_t *self, int64_t term, const char *data, size_t len)
{
    if (self->count == self->capacity) {
        self->capacity = self->capacity ? self->capacity * 2 : 1024;
        self->entries = realloc (self->entries,
                                 (size_t) self->capacity * sizeof (rlog_entry_t));
        assert (self->entries);
    }
    rlog_entry_t *entry = &self->entries [self->count++];
    entry->term = term;
    entry->len = len;
    entry->data = malloc (len + 1);
    assert (entry->data);
    memcpy (entry->data, data, len);
    entry->data [len] = 0;
    self->bytes += len;
}

static void
s_mem_meta (rlog_t *self, int64_t term, const char *voted_for, size_t len)
{
    if (len > FL_ID_BYTES_MAX)
        len = FL_ID_BYTES_MAX;
    self->term = term;
    memcpy (self->voted_for, voted_for, len);
    self->voted_for [len] = 0;
}

//  Apply one decoded record to memory. Returns false if it makes no sense
//  (treated like a torn record: the file ends before it).
static bool
s_replay (rlog_t *self, char type, const unsigned char *p, size_t len)
{
    uint64_t a, b;
    if (type == 'M' && len >= 8) {
        memcpy (&a, p, 8);
        s_mem_meta (self, (int64_t) a, (const char *) p + 8, len - 8);
        return true;
    }
    if (type == 'E' && len >= 16) {
        memcpy (&a, p, 8);
        memcpy (&b, p + 8, 8);
        if ((int64_t) a < 1 || (int64_t) a > self->count + 1)
            return false;
        s_mem_truncate (self, (int64_t) a);
        s_mem_append (self, (int64_t) b, (const char *) p + 16, len - 16);
        return true;
    }
    if (type == 'T' && len == 8) {
        memcpy (&a, p, 8);
        if ((int64_t) a < 1 || (int64_t) a > self->count + 1)
            return false;
        s_mem_truncate (self, (int64_t) a);
        return true;
    }
    return false;
}

//  Replay a whole file image; returns the length of its good prefix.
static size_t
s_replay_all (rlog_t *self, const unsigned char *buf, size_t size)
{
    size_t off = 0;
    while (size - off >= RLOG_HEADER_BYTES) {
        uint32_t crc, len;
        memcpy (&crc, buf + off, 4);
        memcpy (&len, buf + off + 4, 4);
        if (len > size - off - RLOG_HEADER_BYTES)
            break;                      // torn: the record runs past the end
        if (s_crc32 (buf + off + 4, 5 + (size_t) len) != crc)
            break;                      // torn or garbage
        if (!s_replay (self, (char) buf [off + 8], buf + off + RLOG_HEADER_BYTES, len))
            break;
        off += RLOG_HEADER_BYTES + len;
    }
    return off;
}

static int
s_read_file (int fd, unsigned char **buf_p, size_t *size_p)
{
    struct stat st;
    if (fstat (fd, &st))
        return -errno;
    size_t size = (size_t) st.st_size, got = 0;
    unsigned char *buf = malloc (size ? size : 1);
    assert (buf);
    while (got < size) {
        ssize_t rc = pread (fd, buf + got, size - got, (off_t) got);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0) {
            int e = rc < 0 ? -errno : -EIO;
            free (buf);
            return e;
        }
        got += (size_t) rc;
    }
    *buf_p = buf;
    *size_p = size;
    return 0;
}

//  Open (creating) DIR/raft.log, replay it, cut a torn tail.
static int
s_load (rlog_t *self, const char *dir, char *err, size_t err_size, size_t *torn_p)
{
    char path [4096];
    snprintf (path, sizeof path, "%s/raft.log", dir);
    if (mkdir (dir, 0755) && errno != EEXIST) {
        snprintf (err, err_size, "cannot create '%s': %s", dir, strerror (errno));
        return -1;
    }
    self->fd = open (path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (self->fd < 0) {
        snprintf (err, err_size, "cannot open '%s': %s", path, strerror (errno));
        return -1;
    }
    unsigned char *buf = NULL;
    size_t size = 0;
    int rc = s_read_file (self->fd, &buf, &size);
    if (rc) {
        snprintf (err, err_size, "cannot read '%s': %s", path, strerror (-rc));
        return -1;
    }
    size_t good = s_replay_all (self, buf, size);
    free (buf);
    *torn_p = size - good;
    if (good < size && (ftruncate (self->fd, (off_t) good) || fsync (self->fd))) {
        snprintf (err, err_size, "cannot cut torn tail of '%s': %s", path, strerror (errno));
        return -1;
    }
    //  The file's directory entry must be durable too.
    int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        if (fsync (dfd)) { /* best effort: some filesystems refuse */ }
        close (dfd);
    }
    return 0;
}

rlog_t *
rlog_open (const char *dir, char *err, size_t err_size, size_t *torn_bytes_p)
{
    rlog_t *self = calloc (1, sizeof (rlog_t));
    assert (self);
    self->fd = -1;
    size_t torn = 0;
    if (dir && s_load (self, dir, err, err_size, &torn)) {
        rlog_destroy (&self);
        return NULL;
    }
    if (torn_bytes_p)
        *torn_bytes_p = torn;
    return self;
}

void
rlog_destroy (rlog_t **self_p)
{
    assert (self_p);
    rlog_t *self = *self_p;
    if (!self)
        return;
    if (self->fd >= 0)
        close (self->fd);
    s_mem_truncate (self, 1);
    free (self->entries);
    free (self->pending);
    free (self);
    *self_p = NULL;
}

int64_t
rlog_term (rlog_t *self)
{
    assert (self);
    return self->term;
}

const char *
rlog_voted_for (rlog_t *self)
{
    assert (self);
    return self->voted_for;
}

void
rlog_set_meta (rlog_t *self, int64_t term, const char *voted_for)
{
    assert (self);
    assert (term >= self->term);
    if (!voted_for)
        voted_for = "";
    if (term == self->term && strcmp (voted_for, self->voted_for) == 0)
        return;
    size_t len = strlen (voted_for);
    assert (len <= FL_ID_BYTES_MAX);
    s_mem_meta (self, term, voted_for, len);
    uint64_t num = (uint64_t) term;
    s_record (self, 'M', &num, 1, voted_for, len);
}

int64_t
rlog_last_index (rlog_t *self)
{
    assert (self);
    return self->count;
}

int64_t
rlog_last_term (rlog_t *self)
{
    assert (self);
    return self->count ? self->entries [self->count - 1].term : 0;
}

int64_t
rlog_term_at (rlog_t *self, int64_t index)
{
    assert (self);
    assert (index >= 0);
    if (index == 0)
        return 0;
    if (index > self->count)
        return -1;
    return self->entries [index - 1].term;
}

const char *
rlog_data_at (rlog_t *self, int64_t index, size_t *len_p)
{
    assert (self);
    assert (index >= 1 && index <= self->count);
    if (len_p)
        *len_p = self->entries [index - 1].len;
    return self->entries [index - 1].data;
}

int64_t
rlog_append (rlog_t *self, int64_t term, const char *data, size_t len)
{
    assert (self);
    assert (term >= rlog_last_term (self));
    s_mem_append (self, term, data, len);
    uint64_t nums [2] = { (uint64_t) self->count, (uint64_t) term };
    s_record (self, 'E', nums, 2, data, len);
    return self->count;
}

void
rlog_truncate (rlog_t *self, int64_t index)
{
    assert (self);
    if (index > self->count)
        return;
    s_mem_truncate (self, index);
    uint64_t num = (uint64_t) index;
    s_record (self, 'T', &num, 1, NULL, 0);
}

int64_t
rlog_term_first (rlog_t *self, int64_t index)
{
    assert (self);
    assert (index >= 1 && index <= self->count);
    int64_t term = self->entries [index - 1].term;
    while (index > 1 && self->entries [index - 2].term == term)
        index--;
    return index;
}

int64_t
rlog_term_last (rlog_t *self, int64_t term)
{
    assert (self);
    //  Terms never decrease along the log: search from the end.
    for (int64_t i = self->count; i >= 1; i--) {
        if (self->entries [i - 1].term == term)
            return i;
        if (self->entries [i - 1].term < term)
            break;
    }
    return 0;
}

bool
rlog_dirty (rlog_t *self)
{
    assert (self);
    return self->pending_len > 0;
}

int
rlog_sync (rlog_t *self)
{
    assert (self);
    if (self->pending_len == 0)
        return 0;
    size_t done = 0;
    while (self->fd >= 0 && done < self->pending_len) {
        ssize_t rc = write (self->fd, self->pending + done, self->pending_len - done);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return -errno;
        done += (size_t) rc;
    }
    if (self->fd >= 0 && fdatasync (self->fd))
        return -errno;
    self->pending_len = 0;
    return 0;
}

size_t
rlog_bytes (rlog_t *self)
{
    assert (self);
    return self->bytes;
}

bool
rlog_durable (rlog_t *self)
{
    assert (self);
    return self->fd >= 0;
}
