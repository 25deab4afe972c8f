/*
 * struct cam_actor: the person (the login uid) recorded, the account the
 * program runs as (the real uid) deciding; how a record names them.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cam_json.h"
#include "base/cam_setid.h"
#include "site/cam_config.h"
#include "site/cam_policy.h"
#include "unit.h"

static const char *
json(const struct cam_actor *a)
{
	static char out[512];
	struct cam_buf b = CAM_BUF_INIT;

	cam_json_begin(&b);
	cam_actor_json(&b, "actor", a);
	cam_json_end(&b);
	snprintf(out, sizeof(out), "%s", cam_buf_str(&b));
	cam_buf_free(&b);
	return out;
}

static void
actor(struct cam_actor *a, const char *name, uid_t uid, const char *as,
    uid_t login)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->as, sizeof(a->as), "%s", as);
	a->uid = uid;
	a->login_uid = login;
	a->no_login = as[0] != '\0' && login == (uid_t)-1;
	a->superuser = uid == 0;
}

int
main(void)
{
	struct cam_user users[] = {
		{ (char *)"op", CAM_ROLE_OPERATOR },
		{ (char *)"guard", CAM_ROLE_GUARD },
	};
	struct cam_config cfg;
	struct cam_actor a;
	char why[256], buf[32];
	FILE *f;

	actor(&a, "alice", 0, "root", 1001);
	CHECK_STR(json(&a), "{\"actor\":\"alice\",\"uid\":1001,\"as\":\"root\","
	    "\"as_uid\":0}", "root under sudo: the person, as root");
	CHECK(cam_actor_person(&a) == 1001 && cam_actor_differs(&a),
	    "... the person's uid, and they differ");

	actor(&a, "guard", 1002, "guard", 1002);
	CHECK_STR(json(&a), "{\"actor\":\"guard\",\"uid\":1002}",
	    "a person as itself: actor and uid only");

	actor(&a, "camkit", 999, "camkit", (uid_t)-1);
	CHECK_STR(json(&a), "{\"actor\":\"camkit\",\"uid\":999,"
	    "\"login\":false}", "no login uid: the account, marked");

	actor(&a, "tranvanb", 1003, "", 0);
	CHECK_STR(json(&a), "{\"actor\":\"tranvanb\",\"uid\":1003}",
	    "an actor made by hand (a login's account): one account, even "
	    "with login_uid left 0");

	memset(&cfg, 0, sizeof(cfg));
	cfg.users = users;
	cfg.nusers = 2;
	actor(&a, "op", 1004, "guard", 1004 + 1);
	CHECK(cam_policy_may(&cfg, &a, CAM_ACT_LOG_WRITE, why,
	    sizeof(why)) == 1, "rights are the account's: a guard may write "
	    "the logbook");
	CHECK(cam_policy_may(&cfg, &a, CAM_ACT_CONFIG_CHANGE, why,
	    sizeof(why)) == 0 && strstr(why, "guard holds no role") != NULL,
	    "... and the operator behind it lends it none of theirs");
	actor(&a, "guard", 0, "root", 1002);
	CHECK(cam_policy_may(&cfg, &a, CAM_ACT_CONFIG_CHANGE, why,
	    sizeof(why)) == 1, "a guard under sudo is root");

	/* The process's own, against the kernel's. */
	if ((f = fopen("/proc/self/loginuid", "r")) != NULL &&
	    fgets(buf, sizeof(buf), f) != NULL) {
		unsigned long v = strtoul(buf, NULL, 10);
		CHECK(cam_setid_login() == (v == 4294967295UL ? (uid_t)-1 :
		    (uid_t)v), "cam_setid_login is /proc/self/loginuid");
		cam_actor_self(&a, NULL, NULL);
		CHECK(a.uid == getuid() && a.login_uid == cam_setid_login() &&
		    a.no_login == (v == 4294967295UL),
		    "cam_actor_self: the real uid decides, the login uid "
		    "names");
	} else
		CHECK(cam_setid_login() == (uid_t)-1,
		    "no /proc/self/loginuid: no login uid");
	if (f != NULL)
		fclose(f);
	return UNIT_END();
}
