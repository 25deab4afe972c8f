/*
 * cam_watch: detection, state and the outbox of camctl watch (see
 * cam_watch.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/cam_audit_journals.h"
#include "audit/cam_watch.h"
#include "base/cam_checklist.h"
#include "base/cam_i18n.h"
#include "base/cam_json.h"
#include "base/cam_send.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "journal/cam_logbook.h"
#include "journal/cam_trail.h"
#include "media/cam_gaps.h"
#include "media/cam_status.h"
#include "site/cam_secret.h"

#define STATE_MAX	(1024 * 1024)
#define OUTBOX_MAX	(4 * 1024 * 1024)
/* A first run tells of logbook entries and refusals this recent, not
 * of the whole history. */
#define FIRST_LOOKBACK	3600
/* A report older than this is not sent by a first run. */
#define REPORT_MAX_AGE	(40 * 86400)

struct down {
	char *camera;
	time_t since;
};

struct state {
	int fresh;		/* no state file yet */
	uint64_t seq;		/* last outbox message number */
	uint64_t logbook;	/* last logbook SEQ looked at */
	uint64_t trail;		/* last trail SEQ looked at */
	char digest[16];	/* the local day of the last digest */
	int storage, integrity;	/* an alert is out, not yet resolved */
	time_t journals_at;	/* the last check of the journals */
	size_t ndown;
	struct down *down;	/* cameras told down */
	size_t nreports;
	char **reports;		/* report files sent */
};

struct run {
	struct cam_site *s;
	const struct cam_config *cfg;
	const struct cam_watch_opts *o;
	struct state st;
	char dir[PATH_MAX], outbox[PATH_MAX];
	int events;
};

static void
state_free(struct state *st)
{
	for (size_t i = 0; i < st->ndown; i++)
		free(st->down[i].camera);
	free(st->down);
	for (size_t i = 0; i < st->nreports; i++)
		free(st->reports[i]);
	free(st->reports);
	memset(st, 0, sizeof(*st));
}

static void
state_down_add(struct state *st, const char *camera, time_t since)
{
	st->down = cam_xrealloc(st->down, (st->ndown + 1) * sizeof(*st->down));
	st->down[st->ndown].camera = cam_xstrdup(camera);
	st->down[st->ndown++].since = since;
}

static struct down *
state_down(struct state *st, const char *camera)
{
	for (size_t i = 0; i < st->ndown; i++)
		if (strcmp(st->down[i].camera, camera) == 0)
			return &st->down[i];
	return NULL;
}

static void
state_report_add(struct state *st, const char *name)
{
	st->reports = cam_xrealloc(st->reports, (st->nreports + 1) *
	    sizeof(char *));
	st->reports[st->nreports++] = cam_xstrdup(name);
}

static int
state_load(struct run *r, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	char path[PATH_MAX];
	int lineno = 0;

	if (cam_path(path, sizeof(path), e, "%s/state", r->dir) == -1)
		return -1;
	if (access(path, F_OK) == -1 && errno == ENOENT) {
		r->st.fresh = 1;
		return 0;
	}
	if (cam_file_read(path, STATE_MAX, &b, e) == -1)
		return -1;
	for (char *line = b.s, *next; line != NULL && *line != '\0';
	    line = next) {
		char name[256];
		long long n;

		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (sscanf(line, "seq %llu", (unsigned long long *)&n) == 1)
			r->st.seq = (uint64_t)n;
		else if (sscanf(line, "logbook %llu",
		    (unsigned long long *)&n) == 1)
			r->st.logbook = (uint64_t)n;
		else if (sscanf(line, "trail %llu",
		    (unsigned long long *)&n) == 1)
			r->st.trail = (uint64_t)n;
		else if (sscanf(line, "digest %15s", r->st.digest) == 1 ||
		    sscanf(line, "storage %d", &r->st.storage) == 1 ||
		    sscanf(line, "integrity %d", &r->st.integrity) == 1)
			;	/* sscanf has read it into r->st */
		else if (sscanf(line, "journals_at %lld", &n) == 1)
			r->st.journals_at = (time_t)n;
		else if (sscanf(line, "down %255s %lld", name, &n) == 2)
			state_down_add(&r->st, name, (time_t)n);
		else if (sscanf(line, "report %255s", name) == 1)
			state_report_add(&r->st, name);
		else if (strcmp(line, "camkit-alerts 1") != 0) {
			cam_buf_free(&b);
			return cam_errf(e, CAM_ENV, "%s:%d: not a line of the "
			    "watcher's state", path, lineno);
		}
	}
	cam_buf_free(&b);
	return 0;
}

