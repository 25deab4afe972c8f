/*
 * cam_repo: see cam_repo.h.  All libgit2 failures become messages through
 * cam_err_git, here and nowhere else.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pwd.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "base/cam_crypto.h"
#include "base/cam_setid.h"
#include "site/cam_config.h"
#include "site/cam_repo.h"

#define LOCK_NAME	".git/camkit.lock"
#define IGNORE_TEXT \
	"# Secrets (camera credentials, the site key) live here, never in git.\n" \
	"/private/\n" \
	"*.tmp.*\n"

static const char *const ignore_text = IGNORE_TEXT;

/*
 * libgit2 started, the one way camkit starts it.  No git configuration
 * but the repository's own is read, by any program, set-id or not: not
 * the caller's ~/.gitconfig (a HOME it cannot read, as after su without
 * "-", would fail every command), not $XDG_CONFIG_HOME's, the system's
 * (/etc/gitconfig) or ProgramData's.  And the recorder and the guard's
 * programs run as other users than the root-owned configuration;
 * libgit2 runs no hooks or filters, so git's safe.directory ownership
 * check has nothing to protect.
 */
static void
git_start(void)
{
	static const int levels[] = { GIT_CONFIG_LEVEL_PROGRAMDATA,
	    GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG,
	    GIT_CONFIG_LEVEL_GLOBAL };

	git_libgit2_init();
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, levels[i], "");
	git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
}

int
cam_repo_open(struct cam_repo *r, const char *dir, struct cam_err *e)
{
	char path[PATH_MAX];
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->lockfd = -1;
	git_start();
	/* The directory itself must be the top of a repository: a config
	 * directory nested in some other repository is an error. */
	if (cam_path(path, sizeof(path), e, "%s/.git", dir) == -1)
		goto fail;
	if (stat(path, &st) == -1 && errno == EACCES) {
		/* Not this account's to read (README, "Accounts and
		 * groups"): say so, not that there is no site. */
		cam_err_sys(e, "%s", dir);
		goto fail;
	}
	if (stat(path, &st) == -1) {
		cam_errf(e, CAM_NO, "%s: not a camkit configuration directory "
		    "(no git repository; create one with camctl -C %s init)",
		    dir, dir);
		goto fail;
	}
	if (cam_setid_active()) {
		char why[512];
		/* libgit2 opens by name: a set-id program takes the
		 * repository only if nobody but root and the service account
		 * can have changed any of it (cam_setid.h); and it reads no
		 * git configuration but the repository's own (git_start). */
		if (!cam_setid_trusted_tree(path, why, sizeof(why))) {
			cam_errf(e, CAM_NO, "refused: %s", why);
			goto fail;
		}
	}
	if (git_repository_open_ext(&r->git, dir,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		cam_err_git(e, "%s", dir);
		goto fail;
	}
	r->dir = cam_xstrdup(dir);
	return 0;
fail:
	git_libgit2_shutdown();
	return -1;
}

void
cam_repo_close(struct cam_repo *r)
{
	if (r->dir == NULL)
		return;
	cam_repo_unlock(r);
	git_repository_free(r->git);
	r->git = NULL;
	free(r->dir);
	r->dir = NULL;
	git_libgit2_shutdown();
}

int
cam_repo_lock(struct cam_repo *r, struct cam_err *e)
{
	char path[PATH_MAX];

	if (r->lockfd != -1)
		return 0;
	if (cam_path(path, sizeof(path), e, "%s/" LOCK_NAME, r->dir) == -1)
		return -1;
	r->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (r->lockfd == -1)
		return cam_err_sys(e, "%s", path);
	while (flock(r->lockfd, LOCK_EX) == -1) {
		if (errno == EINTR)
			continue;
		cam_err_sys(e, "lock %s", path);
		close(r->lockfd);
		r->lockfd = -1;
		return -1;
	}
	return 0;
}

/* Everything under the directory fd (closed here) that root owns,
 * given to uid:gid; links are given, never followed. */
static void
give_tree(int fd, uid_t uid, gid_t gid, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		/* Best effort: what cannot be given stays root's, and the
		 * service account's write then says which file. */
		if (st.st_uid == 0 && fchownat(dirfd(d), de->d_name, uid,
		    gid, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 32) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub != -1)
				give_tree(sub, uid, gid, depth + 1);
		}
	}
	closedir(d);
}

/*
 * Root writing a repository that another account owns (an
 * administrator's camctl on a site the service account owns) gives what
 * it made back before anyone else may write: otherwise the service
 * account could not add an object to a directory of .git/objects that
 * root created, and its next witness commit would fail ("Permission
 * denied"), leaving the seal unwitnessed.  Done under the change lock,
 * which every writer of the repository takes.
 */
static void
give_back(struct cam_repo *r)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	if (geteuid() != 0 || r->dir == NULL ||
	    (size_t)snprintf(path, sizeof(path), "%s/.git", r->dir) >=
	    sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return;
	if (fstat(fd, &st) == -1 || st.st_uid == 0) {
		close(fd);
		return;
	}
	give_tree(fd, st.st_uid, st.st_gid, 0);
}

void
cam_repo_unlock(struct cam_repo *r)
{
	if (r->lockfd != -1) {
		give_back(r);
		close(r->lockfd);	/* releases the flock */
		r->lockfd = -1;
	}
}

int
cam_repo_locks(struct cam_repo *r, struct cam_buf *out)
{
	static const char *const pats[] = { "index.lock", "HEAD.lock",
	    "config.lock", "packed-refs.lock", "refs/heads/*.lock" };
	char pat[PATH_MAX];
	int n = 0;

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		glob_t g;
		if (snprintf(pat, sizeof(pat), "%s/.git/%s", r->dir,
		    pats[i]) >= (int)sizeof(pat))
			continue;
		if (glob(pat, 0, NULL, &g) != 0)
			continue;
		for (size_t j = 0; j < g.gl_pathc; j++, n++)
			cam_buf_addf(out, "%s\n", g.gl_pathv[j]);
		globfree(&g);
	}
	return n;
}

/* After a failed write: if git's lock files are in the way, say so and
 * what to do, since they outlive a killed process. */
static int
explain_locks(struct cam_repo *r, struct cam_err *e)
{
	struct cam_buf b = CAM_BUF_INIT;

	if (cam_repo_locks(r, &b) > 0) {
		for (char *p = b.s, *nl; p && *p; p = nl + 1) {
			nl = strchr(p, '\n');
			*nl = '\0';
			cam_err_addf(e, CAM_ENV, "%s exists: a git command is "
			    "running here, or one was killed; if none is "
			    "running, remove it", p);
		}
	}
	cam_buf_free(&b);
	return -1;
}

/* name <name@host> signed now into *sig. */
static int
sign_as(git_signature **sig, const char *name, struct cam_err *e)
{
	char host[256], email[512];

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(email, sizeof(email), "%s@%s", name, host);
	if (git_signature_now(sig, name, email) < 0)
		return cam_err_git(e, "author %s", name);
	return 0;
}

/*
 * The author is the person (the login uid's name, cam_user_name), so
 * git log names who did it; the committer is the account the program
 * ran as when that is another (root under sudo), else the person too.
 */
static int
signature(git_signature **author, git_signature **committer,
    struct cam_err *e)
{
	const char *user = cam_user_name();
	const char *as = cam_user_account();

	*author = *committer = NULL;
	if (user == NULL)
		return cam_errf(e, CAM_ENV, "cannot tell who runs this program "
		    "(uid %ld has no passwd entry)", (long)cam_setid_caller());
	if (sign_as(author, user, e) == -1)
		return -1;
	if (as == NULL || strcmp(as, user) == 0) {
		if (git_signature_dup(committer, *author) == 0)
			return 0;
		cam_err_git(e, "author %s", user);
	} else if (sign_as(committer, as, e) == 0)
		return 0;
	git_signature_free(*author);
	*author = NULL;
	return -1;
}

