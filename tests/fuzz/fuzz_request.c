/*
 * Request files (camkit-request(5)): YAML under cam_request's schema,
 * local times read in the site's zone.  The first byte picks the zone,
 * so that both the UTC path and the local-time path (TZ switching, DST
 * gaps) are fed.
 */
#include "fuzz.h"

#include "evidence/cam_request.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const zones[] = { "Asia/Ho_Chi_Minh", NULL,
	    "Europe/Berlin", "UTC" };
	struct cam_request r;
	struct cam_err e;
	const char *zone = zones[0];

	if (size > 0 && data[0] == '\x01') {
		zone = zones[1 + (size > 1 ? data[1] % 3 : 0)];
		data += size > 1 ? 2 : 1;
		size -= size > 1 ? 2 : 1;
	}
	cam_err_clear(&e);
	/* On failure r is empty: nothing to free. */
	if (cam_request_parse(&r, "request.yaml", (const char *)data, size,
	    zone, &e) == 0)
		cam_request_free(&r);
	return 0;
}
