/*
 * cam_extract: the extraction pipeline (see cam_extract.h).  The
 * request is cam_request, the cut cam_media, the tar cam_archive, the
 * custody record cam_custody, the site's signature cam_seal.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cam_crypto.h"
#include "base/cam_json.h"
#include "base/cam_time.h"
#include "evidence/cam_custody.h"
#include "evidence/cam_extract.h"
#include "journal/cam_journal.h"
#include "site/cam_secret.h"

/* Beside the journal: held from the replay check until the extraction
 * is journaled. */
#define EXTRACTIONS_LOCK	"extractions.lock"

/* Fail with x->refusal set: the answer is no. */
static int
refuse(struct cam_extract *x, const char *reason)
{
	x->refusal = reason;
	return -1;
}

/* ---- the checks ---- */

/* The cut reports bytes read of its clip; its segments are read in
 * order, so those whose bytes are all behind are done. */
static void
progress(void *arg, uint64_t bytes)
{
	struct cam_extract *x = arg;
	const struct cam_extract_clip *c = x->cutting;
	struct cam_progress p = { x->segbase, x->nsegs, x->base + bytes,
	    x->total };
	uint64_t sum = 0;

	if (x->o->progress == NULL)
		return;
	for (size_t k = 0; c != NULL && k < c->nsrc; k++) {
		sum += c->segs.v[c->srcseg[k]].bytes;
		if (sum > bytes)
			break;
		p.done++;
	}
	x->o->progress(x->o->arg, &p);
}

/* Was this request id already used?  The caller holds the lock. */
struct replay {
	const char *id;
	uint64_t seq;
};

static int
replay_cb(void *arg, const struct cam_journal_rec *rec)
{
	struct replay *rp = arg;
	char id[256];

	if (strcmp(rec->kind, "extraction") == 0 &&
	    cam_json_get_str(rec->data, "id", id, sizeof(id)) == 0 &&
	    strcmp(id, rp->id) == 0)
		rp->seq = rec->seq;
	return 0;
}

static int
check_replay(struct cam_extract *x, struct cam_err *e)
{
	const char *root = x->site->cfg.root;
	char path[PATH_MAX];
	struct replay rp = { x->req.id, 0 };
	struct stat st;

	if (cam_path(path, sizeof(path), e, "%s/" EXTRACTIONS_LOCK,
	    root) == -1)
		return -1;
	if (cam_mkdir_p(root, 0750, e) == -1)
		return -1;
	x->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (x->lockfd == -1)
		return cam_err_sys(e, "%s", path);
	/* Held until the extraction is journaled: two runs of one request
	 * cannot both pass this check. */
	if (flock(x->lockfd, LOCK_EX) == -1)
		return cam_err_sys(e, "lock %s", path);
	if (cam_path(path, sizeof(path), e, "%s/" CAM_EXTRACTIONS_FILE,
	    root) == -1)
		return -1;
	if (stat(path, &st) == -1)
		return errno == ENOENT ? 0 : cam_err_sys(e, "%s", path);
	if (cam_journal_foreach(path, replay_cb, &rp, e) == -1)
		return -1;
	if (rp.seq != 0)
		return cam_errf(e, CAM_NO, "request %s was already used "
		    "(%s, record %" PRIu64 "): a request is good for one "
		    "extraction", x->req.id, path, rp.seq);
	return 0;
}

/* The segments of camera c that overlap the window; CAM_NO if none.
 * Another host's camera is read from the store: its manifest first,
 * then the segments picked (cam_extract_remote.c). */
static int
find_clip(struct cam_extract *x, struct cam_extract_clip *c,
    struct cam_err *e)
{
	const struct cam_config *cfg = &x->site->cfg;
	const struct cam_camera *cam = cam_config_camera(cfg, c->camera);
	char a[64], b[64], remote[PATH_MAX];
	const char *root = cfg->root;

