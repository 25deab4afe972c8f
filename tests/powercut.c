/*
 * powercut: a power cut simulated by dropping every write that was never
 * made durable.  A test fixture, not part of camkit.  Built twice from
 * this file (tests/powercut.mk):
 *
 *   powercut.so (-DPOWERCUT_SHIM)
 *	An LD_PRELOAD shim.  For the files and directories below the
 *	directory $CAMKIT_POWERCUT_ROOT it writes down, in the shadow
 *	directory $CAMKIT_POWERCUT_SHADOW, what each sync made durable:
 *	on fsync(2) or fdatasync(2) of a regular file, a copy of its bytes
 *	as they are then; on fsync(2) of a directory, its entries as they
 *	are then (name, inode, type, mode, and a symbolic link's target);
 *	on sync(2) or syncfs(2), all of that for the whole tree.  An
 *	open(2) that creates a file notes the file's birth.
 *   powercut snapshot ROOT SHADOW
 *	Writes down the whole tree below ROOT as durable: the state the
 *	test starts from, as after a sync.
 *   powercut rebuild SHADOW OUT
 *	Builds in OUT (which must not exist) the tree that a power cut
 *	would leave, from the snapshot and what the shim wrote down since.
 *
 * The model, stricter than ext4's defaults and what POSIX promises:
 *   - A file's bytes are durable as they were at its last fsync or
 *     fdatasync, or when the snapshot was taken; a file never synced
 *     since it was created is empty.  (A write is not torn: the file is
 *     exactly as it was at one sync.)
 *   - A name (creat, mkdir, rename, unlink, link, symlink) is durable as
 *     its directory held it at the directory's last fsync, or at the
 *     snapshot.  A directory never synced since it was created is empty;
 *     a file or directory that no durable listing names is gone, with
 *     everything below it.
 *   - Nothing else is durable: not a fsync of the parent before the name
 *     was made, not sync_file_range(2) (it flushes no metadata and no
 *     disk cache, so it is not intercepted), not close(2).
 *   - Writes through O_SYNC or O_DSYNC descriptors are not modelled: the
 *     shim notes such an open below the root and rebuild refuses to
 *     build.  Neither are writes through mmap(2), nor ownership or times.
 * Files are known by device, inode number and birth time (where the file
 * system has one), and births are noted at open(2), so that a reused
 * inode number never takes the bytes of an earlier file.
 *
 * The shadow directory holds one file per event, written under a
 * temporary name then renamed, so that a process killed at any moment
 * leaves whole records; the name begins with CLOCK_MONOTONIC in
 * nanoseconds, then the process id and a counter, so that the last one
 * of several processes wins:
 *   SEQ-PID-N.F   "F KEY MODE\n" then the file's bytes
 *   SEQ-PID-N.D   "D KEY MODE\n" then one entry a line:
 *		   "T KEY MODE NAMELEN TARGETLEN NAME TARGET\n", T one of f d l
 *   SEQ-PID-N.B   "B KEY\n": a file was created
 *   SEQ-PID-N.O   "O PATH\n": opened with O_SYNC or O_DSYNC
 *   root	   "R KEY\n", written by snapshot
 *
 * CAMKIT_POWERCUT_AFTER=N[:SUFFIX] makes the shim cut the power at an
 * exact point: it SIGKILLs its process right after writing down the N-th
 * sync (counting only the syncs of paths that end in SUFFIX).  For
 * example 2:/manifest cuts right after the second append to a camera's
 * manifest is synced.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KEY_MAX 96

/* ---- what both builds share: writing records ---- */

/* The real openat(2): in the shim, not our own wrapper of it. */
typedef int (*openat_fn)(int, const char *, int, ...);
#ifdef POWERCUT_SHIM
static openat_fn real_openat_p;

static int
sys_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	if (real_openat_p == NULL)
		real_openat_p = (openat_fn)dlsym(RTLD_NEXT, "openat");
	return real_openat_p(dirfd, path, flags, mode);
}
#else
#define sys_openat openat
#endif