static int
state_save(struct run *r, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	char path[PATH_MAX];
	int rc;

	if (cam_path(path, sizeof(path), e, "%s/state", r->dir) == -1)
		return -1;
	cam_buf_addf(&b, "camkit-alerts 1\nseq %llu\nlogbook %llu\n"
	    "trail %llu\nstorage %d\nintegrity %d\n",
	    (unsigned long long)r->st.seq, (unsigned long long)r->st.logbook,
	    (unsigned long long)r->st.trail, r->st.storage, r->st.integrity);
	if (r->st.digest[0] != '\0')
		cam_buf_addf(&b, "digest %s\n", r->st.digest);
	cam_buf_addf(&b, "journals_at %lld\n", (long long)r->st.journals_at);
	for (size_t i = 0; i < r->st.ndown; i++)
		cam_buf_addf(&b, "down %s %lld\n", r->st.down[i].camera,
		    (long long)r->st.down[i].since);
	for (size_t i = 0; i < r->st.nreports; i++)
		cam_buf_addf(&b, "report %s\n", r->st.reports[i]);
	rc = cam_file_write_atomic(path, b.s, b.len, 0640, e);
	cam_buf_free(&b);
	return rc;
}

/* ---- words people read ---- */

/* A time as people read it, in the site's zone: "2026-12-07 09:15:00
 * +07", the same in every message (cam_time_format_human). */
static void
when(const struct cam_config *cfg, time_t t, char *buf, size_t len)
{
	cam_time_format_human(t, cfg->timezone, buf, len);
}

/* A length of time in plain words: "2 phút", "1 giờ 5 phút". */
static void
span(int64_t secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		snprintf(buf, len, _("%d s"), (int)secs);
	else if (secs < 3600)
		snprintf(buf, len, _("%d min"), (int)(secs / 60));
	else if (secs < 86400)
		snprintf(buf, len, _("%d h %d min"), (int)(secs / 3600),
		    (int)(secs % 3600 / 60));
	else
		snprintf(buf, len, _("%d days %d h"), (int)(secs / 86400),
		    (int)(secs % 86400 / 3600));
}

static void
local_day(const struct cam_config *cfg, time_t t, char *buf, size_t len,
    int *hour)
{
	char iso[64];

	cam_time_format_zone(t, cfg->timezone, iso, sizeof(iso));
	snprintf(buf, len, "%.10s", iso);
	*hour = atoi(iso + 11);
}

static const char *
camera_label(const struct cam_camera *c)
{
	return c->name != NULL ? c->name : c->id;
}

/* A logbook kind in the reader's words. */
static const char *
logbook_kind(const char *kind)
{
	if (strcmp(kind, "suspicious") == 0)
		return _("suspicious");
	if (strcmp(kind, "incident") == 0)
		return _("incident");
	if (strcmp(kind, "fault") == 0)
		return _("fault");
	return kind;
}

/* ---- the outbox ---- */

/* One message queued for one channel. */
struct msg {
	char kind[32], event[32], object[256], channel[16];
	char *subject;
	char *body;
	char **to;
	size_t nto;
	char **attach;
	size_t nattach;
	time_t created;
};

static void
msg_free(struct msg *m)
{
	free(m->subject);
	free(m->body);
	for (size_t i = 0; i < m->nto; i++)
		free(m->to[i]);
	free(m->to);
	for (size_t i = 0; i < m->nattach; i++)
		free(m->attach[i]);
	free(m->attach);
	memset(m, 0, sizeof(*m));
}

/* Header values stay on one line. */
static void
add_header(struct cam_buf *b, const char *k, const char *v)
{
	cam_buf_addf(b, "%s: ", k);
	for (const char *p = v; *p != '\0'; p++)
		cam_buf_add(b, *p == '\n' || *p == '\r' ? " " : p, 1);
	cam_buf_adds(b, "\n");
}

/* Queue one message: outbox/<seq>-<channel>, written whole. */
static int
queue(struct run *r, const char *channel, const char *kind,
    const char *event, const char *object, const struct cam_paths *to,
    const char *subject, const char *body, char *const *attach,
    size_t nattach, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	char path[PATH_MAX];
	int rc;

	r->st.seq++;
	if (cam_path(path, sizeof(path), e, "%s/%010llu-%s", r->outbox,
	    (unsigned long long)r->st.seq, channel) == -1)
		return -1;
	add_header(&b, "kind", kind);
	add_header(&b, "event", event);
	add_header(&b, "object", object);
	cam_buf_addf(&b, "created: %lld\n", (long long)r->o->now);
	for (size_t i = 0; to != NULL && i < to->n; i++)
		add_header(&b, "to", to->path[i]);
	for (size_t i = 0; i < nattach; i++)
		add_header(&b, "attach", attach[i]);
	add_header(&b, "subject", subject);
	cam_buf_adds(&b, "\n");
	cam_buf_adds(&b, body);
	rc = cam_file_write_atomic(path, b.s, b.len, 0640, e);
	cam_buf_free(&b);
	return rc;
}

