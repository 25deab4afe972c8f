/*
 * cam_s3: S3 requests through libcurl, signed by libcurl (AWS SigV4),
 * listings and error documents read with libxml2.  See cam_s3.h.
 *
 * libcurl signs the path and the query exactly as they are in the URL,
 * so both are written here in SigV4's canonical form: every byte but
 * A-Z a-z 0-9 - . _ ~ (and '/' in the path) percent-encoded, the query's
 * parameters sorted by name, each as NAME=VALUE even when VALUE is
 * empty.  x-amz-content-sha256 is always given (the body's hash, or the
 * empty string's), so the payload is signed and the service checks it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

#include "base/cam_s3.h"

#define EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ERR_BODY_MAX	65536	/* an error document kept for its Code */
#define LIST_BODY_MAX	(16u << 20)

struct cam_s3 {
	CURL *curl;
	char *endpoint;
	char *region;
	char *userpwd;		/* "ACCESS:SECRET", wiped */
	char *ca_file;
	uint64_t max_rate;
	long timeout;
};

/* One request: what goes out and what comes back. */
struct req {
	const char *method;	/* GET PUT HEAD DELETE */
	const char *bucket;
	const char *key;	/* NULL: the bucket itself */
	const char *query;	/* canonical query (no '?'), or NULL */
	struct curl_slist *hdrs;
	/* body out: a file range or a buffer */
	int fd;
	uint64_t off, len, sent;
	const unsigned char *buf;
	/* body in: into a file (out_fd >= 0, on 2xx) or a buffer */
	int out_fd;
	struct cam_buf *out;
	size_t out_max;
	int out_err;		/* writing out_fd failed: errno */
	struct cam_buf err;	/* the body of a non-2xx answer */
	long status;
	struct cam_s3_obj *obj;
	struct cam_s3_obj scratch;
};

int
cam_s3_open(struct cam_s3 **sp, const struct cam_s3_conf *c,
    struct cam_err *e)
{
	struct cam_s3 *s;
	struct cam_buf up = CAM_BUF_INIT;

	*sp = NULL;
	if (c->endpoint == NULL || (strncmp(c->endpoint, "http://", 7) != 0 &&
	    strncmp(c->endpoint, "https://", 8) != 0))
		return cam_errf(e, CAM_USAGE, "the S3 endpoint must be an "
		    "http:// or https:// URL");
	if (c->access == NULL || c->secret == NULL || c->access[0] == '\0' ||
	    strchr(c->access, ':') != NULL)
		return cam_errf(e, CAM_USAGE, "the S3 credentials need an "
		    "access key id (without \":\") and a secret key");
	s = cam_xmalloc(sizeof(*s));
	memset(s, 0, sizeof(*s));
	if ((s->curl = curl_easy_init()) == NULL) {
		free(s);
		return cam_errf(e, CAM_ENV, "libcurl could not start");
	}
	s->endpoint = cam_xstrdup(c->endpoint);
	size_t n = strlen(s->endpoint);
	while (n > 0 && s->endpoint[n - 1] == '/')
		s->endpoint[--n] = '\0';
	s->region = cam_xstrdup(c->region != NULL ? c->region : "us-east-1");
	cam_buf_adds(&up, c->access);
	cam_buf_adds(&up, ":");
	cam_buf_adds(&up, c->secret);
	s->userpwd = cam_xstrdup(cam_buf_str(&up));
	cam_buf_free(&up);
	s->ca_file = c->ca_file != NULL ? cam_xstrdup(c->ca_file) : NULL;
	s->max_rate = c->max_rate;
	s->timeout = c->timeout > 0 ? c->timeout : 60;
	*sp = s;
	return 0;
}

void
cam_s3_close(struct cam_s3 **sp)
{
	struct cam_s3 *s = *sp;

	if (s == NULL)
		return;
	curl_easy_cleanup(s->curl);
	free(s->endpoint);
	free(s->region);
	explicit_bzero(s->userpwd, strlen(s->userpwd));
	free(s->userpwd);
	free(s->ca_file);
	free(s);
	*sp = NULL;
}