void
cam_tree_free(struct cam_tree *t)
{
	git_tree_free(t->tree);
	t->tree = NULL;
}

int
cam_repo_head(struct cam_repo *r, struct cam_tree *t, struct cam_err *e)
{
	git_commit *c = NULL;
	git_oid oid;

	memset(t, 0, sizeof(*t));
	t->git = r->git;
	if (git_reference_name_to_id(&oid, r->git, "HEAD") < 0)
		return cam_err_git(e, "%s: no commit in force", r->dir);
	if (git_commit_lookup(&c, r->git, &oid) < 0 ||
	    git_commit_tree(&t->tree, c) < 0) {
		git_commit_free(c);
		return cam_err_git(e, "%s: HEAD", r->dir);
	}
	git_oid_tostr(t->rev, sizeof(t->rev), &oid);
	git_commit_free(c);
	return 0;
}

int
cam_tree_read(const struct cam_tree *t, const char *path,
    struct cam_buf *out, struct cam_err *e)
{
	git_tree_entry *te = NULL;
	git_blob *b = NULL;
	int rc;

	rc = git_tree_entry_bypath(&te, t->tree, path);
	if (rc == GIT_ENOTFOUND)
		return 1;
	if (rc < 0)
		return cam_err_git(e, "%s", path);
	if (git_tree_entry_type(te) != GIT_OBJECT_BLOB) {
		git_tree_entry_free(te);
		return 1;
	}
	if (git_blob_lookup(&b, t->git, git_tree_entry_id(te)) < 0) {
		git_tree_entry_free(te);
		return cam_err_git(e, "%s", path);
	}
	cam_buf_add(out, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	git_blob_free(b);
	git_tree_entry_free(te);
	return 0;
}

int
cam_repo_changes(struct cam_repo *r, struct cam_buf *out, struct cam_err *e)
{
	git_status_options opts = GIT_STATUS_OPTIONS_INIT;
	git_status_list *list = NULL;
	size_t n;

	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
	    GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
	    GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX;
	if (git_status_list_new(&list, r->git, &opts) < 0)
		return cam_err_git(e, "%s: status", r->dir);
	n = git_status_list_entrycount(list);
	for (size_t i = 0; i < n; i++) {
		const git_status_entry *s = git_status_byindex(list, i);
		const git_diff_delta *d = s->index_to_workdir ?
		    s->index_to_workdir : s->head_to_index;
		unsigned st = s->status;
		const char *what = "modified";

		if (st & (GIT_STATUS_WT_NEW | GIT_STATUS_INDEX_NEW))
			what = "new";
		else if (st & (GIT_STATUS_WT_DELETED | GIT_STATUS_INDEX_DELETED))
			what = "deleted";
		else if (st & (GIT_STATUS_WT_RENAMED | GIT_STATUS_INDEX_RENAMED))
			what = "renamed";
		else if (st & (GIT_STATUS_WT_TYPECHANGE |
		    GIT_STATUS_INDEX_TYPECHANGE))
			what = "typechange";
		cam_buf_addf(out, "%s\t%s\n", what, d && d->new_file.path ?
		    d->new_file.path : "?");
	}
	git_status_list_free(list);
	return (int)n;
}

/* Refuse to commit any file that holds a private key: they belong in
 * private/, and a committed key can never be taken back. */
static int
secret_walk(const char *root, const git_tree_entry *te, void *arg)
{
	struct { git_repository *git; struct cam_err *e; int bad; } *w = arg;
	git_blob *b = NULL;

	if (git_tree_entry_type(te) != GIT_OBJECT_BLOB)
		return 0;
	if (git_blob_lookup(&b, w->git, git_tree_entry_id(te)) < 0)
		return 0;
	const char *p = git_blob_rawcontent(b);
	size_t n = (size_t)git_blob_rawsize(b);
	if (cam_crypto_has_key(p, n)) {
		cam_err_addf(w->e, CAM_NO, "%s%s: holds a private key; keys "
		    "belong in private/, which is never committed", root,
		    git_tree_entry_name(te));
		w->bad++;
	}
	git_blob_free(b);
	return 0;
}

static int
check_tree(struct cam_repo *r, git_tree *tree, cam_repo_check_fn check,
    void *arg, struct cam_err *e)
{
	struct { git_repository *git; struct cam_err *e; int bad; } w =
	    { r->git, e, 0 };
	struct cam_tree t;

	if (git_tree_walk(tree, GIT_TREEWALK_PRE, secret_walk, &w) < 0)
		return cam_err_git(e, "%s: reading the tree", r->dir);
	if (w.bad)
		return -1;
	if (check == NULL)
		return 0;
	memset(&t, 0, sizeof(t));
	t.git = r->git;
	t.tree = tree;
	return check(arg, &t, e);
}

/* Commit tree with parent HEAD (or none), moving HEAD. */
static int
make_commit(struct cam_repo *r, git_tree *tree, const char *msg,
    char id[41], struct cam_err *e)
{
	git_signature *sig = NULL, *csig = NULL;
	git_commit *parent = NULL;
	git_oid oid, head;
	int rc = -1, nparents = 0;

	if (signature(&sig, &csig, e) == -1)
		return -1;
	if (git_reference_name_to_id(&head, r->git, "HEAD") == 0) {
		if (git_commit_lookup(&parent, r->git, &head) < 0) {
			cam_err_git(e, "%s: HEAD", r->dir);
			goto end;
		}
		nparents = 1;
	}
	if (git_commit_create_v(&oid, r->git, "HEAD", sig, csig, NULL, msg,
	    tree, nparents, parent) < 0) {
		cam_err_git(e, "%s: commit", r->dir);
		explain_locks(r, e);
		goto end;
	}
	if (id != NULL)
		git_oid_tostr(id, 41, &oid);
	rc = 0;
end:
	git_commit_free(parent);
	git_signature_free(sig);
	git_signature_free(csig);
	return rc;
}

/* A change of some paths must not sweep in what someone staged by hand
 * with git add: that would commit it under the wrong message. */
static int
staged_elsewhere(struct cam_repo *r, git_index *idx, const char *const *paths,
    struct cam_err *e)
{
	struct cam_tree head;
	git_diff *diff = NULL;
	int rc = 0;

	if (cam_repo_head(r, &head, e) == -1)
		return -1;
	if (git_diff_tree_to_index(&diff, r->git, head.tree, idx, NULL) < 0) {
		cam_tree_free(&head);
		return cam_err_git(e, "%s: index", r->dir);
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const char *p = git_diff_get_delta(diff, i)->new_file.path;
		size_t j;
		for (j = 0; paths[j] != NULL; j++)
			if (strcmp(p, paths[j]) == 0)
				break;
		if (paths[j] == NULL) {
			rc = cam_errf(e, CAM_NO, "%s: %s is staged with git "
			    "add; commit it with camctl commit -m MESSAGE or "
			    "unstage it (git reset) first", r->dir, p);
			break;
		}
	}
	git_diff_free(diff);
	cam_tree_free(&head);
	return rc;
}

int
cam_repo_commit(struct cam_repo *r, const char *const *paths,
    const char *msg, cam_repo_check_fn check, void *arg, char id[41],
    struct cam_err *e)
{
	git_index *idx = NULL;
	git_tree *tree = NULL;
	struct cam_tree head;
	git_oid oid;
	int rc = -1;

