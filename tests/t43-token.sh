# Keys on a PKCS#11 token (SoftHSM2 stands for the director's USB
# token): the key pair is generated on the token and never leaves it;
# camextract sign signs with it (PIN from a file, the URI or the
# terminal), camextract run honours the signature, openssl accepts it;
# a wrong PIN is refused and writes nothing; the site key on the token
# seals the journals and signs archives camaudit verify accepts.
. "$CAMKIT_TOP/tests/lib.sh"

M=/usr/lib/softhsm/libsofthsm2.so
for tool in softhsm2-util pkcs11-tool; do
	command -v "$tool" >/dev/null || skip_all "no $tool (Debian softhsm2, opensc)"
done
[ -r "$M" ] || skip_all "no SoftHSM2 module $M"
openssl engine pkcs11 >/dev/null 2>&1 ||
    skip_all "no pkcs11 engine for OpenSSL (Debian libengine-pkcs11-openssl)"

# The token lives in this test's directory; the p11-kit proxy (the
# engine's default module) loads SoftHSM2, which reads SOFTHSM2_CONF.
mkdir -p tokens
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
    "$T" >softhsm2.conf
SOFTHSM2_CONF=$T/softhsm2.conf
export SOFTHSM2_CONF
softhsm2-util --init-token --free --label camkit-test --pin 4321 \
    --so-pin 87654321 >/dev/null
p11() { pkcs11-tool --module "$M" --token-label camkit-test "$@"; }
URI='pkcs11:token=camkit-test;object=director'
printf '4321\n' >pin && chmod 600 pin

P=$T/pki
director_site site
recorded_window site gate

# certify NAME ID SUBJECT: a certificate from the demo CA for the key
# NAME of the token, from a request signed on the token itself, written
# back to the token beside its key (same id and label).
certify() {
	openssl req -new -engine pkcs11 -keyform engine \
	    -key "pkcs11:token=camkit-test;object=$1;type=private;pin-value=4321" \
	    -subj "$3" -out "$1.csr" 2>"$1.err" &&
	printf '%s\n' basicConstraints=CA:FALSE \
	    keyUsage=critical,digitalSignature,nonRepudiation >"$1.ext" &&
	openssl x509 -req -in "$1.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" \
	    -CAcreateserial -days 30 -extfile "$1.ext" -out "$1.crt" 2>>"$1.err" &&
	openssl x509 -in "$1.crt" -outform DER -out "$1.der" &&
	p11 --login --pin 4321 --write-object "$1.der" --type cert --id "$2" \
	    --label "$1" >/dev/null
}

# same_cert A B: the two PEM files hold the same certificate.
same_cert() {
	test "$(openssl x509 -in "$1" -noout -fingerprint -sha256)" = \
	    "$(openssl x509 -in "$2" -noout -fingerprint -sha256)"
}

expect_success 'a key pair generated on the token: sensitive, never extractable, not readable' '
	p11 --login --pin 4321 --keypairgen --key-type EC:prime256v1 --id 01 \
	    --label director >/dev/null &&
	p11 --login --pin 4321 --list-objects --type privkey >objs &&
	has "label: +director" objs &&
	has "Access: +sensitive, always sensitive, never extractable, local" objs &&
	{ p11 --login --pin 4321 --read-object --type privkey --id 01 -o dump \
	    >out 2>&1 || test $? = 1; } &&
	has "not \(yet\) supported|CKR_ATTRIBUTE_SENSITIVE|error" out &&
	test ! -s dump
'

expect_success 'its certificate, from a request signed on the token, written back to it' '
	certify director 01 "/C=VN/O=Demo Office/CN=Giám đốc Demo (token)" &&
	p11 --list-objects --type cert >certs &&
	has "label: +director" certs &&
	cp director.crt site/trust/director-token.pem &&
	sed -i "s|^  director: \[trust/director.pem\]|  director: [trust/director.pem, trust/director-token.pem]|" site/camkit.yaml &&
	camctl -C site commit -m "the director token" >/dev/null
'

expect_success 'signed on the token (PIN file, the token'"'"'s certificate): openssl and camextract run accept it' '
	request R1 "$from" "$to" &&
	camextract -C site sign --key "$URI" --pin-file pin R1.yaml >out &&
	has "^R1.yaml.p7s$" out &&
	openssl cms -verify -binary -inform DER -in R1.yaml.p7s -content R1.yaml \
	    -CAfile "$P/ca.crt" -purpose any -signer signer.pem -out /dev/null 2>err &&
	same_cert signer.pem director.crt &&
	camextract -C site run R1.yaml -o R1.tar >out 2>err &&
	has "^clips/gate.mp4	h264	" out &&
	tar -xOf R1.tar custody.json | jq -e ".signers[0].director == true" >/dev/null
