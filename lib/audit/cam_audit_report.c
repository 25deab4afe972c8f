/*
 * cam_audit_report: see cam_audit_report.h.  The frame of the report
 * (its month, header and result), its sections of what the site holds
 * (recording per camera, storage and retention, the logbook, the
 * extractions and refusals of the audit trail) and its sections of
 * checks.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "audit/cam_audit_cameras.h"
#include "audit/cam_audit_config.h"
#include "audit/cam_audit_journals.h"
#include "audit/cam_audit_recordings.h"
#include "audit/cam_audit_store.h"
#include "audit/cam_audit_report.h"
#include "base/cam_i18n.h"
#include "base/cam_json.h"
#include "base/cam_time.h"
#include "journal/cam_journal.h"
#include "journal/cam_logbook.h"
#include "journal/cam_trail.h"
#include "media/cam_gaps.h"
#include "media/cam_store.h"

/* Where the report reads the site's journals: the storage root, or the
 * journals rebuilt from the store (camaudit report --store). */
static const char *
report_root(const struct cam_audit_report *p)
{
	return p->st != NULL ? p->st->root : p->s->cfg.root;
}

int
cam_audit_report_open(struct cam_audit_report *p, struct cam_site *s,
    int as_json, int y, int m, time_t now, const char *host, const char *by,
    struct cam_err *e)
{
	char label[32], day[32], t[64], pa[CAM_TIME_HUMAN_LEN],
	    pb[CAM_TIME_HUMAN_LEN];

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

