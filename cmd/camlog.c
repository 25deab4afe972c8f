/*
 * camlog: the guard's logbook.  main() parses the global options and
 * dispatches to one function per verb; the logbook's format and state
 * are lib/journal/cam_logbook, the chain lib/journal/cam_journal, seals
 * lib/journal/cam_seal.
 *
 * camlog may be installed set-user-id and set-group-id to the service
 * account, which alone may write the data directory: a guard then
 * appends through camlog but cannot change the file.  A set-id camlog
 * does its work in a child whose every id is the service account's,
 * which the guard can neither stop nor kill (cam_setid); it ignores the
 * environment, and trusts a configuration directory and a data root
 * only if nobody but root and the service account can change any
 * directory on their paths (cam_setid_trusted_dir).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cam_i18n.h"
#include "audit/cam_audit_journals.h"
#include "base/cam_crypto.h"
#include "base/cam_json.h"
#include "base/cam_setid.h"
#include "base/cam_time.h"
#include "base/cam_util.h"
#include "cli/cam_cli.h"
#include "journal/cam_journal.h"
#include "journal/cam_logbook.h"
#include "journal/cam_seal.h"
#include "journal/cam_trail.h"
#include "site/cam_policy.h"
#include "site/cam_secret.h"
#include "site/cam_site.h"

static const char *prog = "camlog";
static const char *dir;		/* the configuration directory */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: camlog [-C dir] add [--kind kind] [--camera id] [text ...]\n"
"       camlog [-C dir] shift start\n"
"       camlog [-C dir] shift end [--handover-to user] [--note text]\n"
"       camlog [-C dir] list [--since time] [--until time] [--kind kind]\n"
"              [--camera id] [--json]\n"
"       camlog [-C dir] show seq\n"
"       camlog [-C dir] correct seq [text ...]\n"
"       camlog [-C dir] verify\n"
"       camlog -h | --help | --version\n");
}

/* What every verb works with: the site, who runs us, the logbook. */
struct ctx {
	struct cam_site site;
	struct cam_actor actor;
	const char *verb;
	char path[PATH_MAX];		/* the logbook */
	int open;
};

static void
ctx_close(struct ctx *c)
{
	if (c->open)
		cam_site_close(&c->site);
	c->open = 0;
}

static void
audit(struct ctx *c, const char *object, const char *outcome,
    const char *reason)
{
	(void)c;
	cam_cli_audit(object, outcome, reason, NULL);
}

/*
 * Open the site and check that the caller may do act; a refusal is
 * audited and printed, and its exit status returned.  lb_records: how
 * many records the verb may append to the logbook.  Every verb may
 * write an audit record, and the file-size limit must leave room for
 * all of them before anything is done (a set-id camlog runs with the
 * caller's hard limits, cam_setid.h).
 */
static int
ctx_open(struct ctx *c, const char *verb, enum cam_action act,
    int lb_records)
{
	char why[512], audit_path[PATH_MAX];
	struct cam_err e;
	int rc;

	memset(c, 0, sizeof(*c));
	c->verb = verb;
	cam_err_clear(&e);
	if (!cam_setid_trusted_dir(dir, why, sizeof(why))) {
		cam_cli_msg("refused: %s", why);
		return CAM_NO;
	}
	if (cam_site_open(&c->site, dir, &e) == -1)
		return cam_cli_fail(&e);
	c->open = 1;
	cam_actor_self(&c->actor, c->site.cfg.root, dir);
	if (!cam_setid_trusted_dir(c->site.cfg.root, why, sizeof(why))) {
		cam_cli_msg("refused: the data root: %s", why);
		ctx_close(c);
		return CAM_NO;
	}
	if (cam_path(c->path, sizeof(c->path), &e, "%s/%s",
	    c->site.cfg.root, CAM_LOGBOOK_FILE) == -1 ||
	    cam_path(audit_path, sizeof(audit_path), &e, "%s/%s",
	    c->site.cfg.root, CAM_TRAIL_FILE) == -1 ||
	    cam_setid_room(audit_path, CAM_JOURNAL_LINE_MAX, &e) == -1 ||
	    (lb_records > 0 && cam_setid_room(c->path, (size_t)lb_records *
	    CAM_JOURNAL_LINE_MAX, &e) == -1)) {
		ctx_close(c);
		return cam_cli_fail(&e);
	}
	cam_cli_verb(verb);
	if ((rc = cam_cli_authorize(&c->site.cfg, dir, act)) != 0)
		ctx_close(c);
	return rc;
}

