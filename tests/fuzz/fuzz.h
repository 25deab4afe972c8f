/*
 * Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): each one
 * defines LLVMFuzzerTestOneInput, feeds its bytes to one parser of
 * untrusted input and frees everything it got back, so that the leak
 * checker sees any path that forgets to.
 */
#ifndef CAM_FUZZ_H
#define CAM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a C string (cut at its first NUL), malloc'd. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The input as the whole content of an in-memory file (memfd, made
 * once per process and named NAME), for parsers that take a path: its
 * /proc/self/fd path, valid until the next call. */
static inline const char *
fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];

	if (fd == -1) {
		if ((fd = memfd_create(name, 0)) == -1)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	return path;
}

#endif
