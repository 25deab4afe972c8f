/*
 * cam_site: a camkit site, that is a configuration directory (git
 * repository, cam_repo) whose HEAD holds a valid camkit.yaml (cam_config)
 * and the trust certificates it names, plus private/ (cam_secret).
 * Programs open a site to get the configuration in force; camctl changes
 * it through cam_site_edit, which validates before it commits.
 */
#ifndef CAM_SITE_H
#define CAM_SITE_H

#include "base/cam_yaml.h"
#include "site/cam_config.h"
#include "site/cam_repo.h"

struct cam_site {
	char *dir;
	struct cam_repo repo;
	struct cam_config cfg;	/* HEAD's: the configuration in force */
	char rev[41];		/* HEAD's commit id */
};

/* The configuration directory: opt (-C), else env (the program's
 * $CAMKIT_DIR) if not empty, else /etc/camkit. */
const char *cam_site_dir(const char *opt, const char *env);

/* Create a site: repository, starter camkit.yaml (site name, host and
 * zone filled in, and storage.root if storage is not NULL), private/
 * with mode 0700, first commit. */
int cam_site_init(const char *dir, const char *name, const char *host,
    const char *zone, const char *storage,
    struct cam_err *e);

int cam_site_open(struct cam_site *s, const char *dir, struct cam_err *e);
void cam_site_close(struct cam_site *s);

/* The check every commit must pass: camkit.yaml valid, trust files
 * present and holding certificates.  arg: const char *label prefix (the
 * directory), for messages. */
int cam_site_check_tree(void *arg, const struct cam_tree *t,
    struct cam_err *e);

/* Edit camkit.yaml as committed at HEAD: fn changes doc->text (it may
 * re-parse with cam_site_reparse between steps), then the result is
 * validated, written and committed with msg.  Refused when camkit.yaml
 * has uncommitted edits.  On any failure the file is left as it was. */
typedef int (*cam_site_edit_fn)(struct cam_ydoc *doc, void *arg,
    struct cam_err *e);
int cam_site_edit(struct cam_site *s, cam_site_edit_fn fn, void *arg,
    const char *msg, char id[41], struct cam_err *e);
/* The same, committing the files also (NULL-terminated, at most 6
 * paths written by the caller, e.g. a revocation list) with it. */
int cam_site_edit_with(struct cam_site *s, cam_site_edit_fn fn, void *arg,
    const char *const *also, const char *msg, char id[41],
    struct cam_err *e);
int cam_site_reparse(struct cam_ydoc *doc, struct cam_err *e);

/* The CA certificates the configuration in force trusts (trust.ca,
 * read from HEAD, not from the working tree) with its revocation
 * lists (trust.crl; a stale one refused when policy.crl_expired is
 * "refuse"); free with cam_trust_free.  A site that names none gets an
 * empty set. */
struct cam_trust;
int cam_site_trust(struct cam_site *s, struct cam_trust **out,
    struct cam_err *e);

/* A file as committed at HEAD (trust certificates): 0, or -1 (CAM_NO if
 * HEAD has no such file). */
int cam_site_read(struct cam_site *s, const char *path, struct cam_buf *out,
    struct cam_err *e);
/* Each file of a list of paths (trust.director, ...), as committed,
 * appended to *out (*n of them so far); on error the ones read stay in
 * *out for the caller to free. */
int cam_site_read_list(struct cam_site *s, const struct cam_paths *p,
    struct cam_buf **out, size_t *n, struct cam_err *e);

/* Index of camera id in doc's cameras list, its node, or -1. */
int cam_site_find_camera(const struct cam_ydoc *doc, const char *id,
    const struct cam_ynode **seq);

#endif
