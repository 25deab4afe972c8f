/*
 * Unit tests for the data structures behind a manifest's load and its
 * volumes, each against a simple reference computed here:
 *
 *	cam_strmap		put, get, del in random orders, checked
 *				whole against a plain array at every step
 *	cam_json_fields		several members in one pass, absent,
 *				repeated, of the wrong type, escaped
 *	cam_store_segments	a manifest of a million records written
 *				here (chained with OpenSSL, not the module),
 *				deletions oldest first, newest first and at
 *				random, a name recorded twice, "-2" names
 *	volumes			cam_store_rotate over three months: closed
 *				names, the volume and carry records, the
 *				live set unchanged, verification of every
 *				volume and its faults, walks since a time,
 *				rotations not due, a second handle, a
 *				replaced journal, rotations cut short by a
 *				crash or refused
 *	holds			placed, released in random order, read
 *				back; cover() against a plain overlap test
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/cam_err.h"
#include "base/cam_json.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "media/cam_store.h"
#include "unit.h"

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

static char dir[] = "/tmp/camkit-store.XXXXXX";
static struct cam_err e;

/* A deterministic generator (splitmix64), the same on every libc. */
static uint64_t rng_state = 0x5eed15;

static uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t
rnd_below(size_t n)
{
	return (size_t)(rnd() % n);
}

static void
shuffle(size_t *v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t k = rnd_below(i), t = v[i - 1];
		v[i - 1] = v[k];
		v[k] = t;
	}
}

static int
spit(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		printf("# cannot write %s\n", path);
		return -1;
	}
	return 0;
}

static off_t
fsize(const char *path)
{
	struct stat st;

	return stat(path, &st) == -1 ? -1 : st.st_size;
}

/* SHA-256 in hex, computed here and not by the module under test. */
static EVP_MD_CTX *md_ctx;

static void
sha256(const void *p, size_t n, char out[65])
{
	static const char hx[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int len;

	if (md_ctx == NULL)
		md_ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md_ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(md_ctx, p, n);
	EVP_DigestFinal_ex(md_ctx, md, &len);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hx[md[i] >> 4];
		out[2 * i + 1] = hx[md[i] & 15];
	}
	out[64] = '\0';
}

/*
 * The chain as an auditor checks it, over the bytes s[0..len) (one file,
 * or the volumes of a journal concatenated): line k has SEQ k and, as
 * its 4th field, the hash of line k-1.  Returns the number of lines, or
 * -1.  head (if not NULL) gets the hash of the last line.
 */
static long
chain(const char *s, size_t len, char *head)
{
	char prev[65] = ZEROS, want[32];
	const char *p, *nl;
	long n = 0;

	for (p = s; p < s + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(s + len - p))) == NULL)
			goto bad;
		n++;
		const char *t1 = memchr(p, '\t', (size_t)(nl - p));
		const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(nl - t1)) :
		    NULL;
		const char *t3 = t2 ? memchr(t2 + 1, '\t', (size_t)(nl - t2)) :
		    NULL;
		if (t3 == NULL)
			goto bad;
		snprintf(want, sizeof(want), "%ld\t", n);
		if (strncmp(p, want, strlen(want)) != 0 ||
		    (size_t)(nl - t3) < 66 || memcmp(t3 + 1, prev, 64) != 0 ||
		    t3[65] != '\t')
			goto bad;
		sha256(p, (size_t)(nl + 1 - p), prev);
	}
	if (head)
		memcpy(head, prev, 65);
	return n;
bad:
	printf("# chain broken at line %ld\n", n);
	return -1;
}

/* Line k (1-based) of s: its start and length without the LF. */
static const char *
line_at(const char *s, size_t len, long k, size_t *n)
{
	const char *p = s, *nl;

	for (long i = 1; p < s + len; i++, p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(s + len - p))) == NULL)
			return NULL;
		if (i == k) {
			*n = (size_t)(nl - p);
			return p;
		}
	}
	return NULL;
}

/* Field f (0 SEQ .. 5 DATA) of a line of n bytes, copied into buf. */
static const char *
field(const char *line, size_t n, int f, char *buf, size_t len)
{
	const char *p = line, *end = line + n;

	for (int i = 0; i < f; i++) {
		const char *t = memchr(p, '\t', (size_t)(end - p));
		if (t == NULL)
			return "";
		p = t + 1;
	}
	const char *t = f < 5 ? memchr(p, '\t', (size_t)(end - p)) : NULL;
	size_t k = (size_t)((t ? t : end) - p);
	snprintf(buf, len, "%.*s", (int)k, p);
	return buf;
}

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* ---- 1. cam_strmap ---- */

/* The map against a plain array: every key's presence and value, and
 * the count.  Returns the number of disagreements. */
static size_t
map_diff(const struct cam_strmap *m, char *const *keys, const int *in,
    const size_t *val, size_t nk)
{
	size_t bad = 0, live = 0, v;

	for (size_t i = 0; i < nk; i++) {
		int got = cam_strmap_get(m, keys[i], &v) == 0;
		if (got != in[i] || (got && v != val[i]))
			bad++;
		live += in[i] != 0;
	}
	return bad + (m->n != live);
}

static char *
seg_name(size_t i)
{
	char b[96];

	snprintf(b, sizeof(b), "gate/2026/%02zu/%02zu/gate-%08zu.ts",
	    i % 12 + 1, i % 28 + 1, i);
	return cam_xstrdup(b);
}

static void
test_strmap_small(void)
{
	enum { NK = 600, STEPS = 12000 };
	struct cam_strmap m = CAM_STRMAP_INIT;
	char *keys[NK];
	int in[NK];
	size_t val[NK], v, steps_bad = 0, first_bad = 0, ret_bad = 0;

	for (size_t i = 0; i < NK; i++) {
		keys[i] = seg_name(i);
		in[i] = 0;
		val[i] = 0;
	}
	CHECK(cam_strmap_get(&m, keys[0], &v) == -1 &&
	    cam_strmap_del(&m, keys[0]) == -1, "an empty map has no key");
	/* Puts, replacements and deletions at random: the map is kept at
	 * most half full, so runs wrap around its end and deletions shift
	 * entries back across it. */
	for (size_t s = 0; s < STEPS; s++) {
		size_t k = rnd_below(NK);
		int op = (int)rnd_below(3);

		if (op == 0 || (op == 1 && s < STEPS / 3)) {
			val[k] = (size_t)rnd();
			cam_strmap_put(&m, keys[k], val[k]);
			in[k] = 1;
		} else {
			int r = cam_strmap_del(&m, keys[k]);
			if (r != (in[k] ? 0 : -1))
				ret_bad++;
			in[k] = 0;
		}
		if (map_diff(&m, keys, in, val, NK) != 0 && steps_bad++ == 0)
			first_bad = s;
	}
	if (steps_bad)
		printf("# first disagreement at step %zu\n", first_bad);
	CHECK(steps_bad == 0, "strmap: 12000 random puts and deletions of "
	    "600 keys agree with a plain array at every step");
	CHECK(ret_bad == 0, "strmap: del says -1 exactly for a key not in "
	    "the map");
	for (size_t i = 0; i < NK; i++) {
		if (in[i] && cam_strmap_del(&m, keys[i]) != 0)
			ret_bad++;
		in[i] = 0;
		if (map_diff(&m, keys, in, val, NK) != 0)
			steps_bad++;
	}
	CHECK(steps_bad == 0 && ret_bad == 0 && m.n == 0,
	    "strmap: deleting every key, one by one, leaves an empty map");
	cam_strmap_free(&m);
	for (size_t i = 0; i < NK; i++)
		free(keys[i]);
}

static void
test_strmap_big(void)
{
	enum { NK = 200000 };
	struct cam_strmap m = CAM_STRMAP_INIT;
	char **keys = cam_xmalloc(NK * sizeof(*keys));
	size_t *order = cam_xmalloc(NK * sizeof(*order));
	size_t *val = cam_xmalloc(NK * sizeof(*val));
	int *in = cam_xmalloc(NK * sizeof(*in));
	size_t v, bad = 0;

	for (size_t i = 0; i < NK; i++) {
		keys[i] = seg_name(i);
		order[i] = i;
		in[i] = 0;
	}
	shuffle(order, NK);
	for (size_t i = 0; i < NK; i++) {
		size_t k = order[i];
		val[k] = k * 7 + 1;
		in[k] = 1;
		cam_strmap_put(&m, keys[k], val[k]);
	}
	CHECK(m.n == NK && m.cap >= 2 * NK, "strmap: 200000 keys put in "
	    "random order, the table grown to at least twice that");
	CHECK(map_diff(&m, keys, in, val, NK) == 0,
	    "strmap: each of 200000 keys has its value");

	/* A value replaced, through another copy of its key: the map now
	 * holds that copy (the first is freed: ASan sees a stale one). */
	for (size_t i = 0; i < NK; i += 3) {
		char *copy = cam_xstrdup(keys[i]);
		val[i] += 1000000;
		cam_strmap_put(&m, copy, val[i]);
		free(keys[i]);
		keys[i] = copy;
	}
	CHECK(m.n == NK && map_diff(&m, keys, in, val, NK) == 0,
	    "strmap: a third of the values replaced (the key pointer too), "
	    "the count unchanged");

	/* Half deleted in random order, then put back with new values. */
	shuffle(order, NK);
	for (size_t i = 0; i < NK / 2; i++) {
		if (cam_strmap_del(&m, keys[order[i]]) != 0)
			bad++;
		in[order[i]] = 0;
	}
	for (size_t i = 0; i < NK / 2; i++)
		if (cam_strmap_del(&m, keys[order[i]]) != -1)
			bad++;
	CHECK(bad == 0 && m.n == NK / 2 &&
	    map_diff(&m, keys, in, val, NK) == 0,
	    "strmap: half the keys deleted in random order are gone (a "
	    "second del says -1), the others keep their values");
	for (size_t i = 0; i < NK / 2; i += 2) {
		size_t k = order[i];
		val[k] = k + 42;
		in[k] = 1;
		cam_strmap_put(&m, keys[k], val[k]);
	}
	CHECK(map_diff(&m, keys, in, val, NK) == 0,
	    "strmap: keys put again after their deletion have their new "
	    "values");

	/* Every key deleted, in another random order. */
	shuffle(order, NK);
	for (size_t i = 0; i < NK; i++) {
		size_t k = order[i];
		if (cam_strmap_del(&m, keys[k]) != (in[k] ? 0 : -1))
			bad++;
		in[k] = 0;
	}
	for (size_t i = 0; i < NK; i++)
		if (cam_strmap_get(&m, keys[i], &v) != -1)
			bad++;
	CHECK(bad == 0 && m.n == 0, "strmap: every key deleted in random "
	    "order: the map is empty, no key found");
	cam_strmap_put(&m, keys[5], 5);
	CHECK(cam_strmap_get(&m, keys[5], &v) == 0 && v == 5 && m.n == 1,
	    "strmap: an emptied map takes keys again");
	cam_strmap_free(&m);
	CHECK(m.cap == 0 && m.n == 0 && m.key == NULL &&
	    cam_strmap_get(&m, keys[5], &v) == -1,
	    "strmap: freed, the map is empty and usable");
	for (size_t i = 0; i < NK; i++)
		free(keys[i]);
	free(keys);
	free(order);
	free(val);
	free(in);
}

