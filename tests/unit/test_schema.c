/*
 * Unit tests for cam_schema: every problem reported at its node, all at
 * once, and the values read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/cam_schema.h"
#include "base/cam_yaml.h"
#include "unit.h"

static struct cam_ydoc doc;
static struct cam_err e;

static int
parse(const char *text)
{
	cam_yaml_free(&doc);
	cam_err_clear(&e);
	return cam_yaml_parse(&doc, "s.yaml", text, strlen(text), &e);
}

static int
quiet(const char *key)
{
	return strcasecmp(key, "password") == 0;
}

static void
test_map(void)
{
	static const char *const keys[] = { "a", "b", NULL };
	struct cam_schema s = { &doc, &e, 0, NULL };

	CHECK(parse("a: 1\nzz: 2\npassword: x\n") == 0, "parse");
	CHECK(cam_schema_map(&s, doc.root, "the file", keys) == 1,
	    "a mapping");
	CHECK(s.bad == 2, "two unknown keys");
	CHECK_STR(e.msg, "s.yaml:2:1: unknown key \"zz\" in the file\n"
	    "s.yaml:3:1: unknown key \"password\" in the file",
	    "unknown keys, each at its line");
	cam_err_clear(&e);
	s.bad = 0;
	s.quiet_key = quiet;
	cam_schema_map(&s, doc.root, "the file", keys);
	CHECK(s.bad == 1, "a quiet key is not reported");
	cam_err_clear(&e);
	CHECK(cam_schema_map(&s, cam_yaml_get(doc.root, "a"), "a", keys) == 0,
	    "a scalar is not a mapping");
	CHECK_STR(e.msg, "s.yaml:1:4: a must be a mapping, not a scalar",
	    "not a mapping");
	CHECK(parse("a: ~\nb: null\nc: \"\"\nd: []\n") == 0, "parse nulls");
	CHECK(cam_schema_null(cam_yaml_get(doc.root, "a")) &&
	    cam_schema_null(cam_yaml_get(doc.root, "b")) &&
	    cam_schema_null(cam_yaml_get(doc.root, "zz")), "nulls");
	CHECK(!cam_schema_null(cam_yaml_get(doc.root, "c")),
	    "a quoted empty string is not null");
	CHECK_STR(cam_schema_type(cam_yaml_get(doc.root, "d")), "a list",
	    "type name");
}

static void
test_values(void)
{
	struct cam_schema s = { &doc, &e, 0, NULL };
	char *v;
	int b = 7, n = 7;

	CHECK(parse("name: Cổng\nlong: abcdef\nlist: [x]\nnote: |\n"
	    "  one\n  two\tthree\nyes: true\nno: \"false\"\nn: 42\n"
	    "big: 99\n") == 0, "parse values");
	v = cam_schema_str(&s, doc.root, "name", "site", 1, 64, 0);
	CHECK_STR(v, "Cổng", "a string");
	free(v);
	v = cam_schema_str(&s, doc.root, "note", "", 0, 64, 1);
	CHECK_STR(v, "one\ntwo\tthree\n", "multiline text");
	free(v);
	CHECK(s.bad == 0 && e.msg[0] == '\0', "nothing reported");
	CHECK(cam_schema_str(&s, doc.root, "missing", "site", 1, 64, 0) ==
	    NULL && cam_schema_str(&s, doc.root, "long", "", 0, 5, 0) ==
	    NULL && cam_schema_str(&s, doc.root, "list", "x", 0, 64, 0) ==
	    NULL && cam_schema_str(&s, doc.root, "note", "x", 0, 64, 0) ==
	    NULL, "bad strings");
	CHECK_STR(e.msg, "s.yaml:1:1: site: \"missing\" is required\n"
	    "s.yaml:2:7: \"long\" is longer than 5 bytes\n"
	    "s.yaml:3:7: x: \"list\" must be a string, not a list\n"
	    "s.yaml:4:7: x: \"note\" has control characters or invalid UTF-8",
	    "every problem, each at its node");
	cam_err_clear(&e);
	s.bad = 0;
	cam_schema_bool(&s, doc.root, "yes", "policy", &b);
	CHECK(b == 1 && s.bad == 0, "true");
	cam_schema_bool(&s, doc.root, "no", "policy", &b);
	CHECK(b == 1 && s.bad == 1, "a quoted boolean is a string");
	cam_schema_int(&s, doc.root, "n", "storage", 1, 50, &n);
	CHECK(n == 42 && s.bad == 1, "a whole number");
	cam_schema_int(&s, doc.root, "big", "storage", 1, 50, &n);
	CHECK(n == 42 && s.bad == 2, "out of range");
	CHECK_STR(e.msg, "s.yaml:8:5: policy: \"no\" must be true or false\n"
	    "s.yaml:10:6: storage: \"big\" must be a whole number from 1 to "
	    "50, not \"99\"", "typed values");
}

int
main(void)
{
	test_map();
	test_values();
	cam_yaml_free(&doc);
	return UNIT_END();
}
