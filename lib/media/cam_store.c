/*
 * cam_store: see cam_store.h.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/cam_crypto.h"
#include "base/cam_json.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "journal/cam_logbook.h"
#include "journal/cam_trail.h"
#include "media/cam_rec.h"
#include "media/cam_store.h"

/* ---- segments ---- */

/*
 * Loading is linear in the records read: the array grows by doubling,
 * and a "delete" finds its segment through a map from file name to
 * entry instead of a scan.  A deleted entry is cleared in place (file
 * NULL) and the array compacted once at the end.  A name recorded twice
 * (never by camrec, which adds "-2"; a hand-made manifest may) keeps
 * both entries, chained oldest first, and a delete takes the oldest, as
 * a scan in manifest order did.
 */
#define NO_SEG	((size_t)-1)

struct seg_walk {
	struct cam_segments *out;
	size_t cap;
	size_t *next;		/* next live entry of the same file */
	struct cam_strmap byfile;	/* file -> its oldest live entry */
	size_t dead;
	char **data;		/* each entry's record DATA, if keep_data */
	char **rdata;		/* its "replicated" record's, if any */
	char **hdata;		/* its last "legal-hold" record's, if any */
	int keep_data;
	const char *camera;
	uint64_t bad_line;	/* a record naming a file outside the camera */
	char bad_file[128];
};

/* A manifest names its files relative to the storage root, inside the
 * camera's directory: "CAMERA/...", no "." or ".." and no empty part.
 * A tampered one must not make prune delete, or extract read, another
 * file. */
