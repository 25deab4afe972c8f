# tests/s3d.py, the S3 service the replication tests run against, checked
# with two clients that are not camkit's: Debian's s3cmd (its own SigV4
# code) and curl's --aws-sigv4.  Both are accepted with the right key
# and refused with a wrong one, so s3d's SigV4 is AWS's; then the rest
# the tests rely on: a body not matching its declared SHA-256, an old
# request, Object Lock (retention, legal holds, delete markers),
# listings in pages, objects altered or removed by hand on the disk,
# injected failures and a restart that keeps the objects.
. "$CAMKIT_TOP/tests/lib.sh"

command -v s3cmd >/dev/null || skip_all "needs s3cmd"
command -v curl >/dev/null || skip_all "needs curl"

s3d_start store

# s3cfg FILE ACCESS SECRET: an s3cmd configuration for the service.
s3cfg() {
	cat >"$1" <<EOF
[default]
access_key = $2
secret_key = $3
host_base = 127.0.0.1:$S3_PORT
host_bucket = 127.0.0.1:$S3_PORT
bucket_location = $S3_REGION
use_https = False
signature_v2 = False
EOF
}
s3cfg good.cfg "$S3_ACCESS" "$S3_SECRET"
s3cfg badsecret.cfg "$S3_ACCESS" "not-the-secret"
s3cfg badkey.cfg "someone-else" "$S3_SECRET"
head -c 300000 /dev/urandom >big.bin
printf 'small object\n' >small.txt

# xml_field FIELD FILE: the text of each <FIELD> element, a line each.
xml_field() {
	grep -o "<$1>[^<]*</$1>" "$2" | sed "s|<$1>||; s|</$1>||"
}

# sha FILE: its SHA-256, hex.
sha() {
	sha256sum "$1" | cut -c1-64
}

expect_success 's3cmd makes a bucket, puts, lists, gets and deletes' '
	s3cmd -c good.cfg mb s3://plain >out 2>&1 &&
	s3cmd -c good.cfg put big.bin s3://plain/dir/big.bin >out 2>&1 &&
	s3cmd -c good.cfg put small.txt s3://plain/small.txt >out 2>&1 &&
	s3cmd -c good.cfg ls -r s3://plain >ls 2>&1 &&
	has "300000 +s3://plain/dir/big.bin$" ls &&
	has "13 +s3://plain/small.txt$" ls &&
	s3cmd -c good.cfg ls s3://plain >top 2>&1 &&
	has "DIR +s3://plain/dir/$" top &&
	s3cmd -c good.cfg get s3://plain/dir/big.bin got.bin >out 2>&1 &&
	cmp big.bin got.bin &&
	cmp big.bin "$(s3d_body plain dir/big.bin)" &&
	s3cmd -c good.cfg del s3://plain/small.txt >out 2>&1 &&
	s3cmd -c good.cfg ls -r s3://plain >ls 2>&1 &&
	hasnt small.txt ls &&
	test ! -e "$S3_DIR/plain/small.txt" &&
	test "$(s3d_requests store PUT "plain/dir/big.bin")" = 1
'

expect_success 's3cmd with a wrong secret or an unknown key is refused, nothing written' '
	must_fail 77 s3cmd -c badsecret.cfg put small.txt s3://plain/x.txt >out 2>&1 &&
	has "403.*SignatureDoesNotMatch" out &&
	must_fail 77 s3cmd -c badsecret.cfg ls s3://plain >out 2>&1 &&
	has "SignatureDoesNotMatch" out &&
	must_fail 77 s3cmd -c badkey.cfg put small.txt s3://plain/x.txt >out 2>&1 &&
	has "403.*InvalidAccessKeyId" out &&
	test ! -e "$S3_DIR/plain/x.txt" &&
	test "$(s3d_requests store PUT "plain/x.txt" 403)" = 2
'

expect_success 'curl --aws-sigv4 is accepted; a key in the path is signed URI-encoded' '
	s3d_curl --fail -X PUT plain2 >out &&
	s3d_curl --sha256 "$(sha small.txt)" --fail -T small.txt \
	    "plain2/a%20b%2Bc%3Ad.txt" >out &&
	s3d_curl --fail -o got.txt "plain2/a%20b%2Bc%3Ad.txt" &&
	cmp small.txt got.txt &&
	cmp small.txt "$(s3d_body plain2 "a b+c:d.txt")" &&
	s3cmd -c good.cfg ls s3://plain2 >ls 2>&1 &&
	has "s3://plain2/a b\+c:d.txt$" ls &&
	# The same path not encoded as AWS encodes it: not its signature.
	s3d_curl --sha256 "$(sha small.txt)" -T small.txt \
	    "plain2/e+f:g.txt" >out &&
	has "<Code>SignatureDoesNotMatch</Code>" out &&
	test ! -e "$S3_DIR/plain2/e+f:g.txt"
