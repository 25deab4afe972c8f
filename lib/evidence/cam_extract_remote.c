/*
 * cam_extract_remote: the footage of a camera that another host
 * records, taken from the site's replicated copies in the S3 store
 * (replication: in camkit.yaml; the layout is cam_remote.h's), for an
 * extraction that spans hosts (camextract(1), "Requests across
 * hosts").  Everything here happens before anything is written: the
 * manifest and the segments go to a private directory beside the
 * archive (mode 0700), removed when the extraction is freed.
 *
 * Under x->tmpdir: HOST.CAMERA.journal, the manifest as the store's
 * chunks rebuild it (its volumes one after the other), and HOST/, a
 * storage root as the host has it: HOST/CAMERA/manifest (the current
 * volume), HOST/CAMERA/manifest.YYYY-MM (the closed ones), and the
 * segments fetched at their manifest names.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cam_crypto.h"
#include "base/cam_json.h"
#include "base/cam_s3.h"
#include "base/cam_time.h"
#include "evidence/cam_extract.h"
#include "journal/cam_journal.h"
#include "journal/cam_seal.h"
#include "media/cam_remote.h"

static int
refuse(struct cam_extract *x, const char *reason)
{
	x->refusal = reason;
	return -1;
}

/* The store, and the private directory, at the first camera that
 * needs them. */
static int
store_open(struct cam_extract *x, const struct cam_extract_clip *c,
    struct cam_err *e)
{
	const struct cam_config *cfg = &x->site->cfg;
	char tmp[PATH_MAX];

	if (x->s3 == NULL) {
		if (cfg->repl.endpoint == NULL) {
			cam_errf(e, CAM_NO, "camera %s is recorded on host %s, "
			    "not here (%s), and camkit.yaml configures no "
			    "replication: store to take its footage from: run "
			    "the extraction on %s", c->camera, c->host,
			    x->o->host, c->host);
			return refuse(x, "other-host");
		}
		if (cam_remote_open(&x->s3, cfg, x->o->confdir, e) == -1)
			return -1;
	}
	if (x->tmpdir == NULL) {
		if (cam_path(tmp, sizeof(tmp), e, "%s.remote-XXXXXX",
		    x->o->out) == -1)
			return -1;
		if (mkdtemp(tmp) == NULL)
			return cam_err_sys(e, "%s", tmp);
		x->tmpdir = cam_xstrdup(tmp);
	}
	return 0;
}

int
cam_extract_store_manifest(struct cam_s3 *s3, const struct cam_config *cfg,
    const struct cam_trust *trust, const char *tmpdir, const char *host,
    const char *camera, char *root, size_t rootlen, time_t *newest,
    uint64_t *last, struct cam_err *e)
{
	const struct cam_replication *rp = &cfg->repl;
	struct cam_seal_report rep;
	char dir[PATH_MAX], manifest[PATH_MAX];
	char name[PATH_MAX];

	*newest = 0;
	*last = 0;
	if (cam_path(root, rootlen, e, "%s/%s", tmpdir, host) == -1 ||
	    cam_path(dir, sizeof(dir), e, "%s/%s", root, camera) == -1 ||
	    cam_path(manifest, sizeof(manifest), e, "%s/manifest",
	    dir) == -1 ||
	    cam_path(name, sizeof(name), e, "%s/manifest", camera) == -1)
		return -1;
	if (cam_mkdir_p(dir, 0700, e) == -1)
		return -1;
	if (cam_remote_journal_fetch(s3, rp->bucket[CAM_REPL_JOURNALS],
	    rp->prefix != NULL ? rp->prefix : "", host, name, manifest, last,
	    e) == -1) {
		if (e->code == CAM_NO)
			cam_err_wrap(e, e, "camera %s on host %s: its manifest "
			    "in the store", camera, host);
		return -1;
	}
	if (*last == 0)
		return 0;
	if (cam_remote_journal_split(manifest, newest, e) == -1)
		return -1;
	memset(&rep, 0, sizeof(rep));
	if (cam_seal_verify(manifest, name, trust, NULL, cfg->timezone, &rep,
	    e) == -1) {
		if (e->code == CAM_NO)
			cam_err_wrap(e, e, "camera %s on host %s: its manifest "
			    "in the store does not verify", camera, host);
		return -1;
	}
	/* The chunks end with seals: the last record is one, and vouches
	 * for every one before it. */
	if (rep.seals == 0 || rep.sealed + 1 < *last)
		return cam_errf(e, CAM_NO, "camera %s on host %s: its manifest "
		    "in the store ends at record %" PRIu64 ", sealed only up "
		    "to %" PRIu64, camera, host, *last, rep.sealed);
	return 0;
}

