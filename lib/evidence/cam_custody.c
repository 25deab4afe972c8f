/*
 * cam_custody: custody.json written and read (see cam_custody.h).  The
 * writer's bytes are the format: members in this order, one signer,
 * clip and source a line.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cam_json.h"
#include "base/cam_time.h"
#include "evidence/cam_custody.h"

/* ---- writing ---- */

static void
add_str(struct cam_buf *b, const char *key, const char *val)
{
	cam_json_add_str(b, key, val != NULL ? val : "");
}

static void
write_request(const struct cam_custody *c, struct cam_buf *b)
{
	cam_json_begin_obj(b, "request");
	add_str(b, "id", c->req_id);
	add_str(b, "sha256", c->req_sha256);
	add_str(b, "requester", c->requester);
	add_str(b, "unit", c->unit);
	add_str(b, "purpose", c->purpose);
	cam_json_add_time(b, "from", c->from);
	cam_json_add_time(b, "to", c->to);
	cam_json_add_time(b, "expires", c->expires);
	cam_json_end(b);
	cam_buf_adds(b, ",\n\"signers\":[");
	for (size_t i = 0; i < c->nsigners; i++) {
		const struct cam_custody_signer *s = &c->signers[i];
		cam_buf_adds(b, i ? ",\n  " : "\n  ");
		cam_json_begin(b);
		add_str(b, "subject", s->subject);
		add_str(b, "sha256", s->sha256);
		cam_json_add_bool(b, "director", s->director);
		cam_json_add_bool(b, "unit_head", s->unit_head);
		if (s->signed_at != 0)
			cam_json_add_time(b, "signed_at", s->signed_at);
		cam_json_end(b);
	}
	cam_buf_adds(b, "]");
}

static void
write_clip(const struct cam_custody_clip *k, struct cam_buf *b)
{
	cam_json_begin(b);
	add_str(b, "file", k->file);
	add_str(b, "camera", k->camera);
	add_str(b, "sha256", k->sha256);
	add_str(b, "codec", k->codec);
	add_str(b, "tag", k->tag);
	if (k->audio != NULL)
		cam_json_add_str(b, "audio", k->audio);
	/* MP4 cannot carry some camera audio (G.711): say it was left out
	 * rather than hide it. */
	if (k->audio_left_out != NULL)
		cam_json_add_str(b, "audio_left_out", k->audio_left_out);
	cam_json_add_time(b, "first", k->first);
	cam_json_add_time(b, "last", k->last);
	cam_buf_addf(b, ",\"duration\":%.3f", k->duration);
	cam_json_add_uint(b, "hold", k->hold);
	cam_buf_adds(b, ",\"sources\":[");
	for (size_t i = 0; i < k->nsources; i++) {
		const struct cam_custody_source *s = &k->sources[i];
		cam_buf_adds(b, i ? ",\n    " : "\n    ");
		cam_json_begin(b);
		add_str(b, "file", s->file);
		add_str(b, "sha256", s->sha256);
		cam_json_add_uint(b, "bytes", (uint64_t)s->bytes);
		cam_json_add_time(b, "start", s->start);
		cam_json_add_time(b, "end", s->end);
		if (s->host != NULL)
			cam_json_add_str(b, "host", s->host);
		cam_json_end(b);
	}
	cam_buf_adds(b, "],\"gaps\":[");
	for (size_t i = 0; i < k->ngaps; i++) {
		cam_buf_adds(b, i ? "," : "");
		cam_json_begin(b);
		cam_json_add_time(b, "from", k->gaps[i].from);
		cam_json_add_time(b, "to", k->gaps[i].to);
		cam_json_end(b);
	}
	cam_buf_adds(b, "]}");
}

void
cam_custody_write(const struct cam_custody *c, struct cam_buf *b)
{
	cam_json_begin(b);
	cam_json_add_str(b, "format", CAM_CUSTODY_FORMAT);
	write_request(c, b);
	cam_json_begin_obj(b, "extraction");
	add_str(b, "by", c->by);
	cam_json_add_uint(b, "uid", c->uid);
	if (c->as != NULL) {
		add_str(b, "as", c->as);
		cam_json_add_uint(b, "as_uid", c->as_uid);
	}
	add_str(b, "host", c->host);
	cam_json_add_time(b, "at", c->at);
	add_str(b, "site", c->site);
	add_str(b, "config_commit", c->config_commit);
	add_str(b, "program", c->program);
	cam_json_end(b);
	cam_json_begin_obj(b, "recipient");
	add_str(b, "name", c->recipient);
	if (c->recipient_unit != NULL)
		cam_json_add_str(b, "unit", c->recipient_unit);
	cam_json_add_bool(b, "encrypted", c->encrypted);
	cam_json_end(b);
	cam_buf_adds(b, ",\n\"clips\":[");
	for (size_t i = 0; i < c->nclips; i++) {
		cam_buf_adds(b, i ? ",\n  " : "\n  ");
		write_clip(&c->clips[i], b);
	}
	cam_buf_adds(b, "\n]}\n");
}

