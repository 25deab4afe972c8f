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

/* The same for the host whose journals st fetched from the store
 * (camaudit --store), every segment's bytes read from its footage
 * bucket: checks named HOST/CAMERA, and a passing HOST/pending line
 * for segments newer than the manifest's last copy in the store.  -1
 * also when the store cannot be read (CAM_ENV). */
struct cam_audit_store;
int cam_audit_recordings_store(struct cam_site *s,
    struct cam_audit_store *st, const char *camera, time_t from, time_t to,
    struct cam_checklist *ck, struct cam_err *e);

#endif
