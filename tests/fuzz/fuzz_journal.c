/*
 * Journal text (camkit-journal(5)): every line through the record
 * parser (cam_journal_parse_line), then the whole input as a journal
 * file through cam_journal_verify and cam_journal_foreach (line
 * reading, SEQ and PREV chain, the "which record changed" diagnosis),
 * with a callback that reads DATA as the programs do.  The file is an
 * in-memory one (memfd), named by its /proc/self/fd path.
 */
#include "fuzz.h"

#include <stdio.h>
#include <unistd.h>

#include "base/cam_json.h"
#include "journal/cam_journal.h"

static int
each(void *arg, const struct cam_journal_rec *r)
{
	char buf[256];
	int64_t v;
	size_t *n = arg;

	if (r->seq != r->line || strlen(r->prev) != 64 ||
	    strlen(r->hash) != 64 || r->data[0] != '{')
		abort();
	(void)cam_json_get_str(r->data, "file", buf, sizeof(buf));
	(void)cam_json_get_int(r->data, "seq", &v);
	(*n)++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	struct cam_journal_verify v;
	struct cam_journal_rec r;
	struct cam_err e;
	const uint8_t *p = data, *end = data + size;
	char why[256];
	size_t n = 0;

	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		char *line = fuzz_cstr(p, len);

		memset(&r, 0, sizeof(r));
		if (cam_journal_parse_line(line, len, &r, why,
		    sizeof(why)) == 0 && (r.seq == 0 ||
		    strlen(r.prev) != 64 || r.host[0] == '\0' ||
		    r.kind[0] == '\0' || r.data[0] != '{'))
			abort();
		free(line);
		p += len + 1;
	}

	path = fuzz_file("journal", data, size);
	cam_err_clear(&e);
	if (cam_journal_verify(path, &v, &e) == 0 && v.bad_line != 0)
		abort();
	cam_err_clear(&e);
	if (cam_journal_foreach(path, each, &n, &e) == 0 &&
	    n != v.records)
		abort();
	return 0;
}
