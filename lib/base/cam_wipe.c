/*
 * cam_wipe: see cam_wipe.h.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/cam_wipe.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CAM_WIPE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(thread_sanitizer)
#define CAM_WIPE 0
#endif
#endif
#if !defined(CAM_WIPE) && defined(__GLIBC__)
#define CAM_WIPE 1
#endif
#ifndef CAM_WIPE
#define CAM_WIPE 0
#endif

#if CAM_WIPE
/* glibc's own, which these stand in front of. */
extern void __libc_free(void *);
extern void *__libc_realloc(void *, size_t);

void
free(void *p)
{
	if (p != NULL) {
		explicit_bzero(p, malloc_usable_size(p));
		__libc_free(p);
	}
}

void *
realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	old = malloc_usable_size(p);
	if (n <= old) {
		/* The block stays as it is unless it halves, so that the
		 * slack left by the growth below serves the next appends:
		 * what the caller gave up stays inside a live block, and is
		 * wiped with it by free().  A block that halves is shrunk
		 * (glibc does it in place and frees the tail): the tail is
		 * wiped first. */
		if (n >= old / 2)
			return p;
		explicit_bzero((char *)p + n, old - n);
		return __libc_realloc(p, n);
	}
	/* Moved by hand, so that no unwiped copy is left behind, and
	 * grown by half as much again: a caller that grows an array one
	 * element at a time then copies it O(log n) times, not n times
	 * (glibc's own realloc often grows in place; this one cannot). */
	size_t want = n + n / 2 > n ? n + n / 2 : n;
	if ((q = malloc(want)) == NULL && (q = malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, old);
	free(p);
	return q;
}

void *
reallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	/* A size of 0 does as glibc's: it frees p (or allocates 0 bytes). */
	/* NOLINTNEXTLINE(clang-analyzer-optin.portability.UnixAPI) */
	return realloc(p, n * size);
}
#endif

int
cam_wipe_active(void)
{
	return CAM_WIPE;
}
