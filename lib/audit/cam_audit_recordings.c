/*
 * cam_audit_recordings: see cam_audit_recordings.h.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/cam_audit_recordings.h"
#include "audit/cam_audit_store.h"
#include "base/cam_json.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "media/cam_gaps.h"
#include "media/cam_store.h"

struct rctx {
	struct cam_checklist *ck;
	const char *camera;
	const char *zone;
	time_t from, to;	/* 0: open */
	time_t prev_end;	/* of the last segment seen, 0 if none */
	/* Since then: when the camera went down and came back, when the
	 * recorder was stopped, whether the disk filled. */
	struct cam_gap_events ev;
};

static int
in_range(const struct rctx *c, time_t a, time_t b)
{
	return (c->from == 0 || b >= c->from) && (c->to == 0 || a < c->to);
}

/* A gap around a handover (camctl sync moved the camera): head, and
 * where the camera was recorded meanwhile. */
static void
moved(struct rctx *c, const char *head)
{
	const struct cam_gap_events *ev = &c->ev;
	char m[64];

	cam_time_format_human(ev->moved_at, c->zone, m, sizeof(m));
	if (ev->moved_to[0] != '\0')
		cam_checklist_add(c->ck, 1, "gap", "%s, moved to %s at %s "
		    "(handover)", head, ev->moved_to, m);
	else
		cam_checklist_add(c->ck, 1, "gap", "%s, moved from %s at %s "
		    "(handover)", head, ev->moved_from, m);
}

/* The footage of camera that ends here because it went to another host
 * (a handover after the last segment), or starts here because it came
 * from one (before the first): the side of the gap this host sees. */
static void
moved_edge(struct rctx *c, time_t start)
{
	char a[64], head[512];

	if (start != 0) {
		cam_time_format_human(c->ev.moved_at, c->zone, a, sizeof(a));
		char b[64];
		cam_time_format_human(start, c->zone, b, sizeof(b));
		snprintf(head, sizeof(head), cam_checklist_tr(c->ck, "%s: "
		    "%s to %s, %lld s"), c->camera, a, b,
		    (long long)(start - c->ev.moved_at));
	} else {
		cam_time_format_human(c->prev_end, c->zone, a, sizeof(a));
		snprintf(head, sizeof(head), cam_checklist_tr(c->ck, "%s: "
		    "from %s, no footage here since"), c->camera, a);
	}
	moved(c, head);
}

/* A gap from c->prev_end to start, and what the manifest says of it:
 * "CAMERA: FROM to TO, N s" and why. */
static void
gap(struct rctx *c, time_t start)
{
	const struct cam_gap_events *ev = &c->ev;
	char a[64], b[64], d[64] = "", u[64] = "", head[512];
	enum cam_gap_cause why = cam_gaps_classify(ev, c->prev_end, start);
	int ok = cam_gaps_explained(why);

	cam_time_format_human(c->prev_end, c->zone, a, sizeof(a));
	cam_time_format_human(start, c->zone, b, sizeof(b));
	snprintf(head, sizeof(head), cam_checklist_tr(c->ck, "%s: %s to %s, "
	    "%lld s"), c->camera, a, b, (long long)(start - c->prev_end));
	if (ev->down_at != 0) {
		cam_time_format_human(ev->down_at, c->zone, d, sizeof(d));
		cam_time_format_human(ev->up_at ? ev->up_at : start, c->zone,
		    u, sizeof(u));
	} else if (ev->stop_at != 0)
		cam_time_format_human(ev->stop_at, c->zone, d, sizeof(d));
	switch (why) {
	case CAM_GAP_BEFORE_DOWN:
		cam_checklist_add(c->ck, ok, "gap", "%s: no footage for %lld s "
		    "before the camera-down at %s", head,
		    (long long)(ev->down_at - c->prev_end), d);
		break;
	case CAM_GAP_AFTER_UP:
		cam_checklist_add(c->ck, ok, "gap", "%s: the camera was back "
		    "at %s, no footage for %lld s after", head, u,
		    (long long)(start - (ev->up_at ? ev->up_at : start)));
		break;
	case CAM_GAP_DOWN:
		cam_checklist_add(c->ck, ok, "gap", "%s, the camera was down "
		    "(journaled)", head);
		break;
	case CAM_GAP_CLOCK_STEP:
		cam_checklist_add(c->ck, ok, "gap", "%s, the system clock was "
		    "stepped forwards by %lld s (journaled)", head,
		    (long long)ev->clock_step);
		break;
	case CAM_GAP_DISK_FULL:
		cam_checklist_add(c->ck, ok, "gap", "%s, the disk was full "
		    "(journaled)", head);
		break;
	case CAM_GAP_STOPPED:
		cam_checklist_add(c->ck, ok, "gap", "%s: recording was stopped "
		    "at %s (record-stop, reason %s) and not resumed until %s",
		    head, d, ev->stop_why, b);
		break;
	case CAM_GAP_MOVED:
		moved(c, head);
		break;
	case CAM_GAP_UNEXPLAINED:
		cam_checklist_add(c->ck, ok, "gap", "%s, and no camera-down "
		    "event: the recorder was not recording", head);
		break;
	}
}

