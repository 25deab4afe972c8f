/*
 * cam_journal: see cam_journal.h and camkit-journal(5).
 *
 * A handle caches where the journal ended when it last looked (offset,
 * SEQ and hash of the last record).  Every append takes the lock, reads
 * what others appended since (checking that it links on), writes one
 * line with one write(2) on an O_APPEND descriptor, syncs, and moves the
 * cache on.  Readers (verify, foreach) take a shared lock only to learn
 * the size, then read that much without holding it: an append is never
 * visible half-written to a reader that holds the lock, and whatever
 * follows the size they saw is not their business.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/cam_crypto.h"
#include "base/cam_i18n.h"
#include "base/cam_json.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"

#define JLINE_MAX	CAM_JOURNAL_LINE_MAX
#define NFIELDS		6
/* "2026-11-23T01:02:03Z" */
#define TIME_LEN	20

static const char zeros[CAM_JOURNAL_HEX] =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct cam_journal {
	int	 fd;		/* O_RDWR | O_APPEND */
	int	 sync;		/* fdatasync every append */
	char	*path;
	char	 host[CAM_JOURNAL_HOST_MAX + 1];
	dev_t	 dev;		/* what path named when it was opened */
	ino_t	 ino;
	off_t	 end;		/* offset after the last record seen */
	uint64_t seq;		/* its SEQ, 0 if there is none */
	uint64_t base;		/* SEQ before the first record of the file
				 * held (a volume after the first: > 0) */
	char	 head[CAM_JOURNAL_HEX];	/* its hash, zeros if none */
	time_t	 fixed_time;	/* TIME of every append, 0: the clock */
};

/* ---- hashing and field syntax ---- */

static int
sha256_fail(struct cam_err *e)
{
	cam_err_ssl(e, "SHA-256");
	e->code = CAM_ENV;
	return -1;
}

static void
hex32(const unsigned char *md, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

static int
sha256_hex(const void *p, size_t n, char *out, struct cam_err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) || len != 32)
		return sha256_fail(e);
	hex32(md, out);
	return 0;
}

/*
 * The same hash for readers, who take one per line: EVP_Digest with
 * EVP_sha256() looks the algorithm up under a lock and makes a context
 * every time, which costs as much as hashing a short line.  A hasher
 * fetches it once and reuses one context.
 */
struct hasher {
	EVP_MD		*md;
	EVP_MD_CTX	*ctx;
};

static int
hasher_init(struct hasher *h, struct cam_err *e)
{
	h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->ctx = EVP_MD_CTX_new();
	if (h->md == NULL || h->ctx == NULL)
		return sha256_fail(e);
	return 0;
}

static int
hasher_hex(struct hasher *h, const void *p, size_t n, char *out,
    struct cam_err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!EVP_DigestInit_ex2(h->ctx, h->md, NULL) ||
	    !EVP_DigestUpdate(h->ctx, p, n) ||
	    !EVP_DigestFinal_ex(h->ctx, md, &len) || len != 32)
		return sha256_fail(e);
	hex32(md, out);
	return 0;
}

static void
hasher_free(struct hasher *h)
{
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_free(h->md);
	h->ctx = NULL;
	h->md = NULL;
}

/* A field as it may be shown in a message: printable ASCII only, cut. */
static const char *
show(const char *s, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 4 < len && i < 40; i++)
		buf[o++] = s[i] > ' ' && s[i] < 0x7f && s[i] != '"' ?
		    s[i] : '?';
	if (i < n && o + 4 < len)
		o += (size_t)snprintf(buf + o, len - o, "...");
	buf[o] = '\0';
	return buf;
}

