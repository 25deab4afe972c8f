/*
 * cam_util: see cam_util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cam_setid.h"
#include "base/cam_util.h"

void *
cam_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		abort();	/* out of memory: nothing sensible is left to do */
	return p;
}

void *
cam_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		abort();
	return p;
}

char *
cam_xstrdup(const char *s)
{
	return cam_xstrndup(s, strlen(s));
}

char *
cam_xstrndup(const char *s, size_t n)
{
	char *p = cam_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void
buf_grow(struct cam_buf *b, size_t more)
{
	size_t need = b->len + more + 1;

	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	/* Not realloc: it would free the old block unwiped, and buffers
	 * hold passwords (cam_buf_free wipes only the last block). */
	char *s = cam_xmalloc(cap);
	if (b->s != NULL) {
		memcpy(s, b->s, b->len + 1);
		explicit_bzero(b->s, b->cap);
		free(b->s);
	}
	b->s = s;
	b->cap = cap;
}

void
cam_buf_add(struct cam_buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
cam_buf_adds(struct cam_buf *b, const char *s)
{
	cam_buf_add(b, s, strlen(s));
}

void
cam_buf_addf(struct cam_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
cam_buf_splice(struct cam_buf *b, size_t off, size_t n, const char *s)
{
	size_t sl = strlen(s);

	if (off > b->len)
		off = b->len;
	if (n > b->len - off)
		n = b->len - off;
	buf_grow(b, sl);
	memmove(b->s + off + sl, b->s + off + n, b->len - off - n + 1);
	memcpy(b->s + off, s, sl);
	b->len = b->len - n + sl;
}

void
cam_buf_free(struct cam_buf *b)
{
	if (b->s != NULL) {
		explicit_bzero(b->s, b->cap);
		free(b->s);
	}
	b->s = NULL;
	b->len = b->cap = 0;
}

const char *
cam_buf_str(const struct cam_buf *b)
{
	return b->s ? b->s : "";
}

int
cam_fd_read(int fd, const char *name, size_t max, int line,
    struct cam_buf *out, struct cam_err *e)
{
	char chunk[4096];
	ssize_t n;
	int rc = -1;

	for (;;) {
		/* A line is read a byte at a time: what follows it stays
		 * unread for the next reader of fd. */
		n = read(fd, chunk, line ? 1 : sizeof(chunk));
		if (n == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			cam_err_sys(e, "%s", name);
			goto end;
		}
		if (out->len + (size_t)n > max) {
			cam_errf(e, CAM_NO, "%s: longer than %zu bytes", name,
			    max);
			goto end;
		}
		cam_buf_add(out, chunk, (size_t)n);
		if (line && chunk[0] == '\n')
			break;
	}
	if (out->s == NULL)
		cam_buf_add(out, "", 0);
	rc = 0;
end:
	explicit_bzero(chunk, sizeof(chunk));
	return rc;
}

int
cam_file_open_plain(const char *path, int follow, const char *what,
    struct stat *st, struct cam_err *e)
{
	int fd = open(path, O_RDONLY | (follow ? 0 : O_NOFOLLOW) |
	    O_NONBLOCK | O_CLOEXEC);

	if (fd == -1 && errno == ELOOP)
		return cam_errf(e, CAM_NO, "%s: a symbolic link: give the %s "
		    "itself", path, what);
	if (fd == -1)
		return cam_err_sys(e, "%s", path);
	if (fstat(fd, st) == -1)
		cam_err_sys(e, "%s", path);
	else if (!S_ISREG(st->st_mode))
		cam_errf(e, CAM_NO, "%s: not a regular file", path);
	else
		return fd;
	close(fd);
	return -1;
}

int
cam_file_read(const char *path, size_t max, struct cam_buf *out,
    struct cam_err *e)
{
	struct stat st;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cam_err_sys(e, "%s", path);
	if (fstat(fd, &st) == -1)
		cam_err_sys(e, "%s", path);
	else if (!S_ISREG(st.st_mode))
		cam_errf(e, CAM_NO, "%s: not a regular file", path);
	else
		rc = cam_fd_read(fd, path, max, 0, out, e);
	close(fd);
	return rc;
}

int
cam_dir_sync(const char *dir, struct cam_err *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1)
		return cam_err_sys(e, "%s", dir);
	if (fsync(fd) == -1 && errno != EINVAL) {
		cam_err_sys(e, "fsync %s", dir);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
cam_file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode, struct cam_err *e)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	const char *p = data;
	int fd = -1, rc = -1;

	if (cam_path(tmp, sizeof(tmp), e, "%s.tmp.XXXXXX", path) == -1)
		return -1;
	if (cam_path(dir, sizeof(dir), e, "%s", path) == -1)
		return -1;
	/* A random name: a temporary file left by a crash never blocks a
	 * later writer. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd == -1)
		return cam_err_sys(e, "%s", tmp);
	/* open() applied the umask; the caller's mode is what counts. */
	if (fchmod(fd, mode) == -1) {
		cam_err_sys(e, "chmod %s", tmp);
		goto end;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			cam_err_sys(e, "write %s", tmp);
			goto end;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) == -1) {
		cam_err_sys(e, "fsync %s", tmp);
		goto end;
	}
	if (close(fd) == -1) {
		fd = -1;
		cam_err_sys(e, "close %s", tmp);
		goto end;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		cam_err_sys(e, "rename %s to %s", tmp, path);
		goto end;
	}
	rc = cam_dir_sync(dirname(dir), e);
end:
	if (fd != -1)
		close(fd);
	if (rc == -1)
		unlink(tmp);
	return rc;
}

int
cam_dir_sync_of(const char *path, struct cam_err *e)
{
	char dir[PATH_MAX];

	if (cam_path(dir, sizeof(dir), e, "%s", path) == -1)
		return -1;
	return cam_dir_sync(dirname(dir), e);
}

int
cam_mkdir_p(const char *path, mode_t mode, struct cam_err *e)
{
	char buf[PATH_MAX];
	char *p;

	if (cam_path(buf, sizeof(buf), e, "%s", path) == -1)
		return -1;
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		/* A directory just made survives a power cut only once
		 * its parent, which holds its name, is synced: else it
		 * goes with all that was synced below it. */
		if (mkdir(buf, mode) == 0) {
			if (cam_dir_sync_of(buf, e) == -1)
				return -1;
		} else if (errno != EEXIST)
			return cam_err_sys(e, "mkdir %s", buf);
		*p = c;
		if (c == '\0')
			break;
	}
	struct stat st;
	if (stat(path, &st) == -1)
		return cam_err_sys(e, "%s", path);
	if (!S_ISDIR(st.st_mode))
		return cam_errf(e, CAM_ENV, "%s: not a directory", path);
	return 0;
}

