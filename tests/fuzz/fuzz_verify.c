/*
 * Whole archives, as `camaudit verify` checks them (cam_audit_archive):
 * the tar read and every member hashed, the SHA256SUMS lines, custody.json
 * and its fields, the site's signature, the request member written out
 * and its signatures checked, the window, and each clip against the
 * camera's manifest and its own media (cam_audit_archive_clips).  The input is
 * an in-memory file (memfd) named by its /proc/self/fd path.
 *
 * Made once, in a temporary directory removed at exit: a site (a git
 * repository) that trusts the demo CA, director and unit head the seeds
 * were signed under, requires the unit head's signature, and keeps in
 * its storage the manifest of the camera the seeds' clip was cut from,
 * all from tests/fuzz/verify-site/ (found under $CAMKIT_TOP, else two
 * levels above the harness).  So the seeds verify in full, the sources
 * included.  Certificates are judged at the seeds' extraction time.
 *
 * Beyond no crash and no leak: only I/O or memory may stop the
 * verification (never the input); it leaves nothing in its temporary
 * directory; each check line is one line, its name and detail clean
 * UTF-8 without control characters (the detail may hold a tab, as some
 * do on purpose; the name may not), the JSON form valid, naming archive
 * members and never the temporary files (gone once the verification
 * ends); the failures are counted right.  A verification where nothing
 * failed has checked the tar, SHA256SUMS, the site's and the request's
 * signatures and custody.
 */
#include "fuzz.h"

#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "audit/cam_audit_archive.h"
#include "base/cam_json.h"
#include "base/cam_yaml.h"
#include "site/cam_repo.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* 2026-12-04T16:57:10Z, when the seeds were extracted: custody's
 * extraction time, and the time certificates are judged at when an
 * input's custody gives none. */
#define SEED_TIME	((time_t)1796403430)

static char top[PATH_MAX];		/* the temporary directory */
static char tmp[PATH_MAX];		/* this input's tmpdir, under top/tmp */
static struct cam_audit_archive_trust trust;

static void
need(int ok, const char *what, const struct cam_err *e)
{
	if (!ok) {
		fprintf(stderr, "fuzz_verify: %s: %s\n", what,
		    e != NULL ? e->msg : "failed");
		exit(1);
	}
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(path);
	return 0;
}

