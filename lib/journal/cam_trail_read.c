/*
 * cam_trail: reading the audit trail (see cam_trail.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/cam_json.h"
#include "base/cam_time.h"
#include "journal/cam_journal.h"
#include "journal/cam_trail.h"

struct actx {
	time_t since;
	const char *zone;
	int json, n;
	struct cam_buf *out;
};

static int
access_cb(void *arg, const struct cam_journal_rec *r)
{
	struct actx *a = arg;
	char prog_[32], verb[64], outcome[16], actor[64], as[64],
	    who[140], object[256], reason[1024], t[64];

	if (strcmp(r->kind, "audit") != 0 || r->time < a->since)
		return 0;
	if (cam_json_get_str(r->data, "program", prog_, sizeof(prog_)) == -1 ||
	    cam_json_get_str(r->data, "outcome", outcome,
	    sizeof(outcome)) == -1 ||
	    cam_json_get_str(r->data, "verb", verb, sizeof(verb)) == -1 ||
	    cam_json_get_str(r->data, "actor", actor, sizeof(actor)) == -1)
		return 0;
	/* Footage handed out, every look at it (camview: live, play,
	 * login, logout, report, grant), and every refusal. */
	if (strcmp(prog_, "camextract") != 0 &&
	    strcmp(prog_, "camview") != 0 &&
	    strcmp(outcome, "refused") != 0)
		return 0;
	if (cam_json_get_str(r->data, "object", object, sizeof(object)) == -1)
		snprintf(object, sizeof(object), "-");
	if (cam_json_get_str(r->data, "reason", reason, sizeof(reason)) == -1) {
		/* A look: what was seen (window, stream, seconds, the
		 * view request), its detail as written. */
		char *d = strcmp(prog_, "camview") == 0 ?
		    cam_json_sub_object(r->data, "detail") : NULL;
		snprintf(reason, sizeof(reason), "%s", d != NULL ? d : "-");
		free(d);
	}
	/* The person, and the account it ran as when another: "alice (as
	 * root)". */
	if (cam_json_get_str(r->data, "as", as, sizeof(as)) == 0)
		snprintf(who, sizeof(who), "%s (as %s)", actor, as);
	else
		snprintf(who, sizeof(who), "%s", actor);
	cam_time_format_zone(r->time, a->zone, t, sizeof(t));
	if (a->json) {
		cam_buf_adds(a->out, a->n++ ? ",\n  " : "\n  ");
		cam_json_begin(a->out);
		cam_json_add_uint(a->out, "seq", r->seq);
		cam_json_add_str(a->out, "time", t);
		cam_json_add_str(a->out, "host", r->host);
		cam_json_add_raw(a->out, "record", r->data);
		cam_json_end(a->out);
	} else {
		for (char *p = reason; *p != '\0'; p++)
			if (*p == '\t' || *p == '\n')
				*p = ' ';
		cam_buf_addf(a->out, "%s\t%s\t%s\t%s %s\t%s\t%s\t%s\n", t,
		    r->host, who, prog_, verb, object, outcome, reason);
	}
	return 0;
}

int
cam_trail_access(const char *root, const char *zone, time_t since, int json,
    struct cam_buf *out, struct cam_err *e)
{
	struct actx a = { since, zone, json, 0, out };
	char path[PATH_MAX];
	struct stat st;

	if (cam_path(path, sizeof(path), e, "%s/" CAM_TRAIL_FILE, root) == -1)
		return -1;
	if (stat(path, &st) == 0 && cam_journal_foreach_since(path,
	    since ? since : (time_t)-1, access_cb, &a, e) == -1)
		return -1;
	return 0;
}

static int
trail_cb(void *arg, const struct cam_journal_rec *r)
{
	struct cam_trail_commits *c = arg;
	char prog_[32], outcome[16], id[64];
	char *detail;

	if (c->start == 0)
		c->start = r->time;
	if (strcmp(r->kind, "audit") != 0 ||
	    cam_json_get_str(r->data, "program", prog_, sizeof(prog_)) == -1 ||
	    strcmp(prog_, "camctl") != 0 ||
	    cam_json_get_str(r->data, "outcome", outcome,
	    sizeof(outcome)) == -1 || strcmp(outcome, "granted") != 0 ||
	    (detail = cam_json_sub_object(r->data, "detail")) == NULL)
		return 0;
	if (cam_json_get_str(detail, "commit", id, sizeof(id)) == 0 &&
	    strlen(id) == 40) {
		struct cam_trail_commit *t;
		c->v = cam_xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
		t = &c->v[c->n++];
		memset(t, 0, sizeof(*t));
		memcpy(t->id, id, 41);
		t->seq = r->seq;
		t->time = r->time;
		if (cam_json_get_str(r->data, "actor", t->actor,
		    sizeof(t->actor)) == -1)
			snprintf(t->actor, sizeof(t->actor), "?");
	}
	free(detail);
	return 0;
}

int
cam_trail_commits(const char *root, struct cam_trail_commits *tc,
    struct cam_err *e)
{
	char path[PATH_MAX];
	struct stat st;

	if (cam_path(path, sizeof(path), e, "%s/" CAM_TRAIL_FILE, root) == 0 &&
	    stat(path, &st) == 0 &&
	    cam_journal_foreach(path, trail_cb, tc, e) == -1)
		return -1;
	return 0;
}

const struct cam_trail_commit *
cam_trail_find(const struct cam_trail_commits *tc, const char *id)
{
	for (size_t i = 0; i < tc->n; i++)
		if (strcmp(tc->v[i].id, id) == 0)
			return &tc->v[i];
	return NULL;
}

void
cam_trail_commits_free(struct cam_trail_commits *tc)
{
	free(tc->v);
	tc->v = NULL;
	tc->n = 0;
}
