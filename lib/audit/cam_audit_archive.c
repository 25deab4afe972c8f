/*
 * cam_audit_archive: an archive made by camextract, checked as a compliance
 * officer would: the tar itself, SHA256SUMS against every member, the
 * site's signature over it, the request and its signatures as camextract
 * checked them, custody naming this request, and each clip against its
 * sources and its own media (cam_audit_archive_clips.c).  An encrypted archive
 * is opened with a recipient's key into a file no one else can open.
 *
 * Every finding is a check line (cam_checklist); only what stops the
 * verification itself (I/O, memory) is an error.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "audit/cam_audit_archive.h"
#include "audit/cam_factory_creds.h"
#include "base/cam_crypto.h"
#include "base/cam_i18n.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "evidence/cam_archive.h"
#include "evidence/cam_custody.h"
#include "evidence/cam_request.h"

#define SMALL_MAX	(4 << 20)

const struct cam_audit_archive_member *
cam_audit_archive_member(const struct cam_audit_archive_view *v,
    const char *name)
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

/* Does a pax extended header in the bytes [from, to) of the tar file,
 * the headers before a member's data, give a path or link path holding
 * a NUL byte?  libarchive cuts such a name at the NUL, so the name the
 * checks see is not the one the archive carries. */
static int
pax_nul(int fd, uint64_t from, uint64_t to)
{
	unsigned char h[512];
	int nul = 0;

	while (!nul && from + 512 <= to) {
		uint64_t size = 0;
		char type;

		if (pread(fd, h, sizeof(h), (off_t)from) != (ssize_t)sizeof(h))
			return 0;
		type = (char)h[156];
		for (int i = 124; i < 136 && h[i] >= '0' && h[i] <= '7'; i++)
			size = size * 8 + (uint64_t)(h[i] - '0');
		from += 512;
		if ((type == 'x' || type == 'g') && size > 0 &&
		    size <= (1 << 20) && from + size <= to) {
			char *b = cam_xmalloc((size_t)size), *p, *end;
			if (pread(fd, b, (size_t)size, (off_t)from) !=
			    (ssize_t)size) {
				free(b);
				return 0;
			}
			/* Records: "LEN key=value\n", LEN counting all. */
			for (p = b, end = b + size; p < end; ) {
				size_t len = 0;
				char *q = p, *eq;
				while (q < end && *q >= '0' && *q <= '9')
					len = len * 10 + (size_t)(*q++ - '0');
				if (len == 0 || len > (size_t)(end - p) ||
				    q >= p + len || *q != ' ')
					break;
				q++;
				eq = memchr(q, '=', (size_t)(p + len - q));
				if (eq != NULL && ((eq - q == 4 &&
				    memcmp(q, "path", 4) == 0) || (eq - q == 8 &&
				    memcmp(q, "linkpath", 8) == 0)) &&
				    memchr(eq + 1, '\0',
				    (size_t)(p + len - 1 - (eq + 1))) != NULL)
					nul = 1;
				p += len;
			}
			free(b);
		}
		from += (size + 511) / 512 * 512;
	}
	return nul;
}

/* Read every member once: hash it, keep the small ones, note where its
 * data lies.  The blocks are hashed where libarchive read them, never
 * copied: hashing is what bounds the speed of a multi-gigabyte verify. */
static int
read_archive(int fd, const char *path, struct cam_audit_archive_view *v,
    cam_progress_fn *progress, void *arg, struct cam_checklist *ck,
    struct cam_err *e)
{
	struct cam_progress p = { 0, 0, 0, 0 };
	struct stat st;
	static const char zero[4096];
	struct archive *a = archive_read_new();
	struct archive_entry *en;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint64_t hdr_from = 0;	/* where the next member's headers start */
	int r, rc = -1, bad = 0;

