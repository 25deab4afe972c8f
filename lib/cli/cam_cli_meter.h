/*
 * cam_cli_meter: progress of a long command, for a person at a terminal.
 *
 * One line on standard error, rewritten with \r: "prog: what: 12/40
 * segments, 1.2 GB of 3.4 GB" (or files, or another unit), at most five
 * times a second, and a final newline.  Only when standard error is a
 * terminal: never in a pipe, a file, a journal or a service, where it
 * would be noise.
 *
 *	struct cam_cli_meter m;
 *	cam_cli_meter_start(&m, _("verifying"), _("files"));
 *	o.progress = cam_cli_meter_show; o.arg = &m;
 *	...
 *	cam_cli_meter_end(&m);
 */
#ifndef CAM_CLI_METER_H
#define CAM_CLI_METER_H

#include <time.h>

#include "base/cam_util.h"

struct cam_cli_meter {
	const char *what;	/* what is going on, in the reader's words */
	const char *unit;	/* what is counted, in the same */
	int on;			/* standard error is a terminal */
	size_t width;		/* of the line shown last, 0: none shown */
	struct timespec last;	/* when it was shown */
};

/* on: isatty(stderr); what may be NULL. */
void cam_cli_meter_start(struct cam_cli_meter *m, const char *what,
    const char *unit);
/* A cam_progress_fn (arg: the meter): show p unless it was shown less
 * than 200 ms ago (the last step, done == total, always shows). */
void cam_cli_meter_show(void *arg, const struct cam_progress *p);
/* End the line if one was shown. */
void cam_cli_meter_end(struct cam_cli_meter *m);

#endif
