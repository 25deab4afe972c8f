/*
 * cam_setid: a set-id program's privileged child (see cam_setid.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cam_i18n.h"
#include "base/cam_setid.h"

static int setid;
static uid_t ruid, suid;
static gid_t rgid, sgid;
static int login_read;
static uid_t login_uid = (uid_t)-1;

/*
 * The kernel's login uid, set by PAM at login and inherited by every
 * process since, whatever sudo, su or a set-id bit change: the person.
 * 4294967295 (or no such file: a kernel without audit) means none was
 * set (a service, cron).  Nothing the caller's environment holds.
 */
static void
read_login(void)
{
	char buf[32], *end;
	unsigned long long v;
	ssize_t n;
	int fd;

	login_read = 1;
	login_uid = (uid_t)-1;
	if ((fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno != 0 || end == buf || (*end != '\0' && *end != '\n') ||
	    v >= 4294967295ULL || (unsigned long long)(uid_t)v != v)
		return;
	login_uid = (uid_t)v;
}

/* The parent: the caller's own process, with the caller's ids only.
 * Returns the status the program must exit with at once; e says why
 * when the child did not end by itself. */
static int
wait_child(pid_t pid, struct cam_err *e)
{
	int st;

	/* Nothing of the service account stays here: the caller may stop,
	 * kill or trace this process as it likes. */
	if (setresgid(rgid, rgid, rgid) == -1 ||
	    setresuid(ruid, ruid, ruid) == -1)
		abort();
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return 3;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	cam_errf(e, CAM_ENV, "the service account's process died of signal "
	    "%d", WTERMSIG(st));
	return 3;
}

/* Every soft limit up to its hard one: the caller's own limits must not
 * cut a record in half or kill us under a journal's lock. */
static void
raise_limits(void)
{
	static const int res[] = { RLIMIT_FSIZE, RLIMIT_CPU, RLIMIT_NOFILE,
	    RLIMIT_AS, RLIMIT_DATA, RLIMIT_STACK };
	struct rlimit rl;

	for (size_t i = 0; i < sizeof(res) / sizeof(res[0]); i++)
		if (getrlimit(res[i], &rl) == 0 && rl.rlim_cur != rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			(void)setrlimit(res[i], &rl);
		}
	/* No core file of a process that held the site key. */
	rl.rlim_cur = rl.rlim_max = 0;
	(void)setrlimit(RLIMIT_CORE, &rl);
}

static int
become_service(struct cam_err *e)
{
	uid_t r, eff, s;
	gid_t gr, geff, gs;
	sigset_t none;

	/* Out of the caller's session and process group: no ^C, ^Z or
	 * SIGHUP from the terminal. */
	if (setsid() == -1)
		return cam_err_sys(e, "setsid");
	if (setresgid(sgid, sgid, sgid) == -1 ||
	    setresuid(suid, suid, suid) == -1)
		return cam_err_sys(e, "cannot take the service account's ids");
	if (getresuid(&r, &eff, &s) == -1 || getresgid(&gr, &geff, &gs) == -1 ||
	    r != suid || eff != suid || s != suid || gr != sgid ||
	    geff != sgid || gs != sgid)
		return cam_errf(e, CAM_ENV, "the service account's ids did not "
		    "stick");
	umask(027);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	raise_limits();
#if defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer traces the process at exit; the caller, whose uid
	 * differs, still cannot.  Sanitizer builds only. */
	(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
	return 0;
}

int
cam_setid_init(int *status, struct cam_err *e)
{
	struct passwd *pw;
	uid_t r, eff, s;
	gid_t gr, geff, gs;
	pid_t pid;

	if (getresuid(&r, &eff, &s) == -1 || getresgid(&gr, &geff, &gs) == -1)
		return cam_err_sys(e, "getresuid");
	ruid = r;
	suid = eff;
	rgid = gr;
	sgid = geff;
	setid = r != eff || gr != geff;
	/* Once, before anything changes ids (it would not change the login
	 * uid, but the child must not depend on reading /proc). */
	read_login();
	if (!setid)
		return 0;
	if (clearenv() != 0 || setenv("PATH", "/usr/bin:/bin", 1) == -1)
		return cam_err_sys(e, "cannot clear the environment");
	/*
	 * Files the child makes get its gid: that must be the service
	 * account's group, not the caller's, or a guard's group could read
	 * the logbook and the next guard's process could not use the git
	 * objects the first one made.
	 */
	if ((pw = getpwuid(suid)) == NULL)
		return cam_errf(e, CAM_ENV, "set-user-id to uid %lu, which "
		    "has no passwd entry", (unsigned long)suid);
	if (pw->pw_gid != sgid)
		return cam_errf(e, CAM_ENV, "set-user-id to %s but not "
		    "set-group-id to its group (gid %lu): what it wrote would "
		    "belong to the caller's group; install it as make "
		    "install-privileges does (owner and group %s, mode 6755)",
		    pw->pw_name, (unsigned long)pw->pw_gid, pw->pw_name);
	fflush(NULL);
	if ((pid = fork()) == -1)
		return cam_err_sys(e, "fork");
	if (pid > 0) {
		*status = wait_child(pid, e);
		return CAM_SETID_PARENT;
	}
	if (become_service(e) == -1)
		return -1;
	return 1;
}

int
cam_setid_active(void)
{
	return setid;
}

uid_t
cam_setid_uid(void)
{
	return setid ? suid : geteuid();
}

uid_t
cam_setid_caller(void)
{
	return setid ? ruid : getuid();
}

uid_t
cam_setid_login(void)
{
	if (!login_read)
		read_login();
	return login_uid;
}

int
cam_setid_raise(struct cam_err *e)
{
	(void)e;
	return 0;
}

void
cam_setid_lower(void)
{
}

/* ---- trusted directories ---- */

/* st, a directory named path on the way to (last: at) the one asked
 * for: may the caller have changed what it holds? */
static int
dir_ok(const struct stat *st, const char *path, int last, char *why,
    size_t len)
{
	if (!S_ISDIR(st->st_mode)) {
		snprintf(why, len, _("%s: not a directory"), path);
		return 0;
	}
	if (st->st_uid != 0 && st->st_uid != suid) {
		snprintf(why, len, _("%s is owned by uid %lu, neither root nor "
		    "the service account (uid %lu)"), path,
		    (unsigned long)st->st_uid, (unsigned long)suid);
		return 0;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    (last || !(st->st_mode & S_ISVTX))) {
		snprintf(why, len, _("%s may be written by group or others"),
		    path);
		return 0;
	}
	return 1;
}

int
cam_setid_trusted_dir(const char *dir, char *why, size_t len)
{
	char abs[PATH_MAX], canon[PATH_MAX], above[512];
	struct stat st;
	size_t n = 0;
	int fd = -1, ok = 0;

	if (!setid)
		return 1;
	above[0] = '\0';
	if (dir[0] == '/')
		snprintf(abs, sizeof(abs), "%s", dir);
	else {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			snprintf(why, len, _("%s: the working directory: %s"),
			    dir, strerror(errno));
			return 0;
		}
		if ((size_t)snprintf(abs, sizeof(abs), "%s/%s", cwd, dir) >=
		    sizeof(abs)) {
			snprintf(why, len, _("%s: path too long"), dir);
			return 0;
		}
	}
	canon[0] = '\0';
	/* One component at a time from /, never through a link. */
	if ((fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		snprintf(why, len, "/: %s", strerror(errno));
		goto end;
	}
	for (char *p = abs, *c; ; p = NULL) {
		int next;

		if ((c = strtok(p, "/")) == NULL)
			break;
		if (strcmp(c, ".") == 0)
			continue;
		/* The directory we stand in is one above the next. */
		if (above[0] == '\0')
			(void)dir_ok(&st, n == 0 ? "/" : canon, 0, above,
			    sizeof(above));
		if (strcmp(c, "..") == 0) {
			char *slash = strrchr(canon, '/');
			if (slash != NULL)
				*slash = '\0';
			n = strlen(canon);
		} else {
			n += (size_t)snprintf(canon + n, sizeof(canon) - n,
			    "/%s", c);
			if (n >= sizeof(canon)) {
				snprintf(why, len, _("%s: path too long"), dir);
				goto end;
			}
		}
		next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (next == -1) {
			struct stat l;
			if (fstatat(fd, c, &l, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(l.st_mode))
				snprintf(why, len, _("%s is a symbolic link: a "
				    "set-id program follows none"), canon);
			else
				snprintf(why, len, "%s: %s", canon,
				    strerror(errno));
			goto end;
		}
		close(fd);
		fd = next;
		if (fstat(fd, &st) == -1) {
			snprintf(why, len, "%s: %s", canon, strerror(errno));
			goto end;
		}
	}
	if (!dir_ok(&st, canon[0] != '\0' ? canon : "/", 1, why, len))
		goto end;
	if (above[0] != '\0') {
		snprintf(why, len, "%s", above);
		goto end;
	}
	ok = 1;
end:
	if (fd != -1)
		close(fd);
	return ok;
}

static int
tree_walk(int fd, const char *path, int depth, char *why, size_t len)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int ok = 1;

	if (fstat(fd, &st) == -1) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		close(fd);
		return 0;
	}
	if (!dir_ok(&st, path, 1, why, len)) {
		close(fd);
		return 0;
	}
	if (depth > 32) {
		snprintf(why, len, "%s: too deep", path);
		close(fd);
		return 0;
	}
	if ((d = fdopendir(fd)) == NULL) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		close(fd);
		return 0;
	}
	while (ok && (de = readdir(d)) != NULL) {
		char sub[PATH_MAX];
		int cfd;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_LNK &&
		    de->d_type != DT_UNKNOWN)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1) {
			snprintf(why, len, "%s: %s", sub, strerror(errno));
			ok = 0;
		} else if (S_ISLNK(st.st_mode)) {
			snprintf(why, len, "%s is a symbolic link: a set-id "
			    "program follows none", sub);
			ok = 0;
		} else if (S_ISDIR(st.st_mode)) {
			cfd = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd == -1) {
				snprintf(why, len, "%s: %s", sub,
				    strerror(errno));
				ok = 0;
			} else
				ok = tree_walk(cfd, sub, depth + 1, why, len);
		}
	}
	closedir(d);
	return ok;
}

int
cam_setid_trusted_tree(const char *dir, char *why, size_t len)
{
	int fd;

	if (!setid)
		return 1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOTDIR || errno == ELOOP)
			snprintf(why, len, "%s: a symbolic link or not a "
			    "directory", dir);
		else
			snprintf(why, len, "%s: %s", dir, strerror(errno));
		return 0;
	}
	return tree_walk(fd, dir, 0, why, len);
}

int
cam_setid_room(const char *path, size_t need, struct cam_err *e)
{
	struct rlimit rl;
	struct stat st;
	off_t size = 0;

	if (getrlimit(RLIMIT_FSIZE, &rl) == -1)
		return cam_err_sys(e, "getrlimit");
	if (rl.rlim_cur == RLIM_INFINITY)
		return 0;
	if (stat(path, &st) == 0)
		size = st.st_size;
	else if (errno != ENOENT)
		return cam_err_sys(e, "%s", path);
	if ((rlim_t)size + need > rl.rlim_cur)
		return cam_errf(e, CAM_ENV, "%s: the file size limit (ulimit "
		    "-f) of %llu bytes leaves no room for a record (the file "
		    "has %lld): nothing was done", path,
		    (unsigned long long)rl.rlim_cur, (long long)size);
	return 0;
}