int
cam_mkdir_under(const char *base, const char *rel, mode_t mode,
    struct cam_err *e)
{
	char buf[PATH_MAX];
	struct stat st;
	size_t blen = strlen(base);

	if (cam_path(buf, sizeof(buf), e, "%s/%s", base, rel) == -1)
		return -1;
	for (char *p = buf + blen + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, mode) == 0) {	/* as in cam_mkdir_p */
			if (cam_dir_sync_of(buf, e) == -1)
				return -1;
		} else if (errno != EEXIST)
			return cam_err_sys(e, "mkdir %s", buf);
		/* lstat, not stat: a planted symbolic link would take the
		 * files written below it out of the tree. */
		if (lstat(buf, &st) == -1)
			return cam_err_sys(e, "%s", buf);
		if (S_ISLNK(st.st_mode))
			return cam_errf(e, CAM_NO, "%s: a symbolic link where a "
			    "directory belongs: refused", buf);
		if (!S_ISDIR(st.st_mode))
			return cam_errf(e, CAM_NO, "%s: not a directory", buf);
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}

int
cam_relpath_valid(const char *s, size_t max)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	size_t len = strlen(s);

	if (len == 0 || len > max)
		return 0;
	for (const char *p = s;; ) {
		size_t n = strcspn(p, "/");

		if (n == 0 || n > 255 || strspn(p, ok) < n ||
		    (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' &&
		    p[1] == '.'))
			return 0;
		if (p[n] == '\0')
			return 1;
		p += n + 1;
	}
}

static int
rm_cb(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	(void)remove(path);
	return 0;
}

