/*
 * cam_secret: see cam_secret.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "base/cam_util.h"
#include "site/cam_config.h"
#include "site/cam_secret.h"

void
cam_secret_free(char **s)
{
	if (*s != NULL) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

int
cam_secret_valid(enum cam_secret_field what, const char *s,
    struct cam_err *e)
{
	size_t n = strlen(s);
	int user = what == CAM_SECRET_USER;

	/* Whole sentences, one per field: each is a msgid. */
	if (n == 0)
		return user ? cam_errf(e, CAM_NO, "empty user name") :
		    cam_errf(e, CAM_NO, "empty password");
	if (n > CAM_SECRET_MAX)
		return user ? cam_errf(e, CAM_NO, "user name longer than %d "
		    "bytes", CAM_SECRET_MAX) : cam_errf(e, CAM_NO, "password "
		    "longer than %d bytes", CAM_SECRET_MAX);
	if (!cam_utf8_clean(s, n, 0))
		return user ? cam_errf(e, CAM_NO, "user name has control "
		    "characters or is not UTF-8") : cam_errf(e, CAM_NO,
		    "password has control characters or is not UTF-8");
	return 0;
}

/* private/ must exist with mode 0700 and belong to us; a looser mode is
 * refused rather than silently fixed, since secrets may have leaked. */
static int
private_dir(const char *dir, const char *sub, char *out, size_t len,
    int create, struct cam_err *e)
{
	char p[PATH_MAX];
	struct stat st;

	if (cam_path(p, sizeof(p), e, "%s/private", dir) == -1 ||
	    cam_path(out, len, e, "%s/private/%s", dir, sub) == -1)
		return -1;
	const char *paths[] = { p, out };
	for (int i = 0; i < 2; i++) {
		if (lstat(paths[i], &st) == -1) {
			if (errno != ENOENT || !create)
				return cam_err_sys(e, "%s", paths[i]);
			if (mkdir(paths[i], 0700) == -1 ||
			    chmod(paths[i], 0700) == -1)
				return cam_err_sys(e, "mkdir %s", paths[i]);
			continue;
		}
		if (!S_ISDIR(st.st_mode))
			return cam_errf(e, CAM_NO, "%s: not a directory",
			    paths[i]);
		if ((st.st_mode & 077) != 0)
			return cam_errf(e, CAM_NO, "%s: mode %03o lets others "
			    "in; it must be 0700 (chmod 700 %s)", paths[i],
			    (unsigned)(st.st_mode & 0777), paths[i]);
	}
	return 0;
}

int
cam_secret_write(const char *dir, const char *name, const char *user,
    const char *pass, int *created, struct cam_err *e)
{
	char d[PATH_MAX], path[PATH_MAX];
	struct cam_buf b = CAM_BUF_INIT;
	int rc;

	*created = 0;
	if (!cam_id_valid(name))
		return cam_errf(e, CAM_NO, "bad credential name \"%s\"", name);
	if (cam_secret_valid(CAM_SECRET_USER, user, e) == -1 ||
	    cam_secret_valid(CAM_SECRET_PASSWORD, pass, e) == -1)
		return -1;
	if (private_dir(dir, "credentials", d, sizeof(d), 1, e) == -1 ||
	    cam_path(path, sizeof(path), e, "%s/%s", d, name) == -1)
		return -1;
	*created = access(path, F_OK) == -1;
	/* Not cam_buf_addf: printf would leave the password on the stack. */
	cam_buf_adds(&b, "username=");
	cam_buf_adds(&b, user);
	cam_buf_adds(&b, "\npassword=");
	cam_buf_adds(&b, pass);
	cam_buf_adds(&b, "\n");
	rc = cam_file_write_atomic(path, b.s, b.len, 0600, e);
	cam_buf_free(&b);	/* wipes */
	return rc;
}

static char cred_dir[PATH_MAX];
static int has_cred_dir;

void
cam_secret_set_credentials_dir(const char *dir)
{
	has_cred_dir = dir != NULL;
	snprintf(cred_dir, sizeof(cred_dir), "%s", dir != NULL ? dir : "");
}

const char *
cam_secret_credentials_dir(void)
{
	return has_cred_dir ? cred_dir : NULL;
}