static int load_since(struct ctx *c, struct cam_logbook *lb, time_t since,
    struct cam_err *e);

static int
load(struct ctx *c, struct cam_logbook *lb, struct cam_err *e)
{
	return load_since(c, lb, (time_t)-1, e);
}

/* The logbook from the volume holding since ((time_t)-1: all of it). */
static int
load_since(struct ctx *c, struct cam_logbook *lb, time_t since,
    struct cam_err *e)
{
	int rc;

	if (cam_setid_raise(e) == -1)
		return -1;
	rc = cam_logbook_load_since(lb, c->path, since, e);
	cam_setid_lower();
	return rc;
}

/* ---- text from arguments or standard input ---- */

/* argv joined by spaces, or standard input if argv is empty (one final
 * LF dropped).  Refused, never cut, when it is not fit for the logbook. */
static int
get_text(int argc, char **argv, struct cam_buf *b, struct cam_err *e)
{
	if (argc > 0) {
		for (int i = 0; i < argc; i++) {
			if (i > 0)
				cam_buf_add(b, " ", 1);
			cam_buf_adds(b, argv[i]);
		}
	} else {
		char chunk[4096];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0 &&
		    b->len <= CAM_LOGBOOK_TEXT_MAX + 1)
			cam_buf_add(b, chunk, n);
		if (ferror(stdin))
			return cam_err_sys(e, "standard input");
		if (b->len > 0 && b->s[b->len - 1] == '\n')
			b->len--;
		cam_buf_str(b);
		if (b->s != NULL)
			b->s[b->len] = '\0';
	}
	return cam_logbook_text_check(cam_buf_str(b), b->len, e);
}

/* ---- appending ---- */

static void
author(struct cam_buf *b, const struct ctx *c)
{
	cam_json_begin(b);
	/* The person who logged in, and the account when another. */
	cam_actor_json(b, "author", &c->actor);
}

static int
append(struct ctx *c, const char *kind, const char *data,
    struct cam_journal_rec *out, struct cam_err *e)
{
	struct cam_journal *j = NULL;
	int rc;

	if (cam_setid_raise(e) == -1)
		return -1;
	rc = cam_journal_open(&j, c->path, NULL, e);
	if (rc == 0)
		rc = cam_journal_append(j, kind, data, out, e);
	cam_journal_close(&j);
	cam_setid_lower();
	return rc;
}

/* Finish a verb that appended (or failed to): audit, print, status. */
static int
done(struct ctx *c, const char *object, int rc, struct cam_err *e,
    uint64_t seq)
{
	if (rc == -1) {
		audit(c, object, e->code == CAM_NO ? "refused" : "failed",
		    e->msg);
		ctx_close(c);
		return cam_cli_fail(e);
	}
	char what[32];
	snprintf(what, sizeof(what), "%" PRIu64, seq);
	audit(c, object != NULL ? object : what, "granted", NULL);
	printf("%" PRIu64 "\n", seq);
	ctx_close(c);
	return fflush(stdout) == 0 ? 0 : CAM_ENV;
}

static int
cmd_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "camera", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct cam_buf text = CAM_BUF_INIT, data = CAM_BUF_INIT;
	struct cam_journal_rec rec;
	const char *kind = "note", *camera = NULL;
	struct cam_err e;
	struct ctx c;
	int ch, rc;

	cam_err_clear(&e);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (ch) {
		case 'k': kind = optarg; break;
		case 'c': camera = optarg; break;
		default: return cam_cli_usage_error("add: bad option");
		}
	if (!cam_logbook_entry_kind(kind))
		return cam_cli_usage_error("add: unknown kind \"%s\": "
		    "suspicious, fault, incident, maintenance or note", kind);
	if ((rc = ctx_open(&c, "add", CAM_ACT_LOG_WRITE, 1)) != 0)
		return rc;
	rc = 0;
	if (camera != NULL && cam_config_camera(&c.site.cfg, camera) == NULL)
		rc = cam_errf(&e, CAM_NO, "add: no camera \"%s\" in the "
		    "configuration in force", camera);
	if (rc == 0)
		rc = get_text(argc - optind, argv + optind, &text, &e);
	if (rc == 0) {
		author(&data, &c);
		if (camera != NULL)
			cam_json_add_str(&data, "camera", camera);
		cam_json_add_str(&data, "text", cam_buf_str(&text));
		cam_json_end(&data);
		rc = append(&c, kind, cam_buf_str(&data), &rec, &e);
	}
	cam_buf_free(&text);
	cam_buf_free(&data);
	return done(&c, camera, rc, &e, rc == 0 ? rec.seq : 0);
}