static int
seg_file_ok(const char *camera, const char *file)
{
	size_t n = strlen(camera);

	if (strncmp(file, camera, n) != 0 || file[n] != '/')
		return 0;
	for (const char *p = file + n + 1; ; ) {
		size_t k = strcspn(p, "/");
		if (k == 0 || (k == 1 && p[0] == '.') ||
		    (k == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (p[k] == '\0')
			return 1;
		p += k + 1;
	}
}

static void
seg_clear(struct cam_segment *s)
{
	free(s->camera);
	free(s->file);
	free(s->repl_version);
	memset(s, 0, sizeof(*s));
}

static time_t
get_time(const char *json, const char *key)
{
	char buf[64];
	struct cam_err e;
	time_t t;

	if (cam_json_get_str(json, key, buf, sizeof(buf)) == -1 ||
	    cam_time_parse(buf, NULL, &t, &e) == -1)
		return 0;
	return t;
}

/* Is kind a record of a live segment: "segment" as the recorder writes
 * it, or "carry", the same DATA carried into a new volume? */
static int
seg_kind(const char *kind)
{
	return strcmp(kind, "segment") == 0 || strcmp(kind, "carry") == 0;
}

/* Index entry k by its file: first of its name, or chained after the
 * others of that name. */
static void
seg_index(struct seg_walk *w, size_t k)
{
	size_t i;

	w->next[k] = NO_SEG;
	if (cam_strmap_add(&w->byfile, w->out->v[k].file, k, &i) == 1) {
		while (w->next[i] != NO_SEG)
			i = w->next[i];
		w->next[i] = k;
	}
}

static void
seg_delete(struct seg_walk *w, const char *file)
{
	struct cam_segments *o = w->out;
	size_t i, nx;

	if (cam_strmap_get(&w->byfile, file, &i) == -1)
		return;
	nx = w->next[i];
	cam_strmap_del(&w->byfile, file);
	if (nx != NO_SEG)
		cam_strmap_put(&w->byfile, o->v[nx].file, nx);
	seg_clear(&o->v[i]);	/* file NULL: dropped when compacting */
	if (w->keep_data) {
		free(w->data[i]);
		free(w->rdata[i]);
		free(w->hdata[i]);
		w->data[i] = w->rdata[i] = w->hdata[i] = NULL;
	}
	w->dead++;
}

static struct cam_segment *
seg_add(struct seg_walk *w, const char *file)
{
	struct cam_segments *o = w->out;
	struct cam_segment *s;
	size_t k = o->n;

	if (o->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 256;
		o->v = cam_xrealloc(o->v, w->cap * sizeof(*o->v));
		w->next = cam_xrealloc(w->next, w->cap * sizeof(*w->next));
		if (w->keep_data) {
			w->data = cam_xrealloc(w->data,
			    w->cap * sizeof(*w->data));
			w->rdata = cam_xrealloc(w->rdata,
			    w->cap * sizeof(*w->rdata));
			w->hdata = cam_xrealloc(w->hdata,
			    w->cap * sizeof(*w->hdata));
		}
	}
	s = &o->v[o->n++];
	memset(s, 0, sizeof(*s));
	s->camera = cam_xstrdup(w->camera);
	s->file = cam_xstrdup(file);
	seg_index(w, k);
	return s;
}

/* Drop the cleared entries, keeping the order of the others, and index
 * them anew.  Done when they are half the array, so that a manifest of
 * years of hourly prunes is held in memory as its live segments, not
 * as all it ever listed. */
static void
seg_compact(struct seg_walk *w)
{
	struct cam_segments *o = w->out;
	size_t k = 0;

	if (w->dead == 0)
		return;
	cam_strmap_free(&w->byfile);
	for (size_t j = 0; j < o->n; j++) {
		if (o->v[j].file == NULL)
			continue;
		o->v[k] = o->v[j];
		if (w->keep_data) {
			w->data[k] = w->data[j];
			w->rdata[k] = w->rdata[j];
			w->hdata[k] = w->hdata[j];
		}
		seg_index(w, k);
		k++;
	}
	o->n = k;
	w->dead = 0;
}

static time_t
field_time(const struct cam_json_field *f)
{
	char buf[64];
	struct cam_err e;
	time_t t;

	if (cam_json_field_str(f, buf, sizeof(buf)) == -1 ||
	    cam_time_parse(buf, NULL, &t, &e) == -1)
		return 0;
	return t;
}

/*
 * "replicated" {"file", "version", "legal_hold", ...} and "legal-hold"
 * {"file", "on", ...} (camrec replicate): the newest live entry of the
 * file is replicated, its hold as said.  A record naming no live
 * segment (deleted since) is ignored.
 */
static int
seg_repl(struct seg_walk *w, const struct cam_journal_rec *r)
{
	char file[PATH_MAX], ver[256];
	int rep = strcmp(r->kind, "replicated") == 0;
	int on;
	size_t i;

	if (cam_json_get_str(r->data, "file", file, sizeof(file)) == -1 ||
	    cam_strmap_get(&w->byfile, file, &i) == -1)
		return 0;
	while (w->next[i] != NO_SEG)
		i = w->next[i];
	struct cam_segment *s = &w->out->v[i];
	struct cam_json_field f[1] = { { rep ? "legal_hold" : "on", NULL,
	    0 } };
	on = cam_json_fields(r->data, f, 1) == 0 && f[0].at != NULL &&
	    strncmp(f[0].at, "true", 4) == 0;
	if (rep) {
		if (cam_json_get_str(r->data, "version", ver,
		    sizeof(ver)) == -1)
			ver[0] = '\0';
		free(s->repl_version);
		s->repl_version = cam_xstrdup(ver);
		s->replicated = 1;
	} else if (!s->replicated)
		return 0;
	s->repl_hold = on;
	if (w->keep_data) {
		char **slot = rep ? &w->rdata[i] : &w->hdata[i];
		free(*slot);
		*slot = cam_xstrdup(r->data);
		if (rep) {
			free(w->hdata[i]);
			w->hdata[i] = NULL;
		}
	}
	return 0;
}

enum { F_FILE, F_SHA, F_BYTES, F_DUR, F_FRAMES, F_START, F_END, F_REC, NF };

static int
seg_cb(void *arg, const struct cam_journal_rec *r)
{
	struct seg_walk *w = arg;
	struct cam_json_field f[NF] = {
		[F_FILE] = { "file", NULL, 0 },
		[F_SHA] = { "sha256", NULL, 0 },
		[F_BYTES] = { "bytes", NULL, 0 },
		[F_DUR] = { "duration_ms", NULL, 0 },
		[F_FRAMES] = { "frames", NULL, 0 },
		[F_START] = { "start", NULL, 0 },
		[F_END] = { "end", NULL, 0 },
		[F_REC] = { "recovered", NULL, 0 },
	};
	char file[PATH_MAX];
	int del = strcmp(r->kind, "delete") == 0;
	int64_t v;

	if (strcmp(r->kind, "replicated") == 0 ||
	    strcmp(r->kind, "legal-hold") == 0)
		return seg_repl(w, r);
	if (!del && !seg_kind(r->kind))
		return 0;
	/* A delete needs only its file: one pass over DATA, all asked. */
	if (cam_json_fields(r->data, f, del ? 1 : NF) == -1 ||
	    cam_json_field_str(&f[F_FILE], file, sizeof(file)) == -1)
		return 0;
	if (!seg_file_ok(w->camera, file)) {
		w->bad_line = r->line;
		snprintf(w->bad_file, sizeof(w->bad_file), "%.120s", file);
		return -1;
	}
	if (del) {
		seg_delete(w, file);
		if (w->dead >= 4096 && w->dead * 2 > w->out->n)
			seg_compact(w);
		return 0;
	}
	struct cam_segment *s = seg_add(w, file);
	if (w->keep_data) {
		w->data[w->out->n - 1] = cam_xstrdup(r->data);
		w->rdata[w->out->n - 1] = NULL;
		w->hdata[w->out->n - 1] = NULL;
	}
	cam_json_field_str(&f[F_SHA], s->sha256, sizeof(s->sha256));
	if (cam_json_field_int(&f[F_BYTES], &v) == 0)
		s->bytes = (uint64_t)v;
	if (cam_json_field_int(&f[F_DUR], &v) == 0)
		s->duration_ms = v;
	if (cam_json_field_int(&f[F_FRAMES], &v) == 0)
		s->frames = v;
	s->recovered = f[F_REC].at != NULL &&
	    strncmp(f[F_REC].at, "true", 4) == 0;
	s->start = field_time(&f[F_START]);
	s->end = field_time(&f[F_END]);
	return 0;
}

static int
by_start(const void *a, const void *b)
{
	const struct cam_segment *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->file, y->file);
}

int
cam_store_segments(const char *root, const char *camera,
    struct cam_segments *out, struct cam_err *e)
{
	struct seg_walk w;
	char path[PATH_MAX];

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.out = out;
	w.camera = camera;
	if (cam_rec_manifest(path, sizeof(path), root, camera, e) == -1)
		return -1;
	if (access(path, F_OK) == -1)
		return 0;	/* never recorded */
	/* On a broken chain, out keeps the segments of the records before
	 * the bad one: verification still checks those. */
	/* The current volume alone: a new volume carries the live
	 * segments of the one before. */
	int rc = cam_journal_foreach_since(path, CAM_JOURNAL_CURRENT, seg_cb, &w,
	    e) == -1 ? -1 : 0;
	seg_compact(&w);
	cam_strmap_free(&w.byfile);
	free(w.next);
	if (w.bad_line != 0)
		cam_errf(e, CAM_NO, "%s:%llu: file \"%s\" is not inside the "
		    "directory of camera %s: refused", path,
		    (unsigned long long)w.bad_line, w.bad_file, camera);
	if (out->n > 0)
		qsort(out->v, out->n, sizeof(*out->v), by_start);
	return rc;
}

void
cam_segments_free(struct cam_segments *s)
{
	for (size_t i = 0; i < s->n; i++)
		seg_clear(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- volumes ---- */

/* A record naming a file outside the camera is kept in bad_line, and
 * carry_emit refuses to rotate. */
static int
carry_record(void *arg, const struct cam_journal_rec *r)
{
	(void)seg_cb(arg, r);
	return 0;
}

/* The live segments, in manifest order, each as its record said. */
static int
carry_emit(void *arg, cam_journal_put_fn put, void *put_arg,
    struct cam_err *e)
{
	struct seg_walk *w = arg;

	if (w->bad_line != 0)
		return cam_errf(e, CAM_NO, "record %llu: file \"%s\" is not "
		    "inside the directory of camera %s: not rotated",
		    (unsigned long long)w->bad_line, w->bad_file, w->camera);
	seg_compact(w);
	for (size_t i = 0; i < w->out->n; i++)
		if (put(put_arg, "carry", w->data[i], e) == -1)
			return -1;
	/* Their replicated state goes with them: prune reads the current
	 * volume alone. */
	for (size_t i = 0; i < w->out->n; i++)
		if ((w->rdata[i] != NULL && put(put_arg, "replicated",
		    w->rdata[i], e) == -1) || (w->hdata[i] != NULL &&
		    put(put_arg, "legal-hold", w->hdata[i], e) == -1))
			return -1;
	return 0;
}

int
cam_store_rotate(const char *name, struct cam_journal *j, time_t now,
    char *closed, size_t closed_len, struct cam_err *e)
{
	struct cam_journal_carry c = { carry_record, carry_emit, NULL };
	struct cam_segments segs;
	struct seg_walk w;
	char camera[PATH_MAX];
	const char *slash = strchr(name, '/');
	int rc;

	if (strcmp(name, CAM_HOLDS_FILE) == 0 ||
	    strcmp(name, CAM_EXTRACTIONS_FILE) == 0 ||
	    strcmp(name, CAM_VIEWS_FILE) == 0)
		return 1;	/* small, and whole: never rotated */
	if (slash == NULL || strcmp(slash, "/manifest") != 0)
		return cam_journal_rotate(j, now, NULL, closed, closed_len, e);
	snprintf(camera, sizeof(camera), "%.*s", (int)(slash - name), name);
	memset(&segs, 0, sizeof(segs));
	memset(&w, 0, sizeof(w));
	w.out = &segs;
	w.camera = camera;
	w.keep_data = 1;
	c.arg = &w;
	rc = cam_journal_rotate(j, now, &c, closed, closed_len, e);
	for (size_t i = 0; i < segs.n; i++) {
		free(w.data[i]);
		free(w.rdata[i]);
		free(w.hdata[i]);
	}
	free(w.data);
	free(w.rdata);
	free(w.hdata);
	free(w.next);
	cam_strmap_free(&w.byfile);
	cam_segments_free(&segs);
	return rc;
}

/* ---- holds ---- */

static int
holds_path(char *buf, size_t len, const char *root, struct cam_err *e)
{
	return cam_path(buf, len, e, "%s/" CAM_HOLDS_FILE, root);
}

static int
hold_cb(void *arg, const struct cam_journal_rec *r)
{
	struct cam_holds *h = arg;
	char buf[1024];
	int64_t id;

	if (strcmp(r->kind, "hold") == 0) {
		h->v = cam_xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
		struct cam_hold *x = &h->v[h->n++];
		memset(x, 0, sizeof(*x));
		x->id = r->seq;
		x->placed = r->time;
		x->camera = cam_xstrdup(cam_json_get_str(r->data, "camera",
		    buf, sizeof(buf)) == 0 ? buf : "");
		x->reason = cam_xstrdup(cam_json_get_str(r->data, "reason",
		    buf, sizeof(buf)) == 0 ? buf : "");
		x->by = cam_xstrdup(cam_json_get_str(r->data, "by", buf,
		    sizeof(buf)) == 0 ? buf : "");
		x->from = get_time(r->data, "from");
		x->to = get_time(r->data, "to");
	} else if (strcmp(r->kind, "release") == 0 &&
	    cam_json_get_int(r->data, "hold", &id) == 0) {
		for (size_t i = 0; i < h->n; i++)
			if (h->v[i].id == (uint64_t)id)
				h->v[i].released = 1;
	}
	return 0;
}

int
cam_store_holds(const char *root, struct cam_holds *out, struct cam_err *e)
{
	char path[PATH_MAX];

	memset(out, 0, sizeof(*out));
	if (holds_path(path, sizeof(path), root, e) == -1)
		return -1;
	if (access(path, F_OK) == -1)
		return 0;
	if (cam_journal_foreach(path, hold_cb, out, e) == -1) {
		cam_holds_free(out);
		return -1;
	}
	return 0;
}

void
cam_holds_free(struct cam_holds *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].camera);
		free(h->v[i].reason);
		free(h->v[i].by);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static int
append(const char *path, const char *host, const char *kind,
    struct cam_buf *data, uint64_t *seq, struct cam_err *e)
{
	struct cam_journal *j = NULL;
	struct cam_journal_rec rec;
	int rc;

	if (cam_journal_open(&j, path, host, e) == -1)
		return -1;
	rc = cam_journal_append(j, kind, cam_buf_str(data), &rec, e);
	if (rc == 0 && seq != NULL)
		*seq = rec.seq;
	cam_journal_close(&j);
	return rc;
}

int
cam_store_hold_add(const char *root, const char *host, const char *camera,
    time_t from, time_t to, const char *reason, const char *by,
    uint64_t *id, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	char path[PATH_MAX];
	int rc;

	if (!cam_id_valid(camera))
		return cam_errf(e, CAM_NO, "bad camera id \"%s\"", camera);
	if (to < from)
		return cam_errf(e, CAM_NO, "a hold's window must not end before "
		    "it starts");
	if (reason == NULL || *reason == '\0' ||
	    !cam_utf8_clean(reason, strlen(reason), 0))
		return cam_errf(e, CAM_NO, "a hold needs a reason (one line "
		    "of UTF-8 text)");
	if (holds_path(path, sizeof(path), root, e) == -1 ||
	    cam_mkdir_p(root, 0750, e) == -1)
		return -1;
	cam_json_begin(&b);
	cam_json_add_str(&b, "camera", camera);
	cam_json_add_time(&b, "from", from);
	cam_json_add_time(&b, "to", to);
	cam_json_add_str(&b, "reason", reason);
	cam_json_add_str(&b, "by", by);
	cam_json_end(&b);
	rc = append(path, host, "hold", &b, id, e);
	cam_buf_free(&b);
	return rc;
}

int
cam_store_hold_release(const char *root, const char *host, uint64_t id,
    const char *reason, const char *by, struct cam_err *e)
{
	struct cam_holds h;
	struct cam_buf b = CAM_BUF_INIT;
	char path[PATH_MAX];
	int rc, found = 0;

	if (cam_store_holds(root, &h, e) == -1)
		return -1;
	for (size_t i = 0; i < h.n; i++)
		if (h.v[i].id == id)
			found = h.v[i].released ? 2 : 1;
	cam_holds_free(&h);
	if (found == 0)
		return cam_errf(e, CAM_NO, "no hold %llu", (unsigned long long)id);
	if (found == 2)
		return cam_errf(e, CAM_NO, "hold %llu is already released",
		    (unsigned long long)id);
	if (holds_path(path, sizeof(path), root, e) == -1)
		return -1;
	cam_json_begin(&b);
	cam_json_add_uint(&b, "hold", id);
	cam_json_add_str(&b, "reason", reason ? reason : "");
	cam_json_add_str(&b, "by", by);
	cam_json_end(&b);
	rc = append(path, host, "release", &b, NULL, e);
	cam_buf_free(&b);
	return rc;
}

int
cam_holds_cover(const struct cam_holds *h, const char *camera, time_t start,
    time_t end)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct cam_hold *x = &h->v[i];
		if (!x->released && strcmp(x->camera, camera) == 0 &&
		    start <= x->to && end >= x->from)
			return 1;
	}
	return 0;
}

