/*
 * cam_checks: see cam_checks.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cam_checks.h"
#include "cam_err.h"
#include "cam_json.h"

void
cam_checks_vline(struct cam_checks *c, int ok, const char *camera,
    const char *severity, const char *name, const char *fmt, va_list ap)
{
	char detail[2048];

	vsnprintf(detail, sizeof(detail), fmt, ap);
	if (!ok)
		c->failed++;
	if (c->json) {
		cam_buf_adds(&c->out, c->n ? ",\n  " : "\n  ");
		cam_json_begin(&c->out);
		cam_json_add_str(&c->out, "check", name);
		cam_json_add_bool(&c->out, "ok", ok);
		if (camera != NULL)
			cam_json_add_str(&c->out, "camera", camera);
		if (severity != NULL)
			cam_json_add_str(&c->out, "severity", severity);
		cam_json_add_str(&c->out, "detail", detail);
		cam_json_end(&c->out);
	} else
		cam_buf_addf(&c->out, "%s\t%s\t%s\n", ok ? "ok" : "FAIL",
		    name, detail);
	c->n++;
}

void
cam_checks_line(struct cam_checks *c, int ok, const char *camera,
    const char *severity, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cam_checks_vline(c, ok, camera, severity, name, fmt, ap);
	va_end(ap);
}

void
cam_checks_add(struct cam_checks *c, int ok, const char *name,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cam_checks_vline(c, ok, NULL, NULL, name, fmt, ap);
	va_end(ap);
}

void
cam_checks_render(const struct cam_checks *c, struct cam_buf *out)
{
	if (c->json)
		cam_buf_addf(out, "{\"ok\": %s, \"checks\": [%s\n]}\n",
		    c->failed ? "false" : "true", cam_buf_str(&c->out));
	else
		cam_buf_adds(out, cam_buf_str(&c->out));
}

int
cam_checks_status(const struct cam_checks *c)
{
	return c->failed ? CAM_NO : 0;
}

void
cam_checks_free(struct cam_checks *c)
{
	cam_buf_free(&c->out);
}
