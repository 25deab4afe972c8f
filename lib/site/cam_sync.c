/*
 * cam_sync: see cam_sync.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cam_util.h"
#include "site/cam_sync.h"

void
cam_sync_result_free(struct cam_sync_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].id);
		free(r->v[i].host);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

const char *
cam_sync_what_name(enum cam_sync_what w)
{
	switch (w) {
	case CAM_SYNC_ADDED: return "added";
	case CAM_SYNC_REMOVED: return "removed";
	case CAM_SYNC_MOVED_AWAY: return "moved-away";
	case CAM_SYNC_MOVED_HERE: return "moved-here";
	case CAM_SYNC_CHANGED: return "changed";
	case CAM_SYNC_ENABLED: return "enabled";
	case CAM_SYNC_DISABLED: return "disabled";
	}
	return "?";
}

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
cam_camera_same(const struct cam_camera *a, const struct cam_camera *b)
{
	return same_str(a->id, b->id) && same_str(a->name, b->name) &&
	    same_str(a->location, b->location) && same_str(a->url, b->url) &&
	    same_str(a->live_url, b->live_url) &&
	    same_str(a->credential, b->credential) &&
	    same_str(a->host, b->host) &&
	    same_str(a->transport, b->transport) &&
	    same_str(a->model, b->model) &&
	    same_str(a->firmware, b->firmware) && a->enabled == b->enabled &&
	    a->segment == b->segment;
}

static void
add(struct cam_sync_result *res, const char *id, enum cam_sync_what what,
    const char *host)
{
	res->v = cam_xrealloc(res->v, (res->n + 1) * sizeof(*res->v));
	res->v[res->n].id = cam_xstrdup(id);
	res->v[res->n].what = what;
	res->v[res->n].host = host ? cam_xstrdup(host) : NULL;
	res->n++;
}

static int
here(const struct cam_config *cfg, const struct cam_camera *c,
    const char *host)
{
	const char *h = cam_camera_host(cfg, c);

	return h != NULL && strcmp(h, host) == 0;
}

void
cam_sync_cameras(const struct cam_config *old, const struct cam_config *new,
    const char *host, struct cam_sync_result *res)
{
	/* Cameras of this host before: removed, moved away, disabled or
	 * changed. */
	for (size_t i = 0; old != NULL && i < old->ncameras; i++) {
		const struct cam_camera *o = &old->cameras[i], *n;

		if (!here(old, o, host))
			continue;
		n = cam_config_camera(new, o->id);
		if (n == NULL) {
			if (o->enabled)
				add(res, o->id, CAM_SYNC_REMOVED, NULL);
		} else if (!here(new, n, host)) {
			if (o->enabled)
				add(res, o->id, CAM_SYNC_MOVED_AWAY,
				    cam_camera_host(new, n));
		} else if (o->enabled && !n->enabled)
			add(res, o->id, CAM_SYNC_DISABLED, NULL);
		else if (!o->enabled && n->enabled)
			add(res, o->id, CAM_SYNC_ENABLED, NULL);
		else if (n->enabled && !cam_camera_same(o, n))
			add(res, o->id, CAM_SYNC_CHANGED, NULL);
	}
	/* Cameras of this host now that were not before. */
	for (size_t i = 0; i < new->ncameras; i++) {
		const struct cam_camera *n = &new->cameras[i], *o;

		if (!here(new, n, host) || !n->enabled)
			continue;
		o = old ? cam_config_camera(old, n->id) : NULL;
		if (o == NULL)
			add(res, n->id, CAM_SYNC_ADDED, NULL);
		else if (!here(old, o, host))
			add(res, n->id, CAM_SYNC_MOVED_HERE,
			    cam_camera_host(old, o));
	}
}

const char *
cam_sync_remote(const struct cam_config *cfg)
{
	return cfg->sync.remote ? cfg->sync.remote : "origin";
}

/* The configuration of commit id, checked as any commit must be (label
 * names it in messages), into cfg. */