'

expect_success 'a body not matching its declared SHA-256 is refused, nothing stored' '
	s3d_curl --sha256 "$(sha big.bin)" -T small.txt plain2/mismatch >out &&
	has "<Code>XAmzContentSHA256Mismatch</Code>" out &&
	test ! -e "$S3_DIR/plain2/mismatch" &&
	s3d_curl -T small.txt -H "Content-MD5: AAAAAAAAAAAAAAAAAAAAAA==" \
	    plain2/badmd5 >out &&
	has "<Code>BadDigest</Code>" out &&
	test ! -e "$S3_DIR/plain2/badmd5"
'

expect_success 'a request 20 minutes old, an unsigned x-amz header: refused' '
	s3d_curl -H "x-amz-date: $(date -u -d "-20 min" +%Y%m%dT%H%M%SZ)" \
	    plain2 >out &&
	has "<Code>RequestTimeTooSkewed</Code>" out &&
	curl -sS -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
	    "$S3_ENDPOINT/plain2/a%20b%2Bc%3Ad.txt" >out &&
	has "<Code>AccessDenied</Code>" out &&
	s3d_curl --fail -T small.txt -H "x-amz-meta-sha256: 00" plain2/meta >out &&
	test -e "$S3_DIR/plain2/meta" &&
	s3d_curl -I plain2/meta >head &&
	has "^x-amz-meta-sha256: 00" head
'

expect_success 'Object Lock: a COMPLIANCE version cannot be deleted, a delete marker can be made' '
	s3d_bucket locked lock &&
	until=$(date -u -d "+1 day" +%Y-%m-%dT%H:%M:%SZ) &&
	s3d_curl --sha256 "$(sha small.txt)" --fail -D put.h -T small.txt \
	    -H "x-amz-object-lock-mode: COMPLIANCE" \
	    -H "x-amz-object-lock-retain-until-date: $until" \
	    -H "x-amz-meta-sha256: $(sha small.txt)" locked/j/1-5 >out &&
	v1=$(sed -n "s/^x-amz-version-id: \([^\r]*\).*/\1/p" put.h) &&
	test -n "$v1" &&
	s3d_curl --fail -I locked/j/1-5 >head &&
	has "^x-amz-object-lock-mode: COMPLIANCE" head &&
	has "^x-amz-object-lock-retain-until-date: ${until%Z}\.000Z" head &&
	has "^x-amz-object-lock-legal-hold: OFF" head &&
	has "^x-amz-version-id: $v1" head &&
	has "^Content-Length: 13" head &&
	has "^x-amz-meta-sha256: $(sha small.txt)" head &&
	s3d_curl -X DELETE "locked/j/1-5?versionId=$v1" >out &&
	has "<Code>AccessDenied</Code>" out &&
	s3d_curl -X DELETE -H "x-amz-bypass-governance-retention: true" \
	    "locked/j/1-5?versionId=$v1" >out &&
	has "<Code>AccessDenied</Code>" out &&
	cmp small.txt "$(s3d_body locked j/1-5 "$v1")" &&
	# A second PUT is a new version; the first stays.
	s3d_curl --fail -D put2.h -T big.bin locked/j/1-5 >out &&
	v2=$(sed -n "s/^x-amz-version-id: \([^\r]*\).*/\1/p" put2.h) &&
	test "$v1" != "$v2" &&
	s3d_curl --fail -o got.txt "locked/j/1-5?versionId=$v1" &&
	cmp small.txt got.txt &&
	# Deleting without a version adds a delete marker.
	s3d_curl --fail -D del.h -X DELETE locked/j/1-5 >out &&
	has "^x-amz-delete-marker: true" del.h &&
	s3d_curl -o out -w "%{http_code}\n" locked/j/1-5 >code &&
	test "$(cat code)" = 404 &&
	has "<Code>NoSuchKey</Code>" out &&
	s3d_curl --fail -o got.txt "locked/j/1-5?versionId=$v1" &&
	cmp small.txt got.txt &&
	s3d_curl --fail "locked?versions=" >vers &&
	test "$(grep -o "<Version>" vers | wc -l)" = 2 &&
	test "$(grep -o "<DeleteMarker>" vers | wc -l)" = 1 &&
	# The unlocked second version can go.
	s3d_curl --fail -X DELETE "locked/j/1-5?versionId=$v2" >out
