/*
 * cam_archive: write the evidence tar (see cam_archive.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/bn.h>

#include "base/cam_crypto.h"
#include "base/cam_key.h"
#include "base/cam_util.h"
#include "evidence/cam_archive.h"

struct cam_archive {
	struct archive	*ar;
	int		 fd;
	char		 path[PATH_MAX];	/* the final name */
	char		 tmp[PATH_MAX];		/* what is being written */
	time_t		 mtime;
};

int
cam_archive_create(struct cam_archive **ap, const char *path, time_t mtime,
    struct cam_err *e)
{
	struct cam_archive *a;
	struct stat st;

	*ap = NULL;
	if (lstat(path, &st) == 0)
		return cam_errf(e, CAM_NO, "%s already exists: an archive is "
		    "never overwritten", path);
	a = cam_xmalloc(sizeof(*a));
	memset(a, 0, sizeof(*a));
	a->fd = -1;
	a->mtime = mtime;
	if (cam_path(a->path, sizeof(a->path), e, "%s", path) == -1 ||
	    cam_path(a->tmp, sizeof(a->tmp), e, "%s.tmp-XXXXXX", path) == -1)
		goto fail;
	if ((a->fd = mkostemp(a->tmp, O_CLOEXEC)) == -1) {
		cam_err_sys(e, "%s", a->tmp);
		a->tmp[0] = '\0';
		goto fail;
	}
	if ((a->ar = archive_write_new()) == NULL ||
	    archive_write_set_format_pax_restricted(a->ar) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a->ar, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(a->ar, a->fd) != ARCHIVE_OK) {
		cam_err_archive(e, a->ar, "%s", a->tmp);
		goto fail;
	}
	*ap = a;
	return 0;
fail:
	cam_archive_abort(&a);
	return -1;
}

static struct archive_entry *
entry(struct cam_archive *a, const char *name, int64_t size)
{
	struct archive_entry *en = archive_entry_new();

	if (en == NULL)
		return NULL;
	archive_entry_set_pathname_utf8(en, name);
	archive_entry_set_size(en, size);
	archive_entry_set_filetype(en, AE_IFREG);
	archive_entry_set_perm(en, 0644);
	archive_entry_set_mtime(en, a->mtime, 0);
	archive_entry_set_uname(en, "camkit");
	archive_entry_set_gname(en, "camkit");
	return en;
}

int
cam_archive_name_valid(const char *name)
{
	return name[0] != '\0' && name[0] != '/' &&
	    strstr(name, "..") == NULL && strstr(name, "//") == NULL &&
	    cam_utf8_clean(name, strlen(name), 0);
}

/* Member names are ours, but never let one climb out of the archive. */
static int
name_ok(const char *name, struct cam_err *e)
{
	if (!cam_archive_name_valid(name))
		return cam_errf(e, CAM_NO, "bad archive member name \"%s\"",
		    name);
	return 0;
}

int
cam_archive_add_file(struct cam_archive *a, const char *name,
    const char *src, char sha256[65],
    void (*progress)(void *arg, uint64_t bytes), void *arg,
    struct cam_err *e)
{
	struct archive_entry *en = NULL;
	EVP_MD_CTX *md = NULL;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	uint64_t done = 0;
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	int fd, rc = -1;

