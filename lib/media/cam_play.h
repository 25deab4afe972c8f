/*
 * cam_play: recorded footage of one camera for playback (camview), read
 * from its segments and manifest, and the day's timeline.
 *
 * A playback starts at the last keyframe at or before from and goes on
 * across segment boundaries, in wall time: the output's timestamps are
 * microseconds since the first frame sent (its wall time is
 * cam_play_result.first_us), so that the browser's currentTime plus
 * first_us is the wall time of the picture; a gap in the recordings is
 * a gap in the timestamps.  Stream copy through cam_fmp4.
 */
#ifndef CAM_PLAY_H
#define CAM_PLAY_H

#include <stdint.h>

#include "base/cam_err.h"
#include "media/cam_fmp4.h"

struct cam_play_req {
	const char *root;		/* storage root */
	const char *camera;
	int64_t from_us;		/* wall time, UTC microseconds */
	int64_t to_us;			/* end of the window (exclusive) */
	const char *zone;		/* of the times in messages (the
					 * site's; NULL: UTC) */
	/* Called before every frame with its wall time: 0 go on, -1 stop
	 * (the viewer went, or a pace); NULL: none. */
	int (*pace)(void *arg, int64_t wall_us);
	void *pace_arg;
};

struct cam_play_result {
	int64_t first_us;	/* wall time of the first frame sent, 0: none
				 * (of its decoding time: with B-frames a
				 * frame or two before it shows; first_us +
				 * the output's time is always the wall
				 * time) */
	int64_t last_us;	/* wall time of the last frame sent */
	int64_t frames;
	int64_t bytes;
	char mime[96];		/* as cam_fmp4_mime */
};

/*
 * Stream [from_us, to_us) to out as fragmented MP4.  CAM_NO when nothing
 * is recorded in the window ("no recording of gate from ... to ...").
 * Returns 0 also when out or pace stopped it; res says what was served.
 * The init segment is written before the first frame; res->first_us is
 * known when out is first called (the caller may read it from its
 * out callback to send a header first).
 */
int cam_play_stream(const struct cam_play_req *r, cam_fmp4_out out,
    void *arg, struct cam_play_result *res, struct cam_err *e);

/* The day's timeline, [from_us, to_us). */
enum cam_span_kind {
	CAM_SPAN_RECORDED,	/* footage */
	CAM_SPAN_GAP,		/* nothing recorded */
	CAM_SPAN_DOWN,		/* the camera was down (the manifest says) */
};

struct cam_span {
	enum cam_span_kind kind;
	int64_t from_us, to_us;
	char reason[128];	/* gaps: "not recorded", "camera down",
				 * "disk full", "clock stepped forwards",
				 * "recording stopped: WHY"; outages: the
				 * camera-down record's reason */
};

struct cam_mark {		/* a logbook entry naming the camera */
	int64_t at_us;
	uint64_t seq;
	char author[64];
	char kind[32];
	char text[512];
};

struct cam_timeline {
	struct cam_span *spans;
	size_t nspans;
	struct cam_mark *marks;
	size_t nmarks;
};

/* Spans of root's camera over [from_us, to_us) (recorded, gaps, outages,
 * in time order, covering the window), and the logbook's entries for
 * that camera in the window. */
int cam_play_timeline(const char *root, const char *camera, int64_t from_us,
    int64_t to_us, struct cam_timeline *t, struct cam_err *e);
void cam_play_timeline_free(struct cam_timeline *t);

#endif