static int
msg_load(const char *path, struct msg *m, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	char *p, *body;

	memset(m, 0, sizeof(*m));
	if (cam_file_read(path, OUTBOX_MAX, &b, e) == -1)
		return -1;
	body = b.s != NULL ? strstr(b.s, "\n\n") : NULL;
	if (body == NULL) {
		cam_buf_free(&b);
		return cam_errf(e, CAM_ENV, "%s: a queued message without "
		    "its text", path);
	}
	*body = '\0';
	m->body = cam_xstrdup(body + 2);
	for (char *line = b.s, *next; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if ((p = strstr(line, ": ")) == NULL)
			continue;
		*p = '\0';
		p += 2;
		if (strcmp(line, "kind") == 0)
			snprintf(m->kind, sizeof(m->kind), "%s", p);
		else if (strcmp(line, "event") == 0)
			snprintf(m->event, sizeof(m->event), "%s", p);
		else if (strcmp(line, "object") == 0)
			snprintf(m->object, sizeof(m->object), "%s", p);
		else if (strcmp(line, "created") == 0)
			m->created = (time_t)atoll(p);
		else if (strcmp(line, "subject") == 0) {
			free(m->subject);
			m->subject = cam_xstrdup(p);
		} else if (strcmp(line, "to") == 0) {
			m->to = cam_xrealloc(m->to, (m->nto + 1) *
			    sizeof(char *));
			m->to[m->nto++] = cam_xstrdup(p);
		} else if (strcmp(line, "attach") == 0) {
			m->attach = cam_xrealloc(m->attach, (m->nattach + 1) *
			    sizeof(char *));
			m->attach[m->nattach++] = cam_xstrdup(p);
		}
	}
	cam_buf_free(&b);
	if (m->subject == NULL)
		m->subject = cam_xstrdup("");
	return 0;
}

/* The webhook's JSON: machine fields in English, the words in the
 * site's language. */
static void
hook_json(struct run *r, struct cam_buf *j, const char *kind,
    const char *event, const char *object, const char *subject,
    const char *body)
{
	char t[64];

	cam_time_format_zone(r->o->now, r->cfg->timezone, t, sizeof(t));
	cam_buf_adds(j, "{\"site\":");
	cam_json_str(j, r->cfg->site_name != NULL ? r->cfg->site_name : "");
	cam_buf_adds(j, ",\"host\":");
	cam_json_str(j, r->o->host);
	cam_buf_adds(j, ",\"kind\":");
	cam_json_str(j, kind);
	cam_buf_adds(j, ",\"event\":");
	cam_json_str(j, event);
	cam_buf_adds(j, ",\"object\":");
	cam_json_str(j, object);
	cam_buf_adds(j, ",\"time\":");
	cam_json_str(j, t);
	cam_buf_adds(j, ",\"language\":");
	cam_json_str(j, r->cfg->language);
	cam_buf_adds(j, ",\"title\":");
	cam_json_str(j, subject);
	cam_buf_adds(j, ",\"text\":");
	cam_json_str(j, body);
	cam_buf_adds(j, "}\n");
}

/*
 * A new event: queued for each channel configured (mail when the kind
 * has recipients and a server is set, the web hook when one is set).
 * subject and body are already in the site's language.
 */
static int
event(struct run *r, enum cam_alert_kind kind, const char *ev,
    const char *object, const char *subject, const char *body,
    char *const *attach, size_t nattach, struct cam_err *e)
{
	const struct cam_alerts *a = &r->cfg->alerts;
	const struct cam_paths *to = cam_alert_to(r->cfg, kind);
	const char *k = cam_alert_kinds[kind];
	struct cam_buf full = CAM_BUF_INIT, subj = CAM_BUF_INIT;

	r->events++;
	cam_buf_addf(&subj, "[%s] %s", r->cfg->site_name != NULL ?
	    r->cfg->site_name : r->o->host, subject);
	cam_buf_adds(&full, body);
	cam_buf_adds(&full, "\n\n-- \n");
	cam_buf_addf(&full, _("camkit on %s (camctl watch). Settings: "
	    "alerts in camkit.yaml; see camkit-alerts(7).\n"), r->o->host);
	if (a->smtp_url != NULL && to->n > 0 && queue(r, "mail", k, ev,
	    object, to, cam_buf_str(&subj), cam_buf_str(&full), attach,
	    nattach, e) == -1)
		goto fail;
	if (a->webhook != NULL) {
		struct cam_buf j = CAM_BUF_INIT;
		hook_json(r, &j, k, ev, object, cam_buf_str(&subj), body);
		int rc = queue(r, "webhook", k, ev, object, NULL,
		    cam_buf_str(&subj), cam_buf_str(&j), NULL, 0, e);
		cam_buf_free(&j);
		if (rc == -1)
			goto fail;
	}
	cam_buf_free(&full);
	cam_buf_free(&subj);
	return 0;
fail:
	cam_buf_free(&full);
	cam_buf_free(&subj);
	return -1;
}

/* ---- detection ---- */

static int
watch_cameras(struct run *r, uint64_t *live, double *rate,
    struct cam_buf *digest, struct cam_err *e)
{
	const struct cam_config *cfg = r->cfg;
	int64_t after = cfg->alerts.camera_down_after;
	time_t now = r->o->now;

