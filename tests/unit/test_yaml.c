/*
 * Unit tests for cam_yaml (positions, refusals, text edits), cam_schema
 * (every problem at its node, all at once, the values read) and the pure
 * parts of cam_config (ids, URLs, sizes, roles, firmware versions, the
 * approved-cameras policy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/cam_crypto.h"
#include "base/cam_schema.h"
#include "base/cam_yaml.h"
#include "site/cam_config.h"
#include "unit.h"

static struct cam_ydoc doc;
static struct cam_err e;

static int
parse(const char *text)
{
	cam_yaml_free(&doc);
	cam_err_clear(&e);
	return cam_yaml_parse(&doc, "t.yaml", text, strlen(text), &e);
}

static int
reparse(void)
{
	struct cam_ydoc old = doc;
	int rc;

	memset(&doc, 0, sizeof(doc));
	rc = parse(old.text.s);
	cam_yaml_free(&old);
	return rc;
}

static void
test_parse(void)
{
	CHECK(parse("a: 1\nb: [x, y]\nc: {d: e}\n") == 0, "parse a mapping");
	CHECK(doc.root->type == CAM_Y_MAP && doc.root->n == 3, "three keys");
	struct cam_ynode *b = cam_yaml_get(doc.root, "b");
	CHECK(b && b->type == CAM_Y_SEQ && b->n == 2 && b->flow, "flow list");
	CHECK(b->start.line == 2 && b->start.col == 4, "list position");
	CHECK(cam_yaml_get(doc.root, "a")->plain, "plain scalar");
	CHECK(parse("a: \"1\"\n") == 0 && !cam_yaml_get(doc.root, "a")->plain,
	    "quoted scalar is not plain");

	CHECK(parse("a: 1\na: 2\n") == -1, "duplicate key refused");
	CHECK_STR(e.msg, "t.yaml:2:1: duplicate key \"a\"", "duplicate key msg");
	CHECK(parse("a: &x 1\nb: *x\n") == -1, "anchor refused");
	CHECK(strstr(e.msg, "anchors and aliases") != NULL, "anchor msg");
	CHECK(parse("a: !!str 1\n") == -1, "tag refused");
	CHECK(parse("--- 1\n--- 2\n") == -1, "two documents refused");
	CHECK(parse("a: [1\n") == -1, "syntax error");
	CHECK(strncmp(e.msg, "t.yaml:", 7) == 0, "syntax error names file");
	CHECK(parse("") == 0 && doc.root == NULL, "empty document");
	CHECK(parse("a: \"x\\0y\"\n") == -1, "NUL in a value refused");
	CHECK(parse("? [a]\n: 1\n") == -1, "non-scalar key refused");

	char deep[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	for (int i = 0; i < 40; i++)
		strcat(deep, "]");
	CHECK(parse(deep) == -1 && strstr(e.msg, "nested too deeply"),
	    "deep nesting refused");

	/* Columns are characters, offsets bytes. */
	CHECK(parse("tên: \"Cổng\"\nx: 1\n") == 0, "UTF-8 keys");
	struct cam_ynode *v = cam_yaml_get(doc.root, "tên");
	CHECK(v && v->start.col == 6 && v->start.off == 6, "UTF-8 position");
	CHECK_STR(v->value, "Cổng", "UTF-8 value");
}

