/*
 * Unit tests for cam_custody: custody.json as the writer lays it out,
 * read back member for member, and what the reader makes of records
 * that lack members or are not JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "base/cam_err.h"
#include "base/cam_time.h"
#include "evidence/cam_custody.h"
#include "unit.h"

static time_t
at(const char *s)
{
	struct cam_err e;
	time_t t = (time_t)-1;

	cam_time_parse(s, NULL, &t, &e);
	return t;
}

/* A record of one signer and one clip of two sources around a gap. */
static void
fill(struct cam_custody *c)
{
	struct cam_custody_clip *k;

	memset(c, 0, sizeof(*c));
	cam_custody_alloc(c, 1, 1);
	c->have_request = 1;
	c->req_id = cam_xstrdup("R1");
	c->req_sha256 = cam_xstrdup("ab12");
	c->requester = cam_xstrdup("Nguyễn Văn A");
	c->unit = cam_xstrdup("Phòng \"1\"");
	c->purpose = cam_xstrdup("line\nbreak");
	c->from = at("2026-11-23T01:00:00Z");
	c->to = at("2026-11-23T01:10:00Z");
	c->expires = at("2026-11-30T00:00:00Z");
	c->signers[0].subject = cam_xstrdup("CN=Director");
	c->signers[0].sha256 = cam_xstrdup("cd34");
	c->signers[0].director = 1;
	c->signers[0].signed_at = at("2026-11-22T08:00:00Z");
	c->by = cam_xstrdup("alice");
	c->uid = 1000;
	c->host = cam_xstrdup("nvr1");
	c->at = at("2026-11-23T03:00:00Z");
	c->site = cam_xstrdup("HQ");
	c->config_commit = cam_xstrdup("0123");
	c->program = cam_xstrdup("camextract 0.1.0");
	c->recipient = cam_xstrdup("Police");
	c->encrypted = 1;
	k = &c->clips[0];
	cam_custody_clip_alloc(k, 2, 1);
	k->file = cam_xstrdup("clips/gate.mp4");
	k->camera = cam_xstrdup("gate");
	k->sha256 = cam_xstrdup("ef56");
	k->codec = cam_xstrdup("h264");
	k->tag = cam_xstrdup("avc1");
	k->audio_left_out = cam_xstrdup("pcm_alaw");
	k->first = at("2026-11-23T00:59:58Z");
	k->last = at("2026-11-23T01:09:59Z");
	k->duration = 601.25;
	k->have_duration = 1;
	k->hold = 7;
	for (size_t i = 0; i < 2; i++) {
		k->sources[i].file = cam_xstrdup(i ? "gate/b.ts" : "gate/a.ts");
		k->sources[i].sha256 = cam_xstrdup(i ? "22" : "11");
		k->sources[i].bytes = 1000 + (int64_t)i;
		k->sources[i].start = c->from + 300 * (time_t)i;
		k->sources[i].end = c->from + 300 * (time_t)i + 240;
	}
	k->gaps[0].from = c->from + 240;
	k->gaps[0].to = c->from + 300;
}

static const char golden[] =
"{\"format\":\"camkit-custody-1\",\"request\":{\"id\":\"R1\","
"\"sha256\":\"ab12\",\"requester\":\"Nguyễn Văn A\","
"\"unit\":\"Phòng \\\"1\\\"\",\"purpose\":\"line\\nbreak\","
"\"from\":\"2026-11-23T01:00:00Z\",\"to\":\"2026-11-23T01:10:00Z\","
"\"expires\":\"2026-11-30T00:00:00Z\"},\n"
"\"signers\":[\n"
"  {\"subject\":\"CN=Director\",\"sha256\":\"cd34\",\"director\":true,"
"\"unit_head\":false,\"signed_at\":\"2026-11-22T08:00:00Z\"}],"
"\"extraction\":{\"by\":\"alice\",\"uid\":1000,\"host\":\"nvr1\","
"\"at\":\"2026-11-23T03:00:00Z\",\"site\":\"HQ\",\"config_commit\":\"0123\","
"\"program\":\"camextract 0.1.0\"},"
"\"recipient\":{\"name\":\"Police\",\"encrypted\":true},\n"
"\"clips\":[\n"
"  {\"file\":\"clips/gate.mp4\",\"camera\":\"gate\",\"sha256\":\"ef56\","
"\"codec\":\"h264\",\"tag\":\"avc1\",\"audio_left_out\":\"pcm_alaw\","
"\"first\":\"2026-11-23T00:59:58Z\",\"last\":\"2026-11-23T01:09:59Z\","
"\"duration\":601.250,\"hold\":7,\"sources\":[\n"
"    {\"file\":\"gate/a.ts\",\"sha256\":\"11\",\"bytes\":1000,"
"\"start\":\"2026-11-23T01:00:00Z\",\"end\":\"2026-11-23T01:04:00Z\"},\n"
"    {\"file\":\"gate/b.ts\",\"sha256\":\"22\",\"bytes\":1001,"
"\"start\":\"2026-11-23T01:05:00Z\",\"end\":\"2026-11-23T01:09:00Z\"}],"
"\"gaps\":[{\"from\":\"2026-11-23T01:04:00Z\","
"\"to\":\"2026-11-23T01:05:00Z\"}]}\n"
"]}\n";

