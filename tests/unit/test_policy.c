/*
 * cam_policy_may: who may end a shift another user opened (camlog
 * shift end): an operator or the superuser; not a guard, not the
 * service account, not the owner of a site with no users yet.
 */
#include <string.h>

#include "site/cam_config.h"
#include "site/cam_policy.h"
#include "unit.h"

static int
may(const struct cam_config *cfg, const char *name, int superuser,
    int service, int owner, enum cam_action act)
{
	struct cam_actor a;
	char why[256];

	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", name);
	a.superuser = superuser;
	a.service = service;
	a.owner = owner;
	return cam_policy_may(cfg, &a, act, why, sizeof(why));
}

int
main(void)
{
	struct cam_user users[] = {
		{ (char *)"op", CAM_ROLE_OPERATOR },
		{ (char *)"guard", CAM_ROLE_GUARD },
	};
	struct cam_config cfg, empty;
	static const struct {
		int site;	/* 1: op and guard; 0: no users yet */
		const char *name;
		int superuser, service, owner;
		enum cam_action act;
		int may;
		const char *what;
	} cases[] = {
		{ 1, "op", 0, 0, 0, CAM_ACT_SHIFT_TAKEOVER, 1,
		    "an operator may end another's shift" },
		{ 1, "guard", 0, 0, 0, CAM_ACT_SHIFT_TAKEOVER, 0,
		    "a guard may not end another's shift" },
		{ 1, "root", 1, 0, 0, CAM_ACT_SHIFT_TAKEOVER, 1,
		    "the superuser may end another's shift" },
		{ 1, "camkit", 0, 1, 0, CAM_ACT_SHIFT_TAKEOVER, 0,
		    "the service account may not end another's shift" },
		{ 0, "admin", 0, 0, 1, CAM_ACT_SHIFT_TAKEOVER, 0,
		    "the owner of a site with no users may not end another's "
		    "shift" },
		{ 0, "admin", 0, 0, 1, CAM_ACT_LOG_WRITE, 1,
		    "the owner of a site with no users may write the logbook" },
		{ 1, "guard", 0, 0, 0, CAM_ACT_LOG_WRITE, 1,
		    "a guard may write the logbook" },
	};

	memset(&cfg, 0, sizeof(cfg));
	memset(&empty, 0, sizeof(empty));
	cfg.users = users;
	cfg.nusers = 2;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(may(cases[i].site ? &cfg : &empty, cases[i].name,
		    cases[i].superuser, cases[i].service, cases[i].owner,
		    cases[i].act) == cases[i].may, cases[i].what);
	CHECK(strcmp(cam_action_name(CAM_ACT_SHIFT_TAKEOVER),
	    "shift-takeover") == 0, "the action's name");
	return UNIT_END();
}
