/*
 * cam_replicate: see cam_replicate.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/cam_crypto.h"
#include "base/cam_json.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "evidence/cam_replicate.h"
#include "journal/cam_journal.h"
#include "media/cam_remote.h"
#include "media/cam_store.h"

struct run {
	const struct cam_replicate_opts *o;
	const struct cam_config *cfg;
	struct cam_s3 *s;
	struct cam_replicate_result *r;
	struct cam_journal *rj;		/* CAM_REPLICATION_FILE */
	char rpath[PATH_MAX];
	/* From CAM_REPLICATION_FILE: journal name -> last SEQ sent, and
	 * the archives sent. */
	struct cam_strmap last;
	uint64_t *lastv;
	size_t nlast;
	struct cam_strmap archives;
	struct cam_err *e;
};

int
cam_replicate_in_window(const struct cam_config *cfg, time_t t)
{
	const struct cam_replication *p = &cfg->repl;
	char buf[64];
	int m;

	if (p->window_from < 0 || p->window_from == p->window_to)
		return 1;
	if (cam_time_format_local(t, cfg->timezone, buf, sizeof(buf)) == -1)
		cam_time_format_utc(t, buf, sizeof(buf));
	/* "YYYY-MM-DDTHH:MM..." */
	m = atoi(buf + 11) * 60 + atoi(buf + 14);
	if (p->window_from < p->window_to)
		return m >= p->window_from && m < p->window_to;
	return m >= p->window_from || m < p->window_to;	/* across midnight */
}

static int
window_closed(struct run *x)
{
	const struct cam_replication *p = &x->cfg->repl;

	if (x->o->ignore_window || x->o->dry_run ||
	    cam_replicate_in_window(x->cfg, time(NULL)))
		return 0;
	x->r->outside_window = 1;
	cam_errf(x->e, CAM_ENV, "outside the upload window %02d:%02d-%02d:%02d"
	    " (%s): the rest waits for the next run", p->window_from / 60,
	    p->window_from % 60, p->window_to / 60, p->window_to % 60,
	    x->cfg->timezone);
	return 1;
}

static void
tell(struct run *x, enum cam_repl_kind k, enum cam_repl_state st,
    const char *what, const char *bucket, const char *key,
    const char *version, uint64_t bytes, const struct cam_err *err)
{
	struct cam_repl_item it = { k, st, what, bucket, key,
	    version != NULL ? version : "", bytes, err };

	if (x->o->each != NULL)
		x->o->each(x->o->arg, &it);
}

/* ---- what was sent ---- */

static int
state_cb(void *arg, const struct cam_journal_rec *rec)
{
	struct run *x = arg;
	char kind[32], name[PATH_MAX];
	int64_t last;
	size_t i;

	if (strcmp(rec->kind, "replicated") != 0 ||
	    cam_json_get_str(rec->data, "kind", kind, sizeof(kind)) == -1)
		return 0;
	if (strcmp(kind, "evidence") == 0 && cam_json_get_str(rec->data,
	    "archive", name, sizeof(name)) == 0)
		cam_strmap_put(&x->archives, name, 1);
	else if (strcmp(kind, "journal") == 0 && cam_json_get_str(rec->data,
	    "name", name, sizeof(name)) == 0 && cam_json_get_int(rec->data,
	    "last", &last) == 0 && last > 0) {
		if (cam_strmap_get(&x->last, name, &i) == -1) {
			x->lastv = cam_xrealloc(x->lastv, (x->nlast + 1) *
			    sizeof(*x->lastv));
			i = x->nlast++;
			x->lastv[i] = 0;
			cam_strmap_put(&x->last, name, i);
		}
		if ((uint64_t)last > x->lastv[i])
			x->lastv[i] = (uint64_t)last;
	}
	return 0;
}

static int
state_load(struct run *x)
{
	if (cam_path(x->rpath, sizeof(x->rpath), x->e, "%s/"
	    CAM_REPLICATION_FILE, x->cfg->root) == -1)
		return -1;
	if (access(x->rpath, F_OK) == -1)
		return 0;
	return cam_journal_foreach(x->rpath, state_cb, x, x->e) == -1 ?
	    -1 : 0;
}

