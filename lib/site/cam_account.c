/*
 * cam_account: see cam_account.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "site/cam_account.h"
#include "site/cam_policy.h"

int
cam_account_exists(const char *name)
{
	return name != NULL && getpwnam(name) != NULL;
}

static int
fill_service(uid_t uid, struct cam_service *svc)
{
	struct passwd *pw = getpwuid(uid);
	struct group *gr;

	if (pw == NULL || strlen(pw->pw_name) >= sizeof(svc->user))
		return 0;
	memset(svc, 0, sizeof(*svc));
	svc->uid = uid;
	svc->gid = pw->pw_gid;
	snprintf(svc->user, sizeof(svc->user), "%s", pw->pw_name);
	gr = getgrgid(svc->gid);
	if (gr != NULL && strlen(gr->gr_name) < sizeof(svc->group))
		snprintf(svc->group, sizeof(svc->group), "%s", gr->gr_name);
	else
		snprintf(svc->group, sizeof(svc->group), "%lu",
		    (unsigned long)svc->gid);
	return 1;
}

int
cam_account_service(const char *root, struct cam_service *svc)
{
	struct stat st;

	if (stat("/proc/self/exe", &st) == 0 && (st.st_mode & S_ISUID) &&
	    st.st_uid != 0 && fill_service(st.st_uid, svc))
		return 1;
	if (root != NULL && stat(root, &st) == 0 && st.st_uid != 0 &&
	    fill_service(st.st_uid, svc))
		return 1;
	return 0;
}

int
cam_account_bindir(char *buf, size_t len, struct cam_err *e)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return cam_err_sys(e, "/proc/self/exe");
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return cam_errf(e, CAM_ENV, "/proc/self/exe: %s: not a path",
		    exe);
	*slash = '\0';
	if (snprintf(buf, len, "%s", exe[0] ? exe : "/") >= (int)len)
		return cam_errf(e, CAM_ENV, "%s: path too long", exe);
	return 0;
}

int
cam_account_can_root(void)
{
	return getuid() == 0;
}

int
cam_account_root_begin(struct cam_ids *saved, struct cam_err *e)
{
	saved->euid = geteuid();
	saved->egid = getegid();
	if (getuid() != 0)
		return cam_errf(e, CAM_ENV, "this needs the superuser");
	if (seteuid(0) == -1 || setegid(0) == -1)
		return cam_err_sys(e, "cannot take the superuser's ids back");
	return 0;
}

void
cam_account_root_end(const struct cam_ids *saved)
{
	/* The group first: once the effective uid is not 0 any more, it
	 * could not be changed. */
	if (setegid(saved->egid) == -1 || seteuid(saved->euid) == -1)
		abort();	/* never carry on as root by mistake */
}

/* Is name a member of gr (listed, or gr is its primary group)? */
static int
member(const struct group *gr, const char *name)
{
	struct passwd *pw = getpwnam(name);

	if (pw != NULL && pw->pw_gid == gr->gr_gid)
		return 1;
	for (char **m = gr->gr_mem; m != NULL && *m != NULL; m++)
		if (strcmp(*m, name) == 0)
			return 1;
	return 0;
}

static void
argv_line(struct cam_buf *b, char *const *argv)
{
	for (int i = 0; argv[i] != NULL; i++)
		cam_buf_addf(b, "%s%s", i ? " " : "", argv[i]);
	cam_buf_adds(b, "\n");
}

/* Run argv as the superuser (argv, no shell), its output to /dev/null;
 * 0 or -1. */
static int
run_root(char *const *argv, struct cam_err *e)
{
	posix_spawn_file_actions_t fa;
	struct cam_buf line = CAM_BUF_INIT;
	struct cam_ids ids;
	char *const env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	pid_t pid;
	int err, st;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return cam_errf(e, CAM_ENV, "posix_spawn: out of memory");
	if (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY,
	    0) != 0 || posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
	    O_WRONLY, 0) != 0 || posix_spawn_file_actions_adddup2(&fa, 1,
	    2) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return cam_errf(e, CAM_ENV, "posix_spawn: out of memory");
	}
	/* Its ids are this process's: the superuser's, for the spawn. */
	if (cam_account_root_begin(&ids, e) == -1) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	err = posix_spawn(&pid, argv[0], &fa, NULL, argv, env);
	cam_account_root_end(&ids);
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0) {
		errno = err;
		return cam_err_sys(e, "%s", argv[0]);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return cam_err_sys(e, "waitpid");
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	argv_line(&line, argv);
	line.s[line.len - 1] = '\0';
	if (WIFEXITED(st))
		cam_errf(e, CAM_ENV, "%s: exit status %d", cam_buf_str(&line),
		    WEXITSTATUS(st));
	else
		cam_errf(e, CAM_ENV, "%s: killed by signal %d",
		    cam_buf_str(&line), WTERMSIG(st));
	cam_buf_free(&line);
	return -1;
}

