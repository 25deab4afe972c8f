/*
 * cam_yaml: see cam_yaml.h.  libyaml reports positions in characters;
 * the tree keeps byte offsets too, so that edits can splice UTF-8 text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "base/cam_i18n.h"
#include "base/cam_yaml.h"

#define MAX_DEPTH	32
#define MAX_NODES	100000

struct ctx {
	yaml_parser_t parser;
	struct cam_ydoc *doc;
	size_t *lines;		/* byte offset of each line start */
	size_t nlines;
	size_t nodes;
	struct cam_err *e;
};

static struct cam_ypos
pos_of(const struct ctx *c, yaml_mark_t m)
{
	struct cam_ypos p;
	const char *s = c->doc->text.s;
	size_t len = c->doc->text.len;
	size_t off, line = m.line < c->nlines ? m.line : c->nlines - 1;

	off = c->lines[line];
	/* Walk m.column characters (UTF-8 sequences) along the line. */
	for (size_t i = 0; i < m.column && off < len && s[off] != '\n'; i++) {
		off++;
		while (off < len && ((unsigned char)s[off] & 0xc0) == 0x80)
			off++;
	}
	p.off = off;
	p.line = (int)m.line + 1;
	p.col = (int)m.column + 1;
	return p;
}

static int
errat(struct ctx *c, yaml_mark_t m, const char *what)
{
	char en[CAM_ERR_MAX], text[CAM_ERR_MAX];

	snprintf(en, sizeof(en), "%s:%zu:%zu: %s", c->doc->file, m.line + 1,
	    m.column + 1, what);
	snprintf(text, sizeof(text), "%s:%zu:%zu: %s", c->doc->file,
	    m.line + 1, m.column + 1, _(what));
	return cam_err_pair(c->e, CAM_NO, 1, en, text);
}

static int
next_event(struct ctx *c, yaml_event_t *ev)
{
	yaml_parser_t *p = &c->parser;

	if (yaml_parser_parse(p, ev))
		return 0;
	/* libyaml's own report, turned into file:line:col once, here. */
	char what[512];
	if (p->context)
		snprintf(what, sizeof(what), "%s %s", p->problem ? p->problem :
		    "syntax error", p->context);
	else
		snprintf(what, sizeof(what), "%s", p->problem ? p->problem :
		    "syntax error");
	if (p->error == YAML_MEMORY_ERROR)
		return cam_errf(c->e, CAM_ENV, "%s: out of memory",
		    c->doc->file);
	return errat(c, p->problem_mark, what);
}

static void
node_free(struct cam_ynode *n)
{
	if (n == NULL)
		return;
	free(n->value);
	for (size_t i = 0; i < n->n; i++) {
		if (n->type == CAM_Y_SEQ)
			node_free(n->items[i]);
		else if (n->type == CAM_Y_MAP) {
			node_free(n->keys[i]);
			node_free(n->vals[i]);
		}
	}
	free(n->items);
	free(n->keys);
	free(n->vals);
	free(n);
}

