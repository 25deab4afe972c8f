/*
 * Unit tests for cam_journal and cam_json: the chain, checked here with
 * OpenSSL directly rather than through the module; torn-line repair;
 * corruption found and named; eight processes appending at once; a full
 * file cut back; refused input.
 *
 * Also a helper for tests/t15-journal-shell.sh and for measuring:
 *	unit_journal --write PATH N	append N records to PATH
 *	unit_journal --bench N [DIR]	time N appends with and without sync
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/cam_json.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "unit.h"

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

static char dir[] = "/tmp/camkit-journal.XXXXXX";
static struct cam_err e;

static void
spit(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		printf("# cannot write %s\n", path);
}

static void
append_raw(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	if (fd == -1 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		printf("# cannot append to %s\n", path);
	if (fd != -1)
		close(fd);
}

static off_t
fsize(const char *path)
{
	struct stat st;

	return stat(path, &st) == -1 ? -1 : st.st_size;
}

/* SHA-256 in hex, computed here and not by the module under test. */
static void
sha256(const void *p, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int len;

	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/*
 * The chain as an auditor checks it: line k has SEQ k and, as its 4th
 * field, the hash of line k-1.  Returns the number of lines, or -1.
 * head (if not NULL) gets the hash of the last line.
 */
static long
chain(const char *path, char *head)
{
	char prev[65] = ZEROS, want[128];
	size_t len;
	char *s = unit_slurp(path, &len), *p, *nl;
	long n = 0;

	if (s == NULL)
		return -1;
	for (p = s; p < s + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(s + len - p))) == NULL)
			goto bad;
		n++;
		/* SEQ \t TIME \t HOST \t PREV */
		char *t1 = memchr(p, '\t', (size_t)(nl - p));
		char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(nl - t1)) : NULL;
		char *t3 = t2 ? memchr(t2 + 1, '\t', (size_t)(nl - t2)) : NULL;
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
	free(s);
	return n;
bad:
	printf("# chain broken at line %ld of %s\n", n, path);
	free(s);
	return -1;
}

/* Line k (1-based) of the file: its offset and length, LF included. */
static int
line_at(const char *s, size_t len, int k, size_t *off, size_t *n)
{
	size_t o = 0;

	for (int i = 1; o < len; i++) {
		const char *nl = memchr(s + o, '\n', len - o);
		size_t l = nl ? (size_t)(nl - (s + o)) + 1 : len - o;
		if (i == k) {
			*off = o;
			*n = l;
			return 0;
		}
		o += l;
	}
	return -1;
}

static struct cam_journal *
jopen(const char *path)
{
	struct cam_journal *j = NULL;

	cam_err_clear(&e);
	if (cam_journal_open(&j, path, "rec1", &e) == -1)
		printf("# open: %s\n", e.msg);
	return j;
}

static int
append(struct cam_journal *j, const char *kind, const char *data)
{
	cam_err_clear(&e);
	if (cam_journal_append(j, kind, data, NULL, &e) == -1)
		return -1;
	return 0;
}

/* A segment record as the recorder will write it. */
static void
segment(struct cam_buf *b, int i)
{
	char file[128];

	b->len = 0;
	snprintf(file, sizeof(file),
	    "gate/2026/11/23/gate-20261123T%02d%02d00Z.ts", i / 60 % 24,
	    i % 60);
	cam_json_begin(b);
	cam_json_add_str(b, "file", file);
	cam_json_add_str(b, "start", "2026-11-23T01:00:00Z");
	cam_json_add_str(b, "end", "2026-11-23T01:01:00Z");
	cam_json_add_int(b, "frames", 600);
	cam_json_add_int(b, "bytes", 123456 + i);
	cam_json_add_str(b, "sha256", ZEROS);
	cam_json_end(b);
}

static int
write_n(const char *path, int n, int sync)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_journal *j = jopen(path);
	int rc = 0;

	if (j == NULL)
		return -1;
	cam_journal_set_sync(j, sync);
	for (int i = 0; i < n && rc == 0; i++) {
		segment(&b, i);
		if ((rc = append(j, "segment", b.s)) == -1)
			printf("# append: %s\n", e.msg);
	}
	cam_journal_close(&j);
	cam_buf_free(&b);
	return rc;
}

static int
verify(const char *path, struct cam_journal_verify *v)
{
	cam_err_clear(&e);
	return cam_journal_verify(path, v, &e);
}

static int
json_bad(const char *s)
{
	struct cam_err je;

	cam_err_clear(&je);
	return cam_json_check(s, strlen(s), &je) == -1 && je.code == CAM_NO &&
	    strncmp(je.msg, "byte ", 5) == 0;
}

static int
json_ok(const char *s)
{
	struct cam_err je;

	cam_err_clear(&je);
	if (cam_json_check(s, strlen(s), &je) == 0)
		return 1;
	printf("# %s: %s\n", s, je.msg);
	return 0;
}

