/*
 * cam_remote_read: a host's data read back from the store (see
 * cam_remote.h): its hosts, its journals rebuilt from their chunks, its
 * footage objects, and the bytes of one object hashed as they come.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/cam_crypto.h"
#include "base/cam_json.h"
#include "journal/cam_journal.h"
#include "media/cam_remote.h"

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list_add(char ***v, size_t *n, const char *s, size_t len)
{
	*v = cam_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = cam_xstrndup(s, len);
}

void
cam_remote_list_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- hosts ---- */

struct hctx {
	size_t plen;		/* of the prefix listed */
	char ***v;
	size_t *n;
};

static int
hosts_cb(void *arg, const char *key, uint64_t size, int is_prefix)
{
	struct hctx *h = arg;
	const char *rest = key + h->plen;
	size_t len = strlen(rest);

	(void)size;
	if (!is_prefix || len < 2 || rest[len - 1] != '/')
		return 0;
	list_add(h->v, h->n, rest, len - 1);
	return 0;
}

int
cam_remote_hosts(struct cam_s3 *s, const char *bucket, const char *prefix,
    char ***hosts, size_t *n, struct cam_err *e)
{
	struct hctx h = { strlen(prefix), hosts, n };

	*hosts = NULL;
	*n = 0;
	if (cam_s3_list(s, bucket, prefix, "/", hosts_cb, &h, e) == -1) {
		cam_remote_list_free(*hosts, *n);
		*hosts = NULL;
		*n = 0;
		return -1;
	}
	if (*n > 1)
		qsort(*hosts, *n, sizeof(**hosts), str_cmp);
	return 0;
}

/* ---- journals ---- */

struct jctx {
	size_t plen;
	char ***v;
	size_t *n;
};

static int
journals_cb(void *arg, const char *key, uint64_t size, int is_prefix)
{
	struct jctx *j = arg;
	const char *rest = key + j->plen, *slash = strrchr(rest, '/');
	uint64_t a, b;

	(void)size;
	if (is_prefix || slash == NULL || slash == rest ||
	    cam_remote_chunk_parse(key, &a, &b) == -1)
		return 0;
	/* A journal's chunks come together in key order. */
	if (*j->n > 0 && strlen((*j->v)[*j->n - 1]) == (size_t)(slash - rest) &&
	    strncmp((*j->v)[*j->n - 1], rest, (size_t)(slash - rest)) == 0)
		return 0;
	list_add(j->v, j->n, rest, (size_t)(slash - rest));
	return 0;
}

int
cam_remote_journals(struct cam_s3 *s, const char *bucket,
    const char *prefix, const char *host, char ***names, size_t *n,
    struct cam_err *e)
{
	struct cam_buf p = CAM_BUF_INIT;
	struct jctx j = { 0, names, n };
	int rc;

	*names = NULL;
	*n = 0;
	cam_buf_addf(&p, "%s%s/journals/", prefix, host);
	j.plen = p.len;
	rc = cam_s3_list(s, bucket, cam_buf_str(&p), NULL, journals_cb, &j, e);
	cam_buf_free(&p);
	if (rc == -1) {
		cam_remote_list_free(*names, *n);
		*names = NULL;
		*n = 0;
		return -1;
	}
	/* Dedupe what the key order did not bring together. */
	if (*n > 1) {
		size_t k = 1;

		qsort(*names, *n, sizeof(**names), str_cmp);
		for (size_t i = 1; i < *n; i++) {
			if (strcmp((*names)[i], (*names)[k - 1]) == 0)
				free((*names)[i]);
			else
				(*names)[k++] = (*names)[i];
		}
		*n = k;
	}
	return 0;
}

struct chunk {
	uint64_t first, last;
	char *key;
};

struct cctx {
	size_t plen;
	struct chunk *v;
	size_t n;
};

