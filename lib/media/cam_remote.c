/*
 * cam_remote: where a site's objects go in the S3 store (cam_remote.h),
 * and a connection made from the replication: section.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cam_s3.h"
#include "media/cam_remote.h"
#include "site/cam_secret.h"

void
cam_remote_key_footage(struct cam_buf *out, const char *prefix,
    const char *host, const char *file)
{
	cam_buf_addf(out, "%s%s/%s", prefix, host, file);
}

void
cam_remote_key_chunk(struct cam_buf *out, const char *prefix,
    const char *host, const char *name, uint64_t first, uint64_t last)
{
	cam_buf_addf(out, "%s%s/journals/%s/%020" PRIu64 "-%020" PRIu64,
	    prefix, host, name, first, last);
}

void
cam_remote_key_evidence(struct cam_buf *out, const char *prefix,
    const char *host, const char *file)
{
	cam_buf_addf(out, "%s%s/evidence/%s", prefix, host, file);
}

int
cam_remote_chunk_parse(const char *key, uint64_t *first, uint64_t *last)
{
	const char *b = strrchr(key, '/');

	b = b != NULL ? b + 1 : key;
	if (strlen(b) != 41 || b[20] != '-' || strspn(b, "0123456789") != 20 ||
	    strspn(b + 21, "0123456789") != 20)
		return -1;
	*first = strtoull(b, NULL, 10);
	*last = strtoull(b + 21, NULL, 10);
	return *first >= 1 && *first <= *last ? 0 : -1;
}

/* A connection to the store of cfg with these keys. */
static int
connect_with(struct cam_s3 **s, const struct cam_config *cfg, char **user,
    char **pass, struct cam_err *e)
{
	const struct cam_replication *r = &cfg->repl;
	struct cam_s3_conf c = {
		.endpoint = r->endpoint,
		.region = r->region,
		.access = *user,
		.secret = *pass,
		.ca_file = r->ca_file,
		.max_rate = r->max_rate,
	};
	int rc = cam_s3_open(s, &c, e);

	cam_secret_free(user);
	cam_secret_free(pass);
	return rc;
}

static int
no_store(struct cam_err *e)
{
	return cam_errf(e, CAM_USAGE, "no replication: section in "
	    "camkit.yaml: the site has no object store (see "
	    "camkit-replication(7))");
}

int
cam_remote_open(struct cam_s3 **s, const struct cam_config *cfg,
    const char *confdir, struct cam_err *e)
{
	const struct cam_replication *r = &cfg->repl;
	char *user = NULL, *pass = NULL;
	struct cam_err inner;

	*s = NULL;
	if (r->endpoint == NULL)
		return no_store(e);
	cam_err_clear(&inner);
	/* systemd's LoadCredential first, as for the site key. */
	if (cam_secret_read_loaded(confdir, r->credential, r->credential,
	    &user, &pass, &inner) == -1)
		return cam_err_wrap(e, &inner, "the object store's credential "
		    "\"%s\"", r->credential);
	return connect_with(s, cfg, &user, &pass, e);
}

int
cam_remote_open_with(struct cam_s3 **s, const struct cam_config *cfg,
    const char *credfile, struct cam_err *e)
{
	char *user = NULL, *pass = NULL;

	*s = NULL;
	if (cfg->repl.endpoint == NULL)
		return no_store(e);
	if (cam_secret_read_file(credfile, &user, &pass, e) == -1)
		return -1;
	return connect_with(s, cfg, &user, &pass, e);
}
