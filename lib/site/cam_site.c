/*
 * cam_site: see cam_site.h.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cam_crypto.h"
#include "base/cam_util.h"
#include "site/cam_site.h"

extern const char cam_starter_yaml[];	/* conf/camkit.yaml, compiled in */

const char *
cam_site_dir(const char *opt, const char *env)
{
	if (opt != NULL)
		return opt;
	if (env != NULL && *env != '\0')
		return env;
	return CAM_DEFAULT_DIR;
}

/* Add to t the files of list read from tree (CA certificates, or
 * revocation lists when crl). */
static int
add_files(struct cam_trust *t, const char *dir, const struct cam_tree *tree,
    const struct cam_paths *list, int crl, struct cam_err *e)
{
	for (size_t i = 0; i < list->n; i++) {
		const char *p = list->path[i];
		struct cam_buf b = CAM_BUF_INIT;
		char label[PATH_MAX];
		int r = cam_tree_read(tree, p, &b, e);

		snprintf(label, sizeof(label), "%s/%s", dir, p);
		if (r == 1)
			cam_errf(e, CAM_NO, "%s: not in the repository", label);
		if (r != 0 || (crl ? cam_trust_add_crl(t, b.s, b.len, label,
		    NULL, e) : cam_trust_add_pem(t, b.s, b.len, label,
		    e)) == -1) {
			cam_buf_free(&b);
			return -1;
		}
		cam_buf_free(&b);
	}
	return 0;
}

/* Each revocation list of trust.crl is committed and signed by a CA of
 * trust.ca. */
static int
check_crls(const char *dir, const struct cam_tree *tree,
    const struct cam_config *cfg, struct cam_err *e)
{
	struct cam_trust *t = NULL;
	int rc = -1;

	if (cam_trust_new(&t, e) == -1)
		return -1;
	if (add_files(t, dir, tree, &cfg->trust_ca, 0, e) == 0 &&
	    add_files(t, dir, tree, &cfg->trust_crl, 1, e) == 0)
		rc = 0;
	cam_trust_free(&t);
	return rc;
}

/* Validate the configuration held by tree t; label names it in messages;
 * commit: the full check of a commit. */
static int
load_tree(const char *dir, const struct cam_tree *t, const char *label,
    int commit, struct cam_config *cfg, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	const struct cam_paths *lists[3];
	int rc = -1, bad = 0;

	memset(cfg, 0, sizeof(*cfg));
	switch (cam_tree_read(t, CAM_CONFIG_FILE, &b, e)) {
	case -1:
		goto end;
	case 1:
		cam_errf(e, CAM_NO, "%s/%s: not in the repository", dir,
		    CAM_CONFIG_FILE);
		goto end;
	}
	if (cam_config_parse(cfg, label, b.s, b.len, e) == -1)
		goto end;
	lists[0] = &cfg->trust_ca;
	lists[1] = &cfg->trust_director;
	lists[2] = &cfg->trust_unit_head;
	for (int i = 0; i < 3; i++)
		for (size_t j = 0; j < lists[i]->n; j++) {
			const char *p = lists[i]->path[j];
			struct cam_buf c = CAM_BUF_INIT;
			int r = cam_tree_read(t, p, &c, e);
			if (r == -1)
				goto end;
			if (r == 1) {
				cam_err_addf(e, CAM_NO, "%s/%s: named under "
				    "trust in %s but not committed", dir, p,
				    CAM_CONFIG_FILE);
				bad++;
			} else if (cam_crypto_cert_count(c.s, c.len) == 0) {
				cam_err_addf(e, CAM_NO, "%s/%s: not an X.509 "
				    "certificate (PEM or DER)", dir, p);
				bad++;
			}
			cam_buf_free(&c);
		}
	/* The lists' signatures at commit only: a government CA's list is
	 * a megabyte, not to be read twice by every program that opens
	 * the site (cam_site_trust checks them again). */
	if (!bad && commit && cfg->trust_crl.n > 0 &&
	    check_crls(dir, t, cfg, e) == -1)
		bad++;
	rc = bad ? -1 : 0;
end:
	cam_buf_free(&b);
	if (rc == -1)
		cam_config_free(cfg);
	return rc;
}