	c->host = cam != NULL ? cam_camera_host(cfg, cam) : NULL;
	if (c->host == NULL)	/* no host: named: this one */
		c->host = x->o->host != NULL ? x->o->host : "";
	c->remote = x->o->host != NULL && strcmp(c->host, x->o->host) != 0;
	if (c->remote) {
		if (cam_extract_remote_manifest(x, c, remote, sizeof(remote),
		    e) == -1)
			return -1;
		root = remote;
	}
	if (cam_store_segments(root, c->camera, &c->segs, e) == -1)
		return -1;
	c->src = cam_xmalloc((c->segs.n + 1) * sizeof(*c->src));
	c->srcseg = cam_xmalloc((c->segs.n + 1) * sizeof(*c->srcseg));
	for (size_t k = 0; k < c->segs.n; k++) {
		const struct cam_segment *s = &c->segs.v[k];
		if (s->end < x->req.from || s->start >= x->req.to)
			continue;
		char *p = cam_xmalloc(PATH_MAX);
		if (cam_path(p, PATH_MAX, e, "%s/%s", root,
		    s->file) == -1) {
			free(p);
			return -1;
		}
		c->src[c->nsrc].path = p;
		c->src[c->nsrc].start = s->start;
		c->src[c->nsrc].end = s->end;
		c->srcseg[c->nsrc++] = k;
		x->total += s->bytes;
		x->nsegs++;
	}
	if (c->nsrc == 0) {
		cam_time_format_human(x->req.from, cfg->timezone, a, sizeof(a));
		cam_time_format_human(x->req.to, cfg->timezone, b, sizeof(b));
		if (c->remote)
			return cam_errf(e, CAM_NO, "camera %s on host %s has "
			    "no footage from %s to %s in the store (outside "
			    "what is recorded, or pruned)", c->camera, c->host,
			    a, b);
		return cam_errf(e, CAM_NO, "camera %s has no footage from %s "
		    "to %s (outside what is recorded, or pruned)", c->camera,
		    a, b);
	}
	if (c->remote && cam_extract_remote_fetch(x, c, e) == -1)
		return -1;
	snprintf(c->member, sizeof(c->member), CAM_ARCHIVE_CLIPS "%s.mp4",
	    c->camera);
	return 0;
}

static int
find_footage(struct cam_extract *x, struct cam_err *e)
{
	x->nclips = x->req.ncameras;
	x->clips = cam_xmalloc(x->nclips * sizeof(*x->clips));
	memset(x->clips, 0, x->nclips * sizeof(*x->clips));
	for (size_t i = 0; i < x->nclips; i++) {
		x->clips[i].camera = x->req.cameras[i];
		if (find_clip(x, &x->clips[i], e) == -1)
			return -1;
	}
	return 0;
}

/* The request, who signed it and whether they may (cam_request_check,
 * as for a view request): 0, or -1 with e (and x->refusal when the
 * request is refused). */
static int
check_request(struct cam_extract *x, struct cam_err *e)
{
	const char *ref = NULL;

	if (cam_request_check(x->site, x->o->request, x->o->signatures,
	    x->o->nsignatures, CAM_REQUEST_EXTRACT, x->o->now, &x->req,
	    &x->sigs, &ref, e) == -1)
		return ref != NULL ? refuse(x, ref) : -1;
	return 0;
}

/* Is the recipient's certificate revoked (trust.crl)?  1 with the
 * refusal in e (or the failure to read the trust), 0 if not. */
static int
recipient_revoked(struct cam_extract *x, const char *enc, struct cam_err *e)
{
	struct cam_trust *t = NULL;
	char subj[256], date[64];
	time_t when;
	int r;

	if (cam_site_trust(x->site, &t, e) == -1)
		return 1;
	r = cam_trust_cert_revoked(t, x->recipient.s, x->recipient.len, subj,
	    sizeof(subj), &when);
	cam_trust_free(&t);
	if (r != 1)
		return 0;
	cam_time_format_human(when, x->site->cfg.timezone, date, sizeof(date));
	cam_errf(e, CAM_NO, "%s: the recipient's certificate %s was revoked "
	    "on %s (trust.crl): footage is not encrypted to it",
	    enc != NULL ? enc : "recipient.certificate", subj, date);
	refuse(x, "revoked");
	return 1;
}

/* The certificate to encrypt to, if any, and the site's signing key. */
static int
check_keys(struct cam_extract *x, struct cam_err *e)
{
	const char *enc = x->o->encrypt_to;
	char key[PATH_MAX], crt[PATH_MAX];

	if (enc != NULL) {
		if (cam_file_read(enc, 1 << 20, &x->recipient, e) == -1)
			return -1;
	} else if (x->req.recipient_cert != NULL)
		cam_buf_adds(&x->recipient, x->req.recipient_cert);
	x->encrypted = x->recipient.len > 0;
	/* Every check before anything is written: a recipient certificate
	 * that cannot be used must not leave a hold behind. */
	if (x->encrypted && cam_crypto_cert_count(x->recipient.s,
	    x->recipient.len) != 1) {
		cam_errf(e, CAM_NO, "%s: not one X.509 certificate to "
		    "encrypt to", enc != NULL ? enc : "recipient.certificate");
		return refuse(x, "bad-recipient");
	}
	if (x->encrypted && recipient_revoked(x, enc, e))
		return -1;
	if (cam_secret_site_key(x->o->confdir, key, crt, e) == -1)
		return -1;
	return cam_sealer_open(&x->sealer, key, crt, e);
}

