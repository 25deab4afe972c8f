/*
 * cam_grant: view requests (camkit-request(5), action: view) in force.
 *
 * A view request is signed and checked exactly like an extraction
 * request (director, unit head when policy says so, trust, scope,
 * expiry).  Once checked it is kept, with its signatures, under
 * <root>/views/<request id>/ and recorded in <root>/views.journal; from
 * then until it expires, the account it names may play back exactly its
 * cameras and window (camview), and nothing else.
 */
#ifndef CAM_GRANT_H
#define CAM_GRANT_H

#include <stddef.h>
#include <stdint.h>

#include "base/cam_err.h"
#include "site/cam_config.h"

struct cam_grant {
	char id[128];		/* the request id */
	char account[64];	/* the Unix account that may view */
	size_t ncameras;
	char **cameras;
	int64_t from_us, to_us;	/* the window */
	int64_t expires_us;
	char sha256[65];	/* of the request file */
	char warning[512];	/* cam_grant_add: what was accepted with a
				 * warning (a stale revocation list, by
				 * policy), or ""; English (--json) */
	char warning_text[1024];	/* the same in the reader's
					 * language */
};

struct cam_grants {
	struct cam_grant *v;
	size_t n;
};

/*
 * Check the view request at path (signatures beside it as REQUEST*.p7s,
 * plus sigs) against the site's trust and policy at now; keep it under
 * root and journal it.  CAM_NO with the reason when it is not valid
 * (not a view request, a signature missing, forged, expired, a camera
 * the site does not have...).
 */
int cam_grant_add(const struct cam_config *cfg, const char *confdir,
    const char *root, const char *host, const char *path,
    const char *const *sigs, size_t nsigs, int64_t now,
    struct cam_grant *g, struct cam_err *e);

/* The grants kept under root (expired ones too). */
int cam_grant_list(const char *root, struct cam_grants *gs,
    struct cam_err *e);
void cam_grants_free(struct cam_grants *gs);
/* The cameras of one grant (cam_grant_add's), which is zeroed. */
void cam_grant_free(struct cam_grant *g);

/* A grant of gs for account that covers camera over [from_us, to_us) at
 * now, or NULL. */
const struct cam_grant *cam_grant_find(const struct cam_grants *gs,
    const char *account, const char *camera, int64_t from_us, int64_t to_us,
    int64_t now);

#endif