'

expect_success 'with --cert FILE, and with the PIN in the URI'"'"'s pin-source' '
	request R2 "$from" "$to" &&
	camextract -C site sign --key "$URI" --cert director.crt --pin-file pin \
	    -o R2.a.p7s R2.yaml >/dev/null &&
	camextract -C site sign --key "$URI?pin-source=file:$T/pin" -o R2.b.p7s \
	    R2.yaml >/dev/null &&
	for s in R2.a.p7s R2.b.p7s; do
		openssl cms -verify -binary -inform DER -in "$s" -content R2.yaml \
		    -CAfile "$P/ca.crt" -purpose any -out /dev/null 2>/dev/null || return 1
	done
'

expect_success 'a wrong PIN: exit 1, says so, no signature written' '
	request R3 "$from" "$to" &&
	printf "0000\n" >bad && chmod 600 bad &&
	must_fail 1 camextract -C site sign --key "$URI" --pin-file bad R3.yaml >out 2>err &&
	has "^camextract: pkcs11:token=camkit-test;object=director: the token refused the PIN \(wrong PIN\?\)$" err &&
	test ! -s out && test -z "$(ls R3.yaml.* 2>/dev/null)"
'

expect_success 'a PIN file others may read, no such key, no PIN and no terminal: each refused, nothing written' '
	cp pin open.pin && chmod 644 open.pin &&
	must_fail 1 camextract -C site sign --key "$URI" --pin-file open.pin R3.yaml 2>err &&
	has "open.pin: mode 0644 lets others read the PIN; it must be 0600 or 0400" err &&
	must_fail 1 camextract -C site sign --key "pkcs11:token=camkit-test;object=nobody" \
	    --pin-file pin R3.yaml 2>err &&
	has "object=nobody: no such private key on a token \(object not found: is the token plugged in" err &&
	must_fail 1 setsid -w camextract -C site sign --key "$URI" R3.yaml </dev/null 2>err &&
	has "no terminal to ask its PIN on: give --pin-file" err &&
	must_fail 2 camextract -C site sign --key "$P/director.key" R3.yaml 2>err &&
	has "give --key, --cert \(unless the key is a pkcs11: URI\)" err &&
	test -z "$(ls R3.yaml.* 2>/dev/null)"
'

expect_success 'URIs camkit does not read, a key file naming the token readable by others: refused, nothing written' '
	must_fail 1 camextract -C site sign --key "$URI?module-name=softhsm2" \
	    --pin-file pin R3.yaml 2>err &&
	has "\"module-name=softhsm2\": camkit reads only pin-value, pin-source and module-path" err &&
	must_fail 1 camextract -C site sign --key "$URI?pin-source=pin" R3.yaml 2>err &&
	has "pin-source and module-path must be absolute paths" err &&
	must_fail 1 camextract -C site sign --key "$URI?pin-value=4%3" R3.yaml 2>err &&
	has "camkit reads only pin-value" err &&
	printf "%s\n" "$URI" >token.key && chmod 644 token.key &&
	must_fail 1 camextract -C site sign --key token.key --cert director.crt \
	    --pin-file pin R3.yaml 2>err &&
	has "token.key: mode 0644 lets others read the signing key" err &&
	chmod 600 token.key &&
	camextract -C site sign --key token.key --cert director.crt --pin-file pin \
	    -o R3.key.p7s R3.yaml >/dev/null &&
	openssl cms -verify -binary -inform DER -in R3.key.p7s -content R3.yaml \
	    -CAfile "$P/ca.crt" -purpose any -out /dev/null 2>/dev/null &&
	rm R3.key.p7s && test -z "$(ls R3.yaml.* 2>/dev/null)"
'

expect_success 'the PIN typed at the terminal is asked for and not echoed' '
	{ command -v script >/dev/null || skip_test "no script(1)"; } &&
	request R4 "$from" "$to" &&
	{ sleep 1 && printf "4321\r" && sleep 2; } |
	    script -qec "camextract -C site sign --key \"$URI\" R4.yaml" /dev/null \
	    >typescript 2>&1 &&
	has "PIN of the token camkit-test: " typescript &&
	hasnt 4321 typescript &&
	openssl cms -verify -binary -inform DER -in R4.yaml.p7s -content R4.yaml \
	    -CAfile "$P/ca.crt" -purpose any -out /dev/null 2>/dev/null
