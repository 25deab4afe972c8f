# The right signer for the right act: a unit head certifies only their
# own unit's requests, one certificate (or key) is not two signers, a
# signer's certificate must be one for signing, and what Windows editors
# do to a request (CRLF, a byte-order mark) is said in plain words.
. "$CAMKIT_TOP/tests/lib.sh"

P=$T/pki
director_site site unit-head
recorded_window site gate

# cert NAME SUBJECT KEYUSAGE [KEY]: a certificate of the demo CA, with a
# key of its own or KEY's.
cert() {
	if [ -n "${4:-}" ]; then
		cp "$P/$4.key" "$P/$1.key" || return 1
	else
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		    -out "$P/$1.key" 2>/dev/null || return 1
	fi &&
	openssl req -utf8 -new -key "$P/$1.key" -subj "$2" -out "$1.csr" 2>/dev/null &&
	printf '%s\n' basicConstraints=CA:FALSE "keyUsage=critical,$3" >"$1.ext" &&
	openssl x509 -req -in "$1.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" \
	    -CAcreateserial -out "$P/$1.crt" -days 30 -extfile "$1.ext" 2>/dev/null &&
	rm "$1.csr" "$1.ext"
}

cert uh-b "/C=VN/O=Demo Office/OU=Phòng Kế toán/CN=Trưởng phòng Kế toán" \
    digitalSignature,nonRepudiation
cert dir-kcs "/C=VN/O=Demo Office/CN=Giám đốc KCS" keyCertSign
cert dir-ke "/C=VN/O=Demo Office/CN=Giám đốc KE" keyEncipherment
cert twin "/C=VN/O=Demo Office/CN=Phó phòng Demo" digitalSignature director
for c in uh-b dir-kcs dir-ke twin director; do
	cp "$P/$c.crt" "site/trust/$c.pem" || exit 1
done
sed -i 's|^  director: .*|  director: [trust/director.pem, trust/dir-kcs.pem, trust/dir-ke.pem]|; s|^  unit_head_signature: false|  unit_head_signature: true|' site/camkit.yaml
heads='{ "Phòng Tổ chức": trust/unit-head.pem, "Phòng Kế toán": trust/uh-b.pem }'
sed -i "s|^  unit_head: .*|  unit_head: $heads|" site/camkit.yaml
camctl -C site commit -m "two units, each its head; unit heads must certify" >/dev/null

# unit REQ UNIT: the request's requester.unit made UNIT.
unit() {
	sed -i "s|^  unit: \"Phòng Tổ chức\"|  unit: \"$2\"|" "$1"
}

# refused CODE-NAME REQ: run is refused with that reason, writes nothing,
# and the refusal is audited.
refused() {
	must_fail 1 camextract -C site run "$2" -o out.tar 2>err &&
	has "refused \($1\)" err && test ! -e out.tar &&
	test -z "$(ls out.tar* 2>/dev/null)" &&
	tail -n1 site.store/audit.journal | cut -f6 | jq -e ".outcome == \"refused\" and (.reason | startswith(\"$1\"))" >/dev/null
}

# unsigned REQ: no signature file beside REQ.
unsigned() {
	test -z "$(ls "$1".*p7s "${1%.yaml}".*p7s 2>/dev/null)"
}

expect_success 'trust.unit_head neither a list nor a map: refused at its line, nothing committed' '
	git -C site rev-parse HEAD >before &&
	sed -i "s|^  unit_head: .*|  unit_head: trust/unit-head.pem|" site/camkit.yaml &&
	line=$(grep -n "^  unit_head:" site/camkit.yaml | cut -d: -f1) &&
	must_fail 1 camctl -C site commit -m "neither form" 2>err &&
	has "camkit.yaml:$line:[0-9]+: trust: \"unit_head\" must be a list of certificate files" err &&
	has "or map each unit to its head.s certificate" err &&
	git -C site rev-parse HEAD >after && cmp before after &&
	sed -i "s|^  unit_head: .*|  unit_head: $heads|" site/camkit.yaml &&
	camctl -C site check >/dev/null
'

# The list form: each head's unit is an OU of their certificate.
cert uh-noou "/C=VN/O=Demo Office/CN=Trưởng phòng không đơn vị" \
    digitalSignature