static struct cam_ynode *
node_new(struct ctx *c, enum cam_ytype t, yaml_mark_t start)
{
	struct cam_ynode *n = cam_xmalloc(sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->type = t;
	n->start = pos_of(c, start);
	c->nodes++;
	return n;
}

static void
push(struct cam_ynode ***arr, size_t n, struct cam_ynode *x)
{
	/* Grow in powers of two: n is the count before the push. */
	if ((n & (n - 1)) == 0)
		/* The size of an element, a pointer. */
		/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
		*arr = cam_xrealloc(*arr, (n ? 2 * n : 1) * sizeof(**arr));
	(*arr)[n] = x;
}

static int
refuse_extras(struct ctx *c, yaml_event_t *ev, const yaml_char_t *anchor,
    const yaml_char_t *tag, int implicit)
{
	if (anchor != NULL)
		return errat(c, ev->start_mark,
		    "anchors and aliases are not allowed");
	if (tag != NULL && !implicit)
		return errat(c, ev->start_mark, "tags are not allowed");
	return 0;
}

static int build(struct ctx *, yaml_event_t *, int, struct cam_ynode **);

static int
build_children(struct ctx *c, struct cam_ynode *n, yaml_event_type_t endtype,
    int depth)
{
	yaml_event_t ev;

	for (;;) {
		struct cam_ynode *key = NULL, *val = NULL;

		if (next_event(c, &ev) == -1)
			return -1;
		if (ev.type == endtype) {
			n->end = pos_of(c, ev.end_mark);
			yaml_event_delete(&ev);
			return 0;
		}
		if (n->type == CAM_Y_SEQ) {
			if (build(c, &ev, depth + 1, &val) == -1)
				return -1;
			push(&n->items, n->n, val);
			n->n++;
			continue;
		}
		if (build(c, &ev, depth + 1, &key) == -1)
			return -1;
		if (key->type != CAM_Y_SCALAR) {
			node_free(key);
			return cam_yaml_errf(c->e, c->doc, n,
			    "mapping keys must be plain strings");
		}
		if (cam_yaml_key_index(n, key->value) != -1) {
			cam_yaml_errf(c->e, c->doc, key, "duplicate key \"%s\"",
			    key->value);
			node_free(key);
			return -1;
		}
		if (next_event(c, &ev) == -1 ||
		    build(c, &ev, depth + 1, &val) == -1) {
			node_free(key);
			return -1;
		}
		val->key = key;
		push(&n->keys, n->n, key);
		push(&n->vals, n->n, val);
		n->n++;
	}
}

/* Build the node that starts with *ev (consumed here). */
static int
build(struct ctx *c, yaml_event_t *ev, int depth, struct cam_ynode **out)
{
	struct cam_ynode *n = NULL;
	int rc = -1;

	*out = NULL;
	if (depth > MAX_DEPTH) {
		errat(c, ev->start_mark, "nested too deeply");
		goto end;
	}
	if (c->nodes >= MAX_NODES) {
		errat(c, ev->start_mark, "too many nodes");
		goto end;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		errat(c, ev->start_mark, "anchors and aliases are not allowed");
		goto end;
	case YAML_SCALAR_EVENT:
		if (refuse_extras(c, ev, ev->data.scalar.anchor,
		    ev->data.scalar.tag, ev->data.scalar.plain_implicit ||
		    ev->data.scalar.quoted_implicit) == -1)
			goto end;
		if (strlen((char *)ev->data.scalar.value) !=
		    ev->data.scalar.length) {
			errat(c, ev->start_mark, "NUL character in a value");
			goto end;
		}
		n = node_new(c, CAM_Y_SCALAR, ev->start_mark);
		n->end = pos_of(c, ev->end_mark);
		n->value = cam_xstrndup((char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		break;
	case YAML_SEQUENCE_START_EVENT:
		if (refuse_extras(c, ev, ev->data.sequence_start.anchor,
		    ev->data.sequence_start.tag,
		    ev->data.sequence_start.implicit) == -1)
			goto end;
		n = node_new(c, CAM_Y_SEQ, ev->start_mark);
		n->flow = ev->data.sequence_start.style ==
		    YAML_FLOW_SEQUENCE_STYLE;
		if (build_children(c, n, YAML_SEQUENCE_END_EVENT, depth) == -1)
			goto end;
		break;
	case YAML_MAPPING_START_EVENT:
		if (refuse_extras(c, ev, ev->data.mapping_start.anchor,
		    ev->data.mapping_start.tag,
		    ev->data.mapping_start.implicit) == -1)
			goto end;
		n = node_new(c, CAM_Y_MAP, ev->start_mark);
		n->flow = ev->data.mapping_start.style ==
		    YAML_FLOW_MAPPING_STYLE;
		if (build_children(c, n, YAML_MAPPING_END_EVENT, depth) == -1)
			goto end;
		break;
	default:
		errat(c, ev->start_mark, "unexpected YAML structure");
		goto end;
	}
	*out = n;	/* ownership moves to the caller */
	n = NULL;
	rc = 0;
end:
	node_free(n);
	yaml_event_delete(ev);
	return rc;
}

int
cam_yaml_parse(struct cam_ydoc *doc, const char *file, const char *text,
    size_t len, struct cam_err *e)
{
	struct ctx c;
	yaml_event_t ev;
	int rc = -1, docs = 0;

	memset(doc, 0, sizeof(*doc));
	memset(&c, 0, sizeof(c));
	doc->file = cam_xstrdup(file);
	cam_buf_add(&doc->text, text, len);
	c.doc = doc;
	c.e = e;
	if (memchr(text, '\0', len) != NULL)
		return cam_errf(e, CAM_NO, "%s: NUL byte in a text file", file);
	/* Line starts, for turning libyaml's character columns into bytes. */
	c.lines = cam_xmalloc(sizeof(size_t));
	c.lines[c.nlines++] = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n') {
			c.lines = cam_xrealloc(c.lines,
			    (c.nlines + 1) * sizeof(size_t));
			c.lines[c.nlines++] = i + 1;
		}
	if (!yaml_parser_initialize(&c.parser)) {
		free(c.lines);
		return cam_errf(e, CAM_ENV, "%s: cannot start the YAML parser",
		    file);
	}
	yaml_parser_set_input_string(&c.parser,
	    (const unsigned char *)doc->text.s, len);
	for (;;) {
		if (next_event(&c, &ev) == -1)
			goto end;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
			errat(&c, ev.start_mark,
			    "only one YAML document is allowed");
			yaml_event_delete(&ev);
			goto end;
		}
		if (ev.type == YAML_STREAM_START_EVENT ||
		    ev.type == YAML_DOCUMENT_START_EVENT ||
		    ev.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (build(&c, &ev, 0, &doc->root) == -1)
			goto end;
	}
	rc = 0;
end:
	yaml_parser_delete(&c.parser);
	free(c.lines);
	return rc;
}

void
cam_yaml_free(struct cam_ydoc *doc)
{
	node_free(doc->root);
	doc->root = NULL;
	free(doc->file);
	doc->file = NULL;
	cam_buf_free(&doc->text);
}

int
cam_yaml_key_index(const struct cam_ynode *map, const char *key)
{
	if (map == NULL || map->type != CAM_Y_MAP)
		return -1;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->keys[i]->value, key) == 0)
			return (int)i;
	return -1;
}

