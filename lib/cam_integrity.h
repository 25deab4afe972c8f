/*
 * cam_integrity: the integrity of what a site stores, as check lines:
 * every journal's chain, seals and witness, and every camera's
 * recordings (each segment re-hashed against its manifest; the
 * manifest's gaps, explained or not, and its deletions).
 */
#ifndef CAM_INTEGRITY_H
#define CAM_INTEGRITY_H

#include <time.h>

#include "cam_checks.h"
#include "cam_err.h"
#include "cam_site.h"

/* Every journal of the site: one check each (a failing check when
 * there is none and ck holds nothing yet).  -1 when the site's trust
 * or its journals cannot be listed. */
int cam_integrity_journals(struct cam_site *s, struct cam_checks *ck,
    struct cam_err *e);

/* Every camera that has a manifest (or only camera), in the
 * configuration or not: footage of a camera taken out still counts.
 * Gaps and deletions only from from to to (0: open).  -1 when the
 * cameras cannot be listed. */
int cam_integrity_recordings(struct cam_site *s, const char *camera,
    time_t from, time_t to, struct cam_checks *ck, struct cam_err *e);

#endif
