# camaudit verify (archives) and journals: every tamper case is caught
# with its own message; camaudit changes nothing it reads.
. "$CAMKIT_TOP/tests/lib.sh"

P=$T/pki
director_site site
recorded_window site gate
cat >A.yaml <<EOR
id: A
requester:
  name: "Kiểm tra"
  unit: "Thanh tra"
purpose: "Kiểm tra camaudit"
cameras: [gate]
from: "$from"
to: "$to"
expires: "$(date -u -d "+2 days" +%Y-%m-%dT%H:%M:%SZ)"
recipient:
  name: "Thanh tra"
EOR
openssl cms -sign -binary -in A.yaml -signer "$P/director.crt" -inkey "$P/director.key" \
    -outform DER -out A.yaml.p7s 2>/dev/null
camextract -C site run A.yaml -o A.tar >/dev/null 2>&1
mkdir x && tar -xf A.tar -C x
members=$(tar -tf A.tar)

# retar DIR OUT [EXTRA]: the members of DIR, in the archive's order.
retar() { (cd "$1" && tar -cf "$T/$2" $(ls -d $members 2>/dev/null) ${3:-}); }
# resum DIR: SHA256SUMS again, signed by the site key (a dishonest
# extractor holding it).
resum() {
	(cd "$1" && sha256sum clips/gate.mp4 request/A.yaml request/A.yaml.p7s custody.json >SHA256SUMS) &&
	openssl cms -sign -binary -in "$1/SHA256SUMS" -signer "$P/site.crt" \
	    -inkey "$P/site.key" -outform DER -out "$1/SHA256SUMS.p7s" 2>/dev/null
}
# tampered NAME PATTERN: camaudit verify NAME exits 1 and says PATTERN.
tampered() {
	must_fail 1 camaudit -C site verify "$1" >out 2>err ||
	    { cat err out; return 1; }
	has "$2" out
}

expect_success 'an untouched archive: every check ok, exit 0, nothing changed' '
	before=$(sha256sum A.tar; stat -c %Y A.tar; sha256sum site.store/gate/manifest) &&
	camaudit -C site verify A.tar >out &&
	hasnt "^FAIL" out &&
	has "^ok	tar	6 members" out && has "^ok	SHA256SUMS	4 members listed" out &&
	has "^ok	site signature	SHA256SUMS signed by .*camkit site" out &&
	has "^ok	request signatures	1 signer, the director" out &&
	has "^ok	window	clip " out &&
	camaudit -C site verify --json A.tar | jq -e ".ok == true and (.checks | length) >= 6" >/dev/null &&
	test "$before" = "$(sha256sum A.tar; stat -c %Y A.tar; sha256sum site.store/gate/manifest)"
'

expect_success 'verifying offline with --trust DIR (no site): no failure, the sources a skip, so exit 1' '
	mkdir tr && cp "$P/ca.crt" tr/ca.pem && cp "$P/director.crt" tr/director.pem &&
	must_fail 1 camaudit -C nosite verify --trust tr A.tar >out && hasnt "^FAIL" out &&
	has "^skip	sources	" out
'

expect_success 'a byte flipped in a clip' '
	cp -a x y && flip y/clips/gate.mp4 2000 &&
	retar y t1.tar && tampered t1.tar "^FAIL	SHA256SUMS	clips/gate.mp4: SHA-256 does not match \(altered\)"
'

expect_success 'a byte flipped in SHA256SUMS: the site signature fails' '
	rm -rf y && cp -a x y && c=$(head -c1 y/SHA256SUMS) && r=0 &&
	if [ "$c" = 0 ]; then r=1; fi && sed -i "1s/^./$r/" y/SHA256SUMS &&
	retar y t2.tar && tampered t2.tar "^FAIL	site signature	"
'

expect_success 'a byte flipped in the request: its hash and its signatures fail' '
	rm -rf y && cp -a x y && sed -i "s/Kiểm tra camaudit/Kiểm tra khác/" y/request/A.yaml &&
	retar y t3.tar && tampered t3.tar "^FAIL	SHA256SUMS	request/A.yaml: SHA-256 does not match" &&
	has "^FAIL	request signatures	.*bad-signature" out
'

expect_success 'a member removed, a member added' '
	rm -rf y && cp -a x y && rm y/custody.json && retar y t4.tar &&
	tampered t4.tar "^FAIL	SHA256SUMS	custody.json is listed but not in the archive" &&
	rm -rf y && cp -a x y && echo extra >y/notes.txt && retar y t5.tar notes.txt &&
	tampered t5.tar "^FAIL	SHA256SUMS	notes.txt is in the archive but not listed \(added\)"