static int
journal_open(struct run *x)
{
	if (x->rj != NULL)
		return 0;
	if (cam_mkdir_p(x->cfg->root, 0750, x->e) == -1)
		return -1;
	return cam_journal_open(&x->rj, x->rpath, x->o->host, x->e);
}

/* The common members of a "replicated" record. */
static void
rec_obj(struct cam_buf *b, const char *bucket, const char *key,
    const struct cam_s3_obj *obj, const char *mode, time_t until)
{
	cam_json_add_str(b, "bucket", bucket);
	cam_json_add_str(b, "key", key);
	cam_json_add_str(b, "version", obj->version);
	cam_json_add_str(b, "sha256", obj->sha256);
	cam_json_add_uint(b, "bytes", obj->size);
	cam_json_add_str(b, "lock", mode);
	cam_json_add_time(b, "retain_until", until);
}

/*
 * Send one object unless it is there: HEAD it; if absent (or not what
 * we have), PUT it (from path at off, len bytes; or from buf) and HEAD
 * it again.  0 sent or present (*sent says which, obj what the store
 * holds), 1 refused (told, counted), -1 stop (e set).
 */
static int
send_one(struct run *x, enum cam_repl_kind k, const char *what,
    const char *key, const char *path, uint64_t off, uint64_t len,
    const void *buf, const struct cam_s3_put *p, struct cam_s3_obj *obj,
    int *sent)
{
	const char *bucket = x->cfg->repl.bucket[k];
	struct cam_err f;
	int h;

	*sent = 0;
	cam_err_clear(&f);
	memset(obj, 0, sizeof(*obj));
	h = cam_s3_head(x->s, bucket, key, NULL, obj, &f);
	if (h == -1)
		goto fail;
	if (h == 0 && obj->size == len && strcmp(obj->sha256, p->sha256) == 0)
		return 0;	/* a run killed after the upload */
	if (window_closed(x))
		return -1;
	cam_err_clear(&f);
	if ((buf != NULL ? cam_s3_put_buf(x->s, bucket, key, buf, len, p,
	    NULL, &f) : cam_s3_put_file(x->s, bucket, key, path, off, len, p,
	    NULL, &f)) == -1)
		goto fail;
	cam_err_clear(&f);
	memset(obj, 0, sizeof(*obj));
	h = cam_s3_head(x->s, bucket, key, NULL, obj, &f);
	if (h == -1)
		goto fail;
	if (h == 1 || obj->size != len || strcmp(obj->sha256, p->sha256) != 0) {
		cam_errf(&f, CAM_NO, "%s/%s: the store holds %llu bytes, "
		    "SHA-256 \"%s\" after the upload of %llu bytes, %s",
		    bucket, key, h == 1 ? 0ULL : (unsigned long long)obj->size,
		    h == 1 ? "" : obj->sha256, (unsigned long long)len,
		    p->sha256);
		goto fail;
	}
	*sent = 1;
	return 0;
fail:
	if (f.code == CAM_NO) {
		x->r->refused++;
		tell(x, k, CAM_REPL_REFUSED, what, bucket, key, NULL, len, &f);
		return 1;
	}
	cam_err_wrap(x->e, &f, "%s", what);
	return -1;
}

static void
count(struct run *x, enum cam_repl_kind k, int sent, const char *what,
    const char *key, const struct cam_s3_obj *obj)
{
	if (sent) {
		x->r->sent[k]++;
		x->r->sent_bytes[k] += obj->size;
	} else
		x->r->present[k]++;
	tell(x, k, sent ? CAM_REPL_SENT : CAM_REPL_PRESENT, what,
	    x->cfg->repl.bucket[k], key, obj->version, obj->size, NULL);
}

/* ---- evidence ---- */