static void
test_edits(void)
{
	const char *text =
	    "# head\n"
	    "site:\n"
	    "  name: Old   # keep me\n"
	    "cameras:\n"
	    "  - id: a\n"
	    "    url: u1\n"
	    "  # between\n"
	    "  - id: b\n"
	    "    url: u2\n"
	    "users: {}\n"
	    "list: []\n"
	    "tail: 1\n";

	CHECK(parse(text) == 0, "parse edit fixture");
	cam_yaml_replace(&doc, cam_yaml_get(cam_yaml_get(doc.root, "site"),
	    "name"), "\"Mới\"");
	CHECK(strstr(doc.text.s, "  name: \"Mới\"   # keep me\n") != NULL,
	    "replace keeps the comment");
	CHECK(reparse() == 0, "reparse after replace");

	struct cam_ynode *site = cam_yaml_get(doc.root, "site");
	CHECK(cam_yaml_map_set(&doc, site, "host", "rec1", &e) == 0 &&
	    reparse() == 0, "add a key to a block mapping");
	CHECK(strstr(doc.text.s, "# keep me\n  host: rec1\ncameras:") != NULL,
	    "new key after the last one, same indent");

	struct cam_ynode *cams = cam_yaml_get(doc.root, "cameras");
	CHECK(cam_yaml_seq_append(&doc, cams, "id: c\nurl: u3\n", &e) == 0 &&
	    reparse() == 0, "append to a block list");
	CHECK(strstr(doc.text.s, "    url: u2\n  - id: c\n    url: u3\nusers:")
	    != NULL, "appended item indented like its siblings");

	cams = cam_yaml_get(doc.root, "cameras");
	CHECK(cam_yaml_seq_remove(&doc, cams, 0, &e) == 0 && reparse() == 0,
	    "remove the first item");
	CHECK(strstr(doc.text.s, "id: a") == NULL &&
	    strstr(doc.text.s, "cameras:\n  # between\n  - id: b") != NULL,
	    "only its lines went");

	struct cam_ynode *users = cam_yaml_get(doc.root, "users");
	CHECK(cam_yaml_map_set(&doc, users, "lan", "[guard]", &e) == 0 &&
	    reparse() == 0, "add to an empty flow mapping");
	CHECK(strstr(doc.text.s, "users:\n  lan: [guard]\nlist:") != NULL,
	    "empty {} becomes a block");
	users = cam_yaml_get(doc.root, "users");
	CHECK(cam_yaml_map_remove(&doc, users, 0, &e) == 0 && reparse() == 0,
	    "remove the only pair");
	CHECK(strstr(doc.text.s, "users: {}\nlist:") != NULL,
	    "emptied mapping is {} again");

	struct cam_ynode *list = cam_yaml_get(doc.root, "list");
	CHECK(cam_yaml_seq_append(&doc, list, "x\n", &e) == 0 &&
	    reparse() == 0, "append to an empty flow list");
	CHECK(strstr(doc.text.s, "list:\n  - x\ntail: 1\n") != NULL,
	    "empty [] becomes a block");
	CHECK(strncmp(doc.text.s, "# head\n", 7) == 0, "head comment kept");

	/* Flow collections. */
	CHECK(parse("r: [a, b, c]\nm: {x: 1, y: 2}\n") == 0, "flow fixture");
	CHECK(cam_yaml_seq_remove(&doc, cam_yaml_get(doc.root, "r"), 1,
	    &e) == 0 && reparse() == 0, "remove from a flow list");
	CHECK(strstr(doc.text.s, "r: [a, c]") != NULL, "flow list item gone");
	CHECK(cam_yaml_seq_append(&doc, cam_yaml_get(doc.root, "r"), "d",
	    &e) == 0 && reparse() == 0, "append to a flow list");
	CHECK(strstr(doc.text.s, "r: [a, c, d]") != NULL, "flow list grown");
	CHECK(cam_yaml_map_set(&doc, cam_yaml_get(doc.root, "m"), "z", "3",
	    &e) == 0 && reparse() == 0, "add to a flow mapping");
	CHECK(strstr(doc.text.s, "m: {x: 1, y: 2, z: 3}") != NULL,
	    "flow mapping grown");
	CHECK(cam_yaml_map_remove(&doc, cam_yaml_get(doc.root, "m"), 2,
	    &e) == 0 && reparse() == 0, "remove the last flow pair");
	CHECK(strstr(doc.text.s, "m: {x: 1, y: 2}") != NULL, "flow pair gone");

	/* A key with no value. */
	CHECK(parse("a:\nb: 1\n") == 0, "null value fixture");
	cam_yaml_replace(&doc, cam_yaml_get(doc.root, "a"), "5");
	CHECK(reparse() == 0 && strcmp(doc.text.s, "a: 5\nb: 1\n") == 0,
	    "null value replaced on its own line");
}