'

expect_success 'signing on the token leaks nothing, under memcheck (SoftHSM2 named by module-path)' '
	{ command -v valgrind >/dev/null || skip_test "no valgrind"; } &&
	case $CAMKIT_BIN in */asan) skip_test "valgrind cannot run a sanitized build" ;; esac &&
	{ [ -f "$CAMKIT_BIN/tests/hwytimer.so" ] || skip_test "no hwytimer.so (make all-tests)"; } &&
	request R6 "$from" "$to" &&
	for f in pin bad; do
		{ LD_PRELOAD=$CAMKIT_BIN/tests/hwytimer.so valgrind -q --leak-check=full \
		    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		    --track-fds=no --log-file="$T/$f.vg" \
		    "$CAMKIT_BIN/camextract" -C site sign --key "$URI?module-path=$M" \
		    --pin-file "$f" -o "R6.$f.p7s" R6.yaml >/dev/null 2>&1 ||
		    test $? = 1; } &&
		hasnt "definitely lost|indirectly lost|Invalid (read|write)|uninitialised" "$T/$f.vg" ||
		return 1
	done &&
	test -s R6.pin.p7s && test ! -e R6.bad.p7s
'

expect_success 'the site key on the token: private/site.key names it, site.pin holds its PIN' '
	p11 --login --pin 4321 --keypairgen --key-type EC:prime256v1 --id 02 \
	    --label site >/dev/null &&
	certify site 02 "/C=VN/O=Demo Office/CN=camkit site rec1 (token)" &&
	printf "pkcs11:token=camkit-test;object=site\n" >site/private/site.key &&
	install -m 644 site.crt site/private/site.crt &&
	rm -f site/private/site.pin &&
	must_fail 1 camctl -C site seal 2>err &&
	has "site/private/site.key: the site key is on a token and no PIN was given \(put it in the .pin file beside it, mode 0600\)" err &&
	install -m 600 pin site/private/site.pin &&
	camctl -C site seal >out &&
	has "^sealed	audit.journal	" out &&
	camaudit -C site journals >out &&
	hasnt "^FAIL" out && has "^ok	audit.journal	[0-9]+ records, [1-9][0-9]* seals" out
'

expect_success 'an archive signed by the site key on the token: openssl and camaudit verify accept it' '
	request R5 "$from" "$to" &&
	camextract -C site sign --key "$URI" --pin-file pin R5.yaml >/dev/null &&
	camextract -C site run R5.yaml -o R5.tar >/dev/null 2>err &&
	mkdir x && tar -xf R5.tar -C x &&
	openssl cms -verify -binary -inform DER -in x/SHA256SUMS.p7s \
	    -content x/SHA256SUMS -CAfile "$P/ca.crt" -purpose any \
	    -signer signer.pem -out /dev/null 2>/dev/null &&
	same_cert signer.pem site.crt &&
	camaudit -C site verify R5.tar >out &&
	hasnt "^FAIL" out &&
	has "^ok	site signature	SHA256SUMS signed by .*rec1 \(token\)" out
'

expect_success 'an archive encrypted to a recipient whose key is on a token: camaudit verify --key decrypts on the token' '
	p11 --login --pin 4321 --keypairgen --key-type EC:prime256v1 --id 03 \
	    --label recipient >/dev/null &&
	certify recipient 03 "/C=VN/O=Demo Office/CN=recipient (token)" &&
	request R7 "$from" "$to" &&
	camextract -C site sign --key "$URI" --pin-file pin R7.yaml >/dev/null &&
	camextract -C site run R7.yaml -o R7.cms --encrypt-to recipient.crt >/dev/null 2>err &&
	printf "pkcs11:token=camkit-test;object=recipient\n" >rcpt.key &&
	chmod 600 rcpt.key && install -m 600 pin rcpt.pin &&
	mkdir tmpd && TMPDIR=$T/tmpd camaudit -C site verify --key rcpt.key R7.cms >out &&
	hasnt "^FAIL" out &&
	has "^ok	decrypt	with the key rcpt.key" out &&
	has "^ok	site signature	SHA256SUMS signed by .*rec1 \(token\)" out &&
	test -z "$(ls -A tmpd)"
'

done_testing
