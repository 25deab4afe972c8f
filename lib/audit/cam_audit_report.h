/*
 * cam_audit_report: the monthly report for the director (policy 001
 * section 14.2), section by section, as text and as JSON at once:
 * recording (uptime and gaps per camera), storage and retention, the
 * logbook, extractions and refusals, configuration changes, camera
 * security, and the verification of the journals and recordings.  The
 * checks of camera security and verification make its result.
 */
#ifndef CAM_AUDIT_REPORT_H
#define CAM_AUDIT_REPORT_H

#include <stdint.h>
#include <time.h>

#include "base/cam_checklist.h"
#include "base/cam_err.h"
#include "base/cam_util.h"
#include "site/cam_site.h"

/* Each camera's footage per day of the month, in the site's zone (for
 * the PDF's chart). */
struct cam_report_chart {
	int ndays;		/* days of the month */
	time_t day[32];		/* their starts, and the next month's */
	size_t n;		/* cameras */
	char **camera;
	int64_t (*sec)[31];	/* [camera][day]: seconds of footage */
	time_t *began;		/* [camera]: its first recording, 0 none */
};

struct cam_audit_report {
	struct cam_site *s;
	int as_json;		/* which form the caller will print */
	int chart;		/* also fill in chart (set before the
				 * recording section) */
	struct cam_report_chart ch;
	char month[32];		/* "YYYY-MM" */
	size_t sec[16];		/* where each section's title line begins
				 * in txt */
	time_t from, to, end;	/* the month; end: to, or now if sooner */
	struct cam_buf txt, json;	/* the report in each form */
	int nsec;		/* sections so far */
	uint64_t by_age, by_cap;	/* pruned in the month */
	struct cam_checklist ck;	/* the verification's checks */
	int cam_failed, cam_skipped, cam_n;	/* camera security's checks */
	/* camaudit report --store: the host's journals rebuilt from the
	 * store and its segments read there (set before the sections;
	 * NULL: the storage root).  Not covered then: the filesystem's
	 * room, camera security (probed from the recorder). */
	struct cam_audit_store *st;
};

/* Begin the report of month m of year y (y 0: the month before now's,
 * in the site's zone), made at now on host by by: its window and
 * header.  Free p even on failure. */
int cam_audit_report_open(struct cam_audit_report *p, struct cam_site *s,
    int as_json, int y, int m, time_t now, const char *host, const char *by,
    struct cam_err *e);
/* A section's title in the text, its key in the JSON object. */
void cam_audit_report_section(struct cam_audit_report *p, const char *title,
    const char *key);

/* The sections, in this order. */
void cam_audit_report_recording(struct cam_audit_report *p);
void cam_audit_report_storage(struct cam_audit_report *p);
void cam_audit_report_logbook(struct cam_audit_report *p);
void cam_audit_report_access(struct cam_audit_report *p);
void cam_audit_report_config(struct cam_audit_report *p);
void cam_audit_report_cameras(struct cam_audit_report *p);
/* Last: the checks of the journals and recordings, the result. */
void cam_audit_report_verification(struct cam_audit_report *p);

/* The report in the form asked for; the exit status its checks call
 * for (CAM_NO if one failed). */
const char *cam_audit_report_text(const struct cam_audit_report *p);
int cam_audit_report_status(const struct cam_audit_report *p);
void cam_audit_report_free(struct cam_audit_report *p);

#endif