	/* Header: the times a person reads in the human form. */
	cam_time_format_human(now, s->cfg.timezone, t, sizeof(t));
	snprintf(p->month, sizeof(p->month), "%s", label);
	cam_buf_addf(&p->txt, _("camkit monthly report: %s"),
	    s->cfg.site_name);
	cam_buf_adds(&p->txt, "\n");
	cam_buf_addf(&p->txt, now < p->to ? _("Month %s, time zone %s (the "
	    "month so far)") : _("Month %s, time zone %s"), label,
	    s->cfg.timezone);
	cam_buf_adds(&p->txt, "\n");
	/* The period itself: to now in the month so far. */
	cam_time_format_human(p->from, s->cfg.timezone, pa, sizeof(pa));
	cam_time_format_human(p->end, s->cfg.timezone, pb, sizeof(pb));
	cam_buf_addf(&p->txt, _("Period: from %s to %s"), pa, pb);
	cam_buf_adds(&p->txt, "\n");
	cam_buf_addf(&p->txt, _("Made %s on %s by %s; configuration %.12s"), t,
	    host, by, s->rev);
	cam_buf_adds(&p->txt, "\n");
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
cam_audit_report_section(struct cam_audit_report *p, const char *title,
    const char *key)
{
	if ((size_t)p->nsec < sizeof(p->sec) / sizeof(p->sec[0]))
		p->sec[p->nsec] = p->txt.len + 1;
	cam_buf_addf(&p->txt, "\n%d. %s\n", ++p->nsec, _(title));
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

/* The document's form of a list of checks: every check that did not
 * pass as print has it, and the outages ("gap" checks, passed or not:
 * the camera was down, the disk was full), those that passed otherwise
 * counted by kind (the name up to its first ':' or space: "deleted",
 * "witness"...) on one line.  A
 * month of a large site passes hundreds of thousands of checks (one a
 * segment pruned), which camaudit report prints and no reader of a
 * document wants. */
static void
brief_checks(struct cam_buf *out, const char *lines)
{
	struct kind { char name[32]; uint64_t n; } k[16] = { { "", 0 } };
	struct cam_buf fails = CAM_BUF_INIT;
	size_t nk = 0;
	uint64_t ok = 0;

	for (const char *q = lines; *q != '\0'; ) {
		size_t n = strcspn(q, "\n");
		if (strncmp(q, "ok\t", 3) == 0 && n > 3 &&
		    strncmp(q + 3, "gap\t", 4) != 0) {
			const char *name = q + 3;
			size_t l = strcspn(name, ":\t \n");
			size_t i;
			if (l >= sizeof(k[0].name))
				l = sizeof(k[0].name) - 1;
			for (i = 0; i < nk && (strlen(k[i].name) != l ||
			    strncmp(k[i].name, name, l) != 0); i++)
				;
			if (i == nk && nk < sizeof(k) / sizeof(k[0])) {
				snprintf(k[nk].name, sizeof(k[nk].name), "%.*s",
				    (int)l, name);
				k[nk++].n = 0;
			} else if (i == nk)
				i = nk - 1;	/* the rest with the last */
			k[i].n++;
			ok++;
		} else
			cam_buf_addf(&fails, "%.*s\n", (int)n, q);
		q += n + (q[n] == '\n');
	}
	indent_fields(out, cam_buf_str(&fails), 1);
	cam_buf_free(&fails);
	if (ok == 0)
		return;
	cam_buf_adds(out, "   ");
	cam_buf_addf(out, _("%" PRIu64 " checks passed, not listed here "
	    "(camaudit report prints each):"), ok);
	for (size_t i = 0; i < nk; i++)
		cam_buf_addf(out, "%s %s %" PRIu64, i ? "," : "", k[i].name,
		    k[i].n);
	cam_buf_adds(out, "\n");
}

static void
indent_fields_checks(struct cam_buf *out, const char *lines)
{
	indent_fields(out, lines, 1);
}

/* Configuration changes, and the checks of its history (into the
 * verification's). */
void
cam_audit_report_config(struct cam_audit_report *p)
{
	struct cam_audit_config c;
	struct cam_err e;

	cam_err_clear(&e);
	cam_audit_report_section(p, N_("Configuration changes"),
	    "configuration_changes");
	memset(&c, 0, sizeof(c));
	c.ck = &p->ck;
	c.s = p->s;
	c.json = p->as_json;
	c.since = p->from;
	c.until = p->to;
	if (cam_audit_config_check(&c, &e) == -1)
		cam_checklist_add(&p->ck, 0, "configuration", "%s", e.msg);
	if (p->as_json)
		cam_buf_addf(&p->json, "[%s\n ]", cam_buf_str(&c.changes));
	else {
		cam_buf_adds(&p->txt, "   ");
		cam_buf_addf(&p->txt, c.nchanges == 1 ? _("%d change") :
		    _("%d changes"), c.nchanges);
		cam_buf_adds(&p->txt, "\n");
		indent_fields(&p->txt, cam_buf_str(&c.changes), 0);
	}
	cam_audit_config_free(&c);
}

/* The cameras' security (directive 004), a section of its own; its
 * failures count in the result. */
void
cam_audit_report_cameras(struct cam_audit_report *p)
{
	struct cam_checklist cr = { 0 };
	struct cam_factory_creds defs;
	struct cam_err e;

	cam_audit_report_section(p, N_("Camera security"), "cameras");
	cr.json = p->as_json;
	if (p->st != NULL)
		cam_checklist_add(&cr, 1, "cameras", "not covered from the "
		    "store: the cameras are probed from their recorder "
		    "(camaudit cameras there)");
	else if (cam_audit_cameras_defaults(NULL, &defs, &e) == -1)
		cam_checklist_add(&cr, 0, "cameras", "%s", e.msg);
	else {
		cam_audit_cameras(p->s, NULL, &defs, &cr);
		cam_factory_creds_free(&defs);
	}
	if (p->as_json)
		cam_buf_addf(&p->json, "[%s\n ]", cam_buf_str(&cr.out));
	else
		(p->chart ? brief_checks : indent_fields_checks)(&p->txt,
		    cam_buf_str(&cr.out));
	p->cam_failed = cr.failed;
	p->cam_skipped = cr.skipped;
	p->cam_n = cr.n;
	cam_checklist_free(&cr);
}

void
cam_audit_report_verification(struct cam_audit_report *p)
{
	struct cam_checklist *ck = &p->ck;
	struct cam_err e;

	cam_err_clear(&e);
	/* The volumes that hold the month, each from its sealed start:
	 * not the whole history (camaudit journals checks that). */
	if ((p->st != NULL ? cam_audit_journals_store(p->s, p->st, p->from,
	    ck, &e) : cam_audit_journals_since(p->s, p->from, ck,
	    &e)) == -1) {
		cam_checklist_add(ck, 0, "journals", "%s", e.msg);
		cam_err_clear(&e);
	}
	if ((p->st != NULL ? cam_audit_recordings_store(p->s, p->st, NULL,
	    p->from, p->to, ck, &e) : cam_audit_recordings(p->s, NULL,
	    p->from, p->to, ck, &e)) == -1) {
		cam_checklist_add(ck, 0, "recordings", "%s", e.msg);
		cam_err_clear(&e);
	}
	cam_audit_report_section(p, N_("Verification"), "checks");
	ck->failed += p->cam_failed;
	ck->skipped += p->cam_skipped;
	ck->n += p->cam_n;
	if (p->as_json)
		cam_buf_addf(&p->json, "[%s\n ],\n \"skipped\": %d,\n "
		    "\"ok\": %s\n}\n", cam_buf_str(&ck->out), ck->skipped,
		    ck->failed || ck->skipped ? "false" : "true");
	else {
		(p->chart ? brief_checks : indent_fields_checks)(&p->txt,
		    cam_buf_str(&ck->out));
		cam_buf_adds(&p->txt, "\n");
		cam_buf_addf(&p->txt, _("%s: %d of %d checks failed, %d not "
		    "checked (camera security and verification)"),
		    ck->failed || ck->skipped ? _("NOT OK") : _("OK"),
		    ck->failed, ck->n, ck->skipped);
		cam_buf_adds(&p->txt, "\n");
	}
}

const char *
cam_audit_report_text(const struct cam_audit_report *p)
{
	return p->as_json ? cam_buf_str(&p->json) : cam_buf_str(&p->txt);
}

int
cam_audit_report_status(const struct cam_audit_report *p)
{
	return cam_checklist_status(&p->ck);
}

void
cam_audit_report_free(struct cam_audit_report *p)
{
	for (size_t i = 0; i < p->ch.n; i++)
		free(p->ch.camera[i]);
	free(p->ch.camera);
	free(p->ch.sec);
	free(p->ch.began);
	cam_checklist_free(&p->ck);
	cam_buf_free(&p->txt);
	cam_buf_free(&p->json);
}

static void
span(int64_t s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%lldd %02lldh%02lldm",
		    (long long)(s / 86400), (long long)(s % 86400 / 3600),
		    (long long)(s % 3600 / 60));
	else if (s >= 3600)
		snprintf(buf, len, "%lldh%02lldm%02llds", (long long)(s / 3600),
		    (long long)(s % 3600 / 60), (long long)(s % 60));
	else
		snprintf(buf, len, "%lldm%02llds", (long long)(s / 60),
		    (long long)(s % 60));
}

/* Sizes as every message shows them: decimal units (cam_fmt_size). */
static void
bytes_text(uint64_t b, char *buf, size_t len)
{
	cam_fmt_size(buf, len, b);
}
/* s padded with spaces to w characters (left-aligned if w < 0),
 * counted in characters, not bytes (the words may be Vietnamese). */
static void
pad(struct cam_buf *out, const char *s, int w)
{
	int n = 0, left = w < 0;

	if (left)
		w = -w;
	for (const char *q = s; *q != '\0'; q++)
		n += ((unsigned char)*q & 0xc0) != 0x80;
	if (!left)
		for (; n < w; n++)
			cam_buf_adds(out, " ");
	cam_buf_adds(out, s);
	if (left)
		for (; n < w; n++)
			cam_buf_adds(out, " ");
}

/* The days of the month, for the chart of n cameras. */
static void
chart_begin(struct cam_audit_report *p, size_t n)
{
	struct cam_report_chart *c = &p->ch;
	struct cam_err e;
	char day[32];
	int y, m;

	sscanf(p->month, "%4d-%2d", &y, &m);
	c->ndays = 0;
	for (int d = 1; d <= 31; d++) {
		time_t t;
		snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
		if (cam_time_parse(day, p->s->cfg.timezone, &t, &e) == -1 ||
		    t >= p->to)
			break;
		c->day[c->ndays++] = t;
	}
	c->day[c->ndays] = p->to;
	c->camera = cam_xmalloc((n ? n : 1) * sizeof(*c->camera));
	c->sec = cam_xmalloc((n ? n : 1) * sizeof(*c->sec));
	c->began = cam_xmalloc((n ? n : 1) * sizeof(*c->began));
	c->n = 0;
}

static int
chart_cb(void *arg, const struct cam_journal_rec *r)
{
	struct cam_audit_report *p = arg;
	struct cam_report_chart *c = &p->ch;
	int64_t *row = c->sec[c->n];
	time_t start, end;

	if (strcmp(r->kind, "segment") != 0)
		return 0;
	start = cam_json_get_time(r->data, "start");
	end = cam_json_get_time(r->data, "end");
	if (start == (time_t)-1 || end == (time_t)-1 || end <= p->from ||
	    start >= p->end)
		return 0;
	for (int d = 0; d < c->ndays; d++) {
		time_t a = start > c->day[d] ? start : c->day[d];
		time_t b = end < c->day[d + 1] ? end : c->day[d + 1];
		if (b > a)
			row[d] += b - a;
	}
	return 0;
}

/* One camera's row of the chart, from its manifest. */
static void
chart_camera(struct cam_audit_report *p, const char *camera, time_t began)
{
	struct cam_report_chart *c = &p->ch;
	struct cam_err e;
	char path[PATH_MAX];

	memset(c->sec[c->n], 0, sizeof(c->sec[c->n]));
	if (cam_path(path, sizeof(path), &e, "%s/%s/manifest",
	    report_root(p), camera) == 0 && access(path, F_OK) == 0)
		(void)cam_journal_foreach_since(path, p->from, chart_cb, p,
		    &e);
	c->began[c->n] = began;
	c->camera[c->n++] = cam_xstrdup(camera);
}

void
cam_audit_report_recording(struct cam_audit_report *p)
{
	struct cam_err e;
	char a[32], b[32], c[32];
	char **cams = NULL;
	size_t n = 0;

	cam_audit_report_section(p, N_("Recording"), "recording");
	cam_buf_adds(&p->json, "[");
	if (cam_store_cameras(report_root(p), &cams, &n, &e) == -1) {
		cam_buf_adds(&p->txt, "   ");
		cam_buf_addf(&p->txt, _("cannot list the cameras: %s"),
		    e.text);
		cam_buf_adds(&p->txt, "\n");
		n = 0;
	}
	/* Cameras configured but never recorded are listed too. */
	for (size_t i = 0; i < p->s->cfg.ncameras; i++) {
		size_t k;
		for (k = 0; k < n && strcmp(cams[k], p->s->cfg.cameras[i].id) != 0;
		    k++)
			;
		if (k == n) {
			cams = cam_xrealloc(cams, (n + 1) * sizeof(*cams));
			cams[n++] = cam_xstrdup(p->s->cfg.cameras[i].id);
		}
	}
	/* The columns' widths are those of the lines below. */
	cam_buf_adds(&p->txt, "   ");
	pad(&p->txt, _("camera"), -16);
	pad(&p->txt, _("uptime"), 9);
	pad(&p->txt, _("recorded"), 15);
	pad(&p->txt, _("gaps"), 7);
	pad(&p->txt, _("gap time"), 13);
	pad(&p->txt, _("down"), 9);
	pad(&p->txt, _("unexpl."), 10);
	pad(&p->txt, _("footage"), 11);
	cam_buf_adds(&p->txt, "\n");
	if (p->chart)
		chart_begin(p, n);
	for (size_t i = 0; i < n; i++) {
		struct cam_uptime u;
		memset(&u, 0, sizeof(u));
		u.from = p->from;
		u.to = p->end;
		cam_err_clear(&e);
		if (cam_gaps_uptime(report_root(p), cams[i], &u, &e) == -1) {
			cam_buf_adds(&p->txt, "   ");
			cam_buf_addf(&p->txt, _("%s: manifest: %s"), cams[i],
			    e.text);
			cam_buf_adds(&p->txt, "\n");
		}
		if (p->chart)
			chart_camera(p, cams[i], u.began);
		/* Expected: from the later of the month's start and the
		 * first recording, to the month's end or now. */
		time_t x = u.began > p->from ? u.began : p->from;
		int64_t expect = u.began && p->end > x ? p->end - x : 0;
		double pct = expect > 0 ? 100.0 * (double)u.recorded /
		    (double)expect : 0;
		if (pct > 100)
			pct = 100;
		span(u.recorded, a, sizeof(a));
		span(u.gap_s, b, sizeof(b));
		bytes_text(u.bytes, c, sizeof(c));
		if (expect > 0)
			cam_buf_addf(&p->txt, "   %-16s %7.2f%% %14s %6d %12s "
			    "%8d %9d %10s\n", cams[i], pct, a, u.gaps, b,
			    u.downs, u.unexplained, c);
		else
			cam_buf_addf(&p->txt, "   %-16s %8s %14s %6s %12s %8s "
			    "%9s %10s\n", cams[i], "-", _("not recording"), "-",
			    "-", "-", "-", "-");
		if (u.disk_full || u.jumps || u.clock_steps) {
			cam_buf_addf(&p->txt, "   %-16s ", "");
			cam_buf_addf(&p->txt, _("disk full %d times, timestamp "
			    "jumps %d, clock steps %d"), u.disk_full, u.jumps,
			    u.clock_steps);
			cam_buf_adds(&p->txt, "\n");
		}
		p->by_age += u.by_age;
		p->by_cap += u.by_capacity + u.other_deleted;
		cam_buf_adds(&p->json, i ? ",\n  " : "\n  ");
		cam_json_begin(&p->json);
		cam_json_add_str(&p->json, "camera", cams[i]);
		cam_json_add_int(&p->json, "expected_s", expect);
		cam_json_add_int(&p->json, "recorded_s", u.recorded);
		snprintf(a, sizeof(a), "%.3f", pct);
		cam_json_add_raw(&p->json, "uptime_percent", a);
		cam_json_add_uint(&p->json, "segments", u.segments);
		cam_json_add_uint(&p->json, "bytes", u.bytes);
		cam_json_add_int(&p->json, "gaps", u.gaps);
		cam_json_add_int(&p->json, "gap_s", u.gap_s);
		cam_json_add_int(&p->json, "longest_gap_s", u.longest);
		cam_json_add_int(&p->json, "gaps_without_camera_down",
		    u.unexplained);
		cam_json_add_int(&p->json, "camera_down", u.downs);
		cam_json_add_int(&p->json, "disk_full", u.disk_full);
		cam_json_add_int(&p->json, "timestamp_jumps", u.jumps);
		cam_json_add_int(&p->json, "clock_steps", u.clock_steps);
		cam_json_add_uint(&p->json, "deleted_by_age", u.by_age);
		cam_json_add_uint(&p->json, "deleted_by_capacity",
		    u.by_capacity);
		cam_json_end(&p->json);
		free(cams[i]);
	}
	free(cams);
	if (n == 0) {
		cam_buf_adds(&p->txt, "   ");
		cam_buf_adds(&p->txt, _("no camera"));
		cam_buf_adds(&p->txt, "\n");
	}
	cam_buf_adds(&p->json, "]");
	cam_buf_adds(&p->txt, "   ");
	cam_buf_adds(&p->txt, _("uptime: footage recorded over the time since "
	    "the month began (or recording began), to its end or now;"));
	cam_buf_adds(&p->txt, "\n   ");
	cam_buf_adds(&p->txt, _("unexpl.: gaps with no camera-down event "
	    "before them."));
	cam_buf_adds(&p->txt, "\n");
}

void
cam_audit_report_storage(struct cam_audit_report *p)
{
	struct statvfs vf;
	struct cam_holds h;
	struct cam_err e;
	char a[32], b[32], c[32], t[64];
	char **cams = NULL;
	size_t n = 0;
	uint64_t live = 0, nseg = 0;
	time_t oldest = 0;
	int held = 0;

	cam_audit_report_section(p, N_("Storage and retention"), "storage");
	cam_buf_adds(&p->json, "{");
	if (cam_store_cameras(report_root(p), &cams, &n, &e) == -1)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct cam_segments sg;
		memset(&sg, 0, sizeof(sg));
		if (cam_store_segments(report_root(p), cams[i], &sg, &e) == 0)
			for (size_t k = 0; k < sg.n; k++) {
				live += sg.v[k].bytes;
				nseg++;
				if (oldest == 0 || sg.v[k].start < oldest)
					oldest = sg.v[k].start;
			}
		cam_segments_free(&sg);
		free(cams[i]);
	}
	free(cams);
	memset(&h, 0, sizeof(h));
	if (cam_store_holds(report_root(p), &h, &e) == 0)
		for (size_t i = 0; i < h.n; i++)
			held += !h.v[i].released;
	cam_holds_free(&h);
	bytes_text(live, a, sizeof(a));
	cam_buf_adds(&p->txt, "   ");
	cam_buf_addf(&p->txt, _("data root %s: %s in %" PRIu64 " segments"),
	    p->st != NULL ? p->st->url : report_root(p), a, nseg);
	if (oldest) {
		cam_time_format_human(oldest, p->s->cfg.timezone, t,
		    sizeof(t));
		cam_buf_addf(&p->txt, _(", the oldest from %s"), t);
	}
	cam_buf_adds(&p->txt, "\n");
	cam_json_add_str(&p->json, "root", p->st != NULL ? p->st->url :
	    report_root(p));
	cam_json_add_uint(&p->json, "footage_bytes", live);
	cam_json_add_uint(&p->json, "segments", nseg);
	/* The store's filesystem is not the recorder's: not covered. */
	if (p->st == NULL && statvfs(report_root(p), &vf) == 0) {
		uint64_t total = (uint64_t)vf.f_blocks * vf.f_frsize;
		uint64_t avail = (uint64_t)vf.f_bavail * vf.f_frsize;
		uint64_t used = total - (uint64_t)vf.f_bfree * vf.f_frsize;
		bytes_text(total, b, sizeof(b));
		bytes_text(avail, c, sizeof(c));
		cam_buf_adds(&p->txt, "   ");
		cam_buf_addf(&p->txt, _("filesystem: %s, %.1f%% used, %s "
		    "free"), b, total ? 100.0 * (double)used /
		    (double)total : 0, c);
		cam_buf_adds(&p->txt, "\n");
		cam_json_add_uint(&p->json, "fs_bytes", total);
		cam_json_add_uint(&p->json, "fs_used_bytes", used);
		cam_json_add_uint(&p->json, "fs_avail_bytes", avail);
	}
	if (p->s->cfg.max_bytes > 0)
		bytes_text(p->s->cfg.max_bytes, b, sizeof(b));
	else
		snprintf(b, sizeof(b), "%d%% of the filesystem",
		    p->s->cfg.max_percent);
	cam_buf_adds(&p->txt, "   ");
	if (p->s->cfg.max_bytes > 0)
		cam_buf_addf(&p->txt, _("retention: %d days; capacity limit: "
		    "%s"), p->s->cfg.retention_days, b);
	else
		cam_buf_addf(&p->txt, _("retention: %d days; capacity limit: "
		    "%d%% of the filesystem"), p->s->cfg.retention_days,
		    p->s->cfg.max_percent);
	cam_buf_adds(&p->txt, "\n   ");
	cam_buf_addf(&p->txt, _("pruned this month: %" PRIu64 " segments by "
	    "age, %" PRIu64 " by capacity; evidence holds in force: %d"),
	    p->by_age, p->by_cap, held);
	cam_buf_adds(&p->txt, "\n");
	cam_json_add_int(&p->json, "retention_days", p->s->cfg.retention_days);
	cam_json_add_str(&p->json, "max_usage", b);
	cam_json_add_uint(&p->json, "pruned_by_age", p->by_age);
	cam_json_add_uint(&p->json, "pruned_by_capacity", p->by_cap);
	cam_json_add_int(&p->json, "holds", held);
	if (oldest)
		cam_json_add_time(&p->json, "oldest", oldest);
	cam_buf_adds(&p->json, "}");
}