/* ---- 2. cam_json_fields ---- */

static void
test_json_fields(void)
{
	enum { FILE_, BYTES, START, MISSING, DUP, NEG, BIG, OVER, FRAC, EXP,
	    OBJ, T, N, NFIELD };
	struct cam_json_field f[NFIELD] = {
		[FILE_] = { "file", NULL, 0 },
		[BYTES] = { "bytes", NULL, 0 },
		[START] = { "start", NULL, 0 },
		[MISSING] = { "missing", NULL, 0 },
		[DUP] = { "dup", NULL, 0 },
		[NEG] = { "neg", NULL, 0 },
		[BIG] = { "big", NULL, 0 },
		[OVER] = { "over", NULL, 0 },
		[FRAC] = { "frac", NULL, 0 },
		[EXP] = { "exp", NULL, 0 },
		[OBJ] = { "obj", NULL, 0 },
		[T] = { "t", NULL, 0 },
		[N] = { "n", NULL, 0 },
	};
	const char *json = "{ \"file\" : \"a\\\"b\\\\c\\u00e9\\n\\ud83d\\ude00\","
	    "\"bytes\":123,\"start\":\"2026-11-23T01:02:03Z\",\"dup\":1,"
	    "\"neg\":-5,\"big\":9223372036854775807,"
	    "\"over\":9223372036854775808,\"frac\":1.5,\"exp\":1e3,"
	    "\"obj\":{\"file\":\"inner\",\"bytes\":9},\"t\":true,\"n\":null,"
	    "\"arr\":[\"file\",1],\"dup\":2}";
	char buf[64], small[4];
	int64_t v;

	CHECK(cam_json_fields(json, f, NFIELD) == 0,
	    "json_fields: thirteen keys asked in one pass");
	CHECK(cam_json_field_str(&f[FILE_], buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "a\"b\\c\xc3\xa9\n\xf0\x9f\x98\x80") == 0 &&
	    f[FILE_].count == 1,
	    "json_fields: an escaped string decoded (\\\" \\\\ \\u00e9 \\n, "
	    "a surrogate pair), once: the nested \"file\" is not counted");
	CHECK(cam_json_field_int(&f[BYTES], &v) == 0 && v == 123,
	    "json_fields: an integer");
	CHECK(cam_json_field_str(&f[START], buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "2026-11-23T01:02:03Z") == 0,
	    "json_fields: a string after others");
	CHECK(f[MISSING].at == NULL && f[MISSING].count == 0 &&
	    cam_json_field_str(&f[MISSING], buf, sizeof(buf)) == -1 &&
	    buf[0] == '\0' && cam_json_field_int(&f[MISSING], &v) == -1,
	    "json_fields: an absent key is -1 for str and int");
	CHECK(f[DUP].at == NULL && f[DUP].count == 2 &&
	    cam_json_field_int(&f[DUP], &v) == -1,
	    "json_fields: a repeated key is NULL, counted twice");
	CHECK(cam_json_field_int(&f[NEG], &v) == 0 && v == -5 &&
	    cam_json_field_int(&f[BIG], &v) == 0 && v == INT64_MAX,
	    "json_fields: -5 and INT64_MAX");
	CHECK(cam_json_field_int(&f[OVER], &v) == -1 &&
	    cam_json_field_int(&f[FRAC], &v) == -1 &&
	    cam_json_field_int(&f[EXP], &v) == -1,
	    "json_fields: 2^63, 1.5 and 1e3 are not integers here");
	CHECK(cam_json_field_str(&f[BYTES], buf, sizeof(buf)) == -1 &&
	    cam_json_field_int(&f[FILE_], &v) == -1 &&
	    cam_json_field_str(&f[OBJ], buf, sizeof(buf)) == -1 &&
	    cam_json_field_int(&f[OBJ], &v) == -1 &&
	    cam_json_field_str(&f[T], buf, sizeof(buf)) == -1 &&
	    cam_json_field_str(&f[N], buf, sizeof(buf)) == -1 &&
	    cam_json_field_int(&f[N], &v) == -1,
	    "json_fields: the wrong type is -1 (number as string, string "
	    "as number, object, true, null)");
	CHECK(f[T].at != NULL && strncmp(f[T].at, "true", 4) == 0 &&
	    f[OBJ].at != NULL && f[OBJ].at[0] == '{',
	    "json_fields: at points at the value in the text");
	CHECK(cam_json_field_str(&f[START], small, sizeof(small)) == -1 &&
	    small[0] == '\0',
	    "json_fields: a string that does not fit is -1, buffer \"\"");

	/* The same answers as the one-key getters. */
	CHECK(cam_json_get_int(json, "bytes", &v) == 0 && v == 123 &&
	    cam_json_get_int(json, "dup", &v) == -1 &&
	    cam_json_get_str(json, "missing", buf, sizeof(buf)) == -1,
	    "json_fields: the one-key getters agree");

	struct cam_json_field g[2] = { { "file", NULL, 0 },
	    { "x", NULL, 0 } };
	CHECK(cam_json_fields("{\"fi\\u006ce\":\"esc\",\"x\":\"nul\\u0000\"}",
	    g, 2) == 0 && cam_json_field_str(&g[0], buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "esc") == 0 &&
	    cam_json_field_str(&g[1], buf, sizeof(buf)) == -1,
	    "json_fields: an escaped key matches; a string holding U+0000 "
	    "is -1");
	CHECK(cam_json_fields("{}", g, 2) == 0 && g[0].at == NULL &&
	    g[1].at == NULL, "json_fields: an empty object has no member");

	/* Keys at and over CAM_JSON_FIELD_KEY_MAX. */
	char k64[CAM_JSON_FIELD_KEY_MAX + 1], k65[CAM_JSON_FIELD_KEY_MAX + 2];
	char doc[512];
	memset(k64, 'k', CAM_JSON_FIELD_KEY_MAX);
	k64[CAM_JSON_FIELD_KEY_MAX] = '\0';
	memset(k65, 'k', CAM_JSON_FIELD_KEY_MAX + 1);
	k65[CAM_JSON_FIELD_KEY_MAX + 1] = '\0';
	snprintf(doc, sizeof(doc), "{\"%s\":2,\"%s\":1}", k65, k64);
	struct cam_json_field h = { k64, NULL, 0 };
	CHECK(cam_json_fields(doc, &h, 1) == 0 &&
	    cam_json_field_int(&h, &v) == 0 && v == 1 && h.count == 1,
	    "json_fields: a key of CAM_JSON_FIELD_KEY_MAX bytes is read, "
	    "a longer member key with its prefix is not it");
	struct cam_json_field hl = { k65, "x", 7 };
	CHECK(cam_json_fields(doc, &hl, 1) == -1 && hl.at == NULL,
	    "json_fields: a key longer than CAM_JSON_FIELD_KEY_MAX is refused");

	static const char *const invalid[] = {
		"", "{", "{\"file\":\"x\"", "{\"file\":\"x\",}", "{\"file\" \"x\"}",
		"{\"file\":'x'}", "{\"a\":1} x", "{\"a\":01}", "{\"a\":\"\x01\"}",
		"{\"a\":\"\xff\"}", "{\"a\":\"\\ud800\"}", "{file:1}",
		"[1,2]", "\"file\"", "42", "null",
	};
	int refused = 0;
	for (size_t i = 0; i < sizeof(invalid) / sizeof(*invalid); i++) {
		g[0].at = "stale";
		if (cam_json_fields(invalid[i], g, 2) == -1)
			refused++;
		else
			printf("# accepted: %s\n", invalid[i]);
	}
	CHECK(refused == (int)(sizeof(invalid) / sizeof(*invalid)),
	    "json_fields: 16 texts that are not a valid JSON object are "
	    "refused (truncated, trailing comma, bad quote, junk after, "
	    "leading zero, control, bad UTF-8, lone surrogate, array, "
	    "scalars)");
}

/* ---- 3. a manifest of a million records ---- */

struct ref_seg {
	char *file;
	char *data;		/* the record's DATA */
	char sha[65];
	uint64_t bytes;
	time_t start, end;
	int64_t dur, frames;
	size_t same;		/* next record of the same file, or -1 */
	size_t head;		/* first record of the same file */
	int live;
};

struct ref {
	struct ref_seg *v;
	size_t n, cap;
	int keep_data;		/* keep each record's DATA */
};

/* A journal written line by line, chained here. */
struct jw {
	FILE *f;
	uint64_t seq;
	char head[65];
	struct cam_buf line;
};

