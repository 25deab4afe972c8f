/*
 * Unit tests for cam_time: durations, zone names, instants and their
 * formats, including a zone without DST (Asia/Ho_Chi_Minh) and one with
 * DST (Europe/Berlin), and that TZ is left as it was found.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/cam_time.h"
#include "unit.h"

#define HCM	"Asia/Ho_Chi_Minh"
#define BERLIN	"Europe/Berlin"

static struct cam_err e;

/* Parsed seconds, or -1 on error (no test duration is -1). */
static int64_t
dur(const char *s)
{
	int64_t v = 0;

	cam_err_clear(&e);
	if (cam_duration_parse(s, &v, &e) == -1)
		return -1;
	return v;
}

/* Does s fail to parse, with CAM_NO and a message quoting the input? */
static int
dur_bad(const char *s)
{
	int64_t v = 12345;

	cam_err_clear(&e);
	return cam_duration_parse(s, &v, &e) == -1 && e.code == CAM_NO &&
	    v == 12345 && strstr(e.msg, s) != NULL;
}

static const char *
dur_fmt(int64_t secs)
{
	static char buf[32];

	cam_duration_format(secs, buf, sizeof(buf));
	return buf;
}

/* Does formatting then parsing give secs back? */
static int
dur_roundtrip(int64_t secs)
{
	char buf[32];

	cam_duration_format(secs, buf, sizeof(buf));
	return dur(buf) == secs;
}

static int
tparse(const char *s, const char *zone, time_t want)
{
	time_t t = 0;

	cam_err_clear(&e);
	if (cam_time_parse(s, zone, &t, &e) == -1) {
		printf("# unexpected error: %s\n", e.msg);
		return 0;
	}
	if (t != want)
		printf("# \"%s\" gave %lld, want %lld\n", s, (long long)t,
		    (long long)want);
	return t == want;
}

static int
tbad(const char *s, const char *zone)
{
	time_t t = 42;

	cam_err_clear(&e);
	return cam_time_parse(s, zone, &t, &e) == -1 && e.code == CAM_NO &&
	    t == 42 && e.msg[0] != '\0';
}

static const char *
fmt_utc(time_t t)
{
	static char buf[32];

	cam_time_format_utc(t, buf, sizeof(buf));
	return buf;
}

static const char *
fmt_compact(time_t t)
{
	static char buf[32];

	cam_time_format_compact(t, buf, sizeof(buf));
	return buf;
}

static const char *
fmt_local(time_t t, const char *zone)
{
	static char buf[32];

	if (cam_time_format_local(t, zone, buf, sizeof(buf)) == -1)
		return "(error)";
	return buf;
}

/* Does formatting t in zone and parsing it back give t? */
static int
local_roundtrip(time_t t, const char *zone)
{
	char buf[32];
	time_t back = 0;

	if (cam_time_format_local(t, zone, buf, sizeof(buf)) == -1)
		return 0;
	cam_err_clear(&e);
	return cam_time_parse(buf, zone, &back, &e) == 0 && back == t;
}