static int
valid_host(const char *s, size_t n)
{
	if (n == 0 || n > CAM_JOURNAL_HOST_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

static int
valid_kind(const char *s, size_t n)
{
	if (n == 0 || n > CAM_JOURNAL_KIND_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-'))
			return 0;
	}
	return 1;
}

static int
valid_hash(const char *s, size_t n)
{
	unsigned ok = 1;

	if (n != 64)
		return 0;
	/* Without branches: digits and letters come at random, and
	 * mispredicted branches cost more than looking at all 64. */
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		unsigned x = (unsigned)(unsigned char)s[i] - 'a';
		ok &= (d < 10) | (x < 6);
	}
	return ok;
}

/* Decimal without sign or leading zero, 1 or more, no overflow. */
static int
parse_seq(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20 || s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int
digits2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * The time_t of a date and time whose fields are all in range (month
 * 1-12, day within the month, hour < 24, minute and second < 60), in
 * the proleptic Gregorian calendar as timegm(3) counts: days since
 * 1970-01-01 after H. Hinnant's days_from_civil.
 */
static time_t
civil_utc(int y, int mon, int d, int h, int mi, int sec)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (mon < 1 || mon > 12 || d < 1 ||
	    d > mdays[mon - 1] + (mon == 2 && leap) ||
	    h > 23 || mi > 59 || sec > 59)
		return (time_t)-1;
	y -= mon <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	long long days = era * 146097 + doe - 719468;
	return (time_t)(days * 86400 + h * 3600 + mi * 60 + sec);
}

/* Exactly the form cam_time_format_utc writes, for a real instant. */
static int
parse_time(const char *s, size_t n, time_t *out)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	char back[32];
	struct tm tm;

	if (n != TIME_LEN)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (pat[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != pat[i])
			return -1;
	/*
	 * timegm and formatting back took a sixth of the time of a
	 * verify: a date and time in range is counted here instead.  It
	 * is what cam_time_format_utc writes for its value (years 0000 to
	 * 9999 in 4 digits), so the round trip below would accept it with
	 * the same value.  Anything else takes the round trip.
	 */
	int y = digits2(s) * 100 + digits2(s + 2);
	time_t t = civil_utc(y, digits2(s + 5), digits2(s + 8),
	    digits2(s + 11), digits2(s + 14), digits2(s + 17));
	if (t != (time_t)-1) {
		*out = t;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_sec = atoi(s + 17);
	t = timegm(&tm);
	/* timegm normalises Feb 30 and hour 24: formatting back shows it. */
	cam_time_format_utc(t, back, sizeof(back));
	if (strlen(back) != n || memcmp(back, s, n) != 0)
		return -1;
	*out = t;
	return 0;
}

/*
 * Only bytes 0x20-0x7e?  Such DATA is clean UTF-8 without control
 * characters, as cam_utf8_clean would say byte by byte; most DATA is,
 * and this finds it out 8 bytes at a time ("Bit Twiddling Hacks":
 * a byte below 0x20; a byte above 0x7e).
 */
static int
printable_ascii(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = ones << 7;
	uint64_t w, bad = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		bad |= ((w - ones * 0x20) & ~w) | ((w + ones) | w);
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bad |= (uint64_t)((c < 0x20) | (c > 0x7e)) << 7;
	}
	return (bad & highs) == 0;
}

/* DATA: one JSON object on one line, in clean UTF-8; why in both
 * languages. */
static int
data_ok(const char *d, size_t n, struct cam_msg *why)
{
	struct cam_err je;

	if (!printable_ascii(d, n) && !cam_utf8_clean(d, n, 0)) {
		cam_msg_format(why, "contains a TAB, a line break, another "
		    "control character or invalid UTF-8");
		return -1;
	}
	if (n < 2 || d[0] != '{' || d[n - 1] != '}') {
		cam_msg_format(why, "not a JSON object from '{' to '}'");
		return -1;
	}
	cam_err_clear(&je);
	if (cam_json_check(d, n, &je) == -1) {
		snprintf(why->en, sizeof(why->en), "not valid JSON: %.150s",
		    je.msg);
		snprintf(why->text, sizeof(why->text), _("not valid JSON: "
		    "%.150s"), je.text);
		return -1;
	}
	return 0;
}

/* The same, why in English. */
static int
check_data(const char *d, size_t n, char *why, size_t wl)
{
	struct cam_msg m;

	if (data_ok(d, n, &m) == 0)
		return 0;
	snprintf(why, wl, "%.*s", (int)(wl > 0 ? wl - 1 : 0), m.en);
	return -1;
}

static int parse_line(char *s, size_t len, struct cam_journal_rec *r,
    struct cam_msg *why);

/* See cam_journal.h.  Does not set r->hash, line or offset. */
int
cam_journal_parse_line(char *s, size_t len, struct cam_journal_rec *r,
    char *why, size_t wl)
{
	struct cam_msg m;

	if (parse_line(s, len, r, &m) == 0)
		return 0;
	snprintf(why, wl, "%.*s", (int)(wl > 0 ? wl - 1 : 0), m.en);
	return -1;
}

/* cam_journal_parse_line, why in both languages. */
static int
parse_line(char *s, size_t len, struct cam_journal_rec *r,
    struct cam_msg *why)
{
	char *f[NFIELDS], sh[64];
	size_t fl[NFIELDS];
	int n = 1;

	s[len] = '\0';
	f[0] = s;
	for (char *p = s, *end = s + len;
	    (p = memchr(p, '\t', (size_t)(end - p))) != NULL; p++) {
		if (n < NFIELDS)
			f[n] = p + 1;
		n++;
	}
	if (n != NFIELDS) {
		if (n == 1)
			cam_msg_format(why, "1 field, want 6 (SEQ TIME HOST "
			    "PREV KIND DATA separated by TABs)");
		else
			cam_msg_format(why, "%d fields, want 6 (SEQ TIME HOST "
			    "PREV KIND DATA separated by TABs)", n);
		return -1;
	}
	for (int i = 0; i < NFIELDS; i++) {
		char *next = i + 1 < NFIELDS ? f[i + 1] - 1 : s + len;
		fl[i] = (size_t)(next - f[i]);
		*next = '\0';
	}
	if (parse_seq(f[0], fl[0], &r->seq) == -1) {
		cam_msg_format(why, "bad SEQ \"%s\": want a decimal number",
		    show(f[0], fl[0], sh, sizeof(sh)));
		return -1;
	}
	if (parse_time(f[1], fl[1], &r->time) == -1) {
		cam_msg_format(why, "bad TIME \"%s\": want UTC as "
		    "2026-11-23T01:02:03Z", show(f[1], fl[1], sh, sizeof(sh)));
		return -1;
	}
	if (!valid_host(f[2], fl[2])) {
		cam_msg_format(why, "bad HOST \"%s\": want 1 to %d of "
		    "A-Z a-z 0-9 . -", show(f[2], fl[2], sh, sizeof(sh)),
		    CAM_JOURNAL_HOST_MAX);
		return -1;
	}
	if (!valid_hash(f[3], fl[3])) {
		cam_msg_format(why, "bad PREV \"%s\": want 64 lower-case hex "
		    "digits", show(f[3], fl[3], sh, sizeof(sh)));
		return -1;
	}
	if (!valid_kind(f[4], fl[4])) {
		cam_msg_format(why, "bad KIND \"%s\": want 1 to %d of a-z 0-9 -",
		    show(f[4], fl[4], sh, sizeof(sh)), CAM_JOURNAL_KIND_MAX);
		return -1;
	}
	struct cam_msg dw;
	if (data_ok(f[5], fl[5], &dw) == -1) {
		snprintf(why->en, sizeof(why->en), "bad DATA: %.900s", dw.en);
		snprintf(why->text, sizeof(why->text), _("bad DATA: %.900s"),
		    dw.text);
		return -1;
	}
	r->host = f[2];
	memcpy(r->prev, f[3], CAM_JOURNAL_HEX);
	r->kind = f[4];
	r->data = f[5];
	return 0;
}

/* ---- reading lines ---- */

struct lines {
	int	 fd;
	off_t	 pos;		/* file offset of buf[0] */
	off_t	 limit;		/* nothing at or after it is read */
	char	*buf;		/* LINES_CAP bytes */
	size_t	 len;		/* bytes in buf */
	size_t	 start;		/* where the next line begins in buf */
};
#define LINES_CAP	(2 * (size_t)JLINE_MAX)

/*
 * The next line at *off: 1 with *line and *n (LF included); 2 if it is
 * longer than JLINE_MAX; 0 at the end, *n then being the bytes left
 * without LF (a torn line); -1 if the file cannot be read.
 */
static int
lines_next(struct lines *r, const char *path, const char **line, size_t *n,
    off_t *off, struct cam_err *e)
{
	for (;;) {
		size_t have = r->len - r->start;
		char *nl = memchr(r->buf + r->start, '\n', have);

		*line = r->buf + r->start;
		*off = r->pos + (off_t)r->start;
		if (nl != NULL) {
			*n = (size_t)(nl + 1 - *line);
			if (*n > JLINE_MAX)
				return 2;
			r->start += *n;
			return 1;
		}
		*n = have;
		if (have >= JLINE_MAX)
			return 2;
		memmove(r->buf, r->buf + r->start, have);
		r->pos += (off_t)r->start;
		r->start = 0;
		r->len = have;
		*line = r->buf;
		off_t room = (off_t)(LINES_CAP - r->len);
		off_t left = r->limit - (r->pos + (off_t)r->len);
		if (left < room)
			room = left;
		if (room <= 0)
			return 0;
		ssize_t got = pread(r->fd, r->buf + r->len, (size_t)room,
		    r->pos + (off_t)r->len);
		if (got == -1) {
			if (errno == EINTR)
				continue;
			return cam_err_sys(e, "read %s", path);
		}
		if (got == 0)	/* cut back by a repair: end here */
			r->limit = r->pos + (off_t)r->len;
		r->len += (size_t)got;
	}
}

static int
read_at(int fd, const char *path, void *buf, size_t n, off_t off,
    struct cam_err *e)
{
	char *p = buf;

	while (n > 0) {
		ssize_t got = pread(fd, p, n, off);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			return cam_err_sys(e, "read %s", path);
		if (got == 0)
			return cam_errf(e, CAM_ENV, "read %s: unexpected end "
			    "of file (cut while read?)", path);
		p += got;
		n -= (size_t)got;
		off += got;
	}
	return 0;
}

/*
 * Wait for the lock, but not for a holder that makes no progress: when
 * the journal has not changed for CAM_JOURNAL_LOCK_WAIT seconds while we
 * wait, its holder is stopped (SIGSTOP, a debugger) or hung, and every
 * other writer would hang with it for as long as it stays so; give up.
 * Busy writers, each holding the lock for one write and one sync, keep
 * changing the file and are waited for as long as they take.  Polled,
 * so that no signal handler or timer of the library's runs in the
 * caller's process.
 */
static int
lock(int fd, int op, const char *path, struct cam_err *e)
{
	struct timespec t0, now, nap = { 0, 500000 };
	struct stat st, seen;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (fstat(fd, &seen) == -1)
		return cam_err_sys(e, "%s", path);
	while (flock(fd, op | LOCK_NB) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return cam_err_sys(e, "lock %s", path);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (fstat(fd, &st) == 0 && (st.st_size != seen.st_size ||
		    st.st_mtim.tv_sec != seen.st_mtim.tv_sec ||
		    st.st_mtim.tv_nsec != seen.st_mtim.tv_nsec)) {
			seen = st;
			t0 = now;	/* the holder is at work */
		} else if (now.tv_sec - t0.tv_sec >= CAM_JOURNAL_LOCK_WAIT)
			return cam_errf(e, CAM_ENV, "%s: another process has "
			    "held the journal's lock for more than %d s without "
			    "writing (a stopped camkit program?): gave up, "
			    "nothing written", path, CAM_JOURNAL_LOCK_WAIT);
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 8000000)
			nap.tv_nsec *= 2;
	}
	return 0;
}

static void
unlock(int fd)
{
	while (flock(fd, LOCK_UN) == -1 && errno == EINTR)
		;
}

/* ---- appending ---- */