static int
chunks_cb(void *arg, const char *key, uint64_t size, int is_prefix)
{
	struct cctx *c = arg;
	uint64_t a, b;

	(void)size;
	/* Only this journal's own chunks, not a deeper name's. */
	if (is_prefix || strchr(key + c->plen, '/') != NULL ||
	    cam_remote_chunk_parse(key, &a, &b) == -1)
		return 0;
	c->v = cam_xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->v[c->n].first = a;
	c->v[c->n].last = b;
	c->v[c->n].key = cam_xstrdup(key);
	c->n++;
	return 0;
}

static int
chunk_cmp(const void *a, const void *b)
{
	const struct chunk *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (x->last > y->last) - (x->last < y->last);
}

static void
sha256_hex(const void *p, size_t len, char hex[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	EVP_Digest(p, len, md, &mdlen, EVP_sha256(), NULL);
	cam_crypto_hex(md, 32, hex);
}

static int
write_all(int fd, const char *path, const void *p, size_t len,
    struct cam_err *e)
{
	const char *q = p;

	while (len > 0) {
		ssize_t k = write(fd, q, len);

		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			return cam_err_sys(e, "%s", path);
		q += k;
		len -= (size_t)k;
	}
	return 0;
}

/* A chunk that is there but not as it should be. */
enum { BAD_OVERLAP, BAD_NOMETA, BAD_HASH };
struct bad {
	int why;
	uint64_t first, last;
	char sha[65], meta[65];
};

static void
bad_add(struct bad **v, size_t *n, int why, const struct chunk *k,
    const char *sha, const char *meta)
{
	struct bad *b;

	*v = cam_xrealloc(*v, (*n + 1) * sizeof(**v));
	b = &(*v)[(*n)++];
	b->why = why;
	b->first = k->first;
	b->last = k->last;
	snprintf(b->sha, sizeof(b->sha), "%s", sha);
	snprintf(b->meta, sizeof(b->meta), "%s", meta);
}

int
cam_remote_journal_fetch(struct cam_s3 *s, const char *bucket,
    const char *prefix, const char *host, const char *name,
    const char *path, uint64_t *last, struct cam_err *e)
{
	struct cam_buf p = CAM_BUF_INIT, body = CAM_BUF_INIT;
	struct cam_buf missing = CAM_BUF_INIT;
	struct cctx c = { 0, NULL, 0 };
	struct bad *bad = NULL;
	size_t nbad = 0;
	struct cam_s3_obj obj;
	struct cam_err f;
	uint64_t next = 1;
	char sha[65];
	int fd = -1, rc = -1;

	*last = 0;
	cam_buf_addf(&p, "%s%s/journals/%s/", prefix, host, name);
	c.plen = p.len;
	if (cam_s3_list(s, bucket, cam_buf_str(&p), NULL, chunks_cb, &c,
	    e) == -1)
		goto end;
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), chunk_cmp);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0640)) == -1) {
		cam_err_sys(e, "%s", path);
		goto end;
	}
	/* Everything that is there is written, in order, so that the chain
	 * check tells where it breaks; what is absent or does not match
	 * its metadata is told at the end. */
	for (size_t i = 0; i < c.n; i++) {
		const struct chunk *k = &c.v[i];

		if (k->first > next)
			cam_buf_addf(&missing, "%s%" PRIu64 "-%" PRIu64,
			    missing.len ? ", " : "", next, k->first - 1);
		else if (k->first < next)
			bad_add(&bad, &nbad, BAD_OVERLAP, k, "", "");
		body.len = 0;
		memset(&obj, 0, sizeof(obj));
		int g = cam_s3_get_buf(s, bucket, k->key, NULL, &body, &obj, e);
		if (g == -1)
			goto end;
		if (g == 1) {	/* gone between the listing and the GET */
			cam_buf_addf(&missing, "%s%" PRIu64 "-%" PRIu64,
			    missing.len ? ", " : "", k->first, k->last);
			continue;
		}
		sha256_hex(body.s, body.len, sha);
		if (obj.sha256[0] == '\0')
			bad_add(&bad, &nbad, BAD_NOMETA, k, sha, "");
		else if (strcmp(sha, obj.sha256) != 0)
			bad_add(&bad, &nbad, BAD_HASH, k, sha, obj.sha256);
		if (body.len > 0 && write_all(fd, path, body.s, body.len,
		    e) == -1)
			goto end;
		if (k->last >= next)
			next = k->last + 1;
		*last = next - 1;
	}
	if (fsync(fd) == -1 && errno != EINVAL) {
		cam_err_sys(e, "%s", path);
		goto end;
	}
	/* One line a problem: each a check line of its own. */
	rc = 0;
	if (missing.len > 0)
		rc = cam_errf(e, CAM_NO, "%s: chunks missing from the store: "
		    "records %s", name, cam_buf_str(&missing));
	for (size_t i = 0; i < nbad; i++) {
		const struct bad *b = &bad[i];
		unsigned long long x = b->first, y = b->last;

		switch (b->why) {
		case BAD_OVERLAP:
			cam_errf(&f, CAM_NO, "%s: chunk %llu-%llu overlaps the "
			    "chunk before", name, x, y);
			break;
		case BAD_NOMETA:
			cam_errf(&f, CAM_NO, "%s: chunk %llu-%llu has no "
			    "x-amz-meta-sha256", name, x, y);
			break;
		default:
			cam_errf(&f, CAM_NO, "%s: chunk %llu-%llu has SHA-256 "
			    "%s, its metadata says %s", name, x, y, b->sha,
			    b->meta);
			break;
		}
		rc = cam_err_pair(e, CAM_NO, rc == -1, f.msg, f.text);
	}
