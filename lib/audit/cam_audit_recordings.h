/*
 * cam_audit_recordings: the integrity of what a site records, as
 * check lines (camaudit recordings): every camera's segments re-hashed
 * against its manifest; the manifest's gaps, explained or not, and its
 * deletions.
 */
#ifndef CAM_AUDIT_RECORDINGS_H
#define CAM_AUDIT_RECORDINGS_H

#include <time.h>

#include "base/cam_checklist.h"
#include "base/cam_err.h"
#include "site/cam_site.h"

/* Every camera that has a manifest (or only camera), in the
 * configuration or not: footage of a camera taken out still counts.
 * Gaps and deletions only from from to to (0: open).  -1 when the
 * cameras cannot be listed. */
int cam_audit_recordings(struct cam_site *s, const char *camera,
    time_t from, time_t to, struct cam_checklist *ck, struct cam_err *e);

#endif
