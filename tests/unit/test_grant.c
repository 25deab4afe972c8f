/*
 * View requests: the action and viewer of camkit-request(5), and the
 * grants in force (cam_grant_list, cam_grant_find) read from a
 * views.journal.  Signatures and cam_grant_add are t94-view-rights's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evidence/cam_grant.h"
#include "evidence/cam_request.h"
#include "journal/cam_journal.h"
#include "unit.h"

#define ZONE	"Asia/Ho_Chi_Minh"
#define US	INT64_C(1000000)

static struct cam_err e;
static struct cam_request req;

#define HEAD \
    "id: XEM-1\n" \
    "requester:\n" \
    "  name: \"Trần Văn B\"\n" \
    "  unit: \"Phòng Hành chính\"\n" \
    "purpose: \"Xem lại cổng\"\n" \
    "cameras: [gate, yard]\n" \
    "from: \"2026-11-20T08:00\"\n" \
    "to: \"2026-11-20T09:00\"\n" \
    "expires: \"2099-12-31T17:00\"\n"
#define RECIPIENT \
    "recipient:\n" \
    "  name: \"Công an phường\"\n"

static int
parse(const char *text)
{
	cam_request_free(&req);
	cam_err_clear(&e);
	return cam_request_parse(&req, "r.yaml", text, strlen(text), ZONE, &e);
}

static void
test_action(void)
{
	CHECK(parse(HEAD RECIPIENT) == 0 &&
	    req.action == CAM_REQUEST_EXTRACT && req.viewer == NULL,
	    "no action: an extraction request");
	CHECK(parse("action: extract\n" HEAD RECIPIENT) == 0 &&
	    req.action == CAM_REQUEST_EXTRACT, "action: extract");
	CHECK(parse("action: view\nviewer: tranvanb\n" HEAD) == 0 &&
	    req.action == CAM_REQUEST_VIEW && req.viewer != NULL &&
	    strcmp(req.viewer, "tranvanb") == 0 &&
	    req.recipient_name == NULL && req.ncameras == 2,
	    "action: view names its viewer");
	CHECK_STR(cam_request_action_name(req.action), "view",
	    "the action's name");
	CHECK(parse("action: view\n" HEAD) == -1 &&
	    strstr(e.msg, "\"viewer\" is required") != NULL,
	    "a view request without a viewer is refused");
	CHECK(parse("action: view\nviewer: tranvanb\n" HEAD RECIPIENT) == -1 &&
	    strstr(e.msg, "belongs to an extraction request") != NULL,
	    "a view request with a recipient is refused");
	CHECK(parse("viewer: tranvanb\n" HEAD RECIPIENT) == -1 &&
	    strstr(e.msg, "belongs to a view request") != NULL,
	    "an extraction request with a viewer is refused");
	CHECK(parse("action: watch\n" HEAD RECIPIENT) == -1 &&
	    strstr(e.msg, "must be extract or view") != NULL,
	    "an unknown action is refused");
	CHECK(parse("action: view\nviewer: \"../root\"\n" HEAD) == -1 &&
	    strstr(e.msg, "bad viewer") != NULL,
	    "a viewer that is no account name is refused");
	CHECK(parse("action: view\nviewer: x\n" HEAD) == 0 &&
	    req.recipient_name == NULL,
	    "a view request needs no recipient");
	cam_request_free(&req);
}

static char dir[] = "/tmp/camkit-grant.XXXXXX";

static int
put(const char *path, const char *data)
{
	struct cam_journal *j = NULL;
	int rc;

	cam_err_clear(&e);
	rc = cam_journal_open(&j, path, "h", &e);
	if (rc == 0)
		rc = cam_journal_append(j, "view-request", data, NULL, &e);
	cam_journal_close(&j);
	if (rc == -1)
		printf("# %s\n", e.msg);
	return rc;
}

static void
test_find(void)
{
	struct cam_grants gs;
	const struct cam_grant *g;
	int64_t h8 = (int64_t)1795136400 * US;	/* 2026-11-20T01:00:00Z */
	int64_t h9 = h8 + 3600 * US;
	int64_t now = (int64_t)1795200000 * US;	/* before expiry */

	CHECK(mkdtemp(dir) != NULL, "a scratch root");
	CHECK(cam_grant_list(dir, &gs, &e) == 0 && gs.n == 0,
	    "no views.journal: no grants");
	cam_grants_free(&gs);
	CHECK(put(unit_path(dir, "views.journal"),
	    "{\"id\":\"XEM-1\",\"viewer\":\"tranvanb\","
	    "\"cameras\":[\"gate\",\"yard\"],"
	    "\"from\":\"2026-11-20T01:00:00Z\",\"to\":\"2026-11-20T02:00:00Z\","
	    "\"expires\":\"2026-11-22T10:00:00Z\",\"sha256\":\"ab\"}") == 0 &&
	    put(unit_path(dir, "views.journal"),
	    "{\"id\":\"XEM-2\",\"viewer\":\"lethic\","
	    "\"cameras\":[\"hall\"],"
	    "\"from\":\"2026-11-20T01:00:00Z\",\"to\":\"2026-11-20T02:00:00Z\","
	    "\"expires\":\"2026-11-20T03:00:00Z\",\"sha256\":\"cd\"}") == 0 &&
	    put(unit_path(dir, "views.journal"),
	    "{\"id\":\"broken\",\"viewer\":\"x\"}") == 0,
	    "three records, one of them no grant");
	CHECK(cam_grant_list(dir, &gs, &e) == 0 && gs.n == 2 &&
	    strcmp(gs.v[0].id, "XEM-1") == 0 && gs.v[0].ncameras == 2 &&
	    strcmp(gs.v[0].cameras[1], "yard") == 0 &&
	    gs.v[0].from_us == h8 && gs.v[0].to_us == h9 &&
	    strcmp(gs.v[0].account, "tranvanb") == 0,
	    "the grants are listed with cameras and window");
	g = cam_grant_find(&gs, "tranvanb", "gate", h8, h9, now);
	CHECK(g != NULL && strcmp(g->id, "XEM-1") == 0,
	    "exactly the window of an own camera is granted");
	CHECK(cam_grant_find(&gs, "tranvanb", "yard", h8 + 60 * US,
	    h8 + 120 * US, now) != NULL, "a part of the window is granted");
	CHECK(cam_grant_find(&gs, "tranvanb", "gate", h8 - US, h9, now) ==
	    NULL, "a second before the window is not");
	CHECK(cam_grant_find(&gs, "tranvanb", "gate", h8, h9 + US, now) ==
	    NULL, "a second after the window is not");
	CHECK(cam_grant_find(&gs, "tranvanb", "hall", h8, h9, now) == NULL,
	    "another camera is not");
	CHECK(cam_grant_find(&gs, "lethic", "gate", h8, h9, now) == NULL,
	    "another account is not");
	CHECK(cam_grant_find(&gs, "lethic", "hall", h8, h9, now) == NULL,
	    "an expired request grants nothing");
	CHECK(cam_grant_find(&gs, "lethic", "hall", h8, h9,
	    (int64_t)1795136400 * US) != NULL,
	    "the same before its expiry grants its window");
	CHECK(cam_grant_find(&gs, "tranvanb", "gate", h9, h8, now) == NULL,
	    "an empty window is not granted");
	cam_grants_free(&gs);
	CHECK(gs.n == 0 && gs.v == NULL, "freed");
	unlink(unit_path(dir, "views.journal"));
	rmdir(dir);
}

int
main(void)
{
	test_action();
	test_find();
	return UNIT_END();
}