struct cam_ynode *
cam_yaml_get(const struct cam_ynode *map, const char *key)
{
	int i = cam_yaml_key_index(map, key);

	return i == -1 ? NULL : map->vals[i];
}

int
cam_yaml_errf(struct cam_err *e, const struct cam_ydoc *doc,
    const struct cam_ynode *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cam_yaml_verrf(e, doc, at, fmt, ap);
	va_end(ap);
	return -1;
}

int
cam_yaml_verrf(struct cam_err *e, const struct cam_ydoc *doc,
    const struct cam_ynode *at, const char *fmt, va_list ap)
{
	char where[512], en[CAM_ERR_MAX], text[CAM_ERR_MAX];
	struct cam_msg m;

	cam_msg_vformat(&m, fmt, ap);
	if (at == NULL)
		snprintf(where, sizeof(where), "%s", doc->file);
	else
		snprintf(where, sizeof(where), "%s:%d:%d", doc->file,
		    at->start.line, at->start.col);
	snprintf(en, sizeof(en), "%s: %s", where, m.en);
	snprintf(text, sizeof(text), "%s: %s", where, m.text);
	return cam_err_pair(e, CAM_NO, 1, en, text);
}

/* Would s, written plain, read back as the same string (not a number,
 * boolean, null or YAML syntax)? */
static int
plain_safe(const char *s)
{
	static const char *const words[] = { "true", "false", "yes", "no",
	    "on", "off", "y", "n", "null", NULL };

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") != strlen(s))
		return 0;
	for (int i = 0; words[i] != NULL; i++)
		if (strcasecmp(s, words[i]) == 0)
			return 0;
	return 1;
}

