/*
 * cam_monthly: see cam_monthly.h.  The frame of the report (its month,
 * header and result) and its sections of checks; the sections of what
 * the site holds are in cam_monthly_data.c.
 */
#include <stdio.h>
#include <string.h>

#include "audit/cam_audit_cameras.h"
#include "audit/cam_audit_config.h"
#include "audit/cam_audit_journals.h"
#include "audit/cam_audit_recordings.h"
#include "base/cam_json.h"
#include "audit/cam_audit_report.h"
#include "base/cam_time.h"

int
cam_monthly_open(struct cam_monthly *p, struct cam_site *s, int as_json,
    int y, int m, time_t now, const char *host, const char *by,
    struct cam_err *e)
{
	char label[32], day[32], t[64];

	memset(p, 0, sizeof(*p));
	p->s = s;
	p->as_json = p->ck.json = as_json;
	if (y == 0) {
		/* The month before this one, in the site's zone. */
		cam_time_format_zone(now, s->cfg.timezone, t, sizeof(t));
		sscanf(t, "%4d-%2d", &y, &m);
		if (--m == 0) {
			m = 12;
			y--;
		}
	}
	snprintf(label, sizeof(label), "%04d-%02d", y, m);
	snprintf(day, sizeof(day), "%04d-%02d-01", y, m);
	if (cam_time_parse(day, s->cfg.timezone, &p->from, e) == -1)
		return -1;
	snprintf(day, sizeof(day), "%04d-%02d-01", m == 12 ? y + 1 : y,
	    m == 12 ? 1 : m + 1);
	if (cam_time_parse(day, s->cfg.timezone, &p->to, e) == -1)
		return -1;
	p->end = now < p->to ? now : p->to;
	if (p->end < p->from)
		p->end = p->from;

	/* Header. */
	cam_time_format_zone(now, s->cfg.timezone, t, sizeof(t));
	cam_buf_addf(&p->txt, "camkit monthly report: %s\n", s->cfg.site_name);
	cam_buf_addf(&p->txt, "Month %s, time zone %s%s\n", label,
	    s->cfg.timezone, now < p->to ? " (the month so far)" : "");
	cam_buf_addf(&p->txt, "Made %s on %s by %s; configuration %.12s\n", t,
	    host, by, s->rev);
	cam_json_begin(&p->json);
	cam_json_add_str(&p->json, "site", s->cfg.site_name);
	cam_json_add_str(&p->json, "month", label);
	cam_time_format_zone(p->from, s->cfg.timezone, t, sizeof(t));
	cam_json_add_str(&p->json, "from", t);
	cam_time_format_zone(p->to, s->cfg.timezone, t, sizeof(t));
	cam_json_add_str(&p->json, "to", t);
	cam_time_format_zone(now, s->cfg.timezone, t, sizeof(t));
	cam_json_add_str(&p->json, "made", t);
	cam_json_add_str(&p->json, "host", host);
	cam_json_add_str(&p->json, "by", by);
	cam_json_add_str(&p->json, "configuration", s->rev);
	/* The object stays open: the sections follow inside it. */
	return 0;
}

void
cam_monthly_section(struct cam_monthly *p, const char *title,
    const char *key)
{
	cam_buf_addf(&p->txt, "\n%d. %s\n", ++p->nsec, title);
	cam_buf_addf(&p->json, ",\n \"%s\": ", key);
}

/* TAB-separated lines, indented, for print: fields joined by two
 * spaces; checks ("ok<TAB>name<TAB>detail") as "ok    name: detail". */
static void
indent_fields(struct cam_buf *out, const char *lines, int checks)
{
	for (const char *q = lines; *q != '\0'; ) {
		size_t n = strcspn(q, "\n");
		size_t f1 = strcspn(q, "\t");
		cam_buf_adds(out, "   ");
		if (checks && f1 < n) {
			const char *name = q + f1 + 1;
			size_t f2 = strcspn(name, "\t");
			cam_buf_addf(out, "%-5.*s %.*s: %.*s\n", (int)f1, q,
			    (int)(f2 < n - f1 - 1 ? f2 : n - f1 - 1), name,
			    f2 < n - f1 - 1 ? (int)(n - f1 - 2 - f2) : 0,
			    f2 < n - f1 - 1 ? name + f2 + 1 : "");
		} else
			for (size_t i = 0; i < n; i++)
				cam_buf_adds(out, q[i] == '\t' ? "  " :
				    (char[2]){ q[i], '\0' });
		if (!checks || f1 >= n)
			cam_buf_adds(out, "\n");
		q += n + (q[n] == '\n');
	}
}

