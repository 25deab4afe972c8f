# camaudit verify, beyond the archive's own sums and signatures:
# encrypted archives (--key), the clips' source segments against the
# site's manifests, and the clips' media against custody and the window.
. "$CAMKIT_TOP/tests/lib.sh"

P=$T/pki
director_site site
recorded_window site gate
# request ID: a request for the window, signed by the director.
request() {
	cat >"$1.yaml" <<EOR &&
id: $1
requester:
  name: "Kiểm tra"
  unit: "Thanh tra"
purpose: "Kiểm tra camaudit verify"
cameras: [gate]
from: "$from"
to: "$to"
expires: "$(date -u -d "+2 days" +%Y-%m-%dT%H:%M:%SZ)"
recipient:
  name: "Thanh tra"
EOR
	openssl cms -sign -binary -in "$1.yaml" -signer "$P/director.crt" \
	    -inkey "$P/director.key" -outform DER -out "$1.yaml.p7s" 2>/dev/null
}
request A
camextract -C site run A.yaml -o A.tar >/dev/null 2>&1
request B
camextract -C site run B.yaml -o B.cms --encrypt-to "$P/recipient.crt" >/dev/null 2>&1
mkdir x && tar -xf A.tar -C x
members=$(tar -tf A.tar)
install -m 600 "$P/recipient.key" recipient.key
install -m 600 "$P/director.key" wrong.key
# Where camaudit may put the clear tar: it must stay empty.
mkdir tmpd && chmod 700 tmpd

# retar DIR OUT: the members of DIR, in the archive's order.
retar() { (cd "$1" && tar -cf "$T/$2" $members); }
# resum DIR: SHA256SUMS made again and signed with the site key, as a
# dishonest extractor holding that key could: the sums and the site
# signature then pass, and only the checks below can catch the forgery.
resum() {
	(cd "$1" && sha256sum clips/gate.mp4 request/A.yaml request/A.yaml.p7s custody.json >SHA256SUMS) &&
	openssl cms -sign -binary -in "$1/SHA256SUMS" -signer "$P/site.crt" \
	    -inkey "$P/site.key" -outform DER -out "$1/SHA256SUMS.p7s" 2>/dev/null
}
# forged NAME PATTERN: camaudit verify NAME exits 1 and says PATTERN,
# while SHA256SUMS and the site signature pass.
forged() {
	must_fail 1 camaudit -C site verify "$1" >out 2>err ||
	    { cat err out; return 1; }
	has "$2" out && hasnt "^FAIL	(tar|SHA256SUMS|site signature)" out
}

expect_success 'sources and media checked: ok lines, exit 0, the archive unchanged' '
	before=$(sha256sum A.tar; stat -c %Y A.tar) &&
	camaudit -C site verify A.tar >out &&
	hasnt "^FAIL" out &&
	has "^ok	sources	clips/gate.mp4: [0-9]+ segments? listed in the manifest of gate \(chain valid\)" out &&
	has "^ok	media	clips/gate.mp4: h264, [0-9.]+ s, .* as custody says, inside the request" out &&
	camaudit -C site verify --json A.tar |
	    jq -e "[.checks[] | select(.check == \"media\" or .check == \"sources\")] | length == 2" >/dev/null &&
	test "$before" = "$(sha256sum A.tar; stat -c %Y A.tar)"
'

expect_success 'offline (--trust DIR, no site): the sources check is a skip, not an ok, and the exit is not 0' '
	mkdir tr && cp "$P/ca.crt" tr/ca.pem && cp "$P/director.crt" tr/director.pem &&
	must_fail 1 camaudit -C nosite verify --trust tr A.tar >out && hasnt "^FAIL" out &&
	has "^skip	sources	clips/gate.mp4: not checked: no site configuration" out &&
	hasnt "^ok	sources" out &&
	has "^ok	media	clips/gate.mp4: " out &&
	has "^summary	[0-9]+ ok, 0 failed, 1 not checked$" out &&
	must_fail 1 camaudit -C nosite verify --trust tr --json A.tar >out.json &&
	jq -e ".ok == false and .skipped == 1 and ([.checks[] | select(.status == \"skip\")] | length) == 1" out.json >/dev/null
'

expect_success 'encrypted, with --key: every check on the clear tar, nothing left behind' '
	before=$(sha256sum B.cms; stat -c %Y B.cms) &&
	TMPDIR=$T/tmpd camaudit -C site verify --key recipient.key B.cms >out &&
	hasnt "^FAIL" out &&
	has "^ok	encryption	CMS EnvelopedData, content cipher AES-256-CBC, 1 recipient" out &&
	has "^ok	recipient	kari: issuer .*CN=Demo camkit CA, serial [0-9A-F]+" out &&
	has "^ok	decrypt	with the key recipient.key" out &&
	has "^ok	SHA256SUMS	4 members listed" out && has "^ok	site signature	" out &&
	has "^ok	media	clips/gate.mp4: " out && has "^ok	sources	" out &&
	test -z "$(ls -A tmpd)" &&
	test "$before" = "$(sha256sum B.cms; stat -c %Y B.cms)"
