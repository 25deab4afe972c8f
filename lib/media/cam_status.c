/*
 * cam_status: a camera's recording state and the room left (see
 * cam_status.h).
 */
#include <string.h>
#include <sys/statvfs.h>

#include "media/cam_gaps.h"
#include "media/cam_rec.h"
#include "media/cam_status.h"
#include "media/cam_store.h"

int
cam_camera_status(const char *root, const struct cam_camera *c, time_t now,
    struct cam_status *st, struct cam_err *e)
{
	struct cam_segments segs = { 0, NULL };
	time_t day = now - 86400, covered_from = 0;
	uint64_t recent = 0;

	memset(st, 0, sizeof(*st));
	st->cam = c;
	if (cam_store_segments(root, c->id, &segs, e) == -1) {
		cam_segments_free(&segs);
		return -1;
	}
	for (size_t i = 0; i < segs.n; i++) {
		const struct cam_segment *g = &segs.v[i];
		st->bytes += g->bytes;
		if (g->end > st->last_end)
			st->last_end = g->end;
		if (g->end >= day) {
			recent += g->bytes;
			if (covered_from == 0 || g->start < covered_from)
				covered_from = g->start < day ? day : g->start;
		}
		int64_t gap = i > 0 ? cam_gaps_between(segs.v[i - 1].end,
		    g->start) : 0;
		if (gap > 0 && g->start >= day) {
			st->gaps++;
			st->gap_seconds += gap;
		}
	}
	if (segs.n > 0)
		st->days = (double)(now - segs.v[0].start) / 86400;
	if (recent > 0 && now > covered_from)
		st->rate = (double)recent * 86400 / (double)(now - covered_from);
	st->state = !c->enabled ? "disabled" : cam_rec_running(root,
	    c->id) ? "recording" : "stopped";
	st->stale = c->enabled && (st->last_end == 0 ||
	    now - st->last_end > 2 * c->segment);
	cam_segments_free(&segs);
	return 0;
}

void
cam_storage_room(const struct cam_config *cfg, uint64_t live, double rate,
    uint64_t *room, double *days_left)
{
	struct statvfs vfs;

	*room = 0;
	*days_left = -1;
	if (statvfs(cfg->root, &vfs) == 0) {
		uint64_t total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
		uint64_t used = (uint64_t)(vfs.f_blocks - vfs.f_bfree) *
		    vfs.f_frsize;
		uint64_t limit = cfg->max_bytes > 0 ? cfg->max_bytes :
		    total / 100 * (uint64_t)cfg->max_percent;
		uint64_t base = cfg->max_bytes > 0 ? live : used;
		*room = limit > base ? limit - base : 0;
	}
	if (rate > 0)
		*days_left = (double)*room / rate;
}