static void
test_json(void)
{
	struct cam_buf b = CAM_BUF_INIT;

	cam_json_begin(&b);
	cam_json_end(&b);
	CHECK_STR(b.s, "{}", "empty object");
	b.len = 0;
	cam_json_begin(&b);
	cam_json_add_str(&b, "file", "a \"b\"\\c\td\n");
	cam_json_add_int(&b, "n", -5);
	cam_json_add_uint(&b, "u", UINT64_MAX);
	cam_json_add_bool(&b, "t", 1);
	cam_json_add_bool(&b, "f", 0);
	cam_json_add_null(&b, "z");
	cam_json_begin_obj(&b, "o");
	cam_json_add_str(&b, "k", "Sở GD&ĐT");
	cam_json_begin_obj(&b, "e");
	cam_json_end(&b);
	cam_json_end(&b);
	cam_json_end(&b);
	CHECK_STR(b.s, "{\"file\":\"a \\\"b\\\"\\\\c\\td\\n\",\"n\":-5,"
	    "\"u\":18446744073709551615,\"t\":true,\"f\":false,\"z\":null,"
	    "\"o\":{\"k\":\"Sở GD&ĐT\",\"e\":{}}}", "builder output");
	CHECK(json_ok(b.s), "builder output is valid JSON");
	cam_buf_free(&b);

	CHECK(json_ok("{\"a\":[1,-2.5e+3,0,0.1,true,false,null,\"\\u00e9\"]}"),
	    "numbers, literals, arrays");
	CHECK(json_ok(" [ ] "), "whitespace around a value");
	CHECK(json_ok("\"\\ud83d\\ude00\""), "surrogate pair");
	CHECK(json_bad("{\"a\":}"), "missing value");
	CHECK(json_bad("{\"a\" 1}"), "missing colon");
	CHECK(json_bad("{\"a\":1,}"), "trailing comma");
	CHECK(json_bad("{a:1}"), "unquoted key");
	CHECK(json_bad("{\"a\":01}"), "leading zero");
	CHECK(json_bad("{\"a\":1.}"), "bare decimal point");
	CHECK(json_bad("{\"a\":tru}"), "bad literal");
	CHECK(json_bad("{\"a\":\"x\"} {}"), "two values");
	CHECK(json_bad("{\"a\":\"\\x\"}"), "bad escape");
	CHECK(json_bad("\"\\ud83d\""), "lone high surrogate");
	CHECK(json_bad("\"\\ude00\""), "lone low surrogate");
	CHECK(json_bad("\"a\tb\""), "raw tab in a string");
	CHECK(json_bad("\"\xc3\""), "truncated UTF-8");
	CHECK(json_bad("\"\xc0\xaf\""), "overlong UTF-8");
	CHECK(json_bad("\"\xed\xa0\x80\""), "UTF-8 surrogate");
	CHECK(json_bad(""), "empty text");
	char deep[80];
	memset(deep, '[', 33);
	memset(deep + 33, ']', 33);
	deep[66] = '\0';
	CHECK(json_bad(deep), "33 levels refused");
	deep[32] = ']';
	memset(deep + 33, ']', 31);
	deep[64] = '\0';
	CHECK(json_ok(deep), "32 levels accepted");
	struct cam_err je;
	cam_json_check("{\"a\":}", 6, &je);
	CHECK_STR(je.msg, "byte 6: value expected", "message names the byte");

	const char *obj = "{\"file\":\"a\\\"b\\u00e9\\ud83d\\ude00\\n\","
	    "\"n\":-42,\"big\":9223372036854775807,"
	    "\"min\":-9223372036854775808,"
	    "\"over\":9223372036854775808,\"f\":1.5,\"e\":1e3,"
	    "\"o\":{\"inner\":1},\"a\":[\"x\"],\"nul\":\"a\\u0000b\","
	    "\"dup\":1,\"dup\":2,\"k\\u0065y\":\"esc\"}";
	char buf[64];
	int64_t v = 0;
	CHECK(json_ok(obj), "reader test object is valid");
	CHECK(cam_json_get_str(obj, "file", buf, sizeof(buf)) == 0,
	    "get a string");
	CHECK_STR(buf, "a\"b\xc3\xa9\xf0\x9f\x98\x80\n", "escapes undone");
	CHECK(cam_json_get_str(obj, "file", buf, 10) == -1 && buf[0] == '\0',
	    "a string that does not fit");
	CHECK(cam_json_get_str(obj, "file", buf, 11) == 0,
	    "a string that just fits");
	CHECK(cam_json_get_str(obj, "nul", buf, sizeof(buf)) == -1,
	    "U+0000 is not given as a C string");
	CHECK(cam_json_get_str(obj, "n", buf, sizeof(buf)) == -1,
	    "a number is not a string");
	CHECK(cam_json_get_str(obj, "inner", buf, sizeof(buf)) == -1,
	    "only top-level members");
	CHECK(cam_json_get_str(obj, "missing", buf, sizeof(buf)) == -1,
	    "a missing member");
	CHECK(cam_json_get_int(obj, "dup", &v) == -1,
	    "a member given twice is ambiguous");
	CHECK(cam_json_get_str(obj, "key", buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "esc") == 0, "a key with an escape");
	CHECK(cam_json_get_int(obj, "n", &v) == 0 && v == -42, "get an int");
	CHECK(cam_json_get_int(obj, "big", &v) == 0 && v == INT64_MAX,
	    "INT64_MAX");
	CHECK(cam_json_get_int(obj, "min", &v) == 0 && v == INT64_MIN,
	    "INT64_MIN");
	CHECK(cam_json_get_int(obj, "over", &v) == -1, "overflow");
	CHECK(cam_json_get_int(obj, "f", &v) == -1 &&
	    cam_json_get_int(obj, "e", &v) == -1, "not an integer");
	CHECK(cam_json_get_int(obj, "file", &v) == -1,
	    "a string is not an int");
	CHECK(cam_json_get_int("{\"n\":1", "n", &v) == -1 &&
	    cam_json_get_int("[1]", "n", &v) == -1, "not a valid object");
}