	memset(&head, 0, sizeof(head));
	if (git_repository_index(&idx, r->git) < 0)
		return cam_err_git(e, "%s: index", r->dir);
	/* Start from the index on disk; changes stay in memory until the
	 * commit is made. */
	if (git_index_read(idx, 1) < 0) {
		cam_err_git(e, "%s: index", r->dir);
		goto end;
	}
	if (paths == NULL) {
		char *all[] = { "." };
		git_strarray spec = { all, 1 };
		if (git_index_add_all(idx, &spec, GIT_INDEX_ADD_DEFAULT, NULL,
		    NULL) < 0 ||
		    git_index_update_all(idx, &spec, NULL, NULL) < 0) {
			cam_err_git(e, "%s: staging", r->dir);
			goto end;
		}
	} else {
		if (staged_elsewhere(r, idx, paths, e) == -1)
			goto end;
		for (size_t i = 0; paths[i] != NULL; i++)
			if (git_index_add_bypath(idx, paths[i]) < 0) {
				cam_err_git(e, "%s: staging %s", r->dir,
				    paths[i]);
				goto end;
			}
	}
	if (git_index_write_tree(&oid, idx) < 0 ||
	    git_tree_lookup(&tree, r->git, &oid) < 0) {
		cam_err_git(e, "%s: writing the tree", r->dir);
		goto end;
	}
	if (cam_repo_head(r, &head, e) == 0 &&
	    git_oid_equal(git_tree_id(head.tree), &oid)) {
		cam_errf(e, CAM_NO, "%s: nothing to commit", r->dir);
		goto end;
	}
	if (check_tree(r, tree, check, arg, e) == -1)
		goto end;
	/*
	 * The index first, HEAD second: a crash in between leaves the change
	 * staged and not committed, which check reports and camctl commit
	 * finishes.  The other order would leave HEAD ahead of a stale index,
	 * and the next commit would quietly undo the change.
	 */
	if (git_index_write(idx) < 0) {
		cam_err_git(e, "%s: index", r->dir);
		explain_locks(r, e);
		goto end;
	}
	if (make_commit(r, tree, msg, id, e) == -1) {
		if (head.tree != NULL && (git_index_read_tree(idx,
		    head.tree) < 0 || git_index_write(idx) < 0))
			cam_err_addf(e, CAM_ENV, "%s: and the index could not be "
			    "put back", r->dir);
		goto end;
	}
	rc = 0;
end:
	cam_tree_free(&head);
	git_tree_free(tree);
	git_index_free(idx);
	return rc;
}

int
cam_repo_create(struct cam_repo *r, const char *dir,
    const char *const *names, const char *const *texts, const char *msg,
    struct cam_err *e)
{
	git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
	char path[PATH_MAX];
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->lockfd = -1;
	if (cam_path(path, sizeof(path), e, "%s/.git", dir) == -1)
		return -1;
	if (stat(path, &st) == 0)
		return cam_errf(e, CAM_NO, "%s: already a configuration "
		    "repository", dir);
	if (cam_mkdir_p(dir, 0755, e) == -1)
		return -1;
	git_start();
	opts.flags = GIT_REPOSITORY_INIT_MKPATH |
	    GIT_REPOSITORY_INIT_NO_REINIT;
	opts.initial_head = "main";
	if (git_repository_init_ext(&r->git, dir, &opts) < 0) {
		cam_err_git(e, "%s: git init", dir);
		git_libgit2_shutdown();
		return -1;
	}
	r->dir = cam_xstrdup(dir);
	if (cam_repo_lock(r, e) == -1)
		return -1;
	if (cam_path(path, sizeof(path), e, "%s/.gitignore", dir) == -1 ||
	    cam_file_write_atomic(path, ignore_text, strlen(ignore_text),
	    0644, e) == -1)
		return -1;
	for (size_t i = 0; names[i] != NULL; i++)
		if (cam_path(path, sizeof(path), e, "%s/%s", dir,
		    names[i]) == -1 ||
		    cam_file_write_atomic(path, texts[i], strlen(texts[i]),
		    0644, e) == -1)
			return -1;
	return cam_repo_commit(r, NULL, msg, NULL, NULL, NULL, e);
}

int
cam_repo_history(struct cam_repo *r, size_t max,
    int (*cb)(void *, const struct cam_commit_info *), void *arg,
    struct cam_err *e)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	size_t n = 0;
	int rc = -1;

	if (git_revwalk_new(&walk, r->git) < 0 ||
	    git_revwalk_push_head(walk) < 0) {
		cam_err_git(e, "%s: history", r->dir);
		goto end;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	while ((max == 0 || n < max) && git_revwalk_next(&oid, walk) == 0) {
		struct cam_commit_info ci;
		git_commit *c = NULL;

		if (git_commit_lookup(&c, r->git, &oid) < 0) {
			cam_err_git(e, "%s: history", r->dir);
			goto end;
		}
		const git_signature *a = git_commit_author(c);
		const char *s = git_commit_summary(c);
		memset(&ci, 0, sizeof(ci));
		git_oid_tostr(ci.id, sizeof(ci.id), &oid);
		snprintf(ci.author, sizeof(ci.author), "%s", a->name);
		snprintf(ci.email, sizeof(ci.email), "%s", a->email);
		snprintf(ci.summary, sizeof(ci.summary), "%s", s ? s : "");
		ci.when = (time_t)a->when.time;
		git_commit_free(c);
		n++;
		if (cb(arg, &ci) == -1)
			goto end;
	}
	rc = 0;
end:
	git_revwalk_free(walk);
	return rc;
}

static int
print_line(const git_diff_delta *d, const git_diff_hunk *h,
    const git_diff_line *l, void *arg)
{
	struct cam_buf *out = arg;

	(void)d;
	(void)h;
	if (l->origin == GIT_DIFF_LINE_CONTEXT ||
	    l->origin == GIT_DIFF_LINE_ADDITION ||
	    l->origin == GIT_DIFF_LINE_DELETION)
		cam_buf_add(out, &l->origin, 1);
	cam_buf_add(out, l->content, l->content_len);
	return 0;
}

static int
rev_tree(struct cam_repo *r, const char *rev, git_tree **tree,
    git_commit **commit, struct cam_err *e)
{
	git_object *o = NULL;

	if (git_revparse_single(&o, r->git, rev) < 0)
		return cam_errf(e, CAM_NO, "%s: unknown revision \"%s\"",
		    r->dir, rev);
	if (git_object_peel((git_object **)commit, o, GIT_OBJECT_COMMIT) < 0) {
		git_object_free(o);
		return cam_errf(e, CAM_NO, "%s: \"%s\" is not a commit",
		    r->dir, rev);
	}
	git_object_free(o);
	if (git_commit_tree(tree, *commit) < 0)
		return cam_err_git(e, "%s: %s", r->dir, rev);
	return 0;
}

int
cam_repo_diff(struct cam_repo *r, const char *rev, struct cam_buf *out,
    struct cam_err *e)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_tree *old = NULL;
	git_commit *oldc = NULL;
	struct cam_tree head;
	git_diff *diff = NULL;
	int rc = -1;

	memset(&head, 0, sizeof(head));
	if (cam_repo_head(r, &head, e) == -1)
		return -1;
	opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_SHOW_UNTRACKED_CONTENT |
	    GIT_DIFF_RECURSE_UNTRACKED_DIRS;
	if (rev == NULL) {
		if (git_diff_tree_to_workdir_with_index(&diff, r->git,
		    head.tree, &opts) < 0) {
			cam_err_git(e, "%s: diff", r->dir);
			goto end;
		}
	} else {
		if (rev_tree(r, rev, &old, &oldc, e) == -1)
			goto end;
		if (git_diff_tree_to_tree(&diff, r->git, old, head.tree,
		    &opts) < 0) {
			cam_err_git(e, "%s: diff", r->dir);
			goto end;
		}
	}
	if (git_diff_print(diff, GIT_DIFF_FORMAT_PATCH, print_line, out) < 0) {
		cam_err_git(e, "%s: diff", r->dir);
		goto end;
	}
	rc = 0;
end:
	git_diff_free(diff);
	git_tree_free(old);
	git_commit_free(oldc);
	cam_tree_free(&head);
	return rc;
}