struct lbctx {
	time_t from, to;
	int entries, corrections, starts, ends, handovers, seals;
	int kinds[5];
};

static const char *const lb_kinds[] = { "suspicious", "fault", "incident",
	"maintenance", "note" };
/* The same, as a person reads them. */
static const char *const lb_words[] = { N_("suspicious"), N_("fault"),
	N_("incident"), N_("maintenance"), N_("note") };

static int
logbook_cb(void *arg, const struct cam_journal_rec *r)
{
	struct lbctx *l = arg;
	char to[64];

	if (r->time < l->from || r->time >= l->to)
		return 0;
	for (int i = 0; i < 5; i++)
		if (strcmp(r->kind, lb_kinds[i]) == 0) {
			l->kinds[i]++;
			l->entries++;
		}
	if (strcmp(r->kind, "correction") == 0)
		l->corrections++;
	else if (strcmp(r->kind, "shift-start") == 0)
		l->starts++;
	else if (strcmp(r->kind, "shift-end") == 0) {
		l->ends++;
		if (cam_json_get_str(r->data, "handover_to", to,
		    sizeof(to)) == 0)
			l->handovers++;
	} else if (strcmp(r->kind, CAM_SEAL_KIND) == 0)
		l->seals++;
	return 0;
}

void
cam_audit_report_logbook(struct cam_audit_report *p)
{
	struct lbctx l;
	struct cam_err e;
	char path[PATH_MAX];

	memset(&l, 0, sizeof(l));
	l.from = p->from;
	l.to = p->to;
	cam_audit_report_section(p, N_("Logbook"), "logbook");
	if (cam_path(path, sizeof(path), &e, "%s/" CAM_LOGBOOK_FILE,
	    report_root(p)) == 0 && access(path, F_OK) == 0 &&
	    cam_journal_foreach_since(path, l.from, logbook_cb, &l, &e) == -1)
		cam_buf_addf(&p->txt, "   %s\n", e.text);
	cam_buf_adds(&p->txt, "   ");
	cam_buf_addf(&p->txt, _("%d entries ("), l.entries);
	cam_json_begin(&p->json);
	cam_json_add_int(&p->json, "entries", l.entries);
	for (int i = 0; i < 5; i++) {
		cam_buf_addf(&p->txt, "%s%s %d", i ? ", " : "",
		    _(lb_words[i]), l.kinds[i]);
		cam_json_add_int(&p->json, lb_kinds[i], l.kinds[i]);
	}
	cam_buf_addf(&p->txt, _("), %d corrections"), l.corrections);
	cam_buf_adds(&p->txt, "\n   ");
	cam_buf_addf(&p->txt, _("shifts: %d started, %d ended, %d handed over "
	    "by name; %d seals"), l.starts, l.ends, l.handovers, l.seals);
	cam_buf_adds(&p->txt, "\n");
	cam_json_add_int(&p->json, "corrections", l.corrections);
	cam_json_add_int(&p->json, "shifts_started", l.starts);
	cam_json_add_int(&p->json, "shifts_ended", l.ends);
	cam_json_add_int(&p->json, "handovers", l.handovers);
	cam_json_add_int(&p->json, "seals", l.seals);
	cam_json_end(&p->json);
}