int
cam_site_check_tree(void *arg, const struct cam_tree *t, struct cam_err *e)
{
	const char *dir = arg;
	struct cam_config cfg;
	char label[PATH_MAX];

	if (cam_path(label, sizeof(label), e, "%s/%s", dir,
	    CAM_CONFIG_FILE) == -1)
		return -1;
	if (load_tree(dir, t, label, 1, &cfg, e) == -1)
		return -1;
	cam_config_free(&cfg);
	return 0;
}

int
cam_site_open(struct cam_site *s, const char *dir, struct cam_err *e)
{
	struct cam_buf head = CAM_BUF_INIT, work = CAM_BUF_INIT;
	struct cam_err ignore;
	struct cam_tree t;
	char label[PATH_MAX + 8], path[PATH_MAX];
	int rc = -1;

	memset(s, 0, sizeof(*s));
	memset(&t, 0, sizeof(t));
	if (cam_repo_open(&s->repo, dir, e) == -1)
		return -1;
	s->dir = cam_xstrdup(dir);
	if (cam_repo_head(&s->repo, &t, e) == -1)
		goto end;
	snprintf(s->rev, sizeof(s->rev), "%s", t.rev);
	/* Messages about HEAD's file name the file itself when it is what
	 * the user sees on disk, else say it is the committed version. */
	if (cam_path(path, sizeof(path), e, "%s/%s", dir,
	    CAM_CONFIG_FILE) == -1)
		goto end;
	if (cam_tree_read(&t, CAM_CONFIG_FILE, &head, e) == -1)
		goto end;
	if (cam_file_read(path, CAM_CONFIG_MAX, &work, &ignore) == 0 &&
	    head.len == work.len && memcmp(head.s, work.s, head.len) == 0)
		snprintf(label, sizeof(label), "%s", path);
	else
		snprintf(label, sizeof(label), "%s@HEAD", path);
	if (load_tree(dir, &t, label, 0, &s->cfg, e) == -1)
		goto end;
	rc = 0;
end:
	cam_buf_free(&head);
	cam_buf_free(&work);
	cam_tree_free(&t);
	if (rc == -1)
		cam_site_close(s);
	return rc;
}

void
cam_site_close(struct cam_site *s)
{
	cam_config_free(&s->cfg);
	cam_repo_close(&s->repo);
	free(s->dir);
	s->dir = NULL;
}

int
cam_site_reparse(struct cam_ydoc *doc, struct cam_err *e)
{
	struct cam_ydoc fresh;
	int rc;

	rc = cam_yaml_parse(&fresh, doc->file, doc->text.s, doc->text.len, e);
	if (rc == -1) {
		cam_yaml_free(&fresh);
		return -1;
	}
	cam_yaml_free(doc);
	*doc = fresh;	/* ownership moves to doc */
	return 0;
}

int
cam_site_find_camera(const struct cam_ydoc *doc, const char *id,
    const struct cam_ynode **seq)
{
	const struct cam_ynode *cams = cam_yaml_get(doc->root, "cameras");

	*seq = cams;
	if (cams == NULL || cams->type != CAM_Y_SEQ)
		return -1;
	for (size_t i = 0; i < cams->n; i++) {
		const struct cam_ynode *v = cam_yaml_get(cams->items[i], "id");
		if (v != NULL && v->type == CAM_Y_SCALAR &&
		    strcmp(v->value, id) == 0)
			return (int)i;
	}
	return -1;
}

int
cam_site_edit(struct cam_site *s, cam_site_edit_fn fn, void *arg,
    const char *msg, char id[41], struct cam_err *e)
{
	return cam_site_edit_with(s, fn, arg, NULL, msg, id, e);
}

int
cam_site_edit_with(struct cam_site *s, cam_site_edit_fn fn, void *arg,
    const char *const *also, const char *msg, char id[41],
    struct cam_err *e)
{
	struct cam_buf head = CAM_BUF_INIT, work = CAM_BUF_INIT;
	struct cam_config cfg;
	struct cam_ydoc doc;
	struct cam_tree t;
	struct cam_err rd;
	char path[PATH_MAX];
	const char *paths[8] = { CAM_CONFIG_FILE, NULL };
	int rc = -1, written = 0;

