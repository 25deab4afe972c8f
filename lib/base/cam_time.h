/*
 * cam_time: durations, instants and the site's time zone.
 *
 * camkit stores every instant in UTC (time_t seconds) and shows it in the
 * site's zone.  Parsers accept what a sysadmin or a director types:
 *   durations  "90", "90s", "15m", "2h", "1d", "1h30m", "1w"
 *   instants   RFC 3339 with an offset or Z ("2026-11-23T08:00:00+07:00",
 *              "2026-11-23T01:00:00Z", fraction allowed and dropped),
 *              or a local time in the site's zone without offset
 *              ("2026-11-23T08:00", "2026-11-23 08:00:00", "2026-11-23").
 * All parsers are strict: trailing garbage, out-of-range fields (month 13,
 * Feb 30, hour 24) and overflow are errors, never silently normalised.
 */
#ifndef CAM_TIME_H
#define CAM_TIME_H

#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"

/* Parse a duration into whole seconds (> 0 unless allow_zero).
 * A bare number means seconds. Units: s m h d w, may be combined in
 * descending order ("1h30m"); max 100 years. */
int cam_duration_parse(const char *s, int64_t *out, struct cam_err *e);
/* Format seconds compactly: 60 -> "60s"? no: "1m"; 5400 -> "1h30m"; 0 -> "0s". */
void cam_duration_format(int64_t secs, char *buf, size_t len);

/* Does the zone name resolve to a zone file (e.g. "Asia/Ho_Chi_Minh")?
 * Refuses absolute paths, "..", and empty names. */
int cam_tz_valid(const char *zone);

/*
 * The C library converts local time only in the zone $TZ names, so the
 * conversions below set TZ for the one call and then put back the
 * program's own: the value it found in $TZ (NULL: unset), handed over
 * once at start (cam_cli_run does).  Not told, TZ is left unset.
 */
void cam_time_home_zone(const char *tz);

/* Parse an instant; local forms are taken in zone (NULL means UTC). */
int cam_time_parse(const char *s, const char *zone, time_t *out,
    struct cam_err *e);
/* Format as RFC 3339 UTC "2026-11-23T01:00:00Z". */
void cam_time_format_utc(time_t t, char *buf, size_t len);
/* Format in zone as RFC 3339 with offset "2026-11-23T08:00:00+07:00". */
int cam_time_format_local(time_t t, const char *zone, char *buf, size_t len);
/* The same, or UTC if zone cannot be used: a report still says when. */
void cam_time_format_zone(time_t t, const char *zone, char *buf, size_t len);
/*
 * The one form in which a person reads an instant, in every message and
 * every language: the site's zone, to the second, with the offset in
 * whole hours when it is ("2026-12-06 14:03:12 +07", "... +05:30").
 * UTC (+00) when zone is NULL or cannot be used.  Machine output (JSON,
 * journal records) keeps RFC 3339.  CAM_TIME_HUMAN_LEN holds any.
 */
#define CAM_TIME_HUMAN_LEN	40
void cam_time_format_human(time_t t, const char *zone, char *buf,
    size_t len);
/* Compact UTC form used in file names: "20261123T010000Z". */
void cam_time_format_compact(time_t t, char *buf, size_t len);

#endif
