/*
 * cam_gaps: see cam_gaps.h.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/cam_json.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "media/cam_gaps.h"

int64_t
cam_gaps_between(time_t prev_end, time_t start)
{
	return start - prev_end > CAM_GAPS_ROUNDING ?
	    (int64_t)(start - prev_end) : 0;
}

enum cam_gap_cause
cam_gaps_classify(const struct cam_gap_events *ev, time_t prev_end,
    time_t start)
{
	/* Another host recorded the camera meanwhile (camkit-hosts(7)). */
	if (ev->moved_to[0] != '\0' || ev->moved_from[0] != '\0')
		return CAM_GAP_MOVED;
	/* A step forwards makes a hole in the times, not in the footage. */
	if (ev->clock_step > 0 &&
	    start - prev_end <= ev->clock_step + CAM_GAPS_DOWN_SLACK)
		return CAM_GAP_CLOCK_STEP;
	if (ev->down_at != 0) {
		time_t up = ev->up_at ? ev->up_at : start;
		if (ev->down_at - prev_end > CAM_GAPS_DOWN_SLACK)
			return CAM_GAP_BEFORE_DOWN;
		if (start - up > CAM_GAPS_DOWN_SLACK)
			return CAM_GAP_AFTER_UP;
		return CAM_GAP_DOWN;
	}
	if (ev->disk_full)
		return CAM_GAP_DISK_FULL;
	if (ev->stop_at != 0)
		return CAM_GAP_STOPPED;
	return CAM_GAP_UNEXPLAINED;
}

int
cam_gaps_explained(enum cam_gap_cause c)
{
	return c == CAM_GAP_DOWN || c == CAM_GAP_DISK_FULL ||
	    c == CAM_GAP_CLOCK_STEP || c == CAM_GAP_MOVED;
}

int
cam_gaps_event(struct cam_gap_events *ev, const struct cam_journal_rec *r)
{
	int64_t n;

	if (strcmp(r->kind, "camera-down") == 0) {
		if (ev->down_at == 0)
			ev->down_at = r->time;
	} else if (strcmp(r->kind, "camera-up") == 0)
		ev->up_at = r->time;
	else if (strcmp(r->kind, "disk-full") == 0)
		ev->disk_full = 1;
	else if (strcmp(r->kind, "clock-step") == 0) {
		if (cam_json_get_int(r->data, "seconds", &n) == 0 && n > 0)
			ev->clock_step += n;
	} else if (strcmp(r->kind, "handover") == 0) {
		if (cam_json_get_str(r->data, "to", ev->moved_to,
		    sizeof(ev->moved_to)) == -1)
			ev->moved_to[0] = '\0';
		if (cam_json_get_str(r->data, "from", ev->moved_from,
		    sizeof(ev->moved_from)) == -1)
			ev->moved_from[0] = '\0';
		ev->moved_at = r->time;
	} else if (strcmp(r->kind, "record-stop") == 0) {
		ev->stop_at = r->time;
		if (cam_json_get_str(r->data, "reason", ev->stop_why,
		    sizeof(ev->stop_why)) == -1)
			snprintf(ev->stop_why, sizeof(ev->stop_why),
			    "none given");
	} else
		return 0;
	return 1;
}

static int64_t
overlap(time_t a, time_t b, time_t from, time_t to)
{
	time_t x = a > from ? a : from, y = b < to ? b : to;

	return y > x ? (int64_t)(y - x) : 0;
}

static int
uptime_cb(void *arg, const struct cam_journal_rec *r)
{
	struct cam_uptime *u = arg;
	char why[32];
	time_t start, end;

	if (strcmp(r->kind, "record-start") == 0) {
		if (u->began == 0)
			u->began = r->time;
		return 0;
	}
	if (r->time >= u->from && r->time < u->to) {
		if (strcmp(r->kind, "camera-down") == 0)
			u->downs++;
		else if (strcmp(r->kind, "disk-full") == 0)
			u->disk_full++;
		else if (strcmp(r->kind, "timestamp-jump") == 0)
			u->jumps++;
		else if (strcmp(r->kind, "clock-step") == 0)
			u->clock_steps++;
		else if (strcmp(r->kind, "delete") == 0) {
			if (cam_json_get_str(r->data, "reason", why,
			    sizeof(why)) == -1)
				why[0] = '\0';
			if (strcmp(why, "retention") == 0)
				u->by_age++;
			else if (strcmp(why, "capacity") == 0)
				u->by_capacity++;
			else
				u->other_deleted++;
		}
	}
	if (cam_gaps_event(&u->ev, r) || strcmp(r->kind, "segment") != 0)
		return 0;
	start = cam_json_get_time(r->data, "start");
	end = cam_json_get_time(r->data, "end");
	if (start == (time_t)-1 || end == (time_t)-1)
		return 0;
	int64_t in = overlap(start, end, u->from, u->to);
	if (in > 0) {
		int64_t b;
		u->recorded += in;
		u->segments++;
		if (cam_json_get_int(r->data, "bytes", &b) == 0 && b > 0)
			u->bytes += (uint64_t)b;
	}
	if (u->prev_end != 0 && cam_gaps_between(u->prev_end, start) > 0) {
		int64_t g = overlap(u->prev_end, start, u->from, u->to);
		if (g > 0) {
			u->gaps++;
			u->gap_s += g;
			if (g > u->longest)
				u->longest = g;
			if (!cam_gaps_explained(cam_gaps_classify(&u->ev,
			    u->prev_end, start)))
				u->unexplained++;
		}
	}
	u->prev_end = end;
	memset(&u->ev, 0, sizeof(u->ev));
	return 0;
}

int
cam_gaps_uptime(const char *root, const char *camera, struct cam_uptime *u,
    struct cam_err *e)
{
	char path[PATH_MAX];

	if (cam_path(path, sizeof(path), e, "%s/%s/manifest", root,
	    camera) == 0 && access(path, F_OK) == 0 &&
	    cam_journal_foreach_since(path, u->from, uptime_cb, u, e) == -1)
		return -1;
	return 0;
}