static atomic_uint rec_count;

struct rec {
	int	 fd;
	char	 tmp[PATH_MAX];
	char	 name[96];
	int	 err;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The event's place in the order is taken now, before anything is read. */
static int
rec_begin(struct rec *r, const char *shadow, char kind)
{
	unsigned n = atomic_fetch_add(&rec_count, 1);

	snprintf(r->name, sizeof(r->name), "%020llu-%010d-%010u.%c",
	    (unsigned long long)now_ns(), (int)getpid(), n, kind);
	snprintf(r->tmp, sizeof(r->tmp), "%s/tmp.%d.%u", shadow,
	    (int)getpid(), n);
	r->err = 0;
	r->fd = sys_openat(AT_FDCWD, r->tmp, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0600);
	return r->fd == -1 ? -1 : 0;
}

static void
rec_write(struct rec *r, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0 && !r->err) {
		ssize_t w = write(r->fd, s, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			r->err = 1;
			break;
		}
		s += w;
		n -= (size_t)w;
	}
}

__attribute__((format(printf, 2, 3))) static void
rec_printf(struct rec *r, const char *fmt, ...)
{
	char line[PATH_MAX + 256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		r->err = 1;
	else
		rec_write(r, line, (size_t)n);
}

/* The record counts once it has its name: a kill before leaves a tmp.*. */
static int
rec_end(struct rec *r, const char *shadow)
{
	char path[PATH_MAX];

	if (close(r->fd) == -1)
		r->err = 1;
	snprintf(path, sizeof(path), "%s/%s", shadow, r->name);
	if (r->err || rename(r->tmp, path) == -1) {
		unlink(r->tmp);
		return -1;
	}
	return 0;
}

/* KEY: device, inode, birth time.  flags as for statx(2). */
static int
key_of(int dirfd, const char *name, int flags, char key[KEY_MAX],
    mode_t *mode)
{
	struct statx sx;

	if (statx(dirfd, name, flags | AT_SYMLINK_NOFOLLOW,
	    STATX_TYPE | STATX_MODE | STATX_INO | STATX_BTIME, &sx) == -1)
		return -1;
	if (!(sx.stx_mask & STATX_BTIME))
		sx.stx_btime.tv_sec = 0, sx.stx_btime.tv_nsec = 0;
	snprintf(key, KEY_MAX, "%x:%x:%llx:%lld.%09u", sx.stx_dev_major,
	    sx.stx_dev_minor, (unsigned long long)sx.stx_ino,
	    (long long)sx.stx_btime.tv_sec, sx.stx_btime.tv_nsec);
	*mode = sx.stx_mode;
	return 0;
}

/* A new descriptor for what fd is open on, for reading. */
static int
reopen(int fd, int flags)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return sys_openat(AT_FDCWD, proc, flags | O_RDONLY | O_CLOEXEC, 0);
}

