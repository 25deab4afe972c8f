/*
 * cam_audit_crl: the revocation lists of the configuration in force
 * (trust.crl): each one signed by a trusted CA, and none past its
 * nextUpdate.
 */
#ifndef CAM_AUDIT_CRL_H
#define CAM_AUDIT_CRL_H

#include <time.h>

#include "base/cam_checklist.h"
#include "base/cam_err.h"
#include "site/cam_site.h"

/* One finding per list of s's trust.crl at now: its issuer, when it was
 * issued, and whether its next update is past (a failure: the CA has
 * published a newer list that the site does not have).  A site with no
 * list gets one finding that says so (not a failure).  -1 with e when
 * the configuration cannot be read. */
int cam_audit_crl(struct cam_site *s, time_t now, struct cam_checklist *ck,
    struct cam_err *e);

#endif