static int
cmd_correct(int argc, char **argv)
{
	struct cam_buf text = CAM_BUF_INIT, data = CAM_BUF_INIT;
	const struct cam_logbook_entry *old;
	struct cam_logbook lb = { 0 };
	struct cam_journal_rec rec;
	struct cam_err e;
	struct ctx c;
	char *end;
	uint64_t seq;
	int rc;

	cam_err_clear(&e);
	if (argc < 2)
		return cam_cli_usage_error("correct: which entry?");
	errno = 0;
	seq = strtoull(argv[1], &end, 10);
	if (errno != 0 || *end != '\0' || seq == 0 || argv[1][0] == '-')
		return cam_cli_usage_error("correct: \"%s\" is not an entry "
		    "number", argv[1]);
	if ((rc = ctx_open(&c, "correct", CAM_ACT_LOG_WRITE, 1)) != 0)
		return rc;
	rc = load(&c, &lb, &e);
	if (rc == 0 && (old = cam_logbook_get(&lb, seq)) == NULL)
		rc = cam_errf(&e, CAM_NO, "correct: the logbook has no entry "
		    "%" PRIu64, seq);
	else if (rc == 0 && !cam_logbook_entry_kind(old->kind) &&
	    strcmp(old->kind, "correction") != 0)
		rc = cam_errf(&e, CAM_NO, "correct: entry %" PRIu64 " is a "
		    "%s record, not an entry a guard wrote", seq, old->kind);
	if (rc == 0)
		rc = get_text(argc - 2, argv + 2, &text, &e);
	if (rc == 0) {
		author(&data, &c);
		cam_json_add_uint(&data, "corrects", seq);
		cam_json_add_str(&data, "text", cam_buf_str(&text));
		cam_json_end(&data);
		rc = append(&c, "correction", cam_buf_str(&data), &rec, &e);
	}
	cam_logbook_free(&lb);
	cam_buf_free(&text);
	cam_buf_free(&data);
	return done(&c, argv[1], rc, &e, rc == 0 ? rec.seq : 0);
}

/* ---- shifts ---- */

/*
 * A shift change must see the logbook as it is when it appends: the
 * state is read, the record built, and the append made only if nobody
 * appended in between (the callback runs under the journal's lock);
 * otherwise read again.
 */
struct shift_op {
	uint64_t expect;	/* the head SEQ the record was built on */
	const char *data;
};

static int
shift_data(void *arg, uint64_t head_seq, const char *head,
    struct cam_buf *data, struct cam_err *e)
{
	struct shift_op *op = arg;

	(void)head;
	if (head_seq != op->expect)
		return cam_errf(e, CAM_OK, "retry");
	cam_buf_adds(data, op->data);
	return 0;
}

/* The site key, if this host has one: 0, 1 if it has none. */
static int
seal_logbook(struct ctx *c, struct cam_err *e)
{
	struct cam_sealer *s = NULL;
	struct cam_journal *j = NULL;
	char key[PATH_MAX], crt[PATH_MAX], key_dir[PATH_MAX], why[512];
	int rc;

	if (cam_secret_site_key(c->site.dir, key, crt, e) == -1)
		return -1;
	/* The directory the key is read from must be trusted whole. */
	snprintf(key_dir, sizeof(key_dir), "%s", key);
	*strrchr(key_dir, '/') = '\0';
	if (cam_setid_raise(e) == -1)
		return -1;
	if (!cam_setid_trusted_tree(key_dir, why, sizeof(why))) {
		cam_setid_lower();
		return cam_errf(e, CAM_NO, "refused: %s", why);
	}
	if (access(key, F_OK) == -1 && errno == ENOENT) {
		cam_setid_lower();
		cam_cli_msg("warning: logbook not sealed: this host has no "
		    "site key (%s)", key);
		return 1;
	}
	rc = cam_sealer_open(&s, key, crt, e);
	if (rc == 0)
		rc = cam_journal_open(&j, c->path, NULL, e);
	if (rc == 0)
		rc = cam_seal(j, CAM_LOGBOOK_FILE, s, c->site.dir, e);
	cam_journal_close(&j);
	cam_sealer_free(&s);
	cam_setid_lower();
	return rc;
}