static void
round_trip(void)
{
	struct cam_custody w, r;
	struct cam_buf b = CAM_BUF_INIT;
	struct cam_err e;
	const struct cam_custody_clip *k;

	fill(&w);
	cam_custody_write(&w, &b);
	CHECK_STR(cam_buf_str(&b), golden, "the writer's bytes are the format");
	cam_err_clear(&e);
	CHECK(cam_custody_read(&r, b.s, b.len, &e) == 0, "it reads back");
	CHECK(r.have_request, "... with its request");
	CHECK_STR(r.req_id, "R1", "... the request's id");
	CHECK_STR(r.req_sha256, "ab12", "... its SHA-256");
	CHECK_STR(r.requester, "Nguyễn Văn A", "... the requester in UTF-8");
	CHECK_STR(r.unit, "Phòng \"1\"", "... a quote unescaped");
	CHECK_STR(r.purpose, "line\nbreak", "... a newline unescaped");
	CHECK(r.from == w.from && r.to == w.to && r.expires == w.expires,
	    "... the window and expiry");
	CHECK(r.nsigners == 1 && r.signers[0].director &&
	    !r.signers[0].unit_head &&
	    r.signers[0].signed_at == w.signers[0].signed_at,
	    "... the signer, director, not unit head, and when");
	CHECK_STR(r.signers[0].subject, "CN=Director", "... its subject");
	CHECK_STR(r.by, "alice", "... who extracted");
	CHECK(r.uid == 1000 && r.at == w.at, "... as which uid, when");
	CHECK_STR(r.config_commit, "0123", "... under which configuration");
	CHECK_STR(r.program, "camextract 0.1.0", "... with which program");
	CHECK_STR(r.recipient, "Police", "... for whom");
	CHECK(r.recipient_unit == NULL && r.encrypted,
	    "... no unit, encrypted");
	CHECK(r.nclips == 1, "... one clip");
	k = &r.clips[0];
	CHECK_STR(k->file, "clips/gate.mp4", "... its member");
	CHECK_STR(k->camera, "gate", "... its camera");
	CHECK_STR(k->codec, "h264", "... its codec");
	CHECK(k->audio == NULL, "... no audio");
	CHECK_STR(k->audio_left_out, "pcm_alaw", "... the audio left out");
	CHECK(k->first == w.clips[0].first && k->last == w.clips[0].last,
	    "... its first and last packet");
	CHECK(k->have_duration && k->duration == 601.25, "... its length");
	CHECK(k->hold == 7, "... its hold");
	CHECK(k->nsources == 2 && k->sources[1].bytes == 1001 &&
	    k->sources[1].start == w.clips[0].sources[1].start,
	    "... two sources with sizes and times");
	CHECK_STR(k->sources[0].file, "gate/a.ts", "... the first by name");
	CHECK_STR(k->sources[1].sha256, "22", "... the second's hash");
	CHECK(k->ngaps == 1 && k->gaps[0].from == w.clips[0].gaps[0].from &&
	    k->gaps[0].to == w.clips[0].gaps[0].to, "... and the gap");
	cam_buf_free(&b);
	cam_custody_write(&r, &b);
	CHECK_STR(cam_buf_str(&b), golden, "what is read writes the same bytes");
	cam_buf_free(&b);
	cam_custody_free(&r);
	cam_custody_free(&w);
}

