/*
 * cam_json: see cam_json.h.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cam_json.h"
#include "base/cam_time.h"

static void
member(struct cam_buf *b, const char *key)
{
	if (b->len > 0 && b->s[b->len - 1] != '{')
		cam_buf_add(b, ",", 1);
	cam_json_str(b, key);
	cam_buf_add(b, ":", 1);
}

void
cam_json_begin(struct cam_buf *b)
{
	cam_buf_add(b, "{", 1);
}

void
cam_json_end(struct cam_buf *b)
{
	cam_buf_add(b, "}", 1);
}

void
cam_json_begin_obj(struct cam_buf *b, const char *key)
{
	member(b, key);
	cam_buf_add(b, "{", 1);
}

void
cam_json_add_str(struct cam_buf *b, const char *key, const char *val)
{
	member(b, key);
	cam_json_str(b, val);
}

void
cam_json_add_raw(struct cam_buf *b, const char *key, const char *json)
{
	member(b, key);
	cam_buf_adds(b, json);
}

void
cam_json_add_int(struct cam_buf *b, const char *key, int64_t val)
{
	member(b, key);
	cam_buf_addf(b, "%" PRId64, val);
}

void
cam_json_add_uint(struct cam_buf *b, const char *key, uint64_t val)
{
	member(b, key);
	cam_buf_addf(b, "%" PRIu64, val);
}

void
cam_json_add_bool(struct cam_buf *b, const char *key, int val)
{
	member(b, key);
	cam_buf_adds(b, val ? "true" : "false");
}

void
cam_json_add_null(struct cam_buf *b, const char *key)
{
	member(b, key);
	cam_buf_adds(b, "null");
}

void
cam_json_add_time(struct cam_buf *b, const char *key, time_t t)
{
	char ts[40];

	cam_time_format_utc(t, ts, sizeof(ts));
	cam_json_add_str(b, key, ts);
}

/*
 * The checker: a recursive descent over the text.  Every function
 * returns 0 and leaves c->p after what it read, or -1 with c->why set
 * and c->p at the offending byte.
 */
struct chk {
	const unsigned char *s, *p, *end;
	const char *why;
};

static int
fail(struct chk *c, const char *why)
{
	c->why = why;
	return -1;
}

