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
#include <stdlib.h>
#include <string.h>

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

#endif