int
cam_account_groups(const char *name, unsigned roles, struct cam_buf *done,
    struct cam_buf *todo, struct cam_err *e)
{
	const struct {
		const char *group;
		unsigned roles;
	} groups[] = {
		{ CAM_GROUP_READ, cam_action_roles(CAM_ACT_AUDIT) },
	};
	char group[64], user[64];

	if (!cam_account_exists(name) || strlen(name) >= sizeof(user))
		return 0;
	snprintf(user, sizeof(user), "%s", name);
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct group *gr = getgrnam(groups[i].group);
		int want = (roles & groups[i].roles) != 0;
		char *join[] = { "/usr/sbin/usermod", "-a", "-G", group, user,
		    NULL };
		char *leave[] = { "/usr/bin/gpasswd", "-d", user, group, NULL };
		char **argv;

		snprintf(group, sizeof(group), "%s", groups[i].group);
		if (gr == NULL) {
			if (want)
				cam_buf_addf(todo, "# the group %s does not "
				    "exist: \"make install-privileges\" makes "
				    "it\n", group);
			continue;
		}
		if (want == member(gr, user))
			continue;
		argv = want ? join : leave;
		if (!cam_account_can_root()) {
			argv_line(todo, argv);
			continue;
		}
		if (run_root(argv, e) == -1)
			return -1;
		argv_line(done, argv);
	}
	return 0;
}

/* ---- giving a tree to the service account ---- */

static int
give_one(const char *path, const struct stat *st, uid_t uid, gid_t gid,
    int secret, struct cam_err *e)
{
	mode_t m = st->st_mode & 07777;

	if (lchown(path, uid, gid) == -1)
		return cam_err_sys(e, "chown %s", path);
	if (S_ISLNK(st->st_mode))
		return 0;
	if (secret)
		m &= S_ISDIR(st->st_mode) ? 0700 : 0600;
	else {
		m &= ~(mode_t)(S_IWGRP | S_IRWXO);
		if (S_ISDIR(st->st_mode))
			m |= S_ISGID | S_IRGRP | S_IXGRP;
	}
	if (chmod(path, m) == -1)
		return cam_err_sys(e, "chmod %s", path);
	return 0;
}

static int
give_tree(const char *path, uid_t uid, gid_t own_gid, gid_t gid, int secret,
    int depth, struct cam_err *e)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	char sub[PATH_MAX];
	int rc = 0;

	if (depth > 64)
		return cam_errf(e, CAM_ENV, "%s: too deep", path);
	if (lstat(path, &st) == -1)
		return cam_err_sys(e, "%s", path);
	if (give_one(path, &st, uid, secret ? own_gid : gid, secret, e) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return 0;
	if ((d = opendir(path)) == NULL)
		return cam_err_sys(e, "%s", path);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (cam_path(sub, sizeof(sub), e, "%s/%s", path,
		    de->d_name) == -1) {
			rc = -1;
			break;
		}
		rc = give_tree(sub, uid, own_gid, gid, secret ||
		    (depth == 0 && strcmp(de->d_name, "private") == 0),
		    depth + 1, e);
	}
	closedir(d);
	return rc;
}

static gid_t
read_gid(const struct cam_service *svc)
{
	struct group *gr = getgrnam(CAM_GROUP_READ);

	return gr != NULL ? gr->gr_gid : svc->gid;
}

int
cam_account_give(const char *dir, const struct cam_service *svc,
    struct cam_err *e)
{
	return give_tree(dir, svc->uid, svc->gid, read_gid(svc), 0, 0, e);
}

int
cam_account_mkdir(const char *dir, const struct cam_service *svc,
    struct cam_err *e)
{
	if (cam_mkdir_p(dir, 02750, e) == -1)
		return -1;
	if (chown(dir, svc->uid, read_gid(svc)) == -1)
		return cam_err_sys(e, "chown %s", dir);
	if (chmod(dir, 02750) == -1)
		return cam_err_sys(e, "chmod %s", dir);
	return 0;
}