/* ---- reading ---- */

/* The members keys[0..n) of the object json into f; -1 if json is not
 * an object (every f[i].at then NULL). */
static int
fields(const char *json, const char *const *keys, struct cam_json_field *f,
    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		f[i].key = keys[i];
		f[i].at = NULL;
	}
	return json != NULL ? cam_json_fields(json, f, n) : -1;
}

/* A string member of at most max - 1 bytes, or NULL. */
static char *
get_str(const struct cam_json_field *f, size_t max)
{
	char *buf = cam_xmalloc(max), *s = NULL;

	if (cam_json_field_str(f, buf, max) == 0)
		s = cam_xstrdup(buf);
	free(buf);
	return s;
}

/* A time member cam_time_parse reads (UTC unless it says otherwise), or
 * (time_t)-1. */
static time_t
get_time(const struct cam_json_field *f)
{
	struct cam_err e;
	char s[64];
	time_t t;

	if (cam_json_field_str(f, s, sizeof(s)) == -1 ||
	    cam_time_parse(s, NULL, &t, &e) == -1)
		return (time_t)-1;
	return t;
}

static uint64_t
get_uint(const struct cam_json_field *f)
{
	int64_t v;

	return cam_json_field_int(f, &v) == 0 && v >= 0 ? (uint64_t)v : 0;
}

/* The objects of the array member f, a copy of each (*n of them); the
 * first element that is no object ends it. */
static char **
get_objects(const struct cam_json_field *f, size_t *n)
{
	char *array = cam_json_field_dup(f), *item, **v = NULL;
	const char *cur = NULL;

	*n = 0;
	if (array == NULL)
		return NULL;
	while ((item = cam_json_elem(array, &cur)) != NULL) {
		if (item[0] != '{') {
			free(item);
			break;
		}
		v = cam_xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = item;
	}
	free(array);
	return v;
}

static void
objects_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
read_request(struct cam_custody *c, const struct cam_json_field *top)
{
	static const char *const keys[] = { "id", "sha256", "requester",
	    "unit", "purpose", "from", "to", "expires" };
	struct cam_json_field f[8];
	char *req = cam_json_field_dup(top);

	c->have_request = req != NULL && req[0] == '{';
	/* Lengths as the verifier has always read them: a longer id or
	 * hash is no match. */
	if (fields(req, keys, f, 8) == 0) {
		c->req_id = get_str(&f[0], 128);
		c->req_sha256 = get_str(&f[1], 65);
		c->requester = get_str(&f[2], 4096);
		c->unit = get_str(&f[3], 4096);
		c->purpose = get_str(&f[4], 4096);
	}
	c->from = get_time(&f[5]);
	c->to = get_time(&f[6]);
	c->expires = get_time(&f[7]);
	free(req);
}

static void
read_signers(struct cam_custody *c, char **v)
{
	static const char *const keys[] = { "subject", "sha256", "director",
	    "unit_head", "signed_at" };
	struct cam_json_field f[5];

	for (size_t i = 0; i < c->nsigners; i++) {
		struct cam_custody_signer *s = &c->signers[i];
		fields(v[i], keys, f, 5);
		s->subject = get_str(&f[0], 4096);
		s->sha256 = get_str(&f[1], 65);
		cam_json_field_bool(&f[2], &s->director);
		cam_json_field_bool(&f[3], &s->unit_head);
		s->signed_at = f[4].at != NULL ? get_time(&f[4]) : 0;
	}
}

static void
read_extraction(struct cam_custody *c, const struct cam_json_field *ext,
    const struct cam_json_field *rcp)
{
	static const char *const ekeys[] = { "by", "uid", "host", "at",
	    "site", "config_commit", "program", "as", "as_uid" };
	static const char *const rkeys[] = { "name", "unit", "encrypted" };
	struct cam_json_field f[9];
	char *o = cam_json_field_dup(ext);

	fields(o, ekeys, f, 9);
	c->by = get_str(&f[0], 4096);
	c->uid = get_uint(&f[1]);
	c->host = get_str(&f[2], 4096);
	c->at = get_time(&f[3]);
	c->site = get_str(&f[4], 4096);
	c->config_commit = get_str(&f[5], 4096);
	c->program = get_str(&f[6], 4096);
	c->as = get_str(&f[7], 4096);
	c->as_uid = c->as != NULL ? get_uint(&f[8]) : 0;
	free(o);
	o = cam_json_field_dup(rcp);
	fields(o, rkeys, f, 3);
	c->recipient = get_str(&f[0], 4096);
	c->recipient_unit = get_str(&f[1], 4096);
	cam_json_field_bool(&f[2], &c->encrypted);
	free(o);
}