/* Write the record under the lock, the cache being up to date. */
static int
append_locked(struct cam_journal *j, const char *kind, const char *data,
    struct cam_journal_rec *out, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	char ts[32], hash[CAM_JOURNAL_HEX];
	time_t now = j->fixed_time ? j->fixed_time : time(NULL);
	int rc = -1;

	/* Taken under the lock: TIME never goes back unless the clock does. */
	cam_time_format_utc(now, ts, sizeof(ts));
	if (strlen(ts) != TIME_LEN)
		return cam_errf(e, CAM_ENV, "%s: the clock says %s", j->path,
		    ts);
	cam_buf_addf(&b, "%" PRIu64 "\t%s\t%s\t%s\t%s\t", j->seq + 1, ts,
	    j->host, j->head, kind);
	cam_buf_adds(&b, data);
	cam_buf_add(&b, "\n", 1);
	if (b.len > JLINE_MAX) {
		cam_errf(e, CAM_NO, "%s: record of %zu bytes refused: a line "
		    "holds at most %d", j->path, b.len, JLINE_MAX);
		goto end;
	}
	if (sha256_hex(b.s, b.len, hash, e) == -1)
		goto end;

	ssize_t n;
	do
		n = write(j->fd, b.s, b.len);
	while (n == -1 && errno == EINTR);
	int saved = errno;
	if (n != (ssize_t)b.len) {
		struct statvfs fs;
		if (n >= 0 && fstatvfs(j->fd, &fs) == 0 &&
		    (uint64_t)fs.f_bavail * fs.f_frsize < b.len)
			saved = ENOSPC;
		if (n >= 0 && saved != ENOSPC)
			cam_errf(e, CAM_ENV, "%s: short write (%zd of %zu "
			    "bytes): file size limit?", j->path, n, b.len);
		else if (saved == ENOSPC || saved == EDQUOT) {
			/* The reason in English in the record, translated
			 * for the reader (cam_err_sys). */
			errno = saved;
			cam_err_sys(e, "%s: disk full, record not written",
			    j->path);
		} else {
			errno = saved;
			cam_err_sys(e, "write %s", j->path);
		}
		goto undo;
	}
	if (j->sync && fdatasync(j->fd) == -1) {
		/* The caller is told the record is not there: make it so.
		 * ENOSPC may come only now, on some file systems. */
		cam_err_sys(e, "sync %s", j->path);
		goto undo;
	}
	if (out != NULL) {
		out->seq = j->seq + 1;
		out->time = now;
		out->host = j->host;
		out->kind = kind;
		out->data = data;
		memcpy(out->prev, j->head, CAM_JOURNAL_HEX);
		memcpy(out->hash, hash, CAM_JOURNAL_HEX);
		out->line = out->seq - j->base;
		out->offset = j->end;
	}
	j->end += (off_t)b.len;
	j->seq++;
	memcpy(j->head, hash, CAM_JOURNAL_HEX);
	rc = 0;
	goto end;
undo:
	if (ftruncate(j->fd, j->end) == -1) {
		struct cam_err te;

		cam_err_clear(&te);
		cam_err_sys(&te, "%s: could not cut it back to %lld bytes "
		    "(the next append repairs it)", j->path,
		    (long long)j->end);
		cam_err_pair(e, CAM_ENV, 1, te.msg, te.text);
	}
	else {
		(void)fdatasync(j->fd);
		cam_err_addf(e, CAM_ENV, "%s: journal left as it was",
		    j->path);
	}
end:
	cam_buf_free(&b);
	return rc;
}

/*
 * A journal belongs to the owner of its directory: when the superuser
 * (an administrator's camctl) creates one in the service account's data
 * root, it gives it away, or the service account could not append.
 */
static int
own_like_dir(int fd, const char *path)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	if (geteuid() != 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) == -1)
		return -1;
	if (st.st_uid == 0)
		return 0;
	return fchown(fd, st.st_uid, st.st_gid);
}

/*
 * Bytes after the last LF, from j->end to size: an append that a crash
 * cut short.  Keep them in a file of their own, cut them off, and say so
 * in a record.
 */
static int
repair_torn(struct cam_journal *j, off_t size, struct cam_err *e)
{
	struct cam_buf data = CAM_BUF_INIT;
	char tpath[PATH_MAX], when[32], hash[CAM_JOURNAL_HEX], why[256];
	off_t n = size - j->end;
	char *buf = NULL;
	int fd = -1, rc = -1, sync;

	/* One write(2) of at most JLINE_MAX bytes cannot leave more. */
	if (n >= JLINE_MAX)
		return cam_errf(e, CAM_NO, "%s: %lld bytes without LF after "
		    "the last record at byte %lld: more than an append "
		    "writes, not repaired", j->path, (long long)n,
		    (long long)j->end);
	buf = cam_xmalloc((size_t)n);
	if (read_at(j->fd, j->path, buf, (size_t)n, j->end, e) == -1 ||
	    sha256_hex(buf, (size_t)n, hash, e) == -1)
		goto end;
	cam_time_format_compact(time(NULL), when, sizeof(when));
	for (int i = 1; fd == -1; i++) {
		if (i > 100) {
			cam_errf(e, CAM_ENV, "%s.torn-%s: 100 names taken",
			    j->path, when);
			goto end;
		}
		if ((i == 1 ? cam_path(tpath, sizeof(tpath), e, "%s.torn-%s",
		    j->path, when) : cam_path(tpath, sizeof(tpath), e,
		    "%s.torn-%s-%d", j->path, when, i)) == -1)
			goto end;
		fd = open(tpath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (fd == -1 && errno != EEXIST) {
			cam_err_sys(e, "%s", tpath);
			goto end;
		}
	}
	if (fchmod(fd, 0640) == -1 || own_like_dir(fd, tpath) == -1) {
		cam_err_sys(e, "chmod %s", tpath);
		goto end;
	}
	for (char *p = buf; p < buf + n; ) {
		ssize_t w = write(fd, p, (size_t)(buf + n - p));
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1) {
			cam_err_sys(e, "write %s", tpath);
			goto end;
		}
		p += w;
	}
	if (fsync(fd) == -1) {
		cam_err_sys(e, "sync %s", tpath);
		goto end;
	}
	if (cam_dir_sync_of(tpath, e) == -1)
		goto end;
	/* The bytes are safe elsewhere: now, and only now, cut them off. */
	if (ftruncate(j->fd, j->end) == -1) {
		cam_err_sys(e, "truncate %s", j->path);
		goto end;
	}
	if (fsync(j->fd) == -1) {
		cam_err_sys(e, "sync %s", j->path);
		goto end;
	}
	char base[PATH_MAX];
	snprintf(base, sizeof(base), "%s", tpath);
	cam_json_begin(&data);
	cam_json_add_int(&data, "dropped_bytes", (int64_t)n);
	cam_json_add_str(&data, "dropped_sha256", hash);
	cam_json_add_str(&data, "saved_as", basename(base));
	cam_json_end(&data);
	if (check_data(data.s, data.len, why, sizeof(why)) == -1) {
		cam_errf(e, CAM_NO, "%s: torn line saved as %s, but no repair "
		    "record can name it: %s", j->path, tpath, why);
		goto end;
	}
	sync = j->sync;
	j->sync = 1;		/* a repair is rare and must last */
	rc = append_locked(j, "repair", data.s, NULL, e);
	j->sync = sync;
end:
	if (fd != -1)
		close(fd);
	free(buf);
	cam_buf_free(&data);
	return rc;
}

/*
 * At open, under the lock: find the last complete line from the end of
 * the file (reading at most two lines' worth), check it, cache it, and
 * repair a torn line after it.
 */
