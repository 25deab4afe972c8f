# Revocation lists (trust.crl): camctl crl add takes only a list a
# trusted CA signed; a director, unit head or site certificate the list
# names is refused as revoked by camextract, camview and camaudit; a
# stale list warns or is refused by policy.crl_expired; camaudit verify
# reports revoked signers and takes a CA file as --trust.
. "$CAMKIT_TOP/tests/lib.sh"

P=$T/pki
director_site site
recorded_window site gate
fix=$CAMKIT_BIN/tests/viewfix

# The demo CA as a CA runs it: openssl ca with its database, to issue a
# second director (Phó Giám đốc) and revoke what it must.
mkdir ca && : >ca/index.txt && echo 1000 >ca/serial && echo 01 >ca/crlnumber
printf '%s\n' '[ca]' 'default_ca = demo' '[demo]' \
    "database = $T/ca/index.txt" "new_certs_dir = $T/ca" \
    "serial = $T/ca/serial" "crlnumber = $T/ca/crlnumber" \
    'default_md = sha256' 'policy = any' 'unique_subject = no' \
    'x509_extensions = leaf' 'default_days = 365' 'default_crl_days = 30' \
    '[any]' 'countryName = optional' 'organizationName = optional' \
    'organizationalUnitName = optional' 'commonName = supplied' \
    '[leaf]' 'basicConstraints = CA:FALSE' \
    'keyUsage = critical,digitalSignature,nonRepudiation' >ca/ca.cnf
# ca ARGS...: the demo CA's openssl ca.
ca() { openssl ca -batch -config "$T/ca/ca.cnf" -cert "$P/ca.crt" -keyfile "$P/ca.key" "$@" 2>/dev/null; }
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$P/director2.key" 2>/dev/null
openssl req -utf8 -new -key "$P/director2.key" -subj "/C=VN/O=Demo Office/CN=Phó Giám đốc Demo" -out ca/d2.csr 2>/dev/null
ca -utf8 -notext -in ca/d2.csr -out "$P/director2.crt"
cp "$P/director2.crt" site/trust/director2.pem
sed -i 's|^  director: \[trust/director.pem\]|  director: [trust/director.pem, trust/director2.pem]|' site/camkit.yaml
camctl -C site commit -m "a second director" >/dev/null
# gencrl OUT LAST NEXT: the CA's list now, issued at LAST, next due NEXT
# (date -d forms).
gencrl() {
	ca -gencrl -crl_lastupdate "$(date -u -d "$2" +%Y%m%d%H%M%SZ)" \
	    -crl_nextupdate "$(date -u -d "$3" +%Y%m%d%H%M%SZ)" -out "$1"
}
# request ID WHO...: a request for the window, signed by each WHO.
request() {
	cat >"$1.yaml" <<EOR &&
id: $1
requester:
  name: "Kiểm tra"
  unit: "Thanh tra"
purpose: "Kiểm tra danh sách thu hồi"
cameras: [gate]
from: "$from"
to: "$to"
expires: "$(date -u -d "+2 days" +%Y-%m-%dT%H:%M:%SZ)"
recipient:
  name: "Thanh tra"
EOR
	local id=$1 &&
	shift &&
	for who in "$@"; do
		sign "$id.yaml" "$who" || return 1
	done
}
# view ID WHO: a view request, signed by WHO.
view() {
	cat >"$1.yaml" <<EOR &&
action: view
viewer: tranvanb
id: $1
requester:
  name: "Trần Văn B"
  unit: "Phòng Hành chính"
purpose: "Xem lại hình ảnh cổng"
cameras: [gate]
from: "$from"
to: "$to"
expires: "$(date -u -d "+2 days" +%Y-%m-%dT%H:%M:%SZ)"
EOR
	sign "$1.yaml" "$2"
}
# unchanged: no commit since head, no list file left behind.
unchanged() {
	test "$(git -C site rev-parse HEAD)" = "$head" &&
	test -z "$(git -C site status --porcelain)" &&
	test "$(ls site/trust/crl 2>/dev/null | wc -l)" = "$1"
}
camctl -C site user add tranvanb --role department --no-check >/dev/null

expect_success 'before any list: the second director approves' '
	request R0 director2 &&
	camextract -C site run R0.yaml -o R0.tar >out 2>err &&
	test -s R0.tar
