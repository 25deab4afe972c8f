/*
 * cam_json: the little JSON camkit writes itself, and a strict check of
 * JSON it is handed.
 *
 * The builder appends to a cam_buf and keeps no state of its own: a
 * member is preceded by a comma unless it is the first of its object
 * (the buffer then ends with '{').  Keys and string values are escaped
 * with cam_json_str: valid UTF-8 is copied, C1 controls become \u0080-
 * \u009f, and a byte that is not part of valid UTF-8 becomes the text
 * "\xHH" (written \\xHH), so that any C string gives JSON that
 * cam_json_check and a journal accept.
 *
 *	struct cam_buf b = CAM_BUF_INIT;
 *	cam_json_begin(&b);
 *	cam_json_add_str(&b, "file", "gate/2026/11/23/gate-...ts");
 *	cam_json_add_int(&b, "frames", 600);
 *	cam_json_end(&b);		// {"file":"gate/...","frames":600}
 */
#ifndef CAM_JSON_H
#define CAM_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"
#include "base/cam_util.h"

/* Deepest nesting cam_json_check accepts. */
#define CAM_JSON_DEPTH_MAX	32

void cam_json_begin(struct cam_buf *b);			/* { */
void cam_json_end(struct cam_buf *b);			/* } */
/* "key":{ ... closed by cam_json_end. */
void cam_json_begin_obj(struct cam_buf *b, const char *key);
void cam_json_add_str(struct cam_buf *b, const char *key, const char *val);
void cam_json_add_int(struct cam_buf *b, const char *key, int64_t val);
void cam_json_add_uint(struct cam_buf *b, const char *key, uint64_t val);
void cam_json_add_bool(struct cam_buf *b, const char *key, int val);
void cam_json_add_null(struct cam_buf *b, const char *key);
/* A time as its UTC text, "2026-11-23T01:02:03Z" (cam_time_format_utc). */
void cam_json_add_time(struct cam_buf *b, const char *key, time_t t);
/* A value that is already JSON (the caller vouches for it). */
void cam_json_add_raw(struct cam_buf *b, const char *key, const char *json);

/*
 * Is s[0..len) exactly one JSON value (RFC 8259) in valid UTF-8, with
 * no lone surrogate escape and at most CAM_JSON_DEPTH_MAX levels deep?
 * Returns 0, or -1 with CAM_NO and "byte N: why" (N counts from 1).
 */
int cam_json_check(const char *s, size_t len, struct cam_err *e);

/*
 * Readers of a flat object, such as a journal record's DATA: the member
 * key of the top-level object json.  Each returns 0, or -1 if json is
 * not valid JSON (cam_json_check), not an object, has no such member or
 * has it more than once, or if its value is not of the type asked for.
 * A string is decoded (escapes undone) into buf, NUL-terminated; one
 * that does not fit in len bytes or holds U+0000 is -1 (buf is then "").
 * An integer is a number without fraction or exponent that fits.
 */
int cam_json_get_str(const char *json, const char *key, char *buf,
    size_t len);
int cam_json_get_int(const char *json, const char *key, int64_t *out);
/*
 * The same for several members in one pass over the object, for
 * records read by the million (a manifest's): fill in each key, call
 * cam_json_fields (-1: json is not valid JSON or not an object; keys of
 * at most CAM_JSON_FIELD_KEY_MAX bytes), then read each member with
 * cam_json_field_str or _int, which return -1 as the getters above do
 * (absent, repeated, or not of that type).  at points into json.
 */
#define CAM_JSON_FIELD_KEY_MAX	64
struct cam_json_field {
	const char *key;
	const char *at;		/* its value, NULL if absent or repeated */
	int count;
};
int cam_json_fields(const char *json, struct cam_json_field *f, size_t n);
int cam_json_field_str(const struct cam_json_field *f, char *buf,
    size_t len);
int cam_json_field_int(const struct cam_json_field *f, int64_t *out);
/* A string member that is a time cam_time_parse reads (UTC unless it
 * says otherwise), or (time_t)-1. */
time_t cam_json_get_time(const char *json, const char *key);

/*
 * Members that are not flat, for records with objects and arrays
 * inside (custody.json): cam_json_field_dup copies a member's value,
 * whatever its type, as JSON text (NULL if absent or repeated; free
 * it), to be read in turn with cam_json_fields or cam_json_elem.
 * cam_json_elem: the elements of the array json, a copy of one per
 * call (*cur NULL at first; free each), NULL after the last or if json
 * is not a valid array.  cam_json_field_number reads any number
 * (fraction, exponent too), cam_json_field_bool true or false: 0, or -1
 * as the readers above.
 */
char *cam_json_field_dup(const struct cam_json_field *f);
char *cam_json_elem(const char *json, const char **cur);
int cam_json_field_number(const struct cam_json_field *f, double *out);
int cam_json_field_bool(const struct cam_json_field *f, int *out);

/*
 * A scanner of JSON camkit wrote itself (compact: "key":{, no space),
 * for what the flat readers above cannot reach.  It looks for the
 * member's text and does not validate: check the whole with
 * cam_json_check first when it came from outside.
 *
 * cam_json_sub_object: a copy of the object "key":{...} (the first such
 * text, at any depth), or NULL; an audit record's "detail" and the
 * like, flat inside.  Free it with free().
 */
char *cam_json_sub_object(const char *json, const char *key);

#endif