	if (a == NULL || md == NULL)
		return cam_errf(e, CAM_ENV, "out of memory");
	if (progress != NULL && fstat(fd, &st) == 0)
		p.total_bytes = (uint64_t)st.st_size;
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, 1 << 20) != ARCHIVE_OK) {
		cam_checklist_add(ck, 0, "tar", "%s: %s", path,
		    archive_error_string(a));
		rc = 0;
		goto end;
	}
	while ((r = archive_read_next_header(a, &en)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(en);
		struct cam_audit_archive_member *m;
		unsigned char d[EVP_MAX_MD_SIZE];
		unsigned int dl;
		const void *blk;
		size_t n;
		la_int64_t at;

		if (name == NULL || !name_safe(name)) {
			cam_checklist_add(ck, 0, "tar", "unsafe member name "
			    "\"%s\"", name ? name : "");
			bad = 1;
			continue;
		}
		if (pax_nul(fd, hdr_from,
		    (uint64_t)archive_filter_bytes(a, 0))) {
			cam_checklist_add(ck, 0, "tar", "unsafe member name "
			    "\"%s\": its pax path holds a NUL byte", name);
			bad = 1;
			continue;
		}
		if (archive_entry_filetype(en) != AE_IFREG) {
			cam_checklist_add(ck, 0, "tar",
			    "%s: not a regular file", name);
			bad = 1;
			continue;
		}
		for (size_t i = 0; i < v->n; i++)
			if (strcmp(v->m[i].name, name) == 0) {
				cam_checklist_add(ck, 0, "tar",
				    "%s appears twice", name);
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
			if (progress != NULL) {
				p.done = v->n - 1;
				p.bytes = (uint64_t)archive_filter_bytes(a, 0);
				progress(arg, &p);
			}
		}
		if (r != ARCHIVE_EOF) {
			cam_checklist_add(ck, 0, "tar", "%s: %s (truncated "
			    "archive?)", name, archive_error_string(a));
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
		/* The next member's headers start at the next block. */
		hdr_from = ((uint64_t)archive_filter_bytes(a, 0) + 511) /
		    512 * 512;
	}
	if (progress != NULL) {
		p.done = p.total = v->n;
		p.bytes = p.total_bytes;
		progress(arg, &p);
	}
	if (r != ARCHIVE_EOF && !bad) {
		cam_checklist_add(ck, 0, "tar", "%s: %s (truncated archive?)",
		    path, archive_error_string(a));
		bad = 1;
	}
	if (!bad)
		cam_checklist_add(ck, 1, "tar", "%zu members, POSIX tar", v->n);
	rc = 0;
end:
	EVP_MD_CTX_free(md);
	archive_read_free(a);
	return rc;
}

/* SHA256SUMS must list exactly the other members, with their hashes. */
static void
check_sums(const struct cam_audit_archive_view *v, struct cam_checklist *ck)
{
	const struct cam_audit_archive_member *s =
	    cam_audit_archive_member(v, CAM_ARCHIVE_SUMS);
	size_t listed = 0, bad = 0;
	char *text, *line, *save = NULL;

	if (s == NULL) {
		cam_checklist_add(ck, 0, "SHA256SUMS", "missing");
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
			cam_checklist_add(ck, 0, "SHA256SUMS", "bad line "
			    "\"%.80s\"", line);
			bad++;
			continue;
		}
		for (k = 0; k < v->n; k++)
			if (strcmp(v->m[k].name, name) == 0)
				break;
		if (k == v->n) {
			cam_checklist_add(ck, 0, "SHA256SUMS", "%s is listed "
			    "but not in the archive", name);
			bad++;
			continue;
		}
		seen[k] = 1;
		listed++;
		if (strncmp(line, v->m[k].sha256, 64) != 0) {
			cam_checklist_add(ck, 0, "SHA256SUMS", "%s: SHA-256 "
			    "does not match (altered)", name);
			bad++;
		}
	}
	for (size_t k = 0; k < v->n; k++)
		if (!seen[k] && strcmp(v->m[k].name, CAM_ARCHIVE_SUMS) != 0 &&
		    strcmp(v->m[k].name, CAM_ARCHIVE_SUMS_SIG) != 0) {
			cam_checklist_add(ck, 0, "SHA256SUMS", "%s is in the "
			    "archive but not listed (added)", v->m[k].name);
			bad++;
		}
	if (bad == 0)
		cam_checklist_add(ck, 1, "SHA256SUMS", "%zu members listed, "
		    "every hash matches", listed);
	free(seen);
	free(text);
}

/* The archive's tar open at *fd: the file itself, or (encrypted, with
 * the key) the clear tar decrypted into tmpdir.  1 when there is no tar
 * to read (the reason is a check line), 0 when *fd is open, -1 on
 * failure. */
static int
open_tar(const char *path, const char *key, const char *tmpdir, int *fd,
    struct cam_checklist *ck, struct cam_err *e)
{
	struct cam_envelope env;
	int enc;