static int
shift_start(struct ctx *c, struct cam_logbook *lb, struct cam_buf *data,
    struct cam_err *e)
{
	const struct cam_logbook_entry *open, *end;

	open = cam_logbook_get(lb, lb->open_shift);
	if (open != NULL)
		return cam_errf(e, CAM_NO, "shift start: the shift %s started "
		    "(entry %" PRIu64 ") is still open: it must be ended first "
		    "(camlog shift end)", open->author, open->seq);
	end = cam_logbook_get(lb, lb->handover);
	if (end != NULL && end->who != NULL &&
	    strcmp(end->who, c->actor.name) != 0)
		return cam_errf(e, CAM_NO, "shift start: entry %" PRIu64
		    " hands the shift over to %s, not to %s", end->seq,
		    end->who, c->actor.name);
	author(data, c);
	if (end != NULL) {
		cam_json_add_uint(data, "acknowledges", end->seq);
		cam_json_add_str(data, "from", end->author);
	}
	cam_json_end(data);
	return 0;
}

static int
shift_end(struct ctx *c, struct cam_logbook *lb, const char *to,
    const char *note, struct cam_buf *data, struct cam_err *e)
{
	const struct cam_logbook_entry *open;
	char why[256];

	open = cam_logbook_get(lb, lb->open_shift);
	if (open == NULL)
		return cam_errf(e, CAM_NO, "shift end: no shift is open "
		    "(camlog shift start begins one)");
	if (strcmp(open->author, c->actor.name) != 0 &&
	    !cam_policy_may(&c->site.cfg, &c->actor, CAM_ACT_SHIFT_TAKEOVER,
	    why, sizeof(why)))
		return cam_errf(e, CAM_NO, "shift end: the open shift is %s's "
		    "(entry %" PRIu64 "): only %s or an operator may end it",
		    open->author, open->seq, open->author);
	if (to != NULL) {
		struct cam_actor next = { 0 };
		snprintf(next.name, sizeof(next.name), "%s", to);
		if (!cam_policy_may(&c->site.cfg, &next, CAM_ACT_LOG_WRITE,
		    why, sizeof(why)))
			return cam_errf(e, CAM_NO, "shift end: cannot hand "
			    "over to %s: %s", to, why);
	}
	if (note != NULL && cam_logbook_text_check(note, strlen(note),
	    e) == -1)
		return cam_err_wrap(e, e, "shift end: note");
	author(data, c);
	cam_json_add_uint(data, "shift", open->seq);
	if (to != NULL)
		cam_json_add_str(data, "handover_to", to);
	if (note != NULL)
		cam_json_add_str(data, "note", note);
	cam_json_end(data);
	return 0;
}

static int
cmd_shift(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "handover-to", required_argument, NULL, 't' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct cam_buf data = CAM_BUF_INIT;
	struct cam_journal_rec rec;
	const char *to = NULL, *note = NULL;
	struct cam_journal *j = NULL;
	struct cam_err e;
	struct ctx c;
	int start, ch, rc;

	cam_err_clear(&e);
	if (argc < 2 || (strcmp(argv[1], "start") != 0 &&
	    strcmp(argv[1], "end") != 0))
		return cam_cli_usage_error("shift: start or end?");
	start = strcmp(argv[1], "start") == 0;
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (ch) {
		case 't': to = optarg; break;
		case 'n': note = optarg; break;
		default: return cam_cli_usage_error("shift: bad option");
		}
	if (start && (to != NULL || note != NULL))
		return cam_cli_usage_error("shift start: --handover-to and "
		    "--note belong to shift end");
	if (optind != argc)
		return cam_cli_usage_error("shift: unexpected argument \"%s\"",
		    argv[optind]);
	if ((rc = ctx_open(&c, start ? "shift start" : "shift end",
	    CAM_ACT_LOG_WRITE, start ? 1 : 2)) != 0)
		return rc;
	for (int tries = 0; ; tries++) {
		struct cam_logbook lb;
		struct shift_op op;

		cam_buf_free(&data);
		memset(&lb, 0, sizeof(lb));
		rc = load(&c, &lb, &e);
		if (rc == 0)
			rc = start ? shift_start(&c, &lb, &data, &e) :
			    shift_end(&c, &lb, to, note, &data, &e);
		op.expect = lb.n;
		op.data = cam_buf_str(&data);
		cam_logbook_free(&lb);
		if (rc == -1)
			break;
		if ((rc = cam_setid_raise(&e)) == -1)
			break;
		rc = cam_journal_open(&j, c.path, NULL, &e);
		if (rc == 0)
			rc = cam_journal_append_fn(j, start ? "shift-start" :
			    "shift-end", shift_data, &op, &rec, &e);
		cam_journal_close(&j);
		cam_setid_lower();
		if (rc == 0 || e.code != CAM_OK || tries == 20)
			break;
		cam_err_clear(&e);
	}
	cam_buf_free(&data);
	if (rc == -1 && e.code == CAM_OK)
		e.code = CAM_ENV;
	if (rc == 0 && !start && seal_logbook(&c, &e) == -1) {
		cam_cli_msg("warning: shift ended (entry %" PRIu64 ") but the "
		    "logbook was not sealed: %s", rec.seq, e.text);
		cam_err_clear(&e);
	}
	return done(&c, to, rc, &e, rc == 0 ? rec.seq : 0);
}

