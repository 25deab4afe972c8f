/*
 * The factory-default credentials list (conf/camera-defaults format,
 * cam_factory_creds): parsed, then matched against a few user names and
 * passwords.
 */
#include "fuzz.h"

#include "audit/cam_factory_creds.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cam_factory_creds l;
	struct cam_err e;

	cam_err_clear(&e);
	if (cam_factory_creds_parse(&l, "camera-defaults", (const char *)data,
	    size, &e) == 0) {
		(void)cam_factory_creds_match(&l, "admin", "12345");
		(void)cam_factory_creds_match(&l, "admin", "");
		(void)cam_factory_creds_match(&l, "", "");
		for (size_t i = 0; i < l.n; i++)
			if (cam_factory_creds_match(&l, l.d[i].user,
			    l.d[i].pass) == NULL)
				abort();
	}
	cam_factory_creds_free(&l);
	return 0;
}
