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
#include "media/cam_remote.h"
#include "site/cam_secret.h"

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

int
cam_remote_journal_fetch(struct cam_s3 *s, const char *bucket,
    const char *prefix, const char *host, const char *name,
    const char *path, uint64_t *last, struct cam_err *e)
{
	struct cam_buf p = CAM_BUF_INIT, body = CAM_BUF_INIT;
	struct cam_buf missing = CAM_BUF_INIT, bad = CAM_BUF_INIT;
	struct cctx c = { 0, NULL, 0 };
	struct cam_s3_obj obj;
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
			cam_buf_addf(&bad, "%s%" PRIu64 "-%" PRIu64 " overlaps "
			    "the chunk before", bad.len ? "; " : "",
			    k->first, k->last);
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
			cam_buf_addf(&bad, "%s%" PRIu64 "-%" PRIu64 " has no "
			    "x-amz-meta-sha256", bad.len ? "; " : "",
			    k->first, k->last);
		else if (strcmp(sha, obj.sha256) != 0)
			cam_buf_addf(&bad, "%s%" PRIu64 "-%" PRIu64 " has "
			    "SHA-256 %s, its metadata says %s",
			    bad.len ? "; " : "", k->first, k->last, sha,
			    obj.sha256);
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
	if (missing.len > 0 && bad.len > 0)
		rc = cam_errf(e, CAM_NO, "%s: chunks missing from the store: "
		    "records %s; chunks %s", name, cam_buf_str(&missing),
		    cam_buf_str(&bad));
	else if (missing.len > 0)
		rc = cam_errf(e, CAM_NO, "%s: chunks missing from the store: "
		    "records %s", name, cam_buf_str(&missing));
	else if (bad.len > 0)
		rc = cam_errf(e, CAM_NO, "%s: chunks %s", name,
		    cam_buf_str(&bad));
	else
		rc = 0;
end:
	if (fd != -1)
		close(fd);
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i].key);
	free(c.v);
	cam_buf_free(&p);
	cam_buf_free(&body);
	cam_buf_free(&missing);
	cam_buf_free(&bad);
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

int
cam_remote_open_with(struct cam_s3 **s, const struct cam_config *cfg,
    const char *credfile, struct cam_err *e)
{
	const struct cam_replication *r = &cfg->repl;
	struct cam_s3_conf c;
	char *user = NULL, *pass = NULL;
	int rc;

	*s = NULL;
	if (r->endpoint == NULL)
		return cam_errf(e, CAM_USAGE, "no replication: section in "
		    "camkit.yaml: the store's endpoint is not known");
	if (cam_secret_read_file(credfile, &user, &pass, e) == -1)
		return -1;
	memset(&c, 0, sizeof(c));
	c.endpoint = r->endpoint;
	c.region = r->region;
	c.access = user;
	c.secret = pass;
	c.ca_file = r->ca_file;
	rc = cam_s3_open(s, &c, e);
	cam_secret_free(&user);
	cam_secret_free(&pass);
	return rc;
}
