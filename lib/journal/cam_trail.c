/*
 * cam_trail: append to the audit trail, directly or through the set-id
 * helper (cam_trail.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cam_json.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "journal/cam_trail.h"

/* A caller's string cut to fit any record (the reason, a cam_err
 * message, is bounded already): at most max bytes, then "...". */
static const char *
cut(const char *s, char *buf, size_t max)
{
	size_t n;

	if (s == NULL || strlen(s) <= max)
		return s;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;	/* not inside a UTF-8 sequence */
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

#ifndef CAMKIT_BINDIR
#define CAMKIT_BINDIR "/usr/local/bin"
#endif

/*
 * May this process append to path, in root?  0: yes; 1: not with its
 * own rights (EACCES, EPERM: the helper may); -1: no (e says why).
 */
static int
probe(const char *root, const char *path, struct cam_err *e)
{
	struct stat st;
	int fd;

	if (root == NULL)
		return cam_errf(e, CAM_ENV, "no data root (storage.root) is "
		    "configured, so there is no audit trail");
	if (stat(root, &st) == -1) {
		if (errno == EACCES)
			return 1;
		if (errno == ENOENT)
			return cam_errf(e, CAM_ENV, "the audit trail cannot be "
			    "written: the data root %s does not exist: create "
			    "it, owned by the service account and mode 0750 "
			    "(\"make install\" as root does), or point "
			    "storage.root in camkit.yaml at an existing "
			    "directory", root);
		return cam_err_sys(e, "the audit trail cannot be written: %s",
		    root);
	}
	if (!S_ISDIR(st.st_mode))
		return cam_errf(e, CAM_ENV, "the audit trail cannot be "
		    "written: the data root %s is not a directory", root);
	fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd != -1) {
		close(fd);
		return 0;
	}
	if (errno == EACCES || errno == EPERM)
		return 1;
	if (errno != ENOENT)
		return cam_err_sys(e, "the audit trail cannot be written: %s",
		    path);
	/* Not there yet: the first record creates it. */
	if (faccessat(AT_FDCWD, root, W_OK | X_OK, AT_EACCESS) == 0)
		return 0;
	if (errno == EACCES || errno == EPERM || errno == EROFS)
		return errno == EROFS ? cam_err_sys(e, "the audit trail "
		    "cannot be written: %s", root) : 1;
	return cam_err_sys(e, "the audit trail cannot be written: %s", root);
}

static char *helper_dir;	/* NULL: CAMKIT_BINDIR */
static char **helper_env;	/* NULL: an empty environment */

static void
env_free(char ***env)
{
	if (*env == NULL)
		return;
	for (char **p = *env; *p != NULL; p++)
		free(*p);
	free(*env);
	*env = NULL;
}

void
cam_trail_helper(const char *bindir, char *const *env)
{
	size_t n = 0;

	free(helper_dir);
	helper_dir = bindir != NULL && *bindir != '\0' ?
	    cam_xstrdup(bindir) : NULL;
	env_free(&helper_env);
	if (env == NULL)
		return;
	while (env[n] != NULL)
		n++;
	helper_env = cam_xmalloc((n + 1) * sizeof(*helper_env));
	for (size_t i = 0; i < n; i++)
		helper_env[i] = cam_xstrdup(env[i]);
	helper_env[n] = NULL;
}

static const char *
helper_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", helper_dir != NULL ? helper_dir :
	    CAMKIT_BINDIR, CAM_TRAIL_HELPER);
	return buf;
}

/* Start the helper at path with argv, its standard input from in. */
static int
spawn_helper(const char *path, char **argv, int in, pid_t *pid,
    struct cam_err *e)
{
	posix_spawn_file_actions_t fa;
	int err;

	if ((err = posix_spawn_file_actions_init(&fa)) != 0) {
		errno = err;
		return cam_err_sys(e, "fork");
	}
	err = posix_spawn_file_actions_adddup2(&fa, in, STDIN_FILENO);
	if (err == 0)
		err = posix_spawn(pid, path, &fa, NULL, argv, helper_env ?
		    helper_env : (char *[]){ NULL });
	posix_spawn_file_actions_destroy(&fa);
	if (err == EAGAIN || err == ENOMEM) {
		errno = err;
		return cam_err_sys(e, "fork");
	}
	/* A helper that cannot be run is told as one that exited with 127,
	 * the shell's "cannot execute". */
	return err == 0 ? 0 : 1;
}

