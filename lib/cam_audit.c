/*
 * cam_audit: append to the audit trail.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "cam_audit.h"
#include "cam_journal.h"
#include "cam_json.h"
#include "cam_util.h"

/* A caller's string cut to fit any record (the reason, a cam_err
 * message, is bounded already): at most max bytes, then "...". */
static const char *
cut(const char *s, char *buf, size_t max)
{
	size_t n;

	if (s == NULL || strlen(s) <= max)
		return s;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;	/* not inside a UTF-8 sequence */
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

int
cam_audit(const char *root, const char *host, const struct cam_actor *a,
    const struct cam_audit_rec *r, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_journal *j = NULL;
	char path[PATH_MAX];
	char obj[CAM_AUDIT_OBJECT_MAX + 4];
	struct stat st;
	int rc = -1;

	if (root == NULL || stat(root, &st) == -1) {
		if (root == NULL || errno == ENOENT)
			return 1;
		return cam_err_sys(e, "%s", root);
	}
	if (cam_path(path, sizeof(path), e, "%s/%s", root,
	    CAM_AUDIT_FILE) == -1)
		return -1;
	cam_json_begin(&b);
	cam_json_add_str(&b, "actor", a->name);
	cam_json_add_uint(&b, "uid", a->uid);
	cam_json_add_str(&b, "program", r->program);
	cam_json_add_str(&b, "verb", r->verb);
	if (r->object != NULL)
		cam_json_add_str(&b, "object", cut(r->object, obj,
		    CAM_AUDIT_OBJECT_MAX));
	cam_json_add_str(&b, "outcome", r->outcome);
	if (r->reason != NULL)
		cam_json_add_str(&b, "reason", r->reason);
	if (r->detail != NULL)
		cam_json_add_raw(&b, "detail", r->detail);
	cam_json_end(&b);
	if (cam_journal_open(&j, path, host, e) == 0 &&
	    cam_journal_append(j, "audit", cam_buf_str(&b), NULL, e) == 0)
		rc = 0;
	cam_journal_close(&j);
	cam_buf_free(&b);
	return rc;
}
