/*
 * cam_audit_cameras: the security of each camera (directive 004), as findings
 * with a severity: credentials configured and not a factory default,
 * RTSP that refuses a viewer without credentials, an encrypted
 * transport, a model on the approved list with firmware not older than
 * its minimum.  Findings of medium severity and worse fail.
 */
#ifndef CAM_AUDIT_CAMERAS_H
#define CAM_AUDIT_CAMERAS_H

#include "audit/cam_factory_creds.h"
#include "base/cam_checklist.h"
#include "base/cam_err.h"
#include "site/cam_site.h"

/* The factory-default credentials: the list at path, or (NULL) the
 * one built in. */
int cam_audit_cameras_defaults(const char *path, struct cam_factory_creds *defs,
    struct cam_err *e);

/* Every camera of the configuration in force (or only camera): its
 * findings into ck, each line with its camera and severity. */
void cam_audit_cameras(struct cam_site *s, const char *camera,
    const struct cam_factory_creds *defs, struct cam_checklist *ck);

#endif