/* ---- reading ---- */

struct filter {
	time_t since, until;	/* 0: open */
	const char *kind;
	const char *camera;
};

static int
wanted(const struct filter *f, const struct cam_logbook_entry *en)
{
	if (f->since != 0 && en->time < f->since)
		return 0;
	if (f->until != 0 && en->time >= f->until)
		return 0;
	if (f->kind != NULL && strcmp(f->kind, en->kind) != 0)
		return 0;
	if (f->camera != NULL && (en->camera == NULL ||
	    strcmp(f->camera, en->camera) != 0))
		return 0;
	return 1;
}

/* The text on one line: LF and TAB shown as \n and \t. */
static void
print_flat(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\t')
			fputs("\\t", stdout);
		else
			putchar(*s);
}

static void
print_entry(const struct cam_logbook_entry *en, const char *zone)
{
	char t[64];

	if (cam_time_format_local(en->time, zone, t, sizeof(t)) == -1)
		cam_time_format_utc(en->time, t, sizeof(t));
	printf("%" PRIu64 "\t%s\t%s\t%s", en->seq, t,
	    en->author[0] != '\0' ? en->author : "-", en->kind);
	if (en->camera != NULL)
		printf("\t[%s]", en->camera);
	if (en->corrects != 0)
		printf("\t(corrects %" PRIu64 ")", en->corrects);
	if (strcmp(en->kind, "shift-start") == 0 && en->ref != 0)
		printf("\t(takes over from %s, entry %" PRIu64 ")",
		    en->who != NULL ? en->who : "?", en->ref);
	if (strcmp(en->kind, "shift-end") == 0 && en->who != NULL)
		printf("\t(hands over to %s)", en->who);
	if (en->text != NULL) {
		putchar('\t');
		print_flat(en->text);
	}
	if (en->corrected_by != 0)
		printf("\t(corrected by %" PRIu64 ")", en->corrected_by);
	putchar('\n');
}

static void
json_entry(struct cam_buf *b, const struct cam_logbook_entry *en,
    const char *zone)
{
	char t[64];

	cam_json_begin(b);
	cam_json_add_uint(b, "seq", en->seq);
	cam_time_format_utc(en->time, t, sizeof(t));
	cam_json_add_str(b, "time", t);
	if (cam_time_format_local(en->time, zone, t, sizeof(t)) == 0)
		cam_json_add_str(b, "local_time", t);
	cam_json_add_str(b, "host", en->host);
	cam_json_add_str(b, "kind", en->kind);
	if (en->corrected_by != 0)
		cam_json_add_uint(b, "corrected_by", en->corrected_by);
	cam_json_add_raw(b, "data", en->data);
	cam_json_end(b);
}

static int
parse_when(const char *s, const char *zone, time_t *t, const char *what)
{
	struct cam_err e;

	cam_err_clear(&e);
	if (cam_time_parse(s, zone, t, &e) == -1)
		return cam_cli_usage_error("list: %s: %s", what, e.text);
	return 0;
}

