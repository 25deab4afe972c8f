/* bench/httplib: libmicrohttpd (GnuTLS) serving one 100 KB asset over
 * TLS, a thread per connection as camview would need for its streams. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

static char asset[100 * 1024];

static enum MHD_Result
h(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *data, size_t *size, void **ptr)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls; (void)url; (void)method; (void)version; (void)data;
	(void)size; (void)ptr;
	r = MHD_create_response_from_buffer(sizeof asset, asset,
	    MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "text/javascript");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[2][16384];
	static int n;
	size_t len;

	if (f == NULL)
		exit(1);
	len = fread(buf[n], 1, sizeof buf[n] - 1, f);
	buf[n][len] = '\0';
	fclose(f);
	return buf[n++];
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	sigset_t s;
	int sig;

	if (argc != 4)
		return 2;
	memset(asset, 'a', sizeof asset);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS,
	    (unsigned short)atoi(argv[1]), NULL, NULL, h, NULL,
	    MHD_OPTION_HTTPS_MEM_KEY, slurp(argv[2]),
	    MHD_OPTION_HTTPS_MEM_CERT, slurp(argv[3]), MHD_OPTION_END);
	if (d == NULL)
		return 1;
	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	sigprocmask(SIG_BLOCK, &s, NULL);
	puts("ready");
	fflush(stdout);
	sigwait(&s, &sig);
	MHD_stop_daemon(d);
	return 0;
}
