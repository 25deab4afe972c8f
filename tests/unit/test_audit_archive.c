/*
 * Unit tests for cam_audit_archive_trust_load: what it does without a site or
 * without a trust directory.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/cam_audit_archive.h"
#include "base/cam_err.h"
#include "unit.h"

int
main(void)
{
	struct cam_audit_archive_trust t;
	struct cam_err e;
	char dir[] = "/tmp/camkit-unit-verify-XXXXXX";

	cam_err_clear(&e);
	CHECK(cam_audit_archive_trust_load(&t, NULL, NULL, NULL, &e) == -1,
	    "neither a site nor a trust directory: refused");
	CHECK(e.code == CAM_USAGE, "... as a usage error");
	CHECK(strstr(e.msg, "no configuration directory") != NULL,
	    "... saying what is missing");
	CHECK(t.have_site == 0 && t.ndir == 0, "... with nothing loaded");
	cam_audit_archive_trust_free(&t);

	if (mkdtemp(dir) == NULL)
		return 1;
	cam_err_clear(&e);
	CHECK(cam_audit_archive_trust_load(&t, NULL, dir, NULL, &e) == 0,
	    "no site, an empty trust directory: loaded");
	CHECK(t.have_site == 0 && t.ndir == 0 && t.nuh == 0,
	    "... with no site and no signer");
	cam_audit_archive_trust_free(&t);

	cam_err_clear(&e);
	CHECK(cam_audit_archive_trust_load(&t, dir, NULL, NULL, &e) == -1,
	    "a directory that is no site and no trust directory: refused");
	CHECK(e.msg[0] != '\0', "... with a message");
	cam_audit_archive_trust_free(&t);
	rmdir(dir);
	return UNIT_END();
}