cp "$P/uh-noou.crt" site/trust/uh-noou.pem
# A unit head whose OU is a BMPString (OpenSSL's "default" string mask),
# not UTF8String: read as UTF-8 all the same.
printf '%s\n' '[req]' 'distinguished_name = dn' 'string_mask = default' '[dn]' >bmp.cnf
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$P/uh-hc.key" 2>/dev/null
openssl req -config bmp.cnf -utf8 -new -key "$P/uh-hc.key" \
    -subj "/C=VN/O=Demo Office/OU=Phòng Hành chính/CN=Trưởng phòng Hành chính" -out uh-hc.csr
printf '%s\n' basicConstraints=CA:FALSE keyUsage=critical,digitalSignature >uh-hc.ext
openssl x509 -req -in uh-hc.csr -CA "$P/ca.crt" -CAkey "$P/ca.key" \
    -CAcreateserial -out "$P/uh-hc.crt" -days 30 -extfile uh-hc.ext 2>/dev/null
cp "$P/uh-hc.crt" site/trust/uh-hc.pem

expect_success 'the list form: a unit head whose certificate OU is the requester unit is accepted (UTF8String or BMPString)' '
	openssl asn1parse -in site/trust/uh-hc.pem | grep -q BMPSTRING &&
	sed -i "s|^  unit_head: .*|  unit_head: [trust/unit-head.pem, trust/uh-b.pem, trust/uh-noou.pem, trust/uh-hc.pem]|" site/camkit.yaml &&
	camctl -C site commit -m "unit heads as a list, units by OU" >/dev/null &&
	request L1 "$from" "$to" && unit L1.yaml "Phòng Kế toán" &&
	sign L1.yaml director && sign L1.yaml uh-b &&
	camextract -C site run L1.yaml -o L1.tar >/dev/null 2>err &&
	tar -xOf L1.tar custody.json >custody.json &&
	jq -e ".signers | map(select(.unit_head)) | length == 1" custody.json >/dev/null &&
	camaudit -C site verify L1.tar >out &&
	has "^ok	request signatures" out &&
	request L5 "$from" "$to" && unit L5.yaml "Phòng Hành chính" &&
	sign L5.yaml director && sign L5.yaml uh-hc &&
	camextract -C site run L5.yaml -o L5.tar >/dev/null 2>err &&
	tar -tf L5.tar | grep -qx request/L5.yaml.uh-hc.p7s
'

expect_success 'the list form: a unit head whose OU is another unit is refused as wrong-unit' '
	request L2 "$from" "$to" && sign L2.yaml director && sign L2.yaml uh-b &&
	refused wrong-unit L2.yaml &&
	has "signer .*CN=Trưởng phòng Kế toán.* is the unit head of \"Phòng Kế toán\" \(trust.unit_head, by the OU of the certificate\), and this request comes from \"Phòng Tổ chức\"" err &&
	request L3 "$from" "$to" && sign L3.yaml director && sign L3.yaml unit-head &&
	refused wrong-unit L3.yaml &&
	has "is the unit head of \"Phòng Demo\" .*comes from \"Phòng Tổ chức\"" err
'

expect_success 'the list form: a unit head whose certificate has no OU is refused, with how to map it' '
	request L4 "$from" "$to" && sign L4.yaml director && sign L4.yaml uh-noou &&
	refused wrong-unit L4.yaml &&
	has "signer .*CN=Trưởng phòng không đơn vị.* is a unit head \(trust.unit_head\) whose certificate names no unit \(no OU in its subject\)" err &&
	has "map the certificate to its unit in camkit.yaml: trust: unit_head: \{ \"Phòng Tổ chức\": FILE.pem \}" err &&
	sed -i "s|^  unit_head: .*|  unit_head: $heads|" site/camkit.yaml &&
	camctl -C site commit -m "unit heads mapped to their units" >/dev/null
'

expect_success 'a unit named twice (spaces at its ends do not count): refused' '
	sed -i "s|^  unit_head: .*|  unit_head: { \"Phòng Tổ chức\": trust/unit-head.pem, \" Phòng Tổ chức \": trust/uh-b.pem }|" site/camkit.yaml &&
	must_fail 1 camctl -C site check 2>err &&
	has "unit \"Phòng Tổ chức\" given twice" err &&
	sed -i "s|^  unit_head: .*|  unit_head: $heads|" site/camkit.yaml &&
	camctl -C site check >/dev/null
'

