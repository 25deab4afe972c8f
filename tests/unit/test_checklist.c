/*
 * Unit tests for cam_checklist: the check lines in text and in JSON.
 */
#include <string.h>

#include "base/cam_checklist.h"
#include "base/cam_err.h"
#include "unit.h"

int
main(void)
{
	struct cam_checklist c = { 0 };
	struct cam_buf out = CAM_BUF_INIT;

	cam_checklist_render(&c, &out);
	CHECK_STR(cam_buf_str(&out), "", "no check: nothing in text");
	CHECK(cam_checklist_status(&c) == 0, "no check: success");
	cam_buf_free(&out);

	cam_checklist_add(&c, 1, "tar", "%d members", 3);
	cam_checklist_add(&c, 0, "SHA256SUMS", "%s: altered", "a.mp4");
	cam_checklist_render(&c, &out);
	CHECK_STR(cam_buf_str(&out), "ok\ttar\t3 members\n"
	    "FAIL\tSHA256SUMS\ta.mp4: altered\n", "text lines");
	CHECK(c.n == 2 && c.failed == 1, "counted");
	CHECK(cam_checklist_status(&c) == CAM_NO,
	    "a failure: the answer is no");
	cam_buf_free(&out);
	cam_checklist_free(&c);

	memset(&c, 0, sizeof(c));
	c.json = 1;
	cam_checklist_render(&c, &out);
	CHECK_STR(cam_buf_str(&out), "{\"ok\": true, \"skipped\": 0, "
	    "\"checks\": [\n]}\n", "no check in JSON");
	cam_buf_free(&out);
	cam_checklist_add(&c, 1, "tar", "fine");
	cam_checklist_line(&c, 0, "gate", "high", "camera gate", "high: \"x\"");
	cam_checklist_render(&c, &out);
	CHECK_STR(cam_buf_str(&out), "{\"ok\": false, \"skipped\": 0, "
	    "\"checks\": [\n"
	    "  {\"check\":\"tar\",\"ok\":true,\"status\":\"ok\","
	    "\"detail\":\"fine\"},\n"
	    "  {\"check\":\"camera gate\",\"ok\":false,\"status\":\"FAIL\","
	    "\"camera\":\"gate\","
	    "\"severity\":\"high\",\"detail\":\"high: \\\"x\\\"\"}\n]}\n",
	    "JSON lines, camera and severity only when given");
	cam_buf_free(&out);
	cam_checklist_free(&c);

	/* A check not done is neither ok nor FAIL, counted apart, and no
	 * run passes on it. */
	memset(&c, 0, sizeof(c));
	cam_checklist_add(&c, CAM_CHECK_OK, "media", "fine");
	cam_checklist_add(&c, CAM_CHECK_SKIP, "sources", "not checked: %s",
	    "no site");
	cam_checklist_render(&c, &out);
	CHECK_STR(cam_buf_str(&out), "ok\tmedia\tfine\n"
	    "skip\tsources\tnot checked: no site\n"
	    "summary\t1 ok, 0 failed, 1 not checked\n",
	    "a skip line, and the summary that counts it apart");
	CHECK(c.n == 2 && c.failed == 0 && c.skipped == 1, "skip counted");
	CHECK(cam_checklist_status(&c) == CAM_NO, "a skip: no success");
	cam_buf_free(&out);
	cam_checklist_free(&c);
	memset(&c, 0, sizeof(c));
	c.json = 1;
	cam_checklist_add(&c, CAM_CHECK_SKIP, "sources", "not checked");
	cam_checklist_render(&c, &out);
	CHECK_STR(cam_buf_str(&out), "{\"ok\": false, \"skipped\": 1, "
	    "\"checks\": [\n"
	    "  {\"check\":\"sources\",\"ok\":false,\"status\":\"skip\","
	    "\"detail\":\"not checked\"}\n]}\n", "a skip in JSON");
	cam_buf_free(&out);
	cam_checklist_free(&c);

	/* What a hostile archive puts in a detail stays one line each. */
	memset(&c, 0, sizeof(c));
	cam_checklist_add(&c, 0, "request", "r.yaml:2:1: bad key\n"
	    "r.yaml: \"id\" is required\n");
	cam_checklist_add(&c, 0, "tar", "unsafe member name \"%s\"",
	    "a\tb\nok\tc\x7f\xff\xc3");
	cam_checklist_add(&c, 1, "clip", "Cổng %s", "");
	cam_checklist_render(&c, &out);
	CHECK_STR(cam_buf_str(&out),
	    "FAIL\trequest\tr.yaml:2:1: bad key\n"
	    "FAIL\trequest\tr.yaml: \"id\" is required\n"
	    "FAIL\ttar\tunsafe member name \"a\tb\n"
	    "FAIL\ttar\tok\tc\\x7F\\xFF\\xC3\"\n"
	    "ok\tclip\tCổng \n",
	    "a line of a detail each; control (but tab) and non-UTF-8 bytes "
	    "as \\xHH");
	CHECK(c.n == 5 && c.failed == 4, "each line counted");
	cam_buf_free(&out);
	cam_checklist_free(&c);
	return UNIT_END();
}