void
cam_rm_tree(const char *dir)
{
	if (dir != NULL && dir[0] != '\0')
		(void)nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

int
cam_path(char *buf, size_t len, struct cam_err *e, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return cam_errf(e, CAM_NO, "path too long: %.64s...", buf);
	return 0;
}

/* camkit's one UTF-8 decoder: JSON escaping and its checker, and every
 * "clean text" test, read characters through it. */
size_t
cam_utf8_seq(const void *at, size_t avail, uint32_t *cp)
{
	const unsigned char *p = at;
	unsigned c = *p;
	size_t n;
	uint32_t v;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		v = c & 0x07;
	} else
		return 0;
	if (avail <= n)
		return 0;
	for (size_t i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && v < 0x800) || (n == 3 && v < 0x10000) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	*cp = v;
	return n + 1;
}

/*
 * The bytes from p (NUL-terminated, *p >= 0x80), as a JSON string holds
 * them: a valid sequence copied, a C1 control as \u0080-\u009f, and a
 * byte that starts no valid sequence as the six characters \\xHH (the
 * text "\xHH"), so that whatever a caller hands over (a guard's
 * argument that is not UTF-8) still makes a record.  Returns the bytes
 * used.
 */
static size_t
utf8_add(struct cam_buf *b, const unsigned char *p)
{
	uint32_t cp;
	size_t n = cam_utf8_seq(p, SIZE_MAX, &cp);

	if (n == 0) {
		cam_buf_addf(b, "\\\\x%02x", *p);
		return 1;
	}
	if (cp >= 0x80 && cp <= 0x9f)
		cam_buf_addf(b, "\\u%04x", (unsigned)cp);
	else
		cam_buf_add(b, p, n);
	return n;
}

void
cam_json_str(struct cam_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	cam_buf_add(b, "\"", 1);
	for (; *p; p++) {
		switch (*p) {
		case '"':  cam_buf_adds(b, "\\\""); break;
		case '\\': cam_buf_adds(b, "\\\\"); break;
		case '\n': cam_buf_adds(b, "\\n"); break;
		case '\r': cam_buf_adds(b, "\\r"); break;
		case '\t': cam_buf_adds(b, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				cam_buf_addf(b, "\\u%04x", *p);
			else if (*p < 0x80)
				cam_buf_add(b, p, 1);
			else
				p += utf8_add(b, p) - 1;
		}
	}
	cam_buf_add(b, "\"", 1);
}

static const char *
name_of(uid_t uid, char *name, size_t len, int or_number)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL && pw->pw_name != NULL && strlen(pw->pw_name) < len)
		snprintf(name, len, "%s", pw->pw_name);
	else if (or_number)
		snprintf(name, len, "uid-%lu", (unsigned long)uid);
	else
		return NULL;
	return name;
}

const char *
cam_user_name(void)
{
	static char name[LOGIN_NAME_MAX + 1];
	uid_t login = cam_setid_login();

	/* A login uid with no passwd entry (an account since removed, a
	 * directory that does not answer) is still a person: by number. */
	if (login != (uid_t)-1)
		return name_of(login, name, sizeof(name), 1);
	return name_of(cam_setid_caller(), name, sizeof(name), 0);
}

const char *
cam_user_account(void)
{
	static char name[LOGIN_NAME_MAX + 1];

	return name_of(cam_setid_caller(), name, sizeof(name), 0);
}

int
cam_utf8_clean(const char *s, size_t len, int tab_ok)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;

	while (p < end) {
		unsigned c = *p;
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			if ((c < 0x20 && !(tab_ok && c == '\t')) || c == 0x7f)
				return 0;
			p++;
			continue;
		}
		/* C1 controls are refused too. */
		n = cam_utf8_seq(p, (size_t)(end - p), &cp);
		if (n == 0 || (cp >= 0x80 && cp <= 0x9f))
			return 0;
		p += n;
	}
	return 1;
}

/* ---- string map ---- */

/* FNV-1a: the keys are file names and the like, not chosen to collide
 * (a manifest a stranger wrote costs time, not correctness). */
static size_t
strmap_hash(const char *k)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)k; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

