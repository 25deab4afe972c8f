/*
 * cam_grant: view requests in force (see cam_grant.h).  The check is
 * the extraction's own, cam_request_check; what is kept:
 *	<root>/views/<id>/<request file>	its exact bytes
 *	<root>/views/<id>/<signature files>	as checked
 *	<root>/views.journal			one "view-request" record
 *		{"id","viewer","cameras":[...],"from","to","expires",
 *		 "sha256"}
 * The journal is what is in force: the files are kept beside it so that
 * an auditor can check the signatures again (camaudit, camextract
 * verify-request).  An id is granted once; a second request with the
 * same id is refused, whatever it says.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cam_json.h"
#include "base/cam_time.h"
#include "evidence/cam_grant.h"
#include "evidence/cam_request.h"
#include "journal/cam_journal.h"
#include "media/cam_store.h"
#include "site/cam_site.h"

#define VIEWS_DIR	"views"
#define VIEWS_LOCK	"views.lock"
#define VIEWS_KIND	"view-request"

#define US	INT64_C(1000000)

void
cam_grant_free(struct cam_grant *g)
{
	for (size_t i = 0; i < g->ncameras; i++)
		free(g->cameras[i]);
	free(g->cameras);
	memset(g, 0, sizeof(*g));
}

void
cam_grants_free(struct cam_grants *gs)
{
	for (size_t i = 0; i < gs->n; i++)
		cam_grant_free(&gs->v[i]);
	free(gs->v);
	gs->v = NULL;
	gs->n = 0;
}

/* ---- reading the journal ---- */

/* A "view-request" record into g: 0, or -1 if it is not one. */
static int
grant_from(const char *data, struct cam_grant *g)
{
	struct cam_json_field f[] = { { "id" }, { "viewer" }, { "cameras" },
	    { "sha256" } };
	const char *cur = NULL;
	char *arr, *el;
	time_t from, to, exp;

	memset(g, 0, sizeof(*g));
	if (cam_json_fields(data, f, 4) == -1 ||
	    cam_json_field_str(&f[0], g->id, sizeof(g->id)) == -1 ||
	    cam_json_field_str(&f[1], g->account, sizeof(g->account)) == -1 ||
	    cam_json_field_str(&f[3], g->sha256, sizeof(g->sha256)) == -1)
		return -1;
	from = cam_json_get_time(data, "from");
	to = cam_json_get_time(data, "to");
	exp = cam_json_get_time(data, "expires");
	if (from == (time_t)-1 || to == (time_t)-1 || exp == (time_t)-1 ||
	    (arr = cam_json_field_dup(&f[2])) == NULL)
		return -1;
	while ((el = cam_json_elem(arr, &cur)) != NULL) {
		size_t n = strlen(el);
		/* Camera ids are [a-z0-9-]: a JSON string without escapes. */
		if (n >= 2 && el[0] == '"' && el[n - 1] == '"') {
			g->cameras = cam_xrealloc(g->cameras,
			    (g->ncameras + 1) * sizeof(*g->cameras));
			g->cameras[g->ncameras++] = cam_xstrndup(el + 1, n - 2);
		}
		free(el);
	}
	free(arr);
	g->from_us = (int64_t)from * US;
	g->to_us = (int64_t)to * US;
	g->expires_us = (int64_t)exp * US;
	if (g->ncameras == 0) {
		cam_grant_free(g);
		return -1;
	}
	return 0;
}

static int
list_cb(void *arg, const struct cam_journal_rec *r)
{
	struct cam_grants *gs = arg;
	struct cam_grant g;

	if (strcmp(r->kind, VIEWS_KIND) != 0 || grant_from(r->data, &g) == -1)
		return 0;
	gs->v = cam_xrealloc(gs->v, (gs->n + 1) * sizeof(*gs->v));
	gs->v[gs->n++] = g;
	return 0;
}

int
cam_grant_list(const char *root, struct cam_grants *gs, struct cam_err *e)
{
	char path[PATH_MAX];
	struct stat st;

	memset(gs, 0, sizeof(*gs));
	if (cam_path(path, sizeof(path), e, "%s/" CAM_VIEWS_FILE, root) == -1)
		return -1;
	if (stat(path, &st) == -1)
		return errno == ENOENT ? 0 : cam_err_sys(e, "%s", path);
	if (cam_journal_foreach(path, list_cb, gs, e) == -1) {
		cam_grants_free(gs);
		return -1;
	}
	return 0;
}

