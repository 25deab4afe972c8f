/*
 * cam_audit_store: camaudit --store: a host's journals rebuilt from the
 * store (cam_remote.h) into a scratch directory laid out as a storage
 * root, so that the local checks (cam_audit_journals,
 * cam_audit_recordings, cam_audit_report) run on them unchanged, and
 * the segments' bytes read from the footage bucket (a cam_store_source).
 * Read-only: the centre needs only read keys.
 */
#ifndef CAM_AUDIT_STORE_H
#define CAM_AUDIT_STORE_H

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "base/cam_checklist.h"
#include "base/cam_err.h"
#include "base/cam_s3.h"
#include "media/cam_store.h"
#include "site/cam_config.h"

struct cam_audit_store {
	struct cam_s3 *s3;
	char *url;			/* s3://BUCKET/PREFIX, for messages */
	char *bucket[CAM_REPL_NKINDS];
	char *prefix;			/* "" or ends in '/' */
	char *host;			/* the host fetched */
	char dir[PATH_MAX];		/* scratch, removed at close */
	char root[PATH_MAX];		/* dir/root: the host's journals */
	/* What cam_audit_store_fetch could not rebuild whole: one message
	 * a journal name (NULL: whole). */
	char **names;
	char **bad_en, **bad_text;
	size_t n;
	/* Footage objects newer than every segment the store's manifest
	 * lists (recorded after its last replicated seal). */
	uint64_t pending;
	char pending_first[PATH_MAX];
	struct cam_store_source src;
};

/*
 * Open the store: url "s3://BUCKET/PREFIX" (every kind in that bucket)
 * or NULL / "configured" (replication: buckets and prefix of cfg); the
 * endpoint, region and CA from cfg's replication:; the credential from
 * credfile if not NULL, else replication.credential in confdir's
 * private/.  A scratch directory under tmpdir.
 */
int cam_audit_store_open(struct cam_audit_store *st,
    const struct cam_config *cfg, const char *confdir, const char *url,
    const char *credfile, const char *tmpdir, struct cam_err *e);
void cam_audit_store_close(struct cam_audit_store *st);
/* The hosts that have journals or footage in the store, sorted. */
int cam_audit_store_hosts(struct cam_audit_store *st, char ***hosts,
    size_t *n, struct cam_err *e);
/* Rebuild every journal of host under st->root.  -1 only when the store
 * cannot be read (CAM_ENV) or the scratch not written. */
int cam_audit_store_fetch(struct cam_audit_store *st, const char *host,
    struct cam_err *e);
/* What the fetch found wrong with journal name (its chunks), or NULL. */
const char *cam_audit_store_bad(const struct cam_audit_store *st,
    const char *name, int json);
/* A failing check for every camera with footage of st's host in the
 * store and no manifest there (its every chunk gone).  -1 if the store
 * cannot be listed. */
int cam_audit_store_orphans(struct cam_audit_store *st,
    struct cam_checklist *ck, struct cam_err *e);
/* Does repo_dir hold the witness of host (refs/camkit/witness/HOST, or
 * the one ref refs/camkit/witness of a single host)? */
int cam_audit_store_witness(const char *repo_dir, const char *host);

#endif