static void
ws(struct chk *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
lit(struct chk *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return fail(c, "unexpected character");
	c->p += n;
	return 0;
}

static int
isdig(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int
digits(struct chk *c)
{
	if (c->p >= c->end || !isdig(*c->p))
		return fail(c, "digit expected in number");
	while (c->p < c->end && isdig(*c->p))
		c->p++;
	return 0;
}

static int
number(struct chk *c)
{
	if (*c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0') {
		c->p++;
		if (c->p < c->end && isdig(*c->p))
			return fail(c, "leading zero in number");
	} else if (digits(c) == -1)
		return -1;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (digits(c) == -1)
			return -1;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (digits(c) == -1)
			return -1;
	}
	return 0;
}

/* Four hex digits after \u; -1 if they are not. */
static long
hex4(const unsigned char *p, const unsigned char *end)
{
	long v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int ch = p[i], d;

		if (isdig(ch))
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* One UTF-8 sequence of two or more bytes at c->p. */
static int
utf8_seq(struct chk *c)
{
	uint32_t cp;
	size_t n = cam_utf8_seq(c->p, (size_t)(c->end - c->p), &cp);

	if (n == 0)
		return fail(c, "invalid UTF-8");
	c->p += n;
	return 0;
}

static int
string(struct chk *c)
{
	c->p++;		/* the opening quote */
	for (;;) {
		if (c->p >= c->end)
			return fail(c, "unterminated string");
		unsigned ch = *c->p;
		if (ch == '"') {
			c->p++;
			return 0;
		}
		if (ch < 0x20)
			return fail(c, "control character in string");
		if (ch >= 0x80) {
			if (utf8_seq(c) == -1)
				return -1;
			continue;
		}
		if (ch != '\\') {
			c->p++;
			continue;
		}
		if (c->end - c->p < 2)
			return fail(c, "unterminated string");
		switch (c->p[1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			c->p += 2;
			continue;
		case 'u':
			break;
		default:
			return fail(c, "bad escape in string");
		}
		long u = hex4(c->p + 2, c->end);
		if (u == -1)
			return fail(c, "bad \\u escape in string");
		if (u >= 0xdc00 && u <= 0xdfff)
			return fail(c, "lone surrogate escape in string");
		if (u >= 0xd800 && u <= 0xdbff) {
			/* A high surrogate must be followed by a low one. */
			const unsigned char *q = c->p + 6;
			long lo = c->end - q >= 2 && q[0] == '\\' &&
			    q[1] == 'u' ? hex4(q + 2, c->end) : -1;
			if (lo < 0xdc00 || lo > 0xdfff)
				return fail(c, "lone surrogate escape in "
				    "string");
			c->p += 6;
		}
		c->p += 6;
	}
}

static int value(struct chk *, int);

static int
object(struct chk *c, int depth)
{
	c->p++;
	ws(c);
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		if (c->p >= c->end || *c->p != '"')
			return fail(c, "string key expected");
		if (string(c) == -1)
			return -1;
		ws(c);
		if (c->p >= c->end || *c->p != ':')
			return fail(c, "':' expected");
		c->p++;
		if (value(c, depth + 1) == -1)
			return -1;
		ws(c);
		if (c->p < c->end && *c->p == '}') {
			c->p++;
			return 0;
		}
		if (c->p >= c->end || *c->p != ',')
			return fail(c, "',' or '}' expected");
		c->p++;
		ws(c);
	}
}

static int
array(struct chk *c, int depth)
{
	c->p++;
	ws(c);
	if (c->p < c->end && *c->p == ']') {
		c->p++;
		return 0;
	}
	for (;;) {
		if (value(c, depth + 1) == -1)
			return -1;
		ws(c);
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			return 0;
		}
		if (c->p >= c->end || *c->p != ',')
			return fail(c, "',' or ']' expected");
		c->p++;
	}
}

static int
value(struct chk *c, int depth)
{
	ws(c);
	if (c->p >= c->end)
		return fail(c, "value expected");
	switch (*c->p) {
	case '{':
	case '[':
		if (depth >= CAM_JSON_DEPTH_MAX)
			return fail(c, "nested too deeply");
		return *c->p == '{' ? object(c, depth) : array(c, depth);
	case '"':
		return string(c);
	case 't':
		return lit(c, "true");
	case 'f':
		return lit(c, "false");
	case 'n':
		return lit(c, "null");
	default:
		if (*c->p == '-' || isdig(*c->p))
			return number(c);
		return fail(c, "value expected");
	}
}

int
cam_json_check(const char *s, size_t len, struct cam_err *e)
{
	struct chk c;

	c.s = c.p = (const unsigned char *)s;
	c.end = c.s + len;
	c.why = NULL;
	if (value(&c, 0) == 0) {
		ws(&c);
		if (c.p == c.end)
			return 0;
		c.why = "text after the value";
	}
	return cam_errf(e, CAM_NO, "byte %zu: %s", (size_t)(c.p - c.s) + 1,
	    c.why);
}

/* ---- reading members ---- */

static void
put(char *buf, size_t len, size_t *o, int *fits, const char *p, size_t n)
{
	if (*o + n < len) {
		memcpy(buf + *o, p, n);
		*o += n;
	} else
		*fits = 0;
}

/*
 * Decode the string whose opening quote is at c->p into buf, and move
 * past it.  The text has passed cam_json_check.  *fits is 0 if the
 * string, with its NUL, is longer than len or holds U+0000.
 */
static void
decode(struct chk *c, char *buf, size_t len, int *fits)
{
	size_t o = 0;

	*fits = len > 0;
	for (c->p++; *c->p != '"'; ) {
		char u[4];
		unsigned long cp;

		if (*c->p != '\\') {
			put(buf, len, &o, fits, (const char *)c->p++, 1);
			continue;
		}
		switch (c->p[1]) {
		case 'b': u[0] = '\b'; break;
		case 'f': u[0] = '\f'; break;
		case 'n': u[0] = '\n'; break;
		case 'r': u[0] = '\r'; break;
		case 't': u[0] = '\t'; break;
		case 'u': break;
		default: u[0] = (char)c->p[1]; break;	/* " \\ / */
		}
		if (c->p[1] != 'u') {
			put(buf, len, &o, fits, u, 1);
			c->p += 2;
			continue;
		}
		cp = (unsigned long)hex4(c->p + 2, c->end);
		c->p += 6;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) +
			    ((unsigned long)hex4(c->p + 2, c->end) - 0xdc00);
			c->p += 6;
		}
		if (cp == 0)
			*fits = 0;
		else if (cp < 0x80) {
			u[0] = (char)cp;
			put(buf, len, &o, fits, u, 1);
		} else if (cp < 0x800) {
			u[0] = (char)(0xc0 | cp >> 6);
			u[1] = (char)(0x80 | (cp & 0x3f));
			put(buf, len, &o, fits, u, 2);
		} else if (cp < 0x10000) {
			u[0] = (char)(0xe0 | cp >> 12);
			u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
			u[2] = (char)(0x80 | (cp & 0x3f));
			put(buf, len, &o, fits, u, 3);
		} else {
			u[0] = (char)(0xf0 | cp >> 18);
			u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
			u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
			u[3] = (char)(0x80 | (cp & 0x3f));
			put(buf, len, &o, fits, u, 4);
		}
	}
	c->p++;
	if (len > 0)
		buf[*fits ? o : 0] = '\0';
}