/* ---- prune ---- */

struct candidate {
	struct cam_segment *s;
	int held;
	int waiting;		/* keep_until_replicated, not replicated */
};

static int
by_age(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	return by_start(x->s, y->s);
}

/* Journal, then unlink: a deletion is never silent. */
static int
delete_segment(const char *root, const char *host, const struct cam_segment *s,
    const char *why, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	char manifest[PATH_MAX], path[PATH_MAX];
	int rc = -1;

	if (cam_rec_manifest(manifest, sizeof(manifest), root, s->camera,
	    e) == -1 || cam_path(path, sizeof(path), e, "%s/%s", root,
	    s->file) == -1)
		return -1;
	cam_json_begin(&b);
	cam_json_add_str(&b, "file", s->file);
	cam_json_add_str(&b, "sha256", s->sha256);
	cam_json_add_uint(&b, "bytes", s->bytes);
	cam_json_add_time(&b, "start", s->start);
	cam_json_add_time(&b, "end", s->end);
	cam_json_add_str(&b, "reason", why);
	cam_json_end(&b);
	if (append(manifest, host, "delete", &b, NULL, e) == -1)
		goto end;
	if (unlink(path) == -1 && errno != ENOENT) {
		cam_err_sys(e, "%s", path);
		goto end;
	}
	/* Empty day, month and year directories go too. */
	char *slash;
	while ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		if (strlen(path) <= strlen(root) + 1 + strlen(s->camera) ||
		    rmdir(path) == -1)
			break;
	}
	rc = cam_dir_sync(path, e);
