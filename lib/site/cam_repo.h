/*
 * cam_repo: the configuration directory as a git repository (libgit2).
 *
 * Only committed configuration is in force.  Every change is made under
 * an exclusive lock (so two processes cannot interleave), validated by
 * the caller's check function on the exact tree about to be committed,
 * and committed with the invoking Unix user as author.  private/ is
 * ignored by git and never staged; a file holding a private key is never
 * committed.
 */
#ifndef CAM_REPO_H
#define CAM_REPO_H

#include <time.h>

#include "base/cam_err.h"
#include "base/cam_util.h"

struct git_repository;
struct git_tree;

struct cam_repo {
	struct git_repository *git;
	char *dir;
	int lockfd;
};

/* A tree about to be committed (or HEAD's), for checks to read. */
struct cam_tree {
	struct git_repository *git;
	struct git_tree *tree;
	char rev[41];		/* commit id, or "" for a candidate tree */
};

typedef int (*cam_repo_check_fn)(void *arg, const struct cam_tree *t,
    struct cam_err *e);

struct cam_commit_info {
	char id[41];
	char author[256];
	char email[256];
	time_t when;
	char summary[512];
};

int cam_repo_open(struct cam_repo *r, const char *dir, struct cam_err *e);
/* git init dir (which must not hold a repository yet), write the given
 * files and .gitignore, commit them. */
int cam_repo_create(struct cam_repo *r, const char *dir,
    const char *const *names, const char *const *texts, const char *msg,
    struct cam_err *e);
void cam_repo_close(struct cam_repo *r);

/* Take the repository's change lock (blocks until free). */
int cam_repo_lock(struct cam_repo *r, struct cam_err *e);
void cam_repo_unlock(struct cam_repo *r);

/* HEAD's tree; free with cam_tree_free. */
int cam_repo_head(struct cam_repo *r, struct cam_tree *t, struct cam_err *e);
void cam_tree_free(struct cam_tree *t);
/* Read path from a tree: 0, 1 if there is no such file, -1 on error. */
int cam_tree_read(const struct cam_tree *t, const char *path,
    struct cam_buf *out, struct cam_err *e);

/* git's own lock files left in .git (by a running git command, or by a
 * process that was killed): one path a line into out; returns count. */
int cam_repo_locks(struct cam_repo *r, struct cam_buf *out);

/* Uncommitted changes: one "status<TAB>path" line each into out
 * (status: modified, new, deleted, renamed, typechange); returns count. */
int cam_repo_changes(struct cam_repo *r, struct cam_buf *out,
    struct cam_err *e);

/*
 * Stage paths (NULL: every file but the ignored ones, deletions too),
 * run check on the resulting tree, and commit.  Nothing is staged on
 * disk unless the commit is made.  CAM_NO "nothing to commit" when the
 * tree equals HEAD's.  id receives the new commit id.
 */
int cam_repo_commit(struct cam_repo *r, const char *const *paths,
    const char *msg, cam_repo_check_fn check, void *arg, char id[41],
    struct cam_err *e);

/* Commits from HEAD backwards (at most max, 0: all); cb returns -1 to
 * stop with an error. */
int cam_repo_history(struct cam_repo *r, size_t max,
    int (*cb)(void *, const struct cam_commit_info *), void *arg,
    struct cam_err *e);

/* Unified diff: rev NULL: HEAD against the working tree (uncommitted
 * edits); else rev against HEAD. */
int cam_repo_diff(struct cam_repo *r, const char *rev, struct cam_buf *out,
    struct cam_err *e);

/* A new commit undoing rev, checked like any change; the working tree
 * must be clean. */
int cam_repo_revert(struct cam_repo *r, const char *rev,
    cam_repo_check_fn check, void *arg, char id[41], struct cam_err *e);

/*
 * A witness (cam_seal.h): a line of commits on a ref of its own, such
 * as "refs/camkit/witness", outside the branches.  Neither function
 * touches HEAD, the index or the working tree.
 *
 * Add one commit, under the change lock (taken and released here unless
 * the caller holds it): parent the ref's commit (none if the ref does
 * not exist yet), tree that commit's tree with the file path ("host/
 * gate/manifest": directories made as needed) set to text, message
 * text.  The ref is moved only if it still names the parent; if it
 * moved meanwhile (a fetch into it), the commit is made again on top.
 */
int cam_repo_witness_add(struct cam_repo *r, const char *ref,
    const char *path, const char *text, struct cam_err *e);
/* The message of every commit reachable from ref, oldest first; a ref
 * that does not exist has none.  cb returning non-zero stops the walk,
 * and that value is returned with e untouched. */
int cam_repo_witness_foreach(struct cam_repo *r, const char *ref,
    int (*cb)(void *arg, const char *message), void *arg,
    struct cam_err *e);