int
cam_repo_revert(struct cam_repo *r, const char *rev, cam_repo_check_fn check,
    void *arg, char id[41], struct cam_err *e)
{
	git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
	git_commit *c = NULL, *head = NULL;
	git_tree *t = NULL, *tree = NULL;
	git_index *merged = NULL, *idx = NULL;
	struct cam_buf msg = CAM_BUF_INIT;
	char shortid[10];
	git_oid oid;
	int rc = -1;

	if (rev_tree(r, rev, &t, &c, e) == -1)
		goto end;
	if (git_commit_parentcount(c) == 0) {
		cam_errf(e, CAM_NO, "%s: %s is the first commit; there is "
		    "nothing before it to go back to", r->dir, rev);
		goto end;
	}
	if (git_reference_name_to_id(&oid, r->git, "HEAD") < 0 ||
	    git_commit_lookup(&head, r->git, &oid) < 0) {
		cam_err_git(e, "%s: HEAD", r->dir);
		goto end;
	}
	if (git_revert_commit(&merged, r->git, c, head, 0, NULL) < 0) {
		cam_err_git(e, "%s: revert %s", r->dir, rev);
		goto end;
	}
	if (git_index_has_conflicts(merged)) {
		cam_errf(e, CAM_NO, "%s: cannot revert %s cleanly: later "
		    "commits changed the same lines; edit camkit.yaml by hand "
		    "and use camctl commit", r->dir, rev);
		goto end;
	}
	if (git_index_write_tree_to(&oid, merged, r->git) < 0 ||
	    git_tree_lookup(&tree, r->git, &oid) < 0) {
		cam_err_git(e, "%s: revert %s", r->dir, rev);
		goto end;
	}
	if (git_oid_equal(&oid, git_commit_tree_id(head))) {
		cam_errf(e, CAM_NO, "%s: reverting %s changes nothing",
		    r->dir, rev);
		goto end;
	}
	if (check_tree(r, tree, check, arg, e) == -1)
		goto end;
	git_oid_tostr(shortid, sizeof(shortid), git_commit_id(c));
	cam_buf_addf(&msg, "revert %s: %s\n", shortid,
	    git_commit_summary(c) ? git_commit_summary(c) : "");
	if (make_commit(r, tree, cam_buf_str(&msg), id, e) == -1)
		goto end;
	/* The working tree was clean (the caller checked): bring it and
	 * the index to the new HEAD. */
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	if (git_checkout_tree(r->git, (git_object *)tree, &co) < 0 ||
	    git_repository_index(&idx, r->git) < 0 ||
	    git_index_read_tree(idx, tree) < 0 || git_index_write(idx) < 0) {
		cam_err_git(e, "%s: updating the working tree after revert",
		    r->dir);
		goto end;
	}
	rc = 0;
end:
	cam_buf_free(&msg);
	git_index_free(idx);
	git_index_free(merged);
	git_tree_free(tree);
	git_tree_free(t);
	git_commit_free(head);
	git_commit_free(c);
	return rc;
}

/* ---- the witness ---- */

/* A path of plain components: no empty one, no "." or "..", no .git
 * (git would refuse such a tree, or check it out somewhere else). */
static int
witness_path_ok(const char *path)
{
	const char *p = path;

	if (*p == '\0')
		return 0;
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || n > 255 || (n == 1 && p[0] == '.') ||
		    (n == 2 && strncmp(p, "..", 2) == 0) ||
		    (n == 4 && strncasecmp(p, ".git", 4) == 0))
			return 0;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < ' ' || p[i] == 0x7f ||
			    p[i] == '\\')
				return 0;
		if (p[n] == '\0')
			return 1;
		p += n + 1;
	}
}

/*
 * The tree base (NULL: an empty one) with path set to the blob, written
 * to the object database; its id into out.  A directory of path that
 * is a file in base is refused rather than replaced: it would drop a
 * journal's entry from the witness.
 */
static int
tree_set(struct cam_repo *r, const git_tree *base, const char *path,
    const git_oid *blob, git_oid *out, struct cam_err *e)
{
	git_treebuilder *tb = NULL;
	git_tree *sub = NULL;
	const char *slash = strchr(path, '/');
	char name[256];
	git_oid id;
	int rc = -1;

	if (git_treebuilder_new(&tb, r->git, base) < 0)
		return cam_err_git(e, "%s: witness tree", r->dir);
	if (slash == NULL) {
		if (git_treebuilder_insert(NULL, tb, path, blob,
		    GIT_FILEMODE_BLOB) < 0) {
			cam_err_git(e, "%s: witness tree: %s", r->dir, path);
			goto end;
		}
	} else {
		const git_tree_entry *te = NULL;

		/* witness_path_ok: a component is at most 255 bytes. */
		snprintf(name, sizeof(name), "%.*s", (int)(slash - path), path);
		if (base != NULL)
			te = git_tree_entry_byname(base, name);
		if (te != NULL && git_tree_entry_type(te) != GIT_OBJECT_TREE) {
			cam_errf(e, CAM_NO, "%s: witness: %s is a file, not a "
			    "directory", r->dir, name);
			goto end;
		}
		if (te != NULL && git_tree_lookup(&sub, r->git,
		    git_tree_entry_id(te)) < 0) {
			cam_err_git(e, "%s: witness tree: %s", r->dir, name);
			goto end;
		}
		if (tree_set(r, sub, slash + 1, blob, &id, e) == -1)
			goto end;
		if (git_treebuilder_insert(NULL, tb, name, &id,
		    GIT_FILEMODE_TREE) < 0) {
			cam_err_git(e, "%s: witness tree: %s", r->dir, name);
			goto end;
		}
	}
	if (git_treebuilder_write(out, tb) < 0) {
		cam_err_git(e, "%s: witness tree", r->dir);
		goto end;
	}
	rc = 0;
end:
	git_tree_free(sub);
	git_treebuilder_free(tb);
	return rc;
}

/* One attempt: 0 done, 1 the ref moved under us, -1 failed. */
static int
witness_commit(struct cam_repo *r, const char *ref, const char *path,
    const git_oid *blob, const char *msg, const git_signature *sig,
    const git_signature *csig, struct cam_err *e)
{
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_reference *moved = NULL;
	git_oid old, tid, cid;
	int k, have, rc = -1;

	k = git_reference_name_to_id(&old, r->git, ref);
	if (k < 0 && k != GIT_ENOTFOUND)
		return cam_err_git(e, "%s: %s", r->dir, ref);
	have = k == 0;
	if (have && (git_commit_lookup(&parent, r->git, &old) < 0 ||
	    git_commit_tree(&base, parent) < 0)) {
		cam_err_git(e, "%s: %s", r->dir, ref);
		goto end;
	}
	if (tree_set(r, base, path, blob, &tid, e) == -1)
		goto end;
	const git_commit *parents[1] = { parent };
	if (git_tree_lookup(&tree, r->git, &tid) < 0 ||
	    git_commit_create(&cid, r->git, NULL, sig, csig, NULL, msg, tree,
	    have ? 1 : 0, have ? parents : NULL) < 0) {
		cam_err_git(e, "%s: witness commit", r->dir);
		goto end;
	}
	/* Compare and swap: only from the value the commit was made on. */
	if (have)
		k = git_reference_create_matching(&moved, r->git, ref, &cid, 1,
		    &old, "camkit: witness");
	else
		k = git_reference_create(&moved, r->git, ref, &cid, 0,
		    "camkit: witness");
	if (k == GIT_EMODIFIED || k == GIT_EEXISTS) {
		rc = 1;
		goto end;
	}
	if (k < 0) {
		cam_err_git(e, "%s: %s", r->dir, ref);
		goto end;
	}
	rc = 0;
end:
	git_reference_free(moved);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	return rc;
}

