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

#include "cam_err.h"

struct cam_archive;

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

#endif