int
cam_extract_remote_manifest(struct cam_extract *x, struct cam_extract_clip *c,
    char *root, size_t rootlen, struct cam_err *e)
{
	const struct cam_config *cfg = &x->site->cfg;
	struct cam_trust *trust = NULL;
	char when[64], upto[64];
	uint64_t last = 0;
	time_t newest;
	int rc;

	if (store_open(x, c, e) == -1)
		return -1;
	if (cam_site_trust(x->site, &trust, e) == -1)
		return -1;
	rc = cam_extract_store_manifest(x->s3, cfg, trust, x->tmpdir, c->host,
	    c->camera, root, rootlen, &newest, &last, e);
	cam_trust_free(&trust);
	if (rc == -1)
		return e->code == CAM_NO ? refuse(x, "store-altered") : -1;
	if (last == 0) {
		cam_errf(e, CAM_NO, "camera %s on host %s: the store has none "
		    "of its footage yet (no sealed chunk of its manifest); try "
		    "again after the next replication", c->camera, c->host);
		return refuse(x, "not-replicated");
	}
	if (newest < x->req.to) {
		cam_time_format_human(newest, cfg->timezone, upto,
		    sizeof(upto));
		cam_time_format_human(x->req.to, cfg->timezone, when,
		    sizeof(when));
		cam_errf(e, CAM_NO, "camera %s on host %s: the store has its "
		    "footage only up to %s, the request's window ends at %s; "
		    "try again after the next replication", c->camera,
		    c->host, upto, when);
		return refuse(x, "not-replicated");
	}
	return 0;
}

int
cam_extract_remote_fetch(struct cam_extract *x, struct cam_extract_clip *c,
    struct cam_err *e)
{
	const struct cam_replication *rp = &x->site->cfg.repl;
	const char *bucket = rp->bucket[CAM_REPL_FOOTAGE];
	const char *prefix = rp->prefix != NULL ? rp->prefix : "";

	for (size_t k = 0; k < c->nsrc; k++) {
		const struct cam_segment *s = &c->segs.v[c->srcseg[k]];
		const char *path = c->src[k].path;
		struct cam_buf key = CAM_BUF_INIT;
		struct cam_s3_obj obj;
		char dir[PATH_MAX], sha[65], *slash;
		uint64_t size = 0;
		int rc;

		if (cam_path(dir, sizeof(dir), e, "%s", path) == -1)
			return -1;
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		if (cam_mkdir_p(dir, 0700, e) == -1)
			return -1;
		cam_remote_key_footage(&key, prefix, c->host, s->file);
		memset(&obj, 0, sizeof(obj));
		rc = cam_s3_get_file(x->s3, bucket, cam_buf_str(&key), NULL,
		    path, &obj, e);
		if (rc == 1) {
			cam_errf(e, CAM_NO, "camera %s on host %s: segment %s "
			    "is not in the store yet (s3://%s/%s); try again "
			    "after the next replication", c->camera, c->host,
			    s->file, bucket, cam_buf_str(&key));
			cam_buf_free(&key);
			return refuse(x, "not-replicated");
		}
		if (rc == -1) {
			cam_buf_free(&key);
			return -1;
		}
		if (cam_crypto_sha256_file(path, sha, &size, e) == -1) {
			cam_buf_free(&key);
			return -1;
		}
		if (strcmp(sha, s->sha256) != 0 || size != s->bytes) {
			cam_errf(e, CAM_NO, "camera %s on host %s: segment %s "
			    "in the store (s3://%s/%s, version %s) is %" PRIu64
			    " bytes, SHA-256 %s; its manifest says %" PRIu64
			    " bytes, %s: altered, refused", c->camera, c->host,
			    s->file, bucket, cam_buf_str(&key),
			    obj.version[0] != '\0' ? obj.version : "null",
			    size, sha, s->bytes, s->sha256);
			cam_buf_free(&key);
			return refuse(x, "store-altered");
		}
		cam_buf_free(&key);
	}
	return 0;
}

void
cam_extract_remote_free(struct cam_extract *x)
{
	if (x->tmpdir != NULL)
		cam_rm_tree(x->tmpdir);
	free(x->tmpdir);
	x->tmpdir = NULL;
	cam_s3_close(&x->s3);
}