int
cam_repo_witness_add(struct cam_repo *r, const char *ref, const char *path,
    const char *text, struct cam_err *e)
{
	git_signature *sig = NULL, *csig = NULL;
	git_oid blob;
	int valid = 0, held = r->lockfd != -1, k = -1;

	if (git_reference_name_is_valid(&valid, ref) < 0 || !valid ||
	    strncmp(ref, "refs/", 5) != 0)
		return cam_errf(e, CAM_NO, "%s: bad witness ref \"%s\"",
		    r->dir, ref);
	if (!witness_path_ok(path))
		return cam_errf(e, CAM_NO, "%s: bad witness path \"%s\"",
		    r->dir, path);
	if (cam_repo_lock(r, e) == -1)
		return -1;
	if (signature(&sig, &csig, e) == -1)
		goto end;
	if (git_blob_create_from_buffer(&blob, r->git, text,
	    strlen(text)) < 0) {
		cam_err_git(e, "%s: witness", r->dir);
		goto end;
	}
	/* Other camkit writers wait for the lock; only git itself (a fetch
	 * into the ref) can move it meanwhile, and not for long. */
	for (int tries = 0; (k = witness_commit(r, ref, path, &blob, text,
	    sig, csig, e)) == 1; tries++) {
		if (tries == 10) {
			cam_errf(e, CAM_ENV, "%s: %s keeps moving: witness "
			    "not written", r->dir, ref);
			k = -1;
			break;
		}
	}
end:
	git_signature_free(sig);
	git_signature_free(csig);
	if (!held)
		cam_repo_unlock(r);
	return k == 0 ? 0 : -1;
}

int
cam_repo_witness_foreach(struct cam_repo *r, const char *ref,
    int (*cb)(void *arg, const char *message), void *arg,
    struct cam_err *e)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	int k, rc = -1;

	/* git_revwalk_push_ref does not tell a missing ref from a broken
	 * one: look it up first. */
	k = git_reference_name_to_id(&oid, r->git, ref);
	if (k == GIT_ENOTFOUND)
		return 0;
	if (k < 0)
		return cam_err_git(e, "%s: %s", r->dir, ref);
	if (git_revwalk_new(&walk, r->git) < 0 ||
	    git_revwalk_push(walk, &oid) < 0) {
		cam_err_git(e, "%s: %s", r->dir, ref);
		goto end;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	while ((k = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL;
		int stop;

		if (git_commit_lookup(&c, r->git, &oid) < 0) {
			cam_err_git(e, "%s: %s", r->dir, ref);
			goto end;
		}
		stop = cb(arg, git_commit_message(c));
		git_commit_free(c);
		if (stop != 0) {
			rc = stop;
			goto end;
		}
	}
	if (k != GIT_ITEROVER) {
		cam_err_git(e, "%s: %s", r->dir, ref);
		goto end;
	}
	rc = 0;
end:
	git_revwalk_free(walk);
	return rc;
}

/* ---- the whole history, for audits ---- */

static const char *
delta_name(git_delta_t s)
{
	switch (s) {
	case GIT_DELTA_ADDED: return "added";
	case GIT_DELTA_DELETED: return "deleted";
	case GIT_DELTA_RENAMED: return "renamed";
	case GIT_DELTA_TYPECHANGE: return "typechange";
	default: return "modified";
	}
}

static int
tree_changes(git_repository *git, git_tree *from, git_tree *to,
    struct cam_buf *out)
{
	git_diff *diff = NULL;
	size_t n;

	if (git_diff_tree_to_tree(&diff, git, from, to, NULL) < 0)
		return -1;
	n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		cam_buf_addf(out, "%s\t%s\n", delta_name(d->status),
		    d->new_file.path ? d->new_file.path : d->old_file.path);
	}
	git_diff_free(diff);
	return 0;
}

static int
push_refs(git_revwalk *walk, git_repository *git)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	int k;

	if (git_reference_iterator_new(&it, git) < 0)
		return -1;
	while ((k = git_reference_next(&ref, it)) == 0) {
		git_object *o = NULL;
		git_reference *res = NULL;
		/* Only references that lead to a commit. */
		if (git_reference_resolve(&res, ref) == 0 &&
		    git_reference_peel(&o, res, GIT_OBJECT_COMMIT) == 0)
			git_revwalk_push(walk, git_object_id(o));
		git_object_free(o);
		git_reference_free(res);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	return k == GIT_ITEROVER ? 0 : -1;
}

/* Commits reachable from HEAD, as a sorted list of ids for lookups. */
static int
head_set(git_repository *git, git_oidarray *set)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	size_t cap = 0;

	memset(set, 0, sizeof(*set));
	if (git_revwalk_new(&walk, git) < 0)
		return -1;
	if (git_revwalk_push_head(walk) < 0) {
		git_revwalk_free(walk);
		return 0;	/* no HEAD: nothing on it */
	}
	while (git_revwalk_next(&oid, walk) == 0) {
		if (set->count == cap) {
			cap = cap ? 2 * cap : 64;
			set->ids = cam_xrealloc(set->ids, cap * sizeof(git_oid));
		}
		set->ids[set->count++] = oid;
	}
	git_revwalk_free(walk);
	if (set->count > 0)
		qsort(set->ids, set->count, sizeof(git_oid),
		    (int (*)(const void *, const void *))git_oid_cmp);
	return 0;
}

int
cam_repo_walk(struct cam_repo *r, int all_refs,
    int (*cb)(void *arg, const struct cam_commit_view *v), void *arg,
    struct cam_err *e)
{
	git_revwalk *walk = NULL;
	git_oidarray onhead;
	struct cam_buf changes = CAM_BUF_INIT;
	git_oid oid;
	int k, rc = -1;

