/*
 * cam_monthly: the monthly report for the director (policy 001
 * section 14.2), section by section, as text and as JSON at once:
 * recording (uptime and gaps per camera), storage and retention, the
 * logbook, extractions and refusals, configuration changes, camera
 * security, and the verification of the journals and recordings.  The
 * checks of camera security and verification make its result.
 */
#ifndef CAM_MONTHLY_H
#define CAM_MONTHLY_H

#include <stdint.h>
#include <time.h>

#include "base/cam_checklist.h"
#include "base/cam_err.h"
#include "site/cam_site.h"
#include "base/cam_util.h"

struct cam_monthly {
	struct cam_site *s;
	int as_json;		/* which form the caller will print */
	time_t from, to, end;	/* the month; end: to, or now if sooner */
	struct cam_buf txt, json;	/* the report in each form */
	int nsec;		/* sections so far */
	uint64_t by_age, by_cap;	/* pruned in the month */
	struct cam_checks ck;	/* the verification's checks */
	int cam_failed, cam_skipped, cam_n;	/* camera security's checks */
};

/* Begin the report of month m of year y (y 0: the month before now's,
 * in the site's zone), made at now on host by by: its window and
 * header.  Free p even on failure. */
int cam_monthly_open(struct cam_monthly *p, struct cam_site *s, int as_json,
    int y, int m, time_t now, const char *host, const char *by,
    struct cam_err *e);
/* A section's title in the text, its key in the JSON object. */
void cam_monthly_section(struct cam_monthly *p, const char *title,
    const char *key);

/* The sections, in this order. */
void cam_monthly_recording(struct cam_monthly *p);
void cam_monthly_storage(struct cam_monthly *p);
void cam_monthly_logbook(struct cam_monthly *p);
void cam_monthly_access(struct cam_monthly *p);
void cam_monthly_config(struct cam_monthly *p);
void cam_monthly_cameras(struct cam_monthly *p);
/* Last: the checks of the journals and recordings, the result. */
void cam_monthly_verification(struct cam_monthly *p);

/* The report in the form asked for; the exit status its checks call
 * for (CAM_NO if one failed). */
const char *cam_monthly_text(const struct cam_monthly *p);
int cam_monthly_status(const struct cam_monthly *p);
void cam_monthly_free(struct cam_monthly *p);

#endif
