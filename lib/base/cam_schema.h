/*
 * cam_schema: checking a YAML tree (cam_yaml) against what a file of
 * camkit's means, for the parsers of camkit.yaml and of extraction
 * requests.
 *
 * A check reports and goes on: each problem is appended to the error as
 * "file:line:col: message" at the node it concerns, and counted, so that
 * whoever wrote the file fixes it in one round.  The getters return the
 * value or NULL (nothing, or something reported); the caller tests
 * s.bad at the end.
 *
 * "what" names the part being read ("site", "requester"); messages
 * begin with it and ": ", or with nothing when it is "".
 *
 *	struct cam_schema s = { doc, e, 0, NULL };
 *	if (cam_schema_map(&s, doc->root, "the request", keys))
 *		id = cam_schema_str(&s, doc->root, "id", "", 1, 64, 0);
 *	return s.bad ? -1 : 0;
 */
#ifndef CAM_SCHEMA_H
#define CAM_SCHEMA_H

#include <stddef.h>

#include "base/cam_err.h"
#include "base/cam_yaml.h"

struct cam_schema {
	const struct cam_ydoc *doc;
	struct cam_err *e;	/* every problem is appended here */
	int bad;		/* and counted here */
	/* Keys cam_schema_map does not call unknown because they are
	 * reported otherwise (camkit.yaml's secret-looking keys); NULL
	 * when there are none. */
	int (*quiet_key)(const char *key);
};

/* Parse a file's text, of at most max bytes ("FILE: larger than MAX
 * bytes"), into doc, which is freed again if that fails. */
int cam_schema_parse(struct cam_ydoc *doc, const char *file,
    const char *text, size_t len, size_t max, struct cam_err *e);

/* Report a problem at node at (NULL: the file as a whole). */
void cam_schema_err(struct cam_schema *s, const struct cam_ynode *at,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Report a message already in both languages (cam_err_pair) at at. */
void cam_schema_err_pair(struct cam_schema *s, const struct cam_ynode *at,
    const char *en, const char *text);
/* Report "what: inner" at node at, in both languages: inner's msg in
 * the English copy, its text in the reader's (as cam_err_wrap). */
void cam_schema_err_wrap(struct cam_schema *s, const struct cam_ynode *at,
    const struct cam_err *inner, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "a mapping", "a list" or "a scalar", in English: for machines.  A
 * person's message names the type in its own msgid (one per type). */
const char *cam_schema_type(const struct cam_ynode *n);
/* Absent, or a plain empty, "~" or "null" scalar. */
int cam_schema_null(const struct cam_ynode *n);

/* Is n a mapping (reported if not: 0)?  Every key not in keys (NULL-
 * terminated) is reported as unknown in what. */
int cam_schema_map(struct cam_schema *s, const struct cam_ynode *n,
    const char *what, const char *const *keys);

/* The string at key of map, a copy the caller frees: any scalar but
 * null, clean UTF-8 text (cam_utf8_clean) of at most max bytes; line
 * ends, and then tabs, only if multiline.  NULL if absent (reported if
 * required) or bad (reported). */
char *cam_schema_str(struct cam_schema *s, const struct cam_ynode *map,
    const char *key, const char *what, int required, size_t max,
    int multiline);
/* A boolean at key, written plain: true or false.  *out is left as it
 * is when the key is absent or bad. */
void cam_schema_bool(struct cam_schema *s, const struct cam_ynode *map,
    const char *key, const char *what, int *out);
/* A whole number from min to max at key, written plain (in quotes it
 * is a string).  *out is left as it is when absent or bad. */
void cam_schema_int(struct cam_schema *s, const struct cam_ynode *map,
    const char *key, const char *what, int min, int max, int *out);

#endif