/* ---- the writing ---- */

static void
sum_line(struct cam_extract *x, const char *sha, const char *member)
{
	cam_buf_addf(&x->sums, "%s  %s\n", sha, member);
}

static int
place_holds(struct cam_extract *x, struct cam_err *e)
{
	char reason[256];

	snprintf(reason, sizeof(reason), "request %s", x->req.id);
	for (size_t i = 0; i < x->nclips; i++) {
		/* A hold is the recording host's: another host's footage is
		 * in hand already, in the store under its own lock. */
		if (x->clips[i].remote)
			continue;
		if (cam_store_hold_add(x->site->cfg.root, x->o->host,
		    x->clips[i].camera, x->req.from, x->req.to, reason,
		    x->o->actor->name, &x->clips[i].hold, e) == -1)
			return -1;
	}
	return 0;
}

/* Cut each camera into a temporary MP4 beside the archive, then into
 * the tar; the temporary file goes at once. */
static int
add_clips(struct cam_extract *x, struct cam_err *e)
{
	for (size_t i = 0; i < x->nclips; i++) {
		struct cam_extract_clip *c = &x->clips[i];
		char tmp[PATH_MAX];
		int fd, rc;

		if (cam_path(tmp, sizeof(tmp), e, "%s.%s-XXXXXX.mp4", x->o->out,
		    c->camera) == -1)
			return -1;
		/* A fresh name; the cut creates the file itself, exclusively. */
		if ((fd = mkostemps(tmp, 4, O_CLOEXEC)) == -1)
			return cam_err_sys(e, "%s", tmp);
		close(fd);
		unlink(tmp);
		x->cutting = c;
		rc = cam_media_cut(c->src, c->nsrc, x->req.from, x->req.to,
		    x->site->cfg.timezone, tmp, &c->cut, progress, x, e);
		if (rc == 0)
			rc = cam_archive_add_file(x->ar, c->member, tmp,
			    c->sha256, NULL, NULL, e);
		unlink(tmp);
		if (rc == -1)
			return -1;
		for (size_t k = 0; k < c->nsrc; k++)
			x->base += c->segs.v[c->srcseg[k]].bytes;
		x->segbase += c->nsrc;
		x->cutting = NULL;
		/* The clip is whole: say so, whatever the cut last said. */
		if (x->o->progress != NULL) {
			struct cam_progress p = { x->segbase, x->nsegs,
			    x->base, x->total };

			x->o->progress(x->o->arg, &p);
		}
		sum_line(x, c->sha256, c->member);
	}
	return 0;
}

/* The request and every signature file, under request/. */
static int
add_request(struct cam_extract *x, struct cam_err *e)
{
	char member[PATH_MAX], sha[65];
	const char *base = strrchr(x->o->request, '/');

	base = base ? base + 1 : x->o->request;
	snprintf(member, sizeof(member), CAM_ARCHIVE_REQUEST "%s", base);
	if (cam_archive_add_mem(x->ar, member, x->req.raw.s, x->req.raw.len,
	    sha, e) == -1)
		return -1;
	sum_line(x, sha, member);
	for (size_t i = 0; i < x->sigs.nfiles; i++) {
		const char *f = x->sigs.files[i], *fb = strrchr(f, '/');
		fb = fb ? fb + 1 : f;
		snprintf(member, sizeof(member), CAM_ARCHIVE_REQUEST "%s", fb);
		if (cam_archive_add_file(x->ar, member, f, sha, NULL, NULL,
		    e) == -1)
			return -1;
		sum_line(x, sha, member);
	}
	return 0;
}

/* A copy of s, NULL for NULL (written as ""). */
static char *
str_copy(const char *s)
{
	return s != NULL ? cam_xstrdup(s) : NULL;
}

/* A copy of s, NULL for NULL or "" (a member left out). */
static char *
dup_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? cam_xstrdup(s) : NULL;
}

