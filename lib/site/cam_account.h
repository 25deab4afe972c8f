/*
 * cam_account: the host's accounts and groups a site's people work
 * from (README, "Accounts and groups").
 *
 * The service account (the one the programs are installed set-user-id
 * and set-group-id to) owns the configuration repository and the data
 * root; what a role reads without a program it reads through one group,
 * CAM_GROUP_READ, which owns the data root and the repository (with the
 * set-group-id bit on their directories, so that everything made in
 * them is the group's).  private/ stays 0700 to the service account.
 * camctl user add and rm keep each account's memberships in line with
 * its roles; the service account is found, not compiled in: the owner
 * the running program is set-user-id to, else the owner of the data
 * root.
 */
#ifndef CAM_ACCOUNT_H
#define CAM_ACCOUNT_H

#include <stddef.h>
#include <sys/types.h>

#include "base/cam_err.h"
#include "base/cam_util.h"
#include "site/cam_config.h"

/* Reads the journals, manifests, footage and configuration history. */
#define CAM_GROUP_READ	"camkit-audit"
/* Its members are the accounts whose roles may audit (cam_policy's
 * CAM_ACT_AUDIT: auditor, operator, director).  camaudit is not set-id:
 * it reads with its caller's rights, so that it can also read the
 * archives and keys its caller holds. */

/* Is name an account of this host (getpwnam)? */
int cam_account_exists(const char *name);

struct cam_service {
	uid_t	uid;
	gid_t	gid;
	char	user[64];
	char	group[64];
};

/*
 * The service account: the owner the running program is installed
 * set-user-id to; else the owner of root (the data root, may be NULL)
 * if that is not the superuser.  1 found, 0 none (a program run from
 * its build directory on a site with no data root yet).
 */
int cam_account_service(const char *root, struct cam_service *svc);

/* The directory the running program was started from (where the others
 * are installed beside it): /proc/self/exe's. */
int cam_account_bindir(char *buf, size_t len, struct cam_err *e);

/*
 * May this process act as the superuser when it must (the caller is
 * root, even through a program set-user-id to the service account)?
 * cam_account_root_begin takes the superuser's effective ids and
 * returns the ones to put back with cam_account_root_end; files made in
 * between are the superuser's, so only what must be root's (or is
 * chowned at once) is done there.
 */
int cam_account_can_root(void);
struct cam_ids {
	uid_t	euid;
	gid_t	egid;
};
int cam_account_root_begin(struct cam_ids *saved, struct cam_err *e);
void cam_account_root_end(const struct cam_ids *saved);

/*
 * name's memberships of camkit's groups as roles need them: joins the
 * groups it lacks (usermod -a -G) and leaves the ones no role of it
 * needs (gpasswd -d).  When this process may be root, it runs them
 * (argv, never a shell) and appends each command run to done; else it
 * appends each command the administrator must run to todo, one a line.
 * A group that does not exist (make install-privileges makes it) is
 * said in todo.  An account this host does not know is left alone.
 * 0, or -1 if a command failed.
 */
int cam_account_groups(const char *name, unsigned roles, struct cam_buf *done,
    struct cam_buf *todo, struct cam_err *e);

/*
 * dir and everything in it (no symbolic link followed) to svc's uid and
 * CAM_GROUP_READ (svc's group if that does not exist), directories with
 * the set-group-id bit and no write or search right for others beyond
 * what they had; private/ (and what is in it) stays the owner's alone.
 * Needs the superuser (cam_account_root_begin).
 */
int cam_account_give(const char *dir, const struct cam_service *svc,
    struct cam_err *e);

/* mkdir -p dir for the service account: owner svc, group CAM_GROUP_READ
 * (or svc's), mode 2750.  Needs the superuser. */
int cam_account_mkdir(const char *dir, const struct cam_service *svc,
    struct cam_err *e);

#endif
