/*
 * Who may see what in camview (cam_view_rights): live by role, stored
 * footage by role or inside a view request, the access report, and the
 * guard's report (a logbook entry and a hold, on shift only).
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal/cam_journal.h"
#include "journal/cam_logbook.h"
#include "media/cam_store.h"
#include "site/cam_config.h"
#include "site/cam_policy.h"
#include "view/cam_view_rights.h"
#include "unit.h"

#define US	INT64_C(1000000)

static struct cam_err e;
static char dir[] = "/tmp/camkit-rights.XXXXXX";
static char me[64], other[64];

static int
live(const struct cam_config *cfg, const char *who, const char *cam)
{
	char why[512];

	return cam_view_may_live(cfg, who, cam, why, sizeof(why));
}

static int
play(const struct cam_config *cfg, const struct cam_grants *gs,
    const char *who, const char *cam, int64_t from, int64_t to, int64_t now,
    struct cam_view_right *r, char *why, size_t len)
{
	why[0] = '\0';
	return cam_view_may_play(cfg, gs, who, cam, from, to, now, r, why,
	    len);
}

static int
append(const char *kind, const char *data)
{
	struct cam_journal *j = NULL;
	int rc;

	cam_err_clear(&e);
	rc = cam_journal_open(&j, unit_path(dir, CAM_LOGBOOK_FILE), "h", &e);
	if (rc == 0)
		rc = cam_journal_append(j, kind, data, NULL, &e);
	cam_journal_close(&j);
	return rc;
}

static size_t
entries(void)
{
	struct cam_logbook lb;
	size_t n;

	if (cam_logbook_load(&lb, unit_path(dir, CAM_LOGBOOK_FILE), &e) == -1)
		return (size_t)-1;
	n = lb.n;
	cam_logbook_free(&lb);
	return n;
}

static size_t
holds(void)
{
	struct cam_holds h;
	size_t n;

	if (cam_store_holds(dir, &h, &e) == -1)
		return (size_t)-1;
	n = h.n;
	cam_holds_free(&h);
	return n;
}

int
main(void)
{
	struct cam_user users[] = {
		{ (char *)"guard1", CAM_ROLE_GUARD },
		{ (char *)"op", CAM_ROLE_OPERATOR },
		{ (char *)"chief", CAM_ROLE_CHIEF },
		{ (char *)"director", CAM_ROLE_DIRECTOR },
		{ (char *)"dept", CAM_ROLE_DEPARTMENT },
		{ (char *)"aud", CAM_ROLE_AUDITOR },
		{ me, CAM_ROLE_GUARD },
		{ other, CAM_ROLE_GUARD },
	};
	struct cam_camera cams[3];
	struct cam_config cfg;
	struct cam_grant g;
	struct cam_grants gs;
	struct cam_view_right r;
	struct passwd *pw = getpwuid(getuid());
	char why[512], hold[32], data[256];
	int64_t h8 = (int64_t)1795136400 * US, h9 = h8 + 3600 * US;
	int64_t now = h9 + 3600 * US;
	uint64_t seq = 0;

	snprintf(me, sizeof(me), "%s", pw != NULL ? pw->pw_name : "nobody");
	/* Another account of this host, a guard too. */
	snprintf(other, sizeof(other), "%s", strcmp(me, "daemon") != 0 ?
	    "daemon" : "bin");
	CHECK(mkdtemp(dir) != NULL, "a scratch data root");
	memset(cams, 0, sizeof(cams));
	cams[0].id = (char *)"gate";
	cams[1].id = (char *)"yard";
	cams[2].id = (char *)"hall";
	memset(&cfg, 0, sizeof(cfg));
	cfg.timezone = (char *)"Asia/Ho_Chi_Minh";
	cfg.root = dir;
	cfg.cameras = cams;
	cfg.ncameras = 3;
	cfg.users = users;
	cfg.nusers = sizeof(users) / sizeof(users[0]);

	/* Live. */
	CHECK(live(&cfg, "guard1", "gate") && live(&cfg, "op", "gate") &&
	    live(&cfg, "chief", "gate") && live(&cfg, "director", "gate"),
	    "guard, operator, chief of office and director watch live");
	CHECK(!live(&cfg, "dept", "gate") && !live(&cfg, "aud", "gate") &&
	    !live(&cfg, "stranger", "gate"),
	    "a department member, an auditor, a stranger do not");
	{
		struct cam_config one = cfg;
		one.users = users;
		one.nusers = 1;
		CHECK(!cam_policy_may_account(&one, "root", CAM_ACT_WATCH_LIVE,
		    why, sizeof(why)) && strstr(why, "root is not a user") !=
		    NULL, "by name, root holds no right it is not given");
		one.nusers = 0;
		CHECK(!cam_policy_may_account(&one, "guard1",
		    CAM_ACT_WATCH_LIVE, why, sizeof(why)),
		    "by name, a site with no users gives no one anything");
	}
	CHECK(!cam_view_may_live(&cfg, "guard1", "nosuch", why, sizeof(why)) &&
	    strncmp(why, "no-camera: ", 11) == 0, "no such camera");
	CHECK(!cam_view_may_live(&cfg, "aud", "gate", why, sizeof(why)) &&
	    strncmp(why, "forbidden: ", 11) == 0,
	    "a refusal by role says forbidden");

	/* Stored footage. */
	memset(&gs, 0, sizeof(gs));
	memset(&g, 0, sizeof(g));
	snprintf(g.id, sizeof(g.id), "XEM-1");
	snprintf(g.account, sizeof(g.account), "dept");
	g.ncameras = 1;
	g.cameras = (char *[]){ (char *)"gate" };
	g.from_us = h8;
	g.to_us = h9;
	g.expires_us = now + 86400 * US;
	gs.v = &g;
	gs.n = 1;
	CHECK(play(&cfg, &gs, "chief", "hall", h8 - 86400 * US, h9, now, &r,
	    why, sizeof(why)) && r.granted && r.request[0] == '\0' &&
	    r.from_us == h8 - 86400 * US && r.to_us == h9,
	    "the chief of office plays back any window directly");
	CHECK(play(&cfg, &gs, "director", "yard", h8, h9, now, &r, why,
	    sizeof(why)) && r.request[0] == '\0',
	    "the director plays back directly");
	CHECK(!play(&cfg, &gs, "guard1", "gate", h8, h9, now, &r, why,
	    sizeof(why)) && !r.granted && strncmp(why, "no-request: ", 12) == 0,
	    "a guard may not play back");
	CHECK(!play(&cfg, &gs, "op", "gate", h8, h9, now, &r, why,
	    sizeof(why)) && strncmp(why, "no-request: ", 12) == 0,
	    "nor an operator");
	CHECK(!play(&cfg, &gs, "aud", "gate", h8, h9, now, &r, why,
	    sizeof(why)), "nor an auditor");
	CHECK(play(&cfg, &gs, "dept", "gate", h8 + 600 * US, h8 + 900 * US,
	    now, &r, why, sizeof(why)) && r.granted &&
	    strcmp(r.request, "XEM-1") == 0 && r.from_us == h8 &&
	    r.to_us == h9,
	    "a department member inside the request: granted, its window");
	CHECK(!play(&cfg, &gs, "dept", "gate", h8 - US, h8 + 900 * US, now, &r,
	    why, sizeof(why)) && strncmp(why, "outside-request: ", 17) == 0,
	    "a second before the request's window: outside-request");
	CHECK(!play(&cfg, &gs, "dept", "yard", h8, h9, now, &r, why,
	    sizeof(why)) && strncmp(why, "no-request: ", 12) == 0,
	    "another camera: no-request");
	CHECK(!play(&cfg, &gs, "dept", "gate", h8, h9, now + 2 * 86400 * US,
	    &r, why, sizeof(why)) && strncmp(why, "no-request: ", 12) == 0,
	    "after the request expires: no-request");
	CHECK(!play(&cfg, &gs, "guard1", "gate", h8, h9, now, &r, why,
	    sizeof(why)), "the request names dept, not guard1");
	CHECK(!play(&cfg, NULL, "dept", "gate", h8, h9, now, &r, why,
	    sizeof(why)), "no grants at all: refused");

	/* The access report. */
	CHECK(cam_view_may_audit(&cfg, "aud", why, sizeof(why)) &&
	    cam_view_may_audit(&cfg, "director", why, sizeof(why)) &&
	    cam_view_may_audit(&cfg, "op", why, sizeof(why)),
	    "auditor, director and operator read the access report");
	CHECK(!cam_view_may_audit(&cfg, "guard1", why, sizeof(why)) &&
	    !cam_view_may_audit(&cfg, "chief", why, sizeof(why)),
	    "a guard and the chief of office do not");

	/* The guard's report. */
	cam_err_clear(&e);
	CHECK(cam_view_report(&cfg, NULL, dir, "h", me, "gate", "suspicious",
	    "người lạ", h9, 120, 300, &seq, hold, sizeof(hold), &e) == -1 &&
	    e.code == CAM_NO && strstr(e.msg, "no shift is open") != NULL &&
	    strstr(e.msg, "no logbook entry and no hold") != NULL &&
	    entries() == 0 && holds() == 0,
	    "no shift open: refused, nothing written");
	snprintf(data, sizeof(data), "{\"author\":\"%s\",\"uid\":%u}", me,
	    (unsigned)getuid());
	CHECK(append("shift-start", data) == 0, "a shift starts");
	cam_err_clear(&e);
	CHECK(cam_view_report(&cfg, NULL, dir, "h", other, "gate", "fault",
	    "", h9, 120, 300, &seq, hold, sizeof(hold), &e) == -1 &&
	    strstr(e.msg, "the shift on now is") != NULL && entries() == 1 &&
	    holds() == 0, "a guard not on shift: refused, nothing written");
	cam_err_clear(&e);
	CHECK(cam_view_report(&cfg, NULL, dir, "h", "aud", "gate", "fault",
	    "", h9, 120, 300, &seq, hold, sizeof(hold), &e) == -1 &&
	    entries() == 1 && holds() == 0,
	    "an auditor: refused, nothing written");
	cam_err_clear(&e);
	CHECK(cam_view_report(&cfg, NULL, dir, "h", me, "gate", "panic", "",
	    h9, 120, 300, &seq, hold, sizeof(hold), &e) == -1 &&
	    entries() == 1, "a kind other than suspicious or fault: refused");
	cam_err_clear(&e);
	CHECK(cam_view_report(&cfg, NULL, dir, "h", me, "gate", "suspicious",
	    "người lạ ở cổng", h9, 120, 300, &seq, hold, sizeof(hold),
	    &e) == 0 && seq == 2 && strcmp(hold, "1") == 0,
	    "on shift: the report is entry 2 and hold 1");
	if (e.code != 0)
		printf("# %s\n", e.msg);
	{
		struct cam_logbook lb;
		const struct cam_logbook_entry *en = NULL;
		struct cam_holds h;

		int loaded = cam_logbook_load(&lb, unit_path(dir,
		    CAM_LOGBOOK_FILE), &e) == 0;

		if (loaded)
			en = cam_logbook_get(&lb, 2);
		CHECK(en != NULL && strcmp(en->kind, "suspicious") == 0 &&
		    strcmp(en->author, me) == 0 && en->camera != NULL &&
		    strcmp(en->camera, "gate") == 0 &&
		    strstr(en->text, "người lạ ở cổng (camview, ") != NULL,
		    "the entry: kind, author from the login, camera, text "
		    "and time");
		if (loaded)
			cam_logbook_free(&lb);
		CHECK(cam_store_holds(dir, &h, &e) == 0 && h.n == 1 &&
		    strcmp(h.v[0].camera, "gate") == 0 &&
		    h.v[0].from == (time_t)(h9 / US) - 120 &&
		    h.v[0].to == (time_t)(h9 / US) + 300 &&
		    strcmp(h.v[0].by, me) == 0 && !h.v[0].released,
		    "the hold: camera, two minutes before to five after");
		cam_holds_free(&h);
	}
	cam_err_clear(&e);
	CHECK(cam_view_report(&cfg, NULL, dir, "h", me, "yard", "fault", "",
	    h9, 60, 60, &seq, hold, sizeof(hold), &e) == 0 && seq == 3 &&
	    strcmp(hold, "2") == 0, "a fault without a note: entry 3, hold 2");
	{
		struct cam_logbook lb;
		const struct cam_logbook_entry *en = NULL;

		int loaded = cam_logbook_load(&lb, unit_path(dir,
		    CAM_LOGBOOK_FILE), &e) == 0;

		if (loaded)
			en = cam_logbook_get(&lb, 3);
		CHECK(en != NULL && strcmp(en->kind, "fault") == 0 &&
		    strncmp(en->text, "a fault reported from the screen "
		    "(camview, ", 41) == 0, "its text says so, in English");
		if (loaded)
			cam_logbook_free(&lb);
	}
	unlink(unit_path(dir, CAM_LOGBOOK_FILE));
	unlink(unit_path(dir, CAM_HOLDS_FILE));
	return UNIT_END();
}