	if (head_set(r->git, &onhead) == -1 || git_revwalk_new(&walk,
	    r->git) < 0) {
		cam_err_git(e, "%s: history", r->dir);
		goto end;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if ((git_revwalk_push_head(walk) < 0 && !all_refs) ||
	    (all_refs && push_refs(walk, r->git) == -1)) {
		cam_err_git(e, "%s: history", r->dir);
		goto end;
	}
	while ((k = git_revwalk_next(&oid, walk)) == 0) {
		struct cam_commit_view v;
		git_commit *c = NULL, *p = NULL;

		memset(&v, 0, sizeof(v));
		if (git_commit_lookup(&c, r->git, &oid) < 0 ||
		    git_commit_tree(&v.tree.tree, c) < 0) {
			git_commit_free(c);
			cam_err_git(e, "%s: commit", r->dir);
			goto end;
		}
		v.tree.git = v.parent.git = r->git;
		git_oid_tostr(v.tree.rev, sizeof(v.tree.rev), &oid);
		const git_signature *a = git_commit_author(c);
		const char *s = git_commit_summary(c);
		memcpy(v.info.id, v.tree.rev, sizeof(v.info.id));
		snprintf(v.info.author, sizeof(v.info.author), "%s", a->name);
		snprintf(v.info.email, sizeof(v.info.email), "%s", a->email);
		snprintf(v.info.summary, sizeof(v.info.summary), "%s",
		    s ? s : "");
		v.info.when = (time_t)a->when.time;
		v.nparents = git_commit_parentcount(c);
		v.on_head = onhead.count > 0 && bsearch(&oid, onhead.ids,
		    onhead.count, sizeof(git_oid), (int (*)(const void *,
		    const void *))git_oid_cmp) != NULL;
		if (v.nparents > 0) {
			if (git_commit_parent(&p, c, 0) < 0 ||
			    git_commit_tree(&v.parent.tree, p) < 0) {
				git_commit_free(p);
				git_commit_free(c);
				cam_tree_free(&v.tree);
				cam_err_git(e, "%s: parent of %s", r->dir,
				    v.info.id);
				goto end;
			}
			git_oid_tostr(v.parent.rev, sizeof(v.parent.rev),
			    git_commit_id(p));
		}
		changes.len = 0;
		if (tree_changes(r->git, v.parent.tree, v.tree.tree,
		    &changes) == -1) {
			git_commit_free(p);
			git_commit_free(c);
			cam_tree_free(&v.tree);
			cam_tree_free(&v.parent);
			cam_err_git(e, "%s: diff of %s", r->dir, v.info.id);
			goto end;
		}
		v.changes = cam_buf_str(&changes);
		k = cb(arg, &v);
		git_commit_free(p);
		git_commit_free(c);
		cam_tree_free(&v.tree);
		cam_tree_free(&v.parent);
		if (k == -1)
			goto end;
	}
	if (k != GIT_ITEROVER) {
		cam_err_git(e, "%s: history", r->dir);
		goto end;
	}
	rc = 0;
end:
	git_revwalk_free(walk);
	free(onhead.ids);
	cam_buf_free(&changes);
	return rc;
}

struct secrets {
	git_repository *git;
	const char *only;
	struct cam_buf *out;
	int n;
};

/* Is path one that only lists as added or changed? */
static int
listed(const char *only, const char *path)
{
	size_t n = strlen(path);

	for (const char *p = only; (p = strstr(p, path)) != NULL; p += n)
		if (p > only && p[-1] == '\t' && p[n] == '\n' &&
		    !(p - only >= 8 && (p - only == 8 || p[-9] == '\n') &&
		    strncmp(p - 8, "deleted\t", 8) == 0))
			return 1;
	return 0;
}

static int
secret_file(const char *root, const git_tree_entry *te, void *arg)
{
	struct secrets *w = arg;
	const char *name = git_tree_entry_name(te);
	char path[PATH_MAX];
	size_t nl = strlen(name);
	git_blob *b = NULL;
	struct cam_err e2;

	if (git_tree_entry_type(te) != GIT_OBJECT_BLOB)
		return 0;
	snprintf(path, sizeof(path), "%s%s", root, name);
	if (w->only != NULL && !listed(w->only, path))
		return 0;
	if (strncmp(path, "private/", 8) == 0) {
		cam_buf_addf(w->out, "%s\tprivate/ is never committed\n",
		    path);
		w->n++;
	} else if ((nl > 4 && strcmp(name + nl - 4, ".key") == 0) ||
	    (nl > 4 && strcmp(name + nl - 4, ".p12") == 0) ||
	    (nl > 4 && strcmp(name + nl - 4, ".pfx") == 0)) {
		cam_buf_addf(w->out, "%s\ta key file\n", path);
		w->n++;
	}
	if (git_blob_lookup(&b, w->git, git_tree_entry_id(te)) < 0)
		return 0;
	const char *p = git_blob_rawcontent(b);
	size_t n = (size_t)git_blob_rawsize(b);
	if (cam_crypto_has_key(p, n)) {
		cam_buf_addf(w->out, "%s\tholds a private key\n", path);
		w->n++;
	} else if (strcmp(path, CAM_CONFIG_FILE) == 0) {
		cam_err_clear(&e2);
		if (cam_config_secrets(path, p, n, &e2) > 0) {
			for (char *q = e2.msg; *q; q++)
				if (*q == '\t' || *q == '\n')
					*q = ' ';
			cam_buf_addf(w->out, "%s\n", e2.msg);
			w->n++;
		}
	}
	git_blob_free(b);
	return 0;
}

int
cam_tree_secrets(const struct cam_tree *t, const char *only,
    struct cam_buf *out, struct cam_err *e)
{
	struct secrets w = { t->git, only, out, 0 };

	if (git_tree_walk(t->tree, GIT_TREEWALK_PRE, secret_file, &w) < 0)
		return cam_err_git(e, "reading tree %s", t->rev);
	return w.n;
}

struct loose {
	git_repository *git;
	git_odb *odb;
	git_oidarray reach;
	struct cam_buf *out;
	int n;
};

static int
loose_object(const git_oid *id, void *arg)
{
	struct loose *l = arg;
	git_odb_object *o = NULL;
	char hex[41];

	if (bsearch(id, l->reach.ids, l->reach.count, sizeof(git_oid),
	    (int (*)(const void *, const void *))git_oid_cmp) != NULL)
		return 0;
	if (git_odb_read(&o, l->odb, id) < 0)
		return 0;
	if (git_odb_object_type(o) == GIT_OBJECT_BLOB &&
	    cam_crypto_has_key(git_odb_object_data(o),
	    git_odb_object_size(o))) {
		git_oid_tostr(hex, sizeof(hex), id);
		cam_buf_addf(l->out, "%s\tholds a private key and no "
		    "reference reaches it: a history rewritten to hide it "
		    "(git gc would prune it)\n", hex);
		l->n++;
	}
	git_odb_object_free(o);
	return 0;
}

/* Blobs reachable from a tree, into the set. */
static int
reach_tree(const char *root, const git_tree_entry *te, void *arg)
{
	git_oidarray *set = arg;

	(void)root;
	if (git_tree_entry_type(te) == GIT_OBJECT_BLOB) {
		if ((set->count & 255) == 0)
			set->ids = cam_xrealloc(set->ids, (set->count + 256) *
			    sizeof(git_oid));
		set->ids[set->count++] = *git_tree_entry_id(te);
	}
	return 0;
}

/* Every blob any reference reaches, into the set: a plain walk, without
 * the per-commit diffs cam_repo_walk makes. */
static int
reach_blobs(git_repository *git, git_oidarray *set)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	int rc = -1;

	if (git_revwalk_new(&walk, git) < 0 || push_refs(walk, git) == -1)
		goto end;
	while (git_revwalk_next(&oid, walk) == 0) {
		git_commit *c = NULL;
		git_tree *t = NULL;
		int k = git_commit_lookup(&c, git, &oid) < 0 ||
		    git_commit_tree(&t, c) < 0 ||
		    git_tree_walk(t, GIT_TREEWALK_PRE, reach_tree, set) < 0;
		git_tree_free(t);
		git_commit_free(c);
		if (k)
			goto end;
	}
	rc = 0;
end:
	git_revwalk_free(walk);
	return rc;
}

int
cam_repo_loose_secrets(struct cam_repo *r, struct cam_buf *out,
    struct cam_err *e)
{
	struct loose l;
	int rc = -1;

	memset(&l, 0, sizeof(l));
	l.git = r->git;
	l.out = out;
	if (reach_blobs(r->git, &l.reach) == -1) {
		cam_err_git(e, "%s: history", r->dir);
		goto end;
	}
	if (l.reach.count > 0)
		qsort(l.reach.ids, l.reach.count, sizeof(git_oid),
		    (int (*)(const void *, const void *))git_oid_cmp);
	if (git_repository_odb(&l.odb, r->git) < 0 ||
	    git_odb_foreach(l.odb, loose_object, &l) < 0) {
		cam_err_git(e, "%s: reading the object database", r->dir);
		goto end;
	}
	rc = l.n;
end:
	git_odb_free(l.odb);
	free(l.reach.ids);
	return rc;
}

int
cam_repo_head_id(struct cam_repo *r, char id[41], struct cam_err *e)
{
	git_oid oid;

	if (git_reference_name_to_id(&oid, r->git, "HEAD") < 0)
		return cam_err_git(e, "%s: no commit in force", r->dir);
	git_oid_tostr(id, 41, &oid);
	return 0;
}

/* A commit id that names a commit of the repository, or -1. */
static int
commit_oid(struct cam_repo *r, const char *id, git_oid *oid)
{
	git_commit *c = NULL;

	if (strlen(id) != 40 || git_oid_fromstr(oid, id) < 0 ||
	    git_commit_lookup(&c, r->git, oid) < 0)
		return -1;
	git_commit_free(c);
	return 0;
}

int
cam_repo_descends(struct cam_repo *r, const char *id, const char *anc,
    struct cam_err *e)
{
	git_oid a, d;
	int k;

