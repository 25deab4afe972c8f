/*
 * cam_systemd: see cam_systemd.h.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/cam_util.h"
#include "site/cam_systemd.h"

extern const char cam_unit_rec[], cam_unit_prune[], cam_unit_prune_timer[],
    cam_unit_seal[], cam_unit_seal_timer[], cam_unit_view[],
    cam_unit_alerts[], cam_unit_alerts_timer[];
extern const char cam_unit_report[], cam_unit_report_timer[];
extern const char cam_unit_replicate[], cam_unit_replicate_timer[];
extern const char cam_unit_sync[], cam_unit_sync_timer[];
extern const char cam_cron_head[];

/* Replace @CONFDIR@, @BINDIR@, @STORAGE@, @USER@, @GROUP@ and
 * @REPLCRED@ (replication: credential) in a template. */
static void
fill(struct cam_buf *out, const char *tmpl, const struct cam_systemd_conf *u)
{
	static const char *const keys[] = { "@CONFDIR@", "@BINDIR@",
	    "@STORAGE@", "@USER@", "@GROUP@", "@REPLCRED@" };
	const char *vals[] = { u->confdir, u->bindir, u->cfg->root, u->user,
	    u->group, u->cfg->repl.credential != NULL ?
	    u->cfg->repl.credential : "" };
	const char *p = tmpl;

	while (*p) {
		int hit = -1;
		for (int i = 0; i < 6; i++)
			if (strncmp(p, keys[i], strlen(keys[i])) == 0)
				hit = i;
		if (hit == -1) {
			cam_buf_add(out, p++, 1);
			continue;
		}
		cam_buf_adds(out, vals[hit]);
		p += strlen(keys[hit]);
	}
}

static int
put(const struct cam_systemd_conf *u, const char *name, struct cam_buf *text,
    struct cam_buf *written, struct cam_err *e)
{
	char path[PATH_MAX];

	if (cam_path(path, sizeof(path), e, "%s/%s", u->outdir, name) == -1 ||
	    cam_file_write_atomic(path, text->s, text->len, 0644, e) == -1)
		return -1;
	cam_buf_addf(written, "%s\n", path);
	return 0;
}

/* The camera's credentials, handed over by systemd (which reads them as
 * root) so that the recorder's own user needs no access to private/. */
static int
credential_dropin(const struct cam_systemd_conf *u, const struct cam_camera *c,
    struct cam_buf *written, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	char dir[PATH_MAX], name[PATH_MAX];
	int rc = -1;

	if (cam_path(dir, sizeof(dir), e, "%s/camrec@%s.service.d", u->outdir,
	    c->id) == -1 || cam_mkdir_p(dir, 0755, e) == -1 ||
	    cam_path(name, sizeof(name), e, "camrec@%s.service.d/camkit.conf",
	    c->id) == -1)
		return -1;
	cam_buf_addf(&b, "# Written by \"camctl units\".\n[Service]\n"
	    "LoadCredential=camera:%s/private/credentials/%s\n", u->confdir,
	    c->credential);
	rc = put(u, name, &b, written, e);
	cam_buf_free(&b);
	return rc;
}

/* The cameras this host records: enabled, and assigned to it. */
static int
ours(const struct cam_systemd_conf *u, const struct cam_camera *c)
{
	const char *h = c->host ? c->host : u->cfg->host;

	return c->enabled && (h == NULL || strcmp(h, u->host) == 0);
}

