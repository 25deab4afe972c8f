/*
 * cam_archive: write the evidence tar (see cam_archive.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#include "cam_archive.h"
#include "cam_crypto.h"
#include "cam_util.h"

struct cam_archive {
	struct archive	*ar;
	int		 fd;
	char		 path[PATH_MAX];	/* the final name */
	char		 tmp[PATH_MAX];		/* what is being written */
	time_t		 mtime;
};

/* Sync the directory of path, after a link in it. */
static int
sync_dir_of(const char *path, struct cam_err *e)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		return cam_dir_sync(".", e);
	if (slash == dir)
		return cam_dir_sync("/", e);
	*slash = '\0';
	return cam_dir_sync(dir, e);
}

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

/* Member names are ours, but never let one climb out of the archive. */
static int
name_ok(const char *name, struct cam_err *e)
{
	if (name[0] == '\0' || name[0] == '/' || strstr(name, "..") != NULL ||
	    !cam_utf8_clean(name, strlen(name), 0))
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
	if (sync_dir_of(a->path, e) == -1)
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