static int
read_tail(struct cam_journal *j, off_t size, struct cam_err *e)
{
	struct cam_journal_rec r;
	char why[256], *buf = NULL, *last, *nl;
	size_t want = size < (off_t)LINES_CAP ? (size_t)size : LINES_CAP;
	off_t base = size - (off_t)want, lf_end;
	int rc = -1;

	j->end = 0;
	j->seq = 0;
	memcpy(j->head, zeros, CAM_JOURNAL_HEX);
	if (size == 0)
		return 0;
	buf = cam_xmalloc(want + 1);
	if (read_at(j->fd, j->path, buf, want, base, e) == -1)
		goto end;
	nl = memrchr(buf, '\n', want);
	lf_end = nl ? base + (nl - buf) + 1 : base;
	if (nl == NULL && base > 0) {
		cam_errf(e, CAM_NO, "%s: no LF in the last %zu bytes: not a "
		    "journal", j->path, want);
		goto end;
	}
	if (nl != NULL) {
		char *prev = memrchr(buf, '\n', (size_t)(nl - buf));
		if (prev == NULL && base > 0) {
			cam_errf(e, CAM_NO, "%s: last line longer than %d "
			    "bytes: not a journal", j->path, JLINE_MAX);
			goto end;
		}
		last = prev ? prev + 1 : buf;
		size_t n = (size_t)(nl - last) + 1;
		if (n > JLINE_MAX) {
			cam_errf(e, CAM_NO, "%s: last line longer than %d "
			    "bytes: not a journal", j->path, JLINE_MAX);
			goto end;
		}
		if (sha256_hex(last, n, j->head, e) == -1)
			goto end;
		if (cam_journal_parse_line(last, n - 1, &r, why,
		    sizeof(why)) == -1) {
			cam_errf(e, CAM_NO, "%s: last record (byte %lld): %s; "
			    "not repaired, see camkit-journal(5)", j->path,
			    (long long)base + (long long)(last - buf), why);
			goto end;
		}
		j->seq = r.seq;
		j->end = lf_end;
	}
	rc = size > lf_end ? repair_torn(j, size, e) : 0;
end:
	free(buf);
	return rc;
}

static int follow(struct cam_journal *j, struct cam_err *e);

/*
 * Under the lock, before an append: read what others appended since
 * this handle last looked, and check that it links on.
 */
static int
catch_up(struct cam_journal *j, struct cam_err *e)
{
	struct stat st, sp;
	struct lines r;
	char *copy = NULL, why[256], hash[CAM_JOURNAL_HEX];
	int rc = -1, rotated = 0;

	if (fstat(j->fd, &st) == -1)
		return cam_err_sys(e, "%s", j->path);
	if (stat(j->path, &sp) == -1) {
		if (errno != ENOENT)
			return cam_err_sys(e, "%s", j->path);
		sp.st_dev = 0;
		sp.st_ino = 0;
	}
	if (sp.st_dev != j->dev || sp.st_ino != j->ino) {
		/* Rotated (a closed volume now) or replaced: read what was
		 * appended before, then go on in the file path names now,
		 * whose records must link on (follow). */
		if (sp.st_ino == 0 || st.st_nlink == 0)
			return cam_errf(e, CAM_NO, "%s: removed or replaced "
			    "since it was opened", j->path);
		rotated = 1;
	}
	if (st.st_size == j->end)
		return rotated ? follow(j, e) : 0;
	if (st.st_size < j->end)
		return cam_errf(e, CAM_NO, "%s: shrank from %lld to %lld bytes "
		    "since it was last read: records were removed", j->path,
		    (long long)j->end, (long long)st.st_size);
	memset(&r, 0, sizeof(r));
	r.fd = j->fd;
	r.pos = j->end;
	r.limit = st.st_size;
	r.buf = cam_xmalloc(LINES_CAP);
	copy = cam_xmalloc(JLINE_MAX + 1);
	for (;;) {
		struct cam_journal_rec rec;
		const char *line;
		size_t n;
		off_t off;
		int k = lines_next(&r, j->path, &line, &n, &off, e);

		if (k == -1)
			goto end;
		if (k == 0) {
			if (n > 0 && rotated)
				cam_errf(e, CAM_NO, "%s: a closed volume ends "
				    "with a torn line", j->path);
			else if (n > 0)
				rc = repair_torn(j, r.limit, e);
			else
				rc = rotated ? follow(j, e) : 0;
			goto end;
		}
		if (k == 2)
			snprintf(why, sizeof(why), "longer than %d bytes",
			    JLINE_MAX);
		else {
			memcpy(copy, line, n);
			if (sha256_hex(copy, n, hash, e) == -1)
				goto end;
			if (cam_journal_parse_line(copy, n - 1, &rec, why,
			    sizeof(why)) == 0) {
				if (rec.seq == j->seq + 1 &&
				    strcmp(rec.prev, j->head) == 0) {
					j->seq++;
					j->end += (off_t)n;
					memcpy(j->head, hash, CAM_JOURNAL_HEX);
					continue;
				}
				snprintf(why, sizeof(why), "SEQ %" PRIu64
				    " or PREV does not follow record %" PRIu64,
				    rec.seq, j->seq);
			}
		}
		cam_errf(e, CAM_NO, "%s: record at byte %lld, appended by "
		    "another writer after record %" PRIu64 ": %s", j->path,
		    (long long)off, j->seq, why);
		goto end;
	}
end:
	free(r.buf);
	free(copy);
	return rc;
}

/* The SEQ of the first record of a file, 0 if it cannot be read. */
static uint64_t
first_seq(const char *path)
{
	char buf[32], *tab;
	uint64_t seq;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd == -1)
		return 0;
	do
		n = pread(fd, buf, sizeof(buf), 0);
	while (n == -1 && errno == EINTR);
	close(fd);
	if (n <= 0 || (tab = memchr(buf, '\t', (size_t)n)) == NULL ||
	    parse_seq(buf, (size_t)(tab - buf), &seq) == -1)
		return 0;
	return seq;
}

/*
 * The journal was rotated while this handle held its old file: go on in
 * the file path names now.  The lock passes from the old file to the
 * new one; catch_up reads the new one from its start, so its first
 * record (the "volume" record) must follow the last one seen here.  A
 * handle that slept through several rotations (a recorder whose camera
 * was down for weeks) goes through the closed volumes after the one it
 * held: the closed volume whose first record follows on is read to its
 * end, then the next, up to the file path names.
 */
static int
follow(struct cam_journal *j, struct cam_err *e)
{
	struct stat st;
	char **v, next[PATH_MAX];
	size_t nv;
	int fd;

	snprintf(next, sizeof(next), "%s", j->path);
	if (cam_journal_volumes(j->path, &v, &nv, e) == -1)
		return -1;
	for (size_t i = 0; i < nv; i++)
		if (first_seq(v[i]) == j->seq + 1) {
			snprintf(next, sizeof(next), "%s", v[i]);
			break;
		}
	cam_journal_volumes_free(v, nv);
	fd = open(next, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return cam_err_sys(e, "%s", next);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cam_errf(e, CAM_NO, "%s: not a regular file", next);
	}
	if (lock(fd, LOCK_EX, j->path, e) == -1) {
		close(fd);
		return -1;
	}
	unlock(j->fd);
	close(j->fd);
	j->fd = fd;
	j->dev = st.st_dev;
	j->ino = st.st_ino;
	j->end = 0;
	j->base = j->seq;
	if (catch_up(j, e) == -1) {
		char why[512];

		if (e->code != CAM_NO)
			return -1;
		snprintf(why, sizeof(why), "%.500s", e->msg);
		return cam_errf(e, CAM_NO, "%s: removed or replaced since it "
		    "was opened, not rotated (%s)", j->path, why);
	}
	return 0;
}

/* The last line of fd before end, parsed into r (strings in buf, of
 * JLINE_MAX + 1 bytes). */
static int
last_record(int fd, const char *path, off_t end, char *buf,
    struct cam_journal_rec *r, struct cam_err *e)
{
	size_t want = end < (off_t)JLINE_MAX ? (size_t)end : JLINE_MAX;
	char why[256], *p;

	if (read_at(fd, path, buf, want, end - (off_t)want, e) == -1)
		return -1;
	if (want == 0 || buf[want - 1] != '\n')
		return cam_errf(e, CAM_NO, "%s: no last record", path);
	p = memrchr(buf, '\n', want - 1);
	p = p ? p + 1 : buf;
	if (p == buf && end > (off_t)want)
		return cam_errf(e, CAM_NO, "%s: last line too long", path);
	if (cam_journal_parse_line(p, (size_t)(buf + want - 1 - p), r, why,
	    sizeof(why)) == -1)
		return cam_errf(e, CAM_NO, "%s: last record: %s", path, why);
	return 0;
}

