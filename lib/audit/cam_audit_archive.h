/*
 * cam_audit_archive: the verification of an archive made by camextract (see
 * cam_audit_archive.c for what is checked).  Findings are check lines into a
 * struct cam_checklist; a function fails (-1, cam_err) only when the
 * verification itself cannot go on.
 */
#ifndef CAM_AUDIT_ARCHIVE_H
#define CAM_AUDIT_ARCHIVE_H

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "base/cam_checklist.h"
#include "base/cam_crypto.h"
#include "base/cam_err.h"
#include "base/cam_util.h"
#include "evidence/cam_custody.h"
#include "evidence/cam_archive.h"
#include "site/cam_site.h"

/* How early a clip may start before the request's window: the cut
 * starts at the keyframe at or before the window (cam_media.h), which
 * may be up to a minute early. */
#define CAM_AUDIT_ARCHIVE_LEAD	60

/* What the signatures are checked against: --trust DIR (every
 * certificate in it an anchor; director*.pem and unit-head*.pem also
 * name those; *.crl are revocation lists), --trust FILE (its
 * certificates anchors, as openssl's -CAfile; directors and unit heads
 * from the site's configuration), else the configuration in force. */
struct cam_audit_archive_trust {
	struct cam_trust *ca;
	struct cam_buf *dir, *uh;
	size_t ndir, nuh;
	int need_unit_head;
	const char *const *uh_units;	/* the unit of each of uh (the
					 * site's trust.unit_head; NULL
					 * entries: the list form), or NULL
					 * (--trust DIR); where NULL, the
					 * certificate's OU (as
					 * cam_request_trust) */
	int have_site;		/* site below is open: the caller may
				 * authorize under its configuration */
	struct cam_site site;
};

/* The site in confdir if given and it opens (it must when tdir is NULL),
 * and the trust of tdir (a directory or a file) or else of that site,
 * with the revocation list of the file crl too if not NULL.  Free t
 * even on failure. */
int cam_audit_archive_trust_load(struct cam_audit_archive_trust *t,
    const char *confdir, const char *tdir, const char *crl,
    struct cam_err *e);
void cam_audit_archive_trust_free(struct cam_audit_archive_trust *t);

/* Verify the archive at path (decrypted with key, a recipient's private
 * key file, when it is encrypted; temporary files under tmpdir), every
 * finding into ck; now: the time certificates are judged at when
 * custody gives no extraction time.  progress (if not NULL) is called
 * with arg while the members are read and hashed: members so far (their
 * number is not known before the end) and bytes of the tar read. */
int cam_audit_archive(const char *path, const char *key,
    const struct cam_audit_archive_trust *t, const char *tmpdir, time_t now,
    cam_progress_fn *progress, void *arg, struct cam_checklist *ck,
    struct cam_err *e);

/* The archive as read once: every member hashed, the small ones kept. */
struct cam_audit_archive_member {
	char *name;
	char sha256[65];
	uint64_t size;
	struct cam_buf data;	/* small members only */
	/* Where its bytes lie in the tar file, when they lie there
	 * contiguously (no sparse member): media are read in place. */
	uint64_t offset;
	int contiguous;
};

struct cam_audit_archive_view {
	struct cam_audit_archive_member *m;
	size_t n;
	char tmp[PATH_MAX];	/* request files written out, for the
				 * signature check beside the request */
};

const struct cam_audit_archive_member *cam_audit_archive_member(
    const struct cam_audit_archive_view *v, const char *name);
/* Every clip custody describes: its sources against its camera's
 * manifest, its media read in place from the tar (fd) and inside
 * window[2] (NULL: no request's window known); and no clip member that
 * custody does not describe. */
void cam_audit_archive_clips(int fd, const struct cam_audit_archive_view *v,
    const struct cam_custody *custody, const struct cam_audit_archive_trust *t,
    const time_t *window, struct cam_checklist *ck);

#endif