struct seen {
	int n;
	uint64_t seq[16];
	char kind[16][16];
	char data[16][256];
	char hash[16][65];
	uint64_t line[16];
	off_t off[16];
	time_t time[16];
	int hosts_ok;
	int stop_at;
};

static int
collect(void *arg, const struct cam_journal_rec *r)
{
	struct seen *s = arg;

	if (s->n < 16) {
		s->seq[s->n] = r->seq;
		snprintf(s->kind[s->n], sizeof(s->kind[0]), "%s", r->kind);
		snprintf(s->data[s->n], sizeof(s->data[0]), "%s", r->data);
		memcpy(s->hash[s->n], r->hash, 65);
		s->line[s->n] = r->line;
		s->off[s->n] = r->offset;
		s->time[s->n] = r->time;
	}
	s->hosts_ok += strcmp(r->host, "rec1") == 0;
	s->n++;
	return s->stop_at && s->n == s->stop_at ? 7 : 0;
}

static void
test_basic(void)
{
	const char *p = unit_path(dir, "basic");
	struct cam_journal *j;
	struct cam_journal_rec out[5];
	struct cam_journal_verify v;
	struct cam_buf b = CAM_BUF_INIT;
	char head[65];
	struct stat st;
	mode_t old = umask(077);
	time_t t0 = time(NULL);
	int ok = 1;

	j = jopen(p);
	umask(old);
	CHECK(j != NULL, "open creates a journal");
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0640 &&
	    st.st_size == 0, "new journal is empty, mode 0640 despite umask");
	if (j == NULL)
		return;
	for (int i = 0; i < 5; i++) {
		segment(&b, i);
		cam_err_clear(&e);
		if (cam_journal_append(j, i == 2 ? "camera-down" : "segment",
		    b.s, &out[i], &e) == -1) {
			printf("# %s\n", e.msg);
			ok = 0;
		}
	}
	CHECK(ok, "five appends");
	CHECK(out[0].seq == 1 && out[4].seq == 5 && out[4].line == 5,
	    "SEQ runs from 1");
	CHECK_STR(out[0].prev, ZEROS, "record 1 links to 64 zeros");
	CHECK_STR(out[3].prev, out[2].hash, "each record links to the last");
	CHECK(out[4].time >= t0 && out[4].time <= time(NULL),
	    "TIME is now");
	CHECK(chain(p, head) == 5, "the chain checks out independently");
	CHECK_STR(out[4].hash, head, "append reports the head hash");

	size_t len = 0, off = 0, n = 0;
	char *s = unit_slurp(p, &len), h[65];
	CHECK(s != NULL && line_at(s, len, 3, &off, &n) == 0, "line 3");
	sha256(s + off, n, h);
	CHECK_STR(out[2].hash, h, "a record's hash covers its line and LF");
	CHECK(out[2].offset == (off_t)off, "offset of the record");
	CHECK(strncmp(s + off, "3\t", 2) == 0 &&
	    strstr(s + off, "\trec1\t") != NULL &&
	    strstr(s + off, "\tcamera-down\t{\"file\":") != NULL,
	    "fields as written");
	segment(&b, 2);
	char want[512];
	snprintf(want, sizeof(want), "\t%s\tcamera-down\t%s\n", out[1].hash,
	    b.s);
	CHECK(memmem(s + off, n, want, strlen(want)) != NULL,
	    "PREV KIND DATA end the line");
	free(s);

	CHECK(verify(p, &v) == 0 && v.records == 5 && v.bad_line == 0 &&
	    !v.torn, "verify: 5 good records");
	CHECK_STR(v.head, head, "verify reports the head hash");

	struct seen sn;
	memset(&sn, 0, sizeof(sn));
	cam_err_clear(&e);
	CHECK(cam_journal_foreach(p, collect, &sn, &e) == 0 && sn.n == 5 &&
	    sn.hosts_ok == 5, "foreach sees five records");
	CHECK(sn.seq[0] == 1 && sn.seq[4] == 5 && sn.line[4] == 5 &&
	    sn.off[2] == (off_t)off, "in order, with line and offset");
	CHECK_STR(sn.kind[2], "camera-down", "foreach: kind");
	CHECK_STR(sn.data[2], b.s, "foreach: data as written");
	CHECK_STR(sn.hash[4], head, "foreach: the record's own hash");
	CHECK(sn.time[0] == out[0].time, "foreach: time");
	memset(&sn, 0, sizeof(sn));
	sn.stop_at = 3;
	CHECK(cam_journal_foreach(p, collect, &sn, &e) == 7 && sn.n == 3,
	    "a callback's non-zero stops the walk and is returned");

	/* A second handle continues the chain; both learn of each other. */
	struct cam_journal *k = jopen(p);
	CHECK(k != NULL, "reopen");
	CHECK(append(k, "segment", "{\"by\":\"k\"}") == 0 &&
	    append(j, "segment", "{\"by\":\"j\"}") == 0 &&
	    append(k, "segment", "{\"by\":\"k\"}") == 0,
	    "two handles append in turn");
	cam_err_clear(&e);
	CHECK(cam_journal_append(j, "segment", "{}", &out[0], &e) == 0 &&
	    out[0].seq == 9, "each handle reads what the other appended");
	CHECK(chain(p, head) == 9 && verify(p, &v) == 0 && v.records == 9,
	    "chain unbroken");
	CHECK_STR(out[0].hash, head, "head after catching up");
	cam_journal_close(&k);
	cam_journal_close(&j);
	CHECK(j == NULL && k == NULL, "close nulls the handle");
	cam_journal_close(&j);

	CHECK(verify(unit_path(dir, "missing"), &v) == -1 && e.code == CAM_ENV,
	    "verify of a missing file is an environment failure");
	spit(unit_path(dir, "empty"), "", 0);
	CHECK(verify(unit_path(dir, "empty"), &v) == 0 && v.records == 0 &&
	    strcmp(v.head, ZEROS) == 0, "an empty journal verifies");
	cam_err_clear(&e);
	CHECK(cam_journal_open(&j, unit_path(dir, "nodir/j"), "rec1", &e) == -1 &&
	    e.code == CAM_ENV && j == NULL, "the directory must exist");
	CHECK(cam_journal_open(&j, dir, "rec1", &e) == -1 && j == NULL,
	    "a directory is not a journal");
	CHECK(cam_journal_open(&j, unit_path(dir, "h"), "rec 1", &e) == -1 &&
	    e.code == CAM_NO && strstr(e.msg, "bad host name") &&
	    fsize(unit_path(dir, "h")) == -1, "a bad host name is refused first");
	CHECK(cam_journal_open(&j, unit_path(dir, "h"), NULL, &e) == 0 &&
	    append(j, "x", "{}") == 0, "NULL host: this machine's name");
	cam_journal_close(&j);
	cam_buf_free(&b);
}