static int
archive_cb(void *arg, const struct cam_journal_rec *rec)
{
	struct run *x = arg;
	char file[PATH_MAX], sha[65];
	const char *base;
	struct cam_buf key = CAM_BUF_INIT, d = CAM_BUF_INIT;
	struct cam_s3_put p;
	struct cam_s3_obj obj;
	struct cam_err f;
	uint64_t size;
	size_t i;
	int rc, sent;

	if (strcmp(rec->kind, "extraction") != 0 || cam_json_get_str(rec->data,
	    "archive", file, sizeof(file)) == -1 ||
	    cam_strmap_get(&x->archives, file, &i) == 0)
		return 0;
	base = strrchr(file, '/');
	base = base != NULL ? base + 1 : file;
	cam_remote_key_evidence(&key, x->cfg->repl.prefix, x->o->host, base);
	cam_err_clear(&f);
	if (file[0] != '/' || cam_crypto_sha256_file(file, sha, &size,
	    &f) == -1) {
		if (file[0] != '/')
			cam_errf(&f, CAM_NO, "%s: not an absolute path: cannot "
			    "be found", file);
		x->r->gone++;
		tell(x, CAM_REPL_EVIDENCE, CAM_REPL_GONE, file,
		    x->cfg->repl.bucket[CAM_REPL_EVIDENCE], cam_buf_str(&key),
		    NULL, 0, &f);
		cam_buf_free(&key);
		return 0;
	}
	if (x->o->dry_run) {
		tell(x, CAM_REPL_EVIDENCE, CAM_REPL_WOULD, file,
		    x->cfg->repl.bucket[CAM_REPL_EVIDENCE], cam_buf_str(&key),
		    NULL, size, NULL);
		cam_buf_free(&key);
		return 0;
	}
	memset(&p, 0, sizeof(p));
	p.sha256 = sha;
	p.lock_mode = "COMPLIANCE";
	p.lock_until = x->o->now + (time_t)x->cfg->repl.evidence_days * 86400;
	rc = send_one(x, CAM_REPL_EVIDENCE, file, cam_buf_str(&key), file, 0,
	    size, NULL, &p, &obj, &sent);
	if (rc == 0) {
		cam_json_begin(&d);
		cam_json_add_str(&d, "kind", "evidence");
		cam_json_add_str(&d, "archive", file);
		rec_obj(&d, x->cfg->repl.bucket[CAM_REPL_EVIDENCE],
		    cam_buf_str(&key), &obj, p.lock_mode, p.lock_until);
		cam_json_end(&d);
		if (journal_open(x) == -1 || cam_journal_append(x->rj,
		    "replicated", cam_buf_str(&d), NULL, x->e) == -1)
			rc = -1;
		else {
			cam_strmap_put(&x->archives, file, 1);
			count(x, CAM_REPL_EVIDENCE, sent, file,
			    cam_buf_str(&key), &obj);
		}
	}
	cam_buf_free(&d);
	cam_buf_free(&key);
	return rc == -1 ? -1 : 0;
}

static int
send_evidence(struct run *x)
{
	char path[PATH_MAX];
	int rc;

	if (cam_path(path, sizeof(path), x->e, "%s/" CAM_EXTRACTIONS_FILE,
	    x->cfg->root) == -1)
		return -1;
	if (access(path, F_OK) == -1)
		return 0;
	rc = cam_journal_foreach(path, archive_cb, x, x->e);
	return rc != 0 ? -1 : 0;
}

/* ---- journals ---- */

struct chunk_walk {
	struct run *x;
	const char *name;
	uint64_t after;		/* last SEQ sent */
	uint64_t first;		/* 0: no chunk open */
	char file[PATH_MAX];
	off_t off;
	int stop;		/* -1: stop the run */
};

/* The length of the line at off in path, LF included. */
static int
line_end(const char *path, off_t off, off_t *end, struct cam_err *e)
{
	char *buf = cam_xmalloc(CAM_JOURNAL_LINE_MAX);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	char *lf;

	if (fd == -1) {
		free(buf);
		return cam_err_sys(e, "%s", path);
	}
	n = pread(fd, buf, CAM_JOURNAL_LINE_MAX, off);
	close(fd);
	if (n <= 0 || (lf = memchr(buf, '\n', (size_t)n)) == NULL) {
		free(buf);
		return cam_errf(e, CAM_ENV, "%s: no complete line at byte %lld",
		    path, (long long)off);
	}
	*end = off + (lf - buf) + 1;
	free(buf);
	return 0;
}

