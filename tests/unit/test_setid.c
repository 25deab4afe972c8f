/*
 * What keeps a set-id program's records whatever its caller hands it:
 * cam_json_str escapes what is not UTF-8 (so a journal takes the
 * record), cam_trail_append cuts a huge object, cam_setid_room refuses before
 * a file-size limit would cut a record, and the trusted-directory
 * checks pass everything when the program is not set-id.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/cam_json.h"
#include "base/cam_setid.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "journal/cam_trail.h"
#include "unit.h"

static const char *
json_of(struct cam_buf *b, const char *s)
{
	b->len = 0;
	cam_json_str(b, s);
	return cam_buf_str(b);
}

/* Does a journal take {"k":s} as DATA? */
static int
journal_takes(const char *dir, const char *s)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_journal *j = NULL;
	struct cam_err e;
	char path[4096];
	int ok;

	cam_err_clear(&e);
	snprintf(path, sizeof(path), "%s/j", dir);
	cam_json_begin(&b);
	cam_json_add_str(&b, "k", s);
	cam_json_end(&b);
	ok = cam_journal_open(&j, path, "host", &e) == 0 &&
	    cam_journal_append(j, "audit", cam_buf_str(&b), NULL, &e) == 0 &&
	    cam_journal_verify(path, NULL, &e) == 0;
	if (!ok)
		printf("#   %s\n", e.msg);
	cam_journal_close(&j);
	cam_buf_free(&b);
	return ok;
}

int
main(void)
{
	struct cam_buf b = CAM_BUF_INIT;
	char dir[] = "/tmp/camkit-priv.XXXXXX";
	struct cam_err e;
	struct rlimit rl, old;
	char path[4096], why[256];
	char *big;

	if (mkdtemp(dir) == NULL)
		return 1;
	CHECK_STR(json_of(&b, "Người gác"), "\"Người gác\"",
	    "valid UTF-8 is copied");
	CHECK_STR(json_of(&b, "a\xff" "b"), "\"a\\\\xffb\"",
	    "a byte that is not UTF-8 becomes the text \\xHH");
	CHECK_STR(json_of(&b, "\xc3"), "\"\\\\xc3\"",
	    "a sequence cut short at the end");
	CHECK_STR(json_of(&b, "\xc0\xaf"), "\"\\\\xc0\\\\xaf\"",
	    "an overlong form, byte by byte");
	CHECK_STR(json_of(&b, "\xed\xa0\x80"), "\"\\\\xed\\\\xa0\\\\x80\"",
	    "a surrogate, byte by byte");
	CHECK_STR(json_of(&b, "\xc2\x85"), "\"\\u0085\"",
	    "a C1 control as \\u0085");
	CHECK_STR(json_of(&b, "\x1b[2J"), "\"\\u001b[2J\"",
	    "a C0 control as before");
	uint32_t cp = 0;
	CHECK(cam_utf8_seq("\xe1\xbb\x9d", 3, &cp) == 3 && cp == 0x1edd,
	    "the decoder: a three-byte character and its code point");
	CHECK(cam_utf8_seq("\xe1\xbb\x9d", 2, &cp) == 0 &&
	    cam_utf8_seq("a", 1, &cp) == 0 &&
	    cam_utf8_seq("\xf4\x90\x80\x80", 4, &cp) == 0,
	    "the decoder: cut short, ASCII, beyond Unicode");
	CHECK(cam_json_check("\"\xe1\xbb\x9d\"", 5, &e) == 0 &&
	    cam_json_check("\"\xc0\xaf\"", 4, &e) == -1 &&
	    strstr(e.msg, "invalid UTF-8") != NULL,
	    "the JSON checker reads with the same decoder");
	CHECK(journal_takes(dir, "cổng\xff\xfe\xc2\x9b\x01"),
	    "a journal takes a record built from any bytes");

	struct cam_trail_rec r = { "camlog", "add", NULL, "refused", "no",
	    NULL };
	struct cam_actor a;
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "guard");
	big = malloc(200000);
	memset(big, 'x', 199999);
	big[199999] = '\0';
	big[1023] = '\xc3';	/* a sequence cut by the limit is dropped */
	big[1024] = '\xa1';
	r.object = big;
	cam_err_clear(&e);
	CHECK(cam_trail_append(dir, NULL, "host", &a, &r, &e) == 0,
	    "an audit record with a 200 000-byte object is written");
	snprintf(path, sizeof(path), "%s/%s", dir, CAM_TRAIL_FILE);
	CHECK(cam_journal_verify(path, NULL, &e) == 0, "... and verifies");
	free(big);

	/* cam_setid_room against a real file-size limit. */
	cam_err_clear(&e);
	snprintf(path, sizeof(path), "%s/room", dir);
	if (getrlimit(RLIMIT_FSIZE, &old) == 0) {
		rl = old;
		rl.rlim_cur = 100000;
		CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0, "lower the soft limit");
		CHECK(cam_setid_room(path, CAM_JOURNAL_LINE_MAX, &e) == 0,
		    "an empty file has room for a line under 100000 bytes");
		FILE *f = fopen(path, "w");
		for (int i = 0; f != NULL && i < 40000; i++)
			fputc('x', f);
		if (f != NULL)
			fclose(f);
		CHECK(cam_setid_room(path, CAM_JOURNAL_LINE_MAX, &e) == -1 &&
		    e.code == CAM_ENV && strstr(e.msg, "ulimit -f") != NULL &&
		    strstr(e.msg, "nothing was done") != NULL,
		    "40000 bytes + a line do not fit: CAM_ENV, says so");
		printf("#   %s\n", e.msg);
		(void)setrlimit(RLIMIT_FSIZE, &old);
	}
	CHECK(cam_setid_active() == 0, "a test is not set-id");
	CHECK(cam_setid_trusted_dir("/nonexistent", why, sizeof(why)) == 1 &&
	    cam_setid_trusted_tree("/nonexistent", why, sizeof(why)) == 1,
	    "not set-id: every directory is trusted (the caller's own rights)");
	CHECK(cam_setid_caller() == getuid(), "the caller is the real uid");

	cam_buf_free(&b);
	static const char *const made[] = { "j", CAM_TRAIL_FILE, "room" };
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, made[i]);
		(void)unlink(path);
	}
	(void)rmdir(dir);
	return UNIT_END();
}