/* The custody record of clip c: for each source segment its manifest
 * hash, and the gaps the cut found. */
static void
custody_clip(const struct cam_extract_clip *c, struct cam_custody_clip *k)
{
	cam_custody_clip_alloc(k, c->cut.nused, c->cut.ngaps);
	k->file = str_copy(c->member);
	k->camera = str_copy(c->camera);
	k->sha256 = str_copy(c->sha256);
	k->codec = str_copy(c->cut.codec);
	k->tag = str_copy(c->cut.tag);
	k->audio = dup_or_null(c->cut.audio);
	k->audio_left_out = dup_or_null(c->cut.audio_skipped);
	k->first = c->cut.first;
	k->last = c->cut.last;
	k->duration = c->cut.duration;
	k->have_duration = 1;
	k->hold = c->hold;
	for (size_t i = 0; i < c->cut.nused; i++) {
		const struct cam_segment *s =
		    &c->segs.v[c->srcseg[c->cut.used[i]]];
		k->sources[i].file = str_copy(s->file);
		k->sources[i].sha256 = str_copy(s->sha256);
		k->sources[i].bytes = (int64_t)s->bytes;
		k->sources[i].start = s->start;
		k->sources[i].end = s->end;
		k->sources[i].host = str_copy(c->host);
	}
	for (size_t i = 0; i < c->cut.ngaps; i++) {
		k->gaps[i].from = c->cut.gaps[i].from;
		k->gaps[i].to = c->cut.gaps[i].to;
	}
}

/* The custody record: who, when, where, under which configuration, and
 * each clip. */
static void
custody(const struct cam_extract *x, struct cam_custody *cy)
{
	const struct cam_request *r = &x->req;

	memset(cy, 0, sizeof(*cy));
	cam_custody_alloc(cy, x->sigs.n, x->nclips);
	cy->have_request = 1;
	cy->req_id = str_copy(r->id);
	cy->req_sha256 = str_copy(r->sha256);
	cy->requester = str_copy(r->requester_name);
	cy->unit = str_copy(r->requester_unit);
	cy->purpose = str_copy(r->purpose);
	cy->from = r->from;
	cy->to = r->to;
	cy->expires = r->expires;
	for (size_t i = 0; i < x->sigs.n; i++) {
		const struct cam_request_signer *s = &x->sigs.v[i];
		cy->signers[i].subject = str_copy(s->subject);
		cy->signers[i].sha256 = str_copy(s->sha256);
		cy->signers[i].director = (s->roles & CAM_ROLE_DIRECTOR) != 0;
		cy->signers[i].unit_head =
		    (s->roles & CAM_ROLE_UNIT_HEAD) != 0;
		cy->signers[i].signed_at = s->signed_at;
	}
	cy->by = str_copy(x->o->actor->name);
	cy->uid = cam_actor_person(x->o->actor);	/* by's */
	if (cam_actor_differs(x->o->actor)) {
		cy->as = str_copy(x->o->actor->as);
		cy->as_uid = x->o->actor->uid;
	}
	cy->host = str_copy(x->o->host);
	cy->at = x->o->now;
	cy->site = str_copy(x->site->cfg.site_name);
	cy->config_commit = str_copy(x->site->rev);
	cy->program = str_copy(x->o->program);
	cy->recipient = str_copy(r->recipient_name);
	cy->recipient_unit = str_copy(r->recipient_unit);
	cy->encrypted = x->encrypted;
	for (size_t i = 0; i < x->nclips; i++)
		custody_clip(&x->clips[i], &cy->clips[i]);
}

void
cam_extract_hosts(const struct cam_extract *x, struct cam_buf *b)
{
	cam_buf_adds(b, ",\"hosts\":[");
	for (size_t i = 0, n = 0; i < x->nclips; i++) {
		size_t k;

		for (k = 0; k < i; k++)
			if (strcmp(x->clips[k].host, x->clips[i].host) == 0)
				break;
		if (k < i)
			continue;
		if (n++ > 0)
			cam_buf_adds(b, ",");
		cam_json_str(b, x->clips[i].host);
	}
	cam_buf_adds(b, "]");
}

