/*
 * cam_report_pdf: the monthly report (cam_audit_report) as a document
 * for the director: A4 PDF drawn with cairo, its words laid out with
 * pango in DejaVu Sans (Vietnamese diacritics shaped right), in the
 * language the report was made in (the caller chooses it: the site's,
 * cam_i18n_use).  A title page (the site, the month, made when, where
 * and by whom, the result), a chart of each camera's recorded hours per
 * day (a grid of cameras by days, 40 cameras a page), then every
 * section of the text report; page numbers at the foot of each page.
 *
 * Signed, it has a detached CMS signature beside it (DER, binary, made
 * with the site key and certificate as the seals are: private/site.key,
 * a PEM key or a pkcs11: URI), which
 * `openssl cms -verify -binary -inform DER -in F.p7s -content F
 * -CAfile ca.pem` checks.
 */
#ifndef CAM_REPORT_PDF_H
#define CAM_REPORT_PDF_H

#include "audit/cam_audit_report.h"
#include "base/cam_err.h"
#include "base/cam_util.h"

/* Draw report p (text form, made with p->chart set) into out. */
int cam_report_pdf(const struct cam_audit_report *p, struct cam_buf *out,
    struct cam_err *e);

/*
 * Write pdf to path and, if sign, its signature to path.p7s, made with
 * the site key of the configuration directory confdir (or of systemd's
 * credentials: cam_secret_site_key).  Each file is written whole
 * (temporary file, fsync, rename): the signature first, the PDF last,
 * so that whoever sees the PDF appear finds its signature beside it.
 * A key that cannot sign leaves nothing written.
 */
int cam_report_pdf_save(const char *confdir, const struct cam_buf *pdf,
    const char *path, int sign, struct cam_err *e);

#endif
