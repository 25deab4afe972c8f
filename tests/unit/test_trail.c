/*
 * Unit tests for cam_trail_parse_request: what the set-id helper takes
 * from a caller, and what it refuses (a record in someone else's name
 * above all).
 */
#include <string.h>

#include "base/cam_err.h"
#include "journal/cam_trail.h"
#include "unit.h"

static int
parse(const char *in, struct cam_trail_rec *r, struct cam_err *e)
{
	static char buf[4096];

	cam_err_clear(e);
	return cam_trail_parse_request(in, strlen(in), r, buf, sizeof(buf), e);
}

int
main(void)
{
	struct cam_trail_rec r;
	struct cam_err e;

	CHECK(parse("{\"program\":\"camextract\",\"verb\":\"run\","
	    "\"object\":\"R1\",\"outcome\":\"refused\",\"reason\":\"không\","
	    "\"detail\":\"{\\\"k\\\":1}\"}", &r, &e) == 0, "a full record");
	CHECK_STR(r.program, "camextract", "program");
	CHECK_STR(r.verb, "run", "verb");
	CHECK_STR(r.object, "R1", "object");
	CHECK_STR(r.outcome, "refused", "outcome");
	CHECK_STR(r.reason, "không", "reason, UTF-8 kept");
	CHECK_STR(r.detail, "{\"k\":1}", "detail, a JSON object");

	CHECK(parse("{\"program\":\"camctl\",\"verb\":\"camera rm\","
	    "\"outcome\":\"granted\"}", &r, &e) == 0 && r.object == NULL &&
	    r.reason == NULL && r.detail == NULL, "optional members absent");

	CHECK(parse("{\"actor\":\"root\",\"program\":\"camctl\",\"verb\":\"x\","
	    "\"outcome\":\"granted\"}", &r, &e) == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "names its own actor or uid") != NULL,
	    "an actor named by the caller: refused");
	CHECK(parse("{\"uid\":0,\"program\":\"camctl\",\"verb\":\"x\","
	    "\"outcome\":\"granted\"}", &r, &e) == -1, "a uid: refused");
	CHECK(parse("{\"actor\":[1],\"program\":\"camctl\",\"verb\":\"x\","
	    "\"outcome\":\"granted\"}", &r, &e) == -1,
	    "an actor of any type: refused");
	CHECK(parse("{\"program\":\"camctl\",\"verb\":\"x\","
	    "\"outcome\":\"granted\",\"reason\":\"the \\\"actor\\\" key\"}",
	    &r, &e) == 0, "the word actor quoted inside a string: accepted");

	CHECK(parse("{\"as\":\"root\",\"program\":\"camctl\",\"verb\":\"x\","
	    "\"outcome\":\"granted\"}", &r, &e) == -1 && e.code == CAM_NO &&
	    strstr(e.msg, "names the account it ran as or its login") != NULL,
	    "the account it ran as, named by the caller: refused");
	CHECK(parse("{\"as_uid\":0,\"program\":\"camctl\",\"verb\":\"x\","
	    "\"outcome\":\"granted\"}", &r, &e) == -1, "an as_uid: refused");
	CHECK(parse("{\"login\":false,\"program\":\"camctl\",\"verb\":\"x\","
	    "\"outcome\":\"granted\"}", &r, &e) == -1, "a login mark: refused");
	CHECK(parse("{\"program\":\"camctl\",\"verb\":\"login\","
	    "\"object\":\"as\",\"outcome\":\"granted\"}", &r, &e) == 0,
	    "the words as and login as values: accepted");

	CHECK(parse("{\"program\":\"bash\",\"verb\":\"x\","
	    "\"outcome\":\"granted\"}", &r, &e) == -1, "another program");
	CHECK(parse("{\"program\":\"camctl\",\"verb\":\"x\","
	    "\"outcome\":\"ok\"}", &r, &e) == -1, "an unknown outcome");
	CHECK(parse("{\"program\":\"camctl\",\"outcome\":\"granted\"}", &r,
	    &e) == -1, "no verb");
	CHECK(parse("{\"program\":\"camctl\",\"verb\":\"\","
	    "\"outcome\":\"granted\"}", &r, &e) == -1, "an empty verb");
	CHECK(parse("{\"program\":\"camctl\",\"verb\":\"x\","
	    "\"outcome\":\"granted\",\"detail\":\"[1]\"}", &r, &e) == -1,
	    "a detail that is not an object");
	CHECK(parse("{\"program\":\"camctl\",\"verb\":\"x\","
	    "\"outcome\":\"granted\",\"detail\":\"{\"}", &r, &e) == -1,
	    "a detail that is not JSON");
	CHECK(parse("[\"camctl\"]", &r, &e) == -1, "not an object");
	CHECK(parse("{\"program\":\"camctl\"", &r, &e) == -1, "cut short");
	CHECK(parse("{\"program\":\"camctl\",\"verb\":\"\xff\","
	    "\"outcome\":\"granted\"}", &r, &e) == -1, "not UTF-8");
	CHECK(parse("", &r, &e) == -1, "empty input");
	return UNIT_END();
}
