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
#include "base/cam_i18n.h"

void
cam_err_clear(struct cam_err *e)
{
	e->code = CAM_OK;
	e->count = 0;
	e->msg[0] = '\0';
	e->text[0] = '\0';
}

/* fmt in the reader's language; "" is the catalogue's header. */
static const char *tr(const char *) __attribute__((format_arg(1)));

static const char *
tr(const char *fmt)
{
	return fmt[0] != '\0' ? _(fmt) : fmt;
}

void
cam_msg_vformat(struct cam_msg *m, const char *fmt, va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	/* cppcheck-suppress ctuuninitvar ; m is what this fills in */
	vsnprintf(m->en, sizeof(m->en), fmt, ap);
	vsnprintf(m->text, sizeof(m->text), tr(fmt), aq);
	va_end(aq);
}

void
cam_msg_format(struct cam_msg *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cam_msg_vformat(m, fmt, ap);
	va_end(ap);
}

static void
add_line(char *buf, size_t size, int first, const char *line)
{
	size_t len = strlen(buf);

	if (!first && len + 1 < size)
		buf[len++] = '\n';
	buf[len] = '\0';
	if (len < size)
		snprintf(buf + len, size - len, "%s", line);
}

int
cam_err_pair(struct cam_err *e, int code, int append, const char *en,
    const char *text)
{
	if (!append)
		cam_err_clear(e);
	add_line(e->msg, sizeof(e->msg), e->count == 0, en);
	add_line(e->text, sizeof(e->text), e->count == 0, text);
	/* The first failure decides the exit status. */
	if (e->code == CAM_OK)
		e->code = code;
	e->count++;
	return -1;
}

int
cam_err_vset(struct cam_err *e, int code, int append, const char *fmt,
    va_list ap)
{
	char en[CAM_ERR_MAX], text[CAM_ERR_MAX];
	va_list aq;

	va_copy(aq, ap);
	vsnprintf(en, sizeof(en), fmt, ap);
	vsnprintf(text, sizeof(text), tr(fmt), aq);
	va_end(aq);
	return cam_err_pair(e, code, append, en, text);
}

int
cam_errf(struct cam_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cam_err_vset(e, code, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int
cam_err_addf(struct cam_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cam_err_vset(e, code, 1, fmt, ap);
	va_end(ap);
	return -1;
}

void
cam_err_vcompose(char *en, char *text, const struct cam_err *inner,
    const char *fmt, va_list ap)
{
	struct cam_msg m;

	cam_msg_vformat(&m, fmt, ap);
	snprintf(en, CAM_ERR_MAX, "%s: %.3000s", m.en, inner->msg);
	snprintf(text, CAM_ERR_MAX, "%s: %.3000s", m.text, inner->text);
}

int
cam_err_wrap(struct cam_err *e, const struct cam_err *inner,
    const char *fmt, ...)
{
	char en[CAM_ERR_MAX], text[CAM_ERR_MAX];
	int code = inner->code ? inner->code : CAM_ENV;
	va_list ap;

	va_start(ap, fmt);
	cam_err_vcompose(en, text, inner, fmt, ap);
	va_end(ap);
	return cam_err_pair(e, code, 0, en, text);
}

/* what, then ": " and a library's reason, which is the same in both. */
static int
with_reason(struct cam_err *e, int code, const struct cam_msg *m,
    const char *why_en, const char *why_text)
{
	char en[CAM_ERR_MAX], text[CAM_ERR_MAX];

	snprintf(en, sizeof(en), "%s: %s", m->en, why_en);
	snprintf(text, sizeof(text), "%s: %s", m->text, why_text);
	return cam_err_pair(e, code, 0, en, text);
}

int
cam_err_sys(struct cam_err *e, const char *fmt, ...)
{
	int saved = errno;
	const char *en = strerrordesc_np(saved);
	struct cam_msg m;
	va_list ap;

	va_start(ap, fmt);
	cam_msg_vformat(&m, fmt, ap);
	va_end(ap);
	/* strerror speaks the reader's language, strerrordesc_np never. */
	return with_reason(e, CAM_ENV, &m, en != NULL ? en : "unknown error",
	    strerror(saved));
}

int
cam_err_git(struct cam_err *e, const char *fmt, ...)
{
	const git_error *ge = git_error_last();
	const char *why = ge && ge->message ? ge->message :
	    "unknown libgit2 error";
	struct cam_msg m;
	va_list ap;

	va_start(ap, fmt);
	cam_msg_vformat(&m, fmt, ap);
	va_end(ap);
	return with_reason(e, CAM_ENV, &m, why, why);
}

int
cam_err_av(struct cam_err *e, int averr, const char *fmt, ...)
{
	char why[AV_ERROR_MAX_STRING_SIZE];
	struct cam_msg m;
	va_list ap;

	va_start(ap, fmt);
	cam_msg_vformat(&m, fmt, ap);
	va_end(ap);
	if (av_strerror(averr, why, sizeof(why)) < 0)
		snprintf(why, sizeof(why), "error %d", averr);
	/* AVERROR(errno): FFmpeg says it with strerror, in the reader's
	 * language; the record's copy is the C library's English. */
	const char *en = averr < 0 && averr > -4096 ?
	    strerrordesc_np(-averr) : NULL;
	return with_reason(e, CAM_ENV, &m, en != NULL ? en : why, why);
}

int
cam_err_archive(struct cam_err *e, struct archive *a, const char *fmt, ...)
{
	const char *why = a != NULL ? archive_error_string(a) : NULL;
	struct cam_msg m;
	va_list ap;

	va_start(ap, fmt);
	cam_msg_vformat(&m, fmt, ap);
	va_end(ap);
	if (why == NULL)
		why = "libarchive failed";
	return with_reason(e, CAM_ENV, &m, why, why);
}
