/*
 * cam_journal: append-only, hash-chained text journals (the segment
 * manifest of each camera, the guard's logbook, the audit trail).
 *
 * One record per line, six TAB-separated fields ending with LF:
 *	SEQ TIME HOST PREV KIND DATA
 * PREV is the SHA-256 of the previous line, LF included (64 zeros for
 * record 1), so that changing, removing or reordering a record breaks
 * the chain; man/camkit-journal.5 fixes the format and gives a shell
 * script that checks a chain with sha256sum alone.
 *
 * Several processes may append to one journal at once: every append
 * holds flock(LOCK_EX) on the file, writes its line with one write(2)
 * and syncs it before the lock is released.  Nobody waits for a lock
 * longer than CAM_JOURNAL_LOCK_WAIT seconds while the journal does not
 * change.  A handle belongs to one
 * process and one thread at a time: do not use it in a child after
 * fork (the lock would be shared with the parent), open another one.
 *
 * This module owns the format: it writes, repairs, verifies and reads
 * journals.  Seals (signatures over the head) are made and checked by
 * cam_seal, on top of this module.
 */
#ifndef CAM_JOURNAL_H
#define CAM_JOURNAL_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "base/cam_err.h"

/* Longest line, LF included; longer DATA is refused. */
#define CAM_JOURNAL_LINE_MAX	65536
#define CAM_JOURNAL_HOST_MAX	253
#define CAM_JOURNAL_KIND_MAX	64
/* Longest wait, in seconds, for a journal's lock while the journal does
 * not change (its holder is stopped or hung), before giving up (CAM_ENV,
 * naming the journal). */
#define CAM_JOURNAL_LOCK_WAIT	10
/* A SHA-256 in lower-case hex, with its NUL. */
#define CAM_JOURNAL_HEX		65

struct cam_journal;	/* an open journal, for appending */

/* One record.  The strings point into the reader's memory and last
 * only as long as the call that handed them over (the callback of
 * cam_journal_foreach) or, for cam_journal_append, as long as the
 * handle and the caller's own kind and data. */
struct cam_journal_rec {
	uint64_t	 seq;
	time_t		 time;
	const char	*host;
	const char	*kind;
	const char	*data;		/* the JSON object, as written */
	char		 prev[CAM_JOURNAL_HEX];	/* the previous line's hash */
	char		 hash[CAM_JOURNAL_HEX];	/* hash of this line + LF */
	uint64_t	 line;		/* 1-based, in its volume's file */
	off_t		 offset;	/* of the line's first byte there */
	const char	*file;		/* that file (walks only, else NULL) */
};

/* What cam_journal_verify found. */
struct cam_journal_verify {
	uint64_t records;	/* records that passed, before any bad one */
	char	 head[CAM_JOURNAL_HEX];	/* hash of the last of them,
					 * 64 zeros if none */
	uint64_t bad_line;	/* SEQ of the first bad line, 0 if none */
	char	 file[4096];	/* the volume file holding it */
	uint64_t file_line;	/* its line there */
	int	 torn;		/* the file ends with a line without LF */
	char	 why[256];	/* why bad_line is bad, "" if it is not */
};

/*
 * Open path for appending, creating it (mode 0640; the directory must
 * exist) if it does not exist.  host is written in every record; NULL
 * means this machine's name.  Under flock(LOCK_EX), the tail is checked:
 * bytes after the last LF (a crash during an append) are moved to
 * PATH.torn-<UTC time>, the file is cut back to its last LF and a
 * "repair" record tells what was dropped.  A last complete line that is
 * not a valid record is an error (CAM_NO): corruption is not repaired.
 * Only the last record is read: cam_journal_verify checks the rest.
 */
int cam_journal_open(struct cam_journal **j, const char *path,
    const char *host, struct cam_err *e);
/*
 * Append one record of the given kind ([a-z0-9-], at most 64 bytes)
 * whose DATA is data_json, one JSON object in UTF-8 without TAB, line
 * break or other control character (see cam_json.h to build one).
 * Records appended by others since the last call are read (from where
 * this handle stopped, not from the start) and their links checked.
 * On success out (if not NULL) describes the new record.  On failure
 * the journal is as it was: a short write (disk full) is cut back.
 * CAM_NO for refused input or a journal changed behind our back,
 * CAM_ENV for I/O failures.
 */
int cam_journal_append(struct cam_journal *j, const char *kind,
    const char *data_json, struct cam_journal_rec *out, struct cam_err *e);
/*
 * Append a record whose DATA depends on the head it follows (a seal):
 * under the lock, after catching up, fn is told the SEQ and hash of the
 * last record (0 and 64 zeros if there is none) and adds the JSON
 * object to data.  fn returning -1 (with e set) appends nothing.  out,
 * if not NULL, gets the new record's seq, line and hash only.
 */
struct cam_buf;
typedef int (*cam_journal_data_fn)(void *arg, uint64_t head_seq,
    const char *head, struct cam_buf *data, struct cam_err *e);
int cam_journal_append_fn(struct cam_journal *j, const char *kind,
    cam_journal_data_fn fn, void *arg, struct cam_journal_rec *out,
    struct cam_err *e);
/* SEQ of the last record this handle has seen; the path it opened;
 * the host it writes. */