const struct cam_grant *
cam_grant_find(const struct cam_grants *gs, const char *account,
    const char *camera, int64_t from_us, int64_t to_us, int64_t now)
{
	if (gs == NULL || account == NULL || camera == NULL ||
	    from_us >= to_us)
		return NULL;
	for (size_t i = 0; i < gs->n; i++) {
		const struct cam_grant *g = &gs->v[i];
		if (strcmp(g->account, account) != 0 || now >= g->expires_us ||
		    from_us < g->from_us || to_us > g->to_us)
			continue;
		for (size_t k = 0; k < g->ncameras; k++)
			if (strcmp(g->cameras[k], camera) == 0)
				return g;
	}
	return NULL;
}

/* ---- adding one ---- */

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s != NULL ? s + 1 : p;
}

/* The request and its signature files into <root>/views/<id>/. */
static int
keep_files(const char *root, const struct cam_request *r, const char *path,
    const struct cam_request_sigs *sigs, struct cam_err *e)
{
	char rel[PATH_MAX], dir[PATH_MAX], out[PATH_MAX];
	struct cam_buf b = CAM_BUF_INIT;

	if (cam_path(rel, sizeof(rel), e, VIEWS_DIR "/%s", r->id) == -1 ||
	    cam_path(dir, sizeof(dir), e, "%s/%s", root, rel) == -1 ||
	    cam_mkdir_under(root, rel, 0750, e) == -1 ||
	    cam_path(out, sizeof(out), e, "%s/%s", dir, base_name(path)) == -1 ||
	    cam_file_write_atomic(out, r->raw.s, r->raw.len, 0640, e) == -1)
		return -1;
	for (size_t i = 0; i < sigs->nfiles; i++) {
		b.len = 0;
		if (cam_file_read(sigs->files[i], CAM_REQUEST_MAX, &b,
		    e) == -1 ||
		    cam_path(out, sizeof(out), e, "%s/%s", dir,
		    base_name(sigs->files[i])) == -1 ||
		    cam_file_write_atomic(out, b.s, b.len, 0640, e) == -1) {
			cam_buf_free(&b);
			return -1;
		}
	}
	cam_buf_free(&b);
	return 0;
}

struct seen {
	const char *id;
	uint64_t seq;
};

static int
seen_cb(void *arg, const struct cam_journal_rec *r)
{
	struct seen *s = arg;
	char id[256];

	if (strcmp(r->kind, VIEWS_KIND) == 0 &&
	    cam_json_get_str(r->data, "id", id, sizeof(id)) == 0 &&
	    strcmp(id, s->id) == 0)
		s->seq = r->seq;
	return 0;
}

/* Journal r; the caller holds the lock. */
static int
journal_grant(const char *root, const char *host, const struct cam_request *r,
    struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_journal *j = NULL;
	char path[PATH_MAX];
	int rc = -1;

	if (cam_path(path, sizeof(path), e, "%s/" CAM_VIEWS_FILE, root) == -1)
		return -1;
	cam_json_begin(&b);
	cam_json_add_str(&b, "id", r->id);
	cam_json_add_str(&b, "viewer", r->viewer);
	cam_buf_adds(&b, ",\"cameras\":[");
	for (size_t i = 0; i < r->ncameras; i++) {
		if (i > 0)
			cam_buf_adds(&b, ",");
		cam_json_str(&b, r->cameras[i]);
	}
	cam_buf_adds(&b, "]");
	cam_json_add_time(&b, "from", r->from);
	cam_json_add_time(&b, "to", r->to);
	cam_json_add_time(&b, "expires", r->expires);
	cam_json_add_str(&b, "sha256", r->sha256);
	cam_json_end(&b);
	if (cam_journal_open(&j, path, host, e) == 0 &&
	    cam_journal_append(j, VIEWS_KIND, cam_buf_str(&b), NULL, e) == 0)
		rc = 0;
	cam_journal_close(&j);
	cam_buf_free(&b);
	return rc;
}

/* Hold root's views lock (fd into *fd) and refuse an id already
 * granted. */
