/*
 * cam_logbook: the guard's logbook (camlog(1)), a journal
 * (camkit-journal(5)) at <root>/logbook.journal.
 *
 * Record kinds and their DATA (every one names its author, the real
 * Unix user, and uid):
 *	suspicious, fault, incident, maintenance, note
 *		{"author","uid","camera"?,"text"}
 *	correction	{"author","uid","corrects":SEQ,"text"}
 *	shift-start	{"author","uid","acknowledges":SEQ?,"from":USER?}
 *	shift-end	{"author","uid","shift":SEQ,"handover_to":USER?,
 *			 "note":TEXT?}
 *	seal		see cam_seal.h
 * A correction is a new entry pointing at the old one, which stays.
 * This module reads the logbook into memory (a logbook grows by tens of
 * entries a day) and works out the state of the shifts.
 */
#ifndef CAM_LOGBOOK_H
#define CAM_LOGBOOK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"

#define CAM_LOGBOOK_FILE	"logbook.journal"
/* Longest text of one entry, in bytes of UTF-8. */
#define CAM_LOGBOOK_TEXT_MAX	4096

struct cam_logbook_entry {
	uint64_t seq;
	time_t	 time;
	char	*host;
	char	*kind;
	char	*data;		/* DATA as written */
	char	*author;	/* "" if none (a seal, a repair) */
	char	*camera;	/* NULL if none */
	char	*text;		/* text or note, NULL if none */
	uint64_t corrects;	/* 0 if not a correction */
	uint64_t corrected_by;	/* the last correction of it, 0 if none */
	uint64_t ref;		/* shift-end: its start; shift-start: the
				 * end it acknowledges */
	char	*who;		/* shift-end: handover_to; shift-start:
				 * from */
};

struct cam_logbook {
	size_t	 n;
	struct cam_logbook_entry *e;	/* e[i].seq == i + 1 */
	uint64_t open_shift;		/* SEQ of an open shift-start, 0 */
	uint64_t handover;		/* SEQ of a shift-end not yet
					 * acknowledged, 0 */
};

/* Read path (absent: an empty logbook), checking its chain. */
int cam_logbook_load(struct cam_logbook *lb, const char *path,
    struct cam_err *e);
/* The same from the volume that holds since on (cam_journal_foreach_since):
 * every entry at or after since, and perhaps some before. */
int cam_logbook_load_since(struct cam_logbook *lb, const char *path,
    time_t since, struct cam_err *e);
void cam_logbook_free(struct cam_logbook *lb);
const struct cam_logbook_entry *cam_logbook_get(const struct cam_logbook *lb,
    uint64_t seq);

/* Is kind one a guard writes with camlog add? */
int cam_logbook_entry_kind(const char *kind);
/* Text a guard may write: valid UTF-8, 1 to CAM_LOGBOOK_TEXT_MAX bytes,
 * no control character but LF and TAB.  why says what is wrong, in
 * English. */
int cam_logbook_text_ok(const char *text, size_t len, char *why,
    size_t wl);
/* The same check for a program that tells a person: 0, or -1 and CAM_NO
 * with what is wrong in e, in both languages (the guard reads it in
 * theirs). */
int cam_logbook_text_check(const char *text, size_t len, struct cam_err *e);

#endif