/* The bytes of the regular file open on fd, as durable now. */
static int
record_file(const char *shadow, int fd)
{
	char key[KEY_MAX], buf[65536];
	struct rec r;
	mode_t mode;
	off_t off = 0;
	int rfd;

	if (key_of(fd, "", AT_EMPTY_PATH, key, &mode) == -1 ||
	    rec_begin(&r, shadow, 'F') == -1)
		return -1;
	/* fd may be write-only; pread on it is the fallback. */
	if ((rfd = reopen(fd, 0)) == -1)
		rfd = fd;
	rec_printf(&r, "F %s %o\n", key, (unsigned)mode);
	for (;;) {
		ssize_t n = pread(rfd, buf, sizeof(buf), off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			r.err = 1;
		if (n <= 0)
			break;
		rec_write(&r, buf, (size_t)n);
		off += n;
	}
	if (rfd != fd)
		close(rfd);
	return rec_end(&r, shadow);
}

/* The entries of the directory open on fd, as durable now. */
static int
record_dir(const char *shadow, int fd)
{
	char key[KEY_MAX], ekey[KEY_MAX], target[PATH_MAX];
	struct dirent *de;
	struct rec r;
	mode_t mode, emode;
	DIR *d;
	int rfd;

	if (key_of(fd, "", AT_EMPTY_PATH, key, &mode) == -1)
		return -1;
	if ((rfd = reopen(fd, O_DIRECTORY)) == -1)
		return -1;
	if ((d = fdopendir(rfd)) == NULL) {
		close(rfd);
		return -1;
	}
	if (rec_begin(&r, shadow, 'D') == -1) {
		closedir(d);
		return -1;
	}
	rec_printf(&r, "D %s %o\n", key, (unsigned)mode);
	while ((de = readdir(d)) != NULL) {
		ssize_t tlen = 0;
		char t;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		/* Gone since readdir saw it: not in this listing. */
		if (key_of(dirfd(d), de->d_name, 0, ekey, &emode) == -1)
			continue;
		if (S_ISREG(emode))
			t = 'f';
		else if (S_ISDIR(emode))
			t = 'd';
		else if (S_ISLNK(emode)) {
			t = 'l';
			tlen = readlinkat(dirfd(d), de->d_name, target,
			    sizeof(target));
			if (tlen < 0 || (size_t)tlen >= sizeof(target))
				continue;
		} else
			continue;	/* sockets, fifos: not modelled */
		rec_printf(&r, "%c %s %o %zu %zd ", t, ekey, (unsigned)emode,
		    strlen(de->d_name), tlen);
		rec_write(&r, de->d_name, strlen(de->d_name));
		rec_write(&r, " ", 1);
		rec_write(&r, target, (size_t)tlen);
		rec_write(&r, "\n", 1);
	}
	closedir(d);
	return rec_end(&r, shadow);
}

/* Everything below the directory open on dirfd (which it closes). */
static int
record_tree(const char *shadow, int dirfd, int depth)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (depth > 64 || record_dir(shadow, dirfd) == -1 ||
	    (d = fdopendir(dirfd)) == NULL) {
		close(dirfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		int fd;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (S_ISDIR(st.st_mode)) {
			fd = sys_openat(dirfd, de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
			if (fd == -1 || record_tree(shadow, fd, depth + 1) == -1)
				rc = -1;
		} else if (S_ISREG(st.st_mode)) {
			fd = sys_openat(dirfd, de->d_name, O_RDONLY |
			    O_NOFOLLOW | O_CLOEXEC, 0);
			if (fd == -1 || record_file(shadow, fd) == -1)
				rc = -1;
			if (fd != -1)
				close(fd);
		}
	}
	closedir(d);
	return rc;
}

#ifdef POWERCUT_SHIM

/* ---- the shim ---- */

static const char *shadow_dir;
static char root_path[PATH_MAX];
static size_t root_len;
static long cut_after;			/* 0: never */
static const char *cut_suffix;		/* "": every sync counts */
static atomic_long cut_count;
static __thread int busy;		/* inside the shim: no recursion */

typedef int (*sync_fd_fn)(int);
typedef void (*sync_fn)(void);

/* The next definitions, resolved at first use. */
static void *real_fsync_p, *real_fdatasync_p, *real_syncfs_p, *real_sync_p;

static void *
real(void **slot, const char *name)
{
	if (*slot == NULL)
		*slot = dlsym(RTLD_NEXT, name);
	return *slot;
}

#define REAL(name, type) ((type)real(&real_##name##_p, #name))

__attribute__((constructor)) static void
shim_init(void)
{
	const char *root = getenv("CAMKIT_POWERCUT_ROOT");
	const char *after = getenv("CAMKIT_POWERCUT_AFTER");
	char *end;

	shadow_dir = getenv("CAMKIT_POWERCUT_SHADOW");
	if (root == NULL || shadow_dir == NULL || *shadow_dir == '\0')
		shadow_dir = NULL;
	else if (realpath(root, root_path) == NULL) {
		fprintf(stderr, "powercut: %s: %s\n", root, strerror(errno));
		shadow_dir = NULL;
	} else
		root_len = strlen(root_path);
	if (after != NULL && *after != '\0') {
		cut_after = strtol(after, &end, 10);
		cut_suffix = *end == ':' ? end + 1 : "";
	}
}

/* Is fd open on something below the root?  path gets its name. */
static int
below_root(int fd, char *path, size_t len)
{
	char proc[64];
	ssize_t n;

	if (shadow_dir == NULL)
		return 0;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((n = readlink(proc, path, len - 1)) == -1)
		return 0;
	path[n] = '\0';
	return strncmp(path, root_path, root_len) == 0 &&
	    (path[root_len] == '/' || path[root_len] == '\0');
}

static void
maybe_cut(const char *path)
{
	size_t pl, sl;

	if (cut_after <= 0)
		return;
	pl = strlen(path);
	sl = strlen(cut_suffix);
	if (pl < sl || strcmp(path + pl - sl, cut_suffix) != 0)
		return;
	if (atomic_fetch_add(&cut_count, 1) + 1 == cut_after)
		kill(getpid(), SIGKILL);
}

/*
 * A sync that could not be written down (the shadow directory gone or
 * full) would make the model wrong; the power is cut before it counts,
 * and the reason goes to stderr.
 */
static void
unrecorded(const char *what, const char *path)
{
	fprintf(stderr, "powercut: cannot write down the %s of %s: %s: "
	    "the power is cut here\n", what, path, strerror(errno));
	kill(getpid(), SIGKILL);
}

static void
note_sync(int fd)
{
	char path[PATH_MAX];
	struct stat st;
	int saved = errno;

	if (busy || !below_root(fd, path, sizeof(path)) ||
	    fstat(fd, &st) == -1)
		goto end;
	busy = 1;
	if (S_ISREG(st.st_mode) && record_file(shadow_dir, fd) == -1)
		unrecorded("sync", path);
	else if (S_ISDIR(st.st_mode) && record_dir(shadow_dir, fd) == -1)
		unrecorded("sync", path);
	busy = 0;
	maybe_cut(path);
end:
	errno = saved;
}

static void
note_open(int fd, int flags, int created)
{
	char path[PATH_MAX], key[KEY_MAX];
	struct rec r;
	mode_t mode;
	int saved = errno;

	if (fd < 0 || busy || !below_root(fd, path, sizeof(path)))
		goto end;
	busy = 1;
	if (created) {
		if (key_of(fd, "", AT_EMPTY_PATH, key, &mode) == -1 ||
		    rec_begin(&r, shadow_dir, 'B') == -1)
			unrecorded("creation", path);
		rec_printf(&r, "B %s\n", key);
		if (rec_end(&r, shadow_dir) == -1)
			unrecorded("creation", path);
	}
	if (flags & O_DSYNC) {
		if (rec_begin(&r, shadow_dir, 'O') == -1)
			unrecorded("O_SYNC open", path);
		rec_printf(&r, "O %s\n", path);
		if (rec_end(&r, shadow_dir) == -1)
			unrecorded("O_SYNC open", path);
	}
	busy = 0;
end:
	errno = saved;
}

/* Will this open create the file?  Asked before it runs. */
static int
creates(int dirfd, const char *path, int flags)
{
	struct stat st;
	int saved = errno, r;

	if (!(flags & O_CREAT) || shadow_dir == NULL || busy)
		return 0;
	if (flags & O_EXCL)
		return 1;
	r = fstatat(dirfd, path, &st, 0) == -1 && errno == ENOENT;
	errno = saved;
	return r;
}

static mode_t
mode_arg(int flags, va_list ap)
{
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		return (mode_t)va_arg(ap, int);
	return 0;
}

int open(const char *, int, ...);
int open64(const char *, int, ...);
int openat(int, const char *, int, ...);
int openat64(int, const char *, int, ...);
int creat(const char *, mode_t);
int creat64(const char *, mode_t);
int fsync(int);
int fdatasync(int);
int syncfs(int);
void sync(void);

/*
 * Every open below goes through the real openat(2): open(PATH) is
 * openat(AT_FDCWD, PATH), the *64 forms are the same calls on a 64-bit
 * system, and creat is open with O_CREAT | O_WRONLY | O_TRUNC.
 */
static int
tracked_open(int dirfd, const char *path, int flags, mode_t mode)
{
	int created = creates(dirfd, path, flags);
	int fd = sys_openat(dirfd, path, flags, mode);

	note_open(fd, flags, created);
	return fd;
}

/* The open mode of a variadic open call. */
#define OPEN_MODE(flags, mode) do {				\
	va_list ap_;						\
	va_start(ap_, flags);					\
	mode = mode_arg(flags, ap_);				\
	va_end(ap_);						\
} while (0)

int
open(const char *path, int flags, ...)
{
	mode_t mode;

	OPEN_MODE(flags, mode);
	return tracked_open(AT_FDCWD, path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode;

	OPEN_MODE(flags, mode);
	return tracked_open(AT_FDCWD, path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;

	OPEN_MODE(flags, mode);
	return tracked_open(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;

	OPEN_MODE(flags, mode);
	return tracked_open(dirfd, path, flags, mode);
}

int
creat(const char *path, mode_t mode)
{
	return tracked_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC,
	    mode);
}

int
creat64(const char *path, mode_t mode)
{
	return tracked_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC,
	    mode);
}

int
fsync(int fd)
{
	int rc = REAL(fsync, sync_fd_fn)(fd);

	if (rc == 0)
		note_sync(fd);
	return rc;
}

int
fdatasync(int fd)
{
	int rc = REAL(fdatasync, sync_fd_fn)(fd);

	if (rc == 0)
		note_sync(fd);
	return rc;
}

/* The whole tree, if the root is on fd's file system or is sync(2)ed. */
static void
note_all(void)
{
	int saved = errno, fd;

	if (shadow_dir == NULL || busy)
		return;
	busy = 1;
	fd = sys_openat(AT_FDCWD, root_path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC, 0);
	if (fd != -1)
		record_tree(shadow_dir, fd, 0);
	busy = 0;
	maybe_cut(root_path);
	errno = saved;
}

int
syncfs(int fd)
{
	struct stat a, b;
	int rc = REAL(syncfs, sync_fd_fn)(fd);

	if (rc == 0 && shadow_dir != NULL && fstat(fd, &a) == 0 &&
	    stat(root_path, &b) == 0 && a.st_dev == b.st_dev)
		note_all();
	return rc;
}

void
sync(void)
{
	REAL(sync, sync_fn)();
	note_all();
}

#else /* !POWERCUT_SHIM */

/* ---- the program: snapshot and rebuild ---- */

struct event {
	char	*name;		/* in the shadow directory */
	char	 kind;
	char	 key[KEY_MAX];
};

static struct event *ev;
static size_t nev;
static const char *shadow;
static int failed;

__attribute__((format(printf, 1, 2))) static void
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "powercut: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	failed = 1;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct event *)a)->name,
	    ((const struct event *)b)->name);
}