static void
lenient(void)
{
	static const char *const bad[] = { "", "{", "{\"clips\":[}",
	    "{\"a\":1} x", "\"custody\"\0" };
	struct cam_custody r;
	struct cam_err e;
	const char *s;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cam_err_clear(&e);
		CHECK(cam_custody_read(&r, bad[i], strlen(bad[i]) +
		    (i == 4), &e) == -1 && e.code == CAM_NO,
		    "not JSON: refused as a whole");
		CHECK(r.nclips == 0 && r.req_id == NULL, "... and empty");
		cam_custody_free(&r);
	}
	s = "[1,2]";
	CHECK(cam_custody_read(&r, s, strlen(s), &e) == 0 && r.nclips == 0 &&
	    !r.have_request, "JSON that is no object: an empty record");
	cam_custody_free(&r);
	s = "{\"request\":{\"id\":7},\"clips\":[{\"file\":\"clips/a.mp4\","
	    "\"first\":\"yesterday\",\"sources\":[{\"file\":\"x\"}]},3,{}],"
	    "\"extraction\":{\"at\":\"2026-11-23T03:00:00Z\"}}";
	CHECK(cam_custody_read(&r, s, strlen(s), &e) == 0, "members missing: "
	    "read");
	CHECK(r.have_request && r.req_id == NULL,
	    "... a request whose id is no string");
	CHECK(r.at == at("2026-11-23T03:00:00Z"), "... the extraction time");
	CHECK(r.nclips == 1, "... the clips up to the first that is no "
	    "object");
	CHECK(r.clips[0].camera == NULL && r.clips[0].codec == NULL,
	    "... a clip without camera or codec");
	CHECK(r.clips[0].first == (time_t)-1 && !r.clips[0].have_duration,
	    "... without a time that reads, nor a length");
	CHECK(r.clips[0].nsources == 1 &&
	    r.clips[0].sources[0].sha256 == NULL &&
	    r.clips[0].sources[0].bytes == -1, "... a source without hash or "
	    "size");
	cam_custody_free(&r);
	/* JSON laid out otherwise reads the same: the text scanners the
	 * verifier used before read only camkit's compact layout. */
	s = "{ \"request\" : { \"id\" : \"R1\" },\n  \"clips\" : [\n"
	    "    { \"file\" : \"clips/gate.mp4\", \"camera\" : \"gate\",\n"
	    "      \"first\" : \"2026-11-23T00:59:58Z\", \"duration\" : 1e1 }\n"
	    "  ]\n}\n";
	CHECK(cam_custody_read(&r, s, strlen(s), &e) == 0 && r.have_request &&
	    r.nclips == 1, "pretty-printed: read");
	CHECK_STR(r.req_id, "R1", "... the request's id");
	CHECK_STR(r.clips[0].camera, "gate", "... the clip's camera");
	CHECK(r.clips[0].first == at("2026-11-23T00:59:58Z") &&
	    r.clips[0].have_duration && r.clips[0].duration == 10.0,
	    "... its first packet and its length (1e1)");
	cam_custody_free(&r);
	/* Only the record's own members count, not the same names inside
	 * another value (the text scanners found them at any depth). */
	s = "[{\"request\":{\"id\":\"R1\"},\"clips\":[{\"file\":\"f\"}]}]";
	CHECK(cam_custody_read(&r, s, strlen(s), &e) == 0 && !r.have_request &&
	    r.nclips == 0, "the record inside an array: not read as one");
	cam_custody_free(&r);
	s = "{\"clips\":[{\"camera\":\"a-camera-name-that-is-far-longer-than-"
	    "sixty-three-bytes-allows-it-to-be\"}]}";
	CHECK(cam_custody_read(&r, s, strlen(s), &e) == 0 &&
	    r.clips[0].camera == NULL, "a camera name over 63 bytes: none");
	cam_custody_free(&r);
}

int
main(void)
{
	round_trip();
	lenient();
	return UNIT_END();
}
