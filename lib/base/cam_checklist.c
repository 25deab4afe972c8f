/*
 * cam_checklist: see cam_checklist.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/cam_checklist.h"
#include "base/cam_err.h"
#include "base/cam_i18n.h"
#include "base/cam_json.h"

/* s[0..len) into b as clean UTF-8: a byte that is a control character
 * (but the tab, which some details hold on purpose) or no part of a
 * well-formed character is written as \xHH, so that a line quoting
 * hostile input (an archive's member names, a message cut inside a
 * character) stays one line of text and valid JSON. */
static void
add_clean(struct cam_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = p[i] < 0x80 ? 1 : cam_utf8_seq(p + i, len - i, &cp);

		if (n != 0 && cam_utf8_clean(s + i, n, 1)) {
			cam_buf_add(b, s + i, n);
			i += n;
		} else
			cam_buf_addf(b, "\\x%02X", p[i++]);
	}
}

static void
one_line(struct cam_checklist *c, int ok, const char *camera,
    const char *severity, const char *name, const char *detail, size_t len)
{
	struct cam_buf d = CAM_BUF_INIT;

	add_clean(&d, detail, len);
	if (ok == CAM_CHECK_SKIP)
		c->skipped++;
	else if (!ok)
		c->failed++;
	if (c->json) {
		cam_buf_adds(&c->out, c->n ? ",\n  " : "\n  ");
		cam_json_begin(&c->out);
		cam_json_add_str(&c->out, "check", name);
		cam_json_add_bool(&c->out, "ok", ok == CAM_CHECK_OK);
		cam_json_add_str(&c->out, "status", ok == CAM_CHECK_SKIP ?
		    "skip" : ok ? "ok" : "FAIL");
		if (camera != NULL)
			cam_json_add_str(&c->out, "camera", camera);
		if (severity != NULL)
			cam_json_add_str(&c->out, "severity", severity);
		cam_json_add_str(&c->out, "detail", cam_buf_str(&d));
		cam_json_end(&c->out);
	} else
		cam_buf_addf(&c->out, "%s\t%s\t%s\n", ok == CAM_CHECK_SKIP ?
		    "skip" : ok ? "ok" : "FAIL", name, cam_buf_str(&d));
	c->n++;
	cam_buf_free(&d);
}

const char *
cam_checklist_tr(const struct cam_checklist *c, const char *fmt)
{
	return c->json ? fmt : _(fmt);
}

const char *
cam_checklist_ntr(const struct cam_checklist *c, const char *one,
    const char *many, unsigned long n)
{
	if (c->json)
		return n == 1 ? one : many;
	return dngettext(CAM_TEXTDOMAIN, one, many, n);
}

const char *
cam_checklist_msg(const struct cam_checklist *c, const struct cam_err *e)
{
	return c->json || e->text[0] == '\0' ? e->msg : e->text;
}

void
cam_checklist_vline(struct cam_checklist *c, int ok, const char *camera,
    const char *severity, const char *name, const char *fmt, va_list ap)
{
	char detail[2048];
	const char *p = detail;
	int lines = 0;

	vsnprintf(detail, sizeof(detail), cam_checklist_tr(c, fmt), ap);
	/* A detail of several lines (a cam_err message may hold one per
	 * finding) gives a check line each. */
	for (;;) {
		size_t len = strcspn(p, "\n");
		if (len > 0 || (p[len] == '\0' && lines == 0)) {
			one_line(c, ok, camera, severity, name, p, len);
			lines++;
		}
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
}

void
cam_checklist_line(struct cam_checklist *c, int ok, const char *camera,
    const char *severity, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cam_checklist_vline(c, ok, camera, severity, name, fmt, ap);
	va_end(ap);
}

void
cam_checklist_add(struct cam_checklist *c, int ok, const char *name,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cam_checklist_vline(c, ok, NULL, NULL, name, fmt, ap);
	va_end(ap);
}

void
cam_checklist_render(const struct cam_checklist *c, struct cam_buf *out)
{
	if (c->json)
		cam_buf_addf(out, "{\"ok\": %s, \"skipped\": %d, \"checks\": "
		    "[%s\n]}\n", c->failed || c->skipped ? "false" : "true",
		    c->skipped, cam_buf_str(&c->out));
	else {
		cam_buf_adds(out, cam_buf_str(&c->out));
		if (c->skipped)
			cam_checklist_summary(c, out);
	}
}

void
cam_checklist_summary(const struct cam_checklist *c, struct cam_buf *out)
{
	cam_buf_adds(out, "summary\t");
	cam_buf_addf(out, cam_checklist_tr(c, "%d ok, %d failed, %d not "
	    "checked"), c->n - c->failed - c->skipped, c->failed, c->skipped);
	cam_buf_adds(out, "\n");
}

int
cam_checklist_status(const struct cam_checklist *c)
{
	return c->failed || c->skipped ? CAM_NO : 0;
}

void
cam_checklist_free(struct cam_checklist *c)
{
	cam_buf_free(&c->out);
}