static void
test_refused(void)
{
	const char *p = unit_path(dir, "refused");
	struct cam_journal *j = jopen(p);
	char *big;

	if (j == NULL)
		return;
	CHECK(append(j, "segment", "{\"ok\":1}") == 0, "a first record");
	off_t size = fsize(p);
	static const char *kinds[] = { "", "Segment", "a b", "a\tb", "a_b",
	    "caméra", "x\n" };
	int ok = 1;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (append(j, kinds[i], "{}") != -1 || e.code != CAM_NO ||
		    !strstr(e.msg, "bad KIND")) {
			printf("# kind \"%s\" accepted: %s\n", kinds[i], e.msg);
			ok = 0;
		}
	CHECK(ok, "bad kinds refused");
	char k64[66];
	memset(k64, 'k', 65);
	k64[65] = '\0';
	CHECK(append(j, k64, "{}") == -1, "kind of 65 bytes refused");
	k64[64] = '\0';
	CHECK(append(j, k64, "{}") == 0, "kind of 64 bytes accepted");
	size = fsize(p);

	static const struct {
		const char *data, *what, *msg;
	} bad[] = {
		{ "{\"a\":\"x\ty\"}", "a tab", "TAB" },
		{ "{\"a\":\"x\ny\"}", "a newline", "line break" },
		{ "{\"a\":\"x\ry\"}", "a CR", "control" },
		{ "{\"a\":\"\x01\"}", "a control byte", "control" },
		{ "{\"a\":\"\xff\"}", "invalid UTF-8", "UTF-8" },
		{ "{\"a\":\"\xc3\"}", "truncated UTF-8", "UTF-8" },
		{ "[1]", "an array", "not a JSON object" },
		{ "\"x\"", "a string", "not a JSON object" },
		{ "", "nothing", "not a JSON object" },
		{ "{\"a\":1} ", "space after the object", "not a JSON object" },
		{ "{\"a\":}", "invalid JSON", "not valid JSON: byte 6" },
		{ "{\"a\":1}{\"b\":2}", "two objects", "text after" },
	};
	ok = 1;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (append(j, "segment", bad[i].data) != -1 ||
		    e.code != CAM_NO || !strstr(e.msg, "refused DATA") ||
		    !strstr(e.msg, bad[i].msg)) {
			printf("# DATA with %s: %s\n", bad[i].what, e.msg);
			ok = 0;
		}
	CHECK(ok, "bad DATA refused, each with its reason");
	CHECK(append(j, "segment", NULL) == -1, "no DATA refused");

	/* Longest line: 65536 bytes with LF. */
	big = cam_xmalloc(CAM_JOURNAL_LINE_MAX + 16);
	size_t head = strlen("3\t2026-11-23T01:02:03Z\trec1\t") + 64 +
	    strlen("\tsegment\t");
	size_t room = CAM_JOURNAL_LINE_MAX - head - 1;	/* LF */
	memset(big, 'x', room);
	memcpy(big, "{\"a\":\"", 6);
	memcpy(big + room - 2, "\"}", 3);
	CHECK(append(j, "segment", big) == 0, "a line of exactly 64 KiB");
	size = fsize(p);
	memset(big, 'x', room + 1);
	memcpy(big, "{\"a\":\"", 6);
	memcpy(big + room - 1, "\"}", 3);
	CHECK(append(j, "segment", big) == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "at most 65536"), "one byte more is refused");
	memset(big, 'x', CAM_JOURNAL_LINE_MAX + 8);
	memcpy(big, "{\"a\":\"", 6);
	memcpy(big + CAM_JOURNAL_LINE_MAX + 5, "\"}", 3);
	CHECK(append(j, "segment", big) == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "at most 65536"), "long DATA is refused");
	free(big);
	CHECK(fsize(p) == size, "nothing refused was written");
	struct cam_journal_verify v;
	CHECK(verify(p, &v) == 0 && v.records == 3 && chain(p, NULL) == 3,
	    "still a valid journal");
	cam_journal_close(&j);
}