	for (size_t i = 0; i < cfg->ncameras; i++) {
		const struct cam_camera *c = &cfg->cameras[i];
		const char *h = c->host != NULL ? c->host : cfg->host;
		struct cam_uptime u;
		struct cam_status cs;
		struct down *d = state_down(&r->st, c->id);
		time_t since = 0;
		char t1[80], t2[80], dur[64];

		if (h != NULL && strcmp(h, r->o->host) != 0)
			continue;	/* another recorder's camera */
		if (cam_camera_status(cfg->root, c, now, &cs, e) == -1)
			return -1;
		*live += cs.bytes;
		*rate += cs.rate;
		memset(&u, 0, sizeof(u));
		u.from = now - 86400;
		u.to = now;
		if (c->enabled && cam_gaps_uptime(cfg->root, c->id, &u,
		    e) == -1)
			return -1;
		/* Down: the recorder journaled a camera-down after the last
		 * footage and no camera-up since; or no footage for longer
		 * than two segments and the recorder's slack (a recorder
		 * that is not running journals nothing). */
		if (!c->enabled || cs.last_end == 0)
			since = 0;
		else if (u.ev.down_at != 0 && u.ev.up_at < u.ev.down_at)
			since = u.ev.down_at;
		else if (now - cs.last_end > 2 * c->segment +
		    CAM_GAPS_DOWN_SLACK)
			since = cs.last_end;
		if (digest != NULL) {
			span(u.gap_s, dur, sizeof(dur));
			cam_buf_addf(digest, _("- %s (%s): %s; %d gaps in 24 "
			    "h, %s without footage\n"), c->id, camera_label(c),
			    since != 0 ? _("down") : !c->enabled ?
			    _("disabled") : _("recording"), u.gaps, dur);
		}
		if (since != 0 && d == NULL && now - since >= after) {
			struct cam_buf sb = CAM_BUF_INIT, bb = CAM_BUF_INIT;
			when(cfg, since, t1, sizeof(t1));
			span(now - since, dur, sizeof(dur));
			cam_buf_addf(&sb, _("Camera %s (%s) is down"), c->id,
			    camera_label(c));
			cam_buf_addf(&bb, _("Camera %s (%s%s%s) has recorded "
			    "nothing since %s, %s ago.\nCheck its power, its "
			    "network cable and the recorder on %s "
			    "(camctl status).\n"), c->id, camera_label(c),
			    c->location != NULL ? ", " : "",
			    c->location != NULL ? c->location : "", t1, dur,
			    r->o->host);
			int rc = event(r, CAM_ALERT_OUTAGE, "down", c->id,
			    cam_buf_str(&sb), cam_buf_str(&bb), NULL, 0, e);
			cam_buf_free(&sb);
			cam_buf_free(&bb);
			if (rc == -1)
				return -1;
			state_down_add(&r->st, c->id, since);
		} else if (since == 0 && d != NULL) {
			struct cam_buf sb = CAM_BUF_INIT, bb = CAM_BUF_INIT;
			time_t back = cs.last_end > d->since ? cs.last_end :
			    now;
			when(cfg, d->since, t1, sizeof(t1));
			when(cfg, now, t2, sizeof(t2));
			span(back - d->since, dur, sizeof(dur));
			cam_buf_addf(&sb, _("Camera %s (%s) is recording "
			    "again"), c->id, camera_label(c));
			cam_buf_addf(&bb, _("Camera %s (%s) is recording again "
			    "(seen at %s). It was down from %s, about %s.\n"),
			    c->id, camera_label(c), t2, t1, dur);
			int rc = event(r, CAM_ALERT_OUTAGE, "up", c->id,
			    cam_buf_str(&sb), cam_buf_str(&bb), NULL, 0, e);
			cam_buf_free(&sb);
			cam_buf_free(&bb);
			if (rc == -1)
				return -1;
			free(d->camera);
			*d = r->st.down[--r->st.ndown];
		}
	}
	/* A camera removed from the configuration is no longer down. */
	for (size_t i = 0; i < r->st.ndown; i++)
		if (cam_config_camera(cfg, r->st.down[i].camera) == NULL) {
			free(r->st.down[i].camera);
			r->st.down[i--] = r->st.down[--r->st.ndown];
		}
	return 0;
}

static int
watch_storage(struct run *r, uint64_t live, double rate,
    struct cam_buf *digest, struct cam_err *e)
{
	const struct cam_config *cfg = r->cfg;
	uint64_t room;
	double days;
	char size[CAM_SIZE_LEN];
	int low;