/* One account's looks through camview (002 §3.6b). */
struct looker {
	char account[64];
	int live, plays, refused;
	int64_t seconds;	/* live */
};

struct acctx2 {
	struct cam_audit_report *p;
	time_t from, to;
	int extractions, refusals, failed;
	struct cam_buf ext, ref, jext, jref;
	/* camview: live sessions (and their seconds), playbacks, reports,
	 * view requests granted, logins; by account */
	int live, plays, reports, grants, logins;
	int64_t seconds;
	struct looker *lk;
	size_t nlk;
};

static struct looker *
looker(struct acctx2 *a, const char *account)
{
	for (size_t i = 0; i < a->nlk; i++)
		if (strcmp(a->lk[i].account, account) == 0)
			return &a->lk[i];
	a->lk = cam_xrealloc(a->lk, (a->nlk + 1) * sizeof(*a->lk));
	memset(&a->lk[a->nlk], 0, sizeof(*a->lk));
	snprintf(a->lk[a->nlk].account, sizeof(a->lk->account), "%s",
	    account);
	return &a->lk[a->nlk++];
}

/* A camview record: counted as a look. */
static void
count_view(struct acctx2 *a, const struct cam_journal_rec *r,
    const char *verb, const char *outcome, const char *actor)
{
	int granted = strcmp(outcome, "granted") == 0;
	struct looker *l;
	char *detail;
	int64_t sec;

	if (strcmp(verb, "live") == 0 || strcmp(verb, "play") == 0) {
		l = looker(a, actor);
		if (!granted) {
			if (strcmp(outcome, "refused") == 0)
				l->refused++;
			return;
		}
		if (strcmp(verb, "play") == 0) {
			a->plays++;
			l->plays++;
			return;
		}
		a->live++;
		l->live++;
		detail = cam_json_sub_object(r->data, "detail");
		if (detail != NULL && cam_json_get_int(detail, "seconds",
		    &sec) == 0 && sec > 0) {
			a->seconds += sec;
			l->seconds += sec;
		}
		free(detail);
	} else if (granted && strcmp(verb, "report") == 0)
		a->reports++;
	else if (granted && strcmp(verb, "grant") == 0)
		a->grants++;
	else if (granted && strcmp(verb, "login") == 0)
		a->logins++;
}

