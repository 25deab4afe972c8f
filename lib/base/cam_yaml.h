/*
 * cam_yaml: a small YAML document tree on top of libyaml, with the source
 * position of every node, and in-place text edits that keep the user's
 * comments and layout.
 *
 * camkit's YAML files (camkit.yaml, request files) are hand-edited and kept
 * under git, so a program that changes one must change only what it means
 * to: edits splice the text at node positions, then the caller re-parses
 * and re-validates the result.  Anchors, aliases, tags other than the
 * standard ones, several documents and deep nesting are refused: they have
 * no use here and make "billion laughs" possible.
 */
#ifndef CAM_YAML_H
#define CAM_YAML_H

#include <stdarg.h>
#include <stddef.h>

#include "base/cam_err.h"
#include "base/cam_util.h"

enum cam_ytype { CAM_Y_SCALAR, CAM_Y_SEQ, CAM_Y_MAP };

struct cam_ypos {
	size_t off;	/* byte offset in the text */
	int line;	/* 1-based */
	int col;	/* 1-based, in characters */
};

struct cam_ynode {
	enum cam_ytype type;
	struct cam_ypos start, end;	/* end: just past the node */
	char *value;			/* scalars: the value */
	int plain;			/* scalars: unquoted (so typed) */
	int flow;			/* collections: [..] or {..} */
	size_t n;			/* items, or pairs */
	struct cam_ynode **items;	/* sequences */
	struct cam_ynode **keys;	/* mappings: keys[i] -> vals[i] */
	struct cam_ynode **vals;
	struct cam_ynode *key;		/* mapping values: their key */
};

struct cam_ydoc {
	char *file;			/* name used in messages */
	struct cam_buf text;		/* the source text */
	struct cam_ynode *root;		/* NULL for an empty document */
};

/* Parse text (copied) into doc; errors are "file:line:col: message". */
int cam_yaml_parse(struct cam_ydoc *doc, const char *file, const char *text,
    size_t len, struct cam_err *e);
void cam_yaml_free(struct cam_ydoc *doc);

/* The value node of key in a mapping, or NULL. */
struct cam_ynode *cam_yaml_get(const struct cam_ynode *map, const char *key);
/* Index of key in a mapping, or -1. */
int cam_yaml_key_index(const struct cam_ynode *map, const char *key);

/* Append "file:line:col: message" to e. */
int cam_yaml_errf(struct cam_err *e, const struct cam_ydoc *doc,
    const struct cam_ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int cam_yaml_verrf(struct cam_err *e, const struct cam_ydoc *doc,
    const struct cam_ynode *at, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* A scalar written so that YAML reads back exactly s, as a string. */
void cam_yaml_quote(struct cam_buf *b, const char *s);

/*
 * Edits.  Each changes doc->text only; the tree is stale afterwards and
 * the caller re-parses.  "text" arguments are YAML fragments, already
 * quoted with cam_yaml_quote where needed.
 */
/* Replace the value node's text. */
void cam_yaml_replace(struct cam_ydoc *doc, const struct cam_ynode *node,
    const char *text);
/* Set key: text in a mapping: replace the value, or add the pair. */
int cam_yaml_map_set(struct cam_ydoc *doc, const struct cam_ynode *map,
    const char *key, const char *text, struct cam_err *e);
/* Remove the pair at index i of a mapping (its whole lines). */
int cam_yaml_map_remove(struct cam_ydoc *doc, const struct cam_ynode *map,
    size_t i, struct cam_err *e);
/* Append an item (a block mapping given as "key: v\nkey: v\n" lines, or a
 * scalar) to a sequence. */
int cam_yaml_seq_append(struct cam_ydoc *doc, const struct cam_ynode *seq,
    const char *item, struct cam_err *e);
/* Remove item i of a sequence (its whole lines). */
int cam_yaml_seq_remove(struct cam_ydoc *doc, const struct cam_ynode *seq,
    size_t i, struct cam_err *e);

#endif
