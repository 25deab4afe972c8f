/*
 * cam_time: parsing and formatting of durations and instants, and the
 * one place in camkit that looks up a named time zone.
 *
 * Instants are time_t seconds in UTC.  Local times are converted in a
 * named zone by briefly switching TZ (see in_zone()); nothing else in
 * this file keeps state.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cam_time.h"
#include "base/cam_util.h"

/* Dates up to 9999 and durations of 100 years need more than 32 bits. */
_Static_assert(sizeof(time_t) >= 8, "camkit needs a 64-bit time_t");

#define ZONEINFO	"/usr/share/zoneinfo/"
#define ZONE_MAX	128

/* 100 Julian years: generous enough that "100y" worth of days fits. */
#define DURATION_MAX	((int64_t)36525 * 86400)

/* Longest offset in use anywhere, and the most RFC 3339 readers accept. */
#define OFFSET_MAX	(14 * 3600)

static const struct unit {
	char	 name;
	int64_t	 secs;
} units[] = {		/* descending, as they must appear */
	{ 'w', 7 * 86400 },
	{ 'd', 86400 },
	{ 'h', 3600 },
	{ 'm', 60 },
	{ 's', 1 },
};
#define NUNITS	(sizeof(units) / sizeof(units[0]))

static int
isdig(char c)
{
	/* Not isdigit(): that depends on the locale and on signedness. */
	return c >= '0' && c <= '9';
}