static void
test_quote(void)
{
	struct cam_buf b = CAM_BUF_INIT;
	const char *cases[] = { "plain", "true", "No", "30s", "a: b", "x\"y",
	    "tab\there", "Cổng chính", "-x", "#c", "null", "", "line\nnext" };

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		b.len = 0;
		cam_buf_adds(&b, "k: ");
		cam_yaml_quote(&b, cases[i]);
		cam_buf_adds(&b, "\n");
		int ok = parse(b.s) == 0 && doc.root &&
		    cam_yaml_get(doc.root, "k") &&
		    strcmp(cam_yaml_get(doc.root, "k")->value, cases[i]) == 0;
		/* Typed words must come back quoted, i.e. not plain. */
		if (ok && (strcmp(cases[i], "true") == 0 ||
		    strcmp(cases[i], "null") == 0 || strcmp(cases[i], "No") == 0))
			ok = !cam_yaml_get(doc.root, "k")->plain;
		char label[64];
		snprintf(label, sizeof(label), "quote round-trip %zu", i);
		CHECK(ok, label);
	}
	cam_buf_free(&b);
}

static void
test_config_pure(void)
{
	char why[256];
	uint64_t bytes;
	int pct;

	CHECK(cam_id_valid("gate-1"), "id gate-1");
	CHECK(!cam_id_valid("Gate"), "id upper case refused");
	CHECK(!cam_id_valid("-gate"), "id leading dash refused");
	CHECK(!cam_id_valid("../x"), "id traversal refused");
	CHECK(!cam_id_valid(""), "empty id refused");
	CHECK(!cam_id_valid("a234567890123456789012345678901234"),
	    "long id refused");
	CHECK(cam_username_valid("nguyenvana"), "user name");
	CHECK(!cam_username_valid("Root Admin"), "user name with space");

	CHECK(cam_url_check("rtsp://10.0.0.1:554/a?b=c", why, sizeof(why)) == 0,
	    "url with port and query");
	CHECK(cam_url_check("rtsps://cam.local/x", why, sizeof(why)) == 0,
	    "rtsps url");
	CHECK(cam_url_check("rtsp://[fe80::1]:8554/x", why, sizeof(why)) == 0,
	    "IPv6 url");
	CHECK(cam_url_check("rtsp://a:b@10.0.0.1/", why, sizeof(why)) == -1 &&
	    strncmp(why, "credentials", 11) == 0, "credentials refused");
	CHECK(cam_url_check("rtsp://a@10.0.0.1/", why, sizeof(why)) == -1,
	    "user only refused");
	CHECK_STR(why, "credentials in the URL: store them with camctl camera "
	    "add --username U --password-file FILE, they are kept in "
	    "private/ and never committed", "credentials: what to do instead");
	CHECK(cam_url_check("rtsp://10.0.0.1/a@b?c@d", why, sizeof(why)) == 0,
	    "an '@' after the host is no credential");
	CHECK(cam_crypto_has_key("x\n-----BEGIN OPENSSH PRIVATE KEY-----\n",
	    38) && cam_crypto_has_key("-----BEGIN ENCRYPTED PRIVATE KEY-----",
	    37) && !cam_crypto_has_key("-----BEGIN CERTIFICATE-----", 27),
	    "private keys of any kind, not certificates");
	CHECK(cam_url_check("http://x/", why, sizeof(why)) == -1, "http refused");
	CHECK(cam_url_check("rtsp://x:0/", why, sizeof(why)) == -1, "port 0");
	CHECK(cam_url_check("rtsp://x:+80/", why, sizeof(why)) == -1,
	    "signed port");
	CHECK(cam_url_check("rtsp://x: 80/", why, sizeof(why)) == -1,
	    "port after a space");
	CHECK(cam_url_check("rtsp://x:65536/", why, sizeof(why)) == -1,
	    "port 65536");
	CHECK(cam_url_check("rtsp:///x", why, sizeof(why)) == -1, "no host");
	CHECK(cam_url_check("rtsp://x y/", why, sizeof(why)) == -1, "space");
	CHECK(cam_url_check("rtsp://x/\x01", why, sizeof(why)) == -1,
	    "control character");

	CHECK(cam_size_parse("90%", &bytes, &pct) == 0 && pct == 90,
	    "percent");
	CHECK(cam_size_parse("500G", &bytes, &pct) == 0 &&
	    bytes == 500000000000ULL, "500G");
	CHECK(cam_size_parse("2TiB", &bytes, &pct) == 0 &&
	    bytes == 2ULL << 40, "2TiB");
	CHECK(cam_size_parse("1000", &bytes, &pct) == 0 && bytes == 1000,
	    "bytes");
	CHECK(cam_size_parse("0%", &bytes, &pct) == -1, "0% refused");
	CHECK(cam_size_parse("101%", &bytes, &pct) == -1, "101% refused");
	CHECK(cam_size_parse("5X", &bytes, &pct) == -1, "bad unit refused");
	CHECK(cam_size_parse("99999999999999999999T", &bytes, &pct) == -1,
	    "overflow refused");
	CHECK(cam_size_parse("-1G", &bytes, &pct) == -1, "negative refused");

	CHECK(cam_role_parse("chief-of-office") == CAM_ROLE_CHIEF, "role");
	CHECK(cam_role_parse("admin") == 0, "unknown role");
	CHECK_STR(cam_role_name(CAM_ROLE_UNIT_HEAD), "unit-head", "role name");
}