int
cam_secret_site_key(const char *dir, char *key, char *crt,
    struct cam_err *e)
{
	if (has_cred_dir && cam_path(key, PATH_MAX, e, "%s/site.key",
	    cred_dir) == 0 && access(key, F_OK) == 0)
		return cam_path(crt, PATH_MAX, e, "%s/site.crt", cred_dir);
	if (cam_path(key, PATH_MAX, e, "%s/private/site.key", dir) == -1)
		return -1;
	return cam_path(crt, PATH_MAX, e, "%s/private/site.crt", dir);
}

int
cam_secret_read_file(const char *path, char **user, char **pass,
    struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct stat st;
	int fd, rc = -1;

	*user = *pass = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return cam_err_sys(e, "%s", path);
	if (fstat(fd, &st) == -1 || (st.st_mode & 077) != 0) {
		close(fd);
		return cam_errf(e, CAM_NO, "%s: others may read it; its mode "
		    "must be 0600 or 0400", path);
	}
	rc = cam_fd_read(fd, path, 4096, 0, &b, e);
	close(fd);
	if (rc == -1)
		goto end;
	rc = -1;
	for (char *line = b.s, *nl; line && *line; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		if (strncmp(line, "username=", 9) == 0 && *user == NULL)
			*user = cam_xstrdup(line + 9);
		else if (strncmp(line, "password=", 9) == 0 && *pass == NULL)
			*pass = cam_xstrdup(line + 9);
	}
	if (*user == NULL || *pass == NULL) {
		cam_errf(e, CAM_NO, "%s: needs username= and password= lines",
		    path);
		cam_secret_free(user);
		cam_secret_free(pass);
		goto end;
	}
	rc = 0;
end:
	cam_buf_free(&b);
	return rc;
}

int
cam_secret_read(const char *dir, const char *name, char **user,
    char **pass, struct cam_err *e)
{
	char d[PATH_MAX], path[PATH_MAX];

	*user = *pass = NULL;
	if (!cam_id_valid(name))
		return cam_errf(e, CAM_NO, "bad credential name \"%s\"", name);
	if (private_dir(dir, "credentials", d, sizeof(d), 0, e) == -1 ||
	    cam_path(path, sizeof(path), e, "%s/%s", d, name) == -1)
		return -1;
	return cam_secret_read_file(path, user, pass, e);
}

int
cam_secret_read_loaded(const char *dir, const char *name, const char *loaded,
    char **user, char **pass, struct cam_err *e)
{
	const char *cdir = cam_secret_credentials_dir();
	char path[PATH_MAX];

	*user = *pass = NULL;
	if (cdir != NULL && snprintf(path, sizeof(path), "%s/%s", cdir,
	    loaded) < (int)sizeof(path) && access(path, F_OK) == 0)
		return cam_secret_read_file(path, user, pass, e);
	return cam_secret_read(dir, name, user, pass, e);
}

int
cam_secret_remove(const char *dir, const char *name, struct cam_err *e)
{
	char d[PATH_MAX], path[PATH_MAX];

	if (!cam_id_valid(name))
		return cam_errf(e, CAM_NO, "bad credential name \"%s\"", name);
	if (cam_path(d, sizeof(d), e, "%s/private/credentials", dir) == -1 ||
	    cam_path(path, sizeof(path), e, "%s/%s", d, name) == -1)
		return -1;
	if (unlink(path) == -1) {
		if (errno == ENOENT)
			return 0;
		return cam_err_sys(e, "%s", path);
	}
	return cam_dir_sync(d, e);
}

int
cam_secret_read_line(const char *path, char **out, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct termios saved, quiet;
	int fd, rc = -1, echo_off = 0;

	*out = NULL;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cam_err_sys(e, "%s", path);
	/* Typed at a terminal: do not show it. */
	if (isatty(fd) && tcgetattr(fd, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (cam_fd_read(fd, strcmp(path, "-") == 0 ? "standard input" : path,
	    CAM_SECRET_MAX + 2, 1, &b, e) == -1)
		goto end;
	size_t len = b.s ? strcspn(b.s, "\n") : 0;
	if (len > 0 && b.s[len - 1] == '\r')
		len--;
	*out = cam_xstrndup(b.s ? b.s : "", len);
	rc = 0;
end:
	if (echo_off) {
		tcsetattr(fd, TCSAFLUSH, &saved);
		/* The newline typed was not echoed: end the prompt's line on
		 * the terminal itself. */
		(void)!write(fd, "\n", 1);
	}
	cam_buf_free(&b);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}
