/*
 * cam_audit_archive_clips: the clips of an archive against their sources (the
 * camera's manifest) and their own media, as custody.json describes
 * them.  Part of cam_audit_archive (see cam_audit_archive.h).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/cam_audit_archive.h"
#include "base/cam_json.h"
#include "base/cam_i18n.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "evidence/cam_extract.h"
#include "journal/cam_journal.h"
#include "media/cam_media.h"
#include "media/cam_remote.h"
#include "media/cam_store.h"

/* Every segment a camera's manifest ever listed (deleted ones too: the
 * archive may outlive them), from a walk that checks the chain. */
struct listed {
	struct cam_segment *v;
	size_t n;
};

static int
listed_cb(void *arg, const struct cam_journal_rec *r)
{
	struct listed *l = arg;
	struct cam_segment *s;
	char file[PATH_MAX];
	int64_t bytes;

	if (strcmp(r->kind, "segment") != 0 ||
	    cam_json_get_str(r->data, "file", file, sizeof(file)) == -1)
		return 0;
	l->v = cam_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	s = &l->v[l->n++];
	memset(s, 0, sizeof(*s));
	s->file = cam_xstrdup(file);
	cam_json_get_str(r->data, "sha256", s->sha256, sizeof(s->sha256));
	if (cam_json_get_int(r->data, "bytes", &bytes) == 0)
		s->bytes = (uint64_t)bytes;
	return 0;
}

static void
listed_free(struct listed *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].file);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The host custody names for every source of clip, or NULL (none named,
 * as before custody named hosts, or not all the same). */
static const char *
source_host(const struct cam_custody_clip *clip)
{
	const char *h = NULL;

	for (size_t i = 0; i < clip->nsources; i++) {
		const char *s = clip->sources[i].host;
		if (s == NULL || (h != NULL && strcmp(h, s) != 0))
			return NULL;
		h = s;
	}
	return h;
}

/* The manifest of camera, recorded on host (not here), from the site's
 * store: rebuilt under a directory of its own in v->tmp (*tmp), its
 * path into path.  0, or 1 when a check line already says why not. */
static int
store_manifest(const struct cam_audit_archive_trust *t,
    const struct cam_audit_archive_view *v, const char *cname,
    const char *camera, const char *host, char *tmp, char *path,
    size_t pathlen, struct cam_checklist *ck)
{
	struct cam_s3 *s3 = NULL;
	struct cam_err e;
	char root[PATH_MAX];
	uint64_t last = 0;
	time_t newest;
	int rc;

	cam_err_clear(&e);
	if (cam_path(tmp, PATH_MAX, &e, "%s/store-XXXXXX", v->tmp) == -1 ||
	    mkdtemp(tmp) == NULL) {
		if (e.msg[0] == '\0')
			cam_err_sys(&e, "%s", tmp);
		tmp[0] = '\0';
		cam_checklist_add(ck, CAM_CHECK_SKIP, "sources", "%s: not "
		    "checked: %s", cname, cam_checklist_msg(ck, &e));
		return 1;
	}
	if (cam_remote_open(&s3, &t->site.cfg, t->site.dir, &e) == -1) {
		cam_checklist_add(ck, CAM_CHECK_SKIP, "sources", "%s: not "
		    "checked: recorded on host %s, and the store cannot be "
		    "opened: %s", cname, host, cam_checklist_msg(ck, &e));
		return 1;
	}
	rc = cam_extract_store_manifest(s3, &t->site.cfg, t->ca, tmp, host,
	    camera, root, sizeof(root), &newest, &last, &e);
	cam_s3_close(&s3);
	if (rc == -1 && e.code != CAM_NO) {
		cam_checklist_add(ck, CAM_CHECK_SKIP, "sources", "%s: not "
		    "checked: recorded on host %s, and the store cannot be "
		    "read: %s", cname, host, cam_checklist_msg(ck, &e));
		return 1;
	}
	if (rc == -1) {
		cam_checklist_add(ck, 0, "sources", "%s: %s", cname,
		    cam_checklist_msg(ck, &e));
		return 1;
	}
	if (last == 0) {
		cam_checklist_add(ck, 0, "sources", "%s: recorded on host %s, "
		    "and the store has no manifest of camera %s", cname, host,
		    camera);
		return 1;
	}
	if (cam_path(path, pathlen, &e, "%s/%s/manifest", root,
	    camera) == -1) {
		cam_checklist_add(ck, CAM_CHECK_SKIP, "sources", "%s: not "
		    "checked: %s", cname, cam_checklist_msg(ck, &e));
		return 1;
	}
	return 0;
}