static int
central_config(struct cam_site *s, const char *id, const char *label,
    struct cam_config *cfg, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT, path = CAM_BUF_INIT;
	struct cam_tree t;
	int rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	if (cam_repo_tree_of(&s->repo, id, &t, e) == -1)
		return -1;
	if (cam_site_check_tree((void *)label, &t, e) == -1)
		goto end;
	if (cam_tree_read(&t, CAM_CONFIG_FILE, &b, e) != 0)
		goto end;
	cam_buf_addf(&path, "%s/%s", label, CAM_CONFIG_FILE);
	if (cam_config_parse(cfg, path.s, b.s, b.len, e) == -1)
		goto end;
	rc = 0;
end:
	cam_buf_free(&b);
	cam_buf_free(&path);
	cam_tree_free(&t);
	return rc;
}

/* Where the centre was last taken from (or, before the first sync,
 * where the clone found it), "" if not known. */
static void
last_synced(struct cam_site *s, const struct cam_sync_result *res,
    char id[41])
{
	struct cam_buf ref = CAM_BUF_INIT;
	struct cam_err ignore;

	cam_err_clear(&ignore);
	if (cam_repo_ref_id(&s->repo, CAM_SYNC_REF, id, &ignore) == 0)
		return;
	cam_buf_addf(&ref, "refs/remotes/%s/%s", res->remote, res->branch);
	if (cam_repo_ref_id(&s->repo, ref.s, id, &ignore) != 0)
		id[0] = '\0';
	cam_buf_free(&ref);
}

int
cam_sync_run(struct cam_site *s, const char *host,
    struct cam_sync_result *res, struct cam_err *e)
{
	struct cam_buf changes = CAM_BUF_INIT;
	struct cam_config ncfg;
	char base[41], last[41], label[800];
	int k, rc = -1, have_new = 0;

	memset(res, 0, sizeof(*res));
	memset(&ncfg, 0, sizeof(ncfg));
	snprintf(res->remote, sizeof(res->remote), "%s",
	    cam_sync_remote(&s->cfg));
	if (cam_repo_lock(&s->repo, e) == -1)
		return -1;
	if (s->cfg.sync.branch != NULL)
		snprintf(res->branch, sizeof(res->branch), "%s",
		    s->cfg.sync.branch);
	else if (cam_repo_branch(&s->repo, res->branch, sizeof(res->branch),
	    e) == -1)
		goto end;
	if ((k = cam_repo_changes(&s->repo, &changes, e)) == -1)
		goto end;
	if (k > 0) {
		cam_errf(e, CAM_NO, "%s has uncommitted changes (camctl diff "
		    "shows them): commit them to the central repository or "
		    "undo them; nothing was taken from %s", s->dir,
		    res->remote);
		goto end;
	}
	snprintf(res->old_rev, sizeof(res->old_rev), "%s", s->rev);
	if (cam_repo_fetch(&s->repo, res->remote, res->branch, res->new_rev,
	    e) == -1)
		goto end;
	if (strcmp(res->new_rev, res->old_rev) == 0) {
		rc = cam_repo_ref_set(&s->repo, CAM_SYNC_REF, res->new_rev, e);
		goto end;
	}
	if ((k = cam_repo_descends(&s->repo, res->new_rev, res->old_rev,
	    e)) == -1)
		goto end;
	if (k == 0) {
		last_synced(s, res, last);
		if (cam_repo_merge_base(&s->repo, res->old_rev, res->new_rev,
		    base, e) == -1)
			goto end;
		if (strcmp(base, res->new_rev) == 0)
			cam_errf(e, CAM_NO, "refused: this host's history "
			    "(HEAD %s) has commits that %s %s (%s) does not: "
			    "push them to the central repository; nothing "
			    "changed here", res->old_rev, res->remote,
			    res->branch, res->new_rev);
		else if (*last != '\0' && cam_repo_descends(&s->repo,
		    res->new_rev, last, e) == 0)
			cam_errf(e, CAM_NO, "refused: the history of %s %s "
			    "was rewritten: %s does not descend from %s, "
			    "taken from it before (HEAD %s); nothing changed "
			    "here", res->remote, res->branch, res->new_rev,
			    last, res->old_rev);
		else
			cam_errf(e, CAM_NO, "refused: HEAD %s and %s %s (%s) "
			    "have diverged (since %s): never merged by "
			    "sync; nothing changed here", res->old_rev,
			    res->remote, res->branch, res->new_rev,
			    *base ? base : "no common commit");
		goto end;
	}
	snprintf(label, sizeof(label), "%s %s %.12s", res->remote,
	    res->branch, res->new_rev);
	if (central_config(s, res->new_rev, label, &ncfg, e) == -1) {
		struct cam_err inner = *e;
		cam_err_wrap(e, &inner, "refused: the central configuration "
		    "is not valid; nothing changed here");
		e->code = CAM_NO;
		goto end;
	}
	have_new = 1;
	if (cam_repo_fast_forward(&s->repo, res->new_rev, e) == -1 ||
	    cam_repo_ref_set(&s->repo, CAM_SYNC_REF, res->new_rev, e) == -1)
		goto end;
	res->moved = 1;
	cam_sync_cameras(&s->cfg, &ncfg, host, res);
	/* What is in force now. */
	cam_config_free(&s->cfg);
	s->cfg = ncfg;
	have_new = 0;
	snprintf(s->rev, sizeof(s->rev), "%s", res->new_rev);
	rc = 0;
end:
	if (have_new)
		cam_config_free(&ncfg);
	cam_buf_free(&changes);
	cam_repo_unlock(&s->repo);
	return rc;
}