static void
test_duration(void)
{
	char small[4];

	CHECK(dur("90") == 90, "bare number is seconds");
	CHECK(dur("90s") == 90, "90s");
	CHECK(dur("15m") == 900, "15m");
	CHECK(dur("2h") == 7200, "2h");
	CHECK(dur("1d") == 86400, "1d");
	CHECK(dur("1w") == 604800, "1w");
	CHECK(dur("1h30m") == 5400, "1h30m");
	CHECK(dur("2d12h") == 216000, "2d12h");
	CHECK(dur("1w2d3h4m5s") == 788645, "all units descending");
	CHECK(dur("90m") == 5400, "90m is not normalised away");
	CHECK(dur("36525d") == (int64_t)36525 * 86400, "100 years accepted");

	CHECK(dur_bad("15x"), "unknown unit refused");
	CHECK_STR(e.msg, "bad duration \"15x\": unknown unit \"x\"",
	    "unknown unit message");
	CHECK(dur_bad(""), "empty refused");
	CHECK(dur_bad("0"), "zero refused");
	CHECK_STR(e.msg, "bad duration \"0\": must be positive",
	    "zero message");
	CHECK(dur_bad("0h0m"), "zero with units refused");
	CHECK(dur_bad("-5m"), "negative refused");
	CHECK(dur_bad("+5m"), "plus sign refused");
	CHECK(dur_bad("30m1h"), "ascending units refused");
	CHECK(dur_bad("1m1m"), "repeated unit refused");
	CHECK(strstr(e.msg, "repeated") != NULL, "repeated unit message");
	CHECK(dur_bad("1h30"), "number without unit after a unit refused");
	CHECK(dur_bad("1h 30m"), "space refused");
	CHECK(dur_bad(" 5m"), "leading space refused");
	CHECK(dur_bad("5m "), "trailing space refused");
	CHECK(dur_bad("h"), "unit without number refused");
	CHECK(dur_bad("1.5h"), "fraction refused");
	CHECK(dur_bad("5M"), "upper-case unit refused");
	CHECK(dur_bad("1y"), "years unit refused");
	CHECK(dur_bad("999999999999999999999s"), "overflow refused");
	CHECK(strstr(e.msg, "too large") != NULL, "overflow message");
	CHECK(dur_bad("36526d"), "over 100 years refused");
	CHECK(dur_bad("5300w"), "over 100 years in weeks refused");
	CHECK(dur_bad("36525d1s"), "100 years plus a second refused");
	CHECK(dur_bad("1h99999999999999999999s"), "overflow after unit");

	CHECK_STR(dur_fmt(0), "0s", "format 0");
	CHECK_STR(dur_fmt(45), "45s", "format 45");
	CHECK_STR(dur_fmt(60), "1m", "format 60");
	CHECK_STR(dur_fmt(5400), "1h30m", "format 5400");
	CHECK_STR(dur_fmt(90061), "1d1h1m1s", "format 90061");
	CHECK_STR(dur_fmt(604800), "1w", "format a week");
	CHECK_STR(dur_fmt(788645), "1w2d3h4m5s", "format all units");
	CHECK_STR(dur_fmt(-90), "-1m30s", "format negative");
	CHECK_STR(dur_fmt(INT64_MIN), "-15250284452471w3d15h30m8s",
	    "format INT64_MIN fits 32 bytes");
	CHECK_STR(dur_fmt(INT64_MAX), "15250284452471w3d15h30m7s",
	    "format INT64_MAX fits 32 bytes");
	cam_duration_format(5400, small, sizeof(small));
	CHECK_STR(small, "1h3", "format truncates to a small buffer");
	CHECK(dur_roundtrip(1) && dur_roundtrip(60) && dur_roundtrip(5400) &&
	    dur_roundtrip(90061) && dur_roundtrip(788645) &&
	    dur_roundtrip((int64_t)36525 * 86400 - 1),
	    "format round-trips through parse");
}

static void
test_zone(void)
{
	CHECK(cam_tz_valid(HCM) == 1, "Asia/Ho_Chi_Minh valid");
	CHECK(cam_tz_valid(BERLIN) == 1, "Europe/Berlin valid");
	CHECK(cam_tz_valid("UTC") == 1, "UTC valid");
	CHECK(cam_tz_valid("Etc/GMT+5") == 1, "Etc/GMT+5 valid");
	CHECK(cam_tz_valid("") == 0, "empty zone refused");
	CHECK(cam_tz_valid(NULL) == 0, "NULL zone refused");
	CHECK(cam_tz_valid("Mars/Olympus") == 0, "unknown zone refused");
	CHECK(cam_tz_valid("/usr/share/zoneinfo/UTC") == 0,
	    "absolute path refused");
	CHECK(cam_tz_valid("../zoneinfo/UTC") == 0, ".. refused");
	CHECK(cam_tz_valid("Asia/../Europe/Berlin") == 0, "inner .. refused");
	CHECK(cam_tz_valid("Asia") == 0, "directory refused");
	CHECK(cam_tz_valid("zone.tab") == 0, "non-zone file refused");
	CHECK(cam_tz_valid("Europe/Berlin ") == 0, "trailing space refused");
	CHECK(cam_tz_valid("EST5EDT,M3.2.0,M11.1.0") == 0,
	    "POSIX TZ rule refused");
}

