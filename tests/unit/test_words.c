/*
 * Unit tests for the words people read: sizes in decimal units
 * (cam_fmt_size), instants in the one human form (cam_time_format_human)
 * and the edit distance behind "did you mean" (cam_edit_distance, and
 * cam_schema_map's suggestion).
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "base/cam_schema.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "unit.h"

static const char *
size(uint64_t n)
{
	static char buf[CAM_SIZE_LEN];

	cam_fmt_size(buf, sizeof(buf), n);
	return buf;
}

static void
test_size(void)
{
	CHECK_STR(size(0), "0 B", "0 bytes");
	CHECK_STR(size(999), "999 B", "999 bytes stay bytes");
	CHECK_STR(size(1000), "1.0 kB", "1000 bytes are 1.0 kB");
	CHECK_STR(size(512000000), "512 MB", "512 MB");
	CHECK_STR(size(210000000000ULL), "210 GB", "210 GB");
	CHECK_STR(size(225386819160ULL), "225 GB",
	    "the bytes of room of the issue");
	CHECK_STR(size(1400000000000ULL), "1.4 TB", "1.4 TB");
	CHECK_STR(size(9949999999ULL), "9.9 GB", "just under 10 GB");
	CHECK_STR(size(9950000000ULL), "10 GB", "rounds up to 10 GB");
	CHECK_STR(size(999499999ULL), "999 MB", "999 MB");
	CHECK_STR(size(999500000ULL), "1.0 GB",
	    "a size that rounds to 1000 MB reads 1.0 GB");
	CHECK_STR(size(UINT64_MAX), "18 EB", "the largest size");
	CHECK(strlen(size(UINT64_MAX)) < CAM_SIZE_LEN, "CAM_SIZE_LEN holds it");
}

static const char *
human(time_t t, const char *zone)
{
	static char buf[CAM_TIME_HUMAN_LEN];

	cam_time_format_human(t, zone, buf, sizeof(buf));
	return buf;
}

static void
test_human(void)
{
	/* 2026-12-06T07:03:12Z */
	time_t t = 1796540592;

	CHECK_STR(human(t, "Asia/Ho_Chi_Minh"), "2026-12-06 14:03:12 +07",
	    "Ho Chi Minh City: +07");
	CHECK_STR(human(t, NULL), "2026-12-06 07:03:12 +00", "no zone: UTC");
	CHECK_STR(human(t, "Nowhere/Atlantis"), "2026-12-06 07:03:12 +00",
	    "an unusable zone: UTC");
	CHECK_STR(human(t, "Asia/Kolkata"), "2026-12-06 12:33:12 +05:30",
	    "a half-hour offset keeps its minutes");
	CHECK_STR(human(t, "America/New_York"), "2026-12-06 02:03:12 -05",
	    "west of UTC");
	CHECK_STR(human(1782889200, "Europe/Berlin"),
	    "2026-07-01 09:00:00 +02", "summer time");
}

static size_t
dist(const char *a, const char *b)
{
	return cam_edit_distance(a, b, 10);
}

static void
test_distance(void)
{
	CHECK(dist("retension_days", "retention_days") == 1, "one change");
	CHECK(dist("retnetion_days", "retention_days") == 1,
	    "a swap counts one");
	CHECK(dist("", "abc") == 3, "from nothing");
	CHECK(dist("same", "same") == 0, "the same");
	CHECK(cam_edit_distance("a", "abcdefgh", 2) == 3,
	    "stopped at max + 1");
	CHECK(dist("kitten", "sitting") == 3, "kitten, sitting");
}

/* The message cam_schema_map gives for text under keys. */
static const char *
unknown(const char *text)
{
	static const char *const keys[] = { "retention_days", "root",
	    "max_percent", "segment", NULL };
	static char msg[sizeof(((struct cam_err *)0)->msg)];
	struct cam_ydoc doc;
	struct cam_err e;
	struct cam_schema s = { &doc, &e, 0, NULL };

	cam_err_clear(&e);
	if (cam_schema_parse(&doc, "f.yaml", text, strlen(text), 4096,
	    &e) == -1)
		return "parse error";
	cam_schema_map(&s, doc.root, "storage", keys);
	snprintf(msg, sizeof(msg), "%s", s.bad ? e.msg : "");
	cam_yaml_free(&doc);
	return msg;
}

static void
test_suggest(void)
{
	CHECK_STR(unknown("retension_days: 30\n"), "f.yaml:1:1: unknown key "
	    "\"retension_days\" in storage: did you mean \"retention_days\"?",
	    "a misspelt key names the right one");
	CHECK_STR(unknown("max_procent: 30\n"), "f.yaml:1:1: unknown key "
	    "\"max_procent\" in storage: did you mean \"max_percent\"?",
	    "two edits in a long key");
	CHECK_STR(unknown("colour: red\n"), "f.yaml:1:1: unknown key "
	    "\"colour\" in storage", "nothing near: no suggestion");
	CHECK_STR(unknown("rot: /x\n"), "f.yaml:1:1: unknown key \"rot\" in "
	    "storage: did you mean \"root\"?", "a short key, one edit");
	CHECK_STR(unknown("ro: /x\n"), "f.yaml:1:1: unknown key \"ro\" in "
	    "storage", "two letters are too few to guess");
	CHECK_STR(unknown("root: /x\n"), "", "a known key is no problem");
}

int
main(void)
{
	test_size();
	test_human();
	test_distance();
	test_suggest();
	return UNIT_END();
}
