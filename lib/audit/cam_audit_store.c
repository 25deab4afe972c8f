/*
 * cam_audit_store: see cam_audit_store.h.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "audit/cam_audit_store.h"
#include "base/cam_json.h"
#include "journal/cam_journal.h"
#include "journal/cam_seal.h"
#include "media/cam_remote.h"
#include "site/cam_repo.h"
#include "site/cam_config.h"

static void
forget(struct cam_audit_store *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->names[i]);
		free(st->bad_en[i]);
		free(st->bad_text[i]);
	}
	free(st->names);
	free(st->bad_en);
	free(st->bad_text);
	st->names = st->bad_en = st->bad_text = NULL;
	st->n = 0;
	st->pending = 0;
	st->pending_first[0] = '\0';
}

/* ---- the segments' bytes, from the footage bucket ---- */

static int
src_hash(void *arg, const char *file, char sha[65], uint64_t *size,
    struct cam_err *e)
{
	struct cam_audit_store *st = arg;
	char tmp[PATH_MAX];

	if (cam_path(tmp, sizeof(tmp), e, "%s/segment", st->dir) == -1)
		return -1;
	return cam_remote_footage_hash(st->s3, st->bucket[CAM_REPL_FOOTAGE],
	    st->prefix, st->host, file, tmp, sha, size, e);
}

struct walk {
	int (*fn)(void *fnarg, const char *file);
	void *fnarg;
};

static int
walk_cb(void *arg, const char *file, uint64_t size)
{
	struct walk *w = arg;

	(void)size;
	return w->fn(w->fnarg, file);
}

static int
src_walk(void *arg, const char *camera, int (*fn)(void *, const char *),
    void *fnarg, struct cam_err *e)
{
	struct cam_audit_store *st = arg;
	struct walk w = { fn, fnarg };

	return cam_remote_footage(st->s3, st->bucket[CAM_REPL_FOOTAGE],
	    st->prefix, st->host, camera, walk_cb, &w, e);
}

static void
src_pending(void *arg, const char *file)
{
	struct cam_audit_store *st = arg;

	if (st->pending++ == 0 || strcmp(file, st->pending_first) < 0)
		snprintf(st->pending_first, sizeof(st->pending_first), "%s",
		    file);
}

/* ---- open, close ---- */

int
cam_audit_store_open(struct cam_audit_store *st,
    const struct cam_config *cfg, const char *confdir, const char *url,
    const char *credfile, const char *tmpdir, struct cam_err *e)
{
	const struct cam_replication *r = &cfg->repl;
	char *b = NULL, *p = NULL;
	int rc;

	memset(st, 0, sizeof(*st));
	/* Not a mistake on the command line: the configuration in force
	 * has no store. */
	if (r->endpoint == NULL)
		return cam_errf(e, CAM_NO, "no replication: section in "
		    "camkit.yaml: the site has no object store (see "
		    "camkit-replication(7))");
	st->src.hash = src_hash;
	st->src.walk = src_walk;
	st->src.pending = src_pending;
	st->src.arg = st;
	if (url != NULL && strcmp(url, "configured") != 0) {
		if (cam_s3_url_parse(url, &b, &p, e) == -1)
			return -1;
		for (int k = 0; k < CAM_REPL_NKINDS; k++)
			st->bucket[k] = cam_xstrdup(b);
		st->prefix = p;
		st->url = cam_xstrdup(url);
		free(b);
	} else {
		for (int k = 0; k < CAM_REPL_NKINDS; k++)
			st->bucket[k] = cam_xstrdup(r->bucket[k]);
		st->prefix = cam_xstrdup(r->prefix ? r->prefix : "");
		size_t len = strlen(st->bucket[CAM_REPL_JOURNALS]) +
		    strlen(st->prefix) + 7;

		st->url = cam_xmalloc(len);
		snprintf(st->url, len, "s3://%s/%s",
		    st->bucket[CAM_REPL_JOURNALS], st->prefix);
	}
	if (credfile != NULL)
		rc = cam_remote_open_with(&st->s3, cfg, credfile, e);
	else
		rc = cam_remote_open(&st->s3, cfg, confdir, e);
	if (rc == -1) {
		cam_audit_store_close(st);
		return -1;
	}
	if (cam_path(st->dir, sizeof(st->dir), e, "%s/camaudit.XXXXXX",
	    tmpdir) == -1 || mkdtemp(st->dir) == NULL) {
		if (errno != 0 && st->dir[0] != '\0')
			cam_err_sys(e, "%s", st->dir);
		st->dir[0] = '\0';
		cam_audit_store_close(st);
		return -1;
	}
	return 0;
}

void
cam_audit_store_close(struct cam_audit_store *st)
{
	forget(st);
	cam_rm_tree(st->dir);
	st->dir[0] = '\0';
	cam_s3_close(&st->s3);
	for (int k = 0; k < CAM_REPL_NKINDS; k++) {
		free(st->bucket[k]);
		st->bucket[k] = NULL;
	}
	free(st->prefix);
	free(st->url);
	free(st->host);
	st->prefix = st->url = st->host = NULL;
}

/* ---- hosts ---- */

int
cam_audit_store_hosts(struct cam_audit_store *st, char ***hosts, size_t *n,
    struct cam_err *e)
{
	char **a = NULL, **b = NULL;
	size_t na = 0, nb = 0, i = 0, j = 0;