	if (name_ok(name, e) == -1)
		return -1;
	if ((fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return cam_err_sys(e, "%s", src);
	if (fstat(fd, &st) == -1) {
		cam_err_sys(e, "%s", src);
		goto end;
	}
	if (!S_ISREG(st.st_mode)) {
		cam_errf(e, CAM_NO, "%s: not a regular file", src);
		goto end;
	}
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		cam_err_ssl(e, "SHA-256");
		goto end;
	}
	if ((en = entry(a, name, st.st_size)) == NULL ||
	    archive_write_header(a->ar, en) != ARCHIVE_OK) {
		cam_err_archive(e, a->ar, "%s: %s", a->tmp, name);
		goto end;
	}
	buf = cam_xmalloc(1 << 20);
	while ((n = read(fd, buf, 1 << 20)) > 0) {
		if (!EVP_DigestUpdate(md, buf, (size_t)n)) {
			cam_err_ssl(e, "SHA-256");
			goto end;
		}
		if (archive_write_data(a->ar, buf, (size_t)n) != n) {
			cam_err_archive(e, a->ar, "%s: %s", a->tmp, name);
			goto end;
		}
		done += (uint64_t)n;
		if (progress != NULL)
			progress(arg, done);
	}
	if (n == -1) {
		cam_err_sys(e, "%s", src);
		goto end;
	}
	/* The size in the header is what was promised: a file that changed
	 * under us would make a tar that lies. */
	if (done != (uint64_t)st.st_size) {
		cam_errf(e, CAM_ENV, "%s changed while it was archived", src);
		goto end;
	}
	if (!EVP_DigestFinal_ex(md, d, &dl)) {
		cam_err_ssl(e, "SHA-256");
		goto end;
	}
	if (sha256 != NULL)
		cam_crypto_hex(d, dl, sha256);
	rc = 0;
end:
	free(buf);
	archive_entry_free(en);
	EVP_MD_CTX_free(md);
	close(fd);
	return rc;
}

int
cam_archive_add_mem(struct cam_archive *a, const char *name,
    const void *data, size_t len, char sha256[65], struct cam_err *e)
{
	struct archive_entry *en;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	int rc = -1;

	if (name_ok(name, e) == -1)
		return -1;
	if ((en = entry(a, name, (int64_t)len)) == NULL ||
	    archive_write_header(a->ar, en) != ARCHIVE_OK ||
	    (len > 0 && archive_write_data(a->ar, data, len) != (ssize_t)len)) {
		cam_err_archive(e, a->ar, "%s: %s", a->tmp, name);
		goto end;
	}
	if (sha256 != NULL) {
		if (!EVP_Digest(data, len, d, &dl, EVP_sha256(), NULL)) {
			cam_err_ssl(e, "SHA-256");
			goto end;
		}
		cam_crypto_hex(d, dl, sha256);
	}
	rc = 0;
end:
	archive_entry_free(en);
	return rc;
}

/* Encrypt the finished tar at a->tmp to the certificate, into a new
 * temporary file that replaces it. */
static int
encrypt_to(struct cam_archive *a, const char *pem, size_t len,
    struct cam_err *e)
{
	STACK_OF(X509) *certs = NULL;
	CMS_ContentInfo *cms = NULL;
	BIO *cb = NULL, *in = NULL, *out = NULL;
	X509 *x = NULL;
	char tmp[PATH_MAX];
	int fd = -1, rc = -1;