	if (commit_oid(r, id, &d) == -1 || commit_oid(r, anc, &a) == -1)
		return 0;
	if (git_oid_equal(&a, &d))
		return 1;
	k = git_graph_descendant_of(r->git, &d, &a);
	if (k < 0)
		return cam_err_git(e, "%s: history of %s", r->dir, id);
	return k;
}

int
cam_repo_in_history(struct cam_repo *r, const char *id, struct cam_err *e)
{
	char head[41];

	if (cam_repo_head_id(r, head, e) == -1)
		return -1;
	return cam_repo_descends(r, head, id, e);
}

/* ---- taking the configuration from a central repository ---- */

/* The remote: a remote of the repository by name, else a URL or path
 * (anonymous).  Free with git_remote_free. */
static int
remote_open(struct cam_repo *r, git_remote **rem, const char *remote,
    struct cam_err *e)
{
	int k = git_remote_lookup(rem, r->git, remote);

	if (k == 0)
		return 0;
	if (k != GIT_ENOTFOUND && k != GIT_EINVALIDSPEC)
		return cam_err_git(e, "%s: remote %s", r->dir, remote);
	if (strchr(remote, '/') == NULL && strchr(remote, ':') == NULL)
		return cam_errf(e, CAM_NO, "%s: no remote \"%s\" (give a "
		    "remote of the repository, a URL or a path in sync.remote)",
		    r->dir, remote);
	if (git_remote_create_anonymous(rem, r->git, remote) < 0)
		return cam_err_git(e, "%s: remote %s", r->dir, remote);
	return 0;
}

/*
 * Credentials for an ssh:// remote: the SSH agent, else the key files of
 * the account this process runs as (its home from the password
 * database, not the environment), each tried once.  https:// remotes
 * are public or authenticated by their certificate; nothing is asked.
 */
struct cred_state {
	int tries;
};

static int
credentials(git_credential **out, const char *url, const char *user,
    unsigned int allowed, void *payload)
{
	static const char *const keys[] = { "id_ed25519", "id_ecdsa",
	    "id_rsa" };
	struct cred_state *st = payload;
	struct passwd *pw;
	char priv[PATH_MAX], pub[PATH_MAX + 8];

	(void)url;
	if (!(allowed & GIT_CREDENTIAL_SSH_KEY) || user == NULL)
		return GIT_PASSTHROUGH;
	if (st->tries == 0) {
		st->tries++;
		return git_credential_ssh_key_from_agent(out, user);
	}
	pw = getpwuid(geteuid());
	while (pw != NULL && st->tries <= (int)(sizeof(keys) /
	    sizeof(keys[0]))) {
		const char *k = keys[st->tries++ - 1];
		snprintf(priv, sizeof(priv), "%s/.ssh/%s", pw->pw_dir, k);
		snprintf(pub, sizeof(pub), "%s.pub", priv);
		if (access(priv, R_OK) == 0)
			return git_credential_ssh_key_new(out, user,
			    access(pub, R_OK) == 0 ? pub : NULL, priv, NULL);
	}
	return GIT_PASSTHROUGH;
}

int
cam_repo_branch(struct cam_repo *r, char *buf, size_t len,
    struct cam_err *e)
{
	git_reference *head = NULL;
	const char *name;
	int rc = -1;

	if (git_repository_head(&head, r->git) < 0)
		return cam_err_git(e, "%s: HEAD", r->dir);
	if (!git_reference_is_branch(head)) {
		cam_errf(e, CAM_NO, "%s: HEAD is on no branch (detached): "
		    "check out the site's branch, or set sync.branch", r->dir);
		goto end;
	}
	name = git_reference_shorthand(head);
	if (snprintf(buf, len, "%s", name) >= (int)len) {
		cam_errf(e, CAM_NO, "%s: branch name too long", r->dir);
		goto end;
	}
	rc = 0;
end:
	git_reference_free(head);
	return rc;
}

/* The first FETCH_HEAD entry (one refspec was fetched). */
static int
fetched_cb(const char *ref, const char *url, const git_oid *oid,
    unsigned int merge, void *arg)
{
	(void)ref;
	(void)url;
	(void)merge;
	*(git_oid *)arg = *oid;
	return 1;
}

int
cam_repo_fetch(struct cam_repo *r, const char *remote, const char *branch,
    char id[41], struct cam_err *e)
{
	git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
	struct cred_state cs = { 0 };
	git_remote *rem = NULL;
	struct cam_buf spec = CAM_BUF_INIT;
	git_oid oid;
	char *specs[1];
	git_strarray refspecs = { specs, 1 };
	int k, rc = -1;

	if (remote_open(r, &rem, remote, e) == -1)
		return -1;
	/* Into FETCH_HEAD only: what the centre holds is looked at before
	 * anything here points at it, and a refused history is left
	 * behind no ref. */
	cam_buf_addf(&spec, "refs/heads/%s", branch);
	specs[0] = spec.s;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fo.update_fetchhead = 1;
	fo.callbacks.credentials = credentials;
	fo.callbacks.payload = &cs;
	if (git_remote_fetch(rem, &refspecs, &fo, "camkit: sync") < 0) {
		cam_err_git(e, "%s: fetching %s from %s", r->dir, branch,
		    remote);
		goto end;
	}
	memset(&oid, 0, sizeof(oid));
	k = git_repository_fetchhead_foreach(r->git, fetched_cb, &oid);
	if (k < 0 && k != 1 && k != GIT_EUSER) {
		cam_err_git(e, "%s: FETCH_HEAD", r->dir);
		goto end;
	}
	if (git_oid_is_zero(&oid)) {
		cam_errf(e, CAM_NO, "%s: %s has no branch %s", r->dir, remote,
		    branch);
		goto end;
	}
	git_oid_tostr(id, 41, &oid);
	rc = 0;
end:
	cam_buf_free(&spec);
	git_remote_free(rem);
	return rc;
}

int
cam_repo_tree_of(struct cam_repo *r, const char *id, struct cam_tree *t,
    struct cam_err *e)
{
	git_commit *c = NULL;
	git_oid oid;

	memset(t, 0, sizeof(*t));
	t->git = r->git;
	if (commit_oid(r, id, &oid) == -1)
		return cam_errf(e, CAM_NO, "%s: no commit %s", r->dir, id);
	if (git_commit_lookup(&c, r->git, &oid) < 0 ||
	    git_commit_tree(&t->tree, c) < 0) {
		git_commit_free(c);
		return cam_err_git(e, "%s: %s", r->dir, id);
	}
	snprintf(t->rev, sizeof(t->rev), "%s", id);
	git_commit_free(c);
	return 0;
}

int
cam_repo_merge_base(struct cam_repo *r, const char *a, const char *b,
    char id[41], struct cam_err *e)
{
	git_oid x, y, base;
	int k;

	if (commit_oid(r, a, &x) == -1 || commit_oid(r, b, &y) == -1)
		return cam_errf(e, CAM_NO, "%s: no commit %s or %s", r->dir,
		    a, b);
	k = git_merge_base(&base, r->git, &x, &y);
	if (k == GIT_ENOTFOUND) {
		id[0] = '\0';
		return 0;
	}
	if (k < 0)
		return cam_err_git(e, "%s: %s and %s", r->dir, a, b);
	git_oid_tostr(id, 41, &base);
	return 0;
}

