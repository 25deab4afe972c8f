/*
 * cam_audit: the audit trail, a journal (camkit-journal(5)) of who did
 * what: <root>/audit.journal, one record of KIND "audit" per action
 * granted, refused or failed, with DATA
 *	{"actor":"alice","uid":1001,"program":"camctl","verb":"camera add",
 *	 "object":"gate","outcome":"granted","reason":"..."}
 * plus, for some verbs, a "detail" object (prune counts and windows).
 * Outcomes: "granted" (allowed and done), "refused" (the policy or a
 * check said no), "failed" (allowed, but it did not work).
 *
 * The trail lives in the data root.  A site whose data root does not
 * exist yet (being set up) has nowhere to keep it: cam_audit then
 * returns 1 and writes nothing; its configuration changes are still in
 * git's history.
 */
#ifndef CAM_AUDIT_H
#define CAM_AUDIT_H

#include "cam_err.h"
#include "cam_policy.h"

#define CAM_AUDIT_FILE		"audit.journal"

struct cam_buf;

struct cam_audit_rec {
	const char	*program;	/* "camctl" */
	const char	*verb;		/* "camera add" */
	const char	*object;	/* "gate", or NULL */
	const char	*outcome;	/* "granted", "refused", "failed" */
	const char	*reason;	/* why, or NULL */
	const char	*detail;	/* a JSON object, or NULL */
};

/* The longest object kept whole; a longer one (a caller's argument) is
 * cut and ends in "...".  Strings that are not UTF-8 are escaped
 * (cam_json.h): a record is never refused for its caller's text. */
#define CAM_AUDIT_OBJECT_MAX	1024

/* Append r, by a, to root's audit trail; host NULL: this machine.
 * Returns 0, 1 if root does not exist, -1 on failure. */
int cam_audit(const char *root, const char *host, const struct cam_actor *a,
    const struct cam_audit_rec *r, struct cam_err *e);

#endif