'

expect_success 'encrypted, without --key: envelope and recipients listed, contents not verified, exit 1' '
	serial=$(openssl x509 -in "$P/recipient.crt" -noout -serial | cut -d= -f2) &&
	must_fail 1 camaudit -C site verify B.cms >out &&
	has "^ok	encryption	CMS EnvelopedData, content cipher AES-256-CBC" out &&
	has "^ok	recipient	kari: issuer .*Demo camkit CA, serial $serial$" out &&
	has "^skip	contents	not verified: the archive is encrypted; give --key" out &&
	hasnt "^FAIL" out && has "^summary	2 ok, 0 failed, 1 not checked$" out &&
	camaudit -C site verify --json B.cms | jq -e ".ok == false" >/dev/null
'

expect_success 'encrypted, a wrong key or one others may read: a FAIL naming the key, nothing left behind' '
	TMPDIR=$T/tmpd must_fail 1 camaudit -C site verify --key wrong.key B.cms >out &&
	has "^FAIL	decrypt	.*cannot decrypt with the key wrong.key" out &&
	chmod 644 wrong.key &&
	TMPDIR=$T/tmpd must_fail 1 camaudit -C site verify --key wrong.key B.cms >out &&
	has "^FAIL	decrypt	wrong.key: mode 0644" out &&
	test -z "$(ls -A tmpd)" &&
	must_fail 1 camaudit -C site verify --key recipient.key A.tar >out &&
	has "^FAIL	decrypt	--key recipient.key given, but A.tar is not encrypted" out
'

# The forgery: custody.json names the first source segment with another
# SHA-256 (all "a"), then SHA256SUMS is made again and signed with the
# site key (resum): tar, sums and signatures all pass.
expect_success 'a source segment with another hash in custody: FAIL naming the segment' '
	rm -rf y && cp -a x y &&
	seg=$(jq -r ".clips[0].sources[0].file" x/custody.json) &&
	jq -c ".clips[0].sources[0].sha256 = \"$(printf "a%.0s" $(seq 64))\"" x/custody.json >y/custody.json &&
	resum y && retar y s1.tar &&
	forged s1.tar "^FAIL	sources	clips/gate.mp4: segment $seg: SHA-256 aaaaaaaaaaaa... is not the manifest" &&
	rm -rf y && cp -a x y &&
	jq -c ".clips[0].sources[0].file = \"gate/elsewhere.mkv\"" x/custody.json >y/custody.json &&
	resum y && retar y s2.tar &&
	forged s2.tar "^FAIL	sources	clips/gate.mp4: segment gate/elsewhere.mkv is not in the manifest of gate"
'

# The forgery: the clip is remuxed (stream copy) into another valid MP4
# whose footage is dated 2020, custody.json gets its SHA-256, and
# SHA256SUMS is made again and signed with the site key.
expect_success 'a clip replaced by a valid MP4 outside the window: FAIL on the media check' '
	rm -rf y && cp -a x y &&
	ffmpeg -v error -i x/clips/gate.mp4 -c copy -metadata creation_time=2020-01-01T00:00:00Z \
	    -f mp4 -y y/clips/gate.mp4 &&
	h=$(sha256sum y/clips/gate.mp4 | cut -c1-64) &&
	jq -c ".clips[0].sha256 = \"$h\"" x/custody.json >y/custody.json &&
	resum y && retar y m1.tar &&
	forged m1.tar "^FAIL	media	clips/gate.mp4: its footage, 2020-01-01 07:00:00 \+07 to .* is outside the request" &&
	has "^FAIL	media	clips/gate.mp4: its packets run from 2020-01-01 07:00:00 \+07 .* custody says" out &&
	hasnt "^FAIL	window" out
'

expect_success 'a clip cut short, custody and sums re-made: FAIL on its length and times' '
	rm -rf y && cp -a x y &&
	ct=$(ffprobe -v error -show_entries format_tags=creation_time -of csv=p=0 x/clips/gate.mp4) &&
	ffmpeg -v error -i x/clips/gate.mp4 -c copy -t 2 -metadata creation_time="$ct" \
	    -f mp4 -y y/clips/gate.mp4 &&
	h=$(sha256sum y/clips/gate.mp4 | cut -c1-64) &&
	jq -c ".clips[0].sha256 = \"$h\"" x/custody.json >y/custody.json &&
	resum y && retar y m2.tar &&
	forged m2.tar "^FAIL	media	clips/gate.mp4: lasts [0-9.]+ s, custody says" &&
	has "^FAIL	media	clips/gate.mp4: its packets run from .* custody says" out
'

done_testing
