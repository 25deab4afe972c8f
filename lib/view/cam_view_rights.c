/*
 * cam_view_rights: who may see what in camview (see cam_view_rights.h).
 *
 * The roles are cam_policy's, asked by account name (the login), never
 * by this process's user: camview runs as the service account, which
 * must not lend its rights to whoever logs in.
 *
 * Every refusal's why begins with the code the HTTP API answers, then
 * ": " and English words: "no-camera: ...", "forbidden: ...",
 * "no-request: ...", "outside-request: ...".  camview splits it there.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cam_json.h"
#include "base/cam_time.h"
#include "journal/cam_journal.h"
#include "journal/cam_logbook.h"
#include "media/cam_store.h"
#include "site/cam_policy.h"
#include "view/cam_view_rights.h"

#define US	INT64_C(1000000)

/* The policy's answer for account, with why as "CODE: words". */
static int
may(const struct cam_config *cfg, const char *account, enum cam_action act,
    char *why, size_t len)
{
	char w[320];

	if (cam_policy_may_account(cfg, account, act, w, sizeof(w)))
		return 1;
	snprintf(why, len, "forbidden: %s", w);
	return 0;
}

static int
known_camera(const struct cam_config *cfg, const char *camera, char *why,
    size_t len)
{
	if (camera != NULL && cam_config_camera(cfg, camera) != NULL)
		return 1;
	snprintf(why, len, "no-camera: no camera \"%.64s\" in the "
	    "configuration in force", camera != NULL ? camera : "");
	return 0;
}

int
cam_view_may_live(const struct cam_config *cfg, const char *account,
    const char *camera, char *why, size_t len)
{
	return known_camera(cfg, camera, why, len) &&
	    may(cfg, account, CAM_ACT_WATCH_LIVE, why, len);
}

int
cam_view_may_audit(const struct cam_config *cfg, const char *account,
    char *why, size_t len)
{
	return may(cfg, account, CAM_ACT_AUDIT, why, len);
}

/* Does a grant in force give account camera at all (any window)? */
static const struct cam_grant *
some_grant(const struct cam_grants *gs, const char *account,
    const char *camera, int64_t now)
{
	if (gs == NULL)
		return NULL;
	for (size_t i = 0; i < gs->n; i++) {
		const struct cam_grant *g = &gs->v[i];
		if (strcmp(g->account, account) != 0 || now >= g->expires_us)
			continue;
		for (size_t k = 0; k < g->ncameras; k++)
			if (strcmp(g->cameras[k], camera) == 0)
				return g;
	}
	return NULL;
}

int
cam_view_may_play(const struct cam_config *cfg,
    const struct cam_grants *gs, const char *account, const char *camera,
    int64_t from_us, int64_t to_us, int64_t now, struct cam_view_right *r,
    char *why, size_t len)
{
	const struct cam_grant *g;
	char w[512], a[64], b[64];

	memset(r, 0, sizeof(*r));
	if (!known_camera(cfg, camera, why, len))
		return 0;
	if (from_us >= to_us) {
		snprintf(why, len, "bad-request: an empty window");
		return 0;
	}
	/* The chief of office and the director, directly (000 Đ6.2). */
	if (cam_policy_may_account(cfg, account, CAM_ACT_VIEW, w, sizeof(w))) {
		r->granted = 1;
		r->from_us = from_us;
		r->to_us = to_us;
		return 1;
	}
	/* Anyone else inside a view request in force (000 Đ6.3). */
	if ((g = cam_grant_find(gs, account, camera, from_us, to_us,
	    now)) != NULL) {
		r->granted = 1;
		snprintf(r->request, sizeof(r->request), "%s", g->id);
		r->from_us = g->from_us;
		r->to_us = g->to_us;
		return 1;
	}
	if ((g = some_grant(gs, account, camera, now)) != NULL) {
		cam_time_format_human((time_t)(g->from_us / US),
		    cfg->timezone, a, sizeof(a));
		cam_time_format_human((time_t)(g->to_us / US), cfg->timezone,
		    b, sizeof(b));
		snprintf(why, len, "outside-request: view request %s lets %s "
		    "see camera %s from %s to %s only", g->id, account,
		    camera, a, b);
		return 0;
	}
	snprintf(why, len, "no-request: %s; stored footage of camera %s "
	    "needs a view request in force naming %s (camkit-request(5))",
	    w, camera, account);
	return 0;
}

/* ---- the guard's report ---- */