static int
fw(const char *a, const char *b)
{
	int cmp;

	if (cam_firmware_cmp(a, b, &cmp) == -1)
		return 99;
	return cmp;
}

static void
test_firmware(void)
{
	CHECK(fw("5.7.3", "5.7.3") == 0, "same version");
	CHECK(fw("5.7.10", "5.7.9") > 0, "5.7.10 > 5.7.9 (numbers, not text)");
	CHECK(fw("5.7.9", "5.7.10") < 0, "5.7.9 < 5.7.10");
	CHECK(fw("V5.7.3", "5.7.3") == 0, "leading V ignored");
	CHECK(fw("v5.8.0", "V5.7.99") > 0, "leading v ignored");
	CHECK(fw("5.7", "5.7.0") == 0, "missing numbers are 0");
	CHECK(fw("5.7", "5.7.1") < 0, "5.7 < 5.7.1");
	CHECK(fw("V5.7.3 build 220112", "5.7.3") == 0, "text after numbers");
	CHECK(fw("5.7.3_build", "5.7.4") < 0, "suffix after numbers");
	CHECK(fw("05.007.3", "5.7.3") == 0, "leading zeros");
	CHECK(fw("2.800.0000000.25.R", "2.800.0.24") > 0, "Dahua style");
	CHECK(fw("123456789012345678901234.1", "9.1") > 0, "long numbers");
	CHECK(fw("build 5", "5.7.3") == 99, "no version number");
	CHECK(fw("", "1") == 99, "empty version");
}

static void
test_approved(void)
{
	struct cam_config cfg;
	const char *ok = "site: {name: S}\npolicy:\n  approved_cameras:\n"
	    "    - model: \"DS-2CD2043G2-I\"\n      min_firmware: \"5.7.3\"\n"
	    "    - model: IPC-HFW2431S\n";
	const char *bad = "site: {name: S}\npolicy:\n  approved_cameras:\n"
	    "    - model: A\n      min_firmware: latest\n"
	    "    - model: a\n    - min_firmware: 1.0\n    - vendor: x\n";

	cam_err_clear(&e);
	CHECK(cam_config_parse(&cfg, "c.yaml", ok, strlen(ok), &e) == 0,
	    "approved list parses");
	CHECK(cfg.napproved == 2, "two approved models");
	CHECK(cam_config_approved(&cfg, "ds-2cd2043g2-i") != NULL &&
	    strcmp(cam_config_approved(&cfg, "DS-2CD2043G2-I")->min_firmware,
	    "5.7.3") == 0, "model found without case");
	CHECK(cam_config_approved(&cfg, "IPC-HFW2431S")->min_firmware == NULL,
	    "min_firmware optional");
	CHECK(cam_config_approved(&cfg, "X") == NULL, "unknown model");
	cam_config_free(&cfg);
	cam_err_clear(&e);
	CHECK(cam_config_parse(&cfg, "c.yaml", bad, strlen(bad), &e) == -1,
	    "bad approved list refused");
	CHECK(strstr(e.msg, "c.yaml:5:21: policy: approved_cameras: "
	    "\"min_firmware\" must be a version") != NULL,
	    "bad version, file:line:col");
	CHECK(strstr(e.msg, "c.yaml:6:14: policy: approved_cameras: model "
	    "\"a\" listed twice (first at line 4)") != NULL, "duplicate model");
	CHECK(strstr(e.msg, "c.yaml:7:7: policy: approved_cameras: \"model\" "
	    "is required") != NULL, "model required");
	CHECK(strstr(e.msg, "c.yaml:8:7: unknown key \"vendor\"") != NULL,
	    "unknown key");
	if (strstr(e.msg, "c.yaml:5:21") == NULL)
		printf("#   %s\n", e.msg);
	cam_config_free(&cfg);
}