'

expect_success 'SHA256SUMS signed by a key the site does not trust' '
	rm -rf y && cp -a x y &&
	openssl cms -sign -binary -in y/SHA256SUMS -signer "$P/rogue.crt" -inkey "$P/rogue.key" \
	    -outform DER -out y/SHA256SUMS.p7s 2>/dev/null &&
	retar y t6.tar && tampered t6.tar "^FAIL	site signature	"
'

expect_success 'a truncated archive' '
	head -c $(( $(stat -c %s A.tar) / 2 )) A.tar >t7.tar &&
	tampered t7.tar "^FAIL	tar	.*truncated"
'

expect_success 'a clip outside the window, re-signed with the site key, is still caught' '
	rm -rf y && cp -a x y &&
	jq -c ".clips[0].first = \"2020-01-01T00:00:00Z\"" x/custody.json >y/custody.json &&
	resum y && retar y t8.tar &&
	tampered t8.tar "^FAIL	window	clip 2020-01-01 07:00:00 \+07 to .* outside the request" &&
	hasnt "^FAIL	(SHA256SUMS|site signature)" out
'

expect_success 'camaudit journals: every journal verifies; a changed manifest line is named' '
	camctl -C site seal >/dev/null &&
	camaudit -C site journals >out && hasnt "^FAIL" out &&
	has "^ok	gate/manifest	[0-9]+ records, 1 seals" out &&
	has "^ok	audit.journal	" out && has "^ok	extractions.journal	" out &&
	cp site.store/gate/manifest m.saved &&
	sed -i "2s/\"frames\":\([0-9]\)/\"frames\":9\1/" site.store/gate/manifest &&
	rc=0 && { must_fail 1 camaudit -C site journals >out || rc=$?; } &&
	cp m.saved site.store/gate/manifest &&
	test $rc = 0 && has "^FAIL	gate/manifest	.*manifest:[0-9]+: " out
'

expect_success 'camaudit access: extractions and refusals from the audit trail' '
	must_fail 1 camextract -C site run A.yaml -o again.tar 2>/dev/null &&
	camaudit -C site access >out &&
	has "	$(id -un)	camextract run	A	granted	-$" out &&
	has "	camextract run	A	refused	replay: " out &&
	camaudit -C site access --json | jq -e "map(select(.record.outcome == \"refused\")) | length >= 1" >/dev/null &&
	camaudit -C site access --since "$(date -u -d "+1 hour" +%Y-%m-%dT%H:%M:%SZ)" >out &&
	test ! -s out
'

expect_success 'camaudit recordings: an altered, a deleted and a stray file; prune deletions listed' '
	cp -a site.store store.saved &&
	camaudit -C site recordings >out && hasnt "^FAIL" out &&
	has "^ok	gate	[0-9]+ segments match their manifest" out &&
	f=$(segments site gate | head -1) && g=$(segments site gate | tail -1) &&
	flip "$f" 3000 &&
	rm "$g" && cp "$f" "$(dirname "$f")/gate-20200101T000000Z.mkv" &&
	must_fail 1 camaudit -C site recordings >out &&
	has "^FAIL	altered	" out && has "^FAIL	missing	" out && has "^FAIL	unlisted	" out &&
	rm -rf site.store && cp -a store.saved site.store &&
	camrec -C site hold release 1 >/dev/null &&
	camrec -C site prune --now "$(date -u -d "+40 days" +%Y-%m-%dT%H:%M:%SZ)" >/dev/null &&
	camaudit -C site recordings >out &&
	has "^ok	deleted	gate/.*reason: retention" out &&
	rm -rf site.store && cp -a store.saved site.store
'

expect_success 'usage() prints exactly the SYNOPSIS of camaudit(1)' '
	camaudit --help | sed "/^$/q" | sed "s/^usage: //" | tr -s " \n" "  " | sed "s/ $//" >u &&
	mandoc -Tascii -Owidth=1000 "$CAMKIT_TOP/man/camaudit.1" |
	    sed "s/.\x08//g" | sed -n "/^SYNOPSIS/,/^DESCRIPTION/p" |
	    sed "1d;\$d" | tr -s " \n" "  " | sed "s/^ //; s/ $//" >m &&
	cmp_text m u
'

done_testing
