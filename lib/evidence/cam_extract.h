/*
 * cam_extract: footage out of the site, only against a director-signed
 * request, as a signed archive (camextract(1)).  One call checks
 * everything before anything is written (the request and its
 * signatures against the site's trust, its cameras, that the request
 * was never used, that there is footage, the recipient's certificate),
 * then holds the window of each camera, cuts the clips, writes the
 * archive with its custody record (cam_custody) and signed sums, and
 * journals the extraction in the data root's CAM_EXTRACTIONS_FILE: a
 * request is good for one extraction.
 *
 * Whether the caller may extract at all is cam_policy_may's answer
 * (CAM_ACT_EXTRACT), asked by the program before this call.  Nothing
 * is printed: progress goes to a callback, the outcome comes back in
 * struct cam_extract.
 */
#ifndef CAM_EXTRACT_H
#define CAM_EXTRACT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/cam_crypto.h"
#include "base/cam_err.h"
#include "base/cam_s3.h"
#include "base/cam_util.h"
#include "evidence/cam_archive.h"
#include "evidence/cam_request.h"
#include "journal/cam_seal.h"
#include "media/cam_media.h"
#include "media/cam_store.h"
#include "site/cam_policy.h"
#include "site/cam_site.h"

/* What to extract, and for whom. */
struct cam_extract_opts {
	const char *confdir;		/* the site's, for private/site.key */
	const char *request;		/* the request file */
	const char *const *signatures;	/* further .p7s files (--signature) */
	size_t nsignatures;
	const char *encrypt_to;		/* a certificate file, or NULL: the
					 * request's recipient certificate */
	const char *out;		/* the archive: must not exist */
	const char *host;		/* this host, as camkit.yaml names it */
	const struct cam_actor *actor;	/* who extracts */
	const char *program;		/* "camextract VERSION", for custody */
	time_t now;
	/* Called now and then while clips are cut: segments and bytes of
	 * footage read so far (bytes may pass the total a little) of
	 * all to read; may be NULL. */
	cam_progress_fn *progress;
	void *arg;
};

/* One camera's part of the archive. */
struct cam_extract_clip {
	const char *camera;
	struct cam_segments segs;	/* every live segment of the camera */
	struct cam_media_src *src;	/* those overlapping the window */
	size_t *srcseg;			/* src[i] is segs.v[srcseg[i]] */
	size_t nsrc;
	struct cam_media_cut cut;	/* codec, duration, nused, ngaps */
	char member[64];		/* "clips/CAMERA.mp4" */
	char sha256[65];
	uint64_t hold;			/* the hold placed on its window (0:
					 * none, the camera is another host's) */
	const char *host;		/* the host that records it */
	int remote;			/* not this host: its footage comes
					 * from the store (replication:) */
};

/*
 * An extraction.  The caller reads: req (req.id NULL until the request
 * loads), refusal, clips, total and encrypted; the rest is the run's
 * own.  Free with cam_extract_free, whatever cam_extract_run returned.
 */
struct cam_extract {
	struct cam_request req;
	/* When cam_extract_run fails: the refusal's name ("bad-request",
	 * "replay", "no-footage", a cam_request_refusal_name, ...) when the
	 * answer is no, NULL when the extraction failed. */
	const char *refusal;
	struct cam_extract_clip *clips;
	size_t nclips;
	uint64_t total;			/* bytes of footage to read */
	uint64_t nsegs;			/* segments of footage to read */
	int encrypted;			/* the archive is encrypted */

	const struct cam_extract_opts *o;
	struct cam_site *site;
	struct cam_request_sigs sigs;
	struct cam_sealer *sealer;
	struct cam_archive *ar;
	struct cam_buf sums;		/* SHA256SUMS */
	struct cam_buf recipient;	/* certificate to encrypt to */
	uint64_t base;			/* bytes read by earlier clips */
	uint64_t segbase;		/* their segments */
	const struct cam_extract_clip *cutting;	/* the clip being cut */
	int lockfd;
	struct cam_s3 *s3;		/* the store, once a camera needs it */
	char *tmpdir;			/* other hosts' footage, fetched */
};

/*
 * Extract under site (open, its configuration in force).  Returns 0
 * once the archive is written and the extraction journaled; -1 with e
 * and x->refusal saying why not.  An archive is never overwritten and
 * nothing is written before every check has passed.
 */
int cam_extract_run(struct cam_extract *x, struct cam_site *site,
    const struct cam_extract_opts *o, struct cam_err *e);
void cam_extract_free(struct cam_extract *x);

/*
 * Another host's camera (cam_extract_remote.c, for cam_extract.c):
 * its manifest rebuilt from the store under x->tmpdir, its chain and
 * seals checked against the site's trust, and whether the store has
 * the whole window; *root gets the directory to read it from as a
 * storage root (x->tmpdir/HOST).  Then, once the window's segments are
 * picked, each fetched there and checked against the manifest.  A
 * refusal sets x->refusal ("not-replicated", "store-altered"); a store
 * that cannot be reached is CAM_ENV without one.
 */
int cam_extract_remote_manifest(struct cam_extract *x,
    struct cam_extract_clip *c, char *root, size_t rootlen,
    struct cam_err *e);
int cam_extract_remote_fetch(struct cam_extract *x,
    struct cam_extract_clip *c, struct cam_err *e);
void cam_extract_remote_free(struct cam_extract *x);

/*
 * The manifest of camera on host as the store s3 (cfg's replication:)
 * has it, rebuilt under tmpdir (a private directory) as a storage root
 * whose path goes to root: root/CAMERA/manifest, the current volume,
 * and root/CAMERA/manifest.YYYY-MM, the closed ones; its chain and
 * every seal checked against trust, its last record a seal.  *last gets
 * the SEQ of its last record (0: the store has none of it, nothing
 * made), *newest that record's TIME.  0, or -1 with CAM_NO when the
 * store's copy is incomplete or does not verify, CAM_ENV when the
 * store cannot be read.  Also camaudit verify's, for the sources of a
 * clip that another host recorded.
 */
struct cam_trust;
int cam_extract_store_manifest(struct cam_s3 *s3, const struct cam_config *cfg,
    const struct cam_trust *trust, const char *tmpdir, const char *host,
    const char *camera, char *root, size_t rootlen, time_t *newest,
    uint64_t *last, struct cam_err *e);

/* ,"hosts":[...] the hosts of the clips' footage, each once, in the
 * order of the request's cameras: appended to an object being built. */
void cam_extract_hosts(const struct cam_extract *x, struct cam_buf *b);

#endif
