/*
 * cam_secret: the private/ directory inside the configuration directory.
 * It is ignored by git, mode 0700, every file 0600.  Camera credentials
 * are private/credentials/<name>: two lines, "username=U" and
 * "password=P".  Buffers holding secrets are wiped before they are freed.
 */
#ifndef CAM_SECRET_H
#define CAM_SECRET_H

#include "base/cam_err.h"

#define CAM_SECRET_MAX	256

/* Check a user name or password typed by a sysadmin (no newline, NUL or
 * control characters, at most CAM_SECRET_MAX bytes); which one it is
 * names it in the message. */
enum cam_secret_field {
	CAM_SECRET_USER,
	CAM_SECRET_PASSWORD,
};
int cam_secret_valid(enum cam_secret_field what, const char *s,
    struct cam_err *e);
/* Write credentials for name; *created says whether the file is new. */
int cam_secret_write(const char *dir, const char *name, const char *user,
    const char *pass, int *created, struct cam_err *e);
/* Read them back; refuses a file or directory readable by others. */
int cam_secret_read(const char *dir, const char *name, char **user,
    char **pass, struct cam_err *e);
/* The same, as a service reads them: the file systemd handed over as
 * loaded (LoadCredential=LOADED:...) in its credentials directory if
 * there is one, else private/credentials/<name> of dir. */
int cam_secret_read_loaded(const char *dir, const char *name,
    const char *loaded, char **user, char **pass, struct cam_err *e);
/* Read credentials from a file of that format elsewhere (systemd's
 * $CREDENTIALS_DIRECTORY); refused if others may read it. */
int cam_secret_read_file(const char *path, char **user, char **pass,
    struct cam_err *e);
/* systemd's credentials directory, as the program found it in
 * $CREDENTIALS_DIRECTORY (NULL: none), and back. */
void cam_secret_set_credentials_dir(const char *dir);
const char *cam_secret_credentials_dir(void);
/* Where the site key and its certificate are (the seals' and the
 * archives' signer): systemd's credentials directory when it holds
 * site.key (the sealing timer's unit passes them so), else private/ of
 * the configuration directory dir.  Paths of at most PATH_MAX bytes. */
int cam_secret_site_key(const char *dir, char *key, char *crt,
    struct cam_err *e);
/* Remove them (absent is fine). */
int cam_secret_remove(const char *dir, const char *name, struct cam_err *e);
/* Read a password: the first line of path ("-": standard input). */
int cam_secret_read_line(const char *path, char **out, struct cam_err *e);
/* Wipe and free a secret string; nulls the pointer. */
void cam_secret_free(char **s);

#endif