	ERR_clear_error();
	tmp[0] = '\0';
	if ((cb = BIO_new_mem_buf(pem, (int)len)) == NULL ||
	    (x = PEM_read_bio_X509(cb, NULL, NULL, NULL)) == NULL) {
		cam_err_ssl(e, "recipient certificate");
		e->code = CAM_NO;
		goto end;
	}
	if ((certs = sk_X509_new_null()) == NULL || !sk_X509_push(certs, x)) {
		cam_err_ssl(e, "recipient certificate");
		goto end;
	}
	x = NULL;	/* owned by certs now */
	if (cam_path(tmp, sizeof(tmp), e, "%s.tmp-XXXXXX", a->path) == -1)
		goto end;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		cam_err_sys(e, "%s", tmp);
		tmp[0] = '\0';
		goto end;
	}
	if ((in = BIO_new_file(a->tmp, "rb")) == NULL ||
	    (out = BIO_new_fd(fd, BIO_NOCLOSE)) == NULL ||
	    (cms = CMS_encrypt(certs, in, EVP_aes_256_cbc(), CMS_BINARY |
	    CMS_STREAM)) == NULL ||
	    i2d_CMS_bio_stream(out, cms, in, CMS_BINARY | CMS_STREAM) != 1 ||
	    BIO_flush(out) != 1) {
		cam_err_ssl(e, "encrypting the archive");
		goto end;
	}
	if (fsync(fd) == -1) {
		cam_err_sys(e, "sync %s", tmp);
		goto end;
	}
	/* The clear tar goes; the encrypted file takes its place. */
	if (unlink(a->tmp) == -1) {
		cam_err_sys(e, "%s", a->tmp);
		goto end;
	}
	snprintf(a->tmp, sizeof(a->tmp), "%s", tmp);
	tmp[0] = '\0';
	rc = 0;
end:
	if (tmp[0] != '\0')
		unlink(tmp);
	if (fd != -1)
		close(fd);
	CMS_ContentInfo_free(cms);
	BIO_free(out);
	BIO_free(in);
	BIO_free(cb);
	X509_free(x);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int
cam_archive_commit(struct cam_archive **ap, const char *encrypt_pem,
    size_t encrypt_len, struct cam_err *e)
{
	struct cam_archive *a = *ap;

	if (archive_write_close(a->ar) != ARCHIVE_OK) {
		cam_err_archive(e, a->ar, "%s", a->tmp);
		goto fail;
	}
	if (fsync(a->fd) == -1) {
		cam_err_sys(e, "sync %s", a->tmp);
		goto fail;
	}
	if (encrypt_pem != NULL && encrypt_to(a, encrypt_pem, encrypt_len,
	    e) == -1)
		goto fail;
	if (fchmod(a->fd, 0640) == -1 || chmod(a->tmp, 0640) == -1) {
		cam_err_sys(e, "chmod %s", a->tmp);
		goto fail;
	}
	/* link() rather than rename(): never replace an archive that
	 * appeared under the name meanwhile. */
	if (link(a->tmp, a->path) == -1) {
		cam_err_sys(e, "%s", a->path);
		goto fail;
	}
	unlink(a->tmp);
	a->tmp[0] = '\0';
	if (cam_dir_sync_of(a->path, e) == -1)
		goto fail;
	cam_archive_abort(ap);
	return 0;
fail:
	cam_archive_abort(ap);
	return -1;
}

void
cam_archive_abort(struct cam_archive **ap)
{
	struct cam_archive *a = *ap;

	if (a == NULL)
		return;
	if (a->ar != NULL)
		archive_write_free(a->ar);	/* closes if still open */
	if (a->fd != -1)
		close(a->fd);
	if (a->tmp[0] != '\0')
		unlink(a->tmp);
	free(a);
	*ap = NULL;
}

/* ---- reading an encrypted archive ---- */

/*
 * A BER element: tag (one byte: CMS uses no long tags), whether it is
 * constructed, its header's size and, unless indefinite, its content's.
 */
struct ber {
	unsigned char tag;
	int indef;
	size_t hdr, len;
};

static int
ber_head(const unsigned char *p, size_t n, struct ber *b)
{
	size_t k;

	if (n < 2 || (p[0] & 0x1f) == 0x1f)
		return -1;
	b->tag = p[0];
	b->indef = 0;
	b->len = 0;
	if (p[1] < 0x80) {
		b->hdr = 2;
		b->len = p[1];
	} else if (p[1] == 0x80) {
		if ((p[0] & 0x20) == 0)
			return -1;	/* indefinite must be constructed */
		b->hdr = 2;
		b->indef = 1;
	} else {
		k = p[1] & 0x7f;
		if (k > 8 || n < 2 + k)
			return -1;
		for (size_t i = 0; i < k; i++) {
			if (b->len > (SIZE_MAX >> 8))
				return -1;
			b->len = (b->len << 8) | p[2 + i];
		}
		b->hdr = 2 + k;
	}
	return 0;
}

/* The whole size of the element at p, end-of-contents included, if it
 * lies within n bytes; -1 if not. */
static int
ber_size(const unsigned char *p, size_t n, size_t *size, int depth)
{
	struct ber b;
	size_t off, sub;

	if (depth > 32 || ber_head(p, n, &b) == -1)
		return -1;
	if (!b.indef) {
		if (b.len > n - b.hdr)
			return -1;
		*size = b.hdr + b.len;
		return 0;
	}
	for (off = b.hdr;;) {
		if (n - off >= 2 && p[off] == 0 && p[off + 1] == 0) {
			*size = off + 2;
			return 0;
		}
		if (off >= n || ber_size(p + off, n - off, &sub, depth + 1) == -1)
			return -1;
		off += sub;
	}
}

/* The prefix of an EnvelopedData, up to its encrypted content. */
struct env_head {
	unsigned char *buf;
	size_t len;
	size_t version, originator, recipients, ctype, alg;	/* offsets */
	size_t version_n, originator_n, recipients_n, ctype_n, alg_n;
	off_t content;		/* file offset of the [0] encryptedContent */
};

static const unsigned char oid_enveloped[] = {
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03
};

/* Step into a constructed element of the given tag at *off. */
static int
enter(const struct env_head *h, size_t *off, unsigned char tag)
{
	struct ber b;

	if (*off >= h->len || ber_head(h->buf + *off, h->len - *off, &b) == -1 ||
	    b.tag != tag)
		return -1;
	*off += b.hdr;
	return 0;
}

/* Step over a whole element of the given tag at *off (0: any), noting
 * where it was. */
static int
over(const struct env_head *h, size_t *off, unsigned char tag, size_t *at,
    size_t *n)
{
	size_t size;

	if (*off >= h->len || (tag != 0 && h->buf[*off] != tag) ||
	    ber_size(h->buf + *off, h->len - *off, &size, 0) == -1)
		return -1;
	*at = *off;
	*n = size;
	*off += size;
	return 0;
}

/* Read the head of path: 1 if it is an EnvelopedData, 0 if not. */
static int
env_head_read(const char *path, struct env_head *h, struct cam_err *e)
{
	size_t off = 0;
	ssize_t r;
	int fd;

	memset(h, 0, sizeof(*h));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return cam_err_sys(e, "%s", path);
	h->buf = cam_xmalloc(CAM_ENVELOPE_HEAD_MAX);
	while (h->len < CAM_ENVELOPE_HEAD_MAX) {
		r = read(fd, h->buf + h->len, CAM_ENVELOPE_HEAD_MAX - h->len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			cam_err_sys(e, "%s", path);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		h->len += (size_t)r;
	}
	close(fd);
	/* ContentInfo { id-envelopedData, [0] EnvelopedData }: anything
	 * else is not ours to decrypt (a tar, most likely). */
	if (enter(h, &off, 0x30) == -1 || h->len - off < sizeof(oid_enveloped) ||
	    memcmp(h->buf + off, oid_enveloped, sizeof(oid_enveloped)) != 0)
		return 0;
	off += sizeof(oid_enveloped);
	if (enter(h, &off, 0xa0) == -1 || enter(h, &off, 0x30) == -1 ||
	    over(h, &off, 0x02, &h->version, &h->version_n) == -1 ||
	    (off < h->len && h->buf[off] == 0xa0 && over(h, &off, 0xa0,
	    &h->originator, &h->originator_n) == -1) ||
	    over(h, &off, 0x31, &h->recipients, &h->recipients_n) == -1 ||
	    enter(h, &off, 0x30) == -1 ||
	    over(h, &off, 0x06, &h->ctype, &h->ctype_n) == -1 ||
	    over(h, &off, 0x30, &h->alg, &h->alg_n) == -1 ||
	    off >= h->len || (h->buf[off] != 0x80 && h->buf[off] != 0xa0))
		return cam_errf(e, CAM_NO, "%s: a CMS EnvelopedData whose "
		    "header cannot be read (damaged, or over %d bytes)", path,
		    CAM_ENVELOPE_HEAD_MAX);
	h->content = (off_t)off;
	return 1;
}

/* The EnvelopedData without its content, for OpenSSL to parse: every
 * part before the content as it was, in indefinite-length containers
 * (BER), the content left out (as if detached). */
static CMS_ContentInfo *
env_head_cms(const struct env_head *h)
{
	static const unsigned char indef[] = { 0x80 };
	struct cam_buf b = CAM_BUF_INIT;
	CMS_ContentInfo *cms = NULL;
	BIO *bio;

	cam_buf_add(&b, "\x30", 1);
	cam_buf_add(&b, indef, 1);
	cam_buf_add(&b, oid_enveloped, sizeof(oid_enveloped));
	cam_buf_add(&b, "\xa0", 1);
	cam_buf_add(&b, indef, 1);
	cam_buf_add(&b, "\x30", 1);
	cam_buf_add(&b, indef, 1);
	cam_buf_add(&b, h->buf + h->version, h->version_n);
	if (h->originator_n > 0)
		cam_buf_add(&b, h->buf + h->originator, h->originator_n);
	cam_buf_add(&b, h->buf + h->recipients, h->recipients_n);
	cam_buf_add(&b, "\x30", 1);
	cam_buf_add(&b, indef, 1);
	cam_buf_add(&b, h->buf + h->ctype, h->ctype_n);
	cam_buf_add(&b, h->buf + h->alg, h->alg_n);
	cam_buf_add(&b, "\0\0\0\0\0\0\0\0", 8);
	if ((bio = BIO_new_mem_buf(b.s, (int)b.len)) != NULL)
		cms = d2i_CMS_bio(bio, NULL);
	BIO_free(bio);
	cam_buf_free(&b);
	return cms;
}

static void
name_line(const X509_NAME *n, char *buf, size_t len)
{
	if (n == NULL || X509_NAME_oneline(n, buf, (int)len) == NULL)
		buf[0] = '\0';
}

static void
int_hex(const ASN1_INTEGER *i, const ASN1_OCTET_STRING *keyid, char *buf,
    size_t len)
{
	BIGNUM *bn;
	char *s;

	buf[0] = '\0';
	if (i != NULL && (bn = ASN1_INTEGER_to_BN(i, NULL)) != NULL) {
		if ((s = BN_bn2hex(bn)) != NULL) {
			snprintf(buf, len, "%s", s);
			OPENSSL_free(s);
		}
		BN_free(bn);
	} else if (keyid != NULL && (size_t)keyid->length * 2 + 8 < len) {
		memcpy(buf, "keyid:", 6);
		cam_crypto_hex(keyid->data, (size_t)keyid->length, buf + 6);
	}
}

static void
add_recipient(struct cam_envelope *env, const char *kind, X509_NAME *issuer,
    ASN1_INTEGER *sno, ASN1_OCTET_STRING *keyid)
{
	struct cam_envelope_recipient *r;

	env->r = cam_xrealloc(env->r, (env->n + 1) * sizeof(*env->r));
	r = &env->r[env->n++];
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	name_line(issuer, r->issuer, sizeof(r->issuer));
	int_hex(sno, keyid, r->serial, sizeof(r->serial));
}

int
cam_archive_envelope(const char *path, struct cam_envelope *env,
    struct cam_err *e)
{
	STACK_OF(CMS_RecipientInfo) *ris;
	CMS_ContentInfo *cms = NULL;
	struct env_head h;
	ASN1_OBJECT *obj = NULL;
	const unsigned char *p;
	struct ber b;
	int rc;

	memset(env, 0, sizeof(*env));
	ERR_clear_error();
	if ((rc = env_head_read(path, &h, e)) != 1)
		goto end;
	rc = -1;
	if ((cms = env_head_cms(&h)) == NULL) {
		cam_err_ssl(e, path);
		goto end;
	}
	/* AlgorithmIdentifier { OID, parameters }: the OID names it. */
	p = h.buf + h.alg;
	if (ber_head(p, h.alg_n, &b) == 0 && b.hdr < h.alg_n &&
	    (p += b.hdr, d2i_ASN1_OBJECT(&obj, &p,
	    (long)(h.alg_n - b.hdr))) != NULL &&
	    OBJ_obj2nid(obj) != NID_undef)
		snprintf(env->cipher, sizeof(env->cipher), "%s",
		    OBJ_nid2sn(OBJ_obj2nid(obj)));
	else if (obj != NULL)
		OBJ_obj2txt(env->cipher, sizeof(env->cipher), obj, 1);
	else
		snprintf(env->cipher, sizeof(env->cipher), "unknown");
	ris = CMS_get0_RecipientInfos(cms);
	for (int i = 0; i < sk_CMS_RecipientInfo_num(ris); i++) {
		CMS_RecipientInfo *ri = sk_CMS_RecipientInfo_value(ris, i);
		STACK_OF(CMS_RecipientEncryptedKey) *reks;
		ASN1_OCTET_STRING *keyid = NULL;
		X509_NAME *issuer = NULL;
		ASN1_INTEGER *sno = NULL;

		switch (CMS_RecipientInfo_type(ri)) {
		case CMS_RECIPINFO_TRANS:
			CMS_RecipientInfo_ktri_get0_signer_id(ri, &keyid,
			    &issuer, &sno);
			add_recipient(env, "ktri", issuer, sno, keyid);
			break;
		case CMS_RECIPINFO_AGREE:
			/* One agreement may serve several recipients. */
			reks = CMS_RecipientInfo_kari_get0_reks(ri);
			for (int k = 0; k < sk_CMS_RecipientEncryptedKey_num(reks);
			    k++) {
				keyid = NULL;
				issuer = NULL;
				sno = NULL;
				CMS_RecipientEncryptedKey_get0_id(
				    sk_CMS_RecipientEncryptedKey_value(reks, k),
				    &keyid, NULL, NULL, &issuer, &sno);
				add_recipient(env, "kari", issuer, sno, keyid);
			}
			break;
		case CMS_RECIPINFO_KEK:
			add_recipient(env, "kekri", NULL, NULL, NULL);
			break;
		case CMS_RECIPINFO_PASS:
			add_recipient(env, "pwri", NULL, NULL, NULL);
			break;
		default:
			add_recipient(env, "other", NULL, NULL, NULL);
			break;
		}
	}
	rc = 1;
end:
	if (rc == -1)
		cam_archive_envelope_free(env);
	ASN1_OBJECT_free(obj);
	CMS_ContentInfo_free(cms);
	free(h.buf);
	ERR_clear_error();
	return rc;
}

void
cam_archive_envelope_free(struct cam_envelope *env)
{
	free(env->r);
	memset(env, 0, sizeof(*env));
}

/*
 * The encrypted content as a BIO of its bytes: [0] IMPLICIT OCTET
 * STRING, primitive (one run of bytes) or constructed (OCTET STRING
 * chunks, as streaming encoders write it, definite or indefinite).
 */
struct content_src {
	FILE *f;
	int constructed, indef, eof, bad;
	uint64_t left;		/* in the current run of bytes */
	uint64_t outer;		/* of a definite constructed content */
};

/* The next chunk's header; 0 at the end, -1 if malformed. */
static int
next_chunk(struct content_src *s)
{
	unsigned char h[10];
	struct ber b;
	size_t n = 2;

	if (!s->indef && s->outer == 0)
		return 0;
	if (fread(h, 1, 2, s->f) != 2)
		return -1;
	if (s->indef && h[0] == 0 && h[1] == 0)
		return 0;
	if (h[0] != 0x04)
		return -1;	/* nested constructed chunks: not written */
	if (h[1] > 0x80) {
		n += h[1] & 0x7f;
		if (n > sizeof(h) || fread(h + 2, 1, n - 2, s->f) != n - 2)
			return -1;
	}
	if (ber_head(h, n, &b) == -1)
		return -1;
	if (!s->indef) {
		if (s->outer < b.hdr + b.len)
			return -1;
		s->outer -= b.hdr + b.len;
	}
	s->left = b.len;
	return 1;
}

static int
content_read(BIO *bio, char *buf, size_t len, size_t *got)
{
	struct content_src *s = BIO_get_data(bio);
	size_t n;
	int r;

	*got = 0;
	while (s->left == 0 && !s->eof) {
		if (!s->constructed || (r = next_chunk(s)) == 0)
			s->eof = 1;
		else if (r == -1) {
			s->bad = 1;
			return 0;
		}
	}
	if (s->eof)
		return 0;
	if (len > s->left)
		len = (size_t)s->left;
	n = fread(buf, 1, len, s->f);
	if (n == 0) {
		s->bad = 1;	/* the file ends inside the content */
		return 0;
	}
	s->left -= n;
	*got = n;
	return 1;
}

static long
content_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
	struct content_src *s = BIO_get_data(bio);

	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_EOF:
		return s->eof;
	case BIO_CTRL_FLUSH:
		return 1;
	default:
		return 0;
	}
}

