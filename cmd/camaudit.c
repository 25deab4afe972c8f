/*
 * camaudit: the compliance officer's verifier.  It reads; it never
 * changes anything.  main() parses the global options and dispatches to
 * one function per verb: verify (an archive made by camextract),
 * journals (every journal of the site: chain, seals, witness),
 * recordings, access, config (the configuration's git history), cameras
 * (the security of each camera) and report (the month, for the
 * director).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <libavutil/log.h>
#include <openssl/evp.h>

#include "cam_archive.h"
#include "cam_cli.h"
#include "cam_config.h"
#include "cam_repo.h"
#include "cam_crypto.h"
#include "cam_defaults.h"
#include "cam_journal.h"
#include "cam_json.h"
#include "cam_logbook.h"
#include "cam_media.h"
#include "cam_rec.h"
#include "cam_request.h"
#include "cam_seal.h"
#include "cam_secret.h"
#include "cam_site.h"
#include "cam_store.h"
#include "cam_time.h"
#include "cam_util.h"

static const char *prog = "camaudit";
static const char *dir;		/* the configuration directory */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: camaudit [-C dir] verify archive [--trust dir] [--key file]\n"
"              [--json]\n"
"       camaudit [-C dir] journals [--json]\n"
"       camaudit [-C dir] recordings [--camera id] [--from time] [--to time]\n"
"              [--json]\n"
"       camaudit [-C dir] access [--since time] [--json]\n"
"       camaudit [-C dir] config [--since time] [--json]\n"
"       camaudit [-C dir] cameras [--camera id] [--defaults file] [--json]\n"
"       camaudit [-C dir] report [--month yyyy-mm] [--json]\n"
"       camaudit -h | --help | --version\n");
}

/* The configuration in force, if the caller may audit under it;
 * else the exit status (printed, and a refusal audited). */
static int
open_site(struct cam_site *s)
{
	struct cam_err e;
	int rc;

	cam_err_clear(&e);
	if (cam_site_open(s, dir, &e) == -1)
		return cam_cli_fail(&e);
	if ((rc = cam_cli_authorize(&s->cfg, dir, CAM_ACT_AUDIT)) != 0)
		cam_site_close(s);
	return rc;
}

/* ---- one line per check ---- */

struct report {
	int json, failed, n;
	struct cam_buf out;
};

/* One line; camera and severity (NULL: none) only for camaudit
 * cameras, and only in its JSON. */
static void
vcheck(struct report *rp, int ok, const char *camera, const char *severity,
    const char *name, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

static void
vcheck(struct report *rp, int ok, const char *camera, const char *severity,
    const char *name, const char *fmt, va_list ap)
{
	char detail[2048];

	vsnprintf(detail, sizeof(detail), fmt, ap);
	if (!ok)
		rp->failed++;
	if (rp->json) {
		cam_buf_adds(&rp->out, rp->n ? ",\n  " : "\n  ");
		cam_json_begin(&rp->out);
		cam_json_add_str(&rp->out, "check", name);
		cam_json_add_bool(&rp->out, "ok", ok);
		if (camera != NULL)
			cam_json_add_str(&rp->out, "camera", camera);
		if (severity != NULL)
			cam_json_add_str(&rp->out, "severity", severity);
		cam_json_add_str(&rp->out, "detail", detail);
		cam_json_end(&rp->out);
	} else
		cam_buf_addf(&rp->out, "%s\t%s\t%s\n", ok ? "ok" : "FAIL",
		    name, detail);
	rp->n++;
}

static void
check(struct report *rp, int ok, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
check(struct report *rp, int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(rp, ok, NULL, NULL, name, fmt, ap);
	va_end(ap);
}

static int
finish(struct report *rp)
{
	if (rp->json)
		printf("{\"ok\": %s, \"checks\": [%s\n]}\n",
		    rp->failed ? "false" : "true", cam_buf_str(&rp->out));
	else
		fputs(cam_buf_str(&rp->out), stdout);
	cam_buf_free(&rp->out);
	if (fflush(stdout) != 0)
		return CAM_ENV;
	return rp->failed ? CAM_NO : 0;
}

/* ---- verify: an archive ---- */

#define SMALL_MAX	(4 << 20)

struct member {
	char *name;
	char sha256[65];
	uint64_t size;
	struct cam_buf data;	/* small members only */
	/* Where its bytes lie in the tar file, when they lie there
	 * contiguously (no sparse member): media are read in place. */
	uint64_t offset;
	int contiguous;
};

struct archive_view {
	struct member *m;
	size_t n;
	char tmp[PATH_MAX];	/* request files written out, for the
				 * signature check beside the request */
};

static const struct member *
member(const struct archive_view *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->m[i].name, name) == 0)
			return &v->m[i];
	return NULL;
}

static int
name_safe(const char *name)
{
	return name[0] != '\0' && name[0] != '/' &&
	    strstr(name, "..") == NULL && strstr(name, "//") == NULL &&
	    cam_utf8_clean(name, strlen(name), 0);
}

/* Read every member once: hash it, keep the small ones, note where its
 * data lies.  The blocks are hashed where libarchive read them, never
 * copied: hashing is what bounds the speed of a multi-gigabyte verify. */
static int
read_archive(int fd, const char *path, struct archive_view *v,
    struct report *rp, struct cam_err *e)
{
	static const char zero[4096];
	struct archive *a = archive_read_new();
	struct archive_entry *en;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int r, rc = -1, bad = 0;

	if (a == NULL || md == NULL)
		return cam_errf(e, CAM_ENV, "out of memory");
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, 1 << 20) != ARCHIVE_OK) {
		check(rp, 0, "tar", "%s: %s", path, archive_error_string(a));
		rc = 0;
		goto end;
	}
	while ((r = archive_read_next_header(a, &en)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(en);
		struct member *m;
		unsigned char d[EVP_MAX_MD_SIZE];
		unsigned int dl;
		const void *blk;
		size_t n;
		la_int64_t at;

		if (name == NULL || !name_safe(name)) {
			check(rp, 0, "tar", "unsafe member name \"%s\"",
			    name ? name : "");
			bad = 1;
			continue;
		}
		if (archive_entry_filetype(en) != AE_IFREG) {
			check(rp, 0, "tar", "%s: not a regular file", name);
			bad = 1;
			continue;
		}
		for (size_t i = 0; i < v->n; i++)
			if (strcmp(v->m[i].name, name) == 0) {
				check(rp, 0, "tar", "%s appears twice", name);
				bad = 1;
			}
		v->m = cam_xrealloc(v->m, (v->n + 1) * sizeof(*v->m));
		m = &v->m[v->n++];
		memset(m, 0, sizeof(*m));
		m->name = cam_xstrdup(name);
		/* Once the header is read, the tar reader stands at the
		 * member's data. */
		m->offset = (uint64_t)archive_filter_bytes(a, 0);
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		while ((r = archive_read_data_block(a, &blk, &n, &at)) ==
		    ARCHIVE_OK) {
			/* A hole of a sparse member reads as zeros. */
			while ((uint64_t)at > m->size) {
				size_t z = (uint64_t)at - m->size > sizeof(zero) ?
				    sizeof(zero) : (size_t)((uint64_t)at - m->size);
				EVP_DigestUpdate(md, zero, z);
				if (m->size + z <= SMALL_MAX)
					cam_buf_add(&m->data, zero, z);
				m->size += z;
			}
			EVP_DigestUpdate(md, blk, n);
			if (m->size + n <= SMALL_MAX)
				cam_buf_add(&m->data, blk, n);
			m->size += n;
		}
		if (r != ARCHIVE_EOF) {
			check(rp, 0, "tar", "%s: %s (truncated archive?)", name,
			    archive_error_string(a));
			bad = 1;
			break;
		}
		/* Contiguous: the reader went from the data's start over
		 * exactly its size (and the padding to the next block). */
		{
			uint64_t end = (uint64_t)archive_filter_bytes(a, 0);
			m->contiguous = archive_entry_sparse_count(en) == 0 &&
			    end >= m->offset + m->size &&
			    end - m->offset - m->size < 512;
		}
		EVP_DigestFinal_ex(md, d, &dl);
		cam_crypto_hex(d, dl, m->sha256);
	}
	if (r != ARCHIVE_EOF && !bad) {
		check(rp, 0, "tar", "%s: %s (truncated archive?)", path,
		    archive_error_string(a));
		bad = 1;
	}
	if (!bad)
		check(rp, 1, "tar", "%zu members, POSIX tar", v->n);
	rc = 0;
end:
	EVP_MD_CTX_free(md);
	archive_read_free(a);
	return rc;
}

/* SHA256SUMS must list exactly the other members, with their hashes. */
static void
check_sums(const struct archive_view *v, struct report *rp)
{
	const struct member *s = member(v, "SHA256SUMS");
	size_t listed = 0, bad = 0;
	char *text, *line, *save = NULL;

	if (s == NULL) {
		check(rp, 0, "SHA256SUMS", "missing");
		return;
	}
	text = cam_xstrdup(cam_buf_str((struct cam_buf *)&s->data));
	char *seen = cam_xmalloc(v->n + 1);
	memset(seen, 0, v->n + 1);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		const char *name = line + 66;
		size_t k;

		if (strlen(line) < 67 || line[64] != ' ' || line[65] != ' ') {
			check(rp, 0, "SHA256SUMS", "bad line \"%.80s\"", line);
			bad++;
			continue;
		}
		for (k = 0; k < v->n; k++)
			if (strcmp(v->m[k].name, name) == 0)
				break;
		if (k == v->n) {
			check(rp, 0, "SHA256SUMS", "%s is listed but not in "
			    "the archive", name);
			bad++;
			continue;
		}
		seen[k] = 1;
		listed++;
		if (strncmp(line, v->m[k].sha256, 64) != 0) {
			check(rp, 0, "SHA256SUMS", "%s: SHA-256 does not "
			    "match (altered)", name);
			bad++;
		}
	}
	for (size_t k = 0; k < v->n; k++)
		if (!seen[k] && strcmp(v->m[k].name, "SHA256SUMS") != 0 &&
		    strcmp(v->m[k].name, "SHA256SUMS.p7s") != 0) {
			check(rp, 0, "SHA256SUMS", "%s is in the archive but "
			    "not listed (added)", v->m[k].name);
			bad++;
		}
	if (bad == 0)
		check(rp, 1, "SHA256SUMS", "%zu members listed, every hash "
		    "matches", listed);
	free(seen);
	free(text);
}

/* Trust: --trust DIR (every certificate in it an anchor; director*.pem
 * and unit-head*.pem also name those), else the configuration in
 * force. */
struct trust {
	struct cam_trust *ca;
	struct cam_buf *dir, *uh;
	size_t ndir, nuh;
	int need_unit_head;
	int have_site;
	struct cam_site site;
};

static int
trust_from_dir(struct trust *t, const char *tdir, struct cam_err *e)
{
	struct dirent *de;
	DIR *d;

	if (cam_trust_new(&t->ca, e) == -1)
		return -1;
	if ((d = opendir(tdir)) == NULL)
		return cam_err_sys(e, "%s", tdir);
	while ((de = readdir(d)) != NULL) {
		struct cam_buf b = CAM_BUF_INIT;
		char path[PATH_MAX];
		size_t l = strlen(de->d_name);

		if (l < 5 || (strcmp(de->d_name + l - 4, ".pem") != 0 &&
		    strcmp(de->d_name + l - 4, ".crt") != 0))
			continue;
		if (cam_path(path, sizeof(path), e, "%s/%s", tdir,
		    de->d_name) == -1 ||
		    cam_file_read(path, 1 << 20, &b, e) == -1 ||
		    cam_trust_add_pem(t->ca, b.s, b.len, path, e) == -1) {
			cam_buf_free(&b);
			closedir(d);
			return -1;
		}
		if (strncmp(de->d_name, "director", 8) == 0) {
			t->dir = cam_xrealloc(t->dir, (t->ndir + 1) *
			    sizeof(*t->dir));
			t->dir[t->ndir++] = b;
		} else if (strncmp(de->d_name, "unit-head", 9) == 0) {
			t->uh = cam_xrealloc(t->uh, (t->nuh + 1) *
			    sizeof(*t->uh));
			t->uh[t->nuh++] = b;
		} else
			cam_buf_free(&b);
	}
	closedir(d);
	return 0;
}

static int
read_list(struct cam_site *s, const struct cam_paths *p,
    struct cam_buf **out, size_t *n, struct cam_err *e)
{
	for (size_t i = 0; i < p->n; i++) {
		*out = cam_xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n] = (struct cam_buf)CAM_BUF_INIT;
		(*n)++;
		if (cam_site_read(s, p->path[i], &(*out)[*n - 1], e) == -1)
			return -1;
	}
	return 0;
}