end:
	cam_buf_free(&b);
	return rc;
}

/* How many bytes must go to be under the capacity limit: bytes of the
 * live segments over max_usage, or bytes of the filesystem over its
 * percentage (other files count there too). */
static int
capacity_excess(const struct cam_config *cfg, uint64_t live, uint64_t *need,
    struct cam_err *e)
{
	struct statvfs vfs;

	*need = 0;
	if (cfg->max_bytes > 0) {
		if (live > cfg->max_bytes)
			*need = live - cfg->max_bytes;
		return 0;
	}
	if (statvfs(cfg->root, &vfs) == -1) {
		if (errno == ENOENT)
			return 0;	/* nothing recorded yet */
		return cam_err_sys(e, "%s", cfg->root);
	}
	uint64_t total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	uint64_t used = (uint64_t)(vfs.f_blocks - vfs.f_bfree) * vfs.f_frsize;
	uint64_t limit = total / 100 * (uint64_t)cfg->max_percent;
	if (used > limit)
		*need = used - limit;
	return 0;
}

int
cam_prune(const struct cam_config *cfg, const char *host,
    const char *const *cameras, size_t ncameras, time_t now, int dry_run,
    void (*each)(void *, const struct cam_segment *, const char *why),
    void *arg, struct cam_prune_result *res, struct cam_err *e)
{
	struct cam_segments *per = NULL;
	struct candidate *all = NULL;
	struct cam_holds holds;
	size_t n = 0;
	uint64_t live = 0;
	time_t cutoff = now - (time_t)cfg->retention_days * 86400;
	uint64_t need = 0, freed = 0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&holds, 0, sizeof(holds));
	if (cam_store_holds(cfg->root, &holds, e) == -1)
		return -1;
	per = cam_xmalloc((ncameras ? ncameras : 1) * sizeof(*per));
	memset(per, 0, (ncameras ? ncameras : 1) * sizeof(*per));
	for (size_t i = 0; i < ncameras; i++) {
		if (cam_store_segments(cfg->root, cameras[i], &per[i],
		    e) == -1)
			goto end;	/* freed below, with the others */
		all = cam_xrealloc(all, (n + per[i].n + 1) * sizeof(*all));
		for (size_t j = 0; j < per[i].n; j++) {
			all[n].s = &per[i].v[j];
			all[n].held = cam_holds_cover(&holds, cameras[i],
			    per[i].v[j].start, per[i].v[j].end);
			all[n].waiting = cfg->repl.keep_until_replicated &&
			    !per[i].v[j].replicated;
			live += per[i].v[j].bytes;
			n++;
		}
	}
	if (n > 0)
		qsort(all, n, sizeof(*all), by_age);
	/* Measured once: a dry run frees nothing, and the real run frees
	 * what it counts. */
	if (capacity_excess(cfg, live, &need, e) == -1)
		goto end;
	/* What the loop below will delete, told first so that progress
	 * can be shown against it. */
	for (size_t i = 0; i < n; i++) {
		if (all[i].s->end >= cutoff && freed >= need)
			break;
		if (all[i].held || all[i].waiting)
			continue;
		res->due++;
		res->due_bytes += all[i].s->bytes;
		freed += all[i].s->bytes;
	}
	freed = 0;
	for (size_t i = 0; i < n; i++) {
		const char *why = NULL;
		struct cam_segment *s = all[i].s;

		if (s->end < cutoff)
			why = "retention";
		else if (freed < need)
			why = "capacity";
		else
			break;	/* oldest first: the rest are newer */
		if (all[i].held) {
			res->held++;
			continue;
		}
		if (all[i].waiting) {
			res->waiting++;
			res->waiting_bytes += s->bytes;
			continue;
		}
		if (!dry_run && delete_segment(cfg->root, host, s, why,
		    e) == -1)
			goto end;
		if (each != NULL)
			each(arg, s, why);
		res->deleted++;
		res->deleted_bytes += s->bytes;
		if (strcmp(why, "retention") == 0)
			res->by_age++;
		else
			res->by_capacity++;
		if (res->oldest_deleted == 0 || s->start < res->oldest_deleted)
			res->oldest_deleted = s->start;
		if (s->end > res->newest_deleted)
			res->newest_deleted = s->end;
		freed += s->bytes;
	}
	res->still_over = freed < need;
	rc = 0;