static void
test_torn(void)
{
	const char *p = unit_path(dir, "torn");
	struct cam_journal_verify v;
	struct cam_journal *j;
	char torn[] = "4\t2026-11-23T01:02:03Z\trec1\t00000";
	char sum[65], tname[300];
	struct seen sn;

	CHECK(write_n(p, 3, 1) == 0, "three records");
	append_raw(p, torn);
	CHECK(verify(p, &v) == -1 && e.code == CAM_NO && v.torn &&
	    v.bad_line == 4 && v.records == 3, "verify reports a torn line");
	snprintf(tname, sizeof(tname), ":4: torn last line: %zu bytes without "
	    "LF", strlen(torn));
	CHECK(strstr(e.msg, tname) != NULL, "... as such, with its line");
	j = jopen(p);
	CHECK(j != NULL, "open repairs a torn line");
	cam_journal_close(&j);
	CHECK(verify(p, &v) == 0 && v.records == 4 && chain(p, NULL) == 4,
	    "the journal verifies after the repair");
	memset(&sn, 0, sizeof(sn));
	cam_journal_foreach(p, collect, &sn, &e);
	sha256(torn, strlen(torn), sum);
	char want[300];
	snprintf(want, sizeof(want), "{\"dropped_bytes\":%zu,"
	    "\"dropped_sha256\":\"%s\",\"saved_as\":\"torn.torn-",
	    strlen(torn), sum);
	CHECK(sn.n == 4 && strcmp(sn.kind[3], "repair") == 0 &&
	    strncmp(sn.data[3], want, strlen(want)) == 0,
	    "a repair record tells what was dropped");
	const char *name = strstr(sn.data[3], "\"saved_as\":\"");
	snprintf(tname, sizeof(tname), "%s/%.*s", dir,
	    name ? (int)strcspn(name + 12, "\"") : 0, name ? name + 12 : "");
	size_t len;
	char *saved = unit_slurp(tname, &len);
	CHECK(saved != NULL && len == strlen(torn) &&
	    memcmp(saved, torn, len) == 0, "the torn bytes are kept");
	struct stat st;
	CHECK(stat(tname, &st) == 0 && (st.st_mode & 0777) == 0640,
	    "... in a file of mode 0640");
	free(saved);

	/* Torn again within the same second: another name. */
	append_raw(p, "5\t");
	j = jopen(p);
	cam_journal_close(&j);
	memset(&sn, 0, sizeof(sn));
	cam_journal_foreach(p, collect, &sn, &e);
	CHECK(sn.n == 5 && strcmp(sn.kind[4], "repair") == 0 &&
	    strstr(sn.data[4], "\"dropped_bytes\":2,") &&
	    strcmp(strstr(sn.data[4], "saved_as"),
	    strstr(sn.data[3], "saved_as")) != 0,
	    "a second repair saves under another name");

	/* A writer that holds the journal open meets the torn line. */
	j = jopen(p);
	append_raw(p, "6\t2026");
	CHECK(j && append(j, "segment", "{\"after\":1}") == 0,
	    "append repairs a torn line left by another writer");
	cam_journal_close(&j);
	memset(&sn, 0, sizeof(sn));
	cam_journal_foreach(p, collect, &sn, &e);
	CHECK(sn.n == 7 && strcmp(sn.kind[5], "repair") == 0 &&
	    strcmp(sn.data[6], "{\"after\":1}") == 0 && chain(p, NULL) == 7,
	    "... then appends its record");

	/* Nothing but a torn line: record 1 is the repair. */
	const char *q = unit_path(dir, "torn-only");
	spit(q, "1\t2026-11-23T01:0", 17);
	j = jopen(q);
	cam_journal_close(&j);
	memset(&sn, 0, sizeof(sn));
	cam_journal_foreach(q, collect, &sn, &e);
	CHECK(sn.n == 1 && sn.seq[0] == 1 &&
	    strcmp(sn.kind[0], "repair") == 0 && chain(q, NULL) == 1,
	    "a journal that is only a torn line starts over with a repair");

	/* More than an append writes is not a torn append. */
	const char *r = unit_path(dir, "torn-big");
	CHECK(write_n(r, 2, 0) == 0, "two records");
	char *junk = cam_xmalloc(70000);
	memset(junk, 'z', 70000);
	int fd = open(r, O_WRONLY | O_APPEND);
	CHECK(fd != -1 && write(fd, junk, 70000) == 70000,
	    "70000 bytes of junk");
	close(fd);
	free(junk);
	off_t size = fsize(r);
	cam_err_clear(&e);
	CHECK(cam_journal_open(&j, r, "rec1", &e) == -1 && e.code == CAM_NO &&
	    fsize(r) == size, "too much after the last LF is not repaired");
}