/* SigV4's URI encoding of s onto b; '/' kept if slash. */
static void
uri_encode(struct cam_buf *b, const char *s, int slash)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		/* ASCII alone: isalnum() in an 8-bit locale (vi_VN.TCVN)
		 * would take bytes of UTF-8 for letters. */
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' ||
		    *p == '~' || (slash && *p == '/')) {
			char ch = (char)*p;
			cam_buf_add(b, &ch, 1);
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			cam_buf_add(b, esc, 3);
		}
	}
}

/* One query parameter, in canonical form, after those before it (which
 * the caller gives in order of name). */
static void
query_add(struct cam_buf *q, const char *name, const char *value)
{
	if (q->len > 0)
		cam_buf_adds(q, "&");
	uri_encode(q, name, 0);
	cam_buf_adds(q, "=");
	if (value != NULL)
		uri_encode(q, value, 0);
}

/* "METHOD bucket/key" for messages. */
static void
what(struct cam_buf *b, const struct req *r)
{
	cam_buf_addf(b, "%s %s%s%s", r->method, r->bucket,
	    r->key != NULL ? "/" : "", r->key != NULL ? r->key : "");
}

static size_t
read_body(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct req *r = arg;
	size_t want = size * nmemb;

	if (want > r->len - r->sent)
		want = (size_t)(r->len - r->sent);
	if (want == 0)
		return 0;
	if (r->buf != NULL) {
		memcpy(dst, r->buf + r->sent, want);
		r->sent += want;
		return want;
	}
	ssize_t got = pread(r->fd, dst, want, (off_t)(r->off + r->sent));
	if (got <= 0) {
		r->out_err = got == 0 ? EIO : errno;
		return CURL_READFUNC_ABORT;
	}
	r->sent += (uint64_t)got;
	return (size_t)got;
}

/* Rewind for a retried or redirected send. */
static int
seek_body(void *arg, curl_off_t offset, int origin)
{
	struct req *r = arg;

	if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > r->len)
		return CURL_SEEKFUNC_CANTSEEK;
	r->sent = (uint64_t)offset;
	return CURL_SEEKFUNC_OK;
}

static size_t
write_body(char *src, size_t size, size_t nmemb, void *arg)
{
	struct req *r = arg;
	size_t n = size * nmemb;

	if (r->status / 100 != 2) {
		if (r->err.len + n <= ERR_BODY_MAX)
			cam_buf_add(&r->err, src, n);
		return n;
	}
	if (r->out_fd >= 0) {
		size_t done = 0;
		while (done < n) {
			ssize_t w = write(r->out_fd, src + done, n - done);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				r->out_err = errno;
				return 0;
			}
			done += (size_t)w;
		}
		return n;
	}
	if (r->out != NULL) {
		if (r->out->len + n > r->out_max) {
			r->out_err = EFBIG;
			return 0;
		}
		cam_buf_add(r->out, src, n);
	}
	return n;
}

static void
copy_value(char *dst, size_t len, const char *v, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/* "2026-12-07T05:00:00Z" or with fractions of a second: UTC seconds. */
static time_t
iso_time(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return 0;
	return timegm(&tm);
}

static size_t
header_line(char *line, size_t size, size_t nmemb, void *arg)
{
	struct req *r = arg;
	size_t n = size * nmemb, k;
	struct cam_s3_obj *o = r->obj;

	if (n > 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* A new answer (after 100 Continue or a redirect). */
		const char *sp = memchr(line, ' ', n);
		r->status = sp != NULL ? strtol(sp + 1, NULL, 10) : 0;
		return n;
	}
	const char *colon = memchr(line, ':', n);
	if (colon == NULL)
		return n;
	k = (size_t)(colon - line);
	const char *v = colon + 1;
	size_t vn = n - k - 1;
	while (vn > 0 && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn > 0 && (v[vn - 1] == '\r' || v[vn - 1] == '\n' ||
	    v[vn - 1] == ' '))
		vn--;
	char val[512];
	copy_value(val, sizeof(val), v, vn);
#define IS(name) (k == sizeof(name) - 1 && strncasecmp(line, name, k) == 0)
	if (IS("content-length"))
		o->size = strtoull(val, NULL, 10);
	else if (IS("x-amz-meta-sha256"))
		copy_value(o->sha256, sizeof(o->sha256), val, strlen(val));
	else if (IS("x-amz-version-id"))
		copy_value(o->version, sizeof(o->version), val, strlen(val));
	else if (IS("etag"))
		copy_value(o->etag, sizeof(o->etag), val, strlen(val));
	else if (IS("x-amz-object-lock-mode"))
		copy_value(o->lock_mode, sizeof(o->lock_mode), val,
		    strlen(val));
	else if (IS("x-amz-object-lock-retain-until-date"))
		o->lock_until = iso_time(val);
	else if (IS("x-amz-object-lock-legal-hold"))
		o->legal_hold = strcasecmp(val, "ON") == 0;
	else if (IS("last-modified"))
		o->modified = curl_getdate(val, NULL);
#undef IS
	return n;
}

/* The text of the first element named name under node (any depth), or
 * NULL; free with xmlFree. */
static xmlChar *
xml_find(xmlNode *node, const char *name)
{
	for (xmlNode *n = node; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, name) == 0)
			return xmlNodeGetContent(n);
		xmlChar *c = xml_find(n->children, name);
		if (c != NULL)
			return c;
	}
	return NULL;
}