static int
send_chunk(struct chunk_walk *w, uint64_t last, off_t seal_off)
{
	struct run *x = w->x;
	struct cam_buf key = CAM_BUF_INIT, d = CAM_BUF_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	char sha[65];
	struct cam_s3_put p;
	struct cam_s3_obj obj;
	char *buf = NULL;
	off_t end = 0;
	size_t len;
	int fd, rc = -1, sent;

	cam_remote_key_chunk(&key, x->cfg->repl.prefix, x->o->host, w->name,
	    w->first, last);
	if (line_end(w->file, seal_off, &end, x->e) == -1)
		goto out;
	len = (size_t)(end - w->off);
	if (x->o->dry_run) {
		tell(x, CAM_REPL_JOURNALS, CAM_REPL_WOULD, w->name,
		    x->cfg->repl.bucket[CAM_REPL_JOURNALS], cam_buf_str(&key),
		    NULL, len, NULL);
		rc = 0;
		goto out;
	}
	/* Read once, hashed and sent from memory: the bytes hashed are
	 * the bytes sent. */
	buf = cam_xmalloc(len ? len : 1);
	if ((fd = open(w->file, O_RDONLY | O_CLOEXEC)) == -1) {
		cam_err_sys(x->e, "%s", w->file);
		goto out;
	}
	ssize_t got = pread(fd, buf, len, w->off);
	close(fd);
	if (got != (ssize_t)len) {
		cam_errf(x->e, CAM_ENV, "%s: short read at byte %lld", w->file,
		    (long long)w->off);
		goto out;
	}
	if (EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) != 1) {
		cam_errf(x->e, CAM_ENV, "SHA-256 failed");
		goto out;
	}
	cam_crypto_hex(md, mdlen, sha);
	memset(&p, 0, sizeof(p));
	p.sha256 = sha;
	p.lock_mode = "COMPLIANCE";
	p.lock_until = x->o->now + (time_t)x->cfg->repl.journal_days * 86400;
	rc = send_one(x, CAM_REPL_JOURNALS, w->name, cam_buf_str(&key), NULL,
	    0, len, buf, &p, &obj, &sent);
	if (rc != 0)
		goto out;
	cam_json_begin(&d);
	cam_json_add_str(&d, "kind", "journal");
	cam_json_add_str(&d, "name", w->name);
	cam_json_add_uint(&d, "first", w->first);
	cam_json_add_uint(&d, "last", last);
	rec_obj(&d, x->cfg->repl.bucket[CAM_REPL_JOURNALS], cam_buf_str(&key),
	    &obj, p.lock_mode, p.lock_until);
	cam_json_end(&d);
	if (journal_open(x) == -1 || cam_journal_append(x->rj, "replicated",
	    cam_buf_str(&d), NULL, x->e) == -1)
		rc = -1;
	else
		count(x, CAM_REPL_JOURNALS, sent, w->name, cam_buf_str(&key),
		    &obj);
out:
	free(buf);
	cam_buf_free(&d);
	cam_buf_free(&key);
	return rc;
}

static int
chunk_cb(void *arg, const struct cam_journal_rec *rec)
{
	struct chunk_walk *w = arg;
	int rc;

	if (rec->seq <= w->after)
		return 0;
	if (w->first == 0 || strcmp(w->file, rec->file) != 0) {
		/* A new chunk; a volume's first record starts one anyway
		 * (the volume before ended with a seal). */
		w->first = rec->seq;
		snprintf(w->file, sizeof(w->file), "%s", rec->file);
		w->off = rec->offset;
	}
	if (strcmp(rec->kind, CAM_SEAL_KIND) != 0)
		return 0;
	rc = send_chunk(w, rec->seq, rec->offset);
	if (rc == -1) {
		w->stop = -1;
		return 1;
	}
	if (rc == 1) {
		/* Refused: the next chunk would leave a hole, so this
		 * journal waits. */
		return 1;
	}
	w->after = rec->seq;
	w->first = 0;
	return 0;
}

static int
journal_cb(void *arg, const char *name, const char *path)
{
	struct run *x = arg;
	struct chunk_walk w;
	struct cam_err f;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.x = x;
	w.name = name;
	if (cam_strmap_get(&x->last, name, &i) == 0)
		w.after = x->lastv[i];
	cam_err_clear(&f);
	/* foreach hands over a record once the next one links to it, or
	 * the last: a broken chain is never sent. */
	int rc = cam_journal_foreach(path, chunk_cb, &w, &f);
	if (w.stop == -1)
		return -1;
	if (rc == -1) {
		if (f.code == CAM_ENV) {
			cam_err_wrap(x->e, &f, "%s", name);
			return -1;
		}
		x->r->refused++;
		tell(x, CAM_REPL_JOURNALS, CAM_REPL_REFUSED, name,
		    x->cfg->repl.bucket[CAM_REPL_JOURNALS], "", NULL, 0, &f);
	}
	return 0;
}