/* The logbook entry: 0 with *seq, or -1 (nothing written). */
static int
report_entry(const struct cam_config *cfg, const char *root,
    const char *host, const char *account, uid_t uid, const char *camera,
    const char *kind, const char *note, int64_t at, uint64_t *seq,
    struct cam_err *e)
{
	struct cam_buf text = CAM_BUF_INIT, data = CAM_BUF_INIT;
	struct cam_logbook lb;
	const struct cam_logbook_entry *open;
	struct cam_journal *j = NULL;
	struct cam_journal_rec rec;
	char path[PATH_MAX], t[64];
	int rc = -1;

	if (cam_path(path, sizeof(path), e, "%s/" CAM_LOGBOOK_FILE,
	    root) == -1)
		return -1;
	/* camlog's rules: on shift, that is holding the open shift. */
	if (cam_logbook_load(&lb, path, e) == -1)
		return -1;
	open = lb.open_shift != 0 ? cam_logbook_get(&lb, lb.open_shift) : NULL;
	if (open == NULL)
		cam_errf(e, CAM_NO, "no shift is open: a report from the "
		    "screen is written by the guard on shift (camlog shift "
		    "start)");
	else if (strcmp(open->author, account) != 0)
		cam_errf(e, CAM_NO, "the shift on now is %s's (entry %" PRIu64
		    "), not %s's: the guard on shift reports", open->author,
		    open->seq, account);
	else
		rc = 0;
	cam_logbook_free(&lb);
	if (rc == -1)
		return -1;
	rc = -1;
	cam_time_format_zone((time_t)(at / US), cfg->timezone, t, sizeof(t));
	if (note != NULL && note[0] != '\0')
		cam_buf_addf(&text, "%s (camview, %s)", note, t);
	else
		/* No words of the guard's: the record's own, in English
		 * as every journal record (the page shows the kind in the
		 * reader's language). */
		cam_buf_addf(&text, "%s reported from the screen (camview, "
		    "%s)", strcmp(kind, "suspicious") == 0 ?
		    "something suspicious" : "a fault", t);
	if (cam_logbook_text_check(cam_buf_str(&text), text.len, e) == -1) {
		cam_err_wrap(e, e, "note");
		goto end;
	}
	cam_json_begin(&data);
	cam_json_add_str(&data, "author", account);
	cam_json_add_uint(&data, "uid", uid);
	cam_json_add_str(&data, "camera", camera);
	cam_json_add_str(&data, "text", cam_buf_str(&text));
	cam_json_end(&data);
	if (cam_journal_open(&j, path, host, e) == 0 &&
	    cam_journal_append(j, kind, cam_buf_str(&data), &rec, e) == 0) {
		*seq = rec.seq;
		rc = 0;
	}
	cam_journal_close(&j);
end:
	cam_buf_free(&text);
	cam_buf_free(&data);
	return rc;
}

int
cam_view_report(const struct cam_config *cfg, const char *confdir,
    const char *root, const char *host, const char *account,
    const char *camera, const char *kind, const char *note, int64_t at,
    int before_s, int after_s, uint64_t *seq, char *hold_id, size_t len,
    struct cam_err *e)
{
	struct passwd *pw;
	char why[512], reason[256];
	uint64_t hid = 0;
	time_t t;

	(void)confdir;
	*seq = 0;
	if (len > 0)
		hold_id[0] = '\0';
	if (kind == NULL || (strcmp(kind, "suspicious") != 0 &&
	    strcmp(kind, "fault") != 0))
		return cam_errf(e, CAM_NO, "a report is suspicious or fault, "
		    "not \"%.32s\"", kind != NULL ? kind : "");
	if (!known_camera(cfg, camera, why, sizeof(why)) ||
	    !may(cfg, account, CAM_ACT_LOG_WRITE, why, sizeof(why)))
		return cam_errf(e, CAM_NO, "%s", strchr(why, ' ') + 1);
	if (before_s < 0 || after_s < 0)
		return cam_errf(e, CAM_NO, "a hold's margins cannot be "
		    "negative");
	errno = 0;
	if ((pw = getpwnam(account)) == NULL)
		return cam_errf(e, CAM_NO, "%s is not an account of this host",
		    account);
	if (report_entry(cfg, root, host, account, pw->pw_uid, camera, kind,
	    note, at, seq, e) == -1) {
		return cam_err_wrap(e, e, "report: no logbook entry and no "
		    "hold written");
	}
	t = (time_t)(at / US);
	snprintf(reason, sizeof(reason), "logbook %" PRIu64 ": %s reported "
	    "from camview", *seq, kind);
	if (cam_store_hold_add(root, host, camera, t - before_s, t + after_s,
	    reason, account, &hid, e) == -1) {
		return cam_err_wrap(e, e, "report: logbook entry %" PRIu64
		    " written, but the hold on camera %s failed", *seq,
		    camera);
	}
	snprintf(hold_id, len, "%" PRIu64, hid);
	return 0;
}