/* Each source segment custody names for a clip is in the camera's
 * manifest with that hash and size, when the manifest is at hand: here,
 * or, for a camera another host records (custody names the host), in
 * the site's store (replication:), its chain and seals checked. */
static void
check_sources(const struct cam_audit_archive_trust *t,
    const struct cam_audit_archive_view *v,
    const struct cam_custody_clip *clip, struct cam_checklist *ck)
{
	const char *cname = clip->file, *camera = clip->camera;
	const char *host = source_host(clip);
	struct listed l = { 0 };
	struct cam_err e;
	char path[PATH_MAX] = "", tmp[PATH_MAX] = "";
	size_t n = 0, bad = 0;

	cam_err_clear(&e);
	if (!t->have_site) {
		cam_checklist_add(ck, CAM_CHECK_SKIP, "sources", "%s: not "
		    "checked: no site "
		    "configuration here, so no manifest to compare with",
		    cname);
		return;
	}
	if ((cam_path(path, sizeof(path), &e, "%s/%s/manifest",
	    t->site.cfg.root, camera) == -1 || access(path, R_OK) == -1) &&
	    host != NULL && t->site.cfg.repl.endpoint != NULL &&
	    v->tmp[0] != '\0') {
		int r = store_manifest(t, v, cname, camera, host, tmp, path,
		    sizeof(path), ck);
		if (r != 0) {
			if (tmp[0] != '\0')
				cam_rm_tree(tmp);
			return;
		}
	} else if (access(path, R_OK) == -1) {
		if (host != NULL)
			cam_checklist_add(ck, CAM_CHECK_SKIP, "sources", "%s: "
			    "not checked: recorded on host %s, no readable "
			    "manifest of camera %s under %s and no store "
			    "(replication:) to read it from", cname, host,
			    camera, t->site.cfg.root);
		else
			cam_checklist_add(ck, CAM_CHECK_SKIP, "sources", "%s: "
			    "not checked: no readable manifest of camera %s "
			    "under %s (recorded on another host?)", cname,
			    camera, t->site.cfg.root);
		return;
	}
	if (cam_journal_foreach(path, listed_cb, &l, &e) == -1) {
		cam_checklist_add(ck, 0, "sources", "%s: the manifest of %s is "
		    "broken: %s", cname, camera, cam_checklist_msg(ck, &e));
		listed_free(&l);
		return;
	}
	for (size_t i = 0; i < clip->nsources; i++) {
		const struct cam_custody_source *src = &clip->sources[i];
		const char *file = src->file, *sha = src->sha256;
		int64_t bytes = src->bytes;
		size_t k;

		n++;
		if (file == NULL || sha == NULL || bytes == -1) {
			cam_checklist_add(ck, 0, "sources", "%s: source %zu: "
			    "no file, sha256 or bytes in custody.json", cname,
			    n);
			bad++;
			continue;
		}
		for (k = 0; k < l.n; k++)
			if (strcmp(l.v[k].file, file) == 0)
				break;
		if (k == l.n) {
			cam_checklist_add(ck, 0, "sources", "%s: segment %s is "
			    "not in the manifest of %s", cname, file, camera);
			bad++;
		} else if (strcmp(l.v[k].sha256, sha) != 0) {
			cam_checklist_add(ck, 0, "sources", "%s: segment %s: "
			    "SHA-256 %.12s... is not the manifest's %.12s...",
			    cname, file, sha, l.v[k].sha256);
			bad++;
		} else if (l.v[k].bytes != (uint64_t)bytes) {
			cam_checklist_add(ck, 0, "sources", "%s: segment %s: "
			    "%" PRId64 " bytes, the manifest says %" PRIu64,
			    cname, file, bytes, l.v[k].bytes);
			bad++;
		}
	}
	if (n == 0) {
		cam_checklist_add(ck, 0, "sources", "%s: custody.json lists no "
		    "source segment", cname);
		bad++;
	}
	if (bad == 0 && tmp[0] != '\0')
		cam_checklist_add(ck, 1, "sources", n == 1 ?
		    N_("%s: %zu segment listed in the manifest of %s on host "
		    "%s in the store (chain and seals valid) with the same "
		    "SHA-256 and size") :
		    N_("%s: %zu segments listed in the manifest of %s on host "
		    "%s in the store (chain and seals valid) with the same "
		    "SHA-256 and size"), cname, n, camera, host);
	else if (bad == 0)
		cam_checklist_add(ck, 1, "sources", n == 1 ?
		    N_("%s: %zu segment listed in the manifest of %s (chain "
		    "valid) with the same SHA-256 and size") :
		    N_("%s: %zu segments listed in the manifest of %s (chain "
		    "valid) with the same SHA-256 and size"), cname, n,
		    camera);
	listed_free(&l);
	if (tmp[0] != '\0')
		cam_rm_tree(tmp);
}

