/*
 * cam_audit_cameras: see cam_audit_cameras.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "audit/cam_audit_cameras.h"
#include "base/cam_util.h"
#include "media/cam_rec.h"
#include "site/cam_config.h"
#include "site/cam_secret.h"

/* Severities, least first; medium and worse fail the run. */
enum sev { SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };
static const char *const sev_names[] = { "low", "medium", "high",
    "critical" };

#define PROBE_TIMEOUT	5	/* seconds for the unauthenticated probe */

struct camctx {
	struct cam_checklist *ck;
	const struct cam_camera *cam;
	char name[64];		/* the check: "camera ID" */
	int findings;
};

/* A finding: "SEVERITY: what", failing the run from medium up; fmt is
 * a msgid (the Makefile's XGETTEXT_KEYWORDS name this function). */
static void
finding(struct camctx *c, enum sev sev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
finding(struct camctx *c, enum sev sev, const char *fmt, ...)
{
	char what[1800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), cam_checklist_tr(c->ck, fmt), ap);
	va_end(ap);
	c->findings++;
	cam_checklist_line(c->ck, sev < SEV_MEDIUM, c->cam->id, sev_names[sev],
	    c->name, "%s: %s", sev_names[sev], what);
}

/* 1. Credentials: configured, not empty, not a factory default.  The
 * secret is only compared, never shown, and wiped at once. */
static void
check_credentials(struct camctx *c, const char *site_dir,
    const struct cam_factory_creds *defs)
{
	const struct cam_camera *cam = c->cam;
	const struct cam_factory_cred *d;
	char *user = NULL, *pass = NULL;
	struct cam_err e;
	int err;

	if (cam->credential == NULL) {
		finding(c, SEV_HIGH, "no credentials configured: the recorder "
		    "logs in with no user name and password (camctl camera "
		    "add %s --username U --password-file FILE)", cam->id);
		return;
	}
	cam_err_clear(&e);
	errno = 0;
	if (cam_secret_read(site_dir, cam->credential, &user, &pass,
	    &e) == -1) {
		err = errno;
		if (err == EACCES || err == EPERM) {
			/* Not a finding about the camera: the check was not
			 * done, and the run cannot vouch for it. */
			c->findings++;
			cam_checklist_line(c->ck, CAM_CHECK_SKIP, cam->id, NULL,
			    c->name, "not "
			    "done: credentials \"%s\" not checked: this user "
			    "may not read %s/private (run camaudit cameras as "
			    "root or as the owner of the configuration "
			    "directory)", cam->credential, site_dir);
		} else
			finding(c, SEV_HIGH, "credentials \"%s\" cannot be "
			    "read: %s", cam->credential,
			    cam_checklist_msg(c->ck, &e));
		return;
	}
	if (pass[0] == '\0')
		finding(c, SEV_CRITICAL, "empty password for user \"%s\" "
		    "(credentials \"%s\")", user, cam->credential);
	else if ((d = cam_factory_creds_match(defs, user, pass)) != NULL)
		finding(c, SEV_CRITICAL, "user \"%s\" has a factory-default "
		    "password (%s, line %d of the defaults list): change it "
		    "on the camera, then camctl camera add %s --username U "
		    "--password-file FILE", user, d->vendor, d->line,
		    cam->id);
	cam_secret_free(&user);
	cam_secret_free(&pass);
}

/* 2. Does it stream to anybody?  3. In the clear? */
static void
check_rtsp(struct camctx *c)
{
	const struct cam_camera *cam = c->cam;
	char why[512];

	switch (cam_rec_probe_auth(cam, PROBE_TIMEOUT, why, sizeof(why))) {
	case CAM_RTSP_OPEN:
		finding(c, SEV_CRITICAL, "RTSP answers without authentication "
		    "(DESCRIBE 200 with no credentials): anybody on the "
		    "network can watch %s", cam->url);
		break;
	case CAM_RTSP_AUTH:
	case CAM_RTSP_FORBIDDEN:
		break;
	case CAM_RTSP_UNPROBED:
		finding(c, SEV_MEDIUM, "not probed: %s did not answer a "
		    "DESCRIBE without credentials over %s: %s", cam->url,
		    cam->transport, why);
		break;
	}
	if (strncasecmp(cam->url, "rtsp://", 7) == 0)
		finding(c, SEV_MEDIUM, "plaintext transport (rtsp://): the "
		    "video crosses the network unencrypted; use the camera's "
		    "rtsps:// URL");
}

