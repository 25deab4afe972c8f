/*
 * cam_audit_archive_trust: what an archive's signatures are checked against:
 * the certificates of a --trust directory, or the trust lists of the
 * configuration in force.  Part of cam_audit_archive (see cam_audit_archive.h).
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/cam_audit_archive.h"
#include "base/cam_crypto.h"
#include "base/cam_util.h"
#include "site/cam_crl.h"


/* Certificates (.pem, .crt) and revocation lists (.crl) of a --trust
 * directory: lists last, once every CA is known. */
static int
trust_from_dir(struct cam_audit_archive_trust *t, const char *tdir,
    struct cam_err *e)
{
	struct dirent *de;
	DIR *d;

	for (int crl = 0; crl < 2; crl++) {
		if ((d = opendir(tdir)) == NULL)
			return cam_err_sys(e, "%s", tdir);
		while ((de = readdir(d)) != NULL) {
			struct cam_buf b = CAM_BUF_INIT;
			char path[PATH_MAX];
			size_t l = strlen(de->d_name);
			int is_crl = l >= 5 &&
			    strcmp(de->d_name + l - 4, ".crl") == 0;

			if (l < 5 || (crl ? !is_crl :
			    strcmp(de->d_name + l - 4, ".pem") != 0 &&
			    strcmp(de->d_name + l - 4, ".crt") != 0))
				continue;
			if (cam_path(path, sizeof(path), e, "%s/%s", tdir,
			    de->d_name) == -1 ||
			    cam_file_read(path, crl ? CAM_CRL_MAX : 1 << 20, &b,
			    e) == -1 ||
			    (crl ? cam_trust_add_crl(t->ca, b.s, b.len, path,
			    NULL, e) : cam_trust_add_pem(t->ca, b.s, b.len,
			    path, e)) == -1) {
				cam_buf_free(&b);
				closedir(d);
				return -1;
			}
			if (!crl && strncmp(de->d_name, "director", 8) == 0) {
				t->dir = cam_xrealloc(t->dir, (t->ndir + 1) *
				    sizeof(*t->dir));
				t->dir[t->ndir++] = b;
			} else if (!crl &&
			    strncmp(de->d_name, "unit-head", 9) == 0) {
				t->uh = cam_xrealloc(t->uh, (t->nuh + 1) *
				    sizeof(*t->uh));
				t->uh[t->nuh++] = b;
			} else
				cam_buf_free(&b);
		}
		closedir(d);
	}
	return 0;
}

/* --trust FILE, as openssl's -CAfile: every certificate of it is an
 * anchor; directors and unit heads are the site's when there is one
 * (else none is known: the request check says so). */
static int
trust_from_file(struct cam_audit_archive_trust *t, const char *file,
    struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	int rc;

	if (cam_file_read(file, 1 << 24, &b, e) == -1)
		return -1;
	rc = cam_trust_add_pem(t->ca, b.s, b.len, file, e);
	cam_buf_free(&b);
	if (rc == -1 || !t->have_site)
		return rc;
	if (cam_site_read_list(&t->site, &t->site.cfg.trust_director, &t->dir,
	    &t->ndir, e) == -1 ||
	    cam_site_read_list(&t->site, &t->site.cfg.trust_unit_head, &t->uh,
	    &t->nuh, e) == -1)
		return -1;
	return 0;
}

int
cam_audit_archive_trust_load(struct cam_audit_archive_trust *t,
    const char *confdir, const char *tdir, const char *crl,
    struct cam_err *e)
{
	struct stat st;
	int rc;

	memset(t, 0, sizeof(*t));
	if (confdir == NULL && tdir == NULL)
		return cam_errf(e, CAM_USAGE, "verify: no configuration "
		    "directory and no trust directory");
	if (confdir != NULL && cam_site_open(&t->site, confdir, e) == 0) {
		t->have_site = 1;
		t->need_unit_head = t->site.cfg.unit_head_signature;
	} else if (tdir == NULL)
		return -1;
	cam_err_clear(e);
	if (tdir != NULL) {
		if (stat(tdir, &st) == -1)
			return cam_err_sys(e, "%s", tdir);
		if (cam_trust_new(&t->ca, e) == -1)
			return -1;
		rc = S_ISDIR(st.st_mode) ? trust_from_dir(t, tdir, e) :
		    trust_from_file(t, tdir, e);
	} else {
		rc = cam_site_trust(&t->site, &t->ca, e) == -1 ||
		    cam_site_read_list(&t->site, &t->site.cfg.trust_director,
		    &t->dir, &t->ndir, e) == -1 ||
		    cam_site_read_list(&t->site, &t->site.cfg.trust_unit_head,
		    &t->uh, &t->nuh, e) == -1 ? -1 : 0;
		/* The units of the heads come with the site's trust only:
		 * a --trust directory or file matches them by OU. */
		t->uh_units = (const char *const *)
		    t->site.cfg.trust_unit_head_unit;
	}
	if (rc == 0 && crl != NULL) {
		struct cam_buf b = CAM_BUF_INIT;

		if (cam_file_read(crl, CAM_CRL_MAX, &b, e) == -1 ||
		    cam_trust_add_crl(t->ca, b.s, b.len, crl, NULL, e) == -1)
			rc = -1;
		cam_buf_free(&b);
	}
	return rc;
}

void
cam_audit_archive_trust_free(struct cam_audit_archive_trust *t)
{
	cam_trust_free(&t->ca);
	for (size_t i = 0; i < t->ndir; i++)
		cam_buf_free(&t->dir[i]);
	for (size_t i = 0; i < t->nuh; i++)
		cam_buf_free(&t->uh[i]);
	free(t->dir);
	free(t->uh);
	if (t->have_site)
		cam_site_close(&t->site);
}