/* The helper ended with status (waitpid's) other than success. */
static int
helper_failed(const char *path, int status, struct cam_err *e)
{
	if (WIFEXITED(status))
		return cam_errf(e, CAM_ENV, "the audit trail cannot be "
		    "written: its set-id helper %s exited with %d (is it "
		    "installed set-user-id to the service account, as \"make "
		    "install\" as root does?)", path, WEXITSTATUS(status));
	return cam_errf(e, CAM_ENV, "the audit trail cannot be written: its "
	    "set-id helper %s was killed by signal %d (is it installed "
	    "set-user-id to the service account, as \"make install\" as "
	    "root does?)", path, WTERMSIG(status));
}

/*
 * Run the helper for the site at confdir, with in on its standard input
 * (check: only ask whether it could append).  Its own messages go to
 * our standard error.
 */
static int
run_helper(const char *confdir, const char *in, int check,
    struct cam_err *e)
{
	char path[PATH_MAX];
	char *argv[6];
	int fd[2], status, n = 0, rc;
	pid_t pid = -1;

	helper_path(path, sizeof(path));
	if (access(path, X_OK) == -1)
		return cam_err_sys(e, "the audit trail cannot be written by "
		    "this user, and its set-id helper %s cannot be run "
		    "(\"make install\" as root installs it)", path);
	argv[n++] = (char *)CAM_TRAIL_HELPER;
	argv[n++] = (char *)"-C";
	argv[n++] = (char *)confdir;
	argv[n++] = (char *)CAM_TRAIL_HELPER_VERB;
	if (check)
		argv[n++] = (char *)"--check";
	argv[n] = NULL;
	if (pipe2(fd, O_CLOEXEC) == -1)
		return cam_err_sys(e, "pipe");
	rc = spawn_helper(path, argv, fd[0], &pid, e);
	close(fd[0]);
	if (rc != 0) {
		close(fd[1]);
		if (rc == -1)
			return -1;
		return helper_failed(path, W_EXITCODE(127, 0), e);
	}
	{
		/* A helper that died early must not kill us with SIGPIPE. */
		struct sigaction ign, old;
		size_t len = strlen(in), off = 0;

		memset(&ign, 0, sizeof(ign));
		ign.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &ign, &old);
		while (off < len) {
			ssize_t w = write(fd[1], in + off, len - off);
			if (w == -1 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		sigaction(SIGPIPE, &old, NULL);
	}
	close(fd[1]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return cam_err_sys(e, "waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return helper_failed(path, status, e);
}

/*
 * r as one JSON object into b.  With a, the record itself (the actor,
 * detail as an object); without, the helper's request: it names the
 * actor itself, and takes detail as a string it parses.
 */
static void
record_json(struct cam_buf *b, const struct cam_actor *a,
    const struct cam_trail_rec *r)
{
	char obj[CAM_TRAIL_OBJECT_MAX + 4];

	cam_json_begin(b);
	if (a != NULL) {
		/* The person; the account it ran as when another (root
		 * under sudo); no login uid: the account is all we know. */
		cam_actor_json(b, "actor", a);
	}
	cam_json_add_str(b, "program", r->program);
	cam_json_add_str(b, "verb", r->verb);
	if (r->object != NULL)
		cam_json_add_str(b, "object", cut(r->object, obj,
		    CAM_TRAIL_OBJECT_MAX));
	cam_json_add_str(b, "outcome", r->outcome);
	if (r->reason != NULL)
		cam_json_add_str(b, "reason", r->reason);
	if (r->detail != NULL) {
		if (a != NULL)
			cam_json_add_raw(b, "detail", r->detail);
		else
			cam_json_add_str(b, "detail", r->detail);
	}
	cam_json_end(b);
}

int
cam_trail_ready(const char *root, const char *confdir, struct cam_err *e)
{
	char path[PATH_MAX];
	int k;

	if (root != NULL && cam_path(path, sizeof(path), e, "%s/%s", root,
	    CAM_TRAIL_FILE) == -1)
		return -1;
	if ((k = probe(root, path, e)) <= 0)
		return k;
	if (confdir == NULL) {
		errno = EACCES;
		return cam_err_sys(e, "the audit trail cannot be written: %s",
		    path);
	}
	return run_helper(confdir, "", 1, e);
}

int
cam_trail_append(const char *root, const char *confdir, const char *host,
    const struct cam_actor *a, const struct cam_trail_rec *r,
    struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_journal *j = NULL;
	char path[PATH_MAX];
	int k, rc = -1;

	if (root != NULL && cam_path(path, sizeof(path), e, "%s/%s", root,
	    CAM_TRAIL_FILE) == -1)
		return -1;
	if ((k = probe(root, path, e)) == -1)
		return -1;
	if (k == 1) {
		if (confdir == NULL) {
			errno = EACCES;
			return cam_err_sys(e, "the audit trail cannot be "
			    "written: %s", path);
		}
		/* The helper names the actor itself, from its real uid and
		 * its login uid (inherited: ours). */
		record_json(&b, NULL, r);
		rc = run_helper(confdir, cam_buf_str(&b), 0, e);
		cam_buf_free(&b);
		return rc;
	}
	record_json(&b, a, r);
	if (cam_journal_open(&j, path, host, e) == 0 &&
	    cam_journal_append(j, "audit", cam_buf_str(&b), NULL, e) == 0)
		rc = 0;
	cam_journal_close(&j);
	cam_buf_free(&b);
	return rc;
}

/* ---- the helper's side ---- */

static const char *const programs[] = { "camctl", "camrec", "camlog",
	"camextract", "camaudit", NULL };
static const char *const outcomes[] = { "granted", "refused", "failed",
	NULL };

static int
one_of(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Member key of in, a string, into buf at *off; NULL if absent (or not
 * a string: the record is then refused if the member is required). */
static const char *
member(const char *in, const char *key, char *buf, size_t len, size_t *off)
{
	char *s = buf + *off;

	if (*off >= len || cam_json_get_str(in, key, s, len - *off) == -1)
		return NULL;
	*off += strlen(s) + 1;
	return s;
}

int
cam_trail_parse_request(const char *in, size_t inlen,
    struct cam_trail_rec *r, char *buf, size_t len, struct cam_err *e)
{
	struct cam_json_field who[] = { { "as", NULL, 0 },
		{ "as_uid", NULL, 0 }, { "login", NULL, 0 } };
	size_t off = 0;

	memset(r, 0, sizeof(*r));
	if (cam_json_check(in, inlen, e) == -1 || in[0] != '{' ||
	    cam_json_fields(in, who, 3) == -1)
		return cam_errf(e, CAM_NO, "the record is not one JSON "
		    "object");
	for (size_t i = 0; i < 3; i++)
		if (who[i].count > 0)
			return cam_errf(e, CAM_NO, "the record names the "
			    "account it ran as or its login (\"%s\"): the "
			    "helper records those itself", who[i].key);
	/* Who acted is the helper's to say, never the caller's: a key
	 * "actor" or "uid" anywhere, nested too, is refused (so is a value
	 * that is exactly one of those words, which no record needs). */
	if (strstr(in, "\"actor\"") != NULL || strstr(in, "\"uid\"") != NULL)
		return cam_errf(e, CAM_NO, "the record names its own actor "
		    "or uid: the helper records the caller's real user");
	r->program = member(in, "program", buf, len, &off);
	r->verb = member(in, "verb", buf, len, &off);
	r->object = member(in, "object", buf, len, &off);
	r->outcome = member(in, "outcome", buf, len, &off);
	r->reason = member(in, "reason", buf, len, &off);
	r->detail = member(in, "detail", buf, len, &off);
	if (r->program == NULL || !one_of(r->program, programs))
		return cam_errf(e, CAM_NO, "the record's program is not one "
		    "of camkit's");
	if (r->verb == NULL || r->verb[0] == '\0' || strlen(r->verb) > 63)
		return cam_errf(e, CAM_NO, "the record has no verb, or one "
		    "longer than 63 bytes");
	if (r->outcome == NULL || !one_of(r->outcome, outcomes))
		return cam_errf(e, CAM_NO, "the record's outcome is not "
		    "granted, refused or failed");
	if (r->detail != NULL && (r->detail[0] != '{' ||
	    cam_json_check(r->detail, strlen(r->detail), e) == -1))
		return cam_errf(e, CAM_NO, "the record's detail is not one "
		    "JSON object");
	return 0;
}