static int
access_month_cb(void *arg, const struct cam_journal_rec *r)
{
	struct acctx2 *a = arg;
	char prog_[32], outcome[16], actor[64], object[256], reason[512],
	    verb[64], t[64], ht[CAM_TIME_HUMAN_LEN];

	if (strcmp(r->kind, "audit") != 0 || r->time < a->from ||
	    r->time >= a->to ||
	    cam_json_get_str(r->data, "program", prog_, sizeof(prog_)) == -1 ||
	    cam_json_get_str(r->data, "outcome", outcome,
	    sizeof(outcome)) == -1)
		return 0;
	if (cam_json_get_str(r->data, "actor", actor, sizeof(actor)) == -1)
		snprintf(actor, sizeof(actor), "?");
	if (cam_json_get_str(r->data, "verb", verb, sizeof(verb)) == -1)
		snprintf(verb, sizeof(verb), "?");
	if (cam_json_get_str(r->data, "object", object, sizeof(object)) == -1)
		snprintf(object, sizeof(object), "-");
	if (cam_json_get_str(r->data, "reason", reason, sizeof(reason)) == -1)
		snprintf(reason, sizeof(reason), "-");
	/* RFC 3339 in JSON, the human form in the text. */
	cam_time_format_zone(r->time, a->p->s->cfg.timezone, t, sizeof(t));
	cam_time_format_human(r->time, a->p->s->cfg.timezone, ht, sizeof(ht));
	if (strcmp(prog_, "camview") == 0)
		count_view(a, r, verb, outcome, actor);
	if (strcmp(prog_, "camextract") == 0 && strcmp(verb, "run") == 0 &&
	    strcmp(outcome, "granted") == 0) {
		cam_buf_addf(&a->ext, "   %s  %s  %s\n", ht, actor, object);
		cam_buf_adds(&a->jext, a->extractions ? ",\n  " : "\n  ");
		cam_json_begin(&a->jext);
		cam_json_add_str(&a->jext, "time", t);
		cam_json_add_str(&a->jext, "actor", actor);
		cam_json_add_str(&a->jext, "object", object);
		cam_json_end(&a->jext);
		a->extractions++;
	} else if (strcmp(outcome, "refused") == 0) {
		cam_buf_addf(&a->ref, "   %s  %s  %s %s  %s: %s\n", ht, actor,
		    prog_, verb, object, reason);
		cam_buf_adds(&a->jref, a->refusals ? ",\n  " : "\n  ");
		cam_json_begin(&a->jref);
		cam_json_add_str(&a->jref, "time", t);
		cam_json_add_str(&a->jref, "actor", actor);
		cam_json_add_str(&a->jref, "program", prog_);
		cam_json_add_str(&a->jref, "verb", verb);
		cam_json_add_str(&a->jref, "object", object);
		cam_json_add_str(&a->jref, "reason", reason);
		cam_json_end(&a->jref);
		a->refusals++;
	} else if (strcmp(outcome, "failed") == 0)
		a->failed++;
	return 0;
}