/*
 * Reading the whole history, for audits.
 *
 * cam_repo_walk calls cb for each commit reachable from HEAD (all_refs:
 * also from every other reference, branches, tags and camkit's own),
 * newest first.  The view's trees are valid during the call only;
 * parent.tree is NULL for a root commit; changes lists what differs
 * from the first parent, one "added|deleted|modified|renamed|typechange
 * <TAB>path" line each.
 */
struct cam_commit_view {
	struct cam_commit_info info;
	struct cam_tree tree;
	struct cam_tree parent;
	unsigned nparents;
	int on_head;		/* reachable from HEAD */
	const char *changes;
};
int cam_repo_walk(struct cam_repo *r, int all_refs,
    int (*cb)(void *arg, const struct cam_commit_view *v), void *arg,
    struct cam_err *e);

/* Every file of a tree that holds or is a secret: a private key, a path
 * under private/, a key or certificate bundle file (.key, .p12, .pfx),
 * credentials or a password in camkit.yaml.  only (NULL: every file)
 * restricts it to the files a commit added or changed (its view's
 * changes).  One "path<TAB>why" line each into out (for camkit.yaml,
 * the file:line:col message alone); returns the count. */
int cam_tree_secrets(const struct cam_tree *t, const char *only,
    struct cam_buf *out, struct cam_err *e);

/* Objects no reference reaches that hold a private key (left behind by
 * a rewritten history until git gc prunes them): "id<TAB>why" lines;
 * returns the count. */
int cam_repo_loose_secrets(struct cam_repo *r, struct cam_buf *out,
    struct cam_err *e);

/* HEAD's commit id. */
int cam_repo_head_id(struct cam_repo *r, char id[41], struct cam_err *e);
/* Is commit id HEAD or an ancestor of it: 1 yes, 0 no (or no such
 * commit in the repository), -1 error. */
int cam_repo_in_history(struct cam_repo *r, const char *id,
    struct cam_err *e);
/* Is commit id anc or an ancestor of it: 1, 0 or -1 as above. */
int cam_repo_descends(struct cam_repo *r, const char *id, const char *anc,
    struct cam_err *e);

/*
 * Taking the configuration from a central repository (camctl sync).
 *
 * The branch HEAD is on (CAM_NO when detached).
 */
int cam_repo_branch(struct cam_repo *r, char *buf, size_t len,
    struct cam_err *e);
/* Fetch branch from remote (a remote of the repository, or a URL or
 * path) into FETCH_HEAD only: no ref of the repository moves.  id
 * receives the commit the remote's branch names. */
int cam_repo_fetch(struct cam_repo *r, const char *remote,
    const char *branch, char id[41], struct cam_err *e);
/* The tree of commit id; free with cam_tree_free. */
int cam_repo_tree_of(struct cam_repo *r, const char *id, struct cam_tree *t,
    struct cam_err *e);
/* The best common ancestor of a and b into id ("" if none). */
int cam_repo_merge_base(struct cam_repo *r, const char *a, const char *b,
    char id[41], struct cam_err *e);
/* Move the branch HEAD is on, the index and the working tree to id.
 * The caller holds the lock, has checked that id descends from HEAD
 * and that nothing is uncommitted. */
int cam_repo_fast_forward(struct cam_repo *r, const char *id,
    struct cam_err *e);
/* Push ref to the same name on remote, never forced: CAM_NO with the
 * remote's reason when it refuses; 1 when there is no such ref here. */
int cam_repo_push(struct cam_repo *r, const char *remote, const char *ref,
    struct cam_err *e);
/* The names of the refs matching glob, one a line into out; returns
 * the count. */
int cam_repo_refs(struct cam_repo *r, const char *glob, struct cam_buf *out,
    struct cam_err *e);
/* Rename a ref (to may lie under from's name); 1 if from does not
 * exist. */
int cam_repo_ref_rename(struct cam_repo *r, const char *from, const char *to,
    struct cam_err *e);

/* The commit ref names into id: 0, 1 if there is no such ref. */
int cam_repo_ref_id(struct cam_repo *r, const char *ref, char id[41],
    struct cam_err *e);
/* Make or move ref to commit id. */
int cam_repo_ref_set(struct cam_repo *r, const char *ref, const char *id,
    struct cam_err *e);

/* From HEAD back along first parents (at most max commits, 0: all):
 * cb returns 0 to go on, 1 to stop, -1 to stop with an error. */
int cam_repo_first_parents(struct cam_repo *r, size_t max,
    int (*cb)(void *arg, const struct cam_tree *t,
    const struct cam_commit_info *ci), void *arg, struct cam_err *e);

#endif
