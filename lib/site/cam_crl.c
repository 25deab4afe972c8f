/*
 * cam_crl: the site's revocation lists (see cam_crl.h).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cam_time.h"
#include "site/cam_config.h"
#include "site/cam_crl.h"

void
cam_crl_describe(const struct cam_crl_info *in, const char *zone,
    struct cam_buf *out)
{
	char last[64], next[64];

	cam_time_format_zone(in->last, zone, last, sizeof(last));
	if (in->next != 0)
		cam_time_format_zone(in->next, zone, next, sizeof(next));
	else
		snprintf(next, sizeof(next), "none given");
	cam_buf_addf(out, "%s\tissued %s\tnext update %s\t%d revoked",
	    in->issuer, last, next, in->nrevoked);
}

/* Put back what path held before a failed commit (old NULL: remove
 * it); a failure to is added to e, after why the commit failed. */
static void
restore(const char *path, const struct cam_buf *old, struct cam_err *e)
{
	struct cam_err e2;

	cam_err_clear(&e2);
	if (old != NULL)
		(void)cam_file_write_atomic(path, old->s, old->len, 0644, &e2);
	else if (unlink(path) == -1)
		cam_err_sys(&e2, "%s", path);
	if (e2.count)
		cam_err_addf(e, e2.code, "%s", e2.msg);
}

/* Is the list described by in older than, or as old as, one already in
 * t's first n lists?  Then e says so. */
static int
not_newer(const struct cam_trust *t, int n, const struct cam_crl_info *in,
    const char *file, const char *zone, struct cam_err *e)
{
	struct cam_crl_info have;
	char when[64];

	for (int i = 0; i < n; i++) {
		cam_trust_crl_info(t, i, &have);
		if (have.hash != in->hash ||
		    strcmp(have.issuer, in->issuer) != 0 ||
		    have.last < in->last)
			continue;
		cam_time_format_human(have.last, zone, when, sizeof(when));
		cam_errf(e, CAM_NO, "%s: refused: the list in force for %s "
		    "was issued on %s, %s", file, in->issuer, when,
		    have.last == in->last ? "the same day and time as this "
		    "one" : "after this one");
		return 1;
	}
	return 0;
}

int
cam_crl_add(struct cam_site *s, const char *file, struct cam_crl_added *out,
    struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT, old = CAM_BUF_INIT;
	struct cam_crl_edit ed;
	struct cam_trust *t = NULL;
	struct cam_err ignore;
	char path[PATH_MAX];
	const char *also[2];
	int rc = -1, n0, had_old;

	memset(out, 0, sizeof(*out));
	if (cam_file_read(file, CAM_CRL_MAX, &b, e) == -1 ||
	    cam_site_trust(s, &t, e) == -1)
		goto end;
	if (cam_trust_count(t) == 0) {
		cam_errf(e, CAM_NO, "%s: refused: no CA is trusted "
		    "(trust.ca is empty); add the certificate of the CA that "
		    "issued this list first", file);
		goto end;
	}
	n0 = cam_trust_crl_count(t);
	if (cam_trust_add_crl(t, b.s, b.len, file, &out->info, e) == -1) {
		char copy[CAM_ERR_MAX];

		snprintf(copy, sizeof(copy), "%s", e->msg);
		cam_errf(e, CAM_NO, "refused: %s", copy);
		goto end;
	}
	if (cam_trust_crl_count(t) - n0 != 1) {
		cam_errf(e, CAM_NO, "%s: refused: it holds %d revocation "
		    "lists; add them one file each", file,
		    cam_trust_crl_count(t) - n0);
		goto end;
	}
	if (not_newer(t, n0, &out->info, file, s->cfg.timezone, e))
		goto end;
	out->stale = out->info.next != 0 && out->info.next < time(NULL);
	snprintf(out->rel, sizeof(out->rel), "trust/crl/%08lx.crl",
	    out->info.hash);
	if (cam_path(path, sizeof(path), e, "%s/%s", s->dir, out->rel) == -1 ||
	    cam_mkdir_under(s->dir, "trust/crl", 0755, e) == -1)
		goto end;
	cam_err_clear(&ignore);
	had_old = cam_file_read(path, CAM_CRL_MAX, &old, &ignore) == 0;
	if (cam_file_write_atomic(path, b.s, b.len, 0644, e) == -1)
		goto end;
	ed.path = out->rel;
	ed.add = 1;
	also[0] = out->rel;
	also[1] = NULL;
	snprintf(out->msg, sizeof(out->msg), "crl add %s", out->rel);
	if (cam_site_edit_with(s, cam_config_edit_crl, &ed, also, out->msg,
	    out->id, e) == -1) {
		restore(path, had_old ? &old : NULL, e);
		goto end;
	}
	rc = 0;
end:
	cam_trust_free(&t);
	cam_buf_free(&b);
	cam_buf_free(&old);
	return rc;
}