	/* An encrypted archive: what can be seen without the key, then
	 * (with it) the clear tar, in a file no one else can open. */
	if ((enc = cam_archive_envelope(path, &env, e)) == -1) {
		cam_checklist_add(ck, 0,
		    e->code == CAM_NO ? "encryption" : "tar", "%s",
		    cam_checklist_msg(ck, e));
		cam_err_clear(e);
		return 1;
	}
	if (enc == 1) {
		cam_checklist_add(ck, 1, "encryption", env.n == 1 ?
		    N_("CMS EnvelopedData, content cipher %s, %zu recipient") :
		    N_("CMS EnvelopedData, content cipher %s, %zu recipients"),
		    env.cipher, env.n);
		for (size_t i = 0; i < env.n; i++)
			cam_checklist_add(ck, 1, "recipient", "%s: issuer %s, "
			    "serial %s", env.r[i].kind, env.r[i].issuer[0] ?
			    env.r[i].issuer : "-", env.r[i].serial[0] ?
			    env.r[i].serial : "-");
		cam_archive_envelope_free(&env);
		if (key == NULL) {
			cam_checklist_add(ck, CAM_CHECK_SKIP, "contents", "not "
			    "verified: the archive is encrypted; give --key "
			    "FILE, a recipient's private key");
			return 1;
		}
		if (cam_archive_decrypt(path, key, tmpdir, fd, e) == -1) {
			if (e->code != CAM_NO)
				return -1;
			cam_checklist_add(ck, 0, "decrypt", "%s",
			    cam_checklist_msg(ck, e));
			cam_err_clear(e);
			return 1;
		}
		cam_checklist_add(ck, 1, "decrypt", "with the key %s", key);
	} else if (key != NULL) {
		cam_checklist_add(ck, 0, "decrypt", "--key %s given, but %s is "
		    "not encrypted", key, path);
		return 1;
	} else if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cam_err_sys(e, "%s", path);
	return 0;
}

/* The clips' cameras are the request's, custody's clip times inside its
 * window (from the keyframe before it). */
static void
check_window(const struct cam_audit_archive_view *v,
    const struct cam_custody *custody, const struct cam_request *req,
    const char *zone, struct cam_checklist *ck)
{
	const size_t pre = strlen(CAM_ARCHIVE_CLIPS);

	for (size_t i = 0; i < v->n; i++) {
		const char *n = v->m[i].name;
		char cam[64];
		size_t l = strlen(n), k;
		/* CAM_ARCHIVE_CLIPS "CAMERA.mp4" */
		if (strncmp(n, CAM_ARCHIVE_CLIPS, pre) != 0 || l < pre + 5)
			continue;
		snprintf(cam, sizeof(cam), "%.*s", (int)(l - pre - 4), n + pre);
		for (k = 0; k < req->ncameras; k++)
			if (strcmp(req->cameras[k], cam) == 0)
				break;
		cam_checklist_add(ck, k < req->ncameras, "clip",
		    k < req->ncameras ? N_("%s: camera %s is in the request") :
		    N_("%s: camera %s is not in the request"), n, cam);
	}
	if (custody == NULL)
		return;
	for (size_t i = 0; i < custody->nclips; i++) {
		time_t tf = custody->clips[i].first, tl = custody->clips[i].last;
		char f[CAM_TIME_HUMAN_LEN], l2[CAM_TIME_HUMAN_LEN];
		if (tf == (time_t)-1 || tl == (time_t)-1)
			continue;
		cam_time_format_human(tf, zone, f, sizeof(f));
		cam_time_format_human(tl, zone, l2, sizeof(l2));
		int ok = tf >= req->from - CAM_AUDIT_ARCHIVE_LEAD &&
		    tl <= req->to;
		cam_checklist_add(ck, ok, "window", ok ? N_("clip %s to %s "
		    "inside the request's window") : N_("clip %s to %s outside "
		    "the request's window"), f, l2);
	}
}

/* A message about the request files written out into tmp, naming the
 * archive's members instead ("tmp/F" as "request/F"): the files are
 * gone once the verification ends. */
static void
member_msg(char *msg, size_t size, const char *tmp)
{
	struct cam_buf b = CAM_BUF_INIT;
	size_t tl = strlen(tmp);
	const char *p = msg, *q;

	for (; (q = strstr(p, tmp)) != NULL; p = q + tl) {
		cam_buf_add(&b, p, (size_t)(q - p));
		cam_buf_adds(&b, q[tl] == '/' ? "request" : tmp);
	}
	cam_buf_adds(&b, p);
	snprintf(msg, size, "%s", cam_buf_str(&b));
	cam_buf_free(&b);
}

/* The request and its signatures, written out (into v->tmp, under
 * tmpdir) to be checked as camextract checked them; custody must name
 * it.  Its window into window[2], *have_window set, when it loads.
 * -1 only when the files cannot be written out. */