static void
jw_put(struct jw *w, time_t t, const char *kind, const char *data)
{
	char ts[40];

	cam_time_format_utc(t, ts, sizeof(ts));
	w->line.len = 0;
	cam_buf_addf(&w->line, "%" PRIu64 "\t%s\trec1\t%s\t%s\t", w->seq + 1,
	    ts, w->head, kind);
	cam_buf_adds(&w->line, data);
	cam_buf_add(&w->line, "\n", 1);
	fwrite(w->line.s, 1, w->line.len, w->f);
	sha256(w->line.s, w->line.len, w->head);
	w->seq++;
}

static void
fake_sha(uint64_t k, char out[65])
{
	uint64_t s = rng_state;

	rng_state = k * 0x2545f4914f6cdd1dULL;
	snprintf(out, 65, "%016" PRIx64 "%016" PRIx64 "%016" PRIx64
	    "%016" PRIx64, rnd(), rnd(), rnd(), rnd());
	rng_state = s;
}

/*
 * The DATA of a segment record, as the recorder writes it (cam_json's
 * output for these plain ASCII values: printed directly, a million
 * times).
 */
static char *
seg_data(char *buf, size_t len, const char *file, time_t start,
    time_t end, int64_t dur, int64_t frames, uint64_t bytes,
    const char *sha)
{
	char t1[40], t2[40];

	cam_time_format_utc(start, t1, sizeof(t1));
	cam_time_format_utc(end, t2, sizeof(t2));
	snprintf(buf, len, "{\"file\":\"%s\",\"start\":\"%s\",\"end\":\"%s\","
	    "\"duration_ms\":%" PRId64 ",\"frames\":%" PRId64 ",\"bytes\":%"
	    PRIu64 ",\"sha256\":\"%s\",\"codec\":\"h264\",\"width\":1920,"
	    "\"height\":1080,\"audio\":null,\"closed\":\"duration\"}", file, t1,
	    t2, dur, frames, bytes, sha);
	return buf;
}

/* The DATA of a delete record, as prune writes it (cam_json's output
 * for these values). */
static void
del_data(char *buf, size_t len, const struct ref_seg *s, const char *why)
{
	char t1[40], t2[40];

	cam_time_format_utc(s->start, t1, sizeof(t1));
	cam_time_format_utc(s->end, t2, sizeof(t2));
	snprintf(buf, len, "{\"file\":\"%s\",\"sha256\":\"%s\",\"bytes\":%"
	    PRIu64 ",\"start\":\"%s\",\"end\":\"%s\",\"reason\":\"%s\"}",
	    s->file, s->sha, s->bytes, t1, t2, why);
}

static size_t
ref_add(struct ref *r, struct jw *w, const char *file, time_t start,
    time_t end, size_t dup_of)
{
	struct ref_seg *s;
	size_t i = r->n;
	char data[1024];

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4096;
		r->v = cam_xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	s = &r->v[r->n++];
	memset(s, 0, sizeof(*s));
	s->file = cam_xstrdup(file);
	fake_sha(i, s->sha);
	s->start = start;
	s->end = end;
	s->dur = (int64_t)(end - start) * 1000 - (int64_t)(i % 40);
	s->frames = 1500 - (int64_t)(i % 7);
	s->bytes = 900000 + (uint64_t)(rnd() % 200000);
	s->same = (size_t)-1;
	s->head = i;
	s->live = 1;
	if (dup_of != (size_t)-1) {
		size_t k = r->v[dup_of].head;
		s->head = k;
		while (r->v[k].same != (size_t)-1)
			k = r->v[k].same;
		r->v[k].same = i;
	}
	seg_data(data, sizeof(data), file, start, end, s->dur, s->frames,
	    s->bytes, s->sha);
	if (r->keep_data)
		s->data = cam_xstrdup(data);
	if (w != NULL)
		jw_put(w, start, "segment", data);
	return i;
}

/* A delete of s's file: in the reference, the oldest live record of
 * that file goes (what a scan in manifest order found). */
static void
ref_del(struct ref *r, struct jw *w, size_t i, time_t t, const char *why)
{
	char d[1024];

	del_data(d, sizeof(d), &r->v[i], why);
	if (w != NULL)
		jw_put(w, t, "delete", d);
	for (size_t k = r->v[i].head; k != (size_t)-1; k = r->v[k].same)
		if (r->v[k].live) {
			r->v[k].live = 0;
			return;
		}
}

static void
ref_free(struct ref *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].file);
		free(r->v[i].data);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static const struct ref_seg *sort_base;

static int
ref_by_start(const void *a, const void *b)
{
	const struct ref_seg *x = &sort_base[*(const size_t *)a];
	const struct ref_seg *y = &sort_base[*(const size_t *)b];

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->file, y->file);
}

/*
 * Compare what cam_store_segments returned with the reference's live
 * records, sorted by start then file: one CHECK per attribute, the
 * first difference printed.
 */
static void
compare_live(const struct cam_segments *got, const struct ref *r,
    const char *camera, const char *what)
{
	size_t n = 0, *idx = cam_xmalloc((r->n + 1) * sizeof(*idx));
	size_t bad_file = 0, bad_sha = 0, bad_bytes = 0, bad_time = 0;
	size_t bad_other = 0;
	char msg[256];

	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].live)
			idx[n++] = i;
	sort_base = r->v;
	qsort(idx, n, sizeof(*idx), ref_by_start);
	snprintf(msg, sizeof(msg), "%s: %zu live segments, as the reference "
	    "(got %zu)", what, n, got->n);
	CHECK(got->n == n, msg);
	for (size_t k = 0; k < n && k < got->n; k++) {
		const struct ref_seg *w = &r->v[idx[k]];
		const struct cam_segment *s = &got->v[k];
		int f = strcmp(s->file, w->file) != 0;
		int h = strcmp(s->sha256, w->sha) != 0;
		int b = s->bytes != w->bytes;
		int t = s->start != w->start || s->end != w->end;
		int o = strcmp(s->camera, camera) != 0 ||
		    s->duration_ms != w->dur || s->frames != w->frames ||
		    s->recovered != 0;
		if ((f || h || b || t || o) && bad_file + bad_sha + bad_bytes +
		    bad_time + bad_other == 0)
			printf("# %zu: got %s %s %" PRIu64 " %lld, want %s %s "
			    "%" PRIu64 " %lld\n", k, s->file, s->sha256,
			    s->bytes, (long long)s->start, w->file, w->sha,
			    w->bytes, (long long)w->start);
		bad_file += f;
		bad_sha += h;
		bad_bytes += b;
		bad_time += t;
		bad_other += o;
	}
	snprintf(msg, sizeof(msg), "%s: each file, in order of start", what);
	CHECK(got->n == n && bad_file == 0, msg);
	snprintf(msg, sizeof(msg), "%s: each sha256", what);
	CHECK(got->n == n && bad_sha == 0, msg);
	snprintf(msg, sizeof(msg), "%s: each size in bytes", what);
	CHECK(got->n == n && bad_bytes == 0, msg);
	snprintf(msg, sizeof(msg), "%s: each start and end", what);
	CHECK(got->n == n && bad_time == 0, msg);
	snprintf(msg, sizeof(msg), "%s: each camera, duration, frames",
	    what);
	CHECK(got->n == n && bad_other == 0, msg);
	free(idx);
}

static void
file_name(char *buf, size_t len, const char *camera, time_t t,
    const char *suffix)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, len, "%s/%04d/%02d/%02d/%s-%04d%02d%02dT%02d%02d%02dZ%s.ts",
	    camera, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, camera,
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, suffix);
}

/*
 * How many minutes of recording make the manifest: a year of 60 s
 * segments (525,600) with the hourly prune's deletions is a little over
 * a million records.  The same count under ASan, which CI runs: this
 * whole file took 27 s there (10 s without), on two cores shared with
 * other builds.
 */
enum { YEAR_MINUTES = 525600 };

