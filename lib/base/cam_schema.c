/*
 * cam_schema: see cam_schema.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cam_schema.h"
#include "base/cam_util.h"

int
cam_schema_parse(struct cam_ydoc *doc, const char *file, const char *text,
    size_t len, size_t max, struct cam_err *e)
{
	memset(doc, 0, sizeof(*doc));
	if (len > max)
		return cam_errf(e, CAM_NO, "%s: larger than %zu bytes", file,
		    max);
	if (cam_yaml_parse(doc, file, text, len, e) == -1) {
		cam_yaml_free(doc);
		return -1;
	}
	return 0;
}

void
cam_schema_err(struct cam_schema *s, const struct cam_ynode *at,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cam_yaml_verrf(s->e, s->doc, at, fmt, ap);
	va_end(ap);
	s->bad++;
}

void
cam_schema_err_pair(struct cam_schema *s, const struct cam_ynode *at,
    const char *en, const char *text)
{
	char where[512], wen[CAM_ERR_MAX], wtext[CAM_ERR_MAX];

	if (at == NULL)
		snprintf(where, sizeof(where), "%s", s->doc->file);
	else
		snprintf(where, sizeof(where), "%s:%d:%d", s->doc->file,
		    at->start.line, at->start.col);
	snprintf(wen, sizeof(wen), "%s: %.3000s", where, en);
	snprintf(wtext, sizeof(wtext), "%s: %.3000s", where, text);
	cam_err_pair(s->e, CAM_NO, 1, wen, wtext);
	s->bad++;
}

void
cam_schema_err_wrap(struct cam_schema *s, const struct cam_ynode *at,
    const struct cam_err *inner, const char *fmt, ...)
{
	char en[CAM_ERR_MAX], text[CAM_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	cam_err_vcompose(en, text, inner, fmt, ap);
	va_end(ap);
	cam_schema_err_pair(s, at, en, text);
}

const char *
cam_schema_type(const struct cam_ynode *n)
{
	return n->type == CAM_Y_MAP ? "a mapping" : n->type == CAM_Y_SEQ ?
	    "a list" : "a scalar";
}

int
cam_schema_null(const struct cam_ynode *n)
{
	return n == NULL || (n->type == CAM_Y_SCALAR && n->plain &&
	    (n->value[0] == '\0' || strcmp(n->value, "~") == 0 ||
	    strcmp(n->value, "null") == 0));
}

/* The known key nearest to the unknown k, if one is near enough to be
 * what was meant: at most one edit for a short key, one more for each
 * six letters (a typo or two, not another word); the first of equals. */
static const char *
nearest_key(const char *k, const char *const *keys)
{
	size_t len = strlen(k), max = 1 + len / 6, best = max + 1;
	const char *near = NULL;

	if (len < 3)
		return NULL;
	for (size_t j = 0; keys[j] != NULL; j++) {
		size_t d = cam_edit_distance(k, keys[j], max);

		if (d < best) {
			best = d;
			near = keys[j];
		}
	}
	return near;
}

int
cam_schema_map(struct cam_schema *s, const struct cam_ynode *n,
    const char *what, const char *const *keys)
{
	if (n->type != CAM_Y_MAP) {
		if (n->type == CAM_Y_SEQ)
			cam_schema_err(s, n, "%s must be a mapping, not a list",
			    what);
		else
			cam_schema_err(s, n, "%s must be a mapping, not a "
			    "scalar", what);
		return 0;
	}
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i]->value;
		size_t j;

		for (j = 0; keys[j] != NULL; j++)
			if (strcmp(k, keys[j]) == 0)
				break;
		if (keys[j] == NULL && !(s->quiet_key && s->quiet_key(k))) {
			const char *near = nearest_key(k, keys);

			if (near != NULL)
				cam_schema_err(s, n->keys[i], "unknown key "
				    "\"%s\" in %s: did you mean \"%s\"?", k,
				    what, near);
			else
				cam_schema_err(s, n->keys[i], "unknown key "
				    "\"%s\" in %s", k, what);
		}
	}
	return 1;
}

/* Clean UTF-8 text; line ends only if multiline (tabs then too). */
static int
clean_text(const char *t, int multiline)
{
	if (!multiline)
		return cam_utf8_clean(t, strlen(t), 0);
	for (;;) {
		size_t n = strcspn(t, "\n");

		if (!cam_utf8_clean(t, n, 1))
			return 0;
		if (t[n] == '\0')
			return 1;
		t += n + 1;
	}
}

/* what, then ": " unless it is "". */
#define WHAT(w)	(w), *(w) != '\0' ? ": " : ""

char *
cam_schema_str(struct cam_schema *s, const struct cam_ynode *map,
    const char *key, const char *what, int required, size_t max,
    int multiline)
{
	const struct cam_ynode *n = cam_yaml_get(map, key);

	if (cam_schema_null(n)) {
		if (required)
			cam_schema_err(s, n ? n : map, "%s%s\"%s\" is required",
			    WHAT(what), key);
		return NULL;
	}
	if (n->type != CAM_Y_SCALAR) {
		if (n->type == CAM_Y_MAP)
			cam_schema_err(s, n, "%s%s\"%s\" must be a string, not "
			    "a mapping", WHAT(what), key);
		else
			cam_schema_err(s, n, "%s%s\"%s\" must be a string, not "
			    "a list", WHAT(what), key);
		return NULL;
	}
	if (!clean_text(n->value, multiline)) {
		cam_schema_err(s, n, "%s%s\"%s\" has control characters or "
		    "invalid UTF-8", WHAT(what), key);
		return NULL;
	}
	if (strlen(n->value) > max) {
		cam_schema_err(s, n, "%s%s\"%s\" is longer than %zu bytes",
		    WHAT(what), key, max);
		return NULL;
	}
	return cam_xstrdup(n->value);
}

/* Typed scalars must be written plain: "30" in quotes is a string. */
static const struct cam_ynode *
get_plain(struct cam_schema *s, const struct cam_ynode *map,
    const char *key, const char *what, const char *type)
{
	const struct cam_ynode *n = cam_yaml_get(map, key);

	if (cam_schema_null(n))
		return NULL;
	if (n->type != CAM_Y_SCALAR || !n->plain) {
		cam_schema_err(s, n, "%s%s\"%s\" must be %s", WHAT(what), key,
		    type);
		return NULL;
	}
	return n;
}

void
cam_schema_bool(struct cam_schema *s, const struct cam_ynode *map,
    const char *key, const char *what, int *out)
{
	const struct cam_ynode *n = get_plain(s, map, key, what,
	    "true or false");

	if (n == NULL)
		return;
	if (strcmp(n->value, "true") == 0)
		*out = 1;
	else if (strcmp(n->value, "false") == 0)
		*out = 0;
	else
		cam_schema_err(s, n, "%s%s\"%s\" must be true or false, not "
		    "\"%s\"", WHAT(what), key, n->value);
}

void
cam_schema_int(struct cam_schema *s, const struct cam_ynode *map,
    const char *key, const char *what, int min, int max, int *out)
{
	const struct cam_ynode *n = get_plain(s, map, key, what,
	    "a whole number");
	char *end;
	long x;

	if (n == NULL)
		return;
	errno = 0;
	x = strtol(n->value, &end, 10);
	if (!isdigit((unsigned char)n->value[0]) || *end || errno ||
	    x < min || x > max) {
		cam_schema_err(s, n, "%s%s\"%s\" must be a whole number from "
		    "%d to %d, not \"%s\"", WHAT(what), key, min, max,
		    n->value);
		return;
	}
	*out = (int)x;
}