static int
cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "kind", required_argument, NULL, 'k' },
		{ "camera", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *since = NULL, *until = NULL;
	struct cam_buf b = CAM_BUF_INIT;
	struct filter f = { 0 };
	struct cam_logbook lb;
	struct cam_err e;
	struct ctx c;
	int ch, json = 0, rc, first = 1;

	cam_err_clear(&e);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (ch) {
		case 's': since = optarg; break;
		case 'u': until = optarg; break;
		case 'k': f.kind = optarg; break;
		case 'c': f.camera = optarg; break;
		case 'j': json = 1; break;
		default: return cam_cli_usage_error("list: bad option");
		}
	if (optind != argc)
		return cam_cli_usage_error("list: unexpected argument \"%s\"",
		    argv[optind]);
	if ((rc = ctx_open(&c, "list", CAM_ACT_LOG_READ, 0)) != 0)
		return rc;
	const char *zone = c.site.cfg.timezone;
	if ((since != NULL && (rc = parse_when(since, zone, &f.since,
	    "--since")) != 0) || (until != NULL && (rc = parse_when(until,
	    zone, &f.until, "--until")) != 0)) {
		ctx_close(&c);
		return rc;
	}
	if (load_since(&c, &lb, f.since != 0 ? f.since : (time_t)-1,
	    &e) == -1) {
		ctx_close(&c);
		return cam_cli_fail(&e);
	}
	if (json)
		cam_buf_adds(&b, "[");
	for (size_t i = 0; i < lb.n; i++) {
		if (!wanted(&f, &lb.e[i]))
			continue;
		if (!json) {
			print_entry(&lb.e[i], zone);
			continue;
		}
		if (!first)
			cam_buf_adds(&b, ",");
		cam_buf_adds(&b, "\n");
		json_entry(&b, &lb.e[i], zone);
		first = 0;
	}
	if (json) {
		cam_buf_adds(&b, "\n]\n");
		fputs(cam_buf_str(&b), stdout);
	}
	cam_buf_free(&b);
	cam_logbook_free(&lb);
	ctx_close(&c);
	return fflush(stdout) == 0 ? 0 : CAM_ENV;
}

static int
cmd_show(int argc, char **argv)
{
	const struct cam_logbook_entry *en;
	struct cam_logbook lb;
	struct cam_err e;
	struct ctx c;
	char t[64], *end;
	uint64_t seq;
	int rc;

	cam_err_clear(&e);
	if (argc != 2)
		return cam_cli_usage_error("show: which entry?");
	errno = 0;
	seq = strtoull(argv[1], &end, 10);
	if (errno != 0 || *end != '\0' || seq == 0 || argv[1][0] == '-')
		return cam_cli_usage_error("show: \"%s\" is not an entry "
		    "number", argv[1]);
	if ((rc = ctx_open(&c, "show", CAM_ACT_LOG_READ, 0)) != 0)
		return rc;
	if (load(&c, &lb, &e) == -1) {
		ctx_close(&c);
		return cam_cli_fail(&e);
	}
	if ((en = cam_logbook_get(&lb, seq)) == NULL) {
		cam_cli_msg("show: the logbook has no entry %" PRIu64
		    " (it has %zu)", seq, lb.n);
		cam_logbook_free(&lb);
		ctx_close(&c);
		return CAM_NO;
	}
	cam_time_format_human(en->time, c.site.cfg.timezone, t, sizeof(t));
	/* For a person: the labels in the reader's language (the kind is
	 * the logbook's own word, as camlog list and --json give it). */
	printf(_("entry:   %" PRIu64 "\nkind:    %s\ntime:    %s\n"
	    "host:    %s\n"), en->seq, en->kind, t, en->host);
	if (en->author[0] != '\0')
		printf(_("author:  %s\n"), en->author);
	if (en->camera != NULL)
		printf(_("camera:  %s\n"), en->camera);
	if (en->corrects != 0)
		printf(_("corrects: %" PRIu64 "\n"), en->corrects);
	for (size_t i = seq; i < lb.n; i++)
		if (lb.e[i].corrects == seq)
			printf(_("corrected by: %" PRIu64 " (%s)\n"),
			    lb.e[i].seq, lb.e[i].author);
	if (en->who != NULL)
		printf(strcmp(en->kind, "shift-end") == 0 ?
		    _("handover to: %s\n") : _("takes over from: %s\n"),
		    en->who);
	if (en->text != NULL)
		printf("\n%s\n", en->text);
	else
		printf(_("data:    %s\n"), en->data);
	cam_logbook_free(&lb);
	ctx_close(&c);
	return fflush(stdout) == 0 ? 0 : CAM_ENV;
}

