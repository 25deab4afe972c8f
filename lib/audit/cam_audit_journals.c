/*
 * cam_audit_journals (journals): see cam_audit_journals.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/cam_audit_journals.h"
#include "audit/cam_audit_store.h"
#include "base/cam_crypto.h"
#include "base/cam_json.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "journal/cam_seal.h"
#include "journal/cam_trail.h"
#include "media/cam_store.h"

struct jctx {
	struct cam_checklist *ck;
	struct cam_trust *ca;
	const char *repo;
	const char *zone;
	time_t since;
	const struct cam_audit_store *st;	/* --store, or NULL */
};

struct uctx {
	uint64_t after;		/* the last seal's own SEQ, 0 if none */
	uint64_t n;
	time_t oldest;
};

static int
unsealed_cb(void *arg, const struct cam_journal_rec *r)
{
	struct uctx *u = arg;

	if (r->seq > u->after) {
		if (u->n++ == 0 || r->time < u->oldest)
			u->oldest = r->time;
	}
	return 0;
}

int
cam_audit_journals_unsealed(const char *path, const struct cam_seal_report *rep,
    uint64_t *n, time_t *oldest, struct cam_err *e)
{
	/* A seal is the record right after the one it covers. */
	struct uctx u = { rep->seals ? rep->sealed + 1 : 0, 0, 0 };

	*n = 0;
	*oldest = 0;
	/* Every closed volume ends with a seal: what no seal covers is in
	 * the current one. */
	if (cam_journal_foreach_since(path, CAM_JOURNAL_CURRENT, unsealed_cb,
	    &u, e) == -1)
		return -1;
	*n = u.n;
	*oldest = u.oldest;
	return 0;
}

static int
journal_cb(void *arg, const char *name, const char *path)
{
	struct jctx *j = arg;
	struct cam_seal_report sr;
	struct cam_err e;
	uint64_t n;
	time_t oldest;
	char t[64], label[4096];
	const char *bad, *jname = name;

	memset(&sr, 0, sizeof(sr));
	cam_err_clear(&e);
	/* From the store, a check is HOST/NAME, and chunks missing or not
	 * matching their hash come first. */
	if (j->st != NULL) {
		snprintf(label, sizeof(label), "%s/%s", j->st->host, name);
		name = label;
		if ((bad = cam_audit_store_bad(j->st, path + strlen(
		    j->st->root) + 1, j->ck->json)) != NULL)
			cam_checklist_add(j->ck, 0, name, "%s", bad);
	}
	if (cam_seal_verify_since(path, jname, j->since, j->ca, j->repo,
	    j->zone, &sr, &e) == -1) {
		const char *m = cam_checklist_msg(j->ck, &e);
		size_t rl = j->st != NULL ? strlen(j->st->root) : 0;

		/* From the store, the journal is named by its place there,
		 * not by the scratch copy. */
		if (rl > 0 && strncmp(m, j->st->root, rl) == 0)
			cam_checklist_add(j->ck, 0, name, "%s%s/journals%s",
			    j->st->url, j->st->host, m + rl);
		else
			cam_checklist_add(j->ck, 0, name, "%s", m);
		return 0;
	}
	if (cam_audit_journals_unsealed(path, &sr, &n, &oldest, &e) == -1) {
		cam_checklist_add(j->ck, 0, name, "%s",
		    cam_checklist_msg(j->ck, &e));
		return 0;
	}
	if (n > 0 && oldest < time(NULL) - CAM_SEAL_GRACE) {
		cam_time_format_human(oldest, j->zone, t, sizeof(t));
		cam_checklist_add(j->ck, 0, name, "not sealed: %" PRIu64 " of %"
		    PRIu64 " records are covered by no seal, the oldest from "
		    "%s, more than %d hours ago (%" PRIu64 " seals; camctl "
		    "seal seals every journal)", n, sr.records, t,
		    CAM_SEAL_GRACE / 3600, sr.seals);
		return 0;
	}
	if (n > 0)
		cam_checklist_add(j->ck, 1, name, "%" PRIu64 " records, %"
		    PRIu64 " seals (the last covers record %" PRIu64 "), %"
		    PRIu64 " witnessed; the newest not sealed yet, within the "
		    "seal interval", sr.records, sr.seals, sr.sealed,
		    sr.witnessed);
	else
		cam_checklist_add(j->ck, 1, name, "%" PRIu64 " records, %"
		    PRIu64 " seals (the last covers record %" PRIu64 "), %"
		    PRIu64 " witnessed", sr.records, sr.seals, sr.sealed,
		    sr.witnessed);
	return 0;
}

