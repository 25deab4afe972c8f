/*
 * Archive member lists: a tar read from memory with libarchive the way
 * camaudit verify reads an archive (tar formats only, every header,
 * every data block, sparse holes), each member name through
 * cam_archive_name_valid, and the custody record's bytes through
 * cam_json_check.
 */
#include "fuzz.h"

#include <archive.h>
#include <archive_entry.h>

#include "base/cam_json.h"
#include "evidence/cam_archive.h"

#define SMALL_MAX	(1 << 20)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct archive *a = archive_read_new();
	struct archive_entry *en;
	struct cam_err e;
	int r;

	if (a == NULL)
		abort();
	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, data, size) != ARCHIVE_OK)
		goto end;
	while ((r = archive_read_next_header(a, &en)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(en);
		const void *blk;
		size_t n, have = 0;
		la_int64_t at;
		char *small = NULL;

		if (name == NULL || !cam_archive_name_valid(name) ||
		    archive_entry_filetype(en) != AE_IFREG)
			continue;
		while ((r = archive_read_data_block(a, &blk, &n, &at)) ==
		    ARCHIVE_OK) {
			if (at < 0 || (uint64_t)at > SMALL_MAX ||
			    n > SMALL_MAX - (size_t)at)
				continue;
			small = realloc(small, (size_t)at + n + 1);
			if (small == NULL)
				abort();
			if ((size_t)at > have)
				memset(small + have, 0, (size_t)at - have);
			memcpy(small + at, blk, n);
			have = (size_t)at + n;
		}
		if (small != NULL && strcmp(name, "custody.json") == 0) {
			cam_err_clear(&e);
			(void)cam_json_check(small, have, &e);
		}
		free(small);
		if (r != ARCHIVE_EOF)
			break;
	}
end:
	archive_read_free(a);
	return 0;
}
