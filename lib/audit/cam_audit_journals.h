/*
 * cam_audit_journals: the integrity of a site's journals, as
 * check lines: every journal's chain, seals and witness (camaudit
 * journals).  The recordings are cam_audit_recordings.h.
 */
#ifndef CAM_AUDIT_JOURNALS_H
#define CAM_AUDIT_JOURNALS_H

#include <stdint.h>
#include <time.h>

#include "base/cam_checklist.h"
#include "base/cam_err.h"
#include "site/cam_site.h"

/*
 * A journal that should be sealed and is not is a finding: records
 * after its last seal (or all of them, if it has none) older than this
 * are.  Seals come every hour (camkit-seal.timer; camlog at a shift
 * end), so a brand-new site, or one between two seal runs, is not
 * faulted: two intervals leave one run's worth of slack.
 */
#define CAM_SEAL_GRACE		(2 * 3600)

struct cam_seal_report;

/* The records of the journal at path after its last seal (rep from
 * cam_seal_verify of it): how many into *n, and the time of the oldest
 * into *oldest (0 if none).  0, or -1 if it cannot be read. */
int cam_audit_journals_unsealed(const char *path,
    const struct cam_seal_report *rep, uint64_t *n, time_t *oldest,
    struct cam_err *e);

/* Every journal of the site: one check each (a failing check when
 * there is none and ck holds nothing yet; a failing one when records
 * older than CAM_SEAL_GRACE are not sealed).  -1 when the site's trust
 * or its journals cannot be listed. */
int cam_audit_journals(struct cam_site *s, struct cam_checklist *ck,
    struct cam_err *e);
/* The same, each journal from the volume that holds time since on
 * (cam_seal_verify_since): what a report on a month needs. */
int cam_audit_journals_since(struct cam_site *s, time_t since,
    struct cam_checklist *ck, struct cam_err *e);

/* The same for the host whose journals st fetched from the store
 * (camaudit --store): each check named HOST/NAME; the witness of the
 * configuration repository checked if it holds the host's, said
 * either way. */
struct cam_audit_store;
int cam_audit_journals_store(struct cam_site *s,
    const struct cam_audit_store *st, time_t since,
    struct cam_checklist *ck, struct cam_err *e);

#endif
