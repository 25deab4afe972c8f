/*
 * JSON handed to camkit: custody records (custody.json of an archive),
 * journal DATA, camrec status.  cam_json_check over the raw bytes, then
 * the member readers, with the keys camkit asks for and with buffers
 * too small for the value.
 */
#include "fuzz.h"

#include "base/cam_json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "file", "sha256", "seq", "at",
	    "request", "clip", "from", "to", "camera", "size", "", "a\"b",
	    "\xc3\xa9", "k" };
	static const size_t lens[] = { 0, 1, 8, 65, 4096 };
	struct cam_err e;
	char *s, *buf;
	int64_t v;
	int ok;

	cam_err_clear(&e);
	(void)cam_json_check((const char *)data, size, &e);
	/* The readers take a C string: what they see ends at a NUL. */
	s = fuzz_cstr(data, size);
	ok = cam_json_check(s, strlen(s), &e) == 0;
	buf = malloc(4096);
	if (buf == NULL)
		abort();
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
			if (cam_json_get_str(s, keys[k], buf, lens[l]) == 0 &&
			    (!ok || strlen(buf) >= lens[l]))
				abort();
		if (cam_json_get_int(s, keys[k], &v) == 0 && !ok)
			abort();
	}
	free(buf);
	free(s);
	return 0;
}
