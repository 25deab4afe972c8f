/*
 * Unit tests for cam_gaps: why footage stopped between two segments.
 */
#include <stdio.h>
#include <string.h>

#include "journal/cam_journal.h"
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

	memset(&ev, 0, sizeof(ev));
	ev.stop_at = end + 1;
	snprintf(ev.moved_to, sizeof(ev.moved_to), "rec2");
	ev.moved_at = end + 1;
	CHECK(cam_gaps_classify(&ev, end, end + 900) == CAM_GAP_MOVED &&
	    cam_gaps_explained(CAM_GAP_MOVED),
	    "a handover to another host explains, before its record-stop");
	{
		struct cam_journal_rec r;

		memset(&ev, 0, sizeof(ev));
		memset(&r, 0, sizeof(r));
		r.time = end;
		r.kind = "handover";
		r.data = "{\"reason\":\"moved\",\"from\":\"rec1\","
		    "\"rev\":\"ab\"}";
		CHECK(cam_gaps_event(&ev, &r) == 1 &&
		    strcmp(ev.moved_from, "rec1") == 0 &&
		    ev.moved_to[0] == '\0' && ev.moved_at == end,
		    "a handover record names the host the camera came from");
	}
	return UNIT_END();
}