end:
	for (size_t i = 0; i < ncameras; i++)
		cam_segments_free(&per[i]);
	free(per);
	free(all);
	cam_holds_free(&holds);
	return rc;
}

/* ---- verification ---- */

static struct {
	const struct cam_segments *segs;
	struct cam_strmap listed;	/* the files segs lists */
	const char *root;
	cam_store_report report;
	void *arg;
	int found;
} unlisted;

static int
unlisted_cb(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	size_t n = strlen(path), ext = strlen("." CAM_SEGMENT_EXT);
	const char *rel = path + strlen(unlisted.root) + 1;
	struct cam_err f;

	(void)st;
	(void)ftw;
	if (type != FTW_F || n <= ext || strcmp(path + n - ext,
	    "." CAM_SEGMENT_EXT) != 0 || strstr(rel, "/quarantine/") != NULL)
		return 0;
	size_t i;
	if (cam_strmap_get(&unlisted.listed, rel, &i) == 0)
		return 0;
	cam_errf(&f, CAM_NO, "%s: no manifest record lists it", rel);
	unlisted.report(unlisted.arg, "unlisted", &f);
	unlisted.found++;
	return 0;
}

/* "FILE: inner" in both languages: a file name needs no msgid. */
static void
segment_err(struct cam_err *f, const char *file, const struct cam_err *inner)
{
	char en[CAM_ERR_MAX], text[CAM_ERR_MAX];

	snprintf(en, sizeof(en), "%s: %.3000s", file, inner->msg);
	snprintf(text, sizeof(text), "%s: %.3000s", file, inner->text);
	cam_err_pair(f, CAM_NO, 0, en, text);
}