static xmlDoc *
xml_read(const struct cam_buf *b)
{
	if (b->len == 0 || b->len > INT32_MAX)
		return NULL;
	return xmlReadMemory(b->s, (int)b->len, "s3.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* The failure of r as an error: the service's Code and Message. */
static int
answer_err(struct cam_s3 *s, struct req *r, struct cam_err *e)
{
	struct cam_buf w = CAM_BUF_INIT;
	xmlDoc *doc = xml_read(&r->err);
	xmlChar *code = NULL, *msg = NULL;
	int rc;

	what(&w, r);
	if (doc != NULL) {
		code = xml_find(xmlDocGetRootElement(doc), "Code");
		msg = xml_find(xmlDocGetRootElement(doc), "Message");
	}
	/* A clock that is off is the recorder's, mended in time: worth
	 * trying again, like a service that is down. */
	int later = r->status >= 500 || (code != NULL &&
	    strcmp((const char *)code, "RequestTimeTooSkewed") == 0);
	rc = cam_errf(e, later ? CAM_ENV : CAM_NO,
	    "%s at %s: the store answered %ld %s%s%s", cam_buf_str(&w),
	    s->endpoint, r->status,
	    code != NULL ? (const char *)code : r->status == 404 ?
	    "NoSuchKey" : r->status == 403 ? "AccessDenied" : "",
	    msg != NULL && msg[0] ? ": " : "",
	    msg != NULL ? (const char *)msg : "");
	xmlFree(code);
	xmlFree(msg);
	xmlFreeDoc(doc);
	cam_buf_free(&w);
	return rc;
}

/* Run r: 0 on 2xx, 1 on 404 (no body kept), -1 otherwise. */
static int
perform(struct cam_s3 *s, struct req *r, struct cam_err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "", sigv4[128];
	struct cam_buf url = CAM_BUF_INIT, w = CAM_BUF_INIT;
	CURL *c = s->curl;
	CURLcode cc;
	int ret;

	if (r->obj == NULL)
		r->obj = &r->scratch;
	memset(r->obj, 0, sizeof(*r->obj));
	cam_buf_adds(&url, s->endpoint);
	cam_buf_adds(&url, "/");
	uri_encode(&url, r->bucket, 0);
	if (r->key != NULL) {
		cam_buf_adds(&url, "/");
		uri_encode(&url, r->key, 1);
	}
	if (r->query != NULL && r->query[0] != '\0') {
		cam_buf_adds(&url, "?");
		cam_buf_adds(&url, r->query);
	}
	snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:s3", s->region);

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, cam_buf_str(&url));
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4);
	curl_easy_setopt(c, CURLOPT_USERPWD, s->userpwd);
	if (s->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, s->timeout);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->hdrs);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_line);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	if (strcmp(r->method, "PUT") == 0) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
		curl_easy_setopt(c, CURLOPT_READDATA, r);
		curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, seek_body);
		curl_easy_setopt(c, CURLOPT_SEEKDATA, r);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)r->len);
		if (s->max_rate > 0)
			curl_easy_setopt(c, CURLOPT_MAX_SEND_SPEED_LARGE,
			    (curl_off_t)s->max_rate);
	} else if (strcmp(r->method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (strcmp(r->method, "DELETE") == 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
	}
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	what(&w, r);
	if (r->out_err != 0 && (cc == CURLE_WRITE_ERROR ||
	    cc == CURLE_ABORTED_BY_CALLBACK || cc == CURLE_READ_ERROR)) {
		ret = r->out_err == EFBIG ? cam_errf(e, CAM_NO, "%s at %s: "
		    "the answer is too long", cam_buf_str(&w), s->endpoint) :
		    cam_errf(e, CAM_ENV, "%s at %s: %s", cam_buf_str(&w),
		    s->endpoint, strerror(r->out_err));
	} else if (cc != CURLE_OK) {
		ret = cam_errf(e, CAM_ENV, "%s at %s: %s", cam_buf_str(&w),
		    s->endpoint, errbuf[0] ? errbuf : curl_easy_strerror(cc));
	} else if (r->status / 100 == 2) {
		ret = 0;
	} else if (r->status == 404 && r->key != NULL) {
		ret = 1;
	} else {
		ret = answer_err(s, r, e);
	}
	cam_buf_free(&r->err);
	cam_buf_free(&url);
	cam_buf_free(&w);
	return ret;
}

static struct curl_slist *
hdr(struct curl_slist *l, const char *name, const char *value)
{
	struct cam_buf b = CAM_BUF_INIT;

	cam_buf_addf(&b, "%s: %s", name, value);
	l = curl_slist_append(l, cam_buf_str(&b));
	cam_buf_free(&b);
	return l;
}

static int
sha_ok(const char *hex)
{
	return hex != NULL && strlen(hex) == 64 &&
	    strspn(hex, "0123456789abcdef") == 64;
}

static void
iso_format(char *out, size_t len, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The headers of an upload described by p. */
static int
put_headers(struct req *r, const struct cam_s3_put *p, struct cam_err *e)
{
	if (!sha_ok(p->sha256))
		return cam_errf(e, CAM_USAGE, "an upload needs the SHA-256 "
		    "of its body in lower-case hex");
	r->hdrs = hdr(r->hdrs, "x-amz-content-sha256", p->sha256);
	r->hdrs = hdr(r->hdrs, "x-amz-meta-sha256", p->sha256);
	/* The same hash as S3's own checksum: a service that knows it
	 * checks it too, and AWS wants one on an upload with a lock. */
	unsigned char raw[32];
	char b64[48];
	for (int i = 0; i < 32; i++) {
		unsigned v = 0;
		sscanf(p->sha256 + 2 * i, "%2x", &v);
		raw[i] = (unsigned char)v;
	}
	EVP_EncodeBlock((unsigned char *)b64, raw, 32);
	r->hdrs = hdr(r->hdrs, "x-amz-checksum-sha256", b64);
	r->hdrs = hdr(r->hdrs, "Content-Type", p->content_type != NULL ?
	    p->content_type : "application/octet-stream");
	if (p->lock_mode != NULL) {
		char until[32];
		iso_format(until, sizeof(until), p->lock_until);
		r->hdrs = hdr(r->hdrs, "x-amz-object-lock-mode", p->lock_mode);
		r->hdrs = hdr(r->hdrs, "x-amz-object-lock-retain-until-date",
		    until);
	}
	if (p->legal_hold)
		r->hdrs = hdr(r->hdrs, "x-amz-object-lock-legal-hold", "ON");
	for (size_t i = 0; p->meta != NULL && p->meta[i] != NULL &&
	    p->meta[i + 1] != NULL; i += 2) {
		struct cam_buf n = CAM_BUF_INIT;
		cam_buf_addf(&n, "x-amz-meta-%s", p->meta[i]);
		r->hdrs = hdr(r->hdrs, cam_buf_str(&n), p->meta[i + 1]);
		cam_buf_free(&n);
	}
	return 0;
}

static int
put(struct cam_s3 *s, struct req *r, const struct cam_s3_put *p,
    struct cam_s3_obj *out, struct cam_err *e)
{
	int rc;

	r->method = "PUT";
	r->out_fd = -1;
	r->obj = out;
	if (put_headers(r, p, e) == -1) {
		curl_slist_free_all(r->hdrs);
		return -1;
	}
	rc = perform(s, r, e);
	curl_slist_free_all(r->hdrs);
	if (rc == 1) {
		struct cam_buf w = CAM_BUF_INIT;
		what(&w, r);
		rc = cam_errf(e, CAM_NO, "%s at %s: the store answered 404 "
		    "NoSuchBucket", cam_buf_str(&w), s->endpoint);
		cam_buf_free(&w);
	}
	if (rc == 0 && out != NULL) {
		/* The answer's Content-Length is its own (0), not the
		 * object's: the object is the body sent, whose SHA-256 the
		 * store checked. */
		out->size = r->len;
		copy_value(out->sha256, sizeof(out->sha256), p->sha256,
		    strlen(p->sha256));
	}
	return rc;
}

int
cam_s3_put_file(struct cam_s3 *s, const char *bucket, const char *key,
    const char *path, uint64_t off, uint64_t len, const struct cam_s3_put *p,
    struct cam_s3_obj *out, struct cam_err *e)
{
	struct req r;
	struct stat st;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((r.fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cam_err_sys(e, "%s", path);
	if (fstat(r.fd, &st) == -1 || (uint64_t)st.st_size < off ||
	    (uint64_t)st.st_size - off < len) {
		close(r.fd);
		return cam_errf(e, CAM_NO, "%s: shorter than the %" PRIu64
		    " bytes to send from offset %" PRIu64, path, len, off);
	}
	r.bucket = bucket;
	r.key = key;
	r.off = off;
	r.len = len;
	rc = put(s, &r, p, out, e);
	close(r.fd);
	return rc;
}

int
cam_s3_put_buf(struct cam_s3 *s, const char *bucket, const char *key,
    const void *buf, size_t len, const struct cam_s3_put *p,
    struct cam_s3_obj *out, struct cam_err *e)
{
	struct req r;

	memset(&r, 0, sizeof(r));
	r.fd = -1;
	r.bucket = bucket;
	r.key = key;
	r.buf = buf != NULL ? buf : (const unsigned char *)"";
	r.len = len;
	return put(s, &r, p, out, e);
}

/* A request without a body of its own: HEAD, GET, DELETE. */
static int
simple(struct cam_s3 *s, struct req *r, const char *version,
    struct cam_err *e)
{
	struct cam_buf q = CAM_BUF_INIT;
	int rc;

	if (version != NULL && version[0] != '\0' && r->query == NULL) {
		query_add(&q, "versionId", version);
		r->query = cam_buf_str(&q);
	}
	r->fd = -1;
	r->hdrs = hdr(r->hdrs, "x-amz-content-sha256", EMPTY_SHA256);
	rc = perform(s, r, e);
	curl_slist_free_all(r->hdrs);
	cam_buf_free(&q);
	return rc;
}

int
cam_s3_head(struct cam_s3 *s, const char *bucket, const char *key,
    const char *version, struct cam_s3_obj *out, struct cam_err *e)
{
	struct req r;

	memset(&r, 0, sizeof(r));
	r.method = "HEAD";
	r.bucket = bucket;
	r.key = key;
	r.out_fd = -1;
	r.obj = out;
	return simple(s, &r, version, e);
}

int
cam_s3_get_file(struct cam_s3 *s, const char *bucket, const char *key,
    const char *version, const char *path, struct cam_s3_obj *obj,
    struct cam_err *e)
{
	struct req r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.bucket = bucket;
	r.key = key;
	r.obj = obj;
	if ((r.out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0640)) == -1)
		return cam_err_sys(e, "%s", path);
	rc = simple(s, &r, version, e);
	if (close(r.out_fd) == -1 && rc == 0)
		rc = cam_err_sys(e, "%s", path);
	return rc;
}

int
cam_s3_get_buf(struct cam_s3 *s, const char *bucket, const char *key,
    const char *version, struct cam_buf *out, struct cam_s3_obj *obj,
    struct cam_err *e)
{
	struct req r;

	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.bucket = bucket;
	r.key = key;
	r.obj = obj;
	r.out_fd = -1;
	r.out = out;
	r.out_max = SIZE_MAX;
	return simple(s, &r, version, e);
}

/* One page of ListObjectsV2 into fn; *token gets the next page's token
 * (NULL: the last page). */
static int
list_page(const struct cam_buf *body, cam_s3_list_fn fn, void *arg,
    char **token, int *stop)
{
	xmlDoc *doc = xml_read(body);
	xmlNode *root;
	int truncated = 0;

	*token = NULL;
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL) {
		xmlFreeDoc(doc);
		return -1;
	}
	for (xmlNode *n = root->children; n != NULL && *stop == 0;
	    n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		if (strcmp(name, "Contents") == 0) {
			xmlChar *k = xml_find(n->children, "Key");
			xmlChar *z = xml_find(n->children, "Size");
			if (k != NULL)
				*stop = fn(arg, (const char *)k, z != NULL ?
				    strtoull((const char *)z, NULL, 10) : 0, 0);
			xmlFree(k);
			xmlFree(z);
		} else if (strcmp(name, "CommonPrefixes") == 0) {
			xmlChar *p = xml_find(n->children, "Prefix");
			if (p != NULL)
				*stop = fn(arg, (const char *)p, 0, 1);
			xmlFree(p);
		} else if (strcmp(name, "IsTruncated") == 0) {
			xmlChar *t = xmlNodeGetContent(n);
			truncated = t != NULL && strcmp((const char *)t,
			    "true") == 0;
			xmlFree(t);
		} else if (strcmp(name, "NextContinuationToken") == 0) {
			xmlChar *t = xmlNodeGetContent(n);
			free(*token);
			*token = t != NULL ? cam_xstrdup((const char *)t) :
			    NULL;
			xmlFree(t);
		}
	}
	xmlFreeDoc(doc);
	if (!truncated) {
		free(*token);
		*token = NULL;
	}
	return 0;
}

int
cam_s3_list(struct cam_s3 *s, const char *bucket, const char *prefix,
    const char *delimiter, cam_s3_list_fn fn, void *arg, struct cam_err *e)
{
	char *token = NULL;
	int stop = 0, rc = 0, pages = 0;

	do {
		struct cam_buf q = CAM_BUF_INIT, body = CAM_BUF_INIT;
		struct req r;
		char *next = NULL;

		/* In order of name, as SigV4 wants them. */
		if (token != NULL)
			query_add(&q, "continuation-token", token);
		if (delimiter != NULL)
			query_add(&q, "delimiter", delimiter);
		query_add(&q, "list-type", "2");
		if (prefix != NULL && prefix[0] != '\0')
			query_add(&q, "prefix", prefix);
		memset(&r, 0, sizeof(r));
		r.method = "GET";
		r.bucket = bucket;
		r.query = cam_buf_str(&q);
		r.out_fd = -1;
		r.out = &body;
		r.out_max = LIST_BODY_MAX;
		rc = simple(s, &r, NULL, e);
		if (rc == 0 && list_page(&body, fn, arg, &next, &stop) == -1)
			rc = cam_errf(e, CAM_NO, "listing %s at %s: the store's "
			    "answer is not a ListObjectsV2 document", bucket,
			    s->endpoint);
		cam_buf_free(&q);
		cam_buf_free(&body);
		free(token);
		token = next;
		if (rc != 0)
			break;
		if (token != NULL && ++pages > 1000000) {
			rc = cam_errf(e, CAM_NO, "listing %s at %s: the store "
			    "keeps saying there is more", bucket, s->endpoint);
			break;
		}
	} while (token != NULL && stop == 0);
	free(token);
	if (rc != 0)
		return -1;
	return stop;
}

int
cam_s3_delete(struct cam_s3 *s, const char *bucket, const char *key,
    const char *version, struct cam_err *e)
{
	struct req r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.method = "DELETE";
	r.bucket = bucket;
	r.key = key;
	r.out_fd = -1;
	rc = simple(s, &r, version, e);
	return rc == 1 ? 0 : rc;
}

/* PUT a small XML document to a sub-resource (legal-hold). */
static int
put_xml(struct cam_s3 *s, const char *bucket, const char *key,
    const char *query, const char *xml, struct cam_err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char md5_b64[64], hex[65];
	unsigned int mdlen = 0;
	struct req r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.method = "PUT";
	r.bucket = bucket;
	r.key = key;
	r.query = query;
	r.fd = -1;
	r.out_fd = -1;
	r.buf = (const unsigned char *)xml;
	r.len = strlen(xml);
	/* Content-MD5: the services require it on these requests. */
	EVP_Digest(xml, r.len, md, &mdlen, EVP_md5(), NULL);
	EVP_EncodeBlock((unsigned char *)md5_b64, md, (int)mdlen);
	EVP_Digest(xml, r.len, md, &mdlen, EVP_sha256(), NULL);
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	r.hdrs = hdr(r.hdrs, "x-amz-content-sha256", hex);
	r.hdrs = hdr(r.hdrs, "Content-MD5", md5_b64);
	r.hdrs = hdr(r.hdrs, "Content-Type", "application/xml");
	rc = perform(s, &r, e);
	curl_slist_free_all(r.hdrs);
	if (rc == 1) {
		struct cam_buf w = CAM_BUF_INIT;
		what(&w, &r);
		rc = cam_errf(e, CAM_NO, "%s at %s: the store answered 404 "
		    "NoSuchKey", cam_buf_str(&w), s->endpoint);
		cam_buf_free(&w);
	}
	return rc;
}

int
cam_s3_legal_hold(struct cam_s3 *s, const char *bucket, const char *key,
    const char *version, int on, struct cam_err *e)
{
	struct cam_buf q = CAM_BUF_INIT;
	int rc;

	query_add(&q, "legal-hold", NULL);
	if (version != NULL && version[0] != '\0')
		query_add(&q, "versionId", version);
	rc = put_xml(s, bucket, key, cam_buf_str(&q), on ?
	    "<LegalHold xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
	    "<Status>ON</Status></LegalHold>" :
	    "<LegalHold xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
	    "<Status>OFF</Status></LegalHold>", e);
	cam_buf_free(&q);
	return rc;
}

int
cam_s3_bucket_create(struct cam_s3 *s, const char *bucket, int lock,
    struct cam_err *e)
{
	struct req r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.method = "PUT";
	r.bucket = bucket;
	r.fd = -1;
	r.out_fd = -1;
	r.buf = (const unsigned char *)"";
	r.hdrs = hdr(r.hdrs, "x-amz-content-sha256", EMPTY_SHA256);
	if (lock)
		r.hdrs = hdr(r.hdrs, "x-amz-bucket-object-lock-enabled",
		    "true");
	struct cam_err inner;
	cam_err_clear(&inner);
	rc = perform(s, &r, &inner);
	curl_slist_free_all(r.hdrs);
	if (rc == -1 && r.status == 409)
		return 1;	/* BucketAlreadyOwnedByYou, or taken */
	if (rc == -1)
		return cam_err_wrap(e, &inner, "creating bucket %s", bucket);
	return 0;
}

int
cam_s3_url_parse(const char *url, char **bucket, char **prefix,
    struct cam_err *e)
{
	const char *b, *slash;
	size_t bl;

	*bucket = *prefix = NULL;
	if (strncmp(url, "s3://", 5) != 0)
		return cam_errf(e, CAM_USAGE, "\"%s\" is not s3://BUCKET/PREFIX",
		    url);
	b = url + 5;
	slash = strchr(b, '/');
	bl = slash != NULL ? (size_t)(slash - b) : strlen(b);
	if (bl < 3 || bl > 63 || strspn(b, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789.-") < bl)
		return cam_errf(e, CAM_USAGE, "\"%s\": not a bucket name after "
		    "s3://", url);
	*bucket = cam_xmalloc(bl + 1);
	memcpy(*bucket, b, bl);
	(*bucket)[bl] = '\0';
	const char *p = slash != NULL ? slash + 1 : "";
	size_t pl = strlen(p);
	*prefix = cam_xmalloc(pl + 2);
	memcpy(*prefix, p, pl + 1);
	if (pl > 0 && p[pl - 1] != '/')
		memcpy(*prefix + pl, "/", 2);
	return 0;
}
