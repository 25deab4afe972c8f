/*
 * cam_web: the web assets (the .html, .js, .css and .svg files of web/) compiled into
 * camview by the Makefile; the list ends with a NULL name.
 */
#ifndef CAM_WEB_H
#define CAM_WEB_H

#include <stddef.h>

struct cam_web_file {
	const char *name;	/* "wall.html" */
	const char *data;
	size_t len;
};

extern const struct cam_web_file cam_web_files[];

#endif