end:
	if (fd != -1)
		close(fd);
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i].key);
	free(c.v);
	cam_buf_free(&p);
	cam_buf_free(&body);
	cam_buf_free(&missing);
	free(bad);
	return rc;
}

/* ---- footage ---- */

struct fctx {
	size_t plen;
	cam_remote_footage_fn fn;
	void *arg;
};

static int
footage_cb(void *arg, const char *key, uint64_t size, int is_prefix)
{
	struct fctx *f = arg;

	if (is_prefix)
		return 0;
	return f->fn(f->arg, key + f->plen, size);
}

int
cam_remote_footage(struct cam_s3 *s, const char *bucket, const char *prefix,
    const char *host, const char *camera, cam_remote_footage_fn fn,
    void *arg, struct cam_err *e)
{
	struct cam_buf p = CAM_BUF_INIT;
	struct fctx f = { 0, fn, arg };
	int rc;

	cam_buf_addf(&p, "%s%s/", prefix, host);
	f.plen = p.len;
	cam_buf_addf(&p, "%s/", camera);
	rc = cam_s3_list(s, bucket, cam_buf_str(&p), NULL, footage_cb, &f, e);
	cam_buf_free(&p);
	return rc;
}

int
cam_remote_footage_hash(struct cam_s3 *s, const char *bucket,
    const char *prefix, const char *host, const char *file,
    const char *tmp, char sha[65], uint64_t *size, struct cam_err *e)
{
	struct cam_buf key = CAM_BUF_INIT;
	int rc;

	cam_remote_key_footage(&key, prefix, host, file);
	rc = cam_s3_get_file(s, bucket, cam_buf_str(&key), NULL, tmp, NULL,
	    e);
	cam_buf_free(&key);
	if (rc == 0 && cam_crypto_sha256_file(tmp, sha, size, e) == -1)
		rc = -1;
	(void)unlink(tmp);
	return rc;
}

/* ---- a connection with another credential ---- */

/* A closed volume's name as a "volume" record gives it: the journal's
 * own file name with a suffix, nothing that leaves the directory. */