'

expect_success 'camctl crl add refuses a list of an untrusted CA, a forged one and a non-list; nothing committed' '
	ca -revoke "$P/director2.crt" -crl_reason keyCompromise &&
	gencrl crl1.pem "-3 days" "+30 days" &&
	head=$(git -C site rev-parse HEAD) &&
	openssl ca -batch -config ca/ca.cnf -cert "$P/rogue-ca.crt" -keyfile "$P/rogue-ca.key" \
	    -gencrl -out rogue.pem 2>/dev/null &&
	must_fail 1 camctl -C site crl add rogue.pem 2>err &&
	has "refused: rogue.pem: revocation list 1: its issuer \(CN = Rogue CA\) is not a trusted CA \(trust.ca\)" err &&
	unchanged 0 &&
	openssl crl -in crl1.pem -outform DER -out forged.der &&
	n=$(stat -c %s forged.der) &&
	# One bit of the signature flipped (a byte set to a fixed value is
	# already that value once in 256 lists: the signature is random).
	b=$(od -An -tu1 -j $((n - 2)) -N1 forged.der | tr -d " ") &&
	printf "\\$(printf %03o $((b ^ 1)))" | dd of=forged.der bs=1 seek=$((n - 2)) conv=notrunc 2>/dev/null &&
	! cmp -s forged.der <(openssl crl -in crl1.pem -outform DER) &&
	must_fail 1 camctl -C site crl add forged.der 2>err &&
	has "its signature does not verify with the certificate of its issuer .*forged or damaged" err &&
	unchanged 0 &&
	must_fail 1 camctl -C site crl add "$P/ca.crt" 2>err &&
	has "not a certificate revocation list" err &&
	unchanged 0
'

expect_success 'a list the demo CA signed is committed into trust.crl' '
	camctl -C site crl add crl1.pem >out &&
	has "^committed	.*	crl add trust/crl/[0-9a-f]{8}\.crl$" out &&
	has "Demo camkit CA	issued .*	1 revoked" out &&
	git -C site show --stat --format= HEAD >stat &&
	has "camkit.yaml" stat && has "trust/crl/.*\.crl" stat &&
	has "^    - \"trust/crl/[0-9a-f]{8}\.crl\"$" site/camkit.yaml &&
	camctl -C site check >/dev/null &&
	camctl -C site crl list >list &&
	test "$(wc -l <list)" = 1 && has "^trust/crl/.*	.*Demo camkit CA" list
'

expect_success 'a request signed by the revoked director: refused as revoked, nothing extracted' '
	request R1 director2 &&
	must_fail 1 camextract -C site run R1.yaml -o R1.tar 2>err &&
	has "refused \(revoked\)" err &&
	has "signer CN=Phó Giám đốc Demo,O=Demo Office,C=VN: certificate revoked on 20[0-9-]* [0-9:]* \+07 \(trust.crl\)" err &&
	test ! -e R1.tar && test -z "$(ls R1.tar* 2>/dev/null)" &&
	tail -n1 site.store/audit.journal | cut -f6 | jq -e ".outcome == \"refused\" and (.reason | startswith(\"revoked\"))" >/dev/null
'

expect_success 'camview grant refuses the revoked director too, keeps nothing' '
	view V1 director2 &&
	must_fail 1 "$fix" site grant V1.yaml 2>err &&
	has "signer CN=Phó Giám đốc Demo,O=Demo Office,C=VN: certificate revoked on 20.* \(revoked\)$" err &&
	test -z "$(ls site.store/views 2>/dev/null)"
'

expect_success 'an archive encrypted to a revoked certificate: refused as revoked, nothing written' '
	request R5 director &&
	must_fail 1 camextract -C site run R5.yaml -o R5.cms --encrypt-to "$P/director2.crt" 2>err &&
	has "refused \(revoked\)" err &&
	has "the recipient.s certificate C = VN, O = Demo Office, CN = Phó Giám đốc Demo was revoked on [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07 \(trust.crl\)" err &&
	test ! -e R5.cms && test -z "$(ls R5.cms* 2>/dev/null)"
'

