/*
 * cam_view_rights: who may see what in camview (issue: "Who may see
 * what"), the one place that answers it.
 *   live: guard, operator, chief-of-office, director (watch-live)
 *   stored footage: chief-of-office and director directly (view); any
 *     other account only inside a view request in force for it
 *     (cam_grant), for exactly its cameras and window
 *   auditor: the access report, no footage
 * Every why of a refusal begins with the HTTP API's error CODE, then
 * ": " and English words: "no-camera: ...", "forbidden: ..." (the
 * role), "no-request: ...", "outside-request: ...", "bad-request: ..."
 * (an empty window); camview answers with the CODE and the rest.
 */
#ifndef CAM_VIEW_RIGHTS_H
#define CAM_VIEW_RIGHTS_H

#include <stddef.h>
#include <stdint.h>

#include "evidence/cam_grant.h"
#include "site/cam_config.h"

struct cam_view_right {
	int granted;
	char request[128];	/* the view request that grants it, or "" */
	int64_t from_us, to_us;	/* the window it may see (stored) */
};

/* May account watch camera live?  1 or 0 with why. */
int cam_view_may_live(const struct cam_config *cfg, const char *account,
    const char *camera, char *why, size_t len);

/* May account play back camera over [from_us, to_us) at now?  1 with r
 * filled in (by role: the whole window; by request: the request's
 * window), or 0 with why. */
int cam_view_may_play(const struct cam_config *cfg,
    const struct cam_grants *gs, const char *account, const char *camera,
    int64_t from_us, int64_t to_us, int64_t now, struct cam_view_right *r,
    char *why, size_t len);

/* May account read the access report (auditor, director, operator)? */
int cam_view_may_audit(const struct cam_config *cfg, const char *account,
    char *why, size_t len);

/*
 * The guard reports from the screen (000 Đ4.2): a logbook entry of kind
 * "suspicious" or "fault" by account (camlog's rules: guard or operator,
 * on shift), naming camera and time at, and a hold on camera from
 * at - before_s to at + after_s.  *seq gets the entry's sequence number,
 * hold_id the hold's id.
 */
int cam_view_report(const struct cam_config *cfg, const char *confdir,
    const char *root, const char *host, const char *account,
    const char *camera, const char *kind, const char *note, int64_t at,
    int before_s, int after_s, uint64_t *seq, char *hold_id, size_t len,
    struct cam_err *e);

#endif