static int
check_request(struct cam_audit_archive_view *v,
    const struct cam_custody *custody,
    const struct cam_audit_archive_trust *t, time_t at, const char *tmpdir,
    time_t *window, int *have_window, struct cam_checklist *ck,
    struct cam_err *e)
{
	const struct cam_audit_archive_member *reqm = NULL;
	struct cam_request req;
	struct cam_request_sigs sigs = { 0 };
	struct cam_request_trust rt = { t->ca, t->dir, t->ndir, t->uh,
	    t->nuh, t->need_unit_head, t->uh_units };
	char rpath[PATH_MAX];
	int ref;

	for (size_t i = 0; i < v->n; i++) {
		const char *n = v->m[i].name;
		size_t l = strlen(n);
		if (strncmp(n, CAM_ARCHIVE_REQUEST,
		    strlen(CAM_ARCHIVE_REQUEST)) == 0 && l > 5 &&
		    strcmp(n + l - 4, ".p7s") != 0)
			reqm = &v->m[i];
	}
	if (reqm == NULL) {
		cam_checklist_add(ck, 0, "request", "no request/ member");
		return 0;
	}
	snprintf(v->tmp, sizeof(v->tmp), "%s/camaudit.XXXXXX", tmpdir);
	if (mkdtemp(v->tmp) == NULL) {
		cam_err_sys(e, "%s", v->tmp);
		v->tmp[0] = '\0';
		return -1;
	}
	for (size_t i = 0; i < v->n; i++) {
		if (strncmp(v->m[i].name, CAM_ARCHIVE_REQUEST,
		    strlen(CAM_ARCHIVE_REQUEST)) != 0 ||
		    strchr(v->m[i].name + 8, '/') != NULL)
			continue;
		cam_path(rpath, sizeof(rpath), e, "%s/%s", v->tmp,
		    v->m[i].name + 8);
		cam_file_write_atomic(rpath, v->m[i].data.s, v->m[i].data.len,
		    0600, e);
	}
	cam_path(rpath, sizeof(rpath), e, "%s/%s", v->tmp, reqm->name + 8);
	if (cam_request_load(&req, rpath, t->have_site ?
	    t->site.cfg.timezone : CAM_DEFAULT_ZONE, e) == -1) {
		member_msg(e->msg, sizeof(e->msg), v->tmp);
		member_msg(e->text, sizeof(e->text), v->tmp);
		cam_checklist_add(ck, 0, "request", "%s",
		    cam_checklist_msg(ck, e));
		cam_err_clear(e);
		return 0;
	}
	ref = cam_request_verify(&req, rpath, NULL, 0, &rt, at, &sigs, e);
	/* The request's own expiry was judged at extraction; the archive
	 * outlives it. */
	if (ref == CAM_REQ_OK || ref == CAM_REQ_EXPIRED)
		cam_checklist_add(ck, 1, "request signatures",
		    t->need_unit_head ? (sigs.n == 1 ?
		    N_("%zu signer, the director's among them and a unit "
		    "head's") : N_("%zu signers, the director's among them "
		    "and a unit head's")) : sigs.n == 1 ? N_("%zu signer, the "
		    "director's among them") : N_("%zu signers, the "
		    "director's among them"), sigs.n);
	else {
		member_msg(e->msg, sizeof(e->msg), v->tmp);
		member_msg(e->text, sizeof(e->text), v->tmp);
		if (ref == -1)
			cam_checklist_add(ck, 0, "request signatures",
			    "%s (error)", cam_checklist_msg(ck, e));
		else
			cam_checklist_add(ck, 0, "request signatures",
			    "%s (%s)", cam_checklist_msg(ck, e),
			    cam_request_refusal_name(ref));
	}
	cam_err_clear(e);
	if (custody != NULL && custody->have_request) {
		int ok = custody->req_id != NULL &&
		    strcmp(custody->req_id, req.id) == 0 &&
		    custody->req_sha256 != NULL &&
		    strcmp(custody->req_sha256, reqm->sha256) == 0;
		cam_checklist_add(ck, ok, "custody", ok ?
		    N_("names this request (%s) and its SHA-256") :
		    N_("does not name this request (%s) or its SHA-256"),
		    req.id);
	}
	check_window(v, custody, &req, t->have_site ? t->site.cfg.timezone :
	    CAM_DEFAULT_ZONE, ck);
	window[0] = req.from;
	window[1] = req.to;
	*have_window = 1;
	cam_request_sigs_free(&sigs);
	cam_request_free(&req);
	return 0;
}

/* Each signer of the signature member m (the site's if site, else a
 * request's):
 * whether a revocation list of the trust revokes its certificate now,
 * whatever the chain check said. */
