/*
 * Unit tests for cam_factory_creds: the factory-default credentials list (the
 * built-in one must parse), <empty> fields, matching, bad lines.
 */
#include <stdio.h>
#include <string.h>

#include "audit/cam_factory_creds.h"
#include "unit.h"

int
main(void)
{
	struct cam_factory_creds l;
	struct cam_err e;
	const struct cam_factory_cred *d;
	const char *text = "# comment\n\nacme\tadmin\t12345\n"
	    "acme\troot\t<empty>\r\nother\t<empty>\t<empty>\n";
	const char *bad = "acme\tadmin\n# fine\nacme\ta\tb\tc\nx\t\tp\n"
	    "acme\tadmin\t1\n";

	cam_err_clear(&e);
	CHECK(cam_factory_creds_builtin(&l, &e) == 0,
	    "the built-in list parses");
	CHECK(l.n > 50, "the built-in list is not short");
	CHECK((d = cam_factory_creds_match(&l, "admin", "12345")) != NULL &&
	    strcmp(d->vendor, "hikvision") == 0, "admin/12345 is hikvision's");
	CHECK(cam_factory_creds_match(&l, "admin", "") != NULL,
	    "admin/<empty>");
	CHECK(cam_factory_creds_match(&l, "root", "pass") != NULL, "root/pass");
	CHECK(cam_factory_creds_match(&l, "admin", "k7#Vq9!mZp2x") == NULL,
	    "a strong password is no default");
	CHECK(cam_factory_creds_match(&l, "admin", "123456789") == NULL,
	    "a longer password with a default's prefix is no default");
	cam_factory_creds_free(&l);

	cam_err_clear(&e);
	CHECK(cam_factory_creds_parse(&l, "f", text, strlen(text), &e) == 0,
	    "a list with comments, blank lines and CRLF");
	CHECK(l.n == 3, "three entries");
	CHECK(l.n == 3 && l.d[0].line == 3 && strcmp(l.d[1].pass, "") == 0 &&
	    strcmp(l.d[2].user, "") == 0, "<empty> is empty, lines counted");
	CHECK((d = cam_factory_creds_match(&l, "root", "")) != NULL &&
	    d->line == 4, "an empty password matches <empty>");
	CHECK(cam_factory_creds_match(&l, "root", "x") == NULL, "root/x: none");
	CHECK(cam_factory_creds_match(&l, "Admin", "12345") == NULL,
	    "user names compare with case");
	cam_factory_creds_free(&l);

	cam_err_clear(&e);
	CHECK(cam_factory_creds_parse(&l, "f", bad, strlen(bad), &e) == -1,
	    "bad lines refused");
	CHECK(strstr(e.msg, "f:1: want vendor<TAB>user<TAB>password") != NULL &&
	    strstr(e.msg, "f:3: ") != NULL && strstr(e.msg, "f:4: ") != NULL &&
	    strstr(e.msg, "f:5") == NULL, "every bad line named, no other");
	CHECK(l.n == 0 && l.d == NULL, "nothing kept from a bad list");
	return UNIT_END();
}