/* Whole seconds at or before x (no libm for one floor). */
static time_t
floor_s(double x)
{
	time_t t = (time_t)x;

	return (double)t > x ? t - 1 : t;
}

/* Does the second of instant t lie within a second of second c? */
static int
near_s(double t, time_t c)
{
	return t > (double)c - 2.0 && t < (double)c + 2.0;
}

/* The clip itself: its codec, times and length as custody gives them,
 * inside the window, timestamps increasing.  Read in place from the
 * tar (fd), from the MP4's index. */
static void
check_media(int fd, const struct cam_audit_archive_member *m,
    const struct cam_custody_clip *clip, const time_t *window,
    const char *zone, struct cam_checklist *ck)
{
	struct cam_media_info mi;
	struct cam_err e;
	const char *codec = clip->codec;
	char f[CAM_TIME_HUMAN_LEN], l[CAM_TIME_HUMAN_LEN];
	char mf[CAM_TIME_HUMAN_LEN], ml[CAM_TIME_HUMAN_LEN];
	time_t cf = clip->first, cl = clip->last, wf, wl;
	double dur = clip->duration;
	int bad = 0;

	cam_err_clear(&e);
	if (!m->contiguous) {
		cam_checklist_add(ck, 0, "media", "%s: its data is not "
		    "contiguous in the tar (sparse?): cannot be read in place",
		    m->name);
		return;
	}
	if (cam_media_probe_range(fd, m->offset, m->size, m->name, &mi,
	    &e) == -1) {
		cam_checklist_add(ck, 0, "media", "%s: not a readable clip: %s",
		    m->name, cam_checklist_msg(ck, &e));
		return;
	}
	if (codec == NULL || cf == (time_t)-1 || cl == (time_t)-1 ||
	    !clip->have_duration) {
		cam_checklist_add(ck, 0, "media", "%s: custody.json lacks its "
		    "codec, first, last or duration", m->name);
		return;
	}
	if (mi.packets == 0) {
		cam_checklist_add(ck, 0, "media", "%s: holds no packet",
		    m->name);
		return;
	}
	if (strcmp(mi.codec, codec) != 0) {
		cam_checklist_add(ck, 0, "media", "%s: codec %s, custody "
		    "says %s", m->name, mi.codec[0] ? mi.codec : "none", codec);
		bad++;
	}
	if (mi.created == (time_t)-1) {
		cam_checklist_add(ck, 0, "media", "%s: no creation time: its "
		    "footage cannot be placed in time", m->name);
		return;
	}
	/* Wall clock: the creation time is the first picture's second. */
	wf = mi.created + floor_s(mi.first);
	wl = mi.created + floor_s(mi.last);
	cam_time_format_human(wf, zone, mf, sizeof(mf));
	cam_time_format_human(wl, zone, ml, sizeof(ml));
	cam_time_format_human(cf, zone, f, sizeof(f));
	cam_time_format_human(cl, zone, l, sizeof(l));
	/* Custody and the creation time are whole seconds (rounded down):
	 * an instant stands for its second, and seconds that lie within a
	 * second of each other agree.  (The index gives decoding times, a
	 * B-frame delay before presentation: well inside that.) */
	if (!near_s((double)mi.created + mi.first, cf) ||
	    !near_s((double)mi.created + mi.last, cl)) {
		cam_checklist_add(ck, 0, "media", "%s: its packets run from "
		    "%s to %s, custody says %s to %s", m->name, mf, ml, f, l);
		bad++;
	}
	if (mi.duration - dur > 1.0 || dur - mi.duration > 1.0) {
		cam_checklist_add(ck, 0, "media", "%s: lasts %.3f s, custody "
		    "says %.3f s", m->name, mi.duration, dur);
		bad++;
	}
	if (mi.disorder[0] != '\0') {
		cam_checklist_add(ck, 0, "media", "%s: timestamps go back: %s",
		    m->name, mi.disorder);
		bad++;
	}
	if (window != NULL && (wf < window[0] - CAM_AUDIT_ARCHIVE_LEAD ||
	    wl > window[1])) {
		cam_checklist_add(ck, 0, "media", "%s: its footage, %s to %s, "
		    "is outside the request's window", m->name, mf, ml);
		bad++;
	}
	if (bad == 0)
		cam_checklist_add(ck, 1, "media", window != NULL ?
		    N_("%s: %s, %.1f s, %s to %s as custody says, inside the "
		    "request's window") : N_("%s: %s, %.1f s, %s to %s as "
		    "custody says"), m->name, mi.codec, mi.duration, mf, ml);
}

