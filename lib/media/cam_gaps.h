/*
 * cam_gaps: what a camera's manifest says of its footage over time.
 * Why footage stopped between two segments (the events journaled in
 * between: camera-down and camera-up, disk-full, record-stop, handover
 * to or from another host), and a
 * camera's uptime over a window (footage, gaps, deletions), for the
 * monthly report.
 */
#ifndef CAM_GAPS_H
#define CAM_GAPS_H

#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"

/* A gap: footage that stops for more than CAM_GAPS_ROUNDING seconds
 * and starts again.  Manifest times are whole seconds and a segment
 * starts where the one before it ended, so a cut between two segments
 * may look like 1 s; it is not a gap.  The same rule for camctl status,
 * camaudit recordings and the monthly report. */
#define CAM_GAPS_ROUNDING	1

/* The gap between footage that ended at prev_end and resumed at start,
 * in seconds: 0 if there is none. */
int64_t cam_gaps_between(time_t prev_end, time_t start);

/* How long after the last footage a camera-down may be journaled (the
 * recorder waits out its read timeout, then a connection attempt), and
 * how long after a camera-up the footage may resume. */
#define CAM_GAPS_DOWN_SLACK	30

/* What the manifest journaled since the last segment (0: not seen). */
struct cam_gap_events {
	time_t down_at, up_at, stop_at;
	int disk_full;
	int64_t clock_step;	/* seconds the system clock was stepped
				 * forwards (clock-step records) */
	char stop_why[64];	/* the record-stop's reason */
	/* A handover record (camctl sync moved the camera): the host it
	 * went to, or came from, and when; "" if none. */
	char moved_to[64], moved_from[64];
	time_t moved_at;
};

enum cam_gap_cause {
	CAM_GAP_DOWN,		/* the camera was down: explained */
	CAM_GAP_DISK_FULL,	/* the disk was full: explained */
	CAM_GAP_CLOCK_STEP,	/* the clock jumped forwards: explained */
	CAM_GAP_BEFORE_DOWN,	/* no footage long before the camera-down */
	CAM_GAP_AFTER_UP,	/* no footage long after the camera-up */
	CAM_GAP_STOPPED,	/* a record-stop, not resumed */
	CAM_GAP_UNEXPLAINED,	/* nothing journaled: not recording */
	CAM_GAP_MOVED,		/* recorded by another host meanwhile
				 * (handover): explained */
};

/* A gap from prev_end to start, given ev.  A camera that was down
 * explains the time from its camera-down (once the recorder noticed) to
 * its camera-up (start if none came); the rest of a long gap is still a
 * finding. */
enum cam_gap_cause cam_gaps_classify(const struct cam_gap_events *ev,
    time_t prev_end, time_t start);
/* Is a cause one that explains its gap? */
int cam_gaps_explained(enum cam_gap_cause c);
/* Note a manifest record in ev if it is one of the events above:
 * returns 1 if it was, 0 if not (segments and the rest). */
struct cam_journal_rec;
int cam_gaps_event(struct cam_gap_events *ev,
    const struct cam_journal_rec *r);

/* One camera's footage over [from, to), from its manifest. */
struct cam_uptime {
	time_t from, to;	/* the window (the caller clips it to now) */
	time_t began;		/* first record-start, 0: none */
	int64_t recorded;	/* seconds of footage in the window */
	uint64_t segments, bytes;
	int gaps, unexplained, downs, disk_full, jumps, clock_steps;
	struct cam_gap_events ev;	/* since the last segment */
	int64_t gap_s, longest;
	time_t prev_end;
	uint64_t by_age, by_capacity, other_deleted;
};

/* Read camera's manifest under root into u (from and to set by the
 * caller, the rest zero).  A camera without a manifest has none of it;
 * -1 when the manifest is broken. */
int cam_gaps_uptime(const char *root, const char *camera,
    struct cam_uptime *u, struct cam_err *e);

#endif
