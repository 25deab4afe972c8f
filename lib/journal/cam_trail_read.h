/*
 * cam_trail: reading the audit trail (cam_audit appends to it): the
 * footage handed out and every refusal, as camaudit access lists them,
 * and the configuration commits camctl recorded there.
 */
#ifndef CAM_TRAIL_H
#define CAM_TRAIL_H

#include <stdint.h>
#include <time.h>

#include "base/cam_err.h"
#include "base/cam_util.h"

/* Extractions and refusals of root's trail from since on: one TAB-
 * separated line each into out (time in zone, host, actor, program and
 * verb, object, outcome, reason), or with json one object each, the
 * objects joined as an array's members.  A trail that does not exist
 * lists nothing; -1 when it is broken (a finding: e says where). */
int cam_trail_access(const char *root, const char *zone, time_t since,
    int json, struct cam_buf *out, struct cam_err *e);

/* A configuration commit camctl made, as the trail recorded it. */
struct cam_trail_commit {
	char id[41];
	uint64_t seq;
	time_t time;
	char actor[64];
};

struct cam_trail_commits {
	struct cam_trail_commit *v;
	size_t n;
	time_t start;		/* first record of the trail, 0: none */
};

/* The commits of root's trail into tc (zeroed by the caller; what was
 * read before a break stays).  -1 when the trail is broken. */
int cam_trail_commits(const char *root, struct cam_trail_commits *tc,
    struct cam_err *e);
const struct cam_trail_commit *cam_trail_find(
    const struct cam_trail_commits *tc, const char *id);
void cam_trail_commits_free(struct cam_trail_commits *tc);

#endif
