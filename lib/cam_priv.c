/*
 * cam_priv: set-id privileges, held only where needed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cam_priv.h"

static int setid;
static uid_t ruid, suid;
static gid_t rgid, sgid;

/*
 * The sanitizer build only: LeakSanitizer stops the process with ptrace
 * at exit, which the kernel refuses while the saved ids still name the
 * service account (and the process is not dumpable).  Give them up for
 * good on the way out.  Release builds never do this.
 */
#if defined(__SANITIZE_ADDRESS__)
static void
drop_for_lsan(void)
{
	if (setresgid(rgid, rgid, rgid) == 0 &&
	    setresuid(ruid, ruid, ruid) == 0)
		(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}
#endif

static void
traceable(void)
{
#if defined(__SANITIZE_ADDRESS__)
	atexit(drop_for_lsan);
#endif
}

int
cam_priv_init(struct cam_err *e)
{
	uid_t r, eff, s;
	gid_t gr, geff, gs;

	if (getresuid(&r, &eff, &s) == -1 || getresgid(&gr, &geff, &gs) == -1)
		return cam_err_sys(e, "getresuid");
	ruid = r;
	suid = eff;
	rgid = gr;
	sgid = geff;
	setid = r != eff || gr != geff;
	if (!setid)
		return 0;
	/* Keep the saved ids, so that cam_priv_raise can come back. */
	if (setresgid(rgid, rgid, sgid) == -1 ||
	    setresuid(ruid, ruid, suid) == -1)
		return cam_err_sys(e, "cannot drop set-id privileges");
	if (clearenv() != 0 || setenv("PATH", "/usr/bin:/bin", 1) == -1)
		return cam_err_sys(e, "cannot clear the environment");
	umask(027);
	traceable();
	return 1;
}

int
cam_priv_setid(void)
{
	return setid;
}

uid_t
cam_priv_uid(void)
{
	return setid ? suid : geteuid();
}

int
cam_priv_raise(struct cam_err *e)
{
	if (!setid)
		return 0;
	if (setresgid(rgid, sgid, sgid) == -1 ||
	    setresuid(ruid, suid, suid) == -1)
		return cam_err_sys(e, "cannot take the service account's "
		    "rights");
	return 0;
}

void
cam_priv_lower(void)
{
	if (!setid)
		return;
	/* Failing to lower would leave the caller with our rights: the
	 * only safe answer is to stop here. */
	if (setresuid(ruid, ruid, suid) == -1 ||
	    setresgid(rgid, rgid, sgid) == -1)
		abort();
}

int
cam_priv_trusted_dir(const char *dir, char *why, size_t len)
{
	struct stat st;

	if (!setid)
		return 1;
	if (stat(dir, &st) == -1) {
		snprintf(why, len, "%s: %s", dir, strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, len, "%s: not a directory", dir);
		return 0;
	}
	if (st.st_uid != 0 && st.st_uid != suid) {
		snprintf(why, len, "%s is owned by uid %lu, neither root nor "
		    "the service account (uid %lu)", dir,
		    (unsigned long)st.st_uid, (unsigned long)suid);
		return 0;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, len, "%s may be written by group or others",
		    dir);
		return 0;
	}
	return 1;
}