/* The first line of a record, without its LF. */
static int
head_line(const char *name, char *line, size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", shadow, name);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	ok = fgets(line, (int)len, f) != NULL;
	fclose(f);
	if (!ok || strchr(line, '\n') == NULL)
		return -1;
	*strchr(line, '\n') = '\0';
	return 0;
}

static int
load_events(void)
{
	struct dirent *de;
	DIR *d;
	size_t cap = 0;

	if ((d = opendir(shadow)) == NULL) {
		fail("%s: %s", shadow, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char line[PATH_MAX + 16], k[KEY_MAX];
		size_t n = strlen(de->d_name);

		/* tmp.*: a record its process was killed writing. */
		if (n < 3 || de->d_name[n - 2] != '.' ||
		    strchr("FDBO", de->d_name[n - 1]) == NULL ||
		    strncmp(de->d_name, "tmp.", 4) == 0)
			continue;
		if (head_line(de->d_name, line, sizeof(line)) == -1) {
			fail("%s/%s: unreadable", shadow, de->d_name);
			continue;
		}
		if (de->d_name[n - 1] == 'O') {
			fail("%s was opened with O_SYNC or O_DSYNC: its "
			    "writes are not modelled", line + 2);
			continue;
		}
		if (sscanf(line + 2, "%95s", k) != 1 || line[0] !=
		    de->d_name[n - 1]) {
			fail("%s/%s: bad record", shadow, de->d_name);
			continue;
		}
		if (nev == cap) {
			cap = cap ? cap * 2 : 256;
			if ((ev = realloc(ev, cap * sizeof(*ev))) == NULL)
				abort();
		}
		ev[nev].name = strdup(de->d_name);
		ev[nev].kind = de->d_name[n - 1];
		snprintf(ev[nev].key, KEY_MAX, "%s", k);
		nev++;
	}
	closedir(d);
	qsort(ev, nev, sizeof(*ev), by_name);
	return failed ? -1 : 0;
}

/* The last event of kind for key, and none if a birth came after it. */
static const struct event *
latest(char kind, const char *key)
{
	const struct event *found = NULL;

	for (size_t i = 0; i < nev; i++) {
		if (strcmp(ev[i].key, key) != 0)
			continue;
		if (ev[i].kind == kind)
			found = &ev[i];
		else if (ev[i].kind == 'B')
			found = NULL;	/* a new file under a reused number */
	}
	return found;
}

/* Copy a record's bytes after its first line into out. */
static int
copy_body(const struct event *e, const char *out, mode_t mode)
{
	char path[PATH_MAX], buf[65536];
	FILE *in;
	size_t n;
	int fd, c, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", shadow, e->name);
	if ((in = fopen(path, "re")) == NULL) {
		fail("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((c = getc(in)) != EOF && c != '\n')
		;
	if ((fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode & 07777)) == -1) {
		fail("%s: %s", out, strerror(errno));
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (write(fd, buf, n) != (ssize_t)n) {
			fail("%s: %s", out, strerror(errno));
			rc = -1;
			break;
		}
	close(fd);
	fclose(in);
	return rc;
}

static int
empty_file(const char *out, mode_t mode)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode & 07777);

	if (fd == -1) {
		fail("%s: %s", out, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Parse "T KEY MODE NAMELEN TARGETLEN NAME TARGET\n" at *p. */
static int
next_entry(char **p, char *end, char *t, char *key, mode_t *mode,
    char *name, char *target)
{
	unsigned m;
	size_t nl;
	ssize_t tl;
	int used;

	if (*p >= end)
		return 0;
	/* NAME may begin with a blank: the one space before it is
	 * skipped by hand. */
	if (sscanf(*p, "%c %95s %o %zu %zd%n", t, key, &m, &nl, &tl,
	    &used) != 5 || (*p)[used] != ' ' || nl == 0 || nl > NAME_MAX ||
	    tl < 0 || tl >= PATH_MAX ||
	    *p + used + 1 + nl + 1 + (size_t)tl + 1 > end)
		return -1;
	*p += used + 1;
	memcpy(name, *p, nl);
	name[nl] = '\0';
	*p += nl + 1;
	memcpy(target, *p, (size_t)tl);
	target[tl] = '\0';
	*p += (size_t)tl + 1;
	*mode = (mode_t)m;
	return strchr(name, '/') != NULL ? -1 : 1;
}

/* The directory key as durable, built at out. */
static void
build_dir(const char *key, const char *out, mode_t mode, int depth)
{
	const struct event *d = latest('D', key);
	char path[PATH_MAX], *buf = NULL, *p, *end;
	FILE *f;
	long len;

	if (depth > 64) {
		fail("%s: too deep (a loop?)", out);
		return;
	}
	if (mkdir(out, 0700) == -1) {
		fail("mkdir %s: %s", out, strerror(errno));
		return;
	}
	if (d == NULL)
		goto end;	/* never synced: empty */
	snprintf(path, sizeof(path), "%s/%s", shadow, d->name);
	if ((f = fopen(path, "re")) == NULL || fseek(f, 0, SEEK_END) == -1 ||
	    (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) == -1) {
		fail("%s: %s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		goto end;
	}
	buf = malloc((size_t)len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fail("%s: short read", path);
		fclose(f);
		goto end;
	}
	fclose(f);
	buf[len] = '\0';
	end = buf + len;
	p = strchr(buf, '\n') + 1;
	for (;;) {
		char t, ekey[KEY_MAX], name[NAME_MAX + 1], target[PATH_MAX];
		char child[PATH_MAX];
		mode_t emode;
		int r = next_entry(&p, end, &t, ekey, &emode, name, target);

		if (r == 0)
			break;
		if (r == -1) {
			fail("%s: bad entry", path);
			break;
		}
		snprintf(child, sizeof(child), "%s/%s", out, name);
		if (t == 'd')
			build_dir(ekey, child, emode, depth + 1);
		else if (t == 'l') {
			if (symlink(target, child) == -1)
				fail("symlink %s: %s", child, strerror(errno));
		} else {
			const struct event *fe = latest('F', ekey);
			if (fe != NULL)
				copy_body(fe, child, emode);
			else
				empty_file(child, emode);
		}
	}
end:
	free(buf);
	/* Last, so that a read-only directory could be filled. */
	if (chmod(out, mode & 07777) == -1)
		fail("chmod %s: %s", out, strerror(errno));
}

static int
cmd_rebuild(const char *out)
{
	char line[PATH_MAX], key[KEY_MAX];
	const struct event *d;
	mode_t mode = 0750;
	unsigned m;

	if (head_line("root", line, sizeof(line)) == -1 ||
	    sscanf(line, "R %95s", key) != 1) {
		fail("%s/root: no snapshot was taken", shadow);
		return 1;
	}
	if (load_events() == -1)
		return 1;
	if ((d = latest('D', key)) != NULL &&
	    head_line(d->name, line, sizeof(line)) == 0 &&
	    sscanf(line, "D %*s %o", &m) == 1)
		mode = (mode_t)m;
	build_dir(key, out, mode, 0);
	for (size_t i = 0; i < nev; i++)
		free(ev[i].name);
	free(ev);
	return failed;
}

static int
cmd_snapshot(const char *root)
{
	char key[KEY_MAX];
	struct rec r;
	mode_t mode;
	int fd;

	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		fail("%s: %s", root, strerror(errno));
		return 1;
	}
	if (key_of(fd, "", AT_EMPTY_PATH, key, &mode) == -1 ||
	    record_tree(shadow, fd, 0) == -1) {
		fail("%s: cannot take a snapshot: %s", root, strerror(errno));
		return 1;
	}
	/* The root record is written like the others, then named. */
	snprintf(r.name, sizeof(r.name), "root");
	snprintf(r.tmp, sizeof(r.tmp), "%s/tmp.root", shadow);
	r.err = 0;
	if ((r.fd = open(r.tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		fail("%s: %s", r.tmp, strerror(errno));
		return 1;
	}
	rec_printf(&r, "R %s\n", key);
	if (rec_end(&r, shadow) == -1) {
		fail("%s/root: cannot write", shadow);
		return 1;
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: powercut snapshot root shadow\n"
	    "       powercut rebuild shadow out\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	if (argc != 4)
		usage();
	if (strcmp(argv[1], "snapshot") == 0) {
		shadow = argv[3];
		return cmd_snapshot(argv[2]);
	}
	if (strcmp(argv[1], "rebuild") == 0) {
		shadow = argv[2];
		return cmd_rebuild(argv[3]);
	}
	usage();
}

#endif /* POWERCUT_SHIM */