/* The looks through camview, in both forms. */
static void
views(struct acctx2 *a)
{
	struct cam_audit_report *p = a->p;
	char d[32];

	cam_duration_format(a->seconds, d, sizeof(d));
	cam_buf_adds(&p->txt, "   ");
	cam_buf_addf(&p->txt, _("views (camview): %d live sessions (%s), "
	    "%d playbacks, %d reports from the screen, %d view requests "
	    "granted, %d logins"), a->live, d, a->plays, a->reports,
	    a->grants, a->logins);
	cam_buf_adds(&p->txt, "\n");
	cam_buf_adds(&p->json, ",\n \"views\": ");
	cam_json_begin(&p->json);
	cam_json_add_int(&p->json, "live", a->live);
	cam_json_add_int(&p->json, "live_seconds", a->seconds);
	cam_json_add_int(&p->json, "playbacks", a->plays);
	cam_json_add_int(&p->json, "reports", a->reports);
	cam_json_add_int(&p->json, "grants", a->grants);
	cam_json_add_int(&p->json, "logins", a->logins);
	cam_buf_adds(&p->json, ",\"by_account\":[");
	for (size_t i = 0; i < a->nlk; i++) {
		const struct looker *l = &a->lk[i];
		cam_duration_format(l->seconds, d, sizeof(d));
		cam_buf_adds(&p->txt, "     ");
		cam_buf_addf(&p->txt, _("%s: %d live (%s), %d playbacks, "
		    "%d refused"), l->account, l->live, d, l->plays,
		    l->refused);
		cam_buf_adds(&p->txt, "\n");
		if (i > 0)
			cam_buf_adds(&p->json, ",");
		cam_json_begin(&p->json);
		cam_json_add_str(&p->json, "account", l->account);
		cam_json_add_int(&p->json, "live", l->live);
		cam_json_add_int(&p->json, "live_seconds", l->seconds);
		cam_json_add_int(&p->json, "playbacks", l->plays);
		cam_json_add_int(&p->json, "refused", l->refused);
		cam_json_end(&p->json);
	}
	cam_buf_adds(&p->json, "]");
	cam_json_end(&p->json);
	free(a->lk);
}