static void
test_parse(void)
{
	/* 2026-11-23T01:00:00Z */
	const time_t nov23 = 1795395600;

	CHECK(tparse("2026-11-23T01:00:00Z", NULL, nov23), "Z form");
	CHECK(tparse("2026-11-23t01:00:00z", NULL, nov23), "lower-case t z");
	CHECK(tparse("2026-11-23T08:00:00+07:00", NULL, nov23), "+07:00");
	CHECK(tparse("2026-11-22T20:00:00-05:00", BERLIN, nov23),
	    "offset wins over zone");
	CHECK(tparse("2026-11-23T01:00:00.999Z", NULL, nov23),
	    "fraction dropped");
	CHECK(tparse("2026-11-23T01:00:00-00:00", NULL, nov23), "-00:00");
	CHECK(tparse("2026-11-23T15:00:00+14:00", NULL, nov23), "+14:00");
	CHECK(tparse("1969-12-31T23:59:59Z", NULL, -1),
	    "one second before the epoch is not an error");
	CHECK(tparse("2026-11-23T08:00", HCM, nov23), "local without seconds");
	CHECK(tparse("2026-11-23 08:00:00", HCM, nov23), "space separator");
	CHECK(tparse("2026-11-23T08:00:00.5", HCM, nov23),
	    "local with fraction");
	CHECK(tparse("2026-11-23", HCM, 1795366800), "date is local midnight");
	CHECK(tparse("2026-11-23T01:00", NULL, nov23), "NULL zone means UTC");
	CHECK(tparse("2026-11-23T01:00", "UTC", nov23), "zone UTC");
	CHECK(tparse("2028-02-29", NULL, 1835395200), "Feb 29 in a leap year");
	CHECK(tparse("2000-02-29", NULL, 951782400), "Feb 29 2000");
	CHECK(tparse("2026-07-01T12:00", BERLIN, 1782900000),
	    "Berlin summer is +02:00");
	CHECK(tparse("2026-01-15T12:00", BERLIN, 1768474800),
	    "Berlin winter is +01:00");
	CHECK(tparse("2026-03-29T03:30", BERLIN, 1774747800),
	    "Berlin just after the spring gap");
	CHECK(tbad("2026-03-29T02:30", BERLIN),
	    "Berlin time in the spring gap refused");
	CHECK(strstr(e.msg, "does not exist") != NULL, "gap message");
	CHECK(tparse("2026-03-29T02:30:00+01:00", BERLIN, 1774747800),
	    "gap time with an explicit offset is fine");
	{
		time_t t = 0;

		cam_err_clear(&e);
		/* Ambiguous autumn hour: either answer, as long as it
		 * reads back as 02:30 local. */
		CHECK(cam_time_parse("2026-10-25T02:30", BERLIN, &t, &e) == 0 &&
		    (t == 1792888200 || t == 1792891800),
		    "Berlin repeated autumn hour accepted");
	}

	CHECK(tbad("2026-11-23T08:00", "Mars/Olympus"), "unknown zone");
	CHECK_STR(e.msg, "unknown time zone \"Mars/Olympus\"",
	    "unknown zone message");
	CHECK(tbad("", NULL), "empty time refused");
	CHECK(tbad("2027-02-29", NULL), "Feb 29 2027 refused");
	CHECK(tbad("1900-02-29", NULL), "Feb 29 1900 refused");
	CHECK(tbad("2026-02-30", NULL), "Feb 30 refused");
	CHECK(tbad("2026-04-31", NULL), "Apr 31 refused");
	CHECK(tbad("2026-13-01", NULL), "month 13 refused");
	CHECK_STR(e.msg, "bad time \"2026-13-01\": month out of range",
	    "month message");
	CHECK(tbad("2026-00-10", NULL), "month 0 refused");
	CHECK(tbad("2026-01-00", NULL), "day 0 refused");
	CHECK(tbad("2026-11-23T24:00", NULL), "hour 24 refused");
	CHECK(tbad("2026-11-23T23:60", NULL), "minute 60 refused");
	CHECK(tbad("2026-12-31T23:59:60Z", NULL), "leap second refused");
	CHECK(tbad("2026-11-23T08:00:00+14:01", NULL), "+14:01 refused");
	CHECK(tbad("2026-11-23T08:00:00+07:60", NULL), "offset minute 60");
	CHECK(tbad("2026-11-23T08:00:00+0700", NULL), "offset without colon");
	CHECK(tbad("2026-11-23T08:00:00+7:00", NULL), "one-digit offset");
	CHECK(tbad("2026-11-23T08:00Z", NULL), "offset without seconds");
	CHECK(tbad("2026-11-23T08:00:00ZZ", NULL), "trailing garbage");
	CHECK(strstr(e.msg, "trailing") != NULL, "trailing message");
	CHECK(tbad("2026-11-23T08:00:00 ", HCM), "trailing space");
	CHECK(tbad(" 2026-11-23", HCM), "leading space");
	CHECK(tbad("2026-11-23T", HCM), "separator without time");
	CHECK(tbad("2026-11-23X08:00", HCM), "bad separator");
	CHECK(tbad("2026-11-23T8:00", HCM), "one-digit hour");
	CHECK(tbad("2026-11-23T08:00:00.", HCM), "empty fraction");
	CHECK(tbad("2026-11-23T08", HCM), "hour only");
	CHECK(tbad("26-11-23", HCM), "two-digit year");
	CHECK(tbad("2026/11/23", HCM), "slashes");
	CHECK(tbad("2026-11-23Z", NULL), "date with Z");
	CHECK(tbad("now", NULL), "word");
	/* Found by fuzzing: an offset that carries the instant out of the
	 * years RFC 3339 can write back. */
	CHECK(tbad("0000-01-01T01:00:00+07:00", NULL), "offset into year -1");
	CHECK(tbad("0000-01-01T01:00", HCM), "zone into year -1");
	CHECK(tbad("9999-12-31T23:00:00-07:00", NULL), "offset into year 10000");
	CHECK(tparse("0000-01-01T00:00:00Z", NULL, -62167219200LL),
	    "first instant of year 0000");
	CHECK(tparse("9999-12-31T23:59:59Z", NULL, 253402300799LL),
	    "last instant of year 9999");
}

