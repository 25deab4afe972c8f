/*
 * Unit tests for cam_sync's pure part: which cameras of a host must
 * start, stop or restart when one configuration becomes another.
 */
#include <string.h>

#include "site/cam_sync.h"
#include "unit.h"

static const char before[] =
    "site: { name: s }\n"
    "cameras:\n"
    "  - { id: same, url: rtsp://10.0.0.1/a, host: rec1 }\n"
    "  - { id: away, url: rtsp://10.0.0.2/a, host: rec1 }\n"
    "  - { id: gone, url: rtsp://10.0.0.3/a, host: rec1 }\n"
    "  - { id: edit, url: rtsp://10.0.0.4/a, host: rec1 }\n"
    "  - { id: here, url: rtsp://10.0.0.5/a, host: rec2 }\n"
    "  - { id: off, url: rtsp://10.0.0.6/a, host: rec1 }\n"
    "  - { id: other, url: rtsp://10.0.0.7/a, host: rec3 }\n";
static const char after[] =
    "site: { name: s }\n"
    "cameras:\n"
    "  - { id: same, url: rtsp://10.0.0.1/a, host: rec1 }\n"
    "  - { id: away, url: rtsp://10.0.0.2/a, host: rec2 }\n"
    "  - { id: edit, url: rtsp://10.0.0.4/b, host: rec1 }\n"
    "  - { id: here, url: rtsp://10.0.0.5/a, host: rec1 }\n"
    "  - { id: off, url: rtsp://10.0.0.6/a, host: rec1, enabled: false }\n"
    "  - { id: other, url: rtsp://10.0.0.7/b, host: rec3 }\n"
    "  - { id: new, url: rtsp://10.0.0.8/a, host: rec1 }\n";

static const struct cam_sync_change *
find(const struct cam_sync_result *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].id, id) == 0)
			return &r->v[i];
	return NULL;
}

int
main(void)
{
	struct cam_config a, b;
	struct cam_sync_result r;
	const struct cam_sync_change *c;
	struct cam_err e;

	cam_err_clear(&e);
	if (cam_config_parse(&a, "a.yaml", before, sizeof(before) - 1,
	    &e) == -1 || cam_config_parse(&b, "b.yaml", after,
	    sizeof(after) - 1, &e) == -1) {
		printf("# %s\n", e.msg);
		CHECK(0, "the two configurations parse");
		return UNIT_END();
	}
	memset(&r, 0, sizeof(r));
	cam_sync_cameras(&a, &b, "rec1", &r);
	CHECK(r.n == 6, "rec1: six cameras changed");
	CHECK(find(&r, "same") == NULL && find(&r, "other") == NULL,
	    "an unchanged camera, and another host's, are not touched");
	c = find(&r, "away");
	CHECK(c && c->what == CAM_SYNC_MOVED_AWAY && c->host &&
	    strcmp(c->host, "rec2") == 0, "moved away, to rec2");
	c = find(&r, "here");
	CHECK(c && c->what == CAM_SYNC_MOVED_HERE && c->host &&
	    strcmp(c->host, "rec2") == 0, "moved here, from rec2");
	c = find(&r, "gone");
	CHECK(c && c->what == CAM_SYNC_REMOVED, "removed");
	c = find(&r, "edit");
	CHECK(c && c->what == CAM_SYNC_CHANGED, "a changed url: restarted");
	c = find(&r, "off");
	CHECK(c && c->what == CAM_SYNC_DISABLED, "disabled");
	c = find(&r, "new");
	CHECK(c && c->what == CAM_SYNC_ADDED, "added");
	cam_sync_result_free(&r);

	cam_sync_cameras(&a, &b, "rec2", &r);
	CHECK(r.n == 2 && find(&r, "away") &&
	    find(&r, "away")->what == CAM_SYNC_MOVED_HERE && find(&r, "here")
	    && find(&r, "here")->what == CAM_SYNC_MOVED_AWAY,
	    "rec2 sees the same two moves the other way");
	cam_sync_result_free(&r);

	cam_sync_cameras(NULL, &b, "rec3", &r);
	CHECK(r.n == 1 && r.v[0].what == CAM_SYNC_ADDED,
	    "no configuration before: every camera of the host is added");
	cam_sync_result_free(&r);

	CHECK(cam_camera_same(cam_config_camera(&a, "same"),
	    cam_config_camera(&b, "same")) &&
	    !cam_camera_same(cam_config_camera(&a, "other"),
	    cam_config_camera(&b, "other")), "cam_camera_same: every key");
	cam_config_free(&a);
	cam_config_free(&b);
	return UNIT_END();
}