/* Replace line k of src by text (NULL: delete it), into dst. */
static void
edit_line(const char *src, const char *dst, int k, const char *text)
{
	size_t len, off, n;
	char *s = unit_slurp(src, &len);
	struct cam_buf b = CAM_BUF_INIT;

	if (s == NULL || line_at(s, len, k, &off, &n) == -1) {
		printf("# no line %d in %s\n", k, src);
		free(s);
		return;
	}
	cam_buf_add(&b, s, off);
	if (text)
		cam_buf_adds(&b, text);
	cam_buf_add(&b, s + off + n, len - off - n);
	spit(dst, b.s, b.len);
	cam_buf_free(&b);
	free(s);
}

/* Line k of path, NUL-terminated, LF included.  Caller frees. */
static char *
get_line(const char *path, int k)
{
	size_t len, off, n;
	char *s = unit_slurp(path, &len), *l = NULL;

	if (s && line_at(s, len, k, &off, &n) == 0)
		l = cam_xstrndup(s + off, n);
	free(s);
	return l;
}

/* Flip one character of line k: the first occurrence of from. */
static void
flip(const char *src, const char *dst, int k, const char *from,
    const char *to)
{
	char *l = get_line(src, k), *at;
	struct cam_buf b = CAM_BUF_INIT;

	if (l == NULL || (at = strstr(l, from)) == NULL) {
		printf("# \"%s\" not in line %d\n", from, k);
		free(l);
		return;
	}
	cam_buf_add(&b, l, (size_t)(at - l));
	cam_buf_adds(&b, to);
	cam_buf_adds(&b, at + strlen(from));
	edit_line(src, dst, k, b.s);
	cam_buf_free(&b);
	free(l);
}

static int
bad_at(const char *path, uint64_t line, const char *why)
{
	struct cam_journal_verify v;
	char at[64];

	snprintf(at, sizeof(at), ":%" PRIu64 ": ", line);
	if (verify(path, &v) == -1 && e.code == CAM_NO && v.bad_line == line &&
	    strstr(e.msg, path) == e.msg && strstr(e.msg, at) &&
	    strstr(e.msg, why) && strstr(v.why, why) &&
	    v.records == line - 1)
		return 1;
	printf("# want %s%s, got %s (bad_line %" PRIu64 ", records %" PRIu64
	    ")\n", at, why, e.msg, v.bad_line, v.records);
	return 0;
}