static void
test_format(void)
{
	const time_t nov23 = 1795395600;
	char small[10];

	CHECK_STR(fmt_utc(nov23), "2026-11-23T01:00:00Z", "format UTC");
	CHECK_STR(fmt_utc(0), "1970-01-01T00:00:00Z", "format epoch");
	CHECK_STR(fmt_utc(-1), "1969-12-31T23:59:59Z", "format before epoch");
	CHECK_STR(fmt_compact(nov23), "20261123T010000Z", "format compact");
	CHECK_STR(fmt_local(nov23, HCM), "2026-11-23T08:00:00+07:00",
	    "format in Ho Chi Minh");
	CHECK_STR(fmt_local(1782900000, BERLIN), "2026-07-01T12:00:00+02:00",
	    "format Berlin summer");
	CHECK_STR(fmt_local(1768474800, BERLIN), "2026-01-15T12:00:00+01:00",
	    "format Berlin winter");
	CHECK_STR(fmt_local(nov23, "America/St_Johns"),
	    "2026-11-22T21:30:00-03:30", "format negative half-hour offset");
	CHECK_STR(fmt_local(nov23, "UTC"), "2026-11-23T01:00:00+00:00",
	    "format local in UTC");
	CHECK_STR(fmt_local(nov23, NULL), "2026-11-23T01:00:00+00:00",
	    "format local with NULL zone");
	CHECK_STR(fmt_local(nov23, "Mars/Olympus"), "(error)",
	    "format in unknown zone fails");
	CHECK(cam_time_format_local(nov23, HCM, small, sizeof(small)) == -1 &&
	    small[0] == '\0', "format local into a small buffer fails");
	CHECK_STR(fmt_local(-2524521600, HCM), "(error)",
	    "local mean time offset +07:06:40 refused");

	CHECK(tparse(fmt_utc(nov23), NULL, nov23), "UTC round-trip");
	CHECK(local_roundtrip(nov23, HCM) && local_roundtrip(1782900000,
	    BERLIN) && local_roundtrip(1768474800, BERLIN) &&
	    local_roundtrip(1792888200, BERLIN) &&
	    local_roundtrip(1792891800, BERLIN),
	    "local round-trips, including both autumn 02:30s");
}

/* The zone conversions must leave TZ as the program found it (and
 * handed it over: cam_time_home_zone). */
static void
test_env(void)
{
	char buf[32];
	const char *tz;
	time_t t;
	struct tm tm;

	setenv("TZ", "America/New_York", 1);
	tzset();
	cam_time_home_zone(getenv("TZ"));
	cam_time_format_local(1795395600, BERLIN, buf, sizeof(buf));
	cam_time_parse("2026-11-23T08:00", HCM, &t, &e);
	cam_time_parse("2026-03-29T02:30", BERLIN, &t, &e);
	tz = getenv("TZ");
	CHECK(tz != NULL && strcmp(tz, "America/New_York") == 0,
	    "TZ unchanged after calls");
	t = 1795395600;
	CHECK(localtime_r(&t, &tm) != NULL && tm.tm_gmtoff == -5 * 3600,
	    "local time is still New York");

	unsetenv("TZ");
	tzset();
	cam_time_home_zone(getenv("TZ"));
	cam_time_format_local(1795395600, HCM, buf, sizeof(buf));
	cam_time_parse("2026-11-23T08:00", BERLIN, &t, &e);
	CHECK(getenv("TZ") == NULL, "unset TZ stays unset");
}

int
main(void)
{
	test_duration();
	test_zone();
	test_parse();
	test_format();
	test_env();
	return UNIT_END();
}
