/*
 * camaudit: the compliance officer's verifier.  It reads; it never
 * changes anything.  main() parses the global options and dispatches to
 * one function per verb.  Today: verify (an archive made by camextract)
 * and journals (every journal of the site: chain, seals, witness).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "cam_archive.h"
#include "cam_cli.h"
#include "cam_crypto.h"
#include "cam_journal.h"
#include "cam_json.h"
#include "cam_media.h"
#include "cam_request.h"
#include "cam_seal.h"
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

static void
check(struct report *rp, int ok, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
check(struct report *rp, int ok, const char *name, const char *fmt, ...)
{
	char detail[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (!ok)
		rp->failed++;
	if (rp->json) {
		cam_buf_adds(&rp->out, rp->n++ ? ",\n  " : "\n  ");
		cam_json_begin(&rp->out);
		cam_json_add_str(&rp->out, "check", name);
		cam_json_add_bool(&rp->out, "ok", ok);
		cam_json_add_str(&rp->out, "detail", detail);
		cam_json_end(&rp->out);
	} else
		cam_buf_addf(&rp->out, "%s\t%s\t%s\n", ok ? "ok" : "FAIL",
		    name, detail);
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

static int
cmd_journals(int argc, char **argv)
{
	struct report rp = { 0 };
	struct cam_site s;
	struct cam_err e;
	struct jctx j;
	int rc;

	if ((rc = cam_cli_json_only(argc, argv, "journals", &rp.json)) != 0)
		return rc;
	cam_err_clear(&e);
	if ((rc = open_site(&s)) != 0)
		return rc;
	memset(&j, 0, sizeof(j));
	j.rp = &rp;
	j.repo = s.dir;
	if (cam_site_trust(&s, &j.ca, &e) == -1 ||
	    cam_store_journals(s.cfg.root, journal_cb, &j, &e) == -1) {
		cam_trust_free(&j.ca);
		cam_site_close(&s);
		cam_buf_free(&rp.out);
		return cam_cli_fail(&e);
	}
	if (rp.n == 0 && rp.out.len == 0)
		check(&rp, 0, "journals", "no journal under %s", s.cfg.root);
	rc = finish(&rp);
	cam_cli_audit("journals", rc == 0 ? "granted" : "failed",
	    rc == 0 ? NULL : "a journal failed", NULL);
	cam_trust_free(&j.ca);
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
	int down;		/* a camera-down since then */
	uint64_t deleted;
};

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

static int
rec_cb(void *arg, const struct cam_journal_rec *r)
{
	struct rctx *c = arg;
	char file[PATH_MAX], reason[256], a[64], b[64];
	time_t start, end;

	if (strcmp(r->kind, "camera-down") == 0) {
		c->down = 1;
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
		local(c->prev_end, c->zone, a, sizeof(a));
		local(start, c->zone, b, sizeof(b));
		if (c->down)
			check(c->rp, 1, "gap", "%s: %s to %s, %lld s, the "
			    "camera was down (journaled)", c->camera, a, b,
			    (long long)(start - c->prev_end));
		else
			check(c->rp, 0, "gap", "%s: %s to %s, %lld s, and no "
			    "camera-down event: the recorder was not "
			    "recording", c->camera, a, b,
			    (long long)(start - c->prev_end));
	}
	c->prev_end = end;
	c->down = 0;
	return 0;
}

static void
rec_report(void *arg, const char *what, const char *msg)
{
	struct rctx *c = arg;

	check(c->rp, 0, what, "%s", msg);
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
	char path[PATH_MAX];
	char **cams = NULL;
	size_t n = 0;
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
	/* Every camera that has a manifest, in the configuration or not:
	 * footage of a camera taken out still counts. */
	if (camera != NULL) {
		cams = cam_xmalloc(sizeof(*cams));
		cams[n++] = cam_xstrdup(camera);
	} else if (cam_store_cameras(s.cfg.root, &cams, &n, &e) == -1) {
		cam_site_close(&s);
		return cam_cli_fail(&e);
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t checked = 0;
		int found;

		c.rp = &rp;
		c.camera = cams[i];
		c.prev_end = 0;
		c.down = 0;
		found = cam_store_verify(s.cfg.root, cams[i], rec_report, &c,
		    &checked, &e);
		if (found == -1) {
			check(&rp, 0, cams[i], "%s", e.msg);
			cam_err_clear(&e);
			continue;
		}
		if (cam_path(path, sizeof(path), &e, "%s/%s/manifest",
		    s.cfg.root, cams[i]) == 0 &&
		    cam_journal_foreach(path, rec_cb, &c, &e) == -1) {
			check(&rp, 0, cams[i], "%s", e.msg);
			cam_err_clear(&e);
		}
		if (found == 0)
			check(&rp, 1, cams[i], "%" PRIu64 " segments match "
			    "their manifest", checked);
	}
	if (n == 0)
		check(&rp, 0, "recordings", "no camera has a manifest under "
		    "%s", s.cfg.root);
	rc = finish(&rp);
	cam_cli_audit("recordings", rc == 0 ? "granted" : "failed",
	    rc == 0 ? NULL : "findings", NULL);
	for (size_t i = 0; i < n; i++)
		free(cams[i]);
	free(cams);
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

static const struct cam_cli_verb verbs[] = {
	{ "verify", cmd_verify, 0 },
	{ "journals", cmd_journals, 0 },
	{ "recordings", cmd_recordings, 0 },
	{ "access", cmd_access, 0 },
};

int
main(int argc, char **argv)
{
	cam_cli_setup(prog, usage);
	return cam_cli_run(argc, argv, verbs, sizeof(verbs) / sizeof(verbs[0]),
	    &dir);
}
