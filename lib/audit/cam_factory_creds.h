/*
 * cam_factory_creds: the list of factory-default camera credentials that
 * camaudit checks each camera's stored user name and password against
 * (conf/camera-defaults, compiled in; format in camaudit(1)).  One entry
 * a line, "vendor<TAB>user<TAB>password", '#' comments, "<empty>" for
 * an empty field.  Matching compares every entry in full, in a time
 * that does not depend on where the stored secret differs.
 */
#ifndef CAM_FACTORY_CREDS_H
#define CAM_FACTORY_CREDS_H

#include <stddef.h>

#include "base/cam_err.h"

#define CAM_FACTORY_CREDS_EMPTY	"<empty>"

struct cam_factory_cred {
	char *vendor;
	char *user;
	char *pass;		/* "" for <empty> */
	int line;
};

struct cam_factory_creds {
	size_t n;
	struct cam_factory_cred *d;
};

/* Parse a list; every bad line is reported as file:line. */
int cam_factory_creds_parse(struct cam_factory_creds *l, const char *file,
    const char *text, size_t len, struct cam_err *e);
/* The list compiled into the programs. */
int cam_factory_creds_builtin(struct cam_factory_creds *l, struct cam_err *e);
/* The first entry whose user and password are these, or NULL. */
const struct cam_factory_cred *cam_factory_creds_match(
    const struct cam_factory_creds *l, const char *user, const char *pass);
void cam_factory_creds_free(struct cam_factory_creds *l);

#endif