int
cam_audit_journals(struct cam_site *s, struct cam_checklist *ck,
    struct cam_err *e)
{
	return cam_audit_journals_since(s, CAM_JOURNAL_ALL, ck, e);
}

int
cam_audit_journals_since(struct cam_site *s, time_t since,
    struct cam_checklist *ck, struct cam_err *e)
{
	struct jctx j;
	int rc;

	memset(&j, 0, sizeof(j));
	j.since = since;
	j.ck = ck;
	j.repo = s->dir;
	j.zone = s->cfg.timezone;
	rc = cam_site_trust(s, &j.ca, e);
	if (rc == 0)
		rc = cam_store_journals(s->cfg.root, journal_cb, &j, e);
	if (rc == 0 && ck->n == 0 && ck->out.len == 0)
		cam_checklist_add(ck, 0, "journals", "no journal under %s",
		    s->cfg.root);
	cam_trust_free(&j.ca);
	return rc;
}

int
cam_audit_journals_store(struct cam_site *s, const struct cam_audit_store *st,
    time_t since, struct cam_checklist *ck, struct cam_err *e)
{
	struct jctx j;
	char label[1024];
	int rc, n = ck->n;

	memset(&j, 0, sizeof(j));
	j.since = since;
	j.ck = ck;
	j.zone = s->cfg.timezone;
	j.st = st;
	snprintf(label, sizeof(label), "%s/witness", st->host);
	if (cam_audit_store_witness(s->dir, st->host)) {
		j.repo = s->dir;
		cam_checklist_add(ck, 1, label, "every seal checked against "
		    "the witness in %s", s->dir);
	} else
		cam_checklist_add(ck, 1, label, "not checked: %s has no "
		    "witness of this host (refs/camkit/witness/%s, pushed by "
		    "camctl sync); the seals are checked against the trust "
		    "store alone", s->dir, st->host);
	rc = cam_site_trust(s, &j.ca, e);
	if (rc == 0)
		rc = cam_store_journals(st->root, journal_cb, &j, e);
	/* A journal whose every chunk is gone is not in the listing: the
	 * audit trail and the manifest of each camera the configuration
	 * gives this host must be there. */
	if (rc == 0 && ck->n > n + 1) {
		for (size_t i = 0; i <= s->cfg.ncameras; i++) {
			const struct cam_camera *c = i < s->cfg.ncameras ?
			    &s->cfg.cameras[i] : NULL;
			char jn[512], path[4096];

			if (c != NULL && strcmp(cam_camera_host(&s->cfg, c),
			    st->host) != 0)
				continue;
			if (c != NULL)
				snprintf(jn, sizeof(jn), "%s/manifest", c->id);
			else
				snprintf(jn, sizeof(jn), "%s", CAM_TRAIL_FILE);
			if (cam_path(path, sizeof(path), e, "%s/%s", st->root,
			    jn) == -1) {
				rc = -1;
				break;
			}
			if (access(path, F_OK) == 0)
				continue;
			snprintf(label, sizeof(label), "%s/%s", st->host, jn);
			cam_checklist_add(ck, 0, label, "no chunk of this "
			    "journal in the store %s", st->url);
		}
	}
	if (rc == 0 && ck->n == n + 1)
		cam_checklist_add(ck, 0, st->host, "no journal of this host in "
		    "the store %s", st->url);
	cam_trust_free(&j.ca);
	return rc;
}