static void
check_revocation(const struct cam_audit_archive_member *m, int site,
    const struct cam_audit_archive_trust *t, struct cam_checklist *ck)
{
	struct cam_signer_status st[8];
	const char *zone = t->have_site ? t->site.cfg.timezone :
	    CAM_DEFAULT_ZONE;
	char when[64];
	int n;

	if (cam_trust_crl_count(t->ca) == 0) {
		cam_checklist_add(ck, 1, "revocation", site ? N_("%s: site "
		    "signer not checked: no revocation list is trusted") :
		    N_("%s: request signer not checked: no revocation list is "
		    "trusted"), m->name);
		return;
	}
	if ((n = cam_trust_signers(t->ca, m->data.s, m->data.len, st,
	    8)) <= 0)
		return;	/* the signature check says why */
	for (int i = 0; i < n && i < 8; i++) {
		if (!st[i].revoked) {
			cam_checklist_add(ck, 1, "revocation", site ?
			    N_("%s: site signer %s: not revoked") :
			    N_("%s: request signer %s: not revoked"), m->name,
			    st[i].subject);
			continue;
		}
		cam_time_format_human(st[i].when, zone, when, sizeof(when));
		cam_checklist_add(ck, 0, "revocation", site ?
		    N_("%s: site signer %s: revoked on %s") :
		    N_("%s: request signer %s: revoked on %s"), m->name,
		    st[i].subject, when);
	}
}

int
cam_audit_archive(const char *path, const char *key,
    const struct cam_audit_archive_trust *t, const char *tmpdir, time_t now,
    cam_progress_fn *progress, void *arg, struct cam_checklist *ck,
    struct cam_err *e)
{
	struct cam_audit_archive_view v = { 0 };
	const struct cam_audit_archive_member *sums, *sig, *cust;
	struct cam_custody custody, *cy = NULL;
	char signer[512], why[512];
	time_t window[2], at = now;
	int have_window = 0, fd = -1, k, rc = -1;

	if ((k = open_tar(path, key, tmpdir, &fd, ck, e)) != 0) {
		rc = k == 1 ? 0 : -1;
		goto end;
	}
	if (read_archive(fd, path, &v, progress, arg, ck, e) == -1)
		goto end;
	if (ck->failed) {
		rc = 0;
		goto end;
	}
	check_sums(&v, ck);

	/* The extraction's time: certificates are judged as then. */
	cust = cam_audit_archive_member(&v, CAM_CUSTODY_FILE);
	if (cust == NULL || cam_custody_read(&custody, cust->data.s,
	    cust->data.len, e) == -1)
		cam_checklist_add(ck, 0, "custody", cust == NULL ?
		    N_("custody.json missing") :
		    N_("custody.json is not valid JSON"));
	else {
		cy = &custody;
		if (cy->at != (time_t)-1)
			at = cy->at;
	}

	sums = cam_audit_archive_member(&v, CAM_ARCHIVE_SUMS);
	sig = cam_audit_archive_member(&v, CAM_ARCHIVE_SUMS_SIG);
	if (sums == NULL || sig == NULL)
		cam_checklist_add(ck, 0, "site signature", "SHA256SUMS.p7s "
		    "missing");
	else if (cam_crypto_verify_detached(t->ca, sig->data.s, sig->data.len,
	    sums->data.s, sums->data.len, at, signer, sizeof(signer), why,
	    sizeof(why)) == -1)
		cam_checklist_add(ck, 0, "site signature",
		    "SHA256SUMS.p7s: %s", why);
	else
		cam_checklist_add(ck, 1, "site signature", "SHA256SUMS signed "
		    "by %s", signer);

	if (sig != NULL)
		check_revocation(sig, 1, t, ck);
	for (size_t i = 0; i < v.n; i++) {
		size_t l = strlen(v.m[i].name);

		if (strncmp(v.m[i].name, CAM_ARCHIVE_REQUEST,
		    strlen(CAM_ARCHIVE_REQUEST)) == 0 && l > 4 &&
		    strcmp(v.m[i].name + l - 4, ".p7s") == 0)
			check_revocation(&v.m[i], 0, t, ck);
	}
	if (check_request(&v, cy, t, at, tmpdir, window, &have_window, ck,
	    e) == -1)
		goto end;
	if (cy != NULL)
		cam_audit_archive_clips(fd, &v, cy, t,
		    have_window ? window : NULL, ck);
	rc = 0;
end:
	if (v.tmp[0] != '\0') {
		for (size_t i = 0; i < v.n; i++) {
			char p[PATH_MAX];
			if (strncmp(v.m[i].name, CAM_ARCHIVE_REQUEST,
		    strlen(CAM_ARCHIVE_REQUEST)) == 0 &&
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
	if (cy != NULL)
		cam_custody_free(cy);
	return rc;
}