/* Configuration changes, and the checks of its history (into the
 * verification's). */
void
cam_monthly_config(struct cam_monthly *p)
{
	struct cam_history c;
	struct cam_err e;

	cam_err_clear(&e);
	cam_monthly_section(p, "Configuration changes",
	    "configuration_changes");
	memset(&c, 0, sizeof(c));
	c.ck = &p->ck;
	c.s = p->s;
	c.json = p->as_json;
	c.since = p->from;
	c.until = p->to;
	if (cam_history_check(&c, &e) == -1)
		cam_checks_add(&p->ck, 0, "configuration", "%s", e.msg);
	if (p->as_json)
		cam_buf_addf(&p->json, "[%s\n ]", cam_buf_str(&c.changes));
	else {
		cam_buf_addf(&p->txt, "   %d change%s\n", c.nchanges,
		    c.nchanges == 1 ? "" : "s");
		indent_fields(&p->txt, cam_buf_str(&c.changes), 0);
	}
	cam_history_free(&c);
}

/* The cameras' security (directive 004), a section of its own; its
 * failures count in the result. */
void
cam_monthly_cameras(struct cam_monthly *p)
{
	struct cam_checks cr = { 0 };
	struct cam_defaults defs;
	struct cam_err e;

	cam_monthly_section(p, "Camera security", "cameras");
	cr.json = p->as_json;
	if (cam_camsec_defaults(NULL, &defs, &e) == -1)
		cam_checks_add(&cr, 0, "cameras", "%s", e.msg);
	else {
		cam_camsec_audit(p->s, NULL, &defs, &cr);
		cam_defaults_free(&defs);
	}
	if (p->as_json)
		cam_buf_addf(&p->json, "[%s\n ]", cam_buf_str(&cr.out));
	else
		indent_fields(&p->txt, cam_buf_str(&cr.out), 1);
	p->cam_failed = cr.failed;
	p->cam_skipped = cr.skipped;
	p->cam_n = cr.n;
	cam_checks_free(&cr);
}

void
cam_monthly_verification(struct cam_monthly *p)
{
	struct cam_checks *ck = &p->ck;
	struct cam_err e;

	cam_err_clear(&e);
	/* The volumes that hold the month, each from its sealed start:
	 * not the whole history (camaudit journals checks that). */
	if (cam_integrity_journals_since(p->s, p->from, ck, &e) == -1) {
		cam_checks_add(ck, 0, "journals", "%s", e.msg);
		cam_err_clear(&e);
	}
	if (cam_integrity_recordings(p->s, NULL, p->from, p->to, ck,
	    &e) == -1) {
		cam_checks_add(ck, 0, "recordings", "%s", e.msg);
		cam_err_clear(&e);
	}
	cam_monthly_section(p, "Verification", "checks");
	ck->failed += p->cam_failed;
	ck->skipped += p->cam_skipped;
	ck->n += p->cam_n;
	if (p->as_json)
		cam_buf_addf(&p->json, "[%s\n ],\n \"skipped\": %d,\n "
		    "\"ok\": %s\n}\n", cam_buf_str(&ck->out), ck->skipped,
		    ck->failed || ck->skipped ? "false" : "true");
	else {
		indent_fields(&p->txt, cam_buf_str(&ck->out), 1);
		cam_buf_addf(&p->txt, "\n%s: %d of %d checks failed, %d not "
		    "checked (camera security and verification)\n",
		    ck->failed || ck->skipped ? "NOT OK" : "OK", ck->failed,
		    ck->n, ck->skipped);
	}
}

const char *
cam_monthly_text(const struct cam_monthly *p)
{
	return p->as_json ? cam_buf_str(&p->json) : cam_buf_str(&p->txt);
}

int
cam_monthly_status(const struct cam_monthly *p)
{
	return cam_checks_status(&p->ck);
}

void
cam_monthly_free(struct cam_monthly *p)
{
	cam_checks_free(&p->ck);
	cam_buf_free(&p->txt);
	cam_buf_free(&p->json);
}