static int
trust_load(struct trust *t, const char *tdir, struct cam_err *e)
{
	memset(t, 0, sizeof(*t));
	if (cam_site_open(&t->site, dir, e) == 0) {
		t->have_site = 1;
		t->need_unit_head = t->site.cfg.unit_head_signature;
	} else if (tdir == NULL)
		return -1;
	cam_err_clear(e);
	if (tdir != NULL)
		return trust_from_dir(t, tdir, e);
	if (cam_site_trust(&t->site, &t->ca, e) == -1 ||
	    read_list(&t->site, &t->site.cfg.trust_director, &t->dir,
	    &t->ndir, e) == -1 ||
	    read_list(&t->site, &t->site.cfg.trust_unit_head, &t->uh,
	    &t->nuh, e) == -1)
		return -1;
	return 0;
}

static void
trust_free(struct trust *t)
{
	cam_trust_free(&t->ca);
	for (size_t i = 0; i < t->ndir; i++)
		cam_buf_free(&t->dir[i]);
	for (size_t i = 0; i < t->nuh; i++)
		cam_buf_free(&t->uh[i]);
	free(t->dir);
	free(t->uh);
	if (t->have_site)
		cam_site_close(&t->site);
}

static time_t
json_time(const char *json, const char *key)
{
	char s[64];
	time_t t;
	struct cam_err e;

	if (cam_json_get_str(json, key, s, sizeof(s)) == -1 ||
	    cam_time_parse(s, NULL, &t, &e) == -1)
		return (time_t)-1;
	return t;
}

/* The end of the JSON object or array that starts at p (the '{' or
 * '['), or NULL if it does not end. */
static const char *
json_close(const char *p)
{
	int depth = 0;

	for (const char *q = p; *q != '\0'; q++) {
		if (*q == '"') {
			for (q++; *q != '\0' && *q != '"'; q++)
				if (*q == '\\' && q[1] != '\0')
					q++;
			if (*q == '\0')
				return NULL;
			continue;
		}
		if (*q == '{' || *q == '[')
			depth++;
		else if ((*q == '}' || *q == ']') && --depth == 0)
			return q;
	}
	return NULL;
}

/* A member of a nested object: custody "extraction"."at" and the like,
 * found by looking for the object's text (the custody record is
 * camkit's own, flat inside each object). */
static char *
sub_object(const char *json, const char *key)
{
	char pat[64];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\":{", key);
	if ((p = strstr(json, pat)) == NULL)
		return NULL;
	p += strlen(pat) - 1;
	if ((q = json_close(p)) == NULL)
		return NULL;
	return cam_xstrndup(p, (size_t)(q - p) + 1);
}

/* The objects of the array "key":[...] of json, one per call: *cur is
 * NULL at first.  NULL after the last. */
static char *
array_item(const char *json, const char *key, const char **cur)
{
	char pat[64];
	const char *p, *q;

	if (*cur == NULL) {
		snprintf(pat, sizeof(pat), "\"%s\":[", key);
		if ((p = strstr(json, pat)) == NULL)
			return NULL;
		p += strlen(pat);
	} else
		p = *cur;
	while (*p == ',' || *p == ' ' || *p == '\n')
		p++;
	if (*p != '{' || (q = json_close(p)) == NULL)
		return NULL;
	*cur = q + 1;
	return cam_xstrndup(p, (size_t)(q - p) + 1);
}

/* A number member of a flat object ("duration":12.345). */
static int
json_number(const char *json, const char *key, double *out)
{
	char pat[64], *end;
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if ((p = strstr(json, pat)) == NULL)
		return -1;
	*out = strtod(p + strlen(pat), &end);
	return end == p + strlen(pat) ? -1 : 0;
}

/* ---- the clips against their sources and their own media ---- */

/* Every segment a camera's manifest ever listed (deleted ones too: the
 * archive may outlive them), from a walk that checks the chain. */
struct listed {
	struct cam_segment *v;
	size_t n;
};

static int
listed_cb(void *arg, const struct cam_journal_rec *r)
{
	struct listed *l = arg;
	struct cam_segment *s;
	char file[PATH_MAX];
	int64_t bytes;

	if (strcmp(r->kind, "segment") != 0 ||
	    cam_json_get_str(r->data, "file", file, sizeof(file)) == -1)
		return 0;
	l->v = cam_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	s = &l->v[l->n++];
	memset(s, 0, sizeof(*s));
	s->file = cam_xstrdup(file);
	cam_json_get_str(r->data, "sha256", s->sha256, sizeof(s->sha256));
	if (cam_json_get_int(r->data, "bytes", &bytes) == 0)
		s->bytes = (uint64_t)bytes;
	return 0;
}

static void
listed_free(struct listed *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].file);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Each source segment custody names for a clip is in the camera's
 * manifest with that hash and size, when the manifest is at hand. */
static void
check_sources(const struct trust *t, const char *clip, const char *cname,
    const char *camera, struct report *rp)
{
	struct listed l = { 0 };
	struct cam_err e;
	const char *cur = NULL;
	char path[PATH_MAX], *src;
	size_t n = 0, bad = 0;

	cam_err_clear(&e);
	if (!t->have_site) {
		check(rp, 1, "sources", "%s: not checked: no site "
		    "configuration here, so no manifest to compare with", cname);
		return;
	}
	if (cam_path(path, sizeof(path), &e, "%s/%s/manifest",
	    t->site.cfg.root, camera) == -1 || access(path, R_OK) == -1) {
		check(rp, 1, "sources", "%s: not checked: no readable manifest "
		    "of camera %s under %s (recorded on another host?)", cname,
		    camera, t->site.cfg.root);
		return;
	}
	if (cam_journal_foreach(path, listed_cb, &l, &e) == -1) {
		check(rp, 0, "sources", "%s: the manifest of %s is broken: %s",
		    cname, camera, e.msg);
		listed_free(&l);
		return;
	}
	while ((src = array_item(clip, "sources", &cur)) != NULL) {
		char file[PATH_MAX], sha[65];
		int64_t bytes = -1;
		size_t k;

		n++;
		if (cam_json_get_str(src, "file", file, sizeof(file)) == -1 ||
		    cam_json_get_str(src, "sha256", sha, sizeof(sha)) == -1 ||
		    cam_json_get_int(src, "bytes", &bytes) == -1) {
			check(rp, 0, "sources", "%s: source %zu: no file, "
			    "sha256 or bytes in custody.json", cname, n);
			bad++;
			free(src);
			continue;
		}
		for (k = 0; k < l.n; k++)
			if (strcmp(l.v[k].file, file) == 0)
				break;
		if (k == l.n) {
			check(rp, 0, "sources", "%s: segment %s is not in the "
			    "manifest of %s", cname, file, camera);
			bad++;
		} else if (strcmp(l.v[k].sha256, sha) != 0) {
			check(rp, 0, "sources", "%s: segment %s: SHA-256 %.12s... "
			    "is not the manifest's %.12s...", cname, file, sha,
			    l.v[k].sha256);
			bad++;
		} else if (l.v[k].bytes != (uint64_t)bytes) {
			check(rp, 0, "sources", "%s: segment %s: %" PRId64
			    " bytes, the manifest says %" PRIu64, cname, file,
			    bytes, l.v[k].bytes);
			bad++;
		}
		free(src);
	}
	if (n == 0) {
		check(rp, 0, "sources", "%s: custody.json lists no source "
		    "segment", cname);
		bad++;
	}
	if (bad == 0)
		check(rp, 1, "sources", "%s: %zu segment%s listed in the "
		    "manifest of %s (chain valid) with the same SHA-256 and "
		    "size", cname, n, n == 1 ? "" : "s", camera);
	listed_free(&l);
}

/* Whole seconds at or before x (no libm for one floor). */
static time_t
floor_s(double x)
{
	time_t t = (time_t)x;

	return (double)t > x ? t - 1 : t;
}

/* Does the second of instant t lie within a second of second c? */
static int
near_s(double t, time_t c)
{
	return t > (double)c - 2.0 && t < (double)c + 2.0;
}

/* The clip itself: its codec, times and length as custody gives them,
 * inside the window, timestamps increasing.  Read in place from the
 * tar (fd), from the MP4's index. */
static void
check_media(int fd, const struct member *m, const char *clip,
    const time_t *window, struct report *rp)
{
	struct cam_media_info mi;
	struct cam_err e;
	char codec[32], f[32], l[32], mf[32], ml[32];
	time_t cf, cl, wf, wl;
	double dur;
	int bad = 0;

	cam_err_clear(&e);
	if (!m->contiguous) {
		check(rp, 0, "media", "%s: its data is not contiguous in the "
		    "tar (sparse?): cannot be read in place", m->name);
		return;
	}
	if (cam_media_probe_range(fd, m->offset, m->size, m->name, &mi,
	    &e) == -1) {
		check(rp, 0, "media", "%s: not a readable clip: %s", m->name,
		    e.msg);
		return;
	}
	if (cam_json_get_str(clip, "codec", codec, sizeof(codec)) == -1 ||
	    (cf = json_time(clip, "first")) == (time_t)-1 ||
	    (cl = json_time(clip, "last")) == (time_t)-1 ||
	    json_number(clip, "duration", &dur) == -1) {
		check(rp, 0, "media", "%s: custody.json lacks its codec, "
		    "first, last or duration", m->name);
		return;
	}
	if (mi.packets == 0) {
		check(rp, 0, "media", "%s: holds no packet", m->name);
		return;
	}
	if (strcmp(mi.codec, codec) != 0) {
		check(rp, 0, "media", "%s: codec %s, custody says %s", m->name,
		    mi.codec[0] ? mi.codec : "none", codec);
		bad++;
	}
	if (mi.created == (time_t)-1) {
		check(rp, 0, "media", "%s: no creation time: its footage "
		    "cannot be placed in time", m->name);
		return;
	}
	/* Wall clock: the creation time is the first picture's second. */
	wf = mi.created + floor_s(mi.first);
	wl = mi.created + floor_s(mi.last);
	cam_time_format_utc(wf, mf, sizeof(mf));
	cam_time_format_utc(wl, ml, sizeof(ml));
	cam_time_format_utc(cf, f, sizeof(f));
	cam_time_format_utc(cl, l, sizeof(l));
	/* Custody and the creation time are whole seconds (rounded down):
	 * an instant stands for its second, and seconds that lie within a
	 * second of each other agree.  (The index gives decoding times, a
	 * B-frame delay before presentation: well inside that.) */
	if (!near_s((double)mi.created + mi.first, cf) ||
	    !near_s((double)mi.created + mi.last, cl)) {
		check(rp, 0, "media", "%s: its packets run from %s to %s, "
		    "custody says %s to %s", m->name, mf, ml, f, l);
		bad++;
	}
	if (mi.duration - dur > 1.0 || dur - mi.duration > 1.0) {
		check(rp, 0, "media", "%s: lasts %.3f s, custody says %.3f s",
		    m->name, mi.duration, dur);
		bad++;
	}
	if (mi.disorder[0] != '\0') {
		check(rp, 0, "media", "%s: timestamps go back: %s", m->name,
		    mi.disorder);
		bad++;
	}
	/* The allowance of the custody window check: the keyframe before
	 * the window may be up to a minute early. */
	if (window != NULL && (wf < window[0] - 60 || wl > window[1])) {
		check(rp, 0, "media", "%s: its footage, %s to %s, is outside "
		    "the request's window", m->name, mf, ml);
		bad++;
	}
	if (bad == 0)
		check(rp, 1, "media", "%s: %s, %.1f s, %s to %s as custody "
		    "says%s", m->name, mi.codec, mi.duration, mf, ml,
		    window != NULL ? ", inside the request's window" : "");
}

/* Every clip of custody: its sources, its media; and no clip member
 * that custody does not describe. */
static void
check_clips(int fd, const struct archive_view *v, const char *custody,
    const struct trust *t, const time_t *window, struct report *rp)
{
	const char *cur = NULL;
	char *clip, name[PATH_MAX], camera[64];
	char *described = cam_xmalloc(v->n + 1);

	memset(described, 0, v->n + 1);
	while ((clip = array_item(custody, "clips", &cur)) != NULL) {
		const struct member *m = NULL;

		if (cam_json_get_str(clip, "file", name, sizeof(name)) == -1 ||
		    cam_json_get_str(clip, "camera", camera,
		    sizeof(camera)) == -1) {
			check(rp, 0, "media", "custody.json: a clip without "
			    "file or camera");
			free(clip);
			continue;
		}
		for (size_t i = 0; i < v->n; i++)
			if (strcmp(v->m[i].name, name) == 0) {
				m = &v->m[i];
				described[i] = 1;
			}
		check_sources(t, clip, name, camera, rp);
		if (m == NULL)
			check(rp, 0, "media", "%s: in custody.json, not in the "
			    "archive", name);
		else
			check_media(fd, m, clip, window, rp);
		free(clip);
	}
	for (size_t i = 0; i < v->n; i++)
		if (!described[i] && strncmp(v->m[i].name, "clips/", 6) == 0)
			check(rp, 0, "media", "%s: a clip custody.json does "
			    "not describe", v->m[i].name);
	free(described);
}

