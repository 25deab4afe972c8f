/*
 * The factory-default credentials list (conf/camera-defaults format,
 * cam_defaults): parsed, then matched against a few user names and
 * passwords.
 */
#include "fuzz.h"

#include "audit/cam_factory_creds.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cam_defaults l;
	struct cam_err e;

	cam_err_clear(&e);
	if (cam_defaults_parse(&l, "camera-defaults", (const char *)data,
	    size, &e) == 0) {
		(void)cam_defaults_match(&l, "admin", "12345");
		(void)cam_defaults_match(&l, "admin", "");
		(void)cam_defaults_match(&l, "", "");
		for (size_t i = 0; i < l.n; i++)
			if (cam_defaults_match(&l, l.d[i].user,
			    l.d[i].pass) == NULL)
				abort();
	}
	cam_defaults_free(&l);
	return 0;
}