void
cam_audit_archive_clips(int fd, const struct cam_audit_archive_view *v,
    const struct cam_custody *custody, const struct cam_audit_archive_trust *t,
    const time_t *window, struct cam_checklist *ck)
{
	char *described = cam_xmalloc(v->n + 1);

	memset(described, 0, v->n + 1);
	for (size_t k = 0; k < custody->nclips; k++) {
		const struct cam_custody_clip *clip = &custody->clips[k];
		const struct cam_audit_archive_member *m = NULL;

		if (clip->file == NULL || clip->camera == NULL) {
			cam_checklist_add(ck, 0, "media", "custody.json: a "
			    "clip without file or camera");
			continue;
		}
		for (size_t i = 0; i < v->n; i++)
			if (strcmp(v->m[i].name, clip->file) == 0) {
				m = &v->m[i];
				described[i] = 1;
			}
		check_sources(t, v, clip, ck);
		if (m == NULL)
			cam_checklist_add(ck, 0, "media", "%s: in "
			    "custody.json, not in the archive", clip->file);
		else
			check_media(fd, m, clip, window, t->have_site ?
			    t->site.cfg.timezone : CAM_DEFAULT_ZONE, ck);
	}
	for (size_t i = 0; i < v->n; i++)
		if (!described[i] && strncmp(v->m[i].name,
		    CAM_ARCHIVE_CLIPS, strlen(CAM_ARCHIVE_CLIPS)) == 0)
			cam_checklist_add(ck, 0, "media", "%s: a clip "
			    "custody.json does not describe", v->m[i].name);
	free(described);
}

