/*
 * camextract: footage out only against a director-signed request, as a
 * signed archive.  main() parses the global options and dispatches to
 * one function per verb; the request is lib/cam_request, the cut
 * lib/cam_media, the tar lib/cam_archive, the site's signature
 * lib/cam_seal.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libavutil/log.h>

#include "evidence/cam_archive.h"
#include "cli/cam_cli.h"
#include "base/cam_crypto.h"
#include "journal/cam_journal.h"
#include "base/cam_json.h"
#include "media/cam_media.h"
#include "evidence/cam_request.h"
#include "journal/cam_seal.h"
#include "site/cam_site.h"
#include "media/cam_store.h"
#include "base/cam_time.h"
#include "base/cam_util.h"

#define EXTRACTIONS	"extractions.journal"

static const char *prog = "camextract";
static const char *dir;		/* the configuration directory */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: camextract [-C dir] request new [-o file]\n"
"       camextract [-C dir] sign --key key --cert cert [-o file] request\n"
"       camextract [-C dir] run request -o archive [--signature file ...]\n"
"              [--encrypt-to cert]\n"
"       camextract -h | --help | --version\n");
}

/* ---- request new, sign ---- */

static int
cmd_request(int argc, char **argv)
{
	static const struct option opts[] = {
		{ NULL, 0, NULL, 0 },
	};
	struct cam_buf b = CAM_BUF_INIT;
	const char *out = NULL, *zone = CAM_DEFAULT_ZONE;
	struct cam_site s;
	struct cam_err e;
	int c, rc = 0, have_site;

	if (argc < 2 || strcmp(argv[1], "new") != 0)
		return cam_cli_usage_error("request: only \"request new\"");
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
		switch (c) {
		case 'o': out = optarg; break;
		default: return cam_cli_usage_error("request new: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("request new: unexpected argument "
		    "\"%s\"", argv[optind]);
	cam_err_clear(&e);
	/* The site's zone if there is a site here; a template needs none. */
	have_site = cam_site_open(&s, dir, &e) == 0;
	if (have_site)
		zone = s.cfg.timezone;
	cam_request_template(&b, zone, time(NULL));
	if (out == NULL)
		fputs(cam_buf_str(&b), stdout);
	else if (access(out, F_OK) == 0)
		rc = cam_errf(&e, CAM_NO, "%s already exists", out);
	else if (cam_file_write_atomic(out, b.s, b.len, 0644, &e) == -1)
		rc = -1;
	if (rc != 0)
		rc = cam_cli_fail(&e);
	else if (out != NULL)
		printf("%s\n", out);
	cam_buf_free(&b);
	if (have_site)
		cam_site_close(&s);
	return rc == 0 && fflush(stdout) != 0 ? CAM_ENV : rc;
}

static int
cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *cert = NULL, *out = NULL;
	char def[PATH_MAX];
	struct cam_err e;
	int c;

	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
		switch (c) {
		case 'k': key = optarg; break;
		case 'c': cert = optarg; break;
		case 'o': out = optarg; break;
		default: return cam_cli_usage_error("sign: bad option");
		}
	if (key == NULL || cert == NULL || optind + 1 != argc)
		return cam_cli_usage_error("sign: give --key, --cert and one "
		    "request");
	cam_err_clear(&e);
	if (out == NULL) {
		/* REQUEST.p7s, or the next free REQUEST.N.p7s: one file a
		 * signer, all found beside the request. */
		snprintf(def, sizeof(def), "%s.p7s", argv[optind]);
		for (int i = 2; access(def, F_OK) == 0 && i < 100; i++)
			snprintf(def, sizeof(def), "%s.%d.p7s", argv[optind], i);
		out = def;
	}
	/* A signature is never replaced: it may be someone else's. */
	if (access(out, F_OK) == 0) {
		cam_errf(&e, CAM_NO, "%s already exists", out);
		return cam_cli_fail(&e);
	}
	if (cam_request_sign(argv[optind], key, cert, out, &e) == -1)
		return cam_cli_fail(&e);
	printf("%s\n", out);
	return fflush(stdout) == 0 ? 0 : CAM_ENV;
}