int
cam_sync_push(struct cam_site *s, const char *ref, struct cam_err *e)
{
	return cam_repo_push(&s->repo, cam_sync_remote(&s->cfg), ref, e);
}

/* cam_sync_came_from's walk: newest first. */
struct came {
	const char *camera, *host;
	char *from;		/* size 256 */
	char *rev;		/* size 41 */
	time_t *when;
	char later[41];		/* the commit visited before (newer) */
	time_t later_when;
	int found;
};

#define CAME_MAX	500	/* commits looked at, at most */

static int
came_cb(void *arg, const struct cam_tree *t, const struct cam_commit_info *ci)
{
	struct came *c = arg;
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_config cfg;
	struct cam_err e;
	const struct cam_camera *cam;
	const char *h;
	int stop = 1;

	cam_err_clear(&e);
	memset(&cfg, 0, sizeof(cfg));
	if (cam_tree_read(t, CAM_CONFIG_FILE, &b, &e) != 0) {
		cam_buf_free(&b);
		return 1;
	}
	/* A commit that is not a valid configuration was never in force
	 * on any host (sync refuses it): passed over. */
	if (cam_config_parse(&cfg, CAM_CONFIG_FILE, b.s, b.len, &e) == -1) {
		cam_config_free(&cfg);
		cam_buf_free(&b);
		return 0;
	}
	cam_buf_free(&b);
	if ((cam = cam_config_camera(&cfg, c->camera)) != NULL) {
		h = cam_camera_host(&cfg, cam);
		if (h != NULL && strcmp(h, c->host) != 0) {
			if (*c->later != '\0') {
				snprintf(c->from, 256, "%s", h);
				snprintf(c->rev, 41, "%s", c->later);
				*c->when = c->later_when;
				c->found = 1;
			}
		} else
			stop = 0;
	}
	cam_config_free(&cfg);
	snprintf(c->later, sizeof(c->later), "%s", ci->id);
	c->later_when = ci->when;
	return stop;
}

int
cam_sync_came_from(struct cam_repo *r, const char *camera, const char *host,
    char from[256], char rev[41], time_t *when, struct cam_err *e)
{
	struct came c;

	memset(&c, 0, sizeof(c));
	c.camera = camera;
	c.host = host;
	c.from = from;
	c.rev = rev;
	c.when = when;
	if (cam_repo_first_parents(r, CAME_MAX, came_cb, &c, e) == -1)
		return -1;
	return c.found;
}
