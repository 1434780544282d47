/*  rlog.h -- the Raft node's durable state: current term, vote and log.

    Everything Raft must not forget across a crash lives here and in one
    append-only file, DIR/raft.log. Changes are buffered; rlog_sync writes
    them with one write and one fdatasync (group commit). A caller must sync
    before it sends anything that depends on a change (a vote, an append
    acknowledgement). With no directory the state is kept in memory only and
    rlog_sync does nothing.

    Entries are opaque byte strings with a term, at indexes 1..last. Index 0
    is the empty prefix, of term 0.

    File format: a sequence of records, each
        u32 crc32 (of everything after it)  u32 payload length  u8 type  payload
    type 'M' meta:     u64 term, voted-for id bytes (empty: no vote)
    type 'E' entry:    u64 index, u64 term, data bytes; index <= last + 1,
                       and it replaces every entry from index on
    type 'T' truncate: u64 index: drop every entry from index on
    On open the records are replayed; the first record that is short or fails
    its checksum (a torn write at a crash) ends the file and is cut off.
*/
#ifndef FL_RLOG_H_INCLUDED
#define FL_RLOG_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

//  Bytes of a record's header (u32 crc, u32 length, u8 type): a torn
//  record costs this plus its payload (tests measure cut-offs by it).
#define RLOG_HEADER_BYTES  9

typedef struct _rlog_t rlog_t;

//  Open the state in dir (created if missing; NULL keeps it in memory).
//  Returns NULL on an I/O error, with a message naming the file in err.
//  *torn_bytes_p (if not NULL) gets the number of bytes cut off the end:
//  a torn or corrupt record and everything after it.
rlog_t *rlog_open (const char *dir, char *err, size_t err_size, size_t *torn_bytes_p);

//  Close the file (unsynced changes are lost, as at a crash). Accepts NULL.
void rlog_destroy (rlog_t **self_p);

//  Current term and vote ("" when none). The vote string is borrowed.
int64_t rlog_term (rlog_t *self);
const char *rlog_voted_for (rlog_t *self);

//  Set term and vote (voted_for NULL or "" means no vote). Buffered.
void rlog_set_meta (rlog_t *self, int64_t term, const char *voted_for);

//  Last index and its term (0, 0 for an empty log).
int64_t rlog_last_index (rlog_t *self);
int64_t rlog_last_term (rlog_t *self);

//  Term of the entry at index: 0 for index 0, -1 when index is past last.
int64_t rlog_term_at (rlog_t *self, int64_t index);

//  Data of the entry at index (1..last); borrowed, not NUL-terminated
//  beyond len (it is, in fact, NUL-terminated, for convenience).
const char *rlog_data_at (rlog_t *self, int64_t index, size_t *len_p);

//  Append an entry at last + 1; returns its index. Buffered.
int64_t rlog_append (rlog_t *self, int64_t term, const char *data, size_t len);

//  Drop every entry from index on (1 <= index <= last + 1). Buffered.
void rlog_truncate (rlog_t *self, int64_t index);

//  First index of the run of entries with the same term as index (which
//  must exist), for fast backtracking.
int64_t rlog_term_first (rlog_t *self, int64_t index);

//  Last index holding term, or 0 when no entry has it.
int64_t rlog_term_last (rlog_t *self, int64_t term);

//  True when there are changes rlog_sync has not written yet.
bool rlog_dirty (rlog_t *self);

//  Write buffered changes and fdatasync. 0, or -errno on failure (the state
//  on disk is then unknown: the caller should stop the node).
int rlog_sync (rlog_t *self);

//  Bytes of entry data held in memory (to bound the log).
size_t rlog_bytes (rlog_t *self);

//  True when the state is kept on disk.
bool rlog_durable (rlog_t *self);

#endif