static int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "key", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct report rp = { 0 };
	struct archive_view v = { 0 };
	struct cam_envelope env;
	struct trust t;
	struct cam_err e;
	const char *tdir = NULL, *key = NULL, *path;
	time_t window[2];
	int have_window = 0, fd = -1, enc;
	const struct member *sums, *sig, *cust, *reqm = NULL;
	char signer[512], why[512], *extraction = NULL, *request = NULL;
	time_t at = time(NULL);
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 't': tdir = optarg; break;
		case 'k': key = optarg; break;
		case 'j': rp.json = 1; break;
		default: return cam_cli_usage_error("verify: bad option");
		}
	if (optind + 1 != argc)
		return cam_cli_usage_error("verify: give one archive");
	path = argv[optind];
	cam_err_clear(&e);
	if (trust_load(&t, tdir, &e) == -1) {
		trust_free(&t);
		return cam_cli_fail(&e);
	}
	if (t.have_site && (rc = cam_cli_authorize(&t.site.cfg, dir,
	    CAM_ACT_AUDIT)) != 0) {
		trust_free(&t);
		return rc;
	}
	/* An encrypted archive: what can be seen without the key, then
	 * (with it) the clear tar, in a file no one else can open. */
	if ((enc = cam_archive_envelope(path, &env, &e)) == -1) {
		check(&rp, 0, e.code == CAM_NO ? "encryption" : "tar", "%s",
		    e.msg);
		cam_err_clear(&e);
		goto done;
	}
	if (enc == 1) {
		check(&rp, 1, "encryption", "CMS EnvelopedData, content "
		    "cipher %s, %zu recipient%s", env.cipher, env.n,
		    env.n == 1 ? "" : "s");
		for (size_t i = 0; i < env.n; i++)
			check(&rp, 1, "recipient", "%s: issuer %s, serial %s",
			    env.r[i].kind, env.r[i].issuer[0] ?
			    env.r[i].issuer : "-", env.r[i].serial[0] ?
			    env.r[i].serial : "-");
		cam_archive_envelope_free(&env);
		if (key == NULL) {
			check(&rp, 0, "contents", "not verified: the archive is "
			    "encrypted; give --key FILE, a recipient's private "
			    "key");
			goto done;
		}
		if (cam_archive_decrypt(path, key, getenv("TMPDIR") ?
		    getenv("TMPDIR") : "/tmp", &fd, &e) == -1) {
			if (e.code != CAM_NO) {
				rc = cam_cli_fail(&e);
				goto end;
			}
			check(&rp, 0, "decrypt", "%s", e.msg);
			cam_err_clear(&e);
			goto done;
		}
		check(&rp, 1, "decrypt", "with the key %s", key);
	} else if (key != NULL) {
		check(&rp, 0, "decrypt", "--key %s given, but %s is not "
		    "encrypted", key, path);
		goto done;
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cam_err_sys(&e, "%s", path);
		rc = cam_cli_fail(&e);
		goto end;
	}
	if (read_archive(fd, path, &v, &rp, &e) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	if (rp.failed)
		goto done;
	check_sums(&v, &rp);

	/* The extraction's time: certificates are judged as then. */
	cust = member(&v, "custody.json");
	if (cust == NULL || cam_json_check(cust->data.s, cust->data.len,
	    &e) == -1) {
		check(&rp, 0, "custody", "custody.json %s",
		    cust == NULL ? "missing" : "is not valid JSON");
		cust = NULL;
	} else if ((extraction = sub_object(cust->data.s, "extraction")) !=
	    NULL && json_time(extraction, "at") != (time_t)-1)
		at = json_time(extraction, "at");

	sums = member(&v, "SHA256SUMS");
	sig = member(&v, "SHA256SUMS.p7s");
	if (sums == NULL || sig == NULL)
		check(&rp, 0, "site signature", "SHA256SUMS.p7s missing");
	else if (cam_crypto_verify_detached(t.ca, sig->data.s, sig->data.len,
	    sums->data.s, sums->data.len, at, signer, sizeof(signer), why,
	    sizeof(why)) == -1)
		check(&rp, 0, "site signature", "SHA256SUMS.p7s: %s", why);
	else
		check(&rp, 1, "site signature", "SHA256SUMS signed by %s",
		    signer);

	/* The request and its signatures, written out to be checked as
	 * camextract checked them. */
	for (size_t i = 0; i < v.n; i++) {
		const char *n = v.m[i].name;
		size_t l = strlen(n);
		if (strncmp(n, "request/", 8) == 0 && l > 5 &&
		    strcmp(n + l - 4, ".p7s") != 0)
			reqm = &v.m[i];
	}
	if (reqm == NULL)
		check(&rp, 0, "request", "no request/ member");
	else {
		struct cam_request req;
		struct cam_request_sigs sigs = { 0 };
		struct cam_request_trust rt = { t.ca, t.dir, t.ndir, t.uh,
		    t.nuh, t.need_unit_head };
		char rpath[PATH_MAX];
		int ref;

		snprintf(v.tmp, sizeof(v.tmp), "%s/camaudit.XXXXXX",
		    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (mkdtemp(v.tmp) == NULL) {
			cam_err_sys(&e, "%s", v.tmp);
			v.tmp[0] = '\0';
			rc = cam_cli_fail(&e);
			goto end;
		}
		for (size_t i = 0; i < v.n; i++) {
			if (strncmp(v.m[i].name, "request/", 8) != 0 ||
			    strchr(v.m[i].name + 8, '/') != NULL)
				continue;
			cam_path(rpath, sizeof(rpath), &e, "%s/%s", v.tmp,
			    v.m[i].name + 8);
			cam_file_write_atomic(rpath, v.m[i].data.s,
			    v.m[i].data.len, 0600, &e);
		}
		cam_path(rpath, sizeof(rpath), &e, "%s/%s", v.tmp,
		    reqm->name + 8);
		if (cam_request_load(&req, rpath, t.have_site ?
		    t.site.cfg.timezone : CAM_DEFAULT_ZONE, &e) == -1) {
			check(&rp, 0, "request", "%s", e.msg);
			cam_err_clear(&e);
		} else {
			ref = cam_request_verify(&req, rpath, NULL, 0, &rt, at,
			    &sigs, &e);
			/* The request's own expiry was judged at extraction;
			 * the archive outlives it. */
			if (ref == CAM_REQ_OK || ref == CAM_REQ_EXPIRED)
				check(&rp, 1, "request signatures", "%zu "
				    "signer%s, the director's among them%s",
				    sigs.n, sigs.n == 1 ? "" : "s",
				    t.need_unit_head ? " and a unit head's" :
				    "");
			else
				check(&rp, 0, "request signatures", "%s (%s)",
				    e.msg, ref == -1 ? "error" :
				    cam_request_refusal_name(ref));
			cam_err_clear(&e);
			if (cust != NULL)
				request = sub_object(cust->data.s, "request");
			if (request != NULL) {
				char id[128], sha[65];
				int ok = cam_json_get_str(request, "id", id,
				    sizeof(id)) == 0 && strcmp(id, req.id) == 0 &&
				    cam_json_get_str(request, "sha256", sha,
				    sizeof(sha)) == 0 &&
				    strcmp(sha, reqm->sha256) == 0;
				check(&rp, ok, "custody", ok ? "names this "
				    "request (%s) and its SHA-256" :
				    "does not name this request (%s) or its "
				    "SHA-256", req.id);
			}
			/* Clips: only the request's cameras, only its
			 * window (from the keyframe before it). */
			for (size_t i = 0; i < v.n; i++) {
				const char *n = v.m[i].name;
				char cam[64];
				size_t l = strlen(n), k;
				if (strncmp(n, "clips/", 6) != 0 || l < 11)
					continue;
				snprintf(cam, sizeof(cam), "%.*s",
				    (int)(l - 10), n + 6);
				for (k = 0; k < req.ncameras; k++)
					if (strcmp(req.cameras[k], cam) == 0)
						break;
				check(&rp, k < req.ncameras, "clip",
				    k < req.ncameras ? "%s: camera %s is in the "
				    "request" : "%s: camera %s is not in the "
				    "request", n, cam);
			}
			if (cust != NULL)
				for (const char *p = cust->data.s;
				    (p = strstr(p, "\"first\":\"")) != NULL;
				    p++) {
					char f[32], l2[32];
					const char *q = strstr(p, "\"last\":\"");
					time_t tf, tl;
					if (q == NULL)
						break;
					snprintf(f, sizeof(f), "%.20s", p + 9);
					snprintf(l2, sizeof(l2), "%.20s", q + 8);
					if (cam_time_parse(f, NULL, &tf, &e) ==
					    -1 || cam_time_parse(l2, NULL, &tl,
					    &e) == -1) {
						cam_err_clear(&e);
						continue;
					}
					/* A GOP may start up to a minute
					 * before the window. */
					int ok = tf >= req.from - 60 &&
					    tl <= req.to;
					check(&rp, ok, "window", ok ? "clip %s "
					    "to %s inside the request's window" :
					    "clip %s to %s outside the request's "
					    "window", f, l2);
				}
			window[0] = req.from;
			window[1] = req.to;
			have_window = 1;
			cam_request_sigs_free(&sigs);
			cam_request_free(&req);
		}
	}
	if (cust != NULL)
		check_clips(fd, &v, cust->data.s, &t, have_window ? window :
		    NULL, &rp);
done:
	rc = finish(&rp);
	cam_cli_audit(path, rc == 0 ? "granted" : "failed",
	    rc == 0 ? NULL : "verification failed", NULL);
end:
	if (v.tmp[0] != '\0') {
		for (size_t i = 0; i < v.n; i++) {
			char p[PATH_MAX];
			if (strncmp(v.m[i].name, "request/", 8) == 0 &&
			    snprintf(p, sizeof(p), "%s/%s", v.tmp,
			    v.m[i].name + 8) < (int)sizeof(p))
				unlink(p);
		}
		rmdir(v.tmp);
	}
	if (fd != -1)
		close(fd);
	for (size_t i = 0; i < v.n; i++) {
		free(v.m[i].name);
		cam_buf_free(&v.m[i].data);
	}
	free(v.m);
	free(extraction);
	free(request);
	trust_free(&t);
	return rc;
}

/* ---- journals ---- */

struct jctx {
	struct report *rp;
	struct cam_trust *ca;
	const char *repo;
};

static int
journal_cb(void *arg, const char *name, const char *path)
{
	struct jctx *j = arg;
	struct cam_seal_report sr;
	struct cam_err e;

	memset(&sr, 0, sizeof(sr));
	cam_err_clear(&e);
	if (cam_seal_verify(path, name, j->ca, j->repo, &sr, &e) == -1)
		check(j->rp, 0, name, "%s", e.msg);
	else
		check(j->rp, 1, name, "%" PRIu64 " records, %" PRIu64
		    " seals (the last covers record %" PRIu64 "), %" PRIu64
		    " witnessed", sr.records, sr.seals, sr.sealed,
		    sr.witnessed);
	return 0;
}

/* Every journal of the site: one check each. */
static int
audit_journals(struct cam_site *s, struct report *rp, struct cam_err *e)
{
	struct jctx j;
	int rc;

	memset(&j, 0, sizeof(j));
	j.rp = rp;
	j.repo = s->dir;
	rc = cam_site_trust(s, &j.ca, e);
	if (rc == 0)
		rc = cam_store_journals(s->cfg.root, journal_cb, &j, e);
	if (rc == 0 && rp->n == 0 && rp->out.len == 0)
		check(rp, 0, "journals", "no journal under %s", s->cfg.root);
	cam_trust_free(&j.ca);
	return rc;
}

static int
cmd_journals(int argc, char **argv)
{
	struct report rp = { 0 };
	struct cam_site s;
	struct cam_err e;
	int rc;

	if ((rc = cam_cli_json_only(argc, argv, "journals", &rp.json)) != 0)
		return rc;
	cam_err_clear(&e);
	if ((rc = open_site(&s)) != 0)
		return rc;
	if (audit_journals(&s, &rp, &e) == -1) {
		cam_site_close(&s);
		cam_buf_free(&rp.out);
		return cam_cli_fail(&e);
	}
	rc = finish(&rp);
	cam_cli_audit("journals", rc == 0 ? "granted" : "failed",
	    rc == 0 ? NULL : "a journal failed", NULL);
	cam_site_close(&s);
	return rc;
}

/* ---- recordings ---- */

struct rctx {
	struct report *rp;
	const char *camera;
	const char *zone;
	time_t from, to;	/* 0: open */
	time_t prev_end;	/* of the last segment seen, 0 if none */
	/* Since then: when the camera went down and came back, when the
	 * recorder was stopped, whether the disk filled (0: not seen). */
	time_t down_at, up_at, stop_at;
	int disk_full;
	char stop_why[64];
	uint64_t deleted;
};

/* How long after the last footage a camera-down may be journaled (the
 * recorder waits out its read timeout, then a connection attempt), and
 * how long after a camera-up the footage may resume. */
#define DOWN_SLACK	30

static void
local(time_t t, const char *zone, char *buf, size_t len)
{
	if (cam_time_format_local(t, zone, buf, len) == -1)
		cam_time_format_utc(t, buf, len);
}

static int
in_range(const struct rctx *c, time_t a, time_t b)
{
	return (c->from == 0 || b >= c->from) && (c->to == 0 || a < c->to);
}

/* A gap from c->prev_end to start, and what the manifest says of it.
 * A camera that was down explains the time from its camera-down (once
 * the recorder noticed) to its camera-up; the rest of a long gap is
 * still a finding. */
static void
gap(struct rctx *c, time_t start)
{
	char a[64], b[64], d[64], u[64];
	long long len = (long long)(start - c->prev_end);

	local(c->prev_end, c->zone, a, sizeof(a));
	local(start, c->zone, b, sizeof(b));
	if (c->down_at != 0) {
		time_t up = c->up_at ? c->up_at : start;
		local(c->down_at, c->zone, d, sizeof(d));
		local(up, c->zone, u, sizeof(u));
		if (c->down_at - c->prev_end > DOWN_SLACK)
			check(c->rp, 0, "gap", "%s: %s to %s, %lld s: no "
			    "footage for %lld s before the camera-down at %s",
			    c->camera, a, b, len,
			    (long long)(c->down_at - c->prev_end), d);
		else if (start - up > DOWN_SLACK)
			check(c->rp, 0, "gap", "%s: %s to %s, %lld s: the "
			    "camera was back at %s, no footage for %lld s "
			    "after", c->camera, a, b, len, u,
			    (long long)(start - up));
		else
			check(c->rp, 1, "gap", "%s: %s to %s, %lld s, the "
			    "camera was down (journaled)", c->camera, a, b,
			    len);
	} else if (c->disk_full)
		check(c->rp, 1, "gap", "%s: %s to %s, %lld s, the disk was "
		    "full (journaled)", c->camera, a, b, len);
	else if (c->stop_at != 0) {
		local(c->stop_at, c->zone, d, sizeof(d));
		check(c->rp, 0, "gap", "%s: %s to %s, %lld s: recording was "
		    "stopped at %s (record-stop, reason %s) and not resumed "
		    "until %s", c->camera, a, b, len, d, c->stop_why, b);
	} else
		check(c->rp, 0, "gap", "%s: %s to %s, %lld s, and no "
		    "camera-down event: the recorder was not recording",
		    c->camera, a, b, len);
}

static int
rec_cb(void *arg, const struct cam_journal_rec *r)
{
	struct rctx *c = arg;
	char file[PATH_MAX], reason[256], a[64];
	time_t start, end;

	if (strcmp(r->kind, "camera-down") == 0) {
		if (c->down_at == 0)
			c->down_at = r->time;
		return 0;
	}
	if (strcmp(r->kind, "camera-up") == 0) {
		c->up_at = r->time;
		return 0;
	}
	if (strcmp(r->kind, "disk-full") == 0) {
		c->disk_full = 1;
		return 0;
	}
	if (strcmp(r->kind, "record-stop") == 0) {
		c->stop_at = r->time;
		if (cam_json_get_str(r->data, "reason", c->stop_why,
		    sizeof(c->stop_why)) == -1)
			snprintf(c->stop_why, sizeof(c->stop_why), "none given");
		return 0;
	}
	if (strcmp(r->kind, "delete") == 0) {
		start = json_time(r->data, "start");
		end = json_time(r->data, "end");
		if (!in_range(c, start, end))
			return 0;
		if (cam_json_get_str(r->data, "file", file, sizeof(file)) == -1)
			snprintf(file, sizeof(file), "?");
		if (cam_json_get_str(r->data, "reason", reason,
		    sizeof(reason)) == -1)
			snprintf(reason, sizeof(reason), "none given");
		local(r->time, c->zone, a, sizeof(a));
		check(c->rp, 1, "deleted", "%s: deleted %s, reason: %s", file,
		    a, reason);
		c->deleted++;
		return 0;
	}
	if (strcmp(r->kind, "segment") != 0)
		return 0;
	start = json_time(r->data, "start");
	end = json_time(r->data, "end");
	/* Whole seconds: a cut between segments may look like 1 s. */
	if (c->prev_end != 0 && start - c->prev_end > 1 &&
	    in_range(c, c->prev_end, start)) {
		gap(c, start);
	}
	c->prev_end = end;
	c->down_at = c->up_at = c->stop_at = 0;
	c->disk_full = 0;
	return 0;
}

static void
rec_report(void *arg, const char *what, const char *msg)
{
	struct rctx *c = arg;

	check(c->rp, 0, what, "%s", msg);
}

/* Re-hash every camera's segments against its manifest, and read the
 * manifest for gaps and deletions (from c's window): checks into rp. */
static int
audit_recordings(struct cam_site *s, struct report *rp, const char *camera,
    struct rctx *c, struct cam_err *e)
{
	char path[PATH_MAX];
	char **cams = NULL;
	size_t n = 0;

	/* Every camera that has a manifest, in the configuration or not:
	 * footage of a camera taken out still counts. */
	if (camera != NULL) {
		cams = cam_xmalloc(sizeof(*cams));
		cams[n++] = cam_xstrdup(camera);
	} else if (cam_store_cameras(s->cfg.root, &cams, &n, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint64_t checked = 0;
		int found;

		c->rp = rp;
		c->camera = cams[i];
		c->prev_end = 0;
		c->down_at = c->up_at = c->stop_at = 0;
		c->disk_full = 0;
		found = cam_store_verify(s->cfg.root, cams[i], rec_report, c,
		    &checked, e);
		if (found == -1) {
			check(rp, 0, cams[i], "%s", e->msg);
			cam_err_clear(e);
			continue;
		}
		if (cam_path(path, sizeof(path), e, "%s/%s/manifest",
		    s->cfg.root, cams[i]) == 0 &&
		    cam_journal_foreach(path, rec_cb, c, e) == -1) {
			check(rp, 0, cams[i], "%s", e->msg);
			cam_err_clear(e);
		}
		if (found == 0)
			check(rp, 1, cams[i], "%" PRIu64 " segments match "
			    "their manifest", checked);
	}
	if (n == 0)
		check(rp, 0, "recordings", "no camera has a manifest under "
		    "%s", s->cfg.root);
	for (size_t i = 0; i < n; i++)
		free(cams[i]);
	free(cams);
	return 0;
}

static int
cmd_recordings(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "camera", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *camera = NULL, *from = NULL, *to = NULL;
	struct report rp = { 0 };
	struct cam_site s;
	struct cam_err e;
	struct rctx c;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (ch) {
		case 'c': camera = optarg; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'j': rp.json = 1; break;
		default: return cam_cli_usage_error("recordings: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("recordings: unexpected argument "
		    "\"%s\"", argv[optind]);
	cam_err_clear(&e);
	if ((rc = open_site(&s)) != 0)
		return rc;
	c.zone = s.cfg.timezone;
	if ((from != NULL && cam_time_parse(from, c.zone, &c.from, &e) == -1) ||
	    (to != NULL && cam_time_parse(to, c.zone, &c.to, &e) == -1)) {
		cam_site_close(&s);
		return cam_cli_usage_error("recordings: %s", e.msg);
	}
	if (audit_recordings(&s, &rp, camera, &c, &e) == -1) {
		cam_site_close(&s);
		return cam_cli_fail(&e);
	}
	rc = finish(&rp);
	cam_cli_audit("recordings", rc == 0 ? "granted" : "failed",
	    rc == 0 ? NULL : "findings", NULL);
	cam_site_close(&s);
	return rc;
}

/* ---- access ---- */

struct actx {
	time_t since;
	const char *zone;
	int json, n;
	struct cam_buf out;
};

static int
access_cb(void *arg, const struct cam_journal_rec *r)
{
	struct actx *a = arg;
	char prog_[32], verb[64], outcome[16], actor[64], object[256],
	    reason[1024], t[64];

	if (strcmp(r->kind, "audit") != 0 || r->time < a->since)
		return 0;
	if (cam_json_get_str(r->data, "program", prog_, sizeof(prog_)) == -1 ||
	    cam_json_get_str(r->data, "outcome", outcome,
	    sizeof(outcome)) == -1 ||
	    cam_json_get_str(r->data, "verb", verb, sizeof(verb)) == -1 ||
	    cam_json_get_str(r->data, "actor", actor, sizeof(actor)) == -1)
		return 0;
	/* Footage handed out, and every refusal. */
	if (strcmp(prog_, "camextract") != 0 &&
	    strcmp(outcome, "refused") != 0)
		return 0;
	if (cam_json_get_str(r->data, "object", object, sizeof(object)) == -1)
		snprintf(object, sizeof(object), "-");
	if (cam_json_get_str(r->data, "reason", reason, sizeof(reason)) == -1)
		snprintf(reason, sizeof(reason), "-");
	if (cam_time_format_local(r->time, a->zone, t, sizeof(t)) == -1)
		cam_time_format_utc(r->time, t, sizeof(t));
	if (a->json) {
		cam_buf_adds(&a->out, a->n++ ? ",\n  " : "\n  ");
		cam_json_begin(&a->out);
		cam_json_add_uint(&a->out, "seq", r->seq);
		cam_json_add_str(&a->out, "time", t);
		cam_json_add_str(&a->out, "host", r->host);
		cam_json_add_raw(&a->out, "record", r->data);
		cam_json_end(&a->out);
	} else {
		for (char *p = reason; *p != '\0'; p++)
			if (*p == '\t' || *p == '\n')
				*p = ' ';
		cam_buf_addf(&a->out, "%s\t%s\t%s\t%s %s\t%s\t%s\t%s\n", t,
		    r->host, actor, prog_, verb, object, outcome, reason);
	}
	return 0;
}

static int
cmd_access(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *since = NULL;
	struct cam_site s;
	struct cam_err e;
	struct actx a;
	char path[PATH_MAX];
	struct stat st;
	int c, rc = 0;

	memset(&a, 0, sizeof(a));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 's': since = optarg; break;
		case 'j': a.json = 1; break;
		default: return cam_cli_usage_error("access: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("access: unexpected argument "
		    "\"%s\"", argv[optind]);
	cam_err_clear(&e);
	if ((rc = open_site(&s)) != 0)
		return rc;
	a.zone = s.cfg.timezone;
	if (since != NULL && cam_time_parse(since, a.zone, &a.since,
	    &e) == -1) {
		rc = cam_cli_usage_error("access: --since: %s", e.msg);
		goto end;
	}
	if (cam_path(path, sizeof(path), &e, "%s/audit.journal",
	    s.cfg.root) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	if (stat(path, &st) == 0 &&
	    cam_journal_foreach(path, access_cb, &a, &e) == -1) {
		/* A broken trail is itself a finding: say where. */
		rc = cam_cli_fail(&e);
		goto end;
	}
	if (a.json)
		printf("[%s\n]\n", cam_buf_str(&a.out));
	else
		fputs(cam_buf_str(&a.out), stdout);
	cam_cli_audit("access", "granted", NULL, NULL);
	rc = fflush(stdout) == 0 ? 0 : CAM_ENV;
end:
	cam_buf_free(&a.out);
	cam_site_close(&s);
	return rc;
}

/* ---- config: who changed the configuration, and was it sound ---- */

struct trail_commit {
	char id[41];
	uint64_t seq;
	time_t time;
	char actor[64];
};

struct cctx {
	struct report *rp;
	struct cam_site *s;
	time_t since, until;	/* of the changes listed; 0: open */
	int json, nchanges;
	struct cam_buf changes;
	/* the audit trail's configuration commits */
	struct trail_commit *tc;
	size_t ntc;
	time_t trail_start;	/* first record of the trail, 0: none */
	const char *first;	/* the trail's oldest commit in the history */
	/* counts for the summary lines */
	int commits, invalid, unaudited, secrets, other;
};

static int
trail_cb(void *arg, const struct cam_journal_rec *r)
{
	struct cctx *c = arg;
	char prog_[32], outcome[16], id[64];
	char *detail;

	if (c->trail_start == 0)
		c->trail_start = r->time;
	if (strcmp(r->kind, "audit") != 0 ||
	    cam_json_get_str(r->data, "program", prog_, sizeof(prog_)) == -1 ||
	    strcmp(prog_, "camctl") != 0 ||
	    cam_json_get_str(r->data, "outcome", outcome,
	    sizeof(outcome)) == -1 || strcmp(outcome, "granted") != 0 ||
	    (detail = sub_object(r->data, "detail")) == NULL)
		return 0;
	if (cam_json_get_str(detail, "commit", id, sizeof(id)) == 0 &&
	    strlen(id) == 40) {
		struct trail_commit *t;
		c->tc = cam_xrealloc(c->tc, (c->ntc + 1) * sizeof(*c->tc));
		t = &c->tc[c->ntc++];
		memset(t, 0, sizeof(*t));
		memcpy(t->id, id, 41);
		t->seq = r->seq;
		t->time = r->time;
		if (cam_json_get_str(r->data, "actor", t->actor,
		    sizeof(t->actor)) == -1)
			snprintf(t->actor, sizeof(t->actor), "?");
	}
	free(detail);
	return 0;
}

static const struct trail_commit *
trail_find(const struct cctx *c, const char *id)
{
	for (size_t i = 0; i < c->ntc; i++)
		if (strcmp(c->tc[i].id, id) == 0)
			return &c->tc[i];
	return NULL;
}

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
roles_text(unsigned roles, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned bit = 1; bit != 0 && bit <= roles; bit <<= 1)
		if ((roles & bit) && cam_role_name(bit) != NULL)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
			    "%s%s", n ? "," : "", cam_role_name(bit));
	if (n == 0)
		snprintf(buf, len, "none");
}

/* What a commit changed, said in the configuration's own terms: one
 * phrase per change into out ("camera gate added", "retention_days 30
 * -> 60"). */
static void
config_delta(const struct cam_config *a, const struct cam_config *b,
    struct cam_buf *out)
{
#define SAY(...) (cam_buf_adds(out, out->len ? "; " : ""), \
	cam_buf_addf(out, __VA_ARGS__))
	char ra[256], rb[256];

	if (!same(a->site_name, b->site_name))
		SAY("site name \"%s\" -> \"%s\"", a->site_name, b->site_name);
	if (!same(a->timezone, b->timezone))
		SAY("timezone %s -> %s", a->timezone, b->timezone);
	if (!same(a->host, b->host))
		SAY("host %s -> %s", a->host, b->host);
	if (!same(a->root, b->root))
		SAY("storage root %s -> %s", a->root, b->root);
	if (a->retention_days != b->retention_days)
		SAY("retention_days %d -> %d", a->retention_days,
		    b->retention_days);
	if (a->max_bytes != b->max_bytes || a->max_percent != b->max_percent)
		SAY("max_usage changed");
	if (a->unit_head_signature != b->unit_head_signature)
		SAY("unit_head_signature %s -> %s",
		    a->unit_head_signature ? "true" : "false",
		    b->unit_head_signature ? "true" : "false");
	for (size_t i = 0; i < a->ncameras; i++)
		if (cam_config_camera(b, a->cameras[i].id) == NULL)
			SAY("camera %s removed", a->cameras[i].id);
	for (size_t i = 0; i < b->ncameras; i++) {
		const struct cam_camera *y = &b->cameras[i];
		const struct cam_camera *x = cam_config_camera(a, y->id);
		if (x == NULL) {
			SAY("camera %s added (%s)", y->id, y->url);
			continue;
		}
		struct cam_buf f = CAM_BUF_INIT;
		if (!same(x->url, y->url))
			cam_buf_addf(&f, " url %s -> %s", x->url, y->url);
		if (x->enabled != y->enabled)
			cam_buf_addf(&f, " %s", y->enabled ? "enabled" :
			    "DISABLED");
		if (!same(x->credential, y->credential))
			cam_buf_adds(&f, " credentials");
		if (!same(x->host, y->host))
			cam_buf_adds(&f, " host");
		if (!same(x->transport, y->transport))
			cam_buf_adds(&f, " transport");
		if (!same(x->model, y->model))
			cam_buf_adds(&f, " model");
		if (!same(x->firmware, y->firmware))
			cam_buf_adds(&f, " firmware");
		if (x->segment != y->segment)
			cam_buf_adds(&f, " segment");
		if (!same(x->name, y->name) || !same(x->location, y->location))
			cam_buf_adds(&f, " name/location");
		if (f.len)
			SAY("camera %s:%s", y->id, f.s);
		cam_buf_free(&f);
	}
	for (size_t i = 0; i < a->nusers; i++)
		if (cam_config_user(b, a->users[i].name) == NULL)
			SAY("user %s removed", a->users[i].name);
	for (size_t i = 0; i < b->nusers; i++) {
		const struct cam_user *y = &b->users[i];
		const struct cam_user *x = cam_config_user(a, y->name);
		roles_text(y->roles, rb, sizeof(rb));
		if (x == NULL)
			SAY("user %s added (%s)", y->name, rb);
		else if (x->roles != y->roles) {
			roles_text(x->roles, ra, sizeof(ra));
			SAY("user %s roles %s -> %s", y->name, ra, rb);
		}
	}
	if (a->trust_ca.n != b->trust_ca.n ||
	    a->trust_director.n != b->trust_director.n ||
	    a->trust_unit_head.n != b->trust_unit_head.n)
		SAY("trust lists changed");
#undef SAY
}

/* The configuration of a tree, or -1 (invalid or absent). */
static int
tree_config(const struct cam_tree *t, struct cam_config *cfg)
{
	struct cam_buf text = CAM_BUF_INIT;
	struct cam_err e;
	int rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	if (t->tree != NULL && cam_tree_read(t, CAM_CONFIG_FILE, &text,
	    &e) == 0)
		rc = cam_config_parse(cfg, CAM_CONFIG_FILE, text.s ? text.s :
		    "", text.len, &e);
	cam_buf_free(&text);
	if (rc == -1)
		cam_config_free(cfg);
	return rc;
}

static void
describe(const struct cam_commit_view *v, struct cam_buf *what)
{
	struct cam_config a, b;
	int ka, kb;

	ka = tree_config(&v->parent, &a);
	kb = tree_config(&v->tree, &b);
	if (kb == -1)
		cam_buf_adds(what, "camkit.yaml invalid");
	else if (ka == 0)
		config_delta(&a, &b, what);
	else if (v->nparents == 0)
		cam_buf_adds(what, "configuration created");
	if (ka == 0)
		cam_config_free(&a);
	if (kb == 0)
		cam_config_free(&b);
	/* Files besides camkit.yaml, by name. */
	for (const char *p = v->changes; *p != '\0'; ) {
		size_t n = strcspn(p, "\n");
		const char *tab = memchr(p, '\t', n);
		if (tab != NULL && !(n - (size_t)(tab + 1 - p) ==
		    strlen(CAM_CONFIG_FILE) && strncmp(tab + 1,
		    CAM_CONFIG_FILE, strlen(CAM_CONFIG_FILE)) == 0))
			cam_buf_addf(what, "%s%.*s %.*s", what->len ? "; " :
			    "", (int)(n - (size_t)(tab + 1 - p)), tab + 1,
			    (int)(tab - p), p);
		p += n + (p[n] == '\n');
	}
}

static int
config_cb(void *arg, const struct cam_commit_view *v)
{
	struct cctx *c = arg;
	struct cam_buf what = CAM_BUF_INIT, found = CAM_BUF_INIT;
	struct cam_err e;
	char t[64];

	local(v->info.when, c->s->cfg.timezone, t, sizeof(t));
	/* Secrets: in every commit any reference reaches. */
	if (cam_tree_secrets(&v->tree, v->changes, &found, &e) == -1) {
		check(c->rp, 0, "secrets", "commit %.12s: %s", v->info.id,
		    e.msg);
	} else
		for (const char *p = cam_buf_str(&found); *p != '\0'; ) {
			size_t n = strcspn(p, "\n");
			const char *tab = memchr(p, '\t', n);
			check(c->rp, 0, "secret", "commit %.12s (%s, %s%s): "
			    "%.*s%s%.*s", v->info.id, t, v->info.author,
			    v->on_head ? "" : ", not on the history in force",
			    tab ? (int)(tab - p) : (int)n, p, tab ? ": " : "",
			    tab ? (int)(n - (size_t)(tab - p) - 1) : 0,
			    tab ? tab + 1 : "");
			c->secrets++;
			p += n + (p[n] == '\n');
		}
	cam_buf_free(&found);
	if (!v->on_head) {
		c->other++;
		return 0;
	}
	c->commits++;
	/* Would camctl have accepted it? */
	cam_err_clear(&e);
	if (cam_site_check_tree((void *)c->s->dir, &v->tree, &e) == -1) {
		for (char *p = e.msg; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		check(c->rp, 0, "validation", "commit %.12s (%s, %s): %s",
		    v->info.id, t, v->info.author, e.msg);
		c->invalid++;
	}
	/* Made through camctl, once the audit trail exists?  The trail
	 * began with its oldest commit still in the history (or, if none
	 * is, at its first record). */
	int after;
	if (c->first != NULL)
		after = cam_repo_descends(&c->s->repo, v->info.id, c->first,
		    &e);
	else
		after = c->trail_start != 0 && v->info.when > c->trail_start;
	if (after == -1) {
		check(c->rp, 0, "audit trail", "%s", e.msg);
		after = 0;
	}
	if (after && trail_find(c, v->info.id) == NULL) {
		check(c->rp, 0, "audit trail", "commit %.12s (%s, %s, \"%s\") "
		    "has no record in the audit trail: it was not made with "
		    "camctl", v->info.id, t, v->info.author, v->info.summary);
		c->unaudited++;
	}
	if ((c->since != 0 && v->info.when < c->since) ||
	    (c->until != 0 && v->info.when >= c->until))
		return 0;
	describe(v, &what);
	if (c->json) {
		cam_buf_adds(&c->changes, c->nchanges++ ? ",\n  " : "\n  ");
		cam_json_begin(&c->changes);
		cam_json_add_str(&c->changes, "commit", v->info.id);
		cam_json_add_str(&c->changes, "time", t);
		cam_json_add_str(&c->changes, "author", v->info.author);
		cam_json_add_str(&c->changes, "email", v->info.email);
		cam_json_add_str(&c->changes, "summary", v->info.summary);
		cam_json_add_str(&c->changes, "what", cam_buf_str(&what));
		cam_json_end(&c->changes);
	} else {
		for (char *p = what.s; p != NULL && *p; p++)
			if (*p == '\t' || *p == '\n')
				*p = ' ';
		cam_buf_addf(&c->changes, "%s\t%.12s\t%s\t%s\t%s\n", t,
		    v->info.id, v->info.author, v->info.summary,
		    cam_buf_str(&what));
		c->nchanges++;
	}
	cam_buf_free(&what);
	return 0;
}

struct wctx {
	struct cctx *c;
	struct cam_repo *r;
	int n, bad;
	struct cam_err *e;
};

static int
config_witness(void *arg, const char *msg)
{
	struct wctx *w = arg;
	char host[256], id[64];
	size_t m = strlen(CAM_CONFIG_WITNESS);
	int k;

	if (strncmp(msg, CAM_CONFIG_WITNESS " ", m + 1) != 0 ||
	    sscanf(msg + m + 1, "%255s %63s", host, id) != 2)
		return 0;
	w->n++;
	k = cam_repo_in_history(w->r, id, w->e);
	if (k == -1)
		return -1;
	if (k == 0) {
		check(w->c->rp, 0, "witness", "commit %.12s, witnessed as "
		    "the configuration in force on %s, is not in the "
		    "history: the history was rewritten", id, host);
		w->bad++;
	}
	return 0;
}

/* Read the audit trail, walk the history (listing the changes from
 * c->since to c->until) and make every check of the configuration into
 * c->rp.  -1 only when the repository cannot be read. */
static int
config_checks(struct cctx *c, struct cam_err *e)
{
	struct cam_site *s = c->s;
	struct report *rp = c->rp;
	struct cam_buf loose = CAM_BUF_INIT;
	struct wctx w;
	char path[PATH_MAX];
	struct stat st;
	int k, rc = -1;

	/* The trail's commits first: each commit is looked up in it. */
	if (cam_path(path, sizeof(path), e, "%s/audit.journal",
	    s->cfg.root) == 0 && stat(path, &st) == 0 &&
	    cam_journal_foreach(path, trail_cb, c, e) == -1)
		check(rp, 0, "audit trail", "%s", e->msg);
	cam_err_clear(e);
	for (size_t i = 0; i < c->ntc && c->first == NULL; i++) {
		k = cam_repo_in_history(&s->repo, c->tc[i].id, e);
		if (k == -1)
			goto end;
		if (k == 1)
			c->first = c->tc[i].id;
	}
	if (cam_repo_walk(&s->repo, 1, config_cb, c, e) == -1)
		goto end;
	if (c->invalid == 0)
		check(rp, 1, "validation", "%d commit%s in the history, each "
		    "valid as camctl checks it", c->commits,
		    c->commits == 1 ? "" : "s");
	/* The trail's commits must all still be in the history. */
	for (size_t i = 0; i < c->ntc; i++) {
		char t[64];
		k = cam_repo_in_history(&s->repo, c->tc[i].id, e);
		if (k == -1)
			goto end;
		if (k == 0) {
			local(c->tc[i].time, s->cfg.timezone, t, sizeof(t));
			check(rp, 0, "history", "commit %.12s, made by %s at "
			    "%s (audit record %" PRIu64 "), is not in the "
			    "history: the history was rewritten", c->tc[i].id,
			    c->tc[i].actor, t, c->tc[i].seq);
			c->unaudited++;
		}
	}
	if (c->unaudited == 0)
		check(rp, 1, "audit trail", c->trail_start ? "every commit "
		    "since the audit trail began (%zu recorded) was made with "
		    "camctl and is in the history" : "no audit trail yet "
		    "(%zu recorded)", c->ntc);
	memset(&w, 0, sizeof(w));
	w.c = c;
	w.r = &s->repo;
	w.e = e;
	if (cam_repo_witness_foreach(&s->repo, CAM_WITNESS_REF,
	    config_witness, &w, e) != 0)
		goto end;
	if (w.bad == 0)
		check(rp, 1, "witness", w.n ? "%d witnessed configuration "
		    "head%s, all in the history" : "no configuration head "
		    "witnessed yet (camctl seal witnesses it)", w.n,
		    w.n == 1 ? "" : "s");
	if ((k = cam_repo_loose_secrets(&s->repo, &loose, e)) == -1)
		goto end;
	for (const char *p = cam_buf_str(&loose); *p != '\0'; ) {
		size_t n = strcspn(p, "\n");
		check(rp, 0, "secret", "object %.*s", (int)n, p);
		p += n + (p[n] == '\n');
	}
	c->secrets += k;
	if (c->secrets == 0)
		check(rp, 1, "secrets", "no private key, password or "
		    "credential in any commit (%d on the history in force, "
		    "%d elsewhere) or unreachable object", c->commits,
		    c->other);
	rc = 0;
end:
	cam_buf_free(&loose);
	return rc;
}

static void
cctx_free(struct cctx *c)
{
	cam_buf_free(&c->changes);
	free(c->tc);
	c->tc = NULL;
}

static int
cmd_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *since = NULL;
	struct report rp = { 0 };
	struct cam_site s;
	struct cam_err e;
	struct cctx c;
	int k, rc;

	memset(&c, 0, sizeof(c));
	while ((k = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (k) {
		case 's': since = optarg; break;
		case 'j': rp.json = c.json = 1; break;
		default: return cam_cli_usage_error("config: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("config: unexpected argument "
		    "\"%s\"", argv[optind]);
	if ((rc = open_site(&s)) != 0)
		return rc;
	cam_err_clear(&e);
	c.rp = &rp;
	c.s = &s;
	if (since != NULL && cam_time_parse(since, s.cfg.timezone, &c.since,
	    &e) == -1) {
		rc = cam_cli_usage_error("config: --since: %s", e.msg);
		goto end;
	}
	if (config_checks(&c, &e) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	if (c.json) {
		printf("{\"ok\": %s, \"changes\": [%s\n], \"checks\": [%s\n]}\n",
		    rp.failed ? "false" : "true", cam_buf_str(&c.changes),
		    cam_buf_str(&rp.out));
		rc = rp.failed ? CAM_NO : 0;
	} else {
		fputs(cam_buf_str(&c.changes), stdout);
		rc = finish(&rp);
	}
	if (fflush(stdout) != 0)
		rc = CAM_ENV;
	cam_cli_audit("config", rc == 0 ? "granted" : "failed", rc == 0 ?
	    NULL : "findings", NULL);
end:
	cam_buf_free(&rp.out);
	cctx_free(&c);
	cam_site_close(&s);
	return rc;
}

/* ---- cameras: the security of each camera (directive 004) ---- */

/* Severities, least first; medium and worse fail the run. */
enum sev { SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };
static const char *const sev_names[] = { "low", "medium", "high",
    "critical" };

#define PROBE_TIMEOUT	5	/* seconds for the unauthenticated probe */

struct camctx {
	struct report *rp;
	const struct cam_camera *cam;
	char name[64];		/* the check: "camera ID" */
	int findings;
};

static void
line(struct report *rp, int ok, const char *camera, const char *severity,
    const char *name, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
line(struct report *rp, int ok, const char *camera, const char *severity,
    const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(rp, ok, camera, severity, name, fmt, ap);
	va_end(ap);
}

/* A finding: "SEVERITY: what", failing the run from medium up. */
static void
finding(struct camctx *c, enum sev sev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
finding(struct camctx *c, enum sev sev, const char *fmt, ...)
{
	char what[1800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	c->findings++;
	line(c->rp, sev < SEV_MEDIUM, c->cam->id, sev_names[sev], c->name,
	    "%s: %s", sev_names[sev], what);
}

/* 1. Credentials: configured, not empty, not a factory default.  The
 * secret is only compared, never shown, and wiped at once. */
static void
check_credentials(struct camctx *c, const char *site_dir,
    const struct cam_defaults *defs)
{
	const struct cam_camera *cam = c->cam;
	const struct cam_default *d;
	char *user = NULL, *pass = NULL;
	struct cam_err e;
	int err;

	if (cam->credential == NULL) {
		finding(c, SEV_HIGH, "no credentials configured: the recorder "
		    "logs in with no user name and password (camctl camera "
		    "add %s --username U --password-file FILE)", cam->id);
		return;
	}
	cam_err_clear(&e);
	errno = 0;
	if (cam_secret_read(site_dir, cam->credential, &user, &pass,
	    &e) == -1) {
		err = errno;
		if (err == EACCES || err == EPERM) {
			/* Not a finding about the camera: the check was not
			 * done, and the run cannot vouch for it. */
			c->findings++;
			line(c->rp, 0, cam->id, NULL, c->name, "not done: "
			    "credentials \"%s\" not checked: this user may not "
			    "read %s/private (run camaudit cameras as root or "
			    "as the owner of the configuration directory)",
			    cam->credential, site_dir);
		} else
			finding(c, SEV_HIGH, "credentials \"%s\" cannot be "
			    "read: %s", cam->credential, e.msg);
		return;
	}
	if (pass[0] == '\0')
		finding(c, SEV_CRITICAL, "empty password for user \"%s\" "
		    "(credentials \"%s\")", user, cam->credential);
	else if ((d = cam_defaults_match(defs, user, pass)) != NULL)
		finding(c, SEV_CRITICAL, "user \"%s\" has a factory-default "
		    "password (%s, line %d of the defaults list): change it "
		    "on the camera, then camctl camera add %s --username U "
		    "--password-file FILE", user, d->vendor, d->line,
		    cam->id);
	cam_secret_free(&user);
	cam_secret_free(&pass);
}

/* 2. Does it stream to anybody?  3. In the clear? */
static void
check_rtsp(struct camctx *c)
{
	const struct cam_camera *cam = c->cam;
	char why[512];

	switch (cam_rec_probe_auth(cam, PROBE_TIMEOUT, why, sizeof(why))) {
	case CAM_RTSP_OPEN:
		finding(c, SEV_CRITICAL, "RTSP answers without authentication "
		    "(DESCRIBE 200 with no credentials): anybody on the "
		    "network can watch %s", cam->url);
		break;
	case CAM_RTSP_AUTH:
	case CAM_RTSP_FORBIDDEN:
		break;
	case CAM_RTSP_UNPROBED:
		finding(c, SEV_MEDIUM, "not probed: %s did not answer a "
		    "DESCRIBE without credentials over %s: %s", cam->url,
		    cam->transport, why);
		break;
	}
	if (strncasecmp(cam->url, "rtsp://", 7) == 0)
		finding(c, SEV_MEDIUM, "plaintext transport (rtsp://): the "
		    "video crosses the network unencrypted; use the camera's "
		    "rtsps:// URL");
}

/* 4. Model on the approved list, firmware not older than its minimum. */
static void
check_model(struct camctx *c, const struct cam_config *cfg)
{
	const struct cam_camera *cam = c->cam;
	const struct cam_approved *a;
	int cmp;

	if (cfg->napproved == 0) {
		if (cam->model == NULL || cam->firmware == NULL)
			finding(c, SEV_LOW, "%s not recorded (camctl camera set "
			    "%s model=M firmware=V)", cam->model == NULL ?
			    "model" : "firmware", cam->id);
		return;
	}
	if (cam->model == NULL) {
		finding(c, SEV_MEDIUM, "model not recorded: it cannot be "
		    "checked against the approved list (camctl camera set %s "
		    "model=M firmware=V)", cam->id);
		return;
	}
	if ((a = cam_config_approved(cfg, cam->model)) == NULL) {
		finding(c, SEV_HIGH, "model \"%s\" is not on the approved list "
		    "(policy.approved_cameras)", cam->model);
		return;
	}
	if (a->min_firmware == NULL)
		return;
	if (cam->firmware == NULL)
		finding(c, SEV_MEDIUM, "firmware not recorded: it cannot be "
		    "checked against the minimum %s for %s (camctl camera set "
		    "%s firmware=V)", a->min_firmware, a->model, cam->id);
	else if (cam_firmware_cmp(cam->firmware, a->min_firmware, &cmp) == -1)
		finding(c, SEV_MEDIUM, "firmware \"%s\" holds no version number "
		    "to compare with the minimum %s", cam->firmware,
		    a->min_firmware);
	else if (cmp < 0)
		finding(c, SEV_HIGH, "firmware %s is older than the approved "
		    "minimum %s for %s", cam->firmware, a->min_firmware,
		    a->model);
}

static int
load_defaults(const char *path, struct cam_defaults *defs, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;
	int rc;

	if (path == NULL)
		return cam_defaults_builtin(defs, e);
	if (cam_file_read(path, 1 << 20, &b, e) == -1)
		return -1;
	rc = cam_defaults_parse(defs, path, b.s ? b.s : "", b.len, e);
	cam_buf_free(&b);
	return rc;
}

/* Every camera of the configuration in force (or only camera): its
 * findings into rp. */
static void
audit_cameras(struct cam_site *s, struct report *rp, const char *camera,
    const struct cam_defaults *defs)
{
	size_t n = 0;

	if (s->cfg.napproved == 0)
		line(rp, 1, NULL, sev_names[SEV_LOW], "approved cameras",
		    "low: not configured: policy.approved_cameras is empty, "
		    "models and firmware are not checked (camkit.yaml(5))");
	for (size_t i = 0; i < s->cfg.ncameras; i++) {
		const struct cam_camera *cam = &s->cfg.cameras[i];
		struct camctx c = { rp, cam, "", 0 };

		if (camera != NULL && strcmp(cam->id, camera) != 0)
			continue;
		n++;
		snprintf(c.name, sizeof(c.name), "camera %s", cam->id);
		check_credentials(&c, s->dir, defs);
		check_rtsp(&c);
		check_model(&c, &s->cfg);
		if (c.findings == 0)
			line(rp, 1, cam->id, NULL, c.name, "%s, firmware %s: "
			    "no finding", cam->model ? cam->model :
			    "model not recorded", cam->firmware ?
			    cam->firmware : "not recorded");
	}
	if (n == 0)
		line(rp, 1, NULL, NULL, "cameras", "no camera in the "
		    "configuration in force");
}

static int
cmd_cameras(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "camera", required_argument, NULL, 'c' },
		{ "defaults", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *camera = NULL, *dpath = NULL;
	struct report rp = { 0 };
	struct cam_defaults defs;
	struct cam_site s;
	struct cam_err e;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (ch) {
		case 'c': camera = optarg; break;
		case 'd': dpath = optarg; break;
		case 'j': rp.json = 1; break;
		default: return cam_cli_usage_error("cameras: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("cameras: unexpected argument "
		    "\"%s\"", argv[optind]);
	cam_err_clear(&e);
	if ((rc = open_site(&s)) != 0)
		return rc;
	if (load_defaults(dpath, &defs, &e) == -1) {
		cam_site_close(&s);
		rc = cam_cli_fail(&e);
		cam_cli_audit("cameras", "failed", "bad defaults list", NULL);
		return rc;
	}
	if (camera != NULL && cam_config_camera(&s.cfg, camera) == NULL) {
		cam_errf(&e, CAM_NO, "cameras: no camera \"%s\" in the "
		    "configuration in force", camera);
		rc = cam_cli_fail(&e);
		cam_cli_audit(camera, "failed", e.msg, NULL);
		goto end;
	}
	audit_cameras(&s, &rp, camera, &defs);
	rc = finish(&rp);
	cam_cli_audit(camera != NULL ? camera : "cameras", rc == 0 ?
	    "granted" : "failed", rc == 0 ? NULL : "findings", NULL);
end:
	cam_buf_free(&rp.out);
	cam_defaults_free(&defs);
	cam_site_close(&s);
	return rc;
}

/* ---- report: the month, for the director (001 Đ14.2) ---- */

/* One camera's month, from its manifest. */
struct uptime {
	time_t from, to;	/* the window, clipped to now */
	time_t began;		/* first record-start, 0: none */
	int64_t recorded;	/* seconds of footage in the window */
	uint64_t segments, bytes;
	int gaps, unexplained, downs, disk_full, jumps, down;
	int64_t gap_s, longest;
	time_t prev_end;
	uint64_t by_age, by_capacity, other_deleted;
};

static int64_t
overlap(time_t a, time_t b, time_t from, time_t to)
{
	time_t x = a > from ? a : from, y = b < to ? b : to;

	return y > x ? (int64_t)(y - x) : 0;
}

static int
uptime_cb(void *arg, const struct cam_journal_rec *r)
{
	struct uptime *u = arg;
	char why[32];
	time_t start, end;

	if (strcmp(r->kind, "record-start") == 0) {
		if (u->began == 0)
			u->began = r->time;
		return 0;
	}
	if (r->time >= u->from && r->time < u->to) {
		if (strcmp(r->kind, "camera-down") == 0)
			u->downs++;
		else if (strcmp(r->kind, "disk-full") == 0)
			u->disk_full++;
		else if (strcmp(r->kind, "timestamp-jump") == 0)
			u->jumps++;
		else if (strcmp(r->kind, "delete") == 0) {
			if (cam_json_get_str(r->data, "reason", why,
			    sizeof(why)) == -1)
				why[0] = '\0';
			if (strcmp(why, "retention") == 0)
				u->by_age++;
			else if (strcmp(why, "capacity") == 0)
				u->by_capacity++;
			else
				u->other_deleted++;
		}
	}
	if (strcmp(r->kind, "camera-down") == 0)
		u->down = 1;
	if (strcmp(r->kind, "segment") != 0)
		return 0;
	start = json_time(r->data, "start");
	end = json_time(r->data, "end");
	if (start == (time_t)-1 || end == (time_t)-1)
		return 0;
	int64_t in = overlap(start, end, u->from, u->to);
	if (in > 0) {
		int64_t b;
		u->recorded += in;
		u->segments++;
		if (cam_json_get_int(r->data, "bytes", &b) == 0 && b > 0)
			u->bytes += (uint64_t)b;
	}
	if (u->prev_end != 0 && start - u->prev_end > 1) {
		int64_t g = overlap(u->prev_end, start, u->from, u->to);
		if (g > 0) {
			u->gaps++;
			u->gap_s += g;
			if (g > u->longest)
				u->longest = g;
			if (!u->down)
				u->unexplained++;
		}
	}
	u->prev_end = end;
	u->down = 0;
	return 0;
}

static void
span(int64_t s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%lldd %02lldh%02lldm", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600), (long long)(s % 3600 / 60));
	else if (s >= 3600)
		snprintf(buf, len, "%lldh%02lldm%02llds", (long long)(s / 3600),
		    (long long)(s % 3600 / 60), (long long)(s % 60));
	else
		snprintf(buf, len, "%lldm%02llds", (long long)(s / 60),
		    (long long)(s % 60));
}

static void
bytes_text(uint64_t b, char *buf, size_t len)
{
	const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)b;
	int i = 0;

	while (v >= 1024 && i < 5) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, i ? "%.1f %s" : "%.0f %s", v, unit[i]);
}

struct rpt {
	struct cam_site *s;
	time_t from, to, end;	/* end: to, or now if sooner */
	struct cam_buf txt, json;
	int nsec;
};

static void
section(struct rpt *p, const char *title, const char *key)
{
	cam_buf_addf(&p->txt, "\n%d. %s\n", ++p->nsec, title);
	cam_buf_addf(&p->json, ",\n \"%s\": ", key);
}

static void
report_recording(struct rpt *p, uint64_t *by_age, uint64_t *by_cap)
{
	struct cam_err e;
	char path[PATH_MAX], a[32], b[32], c[32];
	char **cams = NULL;
	size_t n = 0;

	section(p, "Recording", "recording");
	cam_buf_adds(&p->json, "[");
	if (cam_store_cameras(p->s->cfg.root, &cams, &n, &e) == -1) {
		cam_buf_addf(&p->txt, "   cannot list the cameras: %s\n", e.msg);
		n = 0;
	}
	/* Cameras configured but never recorded are listed too. */
	for (size_t i = 0; i < p->s->cfg.ncameras; i++) {
		size_t k;
		for (k = 0; k < n && strcmp(cams[k], p->s->cfg.cameras[i].id);
		    k++)
			;
		if (k == n) {
			cams = cam_xrealloc(cams, (n + 1) * sizeof(*cams));
			cams[n++] = cam_xstrdup(p->s->cfg.cameras[i].id);
		}
	}
	cam_buf_addf(&p->txt, "   %-16s %8s %14s %5s %12s %5s %9s %10s\n",
	    "camera", "uptime", "recorded", "gaps", "gap time", "down",
	    "unexpl.", "footage");
	for (size_t i = 0; i < n; i++) {
		struct uptime u;
		memset(&u, 0, sizeof(u));
		u.from = p->from;
		u.to = p->end;
		cam_err_clear(&e);
		if (cam_path(path, sizeof(path), &e, "%s/%s/manifest",
		    p->s->cfg.root, cams[i]) == 0 && access(path, F_OK) == 0 &&
		    cam_journal_foreach(path, uptime_cb, &u, &e) == -1)
			cam_buf_addf(&p->txt, "   %s: manifest: %s\n", cams[i],
			    e.msg);
		/* Expected: from the later of the month's start and the
		 * first recording, to the month's end or now. */
		time_t x = u.began > p->from ? u.began : p->from;
		int64_t expect = u.began && p->end > x ? p->end - x : 0;
		double pct = expect > 0 ? 100.0 * (double)u.recorded /
		    (double)expect : 0;
		if (pct > 100)
			pct = 100;
		span(u.recorded, a, sizeof(a));
		span(u.gap_s, b, sizeof(b));
		bytes_text(u.bytes, c, sizeof(c));
		if (expect > 0)
			cam_buf_addf(&p->txt, "   %-16s %7.2f%% %14s %5d %12s "
			    "%5d %9d %10s\n", cams[i], pct, a, u.gaps, b,
			    u.downs, u.unexplained, c);
		else
			cam_buf_addf(&p->txt, "   %-16s %8s %14s %5s %12s %5s "
			    "%9s %10s\n", cams[i], "-", "not recording", "-",
			    "-", "-", "-", "-");
		if (u.disk_full || u.jumps)
			cam_buf_addf(&p->txt, "   %-16s disk full %d times, "
			    "clock or timestamp jumps %d\n", "", u.disk_full,
			    u.jumps);
		*by_age += u.by_age;
		*by_cap += u.by_capacity + u.other_deleted;
		cam_buf_adds(&p->json, i ? ",\n  " : "\n  ");
		cam_json_begin(&p->json);
		cam_json_add_str(&p->json, "camera", cams[i]);
		cam_json_add_int(&p->json, "expected_s", expect);
		cam_json_add_int(&p->json, "recorded_s", u.recorded);
		snprintf(a, sizeof(a), "%.3f", pct);
		cam_json_add_raw(&p->json, "uptime_percent", a);
		cam_json_add_uint(&p->json, "segments", u.segments);
		cam_json_add_uint(&p->json, "bytes", u.bytes);
		cam_json_add_int(&p->json, "gaps", u.gaps);
		cam_json_add_int(&p->json, "gap_s", u.gap_s);
		cam_json_add_int(&p->json, "longest_gap_s", u.longest);
		cam_json_add_int(&p->json, "gaps_without_camera_down",
		    u.unexplained);
		cam_json_add_int(&p->json, "camera_down", u.downs);
		cam_json_add_int(&p->json, "disk_full", u.disk_full);
		cam_json_add_int(&p->json, "timestamp_jumps", u.jumps);
		cam_json_add_uint(&p->json, "deleted_by_age", u.by_age);
		cam_json_add_uint(&p->json, "deleted_by_capacity",
		    u.by_capacity);
		cam_json_end(&p->json);
		free(cams[i]);
	}
	free(cams);
	if (n == 0)
		cam_buf_adds(&p->txt, "   no camera\n");
	cam_buf_adds(&p->json, "]");
	cam_buf_adds(&p->txt, "   uptime: footage recorded over the time since "
	    "the month began (or recording began), to its end or now;\n"
	    "   unexpl.: gaps with no camera-down event before them.\n");
}

static void
report_storage(struct rpt *p, uint64_t by_age, uint64_t by_cap)
{
	struct statvfs vf;
	struct cam_holds h;
	struct cam_err e;
	char a[32], b[32], c[32], t[64];
	char **cams = NULL;
	size_t n = 0;
	uint64_t live = 0, nseg = 0;
	time_t oldest = 0;
	int held = 0;

	section(p, "Storage and retention", "storage");
	cam_buf_adds(&p->json, "{");
	if (cam_store_cameras(p->s->cfg.root, &cams, &n, &e) == -1)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct cam_segments sg;
		memset(&sg, 0, sizeof(sg));
		if (cam_store_segments(p->s->cfg.root, cams[i], &sg, &e) == 0)
			for (size_t k = 0; k < sg.n; k++) {
				live += sg.v[k].bytes;
				nseg++;
				if (oldest == 0 || sg.v[k].start < oldest)
					oldest = sg.v[k].start;
			}
		cam_segments_free(&sg);
		free(cams[i]);
	}
	free(cams);
	memset(&h, 0, sizeof(h));
	if (cam_store_holds(p->s->cfg.root, &h, &e) == 0)
		for (size_t i = 0; i < h.n; i++)
			held += !h.v[i].released;
	cam_holds_free(&h);
	bytes_text(live, a, sizeof(a));
	cam_buf_addf(&p->txt, "   data root %s: %s in %" PRIu64 " segments",
	    p->s->cfg.root, a, nseg);
	if (oldest) {
		local(oldest, p->s->cfg.timezone, t, sizeof(t));
		cam_buf_addf(&p->txt, ", the oldest from %s", t);
	}
	cam_buf_adds(&p->txt, "\n");
	cam_json_add_str(&p->json, "root", p->s->cfg.root);
	cam_json_add_uint(&p->json, "footage_bytes", live);
	cam_json_add_uint(&p->json, "segments", nseg);
	if (statvfs(p->s->cfg.root, &vf) == 0) {
		uint64_t total = (uint64_t)vf.f_blocks * vf.f_frsize;
		uint64_t avail = (uint64_t)vf.f_bavail * vf.f_frsize;
		uint64_t used = total - (uint64_t)vf.f_bfree * vf.f_frsize;
		bytes_text(total, b, sizeof(b));
		bytes_text(avail, c, sizeof(c));
		cam_buf_addf(&p->txt, "   filesystem: %s, %.1f%% used, %s "
		    "free\n", b, total ? 100.0 * (double)used /
		    (double)total : 0, c);
		cam_json_add_uint(&p->json, "fs_bytes", total);
		cam_json_add_uint(&p->json, "fs_used_bytes", used);
		cam_json_add_uint(&p->json, "fs_avail_bytes", avail);
	}
	if (p->s->cfg.max_bytes > 0)
		bytes_text(p->s->cfg.max_bytes, b, sizeof(b));
	else
		snprintf(b, sizeof(b), "%d%% of the filesystem",
		    p->s->cfg.max_percent);
	cam_buf_addf(&p->txt, "   retention: %d days; capacity limit: %s\n",
	    p->s->cfg.retention_days, b);
	cam_buf_addf(&p->txt, "   pruned this month: %" PRIu64 " segments by "
	    "age, %" PRIu64 " by capacity; evidence holds in force: %d\n",
	    by_age, by_cap, held);
	cam_json_add_int(&p->json, "retention_days", p->s->cfg.retention_days);
	cam_json_add_str(&p->json, "max_usage", b);
	cam_json_add_uint(&p->json, "pruned_by_age", by_age);
	cam_json_add_uint(&p->json, "pruned_by_capacity", by_cap);
	cam_json_add_int(&p->json, "holds", held);
	if (oldest) {
		cam_time_format_utc(oldest, t, sizeof(t));
		cam_json_add_str(&p->json, "oldest", t);
	}
	cam_buf_adds(&p->json, "}");
}

struct lbctx {
	time_t from, to;
	int entries, corrections, starts, ends, handovers, seals;
	int kinds[5];
};

static const char *const lb_kinds[] = { "suspicious", "fault", "incident",
	"maintenance", "note" };

static int
logbook_cb(void *arg, const struct cam_journal_rec *r)
{
	struct lbctx *l = arg;
	char to[64];

	if (r->time < l->from || r->time >= l->to)
		return 0;
	for (int i = 0; i < 5; i++)
		if (strcmp(r->kind, lb_kinds[i]) == 0) {
			l->kinds[i]++;
			l->entries++;
		}
	if (strcmp(r->kind, "correction") == 0)
		l->corrections++;
	else if (strcmp(r->kind, "shift-start") == 0)
		l->starts++;
	else if (strcmp(r->kind, "shift-end") == 0) {
		l->ends++;
		if (cam_json_get_str(r->data, "handover_to", to,
		    sizeof(to)) == 0)
			l->handovers++;
	} else if (strcmp(r->kind, "seal") == 0)
		l->seals++;
	return 0;
}

static void
report_logbook(struct rpt *p)
{
	struct lbctx l;
	struct cam_err e;
	char path[PATH_MAX];

	memset(&l, 0, sizeof(l));
	l.from = p->from;
	l.to = p->to;
	section(p, "Logbook", "logbook");
	if (cam_path(path, sizeof(path), &e, "%s/" CAM_LOGBOOK_FILE,
	    p->s->cfg.root) == 0 && access(path, F_OK) == 0 &&
	    cam_journal_foreach(path, logbook_cb, &l, &e) == -1)
		cam_buf_addf(&p->txt, "   %s\n", e.msg);
	cam_buf_addf(&p->txt, "   %d entries (", l.entries);
	cam_json_begin(&p->json);
	cam_json_add_int(&p->json, "entries", l.entries);
	for (int i = 0; i < 5; i++) {
		cam_buf_addf(&p->txt, "%s%s %d", i ? ", " : "", lb_kinds[i],
		    l.kinds[i]);
		cam_json_add_int(&p->json, lb_kinds[i], l.kinds[i]);
	}
	cam_buf_addf(&p->txt, "), %d corrections\n   shifts: %d started, %d "
	    "ended, %d handed over by name; %d seals\n", l.corrections,
	    l.starts, l.ends, l.handovers, l.seals);
	cam_json_add_int(&p->json, "corrections", l.corrections);
	cam_json_add_int(&p->json, "shifts_started", l.starts);
	cam_json_add_int(&p->json, "shifts_ended", l.ends);
	cam_json_add_int(&p->json, "handovers", l.handovers);
	cam_json_add_int(&p->json, "seals", l.seals);
	cam_json_end(&p->json);
}

struct acctx2 {
	struct rpt *p;
	time_t from, to;
	int extractions, refusals, failed;
	struct cam_buf ext, ref, jext, jref;
};

static int
access_month_cb(void *arg, const struct cam_journal_rec *r)
{
	struct acctx2 *a = arg;
	char prog_[32], outcome[16], actor[64], object[256], reason[512],
	    verb[64], t[64];

	if (strcmp(r->kind, "audit") != 0 || r->time < a->from ||
	    r->time >= a->to ||
	    cam_json_get_str(r->data, "program", prog_, sizeof(prog_)) == -1 ||
	    cam_json_get_str(r->data, "outcome", outcome,
	    sizeof(outcome)) == -1)
		return 0;
	if (cam_json_get_str(r->data, "actor", actor, sizeof(actor)) == -1)
		snprintf(actor, sizeof(actor), "?");
	if (cam_json_get_str(r->data, "verb", verb, sizeof(verb)) == -1)
		snprintf(verb, sizeof(verb), "?");
	if (cam_json_get_str(r->data, "object", object, sizeof(object)) == -1)
		snprintf(object, sizeof(object), "-");
	if (cam_json_get_str(r->data, "reason", reason, sizeof(reason)) == -1)
		snprintf(reason, sizeof(reason), "-");
	local(r->time, a->p->s->cfg.timezone, t, sizeof(t));
	if (strcmp(prog_, "camextract") == 0 && strcmp(verb, "run") == 0 &&
	    strcmp(outcome, "granted") == 0) {
		cam_buf_addf(&a->ext, "   %s  %s  %s\n", t, actor, object);
		cam_buf_adds(&a->jext, a->extractions ? ",\n  " : "\n  ");
		cam_json_begin(&a->jext);
		cam_json_add_str(&a->jext, "time", t);
		cam_json_add_str(&a->jext, "actor", actor);
		cam_json_add_str(&a->jext, "object", object);
		cam_json_end(&a->jext);
		a->extractions++;
	} else if (strcmp(outcome, "refused") == 0) {
		cam_buf_addf(&a->ref, "   %s  %s  %s %s  %s: %s\n", t, actor,
		    prog_, verb, object, reason);
		cam_buf_adds(&a->jref, a->refusals ? ",\n  " : "\n  ");
		cam_json_begin(&a->jref);
		cam_json_add_str(&a->jref, "time", t);
		cam_json_add_str(&a->jref, "actor", actor);
		cam_json_add_str(&a->jref, "program", prog_);
		cam_json_add_str(&a->jref, "verb", verb);
		cam_json_add_str(&a->jref, "object", object);
		cam_json_add_str(&a->jref, "reason", reason);
		cam_json_end(&a->jref);
		a->refusals++;
	} else if (strcmp(outcome, "failed") == 0)
		a->failed++;
	return 0;
}

static void
report_access(struct rpt *p)
{
	struct acctx2 a;
	struct cam_err e;
	char path[PATH_MAX];

	memset(&a, 0, sizeof(a));
	a.p = p;
	a.from = p->from;
	a.to = p->to;
	if (cam_path(path, sizeof(path), &e, "%s/audit.journal",
	    p->s->cfg.root) == 0 && access(path, F_OK) == 0 &&
	    cam_journal_foreach(path, access_month_cb, &a, &e) == -1)
		cam_buf_addf(&a.ref, "   the audit trail: %s\n", e.msg);
	section(p, "Extractions and refusals", "extractions");
	cam_buf_addf(&p->txt, "   %d archives extracted:\n%s", a.extractions,
	    cam_buf_str(&a.ext));
	cam_buf_addf(&p->txt, "   %d refusals:\n%s", a.refusals,
	    cam_buf_str(&a.ref));
	cam_buf_addf(&p->txt, "   %d operations failed (see camaudit "
	    "access)\n", a.failed);
	cam_buf_addf(&p->json, "[%s\n ],\n \"refusals\": [%s\n ]",
	    cam_buf_str(&a.jext), cam_buf_str(&a.jref));
	cam_buf_free(&a.ext);
	cam_buf_free(&a.ref);
	cam_buf_free(&a.jext);
	cam_buf_free(&a.jref);
}

/* TAB-separated lines, indented, for print: fields joined by two
 * spaces; checks ("ok<TAB>name<TAB>detail") as "ok    name: detail". */
static void
indent_fields(struct cam_buf *out, const char *lines, int checks)
{
	for (const char *q = lines; *q != '\0'; ) {
		size_t n = strcspn(q, "\n");
		size_t f1 = strcspn(q, "\t");
		cam_buf_adds(out, "   ");
		if (checks && f1 < n) {
			const char *name = q + f1 + 1;
			size_t f2 = strcspn(name, "\t");
			cam_buf_addf(out, "%-5.*s %.*s: %.*s\n", (int)f1, q,
			    (int)(f2 < n - f1 - 1 ? f2 : n - f1 - 1), name,
			    f2 < n - f1 - 1 ? (int)(n - f1 - 2 - f2) : 0,
			    f2 < n - f1 - 1 ? name + f2 + 1 : "");
		} else
			for (size_t i = 0; i < n; i++)
				cam_buf_adds(out, q[i] == '\t' ? "  " :
				    (char[2]){ q[i], '\0' });
		if (!checks || f1 >= n)
			cam_buf_adds(out, "\n");
		q += n + (q[n] == '\n');
	}
}

static int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *month = NULL;
	struct report rp = { 0 };
	struct cam_site s;
	struct cam_err e;
	struct rpt p;
	struct cctx c;
	char label[32], day[32], t[64], host[256];
	uint64_t by_age = 0, by_cap = 0;
	int k, rc, json = 0, y, m, cam_failed = 0, cam_n = 0;
	time_t now = time(NULL);

	while ((k = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (k) {
		case 'm': month = optarg; break;
		case 'j': json = 1; break;
		default: return cam_cli_usage_error("report: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("report: unexpected argument "
		    "\"%s\"", argv[optind]);
	if (month != NULL && (strlen(month) != 7 || month[4] != '-' ||
	    sscanf(month, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12 ||
	    y < 1970 || strspn(month, "0123456789-") != 7))
		return cam_cli_usage_error("report: --month: \"%s\" is not "
		    "YYYY-MM", month);
	if ((rc = open_site(&s)) != 0)
		return rc;
	cam_err_clear(&e);
	memset(&p, 0, sizeof(p));
	p.s = &s;
	if (month == NULL) {
		/* The month before this one, in the site's zone. */
		local(now, s.cfg.timezone, t, sizeof(t));
		sscanf(t, "%4d-%2d", &y, &m);
		if (--m == 0) {
			m = 12;
			y--;
		}
	}
	snprintf(label, sizeof(label), "%04d-%02d", y, m);
	snprintf(day, sizeof(day), "%04d-%02d-01", y, m);
	if (cam_time_parse(day, s.cfg.timezone, &p.from, &e) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	snprintf(day, sizeof(day), "%04d-%02d-01", m == 12 ? y + 1 : y,
	    m == 12 ? 1 : m + 1);
	if (cam_time_parse(day, s.cfg.timezone, &p.to, &e) == -1) {
		rc = cam_cli_fail(&e);
		goto end;
	}
	p.end = now < p.to ? now : p.to;
	if (p.end < p.from)
		p.end = p.from;

	/* Header. */
	cam_cli_host(host, sizeof(host));
	local(now, s.cfg.timezone, t, sizeof(t));
	cam_buf_addf(&p.txt, "camkit monthly report: %s\n", s.cfg.site_name);
	cam_buf_addf(&p.txt, "Month %s, time zone %s%s\n", label,
	    s.cfg.timezone, now < p.to ? " (the month so far)" : "");
	cam_buf_addf(&p.txt, "Made %s on %s by %s; configuration %.12s\n", t,
	    host, cam_cli_actor() ? cam_cli_actor()->name : "?", s.rev);
	cam_json_begin(&p.json);
	cam_json_add_str(&p.json, "site", s.cfg.site_name);
	cam_json_add_str(&p.json, "month", label);
	local(p.from, s.cfg.timezone, t, sizeof(t));
	cam_json_add_str(&p.json, "from", t);
	local(p.to, s.cfg.timezone, t, sizeof(t));
	cam_json_add_str(&p.json, "to", t);
	local(now, s.cfg.timezone, t, sizeof(t));
	cam_json_add_str(&p.json, "made", t);
	cam_json_add_str(&p.json, "host", host);
	cam_json_add_str(&p.json, "by", cam_cli_actor() ?
	    cam_cli_actor()->name : "?");
	cam_json_add_str(&p.json, "configuration", s.rev);
	/* The object stays open: the sections follow inside it. */

	report_recording(&p, &by_age, &by_cap);
	report_storage(&p, by_age, by_cap);
	report_logbook(&p);
	report_access(&p);

	/* Configuration changes, and the checks of its history. */
	section(&p, "Configuration changes", "configuration_changes");
	memset(&c, 0, sizeof(c));
	c.rp = &rp;
	c.s = &s;
	c.json = json;
	c.since = p.from;
	c.until = p.to;
	rp.json = json;
	if (config_checks(&c, &e) == -1)
		check(&rp, 0, "configuration", "%s", e.msg);
	cam_err_clear(&e);
	if (json)
		cam_buf_addf(&p.json, "[%s\n ]", cam_buf_str(&c.changes));
	else {
		cam_buf_addf(&p.txt, "   %d change%s\n", c.nchanges,
		    c.nchanges == 1 ? "" : "s");
		indent_fields(&p.txt, cam_buf_str(&c.changes), 0);
	}
	cctx_free(&c);

	/* The cameras' security (directive 004), a section of its own;
	 * its failures count in the result. */
	section(&p, "Camera security", "cameras");
	{
		struct report cr = { 0 };
		struct cam_defaults defs;
		cr.json = json;
		if (load_defaults(NULL, &defs, &e) == -1) {
			check(&cr, 0, "cameras", "%s", e.msg);
			cam_err_clear(&e);
		} else {
			audit_cameras(&s, &cr, NULL, &defs);
			cam_defaults_free(&defs);
		}
		if (json)
			cam_buf_addf(&p.json, "[%s\n ]", cam_buf_str(&cr.out));
		else
			indent_fields(&p.txt, cam_buf_str(&cr.out), 1);
		cam_failed = cr.failed;
		cam_n = cr.n;
		cam_buf_free(&cr.out);
	}

	/* Verification: the journals and the recordings. */
	if (audit_journals(&s, &rp, &e) == -1) {
		check(&rp, 0, "journals", "%s", e.msg);
		cam_err_clear(&e);
	}
	{
		struct rctx rc2;
		memset(&rc2, 0, sizeof(rc2));
		rc2.zone = s.cfg.timezone;
		rc2.from = p.from;
		rc2.to = p.to;
		if (audit_recordings(&s, &rp, NULL, &rc2, &e) == -1) {
			check(&rp, 0, "recordings", "%s", e.msg);
			cam_err_clear(&e);
		}
	}
	section(&p, "Verification", "checks");
	rp.failed += cam_failed;
	rp.n += cam_n;
	if (json)
		cam_buf_addf(&p.json, "[%s\n ],\n \"ok\": %s\n}\n",
		    cam_buf_str(&rp.out), rp.failed ? "false" : "true");
	else {
		indent_fields(&p.txt, cam_buf_str(&rp.out), 1);
		cam_buf_addf(&p.txt, "\n%s: %d of %d checks failed "
		    "(camera security and verification)\n",
		    rp.failed ? "NOT OK" : "OK", rp.failed, rp.n);
	}
	fputs(json ? cam_buf_str(&p.json) : cam_buf_str(&p.txt), stdout);
	rc = rp.failed ? CAM_NO : 0;
	if (fflush(stdout) != 0)
		rc = CAM_ENV;
	cam_cli_audit("report", rc == 0 ? "granted" : "failed", rc == 0 ?
	    NULL : "findings", NULL);
end:
	cam_buf_free(&rp.out);
	cam_buf_free(&p.txt);
	cam_buf_free(&p.json);
	cam_site_close(&s);
	return rc;
}

static const struct cam_cli_verb verbs[] = {
	{ "verify", cmd_verify, 0 },
	{ "journals", cmd_journals, 0 },
	{ "recordings", cmd_recordings, 0 },
	{ "access", cmd_access, 0 },
	{ "config", cmd_config, 0 },
	{ "cameras", cmd_cameras, 0 },
	{ "report", cmd_report, 0 },
};

int
main(int argc, char **argv)
{
	cam_cli_setup(prog, usage);
	/* The camera probe's failures are reported as findings. */
	av_log_set_level(AV_LOG_QUIET);
	return cam_cli_run(argc, argv, verbs, sizeof(verbs) / sizeof(verbs[0]),
	    &dir);
}