static int
lock_unused(const char *root, const char *id, int *fd, struct cam_err *e)
{
	char path[PATH_MAX];
	struct seen s = { id, 0 };
	struct stat st;

	if (cam_mkdir_p(root, 0750, e) == -1 ||
	    cam_path(path, sizeof(path), e, "%s/" VIEWS_LOCK, root) == -1)
		return -1;
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (*fd == -1)
		return cam_err_sys(e, "%s", path);
	if (flock(*fd, LOCK_EX) == -1)
		return cam_err_sys(e, "lock %s", path);
	if (cam_path(path, sizeof(path), e, "%s/" CAM_VIEWS_FILE, root) == -1)
		return -1;
	if (stat(path, &st) == -1)
		return errno == ENOENT ? 0 : cam_err_sys(e, "%s", path);
	if (cam_journal_foreach(path, seen_cb, &s, e) == -1)
		return -1;
	if (s.seq != 0)
		return cam_errf(e, CAM_NO, "view request %s was already "
		    "granted (%s, record %llu): an id is granted once", id,
		    path, (unsigned long long)s.seq);
	return 0;
}

int
cam_grant_add(const struct cam_config *cfg, const char *confdir,
    const char *root, const char *host, const char *path,
    const char *const *sigs, size_t nsigs, int64_t now,
    struct cam_grant *g, struct cam_err *e)
{
	struct cam_site site;
	struct cam_request r;
	struct cam_request_sigs vs;
	const char *refusal = NULL;
	int fd = -1, rc = -1;

	memset(g, 0, sizeof(*g));
	memset(&r, 0, sizeof(r));
	memset(&vs, 0, sizeof(vs));
	/* The trust is the configuration in force's, read from its
	 * repository as the extraction reads it. */
	if (cam_site_open(&site, confdir, e) == -1)
		return -1;
	if (cfg != NULL && strcmp(cfg->root, site.cfg.root) != 0)
		cam_errf(e, CAM_ENV, "the configuration given (data root %s) "
		    "is not the one in force in %s (data root %s)", cfg->root,
		    confdir, site.cfg.root);
	else if (cam_request_check(&site, path, sigs, nsigs, CAM_REQUEST_VIEW,
	    (time_t)(now / US), &r, &vs, &refusal, e) == 0 &&
	    lock_unused(root, r.id, &fd, e) == 0 &&
	    keep_files(root, &r, path, &vs, e) == 0 &&
	    journal_grant(root, host, &r, e) == 0)
		rc = 0;
	if (rc == 0) {
		snprintf(g->id, sizeof(g->id), "%s", r.id);
		snprintf(g->account, sizeof(g->account), "%s", r.viewer);
		memcpy(g->sha256, r.sha256, sizeof(g->sha256));
		g->ncameras = r.ncameras;
		g->cameras = cam_xmalloc(r.ncameras * sizeof(*g->cameras));
		for (size_t i = 0; i < r.ncameras; i++)
			g->cameras[i] = cam_xstrdup(r.cameras[i]);
		g->from_us = (int64_t)r.from * US;
		g->to_us = (int64_t)r.to * US;
		g->expires_us = (int64_t)r.expires * US;
		if (vs.warning != NULL) {
			snprintf(g->warning, sizeof(g->warning), "%s",
			    vs.warning);
			snprintf(g->warning_text, sizeof(g->warning_text),
			    "%s", vs.warning_text);
		}
	} else if (refusal != NULL && e->code == CAM_NO) {
		char msg[sizeof(e->msg)], text[sizeof(e->text)], tag[64];

		/* The refusal's name in brackets ends the message, as in
		 * camextract's, unless it ends so already (the words of
		 * a message may hold it: "certificate revoked on"). */
		snprintf(tag, sizeof(tag), "(%s)", refusal);
		if (strstr(e->msg, tag) == NULL) {
			/* Both copies: the tag is a name, not a word. */
			snprintf(msg, sizeof(msg), "%.*s %s",
			    (int)(sizeof(msg) - sizeof(tag) - 2), e->msg, tag);
			snprintf(text, sizeof(text), "%.*s %s",
			    (int)(sizeof(text) - sizeof(tag) - 2), e->text, tag);
			cam_err_pair(e, CAM_NO, 0, msg, text);
		}
	}
	if (fd != -1)
		close(fd);
	cam_request_sigs_free(&vs);
	cam_request_free(&r);
	cam_site_close(&site);
	return rc;
}