void
cam_audit_report_access(struct cam_audit_report *p)
{
	struct acctx2 a;
	struct cam_err e;
	char path[PATH_MAX];

	memset(&a, 0, sizeof(a));
	a.p = p;
	a.from = p->from;
	a.to = p->to;
	if (cam_path(path, sizeof(path), &e, "%s/" CAM_TRAIL_FILE,
	    report_root(p)) == 0 && access(path, F_OK) == 0 &&
	    cam_journal_foreach_since(path, a.from, access_month_cb, &a,
	    &e) == -1)
		cam_buf_addf(&a.ref, "   %s: %s\n", _("the audit trail"),
		    e.text);
	cam_audit_report_section(p, N_("Extractions and refusals"),
	    "extractions");
	cam_buf_adds(&p->txt, "   ");
	cam_buf_addf(&p->txt, _("%d archives extracted:"), a.extractions);
	cam_buf_addf(&p->txt, "\n%s   ", cam_buf_str(&a.ext));
	cam_buf_addf(&p->txt, _("%d refusals:"), a.refusals);
	cam_buf_addf(&p->txt, "\n%s   ", cam_buf_str(&a.ref));
	cam_buf_addf(&p->txt, _("%d operations failed (see camaudit "
	    "access)"), a.failed);
	cam_buf_adds(&p->txt, "\n");
	cam_buf_addf(&p->json, "[%s\n ],\n \"refusals\": [%s\n ]",
	    cam_buf_str(&a.jext), cam_buf_str(&a.jref));
	views(&a);
	cam_buf_free(&a.ext);
	cam_buf_free(&a.ref);
	cam_buf_free(&a.jext);
	cam_buf_free(&a.jref);
}