uint64_t cam_journal_seq(const struct cam_journal *j);
const char *cam_journal_path(const struct cam_journal *j);
const char *cam_journal_host(const struct cam_journal *j);
/* Sync every append to disk (the default) or leave it to the kernel
 * (tests, bulk imports: a crash may then lose the last records). */
void cam_journal_set_sync(struct cam_journal *j, int on);
void cam_journal_close(struct cam_journal **j);

/* Sync every append to disk (see above); give every append TIME t
 * instead of the clock's (0: the clock again).  For bulk imports and
 * the benchmarks' synthetic sites only. */
void cam_journal_set_time(struct cam_journal *j, time_t t);

/*
 * Volumes.  A journal need not grow in one file forever: it is closed
 * from time to time, renamed PATH.YYYY-MM (the UTC month of its first
 * record) and continued in a new PATH, whose first record is of KIND
 * "volume", DATA {"previous":"NAME.YYYY-MM"}, and links on from the
 * last record of the closed volume (SEQ and PREV run on): the
 * concatenation of the volumes in order, `cat PATH.* PATH`, is one
 * journal.  A closed volume is never written again; it may be
 * archived.
 *
 * cam_journal_rotate closes the volume of j when its first record is
 * of an earlier UTC month than now and its last record is a seal
 * (0, with the closed volume's path in closed); otherwise it does
 * nothing and returns 1.  carry, if not NULL, is told every record of
 * the closing volume (record) and then writes the records the new
 * volume starts with after its "volume" record (emit, calling put for
 * each); a manifest carries its live segments so that its current
 * volume alone tells them.  Under the journal's lock; other handles
 * follow to the new volume at their next append.  A crash leaves
 * either the old volume whole as PATH (and perhaps also as its closed
 * name: the next rotation goes on) or the rotation done.
 */
#define CAM_JOURNAL_VOLUME_KIND	"volume"
/* The KIND of the record that seals a journal (cam_seal.h writes and
 * checks it); a volume is closed only after one. */
#define CAM_SEAL_KIND		"seal"
typedef int (*cam_journal_put_fn)(void *put_arg, const char *kind,
    const char *data_json, struct cam_err *e);
struct cam_journal_carry {
	int (*record)(void *arg, const struct cam_journal_rec *r);
	int (*emit)(void *arg, cam_journal_put_fn put, void *put_arg,
	    struct cam_err *e);
	void *arg;
};
int cam_journal_rotate(struct cam_journal *j, time_t now,
    const struct cam_journal_carry *carry, char *closed, size_t closed_len,
    struct cam_err *e);
/* The closed volumes of path, oldest first (full paths; free with
 * cam_journal_volumes_free). */
int cam_journal_volumes(const char *path, char ***v, size_t *n,
    struct cam_err *e);
void cam_journal_volumes_free(char **v, size_t n);

/*
 * Check a whole journal, every volume: every line a valid record, SEQ
 * 1..N, each PREV the hash of the line before.  Returns 0, or -1 with CAM_NO and
 * "PATH:LINE: why" (v says the same), or CAM_ENV if it cannot be read.
 * The file is read as it was when the call began; appends made while
 * it runs are not looked at.  v may be NULL.
 */
int cam_journal_verify(const char *path, struct cam_journal_verify *v,
    struct cam_err *e);
/*
 * Call cb for every record, in order, checking as cam_journal_verify
 * does.  A record is handed over once the next one has been seen to
 * link to it (the last at the end of the file), so a record that was
 * changed in place is never handed over.  If cb returns non-zero the
 * walk stops and that value is returned, e untouched.
 */
int cam_journal_foreach(const char *path,
    int (*cb)(void *arg, const struct cam_journal_rec *r), void *arg,
    struct cam_err *e);
/* The same, telling in v what the walk found (as cam_journal_verify). */
int cam_journal_foreach_v(const char *path,
    int (*cb)(void *arg, const struct cam_journal_rec *r), void *arg,
    struct cam_journal_verify *v, struct cam_err *e);
/*
 * The records from the volume that holds time since on (the newest
 * volume whose first record is not after since; the current volume
 * alone when since is at or after its first record): what a question
 * about a window, or about what is live now, needs to read, not the
 * whole history.  The first volume read is taken as it begins (its
 * link to the volume before is cam_journal_verify's to check); records
 * before since may come too.
 */
#define CAM_JOURNAL_CURRENT	((time_t)INT64_MAX)	/* since: the current volume */
#define CAM_JOURNAL_ALL		((time_t)-1)		/* since: every volume */
int cam_journal_foreach_since(const char *path, time_t since,
    int (*cb)(void *arg, const struct cam_journal_rec *r), void *arg,
    struct cam_err *e);
int cam_journal_foreach_since_v(const char *path, time_t since,
    int (*cb)(void *arg, const struct cam_journal_rec *r), void *arg,
    struct cam_journal_verify *v, struct cam_err *e);
/*
 * The syntax check of one record, as verify and foreach make it: line
 * is len bytes without the LF, writable, with room for a NUL at
 * line[len]; the fields are cut in place and r's strings point into
 * line.  Sets seq, time, host, prev, kind and data (not hash, line,
 * offset).  Returns 0, or -1 with why (wl bytes) telling what is wrong.
 * The chain (PREV against the line before) is the caller's to check.
 */
int cam_journal_parse_line(char *line, size_t len,
    struct cam_journal_rec *r, char *why, size_t wl);

#endif
