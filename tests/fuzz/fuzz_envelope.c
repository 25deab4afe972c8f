/*
 * Encrypted archives: the head of a CMS EnvelopedData (BER or DER) as
 * cam_archive_envelope reads it before anything is decrypted: camkit's
 * own BER walk up to the encrypted content, then OpenSSL on that head,
 * then the recipients listed.  The input is an in-memory file (memfd)
 * named by its /proc/self/fd path.
 */
#include "fuzz.h"

#include <stdio.h>
#include <unistd.h>

#include "evidence/cam_archive.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	struct cam_envelope env;
	struct cam_err e;

	path = fuzz_file("envelope", data, size);
	cam_err_clear(&e);
	if (cam_archive_envelope(path, &env, &e) == 1)
		for (size_t i = 0; i < env.n; i++)
			if (strlen(env.r[i].kind) >= sizeof(env.r[i].kind))
				abort();
	cam_archive_envelope_free(&env);
	return 0;
}