int
cam_store_verify(const char *root, const char *camera,
    cam_store_report report, void *arg, uint64_t *checked,
    struct cam_err *e)
{
	return cam_store_verify_since(root, camera, CAM_JOURNAL_ALL, report,
	    arg, checked, e);
}

int
cam_store_verify_since(const char *root, const char *camera, time_t since,
    cam_store_report report, void *arg, uint64_t *checked,
    struct cam_err *e)
{
	struct cam_segments segs;
	struct cam_journal_verify v;
	struct cam_err je, f;
	char manifest[PATH_MAX], camdir[PATH_MAX], path[PATH_MAX];
	char sha[65];
	int found = 0, journal_bad = 0;

	*checked = 0;
	if (cam_rec_manifest(manifest, sizeof(manifest), root, camera,
	    e) == -1 || cam_rec_camdir(camdir, sizeof(camdir), root, camera,
	    e) == -1)
		return -1;
	if (access(manifest, F_OK) == -1)
		return cam_errf(e, CAM_NO, "%s: no manifest: camera %s was "
		    "never recorded here", manifest, camera);
	cam_err_clear(&je);
	if (cam_journal_foreach_since_v(manifest, since, NULL, NULL, &v,
	    &je) == -1) {
		if (je.code == CAM_ENV)
			return cam_err_pair(e, CAM_ENV, 0, je.msg, je.text);
		report(arg, "journal", &je);
		found++;
		journal_bad = 1;
		/* The records before the bad one are still worth checking:
		 * cam_store_segments stops at it. */
	}
	cam_err_clear(&je);
	/* A record it refuses (a file outside the camera's directory) is a
	 * finding too, not "0 segments, 0 problems"; on a broken chain it
	 * stops at the record already reported. */
	if (cam_store_segments(root, camera, &segs, &je) == -1) {
		if (je.code == CAM_ENV) {
			cam_segments_free(&segs);
			return cam_err_pair(e, CAM_ENV, 0, je.msg, je.text);
		}
		if (!journal_bad) {
			report(arg, "manifest", &je);
			found++;
		}
	}
	for (size_t i = 0; i < segs.n; i++) {
		const struct cam_segment *s = &segs.v[i];
		uint64_t size;
		struct cam_err fe;

		(*checked)++;
		if (cam_path(path, sizeof(path), e, "%s/%s", root,
		    s->file) == -1) {
			cam_segments_free(&segs);
			return -1;
		}
		cam_err_clear(&fe);
		if (cam_crypto_sha256_file(path, sha, &size, &fe) == -1) {
			if (access(path, F_OK) == -1)
				cam_errf(&f, CAM_NO, "%s: missing, and no "
				    "deletion is journaled", s->file);
			else
				segment_err(&f, s->file, &fe);
			report(arg, "missing", &f);
			found++;
		} else if (size != s->bytes || strcmp(sha, s->sha256) != 0) {
			cam_errf(&f, CAM_NO, "%s: altered: %llu bytes, "
			    "SHA-256 %s; the manifest says %llu bytes, %s",
			    s->file, (unsigned long long)size, sha,
			    (unsigned long long)s->bytes, s->sha256);
			report(arg, "altered", &f);
			found++;
		}
	}
	unlisted.segs = &segs;
	unlisted.root = root;
	unlisted.report = report;
	unlisted.arg = arg;
	unlisted.found = 0;
	memset(&unlisted.listed, 0, sizeof(unlisted.listed));
	for (size_t i = 0; i < segs.n; i++)
		cam_strmap_put(&unlisted.listed, segs.v[i].file, i);
	int walked = nftw(camdir, unlisted_cb, 16, FTW_PHYS);
	cam_strmap_free(&unlisted.listed);
	if (walked == -1) {
		unlisted.segs = NULL;
		cam_segments_free(&segs);
		return cam_err_sys(e, "%s", camdir);
	}
	found += unlisted.found;
	unlisted.segs = NULL;	/* nftw's context does not outlive the walk */
	cam_segments_free(&segs);
	return found;
}