static int
volume_name_ok(const char *base, const char *name)
{
	size_t n = strlen(base);

	return strncmp(name, base, n) == 0 && name[n] == '.' &&
	    name[n + 1] != '\0' && strchr(name, '/') == NULL &&
	    strcmp(name + n, ".part") != 0;
}

/* A line's TIME and, for a "volume" record, the closed volume it names
 * (prev[0] stays '\0' otherwise); a line that does not parse gives
 * neither. */
static void
line_fields(const char *line, size_t len, time_t *t, char *prev,
    size_t plen)
{
	struct cam_journal_rec r;
	char why[128], *copy;

	prev[0] = '\0';
	if (len == 0 || line[len - 1] != '\n')
		return;
	copy = cam_xmalloc(len + 1);
	memcpy(copy, line, len + 1);
	if (cam_journal_parse_line(copy, len - 1, &r, why, sizeof(why)) == 0) {
		*t = r.time;
		if (strcmp(r.kind, CAM_JOURNAL_VOLUME_KIND) == 0 &&
		    cam_json_get_str(r.data, "previous", prev, plen) == -1)
			prev[0] = '\0';
	}
	free(copy);
}

int
cam_remote_journal_split(const char *path, time_t *newest, struct cam_err *e)
{
	char dir[PATH_MAX], part[PATH_MAX], vol[PATH_MAX], prev[NAME_MAX + 1];
	const char *base;
	char *line = NULL, *slash;
	size_t cap = 0;
	uint64_t lineno = 0;
	ssize_t len;
	FILE *in, *out = NULL;
	int rc = -1;

	if (newest != NULL)
		*newest = 0;
	if (cam_path(dir, sizeof(dir), e, "%s", path) == -1 ||
	    cam_path(part, sizeof(part), e, "%s.part", path) == -1)
		return -1;
	if ((slash = strrchr(dir, '/')) == NULL)
		return cam_errf(e, CAM_USAGE, "%s: not a path", path);
	*slash = '\0';
	base = slash + 1;
	if ((in = fopen(path, "re")) == NULL)
		return cam_err_sys(e, "%s", path);
	if ((out = fopen(part, "we")) == NULL) {
		cam_err_sys(e, "%s", part);
		goto end;
	}
	while ((len = getline(&line, &cap, in)) > 0) {
		time_t t = 0;

		lineno++;
		line_fields(line, (size_t)len, &t, prev, sizeof(prev));
		if (newest != NULL && t > 0)
			*newest = t;
		/* A record that does not name a volume of this journal
		 * stays in: the chain check tells what is wrong with it. */
		if (prev[0] != '\0' && lineno > 1 &&
		    volume_name_ok(base, prev)) {
			if (fclose(out) != 0) {
				out = NULL;
				cam_err_sys(e, "%s", part);
				goto end;
			}
			out = NULL;
			if (cam_path(vol, sizeof(vol), e, "%s/%s", dir,
			    prev) == -1)
				goto end;
			if (access(vol, F_OK) == 0) {
				cam_errf(e, CAM_NO, "%s, line %" PRIu64 ": "
				    "volume %s named twice", path, lineno,
				    prev);
				goto end;
			}
			if (rename(part, vol) == -1) {
				cam_err_sys(e, "%s", vol);
				goto end;
			}
			if ((out = fopen(part, "we")) == NULL) {
				cam_err_sys(e, "%s", part);
				goto end;
			}
		}
		if (fwrite(line, 1, (size_t)len, out) != (size_t)len) {
			cam_err_sys(e, "%s", part);
			goto end;
		}
	}
	if (ferror(in)) {
		cam_err_sys(e, "%s", path);
		goto end;
	}
	if (fclose(out) != 0) {
		out = NULL;
		cam_err_sys(e, "%s", part);
		goto end;
	}
	out = NULL;
	if (rename(part, path) == -1) {
		cam_err_sys(e, "%s", path);
		goto end;
	}
	rc = 0;
end:
	if (out != NULL)
		fclose(out);
	fclose(in);
	free(line);
	return rc;
}
