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
 */
#ifndef CAM_CHECKLIST_H
#define CAM_CHECKLIST_H

#include <stdarg.h>

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
 * "summary<TAB>N ok, N failed, N not checked". */
void cam_checklist_render(const struct cam_checklist *c, struct cam_buf *out);
/* The text summary line (with its newline) into out, always. */
void cam_checklist_summary(const struct cam_checklist *c, struct cam_buf *out);
/* The exit status the lines call for: CAM_NO if one failed or was not
 * done (a run never passes on a check it could not make), else 0. */
int cam_checklist_status(const struct cam_checklist *c);
void cam_checklist_free(struct cam_checklist *c);

#endif
