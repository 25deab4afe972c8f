/*
 * cam_setid: a program installed set-user-id and set-group-id to the
 * service account, such as camlog, which lets a guard append to a
 * logbook (and the audit trail) the guard may not write.
 *
 * cam_setid_init, first thing in main, remembers who called and, if the
 * program is set-id, forks.  The parent gives up the service account's
 * ids for good, waits, and returns to main the child's status, which
 * main exits with at once (_exit: nothing of the program runs there):
 * it is all the caller can stop or kill.  The child leaves the caller's session and
 * process group (no terminal signal reaches it), takes the service
 * account's ids as real, effective and saved uid and gid (so the caller
 * can neither signal nor trace it, and libgit2's access(2) checks and
 * the group of every file it makes are the service account's), empties
 * the environment but PATH, sets umask 027, ignores SIGPIPE and SIGXFSZ,
 * raises every soft resource limit to its hard limit, and runs the rest
 * of the program.  The child's stdin, stdout and stderr are the
 * caller's.  So a set-id program's privileged work (a journal append,
 * which holds the journal's lock; a seal; an audit record) needs no
 * more than calling the library after cam_setid_init: that is the
 * privileged-append path, for any verb of a set-id program.
 *
 * What the child must not trust is the caller's: the directories it is
 * named (cam_setid_trusted_dir), the resource limits (cam_setid_room) and
 * the caller's identity, which is cam_setid_caller(), not getuid(), and
 * the person behind it, cam_setid_login().
 */
#ifndef CAM_SETID_H
#define CAM_SETID_H

#include <sys/types.h>

#include "base/cam_err.h"

/* Returns 1 if set-id (in the child), 0 if not, -1 if the ids cannot be
 * switched (the program must then exit), CAM_SETID_PARENT in the parent:
 * the program must _exit(*status) at once, after printing e's message
 * if it has one (the child died of a signal). */
#define CAM_SETID_PARENT	2
int cam_setid_init(int *status, struct cam_err *e);
int cam_setid_active(void);
/* The account the program is set to (its effective uid at start). */
uid_t cam_setid_uid(void);
/* Who ran the program: the real uid at start (getuid() in a set-id
 * child is the service account). */
uid_t cam_setid_caller(void);
/* The person who logged in: the kernel's login uid
 * (/proc/self/loginuid), read once, at cam_setid_init or at the first
 * call; (uid_t)-1 when none is set (a system service, cron).  sudo, su
 * and set-id bits keep it; nothing in the environment changes it. */
uid_t cam_setid_login(void);
/* Kept for the callers of the old model: with every id already the
 * service account's, there is nothing to raise or lower. */
int cam_setid_raise(struct cam_err *e);
void cam_setid_lower(void);
/*
 * May a set-id program trust dir as a configuration or data directory
 * named by its caller?  Only if dir and every directory above it is a
 * directory, not a symbolic link, owned by root or the service account,
 * and neither group nor others may write it (a directory above it may
 * if it is sticky, as /tmp is): then nobody but root and the service
 * account can change what dir names, and opening files under it by name
 * is as good as opening them from one descriptor.  A relative dir is
 * taken from the working directory, which must pass too.  Always 1
 * when not set-id.  why says what is wrong (dir itself first).
 */
int cam_setid_trusted_dir(const char *dir, char *why, size_t len);
/*
 * The same for a tree inside a trusted directory (a site's .git): every
 * directory under dir, dir included, is a directory owned by root or
 * the service account that neither group nor others may write, and
 * holds no symbolic link to a directory.  Always 1 when not set-id.
 */
int cam_setid_trusted_tree(const char *dir, char *why, size_t len);
/*
 * Can path grow by need bytes under the file-size limit (ulimit -f)?
 * In a set-id child the soft limit was raised to the hard one; a caller
 * who lowered the hard limit gets CAM_ENV and a message saying nothing
 * was done, before anything is.  0 if there is room.
 */
int cam_setid_room(const char *path, size_t need, struct cam_err *e);

#endif