int
cam_journal_open(struct cam_journal **jp, const char *path,
    const char *host, struct cam_err *e)
{
	struct cam_journal *j;
	char hn[CAM_JOURNAL_HOST_MAX + 2], sh[64];
	struct stat st;
	int locked = 0;

	*jp = NULL;
	if (host == NULL) {
		if (gethostname(hn, sizeof(hn)) == -1)
			return cam_err_sys(e, "host name");
		hn[sizeof(hn) - 1] = '\0';
		host = hn;
	}
	if (!valid_host(host, strlen(host)))
		return cam_errf(e, CAM_NO, "%s: bad host name \"%s\": want 1 "
		    "to %d of A-Z a-z 0-9 . -", path,
		    show(host, strlen(host), sh, sizeof(sh)),
		    CAM_JOURNAL_HOST_MAX);
	j = cam_xmalloc(sizeof(*j));
	memset(j, 0, sizeof(*j));
	j->sync = 1;
	j->path = cam_xstrdup(path);
	snprintf(j->host, sizeof(j->host), "%s", host);
	j->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0640);
	if (j->fd != -1) {
		/* open() applied the umask; the mode is part of the format. */
		if (fchmod(j->fd, 0640) == -1 ||
		    own_like_dir(j->fd, path) == -1) {
			cam_err_sys(e, "chmod %s", path);
			goto fail;
		}
		if (cam_dir_sync_of(path, e) == -1)
			goto fail;
	} else if (errno == EEXIST)
		j->fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (j->fd == -1 && errno == ELOOP) {
		cam_errf(e, CAM_NO, "%s: a symbolic link, not a journal: "
		    "refused", path);
		goto fail;
	}
	if (j->fd == -1) {
		cam_err_sys(e, "%s", path);
		goto fail;
	}
	if (fstat(j->fd, &st) == -1) {
		cam_err_sys(e, "%s", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		cam_errf(e, CAM_NO, "%s: not a regular file", path);
		goto fail;
	}
	j->dev = st.st_dev;
	j->ino = st.st_ino;
	if (lock(j->fd, LOCK_EX, path, e) == -1)
		goto fail;
	locked = 1;
	/* The size may have changed while we waited for the lock. */
	if (fstat(j->fd, &st) == -1) {
		cam_err_sys(e, "%s", path);
		goto fail;
	}
	if (read_tail(j, st.st_size, e) == -1)
		goto fail;
	uint64_t first = j->seq > 0 ? first_seq(path) : 0;
	j->base = first > 0 ? first - 1 : 0;
	unlock(j->fd);
	*jp = j;	/* the caller owns it now */
	return 0;
fail:
	if (locked)
		unlock(j->fd);
	cam_journal_close(&j);
	return -1;
}

static int
check_kind(struct cam_journal *j, const char *kind, struct cam_err *e)
{
	char sh[64];

	if (kind == NULL || !valid_kind(kind, strlen(kind)))
		return cam_errf(e, CAM_NO, "%s: bad KIND \"%s\": want 1 to %d "
		    "of a-z 0-9 -", j->path,
		    kind ? show(kind, strlen(kind), sh, sizeof(sh)) : "",
		    CAM_JOURNAL_KIND_MAX);
	return 0;
}

static int
check_json(struct cam_journal *j, const char *data_json, struct cam_err *e)
{
	char why[256];
	size_t n;

	if (data_json == NULL)
		return cam_errf(e, CAM_NO, "%s: no DATA", j->path);
	n = strlen(data_json);
	if (n >= JLINE_MAX)
		return cam_errf(e, CAM_NO, "%s: DATA of %zu bytes refused: a "
		    "line holds at most %d", j->path, n, JLINE_MAX);
	if (check_data(data_json, n, why, sizeof(why)) == -1)
		return cam_errf(e, CAM_NO, "%s: refused DATA: %s", j->path,
		    why);
	return 0;
}

int
cam_journal_append(struct cam_journal *j, const char *kind,
    const char *data_json, struct cam_journal_rec *out, struct cam_err *e)
{
	int rc;

	if (check_kind(j, kind, e) == -1 || check_json(j, data_json, e) == -1)
		return -1;
	if (lock(j->fd, LOCK_EX, j->path, e) == -1)
		return -1;
	rc = catch_up(j, e);
	if (rc == 0)
		rc = append_locked(j, kind, data_json, out, e);
	unlock(j->fd);
	return rc;
}

int
cam_journal_append_fn(struct cam_journal *j, const char *kind,
    cam_journal_data_fn fn, void *arg, struct cam_journal_rec *out,
    struct cam_err *e)
{
	struct cam_buf data = CAM_BUF_INIT;
	int rc;

	if (check_kind(j, kind, e) == -1)
		return -1;
	if (lock(j->fd, LOCK_EX, j->path, e) == -1)
		return -1;
	rc = catch_up(j, e);
	if (rc == 0)
		rc = fn(arg, j->seq, j->head, &data, e);
	if (rc == 0)
		rc = check_json(j, cam_buf_str(&data), e);
	/* out->data would point into data, freed below. */
	if (rc == 0)
		rc = append_locked(j, kind, cam_buf_str(&data), NULL, e);
	if (rc == 0 && out != NULL) {
		memset(out, 0, sizeof(*out));
		out->seq = j->seq;
		out->line = j->seq;
		memcpy(out->hash, j->head, CAM_JOURNAL_HEX);
	}
	unlock(j->fd);
	cam_buf_free(&data);
	return rc;
}

uint64_t
cam_journal_seq(const struct cam_journal *j)
{
	return j->seq;
}

const char *
cam_journal_path(const struct cam_journal *j)
{
	return j->path;
}

const char *
cam_journal_host(const struct cam_journal *j)
{
	return j->host;
}

void
cam_journal_set_sync(struct cam_journal *j, int on)
{
	j->sync = on != 0;
}

void
cam_journal_set_time(struct cam_journal *j, time_t t)
{
	j->fixed_time = t;
}

void
cam_journal_close(struct cam_journal **jp)
{
	struct cam_journal *j = *jp;

	if (j == NULL)
		return;
	if (j->fd != -1)
		close(j->fd);
	free(j->path);
	free(j);
	*jp = NULL;
}

/* ---- volumes ---- */