/* ---- run ---- */

/* One camera's part of the archive. */
struct clip {
	const char *camera;
	struct cam_segments segs;	/* every live segment of the camera */
	struct cam_media_src *src;	/* those overlapping the window */
	size_t *srcseg;			/* src[i] is segs.v[srcseg[i]] */
	size_t nsrc;
	struct cam_media_cut cut;
	char member[64];
	char sha256[65];
	uint64_t hold;
};

struct run {
	struct cam_site site;
	struct cam_request req;
	struct cam_request_sigs sigs;
	struct cam_buf *directors, *unit_heads;
	size_t ndirectors, nunit_heads;
	struct cam_trust *ca;
	struct cam_sealer *sealer;
	struct clip *clips;
	size_t nclips;
	struct cam_buf sums;		/* SHA256SUMS */
	const char *request_path;
	const char *out;
	char host[256];
	int lockfd;
	/* progress */
	int tty;
	uint64_t total, base;
	int encrypted;		/* the archive is encrypted to a recipient */
};

/* A refusal: audited, printed, exit 1; nothing written. */
static int
refuse(struct run *r, const char *reason, const struct cam_err *e)
{
	char why[CAM_ERR_MAX + 64];

	snprintf(why, sizeof(why), "%s: %s", reason, e->msg);
	cam_cli_audit(r->req.id != NULL ? r->req.id : r->request_path,
	    "refused", why, NULL);
	fprintf(stderr, "%s: refused (%s): ", prog, reason);
	{
		const char *p = e->msg;
		int first = 1;
		while (*p) {
			size_t n = strcspn(p, "\n");
			fprintf(stderr, "%s%.*s\n", first ? "" : "  ", (int)n, p);
			first = 0;
			p += n + (p[n] == '\n');
		}
	}
	return CAM_NO;
}

static int
fail(struct run *r, const struct cam_err *e)
{
	cam_cli_audit(r->req.id != NULL ? r->req.id : r->request_path,
	    e->code == CAM_NO ? "refused" : "failed", e->msg, NULL);
	return cam_cli_fail(e);
}

