/*
 * cam_status: what a camera's manifest and the disk say of recording
 * now: camctl status prints it, camctl watch alerts on it.
 */
#ifndef CAM_STATUS_H
#define CAM_STATUS_H

#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"
#include "site/cam_config.h"

struct cam_status {
	const struct cam_camera *cam;
	const char *state;	/* recording, stopped, disabled */
	time_t last_end;	/* 0: no segment */
	int gaps;		/* in the last 24 h */
	int64_t gap_seconds;
	uint64_t bytes;
	double days;		/* of footage kept */
	double rate;		/* bytes a day, over the last 24 h */
	int stale;		/* enabled, and no recent segment */
};

/* What the manifest under root says of camera c at now. */
int cam_camera_status(const char *root, const struct cam_camera *c,
    time_t now, struct cam_status *st, struct cam_err *e);

/* Room left under the capacity limit of cfg for the data root, live
 * bytes being kept now, and the days it lasts at rate bytes a day
 * (*days_left -1: no rate to tell). */
void cam_storage_room(const struct cam_config *cfg, uint64_t live,
    double rate, uint64_t *room, double *days_left);

#endif