int
cam_archive_decrypt(const char *path, const char *key_path,
    const char *tmpdir, int *fdp, struct cam_err *e)
{
	struct content_src src;
	struct env_head h;
	struct ber b;
	unsigned char hd[10];
	CMS_ContentInfo *cms = NULL;
	BIO_METHOD *meth = NULL;
	BIO *in = NULL, *out = NULL;
	EVP_PKEY *key = NULL;
	char tmp[PATH_MAX], why[256];
	int fd = -1, rc = -1, r;

	*fdp = -1;
	memset(&src, 0, sizeof(src));
	ERR_clear_error();
	if ((r = env_head_read(path, &h, e)) != 1) {
		if (r == 0)
			cam_errf(e, CAM_NO, "%s: not a CMS EnvelopedData "
			    "(not encrypted)", path);
		goto end;
	}
	if ((cms = env_head_cms(&h)) == NULL) {
		cam_err_ssl(e, path);
		goto end;
	}
	if (cam_key_load(key_path, "key", NULL, &key, NULL, NULL, e) == -1)
		goto end;
	/* The content: where it starts, what shape it has. */
	if ((src.f = fopen(path, "rbe")) == NULL) {
		cam_err_sys(e, "%s", path);
		goto end;
	}
	setvbuf(src.f, NULL, _IOFBF, 1 << 20);
	if (fseeko(src.f, h.content, SEEK_SET) == -1 ||
	    fread(hd, 1, 2, src.f) != 2 ||
	    (hd[1] > 0x80 && ((hd[1] & 0x7f) > 8 || fread(hd + 2, 1,
	    hd[1] & 0x7f, src.f) != (size_t)(hd[1] & 0x7f))) ||
	    ber_head(hd, sizeof(hd), &b) == -1) {
		cam_errf(e, CAM_NO, "%s: the encrypted content cannot be read "
		    "(truncated?)", path);
		goto end;
	}
	src.constructed = (b.tag & 0x20) != 0;
	src.indef = b.indef;
	if (src.constructed)
		src.outer = b.len;
	else
		src.left = b.len;
	if ((meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
	    "CMS content")) == NULL ||
	    !BIO_meth_set_read_ex(meth, content_read) ||
	    !BIO_meth_set_ctrl(meth, content_ctrl) ||
	    (in = BIO_new(meth)) == NULL) {
		cam_err_ssl(e, "decrypting");
		e->code = CAM_ENV;
		goto end;
	}
	BIO_set_data(in, &src);
	BIO_set_init(in, 1);

	/* The clear tar: private, and gone from the directory at once. */
	if (cam_path(tmp, sizeof(tmp), e, "%s/camkit-clear.XXXXXX",
	    tmpdir) == -1)
		goto end;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		cam_err_sys(e, "%s", tmp);
		goto end;
	}
	unlink(tmp);
	if (fchmod(fd, 0600) == -1) {
		cam_err_sys(e, "chmod %s", tmp);
		goto end;
	}
	if ((out = BIO_new_fd(fd, BIO_NOCLOSE)) == NULL) {
		cam_err_ssl(e, "decrypting");
		goto end;
	}
	/* CMS_DEBUG_DECRYPT: say that the key is wrong, rather than
	 * decrypt with a random one (a defence for servers that answer
	 * anyone, which a verifier is not). */
	if (CMS_decrypt(cms, key, NULL, in, out, CMS_BINARY |
	    CMS_DEBUG_DECRYPT) != 1 || BIO_flush(out) != 1) {
		if (src.bad)
			cam_errf(e, CAM_NO, "%s: the encrypted content is "
			    "truncated or malformed", path);
		else
			cam_errf(e, CAM_NO, "%s: cannot decrypt with the key "
			    "%s (the key of no recipient, or the archive "
			    "was altered): %s", path, key_path,
			    cam_crypto_ssl_reason(why, sizeof(why)));
		goto end;
	}
	if (lseek(fd, 0, SEEK_SET) == -1) {
		cam_err_sys(e, "%s", tmp);
		goto end;
	}
	*fdp = fd;
	fd = -1;	/* the caller's now */
	rc = 0;
end:
	if (fd != -1)
		close(fd);
	BIO_free(out);
	BIO_free(in);
	BIO_meth_free(meth);
	if (src.f != NULL)
		fclose(src.f);
	EVP_PKEY_free(key);
	CMS_ContentInfo_free(cms);
	free(h.buf);
	ERR_clear_error();
	return rc;
}