/* ---- footage ---- */

static int
camera_footage(struct run *x, const char *camera,
    const struct cam_holds *holds)
{
	const char *bucket = x->cfg->repl.bucket[CAM_REPL_FOOTAGE];
	struct cam_segments segs;
	struct cam_journal *mj = NULL;
	char manifest[PATH_MAX], path[PATH_MAX];
	int rc = 0;

	if (cam_store_segments(x->cfg->root, camera, &segs, x->e) == -1) {
		cam_segments_free(&segs);
		return -1;
	}
	if (cam_path(manifest, sizeof(manifest), x->e, "%s/%s/manifest",
	    x->cfg->root, camera) == -1) {
		cam_segments_free(&segs);
		return -1;
	}
	for (size_t i = 0; i < segs.n && rc == 0; i++) {
		const struct cam_segment *sg = &segs.v[i];
		struct cam_buf key = CAM_BUF_INIT, d = CAM_BUF_INIT;
		int hold = cam_holds_cover(holds, camera, sg->start, sg->end);
		struct cam_err f;

		cam_remote_key_footage(&key, x->cfg->repl.prefix, x->o->host,
		    sg->file);
		if (sg->replicated) {
			/* A hold placed or released since: the store's
			 * legal hold follows. */
			if (hold == sg->repl_hold || x->o->dry_run)
				goto next;
			cam_err_clear(&f);
			if (cam_s3_legal_hold(x->s, bucket, cam_buf_str(&key),
			    sg->repl_version[0] ? sg->repl_version : NULL,
			    hold, &f) == -1) {
				if (f.code != CAM_NO) {
					cam_err_wrap(x->e, &f, "%s", sg->file);
					rc = -1;
					goto next;
				}
				x->r->refused++;
				tell(x, CAM_REPL_FOOTAGE, CAM_REPL_REFUSED,
				    sg->file, bucket, cam_buf_str(&key),
				    sg->repl_version, sg->bytes, &f);
				goto next;
			}
			cam_json_begin(&d);
			cam_json_add_str(&d, "file", sg->file);
			cam_json_add_str(&d, "bucket", bucket);
			cam_json_add_str(&d, "key", cam_buf_str(&key));
			cam_json_add_str(&d, "version", sg->repl_version);
			cam_json_add_bool(&d, "on", hold);
			cam_json_end(&d);
			if ((mj == NULL && cam_journal_open(&mj, manifest,
			    x->o->host, x->e) == -1) ||
			    cam_journal_append(mj, "legal-hold",
			    cam_buf_str(&d), NULL, x->e) == -1)
				rc = -1;
			else {
				x->r->holds++;
				tell(x, CAM_REPL_FOOTAGE, hold ?
				    CAM_REPL_HOLD_ON : CAM_REPL_HOLD_OFF,
				    sg->file, bucket, cam_buf_str(&key),
				    sg->repl_version, sg->bytes, NULL);
			}
			goto next;
		}
		if (x->o->dry_run) {
			tell(x, CAM_REPL_FOOTAGE, CAM_REPL_WOULD, sg->file,
			    bucket, cam_buf_str(&key), NULL, sg->bytes, NULL);
			goto next;
		}
		struct cam_s3_put p;
		struct cam_s3_obj obj;
		const char *meta[] = { "camera", camera, NULL };
		int sent, k;

		if (cam_path(path, sizeof(path), x->e, "%s/%s", x->cfg->root,
		    sg->file) == -1) {
			rc = -1;
			goto next;
		}
		memset(&p, 0, sizeof(p));
		p.sha256 = sg->sha256;
		p.lock_mode = "GOVERNANCE";
		p.lock_until = sg->end +
		    (time_t)x->cfg->repl.footage_days * 86400;
		p.legal_hold = hold;
		p.content_type = "video/mp4";
		p.meta = meta;
		k = send_one(x, CAM_REPL_FOOTAGE, sg->file, cam_buf_str(&key),
		    path, 0, sg->bytes, NULL, &p, &obj, &sent);
		if (k != 0) {
			rc = k == -1 ? -1 : 0;
			goto next;
		}
		cam_json_begin(&d);
		cam_json_add_str(&d, "file", sg->file);
		cam_json_add_str(&d, "kind", "footage");
		rec_obj(&d, bucket, cam_buf_str(&key), &obj, p.lock_mode,
		    p.lock_until);
		cam_json_add_bool(&d, "legal_hold", obj.legal_hold || hold);
		cam_json_end(&d);
		if ((mj == NULL && cam_journal_open(&mj, manifest, x->o->host,
		    x->e) == -1) || cam_journal_append(mj, "replicated",
		    cam_buf_str(&d), NULL, x->e) == -1)
			rc = -1;
		else
			count(x, CAM_REPL_FOOTAGE, sent, sg->file,
			    cam_buf_str(&key), &obj);
next:
		cam_buf_free(&d);
		cam_buf_free(&key);
	}
	cam_journal_close(&mj);
	cam_segments_free(&segs);
	return rc;
}