static void
test_corrupt(void)
{
	const char *p = unit_path(dir, "good"), *c = unit_path(dir, "corrupt");
	struct cam_journal_verify v;
	struct cam_journal *j;
	char head[65];

	CHECK(write_n(p, 10, 0) == 0 && chain(p, head) == 10, "ten records");
	char *l5 = get_line(p, 5), *l4 = get_line(p, 4);

	flip(p, c, 5, "\"frames\":600", "\"frames\":601");
	CHECK(bad_at(c, 5, "record 5 was changed: its hash is not the PREV "
	    "of record 6"), "a changed byte in DATA names its line");
	struct seen sn;
	memset(&sn, 0, sizeof(sn));
	cam_err_clear(&e);
	CHECK(cam_journal_foreach(c, collect, &sn, &e) == -1 && sn.n == 4 &&
	    e.code == CAM_NO, "foreach stops before the changed record");
	flip(p, c, 5, "rec1", "rec2");
	CHECK(bad_at(c, 5, "record 5 was changed"), "a changed HOST");
	flip(p, c, 9, "\"frames\":600", "\"frames\":601");
	CHECK(bad_at(c, 9, "the hash of record 9 is not the PREV of record "
	    "10, the last"), "record before the last changed");
	char *l6 = get_line(p, 6);
	char prev5[65];
	memcpy(prev5, strchr(strchr(strchr(l6, '\t') + 1, '\t') + 1, '\t') + 1,
	    64);
	prev5[64] = '\0';
	char other[65];
	snprintf(other, sizeof(other), "%s", prev5);
	other[0] = other[0] == 'a' ? 'b' : 'a';
	flip(p, c, 6, prev5, other);
	CHECK(bad_at(c, 6, "PREV is not the hash of record 5"),
	    "a changed PREV names its own line");
	flip(p, c, 5, "5\t", "x\t");
	CHECK(bad_at(c, 5, "bad SEQ \"x\""), "a SEQ that is not a number");
	flip(p, c, 5, "\t2026-", "\t2026+");
	CHECK(bad_at(c, 5, "bad TIME"), "a bad TIME");
	edit_line(p, c, 5, "5\t2026-02-30T01:02:03Z\trec1\t" ZEROS "\tx\t{}\n");
	CHECK(bad_at(c, 5, "bad TIME \"2026-02-30T01:02:03Z\""),
	    "February 30 is not a time");
	flip(p, c, 5, "segment", "Segment");
	CHECK(bad_at(c, 5, "bad KIND \"Segment\""), "a bad KIND");
	flip(p, c, 5, "\"frames\"", "\"frames\t\"");
	CHECK(bad_at(c, 5, "7 fields, want 6"), "a TAB in DATA");
	flip(p, c, 5, "\"frames\":600", "\"frames\":");
	CHECK(bad_at(c, 5, "bad DATA: not valid JSON"), "invalid JSON");
	flip(p, c, 5, "\"frames\"", "\"fr\xffmes\"");
	CHECK(bad_at(c, 5, "bad DATA: contains"), "invalid UTF-8");
	flip(p, c, 5, "\"frames\"", "\"fr\rmes\"");
	CHECK(bad_at(c, 5, "bad DATA: contains"), "a CR");

	edit_line(p, c, 5, NULL);
	CHECK(bad_at(c, 5, "SEQ 6, want 5"), "a deleted line is found");
	edit_line(p, c, 4, l5);
	edit_line(c, c, 5, l4);
	CHECK(bad_at(c, 4, "SEQ 5, want 4"), "two swapped lines are found");
	edit_line(p, c, 1, "1\t2026-11-23T01:02:03Z\trec1\t"
	    "1000000000000000000000000000000000000000000000000000000000000000"
	    "\tx\t{}\n");
	CHECK(bad_at(c, 1, "PREV of record 1 is not 64 zeros"),
	    "record 1 must link to zeros");

	/* Renumbering after a deletion is caught by PREV. */
	edit_line(p, c, 5, NULL);
	for (int k = 5; k <= 9; k++) {
		char *l = get_line(c, k), num[8];
		snprintf(num, sizeof(num), "%d\t", k + 1);
		if (l && strncmp(l, num, strlen(num)) == 0) {
			char *n2 = cam_xmalloc(strlen(l) + 8);
			sprintf(n2, "%d%s", k, l + strlen(num) - 1);
			edit_line(c, c, k, n2);
			free(n2);
		}
		free(l);
	}
	CHECK(bad_at(c, 5, "PREV is not the hash of record 4"),
	    "a deletion with renumbered SEQs is found");

	/* What the chain cannot see without a seal: the last record. */
	flip(p, c, 10, "\"frames\":600", "\"frames\":601");
	CHECK(verify(c, &v) == 0 && v.records == 10 &&
	    strcmp(v.head, head) != 0,
	    "a changed last record only changes the head");

	/* open() checks the last line and does not "repair" it. */
	flip(p, c, 10, "\t2026-", "\t2026+");
	size_t before = (size_t)fsize(c);
	cam_err_clear(&e);
	j = NULL;
	CHECK(cam_journal_open(&j, c, "rec1", &e) == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "last record") && strstr(e.msg, "bad TIME") &&
	    (size_t)fsize(c) == before, "a bad last line is an error at open");
	/* A line of 70000 bytes. */
	char *longl = cam_xmalloc(70002);
	memset(longl, 'y', 70000);
	longl[70000] = '\n';
	longl[70001] = '\0';
	edit_line(p, c, 5, longl);
	free(longl);
	CHECK(bad_at(c, 5, "line longer than 65536 bytes"), "a line too long");
	free(l4);
	free(l5);
	free(l6);
}

static void
test_changed_behind(void)
{
	const char *p = unit_path(dir, "behind");
	struct cam_journal *j;

	CHECK(write_n(p, 3, 0) == 0, "three records");
	j = jopen(p);
	if (j == NULL)
		return;
	cam_journal_set_sync(j, 0);
	CHECK(truncate(p, fsize(p) - 10) == 0, "cut the journal");
	CHECK(append(j, "x", "{}") == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "shrank"), "a journal that shrank is refused");
	cam_journal_close(&j);

	unlink(p);
	CHECK(write_n(p, 3, 0) == 0, "three records again");
	j = jopen(p);
	CHECK(rename(p, unit_path(dir, "behind.old")) == 0 && write_n(p, 1, 0) == 0,
	    "replace the journal");
	CHECK(append(j, "x", "{}") == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "replaced"), "a replaced journal is refused");
	cam_journal_close(&j);

	/* Another writer's record that does not link on. */
	unlink(p);
	CHECK(write_n(p, 3, 0) == 0, "three records once more");
	j = jopen(p);
	append_raw(p, "4\t2026-11-23T01:02:03Z\trec1\t" ZEROS "\tx\t{}\n");
	CHECK(append(j, "x", "{}") == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "after record 3: SEQ 4 or PREV does not follow"),
	    "a foreign record that breaks the chain is refused");
	cam_journal_close(&j);
}

/* Child: append to a journal whose size the kernel caps. */
static int
full_child(const char *p, rlim_t room)
{
	struct rlimit rl;
	struct cam_journal *j = jopen(p);

	if (j == NULL)
		return 10;
	signal(SIGXFSZ, SIG_IGN);
	rl.rlim_cur = rl.rlim_max = (rlim_t)fsize(p) + room;
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
		return 11;
	if (append(j, "segment", "{\"this record\":\"does not fit\"}") != -1)
		return 12;
	int rc = e.code != CAM_ENV || e.count != 2 ||
	    !strstr(e.msg, "left as it was") ? 13 : 0;
	for (char *l = strtok(e.msg, "\n"); l; l = strtok(NULL, "\n"))
		printf("# %s\n", l);
	fflush(stdout);
	if (rc)
		return rc;
	cam_journal_close(&j);
	return 0;
}

