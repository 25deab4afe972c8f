/*
 * cam_factory_creds: factory-default camera credentials.  The list is data,
 * not code, so that a site can audit against a longer one (--defaults)
 * without a new build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/cam_factory_creds.h"
#include "base/cam_util.h"
#include "site/cam_secret.h"

extern const char cam_camera_defaults[];	/* conf/camera-defaults */

static char *
field(const char *s)
{
	return cam_xstrdup(strcmp(s, CAM_FACTORY_CREDS_EMPTY) == 0 ? "" : s);
}

int
cam_factory_creds_parse(struct cam_factory_creds *l, const char *file,
    const char *text, size_t len, struct cam_err *e)
{
	char *copy, *line, *next;
	int lineno = 0, bad = 0;

	memset(l, 0, sizeof(*l));
	if (memchr(text, '\0', len) != NULL)
		return cam_errf(e, CAM_NO, "%s: not a text file", file);
	copy = cam_xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (line = copy; line != NULL && *line != '\0'; line = next) {
		char *f[4];
		int n = 0;

		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '#' || line[strspn(line, " \t\r")] == '\0')
			continue;
		line[strcspn(line, "\r")] = '\0';
		for (char *p = line; n < 4; n++) {
			f[n] = p;
			if ((p = strchr(p, '\t')) == NULL) {
				n++;
				break;
			}
			*p++ = '\0';
		}
		if (n != 3 || f[0][0] == '\0' || f[1][0] == '\0' ||
		    f[2][0] == '\0') {
			cam_err_addf(e, CAM_NO, "%s:%d: want vendor<TAB>user"
			    "<TAB>password, with %s for an empty user or "
			    "password", file, lineno, CAM_FACTORY_CREDS_EMPTY);
			bad++;
			continue;
		}
		if (strlen(f[1]) > CAM_SECRET_MAX ||
		    strlen(f[2]) > CAM_SECRET_MAX ||
		    !cam_utf8_clean(f[0], strlen(f[0]), 0) ||
		    !cam_utf8_clean(f[1], strlen(f[1]), 0) ||
		    !cam_utf8_clean(f[2], strlen(f[2]), 0)) {
			cam_err_addf(e, CAM_NO, "%s:%d: a field longer than %d "
			    "bytes, or not UTF-8 text", file, lineno,
			    CAM_SECRET_MAX);
			bad++;
			continue;
		}
		l->d = cam_xrealloc(l->d, (l->n + 1) * sizeof(*l->d));
		l->d[l->n].vendor = cam_xstrdup(f[0]);
		l->d[l->n].user = field(f[1]);
		l->d[l->n].pass = field(f[2]);
		l->d[l->n].line = lineno;
		l->n++;
	}
	free(copy);
	if (bad) {
		cam_factory_creds_free(l);
		return -1;
	}
	return 0;
}

int
cam_factory_creds_builtin(struct cam_factory_creds *l, struct cam_err *e)
{
	return cam_factory_creds_parse(l, "camera-defaults (built in)",
	    cam_camera_defaults, strlen(cam_camera_defaults), e);
}

/* Equal or not, in a time that depends on the lengths only: every byte
 * up to the longest possible secret is looked at. */
static int
ct_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned diff = la != lb;

	for (size_t i = 0; i <= CAM_SECRET_MAX; i++) {
		unsigned char x = i < la ? (unsigned char)a[i] : 0;
		unsigned char y = i < lb ? (unsigned char)b[i] : 0;
		diff |= (unsigned)(x ^ y);
	}
	return diff == 0;
}

const struct cam_factory_cred *
cam_factory_creds_match(const struct cam_factory_creds *l, const char *user,
    const char *pass)
{
	const struct cam_factory_cred *found = NULL;

	/* No early exit: the whole list is compared every time. */
	for (size_t i = 0; i < l->n; i++) {
		int u = ct_equal(l->d[i].user, user);
		int p = ct_equal(l->d[i].pass, pass);
		if ((u & p) && found == NULL)
			found = &l->d[i];
	}
	return found;
}

void
cam_factory_creds_free(struct cam_factory_creds *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->d[i].vendor);
		free(l->d[i].user);
		free(l->d[i].pass);
	}
	free(l->d);
	memset(l, 0, sizeof(*l));
}