static void
test_million(void)
{
	const char *camera = "gate";
	const time_t t0 = 1767225600;	/* 2026-01-01T00:00:00Z */
	const time_t retention = 30 * 86400;
	struct ref r = { NULL, 0, 0 };
	struct jw w;
	struct cam_segments segs;
	struct timespec a, b, cpu0;
	size_t oldest = 0, twins = 0, dups = 0, newest_first = 0, random = 0;
	size_t down = 0;
	char file[256], msg[256];

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
	if (mkdir(unit_path(dir, "gate"), 0750) == -1) {
		CHECK(0, "mkdir gate");
		return;
	}
	memset(&w, 0, sizeof(w));
	memcpy(w.head, ZEROS, 65);
	w.f = fopen(unit_path(dir, "gate/manifest"), "w");
	if (w.f == NULL) {
		CHECK(0, "create the manifest");
		return;
	}
	setvbuf(w.f, NULL, _IOFBF, 1 << 20);
	jw_put(&w, t0, "record-start", "{\"url\":\"rtsp://cam/\",\"pid\":1}");
	for (size_t m = 0; m < YEAR_MINUTES; m++) {
		time_t st = t0 + (time_t)m * 60, en = st + 60;
		size_t i;

		file_name(file, sizeof(file), camera, st, "");
		i = ref_add(&r, &w, file, st, en, (size_t)-1);
		if (m % 997 == 500) {
			/* Two segments begun in the same second: the
			 * recorder names the second "-2", a distinct file. */
			file_name(file, sizeof(file), camera, st, "-2");
			ref_add(&r, &w, file, st, en, (size_t)-1);
			twins++;
		}
		if (m % 4999 == 77) {
			/* The same file indexed twice (a hand-made manifest,
			 * an old recorder): a delete takes the oldest. */
			ref_add(&r, &w, r.v[i].file, st + 1, en, i);
			dups++;
		}
		if (m % 1440 == 700) {
			jw_put(&w, en, "camera-down", "{\"why\":\"timeout\"}");
			down++;
		}
		if (m % 60 == 59) {
			/* The hourly prune: oldest first, past retention. */
			time_t now = en, cut = now - retention;
			for (; oldest < r.n && r.v[oldest].end <= cut;
			    oldest++)
				if (r.v[oldest].live)
					ref_del(&r, &w, oldest, now, "age");
		}
		if (m % 43200 == 20000) {
			/* A capacity cut: the newest 300, newest first. */
			size_t k = r.n, cut = 0;
			while (k-- > 0 && cut < 300)
				if (r.v[k].live) {
					ref_del(&r, &w, k, en, "capacity");
					cut++;
					newest_first++;
				}
		}
		if (m % 43200 == 30000) {
			/* 2000 deletions at random since the oldest live
			 * one: of live files, and of files already deleted
			 * (ignored). */
			for (size_t c = 0; c < 2000; c++) {
				size_t k = oldest + rnd_below(r.n - oldest);
				ref_del(&r, &w, k, en, "operator");
				random++;
			}
		}
		if (m % 10080 == 5000)
			jw_put(&w, en, "seal", "{\"head_seq\":1}");
	}
	/* Deletes aimed at the newer record of a name indexed twice, both
	 * live: the older record goes, the newer stays. */
	for (size_t k = 0, c = 0; k < r.n && c < 50; k++)
		if (r.v[k].live && r.v[k].same != (size_t)-1 &&
		    r.v[r.v[k].same].live) {
			ref_del(&r, &w, r.v[k].same, r.v[k].end, "operator");
			c++;
		}
	CHECK(fclose(w.f) == 0, "the manifest written");
	snprintf(msg, sizeof(msg), "a manifest of %" PRIu64 " records "
	    "(%zu segments, %zu \"-2\" twins, %zu names indexed twice, %zu "
	    "deleted newest first, %zu at random, %zu outages)", w.seq, r.n,
	    twins, dups, newest_first, random, down);
	CHECK(w.seq >= 1000000, msg);

	clock_gettime(CLOCK_MONOTONIC, &a);
	int rc = cam_store_segments(dir, camera, &segs, &e);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double secs = (double)(b.tv_sec - a.tv_sec) +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("# cam_store_segments over %" PRIu64 " records: %.2f s\n",
	    w.seq, secs);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	printf("# the million-record case so far: %.2f s of CPU (writing "
	    "the manifest, its reference, the load)\n",
	    (double)(b.tv_sec - cpu0.tv_sec) +
	    (double)(b.tv_nsec - cpu0.tv_nsec) / 1e9);
	if (rc == -1)
		printf("# %s\n", e.msg);
	CHECK(rc == 0, "cam_store_segments reads the manifest");
	compare_live(&segs, &r, camera, "a year of records");
	cam_segments_free(&segs);

	ref_free(&r);
	cam_buf_free(&w.line);
	unlink(unit_path(dir, "gate/manifest"));
}

/*
 * Small manifests, each a pattern of deletion checked whole: oldest
 * first, newest first, random, every segment (none left), the same name
 * indexed twice and three times, "-2" and "-3" names, a delete of a name
 * never recorded.
 */
static void
test_orders(void)
{
	const char *camera = "yard";
	const time_t t0 = 1780000000;
	static const char *const what[] = { "oldest first", "newest first",
	    "random", "of every one, at random" };
	char file[256], msg[256];

	mkdir(unit_path(dir, "yard"), 0750);
	for (int mode = 0; mode < 4; mode++) {
		struct ref r = { NULL, 0, 0 };
		struct cam_segments segs;
		struct jw w;
		size_t ord[3000], n = 0;

		memset(&w, 0, sizeof(w));
		memcpy(w.head, ZEROS, 65);
		if ((w.f = fopen(unit_path(dir, "yard/manifest"), "w")) == NULL)
			break;
		for (size_t m = 0; m < 1000; m++) {
			time_t st = t0 + (time_t)m * 60;
			file_name(file, sizeof(file), camera, st, "");
			size_t i = ref_add(&r, &w, file, st, st + 60,
			    (size_t)-1);
			if (m % 10 == 3) {
				file_name(file, sizeof(file), camera, st, "-2");
				ref_add(&r, &w, file, st, st + 60, (size_t)-1);
				file_name(file, sizeof(file), camera, st, "-3");
				ref_add(&r, &w, file, st, st + 60, (size_t)-1);
			}
			if (m % 50 == 7) {
				ref_add(&r, &w, r.v[i].file, st + 2, st + 60,
				    i);
				ref_add(&r, &w, r.v[i].file, st + 4, st + 60,
				    i);
			}
		}
		for (size_t k = 0; k < r.n; k++)
			if (k % 3 != 0 || mode == 3)
				ord[n++] = k;
		if (mode == 1)
			for (size_t k = 0; k < n / 2; k++) {
				size_t t = ord[k];
				ord[k] = ord[n - 1 - k];
				ord[n - 1 - k] = t;
			}
		if (mode >= 2)
			shuffle(ord, n);
		for (size_t k = 0; k < n; k++)
			ref_del(&r, &w, ord[k], t0 + 86400, "operator");
		/* Names never recorded, and "-2" of a plain one: ignored. */
		struct ref_seg ghost = r.v[0];
		char gf[300];
		snprintf(gf, sizeof(gf), "%s", r.v[0].file);
		memcpy(gf + strlen(gf) - 3, "-9.ts", 6);
		ghost.file = gf;
		char d[1024];
		del_data(d, sizeof(d), &ghost, "operator");
		jw_put(&w, t0 + 86400, "delete", d);
		fclose(w.f);
		int rc = cam_store_segments(dir, camera, &segs, &e);
		snprintf(msg, sizeof(msg), "deletions %s: cam_store_segments "
		    "reads the manifest", what[mode]);
		CHECK(rc == 0, msg);
		snprintf(msg, sizeof(msg), "deletions %s (names recorded "
		    "twice and three times, -2 and -3 twins)", what[mode]);
		compare_live(&segs, &r, camera, msg);
		cam_segments_free(&segs);
		ref_free(&r);
		cam_buf_free(&w.line);
	}
}

/* ---- 4. volumes ---- */

struct vol_ctx {
	struct ref r;
	struct cam_journal *j;
	uint64_t total;		/* records in every volume */
	const char *path;
};

static time_t
utc(int y, int mo, int d, int h)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	return timegm(&tm);
}

static int vput_failed;

static int
vput(struct vol_ctx *c, struct cam_journal *j, time_t t, const char *kind,
    const char *data)
{
	cam_journal_set_time(j, t);
	if (cam_journal_append(j, kind, data, NULL, &e) == -1) {
		printf("# append %s: %s\n", kind, e.msg);
		vput_failed++;
		return -1;
	}
	c->total++;
	return 0;
}

/* A segment recorded at t (suffix "-2" and the like), or the file of
 * dup_of indexed again. */
static size_t
vseg(struct vol_ctx *c, time_t t, const char *suffix, size_t dup_of)
{
	char file[256];
	size_t i;

	if (dup_of != (size_t)-1)
		snprintf(file, sizeof(file), "%s", c->r.v[dup_of].file);
	else
		file_name(file, sizeof(file), "door", t, suffix);
	i = ref_add(&c->r, NULL, file, t, t + 60, dup_of);
	vput(c, c->j, t, "segment", c->r.v[i].data);
	return i;
}

static void
vdel(struct vol_ctx *c, size_t i, time_t t)
{
	char d[1024];

	del_data(d, sizeof(d), &c->r.v[i], "age");
	ref_del(&c->r, NULL, i, t, "age");
	vput(c, c->j, t, "delete", d);
}

/* The lines of a file, or of several concatenated. */
static char *
slurp_all(const char *const *paths, size_t n, size_t *len)
{
	struct cam_buf b = CAM_BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		size_t k;
		char *s = unit_slurp(paths[i], &k);
		if (s == NULL) {
			cam_buf_free(&b);
			return NULL;
		}
		cam_buf_add(&b, s, k);
		free(s);
	}
	if (b.s == NULL)
		b.s = cam_xstrdup("");
	*len = b.len;
	return b.s;
}