/* ---- every journal ---- */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
cam_store_cameras(const char *root, char ***out, size_t *n,
    struct cam_err *e)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;

	*out = NULL;
	*n = 0;
	if ((d = opendir(root)) == NULL)
		return errno == ENOENT ? 0 : cam_err_sys(e, "%s", root);
	while ((de = readdir(d)) != NULL) {
		if (!cam_id_valid(de->d_name) ||
		    snprintf(path, sizeof(path), "%s/%s/manifest", root,
		    de->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		*out = cam_xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = cam_xstrdup(de->d_name);
	}
	closedir(d);
	if (*n > 0)
		qsort(*out, *n, sizeof(**out), name_cmp);
	return 0;
}

int
cam_store_journals(const char *root,
    int (*cb)(void *arg, const char *name, const char *path), void *arg,
    struct cam_err *e)
{
	static const char *const top[] = { CAM_TRAIL_FILE,
	    CAM_LOGBOOK_FILE, CAM_HOLDS_FILE, CAM_EXTRACTIONS_FILE,
	    CAM_VIEWS_FILE, CAM_REPLICATION_FILE, NULL };
	char path[PATH_MAX], name[PATH_MAX];
	char **cams = NULL;
	size_t n = 0;
	struct stat st;
	int rc = 0;

	for (size_t i = 0; top[i] != NULL && rc == 0; i++) {
		if (cam_path(path, sizeof(path), e, "%s/%s", root, top[i]) == -1)
			return -1;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			rc = cb(arg, top[i], path);
	}
	if (rc != 0)
		return rc;
	if (cam_store_cameras(root, &cams, &n, e) == -1)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		snprintf(name, sizeof(name), "%s/manifest", cams[i]);
		if (cam_path(path, sizeof(path), e, "%s/%s", root, name) == -1)
			rc = -1;
		else
			rc = cb(arg, name, path);
	}
	for (size_t i = 0; i < n; i++)
		free(cams[i]);
	free(cams);
	return rc;
}