int
cam_repo_fast_forward(struct cam_repo *r, const char *id, struct cam_err *e)
{
	git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
	git_reference *head = NULL, *moved = NULL;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_index *idx = NULL;
	git_oid oid;
	int rc = -1;

	if (commit_oid(r, id, &oid) == -1)
		return cam_errf(e, CAM_NO, "%s: no commit %s", r->dir, id);
	if (git_commit_lookup(&c, r->git, &oid) < 0 ||
	    git_commit_tree(&tree, c) < 0 ||
	    git_repository_head(&head, r->git) < 0) {
		cam_err_git(e, "%s: %s", r->dir, id);
		goto end;
	}
	/* The working tree is clean (the caller checked): safe mode
	 * still refuses to overwrite anything it does not know. */
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	if (git_checkout_tree(r->git, (git_object *)tree, &co) < 0) {
		cam_err_git(e, "%s: checking out %s", r->dir, id);
		goto end;
	}
	if (git_reference_set_target(&moved, head, &oid,
	    "camkit: sync (fast-forward)") < 0 ||
	    git_repository_index(&idx, r->git) < 0 ||
	    git_index_read_tree(idx, tree) < 0 || git_index_write(idx) < 0) {
		cam_err_git(e, "%s: moving %s to %s", r->dir,
		    git_reference_shorthand(head), id);
		goto end;
	}
	rc = 0;
end:
	git_index_free(idx);
	git_reference_free(moved);
	git_reference_free(head);
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

/* A push's callbacks share one payload. */
struct push_ctx {
	struct cam_buf *refused;
	struct cred_state cs;
};

static int
push_credentials(git_credential **out, const char *url, const char *user,
    unsigned int allowed, void *payload)
{
	struct push_ctx *pc = payload;

	return credentials(out, url, user, allowed, &pc->cs);
}

/* A reference the remote refused (push_update_reference). */
static int
push_status(const char *ref, const char *status, void *arg)
{
	struct cam_buf *refused = ((struct push_ctx *)arg)->refused;

	if (status != NULL)
		cam_buf_addf(refused, "%s%s (%s)", refused->len ? ", " : "",
		    ref, status);
	return 0;
}

int
cam_repo_push(struct cam_repo *r, const char *remote, const char *ref,
    struct cam_err *e)
{
	git_push_options po = GIT_PUSH_OPTIONS_INIT;
	git_remote *rem = NULL;
	struct cam_buf spec = CAM_BUF_INIT, refused = CAM_BUF_INIT;
	struct push_ctx pc = { &refused, { 0 } };
	char *specs[1];
	git_strarray refspecs = { specs, 1 };
	git_oid oid;
	int k, rc = -1;

	k = git_reference_name_to_id(&oid, r->git, ref);
	if (k == GIT_ENOTFOUND)
		return 1;
	if (k < 0)
		return cam_err_git(e, "%s: %s", r->dir, ref);
	if (remote_open(r, &rem, remote, e) == -1)
		return -1;
	/* Never forced (no '+'): a remote ref that is not an ancestor of
	 * ours is refused by the remote, and said. */
	cam_buf_addf(&spec, "%s:%s", ref, ref);
	specs[0] = spec.s;
	po.callbacks.push_update_reference = push_status;
	po.callbacks.credentials = push_credentials;
	po.callbacks.payload = &pc;
	if (git_remote_push(rem, &refspecs, &po) < 0) {
		cam_err_git(e, "%s: pushing %s to %s", r->dir, ref, remote);
		goto end;
	}
	if (refused.len > 0) {
		cam_errf(e, CAM_NO, "%s: %s refused %s", r->dir, remote,
		    refused.s);
		goto end;
	}
	rc = 0;
end:
	cam_buf_free(&spec);
	cam_buf_free(&refused);
	git_remote_free(rem);
	return rc;
}

int
cam_repo_refs(struct cam_repo *r, const char *glob, struct cam_buf *out,
    struct cam_err *e)
{
	git_reference_iterator *it = NULL;
	const char *name;
	int k, n = 0;

	if (git_reference_iterator_glob_new(&it, r->git, glob) < 0)
		return cam_err_git(e, "%s: %s", r->dir, glob);
	while ((k = git_reference_next_name(&name, it)) == 0) {
		cam_buf_addf(out, "%s\n", name);
		n++;
	}
	git_reference_iterator_free(it);
	if (k != GIT_ITEROVER)
		return cam_err_git(e, "%s: %s", r->dir, glob);
	return n;
}

int
cam_repo_ref_rename(struct cam_repo *r, const char *from, const char *to,
    struct cam_err *e)
{
	git_oid oid;
	git_reference *ref = NULL, *made = NULL;
	int k;

	k = git_reference_lookup(&ref, r->git, from);
	if (k == GIT_ENOTFOUND)
		return 1;
	if (k < 0)
		return cam_err_git(e, "%s: %s", r->dir, from);
	oid = *git_reference_target(ref);
	/* from may be a directory of to ("refs/a" to "refs/a/b"): deleted
	 * first, made again if the new name cannot be made. */
	if (git_reference_delete(ref) < 0) {
		git_reference_free(ref);
		return cam_err_git(e, "%s: %s", r->dir, from);
	}
	git_reference_free(ref);
	if (git_reference_create(&made, r->git, to, &oid, 0,
	    "camkit: witness per host") < 0) {
		cam_err_git(e, "%s: %s", r->dir, to);
		git_reference_create(&made, r->git, from, &oid, 1,
		    "camkit: witness put back");
		git_reference_free(made);
		return -1;
	}
	git_reference_free(made);
	return 0;
}

int
cam_repo_ref_id(struct cam_repo *r, const char *ref, char id[41],
    struct cam_err *e)
{
	git_oid oid;
	int k = git_reference_name_to_id(&oid, r->git, ref);

	if (k == GIT_ENOTFOUND)
		return 1;
	if (k < 0)
		return cam_err_git(e, "%s: %s", r->dir, ref);
	git_oid_tostr(id, 41, &oid);
	return 0;
}

int
cam_repo_ref_set(struct cam_repo *r, const char *ref, const char *id,
    struct cam_err *e)
{
	git_reference *made = NULL;
	git_oid oid;

	if (commit_oid(r, id, &oid) == -1)
		return cam_errf(e, CAM_NO, "%s: no commit %s", r->dir, id);
	if (git_reference_create(&made, r->git, ref, &oid, 1,
	    "camkit: sync") < 0)
		return cam_err_git(e, "%s: %s", r->dir, ref);
	git_reference_free(made);
	return 0;
}

int
cam_repo_first_parents(struct cam_repo *r, size_t max,
    int (*cb)(void *arg, const struct cam_tree *t,
    const struct cam_commit_info *ci), void *arg, struct cam_err *e)
{
	git_commit *c = NULL, *p;
	git_oid oid;
	int k = 0;

	if (git_reference_name_to_id(&oid, r->git, "HEAD") < 0 ||
	    git_commit_lookup(&c, r->git, &oid) < 0)
		return cam_err_git(e, "%s: HEAD", r->dir);
	for (size_t n = 0; c != NULL && (max == 0 || n < max); n++) {
		struct cam_commit_info ci;
		struct cam_tree t;
		const git_signature *a = git_commit_author(c);

		memset(&ci, 0, sizeof(ci));
		memset(&t, 0, sizeof(t));
		git_oid_tostr(ci.id, sizeof(ci.id), git_commit_id(c));
		ci.when = (time_t)git_commit_time(c);
		snprintf(ci.author, sizeof(ci.author), "%s", a && a->name ?
		    a->name : "");
		snprintf(ci.summary, sizeof(ci.summary), "%s",
		    git_commit_summary(c) ? git_commit_summary(c) : "");
		t.git = r->git;
		memcpy(t.rev, ci.id, sizeof(t.rev));
		if (git_commit_tree(&t.tree, c) < 0) {
			git_commit_free(c);
			return cam_err_git(e, "%s: %s", r->dir, ci.id);
		}
		k = cb(arg, &t, &ci);
		cam_tree_free(&t);
		p = NULL;
		if (k == 0 && git_commit_parentcount(c) > 0 &&
		    git_commit_parent(&p, c, 0) < 0) {
			git_commit_free(c);
			return cam_err_git(e, "%s: parent of %s", r->dir, ci.id);
		}
		git_commit_free(c);
		c = p;
		if (k != 0)
			break;
	}
	git_commit_free(c);
	return k == -1 ? -1 : 0;
}