/* Is name (a directory entry) base followed by ".YYYY-MM"? */
static int
volume_name(const char *name, const char *base)
{
	size_t n = strlen(base);
	const char *m = name + n;

	if (strncmp(name, base, n) != 0 || strlen(m) != 8 || m[0] != '.')
		return 0;
	for (int k = 1; k < 8; k++)
		if (k == 5 ? m[k] != '-' : (m[k] < '0' || m[k] > '9'))
			return 0;
	return 1;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
cam_journal_volumes_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
cam_journal_volumes(const char *path, char ***out, size_t *nout,
    struct cam_err *e)
{
	char dir[PATH_MAX], base[NAME_MAX + 1], full[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct dirent *d;
	char **v = NULL;
	size_t n = 0, cap = 0;
	DIR *dp;

	*out = NULL;
	*nout = 0;
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) > 0 ?
		    (int)(slash - path) : 1, path);
	snprintf(base, sizeof(base), "%s", slash ? slash + 1 : path);
	if ((dp = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return cam_err_sys(e, "%s", dir);
	}
	while ((errno = 0, d = readdir(dp)) != NULL) {
		if (!volume_name(d->d_name, base))
			continue;
		if (cam_path(full, sizeof(full), e, "%s.%s", path,
		    d->d_name + strlen(base) + 1) == -1) {
			closedir(dp);
			cam_journal_volumes_free(v, n);
			return -1;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = cam_xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = cam_xstrdup(full);
	}
	if (errno != 0) {
		cam_err_sys(e, "%s", dir);
		closedir(dp);
		cam_journal_volumes_free(v, n);
		return -1;
	}
	closedir(dp);
	if (n > 1)
		qsort(v, n, sizeof(*v), by_name);
	*out = v;
	*nout = n;
	return 0;
}

/* The first record of a volume file, read without the lock (volumes
 * are closed; the current one's first line never changes).  0, 1 if
 * the file is empty, -1 on error. */
static int
first_record(const char *path, time_t *t, struct cam_err *e)
{
	struct cam_journal_rec r;
	char *buf = cam_xmalloc(JLINE_MAX + 1), *nl, why[256];
	ssize_t got;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		free(buf);
		if (errno == ELOOP)
			return cam_errf(e, CAM_NO, "%s: a symbolic link, not a "
			    "journal: refused", path);
		return cam_err_sys(e, "%s", path);
	}
	do
		got = pread(fd, buf, JLINE_MAX, 0);
	while (got == -1 && errno == EINTR);
	if (got == -1)
		cam_err_sys(e, "read %s", path);
	else if (got == 0)
		rc = 1;
	else if ((nl = memchr(buf, '\n', (size_t)got)) == NULL)
		cam_errf(e, CAM_NO, "%s:1: no whole first line", path);
	else if (cam_journal_parse_line(buf, (size_t)(nl - buf), &r, why,
	    sizeof(why)) == -1)
		cam_errf(e, CAM_NO, "%s:1: %s", path, why);
	else {
		*t = r.time;
		rc = 0;
	}
	close(fd);
	free(buf);
	return rc;
}

/* ---- reading whole journals ---- */

/*
 * A walk reads the volumes of a journal one after the other as one
 * chain: SEQ and PREV run on from the last record of one volume to the
 * first of the next, which must be a "volume" record naming the one
 * before.  The first volume read either begins the journal (SEQ 1,
 * PREV 64 zeros) or, for a walk that starts later (anchored), is taken
 * as it begins.
 */
struct walk {
	const char *path;	/* the file being read */
	int (*cb)(void *, const struct cam_journal_rec *);
	void *arg;
	struct cam_journal_verify *v;
	int anchored;		/* the first file need not begin the chain */
	int volume_ok;		/* nor one that begins with a volume record
				 * (the volumes before it archived) */
	int nolock;		/* the caller holds the lock (rotation) */
	off_t limit;		/* with nolock: read this much */
	uint64_t base;		/* SEQ before the file's first record */
	const char *prev_vol;	/* the file read before, NULL if none */
	struct hasher h;
	char *cbuf, *pbuf;
	char before[CAM_JOURNAL_HEX];
	struct cam_journal_rec pend;
	int have_pend;
	dev_t dev;		/* of the file read before */
	ino_t ino;
};

/* Line line of the walk is bad: why in v (English, as the report of
 * the walk keeps it) and "FILE:LINE: why" in e, in both languages.
 * fmt is a msgid (XGETTEXT_KEYWORDS in the Makefile names chain_bad). */
static int
chain_bad(struct walk *w, uint64_t line, struct cam_err *e,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The same with why already in both languages. */
static int
chain_bad_msg(struct walk *w, uint64_t line, struct cam_err *e,
    const struct cam_msg *m)
{
	char en[CAM_ERR_MAX], text[CAM_ERR_MAX];

	snprintf(w->v->why, sizeof(w->v->why), "%.255s", m->en);
	w->v->bad_line = w->base + line;
	w->v->file_line = line;
	snprintf(w->v->file, sizeof(w->v->file), "%s", w->path);
	snprintf(en, sizeof(en), "%.2048s:%" PRIu64 ": %s", w->path, line,
	    m->en);
	snprintf(text, sizeof(text), "%.2048s:%" PRIu64 ": %s", w->path, line,
	    m->text);
	return cam_err_pair(e, CAM_NO, 0, en, text);
}

static int
chain_bad(struct walk *w, uint64_t line, struct cam_err *e,
    const char *fmt, ...)
{
	struct cam_msg m;
	va_list ap;

	va_start(ap, fmt);
	cam_msg_vformat(&m, fmt, ap);
	va_end(ap);
	return chain_bad_msg(w, line, e, &m);
}

/*
 * Line L's PREV is not the hash of line L-1.  Either L-1 was changed,
 * or L's PREV was (or records between them were removed).  If line L+1
 * links to L, L is intact, so L-1 is the one that changed.
 */
static int
broken_link(struct walk *w, struct lines *r, uint64_t L,
    const struct cam_journal_rec *cur, const char *hash_before,
    struct cam_err *e)
{
	struct cam_journal_rec next;
	const char *line;
	char *copy, why[256];
	size_t n;
	off_t off;
	int k, next_links = 0;

	k = lines_next(r, w->path, &line, &n, &off, e);
	if (k == -1)
		return -1;
	if (k == 1) {
		copy = cam_xmalloc(n);
		memcpy(copy, line, n);
		next_links = cam_journal_parse_line(copy, n - 1, &next, why,
		    sizeof(why)) == 0 && strcmp(next.prev, cur->hash) == 0;
		free(copy);
	}
	if (next_links || k == 0) {
		/* Record L-1 is not vouched for: take it back. */
		w->v->records = w->base + L - 2;
		memcpy(w->v->head, hash_before, CAM_JOURNAL_HEX);
		if (next_links)
			return chain_bad(w, L - 1, e, "record %" PRIu64 " was "
			    "changed: its hash is not the PREV of record %"
			    PRIu64, w->base + L - 1, w->base + L);
		return chain_bad(w, L - 1, e, "the hash of record %" PRIu64 " is "
		    "not the PREV of record %" PRIu64 ", the last: one of "
		    "them was changed", w->base + L - 1, w->base + L);
	}
	return chain_bad(w, L, e, "PREV is not the hash of record %" PRIu64
	    ": this PREV was changed, or records were removed before this "
	    "one", w->base + L - 1);
}

/* Is cur, the first record of a volume after another, the "volume"
 * record that names it? */
static int
volume_link_ok(struct walk *w, const struct cam_journal_rec *cur)
{
	char prev[NAME_MAX + 1];
	const char *b = strrchr(w->prev_vol, '/');

	return strcmp(cur->kind, CAM_JOURNAL_VOLUME_KIND) == 0 &&
	    cam_json_get_str(cur->data, "previous", prev, sizeof(prev)) == 0 &&
	    strcmp(prev, b ? b + 1 : w->prev_vol) == 0;
}

/* Read one file of the walk: 0 at its end, -1 on a fault, or what the
 * callback returned to stop. */
static int
walk_file(struct walk *w, int first, struct cam_err *e)
{
	struct cam_journal_rec cur;
	struct lines r;
	struct stat st;
	uint64_t L = 0;
	int fd, rc = -1, stop;

	if ((fd = open(w->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ELOOP)
			return cam_errf(e, CAM_NO, "%s: a symbolic link, not a "
			    "journal: refused", w->path);
		return cam_err_sys(e, "%s", w->path);
	}
	memset(&r, 0, sizeof(r));
	r.buf = cam_xmalloc(LINES_CAP);
	r.fd = fd;
	if (fstat(fd, &st) == -1) {
		cam_err_sys(e, "%s", w->path);
		goto end;
	}
	if (!S_ISREG(st.st_mode)) {
		cam_errf(e, CAM_NO, "%s: not a regular file", w->path);
		goto end;
	}
	if (!first && st.st_dev == w->dev && st.st_ino == w->ino) {
		/* A rotation cut short after its link: the closed volume and
		 * the journal are still one file. */
		rc = 0;
		goto end;
	}
	w->dev = st.st_dev;
	w->ino = st.st_ino;
	if (w->nolock)
		r.limit = w->limit;
	else {
		/* Appends happen under LOCK_EX: under LOCK_SH the size is
		 * that of whole records (or of a crash's torn line). */
		if (lock(fd, LOCK_SH, w->path, e) == -1)
			goto end;
		if (fstat(fd, &st) == -1) {
			cam_err_sys(e, "%s", w->path);
			unlock(fd);
			goto end;
		}
		unlock(fd);
		r.limit = st.st_size;
	}

	for (;;) {
		const char *line;
		size_t n;
		off_t off;
		struct cam_msg why;
		int k = lines_next(&r, w->path, &line, &n, &off, e);

		if (k == -1)
			goto end;
		if (k == 0 && n == 0)
			break;
		L++;
		if (k == 0) {
			w->v->torn = 1;
			chain_bad(w, L, e, "torn last line: %zu bytes without LF (a "
			    "crash during an append; opening the journal to "
			    "append repairs it)", n);
			goto end;
		}
		if (k == 2) {
			chain_bad(w, L, e, "line longer than %d bytes", JLINE_MAX);
			goto end;
		}
		memcpy(w->cbuf, line, n);
		if (hasher_hex(&w->h, w->cbuf, n, cur.hash, e) == -1)
			goto end;
		if (parse_line(w->cbuf, n - 1, &cur, &why) == -1) {
			chain_bad_msg(w, L, e, &why);
			goto end;
		}
		if (L == 1 && first && cur.seq > 1 && (w->anchored ||
		    (w->volume_ok && strcmp(cur.kind,
		    CAM_JOURNAL_VOLUME_KIND) == 0))) {
			/* Where this walk starts: taken as it is. */
			w->base = cur.seq - 1;
			memcpy(w->v->head, cur.prev, CAM_JOURNAL_HEX);
			memcpy(w->before, cur.prev, CAM_JOURNAL_HEX);
		}
		if (cur.seq != w->base + L) {
			/* A volume that begins after a gap: the ones between
			 * are missing (a middle one, if others come before). */
			if (L == 1 && first && strcmp(cur.kind,
			    CAM_JOURNAL_VOLUME_KIND) == 0)
				chain_bad(w, L, e, "the journal's earlier volumes are "
				    "missing: this one begins at record %"
				    PRIu64, cur.seq);
			else if (L == 1 && strcmp(cur.kind,
			    CAM_JOURNAL_VOLUME_KIND) == 0)
				chain_bad(w, L, e, "the journal's earlier volumes are "
				    "missing: this one begins at record %"
				    PRIu64 ", %s ends at record %" PRIu64,
				    cur.seq, w->prev_vol, w->base);
			else
				chain_bad(w, L, e, "SEQ %" PRIu64 ", want %" PRIu64
				    ": a record is missing, repeated or out of "
				    "place", cur.seq, w->base + L);
			goto end;
		}
		if (strcmp(cur.prev, w->v->head) != 0) {
			if (w->base + L == 1)
				chain_bad(w, L, e, "PREV of record 1 is not 64 "
				    "zeros");
			else if (L == 1)
				chain_bad(w, L, e, "PREV is not the hash of record %"
				    PRIu64 ", the last of %s", w->base,
				    w->prev_vol);
			else
				broken_link(w, &r, L, &cur, w->before, e);
			goto end;
		}
		if (L == 1 && !first && !volume_link_ok(w, &cur)) {
			chain_bad(w, L, e, "a volume after %s must begin with "
			    "a \"%s\" record naming it", w->prev_vol,
			    CAM_JOURNAL_VOLUME_KIND);
			goto end;
		}
		if (L > 1 && strcmp(cur.kind, CAM_JOURNAL_VOLUME_KIND) == 0) {
			chain_bad(w, L, e, "a \"%s\" record inside a volume",
			    CAM_JOURNAL_VOLUME_KIND);
			goto end;
		}
		cur.line = L;
		cur.offset = off;
		cur.file = w->path;
		/* cur links to pend: pend is vouched for, hand it over. */
		if (w->have_pend && w->cb != NULL &&
		    (stop = w->cb(w->arg, &w->pend)) != 0) {
			rc = stop;
			goto end;
		}
		w->pend = cur;	/* its strings point into cbuf: swap */
		char *t = w->pbuf;
		w->pbuf = w->cbuf;
		w->cbuf = t;
		w->have_pend = 1;
		memcpy(w->before, w->v->head, CAM_JOURNAL_HEX);
		memcpy(w->v->head, w->pend.hash, CAM_JOURNAL_HEX);
		w->v->records = w->base + L;
	}
	w->base += L;
	rc = 0;
end:
	close(fd);
	free(r.buf);
	return rc;
}

/* Walk files[0..n) as one chain. */
static int
walk(struct walk *w, char *const *files, size_t n, struct cam_err *e)
{
	int rc = -1, k;

	memset(w->v, 0, sizeof(*w->v));
	memcpy(w->v->head, zeros, CAM_JOURNAL_HEX);
	memcpy(w->before, zeros, CAM_JOURNAL_HEX);
	w->base = 0;
	w->prev_vol = NULL;
	w->have_pend = 0;
	w->h.md = NULL;
	w->h.ctx = NULL;
	w->cbuf = cam_xmalloc(JLINE_MAX + 1);
	w->pbuf = cam_xmalloc(JLINE_MAX + 1);
	if (hasher_init(&w->h, e) == -1)
		goto end;
	for (size_t i = 0; i < n; i++) {
		w->path = files[i];
		if ((k = walk_file(w, i == 0, e)) != 0) {
			rc = k;
			goto end;
		}
		w->prev_vol = files[i];
	}
	if (w->have_pend && w->cb != NULL && (k = w->cb(w->arg, &w->pend)) != 0)
		rc = k;
	else
		rc = 0;
end:
	hasher_free(&w->h);
	free(w->cbuf);
	free(w->pbuf);
	return rc;
}

/*
 * The files of a walk over path: its closed volumes from the newest one
 * whose first record is at or before since (all of them if since is
 * (time_t)-1... see walk_since), then path.  *anchored tells whether
 * the first file is not the journal's first.
 */
static int
walk_files(const char *path, int all, time_t since, char ***files,
    size_t *n, int *anchored, struct cam_err *e)
{
	char **v;
	size_t nv, start = 0;
	time_t t = 0;
	int k;

	if (cam_journal_volumes(path, &v, &nv, e) == -1)
		return -1;
	if (!all) {
		/* The current volume first: most walks end there. */
		start = nv;
		k = access(path, F_OK) == -1 ? 1 : first_record(path, &t, e);
		if (k == -1) {
			cam_journal_volumes_free(v, nv);
			return -1;
		}
		while (start > 0 && (k != 0 || t > since)) {
			start--;
			if ((k = first_record(v[start], &t, e)) == -1) {
				cam_journal_volumes_free(v, nv);
				return -1;
			}
		}
	}
	v = cam_xrealloc(v, (nv + 1) * sizeof(*v));
	v[nv++] = cam_xstrdup(path);
	for (size_t i = 0; i < start; i++)
		free(v[i]);
	memmove(v, v + start, (nv - start) * sizeof(*v));
	*files = v;
	*n = nv - start;
	*anchored = start > 0;
	return 0;
}

static int
walk_path(const char *path, int all, time_t since,
    int (*cb)(void *, const struct cam_journal_rec *), void *arg,
    struct cam_journal_verify *v, struct cam_err *e)
{
	struct walk w;
	char **files;
	size_t n;
	int rc;

	/* From the beginning of time is the whole journal, checked from
	 * record 1: a missing first volume is a finding. */
	if (since == CAM_JOURNAL_ALL)
		all = 1;
	memset(&w, 0, sizeof(w));
	w.cb = cb;
	w.arg = arg;
	w.v = v;
	w.volume_ok = !all;
	if (walk_files(path, all, since, &files, &n, &w.anchored, e) == -1)
		return -1;
	rc = walk(&w, files, n, e);
	cam_journal_volumes_free(files, n);
	return rc;
}

int
cam_journal_verify(const char *path, struct cam_journal_verify *v,
    struct cam_err *e)
{
	struct cam_journal_verify mine;

	return walk_path(path, 1, 0, NULL, NULL, v ? v : &mine, e);
}

int
cam_journal_foreach(const char *path,
    int (*cb)(void *arg, const struct cam_journal_rec *r), void *arg,
    struct cam_err *e)
{
	struct cam_journal_verify v;

	return walk_path(path, 1, 0, cb, arg, &v, e);
}

int
cam_journal_foreach_v(const char *path,
    int (*cb)(void *arg, const struct cam_journal_rec *r), void *arg,
    struct cam_journal_verify *v, struct cam_err *e)
{
	return walk_path(path, 1, 0, cb, arg, v, e);
}

int
cam_journal_foreach_since_v(const char *path, time_t since,
    int (*cb)(void *arg, const struct cam_journal_rec *r), void *arg,
    struct cam_journal_verify *v, struct cam_err *e)
{
	return walk_path(path, 0, since, cb, arg, v, e);
}

int
cam_journal_foreach_since(const char *path, time_t since,
    int (*cb)(void *arg, const struct cam_journal_rec *r), void *arg,
    struct cam_err *e)
{
	struct cam_journal_verify v;

	return walk_path(path, 0, since, cb, arg, &v, e);
}

/* ---- rotation ---- */

/* What the new volume is written with: the records, chained. */
struct vol_out {
	struct cam_journal *j;	/* seq, head: of the last record put */
	struct cam_buf buf;
	int fd;
	const char *tmp;
	time_t now;
};

static int
vol_flush(struct vol_out *o, struct cam_err *e)
{
	for (size_t off = 0; off < o->buf.len; ) {
		ssize_t w = write(o->fd, o->buf.s + off, o->buf.len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return cam_err_sys(e, "write %s", o->tmp);
		off += (size_t)w;
	}
	o->buf.len = 0;
	return 0;
}

static int
vol_put(void *arg, const char *kind, const char *data, struct cam_err *e)
{
	struct vol_out *o = arg;
	struct cam_journal *j = o->j;
	char ts[32], why[256];
	size_t at = o->buf.len, n = strlen(data);

	if (!valid_kind(kind, strlen(kind)) || n >= JLINE_MAX ||
	    check_data(data, n, why, sizeof(why)) == -1)
		return cam_errf(e, CAM_NO, "%s: a record carried into the new "
		    "volume is not valid", o->tmp);
	cam_time_format_utc(o->now, ts, sizeof(ts));
	cam_buf_addf(&o->buf, "%" PRIu64 "\t%s\t%s\t%s\t%s\t", j->seq + 1,
	    ts, j->host, j->head, kind);
	cam_buf_add(&o->buf, data, n);
	cam_buf_add(&o->buf, "\n", 1);
	if (o->buf.len - at > JLINE_MAX) {
		o->buf.len = at;
		return cam_errf(e, CAM_NO, "%s: a carried record is longer "
		    "than a line may be", o->tmp);
	}
	if (sha256_hex(o->buf.s + at, o->buf.len - at, j->head, e) == -1)
		return -1;
	j->seq++;
	j->end += (off_t)(o->buf.len - at);
	if (o->buf.len >= (1 << 20))
		return vol_flush(o, e);
	return 0;
}

static int
carry_walk_cb(void *arg, const struct cam_journal_rec *r)
{
	const struct cam_journal_carry *c = arg;

	return c->record(c->arg, r);
}

int
cam_journal_rotate(struct cam_journal *j, time_t now,
    const struct cam_journal_carry *carry, char *closed, size_t closed_len,
    struct cam_err *e)
{
	struct cam_journal_rec last = { 0 };
	struct cam_journal_verify v;
	struct vol_out o;
	struct stat st, sv;
	struct walk w;
	char vol[PATH_MAX], tmp[PATH_MAX], *buf = NULL, *base, *one[1];
	char first_month[8], now_month[8], ts[32];
	uint64_t seq0;
	char head0[CAM_JOURNAL_HEX];
	time_t t0 = 0;
	int rc = -1, k, fd = -1, linked = 0;

	memset(&o, 0, sizeof(o));
	if (lock(j->fd, LOCK_EX, j->path, e) == -1)
		return -1;
	if (catch_up(j, e) == -1)
		goto end;
	rc = 1;
	if (j->seq == 0 || (k = first_record(j->path, &t0, e)) == 1)
		goto end;	/* empty: nothing to close */
	if (k == -1)
		goto fail;
	cam_time_format_utc(t0, ts, sizeof(ts));
	snprintf(first_month, sizeof(first_month), "%.7s", ts);
	cam_time_format_utc(now, ts, sizeof(ts));
	snprintf(now_month, sizeof(now_month), "%.7s", ts);
	if (strcmp(first_month, now_month) >= 0)
		goto end;	/* begun this month (or the clock went back) */
	/* A closed volume ends with a seal, where a check of the volumes
	 * after it may start. */
	buf = cam_xmalloc(JLINE_MAX + 1);
	if (last_record(j->fd, j->path, j->end, buf, &last, e) == -1)
		goto fail;
	if (last.kind == NULL || strcmp(last.kind, CAM_SEAL_KIND) != 0)
		goto end;
	if (cam_path(vol, sizeof(vol), e, "%s.%s", j->path,
	    first_month) == -1 || cam_path(tmp, sizeof(tmp), e,
	    "%s.rotating", j->path) == -1)
		goto fail;
	if (lstat(vol, &sv) == 0) {
		if (sv.st_dev != j->dev || sv.st_ino != j->ino) {
			cam_errf(e, CAM_NO, "%s: exists already, and is not "
			    "this journal: not rotated", vol);
			goto fail;
		}
		linked = 1;	/* an earlier rotation stopped after its link */
	} else if (errno != ENOENT) {
		cam_err_sys(e, "%s", vol);
		goto fail;
	}
	/* A left-over of a rotation cut short: never linked anywhere. */
	if (unlink(tmp) == -1 && errno != ENOENT) {
		cam_err_sys(e, "%s", tmp);
		goto fail;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0640);
	if (fd == -1 || fchmod(fd, 0640) == -1 || own_like_dir(fd, tmp) == -1) {
		cam_err_sys(e, "%s", tmp);
		goto fail;
	}

	/* The new volume is written through the handle's chain state;
	 * what it was is kept, for a failure. */
	seq0 = j->seq;
	memcpy(head0, j->head, CAM_JOURNAL_HEX);
	off_t end0 = j->end;
	j->end = 0;
	o.j = j;
	o.fd = fd;
	o.tmp = tmp;
	o.now = now;
	struct cam_buf data = CAM_BUF_INIT;
	base = strrchr(vol, '/');
	cam_json_begin(&data);
	cam_json_add_str(&data, "previous", base ? base + 1 : vol);
	cam_json_end(&data);
	k = vol_put(&o, CAM_JOURNAL_VOLUME_KIND, cam_buf_str(&data), e);
	cam_buf_free(&data);
	if (k == 0 && carry != NULL) {
		/* What the closing volume leaves alive, read under our own
		 * lock (so without taking one). */
		memset(&w, 0, sizeof(w));
		w.cb = carry_walk_cb;
		w.arg = (void *)carry;
		w.v = &v;
		w.anchored = 1;
		w.nolock = 1;
		w.limit = end0;
		one[0] = j->path;
		k = walk(&w, one, 1, e);
		if (k > 0)
			k = cam_errf(e, CAM_NO, "%s: the records to carry "
			    "could not be read", j->path);
		if (k == 0)
			k = carry->emit(carry->arg, vol_put, &o, e);
	}
	if (k == 0)
		k = vol_flush(&o, e);
	if (k == 0 && fsync(fd) == -1)
		k = cam_err_sys(e, "sync %s", tmp);
	if (k == 0 && !linked && link(j->path, vol) == -1)
		k = cam_err_sys(e, "link %s to %s", j->path, vol);
	if (k == 0 && rename(tmp, j->path) == -1)
		k = cam_err_sys(e, "rename %s to %s", tmp, j->path);
	if (k == 0)
		k = cam_dir_sync_of(j->path, e);
	if (k == -1) {
		j->seq = seq0;
		memcpy(j->head, head0, CAM_JOURNAL_HEX);
		j->end = end0;
		unlink(tmp);
		goto fail;
	}
	/* The handle moves to the new volume, whose lock it takes before
	 * it lets the old one go. */
	uint64_t seqn = j->seq;
	char headn[CAM_JOURNAL_HEX];
	memcpy(headn, j->head, CAM_JOURNAL_HEX);
	j->seq = seq0;
	memcpy(j->head, head0, CAM_JOURNAL_HEX);
	j->end = end0;
	if (fstat(j->fd, &st) == -1 || follow(j, e) == -1)
		goto fail;
	if (j->seq < seqn || (j->seq == seqn &&
	    strcmp(j->head, headn) != 0)) {
		cam_errf(e, CAM_NO, "%s: the new volume is not as written",
		    j->path);
		goto fail;
	}
	if (closed != NULL)
		snprintf(closed, closed_len, "%s", vol);
	rc = 0;
	goto end;
fail:
	rc = -1;
end:
	if (fd != -1)
		close(fd);
	cam_buf_free(&o.buf);
	free(buf);
	unlock(j->fd);
	return rc;
}