int
cam_duration_parse(const char *s, int64_t *out, struct cam_err *e)
{
	const char *p = s;
	int64_t total = 0, n;
	size_t next = 0, i;

	if (s == NULL || *s == '\0')
		return cam_errf(e, CAM_NO, "bad duration \"\": empty");
	while (*p != '\0') {
		const char *num = p;

		if (*p == '+' || *p == '-')
			return cam_errf(e, CAM_NO,
			    "bad duration \"%s\": sign not allowed", s);
		if (!isdig(*p))
			return cam_errf(e, CAM_NO,
			    "bad duration \"%s\": expected a number at \"%s\"",
			    s, p);
		/* Stop at the limit so that the number cannot overflow. */
		for (n = 0; isdig(*p); p++) {
			n = n * 10 + (*p - '0');
			if (n > DURATION_MAX)
				return cam_errf(e, CAM_NO, "bad duration "
				    "\"%s\": too large (max 100 years)", s);
		}
		if (*p == '\0') {
			/* A bare number is seconds, but only on its own:
			 * "1h30" might mean minutes or seconds. */
			if (num != s)
				return cam_errf(e, CAM_NO, "bad duration "
				    "\"%s\": missing unit after \"%s\"", s,
				    num);
			total = n;
			break;
		}
		for (i = 0; i < NUNITS; i++)
			if (units[i].name == *p)
				break;
		if (i == NUNITS && ((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z')))
			return cam_errf(e, CAM_NO,
			    "bad duration \"%s\": unknown unit \"%c\"", s, *p);
		if (i == NUNITS)
			return cam_errf(e, CAM_NO,
			    "bad duration \"%s\": unexpected \"%s\"", s, p);
		if (i < next) {
			/* Only digits and units precede p, so an earlier
			 * copy of this letter is the same unit. */
			if (strchr(s, *p) < p)
				return cam_errf(e, CAM_NO, "bad duration "
				    "\"%s\": unit \"%c\" repeated", s, *p);
			return cam_errf(e, CAM_NO, "bad duration \"%s\": "
			    "units must be in descending order", s);
		}
		next = i + 1;
		p++;
		if (n > (DURATION_MAX - total) / units[i].secs)
			return cam_errf(e, CAM_NO,
			    "bad duration \"%s\": too large (max 100 years)",
			    s);
		total += n * units[i].secs;
	}
	if (total == 0)
		return cam_errf(e, CAM_NO,
		    "bad duration \"%s\": must be positive", s);
	*out = total;
	return 0;
}

void
cam_duration_format(int64_t secs, char *buf, size_t len)
{
	uint64_t left;
	size_t off = 0, i;
	int w;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (secs == 0) {
		snprintf(buf, len, "0s");
		return;
	}
	/* Negative values are not durations, but show them honestly. */
	if (secs < 0) {
		snprintf(buf, len, "-");
		off = 1;
		left = (uint64_t)0 - (uint64_t)secs;
	} else
		left = (uint64_t)secs;
	for (i = 0; i < NUNITS && left > 0 && off < len; i++) {
		uint64_t n = left / (uint64_t)units[i].secs;

		if (n == 0)
			continue;
		left -= n * (uint64_t)units[i].secs;
		w = snprintf(buf + off, len - off, "%llu%c",
		    (unsigned long long)n, units[i].name);
		if (w < 0)
			return;
		off += (size_t)w;
	}
}

int
cam_tz_valid(const char *zone)
{
	char path[sizeof(ZONEINFO) + ZONE_MAX];
	char magic[4];
	struct stat st;
	const char *p;
	int fd, ok;

	if (zone == NULL || *zone == '\0' || *zone == '/' ||
	    strlen(zone) > ZONE_MAX || strstr(zone, "..") != NULL)
		return 0;
	/* glibc knows "UTC" even where tzdata is not installed. */
	if (strcmp(zone, "UTC") == 0)
		return 1;
	/* Also keeps out anything TZ would read as a POSIX rule. */
	for (p = zone; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    isdig(*p) || *p == '/' || *p == '_' || *p == '+' ||
		    *p == '-'))
			return 0;
	snprintf(path, sizeof(path), ZONEINFO "%s", zone);
	/* O_NONBLOCK: a FIFO in the way must not hang us. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return 0;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "TZif", sizeof(magic)) == 0;
	close(fd);
	return ok;
}

enum { TO_UTC, TO_LOCAL };

static char *home_tz;		/* the program's $TZ; NULL: unset */

void
cam_time_home_zone(const char *tz)
{
	free(home_tz);
	home_tz = tz != NULL ? cam_xstrdup(tz) : NULL;
}

/*
 * The only place that touches TZ.  The C library converts local time
 * only in the zone named by TZ, so set it for the one call and put the
 * program's own back (cam_time_home_zone).  Not thread-safe (no setenv
 * is), which camkit's single-threaded programs can live with.  zone
 * must have passed cam_tz_valid().  TO_UTC: *t = mktime(tm); TO_LOCAL:
 * *tm = local *t.
 */
static int
in_zone(const char *zone, int dir, time_t *t, struct tm *tm)
{
	int rc = 0, saved;

	if (setenv("TZ", zone, 1) == -1)
		return -1;
	tzset();
	errno = 0;
	if (dir == TO_UTC)
		*t = mktime(tm);
	else if (localtime_r(t, tm) == NULL)
		rc = -1;
	saved = errno;
	if (home_tz != NULL)
		setenv("TZ", home_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	errno = saved;
	return rc;
}

/* Exactly n digits at *pp; advances *pp. */
static int
digits(const char **pp, int n, int *v)
{
	const char *p = *pp;
	int i;

	*v = 0;
	for (i = 0; i < n; i++, p++) {
		if (!isdig(*p))
			return -1;
		*v = *v * 10 + (*p - '0');
	}
	*pp = p;
	return 0;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* An instant is written back in UTC (RFC 3339, years 0000-9999), so
 * one that an offset or a zone moves outside those years is refused:
 * "0000-01-01T01:00:00+07:00" is in year -1. */
static int
in_years(const char *s, time_t t, time_t *out, struct cam_err *e)
{
	const long long first = -62167219200LL;	/* 0000-01-01T00:00:00Z */
	const long long last = 253402300799LL;	/* 9999-12-31T23:59:59Z */

	if ((long long)t < first || (long long)t > last)
		return cam_errf(e, CAM_NO, "bad time \"%s\": outside the "
		    "years 0000-9999 in UTC", s);
	*out = t;
	return 0;
}

int
cam_time_parse(const char *s, const char *zone, time_t *out,
    struct cam_err *e)
{
	const char *p = s;
	struct tm tm, back;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om, off = 0;
	int utc = 0, has_sec = 0;
	time_t t;

	if (s == NULL || *s == '\0')
		return cam_errf(e, CAM_NO, "bad time \"\": empty");
	if (zone != NULL && !cam_tz_valid(zone))
		return cam_errf(e, CAM_NO, "unknown time zone \"%s\"", zone);
	if (digits(&p, 4, &y) == -1 || *p++ != '-' ||
	    digits(&p, 2, &mo) == -1 || *p++ != '-' ||
	    digits(&p, 2, &d) == -1)
		return cam_errf(e, CAM_NO,
		    "bad time \"%s\": expected YYYY-MM-DD", s);
	if (mo < 1 || mo > 12)
		return cam_errf(e, CAM_NO,
		    "bad time \"%s\": month out of range", s);
	if (d < 1 || d > mdays(y, mo))
		return cam_errf(e, CAM_NO,
		    "bad time \"%s\": day out of range", s);
	if (*p != '\0') {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return cam_errf(e, CAM_NO, "bad time \"%s\": "
			    "expected 'T' or ' ' after the date", s);
		p++;
		if (digits(&p, 2, &h) == -1 || *p++ != ':' ||
		    digits(&p, 2, &mi) == -1)
			return cam_errf(e, CAM_NO,
			    "bad time \"%s\": expected HH:MM", s);
		if (*p == ':') {
			p++;
			has_sec = 1;
			if (digits(&p, 2, &sec) == -1)
				return cam_errf(e, CAM_NO,
				    "bad time \"%s\": expected seconds", s);
			/* A fraction is allowed and dropped. */
			if (*p == '.') {
				if (!isdig(*++p))
					return cam_errf(e, CAM_NO, "bad time "
					    "\"%s\": expected digits after "
					    "'.'", s);
				while (isdig(*p))
					p++;
			}
		}
		if (h > 23)
			return cam_errf(e, CAM_NO,
			    "bad time \"%s\": hour out of range", s);
		if (mi > 59)
			return cam_errf(e, CAM_NO,
			    "bad time \"%s\": minute out of range", s);
		/* time_t has no leap seconds; 60 would silently become
		 * the next minute. */
		if (sec > 59)
			return cam_errf(e, CAM_NO,
			    "bad time \"%s\": second out of range", s);
		/* RFC 3339 wants seconds; only local forms may omit them. */
		if ((*p == 'Z' || *p == 'z' || *p == '+' || *p == '-') &&
		    !has_sec)
			return cam_errf(e, CAM_NO, "bad time \"%s\": "
			    "seconds required with an offset", s);
		if (*p == 'Z' || *p == 'z') {
			utc = 1;
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1;

			if (digits(&p, 2, &oh) == -1 || *p++ != ':' ||
			    digits(&p, 2, &om) == -1)
				return cam_errf(e, CAM_NO, "bad time \"%s\": "
				    "expected offset +HH:MM", s);
			if (om > 59 || oh * 3600 + om * 60 > OFFSET_MAX)
				return cam_errf(e, CAM_NO, "bad time \"%s\": "
				    "offset out of range", s);
			off = sign * (oh * 3600 + om * 60);
			utc = 1;
		}
		if (*p != '\0')
			return cam_errf(e, CAM_NO,
			    "bad time \"%s\": trailing \"%s\"", s, p);
	}

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (utc || zone == NULL) {
		/* Fields are in range, so timegm cannot fail or normalise. */
		return in_years(s, timegm(&tm) - off, out, e);
	}

	tm.tm_isdst = -1;	/* let the zone decide */
	back = tm;
	if (in_zone(zone, TO_UTC, &t, &tm) == -1)
		return cam_err_sys(e, "converting \"%s\" in %s", s, zone);
	/* mktime moves a time in a DST gap; it exists only if it comes
	 * back unchanged.  This also tells a real -1 from a failure. */
	if (in_zone(zone, TO_LOCAL, &t, &tm) == -1 ||
	    tm.tm_year != back.tm_year || tm.tm_mon != back.tm_mon ||
	    tm.tm_mday != back.tm_mday || tm.tm_hour != back.tm_hour ||
	    tm.tm_min != back.tm_min || tm.tm_sec != back.tm_sec)
		return cam_errf(e, CAM_NO,
		    "bad time \"%s\": does not exist in %s", s, zone);
	return in_years(s, t, out, e);
}

/* Years outside 0-9999 are shown as they are rather than hidden. */
static void
fmt_tm(const struct tm *tm, int compact, char *buf, size_t len)
{
	long long y = (long long)tm->tm_year + 1900;

	snprintf(buf, len, compact ? "%04lld%02d%02dT%02d%02d%02dZ" :
	    "%04lld-%02d-%02dT%02d:%02d:%02dZ", y, tm->tm_mon + 1,
	    tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec);
}

static void
fmt_utc(time_t t, int compact, char *buf, size_t len)
{
	struct tm tm;

	if (len == 0)
		return;
	if (gmtime_r(&t, &tm) == NULL)
		snprintf(buf, len, "invalid");
	else
		fmt_tm(&tm, compact, buf, len);
}

void
cam_time_format_utc(time_t t, char *buf, size_t len)
{
	fmt_utc(t, 0, buf, len);
}

void
cam_time_format_compact(time_t t, char *buf, size_t len)
{
	fmt_utc(t, 1, buf, len);
}

int
cam_time_format_local(time_t t, const char *zone, char *buf, size_t len)
{
	struct tm tm;
	long off;
	int w;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	if (zone == NULL) {
		if (gmtime_r(&t, &tm) == NULL)
			return -1;
	} else if (!cam_tz_valid(zone) ||
	    in_zone(zone, TO_LOCAL, &t, &tm) == -1)
		return -1;
	off = tm.tm_gmtoff;
	/* RFC 3339 has neither 5-digit years nor offsets in seconds (old
	 * local mean times such as +07:06:40): refuse rather than lie. */
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900 || off % 60 != 0)
		return -1;
	w = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
	    labs(off) / 3600, labs(off) % 3600 / 60);
	if (w < 0 || (size_t)w >= len) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

void
cam_time_format_zone(time_t t, const char *zone, char *buf, size_t len)
{
	if (cam_time_format_local(t, zone, buf, len) == -1)
		cam_time_format_utc(t, buf, len);
}

void
cam_time_format_human(time_t t, const char *zone, char *buf, size_t len)
{
	struct tm tm;
	long off, a;
	int w;

	if (len == 0)
		return;
	if (zone == NULL || !cam_tz_valid(zone) ||
	    in_zone(zone, TO_LOCAL, &t, &tm) == -1) {
		if (gmtime_r(&t, &tm) == NULL) {
			snprintf(buf, len, "invalid");
			return;
		}
		tm.tm_gmtoff = 0;
	}
	off = tm.tm_gmtoff;
	a = labs(off);
	if (a % 3600 == 0)
		w = snprintf(buf, len, "%04lld-%02d-%02d %02d:%02d:%02d "
		    "%c%02ld", (long long)tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		    off < 0 ? '-' : '+', a / 3600);
	else
		w = snprintf(buf, len, "%04lld-%02d-%02d %02d:%02d:%02d "
		    "%c%02ld:%02ld", (long long)tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, off < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
	if (w < 0 || (size_t)w >= len)
		buf[len - 1] = '\0';
}
