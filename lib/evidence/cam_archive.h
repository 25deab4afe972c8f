/*
 * cam_archive: the evidence archive, a POSIX tar (pax) written with
 * libarchive.  Members are streamed in once and hashed as they go, so
 * that SHA256SUMS needs no second read.  The tar is written to a
 * temporary file beside its final name (PATH.tmp-XXXXXX, mode 0600) and
 * renamed only when complete and synced: an interrupted run leaves no
 * archive, at most a temporary file that the next run does not reuse.
 */
#ifndef CAM_ARCHIVE_H
#define CAM_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"

struct cam_archive;

/* May name be a member of an archive, written or read?  Not empty, not
 * absolute, no "..", no "//", UTF-8 without control characters: no
 * member may climb out of the directory it is extracted into. */
int cam_archive_name_valid(const char *name);

/* Start writing the archive that will be path; members get mtime. */
int cam_archive_create(struct cam_archive **a, const char *path,
    time_t mtime, struct cam_err *e);
/* Add the file at src as member name, hashing it (sha256 may be NULL);
 * progress, if not NULL, is told the bytes copied so far. */
int cam_archive_add_file(struct cam_archive *a, const char *name,
    const char *src, char sha256[65],
    void (*progress)(void *arg, uint64_t bytes), void *arg,
    struct cam_err *e);
int cam_archive_add_mem(struct cam_archive *a, const char *name,
    const void *data, size_t len, char sha256[65], struct cam_err *e);
/* Finish the tar, sync it and give it its name.  If encrypt_pem is not
 * NULL, the final file is instead the tar encrypted to that certificate
 * (CMS EnvelopedData, DER, AES-256-CBC), decryptable with
 * openssl cms -decrypt -inform DER. */
int cam_archive_commit(struct cam_archive **a, const char *encrypt_pem,
    size_t encrypt_len, struct cam_err *e);
/* Give up: remove the temporary file. */
void cam_archive_abort(struct cam_archive **a);

/*
 * The members of an evidence archive besides custody.json
 * (cam_custody.h), as camextract(1) lays them out and camaudit verify
 * reads them: one clip per camera, CAM_ARCHIVE_CLIPS "CAMERA.mp4"; the
 * request and its signatures under CAM_ARCHIVE_REQUEST; the SHA-256 of
 * every member and the site's signature over that list.
 */
#define CAM_ARCHIVE_CLIPS	"clips/"
#define CAM_ARCHIVE_REQUEST	"request/"
#define CAM_ARCHIVE_SUMS	"SHA256SUMS"
#define CAM_ARCHIVE_SUMS_SIG	"SHA256SUMS.p7s"

/*
 * Reading an encrypted archive (CMS EnvelopedData, BER or DER, as
 * cam_archive_commit or openssl cms -encrypt write it) without holding
 * it in memory: only the part before the encrypted content (the
 * recipients, the cipher; at most CAM_ENVELOPE_HEAD_MAX bytes) is
 * parsed with OpenSSL, the content itself is streamed.
 */
#define CAM_ENVELOPE_HEAD_MAX	(1 << 20)

struct cam_envelope_recipient {
	char kind[8];		/* "ktri" (RSA), "kari" (EC), "kekri", ... */
	char issuer[512];	/* one line, as X509_NAME_oneline; or "" */
	char serial[128];	/* hex; or the key identifier, "" if none */
};

struct cam_envelope {
	char cipher[64];	/* the content cipher, "AES-256-CBC" */
	size_t n;
	struct cam_envelope_recipient *r;
};

/* Does the file at path hold a CMS EnvelopedData?  1 (env filled in),
 * 0 if it is something else (a tar), -1 if it cannot be read or its
 * envelope is broken. */
int cam_archive_envelope(const char *path, struct cam_envelope *env,
    struct cam_err *e);
void cam_archive_envelope_free(struct cam_envelope *env);
/*
 * Decrypt the archive at path with the recipient's private key (read
 * as cam_crypto_read_key reads it, and wiped) into a new file under
 * tmpdir, mode 0600, unlinked at once: nothing of the clear text is left
 * on disk once *fd is closed, whatever happens to the caller.  *fd is
 * positioned at 0.  A key of no recipient is CAM_NO, naming the key.
 */
int cam_archive_decrypt(const char *path, const char *key_path,
    const char *tmpdir, int *fd, struct cam_err *e);

#endif
