/*
 * Unit tests for cam_gaps: why footage stopped between two segments.
 */
#include <string.h>

#include "media/cam_gaps.h"
#include "unit.h"

int
main(void)
{
	struct cam_gap_events ev;
	const time_t end = 1000000;	/* the last footage */

	CHECK(cam_gaps_between(end, end) == 0, "footage that goes on: no gap");
	CHECK(cam_gaps_between(end, end + 1) == 0,
	    "a cut that looks like 1 s is the rounding, not a gap");
	CHECK(cam_gaps_between(end, end + 2) == 2, "2 s without footage are");

	memset(&ev, 0, sizeof(ev));
	CHECK(cam_gaps_classify(&ev, end, end + 600) == CAM_GAP_UNEXPLAINED,
	    "nothing journaled: the recorder was not recording");
	CHECK(!cam_gaps_explained(CAM_GAP_UNEXPLAINED),
	    "an unexplained gap is a finding");

	ev.down_at = end + 20;
	ev.up_at = end + 500;
	CHECK(cam_gaps_classify(&ev, end, end + 510) == CAM_GAP_DOWN,
	    "down within the slack, footage back within the slack");
	CHECK(cam_gaps_explained(CAM_GAP_DOWN), "a camera-down explains");

	ev.down_at = end + CAM_GAPS_DOWN_SLACK;
	CHECK(cam_gaps_classify(&ev, end, end + 510) == CAM_GAP_DOWN,
	    "a camera-down exactly at the slack still explains");
	ev.down_at = end + CAM_GAPS_DOWN_SLACK + 1;
	CHECK(cam_gaps_classify(&ev, end, end + 510) == CAM_GAP_BEFORE_DOWN,
	    "footage stopped long before the camera-down");

	ev.down_at = end + 5;
	ev.up_at = end + 100;
	CHECK(cam_gaps_classify(&ev, end, end + 100 + CAM_GAPS_DOWN_SLACK) ==
	    CAM_GAP_DOWN, "footage back exactly at the slack after camera-up");
	CHECK(cam_gaps_classify(&ev, end, end + 101 + CAM_GAPS_DOWN_SLACK) ==
	    CAM_GAP_AFTER_UP, "footage back long after the camera-up");

	ev.up_at = 0;
	CHECK(cam_gaps_classify(&ev, end, end + 3600) == CAM_GAP_DOWN,
	    "no camera-up: down until the footage resumed");

	memset(&ev, 0, sizeof(ev));
	ev.disk_full = 1;
	ev.stop_at = end + 10;
	CHECK(cam_gaps_classify(&ev, end, end + 600) == CAM_GAP_DISK_FULL,
	    "a full disk explains, before a record-stop");
	CHECK(cam_gaps_explained(CAM_GAP_DISK_FULL), "a full disk explains");

	ev.disk_full = 0;
	CHECK(cam_gaps_classify(&ev, end, end + 600) == CAM_GAP_STOPPED,
	    "a record-stop is named, not explained");
	CHECK(!cam_gaps_explained(CAM_GAP_STOPPED), "a stop is a finding");

	ev.down_at = end + 1;
	CHECK(cam_gaps_classify(&ev, end, end + 600) == CAM_GAP_DOWN,
	    "a camera-down comes before a record-stop");
	return UNIT_END();
}