	for (size_t i = 0; also != NULL && also[i] != NULL; i++) {
		if (i + 2 >= sizeof(paths) / sizeof(*paths))
			return cam_errf(e, CAM_ENV, "too many files for one "
			    "change");
		paths[i + 1] = also[i];
		paths[i + 2] = NULL;
	}

	memset(&doc, 0, sizeof(doc));
	memset(&t, 0, sizeof(t));
	memset(&cfg, 0, sizeof(cfg));
	if (cam_path(path, sizeof(path), e, "%s/%s", s->dir,
	    CAM_CONFIG_FILE) == -1)
		return -1;
	/* Read, change and commit under one lock: a second camctl waits. */
	if (cam_repo_lock(&s->repo, e) == -1)
		return -1;
	if (cam_repo_head(&s->repo, &t, e) == -1 ||
	    cam_tree_read(&t, CAM_CONFIG_FILE, &head, e) != 0)
		goto end;
	cam_err_clear(&rd);
	if (cam_file_read(path, CAM_CONFIG_MAX, &work, &rd) == -1) {
		cam_errf(e, CAM_NO, "%s: %s; restore it (git -C %s checkout "
		    "%s) first", path, rd.msg, s->dir, CAM_CONFIG_FILE);
		goto end;
	}
	if (head.len != work.len || memcmp(head.s, work.s, head.len) != 0) {
		cam_errf(e, CAM_NO, "%s has uncommitted edits: commit them "
		    "(camctl commit -m MESSAGE) or undo them first", path);
		goto end;
	}
	if (cam_yaml_parse(&doc, path, head.s, head.len, e) == -1)
		goto end;
	if (fn(&doc, arg, e) == -1)
		goto end;
	if (cam_site_reparse(&doc, e) == -1 ||
	    cam_config_from_doc(&cfg, &doc, e) == -1) {
		char copy[CAM_ERR_MAX];
		snprintf(copy, sizeof(copy), "%s", e->msg);
		cam_errf(e, CAM_NO, "refused: the change would make %s "
		    "invalid:\n%s", CAM_CONFIG_FILE, copy);
		cam_config_free(&cfg);
		goto end;
	}
	cam_config_free(&cfg);
	if (cam_file_write_atomic(path, doc.text.s, doc.text.len, 0644,
	    e) == -1)
		goto end;
	written = 1;
	if (cam_repo_commit(&s->repo, paths, msg, cam_site_check_tree,
	    s->dir, id, e) == -1)
		goto end;
	/* What is in force now. */
	cam_config_free(&s->cfg);
	if (cam_config_parse(&s->cfg, path, doc.text.s, doc.text.len,
	    e) == -1)
		goto end;
	snprintf(s->rev, sizeof(s->rev), "%s", id ? id : "");
	rc = 0;
end:
	if (rc == -1 && written) {
		struct cam_err e2;
		if (cam_file_write_atomic(path, head.s, head.len, 0644,
		    &e2) == -1)
			cam_err_addf(e, CAM_ENV, "and could not restore %s: %s",
			    path, e2.msg);
	}
	cam_repo_unlock(&s->repo);
	cam_yaml_free(&doc);
	cam_tree_free(&t);
	cam_buf_free(&head);
	cam_buf_free(&work);
	return rc;
}

int
cam_site_init(const char *dir, const char *name, const char *host,
    const char *zone, const char *storage,
    struct cam_err *e)
{
	struct cam_repo repo;
	struct cam_ydoc doc;
	struct cam_config cfg;
	struct cam_buf v = CAM_BUF_INIT;
	char path[PATH_MAX], label[PATH_MAX];
	const char *fields[3][2] = { { "name", name }, { "host", host },
	    { "timezone", zone } };
	int rc = -1;