static int
send_footage(struct run *x)
{
	struct cam_holds holds;
	char **cams = NULL;
	size_t n = 0;
	int rc = 0;

	if (cam_store_holds(x->cfg->root, &holds, x->e) == -1)
		return -1;
	if (cam_store_cameras(x->cfg->root, &cams, &n, x->e) == -1) {
		cam_holds_free(&holds);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = camera_footage(x, cams[i], &holds);
	for (size_t i = 0; i < n; i++)
		free(cams[i]);
	free(cams);
	cam_holds_free(&holds);
	return rc;
}

/* ---- a run ---- */

int
cam_replicate(const struct cam_replicate_opts *o, struct cam_s3 *s,
    struct cam_replicate_result *r, struct cam_err *e)
{
	struct run x;
	char lock[PATH_MAX];
	int fd = -1, rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&x, 0, sizeof(x));
	x.o = o;
	x.cfg = o->cfg;
	x.s = s;
	x.r = r;
	x.e = e;
	if (o->cfg->repl.endpoint == NULL)
		return cam_errf(e, CAM_USAGE, "replication is not configured "
		    "(camkit.yaml has no replication: endpoint)");
	if (!o->dry_run && !o->ignore_window &&
	    !cam_replicate_in_window(o->cfg, time(NULL))) {
		window_closed(&x);
		return 1;
	}
	/* One run at a time: a timer's run that finds another still at
	 * work leaves it to finish. */
	if (cam_path(lock, sizeof(lock), e, "%s/" CAM_REPLICATE_LOCK,
	    o->cfg->root) == -1)
		return -1;
	if (!o->dry_run) {
		if (cam_mkdir_p(o->cfg->root, 0750, e) == -1)
			return -1;
		fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
		if (fd == -1)
			return cam_err_sys(e, "%s", lock);
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			int busy = errno == EWOULDBLOCK;
			if (!busy)
				cam_err_sys(e, "%s", lock);
			else
				cam_errf(e, CAM_ENV, "another camrec replicate "
				    "is running (%s is locked): this run "
				    "leaves it to finish", lock);
			close(fd);
			return busy ? 1 : -1;
		}
	}
	if (state_load(&x) == -1)
		goto end;
	if (send_evidence(&x) == -1)
		goto stopped;
	if (cam_store_journals(o->cfg->root, journal_cb, &x, e) != 0)
		goto stopped;
	if (send_footage(&x) == -1)
		goto stopped;
	if (r->refused > 0) {
		cam_errf(e, CAM_NO, "the store refused %llu objects (each "
		    "named above); the others were sent",
		    (unsigned long long)r->refused);
		goto end;
	}
	rc = 0;
	goto end;
stopped:
	/* Unreachable, slow or out of its window: left for a later run. */
	rc = e->code == CAM_ENV ? 1 : -1;
end:
	cam_journal_close(&x.rj);
	cam_strmap_free(&x.last);
	cam_strmap_free(&x.archives);
	free(x.lastv);
	if (fd != -1)
		close(fd);
	return rc;
}