static void
cleanup(void)
{
	cam_audit_archive_trust_free(&trust);
	if (top[0] != '\0')
		nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The fixture directory tests/fuzz/verify-site/. */
static void
find_fixture(const char *argv0, char *out, size_t len)
{
	const char *t = getenv("CAMKIT_TOP"), *slash = strrchr(argv0, '/');
	char probe[PATH_MAX];

	if (t != NULL)
		snprintf(out, len, "%s/tests/fuzz/verify-site", t);
	else
		snprintf(out, len, "%.*s/../../tests/fuzz/verify-site",
		    slash != NULL ? (int)(slash - argv0) : 1,
		    slash != NULL ? argv0 : ".");
	snprintf(probe, sizeof(probe), "%s/ca.pem", out);
	if (access(probe, R_OK) == -1) {
		fprintf(stderr, "fuzz_verify: no %s: set CAMKIT_TOP to the "
		    "top of the source tree\n", probe);
		exit(1);
	}
}

/* fixture/name, read whole into b (freed by the caller). */
static void
fixture(const char *dir, const char *name, struct cam_buf *b)
{
	char path[PATH_MAX];
	struct cam_err e;

	cam_err_clear(&e);
	need(cam_path(path, sizeof(path), &e, "%s/%s", dir, name) == 0 &&
	    cam_file_read(path, 1 << 20, b, &e) == 0, name, &e);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *names[] = { "camkit.yaml", "trust/ca.pem",
	    "trust/director.pem", "trust/unit-head.pem", NULL };
	struct cam_buf yaml = CAM_BUF_INIT, root = CAM_BUF_INIT;
	struct cam_buf pem[3] = { CAM_BUF_INIT, CAM_BUF_INIT, CAM_BUF_INIT };
	struct cam_buf manifest = CAM_BUF_INIT;
	struct cam_repo repo;
	struct cam_err e;
	char fix[PATH_MAX], site[PATH_MAX], path[PATH_MAX];
	const char *t = getenv("TMPDIR");

	(void)argc;
	find_fixture((*argv)[0], fix, sizeof(fix));
	fixture(fix, "ca.pem", &pem[0]);
	fixture(fix, "director.pem", &pem[1]);
	fixture(fix, "unit-head.pem", &pem[2]);
	fixture(fix, "manifest", &manifest);

	snprintf(top, sizeof(top), "%s/fuzz_verify.XXXXXX", t ? t : "/tmp");
	need(mkdtemp(top) != NULL, top, NULL);
	atexit(cleanup);
	cam_err_clear(&e);
	snprintf(site, sizeof(site), "%s/site", top);
	snprintf(path, sizeof(path), "%s/tmp", top);
	need(cam_mkdir_p(path, 0700, &e) == 0, path, &e);
	snprintf(path, sizeof(path), "%s/site/trust", top);
	need(cam_mkdir_p(path, 0700, &e) == 0, path, &e);

	snprintf(path, sizeof(path), "%s/store", top);
	cam_yaml_quote(&root, path);
	cam_buf_addf(&yaml, "site:\n  name: Fuzz\n  timezone: "
	    "Asia/Ho_Chi_Minh\n  host: rec1\nstorage:\n  root: %s\n"
	    "cameras: []\nusers: {}\npolicy:\n  unit_head_signature: true\n"
	    "trust:\n  ca: [trust/ca.pem]\n  director: [trust/director.pem]\n"
	    "  unit_head: [trust/unit-head.pem]\n", cam_buf_str(&root));
	{
		const char *texts[] = { yaml.s, pem[0].s, pem[1].s, pem[2].s,
		    NULL };
		need(cam_repo_create(&repo, site, names, texts, "fuzz",
		    &e) == 0, site, &e);
		cam_repo_close(&repo);
	}
	snprintf(path, sizeof(path), "%s/store/gate", top);
	need(cam_mkdir_p(path, 0700, &e) == 0, path, &e);
	snprintf(path, sizeof(path), "%s/store/gate/manifest", top);
	need(cam_file_write_atomic(path, manifest.s, manifest.len, 0600,
	    &e) == 0, path, &e);
	need(cam_audit_archive_trust_load(&trust, site, NULL, NULL, &e) == 0 &&
	    trust.have_site && trust.need_unit_head, site, &e);

	cam_buf_free(&yaml);
	cam_buf_free(&root);
	cam_buf_free(&manifest);
	for (int i = 0; i < 3; i++)
		cam_buf_free(&pem[i]);
	return 0;
}

/* Is the check line o[0..len), as cam_checklist writes it in JSON, well
 * formed?  Its name into name; *failed: its status is FAIL; *skipped:
 * skip (a check not done, which says ok false too). */
static int
line_ok(const char *o, size_t len, char *name, size_t nlen, int *failed,
    int *skipped)
{
	char *s = fuzz_cstr((const uint8_t *)o, len), head[160];
	char detail[8192], status[8];
	struct cam_err e;
	int ok = 0;

	if (cam_json_check(s, len, &e) == -1 ||
	    cam_json_get_str(s, "check", name, nlen) == -1 ||
	    cam_json_get_str(s, "status", status, sizeof(status)) == -1 ||
	    cam_json_get_str(s, "detail", detail, sizeof(detail)) == -1 ||
	    name[0] == '\0' || !cam_utf8_clean(name, strlen(name), 0) ||
	    !cam_utf8_clean(detail, strlen(detail), 1) ||
	    strstr(detail, tmp) != NULL)
		goto end;
	/* The name is plain text, written as it is: "ok" follows it. */
	snprintf(head, sizeof(head), "{\"check\":\"%s\",\"ok\":", name);
	if (strncmp(s, head, strlen(head)) != 0)
		goto end;
	*failed = strcmp(status, "FAIL") == 0;
	*skipped = strcmp(status, "skip") == 0;
	if (strncmp(s + strlen(head), "false,", 6) == 0) {
		if (!*failed && !*skipped)
			goto end;
	} else if (strncmp(s + strlen(head), "true,", 5) == 0) {
		if (strcmp(status, "ok") != 0)
			goto end;
	} else
		goto end;
	ok = 1;
end:
	free(s);
	return ok;
}

/* Every line of ck well formed, the count and failures right; with no
 * failure, the essential checks were made. */
static void
check_lines(const struct cam_checklist *ck)
{
	static const char *const must[] = { "tar", "SHA256SUMS",
	    "site signature", "request signatures", "custody" };
	const char *p = cam_buf_str(&ck->out);
	int n = 0, failed = 0, skipped = 0, seen[5] = { 0 };

	while (*p != '\0') {
		const char *sep = n ? ",\n  " : "\n  ", *o, *next;
		char name[64];
		int f, k;

		if (strncmp(p, sep, strlen(sep)) != 0)
			abort();
		o = p + strlen(sep);
		next = strstr(o, ",\n  ");
		if (next == NULL)
			next = o + strlen(o);
		if (!line_ok(o, (size_t)(next - o), name, sizeof(name), &f,
		    &k)) {
			fprintf(stderr, "fuzz_verify: bad check line: %.*s\n",
			    (int)(next - o), o);
			abort();
		}
		for (int i = 0; i < 5; i++)
			if (!f && !k && strcmp(name, must[i]) == 0)
				seen[i] = 1;
		failed += f;
		skipped += k;
		n++;
		p = next;
	}
	if (n != ck->n || failed != ck->failed || skipped != ck->skipped)
		abort();
	for (int i = 0; i < 5; i++)
		if (ck->failed == 0 && ck->skipped == 0 && !seen[i]) {
			fprintf(stderr, "fuzz_verify: nothing failed, but no "
			    "\"%s\" check passed\n", must[i]);
			abort();
		}
}

/* Nothing left in dir, which is then removed. */
static void
check_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			fprintf(stderr, "fuzz_verify: left behind: %s/%s\n",
			    dir, de->d_name);
			abort();
		}
	closedir(d);
	if (rmdir(dir) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	struct cam_checklist ck = { 0 };
	struct cam_err e;

	path = fuzz_file("verify", data, size);
	/* A tmpdir of its own, named anew for each input: a name the
	 * input cannot hold, so that finding it in a line means the line
	 * names a temporary file. */
	snprintf(tmp, sizeof(tmp), "%s/tmp/XXXXXX", top);
	if (mkdtemp(tmp) == NULL)
		abort();
	ck.json = 1;
	cam_err_clear(&e);
	if (cam_audit_archive(path, NULL, &trust, tmp, SEED_TIME, NULL, NULL,
	    &ck, &e) == -1) {
		fprintf(stderr, "fuzz_verify: %s\n", e.msg);
		abort();
	}
	check_lines(&ck);
	check_empty(tmp);
	cam_checklist_free(&ck);
	return 0;
}