int
cam_systemd_write(const struct cam_systemd_conf *u, struct cam_buf *written,
    struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	int n = 0, rc = -1;

	if (cam_mkdir_p(u->outdir, 0755, e) == -1)
		return -1;
	if (u->cron) {
		fill(&b, cam_cron_head, u);
		for (size_t i = 0; i < u->cfg->ncameras; i++) {
			const struct cam_camera *c = &u->cfg->cameras[i];
			if (!ours(u, c))
				continue;
			cam_buf_addf(&b, "* * * * * %s flock -n "
			    "%s/.cron-%s.lock %s/camrec record %s\n", u->user,
			    u->cfg->root, c->id, u->bindir, c->id);
			n++;
		}
		cam_buf_addf(&b, "17 * * * * %s %s/camrec prune\n", u->user,
		    u->bindir);
		cam_buf_addf(&b, "47 * * * * %s %s/camctl seal >/dev/null\n",
		    u->user, u->bindir);
		cam_buf_addf(&b, "* * * * * %s flock -n %s/.cron-watch.lock "
		    "%s/camctl watch >/dev/null\n", u->user, u->cfg->root,
		    u->bindir);
		cam_buf_addf(&b, "0 3 1 * * %s %s/camaudit report --save\n",
		    u->user, u->bindir);
		if (u->cfg->repl.endpoint != NULL)
			cam_buf_addf(&b, "* * * * * %s %s/camrec replicate "
			    "--once >/dev/null\n", u->user, u->bindir);
		/* As root: it writes this file again and tells the
		 * recorders (camkit-hosts(7)); only for a site that names
		 * its central repository. */
		if (u->cfg->sync.remote != NULL)
			cam_buf_addf(&b, "*/5 * * * * root flock -n "
			    "%s/.cron-sync.lock %s/camctl sync >/dev/null\n",
			    u->cfg->root, u->bindir);
		if (put(u, "camkit", &b, written, e) == -1)
			goto end;
		rc = n;
		goto end;
	}
	fill(&b, cam_unit_rec, u);
	if (put(u, "camrec@.service", &b, written, e) == -1)
		goto end;
	b.len = 0;
	fill(&b, cam_unit_prune, u);
	if (put(u, "camrec-prune.service", &b, written, e) == -1)
		goto end;
	b.len = 0;
	fill(&b, cam_unit_prune_timer, u);
	if (put(u, "camrec-prune.timer", &b, written, e) == -1)
		goto end;
	b.len = 0;
	fill(&b, cam_unit_seal, u);
	if (put(u, "camkit-seal.service", &b, written, e) == -1)
		goto end;
	b.len = 0;
	fill(&b, cam_unit_seal_timer, u);
	if (put(u, "camkit-seal.timer", &b, written, e) == -1)
		goto end;
	b.len = 0;
	fill(&b, cam_unit_alerts, u);
	if (put(u, "camkit-alerts.service", &b, written, e) == -1)
		goto end;
	b.len = 0;
	fill(&b, cam_unit_alerts_timer, u);
	if (put(u, "camkit-alerts.timer", &b, written, e) == -1)
		goto end;
	b.len = 0;
	fill(&b, cam_unit_report, u);
	if (put(u, "camkit-report.service", &b, written, e) == -1)
		goto end;
	b.len = 0;
	fill(&b, cam_unit_report_timer, u);
	if (put(u, "camkit-report.timer", &b, written, e) == -1)
		goto end;
	b.len = 0;
	fill(&b, cam_unit_sync, u);
	if (put(u, "camkit-sync.service", &b, written, e) == -1)
		goto end;
	b.len = 0;
	fill(&b, cam_unit_sync_timer, u);
	if (put(u, "camkit-sync.timer", &b, written, e) == -1)
		goto end;
	b.len = 0;
	fill(&b, cam_unit_view, u);
	if (put(u, "camview.service", &b, written, e) == -1)
		goto end;
	b.len = 0;
	if (u->cfg->repl.endpoint != NULL) {
		fill(&b, cam_unit_replicate, u);
		if (put(u, "camkit-replicate.service", &b, written, e) == -1)
			goto end;
		b.len = 0;
		fill(&b, cam_unit_replicate_timer, u);
		if (put(u, "camkit-replicate.timer", &b, written, e) == -1)
			goto end;
		b.len = 0;
	}
	/* The instances: one target that wants a recorder per camera. */
	cam_buf_addf(&b, "# The recorders of host %s, written by \"camctl "
	    "units\" from %s.\n[Unit]\nDescription=camkit recorders of %s\n"
	    "Documentation=man:camrec(1)\n", u->host, u->confdir, u->host);
	for (size_t i = 0; i < u->cfg->ncameras; i++) {
		const struct cam_camera *c = &u->cfg->cameras[i];
		if (!ours(u, c))
			continue;
		cam_buf_addf(&b, "Wants=camrec@%s.service\n", c->id);
		n++;
		if (c->credential != NULL && credential_dropin(u, c, written,
		    e) == -1)
			goto end;
	}
	cam_buf_adds(&b, "\n[Install]\nWantedBy=multi-user.target\n");
	if (put(u, "camkit-recorders.target", &b, written, e) == -1)
		goto end;
	rc = n;
end:
	cam_buf_free(&b);
	return rc;
}