static int
rec_cb(void *arg, const struct cam_journal_rec *r)
{
	struct rctx *c = arg;
	char file[PATH_MAX], reason[256], a[64];
	time_t start, end;

	if (cam_gaps_event(&c->ev, r))
		return 0;
	if (strcmp(r->kind, "delete") == 0) {
		start = cam_json_get_time(r->data, "start");
		end = cam_json_get_time(r->data, "end");
		if (!in_range(c, start, end))
			return 0;
		if (cam_json_get_str(r->data, "file", file, sizeof(file)) == -1)
			snprintf(file, sizeof(file), "?");
		if (cam_json_get_str(r->data, "reason", reason,
		    sizeof(reason)) == -1)
			snprintf(reason, sizeof(reason), "%s",
			    cam_checklist_tr(c->ck, "none given"));
		cam_time_format_human(r->time, c->zone, a, sizeof(a));
		cam_checklist_add(c->ck, 1, "deleted", "%s: deleted %s, "
		    "reason: %s", file, a, reason);
		return 0;
	}
	if (strcmp(r->kind, "segment") != 0)
		return 0;
	start = cam_json_get_time(r->data, "start");
	end = cam_json_get_time(r->data, "end");
	if (c->prev_end != 0 && cam_gaps_between(c->prev_end, start) > 0 &&
	    in_range(c, c->prev_end, start)) {
		gap(c, start);
	} else if (c->prev_end == 0 && c->ev.moved_from[0] != '\0' &&
	    in_range(c, c->ev.moved_at, start))
		moved_edge(c, start);
	c->prev_end = end;
	memset(&c->ev, 0, sizeof(c->ev));
	return 0;
}

static void
rec_report(void *arg, const char *what, const struct cam_err *finding)
{
	struct rctx *c = arg;

	cam_checklist_add(c->ck, 0, what, "%s",
	    cam_checklist_msg(c->ck, finding));
}

/* Every camera with a manifest under root (or only camera), its
 * segments read from src (NULL: the files under root); each check
 * named host/CAMERA when host is not NULL. */
static int
recordings_at(const char *root, const char *zone,
    const struct cam_store_source *src, const char *host, const char *camera,
    time_t from, time_t to, struct cam_checklist *ck, struct cam_err *e)
{
	struct rctx c;
	char path[PATH_MAX], label[PATH_MAX];
	char **cams = NULL;
	size_t n = 0;

	memset(&c, 0, sizeof(c));
	c.ck = ck;
	c.zone = zone;
	c.from = from;
	c.to = to;
	if (camera != NULL) {
		cams = cam_xmalloc(sizeof(*cams));
		cams[n++] = cam_xstrdup(camera);
	} else if (cam_store_cameras(root, &cams, &n, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint64_t checked = 0;
		int found;

		c.camera = cams[i];
		c.prev_end = 0;
		memset(&c.ev, 0, sizeof(c.ev));
		if (host != NULL)
			snprintf(label, sizeof(label), "%s/%s", host, cams[i]);
		else
			snprintf(label, sizeof(label), "%s", cams[i]);
		/* A window's check reads the volumes that hold it. */
		found = cam_store_verify_from(root, cams[i],
		    from ? from : CAM_JOURNAL_ALL, src, rec_report, &c,
		    &checked, e);
		if (found == -1 && e->code == CAM_ENV && src != NULL)
			goto fail;	/* the store went away: no verdict */
		if (found == -1) {
			cam_checklist_add(ck, 0, label, "%s",
			    cam_checklist_msg(ck, e));
			cam_err_clear(e);
			continue;
		}
		if (cam_path(path, sizeof(path), e, "%s/%s/manifest",
		    root, cams[i]) == 0 &&
		    cam_journal_foreach_since(path, from ? from :
		    CAM_JOURNAL_ALL, rec_cb, &c, e) == -1) {
			cam_checklist_add(ck, 0, label, "%s",
			    cam_checklist_msg(ck, e));
			cam_err_clear(e);
		}
		/* Handed over after its last segment here. */
		if (c.prev_end != 0 && c.ev.moved_to[0] != '\0' &&
		    in_range(&c, c.prev_end, c.ev.moved_at))
			moved_edge(&c, 0);
		if (found == 0)
			cam_checklist_add(ck, 1, label, "%" PRIu64 " "
			    "segments match their manifest", checked);
	}
	if (n == 0 && host == NULL)
		cam_checklist_add(ck, 0, "recordings", "no camera has a "
		    "manifest under %s", root);
	for (size_t i = 0; i < n; i++)
		free(cams[i]);
	free(cams);
	return 0;
fail:
	for (size_t i = 0; i < n; i++)
		free(cams[i]);
	free(cams);
	return -1;
}

int
cam_audit_recordings(struct cam_site *s, const char *camera,
    time_t from, time_t to, struct cam_checklist *ck, struct cam_err *e)
{
	return recordings_at(s->cfg.root, s->cfg.timezone, NULL, NULL, camera,
	    from, to, ck, e);
}

int
cam_audit_recordings_store(struct cam_site *s, struct cam_audit_store *st,
    const char *camera, time_t from, time_t to, struct cam_checklist *ck,
    struct cam_err *e)
{
	char label[512];
	int n = ck->n;

	st->pending = 0;
	st->pending_first[0] = '\0';
	if (recordings_at(st->root, s->cfg.timezone, &st->src, st->host,
	    camera, from, to, ck, e) == -1)
		return -1;
	if (cam_audit_store_orphans(st, ck, e) == -1)
		return -1;
	if (ck->n == n)
		cam_checklist_add(ck, 0, st->host, "no camera of this host has "
		    "a manifest in the store %s", st->url);
	/* Segments closed after the manifest's last replicated seal are in
	 * the store before the manifest that lists them: not a fault. */
	snprintf(label, sizeof(label), "%s/pending", st->host);
	if (st->pending > 0)
		cam_checklist_add(ck, 1, label, cam_checklist_ntr(ck,
		    "%llu segment recorded after the last seal replicated, "
		    "from %s on, is not in the store's manifest yet",
		    "%llu segments recorded after the last seal replicated, "
		    "from %s on, are not in the store's manifest yet",
		    (unsigned long)st->pending),
		    (unsigned long long)st->pending, st->pending_first);
	return 0;
}
