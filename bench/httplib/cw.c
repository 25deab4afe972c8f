/* bench/httplib: civetweb (OpenSSL) serving one 100 KB asset over TLS. */
#define _GNU_SOURCE
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <civetweb.h>
#include <openssl/ssl.h>

static char asset[100 * 1024];

static int
h(struct mg_connection *c, void *a)
{
	(void)a;
	mg_response_header_start(c, 200);
	mg_response_header_add(c, "Content-Type", "text/javascript", -1);
	mg_response_header_add(c, "Content-Length", "102400", -1);
	mg_response_header_send(c);
	mg_write(c, asset, sizeof asset);
	return 200;
}

/* Debian's civetweb 1.15 with OpenSSL 3: see lib/view/cam_http.c. */
static int
fix(struct dl_phdr_info *i, size_t sz, void *arg)
{
	uintptr_t lo = UINTPTR_MAX, hi = 0, *w;
	(void)sz; (void)arg;
	if (strstr(i->dlpi_name, "libcivetweb.so") == NULL)
		return 0;
	for (int k = 0; k < i->dlpi_phnum; k++) {
		const ElfW(Phdr) *p = &i->dlpi_phdr[k];
		uintptr_t a = i->dlpi_addr + p->p_vaddr;
		if (p->p_type != PT_LOAD)
			continue;
		lo = a < lo ? a : lo;
		hi = a + p->p_memsz > hi ? a + p->p_memsz : hi;
	}
	for (int k = 0; k < i->dlpi_phnum; k++) {
		const ElfW(Phdr) *p = &i->dlpi_phdr[k];
		if (p->p_type != PT_LOAD || !(p->p_flags & PF_W))
			continue;
		w = (uintptr_t *)(i->dlpi_addr + p->p_vaddr);
		for (size_t j = 0; j + 2 < p->p_memsz / sizeof *w; j++)
			if (w[j] >= lo && w[j] + 25 <= hi && w[j + 2] == 0 &&
			    strcmp((char *)w[j], "SSL_get_peer_certificate") == 0)
				w[j + 2] = (uintptr_t)SSL_get1_peer_certificate;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *o[] = { "listening_ports", NULL, "ssl_certificate", NULL,
	    "num_threads", "64", "enable_keep_alive", "yes",
	    "ssl_protocol_version", "4", NULL };
	struct mg_callbacks cb;
	struct mg_context *ctx;
	char port[32];
	sigset_t s;
	int sig;

	if (argc != 3)
		return 2;
	memset(asset, 'a', sizeof asset);
	snprintf(port, sizeof port, "127.0.0.1:%ss", argv[1]);
	o[1] = port;
	o[3] = argv[2];		/* key and certificate, one PEM file */
	memset(&cb, 0, sizeof cb);
	mg_init_library(MG_FEATURES_TLS);
	dl_iterate_phdr(fix, NULL);
	if ((ctx = mg_start(&cb, NULL, o)) == NULL)
		return 1;
	mg_set_request_handler(ctx, "/", h, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	sigprocmask(SIG_BLOCK, &s, NULL);
	puts("ready");
	fflush(stdout);
	sigwait(&s, &sig);
	mg_stop(ctx);
	return 0;
}
