/*
 * cam_checklist: the lines of a verification, one per check, as camaudit's
 * verbs print them.  Each line says ok, FAIL or skip (a check that could
 * not be done: it neither passed nor failed, and the run cannot vouch
 * for it), what was checked (its name) and a detail; failures and skips
 * are counted apart.  In text a line is "ok<TAB>name<TAB>detail"; in
 * JSON an object {"check","ok","status","detail"} ("ok" true only for
 * ok; "status" "ok", "FAIL" or "skip"; plus "camera" and "severity" for
 * the camera security findings), the objects joined as the members of
 * an array.  A detail is one line of
 * clean UTF-8: one of several lines (a cam_err message may hold one per
 * finding) gives a check line each, and a control character other than
 * the tab, or a byte that is not UTF-8 (from hostile input: an archive's
 * member names), is written as \xHH.
 *
 * Nothing is printed here: the lines gather in out, and
 * cam_checklist_render gives the whole as a program prints it.
 *
 * Languages (cam_i18n.h): a checklist speaks one language, chosen by
 * its form.  JSON is for machines and stays English in every locale;
 * text is for people and is in the reader's language.  So the lines are
 * translated as they are added, not kept twice: every fmt given below
 * is a msgid (English, whole, no word built at run time), looked up in
 * the catalogue in text and used as it is in JSON.  The status words
 * (ok, FAIL, skip) and the check names stay as they are in both forms:
 * scripts read them.  A detail that quotes an inner error takes the
 * copy cam_checklist_msg picks (e->msg in JSON, e->text in text), and a
 * piece formatted apart (a heading inserted with %s) takes its format
 * through cam_checklist_tr, so the pieces agree with the line.
 */
#ifndef CAM_CHECKLIST_H
#define CAM_CHECKLIST_H

#include <stdarg.h>

#include "base/cam_err.h"
#include "base/cam_util.h"

struct cam_checklist {
	int json;		/* lines as JSON objects, else text */
	int failed, n;		/* failed lines, all lines */
	struct cam_buf out;
	int skipped;		/* lines of checks not done */
};

/* What a line says; the ok argument below takes these. */
enum {
	CAM_CHECK_FAIL = 0,
	CAM_CHECK_OK = 1,
	CAM_CHECK_SKIP = 2,	/* not done: not a pass */
};

/* fmt in the checklist's language: itself in JSON, translated in text. */
const char *cam_checklist_tr(const struct cam_checklist *c, const char *fmt)
    __attribute__((format_arg(2)));
/* The same for a count: singular or plural in English (JSON), the
 * catalogue's form for n in text.  Its result may be given as fmt to
 * the functions below: a translated string is not looked up again
 * (it is no msgid, so the catalogue gives it back unchanged). */
const char *cam_checklist_ntr(const struct cam_checklist *c,
    const char *one, const char *many, unsigned long n)
    __attribute__((format_arg(2))) __attribute__((format_arg(3)));
/* The copy of e's message for this checklist: e->msg (English) in JSON,
 * e->text (the reader's language) in text. */
const char *cam_checklist_msg(const struct cam_checklist *c,
    const struct cam_err *e);

/* One line; camera and severity (NULL: none) only in the JSON form. */
void cam_checklist_vline(struct cam_checklist *c, int ok, const char *camera,
    const char *severity, const char *name, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));
void cam_checklist_line(struct cam_checklist *c, int ok, const char *camera,
    const char *severity, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* One line without camera or severity: the usual check. */
void cam_checklist_add(struct cam_checklist *c, int ok, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The whole, into out: {"ok": B, "skipped": N, "checks": [...\n]} and
 * a newline in JSON ("ok" false if a check failed or was not done), the
 * lines themselves in text, closed, when a check was not done, by
 * "summary<TAB>N ok, N failed, N not checked" (translated after the
 * tab). */
void cam_checklist_render(const struct cam_checklist *c, struct cam_buf *out);
/* The text summary line (with its newline) into out, always. */
void cam_checklist_summary(const struct cam_checklist *c, struct cam_buf *out);
/* The exit status the lines call for: CAM_NO if one failed or was not
 * done (a run never passes on a check it could not make), else 0. */
int cam_checklist_status(const struct cam_checklist *c);
void cam_checklist_free(struct cam_checklist *c);

#endif