'

expect_success 'Object Lock: retention extended, never shortened; GOVERNANCE bypassed; legal holds' '
	until=$(date -u -d "+1 day" +%Y-%m-%dT%H:%M:%SZ) &&
	s3d_curl --fail -D put.h -T small.txt \
	    -H "x-amz-object-lock-mode: COMPLIANCE" \
	    -H "x-amz-object-lock-retain-until-date: $until" locked/r >out &&
	later=$(date -u -d "+2 days" +%Y-%m-%dT%H:%M:%SZ) &&
	sooner=$(date -u -d "+1 hour" +%Y-%m-%dT%H:%M:%SZ) &&
	printf "<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>%s</RetainUntilDate></Retention>" \
	    "$sooner" >ret.xml &&
	s3d_curl -X PUT -T ret.xml "locked/r?retention=" >out &&
	has "<Code>AccessDenied</Code>" out &&
	printf "<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>%s</RetainUntilDate></Retention>" \
	    "$later" >ret.xml &&
	s3d_curl -X PUT -T ret.xml "locked/r?retention=" >out &&
	has "<Code>AccessDenied</Code>" out &&
	printf "<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>%s</RetainUntilDate></Retention>" \
	    "$later" >ret.xml &&
	s3d_curl --fail -X PUT -T ret.xml "locked/r?retention=" >out &&
	s3d_curl --fail "locked/r?retention=" >out &&
	has "<RetainUntilDate>${later%Z}.000Z</RetainUntilDate>" out &&
	# GOVERNANCE: refused, unless bypassed.
	s3d_curl --fail -D gput.h -T small.txt \
	    -H "x-amz-object-lock-mode: GOVERNANCE" \
	    -H "x-amz-object-lock-retain-until-date: $until" locked/g >out &&
	vg=$(sed -n "s/^x-amz-version-id: \([^\r]*\).*/\1/p" gput.h) &&
	s3d_curl -X DELETE "locked/g?versionId=$vg" >out &&
	has "<Code>AccessDenied</Code>" out &&
	test -n "$(s3d_body locked g "$vg")" &&
	s3d_curl --fail -X DELETE -H "x-amz-bypass-governance-retention: true" \
	    "locked/g?versionId=$vg" >out &&
	test ! -e "$S3_DIR/locked/g" &&
	# A legal hold, from the upload and by ?legal-hold.
	s3d_curl --fail -D hput.h -T small.txt \
	    -H "x-amz-object-lock-legal-hold: ON" locked/h >out &&
	vh=$(sed -n "s/^x-amz-version-id: \([^\r]*\).*/\1/p" hput.h) &&
	s3d_curl -X DELETE "locked/h?versionId=$vh" >out &&
	has "<Code>AccessDenied</Code>" out &&
	printf "<LegalHold><Status>OFF</Status></LegalHold>" >hold.xml &&
	s3d_curl --fail -X PUT -T hold.xml "locked/h?legal-hold=" >out &&
	s3d_curl --fail "locked/h?legal-hold=" >out &&
	has "<Status>OFF</Status>" out &&
	printf "<LegalHold><Status>ON</Status></LegalHold>" >hold.xml &&
	s3d_curl --fail -X PUT -T hold.xml "locked/h?legal-hold=" >out &&
	s3d_curl -X DELETE "locked/h?versionId=$vh" >out &&
	has "<Code>AccessDenied</Code>" out &&
	printf "<LegalHold><Status>OFF</Status></LegalHold>" >hold.xml &&
	s3d_curl --fail -X PUT -T hold.xml "locked/h?legal-hold=" >out &&
	s3d_curl --fail -X DELETE "locked/h?versionId=$vh" >out &&
	test ! -e "$S3_DIR/locked/h" &&
	# Lock headers on a bucket without Object Lock.
	s3d_curl -T small.txt -H "x-amz-object-lock-legal-hold: ON" plain/h >out &&
	has "<Code>InvalidRequest</Code>" out &&
	test ! -e "$S3_DIR/plain/h"
'