	*hosts = NULL;
	*n = 0;
	if (cam_remote_hosts(st->s3, st->bucket[CAM_REPL_JOURNALS],
	    st->prefix, &a, &na, e) == -1)
		return -1;
	if (cam_remote_hosts(st->s3, st->bucket[CAM_REPL_FOOTAGE],
	    st->prefix, &b, &nb, e) == -1) {
		cam_remote_list_free(a, na);
		return -1;
	}
	/* Both sorted: merge. */
	*hosts = cam_xmalloc((na + nb + 1) * sizeof(**hosts));
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);

		(*hosts)[(*n)++] = cam_xstrdup(c <= 0 ? a[i] : b[j]);
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	cam_remote_list_free(a, na);
	cam_remote_list_free(b, nb);
	return 0;
}

/* ---- a host's journals ---- */

int
cam_audit_store_fetch(struct cam_audit_store *st, const char *host,
    struct cam_err *e)
{
	char path[PATH_MAX], **names = NULL;
	size_t n = 0;
	uint64_t last;
	int rc = 0;

	forget(st);
	free(st->host);
	st->host = cam_xstrdup(host);
	if (cam_path(st->root, sizeof(st->root), e, "%s/root", st->dir) == -1)
		return -1;
	cam_rm_tree(st->root);
	if (cam_mkdir_p(st->root, 0700, e) == -1)
		return -1;
	if (cam_remote_journals(st->s3, st->bucket[CAM_REPL_JOURNALS],
	    st->prefix, host, &names, &n, e) == -1)
		return -1;
	st->names = cam_xmalloc((n + 1) * sizeof(*st->names));
	st->bad_en = cam_xmalloc((n + 1) * sizeof(*st->bad_en));
	st->bad_text = cam_xmalloc((n + 1) * sizeof(*st->bad_text));
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct cam_err f;
		char *slash;

		st->names[st->n] = cam_xstrdup(names[i]);
		st->bad_en[st->n] = st->bad_text[st->n] = NULL;
		st->n++;
		if (!cam_relpath_valid(names[i], 1024)) {
			cam_errf(&f, CAM_NO, "%s: not a journal's name",
			    names[i]);
			st->bad_en[st->n - 1] = cam_xstrdup(f.msg);
			st->bad_text[st->n - 1] = cam_xstrdup(f.text);
			continue;
		}
		if (cam_path(path, sizeof(path), e, "%s/%s", st->root,
		    names[i]) == -1) {
			rc = -1;
			break;
		}
		if ((slash = strrchr(path, '/')) != NULL) {
			*slash = '\0';
			if (cam_mkdir_p(path, 0700, e) == -1) {
				rc = -1;
				break;
			}
			*slash = '/';
		}
		cam_err_clear(&f);
		if (cam_remote_journal_fetch(st->s3,
		    st->bucket[CAM_REPL_JOURNALS], st->prefix, host, names[i],
		    path, &last, &f) == -1) {
			if (f.code != CAM_NO) {
				cam_err_pair(e, f.code, 0, f.msg, f.text);
				rc = -1;
				break;
			}
			st->bad_en[st->n - 1] = cam_xstrdup(f.msg);
			st->bad_text[st->n - 1] = cam_xstrdup(f.text);
		}
		if (cam_remote_journal_split(path, NULL, e) == -1) {
			rc = -1;
			break;
		}
	}
	cam_remote_list_free(names, n);
	return rc;
}

const char *
cam_audit_store_bad(const struct cam_audit_store *st, const char *name,
    int json)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->names[i], name) == 0)
			return json ? st->bad_en[i] : st->bad_text[i];
	return NULL;
}

int
cam_audit_store_witness(const char *repo_dir, const char *host)
{
	struct cam_repo r;
	struct cam_err e;
	git_oid oid;
	char ref[512];
	int found;

	cam_err_clear(&e);
	if (repo_dir == NULL || cam_repo_open(&r, repo_dir, &e) == -1)
		return 0;
	snprintf(ref, sizeof(ref), "%s/%s", CAM_WITNESS_REF, host);
	found = git_reference_name_to_id(&oid, r.git, ref) == 0 ||
	    git_reference_name_to_id(&oid, r.git, CAM_WITNESS_REF) == 0;
	cam_repo_close(&r);
	return found;
}

int
cam_audit_store_orphans(struct cam_audit_store *st, struct cam_checklist *ck,
    struct cam_err *e)
{
	char **dirs = NULL, path[PATH_MAX], label[PATH_MAX];
	size_t n = 0;
	struct cam_buf p = CAM_BUF_INIT;
	int rc;

	cam_buf_addf(&p, "%s%s/", st->prefix, st->host);
	rc = cam_remote_hosts(st->s3, st->bucket[CAM_REPL_FOOTAGE],
	    cam_buf_str(&p), &dirs, &n, e);
	cam_buf_free(&p);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!cam_id_valid(dirs[i]) || strcmp(dirs[i], "journals") == 0 ||
		    strcmp(dirs[i], "evidence") == 0)
			continue;
		if (cam_path(path, sizeof(path), e, "%s/%s/manifest", st->root,
		    dirs[i]) == -1) {
			rc = -1;
			break;
		}
		if (access(path, F_OK) == 0)
			continue;
		snprintf(label, sizeof(label), "%s/%s", st->host, dirs[i]);
		cam_checklist_add(ck, 0, label, "footage of camera %s in the "
		    "store %s, and no chunk of its manifest there", dirs[i],
		    st->url);
	}
	cam_remote_list_free(dirs, n);
	return rc;
}
