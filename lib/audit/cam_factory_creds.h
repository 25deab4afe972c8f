/*
 * cam_defaults: the list of factory-default camera credentials that
 * camaudit checks each camera's stored user name and password against
 * (conf/camera-defaults, compiled in; format in camaudit(1)).  One entry
 * a line, "vendor<TAB>user<TAB>password", '#' comments, "<empty>" for
 * an empty field.  Matching compares every entry in full, in a time
 * that does not depend on where the stored secret differs.
 */
#ifndef CAM_DEFAULTS_H
#define CAM_DEFAULTS_H

#include <stddef.h>

#include "base/cam_err.h"

#define CAM_DEFAULTS_EMPTY	"<empty>"

struct cam_default {
	char *vendor;
	char *user;
	char *pass;		/* "" for <empty> */
	int line;
};

struct cam_defaults {
	size_t n;
	struct cam_default *d;
};

/* Parse a list; every bad line is reported as file:line. */
int cam_defaults_parse(struct cam_defaults *l, const char *file,
    const char *text, size_t len, struct cam_err *e);
/* The list compiled into the programs. */
int cam_defaults_builtin(struct cam_defaults *l, struct cam_err *e);
/* The first entry whose user and password are these, or NULL. */
const struct cam_default *cam_defaults_match(const struct cam_defaults *l,
    const char *user, const char *pass);
void cam_defaults_free(struct cam_defaults *l);

#endif