/*
 * One pass over the object json: each f[i].at is set to the value of
 * member f[i].key when it appears exactly once, else NULL.  -1 if json
 * is not valid JSON or not an object.  Keys longer than any asked for
 * are skipped without being decoded.
 */
int
cam_json_fields(const char *json, struct cam_json_field *f, size_t nf)
{
	struct chk c = { NULL, NULL, NULL, NULL };
	struct cam_err e;
	size_t n = strlen(json), kmax = 0;
	char kbuf[CAM_JSON_FIELD_KEY_MAX + 2];
	int fits;

	for (size_t i = 0; i < nf; i++) {
		f[i].at = NULL;
		f[i].count = 0;
		if (strlen(f[i].key) > kmax)
			kmax = strlen(f[i].key);
	}
	if (kmax > CAM_JSON_FIELD_KEY_MAX ||
	    cam_json_check(json, n, &e) == -1)
		return -1;
	c.s = c.p = (const unsigned char *)json;
	c.end = c.s + n;
	ws(&c);
	if (*c.p != '{')
		return -1;
	c.p++;
	ws(&c);
	while (*c.p == '"') {
		decode(&c, kbuf, kmax + 2, &fits);
		ws(&c);
		c.p++;		/* : */
		ws(&c);
		for (size_t i = 0; fits && i < nf; i++)
			if (strcmp(kbuf, f[i].key) == 0) {
				f[i].at = f[i].count++ == 0 ?
				    (const char *)c.p : NULL;
				break;
			}
		value(&c, 1);	/* valid: only moves past it */
		ws(&c);
		if (*c.p == ',')
			c.p++;
		ws(&c);
	}
	return 0;
}

int
cam_json_field_str(const struct cam_json_field *f, char *buf, size_t len)
{
	struct chk c = { NULL, NULL, NULL, NULL };
	int fits;

	if (len > 0)
		buf[0] = '\0';
	if (f->at == NULL || *f->at != '"')
		return -1;
	c.s = c.p = (const unsigned char *)f->at;
	c.end = c.s + strlen(f->at);
	decode(&c, buf, len, &fits);
	return fits ? 0 : -1;
}