	cam_storage_room(cfg, live, rate, &room, &days);
	low = days >= 0 && days < cfg->retention_days;
	cam_fmt_size(size, sizeof(size), room);
	if (digest != NULL) {
		if (days >= 0)
			cam_buf_addf(digest, _("Storage: %s of room, about "
			    "%.0f days at the current rate (retention: %d "
			    "days).\n"), size, days, cfg->retention_days);
		else
			cam_buf_addf(digest, _("Storage: %s of room.\n"),
			    size);
	}
	if (low == r->st.storage)
		return 0;
	struct cam_buf sb = CAM_BUF_INIT, bb = CAM_BUF_INIT;
	if (low) {
		cam_buf_addf(&sb, _("Storage: %.1f days of room left, "
		    "retention is %d days"), days, cfg->retention_days);
		cam_buf_addf(&bb, _("At the current rate the storage under %s "
		    "has room for %.1f more days of footage (%s), less "
		    "than the %d days it must keep. Add disk space or lower "
		    "storage.max_usage before old footage is deleted to make "
		    "room.\n"), cfg->root, days, size, cfg->retention_days);
	} else {
		cam_buf_addf(&sb, _("Storage: room for the retention again"));
		cam_buf_addf(&bb, _("The storage under %s has room for %.1f "
		    "days of footage again (retention: %d days).\n"),
		    cfg->root, days, cfg->retention_days);
	}
	int rc = event(r, CAM_ALERT_STORAGE, low ? "low" : "ok", "storage",
	    cam_buf_str(&sb), cam_buf_str(&bb), NULL, 0, e);
	cam_buf_free(&sb);
	cam_buf_free(&bb);
	if (rc == 0)
		r->st.storage = low;
	return rc;
}

static int
watch_logbook(struct run *r, struct cam_buf *digest, struct cam_err *e)
{
	const struct cam_config *cfg = r->cfg;
	struct cam_logbook lb;
	char path[PATH_MAX], t[80];
	int counts[3] = { 0, 0, 0 }, rc = 0;
	static const char *const kinds[] = { "suspicious", "incident",
	    "fault" };
	struct cam_err le;

	if (cam_path(path, sizeof(path), e, "%s/%s", cfg->root,
	    CAM_LOGBOOK_FILE) == -1)
		return -1;
	cam_err_clear(&le);
	/* A broken logbook is the integrity check's to tell. */
	if (cam_logbook_load_since(&lb, path, r->o->now - 86400, &le) == -1)
		return 0;
	for (size_t i = 0; i < lb.n && rc == 0; i++) {
		const struct cam_logbook_entry *x = &lb.e[i];
		int k = -1;

		for (int j = 0; j < 3; j++)
			if (strcmp(x->kind, kinds[j]) == 0)
				k = j;
		if (k >= 0 && x->time >= r->o->now - 86400)
			counts[k]++;
		if (x->seq <= r->st.logbook)
			continue;
		r->st.logbook = x->seq;
		if (k < 0 || (r->st.fresh && x->time < r->o->now -
		    FIRST_LOOKBACK))
			continue;
		struct cam_buf sb = CAM_BUF_INIT, bb = CAM_BUF_INIT;
		char obj[64];
		const struct cam_camera *c = x->camera != NULL ?
		    cam_config_camera(cfg, x->camera) : NULL;
		when(cfg, x->time, t, sizeof(t));
		snprintf(obj, sizeof(obj), "logbook %llu",
		    (unsigned long long)x->seq);
		cam_buf_addf(&sb, _("Logbook: %s entry by %s"),
		    logbook_kind(x->kind), x->author);
		cam_buf_addf(&bb, _("%s wrote in the logbook at %s (entry "
		    "%llu, %s):\n\n%s\n"), x->author, t,
		    (unsigned long long)x->seq, logbook_kind(x->kind),
		    x->text != NULL ? x->text : "");
		if (x->camera != NULL)
			cam_buf_addf(&bb, _("\nCamera: %s (%s)\n"), x->camera,
			    c != NULL ? camera_label(c) : x->camera);
		rc = event(r, CAM_ALERT_LOGBOOK, "entry", obj,
		    cam_buf_str(&sb), cam_buf_str(&bb), NULL, 0, e);
		cam_buf_free(&sb);
		cam_buf_free(&bb);
	}
	cam_logbook_free(&lb);
	if (digest != NULL)
		cam_buf_addf(digest, _("Logbook, last 24 h: %d suspicious, %d "
		    "incident, %d fault.\n"), counts[0], counts[1], counts[2]);
	return rc;
}

struct trail_walk {
	struct run *r;
	int refused24;
	int rc;
	struct cam_err *e;
};

