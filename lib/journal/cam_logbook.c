/*
 * cam_logbook: read the logbook and work out its shifts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/cam_json.h"
#include "base/cam_util.h"
#include "journal/cam_journal.h"
#include "journal/cam_logbook.h"

static const char *const entry_kinds[] = {
	"suspicious", "fault", "incident", "maintenance", "note", NULL,
};

int
cam_logbook_entry_kind(const char *kind)
{
	for (size_t i = 0; entry_kinds[i] != NULL; i++)
		if (strcmp(kind, entry_kinds[i]) == 0)
			return 1;
	return 0;
}

/* What is wrong with a guard's text, in both languages: 1 if nothing. */
static int
text_check(const char *text, size_t len, struct cam_msg *why)
{
	size_t start = 0, line = 1;

	if (len == 0 || strspn(text, " \t\n") == len) {
		cam_msg_format(why, "the text is empty");
		return 0;
	}
	if (len > CAM_LOGBOOK_TEXT_MAX) {
		cam_msg_format(why, "the text is %zu bytes long, more than the "
		    "%d an entry may hold: nothing was written", len,
		    CAM_LOGBOOK_TEXT_MAX);
		return 0;
	}
	if (memchr(text, '\0', len) != NULL) {
		cam_msg_format(why, "the text holds a NUL byte");
		return 0;
	}
	/* Line by line: LF separates lines, the rest must be clean. */
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		if (!cam_utf8_clean(text + start, i - start, 1)) {
			cam_msg_format(why, "line %zu of the text is not valid "
			    "UTF-8 or holds a control character", line);
			return 0;
		}
		start = i + 1;
		line++;
	}
	return 1;
}

int
cam_logbook_text_ok(const char *text, size_t len, char *why, size_t wl)
{
	struct cam_msg m;

	if (text_check(text, len, &m))
		return 1;
	snprintf(why, wl, "%s", m.en);
	return 0;
}

int
cam_logbook_text_check(const char *text, size_t len, struct cam_err *e)
{
	struct cam_msg m;

	if (text_check(text, len, &m))
		return 0;
	return cam_err_pair(e, CAM_NO, 0, m.en, m.text);
}

/* A string member, copied; NULL if absent. */
static char *
get_str(const char *json, const char *key)
{
	char *buf = malloc(CAM_JOURNAL_LINE_MAX);
	char *s = NULL;

	if (buf != NULL && cam_json_get_str(json, key, buf,
	    CAM_JOURNAL_LINE_MAX) == 0)
		s = strdup(buf);
	free(buf);
	return s;
}

static uint64_t
get_seq(const char *json, const char *key)
{
	int64_t v;

	return cam_json_get_int(json, key, &v) == 0 && v > 0 ?
	    (uint64_t)v : 0;
}

static int
load_cb(void *arg, const struct cam_journal_rec *r)
{
	struct cam_logbook *lb = arg;
	struct cam_logbook_entry *en, *p;

	p = realloc(lb->e, (lb->n + 1) * sizeof(*lb->e));
	if (p == NULL)
		return -2;
	lb->e = p;
	en = &lb->e[lb->n++];
	memset(en, 0, sizeof(*en));
	en->seq = r->seq;
	en->time = r->time;
	en->host = strdup(r->host);
	en->kind = strdup(r->kind);
	en->data = strdup(r->data);
	en->author = get_str(r->data, "author");
	if (en->author == NULL)
		en->author = strdup("");
	en->camera = get_str(r->data, "camera");
	en->text = get_str(r->data, "text");
	if (en->text == NULL)
		en->text = get_str(r->data, "note");
	if (en->host == NULL || en->kind == NULL || en->data == NULL ||
	    en->author == NULL)
		return -2;
	if (strcmp(r->kind, "correction") == 0) {
		en->corrects = get_seq(r->data, "corrects");
		if (en->corrects > 0 && en->corrects < en->seq)
			lb->e[en->corrects - 1].corrected_by = en->seq;
	} else if (strcmp(r->kind, "shift-start") == 0) {
		en->ref = get_seq(r->data, "acknowledges");
		en->who = get_str(r->data, "from");
		lb->open_shift = en->seq;
		lb->handover = 0;
	} else if (strcmp(r->kind, "shift-end") == 0) {
		en->ref = get_seq(r->data, "shift");
		en->who = get_str(r->data, "handover_to");
		lb->open_shift = 0;
		lb->handover = en->seq;
	}
	return 0;
}

int
cam_logbook_load(struct cam_logbook *lb, const char *path,
    struct cam_err *e)
{
	return cam_logbook_load_since(lb, path, (time_t)-1, e);
}

int
cam_logbook_load_since(struct cam_logbook *lb, const char *path,
    time_t since, struct cam_err *e)
{
	struct stat st;
	int rc;

	memset(lb, 0, sizeof(*lb));
	if (stat(path, &st) == -1 && errno == ENOENT)
		return 0;
	rc = since == (time_t)-1 ? cam_journal_foreach(path, load_cb, lb, e) :
	    cam_journal_foreach_since(path, since, load_cb, lb, e);
	if (rc == -2)
		rc = cam_errf(e, CAM_ENV, "%s: out of memory", path);
	if (rc != 0)
		cam_logbook_free(lb);
	return rc == 0 ? 0 : -1;
}

void
cam_logbook_free(struct cam_logbook *lb)
{
	for (size_t i = 0; i < lb->n; i++) {
		free(lb->e[i].host);
		free(lb->e[i].kind);
		free(lb->e[i].data);
		free(lb->e[i].author);
		free(lb->e[i].camera);
		free(lb->e[i].text);
		free(lb->e[i].who);
	}
	free(lb->e);
	memset(lb, 0, sizeof(*lb));
}

const struct cam_logbook_entry *
cam_logbook_get(const struct cam_logbook *lb, uint64_t seq)
{
	return seq >= 1 && seq <= lb->n ? &lb->e[seq - 1] : NULL;
}