void
cam_yaml_quote(struct cam_buf *b, const char *s)
{
	if (plain_safe(s)) {
		cam_buf_adds(b, s);
		return;
	}
	/* Double-quoted: no YAML type or syntax can sneak in. */
	cam_buf_adds(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			cam_buf_addf(b, "\\%c", *p);
		else if (*p == '\n')
			cam_buf_adds(b, "\\n");
		else if (*p == '\t')
			cam_buf_adds(b, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			cam_buf_addf(b, "\\x%02x", *p);
		else
			cam_buf_add(b, p, 1);
	}
	cam_buf_adds(b, "\"");
}

/* ---- edits ---- */

/* Where a node's own text ends: block collections end at their last
 * descendant, not at the following token as libyaml reports. */
static size_t
content_end(const struct cam_ynode *n)
{
	if (n->type == CAM_Y_SCALAR || n->flow || n->n == 0)
		return n->end.off;
	if (n->type == CAM_Y_SEQ)
		return content_end(n->items[n->n - 1]);
	return content_end(n->vals[n->n - 1]);
}

static size_t
line_start(const struct cam_ydoc *d, size_t off)
{
	while (off > 0 && d->text.s[off - 1] != '\n')
		off--;
	return off;
}

/* Offset just past the end of the line holding off (after its '\n'). */
static size_t
line_end(const struct cam_ydoc *d, size_t off)
{
	while (off < d->text.len && d->text.s[off] != '\n')
		off++;
	return off < d->text.len ? off + 1 : off;
}

/* Offset just past the ':' that follows a mapping key. */
static size_t
after_colon(const struct cam_ydoc *d, const struct cam_ynode *key)
{
	size_t off = key->end.off;

	while (off < d->text.len && d->text.s[off] != ':')
		off++;
	return off < d->text.len ? off + 1 : off;
}

/* Indentation (in spaces) of the block under a mapping value's key. */
static int
child_indent(const struct cam_ynode *n)
{
	return n->key ? n->key->start.col - 1 + 2 : 2;
}

static int
is_null(const struct cam_ynode *n)
{
	return n->type == CAM_Y_SCALAR && n->plain && (n->value[0] == '\0' ||
	    strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0);
}

void
cam_yaml_replace(struct cam_ydoc *doc, const struct cam_ynode *node,
    const char *text)
{
	size_t start = node->start.off, end = content_end(node);

	if (is_null(node) && node->value[0] == '\0' && node->key != NULL) {
		/* "key:" with nothing after: libyaml places the empty value
		 * at the next token, maybe lines below. */
		start = end = after_colon(doc, node->key);
	}
	struct cam_buf t = CAM_BUF_INIT;
	if (start > 0 && doc->text.s[start - 1] == ':')
		cam_buf_adds(&t, " ");
	cam_buf_adds(&t, text);
	cam_buf_splice(&doc->text, start, end - start, cam_buf_str(&t));
	cam_buf_free(&t);
}

/* Insert block lines after the last line of a non-empty collection, each
 * line of item indented by indent spaces (first with first, the rest with
 * rest). */
static void
insert_block(struct cam_ydoc *doc, size_t at, int indent, const char *first,
    const char *rest, const char *item)
{
	struct cam_buf t = CAM_BUF_INIT;
	const char *p = item;
	int line = 0;

	if (at > 0 && doc->text.s[at - 1] != '\n')
		cam_buf_adds(&t, "\n");
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		cam_buf_addf(&t, "%*s%s", indent, "", line++ ? rest : first);
		cam_buf_add(&t, p, n);
		cam_buf_adds(&t, "\n");
		p += n + (nl != NULL);
	}
	cam_buf_splice(&doc->text, at, 0, cam_buf_str(&t));
	cam_buf_free(&t);
}

/* Turn an empty "[]" / "{}" (or null) value into a block with one entry. */
static int
fill_empty(struct cam_ydoc *doc, const struct cam_ynode *n, const char *first,
    const char *rest, const char *item, struct cam_err *e)
{
	if (n->key == NULL)
		return cam_yaml_errf(e, doc, n,
		    "cannot add to an empty collection here");
	size_t start = after_colon(doc, n->key);
	size_t end = is_null(n) && n->value[0] == '\0' ? start : n->end.off;
	/* Keep whatever followed on the line (a comment, the newline). */
	cam_buf_splice(&doc->text, start, end - start, "");
	insert_block(doc, line_end(doc, start), child_indent(n), first, rest,
	    item);
	return 0;
}