static void
progress(void *arg, uint64_t bytes)
{
	struct run *r = arg;
	uint64_t done = r->base + bytes;
	int pct, bar;

	if (!r->tty || r->total == 0)
		return;
	if (done > r->total)
		done = r->total;
	pct = (int)(done * 100 / r->total);
	bar = pct * 30 / 100;
	fprintf(stderr, "\r%s: [%.*s%*s] %3d%%", prog, bar,
	    "##############################", 30 - bar, "", pct);
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
check_replay(struct run *r, struct cam_err *e)
{
	char path[PATH_MAX];
	struct replay rp = { r->req.id, 0 };
	struct stat st;

	if (cam_path(path, sizeof(path), e, "%s/extractions.lock",
	    r->site.cfg.root) == -1)
		return -1;
	if (cam_mkdir_p(r->site.cfg.root, 0750, e) == -1)
		return -1;
	r->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (r->lockfd == -1)
		return cam_err_sys(e, "%s", path);
	/* Held until the extraction is journaled: two runs of one request
	 * cannot both pass this check. */
	if (flock(r->lockfd, LOCK_EX) == -1)
		return cam_err_sys(e, "lock %s", path);
	if (cam_path(path, sizeof(path), e, "%s/%s", r->site.cfg.root,
	    EXTRACTIONS) == -1)
		return -1;
	if (stat(path, &st) == -1)
		return errno == ENOENT ? 0 : cam_err_sys(e, "%s", path);
	if (cam_journal_foreach(path, replay_cb, &rp, e) == -1)
		return -1;
	if (rp.seq != 0)
		return cam_errf(e, CAM_NO, "request %s was already used "
		    "(%s, record %" PRIu64 "): a request is good for one "
		    "extraction", r->req.id, path, rp.seq);
	return 0;
}

/* The segments of each camera that overlap the window. */
static int
find_footage(struct run *r, struct cam_err *e)
{
	r->nclips = r->req.ncameras;
	r->clips = cam_xmalloc(r->nclips * sizeof(*r->clips));
	memset(r->clips, 0, r->nclips * sizeof(*r->clips));
	for (size_t i = 0; i < r->nclips; i++) {
		struct clip *c = &r->clips[i];

		c->camera = r->req.cameras[i];
		if (cam_store_segments(r->site.cfg.root, c->camera, &c->segs,
		    e) == -1)
			return -1;
		c->src = cam_xmalloc((c->segs.n + 1) * sizeof(*c->src));
		c->srcseg = cam_xmalloc((c->segs.n + 1) * sizeof(*c->srcseg));
		for (size_t k = 0; k < c->segs.n; k++) {
			const struct cam_segment *s = &c->segs.v[k];
			if (s->end < r->req.from || s->start >= r->req.to)
				continue;
			char *p = cam_xmalloc(PATH_MAX);
			if (cam_path(p, PATH_MAX, e, "%s/%s",
			    r->site.cfg.root, s->file) == -1) {
				free(p);
				return -1;
			}
			c->src[c->nsrc].path = p;
			c->src[c->nsrc].start = s->start;
			c->src[c->nsrc].end = s->end;
			c->srcseg[c->nsrc++] = k;
			r->total += s->bytes;
		}
		if (c->nsrc == 0) {
			char a[64], b[64];
			cam_time_format_local(r->req.from, r->site.cfg.timezone,
			    a, sizeof(a));
			cam_time_format_local(r->req.to, r->site.cfg.timezone,
			    b, sizeof(b));
			return cam_errf(e, CAM_NO, "camera %s has no footage "
			    "from %s to %s (outside what is recorded, or "
			    "pruned)", c->camera, a, b);
		}
		snprintf(c->member, sizeof(c->member), "clips/%s.mp4",
		    c->camera);
	}
	return 0;
}

static void
sum_line(struct run *r, const char *sha, const char *member)
{
	cam_buf_addf(&r->sums, "%s  %s\n", sha, member);
}

/* The custody record: who, when, where, under which configuration, and
 * for each clip the source segments with their manifest hashes. */
static void
custody(struct run *r, struct cam_buf *b, time_t now)
{
	const struct cam_actor *a = cam_cli_actor();

	cam_json_begin(b);
	cam_json_add_str(b, "format", "camkit-custody-1");
	cam_json_begin_obj(b, "request");
	cam_json_add_str(b, "id", r->req.id);
	cam_json_add_str(b, "sha256", r->req.sha256);
	cam_json_add_str(b, "requester", r->req.requester_name);
	cam_json_add_str(b, "unit", r->req.requester_unit);
	cam_json_add_str(b, "purpose", r->req.purpose);
	cam_json_add_time(b, "from", r->req.from);
	cam_json_add_time(b, "to", r->req.to);
	cam_json_add_time(b, "expires", r->req.expires);
	cam_json_end(b);
	cam_buf_adds(b, ",\n\"signers\":[");
	for (size_t i = 0; i < r->sigs.n; i++) {
		const struct cam_request_signer *s = &r->sigs.v[i];
		cam_buf_adds(b, i ? ",\n  " : "\n  ");
		cam_json_begin(b);
		cam_json_add_str(b, "subject", s->subject);
		cam_json_add_str(b, "sha256", s->sha256);
		cam_json_add_bool(b, "director",
		    (s->roles & CAM_ROLE_DIRECTOR) != 0);
		cam_json_add_bool(b, "unit_head",
		    (s->roles & CAM_ROLE_UNIT_HEAD) != 0);
		if (s->signed_at != 0)
			cam_json_add_time(b, "signed_at", s->signed_at);
		cam_json_end(b);
	}
	cam_buf_adds(b, "]");
	cam_json_begin_obj(b, "extraction");
	cam_json_add_str(b, "by", a->name);
	cam_json_add_uint(b, "uid", a->uid);
	cam_json_add_str(b, "host", r->host);
	cam_json_add_time(b, "at", now);
	cam_json_add_str(b, "site", r->site.cfg.site_name);
	cam_json_add_str(b, "config_commit", r->site.rev);
	cam_json_add_str(b, "program", "camextract " CAMKIT_VERSION);
	cam_json_end(b);
	cam_json_begin_obj(b, "recipient");
	cam_json_add_str(b, "name", r->req.recipient_name);
	if (r->req.recipient_unit != NULL)
		cam_json_add_str(b, "unit", r->req.recipient_unit);
	cam_json_add_bool(b, "encrypted", r->encrypted);
	cam_json_end(b);
	cam_buf_adds(b, ",\n\"clips\":[");
	for (size_t i = 0; i < r->nclips; i++) {
		const struct clip *c = &r->clips[i];
		cam_buf_adds(b, i ? ",\n  " : "\n  ");
		cam_json_begin(b);
		cam_json_add_str(b, "file", c->member);
		cam_json_add_str(b, "camera", c->camera);
		cam_json_add_str(b, "sha256", c->sha256);
		cam_json_add_str(b, "codec", c->cut.codec);
		cam_json_add_str(b, "tag", c->cut.tag);
		if (c->cut.audio[0] != '\0')
			cam_json_add_str(b, "audio", c->cut.audio);
		/* MP4 cannot carry some camera audio (G.711): say it was
		 * left out rather than hide it. */
		if (c->cut.audio_skipped[0] != '\0')
			cam_json_add_str(b, "audio_left_out",
			    c->cut.audio_skipped);
		cam_json_add_time(b, "first", c->cut.first);
		cam_json_add_time(b, "last", c->cut.last);
		cam_buf_addf(b, ",\"duration\":%.3f", c->cut.duration);
		cam_json_add_uint(b, "hold", c->hold);
		cam_buf_adds(b, ",\"sources\":[");
		for (size_t k = 0; k < c->cut.nused; k++) {
			const struct cam_segment *s =
			    &c->segs.v[c->srcseg[c->cut.used[k]]];
			cam_buf_adds(b, k ? ",\n    " : "\n    ");
			cam_json_begin(b);
			cam_json_add_str(b, "file", s->file);
			cam_json_add_str(b, "sha256", s->sha256);
			cam_json_add_uint(b, "bytes", s->bytes);
			cam_json_add_time(b, "start", s->start);
			cam_json_add_time(b, "end", s->end);
			cam_json_end(b);
		}
		cam_buf_adds(b, "],\"gaps\":[");
		for (size_t k = 0; k < c->cut.ngaps; k++) {
			cam_buf_adds(b, k ? "," : "");
			cam_json_begin(b);
			cam_json_add_time(b, "from", c->cut.gaps[k].from);
			cam_json_add_time(b, "to", c->cut.gaps[k].to);
			cam_json_end(b);
		}
		cam_buf_adds(b, "]}");
	}
	cam_buf_adds(b, "\n]}\n");
}

/* Cut each camera into a temporary MP4 beside the archive, then into
 * the tar; the temporary file goes at once. */
static int
add_clips(struct run *r, struct cam_archive *ar, struct cam_err *e)
{
	for (size_t i = 0; i < r->nclips; i++) {
		struct clip *c = &r->clips[i];
		char tmp[PATH_MAX];
		int fd, rc;

		if (cam_path(tmp, sizeof(tmp), e, "%s.%s-XXXXXX.mp4", r->out,
		    c->camera) == -1)
			return -1;
		/* A fresh name; the cut creates the file itself, exclusively. */
		if ((fd = mkostemps(tmp, 4, O_CLOEXEC)) == -1)
			return cam_err_sys(e, "%s", tmp);
		close(fd);
		unlink(tmp);
		rc = cam_media_cut(c->src, c->nsrc, r->req.from, r->req.to,
		    tmp, &c->cut, progress, r, e);
		if (rc == 0)
			rc = cam_archive_add_file(ar, c->member, tmp,
			    c->sha256, NULL, NULL, e);
		unlink(tmp);
		if (rc == -1)
			return -1;
		for (size_t k = 0; k < c->nsrc; k++)
			r->base += c->segs.v[c->srcseg[k]].bytes;
		sum_line(r, c->sha256, c->member);
	}
	return 0;
}

/* The request and every signature file, under request/. */
static int
add_request(struct run *r, struct cam_archive *ar, struct cam_err *e)
{
	char member[PATH_MAX], sha[65];
	const char *base = strrchr(r->request_path, '/');

	base = base ? base + 1 : r->request_path;
	snprintf(member, sizeof(member), "request/%s", base);
	if (cam_archive_add_mem(ar, member, r->req.raw.s, r->req.raw.len,
	    sha, e) == -1)
		return -1;
	sum_line(r, sha, member);
	for (size_t i = 0; i < r->sigs.nfiles; i++) {
		const char *f = r->sigs.files[i], *fb = strrchr(f, '/');
		fb = fb ? fb + 1 : f;
		snprintf(member, sizeof(member), "request/%s", fb);
		if (cam_archive_add_file(ar, member, f, sha, NULL, NULL,
		    e) == -1)
			return -1;
		sum_line(r, sha, member);
	}
	return 0;
}

static int
place_holds(struct run *r, struct cam_err *e)
{
	const struct cam_actor *a = cam_cli_actor();
	char reason[256];

	snprintf(reason, sizeof(reason), "request %s", r->req.id);
	for (size_t i = 0; i < r->nclips; i++) {
		if (cam_store_hold_add(r->site.cfg.root, r->host,
		    r->clips[i].camera, r->req.from, r->req.to, reason, a->name,
		    &r->clips[i].hold, e) == -1)
			return -1;
	}
	return 0;
}

static int
journal_extraction(struct run *r, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_journal *j = NULL;
	char path[PATH_MAX];
	int rc = -1;

	if (cam_path(path, sizeof(path), e, "%s/%s", r->site.cfg.root,
	    EXTRACTIONS) == -1)
		return -1;
	cam_json_begin(&b);
	cam_json_add_str(&b, "id", r->req.id);
	cam_json_add_str(&b, "request_sha256", r->req.sha256);
	cam_json_add_str(&b, "archive", r->out);
	cam_json_add_str(&b, "by", cam_cli_actor()->name);
	cam_json_end(&b);
	if (cam_journal_open(&j, path, r->host, e) == 0 &&
	    cam_journal_append(j, "extraction", cam_buf_str(&b), NULL, e) == 0)
		rc = 0;
	cam_journal_close(&j);
	cam_buf_free(&b);
	return rc;
}

static void
run_free(struct run *r)
{
	for (size_t i = 0; i < r->nclips; i++) {
		struct clip *c = &r->clips[i];
		for (size_t k = 0; k < c->nsrc; k++)
			free((char *)c->src[k].path);
		free(c->src);
		free(c->srcseg);
		cam_segments_free(&c->segs);
		cam_media_cut_free(&c->cut);
	}
	free(r->clips);
	for (size_t i = 0; i < r->ndirectors; i++)
		cam_buf_free(&r->directors[i]);
	free(r->directors);
	for (size_t i = 0; i < r->nunit_heads; i++)
		cam_buf_free(&r->unit_heads[i]);
	free(r->unit_heads);
	cam_trust_free(&r->ca);
	cam_sealer_free(&r->sealer);
	cam_request_sigs_free(&r->sigs);
	cam_request_free(&r->req);
	cam_buf_free(&r->sums);
	if (r->lockfd != -1)
		close(r->lockfd);
	cam_site_close(&r->site);
}

static int
open_sealer(struct run *r, struct cam_err *e)
{
	char key[PATH_MAX], crt[PATH_MAX];

	if (cam_path(key, sizeof(key), e, "%s/private/site.key", dir) == -1 ||
	    cam_path(crt, sizeof(crt), e, "%s/private/site.crt", dir) == -1)
		return -1;
	return cam_sealer_open(&r->sealer, key, crt, e);
}

static int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "signature", required_argument, NULL, 's' },
		{ "encrypt-to", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	const char **extra = NULL, *encrypt = NULL;
	struct cam_buf enc = CAM_BUF_INIT, cust = CAM_BUF_INIT,
	    der = CAM_BUF_INIT;
	struct cam_request_trust t;
	struct cam_archive *ar = NULL;
	struct run r;
	struct cam_err e;
	size_t nextra = 0;
	time_t now = time(NULL);
	char sha[65];
	int c, rc, ref;

	memset(&r, 0, sizeof(r));
	r.lockfd = -1;
	extra = cam_xmalloc((size_t)argc * sizeof(*extra));
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
		switch (c) {
		case 'o': r.out = optarg; break;
		case 's': extra[nextra++] = optarg; break;
		case 'E': encrypt = optarg; break;
		default:
			free(extra);
			return cam_cli_usage_error("run: bad option");
		}
	if (r.out == NULL || optind + 1 != argc) {
		free(extra);
		return cam_cli_usage_error("run: give one request and -o "
		    "archive");
	}
	r.request_path = argv[optind];
	r.tty = isatty(STDERR_FILENO);
	cam_cli_host(r.host, sizeof(r.host));
	cam_err_clear(&e);
	if (cam_site_open(&r.site, dir, &e) == -1) {
		free(extra);
		return cam_cli_fail(&e);
	}
	if ((rc = cam_cli_authorize(&r.site.cfg, dir, CAM_ACT_EXTRACT)) != 0)
		goto end;
	if (access(r.out, F_OK) == 0) {
		cam_errf(&e, CAM_NO, "%s already exists: an archive is never "
		    "overwritten", r.out);
		rc = refuse(&r, "archive-exists", &e);
		goto end;
	}
	/* What the request is, who signed it, and whether they may. */
	if (cam_request_load(&r.req, r.request_path, r.site.cfg.timezone,
	    &e) == -1) {
		rc = e.code == CAM_NO ? refuse(&r, "bad-request", &e) :
		    fail(&r, &e);
		goto end;
	}
	if (cam_site_trust(&r.site, &r.ca, &e) == -1 ||
	    cam_site_read_list(&r.site, &r.site.cfg.trust_director,
	    &r.directors, &r.ndirectors, &e) == -1 ||
	    cam_site_read_list(&r.site, &r.site.cfg.trust_unit_head,
	    &r.unit_heads, &r.nunit_heads, &e) == -1) {
		rc = fail(&r, &e);
		goto end;
	}
	memset(&t, 0, sizeof(t));
	t.ca = r.ca;
	t.directors = r.directors;
	t.ndirectors = r.ndirectors;
	t.unit_heads = r.unit_heads;
	t.nunit_heads = r.nunit_heads;
	t.need_unit_head = r.site.cfg.unit_head_signature;
	ref = cam_request_verify(&r.req, r.request_path, extra, nextra, &t,
	    now, &r.sigs, &e);
	if (ref == -1) {
		rc = fail(&r, &e);
		goto end;
	}
	if (ref != CAM_REQ_OK) {
		rc = refuse(&r, cam_request_refusal_name(ref), &e);
		goto end;
	}
	for (size_t i = 0; i < r.req.ncameras; i++)
		if (cam_config_camera(&r.site.cfg, r.req.cameras[i]) == NULL) {
			cam_errf(&e, CAM_NO, "camera \"%s\" is not in the "
			    "configuration in force", r.req.cameras[i]);
			rc = refuse(&r, "unknown-camera", &e);
			goto end;
		}
	if (check_replay(&r, &e) == -1) {
		rc = e.code == CAM_NO ? refuse(&r, "replay", &e) : fail(&r, &e);
		goto end;
	}
	if (find_footage(&r, &e) == -1) {
		rc = e.code == CAM_NO ? refuse(&r, "no-footage", &e) :
		    fail(&r, &e);
		goto end;
	}
	if (encrypt != NULL) {
		if (cam_file_read(encrypt, 1 << 20, &enc, &e) == -1) {
			rc = fail(&r, &e);
			goto end;
		}
	} else if (r.req.recipient_cert != NULL)
		cam_buf_adds(&enc, r.req.recipient_cert);
	r.encrypted = enc.len > 0;
	/* Every check before anything is written: a recipient certificate
	 * that cannot be used must not leave a hold behind. */
	if (enc.len > 0 && cam_crypto_cert_count(enc.s, enc.len) != 1) {
		cam_errf(&e, CAM_NO, "%s: not one X.509 certificate to "
		    "encrypt to", encrypt != NULL ? encrypt :
		    "recipient.certificate");
		rc = refuse(&r, "bad-recipient", &e);
		goto end;
	}
	if (open_sealer(&r, &e) == -1) {
		rc = fail(&r, &e);
		goto end;
	}

	/* Accepted: hold the window, then write. */
	if (place_holds(&r, &e) == -1 ||
	    cam_archive_create(&ar, r.out, now, &e) == -1 ||
	    add_clips(&r, ar, &e) == -1 || add_request(&r, ar, &e) == -1) {
		rc = fail(&r, &e);
		goto end;
	}
	custody(&r, &cust, now);
	if (cam_archive_add_mem(ar, "custody.json", cust.s, cust.len, sha,
	    &e) == -1) {
		rc = fail(&r, &e);
		goto end;
	}
	sum_line(&r, sha, "custody.json");
	if (cam_archive_add_mem(ar, "SHA256SUMS", r.sums.s, r.sums.len, NULL,
	    &e) == -1 ||
	    cam_sealer_sign_der(r.sealer, r.sums.s, r.sums.len, &der,
	    &e) == -1 ||
	    cam_archive_add_mem(ar, "SHA256SUMS.p7s", der.s, der.len, NULL,
	    &e) == -1 ||
	    cam_archive_commit(&ar, enc.len ? enc.s : NULL, enc.len,
	    &e) == -1 ||
	    journal_extraction(&r, &e) == -1) {
		rc = fail(&r, &e);
		goto end;
	}
	{
		struct cam_buf d = CAM_BUF_INIT;
		cam_json_begin(&d);
		cam_json_add_str(&d, "archive", r.out);
		cam_json_add_uint(&d, "cameras", r.nclips);
		cam_json_add_bool(&d, "encrypted", enc.len > 0);
		cam_json_end(&d);
		cam_cli_audit(r.req.id, "granted", NULL, cam_buf_str(&d));
		cam_buf_free(&d);
	}
	for (size_t i = 0; i < r.nclips; i++) {
		const struct clip *cl = &r.clips[i];
		printf("%s\t%s\t%.1f s\t%zu segments\t%zu gaps\thold %" PRIu64
		    "\n", cl->member, cl->cut.codec, cl->cut.duration,
		    cl->cut.nused, cl->cut.ngaps, cl->hold);
	}
	printf("%s\n", r.out);
	rc = fflush(stdout) == 0 ? 0 : CAM_ENV;
end:
	if (r.tty && r.total)
		fputc('\n', stderr);
	cam_archive_abort(&ar);
	cam_buf_free(&enc);
	cam_buf_free(&cust);
	cam_buf_free(&der);
	free(extra);
	run_free(&r);
	return rc;
}

static const struct cam_cli_verb verbs[] = {
	{ "request", cmd_request, 0 },
	{ "sign", cmd_sign, 0 },
	{ "run", cmd_run, 0 },
};

int
main(int argc, char **argv)
{
	av_log_set_level(AV_LOG_QUIET);
	cam_cli_setup(prog, usage);
	return cam_cli_run(argc, argv, verbs, sizeof(verbs) / sizeof(verbs[0]),
	    &dir);
}