static long
count_lines(const char *s, size_t len)
{
	long n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/*
 * A rotation just done: the closed volume is what the journal was, the
 * new one begins with the volume record (SEQ and PREV running on) and
 * carries exactly the live segments, DATA verbatim, in manifest order;
 * the volumes in order are one chain; the live set is unchanged.
 */
static void
check_rotation(struct vol_ctx *c, const char *closed, const char *want_closed,
    const char *before, size_t before_len, const struct cam_segments *segs0,
    const char *tag)
{
	char msg[256], prev_head[65], buf[1024], name[64];
	size_t len, n;
	char *cur = unit_slurp(c->path, &len), *old = unit_slurp(closed, &n);
	const char *l;
	long nl;

	snprintf(msg, sizeof(msg), "%s: the closed volume is %s", tag,
	    want_closed);
	CHECK_STR(closed, unit_path(dir, want_closed), msg);
	snprintf(msg, sizeof(msg), "%s: the closed volume holds the journal "
	    "as it was, byte for byte", tag);
	CHECK(old != NULL && n == before_len && memcmp(old, before, n) == 0,
	    msg);
	if (cur == NULL || old == NULL) {
		free(cur);
		free(old);
		return;
	}
	/* The hash of the closed volume's last line, from its own bytes. */
	const char *last = old + n - 1;
	while (last > old && last[-1] != '\n')
		last--;
	sha256(last, (size_t)(old + n - last), prev_head);

	l = line_at(cur, len, 1, &n);
	snprintf(name, sizeof(name), "{\"previous\":\"%s\"}",
	    strrchr(want_closed, '/') + 1);
	snprintf(msg, sizeof(msg), "%s: the new volume begins with a volume "
	    "record, SEQ %" PRIu64 ", DATA %s, PREV the closed volume's last "
	    "line's hash", tag, c->total + 1, name);
	CHECK(l != NULL &&
	    strtoull(field(l, n, 0, buf, sizeof(buf)), NULL, 10) ==
	    c->total + 1 &&
	    strcmp(field(l, n, 4, buf, sizeof(buf)), "volume") == 0 &&
	    strcmp(field(l, n, 5, buf, sizeof(buf)), name) == 0 &&
	    strcmp(field(l, n, 3, buf, sizeof(buf)), prev_head) == 0, msg);

	size_t want = 0, bad = 0, k = 2;
	for (size_t i = 0; i < c->r.n; i++) {
		if (!c->r.v[i].live)
			continue;
		want++;
		l = line_at(cur, len, (long)k++, &n);
		if (l == NULL ||
		    strcmp(field(l, n, 4, buf, sizeof(buf)), "carry") != 0 ||
		    strcmp(field(l, n, 5, buf, sizeof(buf)),
		    c->r.v[i].data) != 0) {
			if (bad++ == 0)
				printf("# carry %zu: want %s\n", k - 2,
				    c->r.v[i].data);
		}
	}
	nl = count_lines(cur, len);
	snprintf(msg, sizeof(msg), "%s: then %zu carry records, each the DATA "
	    "of a live segment's record, in manifest order, and nothing else",
	    tag, want);
	CHECK(bad == 0 && nl == (long)(1 + want), msg);
	c->total += (uint64_t)nl;

	/* Every closed volume, oldest first, then the new one. */
	struct cam_buf whole = CAM_BUF_INIT;
	char **vols;
	size_t nv;
	if (cam_journal_volumes(c->path, &vols, &nv, &e) == 0) {
		for (size_t i = 0; i < nv; i++) {
			size_t vn;
			char *vs = unit_slurp(vols[i], &vn);
			if (vs != NULL)
				cam_buf_add(&whole, vs, vn);
			free(vs);
		}
		cam_journal_volumes_free(vols, nv);
	}
	cam_buf_add(&whole, cur, len);
	snprintf(msg, sizeof(msg), "%s: the closed volumes and the new one "
	    "are one chain of %" PRIu64 " records (checked here)", tag,
	    c->total);
	CHECK(chain(whole.s, whole.len, NULL) == (long)c->total, msg);
	cam_buf_free(&whole);

	struct cam_segments segs;
	int rc = cam_store_segments(dir, "door", &segs, &e);
	size_t same = rc == 0 && segs.n == segs0->n;
	for (size_t i = 0; same && i < segs.n; i++)
		same = strcmp(segs.v[i].file, segs0->v[i].file) == 0 &&
		    strcmp(segs.v[i].sha256, segs0->v[i].sha256) == 0 &&
		    segs.v[i].start == segs0->v[i].start &&
		    segs.v[i].bytes == segs0->v[i].bytes;
	snprintf(msg, sizeof(msg), "%s: cam_store_segments gives the same %zu "
	    "live segments before and after", tag, segs0->n);
	CHECK(same, msg);
	compare_live(&segs, &c->r, "door", tag);
	cam_segments_free(&segs);
	free(cur);
	free(old);
}

struct walk_log {
	uint64_t n, first, last, bad_seq;
	char first_kind[32];
	char first_file[512];
	const char *files[3];	/* the volume of each SEQ range */
	uint64_t ends[3];	/* last SEQ of each */
	uint64_t bad_file;
};

static int
log_cb(void *arg, const struct cam_journal_rec *r)
{
	struct walk_log *w = arg;

	if (w->n == 0) {
		w->first = r->seq;
		snprintf(w->first_kind, sizeof(w->first_kind), "%s", r->kind);
		snprintf(w->first_file, sizeof(w->first_file), "%s",
		    r->file ? r->file : "");
	} else if (r->seq != w->last + 1 && w->bad_seq == 0)
		w->bad_seq = r->seq;
	w->last = r->seq;
	w->n++;
	if (w->files[0] != NULL) {
		int v = r->seq <= w->ends[0] ? 0 : r->seq <= w->ends[1] ? 1 : 2;
		uint64_t base = v == 0 ? 0 : w->ends[v - 1];
		if ((r->file == NULL || strcmp(r->file, w->files[v]) != 0 ||
		    r->line != r->seq - base) && w->bad_file == 0)
			w->bad_file = r->seq;
	}
	return 0;
}

static void
since(const char *path, time_t t, uint64_t want_first, const char *want_kind,
    const char *want_file, uint64_t want_n, const char *what)
{
	struct walk_log w;
	char msg[256];
	int rc;

	memset(&w, 0, sizeof(w));
	rc = cam_journal_foreach_since(path, t, log_cb, &w, &e);
	if (rc != 0)
		printf("# %s\n", e.msg);
	snprintf(msg, sizeof(msg), "foreach_since %s: from record %" PRIu64
	    " (%s, in %s), %" PRIu64 " records", what, want_first, want_kind,
	    strrchr(want_file, '/') + 1, want_n);
	CHECK(rc == 0 && w.first == want_first &&
	    strcmp(w.first_kind, want_kind) == 0 &&
	    strcmp(w.first_file, want_file) == 0 && w.n == want_n &&
	    w.bad_seq == 0, msg);
	if (!(w.first == want_first && w.n == want_n))
		printf("#   got first %" PRIu64 " (%s, %s), %" PRIu64 "\n",
		    w.first, w.first_kind, w.first_file, w.n);
}

/* cam_journal_verify fails with CAM_NO, naming file and line (and the
 * SEQ), with a message holding why. */
static void
verify_fails(const char *path, const char *file, uint64_t file_line,
    uint64_t seq, const char *why, const char *what)
{
	struct cam_journal_verify v;
	char msg[512], at[600];
	int rc = cam_journal_verify(path, &v, &e);

	snprintf(at, sizeof(at), "%s:%" PRIu64 ": ", file, file_line);
	snprintf(msg, sizeof(msg), "verify: %s: refused at %s line %" PRIu64
	    " (record %" PRIu64 "), saying why", what, strrchr(file, '/') + 1,
	    file_line, seq);
	CHECK(rc == -1 && e.code == CAM_NO && strcmp(v.file, file) == 0 &&
	    v.file_line == file_line && v.bad_line == seq &&
	    strncmp(e.msg, at, strlen(at)) == 0 && strstr(e.msg, why) != NULL,
	    msg);
	if (rc != -1 || strcmp(v.file, file) != 0 || v.file_line != file_line ||
	    v.bad_line != seq || strstr(e.msg, why) == NULL)
		printf("#   got rc %d, %s line %" PRIu64 " record %" PRIu64
		    ": %s\n", rc, v.file, v.file_line, v.bad_line,
		    rc == -1 ? e.msg : "");
}

static int
copy_file(const char *from, const char *to)
{
	size_t n;
	char *s = unit_slurp(from, &n);
	int rc = s == NULL ? -1 : spit(to, s, n);

	free(s);
	return rc;
}

/* Flip one character of the SHA-256 in DATA of line k of path, in
 * place (the line stays a valid record, its hash changes). */
static int
flip(const char *path, long k)
{
	size_t len, n;
	char *s = unit_slurp(path, &len);
	const char *l = s ? line_at(s, len, k, &n) : NULL;
	char *p = l ? memmem(l, n, "\"sha256\":\"", 10) : NULL;
	int rc = -1;

	if (p != NULL) {
		p[10] = p[10] == '0' ? '1' : '0';
		rc = spit(path, s, len);
	}
	free(s);
	return rc;
}

static void
test_volumes(void)
{
	struct vol_ctx c;
	struct cam_segments segs0;
	struct cam_journal *j2 = NULL, *j3 = NULL, *jx = NULL;
	struct cam_journal_rec out;
	struct cam_journal_verify v;
	char closed[1024], msg[1024], *before, path[512], f0[512], f1[512];
	size_t before_len, dup = 0;
	time_t t;
	int rc;

	memset(&c, 0, sizeof(c));
	c.r.keep_data = 1;
	/* jpath's buffers are reused: these are kept. */
	snprintf(path, sizeof(path), "%s", unit_path(dir, "door/manifest"));
	snprintf(f0, sizeof(f0), "%s", unit_path(dir, "door/manifest.2026-09"));
	snprintf(f1, sizeof(f1), "%s", unit_path(dir, "door/manifest.2026-10"));
	c.path = path;
	if (mkdir(unit_path(dir, "door"), 0750) == -1 ||
	    cam_journal_open(&c.j, c.path, "rec1", &e) == -1) {
		CHECK(0, "volumes: open door/manifest");
		return;
	}
	cam_journal_set_sync(c.j, 0);

	/* September: 30 hourly segments, a "-2" twin, a file indexed
	 * twice; the oldest five deleted, and the twice-indexed name once
	 * (its older record goes); a seal. */
	t = utc(2026, 9, 10, 0);
	vput(&c, c.j, t, "record-start", "{\"pid\":1}");
	for (int h = 0; h < 30; h++) {
		size_t i = vseg(&c, t + h * 3600, "", (size_t)-1);
		if (h == 10)
			vseg(&c, t + h * 3600, "-2", (size_t)-1);
		if (h == 12)
			dup = vseg(&c, t + h * 3600 + 5, "", i);
	}
	for (size_t i = 0; i < 5; i++)
		vdel(&c, i, t + 40 * 3600);
	vdel(&c, dup, t + 41 * 3600);
	vput(&c, c.j, t + 42 * 3600, "seal", "{\"head_seq\":37}");

	rc = cam_store_segments(dir, "door", &segs0, &e);
	CHECK(rc == 0, "volumes: September's manifest read");
	compare_live(&segs0, &c.r, "door", "before the first rotation");
	before = unit_slurp(c.path, &before_len);

	/* A second handle, opened before the rotation. */
	if (cam_journal_open(&j2, c.path, "rec2", &e) == -1)
		printf("# %s\n", e.msg);
	cam_journal_set_sync(j2, 0);
	/* And one that appends nothing until two rotations later. */
	if (cam_journal_open(&j3, c.path, "rec3", &e) == -1)
		printf("# %s\n", e.msg);
	cam_journal_set_sync(j3, 0);

	rc = cam_store_rotate("door/manifest", c.j, utc(2026, 10, 2, 0),
	    closed, sizeof(closed), &e);
	if (rc == -1)
		printf("# %s\n", e.msg);
	CHECK(rc == 0, "volumes: a manifest begun in September, sealed, is "
	    "rotated on October 2");
	check_rotation(&c, closed, "door/manifest.2026-09", before,
	    before_len, &segs0, "rotation 1");
	uint64_t s1 = (uint64_t)count_lines(before, before_len);
	free(before);
	cam_segments_free(&segs0);

	char **vols;
	size_t nv;
	rc = cam_journal_volumes(c.path, &vols, &nv, &e);
	CHECK(rc == 0 && nv == 1 && strcmp(vols[0],
	    unit_path(dir, "door/manifest.2026-09")) == 0,
	    "volumes: cam_journal_volumes lists the closed volume");
	if (rc == 0)
		cam_journal_volumes_free(vols, nv);

	/* The second handle follows at its next append: its record links
	 * on in the new volume. */
	off_t closed_size = fsize(unit_path(dir, "door/manifest.2026-09"));
	t = utc(2026, 10, 3, 0);
	cam_journal_set_time(j2, t);
	rc = j2 == NULL ? -1 : cam_journal_append(j2, "camera-down",
	    "{\"why\":\"timeout\"}", &out, &e);
	if (rc == -1)
		printf("# %s\n", e.msg);
	c.total++;
	{
		size_t len, n;
		char *cur = unit_slurp(c.path, &len), buf[128], h[65];
		const char *l = cur ? line_at(cur, len, count_lines(cur, len),
		    &n) : NULL;
		const char *pl = cur ? line_at(cur, len,
		    count_lines(cur, len) - 1, &n) : NULL;
		size_t pn = 0;
		if (pl != NULL)
			line_at(cur, len, count_lines(cur, len) - 1, &pn);
		if (pl != NULL)
			sha256(pl, pn + 1, h);
		if (l != NULL)
			line_at(cur, len, count_lines(cur, len), &n);
		snprintf(msg, sizeof(msg), "volumes: a handle opened before "
		    "the rotation appends record %" PRIu64 " to the new volume, "
		    "linked to the line before it there", c.total);
		CHECK(rc == 0 && out.seq == c.total && l != NULL &&
		    out.line == (uint64_t)count_lines(cur, len) &&
		    out.offset == (off_t)(l - cur) &&
		    strtoull(field(l, n, 0, buf, sizeof(buf)), NULL, 10) ==
		    c.total && strcmp(field(l, n, 3, buf, sizeof(buf)), h) == 0 &&
		    strcmp(out.prev, h) == 0 &&
		    strcmp(field(l, n, 2, buf, sizeof(buf)), "rec2") == 0, msg);
		free(cur);
	}
	CHECK(fsize(unit_path(dir, "door/manifest.2026-09")) == closed_size,
	    "volumes: the closed volume is not written again");

	/* October: more segments, deletions of carried ones (the
	 * twice-indexed name's newer record), a carried file indexed
	 * again (a delete then takes the carried record), a seal. */
	t = utc(2026, 10, 5, 0);
	for (int h = 0; h < 20; h++)
		vseg(&c, t + h * 3600, "", (size_t)-1);
	vdel(&c, 5, t + 30 * 3600);
	vdel(&c, dup, t + 30 * 3600);
	vdel(&c, 20, t + 30 * 3600);
	size_t again = vseg(&c, t + 31 * 3600, "", 7);
	vdel(&c, again, t + 32 * 3600);
	size_t eight = vseg(&c, t + 33 * 3600, "", 8);
	vput(&c, c.j, t + 34 * 3600, "seal", "{\"head_seq\":1}");
	CHECK(c.r.v[again].live && !c.r.v[7].live,
	    "volumes: (reference) a delete of a carried file indexed again "
	    "takes the carried record");
	rc = cam_store_segments(dir, "door", &segs0, &e);
	compare_live(&segs0, &c.r, "door", "October, after carried segments "
	    "were deleted");
	before = unit_slurp(c.path, &before_len);
	rc = cam_store_rotate("door/manifest", c.j, utc(2026, 11, 3, 0),
	    closed, sizeof(closed), &e);
	if (rc == -1)
		printf("# %s\n", e.msg);
	CHECK(rc == 0, "volumes: October's volume is rotated on November 3");
	uint64_t s2 = c.total;
	check_rotation(&c, closed, "door/manifest.2026-10", before,
	    before_len, &segs0, "rotation 2");
	free(before);
	cam_segments_free(&segs0);

	/* November. */
	t = utc(2026, 11, 5, 0);
	for (int h = 0; h < 10; h++)
		vseg(&c, t + h * 3600, "", (size_t)-1);
	vdel(&c, 30, t + 12 * 3600);
	/* A name carried twice (both records live at the rotation): its
	 * delete takes the older carried record. */
	vdel(&c, eight, t + 12 * 3600);
	CHECK(!c.r.v[8].live && c.r.v[eight].live,
	    "volumes: (reference) a delete of a name carried twice takes the "
	    "older record");

	/* The handle that followed the first rotation follows the second,
	 * after reading what others appended to October's volume; the one
	 * that slept through both follows too. */
	cam_journal_set_time(j2, t + 13 * 3600);
	rc = cam_journal_append(j2, "camera-down", "{\"why\":\"eof\"}", &out,
	    &e);
	if (rc == -1)
		printf("# %s\n", e.msg);
	c.total++;
	CHECK(rc == 0 && out.seq == c.total, "volumes: a handle appends after "
	    "a second rotation, having read the rest of the volume it had "
	    "followed into");
	cam_journal_set_time(j3, t + 14 * 3600);
	off_t at3 = fsize(c.path);
	rc = cam_journal_append(j3, "camera-down", "{\"why\":\"eof\"}", &out,
	    &e);
	if (rc == -1)
		printf("# %s\n", e.msg);
	else
		c.total++;
	CHECK(rc == 0 && out.seq == c.total && out.line == c.total - s2 &&
	    out.offset == at3,
	    "volumes: a handle opened before two rotations, unused since, "
	    "appends after them (its record's line and offset are in the "
	    "current volume)");
	/* A handle opened on a rotated journal: lines counted from the
	 * current volume's first. */
	if (cam_journal_open(&jx, c.path, "rec4", &e) == 0) {
		cam_journal_set_sync(jx, 0);
		cam_journal_set_time(jx, t + 15 * 3600);
		off_t at = fsize(c.path);
		rc = cam_journal_append(jx, "camera-up", "{}", &out, &e);
		if (rc == 0)
			c.total++;
		CHECK(rc == 0 && out.seq == c.total &&
		    out.line == c.total - s2 && out.offset == at,
		    "volumes: a handle opened on a rotated journal tells the "
		    "line of its record in the current volume");
		cam_journal_close(&jx);
	}

	/* The whole chain, every volume. */
	const char *files[3] = { f0, f1, c.path };
	size_t wlen = 0;
	char *whole = slurp_all(files, 3, &wlen), head[65];
	snprintf(msg, sizeof(msg), "volumes: cat manifest.* manifest is one "
	    "chain of %" PRIu64 " records (checked here)", c.total);
	CHECK(whole != NULL && chain(whole, wlen, head) == (long)c.total, msg);
	rc = cam_journal_verify(c.path, &v, &e);
	if (rc == -1)
		printf("# %s\n", e.msg);
	snprintf(msg, sizeof(msg), "volumes: cam_journal_verify checks the "
	    "three volumes: %" PRIu64 " records, the head of the whole",
	    c.total);
	CHECK(rc == 0 && v.records == c.total && v.bad_line == 0 &&
	    strcmp(v.head, head) == 0, msg);

	struct walk_log w;
	memset(&w, 0, sizeof(w));
	w.files[0] = files[0];
	w.files[1] = files[1];
	w.files[2] = files[2];
	w.ends[0] = s1;
	w.ends[1] = s2;
	w.ends[2] = c.total;
	rc = cam_journal_foreach(c.path, log_cb, &w, &e);
	snprintf(msg, sizeof(msg), "volumes: cam_journal_foreach walks "
	    "records 1..%" PRIu64 " across the volumes, each with its file "
	    "and its line there", c.total);
	CHECK(rc == 0 && w.n == c.total && w.first == 1 &&
	    w.last == c.total && w.bad_seq == 0 && w.bad_file == 0, msg);
	if (w.bad_file)
		printf("#   record %" PRIu64 " has the wrong file or line\n",
		    w.bad_file);

	since(c.path, CAM_JOURNAL_CURRENT, s2 + 1, "volume", c.path,
	    c.total - s2, "the current volume");
	since(c.path, utc(2026, 11, 20, 0), s2 + 1, "volume", c.path,
	    c.total - s2, "a time in the current volume");
	since(c.path, utc(2026, 11, 3, 0), s2 + 1, "volume", c.path,
	    c.total - s2, "the current volume's first record's time");
	since(c.path, utc(2026, 10, 15, 0), s1 + 1, "volume", files[1],
	    c.total - s1, "mid-October");
	since(c.path, utc(2026, 10, 1, 0), 1, "record-start", files[0],
	    c.total, "October 1 (before October's volume began)");
	since(c.path, 0, 1, "record-start", files[0], c.total,
	    "before the first record");

	/* Faults. */
	rename(files[1], unit_path(dir, "door/away"));
	snprintf(msg, sizeof(msg), "the journal's earlier volumes are missing: "
	    "this one begins at record %" PRIu64 ", %s ends at record %" PRIu64,
	    s2 + 1, files[0], s1);
	verify_fails(c.path, c.path, 1, s1 + 1, msg,
	    "the middle volume missing");
	rename(unit_path(dir, "door/away"), files[1]);
	rename(files[0], unit_path(dir, "door/away"));
	verify_fails(c.path, files[1], 1, 1,
	    "the journal's earlier volumes are missing",
	    "the first volume missing");
	{
		/* An archived first volume: what reads from a later one
		 * does not miss it. */
		struct cam_segments segs;
		rc = cam_store_segments(dir, "door", &segs, &e);
		CHECK(rc == 0, "volumes: with the first volume archived, "
		    "cam_store_segments reads the current one");
		compare_live(&segs, &c.r, "door", "the first volume archived");
		cam_segments_free(&segs);
		since(c.path, utc(2026, 10, 15, 0), s1 + 1, "volume", files[1],
		    c.total - s1, "mid-October, the first volume archived");
	}
	rename(unit_path(dir, "door/away"), files[0]);

	/* A volume cut out of the middle of another: its first record
	 * links on but is not a volume record. */
	mkdir(unit_path(dir, "split"), 0750);
	{
		size_t n1 = 0, n2 = 0;
		const char *l1 = line_at(whole, wlen, 1, &n1);
		const char *l11 = line_at(whole, wlen, 11, &n2);
		size_t s1_bytes = (size_t)fsize(files[0]);
		if (l1 != NULL && l11 != NULL &&
		    spit(unit_path(dir, "split/m.2026-08"), l1, (size_t)(l11 - l1)) == 0 &&
		    spit(unit_path(dir, "split/m.2026-09"), l11,
		    s1_bytes - (size_t)(l11 - l1)) == 0 &&
		    spit(unit_path(dir, "split/m"), "", 0) == 0)
			verify_fails(unit_path(dir, "split/m"), unit_path(dir, "split/m.2026-09"),
			    1, 11, "must begin with a \"volume\" record naming "
			    "it", "a volume that does not begin with a volume "
			    "record");
		/* A journal whose first records were cut off (not a
		 * volume record first): still refused by a walk from the
		 * current volume. */
		size_t n4 = 0;
		const char *l4 = line_at(whole, wlen, 4, &n4);
		struct walk_log wc;
		memset(&wc, 0, sizeof(wc));
		if (l4 != NULL && l11 != NULL &&
		    spit(unit_path(dir, "split/cut"), l4, (size_t)(l11 - l4)) == 0) {
			rc = cam_journal_foreach_since(unit_path(dir, "split/cut"),
			    CAM_JOURNAL_CURRENT, log_cb, &wc, &e);
			CHECK(rc == -1 && e.code == CAM_NO &&
			    strstr(e.msg, ":1: SEQ 4, want 1") != NULL &&
			    wc.n == 0, "volumes: a journal whose first three "
			    "records were cut off is refused by a walk from "
			    "its current volume");
		}
		/* Volumes renamed: the volume record names another. */
		if (copy_file(files[0], unit_path(dir, "split/manifest.2026-08")) == 0 &&
		    copy_file(files[1], unit_path(dir, "split/manifest.2026-10")) == 0 &&
		    copy_file(files[2], unit_path(dir, "split/manifest")) == 0)
			verify_fails(unit_path(dir, "split/manifest"),
			    unit_path(dir, "split/manifest.2026-10"), 1, s1 + 1,
			    "naming it", "a volume record naming another "
			    "volume");
		/* The volumes in one file: a chain an auditor's script
		 * accepts, but a volume record inside a volume. */
		if (spit(unit_path(dir, "split/whole"), whole, wlen) == 0) {
			CHECK(chain(whole, wlen, NULL) == (long)c.total,
			    "volumes: the concatenation is one chain");
			verify_fails(unit_path(dir, "split/whole"), unit_path(dir, "split/whole"),
			    (uint64_t)s1 + 1, s1 + 1, "inside a volume",
			    "the volumes concatenated into one file");
		}
	}

	/* A changed byte in an old volume: named by file and line. */
	copy_file(files[0], unit_path(dir, "door/keep"));
	flip(files[0], 3);
	verify_fails(c.path, files[0], 3, 3, "record 3 was changed",
	    "a byte changed in line 3 of the first closed volume");
	{
		struct walk_log w2;
		struct cam_segments segs;
		memset(&w2, 0, sizeof(w2));
		rc = cam_journal_foreach_since(c.path, CAM_JOURNAL_CURRENT,
		    log_cb, &w2, &e);
		int rc2 = cam_store_segments(dir, "door", &segs, &e);
		CHECK(rc == 0 && w2.n == c.total - s2 && rc2 == 0,
		    "volumes: reading the current volume does not read the "
		    "changed old one (foreach_since, cam_store_segments)");
		compare_live(&segs, &c.r, "door", "November, with an old "
		    "volume changed");
		cam_segments_free(&segs);
	}
	rename(unit_path(dir, "door/keep"), files[0]);
	copy_file(files[1], unit_path(dir, "door/keep"));
	flip(files[1], 5);
	verify_fails(c.path, files[1], 5, s1 + 5, "was changed",
	    "a byte changed in line 5 of the second closed volume");
	rename(unit_path(dir, "door/keep"), files[1]);
	rc = cam_journal_verify(c.path, &v, &e);
	CHECK(rc == 0 && v.records == c.total,
	    "volumes: restored, the journal verifies again");
	free(whole);

	/* Rotations that are not due change nothing. */
	off_t size0 = fsize(c.path);
	vput(&c, c.j, utc(2026, 11, 19, 0), "seal", "{\"head_seq\":2}");
	size0 = fsize(c.path);
	rc = cam_store_rotate("door/manifest", c.j, utc(2026, 11, 20, 0),
	    closed, sizeof(closed), &e);
	rc = rc == 1 && cam_journal_volumes(c.path, &vols, &nv, &e) == 0 ?
	    (int)nv : -1;
	if (rc >= 0)
		cam_journal_volumes_free(vols, nv);
	CHECK(rc == 2 && fsize(c.path) == size0,
	    "volumes: not rotated (1) in the month it began; nothing written");
	rc = cam_store_rotate("door/manifest", c.j, utc(2026, 10, 20, 0),
	    closed, sizeof(closed), &e);
	CHECK(rc == 1 && fsize(c.path) == size0,
	    "volumes: not rotated (1) when the clock says an earlier month");
	vseg(&c, utc(2026, 11, 21, 0), "", (size_t)-1);
	size0 = fsize(c.path);
	rc = cam_store_rotate("door/manifest", c.j, utc(2026, 12, 2, 0),
	    closed, sizeof(closed), &e);
	rc = rc == 1 && cam_journal_volumes(c.path, &vols, &nv, &e) == 0 ?
	    (int)nv : -1;
	if (rc >= 0)
		cam_journal_volumes_free(vols, nv);
	CHECK(rc == 2 && fsize(c.path) == size0,
	    "volumes: not rotated (1) when the last record is not a seal");

	if (cam_journal_open(&jx, unit_path(dir, "empty.journal"), "rec1", &e) == 0) {
		rc = cam_journal_rotate(jx, utc(2026, 12, 2, 0), NULL, closed,
		    sizeof(closed), &e);
		CHECK(rc == 1 && fsize(unit_path(dir, "empty.journal")) == 0 &&
		    access(unit_path(dir, "empty.journal.2026-12"), F_OK) == -1 &&
		    access(unit_path(dir, "empty.journal.2026-11"), F_OK) == -1,
		    "volumes: an empty journal is not rotated (1)");
		cam_journal_close(&jx);
	}

	/* holds.journal never; another journal without carry records. */
	static const char *const other[] = { "holds.journal",
	    "audit.journal" };
	for (int k = 0; k < 2; k++) {
		if (cam_journal_open(&jx, unit_path(dir, other[k]), "rec1", &e) == -1)
			break;
		cam_journal_set_sync(jx, 0);
		cam_journal_set_time(jx, utc(2026, 9, 1, 0));
		cam_journal_append(jx, "hold", "{\"camera\":\"door\"}", NULL, &e);
		cam_journal_append(jx, "seal", "{\"head_seq\":1}", NULL, &e);
		rc = cam_store_rotate(other[k], jx, utc(2026, 12, 2, 0),
		    closed, sizeof(closed), &e);
		size_t len;
		char *s = unit_slurp(unit_path(dir, other[k]), &len);
		if (k == 0)
			CHECK(rc == 1 && s != NULL && count_lines(s, len) == 2,
			    "volumes: holds.journal is never rotated");
		else
			CHECK(rc == 0 && s != NULL && count_lines(s, len) == 1 &&
			    strstr(s, "\tvolume\t{\"previous\":\"audit.journal."
			    "2026-09\"}\n") != NULL,
			    "volumes: audit.journal is rotated, its new volume "
			    "the volume record alone (nothing carried)");
		free(s);
		cam_journal_close(&jx);
	}

	/* A journal replaced by another file is refused, not followed:
	 * with its old file unlinked, and with the old file still linked
	 * elsewhere (as a closed volume would be). */
	for (int k = 0; k < 2; k++) {
		if (cam_journal_open(&jx, c.path, "rec3", &e) == -1)
			break;
		if (k == 1 && link(c.path, unit_path(dir, "door/old-link")) == -1)
			printf("# link: %s\n", strerror(errno));
		copy_file(c.path, unit_path(dir, "door/new"));
		rename(unit_path(dir, "door/new"), c.path);
		size0 = fsize(c.path);
		rc = cam_journal_append(jx, "camera-down", "{}", NULL, &e);
		snprintf(msg, sizeof(msg), "volumes: a journal replaced by a "
		    "copy%s is refused (\"replaced\"), nothing written",
		    k ? " while its old file is still linked" : "");
		CHECK(rc == -1 && e.code == CAM_NO &&
		    strstr(e.msg, "replaced") != NULL &&
		    fsize(c.path) == size0, msg);
		if (rc == -1)
			printf("#   %s\n", e.msg);
		cam_journal_close(&jx);
	}
	unlink(unit_path(dir, "door/old-link"));
	rc = cam_journal_verify(c.path, &v, &e);
	CHECK(rc == 0 && v.records == c.total,
	    "volumes: the journal verifies at the end");

	CHECK(vput_failed == 0, "volumes: every record of the test appended");
	cam_journal_close(&j2);
	cam_journal_close(&j3);
	cam_journal_close(&c.j);
	ref_free(&c.r);
}

/*
 * Rotations that stop or are refused: a crash after the closed volume
 * was linked (the next walk reads it once, the next rotation goes on), a
 * left-over PATH.rotating, a closed name taken by another file, a
 * manifest naming a file outside its camera (nothing rotated).
 */
static void
test_rotate_faults(void)
{
	struct cam_journal *j = NULL;
	struct cam_journal_verify v;
	char path[512], vol[600], tmp[600], closed[1024], d[1024];
	struct ref r = { NULL, 0, 0, 1 };
	struct cam_segments segs;
	const time_t t = 1788220800;	/* 2026-09-01T00:00:00Z */
	const time_t oct = 1790899200;	/* 2026-10-01T00:00:00Z */
	char file[256];
	int rc;

	for (int k = 0; k < 3; k++) {
		static const char *const cam[] = { "crash", "taken", "bad" };
		snprintf(path, sizeof(path), "%s/%s/manifest", dir, cam[k]);
		snprintf(vol, sizeof(vol), "%s.2026-09", path);
		snprintf(tmp, sizeof(tmp), "%s.rotating", path);
		snprintf(d, sizeof(d), "%s/%s", dir, cam[k]);
		if (mkdir(d, 0750) == -1 ||
		    cam_journal_open(&j, path, "rec1", &e) == -1) {
			CHECK(0, "rotation faults: open a manifest");
			break;
		}
		cam_journal_set_sync(j, 0);
		r.n = 0;
		for (int h = 0; h < 5; h++) {
			file_name(file, sizeof(file), cam[k], t + h * 60, "");
			if (k == 2 && h == 3)
				snprintf(file, sizeof(file), "other/x.ts");
			size_t i = ref_add(&r, NULL, file, t + h * 60,
			    t + h * 60 + 60, (size_t)-1);
			cam_journal_set_time(j, t + h * 60);
			cam_journal_append(j, "segment", r.v[i].data, NULL, &e);
			free(r.v[i].file);
			free(r.v[i].data);
		}
		cam_journal_set_time(j, t + 3600);
		cam_journal_append(j, "seal", "{\"head_seq\":5}", NULL, &e);
		off_t size0 = fsize(path);
		snprintf(d, sizeof(d), "%s/manifest", cam[k]);

		if (k == 0) {
			/* A crash after the link, with a half-written new
			 * volume left behind. */
			rc = link(path, vol);
			rc = rc == 0 ? spit(tmp, "7\tgarbage", 9) : -1;
			rc = rc == 0 ? cam_journal_verify(path, &v, &e) : -1;
			CHECK(rc == 0 && v.records == 6, "rotation faults: a "
			    "closed volume that is still the journal's file "
			    "(a crash after the link) is read once");
			rc = cam_store_rotate(d, j, oct, closed, sizeof(closed),
			    &e);
			if (rc == -1)
				printf("# %s\n", e.msg);
			rc = rc == 0 ? cam_journal_verify(path, &v, &e) : -1;
			int segs_rc = cam_store_segments(dir, cam[k], &segs, &e);
			CHECK(rc == 0 && v.records == 6 + 1 + 5 &&
			    access(tmp, F_OK) == -1 && fsize(vol) == size0 &&
			    segs_rc == 0 && segs.n == 5,
			    "rotation faults: the next rotation goes on: the "
			    "left-over .rotating replaced, 5 segments carried, "
			    "12 records verified");
			if (segs_rc == 0)
				cam_segments_free(&segs);
		} else if (k == 1) {
			rc = spit(vol, "not this journal\n", 17);
			rc = rc == 0 ? cam_store_rotate(d, j, oct, closed,
			    sizeof(closed), &e) : 0;
			if (rc == -1)
				printf("#   %s\n", e.msg);
			CHECK(rc == -1 && e.code == CAM_NO &&
			    strstr(e.msg, "exists already") != NULL &&
			    fsize(path) == size0 && fsize(vol) == 17 &&
			    access(tmp, F_OK) == -1, "rotation faults: the "
			    "closed name taken by another file: refused, "
			    "nothing changed");
		} else {
			rc = cam_store_rotate(d, j, oct, closed, sizeof(closed),
			    &e);
			if (rc == -1)
				printf("#   %s\n", e.msg);
			CHECK(rc == -1 && e.code == CAM_NO &&
			    strstr(e.msg, "not inside the directory") != NULL &&
			    fsize(path) == size0 && access(vol, F_OK) == -1 &&
			    access(tmp, F_OK) == -1, "rotation faults: a "
			    "manifest naming a file outside its camera is not "
			    "rotated, nothing changed");
			/* The handle is as it was: it appends on. */
			cam_journal_set_time(j, t + 7200);
			rc = cam_journal_append(j, "camera-down", "{}", NULL,
			    &e);
			rc = rc == 0 ? cam_journal_verify(path, &v, &e) : -1;
			CHECK(rc == 0 && v.records == 7, "rotation faults: "
			    "after a refused rotation the handle appends on");
		}
		cam_journal_close(&j);
	}
	free(r.v);
}

/*
 * Holds: placed on three cameras, half released in random order, read
 * back whole; cover() against a plain overlap test; a release twice or
 * of no hold refused with nothing written.
 */
static void
test_holds(void)
{
	enum { NH = 200, NQ = 20000 };
	static const char *const cams[] = { "gate", "yard", "door" };
	struct hold_ref {
		uint64_t id;
		int cam;
		time_t from, to;
		char reason[64], by[32];
		int released;
	} *ref = cam_xmalloc(NH * sizeof(*ref));
	struct cam_holds h;
	size_t order[NH], bad = 0;
	const time_t t0 = 1780000000;
	char msg[256], hp[512];
	int rc;

	snprintf(hp, sizeof(hp), "%s", unit_path(dir, "holds.journal"));
	unlink(hp);
	for (size_t i = 0; i < NH; i++) {
		struct hold_ref *x = &ref[i];
		x->cam = (int)rnd_below(3);
		x->from = t0 + (time_t)rnd_below(86400 * 60);
		x->to = x->from + (time_t)rnd_below(86400 * 3);
		snprintf(x->reason, sizeof(x->reason), "incident %zu \"night\"",
		    i);
		snprintf(x->by, sizeof(x->by), "guard%zu", i % 7);
		x->released = 0;
		if (cam_store_hold_add(dir, "rec1", cams[x->cam], x->from,
		    x->to, x->reason, x->by, &x->id, &e) == -1) {
			printf("# %s\n", e.msg);
			bad++;
		}
		order[i] = i;
	}
	CHECK(bad == 0 && ref[0].id == 1 && ref[NH - 1].id == NH,
	    "holds: 200 placed, numbered by their records");
	shuffle(order, NH);
	for (size_t k = 0; k < NH / 2; k++) {
		struct hold_ref *x = &ref[order[k]];
		if (cam_store_hold_release(dir, "rec1", x->id, "case closed",
		    "chief", &e) == -1) {
			printf("# %s\n", e.msg);
			bad++;
		}
		x->released = 1;
	}
	CHECK(bad == 0, "holds: 100 released in random order");

	off_t size0 = fsize(hp);
	rc = cam_store_hold_release(dir, "rec1", ref[order[0]].id, "again",
	    "chief", &e);
	CHECK(rc == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "already released") != NULL && fsize(hp) == size0,
	    "holds: a second release is refused, nothing written");
	rc = cam_store_hold_release(dir, "rec1", 100000, "none", "chief", &e);
	CHECK(rc == -1 && e.code == CAM_NO && strstr(e.msg, "no hold") != NULL &&
	    fsize(hp) == size0,
	    "holds: the release of no hold is refused, nothing written");

	rc = cam_store_holds(dir, &h, &e);
	size_t diff = 0;
	for (size_t i = 0; rc == 0 && i < NH && h.n == NH; i++) {
		const struct cam_hold *g = &h.v[i];
		const struct hold_ref *x = &ref[i];
		if (g->id != x->id || strcmp(g->camera, cams[x->cam]) != 0 ||
		    g->from != x->from || g->to != x->to ||
		    strcmp(g->reason, x->reason) != 0 ||
		    strcmp(g->by, x->by) != 0 || g->released != x->released)
			diff++;
	}
	snprintf(msg, sizeof(msg), "holds: read back, each id, camera, "
	    "window, reason, by and released as placed (%zu differ)", diff);
	CHECK(rc == 0 && h.n == NH && diff == 0, msg);

	/* cover(): any standing hold of the camera overlapping [s, e]. */
	diff = 0;
	size_t covered = 0;
	for (size_t q = 0; rc == 0 && q < NQ; q++) {
		int cam = (int)rnd_below(3), want = 0;
		time_t s = t0 - 86400 + (time_t)rnd_below(86400 * 64);
		time_t en = s + (time_t)rnd_below(600);
		for (size_t i = 0; i < NH; i++)
			if (!ref[i].released && ref[i].cam == cam &&
			    !(en < ref[i].from || s > ref[i].to))
				want = 1;
		covered += want;
		if (cam_holds_cover(&h, cams[cam], s, en) != want)
			diff++;
	}
	snprintf(msg, sizeof(msg), "holds: cover() agrees with a plain "
	    "overlap test on %d windows (%zu covered)", NQ, covered);
	CHECK(rc == 0 && diff == 0 && covered > 0 && covered < NQ, msg);
	/* The edges: a window touching a standing hold's end is covered. */
	const struct hold_ref *x = NULL;
	for (size_t i = 0; i < NH && x == NULL; i++)
		if (!ref[i].released)
			x = &ref[i];
	CHECK(x != NULL && rc == 0 &&
	    cam_holds_cover(&h, cams[x->cam], x->to, x->to + 60) == 1 &&
	    cam_holds_cover(&h, cams[x->cam], x->from - 60, x->from) == 1,
	    "holds: a window touching a standing hold's first or last second "
	    "is covered");
	if (rc == 0)
		cam_holds_free(&h);
	free(ref);
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_strmap_small();
	test_strmap_big();
	test_json_fields();
	test_orders();
	test_million();
	test_volumes();
	test_rotate_faults();
	test_holds();
	if (unit_failed == 0) {
		if (nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS) != 0)
			printf("# could not remove %s\n", dir);
	} else
		printf("# files kept in %s\n", dir);
	EVP_MD_CTX_free(md_ctx);
	return UNIT_END();
}
