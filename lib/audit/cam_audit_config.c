/*
 * cam_audit_config: see cam_audit_config.h.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/cam_audit_config.h"
#include "base/cam_json.h"
#include "base/cam_i18n.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "journal/cam_seal.h"

static int
config_cb(void *arg, const struct cam_commit_view *v)
{
	struct cam_audit_config *c = arg;
	struct cam_buf what = CAM_BUF_INIT, found = CAM_BUF_INIT;
	struct cam_err e;
	char t[64];

	cam_time_format_human(v->info.when, c->s->cfg.timezone, t, sizeof(t));
	/* Secrets: in every commit any reference reaches. */
	if (cam_tree_secrets(&v->tree, v->changes, &found, &e) == -1) {
		cam_checklist_add(c->ck, 0, "secrets", "commit %.12s: %s",
		    v->info.id, cam_checklist_msg(c->ck, &e));
	} else
		for (const char *p = cam_buf_str(&found); *p != '\0'; ) {
			size_t n = strcspn(p, "\n");
			const char *tab = memchr(p, '\t', n);
			cam_checklist_add(c->ck, 0, "secret", v->on_head ?
			    N_("commit %.12s (%s, %s): %.*s%s%.*s") :
			    N_("commit %.12s (%s, %s, not on the history in "
			    "force): %.*s%s%.*s"), v->info.id, t,
			    v->info.author,
			    tab ? (int)(tab - p) : (int)n, p, tab ? ": " : "",
			    tab ? (int)(n - (size_t)(tab - p) - 1) : 0,
			    tab ? tab + 1 : "");
			c->secrets++;
			p += n + (p[n] == '\n');
		}
	cam_buf_free(&found);
	if (!v->on_head) {
		c->other++;
		return 0;
	}
	c->commits++;
	/* Would camctl have accepted it? */
	cam_err_clear(&e);
	if (cam_site_check_tree((void *)c->s->dir, &v->tree, &e) == -1) {
		for (char *p = e.msg; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		for (char *p = e.text; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		cam_checklist_add(c->ck, 0, "validation", "commit %.12s "
		    "(%s, %s): %s", v->info.id, t, v->info.author,
		    cam_checklist_msg(c->ck, &e));
		c->invalid++;
	}
	/* Made through camctl, with its record?  Every commit needs one
	 * but the first (camctl init made the site, and its trail, if any,
	 * with it).  One before the trail began (its oldest commit still in
	 * the history, or else its first record) is named as such: made
	 * before camctl refused to act without a trail, or by hand. */
	int after;
	if (c->first != NULL)
		after = cam_repo_descends(&c->s->repo, v->info.id, c->first,
		    &e);
	else
		after = c->trail.start != 0 && v->info.when > c->trail.start;
	if (after == -1) {
		cam_checklist_add(c->ck, 0, "audit trail", "%s",
		    cam_checklist_msg(c->ck, &e));
		after = 0;
	}
	if (v->nparents > 0 && cam_trail_find(&c->trail, v->info.id) == NULL) {
		cam_checklist_add(c->ck, 0, "audit trail", after ?
		    N_("commit %.12s (%s, %s, \"%s\") has no record in the "
		    "audit trail: it was not made with camctl") :
		    N_("commit %.12s (%s, %s, \"%s\") has no record in the "
		    "audit trail: it was made before the audit trail began"),
		    v->info.id, t, v->info.author, v->info.summary);
		c->unaudited++;
	}
	if ((c->since != 0 && v->info.when < c->since) ||
	    (c->until != 0 && v->info.when >= c->until))
		return 0;
	cam_audit_config_describe(v, !c->json, &what);
	if (c->json) {
		cam_buf_adds(&c->changes, c->nchanges++ ? ",\n  " : "\n  ");
		cam_json_begin(&c->changes);
		cam_json_add_str(&c->changes, "commit", v->info.id);
		cam_json_add_str(&c->changes, "time", t);
		cam_json_add_str(&c->changes, "author", v->info.author);
		cam_json_add_str(&c->changes, "email", v->info.email);
		cam_json_add_str(&c->changes, "summary", v->info.summary);
		cam_json_add_str(&c->changes, "what", cam_buf_str(&what));
		cam_json_end(&c->changes);
	} else {
		for (char *p = what.s; p != NULL && *p; p++)
			if (*p == '\t' || *p == '\n')
				*p = ' ';
		cam_buf_addf(&c->changes, "%s\t%.12s\t%s\t%s\t%s\n", t,
		    v->info.id, v->info.author, v->info.summary,
		    cam_buf_str(&what));
		c->nchanges++;
	}
	cam_buf_free(&what);
	return 0;
}

struct wctx {
	struct cam_audit_config *c;
	struct cam_repo *r;
	int n, bad;
	struct cam_err *e;
};

static int
config_witness(void *arg, const char *msg)
{
	struct wctx *w = arg;
	char host[256], id[64];
	size_t m = strlen(CAM_CONFIG_WITNESS);
	int k;

	if (strncmp(msg, CAM_CONFIG_WITNESS " ", m + 1) != 0 ||
	    sscanf(msg + m + 1, "%255s %63s", host, id) != 2)
		return 0;
	w->n++;
	k = cam_repo_in_history(w->r, id, w->e);
	if (k == -1)
		return -1;
	if (k == 0) {
		cam_checklist_add(w->c->ck, 0, "witness", "commit %.12s, "
		    "witnessed as the configuration in force on %s, is not in "
		    "the history: the history was rewritten", id, host);
		w->bad++;
	}
	return 0;
}

/* Read the audit trail, walk the history (listing the changes from
 * c->since to c->until) and make every check of the configuration into
 * c->ck.  -1 only when the repository cannot be read. */
int
cam_audit_config_check(struct cam_audit_config *c, struct cam_err *e)
{
	struct cam_site *s = c->s;
	struct cam_checklist *ck = c->ck;
	struct cam_buf loose = CAM_BUF_INIT;
	struct wctx w;
	int k, rc = -1;

	/* The trail's commits first: each commit is looked up in it. */
	if (cam_trail_commits(s->cfg.root, &c->trail, e) == -1)
		cam_checklist_add(ck, 0, "audit trail", "%s",
		    cam_checklist_msg(ck, e));
	cam_err_clear(e);
	for (size_t i = 0; i < c->trail.n && c->first == NULL; i++) {
		k = cam_repo_in_history(&s->repo, c->trail.v[i].id, e);
		if (k == -1)
			goto end;
		if (k == 1)
			c->first = c->trail.v[i].id;
	}
	if (cam_repo_walk(&s->repo, 1, config_cb, c, e) == -1)
		goto end;
	if (c->invalid == 0)
		cam_checklist_add(ck, 1, "validation", cam_checklist_ntr(ck,
		    "%d commit in the history, each valid as camctl checks it",
		    "%d commits in the history, each valid as camctl checks "
		    "it", (unsigned long)c->commits), c->commits);
	/* The trail's commits must all still be in the history. */
	for (size_t i = 0; i < c->trail.n; i++) {
		char t[64];
		k = cam_repo_in_history(&s->repo, c->trail.v[i].id, e);
		if (k == -1)
			goto end;
		if (k == 0) {
			cam_time_format_human(c->trail.v[i].time,
			    s->cfg.timezone, t, sizeof(t));
			cam_checklist_add(ck, 0, "history", "commit %.12s, "
			    "made by %s at %s (audit record %" PRIu64 "), "
			    "is not in the history: the history was rewritten",
			    c->trail.v[i].id, c->trail.v[i].actor, t,
			    c->trail.v[i].seq);
			c->unaudited++;
		}
	}
	if (c->unaudited == 0)
		cam_checklist_add(ck, 1, "audit trail", "every commit but the "
		    "first (camctl init) has its record in the audit trail "
		    "(%zu recorded), and every recorded commit is in the "
		    "history", c->trail.n);
	memset(&w, 0, sizeof(w));
	w.c = c;
	w.r = &s->repo;
	w.e = e;
	if (cam_seal_witness_foreach(&s->repo, config_witness, &w, e) != 0)
		goto end;
	if (w.bad == 0)
		cam_checklist_add(ck, 1, "witness", w.n ? cam_checklist_ntr(ck,
		    "%d witnessed configuration head, all in the history",
		    "%d witnessed configuration heads, all in the history",
		    (unsigned long)w.n) : N_("no configuration head witnessed "
		    "yet (camctl seal witnesses it)"), w.n);
	if ((k = cam_repo_loose_secrets(&s->repo, &loose, e)) == -1)
		goto end;
	for (const char *p = cam_buf_str(&loose); *p != '\0'; ) {
		size_t n = strcspn(p, "\n");
		cam_checklist_add(ck, 0, "secret", "object %.*s", (int)n, p);
		p += n + (p[n] == '\n');
	}
	c->secrets += k;
	if (c->secrets == 0)
		cam_checklist_add(ck, 1, "secrets", "no private key, password "
		    "or credential in any commit (%d on the history in force, "
		    "%d elsewhere) or unreachable object", c->commits,
		    c->other);
	rc = 0;
end:
	cam_buf_free(&loose);
	return rc;
}

void
cam_audit_config_free(struct cam_audit_config *c)
{
	cam_buf_free(&c->changes);
	cam_trail_commits_free(&c->trail);
}