static int
trail_cb(void *arg, const struct cam_journal_rec *rec)
{
	struct trail_walk *w = arg;
	struct run *r = w->r;
	char program[32], verb[64], outcome[16], actor[64], object[256],
	    reason[512], t[80];

	if (strcmp(rec->kind, "audit") != 0 ||
	    cam_json_get_str(rec->data, "outcome", outcome,
	    sizeof(outcome)) == -1 || strcmp(outcome, "refused") != 0 ||
	    cam_json_get_str(rec->data, "program", program,
	    sizeof(program)) == -1 || (strcmp(program, "camextract") != 0 &&
	    strcmp(program, "camview") != 0)) {
		if (rec->seq > r->st.trail)
			r->st.trail = rec->seq;
		return 0;
	}
	if (rec->time >= r->o->now - 86400)
		w->refused24++;
	if (rec->seq <= r->st.trail)
		return 0;
	r->st.trail = rec->seq;
	if (r->st.fresh && rec->time < r->o->now - FIRST_LOOKBACK)
		return 0;
	if (cam_json_get_str(rec->data, "verb", verb, sizeof(verb)) == -1)
		snprintf(verb, sizeof(verb), "?");
	if (cam_json_get_str(rec->data, "actor", actor, sizeof(actor)) == -1)
		snprintf(actor, sizeof(actor), "?");
	if (cam_json_get_str(rec->data, "object", object,
	    sizeof(object)) == -1)
		object[0] = '\0';
	if (cam_json_get_str(rec->data, "reason", reason,
	    sizeof(reason)) == -1)
		reason[0] = '\0';
	when(r->cfg, rec->time, t, sizeof(t));
	struct cam_buf sb = CAM_BUF_INIT, bb = CAM_BUF_INIT;
	char obj[64];
	snprintf(obj, sizeof(obj), "audit %llu", (unsigned long long)rec->seq);
	cam_buf_addf(&sb, _("Refused: %s %s by %s"), program, verb, actor);
	cam_buf_addf(&bb, _("At %s, %s was refused \"%s %s %s\".\nWhy: "
	    "%s\n(camaudit access lists every refusal.)\n"), t, actor,
	    program, verb, object, reason);
	w->rc = event(r, CAM_ALERT_ACCESS, "refused", obj, cam_buf_str(&sb),
	    cam_buf_str(&bb), NULL, 0, w->e);
	cam_buf_free(&sb);
	cam_buf_free(&bb);
	return w->rc == -1 ? 1 : 0;
}

static int
watch_trail(struct run *r, struct cam_buf *digest, struct cam_err *e)
{
	struct trail_walk w = { r, 0, 0, e };
	char path[PATH_MAX];
	struct cam_err te;

	if (cam_path(path, sizeof(path), e, "%s/%s", r->cfg->root,
	    CAM_TRAIL_FILE) == -1)
		return -1;
	cam_err_clear(&te);
	if (access(path, F_OK) == 0)
		(void)cam_journal_foreach_since(path, r->o->now - 86400,
		    trail_cb, &w, &te);	/* broken: integrity tells */
	if (w.rc == -1)
		return -1;
	if (digest != NULL)
		cam_buf_addf(digest, _("Refused extractions and views, last "
		    "24 h: %d.\n"), w.refused24);
	return 0;
}

