/*
 * cam_watch: the watcher (camctl watch, camkit-alerts(7)).  Each run
 * looks at what the site's own records say now, decides which events
 * are new, and tells people: a camera down longer than
 * alerts.camera_down_after and back up, storage days left below the
 * retention, a logbook entry of kind suspicious, incident or fault, a
 * journal chain or seal that fails its check (a missing or late seal
 * too), a refused extraction or view, a new monthly report, and once a
 * day a digest of the last 24 hours.
 *
 * What it has told is kept under <root>/alerts/ (written temp, fsync,
 * rename): "state", so that a run after a restart tells nothing twice
 * and a condition that clears gets its resolution; "outbox/", one file
 * per message and channel (mail, webhook), queued before it is tried
 * and removed once delivered, so that a mail server that is down delays
 * alerts and loses none; each channel is emptied in order and stops at
 * its first failure.  Words people read are in the site's language.
 */
#ifndef CAM_WATCH_H
#define CAM_WATCH_H

#include <time.h>

#include "base/cam_err.h"
#include "site/cam_site.h"

#define CAM_WATCH_DIR		"alerts"
#define CAM_REPORTS_DIR		"reports"

struct cam_watch_opts {
	const char *host;	/* this host: its cameras are watched */
	time_t now;
	int digest;		/* send the daily digest now */
};

/* One delivery tried: what the caller journals. */
struct cam_watch_send {
	const char *kind;	/* cam_alert_kinds[] */
	const char *event;	/* down, up, low, ok, entry, broken, fixed,
				 * refused, report, digest */
	const char *object;	/* a camera, a logbook SEQ..., or "" */
	const char *channel;	/* mail, webhook */
	const char *file;	/* its outbox file's name */
	int ok;
	const struct cam_err *why;	/* when not ok */
};

struct cam_watch_result {
	int events;	/* new events this run */
	int sent;	/* messages delivered */
	int failed;	/* deliveries that failed (the message stays) */
	int queued;	/* messages left in the outbox */
};

/*
 * One run over site s.  on_send is called for every delivery tried.
 * -1 only when the run could not be made (the state cannot be read or
 * written, the outbox cannot be written); a delivery that fails is not
 * an error here: res->failed and res->queued say so, and e tells the
 * first failure (e->code 0 when there was none).
 */
int cam_watch_run(struct cam_site *s, const struct cam_watch_opts *o,
    void (*on_send)(void *arg, const struct cam_watch_send *d), void *arg,
    struct cam_watch_result *res, struct cam_err *e);

#endif