expect_success 'the head of another unit certifying a request: refused as wrong-unit, nothing extracted' '
	request W1 "$from" "$to" && sign W1.yaml director && sign W1.yaml uh-b &&
	refused wrong-unit W1.yaml &&
	has "signer .*CN=Trưởng phòng Kế toán.* is the unit head of \"Phòng Kế toán\" \(trust.unit_head\), and this request comes from \"Phòng Tổ chức\": a unit head certifies only the requests of their own unit" err &&
	request W2 "$from" "$to" && unit W2.yaml "Phòng Kế toán" &&
	sign W2.yaml director && sign W2.yaml unit-head &&
	refused wrong-unit W2.yaml &&
	has "is the unit head of \"Phòng Tổ chức\" .*comes from \"Phòng Kế toán\"" err
'

expect_success 'the head of the requester unit: accepted (the unit name trimmed of spaces and NBSP)' '
	request A1 "$from" "$to" && sign A1.yaml director && sign A1.yaml unit-head &&
	camextract -C site run A1.yaml -o A1.tar >/dev/null 2>err &&
	tar -tf A1.tar | grep -qx request/A1.yaml.unit-head.p7s &&
	request A2 "$from" "$to" && unit A2.yaml " Phòng Kế toán$(printf "\302\240")" &&
	grep -q "unit: \" Phòng Kế toán.\"" A2.yaml &&
	camextract -C site sign --key "$P/director.key" --cert "$P/director.crt" A2.yaml >/dev/null &&
	camextract -C site sign --key "$P/uh-b.key" --cert "$P/uh-b.crt" A2.yaml >/dev/null &&
	camextract -C site run A2.yaml -o A2.tar >/dev/null 2>err &&
	tar -xOf A2.tar custody.json >custody.json &&
	jq -e ".signers | map(select(.unit_head)) | length == 1" custody.json >/dev/null
'

expect_success 'camaudit verify holds the archives to the same rule, offline too' '
	camaudit -C site verify A2.tar >out &&
	has "^ok	request signatures" out &&
	mkdir -p tdir && cp "$P/ca.crt" tdir/ca.pem && cp "$P/director.crt" tdir/director.pem &&
	cp "$P/unit-head.crt" tdir/unit-head-a.pem && cp "$P/uh-b.crt" tdir/unit-head-b.pem &&
	cp "$P/twin.crt" tdir/unit-head-c.pem &&
	camaudit -C site verify --trust tdir A2.tar >out &&
	has "^ok	request signatures" out &&
	camaudit -C site verify A1.tar >out &&
	has "^ok	request signatures" out &&
	must_fail 1 camaudit -C site verify --trust tdir A1.tar >out &&
	has "request signatures.*wrong-unit" out &&
	has "unit head of \"Phòng Demo\" .*by the OU of the certificate" out
'

expect_success 'one certificate as director and unit head: refused as same-signer, nothing extracted' '
	sed -i "s|^  unit_head: .*|  unit_head: { \"Phòng Tổ chức\": [trust/unit-head.pem, trust/director.pem] }|" site/camkit.yaml &&
	camctl -C site commit -m "the director heads a unit too" >/dev/null &&
	request S1 "$from" "$to" && sign S1.yaml director &&
	refused same-signer S1.yaml &&
	has "the director.s and the unit head.s signatures are by the same certificate or key: one person cannot sign as both" err &&
	sign S1.yaml unit-head &&
	camextract -C site run S1.yaml -o S1.tar >/dev/null 2>err && test -s S1.tar
'

expect_success 'two certificates of one key as director and unit head: refused as same-signer' '
	sed -i "s|^  unit_head: .*|  unit_head: { \"Phòng Tổ chức\": trust/twin.pem }|" site/camkit.yaml &&
	camctl -C site commit -m "a second certificate of the director key" >/dev/null &&
	request S2 "$from" "$to" && sign S2.yaml director && sign S2.yaml twin &&
	refused same-signer S2.yaml &&
	has "CN=Phó phòng Demo" err &&
	sed -i "s|^  unit_head: .*|  unit_head: $heads|" site/camkit.yaml &&
	camctl -C site commit -m "back" >/dev/null
'

expect_success 'a signer certificate only for keyCertSign or keyEncipherment: refused as key-usage' '
	request K1 "$from" "$to" && sign K1.yaml dir-kcs && sign K1.yaml unit-head &&
	refused key-usage K1.yaml &&
	has "signer CN=Giám đốc KCS[^:]*: the certificate is not one for signing: its key usage is keyCertSign, and a signer.s certificate needs digitalSignature or nonRepudiation" err &&
	request K2 "$from" "$to" && sign K2.yaml dir-ke && sign K2.yaml unit-head &&
	refused key-usage K2.yaml &&
	has "CN=Giám đốc KE[^:]*: .*its key usage is keyEncipherment" err