int
cam_json_field_int(const struct cam_json_field *f, int64_t *out)
{
	const unsigned char *p = (const unsigned char *)f->at;
	uint64_t v = 0, max = INT64_MAX;
	int neg = 0;

	if (p == NULL)
		return -1;
	if (*p == '-') {
		neg = 1;
		max = (uint64_t)INT64_MAX + 1;
		p++;
	}
	if (!isdig(*p))
		return -1;
	for (; isdig(*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (*p == '.' || *p == 'e' || *p == 'E')
		return -1;
	*out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) :
	    (int64_t)v;
	return 0;
}

int
cam_json_get_str(const char *json, const char *key, char *buf, size_t len)
{
	struct cam_json_field f = { key, NULL, 0 };

	if (len > 0)
		buf[0] = '\0';
	if (cam_json_fields(json, &f, 1) == -1)
		return -1;
	return cam_json_field_str(&f, buf, len);
}

int
cam_json_get_int(const char *json, const char *key, int64_t *out)
{
	struct cam_json_field f = { key, NULL, 0 };

	if (cam_json_fields(json, &f, 1) == -1)
		return -1;
	return cam_json_field_int(&f, out);
}

time_t
cam_json_get_time(const char *json, const char *key)
{
	char s[64];
	time_t t;
	struct cam_err e;

	if (cam_json_get_str(json, key, s, sizeof(s)) == -1 ||
	    cam_time_parse(s, NULL, &t, &e) == -1)
		return (time_t)-1;
	return t;
}

char *
cam_json_field_dup(const struct cam_json_field *f)
{
	struct chk c = { NULL, NULL, NULL, NULL };

	if (f->at == NULL)
		return NULL;
	c.s = c.p = (const unsigned char *)f->at;
	c.end = c.s + strlen(f->at);
	value(&c, 1);	/* checked by cam_json_fields: only moves past it */
	return cam_xstrndup(f->at, (size_t)(c.p - c.s));
}

char *
cam_json_elem(const char *json, const char **cur)
{
	struct chk c = { NULL, NULL, NULL, NULL };
	const unsigned char *start;
	struct cam_err e;

	c.s = (const unsigned char *)json;
	c.end = c.s + strlen(json);
	if (*cur == NULL) {
		if (cam_json_check(json, strlen(json), &e) == -1)
			return NULL;
		c.p = c.s;
		ws(&c);
		if (*c.p != '[')
			return NULL;
		c.p++;
	} else
		c.p = (const unsigned char *)*cur;
	ws(&c);
	if (*c.p == ',')
		c.p++;
	ws(&c);
	if (c.p >= c.end || *c.p == ']')
		return NULL;
	start = c.p;
	value(&c, 1);	/* checked: only moves past it */
	*cur = (const char *)c.p;
	return cam_xstrndup((const char *)start, (size_t)(c.p - start));
}

int
cam_json_field_number(const struct cam_json_field *f, double *out)
{
	if (f->at == NULL || (*f->at != '-' && !isdig(*f->at)))
		return -1;
	*out = strtod(f->at, NULL);
	return 0;
}

int
cam_json_field_bool(const struct cam_json_field *f, int *out)
{
	if (f->at == NULL || (*f->at != 't' && *f->at != 'f'))
		return -1;
	*out = *f->at == 't';
	return 0;
}

/* The end of the JSON object or array that starts at p (the '{' or
 * '['), or NULL if it does not end. */
static const char *
json_close(const char *p)
{
	int depth = 0;

	for (const char *q = p; *q != '\0'; q++) {
		if (*q == '"') {
			for (q++; *q != '\0' && *q != '"'; q++)
				if (*q == '\\' && q[1] != '\0')
					q++;
			if (*q == '\0')
				return NULL;
			continue;
		}
		if (*q == '{' || *q == '[')
			depth++;
		else if ((*q == '}' || *q == ']') && --depth == 0)
			return q;
	}
	return NULL;
}

char *
cam_json_sub_object(const char *json, const char *key)
{
	char pat[64];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\":{", key);
	if ((p = strstr(json, pat)) == NULL)
		return NULL;
	p += strlen(pat) - 1;
	if ((q = json_close(p)) == NULL)
		return NULL;
	return cam_xstrndup(p, (size_t)(q - p) + 1);
}
