/*
 * cam_s3: a client of an S3 service (Ceph's RADOS Gateway, MinIO, any
 * cloud) through libcurl, which signs every request with AWS Signature
 * Version 4 (CURLOPT_AWS_SIGV4); listings are read with libxml2.  URLs
 * are path-style: ENDPOINT/BUCKET/KEY.  Uploads send the SHA-256 the
 * caller already knows as x-amz-content-sha256 (so the service refuses
 * a body that does not match it) and as the object's metadata
 * x-amz-meta-sha256 (so a HEAD tells it back).  Object Lock: an upload
 * may carry a retention (COMPLIANCE or GOVERNANCE until a date) and a
 * legal hold; the service, not camkit, refuses to delete or overwrite
 * a locked version.
 *
 * Errors: CAM_ENV when the service cannot be reached or answers 5xx
 * (worth trying again later), CAM_NO when it refuses (4xx: its Code and
 * Message in the text, e.g. "AccessDenied"); 404 is not an error where
 * a function says so.
 */
#ifndef CAM_S3_H
#define CAM_S3_H

#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"
#include "base/cam_util.h"

struct cam_s3_conf {
	const char *endpoint;	/* http(s)://HOST[:PORT], no path */
	const char *region;	/* NULL: "us-east-1" */
	const char *access;	/* access key id */
	const char *secret;	/* secret key (wiped on close) */
	const char *ca_file;	/* NULL: the system's CAs */
	uint64_t max_rate;	/* upload bytes per second, 0: no limit */
	long timeout;		/* seconds without progress, 0: 60 */
};

struct cam_s3;		/* one connection, reused across requests */

int cam_s3_open(struct cam_s3 **s, const struct cam_s3_conf *c,
    struct cam_err *e);
void cam_s3_close(struct cam_s3 **s);

/* What an upload asks of the store. */
struct cam_s3_put {
	const char *sha256;	/* hex SHA-256 of the body: required */
	const char *lock_mode;	/* "COMPLIANCE", "GOVERNANCE" or NULL */
	time_t lock_until;	/* with lock_mode */
	int legal_hold;		/* 1: x-amz-object-lock-legal-hold: ON */
	const char *content_type;	/* NULL: application/octet-stream */
	/* More x-amz-meta-NAME: VALUE pairs (ASCII), NULL-terminated
	 * array of "name", "value", ..., or NULL. */
	const char *const *meta;
};

/* What the store says of an object (HEAD, or after a PUT or GET). */
struct cam_s3_obj {
	uint64_t size;
	char sha256[65];	/* x-amz-meta-sha256, "" if none */
	char version[256];	/* x-amz-version-id, "" if unversioned */
	char etag[80];
	char lock_mode[16];	/* "" if none */
	time_t lock_until;	/* 0 if none */
	int legal_hold;
	time_t modified;	/* Last-Modified */
};

/* Upload len bytes of the file at path from offset off (a journal's
 * sealed chunk is a range of its file) as bucket/key.  out (if not
 * NULL) gets the version id the store gave. */
int cam_s3_put_file(struct cam_s3 *s, const char *bucket, const char *key,
    const char *path, uint64_t off, uint64_t len, const struct cam_s3_put *p,
    struct cam_s3_obj *out, struct cam_err *e);
int cam_s3_put_buf(struct cam_s3 *s, const char *bucket, const char *key,
    const void *buf, size_t len, const struct cam_s3_put *p,
    struct cam_s3_obj *out, struct cam_err *e);

/* HEAD an object (version NULL: the newest): 0, 1 if there is none,
 * -1 on error. */
int cam_s3_head(struct cam_s3 *s, const char *bucket, const char *key,
    const char *version, struct cam_s3_obj *out, struct cam_err *e);

/* GET an object into a file (created 0640, or truncated) or a buffer:
 * 0, 1 if there is none, -1 on error.  obj (if not NULL) is filled
 * from the answer's headers. */
int cam_s3_get_file(struct cam_s3 *s, const char *bucket, const char *key,
    const char *version, const char *path, struct cam_s3_obj *obj,
    struct cam_err *e);
int cam_s3_get_buf(struct cam_s3 *s, const char *bucket, const char *key,
    const char *version, struct cam_buf *out, struct cam_s3_obj *obj,
    struct cam_err *e);

/* List the keys under prefix, in the store's (byte) order, following
 * continuation tokens (ListObjectsV2).  With delimiter (e.g. "/"),
 * common prefixes come as entries with is_prefix 1.  fn returning
 * non-zero stops the walk with that value. */
typedef int (*cam_s3_list_fn)(void *arg, const char *key, uint64_t size,
    int is_prefix);
int cam_s3_list(struct cam_s3 *s, const char *bucket, const char *prefix,
    const char *delimiter, cam_s3_list_fn fn, void *arg, struct cam_err *e);

/* DELETE an object (version NULL: a delete marker on a versioned
 * bucket).  A locked version is refused by the store: CAM_NO. */
int cam_s3_delete(struct cam_s3 *s, const char *bucket, const char *key,
    const char *version, struct cam_err *e);

/* Put or lift a legal hold on a version (NULL: the newest). */
int cam_s3_legal_hold(struct cam_s3 *s, const char *bucket, const char *key,
    const char *version, int on, struct cam_err *e);

/* Create a bucket, with versioning and Object Lock enabled if lock
 * (they can only be enabled at creation).  0, or 1 if it exists. */
int cam_s3_bucket_create(struct cam_s3 *s, const char *bucket, int lock,
    struct cam_err *e);

/* Parse "s3://BUCKET/PREFIX" (PREFIX may be empty): bucket and prefix
 * are new strings; prefix is "" or ends in '/'.  -1 (CAM_USAGE) if s is
 * not such a URL. */
int cam_s3_url_parse(const char *s, char **bucket, char **prefix,
    struct cam_err *e);

#endif
