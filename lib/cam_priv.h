/*
 * cam_priv: a program installed set-user-id (or set-group-id) to the
 * service account, such as camlog, which lets a guard append to a
 * logbook the guard may not write.
 *
 * cam_priv_init, first thing in main, remembers the effective ids,
 * switches to the real ones and, if the program is set-id, empties the
 * environment (but PATH) and sets umask 027.  The service account's
 * rights come back only between cam_priv_raise and cam_priv_lower, held
 * around the few steps that need them: opening and appending to a
 * journal, reading the site key.  Everything else (parsing arguments,
 * the configuration, the user's text, printing) runs as the caller.
 */
#ifndef CAM_PRIV_H
#define CAM_PRIV_H

#include <sys/types.h>

#include "cam_err.h"

/* Returns 1 if set-id, 0 if not, -1 if the ids cannot be switched. */
int cam_priv_init(struct cam_err *e);
int cam_priv_setid(void);
/* The account the program is set to (its effective uid at start). */
uid_t cam_priv_uid(void);
int cam_priv_raise(struct cam_err *e);
void cam_priv_lower(void);
/*
 * May a set-id program trust dir as a configuration or data directory
 * named by its caller?  Only if dir is owned by root or the service
 * account and neither group nor others may write it.  Always 1 when
 * not set-id.  why says what is wrong.
 */
int cam_priv_trusted_dir(const char *dir, char *why, size_t len);

#endif
