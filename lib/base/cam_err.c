/*
 * cam_err: filling in struct cam_err, and the one place where each
 * dependency's own error report becomes a readable message.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <git2.h>
#include <libavutil/error.h>

#include <archive.h>

#include "base/cam_err.h"

void
cam_err_clear(struct cam_err *e)
{
	e->code = CAM_OK;
	e->count = 0;
	e->msg[0] = '\0';
}

static void vappend(struct cam_err *, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

static void
vappend(struct cam_err *e, int code, const char *fmt, va_list ap)
{
	size_t len = strlen(e->msg);

	if (e->count > 0 && len + 1 < sizeof(e->msg))
		e->msg[len++] = '\n';
	e->msg[len] = '\0';
	if (len < sizeof(e->msg))
		vsnprintf(e->msg + len, sizeof(e->msg) - len, fmt, ap);
	/* The first failure decides the exit status. */
	if (e->code == CAM_OK)
		e->code = code;
	e->count++;
}

int
cam_errf(struct cam_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	cam_err_clear(e);
	va_start(ap, fmt);
	vappend(e, code, fmt, ap);
	va_end(ap);
	return -1;
}

int
cam_err_addf(struct cam_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(e, code, fmt, ap);
	va_end(ap);
	return -1;
}

int
cam_err_sys(struct cam_err *e, const char *fmt, ...)
{
	char what[1024];
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return cam_errf(e, CAM_ENV, "%s: %s", what, strerror(saved));
}

int
cam_err_git(struct cam_err *e, const char *fmt, ...)
{
	const git_error *ge = git_error_last();
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return cam_errf(e, CAM_ENV, "%s: %s", what,
	    ge && ge->message ? ge->message : "unknown libgit2 error");
}

int
cam_err_av(struct cam_err *e, int averr, const char *fmt, ...)
{
	char what[1024], why[AV_ERROR_MAX_STRING_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (av_strerror(averr, why, sizeof(why)) < 0)
		snprintf(why, sizeof(why), "error %d", averr);
	return cam_errf(e, CAM_ENV, "%s: %s", what, why);
}

int
cam_err_archive(struct cam_err *e, struct archive *a, const char *fmt, ...)
{
	char what[1024];
	const char *why = a != NULL ? archive_error_string(a) : NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return cam_errf(e, CAM_ENV, "%s: %s", what, why != NULL ? why :
	    "libarchive failed");
}