static int
watch_integrity(struct run *r, struct cam_buf *digest, struct cam_err *e)
{
	struct cam_checklist ck;
	struct cam_err je;
	int bad;

	/* Every journal's current volume is read whole and its seals
	 * checked: not every minute on a big site (alerts.journals_every),
	 * but for the digest always. */
	if (digest == NULL && r->st.journals_at != 0 &&
	    r->o->now - r->st.journals_at < r->cfg->alerts.journals_every &&
	    r->o->now >= r->st.journals_at)
		return 0;
	r->st.journals_at = r->o->now;
	memset(&ck, 0, sizeof(ck));
	cam_err_clear(&je);
	if (cam_audit_journals_since(r->s, r->o->now, &ck, &je) == -1)
		cam_checklist_add(&ck, CAM_CHECK_FAIL, "journals", "%s",
		    je.msg);
	bad = ck.failed > 0;
	if (digest != NULL)
		cam_buf_addf(digest, bad ? _("Journals and seals: %d checks "
		    "failed.\n") : _("Journals and seals: %d checks failed "
		    "(all good).\n"), ck.failed);
	if (bad == r->st.integrity) {
		cam_buf_free(&ck.out);
		return 0;
	}
	struct cam_buf sb = CAM_BUF_INIT, bb = CAM_BUF_INIT;
	if (bad) {
		cam_buf_addf(&sb, _("Journal or seal check failed"));
		cam_buf_addf(&bb, _("A journal's chain or seal fails its check, "
		    "or a journal has gone unsealed too long. The failing "
		    "checks (camaudit journals shows them all):\n\n"));
		/* Only the failing lines. */
		for (const char *p = cam_buf_str(&ck.out); *p != '\0';) {
			size_t n = strcspn(p, "\n");
			if (strncmp(p, "FAIL", 4) == 0)
				cam_buf_addf(&bb, "%.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
	} else {
		cam_buf_addf(&sb, _("Journals and seals check again"));
		cam_buf_addf(&bb, _("Every journal's chain and seals check "
		    "again.\n"));
	}
	cam_buf_free(&ck.out);
	int rc = event(r, CAM_ALERT_INTEGRITY, bad ? "broken" : "fixed",
	    "journals", cam_buf_str(&sb), cam_buf_str(&bb), NULL, 0, e);
	cam_buf_free(&sb);
	cam_buf_free(&bb);
	if (rc == 0)
		r->st.integrity = bad;
	return rc;
}

/* reports/report-YYYY-MM.pdf with its .p7s beside: sent once each. */
static int
watch_reports(struct run *r, struct cam_err *e)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (cam_path(dir, sizeof(dir), e, "%s/%s", r->cfg->root,
	    CAM_REPORTS_DIR) == -1)
		return -1;
	if ((d = opendir(dir)) == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		char pdf[PATH_MAX], sig[PATH_MAX], month[8];
		char *attach[2];
		struct stat sb;
		int seen = 0;

		if (strlen(n) != 18 || strncmp(n, "report-", 7) != 0 ||
		    strcmp(n + 14, ".pdf") != 0)
			continue;
		for (size_t i = 0; i < r->st.nreports; i++)
			if (strcmp(r->st.reports[i], n) == 0)
				seen = 1;
		if (seen || snprintf(pdf, sizeof(pdf), "%s/%s", dir, n) >=
		    (int)sizeof(pdf) || snprintf(sig, sizeof(sig), "%s.p7s",
		    pdf) >= (int)sizeof(sig) || stat(sig, &sb) == -1 ||
		    stat(pdf, &sb) == -1)
			continue;	/* the signature not yet beside it */
		if (r->st.fresh && sb.st_mtime < r->o->now - REPORT_MAX_AGE) {
			state_report_add(&r->st, n);
			continue;
		}
		snprintf(month, sizeof(month), "%.7s", n + 7);
		attach[0] = pdf;
		attach[1] = sig;
		struct cam_buf s1 = CAM_BUF_INIT, b1 = CAM_BUF_INIT;
		cam_buf_addf(&s1, _("Monthly report %s"), month);
		cam_buf_addf(&b1, _("The monthly report on the camera system "
		    "for %s is attached (%s), with its digital signature by "
		    "the site key (%s.p7s). Check the signature with: openssl "
		    "cms -verify -binary -inform DER -in %s.p7s -content %s "
		    "-CAfile CA.pem\n"), month, n, n, n, n);
		rc = event(r, CAM_ALERT_REPORT, "report", n, cam_buf_str(&s1),
		    cam_buf_str(&b1), attach, 2, e);
		cam_buf_free(&s1);
		cam_buf_free(&b1);
		if (rc == 0)
			state_report_add(&r->st, n);
	}
	closedir(d);
	return rc;
}

/* ---- sending ---- */

struct channel {
	const char *name;
	int stopped;		/* failed once this run: keep order */
};

static int
deliver(struct run *r, const char *path, const char *file,
    struct channel *ch, void (*on_send)(void *, const struct cam_watch_send *),
    void *arg, struct cam_watch_result *res, struct cam_err *first,
    struct cam_err *e)
{
	const struct cam_alerts *a = &r->cfg->alerts;
	struct cam_watch_send d;
	struct cam_err se;
	struct msg m;
	int rc;

	if (msg_load(path, &m, e) == -1)
		return -1;
	cam_err_clear(&se);
	if (strcmp(ch->name, "mail") == 0) {
		struct cam_mail_server srv;
		struct cam_mail mail;
		char *user = NULL, *pass = NULL, ca[PATH_MAX], mid[512];

		memset(&srv, 0, sizeof(srv));
		memset(&mail, 0, sizeof(mail));
		rc = 0;
		if (a->smtp_url == NULL)
			rc = cam_errf(&se, CAM_ENV, "no mail server: "
			    "alerts.smtp.url is not set");
		else if (a->smtp_credential != NULL &&
		    cam_secret_read(r->s->dir, a->smtp_credential, &user,
		    &pass, &se) == -1)
			rc = -1;
		if (rc == 0) {
			srv.url = a->smtp_url;
			srv.from = a->smtp_from;
			srv.user = user;
			srv.pass = pass;
			if (a->smtp_ca_file != NULL) {
				if (a->smtp_ca_file[0] == '/')
					snprintf(ca, sizeof(ca), "%s",
					    a->smtp_ca_file);
				else
					snprintf(ca, sizeof(ca), "%s/%s",
					    r->s->dir, a->smtp_ca_file);
				srv.ca_file = ca;
			}
			snprintf(mid, sizeof(mid), "<camkit.%lld.%s@%s>",
			    (long long)m.created, file, r->o->host);
			mail.to = m.to;
			mail.nto = m.nto;
			mail.subject = m.subject;
			mail.body = m.body;
			mail.date = m.created != 0 ? m.created : r->o->now;
			mail.message_id = mid;
			mail.attach = m.attach;
			mail.nattach = m.nattach;
			rc = cam_send_mail(&srv, &mail, &se);
		}
		cam_secret_free(&user);
		cam_secret_free(&pass);
	} else if (a->webhook == NULL)
		rc = cam_errf(&se, CAM_ENV, "no web hook: alerts.webhook is "
		    "not set");
	else
		rc = cam_send_webhook(a->webhook, NULL, m.body, 0, &se);
	d.kind = m.kind;
	d.event = m.event;
	d.object = m.object;
	d.channel = ch->name;
	d.file = file;
	d.ok = rc == 0;
	d.why = &se;
	if (rc == 0 && unlink(path) == -1) {
		msg_free(&m);
		return cam_err_sys(e, "removing %s", path);
	}
	if (rc == 0) {
		res->sent++;
	} else {
		res->failed++;
		ch->stopped = 1;
		if (first->code == 0)
			*first = se;
	}
	if (on_send != NULL)
		on_send(arg, &d);
	msg_free(&m);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
flush(struct run *r, void (*on_send)(void *, const struct cam_watch_send *),
    void *arg, struct cam_watch_result *res, struct cam_err *first,
    struct cam_err *e)
{
	struct channel chans[] = { { "mail", 0 }, { "webhook", 0 } };
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((d = opendir(r->outbox)) == NULL)
		return cam_err_sys(e, "reading %s", r->outbox);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strchr(de->d_name, '-') == NULL)
			continue;
		names = cam_xrealloc(names, (n + 1) * sizeof(char *));
		names[n++] = cam_xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(char *), cmp_names);
	for (size_t i = 0; i < n; i++) {
		const char *chan = strchr(names[i], '-') + 1;
		char path[PATH_MAX];
		struct channel *ch = NULL;

		for (size_t k = 0; k < 2; k++)
			if (strcmp(chans[k].name, chan) == 0)
				ch = &chans[k];
		if (ch == NULL)
			continue;
		if (rc == 0 && !ch->stopped) {
			if (cam_path(path, sizeof(path), e, "%s/%s",
			    r->outbox, names[i]) == -1 || deliver(r, path,
			    names[i], ch, on_send, arg, res, first, e) == -1)
				rc = -1;
			else if (!ch->stopped)
				continue;
		}
		res->queued++;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
cam_watch_run(struct cam_site *s, const struct cam_watch_opts *o,
    void (*on_send)(void *arg, const struct cam_watch_send *d), void *arg,
    struct cam_watch_result *res, struct cam_err *e)
{
	struct cam_buf digest = CAM_BUF_INIT, *dg = NULL;
	struct cam_err first;
	struct run r;
	char lock[PATH_MAX], today[16];
	uint64_t live = 0;
	double rate = 0;
	int fd = -1, rc = -1, hour;

	memset(&r, 0, sizeof(r));
	memset(res, 0, sizeof(*res));
	cam_err_clear(&first);
	r.s = s;
	r.cfg = &s->cfg;
	r.o = o;
	if (cam_path(r.dir, sizeof(r.dir), e, "%s/%s", s->cfg.root,
	    CAM_WATCH_DIR) == -1 || cam_path(r.outbox, sizeof(r.outbox), e,
	    "%s/outbox", r.dir) == -1 || cam_mkdir_p(r.outbox, 0750,
	    e) == -1 || cam_path(lock, sizeof(lock), e, "%s/lock",
	    r.dir) == -1)
		return -1;
	/* One run at a time (the timer and a hand-started run). */
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) == -1)
		return cam_err_sys(e, "opening %s", lock);
	if (flock(fd, LOCK_EX) == -1) {
		cam_err_sys(e, "locking %s", lock);
		goto end;
	}
	if (state_load(&r, e) == -1)
		goto end;
	local_day(r.cfg, o->now, today, sizeof(today), &hour);
	if (o->digest || (!r.st.fresh && r.cfg->alerts.digest_hour >= 0 &&
	    hour >= r.cfg->alerts.digest_hour &&
	    strcmp(r.st.digest, today) != 0))
		dg = &digest;
	else if (r.st.fresh && r.cfg->alerts.digest_hour >= 0 &&
	    hour >= r.cfg->alerts.digest_hour)
		snprintf(r.st.digest, sizeof(r.st.digest), "%s", today);
	/* Mail and web hook speak the site's language. */
	cam_i18n_use(r.cfg->language);
	if (watch_cameras(&r, &live, &rate, dg, e) == -1 ||
	    watch_storage(&r, live, rate, dg, e) == -1 ||
	    watch_logbook(&r, dg, e) == -1 ||
	    watch_trail(&r, dg, e) == -1 ||
	    watch_integrity(&r, dg, e) == -1 ||
	    watch_reports(&r, e) == -1) {
		cam_i18n_use(NULL);
		goto end;
	}
	if (dg != NULL) {
		char t[64];
		struct cam_buf sb = CAM_BUF_INIT, bb = CAM_BUF_INIT;
		when(r.cfg, o->now, t, sizeof(t));
		cam_buf_addf(&sb, _("Daily summary, %s"), today);
		cam_buf_addf(&bb, _("The camera system over the 24 hours up to "
		    "%s:\n\n%s"), t, cam_buf_str(&digest));
		int k = event(&r, CAM_ALERT_DIGEST, "digest", today,
		    cam_buf_str(&sb), cam_buf_str(&bb), NULL, 0, e);
		cam_buf_free(&sb);
		cam_buf_free(&bb);
		if (k == -1) {
			cam_i18n_use(NULL);
			goto end;
		}
		snprintf(r.st.digest, sizeof(r.st.digest), "%s", today);
	}
	cam_i18n_use(NULL);
	/* The messages are queued (each written whole): now the state
	 * that says they were, then the deliveries.  A crash between the
	 * two sends a message twice, never loses one. */
	r.st.fresh = 0;
	if (state_save(&r, e) == -1)
		goto end;
	res->events = r.events;
	if (flush(&r, on_send, arg, res, &first, e) == -1)
		goto end;
	if (first.code != 0)
		*e = first;
	rc = 0;
end:
	cam_buf_free(&digest);
	state_free(&r.st);
	if (fd != -1)
		close(fd);
	return rc;
}