'

expect_success 'camextract sign refuses a certificate not for signing, writes nothing' '
	request K3 "$from" "$to" &&
	must_fail 1 camextract -C site sign --key "$P/dir-kcs.key" --cert "$P/dir-kcs.crt" \
	    K3.yaml >out 2>err &&
	has "dir-kcs.crt: the certificate is not one for signing \(its key usage is keyCertSign" err &&
	test ! -s out && unsigned K3.yaml
'

expect_success 'a request with CRLF line ends or a BOM: sign refuses in plain words, writes nothing' '
	request C1 "$from" "$to" && sed -i "s/\$/\r/" C1.yaml && cp C1.yaml C1.orig &&
	must_fail 1 camextract -C site sign --key "$P/director.key" --cert "$P/director.crt" \
	    C1.yaml >out 2>err &&
	has "C1.yaml:1:[0-9]+: Windows \(CRLF\) line ends \(a carriage return\): save it as UTF-8 without BOM with LF line ends, or run: sed -i .s/\\\\r\\$//. C1.yaml" err &&
	test ! -s out && unsigned C1.yaml && cmp C1.yaml C1.orig &&
	request C2 "$from" "$to" && printf "\357\273\277" | cat - C2.yaml >C2.bom && mv C2.bom C2.yaml &&
	must_fail 1 camextract -C site sign --key "$P/director.key" --cert "$P/director.crt" \
	    C2.yaml >out 2>err &&
	has "C2.yaml:1:1: the file begins with a byte-order mark \(BOM\)" err &&
	has "save it as UTF-8 without BOM with LF line ends" err &&
	test ! -s out && unsigned C2.yaml &&
	refused bad-request C1.yaml && has "Windows \(CRLF\) line ends" err
'

expect_success 'the fix it gives works: after the sed the request signs and extracts' '
	sed -i "s/\r\$//" C1.yaml && sign C1.yaml director && sign C1.yaml unit-head &&
	camextract -C site run C1.yaml -o C1.tar >/dev/null 2>err && test -s C1.tar
'

expect_success 'a request saved with CRLF or a BOM after signing: refused as edited, in plain words' '
	request E1 "$from" "$to" && sign E1.yaml director && sign E1.yaml unit-head &&
	sed -i "s/\$/\r/" E1.yaml &&
	refused edited E1.yaml &&
	has "E1.yaml: the file was changed after it was signed: an editor saved it again with Windows \(CRLF\) line ends; the signatures match the file as it was signed \(UTF-8 without BOM, LF line ends\), not as it is now, so it is refused" err &&
	hasnt "bad-signature|openssl" err &&
	request E2 "$from" "$to" && sign E2.yaml director && sign E2.yaml unit-head &&
	printf "\357\273\277" | cat - E2.yaml >E2.bom && mv E2.bom E2.yaml &&
	refused edited E2.yaml &&
	has "saved it again with a byte-order mark \(BOM\); the signatures match" err &&
	request E3 "$from" "$to" && sign E3.yaml director && sign E3.yaml unit-head &&
	sed -i "s/Xác minh/Điều tra/; s/\$/\r/" E3.yaml &&
	refused bad-request E3.yaml && hasnt "changed after it was signed" err
'

expect_success 'camview grant: a view request saved with CRLF after signing refused as edited, nothing kept' '
	cat >V1.yaml <<-EOR &&
	action: view
	viewer: tranvanb
	id: V1
	requester:
	  name: "Trần Văn B"
	  unit: "Phòng Tổ chức"
	purpose: "Xem lại hình ảnh cổng"
	cameras: [gate]
	from: "$from"
	to: "$to"
	expires: "$(date -u -d "+2 days" +%Y-%m-%dT%H:%M:%SZ)"
	EOR
	sign V1.yaml director && sign V1.yaml unit-head && sed -i "s/\$/\r/" V1.yaml &&
	must_fail 1 "$CAMKIT_BIN/tests/viewfix" site grant V1.yaml >out 2>err &&
	has "V1.yaml: the file was changed after it was signed: an editor saved it again with Windows \(CRLF\) line ends; the signatures match the file as it was signed" err &&
	has "\(edited\)" err && test ! -s out && test ! -e site.store/views/V1 &&
	sed -i "s/\r\$//" V1.yaml &&
	"$CAMKIT_BIN/tests/viewfix" site grant V1.yaml >out && has "^V1	tranvanb	gate	" out
'

done_testing
