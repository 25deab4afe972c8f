/*
 * cam_util: growable strings, files written so that a crash never leaves
 * a half-written one, files a person names opened safely, paths, UTF-8
 * (camkit's one decoder) and JSON string escaping.  The lowest layer:
 * it includes nothing of camkit but cam_err.
 */
#ifndef CAM_UTIL_H
#define CAM_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/cam_err.h"

struct cam_buf {
	char *s;		/* always NUL-terminated once anything is added */
	size_t len;
	size_t cap;
};

#define CAM_BUF_INIT { NULL, 0, 0 }

void cam_buf_add(struct cam_buf *b, const void *p, size_t n);
void cam_buf_adds(struct cam_buf *b, const char *s);
/* Not for secrets: printf formats through a scratch buffer on the
 * stack and leaves it there. */
void cam_buf_addf(struct cam_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Replace bytes [off, off+n) by the string s. */
void cam_buf_splice(struct cam_buf *b, size_t off, size_t n, const char *s);
/* Wipe the bytes, then free. */
void cam_buf_free(struct cam_buf *b);
const char *cam_buf_str(const struct cam_buf *b);

void *cam_xmalloc(size_t n);
void *cam_xrealloc(void *p, size_t n);
char *cam_xstrdup(const char *s);
char *cam_xstrndup(const char *s, size_t n);

/* Read fd (name for messages) to its end, or through the first newline
 * if line; more than max bytes is an error. */
int cam_fd_read(int fd, const char *name, size_t max, int line,
    struct cam_buf *out, struct cam_err *e);
/*
 * Open, for reading, a file a person named (a key, a request, a
 * signature): never through a symbolic link unless follow ("PATH: a
 * symbolic link: give the WHAT itself"), never hanging on a FIFO, and
 * only a regular file; *st is its status.  The descriptor, or -1.
 */
int cam_file_open_plain(const char *path, int follow, const char *what,
    struct stat *st, struct cam_err *e);
/* Read a whole regular file (at most max bytes, else an error). */
int cam_file_read(const char *path, size_t max, struct cam_buf *out,
    struct cam_err *e);
/*
 * Write a file so that readers see the old or the new content, never a
 * mix: temporary file in the same directory (created with mode), write,
 * fsync, rename over path, fsync the directory.
 */
int cam_file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode, struct cam_err *e);
/* fsync a directory (after a rename or unlink in it). */
int cam_dir_sync(const char *dir, struct cam_err *e);
/* fsync the directory holding path (after path was linked, renamed,
 * unlinked or made there). */
int cam_dir_sync_of(const char *path, struct cam_err *e);
/* mkdir -p, giving every created directory mode. */
int cam_mkdir_p(const char *path, mode_t mode, struct cam_err *e);

/* mkdir -p of base/rel, where base exists: each directory of rel is
 * created with mode and must be a real directory, not a symbolic link. */
int cam_mkdir_under(const char *base, const char *rel, mode_t mode,
    struct cam_err *e);

/* Is s, of 1 to max bytes, a relative path that stays below where it
 * is put: parts of 1 to 255 of [A-Za-z0-9._-] between single slashes,
 * none "." or ".."?  (A request id, a seal's name.) */
int cam_relpath_valid(const char *s, size_t max);
/* Remove dir and everything under it, without following symbolic
 * links; what cannot be removed is left (a scratch directory's
 * cleaning: nothing to report). */
void cam_rm_tree(const char *dir);

/* snprintf that fails loudly instead of truncating a path. */
int cam_path(char *buf, size_t len, struct cam_err *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Append s as a JSON string literal (quotes included). */
void cam_json_str(struct cam_buf *b, const char *s);

/*
 * The person who runs the process: the name of the kernel's login uid
 * (cam_setid_login: the account that logged in, kept through sudo and
 * su; "uid-N" if it has no passwd entry), or, when none is set (a
 * service, cron), the real user's (cam_setid_caller); NULL if that is
 * unknown.  Never $USER, $SUDO_USER or $LOGNAME.
 */
const char *cam_user_name(void);
/* The account the program was run as: the real user's name
 * (cam_setid_caller: root under sudo; a set-id program's caller, not
 * its service account); NULL if unknown. */
const char *cam_user_account(void);

/*
 * The length (2 to 4) of the valid UTF-8 sequence at p, of which at
 * most avail bytes may be read, with its code point in *cp; 0 if p
 * starts none (an ASCII or stray byte, a cut sequence, an overlong
 * form, a surrogate, beyond Unicode).  A NUL ends a sequence, so avail
 * may be SIZE_MAX for a NUL-terminated string.
 */
size_t cam_utf8_seq(const void *p, size_t avail, uint32_t *cp);
/* Is s valid UTF-8 without control characters (tab allowed if tab_ok)? */
int cam_utf8_clean(const char *s, size_t len, int tab_ok);

/*
 * A size for people, in decimal units (1 kB = 1000 bytes, 1 MB = 10^6,
 * 1 GB = 10^9, 1 TB = 10^12, as disks are sold): "512 B", "1.4 TB",
 * "210 GB"; one decimal below 10 of a unit, none above.  Numbers are
 * written the C way (a point) in every language.  Machine output (JSON,
 * TSV columns) keeps exact bytes.  CAM_SIZE_LEN holds any.
 */
#define CAM_SIZE_LEN	16
void cam_fmt_size(char *buf, size_t len, uint64_t bytes);

/*
 * How far a long loop (extraction, verification, pruning) has come, for
 * a callback that shows it: done of total segments, bytes of
 * total_bytes (done may pass total a little while a segment is read).
 * The library only reports; lib/cli prints it, on a terminal only.
 */
struct cam_progress {
	uint64_t done, total;
	uint64_t bytes, total_bytes;
};
typedef void cam_progress_fn(void *arg, const struct cam_progress *p);

/* The edit distance of a and b (insertions, deletions, substitutions and
 * swaps of two neighbours count one each: optimal string alignment),
 * stopped at max + 1 when it is larger; for "did you mean". */
size_t cam_edit_distance(const char *a, const char *b, size_t max);

/*
 * A map from strings to indexes, for finding a record by name in a big
 * table (a manifest's segments by file) in constant time.  Open
 * addressing with linear probing, kept at most half full.  Keys are
 * not copied: each must stay valid, unchanged, until it is deleted or
 * the map freed.  Zero-initialise (CAM_STRMAP_INIT) before use.
 */
struct cam_strmap {
	size_t cap, n;
	const char **key;
	size_t *val;
};

#define CAM_STRMAP_INIT { 0, 0, NULL, NULL }

/* Set k's value (replacing any, and the key pointer with k). */
void cam_strmap_put(struct cam_strmap *m, const char *k, size_t v);
/* Add k with value v unless it is there: 0 if added, 1 (the map
 * unchanged, *old its value) if it was; one lookup where get then put
 * take two. */
int cam_strmap_add(struct cam_strmap *m, const char *k, size_t v,
    size_t *old);
/* 0 with *v set, or -1 if k is not in the map. */
int cam_strmap_get(const struct cam_strmap *m, const char *k, size_t *v);
/* Remove k; -1 if it was not there. */
int cam_strmap_del(struct cam_strmap *m, const char *k);
void cam_strmap_free(struct cam_strmap *m);

#endif