static int
cmd_verify(int argc, char **argv)
{
	struct cam_seal_report rep;
	struct cam_trust *trust = NULL;
	struct cam_err e;
	struct ctx c;
	uint64_t unsealed = 0;
	time_t oldest = 0;
	int rc;

	cam_err_clear(&e);
	if (argc != 1)
		return cam_cli_usage_error("verify: unexpected argument "
		    "\"%s\"", argv[1]);
	if ((rc = ctx_open(&c, "verify", CAM_ACT_LOG_READ, 0)) != 0)
		return rc;
	memset(&rep, 0, sizeof(rep));
	rc = cam_site_trust(&c.site, &trust, &e);
	if (rc == 0 && (rc = cam_setid_raise(&e)) == 0) {
		if (access(c.path, F_OK) == -1 && errno == ENOENT)
			rc = cam_errf(&e, CAM_NO, "%s: no logbook yet",
			    c.path);
		else
			rc = cam_seal_verify(c.path, CAM_LOGBOOK_FILE, trust,
			    c.site.dir, c.site.cfg.timezone, &rep, &e);
		/* A logbook that should be sealed and is not is a finding. */
		if (rc == 0)
			rc = cam_audit_journals_unsealed(c.path, &rep,
			    &unsealed, &oldest, &e);
		cam_setid_lower();
	}
	if (rc == 0 && unsealed > 0 && oldest < time(NULL) - CAM_SEAL_GRACE) {
		char t[CAM_TIME_HUMAN_LEN];

		cam_time_format_human(oldest, c.site.cfg.timezone, t,
		    sizeof(t));
		rc = cam_errf(&e, CAM_NO, "%s: not sealed: %" PRIu64 " of %"
		    PRIu64 " records are covered by no seal, the oldest from "
		    "%s, more than %d hours ago (%" PRIu64 " seals; camctl "
		    "seal seals every journal)", c.path, unsealed, rep.records,
		    t, CAM_SEAL_GRACE / 3600, rep.seals);
	}
	cam_trust_free(&trust);
	if (rc == -1) {
		audit(&c, CAM_LOGBOOK_FILE, "failed", e.msg);
		ctx_close(&c);
		return cam_cli_fail(&e);
	}
	printf(unsealed ? _("%s: ok: %" PRIu64 " records, %" PRIu64 " seals "
	    "(the last covers record %" PRIu64 "), %" PRIu64 " witnessed; "
	    "the newest not sealed yet, within the seal interval\n") :
	    _("%s: ok: %" PRIu64 " records, %" PRIu64 " seals (the last "
	    "covers record %" PRIu64 "), %" PRIu64 " witnessed\n"), c.path,
	    rep.records, rep.seals, rep.sealed, rep.witnessed);
	audit(&c, CAM_LOGBOOK_FILE, "granted", NULL);
	ctx_close(&c);
	return fflush(stdout) == 0 ? 0 : CAM_ENV;
}

static int
cmd_audit_record(int argc, char **argv)
{
	return cam_cli_audit_record(argc, argv, dir);
}

/* What each verb does, for --help. */
static const struct cam_cli_help help[] = {
	{ "add", N_("write an entry in the logbook") },
	{ "shift", N_("start or end a duty shift (end: hand over to the next guard)") },
	{ "list", N_("read the logbook's entries") },
	{ "show", N_("show one entry and its corrections") },
	{ "correct", N_("correct an entry (the entry stays; the correction is added)") },
	{ "verify", N_("check that the logbook was not altered") },
};

static const struct cam_cli_verb verbs[] = {
	{ "add", cmd_add, 0 },
	{ "shift", cmd_shift, 1 },
	{ "list", cmd_list, 0 },
	{ "show", cmd_show, 0 },
	{ "correct", cmd_correct, 0 },
	{ "verify", cmd_verify, 0 },
	/* Internal, not in usage(): the audit trail's set-id helper for
	 * the other programs (camkit-journal(5)). */
	{ CAM_TRAIL_HELPER_VERB, cmd_audit_record, 0 },
};

int
main(int argc, char **argv)
{
	int rc;

	cam_cli_setup(prog, usage);
	/* First of all: if set-id, leave the caller's process behind and
	 * carry on as the service account alone (cam_setid.h). */
	if ((rc = cam_cli_setid()) != 0)
		return rc;
	cam_cli_describe(help, sizeof(help) / sizeof(help[0]));
	return cam_cli_run(argc, argv, verbs, sizeof(verbs) / sizeof(verbs[0]),
	    &dir);
}
