/*
 * Unit tests for cam_checklist: the check lines in text and in JSON.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/cam_checklist.h"
#include "base/cam_err.h"
#include "base/cam_i18n.h"
#include "unit.h"

/* One language per form: the text in the reader's (here Vietnamese,
 * from the build's catalogue beside the tests), JSON in English. */
static void
languages(const char *prog)
{
	struct cam_checklist c = { 0 };
	struct cam_buf out = CAM_BUF_INIT;
	struct cam_err e;
	char dir[PATH_MAX], localedir[PATH_MAX + 16];

	snprintf(dir, sizeof(dir), "%s", prog);
	snprintf(localedir, sizeof(localedir), "%s/../locale", dirname(dir));
	struct cam_i18n_env env = { NULL, NULL, NULL, NULL, localedir };

	cam_i18n_init(&env);
	cam_i18n_use("vi");
	cam_errf(&e, CAM_NO, "%s: not a directory", "x");

	cam_checklist_add(&c, 1, "tar", "%zu members, POSIX tar", (size_t)6);
	cam_checklist_add(&c, 0, "decrypt", "%s", cam_checklist_msg(&c, &e));
	cam_checklist_add(&c, 1, "validation", cam_checklist_ntr(&c,
	    "%d commit in the history, each valid as camctl checks it",
	    "%d commits in the history, each valid as camctl checks it", 2),
	    2);
	cam_checklist_add(&c, CAM_CHECK_SKIP, "contents", "not verified: the "
	    "archive is encrypted; give --key FILE, a recipient's private "
	    "key");
	cam_checklist_render(&c, &out);
	CHECK_STR(cam_buf_str(&out), "ok\ttar\t6 thành phần, tar POSIX\n"
	    "FAIL\tdecrypt\tx: không phải thư mục\n"
	    "ok\tvalidation\t2 commit trong lịch sử, mỗi commit đều hợp lệ "
	    "theo kiểm tra của camctl\n"
	    "skip\tcontents\tchưa xác minh: tệp lưu trữ đã được mã hóa; hãy "
	    "chỉ định --key FILE, khóa bí mật của một người nhận\n"
	    "summary\t2 đạt, 1 không đạt, 1 chưa kiểm tra\n",
	    "text: the format, an inner error, a count and the summary in "
	    "the reader's language; status words and names as they are");
	cam_buf_free(&out);
	cam_checklist_free(&c);

	memset(&c, 0, sizeof(c));
	c.json = 1;
	cam_checklist_add(&c, 1, "tar", "%zu members, POSIX tar", (size_t)6);
	cam_checklist_add(&c, 0, "decrypt", "%s", cam_checklist_msg(&c, &e));
	cam_checklist_add(&c, 1, "validation", cam_checklist_ntr(&c,
	    "%d commit in the history, each valid as camctl checks it",
	    "%d commits in the history, each valid as camctl checks it", 1),
	    1);
	cam_checklist_render(&c, &out);
	CHECK_STR(cam_buf_str(&out), "{\"ok\": false, \"skipped\": 0, "
	    "\"checks\": [\n"
	    "  {\"check\":\"tar\",\"ok\":true,\"status\":\"ok\","
	    "\"detail\":\"6 members, POSIX tar\"},\n"
	    "  {\"check\":\"decrypt\",\"ok\":false,\"status\":\"FAIL\","
	    "\"detail\":\"x: not a directory\"},\n"
	    "  {\"check\":\"validation\",\"ok\":true,\"status\":\"ok\","
	    "\"detail\":\"1 commit in the history, each valid as camctl "
	    "checks it\"}\n]}\n",
	    "JSON: English whatever the language, the singular for 1");
	cam_buf_free(&out);
	cam_checklist_free(&c);
	cam_i18n_use(NULL);
}

int
main(int argc, char **argv)
{
	(void)argc;
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

	languages(argv[0]);
	return UNIT_END();
}