int
cam_yaml_map_set(struct cam_ydoc *doc, const struct cam_ynode *map,
    const char *key, const char *text, struct cam_err *e)
{
	int i = cam_yaml_key_index(map, key);
	struct cam_buf item = CAM_BUF_INIT;

	if (i != -1) {
		cam_yaml_replace(doc, map->vals[i], text);
		return 0;
	}
	cam_yaml_quote(&item, key);
	cam_buf_addf(&item, ": %s", text);
	if (is_null(map) || (map->type == CAM_Y_MAP && map->n == 0)) {
		int rc = fill_empty(doc, map, "", "", cam_buf_str(&item), e);
		cam_buf_free(&item);
		return rc;
	}
	if (map->type != CAM_Y_MAP) {
		cam_buf_free(&item);
		return cam_yaml_errf(e, doc, map, "expected a mapping");
	}
	if (map->flow) {
		size_t close = map->end.off;
		while (close > map->start.off && doc->text.s[close - 1] != '}')
			close--;
		struct cam_buf t = CAM_BUF_INIT;
		cam_buf_addf(&t, ", %s", cam_buf_str(&item));
		cam_buf_splice(&doc->text, close - 1, 0, cam_buf_str(&t));
		cam_buf_free(&t);
	} else
		insert_block(doc, line_end(doc, content_end(map)),
		    map->keys[0]->start.col - 1, "", "", cam_buf_str(&item));
	cam_buf_free(&item);
	return 0;
}

/* Remove the lines [from the line of start, through the line of end]. */
static int
remove_lines(struct cam_ydoc *doc, const struct cam_ynode *parent,
    size_t start, size_t end, struct cam_err *e)
{
	size_t a = line_start(doc, start), b = line_end(doc, end);

	if (parent->n == 1) {
		/* The collection becomes empty: say so explicitly. */
		if (parent->key == NULL)
			return cam_yaml_errf(e, doc, parent,
			    "cannot empty this collection");
		size_t c = after_colon(doc, parent->key);
		cam_buf_splice(&doc->text, c, b - c,
		    parent->type == CAM_Y_SEQ ? " []\n" : " {}\n");
		return 0;
	}
	cam_buf_splice(&doc->text, a, b - a, "");
	return 0;
}

static void
remove_flow(struct cam_ydoc *doc, size_t n, size_t i,
    struct cam_ynode **first, struct cam_ynode **last)
{
	size_t a, b;

	if (i + 1 < n) {
		a = first[i]->start.off;
		b = first[i + 1]->start.off;
	} else if (i > 0) {
		a = last[i - 1]->end.off;
		b = last[i]->end.off;
	} else {
		a = first[i]->start.off;
		b = last[i]->end.off;
	}
	cam_buf_splice(&doc->text, a, b - a, "");
}

int
cam_yaml_map_remove(struct cam_ydoc *doc, const struct cam_ynode *map,
    size_t i, struct cam_err *e)
{
	if (map->flow) {
		remove_flow(doc, map->n, i, map->keys, map->vals);
		return 0;
	}
	return remove_lines(doc, map, map->keys[i]->start.off,
	    content_end(map->vals[i]), e);
}

int
cam_yaml_seq_append(struct cam_ydoc *doc, const struct cam_ynode *seq,
    const char *item, struct cam_err *e)
{
	int multi = strchr(item, '\n') != NULL &&
	    strchr(item, '\n')[1] != '\0';

	if (is_null(seq) || (seq->type == CAM_Y_SEQ && seq->n == 0))
		return fill_empty(doc, seq, "- ", "  ", item, e);
	if (seq->type != CAM_Y_SEQ)
		return cam_yaml_errf(e, doc, seq, "expected a list");
	if (seq->flow) {
		if (multi)
			return cam_yaml_errf(e, doc, seq, "this list is written "
			    "in flow style [...]; write it as a block list "
			    "(one \"- \" item a line) to add to it");
		size_t close = seq->end.off;
		while (close > seq->start.off && doc->text.s[close - 1] != ']')
			close--;
		struct cam_buf t = CAM_BUF_INIT;
		cam_buf_adds(&t, ", ");
		cam_buf_add(&t, item, strcspn(item, "\n"));
		cam_buf_splice(&doc->text, close - 1, 0, cam_buf_str(&t));
		cam_buf_free(&t);
		return 0;
	}
	insert_block(doc, line_end(doc, content_end(seq)), seq->start.col - 1,
	    "- ", "  ", item);
	return 0;
}

int
cam_yaml_seq_remove(struct cam_ydoc *doc, const struct cam_ynode *seq,
    size_t i, struct cam_err *e)
{
	if (seq->flow) {
		remove_flow(doc, seq->n, i, seq->items, seq->items);
		return 0;
	}
	return remove_lines(doc, seq, seq->items[i]->start.off,
	    content_end(seq->items[i]), e);
}