static int
quiet(const char *key)
{
	return strcasecmp(key, "password") == 0;
}

static void
test_schema_map(void)
{
	static const char *const keys[] = { "a", "b", NULL };
	struct cam_schema s = { &doc, &e, 0, NULL };

	CHECK(parse("a: 1\nzz: 2\npassword: x\n") == 0, "parse");
	CHECK(cam_schema_map(&s, doc.root, "the file", keys) == 1,
	    "a mapping");
	CHECK(s.bad == 2, "two unknown keys");
	CHECK_STR(e.msg, "t.yaml:2:1: unknown key \"zz\" in the file\n"
	    "t.yaml:3:1: unknown key \"password\" in the file",
	    "unknown keys, each at its line");
	cam_err_clear(&e);
	s.bad = 0;
	s.quiet_key = quiet;
	cam_schema_map(&s, doc.root, "the file", keys);
	CHECK(s.bad == 1, "a quiet key is not reported");
	cam_err_clear(&e);
	CHECK(cam_schema_map(&s, cam_yaml_get(doc.root, "a"), "a", keys) == 0,
	    "a scalar is not a mapping");
	CHECK_STR(e.msg, "t.yaml:1:4: a must be a mapping, not a scalar",
	    "not a mapping");
	CHECK(parse("a: ~\nb: null\nc: \"\"\nd: []\n") == 0, "parse nulls");
	CHECK(cam_schema_null(cam_yaml_get(doc.root, "a")) &&
	    cam_schema_null(cam_yaml_get(doc.root, "b")) &&
	    cam_schema_null(cam_yaml_get(doc.root, "zz")), "nulls");
	CHECK(!cam_schema_null(cam_yaml_get(doc.root, "c")),
	    "a quoted empty string is not null");
	CHECK_STR(cam_schema_type(cam_yaml_get(doc.root, "d")), "a list",
	    "type name");
	cam_yaml_free(&doc);
	cam_err_clear(&e);
	CHECK(cam_schema_parse(&doc, "big.yaml", "a: 1\n", 5, 4, &e) == -1,
	    "a file over its limit is refused");
	CHECK_STR(e.msg, "big.yaml: larger than 4 bytes", "limit message");
	CHECK(cam_schema_parse(&doc, "ok.yaml", "a: 1\n", 5, 5, &e) == 0 &&
	    doc.root != NULL, "a file at its limit is read");
}

static void
test_schema_values(void)
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
	CHECK_STR(e.msg, "t.yaml:1:1: site: \"missing\" is required\n"
	    "t.yaml:2:7: \"long\" is longer than 5 bytes\n"
	    "t.yaml:3:7: x: \"list\" must be a string, not a list\n"
	    "t.yaml:4:7: x: \"note\" has control characters or invalid UTF-8",
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
	CHECK_STR(e.msg, "t.yaml:8:5: policy: \"no\" must be true or false\n"
	    "t.yaml:10:6: storage: \"big\" must be a whole number from 1 to "
	    "50, not \"99\"", "typed values");
}

int
main(void)
{
	test_parse();
	test_edits();
	test_quote();
	test_config_pure();
	test_firmware();
	test_approved();
	test_schema_map();
	test_schema_values();
	cam_yaml_free(&doc);
	return UNIT_END();
}
