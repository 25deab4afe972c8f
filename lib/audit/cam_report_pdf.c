/*
 * cam_report_pdf: see cam_report_pdf.h.  The document is drawn twice:
 * once to count its pages (for "page N of M"), then into the buffer.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "audit/cam_report_pdf.h"
#include "base/cam_i18n.h"
#include "journal/cam_seal.h"
#include "site/cam_secret.h"

/* A4 in points, and the margins. */
#define PAGE_W		595.276
#define PAGE_H		841.890
#define MARGIN		50.0
#define FOOT		24.0	/* room kept for the page number */
#define BODY_W		(PAGE_W - 2 * MARGIN)

#define FONT		"DejaVu Sans"
#define FONT_MONO	"DejaVu Sans Mono"

/* Chart: cameras a page, the row height, the name column, the total
 * column. */
#define CHART_ROWS	40
#define CHART_ROW_H	14.0
#define CHART_NAME_W	78.0
#define CHART_TOTAL_W	42.0

struct doc {
	const struct cam_audit_report *p;
	cairo_surface_t *sf;
	cairo_t *cr;
	int page;		/* the page being drawn, from 1 */
	int pages;		/* all of them (0 while counting) */
	double y;		/* where the next line goes */
};

static cairo_status_t
to_buf(void *arg, const unsigned char *data, unsigned int len)
{
	if (arg != NULL)
		cam_buf_add(arg, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* Lay out s at (x, y) in width w (pango markup off), in font of size
 * pt, bold or not, aligned; draw it if draw; its height. */
static double
text(struct doc *d, double x, double y, double w, const char *family,
    double pt, int bold, PangoAlignment align, const char *s, int draw)
{
	PangoLayout *l = pango_cairo_create_layout(d->cr);
	PangoFontDescription *f = pango_font_description_new();
	int pw, ph;

	pango_font_description_set_family(f, family);
	pango_font_description_set_absolute_size(f, pt * PANGO_SCALE);
	pango_font_description_set_weight(f, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, f);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, s, -1);
	pango_layout_get_size(l, &pw, &ph);
	if (draw) {
		cairo_move_to(d->cr, x, y);
		pango_cairo_show_layout(d->cr, l);
	}
	pango_font_description_free(f);
	g_object_unref(l);
	return (double)ph / PANGO_SCALE;
}

/* The foot of the page: the site and month, and the page number. */
static void
foot(struct doc *d)
{
	char b[256];

	cairo_set_source_rgb(d->cr, 0.35, 0.35, 0.35);
	snprintf(b, sizeof(b), "%s  %s", d->p->s->cfg.site_name,
	    d->p->month);
	text(d, MARGIN, PAGE_H - MARGIN + 6, BODY_W / 2, FONT, 8, 0,
	    PANGO_ALIGN_LEFT, b, 1);
	if (d->pages > 0)
		snprintf(b, sizeof(b), _("Page %d of %d"), d->page, d->pages);
	else
		snprintf(b, sizeof(b), _("Page %d of %d"), d->page, 99);
	text(d, MARGIN + BODY_W / 2, PAGE_H - MARGIN + 6, BODY_W / 2, FONT, 8,
	    0, PANGO_ALIGN_RIGHT, b, 1);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
}

static void
new_page(struct doc *d)
{
	if (d->page > 0) {
		foot(d);
		cairo_show_page(d->cr);
	}
	d->page++;
	d->y = MARGIN;
}

/* Room for h more points on this page, or a new page. */
static void
room(struct doc *d, double h)
{
	if (d->y + h > PAGE_H - MARGIN - FOOT)
		new_page(d);
}

/* The line of txt that begins at off, into b (without its LF); the
 * offset of the next line. */
static size_t
line_at(const char *txt, size_t off, size_t end, char *b, size_t len)
{
	size_t n = strcspn(txt + off, "\n");

	if (off + n > end)
		n = end - off;
	snprintf(b, len, "%.*s", (int)(n < len ? n : len - 1), txt + off);
	return off + n + (txt[off + n] == '\n');
}

static void
title_page(struct doc *d)
{
	const struct cam_audit_report *p = d->p;
	const char *txt = cam_buf_str(&p->txt);
	size_t end = p->nsec > 0 ? p->sec[0] : p->txt.len, off = 0;
	char b[1024];
	double h;

	new_page(d);
	d->y += 90;
	h = text(d, MARGIN, d->y, BODY_W, FONT, 20, 1, PANGO_ALIGN_CENTER,
	    _("Monthly report on the camera system"), 1);
	d->y += h + 10;
	h = text(d, MARGIN, d->y, BODY_W, FONT, 16, 0, PANGO_ALIGN_CENTER,
	    p->s->cfg.site_name, 1);
	d->y += h + 6;
	snprintf(b, sizeof(b), _("Month %s"), p->month);
	h = text(d, MARGIN, d->y, BODY_W, FONT, 14, 0, PANGO_ALIGN_CENTER, b,
	    1);
	d->y += h + 50;
	/* The header lines of the text: the site, the month and its zone,
	 * made when, on which host, by whom, the configuration. */
	while (off < end) {
		off = line_at(txt, off, end, b, sizeof(b));
		if (b[0] == '\0')
			continue;
		h = text(d, MARGIN, d->y, BODY_W, FONT, 11, 0,
		    PANGO_ALIGN_LEFT, b, 1);
		d->y += h + 4;
	}
	/* The result: the last line of the text. */
	end = p->txt.len;
	while (end > 0 && txt[end - 1] == '\n')
		end--;
	off = end;
	while (off > 0 && txt[off - 1] != '\n')
		off--;
	if (off < end) {
		line_at(txt, off, end, b, sizeof(b));
		d->y += 20;
		h = text(d, MARGIN, d->y, BODY_W, FONT, 12, 1,
		    PANGO_ALIGN_LEFT, b, 1);
		d->y += h + 4;
	}
	d->y += 20;
	text(d, MARGIN, d->y, BODY_W, FONT, 9, 0, PANGO_ALIGN_LEFT,
	    _("Policy 001 section 14.2: the operator's monthly report on "
	    "the state of the system to the head of the office.  The "
	    "signature of this file is beside it (.p7s, CMS)."), 1);
}

/* The colour of a day's cell: hours of footage out of those the day
 * had (0 if the day had not begun). */
static void
cell_colour(cairo_t *cr, double got, double had)
{
	if (had <= 0) {
		cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
		return;
	}
	double f = got / had;
	if (f >= 0.99)
		cairo_set_source_rgb(cr, 0.55, 0.80, 0.55);
	else if (f <= 0.0)
		cairo_set_source_rgb(cr, 0.90, 0.40, 0.40);
	else	/* from red (nothing) to yellow (almost all) */
		cairo_set_source_rgb(cr, 0.95, 0.55 + 0.35 * f, 0.35);
}

static void
legend(struct doc *d, double x, double y)
{
	static const char *const words[] = { N_("whole day"),
		N_("part of the day"), N_("nothing recorded"),
		N_("not yet recording") };
	static const double got[] = { 1, 0.5, 0, 0 }, had[] = { 1, 1, 1, 0 };

	for (int i = 0; i < 4; i++) {
		cell_colour(d->cr, got[i], had[i]);
		cairo_rectangle(d->cr, x, y, 10, 10);
		cairo_fill(d->cr);
		cairo_set_source_rgb(d->cr, 0, 0, 0);
		text(d, x + 14, y - 1, 100, FONT, 8, 0, PANGO_ALIGN_LEFT,
		    _(words[i]), 1);
		x += 120;
	}
}

/* Cameras [from, to) of the chart on a page of its own. */
static void
chart_page(struct doc *d, size_t from, size_t to)
{
	const struct cam_audit_report *p = d->p;
	const struct cam_report_chart *c = &p->ch;
	double cw = (BODY_W - CHART_NAME_W - CHART_TOTAL_W) / c->ndays;
	double x0 = MARGIN + CHART_NAME_W, y, h;
	char b[256];

	new_page(d);
	snprintf(b, sizeof(b), _("Recorded hours per camera and day, %s"),
	    p->month);
	h = text(d, MARGIN, d->y, BODY_W, FONT, 13, 1, PANGO_ALIGN_LEFT, b,
	    1);
	d->y += h + 2;
	snprintf(b, sizeof(b), _("cameras %zu to %zu of %zu; each cell: "
	    "hours of footage that day (time zone %s)"), from + 1, to, c->n,
	    p->s->cfg.timezone);
	h = text(d, MARGIN, d->y, BODY_W, FONT, 8, 0, PANGO_ALIGN_LEFT, b, 1);
	d->y += h + 8;
	/* The days across the top, the total at the right. */
	for (int k = 0; k < c->ndays; k++) {
		snprintf(b, sizeof(b), "%d", k + 1);
		text(d, x0 + k * cw, d->y, cw, FONT, 6.5, 1,
		    PANGO_ALIGN_CENTER, b, 1);
	}
	text(d, x0 + c->ndays * cw, d->y, CHART_TOTAL_W, FONT, 6.5, 1,
	    PANGO_ALIGN_RIGHT, _("total h"), 1);
	d->y += 12;
	cairo_set_line_width(d->cr, 0.4);
	for (size_t i = from; i < to; i++) {
		int64_t sum = 0;
		y = d->y + (double)(i - from) * CHART_ROW_H;
		text(d, MARGIN, y + 2, CHART_NAME_W - 4, FONT_MONO, 7, 0,
		    PANGO_ALIGN_LEFT, c->camera[i], 1);
		for (int k = 0; k < c->ndays; k++) {
			time_t a = c->day[k], z = c->day[k + 1];
			/* Expected from the first recording on (a camera
			 * that never recorded: all along), to now. */
			if (c->began[i] > a)
				a = c->began[i];
			if (z > p->end)
				z = p->end;
			double had = z > a ? (double)(z - a) / 3600 : 0;
			double got = (double)c->sec[i][k] / 3600;
			sum += c->sec[i][k];
			cell_colour(d->cr, got, had);
			cairo_rectangle(d->cr, x0 + k * cw, y, cw,
			    CHART_ROW_H);
			cairo_fill_preserve(d->cr);
			cairo_set_source_rgb(d->cr, 1, 1, 1);
			cairo_stroke(d->cr);
			cairo_set_source_rgb(d->cr, 0, 0, 0);
			if (had <= 0)
				continue;
			snprintf(b, sizeof(b), got > 0 && got < 0.5 ? "<1" :
			    "%.0f", got);
			text(d, x0 + k * cw, y + 3, cw, FONT, 6, 0,
			    PANGO_ALIGN_CENTER, b, 1);
		}
		snprintf(b, sizeof(b), "%.1f", (double)sum / 3600);
		text(d, x0 + c->ndays * cw, y + 2, CHART_TOTAL_W, FONT_MONO,
		    7, 0, PANGO_ALIGN_RIGHT, b, 1);
	}
	d->y += (double)(to - from) * CHART_ROW_H + 12;
	legend(d, MARGIN, d->y);
	d->y += 20;
}

static void
chart(struct doc *d)
{
	const struct cam_report_chart *c = &d->p->ch;

	if (c->ndays == 0)
		return;
	if (c->n == 0) {
		chart_page(d, 0, 0);
		return;
	}
	/* Pages as full as each other: 64 cameras are 32 and 32. */
	size_t pages = (c->n + CHART_ROWS - 1) / CHART_ROWS;
	size_t per = (c->n + pages - 1) / pages;
	for (size_t i = 0; i < c->n; i += per)
		chart_page(d, i, i + per < c->n ? i + per : c->n);
}

/* Every section of the text: its title, then its lines. */
static void
sections(struct doc *d)
{
	const struct cam_audit_report *p = d->p;
	const char *txt = cam_buf_str(&p->txt);
	int nsec = p->nsec < 16 ? p->nsec : 16;
	char b[4096];
	double h;

	new_page(d);
	for (int i = 0; i < nsec; i++) {
		size_t off = p->sec[i];
		size_t end = i + 1 < nsec ? p->sec[i + 1] : p->txt.len;
		off = line_at(txt, off, end, b, sizeof(b));
		room(d, 60);
		d->y += 8;
		h = text(d, MARGIN, d->y, BODY_W, FONT, 13, 1,
		    PANGO_ALIGN_LEFT, b, 1);
		d->y += h + 4;
		while (off < end) {
			off = line_at(txt, off, end, b, sizeof(b));
			if (b[0] == '\0') {
				d->y += 6;
				continue;
			}
			h = text(d, 0, 0, BODY_W, FONT_MONO, 7.5, 0,
			    PANGO_ALIGN_LEFT, b, 0);
			room(d, h);
			text(d, MARGIN, d->y, BODY_W, FONT_MONO, 7.5, 0,
			    PANGO_ALIGN_LEFT, b, 1);
			d->y += h + 1;
		}
	}
}

/* The whole document onto a surface writing to out (NULL: nowhere);
 * its pages. */
static int
draw(const struct cam_audit_report *p, int pages, struct cam_buf *out,
    struct cam_err *e)
{
	struct doc d;
	cairo_status_t st;
	char title[256];

	memset(&d, 0, sizeof(d));
	d.p = p;
	d.pages = pages;
	d.sf = cairo_pdf_surface_create_for_stream(to_buf, out, PAGE_W,
	    PAGE_H);
	snprintf(title, sizeof(title), "%s %s: %s",
	    _("Monthly report on the camera system"), p->month,
	    p->s->cfg.site_name);
	cairo_pdf_surface_set_metadata(d.sf, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(d.sf, CAIRO_PDF_METADATA_CREATOR,
	    "camkit");
	d.cr = cairo_create(d.sf);
	cairo_set_source_rgb(d.cr, 0, 0, 0);
	title_page(&d);
	chart(&d);
	sections(&d);
	foot(&d);
	cairo_show_page(d.cr);
	cairo_destroy(d.cr);
	cairo_surface_finish(d.sf);
	st = cairo_surface_status(d.sf);
	cairo_surface_destroy(d.sf);
	if (st != CAIRO_STATUS_SUCCESS)
		return cam_errf(e, CAM_ENV, "PDF: %s",
		    cairo_status_to_string(st));
	return d.page;
}

int
cam_report_pdf(const struct cam_audit_report *p, struct cam_buf *out,
    struct cam_err *e)
{
	int pages;

	if ((pages = draw(p, 0, NULL, e)) == -1)
		return -1;
	return draw(p, pages, out, e) == -1 ? -1 : 0;
}

int
cam_report_pdf_save(const char *confdir, const struct cam_buf *pdf,
    const char *path, int sign, struct cam_err *e)
{
	struct cam_buf sig = CAM_BUF_INIT;
	struct cam_sealer *s = NULL;
	struct cam_err in;
	char key[PATH_MAX], crt[PATH_MAX], p7s[PATH_MAX];
	int rc = -1;

	cam_err_clear(&in);
	if (sign) {
		if (cam_path(p7s, sizeof(p7s), e, "%s.p7s", path) == -1 ||
		    cam_secret_site_key(confdir, key, crt, e) == -1)
			return -1;
		if (cam_sealer_open(&s, key, crt, &in) == -1 ||
		    cam_sealer_sign_der(s, pdf->s, pdf->len, &sig,
		    &in) == -1) {
			cam_err_wrap(e, &in, "cannot sign the report");
			goto end;
		}
		if (cam_file_write_atomic(p7s, sig.s, sig.len, 0644, e) == -1)
			goto end;
	}
	if (cam_file_write_atomic(path, pdf->s, pdf->len, 0644, e) == -1)
		goto end;
	rc = 0;
end:
	cam_sealer_free(&s);
	cam_buf_free(&sig);
	return rc;
}
