/*
 * cam_audit_config: the audit of the configuration's git history.  Who
 * changed the configuration and what each commit changed; whether each
 * commit on the history in force is valid as camctl checks it and was
 * made with camctl (has its record in the audit trail, once the trail
 * exists); whether a commit the trail or a witness names has been
 * rewritten away; and whether a secret was ever committed.
 */
#ifndef CAM_AUDIT_CONFIG_H
#define CAM_AUDIT_CONFIG_H

#include <time.h>

#include "base/cam_checklist.h"
#include "base/cam_err.h"
#include "journal/cam_trail.h"
#include "site/cam_repo.h"
#include "site/cam_site.h"

struct cam_audit_config {
	/* Set by the caller (the rest zeroed). */
	struct cam_checklist *ck;	/* the checks go here */
	struct cam_site *s;
	time_t since, until;	/* of the changes listed; 0: open */
	int json;		/* changes as JSON objects, else lines */
	/* The changes from since to until, one TAB-separated line each
	 * (time, commit, author, summary, what) or one object each, the
	 * objects joined as an array's members. */
	struct cam_buf changes;
	int nchanges;
	/* the audit trail's configuration commits */
	struct cam_trail_commits trail;
	const char *first;	/* the trail's oldest commit in the history */
	/* counts for the summary lines */
	int commits, invalid, unaudited, secrets, other;
};

/* Read the audit trail, walk the history (listing the changes) and
 * make every check of the configuration into h->ck.  -1 only when the
 * repository cannot be read. */
int cam_audit_config_check(struct cam_audit_config *h, struct cam_err *e);
void cam_audit_config_free(struct cam_audit_config *h);

/* What a commit changed, one phrase per change into what ("camera gate
 * added", "retention_days 30 -> 60"), files besides camkit.yaml by
 * name: in the reader's language if tr, else in English (--json). */
void cam_audit_config_describe(const struct cam_commit_view *v, int tr,
    struct cam_buf *what);

#endif
