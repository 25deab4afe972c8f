/*
 * TEMPORARY, this branch only: weak stand-ins for the functions other
 * parts write at the same time (view rights, grants, live, fmp4,
 * playback), so that camview links and its server can be tested.
 * Removed before the branch is merged.
 */
#include <stdio.h>
#include <string.h>

#include "evidence/cam_grant.h"
#include "media/cam_fmp4.h"
#include "media/cam_live.h"
#include "media/cam_play.h"
#include "view/cam_view_rights.h"

#define W __attribute__((weak))

static int
has(const struct cam_config *cfg, const char *account, unsigned roles)
{
	const struct cam_user *u = cam_config_user(cfg, account);

	return u != NULL && (u->roles & roles) != 0;
}

W int cam_view_may_live(const struct cam_config *cfg, const char *account,
    const char *camera, char *why, size_t len)
{
	(void)camera;
	if (has(cfg, account, CAM_ROLE_GUARD | CAM_ROLE_OPERATOR |
	    CAM_ROLE_CHIEF | CAM_ROLE_DIRECTOR))
		return 1;
	snprintf(why, len, "%s may not watch live", account);
	return 0;
}

W int cam_view_may_play(const struct cam_config *cfg,
    const struct cam_grants *gs, const char *account, const char *camera,
    int64_t from_us, int64_t to_us, int64_t now, struct cam_view_right *r,
    char *why, size_t len)
{
	(void)gs; (void)camera; (void)now;
	if (has(cfg, account, CAM_ROLE_CHIEF | CAM_ROLE_DIRECTOR)) {
		r->granted = 1;
		r->request[0] = '\0';
		r->from_us = from_us;
		r->to_us = to_us;
		return 1;
	}
	snprintf(why, len, "%s has no view request in force", account);
	return 0;
}

W int cam_view_may_audit(const struct cam_config *cfg, const char *account,
    char *why, size_t len)
{
	if (has(cfg, account, CAM_ROLE_AUDITOR | CAM_ROLE_DIRECTOR |
	    CAM_ROLE_OPERATOR))
		return 1;
	snprintf(why, len, "%s may not read the access report", account);
	return 0;
}

W int cam_view_report(const struct cam_config *cfg, const char *confdir,
    const char *root, const char *host, const char *account,
    const char *camera, const char *kind, const char *note, int64_t at,
    int before_s, int after_s, uint64_t *seq, char *hold_id, size_t len,
    struct cam_err *e)
{
	(void)cfg; (void)confdir; (void)root; (void)host; (void)account;
	(void)camera; (void)kind; (void)note; (void)at; (void)before_s;
	(void)after_s; (void)seq; (void)hold_id; (void)len;
	return cam_errf(e, CAM_ENV, "reports are not there yet");
}

W int cam_grant_add(const struct cam_config *cfg, const char *confdir,
    const char *root, const char *host, const char *path,
    const char *const *sigs, size_t nsigs, int64_t now,
    struct cam_grant *g, struct cam_err *e)
{
	(void)cfg; (void)confdir; (void)root; (void)host; (void)path;
	(void)sigs; (void)nsigs; (void)now; (void)g;
	return cam_errf(e, CAM_ENV, "view requests are not there yet");
}

W int cam_grant_list(const char *root, struct cam_grants *gs,
    struct cam_err *e)
{
	(void)root; (void)e;
	gs->v = NULL;
	gs->n = 0;
	return 0;
}

W void cam_grants_free(struct cam_grants *gs)
{
	(void)gs;
}

W int cam_live_sub_open(struct cam_live_sub **s, const char *run_dir,
    const char *camera, const char *stream, struct cam_err *e)
{
	(void)s; (void)run_dir; (void)stream;
	return cam_errf(e, CAM_NO, "%s: not recorded now", camera);
}

W int cam_live_sub_read(struct cam_live_sub *s, struct cam_live_msg *m,
    int timeout_ms, struct cam_err *e)
{
	(void)s; (void)m; (void)timeout_ms;
	return cam_errf(e, CAM_ENV, "no live");
}

W void cam_live_sub_close(struct cam_live_sub *s)
{
	(void)s;
}

W int cam_fmp4_open(struct cam_fmp4 **m, const char *codec,
    const uint8_t *extradata, size_t extradata_len, int width, int height,
    int per_frame, cam_fmp4_out out, void *arg, struct cam_err *e)
{
	(void)m; (void)extradata; (void)extradata_len; (void)width;
	(void)height; (void)per_frame; (void)out; (void)arg;
	return cam_errf(e, CAM_NO, "%s: no muxer yet", codec);
}

W const char *cam_fmp4_mime(const struct cam_fmp4 *m)
{
	(void)m;
	return "video/mp4";
}

W int cam_fmp4_write(struct cam_fmp4 *m, const uint8_t *data, size_t size,
    int key, int64_t pts_us, int64_t dts_us, struct cam_err *e)
{
	(void)m; (void)data; (void)size; (void)key; (void)pts_us;
	(void)dts_us;
	return cam_errf(e, CAM_ENV, "no muxer yet");
}

W void cam_fmp4_close(struct cam_fmp4 *m)
{
	(void)m;
}

W int cam_play_stream(const struct cam_play_req *r, cam_fmp4_out out,
    void *arg, struct cam_play_result *res, struct cam_err *e)
{
	(void)out; (void)arg; (void)res;
	return cam_errf(e, CAM_NO, "no recording of %s", r->camera);
}

W int cam_play_timeline(const char *root, const char *camera,
    int64_t from_us, int64_t to_us, struct cam_timeline *t,
    struct cam_err *e)
{
	(void)root; (void)camera; (void)from_us; (void)to_us; (void)e;
	memset(t, 0, sizeof *t);
	return 0;
}

W void cam_play_timeline_free(struct cam_timeline *t)
{
	(void)t;
}