static size_t
strmap_slot(const struct cam_strmap *m, const char *k)
{
	size_t i = strmap_hash(k) & (m->cap - 1);

	while (m->key[i] != NULL && strcmp(m->key[i], k) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void
strmap_grow(struct cam_strmap *m)
{
	struct cam_strmap o = *m;

	m->cap = o.cap ? o.cap * 2 : 64;
	m->n = 0;
	m->key = cam_xmalloc(m->cap * sizeof(*m->key));
	m->val = cam_xmalloc(m->cap * sizeof(*m->val));
	memset(m->key, 0, m->cap * sizeof(*m->key));
	for (size_t i = 0; i < o.cap; i++)
		if (o.key[i] != NULL) {
			size_t j = strmap_slot(m, o.key[i]);
			m->key[j] = o.key[i];
			m->val[j] = o.val[i];
			m->n++;
		}
	free(o.key);
	free(o.val);
}

void
cam_strmap_put(struct cam_strmap *m, const char *k, size_t v)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		strmap_grow(m);
	i = strmap_slot(m, k);
	if (m->key[i] == NULL)
		m->n++;
	m->key[i] = k;
	m->val[i] = v;
}

int
cam_strmap_add(struct cam_strmap *m, const char *k, size_t v, size_t *old)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		strmap_grow(m);
	i = strmap_slot(m, k);
	if (m->key[i] != NULL) {
		*old = m->val[i];
		return 1;
	}
	m->key[i] = k;
	m->val[i] = v;
	m->n++;
	return 0;
}

int
cam_strmap_get(const struct cam_strmap *m, const char *k, size_t *v)
{
	size_t i;

	if (m->cap == 0)
		return -1;
	i = strmap_slot(m, k);
	if (m->key[i] == NULL)
		return -1;
	*v = m->val[i];
	return 0;
}

int
cam_strmap_del(struct cam_strmap *m, const char *k)
{
	size_t i, j;

	if (m->cap == 0)
		return -1;
	i = strmap_slot(m, k);
	if (m->key[i] == NULL)
		return -1;
	/* Shift back the entries of the run after i that would no longer
	 * be found past the hole (no tombstones: a prune deletes as many
	 * names as it adds). */
	for (j = (i + 1) & (m->cap - 1); m->key[j] != NULL;
	    j = (j + 1) & (m->cap - 1)) {
		size_t h = strmap_hash(m->key[j]) & (m->cap - 1);
		/* Can j's entry move to i: is i between its home h and j,
		 * cyclically? */
		if ((j > i && (h <= i || h > j)) ||
		    (j < i && (h <= i && h > j))) {
			m->key[i] = m->key[j];
			m->val[i] = m->val[j];
			i = j;
		}
	}
	m->key[i] = NULL;
	m->n--;
	return 0;
}

void
cam_strmap_free(struct cam_strmap *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

void
cam_fmt_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const unit[] = { "kB", "MB", "GB", "TB", "PB",
	    "EB" };
	double v = (double)bytes;
	size_t u = 0;

	if (len == 0)
		return;
	if (bytes < 1000) {
		snprintf(buf, len, "%u B", (unsigned)bytes);
		return;
	}
	v /= 1000;
	/* Move up while the rounded figure would read 1000 or more. */
	while (u + 1 < sizeof(unit) / sizeof(unit[0]) && v >= 999.5) {
		v /= 1000;
		u++;
	}
	if (v < 9.95)
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	else
		snprintf(buf, len, "%.0f %s", v, unit[u]);
}

size_t
cam_edit_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), d;
	size_t *block, *p2, *p1, *c;

	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	/* Three rows of the matrix: two back for the swap, one back, now. */
	block = cam_xmalloc(3 * (lb + 1) * sizeof(*block));
	p2 = block;
	p1 = p2 + lb + 1;
	c = p1 + lb + 1;
	for (size_t j = 0; j <= lb; j++)
		p1[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		c[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t x = p1[j - 1] + cost;

			if (p1[j] + 1 < x)
				x = p1[j] + 1;
			if (c[j - 1] + 1 < x)
				x = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && p2[j - 2] + 1 < x)
				x = p2[j - 2] + 1;
			c[j] = x;
		}
		t = p2;
		p2 = p1;
		p1 = c;
		c = t;
	}
	d = p1[lb];
	free(block);
	return d > max ? max + 1 : d;
}