expect_success 'the director still approves; camaudit verify says no signer is revoked' '
	request R2 director &&
	camextract -C site run R2.yaml -o R2.tar >out 2>err &&
	camaudit -C site verify R2.tar >out &&
	has "^ok	revocation	SHA256SUMS.p7s: site signer .*camkit site rec1: not revoked" out &&
	has "^ok	revocation	request/R2.yaml.director.p7s: request signer .*Giám đốc Demo: not revoked" out
'

expect_success 'camaudit verify of an archive made before the list: the revoked signer is named, with the date' '
	must_fail 1 camaudit -C site verify R0.tar >out &&
	has "^FAIL	revocation	request/R0.yaml.director2.p7s: request signer .*Phó Giám đốc Demo: revoked on [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07$" out &&
	has "^FAIL	request signatures	.*(revoked)" out
'

expect_success 'an older list of the same CA is refused; a newer one (DER) replaces it' '
	camctl -C site seal >/dev/null &&
	camaudit -C site journals >out &&
	head=$(git -C site rev-parse HEAD) &&
	gencrl old.pem "-4 days" "+30 days" &&
	must_fail 1 camctl -C site crl add old.pem 2>err &&
	has "the list in force for .*Demo camkit CA was issued on .*after this one" err &&
	unchanged 1 &&
	ca -revoke "$P/site.crt" -crl_reason keyCompromise &&
	gencrl crl2.pem "-2 days" "+30 days" &&
	openssl crl -in crl2.pem -outform DER -out crl2.der &&
	camctl -C site crl add crl2.der >out &&
	has "2 revoked" out &&
	test "$(ls site/trust/crl | wc -l)" = 1 &&
	cmp crl2.der site/trust/crl/*.crl
'

expect_success 'the site certificate revoked: its seals fail as revoked' '
	must_fail 1 camaudit -C site journals >out &&
	has "^FAIL	.*seal signer revoked on [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07 \(trust.crl\): .*camkit site rec1" out
'

expect_success 'camaudit verify --trust: a CA file works like a directory, with --crl or *.crl' '
	mkdir tdir && cp "$P/ca.crt" tdir/ca.pem && cp "$P/director.crt" tdir/director.pem &&
	camaudit verify R2.tar --trust tdir >dirout &&
	camaudit -C site verify R2.tar --trust "$P/ca.crt" >fileout 2>&1 || test $? = 1 &&
	camaudit verify R2.tar --trust "$P/ca.crt" >fileout2 2>&1 || test $? = 1 &&
	has "^ok	site signature	" fileout2 &&
	has "^ok	site signature	" dirout &&
	cp crl2.pem tdir/demo.crl &&
	must_fail 1 camaudit verify R2.tar --trust tdir >out &&
	has "^FAIL	revocation	SHA256SUMS.p7s: site signer .*rec1: revoked on" out &&
	must_fail 1 camaudit verify R2.tar --trust "$P/ca.crt" --crl crl2.pem >out &&
	has "^FAIL	revocation	SHA256SUMS.p7s: site signer .*rec1: revoked on" out &&
	must_fail 1 camaudit verify R2.tar --trust "$P/ca.crt" --crl rogue.pem 2>err &&
	has "not a trusted CA" err
'

expect_success 'a stale list: camctl warns, camaudit crl fails, policy warn accepts with a warning' '
	gencrl stale.pem "-1 day" "-1 hour" &&
	camctl -C site crl add stale.pem >out 2>err &&
	has "warning: stale.pem: this list is already out of date" err &&
	camctl -C site crl list >list && has "	out of date$" list &&
	must_fail 1 camaudit -C site crl >out &&
	has "^FAIL	trust/crl/.*OUT OF DATE: the next list was due .*(policy crl_expired: warn)" out &&
	request R3 director &&
	camextract -C site run R3.yaml -o R3.tar >out 2>err &&
	test -s R3.tar &&
	has "warning: .*revocation list .* out of date" err &&
	cut -f6 site.store/audit.journal | jq -s -e "map(select(.program == \"camextract\" and .object == \"R3\" and .outcome == \"granted\" and (.detail.warning | test(\"revocation list of .* is out of date\")))) | length == 1" >/dev/null &&
	view V3 director &&
	camview -C site grant V3.yaml >out 2>err &&
	has "^granted	V3	tranvanb	" out &&
	has "^camview: warning: the revocation list of .* is out of date" err &&
	cut -f6 site.store/audit.journal | jq -s -e "map(select(.program == \"camview\" and .object == \"V3\" and .outcome == \"granted\" and (.detail.warning | test(\"revocation list of .* is out of date\")))) | length == 1" >/dev/null
'

expect_success 'the stale-list warning in Vietnamese on screen, in English in the journal' '
	request R3v director &&
	LANG=vi_VN.UTF-8 camextract -C site run R3v.yaml -o R3v.tar >out 2>err &&
	test -s R3v.tar &&
	has "cảnh báo: danh sách thu hồi của .* đã lỗi thời \(danh sách mới phải có từ .*\): " err &&
	hasnt "revocation list" err &&
	cut -f6 site.store/audit.journal | jq -s -e "map(select(.program == \"camextract\" and .object == \"R3v\" and .outcome == \"granted\" and (.detail.warning | test(\"revocation list of .* is out of date\")))) | length == 1" >/dev/null &&
	view V3v director &&
	LANG=vi_VN.UTF-8 camview -C site grant V3v.yaml >out 2>err &&
	has "^granted	V3v	tranvanb	" out &&
	has "^camview: cảnh báo: danh sách thu hồi của .* đã lỗi thời" err &&
	cut -f6 site.store/audit.journal | jq -s -e "map(select(.program == \"camview\" and .object == \"V3v\" and .outcome == \"granted\" and (.detail.warning | test(\"revocation list of .* is out of date\")))) | length == 1" >/dev/null
'

expect_success 'policy crl_expired: refuse: the stale list refuses every signature of its CA' '
	sed -i "s|^  crl_expired: warn|  crl_expired: refuse|" site/camkit.yaml &&
	camctl -C site commit -m "refuse stale lists" >/dev/null &&
	request R4 director &&
	must_fail 1 camextract -C site run R4.yaml -o R4.tar 2>err &&
	has "refused \(crl-expired\)" err &&
	has "the revocation list of CN=Demo camkit CA,O=Demo Office,C=VN is out of date \(a new one was due on 20[0-9-]* [0-9:]* \+07\)" err &&
	test ! -e R4.tar &&
	must_fail 1 camaudit -C site crl >out &&
	has "policy crl_expired: refuse" out
'

expect_success 'camkit.yaml: a bad crl_expired and a list no trusted CA signed are refused at commit' '
	head=$(git -C site rev-parse HEAD) &&
	sed -i "s|^  crl_expired: refuse|  crl_expired: maybe|" site/camkit.yaml &&
	must_fail 1 camctl -C site commit -m bad 2>err &&
	has "\"crl_expired\" must be \"warn\" or \"refuse\"" err &&
	git -C site checkout -q camkit.yaml &&
	cp rogue.pem site/trust/crl/rogue.crl &&
	sed -i "s|^    - \"trust/crl/\(.*\)\"$|    - trust/crl/\1\n    - trust/crl/rogue.crl|" site/camkit.yaml &&
	has "^    - trust/crl/rogue.crl$" site/camkit.yaml &&
	must_fail 1 camctl -C site commit -m bad 2>err &&
	has "rogue.crl: revocation list 1: its issuer \(CN = Rogue CA\) is not a trusted CA" err &&
	git -C site checkout -q camkit.yaml && rm site/trust/crl/rogue.crl &&
	test "$(git -C site rev-parse HEAD)" = "$head" &&
	sed -i "s|^  crl_expired: refuse|  crl_expired: warn|" site/camkit.yaml &&
	camctl -C site commit -m "stale lists warn" >/dev/null
'

expect_success 'camctl crl rm: the list is no longer in force; an unknown path is refused' '
	head=$(git -C site rev-parse HEAD) &&
	must_fail 1 camctl -C site crl rm trust/crl/none.crl 2>err &&
	has "no revocation list trust/crl/none.crl in trust.crl" err &&
	test "$(git -C site rev-parse HEAD)" = "$head" &&
	path=$(cd site && ls trust/crl/*.crl) &&
	camctl -C site crl rm "$path" >out &&
	has "^committed	.*	crl rm $path$" out &&
	test -z "$(camctl -C site crl list)" &&
	request R6 director2 &&
	camextract -C site run R6.yaml -o R6.tar >out 2>err &&
	test -s R6.tar
'

done_testing