static void
test_full(void)
{
	const char *p = unit_path(dir, "full");
	struct cam_journal_verify v;
	char h1[65], h2[65];
	int status;

	CHECK(write_n(p, 5, 1) == 0 && chain(p, h1) == 5, "five records");
	off_t size = fsize(p);
	for (rlim_t room = 0; room <= 30; room += 30) {
		fflush(stdout);		/* or the child prints it again */
		pid_t pid = fork();
		if (pid == 0)
			_exit(full_child(p, room));
		CHECK(pid > 0 && waitpid(pid, &status, 0) == pid &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    room ? "a write cut short by a full file fails" :
		    "a write refused by a full file fails");
		CHECK(fsize(p) == size && chain(p, h2) == 5 &&
		    strcmp(h1, h2) == 0 && verify(p, &v) == 0,
		    "... and leaves the journal as it was");
	}
	struct cam_journal *j = jopen(p);
	CHECK(j && append(j, "x", "{}") == 0 && chain(p, NULL) == 6,
	    "appending works again once there is room");
	cam_journal_close(&j);
}

struct order {
	int last[8];
	int bad;
};

static int
check_order(void *arg, const struct cam_journal_rec *r)
{
	struct order *o = arg;
	int c, k;

	if (strcmp(r->kind, "segment") != 0)
		return 0;
	if (sscanf(r->data, "{\"child\":%d,\"k\":%d}", &c, &k) != 2 ||
	    c < 0 || c > 7 || k != o->last[c] + 1)
		o->bad++;
	else
		o->last[c] = k;
	return 0;
}

static void
test_concurrent(void)
{
	const char *p = unit_path(dir, "concurrent");
	struct cam_journal_verify v;
	pid_t pids[8];
	int ok = 1, status;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	fflush(stdout);
	for (int c = 0; c < 8; c++) {
		pids[c] = fork();
		if (pids[c] == 0) {
			struct cam_journal *j = NULL;
			struct cam_err ce;
			char data[64];

			/* Every child opens its own handle. */
			if (cam_journal_open(&j, p, "rec1", &ce) == -1)
				_exit(1);
			for (int k = 1; k <= 1000; k++) {
				snprintf(data, sizeof(data),
				    "{\"child\":%d,\"k\":%d}", c, k);
				if (cam_journal_append(j, "segment", data, NULL,
				    &ce) == -1) {
					printf("# child %d: %s\n", c, ce.msg);
					fflush(stdout);
					_exit(1);
				}
			}
			cam_journal_close(&j);
			_exit(0);
		}
	}
	for (int c = 0; c < 8; c++)
		if (pids[c] <= 0 || waitpid(pids[c], &status, 0) != pids[c] ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			ok = 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# 8 x 1000 synced appends in %.2f s\n",
	    (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	CHECK(ok, "8 processes append 1000 records each (8000)");
	CHECK(verify(p, &v) == 0 && v.records == 8000,
	    "8000 records, the chain unbroken");
	if (e.code)
		printf("# %s\n", e.msg);
	CHECK(chain(p, NULL) == 8000, "... checked independently");
	struct order o;
	memset(&o, 0, sizeof(o));
	cam_err_clear(&e);
	CHECK(cam_journal_foreach(p, check_order, &o, &e) == 0 && o.bad == 0,
	    "every child's records in its order");
	ok = 1;
	for (int c = 0; c < 8; c++)
		ok &= o.last[c] == 1000;
	CHECK(ok, "none lost");
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
bench(int n, const char *where)
{
	char path[512];
	struct cam_journal_verify v;

	for (int sync = 1; sync >= 0; sync--) {
		snprintf(path, sizeof(path), "%s/bench-%d", where, sync);
		unlink(path);
		double t = now_s();
		if (write_n(path, n, sync) == -1)
			return 1;
		t = now_s() - t;
		printf("%d appends %s: %.2f s, %.0f records/s\n", n,
		    sync ? "with fdatasync" : "without sync", t, n / t);
		t = now_s();
		if (verify(path, &v) == -1) {
			printf("%s\n", e.msg);
			return 1;
		}
		t = now_s() - t;
		printf("verify %" PRIu64 " records: %.3f s, %.0f records/s\n",
		    v.records, t, (double)v.records / t);
		unlink(path);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--write") == 0)
		return write_n(argv[2], atoi(argv[3]), 0) == 0 ? 0 : 1;
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "--bench") == 0) {
		int rc = bench(atoi(argv[2]), argc == 4 ? argv[3] : dir);
		rmdir(dir);
		return rc;
	}
	test_json();
	test_basic();
	test_refused();
	test_torn();
	test_corrupt();
	test_changed_behind();
	test_full();
	test_concurrent();
	if (unit_failed == 0) {
		if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
			printf("# could not remove %s\n", dir);
	} else
		printf("# files kept in %s\n", dir);
	return UNIT_END();
}
