/*
 * cam_pam: a camview login checked by PAM (service "camview",
 * conf/pam.d/camview): pam_authenticate for the password, then
 * pam_acct_mgmt, so that a locked or expired account is refused even
 * with the right password.  The password is handed to PAM by the
 * conversation function only; PAM frees its copy with free(), which
 * wipes it (base/cam_wipe.h).  Calls are serialized: pam_unix reads the
 * shadow file with functions that are not reentrant.
 */
#include <pthread.h>
#include <security/pam_appl.h>
#include <shadow.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "view/cam_http.h"

static pthread_mutex_t pam_lock = PTHREAD_MUTEX_INITIALIZER;

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	const char *password = arg;
	struct pam_response *r;
	int i;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof *r)) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		if ((r[i].resp = strdup(password)) == NULL)
			goto fail;
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (i = 0; i < n; i++)
		free(r[i].resp);
	free(r);
	return PAM_BUF_ERR;
}

/* No delay inside the lock: the caller slows failed logins itself. */
static void
no_delay(int retval, unsigned usec, void *arg)
{
	(void)retval;
	(void)usec;
	(void)arg;
}

/* Has the account expired (chage -E)? */
static int
expired(const char *account)
{
	struct spwd sp, *r = NULL;
	char buf[4096];
	long today = (long)(time(NULL) / 86400);

	if (getspnam_r(account, &sp, buf, sizeof buf, &r) != 0 || r == NULL)
		return 0;
	return r->sp_expire >= 0 && r->sp_expire <= today;
}

/* Is the account's password locked (passwd -l, usermod -L)? */
static int
locked(const char *account)
{
	struct spwd sp, *r = NULL;
	char buf[4096];

	if (getspnam_r(account, &sp, buf, sizeof buf, &r) != 0 || r == NULL)
		return 0;
	return r->sp_pwdp != NULL && r->sp_pwdp[0] == '!';
}

static int
pam_check(const char *service, const char *account, const char *password,
    const char *rhost, char *why, size_t len)
{
	struct pam_conv c = { conv, (void *)(uintptr_t)password };
	pam_handle_t *h = NULL;
	int rc, ret = -1;

	if (pam_start(service, account, &c, &h) != PAM_SUCCESS) {
		snprintf(why, len, "PAM could not start");
		goto end;
	}
	(void)pam_set_item(h, PAM_RHOST, rhost);
	(void)pam_set_item(h, PAM_FAIL_DELAY, (const void *)no_delay);
	rc = pam_authenticate(h, PAM_DISALLOW_NULL_AUTHTOK);
	if (rc != PAM_SUCCESS) {
		snprintf(why, len, "%s", locked(account) ? "locked" :
		    rc == PAM_MAXTRIES ? "locked" : "bad password");
		goto end;
	}
	rc = pam_acct_mgmt(h, PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_ACCT_EXPIRED)
		snprintf(why, len, "expired");
	else if (rc == PAM_NEW_AUTHTOK_REQD)
		snprintf(why, len, "password expired");
	else if (rc != PAM_SUCCESS)
		snprintf(why, len, "%s", locked(account) ? "locked" :
		    expired(account) ? "expired" : "account refused");
	else
		ret = 0;
end:
	if (h != NULL)
		pam_end(h, ret == 0 ? PAM_SUCCESS : PAM_AUTH_ERR);
	return ret;
}

struct pam_job {
	const char *service, *account, *password, *rhost;
	char *why;
	size_t len;
	int rc;
};

static void *
pam_run(void *arg)
{
	struct pam_job *j = arg;

	j->rc = pam_check(j->service, j->account, j->password, j->rhost,
	    j->why, j->len);
	return NULL;
}

/*
 * PAM's modules run on a thread of their own with a stack of 1 MiB: the
 * server's connection threads have small stacks, and some modules
 * (pam_cap in Debian's common-auth) need more than that.
 */
int
cam_view_pam(const char *service, const char *account, const char *password,
    const char *rhost, char *why, size_t len)
{
	struct pam_job j = { service, account, password, rhost, why, len,
	    -1 };
	pthread_attr_t at;
	pthread_t t;
	int rc;

	snprintf(why, len, "PAM could not run");
	pthread_mutex_lock(&pam_lock);
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 1 << 20);
	rc = pthread_create(&t, &at, pam_run, &j);
	pthread_attr_destroy(&at);
	if (rc == 0)
		pthread_join(t, NULL);
	pthread_mutex_unlock(&pam_lock);
	return rc == 0 ? j.rc : -1;
}