static void
read_sources(struct cam_custody_clip *k, const struct cam_json_field *src,
    const struct cam_json_field *gaps)
{
	static const char *const skeys[] = { "file", "sha256", "bytes",
	    "start", "end", "host" };
	static const char *const gkeys[] = { "from", "to" };
	struct cam_json_field f[6];
	size_t ns, ng;
	char **sv = get_objects(src, &ns), **gv = get_objects(gaps, &ng);

	cam_custody_clip_alloc(k, ns, ng);
	for (size_t i = 0; i < ns; i++) {
		struct cam_custody_source *s = &k->sources[i];
		fields(sv[i], skeys, f, 6);
		s->file = get_str(&f[0], PATH_MAX);
		s->sha256 = get_str(&f[1], 65);
		if (cam_json_field_int(&f[2], &s->bytes) == -1)
			s->bytes = -1;
		s->start = get_time(&f[3]);
		s->end = get_time(&f[4]);
		s->host = get_str(&f[5], 254);
	}
	for (size_t i = 0; i < ng; i++) {
		fields(gv[i], gkeys, f, 2);
		k->gaps[i].from = get_time(&f[0]);
		k->gaps[i].to = get_time(&f[1]);
	}
	objects_free(sv, ns);
	objects_free(gv, ng);
}

static void
read_clip(struct cam_custody_clip *k, const char *json)
{
	static const char *const keys[] = { "file", "camera", "sha256",
	    "codec", "tag", "audio", "audio_left_out", "first", "last",
	    "duration", "hold", "sources", "gaps" };
	struct cam_json_field f[13];

	fields(json, keys, f, 13);
	k->file = get_str(&f[0], PATH_MAX);
	k->camera = get_str(&f[1], 64);
	k->sha256 = get_str(&f[2], 65);
	k->codec = get_str(&f[3], 32);
	k->tag = get_str(&f[4], 32);
	k->audio = get_str(&f[5], 32);
	k->audio_left_out = get_str(&f[6], 32);
	k->first = get_time(&f[7]);
	k->last = get_time(&f[8]);
	k->have_duration = cam_json_field_number(&f[9], &k->duration) == 0;
	k->hold = get_uint(&f[10]);
	read_sources(k, &f[11], &f[12]);
}

int
cam_custody_read(struct cam_custody *c, const char *text, size_t len,
    struct cam_err *e)
{
	static const char *const keys[] = { "request", "signers",
	    "extraction", "recipient", "clips" };
	struct cam_json_field f[5];
	char *json = cam_xstrndup(text, len), **signers, **clips;
	size_t ns, nc;

	memset(c, 0, sizeof(*c));
	if (strlen(json) != len || cam_json_check(json, len, e) == -1) {
		free(json);
		return cam_errf(e, CAM_NO, "custody.json is not valid JSON");
	}
	/* Valid JSON that is no object reads as an empty record. */
	fields(json, keys, f, 5);
	read_request(c, &f[0]);
	signers = get_objects(&f[1], &ns);
	clips = get_objects(&f[4], &nc);
	cam_custody_alloc(c, ns, nc);
	read_signers(c, signers);
	read_extraction(c, &f[2], &f[3]);
	for (size_t i = 0; i < nc; i++)
		read_clip(&c->clips[i], clips[i]);
	objects_free(signers, ns);
	objects_free(clips, nc);
	free(json);
	return 0;
}

/* ---- memory ---- */

/* n zeroed elements of size bytes (and one more, so never NULL). */
static void *
zalloc(size_t n, size_t size)
{
	void *p = cam_xmalloc((n + 1) * size);

	memset(p, 0, (n + 1) * size);
	return p;
}

void
cam_custody_alloc(struct cam_custody *c, size_t nsigners, size_t nclips)
{
	c->nsigners = nsigners;
	c->signers = zalloc(nsigners, sizeof(*c->signers));
	c->nclips = nclips;
	c->clips = zalloc(nclips, sizeof(*c->clips));
}

void
cam_custody_clip_alloc(struct cam_custody_clip *k, size_t nsources,
    size_t ngaps)
{
	k->nsources = nsources;
	k->sources = zalloc(nsources, sizeof(*k->sources));
	k->ngaps = ngaps;
	k->gaps = zalloc(ngaps, sizeof(*k->gaps));
}

static void
clip_free(struct cam_custody_clip *k)
{
	for (size_t i = 0; i < k->nsources; i++) {
		free(k->sources[i].file);
		free(k->sources[i].sha256);
		free(k->sources[i].host);
	}
	free(k->sources);
	free(k->gaps);
	free(k->file);
	free(k->camera);
	free(k->sha256);
	free(k->codec);
	free(k->tag);
	free(k->audio);
	free(k->audio_left_out);
}

void
cam_custody_free(struct cam_custody *c)
{
	for (size_t i = 0; i < c->nsigners; i++) {
		free(c->signers[i].subject);
		free(c->signers[i].sha256);
	}
	free(c->signers);
	for (size_t i = 0; i < c->nclips; i++)
		clip_free(&c->clips[i]);
	free(c->clips);
	free(c->req_id);
	free(c->req_sha256);
	free(c->requester);
	free(c->unit);
	free(c->purpose);
	free(c->by);
	free(c->as);
	free(c->host);
	free(c->site);
	free(c->config_commit);
	free(c->program);
	free(c->recipient);
	free(c->recipient_unit);
	memset(c, 0, sizeof(*c));
}