static int
journal_extraction(struct cam_extract *x, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_journal *j = NULL;
	char path[PATH_MAX];
	int rc = -1;

	if (cam_path(path, sizeof(path), e, "%s/" CAM_EXTRACTIONS_FILE,
	    x->site->cfg.root) == -1)
		return -1;
	cam_json_begin(&b);
	cam_json_add_str(&b, "id", x->req.id);
	cam_json_add_str(&b, "request_sha256", x->req.sha256);
	/* Absolute, so that camrec replicate finds it from anywhere. */
	char cwd[PATH_MAX], abs[PATH_MAX];
	if (x->o->out[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL &&
	    snprintf(abs, sizeof(abs), "%s/%s", cwd, x->o->out) <
	    (int)sizeof(abs))
		cam_json_add_str(&b, "archive", abs);
	else
		cam_json_add_str(&b, "archive", x->o->out);
	cam_json_add_str(&b, "by", x->o->actor->name);
	cam_extract_hosts(x, &b);
	cam_json_end(&b);
	if (cam_journal_open(&j, path, x->o->host, e) == 0 &&
	    cam_journal_append(j, "extraction", cam_buf_str(&b), NULL, e) == 0)
		rc = 0;
	cam_journal_close(&j);
	cam_buf_free(&b);
	return rc;
}

/* The archive: clips, request, custody, sums and their signature. */
static int
write_archive(struct cam_extract *x, struct cam_err *e)
{
	struct cam_buf cust = CAM_BUF_INIT, der = CAM_BUF_INIT;
	struct cam_custody cy;
	char sha[65];
	int rc = -1;

	if (cam_archive_create(&x->ar, x->o->out, x->o->now, e) == -1 ||
	    add_clips(x, e) == -1 || add_request(x, e) == -1)
		return -1;
	custody(x, &cy);
	cam_custody_write(&cy, &cust);
	cam_custody_free(&cy);
	if (cam_archive_add_mem(x->ar, CAM_CUSTODY_FILE, cust.s, cust.len, sha,
	    e) == -1)
		goto end;
	sum_line(x, sha, CAM_CUSTODY_FILE);
	if (cam_archive_add_mem(x->ar, CAM_ARCHIVE_SUMS, x->sums.s, x->sums.len,
	    NULL, e) == -1 ||
	    cam_sealer_sign_der(x->sealer, x->sums.s, x->sums.len, &der,
	    e) == -1 ||
	    cam_archive_add_mem(x->ar, CAM_ARCHIVE_SUMS_SIG, der.s, der.len,
	    NULL, e) == -1 ||
	    cam_archive_commit(&x->ar, x->encrypted ? x->recipient.s : NULL,
	    x->recipient.len, e) == -1)
		goto end;
	rc = 0;
end:
	cam_buf_free(&cust);
	cam_buf_free(&der);
	return rc;
}

int
cam_extract_run(struct cam_extract *x, struct cam_site *site,
    const struct cam_extract_opts *o, struct cam_err *e)
{
	memset(x, 0, sizeof(*x));
	x->lockfd = -1;
	x->o = o;
	x->site = site;
	if (access(o->out, F_OK) == 0) {
		cam_errf(e, CAM_NO, "%s already exists: an archive is never "
		    "overwritten", o->out);
		return refuse(x, "archive-exists");
	}
	if (check_request(x, e) == -1)
		return -1;
	if (check_replay(x, e) == -1)
		return e->code == CAM_NO ? refuse(x, "replay") : -1;
	if (find_footage(x, e) == -1) {
		if (x->refusal != NULL)
			return -1;
		return e->code == CAM_NO ? refuse(x, "no-footage") : -1;
	}
	if (check_keys(x, e) == -1)
		return -1;
	/* Accepted: hold the window, then write. */
	if (place_holds(x, e) == -1 || write_archive(x, e) == -1 ||
	    journal_extraction(x, e) == -1)
		return -1;
	return 0;
}

void
cam_extract_free(struct cam_extract *x)
{
	cam_archive_abort(&x->ar);
	for (size_t i = 0; i < x->nclips; i++) {
		struct cam_extract_clip *c = &x->clips[i];
		for (size_t k = 0; k < c->nsrc; k++)
			free((char *)c->src[k].path);
		free(c->src);
		free(c->srcseg);
		cam_segments_free(&c->segs);
		cam_media_cut_free(&c->cut);
	}
	free(x->clips);
	cam_sealer_free(&x->sealer);
	cam_request_sigs_free(&x->sigs);
	cam_request_free(&x->req);
	cam_buf_free(&x->sums);
	cam_buf_free(&x->recipient);
	if (x->lockfd != -1)
		close(x->lockfd);
	x->lockfd = -1;
	cam_extract_remote_free(x);
}