expect_success 'an object removed or altered by hand on the disks is seen so' '
	s3d_bucket byhand &&
	for k in a b c; do
		s3d_curl --fail -T small.txt "byhand/cam/$k.mkv" >out || return 1
	done &&
	rm -r "$S3_DIR/byhand/cam/b.mkv" &&
	s3d_curl -I -o /dev/null -w "%{http_code}\n" byhand/cam/b.mkv >code &&
	test "$(cat code)" = 404 &&
	s3d_curl --fail "byhand?list-type=2&prefix=cam%2F" >ls &&
	test "$(xml_field Key ls)" = "cam/a.mkv
cam/c.mkv" &&
	printf "tampered\n" >"$(s3d_body byhand cam/c.mkv)" &&
	s3d_curl --fail -o got.txt byhand/cam/c.mkv &&
	test "$(cat got.txt)" = tampered &&
	s3d_curl --fail "byhand?list-type=2&prefix=cam%2Fc" >ls &&
	test "$(xml_field Size ls)" = 9
'

expect_success 'listings in pages of 2, with a delimiter; a failed PUT; a restart keeps the objects' '
	s3d_stop store &&
	port=$S3_PORT &&
	s3d_start store "$port" --max-keys 2 --fail-puts 1 &&
	test "$S3_PORT" = "$port" &&
	s3d_bucket paged &&
	s3d_curl -T small.txt paged/h1/x >out &&
	has "<Code>SlowDown</Code>" out &&
	test ! -e "$S3_DIR/paged/h1/x" &&
	for k in h1/x h1/y h2/x h3/x top; do
		s3d_curl --fail -T small.txt "paged/$k" >out || return 1
	done &&
	s3d_curl --fail "paged?delimiter=%2F&list-type=2" >p1 &&
	test "$(xml_field Prefix p1 | grep .)" = "h1/
h2/" &&
	has "<IsTruncated>true</IsTruncated>" p1 &&
	tok=$(xml_field NextContinuationToken p1 |
	    sed "s|+|%2B|g; s|/|%2F|g; s|=|%3D|g") &&
	s3d_curl --fail "paged?continuation-token=$tok&delimiter=%2F&list-type=2" >p2 &&
	test "$(xml_field Prefix p2 | grep .)" = "h3/" &&
	test "$(xml_field Key p2)" = top &&
	has "<IsTruncated>false</IsTruncated>" p2 &&
	# s3cmd follows the pages itself (ListObjects version 1).
	s3cmd -c good.cfg ls -r s3://paged >ls 2>&1 &&
	test "$(grep -c "s3://paged/" ls)" = 5 &&
	# Objects made before the restart are still there.
	s3cmd -c good.cfg get --force s3://plain/dir/big.bin got.bin >out 2>&1 &&
	cmp big.bin got.bin
'

expect_success 'the service down: a client cannot connect; back on its port, it answers' '
	s3d_stop store &&
	port=$S3_PORT &&
	must_fail 7 s3d_curl --fail plain >out 2>&1 &&
	s3d_start store "$port" &&
	s3d_curl --fail -I plain >out
'

expect_success 'with --require-md5, as AWS: a locked upload needs Content-MD5 or x-amz-checksum-sha256' '
	s3d_stop store &&
	s3d_start store "$S3_PORT" --require-md5 &&
	until=$(date -u -d "+1 day" +%Y-%m-%dT%H:%M:%SZ) &&
	s3d_curl -T small.txt -H "x-amz-object-lock-mode: COMPLIANCE" \
	    -H "x-amz-object-lock-retain-until-date: $until" locked/md5 >out &&
	has "<Code>InvalidRequest</Code>" out &&
	test ! -e "$S3_DIR/locked/md5" &&
	b64=$(openssl dgst -sha256 -binary small.txt | base64) &&
	s3d_curl -T big.bin -H "x-amz-checksum-sha256: $b64" \
	    -H "x-amz-object-lock-mode: COMPLIANCE" \
	    -H "x-amz-object-lock-retain-until-date: $until" locked/md5 >out &&
	has "<Code>BadDigest</Code>" out &&
	test ! -e "$S3_DIR/locked/md5" &&
	s3d_curl --fail -T small.txt -H "x-amz-checksum-sha256: $b64" \
	    -H "x-amz-object-lock-mode: COMPLIANCE" \
	    -H "x-amz-object-lock-retain-until-date: $until" locked/md5 >out &&
	md5=$(openssl dgst -md5 -binary small.txt | base64) &&
	s3d_curl --fail -T small.txt -H "Content-MD5: $md5" \
	    -H "x-amz-object-lock-legal-hold: ON" locked/md5b >out &&
	cmp small.txt "$(s3d_body locked md5)" &&
	cmp small.txt "$(s3d_body locked md5b)"
'

s3d_stop store
done_testing