	memset(&doc, 0, sizeof(doc));
	memset(&repo, 0, sizeof(repo));
	memset(&cfg, 0, sizeof(cfg));
	/* A new site starts in a new or empty directory: init must not
	 * commit, or overwrite, files it did not write. */
	DIR *d = opendir(dir);
	if (d != NULL) {
		struct dirent *de;
		int used = 0;
		while ((de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0)
				used = 1;
		closedir(d);
		if (used) {
			snprintf(path, sizeof(path), "%s/.git", dir);
			if (access(path, F_OK) == 0)
				return cam_errf(e, CAM_NO, "%s: already a "
				    "configuration repository", dir);
			return cam_errf(e, CAM_NO, "%s: not empty; init wants "
			    "a new or empty directory", dir);
		}
	} else if (errno != ENOENT)
		return cam_err_sys(e, "%s", dir);
	if (cam_path(label, sizeof(label), e, "%s/%s", dir,
	    CAM_CONFIG_FILE) == -1)
		return -1;
	if (cam_yaml_parse(&doc, label, cam_starter_yaml,
	    strlen(cam_starter_yaml), e) == -1)
		goto end;
	for (int i = 0; i < 3; i++) {
		if (fields[i][1] == NULL)
			continue;
		v.len = 0;
		cam_yaml_quote(&v, fields[i][1]);
		if (cam_yaml_map_set(&doc, cam_yaml_get(doc.root, "site"),
		    fields[i][0], cam_buf_str(&v), e) == -1 ||
		    cam_site_reparse(&doc, e) == -1)
			goto end;
	}
	if (storage != NULL) {
		v.len = 0;
		cam_yaml_quote(&v, storage);
		if (cam_yaml_map_set(&doc, cam_yaml_get(doc.root, "storage"),
		    "root", cam_buf_str(&v), e) == -1 ||
		    cam_site_reparse(&doc, e) == -1)
			goto end;
	}
	/* Validate before creating anything. */
	if (cam_config_from_doc(&cfg, &doc, e) == -1) {
		cam_config_free(&cfg);
		goto end;
	}
	cam_config_free(&cfg);
	const char *names[] = { CAM_CONFIG_FILE, NULL };
	const char *texts[] = { doc.text.s, NULL };
	if (cam_repo_create(&repo, dir, names, texts, "init", e) == -1)
		goto end;
	if (cam_path(path, sizeof(path), e, "%s/private", dir) == -1)
		goto end;
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		cam_err_sys(e, "mkdir %s", path);
		goto end;
	}
	if (chmod(path, 0700) == -1) {
		cam_err_sys(e, "chmod %s", path);
		goto end;
	}
	rc = 0;
end:
	cam_repo_close(&repo);
	cam_yaml_free(&doc);
	cam_buf_free(&v);
	return rc;
}

int
cam_site_trust(struct cam_site *s, struct cam_trust **out,
    struct cam_err *e)
{
	struct cam_trust *t = NULL;
	struct cam_tree tree;
	int rc = -1;

	*out = NULL;
	if (cam_trust_new(&t, e) == -1)
		return -1;
	if (cam_repo_head(&s->repo, &tree, e) == -1)
		goto end;
	if (add_files(t, s->dir, &tree, &s->cfg.trust_ca, 0, e) == -1 ||
	    add_files(t, s->dir, &tree, &s->cfg.trust_crl, 1, e) == -1) {
		cam_tree_free(&tree);
		goto end;
	}
	if (s->cfg.crl_expired_refuse)
		cam_trust_refuse_stale(t);
	cam_tree_free(&tree);
	*out = t;
	t = NULL;
	rc = 0;
end:
	cam_trust_free(&t);
	return rc;
}

int
cam_site_read(struct cam_site *s, const char *path, struct cam_buf *out,
    struct cam_err *e)
{
	struct cam_tree tree;
	int r;

	if (cam_repo_head(&s->repo, &tree, e) == -1)
		return -1;
	r = cam_tree_read(&tree, path, out, e);
	cam_tree_free(&tree);
	if (r == 1)
		return cam_errf(e, CAM_NO, "%s/%s: not in the repository",
		    s->dir, path);
	return r;
}

int
cam_site_read_list(struct cam_site *s, const struct cam_paths *p,
    struct cam_buf **out, size_t *n, struct cam_err *e)
{
	for (size_t i = 0; i < p->n; i++) {
		*out = cam_xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n] = (struct cam_buf)CAM_BUF_INIT;
		(*n)++;
		if (cam_site_read(s, p->path[i], &(*out)[*n - 1], e) == -1)
			return -1;
	}
	return 0;
}
