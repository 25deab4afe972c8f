/*
 * The short strings an operator types or a file holds: instants
 * (cam_time_parse, in UTC and in a zone), durations ("1h30m"), sizes
 * ("90%", "2TiB"), RTSP URLs, camera ids, user names, firmware
 * versions, zone names, roles.  Each parser gets the whole input as a
 * C string; what parses must format back to the same value.
 */
#include "fuzz.h"

#include <stdio.h>

#include "base/cam_time.h"
#include "site/cam_config.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cam_err e;
	char *s = fuzz_cstr(data, size), buf[128], *bar;
	int64_t d, d2;
	time_t t, t2;
	uint64_t bytes;
	int percent, c1, c2;

	if (size > 4096)
		goto end;
	cam_err_clear(&e);
	if (cam_duration_parse(s, &d, &e) == 0) {
		if (d <= 0)
			abort();
		cam_duration_format(d, buf, sizeof(buf));
		if (cam_duration_parse(buf, &d2, &e) != 0 || d2 != d)
			abort();
	}
	cam_err_clear(&e);
	if (cam_time_parse(s, NULL, &t, &e) == 0) {
		cam_time_format_utc(t, buf, sizeof(buf));
		if (cam_time_parse(buf, NULL, &t2, &e) != 0 || t2 != t)
			abort();
		cam_time_format_compact(t, buf, sizeof(buf));
	}
	cam_err_clear(&e);
	if (cam_time_parse(s, "Asia/Ho_Chi_Minh", &t, &e) == 0 &&
	    cam_time_format_local(t, "Asia/Ho_Chi_Minh", buf,
	    sizeof(buf)) == 0 &&
	    (cam_time_parse(buf, NULL, &t2, &e) != 0 || t2 != t))
		abort();
	if (cam_size_parse(s, &bytes, &percent) == 0 &&
	    (bytes == 0) == (percent == 0))
		abort();
	(void)cam_url_check(s, buf, sizeof(buf));
	(void)cam_id_valid(s);
	(void)cam_username_valid(s);
	(void)cam_tz_valid(s);
	(void)cam_role_parse(s);
	/* Two versions "A|B": the order must be antisymmetric. */
	if ((bar = strchr(s, '|')) != NULL) {
		*bar = '\0';
		if (cam_firmware_cmp(s, bar + 1, &c1) == 0 &&
		    (cam_firmware_cmp(bar + 1, s, &c2) != 0 || c1 != -c2))
			abort();
	} else
		(void)cam_firmware_cmp(s, "V5.7.10", &c1);
end:
	free(s);
	return 0;
}