/* 4. Model on the approved list, firmware not older than its minimum. */
static void
check_model(struct camctx *c, const struct cam_config *cfg)
{
	const struct cam_camera *cam = c->cam;
	const struct cam_approved *a;
	int cmp;

	if (cfg->napproved == 0) {
		if (cam->model == NULL || cam->firmware == NULL)
			finding(c, SEV_LOW, "%s not recorded (camctl camera "
			    "set %s model=M firmware=V)", cam->model == NULL ?
			    "model" : "firmware", cam->id);
		return;
	}
	if (cam->model == NULL) {
		finding(c, SEV_MEDIUM, "model not recorded: it cannot be "
		    "checked against the approved list (camctl camera set %s "
		    "model=M firmware=V)", cam->id);
		return;
	}
	if ((a = cam_config_approved(cfg, cam->model)) == NULL) {
		finding(c, SEV_HIGH, "model \"%s\" is not on the approved list "
		    "(policy.approved_cameras)", cam->model);
		return;
	}
	if (a->min_firmware == NULL)
		return;
	if (cam->firmware == NULL)
		finding(c, SEV_MEDIUM, "firmware not recorded: it cannot be "
		    "checked against the minimum %s for %s (camctl camera set "
		    "%s firmware=V)", a->min_firmware, a->model, cam->id);
	else if (cam_firmware_cmp(cam->firmware, a->min_firmware, &cmp) == -1)
		finding(c, SEV_MEDIUM, "firmware \"%s\" holds no version "
		    "number to compare with the minimum %s", cam->firmware,
		    a->min_firmware);
	else if (cmp < 0)
		finding(c, SEV_HIGH, "firmware %s is older than the approved "
		    "minimum %s for %s", cam->firmware, a->min_firmware,
		    a->model);
}

int
cam_audit_cameras_defaults(const char *path, struct cam_factory_creds *defs,
    struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	int rc;

	if (path == NULL)
		return cam_factory_creds_builtin(defs, e);
	if (cam_file_read(path, 1 << 20, &b, e) == -1)
		return -1;
	rc = cam_factory_creds_parse(defs, path, b.s ? b.s : "", b.len, e);
	cam_buf_free(&b);
	return rc;
}

void
cam_audit_cameras(struct cam_site *s, const char *camera,
    const struct cam_factory_creds *defs, struct cam_checklist *ck)
{
	size_t n = 0;

	if (s->cfg.napproved == 0)
		cam_checklist_line(ck, CAM_CHECK_SKIP, NULL, sev_names[SEV_LOW],
		    "approved "
		    "cameras", "low: not configured: policy.approved_cameras "
		    "is empty, models and firmware are not checked "
		    "(camkit.yaml(5))");
	for (size_t i = 0; i < s->cfg.ncameras; i++) {
		const struct cam_camera *cam = &s->cfg.cameras[i];
		struct camctx c = { ck, cam, "", 0 };

		if (camera != NULL && strcmp(cam->id, camera) != 0)
			continue;
		n++;
		snprintf(c.name, sizeof(c.name), "camera %s", cam->id);
		check_credentials(&c, s->dir, defs);
		check_rtsp(&c);
		check_model(&c, &s->cfg);
		if (c.findings == 0)
			cam_checklist_line(ck, 1, cam->id, NULL, c.name, "%s, "
			    "firmware %s: no finding", cam->model ? cam->model :
			    cam_checklist_tr(ck, "model not recorded"),
			    cam->firmware ? cam->firmware :
			    cam_checklist_tr(ck, "not recorded"));
	}
	if (n == 0)
		cam_checklist_line(ck, 1, NULL, NULL, "cameras", "no camera in "
		    "the configuration in force");
}

