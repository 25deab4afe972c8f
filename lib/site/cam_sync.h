/*
 * cam_sync: one configuration for many hosts (camctl sync,
 * camkit-hosts(7)).  This host takes the configuration from the central
 * repository (sync: of camkit.yaml, else the repository's "origin" and
 * the branch HEAD is on) by fast-forward only: uncommitted edits, a
 * history that diverged from the centre's or a centre's history that
 * was rewritten are refused, and so is a central commit that is not a
 * valid configuration, before anything here moves.  What changed for
 * this host's recorders is worked out from the two configurations.
 */
#ifndef CAM_SYNC_H
#define CAM_SYNC_H

#include <time.h>

#include "base/cam_err.h"
#include "site/cam_config.h"
#include "site/cam_site.h"

/* The central commit last taken (to tell a rewritten centre from a
 * diverged host). */
#define CAM_SYNC_REF	"refs/camkit/synced"

/* What a sync means for one camera of this host. */
enum cam_sync_what {
	CAM_SYNC_ADDED,		/* new here: its recorder starts */
	CAM_SYNC_REMOVED,	/* gone from the configuration: stopped */
	CAM_SYNC_MOVED_AWAY,	/* now recorded by host: stopped here */
	CAM_SYNC_MOVED_HERE,	/* was recorded by host: starts here */
	CAM_SYNC_CHANGED,	/* a setting changed: restarted */
	CAM_SYNC_ENABLED,	/* enabled: starts */
	CAM_SYNC_DISABLED,	/* disabled: stopped */
};

struct cam_sync_change {
	char *id;
	enum cam_sync_what what;
	char *host;		/* the other host (moved), else NULL */
};

struct cam_sync_result {
	char remote[512];	/* as used */
	char branch[256];
	char old_rev[41], new_rev[41];
	int moved;		/* HEAD moved (0: already up to date) */
	size_t n;
	struct cam_sync_change *v;
};

void cam_sync_result_free(struct cam_sync_result *r);

/* Is every setting of a and b the same (all fields but the line)? */
int cam_camera_same(const struct cam_camera *a, const struct cam_camera *b);

/* The cameras of host whose recorder must start, stop or restart when
 * old (NULL: none) becomes new: appended to res. */
void cam_sync_cameras(const struct cam_config *old,
    const struct cam_config *new, const char *host,
    struct cam_sync_result *res);

/* The remote of s's configuration: sync.remote, else "origin". */
const char *cam_sync_remote(const struct cam_config *cfg);

/*
 * Take the centre's configuration into s (opened; its cfg and rev are
 * the new ones after): fetch, refuse or fast-forward, with the cameras
 * of host that changed into res.  CAM_NO with both commit ids when
 * refused; nothing here changed then.
 */
int cam_sync_run(struct cam_site *s, const char *host,
    struct cam_sync_result *res, struct cam_err *e);

/* Push ref (this host's witness) to the remote, never forced: 0, 1 if
 * there is no such ref yet, CAM_NO if the remote refused it. */
int cam_sync_push(struct cam_site *s, const char *ref, struct cam_err *e);

/* The name of a change, for the audit trail and --json. */
const char *cam_sync_what_name(enum cam_sync_what w);

/* Was camera moved to host by the history in force: from the newest
 * commit back, the last one where another host recorded it.  1 with
 * that host in from, the commit that moved it (rev) and its time, 0 if
 * host has recorded it since it was added (or for the last 500
 * commits). */
int cam_sync_came_from(struct cam_repo *r, const char *camera,
    const char *host, char from[256], char rev[41], time_t *when,
    struct cam_err *e);

#endif
