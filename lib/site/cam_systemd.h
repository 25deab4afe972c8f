/*
 * cam_systemd: the systemd units (or the crontab) that run the recorders
 * of this host's cameras, the hourly prune and seal, the monthly
 * report (camkit-report.service and .timer) and the sync from the
 * central repository (camkit-sync.service and .timer), written from the
 * templates in conf/ (compiled in).
 */
#ifndef CAM_SYSTEMD_H
#define CAM_SYSTEMD_H

#include "base/cam_err.h"
#include "site/cam_config.h"

struct cam_systemd_conf {
	const struct cam_config *cfg;
	const char *host;	/* this host: its cameras are recorded here */
	const char *confdir;	/* absolute configuration directory */
	const char *bindir;	/* where camrec is installed */
	const char *user;	/* the service account: User= */
	const char *group;	/* its group: Group= */
	const char *outdir;	/* where to write */
	int cron;		/* a cron.d file instead of units */
};

/* Write the files; each written path is appended to written, one a line.
 * Returns the number of cameras given a recorder. */
int cam_systemd_write(const struct cam_systemd_conf *u, struct cam_buf *written,
    struct cam_err *e);

#endif
